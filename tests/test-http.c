/* test-http.c — the HTTP client against a loopback server: retries, progress, limits, cancels
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-http-client-private.h"
#include "chiaro-http-client.h"
#include "chiaro-test-util.h"

#define USER_AGENT "Chiaro/" PACKAGE_VERSION
#define API_KEY    "test-key-Zq81xW"
#define FIVE_MB    (5 * 1024 * 1024)
/* How soon a cancelled request must be over. */
#define PROMPT_US  (500 * G_TIME_SPAN_MILLISECOND)

/* A self-signed certificate for 127.0.0.1 that no trust store knows. */
static const char tls_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBmzCCAUGgAwIBAgIUfSBCwTf1jTlBSofHJF+6Xg1YMtQwCgYIKoZIzj0EAwIw\n"
  "FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMTE1MTgyMVoYDzIxMjYxMDI4\n"
  "MTUxODIxWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO\n"
  "PQMBBwNCAARu3l9BxVxFBuWfqndnv8dyK4Mkn85lCTy29Sdr0YRlzAtGmVLe0fw3\n"
  "4ZYU0ChnN3QknLlzKdJNVxJLz8SRJlF5o28wbTAdBgNVHQ4EFgQUhhkKwv5XrTYW\n"
  "8NaKEUNM4JHK47EwHwYDVR0jBBgwFoAUhhkKwv5XrTYW8NaKEUNM4JHK47EwDwYD\n"
  "VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI\n"
  "zj0EAwIDSAAwRQIgVXfq7vCQ9Dx+rc/V9T/G4aY3CD3x/DsUFTbmkcZwSYsCIQDt\n"
  "Ujg2dvHkR0YRDl4F9qiWWnQAGdjCf8WnWbRHM/zK9Q==\n"
  "-----END CERTIFICATE-----\n"
  "-----BEGIN PRIVATE KEY-----\n"
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgihY+xtFNE1bMr+MF\n"
  "3udB26wifZwyDthbVT88o7LMdQKhRANCAARu3l9BxVxFBuWfqndnv8dyK4Mkn85l\n"
  "CTy29Sdr0YRlzAtGmVLe0fw34ZYU0ChnN3QknLlzKdJNVxJLz8SRJlF5\n"
  "-----END PRIVATE KEY-----\n";

/* Everything the "chiaro-http" domain logged, to check that no secret gets there. */
static GString *http_log;

typedef enum
{
  REPLY_STATUS,      /* status, one header, body with Content-Length */
  REPLY_CHUNKED,     /* status and body, chunked, no Content-Length */
  REPLY_STALL,       /* never answers */
  REPLY_DELAYED,     /* like REPLY_STATUS, 1.2 s later */
  REPLY_STALL_BODY,  /* headers and a first chunk, then nothing */
  REPLY_RAW,         /* these bytes on the connection, then it is closed */
} ReplyKind;

typedef struct
{
  ReplyKind  kind;
  guint      status;
  char      *content_type;
  char      *header_name;
  char      *header_value;
  GBytes    *body;
} Reply;

typedef struct
{
  SoupServer         *server;
  char               *url;
  GPtrArray          *replies;          /* Reply; the last one repeats */
  GPtrArray          *stalled;          /* SoupServerMessage */
  guint               n_requests;
  char               *method;
  SoupMessageHeaders *request_headers;
  GBytes             *request_body;
} TestServer;

typedef struct
{
  TestServer        *server;
  SoupSession       *session;
  ChiaroHttpClient  *client;

  GArray            *events;            /* ChiaroHttpProgress */
  GArray            *delays;            /* guint, what the sleep hook was asked */
  GCancellable      *cancellable;
  gboolean           cancel_armed;
  ChiaroHttpPhase    cancel_phase;
  guint64            cancel_min_bytes;
  guint              cancel_delay_ms;
  gint64             cancelled_at;

  guint              n_callbacks;
  gboolean           progress_destroyed;
  ChiaroHttpResponse *response;
  GError            *error;
  gint64             started_at;
  gint64             finished_at;
} Fixture;

static void
reply_free (gpointer data)
{
  Reply *reply = data;

  g_free (reply->content_type);
  g_free (reply->header_name);
  g_free (reply->header_value);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

static void
add_reply (TestServer *ts,
           ReplyKind   kind,
           guint       status,
           const char *content_type,
           GBytes     *body,
           const char *header_name,
           const char *header_value)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->kind = kind;
  reply->status = status;
  reply->content_type = g_strdup (content_type != NULL ? content_type : "application/octet-stream");
  reply->body = body != NULL ? body : g_bytes_new_static ("", 0);
  reply->header_name = g_strdup (header_name);
  reply->header_value = g_strdup (header_value);
  g_ptr_array_add (ts->replies, reply);
}

static void
add_json_reply (TestServer *ts,
                guint       status,
                const char *json,
                const char *header_name,
                const char *header_value)
{
  add_reply (ts, REPLY_STATUS, status, "application/json; charset=UTF-8",
             g_bytes_new (json, strlen (json)), header_name, header_value);
}

static void
add_raw_reply (TestServer *ts,
               const char *head,
               gsize       n_body_bytes)
{
  GByteArray *raw = g_byte_array_new ();

  g_byte_array_append (raw, (const guint8 *) head, strlen (head));
  for (gsize i = 0; i < n_body_bytes; i++)
    g_byte_array_append (raw, (const guint8 *) "x", 1);
  add_reply (ts, REPLY_RAW, 0, NULL, g_byte_array_free_to_bytes (raw), NULL, NULL);
}

static GBytes *
make_pattern (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) ((i * 7 + i / 251) & 0xff);

  return g_bytes_new_take (data, size);
}

static void
append_in_chunks (SoupMessageBody *body,
                  GBytes          *bytes)
{
  gsize size = g_bytes_get_size (bytes);
  const guint8 *data = g_bytes_get_data (bytes, NULL);

  for (gsize offset = 0; offset < size; offset += 64 * 1024)
    soup_message_body_append (body, SOUP_MEMORY_COPY, data + offset,
                              MIN (64 * 1024, size - offset));
}

typedef struct
{
  SoupServerMessage *msg;
  Reply             *reply;
} DelayedReply;

static void
set_response (SoupServerMessage *msg,
              Reply             *reply)
{
  soup_server_message_set_status (msg, reply->status, NULL);
  if (reply->header_name != NULL)
    soup_message_headers_append (soup_server_message_get_response_headers (msg),
                                 reply->header_name, reply->header_value);
  soup_server_message_set_response (msg, reply->content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (reply->body, NULL),
                                    g_bytes_get_size (reply->body));
}

static gboolean
on_delayed_reply (gpointer user_data)
{
  DelayedReply *delayed = user_data;

  set_response (delayed->msg, delayed->reply);
  soup_server_message_unpause (delayed->msg);
  g_object_unref (delayed->msg);
  g_free (delayed);

  return G_SOURCE_REMOVE;
}

