/* chiaro-mock-images.c — the pictures the mock answers with, made and cached
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each picture is a gradient between two colours taken from a seed (a hash of the prompt),
 * with diagonal bands and a little grain, so different prompts give different bytes, a test
 * can tell the images apart, and files are about as large as photographs (a smooth gradient
 * would make a 4K PNG of half a megabyte, where Google's are tens). Encoding a 4K picture
 * takes seconds, so encoded pictures are cached by (format, size, seed); a per-answer stamp
 * (a PNG tEXt chunk or a JPEG comment) is then spliced in, which makes every answer's bytes
 * unique without encoding again.
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "chiaro-mock-util.h"
#include "chiaro-mock-images.h"

#define MAX_CACHED 24
#define MAX_CACHED_BYTES (384 * 1024 * 1024)
#define GRAIN 12

struct _ChiaroMockImages
{
  GObject     parent_instance;

  GMutex      lock;
  /* owned, under lock */
  GHashTable *cache;   /* "format:w:h:seed" → GBytes */
  GQueue      order;   /* keys, oldest first (owned by cache) */
  gsize       cached_bytes;
};

G_DEFINE_FINAL_TYPE (ChiaroMockImages, chiaro_mock_images, G_TYPE_OBJECT)

static GdkPixbuf *
paint (int     width,
       int     height,
       guint32 seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 from[3] = { seed & 0xff, (seed >> 8) & 0xff, (seed >> 16) & 0xff };
  guint8 to[3] = { 255 - from[2], (seed >> 24) & 0xff, 255 - from[0] };
  int band = 48 + (int) (seed % 64);
  guint32 noise = seed | 1;

  for (int y = 0; y < height; y++)
    {
      guint8 *row = pixels + (gsize) y * stride;

      for (int x = 0; x < width; x++)
        {
          /* t runs 0‥512 from the top-left corner to the bottom-right one. */
          int t = (int) ((gint64) x * 256 / width + (gint64) y * 256 / height);
          int lift = ((x + y) / band) % 2 == 0 ? 0 : 28;

          /* xorshift32: the same grain for the same seed, on every machine. */
          noise ^= noise << 13;
          noise ^= noise >> 17;
          noise ^= noise << 5;

          for (int c = 0; c < 3; c++)
            {
              int grain = (int) ((noise >> (c * 8)) % GRAIN) - GRAIN / 2;
              int value = from[c] + (to[c] - from[c]) * t / 512 + grain +
                          (c == 2 ? lift : lift / 2);

              row[x * 3 + c] = (guint8) CLAMP (value, 0, 255);
            }
        }
    }

  return g_steal_pointer (&pixbuf);
}

static GBytes *
encode (GdkPixbuf   *pixbuf,
        const char  *format,
        GError     **error)
{
  g_autofree char *buffer = NULL;
  gsize size = 0;
  gboolean ok;

  if (g_strcmp0 (format, "jpeg") == 0)
    ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", error, "quality", "90", NULL);
  else if (g_strcmp0 (format, "webp") == 0)
    ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "webp", error, "quality", "90", NULL);
  else
    ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", error, "compression", "6", NULL);

  if (!ok)
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&buffer), size);
}

