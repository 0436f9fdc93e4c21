/* test-gemini-wire.c — Gemini answers and errors parsed, requests built
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-gemini-wire.h"
#include "chiaro-model-catalog.h"
#include "chiaro-test-util.h"

/* Helpers */

static GBytes *
node_to_bytes (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize size;
  char *text;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &size);
  return g_bytes_new_take (text, size);
}

/* Puts @base64 in place of every inlineData.data under @node. */
static void
replace_image_data (JsonNode   *node,
                    const char *base64)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        replace_image_data (json_array_get_element (array, i), base64);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = NULL;

      if (json_object_has_member (object, "data") && json_object_has_member (object, "mimeType"))
        json_object_set_string_member (object, "data", base64);

      members = json_object_get_values (object);
      for (GList *l = members; l != NULL; l = l->next)
        replace_image_data (l->data, base64);
    }
}

static GBytes *
fixture_with_image (const char *folder,
                    const char *name,
                    const char *base64)
{
  g_autoptr(GBytes) original = chiaro_test_read_fixture (folder, name);
  g_autoptr(JsonNode) root = chiaro_test_parse_json (original);

  replace_image_data (root, base64);
  return node_to_bytes (root);
}

static void
image_size (ChiaroPart *part,
            int        *width,
            int        *height)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;

  gdk_pixbuf_loader_write_bytes (loader, part->data, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_nonnull (pixbuf);
  *width = gdk_pixbuf_get_width (pixbuf);
  *height = gdk_pixbuf_get_height (pixbuf);
}

static void
assert_image (ChiaroPart *part,
              const char *sniffed,
              int         width,
              int         height)
{
  int w = 0, h = 0;

  g_assert_cmpint (part->kind, ==, CHIARO_PART_IMAGE);
  g_assert_cmpstr (part->sniffed_mime_type, ==, sniffed);
  image_size (part, &w, &h);
  g_assert_cmpint (w, ==, width);
  g_assert_cmpint (h, ==, height);
}

static ChiaroGenerationResult *
parse_ok (GBytes *body)
{
  g_autoptr(GError) error = NULL;
  ChiaroGenerationResult *result = chiaro_gemini_parse_response (body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->images->len, >, 0);
  g_assert_nonnull (result->content);
  return result;
}

static ChiaroGenerationResult *
parse_stream_ok (GBytes *body)
{
  g_autoptr(GError) error = NULL;
  ChiaroGenerationResult *result = chiaro_gemini_parse_stream (body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->images->len, >, 0);
  return result;
}

static void
assert_api_error (const GError   *error,
                  ChiaroApiError  code,
                  const char     *reason,
                  int             http_status)
{
  g_assert_error (error, CHIARO_API_ERROR, code);
  g_assert_cmpstr (chiaro_api_error_get_reason (error), ==, reason);
  g_assert_cmpint (chiaro_api_error_get_http_status (error), ==, http_status);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 10);
}

static GError *
parse_fail (GBytes *body)
{
  GError *error = NULL;
  g_autoptr(ChiaroGenerationResult) result = chiaro_gemini_parse_response (body, &error);

  g_assert_null (result);
  g_assert_nonnull (error);
  return error;
}

static GError *
parse_stream_fail (GBytes *body)
{
  GError *error = NULL;
  g_autoptr(ChiaroGenerationResult) result = chiaro_gemini_parse_stream (body, &error);

  g_assert_null (result);
  g_assert_nonnull (error);
  return error;
}

static GError *
http_error (guint       status,
            const char *content_type,
            GBytes     *body)
{
  GError *error = NULL;

  chiaro_gemini_set_http_error (&error, status, content_type, body);
  g_assert_nonnull (error);
  return error;
}

/* A detail must stay short and must never carry a base64 payload. */
static void
assert_safe_detail (const GError *error)
{
  const char *detail = chiaro_api_error_get_detail (error);
  guint run = 0;

  g_assert_nonnull (detail);
  g_assert_true (g_utf8_validate (detail, -1, NULL));
  g_assert_cmpuint (g_utf8_strlen (detail, -1), <=, 2100);
  for (const char *p = detail; *p != '\0'; p++)
    {
      run = g_ascii_isalnum (*p) || *p == '+' || *p == '/' ? run + 1 : 0;
      g_assert_cmpuint (run, <, 64);
    }
}

/* A response with the given parts (JSON text) and finish reason (NULL: none). */
static GBytes *
response_with_parts (const char *parts,
                     const char *finish_reason)
{
  g_autofree char *finish = finish_reason != NULL
    ? g_strdup_printf (",\"finishReason\":\"%s\"", finish_reason) : g_strdup ("");

  return chiaro_test_bytes_printf ("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[%s]}%s,"
                       "\"index\":0}],\"modelVersion\":\"gemini-3-pro-image-preview\"}",
                       parts, finish);
}

static char *png_b64;       /* 32×32 PNG */
static char *png_alpha_b64; /* 32×32 PNG with alpha */
static char *jpeg_b64;      /* 1800×1200 JPEG */

/* Fixtures: responses/ */

static void
test_fixture_edit_nonstream (void)
{
  g_autoptr(GBytes) verbatim = chiaro_test_read_fixture ("gemini/responses",
                                             "gemini-2.5-flash-image-preview.edit.nonstream.json");
  g_autoptr(GError) error = parse_fail (verbatim);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;

  /* Its author stripped the data to "1234567890": not an image. */
  assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, "STOP", 0);
  g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, "image data in no known format");

  body = fixture_with_image ("gemini/responses",
                             "gemini-2.5-flash-image-preview.edit.nonstream.json", png_b64);
  result = parse_ok (body);
  g_assert_cmpuint (result->images->len, ==, 1);
  assert_image (chiaro_generation_result_get_final_image (result), "image/png", 32, 32);
  g_assert_cmpstr (((ChiaroPart *) result->images->pdata[0])->mime_type, ==, "image/png");
  g_assert_null (result->text);
  g_assert_null (result->thoughts);
  g_assert_cmpstr (result->finish_reason, ==, "STOP");
  g_assert_true (result->usage.known);
  g_assert_cmpint (result->usage.prompt_tokens, ==, 2598);
  g_assert_cmpint (result->usage.candidates_tokens, ==, 1290);
  g_assert_cmpint (result->usage.total_tokens, ==, 3888);
  g_assert_cmpint (result->usage.image_tokens, ==, 1290);
  g_assert_cmpint (result->usage.thoughts_tokens, ==, 0);
  g_assert_cmpstr (result->model_version, ==, "gemini-2.5-flash-image-preview");
  g_assert_cmpstr (result->response_id, ==, "JB67aLHvKPusqtsP5rC5-Aw");
  g_assert_cmpstr (result->content->role, ==, "model");
  g_assert_null (result->content->model);
  g_assert_cmpuint (result->content->parts->len, ==, 1);
}

static void
test_fixture_text_plus_image (void)
{
  g_autoptr(GBytes) verbatim = chiaro_test_read_fixture ("gemini/responses",
                                             "gemini-2.5-flash-image.relay-sample.text-plus-image.json");
  g_autoptr(GError) error = parse_fail (verbatim);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;

  /* "iVBORw0KGgoAAAANSUhEUgAA..." was cut by the document's author: not base64. */
  assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);

  body = fixture_with_image ("gemini/responses",
                             "gemini-2.5-flash-image.relay-sample.text-plus-image.json", png_b64);
  result = parse_ok (body);
  g_assert_cmpuint (result->images->len, ==, 1);
  assert_image (result->images->pdata[0], "image/png", 32, 32);
  g_assert_cmpstr (result->text, ==,
                   "好的，请看这是为您打造的全身照，保持了模特的姿态和面部表情，并搭配了您选择的服装和配饰：");
  g_assert_null (result->finish_reason);
  g_assert_true (result->usage.known);
  g_assert_cmpint (result->usage.prompt_tokens, ==, 586);
  g_assert_cmpint (result->usage.candidates_tokens, ==, 1324);
  g_assert_cmpint (result->usage.total_tokens, ==, 1910);
  g_assert_cmpint (result->usage.image_tokens, ==, 0);
  g_assert_cmpstr (result->model_version, ==, "gemini-2.5-flash-image");
  /* No role in the answer: a model turn all the same. */
  g_assert_cmpstr (result->content->role, ==, "model");
  g_assert_cmpuint (result->content->parts->len, ==, 2);
}

static void
test_fixture_signature_jpeg (void)
{
  const char *name = "gemini-3-pro-image-preview.relay-sample.thoughtSignature-jpeg.json";
  g_autoptr(GBytes) verbatim = chiaro_test_read_fixture ("gemini/responses", name);
  g_autoptr(GError) error = parse_fail (verbatim);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;
  ChiaroPart *image;

  assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);

  body = fixture_with_image ("gemini/responses", name, jpeg_b64);
  result = parse_ok (body);
  image = chiaro_generation_result_get_final_image (result);
  assert_image (image, "image/jpeg", 1800, 1200);
  g_assert_cmpstr (image->mime_type, ==, "image/jpeg");
  g_assert_cmpstr (image->thought_signature, ==, "EqCzQgqcs0IBcsjafEVyOV...");
  g_assert_cmpint (result->usage.prompt_tokens, ==, 147);
  g_assert_cmpint (result->usage.candidates_tokens, ==, 1220);
  g_assert_cmpint (result->usage.thoughts_tokens, ==, 215);
  g_assert_cmpint (result->usage.total_tokens, ==, 1582);
  g_assert_cmpstr (result->finish_reason, ==, "STOP");
  g_assert_cmpstr (result->response_id, ==, "KStzabiTDuClqtsP9KiFkQE");
}

static void
test_fixture_thoughts_jpeg (void)
{
  const char *name = "gemini-3-pro-image-preview.relay-sample.thoughts-jpeg.json";
  g_autoptr(GBytes) verbatim = chiaro_test_read_fixture ("gemini/responses", name);
  g_autoptr(GError) error = parse_fail (verbatim);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;
  ChiaroPart *image;

  /* Valid base64 of the first 45 bytes of a JPEG: a cut-off image. */
  assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, "STOP", 0);
  g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, "image data cut short");

  body = fixture_with_image ("gemini/responses", name, jpeg_b64);
  result = parse_ok (body);
  image = chiaro_generation_result_get_final_image (result);
  assert_image (image, "image/jpeg", 1800, 1200);
  /* An empty signature is kept as it came. */
  g_assert_cmpstr (image->thought_signature, ==, "");
  g_assert_cmpint (result->usage.candidates_tokens, ==, 1772);
  g_assert_cmpint (result->usage.image_tokens, ==, 1120);
  g_assert_cmpint (result->usage.thoughts_tokens, ==, 748);
  g_assert_cmpint (result->usage.total_tokens, ==, 2552);
}

static void
test_fixture_vertex_json_array (void)
{
  const char *name = "gemini-3-pro-image-preview.vertex-stream-json-array.thoughts.sample.json";
  g_autoptr(GBytes) body = chiaro_test_read_fixture ("gemini/responses", name);
  g_autoptr(GError) error = parse_stream_fail (body);
  g_autoptr(JsonNode) root = chiaro_test_parse_json (body);
  g_autoptr(JsonNode) final = NULL;
  g_autoptr(GBytes) completed = NULL;
  g_autoptr(GBytes) final_text = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;

  /* Two thought summaries and no image yet. */
  assert_api_error (error, CHIARO_API_ERROR_NO_IMAGE, NULL, 0);

  /* The same stream, completed by an image event. */
  final_text = chiaro_test_bytes_printf ("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
                             "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"},"
                             "\"thoughtSignature\":\"c2ln\"}]},\"finishReason\":\"STOP\"}],"
                             "\"usageMetadata\":{\"trafficType\":\"ON_DEMAND\"}}", png_b64);
  final = chiaro_test_parse_json (final_text);
  json_array_add_element (json_node_get_array (root), g_steal_pointer (&final));
  completed = node_to_bytes (root);

  result = parse_stream_ok (completed);
  g_assert_cmpstr (result->thoughts, ==,
                   "**Imagining the Scene**\n\nI'm currently picturing the scene.\n\n"
                   "**Crafting the Visuals**\n\nI'm now focusing on setting and details.");
  g_assert_null (result->text);
  g_assert_cmpuint (result->images->len, ==, 1);
  g_assert_cmpuint (result->content->parts->len, ==, 3);
  /* Vertex's usage here has no counts. */
  g_assert_false (result->usage.known);
  g_assert_cmpstr (result->response_id, ==, "SDZ4aeafJLTWsbwP5ui6uA4");

  /* parse_response takes an array body as well. */
  {
    g_autoptr(ChiaroGenerationResult) same = parse_ok (completed);

    g_assert_cmpstr (same->thoughts, ==, result->thoughts);
  }
}

static void
test_fixture_image_blocked (void)
{
  g_autoptr(GBytes) body = chiaro_test_read_fixture ("gemini/responses", "image-blocked.observed-shape.json");
  g_autoptr(GError) error = parse_fail (body);

  assert_api_error (error, CHIARO_API_ERROR_IMAGE_SAFETY, "IMAGE_SAFETY", 0);
  g_assert_nonnull (strstr (error->message, "declined to draw"));
  g_assert_cmpstr (chiaro_api_error_get_detail (error), ==,
                   "finishReason IMAGE_SAFETY: Unable to show the generated image. ...");
}

