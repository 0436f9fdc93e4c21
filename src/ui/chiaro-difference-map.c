/* chiaro-difference-map.c — a heat map of what changed between two images
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The map has the size of the current image. The other image is scaled to fit inside it,
 * keeping its aspect ratio and centred, as the canvas draws it; where it does not reach
 * nothing is compared. Each pixel's change is the largest difference of its four
 * premultiplied channels. Changes up to a noise floor leave a dimmed grey copy of the current
 * image; larger ones are painted over it, from translucent yellow to opaque red. The work runs
 * on a worker thread, on textures whose pixels can be read there.
 */

#define G_LOG_DOMAIN "chiaro-difference-map"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "chiaro-difference-map.h"

/* Changes up to this, out of 255, are noise: JPEG, resampling and a model re-drawing an image
 * leave them everywhere. */
#define NOISE_THRESHOLD 16
/* A change this large or larger is shown fully red. */
#define FULL_CHANGE 144
/* How bright the grey copy of the current image is, so the heat stands out. */
#define GREY_LEVEL 0.5
/* How often, in rows, the worker looks for cancellation. */
#define ROWS_PER_CHECK 32

/* The byte order of GDK_MEMORY_DEFAULT, which gdk_texture_download writes. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
enum { CHANNEL_BLUE = 0, CHANNEL_GREEN = 1, CHANNEL_RED = 2, CHANNEL_ALPHA = 3 };
#else
enum { CHANNEL_ALPHA = 0, CHANNEL_RED = 1, CHANNEL_GREEN = 2, CHANNEL_BLUE = 3 };
#endif

typedef struct
{
  GdkTexture *current;  /* (owned) */
  GdkTexture *other;    /* (owned) */
} Inputs;

static void
inputs_free (Inputs *inputs)
{
  g_clear_object (&inputs->current);
  g_clear_object (&inputs->other);
  g_free (inputs);
}

static guint8 *
download (GdkTexture *texture)
{
  gsize stride = (gsize) gdk_texture_get_width (texture) * 4;
  guint8 *pixels = g_malloc (stride * gdk_texture_get_height (texture));

  gdk_texture_download (texture, pixels, stride);
  return pixels;
}

/* Memory textures can be read on any thread; anything else (a GL texture) is copied here, on
 * the main thread, once. */
static GdkTexture *
ref_readable (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autoptr(GBytes) bytes = NULL;

  if (GDK_IS_MEMORY_TEXTURE (texture))
    return g_object_ref (texture);

  bytes = g_bytes_new_take (download (texture), (gsize) width * height * 4);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, (gsize) width * 4);
}

/* @pixels (premultiplied, download order) scaled to @to_width × @to_height, in the same
 * layout; NULL when there is not enough memory. gdk-pixbuf filters properly when shrinking,
 * but wants straight alpha, so the pixels go through it un-premultiplied. */
static guint8 *
scale_pixels (const guint8 *pixels,
              int           width,
              int           height,
              int           to_width,
              int           to_height)
{
  g_autoptr(GdkPixbuf) straight = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  const guint8 *row;
  guint8 *result;
  int stride;

  straight = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, width, height);
  if (straight == NULL)
    return NULL;

  stride = gdk_pixbuf_get_rowstride (straight);
  for (int y = 0; y < height; y++)
    {
      guint8 *out = gdk_pixbuf_get_pixels (straight) + (gsize) y * stride;

      for (int x = 0; x < width; x++, out += 4)
        {
          const guint8 *p = pixels + ((gsize) y * width + x) * 4;
          int alpha = p[CHANNEL_ALPHA];

          out[0] = alpha ? MIN (255, (p[CHANNEL_RED] * 255 + alpha / 2) / alpha) : 0;
          out[1] = alpha ? MIN (255, (p[CHANNEL_GREEN] * 255 + alpha / 2) / alpha) : 0;
          out[2] = alpha ? MIN (255, (p[CHANNEL_BLUE] * 255 + alpha / 2) / alpha) : 0;
          out[3] = alpha;
        }
    }

  scaled = gdk_pixbuf_scale_simple (straight, to_width, to_height, GDK_INTERP_BILINEAR);
  if (scaled == NULL)
    return NULL;

  result = g_try_malloc ((gsize) to_width * to_height * 4);
  if (result == NULL)
    return NULL;

  stride = gdk_pixbuf_get_rowstride (scaled);
  for (int y = 0; y < to_height; y++)
    {
      row = gdk_pixbuf_read_pixels (scaled) + (gsize) y * stride;

      for (int x = 0; x < to_width; x++)
        {
          const guint8 *s = row + x * 4;
          guint8 *p = result + ((gsize) y * to_width + x) * 4;

          p[CHANNEL_RED] = (s[0] * s[3] + 127) / 255;
          p[CHANNEL_GREEN] = (s[1] * s[3] + 127) / 255;
          p[CHANNEL_BLUE] = (s[2] * s[3] + 127) / 255;
          p[CHANNEL_ALPHA] = s[3];
        }
    }

  return result;
}

/* One pixel of the map, premultiplied R, G, B, A: the dimmed grey of @current with the heat
 * of @change over it. The ramp's colours are data, the same in light and dark styles. */