/* A tEXt chunk after IHDR, or a COM segment after SOI; WebP is left as it is. */
static GBytes *
add_stamp (GBytes     *image,
           const char *format,
           const char *stamp)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (image, &size);
  g_autoptr(GByteArray) out = NULL;
  gsize stamp_length;

  if (stamp == NULL || *stamp == '\0')
    return g_bytes_ref (image);

  stamp_length = strlen (stamp);

  if (g_strcmp0 (format, "png") == 0 && size > 33)
    {
      static const char keyword[] = "Comment";
      guint32 length = (guint32) (sizeof keyword + stamp_length);
      guint8 header[8];
      guint8 crc_bytes[4];
      guint32 crc;

      header[0] = length >> 24;
      header[1] = length >> 16;
      header[2] = length >> 8;
      header[3] = length;
      memcpy (header + 4, "tEXt", 4);
      crc = chiaro_mock_crc32 (0, header + 4, 4);
      crc = chiaro_mock_crc32 (crc, (const guint8 *) keyword, sizeof keyword);
      crc = chiaro_mock_crc32 (crc, (const guint8 *) stamp, stamp_length);
      crc_bytes[0] = crc >> 24;
      crc_bytes[1] = crc >> 16;
      crc_bytes[2] = crc >> 8;
      crc_bytes[3] = crc;

      out = g_byte_array_sized_new (size + length + 12);
      g_byte_array_append (out, data, 33);
      g_byte_array_append (out, header, 8);
      g_byte_array_append (out, (const guint8 *) keyword, sizeof keyword);
      g_byte_array_append (out, (const guint8 *) stamp, stamp_length);
      g_byte_array_append (out, crc_bytes, 4);
      g_byte_array_append (out, data + 33, size - 33);
      return g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }

  if (g_strcmp0 (format, "jpeg") == 0 && size > 6 && stamp_length < 60000)
    {
      guint16 length = (guint16) (stamp_length + 2);
      guint8 marker[4] = { 0xff, 0xfe, length >> 8, length & 0xff };
      gsize at = 2;

      /* After the JFIF APP0 segment, which should come first. */
      if (data[2] == 0xff && data[3] == 0xe0)
        at = MIN (size, 4 + (((gsize) data[4] << 8) | data[5]));

      out = g_byte_array_sized_new (size + length + 2);
      g_byte_array_append (out, data, at);
      g_byte_array_append (out, marker, 4);
      g_byte_array_append (out, (const guint8 *) stamp, stamp_length);
      g_byte_array_append (out, data + at, size - at);
      return g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }

  return g_bytes_ref (image);
}

static void
chiaro_mock_images_finalize (GObject *object)
{
  ChiaroMockImages *self = (ChiaroMockImages *) object;

  g_queue_clear (&self->order);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (chiaro_mock_images_parent_class)->finalize (object);
}

static void
chiaro_mock_images_class_init (ChiaroMockImagesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chiaro_mock_images_finalize;
}

static void
chiaro_mock_images_init (ChiaroMockImages *self)
{
  g_mutex_init (&self->lock);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_bytes_unref);
  g_queue_init (&self->order);
}

ChiaroMockImages *
chiaro_mock_images_new (void)
{
  return g_object_new (CHIARO_TYPE_MOCK_IMAGES, NULL);
}

/**
 * chiaro_mock_images_render:
 * @self: a #ChiaroMockImages
 * @format: "png", "jpeg" or "webp"
 * @width: pixels
 * @height: pixels
 * @seed: picks the colours
 * @stamp: (nullable): text spliced into the file's metadata
 * @error: return location for a #GError
 *
 * Makes (or finds in the cache) a picture. Safe to call from any thread.
 *
 * Returns: (transfer full) (nullable): the encoded file
 */
