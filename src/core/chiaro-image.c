/* chiaro-image.c — an image file's bytes, format and size, decoded on demand
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ChiaroImage keeps the bytes exactly as they were opened or received (they are what gets
 * stored and sent), together with what can be learnt without decoding: the format, sniffed
 * from the bytes, the EXIF orientation and the upright size. Decoding to pixels is a separate,
 * cancellable step that refuses decompression bombs before allocating anything. Instances are
 * immutable once made, so they can be shared with worker threads.
 */

#define G_LOG_DOMAIN "chiaro-image"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chiaro-exif.h"
#include "chiaro-mime.h"

#include "chiaro-image.h"

/* Bytes fed to the decoder at a time: small enough to check for cancellation often. */
#define DECODE_CHUNK_SIZE (256 * 1024)

struct _ChiaroImage
{
  GObject parent_instance;

  /* owned */
  GBytes *bytes;
  char *mime_type;
  char *display_name; /* (nullable) */

  /* the size as stored, before orientation is applied */
  int stored_width;
  int stored_height;
  guint orientation;
};

G_DEFINE_FINAL_TYPE (ChiaroImage, chiaro_image, G_TYPE_OBJECT)

G_DEFINE_QUARK (chiaro-codec-error-quark, chiaro_codec_error)

enum {
  PROP_0,
  PROP_BYTES,
  PROP_MIME_TYPE,
  PROP_DISPLAY_NAME,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_ORIENTATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  int width;
  int height;
  gboolean probe_only;
  gboolean too_large;
  int scaled_width;   /* > 0: ask the decoder for this size, as stored */
  int scaled_height;
} SizeCheck;

static gboolean
orientation_swaps_sides (guint orientation)
{
  return orientation >= 5 && orientation <= 8;
}

static gboolean
size_exceeds_limits (int width,
                     int height)
{
  return width > CHIARO_IMAGE_MAX_SIDE ||
         height > CHIARO_IMAGE_MAX_SIDE ||
         (gint64) width * (gint64) height > CHIARO_IMAGE_MAX_PIXELS;
}

static const char *
format_name (const char *mime_type)
{
  const char *extension = chiaro_mime_get_extension (mime_type);

  return extension != NULL ? extension : mime_type;
}

static void
set_corrupt_error (GError     **error,
                   const char  *display_name)
{
  if (display_name != NULL)
    g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_CORRUPT,
                 _("“%s” could not be decoded. The file may be damaged or incomplete."),
                 display_name);
  else
    g_set_error_literal (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_CORRUPT,
                         _("The image could not be decoded. It may be damaged or incomplete."));
}

static void
set_too_large_error (GError     **error,
                     const char  *display_name,
                     int          width,
                     int          height)
{
  if (display_name != NULL)
    g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE,
                 /* Translators: the numbers are the image's width and height in pixels, then
                  * the largest area in megapixels and the longest side Chiaro accepts. */
                 _("“%s” is too large to open (%d × %d pixels). Images may have up to %d "
                   "megapixels and %d pixels on a side."),
                 display_name, width, height, CHIARO_IMAGE_MAX_PIXELS / 1000000,
                 CHIARO_IMAGE_MAX_SIDE);
  else
    g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE,
                 /* Translators: as above, for an image without a file name. */
                 _("The image is too large (%d × %d pixels). Images may have up to %d "
                   "megapixels and %d pixels on a side."),
                 width, height, CHIARO_IMAGE_MAX_PIXELS / 1000000, CHIARO_IMAGE_MAX_SIDE);
}

static GdkPixbufLoader *
create_loader (const char  *mime_type,
               const char  *display_name,
               GError     **error)
{
  GdkPixbufLoader *loader;

  loader = gdk_pixbuf_loader_new_with_mime_type (mime_type, NULL);

  /* Some HEIF loaders only register the generic type. */
  if (loader == NULL && g_str_equal (mime_type, "image/heic"))
    loader = gdk_pixbuf_loader_new_with_mime_type ("image/heif", NULL);

  if (loader == NULL)
    {
      g_autofree char *format = g_ascii_strup (format_name (mime_type), -1);

      if (display_name != NULL)
        g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_UNSUPPORTED,
                     /* Translators: the second %s is a format name such as HEIC. */
                     _("“%s” is a %s image, but this system has no decoder for that format."),
                     display_name, format);
      else
        g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_UNSUPPORTED,
                     /* Translators: %s is a format name such as HEIC. */
                     _("This system has no decoder for %s images."),
                     format);
    }

  return loader;
}

