/* chiaro-gemini-wire.c — Gemini generateContent requests and answers as JSON
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Answers: a unary body, a JSON-array stream or an SSE stream all go through one merger
 * (ChiaroGeminiStream), so every form gives the same result for the same parts. The model turn
 * is kept as received (every part, in order, with its thoughtSignature) for the next request;
 * images are sniffed by their bytes and checked for truncation, and the last non-thought image
 * is the final one. Anything that is not an image ends as a CHIARO_API_ERROR with a message a
 * designer can act on; the server's own words go in the error's detail.
 *
 * Decisions worth knowing:
 * - Text: consecutive text parts are streamed deltas and are concatenated as they are; text
 *   separated by an image (or a thought) starts a new paragraph. Thought summaries are joined
 *   the same way, and a thought part starting with a "**Heading**" starts a new paragraph. Both
 *   are trimmed; NULL when empty.
 * - An empty text part with no signature and nothing else (Vertex ends streams with one) is
 *   dropped: it carries nothing, and servers refuse empty text parts in requests.
 * - An image part whose bytes are empty, not an image format or cut short is left out of the
 *   result's images (it stays in the content, which must go back as received). When no
 *   readable image remains, the answer fails with CHIARO_API_ERROR_BAD_RESPONSE — unless the
 *   finish reason explains the failure better. A mime label that does not match the bytes is
 *   not an error: the label stays in part->mime_type for replay, part->sniffed_mime_type says
 *   what to save.
 * - An image with any finish reason is a success; the reason is kept in the result.
 * - An error envelope inside a 200 body or a stream is mapped like an HTTP error, with the
 *   envelope's code as the HTTP status.
 * - Options the server refuses that the user can change (aspect ratio, resolution, system
 *   instruction, grounding, thinking, an output the model cannot make) are
 *   CHIARO_API_ERROR_UNSUPPORTED_OPTION, as when Chiaro refuses them before sending; requests
 *   the server cannot parse are CHIARO_API_ERROR_INVALID_REQUEST.
 */

#define G_LOG_DOMAIN "chiaro-gemini-wire"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-content-private.h"
#include "chiaro-sse-parser.h"
#include "chiaro-wire-util.h"

#include "chiaro-gemini-wire.h"

/* How much of a stream body the SSE parser is fed at a time. */
#define STREAM_SLICE_SIZE (1024 * 1024)

struct _ChiaroGeminiStream
{
  ChiaroContent *content;
  GPtrArray     *grounding_sources;  /* (element-type ChiaroGroundingSource) */
  GStrv          search_queries;     /* (nullable) */
  char          *block_reason;       /* (nullable) */
  char          *block_message;      /* (nullable) */
  char          *finish_reason;      /* (nullable) */
  char          *finish_message;     /* (nullable) */
  char          *model_version;      /* (nullable) */
  char          *response_id;        /* (nullable) */
  ChiaroUsage    usage;
  guint          n_events;
  gboolean       saw_response;       /* a member only a GenerateContentResponse has */
};

/* What an error envelope (google.rpc.Status) says. Strings are borrowed. */
typedef struct
{
  gint64      code;
  const char *message;
  const char *status;
  const char *info_reason;
  gboolean    per_day_quota;
} StatusInfo;

static const struct
{
  const char *reason;
  const char *label;
} block_reasons[] = {
  /* Translators: these name why a prompt was blocked; they fill the parentheses of "The
   * prompt was blocked (safety)." */
  { "SAFETY", N_("safety") },
  { "PROHIBITED_CONTENT", N_("prohibited content") },
  { "BLOCKLIST", N_("blocked terms") },
  { "IMAGE_SAFETY", N_("image safety") },
  { "OTHER", N_("other reasons") },
  { "BLOCK_REASON_UNSPECIFIED", N_("unspecified reasons") },
  { "MODEL_ARMOR", N_("Model Armor") },
  { "JAILBREAK", N_("suspected jailbreak") },
};

/* google.rpc.Code names and the HTTP status Google pairs with each. */
static const struct
{
  const char *status;
  guint       http;
} rpc_codes[] = {
  { "CANCELLED", 499 },
  { "UNKNOWN", 500 },
  { "INVALID_ARGUMENT", 400 },
  { "DEADLINE_EXCEEDED", 504 },
  { "NOT_FOUND", 404 },
  { "ALREADY_EXISTS", 409 },
  { "PERMISSION_DENIED", 403 },
  { "UNAUTHENTICATED", 401 },
  { "RESOURCE_EXHAUSTED", 429 },
  { "FAILED_PRECONDITION", 400 },
  { "ABORTED", 409 },
  { "OUT_OF_RANGE", 400 },
  { "UNIMPLEMENTED", 501 },
  { "INTERNAL", 500 },
  { "UNAVAILABLE", 503 },
  { "DATA_LOSS", 500 },
};

/* Error envelopes */

static gboolean
type_is (JsonObject *detail,
         const char *name)
{
  const char *type = chiaro_wire_get_string (detail, "@type", NULL);

  return type != NULL && g_str_has_suffix (type, name);
}

static void
read_details (JsonArray  *details,
              StatusInfo *info)
{
  guint n = json_array_get_length (details);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (details, i);
      JsonObject *detail;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      detail = json_node_get_object (node);

      if (type_is (detail, "google.rpc.ErrorInfo") && info->info_reason == NULL)
        {
          info->info_reason = chiaro_wire_get_string (detail, "reason", NULL);
        }
      else if (type_is (detail, "google.rpc.QuotaFailure"))
        {
          JsonArray *violations = chiaro_wire_get_array (detail, "violations", NULL);
          guint n_violations = violations != NULL ? json_array_get_length (violations) : 0;

          for (guint j = 0; j < n_violations; j++)
            {
              JsonNode *violation = json_array_get_element (violations, j);
              const char *quota_id;

              if (!JSON_NODE_HOLDS_OBJECT (violation))
                continue;
              quota_id = chiaro_wire_get_string (json_node_get_object (violation),
                                                 "quotaId", "quota_id");
              if (quota_id != NULL && strstr (quota_id, "PerDay") != NULL)
                info->per_day_quota = TRUE;
            }
        }
      else if (type_is (detail, "google.rpc.LocalizedMessage") && info->message == NULL)
        {
          info->message = chiaro_wire_get_string (detail, "message", NULL);
        }
    }
}

