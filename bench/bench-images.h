/* bench-images.h — generated camera photos for the benchmarks
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A photo-like @width×@height JPEG (quality 90): smooth gradients turned and tinted by @seed,
 * with fine grain, so it has a camera's size (about 4 MB for 12 MP). Stored with an EXIF
 * block holding only @orientation (1–8) when @orientation is not 0. */
GBytes     *bench_make_camera_jpeg  (int     width,
                                     int     height,
                                     guint32 seed,
                                     guint8  orientation);

/* @jpeg with its EXIF orientation set to @orientation and a comment naming @index, so the
 * bytes (and their hash) differ while the pixels stay: several references from one
 * encoding. @jpeg must come from bench_make_camera_jpeg() with an orientation. */
GBytes     *bench_restamp_jpeg      (GBytes *jpeg,
                                     guint8  orientation,
                                     guint   index);

G_END_DECLS
