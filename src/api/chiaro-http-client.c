/* chiaro-http-client.c — POST (and GET) with retries, backoff, progress and cancellation
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A generation request is one ChiaroHttpClient POST. The client sends it on the app's
 * SoupSession, reads the answer itself in chunks (to report progress, and to refuse an
 * answer that is too large before holding it), and sends it again when the failure is one
 * that waiting may cure.
 *
 * Retry policy (DESIGN §7, api/REFERENCE.md §6.2):
 * - 408, 429, 500, 502, 503, 504 and transport failures are retried, up to max-attempts in
 *   all. Every other status goes back to the caller at once; so does the last attempt's
 *   answer, whatever its status.
 * - The wait before the next attempt is the server's own figure when it gives one
 *   (google.rpc.RetryInfo's retryDelay, else Retry-After), used as it is, without jitter.
 *   Otherwise it is 1 s doubled after each failed attempt, capped at 60 s, with full jitter
 *   (uniform in [0, computed]).
 * - A server asking for a wait longer than the cap is not retried: retrying sooner than it
 *   asked would fail again, and waiting minutes without a word looks like a hang. Its answer
 *   goes back to the caller, which reports the rate limit. A 429 whose QuotaFailure names a
 *   per-day quota is not retried either: waiting will not help today.
 * - TLS failures are never retried (a bad certificate does not get better) and never
 *   accepted. A connection lost after the answer started is retried like one lost before
 *   it: the server may have done, and billed, the work, but the answer is gone and the user
 *   asked for an image.
 * - Redirects are not left to libsoup (SOUP_MESSAGE_NO_REDIRECT), which would send every
 *   header, the key included, wherever the Location points. The client follows a 307 or 308
 *   itself (the same method and body, as those statuses require) only to the same origin
 *   (scheme, host and port), at most MAX_REDIRECTS times; a redirect to another origin is
 *   refused with CHIARO_API_ERROR_INSECURE_ENDPOINT, so a request carrying a key never goes
 *   somewhere else. Other 3xx statuses (never followed) go back to the caller as they are.
 *
 * Each attempt has its own cancellable, cancelled by the attempt's timeout or (through a
 * GSource, so from any thread and never inside a "cancelled" emission) by the caller's.
 * Both sources hold a reference to the task and are destroyed whenever an attempt ends.
 * Nothing is logged but sizes, statuses, delays and attempt numbers.
 */

#define G_LOG_DOMAIN "chiaro-http"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-http-client-private.h"
#include "chiaro-wire-util.h"

#include "chiaro-http-client.h"

#define USER_AGENT "Chiaro/" PACKAGE_VERSION
/* The most one read asks for; reads land straight in the answer's buffer. */
#define READ_CHUNK_SIZE (1024 * 1024)
/* The first buffer for an answer of unknown length; it doubles from there. */
#define UNKNOWN_LENGTH_BUFFER (256 * 1024)
/* The least one read asks for. */
#define MIN_READ_SIZE 4096
/* Error envelopes take a few hundred bytes: larger bodies are not searched for hints. */
#define MAX_ERROR_BODY_SIZE (64 * 1024)
/* Same-origin 307/308 redirects followed for one request; a loop ends after these. */
#define MAX_REDIRECTS 5
/* Longer server delays are treated as "too long" without overflowing. */
#define MAX_PARSED_DELAY_MS ((gint64) G_MAXUINT32)

#define RETRY_INFO_TYPE    "type.googleapis.com/google.rpc.RetryInfo"
#define QUOTA_FAILURE_TYPE "type.googleapis.com/google.rpc.QuotaFailure"

struct _ChiaroHttpClient
{
  GObject parent_instance;

  /* owned */
  SoupSession         *session;
  ChiaroHttpSleepFunc  sleep_func;
  gpointer             sleep_data;
  GDestroyNotify       sleep_destroy;

  guint                max_attempts;
  guint                timeout_s;
  gsize                max_body_size;
  gboolean             jitter;
};

G_DEFINE_FINAL_TYPE (ChiaroHttpClient, chiaro_http_client, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (ChiaroHttpResponse, chiaro_http_response,
                     chiaro_http_response_copy, chiaro_http_response_free)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_MAX_ATTEMPTS,
  PROP_TIMEOUT,
  PROP_JITTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One request (a POST, or a GET), from the first attempt to the answer. */
typedef struct
{
  /* owned: the request */
  const char             *method;          /* SOUP_METHOD_POST or SOUP_METHOD_GET */
  GUri                   *uri;
  GStrv                   headers;
  char                   *content_type;    /* (nullable) */
  GBytes                 *body;
  ChiaroHttpProgressFunc  progress;        /* (nullable) */
  gpointer                progress_data;
  GDestroyNotify          progress_destroy;

  /* settings as they were when the request started */
  guint                   max_attempts;
  guint                   timeout_s;
  gsize                   max_body_size;
  gboolean                jitter;

  /* the current attempt, all owned */
  guint                   attempt;
  guint                   redirects;
  SoupMessage            *msg;
  GCancellable           *attempt_cancellable;
  GSource                *timeout_source;
  GSource                *cancel_source;
  GInputStream           *stream;
  gboolean                timed_out;
  gint64                  started_us;
  guint64                 sent;

  /* the answer being read */
  guint8                 *data;
  gsize                   length;
  gsize                   allocated;
  guint64                 total;           /* Content-Length for progress, 0 when unknown */
  gboolean                exact_length;    /* data was sized from Content-Length */
  /* (owned) (nullable) where reads go when data has little room left */
  guint8                 *probe;
  gboolean                reading_probe;
} PostState;

/* The default clock: a timeout and a cancellable source, whichever fires first. */
typedef struct
{
  GTask   *task;
  GSource *timeout;
  GSource *cancelled;
} SleepData;

static void post_start_attempt (GTask *task);

static void
post_state_clear_attempt (PostState *state)
{
  if (state->msg != NULL)
    g_signal_handlers_disconnect_by_data (state->msg, state);

  if (state->timeout_source != NULL)
    {
      g_source_destroy (state->timeout_source);
      g_clear_pointer (&state->timeout_source, g_source_unref);
    }

  if (state->cancel_source != NULL)
    {
      g_source_destroy (state->cancel_source);
      g_clear_pointer (&state->cancel_source, g_source_unref);
    }

  /* An unfinished body stream closes without reading further: libsoup marks the message
   * finished and drops the connection instead of reusing it. */
  g_clear_object (&state->stream);
  g_clear_object (&state->msg);
  g_clear_object (&state->attempt_cancellable);
  g_clear_pointer (&state->data, g_free);
  g_clear_pointer (&state->probe, g_free);
  state->length = 0;
  state->allocated = 0;
  state->total = 0;
  state->exact_length = FALSE;
  state->reading_probe = FALSE;
}

static void
post_state_free (gpointer data)
{
  PostState *state = data;

  post_state_clear_attempt (state);

  if (state->progress_destroy != NULL)
    state->progress_destroy (state->progress_data);

  g_clear_pointer (&state->uri, g_uri_unref);
  g_clear_pointer (&state->headers, g_strfreev);
  g_clear_pointer (&state->content_type, g_free);
  g_clear_pointer (&state->body, g_bytes_unref);
  g_free (state);
}

static void
post_emit_progress (PostState       *state,
                    ChiaroHttpPhase  phase,
                    guint            attempt,
                    guint64          bytes,
                    guint64          total,
                    guint            retry_delay_ms,
                    guint            retry_status)
{
  ChiaroHttpProgress progress = { 0 };

  if (state->progress == NULL)
    return;

  progress.phase = phase;
  progress.attempt = attempt;
  progress.bytes = bytes;
  progress.total = total;
  progress.retry_delay_ms = retry_delay_ms;
  progress.retry_status = retry_status;
  state->progress (&progress, state->progress_data);
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);

  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* GUri lets through host names no resolver would take, such as ones with spaces. */
static gboolean
host_is_plausible (const char *host)
{
  if (*host == '\0')
    return FALSE;

  for (const char *p = host; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c <= 0x20 || c == 0x7f || strchr ("\"%<>\\^`{|}/?#@[]", c) != NULL)
        return FALSE;
    }

  return TRUE;
}

