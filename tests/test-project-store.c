/* test-project-store.c — the project folder: its lock, atomic saves, backup, refusals
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Some tests need a second process that holds the lock or is killed while saving: this
 * program runs itself with `--hold-lock DIR` or `--write-loop DIR FIRST`.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chiaro-project-error.h"
#include "chiaro-project-store.h"
#include "chiaro-test-util.h"

#define KILL_ROUNDS 30
/* The documents the killed writer saves are this big, so that a kill often lands in one. */
#define WRITE_LOOP_PADDING (512 * 1024)
#define SMALL_FILE_LIMIT (64 * 1024)
/* Seconds after which a helper process ends itself, should the test never kill it. */
#define CHILD_TIME_LIMIT 60

static char *self_path;

typedef struct
{
  char  *path;
  GFile *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->path = chiaro_test_clean_data_path ();
  f->dir = g_file_new_for_path (f->path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->dir);
  chiaro_test_remove_tree (f->path);
  g_free (f->path);
}

static int
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static char *
child_path (Fixture    *f,
            const char *name)
{
  return g_build_filename (f->path, name, NULL);
}

static ChiaroProjectStore *
open_ok (GFile *dir)
{
  g_autoptr(GError) error = NULL;
  ChiaroProjectStore *store;

  store = chiaro_project_store_open (dir, CHIARO_PROJECT_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (CHIARO_IS_PROJECT_STORE (store));
  return store;
}

static void
write_ok (ChiaroProjectStore *store,
          const char         *json)
{
  g_autoptr(GBytes) bytes = chiaro_test_bytes_from_string (json);
  g_autoptr(GError) error = NULL;

  g_assert_true (chiaro_project_store_write (store, bytes, NULL, &error));
  g_assert_no_error (error);
}

static void
assert_locked_by (GError *error,
                  GFile  *dir,
                  pid_t   pid)
{
  g_autofree char *pid_text = g_strdup_printf ("%d", (int) pid);

  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, pid_text));
  g_assert_nonnull (strstr (error->message, g_file_peek_path (dir)));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in a folder, sorted, joined by spaces. */
static char *
list_dir (const char *path)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    g_ptr_array_add (names, g_strdup (name));

  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
test_open (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) main_file = NULL;
  g_autoptr(GFile) backup_file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *lock = child_path (f, "lock");
  g_autofree char *main_path = child_path (f, "project.json");
  g_autofree char *backup_path = child_path (f, "project.json.bak");
  g_autofree char *lock_text = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *pid_line = g_strdup_printf ("%d\n", (int) getpid ());

  store = chiaro_project_store_open (f->dir, CHIARO_PROJECT_STORE_OPEN_NONE, &error);
  g_assert_null (store);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, f->path));
  g_clear_error (&error);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));

  store = open_ok (f->dir);
  g_assert_cmpint (file_mode (f->path), ==, 0700);
  g_assert_cmpint (file_mode (lock), ==, 0600);
  lock_text = read_text (lock);
  g_assert_cmpstr (lock_text, ==, pid_line);

  g_assert_true (chiaro_project_store_get_dir (store) == f->dir);
  g_assert_nonnull (chiaro_project_store_get_images (store));
  g_assert_true (chiaro_image_store_get_dir (chiaro_project_store_get_images (store)) == f->dir);
  main_file = chiaro_project_store_get_file (store, CHIARO_PROJECT_FILE_MAIN);
  backup_file = chiaro_project_store_get_file (store, CHIARO_PROJECT_FILE_BACKUP);
  g_assert_cmpstr (g_file_peek_path (main_file), ==, main_path);
  g_assert_cmpstr (g_file_peek_path (backup_file), ==, backup_path);
  g_assert_false (chiaro_project_store_has_state (store));

  bytes = chiaro_project_store_read (store, CHIARO_PROJECT_FILE_MAIN, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "project.json"));
  g_clear_error (&error);

  /* Only the lock file: opening does no other I/O. */
  listing = list_dir (f->path);
  g_assert_cmpstr (listing, ==, "lock");

  /* An existing folder opens without the create flag. */
  chiaro_project_store_close (store);
  g_clear_object (&store);
  store = chiaro_project_store_open (f->dir, CHIARO_PROJECT_STORE_OPEN_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
}