static void
on_server_request (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  TestServer *ts = user_data;
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *response_body = soup_server_message_get_response_body (msg);
  Reply *reply;

  g_assert_cmpuint (ts->replies->len, >, 0);
  reply = g_ptr_array_index (ts->replies, MIN (ts->n_requests, ts->replies->len - 1));
  ts->n_requests++;

  g_free (ts->method);
  ts->method = g_strdup (soup_server_message_get_method (msg));
  g_clear_pointer (&ts->request_headers, soup_message_headers_unref);
  ts->request_headers = soup_message_headers_ref (soup_server_message_get_request_headers (msg));
  g_clear_pointer (&ts->request_body, g_bytes_unref);
  ts->request_body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  switch (reply->kind)
    {
    case REPLY_STATUS:
      set_response (msg, reply);
      break;

    case REPLY_DELAYED:
      {
        DelayedReply *delayed = g_new0 (DelayedReply, 1);

        delayed->msg = g_object_ref (msg);
        delayed->reply = reply;
        soup_server_message_pause (msg);
        g_timeout_add (1200, on_delayed_reply, delayed);
      }
      break;

    case REPLY_CHUNKED:
    case REPLY_STALL_BODY:
      soup_server_message_set_status (msg, reply->status, NULL);
      soup_message_headers_set_encoding (response_headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (response_headers, "application/octet-stream", NULL);
      append_in_chunks (response_body, reply->body);
      if (reply->kind == REPLY_CHUNKED)
        soup_message_body_complete (response_body);
      else
        g_ptr_array_add (ts->stalled, g_object_ref (msg));
      break;

    case REPLY_STALL:
      soup_server_message_pause (msg);
      g_ptr_array_add (ts->stalled, g_object_ref (msg));
      break;

    case REPLY_RAW:
      {
        g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
        g_autoptr(GError) error = NULL;

        g_output_stream_write_all (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (reply->body, NULL),
                                   g_bytes_get_size (reply->body), NULL, NULL, &error);
        g_assert_no_error (error);
        g_io_stream_close (stream, NULL, NULL);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static TestServer *
test_server_new (GTlsCertificate *certificate)
{
  TestServer *ts = g_new0 (TestServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  ts->server = soup_server_new ("tls-certificate", certificate, NULL);
  ts->replies = g_ptr_array_new_with_free_func (reply_free);
  ts->stalled = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_handler (ts->server, NULL, on_server_request, ts, NULL);
  soup_server_listen_local (ts->server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY
                            | (certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (ts->server);
  g_assert_nonnull (uris);
  ts->url = g_strdup_printf ("%s://127.0.0.1:%d/v1beta/models/test:generateContent",
                             certificate != NULL ? "https" : "http",
                             g_uri_get_port (uris->data));

  return ts;
}

static void
test_server_free (TestServer *ts)
{
  soup_server_disconnect (ts->server);
  g_ptr_array_unref (ts->stalled);
  g_assert_finalize_object (ts->server);
  g_ptr_array_unref (ts->replies);
  g_free (ts->url);
  g_free (ts->method);
  g_clear_pointer (&ts->request_headers, soup_message_headers_unref);
  g_clear_pointer (&ts->request_body, g_bytes_unref);
  g_free (ts);
}

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
  f->server = test_server_new (NULL);
  f->session = soup_session_new ();
  f->client = chiaro_http_client_new (f->session);
  chiaro_http_client_set_jitter (f->client, FALSE);
  chiaro_http_client_set_sleep_func (f->client, record_sleep, f, NULL);
  f->events = g_array_new (FALSE, TRUE, sizeof (ChiaroHttpProgress));
  f->delays = g_array_new (FALSE, TRUE, sizeof (guint));
  f->cancellable = g_cancellable_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->client);
  g_object_unref (f->session);
  test_server_free (f->server);
  g_array_unref (f->events);
  g_array_unref (f->delays);
  g_object_unref (f->cancellable);
  g_clear_pointer (&f->response, chiaro_http_response_free);
  g_clear_error (&f->error);
}

static gboolean
on_cancel_timeout (gpointer user_data)
{
  Fixture *f = user_data;

  f->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (f->cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_progress (const ChiaroHttpProgress *progress,
             gpointer                  user_data)
{
  Fixture *f = user_data;

  /* Progress comes on the caller's context, which this test iterates. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_cmpuint (f->n_callbacks, ==, 0);

  g_array_append_val (f->events, *progress);

  if (f->cancel_armed && progress->phase == f->cancel_phase
      && progress->bytes >= f->cancel_min_bytes)
    {
      f->cancel_armed = FALSE;
      if (f->cancel_delay_ms == 0)
        on_cancel_timeout (f);
      else
        g_timeout_add (f->cancel_delay_ms, on_cancel_timeout, f);
    }
}

static void
on_progress_destroy (gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_false (f->progress_destroyed);
  f->progress_destroyed = TRUE;
}

static void
on_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fixture *f = user_data;

  f->n_callbacks++;
  f->finished_at = g_get_monotonic_time ();
  f->response = chiaro_http_client_post_finish (CHIARO_HTTP_CLIENT (source), result, &f->error);
  g_assert_true ((f->response == NULL) != (f->error == NULL));
}

static gboolean
callback_came (gpointer user_data)
{
  Fixture *f = user_data;

  return f->n_callbacks > 0;
}

static gboolean
on_spin_timeout (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;

  return G_SOURCE_REMOVE;
}

/* Runs the main loop for a while, for whatever should not happen any more. */
static void
spin_main_loop (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_spin_timeout, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
arm_cancel (Fixture         *f,
            ChiaroHttpPhase  phase,
            guint64          min_bytes,
            guint            delay_ms)
{
  f->cancel_armed = TRUE;
  f->cancel_phase = phase;
  f->cancel_min_bytes = min_bytes;
  f->cancel_delay_ms = delay_ms;
}

/* Posts and waits for the callback, then keeps the loop running a little to catch a second
 * callback or late progress. */
static void
post_with_headers (Fixture            *f,
                   const char         *url,
                   const char * const *headers,
                   GBytes             *body)
{
  guint n_events;

  g_array_set_size (f->events, 0);
  g_array_set_size (f->delays, 0);
  g_clear_pointer (&f->response, chiaro_http_response_free);
  g_clear_error (&f->error);
  f->n_callbacks = 0;
  f->progress_destroyed = FALSE;
  f->started_at = g_get_monotonic_time ();

  chiaro_http_client_post_async (f->client, url, headers, "application/json", body,
                                 on_progress, f, on_progress_destroy,
                                 f->cancellable, on_posted, f);
  g_assert_cmpuint (f->n_callbacks, ==, 0);
  g_assert_true (chiaro_test_wait_until (callback_came, f, 30));

  n_events = f->events->len;
  spin_main_loop (50);
  g_assert_cmpuint (f->n_callbacks, ==, 1);
  g_assert_cmpuint (f->events->len, ==, n_events);
  g_assert_true (f->progress_destroyed);
}

static void
post (Fixture    *f,
      const char *json)
{
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

  post_with_headers (f, f->server->url, NULL, body);
}

static const ChiaroHttpProgress *
event (Fixture *f,
       guint    index)
{
  g_assert_cmpuint (index, <, f->events->len);

  return &g_array_index (f->events, ChiaroHttpProgress, index);
}

static const ChiaroHttpProgress *
last_event (Fixture         *f,
            ChiaroHttpPhase  phase)
{
  for (guint i = f->events->len; i > 0; i--)
    if (event (f, i - 1)->phase == phase)
      return event (f, i - 1);

  g_error ("no progress event of phase %d", phase);
}

static guint
count_events (Fixture         *f,
              ChiaroHttpPhase  phase)
{
  guint n = 0;

  for (guint i = 0; i < f->events->len; i++)
    n += event (f, i)->phase == phase;

  return n;
}

static void
assert_delays (Fixture     *f,
               const guint *expected,
               guint        n_expected)
{
  g_assert_cmpuint (f->delays->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpuint (g_array_index (f->delays, guint, i), ==, expected[i]);
}

/* Phases never go back within one attempt, and byte counts never shrink within a phase. */
static void
assert_phases_in_order (Fixture *f)
{
  ChiaroHttpPhase phase = CHIARO_HTTP_PHASE_CONNECTING;
  guint64 bytes = 0;

  g_assert_cmpuint (f->events->len, >, 0);
  g_assert_cmpint (event (f, 0)->phase, ==, CHIARO_HTTP_PHASE_CONNECTING);

  for (guint i = 0; i < f->events->len; i++)
    {
      const ChiaroHttpProgress *e = event (f, i);

      if (e->phase == CHIARO_HTTP_PHASE_RETRY_WAIT)
        {
          g_assert_cmpint (event (f, i + 1)->phase, ==, CHIARO_HTTP_PHASE_CONNECTING);
          g_assert_cmpuint (event (f, i + 1)->attempt, ==, e->attempt);
          phase = CHIARO_HTTP_PHASE_CONNECTING;
          bytes = 0;
          continue;
        }

      g_assert_cmpint (e->phase, >=, phase);
      if (e->phase != phase)
        bytes = 0;
      g_assert_cmpuint (e->bytes, >=, bytes);
      if (e->total > 0)
        g_assert_cmpuint (e->bytes, <=, e->total);
      phase = e->phase;
      bytes = e->bytes;
    }
}

static void
assert_body (GBytes     *bytes,
             const char *expected)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected, strlen (expected));
}

static guint16
closed_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  local = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_socket_close (socket, NULL);

  return port;
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  static const char * const headers[] = { "x-goog-api-key", API_KEY, "X-Chiaro-Test", "yes", NULL };
  static const char request[] = "{\"contents\":[{\"parts\":[{\"text\":\"a red fox\"}]}]}";
  static const char answer[] = "{\"candidates\":[]}";
  g_autoptr(GBytes) body = g_bytes_new_static (request, strlen (request));
  g_autoptr(ChiaroHttpResponse) copy = NULL;
  SoupMessageHeaders *received;

  add_json_reply (f->server, 200, answer, "X-Answer", "42");
  g_string_truncate (http_log, 0);
  post_with_headers (f, f->server->url, headers, body);

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->status, ==, 200);
  g_assert_cmpuint (f->response->attempts, ==, 1);
  assert_body (f->response->body, answer);
  g_assert_cmpstr (chiaro_http_response_get_content_type (f->response), ==, "application/json");
  g_assert_cmpstr (soup_message_headers_get_one (f->response->headers, "X-Answer"), ==, "42");

  /* What the server got. */
  received = f->server->request_headers;
  g_assert_cmpuint (f->server->n_requests, ==, 1);
  g_assert_cmpstr (f->server->method, ==, "POST");
  g_assert_cmpstr (soup_message_headers_get_one (received, "User-Agent"), ==, USER_AGENT);
  g_assert_cmpstr (soup_message_headers_get_one (received, "x-goog-api-key"), ==, API_KEY);
  g_assert_cmpstr (soup_message_headers_get_one (received, "X-Chiaro-Test"), ==, "yes");
  g_assert_cmpstr (soup_message_headers_get_content_type (received, NULL), ==, "application/json");
  assert_body (f->server->request_body, request);

  /* One CONNECTING, one DONE, nothing retried. */
  assert_phases_in_order (f);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_CONNECTING), ==, 1);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_WAITING), ==, 1);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_DONE), ==, 1);
  g_assert_cmpint (event (f, f->events->len - 1)->phase, ==, CHIARO_HTTP_PHASE_DONE);
  g_assert_cmpuint (event (f, f->events->len - 1)->bytes, ==, strlen (answer));
  g_assert_cmpuint (f->delays->len, ==, 0);

  /* The boxed type copies. */
  copy = g_boxed_copy (CHIARO_TYPE_HTTP_RESPONSE, f->response);
  g_assert_cmpuint (copy->status, ==, 200);
  g_assert_cmpuint (copy->attempts, ==, 1);
  g_assert_true (g_bytes_equal (copy->body, f->response->body));
  g_assert_cmpstr (chiaro_http_response_get_content_type (copy), ==, "application/json");

  /* The log has attempts and sizes, never the key, the address or the body. */
  g_assert_cmpuint (http_log->len, >, 0);
  g_assert_null (strstr (http_log->str, API_KEY));
  g_assert_null (strstr (http_log->str, "generateContent"));
  g_assert_null (strstr (http_log->str, "127.0.0.1"));
  g_assert_null (strstr (http_log->str, "red fox"));
  g_assert_null (strstr (http_log->str, "candidates"));
}

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ChiaroHttpClient) client = chiaro_http_client_new (f->session);
  gboolean jitter;

  g_assert_true (chiaro_http_client_get_session (client) == f->session);
  g_assert_cmpuint (chiaro_http_client_get_max_attempts (client), ==,
                    CHIARO_HTTP_DEFAULT_MAX_ATTEMPTS);
  g_assert_cmpuint (chiaro_http_client_get_timeout (client), ==, CHIARO_HTTP_DEFAULT_TIMEOUT_S);
  g_object_get (client, "jitter", &jitter, NULL);
  g_assert_true (jitter);

  chiaro_http_client_set_max_attempts (client, 2);
  chiaro_http_client_set_timeout (client, 7);
  chiaro_http_client_set_jitter (client, FALSE);
  g_assert_cmpuint (chiaro_http_client_get_max_attempts (client), ==, 2);
  g_assert_cmpuint (chiaro_http_client_get_timeout (client), ==, 7);
  g_object_get (client, "jitter", &jitter, NULL);
  g_assert_false (jitter);
}

