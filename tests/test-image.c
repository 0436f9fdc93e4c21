/* test-image.c — opening, sniffing, orienting and decoding images, and refusing bad ones
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "chiaro-image.h"
#include "chiaro-mime.h"
#include "chiaro-test-util.h"

static ChiaroImage *
load_fixture (const char *folder,
              const char *name)
{
  g_autoptr(GFile) file = chiaro_test_fixture_file ("images", folder, name, NULL);
  g_autoptr(GError) error = NULL;
  ChiaroImage *image;

  image = chiaro_image_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (CHIARO_IS_IMAGE (image));

  return image;
}

static GdkPixbuf *
decode (ChiaroImage *image)
{
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;

  pixbuf = chiaro_image_decode (image, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (GDK_IS_PIXBUF (pixbuf));

  return pixbuf;
}

/* The mean difference per channel between two same-sized pixbufs, on a sampling grid. */
static double
mean_difference (GdkPixbuf *a,
                 GdkPixbuf *b)
{
  int width = gdk_pixbuf_get_width (a);
  int height = gdk_pixbuf_get_height (a);
  const guint8 *pa = gdk_pixbuf_read_pixels (a);
  const guint8 *pb = gdk_pixbuf_read_pixels (b);
  int na = gdk_pixbuf_get_n_channels (a);
  int nb = gdk_pixbuf_get_n_channels (b);
  guint64 total = 0, count = 0;

  g_assert_cmpint (width, ==, gdk_pixbuf_get_width (b));
  g_assert_cmpint (height, ==, gdk_pixbuf_get_height (b));

  for (int y = 0; y < height; y += 7)
    for (int x = 0; x < width; x += 7)
      for (int c = 0; c < 3; c++)
        {
          int va = pa[y * gdk_pixbuf_get_rowstride (a) + x * na + c];
          int vb = pb[y * gdk_pixbuf_get_rowstride (b) + x * nb + c];

          total += ABS (va - vb);
          count++;
        }

  return (double) total / count;
}

static void
assert_codec_error (GError     *error,
                    int         code,
                    const char *name)
{
  g_assert_error (error, CHIARO_CODEC_ERROR, code);
  if (name != NULL && strstr (error->message, name) == NULL)
    g_error ("message “%s” does not name “%s”", error->message, name);
}

/* Every orientation 0–8 shows the same upright picture as orientation 1. */
static void
test_exif_orientations (void)
{
  static const char *kinds[] = { "Landscape", "Portrait" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *reference_name = g_strdup_printf ("%s_1.jpg", kinds[k]);
      g_autoptr(ChiaroImage) reference = load_fixture ("exif-orientation", reference_name);
      g_autoptr(GdkPixbuf) upright = decode (reference);
      g_autoptr(GdkPixbuf) mirrored = gdk_pixbuf_flip (upright, TRUE);
      int expected_width = k == 0 ? 1800 : 1200;
      int expected_height = k == 0 ? 1200 : 1800;

      /* The comparison can tell a wrong orientation from a right one. */
      g_assert_cmpfloat (mean_difference (upright, mirrored), >, 20.0);

      for (guint n = 0; n <= 8; n++)
        {
          g_autofree char *name = g_strdup_printf ("%s_%u.jpg", kinds[k], n);
          g_autoptr(ChiaroImage) image = load_fixture ("exif-orientation", name);
          g_autoptr(GdkPixbuf) pixbuf = NULL;
          double difference;

          g_assert_cmpstr (chiaro_image_get_mime_type (image), ==, "image/jpeg");
          g_assert_cmpuint (chiaro_image_get_orientation (image), ==, n == 0 ? 1 : n);
          g_assert_cmpint (chiaro_image_get_width (image), ==, expected_width);
          g_assert_cmpint (chiaro_image_get_height (image), ==, expected_height);
          g_assert_cmpstr (chiaro_image_get_display_name (image), ==, name);

          pixbuf = decode (image);
          g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, expected_width);
          g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, expected_height);

          difference = mean_difference (upright, pixbuf);
          g_test_message ("%s: mean difference %.2f", name, difference);
          g_assert_cmpfloat (difference, <, 8.0);
        }
    }
}

