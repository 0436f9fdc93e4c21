/* test-save-faults.c — a full disk and a read-only project folder in a real window
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7, disks: an answer arrives while the project cannot be written (a file size limit
 * standing in for a full disk, and a folder that refuses new files). The window says the
 * project (by name, not path) could not be saved, the new image is shown and kept (pending in memory), nothing
 * on disk names it yet; once the fault is gone the retry saves it, byte for byte.
 */

#include "config.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "chiaro-application.h"
#include "chiaro-application-private.h"
#include "chiaro-canvas.h"
#include "chiaro-document.h"
#include "chiaro-document-private.h"
#include "chiaro-history.h"
#include "chiaro-history-entry.h"
#include "chiaro-mock-server.h"
#include "chiaro-window.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"

typedef enum {
  FAULT_FILE_SIZE,
  FAULT_READ_ONLY,
} Fault;

static ChiaroApplication *application;
static ChiaroMockServer *mock;

static gboolean
window_is_settled (gpointer user_data)
{
  ChiaroWindow *window = CHIARO_WINDOW (user_data);

  return !chiaro_window_get_loading (window) && chiaro_window_get_n_pending (window) == 0 &&
         !chiaro_canvas_get_busy (chiaro_window_get_canvas (window));
}

static gboolean
has_save_error (gpointer user_data)
{
  return chiaro_document_get_save_error (user_data) != NULL;
}

static gboolean
is_saved (gpointer user_data)
{
  return chiaro_document_get_save_error (user_data) == NULL &&
         !chiaro_document_get_has_unsaved_changes (user_data);
}

/* Root ignores file modes, but not the immutable flag (which needs CAP_LINUX_IMMUTABLE to
 * set). Returns FALSE when neither way can make @path refuse new files. */
