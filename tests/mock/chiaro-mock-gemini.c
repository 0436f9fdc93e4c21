/* chiaro-mock-gemini.c — generateContent as an image model does it: checks and answers
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checks run in the order the real service appears to apply them: the proto JSON front
 * end (field names, types, enums, base64), then the request's structure ("* GenerateContent
 * Request.…" lines), then what the model accepts. Messages are the real ones where a capture
 * exists (REFERENCE §2.4, §2.9, §6, fixtures/gemini/errors) and in the same style otherwise.
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include <string.h>

#include "chiaro-mock-util.h"
#include "chiaro-mock-gemini.h"

#define UNABLE_TO_PROCESS_IMAGE \
  "Unable to process input image. Please retry or report in " \
  "https://developers.generativeai.google/guide/troubleshooting"
#define SIGNATURE_MAGIC "CHIAROSG"
#define SIGNATURE_RANDOM 40
#define SIGNATURE_CHECK 8

static const char * const accepted_mime_types[] = {
  "image/png", "image/jpeg", "image/webp", "image/heic", "image/heif", NULL
};

/* The members that fill Part's oneof "data". */
static const char * const data_members[] = {
  "text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode",
  "codeExecutionResult", "toolCall", "toolResponse", NULL
};

/* Documented values that switch signature validation off for a part (REFERENCE §4). */
static const char * const skip_signatures[] = {
  "context_engineering_is_the_way_to_go", "skip_thought_signature_validator", NULL
};

typedef enum
{
  CONTENT_PARTS,        /* {"parts": […], "role": "model"} */
  CONTENT_NO_PARTS,     /* {"role": "model"} */
  CONTENT_NULL_PARTS,   /* {"parts": null} */
  CONTENT_EMPTY,        /* {} */
  CONTENT_NONE,         /* no content member */
} ContentShape;

/* An answer before it is framed as one response or as stream events. */
typedef struct
{
  gboolean      blocked;          /* promptFeedback, no candidates */
  ContentShape  shape;
  GPtrArray    *parts;            /* (element-type JsonObject) */
  const char   *finish_reason;
  const char   *finish_message;
  JsonArray    *safety_ratings;   /* (nullable) (owned) */
  JsonObject   *citations;        /* (nullable) (owned) */
  guint         hidden_thoughts;  /* thinking tokens spent without thought parts shown */
  char         *response_id;
} Answer;

static void
answer_free (Answer *answer)
{
  g_ptr_array_unref (answer->parts);
  g_clear_pointer (&answer->safety_ratings, json_array_unref);
  g_clear_pointer (&answer->citations, json_object_unref);
  g_free (answer->response_id);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, answer_free)

void
chiaro_mock_plan_free (ChiaroMockPlan *plan)
{
  if (plan == NULL)
    return;

  g_free (plan->model_id);
  g_free (plan->aspect_ratio);
  g_free (plan->image_size);
  g_free (plan->prompt);
  g_free (plan);
}

guint
chiaro_mock_count_tokens (const char *text)
{
  gsize length = text != NULL ? g_utf8_strlen (text, -1) : 0;

  return length == 0 ? 0 : MAX (1, (guint) ((length + 3) / 4));
}

gboolean
chiaro_mock_mime_type_is_accepted (const char *mime_type)
{
  return mime_type != NULL && g_strv_contains (accepted_mime_types, mime_type);
}

const char *
chiaro_mock_resolve_format (const ChiaroMockModel *model,
                            const char            *image_format)
{
  if (image_format == NULL || g_str_equal (image_format, "auto"))
    return model->jpeg ? "jpeg" : "png";
  return image_format;
}

/* "[mock:NAME]" anywhere in @text: the scenario NAME, or NULL. */
char *
chiaro_mock_find_keyword (const char *text)
{
  const char *start;
  const char *end;

  if (text == NULL)
    return NULL;

  start = strstr (text, "[mock:");
  if (start == NULL)
    return NULL;
  start += strlen ("[mock:");
  end = strchr (start, ']');
  if (end == NULL || end == start)
    return NULL;

  return g_strndup (start, end - start);
}

static const char *
content_role (JsonObject *content)
{
  const char *role = chiaro_mock_json_string_member (content, "role");

  return role != NULL ? role : "";
}

static gboolean
part_is_thought (JsonObject *part)
{
  JsonNode *thought = chiaro_mock_json_member (part, "thought");

  return thought != NULL && JSON_NODE_HOLDS_VALUE (thought) &&
         json_node_get_value_type (thought) == G_TYPE_BOOLEAN && json_node_get_boolean (thought);
}

static JsonObject *
element_object (JsonArray *array,
                guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The last content, which the checks have made sure is the user's turn. */
static JsonObject *
last_user_content (JsonObject *request)
{
  JsonArray *contents = chiaro_mock_json_array_member (request, "contents");
  guint n = contents != NULL ? json_array_get_length (contents) : 0;

  for (guint i = n; i > 0; i--)
    {
      JsonObject *content = element_object (contents, i - 1);

      if (content != NULL && !g_str_equal (content_role (content), "model"))
        return content;
    }

  return NULL;
}

static char *
content_text (JsonObject *content)
{
  JsonArray *parts = chiaro_mock_json_array_member (content, "parts");
  GString *text = g_string_new (NULL);

  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    {
      JsonObject *part = element_object (parts, i);
      const char *piece = chiaro_mock_json_string_member (part, "text");

      if (piece == NULL || part_is_thought (part))
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, piece);
    }

  return g_string_free (text, FALSE);
}

/* The keyword of the prompt, the last user turn: older turns in the history keep theirs, so
 * only the newest one counts. Tolerant of bodies that do not pass the checks. */
char *
chiaro_mock_gemini_find_keyword (JsonNode *root)
{
  JsonObject *content;
  g_autofree char *text = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  content = last_user_content (json_node_get_object (root));
  if (content == NULL)
    return NULL;

  text = content_text (content);
  return chiaro_mock_find_keyword (text);
}

static JsonNode *
invalid_argument (const char *message)
{
  return chiaro_mock_google_error (400, "INVALID_ARGUMENT", message, NULL);
}