/* Every PngSuite image is sniffed as PNG and decodes to its declared size. */
static void
test_pngsuite (void)
{
  g_auto(GStrv) paths = chiaro_test_list_fixtures ("images/pngsuite", ".png");

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);
      g_autoptr(ChiaroImage) image = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;

      image = chiaro_image_new_from_file (file, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (chiaro_image_get_mime_type (image), ==, "image/png");
      g_assert_cmpint (chiaro_image_get_width (image), >, 0);

      pixbuf = decode (image);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, chiaro_image_get_width (image));
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, chiaro_image_get_height (image));
    }
}

/* Files that crashed or hung libpng decoders: each one is refused with a codec error naming
 * it, or decoded; nothing crashes, hangs, or warns. */
static void
test_png_crashers (void)
{
  g_auto(GStrv) paths = chiaro_test_list_fixtures ("images/png-crashers", ".png");
  guint refused = 0;

  g_assert_cmpuint (g_strv_length (paths), >=, 20);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(ChiaroImage) image = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;

      image = chiaro_image_new_from_file (file, NULL, &error);
      if (image != NULL)
        pixbuf = chiaro_image_decode (image, NULL, &error);

      if (error != NULL)
        {
          assert_codec_error (error, CHIARO_CODEC_ERROR_CORRUPT, name);
          refused++;
        }
      else
        {
          g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, chiaro_image_get_width (image));
        }
      g_test_message ("%s: %s", name, error != NULL ? error->message : "decoded");
    }

  /* Damaged checksums at least are caught. */
  g_assert_cmpuint (refused, >=, 2);
}

static guint32
png_crc (const guint8 *data,
         gsize         size)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < size; i++)
    {
      crc ^= data[i];
      for (guint bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }

  return crc ^ 0xffffffff;
}

static void
append_png_chunk (GByteArray   *png,
                  const char   *type,
                  const guint8 *data,
                  guint32       size)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  guint8 be[4];
  guint32 crc;

  g_byte_array_append (body, (const guint8 *) type, 4);
  g_byte_array_append (body, data, size);
  crc = png_crc (body->data, body->len);

  be[0] = size >> 24; be[1] = size >> 16; be[2] = size >> 8; be[3] = size;
  g_byte_array_append (png, be, 4);
  g_byte_array_append (png, body->data, body->len);
  be[0] = crc >> 24; be[1] = crc >> 16; be[2] = crc >> 8; be[3] = crc;
  g_byte_array_append (png, be, 4);
}

/* A well-formed PNG start declaring a size, with a first IDAT chunk but no real pixels. */
static GBytes *
png_header_declaring (guint32 width,
                      guint32 height)
{
  GByteArray *png = g_byte_array_new ();
  guint8 ihdr[13] = { 0 };
  /* The start of a zlib stream: what the decoder reads before it asks for memory. */
  static const guint8 idat[] = { 0x78, 0x9c, 0x62, 0x60 };

  ihdr[0] = width >> 24; ihdr[1] = width >> 16; ihdr[2] = width >> 8; ihdr[3] = width;
  ihdr[4] = height >> 24; ihdr[5] = height >> 16; ihdr[6] = height >> 8; ihdr[7] = height;
  ihdr[8] = 8; /* bit depth */
  ihdr[9] = 6; /* RGBA */

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  append_png_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_png_chunk (png, "IDAT", idat, sizeof idat);

  return g_byte_array_free_to_bytes (png);
}

/* A header declaring 100 000 × 100 000 pixels is refused before anything is allocated. */
static void
test_decompression_bomb (void)
{
  g_autoptr(GBytes) bomb = png_header_declaring (100000, 100000);
  g_autoptr(GBytes) wide = png_header_declaring (50000, 10);
  g_autoptr(GBytes) fits = png_header_declaring (12000, 12000);
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GError) error = NULL;

  image = chiaro_image_new_from_bytes (bomb, "bomb.png", &error);
  g_assert_null (image);
  assert_codec_error (error, CHIARO_CODEC_ERROR_TOO_LARGE, "bomb.png");
  g_assert_nonnull (strstr (error->message, "100000 × 100000"));
  g_clear_error (&error);

  image = chiaro_image_new_from_bytes (wide, NULL, &error);
  g_assert_null (image);
  assert_codec_error (error, CHIARO_CODEC_ERROR_TOO_LARGE, NULL);
  g_clear_error (&error);

  /* Within the limits, the missing pixel data is reported as damage, not as a crash. */
  image = chiaro_image_new_from_bytes (fits, "fits.png", &error);
  g_assert_null (image);
  assert_codec_error (error, CHIARO_CODEC_ERROR_CORRUPT, "fits.png");
}

