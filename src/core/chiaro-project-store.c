/* chiaro-project-store.c — one project folder on disk: lock, project.json, backup, images
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saving never leaves a moment without a complete project.json: the new state goes to a
 * temporary file first; the current file gets a second name (a hard link) which is renamed
 * over project.json.bak; only then is the temporary file renamed over project.json. A crash
 * at any point leaves the old or the new state in project.json, and a complete older one in
 * the backup.
 *
 * The lock is an fcntl lock, which the kernel drops when the process dies however it dies.
 * fcntl locks belong to the process, though, not to the descriptor: a second open in the
 * same process would be granted, and closing any descriptor of the lock file would silently
 * drop the lock. A process-wide table of locked folders (by canonical path) answers for this
 * process, and the lock file is opened only after the table has been checked.
 */

#define G_LOG_DOMAIN "chiaro-project-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chiaro-file-util.h"
#include "chiaro-project-error.h"

#include "chiaro-project-store.h"

#define STATE_NAME  "project.json"
#define BACKUP_NAME "project.json.bak"
#define LOCK_NAME   "lock"
/* The second name the current state gets before it becomes the backup. */
#define BACKUP_LINK_NAME "." BACKUP_NAME CHIARO_FILE_TEMP_MARK "link"
/* Tries at taking the lock when its holder lets it go just as we look. */
#define LOCK_ATTEMPTS 3

struct _ChiaroProjectStore
{
  GObject parent_instance;

  /* owned, fixed at construction */
  GFile            *dir;
  char             *path;
  char             *canonical_path;
  ChiaroImageStore *images;

  /* Serialises writes, set_aside and close. */
  GMutex   mutex;
  int      lock_fd;              /* -1 once closed */
  gboolean removed_temp_files;
};

G_DEFINE_FINAL_TYPE (ChiaroProjectStore, chiaro_project_store, G_TYPE_OBJECT)

/* Canonical paths of the folders this process holds the lock of. */
G_LOCK_DEFINE_STATIC (locked_dirs);
static GHashTable *locked_dirs;

typedef struct
{
  GBytes *json;
} WriteData;

static gboolean
reserve_dir (const char *canonical_path)
{
  gboolean reserved = FALSE;

  G_LOCK (locked_dirs);
  if (locked_dirs == NULL)
    locked_dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!g_hash_table_contains (locked_dirs, canonical_path))
    {
      g_hash_table_add (locked_dirs, g_strdup (canonical_path));
      reserved = TRUE;
    }
  G_UNLOCK (locked_dirs);

  return reserved;
}

static void
release_dir (const char *canonical_path)
{
  G_LOCK (locked_dirs);
  if (locked_dirs != NULL)
    g_hash_table_remove (locked_dirs, canonical_path);
  G_UNLOCK (locked_dirs);
}

static void
set_locked_error (GError     **error,
                  const char  *path,
                  pid_t        holder)
{
  if (holder == getpid ())
    g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_LOCKED,
                 /* Translators: %s is a folder, %d a process id */
                 _("The project “%s” is already open in this Chiaro (process %d)."),
                 path, (int) holder);
  else if (holder > 0)
    g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_LOCKED,
                 /* Translators: %s is a folder, %d a process id */
                 _("The project “%s” is open in another Chiaro (process %d). Close it there "
                   "first."),
                 path, (int) holder);
  else
    g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_LOCKED,
                 /* Translators: %s is a folder */
                 _("The project “%s” is open in another Chiaro. Close it there first."),
                 path);
}

/* The process holding a conflicting lock on @fd, or 0 when there is none now. */
static pid_t
find_lock_holder (int fd)
{
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };

  if (fcntl (fd, F_GETLK, &lock) != 0 || lock.l_type == F_UNLCK)
    return 0;

  return lock.l_pid;
}