static gboolean
set_read_only (const char *path,
               gboolean    read_only)
{
  int fd, flags;
  gboolean ok;

  if (geteuid () != 0)
    return g_chmod (path, read_only ? 0500 : 0700) == 0;

  fd = open (path, O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return FALSE;
  ok = ioctl (fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (ok)
    {
      flags = read_only ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      ok = ioctl (fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
  close (fd);
  return ok;
}

static char *
read_project_json (GFile *dir)
{
  g_autofree char *path = g_build_filename (g_file_peek_path (dir), "project.json", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* The stored file of @hash, checked against its name; NULL when there is none. */
static char *
find_stored_image (GFile      *dir,
                   const char *hash)
{
  g_autofree char *images = g_build_filename (g_file_peek_path (dir), "images", NULL);
  g_autoptr(GDir) listing = g_dir_open (images, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)))
    {
      if (g_str_has_prefix (name, hash) && name[64] == '.')
        {
          g_autofree char *path = g_build_filename (images, name, NULL);
          g_autofree char *contents = NULL;
          g_autofree char *digest = NULL;
          gsize size;

          g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
          digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guint8 *) contents, size);
          g_assert_cmpstr (digest, ==, hash);
          return g_steal_pointer (&path);
        }
    }

  return NULL;
}

static void
test_fault (gconstpointer data)
{
  Fault fault = GPOINTER_TO_INT (data);
  g_autoptr(GFile) photo = chiaro_test_fixture_file ("images", "exif-orientation",
                                                     "Landscape_1.jpg", NULL);
  g_autofree char *images = NULL;
  g_autofree char *json = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *hash = NULL;
  struct rlimit old_limit;
  ChiaroDocument *document;
  ChiaroHistoryEntry *cursor;
  GtkWidget *toast_label;
  const char *toast_text;
  GdkTexture *texture;
  ChiaroWindow *window;
  GFile *dir;

  window = g_object_ref (chiaro_window_new (application));
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 680);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  chiaro_window_open_file (window, photo);
  g_assert_true (chiaro_test_wait_until (window_is_settled, window, 60));
  document = chiaro_window_get_document (window);
  g_assert_nonnull (document);
  g_assert_true (chiaro_test_wait_until (is_saved, document, 30));
  chiaro_document_set_save_retry_interval (document, 300);
  dir = chiaro_document_get_dir (document);
  images = g_build_filename (g_file_peek_path (dir), "images", NULL);

  /* The fault. */
  if (fault == FAULT_FILE_SIZE)
    {
      struct rlimit limit;

      g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
      limit = old_limit;
      limit.rlim_cur = 1024;
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
    }
  else if (!set_read_only (images, TRUE) || !set_read_only (g_file_peek_path (dir), TRUE))
    {
      set_read_only (images, FALSE);
      g_test_skip ("cannot make a folder read-only for this user here");
      gtk_window_destroy (GTK_WINDOW (window));
      g_assert_finalize_object (window);
      return;
    }

  chiaro_document_set_prompt (document, "Paint it while the disk says no");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
  g_assert_true (chiaro_test_wait_until (window_is_settled, window, 60));
  g_assert_true (chiaro_test_wait_until (has_save_error, document, 30));
  g_test_message ("save error: %s", chiaro_document_get_save_error (document)->message);

  /* Said, shown and kept: the toast names the project, says why and that the work is kept,
   * in one label that wraps (so the end is not cut off), and never shows the path. */
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  toast_label = chiaro_test_find_label (GTK_WIDGET (window), "could not be saved");
  g_assert_nonnull (toast_label);
  toast_text = gtk_label_get_text (GTK_LABEL (toast_label));
  g_test_message ("toast: %s", toast_text);
  g_assert_true (g_str_has_prefix (toast_text, "“Landscape_1” could not be saved: "));
  g_assert_nonnull (strstr (toast_text, fault == FAULT_FILE_SIZE ? "the disk is full" :
                                                                   "cannot be written to"));
  g_assert_nonnull (strstr (toast_text, "Your work is kept in memory and will be saved when"));
  g_assert_null (strstr (toast_text, g_file_peek_path (dir)));
  g_assert_null (strstr (toast_text, "/"));
  g_assert_true (gtk_label_get_wrap (GTK_LABEL (toast_label)));
  g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (toast_label)), ==, PANGO_ELLIPSIZE_NONE);
  g_assert_true (gtk_widget_get_mapped (toast_label));
  g_assert_null (chiaro_test_find_label (GTK_WIDGET (window), g_file_peek_path (dir)));
  cursor = chiaro_history_get_cursor (chiaro_document_get_history (document));
  g_assert_nonnull (chiaro_history_entry_get_parent (cursor));
  hash = g_strdup (chiaro_history_entry_get_image_hash (cursor));
  g_assert_nonnull (hash);
  texture = chiaro_canvas_get_texture (chiaro_window_get_canvas (window));
  g_assert_nonnull (texture);
  json = read_project_json (dir);
  g_assert_null (strstr (json, hash));
  g_assert_null (find_stored_image (dir, hash));
  g_assert_true (chiaro_document_get_has_unsaved_changes (document));

  /* The fault clears. */
  if (fault == FAULT_FILE_SIZE)
    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  else
    g_assert_true (set_read_only (g_file_peek_path (dir), FALSE) && set_read_only (images, FALSE));
  chiaro_test_save_screenshot (GTK_WIDGET (window), fault == FAULT_FILE_SIZE ?
                               "save-fault-full.png" : "save-fault-read-only.png");

  g_assert_true (chiaro_test_wait_until (is_saved, document, 30));
  g_clear_pointer (&json, g_free);
  json = read_project_json (dir);
  g_assert_nonnull (strstr (json, hash));
  stored = find_stored_image (dir, hash);
  g_assert_nonnull (stored);
  g_assert_true (chiaro_history_get_cursor (chiaro_document_get_history (document)) == cursor);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("CHIARO_API_KEY", "test-key", TRUE);

  if (!(application = chiaro_test_create_application ()))
    return 0;

  mock = chiaro_mock_server_new (g_getenv ("CHIARO_DISCOVERY_PATH"), &error);
  g_assert_no_error (error);
  chiaro_mock_server_listen (mock, 0, &error);
  g_assert_no_error (error);
  g_settings_set_string (chiaro_application_get_settings (application), "endpoint",
                         chiaro_mock_server_get_url (mock));
  g_settings_set_uint (chiaro_application_get_settings (application), "autosave-delay", 200);
  chiaro_application_set_notifications_counted_only (application, TRUE);

  g_test_add_data_func ("/chiaro/ui/save-faults/file-size-limit",
                        GINT_TO_POINTER (FAULT_FILE_SIZE), test_fault);
  g_test_add_data_func ("/chiaro/ui/save-faults/read-only-folder",
                        GINT_TO_POINTER (FAULT_READ_ONLY), test_fault);

  status = g_test_run ();
  g_clear_object (&mock);
  g_clear_object (&application);
  return status;
}