static GUri *
parse_endpoint (const char  *uri,
                GError     **error)
{
  g_autoptr(GUri) parsed = NULL;
  const char *scheme;
  const char *host;

  parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  host = parsed != NULL ? g_uri_get_host (parsed) : NULL;

  /* The address itself stays out of the message: a full URI may carry a key. */
  if (host == NULL || !host_is_plausible (host))
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_INSECURE_ENDPOINT,
                            _("The server address is not a valid web address."),
                            NULL, 0, "INVALID_URI");
      return NULL;
    }

  scheme = g_uri_get_scheme (parsed);

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return g_steal_pointer (&parsed);

  if (g_ascii_strcasecmp (scheme, "http") != 0)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_INSECURE_ENDPOINT,
                            _("The server address must begin with “https://”."),
                            NULL, 0, "UNSUPPORTED_SCHEME");
      return NULL;
    }

  if (!host_is_loopback (host))
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("Chiaro sends your key and images over HTTPS only. "
                                   "Plain HTTP is allowed to this computer, not to “%s”."),
                                 host);
      chiaro_api_error_set (error, CHIARO_API_ERROR_INSECURE_ENDPOINT, message,
                            NULL, 0, "INSECURE_SCHEME");
      return NULL;
    }

  return g_steal_pointer (&parsed);
}

/* A google.protobuf.Duration in JSON: "3s", "3.045s", "58s". Rounded up to whole
 * milliseconds, so a retry never comes early; -1 when it is not one. */
static gint64
parse_duration_ms (const char *text)
{
  guint64 seconds = 0;
  guint64 nanos = 0;
  guint digits = 0;
  const char *p = text;

  if (!g_ascii_isdigit (*p))
    return -1;

  for (; g_ascii_isdigit (*p); p++)
    seconds = MIN (seconds * 10 + (guint64) (*p - '0'), (guint64) MAX_PARSED_DELAY_MS);

  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return -1;

      for (; g_ascii_isdigit (*p); p++)
        {
          if (digits < 9)
            nanos = nanos * 10 + (guint64) (*p - '0');
          digits++;
        }
      for (; digits < 9; digits++)
        nanos *= 10;
    }

  if (*p != 's' || p[1] != '\0')
    return -1;

  return MIN ((gint64) (seconds * 1000 + (nanos + 999999) / 1000000), MAX_PARSED_DELAY_MS);
}

/* Retry-After: delay-seconds or an HTTP date. -1 when absent or unreadable. */
static gint64
parse_retry_after (const char *value)
{
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  guint64 seconds;
  GTimeSpan difference;

  if (value == NULL)
    return -1;

  text = g_strstrip (g_strdup (value));

  if (g_ascii_isdigit (*text))
    {
      if (strspn (text, "0123456789") != strlen (text))
        return -1;
      if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &seconds, NULL))
        return MAX_PARSED_DELAY_MS;

      return MIN (seconds, (guint64) MAX_PARSED_DELAY_MS / 1000) * 1000;
    }

  when = soup_date_time_new_from_http_string (text);
  if (when == NULL)
    return -1;

  now = g_date_time_new_now_utc ();
  difference = g_date_time_difference (when, now);
  if (difference <= 0)
    return 0;

  return MIN ((difference + 999) / 1000, MAX_PARSED_DELAY_MS);
}

