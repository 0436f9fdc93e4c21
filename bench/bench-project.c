/* bench-project.c — a project of 200 2K images: resident memory, and reopening to the canvas
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN §11: "200 history entries of 2K images in one project under 400 MB resident;
 * reopening that project shows the canvas within 1 s". This builds such a project through the
 * document and its stores (no network): a 2048×2048 photo as the root, then 200 generated
 * entries, each a different 2048×2048 picture (JPEG as Gemini 3 answers, every tenth a PNG as
 * 2.5 answers), in a chain with variants as siblings, each with a model turn carrying a thought
 * signature. Then, in a fresh process so nothing of the building counts, it reopens the
 * project, decodes the cursor's image (the canvas), and fetches the 200 thumbnails as the
 * history strip does when it is scrolled through, reading VmRSS from /proc/self/status.
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "chiaro-document.h"
#include "chiaro-stored-content.h"

#include "bench-util.h"

#define SIDE 2048
#define N_ENTRIES 200
#define THUMBNAILS_IN_FLIGHT 4
#define RSS_GOAL_MB 400.0
#define REOPEN_GOAL_MS 1000.0

/* A photo-like picture, different for each @seed: gradients turned and tinted by the seed,
 * with fine grain, so every file has a realistic size and its own hash. */
static GBytes *
make_picture (guint seed,
              gboolean png)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, SIDE, SIDE);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint32 noise = 2166136261u ^ seed;
  int tint = (seed * 37) % 96;
  int turn = seed % 4;
  g_autofree char *buffer = NULL;
  gsize size;

  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;
        int u = turn & 1 ? y : x, v = turn & 2 ? SIDE - 1 - x : y;

        noise = noise * 1103515245 + 12345;
        p[0] = (u * 200 / SIDE + tint + (noise >> 28)) & 0xff;
        p[1] = (v * 180 / SIDE + 40 + (noise >> 26 & 7)) & 0xff;
        p[2] = ((u + v) * 100 / SIDE + 255 - tint * 2 + (noise >> 29)) & 0xff;
      }

  if (png)
    g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", NULL, NULL));
  else
    g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", NULL,
                                              "quality", "90", NULL));
  return g_bytes_new_take (g_steal_pointer (&buffer), size);
}

/* What one answer holds: text, then the image with its signature, as a model turn. */
static ChiaroReply *
make_reply (GBytes     *image,
            const char *mime_type,
            const char *hash,
            guint       index)
{
  g_autoptr(ChiaroContent) content = chiaro_content_new ("model");
  g_autoptr(ChiaroPart) part = chiaro_part_new_image (image, mime_type);
  g_autofree char *signature = g_strdup_printf ("c2lnbmF0dXJlLW9mLWVudHJ5LSV1%08u", index);
  const char *hashes[] = { hash, NULL };
  ChiaroReply *reply = chiaro_reply_new ();

  part->thought_signature = g_steal_pointer (&signature);
  chiaro_content_add_part (content, chiaro_part_new_text ("Here is the picture."));
  chiaro_content_add_part (content, g_steal_pointer (&part));

  reply->content = chiaro_stored_content_strip (content);
  reply->content_hashes = g_strdupv ((char **) hashes);
  reply->text = g_strdup ("Here is the picture.");
  reply->finish_reason = g_strdup ("STOP");
  reply->model_version = g_strdup ("gemini-3.1-flash-image");
  reply->usage.known = TRUE;
  reply->usage.prompt_tokens = 600;
  reply->usage.candidates_tokens = 1700;
  reply->usage.image_tokens = 1680;
  reply->usage.total_tokens = 2300;
  reply->attempts = 1;
  reply->estimated_cost_usd = 0.101;
  reply->cost_usd = 0.101;
  reply->requested_at = g_get_real_time ();
  reply->received_at = reply->requested_at + 12 * G_USEC_PER_SEC;
  return reply;
}

static ChiaroDocument *
open_project (GFile                   *dir,
              ChiaroDocumentOpenFlags  flags)
{
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroDocument *document;

  chiaro_document_open_async (dir, flags, catalog, NULL, bench_store_result, &result);
  document = chiaro_document_open_finish (bench_wait_for (&result), &error);
  g_assert_no_error (error);
  return document;
}

