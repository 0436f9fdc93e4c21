/* chiaro-mock-util.c — JSON writing, base64, checksums and sniffing for the mock server
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include <string.h>

#include "chiaro-mock-util.h"

static void
append_string (GString    *out,
               const char *text)
{
  const char *run = text;
  const char *p;

  g_string_append_c (out, '"');
  for (p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default: g_string_append_printf (out, "\\u%04x", c); break;
        }
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static void
append_indent (GString *out,
               guint    depth)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static void
append_value (GString    *out,
              JsonNode   *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    append_string (out, json_node_get_string (node));
  else if (type == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
  else
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
    }
}

static void
append_node (GString             *out,
             JsonNode            *node,
             ChiaroMockJsonStyle  style,
             guint                depth)
{
  const char *colon = style == CHIARO_MOCK_JSON_DENSE ? ":" : ": ";

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
      append_value (out, node);
      break;

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) names = json_object_get_members (object);

        g_string_append_c (out, '{');
        for (GList *l = names; l != NULL; l = l->next)
          {
            if (l != names)
              g_string_append_c (out, ',');
            if (style == CHIARO_MOCK_JSON_PRETTY)
              append_indent (out, depth + 1);
            append_string (out, l->data);
            g_string_append (out, colon);
            append_node (out, json_object_get_member (object, l->data), style, depth + 1);
          }
        if (style == CHIARO_MOCK_JSON_PRETTY && names != NULL)
          append_indent (out, depth);
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            if (style == CHIARO_MOCK_JSON_PRETTY)
              append_indent (out, depth + 1);
            append_node (out, json_array_get_element (array, i), style, depth + 1);
          }
        if (style == CHIARO_MOCK_JSON_PRETTY && n > 0)
          append_indent (out, depth);
        g_string_append_c (out, ']');
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Serialises @node the way Google's front end does (json-glib's own generator puts a space
 * before the colon, which no real server does). */
void
chiaro_mock_json_append (GString             *out,
                         JsonNode            *node,
                         ChiaroMockJsonStyle  style)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (node != NULL);

  append_node (out, node, style, 0);
}

char *
chiaro_mock_json_to_string (JsonNode            *node,
                            ChiaroMockJsonStyle  style)
{
  GString *out = g_string_new (NULL);

  chiaro_mock_json_append (out, node, style);
  return g_string_free (out, FALSE);
}

/* "generationConfig" → "generation_config": the proto field name, which the server also
 * accepts and uses in its error messages. */
char *
chiaro_mock_snake_case (const char *camel_name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = camel_name; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p))
        {
          if (p != camel_name)
            g_string_append_c (out, '_');
          g_string_append_c (out, g_ascii_tolower (*p));
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* A member by its JSON name or its proto name, as proto3 JSON parsing accepts both. */
JsonNode *
chiaro_mock_json_member (JsonObject *object,
                         const char *camel_name)
{
  g_autofree char *snake = NULL;
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, camel_name);
  if (node == NULL)
    {
      snake = chiaro_mock_snake_case (camel_name);
      node = json_object_get_member (object, snake);
    }

  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return NULL;

  return node;
}

const char *
chiaro_mock_json_string_member (JsonObject *object,
                                const char *camel_name)
{
  JsonNode *node = chiaro_mock_json_member (object, camel_name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

JsonObject *
chiaro_mock_json_object_member (JsonObject *object,
                                const char *camel_name)
{
  JsonNode *node = chiaro_mock_json_member (object, camel_name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
chiaro_mock_json_array_member (JsonObject *object,
                               const char *camel_name)
{
  JsonNode *node = chiaro_mock_json_member (object, camel_name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static int
base64_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+' || c == '-')
    return 62;
  if (c == '/' || c == '_')
    return 63;
  return -1;
}

/* Decodes base64 the way proto3 JSON does: the standard or the URL-safe alphabet, padding
 * optional but correct when present, nothing else. g_base64_decode skips bad characters,
 * which would hide exactly the mistakes the mock is there to catch. */
GBytes *
chiaro_mock_base64_decode (const char *text,
                           gsize       length)
{
  g_autoptr(GByteArray) out = NULL;
  gsize data_length = length;
  guint32 accumulator = 0;
  guint bits = 0;

  while (data_length > 0 && text[data_length - 1] == '=')
    data_length--;
  if (length - data_length > 2)
    return NULL;
  if (length != data_length && length % 4 != 0)
    return NULL;
  if (data_length % 4 == 1)
    return NULL;

  out = g_byte_array_sized_new (data_length / 4 * 3 + 3);
  for (gsize i = 0; i < data_length; i++)
    {
      int value = base64_value (text[i]);

      if (value < 0)
        return NULL;
      accumulator = (accumulator << 6) | (guint32) value;
      bits += 6;
      if (bits >= 8)
        {
          guint8 byte;

          bits -= 8;
          byte = (guint8) ((accumulator >> bits) & 0xff);
          g_byte_array_append (out, &byte, 1);
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

guint32
chiaro_mock_crc32 (guint32       crc,
                   const guint8 *data,
                   gsize         length)
{
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
  return ~crc;
}

/* The image type by its magic bytes, or NULL. */
const char *
chiaro_mock_sniff_mime_type (const guint8 *data,
                             gsize         length)
{
  if (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "image/jpeg";
  if (length >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";
  if (length >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return "image/gif";
  if (length >= 12 && memcmp (data + 4, "ftyp", 4) == 0)
    {
      const char *brand = (const char *) data + 8;

      if (memcmp (brand, "avif", 4) == 0 || memcmp (brand, "avis", 4) == 0)
        return "image/avif";
      if (memcmp (brand, "heic", 4) == 0 || memcmp (brand, "heix", 4) == 0 ||
          memcmp (brand, "hevc", 4) == 0 || memcmp (brand, "hevx", 4) == 0 ||
          memcmp (brand, "heim", 4) == 0 || memcmp (brand, "heis", 4) == 0)
        return "image/heic";
      if (memcmp (brand, "mif1", 4) == 0 || memcmp (brand, "msf1", 4) == 0 ||
          memcmp (brand, "heif", 4) == 0)
        return "image/heif";
    }
  if (length >= 2 && data[0] == 'B' && data[1] == 'M')
    return "image/bmp";
  if (length >= 4 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return "image/tiff";

  return NULL;
}

/* Random URL-safe characters, like Google's response ids. */
char *
chiaro_mock_random_id (guint length)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char *id = g_malloc (length + 1);

  for (guint i = 0; i < length; i++)
    id[i] = alphabet[g_random_int_range (0, 64)];
  id[length] = '\0';

  return id;
}

/* FNV-1a: stable across runs and machines, unlike g_str_hash's contract. */
guint32
chiaro_mock_hash (const char *text)
{
  guint32 hash = 2166136261u;

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      hash ^= *p;
      hash *= 16777619u;
    }

  return hash;
}
