/* bench-mock.h — the mock Gemini server in a process of its own, for benchmarks
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  char        *url;
} BenchMock;

/* Starts chiaro-mock-server (the path in $CHIARO_MOCK_SERVER) with @args (NULL-terminated,
 * e.g. "--delay-ms", "2000") and waits until it listens. A server of its own keeps the
 * answer's encoding and the delays off the measured process's main loop and processors'
 * scheduling queue as far as one machine allows. Aborts when it cannot start. */
void        bench_mock_start        (BenchMock          *mock,
                                     const char * const *args);
void        bench_mock_stop         (BenchMock          *mock);

G_END_DECLS
