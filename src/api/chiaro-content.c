/* chiaro-content.c — one turn of a conversation: a role and its parts, as on the wire
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A received model turn must go back to the server exactly as it came: every part, in order,
 * with its thoughtSignature, and members Chiaro does not know. Image data is kept decoded
 * (GBytes) so it can be stored and shown; base64 is canonical, so encoding it again gives the
 * same text. Both camelCase and the proto's snake_case names are read; camelCase is written.
 */

#define G_LOG_DOMAIN "chiaro-content"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-api-error.h"
#include "chiaro-content-private.h"
#include "chiaro-mime.h"
#include "chiaro-wire-util.h"

#include "chiaro-content.h"

G_DEFINE_BOXED_TYPE (ChiaroPart, chiaro_part, chiaro_part_ref, chiaro_part_unref)
G_DEFINE_BOXED_TYPE (ChiaroContent, chiaro_content, chiaro_content_ref, chiaro_content_unref)

static ChiaroPart *
part_new (ChiaroPartKind kind)
{
  ChiaroPart *part = g_atomic_rc_box_new0 (ChiaroPart);

  part->kind = kind;
  return part;
}

static void
part_clear (ChiaroPart *part)
{
  g_clear_pointer (&part->text, g_free);
  g_clear_pointer (&part->data, g_bytes_unref);
  g_clear_pointer (&part->mime_type, g_free);
  g_clear_pointer (&part->thought_signature, g_free);
  g_clear_pointer (&part->extra, json_object_unref);
}

ChiaroPart *
chiaro_part_new_text (const char *text)
{
  ChiaroPart *part;

  g_return_val_if_fail (text != NULL, NULL);

  part = part_new (CHIARO_PART_TEXT);
  part->text = g_strdup (text);
  return part;
}

/**
 * chiaro_part_new_image:
 * @data: the image bytes
 * @mime_type: (nullable): the label to send; the sniffed type when %NULL
 */
ChiaroPart *
chiaro_part_new_image (GBytes     *data,
                       const char *mime_type)
{
  ChiaroPart *part;

  g_return_val_if_fail (data != NULL, NULL);

  part = part_new (CHIARO_PART_IMAGE);
  part->data = g_bytes_ref (data);
  part->sniffed_mime_type = chiaro_mime_sniff_bytes (data);
  part->mime_type = g_strdup (mime_type != NULL ? mime_type : part->sniffed_mime_type);
  return part;
}

ChiaroPart *
chiaro_part_ref (ChiaroPart *part)
{
  g_return_val_if_fail (part != NULL, NULL);

  return g_atomic_rc_box_acquire (part);
}

void
chiaro_part_unref (ChiaroPart *part)
{
  g_return_if_fail (part != NULL);

  g_atomic_rc_box_release_full (part, (GDestroyNotify) part_clear);
}

