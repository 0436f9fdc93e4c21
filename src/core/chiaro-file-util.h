/* chiaro-file-util.h — crash-safe file writes and private folders for the project store
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Used by the image store, the project store and the session. Errors are in
 * CHIARO_PROJECT_ERROR (NO_SPACE, READ_ONLY, IO) and name the file.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Temporary files are `.<name>.tmp-XXXXXX` beside the file they become. */
#define CHIARO_FILE_TEMP_MARK ".tmp-"

gboolean chiaro_file_make_private_dir (const char  *path,
                                       GError     **error);
char    *chiaro_file_write_temp       (const char  *path,
                                       const void  *data,
                                       gsize        size,
                                       GError     **error);
gboolean chiaro_file_write_atomic     (const char  *path,
                                       const void  *data,
                                       gsize        size,
                                       GError     **error);
gboolean chiaro_file_sync_dir         (const char  *dir_path,
                                       GError     **error);
gboolean chiaro_file_is_temp_name     (const char  *name);
void     chiaro_file_set_write_error  (GError     **error,
                                       int          errno_value,
                                       const char  *path);

G_END_DECLS
