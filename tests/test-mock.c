/* test-mock.c — the mock Gemini server speaks the protocol of REFERENCE.md, strictly
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Driven with plain libsoup requests (not src/api), so these tests say what the server does
 * on the wire: statuses, envelopes, exact messages, shapes, pixel sizes, framing, recording.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "chiaro-mock-server.h"
#include "chiaro-test-util.h"

#define FLASH25 "gemini-2.5-flash-image"
#define PRO3 "gemini-3-pro-image-preview"
#define FLASH31 "gemini-3.1-flash-image-preview"
#define TROUBLESHOOTING "https://developers.generativeai.google/guide/troubleshooting"

typedef struct
{
  ChiaroMockServer *server;
  SoupSession      *session;
} Fixture;

typedef struct
{
  gboolean            done;
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  GError             *error;
  SoupMessage        *msg;
} Response;

static void
response_free (Response *response)
{
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_error (&response->error);
  g_clear_object (&response->msg);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = chiaro_mock_server_new (NULL, &error);
  g_assert_no_error (error);
  chiaro_mock_server_listen (fixture->server, 0, &error);
  g_assert_no_error (error);
  fixture->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->session);
  g_assert_finalize_object (fixture->server);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Response *response = user_data;

  response->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                      &response->error);
  response->status = soup_message_get_status (response->msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (response->msg));
  response->done = TRUE;
}

static gboolean
response_done (gpointer user_data)
{
  return ((Response *) user_data)->done;
}

static Response *
send_to_va (SoupSession  *session,
            const char   *method,
            const char   *uri,
            const char   *body,
            GCancellable *cancellable,
            gboolean      wait,
            va_list       args)
{
  Response *response = g_new0 (Response, 1);
  SoupMessageHeaders *headers;
  const char *name;

  response->msg = soup_message_new (method, uri);
  g_assert_nonnull (response->msg);
  headers = soup_message_get_request_headers (response->msg);

  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_append (headers, name, va_arg (args, const char *));

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (response->msg, "application/json", bytes);
    }

  soup_session_send_and_read_async (session, response->msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_sent, response);
  if (!wait)
    return response;

  g_assert_true (chiaro_test_wait_until (response_done, response, 120));
  return response;
}

/* Sends @body to @uri and runs the main context until the answer (or failure) is in.
 * Header names and values follow, NULL-terminated. */
static Response *
send_to (SoupSession *session,
         const char  *method,
         const char  *uri,
         const char  *body,
         ...)
{
  Response *response;
  va_list args;

  va_start (args, body);
  response = send_to_va (session, method, uri, body, NULL, TRUE, args);
  va_end (args);

  return response;
}

/* The same, to @path on the fixture's server. */
static Response *
send_full (Fixture      *fixture,
           const char   *method,
           const char   *path,
           const char   *body,
           GCancellable *cancellable,
           ...)
{
  g_autofree char *uri = g_strconcat (chiaro_mock_server_get_url (fixture->server), path, NULL);
  Response *response;
  va_list args;

  va_start (args, cancellable);
  response = send_to_va (fixture->session, method, uri, body, cancellable, TRUE, args);
  va_end (args);

  return response;
}

static Response *
start_to (SoupSession *session,
          const char  *uri,
          const char  *body,
          ...)
{
  Response *response;
  va_list args;

  va_start (args, body);
  response = send_to_va (session, "POST", uri, body, NULL, FALSE, args);
  va_end (args);

  return response;
}

static Response *
post_gemini (Fixture    *fixture,
             const char *model,
             const char *body)
{
  g_autofree char *path = g_strdup_printf ("/v1beta/models/%s:generateContent", model);

  return send_full (fixture, "POST", path, body, NULL, "x-goog-api-key", "test-key", NULL);
}

static JsonNode *
parse_body (Response *response)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_no_error (response->error);
  g_assert_nonnull (response->body);
  json_parser_load_from_data (parser, g_bytes_get_data (response->body, NULL),
                              g_bytes_get_size (response->body), &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

/* The first match of a JSONPath expression, or NULL. */
static JsonNode *
query (JsonNode   *root,
       const char *expression)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) matches = json_path_query (expression, root, &error);
  JsonArray *array;

  g_assert_no_error (error);
  array = json_node_get_array (matches);
  if (json_array_get_length (array) == 0)
    return NULL;

  return json_node_copy (json_array_get_element (array, 0));
}

static char *
query_string (JsonNode   *root,
              const char *expression)
{
  g_autoptr(JsonNode) node = query (root, expression);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_dup_string (node);
}

static gint64
query_int (JsonNode   *root,
           const char *expression)
{
  g_autoptr(JsonNode) node = query (root, expression);

  g_assert_nonnull (node);
  return json_node_get_int (node);
}

static guint
query_count (JsonNode   *root,
             const char *expression)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) matches = json_path_query (expression, root, &error);

  g_assert_no_error (error);
  return json_array_get_length (json_node_get_array (matches));
}

/* Elements of the array at @expression whose @member is @value ("true" for a boolean). */
static guint
count_where (JsonNode   *root,
             const char *expression,
             const char *member,
             const char *value)
{
  g_autoptr(JsonNode) node = query (root, expression);
  JsonArray *array;
  guint count = 0;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return 0;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      JsonNode *field = json_object_get_member (object, member);

      if (field == NULL || !JSON_NODE_HOLDS_VALUE (field))
        continue;
      if (json_node_get_value_type (field) == G_TYPE_BOOLEAN)
        count += json_node_get_boolean (field) && g_str_equal (value, "true");
      else if (json_node_get_value_type (field) == G_TYPE_STRING)
        count += g_str_equal (json_node_get_string (field), value);
    }

  return count;
}

/* Strings matched by @expression that contain @needle. */
static guint
count_containing (JsonNode   *root,
                  const char *expression,
                  const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) matches = json_path_query (expression, root, &error);
  JsonArray *array;
  guint count = 0;

  g_assert_no_error (error);
  array = json_node_get_array (matches);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *text = json_array_get_string_element (array, i);

      count += text != NULL && strstr (text, needle) != NULL;
    }

  return count;
}

static void
assert_error (Response   *response,
              guint       status,
              const char *grpc_status,
              const char *message)
{
  g_autoptr(JsonNode) root = parse_body (response);
  g_autofree char *got_status = query_string (root, "$.error.status");
  g_autofree char *got_message = query_string (root, "$.error.message");

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpint (query_int (root, "$.error.code"), ==, status);
  g_assert_cmpstr (got_status, ==, grpc_status);
  if (message != NULL)
    g_assert_cmpstr (got_message, ==, message);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   "application/json");
}

static JsonNode *
load_fixture_json (const char *name)
{
  g_autofree char *path = chiaro_test_fixture_path ("gemini", "errors", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static GBytes *
make_image (const char *type,
            int         width,
            int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, type, &error, NULL);
  g_assert_no_error (error);

  return g_bytes_new_take (buffer, size);
}

static char *
make_image_base64 (const char *type,
                   int         width,
                   int         height)
{
  g_autoptr(GBytes) bytes = make_image (type, width, height);

  return g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static GdkPixbuf *
decode (GBytes *bytes)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf = gdk_pixbuf_new_from_stream (stream, NULL, &error);

  g_assert_no_error (error);
  return pixbuf;
}

static GBytes *
decode_base64 (const char *text)
{
  gsize size = 0;
  guchar *data = g_base64_decode (text, &size);

  return g_bytes_new_take (data, size);
}

static char *
simple_request (const char *prompt,
                const char *generation_config)
{
  return g_strdup_printf ("{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"%s\"}]}]"
                          "%s%s}", prompt,
                          generation_config != NULL ? ", \"generationConfig\": " : "",
                          generation_config != NULL ? generation_config : "");
}

/* A successful answer: the real shape, an image of the documented size, the right usage. */
static void
test_generate_ok (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *body = simple_request ("A lighthouse at dusk",
                                          "{\"responseModalities\": [\"TEXT\", \"IMAGE\"], "
                                          "\"imageConfig\": {\"aspectRatio\": \"16:9\"}}");
  g_autoptr(Response) response = post_gemini (fixture, FLASH25, body);
  g_autoptr(JsonNode) root = parse_body (response);
  g_autofree char *role = query_string (root, "$.candidates[0].content.role");
  g_autofree char *finish = query_string (root, "$.candidates[0].finishReason");
  g_autofree char *text = query_string (root, "$.candidates[0].content.parts[0].text");
  g_autofree char *mime = query_string (root, "$.candidates[0].content.parts[1].inlineData.mimeType");
  g_autofree char *data64 = query_string (root, "$.candidates[0].content.parts[1].inlineData.data");
  g_autofree char *version = query_string (root, "$.modelVersion");
  g_autofree char *id = query_string (root, "$.responseId");
  g_autofree char *modality = query_string (root, "$.usageMetadata.candidatesTokensDetails[0].modality");
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Content-Type"), ==,
                   "application/json; charset=UTF-8");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Server"), ==,
                   "scaffolding on HTTPServer2");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Content-Encoding"), ==, "gzip");
  g_assert_cmpstr (role, ==, "model");
  g_assert_cmpstr (finish, ==, "STOP");
  g_assert_cmpint (query_int (root, "$.candidates[0].index"), ==, 0);
  g_assert_cmpuint (query_count (root, "$.candidates[0].content.parts[*]"), ==, 2);
  g_assert_true (g_str_has_suffix (text, "A lighthouse at dusk"));
  g_assert_cmpstr (mime, ==, "image/png");
  g_assert_cmpstr (version, ==, FLASH25);
  g_assert_cmpuint (strlen (id), ==, 23);
  g_assert_cmpuint (query_count (root, "$..thoughtSignature"), ==, 0);
  g_assert_cmpuint (query_count (root, "$..thoughtsTokenCount"), ==, 0);
  g_assert_cmpstr (modality, ==, "IMAGE");
  g_assert_cmpint (query_int (root, "$.usageMetadata.candidatesTokensDetails[0].tokenCount"), ==, 1290);
  g_assert_cmpint (query_int (root, "$.usageMetadata.totalTokenCount"), ==,
                   query_int (root, "$.usageMetadata.promptTokenCount") +
                   query_int (root, "$.usageMetadata.candidatesTokenCount"));

  image = decode_base64 (data64);
  g_assert_cmpmem (g_bytes_get_data (image, NULL), 8, "\x89PNG\r\n\x1a\n", 8);
  pixbuf = decode (image);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1344);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 768);
}

typedef struct
{
  const char *model;
  const char *config;   /* the imageConfig members */
  int         width;
  int         height;
  const char *mime;
  int         tokens;
} SizeCase;

static const SizeCase size_cases[] = {
  { FLASH25, "", 1024, 1024, "image/png", 1290 },
  { FLASH25, "\"aspectRatio\": \"21:9\"", 1536, 672, "image/png", 1290 },
  { PRO3, "\"aspectRatio\": \"4:3\", \"imageSize\": \"2K\"", 2400, 1792, "image/jpeg", 1120 },
  { PRO3, "\"aspectRatio\": \"9:16\"", 768, 1376, "image/jpeg", 1120 },
  { "gemini-3-pro-image", "\"aspectRatio\": \"16:9\", \"imageSize\": \"4K\"", 5504, 3072,
    "image/jpeg", 2000 },
  { FLASH31, "\"aspectRatio\": \"21:9\", \"imageSize\": \"512\"", 792, 336, "image/jpeg", 747 },
  { FLASH31, "\"aspectRatio\": \"1:8\"", 384, 3072, "image/jpeg", 1120 },
  { FLASH31, "\"aspectRatio\": \"4:1\", \"imageSize\": \"2K\"", 4096, 1024, "image/jpeg", 1680 },
  { "gemini-3.1-flash-lite-image", "\"aspectRatio\": \"3:2\"", 1264, 848, "image/jpeg", 1120 },
  { "some-future-model", "\"aspectRatio\": \"5:4\", \"imageSize\": \"2K\"", 2304, 1856,
    "image/png", 1680 },
};

/* Pixel sizes and image tokens per model, ratio and size (REFERENCE §2.4). */
static void
test_generate_sizes (Fixture       *fixture,
                     gconstpointer  data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (size_cases); i++)
    {
      const SizeCase *c = &size_cases[i];
      g_autofree char *config = g_strdup_printf ("{\"imageConfig\": {%s}}", c->config);
      g_autofree char *body = simple_request ("Sizes", config);
      g_autoptr(Response) response = post_gemini (fixture, c->model, body);
      g_autoptr(JsonNode) root = parse_body (response);
      g_autofree char *mime = query_string (root, "$.candidates[0].content.parts[1].inlineData.mimeType");
      g_autofree char *data64 = query_string (root, "$.candidates[0].content.parts[1].inlineData.data");
      g_autoptr(GBytes) image = decode_base64 (data64);
      g_autoptr(GdkPixbuf) pixbuf = decode (image);

      g_test_message ("%s %s", c->model, c->config);
      g_assert_cmpuint (response->status, ==, 200);
      g_assert_cmpstr (mime, ==, c->mime);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, c->width);
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, c->height);
      g_assert_cmpint (query_int (root, "$.usageMetadata.candidatesTokensDetails[0].tokenCount"),
                       ==, c->tokens);
    }
}

