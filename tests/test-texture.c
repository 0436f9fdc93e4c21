/* test-texture.c — thumbnails made into textures of the size they are shown at
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>

#include "chiaro-texture.h"

/* A @width × @height picture, red on its left half and blue on its right. */
static GdkPixbuf *
halves_new (int      width,
            int      height,
            gboolean alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + x * channels;

        p[0] = x < width / 2 ? 255 : 0;
        p[1] = 0;
        p[2] = x < width / 2 ? 0 : 255;
        if (alpha)
          p[3] = 255;
      }
  return pixbuf;
}

/* The pixel at @x, @y as 0xRRGGBB. */
static guint32
pixel_at (GdkTexture *texture,
          int         x,
          int         y)
{
  int width = gdk_texture_get_width (texture);
  g_autofree guint32 *data = g_new (guint32, (gsize) width * gdk_texture_get_height (texture));

  /* GDK_MEMORY_DEFAULT: premultiplied ARGB words; these pictures are opaque. */
  gdk_texture_download (texture, (guchar *) data, (gsize) width * 4);
  return data[(gsize) y * width + x] & 0xffffff;
}

static void
assert_size (GdkTexture *texture,
             int         width,
             int         height)
{
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);
}

/* Cover: just enough to fill the area (rounded up), in device pixels. Contain: just inside it. */
static void
test_sizes (void)
{
  g_autoptr(GdkPixbuf) pixbuf = halves_new (256, 192, FALSE);
  g_autoptr(GdkTexture) cover = chiaro_texture_new_for_size (pixbuf, 56, 56, 1,
                                                              GTK_CONTENT_FIT_COVER);
  g_autoptr(GdkTexture) cover2 = chiaro_texture_new_for_size (pixbuf, 56, 56, 2,
                                                               GTK_CONTENT_FIT_COVER);
  g_autoptr(GdkTexture) contain = chiaro_texture_new_for_size (pixbuf, 64, 64, 1,
                                                                GTK_CONTENT_FIT_CONTAIN);
  g_autoptr(GdkTexture) wide = chiaro_texture_new_for_size (pixbuf, 100, 20, 1,
                                                             GTK_CONTENT_FIT_COVER);

  /* 56 / 192 of 256 × 192 is 74.67 × 56. */
  assert_size (cover, 75, 56);
  assert_size (cover2, 150, 112);
  assert_size (contain, 64, 48);
  assert_size (wide, 100, 75);

  /* The halves stay where they were. */
  g_assert_cmphex (pixel_at (cover, 2, 28), ==, 0xff0000);
  g_assert_cmphex (pixel_at (cover, 72, 28), ==, 0x0000ff);
  g_assert_cmphex (pixel_at (contain, 2, 2), ==, 0xff0000);
  g_assert_cmphex (pixel_at (contain, 61, 45), ==, 0x0000ff);
}

/* A picture no larger than its place is used as it is, never enlarged; with alpha too. */
static void
test_small (void)
{
  g_autoptr(GdkPixbuf) pixbuf = halves_new (40, 30, TRUE);
  g_autoptr(GdkTexture) texture = chiaro_texture_new_for_size (pixbuf, 80, 80, 1,
                                                                GTK_CONTENT_FIT_COVER);
  g_autoptr(GdkTexture) hidpi = chiaro_texture_new_for_size (pixbuf, 30, 30, 2,
                                                              GTK_CONTENT_FIT_CONTAIN);
  g_autoptr(GdkTexture) smaller = chiaro_texture_new_for_size (pixbuf, 10, 10, 1,
                                                                GTK_CONTENT_FIT_CONTAIN);

  assert_size (texture, 40, 30);
  assert_size (hidpi, 40, 30);
  assert_size (smaller, 10, 8);
  g_assert_cmphex (pixel_at (texture, 0, 0), ==, 0xff0000);
  g_assert_cmphex (pixel_at (texture, 39, 29), ==, 0x0000ff);
  g_assert_cmphex (pixel_at (smaller, 0, 0), ==, 0xff0000);
  g_assert_cmphex (pixel_at (smaller, 9, 7), ==, 0x0000ff);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/ui/texture/sizes", test_sizes);
  g_test_add_func ("/chiaro/ui/texture/small", test_small);

  return g_test_run ();
}
