/* bench-mock.c — the mock Gemini server in a process of its own, for benchmarks
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench-mock.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

/* In the server's process before it starts: a benchmark that fails (an assertion aborts it)
 * takes its server with it, rather than leaving it holding meson's output pipe open. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

void
bench_mock_start (BenchMock          *mock,
                  const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *path = g_getenv ("CHIARO_MOCK_SERVER");

  if (path == NULL)
    g_error ("CHIARO_MOCK_SERVER is not set: run the benchmarks with meson test --benchmark");

  g_ptr_array_add (argv, (gpointer) path);
  g_ptr_array_add (argv, (gpointer) "--port=0");
  if (g_getenv ("CHIARO_DISCOVERY_PATH") != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--discovery");
      g_ptr_array_add (argv, (gpointer) g_getenv ("CHIARO_DISCOVERY_PATH"));
    }
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  mock->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                &error);
  if (mock->process == NULL)
    g_error ("Cannot start %s: %s", path, error->message);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (mock->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("The mock server did not start: %s", error != NULL ? error->message : line);

  mock->url = g_strdup (line + strlen ("listening on "));
}

void
bench_mock_stop (BenchMock *mock)
{
  if (mock->process != NULL)
    {
      g_subprocess_send_signal (mock->process, SIGTERM);
      g_subprocess_wait (mock->process, NULL, NULL);
    }
  g_clear_object (&mock->process);
  g_clear_pointer (&mock->url, g_free);
}