/* Without aspectRatio the output follows the input image's shape. */
static void
test_generate_ratio_from_input (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *input = make_image_base64 ("png", 300, 200);
  g_autofree char *body = g_strdup_printf ("{\"contents\": [{\"parts\": [{\"text\": \"Edit\"}, "
                                           "{\"inlineData\": {\"mimeType\": \"image/png\", "
                                           "\"data\": \"%s\"}}]}]}", input);
  g_autoptr(Response) response = post_gemini (fixture, FLASH25, body);
  g_autoptr(JsonNode) root = parse_body (response);
  g_autofree char *data64 = query_string (root, "$.candidates[0].content.parts[1].inlineData.data");
  g_autoptr(GBytes) image = decode_base64 (data64);
  g_autoptr(GdkPixbuf) pixbuf = decode (image);

  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1248);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 832);
  /* One input image: 1290 prompt tokens for it on 2.5, as in the recorded edit. */
  g_assert_cmpuint (query_count (root, "$.usageMetadata.promptTokensDetails[*]"), ==, 2);
  g_assert_cmpint (query_int (root, "$.usageMetadata.promptTokensDetails[1].tokenCount"), ==, 1290);
}

/* Different prompts give different pictures; the same prompt twice gives different bytes. */
static void
test_generate_distinct_images (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *prompts[] = { "A red fox", "A red fox", "A blue whale" };
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) pixels = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
    {
      g_autofree char *body = simple_request (prompts[i], NULL);
      g_autoptr(Response) response = post_gemini (fixture, FLASH25, body);
      g_autoptr(JsonNode) root = parse_body (response);
      g_autofree char *data64 = query_string (root, "$..inlineData.data");
      GBytes *image = decode_base64 (data64);

      g_ptr_array_add (images, image);
      g_ptr_array_add (pixels, decode (image));
    }

  g_assert_false (g_bytes_equal (images->pdata[0], images->pdata[1]));
  g_assert_cmpmem (gdk_pixbuf_read_pixels (pixels->pdata[0]), 1024 * 3,
                   gdk_pixbuf_read_pixels (pixels->pdata[1]), 1024 * 3);
  g_assert_false (memcmp (gdk_pixbuf_read_pixels (pixels->pdata[0]),
                          gdk_pixbuf_read_pixels (pixels->pdata[2]), 1024 * 3) == 0);
}

/* Gemini 3 signs the first part after the thoughts and every image; 2.5 signs nothing. A
 * conversation must hand the signatures back when enforcement is on. */
static void
test_generate_signatures (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *body = simple_request ("A castle",
                                          "{\"thinkingConfig\": {\"includeThoughts\": true}}");
  g_autoptr(Response) response = post_gemini (fixture, PRO3, body);
  g_autoptr(JsonNode) root = parse_body (response);
  g_autoptr(JsonNode) content = query (root, "$.candidates[0].content");
  JsonArray *parts = json_object_get_array_member (json_node_get_object (content), "parts");
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *model_turn = NULL;
  g_autofree char *history = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *skipped = NULL;
  g_autofree char *tampered = NULL;
  guint thoughts = 0;
  JsonObject *image_part;
  const char *signature;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (parts), ==, 4);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);

      if (json_object_get_boolean_member_with_default (part, "thought", FALSE))
        {
          g_assert_cmpuint (i, ==, thoughts);
          g_assert_false (json_object_has_member (part, "thoughtSignature"));
          thoughts++;
        }
      else
        g_assert_true (json_object_has_member (part, "thoughtSignature"));
    }
  g_assert_cmpuint (thoughts, ==, 2);
  g_assert_cmpint (query_int (root, "$.usageMetadata.thoughtsTokenCount"), >, 0);

  /* The full conversation, the model turn verbatim: accepted when enforced. */
  chiaro_mock_server_set_enforce_signatures (fixture->server, TRUE);
  json_generator_set_root (generator, content);
  model_turn = json_generator_to_data (generator, NULL);
  history = g_strdup_printf ("{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": "
                             "\"A castle\"}]}, %s, {\"role\": \"user\", \"parts\": [{\"text\": "
                             "\"At night\"}]}]}", model_turn);
  {
    g_autoptr(Response) again = post_gemini (fixture, PRO3, history);

    g_assert_cmpuint (again->status, ==, 200);
  }

  /* The image's signature dropped, replaced by a documented skip value, or altered. */
  image_part = json_array_get_object_element (parts, 3);
  signature = json_object_get_string_member (image_part, "thoughtSignature");
  g_assert_true (json_object_has_member (image_part, "inlineData"));
  tampered = g_strdup (signature);
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';

  json_object_remove_member (image_part, "thoughtSignature");
  g_free (model_turn);
  model_turn = json_generator_to_data (generator, NULL);
  stripped = g_strdup_printf ("{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": "
                              "\"A castle\"}]}, %s, {\"role\": \"user\", \"parts\": [{\"text\": "
                              "\"At night\"}]}]}", model_turn);

  json_object_set_string_member (image_part, "thoughtSignature",
                                 "context_engineering_is_the_way_to_go");
  g_free (model_turn);
  model_turn = json_generator_to_data (generator, NULL);
  skipped = g_strdup_printf ("{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": "
                             "\"A castle\"}]}, %s, {\"role\": \"user\", \"parts\": [{\"text\": "
                             "\"At night\"}]}]}", model_turn);

  json_object_set_string_member (image_part, "thoughtSignature", tampered);
  g_free (model_turn);
  model_turn = json_generator_to_data (generator, NULL);
  g_free (history);
  history = g_strdup_printf ("{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": "
                             "\"A castle\"}]}, %s, {\"role\": \"user\", \"parts\": [{\"text\": "
                             "\"At night\"}]}]}", model_turn);

  {
    g_autoptr(Response) missing = post_gemini (fixture, PRO3, stripped);
    g_autoptr(Response) skip = post_gemini (fixture, PRO3, skipped);
    g_autoptr(Response) altered = post_gemini (fixture, PRO3, history);
    g_autoptr(Response) flash = post_gemini (fixture, FLASH25, stripped);

    assert_error (missing, 400, "INVALID_ARGUMENT",
                  "Unable to submit request because it has an invalid thought signature for "
                  "content at index 1");
    g_assert_cmpuint (skip->status, ==, 200);
    assert_error (altered, 400, "INVALID_ARGUMENT",
                  "Unable to submit request because it has an invalid thought signature for "
                  "content at index 1");
    /* Gemini 2.5 gives no signatures and asks for none. */
    g_assert_cmpuint (flash->status, ==, 200);
  }

  /* Off (the default), nothing is checked. */
  chiaro_mock_server_set_enforce_signatures (fixture->server, FALSE);
  {
    g_autoptr(Response) lenient = post_gemini (fixture, PRO3, stripped);

    g_assert_cmpuint (lenient->status, ==, 200);
  }
}

typedef struct
{
  const char *name;
  const char *model;
  const char *body;
  const char *message;
} ValidationCase;

static const ValidationCase validation_cases[] = {
  { "unknown-field", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"aspectRatio\": "
    "\"16:9\"}}",
    "Invalid JSON payload received. Unknown name \"aspectRatio\" at 'generation_config': Cannot "
    "find field." },
  { "unknown-top-level", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"config\": {}}",
    "Invalid JSON payload received. Unknown name \"config\": Cannot find field." },
  { "unknown-nested-snake", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\", \"inline_data\": null, \"mime_type\": "
    "\"image/png\"}]}]}",
    "Invalid JSON payload received. Unknown name \"mime_type\" at 'contents[0].parts[0]': Cannot "
    "find field." },
  { "two-unknown-fields", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"a\": 1, \"generationConfig\": {\"b\": "
    "2}}",
    "Invalid JSON payload received. Unknown name \"a\": Cannot find field.\n"
    "Invalid JSON payload received. Unknown name \"b\" at 'generation_config': Cannot find field." },
  { "bad-enum", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": "
    "{\"responseModalities\": [\"IMAGE\", \"Picture\"]}}",
    "Invalid value at 'generation_config.response_modalities[1]' "
    "(type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality), "
    "\"Picture\"" },
  { "bad-enum-snake", FLASH31,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generation_config\": "
    "{\"thinking_config\": {\"thinking_level\": \"EXTREME\"}}}",
    "Invalid value at 'generation_config.thinking_config.thinking_level' "
    "(type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), "
    "\"EXTREME\"" },
  { "bad-harm-category", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"safetySettings\": [{\"category\": "
    "\"VIOLENCE\", \"threshold\": \"OFF\"}]}",
    "Invalid value at 'safety_settings[0].category' "
    "(type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory), \"VIOLENCE\"" },
  { "int32-overflow", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"seed\": "
    "3812238859}}",
    "Invalid value at 'generation_config.seed' (TYPE_INT32), 3812238859" },
  { "float-for-int", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"topK\": 1.5}}",
    "Invalid value at 'generation_config.top_k' (TYPE_INT32), 1.5" },
  { "string-for-number", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"temperature\": "
    "\"warm\"}}",
    "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"warm\"" },
  { "string-for-bool", FLASH31,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": "
    "{\"thinkingConfig\": {\"includeThoughts\": \"yes\"}}}",
    "Invalid value at 'generation_config.thinking_config.include_thoughts' (TYPE_BOOL), \"yes\"" },
  { "number-for-string", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": 42}]}]}",
    "Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 42" },
  { "bad-base64", FLASH25,
    "{\"contents\": [{\"parts\": [{\"inlineData\": {\"mimeType\": \"image/png\", \"data\": "
    "\"iVBOR*w0\"}}]}]}",
    "Invalid value at 'contents[0].parts[0].inline_data.data' (TYPE_BYTES), Base64 decoding "
    "failed for \"iVBOR*w0\"" },
  { "list-for-message", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": []}",
    "Invalid JSON payload received. Unknown name \"generationConfig\": Proto field is not "
    "repeating, cannot start list." },
  { "object-for-scalar", FLASH25,
    "{\"contents\": [{\"role\": {\"name\": \"user\"}, \"parts\": [{\"text\": \"x\"}]}]}",
    "Invalid JSON payload received. Unknown name \"role\" at 'contents[0]': Starting an object on "
    "a scalar field" },
  { "two-data-members", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\", \"fileData\": {\"fileUri\": "
    "\"https://example.com/a.png\"}}]}]}",
    "Invalid JSON payload received. Oneof field 'data' is already set. Cannot set 'fileData'" },
  { "root-not-object", FLASH25, "[1, 2]",
    "Invalid JSON payload received. Unknown name \"\": Root element must be a message." },
  { "no-contents", FLASH25, "{}",
    "* GenerateContentRequest.contents: contents is not specified\n" },
  { "empty-body", FLASH25, "",
    "* GenerateContentRequest.contents: contents is not specified\n" },
  { "empty-parts", FLASH25,
    "{\"contents\": [{\"role\": \"user\", \"parts\": []}, {\"role\": \"model\"}]}",
    "* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n"
    "* GenerateContentRequest.contents[1].parts: contents.parts must not be empty.\n" },
  { "part-without-data", FLASH25,
    "{\"contents\": [{\"parts\": [{\"thought\": true}]}]}",
    "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have "
    "one initialized field\n" },
  { "bad-role", FLASH25,
    "{\"contents\": [{\"role\": \"assistant\", \"parts\": [{\"text\": \"x\"}]}]}",
    "Please use a valid role: user, model." },
  { "model-first", FLASH25,
    "{\"contents\": [{\"role\": \"model\", \"parts\": [{\"text\": \"x\"}]}, {\"role\": \"user\", "
    "\"parts\": [{\"text\": \"y\"}]}]}",
    "First content should be with role 'user', got model" },
  { "two-model-turns", FLASH25,
    "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"x\"}]}, {\"role\": \"model\", "
    "\"parts\": [{\"text\": \"y\"}]}, "
    "{\"role\": \"model\", \"parts\": [{\"text\": \"z\"}]}, {\"role\": \"user\", \"parts\": "
    "[{\"text\": \"w\"}]}]}",
    "Please ensure that multiturn requests alternate between user and model." },
  { "ends-with-model", FLASH25,
    "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"x\"}]}, {\"role\": \"model\", "
    "\"parts\": [{\"text\": \"y\"}]}]}",
    "Please ensure that multiturn requests end with a user role or the role field is empty." },
  { "ratio-2.5", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"imageConfig\": "
    "{\"aspectRatio\": \"1:4\"}}}",
    "* GenerateContentRequest.generation_config.image_config.aspect_ratio: aspect_ratio must be "
    "one of "
    "'1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', or '21:9'.\n" },
  { "ratio-pro", PRO3,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"imageConfig\": "
    "{\"aspectRatio\": \"8:1\"}}}",
    "* GenerateContentRequest.generation_config.image_config.aspect_ratio: aspect_ratio must be "
    "one of "
    "'1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', or '21:9'.\n" },
  { "size-2.5", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"imageConfig\": "
    "{\"imageSize\": \"1K\"}}}",
    "Image size is not enabled for this model" },
  { "size-lower-case", PRO3,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"imageConfig\": "
    "{\"imageSize\": \"1k\"}}}",
    "* GenerateContentRequest.generation_config.image_config.image_size: image_size must be one "
    "of '1K', '2K', or '4K'.\n" },
  { "size-512-pro", PRO3,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"imageConfig\": "
    "{\"imageSize\": \"512\"}}}",
    "* GenerateContentRequest.generation_config.image_config.image_size: image_size must be one "
    "of '1K', '2K', or '4K'.\n" },
  { "size-0.5K-flash", FLASH31,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"imageConfig\": "
    "{\"imageSize\": \"0.5K\"}}}",
    "* GenerateContentRequest.generation_config.image_config.image_size: image_size must be one "
    "of '512', '1K', '2K', or '4K'.\n" },
  { "size-lite", "gemini-3.1-flash-lite-image",
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": {\"imageConfig\": "
    "{\"imageSize\": \"2K\"}}}",
    "* GenerateContentRequest.generation_config.image_config.image_size: image_size must be one "
    "of '1K'.\n" },
  { "candidates", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": "
    "{\"candidateCount\": 2}}",
    "Multiple candidates is not enabled for models/gemini-2.5-flash-image" },
  { "candidates-pro", PRO3,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": "
    "{\"candidateCount\": \"3\"}}",
    "Multiple candidates is not enabled for models/gemini-3-pro-image-preview" },
  { "system-instruction", FLASH25,
    "{\"systemInstruction\": {\"parts\": [{\"text\": \"Be brief\"}]}, \"contents\": [{\"parts\": "
    "[{\"text\": \"x\"}]}]}",
    "Developer instruction is not enabled for models/gemini-2.5-flash-image" },
  { "thinking-2.5", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": "
    "{\"thinkingConfig\": {\"includeThoughts\": true}}}",
    "Thinking is not enabled for models/gemini-2.5-flash-image" },
  { "level-and-budget", FLASH31,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": "
    "{\"thinkingConfig\": {\"thinkingLevel\": \"HIGH\", \"thinkingBudget\": 1024}}}",
    "You can only set only one of thinking budget and thinking level." },
  { "search-2.5", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"tools\": [{\"googleSearch\": {}}]}",
    "Search Grounding is not supported." },
  { "search-types-pro", PRO3,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"tools\": [{\"google_search\": "
    "{\"search_types\": {\"image_search\": {}}}}]}",
    "Search types are not supported for models/gemini-3-pro-image-preview" },
  { "unknown-search-type", FLASH31,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"tools\": [{\"googleSearch\": "
    "{\"searchTypes\": {\"videoSearch\": {}}}}]}",
    "Invalid JSON payload received. Unknown name \"videoSearch\" at "
    "'tools[0].google_search.search_types': Cannot find field." },
  { "functions", PRO3,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"tools\": [{\"functionDeclarations\": "
    "[{\"name\": \"f\"}]}]}",
    "Function calling is not enabled for models/gemini-3-pro-image-preview" },
  { "text-modality-only", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": "
    "{\"responseModalities\": [\"TEXT\"]}}",
    "Model does not support the requested response modalities: text" },
  { "audio-modality", FLASH31,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": "
    "{\"responseModalities\": [\"AUDIO\", \"IMAGE\"]}}",
    "Model does not support the requested response modalities: audio,image" },
  { "gif", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}, {\"inlineData\": {\"mimeType\": "
    "\"image/gif\", \"data\": \"R0lGODlhAQABAAAAACw=\"}}]}]}",
    "Unsupported MIME type: image/gif" },
  { "jpg-label", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}, {\"inlineData\": {\"mimeType\": "
    "\"image/jpg\", \"data\": \"/9j/4AAQ\"}}]}]}",
    "Unsupported MIME type: image/jpg" },
  { "no-mime-type", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}, {\"inlineData\": {\"data\": "
    "\"/9j/4AAQ\"}}]}]}",
    "* GenerateContentRequest.contents[0].parts[1].inline_data.mime_type: mime_type is not "
    "specified\n" },
  { "text-as-image", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}, {\"inlineData\": {\"mimeType\": "
    "\"image/png\", \"data\": \"aGVsbG8gd29ybGQ=\"}}]}]}",
    "Unable to process input image. Please retry or report in " TROUBLESHOOTING },
  { "empty-image", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}, {\"inlineData\": {\"mimeType\": "
    "\"image/png\", \"data\": \"\"}}]}]}",
    "Unable to process input image. Please retry or report in " TROUBLESHOOTING },
  { "truncated-png", FLASH25,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}, {\"inlineData\": {\"mimeType\": "
    "\"image/png\", \"data\": \"iVBORw0KGgo=\"}}]}]}",
    "Unable to process input image. Please retry or report in " TROUBLESHOOTING },
  { "file-without-uri", PRO3,
    "{\"contents\": [{\"parts\": [{\"text\": \"x\"}, {\"fileData\": {\"mimeType\": "
    "\"image/png\"}}]}]}",
    "* GenerateContentRequest.contents[0].parts[1].file_data.file_uri: file_uri is not specified\n" },
};

