/* chiaro-mock-server.c — a loopback Gemini (and OpenAI-compatible) server for tests
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each request is recorded, paused, and handed to a worker that checks it and makes the
 * answer (images take time to encode); the answer then goes out on the main context, after
 * the configured delay, in one piece or trickled, or the connection is reset, or nothing is
 * ever sent. The order of the checks: route and method, key, size, scenario errors (a
 * scenario such as "429" answers before the body is looked at), JSON, the discovery schema,
 * the request's structure, the model's limits, then the scenario's answer.
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libsoup/soup.h>

#include "chiaro-mock-gemini.h"
#include "chiaro-mock-images.h"
#include "chiaro-mock-listing.h"
#include "chiaro-mock-openai.h"
#include "chiaro-mock-reply.h"
#include "chiaro-mock-scenarios.h"
#include "chiaro-mock-schema.h"
#include "chiaro-mock-util.h"
#include "chiaro-mock-server.h"

#define SLOW_CHUNKS 20
#define SLOW_INTERVAL_MS 50
/* "huge-body": 200 MB sent as one 1 MiB piece again and again, so the mock holds 1 MiB. */
#define HUGE_BODY_SIZE (200 * 1000 * 1000)
#define HUGE_PIECE_SIZE (1024 * 1024)

/* How often each "NAMExN" scenario was used. Workers update it, and may outlive the server,
 * so it is reference counted apart from it. */
typedef struct
{
  GMutex      lock;
  GHashTable *counts;   /* name → times used */
} Repeats;

static void
repeats_clear (Repeats *repeats)
{
  g_mutex_clear (&repeats->lock);
  g_hash_table_unref (repeats->counts);
}

static Repeats *
repeats_new (void)
{
  Repeats *repeats = g_atomic_rc_box_new0 (Repeats);

  g_mutex_init (&repeats->lock);
  repeats->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  return repeats;
}

static void
repeats_unref (Repeats *repeats)
{
  g_atomic_rc_box_release_full (repeats, (GDestroyNotify) repeats_clear);
}

struct _ChiaroMockServer
{
  GObject           parent_instance;

  /* owned */
  SoupServer       *soup;
  ChiaroMockSchema *schema;
  ChiaroMockImages *images;
  GPtrArray        *requests;        /* (element-type ChiaroMockRequest) */
  GQueue            scenarios;       /* (element-type utf8) */
  GHashTable       *exchanges;       /* (element-type Exchange) in progress, owned */
  char             *default_scenario;
  char             *image_format;
  char             *url;

  Repeats          *repeats;         /* shared with the workers */

  guint             delay_ms;
  gsize             max_request_bytes;
  gboolean          enforce_signatures;
  gboolean          gzip;
  GBytes           *answer_body;     /* (nullable) every "ok" generateContent answer */
};

G_DEFINE_FINAL_TYPE (ChiaroMockServer, chiaro_mock_server, G_TYPE_OBJECT)

enum {
  REQUEST_RECEIVED,
  REQUEST_ANSWERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One request between its arrival and the end of its answer. */
typedef struct
{
  ChiaroMockServer  *server;     /* (unowned) */
  SoupServerMessage *msg;        /* (owned) */
  ChiaroMockRequest *record;     /* (owned) */
  ChiaroMockReply   *reply;      /* (owned) (nullable) */
  guint              source_id;
  guint              next_chunk;
  gulong             finished_id;
  gboolean           processing;  /* a worker holds it */
  gboolean           finished;
} Exchange;

/* What a worker needs, copied so the main context can go on. */
typedef struct
{
  ChiaroMockRoute    route;
  char              *model_id;        /* (nullable) from the path */
  char              *path_and_query;
  char              *elsewhere;       /* this server under another name: http://localhost:PORT */
  GBytes            *body;
  char              *api_key;         /* (nullable) x-goog-api-key or ?key= */
  char              *bearer;          /* (nullable) Authorization: Bearer */
  gboolean           accepts_gzip;
  char              *queued;          /* (nullable) the scenario taken from the queue */
  char              *default_scenario;
  char              *image_format;
  gboolean           enforce_signatures;
  gboolean           gzip;
  gsize              max_request_bytes;
  ChiaroMockSchema  *schema;
  ChiaroMockImages  *images;
  Repeats           *repeats;
  GBytes            *answer_body;     /* (nullable) */

  /* results */
  JsonNode          *json;
  char              *scenario;
  char              *body_model;
  ChiaroMockReply   *reply;
  GBytes            *response;        /* (nullable) the body before gzip */
} Job;

static void
job_free (Job *job)
{
  g_free (job->model_id);
  g_free (job->path_and_query);
  g_free (job->elsewhere);
  g_bytes_unref (job->body);
  g_free (job->api_key);
  g_free (job->bearer);
  g_free (job->queued);
  g_free (job->default_scenario);
  g_free (job->image_format);
  g_object_unref (job->schema);
  g_object_unref (job->images);
  repeats_unref (job->repeats);
  g_clear_pointer (&job->json, json_node_unref);
  g_free (job->scenario);
  g_free (job->body_model);
  g_clear_pointer (&job->reply, chiaro_mock_reply_free);
  g_clear_pointer (&job->response, g_bytes_unref);
  g_clear_pointer (&job->answer_body, g_bytes_unref);
  g_free (job);
}

static void
exchange_free (Exchange *exchange)
{
  g_clear_handle_id (&exchange->source_id, g_source_remove);
  g_clear_signal_handler (&exchange->finished_id, exchange->msg);
  g_clear_object (&exchange->msg);
  g_clear_pointer (&exchange->record, chiaro_mock_request_unref);
  g_clear_pointer (&exchange->reply, chiaro_mock_reply_free);
  g_free (exchange);
}

static void
exchange_done (Exchange *exchange)
{
  if (exchange->server != NULL)
    g_hash_table_remove (exchange->server->exchanges, exchange);
  else
    exchange_free (exchange);
}

static void
on_message_finished (SoupServerMessage *msg,
                     gpointer           user_data)
{
  Exchange *exchange = user_data;

  exchange->finished = TRUE;
  g_clear_signal_handler (&exchange->finished_id, exchange->msg);
  g_clear_handle_id (&exchange->source_id, g_source_remove);
  if (!exchange->processing)
    exchange_done (exchange);
}

/* The worker. */

static ChiaroMockReply *
google_error_reply (ChiaroMockRoute  route,
                    guint            code,
                    const char      *status,
                    const char      *message)
{
  g_autoptr(JsonNode) error = chiaro_mock_google_error (code, status, message, NULL);

  return chiaro_mock_error_reply (route, error);
}

/* "<data>:1:15: Parse error: …" → Google's "Invalid JSON payload received. Unexpected
 * token." with the line and a caret under the column. */
static char *
json_syntax_message (GBytes     *body,
                     const char *parser_message)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  guint line = 0, column = 0;
  const char *colon = parser_message != NULL ? strchr (parser_message, ':') : NULL;
  g_autoptr(GString) message = g_string_new ("Invalid JSON payload received. Unexpected token.");
  const char *start = data;
  const char *end;
  gsize from, to;

