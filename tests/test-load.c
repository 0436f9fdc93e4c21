/* test-load.c — the document under load: 20 requests in flight, 100 edits in one run
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both tests send through the real Gemini provider on the session the app uses
 * (chiaro_http_session_new) to the in-process mock server, from a real project folder.
 */

#include "config.h"

#include <malloc.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define CHIARO_TEST_LOAD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHIARO_TEST_LOAD_ASAN 1
#endif
#endif
#ifdef CHIARO_TEST_LOAD_ASAN
/* From the sanitizer runtime; GCC ships no header that declares it. */
size_t __sanitizer_get_current_allocated_bytes (void);
#endif

#include "chiaro-document.h"
#include "chiaro-gemini-provider.h"
#include "chiaro-http-client.h"
#include "chiaro-image-store.h"
#include "chiaro-mock-server.h"
#include "chiaro-test-document.h"
#include "chiaro-test-util.h"

#define KEY "load-test-key"
#define PHOTO "Landscape_1.jpg"

typedef struct
{
  ChiaroMockServer   *mock;
  SoupSession        *session;
  ChiaroHttpClient   *http;
  ChiaroModelCatalog *catalog;
  ChiaroProvider     *provider;
  ChiaroDocument     *document;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autofree char *path = chiaro_test_clean_data_path ();

  f->mock = chiaro_mock_server_new (g_getenv ("CHIARO_DISCOVERY_PATH"), &error);
  g_assert_no_error (error);
  chiaro_mock_server_listen (f->mock, 0, &error);
  g_assert_no_error (error);

  /* The app's own session: its connection limits are what is under test. */
  f->session = chiaro_http_session_new ();
  f->http = chiaro_http_client_new (f->session);
  chiaro_http_client_set_max_attempts (f->http, 1);
  f->catalog = chiaro_model_catalog_new_default (&error);
  g_assert_no_error (error);
  f->provider = chiaro_gemini_provider_new (f->http, chiaro_mock_server_get_url (f->mock), KEY);

  dir = g_file_new_for_path (path);
  f->document = chiaro_test_open_document (dir, CHIARO_DOCUMENT_OPEN_CREATE, f->catalog,
                                           &error);
  g_assert_no_error (error);
  chiaro_document_set_provider (f->document, f->provider, "gemini");
  chiaro_document_set_autosave_delay (f->document, 1000);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  chiaro_test_close_document (f->document);
  g_clear_object (&f->document);
  g_clear_object (&f->provider);
  g_clear_object (&f->catalog);
  g_clear_object (&f->http);
  g_clear_object (&f->session);
  g_clear_object (&f->mock);
}

static void
set_root_photo (Fixture *f)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);

  chiaro_test_set_root_image (f->document, photo, PHOTO);
}

static void
set_aspect_ratio (ChiaroDocument *document,
                  const char     *ratio)
{
  g_autoptr(ChiaroGenerationOptions) options = NULL;

  options = chiaro_generation_options_copy (chiaro_document_get_options (document));
  g_free (options->aspect_ratio);
  options->aspect_ratio = g_strdup (ratio);
  chiaro_document_set_options (document, options);
}

typedef struct
{
  ChiaroMockServer *mock;
  guint             n;
} RequestCount;

static gboolean
has_n_requests (gpointer user_data)
{
  RequestCount *count = user_data;

  return chiaro_mock_server_get_n_requests (count->mock) >= count->n;
}

/* 4 sends of 5 variants, one ratio each, all in flight together. The mock waits 3 s before
 * answering anything; when its 20th request has arrived and none has been answered yet, the
 * 20 were in flight at the same time, each on its own connection (HTTP/1.1 carries one
 * request at a time per connection, and libsoup does not pipeline). */