/* Opens and locks the lock file; -1 with @error set when it cannot. */
static int
take_lock (const char  *dir_path,
           GError     **error)
{
  g_autofree char *lock_path = g_build_filename (dir_path, LOCK_NAME, NULL);
  g_autofree char *pid_text = NULL;
  pid_t holder = 0;
  int fd;

  fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      chiaro_file_set_write_error (error, errno, lock_path);
      return -1;
    }

  for (guint attempt = 0; attempt < LOCK_ATTEMPTS; attempt++)
    {
      struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
      int saved;

      if (fcntl (fd, F_SETLK, &lock) == 0)
        {
          /* The pid is for people looking at the folder; the lock is what counts. */
          pid_text = g_strdup_printf ("%d\n", (int) getpid ());
          if (ftruncate (fd, 0) != 0 || pwrite (fd, pid_text, strlen (pid_text), 0) < 0)
            g_debug ("pid not written to %s: %s", lock_path, g_strerror (errno));
          return fd;
        }

      saved = errno;
      if (saved != EACCES && saved != EAGAIN)
        {
          close (fd);
          chiaro_file_set_write_error (error, saved, lock_path);
          return -1;
        }

      if ((holder = find_lock_holder (fd)) > 0)
        break;
    }

  close (fd);
  set_locked_error (error, dir_path, holder);
  return -1;
}

static char *
file_path (ChiaroProjectStore *self,
           ChiaroProjectFile   which)
{
  return g_build_filename (self->path, which == CHIARO_PROJECT_FILE_BACKUP ? BACKUP_NAME
                                                                          : STATE_NAME,
                           NULL);
}

/* Temporary files left by a process that died while saving. Only the lock holder writes in
 * the folder, so every temporary file found once the lock is ours is such a leftover. */
static void
remove_temp_files (ChiaroProjectStore *self)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!(dir = g_dir_open (self->path, 0, NULL)))
    return;

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;

      if (!chiaro_file_is_temp_name (name))
        continue;

      path = g_build_filename (self->path, name, NULL);
      if (g_unlink (path) == 0)
        g_debug ("removed %s, left by an interrupted save", name);
    }
}

/* Gives the current project.json the name project.json.bak, keeping it as project.json. */
static gboolean
keep_backup (ChiaroProjectStore  *self,
             const char          *state_path,
             GError             **error)
{
  g_autofree char *backup_path = file_path (self, CHIARO_PROJECT_FILE_BACKUP);
  g_autofree char *link_path = g_build_filename (self->path, BACKUP_LINK_NAME, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) read_error = NULL;
  gsize size = 0;
  int saved;

  if (!g_file_test (state_path, G_FILE_TEST_EXISTS))
    return TRUE;

  g_unlink (link_path);
  if (link (state_path, link_path) == 0)
    {
      if (g_rename (link_path, backup_path) == 0)
        {
          /* When the backup already was this very file (a save interrupted just before its
           * last step), rename does nothing and leaves the second name behind. */
          g_unlink (link_path);
          return TRUE;
        }

      saved = errno;
      g_unlink (link_path);
      chiaro_file_set_write_error (error, saved, backup_path);
      return FALSE;
    }

  saved = errno;
  if (saved != EPERM && saved != ENOTSUP && saved != EOPNOTSUPP && saved != EXDEV &&
      saved != EMLINK && saved != ENOSYS)
    {
      chiaro_file_set_write_error (error, saved, backup_path);
      return FALSE;
    }

  /* A file system without hard links: copy instead, just as atomically. */
  if (!g_file_get_contents (state_path, &contents, &size, &read_error))
    {
      /* Translators: %s is a file path, then the system's own message */
      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO,
                   _("“%s” could not be read (%s)."), state_path, read_error->message);
      return FALSE;
    }

  return chiaro_file_write_atomic (backup_path, contents, size, error);
}

static gboolean
write_state (ChiaroProjectStore  *self,
             GBytes              *json,
             GError             **error)
{
  g_autofree char *state_path = file_path (self, CHIARO_PROJECT_FILE_MAIN);
  g_autofree char *temp_path = NULL;
  int saved;

  if (!(temp_path = chiaro_file_write_temp (state_path, g_bytes_get_data (json, NULL),
                                            g_bytes_get_size (json), error)))
    return FALSE;

  if (!keep_backup (self, state_path, error))
    {
      g_unlink (temp_path);
      return FALSE;
    }

  if (g_rename (temp_path, state_path) != 0)
    {
      saved = errno;
      g_unlink (temp_path);
      chiaro_file_set_write_error (error, saved, state_path);
      return FALSE;
    }

  return chiaro_file_sync_dir (self->path, error);
}

static gboolean
check_open (ChiaroProjectStore  *self,
            GError             **error)
{
  if (self->lock_fd >= 0)
    return TRUE;

  g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
               /* Translators: %s is a folder */
               _("The project “%s” has been closed, so it can no longer be saved."),
               self->path);
  return FALSE;
}