  if (colon == NULL || sscanf (colon + 1, "%u:%u", &line, &column) != 2 || line == 0 ||
      !g_utf8_validate (data, size, NULL))
    return g_string_free (g_steal_pointer (&message), FALSE);

  for (guint i = 1; i < line && start != NULL; i++)
    {
      start = memchr (start, '\n', size - (start - data));
      if (start != NULL)
        start++;
    }
  if (start == NULL)
    return g_string_free (g_steal_pointer (&message), FALSE);

  end = memchr (start, '\n', size - (start - data));
  if (end == NULL)
    end = data + size;

  column = column > 0 ? column - 1 : 0;
  from = column > 30 ? column - 30 : 0;
  to = MIN ((gsize) (end - start), (gsize) column + 30);
  if (from < to)
    {
      g_string_append_c (message, '\n');
      g_string_append_len (message, start + from, to - from);
      g_string_append_c (message, '\n');
      for (gsize i = from; i < column; i++)
        g_string_append_c (message, ' ');
      g_string_append_c (message, '^');
    }

  return g_string_free (g_steal_pointer (&message), FALSE);
}

static ChiaroMockReply *
check_auth (Job *job)
{
  const ChiaroMockScenario *key_invalid = chiaro_mock_scenario_lookup ("400-api-key-invalid");
  gboolean openrouter = job->route == CHIARO_MOCK_ROUTE_OPENROUTER;

  if (chiaro_mock_route_is_openai (job->route))
    {
      if (job->bearer == NULL || *job->bearer == '\0')
        return google_error_reply (job->route, 401, "UNAUTHENTICATED",
                                   openrouter ? "No auth credentials found"
                                              : "Missing or invalid Authorization header.");
      if (g_str_equal (job->bearer, "bad"))
        return openrouter
               ? google_error_reply (job->route, 401, "UNAUTHENTICATED", "User not found.")
               : chiaro_mock_scenario_error_reply (key_invalid, job->route, job->model_id);
      return NULL;
    }

  /* An OAuth token instead of a key: "bad" is refused as an expired token would be. */
  if (job->api_key == NULL && job->bearer != NULL)
    {
      if (g_str_equal (job->bearer, "bad"))
        return chiaro_mock_scenario_error_reply (chiaro_mock_scenario_lookup ("401"), job->route,
                                                 job->model_id);
      return NULL;
    }

  if (job->api_key == NULL || *job->api_key == '\0')
    return google_error_reply (job->route, 403, "PERMISSION_DENIED",
                               "Method doesn't allow unregistered callers (callers without "
                               "established identity). Please use API Key or other form of API "
                               "consumer identity to call this API.");

  if (g_str_equal (job->api_key, "bad"))
    return chiaro_mock_scenario_error_reply (key_invalid, job->route, job->model_id);

  return NULL;
}

/* "NAMExN" chosen by keyword or as the default: NAME for the first N requests that ask,
 * then "ok". Counted per server. */
static char *
resolve_repeat (Repeats    *repeats,
                const char *name)
{
  g_autofree char *base = NULL;
  guint count = 0;
  guint used;

  if (!chiaro_mock_scenario_parse (name, &base, &count))
    return NULL;
  if (chiaro_mock_scenario_lookup (name) != NULL)
    return g_steal_pointer (&base);

  g_mutex_lock (&repeats->lock);
  used = GPOINTER_TO_UINT (g_hash_table_lookup (repeats->counts, name));
  g_hash_table_insert (repeats->counts, g_strdup (name), GUINT_TO_POINTER (used + 1));
  g_mutex_unlock (&repeats->lock);

  return used < count ? g_steal_pointer (&base) : g_strdup ("ok");
}

static GBytes *
gzip_bytes (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory,
                                                                   G_CONVERTER (compressor));
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  if (!g_output_stream_write_all (stream, data, size, NULL, NULL, NULL) ||
      !g_output_stream_close (stream, NULL, NULL))
    return NULL;

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Cuts a complete reply into small pieces sent with pauses between them. */
static void
make_slow (ChiaroMockReply *reply)
{
  g_autoptr(GBytes) body = chiaro_mock_reply_dup_body (reply);
  gsize size = g_bytes_get_size (body);
  gsize piece = MAX (1, (size + SLOW_CHUNKS - 1) / SLOW_CHUNKS);

  g_ptr_array_set_size (reply->chunks, 0);
  for (gsize offset = 0; offset < size; offset += piece)
    g_ptr_array_add (reply->chunks,
                     g_bytes_new_from_bytes (body, offset, MIN (piece, size - offset)));

  reply->chunked = TRUE;
  reply->interval_ms = SLOW_INTERVAL_MS;
  reply->compressible = FALSE;
}

/* The start of an answer whose image data never ends: one piece, referenced again and again
 * (the chunk list holds references, not copies), up to HUGE_BODY_SIZE. */
static ChiaroMockReply *
huge_reply (gboolean chunked)
{
  static const char head[] = "{\"candidates\": [{\"content\": {\"role\": \"model\", \"parts\": "
                             "[{\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"";
  ChiaroMockReply *reply = chiaro_mock_reply_new (200);
  g_autoptr(GBytes) piece = NULL;
  guint8 *filler = g_malloc (HUGE_PIECE_SIZE);
  gsize size = strlen (head);

  memset (filler, 'A', HUGE_PIECE_SIZE);
  piece = g_bytes_new_take (filler, HUGE_PIECE_SIZE);
  chiaro_mock_reply_add_header (reply, "Content-Type", "application/json; charset=UTF-8");
  g_ptr_array_add (reply->chunks, g_bytes_new_static (head, strlen (head)));
  while (size + HUGE_PIECE_SIZE <= HUGE_BODY_SIZE)
    {
      g_ptr_array_add (reply->chunks, g_bytes_ref (piece));
      size += HUGE_PIECE_SIZE;
    }
  if (size < HUGE_BODY_SIZE)
    g_ptr_array_add (reply->chunks, g_bytes_new_from_bytes (piece, 0, HUGE_BODY_SIZE - size));
  reply->chunked = chunked;
  reply->compressible = FALSE;
  reply->unrecorded = TRUE;

  return reply;
}