static void
test_twenty_in_flight (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const ratios[] = { "1:1", "16:9", "9:16", "4:3" };
  GAsyncResult *results[G_N_ELEMENTS (ratios)] = { NULL, };
  g_autoptr(GHashTable) hashes = g_hash_table_new (g_str_hash, g_str_equal);
  RequestCount count = { f->mock, 20 };
  ChiaroHistory *history = chiaro_document_get_history (f->document);
  ChiaroHistoryEntry *root;
  gint64 first = G_MAXINT64, last = 0;

  g_assert_cmpuint (CHIARO_HTTP_SESSION_MAX_CONNS_PER_HOST, >=, 20);
  set_root_photo (f);
  root = chiaro_history_get_root (history);
  chiaro_mock_server_set_delay_ms (f->mock, 3000);
  chiaro_document_set_n_variants (f->document, 5);

  for (guint i = 0; i < G_N_ELEMENTS (ratios); i++)
    {
      g_autofree char *prompt = g_strdup_printf ("make it %s", ratios[i]);

      /* Every send goes from the root, whatever answered first. */
      chiaro_history_set_cursor (history, root);
      set_aspect_ratio (f->document, ratios[i]);
      chiaro_document_set_prompt (f->document, prompt);
      chiaro_document_send_async (f->document, NULL, chiaro_test_store_result, &results[i]);
    }

  g_assert_true (chiaro_test_wait_until (has_n_requests, &count, 60));
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->mock), ==, 20);
  for (guint i = 0; i < 20; i++)
    {
      ChiaroMockRequest *request = chiaro_mock_server_get_request (f->mock, i);

      g_assert_cmpuint (request->status, ==, 0);
      first = MIN (first, request->received);
      last = MAX (last, request->received);
    }
  g_test_message ("20 requests arrived within %" G_GINT64_FORMAT " ms", (last - first) / 1000);
  g_assert_cmpint (last - first, <, 3000 * G_TIME_SPAN_MILLISECOND);

  for (guint i = 0; i < G_N_ELEMENTS (ratios); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ChiaroSend) send = NULL;

      g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &results[i], 60));
      send = chiaro_document_send_finish (f->document, results[i], &error);
      g_assert_no_error (error);
      g_assert_cmpint (chiaro_send_get_state (send), ==, CHIARO_SEND_DONE);
      g_assert_cmpuint (chiaro_send_get_n_done (send), ==, 5);
      g_assert_cmpuint (chiaro_send_get_n_failed (send), ==, 0);
      g_clear_object (&results[i]);
    }

  /* All 20 are entries under the root, 5 per ratio, each with its own stored image. */
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 21);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (root), ==, 20);
  for (guint i = 0; i < G_N_ELEMENTS (ratios); i++)
    {
      guint n = 0, n_sent = 0;

      for (guint j = 0; j < 20; j++)
        {
          ChiaroHistoryEntry *entry = chiaro_history_entry_get_child (root, j);
          ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);
          const char *hash = chiaro_history_entry_get_image_hash (entry);

          if (g_strcmp0 (chiaro_generation_options_get_aspect_ratio (turn->options),
                         ratios[i]) != 0)
            continue;
          n++;
          g_assert_nonnull (hash);
          g_assert_true (chiaro_image_store_contains (chiaro_document_get_images (f->document),
                                                      hash,
                                                      chiaro_history_entry_get_mime_type (entry)));
          g_hash_table_add (hashes, (gpointer) hash);
        }
      g_assert_cmpuint (n, ==, 5);

      for (guint j = 0; j < 20; j++)
        {
          ChiaroMockRequest *request = chiaro_mock_server_get_request (f->mock, j);
          const char *sent = chiaro_test_json_get_string (request->json,
                                                          "generationConfig.imageConfig.aspectRatio");

          g_assert_cmpuint (request->status, ==, 200);
          if (g_strcmp0 (sent, ratios[i]) == 0)
            n_sent++;
        }
      g_assert_cmpuint (n_sent, ==, 5);
    }
  g_assert_cmpuint (g_hash_table_size (hashes), ==, 20);
}

/* Bytes the program holds on the heap now: what was allocated and not freed, whatever the
 * allocator keeps cached for reuse. Unlike resident memory this does not depend on how glibc's
 * per-thread arenas happen to be fragmented, which varies with the machine's load and with
 * MALLOC_PERTURB_. Under AddressSanitizer the sanitizer's allocator serves malloc, so ask it. */
static gsize
heap_in_use_bytes (void)
{
#if defined(CHIARO_TEST_LOAD_ASAN)
  return __sanitizer_get_current_allocated_bytes ();
#elif defined(__GLIBC__)
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
#else
  return 0;
#endif
}