/* Each refusal: 400 INVALID_ARGUMENT with the service's exact words; recorded as refused. */
static void
test_validation (Fixture       *fixture,
                 gconstpointer  data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (validation_cases); i++)
    {
      const ValidationCase *c = &validation_cases[i];
      g_autoptr(Response) response = NULL;
      ChiaroMockRequest *record;

      g_test_message ("case %s", c->name);
      response = post_gemini (fixture, c->model, c->body);
      assert_error (response, 400, "INVALID_ARGUMENT", c->message);

      record = chiaro_mock_server_get_last_request (fixture->server);
      g_assert_cmpuint (record->status, ==, 400);
      g_assert_cmpstr (record->model, ==, c->model);
    }

  g_assert_cmpuint (chiaro_mock_server_get_n_requests (fixture->server), ==,
                    G_N_ELEMENTS (validation_cases));
}

/* The front end's problems come with BadRequest field violations; the model's do not. */
static void
test_validation_details (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(Response) unknown = post_gemini (fixture, FLASH25, validation_cases[0].body);
  g_autoptr(JsonNode) root = parse_body (unknown);
  g_autofree char *type = query_string (root, "$.error.details[0]['@type']");
  g_autofree char *field = query_string (root, "$.error.details[0].fieldViolations[0].field");
  g_autofree char *description = query_string (root, "$.error.details[0].fieldViolations[0].description");
  g_autoptr(JsonNode) fixture_root = load_fixture_json ("400-aspect-ratio-invalid.json");
  g_autofree char *fixture_message = query_string (fixture_root, "$.error.message");
  g_autoptr(JsonNode) developer = load_fixture_json ("400-developer-instruction-not-enabled.json");
  g_autofree char *developer_message = query_string (developer, "$.error.message");
  g_autoptr(Response) ratio = NULL;
  g_autoptr(Response) system = NULL;
  g_autoptr(JsonNode) ratio_root = NULL;

  g_assert_cmpstr (type, ==, "type.googleapis.com/google.rpc.BadRequest");
  g_assert_cmpstr (field, ==, "generation_config");
  g_assert_cmpstr (description, ==, validation_cases[0].message);

  /* The aspect-ratio message is the one captured from gemini-3.1-flash-image. */
  ratio = post_gemini (fixture, FLASH31,
                       "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}], \"generationConfig\": "
                       "{\"imageConfig\": {\"aspectRatio\": \"7:5\"}}}");
  assert_error (ratio, 400, "INVALID_ARGUMENT", fixture_message);
  ratio_root = parse_body (ratio);
  g_assert_cmpuint (query_count (ratio_root, "$.error.details"), ==, 0);

  system = post_gemini (fixture, FLASH25,
                        "{\"system_instruction\": {\"parts\": [{\"text\": \"x\"}]}, "
                        "\"contents\": [{\"parts\": [{\"text\": \"x\"}]}]}");
  assert_error (system, 400, "INVALID_ARGUMENT", developer_message);
}

static void
test_validation_json_syntax (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(Response) response = post_gemini (fixture, FLASH25,
                                              "{\"contents\": [{\"parts\": [{\"text\": \"x\"}]}");
  g_autoptr(JsonNode) root = parse_body (response);
  g_autofree char *message = query_string (root, "$.error.message");

  g_assert_cmpuint (response->status, ==, 400);
  g_assert_true (g_str_has_prefix (message, "Invalid JSON payload received. Unexpected token.\n"));
  g_assert_true (g_str_has_suffix (message, "^"));
  g_assert_null (chiaro_mock_server_get_last_request (fixture->server)->json);
}

/* Everything in proto (snake_case) spelling is accepted and answered in camelCase. */
static void
test_validation_snake_case (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *input = make_image_base64 ("jpeg", 64, 64);
  g_autofree char *body = g_strdup_printf (
    "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"x\"}, {\"inline_data\": "
    "{\"mime_type\": \"image/jpeg\", \"data\": \"%s\"}}]}], \"generation_config\": "
    "{\"response_modalities\": [\"IMAGE\"], \"candidate_count\": 1, \"max_output_tokens\": 32768, "
    "\"top_p\": 0.95, \"image_config\": {\"aspect_ratio\": \"4:5\", \"image_size\": \"2K\"}, "
    "\"thinking_config\": {\"include_thoughts\": false, \"thinking_level\": \"HIGH\"}}, "
    "\"safety_settings\": [{\"category\": \"HARM_CATEGORY_HARASSMENT\", \"threshold\": "
    "\"BLOCK_ONLY_HIGH\"}], \"tools\": [{\"google_search\": {\"search_types\": {\"web_search\": "
    "{}, "
    "\"image_search\": {}}}}], \"system_instruction\": {\"parts\": [{\"text\": \"Be precise\"}]}}",
    input);
  g_autoptr(Response) response = post_gemini (fixture, FLASH31, body);
  g_autoptr(JsonNode) root = parse_body (response);
  g_autofree char *data64 = query_string (root, "$.candidates[0].content.parts[0].inlineData.data");
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  g_assert_cmpuint (response->status, ==, 200);
  /* IMAGE only: no text part. */
  g_assert_cmpuint (query_count (root, "$.candidates[0].content.parts[*]"), ==, 1);
  g_assert_cmpuint (query_count (root, "$..inline_data"), ==, 0);
  image = decode_base64 (data64);
  pixbuf = decode (image);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1856);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 2304);
}

/* 3 images for 2.5, 14 for Gemini 3, counted in the prompt turn. */
static void
test_validation_image_count (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *image = make_image_base64 ("png", 16, 16);
  g_autofree char *part = g_strdup_printf (", {\"inlineData\": {\"mimeType\": \"image/png\", "
                                           "\"data\": \"%s\"}}", image);
  const struct
  {
    const char *model;
    guint       images;
    guint       status;
  } cases[] = {
    { FLASH25, 3, 200 }, { FLASH25, 4, 400 }, { PRO3, 14, 200 }, { FLASH31, 15, 400 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) body = g_string_new ("{\"contents\": [{\"parts\": [{\"text\": \"x\"}");
      g_autoptr(Response) response = NULL;

      for (guint k = 0; k < cases[i].images; k++)
        g_string_append (body, part);
      g_string_append (body, "]}]}");

      response = post_gemini (fixture, cases[i].model, body->str);
      if (cases[i].status == 200)
        g_assert_cmpuint (response->status, ==, 200);
      else
        {
          g_autofree char *message =
            g_strdup_printf ("Too many input images: %u were sent and models/%s accepts at most %u.",
                             cases[i].images, cases[i].model, cases[i].images - 1);

          assert_error (response, 400, "INVALID_ARGUMENT", message);
        }
    }
}

static void
test_validation_mime_mismatch (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *labels[] = { "image/png", "image/webp", "image/jpeg" };
  const char *types[] = { "jpeg", "png", "png" };

  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_autofree char *image = make_image_base64 (types[i], 32, 32);
      g_autofree char *body = g_strdup_printf ("{\"contents\": [{\"parts\": [{\"text\": \"x\"}, "
                                               "{\"inlineData\": {\"mimeType\": \"%s\", \"data\": "
                                               "\"%s\"}}]}]}", labels[i], image);
      g_autoptr(Response) response = post_gemini (fixture, PRO3, body);

      assert_error (response, 400, "INVALID_ARGUMENT",
                    "Unable to process input image. Please retry or report in " TROUBLESHOOTING);
    }
}

