/* chiaro-connection-check.c — does a key work with a server, without making an image
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cheapest request that needs the key: the Gemini API's models.get for the chosen model
 * (`GET /v1beta/models/{model}`), and `GET {endpoint}/models` on OpenAI-compatible servers.
 * Neither makes an image or costs anything. A refusal becomes the same CHIARO_API_ERROR a
 * generation would get, so the user reads the same words here as in the conversation.
 * (OpenRouter lists its models to anyone, so there a wrong key is only noticed when sending.)
 */

#define G_LOG_DOMAIN "chiaro-connection-check"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-gemini-wire.h"
#include "chiaro-openai-wire.h"
#include "chiaro-wire-util.h"

#include "chiaro-connection-check.h"

typedef struct
{
  gboolean            openai;
  char               *model_id;
  ChiaroHttpResponse *response;
} Check;

static void
check_free (Check *check)
{
  g_free (check->model_id);
  g_clear_pointer (&check->response, chiaro_http_response_free);
  g_free (check);
}

static void
set_not_a_listing (GError     **error,
                   GBytes      *body)
{
  g_autofree char *excerpt = chiaro_wire_excerpt_bytes (body);

  chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                        _("The server answered, but not as an image service does. Check the "
                          "server address."),
                        excerpt, 200, NULL);
}

/* Whether @listed names @model_id: the same id, or one with a prefix such as "models/" or
 * "google/". */
static gboolean
names_model (const char *listed,
             const char *model_id)
{
  gsize listed_length = strlen (listed);
  gsize length = strlen (model_id);

  if (g_str_equal (listed, model_id))
    return TRUE;

  return listed_length > length && listed[listed_length - length - 1] == '/' &&
         g_str_equal (listed + listed_length - length, model_id);
}

static char *
read_gemini (Check       *check,
             JsonNode    *root,
             GError     **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *display_name;

  if (object == NULL || chiaro_wire_get_string (object, "name", NULL) == NULL)
    {
      set_not_a_listing (error, check->response->body);
      return NULL;
    }

  display_name = chiaro_wire_get_string (object, "displayName", "display_name");

  return g_strdup (display_name != NULL && *display_name != '\0' ? display_name
                                                                 : check->model_id);
}

static char *
read_openai (Check       *check,
             JsonNode    *root,
             gboolean    *ok,
             GError     **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *data = object != NULL ? chiaro_wire_get_array (object, "data", NULL) : NULL;

  *ok = data != NULL;
  if (data == NULL)
    {
      set_not_a_listing (error, check->response->body);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonNode *node = json_array_get_element (data, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      id = chiaro_wire_get_string (json_node_get_object (node), "id", NULL);
      if (id != NULL && names_model (id, check->model_id))
        return g_strdup (id);
    }

  return NULL;
}

static void
read_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Check *check = task_data;
  ChiaroHttpResponse *response = check->response;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;
  gboolean ok = TRUE;

  if (response->status != SOUP_STATUS_OK)
    {
      if (check->openai)
        chiaro_openai_set_http_error (&error, response->status,
                                      chiaro_http_response_get_content_type (response),
                                      response->body);
      else
        chiaro_gemini_set_http_error (&error, response->status,
                                      chiaro_http_response_get_content_type (response),
                                      response->body);
      g_debug ("refused: HTTP %u", response->status);
      g_task_return_error (task, error);
      return;
    }

  root = chiaro_wire_parse_json (response->body, &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (check->openai)
    name = read_openai (check, root, &ok, &error);
  else
    ok = (name = read_gemini (check, root, &error)) != NULL;

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }

  g_debug ("connected; the model is %s", name != NULL ? "listed" : "not listed");
  g_task_return_pointer (task, g_steal_pointer (&name), g_free);
}