static void
close_project (ChiaroDocument *document)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  chiaro_document_close_async (document, NULL, bench_store_result, &result);
  chiaro_document_close_finish (document, bench_wait_for (&result), &error);
  g_assert_no_error (error);
}

static void
build (GFile *dir)
{
  g_autoptr(ChiaroDocument) document = open_project (dir, CHIARO_DOCUMENT_OPEN_CREATE);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(GBytes) photo = make_picture (G_MAXUINT, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroImageStore *images = chiaro_document_get_images (document);
  ChiaroHistoryEntry *parent;
  ChiaroTurn *turn = NULL;
  gint64 start = g_get_monotonic_time ();
  guint64 bytes_stored = 0;
  g_autofree char *figure = NULL;
  g_autofree char *value = NULL;
  g_autofree char *goal = NULL;
  double rss_mb;

  chiaro_document_set_root_image_async (document, photo, "photo.jpg", NULL, bench_store_result,
                                        &result);
  g_assert_true (chiaro_document_set_root_image_finish (document, bench_wait_for (&result),
                                                        &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  options->image_size = g_strdup ("2K");
  parent = chiaro_history_get_root (history);

  for (guint i = 0; i < N_ENTRIES; i++)
    {
      gboolean png = i % 10 == 9;
      g_autoptr(GBytes) bytes = make_picture (i, png);
      g_autoptr(ChiaroReply) reply = NULL;
      g_autoptr(GError) write_error = NULL;
      g_autofree char *hash = NULL;
      ChiaroHistoryEntry *entry;
      const char *mime_type = NULL;
      /* Every fifth send has two variants: the second is a sibling with the same turn. */
      gboolean variant = i % 5 == 4;

      hash = chiaro_image_store_add (images, bytes, NULL, &mime_type, &write_error);
      g_assert_no_error (write_error);
      bytes_stored += g_bytes_get_size (bytes);

      if (!variant)
        {
          g_autofree char *prompt = g_strdup_printf ("Step %u: warmer light, a little more "
                                                     "contrast on the left", i);

          turn = chiaro_turn_new (prompt, options, "gemini-3.1-flash-image", "gemini",
                                  i % 5 == 3 ? 2 : 1);
        }
      else
        {
          chiaro_turn_ref (turn);
        }

      reply = make_reply (bytes, mime_type, hash, i);
      entry = chiaro_history_entry_new_generated (turn, reply, mime_type, SIDE, SIDE);
      chiaro_turn_unref (turn);
      chiaro_history_add (history, variant ? chiaro_history_entry_get_parent (parent) : parent,
                          entry);
      chiaro_history_set_cursor (history, entry);
      if (!variant)
        parent = entry;
      g_object_unref (entry);
    }

  chiaro_document_save_async (document, NULL, bench_store_result, &result);
  g_assert_true (chiaro_document_save_finish (document, bench_wait_for (&result), &error));
  g_assert_no_error (error);

  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, N_ENTRIES + 1);
  g_printerr ("built %u entries, %.0f MB of images, in %.1f s\n", N_ENTRIES,
              bytes_stored / 1e6, (g_get_monotonic_time () - start) / 1e6);

  rss_mb = bench_status_mb ("VmRSS");
  figure = g_strdup_printf ("resident memory after building a project of %u 2K images",
                            N_ENTRIES);
  value = g_strdup_printf ("%.0f MB", rss_mb);
  goal = g_strdup_printf ("< %.0f MB", RSS_GOAL_MB);
  bench_print_row (figure, value, goal, rss_mb < RSS_GOAL_MB);
  close_project (document);
}

typedef struct
{
  ChiaroImageStore *images;
  GPtrArray        *entries;
  guint             next;
  guint             in_flight;
  guint             done;
} Browse;

static void fetch_next (Browse *browse);

static void
on_thumbnail (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Browse *browse = user_data;
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autoptr(GError) error = NULL;

  thumbnail = chiaro_image_store_thumbnail_finish (browse->images, res, &error);
  g_assert_no_error (error);
  g_assert_cmpint (MAX (gdk_pixbuf_get_width (thumbnail), gdk_pixbuf_get_height (thumbnail)),
                   <=, CHIARO_THUMBNAIL_SIZE);
  browse->in_flight--;
  browse->done++;
  fetch_next (browse);
}

static void
fetch_next (Browse *browse)
{
  while (browse->in_flight < THUMBNAILS_IN_FLIGHT && browse->next < browse->entries->len)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (browse->entries, browse->next++);

      if (chiaro_history_entry_get_image_hash (entry) == NULL)
        continue;
      browse->in_flight++;
      chiaro_image_store_thumbnail_async (browse->images,
                                          chiaro_history_entry_get_image_hash (entry),
                                          chiaro_history_entry_get_mime_type (entry),
                                          NULL, on_thumbnail, browse);
    }
}

static void
reopen (GFile *dir)
{
  g_autoptr(ChiaroDocument) document = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GdkPixbuf) canvas = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistoryEntry *cursor;
  Browse browse = { 0 };
  double before_mb = bench_status_mb ("VmRSS");
  double reopen_ms, rss_mb, peak_mb;
  gint64 start = g_get_monotonic_time ();
  g_autofree char *figure = NULL;
  g_autofree char *value = NULL;
  g_autofree char *goal = NULL;

  /* Reopening to the canvas: load the project, decode the cursor's image. */
  document = open_project (dir, CHIARO_DOCUMENT_OPEN_NONE);
  cursor = chiaro_history_get_cursor (chiaro_document_get_history (document));
  chiaro_image_store_decode_async (chiaro_document_get_images (document),
                                   chiaro_history_entry_get_image_hash (cursor),
                                   chiaro_history_entry_get_mime_type (cursor),
                                   NULL, bench_store_result, &result);
  canvas = chiaro_image_store_decode_finish (chiaro_document_get_images (document),
                                             bench_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (canvas), ==, SIDE);
  reopen_ms = bench_elapsed_ms (start);

  figure = g_strdup_printf ("reopen the project to the canvas (load %u entries, decode the 2K "
                            "cursor image)", N_ENTRIES + 1);
  value = g_strdup_printf ("%.0f ms", reopen_ms);
  goal = g_strdup_printf ("< %.0f ms", REOPEN_GOAL_MS);
  bench_print_row (figure, value, goal, reopen_ms < REOPEN_GOAL_MS);
  g_clear_pointer (&figure, g_free);
  g_clear_pointer (&value, g_free);
  g_clear_pointer (&goal, g_free);

  /* Browsing the strip: every thumbnail, made from the 2K files on first use. */
  entries = chiaro_history_dup_entries (chiaro_document_get_history (document));
  browse.images = chiaro_document_get_images (document);
  browse.entries = entries;
  start = g_get_monotonic_time ();
  fetch_next (&browse);
  while (browse.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (browse.done, ==, N_ENTRIES + 1);
  g_printerr ("%u thumbnails made in %.1f s; resident before opening %.0f MB\n", browse.done,
              (g_get_monotonic_time () - start) / 1e6, before_mb);

  rss_mb = bench_status_mb ("VmRSS");
  peak_mb = bench_status_mb ("VmHWM");
  figure = g_strdup_printf ("resident memory with the project open, the canvas decoded and "
                            "all %u thumbnails fetched", N_ENTRIES + 1);
  value = g_strdup_printf ("%.0f MB (peak %.0f MB)", rss_mb, peak_mb);
  goal = g_strdup_printf ("< %.0f MB", RSS_GOAL_MB);
  bench_print_row (figure, value, goal, rss_mb < RSS_GOAL_MB && peak_mb < RSS_GOAL_MB);

  close_project (document);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *reopen_argv[4];
  int wait_status;

  /* The second half runs in a fresh process: bench-project --reopen DIR. */
  if (argc == 3 && g_str_equal (argv[1], "--reopen"))
    {
      dir = g_file_new_for_path (argv[2]);
      reopen (dir);
      return 0;
    }

  path = g_build_filename (g_get_current_dir (), "bench-project-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (path));
  dir = g_file_new_build_filename (path, "project", NULL);

  build (dir);

  reopen_argv[0] = argv[0];
  reopen_argv[1] = "--reopen";
  reopen_argv[2] = g_file_peek_path (dir);
  reopen_argv[3] = NULL;
  g_spawn_sync (NULL, (char **) reopen_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));

  /* The project is a few hundred megabytes: it goes when the figures are taken. */
  bench_remove_tree (path);
  return 0;
}
