/* chiaro-mock-openai.c — chat/completions as OpenRouter and Google's OpenAI layer serve images
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The request shape is OpenRouter's (REFERENCE §7.2): messages whose content is a string or
 * text / image_url parts with data URLs, "modalities", and "image_config" {aspect_ratio,
 * image_size} with OpenRouter's size names ("0.5K" for Google's "512"). The answer puts the
 * image where OpenRouter does (message.images[]) or, by scenario, where other relays do.
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include <string.h>

#include "chiaro-mock-util.h"
#include "chiaro-mock-openai.h"

static JsonNode *
bad_request (const char *format,
             ...) G_GNUC_PRINTF (1, 2);

static JsonNode *
bad_request (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  return chiaro_mock_google_error (400, "INVALID_ARGUMENT", message, NULL);
}

static const char *
strip_provider (const char *model)
{
  return g_str_has_prefix (model, "google/") ? model + strlen ("google/") : model;
}

static JsonObject *
last_user_message (JsonObject *request)
{
  JsonArray *messages = json_object_get_array_member (request, "messages");

  for (guint i = json_array_get_length (messages); i > 0; i--)
    {
      JsonNode *node = json_array_get_element (messages, i - 1);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node),
                                                                 "role", NULL), "user") == 0)
        return json_node_get_object (node);
    }

  return NULL;
}

static char *
message_text (JsonObject *message)
{
  JsonNode *content = message != NULL ? json_object_get_member (message, "content") : NULL;
  GString *text = g_string_new (NULL);

  if (content != NULL && JSON_NODE_HOLDS_VALUE (content) &&
      json_node_get_value_type (content) == G_TYPE_STRING)
    g_string_append (text, json_node_get_string (content));
  else if (content != NULL && JSON_NODE_HOLDS_ARRAY (content))
    {
      JsonArray *parts = json_node_get_array (content);

      for (guint i = 0; i < json_array_get_length (parts); i++)
        {
          JsonNode *node = json_array_get_element (parts, i);
          JsonObject *part = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

          const char *type = part != NULL
                             ? json_object_get_string_member_with_default (part, "type", NULL)
                             : NULL;

          if (g_strcmp0 (type, "text") == 0)
            {
              if (text->len > 0)
                g_string_append_c (text, '\n');
              g_string_append (text, json_object_get_string_member_with_default (part, "text", ""));
            }
        }
    }

  return g_string_free (text, FALSE);
}

char *
chiaro_mock_openai_find_keyword (JsonNode *root)
{
  JsonObject *request;
  g_autofree char *text = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  request = json_node_get_object (root);
  if (!json_object_has_member (request, "messages") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (request, "messages")))
    return NULL;

  text = message_text (last_user_message (request));
  return chiaro_mock_find_keyword (text);
}

char *
chiaro_mock_openai_dup_model (JsonNode *root)
{
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root),
                                                               "model", NULL));
}

/* A data URL's image: NULL when fine, otherwise the error. */
static JsonNode *
check_image_url (const char *url,
                 int        *width,
                 int        *height)
{
  const char *comma;
  g_autofree char *mime_type = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *sniffed;

  *width = *height = 0;

  if (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://"))
    return NULL;

  comma = strchr (url, ',');
  if (!g_str_has_prefix (url, "data:") || comma == NULL || comma - url < 12 ||
      strncmp (comma - 7, ";base64", 7) != 0)
    return bad_request ("Invalid image URL: expected an https URL or a base64 data URL");

  mime_type = g_strndup (url + 5, comma - 7 - (url + 5));
  if (!chiaro_mock_mime_type_is_accepted (mime_type))
    return bad_request ("Unsupported image type: %s", mime_type);

  bytes = chiaro_mock_base64_decode (comma + 1, strlen (comma + 1));
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return bad_request ("Invalid base64 data in image URL");

  sniffed = chiaro_mock_sniff_mime_type (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (g_strcmp0 (sniffed, mime_type) != 0 ||
      (!chiaro_mock_images_probe_size (bytes, width, height) &&
       !g_str_has_prefix (mime_type, "image/hei")))
    return bad_request ("Unable to process input image. Please retry or report in "
                        "https://developers.generativeai.google/guide/troubleshooting");

  return NULL;
}

static JsonNode *
check_messages (JsonArray      *messages,
                ChiaroMockPlan *plan,
                int            *first_width,
                int            *first_height)
{
  static const char * const roles[] = { "system", "developer", "user", "assistant", "tool", NULL };
  guint n = json_array_get_length (messages);

  if (n == 0)
    return bad_request ("messages: at least one message is required");

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObject *message = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *role = message != NULL
                         ? json_object_get_string_member_with_default (message, "role", NULL)
                         : NULL;
      JsonNode *content = message != NULL ? json_object_get_member (message, "content") : NULL;

      if (role == NULL || !g_strv_contains (roles, role))
        return bad_request ("messages[%u].role: expected one of system, developer, user, "
                            "assistant, tool", i);

      if (content == NULL || JSON_NODE_HOLDS_NULL (content) ||
          (JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING))
        continue;

      if (!JSON_NODE_HOLDS_ARRAY (content))
        return bad_request ("messages[%u].content: expected a string or an array of parts", i);

      for (guint j = 0; j < json_array_get_length (json_node_get_array (content)); j++)
        {
          JsonNode *part_node = json_array_get_element (json_node_get_array (content), j);
          JsonObject *part = JSON_NODE_HOLDS_OBJECT (part_node)
                             ? json_node_get_object (part_node) : NULL;
          const char *type = part != NULL
                             ? json_object_get_string_member_with_default (part, "type", NULL)
                             : NULL;

          if (g_strcmp0 (type, "text") == 0)
            {
              JsonNode *text = json_object_get_member (part, "text");

              if (text == NULL || !JSON_NODE_HOLDS_VALUE (text) ||
                  json_node_get_value_type (text) != G_TYPE_STRING)
                return bad_request ("messages[%u].content[%u].text: expected a string", i, j);
            }
          else if (g_strcmp0 (type, "image_url") == 0)
            {
              JsonNode *image = json_object_get_member (part, "image_url");
              const char *url = NULL;
              JsonNode *error;
              int width, height;

              if (image != NULL && JSON_NODE_HOLDS_OBJECT (image))
                url = json_object_get_string_member_with_default (json_node_get_object (image),
                                                                  "url", NULL);
              else if (image != NULL && JSON_NODE_HOLDS_VALUE (image) &&
                       json_node_get_value_type (image) == G_TYPE_STRING)
                url = json_node_get_string (image);

              if (url == NULL)
                return bad_request ("messages[%u].content[%u].image_url.url: required", i, j);

              error = check_image_url (url, &width, &height);
              if (error != NULL)
                return error;

              plan->input_images++;
              if (*first_width == 0 && g_str_equal (role, "user"))
                {
                  *first_width = width;
                  *first_height = height;
                }
            }
          else
            return bad_request ("messages[%u].content[%u].type: unsupported part type '%s'",
                                i, j, type != NULL ? type : "");
        }
    }

  return NULL;
}

/**
 * chiaro_mock_openai_check:
 * @route: which OpenAI-compatible route
 * @root: the parsed body
 * @plan: (out): what the request asks for, when it passes
 * @stream: (out): whether it asked for a stream
 *
 * Returns: (transfer full) (nullable): %NULL when the request passes, otherwise an error
 *   envelope for chiaro_mock_error_reply()
 */
JsonNode *
chiaro_mock_openai_check (ChiaroMockRoute   route,
                          JsonNode         *root,
                          ChiaroMockPlan  **plan_out,
                          gboolean         *stream)
{
  g_autoptr(ChiaroMockPlan) plan = g_new0 (ChiaroMockPlan, 1);
  g_autofree char *seed_text = NULL;
  JsonObject *request;
  JsonNode *node;
  JsonNode *error;
  const char *model_name;
  int input_width = 0, input_height = 0;

  *stream = FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return bad_request ("Request body must be a JSON object");
  request = json_node_get_object (root);

  model_name = json_object_get_string_member_with_default (request, "model", NULL);
  if (model_name == NULL || *model_name == '\0')
    return bad_request ("model: required");

  node = json_object_get_member (request, "messages");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return bad_request ("messages: required, an array");

  plan->model_id = g_strdup (strip_provider (model_name));
  plan->model = chiaro_mock_model_lookup (plan->model_id);
  plan->want_text = TRUE;

  error = check_messages (json_node_get_array (node), plan, &input_width, &input_height);
  if (error != NULL)
    return error;

  node = json_object_get_member (request, "modalities");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *modalities = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      if (modalities == NULL)
        return bad_request ("modalities: expected an array");
      plan->want_text = FALSE;
      for (guint i = 0; i < json_array_get_length (modalities); i++)
        {
          const char *value = json_array_get_string_element (modalities, i);

          if (g_strcmp0 (value, "image") == 0)
            plan->want_image = TRUE;
          else if (g_strcmp0 (value, "text") == 0)
            plan->want_text = TRUE;
          else
            return bad_request ("modalities[%u]: expected \"image\" or \"text\"", i);
        }
    }

  node = json_object_get_member (request, "image_config");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *config = json_node_get_object (node);
      const char *ratio = json_object_get_string_member_with_default (config, "aspect_ratio", NULL);
      const char *size = json_object_get_string_member_with_default (config, "image_size", NULL);

      if (ratio != NULL && !chiaro_mock_model_accepts_ratio (plan->model, ratio))
        {
          g_autofree char *choices = chiaro_mock_model_list_ratios (plan->model);

          return bad_request ("image_config.aspect_ratio \"%s\" is not supported by %s: use %s",
                              ratio, model_name, choices);
        }
      if (size != NULL)
        {
          const char *google_size = g_strcmp0 (size, "0.5K") == 0 ? "512" : size;

          if (plan->model->image_sizes == NULL || g_str_equal (size, "512") ||
              !chiaro_mock_model_accepts_size (plan->model, google_size))
            return bad_request ("image_config.image_size \"%s\" is not supported by %s",
                                size, model_name);
          plan->image_size = g_strdup (google_size);
        }
      plan->aspect_ratio = g_strdup (ratio);
    }
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    return bad_request ("image_config: expected an object");

  node = json_object_get_member (request, "stream");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    *stream = json_node_get_boolean (node);

  if (plan->aspect_ratio == NULL)
    plan->aspect_ratio = g_strdup (input_width > 0
                                   ? chiaro_mock_model_nearest_ratio (plan->model, input_width,
                                                                      input_height)
                                   : "1:1");
  if (plan->image_size == NULL && plan->model->image_sizes != NULL)
    plan->image_size = g_strdup ("1K");
  if (!chiaro_mock_model_get_pixel_size (plan->model, plan->aspect_ratio, plan->image_size,
                                         &plan->width, &plan->height))
    g_assert_not_reached ();

  plan->prompt = message_text (last_user_message (request));
  plan->prompt_text_tokens = MAX (1, chiaro_mock_count_tokens (plan->prompt));
  seed_text = g_strdup_printf ("%s\n%s\n%s\n%s", plan->model_id, plan->aspect_ratio,
                               plan->image_size != NULL ? plan->image_size : "", plan->prompt);
  plan->seed = chiaro_mock_hash (seed_text);

  /* The model name as sent, for the answer. */
  g_free (plan->model_id);
  plan->model_id = g_strdup (model_name);

  *plan_out = g_steal_pointer (&plan);
  return NULL;
}