static void
on_loader_size_prepared (GdkPixbufLoader *loader,
                         int              width,
                         int              height,
                         SizeCheck       *check)
{
  check->width = width;
  check->height = height;
  check->too_large = size_exceeds_limits (width, height);

  /* A zero size makes the loaders stop before they allocate the pixel buffer. */
  if (check->probe_only || check->too_large)
    gdk_pixbuf_loader_set_size (loader, 0, 0);
  else if (check->scaled_width > 0)
    gdk_pixbuf_loader_set_size (loader, check->scaled_width, check->scaled_height);
}

/* Feeds @bytes to a loader until it knows the image size, without decoding it. */
static gboolean
probe_size (GBytes      *bytes,
            const char  *mime_type,
            const char  *display_name,
            int         *width,
            int         *height,
            GError     **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  SizeCheck check = { .probe_only = TRUE };
  const guint8 *data;
  gsize size;
  gsize offset = 0;

  data = g_bytes_get_data (bytes, &size);

  /* Some loaders misbehave on broken headers before they can fail (a BMP's sizes its buffer
   * from them, WebP's and GIF's fail GLib assertions): look at those first. */
  if ((g_str_equal (mime_type, "image/bmp") || g_str_equal (mime_type, "image/webp") ||
       g_str_equal (mime_type, "image/gif")) &&
      !chiaro_mime_looks_complete (data, size, mime_type))
    {
      set_corrupt_error (error, display_name);
      return FALSE;
    }

  if (!(loader = create_loader (mime_type, display_name, error)))
    return FALSE;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_loader_size_prepared), &check);

  while (offset < size && check.width <= 0)
    {
      gsize chunk = MIN (size - offset, (gsize) DECODE_CHUNK_SIZE);

      if (!gdk_pixbuf_loader_write (loader, data + offset, chunk, NULL))
        break;
      offset += chunk;
    }

  /* Non-incremental loaders only look at the data when closed. The error that the zero size
   * provokes is expected. */
  gdk_pixbuf_loader_close (loader, NULL);

  if (check.width <= 0 || check.height <= 0)
    {
      set_corrupt_error (error, display_name);
      return FALSE;
    }

  *width = check.width;
  *height = check.height;
  return TRUE;
}

/* Where the stored pixel shown at (x, y) comes from, for each EXIF orientation. @width and
 * @height are the stored size. */
static inline void
source_of (guint  orientation,
           int    x,
           int    y,
           int    width,
           int    height,
           int   *sx,
           int   *sy)
{
  switch (orientation)
    {
    case 2: *sx = width - 1 - x; *sy = y; break;
    case 3: *sx = width - 1 - x; *sy = height - 1 - y; break;
    case 4: *sx = x; *sy = height - 1 - y; break;
    case 5: *sx = y; *sy = x; break;
    case 6: *sx = y; *sy = height - 1 - x; break;
    case 7: *sx = width - 1 - y; *sy = height - 1 - x; break;
    case 8: *sx = width - 1 - y; *sy = x; break;
    default: *sx = x; *sy = y; break;
    }
}

/* Turns stored pixels upright. It walks the output in small tiles so that reads down the
 * columns of a 12 MP photo stay in cache: several times faster than gdk_pixbuf_rotate_simple(),
 * which made orientation the most expensive step of opening a camera photo. */
#define ORIENT_TILE 64