static void
test_validation_size_limit (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *image = make_image_base64 ("png", 64, 64);
  g_autofree char *body = g_strdup_printf ("{\"contents\": [{\"parts\": [{\"text\": \"x\"}, "
                                           "{\"inlineData\": {\"mimeType\": \"image/png\", "
                                           "\"data\": \"%s\"}}]}]}", image);
  gsize length = strlen (body);
  g_autofree char *message = NULL;

  chiaro_mock_server_set_max_request_bytes (fixture->server, length);
  {
    g_autoptr(Response) fits = post_gemini (fixture, FLASH25, body);

    g_assert_cmpuint (fits->status, ==, 200);
  }

  chiaro_mock_server_set_max_request_bytes (fixture->server, length - 1);
  message = g_strdup_printf ("Request payload size exceeds the limit: %" G_GSIZE_FORMAT " bytes.",
                             length - 1);
  {
    g_autoptr(Response) over = post_gemini (fixture, FLASH25, body);

    assert_error (over, 400, "INVALID_ARGUMENT", message);
  }
}

/* The key: header or ?key=, none → the real 403, "bad" → the real 400 API_KEY_INVALID. */
static void
test_auth (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *body = simple_request ("x", NULL);
  g_autoptr(JsonNode) no_key_fixture = load_fixture_json ("403-no-api-key.json");
  g_autoptr(JsonNode) bad_key_fixture = load_fixture_json ("400-invalid-api-key.json");
  g_autoptr(Response) none = send_full (fixture, "POST", "/v1beta/models/" FLASH25 ":generateContent",
                                        body, NULL, NULL);
  g_autoptr(Response) bad = send_full (fixture, "POST", "/v1beta/models/" FLASH25 ":generateContent",
                                       body, NULL, "x-goog-api-key", "bad", NULL);
  g_autoptr(Response) bad_query = send_full (fixture, "POST",
                                             "/v1beta/models/" FLASH25 ":generateContent?key=bad",
                                             body, NULL, NULL);
  g_autoptr(Response) query_key = send_full (fixture, "POST",
                                             "/v1beta/models/" FLASH25 ":generateContent?key=AQ.k",
                                             body, NULL, NULL);
  g_autoptr(Response) oauth = send_full (fixture, "POST", "/v1beta/models/" FLASH25 ":generateContent",
                                         body, NULL, "Authorization", "Bearer ya29.token", NULL);
  g_autoptr(JsonNode) none_root = parse_body (none);
  g_autoptr(JsonNode) bad_root = parse_body (bad);
  g_autoptr(JsonNode) bad_query_root = parse_body (bad_query);
  ChiaroMockRequest *record;

  g_assert_cmpuint (none->status, ==, 403);
  g_assert_true (json_node_equal (none_root, no_key_fixture));
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_true (json_node_equal (bad_root, bad_key_fixture));
  g_assert_true (json_node_equal (bad_query_root, bad_key_fixture));
  g_assert_cmpuint (query_key->status, ==, 200);
  g_assert_cmpuint (oauth->status, ==, 200);

  record = chiaro_mock_server_get_request (fixture->server, 3);
  g_assert_cmpstr (chiaro_mock_request_get_param (record, "key"), ==, "AQ.k");
  g_assert_null (chiaro_mock_request_get_header (record, "x-goog-api-key"));
  record = chiaro_mock_server_get_request (fixture->server, 1);
  g_assert_cmpstr (chiaro_mock_request_get_header (record, "x-goog-api-key"), ==, "bad");
  g_assert_null (record->query);
}

static void
test_routes (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *body = simple_request ("x", NULL);
  g_autoptr(Response) unknown = send_full (fixture, "POST", "/v1beta/models/" FLASH25 ":countTokens",
                                           body, NULL, "x-goog-api-key", "k", NULL);
  g_autoptr(Response) elsewhere = send_full (fixture, "GET", "/v2/whatever", NULL, NULL, NULL);
  g_autoptr(Response) slash = send_full (fixture, "POST", "/v1beta/models/a/b:generateContent",
                                         body, NULL, "x-goog-api-key", "k", NULL);
  g_autoptr(Response) get = send_full (fixture, "GET", "/v1beta/models/" FLASH25 ":generateContent",
                                       NULL, NULL, "x-goog-api-key", "k", NULL);
  g_autoptr(Response) encoded = send_full (fixture, "POST",
                                           "/v1beta/models/" FLASH25 "%3AgenerateContent",
                                           body, NULL, "x-goog-api-key", "k", NULL);

  assert_error (unknown, 404, "NOT_FOUND",
                "The requested URL /v1beta/models/" FLASH25 ":countTokens was not found on this "
                "server.");
  assert_error (elsewhere, 404, "NOT_FOUND", NULL);
  assert_error (slash, 404, "NOT_FOUND", NULL);
  assert_error (get, 405, "UNIMPLEMENTED", NULL);
  g_assert_cmpstr (soup_message_headers_get_one (get->headers, "Allow"), ==, "POST");
  g_assert_cmpuint (encoded->status, ==, 200);

  g_assert_cmpuint (chiaro_mock_server_get_n_requests (fixture->server), ==, 5);
  g_assert_null (chiaro_mock_server_get_request (fixture->server, 0)->route);
  g_assert_cmpstr (chiaro_mock_server_get_request (fixture->server, 3)->route, ==, "generateContent");
  g_assert_cmpuint (chiaro_mock_server_get_request (fixture->server, 3)->status, ==, 405);
}

typedef struct
{
  const char *scenario;
  const char *finish;          /* NULL: no candidates */
  const char *content;         /* "parts", "no-parts", "null-parts", "empty", "none" */
  gboolean    finish_message;
} ContentCase;

static const ContentCase content_cases[] = {
  { "text-only", "STOP", "parts", FALSE },
  { "prompt-blocked", NULL, "none", FALSE },
  { "image-safety", "IMAGE_SAFETY", "null-parts", TRUE },
  { "image-prohibited", "IMAGE_PROHIBITED_CONTENT", "none", TRUE },
  { "prohibited-content", "PROHIBITED_CONTENT", "none", FALSE },
  { "safety", "SAFETY", "none", FALSE },
  { "recitation", "RECITATION", "none", FALSE },
  { "image-recitation", "IMAGE_RECITATION", "empty", TRUE },
  { "no-image", "NO_IMAGE", "no-parts", TRUE },
  { "image-other", "IMAGE_OTHER", "no-parts", TRUE },
  { "other", "OTHER", "none", FALSE },
  { "malformed-response", "MALFORMED_RESPONSE", "none", FALSE },
  { "max-tokens", "MAX_TOKENS", "no-parts", FALSE },
  { "missing-thought-signature", "MISSING_THOUGHT_SIGNATURE", "none", FALSE },
  { "parts-absent", "STOP", "no-parts", FALSE },
  { "parts-null", "STOP", "null-parts", FALSE },
};

/* The soft failures: HTTP 200 with each finish reason and content shape. */
static void
test_scenarios_content (Fixture       *fixture,
                        gconstpointer  data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (content_cases); i++)
    {
      const ContentCase *c = &content_cases[i];
      g_autofree char *body = simple_request ("x", NULL);
      g_autoptr(Response) response = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(JsonNode) content = NULL;
      g_autofree char *finish = NULL;

      g_test_message ("scenario %s", c->scenario);
      chiaro_mock_server_push_scenario (fixture->server, c->scenario);
      response = post_gemini (fixture, PRO3, body);
      root = parse_body (response);
      g_assert_cmpuint (response->status, ==, 200);
      g_assert_cmpuint (query_count (root, "$..inlineData"), ==, 0);
      g_assert_cmpstr (chiaro_mock_server_get_last_request (fixture->server)->scenario, ==,
                       c->scenario);

      if (c->finish == NULL)
        {
          g_autofree char *reason = query_string (root, "$.promptFeedback.blockReason");

          g_assert_cmpuint (query_count (root, "$.candidates"), ==, 0);
          g_assert_cmpstr (reason, ==, "SAFETY");
          g_assert_cmpuint (query_count (root, "$.promptFeedback.safetyRatings[*]"), ==, 4);
          continue;
        }

      finish = query_string (root, "$.candidates[0].finishReason");
      g_assert_cmpstr (finish, ==, c->finish);
      g_assert_cmpuint (query_count (root, "$.candidates[0].finishMessage"), ==,
                        c->finish_message ? 1 : 0);
      content = query (root, "$.candidates[0].content");

      if (g_str_equal (c->content, "none"))
        g_assert_null (content);
      else if (g_str_equal (c->content, "empty"))
        g_assert_cmpuint (json_object_get_size (json_node_get_object (content)), ==, 0);
      else if (g_str_equal (c->content, "null-parts"))
        g_assert_true (json_object_get_null_member (json_node_get_object (content), "parts"));
      else if (g_str_equal (c->content, "no-parts"))
        {
          g_assert_false (json_object_has_member (json_node_get_object (content), "parts"));
          g_assert_cmpstr (json_object_get_string_member (json_node_get_object (content), "role"),
                           ==, "model");
        }
      else
        {
          g_autofree char *text = query_string (root, "$.candidates[0].content.parts[0].text");

          g_assert_nonnull (text);
          g_assert_cmpuint (query_count (root, "$.candidates[0].content.parts[*]"), ==, 1);
        }

      if (g_str_equal (c->scenario, "safety"))
        g_assert_cmpuint (count_where (root, "$.candidates[0].safetyRatings", "blocked", "true"),
                          ==, 1);
      if (g_str_equal (c->scenario, "recitation"))
        g_assert_cmpuint (query_count (root, "$.candidates[0].citationMetadata.citationSources[*]"),
                          ==, 1);
    }
}

static GBytes *
image_of_part (JsonNode *root,
               guint     index)
{
  g_autofree char *expression =
    g_strdup_printf ("$.candidates[0].content.parts[%u].inlineData.data", index);
  g_autofree char *data64 = query_string (root, expression);

  g_assert_nonnull (data64);
  return decode_base64 (data64);
}

static JsonNode *
answer_with (Fixture    *fixture,
             const char *model,
             const char *scenario,
             const char *config)
{
  g_autofree char *body = simple_request ("A harbour", config);
  g_autoptr(Response) response = NULL;

  chiaro_mock_server_push_scenario (fixture->server, scenario);
  response = post_gemini (fixture, model, body);
  g_assert_cmpuint (response->status, ==, 200);

  return parse_body (response);
}

/* Answers with several, interim, mislabelled or broken images. */
static void
test_scenarios_images (Fixture       *fixture,
                       gconstpointer  data)
{
  {
    g_autoptr(JsonNode) root = answer_with (fixture, FLASH25, "multi-image", NULL);
    g_autoptr(GBytes) first = image_of_part (root, 1);
    g_autoptr(GBytes) second = image_of_part (root, 3);
    g_autofree char *between = query_string (root, "$.candidates[0].content.parts[2].text");
    g_autoptr(GdkPixbuf) pixbuf = decode (second);

    g_assert_cmpuint (query_count (root, "$.candidates[0].content.parts[*]"), ==, 4);
    g_assert_nonnull (between);
    g_assert_false (g_bytes_equal (first, second));
    g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1024);
    g_assert_cmpint (query_int (root, "$.usageMetadata.candidatesTokensDetails[0].tokenCount"),
                     ==, 2 * 1290);
  }

  {
    g_autoptr(JsonNode) root = answer_with (fixture, PRO3, "thought-image", NULL);
    g_autoptr(GBytes) interim = image_of_part (root, 0);
    g_autoptr(GBytes) final = image_of_part (root, 2);
    g_autoptr(GdkPixbuf) interim_pixbuf = decode (interim);
    g_autoptr(GdkPixbuf) final_pixbuf = decode (final);
    g_autoptr(JsonNode) thought = query (root, "$.candidates[0].content.parts[0].thought");

    g_assert_true (json_node_get_boolean (thought));
    g_assert_cmpuint (query_count (root, "$.candidates[0].content.parts[0].thoughtSignature"), ==, 0);
    g_assert_cmpuint (query_count (root, "$.candidates[0].content.parts[2].thought"), ==, 0);
    g_assert_cmpuint (query_count (root, "$.candidates[0].content.parts[2].thoughtSignature"), ==, 1);
    g_assert_false (g_bytes_equal (interim, final));
    /* Only the final image is billed. */
    g_assert_cmpint (query_int (root, "$.usageMetadata.candidatesTokensDetails[0].tokenCount"),
                     ==, 1120);
  }

  {
    g_autoptr(JsonNode) root = answer_with (fixture, FLASH31, "thoughts-only", NULL);
    guint parts = query_count (root, "$.candidates[0].content.parts[*]");

    g_assert_cmpuint (parts, ==, 4);
    g_assert_cmpuint (count_where (root, "$.candidates[0].content.parts", "thought", "true"),
                      ==, parts);
    g_assert_cmpuint (query_count (root, "$..inlineData"), ==, 2);
  }

  {
    g_autoptr(JsonNode) root = answer_with (fixture, PRO3, "jpeg-labelled-png", NULL);
    g_autoptr(GBytes) image = image_of_part (root, 1);
    g_autofree char *mime = query_string (root, "$..inlineData.mimeType");

    g_assert_cmpstr (mime, ==, "image/png");
    g_assert_cmpmem (g_bytes_get_data (image, NULL), 3, "\xff\xd8\xff", 3);
  }

  {
    g_autoptr(JsonNode) root = answer_with (fixture, FLASH25, "invalid-base64", NULL);
    g_autofree char *data64 = query_string (root, "$..inlineData.data");

    g_assert_nonnull (strchr (data64, '*'));
  }

  {
    g_autoptr(JsonNode) root = answer_with (fixture, FLASH25, "not-an-image", NULL);
    g_autoptr(GBytes) bytes = image_of_part (root, 1);

    g_assert_true (g_str_has_prefix (g_bytes_get_data (bytes, NULL), "This is not an image"));
  }

  {
    g_autoptr(JsonNode) root = answer_with (fixture, FLASH25, "zero-size-image", NULL);
    g_autofree char *data64 = query_string (root, "$..inlineData.data");

    g_assert_cmpstr (data64, ==, "");
  }

  {
    g_autoptr(JsonNode) root = answer_with (fixture, FLASH25, "huge-dimensions", NULL);
    g_autoptr(GBytes) bytes = image_of_part (root, 1);
    const guint8 *png = g_bytes_get_data (bytes, NULL);

    g_assert_cmpmem (png, 8, "\x89PNG\r\n\x1a\n", 8);
    g_assert_cmpmem (png + 12, 4, "IHDR", 4);
    g_assert_cmpuint (GUINT32_FROM_BE (*(const guint32 *) (png + 16)), ==, 50000);
    g_assert_cmpuint (GUINT32_FROM_BE (*(const guint32 *) (png + 20)), ==, 50000);
  }
}