static GBytes *
read_fixture_bytes (const char *folder,
                    const char *name)
{
  g_autofree char *path = chiaro_test_fixture_path ("images", folder, name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize size;

  g_file_get_contents (path, &data, &size, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (data, size);
}

/* Truncated files of each writable format are refused, never shown half-drawn. */
static void
test_truncated (void)
{
  static const char *types[] = { "png", "jpeg", "webp", "tiff", "bmp" };
  g_autoptr(GBytes) photo = read_fixture_bytes ("exif-orientation", "Landscape_1.jpg");
  g_autoptr(ChiaroImage) source = chiaro_image_new_from_bytes (photo, NULL, NULL);
  g_autoptr(GdkPixbuf) full = decode (source);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_scale_simple (full, 300, 200, GDK_INTERP_BILINEAR);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *buffer = NULL;
      g_autoptr(GBytes) whole = NULL;
      g_autoptr(GBytes) half = NULL;
      g_autoptr(ChiaroImage) image = NULL;
      g_autoptr(GdkPixbuf) decoded = NULL;
      g_autoptr(GError) error = NULL;
      gsize size;

      g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, types[i], NULL, NULL));
      whole = g_bytes_new (buffer, size);

      /* The whole file round-trips. */
      image = chiaro_image_new_from_bytes (whole, NULL, &error);
      g_assert_no_error (error);
      decoded = decode (image);
      g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, 300);
      g_clear_object (&image);
      g_clear_object (&decoded);

      half = g_bytes_new_from_bytes (whole, 0, size / 2);
      image = chiaro_image_new_from_bytes (half, "half", &error);
      if (image != NULL)
        decoded = chiaro_image_decode (image, NULL, &error);

      g_test_message ("%s cut in half: %s", types[i], error ? error->message : "decoded");
      g_assert_null (decoded);
      assert_codec_error (error, CHIARO_CODEC_ERROR_CORRUPT, "half");
    }
}

/* A BMP whose header claims an info header or pixel offset beyond its end is refused before
 * any loader sees it: gdk-pixbuf's would size its buffer from the claim (found by fuzz-image,
 * which stopped at a 3.5 GB allocation for a 342-byte file). */
static void
test_bmp_header_beyond_end (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 8, 4);
  g_autofree char *buffer = NULL;
  gsize size;

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "bmp", NULL, NULL));
  g_assert_cmpuint (size, >, 54);

  /* The file as written opens. */
  {
    g_autoptr(GBytes) bytes = g_bytes_new (buffer, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(ChiaroImage) image = chiaro_image_new_from_bytes (bytes, "good.bmp", &error);

    g_assert_no_error (error);
    g_assert_cmpint (chiaro_image_get_width (image), ==, 8);
  }

  /* Offset 10: where the pixels start; offset 14: the info header's size. */
  for (guint field = 10; field <= 14; field += 4)
    {
      g_autofree guint8 *copy = g_memdup2 (buffer, size);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(ChiaroImage) image = NULL;

      copy[field] = 0xff;
      copy[field + 1] = 0xcf;
      copy[field + 2] = 0x01;
      copy[field + 3] = 0xd0;
      bytes = g_bytes_new (copy, size);
      image = chiaro_image_new_from_bytes (bytes, "claims.bmp", &error);
      g_assert_null (image);
      assert_codec_error (error, CHIARO_CODEC_ERROR_CORRUPT, "claims.bmp");
    }
}

/* A GIF frame of zero height is refused before the decoder sees it (gdk-pixbuf's GIF loader
 * fails a GLib assertion on it: found by fuzz-image); a GIF without its trailer still opens. */
