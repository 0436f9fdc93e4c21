/* bench-answer.c — a 4K answer read by Chiaro and by the official JavaScript SDK
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN §11: a 4K answer fetched and written by chiaro-cli in at most 0.6× the time the
 * official JavaScript SDK takes for the same job, and within 150 ms (PNG) / 60 ms (JPEG) of
 * plain curl fetching the same body.
 *
 * Two realistic answers are made once (and kept in the build directory): the shape of
 * api/REFERENCE.md §3 (a text part and an inlineData part, each with a thought signature,
 * usage, model version, response id; pretty-printed as Google sends it) around a 4096×4096
 * photo-like picture, as a PNG (as 2.5 answers) and as a quality-90 JPEG (as 3 Pro answers).
 *
 * Then, in the same run on the same bytes:
 * 1. parsing: chiaro_gemini_parse_response(), the code the provider runs on an answer's body,
 *    against Node's JSON.parse + Buffer.from(data, 'base64') and against @google/genai's
 *    own handling of the body (generateContent with fetch answered from memory). The image
 *    bytes must come out identical. Our steps are timed on their own as well.
 * 2. end to end: chiaro-cli generate against chiaro-mock-server serving that answer (file
 *    written), a Node script doing the same with @google/genai, and curl fetching the body
 *    into a file: the floor. Each a fresh process, as a user would run it.
 *
 * Usage: bench-answer CHIARO_CLI MOCK_SERVER DISCOVERY NODE_SCRIPT SDK_DIR WORK_DIR
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sys/resource.h>
#include <string.h>

#include "chiaro-gemini-wire.h"
#include "chiaro-wire-util.h"

#include "bench-answers.h"
#include "bench-util.h"

#define PARSE_ROUNDS 7
#define E2E_ROUNDS 5
#define MODEL "gemini-3-pro-image-preview"
#define PROMPT "A lighthouse at dusk, the beam catching the mist"

typedef struct
{
  const char *label;       /* "PNG" */
  const char *mime_type;
  const char *extension;
  double      curl_goal_ms;
  GBytes     *image;
  GBytes     *body;
  char       *body_path;
} Answer;

static const char *cli_path, *mock_path, *discovery_path, *node_script, *sdk_dir, *work_dir;

/* Makes (or reuses) both answers. */
static void
prepare_answers (Answer *answers,
                 guint   n_answers)
{
  g_autoptr(GdkPixbuf) photo = NULL;

  for (guint i = 0; i < n_answers; i++)
    bench_answer_prepare (work_dir, answers[i].extension, answers[i].mime_type, &photo,
                          &answers[i].image, &answers[i].body, &answers[i].body_path);
}

/* Where the base64 of the image is in the body, for timing the decoding on its own. */
static void
find_data (GBytes      *body,
           const char **out_text,
           gsize       *out_length)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  const char *key = "\"data\": \"";
  const char *start = g_strstr_len (data, size, key);
  const char *end;

  g_assert (start != NULL);
  start += strlen (key);
  end = memchr (start, '"', data + size - start);
  g_assert (end != NULL);
  *out_text = start;
  *out_length = end - start;
}

typedef struct
{
  double total;
  double tree;     /* chiaro_wire_parse_json_with_blobs: scan, parse, decode */
  double decode;   /* the base64 decoding alone */
  double plain;    /* chiaro_wire_parse_json: the tree with the base64 as text */
} OurTimes;

