/* chiaro-canvas.c — shows the current image: zoom, pan and the compare views
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Zoom counts device pixels per image pixel, so at 100 % one image pixel covers exactly one
 * pixel of the screen, on HiDPI screens too; the image's edges are snapped to device pixels.
 * "Fit" shows the whole image and never enlarges it past 100 %. The view is kept as a zoom and
 * the image point at the centre of the view, clamped so that an image larger than the view
 * always covers it and a smaller one stays centred.
 *
 * Input, as in GNOME's image viewer (Loupe):
 * - a mouse wheel zooms around the pointer, and so does any scrolling with Ctrl held; touchpad
 *   scrolling without Ctrl pans;
 * - a pinch zooms around the fingers' centre, and moving the fingers pans;
 * - dragging pans when the image is larger than the view; in the split view, dragging near the
 *   line (or anywhere, when there is nothing to pan) moves the split;
 * - zooming out stops at fit, and zooming across 100 % stops there once;
 * - the canvas.zoom-in, canvas.zoom-out, canvas.zoom-fit and canvas.zoom-100 actions, bound to
 *   Ctrl+plus, Ctrl+minus, Ctrl+0 and Ctrl+1 while the canvas has the focus; the arrow keys
 *   pan, or move the split in the split view.
 *
 * Compare: in the hold mode, holding the secondary mouse button (or a long touch) shows the
 * other image until released; chiaro_canvas_set_showing_other() does the same for a key the
 * window chooses. The other image is always fitted inside the current image's rectangle,
 * keeping its own aspect ratio, so images of different sizes line up.
 *
 * Drawing: the render node is built once for a given state and size and reused for every
 * frame in between; textures are never copied, so the renderer uploads each once. An image
 * much larger than the canvas (a 12 MP photo, a 17 MP answer) is also shown through a display
 * copy made by a worker thread: no frame at fit then samples or converts the whole image, which costs a software
 * renderer hundreds of milliseconds each frame. The full image is drawn only when zoomed in
 * beyond what the copy covers. While the copy is being made the canvas keeps showing what it
 * showed before, and is busy. The copy is exactly the image's size at fit, so that a frame at
 * fit does not even scale it (the cairo renderer converts a texture again for every frame). A
 * copy too small after a resize is made again, the old one drawn meanwhile. Zoomed out,
 * images are filtered trilinearly (no moiré on a photo); from 200 % on, with nearest
 * neighbour, so that each image pixel shows as a crisp square the way an editor's user
 * inspecting detail expects; in between, linearly, which avoids uneven pixel widths. GTK 4.8
 * cannot choose a filter and always filters linearly.
 */

#define G_LOG_DOMAIN "chiaro-canvas"

#include "config.h"

#include <math.h>

#include "chiaro-difference-map.h"

#include "chiaro-canvas.h"

#define CHECKER_SIZE 8
#define MIN_ZOOM 0.01
#define MAX_ZOOM 32.0
/* Room between the two images of the side by side view. */
#define SIDE_BY_SIDE_GAP 12
/* How near the split line, in logical pixels, a press grabs it. */
#define SPLIT_GRAB_DISTANCE 16
/* One mouse wheel notch zooms by this factor. */
#define WHEEL_ZOOM_STEP 1.25
/* Smooth scrolling with Ctrl doubles or halves the zoom over this many pixels. */
#define SMOOTH_SCROLL_PER_DOUBLING 200.0
/* The arrow keys pan by this many logical pixels, or move the split by this fraction. */
#define KEY_PAN_STEP 64
#define KEY_SPLIT_STEP 0.05
/* An image gets a display copy when its long side is over DISPLAY_MIN_IMAGE_SIDE pixels and
 * DISPLAY_MARGIN times the copy's. A copy is the image's size at fit in device pixels (at least
 * DISPLAY_MIN_SIDE on its long side, DISPLAY_UNKNOWN_SIDE until the canvas has a size); it is
 * made again when the canvas grows past it or shrinks below it by DISPLAY_MARGIN. */
#define DISPLAY_MIN_IMAGE_SIDE 3072
#define DISPLAY_MIN_SIDE 256
#define DISPLAY_UNKNOWN_SIDE 2048
#define DISPLAY_MARGIN 1.5
/* A zoom step goes at least this much further, so that a step is always visible. */
#define MIN_STEP_RATIO 1.05

/* The zoom in and out actions go through these, which include 100 %. */
static const double zoom_steps[] = {
  0.01, 0.02, 0.03, 0.05, 0.08, 0.10, 0.125, 0.167, 0.25, 0.333, 0.5, 0.667,
  1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0,
};

typedef enum
{
  DRAG_NONE,
  DRAG_PAN,
  DRAG_SPLIT,
} DragTarget;

/* Where everything goes at the widget's current size; computed from the state when needed. */
typedef struct
{
  graphene_rect_t viewport;        /* where the current image is laid out */
  graphene_rect_t other_viewport;  /* side by side: the other image's half; else viewport */
  graphene_rect_t image;           /* the current image, in widget coordinates */
  double device_scale;             /* device pixels per logical pixel */
  double phase_x;                  /* the widget's origin, in logical pixels of the surface */
  double phase_y;
  double fit_zoom;
  double zoom;                     /* device pixels per image pixel */
  double scale;                    /* logical pixels per image pixel */
  double centre_x;                 /* the image point at the viewport's centre */
  double centre_y;
} Layout;

/* A smaller copy of a large texture, for drawing it zoomed out. */
typedef struct
{
  GdkTexture *texture;       /* (nullable) the copy */
  GCancellable *cancellable; /* (nullable) the copy being made */
  int side;                  /* the long side of the copy made or being made, or 0 */
} DisplayCopy;

struct _ChiaroCanvas
{
  GtkWidget parent_instance;

  /* owned */
  GdkTexture *texture;                  /* (nullable) */
  GdkTexture *compare_texture;          /* (nullable) */
  GdkTexture *difference;               /* (nullable) the heat map, once computed */
  GCancellable *difference_cancellable; /* (nullable) the heat map being computed */
  GskRenderNode *cached;                /* (nullable) */
  DisplayCopy display;                  /* of texture */
  DisplayCopy compare_display;          /* of compare_texture */

  /* the view */
  ChiaroCompareMode compare_mode;
  ChiaroSafeZones safe_zones;
  double split_position;
  double zoom;               /* used when not fitting */
  double centre_x;           /* used when not fitting */
  double centre_y;
  double notified_zoom;

  /* what the cached node was built for */
  double cached_width;
  double cached_height;
  double cached_scale;
  double cached_phase_x;
  double cached_phase_y;

  /* input in progress */
  double pointer_x;
  double pointer_y;
  DragTarget drag_target;
  double drag_start_x;
  double drag_last_x;
  double drag_last_y;
  double pinch_start_zoom;
  double pinch_image_x;
  double pinch_image_y;
  const char *cursor_name;   /* (nullable) a static string */

  /* flags */
  guint fit : 1;
  guint showing_other : 1;
  guint held_by_gesture : 1;
  guint has_pointer : 1;
  guint cache_valid : 1;
  guint notified_busy : 1;
};