static char *
data_url (const char *mime_type,
          GBytes     *bytes)
{
  g_autofree char *base64 = g_base64_encode (g_bytes_get_data (bytes, NULL),
                                             g_bytes_get_size (bytes));

  return g_strdup_printf ("data:%s;base64,%s", mime_type, base64);
}

static JsonObject *
image_url_part (char *url)
{
  JsonObject *part = json_object_new ();
  JsonObject *image = json_object_new ();

  json_object_set_string_member (image, "url", url);
  g_free (url);
  json_object_set_string_member (part, "type", "image_url");
  json_object_set_object_member (part, "image_url", image);

  return part;
}

/* The images of the answer, as data URLs; empty when the scenario gives none. */
static GPtrArray *
make_images (ChiaroMockPlan    *plan,
             const char        *scenario,
             const char        *format,
             const char        *stamp,
             ChiaroMockImages  *images,
             GError           **error)
{
  GPtrArray *urls = g_ptr_array_new_with_free_func (g_free);
  const char *mime_type = chiaro_mock_images_format_mime_type (format);
  g_autoptr(GBytes) bytes = NULL;

  if (g_str_equal (scenario, "invalid-base64"))
    g_ptr_array_add (urls, g_strdup_printf ("data:%s;base64,iVBORw0KGgo*not*base64!", mime_type));
  else if (g_str_equal (scenario, "zero-size-image"))
    g_ptr_array_add (urls, g_strdup_printf ("data:%s;base64,", mime_type));
  else if (g_str_equal (scenario, "not-an-image"))
    {
      bytes = g_bytes_new_static ("This is not an image.\n", 22);
      g_ptr_array_add (urls, data_url (mime_type, bytes));
    }
  else if (g_str_equal (scenario, "huge-dimensions") || g_str_equal (scenario, "wide-image")
           || g_str_equal (scenario, "zero-dimensions"))
    {
      bytes = g_str_equal (scenario, "huge-dimensions")
              ? chiaro_mock_images_png_header (50000, 50000)
              : g_str_equal (scenario, "wide-image") ? chiaro_mock_images_png_header (50000, 1)
              : chiaro_mock_images_png_header (0, 0);
      g_ptr_array_add (urls, data_url ("image/png", bytes));
    }
  else
    {
      gboolean mislabelled = g_str_equal (scenario, "jpeg-labelled-png");

      bytes = chiaro_mock_images_render (images, mislabelled ? "jpeg" : format, plan->width,
                                         plan->height, plan->seed, stamp, error);
      if (bytes == NULL)
        {
          g_ptr_array_unref (urls);
          return NULL;
        }
      g_ptr_array_add (urls, data_url (mislabelled ? "image/png" : mime_type, bytes));

      if (g_str_equal (scenario, "multi-image"))
        {
          g_autoptr(GBytes) second = chiaro_mock_images_render (images, format, plan->width,
                                                                plan->height,
                                                                plan->seed ^ 0x00ffff00u, stamp,
                                                                error);

          if (second == NULL)
            {
              g_ptr_array_unref (urls);
              return NULL;
            }
          g_ptr_array_add (urls, data_url (mime_type, second));
        }
    }

  return urls;
}

