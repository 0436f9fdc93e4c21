/* test-private-files.c — what Chiaro writes is readable by the user only, whatever the umask
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session and a project made the way the app makes them (session.json, a project folder
 * from chiaro_session_new_project_dir, a photo, a reference, an edit from the mock, a
 * thumbnail, two saves so that the backup exists) under umask 000, 022 and 077; then every
 * folder under the data folder must be 0700 and every file 0600.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "chiaro-document.h"
#include "chiaro-session.h"
#include "chiaro-test-document.h"
#include "chiaro-test-util.h"

#define KEY "private-files-test-key"

typedef struct
{
  guint n_dirs;
  guint n_files;
  guint n_images;
  guint n_thumbs;
  gboolean session_json;
  gboolean project_json;
  gboolean backup;
  gboolean lock;
} Walk;

/* Every entry under @path: folders 0700, regular files 0600, nothing else. */
static void
walk (const char *path,
      Walk       *seen)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  dir = g_dir_open (path, 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *parent_name = g_path_get_basename (path);
      GStatBuf st;

      g_assert_cmpint (g_lstat (child, &st), ==, 0);
      if (S_ISDIR (st.st_mode))
        {
          if ((st.st_mode & 07777) != 0700)
            g_error ("%s is a folder with mode %04o", child, st.st_mode & 07777);
          seen->n_dirs++;
          walk (child, seen);
          continue;
        }

      if (!S_ISREG (st.st_mode))
        g_error ("%s is neither a folder nor a file", child);
      if ((st.st_mode & 07777) != 0600)
        g_error ("%s is a file with mode %04o", child, st.st_mode & 07777);

      seen->n_files++;
      seen->session_json |= g_str_equal (name, "session.json");
      seen->project_json |= g_str_equal (name, "project.json");
      seen->backup |= g_str_equal (name, "project.json.bak");
      seen->lock |= g_str_equal (name, "lock");
      seen->n_images += g_str_equal (parent_name, "images");
      seen->n_thumbs += g_str_equal (parent_name, "thumbs");
    }
}

static void
make_everything (GFile            *data_dir,
                 ChiaroTestGemini *gemini)
{
  g_autoptr(ChiaroSession) session = chiaro_session_new (data_dir);
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation",
                                                      "Portrait_1.jpg");
  g_autoptr(GBytes) logo = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(GFile) project_dir = NULL;
  g_autoptr(ChiaroDocument) document = NULL;
  ChiaroReference *reference;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  ChiaroImageStore *images;
  ChiaroHistoryEntry *cursor;

  g_assert_true (chiaro_session_load (session, &error));
  g_assert_no_error (error);
  g_assert_true (chiaro_session_begin (session, &error));
  g_assert_no_error (error);

  project_dir = chiaro_session_new_project_dir (session);
  document = chiaro_test_open_document (project_dir, CHIARO_DOCUMENT_OPEN_CREATE,
                                        gemini->catalog, &error);
  g_assert_no_error (error);
  chiaro_document_set_provider (document, gemini->provider, "gemini");
  chiaro_document_set_autosave_delay (document, 60000);
  g_assert_true (chiaro_session_add_project (session, project_dir, &error));
  g_assert_no_error (error);

  chiaro_document_set_root_image_async (document, photo, "Portrait_1.jpg", NULL,
                                        chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_true (chiaro_document_set_root_image_finish (document, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  chiaro_document_add_reference_bytes_async (document, logo, "logo.png", "logo", NULL,
                                             chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  reference = chiaro_document_add_reference_finish (document, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reference);
  g_clear_object (&result);

  chiaro_document_save_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_true (chiaro_document_save_finish (document, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  chiaro_document_set_prompt (document, "add the logo");
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  send = chiaro_document_send_finish (document, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chiaro_send_get_state (send), ==, CHIARO_SEND_DONE);
  g_clear_object (&result);

  images = chiaro_document_get_images (document);
  cursor = chiaro_history_get_cursor (chiaro_document_get_history (document));
  chiaro_image_store_thumbnail_async (images, chiaro_history_entry_get_image_hash (cursor),
                                      chiaro_history_entry_get_mime_type (cursor),
                                      NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  thumbnail = chiaro_image_store_thumbnail_finish (images, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* The second save moves the first to project.json.bak. */
  chiaro_document_save_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_true (chiaro_document_save_finish (document, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  chiaro_document_close_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_true (chiaro_document_close_finish (document, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_true (chiaro_session_end (session, &error));
  g_assert_no_error (error);
}

static void
test_modes (gconstpointer data)
{
  mode_t mask = GPOINTER_TO_UINT (data);
  g_autofree char *path = chiaro_test_clean_data_path ();
  g_autofree char *data_path = g_build_filename (path, "share", "chiaro", NULL);
  g_autoptr(GFile) data_dir = g_file_new_for_path (data_path);
  ChiaroTestGemini gemini;
  Walk seen = { 0, };
  mode_t old_mask;

  chiaro_test_gemini_init (&gemini, KEY, 1);
  old_mask = umask (mask);
  make_everything (data_dir, &gemini);
  umask (old_mask);
  chiaro_test_gemini_clear (&gemini);

  {
    GStatBuf st;

    g_assert_cmpint (g_stat (data_path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 07777, ==, 0700);
  }
  walk (data_path, &seen);
  g_test_message ("umask %03o: %u folders, %u files", mask, seen.n_dirs, seen.n_files);

  /* projects/, the project, images/, thumbs/ */
  g_assert_cmpuint (seen.n_dirs, ==, 4);
  g_assert_true (seen.session_json);
  g_assert_true (seen.project_json);
  g_assert_true (seen.backup);
  g_assert_true (seen.lock);
  /* the photo, the reference, the answer */
  g_assert_cmpuint (seen.n_images, ==, 3);
  g_assert_cmpuint (seen.n_thumbs, >=, 1);
  g_assert_cmpuint (seen.n_files, ==, 4 + seen.n_images + seen.n_thumbs);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/chiaro/private-files/umask-000", GUINT_TO_POINTER (0000),
                        test_modes);
  g_test_add_data_func ("/chiaro/private-files/umask-022", GUINT_TO_POINTER (0022),
                        test_modes);
  g_test_add_data_func ("/chiaro/private-files/umask-077", GUINT_TO_POINTER (0077),
                        test_modes);

  return g_test_run ();
}
