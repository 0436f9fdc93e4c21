/* chiaro-cli.h — the chiaro-cli commands
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "chiaro-document.h"
#include "chiaro-image.h"
#include "chiaro-project-state.h"

G_BEGIN_DECLS

/* Exit statuses: DESIGN §8. Scripts depend on them. */
typedef enum
{
  CHIARO_CLI_EXIT_OK = 0,
  CHIARO_CLI_EXIT_USAGE = 2,
  CHIARO_CLI_EXIT_INPUT = 3,
  CHIARO_CLI_EXIT_REFUSED = 4,
  CHIARO_CLI_EXIT_FAILED = 5,
  CHIARO_CLI_EXIT_INTERRUPTED = 130,
} ChiaroCliExit;

int             chiaro_cli_run                   (int                      argc,
                                                  char                   **argv);
int             chiaro_cli_generate_command      (int                      argc,
                                                  char                   **argv);
int             chiaro_cli_project_command       (int                      argc,
                                                  char                   **argv);
int             chiaro_cli_export_command        (int                      argc,
                                                  char                   **argv);

/* Shared by the commands. */
ChiaroImage    *chiaro_cli_load_image            (GFile                   *file,
                                                  GCancellable            *cancellable,
                                                  GError                 **error);
int             chiaro_cli_exit_status_for_error (const GError            *error);
void            chiaro_cli_json_add_string       (JsonBuilder             *builder,
                                                  const char              *name,
                                                  const char              *value);
void            chiaro_cli_print_json            (JsonBuilder             *builder);
/* Runs the main context until the async call that was given chiaro_cli_store_result and
 * @result as its callback and data has finished. */
void            chiaro_cli_store_result          (GObject                 *source,
                                                  GAsyncResult            *res,
                                                  gpointer                 user_data);
void            chiaro_cli_wait                  (GAsyncResult           **result);
/* Opens a project folder for writing (chiaro-cli-project.c); says on stderr when the backup
 * was loaded. */
ChiaroDocument *chiaro_cli_open_project          (const char              *command,
                                                  GFile                   *dir,
                                                  ChiaroDocumentOpenFlags  flags,
                                                  ChiaroModelCatalog      *catalog,
                                                  GError                 **error);
/* Reads a project without taking its lock (chiaro-cli-project.c); project.json, else the
 * backup, saying so on stderr. @read_from: (out) the file's name. */
ChiaroProjectState *chiaro_cli_read_project_state (const char             *command,
                                                   GFile                  *dir,
                                                   char                  **read_from,
                                                   GError                **error);
/* Saves, then releases the lock. */
gboolean        chiaro_cli_close_project         (ChiaroDocument          *document,
                                                  GError                 **error);

G_END_DECLS
