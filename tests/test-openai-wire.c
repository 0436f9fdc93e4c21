/* test-openai-wire.c — OpenAI-compatible chat/completions answers, errors and requests
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-model-catalog.h"
#include "chiaro-openai-wire.h"
#include "chiaro-test-util.h"

static ChiaroModelCatalog *catalog;
static char *png_b64;   /* 32×32 PNG */
static char *jpeg_b64;  /* 1800×1200 JPEG */

/* Helpers */

/* The fixture with the text from @from up to @to (not included) replaced by @with. */
static GBytes *
fixture_replacing (const char *name,
                   const char *from,
                   const char *to,
                   const char *with)
{
  g_autoptr(GBytes) file = chiaro_test_read_fixture ("gemini/openai-compat", name);
  g_autofree char *text = g_strndup (g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  const char *start = strstr (text, from);
  const char *end;

  g_assert_nonnull (start);
  start += strlen (from);
  end = strstr (start, to);
  g_assert_nonnull (end);
  return chiaro_test_bytes_printf ("%.*s%s%s", (int) (start - text), text, with, end);
}

static void
assert_image (ChiaroPart *part,
              const char *sniffed,
              int         width,
              int         height)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;

  g_assert_cmpint (part->kind, ==, CHIARO_PART_IMAGE);
  g_assert_cmpstr (part->sniffed_mime_type, ==, sniffed);
  gdk_pixbuf_loader_write_bytes (loader, part->data, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, height);
}

static ChiaroGenerationResult *
parse_ok (GBytes *body)
{
  g_autoptr(GError) error = NULL;
  ChiaroGenerationResult *result = chiaro_openai_parse_response (body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->images->len, >, 0);
  g_assert_nonnull (result->content);
  g_assert_cmpstr (result->content->role, ==, "model");
  return result;
}

static GError *
parse_fail (GBytes *body)
{
  GError *error = NULL;
  g_autoptr(ChiaroGenerationResult) result = chiaro_openai_parse_response (body, &error);

  g_assert_null (result);
  g_assert_nonnull (error);
  return error;
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

/* A chat completion whose message is @message (JSON text). */
static GBytes *
completion (const char *message,
            const char *finish_reason)
{
  return chiaro_test_bytes_printf ("{\"id\":\"gen-1\",\"model\":\"google/gemini-3-pro-image-preview\","
                       "\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                       "\"message\":%s,\"finish_reason\":%s}]}",
                       message, finish_reason != NULL ? finish_reason : "null");
}

static char *
data_url (const char *mime,
          const char *base64)
{
  return g_strdup_printf ("data:%s;base64,%s", mime, base64);
}

/* Fixtures */

static void
test_fixture_message_images (void)
{
  const char *name = "openrouter-response.message-images.doc-example.json";
  g_autoptr(GBytes) verbatim = chiaro_test_read_fixture ("gemini/openai-compat", name);
  g_autoptr(GError) error = parse_fail (verbatim);
  g_autoptr(GBytes) body = fixture_replacing (name, "base64,", "\"", png_b64);
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);
  ChiaroPart *image;

  /* The documentation cut the base64 with "...". */
  assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);

  g_assert_cmpuint (result->images->len, ==, 1);
  image = chiaro_generation_result_get_final_image (result);
  assert_image (image, "image/png", 32, 32);
  g_assert_cmpstr (image->mime_type, ==, "image/png");
  g_assert_cmpstr (result->text, ==, "I've generated a beautiful sunset image for you.");
  g_assert_null (result->finish_reason);
  g_assert_false (result->usage.known);
  /* The turn as it can go back: text, then the image. */
  g_assert_cmpuint (result->content->parts->len, ==, 2);
  g_assert_cmpstr (((ChiaroPart *) result->content->parts->pdata[0])->text, ==, result->text);
  g_assert_true (result->content->parts->pdata[1] == image);
}

static void
test_fixture_markdown (void)
{
  const char *name = "relay-markdown-data-url-in-content.example.json";
  g_autoptr(GBytes) verbatim = chiaro_test_read_fixture ("gemini/openai-compat", name);
  g_autoptr(GError) error = parse_fail (verbatim);
  g_autoptr(GBytes) body = fixture_replacing (name, "base64,", ")", jpeg_b64);
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);

  /* "/9j/4AAQSkZ" and then the document's note: the start of a JPEG, cut short. */
  assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, "stop", 0);
  g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, "image data cut short");

  g_assert_cmpuint (result->images->len, ==, 1);
  assert_image (result->images->pdata[0], "image/jpeg", 1800, 1200);
  g_assert_null (result->text);
  g_assert_cmpstr (result->finish_reason, ==, "stop");
  g_assert_true (result->usage.known);
  g_assert_cmpint (result->usage.prompt_tokens, ==, 263);
  g_assert_cmpint (result->usage.candidates_tokens, ==, 1393);
  g_assert_cmpint (result->usage.total_tokens, ==, 1656);
  g_assert_cmpstr (result->model_version, ==, "gemini-3-pro-image-preview");
  g_assert_cmpstr (result->response_id, ==, "chatcmpl-20260128230620820804445tzXsxNPL");
  g_assert_cmpuint (result->content->parts->len, ==, 1);
}

