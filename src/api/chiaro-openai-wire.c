/* chiaro-openai-wire.c — OpenAI-compatible chat/completions requests and answers as JSON
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For gateways that put Gemini image models behind the chat/completions API (OpenRouter,
 * Vercel AI Gateway, LiteLLM, relays). Requests follow OpenRouter's form: images as data URLs
 * in `image_url` parts, `modalities: ["image", "text"]`, `image_config {aspect_ratio,
 * image_size}`, with OpenRouter's spelling "0.5K" for Google's "512". A message with nothing
 * but text sends it as a plain string, which every server takes. Thought parts and parts
 * Chiaro does not know stay out (the format has no place for them), and so do grounding and
 * thinking options.
 *
 * Answers put images in different places; the first of these that has any wins:
 * `message.images[].image_url.url`, `message.image.url`, `image_url` parts of a `content`
 * array, data URLs in the `content` string (bare or as Markdown images, which are cut out of
 * the text). A streamed chunk's `delta` is read like a message. The model turn is rebuilt as a
 * ChiaroContent (text, then images) so that the conversation can go on, with either provider.
 */

#define G_LOG_DOMAIN "chiaro-openai-wire"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-gemini-wire.h"
#include "chiaro-wire-util.h"

#include "chiaro-openai-wire.h"

/* What the images of an answer came as. */
typedef struct
{
  GPtrArray *images;      /* (element-type ChiaroPart) readable or not, in order */
  char      *link;        /* (nullable) the first image sent as a link rather than data */
  gboolean   bad_base64;
} FoundImages;

static void
found_images_clear (FoundImages *found)
{
  g_clear_pointer (&found->images, g_ptr_array_unref);
  g_clear_pointer (&found->link, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FoundImages, found_images_clear)

/* Requests */

static const char *
role_for (ChiaroContent *content)
{
  if (g_str_equal (content->role, "model"))
    return "assistant";
  return content->role;
}

static gboolean
part_is_sent (ChiaroPart *part)
{
  return !part->thought && part->kind != CHIARO_PART_OTHER;
}

static void
add_message (JsonBuilder     *builder,
             ChiaroContent   *content,
             gboolean         elide_data,
             ChiaroWireBlobs *blobs)
{
  guint n_sent = 0;
  guint n_images = 0;

  for (guint i = 0; i < content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (content->parts, i);

      if (part_is_sent (part))
        {
          n_sent++;
          if (part->kind == CHIARO_PART_IMAGE)
            n_images++;
        }
    }

  if (n_sent == 0)
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role_for (content));
  json_builder_set_member_name (builder, "content");

  if (n_images == 0)
    {
      GString *text = g_string_new (NULL);

      for (guint i = 0; i < content->parts->len; i++)
        {
          ChiaroPart *part = g_ptr_array_index (content->parts, i);

          if (part_is_sent (part))
            g_string_append_printf (text, "%s%s", text->len > 0 ? "\n\n" : "", part->text);
        }
      json_builder_add_string_value (builder, text->str);
      g_string_free (text, TRUE);
    }
  else
    {
      json_builder_begin_array (builder);
      for (guint i = 0; i < content->parts->len; i++)
        {
          ChiaroPart *part = g_ptr_array_index (content->parts, i);
          const char *mime;
          g_autofree char *url = NULL;

          if (!part_is_sent (part))
            continue;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          if (part->kind == CHIARO_PART_TEXT)
            {
              json_builder_add_string_value (builder, "text");
              json_builder_set_member_name (builder, "text");
              json_builder_add_string_value (builder, part->text);
              json_builder_end_object (builder);
              continue;
            }

          mime = part->mime_type != NULL ? part->mime_type : part->sniffed_mime_type;
          if (mime == NULL)
            mime = "application/octet-stream";

          if (elide_data)
            {
              url = g_strdup_printf ("data:%s;base64,<%" G_GSIZE_FORMAT " bytes>", mime,
                                     g_bytes_get_size (part->data));
            }
          else if (blobs != NULL)
            {
              g_autofree char *marker = chiaro_wire_blobs_add (blobs, part->data);

              url = g_strdup_printf ("data:%s;base64,%s", mime, marker);
            }
          else
            {
              g_autofree char *base64 = g_base64_encode (g_bytes_get_data (part->data, NULL),
                                                         g_bytes_get_size (part->data));

              url = g_strdup_printf ("data:%s;base64,%s", mime, base64);
            }

          json_builder_add_string_value (builder, "image_url");
          json_builder_set_member_name (builder, "image_url");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "url");
          json_builder_add_string_value (builder, url);
          json_builder_end_object (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
}

static JsonNode *
build_tree (ChiaroGenerationRequest *request,
            gboolean                 elide_data,
            ChiaroWireBlobs         *blobs)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  ChiaroGenerationOptions *options = request->options;
  const char *size = chiaro_generation_options_get_image_size (options, request->model);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, request->model_id);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  if (options->system_instruction != NULL && *options->system_instruction != '\0' &&
      chiaro_model_info_get_system_instruction (request->model))
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, "system");
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, options->system_instruction);
      json_builder_end_object (builder);
    }
  for (guint i = 0; i < request->contents->len; i++)
    add_message (builder, g_ptr_array_index (request->contents, i), elide_data, blobs);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "modalities");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "image");
  json_builder_add_string_value (builder, "text");
  json_builder_end_array (builder);

  /* OpenRouter spells Google's "512" as "0.5K". */
  chiaro_wire_add_image_config (builder, "image_config",
                                "aspect_ratio", chiaro_generation_options_get_aspect_ratio (options),
                                "image_size",
                                size != NULL && g_str_equal (size, "512") ? "0.5K" : size);

  chiaro_wire_add_sampling (builder, options, "top_p");

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * chiaro_openai_build_body:
 * @request: the request
 * @elide_data: write "<N bytes>" instead of image data (dry runs, logs)
 *
 * Returns: (transfer full): the chat/completions body, compact JSON
 */
