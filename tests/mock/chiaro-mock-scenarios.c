/* chiaro-mock-scenarios.c — the ways the mock can answer, by name
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Error bodies follow the real captures in fixtures/gemini/errors (envelopes, details and
 * wording); where no capture exists the text follows Google's documented status table.
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chiaro-mock-scenarios.h"

#define TROUBLESHOOTING "https://developers.generativeai.google/guide/troubleshooting"
#define RATE_LIMITS "https://ai.google.dev/gemini-api/docs/rate-limits"

static const ChiaroMockScenario scenarios[] = {
  { "ok", CHIARO_MOCK_SCENARIO_CONTENT, "an image (and text), finishReason STOP" },
  { "text-only", CHIARO_MOCK_SCENARIO_CONTENT, "STOP with text and no image" },
  { "prompt-blocked", CHIARO_MOCK_SCENARIO_CONTENT,
    "promptFeedback.blockReason SAFETY, no candidates" },
  { "image-safety", CHIARO_MOCK_SCENARIO_CONTENT,
    "IMAGE_SAFETY, content.parts null, finishMessage" },
  { "image-prohibited", CHIARO_MOCK_SCENARIO_CONTENT, "IMAGE_PROHIBITED_CONTENT, no content" },
  { "prohibited-content", CHIARO_MOCK_SCENARIO_CONTENT, "PROHIBITED_CONTENT, no content" },
  { "safety", CHIARO_MOCK_SCENARIO_CONTENT, "SAFETY with a blocked safety rating" },
  { "recitation", CHIARO_MOCK_SCENARIO_CONTENT, "RECITATION with citationMetadata" },
  { "image-recitation", CHIARO_MOCK_SCENARIO_CONTENT, "IMAGE_RECITATION, empty content" },
  { "no-image", CHIARO_MOCK_SCENARIO_CONTENT, "NO_IMAGE with a finishMessage" },
  { "image-other", CHIARO_MOCK_SCENARIO_CONTENT, "IMAGE_OTHER with a finishMessage" },
  { "other", CHIARO_MOCK_SCENARIO_CONTENT, "OTHER" },
  { "malformed-response", CHIARO_MOCK_SCENARIO_CONTENT, "MALFORMED_RESPONSE" },
  { "max-tokens", CHIARO_MOCK_SCENARIO_CONTENT, "MAX_TOKENS, content {role: model} without parts" },
  { "missing-thought-signature", CHIARO_MOCK_SCENARIO_CONTENT, "MISSING_THOUGHT_SIGNATURE" },
  { "parts-absent", CHIARO_MOCK_SCENARIO_CONTENT, "STOP, content without parts" },
  { "parts-null", CHIARO_MOCK_SCENARIO_CONTENT, "STOP, content.parts null" },
  { "multi-image", CHIARO_MOCK_SCENARIO_CONTENT, "text, image, text, image" },
  { "multi-image-bad", CHIARO_MOCK_SCENARIO_CONTENT,
    "text, image, text, a PNG whose header says 50000x50000" },
  { "thought-image", CHIARO_MOCK_SCENARIO_CONTENT,
    "an interim thought:true image before the final one" },
  { "thoughts-only", CHIARO_MOCK_SCENARIO_CONTENT, "only thought parts (text and images), STOP" },
  { "jpeg-labelled-png", CHIARO_MOCK_SCENARIO_CONTENT, "JPEG bytes labelled image/png" },
  { "invalid-base64", CHIARO_MOCK_SCENARIO_CONTENT, "inlineData.data that is not base64" },
  { "not-an-image", CHIARO_MOCK_SCENARIO_CONTENT, "base64 of plain text labelled as an image" },
  { "zero-size-image", CHIARO_MOCK_SCENARIO_CONTENT, "inlineData.data empty" },
  { "huge-dimensions", CHIARO_MOCK_SCENARIO_CONTENT, "a PNG whose header says 50000x50000" },
  { "wide-image", CHIARO_MOCK_SCENARIO_CONTENT, "a PNG whose header says 50000x1" },
  { "zero-dimensions", CHIARO_MOCK_SCENARIO_CONTENT, "a PNG whose header says 0x0" },
  { "openai-image-field", CHIARO_MOCK_SCENARIO_CONTENT, "OpenAI routes: message.image {url}" },
  { "openai-content-parts", CHIARO_MOCK_SCENARIO_CONTENT,
    "OpenAI routes: content array with an image_url part" },
  { "openai-markdown", CHIARO_MOCK_SCENARIO_CONTENT, "OpenAI routes: data URL in Markdown text" },
  { "openai-no-image", CHIARO_MOCK_SCENARIO_CONTENT, "OpenAI routes: text, no image" },
  { "400-invalid-argument", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "400 INVALID_ARGUMENT" },
  { "400-api-key-invalid", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "400 API_KEY_INVALID (real body)" },
  { "400-failed-precondition", CHIARO_MOCK_SCENARIO_HTTP_ERROR,
    "400 FAILED_PRECONDITION, location" },
  { "401", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "401 UNAUTHENTICATED, ACCESS_TOKEN_TYPE_UNSUPPORTED" },
  { "403", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "403 PERMISSION_DENIED, CONSUMER_SUSPENDED" },
  { "404", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "404 NOT_FOUND for the model (real body)" },
  { "429", CHIARO_MOCK_SCENARIO_HTTP_ERROR,
    "429 RESOURCE_EXHAUSTED, per-minute quota, RetryInfo 3s" },
  { "429-no-retryinfo", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "429 without RetryInfo" },
  { "429-per-day", CHIARO_MOCK_SCENARIO_HTTP_ERROR,
    "429 with a PerDay quotaId (and RetryInfo 59s)" },
  { "429-retry-after", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "429 with Retry-After: 2, no RetryInfo" },
  { "500", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "500 INTERNAL (real body)" },
  { "502", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "502 with a proxy's HTML page" },
  { "503", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "503 UNAVAILABLE, model overloaded (real body)" },
  { "504", CHIARO_MOCK_SCENARIO_HTTP_ERROR, "504 DEADLINE_EXCEEDED" },
  { "html-200", CHIARO_MOCK_SCENARIO_BROKEN_BODY, "200 with an HTML page" },
  { "empty-body", CHIARO_MOCK_SCENARIO_BROKEN_BODY, "200, application/json, no body" },
  { "truncated-json", CHIARO_MOCK_SCENARIO_BROKEN_BODY,
    "200 with the first half of a good answer" },
  { "wrong-content-type", CHIARO_MOCK_SCENARIO_BROKEN_BODY, "a good answer labelled text/plain" },
  { "reset", CHIARO_MOCK_SCENARIO_TRANSPORT, "the connection is reset halfway through the body" },
  { "stall", CHIARO_MOCK_SCENARIO_TRANSPORT, "never answers (until the server is disposed)" },
  { "slow", CHIARO_MOCK_SCENARIO_TRANSPORT, "a good answer trickled in 20 chunks, 50 ms apart" },
  { "redirect", CHIARO_MOCK_SCENARIO_TRANSPORT, "307 to the same URL, which then answers ok" },
  { "redirect-elsewhere", CHIARO_MOCK_SCENARIO_TRANSPORT,
    "307 to the same path on another origin (localhost instead of 127.0.0.1)" },
  { "huge-body", CHIARO_MOCK_SCENARIO_TRANSPORT,
    "a 200 MB chunked answer, streamed from one 1 MiB piece (never held whole)" },
  { "huge-body-length", CHIARO_MOCK_SCENARIO_TRANSPORT,
    "the same 200 MB answer with its Content-Length" },
};

const ChiaroMockScenario *
chiaro_mock_scenario_lookup (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      if (g_strcmp0 (scenarios[i].name, name) == 0)
        return &scenarios[i];
    }

  return NULL;
}

/* "503x2" → "503", 2; "ok" → "ok", 1. FALSE for a name the mock does not know. */
gboolean
chiaro_mock_scenario_parse (const char  *name,
                            char       **base,
                            guint       *count)
{
  const char *x;

  if (name == NULL)
    return FALSE;

  if (chiaro_mock_scenario_lookup (name) != NULL)
    {
      *base = g_strdup (name);
      *count = 1;
      return TRUE;
    }

  x = strrchr (name, 'x');
  if (x != NULL && x != name && x[1] != '\0' && strspn (x + 1, "0123456789") == strlen (x + 1))
    {
      g_autofree char *prefix = g_strndup (name, x - name);
      guint64 n = g_ascii_strtoull (x + 1, NULL, 10);

      if (n >= 1 && n <= 1000 && chiaro_mock_scenario_lookup (prefix) != NULL)
        {
          *base = g_steal_pointer (&prefix);
          *count = (guint) n;
          return TRUE;
        }
    }

  return FALSE;
}