static void
test_fixture_stream_chunk (void)
{
  const char *name = "vercel-gateway-stream-chunk.delta-images.doc-example.json";
  g_autoptr(GBytes) verbatim = chiaro_test_read_fixture ("gemini/openai-compat", name);
  g_autoptr(GError) error = parse_fail (verbatim);
  g_autoptr(GBytes) body = fixture_replacing (name, "base64,", "\"", png_b64);
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);

  assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);

  /* A streamed chunk's delta reads like a message. */
  g_assert_cmpuint (result->images->len, ==, 1);
  assert_image (result->images->pdata[0], "image/png", 32, 32);
  g_assert_null (result->text);
  g_assert_cmpstr (result->model_version, ==, "google/gemini-3-pro-image");
  g_assert_cmpstr (result->response_id, ==, "chatcmpl-123");
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

static JsonNode *
build (ChiaroGenerationRequest *request,
       gboolean                 elide_data)
{
  g_autoptr(GBytes) body = chiaro_openai_build_body (request, elide_data);

  g_assert_nonnull (body);
  g_assert_null (memchr (g_bytes_get_data (body, NULL), '\n', g_bytes_get_size (body)));
  return chiaro_test_parse_json (body);
}

static void
test_fixture_openrouter_request (void)
{
  g_autoptr(GBytes) file = chiaro_test_read_fixture ("gemini/openai-compat",
                                         "openrouter-request.image-config.doc-example.json");
  g_autoptr(JsonNode) expected = chiaro_test_parse_json (file);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = NULL;
  g_autoptr(ChiaroContent) turn = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) text = NULL;
  g_autoptr(JsonNode) root = NULL;

  options->aspect_ratio = g_strdup ("16:9");
  options->image_size = g_strdup ("4K");
  request = new_request ("google/gemini-3-pro-image-preview", options);
  text = chiaro_part_new_text ("Create a picture of a nano banana dish in a fancy restaurant "
                               "with a Gemini theme");
  chiaro_content_add_part (turn, text);
  chiaro_generation_request_add_content (request, turn);

  /* Exactly the body OpenRouter documents. */
  root = build (request, FALSE);
  g_assert_true (json_node_equal (root, expected));
}

static void
test_fixture_google_request (void)
{
  g_autoptr(GBytes) file = chiaro_test_read_fixture ("gemini/openai-compat",
                                         "google-openai-compat-request.image-input.example.json");
  g_autofree char *text = g_strndup (g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  g_auto(GStrv) pieces = g_strsplit (text, "<BASE64>", -1);
  g_autofree char *filled = g_strjoinv (png_b64, pieces);
  g_autoptr(GBytes) filled_bytes = chiaro_test_bytes_from_string (filled);
  g_autoptr(JsonNode) expected = chiaro_test_parse_json (filled_bytes);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = new_request ("gemini-2.5-flash", options);
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(ChiaroContent) turn = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) question = chiaro_part_new_text ("Describe the items on this image.");
  g_autoptr(ChiaroPart) image = chiaro_part_new_image (png, NULL);
  g_autoptr(JsonNode) root = NULL;

  chiaro_content_add_part (turn, question);
  chiaro_content_add_part (turn, image);
  chiaro_generation_request_add_content (request, turn);
  root = build (request, FALSE);

  g_assert_cmpstr (chiaro_test_json_get_string (root, "model"), ==, "gemini-2.5-flash");
  g_assert_true (json_node_equal (chiaro_test_json_get_path (root, "messages"), chiaro_test_json_get_path (expected, "messages")));
}

static void
test_fixtures_covered (void)
{
  static const char * const covered[] = {
    "google-openai-compat-request.image-input.example.json",
    "openrouter-request.image-config.doc-example.json",
    "openrouter-response.message-images.doc-example.json",
    "relay-markdown-data-url-in-content.example.json",
    "vercel-gateway-stream-chunk.delta-images.doc-example.json",
    NULL
  };

  chiaro_test_assert_fixtures_are ("gemini/openai-compat", covered);
}

/* Where images are found */

