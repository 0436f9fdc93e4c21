/* test-exif.c — reading EXIF orientation from JPEG, PNG, WebP and TIFF containers
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chiaro-exif.h"
#include "chiaro-test-util.h"

static void
append_u16 (GByteArray *array,
            guint       value,
            gboolean    big_endian)
{
  guint8 b[2];

  b[0] = big_endian ? value >> 8 : value & 0xff;
  b[1] = big_endian ? value & 0xff : value >> 8;
  g_byte_array_append (array, b, 2);
}

static void
append_u32 (GByteArray *array,
            guint32     value,
            gboolean    big_endian)
{
  append_u16 (array, big_endian ? value >> 16 : value & 0xffff, big_endian);
  append_u16 (array, big_endian ? value & 0xffff : value >> 16, big_endian);
}

/* A TIFF structure whose IFD0 holds an unrelated tag, then the orientation tag. */
static GByteArray *
make_tiff (gboolean big_endian,
           guint    orientation,
           guint    type)
{
  GByteArray *tiff = g_byte_array_new ();

  g_byte_array_append (tiff, (const guint8 *) (big_endian ? "MM" : "II"), 2);
  append_u16 (tiff, 42, big_endian);
  append_u32 (tiff, 8, big_endian);
  append_u16 (tiff, 2, big_endian);
  /* ImageWidth, LONG */
  append_u16 (tiff, 0x0100, big_endian);
  append_u16 (tiff, 4, big_endian);
  append_u32 (tiff, 1, big_endian);
  append_u32 (tiff, 640, big_endian);
  /* Orientation */
  append_u16 (tiff, 0x0112, big_endian);
  append_u16 (tiff, type, big_endian);
  append_u32 (tiff, 1, big_endian);
  append_u16 (tiff, orientation, big_endian);
  append_u16 (tiff, 0, big_endian);
  append_u32 (tiff, 0, big_endian);

  return tiff;
}

static GBytes *
make_jpeg (GByteArray *tiff)
{
  GByteArray *jpeg = g_byte_array_new ();
  static const guint8 soi_app0[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0,
                                     1, 1, 0, 0, 1, 0, 1, 0, 0 };
  static const guint8 sos[] = { 0xff, 0xff, 0xff, 0xda, 0x00, 0x02, 0x12, 0x34, 0xff, 0xd9 };

  g_byte_array_append (jpeg, soi_app0, sizeof soi_app0);
  /* A fill byte before APP1 is legal. */
  g_byte_array_append (jpeg, (const guint8 *) "\xff\xff\xe1", 3);
  append_u16 (jpeg, tiff->len + 8, TRUE);
  g_byte_array_append (jpeg, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (jpeg, tiff->data, tiff->len);
  g_byte_array_append (jpeg, sos, sizeof sos);

  return g_byte_array_free_to_bytes (jpeg);
}

static void
append_png_chunk (GByteArray   *png,
                  const char   *type,
                  const guint8 *data,
                  guint         size)
{
  append_u32 (png, size, TRUE);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, size);
  /* The reader does not check CRCs; the decoder does. */
  append_u32 (png, 0, TRUE);
}

static GBytes *
make_png (GByteArray *tiff,
          gboolean    exif_after_idat)
{
  GByteArray *png = g_byte_array_new ();
  static const guint8 ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0 };

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  append_png_chunk (png, "IHDR", ihdr, sizeof ihdr);
  if (!exif_after_idat)
    append_png_chunk (png, "eXIf", tiff->data, tiff->len);
  append_png_chunk (png, "IDAT", (const guint8 *) "xx", 2);
  if (exif_after_idat)
    append_png_chunk (png, "eXIf", tiff->data, tiff->len);
  append_png_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (png);
}

static GBytes *
make_webp (GByteArray *tiff,
           gboolean    with_identifier)
{
  GByteArray *webp = g_byte_array_new ();
  guint exif_size = tiff->len + (with_identifier ? 6 : 0);

  g_byte_array_append (webp, (const guint8 *) "RIFF", 4);
  append_u32 (webp, 0, FALSE);
  g_byte_array_append (webp, (const guint8 *) "WEBP", 4);
  /* An odd-sized chunk first, to check the padding rule. */
  g_byte_array_append (webp, (const guint8 *) "ICCP", 4);
  append_u32 (webp, 3, FALSE);
  g_byte_array_append (webp, (const guint8 *) "abc\0", 4);
  g_byte_array_append (webp, (const guint8 *) "EXIF", 4);
  append_u32 (webp, exif_size, FALSE);
  if (with_identifier)
    g_byte_array_append (webp, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (webp, tiff->data, tiff->len);

  return g_byte_array_free_to_bytes (webp);
}

/* Reads from an exact-size heap copy, so a sanitizer build sees any read past the end. */
static guint
orientation_of (GBytes     *bytes,
                gsize       size,
                const char *mime_type)
{
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), MAX (size, 1));

  return chiaro_exif_get_orientation (copy, size, mime_type);
}

static void
test_jpeg (void)
{
  for (guint endian = 0; endian < 2; endian++)
    for (guint orientation = 1; orientation <= 8; orientation++)
      {
        g_autoptr(GByteArray) tiff = make_tiff (endian, orientation, 3);
        g_autoptr(GBytes) jpeg = make_jpeg (tiff);

        g_assert_cmpuint (orientation_of (jpeg, g_bytes_get_size (jpeg), "image/jpeg"), ==,
                          orientation);
      }
}

