/* chiaro-mime.h — recognise image formats by their bytes
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *chiaro_mime_sniff             (const guint8 *data,
                                           gsize         size);
const char *chiaro_mime_sniff_bytes       (GBytes       *bytes);
const char *chiaro_mime_get_extension     (const char   *mime_type);
gboolean    chiaro_mime_looks_complete    (const guint8 *data,
                                           gsize         size,
                                           const char   *mime_type);
gboolean    chiaro_mime_next_jpeg_segment (const guint8 *data,
                                           gsize         size,
                                           gsize        *offset,
                                           guint8       *marker,
                                           gsize        *payload_offset,
                                           gsize        *payload_size);

G_END_DECLS