/* Resident memory now, after giving freed heap back to the system. */
static gsize
resident_bytes (void)
{
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;

#ifdef __GLIBC__
  malloc_trim (0);
#endif
  g_assert_true (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
  fields = g_strsplit (statm, " ", -1);
  g_assert_cmpuint (g_strv_length (fields), >=, 2);

  return g_ascii_strtoull (fields[1], NULL, 10) * (gsize) sysconf (_SC_PAGESIZE);
}

static void
edit_once (Fixture *f,
           guint    n)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) thumbnail_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autofree char *prompt = g_strdup_printf ("edit %u: warmer light", n);
  ChiaroImageStore *images = chiaro_document_get_images (f->document);
  ChiaroHistoryEntry *cursor;

  chiaro_document_set_prompt (f->document, prompt);
  chiaro_document_send_async (f->document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  send = chiaro_document_send_finish (f->document, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chiaro_send_get_state (send), ==, CHIARO_SEND_DONE);
  /* The in-process mock keeps every request it received, body and parsed JSON: the
   * memory measured must be Chiaro's. */
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->mock), ==, 1);
  chiaro_mock_server_clear_requests (f->mock);

  /* The next edit starts from this answer, and its thumbnail is made, as the strip does. */
  cursor = chiaro_history_get_cursor (chiaro_document_get_history (f->document));
  g_assert_cmpuint (chiaro_history_entry_get_depth (cursor), ==, n);
  chiaro_image_store_thumbnail_async (images, chiaro_history_entry_get_image_hash (cursor),
                                      chiaro_history_entry_get_mime_type (cursor),
                                      NULL, chiaro_test_store_result, &thumbnail_result);
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &thumbnail_result, 60));
  thumbnail = chiaro_image_store_thumbnail_finish (images, thumbnail_result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (thumbnail);
}

/* 100 edits one after the other, each from the last answer (so each request carries the
 * conversation so far, up to the planner's budget). */
static void
test_hundred_edits (Fixture       *f,
                    gconstpointer  data)
{
  ChiaroHistory *history = chiaro_document_get_history (f->document);
  gsize heap_10 = 0, heap_100, rss_10 = 0, rss_100, kept, max_decoded = 0;
  gsize thumbnail_bytes = CHIARO_THUMBNAIL_SIZE * CHIARO_THUMBNAIL_SIZE * 4;

  set_root_photo (f);
  for (guint n = 1; n <= 100; n++)
    {
      edit_once (f, n);
      if (n == 10)
        {
          rss_10 = resident_bytes ();
          heap_10 = heap_in_use_bytes ();
        }
    }
  rss_100 = resident_bytes ();
  heap_100 = heap_in_use_bytes ();

  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 101);

  for (ChiaroHistoryEntry *e = chiaro_history_get_cursor (history); e != NULL;
       e = chiaro_history_entry_get_parent (e))
    max_decoded = MAX (max_decoded, (gsize) chiaro_history_entry_get_width (e) *
                                    chiaro_history_entry_get_height (e) * 4);

  /* What may legitimately stay after edit 10: the 90 thumbnails made since (the store keeps
   * every thumbnail; each at most CHIARO_THUMBNAIL_SIZE² RGBA), a full decode cache
   * (CHIARO_IMAGE_STORE_DEFAULT_DECODE_CACHE of the largest image, RGBA), and 16 MiB for the
   * history's own records and project.json text (a few KiB per entry) and libsoup's buffers.
   * What must not stay is what each edit passes through: the request (up to 20 MB with the
   * conversation), the answer (a ~1K image in base64), the decoded input. Keeping even the
   * request bodies would add hundreds of MiB. */
  kept = 90 * thumbnail_bytes + CHIARO_IMAGE_STORE_DEFAULT_DECODE_CACHE * max_decoded;
  g_test_message ("heap in use after edit 10: %" G_GSIZE_FORMAT " KiB, after edit 100: %"
                  G_GSIZE_FORMAT " KiB; resident %" G_GSIZE_FORMAT " KiB then %" G_GSIZE_FORMAT
                  " KiB; thumbnails and decode cache %" G_GSIZE_FORMAT " KiB",
                  heap_10 / 1024, heap_100 / 1024, rss_10 / 1024, rss_100 / 1024, kept / 1024);
#if defined(CHIARO_TEST_LOAD_ASAN) || defined(__GLIBC__)
  g_assert_cmpuint (heap_100, <, heap_10 + kept + 16 * 1024 * 1024);
#endif
  /* Resident memory also holds what glibc's per-thread arenas keep after malloc_trim, which
   * is not always given back (measured 42–100 MiB of growth, depending on the machine's load):
   * a looser bound, still far below what keeping the requests would cost. */
  g_assert_cmpuint (rss_100, <, rss_10 + kept + 192 * 1024 * 1024);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/chiaro/load/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("twenty-in-flight", test_twenty_in_flight);
  ADD ("hundred-edits", test_hundred_edits);

  return g_test_run ();
}
