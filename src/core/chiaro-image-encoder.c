/* chiaro-image-encoder.c — encode pixels to fit a size and a byte budget
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opaque pixels become JPEG (quality 90, then 80), pixels with real transparency PNG. When the
 * result is over the budget the picture is scaled down by the square root of the overshoot,
 * with a margin, and encoded again, always from the pixels given, so quality is lost once.
 * The encoders write through a callback that checks the cancellable, so a cancelled request
 * stops in the middle of an encode.
 */

#define G_LOG_DOMAIN "chiaro-image-encoder"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "chiaro-image.h"

#include "chiaro-image-encoder.h"

#define JPEG_QUALITY      "90"
#define JPEG_LOW_QUALITY  "80"
/* Quality 80 is worth a try only when 90 missed by less than this factor; further off, the
 * size has to come down anyway. */
#define LOW_QUALITY_REACH 1.6
/* How much below the estimate to aim, so that a second try usually fits. */
#define SCALE_MARGIN      0.93

typedef struct
{
  GByteArray   *buffer;
  GCancellable *cancellable;
} SaveState;

static gboolean
save_chunk (const char  *data,
            gsize        count,
            GError     **error,
            gpointer     user_data)
{
  SaveState *state = user_data;

  if (g_cancellable_set_error_if_cancelled (state->cancellable, error))
    return FALSE;

  g_byte_array_append (state->buffer, (const guint8 *) data, count);
  return TRUE;
}

static GBytes *
save (GdkPixbuf     *pixbuf,
      gboolean       png,
      const char    *quality,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  SaveState state = { g_byte_array_new (), cancellable };
  gboolean ok;

  if (png)
    ok = gdk_pixbuf_save_to_callback (pixbuf, save_chunk, &state, "png", &local_error, NULL);
  else
    ok = gdk_pixbuf_save_to_callback (pixbuf, save_chunk, &state, "jpeg", &local_error,
                                      "quality", quality, NULL);

  if (!ok)
    {
      g_byte_array_unref (state.buffer);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_CORRUPT,
                   /* Translators: %s is the encoder's own message. */
                   _("The image could not be encoded: %s"),
                   local_error != NULL ? local_error->message : "");
      return NULL;
    }

  return g_byte_array_free_to_bytes (state.buffer);
}

static GdkPixbuf *
scale_to (GdkPixbuf *pixbuf,
          int        width,
          int        height)
{
  if (width == gdk_pixbuf_get_width (pixbuf) && height == gdk_pixbuf_get_height (pixbuf))
    return g_object_ref (pixbuf);

  return gdk_pixbuf_scale_simple (pixbuf, width, height, GDK_INTERP_BILINEAR);
}

/* The size that keeps the aspect ratio with the long side @long_side. */
static void
fit_long_side (int  width,
               int  height,
               int  long_side,
               int *out_width,
               int *out_height)
{
  if (width >= height)
    {
      *out_width = long_side;
      *out_height = MAX (1, (int) ((gint64) height * long_side / width));
    }
  else
    {
      *out_height = long_side;
      *out_width = MAX (1, (int) ((gint64) width * long_side / height));
    }
}

/**
 * chiaro_image_encoder_has_transparency:
 * @pixbuf: pixels
 *
 * Returns: whether some pixel is not fully opaque; an alpha channel that is opaque
 *   everywhere does not count
 */
gboolean
chiaro_image_encoder_has_transparency (GdkPixbuf *pixbuf)
{
  const guint8 *pixels;
  int width, height, stride;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), FALSE);

  if (!gdk_pixbuf_get_has_alpha (pixbuf) || gdk_pixbuf_get_n_channels (pixbuf) != 4)
    return FALSE;

  pixels = gdk_pixbuf_read_pixels (pixbuf);
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    {
      const guint8 *row = pixels + (gsize) y * stride;

      for (int x = 0; x < width; x++)
        if (row[x * 4 + 3] != 0xff)
          return TRUE;
    }
  return FALSE;
}