static GdkPixbuf *
apply_orientation (GdkPixbuf *pixbuf,
                   guint      orientation)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  int src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  gboolean swap = orientation_swaps_sides (orientation);
  int out_width = swap ? height : width;
  int out_height = swap ? width : height;
  GdkPixbuf *upright;
  ptrdiff_t step;
  guint8 *dst;
  int dst_stride;

  if (orientation < 2 || orientation > 8)
    return g_object_ref (pixbuf);

  upright = gdk_pixbuf_new (GDK_COLORSPACE_RGB, gdk_pixbuf_get_has_alpha (pixbuf), 8,
                            out_width, out_height);
  if (upright == NULL)
    return NULL;

  dst = gdk_pixbuf_get_pixels (upright);
  dst_stride = gdk_pixbuf_get_rowstride (upright);

  /* Along an output row the source moves by a fixed step: one pixel sideways, or one row. */
  {
    int x0, y0, x1, y1;

    source_of (orientation, 0, 0, width, height, &x0, &y0);
    source_of (orientation, 1, 0, width, height, &x1, &y1);
    step = (ptrdiff_t) (y1 - y0) * src_stride + (ptrdiff_t) (x1 - x0) * n_channels;
  }

  for (int ty = 0; ty < out_height; ty += ORIENT_TILE)
    for (int tx = 0; tx < out_width; tx += ORIENT_TILE)
      {
        int y_end = MIN (ty + ORIENT_TILE, out_height);
        int x_end = MIN (tx + ORIENT_TILE, out_width);

        for (int y = ty; y < y_end; y++)
          {
            guint8 *out = dst + (gsize) y * dst_stride + (gsize) tx * n_channels;
            const guint8 *in;
            int sx, sy;

            source_of (orientation, tx, y, width, height, &sx, &sy);
            in = src + (gsize) sy * src_stride + (gsize) sx * n_channels;

            for (int x = tx; x < x_end; x++, out += n_channels, in += step)
              {
                out[0] = in[0];
                out[1] = in[1];
                out[2] = in[2];
                if (n_channels == 4)
                  out[3] = in[3];
              }
          }
      }

  return upright;
}

static void
chiaro_image_finalize (GObject *object)
{
  ChiaroImage *self = (ChiaroImage *)object;

  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->mime_type, g_free);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (chiaro_image_parent_class)->finalize (object);
}

static void
chiaro_image_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ChiaroImage *self = CHIARO_IMAGE (object);

  switch (prop_id)
    {
    case PROP_BYTES:
      g_value_set_boxed (value, self->bytes);
      break;

    case PROP_MIME_TYPE:
      g_value_set_string (value, self->mime_type);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;

    case PROP_WIDTH:
      g_value_set_int (value, chiaro_image_get_width (self));
      break;

    case PROP_HEIGHT:
      g_value_set_int (value, chiaro_image_get_height (self));
      break;

    case PROP_ORIENTATION:
      g_value_set_uint (value, self->orientation);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_image_class_init (ChiaroImageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chiaro_image_finalize;
  object_class->get_property = chiaro_image_get_property;

  properties[PROP_BYTES] =
    g_param_spec_boxed ("bytes", NULL, NULL,
                        G_TYPE_BYTES,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_MIME_TYPE] =
    g_param_spec_string ("mime-type", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_ORIENTATION] =
    g_param_spec_uint ("orientation", NULL, NULL,
                       1, 8, 1,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_image_init (ChiaroImage *self)
{
  self->orientation = 1;
}

/**
 * chiaro_image_new_from_bytes:
 * @bytes: the contents of an image file
 * @display_name: (nullable): how to name the image in error messages, usually its file name
 * @error: a location for a #GError
 *
 * Identifies the format of @bytes, reads its EXIF orientation and its size. Pixels are not
 * decoded, but some formats (HEIF) have to be decoded to learn their size: call this on a
 * worker thread.
 *
 * Returns: (transfer full): a new #ChiaroImage, or %NULL with @error set in
 *   %CHIARO_CODEC_ERROR
 */
ChiaroImage *
chiaro_image_new_from_bytes (GBytes      *bytes,
                             const char  *display_name,
                             GError     **error)
{
  g_autoptr(ChiaroImage) self = NULL;
  const char *mime_type;
  const guint8 *data;
  gsize size;
  int width, height;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      if (display_name != NULL)
        g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_EMPTY,
                     _("“%s” is empty."), display_name);
      else
        g_set_error_literal (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_EMPTY,
                             _("The image is empty."));
      return NULL;
    }

  if (!(mime_type = chiaro_mime_sniff (data, size)))
    {
      if (display_name != NULL)
        g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_UNSUPPORTED,
                     _("“%s” is not an image Chiaro can open. Chiaro opens PNG, JPEG, WebP, "
                       "HEIC, AVIF, TIFF, GIF and BMP files."),
                     display_name);
      else
        g_set_error_literal (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_UNSUPPORTED,
                             _("This is not an image Chiaro can open. Chiaro opens PNG, JPEG, "
                               "WebP, HEIC, AVIF, TIFF, GIF and BMP files."));
      return NULL;
    }

  if (!probe_size (bytes, mime_type, display_name, &width, &height, error))
    return NULL;

  if (size_exceeds_limits (width, height))
    {
      set_too_large_error (error, display_name, width, height);
      return NULL;
    }

  if (!chiaro_mime_looks_complete (data, size, mime_type))
    {
      set_corrupt_error (error, display_name);
      return NULL;
    }

  self = g_object_new (CHIARO_TYPE_IMAGE, NULL);
  self->bytes = g_bytes_ref (bytes);
  self->mime_type = g_strdup (mime_type);
  self->display_name = g_strdup (display_name);
  self->stored_width = width;
  self->stored_height = height;
  self->orientation = chiaro_exif_get_orientation (data, size, mime_type);

  return g_steal_pointer (&self);
}