static void
process (GTask        *task,
         gpointer      source_object,
         gpointer      task_data,
         GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) check_error = NULL;
  g_autoptr(ChiaroMockPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keyword = NULL;
  const ChiaroMockScenario *scenario;
  gboolean openai = chiaro_mock_route_is_openai (job->route);
  gboolean stream = FALSE;
  gsize size = g_bytes_get_size (job->body);
  ChiaroMockReply *reply;

  job->reply = check_auth (job);
  if (job->reply != NULL)
    return;

  if (size > job->max_request_bytes)
    {
      g_autofree char *message =
        g_strdup_printf ("Request payload size exceeds the limit: %" G_GSIZE_FORMAT " bytes.",
                         job->max_request_bytes);

      job->reply = google_error_reply (job->route, 400, "INVALID_ARGUMENT", message);
      return;
    }

  /* An empty body is an empty message to the proto front end. */
  if (json_parser_load_from_data (parser, size > 0 ? g_bytes_get_data (job->body, NULL) : "{}",
                                  size > 0 ? (gssize) size : 2, &parse_error))
    job->json = json_node_ref (json_parser_get_root (parser));

  if (job->json != NULL)
    {
      keyword = openai ? chiaro_mock_openai_find_keyword (job->json)
                       : chiaro_mock_gemini_find_keyword (job->json);
      if (openai)
        job->body_model = chiaro_mock_openai_dup_model (job->json);
    }

  if (job->queued != NULL)
    job->scenario = g_strdup (job->queued);
  else if (keyword != NULL)
    {
      job->scenario = resolve_repeat (job->repeats, keyword);
      if (job->scenario == NULL)
        {
          g_autofree char *message = g_strdup_printf ("Mock server: unknown scenario \"%s\" "
                                                      "in [mock:…]", keyword);

          job->scenario = g_strdup (keyword);
          job->reply = google_error_reply (job->route, 400, "INVALID_ARGUMENT", message);
          return;
        }
    }
  else
    job->scenario = resolve_repeat (job->repeats, job->default_scenario);

  scenario = chiaro_mock_scenario_lookup (job->scenario);
  g_assert (scenario != NULL);

  if (scenario->kind == CHIARO_MOCK_SCENARIO_HTTP_ERROR)
    {
      job->reply = chiaro_mock_scenario_error_reply (scenario, job->route,
                                                     job->model_id != NULL ? job->model_id
                                                     : job->body_model != NULL ? job->body_model
                                                     : "unknown");
      return;
    }

  if (g_str_equal (job->scenario, "stall"))
    {
      job->reply = chiaro_mock_reply_new (0);
      job->reply->ending = CHIARO_MOCK_ENDING_STALL;
      return;
    }

  if (g_str_equal (job->scenario, "redirect"))
    {
      job->reply = chiaro_mock_reply_new (307);
      chiaro_mock_reply_add_header (job->reply, "Location", job->path_and_query);
      chiaro_mock_reply_add_header (job->reply, "Content-Type", "text/html; charset=UTF-8");
      chiaro_mock_reply_append_string (job->reply, g_strdup ("<HTML><HEAD><TITLE>Temporary "
                                                             "Redirect</TITLE></HEAD></HTML>\n"));
      job->reply->requeue_ok = TRUE;
      return;
    }

  /* The same path on another origin: a client that follows it sends the request (and the
   * key) to "another host", which this same server records. */
  if (g_str_equal (job->scenario, "redirect-elsewhere"))
    {
      g_autofree char *location = g_strconcat (job->elsewhere, job->path_and_query, NULL);

      job->reply = chiaro_mock_reply_new (307);
      chiaro_mock_reply_add_header (job->reply, "Location", location);
      chiaro_mock_reply_append_string (job->reply, g_strdup ("Moved\n"));
      return;
    }

  if (g_str_equal (job->scenario, "huge-body") || g_str_equal (job->scenario, "huge-body-length"))
    {
      job->reply = huge_reply (g_str_equal (job->scenario, "huge-body"));
      return;
    }

  if (job->json == NULL)
    {
      g_autofree char *message = json_syntax_message (job->body, parse_error->message);

      job->reply = google_error_reply (job->route, 400, "INVALID_ARGUMENT", message);
      return;
    }

  if (openai)
    check_error = chiaro_mock_openai_check (job->route, job->json, &plan, &stream);
  else
    check_error = chiaro_mock_gemini_check (job->schema, job->model_id, job->json,
                                            job->enforce_signatures, &plan);
  if (check_error != NULL)
    {
      job->reply = chiaro_mock_error_reply (job->route, check_error);
      return;
    }

  if (job->answer_body != NULL && job->route == CHIARO_MOCK_ROUTE_GENERATE &&
      g_str_equal (job->scenario, "ok"))
    {
      reply = chiaro_mock_reply_new (200);
      chiaro_mock_reply_add_header (reply, "Content-Type", "application/json; charset=UTF-8");
      chiaro_mock_reply_add_google_headers (reply);
      chiaro_mock_reply_append (reply, job->answer_body);
      reply->compressible = TRUE;
    }
  else if (openai)
    reply = chiaro_mock_openai_answer (plan,
                                       scenario->kind == CHIARO_MOCK_SCENARIO_CONTENT
                                       ? job->scenario : "ok",
                                       job->route, stream, job->image_format, job->images, &error);
  else
    reply = chiaro_mock_gemini_answer (plan,
                                       scenario->kind == CHIARO_MOCK_SCENARIO_CONTENT
                                       ? job->scenario : "ok",
                                       job->route, job->image_format, job->images, &error);
  if (reply == NULL)
    {
      job->reply = google_error_reply (job->route, 500, "INTERNAL", error->message);
      return;
    }

  if (scenario->kind == CHIARO_MOCK_SCENARIO_BROKEN_BODY)
    {
      job->reply = chiaro_mock_scenario_break_body (scenario, reply);
      chiaro_mock_reply_free (reply);
      return;
    }

  if (g_str_equal (job->scenario, "reset"))
    {
      reply->ending = CHIARO_MOCK_ENDING_RESET;
      reply->reset_after = chiaro_mock_reply_get_body_length (reply) / 2;
      reply->compressible = FALSE;
    }
  else if (g_str_equal (job->scenario, "slow"))
    make_slow (reply);

  if (reply->compressible && job->gzip && job->accepts_gzip && !reply->chunked)
    {
      g_autoptr(GBytes) body = chiaro_mock_reply_dup_body (reply);
      g_autoptr(GBytes) compressed = gzip_bytes (body);

      if (compressed != NULL)
        {
          job->response = g_bytes_ref (body);
          g_ptr_array_set_size (reply->chunks, 0);
          chiaro_mock_reply_append (reply, compressed);
          chiaro_mock_reply_add_header (reply, "Content-Encoding", "gzip");
        }
    }

  job->reply = reply;
}