static JsonNode *
invalid_argument_printf (const char *format,
                         ...) G_GNUC_PRINTF (1, 2);

static JsonNode *
invalid_argument_printf (const char *format,
                         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  return invalid_argument (message);
}

/* The proto JSON front end's answer: every problem on its own line, each also a
 * BadRequest field violation. */
static JsonNode *
violations_error (GPtrArray *violations)
{
  g_autoptr(GString) message = g_string_new (NULL);
  JsonArray *details = json_array_new ();
  JsonObject *bad_request = json_object_new ();
  JsonArray *list = json_array_new ();

  for (guint i = 0; i < violations->len; i++)
    {
      ChiaroMockViolation *violation = g_ptr_array_index (violations, i);
      JsonObject *item = json_object_new ();

      if (i > 0)
        g_string_append_c (message, '\n');
      g_string_append (message, violation->description);

      if (violation->field != NULL)
        json_object_set_string_member (item, "field", violation->field);
      json_object_set_string_member (item, "description", violation->description);
      json_array_add_object_element (list, item);
    }

  json_object_set_string_member (bad_request, "@type", "type.googleapis.com/google.rpc.BadRequest");
  json_object_set_array_member (bad_request, "fieldViolations", list);
  json_array_add_object_element (details, bad_request);

  return chiaro_mock_google_error (400, "INVALID_ARGUMENT", message->str, details);
}

static gboolean
part_has_data (JsonObject *part)
{
  for (guint i = 0; data_members[i] != NULL; i++)
    {
      if (chiaro_mock_json_member (part, data_members[i]) != NULL)
        return TRUE;
    }

  return FALSE;
}

static gboolean
get_integer (JsonNode *node,
             gint64   *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *value = (gint64) json_node_get_double (node);
      return TRUE;
    case G_TYPE_STRING:
      *value = g_ascii_strtoll (json_node_get_string (node), NULL, 10);
      return TRUE;
    default:
      return FALSE;
    }
}

/* Checks one Blob: NULL when it is fine, otherwise the message. Reports the image's pixel
 * size when it could be read. */
static char *
check_blob (JsonObject            *blob,
            const ChiaroMockModel *model,
            const char            *path,
            int                   *width,
            int                   *height)
{
  const char *mime_type = chiaro_mock_json_string_member (blob, "mimeType");
  const char *data = chiaro_mock_json_string_member (blob, "data");
  g_autoptr(GBytes) bytes = NULL;
  const char *sniffed;
  gboolean image;

  *width = *height = 0;

  if (mime_type == NULL || *mime_type == '\0')
    return g_strdup_printf ("* GenerateContentRequest.%s.mime_type: mime_type is not specified\n",
                            path);

  image = g_str_has_prefix (mime_type, "image/");
  if (chiaro_mock_model_is_known (model) ? !chiaro_mock_mime_type_is_accepted (mime_type)
                                         : image && !chiaro_mock_mime_type_is_accepted (mime_type))
    return g_strdup_printf ("Unsupported MIME type: %s", mime_type);
  if (!image)
    return NULL;

  bytes = data != NULL ? chiaro_mock_base64_decode (data, strlen (data)) : NULL;
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return g_strdup (UNABLE_TO_PROCESS_IMAGE);

  sniffed = chiaro_mock_sniff_mime_type (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (sniffed == NULL)
    return g_strdup (UNABLE_TO_PROCESS_IMAGE);
  if (!g_str_equal (sniffed, mime_type) &&
      !(g_str_has_prefix (sniffed, "image/hei") && g_str_has_prefix (mime_type, "image/hei")))
    return g_strdup (UNABLE_TO_PROCESS_IMAGE);

  /* HEIF may have no loader here; the others must at least have a readable header. */
  if (!chiaro_mock_images_probe_size (bytes, width, height) &&
      !g_str_has_prefix (sniffed, "image/hei"))
    return g_strdup (UNABLE_TO_PROCESS_IMAGE);

  return NULL;
}

/* Signatures the mock hands out carry a check, so that a client which invents, truncates or
 * mixes them up is caught even by a different mock instance. */
char *
chiaro_mock_signature_new (void)
{
  guint8 raw[8 + SIGNATURE_RANDOM + SIGNATURE_CHECK];
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  memcpy (raw, SIGNATURE_MAGIC, 8);
  for (guint i = 0; i < SIGNATURE_RANDOM; i++)
    raw[8 + i] = (guint8) g_random_int_range (0, 256);

  g_checksum_update (checksum, raw, 8 + SIGNATURE_RANDOM);
  g_checksum_get_digest (checksum, digest, &digest_length);
  memcpy (raw + 8 + SIGNATURE_RANDOM, digest, SIGNATURE_CHECK);

  return g_base64_encode (raw, sizeof raw);
}

gboolean
chiaro_mock_signature_is_valid (const char *signature)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  const guint8 *raw;
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  if (signature == NULL || *signature == '\0')
    return FALSE;
  if (g_strv_contains (skip_signatures, signature))
    return TRUE;

  bytes = chiaro_mock_base64_decode (signature, strlen (signature));
  if (bytes == NULL || g_bytes_get_size (bytes) != 8 + SIGNATURE_RANDOM + SIGNATURE_CHECK)
    return FALSE;

  raw = g_bytes_get_data (bytes, NULL);
  if (memcmp (raw, SIGNATURE_MAGIC, 8) != 0)
    return FALSE;

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, raw, 8 + SIGNATURE_RANDOM);
  g_checksum_get_digest (checksum, digest, &digest_length);

  return memcmp (raw + 8 + SIGNATURE_RANDOM, digest, SIGNATURE_CHECK) == 0;
}

