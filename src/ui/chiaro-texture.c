/* chiaro-texture.c — thumbnails as textures of the size they are shown at
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8's cairo renderer turns every texture of the window into a cairo surface again at
 * every frame it draws, converting each pixel, however little of the window changed: with a
 * spinner turning during a send that is a hundred frames a second under Xvfb. The image
 * store's thumbnails are 256 pixels on their long side and shown at 40 to 96 (220 for an
 * answer), so an edit with 13 references had about 1.3 million thumbnail pixels converted at
 * each frame, some 2 ms of it. A thumbnail scaled once to the pixels it covers on the screen
 * costs a tenth of that, and is not scaled again at each frame either.
 */

#define G_LOG_DOMAIN "chiaro-texture"

#include "config.h"

#include <math.h>

#include "chiaro-texture.h"

/**
 * chiaro_texture_new_for_size:
 * @pixbuf: a picture
 * @width: the width it is shown at, in application pixels
 * @height: the height it is shown at, in application pixels
 * @scale_factor: device pixels per application pixel
 * @fit: how it is fitted in @width × @height: %GTK_CONTENT_FIT_COVER (fills it, cropped) or
 *   any other (inside it whole)
 *
 * A texture of @pixbuf no larger than it is drawn: scaled down (a box filter) to just cover,
 * or just fit inside, @width × @height device pixels. A picture that is not larger than that
 * is taken as it is.
 *
 * Returns: (transfer full): the texture
 */
GdkTexture *
chiaro_texture_new_for_size (GdkPixbuf     *pixbuf,
                             int            width,
                             int            height,
                             int            scale_factor,
                             GtkContentFit  fit)
{
  g_autoptr(GdkPixbuf) scaled = NULL;
  int pixbuf_width, pixbuf_height;
  double across, down, factor;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  g_return_val_if_fail (width > 0 && height > 0 && scale_factor > 0, NULL);

  pixbuf_width = gdk_pixbuf_get_width (pixbuf);
  pixbuf_height = gdk_pixbuf_get_height (pixbuf);
  across = (double) width * scale_factor / pixbuf_width;
  down = (double) height * scale_factor / pixbuf_height;
  factor = fit == GTK_CONTENT_FIT_COVER ? MAX (across, down) : MIN (across, down);

  if (factor >= 1)
    return gdk_texture_new_for_pixbuf (pixbuf);

  /* Rounded up, so that it still covers the whole area. */
  scaled = gdk_pixbuf_scale_simple (pixbuf,
                                    MIN (pixbuf_width, MAX (1, (int) ceil (pixbuf_width * factor))),
                                    MIN (pixbuf_height, MAX (1, (int) ceil (pixbuf_height * factor))),
                                    GDK_INTERP_BILINEAR);
  /* Out of memory: the picture as it is still shows. */
  if (scaled == NULL)
    return gdk_texture_new_for_pixbuf (pixbuf);

  return gdk_texture_new_for_pixbuf (scaled);
}