static void
test_fixture_prompt_blocked (void)
{
  g_autoptr(GBytes) body = chiaro_test_read_fixture ("gemini/responses",
                                         "prompt-blocked-safety.promptFeedback.json");
  g_autoptr(GError) error = parse_fail (body);

  assert_api_error (error, CHIARO_API_ERROR_PROMPT_BLOCKED, "SAFETY", 0);
  g_assert_cmpstr (error->message, ==, "The prompt was blocked (safety). Rephrase it and try again.");
  g_assert_false (chiaro_api_error_is_retryable (error));
}

static void
test_fixture_reconstructed_sse (void)
{
  const char *name = "stream-image-mldev.RECONSTRUCTED-TRUNCATED.sse";
  g_autoptr(GBytes) verbatim = chiaro_test_read_fixture ("gemini/responses", name);
  g_autoptr(GError) error = parse_stream_fail (verbatim);
  g_autofree char *text = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;
  const char *cut;
  const char *cut_end;

  /* The image was cut with "...TRUNCATED...": not base64. */
  assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);

  /* The same bytes with a whole image in place of the cut one. */
  text = g_strndup (g_bytes_get_data (verbatim, NULL), g_bytes_get_size (verbatim));
  cut = strstr (text, "\"data\": \"iVBOR");
  g_assert_nonnull (cut);
  cut_end = strstr (cut, "TRUNCATED...\"");
  g_assert_nonnull (cut_end);
  body = chiaro_test_bytes_printf ("%.*s\"data\": \"%s\"%s", (int) (cut - text), text, png_b64,
                       cut_end + strlen ("TRUNCATED...\""));
  g_assert_nonnull (strstr (g_bytes_get_data (body, NULL), "\r\n\r\n"));

  result = parse_stream_ok (body);
  g_assert_cmpstr (result->text, ==,
                   "I will generate an image of the Eiffel Tower at night, with a vibrant and "
                   "colorful fireworks display exploding behind it, illuminating the sky.");
  g_assert_cmpuint (result->images->len, ==, 1);
  assert_image (result->images->pdata[0], "image/png", 32, 32);
  g_assert_cmpstr (result->finish_reason, ==, "STOP");
  g_assert_cmpint (result->usage.prompt_tokens, ==, 15);
  g_assert_cmpint (result->usage.candidates_tokens, ==, 1318);
  g_assert_cmpint (result->usage.total_tokens, ==, 1333);
  g_assert_cmpint (result->usage.image_tokens, ==, 1290);
  g_assert_cmpstr (result->model_version, ==, "gemini-2.0-flash-preview-image-generation");
  /* Three text deltas and the image, as sent; the final event had no parts. */
  g_assert_cmpuint (result->content->parts->len, ==, 4);
}

/* Every file in responses/ has a test above. */
static void
test_fixture_responses_covered (void)
{
  static const char * const covered[] = {
    "gemini-2.5-flash-image-preview.edit.nonstream.json",
    "gemini-2.5-flash-image.relay-sample.text-plus-image.json",
    "gemini-3-pro-image-preview.relay-sample.thoughtSignature-jpeg.json",
    "gemini-3-pro-image-preview.relay-sample.thoughts-jpeg.json",
    "gemini-3-pro-image-preview.vertex-stream-json-array.thoughts.sample.json",
    "image-blocked.observed-shape.json",
    "prompt-blocked-safety.promptFeedback.json",
    "stream-image-mldev.RECONSTRUCTED-TRUNCATED.sse",
    NULL
  };

  chiaro_test_assert_fixtures_are ("gemini/responses", covered);
}

/* Fixtures: errors/ */

static void
test_fixture_errors (void)
{
  static const struct
  {
    const char     *name;
    ChiaroApiError  code;
    const char     *reason;
    const char     *in_message;
  } cases[] = {
    { "400-aspect-ratio-invalid.json", CHIARO_API_ERROR_UNSUPPORTED_OPTION, "INVALID_ARGUMENT",
      "aspect ratio" },
    { "400-aspect-ratio-not-enabled.json", CHIARO_API_ERROR_UNSUPPORTED_OPTION, "INVALID_ARGUMENT",
      "aspect ratio" },
    { "400-developer-instruction-not-enabled.json", CHIARO_API_ERROR_UNSUPPORTED_OPTION,
      "INVALID_ARGUMENT", "system instruction" },
    { "400-invalid-api-key.json", CHIARO_API_ERROR_UNAUTHORIZED, "API_KEY_INVALID",
      "API key is not valid" },
    { "400-multiple-candidates-not-enabled.json", CHIARO_API_ERROR_INVALID_REQUEST,
      "INVALID_ARGUMENT", "one image per request" },
    /* It names aspectRatio, but the request itself was malformed. */
    { "400-unknown-field.json", CHIARO_API_ERROR_INVALID_REQUEST, "INVALID_ARGUMENT",
      "did not understand" },
    { "401-access-token-type-unsupported.NOTE.txt", CHIARO_API_ERROR_UNAUTHORIZED,
      "ACCESS_TOKEN_TYPE_UNSUPPORTED", "API key" },
    { "403-consumer-suspended.json", CHIARO_API_ERROR_PERMISSION_DENIED, "CONSUMER_SUSPENDED",
      "suspended" },
    { "403-no-api-key.json", CHIARO_API_ERROR_UNAUTHORIZED, "PERMISSION_DENIED",
      "No API key was sent" },
    { "404-model-not-found.json", CHIARO_API_ERROR_MODEL_NOT_FOUND, "NOT_FOUND",
      "The model custom-gemini-2.0-flash is not available" },
    /* The daily quota, named in QuotaFailure: waiting a minute will not help. */
    { "429-compact-one-line-details.txt", CHIARO_API_ERROR_QUOTA_EXHAUSTED, NULL, "daily quota" },
    { "429-resource-exhausted-free-tier.json", CHIARO_API_ERROR_QUOTA_EXHAUSTED,
      "RESOURCE_EXHAUSTED", "daily quota" },
    { "500-internal.json", CHIARO_API_ERROR_SERVER, "INTERNAL", "error 500" },
    { "503-model-overloaded.json", CHIARO_API_ERROR_UNAVAILABLE, "UNAVAILABLE", "overloaded" },
    { "503-model-overloaded.json-array-stream.txt", CHIARO_API_ERROR_UNAVAILABLE, "UNAVAILABLE",
      "overloaded" },
  };
  g_auto(GStrv) paths = chiaro_test_list_fixtures ("gemini/errors", "");

  g_assert_cmpuint (g_strv_length (paths), ==, G_N_ELEMENTS (cases));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) file = chiaro_test_read_fixture ("gemini/errors", cases[i].name);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *base = g_path_get_basename (paths[i]);
      const char *text = g_bytes_get_data (file, NULL);
      guint status = (guint) g_ascii_strtoull (cases[i].name, NULL, 10);

      g_test_message ("%s", cases[i].name);
      g_assert_cmpstr (base, ==, cases[i].name);

      /* The note quotes the body after its prose. */
      if (g_str_has_suffix (cases[i].name, ".NOTE.txt"))
        body = chiaro_test_bytes_from_string (strchr (text, '{'));
      else
        body = g_bytes_ref (file);

      error = http_error (status, "application/json; charset=UTF-8", body);
      assert_api_error (error, cases[i].code, cases[i].reason, (int) status);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
      assert_safe_detail (error);
      g_assert_true (g_str_has_prefix (chiaro_api_error_get_detail (error), "HTTP "));
    }
}

/* Fixtures: js-genai-recordings/ */

typedef struct
{
  guint      status;
  JsonArray *segments;
  JsonNode  *root;
} Recording;

static void
recording_clear (Recording *recording)
{
  g_clear_pointer (&recording->root, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Recording, recording_clear)

static void
load_recording (const char *name,
                Recording  *recording)
{
  g_autoptr(GBytes) file = chiaro_test_read_fixture ("gemini/js-genai-recordings", name);
  JsonObject *response;
  JsonArray *interactions;

  recording->root = chiaro_test_parse_json (file);
  interactions = json_object_get_array_member (json_node_get_object (recording->root),
                                               "interactions");
  response = json_object_get_object_member (json_array_get_object_element (interactions, 0),
                                            "response");
  recording->status = json_object_get_int_member (response, "statusCode");
  recording->segments = json_object_get_array_member (response, "bodySegments");
}

/* The recorded events as the server framed them: "data: <one line>" and a blank line. */
static GBytes *
recording_sse (Recording  *recording,
               const char *line_end)
{
  GString *body = g_string_new (NULL);
  gsize size;

  for (guint i = 0; i < json_array_get_length (recording->segments); i++)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *json = NULL;

      json_generator_set_root (generator, json_array_get_element (recording->segments, i));
      json = json_generator_to_data (generator, NULL);
      g_string_append_printf (body, "data: %s%s%s", json, line_end, line_end);
    }

  size = body->len;
  return g_bytes_new_take (g_string_free (body, FALSE), size);
}

/* The same events as a stream without alt=sse: one JSON array, pretty-printed. */
static GBytes *
recording_array (Recording *recording)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  gsize size;
  char *text;

  json_node_set_array (node, recording->segments);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &size);
  return g_bytes_new_take (text, size);
}

static GBytes *
recording_unary (Recording *recording)
{
  g_assert_cmpuint (json_array_get_length (recording->segments), ==, 1);
  return node_to_bytes (json_array_get_element (recording->segments, 0));
}

static void
test_recording_image_stream (void)
{
  g_auto(Recording) recording = { 0, };
  g_autoptr(GBytes) crlf = NULL;
  g_autoptr(GBytes) lf = NULL;
  g_autoptr(GBytes) array = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;
  const char *text = "I will generate an image of the Eiffel Tower at night, with a vibrant and "
                     "colorful fireworks display exploding behind it, illuminating the sky.";

  load_recording ("Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_image_output.json",
                  &recording);
  g_assert_cmpuint (recording.status, ==, 200);

  crlf = recording_sse (&recording, "\r\n");
  lf = recording_sse (&recording, "\n");
  array = recording_array (&recording);

  result = parse_stream_ok (crlf);
  g_assert_cmpuint (result->images->len, ==, 1);
  /* The real 1.3 MB answer: a whole PNG Chiaro can decode. */
  assert_image (result->images->pdata[0], "image/png", 510, 1024);
  g_assert_cmpuint (g_bytes_get_size (((ChiaroPart *) result->images->pdata[0])->data), >,
                    900000);
  g_assert_cmpstr (result->text, ==, text);
  g_assert_null (result->thoughts);
  g_assert_cmpstr (result->finish_reason, ==, "STOP");
  g_assert_cmpint (result->usage.prompt_tokens, ==, 15);
  g_assert_cmpint (result->usage.candidates_tokens, ==, 1318);
  g_assert_cmpint (result->usage.total_tokens, ==, 1333);
  g_assert_cmpint (result->usage.image_tokens, ==, 1290);
  g_assert_cmpstr (result->response_id, ==, "mS77aIOaD5qFvr0P1b_T4AY");
  g_assert_cmpuint (result->content->parts->len, ==, 4);

  /* LF framing and the JSON-array form give the same result. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(ChiaroGenerationResult) other = parse_stream_ok (i == 0 ? lf : array);
      ChiaroPart *a = result->images->pdata[0];
      ChiaroPart *b = other->images->pdata[0];

      g_assert_true (g_bytes_equal (a->data, b->data));
      g_assert_cmpstr (other->text, ==, text);
      g_assert_cmpint (other->usage.total_tokens, ==, 1333);
      g_assert_cmpuint (other->content->parts->len, ==, 4);
    }
}

static void
test_recording_vertex_stream (void)
{
  g_auto(Recording) recording = { 0, };
  g_autoptr(GBytes) verbatim = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;

  load_recording ("Client_Tests_generateContentStream_Vertex_AI_should_stream_generate_content_with_image_output.TRUNCATED.json",
                  &recording);
  g_assert_cmpuint (recording.status, ==, 200);

  /* The recorded image was truncated by the researcher: not base64. */
  verbatim = recording_sse (&recording, "\r\n");
  error = parse_stream_fail (verbatim);
  assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);

  replace_image_data (json_array_get_element (recording.segments, 3), png_alpha_b64);
  body = recording_sse (&recording, "\r\n");
  result = parse_stream_ok (body);
  assert_image (result->images->pdata[0], "image/png", 32, 32);
  g_assert_cmpstr (result->text, ==,
                   "I will generate an image of the Eiffel Tower at night, with a vibrant "
                   "display of colorful fireworks exploding in the dark sky behind it, "
                   "illuminating the iconic structure.");
  /* Counts only on the last event; the others carried trafficType alone. */
  g_assert_true (result->usage.known);
  g_assert_cmpint (result->usage.prompt_tokens, ==, 14);
  g_assert_cmpint (result->usage.candidates_tokens, ==, 291);
  g_assert_cmpint (result->usage.total_tokens, ==, 305);
  g_assert_cmpint (result->usage.image_tokens, ==, 258);
  /* The empty text part of the last event carries nothing and is dropped. */
  g_assert_cmpuint (result->content->parts->len, ==, 4);
}

