/* chiaro-project-error.c — errors of the document, its history and its project store
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-project"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-project-error.h"

G_DEFINE_QUARK (chiaro-project-error-quark, chiaro_project_error)

/**
 * chiaro_project_error_set_from_io:
 * @error: the error to set
 * @io_error: what GIO reported
 * @file: the file being written
 *
 * Turns a failed write into what the user can act on: a full disk, a folder they may not
 * write to, or anything else, naming the file. The GIO message is kept after the sentence.
 */
void
chiaro_project_error_set_from_io (GError       **error,
                                  const GError  *io_error,
                                  GFile         *file)
{
  g_autofree char *name = NULL;

  g_return_if_fail (io_error != NULL);
  g_return_if_fail (G_IS_FILE (file));

  name = g_file_get_parse_name (file);

  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    /* Translators: %s is a file path, then the system's own message */
    g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NO_SPACE,
                 _("The disk is full, so “%s” could not be saved. Your work is kept in memory "
                   "and will be saved when there is room (%s)."),
                 name, io_error->message);
  else if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
           g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_READ_ONLY))
    /* Translators: %s is a file path, then the system's own message */
    g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_READ_ONLY,
                 _("“%s” could not be saved because the folder cannot be written to. Your "
                   "work is kept in memory and will be saved when it can (%s)."),
                 name, io_error->message);
  else
    /* Translators: %s is a file path, then the system's own message */
    g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO,
                 _("“%s” could not be saved (%s). Your work is kept in memory."),
                 name, io_error->message);
}