static JsonObject *
get_object_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array_member (JsonObject *object,
                  const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* Looks through a google.rpc.Status envelope (or the one-element array a JSON stream
 * starts with) for RetryInfo.retryDelay and a per-day QuotaFailure. */
static void
inspect_error_body (GBytes   *body,
                    gint64   *out_delay_ms,
                    gboolean *out_per_day)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *envelope = NULL;
  JsonObject *error_object;
  JsonArray *details;
  gconstpointer data;
  gsize size;

  data = g_bytes_get_data (body, &size);
  if (size == 0 || size > MAX_ERROR_BODY_SIZE)
    return;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, size, NULL))
    return;

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      envelope = json_node_get_object (root);
    }
  else if (root != NULL && JSON_NODE_HOLDS_ARRAY (root)
           && json_array_get_length (json_node_get_array (root)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (root), 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        envelope = json_node_get_object (first);
    }

  if (envelope == NULL
      || (error_object = get_object_member (envelope, "error")) == NULL
      || (details = get_array_member (error_object, "details")) == NULL)
    return;

  for (guint i = 0; i < json_array_get_length (details); i++)
    {
      JsonNode *node = json_array_get_element (details, i);
      JsonObject *detail;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      detail = json_node_get_object (node);
      type = get_string_member (detail, "@type");
      if (type == NULL)
        continue;

      if (strcmp (type, RETRY_INFO_TYPE) == 0)
        {
          const char *delay = get_string_member (detail, "retryDelay");

          if (delay != NULL && *out_delay_ms < 0)
            *out_delay_ms = parse_duration_ms (delay);
        }
      else if (strcmp (type, QUOTA_FAILURE_TYPE) == 0)
        {
          JsonArray *violations = get_array_member (detail, "violations");

          for (guint j = 0; violations != NULL && j < json_array_get_length (violations); j++)
            {
              JsonNode *violation = json_array_get_element (violations, j);
              const char *quota_id;

              if (!JSON_NODE_HOLDS_OBJECT (violation))
                continue;

              quota_id = get_string_member (json_node_get_object (violation), "quotaId");
              if (quota_id != NULL && strstr (quota_id, "PerDay") != NULL)
                *out_per_day = TRUE;
            }
        }
    }
}

static void
sleep_data_finish (SleepData *data,
                   gboolean   cancelled)
{
  GTask *task = data->task;

  if (data->timeout != NULL)
    {
      g_source_destroy (data->timeout);
      g_source_unref (data->timeout);
    }
  if (data->cancelled != NULL)
    {
      g_source_destroy (data->cancelled);
      g_source_unref (data->cancelled);
    }
  g_free (data);

  if (!cancelled || !g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
on_sleep_timeout (gpointer user_data)
{
  sleep_data_finish (user_data, FALSE);

  return G_SOURCE_REMOVE;
}

static gboolean
on_sleep_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  sleep_data_finish (user_data, TRUE);

  return G_SOURCE_REMOVE;
}

static void
default_sleep (guint     delay_ms,
               GTask    *task,
               gpointer  user_data)
{
  SleepData *data = g_new0 (SleepData, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);

  data->task = g_object_ref (task);

  data->timeout = g_timeout_source_new (delay_ms);
  g_source_set_name (data->timeout, "[chiaro] http retry wait");
  g_source_set_callback (data->timeout, on_sleep_timeout, data, NULL);
  g_source_attach (data->timeout, g_task_get_context (task));

  if (cancellable != NULL)
    {
      data->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_name (data->cancelled, "[chiaro] http retry wait cancelled");
      g_source_set_callback (data->cancelled, G_SOURCE_FUNC (on_sleep_cancelled), data, NULL);
      g_source_attach (data->cancelled, g_task_get_context (task));
    }
}

static void
on_retry_wait_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  post_start_attempt (task);
}

static void
post_schedule_retry (GTask *task,
                     guint  delay_ms,
                     guint  status)
{
  ChiaroHttpClient *self = g_task_get_source_object (task);
  PostState *state = g_task_get_task_data (task);
  g_autoptr(GTask) sleep_task = NULL;

  post_state_clear_attempt (state);

  g_debug ("Attempt %u of %u failed (status %u); next attempt in %u ms",
           state->attempt, state->max_attempts, status, delay_ms);

  sleep_task = g_task_new (self, g_task_get_cancellable (task),
                           on_retry_wait_done, g_object_ref (task));
  g_task_set_source_tag (sleep_task, post_schedule_retry);
  g_task_set_name (sleep_task, "[chiaro] http retry wait");

  post_emit_progress (state, CHIARO_HTTP_PHASE_RETRY_WAIT, state->attempt + 1, 0, 0,
                      delay_ms, status);

  if (self->sleep_func != NULL)
    self->sleep_func (delay_ms, sleep_task, self->sleep_data);
  else
    default_sleep (delay_ms, sleep_task, NULL);
}

static void
post_return_error (GTask  *task,
                   GError *error)
{
  PostState *state = g_task_get_task_data (task);

  post_state_clear_attempt (state);
  g_task_return_error (task, error);
}

static void
post_transport_failed (GTask        *task,
                       const GError *error,
                       gboolean      answer_started)
{
  PostState *state = g_task_get_task_data (task);
  g_autoptr(GError) api_error = NULL;
  gboolean retryable = TRUE;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_debug ("Attempt %u cancelled", state->attempt);
      post_state_clear_attempt (state);
      g_task_return_error_if_cancelled (task);
      return;
    }

  g_debug ("Attempt %u of %u: transport failure%s%s", state->attempt, state->max_attempts,
           state->timed_out ? " (timed out)" : "",
           answer_started ? " after the answer started" : "");

  if (state->timed_out)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (ngettext ("The server did not answer within %u second.",
                                           "The server did not answer within %u seconds.",
                                           state->timeout_s),
                                 state->timeout_s);
      chiaro_api_error_set (&api_error, CHIARO_API_ERROR_TIMEOUT, message, NULL, 0, NULL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      chiaro_api_error_set (&api_error, CHIARO_API_ERROR_TIMEOUT,
                            _("The server did not answer in time."),
                            error->message, 0, NULL);
    }
  else if (error->domain == G_TLS_ERROR)
    {
      retryable = FALSE;
      chiaro_api_error_set (&api_error, CHIARO_API_ERROR_NETWORK,
                            _("Could not make a secure connection to the server. Its "
                              "certificate may be invalid, or something on the network is "
                              "interfering."),
                            error->message, 0, NULL);
    }
  else if (answer_started)
    {
      chiaro_api_error_set (&api_error, CHIARO_API_ERROR_NETWORK,
                            _("The connection was lost while the answer was arriving."),
                            error->message, 0, NULL);
    }
  else
    {
      chiaro_api_error_set (&api_error, CHIARO_API_ERROR_NETWORK,
                            _("Could not reach the server. Check the internet connection."),
                            error->message, 0, NULL);
    }

  if (retryable && state->attempt < state->max_attempts)
    {
      post_schedule_retry (task, chiaro_http_backoff_ms (state->attempt, state->jitter), 0);
      return;
    }

  chiaro_api_error_set_attempts (api_error, state->attempt);
  post_return_error (task, g_steal_pointer (&api_error));
}