/* The subprocess of test_lock_*: tries to open the folder its parent holds. */
static void
try_open_held_by_parent (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = chiaro_project_store_open (dir, CHIARO_PROJECT_STORE_OPEN_CREATE, &error);
  g_assert_null (store);
  assert_locked_by (error, dir, getppid ());
}

static void
test_lock_same_process (void)
{
  g_autofree char *path = chiaro_test_data_path ("project-store-lock-same-process");
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autofree char *dotted = g_build_filename (path, "..",
                                              "project-store-lock-same-process", NULL);
  g_autoptr(GFile) other_name = g_file_new_for_path (dotted);
  g_autoptr(ChiaroProjectStore) first = NULL;
  g_autoptr(ChiaroProjectStore) second = NULL;
  g_autoptr(GBytes) json = chiaro_test_bytes_from_string ("{}");
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      try_open_held_by_parent (path);
      return;
    }

  chiaro_test_remove_tree (path);
  first = open_ok (dir);

  second = chiaro_project_store_open (dir, CHIARO_PROJECT_STORE_OPEN_CREATE, &error);
  g_assert_null (second);
  assert_locked_by (error, dir, getpid ());
  g_clear_error (&error);

  /* The same folder by another path. */
  second = chiaro_project_store_open (other_name, CHIARO_PROJECT_STORE_OPEN_NONE, &error);
  g_assert_null (second);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_LOCKED);
  g_clear_error (&error);

  /* The refused attempts did not drop the real lock: another process is refused too. */
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  chiaro_project_store_close (first);
  g_assert_false (chiaro_project_store_write (first, json, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (chiaro_project_store_has_state (first));

  second = open_ok (dir);
  write_ok (second, "{}");
  g_clear_object (&second);

  /* Finalizing releases the lock as well. */
  second = open_ok (dir);
  g_clear_object (&second);
  second = open_ok (dir);
  g_clear_object (&second);

  chiaro_test_remove_tree (path);
}

static void
test_lock_other_process (void)
{
  g_autofree char *path = chiaro_test_data_path ("project-store-lock-other-process");
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(ChiaroProjectStore) store = NULL;

  if (g_test_subprocess ())
    {
      try_open_held_by_parent (path);
      return;
    }

  chiaro_test_remove_tree (path);
  store = open_ok (dir);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  g_clear_object (&store);
  chiaro_test_remove_tree (path);
}

static GPid
spawn_self (const char * const *args,
            int                *stdout_fd)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_ptr_array_add (argv, self_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                            NULL, NULL, &pid, NULL, stdout_fd, NULL, &error);
  g_assert_no_error (error);
  return pid;
}

/* Waits for the child to say it is ready (one line on its standard output). */
static void
wait_ready (int fd)
{
  char line[16] = { 0 };
  gsize got = 0;

  while (got < sizeof line - 1)
    {
      ssize_t n = read (fd, line + got, 1);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, ==, 1);
      if (line[got] == '\n')
        break;
      got++;
    }

  g_assert_cmpstr (line, ==, "ready\n");
}

static void
kill_and_reap (GPid pid)
{
  int status = 0;

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  g_spawn_close_pid (pid);
}

