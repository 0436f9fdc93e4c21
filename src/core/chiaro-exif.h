/* chiaro-exif.h — read the EXIF orientation of an image without decoding it
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint chiaro_exif_get_orientation (const guint8 *data,
                                   gsize         size,
                                   const char   *mime_type);

G_END_DECLS