static JsonNode *
check_structure (JsonArray *contents)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n = json_array_get_length (contents);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *content = element_object (contents, i);
      const char *role = content != NULL ? content_role (content) : "";
      JsonArray *parts = content != NULL ? chiaro_mock_json_array_member (content, "parts") : NULL;

      if (*role != '\0' && !g_str_equal (role, "user") && !g_str_equal (role, "model"))
        return invalid_argument ("Please use a valid role: user, model.");

      if (parts == NULL || json_array_get_length (parts) == 0)
        {
          g_string_append_printf (problems,
                                  "* GenerateContentRequest.contents[%u].parts: contents.parts "
                                  "must not be empty.\n", i);
          continue;
        }

      for (guint j = 0; j < json_array_get_length (parts); j++)
        {
          JsonObject *part = element_object (parts, j);

          if (part == NULL || !part_has_data (part))
            g_string_append_printf (problems,
                                    "* GenerateContentRequest.contents[%u].parts[%u].data: "
                                    "required oneof field 'data' must have one initialized "
                                    "field\n", i, j);
        }
    }

  if (problems->len > 0)
    return invalid_argument (problems->str);

  for (guint i = 0; i < n; i++)
    {
      gboolean model = g_str_equal (content_role (element_object (contents, i)), "model");

      if (i == 0 && model)
        return invalid_argument ("First content should be with role 'user', got model");
      if (i > 0 && model && g_str_equal (content_role (element_object (contents, i - 1)), "model"))
        return invalid_argument ("Please ensure that multiturn requests alternate between user "
                                 "and model.");
      if (i == n - 1 && model)
        return invalid_argument ("Please ensure that multiturn requests end with a user role or "
                                 "the role field is empty.");
    }

  return NULL;
}

/* An enum value by name or, as proto3 JSON allows, by number. */
static gboolean
is_modality (JsonNode   *node,
             const char *name,
             gint64      number)
{
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_str_equal (json_node_get_string (node), name);

  return json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) == number;
}

static JsonNode *
check_generation_config (JsonObject            *config,
                         const ChiaroMockModel *model,
                         const char            *model_id,
                         ChiaroMockPlan        *plan)
{
  JsonArray *modalities = chiaro_mock_json_array_member (config, "responseModalities");
  JsonObject *image_config = chiaro_mock_json_object_member (config, "imageConfig");
  JsonObject *thinking = chiaro_mock_json_object_member (config, "thinkingConfig");
  gint64 candidates = 1;

  if (get_integer (chiaro_mock_json_member (config, "candidateCount"), &candidates) &&
      candidates > 1 && !model->multiple_candidates)
    return invalid_argument_printf ("Multiple candidates is not enabled for models/%s", model_id);

  if (modalities != NULL && json_array_get_length (modalities) > 0)
    {
      g_autoptr(GString) asked = g_string_new (NULL);
      gboolean audio = FALSE;

      plan->want_text = plan->want_image = FALSE;
      for (guint i = 0; i < json_array_get_length (modalities); i++)
        {
          JsonNode *node = json_array_get_element (modalities, i);
          const char *value = json_node_get_value_type (node) == G_TYPE_STRING
                              ? json_node_get_string (node) : "";
          g_autofree char *lower = g_ascii_strdown (value, -1);

          if (is_modality (node, "TEXT", 1))
            plan->want_text = TRUE;
          else if (is_modality (node, "IMAGE", 2))
            plan->want_image = TRUE;
          else if (is_modality (node, "AUDIO", 3))
            audio = TRUE;

          if (*lower != '\0' && strstr (asked->str, lower) == NULL)
            g_string_append_printf (asked, "%s%s", asked->len > 0 ? "," : "", lower);
        }

      if (chiaro_mock_model_is_known (model) && (!plan->want_image || audio))
        return invalid_argument_printf ("Model does not support the requested response "
                                        "modalities: %s", asked->str);
    }

  if (image_config != NULL)
    {
      const char *ratio = chiaro_mock_json_string_member (image_config, "aspectRatio");
      const char *size = chiaro_mock_json_string_member (image_config, "imageSize");

      if (ratio != NULL && !chiaro_mock_model_accepts_ratio (model, ratio))
        {
          g_autofree char *choices = chiaro_mock_model_list_ratios (model);

          return invalid_argument_printf ("* GenerateContentRequest.generation_config.image_config"
                                          ".aspect_ratio: aspect_ratio must be one of %s.\n",
                                          choices);
        }

      if (size != NULL && model->image_sizes == NULL)
        return invalid_argument ("Image size is not enabled for this model");

      if (size != NULL && !chiaro_mock_model_accepts_size (model, size))
        {
          g_autofree char *choices = chiaro_mock_model_list_sizes (model);

          return invalid_argument_printf ("* GenerateContentRequest.generation_config.image_config"
                                          ".image_size: image_size must be one of %s.\n",
                                          choices);
        }

      if (ratio != NULL)
        {
          g_free (plan->aspect_ratio);
          plan->aspect_ratio = g_strdup (ratio);
        }
      if (size != NULL)
        {
          g_free (plan->image_size);
          plan->image_size = g_strdup (size);
        }
    }

  if (thinking != NULL)
    {
      JsonNode *include = chiaro_mock_json_member (thinking, "includeThoughts");

      if (!model->thinking)
        return invalid_argument_printf ("Thinking is not enabled for models/%s", model_id);

      if (chiaro_mock_json_member (thinking, "thinkingLevel") != NULL &&
          chiaro_mock_json_member (thinking, "thinkingBudget") != NULL)
        return invalid_argument ("You can only set only one of thinking budget and thinking "
                                 "level.");

      plan->include_thoughts = include != NULL && json_node_get_boolean (include);
    }

  return NULL;
}

static JsonNode *
check_tools (JsonArray             *tools,
             const ChiaroMockModel *model,
             const char            *model_id)
{
  for (guint i = 0; tools != NULL && i < json_array_get_length (tools); i++)
    {
      JsonObject *tool = element_object (tools, i);
      g_autoptr(GList) names = tool != NULL ? json_object_get_members (tool) : NULL;

      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (tool, l->data);
          g_autofree char *camel = NULL;

          if (JSON_NODE_HOLDS_NULL (value))
            continue;

          /* Normalise the spelling: google_search → googleSearch. */
          if (strchr (l->data, '_') != NULL)
            {
              g_auto(GStrv) words = g_strsplit (l->data, "_", -1);

              for (guint w = 1; words[w] != NULL; w++)
                words[w][0] = g_ascii_toupper (words[w][0]);
              camel = g_strjoinv ("", words);
            }
          else
            camel = g_strdup (l->data);

          if (g_str_equal (camel, "googleSearch"))
            {
              if (!model->search)
                return invalid_argument ("Search Grounding is not supported.");
              if (JSON_NODE_HOLDS_OBJECT (value) &&
                  chiaro_mock_json_member (json_node_get_object (value), "searchTypes") != NULL &&
                  !model->search_types)
                return invalid_argument_printf ("Search types are not supported for models/%s",
                                                model_id);
            }
          else if (g_str_equal (camel, "googleSearchRetrieval"))
            return invalid_argument ("google_search_retrieval is not supported; please use "
                                     "google_search field instead.");
          else if (chiaro_mock_model_is_known (model))
            {
              if (g_str_equal (camel, "functionDeclarations"))
                return invalid_argument_printf ("Function calling is not enabled for models/%s",
                                                model_id);
              return invalid_argument_printf ("Tool use is not enabled for models/%s", model_id);
            }
        }
    }

  return NULL;
}