/* finish_reason (OpenAI's word) and the native one, for scenarios that give no image. */
static gboolean
refusal (const char  *scenario,
         const char **finish,
         const char **native)
{
  static const struct
  {
    const char *scenario;
    const char *finish;
    const char *native;
  } table[] = {
    { "prompt-blocked", "content_filter", "SAFETY" },
    { "image-safety", "content_filter", "IMAGE_SAFETY" },
    { "image-prohibited", "content_filter", "IMAGE_PROHIBITED_CONTENT" },
    { "prohibited-content", "content_filter", "PROHIBITED_CONTENT" },
    { "safety", "content_filter", "SAFETY" },
    { "recitation", "content_filter", "RECITATION" },
    { "image-recitation", "content_filter", "IMAGE_RECITATION" },
    { "no-image", "stop", "NO_IMAGE" },
    { "image-other", "stop", "IMAGE_OTHER" },
    { "other", "stop", "OTHER" },
    { "malformed-response", "stop", "MALFORMED_RESPONSE" },
    { "max-tokens", "length", "MAX_TOKENS" },
    { "missing-thought-signature", "stop", "MISSING_THOUGHT_SIGNATURE" },
    { "parts-absent", "stop", "STOP" },
    { "parts-null", "stop", "STOP" },
    { "text-only", "stop", "STOP" },
    { "thoughts-only", "stop", "STOP" },
    { "openai-no-image", "stop", "STOP" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      if (g_str_equal (table[i].scenario, scenario))
        {
          *finish = table[i].finish;
          *native = table[i].native;
          return TRUE;
        }
    }

  *finish = "stop";
  *native = "STOP";
  return FALSE;
}

static JsonObject *
usage_object (ChiaroMockPlan *plan,
              guint           n_images,
              const char     *text)
{
  JsonObject *usage = json_object_new ();
  guint prompt = plan->prompt_text_tokens + plan->input_images * plan->model->input_image_tokens;
  guint completion = chiaro_mock_count_tokens (text) +
                     n_images * chiaro_mock_model_get_image_tokens (plan->model, plan->image_size);

  json_object_set_int_member (usage, "prompt_tokens", prompt);
  json_object_set_int_member (usage, "completion_tokens", completion);
  json_object_set_int_member (usage, "total_tokens", prompt + completion);

  return usage;
}

static JsonObject *
envelope (ChiaroMockPlan  *plan,
          ChiaroMockRoute  route,
          const char      *id,
          const char      *object_type)
{
  JsonObject *root = json_object_new ();

  json_object_set_string_member (root, "id", id);
  if (route == CHIARO_MOCK_ROUTE_OPENROUTER)
    json_object_set_string_member (root, "provider", "Google");
  json_object_set_string_member (root, "model", plan->model_id);
  json_object_set_string_member (root, "object", object_type);
  json_object_set_int_member (root, "created", g_get_real_time () / G_USEC_PER_SEC);

  return root;
}

static void
append_event (ChiaroMockReply *reply,
              JsonObject      *event)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  GString *text = g_string_new ("data: ");

  json_node_take_object (node, event);
  chiaro_mock_json_append (text, node, CHIARO_MOCK_JSON_DENSE);
  g_string_append (text, "\n\n");
  chiaro_mock_reply_append_string (reply, g_string_free (text, FALSE));
}

