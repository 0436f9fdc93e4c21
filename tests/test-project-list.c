/* test-project-list.c — the start view's list of projects: scan, rename, delete, locks
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The projects are made through the project store and state, in a data folder of the
 * build. The trash is the one under XDG_DATA_HOME, pointed into the build as well. A lock
 * held by another process comes from this program run with `--hold-lock DIR`.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chiaro-project-error.h"
#include "chiaro-project-list-private.h"
#include "chiaro-project-state.h"
#include "chiaro-project-store.h"
#include "chiaro-session.h"
#include "chiaro-test-projects.h"
#include "chiaro-test-util.h"

/* Seconds after which a helper process ends itself, should the test never kill it. */
#define CHILD_TIME_LIMIT 60
#define RED  0xff0000
#define BLUE 0x0000ff

static char *self_path;
static char *trash_home;

typedef struct
{
  char              *path;
  ChiaroSession     *session;
  GFile             *projects_dir;
  ChiaroProjectList *list;
  GFile             *beach;       /* named, a photo and two answers, the newest */
  GFile             *lighthouse;  /* text to image, no name */
  GFile             *damaged;     /* project.json is not JSON, no backup */
} Fixture;

static gboolean
list_loaded (gpointer user_data)
{
  return !chiaro_project_list_get_loading (user_data);
}

static void
refresh (Fixture *f)
{
  chiaro_project_list_refresh (f->list);
  g_assert_true (chiaro_project_list_get_loading (f->list));
  g_assert_true (chiaro_test_wait_until (list_loaded, f->list, 30));
}

static GFile *
new_project_dir (Fixture *f)
{
  return chiaro_session_new_project_dir (f->session);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GFile) data_dir = NULL;

  f->path = chiaro_test_clean_data_path ();
  data_dir = g_file_new_for_path (f->path);
  f->session = chiaro_session_new (data_dir);
  f->projects_dir = chiaro_session_get_projects_dir (f->session);

  /* Oldest first: the damaged one's folder is dated 2020, so it sorts last. */
  f->lighthouse = new_project_dir (f);
  chiaro_test_make_project (f->lighthouse, NULL, "a lighthouse at dusk, oil painting", 1,
                            BLUE);
  f->beach = new_project_dir (f);
  chiaro_test_make_project (f->beach, "Beach", NULL, 2, RED);
  f->damaged = new_project_dir (f);
  chiaro_test_make_damaged_project (f->damaged);
  chiaro_test_set_mtime (f->damaged, 1577836800);

  f->list = chiaro_project_list_new (f->projects_dir);
}

static gboolean
is_null (gpointer user_data)
{
  return g_atomic_pointer_get ((gpointer *) user_data) == NULL;
}

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* A worker lets its task (and the task its list) go just after the answer is handed over. */
static void
assert_finalized (gpointer object)
{
  gpointer weak = object;
  guint tick;

  /* The last reference may go on the worker, which does not wake the main loop: look
   * again every few milliseconds. */
  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  tick = g_timeout_add (5, on_tick, NULL);
  g_assert_true (chiaro_test_wait_until (is_null, &weak, 10));
  g_source_remove (tick);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_true (chiaro_test_wait_until (list_loaded, f->list, 30));
  assert_finalized (f->list);
  g_clear_object (&f->beach);
  g_clear_object (&f->lighthouse);
  g_clear_object (&f->damaged);
  g_clear_object (&f->projects_dir);
  g_clear_object (&f->session);
  chiaro_test_remove_tree (f->path);
  g_free (f->path);
}

static ChiaroProjectInfo *
item (Fixture *f,
      guint    position)
{
  g_autoptr(ChiaroProjectInfo) info = g_list_model_get_item (G_LIST_MODEL (f->list), position);

  g_assert_nonnull (info);
  return info;
}

static ChiaroProjectState *
read_state (GFile *dir)
{
  g_autofree char *path = g_build_filename (g_file_peek_path (dir), "project.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *contents = NULL;
  gsize size = 0;
  ChiaroProjectState *state;

  g_file_get_contents (path, &contents, &size, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (contents, size);
  state = chiaro_project_state_new_from_json (bytes, &error);
  g_assert_no_error (error);
  return state;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  gboolean  trashed;
  GError   *error;
  GdkPixbuf *pixbuf;
} Wait;

static gboolean
wait_done (gpointer user_data)
{
  return ((Wait *) user_data)->done;
}

static void
on_renamed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = chiaro_project_list_rename_finish (CHIARO_PROJECT_LIST (object), result,
                                                &wait->error);
  wait->done = TRUE;
}

static void
on_deleted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = chiaro_project_list_delete_finish (CHIARO_PROJECT_LIST (object), result,
                                                &wait->trashed, &wait->error);
  wait->done = TRUE;
}