static void
test_image_sources (void)
{
  g_autofree char *png_url = data_url ("image/png", png_b64);
  g_autofree char *jpeg_url = data_url ("image/jpeg", jpeg_b64);
  g_autofree char *images_first = g_strdup_printf (
    "{\"role\":\"assistant\",\"content\":\"Two versions: ![a](%s)\","
    "\"images\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"%s\"}},"
    "{\"type\":\"image_url\",\"image_url\":{\"url\":\"%s\"}}],"
    "\"image\":{\"url\":\"%s\"}}", png_url, jpeg_url, png_url, jpeg_url);
  g_autofree char *single = g_strdup_printf (
    "{\"role\":\"assistant\",\"content\":null,\"image\":{\"url\":\"%s\",\"detail\":\"auto\"}}",
    jpeg_url);
  g_autofree char *parts = g_strdup_printf (
    "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Here it is.\"},"
    "{\"type\":\"image_url\",\"image_url\":{\"url\":\"%s\"}},{\"type\":\"text\",\"text\":\"Enjoy!\"}]}",
    png_url);
  g_autofree char *markdown = g_strdup_printf (
    "{\"role\":\"assistant\",\"content\":\"Here you go:\\n\\n![image](%s)\\n\\nEnjoy. "
    "And a second one: %s\"}", jpeg_url, png_url);
  struct
  {
    const char *message;
    guint       n_images;
    const char *first_sniffed;
    const char *text;
  } cases[] = {
    /* message.images wins over the rest. */
    { images_first, 2, "image/jpeg", "Two versions:" },
    { single, 1, "image/jpeg", NULL },
    { parts, 1, "image/png", "Here it is.\n\nEnjoy!" },
    { markdown, 2, "image/jpeg", "Here you go:\n\nEnjoy. And a second one:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = completion (cases[i].message, "\"stop\"");
      g_autoptr(ChiaroGenerationResult) result = NULL;

      g_test_message ("case %u", i);
      result = parse_ok (body);
      g_assert_cmpuint (result->images->len, ==, cases[i].n_images);
      g_assert_cmpstr (((ChiaroPart *) result->images->pdata[0])->sniffed_mime_type, ==,
                       cases[i].first_sniffed);
      g_assert_cmpstr (result->text, ==, cases[i].text);
      g_assert_cmpstr (result->finish_reason, ==, "stop");
      g_assert_cmpuint (result->content->parts->len, ==,
                        cases[i].n_images + (cases[i].text != NULL ? 1 : 0));
      /* No base64 is left in the text. */
      if (result->text != NULL)
        g_assert_null (strstr (result->text, "base64"));
    }
}

static void
test_mislabelled (void)
{
  g_autofree char *url = data_url ("image/png", jpeg_b64);
  g_autofree char *message = g_strdup_printf ("{\"images\":[{\"image_url\":{\"url\":\"%s\"}}]}",
                                              url);
  g_autoptr(GBytes) body = completion (message, "\"stop\"");
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);
  ChiaroPart *image = result->images->pdata[0];

  g_assert_cmpstr (image->mime_type, ==, "image/png");
  assert_image (image, "image/jpeg", 1800, 1200);
}

static void
test_unusable_images (void)
{
  g_autofree char *text_b64 = g_base64_encode ((const guchar *) "not an image", 12);
  g_autofree char *text_url = data_url ("image/png", text_b64);
  g_autofree char *png_url = data_url ("image/png", png_b64);
  g_autofree char *unreadable = g_strdup_printf ("{\"images\":[{\"image_url\":{\"url\":\"%s\"}}]}",
                                                 text_url);
  g_autofree char *with_good = g_strdup_printf ("{\"images\":[{\"image_url\":{\"url\":\"%s\"}},"
                                                "{\"image_url\":{\"url\":\"%s\"}}]}",
                                                text_url, png_url);
  struct
  {
    const char     *message;
    ChiaroApiError  code;
    const char     *in_message;
  } cases[] = {
    { unreadable, CHIARO_API_ERROR_BAD_RESPONSE, "cannot read" },
    { "{\"images\":[{\"image_url\":{\"url\":\"data:image/png;base64,iVBOR%w0\"}}]}",
      CHIARO_API_ERROR_BAD_RESPONSE, "cannot read" },
    { "{\"images\":[{\"image_url\":{\"url\":\"data:image/png,rawbytes\"}}]}",
      CHIARO_API_ERROR_BAD_RESPONSE, "cannot read" },
    { "{\"images\":[{\"image_url\":{\"url\":\"data:image/png;base64\"}}]}",
      CHIARO_API_ERROR_BAD_RESPONSE, "cannot read" },
    { "{\"images\":[{\"image_url\":{\"url\":\"https://cdn.example/out.png\"}}]}",
      CHIARO_API_ERROR_BAD_RESPONSE, "link" },
    { "{\"images\":[\"https://cdn.example/out.png\"]}", CHIARO_API_ERROR_BAD_RESPONSE, "link" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = completion (cases[i].message, "\"stop\"");
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      error = parse_fail (body);
      assert_api_error (error, cases[i].code, "stop", 0);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
    }

  /* One readable image is enough; the other stays out of the result. */
  {
    g_autoptr(GBytes) body = completion (with_good, "\"stop\"");
    g_autoptr(ChiaroGenerationResult) result = parse_ok (body);

    g_assert_cmpuint (result->images->len, ==, 1);
    assert_image (result->images->pdata[0], "image/png", 32, 32);
  }

  /* The link is kept in the detail. */
  {
    g_autoptr(GBytes) body = completion (cases[4].message, "\"stop\"");
    g_autoptr(GError) error = parse_fail (body);

    g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, "https://cdn.example/out.png");
  }
}

