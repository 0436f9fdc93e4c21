/* chiaro-thumbnail.h — a stored image's thumbnail, loaded off the main thread
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "chiaro-image-store.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_THUMBNAIL (chiaro_thumbnail_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroThumbnail, chiaro_thumbnail, CHIARO, THUMBNAIL, GtkWidget)

GtkWidget  *chiaro_thumbnail_new         (ChiaroImageStore *images,
                                          const char       *hash,
                                          const char       *mime_type,
                                          int               width,
                                          int               height,
                                          const char       *description);
const char *chiaro_thumbnail_get_hash    (ChiaroThumbnail  *self);
GdkTexture *chiaro_thumbnail_get_texture (ChiaroThumbnail  *self);
gboolean    chiaro_thumbnail_get_failed  (ChiaroThumbnail  *self);

G_END_DECLS