GBytes *
chiaro_openai_build_body (ChiaroGenerationRequest *request,
                          gboolean                 elide_data)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;
  gsize size;

  g_return_val_if_fail (request != NULL, NULL);

  if (!elide_data)
    {
      g_autoptr(ChiaroWireBlobs) blobs = chiaro_wire_blobs_new ();
      GBytes *body;

      root = build_tree (request, FALSE, blobs);
      body = chiaro_wire_blobs_generate (blobs, root);
      if (body != NULL)
        return body;
      g_clear_pointer (&root, json_node_unref);
    }

  root = build_tree (request, elide_data, NULL);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &size);
  return g_bytes_new_take (text, size);
}

/* Answers */

static gboolean
has_prefix_ascii_nocase (const char *text,
                         gsize       length,
                         const char *prefix)
{
  gsize prefix_length = strlen (prefix);

  return length >= prefix_length && g_ascii_strncasecmp (text, prefix, prefix_length) == 0;
}

/* Reads "data:[<type>][;param…];base64,<data>". */
static void
add_data_url (FoundImages *found,
              const char  *url,
              gsize        length)
{
  const char *comma;
  const char *header;
  gsize header_length;
  g_autofree char *mime = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *semicolon;
  ChiaroPart *part;

  if (!has_prefix_ascii_nocase (url, length, "data:"))
    {
      if (found->link == NULL)
        found->link = g_strndup (url, MIN (length, 200));
      return;
    }

  header = url + strlen ("data:");
  comma = memchr (header, ',', length - (header - url));
  if (comma == NULL)
    {
      found->bad_base64 = TRUE;
      return;
    }

  header_length = comma - header;
  if (header_length < strlen (";base64") ||
      g_ascii_strncasecmp (comma - strlen (";base64"), ";base64", strlen (";base64")) != 0 ||
      !chiaro_wire_decode_base64 (comma + 1, length - (comma + 1 - url), &bytes))
    {
      found->bad_base64 = TRUE;
      return;
    }

  semicolon = memchr (header, ';', header_length);
  if (semicolon > header)
    mime = g_ascii_strdown (header, semicolon - header);

  part = chiaro_part_new_image (bytes, mime);
  g_ptr_array_add (found->images, part);
}

static void
add_url_node (FoundImages *found,
              JsonNode    *node)
{
  const char *url = NULL;

  if (node == NULL)
    return;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      url = json_node_get_string (node);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObject *image_url = chiaro_wire_get_object (object, "image_url", "imageUrl");

      if (image_url != NULL)
        url = chiaro_wire_get_string (image_url, "url", NULL);
      if (url == NULL)
        url = chiaro_wire_get_string (object, "image_url", "imageUrl");
      if (url == NULL)
        url = chiaro_wire_get_string (object, "url", NULL);
    }

  if (url != NULL)
    add_data_url (found, url, strlen (url));
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=';
}