static void
post_answer_too_large (GTask *task)
{
  PostState *state = g_task_get_task_data (task);
  g_autofree char *limit = g_format_size (state->max_body_size);
  g_autofree char *message = NULL;
  GError *error = NULL;

  g_debug ("Attempt %u: answer over %" G_GSIZE_FORMAT " bytes, refused",
           state->attempt, state->max_body_size);

  /* Translators: %s is a size such as "134.2 MB". */
  message = g_strdup_printf (_("The server’s answer is too large: more than %s."), limit);
  chiaro_api_error_set (&error, CHIARO_API_ERROR_BAD_RESPONSE, message, NULL,
                        (int) soup_message_get_status (state->msg), "TOO_LARGE");
  chiaro_api_error_set_attempts (error, state->attempt);
  post_return_error (task, error);
}

static void
post_answer_complete (GTask *task)
{
  PostState *state = g_task_get_task_data (task);
  ChiaroHttpResponse *response;
  guint status;
  guint delay_ms;
  gboolean retryable;
  guint8 *data;

  status = soup_message_get_status (state->msg);

  data = g_steal_pointer (&state->data);
  if (state->length < state->allocated)
    data = g_realloc (data, state->length);

  response = g_new0 (ChiaroHttpResponse, 1);
  response->status = status;
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (state->msg));
  response->body = g_bytes_new_take (data, state->length);
  response->attempts = state->attempt;

  g_debug ("Attempt %u: status %u, %" G_GSIZE_FORMAT " bytes in %" G_GINT64_FORMAT " ms",
           state->attempt, status, state->length,
           (g_get_monotonic_time () - state->started_us) / 1000);

  delay_ms = chiaro_http_retry_delay_ms (status, response->headers, response->body, &retryable);
  if (retryable && state->attempt < state->max_attempts)
    {
      if (delay_ms == 0)
        delay_ms = chiaro_http_backoff_ms (state->attempt, state->jitter);
      chiaro_http_response_free (response);
      post_schedule_retry (task, delay_ms, status);
      return;
    }

  post_state_clear_attempt (state);
  post_emit_progress (state, CHIARO_HTTP_PHASE_DONE, response->attempts,
                      g_bytes_get_size (response->body), g_bytes_get_size (response->body),
                      0, 0);
  g_task_return_pointer (task, response, (GDestroyNotify) chiaro_http_response_free);
}

static void
post_reserve (PostState *state,
              gsize      needed)
{
  gsize size;

  if (needed <= state->allocated)
    return;

  /* Never much more than the limit: one read past it is enough to know. */
  size = MAX (MAX (needed, UNKNOWN_LENGTH_BUFFER), state->allocated * 2);
  size = MAX (MIN (size, state->max_body_size + MIN_READ_SIZE), needed);
  state->data = g_realloc (state->data, size);
  state->allocated = size;
}

static void on_read (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data);

static void
post_read_next (GTask *task)
{
  PostState *state = g_task_get_task_data (task);
  guint8 *buffer;
  gsize count;

  /* libsoup's chunked decoder cannot work with tiny reads, so a read never asks for less
   * than MIN_READ_SIZE: when the buffer has less room than that left (the end of an answer
   * of known length), the read goes to a side buffer and is copied. */
  if (!state->exact_length)
    post_reserve (state, state->length + MIN_READ_SIZE);

  if (state->allocated - state->length >= MIN_READ_SIZE)
    {
      state->reading_probe = FALSE;
      buffer = state->data + state->length;
      count = MIN (state->allocated - state->length, READ_CHUNK_SIZE);
    }
  else
    {
      if (state->probe == NULL)
        state->probe = g_malloc (MIN_READ_SIZE);
      state->reading_probe = TRUE;
      buffer = state->probe;
      count = MIN_READ_SIZE;
    }

  g_input_stream_read_async (state->stream, buffer, count, G_PRIORITY_DEFAULT,
                             state->attempt_cancellable, on_read, g_object_ref (task));
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PostState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n_read;

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n_read < 0)
    {
      post_transport_failed (task, error, TRUE);
      return;
    }

  if (n_read == 0)
    {
      post_answer_complete (task);
      return;
    }

  if (state->reading_probe)
    {
      if (state->length + (gsize) n_read > state->allocated)
        {
          /* More than announced (a server closing the connection may do that). */
          state->exact_length = FALSE;
          state->total = 0;
          post_reserve (state, state->length + (gsize) n_read);
        }
      memcpy (state->data + state->length, state->probe, (gsize) n_read);
    }
  state->length += (gsize) n_read;

  if (state->length > state->max_body_size)
    {
      post_answer_too_large (task);
      return;
    }

  post_emit_progress (state, CHIARO_HTTP_PHASE_RECEIVING, state->attempt,
                      state->length, state->total, 0, 0);

  /* The progress callback may have cancelled: the next read then fails at once. */
  post_read_next (task);
}

static int
uri_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

static gboolean
uri_same_origin (GUri *a,
                 GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0
         && g_uri_get_host (a) != NULL && g_uri_get_host (b) != NULL
         && g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0
         && uri_port (a) == uri_port (b);
}

/* A 307/308 with a Location: followed to the same origin, refused when it leads elsewhere.
 * FALSE leaves the answer to the caller (an unexpected status). */