static void
on_got (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  GError *error = NULL;

  check->response = chiaro_http_client_get_finish (CHIARO_HTTP_CLIENT (source), result, &error);
  if (check->response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_run_in_thread (task, read_in_thread);
}

/**
 * chiaro_connection_check_dup_uri:
 * @provider: "gemini" or "openai"
 * @endpoint: the base address, as for the provider ("https://generativelanguage.googleapis.com",
 *   "https://openrouter.ai/api/v1"); trailing slashes are ignored
 * @model_id: the model to ask about (Gemini only)
 *
 * Returns: (transfer full): the address the check asks
 */
char *
chiaro_connection_check_dup_uri (const char *provider,
                                 const char *endpoint,
                                 const char *model_id)
{
  g_autofree char *base = NULL;
  gsize length;

  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (endpoint != NULL, NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  length = strlen (endpoint);
  while (length > 0 && endpoint[length - 1] == '/')
    length--;
  base = g_strndup (endpoint, length);

  if (g_str_equal (provider, "openai"))
    return g_strconcat (base, "/models", NULL);
  else
    {
      g_autofree char *model = g_uri_escape_string (model_id, NULL, FALSE);

      return g_strdup_printf ("%s/v1beta/models/%s", base, model);
    }
}

/**
 * chiaro_connection_check_async:
 * @http: the client to send with; its retry and timeout settings apply
 * @provider: "gemini" or "openai"
 * @endpoint: the base address the provider is given
 * @api_key: the key to try; sent in a header, never in the address
 * @model_id: the model generations will use
 * @cancellable: (nullable): stops the check
 * @callback: called when the server has answered, or could not be reached
 * @user_data: data for @callback
 *
 * Asks the server something only a valid key may ask, and that makes no image: Gemini's
 * `GET /v1beta/models/{model}`, or `GET {endpoint}/models` on an OpenAI-compatible server.
 */
void
chiaro_connection_check_async (ChiaroHttpClient    *http,
                               const char          *provider,
                               const char          *endpoint,
                               const char          *api_key,
                               const char          *model_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *bearer = NULL;
  const char *headers[3] = { NULL };
  Check *check;

  g_return_if_fail (CHIARO_IS_HTTP_CLIENT (http));
  g_return_if_fail (g_strcmp0 (provider, "gemini") == 0 || g_strcmp0 (provider, "openai") == 0);
  g_return_if_fail (endpoint != NULL);
  g_return_if_fail (api_key != NULL);
  g_return_if_fail (model_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_connection_check_async);
  g_task_set_name (task, "[chiaro] connection check");

  check = g_new0 (Check, 1);
  check->openai = g_str_equal (provider, "openai");
  check->model_id = g_strdup (model_id);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);

  if (*api_key == '\0')
    {
      GError *error = NULL;

      chiaro_api_error_set (&error, CHIARO_API_ERROR_UNAUTHORIZED,
                            _("There is no API key to check. Enter one first."),
                            NULL, 0, NULL);
      g_task_return_error (task, error);
      return;
    }

  if (check->openai)
    {
      bearer = g_strconcat ("Bearer ", api_key, NULL);
      headers[0] = "Authorization";
      headers[1] = bearer;
    }
  else
    {
      headers[0] = "x-goog-api-key";
      headers[1] = api_key;
    }

  uri = chiaro_connection_check_dup_uri (provider, endpoint, model_id);
  chiaro_http_client_get_async (http, uri, headers, cancellable, on_got, g_steal_pointer (&task));
}

/**
 * chiaro_connection_check_finish:
 * @result: the result given to the callback
 * @out_model_name: (out) (optional) (nullable) (transfer full): on success, the model's name
 *   as the server gives it (Gemini's displayName), or the listed id that names the model on an
 *   OpenAI-compatible server; %NULL when that server does not list the model
 * @error: a %CHIARO_API_ERROR: UNAUTHORIZED, PERMISSION_DENIED, MODEL_NOT_FOUND, NETWORK,
 *   INSECURE_ENDPOINT, BAD_RESPONSE… with a message to show; or %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE when the server took the key
 */
gboolean
chiaro_connection_check_finish (GAsyncResult  *result,
                                char         **out_model_name,
                                GError       **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == chiaro_connection_check_async,
                        FALSE);

  name = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (out_model_name != NULL)
    *out_model_name = g_steal_pointer (&name);
  return TRUE;
}