G_DEFINE_FINAL_TYPE (ChiaroCanvas, chiaro_canvas, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (ChiaroCompareMode, chiaro_compare_mode,
  G_DEFINE_ENUM_VALUE (CHIARO_COMPARE_MODE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CHIARO_COMPARE_MODE_HOLD, "hold"),
  G_DEFINE_ENUM_VALUE (CHIARO_COMPARE_MODE_SPLIT, "split"),
  G_DEFINE_ENUM_VALUE (CHIARO_COMPARE_MODE_SIDE_BY_SIDE, "side-by-side"),
  G_DEFINE_ENUM_VALUE (CHIARO_COMPARE_MODE_DIFFERENCE, "difference"))

G_DEFINE_ENUM_TYPE (ChiaroSafeZones, chiaro_safe_zones,
  G_DEFINE_ENUM_VALUE (CHIARO_SAFE_ZONES_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CHIARO_SAFE_ZONES_STORY, "story"),
  G_DEFINE_ENUM_VALUE (CHIARO_SAFE_ZONES_POST, "post"))

enum {
  PROP_0,
  PROP_TEXTURE,
  PROP_COMPARE_TEXTURE,
  PROP_COMPARE_MODE,
  PROP_SPLIT_POSITION,
  PROP_SHOWING_OTHER,
  PROP_SAFE_ZONES,
  PROP_BUSY,
  PROP_ZOOM,
  PROP_FIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The compare mode in effect: none without a second image. */
static ChiaroCompareMode
visible_mode (ChiaroCanvas *self)
{
  if (self->texture == NULL || self->compare_texture == NULL)
    return CHIARO_COMPARE_MODE_NONE;

  return self->compare_mode;
}

static double
get_device_scale (ChiaroCanvas *self)
{
#if GTK_CHECK_VERSION (4, 12, 0)
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

  /* Fractional scales exist from GTK 4.12 on. */
  if (surface != NULL)
    {
      double scale;

      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      scale = gdk_surface_get_scale (surface);
      G_GNUC_END_IGNORE_DEPRECATIONS
      return scale;
    }
#endif

  return gtk_widget_get_scale_factor (GTK_WIDGET (self));
}

/* The widget's origin in the surface, so that snapping to device pixels holds wherever the
 * widget sits, fractional scales included. */
static void
get_pixel_phase (ChiaroCanvas *self,
                 double       *x,
                 double       *y)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  graphene_point_t origin;
  double surface_x = 0, surface_y = 0;

  *x = *y = 0;
  if (native == NULL ||
      !gtk_widget_compute_point (GTK_WIDGET (self), GTK_WIDGET (native),
                                 &GRAPHENE_POINT_INIT (0, 0), &origin))
    return;

  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  *x = origin.x + surface_x;
  *y = origin.y + surface_y;
}

static double
snap (double value,
      double phase,
      double device_scale)
{
  return round ((value + phase) * device_scale) / device_scale - phase;
}

/* An image larger than the view covers it; a smaller one is centred. */
static double
clamp_centre (double centre,
              double extent,
              double view,
              double scale)
{
  double half_view = view / 2 / scale;

  if (extent * scale <= view)
    return extent / 2;

  return CLAMP (centre, half_view, extent - half_view);
}

static void
get_layout (ChiaroCanvas *self,
            Layout       *layout)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double image_width, image_height, view_width, view_height, ds, x, y;

  *layout = (Layout) { 0 };
  ds = layout->device_scale = MAX (get_device_scale (self), 1e-3);
  get_pixel_phase (self, &layout->phase_x, &layout->phase_y);
  graphene_rect_init (&layout->viewport, 0, 0, width, height);
  layout->other_viewport = layout->viewport;
  layout->fit_zoom = 1;
  layout->zoom = 1;
  layout->scale = 1 / ds;

  if (visible_mode (self) == CHIARO_COMPARE_MODE_SIDE_BY_SIDE)
    {
      double half = MAX (0, floor ((width - SIDE_BY_SIDE_GAP) / 2));

      graphene_rect_init (&layout->other_viewport, 0, 0, half, height);
      graphene_rect_init (&layout->viewport, width - half, 0, half, height);
    }

  if (self->texture == NULL)
    return;

  image_width = gdk_texture_get_width (self->texture);
  image_height = gdk_texture_get_height (self->texture);
  view_width = layout->viewport.size.width;
  view_height = layout->viewport.size.height;

  if (view_width > 0 && view_height > 0)
    layout->fit_zoom = MIN (1.0, MIN (view_width * ds / image_width,
                                      view_height * ds / image_height));

  layout->zoom = self->fit ? layout->fit_zoom : self->zoom;
  layout->scale = layout->zoom / ds;
  layout->centre_x = clamp_centre (self->fit ? image_width / 2 : self->centre_x,
                                   image_width, view_width, layout->scale);
  layout->centre_y = clamp_centre (self->fit ? image_height / 2 : self->centre_y,
                                   image_height, view_height, layout->scale);

  x = layout->viewport.origin.x + view_width / 2 - layout->centre_x * layout->scale;
  y = layout->viewport.origin.y + view_height / 2 - layout->centre_y * layout->scale;
  graphene_rect_init (&layout->image,
                      snap (x, layout->phase_x, ds),
                      snap (y, layout->phase_y, ds),
                      round (image_width * layout->zoom) / ds,
                      round (image_height * layout->zoom) / ds);
}

static gboolean
is_pannable (const Layout *layout)
{
  return layout->image.size.width > layout->viewport.size.width + 0.5 ||
         layout->image.size.height > layout->viewport.size.height + 0.5;
}

/* A point in the other half of the side by side view, moved to the same place in the
 * current image's half. */
static void
to_current_viewport (const Layout *layout,
                     double       *x,
                     double       *y)
{
  if (*x < layout->viewport.origin.x)
    *x += layout->viewport.origin.x - layout->other_viewport.origin.x;
}

/* The part of the current image in view, and the split line's position across it. */
static gboolean
get_split (ChiaroCanvas    *self,
           const Layout    *layout,
           graphene_rect_t *span,
           double          *x)
{
  if (!graphene_rect_intersection (&layout->image, &layout->viewport, span) ||
      span->size.width <= 0)
    return FALSE;

  *x = snap (span->origin.x + self->split_position * span->size.width,
             layout->phase_x, layout->device_scale);
  return TRUE;
}

static gboolean
is_near_split (ChiaroCanvas *self,
               const Layout *layout,
               double        x)
{
  graphene_rect_t span;
  double split_x;

  return get_split (self, layout, &span, &split_x) && fabs (x - split_x) <= SPLIT_GRAB_DISTANCE;
}

/* @texture's rectangle when fitted inside @bounds, keeping its aspect ratio, centred. */
static void
fit_inside (GdkTexture            *texture,
            const graphene_rect_t *bounds,
            graphene_rect_t       *rect)
{
  double width = gdk_texture_get_width (texture);
  double height = gdk_texture_get_height (texture);
  double scale = MIN (bounds->size.width / width, bounds->size.height / height);

  graphene_rect_init (rect,
                      bounds->origin.x + (bounds->size.width - width * scale) / 2,
                      bounds->origin.y + (bounds->size.height - height * scale) / 2,
                      width * scale,
                      height * scale);
}

/* Transparency shows as a neutral grey checkerboard, the same in light and dark styles. It
 * is made of colour nodes, so it stays sharp at any scale, and moves with the image. */
static void
append_checkerboard (GtkSnapshot           *snapshot,
                     const graphene_rect_t *image,
                     const graphene_rect_t *area)
{
  static const GdkRGBA light = { 0.8, 0.8, 0.8, 1 };
  static const GdkRGBA dark = { 0.6, 0.6, 0.6, 1 };
  graphene_rect_t tile;

  graphene_rect_init (&tile, image->origin.x, image->origin.y, CHECKER_SIZE * 2, CHECKER_SIZE * 2);
  gtk_snapshot_push_repeat (snapshot, area, &tile);
  gtk_snapshot_append_color (snapshot, &light, &tile);
  gtk_snapshot_append_color (snapshot, &dark,
                             &GRAPHENE_RECT_INIT (tile.origin.x + CHECKER_SIZE, tile.origin.y,
                                                  CHECKER_SIZE, CHECKER_SIZE));
  gtk_snapshot_append_color (snapshot, &dark,
                             &GRAPHENE_RECT_INIT (tile.origin.x, tile.origin.y + CHECKER_SIZE,
                                                  CHECKER_SIZE, CHECKER_SIZE));
  gtk_snapshot_pop (snapshot);
}

/* A soft shadow lifts the image off the window, where any of the window shows. */
static void
append_shadow (GtkSnapshot           *snapshot,
               const graphene_rect_t *rect,
               const graphene_rect_t *view)
{
  GskRoundedRect outline;

  if (graphene_rect_contains_rect (rect, view))
    return;

  gsk_rounded_rect_init_from_rect (&outline, rect, 0);
  gtk_snapshot_append_outset_shadow (snapshot, &outline,
                                     &(GdkRGBA) { 0, 0, 0, 0.25 }, 0, 1, 0, 4);
}

/* @texture in @rect, over the checkerboard, where @rect meets @view; drawn from @display, its
 * smaller copy, when that has enough pixels for @rect. */
static void
append_picture (GtkSnapshot           *snapshot,
                GdkTexture            *texture,
                GdkTexture            *display,
                const graphene_rect_t *rect,
                const graphene_rect_t *view,
                double                 device_scale)
{
  graphene_rect_t area;

  if (!graphene_rect_intersection (rect, view, &area))
    return;

  if (display != NULL && rect->size.width * device_scale <= gdk_texture_get_width (display) + 0.5)
    texture = display;

  append_checkerboard (snapshot, rect, &area);

#if GTK_CHECK_VERSION (4, 10, 0)
  {
    double zoom = rect->size.width * device_scale / gdk_texture_get_width (texture);
    GskScalingFilter filter = zoom < 0.999 ? GSK_SCALING_FILTER_TRILINEAR
                              : zoom >= 2 ? GSK_SCALING_FILTER_NEAREST
                              : GSK_SCALING_FILTER_LINEAR;

    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    gtk_snapshot_append_scaled_texture (snapshot, texture, filter, rect);
    G_GNUC_END_IGNORE_DEPRECATIONS
  }
#else
  gtk_snapshot_append_texture (snapshot, texture, rect);
#endif
}

/* The split line, with a round knob halfway down to show that it can be dragged. The colours
 * sit on the photo, not on the window, so they do not follow the style. */
