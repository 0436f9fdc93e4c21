/* chiaro-mock-images.h — the pictures the mock answers with, made and cached
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHIARO_TYPE_MOCK_IMAGES (chiaro_mock_images_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroMockImages, chiaro_mock_images, CHIARO, MOCK_IMAGES, GObject)

ChiaroMockImages *chiaro_mock_images_new                (void);
GBytes           *chiaro_mock_images_render             (ChiaroMockImages  *self,
                                                         const char        *format,
                                                         int                width,
                                                         int                height,
                                                         guint32            seed,
                                                         const char        *stamp,
                                                         GError           **error);
gboolean          chiaro_mock_images_format_is_writable (const char        *format);
const char       *chiaro_mock_images_format_mime_type   (const char        *format);
gboolean          chiaro_mock_images_probe_size         (GBytes            *bytes,
                                                         int               *width,
                                                         int               *height);
GBytes           *chiaro_mock_images_png_header         (guint32            width,
                                                         guint32            height);

G_END_DECLS
