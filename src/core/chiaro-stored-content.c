/* chiaro-stored-content.c — conversation turns as kept in a project: image parts by hash
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-project"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-content-private.h"
#include "chiaro-project-error.h"

#include "chiaro-stored-content.h"

/* The member of inlineData that names the stored file instead of carrying the bytes. */
#define STORED_IMAGE_MEMBER "chiaroImage"

static void
set_corrupt (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT, message);
}

static ChiaroPart *
strip_image_part (ChiaroPart *part)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  ChiaroPart *copy;

  /* A part is only made by chiaro-content.c; make an image part and drop its bytes while it
   * is still ours alone. */
  copy = chiaro_part_new_image (empty, part->mime_type);
  g_clear_pointer (&copy->data, g_bytes_unref);
  if (copy->mime_type == NULL)
    copy->mime_type = g_strdup (part->sniffed_mime_type);
  copy->sniffed_mime_type = part->sniffed_mime_type;
  copy->thought = part->thought;
  copy->thought_signature = g_strdup (part->thought_signature);
  copy->extra = part->extra != NULL ? json_object_ref (part->extra) : NULL;
  return copy;
}

/**
 * chiaro_stored_content_strip:
 * @content: a content as sent or received
 *
 * Image parts are replaced by parts without data that keep everything else (the label, the
 * thought flag, the signature, unknown members); other parts are shared, as parts are
 * immutable.
 *
 * Returns: (transfer full): the content as a project keeps it
 */
ChiaroContent *
chiaro_stored_content_strip (ChiaroContent *content)
{
  ChiaroContent *stored;

  g_return_val_if_fail (content != NULL, NULL);

  stored = chiaro_content_new (content->role);
  stored->model = g_strdup (content->model);
  for (guint i = 0; i < content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (content->parts, i);

      if (part->kind == CHIARO_PART_IMAGE)
        g_ptr_array_add (stored->parts, strip_image_part (part));
      else
        g_ptr_array_add (stored->parts, chiaro_part_ref (part));
    }

  return stored;
}

/* The members in the order chiaro_part_to_json () writes them, with the stored file's hash
 * where the data would be. */
static void
write_image_part (ChiaroPart  *part,
                  const char  *hash,
                  JsonBuilder *builder)
{
  const char *mime_type = part->mime_type != NULL ? part->mime_type : part->sniffed_mime_type;

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "inlineData");
  json_builder_begin_object (builder);
  if (mime_type != NULL)
    {
      json_builder_set_member_name (builder, "mimeType");
      json_builder_add_string_value (builder, mime_type);
    }
  json_builder_set_member_name (builder, STORED_IMAGE_MEMBER);
  json_builder_add_string_value (builder, hash);
  json_builder_end_object (builder);

  chiaro_part_add_trailing_members (part, builder);

  json_builder_end_object (builder);
}

/**
 * chiaro_stored_content_to_json:
 * @stored: a content (image bytes, if any, are not written)
 * @hashes: (array zero-terminated=1): one store hash per image part of @stored, in order
 * @builder: a builder positioned where a value may start
 *
 * Writes {"role", "parts", "model"}: text and other parts exactly as on the wire, image
 * parts with "chiaroImage" (the hash) in place of "data".
 */
void
chiaro_stored_content_to_json (ChiaroContent      *stored,
                               const char * const *hashes,
                               JsonBuilder        *builder)
{
  guint n_images = 0;

  g_return_if_fail (stored != NULL);
  g_return_if_fail (hashes != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (g_strv_length ((char **) hashes) == chiaro_content_count_images (stored));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, stored->role);
  json_builder_set_member_name (builder, "parts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < stored->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (stored->parts, i);

      if (part->kind == CHIARO_PART_IMAGE)
        write_image_part (part, hashes[n_images++], builder);
      else
        chiaro_part_to_json (part, builder, FALSE);
    }
  json_builder_end_array (builder);
  if (stored->model != NULL)
    {
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, stored->model);
    }
  json_builder_end_object (builder);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Reads a stored image part through chiaro_part_new_from_json (), so the thought flag, the
 * signature and unknown members are read exactly as for a part off the wire: the hash is
 * swapped for empty data, which is then dropped. */