/* Reads the `error` member of an envelope: a google.rpc.Status object, or a bare string. */
static void
read_status (JsonNode   *error_node,
             StatusInfo *info)
{
  JsonObject *object;
  JsonArray *details;

  memset (info, 0, sizeof *info);

  if (JSON_NODE_HOLDS_VALUE (error_node) &&
      json_node_get_value_type (error_node) == G_TYPE_STRING)
    {
      info->message = json_node_get_string (error_node);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (error_node))
    return;

  object = json_node_get_object (error_node);
  if (!chiaro_wire_get_int (object, "code", NULL, &info->code))
    info->code = 0;
  info->message = chiaro_wire_get_string (object, "message", NULL);
  info->status = chiaro_wire_get_string (object, "status", NULL);

  details = chiaro_wire_get_array (object, "details", NULL);
  if (details != NULL)
    read_details (details, info);
}

/* The `error` member of `{"error": …}` or `[{"error": …}]`, or NULL. */
static JsonNode *
find_error_member (JsonNode *root)
{
  if (root == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      if (json_array_get_length (array) == 0)
        return NULL;
      root = json_array_get_element (array, 0);
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_get_member (json_node_get_object (root), "error");
}

static gboolean
contains (const char *lower_text,
          const char *needle)
{
  return lower_text != NULL && strstr (lower_text, needle) != NULL;
}

static gboolean
contains_any (const char         *lower_text,
              const char * const *needles)
{
  for (guint i = 0; needles[i] != NULL; i++)
    if (contains (lower_text, needles[i]))
      return TRUE;
  return FALSE;
}

/* "models/gemini-x is not found…" → "gemini-x". */
static char *
find_model_name (const char *message)
{
  const char *start;
  const char *end;

  if (message == NULL || (start = strstr (message, "models/")) == NULL)
    return NULL;

  start += strlen ("models/");
  for (end = start; *end != '\0' && !g_ascii_isspace (*end) && *end != '\'' && *end != '"' &&
                    *end != ',' && *end != ':'; end++)
    ;
  if (end == start)
    return NULL;
  return g_strndup (start, end - start);
}

static guint
effective_status (guint             http_status,
                  const StatusInfo *info)
{
  if (http_status >= 400)
    return http_status;
  if (info->code >= 400 && info->code <= 599)
    return (guint) info->code;
  if (info->status != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (rpc_codes); i++)
      if (g_str_equal (rpc_codes[i].status, info->status))
        return rpc_codes[i].http;
  return 500;
}

/* Picks the code and message for an error envelope; the detail is the server's message. */
static void
set_status_error (GError           **error,
                  guint              http_status,
                  const StatusInfo  *info)
{
  static const char * const bad_payload[] = {
    "unknown name", "invalid json payload", "cannot find field", NULL
  };
  static const char * const signature[] = {
    "thought signature", "thought_signature", "thoughtsignature", NULL
  };
  static const char * const ratio[] = { "aspect_ratio", "aspect ratio", "aspectratio", NULL };
  static const char * const size[] = { "image_size", "image size", "imagesize", NULL };
  static const char * const system[] = {
    "developer instruction", "system_instruction", "system instruction", "systeminstruction",
    NULL
  };
  static const char * const search[] = {
    "google_search", "googlesearch", "search as tool", "search grounding", "search_types",
    "searchtypes", NULL
  };
  static const char * const thinking[] = {
    "thinking_level", "thinkinglevel", "thinking level", "thinking_config", "thinkingconfig",
    "thinking_budget", "thinkingbudget", NULL
  };
  static const char * const modalities[] = {
    "response modalities", "response_modalities", "responsemodalities", NULL
  };
  static const char * const not_enabled[] = {
    "not enabled for this model", "is not enabled for models/", "not supported for this model",
    NULL
  };
  static const char * const bad_image[] = {
    "unable to process input image", "mime type", "provided image is not valid", NULL
  };
  g_autofree char *lower = info->message != NULL ? g_ascii_strdown (info->message, -1) : NULL;
  g_autofree char *message = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *server_message = NULL;
  const char *reason = info->info_reason != NULL ? info->info_reason : info->status;
  const char *status_name = info->status != NULL ? info->status : "";
  guint status = effective_status (http_status, info);
  ChiaroApiError code;

  if (info->message != NULL && g_utf8_strlen (info->message, -1) > CHIARO_WIRE_DETAIL_MAX)
    server_message = g_utf8_substring (info->message, 0, CHIARO_WIRE_DETAIL_MAX);
  else
    server_message = g_strdup (info->message != NULL ? info->message : "");

  if (info->status != NULL)
    detail = g_strdup_printf ("HTTP %u %s: %s", status, info->status, server_message);
  else
    detail = g_strdup_printf ("HTTP %u: %s", status, server_message);

  if (g_strcmp0 (info->info_reason, "API_KEY_INVALID") == 0 ||
      g_strcmp0 (info->info_reason, "API_KEY_EXPIRED") == 0 ||
      contains (lower, "api key not valid") || contains (lower, "api key expired"))
    {
      code = CHIARO_API_ERROR_UNAUTHORIZED;
      if (g_strcmp0 (info->info_reason, "API_KEY_EXPIRED") == 0 || contains (lower, "expired"))
        message = g_strdup (_("The API key has expired. Create a new key and enter it in "
                              "Preferences."));
      else
        message = g_strdup (_("The API key is not valid. Check the key in Preferences."));
    }
  else if (status == 400 && g_str_equal (status_name, "FAILED_PRECONDITION"))
    {
      code = CHIARO_API_ERROR_LOCATION_UNSUPPORTED;
      message = g_strdup (_("The Gemini API is not available to this account here: the "
                            "region is not supported or billing is not enabled."));
    }
  else if (status == 400 && contains (lower, "location is not supported"))
    {
      code = CHIARO_API_ERROR_LOCATION_UNSUPPORTED;
      message = g_strdup (_("The Gemini API is not available to this account here: the "
                            "region is not supported or billing is not enabled."));
    }
  else if (status == 400 && contains_any (lower, signature))
    {
      code = CHIARO_API_ERROR_MISSING_SIGNATURE;
      message = g_strdup (chiaro_wire_missing_signature_message ());
    }
  else if (status == 400 && contains_any (lower, bad_payload))
    {
      code = CHIARO_API_ERROR_INVALID_REQUEST;
      message = g_strdup (_("The server did not understand the request Chiaro sent. Chiaro "
                            "may need an update."));
    }
  else if (status == 400 && contains (lower, "multiple candidates"))
    {
      code = CHIARO_API_ERROR_INVALID_REQUEST;
      message = g_strdup (_("The model makes only one image per request."));
    }
  else if (status == 400 && contains_any (lower, ratio))
    {
      code = CHIARO_API_ERROR_UNSUPPORTED_OPTION;
      message = g_strdup (_("The model does not accept this aspect ratio. Choose another "
                            "one."));
    }
  else if (status == 400 && contains_any (lower, size))
    {
      code = CHIARO_API_ERROR_UNSUPPORTED_OPTION;
      message = g_strdup (_("The model does not accept this resolution. Choose another one."));
    }
  else if (status == 400 && contains_any (lower, system))
    {
      code = CHIARO_API_ERROR_UNSUPPORTED_OPTION;
      message = g_strdup (_("The model does not take a system instruction. Remove it and try "
                            "again."));
    }
  else if (status == 400 && contains_any (lower, search))
    {
      code = CHIARO_API_ERROR_UNSUPPORTED_OPTION;
      message = g_strdup (_("The model cannot search the web. Turn off Google Search "
                            "grounding."));
    }
  else if (status == 400 && contains_any (lower, thinking))
    {
      code = CHIARO_API_ERROR_UNSUPPORTED_OPTION;
      message = g_strdup (_("The model does not accept this thinking setting."));
    }
  else if (status == 400 && contains_any (lower, modalities))
    {
      code = CHIARO_API_ERROR_UNSUPPORTED_OPTION;
      message = g_strdup (_("This model cannot make images. Choose an image model."));
    }
  else if (status == 400 && contains_any (lower, not_enabled))
    {
      code = CHIARO_API_ERROR_UNSUPPORTED_OPTION;
      message = g_strdup (_("The model does not accept one of the chosen options. Check the "
                            "generation settings."));
    }
  else if (status == 400 && contains_any (lower, bad_image))
    {
      code = CHIARO_API_ERROR_INVALID_REQUEST;
      message = g_strdup (_("The server could not read one of the images sent. Try another "
                            "file."));
    }
  else if (status == 403 && (g_strcmp0 (info->info_reason, "CONSUMER_SUSPENDED") == 0 ||
                             contains (lower, "suspended")))
    {
      code = CHIARO_API_ERROR_PERMISSION_DENIED;
      message = g_strdup (_("This API key has been suspended. Create a new key in Google AI "
                            "Studio."));
    }
  else if (status == 403 && contains (lower, "leaked"))
    {
      code = CHIARO_API_ERROR_PERMISSION_DENIED;
      message = g_strdup (_("This API key was reported as leaked and has been blocked. Create "
                            "a new key."));
    }
  else if (status == 403 && (contains (lower, "unregistered callers") ||
                             contains (lower, "missing api key") ||
                             contains (lower, "api key was not provided")))
    {
      code = CHIARO_API_ERROR_UNAUTHORIZED;
      message = g_strdup (_("No API key was sent. Enter your key in Preferences."));
    }
  else if (status == 403 && (g_strcmp0 (info->info_reason, "SERVICE_DISABLED") == 0 ||
                             contains (lower, "has not been used in project")))
    {
      code = CHIARO_API_ERROR_PERMISSION_DENIED;
      message = g_strdup (_("The Gemini API is not enabled for the project of this API key."));
    }
  else if (status == 404)
    {
      g_autofree char *model = find_model_name (info->message);

      code = CHIARO_API_ERROR_MODEL_NOT_FOUND;
      if (model != NULL)
        /* Translators: %s is a model id such as gemini-3-pro-image-preview. */
        message = g_strdup_printf (_("The model %s is not available. Check its name or choose "
                                     "another model."), model);
      else
        message = g_strdup (_("The model is not available. Check its name or choose another "
                              "model."));
    }
  else if (status == 429 && info->per_day_quota)
    {
      code = CHIARO_API_ERROR_QUOTA_EXHAUSTED;
      message = g_strdup (_("The daily quota for this model is used up. Try again tomorrow, or "
                            "use a key with a higher quota."));
    }
  else if (status == 499)
    {
      code = CHIARO_API_ERROR_CANCELLED;
      message = g_strdup (_("The request was cancelled."));
    }
  else
    {
      chiaro_wire_set_status_error (error, status, detail, reason);
      return;
    }

  chiaro_api_error_set (error, code, message, detail, (int) status, reason);
}

/* The form the JavaScript SDK prints and proxies pass on:
 * "[429 Too Many Requests] message… [{"@type": …}, …]". */
static gboolean
set_compact_error (GError     **error,
                   guint        http_status,
                   const char  *data,
                   gsize        size)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *message = NULL;
  StatusInfo info = { 0, };
  const char *start;
  const char *details;
  char *end = NULL;
  gint64 code;

  while (size > 0 && g_ascii_isspace (*data))
    {
      data++;
      size--;
    }
  if (size < 2 || data[0] != '[' || !g_ascii_isdigit (data[1]))
    return FALSE;

  /* Not JSON, so nothing has checked the encoding: it becomes the error's message. */
  text = g_utf8_make_valid (data, size);
  g_strchomp (text);

  code = g_ascii_strtoll (text + 1, &end, 10);
  if (end == NULL || (*end != ' ' && *end != ']') || (start = strchr (end, ']')) == NULL)
    return FALSE;
  start++;

  parser = json_parser_new ();
  details = g_strrstr (start, " [{");
  if (details != NULL && json_parser_load_from_data (parser, details + 1, -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      message = g_strndup (start, details - start);
      read_details (json_node_get_array (json_parser_get_root (parser)), &info);
    }
  else
    {
      message = g_strdup (start);
    }

  info.code = code;
  info.message = g_strstrip (message);
  set_status_error (error, http_status, &info);
  return TRUE;
}

/**
 * chiaro_gemini_set_http_error:
 * @error: (out) (optional): where to put the error
 * @status: the HTTP status, not 2xx
 * @content_type: (nullable): the answer's Content-Type
 * @body: (nullable): the answer's body
 *
 * Maps a failed answer to a %CHIARO_API_ERROR: the google.rpc.Status envelope (also inside a
 * JSON array, an SSE event or the compact one-line form) when there is one, else the status
 * alone, with an excerpt of the body as the detail.
 */
void
chiaro_gemini_set_http_error (GError     **error,
                              guint        status,
                              const char  *content_type,
                              GBytes      *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *excerpt = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GBytes) event = NULL;   /* @data may point into it until the end */
  const char *data = NULL;
  gsize size = 0;
  JsonNode *error_node = NULL;

  if (body != NULL)
    data = g_bytes_get_data (body, &size);

  if (data != NULL && size > 0)
    {
      /* An error written into an event stream, as a `data:` event. */
      if (size > 5 && memcmp (data, "data:", 5) == 0)
        {
          g_autoptr(ChiaroSseParser) sse = chiaro_sse_parser_new ();
          g_autoptr(GPtrArray) events = NULL;

          events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

          chiaro_sse_parser_feed (sse, (const guint8 *) data, size, events);
          chiaro_sse_parser_finish (sse, events);
          if (events->len > 0)
            {
              event = g_bytes_ref (g_ptr_array_index (events, 0));
              data = g_bytes_get_data (event, &size);
            }
        }

      if (json_parser_load_from_data (parser, data, size, NULL))
        error_node = find_error_member (json_parser_get_root (parser));

      if (error_node != NULL)
        {
          StatusInfo info;

          read_status (error_node, &info);
          set_status_error (error, status, &info);
          return;
        }

      if (set_compact_error (error, status, data, size))
        return;
    }

  excerpt = data != NULL ? chiaro_wire_excerpt (data, size) : g_strdup ("");
  if (content_type != NULL)
    detail = g_strdup_printf ("HTTP %u (%s): %s", status, content_type, excerpt);
  else
    detail = g_strdup_printf ("HTTP %u: %s", status, excerpt);
  chiaro_wire_set_status_error (error, status, detail, NULL);
}