/* Sending. */

static void send_next_chunk (Exchange *exchange);

static gboolean
on_chunk_timeout (gpointer user_data)
{
  Exchange *exchange = user_data;

  exchange->source_id = 0;
  send_next_chunk (exchange);

  return G_SOURCE_REMOVE;
}

static void
send_next_chunk (Exchange *exchange)
{
  ChiaroMockReply *reply = exchange->reply;
  SoupMessageBody *body = soup_server_message_get_response_body (exchange->msg);

  if (exchange->next_chunk < reply->chunks->len)
    {
      soup_message_body_append_bytes (body,
                                      g_ptr_array_index (reply->chunks, exchange->next_chunk));
      exchange->next_chunk++;
    }

  if (exchange->next_chunk >= reply->chunks->len)
    soup_message_body_complete (body);
  else
    exchange->source_id = g_timeout_add (reply->interval_ms, on_chunk_timeout, exchange);

  soup_server_message_unpause (exchange->msg);
}

/* Writes the status line, the headers and half the body by hand on the stolen connection,
 * then drops it with a reset (SO_LINGER 0), as a crashed front end would. */
static void
send_reset (Exchange *exchange)
{
  ChiaroMockReply *reply = exchange->reply;
  g_autoptr(SoupServerMessage) msg = g_object_ref (exchange->msg);
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GBytes) body = chiaro_mock_reply_dup_body (reply);
  g_autoptr(GString) head = g_string_new (NULL);
  GOutputStream *output;
  GSocket *socket;

  g_clear_signal_handler (&exchange->finished_id, exchange->msg);
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;

  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", reply->status,
                          soup_status_get_phrase (reply->status));
  for (guint i = 0; i + 1 < reply->headers->len; i += 2)
    g_string_append_printf (head, "%s: %s\r\n", (char *) reply->headers->pdata[i],
                            (char *) reply->headers->pdata[i + 1]);
  /* A chunk announced whole and cut short, so the client is left mid-chunk. */
  if (reply->chunked)
    g_string_append_printf (head, "Transfer-Encoding: chunked\r\n\r\n%" G_GSIZE_MODIFIER "x\r\n",
                            g_bytes_get_size (body));
  else
    g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                            g_bytes_get_size (body));

  output = g_io_stream_get_output_stream (stream);
  g_output_stream_write_all (output, head->str, head->len, NULL, NULL, NULL);
  g_output_stream_write_all (output, g_bytes_get_data (body, NULL), reply->reset_after,
                             NULL, NULL, NULL);
  g_output_stream_flush (output, NULL, NULL);

  if (G_IS_SOCKET_CONNECTION (stream))
    {
      struct linger linger = { 1, 0 };

      socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
      if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger,
                      sizeof linger) != 0)
        g_debug ("SO_LINGER: %s", g_strerror (errno));
    }
  g_io_stream_close (stream, NULL, NULL);
}

static void
answer (Exchange *exchange)
{
  ChiaroMockServer *self = exchange->server;
  ChiaroMockReply *reply = exchange->reply;
  SoupMessageHeaders *headers;

  exchange->record->status = reply->status;
  g_signal_emit (self, signals[REQUEST_ANSWERED], 0, exchange->record);

  if (reply->requeue_ok)
    g_queue_push_head (&self->scenarios, g_strdup ("ok"));

  switch (reply->ending)
    {
    case CHIARO_MOCK_ENDING_STALL:
      /* Stays paused; dispose disconnects it. */
      return;

    case CHIARO_MOCK_ENDING_RESET:
      send_reset (exchange);
      exchange_done (exchange);
      return;

    case CHIARO_MOCK_ENDING_COMPLETE:
    default:
      break;
    }

  soup_server_message_set_status (exchange->msg, reply->status, NULL);
  headers = soup_server_message_get_response_headers (exchange->msg);
  for (guint i = 0; i + 1 < reply->headers->len; i += 2)
    soup_message_headers_append (headers, reply->headers->pdata[i], reply->headers->pdata[i + 1]);

  if (reply->chunked)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  else
    soup_message_headers_set_content_length (headers, chiaro_mock_reply_get_body_length (reply));

  if (reply->interval_ms == 0)
    {
      SoupMessageBody *body = soup_server_message_get_response_body (exchange->msg);

      for (guint i = 0; i < reply->chunks->len; i++)
        soup_message_body_append_bytes (body, g_ptr_array_index (reply->chunks, i));
      soup_message_body_complete (body);
      soup_server_message_unpause (exchange->msg);
      return;
    }

  send_next_chunk (exchange);
}

static gboolean
on_delay_timeout (gpointer user_data)
{
  Exchange *exchange = user_data;

  exchange->source_id = 0;
  answer (exchange);

  return G_SOURCE_REMOVE;
}

static void
on_processed (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Exchange *exchange = user_data;
  ChiaroMockServer *self = exchange->server;
  Job *job = g_task_get_task_data (G_TASK (result));

  exchange->processing = FALSE;
  if (self == NULL)
    {
      exchange_free (exchange);
      return;
    }
  if (exchange->finished)
    {
      exchange_done (exchange);
      return;
    }

  if (job->json != NULL)
    exchange->record->json = json_node_ref (job->json);
  exchange->record->scenario = g_strdup (job->scenario);
  if (job->body_model != NULL)
    {
      g_free (exchange->record->model);
      exchange->record->model = g_strdup (job->body_model);
    }
  exchange->reply = g_steal_pointer (&job->reply);
  exchange->record->response = job->response != NULL
                               ? g_bytes_ref (job->response)
                               : exchange->reply->unrecorded ? NULL
                               : chiaro_mock_reply_dup_body (exchange->reply);

  if (self->delay_ms > 0 && exchange->reply->ending != CHIARO_MOCK_ENDING_STALL)
    exchange->source_id = g_timeout_add (self->delay_ms, on_delay_timeout, exchange);
  else
    answer (exchange);
}

/* Routing. */

