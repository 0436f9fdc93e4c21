/* chiaro-test-decode.c — says which image files decode completely, for the script tests
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * check-cli-bad-files.py needs the truth about files only a decode can judge (libpng's
 * crashers): it asks this program, which decodes each file at full size, the way the window
 * shows a photo, and prints one line per file: "decodes", "undecodable" (its header is sound,
 * its data is not) or "refused" (by its header already). The CLI under test
 * checks its inputs in its own way (a decode at a thumbnail's size); the two must agree.
 */

#define G_LOG_DOMAIN "chiaro-test-decode"

#include "config.h"

#include <gio/gio.h>

#include "chiaro-image.h"

int
main (int   argc,
      char *argv[])
{
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autoptr(ChiaroImage) image = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;

      if ((image = chiaro_image_new_from_file (file, NULL, NULL)))
        pixbuf = chiaro_image_decode (image, NULL, NULL);
      g_print ("%s\n", pixbuf != NULL ? "decodes" : image != NULL ? "undecodable" : "refused");
    }

  return 0;
}
