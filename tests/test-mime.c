/* test-mime.c — format sniffing
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "chiaro-mime.h"
#include "chiaro-test-util.h"

static void
test_signatures (void)
{
  static const struct {
    const char *bytes;
    gsize size;
    const char *expected;
  } cases[] = {
    { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "image/png" },
    { "\xff\xd8\xff\xe0\0\x10JFIF", 10, "image/jpeg" },
    { "\xff\xd8\xff\xe1\0\x10" "Exif", 10, "image/jpeg" },
    { "RIFF\x24\0\0\0WEBPVP8 ", 16, "image/webp" },
    { "GIF89a\x01\0\x01\0", 10, "image/gif" },
    { "GIF87a\x01\0\x01\0", 10, "image/gif" },
    { "II*\0\x08\0\0\0", 8, "image/tiff" },
    { "MM\0*\0\0\0\x08", 8, "image/tiff" },
    { "BM\x46\0\0\0\0\0\0\0\x36\0\0\0", 14, "image/bmp" },
    { "\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24, "image/heic" },
    { "\0\0\0\x18" "ftypmif1\0\0\0\0mif1heic", 24, "image/heic" },
    { "\0\0\0\x14" "ftypmif1\0\0\0\0mif1", 20, "image/heif" },
    { "\0\0\0\x20" "ftypavif\0\0\0\0avifmif1miafMA1B", 32, "image/avif" },
    /* AVIF listed after the generic brand still wins. */
    { "\0\0\0\x1c" "ftypmif1\0\0\0\0mif1miafavif", 28, "image/avif" },
    /* Not images, or not enough bytes to tell. */
    { "\x89PNG\r\n", 6, NULL },
    { "\xff\xd8", 2, NULL },
    { "RIFF\x24\0\0\0WAVEfmt ", 16, NULL },
    { "BM", 2, NULL },
    { "\0\0\0\x18" "ftypmp42\0\0\0\0isommp42", 24, NULL },
    { "\0\0\0\x08" "ftypheic", 12, NULL },
    { "<html><body>502 Bad Gateway</body></html>", 41, NULL },
    { "{\"error\": {\"code\": 400}}", 24, NULL },
    { "", 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *found = chiaro_mime_sniff ((const guint8 *) cases[i].bytes, cases[i].size);

      g_test_message ("case %u: expecting %s", i, cases[i].expected);
      g_assert_cmpstr (found, ==, cases[i].expected);
    }

  g_assert_null (chiaro_mime_sniff (NULL, 10));
  g_assert_null (chiaro_mime_sniff_bytes (NULL));
}

/* A box size larger than the data must not be read past. */
static void
test_ftyp_bounds (void)
{
  static const guint8 data[] = { 0, 0, 0xff, 0xff, 'f', 't', 'y', 'p', 'm', 'i', 'f', '1',
                                 0, 0, 0, 0, 'a', 'v', 'i' };

  g_assert_null (chiaro_mime_sniff (data, sizeof data - 3 - 4));
  g_assert_cmpstr (chiaro_mime_sniff (data, sizeof data - 3), ==, "image/heif");
  /* A truncated brand at the end is ignored rather than read past the end. */
  g_assert_cmpstr (chiaro_mime_sniff (data, sizeof data), ==, "image/heif");
}

/* An animated WebP whose last chunk is odd-sized and lacks its padding byte: the chunk walk
 * stops at the end instead of reading past it (found by fuzz-image under ASan). The bytes are
 * an exact-size heap copy, so a sanitizer build sees any read beyond them. */
static void
test_webp_chunk_bounds (void)
{
  static const guint8 data[] = { 'R', 'I', 'F', 'F', 21, 0, 0, 0, 'W', 'E', 'B', 'P',
                                 'V', 'P', '8', 'X', 9, 0, 0, 0,
                                 0x02, 0, 0, 0, 0, 0, 0, 0, 0 };
  g_autofree guint8 *copy = g_memdup2 (data, sizeof data);

  g_assert_cmpuint (sizeof data, ==, 29);
  g_assert_false (chiaro_mime_looks_complete (copy, sizeof data, "image/webp"));
}

/* Images written by the real encoders are recognised, whatever their label would say. */
static void
test_encoded_images (void)
{
  static const struct {
    const char *type;
    const char *expected;
  } formats[] = {
    { "png", "image/png" },
    { "jpeg", "image/jpeg" },
    { "tiff", "image/tiff" },
    { "bmp", "image/bmp" },
    { "webp", "image/webp" },
    { "avif", "image/avif" },
  };
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 16, 8);

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *buffer = NULL;
      g_autoptr(GError) error = NULL;
      gsize size = 0;

      if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, formats[i].type, &error, NULL))
        {
          /* Only AVIF depends on an optional loader; the rest are always there. */
          g_assert_cmpstr (formats[i].type, ==, "avif");
          g_test_message ("no %s encoder: %s", formats[i].type, error->message);
          continue;
        }

      g_assert_cmpstr (chiaro_mime_sniff ((guint8 *) buffer, size), ==, formats[i].expected);
    }
}

static void
test_extensions (void)
{
  g_assert_cmpstr (chiaro_mime_get_extension ("image/png"), ==, "png");
  g_assert_cmpstr (chiaro_mime_get_extension ("image/jpeg"), ==, "jpg");
  g_assert_cmpstr (chiaro_mime_get_extension ("image/webp"), ==, "webp");
  g_assert_cmpstr (chiaro_mime_get_extension ("image/heic"), ==, "heic");
  g_assert_cmpstr (chiaro_mime_get_extension ("image/avif"), ==, "avif");
  g_assert_null (chiaro_mime_get_extension ("text/html"));
}

/* Every PngSuite file is a PNG, and every EXIF sample a JPEG, by their bytes alone. */
static void
test_fixtures (void)
{
  g_auto(GStrv) pngs = chiaro_test_list_fixtures ("images/pngsuite", ".png");
  g_auto(GStrv) jpegs = chiaro_test_list_fixtures ("images/exif-orientation", ".jpg");

  g_assert_cmpuint (g_strv_length (pngs), >, 40);
  g_assert_cmpuint (g_strv_length (jpegs), ==, 18);

  for (guint i = 0; pngs[i] != NULL; i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *data = NULL;
      gsize size;

      g_file_get_contents (pngs[i], &data, &size, &error);
      g_assert_no_error (error);
      bytes = g_bytes_new_take (g_steal_pointer (&data), size);
      g_assert_cmpstr (chiaro_mime_sniff_bytes (bytes), ==, "image/png");
    }

  for (guint i = 0; jpegs[i] != NULL; i++)
    {
      g_autofree char *data = NULL;
      gsize size;

      g_assert_true (g_file_get_contents (jpegs[i], &data, &size, NULL));
      g_assert_cmpstr (chiaro_mime_sniff ((guint8 *) data, size), ==, "image/jpeg");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/api/mime/signatures", test_signatures);
  g_test_add_func ("/chiaro/api/mime/ftyp-bounds", test_ftyp_bounds);
  g_test_add_func ("/chiaro/api/mime/webp-chunk-bounds", test_webp_chunk_bounds);
  g_test_add_func ("/chiaro/api/mime/encoded-images", test_encoded_images);
  g_test_add_func ("/chiaro/api/mime/extensions", test_extensions);
  g_test_add_func ("/chiaro/api/mime/fixtures", test_fixtures);

  return g_test_run ();
}