const ChiaroMockScenario *
chiaro_mock_scenario_get_all (guint *n_scenarios)
{
  *n_scenarios = G_N_ELEMENTS (scenarios);
  return scenarios;
}

gboolean
chiaro_mock_route_is_openai (ChiaroMockRoute route)
{
  return route == CHIARO_MOCK_ROUTE_OPENAI || route == CHIARO_MOCK_ROUTE_OPENROUTER;
}

/* A Google error envelope, framed the way @route frames errors: plain on unary and SSE
 * routes (SSE still says text/event-stream, as recorded), in an array on the JSON stream and
 * on Google's OpenAI layer, and in OpenRouter's own {"error": {code, message}} there. */
ChiaroMockReply *
chiaro_mock_error_reply (ChiaroMockRoute  route,
                         JsonNode        *google_error)
{
  JsonObject *error = json_object_get_object_member (json_node_get_object (google_error), "error");
  guint code = (guint) json_object_get_int_member (error, "code");
  g_autoptr(JsonNode) framed = NULL;

  switch (route)
    {
    case CHIARO_MOCK_ROUTE_GENERATE:
      return chiaro_mock_reply_new_json (code, google_error, CHIARO_MOCK_JSON_PRETTY, NULL);

    case CHIARO_MOCK_ROUTE_STREAM_SSE:
      return chiaro_mock_reply_new_json (code, google_error, CHIARO_MOCK_JSON_PRETTY,
                                         "text/event-stream");

    case CHIARO_MOCK_ROUTE_STREAM_JSON:
    case CHIARO_MOCK_ROUTE_OPENAI:
      {
        JsonArray *array = json_array_new ();

        json_array_add_element (array, json_node_ref (google_error));
        framed = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (framed, array);
        return chiaro_mock_reply_new_json (code, framed, CHIARO_MOCK_JSON_PRETTY, NULL);
      }

    case CHIARO_MOCK_ROUTE_OPENROUTER:
      {
        JsonObject *inner = json_object_new ();
        JsonObject *root = json_object_new ();
        ChiaroMockReply *reply;

        json_object_set_int_member (inner, "code", code);
        json_object_set_string_member (inner, "message",
                                       json_object_get_string_member (error, "message"));
        json_object_set_object_member (root, "error", inner);
        framed = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (framed, root);
        reply = chiaro_mock_reply_new (code);
        chiaro_mock_reply_add_header (reply, "Content-Type", "application/json");
        chiaro_mock_reply_append_string (reply, chiaro_mock_json_to_string (framed,
                                                                           CHIARO_MOCK_JSON_DENSE));
        return reply;
      }

    default:
      g_assert_not_reached ();
    }
}