static ChiaroPart *
read_image_part (JsonObject  *object,
                 JsonObject  *inline_data,
                 char       **out_hash,
                 GError     **error)
{
  g_autoptr(JsonObject) swapped = json_object_new ();
  g_autoptr(JsonObject) swapped_data = json_object_new ();
  g_autoptr(ChiaroPart) part = NULL;
  const char *hash = get_string (inline_data, STORED_IMAGE_MEMBER);
  const char *mime_type = get_string (inline_data, "mimeType");
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (!chiaro_stored_content_hash_is_valid (hash))
    {
      set_corrupt (error, _("The project file is damaged: a conversation turn names an image "
                            "by an invalid hash."));
      return NULL;
    }

  if (mime_type != NULL)
    json_object_set_string_member (swapped_data, "mimeType", mime_type);
  json_object_set_string_member (swapped_data, "data", "");

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_str_equal (name, "inlineData"))
      json_object_set_member (swapped, name, json_node_copy (member));
  json_object_set_object_member (swapped, "inlineData", g_steal_pointer (&swapped_data));

  part = chiaro_part_new_from_json (swapped, NULL);
  if (part == NULL || part->kind != CHIARO_PART_IMAGE)
    {
      set_corrupt (error, _("The project file is damaged: a conversation turn could not be "
                            "read."));
      return NULL;
    }

  g_clear_pointer (&part->data, g_bytes_unref);
  part->sniffed_mime_type = NULL;
  *out_hash = g_strdup (hash);
  return g_steal_pointer (&part);
}

/**
 * chiaro_stored_content_from_json:
 * @node: what chiaro_stored_content_to_json () wrote
 * @hashes: (out) (transfer full) (array zero-terminated=1): the image parts' hashes
 * @error: %CHIARO_PROJECT_ERROR_CORRUPT when @node is not a stored content
 *
 * Returns: (transfer full): the content, image parts without data
 */
ChiaroContent *
chiaro_stored_content_from_json (JsonNode  *node,
                                 GStrv     *hashes,
                                 GError   **error)
{
  g_autoptr(ChiaroContent) content = NULL;
  g_autoptr(GStrvBuilder) hash_list = g_strv_builder_new ();
  JsonObject *object;
  JsonNode *parts;
  JsonNode *model;
  const char *role;
  JsonArray *array;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (hashes != NULL, NULL);

  *hashes = NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto corrupt;

  object = json_node_get_object (node);
  role = get_string (object, "role");
  parts = json_object_get_member (object, "parts");
  model = json_object_get_member (object, "model");
  if (role == NULL || parts == NULL || !JSON_NODE_HOLDS_ARRAY (parts) ||
      (model != NULL && get_string (object, "model") == NULL))
    goto corrupt;

  content = chiaro_content_new (role);
  content->model = g_strdup (get_string (object, "model"));

  array = json_node_get_array (parts);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *part_object;
      JsonNode *inline_data;
      ChiaroPart *part;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto corrupt;

      part_object = json_node_get_object (element);
      inline_data = json_object_get_member (part_object, "inlineData");
      if (inline_data != NULL)
        {
          g_autofree char *hash = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (inline_data))
            goto corrupt;
          part = read_image_part (part_object, json_node_get_object (inline_data), &hash, error);
          if (part == NULL)
            return NULL;
          g_strv_builder_add (hash_list, hash);
        }
      else
        {
          part = chiaro_part_new_from_json (part_object, NULL);
          /* inline_data (snake case) is never written here: it would be an image without
           * its hash. */
          if (part == NULL || part->kind == CHIARO_PART_IMAGE)
            {
              g_clear_pointer (&part, chiaro_part_unref);
              goto corrupt;
            }
        }
      g_ptr_array_add (content->parts, part);
    }

  *hashes = g_strv_builder_end (hash_list);
  return g_steal_pointer (&content);

corrupt:
  set_corrupt (error, _("The project file is damaged: a conversation turn could not be read."));
  return NULL;
}

/**
 * chiaro_stored_content_hash:
 * @bytes: an image file's bytes
 *
 * Returns: (transfer full): the SHA-256 of @bytes, 64 lowercase hex digits, the name the
 *   image store gives the file
 */
char *
chiaro_stored_content_hash (GBytes *bytes)
{
  g_return_val_if_fail (bytes != NULL, NULL);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/**
 * chiaro_stored_content_hash_is_valid:
 * @hash: (nullable): a string from a file name or project.json
 *
 * Returns: whether @hash looks like what chiaro_stored_content_hash() returns
 */
gboolean
chiaro_stored_content_hash_is_valid (const char *hash)
{
  if (hash == NULL)
    return FALSE;

  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (hash[i]) || g_ascii_isupper (hash[i]))
      return FALSE;

  return hash[64] == '\0';
}