static void
chiaro_project_store_finalize (GObject *object)
{
  ChiaroProjectStore *self = (ChiaroProjectStore *) object;

  chiaro_project_store_close (self);

  g_clear_object (&self->dir);
  g_clear_object (&self->images);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->canonical_path, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (chiaro_project_store_parent_class)->finalize (object);
}

static void
chiaro_project_store_class_init (ChiaroProjectStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chiaro_project_store_finalize;
}

static void
chiaro_project_store_init (ChiaroProjectStore *self)
{
  g_mutex_init (&self->mutex);
  self->lock_fd = -1;
}

/**
 * chiaro_project_store_open:
 * @dir: the project folder
 * @flags: %CHIARO_PROJECT_STORE_OPEN_CREATE to make the folder (mode 0700) when missing
 * @error: a location for a #GError
 *
 * Takes the project's lock. No other I/O than making the folder and the lock file, so
 * reading the state is up to the caller. Blocks briefly.
 *
 * Returns: (transfer full): the store, or %NULL with @error set:
 *   %CHIARO_PROJECT_ERROR_LOCKED (naming the process holding the lock),
 *   %CHIARO_PROJECT_ERROR_NOT_FOUND (no folder, and not asked to create it), or a write
 *   error while making the folder or the lock file
 */
ChiaroProjectStore *
chiaro_project_store_open (GFile                        *dir,
                           ChiaroProjectStoreOpenFlags   flags,
                           GError                      **error)
{
  g_autoptr(ChiaroProjectStore) self = NULL;
  g_autofree char *path = NULL;
  char *canonical;

  g_return_val_if_fail (G_IS_FILE (dir), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(path = g_file_get_path (dir)))
    {
      g_autofree char *uri = g_file_get_uri (dir);

      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO,
                   /* Translators: %s is a location */
                   _("“%s” is not a local folder. Projects must be on this computer."), uri);
      return NULL;
    }

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if ((flags & CHIARO_PROJECT_STORE_OPEN_CREATE) == 0)
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND,
                       /* Translators: %s is a folder */
                       _("There is no project in “%s”."), path);
          return NULL;
        }

      if (!chiaro_file_make_private_dir (path, error))
        return NULL;
    }

  if (!(canonical = realpath (path, NULL)))
    {
      chiaro_file_set_write_error (error, errno, path);
      return NULL;
    }

  self = g_object_new (CHIARO_TYPE_PROJECT_STORE, NULL);
  self->dir = g_object_ref (dir);
  self->path = g_steal_pointer (&path);
  self->canonical_path = g_strdup (canonical);
  free (canonical);

  /* Checked before the lock file is opened: closing a descriptor of it in this process would
   * drop the lock the other store holds. */
  if (!reserve_dir (self->canonical_path))
    {
      set_locked_error (error, self->path, getpid ());
      return NULL;
    }

  if ((self->lock_fd = take_lock (self->path, error)) < 0)
    {
      release_dir (self->canonical_path);
      return NULL;
    }

  self->images = chiaro_image_store_new (dir);

  g_debug ("opened project %s", self->path);

  return g_steal_pointer (&self);
}

/**
 * chiaro_project_store_is_locked:
 * @dir: a project folder
 * @holder: (out) (optional): the process holding the lock, 0 when unknown or unlocked
 *
 * Looks at the lock without taking it, so a project list can say which projects are open
 * (here or in another Chiaro) while another process may be opening them. Folders that are
 * not there, or whose lock file cannot be read, count as unlocked. Blocks briefly.
 *
 * Returns: whether a store holds the lock of @dir now
 */
