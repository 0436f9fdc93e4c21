/* bench-images.c — generated camera photos for the benchmarks
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench-images.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

/* APP1 with an EXIF block holding only Orientation; its value is byte ORIENTATION_AT. */
static const guint8 app1_template[] = {
  0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
  'M', 'M', 0, 42, 0, 0, 0, 8,
  0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0,
  0, 0, 0, 0,
};
#define ORIENTATION_AT 29

GBytes *
bench_make_camera_jpeg (int     width,
                        int     height,
                        guint32 seed,
                        guint8  orientation)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autofree char *jpeg = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint32 noise = 12345 ^ seed;
  int tint = (seed * 37) % 96;
  guint8 app1[sizeof app1_template];
  gsize size;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + x * 3;

        noise = noise * 1103515245 + 12345;
        p[0] = (x * 255 / width + tint + (noise >> 28)) & 0xff;
        p[1] = (y * 255 / height + (noise >> 26 & 7)) & 0xff;
        p[2] = ((x + y) * 128 / (width + height) + 64 + tint / 2) & 0xff;
      }

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &jpeg, &size, "jpeg", NULL,
                                            "quality", "90", NULL));
  if (orientation == 0)
    return g_bytes_new_take (g_steal_pointer (&jpeg), size);

  memcpy (app1, app1_template, sizeof app1);
  app1[ORIENTATION_AT] = orientation;
  g_byte_array_append (out, (guint8 *) jpeg, 2);
  g_byte_array_append (out, app1, sizeof app1);
  g_byte_array_append (out, (guint8 *) jpeg + 2, size - 2);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
bench_restamp_jpeg (GBytes *jpeg,
                    guint8  orientation,
                    guint   index)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);
  g_autofree char *comment = g_strdup_printf ("bench reference %u", index);
  gsize comment_length = strlen (comment);
  guint8 marker[4] = { 0xff, 0xfe, (comment_length + 2) >> 8, (comment_length + 2) & 0xff };
  GByteArray *out = g_byte_array_sized_new (size + 64);
  gsize head = 2 + sizeof app1_template;

  g_assert_cmpuint (size, >, head);
  g_assert_true (data[2] == 0xff && data[3] == 0xe1);

  g_byte_array_append (out, data, head);
  out->data[ORIENTATION_AT + 2] = orientation;
  g_byte_array_append (out, marker, sizeof marker);
  g_byte_array_append (out, (const guint8 *) comment, comment_length);
  g_byte_array_append (out, data + head, size - head);

  return g_byte_array_free_to_bytes (out);
}