static gboolean
post_handle_redirect (GTask *task)
{
  PostState *state = g_task_get_task_data (task);
  guint status = soup_message_get_status (state->msg);
  const char *location;
  g_autoptr(GUri) target = NULL;

  location = soup_message_headers_get_one (soup_message_get_response_headers (state->msg),
                                           "Location");
  if (location == NULL)
    return FALSE;
  target = g_uri_parse_relative (state->uri, location, SOUP_HTTP_URI_FLAGS, NULL);
  if (target == NULL)
    return FALSE;

  /* Only 307 and 308 would be followed with the body; other 3xx go back as they are. */
  if (status != 307 && status != 308)
    return FALSE;

  if (!uri_same_origin (state->uri, target))
    {
      g_autofree char *message = NULL;
      GError *error = NULL;

      g_debug ("Attempt %u: status %u to another origin, refused", state->attempt, status);
      /* Translators: %s is a server's name, such as "example.com". */
      message = g_strdup_printf (_("The server sent the request on to another server (%s). "
                                   "Chiaro did not follow, so the API key was not sent there. "
                                   "Check the server address in Preferences."),
                                 g_uri_get_host (target) != NULL ? g_uri_get_host (target)
                                 : g_uri_get_scheme (target));
      chiaro_api_error_set (&error, CHIARO_API_ERROR_INSECURE_ENDPOINT, message, NULL,
                            (int) status, "REDIRECT");
      chiaro_api_error_set_attempts (error, state->attempt);
      post_return_error (task, error);
      return TRUE;
    }

  if (state->redirects >= MAX_REDIRECTS)
    return FALSE;

  g_debug ("Attempt %u: status %u, following it on the same server", state->attempt, status);
  state->redirects++;
  g_uri_unref (state->uri);
  state->uri = g_steal_pointer (&target);
  post_state_clear_attempt (state);
  /* The same attempt, sent again: a redirect is not a failure. */
  state->attempt--;
  post_start_attempt (task);
  return TRUE;
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PostState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  const char *content_encoding;
  goffset content_length = -1;

  state->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (state->stream == NULL)
    {
      post_transport_failed (task, error, FALSE);
      return;
    }

  headers = soup_message_get_response_headers (state->msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    content_length = soup_message_headers_get_content_length (headers);

  g_debug ("Attempt %u: status %u, Content-Length %" G_GOFFSET_FORMAT,
           state->attempt, soup_message_get_status (state->msg), content_length);

  if (SOUP_STATUS_IS_REDIRECTION (soup_message_get_status (state->msg))
      && post_handle_redirect (task))
    return;

  if (content_length > 0 && (guint64) content_length > state->max_body_size)
    {
      post_answer_too_large (task);
      return;
    }

  /* A compressed answer's Content-Length counts the wire bytes, not what the stream gives. */
  content_encoding = soup_message_headers_get_one (headers, "Content-Encoding");
  if (content_length >= 0
      && (content_encoding == NULL || g_ascii_strcasecmp (content_encoding, "identity") == 0))
    {
      state->exact_length = TRUE;
      state->total = (guint64) content_length;
      state->allocated = (gsize) content_length;
      state->data = g_malloc (state->allocated);
      chiaro_wire_advise_large_buffer (state->data, state->allocated);
    }

  post_emit_progress (state, CHIARO_HTTP_PHASE_RECEIVING, state->attempt, 0, state->total, 0, 0);
  post_read_next (task);
}

static void
on_wrote_headers (SoupMessage *msg,
                  gpointer     user_data)
{
  PostState *state = user_data;

  state->sent = 0;
  post_emit_progress (state, CHIARO_HTTP_PHASE_SENDING, state->attempt,
                      0, g_bytes_get_size (state->body), 0, 0);
}

static void
on_wrote_body_data (SoupMessage *msg,
                    guint        chunk_size,
                    gpointer     user_data)
{
  PostState *state = user_data;

  state->sent += chunk_size;
  post_emit_progress (state, CHIARO_HTTP_PHASE_SENDING, state->attempt,
                      state->sent, g_bytes_get_size (state->body), 0, 0);
}

static void
on_wrote_body (SoupMessage *msg,
               gpointer     user_data)
{
  PostState *state = user_data;

  post_emit_progress (state, CHIARO_HTTP_PHASE_WAITING, state->attempt,
                      state->sent, g_bytes_get_size (state->body), 0, 0);
}

static gboolean
on_attempt_timeout (gpointer user_data)
{
  PostState *state = g_task_get_task_data (user_data);
  g_autoptr(GCancellable) cancellable = g_object_ref (state->attempt_cancellable);

  g_debug ("Attempt %u: no answer within %u s", state->attempt, state->timeout_s);

  /* Cancelling may finish the attempt at once, which destroys this source. */
  state->timed_out = TRUE;
  g_clear_pointer (&state->timeout_source, g_source_unref);
  g_cancellable_cancel (cancellable);

  return G_SOURCE_REMOVE;
}

static gboolean
on_caller_cancelled (GCancellable *caller_cancellable,
                     gpointer      user_data)
{
  PostState *state = g_task_get_task_data (user_data);
  g_autoptr(GCancellable) cancellable = g_object_ref (state->attempt_cancellable);

  g_clear_pointer (&state->cancel_source, g_source_unref);
  g_cancellable_cancel (cancellable);

  return G_SOURCE_REMOVE;
}

static void
post_start_attempt (GTask *task)
{
  ChiaroHttpClient *self = g_task_get_source_object (task);
  PostState *state = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  SoupMessageHeaders *request_headers;

  g_assert (state->msg == NULL);

  state->attempt++;
  state->timed_out = FALSE;
  state->sent = 0;
  state->started_us = g_get_monotonic_time ();

  g_debug ("Attempt %u of %u: sending %" G_GSIZE_FORMAT " bytes",
           state->attempt, state->max_attempts, g_bytes_get_size (state->body));

  state->msg = soup_message_new_from_uri (state->method, state->uri);
  soup_message_add_flags (state->msg, SOUP_MESSAGE_NO_REDIRECT);
  request_headers = soup_message_get_request_headers (state->msg);
  soup_message_headers_replace (request_headers, "User-Agent", USER_AGENT);
  for (guint i = 0; state->headers[i] != NULL; i += 2)
    soup_message_headers_replace (request_headers, state->headers[i], state->headers[i + 1]);
  if (state->method == SOUP_METHOD_POST)
    soup_message_set_request_body_from_bytes (state->msg, state->content_type, state->body);

  g_signal_connect (state->msg, "wrote-headers", G_CALLBACK (on_wrote_headers), state);
  g_signal_connect (state->msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), state);
  g_signal_connect (state->msg, "wrote-body", G_CALLBACK (on_wrote_body), state);

  state->attempt_cancellable = g_cancellable_new ();

  if (cancellable != NULL)
    {
      state->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_name (state->cancel_source, "[chiaro] http cancelled");
      g_source_set_callback (state->cancel_source, G_SOURCE_FUNC (on_caller_cancelled),
                             g_object_ref (task), g_object_unref);
      g_source_attach (state->cancel_source, g_task_get_context (task));
    }

  if (state->timeout_s > 0)
    {
      state->timeout_source = g_timeout_source_new (state->timeout_s * 1000);
      g_source_set_name (state->timeout_source, "[chiaro] http timeout");
      g_source_set_callback (state->timeout_source, on_attempt_timeout,
                             g_object_ref (task), g_object_unref);
      g_source_attach (state->timeout_source, g_task_get_context (task));
    }

  post_emit_progress (state, CHIARO_HTTP_PHASE_CONNECTING, state->attempt, 0, 0, 0, 0);

  soup_session_send_async (self->session, state->msg, G_PRIORITY_DEFAULT,
                           state->attempt_cancellable, on_sent, g_object_ref (task));
}

