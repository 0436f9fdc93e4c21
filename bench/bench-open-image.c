/* bench-open-image.c — opening a camera photo, against the bare decoder on the same bytes
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN §11 asks that showing an image cost little more than decoding it. This measures the
 * model code's whole open path (sniff, orientation, size probe, completeness check, decode,
 * rotate) on a generated 12-megapixel JPEG stored sideways, and in the same run the decode
 * floor: gdk-pixbuf's loader alone on the same bytes. It prints one results row; the ratio is
 * the figure, since absolute times depend on the machine.
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "chiaro-image.h"

#include "bench-util.h"

#define WIDTH 4000
#define HEIGHT 3000
#define ROUNDS 5

/* A photo-like picture: smooth gradients with fine detail, so the JPEG has a realistic size. */
static GBytes *
make_camera_jpeg (guint8 orientation)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, WIDTH, HEIGHT);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autofree char *jpeg = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint32 noise = 12345;
  gsize size;
  /* APP1 with an EXIF block holding only Orientation = 6 (stored rotated). */
  guint8 app1[] = {
    0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0, 42, 0, 0, 0, 8,
    0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0,
    0, 0, 0, 0,
  };

  app1[29] = orientation;

  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;

        noise = noise * 1103515245 + 12345;
        p[0] = (x * 255 / WIDTH + (noise >> 28)) & 0xff;
        p[1] = (y * 255 / HEIGHT + (noise >> 26 & 7)) & 0xff;
        p[2] = ((x + y) * 128 / (WIDTH + HEIGHT) + 64) & 0xff;
      }

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &jpeg, &size, "jpeg", NULL,
                                            "quality", "90", NULL));

  g_byte_array_append (out, (guint8 *) jpeg, 2);
  g_byte_array_append (out, app1, sizeof app1);
  g_byte_array_append (out, (guint8 *) jpeg + 2, size - 2);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static double
time_floor (GBytes *bytes)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();

  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, bytes, NULL));
  g_assert_true (gdk_pixbuf_loader_close (loader, NULL));
  g_assert_nonnull (gdk_pixbuf_loader_get_pixbuf (loader));

  return bench_elapsed_ms (start);
}

static double
time_open (GBytes *bytes,
           int     expected_width)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(ChiaroImage) image = chiaro_image_new_from_bytes (bytes, NULL, NULL);
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  g_assert_nonnull (image);
  pixbuf = chiaro_image_decode (image, NULL, NULL);
  g_assert_nonnull (pixbuf);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, expected_width);

  return bench_elapsed_ms (start);
}

static void
measure (guint8 orientation)
{
  g_autoptr(GBytes) bytes = make_camera_jpeg (orientation);
  int expected_width = orientation >= 5 ? HEIGHT : WIDTH;
  double floor_ms[ROUNDS], open_ms[ROUNDS];
  double floor_median, open_median, ratio;
  g_autofree char *figure = NULL;
  g_autofree char *value = NULL;

  /* One warm-up each, so the loader modules are loaded before timing. */
  time_floor (bytes);
  time_open (bytes, expected_width);

  for (guint i = 0; i < ROUNDS; i++)
    {
      floor_ms[i] = time_floor (bytes);
      open_ms[i] = time_open (bytes, expected_width);
    }

  floor_median = bench_median (floor_ms, ROUNDS);
  open_median = bench_median (open_ms, ROUNDS);
  ratio = open_median / floor_median;

  figure = g_strdup_printf ("open a 12 MP JPEG (%.1f MB, EXIF %u) vs decode floor",
                            g_bytes_get_size (bytes) / 1e6, orientation);
  value = g_strdup_printf ("%.0f ms vs %.0f ms = %.2fx", open_median, floor_median, ratio);
  bench_print_row (figure, value, "<= 1.5x", ratio <= 1.5);
}

int
main (int   argc,
      char *argv[])
{
  measure (1);
  measure (6);

  return 0;
}
