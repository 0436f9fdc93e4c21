/* test-provider.c — the providers end to end against the mock Gemini server
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole exchange runs here: the request is serialised, sent by the HTTP client (with a
 * recording clock, so retries take no time), checked by the mock against Google's discovery
 * document, answered, and parsed. Assertions are on the JSON the mock received, on the
 * images that came back and on the errors, their reasons and their attempt counts.
 */

#include "config.h"

#include "chiaro-api-error.h"
#include "chiaro-gemini-provider.h"
#include "chiaro-image.h"
#include "chiaro-mock-server.h"
#include "chiaro-openai-provider.h"
#include "chiaro-test-util.h"

#define KEY "provider-test-key"

typedef struct
{
  ChiaroMockServer   *mock;
  SoupSession        *session;
  ChiaroHttpClient   *http;
  ChiaroModelCatalog *catalog;
  GArray             *delays;
  ChiaroHttpPhase     cancel_at;
  GCancellable       *cancellable;
  gboolean            done;
  ChiaroGenerationResult *result;
  GError             *error;
} Fixture;

static void
record_sleep (guint     delay_ms,
              GTask    *task,
              gpointer  user_data)
{
  Fixture *f = user_data;

  g_array_append_val (f->delays, delay_ms);
  g_task_return_boolean (task, TRUE);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *discovery = g_strdup (g_getenv ("CHIARO_DISCOVERY_PATH"));

  f->mock = chiaro_mock_server_new (discovery, &error);
  g_assert_no_error (error);
  chiaro_mock_server_listen (f->mock, 0, &error);
  g_assert_no_error (error);

  f->session = soup_session_new_with_options ("max-conns-per-host", 16, NULL);
  f->http = chiaro_http_client_new (f->session);
  chiaro_http_client_set_jitter (f->http, FALSE);
  chiaro_http_client_set_max_attempts (f->http, 3);
  f->delays = g_array_new (FALSE, FALSE, sizeof (guint));
  chiaro_http_client_set_sleep_func (f->http, record_sleep, f, NULL);
  f->catalog = chiaro_model_catalog_new_default (&error);
  g_assert_no_error (error);
  f->cancel_at = (ChiaroHttpPhase) -1;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->result, chiaro_generation_result_unref);
  g_clear_error (&f->error);
  g_clear_object (&f->cancellable);
  g_clear_object (&f->catalog);
  g_clear_pointer (&f->delays, g_array_unref);
  g_clear_object (&f->http);
  g_clear_object (&f->session);
  g_clear_object (&f->mock);
}

static ChiaroGenerationRequest *
make_request (Fixture                       *f,
              const char                    *model_id,
              const ChiaroGenerationOptions *options,
              const char                    *prompt)
{
  g_autoptr(ChiaroModelInfo) model = chiaro_model_catalog_lookup (f->catalog, model_id);
  g_autoptr(ChiaroGenerationOptions) defaults = chiaro_generation_options_new ();
  g_autoptr(ChiaroContent) user = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) text = chiaro_part_new_text (prompt);
  ChiaroGenerationRequest *request;

  request = chiaro_generation_request_new (model, options != NULL ? options : defaults);
  chiaro_generation_request_set_model_id (request, model_id);
  chiaro_content_add_part (user, text);
  chiaro_generation_request_add_content (request, user);
  return request;
}

static void
on_progress (const ChiaroGenerationProgress *progress,
             gpointer                        user_data)
{
  Fixture *f = user_data;

  if (progress->http.phase == f->cancel_at && f->cancellable != NULL)
    g_cancellable_cancel (f->cancellable);
}

static void
on_generated (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = chiaro_provider_generate_finish (CHIARO_PROVIDER (source), res, &f->error);
  f->done = TRUE;
}

static gboolean
is_done (gpointer user_data)
{
  return ((Fixture *) user_data)->done;
}

