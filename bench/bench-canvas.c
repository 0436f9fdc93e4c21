/* bench-canvas.c — a 4K answer from its last byte to the canvas, against the decode floor
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN §11: inside the app, answer → stored → on the canvas close to the image-decode
 * floor. The goal used here: at most 1.3× the time gdk-pixbuf's loader takes to decode the
 * same image bytes, measured in the same run.
 *
 * Each round sends an edit through a real ChiaroDocument (a project in the build directory,
 * written as the app writes it) whose provider holds the answer body in memory: the clock
 * starts when the provider has the whole body (the last byte received) and parses it, as
 * ChiaroHttpProvider does, on a worker. The document then stores the answer (hash, temp file,
 * fsync, rename) and moves the cursor to the new entry; the bench then does what
 * ChiaroWindow does for a new cursor (chiaro_image_store_decode_async(), a texture from the
 * pixels, chiaro_canvas_set_texture() on a ChiaroCanvas in a window) and asks for the
 * strip's thumbnail as the history strip does. The clock stops at the first frame painted
 * with the texture (the frame clock's after-paint). Without a display the canvas part is
 * left out and the row says so.
 *
 * Usage: bench-canvas ANSWER_DIR WORK_DIR
 */

#define G_LOG_DOMAIN "bench-canvas"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <time.h>

#include "chiaro-canvas.h"
#include "chiaro-document.h"
#include "chiaro-file-util.h"
#include "chiaro-gemini-wire.h"
#include "chiaro-image.h"
#include "chiaro-image-store.h"
#include "chiaro-provider.h"
#include "chiaro-stored-content.h"

#include "bench-answers.h"
#include "bench-util.h"

#define ROUNDS 5
#define GOAL_RATIO 1.3

/* The provider: the answer's body is in memory already, as after the last byte. */
#define BENCH_TYPE_PROVIDER (bench_provider_get_type ())
G_DECLARE_FINAL_TYPE (BenchProvider, bench_provider, BENCH, PROVIDER, GObject)

struct _BenchProvider
{
  GObject parent_instance;

  GBytes *body;
  gint64  received_at;  /* when the body was handed over */
  double  parse_ms;
};

static void bench_provider_iface_init (ChiaroProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BenchProvider, bench_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CHIARO_TYPE_PROVIDER,
                                                      bench_provider_iface_init))

static char *
bench_provider_dup_request_uri (ChiaroProvider          *provider,
                                ChiaroGenerationRequest *request)
{
  return g_strdup ("bench:generateContent");
}

static GBytes *
bench_provider_build_body (ChiaroProvider          *provider,
                           ChiaroGenerationRequest *request,
                           gboolean                 elide_data)
{
  return g_bytes_new_static ("{}", 2);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BenchProvider *self = source_object;
  ChiaroGenerationResult *result;
  GError *error = NULL;

  self->received_at = g_get_monotonic_time ();
  result = chiaro_gemini_parse_response (self->body, &error);
  self->parse_ms = bench_elapsed_ms (self->received_at);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) chiaro_generation_result_unref);
}

static void
bench_provider_generate_async (ChiaroProvider               *provider,
                               ChiaroGenerationRequest      *request,
                               ChiaroGenerationProgressFunc  progress,
                               gpointer                      progress_data,
                               GDestroyNotify                progress_destroy,
                               GCancellable                 *cancellable,
                               GAsyncReadyCallback           callback,
                               gpointer                      user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);

  if (progress_destroy != NULL)
    progress_destroy (progress_data);
  g_task_run_in_thread (task, parse_thread);
}

