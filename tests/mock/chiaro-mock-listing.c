/* chiaro-mock-listing.c — the model resources the mock lists (models.get, models.list)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `GET /v1beta/models/{model}` answers a `Model` and `GET /v1beta/models` a
 * `ListModelsResponse`, with the members the discovery document declares. The OpenAI-compatible
 * routes list models the way OpenAI's `GET /models` does ({"object": "list", "data": [...]});
 * OpenRouter's list carries its own members (name, architecture). Only the image models the mock
 * knows are served; any other id is "not found", worded like the server's 404 for
 * generateContent with the method named.
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include "chiaro-mock-models.h"
#include "chiaro-mock-reply.h"

#include "chiaro-mock-listing.h"

typedef struct
{
  const char *prefix;         /* the family, as in chiaro-mock-models.c */
  const char *listed_id;      /* the id models.list gives */
  const char *display_name;
  const char *description;
  const char *version;
  int         input_tokens;
  int         output_tokens;
  gboolean    thinking;
} Listing;

static const Listing listings[] = {
  { "gemini-2.5-flash-image", "gemini-2.5-flash-image", "Nano Banana",
    "Gemini 2.5 Flash Preview Image", "2.0", 32768, 32768, FALSE },
  { "gemini-3-pro-image", "gemini-3-pro-image-preview", "Nano Banana Pro",
    "Gemini 3 Pro Image Preview", "3.0", 131072, 32768, TRUE },
  { "gemini-3.1-flash-image", "gemini-3.1-flash-image-preview", "Nano Banana 2",
    "Gemini 3.1 Flash Image Preview", "3.1", 131072, 32768, TRUE },
  { "gemini-3.1-flash-lite-image", "gemini-3.1-flash-lite-image-preview",
    "Nano Banana 2 Lite", "Gemini 3.1 Flash Lite Image Preview", "3.1", 131072, 32768, TRUE },
};

static const Listing *
find_listing (const char *model_id)
{
  const ChiaroMockModel *model = chiaro_mock_model_lookup (model_id);

  if (!chiaro_mock_model_is_known (model))
    return NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (listings); i++)
    {
      if (g_str_equal (listings[i].prefix, model->prefix))
        return &listings[i];
    }

  return NULL;
}

static JsonNode *
build_resource (const Listing *listing,
                const char    *model_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = g_strconcat ("models/", model_id, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, listing->version);
  json_builder_set_member_name (builder, "displayName");
  json_builder_add_string_value (builder, listing->display_name);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, listing->description);
  json_builder_set_member_name (builder, "inputTokenLimit");
  json_builder_add_int_value (builder, listing->input_tokens);
  json_builder_set_member_name (builder, "outputTokenLimit");
  json_builder_add_int_value (builder, listing->output_tokens);
  json_builder_set_member_name (builder, "supportedGenerationMethods");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "generateContent");
  json_builder_add_string_value (builder, "countTokens");
  json_builder_add_string_value (builder, "batchGenerateContent");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "temperature");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "topP");
  json_builder_add_double_value (builder, 0.95);
  if (!listing->thinking)
    {
      json_builder_set_member_name (builder, "topK");
      json_builder_add_int_value (builder, 64);
    }
  json_builder_set_member_name (builder, "maxTemperature");
  json_builder_add_int_value (builder, 2);
  if (listing->thinking)
    {
      json_builder_set_member_name (builder, "thinking");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * chiaro_mock_model_resource:
 * @model_id: the id from the path, without "models/"
 *
 * Returns: (transfer full) (nullable): the `Model` for @model_id, or %NULL when the mock does
 *   not serve it
 */
JsonNode *
chiaro_mock_model_resource (const char *model_id)
{
  const Listing *listing;

  g_return_val_if_fail (model_id != NULL, NULL);

  listing = find_listing (model_id);
  if (listing == NULL)
    return NULL;

  return build_resource (listing, model_id);
}

/**
 * chiaro_mock_model_not_found:
 * @model_id: the id asked for
 *
 * Returns: (transfer full): the 404 envelope for models.get of an unknown model
 */
JsonNode *
chiaro_mock_model_not_found (const char *model_id)
{
  g_autofree char *message =
    g_strdup_printf ("models/%s is not found for API version v1beta, or is not supported for "
                     "get. Call ListModels to see the list of available models and their "
                     "supported methods.", model_id);

  return chiaro_mock_google_error (404, "NOT_FOUND", message, NULL);
}

/**
 * chiaro_mock_model_list:
 *
 * Returns: (transfer full): a `ListModelsResponse` of every image model the mock knows, in
 *   one page
 */
JsonNode *
chiaro_mock_model_list (void)
{
  JsonArray *models = json_array_new ();
  JsonObject *root = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (gsize i = 0; i < G_N_ELEMENTS (listings); i++)
    json_array_add_element (models, build_resource (&listings[i], listings[i].listed_id));

  json_object_set_array_member (root, "models", models);
  json_node_take_object (node, root);
  return node;
}

/**
 * chiaro_mock_openai_model_list:
 * @openrouter: OpenRouter's form rather than OpenAI's
 *
 * Returns: (transfer full): the `GET /models` answer of an OpenAI-compatible server
 */
JsonNode *
chiaro_mock_openai_model_list (gboolean openrouter)
{
  JsonArray *data = json_array_new ();
  JsonObject *root = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (gsize i = 0; i < G_N_ELEMENTS (listings); i++)
    {
      JsonObject *model = json_object_new ();

      if (openrouter)
        {
          g_autofree char *id = g_strconcat ("google/", listings[i].listed_id, NULL);
          g_autofree char *name = g_strdup_printf ("Google: %s (%s)", listings[i].display_name,
                                                   listings[i].description);
          JsonObject *architecture = json_object_new ();
          JsonArray *input = json_array_new ();
          JsonArray *output = json_array_new ();

          json_array_add_string_element (input, "image");
          json_array_add_string_element (input, "text");
          json_array_add_string_element (output, "image");
          json_array_add_string_element (output, "text");
          json_object_set_array_member (architecture, "input_modalities", input);
          json_object_set_array_member (architecture, "output_modalities", output);

          json_object_set_string_member (model, "id", id);
          json_object_set_string_member (model, "name", name);
          json_object_set_int_member (model, "created", 1763000000);
          json_object_set_int_member (model, "context_length", listings[i].input_tokens);
          json_object_set_object_member (model, "architecture", architecture);
        }
      else
        {
          g_autofree char *id = g_strconcat ("models/", listings[i].listed_id, NULL);

          json_object_set_string_member (model, "id", id);
          json_object_set_string_member (model, "object", "model");
          json_object_set_int_member (model, "created", 0);
          json_object_set_string_member (model, "owned_by", "google");
        }

      json_array_add_object_element (data, model);
    }

  if (!openrouter)
    json_object_set_string_member (root, "object", "list");
  json_object_set_array_member (root, "data", data);
  json_node_take_object (node, root);
  return node;
}