/* Answers */

/**
 * chiaro_gemini_stream_new:
 *
 * Starts merging the events of one streamed answer.
 *
 * Returns: (transfer full): an empty merger; free with chiaro_gemini_stream_free()
 */
ChiaroGeminiStream *
chiaro_gemini_stream_new (void)
{
  ChiaroGeminiStream *stream = g_new0 (ChiaroGeminiStream, 1);

  stream->content = chiaro_content_new ("model");
  stream->grounding_sources =
    g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_grounding_source_free);
  return stream;
}

/**
 * chiaro_gemini_stream_free:
 * @stream: (nullable): a merger
 */
void
chiaro_gemini_stream_free (ChiaroGeminiStream *stream)
{
  if (stream == NULL)
    return;

  g_clear_pointer (&stream->content, chiaro_content_unref);
  g_clear_pointer (&stream->grounding_sources, g_ptr_array_unref);
  g_clear_pointer (&stream->search_queries, g_strfreev);
  g_free (stream->block_reason);
  g_free (stream->block_message);
  g_free (stream->finish_reason);
  g_free (stream->finish_message);
  g_free (stream->model_version);
  g_free (stream->response_id);
  g_free (stream);
}

static void
replace_string (char       **field,
                const char  *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static void
read_usage (ChiaroGeminiStream *stream,
            JsonObject         *object)
{
  ChiaroUsage usage = { 0, };
  JsonArray *details;
  gboolean known = FALSE;

  known |= chiaro_wire_get_int (object, "promptTokenCount", "prompt_token_count",
                                &usage.prompt_tokens);
  known |= chiaro_wire_get_int (object, "candidatesTokenCount", "candidates_token_count",
                                &usage.candidates_tokens);
  known |= chiaro_wire_get_int (object, "thoughtsTokenCount", "thoughts_token_count",
                                &usage.thoughts_tokens);
  known |= chiaro_wire_get_int (object, "totalTokenCount", "total_token_count",
                                &usage.total_tokens);
  known |= chiaro_wire_get_int (object, "cachedContentTokenCount", "cached_content_token_count",
                                &usage.cached_tokens);

  details = chiaro_wire_get_array (object, "candidatesTokensDetails", "candidates_tokens_details");
  if (details != NULL)
    {
      guint n = json_array_get_length (details);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *node = json_array_get_element (details, i);
          JsonObject *detail;
          gint64 tokens;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          detail = json_node_get_object (node);
          if (g_strcmp0 (chiaro_wire_get_string (detail, "modality", NULL), "IMAGE") == 0 &&
              chiaro_wire_get_int (detail, "tokenCount", "token_count", &tokens))
            {
              usage.image_tokens += tokens;
              known = TRUE;
            }
        }
    }

  /* Streams repeat the cumulative usage on every event; Vertex sends events whose usage has
   * no counts at all, which must not wipe out real ones. */
  if (known)
    {
      usage.known = TRUE;
      stream->usage = usage;
    }
}