/* Cuts the images out of a content string: Markdown images whose target is a data URL, and
 * bare data URLs. With @found NULL they are cut out and not read. Returns the text left. */
static char *
cut_data_urls (const char  *text,
               FoundImages *found)
{
  GString *out = g_string_new (NULL);
  const char *p = text;
  const char *start;

  while ((start = strstr (p, "data:")) != NULL)
    {
      const char *header_end = start + strlen ("data:");
      const char *end;
      const char *cut_from = start;
      const char *cut_to;

      /* Only images: "data:image/…;base64," */
      while (*header_end != '\0' && *header_end != ',' && !g_ascii_isspace (*header_end) &&
             *header_end != ')' && *header_end != '"')
        header_end++;
      if (*header_end != ',' || !g_str_has_prefix (start + 5, "image/") ||
          g_ascii_strncasecmp (header_end - 7, ";base64", 7) != 0)
        {
          g_string_append_len (out, p, header_end - p);
          p = header_end;
          continue;
        }

      for (end = header_end + 1; is_base64_char (*end); end++)
        ;
      cut_to = end;

      /* ![alt](data:…) goes as a whole. */
      if (start - text >= 2 && start[-1] == '(' && start[-2] == ']' && *end == ')')
        {
          const char *bang = start - 2;

          while (bang > p && !(bang[0] == '!' && bang[1] == '['))
            bang--;
          if (bang[0] == '!' && bang[1] == '[')
            {
              cut_from = bang;
              cut_to = end + 1;
            }
        }

      if (found != NULL)
        add_data_url (found, start, end - start);

      /* The text either side of an image becomes two paragraphs. */
      g_string_append_len (out, p, cut_from - p);
      while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
        g_string_truncate (out, out->len - 1);
      for (p = cut_to; g_ascii_isspace (*p); p++)
        ;
      if (out->len > 0 && *p != '\0')
        g_string_append (out, "\n\n");
    }

  g_string_append (out, p);
  return chiaro_wire_finish_text (out);
}

/* The images of a message, from the first place that has any. */
static void
find_images (JsonObject  *message,
             FoundImages *found)
{
  JsonArray *images = chiaro_wire_get_array (message, "images", NULL);
  JsonNode *image = json_object_get_member (message, "image");
  JsonNode *content = json_object_get_member (message, "content");
  g_autofree char *rest = NULL;

  for (guint i = 0; images != NULL && i < json_array_get_length (images); i++)
    add_url_node (found, json_array_get_element (images, i));
  if (found->images->len > 0 || found->link != NULL || found->bad_base64)
    return;

  add_url_node (found, image);
  if (found->images->len > 0 || found->link != NULL || found->bad_base64)
    return;

  if (content != NULL && JSON_NODE_HOLDS_ARRAY (content))
    {
      JsonArray *array = json_node_get_array (content);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *object;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          object = json_node_get_object (element);
          if (g_strcmp0 (chiaro_wire_get_string (object, "type", NULL), "image_url") == 0)
            add_url_node (found, element);
        }
      return;
    }

  if (content != NULL && JSON_NODE_HOLDS_VALUE (content) &&
      json_node_get_value_type (content) == G_TYPE_STRING)
    rest = cut_data_urls (json_node_get_string (content), found);
}

/* The message's text, without images. */
static char *
find_text (JsonObject *message)
{
  JsonNode *content = json_object_get_member (message, "content");

  if (content == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
    return cut_data_urls (json_node_get_string (content), NULL);

  if (JSON_NODE_HOLDS_ARRAY (content))
    {
      JsonArray *array = json_node_get_array (content);
      GString *text = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *object;
          const char *piece;
          g_autofree char *clean = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          object = json_node_get_object (element);
          if (g_strcmp0 (chiaro_wire_get_string (object, "type", NULL), "text") != 0 ||
              (piece = chiaro_wire_get_string (object, "text", NULL)) == NULL)
            continue;

          clean = cut_data_urls (piece, NULL);
          if (clean != NULL)
            chiaro_wire_append_text (text, clean, TRUE);
        }
      return chiaro_wire_finish_text (text);
    }

  return NULL;
}

