/* main.c — starts chiaro-cli
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chiaro-cli.h"

int
main (int   argc,
      char *argv[])
{
  return chiaro_cli_run (argc, argv);
}