/* Every inline image, whatever the turn; and the number in the prompt turn. */
static JsonNode *
check_images (JsonArray             *contents,
              const ChiaroMockModel *model,
              const char            *model_id,
              ChiaroMockPlan        *plan,
              int                   *first_width,
              int                   *first_height)
{
  guint n = json_array_get_length (contents);
  guint in_prompt = 0;

  *first_width = *first_height = 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *content = element_object (contents, i);
      JsonArray *parts = chiaro_mock_json_array_member (content, "parts");

      for (guint j = 0; j < json_array_get_length (parts); j++)
        {
          JsonObject *part = element_object (parts, j);
          JsonObject *blob = chiaro_mock_json_object_member (part, "inlineData");
          JsonObject *file = chiaro_mock_json_object_member (part, "fileData");

          if (blob != NULL)
            {
              g_autofree char *path = g_strdup_printf ("contents[%u].parts[%u].inline_data", i, j);
              g_autofree char *problem = NULL;
              int width, height;

              problem = check_blob (blob, model, path, &width, &height);
              if (problem != NULL)
                return invalid_argument (problem);

              plan->input_images++;
              if (i == n - 1)
                {
                  in_prompt++;
                  if (*first_width == 0)
                    {
                      *first_width = width;
                      *first_height = height;
                    }
                }
            }
          else if (file != NULL)
            {
              const char *uri = chiaro_mock_json_string_member (file, "fileUri");
              const char *mime_type = chiaro_mock_json_string_member (file, "mimeType");

              if (uri == NULL || *uri == '\0')
                return invalid_argument_printf ("* GenerateContentRequest.contents[%u].parts[%u]"
                                                ".file_data.file_uri: file_uri is not "
                                                "specified\n", i, j);
              if (mime_type != NULL && chiaro_mock_model_is_known (model) &&
                  !chiaro_mock_mime_type_is_accepted (mime_type))
                return invalid_argument_printf ("Unsupported MIME type: %s", mime_type);

              plan->input_images++;
              if (i == n - 1)
                in_prompt++;
            }
        }
    }

  if (in_prompt > model->max_images)
    return invalid_argument_printf ("Too many input images: %u were sent and models/%s "
                                    "accepts at most %u.", in_prompt, model_id, model->max_images);

  return NULL;
}

/* The model turns must hand back the signatures the model gave: on the first part after
 * the thoughts and on every image (REFERENCE §4). */
static JsonNode *
check_signatures (JsonArray *contents)
{
  for (guint i = 0; i < json_array_get_length (contents); i++)
    {
      JsonObject *content = element_object (contents, i);
      JsonArray *parts = chiaro_mock_json_array_member (content, "parts");
      gboolean first = TRUE;

      if (!g_str_equal (content_role (content), "model"))
        continue;

      for (guint j = 0; j < json_array_get_length (parts); j++)
        {
          JsonObject *part = element_object (parts, j);
          const char *signature = chiaro_mock_json_string_member (part, "thoughtSignature");
          gboolean needs;

          if (part_is_thought (part))
            continue;

          needs = first || chiaro_mock_json_member (part, "inlineData") != NULL;
          first = FALSE;
          if (needs && !chiaro_mock_signature_is_valid (signature))
            return invalid_argument_printf ("Unable to submit request because it has an invalid "
                                            "thought signature for content at index %u", i);
        }
    }

  return NULL;
}

static guint
count_request_tokens (JsonObject *request)
{
  JsonArray *contents = chiaro_mock_json_array_member (request, "contents");
  JsonObject *system = chiaro_mock_json_object_member (request, "systemInstruction");
  g_autofree char *system_text = system != NULL ? content_text (system) : NULL;
  guint tokens = chiaro_mock_count_tokens (system_text);

  for (guint i = 0; i < json_array_get_length (contents); i++)
    {
      g_autofree char *text = content_text (element_object (contents, i));

      tokens += chiaro_mock_count_tokens (text);
    }

  return MAX (tokens, 1);
}

/**
 * chiaro_mock_gemini_check:
 * @schema: the discovery schemas
 * @model_id: the model of the request path
 * @root: the parsed body
 * @enforce_signatures: refuse model turns whose signatures are missing or invalid
 * @plan: (out) (optional): what the request asks for, when it passes
 *
 * Checks a generateContent body as the service would.
 *
 * Returns: (transfer full) (nullable): %NULL when the request passes, otherwise the error
 *   envelope (400) to answer with
 */