static void
read_usage (JsonObject  *usage,
            ChiaroUsage *out)
{
  JsonObject *completion = chiaro_wire_get_object (usage, "completion_tokens_details", NULL);
  JsonObject *prompt = chiaro_wire_get_object (usage, "prompt_tokens_details", NULL);
  gboolean known = FALSE;

  memset (out, 0, sizeof *out);
  known |= chiaro_wire_get_int (usage, "prompt_tokens", NULL, &out->prompt_tokens);
  known |= chiaro_wire_get_int (usage, "completion_tokens", NULL, &out->candidates_tokens);
  known |= chiaro_wire_get_int (usage, "total_tokens", NULL, &out->total_tokens);
  if (completion != NULL)
    {
      known |= chiaro_wire_get_int (completion, "reasoning_tokens", NULL, &out->thoughts_tokens);
      known |= chiaro_wire_get_int (completion, "image_tokens", NULL, &out->image_tokens);
    }
  if (prompt != NULL)
    known |= chiaro_wire_get_int (prompt, "cached_tokens", NULL, &out->cached_tokens);
  out->known = known;
}

/* The Gemini finish reason that explains an OpenAI-style one, or NULL for a normal stop. */
static const char *
gemini_reason_for (const char *finish_reason,
                   const char *native_reason)
{
  if (chiaro_wire_is_finish_reason (native_reason))
    return native_reason;
  if (finish_reason == NULL || g_str_equal (finish_reason, "stop"))
    return NULL;
  if (g_str_equal (finish_reason, "content_filter"))
    return "SAFETY";
  if (g_str_equal (finish_reason, "length"))
    return "MAX_TOKENS";
  return "OTHER";
}

static void
set_error_envelope (GError     **error,
                    guint        http_status,
                    JsonNode    *error_node,
                    GBytes      *body);

/**
 * chiaro_openai_parse_response:
 * @body: the body of an HTTP 200 answer to chat/completions (or one streamed chunk)
 * @error: an answer without a usable image fills this
 *
 * Returns: (transfer full) (nullable): the result, with at least one image
 */