static void
test_lock_released_on_kill (Fixture       *f,
                            gconstpointer  data)
{
  const char *args[] = { "--hold-lock", f->path, NULL };
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lock_text = NULL;
  g_autofree char *pid_line = NULL;
  g_autofree char *lock = child_path (f, "lock");
  int out = -1;
  GPid pid;

  pid = spawn_self (args, &out);
  wait_ready (out);

  store = chiaro_project_store_open (f->dir, CHIARO_PROJECT_STORE_OPEN_NONE, &error);
  g_assert_null (store);
  assert_locked_by (error, f->dir, pid);
  g_clear_error (&error);

  lock_text = read_text (lock);
  pid_line = g_strdup_printf ("%d\n", (int) pid);
  g_assert_cmpstr (lock_text, ==, pid_line);

  kill_and_reap (pid);
  close (out);

  store = open_ok (f->dir);
  g_free (lock_text);
  g_free (pid_line);
  lock_text = read_text (lock);
  pid_line = g_strdup_printf ("%d\n", (int) getpid ());
  g_assert_cmpstr (lock_text, ==, pid_line);
  write_ok (store, "{\"after\": true}");
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
result_arrived (gpointer user_data)
{
  return *(GAsyncResult **) user_data != NULL;
}

static void
test_write_backup (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ChiaroProjectStore) store = open_ok (f->dir);
  g_autofree char *main_path = child_path (f, "project.json");
  g_autofree char *backup_path = child_path (f, "project.json.bak");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) json = chiaro_test_bytes_from_string ("{\"n\": 4}");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *text = NULL;
  GStatBuf st;

  write_ok (store, "{\"n\": 1}");
  g_assert_true (chiaro_project_store_has_state (store));
  text = read_text (main_path);
  g_assert_cmpstr (text, ==, "{\"n\": 1}");
  g_assert_cmpint (file_mode (main_path), ==, 0600);
  g_assert_false (g_file_test (backup_path, G_FILE_TEST_EXISTS));
  bytes = chiaro_project_store_read (store, CHIARO_PROJECT_FILE_BACKUP, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, backup_path));
  g_clear_error (&error);

  write_ok (store, "{\"n\": 2}");
  g_free (text);
  text = read_text (main_path);
  g_assert_cmpstr (text, ==, "{\"n\": 2}");
  g_free (text);
  text = read_text (backup_path);
  g_assert_cmpstr (text, ==, "{\"n\": 1}");
  g_assert_cmpint (file_mode (backup_path), ==, 0600);

  write_ok (store, "{\"n\": 3}");
  bytes = chiaro_project_store_read (store, CHIARO_PROJECT_FILE_MAIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "{\"n\": 3}", 8);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = chiaro_project_store_read (store, CHIARO_PROJECT_FILE_BACKUP, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "{\"n\": 2}", 8);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* The backup is another file, not a second name of the state. */
  g_assert_cmpint (g_stat (main_path, &st), ==, 0);
  g_assert_cmpuint (st.st_nlink, ==, 1);

  chiaro_project_store_write_async (store, json, NULL, on_written, &result);
  g_assert_true (chiaro_test_wait_until (result_arrived, &result, 30));
  g_assert_true (chiaro_project_store_write_finish (store, result, &error));
  g_assert_no_error (error);
  g_free (text);
  text = read_text (main_path);
  g_assert_cmpstr (text, ==, "{\"n\": 4}");
  g_free (text);
  text = read_text (backup_path);
  g_assert_cmpstr (text, ==, "{\"n\": 3}");

  /* Cancelled: nothing changes. */
  g_cancellable_cancel (cancellable);
  g_clear_object (&result);
  chiaro_project_store_write_async (store, json, cancellable, on_written, &result);
  g_assert_true (chiaro_test_wait_until (result_arrived, &result, 30));
  g_assert_false (chiaro_project_store_write_finish (store, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_free (text);
  text = read_text (backup_path);
  g_assert_cmpstr (text, ==, "{\"n\": 3}");

  /* No temporary file left behind. */
  g_free (text);
  text = list_dir (f->path);
  g_assert_cmpstr (text, ==, "lock project.json project.json.bak");

  /* The task may still hold the store for a moment after its callback. */
  g_clear_object (&result);
  chiaro_project_store_close (store);
}

static void
set_file_size_limit (rlim_t limit)
{
  struct rlimit rl;

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &rl), ==, 0);
  rl.rlim_cur = MIN (limit, rl.rlim_max);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &rl), ==, 0);
}

static void
raise_file_size_limit (void)
{
  struct rlimit rl;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &rl), ==, 0);
  rl.rlim_cur = rl.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &rl), ==, 0);
}