static void
test_no_image (void)
{
  struct
  {
    const char     *body;
    ChiaroApiError  code;
    const char     *reason;
    const char     *in_message;
  } cases[] = {
    { "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":"
      "\"I can't help with that.\"},\"finish_reason\":\"stop\"}]}",
      CHIARO_API_ERROR_REFUSED, "stop", "“I can't help with that.”" },
    { "{\"choices\":[{\"message\":{\"content\":\"\"},\"finish_reason\":\"content_filter\"}]}",
      CHIARO_API_ERROR_REFUSED, "content_filter", "refused" },
    { "{\"choices\":[{\"message\":{\"content\":\"Once upon\"},\"finish_reason\":\"length\"}]}",
      CHIARO_API_ERROR_MAX_TOKENS, "length", "ran out of room" },
    { "{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"stop\","
      "\"native_finish_reason\":\"IMAGE_SAFETY\"}]}",
      CHIARO_API_ERROR_IMAGE_SAFETY, "IMAGE_SAFETY", "declined to draw this (image safety)" },
    { "{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"error\"}]}",
      CHIARO_API_ERROR_MODEL_FAILED, "error", "could not finish" },
    { "{\"choices\":[{\"message\":{\"content\":\"I drew nothing, sorry.\"},"
      "\"finish_reason\":\"stop\"}]}",
      CHIARO_API_ERROR_NO_IMAGE, "stop", "“I drew nothing, sorry.”" },
    { "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"Only words\"}]}}]}",
      CHIARO_API_ERROR_NO_IMAGE, NULL, "“Only words”" },
    { "{\"choices\":[{\"message\":{\"role\":\"assistant\"},\"finish_reason\":\"stop\"}]}",
      CHIARO_API_ERROR_NO_IMAGE, "stop", "sent no image" },
    { "{\"choices\":[{\"finish_reason\":\"stop\"}]}",
      CHIARO_API_ERROR_NO_IMAGE, "stop", "sent no image" },
    { "{\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":4}}",
      CHIARO_API_ERROR_NO_IMAGE, NULL, "sent no image" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = chiaro_test_bytes_from_string (cases[i].body);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].body);
      error = parse_fail (body);
      assert_api_error (error, cases[i].code, cases[i].reason, 0);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
    }
}

static void
test_not_a_response (void)
{
  static const char * const bodies[] = {
    "", "<html><body>Bad gateway</body></html>", "{\"choices\":[{\"message\":",
    "[1,2]", "\"text\"", "{\"id\":\"x\",\"object\":\"chat.completion\"}", "{}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GBytes) body = chiaro_test_bytes_from_string (bodies[i]);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bodies[i]);
      error = parse_fail (body);
      assert_api_error (error, CHIARO_API_ERROR_BAD_RESPONSE, NULL, 0);
      g_assert_nonnull (chiaro_api_error_get_detail (error));
    }
}