ChiaroGenerationResult *
chiaro_openai_parse_response (GBytes  *body,
                              GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;
  g_autoptr(ChiaroContent) content = NULL;
  g_auto(FoundImages) found = { 0, };
  JsonObject *object;
  JsonObject *choice = NULL;
  JsonObject *message = NULL;
  JsonObject *usage;
  JsonArray *choices;
  JsonNode *error_node;
  const char *finish_reason = NULL;
  const char *native_reason = NULL;
  const char *refusal = NULL;
  const char *reasoning = NULL;
  const char *unreadable = NULL;
  const char *explained;

  root = chiaro_wire_parse_json (body, error);
  if (root == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *excerpt = chiaro_wire_excerpt_bytes (body);
      g_autofree char *detail = g_strdup_printf ("not a JSON object: %s", excerpt);

      chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                            _("The answer from the server was not understood. Try again."),
                            detail, 0, NULL);
      return NULL;
    }
  object = json_node_get_object (root);

  error_node = json_object_get_member (object, "error");
  if (error_node != NULL && !JSON_NODE_HOLDS_NULL (error_node))
    {
      set_error_envelope (error, 0, error_node, body);
      return NULL;
    }

  choices = chiaro_wire_get_array (object, "choices", NULL);
  if (choices != NULL && json_array_get_length (choices) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (choices, 0)))
    choice = json_array_get_object_element (choices, 0);

  if (choice == NULL)
    {
      if (json_object_has_member (object, "choices") || json_object_has_member (object, "usage"))
        chiaro_wire_set_no_image_error (error, NULL, 0, NULL, NULL);
      else
        chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                              _("The answer from the server was not understood. Try again."),
                              "no choices", 0, NULL);
      return NULL;
    }

  message = chiaro_wire_get_object (choice, "message", NULL);
  if (message == NULL)
    message = chiaro_wire_get_object (choice, "delta", NULL);
  finish_reason = chiaro_wire_get_string (choice, "finish_reason", NULL);
  native_reason = chiaro_wire_get_string (choice, "native_finish_reason", NULL);

  result = chiaro_generation_result_new ();
  content = chiaro_content_new ("model");
  found.images = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_part_unref);

  if (message != NULL)
    {
      find_images (message, &found);
      result->text = find_text (message);
      refusal = chiaro_wire_get_string (message, "refusal", NULL);
      reasoning = chiaro_wire_get_string (message, "reasoning", "reasoning_content");
    }

  if (found.bad_base64)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                            _("The model sent an image Chiaro cannot read. Try again."),
                            "an image data URL is not base64", 0, finish_reason);
      return NULL;
    }

  if (reasoning != NULL && *reasoning != '\0')
    result->thoughts = g_strstrip (g_strdup (reasoning));

  if (result->text != NULL)
    {
      g_autoptr(ChiaroPart) text = chiaro_part_new_text (result->text);

      chiaro_content_add_part (content, text);
    }

  for (guint i = 0; i < found.images->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (found.images, i);
      const char *problem = chiaro_wire_check_image (part);

      chiaro_content_add_part (content, part);
      if (problem == NULL)
        g_ptr_array_add (result->images, chiaro_part_ref (part));
      else if (unreadable == NULL)
        unreadable = problem;
    }

  if (result->images->len == 0)
    {
      explained = gemini_reason_for (finish_reason, native_reason);

      if (refusal != NULL && *refusal != '\0')
        {
          g_autofree char *quote = chiaro_wire_shorten (refusal, 160);
          g_autofree char *message_text = NULL;

          /* Translators: %s is the model's own explanation, shortened. */
          message_text = g_strdup_printf (_("The model refused this request: “%s”"), quote);
          chiaro_api_error_set (error, CHIARO_API_ERROR_REFUSED, message_text, refusal, 0,
                                finish_reason != NULL ? finish_reason : "refusal");
        }
      else if (explained != NULL)
        {
          chiaro_wire_set_finish_error (error, explained,
                                        native_reason != NULL ? native_reason : finish_reason,
                                        NULL);
        }
      else if (found.link != NULL && unreadable == NULL)
        {
          chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                                _("The server sent a link to the image instead of the image "
                                  "itself. Chiaro cannot download it; choose a server that "
                                  "returns image data."),
                                found.link, 0, finish_reason);
        }
      else
        {
          chiaro_wire_set_no_image_error (error, result->text, 0, unreadable, finish_reason);
        }
      return NULL;
    }

  result->content = g_steal_pointer (&content);
  result->finish_reason = g_strdup (native_reason != NULL ? native_reason : finish_reason);
  result->model_version = g_strdup (chiaro_wire_get_string (object, "model", NULL));
  result->response_id = g_strdup (chiaro_wire_get_string (object, "id", NULL));
  usage = chiaro_wire_get_object (object, "usage", NULL);
  if (usage != NULL)
    read_usage (usage, &result->usage);

  return g_steal_pointer (&result);
}

/* Errors */

/* OpenRouter wraps the upstream provider's answer in metadata.raw: when that is Google's own
 * error, it says more than OpenRouter's summary. */
static gboolean
set_raw_google_error (GError     **error,
                      guint        status,
                      JsonObject  *error_object)
{
  JsonObject *metadata = chiaro_wire_get_object (error_object, "metadata", NULL);
  const char *raw = chiaro_wire_get_string (metadata, "raw", NULL);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonNode *root;
  JsonObject *inner;

  if (raw == NULL)
    return FALSE;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, raw, -1, NULL))
    return FALSE;

  root = json_parser_get_root (parser);
  if (root == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0)
    root = json_array_get_element (json_node_get_array (root), 0);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (inner = chiaro_wire_get_object (json_node_get_object (root), "error", NULL)) == NULL ||
      chiaro_wire_get_string (inner, "status", NULL) == NULL)
    return FALSE;

  bytes = g_bytes_new (raw, strlen (raw));
  chiaro_gemini_set_http_error (error, status, "application/json", bytes);
  return TRUE;
}