static JsonObject *
get_object_member (JsonObject *object,
                   const char *camel,
                   const char *snake)
{
  JsonNode *node = json_object_get_member (object, camel);

  if (node == NULL && snake != NULL)
    node = json_object_get_member (object, snake);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static const char *
get_string_member (JsonObject *object,
                   const char *camel,
                   const char *snake)
{
  JsonNode *node = json_object_get_member (object, camel);

  if (node == NULL && snake != NULL)
    node = json_object_get_member (object, snake);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
is_known_member (const char *name)
{
  static const char * const known[] = {
    "text", "inlineData", "inline_data", "thought", "thoughtSignature", "thought_signature",
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (name, known[i]))
      return TRUE;
  return FALSE;
}

static gboolean
decode_base64 (const char  *text,
               GBytes     **out_bytes)
{
  gsize len = strlen (text);
  guchar *data;
  gsize out_len;
  int state = 0;
  guint save = 0;

  /* The form answers use decodes quickly and gives the same bytes. */
  if (chiaro_wire_decode_base64_canonical (text, len, out_bytes))
    return TRUE;

  /* g_base64_decode accepts anything; refuse what is not base64 so a corrupt answer is an
   * error, not a garbage image. */
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (!(g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=' ||
            c == '\n' || c == '\r'))
        return FALSE;
    }

  data = g_malloc ((len / 4) * 3 + 3);
  out_len = g_base64_decode_step (text, len, data, &state, &save);
  *out_bytes = g_bytes_new_take (data, out_len);
  return TRUE;
}

/**
 * chiaro_part_new_from_json:
 * @object: a `Part` object from a request or an answer
 * @error: invalid base64 or a part with nothing in it fills this
 *
 * Returns: (transfer full): the part
 */
ChiaroPart *
chiaro_part_new_from_json (JsonObject  *object,
                           GError     **error)
{
  return chiaro_part_new_from_json_with_blobs (object, NULL, error);
}

/**
 * chiaro_part_new_from_json_with_blobs:
 * @object: a `Part` object from a tree made by chiaro_wire_parse_json_with_blobs()
 * @blobs: (nullable) (element-type utf8 GBytes): the images decoded during that parse
 * @error: as for chiaro_part_new_from_json()
 *
 * Returns: (transfer full): the part
 */
ChiaroPart *
chiaro_part_new_from_json_with_blobs (JsonObject  *object,
                                      GHashTable  *blobs,
                                      GError     **error)
{
  g_autoptr(ChiaroPart) part = NULL;
  JsonObject *inline_data;
  const char *text;
  const char *signature;
  JsonNode *thought;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  g_return_val_if_fail (object != NULL, NULL);

  inline_data = get_object_member (object, "inlineData", "inline_data");
  text = get_string_member (object, "text", NULL);

  if (inline_data != NULL)
    {
      const char *data = get_string_member (inline_data, "data", NULL);
      const char *mime = get_string_member (inline_data, "mimeType", "mime_type");
      g_autoptr(GBytes) bytes = NULL;
      GBytes *decoded = data != NULL && blobs != NULL ? g_hash_table_lookup (blobs, data) : NULL;

      if (decoded != NULL)
        bytes = g_bytes_ref (decoded);
      else if (data == NULL || !decode_base64 (data, &bytes))
        {
          chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                                _("The model sent an image Chiaro cannot read. Try again."),
                                "inlineData.data is missing or not base64", 0, NULL);
          return NULL;
        }

      part = part_new (CHIARO_PART_IMAGE);
      part->data = g_steal_pointer (&bytes);
      part->mime_type = g_strdup (mime);
      part->sniffed_mime_type = chiaro_mime_sniff_bytes (part->data);
    }
  else if (text != NULL)
    {
      part = part_new (CHIARO_PART_TEXT);
      part->text = g_strdup (text);
    }
  else
    {
      part = part_new (CHIARO_PART_OTHER);
    }

  thought = json_object_get_member (object, "thought");
  if (thought != NULL && JSON_NODE_HOLDS_VALUE (thought) &&
      json_node_get_value_type (thought) == G_TYPE_BOOLEAN)
    part->thought = json_node_get_boolean (thought);

  signature = get_string_member (object, "thoughtSignature", "thought_signature");
  part->thought_signature = g_strdup (signature);

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      /* "thought": false is written back from `extra`, so the part round-trips exactly. */
      if (is_known_member (name) && !(g_str_equal (name, "thought") && !part->thought))
        continue;
      if (part->extra == NULL)
        part->extra = json_object_new ();
      json_object_set_member (part->extra, name, json_node_copy (member));
    }

  return g_steal_pointer (&part);
}

static void
add_base64 (JsonBuilder *builder,
            GBytes      *bytes)
{
  gsize size;
  const guchar *data = g_bytes_get_data (bytes, &size);
  g_autofree char *encoded = g_base64_encode (data, size);

  json_builder_add_string_value (builder, encoded);
}

/**
 * chiaro_part_add_trailing_members:
 * @part: the part
 * @builder: a builder inside the part's object, after its text or data
 *
 * Writes what follows the text or data of a part: the thought flag, the signature and the
 * members Chiaro does not know, as they were received. For chiaro-stored-content.c, which
 * writes image parts its own way.
 */
void
chiaro_part_add_trailing_members (ChiaroPart  *part,
                                  JsonBuilder *builder)
{
  g_return_if_fail (part != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  if (part->thought)
    {
      json_builder_set_member_name (builder, "thought");
      json_builder_add_boolean_value (builder, TRUE);
    }

  if (part->thought_signature != NULL)
    {
      json_builder_set_member_name (builder, "thoughtSignature");
      json_builder_add_string_value (builder, part->thought_signature);
    }

  if (part->extra != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, part->extra);
      while (json_object_iter_next (&iter, &name, &member))
        {
          json_builder_set_member_name (builder, name);
          json_builder_add_value (builder, json_node_copy (member));
        }
    }
}

/**
 * chiaro_part_to_json:
 * @part: the part
 * @builder: a builder positioned where a `Part` object may start
 * @elide_data: write a placeholder instead of the image data (dry runs, logs)
 *
 * Writes the part as the Gemini API spells it.
 */
void
chiaro_part_to_json (ChiaroPart  *part,
                     JsonBuilder *builder,
                     gboolean     elide_data)
{
  g_return_if_fail (part != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_object (builder);

  if (part->kind == CHIARO_PART_TEXT)
    {
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, part->text);
    }
  else if (part->kind == CHIARO_PART_IMAGE)
    {
      json_builder_set_member_name (builder, "inlineData");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mimeType");
      json_builder_add_string_value (builder, part->mime_type != NULL ? part->mime_type
                                                                      : part->sniffed_mime_type);
      json_builder_set_member_name (builder, "data");
      if (elide_data)
        {
          g_autofree char *placeholder =
            g_strdup_printf ("<%" G_GSIZE_FORMAT " bytes>", g_bytes_get_size (part->data));

          json_builder_add_string_value (builder, placeholder);
        }
      else
        {
          add_base64 (builder, part->data);
        }
      json_builder_end_object (builder);
    }

  chiaro_part_add_trailing_members (part, builder);

  json_builder_end_object (builder);
}