static JsonObject *
detail (const char *type)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "@type", type);
  return object;
}

static JsonObject *
quota_violation (const char *metric,
                 const char *quota_id,
                 const char *model_id)
{
  JsonObject *violation = json_object_new ();
  JsonObject *dimensions = json_object_new ();

  json_object_set_string_member (violation, "quotaMetric", metric);
  json_object_set_string_member (violation, "quotaId", quota_id);
  json_object_set_string_member (dimensions, "location", "global");
  json_object_set_string_member (dimensions, "model", model_id);
  json_object_set_object_member (violation, "quotaDimensions", dimensions);
  json_object_set_string_member (violation, "quotaValue", "10");

  return violation;
}

static JsonNode *
rate_limit_error (const char *model_id,
                  gboolean    per_day,
                  const char *retry_delay,
                  gboolean    help)
{
  JsonArray *details = json_array_new ();
  JsonArray *violations = json_array_new ();
  JsonObject *quota = detail ("type.googleapis.com/google.rpc.QuotaFailure");
  g_autofree char *message = NULL;
  const char *metric = "generativelanguage.googleapis.com/generate_content_paid_tier_requests";

  if (help)
    {
      JsonObject *help_detail = detail ("type.googleapis.com/google.rpc.Help");
      JsonArray *links = json_array_new ();
      JsonObject *link = json_object_new ();

      json_object_set_string_member (link, "description", "Learn more about Gemini API quotas");
      json_object_set_string_member (link, "url", RATE_LIMITS);
      json_array_add_object_element (links, link);
      json_object_set_array_member (help_detail, "links", links);
      json_array_add_object_element (details, help_detail);
    }

  json_array_add_object_element (violations,
                                 quota_violation (metric,
                                                  per_day
                                                  ? "GenerateRequestsPerDayPerProjectPerModel"
                                                  : "GenerateRequestsPerMinutePerProjectPerModel",
                                                  model_id));
  json_object_set_array_member (quota, "violations", violations);
  json_array_add_object_element (details, quota);

  if (retry_delay != NULL)
    {
      JsonObject *retry = detail ("type.googleapis.com/google.rpc.RetryInfo");

      json_object_set_string_member (retry, "retryDelay", retry_delay);
      json_array_add_object_element (details, retry);
    }

  message = g_strdup_printf ("You exceeded your current quota, please check your plan and billing "
                             "details. For more information on this error, head to: "
                             RATE_LIMITS ". To monitor your current usage, head to: "
                             "https://ai.dev/rate-limit. \n* Quota exceeded for metric: %s, "
                             "limit: 10, model: %s%s%s%s",
                             metric, model_id,
                             retry_delay != NULL ? "\nPlease retry in " : "",
                             retry_delay != NULL ? retry_delay : "",
                             retry_delay != NULL ? "." : "");

  return chiaro_mock_google_error (429, "RESOURCE_EXHAUSTED", message, details);
}