typedef struct
{
  const char *scenario;
  guint       status;
  const char *grpc_status;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "400-invalid-argument", 400, "INVALID_ARGUMENT" },
  { "400-api-key-invalid", 400, "INVALID_ARGUMENT" },
  { "400-failed-precondition", 400, "FAILED_PRECONDITION" },
  { "401", 401, "UNAUTHENTICATED" },
  { "403", 403, "PERMISSION_DENIED" },
  { "404", 404, "NOT_FOUND" },
  { "429", 429, "RESOURCE_EXHAUSTED" },
  { "429-no-retryinfo", 429, "RESOURCE_EXHAUSTED" },
  { "429-per-day", 429, "RESOURCE_EXHAUSTED" },
  { "429-retry-after", 429, "RESOURCE_EXHAUSTED" },
  { "500", 500, "INTERNAL" },
  { "503", 503, "UNAVAILABLE" },
  { "504", 504, "DEADLINE_EXCEEDED" },
};

/* HTTP errors: the real envelopes and details; the ones with a capture match it exactly. */
static void
test_scenarios_http_errors (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *body = simple_request ("x", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      g_autoptr(Response) response = NULL;
      g_autoptr(JsonNode) root = NULL;
      guint retry_infos;
      guint per_day;

      g_test_message ("scenario %s", c->scenario);
      chiaro_mock_server_push_scenario (fixture->server, c->scenario);
      response = post_gemini (fixture, FLASH31, body);
      assert_error (response, c->status, c->grpc_status, NULL);
      root = parse_body (response);
      g_assert_cmpuint (chiaro_mock_server_get_last_request (fixture->server)->status, ==, c->status);

      retry_infos = count_where (root, "$.error.details", "@type",
                                 "type.googleapis.com/google.rpc.RetryInfo");
      per_day = count_containing (root, "$..quotaId", "PerDay");

      if (g_str_equal (c->scenario, "429"))
        {
          g_autofree char *delay = query_string (root, "$.error.details[2].retryDelay");

          g_assert_cmpuint (retry_infos, ==, 1);
          g_assert_cmpstr (delay, ==, "3s");
          g_assert_cmpuint (per_day, ==, 0);
          g_assert_null (soup_message_headers_get_one (response->headers, "Retry-After"));
        }
      else if (g_str_equal (c->scenario, "429-no-retryinfo"))
        g_assert_cmpuint (retry_infos, ==, 0);
      else if (g_str_equal (c->scenario, "429-per-day"))
        {
          g_assert_cmpuint (per_day, ==, 1);
          g_assert_cmpuint (retry_infos, ==, 1);
        }
      else if (g_str_equal (c->scenario, "429-retry-after"))
        {
          g_assert_cmpuint (retry_infos, ==, 0);
          g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Retry-After"), ==, "2");
        }
      else if (g_str_equal (c->scenario, "404"))
        {
          g_autofree char *message = query_string (root, "$.error.message");

          g_assert_true (g_str_has_prefix (message, "models/" FLASH31 " is not found for API "
                                                    "version v1beta"));
        }
      else if (g_str_equal (c->scenario, "400-api-key-invalid") ||
               g_str_equal (c->scenario, "500") || g_str_equal (c->scenario, "503"))
        {
          const char *name = g_str_equal (c->scenario, "500") ? "500-internal.json"
                             : g_str_equal (c->scenario, "503") ? "503-model-overloaded.json"
                             : "400-invalid-api-key.json";
          g_autoptr(JsonNode) expected = load_fixture_json (name);

          g_assert_true (json_node_equal (root, expected));
        }
    }

  /* A proxy's 502 is an HTML page. */
  chiaro_mock_server_push_scenario (fixture->server, "502");
  {
    g_autoptr(Response) response = post_gemini (fixture, FLASH31, body);

    g_assert_cmpuint (response->status, ==, 502);
    g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==, "text/html");
    g_assert_true (g_str_has_prefix (g_bytes_get_data (response->body, NULL), "<!DOCTYPE html>"));
  }
}

/* On the streaming routes errors come before any event: plain JSON (still labelled
 * text/event-stream, as recorded), or the JSON-array form. */
static void
test_scenarios_stream_errors (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *body = simple_request ("x", NULL);
  g_autoptr(JsonNode) expected = load_fixture_json ("503-model-overloaded.json");

  chiaro_mock_server_push_scenario (fixture->server, "503");
  chiaro_mock_server_push_scenario (fixture->server, "503");
  {
    g_autoptr(Response) sse = send_full (fixture, "POST",
                                         "/v1beta/models/" FLASH31 ":streamGenerateContent?alt=sse",
                                         body, NULL, "x-goog-api-key", "k", NULL);
    g_autoptr(JsonNode) root = parse_body (sse);

    g_assert_cmpuint (sse->status, ==, 503);
    g_assert_cmpstr (soup_message_headers_get_content_type (sse->headers, NULL), ==,
                     "text/event-stream");
    g_assert_true (json_node_equal (root, expected));
  }
  {
    g_autoptr(Response) array = send_full (fixture, "POST",
                                           "/v1beta/models/" FLASH31 ":streamGenerateContent",
                                           body, NULL, "x-goog-api-key", "k", NULL);
    g_autoptr(JsonNode) root = parse_body (array);

    g_assert_cmpuint (array->status, ==, 503);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
    g_assert_true (json_node_equal (json_array_get_element (json_node_get_array (root), 0),
                                    expected));
  }
}

static void
test_scenarios_broken_bodies (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *body = simple_request ("x", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  chiaro_mock_server_push_scenario (fixture->server, "html-200");
  chiaro_mock_server_push_scenario (fixture->server, "empty-body");
  chiaro_mock_server_push_scenario (fixture->server, "truncated-json");
  chiaro_mock_server_push_scenario (fixture->server, "wrong-content-type");

  {
    g_autoptr(Response) response = post_gemini (fixture, FLASH25, body);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==, "text/html");
    g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (response->body, NULL),
                                                g_bytes_get_size (response->body), NULL));
  }
  {
    g_autoptr(Response) response = post_gemini (fixture, FLASH25, body);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                     "application/json");
    g_assert_cmpuint (g_bytes_get_size (response->body), ==, 0);
  }
  {
    g_autoptr(Response) response = post_gemini (fixture, FLASH25, body);
    const char *text = g_bytes_get_data (response->body, NULL);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (response->body), >, 1000);
    g_assert_true (g_str_has_prefix (text, "{\n  \"candidates\": ["));
    g_assert_false (json_parser_load_from_data (parser, text, g_bytes_get_size (response->body),
                                                NULL));
  }
  {
    g_autoptr(Response) response = post_gemini (fixture, FLASH25, body);
    g_autoptr(JsonNode) root = parse_body (response);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                     "text/plain");
    g_assert_cmpuint (query_count (root, "$..inlineData"), ==, 1);
  }
}

/* The connection drops halfway through the body: the client sees an error, not an answer. */
static void
test_transport_reset (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *body = simple_request ("x", NULL);

  chiaro_mock_server_push_scenario (fixture->server, "reset");
  chiaro_mock_server_push_scenario (fixture->server, "reset");
  {
    g_autoptr(Response) response = post_gemini (fixture, FLASH25, body);

    g_assert_nonnull (response->error);
    g_assert_null (response->body);
  }
  {
    g_autoptr(Response) response = send_full (fixture, "POST",
                                              "/v1beta/models/" PRO3
                                              ":streamGenerateContent?alt=sse",
                                              body, NULL, "x-goog-api-key", "k", NULL);

    g_assert_nonnull (response->error);
  }
  /* The server goes on. */
  {
    g_autoptr(Response) response = post_gemini (fixture, FLASH25, body);

    g_assert_cmpuint (response->status, ==, 200);
  }
  g_assert_cmpstr (chiaro_mock_server_get_request (fixture->server, 0)->scenario, ==, "reset");
}

static gboolean
on_cancel_timeout (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* A stalled answer never comes: cancelling and the session timeout both end the wait, and
 * the server can be disposed with the exchange still open. */
static void
test_transport_stall (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *body = simple_request ("[mock:stall] hello", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 start = g_get_monotonic_time ();

  g_timeout_add (300, on_cancel_timeout, cancellable);
  {
    g_autoptr(Response) response = send_full (fixture, "POST",
                                              "/v1beta/models/" FLASH25 ":generateContent", body,
                                              cancellable, "x-goog-api-key", "k", NULL);

    g_assert_error (response->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 290 * 1000);
  }

  soup_session_set_timeout (fixture->session, 1);
  {
    g_autoptr(Response) response = post_gemini (fixture, FLASH25, body);

    g_assert_error (response->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  }

  g_assert_cmpuint (chiaro_mock_server_get_n_requests (fixture->server), ==, 2);
  g_assert_cmpstr (chiaro_mock_server_get_request (fixture->server, 1)->scenario, ==, "stall");
  g_assert_cmpuint (chiaro_mock_server_get_request (fixture->server, 1)->status, ==, 0);
}

/* A slow answer arrives in pieces over about a second, and whole. */
static void
test_transport_slow (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *body = simple_request ("x", NULL);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(Response) response = NULL;
  g_autoptr(JsonNode) root = NULL;

  chiaro_mock_server_push_scenario (fixture->server, "slow");
  response = post_gemini (fixture, FLASH25, body);
  root = parse_body (response);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 19 * 50 * 1000);
  g_assert_cmpint (soup_message_headers_get_encoding (response->headers), ==, SOUP_ENCODING_CHUNKED);
  g_assert_cmpuint (query_count (root, "$..inlineData"), ==, 1);
}

static void
test_transport_delay (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *body = simple_request ("x", NULL);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(Response) response = NULL;

  chiaro_mock_server_set_delay_ms (fixture->server, 400);
  response = post_gemini (fixture, FLASH25, body);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 400 * 1000);
}

static gboolean
all_done (gpointer user_data)
{
  GPtrArray *responses = user_data;

  for (guint i = 0; i < responses->len; i++)
    {
      if (!((Response *) responses->pdata[i])->done)
        return FALSE;
    }

  return TRUE;
}

/* Requests are answered side by side, not one after the other: four answers that each wait
 * 2 s arrive before the 8 s they would take at the least in a row. The margin is wide because
 * making the four pictures takes CPU time of its own, seconds under ASan on two busy cores. */
static void
test_transport_parallel (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func ((GDestroyNotify) response_free);
  g_autofree char *uri = g_strconcat (chiaro_mock_server_get_url (fixture->server),
                                      "/v1beta/models/" FLASH31 ":generateContent", NULL);
  gint64 start;
  gint64 elapsed;

  chiaro_mock_server_set_delay_ms (fixture->server, 2000);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("Variant %u", i);
      g_autofree char *body = simple_request (prompt, NULL);

      g_ptr_array_add (responses, start_to (fixture->session, uri, body,
                                            "x-goog-api-key", "k", NULL));
    }
  g_assert_true (chiaro_test_wait_until (all_done, responses, 60));
  elapsed = g_get_monotonic_time () - start;

  for (guint i = 0; i < responses->len; i++)
    g_assert_cmpuint (((Response *) responses->pdata[i])->status, ==, 200);
  g_assert_cmpint (elapsed, >=, 2000 * 1000);
  g_assert_cmpint (elapsed, <, 4 * 2000 * 1000);
}