static void
test_usage_and_reasoning (void)
{
  g_autofree char *url = data_url ("image/png", png_b64);
  g_autoptr(GBytes) body = chiaro_test_bytes_printf (
    "{\"id\":\"gen-9\",\"model\":\"google/gemini-3.1-flash-image-preview\","
    "\"provider\":\"Google\",\"choices\":[{\"index\":0,\"logprobs\":null,"
    "\"finish_reason\":\"stop\",\"native_finish_reason\":\"STOP\",\"message\":"
    "{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"  **Planning** the layout. \","
    "\"images\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"%s\"},\"index\":0}]}}],"
    "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":1400,\"total_tokens\":1412,"
    "\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens_details\":"
    "{\"reasoning_tokens\":280,\"image_tokens\":1120},\"cost\":0.067}}", url);
  g_autoptr(ChiaroGenerationResult) result = parse_ok (body);

  g_assert_cmpstr (result->thoughts, ==, "**Planning** the layout.");
  g_assert_null (result->text);
  g_assert_cmpstr (result->finish_reason, ==, "STOP");
  g_assert_true (result->usage.known);
  g_assert_cmpint (result->usage.prompt_tokens, ==, 12);
  g_assert_cmpint (result->usage.candidates_tokens, ==, 1400);
  g_assert_cmpint (result->usage.total_tokens, ==, 1412);
  g_assert_cmpint (result->usage.thoughts_tokens, ==, 280);
  g_assert_cmpint (result->usage.image_tokens, ==, 1120);
  g_assert_cmpint (result->usage.cached_tokens, ==, 3);
  g_assert_cmpstr (result->model_version, ==, "google/gemini-3.1-flash-image-preview");
  g_assert_cmpstr (result->response_id, ==, "gen-9");
}

/* Errors */

static void
test_http_errors (void)
{
  static const struct
  {
    guint           status;
    const char     *body;
    ChiaroApiError  code;
    const char     *reason;
    const char     *detail;
  } cases[] = {
    { 401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-abc. You can find your API "
      "key at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\","
      "\"param\":null,\"code\":\"invalid_api_key\"}}", CHIARO_API_ERROR_UNAUTHORIZED,
      "invalid_api_key", NULL },
    { 401, "{\"error\":{\"message\":\"No auth credentials found\",\"code\":401}}",
      CHIARO_API_ERROR_UNAUTHORIZED, NULL, "HTTP 401: No auth credentials found" },
    { 429, "{\"error\":{\"message\":\"You exceeded your current quota.\",\"type\":"
      "\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}",
      CHIARO_API_ERROR_QUOTA_EXHAUSTED, "insufficient_quota", NULL },
    { 429, "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
      "\"code\":\"rate_limit_exceeded\"}}", CHIARO_API_ERROR_RATE_LIMITED, "rate_limit_exceeded",
      "HTTP 429 rate_limit_exceeded: Rate limit reached for requests" },
    { 400, "{\"error\":{\"message\":\"Your request was rejected as a result of our safety "
      "system.\",\"type\":\"invalid_request_error\",\"code\":\"content_policy_violation\"}}",
      CHIARO_API_ERROR_REFUSED, "content_policy_violation", NULL },
    { 404, "{\"error\":{\"message\":\"The model `gpt-image-9` does not exist\",\"type\":"
      "\"invalid_request_error\",\"code\":\"model_not_found\"}}", CHIARO_API_ERROR_MODEL_NOT_FOUND,
      "model_not_found", NULL },
    { 404, "{\"error\":{\"message\":\"No endpoints found for google/nano-banana-9.\",\"code\":404}}",
      CHIARO_API_ERROR_MODEL_NOT_FOUND, NULL, NULL },
    { 402, "{\"error\":{\"message\":\"Insufficient credits. Add more using "
      "https://openrouter.ai/settings/credits\",\"code\":402}}", CHIARO_API_ERROR_QUOTA_EXHAUSTED,
      NULL, NULL },
    { 403, "{\"error\":{\"message\":\"Your chosen model requires moderation and your input was "
      "flagged\",\"code\":403,\"metadata\":{\"reasons\":[\"violence\"],\"flagged_input\":\"…\"}}}",
      CHIARO_API_ERROR_REFUSED, NULL, NULL },
    { 400, "{\"error\":{\"message\":\"Invalid value for 'modalities'.\",\"type\":"
      "\"invalid_request_error\"}}", CHIARO_API_ERROR_INVALID_REQUEST, "invalid_request_error",
      "HTTP 400 invalid_request_error: Invalid value for 'modalities'." },
    /* OpenRouter passing on Google's own answer: the daily quota is what counts. */
    { 429, "{\"error\":{\"message\":\"Provider returned error\",\"code\":429,\"metadata\":"
      "{\"provider_name\":\"Google AI Studio\",\"raw\":\"{\\n  \\\"error\\\": {\\n    \\\"code\\\": 429,"
      "\\n    \\\"message\\\": \\\"Quota exceeded\\\",\\n    \\\"status\\\": \\\"RESOURCE_EXHAUSTED\\\","
      "\\n    \\\"details\\\": [{\\\"@type\\\": \\\"type.googleapis.com/google.rpc.QuotaFailure\\\","
      "\\\"violations\\\": [{\\\"quotaId\\\": \\\"GenerateRequestsPerDayPerProjectPerModel\\\"}]}]"
      "\\n  }\\n}\"}}}", CHIARO_API_ERROR_QUOTA_EXHAUSTED, "RESOURCE_EXHAUSTED",
      "HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded" },
    { 502, "{\"error\":{\"message\":\"Provider returned error\",\"code\":502,\"metadata\":"
      "{\"raw\":\"upstream connect error\"}}}", CHIARO_API_ERROR_SERVER, NULL, NULL },
    /* Google's OpenAI-compatible endpoint answers with its own envelope. */
    { 400, "[{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API "
      "key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/"
      "google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]}}]", CHIARO_API_ERROR_UNAUTHORIZED,
      "API_KEY_INVALID", NULL },
    { 503, "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":"
      "\"UNAVAILABLE\"}}", CHIARO_API_ERROR_UNAVAILABLE, "UNAVAILABLE", NULL },
    { 500, "{\"error\":\"something broke\"}", CHIARO_API_ERROR_SERVER, NULL,
      "HTTP 500: something broke" },
    { 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", CHIARO_API_ERROR_SERVER, NULL,
      "HTTP 502 (text/html): 502 Bad Gateway" },
    { 503, "", CHIARO_API_ERROR_UNAVAILABLE, NULL, "HTTP 503 (text/html): " },
    { 504, "{\"unexpected\":1}", CHIARO_API_ERROR_TIMEOUT, NULL, NULL },
    /* White space parses as JSON with no root at all (found by fuzz-openai-response). */
    { 502, " \n", CHIARO_API_ERROR_SERVER, NULL, "HTTP 502 (text/html): " },
    { 502, "{\"error\":{\"message\":\"Provider returned error\",\"metadata\":{\"raw\":\"  \"}}}",
      CHIARO_API_ERROR_SERVER, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = chiaro_test_bytes_from_string (cases[i].body);
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: %u", i, cases[i].status);
      chiaro_openai_set_http_error (&error, cases[i].status, "text/html", body);
      assert_api_error (error, cases[i].code, cases[i].reason, (int) cases[i].status);
      if (cases[i].detail != NULL)
        g_assert_cmpstr (chiaro_api_error_get_detail (error), ==, cases[i].detail);
    }

  /* An error in a 200 body takes the status it names. */
  {
    g_autoptr(GBytes) body = chiaro_test_bytes_from_string ("{\"error\":{\"message\":\"Provider returned "
                                                "error\",\"code\":502}}");
    g_autoptr(GError) error = parse_fail (body);

    assert_api_error (error, CHIARO_API_ERROR_SERVER, NULL, 502);
  }
}

/* Requests */

static void
test_build_defaults (void)
{
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = new_request ("gemini-3-pro-image", options);
  g_autoptr(ChiaroContent) turn = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) text = chiaro_part_new_text ("A red kite");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) expected_json = chiaro_test_bytes_from_string (
    "{\"model\":\"gemini-3-pro-image\",\"messages\":[{\"role\":\"user\",\"content\":"
    "\"A red kite\"}],\"modalities\":[\"image\",\"text\"]}");
  g_autoptr(JsonNode) expected = chiaro_test_parse_json (expected_json);

  chiaro_content_add_part (turn, text);
  chiaro_generation_request_add_content (request, turn);
  root = build (request, FALSE);
  g_assert_true (json_node_equal (root, expected));
}