static void
test_upload_progress (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) body = make_pattern (FIVE_MB);
  const ChiaroHttpProgress *sending;
  guint n_sending;

  add_json_reply (f->server, 200, "{}", NULL, NULL);
  post_with_headers (f, f->server->url, NULL, body);

  g_assert_no_error (f->error);
  g_assert_true (g_bytes_equal (f->server->request_body, body));
  assert_phases_in_order (f);

  n_sending = count_events (f, CHIARO_HTTP_PHASE_SENDING);
  g_assert_cmpuint (n_sending, >, 2);
  sending = last_event (f, CHIARO_HTTP_PHASE_SENDING);
  g_assert_cmpuint (sending->bytes, ==, FIVE_MB);
  g_assert_cmpuint (sending->total, ==, FIVE_MB);
  g_assert_cmpuint (sending->attempt, ==, 1);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_WAITING), ==, 1);
  g_assert_cmpuint (last_event (f, CHIARO_HTTP_PHASE_RECEIVING)->bytes, ==, 2);
}

static void
test_download_progress (Fixture       *f,
                        gconstpointer  data)
{
  gboolean chunked = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) answer = make_pattern (FIVE_MB);
  const ChiaroHttpProgress *receiving;

  add_reply (f->server, chunked ? REPLY_CHUNKED : REPLY_STATUS, 200, "image/png",
             g_bytes_ref (answer), NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_true (g_bytes_equal (f->response->body, answer));
  assert_phases_in_order (f);

  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_RECEIVING), >, 2);
  receiving = last_event (f, CHIARO_HTTP_PHASE_RECEIVING);
  g_assert_cmpuint (receiving->bytes, ==, FIVE_MB);
  for (guint i = 0; i < f->events->len; i++)
    if (event (f, i)->phase == CHIARO_HTTP_PHASE_RECEIVING)
      g_assert_cmpuint (event (f, i)->total, ==, chunked ? 0 : FIVE_MB);
  g_assert_cmpuint (last_event (f, CHIARO_HTTP_PHASE_DONE)->bytes, ==, FIVE_MB);
}