static void
test_gif_frames (void)
{
  /* 2 × 1 pixels, a global table of red and blue, one frame: red, blue. */
  static const guint8 good[] = {
    'G', 'I', 'F', '8', '9', 'a', 2, 0, 1, 0, 0x80, 0, 0,
    0xff, 0, 0, 0, 0, 0xff,
    0x2c, 0, 0, 0, 0, 2, 0, 1, 0, 0,
    2, 2, 0x44, 0x0a, 0,
    0x3b,
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (good, sizeof good);
  g_autoptr(GBytes) no_trailer = g_bytes_new_static (good, sizeof good - 1);
  g_autofree guint8 *flat = g_memdup2 (good, sizeof good);
  g_autoptr(GBytes) flat_bytes = NULL;
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *pixels;

  image = chiaro_image_new_from_bytes (bytes, "good.gif", &error);
  g_assert_no_error (error);
  pixbuf = decode (image);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 2);
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  g_assert_cmpuint (pixels[0], ==, 0xff);
  g_assert_cmpuint (pixels[2], ==, 0);
  g_assert_cmpuint (pixels[gdk_pixbuf_get_n_channels (pixbuf) + 2], ==, 0xff);
  g_clear_object (&image);

  image = chiaro_image_new_from_bytes (no_trailer, "no-trailer.gif", &error);
  g_assert_no_error (error);
  g_clear_object (&image);

  /* The frame's height (offset 26) set to zero. */
  flat[26] = 0;
  flat_bytes = g_bytes_new (flat, sizeof good);
  image = chiaro_image_new_from_bytes (flat_bytes, "flat.gif", &error);
  g_assert_null (image);
  assert_codec_error (error, CHIARO_CODEC_ERROR_CORRUPT, "flat.gif");
  g_assert_false (chiaro_mime_looks_complete (flat, sizeof good, "image/gif"));
  g_assert_true (chiaro_mime_looks_complete (good, sizeof good, "image/gif"));
}

/* A WebP whose extended header says "animated" but has no ANIM chunk is refused before the
 * loader sees it (webp-pixbuf-loader fails a GLib assertion closing it: found by fuzz-image). */
static void
test_webp_animated_flag (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 6, 6);
  g_autofree char *plain = NULL;
  g_autoptr(GByteArray) extended = g_byte_array_new ();
  g_autoptr(GByteArray) animated = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroImage) image = NULL;
  static const guint8 vp8x[] = { 'V', 'P', '8', 'X', 10, 0, 0, 0,
                                 0x02, 0, 0, 0, 5, 0, 0, 3, 0, 0 };
  static const guint8 anim[] = { 'A', 'N', 'I', 'M', 6, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  guint32 riff_size;
  gsize size;

  gdk_pixbuf_fill (pixbuf, 0x20a040ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &plain, &size, "webp", NULL, NULL));
  g_assert_cmpmem (plain + 8, 4, "WEBP", 4);

  /* RIFF header, VP8X saying "animated", then the plain file's image chunk. */
  g_byte_array_append (extended, (const guint8 *) plain, 12);
  g_byte_array_append (extended, vp8x, sizeof vp8x);
  g_byte_array_append (extended, (const guint8 *) plain + 12, size - 12);
  riff_size = GUINT32_TO_LE (extended->len - 8);
  memcpy (extended->data + 4, &riff_size, 4);

  bytes = g_bytes_new (extended->data, extended->len);
  image = chiaro_image_new_from_bytes (bytes, "animated.webp", &error);
  g_assert_null (image);
  assert_codec_error (error, CHIARO_CODEC_ERROR_CORRUPT, "animated.webp");
  g_assert_false (chiaro_mime_looks_complete (extended->data, extended->len, "image/webp"));

  /* With an ANIM chunk after the header the container is whole. */
  animated = g_byte_array_new ();
  g_byte_array_append (animated, extended->data, 12 + sizeof vp8x);
  g_byte_array_append (animated, anim, sizeof anim);
  g_byte_array_append (animated, extended->data + 12 + sizeof vp8x,
                       extended->len - 12 - sizeof vp8x);
  riff_size = GUINT32_TO_LE (animated->len - 8);
  memcpy (animated->data + 4, &riff_size, 4);
  g_assert_true (chiaro_mime_looks_complete (animated->data, animated->len, "image/webp"));
  g_assert_true (chiaro_mime_looks_complete ((const guint8 *) plain, size, "image/webp"));
}