static JsonNode *
build_with (const char                    *model_id,
            const ChiaroGenerationOptions *options)
{
  g_autoptr(ChiaroGenerationRequest) request = new_request (model_id, options);
  g_autoptr(ChiaroContent) turn = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) text = chiaro_part_new_text ("A red kite");

  chiaro_content_add_part (turn, text);
  chiaro_generation_request_add_content (request, turn);
  return build (request, FALSE);
}

static void
test_build_options (void)
{
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(JsonNode) flash = NULL;
  g_autoptr(JsonNode) old = NULL;
  g_autoptr(JsonNode) auto_ratio = NULL;

  options->aspect_ratio = g_strdup ("9:16");
  options->image_size = g_strdup ("512");
  options->temperature = 1.0;
  options->top_p = 0;
  options->has_seed = TRUE;
  options->seed = 123;
  options->system_instruction = g_strdup ("Photorealistic only.");
  options->grounding = TRUE;
  options->image_search = TRUE;
  options->thinking_level = g_strdup ("HIGH");
  options->include_thoughts = TRUE;

  flash = build_with ("gemini-3.1-flash-image", options);
  g_assert_cmpstr (chiaro_test_json_get_string (flash, "image_config.aspect_ratio"), ==, "9:16");
  /* OpenRouter's spelling of Google's "512". */
  g_assert_cmpstr (chiaro_test_json_get_string (flash, "image_config.image_size"), ==, "0.5K");
  g_assert_cmpfloat (json_node_get_double (chiaro_test_json_get_path (flash, "temperature")), ==, 1.0);
  g_assert_cmpfloat (json_node_get_double (chiaro_test_json_get_path (flash, "top_p")), ==, 0);
  g_assert_cmpint (json_node_get_int (chiaro_test_json_get_path (flash, "seed")), ==, 123);
  g_assert_cmpstr (chiaro_test_json_get_string (flash, "messages.0.role"), ==, "system");
  g_assert_cmpstr (chiaro_test_json_get_string (flash, "messages.0.content"), ==, "Photorealistic only.");
  g_assert_cmpstr (chiaro_test_json_get_string (flash, "messages.1.role"), ==, "user");
  /* The format has no place for grounding or thinking. */
  g_assert_cmpuint (json_object_get_size (json_node_get_object (flash)), ==, 7);

  /* Without sizes or a system instruction on the model, neither is sent. */
  old = build_with ("gemini-2.5-flash-image", options);
  g_assert_null (chiaro_test_json_get_path (old, "image_config.image_size"));
  g_assert_cmpstr (chiaro_test_json_get_string (old, "image_config.aspect_ratio"), ==, "9:16");
  g_assert_cmpstr (chiaro_test_json_get_string (old, "messages.0.role"), ==, "user");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (chiaro_test_json_get_path (old, "messages"))), ==, 1);

  g_free (options->aspect_ratio);
  options->aspect_ratio = g_strdup ("auto");
  g_clear_pointer (&options->image_size, g_free);
  auto_ratio = build_with ("gemini-3.1-flash-image", options);
  g_assert_null (chiaro_test_json_get_path (auto_ratio, "image_config"));
}