JsonNode *
chiaro_mock_gemini_check (ChiaroMockSchema  *schema,
                          const char        *model_id,
                          JsonNode          *root,
                          gboolean           enforce_signatures,
                          ChiaroMockPlan   **plan_out)
{
  const ChiaroMockModel *model = chiaro_mock_model_lookup (model_id);
  g_autoptr(GPtrArray) violations =
    g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_mock_violation_free);
  g_autoptr(ChiaroMockPlan) plan = NULL;
  g_autofree char *seed_text = NULL;
  JsonObject *request;
  JsonArray *contents;
  JsonNode *error;
  int input_width = 0, input_height = 0;

  if (!chiaro_mock_schema_validate (schema, "GenerateContentRequest", root, violations))
    return violations_error (violations);

  request = json_node_get_object (root);
  contents = chiaro_mock_json_array_member (request, "contents");
  if (contents == NULL || json_array_get_length (contents) == 0)
    return invalid_argument ("* GenerateContentRequest.contents: contents is not specified\n");

  error = check_structure (contents);
  if (error != NULL)
    return error;

  plan = g_new0 (ChiaroMockPlan, 1);
  plan->model = model;
  plan->model_id = g_strdup (model_id);
  plan->want_text = plan->want_image = TRUE;

  error = check_generation_config (chiaro_mock_json_object_member (request, "generationConfig"),
                                   model, model_id, plan);
  if (error != NULL)
    return error;

  if (chiaro_mock_json_member (request, "systemInstruction") != NULL && !model->system_instruction)
    return invalid_argument_printf ("Developer instruction is not enabled for models/%s",
                                    model_id);

  error = check_tools (chiaro_mock_json_array_member (request, "tools"), model, model_id);
  if (error != NULL)
    return error;

  error = check_images (contents, model, model_id, plan, &input_width, &input_height);
  if (error != NULL)
    return error;

  if (enforce_signatures && model->signatures)
    {
      error = check_signatures (contents);
      if (error != NULL)
        return error;
    }

  if (plan->aspect_ratio == NULL)
    plan->aspect_ratio = g_strdup (input_width > 0
                                   ? chiaro_mock_model_nearest_ratio (model, input_width,
                                                                      input_height)
                                   : "1:1");
  if (plan->image_size == NULL && model->image_sizes != NULL)
    plan->image_size = g_strdup ("1K");
  if (!chiaro_mock_model_get_pixel_size (model, plan->aspect_ratio, plan->image_size,
                                         &plan->width, &plan->height))
    g_assert_not_reached ();

  plan->prompt = content_text (last_user_content (request));
  plan->prompt_text_tokens = count_request_tokens (request);
  seed_text = g_strdup_printf ("%s\n%s\n%s\n%s", model_id, plan->aspect_ratio,
                               plan->image_size != NULL ? plan->image_size : "", plan->prompt);
  plan->seed = chiaro_mock_hash (seed_text);

  if (plan_out != NULL)
    *plan_out = g_steal_pointer (&plan);

  return NULL;
}

/* Answers. */

static JsonObject *
text_part (const char *text,
           gboolean    thought)
{
  JsonObject *part = json_object_new ();

  json_object_set_string_member (part, "text", text);
  if (thought)
    json_object_set_boolean_member (part, "thought", TRUE);

  return part;
}

static JsonObject *
inline_part (const char *mime_type,
             char       *base64,
             gboolean    thought)
{
  JsonObject *part = json_object_new ();
  JsonObject *blob = json_object_new ();

  /* json-glib 1.6 cannot adopt a string: one copy of the base64. */
  json_object_set_string_member (blob, "mimeType", mime_type);
  json_object_set_string_member (blob, "data", base64);
  g_free (base64);
  json_object_set_object_member (part, "inlineData", blob);
  if (thought)
    json_object_set_boolean_member (part, "thought", TRUE);

  return part;
}

static JsonObject *
image_part (ChiaroMockPlan    *plan,
            ChiaroMockImages  *images,
            const char        *format,
            const char        *label,
            guint32            seed,
            const char        *stamp,
            gboolean           thought,
            GError           **error)
{
  g_autoptr(GBytes) bytes = chiaro_mock_images_render (images, format, plan->width, plan->height,
                                                       seed, stamp, error);

  if (bytes == NULL)
    return NULL;

  return inline_part (label != NULL ? label : chiaro_mock_images_format_mime_type (format),
                      g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)),
                      thought);
}

static char *
summary (const char *prompt)
{
  g_autofree char *flat = g_strdup (prompt);

  g_strdelimit (flat, "\r\n\t", ' ');
  g_strstrip (flat);
  if (g_utf8_strlen (flat, -1) > 60)
    {
      char *end = g_utf8_offset_to_pointer (flat, 60);

      *end = '\0';
      return g_strdup_printf ("%s…", flat);
    }

  return g_steal_pointer (&flat);
}

static void
add_thoughts (Answer *answer)
{
  g_ptr_array_add (answer->parts,
                   text_part ("**Planning the picture**\n\nI'm working out the composition, the "
                              "light and the colours the request asks for.", TRUE));
  g_ptr_array_add (answer->parts,
                   text_part ("**Refining the details**\n\nI'm checking the framing against the "
                              "requested aspect ratio before rendering.", TRUE));
}

static JsonArray *
safety_ratings (gboolean blocked)
{
  static const char * const categories[] = {
    "HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
  };
  JsonArray *ratings = json_array_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (categories); i++)
    {
      JsonObject *rating = json_object_new ();
      gboolean hit = i == 2;

      json_object_set_string_member (rating, "category", categories[i]);
      json_object_set_string_member (rating, "probability", hit ? "HIGH" : "NEGLIGIBLE");
      if (hit && blocked)
        json_object_set_boolean_member (rating, "blocked", TRUE);
      json_array_add_object_element (ratings, rating);
    }

  return ratings;
}