static GBytes *
gzip (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_output_stream_write_all (stream, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                             NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static void
test_download_compressed (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) answer = make_pattern (FIVE_MB);
  g_autoptr(GBytes) compressed = gzip (answer);

  /* Content-Length counts the compressed bytes: no use for sizing or progress. */
  g_assert_cmpuint (g_bytes_get_size (compressed), <, FIVE_MB / 2);
  add_reply (f->server, REPLY_STATUS, 200, "application/json", g_bytes_ref (compressed),
             "Content-Encoding", "gzip");
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_true (g_bytes_equal (f->response->body, answer));
  assert_phases_in_order (f);
  for (guint i = 0; i < f->events->len; i++)
    if (event (f, i)->phase == CHIARO_HTTP_PHASE_RECEIVING)
      g_assert_cmpuint (event (f, i)->total, ==, 0);
  g_assert_cmpuint (last_event (f, CHIARO_HTTP_PHASE_RECEIVING)->bytes, ==, FIVE_MB);
}

static void
test_slow_answer (Fixture       *f,
                  gconstpointer  data)
{
  /* A session that would give up on a silent socket after 1 s: the client lifts that, so
   * a model thinking for longer is waited for, up to the client's own timeout. */
  soup_session_set_timeout (f->session, 1);
  g_assert_finalize_object (f->client);
  f->client = chiaro_http_client_new (f->session);
  chiaro_http_client_set_jitter (f->client, FALSE);
  chiaro_http_client_set_sleep_func (f->client, record_sleep, f, NULL);
  g_assert_cmpuint (soup_session_get_timeout (f->session), ==, 0);

  add_reply (f->server, REPLY_DELAYED, 200, "application/json",
             g_bytes_new_static ("{\"slow\":1}", 10), NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->attempts, ==, 1);
  assert_body (f->response->body, "{\"slow\":1}");
  g_assert_cmpint (f->finished_at - f->started_at, >=, 1200 * G_TIME_SPAN_MILLISECOND);
}

static void
test_retry_backoff (Fixture       *f,
                    gconstpointer  data)
{
  static const guint expected[] = { 1000, 2000 };
  static const char unavailable[] = "{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}";
  const ChiaroHttpProgress *wait;

  add_json_reply (f->server, 503, unavailable, NULL, NULL);
  add_json_reply (f->server, 503, unavailable, NULL, NULL);
  add_json_reply (f->server, 200, "{\"ok\":true}", NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->status, ==, 200);
  g_assert_cmpuint (f->response->attempts, ==, 3);
  assert_body (f->response->body, "{\"ok\":true}");
  g_assert_cmpuint (f->server->n_requests, ==, 3);
  assert_delays (f, expected, G_N_ELEMENTS (expected));

  assert_phases_in_order (f);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_CONNECTING), ==, 3);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_RETRY_WAIT), ==, 2);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_DONE), ==, 1);
  wait = last_event (f, CHIARO_HTTP_PHASE_RETRY_WAIT);
  g_assert_cmpuint (wait->attempt, ==, 3);
  g_assert_cmpuint (wait->retry_delay_ms, ==, 2000);
  g_assert_cmpuint (wait->retry_status, ==, 503);
  g_assert_cmpuint (last_event (f, CHIARO_HTTP_PHASE_DONE)->attempt, ==, 3);
}

static void
test_retry_jitter (Fixture       *f,
                   gconstpointer  data)
{
  chiaro_http_client_set_jitter (f->client, TRUE);
  add_json_reply (f->server, 500, "{}", NULL, NULL);
  add_json_reply (f->server, 502, "{}", NULL, NULL);
  add_json_reply (f->server, 504, "{}", NULL, NULL);
  add_json_reply (f->server, 408, "{}", NULL, NULL);
  add_json_reply (f->server, 200, "{}", NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->attempts, ==, 5);
  g_assert_cmpuint (f->delays->len, ==, 4);
  for (guint i = 0; i < f->delays->len; i++)
    g_assert_cmpuint (g_array_index (f->delays, guint, i), <=, 1000u << i);
}

static void
test_retry_cap (Fixture       *f,
                gconstpointer  data)
{
  static const guint expected[] = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000 };

  chiaro_http_client_set_max_attempts (f->client, 9);
  add_json_reply (f->server, 503, "{}", NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->status, ==, 503);
  g_assert_cmpuint (f->response->attempts, ==, 9);
  g_assert_cmpuint (f->server->n_requests, ==, 9);
  assert_delays (f, expected, G_N_ELEMENTS (expected));
}

static void
test_backoff_values (void)
{
  static const guint expected[] = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000 };
  guint below_half[8] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (chiaro_http_backoff_ms (i + 1, FALSE), ==, expected[i]);
  g_assert_cmpuint (chiaro_http_backoff_ms (40, FALSE), ==, CHIARO_HTTP_BACKOFF_CAP_MS);
  g_assert_cmpuint (chiaro_http_backoff_ms (G_MAXUINT, FALSE), ==, CHIARO_HTTP_BACKOFF_CAP_MS);

  /* Full jitter: anywhere in [0, computed], so about half the draws fall below the middle. */
  for (guint n = 0; n < 2000; n++)
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        guint delay = chiaro_http_backoff_ms (i + 1, TRUE);

        g_assert_cmpuint (delay, <=, expected[i]);
        below_half[i] += delay < expected[i] / 2;
      }
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpuint (below_half[i], >, 800);
      g_assert_cmpuint (below_half[i], <, 1200);
    }
}

static void
test_retry_info (Fixture       *f,
                 gconstpointer  data)
{
  static const guint expected[] = { 3000 };
  static const char rate_limited[] =
    "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"details\":["
    "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":["
    "{\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"}]},"
    "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"3s\"}]}}";

  /* The server's figure wins over the backoff and over Retry-After. */
  add_json_reply (f->server, 429, rate_limited, "Retry-After", "9");
  add_json_reply (f->server, 200, "{}", NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->attempts, ==, 2);
  assert_delays (f, expected, G_N_ELEMENTS (expected));
  g_assert_cmpuint (last_event (f, CHIARO_HTTP_PHASE_RETRY_WAIT)->retry_status, ==, 429);
  g_assert_cmpuint (last_event (f, CHIARO_HTTP_PHASE_RETRY_WAIT)->retry_delay_ms, ==, 3000);
}

static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  static const guint expected[] = { 2000 };

  add_json_reply (f->server, 503, "{}", "Retry-After", "2");
  add_json_reply (f->server, 200, "{}", NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->attempts, ==, 2);
  assert_delays (f, expected, G_N_ELEMENTS (expected));
}