static void
on_thumbnail (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->pixbuf = chiaro_image_store_thumbnail_finish (CHIARO_IMAGE_STORE (object), result,
                                                      &wait->error);
  wait->done = TRUE;
}

static gboolean
rename_project (Fixture     *f,
                GFile       *dir,
                const char  *name,
                GError     **error)
{
  Wait wait = { 0 };

  chiaro_project_list_rename_async (f->list, dir, name, NULL, on_renamed, &wait);
  g_assert_true (chiaro_test_wait_until (wait_done, &wait, 30));
  g_assert_true (chiaro_test_wait_until (list_loaded, f->list, 30));
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

static gboolean
delete_project (Fixture     *f,
                GFile       *dir,
                gboolean    *trashed,
                GError     **error)
{
  Wait wait = { 0 };

  chiaro_project_list_delete_async (f->list, dir, NULL, on_deleted, &wait);
  g_assert_true (chiaro_test_wait_until (wait_done, &wait, 30));
  g_assert_true (chiaro_test_wait_until (list_loaded, f->list, 30));
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  *trashed = wait.trashed;
  return wait.ok;
}

static void
assert_cost (double cost,
             double expected)
{
  g_assert_cmpfloat_with_epsilon (cost, expected, 1e-9);
}

static void
test_scan (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GFile) empty = NULL;
  g_autoptr(GFile) hidden = NULL;
  g_autoptr(GFile) plain = NULL;
  g_autoptr(ChiaroProjectState) state = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroProjectInfo *info;
  Wait wait = { 0 };
  guint8 *pixel;

  /* Not projects: an empty folder (one being made), a hidden folder, a plain file. */
  empty = g_file_get_child (f->projects_dir, "empty");
  g_assert_cmpint (g_mkdir (g_file_peek_path (empty), 0700), ==, 0);
  hidden = g_file_get_child (f->projects_dir, ".hidden");
  chiaro_test_make_project (hidden, "Hidden", NULL, 0, RED);
  plain = g_file_get_child (f->projects_dir, "notes.txt");
  g_file_set_contents (g_file_peek_path (plain), "hello", -1, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (f->list)) ==
                 CHIARO_TYPE_PROJECT_INFO);
  refresh (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 3);

  /* Newest first. */
  info = item (f, 0);
  g_assert_true (g_file_equal (chiaro_project_info_get_dir (info), f->beach));
  g_assert_cmpstr (chiaro_project_info_get_name (info), ==, "Beach");
  g_assert_cmpstr (chiaro_project_info_get_title (info), ==, "Beach");
  g_assert_cmpuint (chiaro_project_info_get_n_entries (info), ==, 3);
  g_assert_cmpuint (chiaro_project_info_get_n_images (info), ==, 3);
  assert_cost (chiaro_project_info_get_cost_usd (info), 2 * CHIARO_TEST_PROJECT_COST);
  g_assert_false (chiaro_project_info_get_locked (info));
  g_assert_false (chiaro_project_info_is_damaged (info));
  g_assert_false (chiaro_project_info_get_from_backup (info));
  g_assert_null (chiaro_project_info_get_error (info));
  state = read_state (f->beach);
  g_assert_cmpint (chiaro_project_info_get_modified (info), ==, state->modified);
  g_assert_cmpint (chiaro_project_info_get_created (info), ==, state->created);
  g_assert_cmpstr (chiaro_project_info_get_thumbnail_hash (info), ==,
                   chiaro_history_entry_get_image_hash (
                     chiaro_history_get_cursor (state->history)));
  g_assert_cmpstr (chiaro_project_info_get_thumbnail_mime_type (info), ==, "image/png");

  /* The thumbnail is the cursor's image: red. */
  chiaro_image_store_thumbnail_async (chiaro_project_info_get_images (info),
                                      chiaro_project_info_get_thumbnail_hash (info),
                                      chiaro_project_info_get_thumbnail_mime_type (info),
                                      NULL, on_thumbnail, &wait);
  g_assert_true (chiaro_test_wait_until (wait_done, &wait, 30));
  g_assert_no_error (wait.error);
  g_assert_cmpint (gdk_pixbuf_get_width (wait.pixbuf), ==, 256);
  g_assert_cmpint (gdk_pixbuf_get_height (wait.pixbuf), ==, 192);
  pixel = gdk_pixbuf_get_pixels (wait.pixbuf);
  g_assert_cmpuint (pixel[0], ==, 255);
  g_assert_cmpuint (pixel[1], ==, 0);
  g_assert_cmpuint (pixel[2], ==, 0);
  g_clear_object (&wait.pixbuf);

  /* Without a name, the first prompt; the empty root is no image. */
  info = item (f, 1);
  g_assert_true (g_file_equal (chiaro_project_info_get_dir (info), f->lighthouse));
  g_assert_null (chiaro_project_info_get_name (info));
  g_assert_cmpstr (chiaro_project_info_get_title (info), ==,
                   "a lighthouse at dusk, oil painting");
  g_assert_cmpuint (chiaro_project_info_get_n_entries (info), ==, 2);
  g_assert_cmpuint (chiaro_project_info_get_n_images (info), ==, 1);
  assert_cost (chiaro_project_info_get_cost_usd (info), CHIARO_TEST_PROJECT_COST);
  g_assert_cmpint (chiaro_project_info_get_modified (item (f, 0)), >,
                   chiaro_project_info_get_modified (info));

  /* Listed, with what is wrong, rather than hidden. */
  info = item (f, 2);
  g_assert_true (g_file_equal (chiaro_project_info_get_dir (info), f->damaged));
  g_assert_true (chiaro_project_info_is_damaged (info));
  g_assert_error (chiaro_project_info_get_error (info), CHIARO_PROJECT_ERROR,
                  CHIARO_PROJECT_ERROR_CORRUPT);
  g_assert_cmpstr (chiaro_project_info_get_title (info), ==, "Damaged Project");
  g_assert_cmpint (chiaro_project_info_get_modified (info), ==, (gint64) 1577836800 * G_USEC_PER_SEC);
  g_assert_null (chiaro_project_info_get_thumbnail_hash (info));
  g_assert_cmpuint (chiaro_project_info_get_n_entries (info), ==, 0);

  g_assert_true (chiaro_project_list_lookup (f->list, f->lighthouse) == item (f, 1));
  g_assert_null (chiaro_project_list_lookup (f->list, empty));
}