static void
test_recording_text_answers (void)
{
  static const struct
  {
    const char     *name;
    gboolean        stream;
    ChiaroApiError  code;
    const char     *reason;
    const char     *in_message;
  } cases[] = {
    { "Chats_Tests_sendMessage_Google_AI_with_history.json", FALSE, CHIARO_API_ERROR_NO_IMAGE,
      "STOP", "“a + b = 5 + 10 = 15”" },
    { "Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_specified_parameters.json",
      TRUE, CHIARO_API_ERROR_MAX_TOKENS, "MAX_TOKENS", "ran out of room" },
    { "Client_Tests_generateContent_ML_Dev_should_generate_content_with_specified_parameters.json",
      FALSE, CHIARO_API_ERROR_MAX_TOKENS, "MAX_TOKENS", "ran out of room" },
    { "Client_Tests_generateContent_ML_Dev_should_generate_content_with_system_instruction.json",
      FALSE, CHIARO_API_ERROR_NO_IMAGE, "STOP", "“low”" },
    { "Client_Tests_generateContent_ML_Dev_should_return_the_headers_in_the_sdkHttpResponse_by_default.json",
      FALSE, CHIARO_API_ERROR_MAX_TOKENS, "MAX_TOKENS", "ran out of room" },
    { "Client_Tests_test_thinking_generate_content_should_return_thought_field.json", FALSE,
      CHIARO_API_ERROR_MAX_TOKENS, "MAX_TOKENS", "ran out of room" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Recording) recording = { 0, };
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].name);
      load_recording (cases[i].name, &recording);
      g_assert_cmpuint (recording.status, ==, 200);

      body = cases[i].stream ? recording_sse (&recording, "\r\n") : recording_unary (&recording);
      error = cases[i].stream ? parse_stream_fail (body) : parse_fail (body);
      assert_api_error (error, cases[i].code, cases[i].reason, 0);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
    }
}

static void
test_recording_stream_error (void)
{
  g_auto(Recording) recording = { 0, };
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  load_recording ("Chats_Tests_sendMessage_Send_message_stream_with_error.json", &recording);
  g_assert_cmpuint (recording.status, ==, 404);

  /* A plain JSON body, though the Content-Type says event stream. */
  body = recording_unary (&recording);
  error = http_error (recording.status, "text/event-stream", body);
  assert_api_error (error, CHIARO_API_ERROR_MODEL_NOT_FOUND, "NOT_FOUND", 404);
  g_assert_nonnull (strstr (error->message, "custom-gemini-2.0-flash"));
  g_assert_false (chiaro_api_error_is_retryable (error));
}

/* Every recording has a test above. */
static void
test_fixture_recordings_covered (void)
{
  static const char * const covered[] = {
    "Chats_Tests_sendMessage_Google_AI_with_history.json",
    "Chats_Tests_sendMessage_Send_message_stream_with_error.json",
    "Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_image_output.json",
    "Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_specified_parameters.json",
    "Client_Tests_generateContentStream_Vertex_AI_should_stream_generate_content_with_image_output.TRUNCATED.json",
    "Client_Tests_generateContent_ML_Dev_should_generate_content_with_specified_parameters.json",
    "Client_Tests_generateContent_ML_Dev_should_generate_content_with_system_instruction.json",
    "Client_Tests_generateContent_ML_Dev_should_return_the_headers_in_the_sdkHttpResponse_by_default.json",
    "Client_Tests_test_thinking_generate_content_should_return_thought_field.json",
    NULL
  };

  chiaro_test_assert_fixtures_are ("gemini/js-genai-recordings", covered);
}

/* Synthetic answers */

static void
test_finish_reasons (void)
{
  static const struct
  {
    const char     *reason;
    ChiaroApiError  code;
    const char     *in_message;
  } cases[] = {
    { "IMAGE_SAFETY", CHIARO_API_ERROR_IMAGE_SAFETY, "declined to draw this (image safety)" },
    { "IMAGE_PROHIBITED_CONTENT", CHIARO_API_ERROR_IMAGE_SAFETY,
      "declined to draw this (prohibited content)" },
    { "SAFETY", CHIARO_API_ERROR_REFUSED, "refused this request (safety)" },
    { "PROHIBITED_CONTENT", CHIARO_API_ERROR_REFUSED, "(prohibited content)" },
    { "BLOCKLIST", CHIARO_API_ERROR_REFUSED, "(blocked terms)" },
    { "SPII", CHIARO_API_ERROR_REFUSED, "(personal information)" },
    { "LANGUAGE", CHIARO_API_ERROR_REFUSED, "(unsupported language)" },
    { "RECITATION", CHIARO_API_ERROR_RECITATION, "existing material" },
    { "IMAGE_RECITATION", CHIARO_API_ERROR_RECITATION, "existing images" },
    { "NO_IMAGE", CHIARO_API_ERROR_NO_IMAGE, "did not produce an image" },
    { "MAX_TOKENS", CHIARO_API_ERROR_MAX_TOKENS, "ran out of room" },
    { "MISSING_THOUGHT_SIGNATURE", CHIARO_API_ERROR_MISSING_SIGNATURE, "new conversation" },
    { "IMAGE_OTHER", CHIARO_API_ERROR_MODEL_FAILED, "could not finish the image for this" },
    { "OTHER", CHIARO_API_ERROR_MODEL_FAILED, "could not finish" },
    { "MALFORMED_RESPONSE", CHIARO_API_ERROR_MODEL_FAILED, "malformed" },
    { "UNEXPECTED_TOOL_CALL", CHIARO_API_ERROR_MODEL_FAILED, "could not finish" },
    { "TOO_MANY_TOOL_CALLS", CHIARO_API_ERROR_MODEL_FAILED, "could not finish" },
    { "MALFORMED_FUNCTION_CALL", CHIARO_API_ERROR_MODEL_FAILED, "could not finish" },
    { "FINISH_REASON_UNSPECIFIED", CHIARO_API_ERROR_MODEL_FAILED, "could not finish" },
    { "A_REASON_FROM_THE_FUTURE", CHIARO_API_ERROR_MODEL_FAILED, "could not finish" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bare = chiaro_test_bytes_printf ("{\"candidates\":[{\"content\":{\"parts\":null},"
                                             "\"finishReason\":\"%s\"}]}", cases[i].reason);
      g_autoptr(GBytes) with_message = chiaro_test_bytes_printf ("{\"candidates\":[{\"finishReason\":\"%s\","
                                                     "\"finishMessage\":\"Why it stopped.\"}]}",
                                                     cases[i].reason);
      g_autoptr(GBytes) with_text = response_with_parts ("{\"text\":\"Some words.\"}",
                                                         cases[i].reason);
      g_autoptr(GError) error = NULL;
      g_autofree char *detail = NULL;

      g_test_message ("%s", cases[i].reason);

      error = parse_fail (bare);
      assert_api_error (error, cases[i].code, cases[i].reason, 0);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
      detail = g_strdup_printf ("finishReason %s", cases[i].reason);
      g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, detail);
      g_clear_error (&error);
      g_clear_pointer (&detail, g_free);

      error = parse_fail (with_message);
      assert_api_error (error, cases[i].code, cases[i].reason, 0);
      detail = g_strdup_printf ("finishReason %s: Why it stopped.", cases[i].reason);
      g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, detail);
      g_clear_error (&error);

      /* The reason explains more than the text does. */
      error = parse_fail (with_text);
      assert_api_error (error, cases[i].code, cases[i].reason, 0);
    }
}

static void
test_text_only (void)
{
  g_autoptr(GBytes) body = response_with_parts ("{\"text\":\"I can't edit photos of people.\","
                                                "\"thoughtSignature\":\"c2ln\"}", "STOP");
  g_autoptr(GError) error = parse_fail (body);
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autoptr(GBytes) long_body = NULL;
  g_autoptr(GError) long_error = NULL;
  g_autofree char *long_part = NULL;
  g_autoptr(GBytes) no_reason = response_with_parts ("{\"text\":\"Sure!\"}", NULL);
  g_autoptr(GError) no_reason_error = parse_fail (no_reason);
  const char *quote;

  assert_api_error (error, CHIARO_API_ERROR_NO_IMAGE, "STOP", 0);
  g_assert_cmpstr (error->message, ==,
                   "The model replied with text instead of an image: “I can't edit photos of "
                   "people.”");
  g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, "I can't edit photos of people.");
  g_assert_true (chiaro_api_error_is_retryable (error));

  assert_api_error (no_reason_error, CHIARO_API_ERROR_NO_IMAGE, NULL, 0);
  g_assert_nonnull (strstr (no_reason_error->message, "“Sure!”"));

  /* A long answer is quoted short, on a character boundary. */
  for (guint i = 0; i < 100; i++)
    g_string_append (long_text, "Ça déborde\\n ");
  long_part = g_strdup_printf ("{\"text\":\"%s\"}", long_text->str);
  long_body = response_with_parts (long_part, "STOP");
  long_error = parse_fail (long_body);
  assert_api_error (long_error, CHIARO_API_ERROR_NO_IMAGE, "STOP", 0);
  quote = strstr (long_error->message, "“");
  g_assert_nonnull (quote);
  g_assert_true (g_str_has_suffix (long_error->message, "…”"));
  g_assert_cmpuint (g_utf8_strlen (quote, -1), <=, 160 + 3);
  g_assert_null (strchr (long_error->message, '\n'));
}

static void
test_nothing_inside (void)
{
  static const char * const bodies[] = {
    "{\"candidates\":[{\"content\":{\"role\":\"model\"},\"finishReason\":\"STOP\"}]}",
    "{\"candidates\":[{\"content\":{\"parts\":null},\"finishReason\":\"STOP\"}]}",
    "{\"candidates\":[{\"content\":{},\"finishReason\":\"STOP\"}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[]}}]}",
    "{\"candidates\":[{\"finishReason\":\"STOP\"}]}",
    "{\"candidates\":[{\"content\":null}]}",
    "{\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\":5}}",
    "{\"usageMetadata\":{\"promptTokenCount\":5},\"modelVersion\":\"x\"}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}]},\"finishReason\":\"STOP\"}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\"}}]}}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GBytes) body = chiaro_test_bytes_from_string (bodies[i]);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bodies[i]);
      error = parse_fail (body);
      g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_NO_IMAGE);
      g_assert_cmpstr (error->message, ==, "The model sent no image. Try again.");
    }
}

static void
test_not_a_response (void)
{
  static const struct
  {
    const char *body;
    const char *message_start;
  } cases[] = {
    { "", "The server sent an empty answer" },
    { " \r\n\t ", "The server sent an empty answer" },
    { "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad "
      "Gateway</h1></body></html>", "The server sent a web page" },
    { "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Here", "The answer from the server "
      "was cut off" },
    { "{\"candidates\": [}", "The answer from the server was cut off" },
    { "not json at all", "The answer from the server was cut off" },
    { "[1, 2, 3]", "The answer from the server was not understood" },
    { "\"a string\"", "The answer from the server was not understood" },
    { "42", "The answer from the server was not understood" },
    { "null", "The answer from the server was not understood" },
    { "{}", "The answer from the server was not understood" },
    { "{\"foo\": {\"bar\": 1}}", "The answer from the server was not understood" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = chiaro_test_bytes_from_string (cases[i].body);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].body);
      error = parse_fail (body);
      assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);
      g_assert_true (g_str_has_prefix (error->message, cases[i].message_start));
      assert_safe_detail (error);
      g_assert_true (chiaro_api_error_is_retryable (error));
    }

  /* The web page's detail is its text without the tags. */
  {
    g_autoptr(GBytes) body = chiaro_test_bytes_from_string (cases[2].body);
    g_autoptr(GError) error = parse_fail (body);

    g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, "502 Bad Gateway Bad Gateway");
  }
}

/* Large bodies are parsed with their long strings set aside (see chiaro-wire-util.c); every
 * kind of string must still come back exactly. */
static void
test_large_strings (void)
{
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autoptr(GString) escaped = g_string_new (NULL);
  g_autoptr(GString) escaped_json = g_string_new (NULL);
  g_autoptr(GString) accented = g_string_new (NULL);
  g_autoptr(GString) slashed = g_string_new (NULL);
  g_autoptr(GString) long_key = g_string_new (NULL);
  const char *markers[] = { "ordinary", "\\u0001chiaro-lift:0" };

  for (guint i = 0; i < 1000; i++)
    {
      g_string_append (plain, "plain words ");
      g_string_append (escaped, "line \"quoted\"\n");
      g_string_append (escaped_json, "line \\\"quoted\\\"\\n");
      g_string_append (accented, "éà ");
      g_string_append (long_key, "key");
    }
  for (const char *p = jpeg_b64; *p != '\0'; p++)
    {
      if (*p == '/')
        g_string_append (slashed, "\\/");
      else
        g_string_append_c (slashed, *p);
    }

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      g_autofree char *parts =
        g_strdup_printf ("{\"text\":\"%s\"},{\"text\":\"%s\"},{\"text\":\"%s\"},"
                         "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"%s\"},"
                         "\"partMetadata\":{\"%s\":\"%s\"}},"
                         "{\"text\":\"%s\"},"
                         "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"%s\"}}",
                         plain->str, escaped_json->str, accented->str, jpeg_b64, long_key->str,
                         plain->str, markers[i], slashed->str);
      g_autoptr(GBytes) body = response_with_parts (parts, "STOP");
      g_autoptr(ChiaroGenerationResult) result = NULL;
      ChiaroPart *part;

      g_test_message ("marker: %s", markers[i]);
      g_assert_cmpuint (g_bytes_get_size (body), >, 256 * 1024);
      result = parse_ok (body);
      g_assert_cmpuint (result->content->parts->len, ==, 6);
      g_assert_cmpstr (((ChiaroPart *) result->content->parts->pdata[0])->text, ==, plain->str);
      g_assert_cmpstr (((ChiaroPart *) result->content->parts->pdata[1])->text, ==, escaped->str);
      g_assert_cmpstr (((ChiaroPart *) result->content->parts->pdata[2])->text, ==, accented->str);
      part = result->content->parts->pdata[3];
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (part->extra,
                                                                                     "partMetadata"),
                                                      long_key->str), ==, plain->str);
      g_assert_cmpuint (result->images->len, ==, 2);
      assert_image (result->images->pdata[0], "image/jpeg", 1800, 1200);
      g_assert_true (g_bytes_equal (((ChiaroPart *) result->images->pdata[0])->data,
                                    ((ChiaroPart *) result->images->pdata[1])->data));
      if (i == 1)
        g_assert_cmpstr (((ChiaroPart *) result->content->parts->pdata[4])->text, ==,
                         "\001chiaro-lift:0");
    }
}

