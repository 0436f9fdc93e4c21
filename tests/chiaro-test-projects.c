/* chiaro-test-projects.c — project folders made through the stores, for tests
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "chiaro-project-state.h"
#include "chiaro-project-store.h"

#include "chiaro-test-projects.h"

#define GREY 0x808080

static GBytes *
solid_png (guint32 rgb,
           int     width,
           int     height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, rgb << 8 | 0xff);
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

static char *
store_image (ChiaroImageStore *images,
             GBytes           *bytes)
{
  g_autoptr(GError) error = NULL;
  char *hash = chiaro_image_store_add (images, bytes, "image/png", NULL, &error);

  g_assert_no_error (error);
  return hash;
}

static ChiaroReply *
make_reply (GBytes     *bytes,
            const char *hash)
{
  g_autoptr(ChiaroGenerationResult) result = chiaro_generation_result_new ();
  g_autoptr(ChiaroPart) text = chiaro_part_new_text ("Here it is.");
  g_autoptr(ChiaroPart) image = chiaro_part_new_image (bytes, "image/png");
  const char *hashes[] = { hash, NULL };

  result->content = chiaro_content_new ("model");
  chiaro_content_add_part (result->content, text);
  chiaro_content_add_part (result->content, image);
  g_ptr_array_add (result->images, chiaro_part_ref (image));
  return chiaro_reply_new_from_result (result, hashes, CHIARO_TEST_PROJECT_COST);
}

void
chiaro_test_make_project (GFile      *dir,
                          const char *name,
                          const char *prompt,
                          guint       n_generated,
                          guint32     rgb)
{
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(ChiaroProjectState) state = chiaro_project_state_new ();
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroTurn) turn = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroImageStore *images;
  ChiaroHistoryEntry *parent;
  ChiaroHistoryEntry *root;

  store = chiaro_project_store_open (dir, CHIARO_PROJECT_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  images = chiaro_project_store_get_images (store);

  if (prompt == NULL)
    {
      g_autoptr(GBytes) bytes = solid_png (n_generated == 0 ? rgb : GREY, 320, 240);
      g_autofree char *hash = store_image (images, bytes);

      root = chiaro_history_entry_new_root (hash, "image/png", 320, 240);
    }
  else
    {
      root = chiaro_history_entry_new_root (NULL, NULL, 0, 0);
    }
  chiaro_history_add (state->history, NULL, root);
  g_object_unref (root);
  parent = root;

  turn = chiaro_turn_new (prompt != NULL ? prompt : "warmer", options, "gemini-test",
                          "gemini", 1);
  for (guint i = 0; i < n_generated; i++)
    {
      /* A different grey each, so that no two entries share an image. */
      guint32 colour = i + 1 == n_generated ? rgb : GREY + (i + 1) * 0x010101;
      g_autoptr(GBytes) bytes = solid_png (colour, 320, 240);
      g_autofree char *hash = store_image (images, bytes);
      g_autoptr(ChiaroReply) reply = make_reply (bytes, hash);
      ChiaroHistoryEntry *entry = chiaro_history_entry_new_generated (turn, reply, "image/png",
                                                                      320, 240);

      chiaro_history_add (state->history, parent, entry);
      g_object_unref (entry);
      parent = entry;
    }
  chiaro_history_set_cursor (state->history, parent);

  state->name = g_strdup (name);
  state->created = g_get_real_time ();
  json = chiaro_project_state_to_json (state);
  g_assert_true (chiaro_project_store_write (store, json, NULL, &error));
  g_assert_no_error (error);
}

void
chiaro_test_make_damaged_project (GFile *dir)
{
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(GBytes) bytes = solid_png (GREY, 16, 16);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *path = NULL;

  store = chiaro_project_store_open (dir, CHIARO_PROJECT_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  hash = store_image (chiaro_project_store_get_images (store), bytes);

  path = g_build_filename (g_file_peek_path (dir), "project.json", NULL);
  g_file_set_contents (path, "{\"version\": 1, \"entries\": [", -1, &error);
  g_assert_no_error (error);
}

void
chiaro_test_set_mtime (GFile  *file,
                       gint64  seconds)
{
  g_autoptr(GError) error = NULL;

  g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, (guint64) seconds,
                               G_FILE_QUERY_INFO_NONE, NULL, &error);
  g_assert_no_error (error);
}