static void
append_split_handle (GtkSnapshot           *snapshot,
                     double                 x,
                     const graphene_rect_t *span)
{
  static const GdkRGBA white = { 1, 1, 1, 1 };
  static const GdkRGBA shadow = { 0, 0, 0, 0.4 };
  static const GdkRGBA mark = { 0.2, 0.2, 0.2, 1 };
  double middle = span->origin.y + span->size.height / 2;
  GskRoundedRect line, knob;

  gsk_rounded_rect_init_from_rect (&line,
                                   &GRAPHENE_RECT_INIT (x - 1, span->origin.y,
                                                        2, span->size.height), 0);
  gtk_snapshot_append_outset_shadow (snapshot, &line, &shadow, 0, 0, 0, 3);
  gtk_snapshot_append_color (snapshot, &white, &line.bounds);

  gsk_rounded_rect_init_from_rect (&knob, &GRAPHENE_RECT_INIT (x - 16, middle - 16, 32, 32), 16);
  gtk_snapshot_append_outset_shadow (snapshot, &knob, &shadow, 0, 1, 0, 4);
  gtk_snapshot_push_rounded_clip (snapshot, &knob);
  gtk_snapshot_append_color (snapshot, &white, &knob.bounds);
  gtk_snapshot_pop (snapshot);

  /* Two chevrons, ‹ and ›, each two short bars turned by 45°. */
  for (int side = -1; side <= 1; side += 2)
    for (int stroke = -1; stroke <= 1; stroke += 2)
      {
        gtk_snapshot_save (snapshot);
        gtk_snapshot_translate (snapshot,
                                &GRAPHENE_POINT_INIT (x + side * 6, middle + stroke * 2.5));
        gtk_snapshot_rotate (snapshot, -45 * side * stroke);
        gtk_snapshot_append_color (snapshot, &mark, &GRAPHENE_RECT_INIT (-3.5, -1, 7, 2));
        gtk_snapshot_restore (snapshot);
      }
}

static void
append_single (ChiaroCanvas *self,
               GtkSnapshot  *snapshot,
               const Layout *layout)
{
  GdkTexture *texture = self->texture;
  GdkTexture *display = self->display.texture;
  graphene_rect_t rect = layout->image;

  if (self->showing_other && self->compare_texture != NULL)
    {
      texture = self->compare_texture;
      display = self->compare_display.texture;
      fit_inside (texture, &layout->image, &rect);
    }
  else if (visible_mode (self) == CHIARO_COMPARE_MODE_DIFFERENCE && self->difference != NULL)
    {
      texture = self->difference;
      display = NULL;
    }

  append_shadow (snapshot, &rect, &layout->viewport);
  append_picture (snapshot, texture, display, &rect, &layout->viewport, layout->device_scale);
}

static void
append_split (ChiaroCanvas *self,
              GtkSnapshot  *snapshot,
              const Layout *layout)
{
  const graphene_rect_t *view = &layout->viewport;
  graphene_rect_t span, other, left, right;
  double split_x;

  if (!get_split (self, layout, &span, &split_x))
    return;

  fit_inside (self->compare_texture, &layout->image, &other);
  graphene_rect_init (&left, view->origin.x, view->origin.y,
                      split_x - view->origin.x, view->size.height);
  graphene_rect_init (&right, split_x, view->origin.y,
                      view->origin.x + view->size.width - split_x, view->size.height);

  append_shadow (snapshot, &layout->image, view);

  gtk_snapshot_push_clip (snapshot, &left);
  append_picture (snapshot, self->compare_texture, self->compare_display.texture, &other, &left,
                  layout->device_scale);
  gtk_snapshot_pop (snapshot);

  gtk_snapshot_push_clip (snapshot, &right);
  append_picture (snapshot, self->texture, self->display.texture, &layout->image, &right,
                  layout->device_scale);
  gtk_snapshot_pop (snapshot);

  append_split_handle (snapshot, split_x, &span);
}

static void
append_side_by_side (ChiaroCanvas *self,
                     GtkSnapshot  *snapshot,
                     const Layout *layout)
{
  graphene_rect_t image, other;

  /* The same place in the other half, at the same zoom. */
  graphene_rect_offset_r (&layout->image,
                          layout->other_viewport.origin.x - layout->viewport.origin.x, 0,
                          &image);
  fit_inside (self->compare_texture, &image, &other);

  gtk_snapshot_push_clip (snapshot, &layout->other_viewport);
  append_shadow (snapshot, &other, &layout->other_viewport);
  append_picture (snapshot, self->compare_texture, self->compare_display.texture, &other,
                  &layout->other_viewport, layout->device_scale);
  gtk_snapshot_pop (snapshot);

  gtk_snapshot_push_clip (snapshot, &layout->viewport);
  append_shadow (snapshot, &layout->image, &layout->viewport);
  append_picture (snapshot, self->texture, self->display.texture, &layout->image,
                  &layout->viewport, layout->device_scale);
  gtk_snapshot_pop (snapshot);
}

/* The largest rectangle of @ratio (width / height) centred in @bounds. */
static void
centred_crop (const graphene_rect_t *bounds,
              double                 ratio,
              graphene_rect_t       *crop)
{
  double width = bounds->size.width;
  double height = bounds->size.height;

  if (width / height > ratio)
    width = height * ratio;
  else
    height = width / ratio;

  graphene_rect_init (crop,
                      bounds->origin.x + (bounds->size.width - width) / 2,
                      bounds->origin.y + (bounds->size.height - height) / 2,
                      width, height);
}

/* Shades @outer except @inner (which lies inside it), as four bands. */
static void
append_frame_shade (GtkSnapshot           *snapshot,
                    const graphene_rect_t *outer,
                    const graphene_rect_t *inner,
                    const GdkRGBA         *colour)
{
  double outer_right = outer->origin.x + outer->size.width;
  double outer_bottom = outer->origin.y + outer->size.height;
  double inner_right = inner->origin.x + inner->size.width;
  double inner_bottom = inner->origin.y + inner->size.height;

  gtk_snapshot_append_color (snapshot, colour,
                             &GRAPHENE_RECT_INIT (outer->origin.x, outer->origin.y,
                                                  outer->size.width,
                                                  inner->origin.y - outer->origin.y));
  gtk_snapshot_append_color (snapshot, colour,
                             &GRAPHENE_RECT_INIT (outer->origin.x, inner_bottom,
                                                  outer->size.width,
                                                  outer_bottom - inner_bottom));
  gtk_snapshot_append_color (snapshot, colour,
                             &GRAPHENE_RECT_INIT (outer->origin.x, inner->origin.y,
                                                  inner->origin.x - outer->origin.x,
                                                  inner->size.height));
  gtk_snapshot_append_color (snapshot, colour,
                             &GRAPHENE_RECT_INIT (inner_right, inner->origin.y,
                                                  outer_right - inner_right,
                                                  inner->size.height));
}

static void
append_outline (GtkSnapshot           *snapshot,
                const graphene_rect_t *rect)
{
  static const GdkRGBA white = { 1, 1, 1, 0.8 };
  GskRoundedRect outline;

  gsk_rounded_rect_init_from_rect (&outline, rect, 0);
  gtk_snapshot_append_border (snapshot, &outline,
                              (const float[4]) { 1, 1, 1, 1 },
                              (const GdkRGBA[4]) { white, white, white, white });
}

/* The platform areas over the current image. The colours sit on the photo, so they do not
 * follow the style. */
static void
append_safe_zones (ChiaroCanvas *self,
                   GtkSnapshot  *snapshot,
                   const Layout *layout)
{
  static const GdkRGBA cropped = { 0, 0, 0, 0.6 };
  static const GdkRGBA covered = { 0, 0, 0, 0.4 };
  static const GdkRGBA grid = { 0, 0, 0, 0.2 };
  const graphene_rect_t *image = &layout->image;
  graphene_rect_t crop, safe, square;

  if (self->safe_zones == CHIARO_SAFE_ZONES_NONE ||
      visible_mode (self) == CHIARO_COMPARE_MODE_SIDE_BY_SIDE)
    return;

  gtk_snapshot_push_clip (snapshot, &layout->viewport);

  if (self->safe_zones == CHIARO_SAFE_ZONES_STORY)
    {
      centred_crop (image, 9.0 / 16.0, &crop);
      graphene_rect_init (&safe, crop.origin.x,
                          crop.origin.y + crop.size.height * CHIARO_SAFE_ZONES_STORY_TOP,
                          crop.size.width,
                          crop.size.height * (1 - CHIARO_SAFE_ZONES_STORY_TOP
                                              - CHIARO_SAFE_ZONES_STORY_BOTTOM));
      append_frame_shade (snapshot, image, &crop, &cropped);
      append_frame_shade (snapshot, &crop, &safe, &covered);
      append_outline (snapshot, &safe);
    }
  else
    {
      centred_crop (image, 4.0 / 5.0, &crop);
      centred_crop (&crop, 1.0, &square);
      append_frame_shade (snapshot, image, &crop, &cropped);
      append_frame_shade (snapshot, &crop, &square, &grid);
      append_outline (snapshot, &square);
    }

  gtk_snapshot_pop (snapshot);
}