static void
test_not_images (void)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) text = g_bytes_new_static ("just some text, named .png", 26);
  g_autoptr(GBytes) html = g_bytes_new_static ("<html><body>Bad Gateway</body></html>", 37);
  g_autoptr(GBytes) fake_png = g_bytes_new_static ("\x89PNG\r\n\x1a\nnot really", 18);
  g_autoptr(GError) error = NULL;

  g_assert_null (chiaro_image_new_from_bytes (empty, "empty.png", &error));
  assert_codec_error (error, CHIARO_CODEC_ERROR_EMPTY, "empty.png");
  g_clear_error (&error);

  g_assert_null (chiaro_image_new_from_bytes (text, "notes.png", &error));
  assert_codec_error (error, CHIARO_CODEC_ERROR_UNSUPPORTED, "notes.png");
  g_clear_error (&error);

  g_assert_null (chiaro_image_new_from_bytes (html, NULL, &error));
  assert_codec_error (error, CHIARO_CODEC_ERROR_UNSUPPORTED, NULL);
  g_clear_error (&error);

  g_assert_null (chiaro_image_new_from_bytes (fake_png, "fake.png", &error));
  assert_codec_error (error, CHIARO_CODEC_ERROR_CORRUPT, "fake.png");
}

static char *
make_scratch_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("chiaro-test-image-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_scratch_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        g_rmdir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/* Files that are not there, not files, or not readable: an error naming each, no crash. */
static void
test_bad_files (void)
{
  g_autofree char *dir = make_scratch_dir ();
  g_autofree char *missing = g_build_filename (dir, "missing.jpg", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder.png", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling.png", NULL);
  g_autofree char *unreadable = g_build_filename (dir, "unreadable.png", NULL);
  g_autofree char *zero = g_build_filename (dir, "zero.jpg", NULL);
  g_autofree char *latin1 = g_build_filename (dir, "caf\xe9.png", NULL);
  struct { const char *path; const char *name; int code; } cases[] = {
    { missing, "missing.jpg", CHIARO_CODEC_ERROR_UNREADABLE },
    { folder, "folder.png", CHIARO_CODEC_ERROR_UNREADABLE },
    { dangling, "dangling.png", CHIARO_CODEC_ERROR_UNREADABLE },
    { zero, "zero.jpg", CHIARO_CODEC_ERROR_EMPTY },
    /* A name in Latin-1, not UTF-8: shown with a replacement, still named. */
    { latin1, "caf", CHIARO_CODEC_ERROR_UNSUPPORTED },
    { unreadable, "unreadable.png", CHIARO_CODEC_ERROR_UNREADABLE },
  };

  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  g_assert_cmpint (symlink ("nowhere.png", dangling), ==, 0);
  g_assert_true (g_file_set_contents (zero, "", 0, NULL));
  g_assert_true (g_file_set_contents (latin1, "plain text", -1, NULL));
  g_assert_true (g_file_set_contents (unreadable, "\x89PNG\r\n\x1a\n", 8, NULL));
  g_assert_cmpint (g_chmod (unreadable, 0), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (cases[i].path);
      g_autoptr(GError) error = NULL;
      g_autoptr(ChiaroImage) image = NULL;

      /* root reads anything: the permission case cannot happen there. */
      if (i == G_N_ELEMENTS (cases) - 1 && geteuid () == 0)
        {
          g_test_message ("running as root: unreadable files are readable");
          continue;
        }

      image = chiaro_image_new_from_file (file, NULL, &error);
      g_test_message ("%s: %s", cases[i].name, error ? error->message : "opened");
      g_assert_null (image);
      assert_codec_error (error, cases[i].code, cases[i].name);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  remove_scratch_dir (dir);
}

/* The async pair runs on a worker thread and hands back the same results. */
static void
test_async (void)
{
  g_autoptr(GFile) file = chiaro_test_fixture_file ("images", "exif-orientation",
                                                    "Portrait_3.jpg", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  chiaro_image_load_file_async (file, NULL, chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &result, 20));
  image = chiaro_image_load_file_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chiaro_image_get_width (image), ==, 1200);
  g_clear_object (&result);

  chiaro_image_decode_async (image, NULL, chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &result, 20));
  pixbuf = chiaro_image_decode_finish (image, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1200);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 1800);
}