gboolean
chiaro_project_store_is_locked (GFile *dir,
                                int   *holder)
{
  g_autofree char *path = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *canonical_path = NULL;
  pid_t pid = 0;
  char *canonical;
  int fd;

  g_return_val_if_fail (G_IS_FILE (dir), FALSE);

  if (holder != NULL)
    *holder = 0;

  if (!(path = g_file_get_path (dir)) || !(canonical = realpath (path, NULL)))
    return FALSE;
  canonical_path = g_strdup (canonical);
  free (canonical);

  /* Held in this process; otherwise reserved while the lock file is open, since closing a
   * descriptor of it would drop a lock another thread of this process took meanwhile. */
  if (!reserve_dir (canonical_path))
    {
      if (holder != NULL)
        *holder = (int) getpid ();
      return TRUE;
    }

  lock_path = g_build_filename (path, LOCK_NAME, NULL);
  if ((fd = open (lock_path, O_RDONLY | O_CLOEXEC)) >= 0)
    {
      struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0,
                            .l_len = 0 };

      if (fcntl (fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK)
        pid = lock.l_pid > 0 ? lock.l_pid : -1;
      close (fd);
    }

  release_dir (canonical_path);

  if (holder != NULL && pid > 0)
    *holder = (int) pid;

  return pid != 0;
}

/**
 * chiaro_project_store_get_dir:
 * @self: a #ChiaroProjectStore
 *
 * Returns: (transfer none): the project folder
 */
GFile *
chiaro_project_store_get_dir (ChiaroProjectStore *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_STORE (self), NULL);

  return self->dir;
}

/**
 * chiaro_project_store_get_images:
 * @self: a #ChiaroProjectStore
 *
 * Returns: (transfer none): the project's images
 */
ChiaroImageStore *
chiaro_project_store_get_images (ChiaroProjectStore *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_STORE (self), NULL);

  return self->images;
}

/**
 * chiaro_project_store_get_file:
 * @self: a #ChiaroProjectStore
 * @which: the state or its backup
 *
 * Returns: (transfer full): `project.json` or `project.json.bak`
 */
GFile *
chiaro_project_store_get_file (ChiaroProjectStore *self,
                               ChiaroProjectFile   which)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (CHIARO_IS_PROJECT_STORE (self), NULL);

  path = file_path (self, which);
  return g_file_new_for_path (path);
}

/**
 * chiaro_project_store_has_state:
 * @self: a #ChiaroProjectStore
 *
 * Returns: whether project.json exists (a new project has none until it is first saved)
 */
gboolean
chiaro_project_store_has_state (ChiaroProjectStore *self)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (CHIARO_IS_PROJECT_STORE (self), FALSE);

  path = file_path (self, CHIARO_PROJECT_FILE_MAIN);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/**
 * chiaro_project_store_read:
 * @self: a #ChiaroProjectStore
 * @which: the state or its backup
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Reads the file as it is; parsing it is the caller's business. Blocks: call it on a worker.
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 *   (%CHIARO_PROJECT_ERROR_NOT_FOUND, %CHIARO_PROJECT_ERROR_IO)
 */
GBytes *
chiaro_project_store_read (ChiaroProjectStore  *self,
                           ChiaroProjectFile    which,
                           GCancellable        *cancellable,
                           GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  char *contents = NULL;
  gsize size = 0;

  g_return_val_if_fail (CHIARO_IS_PROJECT_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  path = file_path (self, which);
  if (!g_file_get_contents (path, &contents, &size, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND,
                     /* Translators: %s is a file path */
                     _("“%s” does not exist."), path);
      else
        g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO,
                     /* Translators: %s is a file path, then the system's own message */
                     _("“%s” could not be read (%s)."), path, local_error->message);
      return NULL;
    }

  return g_bytes_new_take (contents, size);
}

/**
 * chiaro_project_store_write:
 * @self: a #ChiaroProjectStore
 * @json: the new contents of project.json
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Saves the state: first every image pending in memory is written (the state must never
 * name an image that is not on disk), then project.json is replaced atomically, the file it
 * replaces becoming project.json.bak. When the images cannot all be written, project.json is
 * not touched. Never call it while project.json is a file that could not be read: set it
 * aside first (chiaro_project_store_set_aside()). Blocks: call it on a worker.
 *
 * Returns: whether the state is saved; on error (%CHIARO_PROJECT_ERROR_NO_SPACE, _READ_ONLY,
 *   _IO, _INVALID once closed) project.json is as it was
 */