static void
generate (Fixture                 *f,
          ChiaroProvider          *provider,
          ChiaroGenerationRequest *request)
{
  g_clear_pointer (&f->result, chiaro_generation_result_unref);
  g_clear_error (&f->error);
  g_array_set_size (f->delays, 0);
  f->done = FALSE;

  chiaro_provider_generate_async (provider, request, on_progress, f, NULL, f->cancellable,
                                  on_generated, f);
  g_assert_true (chiaro_test_wait_until (is_done, f, 60));
}

static ChiaroProvider *
gemini (Fixture *f)
{
  return chiaro_gemini_provider_new (f->http, chiaro_mock_server_get_url (f->mock), KEY);
}

static JsonObject *
last_body (Fixture *f)
{
  ChiaroMockRequest *request = chiaro_mock_server_get_last_request (f->mock);

  g_assert_nonnull (request);
  g_assert_nonnull (request->json);
  return json_node_get_object (request->json);
}

static JsonObject *
get_path (JsonObject *object,
          const char *path)
{
  g_auto(GStrv) names = g_strsplit (path, ".", -1);

  for (guint i = 0; names[i] != NULL && object != NULL; i++)
    object = json_object_has_member (object, names[i])
             ? json_object_get_object_member (object, names[i]) : NULL;
  return object;
}

static void
assert_image_size (ChiaroPart *part,
                   int         width,
                   int         height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroImage) image = chiaro_image_new_from_bytes (part->data, "answer", &error);

  g_assert_no_error (error);
  g_assert_cmpint (chiaro_image_get_width (image), ==, width);
  g_assert_cmpint (chiaro_image_get_height (image), ==, height);
}

static void
test_gemini_success (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ChiaroProvider) provider = gemini (f);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = NULL;
  ChiaroMockRequest *received;
  JsonObject *image_config;

  options->aspect_ratio = g_strdup ("16:9");
  request = make_request (f, "gemini-2.5-flash-image", options, "A harbour at night");
  generate (f, provider, request);

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->result->images->len, ==, 1);
  g_assert_cmpstr (f->result->images->pdata[0] != NULL
                   ? ((ChiaroPart *) f->result->images->pdata[0])->sniffed_mime_type : NULL,
                   ==, "image/png");
  assert_image_size (chiaro_generation_result_get_final_image (f->result), 1344, 768);
  g_assert_true (f->result->usage.known);
  g_assert_cmpint (f->result->usage.image_tokens, ==, 1290);
  g_assert_cmpfloat_with_epsilon (f->result->cost_usd, 0.039, 0.002);
  g_assert_cmpstr (f->result->content->model, ==, "gemini-2.5-flash-image");
  g_assert_cmpuint (f->result->attempts, ==, 1);

  received = chiaro_mock_server_get_last_request (f->mock);
  g_assert_cmpstr (received->path, ==, "/v1beta/models/gemini-2.5-flash-image:generateContent");
  g_assert_cmpstr (chiaro_mock_request_get_header (received, "x-goog-api-key"), ==, KEY);
  g_assert_null (chiaro_mock_request_get_param (received, "key"));
  g_assert_cmpuint (received->status, ==, 200);
  image_config = get_path (last_body (f), "generationConfig.imageConfig");
  g_assert_cmpstr (json_object_get_string_member (image_config, "aspectRatio"), ==, "16:9");
  g_assert_false (json_object_has_member (image_config, "imageSize"));
}

/* Every option reaches the server as Google spells it, and the mock (checking against the
 * discovery document and the per-model rules) accepts it. */
