/* bench-util.h — what every benchmark shares: medians, timing, the results-table row
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The median of @n values (sorts @values in place). */
double      bench_median            (double     *values,
                                     guint       n);

/* Milliseconds since @start_us (a g_get_monotonic_time() value). */
double      bench_elapsed_ms        (gint64      start_us);

/* Prints the header of the results table once per process. */
void        bench_print_header      (void);

/* Prints one row: | figure | value | goal | pass/FAIL | machine | date |. The machine is
 * the processor count and model name with the load average of the last minute, the date
 * today's (local). */
void        bench_print_row         (const char *figure,
                                     const char *value,
                                     const char *goal,
                                     gboolean    pass);

/* A memory figure of this process from /proc/self/status ("VmRSS", "VmHWM") in MB, 0 when
 * unknown. */
double      bench_status_mb         (const char *key);

/* Deletes the folder @path and everything in it (symbolic links are not followed). */
void        bench_remove_tree       (const char *path);

/* A #GAsyncReadyCallback that keeps a reference to the result in the #GAsyncResult pointer
 * @user_data points to. */
void          bench_store_result    (GObject       *source,
                                     GAsyncResult  *result,
                                     gpointer       user_data);

/* Runs the default main context until bench_store_result() has filled @slot; returns it. */
GAsyncResult *bench_wait_for        (GAsyncResult **slot);

G_END_DECLS