static ChiaroGenerationResult *
bench_provider_generate_finish (ChiaroProvider  *provider,
                                GAsyncResult    *result,
                                GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
bench_provider_iface_init (ChiaroProviderInterface *iface)
{
  iface->dup_request_uri = bench_provider_dup_request_uri;
  iface->build_body = bench_provider_build_body;
  iface->generate_async = bench_provider_generate_async;
  iface->generate_finish = bench_provider_generate_finish;
}

static void
bench_provider_finalize (GObject *object)
{
  g_clear_pointer (&BENCH_PROVIDER (object)->body, g_bytes_unref);
  G_OBJECT_CLASS (bench_provider_parent_class)->finalize (object);
}

static void
bench_provider_class_init (BenchProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_provider_finalize;
}

static void
bench_provider_init (BenchProvider *self)
{
}

/* One send, from the provider's last byte to the painted frame. */
typedef struct
{
  ChiaroDocument     *document;
  ChiaroHistoryEntry *root;
  ChiaroCanvas       *canvas;    /* (nullable) without a display */
  gboolean            sent;
  gboolean            thumbnailed;
  gboolean            shown;
  gulong              paint_handler;
  gint64              stored_at;   /* the cursor moved to the new entry */
  gint64              decoded_at;  /* the window's decode came back */
  gint64              texture_at;  /* the texture is on the canvas */
  gint64              shown_at;    /* a frame with it was painted */
  gint64              thumbnail_at;
  double              decoded_cpu; /* the main thread's processor time then, in ms */
  double              shown_cpu;
} Round;

static const char *answer_dir, *work_dir;

/* The processor time the calling thread has used, in ms. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
on_after_paint (GdkFrameClock *clock,
                Round         *round)
{
  round->shown_at = g_get_monotonic_time ();
  round->shown_cpu = thread_cpu_ms ();
  round->shown = TRUE;
  g_signal_handler_disconnect (clock, round->paint_handler);
  round->paint_handler = 0;
}

/* What ChiaroWindow's on_decoded() does with the cursor's pixels. */
static void
on_decoded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Round *round = user_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = chiaro_image_store_decode_finish (CHIARO_IMAGE_STORE (source), result, &error);
  g_assert_no_error (error);
  round->decoded_at = g_get_monotonic_time ();
  round->decoded_cpu = thread_cpu_ms ();

  texture = gdk_texture_new_for_pixbuf (pixbuf);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, BENCH_ANSWER_SIDE);
  if (round->canvas == NULL)
    {
      round->texture_at = round->shown_at = g_get_monotonic_time ();
      round->shown_cpu = thread_cpu_ms ();
      round->shown = TRUE;
      return;
    }

  chiaro_canvas_set_texture (round->canvas, texture);
  round->texture_at = g_get_monotonic_time ();
  round->paint_handler = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (round->canvas)),
                                           "after-paint", G_CALLBACK (on_after_paint), round);
  gtk_widget_queue_draw (GTK_WIDGET (round->canvas));
}

static void
on_thumbnail (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Round *round = user_data;
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autoptr(GError) error = NULL;

  thumbnail = chiaro_image_store_thumbnail_finish (CHIARO_IMAGE_STORE (source), result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (thumbnail), ==, CHIARO_THUMBNAIL_SIZE);
  round->thumbnail_at = g_get_monotonic_time ();
  round->thumbnailed = TRUE;
}

/* The cursor follows the answer: what ChiaroWindow's update_canvas() and the history strip
 * do for it. */
static void
on_cursor (ChiaroHistory *history,
           GParamSpec    *pspec,
           Round         *round)
{
  ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (history);
  ChiaroImageStore *images = chiaro_document_get_images (round->document);

  if (cursor == round->root || round->stored_at != 0)
    return;

  round->stored_at = g_get_monotonic_time ();
  chiaro_image_store_decode_async (images, chiaro_history_entry_get_image_hash (cursor),
                                   chiaro_history_entry_get_mime_type (cursor), NULL,
                                   on_decoded, round);
  chiaro_image_store_thumbnail_async (images, chiaro_history_entry_get_image_hash (cursor),
                                      chiaro_history_entry_get_mime_type (cursor), NULL,
                                      on_thumbnail, round);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Round *round = user_data;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;

  send = chiaro_document_send_finish (CHIARO_DOCUMENT (source), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_send_get_n_done (send), ==, 1);
  round->sent = TRUE;
}

static void
remove_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", path, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("%s", error->message);
}

static GBytes *
make_root_photo (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 64);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size;

  gdk_pixbuf_fill (pixbuf, 0x3060a0ff);
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL))
    g_error ("%s", error->message);
  return g_bytes_new_take (buffer, size);
}