/* A conversation: thoughts, signatures and parts the format cannot carry stay out; what the
 * model sent comes back as the assistant's message. */
static void
test_build_history (void)
{
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(GBytes) gemini_turn_json = chiaro_test_bytes_printf (
    "{\"role\":\"model\",\"parts\":[{\"text\":\"Thinking\",\"thought\":true},"
    "{\"text\":\"Here.\",\"thoughtSignature\":\"QQ==\"},"
    "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"%s\"},\"thoughtSignature\":\"Qg==\"},"
    "{\"functionCall\":{\"name\":\"f\"}}]}", jpeg_b64);
  g_autoptr(JsonNode) gemini_turn_node = chiaro_test_parse_json (gemini_turn_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroContent) gemini_turn = chiaro_content_new_from_json (gemini_turn_node, &error);
  g_autoptr(GBytes) thoughts_json = chiaro_test_bytes_from_string ("{\"role\":\"model\",\"parts\":[{\"text\":"
                                                       "\"Only thinking\",\"thought\":true}]}");
  g_autoptr(JsonNode) thoughts_node = chiaro_test_parse_json (thoughts_json);
  g_autoptr(ChiaroContent) thoughts_turn = chiaro_content_new_from_json (thoughts_node, &error);
  g_autoptr(ChiaroContent) first = chiaro_content_new ("user");
  g_autoptr(ChiaroContent) next = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) prompt = chiaro_part_new_text ("Edit this");
  g_autoptr(ChiaroPart) image = chiaro_part_new_image (png, NULL);
  g_autoptr(ChiaroPart) again = chiaro_part_new_text ("Brighter");
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = new_request ("google/gemini-3-pro-image-preview",
                                                            options);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) elided = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *png_url = data_url ("image/png", png_b64);
  g_autofree char *jpeg_url = data_url ("image/jpeg", jpeg_b64);

  g_assert_no_error (error);
  chiaro_content_add_part (first, prompt);
  chiaro_content_add_part (first, image);
  chiaro_content_add_part (next, again);
  chiaro_generation_request_add_content (request, first);
  chiaro_generation_request_add_content (request, thoughts_turn);
  chiaro_generation_request_add_content (request, gemini_turn);
  chiaro_generation_request_add_content (request, next);

  root = build (request, FALSE);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (chiaro_test_json_get_path (root, "messages"))), ==, 3);
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.0.role"), ==, "user");
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.0.content.0.type"), ==, "text");
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.0.content.0.text"), ==, "Edit this");
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.0.content.1.type"), ==, "image_url");
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.0.content.1.image_url.url"), ==, png_url);
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.1.role"), ==, "assistant");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (chiaro_test_json_get_path (root,
                                                                          "messages.1.content"))),
                    ==, 2);
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.1.content.0.text"), ==, "Here.");
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.1.content.1.image_url.url"), ==, jpeg_url);
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.2.content"), ==, "Brighter");

  body = chiaro_openai_build_body (request, FALSE);
  g_assert_null (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "QQ=="));
  g_assert_null (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                               "Thinking"));

  elided = build (request, TRUE);
  g_assert_cmpstr (chiaro_test_json_get_string (elided, "messages.0.content.1.image_url.url"), ==,
                   "data:image/png;base64,<145 bytes>");
  g_assert_cmpstr (chiaro_test_json_get_string (elided, "messages.1.content.1.image_url.url"), ==,
                   "data:image/jpeg;base64,<347327 bytes>");
}