/* A body cut in the middle of a large image: the detail shows where, not the data. */
static void
test_truncated_image_body (void)
{
  g_autofree char *part = g_strdup_printf ("{\"inlineData\":{\"mimeType\":\"image/jpeg\","
                                           "\"data\":\"%s\"}}", jpeg_b64);
  g_autoptr(GBytes) whole = response_with_parts (part, "STOP");
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (whole, 0, g_bytes_get_size (whole) / 2);
  g_autoptr(GError) error = parse_fail (cut);
  g_autoptr(GError) stream_error = NULL;
  g_autofree char *sse = g_strdup_printf ("data: %.*s", (int) g_bytes_get_size (cut),
                                          (const char *) g_bytes_get_data (cut, NULL));
  g_autoptr(GBytes) sse_body = chiaro_test_bytes_from_string (sse);

  assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);
  assert_safe_detail (error);
  g_assert_cmpuint (strlen (chiaro_api_error_get_detail (error)), <, 500);
  g_assert_nonnull (strstr (chiaro_api_error_get_detail (error), "[…]"));

  stream_error = parse_stream_fail (sse_body);
  assert_api_error (stream_error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);
  assert_safe_detail (stream_error);
}

static void
test_several_images (void)
{
  g_autofree char *parts =
    g_strdup_printf ("{\"text\":\"First a draft.\"},"
                     "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"},"
                     "\"thoughtSignature\":\"QQ==\"},"
                     "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"%s\"},"
                     "\"thoughtSignature\":\"Qg==\"},"
                     "{\"text\":\"And the final one.\"},"
                     "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"},"
                     "\"thoughtSignature\":\"Qw==\"}",
                     png_b64, jpeg_b64, png_alpha_b64);
  g_autoptr(GBytes) body = response_with_parts (parts, "STOP");
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);
  ChiaroPart *final = chiaro_generation_result_get_final_image (result);
  g_autoptr(GBytes) alpha = chiaro_test_read_fixture ("images/pngsuite", "basn6a08.png");

  g_assert_cmpuint (result->images->len, ==, 3);
  g_assert_cmpuint (result->thought_images->len, ==, 0);
  assert_image (result->images->pdata[0], "image/png", 32, 32);
  assert_image (result->images->pdata[1], "image/jpeg", 1800, 1200);
  g_assert_true (final == result->images->pdata[2]);
  g_assert_true (g_bytes_equal (final->data, alpha));
  g_assert_cmpstr (final->thought_signature, ==, "Qw==");
  g_assert_cmpstr (result->text, ==, "First a draft.\n\nAnd the final one.");
  g_assert_cmpuint (result->content->parts->len, ==, 5);
  /* The images in the result are the parts of the content, not copies. */
  g_assert_true (result->content->parts->pdata[4] == final);
}

static void
test_thought_images (void)
{
  g_autofree char *parts =
    g_strdup_printf ("{\"text\":\"**Sketching**\\n\\nA first composition.\",\"thought\":true},"
                     "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"},"
                     "\"thought\":true},"
                     "{\"text\":\"**Refining**\\n\\nWarmer light.\",\"thought\":true},"
                     "{\"text\":\"Here it is.\",\"thoughtSignature\":\"U0lH\"},"
                     "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"%s\"},"
                     "\"thoughtSignature\":\"U0lHMg==\"}",
                     png_b64, jpeg_b64);
  g_autoptr(GBytes) body = response_with_parts (parts, "STOP");
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);
  g_autofree char *draft_parts =
    g_strdup_printf ("{\"text\":\"Thinking\",\"thought\":true},"
                     "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"},"
                     "\"thought\":true}", png_b64);
  g_autoptr(GBytes) drafts_only = response_with_parts (draft_parts, "STOP");
  g_autoptr(GError) error = parse_fail (drafts_only);

  g_assert_cmpuint (result->images->len, ==, 1);
  g_assert_cmpuint (result->thought_images->len, ==, 1);
  assert_image (result->thought_images->pdata[0], "image/png", 32, 32);
  assert_image (result->images->pdata[0], "image/jpeg", 1800, 1200);
  g_assert_cmpstr (result->thoughts, ==, "**Sketching**\n\nA first composition.\n\n"
                                          "**Refining**\n\nWarmer light.");
  g_assert_cmpstr (result->text, ==, "Here it is.");

  /* Drafts are not an answer. */
  assert_api_error (error, CHIARO_API_ERROR_NO_IMAGE, "STOP", 0);
  g_assert_nonnull (strstr (error->message, "draft"));
}

static void
test_mislabelled_image (void)
{
  g_autofree char *parts =
    g_strdup_printf ("{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"}}", jpeg_b64);
  g_autoptr(GBytes) body = response_with_parts (parts, "STOP");
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);
  ChiaroPart *image = chiaro_generation_result_get_final_image (result);

  /* The label is kept for sending it back; the bytes say what to save. */
  g_assert_cmpstr (image->mime_type, ==, "image/png");
  assert_image (image, "image/jpeg", 1800, 1200);
}

static void
test_unreadable_images (void)
{
  g_autofree char *text_b64 = g_base64_encode ((const guchar *) "just some text", 14);
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autofree char *cut_png_b64 = g_base64_encode (g_bytes_get_data (png, NULL),
                                                  g_bytes_get_size (png) - 20);
  static const char *kinds[] = { "not an image", "empty", "cut short" };
  const char *datas[] = { text_b64, "", cut_png_b64 };
  const char *details[] = {
    "image data in no known format", "empty image data", "image data cut short"
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *bad = g_strdup_printf ("{\"inlineData\":{\"mimeType\":\"image/png\","
                                              "\"data\":\"%s\"}}", datas[i]);
      g_autofree char *bad_then_good =
        g_strdup_printf ("{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"}},%s",
                         png_b64, bad);
      g_autoptr(GBytes) alone = response_with_parts (bad, "STOP");
      g_autoptr(GBytes) with_good = response_with_parts (bad_then_good, "STOP");
      g_autoptr(GError) error = NULL;
      g_autoptr(ChiaroGenerationResult) result = NULL;

      g_test_message ("%s", kinds[i]);
      error = parse_fail (alone);
      assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, "STOP", 0);
      g_assert_cmpstr (error->message, ==, "The model sent an image Chiaro cannot read. Try again.");
      g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, details[i]);

      /* Another image is readable: the unreadable one is left out of the images, and kept in
       * the content that goes back to the model. */
      result = parse_ok (with_good);
      g_assert_cmpuint (result->images->len, ==, 1);
      assert_image (result->images->pdata[0], "image/png", 32, 32);
      g_assert_cmpuint (result->content->parts->len, ==, 2);
    }

  /* Not base64 at all. */
  {
    g_autoptr(GBytes) body = response_with_parts ("{\"inlineData\":{\"mimeType\":\"image/png\","
                                                  "\"data\":\"iVBOR%%%%w0K\"}}", "STOP");
    g_autoptr(GBytes) missing = response_with_parts ("{\"inlineData\":{\"mimeType\":\"image/png\"}}",
                                                     "STOP");
    g_autoptr(GError) error = parse_fail (body);
    g_autoptr(GError) missing_error = parse_fail (missing);

    assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);
    assert_api_error (missing_error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);
  }
}

/* Members Chiaro does not know, wherever they are, change nothing; a part's unknown members
 * stay with the part for the next request. */
static void
test_unknown_fields (void)
{
  g_autoptr(GBytes) body =
    chiaro_test_bytes_printf ("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
                  "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\",\"future\":1},"
                  "\"partMetadata\":{\"k\":\"v\"},\"thoughtSignature\":\"c2lnbmF0dXJl\"}],"
                  "\"newContentField\":[1,2]},\"finishReason\":\"STOP\",\"index\":0,"
                  "\"safetyRatings\":null,\"citationMetadata\":{\"citations\":[]},"
                  "\"avgLogprobs\":-0.5,\"finishMessage\":\"fine\"}],"
                  "\"promptFeedback\":{\"safetyRatings\":null},"
                  "\"usageMetadata\":{\"promptTokenCount\":10,\"candidatesTokenCount\":1290,"
                  "\"totalTokenCount\":1300,\"trafficType\":\"ON_DEMAND\","
                  "\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":10}],"
                  "\"candidatesTokensDetails\":[{\"modality\":\"IMAGE\",\"tokenCount\":1000},"
                  "{\"modality\":\"TEXT\",\"tokenCount\":40},{\"modality\":\"IMAGE\","
                  "\"tokenCount\":\"250\"}],\"cachedContentTokenCount\":4},"
                  "\"modelVersion\":\"m\",\"responseId\":\"r\",\"turnToken\":\"v1:x\","
                  "\"modelStatus\":{\"modelStage\":\"PREVIEW\"},\"createTime\":\"2026\"}",
                  png_b64);
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);
  ChiaroPart *image = chiaro_generation_result_get_final_image (result);

  assert_image (image, "image/png", 32, 32);
  g_assert_cmpstr (image->thought_signature, ==, "c2lnbmF0dXJl");
  g_assert_nonnull (image->extra);
  g_assert_true (json_object_has_member (image->extra, "partMetadata"));
  g_assert_cmpstr (result->finish_message, ==, "fine");
  g_assert_cmpint (result->usage.image_tokens, ==, 1250);
  g_assert_cmpint (result->usage.cached_tokens, ==, 4);
  g_assert_cmpint (result->usage.total_tokens, ==, 1300);
}

/* Proto field names, as some proxies write them. */
static void
test_snake_case (void)
{
  g_autoptr(GBytes) body =
    chiaro_test_bytes_printf ("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
                  "{\"text\":\"Done.\",\"thought_signature\":\"YQ==\"},"
                  "{\"inline_data\":{\"mime_type\":\"image/png\",\"data\":\"%s\"},"
                  "\"thought_signature\":\"Yg==\"}]},\"finish_reason\":\"STOP\","
                  "\"grounding_metadata\":{\"web_search_queries\":[\"q\"],"
                  "\"grounding_chunks\":[{\"web\":{\"uri\":\"https://a.example\"}}]}}],"
                  "\"usage_metadata\":{\"prompt_token_count\":3,\"candidates_token_count\":4,"
                  "\"total_token_count\":7,\"thoughts_token_count\":2,"
                  "\"candidates_tokens_details\":[{\"modality\":\"IMAGE\",\"token_count\":4}]},"
                  "\"model_version\":\"mv\",\"response_id\":\"ri\"}", png_b64);
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);

  g_assert_cmpstr (result->text, ==, "Done.");
  g_assert_cmpstr (((ChiaroPart *) result->content->parts->pdata[0])->thought_signature, ==, "YQ==");
  g_assert_cmpstr (((ChiaroPart *) result->images->pdata[0])->mime_type, ==, "image/png");
  g_assert_cmpstr (((ChiaroPart *) result->images->pdata[0])->thought_signature, ==, "Yg==");
  g_assert_cmpstr (result->finish_reason, ==, "STOP");
  g_assert_cmpint (result->usage.prompt_tokens, ==, 3);
  g_assert_cmpint (result->usage.candidates_tokens, ==, 4);
  g_assert_cmpint (result->usage.thoughts_tokens, ==, 2);
  g_assert_cmpint (result->usage.total_tokens, ==, 7);
  g_assert_cmpint (result->usage.image_tokens, ==, 4);
  g_assert_cmpstr (result->model_version, ==, "mv");
  g_assert_cmpstr (result->response_id, ==, "ri");
  g_assert_cmpstr (result->search_queries[0], ==, "q");
  g_assert_cmpuint (result->grounding_sources->len, ==, 1);
}