static GskRenderNode *
build_node (ChiaroCanvas *self,
            const Layout *layout)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

  if (layout->image.size.width <= 0 || layout->image.size.height <= 0)
    return NULL;

  switch (visible_mode (self))
    {
    case CHIARO_COMPARE_MODE_SPLIT:
      append_split (self, snapshot, layout);
      break;

    case CHIARO_COMPARE_MODE_SIDE_BY_SIDE:
      append_side_by_side (self, snapshot, layout);
      break;

    case CHIARO_COMPARE_MODE_NONE:
    case CHIARO_COMPARE_MODE_HOLD:
    case CHIARO_COMPARE_MODE_DIFFERENCE:
    default:
      append_single (self, snapshot, layout);
      break;
    }

  append_safe_zones (self, snapshot, layout);

  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

/* The node is kept, stale, so that it can still be drawn while a display copy is made. */
static void
invalidate_cache (ChiaroCanvas *self)
{
  self->cache_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
is_busy (ChiaroCanvas *self)
{
  return self->difference_cancellable != NULL ||
         self->display.cancellable != NULL ||
         self->compare_display.cancellable != NULL;
}

static void
sync_busy (ChiaroCanvas *self)
{
  gboolean busy = is_busy (self);

  if (self->notified_busy == busy)
    return;

  self->notified_busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

typedef struct
{
  GdkTexture *texture;
  int width;
  int height;
} DisplayJob;

static void
display_job_free (DisplayJob *job)
{
  g_object_unref (job->texture);
  g_free (job);
}

/* The byte order of cairo's ARGB32 with the alpha left out of the colours: what GTK 4.8's
 * cairo renderer converts fastest into its surfaces, which it does for every texture at every
 * frame. From its own premultiplied GDK_MEMORY_DEFAULT it has no shortcut and goes through
 * floats, pixel by pixel: about 1 ms of every frame for a copy of the photo at fit. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define DISPLAY_FORMAT GDK_MEMORY_B8G8R8A8
#else
#define DISPLAY_FORMAT GDK_MEMORY_A8R8G8B8
#endif

/* Divides the colours of cairo's premultiplied ARGB32 by their alpha, in place: opaque pixels,
 * all of a photo's, are left as they are. */
static void
unpremultiply (guchar *data,
               int     width,
               int     height,
               int     stride)
{
  for (int y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < width; x++)
        {
          guint32 pixel = row[x];
          guint alpha = pixel >> 24;
          guint red, green, blue;

          if (alpha == 255 || alpha == 0)
            continue;
          red = (((pixel >> 16) & 0xff) * 255 + alpha / 2) / alpha;
          green = (((pixel >> 8) & 0xff) * 255 + alpha / 2) / alpha;
          blue = ((pixel & 0xff) * 255 + alpha / 2) / alpha;
          row[x] = alpha << 24 | MIN (red, 255u) << 16 | MIN (green, 255u) << 8 | MIN (blue, 255u);
        }
    }
}

/* In a worker: @job's texture scaled down to its size, filtered (a box filter when shrinking
 * this much), in DISPLAY_FORMAT. */
static void
make_display_copy (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DisplayJob *job = task_data;
  int width = gdk_texture_get_width (job->texture);
  int height = gdk_texture_get_height (job->texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  cairo_surface_t *source, *copy;
  cairo_pattern_t *pattern;
  cairo_t *cr;
  GBytes *bytes;
  GdkTexture *texture;

  gdk_texture_download (job->texture, pixels, stride);
  if (g_task_return_error_if_cancelled (task))
    return;

  source = cairo_image_surface_create_for_data (pixels, CAIRO_FORMAT_ARGB32, width, height,
                                                stride);
  copy = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, job->width, job->height);
  cr = cairo_create (copy);
  cairo_scale (cr, (double) job->width / width, (double) job->height / height);
  pattern = cairo_pattern_create_for_surface (source);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_set_source (cr, pattern);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_pattern_destroy (pattern);
  cairo_surface_destroy (source);
  cairo_surface_flush (copy);
  unpremultiply (cairo_image_surface_get_data (copy), job->width, job->height,
                 cairo_image_surface_get_stride (copy));

  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (copy),
                                      (gsize) cairo_image_surface_get_stride (copy) * job->height,
                                      (GDestroyNotify) cairo_surface_destroy, copy);
  texture = gdk_memory_texture_new (job->width, job->height, DISPLAY_FORMAT, bytes,
                                    cairo_image_surface_get_stride (copy));
  g_bytes_unref (bytes);
  g_task_return_pointer (task, texture, g_object_unref);
}

static void
on_display_copy_made (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ChiaroCanvas *self = CHIARO_CANVAS (object);
  DisplayCopy *copy = user_data;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), NULL);

  /* Cancelled, or the texture changed since. */
  if (g_task_get_cancellable (G_TASK (result)) != copy->cancellable)
    return;

  g_clear_object (&copy->cancellable);
  copy->texture = g_steal_pointer (&texture);
  sync_busy (self);
  invalidate_cache (self);
}

/* The long side, in device pixels, of @texture fitted into the canvas's viewport. */
static int
display_side (ChiaroCanvas *self,
              GdkTexture   *texture)
{
  Layout layout;
  double width = gdk_texture_get_width (texture);
  double height = gdk_texture_get_height (texture);
  double view_width, view_height, scale;

  get_layout (self, &layout);
  view_width = layout.viewport.size.width * layout.device_scale;
  view_height = layout.viewport.size.height * layout.device_scale;
  if (view_width < 1 || view_height < 1)
    return DISPLAY_UNKNOWN_SIDE;

  scale = MIN (1.0, MIN (view_width / width, view_height / height));
  return MAX (DISPLAY_MIN_SIDE, (int) ceil (MAX (width, height) * scale - 1e-6));
}

static void
cancel_display_copy (DisplayCopy *copy)
{
  g_cancellable_cancel (copy->cancellable);
  g_clear_object (&copy->cancellable);
}

/* Starts making @copy for @texture if it needs one and has none of the right size; a copy for
 * a new texture (@is_new) first forgets the old one. */
static void
update_display_copy (ChiaroCanvas *self,
                     DisplayCopy  *copy,
                     GdkTexture   *texture,
                     gboolean      is_new)
{
  g_autoptr(GTask) task = NULL;
  DisplayJob *job;
  double width, height, long_side;
  int side;

  if (is_new)
    {
      cancel_display_copy (copy);
      g_clear_object (&copy->texture);
      copy->side = 0;
    }

  /* Other textures (GL ones) are downloaded only on the main thread. */
  if (texture == NULL || !GDK_IS_MEMORY_TEXTURE (texture))
    return;

  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  long_side = MAX (width, height);
  side = display_side (self, texture);
  if (long_side <= DISPLAY_MIN_IMAGE_SIDE || long_side <= side * DISPLAY_MARGIN)
    {
      cancel_display_copy (copy);
      g_clear_object (&copy->texture);
      copy->side = 0;
      return;
    }

  if (copy->side != 0 && side <= copy->side && side * DISPLAY_MARGIN >= copy->side)
    return;

  job = g_new0 (DisplayJob, 1);
  job->texture = g_object_ref (texture);
  job->width = MAX (1, (int) round (width * side / long_side));
  job->height = MAX (1, (int) round (height * side / long_side));

  cancel_display_copy (copy);
  copy->side = side;
  copy->cancellable = g_cancellable_new ();
  task = g_task_new (self, copy->cancellable, on_display_copy_made, copy);
  g_task_set_source_tag (task, update_display_copy);
  g_task_set_task_data (task, job, (GDestroyNotify) display_job_free);
  g_task_run_in_thread (task, make_display_copy);
}

static void
forget_display_copy (DisplayCopy *copy)
{
  cancel_display_copy (copy);
  g_clear_object (&copy->texture);
  copy->side = 0;
}

static void
update_actions (ChiaroCanvas *self,
                const Layout *layout)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_image = self->texture != NULL;

  gtk_widget_action_set_enabled (widget, "canvas.zoom-in",
                                 has_image && layout->zoom < MAX_ZOOM);
  gtk_widget_action_set_enabled (widget, "canvas.zoom-out",
                                 has_image && layout->zoom > layout->fit_zoom * 1.0001);
  gtk_widget_action_set_enabled (widget, "canvas.zoom-fit", has_image && !self->fit);
  gtk_widget_action_set_enabled (widget, "canvas.zoom-100",
                                 has_image && fabs (layout->zoom - 1) > 1e-9);
}

static void
update_cursor (ChiaroCanvas *self)
{
  const char *name = NULL;

  if (self->drag_target == DRAG_PAN)
    name = "grabbing";
  else if (self->drag_target == DRAG_SPLIT)
    name = "ew-resize";
  else if (self->texture != NULL && self->has_pointer)
    {
      Layout layout;

      get_layout (self, &layout);
      if (visible_mode (self) == CHIARO_COMPARE_MODE_SPLIT &&
          (!is_pannable (&layout) || is_near_split (self, &layout, self->pointer_x)))
        name = "ew-resize";
      else if (is_pannable (&layout))
        name = "grab";
    }

  if (g_strcmp0 (name, self->cursor_name) != 0)
    {
      self->cursor_name = name;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
    }
}