static void
test_cancel (void)
{
  g_autoptr(GFile) file = chiaro_test_fixture_file ("images", "exif-orientation",
                                                    "Landscape_6.jpg", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);

  chiaro_image_load_file_async (file, cancellable, chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &result, 20));
  g_assert_null (chiaro_image_load_file_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);

  image = chiaro_image_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  chiaro_image_decode_async (image, cancellable, chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &result, 20));
  g_assert_null (chiaro_image_decode_finish (image, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The bytes are kept exactly as read: they are what gets stored and sent. */
static void
test_bytes_kept (void)
{
  g_autoptr(GBytes) bytes = read_fixture_bytes ("exif-orientation", "Portrait_8.jpg");
  g_autoptr(ChiaroImage) image = load_fixture ("exif-orientation", "Portrait_8.jpg");

  g_assert_true (g_bytes_equal (bytes, chiaro_image_get_bytes (image)));
}

/* Decoding at a reduced size gives the same upright picture, smaller. */
static void
test_decode_scaled (void)
{
  static const char *names[] = { "Landscape_1.jpg", "Landscape_6.jpg", "Portrait_8.jpg" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(ChiaroImage) image = load_fixture ("exif-orientation", names[i]);
      g_autoptr(GdkPixbuf) full = decode (image);
      g_autoptr(GdkPixbuf) scaled = NULL;
      g_autoptr(GdkPixbuf) same = NULL;
      g_autoptr(GdkPixbuf) expected = NULL;
      g_autoptr(GError) error = NULL;
      gboolean landscape = chiaro_image_get_width (image) > chiaro_image_get_height (image);
      double difference;

      scaled = chiaro_image_decode_scaled (image, 900, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (gdk_pixbuf_get_width (scaled), ==, landscape ? 900 : 600);
      g_assert_cmpint (gdk_pixbuf_get_height (scaled), ==, landscape ? 600 : 900);

      expected = gdk_pixbuf_scale_simple (full, gdk_pixbuf_get_width (scaled),
                                          gdk_pixbuf_get_height (scaled), GDK_INTERP_BILINEAR);
      difference = mean_difference (expected, scaled);
      g_test_message ("%s: mean difference %.2f", names[i], difference);
      g_assert_cmpfloat (difference, <, 4.0);

      /* Already small enough: decoded as it is. */
      same = chiaro_image_decode_scaled (image, 5000, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (gdk_pixbuf_get_width (same), ==, gdk_pixbuf_get_width (full));
      g_assert_cmpfloat (mean_difference (full, same), ==, 0.0);
    }
}

/* A project started from a photo is named without the photo's extension; only image
 * extensions go. */
static void
test_strip_extension (void)
{
  static const char * const cases[][2] = {
    { "Landscape_1.jpg", "Landscape_1" },
    { "Holiday.JPEG", "Holiday" },
    { "scan.2026.tiff", "scan.2026" },
    { "poster.webp", "poster" },
    { "v1.2", "v1.2" },
    { "Notes.txt", "Notes.txt" },
    { ".png", ".png" },
    { "Launch", "Launch" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = chiaro_image_strip_extension (cases[i][0]);

      g_assert_cmpstr (name, ==, cases[i][1]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/core/image/exif-orientations", test_exif_orientations);
  g_test_add_func ("/chiaro/core/image/strip-extension", test_strip_extension);
  g_test_add_func ("/chiaro/core/image/pngsuite", test_pngsuite);
  g_test_add_func ("/chiaro/core/image/png-crashers", test_png_crashers);
  g_test_add_func ("/chiaro/core/image/decompression-bomb", test_decompression_bomb);
  g_test_add_func ("/chiaro/core/image/truncated", test_truncated);
  g_test_add_func ("/chiaro/core/image/bmp-header-beyond-end", test_bmp_header_beyond_end);
  g_test_add_func ("/chiaro/core/image/gif-frames", test_gif_frames);
  g_test_add_func ("/chiaro/core/image/webp-animated-flag", test_webp_animated_flag);
  g_test_add_func ("/chiaro/core/image/not-images", test_not_images);
  g_test_add_func ("/chiaro/core/image/bad-files", test_bad_files);
  g_test_add_func ("/chiaro/core/image/async", test_async);
  g_test_add_func ("/chiaro/core/image/cancel", test_cancel);
  g_test_add_func ("/chiaro/core/image/bytes-kept", test_bytes_kept);
  g_test_add_func ("/chiaro/core/image/decode-scaled", test_decode_scaled);

  return g_test_run ();
}
