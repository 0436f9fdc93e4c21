/* chiaro-cli.h — the chiaro-cli commands
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

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

int chiaro_cli_run              (int    argc,
                                 char **argv);
int chiaro_cli_generate_command (int    argc,
                                 char **argv);

G_END_DECLS
