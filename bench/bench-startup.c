/* bench-startup.c — process start to the first frame of the real application
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN §11 sets no start-up figure; the goal here is 1 s, the limit under which a response
 * still feels immediate to a user (Nielsen's response-time limits, which GNOME's own
 * performance work quotes), on this 2-core machine under Xvfb with its default renderer.
 *
 * It starts the installed-like binary (src/chiaro) with CHIARO_EXIT_AFTER_FIRST_FRAME set,
 * which makes the first window print "first frame" once it has painted and quit (see
 * chiaro-application.c), and times from just before the process is spawned to that line:
 * dynamic loading, GTK and libadwaita start-up, settings, the model catalog, the session and
 * the first window laid out and painted. Each run has a fresh home (no session to restore,
 * no caches), and the key comes from the environment so the keyring is never asked. The
 * first run (shader compiles, cold page cache) is reported on its own; the figure is the
 * median of the runs after it.
 */

#include <glib/gstdio.h>

#include <gio/gio.h>

#include "bench-util.h"

#define RUNS    7
#define GOAL_MS 1000.0

static double
run_once (const char *app,
          const char *home)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  gint64 start;
  double elapsed;

  bench_remove_tree (home);
  g_mkdir_with_parents (home, 0700);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "CHIARO_API_KEY", "bench-key", TRUE);
  g_subprocess_launcher_setenv (launcher, "CHIARO_EXIT_AFTER_FIRST_FRAME", "1", TRUE);

  start = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawn (launcher, &error, app, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, &error)) != NULL &&
         !g_str_equal (line, "first frame"))
    g_clear_pointer (&line, g_free);
  elapsed = bench_elapsed_ms (start);
  g_assert_no_error (error);
  if (line == NULL)
    g_error ("%s ended without painting a frame", app);

  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  return elapsed;
}

int
main (int   argc,
      char *argv[])
{
  const char *app = g_getenv ("CHIARO_APP");
  g_autofree char *home = g_build_filename (g_get_current_dir (), "bench-startup-home", NULL);
  g_autofree char *value = NULL;
  double times[RUNS], first;

  if (app == NULL)
    g_error ("CHIARO_APP is not set: run the benchmarks with meson test --benchmark");
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("no display: run under xvfb-run (build-aux/dev bench does)\n");
      return 77;
    }

  first = run_once (app, home);
  g_printerr ("first run: %.0f ms\n", first);
  for (guint i = 0; i < RUNS; i++)
    {
      times[i] = run_once (app, home);
      g_printerr ("run %u: %.0f ms\n", i + 1, times[i]);
    }
  bench_remove_tree (home);

  value = g_strdup_printf ("%.0f ms median of %u (first run %.0f ms)",
                           bench_median (times, RUNS), RUNS, first);
  bench_print_row ("start-up: process start to the first frame of the window (Xvfb, default "
                   "renderer)", value, "< 1000 ms", bench_median (times, RUNS) < GOAL_MS);
  return 0;
}