static void
test_titles (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GFile) photo = new_project_dir (f);
  g_autoptr(GFile) wordy = new_project_dir (f);
  g_autoptr(GFile) spaces = new_project_dir (f);
  ChiaroProjectInfo *info;
  const char *title;

  chiaro_test_make_project (photo, NULL, NULL, 0, RED);
  chiaro_test_make_project (wordy, NULL,
                            "Put the green bottle on a white marble table in soft morning "
                            "light\nand make it glow", 1, RED);
  chiaro_test_make_project (spaces, "   ", "  \n  ", 1, RED);
  refresh (f);

  /* A photo never sent from: the day it was made. */
  info = chiaro_project_list_lookup (f->list, photo);
  g_assert_true (g_str_has_prefix (chiaro_project_info_get_title (info), "Project of "));
  g_assert_cmpuint (chiaro_project_info_get_n_entries (info), ==, 1);
  g_assert_cmpuint (chiaro_project_info_get_n_images (info), ==, 1);
  assert_cost (chiaro_project_info_get_cost_usd (info), 0);

  /* A long first line is cut at a word. */
  title = chiaro_project_info_get_title (chiaro_project_list_lookup (f->list, wordy));
  g_assert_cmpstr (title, ==, "Put the green bottle on a white marble table in…");

  /* Blank names and prompts do not count. */
  info = chiaro_project_list_lookup (f->list, spaces);
  g_assert_null (chiaro_project_info_get_name (info));
  g_assert_true (g_str_has_prefix (chiaro_project_info_get_title (info), "Project of "));
}

