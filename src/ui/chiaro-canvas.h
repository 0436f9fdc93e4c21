/* chiaro-canvas.h — shows the current image: zoom, pan and the compare views
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * ChiaroCompareMode:
 * @CHIARO_COMPARE_MODE_NONE: only the current image
 * @CHIARO_COMPARE_MODE_HOLD: the current image; pressing and holding the secondary button
 *   (or a long touch) shows the other one until released
 * @CHIARO_COMPARE_MODE_SPLIT: a draggable vertical split: the other image on the left, the
 *   current one on the right
 * @CHIARO_COMPARE_MODE_SIDE_BY_SIDE: the other image on the left and the current one on the
 *   right, each in half of the canvas, at the same zoom
 * @CHIARO_COMPARE_MODE_DIFFERENCE: a heat map of what changed, over a dimmed grey copy of the
 *   current image
 *
 * How the canvas shows the compare texture beside the current one.
 */
typedef enum
{
  CHIARO_COMPARE_MODE_NONE,
  CHIARO_COMPARE_MODE_HOLD,
  CHIARO_COMPARE_MODE_SPLIT,
  CHIARO_COMPARE_MODE_SIDE_BY_SIDE,
  CHIARO_COMPARE_MODE_DIFFERENCE,
} ChiaroCompareMode;

/**
 * ChiaroSafeZones:
 * @CHIARO_SAFE_ZONES_NONE: no overlay
 * @CHIARO_SAFE_ZONES_STORY: a story or reel (9:16): outside the centred 9:16 crop, and the
 *   top 14 % and bottom 20 % of it, where the platform draws its own controls, are shaded
 * @CHIARO_SAFE_ZONES_POST: a feed post: outside the centred 4:5 crop is shaded, and the
 *   centred square a profile grid shows is outlined (lightly shaded around it)
 *
 * Which platform areas the canvas shades over the image, for checking a crop.
 */
typedef enum
{
  CHIARO_SAFE_ZONES_NONE,
  CHIARO_SAFE_ZONES_STORY,
  CHIARO_SAFE_ZONES_POST,
} ChiaroSafeZones;

/* Fractions of a 9:16 story covered by the platform's controls. */
#define CHIARO_SAFE_ZONES_STORY_TOP 0.14
#define CHIARO_SAFE_ZONES_STORY_BOTTOM 0.20

#define CHIARO_TYPE_COMPARE_MODE (chiaro_compare_mode_get_type ())
#define CHIARO_TYPE_SAFE_ZONES (chiaro_safe_zones_get_type ())
#define CHIARO_TYPE_CANVAS (chiaro_canvas_get_type ())

GType chiaro_compare_mode_get_type (void) G_GNUC_CONST;
GType chiaro_safe_zones_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (ChiaroCanvas, chiaro_canvas, CHIARO, CANVAS, GtkWidget)

GtkWidget         *chiaro_canvas_new                   (void);
GdkTexture        *chiaro_canvas_get_texture           (ChiaroCanvas      *self);
void               chiaro_canvas_set_texture           (ChiaroCanvas      *self,
                                                        GdkTexture        *texture);
GdkTexture        *chiaro_canvas_get_compare_texture   (ChiaroCanvas      *self);
void               chiaro_canvas_set_compare_texture   (ChiaroCanvas      *self,
                                                        GdkTexture        *texture);
ChiaroCompareMode  chiaro_canvas_get_compare_mode      (ChiaroCanvas      *self);
void               chiaro_canvas_set_compare_mode      (ChiaroCanvas      *self,
                                                        ChiaroCompareMode  mode);
double             chiaro_canvas_get_split_position    (ChiaroCanvas      *self);
void               chiaro_canvas_set_split_position    (ChiaroCanvas      *self,
                                                        double             position);
gboolean           chiaro_canvas_get_showing_other     (ChiaroCanvas      *self);
void               chiaro_canvas_set_showing_other     (ChiaroCanvas      *self,
                                                        gboolean           showing_other);
ChiaroSafeZones    chiaro_canvas_get_safe_zones        (ChiaroCanvas      *self);
void               chiaro_canvas_set_safe_zones        (ChiaroCanvas      *self,
                                                        ChiaroSafeZones    zones);
gboolean           chiaro_canvas_get_busy              (ChiaroCanvas      *self);
double             chiaro_canvas_get_zoom              (ChiaroCanvas      *self);
void               chiaro_canvas_set_zoom              (ChiaroCanvas      *self,
                                                        double             zoom);
void               chiaro_canvas_set_zoom_at           (ChiaroCanvas      *self,
                                                        double             zoom,
                                                        double             x,
                                                        double             y);
gboolean           chiaro_canvas_get_fit               (ChiaroCanvas      *self);
void               chiaro_canvas_zoom_fit              (ChiaroCanvas      *self);
void               chiaro_canvas_zoom_in               (ChiaroCanvas      *self);
void               chiaro_canvas_zoom_out              (ChiaroCanvas      *self);
void               chiaro_canvas_pan_by                (ChiaroCanvas      *self,
                                                        double             dx,
                                                        double             dy);
void               chiaro_canvas_get_image_bounds      (ChiaroCanvas      *self,
                                                        graphene_rect_t   *bounds);

G_END_DECLS