/* 307 to the same URL, which then answers "ok" (before anything queued). libsoup follows
 * 307 only for safe methods, so the POST is repeated here by hand. */
static void
test_transport_redirect (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *body = simple_request ("x", NULL);
  g_autoptr(Response) redirected = NULL;
  g_autoptr(Response) followed = NULL;
  const char *location;
  ChiaroMockRequest *first;
  ChiaroMockRequest *second;

  chiaro_mock_server_push_scenario (fixture->server, "redirect");
  chiaro_mock_server_push_scenario (fixture->server, "503");
  redirected = send_full (fixture, "POST", "/v1beta/models/" FLASH25 ":generateContent?alt=json",
                          body, NULL, "x-goog-api-key", "k", NULL);
  g_assert_cmpuint (redirected->status, ==, 307);
  location = soup_message_headers_get_one (redirected->headers, "Location");
  g_assert_cmpstr (location, ==, "/v1beta/models/" FLASH25 ":generateContent?alt=json");

  followed = send_full (fixture, "POST", location, body, NULL, "x-goog-api-key", "k", NULL);
  g_assert_cmpuint (followed->status, ==, 200);

  g_assert_cmpuint (chiaro_mock_server_get_n_requests (fixture->server), ==, 2);
  first = chiaro_mock_server_get_request (fixture->server, 0);
  second = chiaro_mock_server_get_request (fixture->server, 1);
  g_assert_cmpuint (first->status, ==, 307);
  g_assert_cmpstr (first->scenario, ==, "redirect");
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpstr (second->scenario, ==, "ok");
  g_assert_true (g_bytes_equal (first->body, second->body));
  /* The queued 503 is still there for the next request. */
  g_assert_cmpuint (chiaro_mock_server_get_n_queued (fixture->server), ==, 1);
}

/* SSE: "data: <one line>" + CRLF CRLF, text deltas, the whole image in one event, a final
 * event with the finish; usage, model and id on every event; no [DONE]. */
static void
test_stream_sse (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *body = simple_request ("A market street",
                                          "{\"imageConfig\": {\"aspectRatio\": \"3:4\"}, "
                                          "\"thinkingConfig\": {\"includeThoughts\": true}}");
  g_autoptr(Response) response = send_full (fixture, "POST",
                                            "/v1beta/models/" PRO3 ":streamGenerateContent?alt=sse",
                                            body, NULL, "x-goog-api-key", "k", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) events = NULL;
  g_autofree char *response_id = NULL;
  guint n_events;
  guint image_events = 0;
  gint64 previous_candidates = 0;

  g_assert_no_error (response->error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   "text/event-stream");
  g_assert_null (soup_message_headers_get_one (response->headers, "Content-Encoding"));

  text = g_strndup (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body));
  g_assert_true (g_str_has_suffix (text, "}\r\n\r\n"));
  g_assert_null (strstr (text, "[DONE]"));

  events = g_strsplit (text, "\r\n\r\n", -1);
  n_events = g_strv_length (events) - 1;
  g_assert_cmpstr (events[n_events], ==, "");
  g_assert_cmpuint (n_events, >=, 5);

  for (guint i = 0; i < n_events; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonNode *root;
      g_autofree char *id = NULL;
      g_autofree char *version = NULL;
      gint64 candidates;

      g_assert_true (g_str_has_prefix (events[i], "data: {"));
      g_assert_null (strchr (events[i], '\n'));
      g_assert_null (strchr (events[i], '\r'));
      json_parser_load_from_data (parser, events[i] + strlen ("data: "), -1, &error);
      g_assert_no_error (error);
      root = json_parser_get_root (parser);

      id = query_string (root, "$.responseId");
      version = query_string (root, "$.modelVersion");
      g_assert_cmpstr (version, ==, PRO3);
      if (response_id == NULL)
        response_id = g_strdup (id);
      g_assert_cmpstr (id, ==, response_id);

      g_assert_cmpuint (query_count (root, "$.usageMetadata.promptTokenCount"), ==, 1);
      candidates = query_count (root, "$.usageMetadata.candidatesTokenCount") > 0
                   ? query_int (root, "$.usageMetadata.candidatesTokenCount") : 0;
      g_assert_cmpint (candidates, >=, previous_candidates);
      previous_candidates = candidates;

      if (query_count (root, "$..inlineData") > 0)
        {
          g_autoptr(GBytes) image = image_of_part (root, 0);
          g_autoptr(GdkPixbuf) pixbuf = decode (image);

          image_events++;
          g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 896);
          g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 1200);
          g_assert_cmpuint (query_count (root, "$..thoughtSignature"), ==, 1);
        }

      if (i < n_events - 1)
        g_assert_cmpuint (query_count (root, "$..finishReason"), ==, 0);
      else
        {
          g_autofree char *finish = query_string (root, "$.candidates[0].finishReason");
          g_autoptr(JsonNode) content = query (root, "$.candidates[0].content");

          g_assert_cmpstr (finish, ==, "STOP");
          g_assert_cmpuint (json_object_get_size (json_node_get_object (content)), ==, 1);
          g_assert_cmpint (query_int (root, "$.usageMetadata.candidatesTokensDetails[0].tokenCount"),
                           ==, 1120);
        }

      if (i == 0)
        {
          g_autoptr(JsonNode) thought = query (root, "$.candidates[0].content.parts[0].thought");

          g_assert_true (json_node_get_boolean (thought));
        }
    }

  g_assert_cmpuint (image_events, ==, 1);
}

static void
test_stream_json_array (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *body = simple_request ("A field of poppies", NULL);
  g_autoptr(Response) response = send_full (fixture, "POST",
                                            "/v1beta/models/" FLASH25 ":streamGenerateContent",
                                            body, NULL, "x-goog-api-key", "k", NULL);
  g_autoptr(JsonNode) root = parse_body (response);
  JsonArray *events = json_node_get_array (root);
  guint n = json_array_get_length (events);
  g_autofree char *finish = NULL;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpuint (query_count (root, "$[*]..inlineData"), ==, 1);
  finish = query_string (json_array_get_element (events, n - 1), "$.candidates[0].finishReason");
  g_assert_cmpstr (finish, ==, "STOP");
}

static Response *
post_openai (Fixture    *fixture,
             const char *path,
             const char *body)
{
  return send_full (fixture, "POST", path, body, NULL, "Authorization", "Bearer sk-test", NULL);
}

static GBytes *
bytes_of_data_url (const char *url,
                   const char *mime)
{
  g_autofree char *prefix = g_strdup_printf ("data:%s;base64,", mime);

  g_assert_true (g_str_has_prefix (url, prefix));
  return decode_base64 (url + strlen (prefix));
}

/* OpenRouter's shape: message.images[] by default, the other relays' places by scenario. */
static void
test_openai (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *input = make_image_base64 ("png", 40, 30);
  g_autofree char *body = g_strdup_printf (
    "{\"model\": \"google/gemini-3-pro-image-preview\", \"messages\": [{\"role\": \"user\", "
    "\"content\": [{\"type\": \"text\", \"text\": \"Watercolour\"}, {\"type\": \"image_url\", "
    "\"image_url\": {\"url\": \"data:image/png;base64,%s\"}}]}], \"modalities\": [\"image\", "
    "\"text\"], \"image_config\": {\"aspect_ratio\": \"16:9\", \"image_size\": \"2K\"}}", input);

  {
    g_autoptr(Response) response = post_openai (fixture, "/api/v1/chat/completions", body);
    g_autoptr(JsonNode) root = parse_body (response);
    g_autofree char *url = query_string (root, "$.choices[0].message.images[0].image_url.url");
    g_autofree char *type = query_string (root, "$.choices[0].message.images[0].type");
    g_autofree char *content = query_string (root, "$.choices[0].message.content");
    g_autofree char *finish = query_string (root, "$.choices[0].finish_reason");
    g_autoptr(GBytes) image = bytes_of_data_url (url, "image/jpeg");
    g_autoptr(GdkPixbuf) pixbuf = decode (image);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpstr (type, ==, "image_url");
    g_assert_nonnull (content);
    g_assert_cmpstr (finish, ==, "stop");
    g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 2752);
    g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 1536);
    g_assert_cmpint (query_int (root, "$.usage.total_tokens"), ==,
                     query_int (root, "$.usage.prompt_tokens") +
                     query_int (root, "$.usage.completion_tokens"));
    g_assert_cmpstr (chiaro_mock_server_get_last_request (fixture->server)->model, ==,
                     "google/gemini-3-pro-image-preview");
    g_assert_cmpstr (chiaro_mock_server_get_last_request (fixture->server)->route, ==, "openrouter");
  }

  chiaro_mock_server_push_scenario (fixture->server, "openai-image-field");
  {
    g_autoptr(Response) response = post_openai (fixture, "/v1beta/openai/chat/completions", body);
    g_autoptr(JsonNode) root = parse_body (response);
    g_autofree char *url = query_string (root, "$.choices[0].message.image.url");
    g_autoptr(GBytes) image = bytes_of_data_url (url, "image/jpeg");

    g_assert_cmpuint (query_count (root, "$.choices[0].message.images"), ==, 0);
    g_assert_cmpmem (g_bytes_get_data (image, NULL), 3, "\xff\xd8\xff", 3);
  }

  chiaro_mock_server_push_scenario (fixture->server, "openai-content-parts");
  {
    g_autoptr(Response) response = post_openai (fixture, "/api/v1/chat/completions", body);
    g_autoptr(JsonNode) root = parse_body (response);
    g_autofree char *type = query_string (root, "$.choices[0].message.content[1].type");
    g_autofree char *url = query_string (root, "$.choices[0].message.content[1].image_url.url");
    g_autoptr(GBytes) image = bytes_of_data_url (url, "image/jpeg");

    g_assert_cmpstr (type, ==, "image_url");
    g_assert_cmpuint (query_count (root, "$.choices[0].message.images"), ==, 0);
  }

  chiaro_mock_server_push_scenario (fixture->server, "openai-markdown");
  {
    g_autoptr(Response) response = post_openai (fixture, "/api/v1/chat/completions", body);
    g_autoptr(JsonNode) root = parse_body (response);
    g_autofree char *content = query_string (root, "$.choices[0].message.content");
    const char *start = strstr (content, "![image](data:image/jpeg;base64,");

    g_assert_nonnull (start);
    g_assert_true (g_str_has_suffix (content, ")"));
    g_assert_cmpuint (query_count (root, "$.choices[0].message.images"), ==, 0);
  }

  chiaro_mock_server_push_scenario (fixture->server, "openai-no-image");
  chiaro_mock_server_push_scenario (fixture->server, "image-safety");
  {
    g_autoptr(Response) response = post_openai (fixture, "/api/v1/chat/completions", body);
    g_autoptr(JsonNode) root = parse_body (response);
    g_autofree char *content = query_string (root, "$.choices[0].message.content");

    g_assert_nonnull (content);
    g_assert_cmpuint (query_count (root, "$..images"), ==, 0);
    g_assert_cmpuint (query_count (root, "$..image_url"), ==, 0);
  }
  {
    g_autoptr(Response) response = post_openai (fixture, "/api/v1/chat/completions", body);
    g_autoptr(JsonNode) root = parse_body (response);
    g_autofree char *finish = query_string (root, "$.choices[0].finish_reason");
    g_autofree char *native = query_string (root, "$.choices[0].native_finish_reason");

    g_assert_cmpstr (finish, ==, "content_filter");
    g_assert_cmpstr (native, ==, "IMAGE_SAFETY");
    g_assert_cmpuint (query_count (root, "$..images"), ==, 0);
  }
}

