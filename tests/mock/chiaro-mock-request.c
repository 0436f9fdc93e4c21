/* chiaro-mock-request.c — one request the mock server received, and what it answered
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include "chiaro-mock-request.h"

G_DEFINE_BOXED_TYPE (ChiaroMockRequest, chiaro_mock_request,
                     chiaro_mock_request_ref, chiaro_mock_request_unref)

static void
request_clear (ChiaroMockRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_clear_pointer (&request->params, g_hash_table_unref);
  g_clear_pointer (&request->headers, soup_message_headers_unref);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_pointer (&request->json, json_node_unref);
  g_free (request->route);
  g_free (request->model);
  g_free (request->scenario);
  g_clear_pointer (&request->response, g_bytes_unref);
}

/**
 * chiaro_mock_request_new:
 * @method: the HTTP method
 * @uri: the request URI
 * @headers: the request headers (a reference is kept)
 * @body: the request body (a reference is kept)
 *
 * Returns: (transfer full): a new record
 */
ChiaroMockRequest *
chiaro_mock_request_new (const char         *method,
                         GUri               *uri,
                         SoupMessageHeaders *headers,
                         GBytes             *body)
{
  ChiaroMockRequest *request = g_rc_box_new0 (ChiaroMockRequest);
  const char *query = g_uri_get_query (uri);

  request->method = g_strdup (method);
  request->path = g_strdup (g_uri_get_path (uri));
  request->query = g_strdup (query);
  request->params = query != NULL
                    ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  if (request->params == NULL)
    request->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  request->headers = soup_message_headers_ref (headers);
  request->body = g_bytes_ref (body);
  request->received = g_get_monotonic_time ();

  return request;
}

ChiaroMockRequest *
chiaro_mock_request_ref (ChiaroMockRequest *request)
{
  return g_rc_box_acquire (request);
}

void
chiaro_mock_request_unref (ChiaroMockRequest *request)
{
  g_rc_box_release_full (request, (GDestroyNotify) request_clear);
}

const char *
chiaro_mock_request_get_header (ChiaroMockRequest *request,
                                const char        *name)
{
  g_return_val_if_fail (request != NULL, NULL);

  return soup_message_headers_get_one (request->headers, name);
}

const char *
chiaro_mock_request_get_param (ChiaroMockRequest *request,
                               const char        *name)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_hash_table_lookup (request->params, name);
}

static void
add_header (const char *name,
            const char *value,
            gpointer    user_data)
{
  JsonObject *headers = user_data;
  const char *before = json_object_get_string_member_with_default (headers, name, NULL);

  if (before != NULL)
    {
      g_autofree char *joined = g_strdup_printf ("%s, %s", before, value);

      json_object_set_string_member (headers, name, joined);
    }
  else
    json_object_set_string_member (headers, name, value);
}

/* The record as JSON, for `--record` and GET /mock/requests: the body as parsed JSON when
 * it is JSON, otherwise as text ("body_text"). Nothing is hidden: tests check where the key
 * went. */
JsonNode *
chiaro_mock_request_to_json (ChiaroMockRequest *request)
{
  JsonObject *object = json_object_new ();
  JsonObject *headers = json_object_new ();
  JsonObject *params = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (request != NULL, NULL);

  json_object_set_string_member (object, "method", request->method);
  json_object_set_string_member (object, "path", request->path);
  if (request->query != NULL)
    json_object_set_string_member (object, "query", request->query);
  else
    json_object_set_null_member (object, "query");

  g_hash_table_iter_init (&iter, request->params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    json_object_set_string_member (params, key, value);
  json_object_set_object_member (object, "params", params);

  soup_message_headers_foreach (request->headers, add_header, headers);
  json_object_set_object_member (object, "headers", headers);

  if (request->json != NULL)
    json_object_set_member (object, "body", json_node_ref (request->json));
  else
    {
      gsize size;
      const char *data = g_bytes_get_data (request->body, &size);

      json_object_set_null_member (object, "body");
      if (size > 0 && g_utf8_validate (data, size, NULL))
        {
          g_autofree char *text = g_strndup (data, size);

          json_object_set_string_member (object, "body_text", text);
        }
    }
  json_object_set_int_member (object, "body_size", g_bytes_get_size (request->body));

  if (request->route != NULL)
    json_object_set_string_member (object, "route", request->route);
  if (request->model != NULL)
    json_object_set_string_member (object, "model", request->model);
  if (request->scenario != NULL)
    json_object_set_string_member (object, "scenario", request->scenario);
  json_object_set_int_member (object, "status", request->status);

  json_node_take_object (node, object);
  return node;
}