/* Follows the zoom the view shows, which changes with the size while fitting. */
static void
sync_zoom (ChiaroCanvas *self)
{
  Layout layout;

  get_layout (self, &layout);
  update_actions (self, &layout);

  /* The canvas's size, or the view's shape, may want copies of another size. */
  update_display_copy (self, &self->display, self->texture, FALSE);
  update_display_copy (self, &self->compare_display, self->compare_texture, FALSE);
  sync_busy (self);

  if (layout.zoom != self->notified_zoom)
    {
      self->notified_zoom = layout.zoom;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
}

static void
update_view (ChiaroCanvas *self)
{
  invalidate_cache (self);
  sync_zoom (self);
  update_cursor (self);
}

static void
set_fit (ChiaroCanvas *self,
         gboolean      fit)
{
  fit = !!fit;
  if (self->fit == fit)
    return;

  self->fit = fit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
}

/* Zooms so that the image point (@image_x, @image_y) lands on the widget point (@x, @y). */
static void
apply_zoom (ChiaroCanvas *self,
            const Layout *layout,
            double        zoom,
            double        image_x,
            double        image_y,
            double        x,
            double        y)
{
  const graphene_rect_t *view = &layout->viewport;
  double scale;

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  scale = zoom / layout->device_scale;

  self->zoom = zoom;
  self->centre_x = clamp_centre (image_x + (view->origin.x + view->size.width / 2 - x) / scale,
                                 gdk_texture_get_width (self->texture), view->size.width, scale);
  self->centre_y = clamp_centre (image_y + (view->origin.y + view->size.height / 2 - y) / scale,
                                 gdk_texture_get_height (self->texture), view->size.height, scale);
  set_fit (self, FALSE);
  update_view (self);
}

/* Zooming by the user: out stops at fit, and across 100 % stops there once. */
static void
zoom_interactively (ChiaroCanvas *self,
                    double        target,
                    double        x,
                    double        y)
{
  Layout layout;

  if (self->texture == NULL)
    return;

  get_layout (self, &layout);

  if ((layout.zoom < 1 && target > 1) || (layout.zoom > 1 && target < 1))
    target = 1;

  if (target < layout.zoom && target <= layout.fit_zoom)
    {
      if (layout.zoom > layout.fit_zoom)
        chiaro_canvas_zoom_fit (self);
      return;
    }

  to_current_viewport (&layout, &x, &y);
  apply_zoom (self, &layout, target,
              (x - layout.image.origin.x) / layout.scale,
              (y - layout.image.origin.y) / layout.scale,
              x, y);
}

static void
move_split_to (ChiaroCanvas *self,
               double        x)
{
  Layout layout;
  graphene_rect_t span;
  double split_x;

  get_layout (self, &layout);
  if (get_split (self, &layout, &span, &split_x))
    chiaro_canvas_set_split_position (self, (x - span.origin.x) / span.size.width);
}

/* The heat map belongs to one pair of images: drop it (and stop computing it) when either
 * changes. It is computed again only when the difference view needs it. */
static void
forget_difference (ChiaroCanvas *self)
{
  g_cancellable_cancel (self->difference_cancellable);
  g_clear_object (&self->difference_cancellable);
  g_clear_object (&self->difference);
  sync_busy (self);
}

static void
on_difference_computed (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(ChiaroCanvas) self = user_data;
  g_autoptr(GdkTexture) difference = NULL;
  g_autoptr(GError) error = NULL;

  difference = chiaro_difference_map_compute_finish (result, &error);

  /* Cancelled, or the images changed since. */
  if (g_task_get_cancellable (G_TASK (result)) != self->difference_cancellable)
    return;

  g_clear_object (&self->difference_cancellable);
  if (difference == NULL)
    g_debug ("No difference map: %s", error->message);
  self->difference = g_steal_pointer (&difference);

  sync_busy (self);
  if (visible_mode (self) == CHIARO_COMPARE_MODE_DIFFERENCE)
    invalidate_cache (self);
}

static void
ensure_difference (ChiaroCanvas *self)
{
  if (visible_mode (self) != CHIARO_COMPARE_MODE_DIFFERENCE ||
      self->difference != NULL ||
      self->difference_cancellable != NULL)
    return;

  self->difference_cancellable = g_cancellable_new ();
  chiaro_difference_map_compute_async (self->texture, self->compare_texture,
                                       self->difference_cancellable,
                                       on_difference_computed, g_object_ref (self));
  sync_busy (self);
}

/* A new image of the same shape keeps the view on the same part of the picture, so that
 * stepping through versions compares like with like; any other goes back to fit. */
static void
carry_view_over (ChiaroCanvas *self,
                 GdkTexture   *old,
                 GdkTexture   *texture)
{
  double width = gdk_texture_get_width (texture);
  double height = gdk_texture_get_height (texture);
  double old_width, old_height;

  if (self->fit)
    return;

  if (old == NULL)
    {
      self->centre_x = width / 2;
      self->centre_y = height / 2;
      return;
    }

  old_width = gdk_texture_get_width (old);
  old_height = gdk_texture_get_height (old);
  if (fabs (width / height - old_width / old_height) > 0.01 * width / height)
    {
      set_fit (self, TRUE);
      return;
    }

  self->zoom = CLAMP (self->zoom * old_width / width, MIN_ZOOM, MAX_ZOOM);
  self->centre_x *= width / old_width;
  self->centre_y *= height / old_height;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               ChiaroCanvas   *self)
{
  Layout layout;

  self->drag_target = DRAG_NONE;
  self->drag_start_x = x;
  self->drag_last_x = 0;
  self->drag_last_y = 0;

  if (self->texture != NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self));
      get_layout (self, &layout);

      if (visible_mode (self) == CHIARO_COMPARE_MODE_SPLIT &&
          (!is_pannable (&layout) || is_near_split (self, &layout, x)))
        self->drag_target = DRAG_SPLIT;
      else if (is_pannable (&layout))
        self->drag_target = DRAG_PAN;
    }

  if (self->drag_target == DRAG_NONE)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (self->drag_target == DRAG_SPLIT)
    move_split_to (self, x);
  update_cursor (self);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                ChiaroCanvas   *self)
{
  switch (self->drag_target)
    {
    case DRAG_SPLIT:
      move_split_to (self, self->drag_start_x + offset_x);
      break;

    case DRAG_PAN:
      chiaro_canvas_pan_by (self, offset_x - self->drag_last_x, offset_y - self->drag_last_y);
      self->drag_last_x = offset_x;
      self->drag_last_y = offset_y;
      break;

    case DRAG_NONE:
    default:
      break;
    }
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             ChiaroCanvas   *self)
{
  self->drag_target = DRAG_NONE;
  update_cursor (self);
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                ChiaroCanvas     *self)
{
  Layout layout;
  double x, y;

  if (self->texture == NULL || !gtk_gesture_get_bounding_box_center (gesture, &x, &y))
    {
      gtk_gesture_set_state (gesture, GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (gesture, GTK_EVENT_SEQUENCE_CLAIMED);
  get_layout (self, &layout);
  to_current_viewport (&layout, &x, &y);
  self->pinch_start_zoom = layout.zoom;
  self->pinch_image_x = (x - layout.image.origin.x) / layout.scale;
  self->pinch_image_y = (y - layout.image.origin.y) / layout.scale;
}

/* The image point first under the fingers stays under them as they spread and move. */
static void
on_pinch_scale_changed (GtkGestureZoom *gesture,
                        double          scale,
                        ChiaroCanvas   *self)
{
  Layout layout;
  double x, y, target;

  if (self->texture == NULL || !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    return;

  get_layout (self, &layout);
  target = self->pinch_start_zoom * scale;
  if (target <= layout.fit_zoom)
    {
      if (!self->fit)
        chiaro_canvas_zoom_fit (self);
      return;
    }

  to_current_viewport (&layout, &x, &y);
  apply_zoom (self, &layout, target, self->pinch_image_x, self->pinch_image_y, x, y);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           ChiaroCanvas             *self)
{
  GdkModifierType state;
  GdkScrollUnit unit;
  Layout layout;
  double x, y, factor;

  if (self->texture == NULL)
    return FALSE;

  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  unit = gtk_event_controller_scroll_get_unit (controller);
  get_layout (self, &layout);

  if ((state & GDK_CONTROL_MASK) != 0 || unit == GDK_SCROLL_UNIT_WHEEL)
    {
      if (dy == 0)
        {
          /* A tilted wheel pans sideways. */
          if (dx == 0 || !is_pannable (&layout))
            return FALSE;
          chiaro_canvas_pan_by (self, -dx * KEY_PAN_STEP, 0);
          return TRUE;
        }

      x = self->has_pointer ? self->pointer_x
                            : layout.viewport.origin.x + layout.viewport.size.width / 2;
      y = self->has_pointer ? self->pointer_y
                            : layout.viewport.origin.y + layout.viewport.size.height / 2;
      factor = unit == GDK_SCROLL_UNIT_WHEEL ? pow (WHEEL_ZOOM_STEP, -dy)
                                             : pow (2, -dy / SMOOTH_SCROLL_PER_DOUBLING);
      zoom_interactively (self, layout.zoom * factor, x, y);
      return TRUE;
    }

  if (!is_pannable (&layout))
    return FALSE;

  chiaro_canvas_pan_by (self, -dx, -dy);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           ChiaroCanvas             *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->has_pointer = TRUE;
  update_cursor (self);
}

static void
on_leave (GtkEventControllerMotion *controller,
          ChiaroCanvas             *self)
{
  self->has_pointer = FALSE;
  update_cursor (self);
}

static gboolean
start_hold (ChiaroCanvas *self)
{
  if (self->compare_mode != CHIARO_COMPARE_MODE_HOLD ||
      visible_mode (self) == CHIARO_COMPARE_MODE_NONE)
    return FALSE;

  self->held_by_gesture = TRUE;
  chiaro_canvas_set_showing_other (self, TRUE);
  return TRUE;
}

static void
stop_hold (ChiaroCanvas *self)
{
  if (!self->held_by_gesture)
    return;

  self->held_by_gesture = FALSE;
  chiaro_canvas_set_showing_other (self, FALSE);
}

static void
on_hold_pressed (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 ChiaroCanvas    *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture),
                         start_hold (self) ? GTK_EVENT_SEQUENCE_CLAIMED
                                           : GTK_EVENT_SEQUENCE_DENIED);
}

static void
on_hold_released (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  ChiaroCanvas    *self)
{
  stop_hold (self);
}

static void
on_long_press (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               ChiaroCanvas        *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture),
                         start_hold (self) ? GTK_EVENT_SEQUENCE_CLAIMED
                                           : GTK_EVENT_SEQUENCE_DENIED);
}