static void
test_openai_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *body = "{\"model\": \"google/gemini-2.5-flash-image\", \"messages\": [{\"role\": "
                     "\"user\", \"content\": \"x\"}], \"modalities\": [\"image\", \"text\"], "
                     "\"image_config\": {\"aspect_ratio\": \"1:8\"}}";
  g_autoptr(Response) no_auth = send_full (fixture, "POST", "/api/v1/chat/completions", body,
                                           NULL, NULL);
  g_autoptr(Response) ratio = post_openai (fixture, "/api/v1/chat/completions", body);
  g_autoptr(Response) google = post_openai (fixture, "/v1beta/openai/chat/completions", body);
  g_autoptr(JsonNode) no_auth_root = parse_body (no_auth);
  g_autoptr(JsonNode) ratio_root = parse_body (ratio);
  g_autoptr(JsonNode) google_root = parse_body (google);
  g_autofree char *no_auth_message = query_string (no_auth_root, "$.error.message");
  g_autofree char *ratio_message = query_string (ratio_root, "$.error.message");
  g_autofree char *google_status = query_string (google_root, "$[0].error.status");

  g_assert_cmpuint (no_auth->status, ==, 401);
  g_assert_cmpint (query_int (no_auth_root, "$.error.code"), ==, 401);
  g_assert_cmpstr (no_auth_message, ==, "No auth credentials found");
  g_assert_cmpuint (ratio->status, ==, 400);
  g_assert_true (g_str_has_prefix (ratio_message, "image_config.aspect_ratio \"1:8\" is not supported"));
  g_assert_cmpuint (google->status, ==, 400);
  g_assert_cmpstr (google_status, ==, "INVALID_ARGUMENT");

  /* 0.5K is OpenRouter's name for 512, and only 3.1 Flash has it. */
  {
    g_autoptr(Response) small = post_openai (fixture, "/api/v1/chat/completions",
                                             "{\"model\": "
                                             "\"google/gemini-3.1-flash-image-preview\", "
                                             "\"messages\": [{\"role\": \"user\", \"content\": "
                                             "\"x\"}], "
                                             "\"modalities\": [\"image\"], \"image_config\": "
                                             "{\"aspect_ratio\": \"16:9\", \"image_size\": "
                                             "\"0.5K\"}}");
    g_autoptr(JsonNode) root = parse_body (small);
    g_autofree char *url = query_string (root, "$.choices[0].message.images[0].image_url.url");
    g_autoptr(GBytes) image = bytes_of_data_url (url, "image/jpeg");
    g_autoptr(GdkPixbuf) pixbuf = decode (image);
    g_autoptr(Response) pro = post_openai (fixture, "/api/v1/chat/completions",
                                           "{\"model\": \"google/gemini-3-pro-image-preview\", "
                                           "\"messages\": [{\"role\": \"user\", \"content\": "
                                           "\"x\"}], "
                                           "\"image_config\": {\"image_size\": \"0.5K\"}}");

    g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 688);
    g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 384);
    g_assert_cmpuint (pro->status, ==, 400);
  }

  /* Without "image" in modalities, no image. */
  {
    g_autoptr(Response) text = post_openai (fixture, "/api/v1/chat/completions",
                                            "{\"model\": \"google/gemini-3-pro-image-preview\", "
                                            "\"messages\": [{\"role\": \"user\", \"content\": "
                                            "\"x\"}]}");
    g_autoptr(JsonNode) root = parse_body (text);

    g_assert_cmpuint (text->status, ==, 200);
    g_assert_cmpuint (query_count (root, "$..images"), ==, 0);
  }

  /* HTTP-error scenarios take each route's own error shape. */
  chiaro_mock_server_push_scenario (fixture->server, "429-retry-after");
  {
    g_autoptr(Response) limited = post_openai (fixture, "/api/v1/chat/completions", body);
    g_autoptr(JsonNode) root = parse_body (limited);

    g_assert_cmpuint (limited->status, ==, 429);
    g_assert_cmpint (query_int (root, "$.error.code"), ==, 429);
    g_assert_cmpstr (soup_message_headers_get_one (limited->headers, "Retry-After"), ==, "2");
  }
}

/* How many objects of the array at @expression have @member equal to @value. */
static guint
count_with (JsonNode   *root,
            const char *expression,
            const char *member,
            const char *value)
{
  g_autoptr(JsonNode) node = query (root, expression);
  JsonArray *array;
  guint count = 0;

  g_assert_nonnull (node);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (member == NULL && JSON_NODE_HOLDS_VALUE (element) &&
          g_strcmp0 (json_node_get_string (element), value) == 0)
        count++;
      else if (member != NULL && JSON_NODE_HOLDS_OBJECT (element) &&
               g_strcmp0 (json_object_get_string_member_with_default (
                            json_node_get_object (element), member, NULL), value) == 0)
        count++;
    }

  return count;
}

/* Every member of @object is a property of the discovery document's schema @schema. */
static void
assert_members_in_schema (JsonObject *object,
                          const char *schema)
{
  g_autofree char *path = g_strdup (g_getenv ("CHIARO_DISCOVERY_PATH"));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) members = json_object_get_members (object);
  JsonObject *properties;

  g_assert_nonnull (path);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  properties = json_object_get_object_member (
    json_object_get_object_member (
      json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                     "schemas"), schema), "properties");

  for (GList *l = members; l != NULL; l = l->next)
    {
      g_test_message ("%s.%s", schema, (const char *) l->data);
      g_assert_true (json_object_has_member (properties, l->data));
    }
}

/* GET models/{id} and models answer Model and ListModelsResponse, behind the same key check
 * as generation; the OpenAI-compatible routes list models in their own shapes. */
static void
test_listing (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonNode) no_key_fixture = load_fixture_json ("403-no-api-key.json");
  g_autoptr(JsonNode) bad_key_fixture = load_fixture_json ("400-invalid-api-key.json");

  {
    g_autoptr(Response) got = send_full (fixture, "GET", "/v1beta/models/" PRO3, NULL, NULL,
                                         "x-goog-api-key", "k", NULL);
    g_autoptr(JsonNode) root = parse_body (got);
    g_autofree char *name = query_string (root, "$.name");
    g_autofree char *display = query_string (root, "$.displayName");
    ChiaroMockRequest *record = chiaro_mock_server_get_last_request (fixture->server);

    g_assert_cmpuint (got->status, ==, 200);
    g_assert_cmpstr (name, ==, "models/" PRO3);
    g_assert_cmpstr (display, ==, "Nano Banana Pro");
    g_assert_cmpuint (count_with (root, "$.supportedGenerationMethods", NULL, "generateContent"),
                      ==, 1);
    assert_members_in_schema (json_node_get_object (root), "Model");
    g_assert_cmpstr (record->route, ==, "models.get");
    g_assert_cmpstr (record->model, ==, PRO3);
    g_assert_cmpuint (record->status, ==, 200);
  }

  {
    g_autoptr(Response) unknown = send_full (fixture, "GET", "/v1beta/models/imagen-9", NULL,
                                             NULL, "x-goog-api-key", "k", NULL);

    assert_error (unknown, 404, "NOT_FOUND",
                  "models/imagen-9 is not found for API version v1beta, or is not supported for "
                  "get. Call ListModels to see the list of available models and their supported "
                  "methods.");
  }

  {
    g_autoptr(Response) none = send_full (fixture, "GET", "/v1beta/models/" FLASH25, NULL, NULL,
                                          NULL);
    g_autoptr(Response) bad = send_full (fixture, "GET", "/v1beta/models/" FLASH25, NULL, NULL,
                                         "x-goog-api-key", "bad", NULL);
    g_autoptr(JsonNode) none_root = parse_body (none);
    g_autoptr(JsonNode) bad_root = parse_body (bad);

    g_assert_cmpuint (none->status, ==, 403);
    g_assert_true (json_node_equal (none_root, no_key_fixture));
    g_assert_cmpuint (bad->status, ==, 400);
    g_assert_true (json_node_equal (bad_root, bad_key_fixture));
  }

  /* Queued HTTP-error scenarios answer listings too; others are used up. */
  chiaro_mock_server_push_scenario (fixture->server, "401");
  chiaro_mock_server_push_scenario (fixture->server, "403");
  chiaro_mock_server_push_scenario (fixture->server, "text-only");
  {
    g_autoptr(Response) unauthenticated = send_full (fixture, "GET", "/v1beta/models/" FLASH31,
                                                     NULL, NULL, "x-goog-api-key", "k", NULL);
    g_autoptr(Response) denied = send_full (fixture, "GET", "/v1beta/models/" FLASH31, NULL, NULL,
                                            "x-goog-api-key", "k", NULL);
    g_autoptr(Response) ok = send_full (fixture, "GET", "/v1beta/models/" FLASH31, NULL, NULL,
                                        "x-goog-api-key", "k", NULL);
    g_autoptr(JsonNode) denied_root = parse_body (denied);
    g_autofree char *reason = query_string (denied_root, "$.error.details[0].reason");

    assert_error (unauthenticated, 401, "UNAUTHENTICATED", NULL);
    assert_error (denied, 403, "PERMISSION_DENIED", NULL);
    g_assert_cmpstr (reason, ==, "CONSUMER_SUSPENDED");
    g_assert_cmpuint (ok->status, ==, 200);
    g_assert_cmpstr (chiaro_mock_server_get_last_request (fixture->server)->scenario, ==,
                     "text-only");
    g_assert_cmpuint (chiaro_mock_server_get_n_queued (fixture->server), ==, 0);
  }

  {
    g_autoptr(Response) list = send_full (fixture, "GET", "/v1beta/models", NULL, NULL,
                                          "x-goog-api-key", "k", NULL);
    g_autoptr(JsonNode) root = parse_body (list);
    JsonArray *models = json_object_get_array_member (json_node_get_object (root), "models");

    g_assert_cmpuint (list->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (models), ==, 4);
    assert_members_in_schema (json_node_get_object (root), "ListModelsResponse");
    for (guint i = 0; i < json_array_get_length (models); i++)
      {
        JsonObject *model = json_array_get_object_element (models, i);

        g_assert_true (g_str_has_prefix (json_object_get_string_member (model, "name"),
                                         "models/gemini-"));
        assert_members_in_schema (model, "Model");
      }
    g_assert_cmpuint (count_with (root, "$.models", "name", "models/" FLASH25), ==, 1);
  }

  {
    g_autoptr(Response) google = send_full (fixture, "GET", "/v1beta/openai/models", NULL, NULL,
                                            "Authorization", "Bearer k", NULL);
    g_autoptr(Response) google_bad = send_full (fixture, "GET", "/v1beta/openai/models", NULL,
                                                NULL, "Authorization", "Bearer bad", NULL);
    g_autoptr(Response) google_none = send_full (fixture, "GET", "/v1beta/openai/models", NULL,
                                                 NULL, NULL);
    g_autoptr(Response) openrouter = send_full (fixture, "GET", "/api/v1/models", NULL, NULL,
                                                NULL);
    g_autoptr(JsonNode) google_root = parse_body (google);
    g_autoptr(JsonNode) bad_root = parse_body (google_bad);
    g_autoptr(JsonNode) openrouter_root = parse_body (openrouter);
    g_autofree char *object = query_string (google_root, "$.object");
    g_autofree char *bad_reason = query_string (bad_root, "$[0].error.details[0].reason");

    g_assert_cmpuint (google->status, ==, 200);
    g_assert_cmpstr (object, ==, "list");
    g_assert_cmpuint (count_with (google_root, "$.data", "id", "models/" PRO3), ==, 1);
    g_assert_cmpuint (count_with (google_root, "$.data", "object", "model"), ==, 4);
    g_assert_cmpuint (google_bad->status, ==, 400);
    g_assert_cmpstr (bad_reason, ==, "API_KEY_INVALID");
    g_assert_cmpuint (google_none->status, ==, 401);
    g_assert_cmpuint (openrouter->status, ==, 200);
    g_assert_cmpuint (count_with (openrouter_root, "$.data", "id", "google/" PRO3), ==, 1);
    g_assert_cmpuint (query_count (openrouter_root, "$.data[*].architecture.output_modalities"),
                      ==, 4);
    g_assert_cmpstr (chiaro_mock_server_get_last_request (fixture->server)->route, ==,
                     "openrouter-models");
  }

  /* Anything else under models/ is not a listing. */
  {
    g_autoptr(Response) post = send_full (fixture, "POST", "/v1beta/models/" FLASH25, "{}", NULL,
                                          "x-goog-api-key", "k", NULL);

    assert_error (post, 404, "NOT_FOUND", NULL);
  }
}

static void
test_openai_stream (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(Response) response = post_openai (fixture, "/api/v1/chat/completions",
                                              "{\"model\": \"google/gemini-3-pro-image-preview\", "
                                              "\"messages\": [{\"role\": \"user\", \"content\": "
                                              "\"x\"}], \"modalities\": [\"image\", \"text\"], "
                                              "\"stream\": true}");
  g_autofree char *text = g_strndup (g_bytes_get_data (response->body, NULL),
                                     g_bytes_get_size (response->body));
  g_auto(GStrv) events = g_strsplit (text, "\n\n", -1);
  guint n = g_strv_length (events);
  guint images = 0;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   "text/event-stream");
  g_assert_true (g_str_has_prefix (text, ": OPENROUTER PROCESSING\n\n"));
  g_assert_true (g_str_has_suffix (text, "data: [DONE]\n\n"));

  for (guint i = 1; i + 2 < n; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (g_str_has_prefix (events[i], "data: {"));
      json_parser_load_from_data (parser, events[i] + 6, -1, &error);
      g_assert_no_error (error);
      images += query_count (json_parser_get_root (parser), "$.choices[0].delta.images[*]");
    }
  g_assert_cmpuint (images, ==, 1);
}

/* Every request is kept, with all its headers (the key in its header, not the URL), its
 * body parsed, the scenario applied and the status answered. */