static OurTimes
time_our_parse (Answer *answer)
{
  double total[PARSE_ROUNDS], tree[PARSE_ROUNDS], decode[PARSE_ROUNDS], plain[PARSE_ROUNDS];
  OurTimes times;
  const char *text;
  gsize length;

  find_data (answer->body, &text, &length);

  for (int round = -1; round < PARSE_ROUNDS; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ChiaroGenerationResult) result = NULL;
      g_autoptr(GHashTable) blobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) g_bytes_unref);
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GBytes) decoded = NULL;
      ChiaroPart *image;
      gint64 start;
      double elapsed;

      start = g_get_monotonic_time ();
      result = chiaro_gemini_parse_response (answer->body, &error);
      elapsed = bench_elapsed_ms (start);
      g_assert_no_error (error);
      image = chiaro_generation_result_get_final_image (result);
      if (!g_bytes_equal (image->data, answer->image))
        g_error ("%s: the parsed image differs from the one sent", answer->label);
      g_clear_pointer (&result, chiaro_generation_result_unref);
      if (round >= 0)
        total[round] = elapsed;

      start = g_get_monotonic_time ();
      root = chiaro_wire_parse_json_with_blobs (answer->body, blobs, &error);
      elapsed = bench_elapsed_ms (start);
      g_assert_no_error (error);
      g_assert_cmpuint (g_hash_table_size (blobs), ==, 1);
      g_clear_pointer (&root, json_node_unref);
      g_clear_pointer (&blobs, g_hash_table_unref);
      if (round >= 0)
        tree[round] = elapsed;

      start = g_get_monotonic_time ();
      g_assert_true (chiaro_wire_decode_base64_canonical (text, length, &decoded));
      elapsed = bench_elapsed_ms (start);
      g_clear_pointer (&decoded, g_bytes_unref);
      if (round >= 0)
        decode[round] = elapsed;

      start = g_get_monotonic_time ();
      root = chiaro_wire_parse_json (answer->body, &error);
      elapsed = bench_elapsed_ms (start);
      g_assert_no_error (error);
      if (round >= 0)
        plain[round] = elapsed;
    }

  times.total = bench_median (total, PARSE_ROUNDS);
  times.tree = bench_median (tree, PARSE_ROUNDS);
  times.decode = bench_median (decode, PARSE_ROUNDS);
  times.plain = bench_median (plain, PARSE_ROUNDS);
  return times;
}

static double
children_cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_CHILDREN, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

/* Runs a process to its end; its wall-clock time in ms, or a negative number on failure.
 * @out_cpu_ms: (nullable): the processor time it used (user and system), which the load
 * of a shared machine changes much less than the wall-clock time. @out_log: (nullable): what
 * it printed, both streams. */
static double
run_timed (const char * const  *argv,
           const char          *cwd,
           gboolean             debug,
           double              *out_cpu_ms,
           char               **out_log)
{
  double cpu_before = children_cpu_ms ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gint64 start;
  double elapsed;

  g_subprocess_launcher_setenv (launcher, "CHIARO_API_KEY", "bench-key", TRUE);
  if (debug)
    g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);

  start = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error))
    {
      g_printerr ("%s: %s\n", argv[0], error->message);
      return -1;
    }
  elapsed = bench_elapsed_ms (start);
  g_subprocess_wait (process, NULL, NULL);

  if (!g_subprocess_get_successful (process))
    {
      g_printerr ("%s failed:\n%s\n", argv[0], out);
      return -1;
    }
  if (out_cpu_ms != NULL)
    *out_cpu_ms = children_cpu_ms () - cpu_before;
  if (out_log != NULL)
    *out_log = g_steal_pointer (&out);
  return elapsed;
}

