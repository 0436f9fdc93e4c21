/* chiaro-mock-reply.c — an HTTP answer the mock is about to give, and how it ends
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include <string.h>

#include "chiaro-mock-reply.h"

ChiaroMockReply *
chiaro_mock_reply_new (guint status)
{
  ChiaroMockReply *reply = g_new0 (ChiaroMockReply, 1);

  reply->status = status;
  reply->headers = g_ptr_array_new_with_free_func (g_free);
  reply->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  reply->ending = CHIARO_MOCK_ENDING_COMPLETE;

  return reply;
}

void
chiaro_mock_reply_free (ChiaroMockReply *reply)
{
  if (reply == NULL)
    return;

  g_ptr_array_unref (reply->headers);
  g_ptr_array_unref (reply->chunks);
  g_free (reply);
}

void
chiaro_mock_reply_add_header (ChiaroMockReply *reply,
                              const char      *name,
                              const char      *value)
{
  g_ptr_array_add (reply->headers, g_strdup (name));
  g_ptr_array_add (reply->headers, g_strdup (value));
}

const char *
chiaro_mock_reply_get_header (ChiaroMockReply *reply,
                              const char      *name)
{
  for (guint i = 0; i + 1 < reply->headers->len; i += 2)
    {
      if (g_ascii_strcasecmp (g_ptr_array_index (reply->headers, i), name) == 0)
        return g_ptr_array_index (reply->headers, i + 1);
    }

  return NULL;
}

/* The headers every answer from generativelanguage.googleapis.com carries (REFERENCE §1.1). */
void
chiaro_mock_reply_add_google_headers (ChiaroMockReply *reply)
{
  g_autofree char *timing = g_strdup_printf ("gfet4t7; dur=%d", g_random_int_range (900, 24000));

  chiaro_mock_reply_add_header (reply, "Vary", "Origin, X-Origin, Referer");
  chiaro_mock_reply_add_header (reply, "Server", "scaffolding on HTTPServer2");
  chiaro_mock_reply_add_header (reply, "X-XSS-Protection", "0");
  chiaro_mock_reply_add_header (reply, "X-Frame-Options", "SAMEORIGIN");
  chiaro_mock_reply_add_header (reply, "X-Content-Type-Options", "nosniff");
  chiaro_mock_reply_add_header (reply, "Server-Timing", timing);
  chiaro_mock_reply_add_header (reply, "Alt-Svc",
                                "h3=\":443\"; ma=2592000,h3-29=\":443\"; ma=2592000");
}

void
chiaro_mock_reply_append (ChiaroMockReply *reply,
                          GBytes          *bytes)
{
  g_ptr_array_add (reply->chunks, g_bytes_ref (bytes));
}

/* Takes @text. */
void
chiaro_mock_reply_append_string (ChiaroMockReply *reply,
                                 char            *text)
{
  gsize length = strlen (text);

  g_ptr_array_add (reply->chunks, g_bytes_new_take (text, length));
}

gsize
chiaro_mock_reply_get_body_length (ChiaroMockReply *reply)
{
  gsize length = 0;

  for (guint i = 0; i < reply->chunks->len; i++)
    length += g_bytes_get_size (g_ptr_array_index (reply->chunks, i));

  return length;
}

GBytes *
chiaro_mock_reply_dup_body (ChiaroMockReply *reply)
{
  GByteArray *body;

  if (reply->chunks->len == 1)
    return g_bytes_ref (g_ptr_array_index (reply->chunks, 0));

  body = g_byte_array_sized_new (chiaro_mock_reply_get_body_length (reply));
  for (guint i = 0; i < reply->chunks->len; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (reply->chunks, i), &size);

      g_byte_array_append (body, data, size);
    }

  return g_byte_array_free_to_bytes (body);
}

/* A JSON answer in one piece, with Google's headers. */
ChiaroMockReply *
chiaro_mock_reply_new_json (guint                status,
                            JsonNode            *node,
                            ChiaroMockJsonStyle  style,
                            const char          *content_type)
{
  ChiaroMockReply *reply = chiaro_mock_reply_new (status);
  GString *text = g_string_new (NULL);

  chiaro_mock_json_append (text, node, style);
  if (style == CHIARO_MOCK_JSON_PRETTY)
    g_string_append_c (text, '\n');

  chiaro_mock_reply_add_header (reply, "Content-Type",
                                content_type != NULL ? content_type
                                                     : "application/json; charset=UTF-8");
  chiaro_mock_reply_add_google_headers (reply);
  chiaro_mock_reply_append_string (reply, g_string_free (text, FALSE));
  reply->compressible = TRUE;

  return reply;
}

/* The google.rpc.Status envelope: {"error": {code, message, status, details}}. Takes
 * @details. */
JsonNode *
chiaro_mock_google_error (guint       code,
                          const char *status,
                          const char *message,
                          JsonArray  *details)
{
  JsonObject *error = json_object_new ();
  JsonObject *root = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_string_member (error, "status", status);
  if (details != NULL)
    json_object_set_array_member (error, "details", details);

  json_object_set_object_member (root, "error", error);
  json_node_take_object (node, root);

  return node;
}