/* The parts and finish of @scenario; images are rendered here, so this runs on a worker. */
static Answer *
make_answer (ChiaroMockPlan    *plan,
             const char        *scenario,
             const char        *image_format,
             ChiaroMockImages  *images,
             GError           **error)
{
  g_autoptr(Answer) answer = g_new0 (Answer, 1);
  const char *format = chiaro_mock_resolve_format (plan->model, image_format);
  g_autofree char *about = summary (plan->prompt);
  g_autofree char *text = NULL;
  JsonObject *part;

  answer->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  answer->shape = CONTENT_PARTS;
  answer->finish_reason = "STOP";
  answer->response_id = chiaro_mock_random_id (23);
  answer->hidden_thoughts = plan->model->thinking && plan->model->signatures
                            ? 120 + plan->seed % 180 : 0;

#define IMAGE(label, seed, thought) \
  G_STMT_START { \
    part = image_part (plan, images, format, label, seed, answer->response_id, thought, error); \
    if (part == NULL) \
      return NULL; \
    g_ptr_array_add (answer->parts, part); \
  } G_STMT_END

  if (g_str_equal (scenario, "prompt-blocked"))
    {
      answer->blocked = TRUE;
      answer->shape = CONTENT_NONE;
      answer->finish_reason = NULL;
      answer->safety_ratings = safety_ratings (FALSE);
      answer->hidden_thoughts = 0;
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "image-safety"))
    {
      answer->shape = CONTENT_NULL_PARTS;
      answer->finish_reason = "IMAGE_SAFETY";
      answer->finish_message = "Unable to show the generated image. The generated image was "
                               "filtered out because it violated Google's Generative AI "
                               "Prohibited Use policy. You will not be charged for blocked "
                               "images. Try rephrasing the prompt. If you think this was an "
                               "error, send feedback.";
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "image-prohibited"))
    {
      answer->shape = CONTENT_NONE;
      answer->finish_reason = "IMAGE_PROHIBITED_CONTENT";
      answer->finish_message = "Unable to show the generated image. The generated image may "
                               "contain prohibited content. Try rephrasing the prompt.";
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "prohibited-content") || g_str_equal (scenario, "other") ||
      g_str_equal (scenario, "malformed-response") ||
      g_str_equal (scenario, "missing-thought-signature"))
    {
      answer->shape = CONTENT_NONE;
      answer->finish_reason = g_str_equal (scenario, "prohibited-content") ? "PROHIBITED_CONTENT"
                              : g_str_equal (scenario, "other") ? "OTHER"
                              : g_str_equal (scenario, "malformed-response") ? "MALFORMED_RESPONSE"
                              : "MISSING_THOUGHT_SIGNATURE";
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "safety"))
    {
      answer->shape = CONTENT_NONE;
      answer->finish_reason = "SAFETY";
      answer->safety_ratings = safety_ratings (TRUE);
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "recitation"))
    {
      JsonArray *sources = json_array_new ();
      JsonObject *source = json_object_new ();

      json_object_set_int_member (source, "startIndex", 0);
      json_object_set_int_member (source, "endIndex", 120);
      json_object_set_string_member (source, "uri", "https://example.com/a-famous-picture");
      json_array_add_object_element (sources, source);
      answer->citations = json_object_new ();
      json_object_set_array_member (answer->citations, "citationSources", sources);
      answer->shape = CONTENT_NONE;
      answer->finish_reason = "RECITATION";
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "image-recitation"))
    {
      answer->shape = CONTENT_EMPTY;
      answer->finish_reason = "IMAGE_RECITATION";
      answer->finish_message = "Unable to show the generated image. The generated image is too "
                               "similar to existing material.";
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "no-image") || g_str_equal (scenario, "image-other"))
    {
      answer->shape = CONTENT_NO_PARTS;
      answer->finish_reason = g_str_equal (scenario, "no-image") ? "NO_IMAGE" : "IMAGE_OTHER";
      answer->finish_message = g_str_equal (scenario, "no-image")
                               ? "The model did not generate an image. Try rephrasing the prompt."
                               : "Unable to generate the image. Please retry.";
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "max-tokens") || g_str_equal (scenario, "parts-absent"))
    {
      answer->shape = CONTENT_NO_PARTS;
      answer->finish_reason = g_str_equal (scenario, "max-tokens") ? "MAX_TOKENS" : "STOP";
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "parts-null"))
    {
      answer->shape = CONTENT_NULL_PARTS;
      return g_steal_pointer (&answer);
    }

  if (plan->include_thoughts && plan->model->thinking)
    add_thoughts (answer);

  if (g_str_equal (scenario, "text-only") || !plan->want_image)
    {
      text = g_strdup_printf ("I can describe it instead: %s — a calm scene in soft light.",
                              about);
      g_ptr_array_add (answer->parts, text_part (text, FALSE));
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "thoughts-only"))
    {
      if (!plan->include_thoughts || !plan->model->thinking)
        add_thoughts (answer);
      IMAGE (NULL, plan->seed ^ 0x5a5a5a5au, TRUE);
      IMAGE (NULL, plan->seed ^ 0xa5a5a5a5u, TRUE);
      return g_steal_pointer (&answer);
    }

  if (g_str_equal (scenario, "thought-image"))
    IMAGE (NULL, plan->seed ^ 0x5a5a5a5au, TRUE);

  if (plan->want_text)
    {
      text = g_strdup_printf ("Here is the image you asked for: %s", about);
      g_ptr_array_add (answer->parts, text_part (text, FALSE));
    }

  if (g_str_equal (scenario, "multi-image"))
    {
      IMAGE (NULL, plan->seed, FALSE);
      g_ptr_array_add (answer->parts, text_part ("And a second take, from a little further away.",
                                                 FALSE));
      IMAGE (NULL, plan->seed ^ 0x00ffff00u, FALSE);
    }
  else if (g_str_equal (scenario, "multi-image-bad"))
    {
      g_autoptr(GBytes) bytes = chiaro_mock_images_png_header (50000, 50000);

      IMAGE (NULL, plan->seed, FALSE);
      g_ptr_array_add (answer->parts, text_part ("And a second take, far too large.", FALSE));
      g_ptr_array_add (answer->parts,
                       inline_part ("image/png",
                                    g_base64_encode (g_bytes_get_data (bytes, NULL),
                                                     g_bytes_get_size (bytes)),
                                    FALSE));
    }
  else if (g_str_equal (scenario, "jpeg-labelled-png"))
    {
      g_autoptr(GBytes) bytes = chiaro_mock_images_render (images, "jpeg", plan->width,
                                                           plan->height, plan->seed,
                                                           answer->response_id, error);

      if (bytes == NULL)
        return NULL;
      g_ptr_array_add (answer->parts,
                       inline_part ("image/png",
                                    g_base64_encode (g_bytes_get_data (bytes, NULL),
                                                     g_bytes_get_size (bytes)),
                                    FALSE));
    }
  else if (g_str_equal (scenario, "invalid-base64"))
    g_ptr_array_add (answer->parts,
                     inline_part (chiaro_mock_images_format_mime_type (format),
                                  g_strdup ("iVBORw0KGgo*not*base64*at*all!=="), FALSE));
  else if (g_str_equal (scenario, "not-an-image"))
    {
      static const char words[] = "This is not an image, only a few words of plain text.\n";

      g_ptr_array_add (answer->parts,
                       inline_part (chiaro_mock_images_format_mime_type (format),
                                    g_base64_encode ((const guchar *) words, strlen (words)),
                                    FALSE));
    }
  else if (g_str_equal (scenario, "zero-size-image"))
    g_ptr_array_add (answer->parts,
                     inline_part (chiaro_mock_images_format_mime_type (format), g_strdup (""),
                                  FALSE));
  else if (g_str_equal (scenario, "huge-dimensions") || g_str_equal (scenario, "wide-image")
           || g_str_equal (scenario, "zero-dimensions"))
    {
      g_autoptr(GBytes) bytes = NULL;

      bytes = g_str_equal (scenario, "huge-dimensions")
              ? chiaro_mock_images_png_header (50000, 50000)
              : g_str_equal (scenario, "wide-image") ? chiaro_mock_images_png_header (50000, 1)
              : chiaro_mock_images_png_header (0, 0);

      g_ptr_array_add (answer->parts,
                       inline_part ("image/png",
                                    g_base64_encode (g_bytes_get_data (bytes, NULL),
                                                     g_bytes_get_size (bytes)),
                                    FALSE));
    }
  else
    IMAGE (NULL, plan->seed, FALSE);

