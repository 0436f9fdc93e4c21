/* chiaro-project-store.h — one project folder on disk: lock, project.json, backup, images
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout (DESIGN §6): project.json, project.json.bak (the last good state), images/,
 * thumbs/, and a lock file. The folder is created 0700, files 0600.
 *
 * The lock is an fcntl lock on `lock`, so it goes with the process however it dies; a
 * second process (or a second ChiaroProjectStore in this one) gets
 * CHIARO_PROJECT_ERROR_LOCKED naming the holder's pid.
 *
 * Saving writes project.json atomically (temporary file, fsync, rename) and only after
 * every pending image has reached the disk; the file it replaces becomes the backup.
 * A project.json that could not be read is never overwritten: chiaro_project_store_
 * set_aside moves it away (project.json.unreadable-<time>) before the backup is used.
 */

#pragma once

#include "chiaro-image-store.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PROJECT_STORE (chiaro_project_store_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroProjectStore, chiaro_project_store, CHIARO, PROJECT_STORE, GObject)

typedef enum
{
  CHIARO_PROJECT_STORE_OPEN_NONE   = 0,
  CHIARO_PROJECT_STORE_OPEN_CREATE = 1 << 0,   /* make the folder when it does not exist */
} ChiaroProjectStoreOpenFlags;

typedef enum
{
  CHIARO_PROJECT_FILE_MAIN,     /* project.json */
  CHIARO_PROJECT_FILE_BACKUP,   /* project.json.bak */
} ChiaroProjectFile;

/* Takes the lock. Does no other I/O than making the folder and the lock file. */
ChiaroProjectStore *chiaro_project_store_open        (GFile                       *dir,
                                                      ChiaroProjectStoreOpenFlags  flags,
                                                      GError                     **error);
/* Whether some store (in this process or another) holds @dir's lock right now, without
 * taking it. @holder: (out) (optional) the holder's pid, 0 when unknown. Blocks briefly. */
gboolean            chiaro_project_store_is_locked   (GFile                       *dir,
                                                      int                         *holder);
GFile              *chiaro_project_store_get_dir     (ChiaroProjectStore          *self);
ChiaroImageStore   *chiaro_project_store_get_images  (ChiaroProjectStore          *self);
GFile              *chiaro_project_store_get_file    (ChiaroProjectStore          *self,
                                                      ChiaroProjectFile            which);
/* TRUE when project.json exists (a new folder has none until the first save). */
gboolean            chiaro_project_store_has_state   (ChiaroProjectStore          *self);

/* The bytes of project.json or of the backup (CHIARO_PROJECT_ERROR_NOT_FOUND, _IO). */
GBytes             *chiaro_project_store_read        (ChiaroProjectStore          *self,
                                                      ChiaroProjectFile            which,
                                                      GCancellable                *cancellable,
                                                      GError                     **error);
/* Flushes pending images, then replaces project.json with @json and keeps the old one as
 * the backup. Errors: CHIARO_PROJECT_ERROR_NO_SPACE, _READ_ONLY, _IO; on error the files on
 * disk are as they were. Synchronous (worker threads) and _async. */
gboolean            chiaro_project_store_write       (ChiaroProjectStore          *self,
                                                      GBytes                      *json,
                                                      GCancellable                *cancellable,
                                                      GError                     **error);
void                chiaro_project_store_write_async (ChiaroProjectStore          *self,
                                                      GBytes                      *json,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
gboolean            chiaro_project_store_write_finish (ChiaroProjectStore         *self,
                                                       GAsyncResult               *result,
                                                       GError                    **error);
/* Renames an unreadable project.json out of the way. @moved_to: (out) (optional) */
gboolean            chiaro_project_store_set_aside   (ChiaroProjectStore          *self,
                                                      GFile                      **moved_to,
                                                      GError                     **error);
/* Releases the lock; later writes fail. Also done on finalize. */
void                chiaro_project_store_close       (ChiaroProjectStore          *self);

G_END_DECLS