static void
paint_pixel (const guint8 *current,
             int           change,
             guint8       *out)
{
  static const double yellow[3] = { 255, 214, 0 };
  static const double red[3] = { 230, 24, 16 };
  double grey, t, opacity, towards_red;

  grey = (54 * current[CHANNEL_RED] + 183 * current[CHANNEL_GREEN]
          + 19 * current[CHANNEL_BLUE]) / 256.0 * GREY_LEVEL;

  if (change <= NOISE_THRESHOLD)
    {
      out[0] = out[1] = out[2] = (guint8) grey;
      out[3] = current[CHANNEL_ALPHA];
      return;
    }

  t = MIN (1.0, (double) (change - NOISE_THRESHOLD) / (FULL_CHANGE - NOISE_THRESHOLD));
  opacity = MIN (1.0, 0.35 + 1.3 * t);
  towards_red = MAX (0.0, 2 * t - 1);

  for (int c = 0; c < 3; c++)
    {
      double colour = yellow[c] + (red[c] - yellow[c]) * towards_red;

      out[c] = (guint8) CLAMP (colour * opacity + grey * (1 - opacity) + 0.5, 0, 255);
    }
  out[3] = (guint8) CLAMP (255 * opacity + current[CHANNEL_ALPHA] * (1 - opacity) + 0.5, 0, 255);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Inputs *inputs = task_data;
  int width = gdk_texture_get_width (inputs->current);
  int height = gdk_texture_get_height (inputs->current);
  int other_width = gdk_texture_get_width (inputs->other);
  int other_height = gdk_texture_get_height (inputs->other);
  g_autofree guint8 *current = NULL;
  g_autofree guint8 *other = NULL;
  g_autofree guint8 *out = NULL;
  double scale;
  int fit_x, fit_y, fit_width, fit_height;

  current = download (inputs->current);
  other = download (inputs->other);

  /* The other image fitted inside the current one, as the canvas draws it. */
  scale = MIN ((double) width / other_width, (double) height / other_height);
  fit_width = CLAMP ((int) round (other_width * scale), 1, width);
  fit_height = CLAMP ((int) round (other_height * scale), 1, height);
  fit_x = (width - fit_width) / 2;
  fit_y = (height - fit_height) / 2;

  if (fit_width != other_width || fit_height != other_height)
    {
      guint8 *scaled = scale_pixels (other, other_width, other_height, fit_width, fit_height);

      if (scaled == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                                   _("Not enough memory to compare the images"));
          return;
        }
      g_free (other);
      other = scaled;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  out = g_try_malloc ((gsize) width * height * 4);
  if (out == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                               _("Not enough memory to compare the images"));
      return;
    }

  for (int y = 0; y < height; y++)
    {
      gboolean inside_rows = y >= fit_y && y < fit_y + fit_height;

      if (y % ROWS_PER_CHECK == 0 && g_task_return_error_if_cancelled (task))
        return;

      for (int x = 0; x < width; x++)
        {
          const guint8 *a = current + ((gsize) y * width + x) * 4;
          int change = 0;

          if (inside_rows && x >= fit_x && x < fit_x + fit_width)
            {
              const guint8 *b = other + ((gsize) (y - fit_y) * fit_width + (x - fit_x)) * 4;

              for (int c = 0; c < 4; c++)
                change = MAX (change, ABS ((int) a[c] - (int) b[c]));
            }

          paint_pixel (a, change, out + ((gsize) y * width + x) * 4);
        }
    }

  g_task_return_pointer (task,
                         g_bytes_new_take (g_steal_pointer (&out), (gsize) width * height * 4),
                         (GDestroyNotify) g_bytes_unref);
}

/**
 * chiaro_difference_map_compute_async:
 * @current: the image whose size and grey copy the map has
 * @other: the image it is compared with; scaled to fit inside @current
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the calling thread's main context when the map is ready
 * @user_data: data for @callback
 *
 * Computes the heat map of what changed from @other to @current on a worker thread.
 */
void
chiaro_difference_map_compute_async (GdkTexture          *current,
                                     GdkTexture          *other,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Inputs *inputs;

  g_return_if_fail (GDK_IS_TEXTURE (current));
  g_return_if_fail (GDK_IS_TEXTURE (other));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  inputs = g_new0 (Inputs, 1);
  inputs->current = ref_readable (current);
  inputs->other = ref_readable (other);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_difference_map_compute_async);
  g_task_set_name (task, "[chiaro] difference map");
  g_task_set_task_data (task, inputs, (GDestroyNotify) inputs_free);
  g_task_run_in_thread (task, compute_thread);
}

/**
 * chiaro_difference_map_compute_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the heat map, the size of the current image
 */
GdkTexture *
chiaro_difference_map_compute_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  Inputs *inputs;
  int width;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == chiaro_difference_map_compute_async, NULL);

  bytes = g_task_propagate_pointer (G_TASK (result), error);
  if (bytes == NULL)
    return NULL;

  inputs = g_task_get_task_data (G_TASK (result));
  width = gdk_texture_get_width (inputs->current);
  return gdk_memory_texture_new (width, gdk_texture_get_height (inputs->current),
                                 GDK_MEMORY_R8G8B8A8_PREMULTIPLIED, bytes, (gsize) width * 4);
}