static void
on_hold_end (GtkGesture       *gesture,
             GdkEventSequence *sequence,
             ChiaroCanvas     *self)
{
  stop_hold (self);
}

static gboolean
on_arrow_key (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  ChiaroCanvas *self = CHIARO_CANVAS (widget);
  Layout layout;
  int dx, dy;

  if (self->texture == NULL)
    return FALSE;

  g_variant_get (args, "(ii)", &dx, &dy);

  if (visible_mode (self) == CHIARO_COMPARE_MODE_SPLIT)
    {
      if (dx == 0)
        return FALSE;
      chiaro_canvas_set_split_position (self, self->split_position + dx * KEY_SPLIT_STEP);
      return TRUE;
    }

  get_layout (self, &layout);
  if (!is_pannable (&layout))
    return FALSE;

  /* The arrow says where to look, so the image moves the other way. */
  chiaro_canvas_pan_by (self, -dx * KEY_PAN_STEP, -dy * KEY_PAN_STEP);
  return TRUE;
}

static void
action_zoom (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroCanvas *self = CHIARO_CANVAS (widget);

  if (g_str_equal (action_name, "canvas.zoom-in"))
    chiaro_canvas_zoom_in (self);
  else if (g_str_equal (action_name, "canvas.zoom-out"))
    chiaro_canvas_zoom_out (self);
  else if (g_str_equal (action_name, "canvas.zoom-fit"))
    chiaro_canvas_zoom_fit (self);
  else if (g_str_equal (action_name, "canvas.zoom-100"))
    chiaro_canvas_set_zoom (self, 1.0);
  else
    g_assert_not_reached ();
}

static void
on_scale_factor_changed (ChiaroCanvas *self)
{
  update_view (self);
}

static void
chiaro_canvas_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  ChiaroCanvas *self = CHIARO_CANVAS (widget);
  Layout layout;

  if (self->texture == NULL)
    return;

  get_layout (self, &layout);

  if (!self->cache_valid ||
      self->cached_width != gtk_widget_get_width (widget) ||
      self->cached_height != gtk_widget_get_height (widget) ||
      self->cached_scale != layout.device_scale ||
      self->cached_phase_x != layout.phase_x ||
      self->cached_phase_y != layout.phase_y)
    {
      /* A display copy for a new image is being made: what was shown stays until it is
       * there, rather than one frame drawing the whole large image. */
      if ((self->display.cancellable != NULL && self->display.texture == NULL) ||
          (self->compare_display.cancellable != NULL && self->compare_display.texture == NULL))
        {
          if (self->cached != NULL)
            gtk_snapshot_append_node (snapshot, self->cached);
          return;
        }

      g_clear_pointer (&self->cached, gsk_render_node_unref);
      self->cached = build_node (self, &layout);
      self->cache_valid = TRUE;
      self->cached_width = gtk_widget_get_width (widget);
      self->cached_height = gtk_widget_get_height (widget);
      self->cached_scale = layout.device_scale;
      self->cached_phase_x = layout.phase_x;
      self->cached_phase_y = layout.phase_y;
    }

  if (self->cached != NULL)
    gtk_snapshot_append_node (snapshot, self->cached);
}

static void
chiaro_canvas_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  ChiaroCanvas *self = CHIARO_CANVAS (widget);

  /* The image shrinks to whatever room there is; it only asks for its size naturally. */
  *minimum = 0;
  *natural = 0;

  if (self->texture != NULL)
    *natural = orientation == GTK_ORIENTATION_HORIZONTAL
               ? gdk_texture_get_width (self->texture)
               : gdk_texture_get_height (self->texture);
}

static void
chiaro_canvas_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  GTK_WIDGET_CLASS (chiaro_canvas_parent_class)->size_allocate (widget, width, height, baseline);

  sync_zoom (CHIARO_CANVAS (widget));
}

static void
chiaro_canvas_dispose (GObject *object)
{
  ChiaroCanvas *self = (ChiaroCanvas *)object;

  forget_difference (self);
  forget_display_copy (&self->display);
  forget_display_copy (&self->compare_display);
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  g_clear_object (&self->texture);
  g_clear_object (&self->compare_texture);

  G_OBJECT_CLASS (chiaro_canvas_parent_class)->dispose (object);
}