static void
test_grounding (void)
{
  g_autoptr(GBytes) body =
    chiaro_test_bytes_printf ("{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":"
                  "\"image/png\",\"data\":\"%s\"}}]},\"finishReason\":\"STOP\","
                  "\"groundingMetadata\":{\"searchEntryPoint\":{\"renderedContent\":\"<div/>\"},"
                  "\"groundingChunks\":[{\"web\":{\"uri\":\"https://weather.example/tokyo\","
                  "\"title\":\"Tokyo weather\"}},{\"web\":{\"uri\":\"https://b.example\"}},"
                  "{\"web\":{\"title\":\"no uri\"}},{\"image\":{\"sourceUri\":"
                  "\"https://photos.example/p\",\"imageUri\":\"https://photos.example/i.jpg\","
                  "\"title\":\"A photo\"}},{\"maps\":{}}],"
                  "\"groundingSupports\":[],\"webSearchQueries\":[\"weather tokyo today\","
                  "\"tokyo forecast\"],\"imageSearchQueries\":[\"tokyo skyline\"]}}]}",
                  png_b64);
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);
  ChiaroGroundingSource *source;

  g_assert_cmpuint (result->grounding_sources->len, ==, 3);
  source = result->grounding_sources->pdata[0];
  g_assert_cmpstr (source->uri, ==, "https://weather.example/tokyo");
  g_assert_cmpstr (source->title, ==, "Tokyo weather");
  source = result->grounding_sources->pdata[1];
  g_assert_cmpstr (source->uri, ==, "https://b.example");
  g_assert_null (source->title);
  source = result->grounding_sources->pdata[2];
  g_assert_cmpstr (source->uri, ==, "https://photos.example/p");
  g_assert_cmpstr (source->title, ==, "A photo");
  g_assert_cmpuint (g_strv_length (result->search_queries), ==, 3);
  g_assert_cmpstr (result->search_queries[0], ==, "weather tokyo today");
  g_assert_cmpstr (result->search_queries[2], ==, "tokyo skyline");

  /* Without grounding there is nothing. */
  {
    g_autofree char *part = g_strdup_printf ("{\"inlineData\":{\"mimeType\":\"image/png\","
                                             "\"data\":\"%s\"}}", png_b64);
    g_autoptr(GBytes) plain = response_with_parts (part, "STOP");
    g_autoptr(ChiaroGenerationResult) plain_result = parse_ok (plain);

    g_assert_cmpuint (plain_result->grounding_sources->len, ==, 0);
    g_assert_null (plain_result->search_queries);
    g_assert_false (plain_result->usage.known);
  }
}

static void
test_prompt_blocked (void)
{
  static const struct
  {
    const char *reason;
    const char *message;
  } cases[] = {
    { "PROHIBITED_CONTENT", "The prompt was blocked (prohibited content). Rephrase it and try again." },
    { "BLOCKLIST", "The prompt was blocked (blocked terms). Rephrase it and try again." },
    { "IMAGE_SAFETY", "The prompt was blocked (image safety). Rephrase it and try again." },
    { "OTHER", "The prompt was blocked (other reasons). Rephrase it and try again." },
    { "NEW_REASON", "The prompt was blocked (NEW_REASON). Rephrase it and try again." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = chiaro_test_bytes_printf ("{\"promptFeedback\":{\"blockReason\":\"%s\","
                                             "\"blockReasonMessage\":\"policy text\"},"
                                             "\"usageMetadata\":{\"promptTokenCount\":9}}",
                                             cases[i].reason);
      g_autoptr(GError) error = parse_fail (body);
      g_autofree char *detail = g_strdup_printf ("blockReason %s: policy text", cases[i].reason);

      assert_api_error (error, CHIARO_API_ERROR_PROMPT_BLOCKED, cases[i].reason, 0);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, detail);
    }
}

/* An error envelope in a 200 body is mapped as if it had come with its own status. */
static void
test_error_in_200 (void)
{
  g_autoptr(GBytes) body = chiaro_test_bytes_from_string ("{\"error\":{\"code\":429,\"message\":\"Resource "
                                              "has been exhausted (e.g. check quota).\","
                                              "\"status\":\"RESOURCE_EXHAUSTED\"}}");
  g_autoptr(GBytes) array = chiaro_test_bytes_from_string ("[{\"error\":{\"code\":503,\"message\":\"The model "
                                               "is overloaded.\",\"status\":\"UNAVAILABLE\"}}]");
  g_autoptr(GBytes) status_only = chiaro_test_bytes_from_string ("{\"error\":{\"message\":\"deadline\","
                                                     "\"status\":\"DEADLINE_EXCEEDED\"}}");
  g_autoptr(GBytes) string_error = chiaro_test_bytes_from_string ("{\"error\":\"something broke\"}");
  g_autoptr(GError) error = parse_fail (body);
  g_autoptr(GError) array_error = parse_fail (array);
  g_autoptr(GError) status_error = parse_fail (status_only);
  g_autoptr(GError) string_error_error = parse_fail (string_error);

  assert_api_error (error, CHIARO_API_ERROR_RATE_LIMITED, "RESOURCE_EXHAUSTED", 429);
  g_assert_cmpstr (chiaro_api_error_get_detail (error), ==,
                   "HTTP 429 RESOURCE_EXHAUSTED: Resource has been exhausted (e.g. check quota).");
  assert_api_error (array_error, CHIARO_API_ERROR_UNAVAILABLE, "UNAVAILABLE", 503);
  assert_api_error (status_error, CHIARO_API_ERROR_TIMEOUT, "DEADLINE_EXCEEDED", 504);
  assert_api_error (string_error_error, CHIARO_API_ERROR_SERVER, NULL, 500);
  g_assert_cmpstr (chiaro_api_error_get_detail (string_error_error), ==,
                   "HTTP 500: something broke");
}

/* Streams */

static GBytes *
image_event (const char *base64,
             const char *signature)
{
  return chiaro_test_bytes_printf ("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
                       "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"}%s%s%s}]},"
                       "\"index\":0}]}", base64,
                       signature != NULL ? ",\"thoughtSignature\":\"" : "",
                       signature != NULL ? signature : "", signature != NULL ? "\"" : "");
}

static void
test_stream_merge (void)
{
  g_autoptr(GBytes) image = image_event (png_b64, "SU1H");
  g_autoptr(GBytes) body =
    chiaro_test_bytes_printf (": keep-alive\r\n\r\n"
                  "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
                  "\"**Plan**\\n\\nLay out\",\"thought\":true}]}}],\"usageMetadata\":"
                  "{\"promptTokenCount\":5,\"totalTokenCount\":5}}\r\n\r\n"
                  "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
                  "\" the scene.\",\"thought\":true}]}}]}\r\n\r\n"
                  "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
                  "\"Here\",\"thoughtSignature\":\"VFhU\"}]}}]}\r\n\r\n"
                  "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
                  "\" you go.\"}]}}]}\r\n\r\n"
                  "data: %s\r\n\r\n"
                  "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
                  "\"\",\"thoughtSignature\":\"TEFTVA==\"}]},\"finishReason\":\"STOP\"}],"
                  "\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":1300,"
                  "\"totalTokenCount\":1305,\"candidatesTokensDetails\":[{\"modality\":\"IMAGE\","
                  "\"tokenCount\":1290}]},\"modelVersion\":\"gemini-3-pro-image-preview\","
                  "\"responseId\":\"abc\"}\r\n\r\n"
                  "data: [DONE]\r\n\r\n",
                  (const char *) g_bytes_get_data (image, NULL));
  g_autoptr(ChiaroGenerationResult) result = parse_stream_ok (body);
  ChiaroPart *last;

  g_assert_cmpstr (result->thoughts, ==, "**Plan**\n\nLay out the scene.");
  g_assert_cmpstr (result->text, ==, "Here you go.");
  g_assert_cmpuint (result->images->len, ==, 1);
  g_assert_cmpstr (((ChiaroPart *) result->images->pdata[0])->thought_signature, ==, "SU1H");
  /* Parts as sent; the signature on the last, empty part is kept. */
  g_assert_cmpuint (result->content->parts->len, ==, 6);
  g_assert_cmpstr (((ChiaroPart *) result->content->parts->pdata[2])->thought_signature, ==, "VFhU");
  last = result->content->parts->pdata[5];
  g_assert_cmpint (last->kind, ==, CHIARO_PART_TEXT);
  g_assert_cmpstr (last->text, ==, "");
  g_assert_cmpstr (last->thought_signature, ==, "TEFTVA==");
  g_assert_cmpstr (result->finish_reason, ==, "STOP");
  g_assert_cmpint (result->usage.candidates_tokens, ==, 1300);
  g_assert_cmpint (result->usage.total_tokens, ==, 1305);
  g_assert_cmpint (result->usage.image_tokens, ==, 1290);
  g_assert_cmpstr (result->model_version, ==, "gemini-3-pro-image-preview");
  g_assert_cmpstr (result->response_id, ==, "abc");
}

/* The incremental API: parts come out as each event arrives. */
static void
test_stream_events (void)
{
  g_autoptr(ChiaroGeminiStream) stream = chiaro_gemini_stream_new ();
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_part_unref);
  g_autoptr(GBytes) first = chiaro_test_bytes_from_string ("{\"candidates\":[{\"content\":{\"parts\":["
                                               "{\"text\":\"Thinking\",\"thought\":true}]}}]}");
  g_autoptr(GBytes) second = image_event (png_b64, NULL);
  g_autoptr(GBytes) bad = chiaro_test_bytes_from_string ("{\"candidates\":");
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;

  g_assert_true (chiaro_gemini_stream_add_event (stream, first, parts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (parts->len, ==, 1);
  g_assert_true (((ChiaroPart *) parts->pdata[0])->thought);
  g_assert_cmpstr (((ChiaroPart *) parts->pdata[0])->text, ==, "Thinking");

  g_ptr_array_set_size (parts, 0);
  g_assert_true (chiaro_gemini_stream_add_event (stream, second, parts, &error));
  g_assert_cmpuint (parts->len, ==, 1);
  g_assert_cmpint (((ChiaroPart *) parts->pdata[0])->kind, ==, CHIARO_PART_IMAGE);

  result = chiaro_gemini_stream_finish (stream, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->images->len, ==, 1);
  g_assert_cmpstr (result->thoughts, ==, "Thinking");

  g_assert_false (chiaro_gemini_stream_add_event (stream, bad, NULL, &error));
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_BAD_RESPONSE);

  chiaro_gemini_stream_free (NULL);
}