static void
add_grounding_source (ChiaroGeminiStream *stream,
                      const char         *uri,
                      const char         *title)
{
  if (uri != NULL)
    g_ptr_array_add (stream->grounding_sources, chiaro_grounding_source_new (title, uri));
}

static void
add_queries (GStrvBuilder *builder,
             JsonArray    *queries)
{
  guint n = queries != NULL ? json_array_get_length (queries) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (queries, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
}

static void
read_grounding (ChiaroGeminiStream *stream,
                JsonObject         *object)
{
  g_autoptr(GStrvBuilder) queries = g_strv_builder_new ();
  JsonArray *chunks;
  GStrv strv;

  /* The metadata of a later event describes the whole answer. */
  g_ptr_array_set_size (stream->grounding_sources, 0);

  chunks = chiaro_wire_get_array (object, "groundingChunks", "grounding_chunks");
  for (guint i = 0; chunks != NULL && i < json_array_get_length (chunks); i++)
    {
      JsonNode *node = json_array_get_element (chunks, i);
      JsonObject *chunk;
      JsonObject *web;
      JsonObject *image;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      chunk = json_node_get_object (node);

      if ((web = chiaro_wire_get_object (chunk, "web", NULL)) != NULL)
        add_grounding_source (stream, chiaro_wire_get_string (web, "uri", NULL),
                              chiaro_wire_get_string (web, "title", NULL));
      else if ((image = chiaro_wire_get_object (chunk, "image", NULL)) != NULL)
        add_grounding_source (stream, chiaro_wire_get_string (image, "sourceUri", "source_uri"),
                              chiaro_wire_get_string (image, "title", NULL));
    }

  add_queries (queries, chiaro_wire_get_array (object, "webSearchQueries",
                                               "web_search_queries"));
  add_queries (queries, chiaro_wire_get_array (object, "imageSearchQueries",
                                               "image_search_queries"));
  strv = g_strv_builder_end (queries);
  g_clear_pointer (&stream->search_queries, g_strfreev);
  if (strv[0] != NULL)
    stream->search_queries = strv;
  else
    g_strfreev (strv);
}

/* An empty text part with nothing else on it: the last event of a Vertex stream. */
static gboolean
part_is_empty (ChiaroPart *part)
{
  return part->kind == CHIARO_PART_TEXT && part->text[0] == '\0' && !part->thought &&
         part->thought_signature == NULL && part->extra == NULL;
}

static gboolean
read_candidate (ChiaroGeminiStream  *stream,
                JsonObject          *candidate,
                GHashTable          *blobs,
                GPtrArray           *out_new_parts,
                GError             **error)
{
  JsonNode *content_node = json_object_get_member (candidate, "content");
  JsonObject *grounding;

  if (content_node != NULL && JSON_NODE_HOLDS_OBJECT (content_node))
    {
      g_autoptr(ChiaroContent) content = chiaro_content_new_from_json_with_blobs (content_node,
                                                                                 blobs, error);

      if (content == NULL)
        return FALSE;

      for (guint i = 0; i < content->parts->len; i++)
        {
          ChiaroPart *part = g_ptr_array_index (content->parts, i);

          if (part_is_empty (part))
            continue;
          chiaro_content_add_part (stream->content, part);
          if (out_new_parts != NULL)
            g_ptr_array_add (out_new_parts, chiaro_part_ref (part));
        }
    }

  replace_string (&stream->finish_reason,
                  chiaro_wire_get_string (candidate, "finishReason", "finish_reason"));
  replace_string (&stream->finish_message,
                  chiaro_wire_get_string (candidate, "finishMessage", "finish_message"));

  grounding = chiaro_wire_get_object (candidate, "groundingMetadata", "grounding_metadata");
  if (grounding != NULL)
    read_grounding (stream, grounding);

  return TRUE;
}

static gboolean
add_object (ChiaroGeminiStream  *stream,
            JsonObject          *object,
            GHashTable          *blobs,
            GPtrArray           *out_new_parts,
            GError             **error)
{
  static const char * const response_members[] = {
    "candidates", "promptFeedback", "prompt_feedback", "usageMetadata", "usage_metadata",
    "modelVersion", "model_version", "responseId", "response_id",
  };
  JsonNode *error_node = json_object_get_member (object, "error");
  JsonObject *feedback;
  JsonObject *usage;
  JsonArray *candidates;

  stream->n_events++;

  if (error_node != NULL)
    {
      StatusInfo info;

      read_status (error_node, &info);
      set_status_error (error, 0, &info);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (response_members); i++)
    if (json_object_has_member (object, response_members[i]))
      stream->saw_response = TRUE;

  feedback = chiaro_wire_get_object (object, "promptFeedback", "prompt_feedback");
  if (feedback != NULL)
    {
      replace_string (&stream->block_reason,
                      chiaro_wire_get_string (feedback, "blockReason", "block_reason"));
      replace_string (&stream->block_message,
                      chiaro_wire_get_string (feedback, "blockReasonMessage",
                                              "block_reason_message"));
    }

  candidates = chiaro_wire_get_array (object, "candidates", NULL);
  if (candidates != NULL && json_array_get_length (candidates) > 0)
    {
      JsonNode *first = json_array_get_element (candidates, 0);

      if (JSON_NODE_HOLDS_OBJECT (first) &&
          !read_candidate (stream, json_node_get_object (first), blobs, out_new_parts, error))
        return FALSE;
    }

  usage = chiaro_wire_get_object (object, "usageMetadata", "usage_metadata");
  if (usage != NULL)
    read_usage (stream, usage);

  replace_string (&stream->model_version,
                  chiaro_wire_get_string (object, "modelVersion", "model_version"));
  replace_string (&stream->response_id,
                  chiaro_wire_get_string (object, "responseId", "response_id"));
  return TRUE;
}

static void
set_not_understood (GError     **error,
                    const char  *detail)
{
  chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                        _("The answer from the server was not understood. Try again."),
                        detail, 0, NULL);
}

