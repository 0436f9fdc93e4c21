/* test-connection-check.c — checking a key against the mock server, without making an image
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Assertions are on what the mock received (method, path, where the key went, no body), on
 * the model name that came back, and on the error codes and messages of every refusal.
 */

#include "config.h"

#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-connection-check.h"
#include "chiaro-mock-server.h"
#include "chiaro-test-util.h"

#define KEY "connection-test-key"

typedef struct
{
  ChiaroMockServer *mock;
  SoupSession      *session;
  ChiaroHttpClient *http;
  GCancellable     *cancellable;
  gboolean          done;
  gboolean          ok;
  char             *name;
  GError           *error;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->mock = chiaro_mock_server_new (NULL, &error);
  g_assert_no_error (error);
  chiaro_mock_server_listen (f->mock, 0, &error);
  g_assert_no_error (error);

  f->session = soup_session_new ();
  f->http = chiaro_http_client_new (f->session);
  chiaro_http_client_set_max_attempts (f->http, 1);
}

static void
reset (Fixture *f)
{
  f->done = FALSE;
  f->ok = FALSE;
  g_clear_pointer (&f->name, g_free);
  g_clear_error (&f->error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  reset (f);
  g_clear_object (&f->cancellable);
  g_clear_object (&f->http);
  g_clear_object (&f->session);
  g_assert_finalize_object (f->mock);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;

  f->ok = chiaro_connection_check_finish (result, &f->name, &f->error);
  f->done = TRUE;
}

static gboolean
is_done (gpointer user_data)
{
  return ((Fixture *) user_data)->done;
}

static void
check (Fixture    *f,
       const char *provider,
       const char *endpoint,
       const char *key,
       const char *model)
{
  reset (f);
  chiaro_connection_check_async (f->http, provider, endpoint, key, model, f->cancellable,
                                 on_checked, f);
  g_assert_false (f->done);
  g_assert_true (chiaro_test_wait_until (is_done, f, 30));
  g_assert_true (f->ok == (f->error == NULL));
}

static char *
mock_endpoint (Fixture    *f,
               const char *path)
{
  return g_strconcat (chiaro_mock_server_get_url (f->mock), path, NULL);
}

/* A good key: one GET of the model, the key in x-goog-api-key and nowhere else. */
static void
test_gemini_ok (Fixture       *f,
                gconstpointer  data)
{
  const char *endpoint = chiaro_mock_server_get_url (f->mock);
  g_autofree char *slashed = mock_endpoint (f, "/");
  ChiaroMockRequest *request;

  check (f, "gemini", endpoint, KEY, "gemini-3.1-flash-image");
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->name, ==, "Nano Banana 2");

  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->mock), ==, 1);
  request = chiaro_mock_server_get_request (f->mock, 0);
  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, "/v1beta/models/gemini-3.1-flash-image");
  g_assert_cmpstr (request->route, ==, "models.get");
  g_assert_null (request->query);
  g_assert_cmpstr (chiaro_mock_request_get_header (request, "x-goog-api-key"), ==, KEY);
  g_assert_null (chiaro_mock_request_get_header (request, "Authorization"));
  g_assert_cmpuint (g_bytes_get_size (request->body), ==, 0);
  g_assert_true (g_str_has_prefix (chiaro_mock_request_get_header (request, "User-Agent"),
                                   "Chiaro/"));

  /* A trailing slash on the address changes nothing. */
  check (f, "gemini", slashed, KEY, "gemini-3-pro-image-preview");
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->name, ==, "Nano Banana Pro");
  request = chiaro_mock_server_get_last_request (f->mock);
  g_assert_cmpstr (request->path, ==, "/v1beta/models/gemini-3-pro-image-preview");
}

/* Refusals come back as the errors a generation would get, with their messages. */
static void
test_gemini_refused (Fixture       *f,
                     gconstpointer  data)
{
  const char *endpoint = chiaro_mock_server_get_url (f->mock);

  check (f, "gemini", endpoint, "bad", "gemini-3.1-flash-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (f->error->message, ==,
                   "The API key is not valid. Check the key in Preferences.");
  g_assert_cmpint (chiaro_api_error_get_http_status (f->error), ==, 400);
  g_assert_null (f->name);

  chiaro_mock_server_push_scenario (f->mock, "401");
  check (f, "gemini", endpoint, KEY, "gemini-3.1-flash-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_UNAUTHORIZED);
  g_assert_cmpint (chiaro_api_error_get_http_status (f->error), ==, 401);

  chiaro_mock_server_push_scenario (f->mock, "403");
  check (f, "gemini", endpoint, KEY, "gemini-3.1-flash-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_PERMISSION_DENIED);
  g_assert_cmpstr (f->error->message, ==,
                   "This API key has been suspended. Create a new key in Google AI Studio.");

  check (f, "gemini", endpoint, KEY, "imagen-9");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_MODEL_NOT_FOUND);
  g_assert_cmpint (chiaro_api_error_get_http_status (f->error), ==, 404);

  /* Every one of these was sent, once. */
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->mock), ==, 4);
}