static void
set_error_envelope (GError     **error,
                    guint        http_status,
                    JsonNode    *error_node,
                    GBytes      *body)
{
  JsonObject *object = NULL;
  const char *message = NULL;
  const char *type = NULL;
  const char *code_text = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *server_message = NULL;
  const char *reason;
  gint64 code_number = 0;
  guint status = http_status;

  if (JSON_NODE_HOLDS_OBJECT (error_node))
    {
      object = json_node_get_object (error_node);
      message = chiaro_wire_get_string (object, "message", NULL);
      type = chiaro_wire_get_string (object, "type", NULL);
      code_text = chiaro_wire_get_string (object, "code", NULL);
      if (!chiaro_wire_get_int (object, "code", NULL, &code_number))
        code_number = 0;

      /* Google's own envelope, as its OpenAI-compatible endpoint sends it. */
      if (chiaro_wire_get_string (object, "status", NULL) != NULL)
        {
          chiaro_gemini_set_http_error (error, http_status, "application/json", body);
          return;
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (error_node) &&
           json_node_get_value_type (error_node) == G_TYPE_STRING)
    {
      message = json_node_get_string (error_node);
    }

  if (status < 400)
    status = code_number >= 400 && code_number <= 599 ? (guint) code_number : 500;

  if (object != NULL && set_raw_google_error (error, status, object))
    return;

  /* A numeric code is the status again; only a word names the reason. */
  if (code_text != NULL && g_ascii_isdigit (code_text[0]))
    code_text = NULL;
  reason = code_text != NULL ? code_text : type;

  if (message != NULL && g_utf8_strlen (message, -1) > CHIARO_WIRE_DETAIL_MAX)
    server_message = g_utf8_substring (message, 0, CHIARO_WIRE_DETAIL_MAX);
  else
    server_message = g_strdup (message != NULL ? message : "");
  lower = g_ascii_strdown (server_message, -1);

  if (reason != NULL)
    detail = g_strdup_printf ("HTTP %u %s: %s", status, reason, server_message);
  else
    detail = g_strdup_printf ("HTTP %u: %s", status, server_message);

  if (g_strcmp0 (reason, "invalid_api_key") == 0 || strstr (lower, "incorrect api key") != NULL ||
      strstr (lower, "invalid api key") != NULL)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_UNAUTHORIZED,
                            _("The API key is not valid. Check the key in Preferences."),
                            detail, (int) status, reason);
    }
  else if (g_strcmp0 (reason, "insufficient_quota") == 0)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_QUOTA_EXHAUSTED,
                            _("The account's quota is used up. Check its plan and billing."),
                            detail, (int) status, reason);
    }
  else if (g_strcmp0 (reason, "content_policy_violation") == 0 ||
           strstr (lower, "content policy") != NULL || strstr (lower, "safety system") != NULL ||
           strstr (lower, "flagged") != NULL || strstr (lower, "moderation") != NULL)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_REFUSED,
                            _("The service refused this request under its content policy. "
                              "Rephrase the prompt and try again."),
                            detail, (int) status, reason);
    }
  else if (g_strcmp0 (reason, "model_not_found") == 0 || status == 404)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_MODEL_NOT_FOUND,
                            _("The model is not available. Check its name or choose another "
                              "model."),
                            detail, (int) status, reason);
    }
  else
    {
      chiaro_wire_set_status_error (error, status, detail, reason);
    }
}

/**
 * chiaro_openai_set_http_error:
 * @error: (out) (optional): where to put the error
 * @status: the HTTP status, not 2xx
 * @content_type: (nullable): the answer's Content-Type
 * @body: (nullable): the answer's body
 *
 * Maps a failed answer to a %CHIARO_API_ERROR: the `{"error": {message, type, code}}`
 * envelope when there is one (Google's own envelope and a Google error that OpenRouter passes
 * on in `metadata.raw` are read as Gemini errors), else the status alone.
 */
void
chiaro_openai_set_http_error (GError     **error,
                              guint        status,
                              const char  *content_type,
                              GBytes      *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *excerpt = NULL;
  g_autofree char *detail = NULL;
  const char *data = NULL;
  gsize size = 0;

  if (body != NULL)
    data = g_bytes_get_data (body, &size);

  if (data != NULL && size > 0 && json_parser_load_from_data (parser, data, size, NULL))
    {
      JsonNode *root = json_parser_get_root (parser);
      JsonNode *error_node = NULL;

      /* A body of white space parses, to no root at all. */
      if (root != NULL && JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0)
        root = json_array_get_element (json_node_get_array (root), 0);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        error_node = json_object_get_member (json_node_get_object (root), "error");

      if (error_node != NULL && !JSON_NODE_HOLDS_NULL (error_node))
        {
          set_error_envelope (error, status, error_node, body);
          return;
        }
    }

  excerpt = data != NULL ? chiaro_wire_excerpt (data, size) : g_strdup ("");
  if (content_type != NULL)
    detail = g_strdup_printf ("HTTP %u (%s): %s", status, content_type, excerpt);
  else
    detail = g_strdup_printf ("HTTP %u: %s", status, excerpt);
  chiaro_wire_set_status_error (error, status, detail, NULL);
}