/* One edit: the time from the last byte to the frame, with its stages. */
static void
run_round (GBytes       *body,
           ChiaroCanvas *canvas,
           guint         number,
           double       *total,
           double       *parse,
           double       *stored,
           double       *decoded,
           double       *shown,
           double       *ready,
           double       *frame_cpu)
{
  g_autofree char *path = g_strdup_printf ("%s/canvas-project-%u", work_dir, number);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();
  g_autoptr(BenchProvider) provider = g_object_new (BENCH_TYPE_PROVIDER, NULL);
  g_autoptr(GBytes) photo = make_root_photo ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Round round = { .canvas = canvas };
  ChiaroHistory *history;
  gulong handler;

  remove_tree (path);
  chiaro_document_open_async (dir, CHIARO_DOCUMENT_OPEN_CREATE, catalog, NULL, bench_store_result,
                              &result);
  round.document = chiaro_document_open_finish (bench_wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  chiaro_document_set_root_image_async (round.document, photo, "photo.png", NULL,
                                        bench_store_result, &result);
  g_assert_true (chiaro_document_set_root_image_finish (round.document, bench_wait_for (&result),
                                                        &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  history = chiaro_document_get_history (round.document);
  round.root = chiaro_history_get_cursor (history);
  provider->body = g_bytes_ref (body);
  chiaro_document_set_provider (round.document, CHIARO_PROVIDER (provider), "gemini");
  chiaro_document_set_prompt (round.document, "A lighthouse at dusk");
  handler = g_signal_connect (history, "notify::cursor", G_CALLBACK (on_cursor), &round);

  chiaro_document_send_async (round.document, NULL, on_sent, &round);
  while (!round.sent || !round.shown || !round.thumbnailed)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (history, handler);

  *total = (round.shown_at - provider->received_at) / 1000.0;
  *parse = provider->parse_ms;
  *stored = (round.stored_at - provider->received_at) / 1000.0 - provider->parse_ms;
  *decoded = (round.decoded_at - round.stored_at) / 1000.0;
  *shown = (round.shown_at - round.decoded_at) / 1000.0;
  *ready = (round.texture_at - provider->received_at) / 1000.0;
  *frame_cpu = round.shown_cpu - round.decoded_cpu;

  if (canvas != NULL)
    chiaro_canvas_set_texture (canvas, NULL);
  chiaro_document_close_async (round.document, NULL, bench_store_result, &result);
  chiaro_document_close_finish (round.document, bench_wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&round.document);
  remove_tree (path);
}

/* The floor: gdk-pixbuf's loader decoding the image bytes, nothing else. */
static double
time_loader_decode (GBytes *image)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gsize size;
  const guint8 *data = g_bytes_get_data (image, &size);
  double elapsed;

  if (!gdk_pixbuf_loader_write (loader, data, size, &error) ||
      !gdk_pixbuf_loader_close (loader, &error))
    g_error ("%s", error->message);
  elapsed = bench_elapsed_ms (start);
  g_assert_cmpint (gdk_pixbuf_get_width (gdk_pixbuf_loader_get_pixbuf (loader)), ==,
                   BENCH_ANSWER_SIDE);
  return elapsed;
}

/* Each step on its own, on the same bytes: hash, write as the store writes, decode. */
static void
time_steps (GBytes *image,
            double *hash,
            double *write,
            double *decode)
{
  g_autofree char *path = g_build_filename (work_dir, "canvas-write.tmp", NULL);
  g_autoptr(ChiaroImage) parsed = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *sum = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  start = g_get_monotonic_time ();
  sum = chiaro_stored_content_hash (image);
  *hash = bench_elapsed_ms (start);

  start = g_get_monotonic_time ();
  if (!chiaro_file_write_atomic (path, g_bytes_get_data (image, NULL), g_bytes_get_size (image),
                                 &error))
    g_error ("%s", error->message);
  *write = bench_elapsed_ms (start);
  g_unlink (path);

  start = g_get_monotonic_time ();
  parsed = chiaro_image_new_from_bytes (image, "answer", &error);
  g_assert_no_error (error);
  pixbuf = chiaro_image_decode (parsed, NULL, &error);
  g_assert_no_error (error);
  *decode = bench_elapsed_ms (start);
}

static void
bench_format (const char   *label,
              const char   *extension,
              const char   *mime_type,
              GdkPixbuf   **photo,
              ChiaroCanvas *canvas)
{
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *body_path = NULL;
  double total[ROUNDS], parse[ROUNDS], stored[ROUNDS], decoded[ROUNDS], shown[ROUNDS];
  double floor[ROUNDS], hash[ROUNDS], write[ROUNDS], decode[ROUNDS];
  double ready[ROUNDS], frame_cpu[ROUNDS];
  g_autofree char *figure = NULL;
  g_autofree char *value = NULL;
  g_autofree char *goal = NULL;
  double total_ms, floor_ms;

  bench_answer_prepare (answer_dir, extension, mime_type, photo, &image, &body, &body_path);

  /* A warm-up round of each, then the measured ones taking turns. */
  for (int round = -1; round < ROUNDS; round++)
    {
      guint i = MAX (round, 0);

      run_round (body, canvas, i, &total[i], &parse[i], &stored[i], &decoded[i], &shown[i],
                 &ready[i], &frame_cpu[i]);
      floor[i] = time_loader_decode (image);
      time_steps (image, &hash[i], &write[i], &decode[i]);
    }

  total_ms = bench_median (total, ROUNDS);
  floor_ms = bench_median (floor, ROUNDS);
  g_print ("# %s (%.1f MB image, %.1f MB body), medians of %d: in the run: parse %.0f ms, "
           "stored (probe, decode beside hash and write, entry) %.0f ms, decoded for the "
           "canvas %.0f ms, texture and frame %.0f ms; each step alone: hash %.0f ms, write "
           "%.0f ms, decode %.0f ms\n",
           label, g_bytes_get_size (image) / 1e6, g_bytes_get_size (body) / 1e6, ROUNDS,
           bench_median (parse, ROUNDS), bench_median (stored, ROUNDS),
           bench_median (decoded, ROUNDS), bench_median (shown, ROUNDS),
           bench_median (hash, ROUNDS), bench_median (write, ROUNDS),
           bench_median (decode, ROUNDS));
  g_print ("# %s: texture on the canvas (before the frame) %.0f ms = %.2f× the floor; the frame "
           "took %.0f ms of the main thread's processor time\n",
           label, bench_median (ready, ROUNDS), bench_median (ready, ROUNDS) / floor_ms,
           bench_median (frame_cpu, ROUNDS));

  figure = g_strdup_printf ("answer → canvas, 4K %s%s", label,
                            canvas == NULL ? " (no display: no frame)" : "");
  value = g_strdup_printf ("%.0f ms vs floor %.0f ms = %.2f×", total_ms, floor_ms,
                           total_ms / floor_ms);
  goal = g_strdup_printf ("≤ %.1f× decode floor", GOAL_RATIO);
  bench_print_row (figure, value, goal, total_ms <= GOAL_RATIO * floor_ms);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GdkPixbuf) photo = NULL;
  GtkWidget *window = NULL;
  ChiaroCanvas *canvas = NULL;

  if (argc != 3)
    {
      g_printerr ("usage: %s ANSWER_DIR WORK_DIR\n", argv[0]);
      return 2;
    }
  answer_dir = argv[1];
  work_dir = argv[2];
  g_mkdir_with_parents (answer_dir, 0755);
  g_mkdir_with_parents (work_dir, 0755);

  if (gtk_init_check ())
    {
      window = gtk_window_new ();
      canvas = CHIARO_CANVAS (chiaro_canvas_new ());
      gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (canvas));
      gtk_window_set_default_size (GTK_WINDOW (window), 960, 680);
      gtk_window_present (GTK_WINDOW (window));
      while (!gtk_widget_get_mapped (GTK_WIDGET (canvas)))
        g_main_context_iteration (NULL, TRUE);
    }
  else
    g_print ("# no display: the texture is made but no frame painted\n");

  bench_print_header ();
  bench_format ("PNG", "png", "image/png", &photo, canvas);
  bench_format ("JPEG", "jpg", "image/jpeg", &photo, canvas);

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