static void
test_gemini_options (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ChiaroProvider) provider = gemini (f);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = NULL;
  JsonObject *body, *config, *search;

  options->aspect_ratio = g_strdup ("8:1");
  options->image_size = g_strdup ("512");
  options->temperature = 0.7;
  options->top_p = 0.9;
  options->has_seed = TRUE;
  options->seed = 1234;
  options->grounding = TRUE;
  options->image_search = TRUE;
  options->system_instruction = g_strdup ("You retouch product photos.");
  options->thinking_level = g_strdup ("HIGH");
  options->include_thoughts = TRUE;
  request = make_request (f, "gemini-3.1-flash-image-preview", options, "A banner");
  generate (f, provider, request);
  g_assert_no_error (f->error);
  assert_image_size (chiaro_generation_result_get_final_image (f->result), 1536, 192);

  body = last_body (f);
  config = json_object_get_object_member (body, "generationConfig");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (config, "temperature"), 0.7, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (config, "topP"), 0.9, 1e-9);
  g_assert_cmpint (json_object_get_int_member (config, "seed"), ==, 1234);
  g_assert_cmpstr (json_object_get_string_member (get_path (config, "imageConfig"), "imageSize"),
                   ==, "512");
  g_assert_cmpstr (json_object_get_string_member (get_path (config, "thinkingConfig"),
                                                  "thinkingLevel"), ==, "HIGH");
  g_assert_true (json_object_get_boolean_member (get_path (config, "thinkingConfig"),
                                                 "includeThoughts"));
  g_assert_false (json_object_has_member (config, "candidateCount"));
  search = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (body, "tools"), 0), "googleSearch");
  g_assert_true (json_object_has_member (get_path (search, "searchTypes"), "imageSearch"));
  g_assert_true (json_object_has_member (get_path (search, "searchTypes"), "webSearch"));
  g_assert_nonnull (get_path (body, "systemInstruction"));
  g_assert_nonnull (f->result->thoughts);

  /* 3 Pro at 4K: a size and always-on thinking, no level. */
  g_clear_pointer (&options->thinking_level, g_free);
  g_clear_pointer (&options->system_instruction, g_free);
  options->image_search = FALSE;
  g_free (options->aspect_ratio);
  options->aspect_ratio = g_strdup ("21:9");
  g_free (options->image_size);
  options->image_size = g_strdup ("4K");
  g_clear_pointer (&request, chiaro_generation_request_unref);
  request = make_request (f, "gemini-3-pro-image", options, "A wide poster");
  generate (f, provider, request);
  g_assert_no_error (f->error);
  assert_image_size (chiaro_generation_result_get_final_image (f->result), 6336, 2688);
  g_assert_cmpstr (chiaro_generation_result_get_final_image (f->result)->sniffed_mime_type, ==,
                   "image/jpeg");
  config = json_object_get_object_member (last_body (f), "generationConfig");
  g_assert_false (json_object_has_member (get_path (config, "thinkingConfig"), "thinkingLevel"));
  g_assert_false (json_object_has_member (
    json_object_get_object_member (json_array_get_object_element (
      json_object_get_array_member (last_body (f), "tools"), 0), "googleSearch"), "searchTypes"));
}

/* A second turn sends the first answer back exactly, signatures and all; the mock enforces
 * them. A turn from another model gets the documented skip value instead. */