gboolean
chiaro_project_store_write (ChiaroProjectStore  *self,
                            GBytes              *json,
                            GCancellable        *cancellable,
                            GError             **error)
{
  gboolean ok;

  g_return_val_if_fail (CHIARO_IS_PROJECT_STORE (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->mutex);

  ok = check_open (self, error) &&
       !g_cancellable_set_error_if_cancelled (cancellable, error) &&
       chiaro_image_store_flush (self->images, cancellable, error);

  if (ok && !self->removed_temp_files)
    {
      remove_temp_files (self);
      self->removed_temp_files = TRUE;
    }

  ok = ok && write_state (self, json, error);

  g_mutex_unlock (&self->mutex);

  if (ok)
    g_debug ("saved %s (%zu bytes)", self->path, g_bytes_get_size (json));

  return ok;
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ChiaroProjectStore *self = source_object;
  GBytes *json = task_data;
  GError *error = NULL;

  if (chiaro_project_store_write (self, json, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * chiaro_project_store_write_async:
 * @self: a #ChiaroProjectStore
 * @json: the new contents of project.json
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the state is saved or could not be
 * @user_data: data for @callback
 *
 * Saves on a worker, like chiaro_project_store_write(). Saves run one at a time, in order.
 */
void
chiaro_project_store_write_async (ChiaroProjectStore  *self,
                                  GBytes              *json,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CHIARO_IS_PROJECT_STORE (self));
  g_return_if_fail (json != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_project_store_write_async);
  g_task_set_name (task, "[chiaro] save project");
  g_task_set_task_data (task, g_bytes_ref (json), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, write_thread);
}

/**
 * chiaro_project_store_write_finish:
 * @self: a #ChiaroProjectStore
 * @result: the #GAsyncResult given to the callback
 * @error: a location for a #GError
 *
 * Returns: whether the state is saved
 */
gboolean
chiaro_project_store_write_finish (ChiaroProjectStore  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        chiaro_project_store_write_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * chiaro_project_store_set_aside:
 * @self: a #ChiaroProjectStore
 * @moved_to: (out) (optional) (transfer full): where the file went
 * @error: a location for a #GError
 *
 * Moves a project.json that could not be read to `project.json.unreadable-<time>`, so that
 * saving cannot overwrite it (whatever is in it may still be recovered by hand) and the
 * backup can be used in its place.
 *
 * Returns: whether the file was moved (%CHIARO_PROJECT_ERROR_NOT_FOUND when there is none,
 *   a write error, or %CHIARO_PROJECT_ERROR_INVALID once closed)
 */
gboolean
chiaro_project_store_set_aside (ChiaroProjectStore  *self,
                                GFile              **moved_to,
                                GError             **error)
{
  g_autofree char *state_path = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GDateTime) now = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (CHIARO_IS_PROJECT_STORE (self), FALSE);
  g_return_val_if_fail (moved_to == NULL || *moved_to == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->mutex);

  if (!check_open (self, error))
    goto out;

  state_path = file_path (self, CHIARO_PROJECT_FILE_MAIN);
  if (!g_file_test (state_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND,
                   _("“%s” does not exist."), state_path);
      goto out;
    }

  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  target = g_strdup_printf ("%s.unreadable-%s", state_path, stamp);
  for (guint i = 2; g_file_test (target, G_FILE_TEST_EXISTS); i++)
    {
      g_free (target);
      target = g_strdup_printf ("%s.unreadable-%s-%u", state_path, stamp, i);
    }

  if (g_rename (state_path, target) != 0)
    {
      chiaro_file_set_write_error (error, errno, state_path);
      goto out;
    }

  if (!chiaro_file_sync_dir (self->path, error))
    goto out;

  g_debug ("set aside %s as %s", state_path, target);

  if (moved_to != NULL)
    *moved_to = g_file_new_for_path (target);
  ok = TRUE;

out:
  g_mutex_unlock (&self->mutex);
  return ok;
}

/**
 * chiaro_project_store_close:
 * @self: a #ChiaroProjectStore
 *
 * Releases the lock: another process or store may open the project, and later writes here
 * fail. Waits for a write in progress to end. Also done on finalize.
 */
void
chiaro_project_store_close (ChiaroProjectStore *self)
{
  g_return_if_fail (CHIARO_IS_PROJECT_STORE (self));

  g_mutex_lock (&self->mutex);

  if (self->lock_fd >= 0)
    {
      /* The lock file stays: deleting it could let two processes lock two different files. */
      close (self->lock_fd);
      self->lock_fd = -1;
      release_dir (self->canonical_path);
      g_debug ("closed project %s", self->path);
    }

  g_mutex_unlock (&self->mutex);
}