static void
test_per_day_quota (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = chiaro_test_fixture_path ("gemini", "errors",
                                                    "429-resource-exhausted-free-tier.json",
                                                    NULL);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &json, NULL, &error);
  g_assert_no_error (error);

  add_json_reply (f->server, 429, json, NULL, NULL);
  add_json_reply (f->server, 200, "{}", NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->status, ==, 429);
  g_assert_cmpuint (f->response->attempts, ==, 1);
  assert_body (f->response->body, json);
  g_assert_cmpuint (f->server->n_requests, ==, 1);
  g_assert_cmpuint (f->delays->len, ==, 0);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_RETRY_WAIT), ==, 0);
}

static void
test_no_retry_status (Fixture       *f,
                      gconstpointer  data)
{
  static const guint statuses[] = { 400, 401, 403, 404, 402, 413, 501, 301 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"error\":{\"code\":%u}}", statuses[i]);

      g_test_message ("status %u", statuses[i]);
      g_ptr_array_set_size (f->server->replies, 0);
      f->server->n_requests = 0;
      add_json_reply (f->server, statuses[i], json, "Location", "http://127.0.0.1:9/elsewhere");
      add_json_reply (f->server, 200, "{}", NULL, NULL);
      post (f, "{}");

      g_assert_no_error (f->error);
      g_assert_cmpuint (f->response->status, ==, statuses[i]);
      g_assert_cmpuint (f->response->attempts, ==, 1);
      assert_body (f->response->body, json);
      g_assert_cmpuint (f->server->n_requests, ==, 1);
      g_assert_cmpuint (f->delays->len, ==, 0);
    }
}

static void
test_max_attempts (Fixture       *f,
                   gconstpointer  data)
{
  static const guint expected[] = { 1000, 2000 };

  chiaro_http_client_set_max_attempts (f->client, 3);
  add_json_reply (f->server, 500, "{\"n\":1}", NULL, NULL);
  add_json_reply (f->server, 503, "{\"n\":2}", NULL, NULL);
  add_json_reply (f->server, 502, "{\"n\":3}", NULL, NULL);
  add_json_reply (f->server, 200, "{}", NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->status, ==, 502);
  g_assert_cmpuint (f->response->attempts, ==, 3);
  assert_body (f->response->body, "{\"n\":3}");
  g_assert_cmpuint (f->server->n_requests, ==, 3);
  assert_delays (f, expected, G_N_ELEMENTS (expected));

  /* One attempt means no retry at all. */
  chiaro_http_client_set_max_attempts (f->client, 1);
  f->server->n_requests = 0;
  post (f, "{}");
  g_assert_cmpuint (f->response->status, ==, 500);
  g_assert_cmpuint (f->response->attempts, ==, 1);
  g_assert_cmpuint (f->delays->len, ==, 0);
}

static void
test_connection_refused (Fixture       *f,
                         gconstpointer  data)
{
  static const guint expected[] = { 1000, 2000 };
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1beta/x", closed_port ());

  chiaro_http_client_set_max_attempts (f->client, 3);
  g_string_truncate (http_log, 0);
  {
    g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);

    post_with_headers (f, url, NULL, body);
  }

  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_NETWORK);
  g_assert_cmpuint (chiaro_api_error_get_attempts (f->error), ==, 3);
  g_assert_nonnull (chiaro_api_error_get_detail (f->error));
  g_assert_true (chiaro_api_error_is_retryable (f->error));
  assert_delays (f, expected, G_N_ELEMENTS (expected));
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_CONNECTING), ==, 3);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_SENDING), ==, 0);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_DONE), ==, 0);
  g_assert_cmpuint (last_event (f, CHIARO_HTTP_PHASE_RETRY_WAIT)->retry_status, ==, 0);
  g_assert_null (strstr (http_log->str, "127.0.0.1"));
}

static void
test_reset_mid_body (Fixture       *f,
                     gconstpointer  data)
{
  static const char head[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
  static const guint expected[] = { 1000 };
  const ChiaroHttpProgress *receiving;

  /* The answer is lost halfway, then comes whole on the second attempt. */
  add_raw_reply (f->server, head, 100);
  add_json_reply (f->server, 200, "{\"whole\":true}", NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->status, ==, 200);
  g_assert_cmpuint (f->response->attempts, ==, 2);
  assert_body (f->response->body, "{\"whole\":true}");
  assert_delays (f, expected, G_N_ELEMENTS (expected));
  receiving = event (f, 0);
  for (guint i = 0; i < f->events->len && event (f, i)->attempt == 1; i++)
    if (event (f, i)->phase == CHIARO_HTTP_PHASE_RECEIVING)
      receiving = event (f, i);
  g_assert_cmpint (receiving->phase, ==, CHIARO_HTTP_PHASE_RECEIVING);
  g_assert_cmpuint (receiving->total, ==, 1000);
  g_assert_cmpuint (receiving->bytes, <=, 100);

  /* Lost every time: a network error after the last attempt. */
  g_ptr_array_set_size (f->server->replies, 0);
  add_raw_reply (f->server, head, 100);
  chiaro_http_client_set_max_attempts (f->client, 2);
  post (f, "{}");

  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_NETWORK);
  g_assert_cmpuint (chiaro_api_error_get_attempts (f->error), ==, 2);
  g_assert_cmpuint (f->delays->len, ==, 1);
}

static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) at_limit = make_pattern (1000);

  chiaro_http_client_set_max_body_size (f->client, 1000);

  /* Exactly at the limit is fine, with or without Content-Length. */
  add_reply (f->server, REPLY_CHUNKED, 200, NULL, g_bytes_ref (at_limit), NULL, NULL);
  post (f, "{}");
  g_assert_no_error (f->error);
  g_assert_true (g_bytes_equal (f->response->body, at_limit));

  g_ptr_array_set_size (f->server->replies, 0);
  add_reply (f->server, REPLY_STATUS, 200, NULL, g_bytes_ref (at_limit), NULL, NULL);
  post (f, "{}");
  g_assert_no_error (f->error);
  g_assert_true (g_bytes_equal (f->response->body, at_limit));

  /* One byte more: refused, and not retried (a 503 too, the body is what is wrong). */
  for (guint chunked = 0; chunked < 2; chunked++)
    {
      g_ptr_array_set_size (f->server->replies, 0);
      f->server->n_requests = 0;
      add_reply (f->server, chunked ? REPLY_CHUNKED : REPLY_STATUS, 503, NULL,
                 make_pattern (1001), NULL, NULL);
      post (f, "{}");

      g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_BAD_RESPONSE);
      g_assert_cmpstr (chiaro_api_error_get_reason (f->error), ==, "TOO_LARGE");
      g_assert_cmpint (chiaro_api_error_get_http_status (f->error), ==, 503);
      g_assert_cmpuint (chiaro_api_error_get_attempts (f->error), ==, 1);
      g_assert_cmpuint (f->server->n_requests, ==, 1);
      g_assert_cmpuint (f->delays->len, ==, 0);
      g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_DONE), ==, 0);
      if (chunked)
        g_assert_cmpuint (last_event (f, CHIARO_HTTP_PHASE_RECEIVING)->bytes, <=, 1000);
      else
        g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_RECEIVING), ==, 0);
    }
}