/* In a subprocess: an image the disk refuses keeps project.json from being saved. */
static void
run_pending_refused (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(ChiaroProjectStore) store = open_ok (dir);
  ChiaroImageStore *images = chiaro_project_store_get_images (store);
  g_autoptr(GBytes) jpeg = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Landscape_5.jpg");
  g_autoptr(GBytes) json = chiaro_test_bytes_from_string ("{\"n\": 2, \"image\": \"new\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *main_path = g_build_filename (path, "project.json", NULL);
  g_autofree char *backup_path = g_build_filename (path, "project.json.bak", NULL);
  g_autofree char *hash = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) loaded = NULL;

  write_ok (store, "{\"n\": 1}");

  set_file_size_limit (SMALL_FILE_LIMIT);
  hash = chiaro_image_store_add (images, jpeg, NULL, NULL, &error);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NO_SPACE);
  g_clear_error (&error);
  g_assert_true (chiaro_image_store_has_pending (images));

  /* The new state is small enough to be written: it is the image that stops it. */
  g_assert_false (chiaro_project_store_write (store, json, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, hash));
  g_clear_error (&error);
  text = read_text (main_path);
  g_assert_cmpstr (text, ==, "{\"n\": 1}");
  g_assert_false (g_file_test (backup_path, G_FILE_TEST_EXISTS));
  g_assert_true (chiaro_image_store_has_pending (images));

  raise_file_size_limit ();
  g_assert_true (chiaro_project_store_write (store, json, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (chiaro_image_store_has_pending (images));
  g_assert_true (chiaro_image_store_contains (images, hash, "image/jpeg"));
  g_free (text);
  text = read_text (main_path);
  g_assert_cmpstr (text, ==, "{\"n\": 2, \"image\": \"new\"}");
  g_free (text);
  text = read_text (backup_path);
  g_assert_cmpstr (text, ==, "{\"n\": 1}");

  /* The image is on disk, intact, now that nothing is pending. */
  loaded = chiaro_image_store_load (images, hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (loaded, jpeg));
}

static void
test_write_refused_pending (void)
{
  g_autofree char *path = chiaro_test_data_path ("project-store-write-refused-pending");

  if (g_test_subprocess ())
    {
      run_pending_refused (path);
      return;
    }

  chiaro_test_remove_tree (path);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  chiaro_test_remove_tree (path);
}

/* In a subprocess: project.json itself does not fit. */
static void
run_no_space (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(ChiaroProjectStore) store = open_ok (dir);
  g_autofree char *padding = g_strnfill (2 * SMALL_FILE_LIMIT, 'x');
  g_autoptr(GBytes) big = chiaro_test_bytes_printf ("{\"padding\": \"%s\"}", padding);
  g_autoptr(GError) error = NULL;
  g_autofree char *main_path = g_build_filename (path, "project.json", NULL);
  g_autofree char *backup_path = g_build_filename (path, "project.json.bak", NULL);
  g_autofree char *text = NULL;

  write_ok (store, "{\"n\": 1}");
  write_ok (store, "{\"n\": 2}");

  set_file_size_limit (SMALL_FILE_LIMIT);
  g_assert_false (chiaro_project_store_write (store, big, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, main_path));
  g_clear_error (&error);

  text = read_text (main_path);
  g_assert_cmpstr (text, ==, "{\"n\": 2}");
  g_free (text);
  text = read_text (backup_path);
  g_assert_cmpstr (text, ==, "{\"n\": 1}");
  g_free (text);
  text = list_dir (path);
  g_assert_cmpstr (text, ==, "lock project.json project.json.bak");

  raise_file_size_limit ();
  g_assert_true (chiaro_project_store_write (store, big, NULL, &error));
  g_assert_no_error (error);
  g_free (text);
  text = read_text (backup_path);
  g_assert_cmpstr (text, ==, "{\"n\": 2}");
}

static void
test_write_no_space (void)
{
  g_autofree char *path = chiaro_test_data_path ("project-store-write-no-space");

  if (g_test_subprocess ())
    {
      run_no_space (path);
      return;
    }

  chiaro_test_remove_tree (path);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  chiaro_test_remove_tree (path);
}

/* In a subprocess, as a user that file modes apply to. */
static void
run_read_only (const char *path)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(GBytes) json = chiaro_test_bytes_from_string ("{\"n\": 2}");
  g_autoptr(GFile) moved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *main_path = g_build_filename (path, "project.json", NULL);
  g_autofree char *text = NULL;

  if (geteuid () == 0)
    chiaro_test_drop_root ();

  dir = g_file_new_for_path (path);
  store = open_ok (dir);
  write_ok (store, "{\"n\": 1}");

  g_assert_cmpint (g_chmod (path, 0500), ==, 0);

  g_assert_false (chiaro_project_store_write (store, json, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, main_path));
  g_clear_error (&error);
  text = read_text (main_path);
  g_assert_cmpstr (text, ==, "{\"n\": 1}");

  g_assert_false (chiaro_project_store_set_aside (store, &moved, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_READ_ONLY);
  g_assert_null (moved);
  g_clear_error (&error);

  /* A file that cannot be read. */
  g_assert_cmpint (g_chmod (main_path, 0000), ==, 0);
  g_assert_null (chiaro_project_store_read (store, CHIARO_PROJECT_FILE_MAIN, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, main_path));
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (main_path, 0600), ==, 0);

  g_assert_cmpint (g_chmod (path, 0700), ==, 0);
  g_assert_true (chiaro_project_store_write (store, json, NULL, &error));
  g_assert_no_error (error);
  g_free (text);
  text = read_text (main_path);
  g_assert_cmpstr (text, ==, "{\"n\": 2}");
}

