/* chiaro-exif.c — read the EXIF orientation of an image without decoding it
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cameras store pixels as the sensor saw them and record how to turn them upright in the
 * EXIF Orientation tag (0x0112). The tag is read here straight from the container, so the
 * displayed size of an image is known before a single pixel is decoded. Every read is bounds
 * checked: the input is whatever a user or a server handed us.
 */

#define G_LOG_DOMAIN "chiaro-exif"

#include "config.h"

#include <string.h>

#include "chiaro-mime.h"

#include "chiaro-exif.h"

#define ORIENTATION_TAG 0x0112
#define TIFF_TYPE_SHORT 3

static guint
read_u16 (const guint8 *p,
          gboolean      big_endian)
{
  return big_endian ? (guint) (p[0] << 8 | p[1]) : (guint) (p[1] << 8 | p[0]);
}

static guint32
read_u32 (const guint8 *p,
          gboolean      big_endian)
{
  if (big_endian)
    return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

/* Reads the orientation from a TIFF structure: the body of an EXIF block, or a TIFF file. */
static guint
orientation_from_tiff (const guint8 *data,
                       gsize         size)
{
  gboolean big_endian;
  guint32 ifd_offset;
  guint n_entries;

  if (size < 8)
    return 1;

  if (memcmp (data, "II", 2) == 0)
    big_endian = FALSE;
  else if (memcmp (data, "MM", 2) == 0)
    big_endian = TRUE;
  else
    return 1;

  if (read_u16 (data + 2, big_endian) != 42)
    return 1;

  ifd_offset = read_u32 (data + 4, big_endian);
  if (ifd_offset < 8 || ifd_offset > size - 2)
    return 1;

  n_entries = read_u16 (data + ifd_offset, big_endian);
  for (guint i = 0; i < n_entries; i++)
    {
      gsize entry = (gsize) ifd_offset + 2 + (gsize) i * 12;
      guint value;

      if (entry + 12 > size)
        break;

      if (read_u16 (data + entry, big_endian) != ORIENTATION_TAG)
        continue;
      if (read_u16 (data + entry + 2, big_endian) != TIFF_TYPE_SHORT)
        return 1;

      value = read_u16 (data + entry + 8, big_endian);
      return (value >= 1 && value <= 8) ? value : 1;
    }

  return 1;
}

/* An EXIF payload is a TIFF structure, sometimes behind the "Exif\0\0" identifier. */
static guint
orientation_from_exif_payload (const guint8 *data,
                               gsize         size)
{
  if (size >= 6 && memcmp (data, "Exif\0\0", 6) == 0)
    return orientation_from_tiff (data + 6, size - 6);
  return orientation_from_tiff (data, size);
}

static guint
orientation_from_jpeg (const guint8 *data,
                       gsize         size)
{
  gsize offset = 2, payload_offset = 0, payload_size = 0;
  guint8 marker = 0;

  while (chiaro_mime_next_jpeg_segment (data, size, &offset, &marker,
                                        &payload_offset, &payload_size))
    {
      /* Past the start of scan, the metadata segments are behind us. */
      if (marker == 0xda)
        break;

      if (marker == 0xe1 && payload_size >= 6 && memcmp (data + payload_offset, "Exif\0\0", 6) == 0)
        return orientation_from_tiff (data + payload_offset + 6, payload_size - 6);
    }

  return 1;
}

static guint
orientation_from_png (const guint8 *data,
                      gsize         size)
{
  gsize offset = 8;

  while (offset + 12 <= size)
    {
      guint32 length = read_u32 (data + offset, TRUE);
      const guint8 *type = data + offset + 4;

      if (length > size - offset - 12)
        return 1;
      if (memcmp (type, "eXIf", 4) == 0)
        return orientation_from_exif_payload (data + offset + 8, length);
      /* The PNG specification requires eXIf before the image data. */
      if (memcmp (type, "IDAT", 4) == 0 || memcmp (type, "IEND", 4) == 0)
        return 1;

      offset += 12 + (gsize) length;
    }

  return 1;
}

static guint
orientation_from_webp (const guint8 *data,
                       gsize         size)
{
  gsize offset = 12;

  while (offset + 8 <= size)
    {
      guint32 length = read_u32 (data + offset + 4, FALSE);

      if (length > size - offset - 8)
        return 1;
      if (memcmp (data + offset, "EXIF", 4) == 0)
        return orientation_from_exif_payload (data + offset + 8, length);

      /* Chunks are padded to an even size. */
      offset += 8 + (gsize) length + (length & 1);
    }

  return 1;
}

/**
 * chiaro_exif_get_orientation:
 * @data: (array length=size): the whole file
 * @size: the size of @data
 * @mime_type: (nullable): the sniffed MIME type of @data
 *
 * Reads the EXIF orientation of a JPEG, PNG (eXIf), WebP or TIFF file. Other formats, and
 * HEIF/AVIF (whose decoder applies the container's own transforms), report 1.
 *
 * Returns: the orientation, 1 (upright) to 8; 1 when absent or invalid
 */
guint
chiaro_exif_get_orientation (const guint8 *data,
                             gsize         size,
                             const char   *mime_type)
{
  if (data == NULL || mime_type == NULL)
    return 1;

  if (g_str_equal (mime_type, "image/jpeg"))
    return orientation_from_jpeg (data, size);
  if (g_str_equal (mime_type, "image/png"))
    return orientation_from_png (data, size);
  if (g_str_equal (mime_type, "image/webp"))
    return orientation_from_webp (data, size);
  if (g_str_equal (mime_type, "image/tiff"))
    return orientation_from_tiff (data, size);

  return 1;
}