/**
 * chiaro_image_new_from_file:
 * @file: the file to read
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Reads @file and calls chiaro_image_new_from_bytes() on its contents. This blocks: call it
 * on a worker thread, or use chiaro_image_load_file_async(). Every error names the file.
 *
 * Returns: (transfer full): a new #ChiaroImage, or %NULL with @error set in
 *   %CHIARO_CODEC_ERROR (or %G_IO_ERROR_CANCELLED)
 */
ChiaroImage *
chiaro_image_new_from_file (GFile         *file,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *display_name = NULL;
  goffset size;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE,
                            cancellable,
                            &local_error);

  if (info != NULL)
    display_name = g_strdup (g_file_info_get_display_name (info));
  else
    {
      /* A dangling link or a missing file still has a name to show. */
      g_autofree char *basename = g_file_get_basename (file);

      display_name = g_filename_display_name (basename != NULL ? basename : "");
    }

  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_UNREADABLE,
                     /* Translators: the first %s is a file name, the second the reason. */
                     _("“%s” could not be read: %s"),
                     display_name, local_error->message);
      return NULL;
    }

  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_UNREADABLE,
                   _("“%s” is a folder, not an image."), display_name);
      return NULL;
    }

  size = g_file_info_get_size (info);
  if (size > CHIARO_IMAGE_MAX_FILE_SIZE)
    {
      g_autofree char *size_text = g_format_size (size);
      g_autofree char *limit_text = g_format_size (CHIARO_IMAGE_MAX_FILE_SIZE);

      g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE,
                   /* Translators: "“photo.tiff” is too large to open (300 MB). …up to 268 MB." */
                   _("“%s” is too large to open (%s). Chiaro opens files up to %s."),
                   display_name, size_text, limit_text);
      return NULL;
    }

  if (!(bytes = g_file_load_bytes (file, cancellable, NULL, &local_error)))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_UNREADABLE,
                     _("“%s” could not be read: %s"),
                     display_name, local_error->message);
      return NULL;
    }

  return chiaro_image_new_from_bytes (bytes, display_name, error);
}

static void
load_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GFile *file = task_data;
  ChiaroImage *image;
  GError *error = NULL;

  if ((image = chiaro_image_new_from_file (file, cancellable, &error)))
    g_task_return_pointer (task, image, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * chiaro_image_load_file_async:
 * @file: the file to read
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is read
 * @user_data: data for @callback
 *
 * Reads @file on a worker thread, like chiaro_image_new_from_file().
 */
void
chiaro_image_load_file_async (GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_image_load_file_async);
  g_task_set_name (task, "[chiaro] load image file");
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, load_file_thread);
}