static void
test_stream_failures (void)
{
  g_autoptr(GBytes) image = image_event (png_b64, NULL);
  const char *image_json = g_bytes_get_data (image, NULL);
  g_autofree char *mid_error = g_strdup_printf (
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Working\"}]}}]}\n\n"
    "{\"error\": {\"code\": 500, \"message\": \"Internal error encountered.\", "
    "\"status\": \"INTERNAL\"}}\n\n"
    "data: %s\n\n", image_json);
  g_autofree char *pretty_error = g_strdup_printf (
    "data: %s\r\n\r\n"
    "{\r\n  \"error\": {\r\n    \"code\": 503,\r\n    \"status\": \"UNAVAILABLE\"\r\n  }\r\n}\r\n",
    image_json);
  g_autofree char *data_error = g_strdup (
    "data: {\"error\": {\"code\": 400, \"message\": \"Unable to submit request because it has "
    "an invalid thought signature for content at index 1\", \"status\": \"INVALID_ARGUMENT\"}}"
    "\r\n\r\n");
  g_autofree char *cut = g_strdup_printf ("data: %s\r\n\r\ndata: {\"candidates\":[{\"fini",
                                          image_json);
  struct
  {
    const char     *body;
    ChiaroApiError  code;
    int             http_status;
  } cases[] = {
    { mid_error, CHIARO_API_ERROR_SERVER, 500 },
    { pretty_error, CHIARO_API_ERROR_UNAVAILABLE, 503 },
    { data_error, CHIARO_API_ERROR_MISSING_SIGNATURE, 400 },
    { cut, CHIARO_API_ERROR_BAD_RESPONSE, 0 },
    { ": only\r\n: comments\r\n\r\n", CHIARO_API_ERROR_BAD_RESPONSE, 0 },
    { "event: ping\n\n", CHIARO_API_ERROR_BAD_RESPONSE, 0 },
    { "", CHIARO_API_ERROR_BAD_RESPONSE, 0 },
    { "<html><body>Sign in to the Wi-Fi</body></html>", CHIARO_API_ERROR_BAD_RESPONSE, 0 },
    { "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"No.\"}]},"
      "\"finishReason\":\"STOP\"}]}\n\n", CHIARO_API_ERROR_NO_IMAGE, 0 },
    { "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hm\"}]}}]}\n\n"
      "data: {\"candidates\":[{\"finishReason\":\"IMAGE_SAFETY\"}]}\n\n",
      CHIARO_API_ERROR_IMAGE_SAFETY, 0 },
    { "data: {\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}\n\n",
      CHIARO_API_ERROR_PROMPT_BLOCKED, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = chiaro_test_bytes_from_string (cases[i].body);
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      error = parse_stream_fail (body);
      g_assert_error (error, CHIARO_API_ERROR, cases[i].code);
      g_assert_cmpint (chiaro_api_error_get_http_status (error), ==, cases[i].http_status);
      assert_safe_detail (error);
    }
}

/* HTTP errors beyond the fixtures */

static void
test_http_errors (void)
{
  static const struct
  {
    guint           status;
    const char     *content_type;
    const char     *body;
    ChiaroApiError  code;
    const char     *reason;
    const char     *detail;
  } cases[] = {
    { 502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><center>"
      "<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
      CHIARO_API_ERROR_SERVER, NULL, "HTTP 502 (text/html): 502 Bad Gateway 502 Bad Gateway nginx" },
    { 503, NULL, "", CHIARO_API_ERROR_UNAVAILABLE, NULL, "HTTP 503: " },
    { 504, "text/plain", "upstream request timeout", CHIARO_API_ERROR_TIMEOUT, NULL,
      "HTTP 504 (text/plain): upstream request timeout" },
    { 408, NULL, NULL, CHIARO_API_ERROR_TIMEOUT, NULL, "HTTP 408: " },
    { 500, NULL, "{\"unexpected\": true}", CHIARO_API_ERROR_SERVER, NULL,
      "HTTP 500: {\"unexpected\": true}" },
    { 520, NULL, "", CHIARO_API_ERROR_SERVER, NULL, "HTTP 520: " },
    { 402, NULL, "{\"error\":{\"code\":402,\"message\":\"Your prepayment credits are depleted.\","
      "\"status\":\"RESOURCE_EXHAUSTED\"}}", CHIARO_API_ERROR_QUOTA_EXHAUSTED, "RESOURCE_EXHAUSTED",
      "HTTP 402 RESOURCE_EXHAUSTED: Your prepayment credits are depleted." },
    { 401, NULL, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication "
      "credentials.\",\"status\":\"UNAUTHENTICATED\"}}", CHIARO_API_ERROR_UNAUTHORIZED,
      "UNAUTHENTICATED", NULL },
    { 418, NULL, "I'm a teapot", CHIARO_API_ERROR_INVALID_REQUEST, NULL, "HTTP 418: I'm a teapot" },
    { 400, NULL, "{\"error\":{\"code\":400,\"message\":\"User location is not supported for the "
      "API use.\",\"status\":\"FAILED_PRECONDITION\"}}", CHIARO_API_ERROR_LOCATION_UNSUPPORTED,
      "FAILED_PRECONDITION", NULL },
    { 400, NULL, "{\"error\":{\"code\":400,\"message\":\"Unable to submit request because it has "
      "an invalid thought signature for content at index 1\",\"status\":\"INVALID_ARGUMENT\"}}",
      CHIARO_API_ERROR_MISSING_SIGNATURE, "INVALID_ARGUMENT", NULL },
    { 400, NULL, "{\"error\":{\"code\":400,\"message\":\"API key expired. Please renew the API "
      "key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/"
      "google.rpc.ErrorInfo\",\"reason\":\"API_KEY_EXPIRED\",\"domain\":\"googleapis.com\"}]}}",
      CHIARO_API_ERROR_UNAUTHORIZED, "API_KEY_EXPIRED", NULL },
    { 400, NULL, "{\"error\":{\"code\":400,\"message\":\"Unable to process input image. Please "
      "retry or report in https://developers.generativeai.google/guide/troubleshooting\","
      "\"status\":\"INVALID_ARGUMENT\"}}", CHIARO_API_ERROR_INVALID_REQUEST, "INVALID_ARGUMENT",
      NULL },
    { 400, NULL, "{\"error\":{\"code\":400,\"message\":\"Model does not support the requested "
      "response modalities: image,text\",\"status\":\"INVALID_ARGUMENT\"}}",
      CHIARO_API_ERROR_UNSUPPORTED_OPTION, "INVALID_ARGUMENT", NULL },
    { 400, NULL, "{\"error\":{\"code\":400,\"message\":\"Search as tool is not enabled for "
      "models/gemini-2.5-flash-image\",\"status\":\"INVALID_ARGUMENT\"}}",
      CHIARO_API_ERROR_UNSUPPORTED_OPTION, "INVALID_ARGUMENT", NULL },
    { 400, NULL, "{\"error\":{\"code\":400,\"message\":\"* GenerateContentRequest.generation_config"
      ".image_config.image_size: must be one of 1K, 2K, 4K\",\"status\":\"INVALID_ARGUMENT\"}}",
      CHIARO_API_ERROR_UNSUPPORTED_OPTION, "INVALID_ARGUMENT", NULL },
    { 400, NULL, "{\"error\":{\"code\":400,\"message\":\"Thinking level is not supported for this "
      "model.\",\"status\":\"INVALID_ARGUMENT\"}}",
      CHIARO_API_ERROR_UNSUPPORTED_OPTION, "INVALID_ARGUMENT", NULL },
    { 400, NULL, "{\"error\":{\"code\":400,\"message\":\"Request contains an invalid argument.\","
      "\"status\":\"INVALID_ARGUMENT\"}}", CHIARO_API_ERROR_INVALID_REQUEST, "INVALID_ARGUMENT",
      "HTTP 400 INVALID_ARGUMENT: Request contains an invalid argument." },
    { 403, NULL, "{\"error\":{\"code\":403,\"message\":\"Your API key was reported as leaked. "
      "Please use another API key.\",\"status\":\"PERMISSION_DENIED\"}}",
      CHIARO_API_ERROR_PERMISSION_DENIED, "PERMISSION_DENIED", NULL },
    { 403, NULL, "{\"error\":{\"code\":403,\"message\":\"The caller does not have permission\","
      "\"status\":\"PERMISSION_DENIED\"}}", CHIARO_API_ERROR_PERMISSION_DENIED,
      "PERMISSION_DENIED", NULL },
    { 404, NULL, "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\","
      "\"status\":\"NOT_FOUND\"}}", CHIARO_API_ERROR_MODEL_NOT_FOUND, "NOT_FOUND", NULL },
    { 429, NULL, "{\"error\":{\"code\":429,\"message\":\"Resource exhausted. Please try again "
      "later.\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/"
      "google.rpc.RetryInfo\",\"retryDelay\":\"17s\"}]}}", CHIARO_API_ERROR_RATE_LIMITED,
      "RESOURCE_EXHAUSTED", NULL },
    { 499, NULL, "{\"error\":{\"code\":499,\"message\":\"The operation was cancelled.\","
      "\"status\":\"CANCELLED\"}}", CHIARO_API_ERROR_CANCELLED, "CANCELLED", NULL },
    /* In an event stream, as an event. */
    { 500, "text/event-stream", "data: {\"error\":{\"code\":500,\"message\":\"An internal error "
      "has occurred.\",\"status\":\"INTERNAL\"}}\r\n\r\n", CHIARO_API_ERROR_SERVER, "INTERNAL",
      "HTTP 500 INTERNAL: An internal error has occurred." },
    { 429, NULL, "[429 Too Many Requests] Slow down.", CHIARO_API_ERROR_RATE_LIMITED, NULL,
      "HTTP 429: Slow down." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = cases[i].body != NULL ? chiaro_test_bytes_from_string (cases[i].body) : NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: %u", i, cases[i].status);
      error = http_error (cases[i].status, cases[i].content_type, body);
      assert_api_error (error, cases[i].code, cases[i].reason, (int) cases[i].status);
      if (cases[i].detail != NULL)
        g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, cases[i].detail);
      assert_safe_detail (error);
    }
}

/* A proxy's answer holding megabytes of base64: the detail keeps neither. */
static void
test_http_error_excerpt (void)
{
  g_autoptr(GString) text = g_string_new ("Upstream said: ");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  g_autoptr(GBytes) long_body = NULL;
  g_autoptr(GError) long_error = NULL;

  g_string_append (text, jpeg_b64);
  g_string_append (text, " \x01\x02 \xff\xfe tail");
  body = g_bytes_new (text->str, text->len);
  error = http_error (502, "text/plain", body);
  assert_api_error (error, CHIARO_API_ERROR_SERVER, NULL, 502);
  g_assert_cmpstr (chiaro_api_error_get_detail (error), ==,
                   "HTTP 502 (text/plain): Upstream said: […] \xef\xbf\xbd\xef\xbf\xbd tail");

  for (guint i = 0; i < 500; i++)
    g_string_append (message, "Quota exceeded for metric X. ");
  long_body = chiaro_test_bytes_printf ("{\"error\":{\"code\":429,\"message\":\"%s\",\"status\":"
                            "\"RESOURCE_EXHAUSTED\"}}", message->str);
  long_error = http_error (429, NULL, long_body);
  assert_api_error (long_error, CHIARO_API_ERROR_RATE_LIMITED, "RESOURCE_EXHAUSTED", 429);
  assert_safe_detail (long_error);
}


/* Requests */

static ChiaroModelCatalog *catalog;

/* The node at a dotted path such as "generationConfig.imageConfig.aspectRatio" or
 * "contents.1.parts.0", or NULL. */
static guint
count_members (JsonNode   *root,
               const char *path)
{
  JsonNode *node = chiaro_test_json_get_path (root, path);

  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_size (json_node_get_object (node));
  return json_array_get_length (json_node_get_array (node));
}

static ChiaroGenerationRequest *
new_request (const char                    *model_id,
             const ChiaroGenerationOptions *options)
{
  g_autoptr(ChiaroModelInfo) info = chiaro_model_catalog_lookup (catalog, model_id);
  ChiaroGenerationRequest *request = chiaro_generation_request_new (info, options);

  chiaro_generation_request_set_model_id (request, model_id);
  return request;
}

static ChiaroContent *
user_turn (const char *text,
           GBytes     *image)
{
  ChiaroContent *content = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) text_part = chiaro_part_new_text (text);

  chiaro_content_add_part (content, text_part);
  if (image != NULL)
    {
      g_autoptr(ChiaroPart) image_part = chiaro_part_new_image (image, NULL);

      chiaro_content_add_part (content, image_part);
    }
  return content;
}

/* Builds the body and parses it back; also checks it is compact and never asks for more
 * than one candidate. */
static JsonNode *
build (ChiaroGenerationRequest *request,
       gboolean                 elide_data)
{
  g_autoptr(GBytes) body = chiaro_gemini_build_body (request, elide_data);
  const char *text;

  g_assert_nonnull (body);
  text = g_bytes_get_data (body, NULL);
  g_assert_null (memchr (text, '\n', g_bytes_get_size (body)));
  g_assert_null (g_strstr_len (text, g_bytes_get_size (body), "candidateCount"));
  return chiaro_test_parse_json (body);
}

static JsonNode *
build_with (const char                    *model_id,
            const ChiaroGenerationOptions *options)
{
  g_autoptr(ChiaroGenerationRequest) request = new_request (model_id, options);
  g_autoptr(ChiaroContent) turn = user_turn ("A lighthouse at dusk", NULL);

  chiaro_generation_request_add_content (request, turn);
  return build (request, FALSE);
}

static void
test_build_defaults (void)
{
  static const char * const models[] = {
    "gemini-3.1-flash-image", "gemini-3-pro-image", "gemini-2.5-flash-image", "my-own-model",
  };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
      g_autoptr(JsonNode) root = build_with (models[i], options);
      g_autoptr(JsonNode) expected = NULL;
      g_autoptr(GBytes) expected_json =
        chiaro_test_bytes_from_string ("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":"
                           "\"A lighthouse at dusk\"}]}],\"generationConfig\":"
                           "{\"responseModalities\":[\"TEXT\",\"IMAGE\"]}}");

      g_test_message ("%s", models[i]);
      expected = chiaro_test_parse_json (expected_json);
      g_assert_true (json_node_equal (root, expected));
    }
}

static void
test_build_options (void)
{
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(JsonNode) flash = NULL;
  g_autoptr(JsonNode) pro = NULL;
  g_autoptr(JsonNode) old = NULL;
  g_autoptr(JsonNode) unknown = NULL;

  options->aspect_ratio = g_strdup ("16:9");
  options->image_size = g_strdup ("2K");
  options->temperature = 0;
  options->top_p = 0.95;
  options->has_seed = TRUE;
  options->seed = -42;
  options->grounding = TRUE;
  options->image_search = TRUE;
  options->system_instruction = g_strdup ("You retouch product photos.");
  options->thinking_level = g_strdup ("HIGH");
  options->include_thoughts = TRUE;

  flash = build_with ("gemini-3.1-flash-image", options);
  g_assert_cmpstr (chiaro_test_json_get_string (flash, "generationConfig.imageConfig.aspectRatio"), ==, "16:9");
  g_assert_cmpstr (chiaro_test_json_get_string (flash, "generationConfig.imageConfig.imageSize"), ==, "2K");
  g_assert_cmpfloat (json_node_get_double (chiaro_test_json_get_path (flash, "generationConfig.temperature")), ==, 0);
  g_assert_cmpfloat (json_node_get_double (chiaro_test_json_get_path (flash, "generationConfig.topP")), ==, 0.95);
  g_assert_cmpint (json_node_get_int (chiaro_test_json_get_path (flash, "generationConfig.seed")), ==, -42);
  g_assert_true (json_node_get_boolean (chiaro_test_json_get_path (flash,
                                                  "generationConfig.thinkingConfig.includeThoughts")));
  g_assert_cmpstr (chiaro_test_json_get_string (flash, "generationConfig.thinkingConfig.thinkingLevel"), ==, "HIGH");
  g_assert_cmpuint (count_members (flash, "tools"), ==, 1);
  g_assert_cmpuint (count_members (flash, "tools.0.googleSearch"), ==, 1);
  g_assert_cmpuint (count_members (flash, "tools.0.googleSearch.searchTypes"), ==, 2);
  g_assert_cmpuint (count_members (flash, "tools.0.googleSearch.searchTypes.webSearch"), ==, 0);
  g_assert_cmpuint (count_members (flash, "tools.0.googleSearch.searchTypes.imageSearch"), ==, 0);
  g_assert_cmpstr (chiaro_test_json_get_string (flash, "systemInstruction.parts.0.text"), ==,
                   "You retouch product photos.");
  g_assert_cmpuint (count_members (flash, "systemInstruction"), ==, 1);
  g_assert_cmpuint (count_members (flash, "systemInstruction.parts"), ==, 1);

  /* 3 Pro always thinks (no level), searches the web only. */
  pro = build_with ("gemini-3-pro-image", options);
  g_assert_cmpstr (chiaro_test_json_get_string (pro, "generationConfig.imageConfig.imageSize"), ==, "2K");
  g_assert_cmpuint (count_members (pro, "generationConfig.thinkingConfig"), ==, 1);
  g_assert_true (json_node_get_boolean (chiaro_test_json_get_path (pro,
                                                  "generationConfig.thinkingConfig.includeThoughts")));
  g_assert_cmpuint (count_members (pro, "tools.0.googleSearch"), ==, 0);
  g_assert_nonnull (chiaro_test_json_get_path (pro, "systemInstruction"));

  /* 2.5 Flash Image: no size, no thinking, no search, no system instruction. */
  old = build_with ("gemini-2.5-flash-image", options);
  g_assert_cmpuint (count_members (old, "generationConfig.imageConfig"), ==, 1);
  g_assert_cmpstr (chiaro_test_json_get_string (old, "generationConfig.imageConfig.aspectRatio"), ==, "16:9");
  g_assert_null (chiaro_test_json_get_path (old, "generationConfig.thinkingConfig"));
  g_assert_null (chiaro_test_json_get_path (old, "tools"));
  g_assert_null (chiaro_test_json_get_path (old, "systemInstruction"));
  g_assert_nonnull (chiaro_test_json_get_path (old, "generationConfig.seed"));

  /* An id nobody listed takes everything. */
  unknown = build_with ("gemini-9-ultra-image", options);
  g_assert_cmpstr (chiaro_test_json_get_string (unknown, "generationConfig.imageConfig.imageSize"), ==, "2K");
  g_assert_cmpstr (chiaro_test_json_get_string (unknown, "generationConfig.thinkingConfig.thinkingLevel"), ==,
                   "HIGH");
  g_assert_nonnull (chiaro_test_json_get_path (unknown, "tools.0.googleSearch.searchTypes.imageSearch"));
  g_assert_nonnull (chiaro_test_json_get_path (unknown, "systemInstruction"));
}