static gboolean
parse_route (const char       *path,
             GHashTable       *params,
             ChiaroMockRoute  *route,
             char            **model_id)
{
  const char *rest;
  const char *colon;
  const char *method;
  const char *alt;

  *model_id = NULL;

  if (g_str_equal (path, "/v1beta/openai/chat/completions"))
    {
      *route = CHIARO_MOCK_ROUTE_OPENAI;
      return TRUE;
    }
  if (g_str_equal (path, "/api/v1/chat/completions"))
    {
      *route = CHIARO_MOCK_ROUTE_OPENROUTER;
      return TRUE;
    }

  if (!g_str_has_prefix (path, "/v1beta/models/"))
    return FALSE;

  rest = path + strlen ("/v1beta/models/");
  colon = strrchr (rest, ':');
  if (colon == NULL || colon == rest || memchr (rest, '/', colon - rest) != NULL)
    return FALSE;

  method = colon + 1;
  if (g_str_equal (method, "generateContent"))
    *route = CHIARO_MOCK_ROUTE_GENERATE;
  else if (g_str_equal (method, "streamGenerateContent"))
    {
      alt = params != NULL ? g_hash_table_lookup (params, "alt") : NULL;
      *route = g_strcmp0 (alt, "sse") == 0 ? CHIARO_MOCK_ROUTE_STREAM_SSE
                                           : CHIARO_MOCK_ROUTE_STREAM_JSON;
    }
  else
    return FALSE;

  *model_id = g_strndup (rest, colon - rest);
  return TRUE;
}

static const char *
route_name (ChiaroMockRoute route)
{
  switch (route)
    {
    case CHIARO_MOCK_ROUTE_GENERATE:
      return "generateContent";
    case CHIARO_MOCK_ROUTE_STREAM_SSE:
    case CHIARO_MOCK_ROUTE_STREAM_JSON:
      return "streamGenerateContent";
    case CHIARO_MOCK_ROUTE_OPENAI:
      return "openai";
    case CHIARO_MOCK_ROUTE_OPENROUTER:
      return "openrouter";
    default:
      g_assert_not_reached ();
    }
}

static void
respond_now (SoupServerMessage *msg,
             ChiaroMockReply   *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = chiaro_mock_reply_dup_body (reply);
  const char *content_type = chiaro_mock_reply_get_header (reply, "Content-Type");

  soup_server_message_set_status (msg, reply->status, NULL);
  for (guint i = 0; i + 1 < reply->headers->len; i += 2)
    {
      if (g_ascii_strcasecmp (reply->headers->pdata[i], "Content-Type") != 0)
        soup_message_headers_append (headers, reply->headers->pdata[i],
                                     reply->headers->pdata[i + 1]);
    }
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
handle_control (ChiaroMockServer  *self,
                SoupServerMessage *msg,
                const char        *path,
                const char        *method,
                GBytes            *body)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  g_strstrip (text);

  if (g_str_equal (path, "/mock/requests") && g_str_equal (method, "GET"))
    {
      g_autoptr(JsonNode) list = chiaro_mock_server_dup_requests_json (self);
      g_autoptr(ChiaroMockReply) reply = chiaro_mock_reply_new_json (200, list,
                                                                     CHIARO_MOCK_JSON_PRETTY,
                                                                     NULL);

      respond_now (msg, reply);
      return;
    }

  if (g_str_equal (path, "/mock/requests") && g_str_equal (method, "DELETE"))
    {
      chiaro_mock_server_clear_requests (self);
      soup_server_message_set_status (msg, 204, NULL);
      return;
    }

  if ((g_str_equal (path, "/mock/scenario") || g_str_equal (path, "/mock/default-scenario")) &&
      g_str_equal (method, "POST"))
    {
      if (!chiaro_mock_server_is_scenario (text))
        {
          g_autofree char *message = g_strdup_printf ("unknown scenario \"%s\"", text);

          soup_server_message_set_status (msg, 400, NULL);
          soup_server_message_set_response (msg, "text/plain; charset=UTF-8", SOUP_MEMORY_COPY,
                                            message, strlen (message));
          return;
        }
      if (g_str_equal (path, "/mock/scenario"))
        chiaro_mock_server_push_scenario (self, text);
      else
        chiaro_mock_server_set_default_scenario (self, text);
      soup_server_message_set_status (msg, 204, NULL);
      return;
    }

  if (g_str_equal (path, "/mock/scenarios") && g_str_equal (method, "GET"))
    {
      g_auto(GStrv) names = chiaro_mock_server_dup_scenario_names ();
      g_autofree char *list = g_strjoinv ("\n", names);
      g_autofree char *listing = g_strconcat (list, "\n", NULL);

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=UTF-8", SOUP_MEMORY_COPY,
                                        listing, strlen (listing));
      return;
    }

  soup_server_message_set_status (msg, 404, NULL);
}

/* The key of a request: x-goog-api-key or ?key=, and a Bearer token. */
static void
read_credentials (SoupMessageHeaders  *headers,
                  ChiaroMockRequest   *record,
                  char               **api_key,
                  char               **bearer)
{
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  *api_key = g_strdup (soup_message_headers_get_one (headers, "x-goog-api-key"));
  if (*api_key == NULL)
    *api_key = g_strdup (g_hash_table_lookup (record->params, "key"));

  *bearer = NULL;
  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    *bearer = g_strstrip (g_strdup (authorization + 7));
}

typedef enum
{
  LISTING_NONE,
  LISTING_MODELS_GET,      /* GET /v1beta/models/{model} */
  LISTING_MODELS_LIST,     /* GET /v1beta/models */
  LISTING_OPENAI,          /* GET /v1beta/openai/models */
  LISTING_OPENROUTER,      /* GET /api/v1/models */
} Listing;

static Listing
parse_listing (const char  *path,
               char       **model_id)
{
  const char *rest;

  *model_id = NULL;

  if (g_str_equal (path, "/v1beta/models"))
    return LISTING_MODELS_LIST;
  if (g_str_equal (path, "/v1beta/openai/models"))
    return LISTING_OPENAI;
  if (g_str_equal (path, "/api/v1/models"))
    return LISTING_OPENROUTER;

  if (!g_str_has_prefix (path, "/v1beta/models/"))
    return LISTING_NONE;

  rest = path + strlen ("/v1beta/models/");
  if (*rest == '\0' || strpbrk (rest, ":/") != NULL)
    return LISTING_NONE;

  *model_id = g_strdup (rest);
  return LISTING_MODELS_GET;
}

/* Model listings answer at once, on the main context: the key is checked as for generation
 * (OpenRouter's list is public, as the real one is), then a queued HTTP-error scenario, if
 * any, answers instead; other queued scenarios are used up and the listing is answered. */