static void
test_gemini_multi_turn (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(ChiaroProvider) provider = gemini (f);
  g_autoptr(ChiaroGenerationRequest) first = NULL;
  g_autoptr(ChiaroGenerationRequest) second = NULL;
  g_autoptr(ChiaroGenerationRequest) third = NULL;
  g_autoptr(ChiaroGenerationResult) answer = NULL;
  g_autoptr(ChiaroContent) foreign = NULL;
  g_autoptr(ChiaroContent) follow_up = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) follow_up_text = chiaro_part_new_text ("Make it daytime");
  JsonArray *contents, *parts;
  guint n_signed = 0;

  chiaro_mock_server_set_enforce_signatures (f->mock, TRUE);
  chiaro_content_add_part (follow_up, follow_up_text);

  first = make_request (f, "gemini-3-pro-image-preview", NULL, "A cyberpunk city");
  generate (f, provider, first);
  g_assert_no_error (f->error);
  answer = chiaro_generation_result_ref (f->result);

  second = make_request (f, "gemini-3-pro-image-preview", NULL, "A cyberpunk city");
  chiaro_generation_request_add_content (second, answer->content);
  chiaro_generation_request_add_content (second, follow_up);
  generate (f, provider, second);
  g_assert_no_error (f->error);

  contents = json_object_get_array_member (last_body (f), "contents");
  g_assert_cmpuint (json_array_get_length (contents), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contents, 1), "role"),
                   ==, "model");
  parts = json_object_get_array_member (json_array_get_object_element (contents, 1), "parts");
  g_assert_cmpuint (json_array_get_length (parts), ==, answer->content->parts->len);
  for (guint i = 0; i < answer->content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (answer->content->parts, i);
      JsonObject *sent = json_array_get_object_element (parts, i);

      if (part->thought_signature != NULL)
        {
          g_assert_cmpstr (json_object_get_string_member (sent, "thoughtSignature"), ==,
                           part->thought_signature);
          n_signed++;
        }
    }
  g_assert_cmpuint (n_signed, >, 0);

  /* The same turn, said to come from 2.5 Flash Image and without signatures. */
  foreign = chiaro_content_new ("model");
  foreign->model = g_strdup ("gemini-2.5-flash-image");
  for (guint i = 0; i < answer->content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (answer->content->parts, i);

      if (part->kind == CHIARO_PART_IMAGE && !part->thought)
        {
          g_autoptr(ChiaroPart) copy = chiaro_part_new_image (part->data, NULL);

          chiaro_content_add_part (foreign, copy);
        }
    }
  third = make_request (f, "gemini-3-pro-image-preview", NULL, "A cyberpunk city");
  chiaro_generation_request_add_content (third, foreign);
  chiaro_generation_request_add_content (third, follow_up);
  generate (f, provider, third);
  g_assert_no_error (f->error);
  contents = json_object_get_array_member (last_body (f), "contents");
  parts = json_object_get_array_member (json_array_get_object_element (contents, 1), "parts");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parts, 0),
                                                  "thoughtSignature"),
                   ==, CHIARO_SKIP_THOUGHT_SIGNATURE);
}

typedef struct
{
  const char     *scenario;
  ChiaroApiError  code;
  const char     *reason;      /* NULL: not checked */
  guint           attempts;    /* with max attempts 3 */
} Failure;