#undef IMAGE

  return g_steal_pointer (&answer);
}

/* Gemini 3: a signature on the first part after the thoughts and on every image. */
static void
sign_parts (ChiaroMockPlan *plan,
            Answer         *answer)
{
  gboolean first = TRUE;

  if (!plan->model->signatures)
    return;

  for (guint i = 0; i < answer->parts->len; i++)
    {
      JsonObject *part = g_ptr_array_index (answer->parts, i);

      if (part_is_thought (part))
        continue;
      if (first || json_object_has_member (part, "inlineData"))
        {
          g_autofree char *signature = chiaro_mock_signature_new ();

          json_object_set_string_member (part, "thoughtSignature", signature);
        }
      first = FALSE;
    }
}

static JsonObject *
modality_count (const char *modality,
                guint       count)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "modality", modality);
  json_object_set_int_member (object, "tokenCount", count);

  return object;
}

/* usageMetadata for the parts sent so far (REFERENCE §3.6: cumulative in streams). */
static JsonObject *
usage (ChiaroMockPlan *plan,
       Answer         *answer,
       guint           n_parts)
{
  JsonObject *result = json_object_new ();
  JsonArray *prompt_details = json_array_new ();
  guint text_tokens = plan->prompt_text_tokens;
  guint image_tokens = plan->input_images * plan->model->input_image_tokens;
  guint prompt = text_tokens + image_tokens;
  guint output_text = 0, output_images = 0, thoughts = answer->hidden_thoughts;

  for (guint i = 0; i < n_parts; i++)
    {
      JsonObject *part = g_ptr_array_index (answer->parts, i);
      const char *text = json_object_get_string_member_with_default (part, "text", NULL);

      if (part_is_thought (part))
        thoughts += chiaro_mock_count_tokens (text);
      else if (text != NULL)
        output_text += chiaro_mock_count_tokens (text);
      else
        output_images += chiaro_mock_model_get_image_tokens (plan->model, plan->image_size);
    }

  json_object_set_int_member (result, "promptTokenCount", prompt);
  if (answer->blocked)
    thoughts = 0;
  if (output_text + output_images > 0)
    json_object_set_int_member (result, "candidatesTokenCount", output_text + output_images);
  json_object_set_int_member (result, "totalTokenCount",
                              prompt + output_text + output_images + thoughts);

  json_array_add_object_element (prompt_details, modality_count ("TEXT", text_tokens));
  if (image_tokens > 0)
    json_array_add_object_element (prompt_details, modality_count ("IMAGE", image_tokens));
  json_object_set_array_member (result, "promptTokensDetails", prompt_details);

  if (output_images > 0 || output_text > 0)
    {
      JsonArray *details = json_array_new ();

      json_array_add_object_element (details,
                                     output_images > 0 ? modality_count ("IMAGE", output_images)
                                                       : modality_count ("TEXT", output_text));
      json_object_set_array_member (result, "candidatesTokensDetails", details);
    }

  if (thoughts > 0)
    json_object_set_int_member (result, "thoughtsTokenCount", thoughts);

  return result;
}

static JsonObject *
content_object (Answer    *answer,
                JsonArray *parts)
{
  JsonObject *content = json_object_new ();

  switch (answer->shape)
    {
    case CONTENT_PARTS:
      if (parts != NULL)
        json_object_set_array_member (content, "parts", parts);
      json_object_set_string_member (content, "role", "model");
      break;
    case CONTENT_NO_PARTS:
      json_object_set_string_member (content, "role", "model");
      break;
    case CONTENT_NULL_PARTS:
      json_object_set_null_member (content, "parts");
      break;
    case CONTENT_EMPTY:
      break;
    case CONTENT_NONE:
    default:
      g_assert_not_reached ();
    }

  return content;
}

/* One GenerateContentResponse. @parts: the parts it carries; @final: whether the finish goes
 * with it; @usage_parts: how many of the answer's parts the usage counts. */
static JsonNode *
response_node (ChiaroMockPlan *plan,
               Answer         *answer,
               JsonArray      *parts,
               gboolean        final,
               guint           usage_parts)
{
  JsonObject *root = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  if (answer->blocked)
    {
      JsonObject *feedback = json_object_new ();

      json_object_set_string_member (feedback, "blockReason", "SAFETY");
      json_object_set_array_member (feedback, "safetyRatings",
                                    json_array_ref (answer->safety_ratings));
      json_object_set_object_member (root, "promptFeedback", feedback);
      if (parts != NULL)
        json_array_unref (parts);
    }
  else
    {
      JsonArray *candidates = json_array_new ();
      JsonObject *candidate = json_object_new ();

      if (answer->shape != CONTENT_NONE)
        json_object_set_object_member (candidate, "content", content_object (answer, parts));
      else if (parts != NULL)
        json_array_unref (parts);

      if (final)
        {
          json_object_set_string_member (candidate, "finishReason", answer->finish_reason);
          if (answer->finish_message != NULL)
            json_object_set_string_member (candidate, "finishMessage", answer->finish_message);
          if (answer->safety_ratings != NULL)
            json_object_set_array_member (candidate, "safetyRatings",
                                          json_array_ref (answer->safety_ratings));
          if (answer->citations != NULL)
            json_object_set_object_member (candidate, "citationMetadata",
                                           json_object_ref (answer->citations));
        }
      json_object_set_int_member (candidate, "index", 0);
      json_array_add_object_element (candidates, candidate);
      json_object_set_array_member (root, "candidates", candidates);
    }

  json_object_set_object_member (root, "usageMetadata", usage (plan, answer, usage_parts));
  json_object_set_string_member (root, "modelVersion", plan->model_id);
  json_object_set_string_member (root, "responseId", answer->response_id);

  json_node_take_object (node, root);
  return node;
}

