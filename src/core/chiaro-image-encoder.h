/* chiaro-image-encoder.h — encode pixels to fit a size and a byte budget
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* Below this long side an image is no use to anyone; a budget that needs less fails. */
#define CHIARO_IMAGE_ENCODER_MIN_LONG_SIDE 64

gboolean  chiaro_image_encoder_has_transparency (GdkPixbuf     *pixbuf);
GBytes   *chiaro_image_encoder_encode           (GdkPixbuf     *pixbuf,
                                                 int            max_long_side,
                                                 gsize          max_bytes,
                                                 GCancellable  *cancellable,
                                                 const char   **mime_type,
                                                 int           *width,
                                                 int           *height,
                                                 gboolean      *squeezed,
                                                 GError       **error);

G_END_DECLS