static const Failure failures[] = {
  { "text-only", CHIARO_API_ERROR_NO_IMAGE, "STOP", 1 },
  { "prompt-blocked", CHIARO_API_ERROR_PROMPT_BLOCKED, "SAFETY", 1 },
  { "image-safety", CHIARO_API_ERROR_IMAGE_SAFETY, "IMAGE_SAFETY", 1 },
  { "image-prohibited", CHIARO_API_ERROR_IMAGE_SAFETY, "IMAGE_PROHIBITED_CONTENT", 1 },
  { "prohibited-content", CHIARO_API_ERROR_REFUSED, "PROHIBITED_CONTENT", 1 },
  { "safety", CHIARO_API_ERROR_REFUSED, "SAFETY", 1 },
  { "recitation", CHIARO_API_ERROR_RECITATION, "RECITATION", 1 },
  { "image-recitation", CHIARO_API_ERROR_RECITATION, "IMAGE_RECITATION", 1 },
  { "no-image", CHIARO_API_ERROR_NO_IMAGE, "NO_IMAGE", 1 },
  { "image-other", CHIARO_API_ERROR_MODEL_FAILED, "IMAGE_OTHER", 1 },
  { "other", CHIARO_API_ERROR_MODEL_FAILED, "OTHER", 1 },
  { "malformed-response", CHIARO_API_ERROR_MODEL_FAILED, "MALFORMED_RESPONSE", 1 },
  { "max-tokens", CHIARO_API_ERROR_MAX_TOKENS, "MAX_TOKENS", 1 },
  { "missing-thought-signature", CHIARO_API_ERROR_MISSING_SIGNATURE, "MISSING_THOUGHT_SIGNATURE", 1 },
  { "parts-absent", CHIARO_API_ERROR_NO_IMAGE, NULL, 1 },
  { "parts-null", CHIARO_API_ERROR_NO_IMAGE, NULL, 1 },
  { "thoughts-only", CHIARO_API_ERROR_NO_IMAGE, NULL, 1 },
  { "invalid-base64", CHIARO_API_ERROR_BAD_RESPONSE, NULL, 1 },
  { "not-an-image", CHIARO_API_ERROR_BAD_RESPONSE, NULL, 1 },
  { "zero-size-image", CHIARO_API_ERROR_BAD_RESPONSE, NULL, 1 },
  { "html-200", CHIARO_API_ERROR_BAD_RESPONSE, NULL, 1 },
  { "empty-body", CHIARO_API_ERROR_BAD_RESPONSE, NULL, 1 },
  { "truncated-json", CHIARO_API_ERROR_BAD_RESPONSE, NULL, 1 },
  { "400-invalid-argument", CHIARO_API_ERROR_INVALID_REQUEST, NULL, 1 },
  { "400-api-key-invalid", CHIARO_API_ERROR_UNAUTHORIZED, "API_KEY_INVALID", 1 },
  { "400-failed-precondition", CHIARO_API_ERROR_LOCATION_UNSUPPORTED, NULL, 1 },
  { "401", CHIARO_API_ERROR_UNAUTHORIZED, NULL, 1 },
  { "403", CHIARO_API_ERROR_PERMISSION_DENIED, NULL, 1 },
  { "404", CHIARO_API_ERROR_MODEL_NOT_FOUND, NULL, 1 },
  { "429", CHIARO_API_ERROR_RATE_LIMITED, "RESOURCE_EXHAUSTED", 3 },
  { "429-no-retryinfo", CHIARO_API_ERROR_RATE_LIMITED, "RESOURCE_EXHAUSTED", 3 },
  { "429-per-day", CHIARO_API_ERROR_QUOTA_EXHAUSTED, NULL, 1 },
  { "500", CHIARO_API_ERROR_SERVER, NULL, 3 },
  { "502", CHIARO_API_ERROR_SERVER, NULL, 3 },
  { "503", CHIARO_API_ERROR_UNAVAILABLE, NULL, 3 },
  { "504", CHIARO_API_ERROR_TIMEOUT, NULL, 3 },
  { "reset", CHIARO_API_ERROR_NETWORK, NULL, 3 },
};

/* Each failure gives its own code and reason, a message fit to show (no JSON, no HTML), the
 * server's words kept apart, and retries only where they may help. */
static void
test_gemini_failures (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ChiaroProvider) provider = gemini (f);
  g_autoptr(ChiaroGenerationRequest) request =
    make_request (f, "gemini-2.5-flash-image", NULL, "Something");

  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    {
      const Failure *failure = &failures[i];

      g_test_message ("scenario %s", failure->scenario);
      chiaro_mock_server_clear_requests (f->mock);
      chiaro_mock_server_set_default_scenario (f->mock, failure->scenario);
      generate (f, provider, request);

      g_assert_null (f->result);
      g_assert_error (f->error, CHIARO_API_ERROR, failure->code);
      if (failure->reason != NULL)
        g_assert_cmpstr (chiaro_api_error_get_reason (f->error), ==, failure->reason);
      g_assert_cmpuint (chiaro_api_error_get_attempts (f->error), ==, failure->attempts);
      g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->mock), ==, failure->attempts);
      g_assert_cmpuint (f->delays->len, ==, failure->attempts - 1);
      g_assert_cmpuint (strlen (f->error->message), >, 10);
      g_assert_null (strchr (f->error->message, '{'));
      g_assert_null (strstr (f->error->message, "<html"));
      g_assert_null (strstr (f->error->message, KEY));
    }
  chiaro_mock_server_set_default_scenario (f->mock, "ok");
}