static void
test_huge_content_length (Fixture       *f,
                          gconstpointer  data)
{
  /* The default limit; the announced length is refused before any of it is read. */
  add_raw_reply (f->server,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 "Content-Length: 999999999999\r\n\r\n", 4096);
  post (f, "{}");

  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_BAD_RESPONSE);
  g_assert_cmpuint (chiaro_api_error_get_attempts (f->error), ==, 1);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_RECEIVING), ==, 0);
  g_assert_cmpuint (f->delays->len, ==, 0);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  static const guint expected[] = { 1000 };

  chiaro_http_client_set_timeout (f->client, 1);
  chiaro_http_client_set_max_attempts (f->client, 1);
  add_reply (f->server, REPLY_STALL, 0, NULL, NULL, NULL, NULL);
  post (f, "{}");

  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_TIMEOUT);
  g_assert_cmpuint (chiaro_api_error_get_attempts (f->error), ==, 1);
  g_assert_true (chiaro_api_error_is_retryable (f->error));
  g_assert_cmpint (f->finished_at - f->started_at, >=, 900 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (f->finished_at - f->started_at, <, 3 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (last_event (f, CHIARO_HTTP_PHASE_WAITING)->attempt, ==, 1);

  /* A timed-out attempt is retried like a transport failure. */
  g_ptr_array_set_size (f->server->replies, 0);
  f->server->n_requests = 0;
  add_reply (f->server, REPLY_STALL, 0, NULL, NULL, NULL, NULL);
  add_json_reply (f->server, 200, "{\"late\":false}", NULL, NULL);
  chiaro_http_client_set_max_attempts (f->client, 2);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->attempts, ==, 2);
  assert_body (f->response->body, "{\"late\":false}");
  assert_delays (f, expected, G_N_ELEMENTS (expected));
}

static void
test_timeout_mid_body (Fixture       *f,
                       gconstpointer  data)
{
  /* The clock covers the whole attempt, the download included. */
  chiaro_http_client_set_timeout (f->client, 1);
  chiaro_http_client_set_max_attempts (f->client, 1);
  add_reply (f->server, REPLY_STALL_BODY, 200, NULL, make_pattern (1000), NULL, NULL);
  post (f, "{}");

  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_TIMEOUT);
  g_assert_cmpuint (last_event (f, CHIARO_HTTP_PHASE_RECEIVING)->bytes, ==, 1000);
  g_assert_cmpint (f->finished_at - f->started_at, <, 3 * G_TIME_SPAN_SECOND);
}

static void
assert_cancelled_promptly (Fixture *f)
{
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (f->cancelled_at, >, 0);
  g_assert_cmpint (f->finished_at - f->cancelled_at, <, PROMPT_US);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_DONE), ==, 0);
}

static void
test_cancel_upload (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GBytes) body = make_pattern (48 * 1024 * 1024);
  g_autofree char *url = NULL;
  const ChiaroHttpProgress *sending;

  /* A server that accepts connections but never reads them: the upload stalls. */
  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                           &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_socket_bind (listener, address, FALSE, &error);
  g_assert_no_error (error);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);
  local = g_socket_get_local_address (listener, &error);
  url = g_strdup_printf ("http://127.0.0.1:%u/upload",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));

  arm_cancel (f, CHIARO_HTTP_PHASE_SENDING, 1, 200);
  post_with_headers (f, url, NULL, body);

  assert_cancelled_promptly (f);
  sending = last_event (f, CHIARO_HTTP_PHASE_SENDING);
  g_assert_cmpuint (sending->bytes, <, sending->total);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_WAITING), ==, 0);
  g_socket_close (listener, NULL);
}

static void
test_cancel_waiting (Fixture       *f,
                     gconstpointer  data)
{
  add_reply (f->server, REPLY_STALL, 0, NULL, NULL, NULL, NULL);
  arm_cancel (f, CHIARO_HTTP_PHASE_WAITING, 0, 100);
  post (f, "{}");

  assert_cancelled_promptly (f);
  g_assert_cmpint (event (f, f->events->len - 1)->phase, ==, CHIARO_HTTP_PHASE_WAITING);
  g_assert_cmpuint (f->server->n_requests, ==, 1);
  g_assert_cmpuint (f->delays->len, ==, 0);
}

static void
test_cancel_download (Fixture       *f,
                      gconstpointer  data)
{
  add_reply (f->server, REPLY_STALL_BODY, 200, NULL, make_pattern (3000), NULL, NULL);
  arm_cancel (f, CHIARO_HTTP_PHASE_RECEIVING, 3000, 100);
  post (f, "{}");

  assert_cancelled_promptly (f);
  g_assert_cmpint (event (f, f->events->len - 1)->phase, ==, CHIARO_HTTP_PHASE_RECEIVING);
  g_assert_cmpuint (f->delays->len, ==, 0);
}

static void
test_cancel_retry_wait (Fixture       *f,
                        gconstpointer  data)
{
  /* The real clock this time: a one-second wait, cut short. */
  chiaro_http_client_set_sleep_func (f->client, NULL, NULL, NULL);
  add_json_reply (f->server, 503, "{}", NULL, NULL);
  arm_cancel (f, CHIARO_HTTP_PHASE_RETRY_WAIT, 0, 50);
  post (f, "{}");

  assert_cancelled_promptly (f);
  g_assert_cmpint (f->finished_at - f->started_at, <, 900 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (f->server->n_requests, ==, 1);
  g_assert_cmpint (event (f, f->events->len - 1)->phase, ==, CHIARO_HTTP_PHASE_RETRY_WAIT);
  g_assert_cmpuint (event (f, f->events->len - 1)->retry_delay_ms, ==, 1000);
}

static void
test_default_sleep (Fixture       *f,
                    gconstpointer  data)
{
  static const char retry_soon[] =
    "{\"error\":{\"code\":503,\"details\":[{\"@type\":"
    "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"0.3s\"}]}}";
  gint64 waited;

  chiaro_http_client_set_sleep_func (f->client, NULL, NULL, NULL);
  add_json_reply (f->server, 503, retry_soon, NULL, NULL);
  add_json_reply (f->server, 200, "{}", NULL, NULL);
  post (f, "{}");

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->attempts, ==, 2);
  waited = f->finished_at - f->started_at;
  g_assert_cmpint (waited, >=, 300 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (waited, <, 2 * G_TIME_SPAN_SECOND);
}

static void
test_cancel_before_start (Fixture       *f,
                          gconstpointer  data)
{
  add_json_reply (f->server, 200, "{}", NULL, NULL);
  g_cancellable_cancel (f->cancellable);
  post (f, "{}");

  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->events->len, ==, 0);
  g_assert_cmpuint (f->server->n_requests, ==, 0);
}

static void
test_cancel_in_progress_callback (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GBytes) body = make_pattern (FIVE_MB);

  /* Cancelled from inside a progress callback, while libsoup is emitting wrote-body-data. */
  add_json_reply (f->server, 200, "{}", NULL, NULL);
  arm_cancel (f, CHIARO_HTTP_PHASE_SENDING, 1, 0);
  post_with_headers (f, f->server->url, NULL, body);

  assert_cancelled_promptly (f);
  g_assert_cmpint (event (f, f->events->len - 1)->phase, ==, CHIARO_HTTP_PHASE_SENDING);
}

static void
test_insecure_endpoint (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);

  post_with_headers (f, "http://example.com/v1beta/models/x:generateContent", NULL, body);

  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_INSECURE_ENDPOINT);
  g_assert_nonnull (strstr (f->error->message, "example.com"));
  g_assert_nonnull (strstr (f->error->message, "HTTPS"));
  g_assert_cmpstr (chiaro_api_error_get_reason (f->error), ==, "INSECURE_SCHEME");
  g_assert_false (chiaro_api_error_is_retryable (f->error));
  g_assert_cmpuint (f->events->len, ==, 0);

  post_with_headers (f, "not a uri", NULL, body);
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_INSECURE_ENDPOINT);
  g_assert_cmpstr (chiaro_api_error_get_reason (f->error), ==, "INVALID_URI");
  g_assert_cmpuint (f->events->len, ==, 0);
}