static void
chiaro_canvas_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ChiaroCanvas *self = CHIARO_CANVAS (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;

    case PROP_COMPARE_TEXTURE:
      g_value_set_object (value, self->compare_texture);
      break;

    case PROP_COMPARE_MODE:
      g_value_set_enum (value, self->compare_mode);
      break;

    case PROP_SPLIT_POSITION:
      g_value_set_double (value, self->split_position);
      break;

    case PROP_SHOWING_OTHER:
      g_value_set_boolean (value, self->showing_other);
      break;

    case PROP_SAFE_ZONES:
      g_value_set_enum (value, self->safe_zones);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, chiaro_canvas_get_busy (self));
      break;

    case PROP_ZOOM:
      g_value_set_double (value, chiaro_canvas_get_zoom (self));
      break;

    case PROP_FIT:
      g_value_set_boolean (value, self->fit);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_canvas_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ChiaroCanvas *self = CHIARO_CANVAS (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      chiaro_canvas_set_texture (self, g_value_get_object (value));
      break;

    case PROP_COMPARE_TEXTURE:
      chiaro_canvas_set_compare_texture (self, g_value_get_object (value));
      break;

    case PROP_COMPARE_MODE:
      chiaro_canvas_set_compare_mode (self, g_value_get_enum (value));
      break;

    case PROP_SPLIT_POSITION:
      chiaro_canvas_set_split_position (self, g_value_get_double (value));
      break;

    case PROP_SHOWING_OTHER:
      chiaro_canvas_set_showing_other (self, g_value_get_boolean (value));
      break;

    case PROP_SAFE_ZONES:
      chiaro_canvas_set_safe_zones (self, g_value_get_enum (value));
      break;

    case PROP_ZOOM:
      chiaro_canvas_set_zoom (self, g_value_get_double (value));
      break;

    case PROP_FIT:
      if (g_value_get_boolean (value))
        chiaro_canvas_zoom_fit (self);
      else
        chiaro_canvas_set_zoom (self, chiaro_canvas_get_zoom (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_canvas_class_init (ChiaroCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct {
    guint key;
    const char *action;
  } zoom_keys[] = {
    { GDK_KEY_plus, "canvas.zoom-in" },
    { GDK_KEY_equal, "canvas.zoom-in" },
    { GDK_KEY_KP_Add, "canvas.zoom-in" },
    { GDK_KEY_minus, "canvas.zoom-out" },
    { GDK_KEY_KP_Subtract, "canvas.zoom-out" },
    { GDK_KEY_0, "canvas.zoom-fit" },
    { GDK_KEY_KP_0, "canvas.zoom-fit" },
    { GDK_KEY_1, "canvas.zoom-100" },
    { GDK_KEY_KP_1, "canvas.zoom-100" },
  };
  static const struct {
    guint key;
    int dx;
    int dy;
  } arrow_keys[] = {
    { GDK_KEY_Left, -1, 0 },
    { GDK_KEY_Right, 1, 0 },
    { GDK_KEY_Up, 0, -1 },
    { GDK_KEY_Down, 0, 1 },
  };

  object_class->dispose = chiaro_canvas_dispose;
  object_class->get_property = chiaro_canvas_get_property;
  object_class->set_property = chiaro_canvas_set_property;

  widget_class->snapshot = chiaro_canvas_snapshot;
  widget_class->measure = chiaro_canvas_measure;
  widget_class->size_allocate = chiaro_canvas_size_allocate;

  /**
   * ChiaroCanvas:texture:
   *
   * The current image, upright.
   */
  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL,
                         GDK_TYPE_TEXTURE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ChiaroCanvas:compare-texture:
   *
   * The image the current one is compared with, such as its parent in the history.
   */
  properties[PROP_COMPARE_TEXTURE] =
    g_param_spec_object ("compare-texture", NULL, NULL,
                         GDK_TYPE_TEXTURE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ChiaroCanvas:compare-mode:
   *
   * How the compare texture is shown.
   */
  properties[PROP_COMPARE_MODE] =
    g_param_spec_enum ("compare-mode", NULL, NULL,
                       CHIARO_TYPE_COMPARE_MODE, CHIARO_COMPARE_MODE_NONE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ChiaroCanvas:split-position:
   *
   * Where the split line is, from the left (0) to the right (1) of the visible part of the
   * image.
   */
  properties[PROP_SPLIT_POSITION] =
    g_param_spec_double ("split-position", NULL, NULL,
                         0, 1, 0.5,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ChiaroCanvas:showing-other:
   *
   * Whether the compare texture is shown in place of the current one (in every mode but the
   * split and side by side views, which show both already).
   */
  properties[PROP_SHOWING_OTHER] =
    g_param_spec_boolean ("showing-other", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ChiaroCanvas:safe-zones:
   *
   * The platform areas shaded over the image (#ChiaroSafeZones).
   */
  properties[PROP_SAFE_ZONES] =
    g_param_spec_enum ("safe-zones", NULL, NULL,
                       CHIARO_TYPE_SAFE_ZONES, CHIARO_SAFE_ZONES_NONE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ChiaroCanvas:busy:
   *
   * Whether the difference heat map, or a display copy of a large image (until which the
   * canvas keeps showing what it showed before), is being computed.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ChiaroCanvas:zoom:
   *
   * Device pixels per image pixel: 1 shows the image at 100 %. While fitting, this follows
   * the size of the canvas.
   */
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL,
                         MIN_ZOOM / 1000, MAX_ZOOM, 1,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ChiaroCanvas:fit:
   *
   * Whether the whole image is shown, as large as fits but never past 100 %.
   */
  properties[PROP_FIT] =
    g_param_spec_boolean ("fit", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "canvas.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-fit", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-100", NULL, action_zoom);

  for (guint i = 0; i < G_N_ELEMENTS (zoom_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, zoom_keys[i].key, GDK_CONTROL_MASK,
                                         zoom_keys[i].action, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (arrow_keys); i++)
    gtk_widget_class_add_binding (widget_class, arrow_keys[i].key, 0, on_arrow_key,
                                  "(ii)", arrow_keys[i].dx, arrow_keys[i].dy);

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
chiaro_canvas_init (ChiaroCanvas *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->fit = TRUE;
  self->zoom = 1;
  self->notified_zoom = 1;
  self->split_position = 0.5;

  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_hold_pressed), self);
  g_signal_connect (gesture, "released", G_CALLBACK (on_hold_released), self);
  g_signal_connect (gesture, "end", G_CALLBACK (on_hold_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (gesture), TRUE);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_long_press), self);
  g_signal_connect (gesture, "end", G_CALLBACK (on_hold_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (on_scale_factor_changed), NULL);

  update_view (self);
}

/**
 * chiaro_canvas_new:
 *
 * Returns: (transfer floating): a new, empty #ChiaroCanvas
 */
GtkWidget *
chiaro_canvas_new (void)
{
  return g_object_new (CHIARO_TYPE_CANVAS, NULL);
}

/**
 * chiaro_canvas_get_texture:
 * @self: a #ChiaroCanvas
 *
 * Returns: (transfer none) (nullable): the image shown
 */
GdkTexture *
chiaro_canvas_get_texture (ChiaroCanvas *self)
{
  g_return_val_if_fail (CHIARO_IS_CANVAS (self), NULL);

  return self->texture;
}

/**
 * chiaro_canvas_set_texture:
 * @self: a #ChiaroCanvas
 * @texture: (nullable): the image to show, upright
 *
 * Shows @texture. When zoomed and @texture has the aspect ratio of the image it replaces, the
 * view stays on the same part of the picture; otherwise the canvas goes back to fit.
 */
void
chiaro_canvas_set_texture (ChiaroCanvas *self,
                           GdkTexture   *texture)
{
  g_autoptr(GdkTexture) old = NULL;

  g_return_if_fail (CHIARO_IS_CANVAS (self));
  g_return_if_fail (!texture || GDK_IS_TEXTURE (texture));

  if (self->texture == texture)
    return;

  old = g_steal_pointer (&self->texture);
  self->texture = texture != NULL ? g_object_ref (texture) : NULL;
  if (texture != NULL)
    carry_view_over (self, old, texture);
  else
    g_clear_pointer (&self->cached, gsk_render_node_unref);

  update_display_copy (self, &self->display, texture, TRUE);
  forget_difference (self);
  ensure_difference (self);

  gtk_widget_queue_resize (GTK_WIDGET (self));
  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

/**
 * chiaro_canvas_get_compare_texture:
 * @self: a #ChiaroCanvas
 *
 * Returns: (transfer none) (nullable): the image the current one is compared with
 */
GdkTexture *
chiaro_canvas_get_compare_texture (ChiaroCanvas *self)
{
  g_return_val_if_fail (CHIARO_IS_CANVAS (self), NULL);

  return self->compare_texture;
}

/**
 * chiaro_canvas_set_compare_texture:
 * @self: a #ChiaroCanvas
 * @texture: (nullable): the image to compare the current one with, upright
 *
 * Sets the other image of the compare views. It may have any size: it is fitted inside the
 * current image's rectangle, keeping its aspect ratio.
 */
void
chiaro_canvas_set_compare_texture (ChiaroCanvas *self,
                                   GdkTexture   *texture)
{
  g_return_if_fail (CHIARO_IS_CANVAS (self));
  g_return_if_fail (!texture || GDK_IS_TEXTURE (texture));

  if (!g_set_object (&self->compare_texture, texture))
    return;

  update_display_copy (self, &self->compare_display, texture, TRUE);
  forget_difference (self);
  ensure_difference (self);

  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARE_TEXTURE]);
}

/**
 * chiaro_canvas_get_compare_mode:
 * @self: a #ChiaroCanvas
 *
 * Returns: how the compare texture is shown
 */
ChiaroCompareMode
chiaro_canvas_get_compare_mode (ChiaroCanvas *self)
{
  g_return_val_if_fail (CHIARO_IS_CANVAS (self), CHIARO_COMPARE_MODE_NONE);

  return self->compare_mode;
}

/**
 * chiaro_canvas_set_compare_mode:
 * @self: a #ChiaroCanvas
 * @mode: how to show the compare texture
 *
 * Chooses the compare view. The difference heat map is computed on a worker thread the first
 * time it is needed for a pair of images (#ChiaroCanvas:busy meanwhile), and kept.
 */
void
chiaro_canvas_set_compare_mode (ChiaroCanvas      *self,
                                ChiaroCompareMode  mode)
{
  g_return_if_fail (CHIARO_IS_CANVAS (self));
  g_return_if_fail (mode >= CHIARO_COMPARE_MODE_NONE && mode <= CHIARO_COMPARE_MODE_DIFFERENCE);

  if (self->compare_mode == mode)
    return;

  self->compare_mode = mode;
  ensure_difference (self);

  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARE_MODE]);
}

/**
 * chiaro_canvas_get_safe_zones:
 * @self: a #ChiaroCanvas
 *
 * Returns: the platform areas shaded over the image
 */
ChiaroSafeZones
chiaro_canvas_get_safe_zones (ChiaroCanvas *self)
{
  g_return_val_if_fail (CHIARO_IS_CANVAS (self), CHIARO_SAFE_ZONES_NONE);

  return self->safe_zones;
}

/**
 * chiaro_canvas_set_safe_zones:
 * @self: a #ChiaroCanvas
 * @zones: the platform areas to shade
 *
 * Shades the areas a story or a feed post would crop or cover with the platform's controls,
 * over the current image (not in the side by side view, which shows two).
 */
void
chiaro_canvas_set_safe_zones (ChiaroCanvas    *self,
                              ChiaroSafeZones  zones)
{
  g_return_if_fail (CHIARO_IS_CANVAS (self));
  g_return_if_fail (zones >= CHIARO_SAFE_ZONES_NONE && zones <= CHIARO_SAFE_ZONES_POST);

  if (self->safe_zones == zones)
    return;

  self->safe_zones = zones;
  invalidate_cache (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAFE_ZONES]);
}

/**
 * chiaro_canvas_get_split_position:
 * @self: a #ChiaroCanvas
 *
 * Returns: where the split line is, from 0 (left) to 1 (right)
 */
double
chiaro_canvas_get_split_position (ChiaroCanvas *self)
{
  g_return_val_if_fail (CHIARO_IS_CANVAS (self), 0.5);

  return self->split_position;
}

/**
 * chiaro_canvas_set_split_position:
 * @self: a #ChiaroCanvas
 * @position: from 0 (all current image) to 1 (all other image); clamped
 *
 * Moves the split line across the visible part of the image. Dragging the line calls this.
 */
void
chiaro_canvas_set_split_position (ChiaroCanvas *self,
                                  double        position)
{
  g_return_if_fail (CHIARO_IS_CANVAS (self));

  position = CLAMP (position, 0.0, 1.0);
  if (self->split_position == position)
    return;

  self->split_position = position;
  if (visible_mode (self) == CHIARO_COMPARE_MODE_SPLIT)
    {
      invalidate_cache (self);
      update_cursor (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPLIT_POSITION]);
}

/**
 * chiaro_canvas_get_showing_other:
 * @self: a #ChiaroCanvas
 *
 * Returns: whether the compare texture is shown in place of the current one
 */
gboolean
chiaro_canvas_get_showing_other (ChiaroCanvas *self)
{
  g_return_val_if_fail (CHIARO_IS_CANVAS (self), FALSE);

  return self->showing_other;
}

/**
 * chiaro_canvas_set_showing_other:
 * @self: a #ChiaroCanvas
 * @showing_other: whether to show the compare texture in place of the current one
 *
 * Shows the other image while a key or button is held. Holding the secondary button in the
 * hold mode calls this.
 */
void
chiaro_canvas_set_showing_other (ChiaroCanvas *self,
                                 gboolean      showing_other)
{
  g_return_if_fail (CHIARO_IS_CANVAS (self));

  showing_other = !!showing_other;
  if (self->showing_other == showing_other)
    return;

  self->showing_other = showing_other;
  invalidate_cache (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWING_OTHER]);
}

/**
 * chiaro_canvas_get_busy:
 * @self: a #ChiaroCanvas
 *
 * Returns: whether the difference heat map, or a display copy of a large image, is being
 *   computed
 */
gboolean
chiaro_canvas_get_busy (ChiaroCanvas *self)
{
  g_return_val_if_fail (CHIARO_IS_CANVAS (self), FALSE);

  return is_busy (self);
}

/**
 * chiaro_canvas_get_zoom:
 * @self: a #ChiaroCanvas
 *
 * Returns: the zoom shown, in device pixels per image pixel
 */
double
chiaro_canvas_get_zoom (ChiaroCanvas *self)
{
  Layout layout;

  g_return_val_if_fail (CHIARO_IS_CANVAS (self), 1);

  get_layout (self, &layout);
  return layout.zoom;
}

/**
 * chiaro_canvas_set_zoom:
 * @self: a #ChiaroCanvas
 * @zoom: device pixels per image pixel, clamped to 1 %…3200 %
 *
 * Zooms around the centre of the view and stops fitting.
 */
void
chiaro_canvas_set_zoom (ChiaroCanvas *self,
                        double        zoom)
{
  Layout layout;

  g_return_if_fail (CHIARO_IS_CANVAS (self));

  get_layout (self, &layout);
  chiaro_canvas_set_zoom_at (self, zoom,
                             layout.viewport.origin.x + layout.viewport.size.width / 2,
                             layout.viewport.origin.y + layout.viewport.size.height / 2);
}

/**
 * chiaro_canvas_set_zoom_at:
 * @self: a #ChiaroCanvas
 * @zoom: device pixels per image pixel, clamped to 1 %…3200 %
 * @x: a point of the widget
 * @y: a point of the widget
 *
 * Zooms so that the image point under (@x, @y) stays there, as far as the image can still
 * cover the view, and stops fitting. The wheel zooms through this.
 */
void
chiaro_canvas_set_zoom_at (ChiaroCanvas *self,
                           double        zoom,
                           double        x,
                           double        y)
{
  Layout layout;

  g_return_if_fail (CHIARO_IS_CANVAS (self));

  if (self->texture == NULL)
    {
      self->zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
      set_fit (self, FALSE);
      update_view (self);
      return;
    }

  get_layout (self, &layout);
  to_current_viewport (&layout, &x, &y);
  apply_zoom (self, &layout, zoom,
              (x - layout.image.origin.x) / layout.scale,
              (y - layout.image.origin.y) / layout.scale,
              x, y);
}

/**
 * chiaro_canvas_get_fit:
 * @self: a #ChiaroCanvas
 *
 * Returns: whether the whole image is shown, following the canvas's size
 */
gboolean
chiaro_canvas_get_fit (ChiaroCanvas *self)
{
  g_return_val_if_fail (CHIARO_IS_CANVAS (self), TRUE);

  return self->fit;
}

/**
 * chiaro_canvas_zoom_fit:
 * @self: a #ChiaroCanvas
 *
 * Shows the whole image, as large as fits but never past 100 %, from now on.
 */
void
chiaro_canvas_zoom_fit (ChiaroCanvas *self)
{
  g_return_if_fail (CHIARO_IS_CANVAS (self));

  set_fit (self, TRUE);
  update_view (self);
}

/**
 * chiaro_canvas_zoom_in:
 * @self: a #ChiaroCanvas
 *
 * Zooms in to the next step (…, 67 %, 100 %, 150 %, 200 %, …) around the centre of the view.
 */
void
chiaro_canvas_zoom_in (ChiaroCanvas *self)
{
  Layout layout;
  double target = MAX_ZOOM;

  g_return_if_fail (CHIARO_IS_CANVAS (self));

  get_layout (self, &layout);
  for (guint i = 0; i < G_N_ELEMENTS (zoom_steps); i++)
    if (zoom_steps[i] >= layout.zoom * MIN_STEP_RATIO)
      {
        target = zoom_steps[i];
        break;
      }

  zoom_interactively (self, target,
                      layout.viewport.origin.x + layout.viewport.size.width / 2,
                      layout.viewport.origin.y + layout.viewport.size.height / 2);
}

/**
 * chiaro_canvas_zoom_out:
 * @self: a #ChiaroCanvas
 *
 * Zooms out to the previous step around the centre of the view, stopping at fit.
 */
void
chiaro_canvas_zoom_out (ChiaroCanvas *self)
{
  Layout layout;
  double target = MIN_ZOOM;

  g_return_if_fail (CHIARO_IS_CANVAS (self));

  get_layout (self, &layout);
  for (guint i = G_N_ELEMENTS (zoom_steps); i > 0; i--)
    if (zoom_steps[i - 1] * MIN_STEP_RATIO <= layout.zoom)
      {
        target = zoom_steps[i - 1];
        break;
      }

  zoom_interactively (self, target,
                      layout.viewport.origin.x + layout.viewport.size.width / 2,
                      layout.viewport.origin.y + layout.viewport.size.height / 2);
}

/**
 * chiaro_canvas_pan_by:
 * @self: a #ChiaroCanvas
 * @dx: how far to move the image to the right, in logical pixels
 * @dy: how far to move it down
 *
 * Moves the image, as far as it still covers the view; nothing happens when it fits. Dragging
 * and scrolling pan through this.
 */
void
chiaro_canvas_pan_by (ChiaroCanvas *self,
                      double        dx,
                      double        dy)
{
  Layout layout;

  g_return_if_fail (CHIARO_IS_CANVAS (self));

  if (self->texture == NULL)
    return;

  get_layout (self, &layout);
  if (!is_pannable (&layout))
    return;

  self->zoom = layout.zoom;
  self->centre_x = clamp_centre (layout.centre_x - dx / layout.scale,
                                 gdk_texture_get_width (self->texture),
                                 layout.viewport.size.width, layout.scale);
  self->centre_y = clamp_centre (layout.centre_y - dy / layout.scale,
                                 gdk_texture_get_height (self->texture),
                                 layout.viewport.size.height, layout.scale);
  set_fit (self, FALSE);
  update_view (self);
}

/**
 * chiaro_canvas_get_image_bounds:
 * @self: a #ChiaroCanvas
 * @bounds: (out caller-allocates): where the current image is drawn, in widget coordinates
 *
 * Gets the rectangle the current image occupies (in the side by side view, in the right
 * half); empty when there is no image. When zoomed in, it reaches past the widget.
 */
void
chiaro_canvas_get_image_bounds (ChiaroCanvas    *self,
                                graphene_rect_t *bounds)
{
  Layout layout;

  g_return_if_fail (CHIARO_IS_CANVAS (self));
  g_return_if_fail (bounds != NULL);

  get_layout (self, &layout);
  *bounds = layout.image;
}
