/* bench-answers.h — the realistic 4K answers the answer benchmarks share
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

#define BENCH_ANSWER_SIDE 4096
/* Bump when the generated answers change, so stale ones are not reused. */
#define BENCH_ANSWER_VERSION 1

/* A whole file, or NULL when it cannot be read. */
GBytes     *bench_read_file         (const char  *path);

/* Writes @bytes to @path; aborts on failure. */
void        bench_write_file        (const char  *path,
                                     GBytes      *bytes);

/* The 4K answer of @extension ("png" or "jpg") in @work_dir: its image and its body, made
 * once from a photo-like picture (kept in *@photo for the next format) and then reused. */
void        bench_answer_prepare    (const char  *work_dir,
                                     const char  *extension,
                                     const char  *mime_type,
                                     GdkPixbuf  **photo,
                                     GBytes     **image,
                                     GBytes     **body,
                                     char       **body_path);

G_END_DECLS