static void
test_backup (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *state_path = g_build_filename (g_file_peek_path (f->beach), "project.json",
                                                  NULL);
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(ChiaroProjectState) state = read_state (f->beach);
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroProjectInfo *info;

  /* A second save makes the first the backup; then project.json is broken. */
  store = chiaro_project_store_open (f->beach, CHIARO_PROJECT_STORE_OPEN_NONE, &error);
  g_assert_no_error (error);
  json = chiaro_project_state_to_json (state);
  g_assert_true (chiaro_project_store_write (store, json, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  g_file_set_contents (state_path, "{\"version\": 1, \"entr", -1, &error);
  g_assert_no_error (error);

  refresh (f);
  info = chiaro_project_list_lookup (f->list, f->beach);
  g_assert_false (chiaro_project_info_is_damaged (info));
  g_assert_true (chiaro_project_info_get_from_backup (info));
  g_assert_cmpstr (chiaro_project_info_get_title (info), ==, "Beach");
  g_assert_cmpuint (chiaro_project_info_get_n_entries (info), ==, 3);

  /* Renaming works on project.json only: a damaged one is refused, and kept. */
  g_assert_false (rename_project (f, f->beach, "Shore", &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_true (g_file_test (state_path, G_FILE_TEST_EXISTS));
}

static void
test_rename (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ChiaroProjectState) state = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroProjectList) other = NULL;
  ChiaroProjectInfo *info;

  refresh (f);
  g_assert_true (rename_project (f, f->lighthouse, "  Lighthouse ", &error));
  g_assert_no_error (error);

  state = read_state (f->lighthouse);
  g_assert_cmpstr (state->name, ==, "Lighthouse");
  g_assert_cmpuint (chiaro_history_get_n_entries (state->history), ==, 2);
  g_clear_pointer (&state, chiaro_project_state_free);

  /* Saving made it the newest. */
  info = item (f, 0);
  g_assert_true (g_file_equal (chiaro_project_info_get_dir (info), f->lighthouse));
  g_assert_cmpstr (chiaro_project_info_get_title (info), ==, "Lighthouse");

  /* Another list reads the same from the disk. */
  other = chiaro_project_list_new (f->projects_dir);
  chiaro_project_list_refresh (other);
  g_assert_true (chiaro_test_wait_until (list_loaded, other, 30));
  g_assert_cmpstr (chiaro_project_info_get_name (chiaro_project_list_lookup (other,
                                                                             f->lighthouse)),
                   ==, "Lighthouse");
  assert_finalized (g_steal_pointer (&other));

  /* An empty name takes the name away. */
  g_assert_true (rename_project (f, f->lighthouse, "", &error));
  g_assert_no_error (error);
  state = read_state (f->lighthouse);
  g_assert_null (state->name);
  info = chiaro_project_list_lookup (f->list, f->lighthouse);
  g_assert_cmpstr (chiaro_project_info_get_title (info), ==,
                   "a lighthouse at dusk, oil painting");

  /* A damaged project cannot be renamed. */
  g_assert_false (rename_project (f, f->damaged, "Fixed", &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT);
}

static GPid
spawn_lock_holder (GFile *dir,
                   int   *out)
{
  const char *argv[] = { self_path, "--hold-lock", g_file_peek_path (dir), NULL };
  g_autoptr(GError) error = NULL;
  char line[16] = { 0 };
  gsize got = 0;
  GPid pid = 0;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, out, NULL, &error);
  g_assert_no_error (error);

  while (got < sizeof line - 1)
    {
      ssize_t n = read (*out, line + got, 1);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, ==, 1);
      if (line[got] == '\n')
        break;
      got++;
    }
  g_assert_cmpstr (line, ==, "ready\n");

  return pid;
}

static void
kill_lock_holder (GPid pid,
                  int  out)
{
  int status = 0;

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  close (out);
}

static void
assert_open_elsewhere (GError     *error,
                       const char *title)
{
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, title));
  g_assert_nonnull (strstr (error->message, "open in another window"));
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(ChiaroProjectState) state = NULL;
  g_autoptr(GError) error = NULL;
  gboolean trashed = TRUE;
  int holder = 0;
  int out = -1;
  GPid pid;

  /* Held in this process. */
  store = chiaro_project_store_open (f->beach, CHIARO_PROJECT_STORE_OPEN_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (chiaro_project_store_is_locked (f->beach, &holder));
  g_assert_cmpint (holder, ==, getpid ());
  refresh (f);
  g_assert_true (chiaro_project_info_get_locked (chiaro_project_list_lookup (f->list,
                                                                             f->beach)));
  g_assert_false (chiaro_project_info_get_locked (chiaro_project_list_lookup (f->list,
                                                                              f->lighthouse)));

  g_assert_false (rename_project (f, f->beach, "Shore", &error));
  assert_open_elsewhere (error, "Beach");
  g_clear_error (&error);
  g_assert_false (delete_project (f, f->beach, &trashed, &error));
  assert_open_elsewhere (error, "Beach");
  g_clear_error (&error);
  g_assert_true (g_file_query_exists (f->beach, NULL));
  state = read_state (f->beach);
  g_assert_cmpstr (state->name, ==, "Beach");

  /* Looking did not take the lock from the store that holds it. */
  g_assert_true (chiaro_project_store_is_locked (f->beach, NULL));
  g_clear_object (&store);
  g_assert_false (chiaro_project_store_is_locked (f->beach, &holder));
  g_assert_cmpint (holder, ==, 0);

  /* Held by another process. */
  pid = spawn_lock_holder (f->lighthouse, &out);
  g_assert_true (chiaro_project_store_is_locked (f->lighthouse, &holder));
  g_assert_cmpint (holder, ==, pid);
  refresh (f);
  g_assert_true (chiaro_project_info_get_locked (chiaro_project_list_lookup (f->list,
                                                                             f->lighthouse)));
  g_assert_false (chiaro_project_info_get_locked (chiaro_project_list_lookup (f->list,
                                                                              f->beach)));
  g_assert_false (delete_project (f, f->lighthouse, &trashed, &error));
  assert_open_elsewhere (error, "a lighthouse at dusk");
  g_clear_error (&error);
  g_assert_true (g_file_query_exists (f->lighthouse, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 3);

  kill_lock_holder (pid, out);
  refresh (f);
  g_assert_false (chiaro_project_info_get_locked (chiaro_project_list_lookup (f->list,
                                                                              f->lighthouse)));
}

static guint
count_children (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *trash_files = g_build_filename (trash_home, "Trash", "files", NULL);
  g_autoptr(GFile) outside = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autoptr(GError) error = NULL;
  guint trashed_before;
  gboolean trashed = FALSE;

  refresh (f);
  trashed_before = count_children (trash_files);

  /* To the trash. */
  g_assert_true (delete_project (f, f->beach, &trashed, &error));
  g_assert_no_error (error);
  g_assert_true (trashed);
  g_assert_false (g_file_query_exists (f->beach, NULL));
  g_assert_cmpuint (count_children (trash_files), ==, trashed_before + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 2);
  g_assert_null (chiaro_project_list_lookup (f->list, f->beach));

  /* Where there is no trash, deleted for good, and said so; damaged ones too. */
  chiaro_project_list_set_use_trash (f->list, FALSE);
  g_assert_true (delete_project (f, f->damaged, &trashed, &error));
  g_assert_no_error (error);
  g_assert_false (trashed);
  g_assert_false (g_file_query_exists (f->damaged, NULL));
  g_assert_cmpuint (count_children (trash_files), ==, trashed_before + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 1);

  /* Nothing outside the projects folder, even a project. */
  parent = g_file_get_parent (f->projects_dir);
  outside = g_file_get_child (parent, "elsewhere");
  chiaro_test_make_project (outside, "Elsewhere", NULL, 0, RED);
  g_assert_false (delete_project (f, outside, &trashed, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
  g_assert_true (g_file_query_exists (outside, NULL));
  g_clear_error (&error);

  /* A folder that is gone. */
  g_assert_false (delete_project (f, f->beach, &trashed, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND);
}

static void
test_missing_folder (void)
{
  g_autofree char *path = chiaro_test_data_path ("project-list-missing");
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  ChiaroProjectList *list;

  chiaro_test_remove_tree (path);
  list = chiaro_project_list_new (dir);
  chiaro_project_list_refresh (list);
  g_assert_true (chiaro_test_wait_until (list_loaded, list, 30));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_true (g_file_equal (chiaro_project_list_get_projects_dir (list), dir));
  assert_finalized (list);
}

/* --hold-lock DIR: takes the lock, says so, and waits to be killed. */
static int
hold_lock (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroProjectStore) store = NULL;

  alarm (CHILD_TIME_LIMIT);

  store = chiaro_project_store_open (dir, CHIARO_PROJECT_STORE_OPEN_NONE, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_print ("ready\n");
  fflush (stdout);
  for (;;)
    pause ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (argc == 3 && g_str_equal (argv[1], "--hold-lock"))
    return hold_lock (argv[2]);

  g_test_init (&argc, &argv, NULL);
  self_path = argv[0];

  /* The trash is under the user's data folder: keep it in the build. */
  trash_home = chiaro_test_data_path ("project-list-xdg-data");
  g_setenv ("XDG_DATA_HOME", trash_home, TRUE);
  g_mkdir_with_parents (trash_home, 0700);

#define ADD(path, func) \
  g_test_add ("/chiaro/core/project-list/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("scan", test_scan);
  ADD ("titles", test_titles);
  ADD ("backup", test_backup);
  ADD ("rename", test_rename);
  ADD ("locked", test_locked);
  ADD ("delete", test_delete);
#undef ADD
  g_test_add_func ("/chiaro/core/project-list/missing-folder", test_missing_folder);

  status = g_test_run ();

  chiaro_test_remove_tree (trash_home);
  g_free (trash_home);
  return status;
}