static void
test_write_read_only (void)
{
  g_autofree char *path = chiaro_test_data_path ("project-store-write-read-only");

  if (g_test_subprocess ())
    {
      run_read_only (path);
      return;
    }

  if (geteuid () == 0 && !chiaro_test_can_drop_root ())
    {
      g_test_skip ("running as root, which ignores file modes, and cannot change user");
      return;
    }

  chiaro_test_remove_tree (path);
  chiaro_test_make_dir_for_unprivileged (path);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  chiaro_test_remove_tree (path);
}

/* A complete document of the writer, and its number. */
static gint64
parse_document (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "padding")), ==,
                    WRITE_LOOP_PADDING);
  g_assert_true (json_object_get_boolean_member (object, "end"));
  return json_object_get_int_member (object, "n");
}

static void
test_kill_during_write (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autofree char *main_path = child_path (f, "project.json");
  g_autofree char *backup_path = child_path (f, "project.json.bak");
  g_autofree char *padding = g_strnfill (WRITE_LOOP_PADDING, 'p');
  g_autofree char *listing = NULL;
  g_autofree char *older = g_strdup_printf ("{\"n\": -1, \"padding\": \"%s\", \"end\": true}",
                                            padding);
  g_autofree char *initial = g_strdup_printf ("{\"n\": 0, \"padding\": \"%s\", \"end\": true}",
                                              padding);
  guint rounds_written = 0;

  store = open_ok (f->dir);
  write_ok (store, older);
  write_ok (store, initial);
  g_clear_object (&store);

  for (guint round = 1; round <= KILL_ROUNDS; round++)
    {
      g_autofree char *first = g_strdup_printf ("%u", round * 1000000);
      const char *args[] = { "--write-loop", f->path, first, NULL };
      int out = -1;
      gint64 n, backup_n;
      GPid pid;

      pid = spawn_self (args, &out);
      wait_ready (out);
      g_usleep (g_test_rand_int_range (0, 40000));
      kill_and_reap (pid);
      close (out);

      /* Whatever the moment: a complete state, and a complete backup no newer. */
      n = parse_document (main_path);
      backup_n = parse_document (backup_path);
      g_assert_cmpint (backup_n, <=, n);
      if (n >= round * 1000000)
        rounds_written++;
    }

  /* The kills did land while the writer was saving, not before it began. */
  g_test_message ("%u of %u rounds saved at least once", rounds_written, KILL_ROUNDS);
  g_assert_cmpuint (rounds_written, >, 0);

  /* The next save clears the temporary files the killed writers left. */
  store = open_ok (f->dir);
  write_ok (store, initial);
  listing = list_dir (f->path);
  g_assert_cmpstr (listing, ==, "lock project.json project.json.bak");
}