static void
answer_listing (ChiaroMockServer   *self,
                SoupServerMessage  *msg,
                ChiaroMockRequest  *record,
                Listing             listing,
                const char         *model_id)
{
  static const char * const route_names[] = {
    NULL, "models.get", "models.list", "openai-models", "openrouter-models"
  };
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(ChiaroMockReply) reply = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *queued = NULL;
  Job job = { 0 };

  job.route = listing == LISTING_OPENAI ? CHIARO_MOCK_ROUTE_OPENAI
              : listing == LISTING_OPENROUTER ? CHIARO_MOCK_ROUTE_OPENROUTER
              : CHIARO_MOCK_ROUTE_GENERATE;
  job.model_id = (char *) model_id;
  read_credentials (headers, record, &job.api_key, &job.bearer);

  record->route = g_strdup (route_names[listing]);
  record->model = g_strdup (model_id);
  queued = g_queue_pop_head (&self->scenarios);
  record->scenario = g_strdup (queued != NULL ? queued : "ok");

  if (listing != LISTING_OPENROUTER)
    reply = check_auth (&job);

  if (reply == NULL && queued != NULL)
    {
      const ChiaroMockScenario *scenario = chiaro_mock_scenario_lookup (queued);

      if (scenario->kind == CHIARO_MOCK_SCENARIO_HTTP_ERROR)
        reply = chiaro_mock_scenario_error_reply (scenario, job.route,
                                                  model_id != NULL ? model_id : "unknown");
    }

  if (reply == NULL)
    {
      switch (listing)
        {
        case LISTING_MODELS_GET:
          answer = chiaro_mock_model_resource (model_id);
          if (answer == NULL)
            {
              g_autoptr(JsonNode) error = chiaro_mock_model_not_found (model_id);

              reply = chiaro_mock_error_reply (job.route, error);
            }
          break;

        case LISTING_MODELS_LIST:
          answer = chiaro_mock_model_list ();
          break;

        case LISTING_OPENAI:
        case LISTING_OPENROUTER:
          answer = chiaro_mock_openai_model_list (listing == LISTING_OPENROUTER);
          break;

        case LISTING_NONE:
        default:
          g_assert_not_reached ();
        }
    }

  if (reply == NULL)
    reply = chiaro_mock_reply_new_json (200, answer,
                                        job.route == CHIARO_MOCK_ROUTE_GENERATE
                                        ? CHIARO_MOCK_JSON_PRETTY : CHIARO_MOCK_JSON_DENSE,
                                        job.route == CHIARO_MOCK_ROUTE_GENERATE
                                        ? NULL : "application/json");

  g_free (job.api_key);
  g_free (job.bearer);

  record->status = reply->status;
  respond_now (msg, reply);
  g_signal_emit (self, signals[REQUEST_ANSWERED], 0, record);
}

static void
on_request (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  ChiaroMockServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *decoded = g_uri_unescape_string (g_uri_get_path (uri), NULL);
  g_autofree char *model_id = NULL;
  ChiaroMockRequest *record;
  ChiaroMockRoute route;
  const char *accept_encoding;
  Exchange *exchange;
  GTask *task;
  Job *job;

  if (decoded == NULL)
    decoded = g_strdup (g_uri_get_path (uri));

  if (g_str_has_prefix (decoded, "/mock/"))
    {
      handle_control (self, msg, decoded, method, body);
      return;
    }

  record = chiaro_mock_request_new (method, uri, headers, body);
  g_ptr_array_add (self->requests, record);
  g_signal_emit (self, signals[REQUEST_RECEIVED], 0, record);

  if (g_str_equal (method, "GET"))
    {
      Listing listing = parse_listing (decoded, &model_id);

      if (listing != LISTING_NONE)
        {
          answer_listing (self, msg, record, listing, model_id);
          return;
        }
    }

  if (!parse_route (decoded, record->params, &route, &model_id))
    {
      g_autofree char *message = g_strdup_printf ("The requested URL %s was not found on this "
                                                  "server.", decoded);
      g_autoptr(JsonNode) error = chiaro_mock_google_error (404, "NOT_FOUND", message, NULL);
      g_autoptr(ChiaroMockReply) reply = chiaro_mock_error_reply (CHIARO_MOCK_ROUTE_GENERATE,
                                                                  error);

      record->status = 404;
      respond_now (msg, reply);
      g_signal_emit (self, signals[REQUEST_ANSWERED], 0, record);
      return;
    }

  record->route = g_strdup (route_name (route));
  record->model = g_strdup (model_id);

  if (!g_str_equal (method, "POST"))
    {
      g_autofree char *message = g_strdup_printf ("Method %s is not allowed on %s: use POST.",
                                                  method, decoded);
      g_autoptr(JsonNode) error = chiaro_mock_google_error (405, "UNIMPLEMENTED", message, NULL);
      g_autoptr(ChiaroMockReply) reply = chiaro_mock_error_reply (CHIARO_MOCK_ROUTE_GENERATE,
                                                                  error);

      chiaro_mock_reply_add_header (reply, "Allow", "POST");
      record->status = 405;
      respond_now (msg, reply);
      g_signal_emit (self, signals[REQUEST_ANSWERED], 0, record);
      return;
    }

  job = g_new0 (Job, 1);
  job->route = route;
  job->model_id = g_steal_pointer (&model_id);
  job->path_and_query = g_uri_get_query (uri) != NULL
                        ? g_strdup_printf ("%s?%s", g_uri_get_path (uri), g_uri_get_query (uri))
                        : g_strdup (g_uri_get_path (uri));
  job->elsewhere = g_strdup_printf ("http://localhost:%u", chiaro_mock_server_get_port (self));
  job->body = g_bytes_ref (body);
  read_credentials (headers, record, &job->api_key, &job->bearer);
  accept_encoding = soup_message_headers_get_list (headers, "Accept-Encoding");
  job->accepts_gzip = accept_encoding != NULL && soup_header_contains (accept_encoding, "gzip");
  job->queued = g_queue_pop_head (&self->scenarios);
  job->default_scenario = g_strdup (self->default_scenario);
  job->image_format = g_strdup (self->image_format);
  job->enforce_signatures = self->enforce_signatures;
  job->gzip = self->gzip;
  job->max_request_bytes = self->max_request_bytes;
  job->schema = g_object_ref (self->schema);
  job->images = g_object_ref (self->images);
  job->repeats = g_atomic_rc_box_acquire (self->repeats);
  job->answer_body = self->answer_body != NULL ? g_bytes_ref (self->answer_body) : NULL;

  exchange = g_new0 (Exchange, 1);
  exchange->server = self;
  exchange->msg = g_object_ref (msg);
  exchange->record = chiaro_mock_request_ref (record);
  exchange->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_message_finished),
                                            exchange);
  exchange->processing = TRUE;
  g_hash_table_add (self->exchanges, exchange);

  soup_server_message_pause (msg);

  /* No source object: the task must not keep the server alive; dispose orphans the
   * exchange instead, and the callback frees it. */
  task = g_task_new (NULL, NULL, on_processed, exchange);
  g_task_set_source_tag (task, on_request);
  g_task_set_name (task, "[chiaro-mock] answer");
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, process);
  g_object_unref (task);
}

