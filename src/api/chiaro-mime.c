/* chiaro-mime.c — recognise image formats by their bytes
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Servers and file names both lie about formats (a JPEG labelled image/png is common), so
 * every image Chiaro handles is identified by its leading bytes instead.
 */

#define G_LOG_DOMAIN "chiaro-mime"

#include "config.h"

#include <string.h>

#include "chiaro-mime.h"

typedef struct
{
  const char *mime_type;
  const char *extension;
} MimeExtension;

static const MimeExtension extensions[] = {
  { "image/png", "png" },
  { "image/jpeg", "jpg" },
  { "image/webp", "webp" },
  { "image/gif", "gif" },
  { "image/tiff", "tiff" },
  { "image/bmp", "bmp" },
  { "image/heic", "heic" },
  { "image/heif", "heif" },
  { "image/avif", "avif" },
};

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint32
read_le32 (const guint8 *p)
{
  return p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static gboolean
brand_is (const guint8 *brand,
          const char   *name)
{
  return memcmp (brand, name, 4) == 0;
}

/* ISO base media files (HEIF, AVIF) start with an `ftyp` box naming a major brand and a list of
 * compatible brands. AVIF wins over HEIF when both are listed, since an AVIF file usually also
 * claims the generic `mif1` brand.
 */
static const char *
sniff_ftyp (const guint8 *data,
            gsize         size)
{
  const char *found = NULL;
  guint32 box_size;
  gsize end;

  if (size < 16 || memcmp (data + 4, "ftyp", 4) != 0)
    return NULL;

  box_size = read_be32 (data);
  if (box_size < 16)
    return NULL;
  end = MIN ((gsize) box_size, size);

  for (gsize offset = 8; offset + 4 <= end; offset += 4)
    {
      const guint8 *brand = data + offset;

      /* Offset 12 is the minor version, not a brand. */
      if (offset == 12)
        continue;

      if (brand_is (brand, "avif") || brand_is (brand, "avis"))
        return "image/avif";
      if (brand_is (brand, "heic") || brand_is (brand, "heix") ||
          brand_is (brand, "heim") || brand_is (brand, "heis") ||
          brand_is (brand, "hevc") || brand_is (brand, "hevx"))
        found = "image/heic";
      else if (found == NULL && (brand_is (brand, "mif1") || brand_is (brand, "msf1")))
        found = "image/heif";
    }

  return found;
}

/**
 * chiaro_mime_sniff:
 * @data: (array length=size) (nullable): the first bytes of a file
 * @size: how many bytes @data holds
 *
 * Identifies an image format from its signature. Sixteen bytes are enough for every format
 * except HEIF and AVIF, whose brand list may run longer; pass as much as is at hand.
 *
 * Returns: (nullable): a static MIME type such as "image/png", or %NULL when the bytes are
 *   not an image format Chiaro knows
 */
const char *
chiaro_mime_sniff (const guint8 *data,
                   gsize         size)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (data == NULL)
    return NULL;

  if (size >= sizeof png && memcmp (data, png, sizeof png) == 0)
    return "image/png";
  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "image/jpeg";
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";
  if (size >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return "image/gif";
  if (size >= 4 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return "image/tiff";
  if (size >= 14 && data[0] == 'B' && data[1] == 'M')
    return "image/bmp";

  return sniff_ftyp (data, size);
}

/**
 * chiaro_mime_sniff_bytes:
 * @bytes: (nullable): the contents of a file
 *
 * Like chiaro_mime_sniff(), on a #GBytes.
 *
 * Returns: (nullable): a static MIME type, or %NULL
 */
const char *
chiaro_mime_sniff_bytes (GBytes *bytes)
{
  gsize size = 0;
  const guint8 *data;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  return chiaro_mime_sniff (data, size);
}

/**
 * chiaro_mime_get_extension:
 * @mime_type: a MIME type returned by chiaro_mime_sniff()
 *
 * Returns: (nullable): the usual file extension for @mime_type, without a dot, or %NULL
 */
const char *
chiaro_mime_get_extension (const char *mime_type)
{
  g_return_val_if_fail (mime_type != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      if (g_str_equal (extensions[i].mime_type, mime_type))
        return extensions[i].extension;
    }

  return NULL;
}

/**
 * chiaro_mime_next_jpeg_segment:
 * @data: (array length=size): a JPEG file
 * @size: the size of @data
 * @offset: (inout): where to read the next marker; start at 2, just past the SOI marker
 * @marker: (out): the marker byte, such as 0xe1 for APP1 or 0xda for the start of scan
 * @payload_offset: (out): where the segment's payload starts
 * @payload_size: (out): the payload's size, without the length field
 *
 * Walks the segments of a JPEG file up to its image data, checking every length against
 * @size. After the start-of-scan segment (0xda) the entropy-coded data follows, which this
 * does not walk.
 *
 * Returns: %TRUE when a segment was read; %FALSE at the end, or at anything malformed
 */
gboolean
chiaro_mime_next_jpeg_segment (const guint8 *data,
                               gsize         size,
                               gsize        *offset,
                               guint8       *marker,
                               gsize        *payload_offset,
                               gsize        *payload_size)
{
  gsize at = *offset;

  while (at + 2 <= size && data[at] == 0xff && data[at + 1] == 0xff)
    at++; /* fill bytes before a marker */

  while (at + 2 <= size && data[at] == 0xff)
    {
      guint8 found = data[at + 1];
      gsize length;

      /* Markers that stand alone, without a length field. */
      if (found == 0x01 || (found >= 0xd0 && found <= 0xd7))
        {
          at += 2;
          continue;
        }
      if (found == 0xd8 || found == 0xd9 || at + 4 > size)
        return FALSE;

      length = (gsize) data[at + 2] << 8 | data[at + 3];
      if (length < 2 || length > size - at - 2)
        return FALSE;

      *marker = found;
      *payload_offset = at + 4;
      *payload_size = length - 2;
      *offset = at + 2 + length;
      return TRUE;
    }

  return FALSE;
}

static gboolean
png_looks_complete (const guint8 *data,
                    gsize         size)
{
  gsize offset = 8;

  while (offset + 12 <= size)
    {
      guint32 length = read_be32 (data + offset);

      if (length > size - offset - 12)
        return FALSE;
      if (memcmp (data + offset + 4, "IEND", 4) == 0)
        return TRUE;

      offset += 12 + (gsize) length;
    }

  return FALSE;
}

static gboolean
jpeg_looks_complete (const guint8 *data,
                     gsize         size)
{
  gsize offset = 2, payload_offset = 0, payload_size = 0;
  guint8 marker = 0;

  while (chiaro_mime_next_jpeg_segment (data, size, &offset, &marker,
                                        &payload_offset, &payload_size))
    {
      if (marker != 0xda)
        continue;

      /* Entropy-coded data never holds 0xff 0xd9, so an end-of-image marker after the first
       * scan is the real end, even when a camera appended more data behind it. Whether there
       * is one is searched for from the end: a whole file has it in its last two bytes. */
      for (gsize i = size - 1; i > offset; i--)
        {
          if (data[i] == 0xd9 && data[i - 1] == 0xff)
            return TRUE;
        }
      return FALSE;
    }

  return FALSE;
}

static gboolean
webp_looks_complete (const guint8 *data,
                     gsize         size)
{
  guint32 riff_size;

  if (size < 12)
    return FALSE;

  /* The RIFF size counts everything after the first eight bytes. */
  riff_size = read_le32 (data + 4);
  if (size - 8 < riff_size)
    return FALSE;

  /* An extended header that says "animated" needs the ANIM chunk: without it the WebP loader
   * fails a GLib assertion (gdk_pixbuf_animation_iter_get_pixbuf) when closed. */
  if (size >= 21 && memcmp (data + 12, "VP8X", 4) == 0 && (data[20] & 0x02) != 0)
    {
      gsize offset = 12;

      /* An odd last chunk is padded to an even size: the padding byte may be missing, so the
       * next offset can pass the end by one. */
      while (offset <= size && size - offset >= 8)
        {
          guint32 chunk_size = read_le32 (data + offset + 4);

          if (memcmp (data + offset, "ANIM", 4) == 0)
            return TRUE;
          if (chunk_size > size - offset - 8)
            break;
          offset += 8 + (gsize) chunk_size + (chunk_size & 1);
        }
      return FALSE;
    }

  return TRUE;
}

static gboolean
bmp_looks_complete (const guint8 *data,
                    gsize         size)
{
  guint32 file_size;
  guint32 pixels_offset;
  guint32 header_size;

  if (size < 18)
    return FALSE;

  /* Some writers leave the declared file size at zero; only a real one can be checked. */
  file_size = read_le32 (data + 2);
  if (file_size != 0 && size < file_size)
    return FALSE;

  /* The info header and the start of the pixels must lie inside the file. gdk-pixbuf's loader
   * sizes its buffer from these fields before it has the bytes, so a few bytes declaring
   * gigabytes would otherwise make it ask for gigabytes. */
  pixels_offset = read_le32 (data + 10);
  header_size = read_le32 (data + 14);
  return header_size <= size - 14 && pixels_offset <= size;
}

/* Skips GIF data sub-blocks (a size byte, that many bytes, until a size of zero) from
 * @offset. Returns FALSE when the data ends first. */
static gboolean
gif_skip_sub_blocks (const guint8 *data,
                     gsize         size,
                     gsize        *offset)
{
  while (*offset < size)
    {
      guint8 length = data[*offset];

      *offset += 1 + length;
      if (length == 0)
        return TRUE;
    }
  return FALSE;
}

/* Walks a GIF's blocks: at least one frame, and no frame of zero width or height (gdk-pixbuf's
 * loader fails a GLib assertion on one). A GIF that ends early after a frame is left to the
 * decoder, as many GIFs in the wild lack their trailer. */
static gboolean
gif_looks_complete (const guint8 *data,
                    gsize         size)
{
  gsize offset = 13;
  guint n_frames = 0;

  if (size < 13)
    return FALSE;

  /* The global colour table follows the logical screen descriptor when its flag is set. */
  if (data[10] & 0x80)
    offset += 3 * ((gsize) 1 << ((data[10] & 0x07) + 1));

  while (offset < size)
    {
      guint8 block = data[offset];

      if (block == 0x3b)
        break;

      if (block == 0x21)
        {
          offset += 2;
          if (!gif_skip_sub_blocks (data, size, &offset))
            break;
        }
      else if (block == 0x2c)
        {
          guint8 flags;

          if (size - offset < 10)
            break;
          if ((data[offset + 5] | data[offset + 6] << 8) == 0 ||
              (data[offset + 7] | data[offset + 8] << 8) == 0)
            return FALSE;
          n_frames++;

          flags = data[offset + 9];
          offset += 10;
          if (flags & 0x80)
            offset += 3 * ((gsize) 1 << ((flags & 0x07) + 1));
          offset++;   /* the LZW minimum code size */
          if (!gif_skip_sub_blocks (data, size, &offset))
            break;
        }
      else
        {
          return FALSE;
        }
    }

  return n_frames > 0;
}

/**
 * chiaro_mime_looks_complete:
 * @data: (array length=size): a whole file
 * @size: the size of @data
 * @mime_type: the sniffed MIME type of @data
 *
 * Checks the container of formats with a clear end for truncation: a PNG's IEND chunk, a
 * JPEG's end-of-image marker after its image data, a WebP's RIFF size, a BMP's file size, a
 * GIF's frames (at least one, none empty). Decoders differ on
 * early ends, and some hand back a half-grey picture instead of an error; this makes a cut-off
 * download or copy fail the same way for every decoder. Other formats are left to their
 * decoder and pass.
 *
 * Returns: %FALSE when @data is cut short
 */
gboolean
chiaro_mime_looks_complete (const guint8 *data,
                            gsize         size,
                            const char   *mime_type)
{
  g_return_val_if_fail (mime_type != NULL, FALSE);

  if (data == NULL)
    return FALSE;

  if (g_str_equal (mime_type, "image/png"))
    return png_looks_complete (data, size);
  if (g_str_equal (mime_type, "image/jpeg"))
    return jpeg_looks_complete (data, size);
  if (g_str_equal (mime_type, "image/webp"))
    return webp_looks_complete (data, size);
  if (g_str_equal (mime_type, "image/bmp"))
    return bmp_looks_complete (data, size);
  if (g_str_equal (mime_type, "image/gif"))
    return gif_looks_complete (data, size);

  return TRUE;
}