/* Installs @google/genai from the npm registry into @sdk_dir unless it is there. */
static gboolean
ensure_sdk (void)
{
  g_autofree char *module = g_build_filename (sdk_dir, "node_modules", "@google", "genai",
                                              "package.json", NULL);
  g_autofree char *package = g_build_filename (sdk_dir, "package.json", NULL);
  g_autofree char *script = g_build_filename (sdk_dir, "answer-node.mjs", NULL);
  g_autoptr(GBytes) source = bench_read_file (node_script);
  const char *npm[] = { "npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                        "@google/genai@^2", NULL };

  g_mkdir_with_parents (sdk_dir, 0755);
  if (!g_file_test (module, G_FILE_TEST_EXISTS))
    {
      if (!g_file_test (package, G_FILE_TEST_EXISTS))
        g_file_set_contents (package, "{\"name\": \"chiaro-sdk-check\", \"private\": true, "
                             "\"type\": \"module\"}\n", -1, NULL);
      g_print ("# installing @google/genai into %s\n", sdk_dir);
      if (run_timed (npm, sdk_dir, FALSE, NULL, NULL) < 0)
        return FALSE;
    }

  /* Node finds the SDK from the script's own folder. */
  bench_write_file (script, source);
  return g_file_test (module, G_FILE_TEST_EXISTS);
}

typedef struct
{
  double bare;
  double sdk;
} NodeTimes;

static gboolean
time_node_parse (Answer    *answer,
                 NodeTimes *times)
{
  g_autofree char *rounds = g_strdup_printf ("%d", PARSE_ROUNDS);
  const char *argv[] = { "node", "answer-node.mjs", "parse", answer->body_path, MODEL, rounds,
                         NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  double bare[PARSE_ROUNDS], sdk[PARSE_ROUNDS];
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  JsonObject *object;

  g_subprocess_launcher_set_cwd (launcher, sdk_dir);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL ||
      !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error) ||
      !g_subprocess_get_successful (process) ||
      !json_parser_load_from_data (parser, out, -1, &error))
    {
      g_printerr ("node parse: %s\n", error != NULL ? error->message : "failed");
      return FALSE;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_int_member (object, "size") != (gint64) g_bytes_get_size (answer->image))
    {
      g_printerr ("node decoded %" G_GINT64_FORMAT " bytes, not %" G_GSIZE_FORMAT "\n",
                  json_object_get_int_member (object, "size"), g_bytes_get_size (answer->image));
      return FALSE;
    }
  for (guint i = 0; i < PARSE_ROUNDS; i++)
    {
      bare[i] = json_array_get_double_element (json_object_get_array_member (object, "bare"), i);
      sdk[i] = json_array_get_double_element (json_object_get_array_member (object, "sdk"), i);
    }
  times->bare = bench_median (bare, PARSE_ROUNDS);
  times->sdk = bench_median (sdk, PARSE_ROUNDS);
  return TRUE;
}

static double
ms_between (const char *text,
            const char *before,
            const char *after)
{
  const char *at = text != NULL ? strstr (text, before) : NULL;

  if (at == NULL)
    return -1;
  at += strlen (before);
  if (after != NULL && strstr (at, after) == NULL)
    return -1;
  return g_ascii_strtod (at, NULL);
}

static GSubprocess *
start_mock (Answer  *answer,
            char   **out_url)
{
  const char *argv[] = { mock_path, "--port", "0", "--no-gzip", "--discovery", discovery_path,
                         "--answer-file", answer->body_path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) mock = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;

  if (mock == NULL)
    g_error ("%s", error->message);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (mock));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("the mock did not start: %s", error != NULL ? error->message : line);
  *out_url = g_strdup (line + strlen ("listening on "));
  return g_steal_pointer (&mock);
}

static gboolean
same_file (const char *path,
           GBytes     *expected)
{
  g_autoptr(GBytes) bytes = bench_read_file (path);

  return bytes != NULL && g_bytes_equal (bytes, expected);
}

