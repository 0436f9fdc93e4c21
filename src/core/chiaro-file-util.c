/* chiaro-file-util.c — crash-safe file writes and private folders for the project store
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file is written whole to a temporary file in the same folder, flushed to the disk, then
 * renamed over the old one, and the folder itself is flushed so the rename survives a power
 * cut. Whoever reads the file, at any moment and after any crash, sees either the old
 * contents or the new ones, never a mix. Plain POSIX calls are used rather than
 * GFileOutputStream, so the exact errno (a full disk, a file size limit) reaches the user.
 */

#define G_LOG_DOMAIN "chiaro-project"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chiaro-project-error.h"

#include "chiaro-file-util.h"

/* Written in pieces so that a huge buffer never meets a short-write corner case at once. */
#define WRITE_CHUNK (1024 * 1024)

/**
 * chiaro_file_set_write_error:
 * @error: the error to set
 * @errno_value: what the system call left in errno
 * @path: the file being written
 *
 * Sets a CHIARO_PROJECT_ERROR naming @path. A quota and the per-process file size limit are
 * reported as a full disk: for the user they mean the same, and the same retry applies.
 */
void
chiaro_file_set_write_error (GError     **error,
                             int          errno_value,
                             const char  *path)
{
  g_autoptr(GError) io_error = NULL;
  g_autoptr(GFile) file = NULL;
  int code;

  if (errno_value == ENOSPC || errno_value == EDQUOT || errno_value == EFBIG)
    code = G_IO_ERROR_NO_SPACE;
  else
    code = g_io_error_from_errno (errno_value);

  io_error = g_error_new_literal (G_IO_ERROR, code, g_strerror (errno_value));
  file = g_file_new_for_path (path);
  chiaro_project_error_set_from_io (error, io_error, file);
}

/**
 * chiaro_file_make_private_dir:
 * @path: a folder
 * @error: a location for a #GError
 *
 * Makes @path (and missing parents) readable by the user only, mode 0700. An existing folder
 * is left as it is.
 *
 * Returns: whether @path is now a folder
 */
gboolean
chiaro_file_make_private_dir (const char  *path,
                              GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return TRUE;

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      chiaro_file_set_write_error (error, errno, path);
      return FALSE;
    }

  /* mkdir applies the umask; the folder must be 0700 whatever it is. */
  if (g_chmod (path, 0700) != 0)
    {
      chiaro_file_set_write_error (error, errno, path);
      return FALSE;
    }

  return TRUE;
}

/**
 * chiaro_file_sync_dir:
 * @dir_path: a folder
 * @error: a location for a #GError
 *
 * Flushes the folder's entries to the disk, so that a file just renamed into it stays there
 * after a power cut. File systems that cannot do this are not an error.
 *
 * Returns: %FALSE when the disk reported a failure
 */
gboolean
chiaro_file_sync_dir (const char  *dir_path,
                      GError     **error)
{
  int fd;
  int saved;

  g_return_val_if_fail (dir_path != NULL, FALSE);

  fd = open (dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      chiaro_file_set_write_error (error, errno, dir_path);
      return FALSE;
    }

  if (fsync (fd) != 0 && errno != EINVAL && errno != EROFS && errno != ENOTSUP)
    {
      saved = errno;
      close (fd);
      chiaro_file_set_write_error (error, saved, dir_path);
      return FALSE;
    }

  close (fd);
  return TRUE;
}

/**
 * chiaro_file_write_temp:
 * @path: the file the contents are meant for
 * @data: (array length=size): the contents
 * @size: the size of @data
 * @error: a location for a #GError
 *
 * Writes @data to a new temporary file beside @path, mode 0600, and flushes it to the disk.
 * On failure nothing is left behind. Blocks: call it on a worker thread.
 *
 * Returns: (transfer full) (nullable): the temporary file's path, for the caller to rename
 *   over @path (or to delete)
 */
char *
chiaro_file_write_temp (const char  *path,
                        const void  *data,
                        gsize        size,
                        GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *temp_path = NULL;
  const char *p = data;
  gsize left = size;
  int fd;
  int saved;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (data != NULL || size == 0, NULL);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  temp_path = g_strdup_printf ("%s%c.%s" CHIARO_FILE_TEMP_MARK "XXXXXX",
                               dir, G_DIR_SEPARATOR, base);

  fd = g_mkstemp_full (temp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      chiaro_file_set_write_error (error, errno, path);
      return NULL;
    }

  while (left > 0)
    {
      ssize_t written = write (fd, p, MIN (left, (gsize) WRITE_CHUNK));

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          goto failed;
        }

      p += written;
      left -= (gsize) written;
    }

  while (fsync (fd) != 0)
    {
      if (errno != EINTR)
        goto failed;
    }

  /* close can report a delayed write error (network file systems do). */
  if (close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }

  return g_steal_pointer (&temp_path);

failed:
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (temp_path);
  chiaro_file_set_write_error (error, saved, path);
  return NULL;
}

/**
 * chiaro_file_write_atomic:
 * @path: the file to replace or create
 * @data: (array length=size): its new contents
 * @size: the size of @data
 * @error: a location for a #GError
 *
 * Replaces @path with @data, mode 0600: temporary file in the same folder, fsync, rename,
 * fsync of the folder. On failure the temporary file is removed and @path is unchanged.
 * Blocks: call it on a worker thread.
 *
 * Returns: whether @path now holds @data
 */
gboolean
chiaro_file_write_atomic (const char  *path,
                          const void  *data,
                          gsize        size,
                          GError     **error)
{
  g_autofree char *temp_path = NULL;
  g_autofree char *dir = NULL;
  int saved;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  if (!(temp_path = chiaro_file_write_temp (path, data, size, error)))
    return FALSE;

  if (g_rename (temp_path, path) != 0)
    {
      saved = errno;
      g_unlink (temp_path);
      chiaro_file_set_write_error (error, saved, path);
      return FALSE;
    }

  dir = g_path_get_dirname (path);
  return chiaro_file_sync_dir (dir, error);
}

/**
 * chiaro_file_is_temp_name:
 * @name: a file name, without folder
 *
 * Returns: whether @name is a temporary file of chiaro_file_write_atomic(), which is left
 *   behind only when the process died while writing it
 */
gboolean
chiaro_file_is_temp_name (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return name[0] == '.' && strstr (name, CHIARO_FILE_TEMP_MARK) != NULL;
}