/**
 * chiaro_image_load_file_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
ChiaroImage *
chiaro_image_load_file_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == chiaro_image_load_file_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * chiaro_image_get_bytes:
 * @self: a #ChiaroImage
 *
 * Returns: (transfer none): the bytes exactly as opened or received
 */
GBytes *
chiaro_image_get_bytes (ChiaroImage *self)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE (self), NULL);

  return self->bytes;
}

/**
 * chiaro_image_get_mime_type:
 * @self: a #ChiaroImage
 *
 * Returns: the MIME type sniffed from the bytes, such as "image/jpeg"
 */
const char *
chiaro_image_get_mime_type (ChiaroImage *self)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE (self), NULL);

  return self->mime_type;
}

/**
 * chiaro_image_get_display_name:
 * @self: a #ChiaroImage
 *
 * Returns: (nullable): the name the image was opened under, for messages
 */
const char *
chiaro_image_get_display_name (ChiaroImage *self)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE (self), NULL);

  return self->display_name;
}

/**
 * chiaro_image_strip_extension:
 * @file_name: a file's name, such as "Holiday.jpg"
 *
 * The name without a known image extension (any case): "Holiday.jpg" gives "Holiday", while
 * "Notes.txt", "v1.2" and ".png" stay as they are.
 *
 * Returns: (transfer full): the name to call a project started from the file
 */
char *
chiaro_image_strip_extension (const char *file_name)
{
  static const char * const extensions[] = { ".jpg", ".jpeg", ".jpe", ".png", ".webp",
                                             ".gif", ".heic", ".heif", ".avif", ".tif",
                                             ".tiff", ".bmp" };
  const char *dot;
  gsize stem;

  g_return_val_if_fail (file_name != NULL, NULL);

  dot = strrchr (file_name, '.');
  if (dot == NULL || dot == file_name)
    return g_strdup (file_name);

  stem = dot - file_name;
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_ascii_strcasecmp (dot, extensions[i]) == 0)
      return g_strndup (file_name, stem);

  return g_strdup (file_name);
}

/**
 * chiaro_image_get_width:
 * @self: a #ChiaroImage
 *
 * Returns: the width of the image as displayed, that is with its orientation applied
 */
int
chiaro_image_get_width (ChiaroImage *self)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE (self), 0);

  return orientation_swaps_sides (self->orientation) ? self->stored_height : self->stored_width;
}

/**
 * chiaro_image_get_height:
 * @self: a #ChiaroImage
 *
 * Returns: the height of the image as displayed, that is with its orientation applied
 */
int
chiaro_image_get_height (ChiaroImage *self)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE (self), 0);

  return orientation_swaps_sides (self->orientation) ? self->stored_width : self->stored_height;
}

/**
 * chiaro_image_get_orientation:
 * @self: a #ChiaroImage
 *
 * Returns: the EXIF orientation, 1 (upright) to 8
 */
guint
chiaro_image_get_orientation (ChiaroImage *self)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE (self), 1);

  return self->orientation;
}

