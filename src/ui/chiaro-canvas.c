/* chiaro-canvas.c — shows the current image, fitted to the available space
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The canvas draws one texture centred and scaled down to fit, never up past one image pixel
 * per device pixel, over a checkerboard where the image is transparent. The render node is
 * built once per size and texture and reused for every frame in between, so redraws caused by
 * other widgets cost nothing here.
 */

#define G_LOG_DOMAIN "chiaro-canvas"

#include "config.h"

#include "chiaro-canvas.h"

#define CHECKER_SIZE 8

struct _ChiaroCanvas
{
  GtkWidget parent_instance;

  /* owned */
  GdkTexture *texture;      /* (nullable) */
  GskRenderNode *cached;    /* (nullable) */
  GdkTexture *checkerboard; /* (nullable) */

  /* the size the cached node was built for */
  int cached_width;
  int cached_height;
  int cached_scale;
};

G_DEFINE_FINAL_TYPE (ChiaroCanvas, chiaro_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXTURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
invalidate_cache (ChiaroCanvas *self)
{
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The image's rectangle in widget coordinates: centred, scaled down to fit, and never
 * enlarged beyond one image pixel per device pixel. */
static void
compute_image_bounds (ChiaroCanvas    *self,
                      int              width,
                      int              height,
                      int              scale_factor,
                      graphene_rect_t *bounds)
{
  double image_width, image_height, scale;

  if (self->texture == NULL || width <= 0 || height <= 0)
    {
      graphene_rect_init (bounds, 0, 0, 0, 0);
      return;
    }

  image_width = gdk_texture_get_width (self->texture);
  image_height = gdk_texture_get_height (self->texture);
  scale = MIN (width / image_width, height / image_height);
  scale = MIN (scale, 1.0 / MAX (scale_factor, 1));

  graphene_rect_init (bounds,
                      floor ((width - image_width * scale) / 2),
                      floor ((height - image_height * scale) / 2),
                      round (image_width * scale),
                      round (image_height * scale));
}

static GdkTexture *
create_checkerboard (void)
{
  g_autoptr(GBytes) bytes = NULL;
  guint32 pixels[CHECKER_SIZE * 2 * CHECKER_SIZE * 2];

  /* Two neutral greys: transparency reads the same in light and dark styles. */
  for (int y = 0; y < CHECKER_SIZE * 2; y++)
    for (int x = 0; x < CHECKER_SIZE * 2; x++)
      {
        gboolean dark = (x < CHECKER_SIZE) != (y < CHECKER_SIZE);

        pixels[y * CHECKER_SIZE * 2 + x] = dark ? 0xff999999 : 0xffcccccc;
      }

  bytes = g_bytes_new (pixels, sizeof pixels);
  return gdk_memory_texture_new (CHECKER_SIZE * 2, CHECKER_SIZE * 2,
                                 GDK_MEMORY_DEFAULT, bytes, CHECKER_SIZE * 2 * 4);
}

static GskRenderNode *
build_node (ChiaroCanvas *self,
            int           width,
            int           height,
            int           scale_factor)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  graphene_rect_t bounds;
  GskRoundedRect outline;

  compute_image_bounds (self, width, height, scale_factor, &bounds);
  if (bounds.size.width <= 0 || bounds.size.height <= 0)
    return NULL;

  gsk_rounded_rect_init_from_rect (&outline, &bounds, 0);
  gtk_snapshot_append_outset_shadow (snapshot, &outline,
                                     &(GdkRGBA) { 0, 0, 0, 0.25 }, 0, 1, 0, 4);

  if (self->checkerboard == NULL)
    self->checkerboard = create_checkerboard ();

  gtk_snapshot_push_repeat (snapshot, &bounds, NULL);
  gtk_snapshot_append_texture (snapshot, self->checkerboard,
                               &GRAPHENE_RECT_INIT (bounds.origin.x, bounds.origin.y,
                                                    CHECKER_SIZE * 2, CHECKER_SIZE * 2));
  gtk_snapshot_pop (snapshot);

#if GTK_CHECK_VERSION (4, 10, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  /* Trilinear filtering keeps a photo sharp and free of moiré when shown much smaller. */
  gtk_snapshot_append_scaled_texture (snapshot, self->texture,
                                      GSK_SCALING_FILTER_TRILINEAR, &bounds);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_snapshot_append_texture (snapshot, self->texture, &bounds);
#endif

  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static void
chiaro_canvas_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  ChiaroCanvas *self = CHIARO_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale_factor = gtk_widget_get_scale_factor (widget);

  if (self->texture == NULL)
    return;

  if (self->cached == NULL ||
      self->cached_width != width ||
      self->cached_height != height ||
      self->cached_scale != scale_factor)
    {
      g_clear_pointer (&self->cached, gsk_render_node_unref);
      self->cached = build_node (self, width, height, scale_factor);
      self->cached_width = width;
      self->cached_height = height;
      self->cached_scale = scale_factor;
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
chiaro_canvas_dispose (GObject *object)
{
  ChiaroCanvas *self = (ChiaroCanvas *)object;

  g_clear_pointer (&self->cached, gsk_render_node_unref);
  g_clear_object (&self->texture);
  g_clear_object (&self->checkerboard);

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

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_canvas_class_init (ChiaroCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_canvas_dispose;
  object_class->get_property = chiaro_canvas_get_property;
  object_class->set_property = chiaro_canvas_set_property;

  widget_class->snapshot = chiaro_canvas_snapshot;
  widget_class->measure = chiaro_canvas_measure;

  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL,
                         GDK_TYPE_TEXTURE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
chiaro_canvas_init (ChiaroCanvas *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
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
 */
void
chiaro_canvas_set_texture (ChiaroCanvas *self,
                           GdkTexture   *texture)
{
  g_return_if_fail (CHIARO_IS_CANVAS (self));
  g_return_if_fail (!texture || GDK_IS_TEXTURE (texture));

  if (!g_set_object (&self->texture, texture))
    return;

  invalidate_cache (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

/**
 * chiaro_canvas_get_image_bounds:
 * @self: a #ChiaroCanvas
 * @bounds: (out caller-allocates): where the image is drawn, in widget coordinates
 *
 * Gets the rectangle the image occupies; empty when there is no image.
 */
void
chiaro_canvas_get_image_bounds (ChiaroCanvas    *self,
                                graphene_rect_t *bounds)
{
  g_return_if_fail (CHIARO_IS_CANVAS (self));
  g_return_if_fail (bounds != NULL);

  compute_image_bounds (self,
                        gtk_widget_get_width (GTK_WIDGET (self)),
                        gtk_widget_get_height (GTK_WIDGET (self)),
                        gtk_widget_get_scale_factor (GTK_WIDGET (self)),
                        bounds);
}
