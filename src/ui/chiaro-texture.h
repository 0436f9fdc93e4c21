/* chiaro-texture.h — thumbnails as textures of the size they are shown at
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GdkTexture *chiaro_texture_new_for_size (GdkPixbuf     *pixbuf,
                                         int            width,
                                         int            height,
                                         int            scale_factor,
                                         GtkContentFit  fit);

G_END_DECLS