static void
test_recording (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *body = simple_request ("Record me", NULL);
  g_autoptr(Response) response = post_gemini (fixture, FLASH31, body);
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *header = NULL;
  g_autofree char *prompt = NULL;
  ChiaroMockRequest *record;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (fixture->server), ==, 1);
  record = chiaro_mock_server_get_request (fixture->server, 0);
  g_assert_cmpstr (record->method, ==, "POST");
  g_assert_cmpstr (record->path, ==, "/v1beta/models/" FLASH31 ":generateContent");
  g_assert_null (record->query);
  g_assert_cmpstr (chiaro_mock_request_get_header (record, "x-goog-api-key"), ==, "test-key");
  g_assert_cmpstr (chiaro_mock_request_get_header (record, "Content-Type"), ==, "application/json");
  g_assert_cmpmem (g_bytes_get_data (record->body, NULL), g_bytes_get_size (record->body),
                   body, strlen (body));
  g_assert_nonnull (record->json);
  g_assert_cmpstr (record->model, ==, FLASH31);
  g_assert_cmpstr (record->route, ==, "generateContent");
  g_assert_cmpstr (record->scenario, ==, "ok");
  g_assert_cmpuint (record->status, ==, 200);

  list = chiaro_mock_server_dup_requests_json (fixture->server);
  header = query_string (list, "$[0].headers['x-goog-api-key']");
  prompt = query_string (list, "$[0].body.contents[0].parts[0].text");
  g_assert_cmpstr (header, ==, "test-key");
  g_assert_cmpstr (prompt, ==, "Record me");
  g_assert_cmpint (query_int (list, "$[0].status"), ==, 200);

  chiaro_mock_server_clear_requests (fixture->server);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (fixture->server), ==, 0);
  g_assert_null (chiaro_mock_server_get_last_request (fixture->server));
}

/* The queue comes first, then the prompt's keyword, then the default; "NAMExN" repeats. */
static void
test_scenario_selection (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *keyword = simple_request ("[mock:text-only] a bird", NULL);
  g_autofree char *plain = simple_request ("a bird", NULL);
  g_autofree char *unknown = simple_request ("[mock:nonsense] a bird", NULL);
  g_autofree char *repeat = simple_request ("[mock:500x2] a bird", NULL);
  g_autofree char *old_keyword = g_strdup ("{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": "
                                           "\"[mock:503] first\"}]}, {\"role\": \"model\", "
                                           "\"parts\": "
                                           "[{\"text\": \"ok\"}]}, {\"role\": \"user\", \"parts\": "
                                           "[{\"text\": \"second\"}]}]}");
  const struct
  {
    const char *body;
    const char *scenario;
    guint       status;
  } steps[] = {
    { keyword, "503", 503 },         /* queued */
    { keyword, "text-only", 200 },   /* keyword */
    { plain, "429", 429 },           /* default 429x1 */
    { plain, "ok", 200 },            /* default used up */
    { repeat, "500", 500 },
    { repeat, "500", 500 },
    { repeat, "ok", 200 },
    { old_keyword, "ok", 200 },      /* only the newest user turn counts */
    { unknown, "nonsense", 400 },
  };

  g_assert_true (chiaro_mock_server_is_scenario ("503x2"));
  g_assert_true (chiaro_mock_server_is_scenario ("reset"));
  g_assert_false (chiaro_mock_server_is_scenario ("503x"));
  g_assert_false (chiaro_mock_server_is_scenario ("x2"));
  g_assert_false (chiaro_mock_server_is_scenario ("nonsense"));

  chiaro_mock_server_push_scenario (fixture->server, "503");
  chiaro_mock_server_set_default_scenario (fixture->server, "429x1");
  g_assert_cmpstr (chiaro_mock_server_get_default_scenario (fixture->server), ==, "429x1");

  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(Response) response = post_gemini (fixture, FLASH25, steps[i].body);
      ChiaroMockRequest *record = chiaro_mock_server_get_last_request (fixture->server);

      g_test_message ("step %" G_GSIZE_FORMAT, i);
      g_assert_cmpuint (response->status, ==, steps[i].status);
      g_assert_cmpstr (record->scenario, ==, steps[i].scenario);
    }

  chiaro_mock_server_push_scenario (fixture->server, "503x3");
  g_assert_cmpuint (chiaro_mock_server_get_n_queued (fixture->server), ==, 3);
}

static void
test_image_formats (Fixture       *fixture,
                    gconstpointer  data)
{
  const struct
  {
    const char *format;
    const char *model;
    const char *mime;
  } cases[] = {
    { "auto", FLASH25, "image/png" },
    { "auto", FLASH31, "image/jpeg" },
    { "png", PRO3, "image/png" },
    { "jpeg", FLASH25, "image/jpeg" },
    { "webp", FLASH25, "image/webp" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = simple_request ("Formats", NULL);
      g_autoptr(Response) response = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *mime = NULL;
      g_autoptr(GBytes) image = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;

      chiaro_mock_server_set_image_format (fixture->server, cases[i].format);
      response = post_gemini (fixture, cases[i].model, body);
      root = parse_body (response);
      mime = query_string (root, "$..inlineData.mimeType");
      g_assert_cmpstr (mime, ==, cases[i].mime);
      image = image_of_part (root, 1);
      pixbuf = decode (image);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1024);
    }
}

static void
test_gzip (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *body = simple_request ("x", NULL);
  g_autoptr(Response) plain = NULL;

  chiaro_mock_server_set_gzip (fixture->server, FALSE);
  plain = post_gemini (fixture, FLASH25, body);
  g_assert_cmpuint (plain->status, ==, 200);
  g_assert_null (soup_message_headers_get_one (plain->headers, "Content-Encoding"));
  g_assert_cmpint (soup_message_headers_get_content_length (plain->headers), ==,
                   g_bytes_get_size (plain->body));
}

/* The program: prints where it listens, takes scenarios and hands out records over HTTP,
 * appends each request to --record, and exits cleanly on SIGTERM. */
static void
test_program (void)
{
  g_autofree char *binary = g_test_build_filename (G_TEST_BUILT, "mock", "chiaro-mock-server", NULL);
  g_autofree char *record_path = g_test_build_filename (G_TEST_BUILT, "test-mock-record.jsonl", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *recorded = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *body = simple_request ("x", NULL);

  g_unlink (record_path);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, binary, "--port", "0",
                              "--record", record_path, "--scenario", "text-only", NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));

  {
    g_autoptr(Response) scenario = NULL;
    g_autoptr(Response) answer = NULL;
    g_autoptr(Response) fallback = NULL;
    g_autoptr(Response) requests = NULL;
    g_autoptr(Response) cleared = NULL;
    g_autoptr(Response) bad = NULL;
    g_autoptr(JsonNode) list = NULL;
    g_autofree char *key = NULL;
    const char *url = line + strlen ("listening on ");
    g_autofree char *scenario_url = g_strconcat (url, "/mock/scenario", NULL);
    g_autofree char *model_url = g_strconcat (url, "/v1beta/models/" FLASH25 ":generateContent", NULL);
    g_autofree char *requests_url = g_strconcat (url, "/mock/requests", NULL);

    scenario = send_to (session, "POST", scenario_url, "503", "x-goog-api-key", "child-key", NULL);
    bad = send_to (session, "POST", scenario_url, "no-such-scenario", NULL);
    answer = send_to (session, "POST", model_url, body, "x-goog-api-key", "child-key", NULL);
    fallback = send_to (session, "POST", model_url, body, "x-goog-api-key", "child-key", NULL);
    requests = send_to (session, "GET", requests_url, NULL, NULL);

    g_assert_cmpuint (scenario->status, ==, 204);
    g_assert_cmpuint (bad->status, ==, 400);
    g_assert_cmpuint (answer->status, ==, 503);
    g_assert_cmpuint (fallback->status, ==, 200);
    list = parse_body (requests);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 2);
    key = query_string (list, "$[0].headers['x-goog-api-key']");
    g_assert_cmpstr (key, ==, "child-key");
    {
      g_autofree char *second = query_string (list, "$[1].scenario");

      g_assert_cmpstr (second, ==, "text-only");
    }

    cleared = send_to (session, "DELETE", requests_url, NULL, NULL);
    g_assert_cmpuint (cleared->status, ==, 204);
    {
      g_autoptr(Response) empty = send_to (session, "GET", requests_url, NULL, NULL);
      g_autoptr(JsonNode) none = parse_body (empty);

      g_assert_cmpuint (json_array_get_length (json_node_get_array (none)), ==, 0);
    }
  }
  g_clear_object (&session);

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  g_file_get_contents (record_path, &recorded, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (recorded, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "{\"method\":\"POST\""));
  g_assert_nonnull (strstr (lines[0], "\"x-goog-api-key\":\"child-key\""));
  g_assert_nonnull (strstr (lines[0], "\"status\":503"));
  g_assert_cmpstr (lines[2], ==, "");
  g_unlink (record_path);
}

/* A fixed answer body (for benchmarks) is served as it is for "ok", after the request is
 * checked; other scenarios, invalid requests and other routes answer as usual. */
static void
test_answer_body (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char answer[] = "{\n  \"candidates\": [],\n  \"responseId\": \"fixed\"\n}\n";
  g_autoptr(GBytes) fixed = g_bytes_new_static (answer, strlen (answer));
  g_autofree char *body = simple_request ("A lighthouse", NULL);
  g_autoptr(Response) ok = NULL;
  g_autoptr(Response) limited = NULL;
  g_autoptr(Response) invalid = NULL;
  g_autoptr(Response) streamed = NULL;
  g_autoptr(Response) usual = NULL;

  chiaro_mock_server_set_answer_body (fixture->server, fixed);

  ok = post_gemini (fixture, FLASH25, body);
  g_assert_no_error (ok->error);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_true (g_bytes_equal (ok->body, fixed));
  g_assert_cmpstr (soup_message_headers_get_one (ok->headers, "Content-Type"), ==,
                   "application/json; charset=UTF-8");

  chiaro_mock_server_push_scenario (fixture->server, "429");
  limited = post_gemini (fixture, FLASH25, body);
  g_assert_cmpuint (limited->status, ==, 429);

  invalid = post_gemini (fixture, FLASH25, "{\"contents\": 3}");
  g_assert_cmpuint (invalid->status, ==, 400);

  streamed = send_full (fixture, "POST", "/v1beta/models/" FLASH25 ":streamGenerateContent?alt=sse",
                        body, NULL, "x-goog-api-key", "test-key", NULL);
  g_assert_cmpuint (streamed->status, ==, 200);
  g_assert_false (g_bytes_equal (streamed->body, fixed));

  chiaro_mock_server_set_answer_body (fixture->server, NULL);
  usual = post_gemini (fixture, FLASH25, body);
  g_assert_cmpuint (usual->status, ==, 200);
  g_assert_false (g_bytes_equal (usual->body, fixed));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (usual->body, NULL),
                                  g_bytes_get_size (usual->body), "inlineData"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/chiaro/mock/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("generate/ok", test_generate_ok);
  ADD ("generate/sizes", test_generate_sizes);
  ADD ("generate/ratio-from-input", test_generate_ratio_from_input);
  ADD ("generate/distinct-images", test_generate_distinct_images);
  ADD ("generate/signatures", test_generate_signatures);
  ADD ("generate/answer-body", test_answer_body);
  ADD ("validation/messages", test_validation);
  ADD ("validation/details", test_validation_details);
  ADD ("validation/json-syntax", test_validation_json_syntax);
  ADD ("validation/snake-case", test_validation_snake_case);
  ADD ("validation/image-count", test_validation_image_count);
  ADD ("validation/mime-mismatch", test_validation_mime_mismatch);
  ADD ("validation/size-limit", test_validation_size_limit);
  ADD ("auth", test_auth);
  ADD ("routes", test_routes);
  ADD ("scenarios/content", test_scenarios_content);
  ADD ("scenarios/images", test_scenarios_images);
  ADD ("scenarios/http-errors", test_scenarios_http_errors);
  ADD ("scenarios/stream-errors", test_scenarios_stream_errors);
  ADD ("scenarios/broken-bodies", test_scenarios_broken_bodies);
  ADD ("scenarios/selection", test_scenario_selection);
  ADD ("transport/reset", test_transport_reset);
  ADD ("transport/stall", test_transport_stall);
  ADD ("transport/slow", test_transport_slow);
  ADD ("transport/delay", test_transport_delay);
  ADD ("transport/redirect", test_transport_redirect);
  ADD ("transport/parallel", test_transport_parallel);
  ADD ("stream/sse", test_stream_sse);
  ADD ("stream/json-array", test_stream_json_array);
  ADD ("openai/images", test_openai);
  ADD ("openai/errors", test_openai_errors);
  ADD ("openai/stream", test_openai_stream);
  ADD ("listing", test_listing);
  ADD ("recording", test_recording);
  ADD ("image-formats", test_image_formats);
  ADD ("gzip", test_gzip);
  g_test_add_func ("/chiaro/mock/program", test_program);

#undef ADD

  return g_test_run ();
}