/* Every combination of options on every kind of model, against the rules: each option is sent
 * exactly when it is set and the model offers it. */
static void
test_build_option_combinations (void)
{
  static const char * const models[] = {
    "gemini-3.1-flash-image", "gemini-3-pro-image", "gemini-2.5-flash-image", "my-own-model",
  };
  static const char * const ratios[] = { NULL, "auto", "", "4:5" };
  static const char * const sizes[] = { NULL, "512", "4K" };
  static const char * const systems[] = { NULL, "", "Keep the label legible." };
  static const char * const levels[] = { NULL, "MINIMAL" };
  guint n_checked = 0;

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autoptr(ChiaroModelInfo) info = chiaro_model_catalog_lookup (catalog, models[m]);
      const char * const *model_sizes = chiaro_model_info_get_image_sizes (info);
      ChiaroThinkingSupport thinking = chiaro_model_info_get_thinking (info);
      ChiaroGroundingSupport grounding = chiaro_model_info_get_grounding (info);
      gboolean has_sizes = model_sizes != NULL && model_sizes[0] != NULL;

      for (guint combo = 0; combo < 4 * 3 * 2 * 2 * 2 * 4 * 3 * 2 * 2; combo++)
        {
          g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
          g_autoptr(JsonNode) root = NULL;
          guint c = combo;
          gboolean want_ratio, want_size, want_level, want_thoughts, want_tools, want_types;
          gboolean want_system;

          options->aspect_ratio = g_strdup (ratios[c % 4]); c /= 4;
          options->image_size = g_strdup (sizes[c % 3]); c /= 3;
          options->temperature = c % 2 ? 1.5 : -1; c /= 2;
          options->top_p = c % 2 ? 0.5 : -1; c /= 2;
          options->has_seed = c % 2; options->seed = 7; c /= 2;
          options->grounding = c % 2; options->image_search = (c / 2) % 2; c /= 4;
          options->system_instruction = g_strdup (systems[c % 3]); c /= 3;
          options->thinking_level = g_strdup (levels[c % 2]); c /= 2;
          options->include_thoughts = c % 2;

          root = build_with (models[m], options);

          want_ratio = options->aspect_ratio != NULL && *options->aspect_ratio != '\0' &&
                       !g_str_equal (options->aspect_ratio, "auto");
          want_size = options->image_size != NULL && has_sizes;
          want_level = options->thinking_level != NULL && thinking == CHIARO_THINKING_LEVELS;
          want_thoughts = options->include_thoughts && thinking != CHIARO_THINKING_NONE;
          want_tools = options->grounding && grounding != CHIARO_GROUNDING_NONE;
          want_types = want_tools && options->image_search &&
                       grounding == CHIARO_GROUNDING_WEB_AND_IMAGE;
          want_system = options->system_instruction != NULL &&
                        *options->system_instruction != '\0' &&
                        chiaro_model_info_get_system_instruction (info);

          g_assert_cmpint (chiaro_test_json_get_path (root, "generationConfig.imageConfig.aspectRatio") != NULL, ==,
                           want_ratio);
          g_assert_cmpint (chiaro_test_json_get_path (root, "generationConfig.imageConfig.imageSize") != NULL, ==,
                           want_size);
          g_assert_cmpint (chiaro_test_json_get_path (root, "generationConfig.imageConfig") != NULL, ==,
                           want_ratio || want_size);
          g_assert_cmpint (chiaro_test_json_get_path (root, "generationConfig.temperature") != NULL, ==,
                           options->temperature >= 0);
          g_assert_cmpint (chiaro_test_json_get_path (root, "generationConfig.topP") != NULL, ==,
                           options->top_p >= 0);
          g_assert_cmpint (chiaro_test_json_get_path (root, "generationConfig.seed") != NULL, ==, options->has_seed);
          g_assert_cmpint (chiaro_test_json_get_path (root, "generationConfig.thinkingConfig.thinkingLevel") != NULL,
                           ==, want_level);
          g_assert_cmpint (chiaro_test_json_get_path (root, "generationConfig.thinkingConfig.includeThoughts") != NULL,
                           ==, want_thoughts);
          g_assert_cmpint (chiaro_test_json_get_path (root, "generationConfig.thinkingConfig") != NULL, ==,
                           want_level || want_thoughts);
          g_assert_cmpint (chiaro_test_json_get_path (root, "tools") != NULL, ==, want_tools);
          g_assert_cmpint (chiaro_test_json_get_path (root, "tools.0.googleSearch.searchTypes") != NULL, ==,
                           want_types);
          g_assert_cmpint (chiaro_test_json_get_path (root, "systemInstruction") != NULL, ==, want_system);
          g_assert_cmpuint (count_members (root, "generationConfig.responseModalities"), ==, 2);
          g_assert_cmpuint (count_members (root, ""), ==, 2 + want_tools + want_system);
          n_checked++;
        }
    }

  g_assert_cmpuint (n_checked, ==, 4 * 4 * 3 * 2 * 2 * 2 * 4 * 3 * 2 * 2);
}

static void
test_build_contents (void)
{
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(GBytes) jpeg = chiaro_test_read_fixture ("images/exif-orientation", "Landscape_1.jpg");
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = new_request ("gemini-3.1-flash-image", options);
  g_autoptr(ChiaroContent) turn = user_turn ("Put the bottle on a marble table", png);
  g_autoptr(ChiaroPart) labelled = chiaro_part_new_image (jpeg, "image/png");
  g_autoptr(ChiaroPart) label = chiaro_part_new_text ("Reference: the marble");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) elided = NULL;
  g_autoptr(JsonNode) expected = NULL;
  g_autoptr(GBytes) expected_json = NULL;

  chiaro_content_add_part (turn, label);
  chiaro_content_add_part (turn, labelled);
  chiaro_generation_request_add_content (request, turn);

  root = build (request, FALSE);
  expected_json = chiaro_test_bytes_printf ("{\"role\":\"user\",\"parts\":["
                                "{\"text\":\"Put the bottle on a marble table\"},"
                                "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"}},"
                                "{\"text\":\"Reference: the marble\"},"
                                "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"}}]}",
                                png_b64, jpeg_b64);
  expected = chiaro_test_parse_json (expected_json);
  g_assert_true (json_node_equal (chiaro_test_json_get_path (root, "contents.0"), expected));
  g_assert_cmpuint (count_members (root, "contents"), ==, 1);

  /* A dry run shows sizes, not data. */
  elided = build (request, TRUE);
  g_assert_cmpstr (chiaro_test_json_get_string (elided, "contents.0.parts.1.inlineData.data"), ==,
                   "<145 bytes>");
  g_assert_cmpstr (chiaro_test_json_get_string (elided, "contents.0.parts.3.inlineData.data"), ==,
                   "<347327 bytes>");
  g_assert_cmpstr (chiaro_test_json_get_string (elided, "contents.0.parts.0.text"), ==,
                   "Put the bottle on a marble table");
}

/* Bodies of tens of megabytes come out byte for byte. */
static void
test_build_large (void)
{
  gsize size = 12 * 1024 * 1024 + 1;
  guint8 *data = g_malloc (size);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = new_request ("gemini-3-pro-image", options);
  g_autoptr(ChiaroContent) turn = NULL;
  g_autoptr(ChiaroPart) extra = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree guchar *decoded = NULL;
  gsize decoded_size;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_test_rand_int ();
  memcpy (data, "\xff\xd8\xff", 3);
  bytes = g_bytes_new_take (data, size);
  second = g_bytes_new_from_bytes (bytes, 5, 2);

  turn = user_turn ("Upscale", bytes);
  extra = chiaro_part_new_image (second, "image/webp");
  chiaro_content_add_part (turn, extra);
  chiaro_generation_request_add_content (request, turn);

  root = build (request, FALSE);
  decoded = g_base64_decode (chiaro_test_json_get_string (root, "contents.0.parts.1.inlineData.data"),
                             &decoded_size);
  g_assert_cmpmem (decoded, decoded_size, g_bytes_get_data (bytes, NULL), size);
  g_clear_pointer (&decoded, g_free);
  decoded = g_base64_decode (chiaro_test_json_get_string (root, "contents.0.parts.2.inlineData.data"),
                             &decoded_size);
  g_assert_cmpmem (decoded, decoded_size, g_bytes_get_data (second, NULL), 2);
  g_assert_cmpstr (chiaro_test_json_get_string (root, "contents.0.parts.2.inlineData.mimeType"), ==,
                   "image/webp");
}

/* Text that happens to look like Chiaro's internal marker for image data goes out as it is. */
static void
test_build_marker_text (void)
{
  static const char * const texts[] = {
    "\001chiaro-blob:0\001", "\001chiaro-blob:1\001", "\001chiaro-blob:99\001 and more",
    "\001chiaro-blob:", "\\u0001chiaro-blob:0\\u0001",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
      g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
      g_autoptr(ChiaroGenerationRequest) request = new_request ("gemini-3-pro-image", options);
      g_autoptr(ChiaroContent) turn = user_turn (texts[i], png);
      g_autoptr(JsonNode) root = NULL;

      chiaro_generation_request_add_content (request, turn);
      root = build (request, FALSE);
      g_assert_cmpstr (chiaro_test_json_get_string (root, "contents.0.parts.0.text"), ==, texts[i]);
      g_assert_cmpstr (chiaro_test_json_get_string (root, "contents.0.parts.1.inlineData.data"), ==, png_b64);
    }
}

static GBytes *
signed_response (void)
{
  return chiaro_test_bytes_printf ("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
                       "{\"text\":\"**Composing**\\n\\nThe bottle goes left.\",\"thought\":true},"
                       "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"},"
                       "\"thought\":true},"
                       "{\"text\":\"Here is the bottle on marble.\",\"thoughtSignature\":"
                       "\"Q2lnbmF0dXJlIEE=\"},"
                       "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"},"
                       "\"thoughtSignature\":\"U2lnbmF0dXJlIEI=\",\"partMetadata\":{\"k\":[1,2]}},"
                       "{\"text\":\"Anything else?\"}]},"
                       "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":"
                       "{\"promptTokenCount\":20,\"totalTokenCount\":1400},"
                       "\"modelVersion\":\"gemini-3-pro-image-preview\"}",
                       png_alpha_b64, jpeg_b64);
}

/* What the model sent goes back exactly: every part, every signature, in order. */
static void
test_round_trip (void)
{
  g_autoptr(GBytes) answer = signed_response ();
  g_autoptr(JsonNode) answer_root = chiaro_test_parse_json (answer);
  g_autoptr(ChiaroGenerationResult) result = parse_ok (answer);
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(ChiaroContent) first = user_turn ("Put the bottle on marble", png);
  g_autoptr(ChiaroContent) next = user_turn ("Warmer light", NULL);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  const char * const ids[] = { "gemini-3-pro-image", "gemini-3-pro-image-preview" };

  g_assert_cmpstr (result->text, ==, "Here is the bottle on marble.\n\nAnything else?");
  result->content->model = g_strdup ("gemini-3-pro-image-preview");

  /* Asked under the catalog id or under the alias the turn was made with. */
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(ChiaroGenerationRequest) request = new_request (ids[i], options);
      g_autoptr(JsonNode) root = NULL;

      chiaro_generation_request_add_content (request, first);
      chiaro_generation_request_add_content (request, result->content);
      chiaro_generation_request_add_content (request, next);
      root = build (request, FALSE);

      g_assert_cmpuint (count_members (root, "contents"), ==, 3);
      g_assert_true (json_node_equal (chiaro_test_json_get_path (root, "contents.1"),
                                      chiaro_test_json_get_path (answer_root, "candidates.0.content")));
      g_assert_cmpstr (chiaro_test_json_get_string (root, "contents.2.parts.0.text"), ==, "Warmer light");
    }

  /* The recorded 1.3 MB answer of a real stream goes back the same way. */
  {
    g_auto(Recording) recording = { 0, };
    g_autoptr(GBytes) body = NULL;
    g_autoptr(ChiaroGenerationResult) streamed = NULL;
    g_autoptr(ChiaroGenerationRequest) request = new_request ("gemini-2.5-flash-image", options);
    g_autoptr(JsonNode) root = NULL;
    JsonNode *image_event;

    load_recording ("Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_image_output.json",
                    &recording);
    body = recording_sse (&recording, "\r\n");
    streamed = parse_stream_ok (body);
    chiaro_generation_request_add_content (request, streamed->content);
    root = build (request, FALSE);

    image_event = json_array_get_element (recording.segments, 3);
    g_assert_true (json_node_equal (chiaro_test_json_get_path (root, "contents.0.parts.3"),
                                    chiaro_test_json_get_path (image_event, "candidates.0.content.parts.0")));
    g_assert_cmpstr (chiaro_test_json_get_string (root, "contents.0.parts.0.text"), ==, "I");
  }
}