static void
test_check_endpoint (void)
{
  static const struct {
    const char *uri;
    const char *reason;   /* NULL: accepted */
  } cases[] = {
    { "https://generativelanguage.googleapis.com/v1beta", NULL },
    { "HTTPS://example.com:8443/x?key=1", NULL },
    { "http://127.0.0.1:8080/v1beta", NULL },
    { "http://127.3.4.5/", NULL },
    { "http://[::1]:9000/", NULL },
    { "http://localhost:9000/", NULL },
    { "http://LocalHost/", NULL },
    { "http://example.com/", "INSECURE_SCHEME" },
    { "http://128.0.0.1/", "INSECURE_SCHEME" },
    { "http://192.168.1.10:8080/", "INSECURE_SCHEME" },
    { "http://[::2]/", "INSECURE_SCHEME" },
    { "http://localhost.example.com/", "INSECURE_SCHEME" },
    { "http://0.0.0.0/", "INSECURE_SCHEME" },
    { "ftp://example.com/", "UNSUPPORTED_SCHEME" },
    { "ws://127.0.0.1/", "UNSUPPORTED_SCHEME" },
    { "", "INVALID_URI" },
    { "generativelanguage.googleapis.com", "INVALID_URI" },
    { "https://", "INVALID_URI" },
    { "https:///path", "INVALID_URI" },
    { "https://exa mple.com/", "INVALID_URI" },
    { "https://[::1/", "INVALID_URI" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("endpoint “%s”", cases[i].uri);
      ok = chiaro_http_check_endpoint (cases[i].uri, &error);
      if (cases[i].reason == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_INSECURE_ENDPOINT);
          g_assert_cmpstr (chiaro_api_error_get_reason (error), ==, cases[i].reason);
          g_assert_null (strstr (error->message, "key=1"));
        }
    }

  g_assert_false (chiaro_http_check_endpoint ("http://example.com/", NULL));
}

static void
test_loopback_http (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
  g_autofree char *url = NULL;
  g_autoslist(GUri) uris = soup_server_get_uris (f->server->server);

  /* "localhost" is loopback too (the test server listens on IPv4). */
  url = g_strdup_printf ("http://localhost:%d/v1beta", g_uri_get_port (uris->data));
  add_json_reply (f->server, 200, "{}", NULL, NULL);
  post_with_headers (f, url, NULL, body);

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->response->status, ==, 200);
  g_assert_cmpuint (f->server->n_requests, ==, 1);
}

static gboolean
on_plain_incoming (GSocketService    *service,
                   GSocketConnection *connection,
                   GObject           *source_object,
                   gpointer           user_data)
{
  static const char answer[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                               "Connection: close\r\n\r\n";
  guint *n_connections = user_data;

  (*n_connections)++;
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             answer, strlen (answer), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  return TRUE;
}

static void
test_https_to_plain_server (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint n_connections = 0;

  /* A server that answers the TLS greeting in plain HTTP. */
  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_plain_incoming), &n_connections);
  g_socket_service_start (service);
  url = g_strdup_printf ("https://127.0.0.1:%u/v1beta",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));

  post_with_headers (f, url, NULL, body);

  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_NETWORK);
  g_assert_nonnull (strstr (f->error->message, "secure connection"));
  g_assert_cmpuint (chiaro_api_error_get_attempts (f->error), ==, 1);
  g_assert_cmpuint (n_connections, ==, 1);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_SENDING), ==, 0);
  g_assert_cmpuint (count_events (f, CHIARO_HTTP_PHASE_DONE), ==, 0);

  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

static void
test_untrusted_certificate (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
  TestServer *tls_server;

  certificate = g_tls_certificate_new_from_pem (tls_pem, -1, &error);
  g_assert_no_error (error);
  tls_server = test_server_new (certificate);
  add_json_reply (tls_server, 200, "{}", NULL, NULL);

  /* Never accepted, and not retried: a bad certificate does not get better. */
  post_with_headers (f, tls_server->url, NULL, body);

  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_NETWORK);
  g_assert_nonnull (strstr (f->error->message, "secure connection"));
  g_assert_cmpuint (chiaro_api_error_get_attempts (f->error), ==, 1);
  g_assert_cmpuint (tls_server->n_requests, ==, 0);
  g_assert_cmpuint (f->delays->len, ==, 0);

  test_server_free (tls_server);
}

static guint
delay_for (guint       status,
           const char *retry_after,
           const char *json,
           gboolean   *retryable)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;

  if (retry_after != NULL)
    soup_message_headers_append (headers, "Retry-After", retry_after);

  return chiaro_http_retry_delay_ms (status, headers, body, retryable);
}

static char *
retry_info (const char *delay)
{
  return g_strdup_printf ("{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\","
                          "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.Help\"},"
                          "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
                          "\"retryDelay\":\"%s\"}]}}", delay);
}