static gboolean
on_post_start (gpointer user_data)
{
  GTask *task = user_data;

  if (!g_task_return_error_if_cancelled (task))
    post_start_attempt (task);

  return G_SOURCE_REMOVE;
}

static void
chiaro_http_client_constructed (GObject *object)
{
  ChiaroHttpClient *self = (ChiaroHttpClient *) object;

  G_OBJECT_CLASS (chiaro_http_client_parent_class)->constructed (object);

  g_assert (SOUP_IS_SESSION (self->session));

  /* libsoup gives up on a socket silent for 60 s by default, and image models may think
   * longer than that: the client's own per-attempt timeout replaces it. */
  soup_session_set_timeout (self->session, 0);
}

static void
chiaro_http_client_finalize (GObject *object)
{
  ChiaroHttpClient *self = (ChiaroHttpClient *) object;

  if (self->sleep_destroy != NULL)
    self->sleep_destroy (self->sleep_data);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (chiaro_http_client_parent_class)->finalize (object);
}

static void
chiaro_http_client_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ChiaroHttpClient *self = CHIARO_HTTP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_s);
      break;

    case PROP_JITTER:
      g_value_set_boolean (value, self->jitter);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_http_client_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ChiaroHttpClient *self = CHIARO_HTTP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_MAX_ATTEMPTS:
      chiaro_http_client_set_max_attempts (self, g_value_get_uint (value));
      break;

    case PROP_TIMEOUT:
      chiaro_http_client_set_timeout (self, g_value_get_uint (value));
      break;

    case PROP_JITTER:
      chiaro_http_client_set_jitter (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_http_client_class_init (ChiaroHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = chiaro_http_client_constructed;
  object_class->finalize = chiaro_http_client_finalize;
  object_class->get_property = chiaro_http_client_get_property;
  object_class->set_property = chiaro_http_client_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SOUP_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  properties[PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, NULL,
                       1, G_MAXUINT, CHIARO_HTTP_DEFAULT_MAX_ATTEMPTS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT / 1000, CHIARO_HTTP_DEFAULT_TIMEOUT_S,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_JITTER] =
    g_param_spec_boolean ("jitter", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_http_client_init (ChiaroHttpClient *self)
{
  self->max_attempts = CHIARO_HTTP_DEFAULT_MAX_ATTEMPTS;
  self->timeout_s = CHIARO_HTTP_DEFAULT_TIMEOUT_S;
  self->max_body_size = CHIARO_HTTP_MAX_BODY_SIZE;
  self->jitter = TRUE;
}

/**
 * chiaro_http_response_copy:
 * @response: a response
 *
 * Returns: (transfer full): a copy sharing the headers and the body
 */
ChiaroHttpResponse *
chiaro_http_response_copy (const ChiaroHttpResponse *response)
{
  ChiaroHttpResponse *copy;

  g_return_val_if_fail (response != NULL, NULL);

  copy = g_new0 (ChiaroHttpResponse, 1);
  copy->status = response->status;
  copy->headers = response->headers != NULL ? soup_message_headers_ref (response->headers) : NULL;
  copy->body = response->body != NULL ? g_bytes_ref (response->body) : NULL;
  copy->attempts = response->attempts;

  return copy;
}

/**
 * chiaro_http_response_free:
 * @response: (nullable): a response
 */
void
chiaro_http_response_free (ChiaroHttpResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

/**
 * chiaro_http_response_get_content_type:
 * @response: a response
 *
 * Returns: (nullable): the media type of the body, without parameters
 *   ("application/json"), or %NULL when the server gave none
 */
const char *
chiaro_http_response_get_content_type (const ChiaroHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  if (response->headers == NULL)
    return NULL;

  return soup_message_headers_get_content_type (response->headers, NULL);
}

/**
 * chiaro_http_session_new:
 *
 * The session the app sends on. Every variant is its own request and they all go out at
 * once: %CHIARO_HTTP_SESSION_MAX_CONNS_PER_HOST connections to one host (4 sends of 8
 * variants), %CHIARO_HTTP_SESSION_MAX_CONNS in all. libsoup's default of 2 per host would
 * queue the rest behind the first two.
 *
 * Returns: (transfer full): a new session
 */
SoupSession *
chiaro_http_session_new (void)
{
  return soup_session_new_with_options ("max-conns-per-host",
                                        CHIARO_HTTP_SESSION_MAX_CONNS_PER_HOST,
                                        "max-conns", CHIARO_HTTP_SESSION_MAX_CONNS,
                                        NULL);
}

/**
 * chiaro_http_client_new:
 * @session: the app's session; the client keeps a reference
 *
 * The session must be used from the thread that calls chiaro_http_client_post_async(),
 * and should not set its own user agent (the client sends `Chiaro/VERSION`). The client
 * turns off the session's I/O timeout (#SoupSession:timeout, 60 s by default, shorter
 * than an image model may think) and applies its own per-attempt timeout instead.
 *
 * Returns: (transfer full): a new client
 */
ChiaroHttpClient *
chiaro_http_client_new (SoupSession *session)
{
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  return g_object_new (CHIARO_TYPE_HTTP_CLIENT, "session", session, NULL);
}

/**
 * chiaro_http_client_get_session:
 * @self: a client
 *
 * Returns: (transfer none): the session requests are sent on
 */
SoupSession *
chiaro_http_client_get_session (ChiaroHttpClient *self)
{
  g_return_val_if_fail (CHIARO_IS_HTTP_CLIENT (self), NULL);

  return self->session;
}

/**
 * chiaro_http_client_get_max_attempts:
 * @self: a client
 *
 * Returns: how many times a request is sent at most, the first time included
 */
guint
chiaro_http_client_get_max_attempts (ChiaroHttpClient *self)
{
  g_return_val_if_fail (CHIARO_IS_HTTP_CLIENT (self), 0);

  return self->max_attempts;
}

/**
 * chiaro_http_client_set_max_attempts:
 * @self: a client
 * @max_attempts: attempts in all, at least 1 (1 means no retry)
 *
 * Applies to requests started afterwards.
 */
void
chiaro_http_client_set_max_attempts (ChiaroHttpClient *self,
                                     guint             max_attempts)
{
  g_return_if_fail (CHIARO_IS_HTTP_CLIENT (self));
  g_return_if_fail (max_attempts >= 1);

  if (self->max_attempts == max_attempts)
    return;

  self->max_attempts = max_attempts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ATTEMPTS]);
}

/**
 * chiaro_http_client_get_timeout:
 * @self: a client
 *
 * Returns: the time one attempt may take, in seconds, from connecting to the last byte of
 *   the answer; 0 for none
 */
guint
chiaro_http_client_get_timeout (ChiaroHttpClient *self)
{
  g_return_val_if_fail (CHIARO_IS_HTTP_CLIENT (self), 0);

  return self->timeout_s;
}

/**
 * chiaro_http_client_set_timeout:
 * @self: a client
 * @seconds: the time one attempt may take, from connecting to the last byte of the answer;
 *   0 for none
 *
 * An attempt over time fails with %CHIARO_API_ERROR_TIMEOUT and is retried like a transport
 * failure. Applies to requests started afterwards.
 */
void
chiaro_http_client_set_timeout (ChiaroHttpClient *self,
                                guint             seconds)
{
  g_return_if_fail (CHIARO_IS_HTTP_CLIENT (self));
  g_return_if_fail (seconds <= G_MAXUINT / 1000);

  if (self->timeout_s == seconds)
    return;

  self->timeout_s = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * chiaro_http_client_set_jitter:
 * @self: a client
 * @jitter: whether computed backoff delays are drawn at random in [0, delay]
 *
 * Jitter is on by default, so clients that failed together do not come back together.
 * Delays the server asks for are never jittered.
 */
void
chiaro_http_client_set_jitter (ChiaroHttpClient *self,
                               gboolean          jitter)
{
  g_return_if_fail (CHIARO_IS_HTTP_CLIENT (self));

  jitter = !!jitter;
  if (self->jitter == jitter)
    return;

  self->jitter = jitter;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JITTER]);
}

/**
 * chiaro_http_client_set_sleep_func:
 * @self: a client
 * @func: (nullable): the clock hook, or %NULL for the default one
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the hook is replaced or the client finalized
 *
 * Replaces how the client waits between attempts. @func gets a borrowed task (it takes a
 * reference to complete it later), whose cancellable is the caller's: it returns %TRUE
 * after @delay_ms, or %G_IO_ERROR_CANCELLED as soon as the cancellable fires. The default
 * waits with a GSource on the thread-default main context.
 */
void
chiaro_http_client_set_sleep_func (ChiaroHttpClient    *self,
                                   ChiaroHttpSleepFunc  func,
                                   gpointer             user_data,
                                   GDestroyNotify       destroy)
{
  g_return_if_fail (CHIARO_IS_HTTP_CLIENT (self));

  if (self->sleep_destroy != NULL)
    self->sleep_destroy (self->sleep_data);

  self->sleep_func = func;
  self->sleep_data = user_data;
  self->sleep_destroy = destroy;
}

/**
 * chiaro_http_check_endpoint:
 * @uri: an absolute http or https URI
 * @error: return location for a %CHIARO_API_ERROR_INSECURE_ENDPOINT error
 *
 * Whether Chiaro may send a key and images to @uri: HTTPS always, plain HTTP only to this
 * computer (127.0.0.0/8, ::1, localhost). A malformed URI, or one with another scheme, is
 * refused with the same code (reason "INVALID_URI" or "UNSUPPORTED_SCHEME"; plain HTTP
 * elsewhere has reason "INSECURE_SCHEME"). Messages never quote the URI, which may carry a
 * key; the insecure case names the host.
 *
 * Returns: %TRUE when the endpoint is acceptable
 */
gboolean
chiaro_http_check_endpoint (const char  *uri,
                            GError     **error)
{
  g_autoptr(GUri) parsed = NULL;

  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parsed = parse_endpoint (uri, error);

  return parsed != NULL;
}

/**
 * chiaro_http_retry_delay_ms:
 * @status: the HTTP status of an answer
 * @headers: (nullable): its headers
 * @body: (nullable): its body
 * @out_retryable: (out) (optional): whether sending the request again may help
 *
 * The retry decision for an answer. Retryable statuses are 408, 429, 500, 502, 503 and
 * 504, except a 429 whose google.rpc.QuotaFailure names a quota containing "PerDay", and
 * except answers asking for a wait longer than %CHIARO_HTTP_BACKOFF_CAP_MS (retrying
 * earlier than asked would fail again; the caller reports the answer instead).
 *
 * The delay is the server's: google.rpc.RetryInfo's retryDelay from the error envelope
 * ("3s" is 3000; fractions round up to the next millisecond), else Retry-After (seconds or
 * an HTTP date). It is used as it is, without jitter.
 *
 * Returns: the delay the server asked for in milliseconds, or 0 when it asked for none
 *   (the client then computes an exponential backoff) or the answer is not retryable
 */
guint
chiaro_http_retry_delay_ms (guint               status,
                            SoupMessageHeaders *headers,
                            GBytes             *body,
                            gboolean           *out_retryable)
{
  gboolean retryable;
  gboolean per_day = FALSE;
  gint64 delay_ms = -1;

  switch (status)
    {
    case SOUP_STATUS_REQUEST_TIMEOUT:
    case 429:
    case SOUP_STATUS_INTERNAL_SERVER_ERROR:
    case SOUP_STATUS_BAD_GATEWAY:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      retryable = TRUE;
      break;

    default:
      retryable = FALSE;
      break;
    }

  if (retryable && body != NULL)
    inspect_error_body (body, &delay_ms, &per_day);

  if (status == 429 && per_day)
    retryable = FALSE;

  if (retryable && delay_ms < 0 && headers != NULL)
    delay_ms = parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"));

  if (delay_ms > CHIARO_HTTP_BACKOFF_CAP_MS)
    retryable = FALSE;

  if (out_retryable != NULL)
    *out_retryable = retryable;

  return retryable && delay_ms > 0 ? (guint) delay_ms : 0;
}

static void
start_request (ChiaroHttpClient       *self,
               const char             *method,
               gpointer                source_tag,
               const char             *uri,
               const char * const     *headers,
               const char             *content_type,
               GBytes                 *body,
               ChiaroHttpProgressFunc  progress,
               gpointer                progress_data,
               GDestroyNotify          progress_destroy,
               GCancellable           *cancellable,
               GAsyncReadyCallback     callback,
               gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSource) source = NULL;
  GError *error = NULL;
  PostState *state;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, method == SOUP_METHOD_POST ? "[chiaro] http post" : "[chiaro] http get");

  state = g_new0 (PostState, 1);
  state->method = method;
  state->progress = progress;
  state->progress_data = progress_data;
  state->progress_destroy = progress_destroy;
  state->headers = headers != NULL ? g_strdupv ((char **) headers) : g_new0 (char *, 1);
  state->content_type = g_strdup (content_type);
  state->body = g_bytes_ref (body);
  state->max_attempts = self->max_attempts;
  state->timeout_s = self->timeout_s;
  state->max_body_size = self->max_body_size;
  state->jitter = self->jitter;
  g_task_set_task_data (task, state, post_state_free);

  state->uri = parse_endpoint (uri, &error);
  if (state->uri == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  /* The first attempt starts from the main loop like the others, so that no progress is
   * reported before this function returns. */
  source = g_idle_source_new ();
  g_source_set_name (source, "[chiaro] http request start");
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, on_post_start, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
}