/* A turn read from an answer goes back as it came. */
static void
test_round_trip (void)
{
  g_autofree char *url = data_url ("image/png", jpeg_b64);
  g_autofree char *message = g_strdup_printf ("{\"role\":\"assistant\",\"content\":\"Done.\","
                                              "\"images\":[{\"type\":\"image_url\",\"image_url\":"
                                              "{\"url\":\"%s\"}}]}", url);
  g_autoptr(GBytes) answer = completion (message, "\"stop\"");
  g_autoptr(ChiaroGenerationResult) result = parse_ok (answer);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = new_request ("google/gemini-3-pro-image-preview",
                                                            options);
  g_autoptr(JsonNode) root = NULL;

  chiaro_generation_request_add_content (request, result->content);
  root = build (request, FALSE);
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.0.role"), ==, "assistant");
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.0.content.0.text"), ==, "Done.");
  /* The label it came with, even though the bytes are a JPEG. */
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.0.content.1.image_url.url"), ==, url);
}

/* Text that looks like Chiaro's marker for image data goes out as it is. */
static void
test_build_marker_text (void)
{
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = new_request ("gemini-3-pro-image", options);
  g_autoptr(ChiaroContent) turn = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) text = chiaro_part_new_text ("\001chiaro-blob:0\001");
  g_autoptr(ChiaroPart) image = chiaro_part_new_image (png, NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *url = data_url ("image/png", png_b64);

  chiaro_content_add_part (turn, text);
  chiaro_content_add_part (turn, image);
  chiaro_generation_request_add_content (request, turn);
  root = build (request, FALSE);
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.0.content.0.text"), ==, "\001chiaro-blob:0\001");
  g_assert_cmpstr (chiaro_test_json_get_string (root, "messages.0.content.1.image_url.url"), ==, url);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  png_b64 = chiaro_test_fixture_base64 ("images/pngsuite", "basn2c08.png");
  jpeg_b64 = chiaro_test_fixture_base64 ("images/exif-orientation", "Landscape_1.jpg");
  catalog = chiaro_model_catalog_new ();

  g_test_add_func ("/chiaro/openai-wire/fixture/message-images", test_fixture_message_images);
  g_test_add_func ("/chiaro/openai-wire/fixture/markdown", test_fixture_markdown);
  g_test_add_func ("/chiaro/openai-wire/fixture/stream-chunk", test_fixture_stream_chunk);
  g_test_add_func ("/chiaro/openai-wire/fixture/openrouter-request", test_fixture_openrouter_request);
  g_test_add_func ("/chiaro/openai-wire/fixture/google-request", test_fixture_google_request);
  g_test_add_func ("/chiaro/openai-wire/fixture/covered", test_fixtures_covered);
  g_test_add_func ("/chiaro/openai-wire/parse/image-sources", test_image_sources);
  g_test_add_func ("/chiaro/openai-wire/parse/mislabelled", test_mislabelled);
  g_test_add_func ("/chiaro/openai-wire/parse/unusable-images", test_unusable_images);
  g_test_add_func ("/chiaro/openai-wire/parse/no-image", test_no_image);
  g_test_add_func ("/chiaro/openai-wire/parse/not-a-response", test_not_a_response);
  g_test_add_func ("/chiaro/openai-wire/parse/usage-and-reasoning", test_usage_and_reasoning);
  g_test_add_func ("/chiaro/openai-wire/http/errors", test_http_errors);
  g_test_add_func ("/chiaro/openai-wire/build/defaults", test_build_defaults);
  g_test_add_func ("/chiaro/openai-wire/build/options", test_build_options);
  g_test_add_func ("/chiaro/openai-wire/build/history", test_build_history);
  g_test_add_func ("/chiaro/openai-wire/build/round-trip", test_round_trip);
  g_test_add_func ("/chiaro/openai-wire/build/marker-text", test_build_marker_text);

  return g_test_run ();
}