static void
test_set_aside (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ChiaroProjectStore) store = open_ok (f->dir);
  g_autoptr(GFile) moved = NULL;
  g_autoptr(GFile) moved_again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  g_autofree char *backup_path = child_path (f, "project.json.bak");

  write_ok (store, "{\"good\": true}");
  write_ok (store, "{\"trunc");

  g_assert_true (chiaro_project_store_set_aside (store, &moved, &error));
  g_assert_no_error (error);
  g_assert_false (chiaro_project_store_has_state (store));
  name = g_file_get_basename (moved);
  g_assert_true (g_str_has_prefix (name, "project.json.unreadable-"));
  text = read_text (g_file_peek_path (moved));
  g_assert_cmpstr (text, ==, "{\"trunc");
  g_free (text);
  text = read_text (backup_path);
  g_assert_cmpstr (text, ==, "{\"good\": true}");

  /* Nothing to set aside. */
  g_assert_false (chiaro_project_store_set_aside (store, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Twice in one second: another name, nothing overwritten. */
  write_ok (store, "{\"again");
  g_assert_true (chiaro_project_store_set_aside (store, &moved_again, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_equal (moved, moved_again));
  g_free (text);
  text = read_text (g_file_peek_path (moved));
  g_assert_cmpstr (text, ==, "{\"trunc");
  g_free (text);
  text = read_text (g_file_peek_path (moved_again));
  g_assert_cmpstr (text, ==, "{\"again");

  chiaro_project_store_close (store);
  g_assert_false (chiaro_project_store_set_aside (store, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
}

/* --hold-lock DIR: takes the lock, says so, and waits to be killed. */
static int
hold_lock (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroProjectStore) store = NULL;

  /* Never outlive a test that failed before killing this process. */
  alarm (CHILD_TIME_LIMIT);

  store = chiaro_project_store_open (dir, CHIARO_PROJECT_STORE_OPEN_CREATE, &error);
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

/* --write-loop DIR FIRST: saves numbered documents as fast as it can until killed. */
static int
write_loop (const char *path,
            const char *first)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autofree char *padding = g_strnfill (WRITE_LOOP_PADDING, 'p');
  gint64 n = g_ascii_strtoll (first, NULL, 10);

  alarm (CHILD_TIME_LIMIT);

  store = chiaro_project_store_open (dir, CHIARO_PROJECT_STORE_OPEN_NONE, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_print ("ready\n");
  fflush (stdout);

  for (;; n++)
    {
      g_autoptr(GBytes) json = NULL;

      json = chiaro_test_bytes_printf ("{\"n\": %" G_GINT64_FORMAT ", \"padding\": \"%s\", "
                                       "\"end\": true}", n, padding);
      if (!chiaro_project_store_write (store, json, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  self_path = g_canonicalize_filename (argv[0], NULL);

  if (argc == 3 && g_str_equal (argv[1], "--hold-lock"))
    return hold_lock (argv[2]);
  if (argc == 4 && g_str_equal (argv[1], "--write-loop"))
    return write_loop (argv[2], argv[3]);

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/chiaro/project-store/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("open", test_open);
  g_test_add_func ("/chiaro/project-store/lock-same-process", test_lock_same_process);
  g_test_add_func ("/chiaro/project-store/lock-other-process", test_lock_other_process);
  ADD ("lock-released-on-kill", test_lock_released_on_kill);
  ADD ("write-backup", test_write_backup);
  g_test_add_func ("/chiaro/project-store/write-refused-pending", test_write_refused_pending);
  g_test_add_func ("/chiaro/project-store/write-no-space", test_write_no_space);
  g_test_add_func ("/chiaro/project-store/write-read-only", test_write_read_only);
  ADD ("kill-during-write", test_kill_during_write);
  ADD ("set-aside", test_set_aside);

#undef ADD

  return g_test_run ();
}