static void
bench_end_to_end (Answer   *answer,
                  gboolean  have_sdk)
{
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) mock = start_mock (answer, &url);
  g_autofree char *ours_out = g_strdup_printf ("%s/e2e-chiaro.%s", work_dir, answer->extension);
  g_autofree char *sdk_out = g_strdup_printf ("%s/e2e-sdk.%s", work_dir, answer->extension);
  g_autofree char *curl_out = g_strdup_printf ("%s/e2e-curl.json", work_dir);
  g_autofree char *request_path = g_strdup_printf ("%s/e2e-request.json", work_dir);
  g_autofree char *endpoint = g_strdup_printf ("%s/v1beta/models/" MODEL ":generateContent",
                                               url);
  g_autofree char *data_arg = g_strdup_printf ("@%s", request_path);
  const char *cli[] = { cli_path, "generate", "--retries", "0", "--model", MODEL, "--size", "4K",
                        "--prompt", PROMPT, "--endpoint", url, "--output", ours_out, NULL };
  const char *sdk[] = { "node", "answer-node.mjs", "generate", url, MODEL, PROMPT, sdk_out,
                        NULL };
  const char *curl[] = { "curl", "-sS", "--fail", "-o", curl_out, "-H", "x-goog-api-key: bench-key",
                         "-H", "Content-Type: application/json", "--data-binary", data_arg,
                         endpoint, NULL };
  double ours_ms[E2E_ROUNDS], sdk_ms[E2E_ROUNDS], curl_ms[E2E_ROUNDS];
  double ours_cpu[E2E_ROUNDS], sdk_cpu[E2E_ROUNDS], curl_cpu[E2E_ROUNDS];
  double ours, theirs = 0, floor;
  g_autofree char *log = NULL;
  g_autofree char *value = NULL;
  g_autofree char *figure = NULL;
  g_autofree char *goal = NULL;

  g_file_set_contents (request_path,
                       "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"" PROMPT
                       "\"}]}], \"generationConfig\": {\"responseModalities\": [\"TEXT\", "
                       "\"IMAGE\"], \"imageConfig\": {\"imageSize\": \"4K\"}}}", -1, NULL);

  /* Warm-up: binaries, libraries and the SDK's modules in the page cache; the mock's
   * answer mapped in. Then rounds in turn, so that a slow moment hits all three alike. */
  for (int round = -1; round < E2E_ROUNDS; round++)
    {
      double ms, cpu = 0;

      g_unlink (ours_out);
      g_unlink (sdk_out);
      g_unlink (curl_out);

      ms = run_timed (cli, NULL, FALSE, &cpu, NULL);
      if (ms < 0 || !same_file (ours_out, answer->image))
        g_error ("chiaro-cli did not write the image");
      if (round >= 0)
        {
          ours_ms[round] = ms;
          ours_cpu[round] = cpu;
        }

      if (have_sdk)
        {
          ms = run_timed (sdk, sdk_dir, FALSE, &cpu, NULL);
          if (ms < 0 || !same_file (sdk_out, answer->image))
            g_error ("the SDK script did not write the image");
          if (round >= 0)
            {
              sdk_ms[round] = ms;
              sdk_cpu[round] = cpu;
            }
        }

      ms = run_timed (curl, NULL, FALSE, &cpu, NULL);
      if (ms < 0 || !same_file (curl_out, answer->body))
        g_error ("curl did not fetch the answer");
      if (round >= 0)
        {
          curl_ms[round] = ms;
          curl_cpu[round] = cpu;
        }
    }

  /* Once more with chiaro's debug log, for where its time goes. */
  g_unlink (ours_out);
  if (run_timed (cli, NULL, TRUE, NULL, &log) >= 0)
    g_print ("# %s end to end, chiaro-cli's steps: request sent to last byte received %.0f ms, "
             "parse %.1f ms, file written %.1f ms\n", answer->label,
             ms_between (strstr (log, "status 200"), "bytes in ", NULL),
             ms_between (log, "parsed in ", NULL), ms_between (log, "written in ", NULL));

  ours = bench_median (ours_ms, E2E_ROUNDS);
  floor = bench_median (curl_ms, E2E_ROUNDS);
  if (have_sdk)
    theirs = bench_median (sdk_ms, E2E_ROUNDS);

  g_print ("# %s end to end (medians of %d): chiaro-cli %.0f ms, @google/genai %.0f ms, "
           "curl %.0f ms; processor time used: chiaro-cli %.0f ms, node %.0f ms, curl %.0f ms\n",
           answer->label, E2E_ROUNDS, ours, theirs, floor, bench_median (ours_cpu, E2E_ROUNDS),
           have_sdk ? bench_median (sdk_cpu, E2E_ROUNDS) : 0,
           bench_median (curl_cpu, E2E_ROUNDS));

  figure = g_strdup_printf ("4K %s answer fetched and written: chiaro-cli vs @google/genai",
                            answer->label);
  if (have_sdk)
    value = g_strdup_printf ("%.0f ms vs %.0f ms: %.2fx", ours, theirs, ours / theirs);
  else
    value = g_strdup ("SDK not installed");
  bench_print_row (figure, value, "<= 0.6x", have_sdk && ours / theirs <= 0.6);

  g_free (figure);
  g_free (value);
  figure = g_strdup_printf ("4K %s answer fetched and written: chiaro-cli over curl",
                            answer->label);
  value = g_strdup_printf ("+%.0f ms (%.0f ms vs %.0f ms)", ours - floor, ours, floor);
  goal = g_strdup_printf ("<= +%.0f ms", answer->curl_goal_ms);
  bench_print_row (figure, value, goal, ours - floor <= answer->curl_goal_ms);

  g_unlink (ours_out);
  g_unlink (sdk_out);
  g_unlink (curl_out);
  g_unlink (request_path);
  g_subprocess_send_signal (mock, SIGTERM);
  g_subprocess_wait (mock, NULL, NULL);
}