static ChiaroContent *
model_turn (const char *made_by,
            const char *parts_json)
{
  g_autoptr(GBytes) json = chiaro_test_bytes_printf ("{\"role\":\"model\",\"parts\":[%s]}", parts_json);
  g_autoptr(JsonNode) node = chiaro_test_parse_json (json);
  g_autoptr(GError) error = NULL;
  ChiaroContent *content = chiaro_content_new_from_json (node, &error);

  g_assert_no_error (error);
  content->model = g_strdup (made_by);
  return content;
}

/* The signature each part of the model turn goes out with, "-" for none. */
static char *
sent_signatures (const char    *model_id,
                 ChiaroContent *content)
{
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = new_request (model_id, options);
  g_autoptr(ChiaroContent) first = user_turn ("Draw a cat", NULL);
  g_autoptr(ChiaroContent) next = user_turn ("Now a hat", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  JsonArray *parts;

  chiaro_generation_request_add_content (request, first);
  chiaro_generation_request_add_content (request, content);
  chiaro_generation_request_add_content (request, next);
  root = build (request, FALSE);

  /* User turns never get one. */
  g_assert_null (chiaro_test_json_get_path (root, "contents.0.parts.0.thoughtSignature"));
  g_assert_null (chiaro_test_json_get_path (root, "contents.2.parts.0.thoughtSignature"));

  parts = json_node_get_array (chiaro_test_json_get_path (root, "contents.1.parts"));
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);
      const char *signature = json_object_has_member (part, "thoughtSignature")
        ? json_object_get_string_member (part, "thoughtSignature") : "-";

      if (g_str_equal (signature, CHIARO_SKIP_THOUGHT_SIGNATURE))
        signature = "SKIP";
      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", signature);
    }
  return g_strdup (out->str);
}

static void
test_skip_signatures (void)
{
  g_autofree char *image = g_strdup_printf ("{\"inlineData\":{\"mimeType\":\"image/png\","
                                            "\"data\":\"%s\"}", png_b64);
  g_autofree char *unsigned_parts = g_strdup_printf ("{\"text\":\"An imported picture\"},%s}",
                                                     image);
  g_autofree char *signed_parts =
    g_strdup_printf ("{\"text\":\"Thinking\",\"thought\":true},"
                     "{\"text\":\"Done\",\"thoughtSignature\":\"QQ==\"},"
                     "%s,\"thoughtSignature\":\"Qg==\"},"
                     "{\"text\":\"More words\"},"
                     "%s}", image, image);
  g_autofree char *empty_signature =
    g_strdup_printf ("{\"text\":\"Done\",\"thoughtSignature\":\"\"},%s,\"thoughtSignature\":\"\"}",
                     image);
  g_autofree char *image_first = g_strdup_printf ("%s},{\"text\":\"Caption\"}", image);
  g_autofree char *thought_image =
    g_strdup_printf ("{\"text\":\"Sketch\",\"thought\":true},%s,\"thought\":true},"
                     "{\"text\":\"Final\"},%s}", image, image);
  g_autofree char *thought_signed =
    g_strdup_printf ("{\"text\":\"Thinking\",\"thought\":true,\"thoughtSignature\":\"VA==\"},"
                     "{\"text\":\"Done\",\"thoughtSignature\":\"QQ==\"},{\"text\":\"P.S.\"}");
  struct
  {
    const char *request_model;
    const char *made_by;
    const char *parts;
    const char *expected;
  } cases[] = {
    /* A turn Chiaro made up (an imported image): the first answer part and images. */
    { "gemini-3-pro-image", NULL, unsigned_parts, "SKIP SKIP" },
    { "gemini-3.1-flash-image", NULL, unsigned_parts, "SKIP SKIP" },
    { "my-own-model", NULL, unsigned_parts, "SKIP SKIP" },
    /* The model's own turn: signatures kept; only an unsigned image gets the skip value. */
    { "gemini-3-pro-image", "gemini-3-pro-image", signed_parts, "- QQ== Qg== - SKIP" },
    { "gemini-3-pro-image", "gemini-3-pro-image-preview", signed_parts, "- QQ== Qg== - SKIP" },
    { "gemini-3-pro-image-preview", "gemini-3-pro-image", signed_parts, "- QQ== Qg== - SKIP" },
    { "gemini-3-pro-image", "models/gemini-3-pro-image", signed_parts, "- QQ== Qg== - SKIP" },
    /* Another model's turn: its signatures mean nothing here. */
    { "gemini-3.1-flash-image", "gemini-3-pro-image", signed_parts, "- SKIP SKIP - SKIP" },
    { "gemini-3-pro-image", "gemini-2.5-flash-image", unsigned_parts, "SKIP SKIP" },
    { "gemini-3.1-flash-image", "gemini-3-pro-image", thought_signed, "SKIP SKIP -" },
    /* An empty signature is no signature. */
    { "gemini-3-pro-image", "gemini-3-pro-image", empty_signature, "SKIP SKIP" },
    /* An image as the first answer part; the text after it needs nothing. */
    { "gemini-3-pro-image", NULL, image_first, "SKIP -" },
    /* Interim images are thoughts: they never carry a signature. */
    { "gemini-3-pro-image", NULL, thought_image, "- - SKIP SKIP" },
    /* Models that do not think take turns as they are. */
    { "gemini-2.5-flash-image", NULL, unsigned_parts, "- -" },
    { "gemini-2.5-flash-image", "gemini-3-pro-image", signed_parts, "- QQ== Qg== - -" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ChiaroContent) content = model_turn (cases[i].made_by, cases[i].parts);
      g_autofree char *sent = NULL;

      g_test_message ("case %u: %s", i, cases[i].expected);
      sent = sent_signatures (cases[i].request_model, content);
      g_assert_cmpstr (sent, ==, cases[i].expected);

      /* The stored turn itself is not changed. */
      for (guint j = 0; j < content->parts->len; j++)
        g_assert_cmpstr (((ChiaroPart *) content->parts->pdata[j])->thought_signature, !=,
                         CHIARO_SKIP_THOUGHT_SIGNATURE);
    }
}

/* An event stream that is not an error envelope: the detail quotes the event's payload, read
 * while that payload is still alive (found by fuzz/fuzz-gemini-response.c under ASan). */
static void
test_http_error_stream_not_envelope (void)
{
  static const char stream[] = "data: {\"candidates\": [], \"note\": \"upstream reset\"}\n\n";
  g_autoptr(GBytes) body = g_bytes_new_static (stream, strlen (stream));
  g_autoptr(GError) error = http_error (502, "text/event-stream", body);
  const char *detail = chiaro_api_error_get_detail (error);

  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_SERVER);
  g_assert_nonnull (detail);
  g_assert_nonnull (strstr (detail, "HTTP 502 (text/event-stream)"));
  g_assert_nonnull (strstr (detail, "upstream reset"));
  g_assert_null (strstr (detail, "data:"));
  assert_safe_detail (error);
}

/* The compact one-line form is not JSON, so nothing else checks its encoding: invalid UTF-8
 * in it must not reach the message (found by fuzz-gemini-response). */
static void
test_http_error_compact_not_utf8 (void)
{
  static const char text[] = "[429 Too Many Requests] You exceeded your quota \xbb\xbb, slow down.";
  g_autoptr(GBytes) body = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = http_error (429, "text/plain", body);

  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_RATE_LIMITED);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  assert_safe_detail (error);
  g_assert_nonnull (strstr (chiaro_api_error_get_detail (error), "You exceeded your quota"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  png_b64 = chiaro_test_fixture_base64 ("images/pngsuite", "basn2c08.png");
  png_alpha_b64 = chiaro_test_fixture_base64 ("images/pngsuite", "basn6a08.png");
  jpeg_b64 = chiaro_test_fixture_base64 ("images/exif-orientation", "Landscape_1.jpg");
  catalog = chiaro_model_catalog_new ();

  g_test_add_func ("/chiaro/gemini-wire/fixture/edit-nonstream", test_fixture_edit_nonstream);
  g_test_add_func ("/chiaro/gemini-wire/fixture/text-plus-image", test_fixture_text_plus_image);
  g_test_add_func ("/chiaro/gemini-wire/fixture/signature-jpeg", test_fixture_signature_jpeg);
  g_test_add_func ("/chiaro/gemini-wire/fixture/thoughts-jpeg", test_fixture_thoughts_jpeg);
  g_test_add_func ("/chiaro/gemini-wire/fixture/vertex-json-array", test_fixture_vertex_json_array);
  g_test_add_func ("/chiaro/gemini-wire/fixture/image-blocked", test_fixture_image_blocked);
  g_test_add_func ("/chiaro/gemini-wire/fixture/prompt-blocked", test_fixture_prompt_blocked);
  g_test_add_func ("/chiaro/gemini-wire/fixture/reconstructed-sse", test_fixture_reconstructed_sse);
  g_test_add_func ("/chiaro/gemini-wire/fixture/responses-covered", test_fixture_responses_covered);
  g_test_add_func ("/chiaro/gemini-wire/fixture/errors", test_fixture_errors);
  g_test_add_func ("/chiaro/gemini-wire/recording/image-stream", test_recording_image_stream);
  g_test_add_func ("/chiaro/gemini-wire/recording/vertex-stream", test_recording_vertex_stream);
  g_test_add_func ("/chiaro/gemini-wire/recording/text-answers", test_recording_text_answers);
  g_test_add_func ("/chiaro/gemini-wire/recording/stream-error", test_recording_stream_error);
  g_test_add_func ("/chiaro/gemini-wire/recording/covered", test_fixture_recordings_covered);
  g_test_add_func ("/chiaro/gemini-wire/parse/finish-reasons", test_finish_reasons);
  g_test_add_func ("/chiaro/gemini-wire/parse/text-only", test_text_only);
  g_test_add_func ("/chiaro/gemini-wire/parse/nothing-inside", test_nothing_inside);
  g_test_add_func ("/chiaro/gemini-wire/parse/not-a-response", test_not_a_response);
  g_test_add_func ("/chiaro/gemini-wire/parse/truncated-image-body", test_truncated_image_body);
  g_test_add_func ("/chiaro/gemini-wire/parse/large-strings", test_large_strings);
  g_test_add_func ("/chiaro/gemini-wire/parse/several-images", test_several_images);
  g_test_add_func ("/chiaro/gemini-wire/parse/thought-images", test_thought_images);
  g_test_add_func ("/chiaro/gemini-wire/parse/mislabelled-image", test_mislabelled_image);
  g_test_add_func ("/chiaro/gemini-wire/parse/unreadable-images", test_unreadable_images);
  g_test_add_func ("/chiaro/gemini-wire/parse/unknown-fields", test_unknown_fields);
  g_test_add_func ("/chiaro/gemini-wire/parse/snake-case", test_snake_case);
  g_test_add_func ("/chiaro/gemini-wire/parse/grounding", test_grounding);
  g_test_add_func ("/chiaro/gemini-wire/parse/prompt-blocked", test_prompt_blocked);
  g_test_add_func ("/chiaro/gemini-wire/parse/error-in-200", test_error_in_200);
  g_test_add_func ("/chiaro/gemini-wire/stream/merge", test_stream_merge);
  g_test_add_func ("/chiaro/gemini-wire/stream/events", test_stream_events);
  g_test_add_func ("/chiaro/gemini-wire/stream/failures", test_stream_failures);
  g_test_add_func ("/chiaro/gemini-wire/http/errors", test_http_errors);
  g_test_add_func ("/chiaro/gemini-wire/http/excerpt", test_http_error_excerpt);

  g_test_add_func ("/chiaro/gemini-wire/build/defaults", test_build_defaults);
  g_test_add_func ("/chiaro/gemini-wire/build/options", test_build_options);
  g_test_add_func ("/chiaro/gemini-wire/build/option-combinations", test_build_option_combinations);
  g_test_add_func ("/chiaro/gemini-wire/build/contents", test_build_contents);
  g_test_add_func ("/chiaro/gemini-wire/build/large", test_build_large);
  g_test_add_func ("/chiaro/gemini-wire/build/marker-text", test_build_marker_text);
  g_test_add_func ("/chiaro/gemini-wire/build/round-trip", test_round_trip);
  g_test_add_func ("/chiaro/gemini-wire/build/skip-signatures", test_skip_signatures);
  g_test_add_func ("/chiaro/gemini-wire/http-error/stream-not-envelope",
                   test_http_error_stream_not_envelope);
  g_test_add_func ("/chiaro/gemini-wire/http-error/compact-not-utf8",
                   test_http_error_compact_not_utf8);

  return g_test_run ();
}