/**
 * chiaro_image_encoder_encode:
 * @pixbuf: upright pixels
 * @max_long_side: the longest side to keep; larger pictures are scaled down to it
 * @max_bytes: the most bytes the result may take
 * @cancellable: (nullable): a #GCancellable
 * @mime_type: (out): "image/jpeg" for opaque pixels, "image/png" with transparency
 * @width: (out) (optional): the width encoded
 * @height: (out) (optional): the height encoded
 * @squeezed: (out) (optional): whether the budget took quality or size away: a lower quality
 *   or a size under @max_long_side
 * @error: a location for a #GError
 *
 * Encodes @pixbuf, scaled down as little as needed to fit @max_long_side and @max_bytes. This
 * blocks: call it on a worker thread.
 *
 * Returns: (transfer full): the encoded bytes, or %NULL with @error set:
 *   %CHIARO_CODEC_ERROR_TOO_LARGE when even a picture of
 *   %CHIARO_IMAGE_ENCODER_MIN_LONG_SIDE pixels does not fit, or %G_IO_ERROR_CANCELLED
 */
GBytes *
chiaro_image_encoder_encode (GdkPixbuf     *pixbuf,
                             int            max_long_side,
                             gsize          max_bytes,
                             GCancellable  *cancellable,
                             const char   **mime_type,
                             int           *width,
                             int           *height,
                             gboolean      *squeezed,
                             GError       **error)
{
  gboolean png;
  gboolean low_quality = FALSE;
  int source_width, source_height;
  int target_width, target_height;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  g_return_val_if_fail (max_long_side >= CHIARO_IMAGE_ENCODER_MIN_LONG_SIDE, NULL);
  g_return_val_if_fail (mime_type != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  png = chiaro_image_encoder_has_transparency (pixbuf);
  source_width = target_width = gdk_pixbuf_get_width (pixbuf);
  source_height = target_height = gdk_pixbuf_get_height (pixbuf);
  if (MAX (source_width, source_height) > max_long_side)
    fit_long_side (source_width, source_height, max_long_side, &target_width, &target_height);

  for (;;)
    {
      g_autoptr(GdkPixbuf) scaled = NULL;
      g_autoptr(GBytes) bytes = NULL;
      gsize size;
      double factor;
      int long_side;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      if (!(scaled = scale_to (pixbuf, target_width, target_height)))
        {
          g_set_error_literal (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE,
                               _("There is not enough memory to scale the image."));
          return NULL;
        }

      if (!(bytes = save (scaled, png, low_quality ? JPEG_LOW_QUALITY : JPEG_QUALITY,
                          cancellable, error)))
        return NULL;

      size = g_bytes_get_size (bytes);
      g_debug ("%s %d×%d%s%s: %" G_GSIZE_FORMAT " bytes (budget %" G_GSIZE_FORMAT ")",
               png ? "PNG" : "JPEG", target_width, target_height, png ? "" : " quality ",
               png ? "" : low_quality ? JPEG_LOW_QUALITY : JPEG_QUALITY, size, max_bytes);
      if (size <= max_bytes)
        {
          *mime_type = png ? "image/png" : "image/jpeg";
          if (width != NULL)
            *width = target_width;
          if (height != NULL)
            *height = target_height;
          if (squeezed != NULL)
            *squeezed = low_quality || MAX (target_width, target_height) <
                                       MIN (MAX (source_width, source_height), max_long_side);
          return g_steal_pointer (&bytes);
        }

      if (!png && !low_quality && size <= max_bytes * LOW_QUALITY_REACH)
        {
          low_quality = TRUE;
          continue;
        }

      /* Bytes go roughly with the area. */
      factor = MIN (sqrt ((double) max_bytes / size) * SCALE_MARGIN, 0.9);
      long_side = (int) (MAX (target_width, target_height) * factor);
      if (long_side < CHIARO_IMAGE_ENCODER_MIN_LONG_SIDE)
        {
          g_autofree char *budget = g_format_size (max_bytes);

          g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE,
                       /* Translators: %s is a size in bytes, such as "7.0 MB". */
                       _("The image cannot be made to fit in %s."), budget);
          return NULL;
        }
      fit_long_side (source_width, source_height, long_side, &target_width, &target_height);
    }
}