/* A parsed answer: an object, or an array of them (a stream without alt=sse). */
static gboolean
add_node (ChiaroGeminiStream  *stream,
          JsonNode            *node,
          GBytes              *body,
          GHashTable          *blobs,
          GPtrArray           *out_new_parts,
          GError             **error)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        if (!add_node (stream, json_array_get_element (array, i), body, blobs, out_new_parts,
                       error))
          return FALSE;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *excerpt = chiaro_wire_excerpt_bytes (body);
      g_autofree char *detail = g_strdup_printf ("not a JSON object: %s", excerpt);

      set_not_understood (error, detail);
      return FALSE;
    }

  return add_object (stream, json_node_get_object (node), blobs, out_new_parts, error);
}

/* Images decoded straight from the body while parsing, by their marker in the tree. */
static GHashTable *
new_blobs (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) g_bytes_unref);
}

/**
 * chiaro_gemini_stream_add_event:
 * @stream: the merger
 * @payload: one event: a GenerateContentResponse, an array of them, or an error envelope
 * @out_new_parts: (nullable) (element-type ChiaroPart): the parts this event added are
 *   appended here (references), for showing text and thoughts as they arrive
 * @error: a payload that is not JSON, or an error envelope, fills this
 *
 * Returns: %FALSE when the stream has failed
 */