static void
content_clear (ChiaroContent *content)
{
  g_clear_pointer (&content->role, g_free);
  g_clear_pointer (&content->parts, g_ptr_array_unref);
  g_clear_pointer (&content->model, g_free);
}

ChiaroContent *
chiaro_content_new (const char *role)
{
  ChiaroContent *content;

  g_return_val_if_fail (role != NULL, NULL);

  content = g_atomic_rc_box_new0 (ChiaroContent);
  content->role = g_strdup (role);
  content->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_part_unref);
  return content;
}

ChiaroContent *
chiaro_content_ref (ChiaroContent *content)
{
  g_return_val_if_fail (content != NULL, NULL);

  return g_atomic_rc_box_acquire (content);
}

void
chiaro_content_unref (ChiaroContent *content)
{
  g_return_if_fail (content != NULL);

  g_atomic_rc_box_release_full (content, (GDestroyNotify) content_clear);
}

/**
 * chiaro_content_add_part:
 * @content: the content
 * @part: (transfer none): a part to append
 */
void
chiaro_content_add_part (ChiaroContent *content,
                         ChiaroPart    *part)
{
  g_return_if_fail (content != NULL);
  g_return_if_fail (part != NULL);

  g_ptr_array_add (content->parts, chiaro_part_ref (part));
}

/**
 * chiaro_content_new_from_json:
 * @node: a `Content` object
 * @error: a bad part fills this
 *
 * A missing role reads as "model" (answers) and missing or null `parts` as no parts: the
 * caller decides whether that is a failure.
 *
 * Returns: (transfer full): the content
 */
ChiaroContent *
chiaro_content_new_from_json (JsonNode  *node,
                              GError   **error)
{
  return chiaro_content_new_from_json_with_blobs (node, NULL, error);
}

/**
 * chiaro_content_new_from_json_with_blobs:
 * @node: a `Content` object from a tree made by chiaro_wire_parse_json_with_blobs()
 * @blobs: (nullable) (element-type utf8 GBytes): the images decoded during that parse
 * @error: as for chiaro_content_new_from_json()
 *
 * Returns: (transfer full): the content
 */
ChiaroContent *
chiaro_content_new_from_json_with_blobs (JsonNode    *node,
                                         GHashTable  *blobs,
                                         GError     **error)
{
  g_autoptr(ChiaroContent) content = NULL;
  JsonObject *object;
  JsonNode *parts;
  const char *role;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                            _("The answer from the server was not understood."),
                            "content is not an object", 0, NULL);
      return NULL;
    }

  object = json_node_get_object (node);
  role = get_string_member (object, "role", NULL);
  content = chiaro_content_new (role != NULL ? role : "model");

  parts = json_object_get_member (object, "parts");
  if (parts != NULL && JSON_NODE_HOLDS_ARRAY (parts))
    {
      JsonArray *array = json_node_get_array (parts);
      guint n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          ChiaroPart *part;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;

          part = chiaro_part_new_from_json_with_blobs (json_node_get_object (element), blobs,
                                                       error);
          if (part == NULL)
            return NULL;
          g_ptr_array_add (content->parts, part);
        }
    }

  return g_steal_pointer (&content);
}

void
chiaro_content_to_json (ChiaroContent *content,
                        JsonBuilder   *builder,
                        gboolean       elide_data)
{
  g_return_if_fail (content != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, content->role);
  json_builder_set_member_name (builder, "parts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < content->parts->len; i++)
    chiaro_part_to_json (g_ptr_array_index (content->parts, i), builder, elide_data);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* The bytes of inline images, before base64. */
gsize
chiaro_content_get_inline_size (ChiaroContent *content)
{
  gsize size = 0;

  g_return_val_if_fail (content != NULL, 0);

  for (guint i = 0; i < content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (content->parts, i);

      if (part->kind == CHIARO_PART_IMAGE)
        size += g_bytes_get_size (part->data);
    }
  return size;
}

guint
chiaro_content_count_images (ChiaroContent *content)
{
  guint n = 0;

  g_return_val_if_fail (content != NULL, 0);

  for (guint i = 0; i < content->parts->len; i++)
    if (((ChiaroPart *) g_ptr_array_index (content->parts, i))->kind == CHIARO_PART_IMAGE)
      n++;
  return n;
}