static void
chiaro_mock_server_dispose (GObject *object)
{
  ChiaroMockServer *self = (ChiaroMockServer *) object;
  GHashTableIter iter;
  gpointer key;


  /* Exchanges stop listening first: disconnecting finishes their messages. */
  g_hash_table_iter_init (&iter, self->exchanges);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Exchange *exchange = key;

      g_clear_handle_id (&exchange->source_id, g_source_remove);
      g_clear_signal_handler (&exchange->finished_id, exchange->msg);
      if (exchange->processing)
        {
          /* Its worker's callback frees it. */
          exchange->server = NULL;
          g_hash_table_iter_steal (&iter);
        }
    }

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);

  g_hash_table_remove_all (self->exchanges);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (chiaro_mock_server_parent_class)->dispose (object);
}

static void
chiaro_mock_server_finalize (GObject *object)
{
  ChiaroMockServer *self = (ChiaroMockServer *) object;

  g_clear_pointer (&self->exchanges, g_hash_table_unref);
  g_clear_object (&self->schema);
  g_clear_object (&self->images);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  g_queue_clear_full (&self->scenarios, g_free);
  g_clear_pointer (&self->default_scenario, g_free);
  g_clear_pointer (&self->image_format, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->repeats, repeats_unref);
  g_clear_pointer (&self->answer_body, g_bytes_unref);

  G_OBJECT_CLASS (chiaro_mock_server_parent_class)->finalize (object);
}

static void
chiaro_mock_server_class_init (ChiaroMockServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chiaro_mock_server_dispose;
  object_class->finalize = chiaro_mock_server_finalize;

  /**
   * ChiaroMockServer::request-received:
   * @self: the server
   * @request: the record, still without an answer
   *
   * A request arrived (control requests under /mock/ are not recorded).
   */
  signals[REQUEST_RECEIVED] =
    g_signal_new ("request-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  CHIARO_TYPE_MOCK_REQUEST | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ChiaroMockServer::request-answered:
   * @self: the server
   * @request: the record, with its status, scenario and parsed body
   *
   * The answer is about to go out (for "stall": the silence begins; for "slow": the first
   * piece is sent).
   */
  signals[REQUEST_ANSWERED] =
    g_signal_new ("request-answered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  CHIARO_TYPE_MOCK_REQUEST | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
chiaro_mock_server_init (ChiaroMockServer *self)
{
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_mock_request_unref);
  g_queue_init (&self->scenarios);
  self->exchanges = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) exchange_free, NULL);
  self->default_scenario = g_strdup ("ok");
  self->image_format = g_strdup ("auto");
  self->max_request_bytes = CHIARO_MOCK_DEFAULT_MAX_REQUEST_BYTES;
  self->gzip = TRUE;
  self->images = chiaro_mock_images_new ();
  self->repeats = repeats_new ();
}

/**
 * chiaro_mock_server_new:
 * @discovery_path: (nullable): Google's discovery document; %NULL for the one beside the
 *   fixtures (`shared/api/generativelanguage-v1beta-discovery.json`)
 * @error: return location for a #GError
 *
 * Creates a server; chiaro_mock_server_listen() starts it.
 *
 * Returns: (transfer full) (nullable): the server, or %NULL with @error set
 */
ChiaroMockServer *
chiaro_mock_server_new (const char  *discovery_path,
                        GError     **error)
{
  g_autoptr(ChiaroMockServer) self = g_object_new (CHIARO_TYPE_MOCK_SERVER, NULL);

  if (discovery_path == NULL)
    discovery_path = g_getenv ("CHIARO_DISCOVERY_PATH");
  if (discovery_path == NULL)
    discovery_path = CHIARO_MOCK_DISCOVERY_PATH;

  self->schema = chiaro_mock_schema_new_from_file (discovery_path, error);
  if (self->schema == NULL)
    return NULL;

  self->soup = soup_server_new ("server-header", NULL, NULL);
  soup_server_add_handler (self->soup, NULL, on_request, self, NULL);

  return g_steal_pointer (&self);
}

/**
 * chiaro_mock_server_listen:
 * @self: a #ChiaroMockServer
 * @port: the port, or 0 for any free one
 * @error: return location for a #GError
 *
 * Listens on 127.0.0.1 only, on the thread-default main context.
 *
 * Returns: %TRUE on success
 */
gboolean
chiaro_mock_server_listen (ChiaroMockServer  *self,
                           guint              port,
                           GError           **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSList *uris;

  g_return_val_if_fail (CHIARO_IS_MOCK_SERVER (self), FALSE);
  g_return_val_if_fail (self->url == NULL, FALSE);

  if (!soup_server_listen (self->soup, address, 0, error))
    return FALSE;

  uris = soup_server_get_uris (self->soup);
  g_assert (uris != NULL);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
}

/**
 * chiaro_mock_server_get_url:
 * @self: a #ChiaroMockServer
 *
 * Returns: (nullable): "http://127.0.0.1:PORT", without a trailing slash; %NULL before
 *   chiaro_mock_server_listen()
 */
const char *
chiaro_mock_server_get_url (ChiaroMockServer *self)
{
  g_return_val_if_fail (CHIARO_IS_MOCK_SERVER (self), NULL);

  return self->url;
}

guint
chiaro_mock_server_get_port (ChiaroMockServer *self)
{
  g_return_val_if_fail (CHIARO_IS_MOCK_SERVER (self), 0);

  return self->url != NULL ? (guint) g_ascii_strtoull (strrchr (self->url, ':') + 1, NULL, 10) : 0;
}

/**
 * chiaro_mock_server_is_scenario:
 * @name: a scenario name, possibly with a repeat count ("503x2")
 *
 * Returns: whether the mock knows @name
 */
gboolean
chiaro_mock_server_is_scenario (const char *name)
{
  g_autofree char *base = NULL;
  guint count;

  return chiaro_mock_scenario_parse (name, &base, &count);
}

/**
 * chiaro_mock_server_dup_scenario_names:
 *
 * Returns: (transfer full): every scenario name
 */
char **
chiaro_mock_server_dup_scenario_names (void)
{
  guint n;
  const ChiaroMockScenario *all = chiaro_mock_scenario_get_all (&n);
  char **names = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    names[i] = g_strdup (all[i].name);

  return names;
}

/**
 * chiaro_mock_server_push_scenario:
 * @self: a #ChiaroMockServer
 * @name: a scenario; "NAMExN" queues NAME N times
 *
 * Queues a scenario for the next model request (generateContent, streamGenerateContent,
 * chat/completions, or a model listing, where only HTTP-error scenarios change the answer;
 * control requests and unknown paths take none). Queued scenarios come
 * before a prompt's `[mock:NAME]`, which comes before the default. A request that the key
 * check refuses still takes its scenario.
 */