/* Nothing is sent without a key, or to an address that would expose it. */
static void
test_refused_before_sending (Fixture       *f,
                             gconstpointer  data)
{
  check (f, "gemini", chiaro_mock_server_get_url (f->mock), "", "gemini-3.1-flash-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (f->error->message, ==, "There is no API key to check. Enter one first.");

  check (f, "gemini", "http://example.com", KEY, "gemini-3.1-flash-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_INSECURE_ENDPOINT);
  g_assert_null (strstr (f->error->message, KEY));

  check (f, "openai", "ftp://127.0.0.1/v1", KEY, "gemini-3.1-flash-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_INSECURE_ENDPOINT);

  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->mock), ==, 0);
}

/* OpenAI-compatible servers: GET {endpoint}/models with a Bearer token. */
static void
test_openai (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *google = mock_endpoint (f, "/v1beta/openai");
  g_autofree char *openrouter = mock_endpoint (f, "/api/v1");
  ChiaroMockRequest *request;

  check (f, "openai", google, KEY, "gemini-3-pro-image-preview");
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->name, ==, "models/gemini-3-pro-image-preview");
  request = chiaro_mock_server_get_last_request (f->mock);
  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, "/v1beta/openai/models");
  g_assert_cmpstr (chiaro_mock_request_get_header (request, "Authorization"), ==, "Bearer " KEY);
  g_assert_null (chiaro_mock_request_get_header (request, "x-goog-api-key"));

  /* Connected, but the model is not on the server's list. */
  check (f, "openai", google, KEY, "no-such-model");
  g_assert_true (f->ok);
  g_assert_null (f->name);

  check (f, "openai", google, "bad", "gemini-3-pro-image-preview");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_UNAUTHORIZED);

  check (f, "openai", openrouter, KEY, "google/gemini-3.1-flash-image-preview");
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->name, ==, "google/gemini-3.1-flash-image-preview");
  g_assert_cmpstr (chiaro_mock_server_get_last_request (f->mock)->path, ==, "/api/v1/models");

  chiaro_mock_server_push_scenario (f->mock, "500");
  check (f, "openai", openrouter, KEY, "gemini-3-pro-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_SERVER);
}

static void
on_odd_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  if (g_str_has_prefix (path, "/portal"))
    soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                      "<html><body>Sign in</body></html>", 33);
  else
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                      "{\"hello\": \"world\"}", 18);
  soup_server_message_set_status (msg, 200, NULL);
}

/* A 200 that is not what an image service says, and a server that is not there. */
static void
test_bad_answers (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SoupServer) odd = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *portal = NULL;
  g_autofree char *other = NULL;
  g_autofree char *gone = NULL;
  GSList *uris;
  guint port;

  soup_server_add_handler (odd, NULL, on_odd_request, NULL, NULL);
  soup_server_listen_local (odd, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (odd);
  port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  portal = g_strdup_printf ("http://127.0.0.1:%u/portal", port);
  other = g_strdup_printf ("http://127.0.0.1:%u/other", port);

  check (f, "gemini", portal, KEY, "gemini-3.1-flash-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_BAD_RESPONSE);
  check (f, "gemini", other, KEY, "gemini-3.1-flash-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (f->error->message, ==,
                   "The server answered, but not as an image service does. Check the server "
                   "address.");
  check (f, "openai", other, KEY, "gemini-3.1-flash-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_BAD_RESPONSE);

  soup_server_disconnect (odd);
  gone = g_strdup_printf ("http://127.0.0.1:%u", port);
  check (f, "gemini", gone, KEY, "gemini-3.1-flash-image");
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_NETWORK);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  f->cancellable = g_cancellable_new ();
  chiaro_connection_check_async (f->http, "gemini", chiaro_mock_server_get_url (f->mock), KEY,
                                 "gemini-3.1-flash-image", f->cancellable, on_checked, f);
  g_cancellable_cancel (f->cancellable);
  g_assert_true (chiaro_test_wait_until (is_done, f, 30));
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (f->ok);
}

static void
test_uri (void)
{
  g_autofree char *gemini = chiaro_connection_check_dup_uri ("gemini", "https://a.example//",
                                                             "x y");
  g_autofree char *openai = chiaro_connection_check_dup_uri ("openai",
                                                             "https://openrouter.ai/api/v1",
                                                             "ignored");

  g_assert_cmpstr (gemini, ==, "https://a.example/v1beta/models/x%20y");
  g_assert_cmpstr (openai, ==, "https://openrouter.ai/api/v1/models");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/chiaro/connection-check/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("gemini-ok", test_gemini_ok);
  ADD ("gemini-refused", test_gemini_refused);
  ADD ("refused-before-sending", test_refused_before_sending);
  ADD ("openai", test_openai);
  ADD ("bad-answers", test_bad_answers);
  ADD ("cancel", test_cancel);
  g_test_add_func ("/chiaro/connection-check/uri", test_uri);

#undef ADD

  return g_test_run ();
}