static void
bench_parse (Answer   *answer,
             gboolean  have_sdk)
{
  OurTimes ours = time_our_parse (answer);
  NodeTimes node = { 0, 0 };
  g_autofree char *figure = NULL;
  g_autofree char *value = NULL;
  gboolean have_node = time_node_parse (answer, &node) && have_sdk;

  g_print ("# %s: body %.1f MB, image %.1f MB\n", answer->label,
           g_bytes_get_size (answer->body) / 1e6, g_bytes_get_size (answer->image) / 1e6);
  g_print ("# %s parse (medians of %d): chiaro_gemini_parse_response %.1f ms = tree with the "
           "image decoded %.1f ms (of which base64 decoding %.1f ms) + parts and checks "
           "%.1f ms; the tree with the base64 kept as text would take %.1f ms\n",
           answer->label, PARSE_ROUNDS, ours.total, ours.tree, ours.decode,
           ours.total - ours.tree, ours.plain);
  g_print ("# %s parse in Node: JSON.parse + Buffer.from %.1f ms, @google/genai's "
           "generateContent from memory + Buffer.from %.1f ms\n", answer->label, node.bare,
           node.sdk);

  figure = g_strdup_printf ("4K %s answer body -> image bytes: Chiaro vs @google/genai",
                            answer->label);
  if (have_node)
    value = g_strdup_printf ("%.1f ms vs %.1f ms: %.2fx (bare JSON.parse + Buffer.from: "
                             "%.1f ms, %.2fx)", ours.total, node.sdk, ours.total / node.sdk,
                             node.bare, ours.total / node.bare);
  else
    value = g_strdup_printf ("%.1f ms; Node or the SDK unavailable", ours.total);
  bench_print_row (figure, value, "<= 0.6x", have_node && ours.total / node.sdk <= 0.6);
}

int
main (int   argc,
      char *argv[])
{
  Answer answers[] = {
    { "PNG", "image/png", "png", 150, NULL, NULL, NULL },
    { "JPEG", "image/jpeg", "jpg", 60, NULL, NULL, NULL },
  };
  gboolean have_sdk;

  if (argc != 7)
    {
      g_printerr ("usage: %s CHIARO_CLI MOCK_SERVER DISCOVERY NODE_SCRIPT SDK_DIR WORK_DIR\n",
                  argv[0]);
      return 2;
    }
  cli_path = argv[1];
  mock_path = argv[2];
  discovery_path = argv[3];
  node_script = argv[4];
  sdk_dir = argv[5];
  work_dir = argv[6];

  g_mkdir_with_parents (work_dir, 0755);
  prepare_answers (answers, G_N_ELEMENTS (answers));
  have_sdk = ensure_sdk ();

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    bench_parse (&answers[i], have_sdk);
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    bench_end_to_end (&answers[i], have_sdk);

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_bytes_unref (answers[i].image);
      g_bytes_unref (answers[i].body);
      g_free (answers[i].body_path);
    }
  return 0;
}