/* Answers that are odd but still hold an image. */
static void
test_gemini_odd_answers (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(ChiaroProvider) provider = gemini (f);
  g_autoptr(ChiaroGenerationRequest) request =
    make_request (f, "gemini-3-pro-image-preview", NULL, "Something");
  ChiaroPart *final;

  chiaro_mock_server_push_scenario (f->mock, "jpeg-labelled-png");
  generate (f, provider, request);
  g_assert_no_error (f->error);
  final = chiaro_generation_result_get_final_image (f->result);
  g_assert_cmpstr (final->sniffed_mime_type, ==, "image/jpeg");
  g_assert_cmpstr (final->mime_type, ==, "image/png");

  chiaro_mock_server_push_scenario (f->mock, "multi-image");
  generate (f, provider, request);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->result->images->len, ==, 2);
  g_assert_true (chiaro_generation_result_get_final_image (f->result) ==
                 g_ptr_array_index (f->result->images, 1));

  chiaro_mock_server_push_scenario (f->mock, "thought-image");
  generate (f, provider, request);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->result->images->len, ==, 1);
  g_assert_cmpuint (f->result->thought_images->len, ==, 1);

  chiaro_mock_server_push_scenario (f->mock, "wrong-content-type");
  generate (f, provider, request);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->result->images->len, ==, 1);
}

/* RetryInfo's "3s" is waited on the injected clock, exactly; then the answer arrives. */
static void
test_gemini_retry_delay (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(ChiaroProvider) provider = gemini (f);
  g_autoptr(ChiaroGenerationRequest) request =
    make_request (f, "gemini-2.5-flash-image", NULL, "Busy");

  chiaro_mock_server_push_scenario (f->mock, "429");
  generate (f, provider, request);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->delays->len, ==, 1);
  g_assert_cmpuint (g_array_index (f->delays, guint, 0), ==, 3000);
  g_assert_cmpuint (f->result->attempts, ==, 2);

  chiaro_mock_server_push_scenario (f->mock, "429-retry-after");
  generate (f, provider, request);
  g_assert_no_error (f->error);
  g_assert_cmpuint (g_array_index (f->delays, guint, 0), ==, 2000);

  chiaro_mock_server_push_scenario (f->mock, "503");
  chiaro_mock_server_push_scenario (f->mock, "503");
  generate (f, provider, request);
  g_assert_no_error (f->error);
  g_assert_cmpuint (f->delays->len, ==, 2);
  g_assert_cmpuint (g_array_index (f->delays, guint, 0), ==, 1000);
  g_assert_cmpuint (g_array_index (f->delays, guint, 1), ==, 2000);
  g_assert_cmpuint (f->result->attempts, ==, 3);
}

static void
cancel_at (Fixture         *f,
           ChiaroHttpPhase  phase,
           const char      *scenario,
           gsize            image_bytes)
{
  g_autoptr(ChiaroProvider) provider = gemini (f);
  g_autoptr(ChiaroGenerationRequest) request =
    make_request (f, "gemini-3-pro-image-preview", NULL, "Cancel me");
  gint64 start;

  if (image_bytes > 0)
    {
      g_autofree guint8 *data = g_malloc0 (image_bytes);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(ChiaroPart) part = NULL;

      /* A PNG signature: the bytes only have to pass for an image on the way out. */
      memcpy (data, "\x89PNG\r\n\x1a\n", 8);
      bytes = g_bytes_new_take (g_steal_pointer (&data), image_bytes);
      part = chiaro_part_new_image (bytes, "image/png");
      chiaro_content_add_part (g_ptr_array_index (request->contents, 0), part);
    }

  if (scenario != NULL)
    chiaro_mock_server_push_scenario (f->mock, scenario);
  f->cancellable = g_cancellable_new ();
  f->cancel_at = phase;
  start = g_get_monotonic_time ();
  generate (f, provider, request);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (f->result);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (f->delays->len, ==, 0);
}

static void
test_cancel_upload (Fixture       *f,
                    gconstpointer  data)
{
  cancel_at (f, CHIARO_HTTP_PHASE_SENDING, NULL, 12 * 1000 * 1000);
}