void
chiaro_mock_server_push_scenario (ChiaroMockServer *self,
                                  const char       *name)
{
  g_autofree char *base = NULL;
  guint count = 0;

  g_return_if_fail (CHIARO_IS_MOCK_SERVER (self));
  g_return_if_fail (chiaro_mock_scenario_parse (name, &base, &count));

  for (guint i = 0; i < count; i++)
    g_queue_push_tail (&self->scenarios, g_strdup (base));
}

guint
chiaro_mock_server_get_n_queued (ChiaroMockServer *self)
{
  g_return_val_if_fail (CHIARO_IS_MOCK_SERVER (self), 0);

  return g_queue_get_length (&self->scenarios);
}

/**
 * chiaro_mock_server_set_default_scenario:
 * @self: a #ChiaroMockServer
 * @name: a scenario; "NAMExN" answers NAME to the first N requests, then "ok"
 *
 * The scenario of requests that neither the queue nor a keyword decides. Starts as "ok".
 */
void
chiaro_mock_server_set_default_scenario (ChiaroMockServer *self,
                                         const char       *name)
{
  g_return_if_fail (CHIARO_IS_MOCK_SERVER (self));
  g_return_if_fail (chiaro_mock_server_is_scenario (name));

  g_free (self->default_scenario);
  self->default_scenario = g_strdup (name);

  g_mutex_lock (&self->repeats->lock);
  g_hash_table_remove (self->repeats->counts, name);
  g_mutex_unlock (&self->repeats->lock);
}

const char *
chiaro_mock_server_get_default_scenario (ChiaroMockServer *self)
{
  g_return_val_if_fail (CHIARO_IS_MOCK_SERVER (self), NULL);

  return self->default_scenario;
}

/* Milliseconds between a request's answer being ready and its sending. */
void
chiaro_mock_server_set_delay_ms (ChiaroMockServer *self,
                                 guint             delay_ms)
{
  g_return_if_fail (CHIARO_IS_MOCK_SERVER (self));

  self->delay_ms = delay_ms;
}

/**
 * chiaro_mock_server_set_image_format:
 * @self: a #ChiaroMockServer
 * @format: "auto" (PNG for Gemini 2.5 and other ids, JPEG for gemini-3*), "png", "jpeg"
 *   or "webp"
 */
void
chiaro_mock_server_set_image_format (ChiaroMockServer *self,
                                     const char       *format)
{
  g_return_if_fail (CHIARO_IS_MOCK_SERVER (self));
  g_return_if_fail (g_strcmp0 (format, "auto") == 0 ||
                    chiaro_mock_images_format_is_writable (format));

  g_free (self->image_format);
  self->image_format = g_strdup (format);
}

/* With @enforce, Gemini 3 requests whose model turns lack valid thought signatures are
 * refused as the Gemini API does (400); off by default, as Vertex does not check. */
void
chiaro_mock_server_set_enforce_signatures (ChiaroMockServer *self,
                                           gboolean          enforce)
{
  g_return_if_fail (CHIARO_IS_MOCK_SERVER (self));

  self->enforce_signatures = !!enforce;
}

/* The largest body accepted, base64 included; CHIARO_MOCK_DEFAULT_MAX_REQUEST_BYTES
 * (20 MiB, the Gemini API's historical inline limit) to begin with. */
void
chiaro_mock_server_set_max_request_bytes (ChiaroMockServer *self,
                                          gsize             max_bytes)
{
  g_return_if_fail (CHIARO_IS_MOCK_SERVER (self));

  self->max_request_bytes = max_bytes;
}

/**
 * chiaro_mock_server_set_answer_body:
 * @self: the server
 * @body: (nullable): a whole generateContent answer, or %NULL for the usual ones
 *
 * Makes every "ok" answer to generateContent (after the request is checked) this body as it
 * is: for benchmarks that need a fixed, realistic answer, such as a 4K image.
 */
void
chiaro_mock_server_set_answer_body (ChiaroMockServer *self,
                                    GBytes           *body)
{
  g_return_if_fail (CHIARO_IS_MOCK_SERVER (self));

  g_clear_pointer (&self->answer_body, g_bytes_unref);
  if (body != NULL)
    self->answer_body = g_bytes_ref (body);
}

/* Whether unary answers are gzipped for clients that accept it, as Google's are. On by
 * default. */
void
chiaro_mock_server_set_gzip (ChiaroMockServer *self,
                             gboolean          gzip)
{
  g_return_if_fail (CHIARO_IS_MOCK_SERVER (self));

  self->gzip = !!gzip;
}

guint
chiaro_mock_server_get_n_requests (ChiaroMockServer *self)
{
  g_return_val_if_fail (CHIARO_IS_MOCK_SERVER (self), 0);

  return self->requests->len;
}

/**
 * chiaro_mock_server_get_request:
 * @self: a #ChiaroMockServer
 * @index: which one, in order of arrival
 *
 * Returns: (transfer none): the record
 */
ChiaroMockRequest *
chiaro_mock_server_get_request (ChiaroMockServer *self,
                                guint             index)
{
  g_return_val_if_fail (CHIARO_IS_MOCK_SERVER (self), NULL);
  g_return_val_if_fail (index < self->requests->len, NULL);

  return g_ptr_array_index (self->requests, index);
}

/**
 * chiaro_mock_server_get_last_request:
 * @self: a #ChiaroMockServer
 *
 * Returns: (transfer none) (nullable): the newest record
 */
ChiaroMockRequest *
chiaro_mock_server_get_last_request (ChiaroMockServer *self)
{
  g_return_val_if_fail (CHIARO_IS_MOCK_SERVER (self), NULL);

  return self->requests->len > 0 ? g_ptr_array_index (self->requests, self->requests->len - 1)
                                 : NULL;
}

void
chiaro_mock_server_clear_requests (ChiaroMockServer *self)
{
  g_return_if_fail (CHIARO_IS_MOCK_SERVER (self));

  g_ptr_array_set_size (self->requests, 0);
}

/**
 * chiaro_mock_server_dup_requests_json:
 * @self: a #ChiaroMockServer
 *
 * Returns: (transfer full): the records as a JSON array (see chiaro_mock_request_to_json())
 */
JsonNode *
chiaro_mock_server_dup_requests_json (ChiaroMockServer *self)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  g_return_val_if_fail (CHIARO_IS_MOCK_SERVER (self), NULL);

  for (guint i = 0; i < self->requests->len; i++)
    json_array_add_element (array,
                            chiaro_mock_request_to_json (g_ptr_array_index (self->requests, i)));

  json_node_take_array (node, array);
  return node;
}