static void
test_retry_delay_decision (void)
{
  static const guint retryable_statuses[] = { 408, 429, 500, 502, 503, 504 };
  static const guint final_statuses[] = { 200, 204, 301, 400, 401, 402, 403, 404, 409, 413, 499,
                                          501, 505 };
  static const struct {
    const char *delay;
    guint       expected_ms;
    gboolean    retryable;
  } durations[] = {
    { "3s", 3000, TRUE },
    { "3.045s", 3045, TRUE },
    { "3.045815053s", 3046, TRUE },
    { "0.5s", 500, TRUE },
    { "58s", 58000, TRUE },
    { "60s", 60000, TRUE },
    { "60.001s", 0, FALSE },
    { "120s", 0, FALSE },
    { "99999999999999999999s", 0, FALSE },
    /* Not durations: the backoff applies. */
    { "3", 0, TRUE },
    { "s", 0, TRUE },
    { "-3s", 0, TRUE },
    { "3.s", 0, TRUE },
    { "3ms", 0, TRUE },
  };
  g_autofree char *per_day_path = NULL;
  g_autofree char *per_day = NULL;
  g_autofree char *overloaded_path = NULL;
  g_autofree char *overloaded = NULL;
  g_autofree char *in_array = NULL;
  g_autofree char *http_date = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) soon = NULL;
  gboolean retryable;
  guint delay;

  for (guint i = 0; i < G_N_ELEMENTS (retryable_statuses); i++)
    {
      retryable = FALSE;
      g_assert_cmpuint (delay_for (retryable_statuses[i], NULL, NULL, &retryable), ==, 0);
      g_assert_true (retryable);
    }
  for (guint i = 0; i < G_N_ELEMENTS (final_statuses); i++)
    {
      g_autofree char *json = retry_info ("3s");

      retryable = TRUE;
      g_assert_cmpuint (delay_for (final_statuses[i], "5", json, &retryable), ==, 0);
      g_assert_false (retryable);
    }

  for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
    {
      g_autofree char *json = retry_info (durations[i].delay);

      g_test_message ("retryDelay “%s”", durations[i].delay);
      retryable = !durations[i].retryable;
      g_assert_cmpuint (delay_for (429, NULL, json, &retryable), ==, durations[i].expected_ms);
      g_assert_cmpint (retryable, ==, durations[i].retryable);
    }

  /* The stream form: an array holding the envelope. */
  {
    g_autofree char *json = retry_info ("7s");

    in_array = g_strdup_printf ("[%s]", json);
  }
  g_assert_cmpuint (delay_for (503, NULL, in_array, &retryable), ==, 7000);
  g_assert_true (retryable);

  /* Retry-After in seconds, as an HTTP date, too long, unreadable; RetryInfo comes first. */
  g_assert_cmpuint (delay_for (503, "2", NULL, &retryable), ==, 2000);
  g_assert_true (retryable);
  g_assert_cmpuint (delay_for (429, " 0 ", NULL, &retryable), ==, 0);
  g_assert_true (retryable);
  g_assert_cmpuint (delay_for (503, "61", NULL, &retryable), ==, 0);
  g_assert_false (retryable);
  g_assert_cmpuint (delay_for (503, "soon", NULL, &retryable), ==, 0);
  g_assert_true (retryable);
  g_assert_cmpuint (delay_for (503, "12abc", NULL, &retryable), ==, 0);
  g_assert_true (retryable);
  {
    g_autofree char *json = retry_info ("4s");

    g_assert_cmpuint (delay_for (429, "9", json, &retryable), ==, 4000);
  }

  now = g_date_time_new_now_utc ();
  soon = g_date_time_add_seconds (now, 10);
  http_date = soup_date_time_to_string (soon, SOUP_DATE_HTTP);
  delay = delay_for (503, http_date, NULL, &retryable);
  g_assert_true (retryable);
  g_assert_cmpuint (delay, >=, 8000);
  g_assert_cmpuint (delay, <=, 10000);
  g_assert_cmpuint (delay_for (503, "Wed, 21 Oct 2015 07:28:00 GMT", NULL, &retryable), ==, 0);
  g_assert_true (retryable);

  /* Quotas: per day stops the retries, per minute does not. */
  per_day_path = chiaro_test_fixture_path ("gemini", "errors",
                                           "429-resource-exhausted-free-tier.json", NULL);
  g_assert_true (g_file_get_contents (per_day_path, &per_day, NULL, NULL));
  g_assert_cmpuint (delay_for (429, NULL, per_day, &retryable), ==, 0);
  g_assert_false (retryable);
  g_assert_cmpuint (delay_for (429, NULL,
                               "{\"error\":{\"details\":[{\"@type\":"
                               "\"type.googleapis.com/google.rpc.QuotaFailure\","
                               "\"violations\":[{\"quotaId\":\"RequestsPerMinute\"}]},"
                               "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
                               "\"retryDelay\":\"21s\"}]}}", &retryable), ==, 21000);
  g_assert_true (retryable);

  /* Ordinary envelopes and rubbish bodies: the backoff applies. */
  overloaded_path = chiaro_test_fixture_path ("gemini", "errors", "503-model-overloaded.json",
                                              NULL);
  g_assert_true (g_file_get_contents (overloaded_path, &overloaded, NULL, NULL));
  g_assert_cmpuint (delay_for (503, NULL, overloaded, &retryable), ==, 0);
  g_assert_true (retryable);
  g_assert_cmpuint (delay_for (502, NULL, "<html>Bad Gateway</html>", &retryable), ==, 0);
  g_assert_true (retryable);
  g_assert_cmpuint (delay_for (429, NULL, "{\"error\":{\"details\":[1,\"x\",{\"@type\":3},"
                               "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
                               "\"retryDelay\":5}]}}", &retryable), ==, 0);
  g_assert_true (retryable);

  /* Without headers, body or an out parameter. */
  g_assert_cmpuint (chiaro_http_retry_delay_ms (503, NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (chiaro_http_retry_delay_ms (400, NULL, NULL, &retryable), ==, 0);
  g_assert_false (retryable);
}

static void
test_response_boxed (void)
{
  g_autoptr(ChiaroHttpResponse) copy = NULL;
  ChiaroHttpResponse *response = g_new0 (ChiaroHttpResponse, 1);

  response->status = 503;
  response->attempts = 4;
  response->body = g_bytes_new_static ("x", 1);
  g_assert_null (chiaro_http_response_get_content_type (response));

  response->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  soup_message_headers_append (response->headers, "Content-Type", "text/html; charset=utf-8");
  copy = chiaro_http_response_copy (response);
  chiaro_http_response_free (response);

  g_assert_cmpuint (copy->status, ==, 503);
  g_assert_cmpuint (copy->attempts, ==, 4);
  assert_body (copy->body, "x");
  g_assert_cmpstr (chiaro_http_response_get_content_type (copy), ==, "text/html");
  chiaro_http_response_free (NULL);
}

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (strcmp (fields[i].key, "GLIB_DOMAIN") == 0)
        domain = fields[i].value;
      else if (strcmp (fields[i].key, "MESSAGE") == 0)
        message = fields[i].value;
    }

  if (g_strcmp0 (domain, "chiaro-http") == 0 && message != NULL)
    {
      g_string_append_printf (http_log, "%s\n", message);
      if (log_level & G_LOG_LEVEL_DEBUG)
        return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

#define ADD(path, func) \
  g_test_add ("/chiaro/http/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  http_log = g_string_new (NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/http/check-endpoint", test_check_endpoint);
  g_test_add_func ("/chiaro/http/retry-delay", test_retry_delay_decision);
  g_test_add_func ("/chiaro/http/backoff", test_backoff_values);
  g_test_add_func ("/chiaro/http/response", test_response_boxed);
  ADD ("success", test_success);
  ADD ("settings", test_settings);
  ADD ("upload-progress", test_upload_progress);
  g_test_add ("/chiaro/http/download-progress/content-length", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_download_progress, fixture_tear_down);
  g_test_add ("/chiaro/http/download-progress/chunked", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_download_progress, fixture_tear_down);
  ADD ("download-progress/compressed", test_download_compressed);
  ADD ("slow-answer", test_slow_answer);
  ADD ("retry-backoff", test_retry_backoff);
  ADD ("retry-jitter", test_retry_jitter);
  ADD ("retry-cap", test_retry_cap);
  ADD ("retry-info", test_retry_info);
  ADD ("retry-after", test_retry_after);
  ADD ("per-day-quota", test_per_day_quota);
  ADD ("no-retry-status", test_no_retry_status);
  ADD ("max-attempts", test_max_attempts);
  ADD ("connection-refused", test_connection_refused);
  ADD ("reset-mid-body", test_reset_mid_body);
  ADD ("too-large", test_too_large);
  ADD ("huge-content-length", test_huge_content_length);
  ADD ("timeout", test_timeout);
  ADD ("timeout-mid-body", test_timeout_mid_body);
  ADD ("cancel-before-start", test_cancel_before_start);
  ADD ("cancel-upload", test_cancel_upload);
  ADD ("cancel-waiting", test_cancel_waiting);
  ADD ("cancel-download", test_cancel_download);
  ADD ("cancel-retry-wait", test_cancel_retry_wait);
  ADD ("cancel-in-progress-callback", test_cancel_in_progress_callback);
  ADD ("default-sleep", test_default_sleep);
  ADD ("insecure-endpoint", test_insecure_endpoint);
  ADD ("loopback-http", test_loopback_http);
  ADD ("https-to-plain-server", test_https_to_plain_server);
  ADD ("untrusted-certificate", test_untrusted_certificate);

  return g_test_run ();
}
