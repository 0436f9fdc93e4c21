/* bench-util.c — what every benchmark shares: medians, timing, the results-table row
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench-util.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_median (double *values,
              guint   n)
{
  g_return_val_if_fail (n > 0, 0);

  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double
bench_elapsed_ms (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000.0;
}

void
bench_print_header (void)
{
  static gboolean printed;

  if (printed)
    return;
  printed = TRUE;
  g_print ("| figure | value | goal | result | machine | date |\n");
  g_print ("|---|---|---|---|---|---|\n");
}

/* "2 cores, Intel(R) Xeon(R) …" from /proc/cpuinfo, or only the cores. */
static char *
machine_description (void)
{
  g_autofree char *cpuinfo = NULL;
  guint cores = g_get_num_processors ();

  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    {
      for (char *line = cpuinfo; line && *line; )
        {
          char *next = strchr (line, '\n');

          if (next)
            *next++ = '\0';
          if (g_str_has_prefix (line, "model name"))
            {
              const char *colon = strchr (line, ':');

              if (colon)
                return g_strdup_printf ("%u cores, %s", cores, g_strstrip ((char *) colon + 1));
            }
          line = next;
        }
    }

  return g_strdup_printf ("%u cores", cores);
}

void
bench_print_row (const char *figure,
                 const char *value,
                 const char *goal,
                 gboolean    pass)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%F");
  g_autofree char *machine = machine_description ();
  g_autofree char *loadavg = NULL;
  double load = -1;

  /* How busy the machine was: on a shared one, that explains many a figure. */
  if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    load = g_ascii_strtod (loadavg, NULL);

  bench_print_header ();
  if (load >= 0)
    g_print ("| %s | %s | %s | %s | %s, load %.1f | %s |\n", figure, value, goal,
             pass ? "pass" : "FAIL", machine, load, date);
  else
    g_print ("| %s | %s | %s | %s | %s | %s |\n", figure, value, goal, pass ? "pass" : "FAIL",
             machine, date);
}

double
bench_status_mb (const char *key)
{
  g_autofree char *status = NULL;
  g_autofree char *prefix = g_strconcat (key, ":", NULL);
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, prefix);
  if (line == NULL)
    return 0;

  return g_ascii_strtoull (line + strlen (prefix), NULL, 10) / 1024.0;
}

void
bench_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        bench_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
bench_store_result (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
bench_wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}