/**
 * chiaro_http_client_post_async:
 * @self: a client
 * @uri: the endpoint, checked with chiaro_http_check_endpoint() before anything is sent
 * @headers: (nullable) (array zero-terminated=1): extra request headers as name, value,
 *   name, value…, %NULL-terminated; values are never logged
 * @content_type: (nullable): the body's media type
 * @body: the request body
 * @progress: (nullable) (scope notified): called on the caller's thread-default main
 *   context: CONNECTING, SENDING, WAITING, RECEIVING for each attempt, RETRY_WAIT between
 *   attempts, DONE once when an answer is returned
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the request is over
 * @cancellable: (nullable): stops the request at any stage, retry waits included
 * @callback: called when the request is over
 * @user_data: data for @callback
 *
 * POSTs @body, with retries as described for chiaro_http_retry_delay_ms(). The last
 * attempt's answer is returned whatever its status. A cancelled request finishes with
 * %G_IO_ERROR_CANCELLED.
 */
void
chiaro_http_client_post_async (ChiaroHttpClient       *self,
                               const char             *uri,
                               const char * const     *headers,
                               const char             *content_type,
                               GBytes                 *body,
                               ChiaroHttpProgressFunc  progress,
                               gpointer                progress_data,
                               GDestroyNotify          progress_destroy,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_return_if_fail (CHIARO_IS_HTTP_CLIENT (self));
  g_return_if_fail (uri != NULL);
  g_return_if_fail (body != NULL);
  g_return_if_fail (headers == NULL || g_strv_length ((char **) headers) % 2 == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_request (self, SOUP_METHOD_POST, chiaro_http_client_post_async, uri, headers,
                 content_type, body, progress, progress_data, progress_destroy, cancellable,
                 callback, user_data);
}

/**
 * chiaro_http_client_post_finish:
 * @self: a client
 * @result: the result given to the callback
 * @error: return location for a %CHIARO_API_ERROR (NETWORK, TIMEOUT, BAD_RESPONSE,
 *   INSECURE_ENDPOINT; with chiaro_api_error_get_attempts() set) or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full): the last attempt's answer, whatever its status
 */
ChiaroHttpResponse *
chiaro_http_client_post_finish (ChiaroHttpClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (CHIARO_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * chiaro_http_client_get_async:
 * @self: a client
 * @uri: the resource, checked with chiaro_http_check_endpoint() before anything is sent
 * @headers: (nullable) (array zero-terminated=1): extra request headers as name, value,
 *   name, value…, %NULL-terminated; values are never logged
 * @cancellable: (nullable): stops the request at any stage, retry waits included
 * @callback: called when the request is over
 * @user_data: data for @callback
 *
 * GETs @uri with the same retries, timeout, size limit and refusal of redirects as
 * chiaro_http_client_post_async(), without progress reports.
 */
void
chiaro_http_client_get_async (ChiaroHttpClient    *self,
                              const char          *uri,
                              const char * const  *headers,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  g_return_if_fail (CHIARO_IS_HTTP_CLIENT (self));
  g_return_if_fail (uri != NULL);
  g_return_if_fail (headers == NULL || g_strv_length ((char **) headers) % 2 == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_request (self, SOUP_METHOD_GET, chiaro_http_client_get_async, uri, headers, NULL, empty,
                 NULL, NULL, NULL, cancellable, callback, user_data);
}

/**
 * chiaro_http_client_get_finish:
 * @self: a client
 * @result: the result given to the callback
 * @error: return location for the errors of chiaro_http_client_post_finish()
 *
 * Returns: (transfer full): the last attempt's answer, whatever its status
 */
ChiaroHttpResponse *
chiaro_http_client_get_finish (ChiaroHttpClient  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (CHIARO_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == chiaro_http_client_get_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Test hooks (chiaro-http-client-private.h). */

void
chiaro_http_client_set_max_body_size (ChiaroHttpClient *self,
                                      gsize             max_body_size)
{
  g_return_if_fail (CHIARO_IS_HTTP_CLIENT (self));
  g_return_if_fail (max_body_size < G_MAXSIZE);

  self->max_body_size = max_body_size;
}

/* The wait after @failed_attempt (1-based) when the server gave no figure: 1 s doubled per
 * attempt, capped at 60 s; with jitter, uniform in [0, that]. */
guint
chiaro_http_backoff_ms (guint    failed_attempt,
                        gboolean jitter)
{
  guint64 computed = CHIARO_HTTP_BACKOFF_CAP_MS;

  if (failed_attempt >= 1 && failed_attempt <= 17)
    computed = MIN ((guint64) CHIARO_HTTP_BACKOFF_BASE_MS << (failed_attempt - 1),
                    (guint64) CHIARO_HTTP_BACKOFF_CAP_MS);

  if (jitter)
    return (guint) g_random_int_range (0, (gint32) computed + 1);

  return (guint) computed;
}
