/* chiaro-thumbnail.c — a stored image's thumbnail, loaded off the main thread
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A box of exactly the given size that shows the image store's thumbnail of one image,
 * scaled to cover it (give it the image's aspect ratio to see all of it). The thumbnail is made (or read from thumbs/) on a worker by the store; until it
 * comes the box stays an empty placeholder, and an image that cannot be read shows a
 * "missing" icon instead.
 */

#define G_LOG_DOMAIN "chiaro-thumbnail"

#include "config.h"

#include "chiaro-texture.h"

#include "chiaro-thumbnail.h"

struct _ChiaroThumbnail
{
  GtkWidget parent_instance;

  /* children */
  GtkWidget *picture;
  GtkWidget *missing_icon;

  /* owned */
  int width;
  int height;
  ChiaroImageStore *images;
  char *hash;
  char *mime_type;
  GdkPixbuf *pixbuf;            /* (nullable) the store's thumbnail, until loaded */
  GdkTexture *texture;          /* (nullable) it at the size shown, until loaded */
  GCancellable *cancellable;

  /* flags */
  gboolean failed;
};

G_DEFINE_FINAL_TYPE (ChiaroThumbnail, chiaro_thumbnail, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXTURE,
  PROP_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The store's thumbnail, scaled once to the pixels it covers: a texture is converted again at
 * every frame the cairo renderer draws (chiaro-texture.c). */
static void
show_pixbuf (ChiaroThumbnail *self)
{
  g_clear_object (&self->texture);
  self->texture = chiaro_texture_new_for_size (self->pixbuf, self->width, self->height,
                                               gtk_widget_get_scale_factor (GTK_WIDGET (self)),
                                               GTK_CONTENT_FIT_COVER);
  gtk_picture_set_paintable (GTK_PICTURE (self->picture), GDK_PAINTABLE (self->texture));
}

static void
on_scale_factor_changed (ChiaroThumbnail *self,
                         GParamSpec      *pspec,
                         gpointer         user_data)
{
  if (self->pixbuf == NULL)
    return;

  show_pixbuf (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

static void
on_thumbnail_ready (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ChiaroThumbnail) self = user_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = chiaro_image_store_thumbnail_finish (CHIARO_IMAGE_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (pixbuf == NULL)
    {
      g_debug ("No thumbnail for %s: %s", self->hash, error->message);
      self->failed = TRUE;
      gtk_widget_set_visible (self->missing_icon, TRUE);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "loading");
      gtk_widget_add_css_class (GTK_WIDGET (self), "missing");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
      return;
    }

  self->pixbuf = g_steal_pointer (&pixbuf);
  show_pixbuf (self);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "loading");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

/* Always the size asked for, whatever the picture's own size. */
static void
chiaro_thumbnail_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  ChiaroThumbnail *self = CHIARO_THUMBNAIL (widget);

  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? self->width : self->height;
}

static void
chiaro_thumbnail_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  ChiaroThumbnail *self = CHIARO_THUMBNAIL (widget);

  gtk_widget_allocate (self->picture, width, height, baseline, NULL);
  gtk_widget_allocate (self->missing_icon, width, height, baseline, NULL);
}

static void
chiaro_thumbnail_dispose (GObject *object)
{
  ChiaroThumbnail *self = CHIARO_THUMBNAIL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->picture, gtk_widget_unparent);
  g_clear_pointer (&self->missing_icon, gtk_widget_unparent);
  g_clear_object (&self->texture);
  g_clear_object (&self->pixbuf);
  g_clear_object (&self->images);

  G_OBJECT_CLASS (chiaro_thumbnail_parent_class)->dispose (object);
}

static void
chiaro_thumbnail_finalize (GObject *object)
{
  ChiaroThumbnail *self = CHIARO_THUMBNAIL (object);

  g_clear_object (&self->cancellable);
  g_free (self->hash);
  g_free (self->mime_type);

  G_OBJECT_CLASS (chiaro_thumbnail_parent_class)->finalize (object);
}