gboolean
chiaro_gemini_stream_add_event (ChiaroGeminiStream  *stream,
                                GBytes              *payload,
                                GPtrArray           *out_new_parts,
                                GError             **error)
{
  g_autoptr(GHashTable) blobs = new_blobs ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (stream != NULL, FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  root = chiaro_wire_parse_json_with_blobs (payload, blobs, error);
  if (root == NULL)
    return FALSE;

  return add_node (stream, root, payload, blobs, out_new_parts, error);
}

static void
set_blocked_error (GError             **error,
                   ChiaroGeminiStream  *stream)
{
  const char *label = stream->block_reason;
  g_autofree char *message = NULL;
  g_autofree char *detail = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (block_reasons); i++)
    if (g_str_equal (block_reasons[i].reason, stream->block_reason))
      label = _(block_reasons[i].label);

  /* Translators: %s names the reason, such as "safety". */
  message = g_strdup_printf (_("The prompt was blocked (%s). Rephrase it and try again."),
                             label);
  if (stream->block_message != NULL)
    detail = g_strdup_printf ("blockReason %s: %s", stream->block_reason,
                              stream->block_message);
  else
    detail = g_strdup_printf ("blockReason %s", stream->block_reason);

  chiaro_api_error_set (error, CHIARO_API_ERROR_PROMPT_BLOCKED, message, detail, 0,
                        stream->block_reason);
}

/**
 * chiaro_gemini_stream_finish:
 * @stream: the merger, after the last event
 * @error: an answer without a usable image fills this
 *
 * Returns: (transfer full) (nullable): the result, with at least one image
 */
ChiaroGenerationResult *
chiaro_gemini_stream_finish (ChiaroGeminiStream  *stream,
                             GError             **error)
{
  g_autoptr(ChiaroGenerationResult) result = NULL;
  GString *text = g_string_new (NULL);
  GString *thoughts = g_string_new (NULL);
  const char *unreadable = NULL;
  ChiaroPartKind previous_kind = CHIARO_PART_OTHER;
  gboolean previous_thought = FALSE;

  g_return_val_if_fail (stream != NULL, NULL);

  result = chiaro_generation_result_new ();

  for (guint i = 0; i < stream->content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (stream->content->parts, i);
      const char *problem;

      if (part->kind == CHIARO_PART_TEXT && part->thought)
        {
          const char *piece = part->text;
          gboolean new_paragraph;

          while (g_ascii_isspace (*piece))
            piece++;
          new_paragraph = previous_kind != CHIARO_PART_TEXT || !previous_thought ||
                          g_str_has_prefix (piece, "**");
          chiaro_wire_append_text (thoughts, part->text, new_paragraph);
        }
      else if (part->kind == CHIARO_PART_TEXT)
        {
          chiaro_wire_append_text (text, part->text,
                                   previous_kind != CHIARO_PART_TEXT || previous_thought);
        }
      else if (part->kind == CHIARO_PART_IMAGE &&
               (problem = chiaro_wire_check_image (part)) != NULL)
        {
          g_debug ("image part %u skipped: %s", i, problem);
          if (!part->thought && unreadable == NULL)
            unreadable = problem;
        }
      else if (part->kind == CHIARO_PART_IMAGE)
        {
          g_ptr_array_add (part->thought ? result->thought_images : result->images,
                           chiaro_part_ref (part));
        }

      previous_kind = part->kind;
      previous_thought = part->thought;
    }

  result->text = chiaro_wire_finish_text (text);
  result->thoughts = chiaro_wire_finish_text (thoughts);

  if (stream->block_reason != NULL)
    {
      set_blocked_error (error, stream);
      return NULL;
    }

  if (stream->n_events == 0)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                            _("The server sent an empty answer. Try again."),
                            "no events", 0, NULL);
      return NULL;
    }

  if (!stream->saw_response)
    {
      set_not_understood (error, "no candidates, promptFeedback or usageMetadata");
      return NULL;
    }

  if (result->images->len == 0)
    {
      if (stream->finish_reason != NULL && !g_str_equal (stream->finish_reason, "STOP"))
        chiaro_wire_set_finish_error (error, stream->finish_reason, stream->finish_reason,
                                      stream->finish_message);
      else
        chiaro_wire_set_no_image_error (error, result->text, result->thought_images->len,
                                        unreadable, stream->finish_reason);
      return NULL;
    }

  result->content = chiaro_content_ref (stream->content);
  result->finish_reason = g_strdup (stream->finish_reason);
  result->finish_message = g_strdup (stream->finish_message);
  result->usage = stream->usage;
  result->model_version = g_strdup (stream->model_version);
  result->response_id = g_strdup (stream->response_id);
  result->search_queries = g_strdupv (stream->search_queries);
  for (guint i = 0; i < stream->grounding_sources->len; i++)
    {
      ChiaroGroundingSource *source = g_ptr_array_index (stream->grounding_sources, i);

      g_ptr_array_add (result->grounding_sources, chiaro_grounding_source_copy (source));
    }

  return g_steal_pointer (&result);
}