static JsonNode *
error_info_error (guint       code,
                  const char *status,
                  const char *message,
                  const char *reason,
                  gboolean    localized)
{
  JsonArray *details = json_array_new ();
  JsonObject *info = detail ("type.googleapis.com/google.rpc.ErrorInfo");

  json_object_set_string_member (info, "reason", reason);
  json_object_set_string_member (info, "domain", "googleapis.com");
  if (localized)
    {
      JsonObject *metadata = json_object_new ();

      json_object_set_string_member (metadata, "service", "generativelanguage.googleapis.com");
      json_object_set_object_member (info, "metadata", metadata);
    }
  json_array_add_object_element (details, info);

  if (localized)
    {
      JsonObject *text = detail ("type.googleapis.com/google.rpc.LocalizedMessage");

      json_object_set_string_member (text, "locale", "en-US");
      json_object_set_string_member (text, "message", message);
      json_array_add_object_element (details, text);
    }

  return chiaro_mock_google_error (code, status, message, details);
}

static JsonNode *
not_found_error (const char *model_id)
{
  g_autofree char *message =
    g_strdup_printf ("models/%s is not found for API version v1beta, or is not supported for "
                     "generateContent. Call ListModels to see the list of available models and "
                     "their supported methods.", model_id);
  g_autofree char *debug =
    g_strdup_printf ("[ORIGINAL ERROR] generic::not_found: %s [google.rpc.error_details_ext] "
                     "{ message: \"%s\" }", message, message);
  JsonArray *details = json_array_new ();
  JsonObject *info = detail ("type.googleapis.com/google.rpc.DebugInfo");

  json_object_set_string_member (info, "detail", debug);
  json_array_add_object_element (details, info);

  return chiaro_mock_google_error (404, "NOT_FOUND", message, details);
}

static char *
html_page (guint       code,
           const char *title,
           const char *text)
{
  return g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html lang=en>\n"
                          "  <meta charset=utf-8>\n"
                          "  <meta name=viewport content=\"initial-scale=1, minimum-scale=1, "
                          "width=device-width\">\n"
                          "  <title>Error %u (%s)!!1</title>\n"
                          "  <p><b>%u.</b> <ins>That’s an error.</ins>\n"
                          "  <p>%s <ins>That’s all we know.</ins>\n",
                          code, title, code, text);
}