static JsonArray *
parts_array (Answer *answer,
             guint   from,
             guint   to)
{
  JsonArray *parts = json_array_new ();

  for (guint i = from; i < to; i++)
    json_array_add_object_element (parts, json_object_ref (g_ptr_array_index (answer->parts, i)));

  return parts;
}

/* A text part cut in two at a space, as text deltas arrive; other parts stay whole. */
static GPtrArray *
stream_pieces (JsonObject *part)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  const char *text = json_object_get_string_member_with_default (part, "text", NULL);
  const char *cut;

  if (text == NULL || strlen (text) < 24 || (cut = strchr (text + strlen (text) / 2, ' ')) == NULL)
    {
      g_ptr_array_add (pieces, json_object_ref (part));
      return pieces;
    }

  for (guint k = 0; k < 2; k++)
    {
      JsonObject *piece = json_object_new ();
      g_autofree char *half = k == 0 ? g_strndup (text, cut - text) : g_strdup (cut);
      g_autoptr(GList) names = json_object_get_members (part);

      for (GList *l = names; l != NULL; l = l->next)
        {
          if (g_str_equal (l->data, "text"))
            json_object_set_string_member (piece, "text", half);
          else if (g_str_equal (l->data, "thoughtSignature") && k == 1)
            continue;
          else
            json_object_set_member (piece, l->data,
                                    json_node_copy (json_object_get_member (part, l->data)));
        }
      g_ptr_array_add (pieces, piece);
    }

  return pieces;
}

/* The events of a stream: each part (text cut into deltas) in its own response, then the
 * finish with content {"role": "model"}; usage, model and id on every one. An answer without
 * parts is a single event. */
static GPtrArray *
stream_events (ChiaroMockPlan *plan,
               Answer         *answer)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (answer->shape != CONTENT_PARTS || answer->parts->len == 0)
    {
      g_ptr_array_add (events, response_node (plan, answer, NULL, TRUE, answer->parts->len));
      return events;
    }

  for (guint i = 0; i < answer->parts->len; i++)
    {
      g_autoptr(GPtrArray) pieces = stream_pieces (g_ptr_array_index (answer->parts, i));

      for (guint k = 0; k < pieces->len; k++)
        {
          JsonArray *parts = json_array_new ();

          json_array_add_object_element (parts, json_object_ref (g_ptr_array_index (pieces, k)));
          g_ptr_array_add (events, response_node (plan, answer, parts, FALSE, i + 1));
        }
    }

  g_ptr_array_add (events, response_node (plan, answer, NULL, TRUE, answer->parts->len));
  return events;
}

/**
 * chiaro_mock_gemini_answer:
 * @plan: what the checked request asks for
 * @scenario: a content scenario's name
 * @route: which of the three generateContent forms to answer in
 * @image_format: "auto", "png", "jpeg" or "webp"
 * @images: the picture maker
 * @error: return location for a #GError
 *
 * Makes the 200 answer. Renders images, so call it on a worker thread.
 *
 * Returns: (transfer full) (nullable): the reply
 */
ChiaroMockReply *
chiaro_mock_gemini_answer (ChiaroMockPlan    *plan,
                           const char        *scenario,
                           ChiaroMockRoute    route,
                           const char        *image_format,
                           ChiaroMockImages  *images,
                           GError           **error)
{
  g_autoptr(Answer) answer = make_answer (plan, scenario, image_format, images, error);
  g_autoptr(GPtrArray) events = NULL;
  ChiaroMockReply *reply;

  if (answer == NULL)
    return NULL;

  sign_parts (plan, answer);

  if (route == CHIARO_MOCK_ROUTE_GENERATE)
    {
      g_autoptr(JsonNode) node = response_node (plan, answer,
                                                answer->shape == CONTENT_PARTS
                                                ? parts_array (answer, 0, answer->parts->len)
                                                : NULL,
                                                TRUE, answer->parts->len);

      return chiaro_mock_reply_new_json (200, node, CHIARO_MOCK_JSON_PRETTY, NULL);
    }

  events = stream_events (plan, answer);
  reply = chiaro_mock_reply_new (200);
  reply->chunked = TRUE;

  if (route == CHIARO_MOCK_ROUTE_STREAM_SSE)
    {
      chiaro_mock_reply_add_header (reply, "Content-Type", "text/event-stream");
      chiaro_mock_reply_add_header (reply, "Content-Disposition", "attachment");
      chiaro_mock_reply_add_google_headers (reply);
      for (guint i = 0; i < events->len; i++)
        {
          GString *text = g_string_new ("data: ");

          chiaro_mock_json_append (text, g_ptr_array_index (events, i), CHIARO_MOCK_JSON_COMPACT);
          g_string_append (text, "\r\n\r\n");
          chiaro_mock_reply_append_string (reply, g_string_free (text, FALSE));
        }
    }
  else
    {
      chiaro_mock_reply_add_header (reply, "Content-Type", "application/json; charset=UTF-8");
      chiaro_mock_reply_add_google_headers (reply);
      for (guint i = 0; i < events->len; i++)
        {
          GString *text = g_string_new (i == 0 ? "[" : ",\r\n");

          chiaro_mock_json_append (text, g_ptr_array_index (events, i), CHIARO_MOCK_JSON_PRETTY);
          if (i == events->len - 1)
            g_string_append (text, "\n]");
          chiaro_mock_reply_append_string (reply, g_string_free (text, FALSE));
        }
    }

  return reply;
}
