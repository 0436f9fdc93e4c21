/* chiaro-project-error.h — errors of the document, its history and its project store
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHIARO_PROJECT_ERROR (chiaro_project_error_quark ())

/* Every message is translated and meant for users; it names the project folder or file. */
typedef enum
{
  CHIARO_PROJECT_ERROR_LOCKED,            /* another process is writing this project */
  CHIARO_PROJECT_ERROR_NOT_FOUND,         /* no project.json (and not asked to create one) */
  CHIARO_PROJECT_ERROR_CORRUPT,           /* project.json cannot be read; never overwritten */
  CHIARO_PROJECT_ERROR_NEWER_VERSION,     /* written by a newer Chiaro; never overwritten */
  CHIARO_PROJECT_ERROR_MISSING_IMAGE,     /* an image file is gone or its bytes changed */
  CHIARO_PROJECT_ERROR_NO_SPACE,          /* the disk is full; kept in memory, retried */
  CHIARO_PROJECT_ERROR_READ_ONLY,         /* no permission or a read-only disk; retried */
  CHIARO_PROJECT_ERROR_IO,                /* any other read or write failure */
  CHIARO_PROJECT_ERROR_REFERENCES_FULL,   /* the tray holds the model's limit already */
  CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE,/* that image is in the tray already */
  CHIARO_PROJECT_ERROR_INVALID,           /* an operation that makes no sense here: deleting
                                           * the root, undo at the root, sending nothing… */
} ChiaroProjectError;

GQuark chiaro_project_error_quark (void);

/* Maps a GIO error from writing under @file to NO_SPACE, READ_ONLY or IO, keeping the
 * detail, with a message that names @file. */
void   chiaro_project_error_set_from_io (GError     **error,
                                         const GError *io_error,
                                         GFile       *file);

G_END_DECLS