static void
test_invalid_values (void)
{
  static const guint values[] = { 0, 9, 0xffff };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GByteArray) tiff = make_tiff (TRUE, values[i], 3);
      g_autoptr(GBytes) jpeg = make_jpeg (tiff);

      g_assert_cmpuint (orientation_of (jpeg, g_bytes_get_size (jpeg), "image/jpeg"), ==, 1);
    }

  {
    /* The tag with the wrong type is ignored. */
    g_autoptr(GByteArray) tiff = make_tiff (TRUE, 6, 4);
    g_autoptr(GBytes) jpeg = make_jpeg (tiff);

    g_assert_cmpuint (orientation_of (jpeg, g_bytes_get_size (jpeg), "image/jpeg"), ==, 1);
  }
}

/* Every prefix of a valid file is read without going past its end. */
static void
test_truncations (void)
{
  g_autoptr(GByteArray) tiff = make_tiff (FALSE, 6, 3);
  g_autoptr(GBytes) jpeg = make_jpeg (tiff);
  g_autoptr(GBytes) png = make_png (tiff, FALSE);
  g_autoptr(GBytes) webp = make_webp (tiff, TRUE);
  g_autoptr(GBytes) tiff_bytes = g_bytes_new (tiff->data, tiff->len);
  struct { GBytes *bytes; const char *mime_type; } files[] = {
    { jpeg, "image/jpeg" }, { png, "image/png" }, { webp, "image/webp" },
    { tiff_bytes, "image/tiff" },
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      gsize full = g_bytes_get_size (files[f].bytes);

      for (gsize size = 0; size < full; size++)
        {
          guint value = orientation_of (files[f].bytes, size, files[f].mime_type);

          g_assert_true (value == 1 || value == 6);
        }
      g_assert_cmpuint (orientation_of (files[f].bytes, full, files[f].mime_type), ==, 6);
    }
}

static void
test_corrupt_offsets (void)
{
  g_autoptr(GByteArray) tiff = make_tiff (TRUE, 8, 3);
  g_autoptr(GBytes) jpeg = NULL;

  /* IFD0 offset far past the end. */
  tiff->data[4] = 0x7f;
  jpeg = make_jpeg (tiff);
  g_assert_cmpuint (orientation_of (jpeg, g_bytes_get_size (jpeg), "image/jpeg"), ==, 1);

  /* An entry count that runs past the end. */
  tiff->data[4] = 0;
  tiff->data[8] = 0xff;
  tiff->data[9] = 0xff;
  g_clear_pointer (&jpeg, g_bytes_unref);
  jpeg = make_jpeg (tiff);
  g_assert_cmpuint (orientation_of (jpeg, g_bytes_get_size (jpeg), "image/jpeg"), ==, 8);

  tiff->data[8] = 0;
  tiff->data[9] = 0;
  g_clear_pointer (&jpeg, g_bytes_unref);
  jpeg = make_jpeg (tiff);
  g_assert_cmpuint (orientation_of (jpeg, g_bytes_get_size (jpeg), "image/jpeg"), ==, 1);
}

static void
test_png (void)
{
  g_autoptr(GByteArray) tiff = make_tiff (TRUE, 3, 3);
  g_autoptr(GBytes) png = make_png (tiff, FALSE);
  g_autoptr(GBytes) late = make_png (tiff, TRUE);

  g_assert_cmpuint (orientation_of (png, g_bytes_get_size (png), "image/png"), ==, 3);
  /* eXIf after the image data does not count, as the PNG specification says. */
  g_assert_cmpuint (orientation_of (late, g_bytes_get_size (late), "image/png"), ==, 1);
}

static void
test_webp_and_tiff (void)
{
  g_autoptr(GByteArray) tiff = make_tiff (FALSE, 5, 3);
  g_autoptr(GBytes) plain = make_webp (tiff, FALSE);
  g_autoptr(GBytes) prefixed = make_webp (tiff, TRUE);

  g_assert_cmpuint (orientation_of (plain, g_bytes_get_size (plain), "image/webp"), ==, 5);
  g_assert_cmpuint (orientation_of (prefixed, g_bytes_get_size (prefixed), "image/webp"), ==, 5);
  g_assert_cmpuint (chiaro_exif_get_orientation (tiff->data, tiff->len, "image/tiff"), ==, 5);
  /* Formats whose decoder applies its own transforms report upright. */
  g_assert_cmpuint (chiaro_exif_get_orientation (tiff->data, tiff->len, "image/heic"), ==, 1);
  g_assert_cmpuint (chiaro_exif_get_orientation (tiff->data, tiff->len, NULL), ==, 1);
}

static void
test_fixtures (void)
{
  static const char *kinds[] = { "Landscape", "Portrait" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint n = 0; n <= 8; n++)
      {
        g_autofree char *name = g_strdup_printf ("%s_%u.jpg", kinds[k], n);
        g_autofree char *path = chiaro_test_fixture_path ("images", "exif-orientation", name,
                                                          NULL);
        g_autofree char *data = NULL;
        gsize size;

        g_assert_true (g_file_get_contents (path, &data, &size, NULL));
        g_assert_cmpuint (chiaro_exif_get_orientation ((guint8 *) data, size, "image/jpeg"), ==,
                          n == 0 ? 1 : n);
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/core/exif/jpeg", test_jpeg);
  g_test_add_func ("/chiaro/core/exif/invalid-values", test_invalid_values);
  g_test_add_func ("/chiaro/core/exif/truncations", test_truncations);
  g_test_add_func ("/chiaro/core/exif/corrupt-offsets", test_corrupt_offsets);
  g_test_add_func ("/chiaro/core/exif/png", test_png);
  g_test_add_func ("/chiaro/core/exif/webp-and-tiff", test_webp_and_tiff);
  g_test_add_func ("/chiaro/core/exif/fixtures", test_fixtures);

  return g_test_run ();
}