/* Decodes to @width × @height as stored (before orientation), then turns upright. */
static GdkPixbuf *
decode_to_size (ChiaroImage   *self,
                int            width,
                int            height,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  GdkPixbuf *pixbuf;
  SizeCheck check = { .probe_only = FALSE };
  const guint8 *data;
  gsize size;
  gsize offset = 0;
  gboolean ok = TRUE;

  if (width != self->stored_width || height != self->stored_height)
    {
      check.scaled_width = width;
      check.scaled_height = height;
    }

  if (!(loader = create_loader (self->mime_type, self->display_name, error)))
    return NULL;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_loader_size_prepared), &check);

  data = g_bytes_get_data (self->bytes, &size);
  while (ok && offset < size && !check.too_large)
    {
      gsize chunk = MIN (size - offset, (gsize) DECODE_CHUNK_SIZE);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          gdk_pixbuf_loader_close (loader, NULL);
          return NULL;
        }

      ok = gdk_pixbuf_loader_write (loader, data + offset, chunk, &local_error);
      offset += chunk;
    }

  if (ok)
    ok = gdk_pixbuf_loader_close (loader, &local_error);
  else
    gdk_pixbuf_loader_close (loader, NULL);

  if (check.too_large)
    {
      set_too_large_error (error, self->display_name, check.width, check.height);
      return NULL;
    }

  pixbuf = ok ? gdk_pixbuf_loader_get_pixbuf (loader) : NULL;
  if (pixbuf == NULL ||
      gdk_pixbuf_get_width (pixbuf) != width ||
      gdk_pixbuf_get_height (pixbuf) != height)
    {
      if (local_error != NULL)
        g_debug ("Decoder refused %s: %s", self->mime_type, local_error->message);
      set_corrupt_error (error, self->display_name);
      return NULL;
    }

  if (!(pixbuf = apply_orientation (pixbuf, self->orientation)))
    {
      set_too_large_error (error, self->display_name, self->stored_width, self->stored_height);
      return NULL;
    }

  return pixbuf;
}

/**
 * chiaro_image_decode:
 * @self: a #ChiaroImage
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Decodes the image to upright pixels. This blocks: call it on a worker thread, or use
 * chiaro_image_decode_async().
 *
 * Returns: (transfer full): the pixels, or %NULL with @error set in %CHIARO_CODEC_ERROR
 *   (or %G_IO_ERROR_CANCELLED)
 */
GdkPixbuf *
chiaro_image_decode (ChiaroImage   *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return decode_to_size (self, self->stored_width, self->stored_height, cancellable, error);
}

/**
 * chiaro_image_decode_scaled:
 * @self: a #ChiaroImage
 * @max_long_side: the longest side wanted, in pixels
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Decodes the image to upright pixels no longer than @max_long_side on either side, keeping
 * its shape. The decoder scales while it decodes where it can (JPEG decodes at a half, a
 * quarter or an eighth directly), which is much faster than decoding everything and scaling
 * afterwards. Images already small enough are decoded as they are. This blocks: call it on a
 * worker thread.
 *
 * Returns: (transfer full): the pixels, or %NULL with @error set in %CHIARO_CODEC_ERROR
 *   (or %G_IO_ERROR_CANCELLED)
 */
GdkPixbuf *
chiaro_image_decode_scaled (ChiaroImage   *self,
                            int            max_long_side,
                            GCancellable  *cancellable,
                            GError       **error)
{
  int width, height;

  g_return_val_if_fail (CHIARO_IS_IMAGE (self), NULL);
  g_return_val_if_fail (max_long_side > 0, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  width = self->stored_width;
  height = self->stored_height;

  /* The long side is the same before and after orientation. */
  if (width >= height && width > max_long_side)
    {
      height = MAX (1, (int) ((gint64) height * max_long_side / width));
      width = max_long_side;
    }
  else if (height > width && height > max_long_side)
    {
      width = MAX (1, (int) ((gint64) width * max_long_side / height));
      height = max_long_side;
    }

  return decode_to_size (self, width, height, cancellable, error);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ChiaroImage *self = source_object;
  GdkPixbuf *pixbuf;
  GError *error = NULL;

  if ((pixbuf = chiaro_image_decode (self, cancellable, &error)))
    g_task_return_pointer (task, pixbuf, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * chiaro_image_decode_async:
 * @self: a #ChiaroImage
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the pixels are ready
 * @user_data: data for @callback
 *
 * Decodes the image on a worker thread, like chiaro_image_decode().
 */
void
chiaro_image_decode_async (ChiaroImage         *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CHIARO_IS_IMAGE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_image_decode_async);
  g_task_set_name (task, "[chiaro] decode image");
  g_task_run_in_thread (task, decode_thread);
}

/**
 * chiaro_image_decode_finish:
 * @self: a #ChiaroImage
 * @result: the #GAsyncResult given to the callback
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the upright pixels, or %NULL with @error set
 */
GdkPixbuf *
chiaro_image_decode_finish (ChiaroImage   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == chiaro_image_decode_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
