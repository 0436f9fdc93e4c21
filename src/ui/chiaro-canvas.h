/* chiaro-canvas.h — shows the current image, fitted to the available space
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CHIARO_TYPE_CANVAS (chiaro_canvas_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroCanvas, chiaro_canvas, CHIARO, CANVAS, GtkWidget)

GdkTexture *chiaro_canvas_get_texture         (ChiaroCanvas          *self);
void        chiaro_canvas_set_texture         (ChiaroCanvas          *self,
                                               GdkTexture            *texture);
void        chiaro_canvas_get_image_bounds    (ChiaroCanvas          *self,
                                               graphene_rect_t       *bounds);

G_END_DECLS