GBytes *
chiaro_mock_images_render (ChiaroMockImages  *self,
                           const char        *format,
                           int                width,
                           int                height,
                           guint32            seed,
                           const char        *stamp,
                           GError           **error)
{
  g_autofree char *key = NULL;
  g_autoptr(GBytes) image = NULL;

  g_return_val_if_fail (CHIARO_IS_MOCK_IMAGES (self), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  key = g_strdup_printf ("%s:%d:%d:%u", format, width, height, seed);

  g_mutex_lock (&self->lock);
  image = g_hash_table_lookup (self->cache, key);
  if (image != NULL)
    g_bytes_ref (image);
  g_mutex_unlock (&self->lock);

  if (image == NULL)
    {
      g_autoptr(GdkPixbuf) pixbuf = paint (width, height, seed);

      image = encode (pixbuf, format, error);
      if (image == NULL)
        return NULL;

      g_mutex_lock (&self->lock);
      if (!g_hash_table_contains (self->cache, key))
        {
          char *owned_key = g_strdup (key);

          g_hash_table_insert (self->cache, owned_key, g_bytes_ref (image));
          g_queue_push_tail (&self->order, owned_key);
          self->cached_bytes += g_bytes_get_size (image);
          while (g_queue_get_length (&self->order) > MAX_CACHED ||
                 (self->cached_bytes > MAX_CACHED_BYTES && g_queue_get_length (&self->order) > 1))
            {
              const char *oldest = g_queue_pop_head (&self->order);

              self->cached_bytes -= g_bytes_get_size (g_hash_table_lookup (self->cache, oldest));
              g_hash_table_remove (self->cache, oldest);
            }
        }
      g_mutex_unlock (&self->lock);
    }

  return add_stamp (image, format, stamp);
}

gboolean
chiaro_mock_images_format_is_writable (const char *format)
{
  g_autoptr(GSList) formats = gdk_pixbuf_get_formats ();

  if (g_strcmp0 (format, "png") != 0 && g_strcmp0 (format, "jpeg") != 0 &&
      g_strcmp0 (format, "webp") != 0)
    return FALSE;

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *name = gdk_pixbuf_format_get_name (l->data);

      if (g_strcmp0 (name, format) == 0 && gdk_pixbuf_format_is_writable (l->data))
        return TRUE;
    }

  return FALSE;
}

const char *
chiaro_mock_images_format_mime_type (const char *format)
{
  if (g_strcmp0 (format, "jpeg") == 0)
    return "image/jpeg";
  if (g_strcmp0 (format, "webp") == 0)
    return "image/webp";
  return "image/png";
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  int *size = user_data;

  size[0] = width;
  size[1] = height;
  /* Stop before any pixel memory is allocated: only the size was wanted. */
  gdk_pixbuf_loader_set_size (loader, 0, 0);
}

/* The pixel size in an image's header; FALSE when no loader could read one. */
gboolean
chiaro_mock_images_probe_size (GBytes *bytes,
                               int    *width,
                               int    *height)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  int found[2] = { 0, 0 };
  gsize offset = 0;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), found);

  while (offset < size && found[0] == 0)
    {
      gsize chunk = MIN (size - offset, 16384);

      if (!gdk_pixbuf_loader_write (loader, data + offset, chunk, NULL))
        break;
      offset += chunk;
    }
  gdk_pixbuf_loader_close (loader, NULL);

  *width = found[0];
  *height = found[1];
  return found[0] > 0 && found[1] > 0;
}

static void
append_chunk (GByteArray   *out,
              const char   *type,
              const guint8 *data,
              guint32       length)
{
  guint8 header[8] = { length >> 24, length >> 16, length >> 8, length };
  guint8 crc_bytes[4];
  guint32 crc;

  memcpy (header + 4, type, 4);
  crc = chiaro_mock_crc32 (0, header + 4, 4);
  crc = chiaro_mock_crc32 (crc, data, length);
  crc_bytes[0] = crc >> 24;
  crc_bytes[1] = crc >> 16;
  crc_bytes[2] = crc >> 8;
  crc_bytes[3] = crc;

  g_byte_array_append (out, header, 8);
  g_byte_array_append (out, data, length);
  g_byte_array_append (out, crc_bytes, 4);
}

/* A well-formed PNG (valid CRCs) whose header declares @width x @height RGB pixels and whose
 * data holds none: what a decompression bomb looks like to a client that checks sizes. */
GBytes *
chiaro_mock_images_png_header (guint32 width,
                               guint32 height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 empty_zlib[8] = { 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };
  guint8 ihdr[13] = {
    width >> 24, width >> 16, width >> 8, width,
    height >> 24, height >> 16, height >> 8, height,
    8, 2, 0, 0, 0,
  };
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, signature, 8);
  append_chunk (out, "IHDR", ihdr, sizeof ihdr);
  append_chunk (out, "IDAT", empty_zlib, sizeof empty_zlib);
  append_chunk (out, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (out);
}