static void
chiaro_thumbnail_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ChiaroThumbnail *self = CHIARO_THUMBNAIL (object);

  switch (prop_id)
    {
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;

    case PROP_FAILED:
      g_value_set_boolean (value, self->failed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_thumbnail_class_init (ChiaroThumbnailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_thumbnail_dispose;
  object_class->finalize = chiaro_thumbnail_finalize;
  object_class->get_property = chiaro_thumbnail_get_property;

  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FAILED] =
    g_param_spec_boolean ("failed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->measure = chiaro_thumbnail_measure;
  widget_class->size_allocate = chiaro_thumbnail_size_allocate;

  gtk_widget_class_set_css_name (widget_class, "thumbnail");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
chiaro_thumbnail_init (ChiaroThumbnail *self)
{
  self->cancellable = g_cancellable_new ();

  self->picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (self->picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (self->picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_set_parent (self->picture, GTK_WIDGET (self));

  self->missing_icon = gtk_image_new_from_icon_name ("image-missing-symbolic");
  gtk_widget_add_css_class (self->missing_icon, "dim-label");
  gtk_widget_set_visible (self->missing_icon, FALSE);
  gtk_widget_set_parent (self->missing_icon, GTK_WIDGET (self));

  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (on_scale_factor_changed), NULL);
}

/**
 * chiaro_thumbnail_new:
 * @images: the store the image is in
 * @hash: the image's hash
 * @mime_type: the image's type
 * @width: the width it takes, in pixels
 * @height: the height it takes, in pixels
 * @description: (nullable): what the image shows, for screen readers and the tooltip
 *
 * Returns: (transfer floating): a thumbnail that starts loading at once
 */
GtkWidget *
chiaro_thumbnail_new (ChiaroImageStore *images,
                      const char       *hash,
                      const char       *mime_type,
                      int               width,
                      int               height,
                      const char       *description)
{
  ChiaroThumbnail *self;
  GdkPixbuf *cached;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (images), NULL);
  g_return_val_if_fail (hash != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  self = g_object_new (CHIARO_TYPE_THUMBNAIL, NULL);
  self->images = g_object_ref (images);
  self->hash = g_strdup (hash);
  self->mime_type = g_strdup (mime_type);
  self->width = width;
  self->height = height;
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);

  if (description != NULL)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), description);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                      -1);
    }

  /* A thumbnail already in memory shows at once, without a frame of placeholder. */
  cached = chiaro_image_store_peek_thumbnail (images, hash);
  if (cached != NULL)
    {
      self->pixbuf = g_object_ref (cached);
      show_pixbuf (self);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "loading");
      chiaro_image_store_thumbnail_async (images, hash, mime_type, self->cancellable,
                                          on_thumbnail_ready, g_object_ref (self));
    }

  return GTK_WIDGET (self);
}

/**
 * chiaro_thumbnail_get_hash:
 * @self: a #ChiaroThumbnail
 *
 * Returns: the hash of the image shown
 */
const char *
chiaro_thumbnail_get_hash (ChiaroThumbnail *self)
{
  g_return_val_if_fail (CHIARO_IS_THUMBNAIL (self), NULL);

  return self->hash;
}

/**
 * chiaro_thumbnail_get_texture:
 * @self: a #ChiaroThumbnail
 *
 * Returns: (transfer none) (nullable): the thumbnail, once it has loaded, no larger than
 *   the pixels it covers on the screen
 */
GdkTexture *
chiaro_thumbnail_get_texture (ChiaroThumbnail *self)
{
  g_return_val_if_fail (CHIARO_IS_THUMBNAIL (self), NULL);

  return self->texture;
}

/**
 * chiaro_thumbnail_get_failed:
 * @self: a #ChiaroThumbnail
 *
 * Returns: whether the image could not be read
 */
gboolean
chiaro_thumbnail_get_failed (ChiaroThumbnail *self)
{
  g_return_val_if_fail (CHIARO_IS_THUMBNAIL (self), FALSE);

  return self->failed;
}