static JsonObject *
chunk_choice (JsonObject *delta,
              const char *finish,
              const char *native,
              ChiaroMockRoute route)
{
  JsonObject *choice = json_object_new ();

  json_object_set_int_member (choice, "index", 0);
  json_object_set_object_member (choice, "delta", delta);
  if (finish != NULL)
    json_object_set_string_member (choice, "finish_reason", finish);
  else
    json_object_set_null_member (choice, "finish_reason");
  if (route == CHIARO_MOCK_ROUTE_OPENROUTER)
    {
      if (native != NULL)
        json_object_set_string_member (choice, "native_finish_reason", native);
      else
        json_object_set_null_member (choice, "native_finish_reason");
    }

  return choice;
}

/**
 * chiaro_mock_openai_answer:
 * @plan: what the checked request asks for
 * @scenario: a content scenario's name
 * @route: which OpenAI-compatible route
 * @stream: answer as server-sent events ending with [DONE]
 * @image_format: "auto", "png", "jpeg" or "webp"
 * @images: the picture maker
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the 200 reply
 */
ChiaroMockReply *
chiaro_mock_openai_answer (ChiaroMockPlan    *plan,
                           const char        *scenario,
                           ChiaroMockRoute    route,
                           gboolean           stream,
                           const char        *image_format,
                           ChiaroMockImages  *images,
                           GError           **error)
{
  const char *format = chiaro_mock_resolve_format (plan->model, image_format);
  g_autofree char *suffix = chiaro_mock_random_id (24);
  g_autofree char *id = g_strconcat (route == CHIARO_MOCK_ROUTE_OPENROUTER ? "gen-" : "chatcmpl-",
                                     suffix, NULL);
  g_autoptr(GPtrArray) urls = NULL;
  g_autofree char *text = NULL;
  const char *finish;
  const char *native;
  gboolean no_image;
  JsonObject *root;
  JsonObject *message;
  JsonObject *choice;
  JsonArray *choices;
  ChiaroMockReply *reply;

  no_image = refusal (scenario, &finish, &native) || !plan->want_image;
  if (no_image)
    urls = g_ptr_array_new_with_free_func (g_free);
  else
    {
      urls = make_images (plan, scenario, format, id, images, error);
      if (urls == NULL)
        return NULL;
    }

  if (!g_str_equal (finish, "content_filter"))
    text = no_image
           ? g_strdup_printf ("I can describe it instead: %s", plan->prompt)
           : g_strdup ("Here is the image you asked for.");

  if (stream)
    {
      JsonObject *delta = json_object_new ();
      JsonObject *event;

      reply = chiaro_mock_reply_new (200);
      reply->chunked = TRUE;
      chiaro_mock_reply_add_header (reply, "Content-Type", "text/event-stream");
      chiaro_mock_reply_add_header (reply, "Cache-Control", "no-cache");
      if (route == CHIARO_MOCK_ROUTE_OPENROUTER)
        chiaro_mock_reply_append_string (reply, g_strdup (": OPENROUTER PROCESSING\n\n"));

      json_object_set_string_member (delta, "role", "assistant");
      json_object_set_string_member (delta, "content", text != NULL ? text : "");
      event = envelope (plan, route, id, "chat.completion.chunk");
      choices = json_array_new ();
      json_array_add_object_element (choices, chunk_choice (delta, NULL, NULL, route));
      json_object_set_array_member (event, "choices", choices);
      append_event (reply, event);

      if (urls->len > 0)
        {
          JsonArray *list = json_array_new ();

          for (guint i = 0; i < urls->len; i++)
            json_array_add_object_element (list, image_url_part (g_strdup (urls->pdata[i])));
          delta = json_object_new ();
          json_object_set_string_member (delta, "role", "assistant");
          json_object_set_array_member (delta, "images", list);
          event = envelope (plan, route, id, "chat.completion.chunk");
          choices = json_array_new ();
          json_array_add_object_element (choices, chunk_choice (delta, NULL, NULL, route));
          json_object_set_array_member (event, "choices", choices);
          append_event (reply, event);
        }

      event = envelope (plan, route, id, "chat.completion.chunk");
      choices = json_array_new ();
      json_array_add_object_element (choices, chunk_choice (json_object_new (), finish, native,
                                                            route));
      json_object_set_array_member (event, "choices", choices);
      json_object_set_object_member (event, "usage", usage_object (plan, urls->len, text));
      append_event (reply, event);
      chiaro_mock_reply_append_string (reply, g_strdup ("data: [DONE]\n\n"));
      return reply;
    }

  message = json_object_new ();
  json_object_set_string_member (message, "role", "assistant");

  if (g_str_equal (scenario, "openai-content-parts") && urls->len > 0)
    {
      JsonArray *content = json_array_new ();
      JsonObject *part = json_object_new ();

      json_object_set_string_member (part, "type", "text");
      json_object_set_string_member (part, "text", text);
      json_array_add_object_element (content, part);
      for (guint i = 0; i < urls->len; i++)
        json_array_add_object_element (content, image_url_part (g_strdup (urls->pdata[i])));
      json_object_set_array_member (message, "content", content);
    }
  else if (g_str_equal (scenario, "openai-markdown") && urls->len > 0)
    {
      g_autofree char *markdown = g_strdup_printf ("%s\n\n![image](%s)", text,
                                                   (const char *) urls->pdata[0]);

      json_object_set_string_member (message, "content", markdown);
    }
  else if (text != NULL)
    json_object_set_string_member (message, "content", text);
  else
    json_object_set_null_member (message, "content");

  json_object_set_null_member (message, "refusal");

  if (g_str_equal (scenario, "openai-image-field") && urls->len > 0)
    {
      JsonObject *image = json_object_new ();

      json_object_set_string_member (image, "url", urls->pdata[0]);
      json_object_set_string_member (image, "detail", "auto");
      json_object_set_object_member (message, "image", image);
    }
  else if (!g_str_equal (scenario, "openai-content-parts") &&
           !g_str_equal (scenario, "openai-markdown") && urls->len > 0)
    {
      JsonArray *list = json_array_new ();

      for (guint i = 0; i < urls->len; i++)
        json_array_add_object_element (list, image_url_part (g_strdup (urls->pdata[i])));
      json_object_set_array_member (message, "images", list);
    }

  choice = json_object_new ();
  json_object_set_null_member (choice, "logprobs");
  json_object_set_string_member (choice, "finish_reason", finish);
  if (route == CHIARO_MOCK_ROUTE_OPENROUTER)
    json_object_set_string_member (choice, "native_finish_reason", native);
  json_object_set_int_member (choice, "index", 0);
  json_object_set_object_member (choice, "message", message);

  choices = json_array_new ();
  json_array_add_object_element (choices, choice);
  root = envelope (plan, route, id, "chat.completion");
  json_object_set_array_member (root, "choices", choices);
  json_object_set_object_member (root, "usage", usage_object (plan, urls->len, text));

  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

    json_node_take_object (node, root);
    reply = chiaro_mock_reply_new (200);
    chiaro_mock_reply_add_header (reply, "Content-Type", "application/json");
    chiaro_mock_reply_append_string (reply, chiaro_mock_json_to_string (node,
                                                                       CHIARO_MOCK_JSON_DENSE));
    reply->compressible = TRUE;
  }

  return reply;
}