/**
 * chiaro_gemini_parse_response:
 * @body: the body of an HTTP 200 answer to generateContent
 * @error: an answer without a usable image fills this
 *
 * Returns: (transfer full) (nullable): the result, with at least one image
 */
ChiaroGenerationResult *
chiaro_gemini_parse_response (GBytes  *body,
                              GError **error)
{
  g_autoptr(ChiaroGeminiStream) stream = NULL;
  g_autoptr(GHashTable) blobs = new_blobs ();
  g_autoptr(JsonNode) root = NULL;

  root = chiaro_wire_parse_json_with_blobs (body, blobs, error);
  if (root == NULL)
    return NULL;

  stream = chiaro_gemini_stream_new ();
  if (!add_node (stream, root, body, blobs, NULL, error))
    return NULL;
  return chiaro_gemini_stream_finish (stream, error);
}

static gboolean
add_sse_event (ChiaroGeminiStream  *stream,
               GBytes              *event,
               GError             **error)
{
  gsize size;
  const char *data = g_bytes_get_data (event, &size);

  /* OpenAI-style streams end with this; a proxy may add it to Gemini's. */
  if (size == 6 && memcmp (data, "[DONE]", 6) == 0)
    return TRUE;

  return chiaro_gemini_stream_add_event (stream, event, NULL, error);
}

/**
 * chiaro_gemini_parse_stream:
 * @body: the whole body of an HTTP 200 answer to streamGenerateContent: SSE events
 *   (`alt=sse`) or a JSON array
 * @error: an answer without a usable image fills this
 *
 * Merges the events into one result: the parts of every event in order, the last finish
 * reason, usage, model version and grounding.
 *
 * Returns: (transfer full) (nullable): the result, with at least one image
 */
ChiaroGenerationResult *
chiaro_gemini_parse_stream (GBytes  *body,
                            GError **error)
{
  g_autoptr(ChiaroGeminiStream) stream = NULL;
  g_autoptr(ChiaroSseParser) parser = NULL;
  g_autoptr(GPtrArray) events = NULL;
  const char *data;
  gsize size = 0;
  gsize i = 0;

  g_return_val_if_fail (body != NULL, NULL);

  data = g_bytes_get_data (body, &size);
  while (i < size && g_ascii_isspace (data[i]))
    i++;
  if (i == size || data[i] == '[' || data[i] == '{' || data[i] == '<')
    return chiaro_gemini_parse_response (body, error);

  parser = chiaro_sse_parser_new ();
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  stream = chiaro_gemini_stream_new ();

  /* Fed in slices so that each event's text and JSON are freed once merged, rather than all
   * events of a large answer being held at once. */
  for (gsize offset = 0; offset < size || events->len > 0;)
    {
      if (events->len == 0)
        {
          gsize n = MIN (STREAM_SLICE_SIZE, size - offset);

          chiaro_sse_parser_feed (parser, (const guint8 *) data + offset, n, events);
          offset += n;
          if (offset == size)
            chiaro_sse_parser_finish (parser, events);
          continue;
        }

      if (!add_sse_event (stream, g_ptr_array_index (events, 0), error))
        return NULL;
      g_ptr_array_remove_index (events, 0);
    }

  if (stream->n_events == 0)
    {
      g_autofree char *excerpt = chiaro_wire_excerpt (data, size);

      set_not_understood (error, excerpt);
      return NULL;
    }

  return chiaro_gemini_stream_finish (stream, error);
}

/* Requests */

/* Whether a model turn was made by another model than the one now asked. */
static gboolean
content_is_foreign (ChiaroContent           *content,
                    ChiaroGenerationRequest *request)
{
  const char * const *aliases;
  const char *made_by = content->model;

  if (made_by == NULL)
    return FALSE;
  if (g_str_has_prefix (made_by, "models/"))
    made_by += strlen ("models/");

  if (g_strcmp0 (made_by, request->model_id) == 0 ||
      g_str_equal (made_by, chiaro_model_info_get_id (request->model)))
    return FALSE;

  aliases = chiaro_model_info_get_aliases (request->model);
  return aliases == NULL || !g_strv_contains (aliases, made_by);
}

/* Gemini 3 validates the signatures of model turns: the first part after the thoughts and
 * every image after it must carry the one the model gave (interim images are thoughts and come
 * without one). A turn the model did not make (another
 * model's, or one without signatures, such as an imported image) gets the documented value
 * that skips validation on those parts; a foreign turn's own signatures are replaced, since
 * they cannot be valid for this model. @parts is the turn's `parts` array in the built body. */
static void
mark_unsigned_parts (ChiaroContent           *content,
                     ChiaroGenerationRequest *request,
                     JsonArray               *parts)
{
  gboolean foreign = content_is_foreign (content, request);
  gboolean seen_answer = FALSE;

  g_assert (json_array_get_length (parts) == content->parts->len);

  for (guint i = 0; i < content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (content->parts, i);
      const char *signature = part->thought_signature;
      gboolean required = !part->thought && (part->kind == CHIARO_PART_IMAGE || !seen_answer);
      gboolean replace;

      if (!part->thought)
        seen_answer = TRUE;

      if (foreign)
        replace = required || signature != NULL;
      else
        replace = required && (signature == NULL || *signature == '\0');

      if (replace)
        json_object_set_string_member (json_array_get_object_element (parts, i),
                                       "thoughtSignature", CHIARO_SKIP_THOUGHT_SIGNATURE);
    }
}