static void
test_cancel_download (Fixture       *f,
                      gconstpointer  data)
{
  cancel_at (f, CHIARO_HTTP_PHASE_RECEIVING, "slow", 0);
}

static void
test_cancel_waiting (Fixture       *f,
                     gconstpointer  data)
{
  cancel_at (f, CHIARO_HTTP_PHASE_WAITING, "stall", 0);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(ChiaroProvider) provider = gemini (f);
  g_autoptr(ChiaroGenerationRequest) request =
    make_request (f, "gemini-2.5-flash-image", NULL, "Nobody answers");

  chiaro_http_client_set_timeout (f->http, 1);
  chiaro_http_client_set_max_attempts (f->http, 1);
  chiaro_mock_server_push_scenario (f->mock, "stall");
  generate (f, provider, request);
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_TIMEOUT);
}

static void
test_insecure_endpoint (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(ChiaroProvider) provider =
    chiaro_gemini_provider_new (f->http, "http://example.com", KEY);
  g_autoptr(ChiaroGenerationRequest) request =
    make_request (f, "gemini-2.5-flash-image", NULL, "Over plain HTTP");

  generate (f, provider, request);
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_INSECURE_ENDPOINT);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->mock), ==, 0);
}

static void
test_openai (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *endpoint = g_strconcat (chiaro_mock_server_get_url (f->mock), "/api/v1", NULL);
  g_autoptr(ChiaroProvider) provider =
    chiaro_openai_provider_new (f->http, endpoint, KEY);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationRequest) request = NULL;
  const char * const placements[] = { "ok", "openai-image-field", "openai-content-parts",
                                      "openai-markdown" };
  ChiaroMockRequest *received;

  options->aspect_ratio = g_strdup ("9:16");
  request = make_request (f, "google/gemini-2.5-flash-image", options, "A kite");

  for (guint i = 0; i < G_N_ELEMENTS (placements); i++)
    {
      g_test_message ("placement %s", placements[i]);
      chiaro_mock_server_push_scenario (f->mock, placements[i]);
      generate (f, provider, request);
      g_assert_no_error (f->error);
      g_assert_cmpuint (f->result->images->len, ==, 1);
      assert_image_size (chiaro_generation_result_get_final_image (f->result), 768, 1344);
    }

  received = chiaro_mock_server_get_last_request (f->mock);
  g_assert_cmpstr (received->path, ==, "/api/v1/chat/completions");
  g_assert_cmpstr (chiaro_mock_request_get_header (received, "Authorization"), ==, "Bearer " KEY);
  g_assert_null (chiaro_mock_request_get_header (received, "x-goog-api-key"));
  g_assert_cmpstr (json_object_get_string_member (last_body (f), "model"), ==,
                   "google/gemini-2.5-flash-image");

  chiaro_mock_server_push_scenario (f->mock, "openai-no-image");
  generate (f, provider, request);
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_NO_IMAGE);

  chiaro_mock_server_push_scenario (f->mock, "429-no-retryinfo");
  chiaro_http_client_set_max_attempts (f->http, 1);
  generate (f, provider, request);
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_RATE_LIMITED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/chiaro/provider/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("gemini/success", test_gemini_success);
  ADD ("gemini/options", test_gemini_options);
  ADD ("gemini/multi-turn", test_gemini_multi_turn);
  ADD ("gemini/failures", test_gemini_failures);
  ADD ("gemini/odd-answers", test_gemini_odd_answers);
  ADD ("gemini/retry-delay", test_gemini_retry_delay);
  ADD ("cancel/upload", test_cancel_upload);
  ADD ("cancel/download", test_cancel_download);
  ADD ("cancel/waiting", test_cancel_waiting);
  ADD ("timeout", test_timeout);
  ADD ("insecure-endpoint", test_insecure_endpoint);
  ADD ("openai", test_openai);

#undef ADD

  return g_test_run ();
}