/* The answer of an HTTP-error scenario on @route. */
ChiaroMockReply *
chiaro_mock_scenario_error_reply (const ChiaroMockScenario *scenario,
                                  ChiaroMockRoute           route,
                                  const char               *model_id)
{
  const char *name = scenario->name;
  g_autoptr(JsonNode) error = NULL;
  ChiaroMockReply *reply;

  g_return_val_if_fail (scenario->kind == CHIARO_MOCK_SCENARIO_HTTP_ERROR, NULL);

  if (g_str_equal (name, "502"))
    {
      reply = chiaro_mock_reply_new (502);
      chiaro_mock_reply_add_header (reply, "Content-Type", "text/html; charset=UTF-8");
      chiaro_mock_reply_add_header (reply, "Referrer-Policy", "no-referrer");
      chiaro_mock_reply_append_string (reply,
                                       html_page (502, "Server Error",
                                                  "The server encountered a temporary error and "
                                                  "could not complete your request.<p>Please try "
                                                  "again in 30 seconds."));
      return reply;
    }

  if (g_str_equal (name, "400-invalid-argument"))
    error = chiaro_mock_google_error (400, "INVALID_ARGUMENT",
                                      "Request contains an invalid argument.", NULL);
  else if (g_str_equal (name, "400-api-key-invalid"))
    error = error_info_error (400, "INVALID_ARGUMENT",
                              "API key not valid. Please pass a valid API key.",
                              "API_KEY_INVALID", TRUE);
  else if (g_str_equal (name, "400-failed-precondition"))
    error = chiaro_mock_google_error (400, "FAILED_PRECONDITION",
                                      "User location is not supported for the API use.", NULL);
  else if (g_str_equal (name, "401"))
    error = error_info_error (401, "UNAUTHENTICATED",
                              "Request had invalid authentication credentials. Expected OAuth 2 "
                              "access token, login cookie or other valid authentication "
                              "credential. See https://developers.google.com/identity/sign-in/"
                              "web/devconsole-project.",
                              "ACCESS_TOKEN_TYPE_UNSUPPORTED", FALSE);
  else if (g_str_equal (name, "403"))
    error = error_info_error (403, "PERMISSION_DENIED",
                              "Permission denied: Consumer 'api_key:AIzaSyMOCKMOCKMOCKMOCKMOCK' "
                              "has been suspended.",
                              "CONSUMER_SUSPENDED", FALSE);
  else if (g_str_equal (name, "404"))
    error = not_found_error (model_id);
  else if (g_str_equal (name, "429"))
    error = rate_limit_error (model_id, FALSE, "3s", TRUE);
  else if (g_str_equal (name, "429-no-retryinfo") || g_str_equal (name, "429-retry-after"))
    error = rate_limit_error (model_id, FALSE, NULL, TRUE);
  else if (g_str_equal (name, "429-per-day"))
    error = rate_limit_error (model_id, TRUE, "59s", TRUE);
  else if (g_str_equal (name, "500"))
    error = chiaro_mock_google_error (500, "INTERNAL",
                                      "An internal error has occurred. Please retry or report in "
                                      TROUBLESHOOTING, NULL);
  else if (g_str_equal (name, "503"))
    error = chiaro_mock_google_error (503, "UNAVAILABLE",
                                      "The model is overloaded. Please try again later.", NULL);
  else if (g_str_equal (name, "504"))
    error = chiaro_mock_google_error (504, "DEADLINE_EXCEEDED",
                                      "Deadline expired before operation could complete.", NULL);
  else
    g_assert_not_reached ();

  reply = chiaro_mock_error_reply (route, error);
  if (g_str_equal (name, "429-retry-after"))
    chiaro_mock_reply_add_header (reply, "Retry-After", "2");

  return reply;
}

/* A broken-body scenario's answer, made from the good answer it spoils. */
ChiaroMockReply *
chiaro_mock_scenario_break_body (const ChiaroMockScenario *scenario,
                                 ChiaroMockReply          *good)
{
  const char *name = scenario->name;
  ChiaroMockReply *reply = chiaro_mock_reply_new (200);
  g_autoptr(GBytes) body = NULL;

  g_return_val_if_fail (scenario->kind == CHIARO_MOCK_SCENARIO_BROKEN_BODY, NULL);

  if (g_str_equal (name, "html-200"))
    {
      chiaro_mock_reply_add_header (reply, "Content-Type", "text/html; charset=UTF-8");
      chiaro_mock_reply_append_string (reply,
                                       g_strdup ("<!DOCTYPE html>\n<html><head><title>Sign in"
                                                 "</title></head>\n<body><h1>Please sign in to "
                                                 "continue</h1><p>This network requires you to "
                                                 "accept the terms of use.</p></body></html>\n"));
      return reply;
    }

  if (g_str_equal (name, "empty-body"))
    {
      chiaro_mock_reply_add_header (reply, "Content-Type", "application/json; charset=UTF-8");
      chiaro_mock_reply_add_google_headers (reply);
      return reply;
    }

  body = chiaro_mock_reply_dup_body (good);

  if (g_str_equal (name, "truncated-json"))
    {
      chiaro_mock_reply_add_header (reply, "Content-Type", "application/json; charset=UTF-8");
      chiaro_mock_reply_add_google_headers (reply);
      g_ptr_array_add (reply->chunks,
                       g_bytes_new_from_bytes (body, 0, g_bytes_get_size (body) / 2));
      return reply;
    }

  if (g_str_equal (name, "wrong-content-type"))
    {
      chiaro_mock_reply_add_header (reply, "Content-Type", "text/plain; charset=UTF-8");
      chiaro_mock_reply_add_google_headers (reply);
      chiaro_mock_reply_append (reply, body);
      return reply;
    }

  g_assert_not_reached ();
}