static void
add_generation_config (JsonBuilder             *builder,
                       ChiaroGenerationRequest *request)
{
  ChiaroGenerationOptions *options = request->options;
  ChiaroModelInfo *model = request->model;
  ChiaroThinkingSupport thinking = chiaro_model_info_get_thinking (model);
  gboolean send_level = thinking == CHIARO_THINKING_LEVELS && options->thinking_level != NULL;
  gboolean send_thoughts = thinking != CHIARO_THINKING_NONE && options->include_thoughts;

  json_builder_set_member_name (builder, "generationConfig");
  json_builder_begin_object (builder);

  /* An exact set: both, so that the model may say why when it makes no image. */
  json_builder_set_member_name (builder, "responseModalities");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "TEXT");
  json_builder_add_string_value (builder, "IMAGE");
  json_builder_end_array (builder);

  chiaro_wire_add_image_config (builder, "imageConfig",
                                "aspectRatio", chiaro_generation_options_get_aspect_ratio (options),
                                "imageSize", chiaro_generation_options_get_image_size (options, model));

  chiaro_wire_add_sampling (builder, options, "topP");

  if (send_thoughts || send_level)
    {
      json_builder_set_member_name (builder, "thinkingConfig");
      json_builder_begin_object (builder);
      if (send_thoughts)
        {
          json_builder_set_member_name (builder, "includeThoughts");
          json_builder_add_boolean_value (builder, TRUE);
        }
      if (send_level)
        {
          json_builder_set_member_name (builder, "thinkingLevel");
          json_builder_add_string_value (builder, options->thinking_level);
        }
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);
}

static void
add_tools (JsonBuilder             *builder,
           ChiaroGenerationRequest *request)
{
  ChiaroGroundingSupport grounding = chiaro_model_info_get_grounding (request->model);

  if (!request->options->grounding || grounding == CHIARO_GROUNDING_NONE)
    return;

  json_builder_set_member_name (builder, "tools");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "googleSearch");
  json_builder_begin_object (builder);
  if (request->options->image_search && grounding == CHIARO_GROUNDING_WEB_AND_IMAGE)
    {
      json_builder_set_member_name (builder, "searchTypes");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "webSearch");
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "imageSearch");
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
}

/* Gives each image part of a content in the tree the marker of its data. */
static void
mark_blobs (ChiaroContent   *content,
            JsonArray       *parts,
            ChiaroWireBlobs *blobs)
{
  for (guint i = 0; i < content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (content->parts, i);
      g_autofree char *marker = NULL;
      JsonObject *inline_data;

      if (part->kind != CHIARO_PART_IMAGE)
        continue;

      marker = chiaro_wire_blobs_add (blobs, part->data);
      inline_data = json_object_get_object_member (json_array_get_object_element (parts, i),
                                                   "inlineData");
      json_object_set_string_member (inline_data, "data", marker);
    }
}

/* The body's tree; with @blobs, image data is left as markers added to @blobs. */
static JsonNode *
build_tree (ChiaroGenerationRequest *request,
            gboolean                 elide_data,
            ChiaroWireBlobs         *blobs)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  ChiaroGenerationOptions *options = request->options;
  gboolean mark_signatures;
  JsonArray *contents;
  JsonNode *root;

  mark_signatures = chiaro_model_info_get_thinking (request->model) != CHIARO_THINKING_NONE;

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "contents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < request->contents->len; i++)
    chiaro_content_to_json (g_ptr_array_index (request->contents, i), builder,
                            elide_data || blobs != NULL);
  json_builder_end_array (builder);

  if (options->system_instruction != NULL && *options->system_instruction != '\0' &&
      chiaro_model_info_get_system_instruction (request->model))
    {
      json_builder_set_member_name (builder, "systemInstruction");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "parts");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, options->system_instruction);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  add_generation_config (builder, request);
  add_tools (builder, request);

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  contents = json_object_get_array_member (json_node_get_object (root), "contents");
  for (guint i = 0; i < request->contents->len; i++)
    {
      ChiaroContent *content = g_ptr_array_index (request->contents, i);
      JsonArray *parts = json_object_get_array_member (json_array_get_object_element (contents, i),
                                                       "parts");

      if (mark_signatures && g_str_equal (content->role, "model"))
        mark_unsigned_parts (content, request, parts);
      if (blobs != NULL)
        mark_blobs (content, parts, blobs);
    }

  return root;
}

static GBytes *
generate (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize size;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &size);
  return g_bytes_new_take (text, size);
}

/**
 * chiaro_gemini_build_body:
 * @request: the request
 * @elide_data: write "<N bytes>" instead of image data (dry runs, logs)
 *
 * The generateContent body: the contents (model turns exactly as received, with the skip
 * value where a Gemini 3 model needs a signature the turn lacks), the system instruction when
 * the model takes one, the generation config with only the options the model offers, and the
 * Google Search tool. Never `candidateCount`: image models refuse it; variants are separate
 * requests. Image data is encoded straight into the body, once.
 *
 * Returns: (transfer full): compact JSON
 */
GBytes *
chiaro_gemini_build_body (ChiaroGenerationRequest *request,
                          gboolean                 elide_data)
{
  g_autoptr(ChiaroWireBlobs) blobs = NULL;
  g_autoptr(JsonNode) root = NULL;
  GBytes *body;

  g_return_val_if_fail (request != NULL, NULL);

  if (!elide_data)
    {
      blobs = chiaro_wire_blobs_new ();
      root = build_tree (request, FALSE, blobs);
      body = chiaro_wire_blobs_generate (blobs, root);
      if (body != NULL)
        return body;
      g_clear_pointer (&root, json_node_unref);
    }

  root = build_tree (request, elide_data, NULL);
  return generate (root);
}
