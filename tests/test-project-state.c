/* test-project-state.c — project.json written and read back, and every way it can be wrong
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-gemini-wire.h"
#include "chiaro-project-error.h"
#include "chiaro-project-state.h"
#include "chiaro-stored-content.h"
#include "chiaro-test-util.h"

/* Helpers */

static char *
hash_for (guint n)
{
  g_autofree char *text = g_strdup_printf ("image %u", n);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static GBytes *
bytes_for (guint n)
{
  return chiaro_test_bytes_printf ("image %u", n);
}

static ChiaroPart *
image_part (guint       n,
            const char *mime_type)
{
  g_autoptr(GBytes) bytes = bytes_for (n);

  return chiaro_part_new_image (bytes, mime_type);
}

static char *
bytes_to_string (GBytes *bytes)
{
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static char *
without_modified (GBytes *json)
{
  g_autoptr(GRegex) regex = g_regex_new ("\"modified\" : [0-9]+", 0, 0, NULL);
  g_autofree char *text = bytes_to_string (json);

  return g_regex_replace_literal (regex, text, -1, 0, "\"modified\" : 0", 0, NULL);
}

static char *
node_to_string (JsonNode *node,
                gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, pretty);
  return json_generator_to_data (generator, NULL);
}

static ChiaroProjectState *
load (GBytes *json)
{
  g_autoptr(GError) error = NULL;
  ChiaroProjectState *state = chiaro_project_state_new_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (state);
  return state;
}

/* Saves @state, loads it, saves that: the two files must be the same but for the time. */
static ChiaroProjectState *
round_trip (ChiaroProjectState  *state,
            GBytes             **out_json)
{
  g_autoptr(GBytes) first = chiaro_project_state_to_json (state);
  g_autoptr(GBytes) second = NULL;
  g_autofree char *first_text = without_modified (first);
  g_autofree char *second_text = NULL;
  ChiaroProjectState *loaded = load (first);

  second = chiaro_project_state_to_json (loaded);
  second_text = without_modified (second);
  g_assert_cmpstr (first_text, ==, second_text);

  if (out_json != NULL)
    *out_json = g_steal_pointer (&first);
  return loaded;
}

/* An answer that is one image and nothing else: no usage, no cost, no text. */
static ChiaroReply *
make_plain_reply (guint n)
{
  g_autoptr(ChiaroReply) reply = chiaro_reply_new ();
  g_autoptr(ChiaroContent) content = chiaro_content_new ("model");
  g_autoptr(ChiaroPart) part = image_part (n, "image/png");
  g_autofree char *hash = hash_for (n);
  const char *hashes[] = { hash, NULL };

  chiaro_content_add_part (content, part);
  g_clear_pointer (&reply->content, chiaro_content_unref);
  reply->content = chiaro_stored_content_strip (content);
  g_strfreev (reply->content_hashes);
  reply->content_hashes = g_strdupv ((char **) hashes);
  return g_steal_pointer (&reply);
}

/* A model answer with every kind of part: text with a signature, a thought, a thought
 * image, the final image with a member Chiaro does not know, and a function call. */
static ChiaroReply *
make_rich_reply (guint n)
{
  g_autoptr(ChiaroGenerationResult) result = chiaro_generation_result_new ();
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *thought_data = NULL;
  g_autofree char *final_data = NULL;
  g_autofree char *thought_hash = hash_for (n + 100);
  g_autofree char *final_hash = hash_for (n);
  const char *hashes[] = { thought_hash, final_hash, NULL };
  ChiaroGroundingSource *source;
  ChiaroReply *reply;

  {
    g_autoptr(GBytes) a = bytes_for (n + 100);
    g_autoptr(GBytes) b = bytes_for (n);

    thought_data = g_base64_encode (g_bytes_get_data (a, NULL), g_bytes_get_size (a));
    final_data = g_base64_encode (g_bytes_get_data (b, NULL), g_bytes_get_size (b));
  }

  wire = chiaro_test_bytes_printf (
    "{\"role\": \"model\", \"parts\": ["
    "{\"text\": \"Thinking about marble\", \"thought\": true},"
    "{\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"%s\"}, \"thought\": true,"
    " \"thoughtSignature\": \"c2lnLXRob3VnaHQ=\"},"
    "{\"text\": \"Here is the bottle.\", \"thoughtSignature\": \"c2lnLXRleHQ=\","
    " \"thought\": false},"
    "{\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"%s\"},"
    " \"thoughtSignature\": \"c2lnLWZpbmFs\", \"partMetadata\": {\"x\": [1, 2.5, null]}},"
    "{\"functionCall\": {\"name\": \"noop\", \"args\": {}}}"
    "]}", thought_data, final_data);
  node = chiaro_test_parse_json (wire);
  result->content = chiaro_content_new_from_json (node, &error);
  g_assert_no_error (error);
  result->content->model = g_strdup ("gemini-3-pro-image-preview");

  result->text = g_strdup ("Here is the bottle.");
  result->thoughts = g_strdup ("Thinking about marble");
  result->finish_reason = g_strdup ("STOP");
  result->finish_message = g_strdup ("Model finished: “fine”");
  result->model_version = g_strdup ("gemini-3-pro-image-preview-11-2025");
  result->response_id = g_strdup_printf ("response-%u", n);
  result->usage.known = TRUE;
  result->usage.prompt_tokens = 147;
  result->usage.candidates_tokens = 1220;
  result->usage.thoughts_tokens = 215;
  result->usage.total_tokens = 1582;
  result->usage.image_tokens = 1120;
  result->usage.cached_tokens = 7;
  result->attempts = 2;
  result->cost_usd = 0.134;
  source = g_new0 (ChiaroGroundingSource, 1);
  source->title = g_strdup ("Carrara marble");
  source->uri = g_strdup ("https://example.com/marble?a=1&b=2");
  g_ptr_array_add (result->grounding_sources, source);
  source = g_new0 (ChiaroGroundingSource, 1);
  source->uri = g_strdup ("https://example.com/untitled");
  g_ptr_array_add (result->grounding_sources, source);

  reply = chiaro_reply_new_from_result (result, hashes, 0.1395);
  reply->requested_at = 1767225600000000 + n;
  reply->received_at = 1767225642123456 + n;
  return reply;
}

typedef struct
{
  ChiaroProjectState *state;
  ChiaroHistoryEntry *root;
  ChiaroHistoryEntry *a;   /* turn1, variant 1 */
  ChiaroHistoryEntry *b;   /* turn1, variant 2 (starred, the cursor) */
  ChiaroHistoryEntry *c;   /* turn2 from a: a remembers it */
  ChiaroHistoryEntry *d;   /* turn2 from b */
  ChiaroHistoryEntry *e;   /* turn3 from a, newer than c */
  ChiaroTurn *turn1;
  ChiaroTurn *turn2;
  ChiaroTurn *turn3;
} Rich;

static ChiaroHistoryEntry *
add_generated (ChiaroHistory      *history,
               ChiaroHistoryEntry *parent,
               ChiaroTurn         *turn,
               ChiaroReply        *reply,
               gint64              created)
{
  ChiaroHistoryEntry *entry = chiaro_history_entry_new_generated (turn, reply, "image/png",
                                                                  1024, 1280);

  chiaro_history_entry_set_created (entry, created);
  chiaro_history_add (history, parent, entry);
  g_object_unref (entry);
  return entry;
}

static void
add_reference (ChiaroReferenceList *tray,
               guint                n,
               const char          *mime_type,
               const char          *display_name,
               const char          *label)
{
  g_autofree char *hash = hash_for (n);
  g_autoptr(ChiaroReference) reference = chiaro_reference_new (hash, mime_type, 640 + n, 480,
                                                               display_name);
  g_autoptr(GError) error = NULL;

  chiaro_reference_set_label (reference, label);
  g_assert_true (chiaro_reference_list_insert (tray, G_MAXUINT, reference, &error));
  g_assert_no_error (error);
}

static void
rich_init (Rich *rich)
{
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroContent) user = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) prompt_part = chiaro_part_new_text ("put the bottle on a marble table");
  g_autoptr(ChiaroPart) canvas = image_part (0, "image/jpeg");
  g_autoptr(ChiaroPart) logo = image_part (10, "image/png");
  g_autoptr(ChiaroReply) reply_a = make_rich_reply (1);
  g_autoptr(ChiaroReply) reply_b = make_rich_reply (2);
  g_autoptr(ChiaroReply) reply_c = make_plain_reply (3);
  g_autoptr(ChiaroReply) reply_d = make_plain_reply (4);
  g_autoptr(ChiaroReply) reply_e = make_plain_reply (5);
  g_autoptr(GError) api_error = NULL;
  g_autofree char *h0 = hash_for (0);
  g_autofree char *h10 = hash_for (10);
  g_autofree char *h11 = hash_for (11);
  const char *turn_hashes[] = { h0, h10, NULL };
  ChiaroProjectState *state = chiaro_project_state_new ();
  ChiaroHistory *history = state->history;

  rich->state = state;
  state->name = g_strdup ("Bottle on marble");
  state->created = 1767225000000000;
  g_free (state->prompt);
  state->prompt = g_strdup ("make it “warmer” 🌅\nand \"brighter\"\t\\");
  state->model_id = g_strdup ("gemini-3-pro-image-preview");
  state->options->aspect_ratio = g_strdup ("4:5");
  state->options->image_size = g_strdup ("2K");
  state->options->temperature = 0.7;
  state->options->top_p = 0.95;
  state->options->has_seed = TRUE;
  state->options->seed = -42;
  state->options->grounding = TRUE;
  state->options->image_search = TRUE;
  state->options->system_instruction = g_strdup ("You are a careful retoucher.");
  state->options->thinking_level = g_strdup ("HIGH");
  state->options->include_thoughts = TRUE;
  state->n_variants = 3;

  /* Set to values that are easy to lose: zero temperature, seed 0. */
  options->aspect_ratio = g_strdup ("1:1");
  options->temperature = 0;
  options->has_seed = TRUE;
  options->seed = 0;
  rich->turn1 = chiaro_turn_new ("put the bottle on a marble table", options,
                                 "gemini-3-pro-image-preview", "gemini", 2);
  rich->turn1->created = 1767225500000001;
  chiaro_turn_add_reference (rich->turn1, h10, "image/png", "the logo");
  chiaro_turn_add_reference (rich->turn1, h11, "image/jpeg", NULL);
  chiaro_content_add_part (user, prompt_part);
  chiaro_content_add_part (user, canvas);
  chiaro_content_add_part (user, logo);
  rich->turn1->content = chiaro_stored_content_strip (user);
  rich->turn1->content_hashes = g_strdupv ((char **) turn_hashes);

  rich->turn2 = chiaro_turn_new ("warmer", NULL, NULL, "openai", 1);
  rich->turn2->created = 1767225600000002;
  rich->turn3 = chiaro_turn_new ("", NULL, "gemini-2.5-flash-image", "gemini", 1);
  rich->turn3->created = 1767225700000003;

  rich->root = chiaro_history_entry_new_root (h0, "image/jpeg", 4000, 3000);
  chiaro_history_entry_set_created (rich->root, 1767225000000000);
  chiaro_history_add (history, NULL, rich->root);
  g_object_unref (rich->root);

  rich->a = add_generated (history, rich->root, rich->turn1, reply_a, 1767225642000001);
  rich->b = add_generated (history, rich->root, rich->turn1, reply_b, 1767225642000002);
  rich->c = add_generated (history, rich->a, rich->turn2, reply_c, 1767225700000001);
  rich->d = add_generated (history, rich->b, rich->turn2, reply_d, 1767225700000002);
  chiaro_history_set_cursor (history, rich->c);
  chiaro_history_set_cursor (history, rich->b);
  rich->e = add_generated (history, rich->a, rich->turn3, reply_e, 1767225800000001);
  chiaro_history_entry_set_starred (rich->b, TRUE);
  chiaro_history_entry_set_starred (rich->e, TRUE);

  add_reference (state->references, 10, "image/png", "logo.png", "the logo");
  add_reference (state->references, 11, "image/jpeg", NULL, NULL);
  add_reference (state->references, 12, "image/webp", "style «B».webp", "the style");

  chiaro_api_error_set (&api_error, CHIARO_API_ERROR_RATE_LIMITED,
                        "Too many requests. Try again in a minute.",
                        "Resource has been exhausted (e.g. check quota).", 429,
                        "RESOURCE_EXHAUSTED");
  g_ptr_array_add (state->failed_sends,
                   chiaro_failed_send_new (rich->turn3, chiaro_history_entry_get_id (rich->c),
                                           api_error));
  g_ptr_array_add (state->failed_sends,
                   chiaro_failed_send_new (rich->turn1, chiaro_history_entry_get_id (rich->root),
                                           NULL));
}

static void
rich_clear (Rich *rich)
{
  g_clear_pointer (&rich->state, chiaro_project_state_free);
  g_clear_pointer (&rich->turn1, chiaro_turn_unref);
  g_clear_pointer (&rich->turn2, chiaro_turn_unref);
  g_clear_pointer (&rich->turn3, chiaro_turn_unref);
}

static GBytes *
rich_json (void)
{
  Rich rich = { 0, };
  GBytes *json;

  rich_init (&rich);
  json = chiaro_project_state_to_json (rich.state);
  rich_clear (&rich);
  return json;
}

static ChiaroHistoryEntry *
lookup (ChiaroProjectState *state,
        ChiaroHistoryEntry *original)
{
  ChiaroHistoryEntry *entry = chiaro_history_lookup (state->history,
                                                     chiaro_history_entry_get_id (original));

  g_assert_nonnull (entry);
  return entry;
}

static void
assert_parts_equal (ChiaroContent *expected,
                    ChiaroContent *actual)
{
  g_assert_cmpstr (actual->role, ==, expected->role);
  g_assert_cmpstr (actual->model, ==, expected->model);
  g_assert_cmpuint (actual->parts->len, ==, expected->parts->len);
  for (guint i = 0; i < expected->parts->len; i++)
    {
      ChiaroPart *e = g_ptr_array_index (expected->parts, i);
      ChiaroPart *a = g_ptr_array_index (actual->parts, i);

      g_assert_cmpint (a->kind, ==, e->kind);
      g_assert_cmpstr (a->text, ==, e->text);
      g_assert_cmpstr (a->mime_type, ==, e->mime_type);
      g_assert_null (a->data);
      g_assert_cmpint (a->thought, ==, e->thought);
      g_assert_cmpstr (a->thought_signature, ==, e->thought_signature);
      g_assert_cmpint (a->extra != NULL, ==, e->extra != NULL);
      if (e->extra != NULL)
        {
          g_autoptr(JsonNode) en = json_node_init_object (json_node_alloc (), e->extra);
          g_autoptr(JsonNode) an = json_node_init_object (json_node_alloc (), a->extra);

          g_assert_true (json_node_equal (en, an));
        }
    }
}

static void
assert_strv_equal (char **expected,
                   char **actual)
{
  g_assert_nonnull (actual);
  g_assert_cmpuint (g_strv_length (actual), ==, g_strv_length (expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (actual[i], ==, expected[i]);
}

static void
assert_reply_equal (ChiaroReply *expected,
                    ChiaroReply *actual)
{
  assert_parts_equal (expected->content, actual->content);
  assert_strv_equal (expected->content_hashes, actual->content_hashes);
  g_assert_cmpstr (actual->text, ==, expected->text);
  g_assert_cmpstr (actual->thoughts, ==, expected->thoughts);
  g_assert_cmpstr (actual->finish_reason, ==, expected->finish_reason);
  g_assert_cmpstr (actual->finish_message, ==, expected->finish_message);
  g_assert_cmpstr (actual->model_version, ==, expected->model_version);
  g_assert_cmpstr (actual->response_id, ==, expected->response_id);
  g_assert_cmpmem (&actual->usage, sizeof actual->usage, &expected->usage, sizeof expected->usage);
  g_assert_cmpuint (actual->grounding_sources->len, ==, expected->grounding_sources->len);
  for (guint i = 0; i < expected->grounding_sources->len; i++)
    {
      ChiaroGroundingSource *e = g_ptr_array_index (expected->grounding_sources, i);
      ChiaroGroundingSource *a = g_ptr_array_index (actual->grounding_sources, i);

      g_assert_cmpstr (a->title, ==, e->title);
      g_assert_cmpstr (a->uri, ==, e->uri);
    }
  g_assert_cmpuint (actual->attempts, ==, expected->attempts);
  g_assert_cmpfloat (actual->estimated_cost_usd, ==, expected->estimated_cost_usd);
  g_assert_cmpfloat (actual->cost_usd, ==, expected->cost_usd);
  g_assert_cmpint (actual->requested_at, ==, expected->requested_at);
  g_assert_cmpint (actual->received_at, ==, expected->received_at);
}

static void
assert_options_equal (const ChiaroGenerationOptions *expected,
                      const ChiaroGenerationOptions *actual)
{
  g_assert_cmpstr (actual->aspect_ratio, ==, expected->aspect_ratio);
  g_assert_cmpstr (actual->image_size, ==, expected->image_size);
  g_assert_cmpfloat (actual->temperature, ==, expected->temperature);
  g_assert_cmpfloat (actual->top_p, ==, expected->top_p);
  g_assert_cmpint (actual->has_seed, ==, expected->has_seed);
  g_assert_cmpint (actual->seed, ==, expected->seed);
  g_assert_cmpint (actual->grounding, ==, expected->grounding);
  g_assert_cmpint (actual->image_search, ==, expected->image_search);
  g_assert_cmpstr (actual->system_instruction, ==, expected->system_instruction);
  g_assert_cmpstr (actual->thinking_level, ==, expected->thinking_level);
  g_assert_cmpint (actual->include_thoughts, ==, expected->include_thoughts);
}

static void
assert_turn_equal (ChiaroTurn *expected,
                   ChiaroTurn *actual)
{
  g_assert_cmpstr (actual->id, ==, expected->id);
  g_assert_cmpstr (actual->prompt, ==, expected->prompt);
  g_assert_cmpstr (actual->model_id, ==, expected->model_id);
  g_assert_cmpstr (actual->provider, ==, expected->provider);
  g_assert_cmpuint (actual->n_variants, ==, expected->n_variants);
  g_assert_cmpint (actual->created, ==, expected->created);
  assert_options_equal (expected->options, actual->options);
  g_assert_cmpuint (actual->references->len, ==, expected->references->len);
  for (guint i = 0; i < expected->references->len; i++)
    {
      ChiaroTurnReference *e = g_ptr_array_index (expected->references, i);
      ChiaroTurnReference *a = g_ptr_array_index (actual->references, i);

      g_assert_cmpstr (a->hash, ==, e->hash);
      g_assert_cmpstr (a->mime_type, ==, e->mime_type);
      g_assert_cmpstr (a->label, ==, e->label);
    }
  g_assert_cmpint (actual->content != NULL, ==, expected->content != NULL);
  if (expected->content != NULL)
    {
      assert_parts_equal (expected->content, actual->content);
      assert_strv_equal (expected->content_hashes, actual->content_hashes);
    }
  else
    {
      g_assert_null (actual->content_hashes);
    }
}

static void
assert_entry_equal (ChiaroHistoryEntry *expected,
                    ChiaroHistoryEntry *actual)
{
  ChiaroHistoryEntry *expected_parent = chiaro_history_entry_get_parent (expected);

  g_assert_cmpstr (chiaro_history_entry_get_id (actual), ==,
                   chiaro_history_entry_get_id (expected));
  if (expected_parent == NULL)
    g_assert_null (chiaro_history_entry_get_parent (actual));
  else
    g_assert_cmpstr (chiaro_history_entry_get_id (chiaro_history_entry_get_parent (actual)), ==,
                     chiaro_history_entry_get_id (expected_parent));
  g_assert_cmpstr (chiaro_history_entry_get_image_hash (actual), ==,
                   chiaro_history_entry_get_image_hash (expected));
  g_assert_cmpstr (chiaro_history_entry_get_mime_type (actual), ==,
                   chiaro_history_entry_get_mime_type (expected));
  g_assert_cmpint (chiaro_history_entry_get_width (actual), ==,
                   chiaro_history_entry_get_width (expected));
  g_assert_cmpint (chiaro_history_entry_get_height (actual), ==,
                   chiaro_history_entry_get_height (expected));
  g_assert_cmpint (chiaro_history_entry_get_created (actual), ==,
                   chiaro_history_entry_get_created (expected));
  g_assert_cmpint (chiaro_history_entry_get_starred (actual), ==,
                   chiaro_history_entry_get_starred (expected));
  g_assert_cmpint (chiaro_history_entry_get_turn (actual) != NULL, ==,
                   chiaro_history_entry_get_turn (expected) != NULL);
  if (chiaro_history_entry_get_turn (expected) != NULL)
    assert_turn_equal (chiaro_history_entry_get_turn (expected),
                       chiaro_history_entry_get_turn (actual));
  g_assert_cmpint (chiaro_history_entry_get_reply (actual) != NULL, ==,
                   chiaro_history_entry_get_reply (expected) != NULL);
  if (chiaro_history_entry_get_reply (expected) != NULL)
    assert_reply_equal (chiaro_history_entry_get_reply (expected),
                        chiaro_history_entry_get_reply (actual));
}

/* Edits the JSON of a project through @edit and returns the new file. */
typedef void (*EditFunc) (JsonObject *root);

static GBytes *
edit_json (GBytes   *json,
           EditFunc  edit)
{
  g_autoptr(JsonNode) node = chiaro_test_parse_json (json);
  char *text;

  edit (json_node_get_object (node));
  text = node_to_string (node, TRUE);
  return g_bytes_new_take (text, strlen (text));
}

static JsonObject *
entry_at (JsonObject *root,
          guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (root, "entries"), index);
}

static const char *
entry_id (JsonObject *root,
          guint       index)
{
  return json_object_get_string_member (entry_at (root, index), "id");
}

/* Tests */

static void
test_round_trip (void)
{
  Rich rich = { 0, };
  g_autoptr(ChiaroProjectState) loaded = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(ChiaroReference) reference = NULL;
  g_autofree char *text = NULL;
  g_autofree char *h12 = hash_for (12);
  ChiaroFailedSend *failed;
  ChiaroProjectState *state;
  ChiaroHistoryEntry *a;
  ChiaroHistoryEntry *b;
  GListModel *path;

  rich_init (&rich);
  state = rich.state;
  loaded = round_trip (state, &json);

  /* Pretty-printed UTF-8 with the version first. */
  text = bytes_to_string (json);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (g_str_has_prefix (text, "{\n  \"version\" : 1,\n"));
  g_assert_true (g_str_has_suffix (text, "}\n"));
  g_assert_cmpint (state->modified, >=, state->created);

  g_assert_cmpstr (loaded->name, ==, "Bottle on marble");
  g_assert_cmpint (loaded->created, ==, 1767225000000000);
  {
    g_autoptr(ChiaroProjectState) once = load (json);

    g_assert_cmpint (once->modified, ==, state->modified);
  }
  g_assert_cmpstr (loaded->prompt, ==, state->prompt);
  g_assert_cmpstr (loaded->model_id, ==, "gemini-3-pro-image-preview");
  assert_options_equal (state->options, loaded->options);
  g_assert_cmpuint (loaded->n_variants, ==, 3);

  /* Every entry, as it was. */
  g_assert_cmpuint (chiaro_history_get_n_entries (loaded->history), ==, 6);
  assert_entry_equal (rich.root, chiaro_history_get_root (loaded->history));
  assert_entry_equal (rich.a, lookup (loaded, rich.a));
  assert_entry_equal (rich.b, lookup (loaded, rich.b));
  assert_entry_equal (rich.c, lookup (loaded, rich.c));
  assert_entry_equal (rich.d, lookup (loaded, rich.d));
  assert_entry_equal (rich.e, lookup (loaded, rich.e));

  /* The children in order, the turn shared by the variants and the failed send. */
  a = lookup (loaded, rich.a);
  b = lookup (loaded, rich.b);
  g_assert_true (chiaro_history_entry_get_child (a, 0) == lookup (loaded, rich.c));
  g_assert_true (chiaro_history_entry_get_child (a, 1) == lookup (loaded, rich.e));
  g_assert_true (chiaro_history_entry_get_turn (a) == chiaro_history_entry_get_turn (b));
  g_assert_true (((ChiaroFailedSend *) g_ptr_array_index (loaded->failed_sends, 1))->turn ==
                 chiaro_history_entry_get_turn (a));

  /* Unset options stay unset. */
  g_assert_cmpfloat (chiaro_history_entry_get_turn (lookup (loaded, rich.c))->options->temperature,
                     <, 0);
  g_assert_false (chiaro_history_entry_get_turn (lookup (loaded, rich.c))->options->has_seed);
  g_assert_null (chiaro_history_entry_get_turn (lookup (loaded, rich.c))->model_id);
  g_assert_cmpfloat (chiaro_history_entry_get_reply (lookup (loaded, rich.c))->cost_usd, <, 0);

  /* The cursor, and redo memory off the path: a goes back to c, not to the newer e. */
  g_assert_true (chiaro_history_get_cursor (loaded->history) == b);
  g_assert_true (chiaro_history_entry_get_redo_child (a) == lookup (loaded, rich.c));
  g_assert_true (chiaro_history_entry_get_redo_child (chiaro_history_get_root (loaded->history))
                 == b);
  path = chiaro_history_get_path (loaded->history);
  g_assert_cmpuint (g_list_model_get_n_items (path), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_history_get_siblings (loaded->history)), ==,
                    2);

  /* The tray. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (loaded->references)), ==, 3);
  reference = g_list_model_get_item (G_LIST_MODEL (loaded->references), 2);
  g_assert_cmpstr (chiaro_reference_get_hash (reference), ==, h12);
  g_assert_cmpstr (chiaro_reference_get_mime_type (reference), ==, "image/webp");
  g_assert_cmpint (chiaro_reference_get_width (reference), ==, 652);
  g_assert_cmpint (chiaro_reference_get_height (reference), ==, 480);
  g_assert_cmpstr (chiaro_reference_get_display_name (reference), ==, "style «B».webp");
  g_assert_cmpstr (chiaro_reference_get_label (reference), ==, "the style");
  g_clear_object (&reference);
  reference = g_list_model_get_item (G_LIST_MODEL (loaded->references), 1);
  g_assert_null (chiaro_reference_get_display_name (reference));
  g_assert_null (chiaro_reference_get_label (reference));

  /* Failed sends, with the error as shown and the server's words. */
  g_assert_cmpuint (loaded->failed_sends->len, ==, 2);
  failed = g_ptr_array_index (loaded->failed_sends, 0);
  assert_turn_equal (rich.turn3, failed->turn);
  g_assert_cmpstr (failed->parent_id, ==, chiaro_history_entry_get_id (rich.c));
  g_assert_cmpstr (failed->error_message, ==, "Too many requests. Try again in a minute.");
  g_assert_cmpstr (failed->error_detail, ==, "Resource has been exhausted (e.g. check quota).");
  g_assert_true (failed->error_domain == CHIARO_API_ERROR);
  g_assert_cmpint (failed->error_code, ==, CHIARO_API_ERROR_RATE_LIMITED);
  failed = g_ptr_array_index (loaded->failed_sends, 1);
  g_assert_cmpstr (failed->parent_id, ==, chiaro_history_entry_get_id (rich.root));
  g_assert_null (failed->error_message);
  g_assert_null (failed->error_detail);
  g_assert_cmpuint (failed->error_domain, ==, 0);
  g_assert_cmpint (failed->error_code, ==, 0);

  rich_clear (&rich);
}

static void
test_turns_written_once (void)
{
  g_autoptr(GBytes) json = rich_json ();
  g_autoptr(JsonNode) node = chiaro_test_parse_json (json);
  JsonObject *root = json_node_get_object (node);
  JsonArray *turns = json_object_get_array_member (root, "turns");
  JsonArray *entries = json_object_get_array_member (root, "entries");
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  /* turn1 (two entries and a failed send), turn2 (two entries), turn3 (an entry and a
   * failed send): three turns, each once. */
  g_assert_cmpuint (json_array_get_length (turns), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (g_hash_table_add (ids, (gpointer) json_object_get_string_member (
                                       json_array_get_object_element (turns, i), "id")));
  for (guint i = 1; i < json_array_get_length (entries); i++)
    g_assert_true (g_hash_table_contains (ids, json_object_get_string_member (
                                            json_array_get_object_element (entries, i), "turn")));

  /* Parents first. */
  g_assert_false (json_object_has_member (json_array_get_object_element (entries, 0), "parent"));
}

static void
test_stored_content (void)
{
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(ChiaroContent) content = NULL;
  g_autoptr(ChiaroContent) stored = NULL;
  g_autoptr(ChiaroContent) read_back = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) wire_again = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) hashes = NULL;
  g_autofree char *stored_text = NULL;
  g_autofree char *again_text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *data = NULL;
  g_autofree char *h1 = hash_for (1);
  g_autofree char *h2 = hash_for (2);
  const char *store_hashes[] = { h1, h2, NULL };

  {
    g_autoptr(GBytes) bytes = bytes_for (1);

    data = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  }
  wire = chiaro_test_bytes_printf (
    "{\"role\":\"user\",\"parts\":["
    "{\"text\":\"hello\",\"thought\":false,\"thoughtSignature\":\"c2ln\"},"
    "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"},\"thought\":true,"
    "\"thoughtSignature\":\"c2lnMQ==\",\"mediaResolution\":{\"level\":\"HIGH\"}},"
    "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"%s\"}},"
    "{\"fileData\":{\"fileUri\":\"gs://x\"}}]}", data, data);
  node = chiaro_test_parse_json (wire);
  content = chiaro_content_new_from_json (node, &error);
  g_assert_no_error (error);

  stored = chiaro_stored_content_strip (content);
  g_assert_cmpuint (stored->parts->len, ==, 4);
  g_assert_null (((ChiaroPart *) g_ptr_array_index (stored->parts, 1))->data);
  g_assert_nonnull (((ChiaroPart *) g_ptr_array_index (content->parts, 1))->data);
  stored->model = g_strdup ("gemini-3-pro-image-preview");

  chiaro_stored_content_to_json (stored, store_hashes, builder);
  written = json_builder_get_root (builder);
  stored_text = node_to_string (written, FALSE);
  expected = g_strdup_printf ("{\"role\":\"user\",\"parts\":["
                              "{\"text\":\"hello\",\"thoughtSignature\":\"c2ln\","
                              "\"thought\":false},"
                              "{\"inlineData\":{\"mimeType\":\"image/png\","
                              "\"chiaroImage\":\"%s\"},\"thought\":true,"
                              "\"thoughtSignature\":\"c2lnMQ==\","
                              "\"mediaResolution\":{\"level\":\"HIGH\"}},"
                              "{\"inlineData\":{\"mimeType\":\"image/jpeg\","
                              "\"chiaroImage\":\"%s\"}},"
                              "{\"fileData\":{\"fileUri\":\"gs://x\"}}],"
                              "\"model\":\"gemini-3-pro-image-preview\"}", h1, h2);
  g_assert_cmpstr (stored_text, ==, expected);

  read_back = chiaro_stored_content_from_json (written, &hashes, &error);
  g_assert_no_error (error);
  assert_strv_equal ((char **) store_hashes, hashes);
  assert_parts_equal (stored, read_back);

  /* Written again, it is the same text. */
  {
    g_autoptr(JsonBuilder) again = json_builder_new ();
    g_autoptr(JsonNode) again_node = NULL;

    chiaro_stored_content_to_json (read_back, (const char * const *) hashes, again);
    again_node = json_builder_get_root (again);
    again_text = node_to_string (again_node, FALSE);
    g_assert_cmpstr (again_text, ==, stored_text);
  }
}

static void
test_stored_content_corrupt (void)
{
  static const char * const cases[] = {
    "[]",
    "{\"parts\":[]}",
    "{\"role\":\"user\"}",
    "{\"role\":\"user\",\"parts\":{}}",
    "{\"role\":\"user\",\"parts\":[1]}",
    "{\"role\":\"user\",\"parts\":[],\"model\":5}",
    "{\"role\":\"user\",\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\"}}]}",
    "{\"role\":\"user\",\"parts\":[{\"inlineData\":{\"chiaroImage\":\"abc\"}}]}",
    "{\"role\":\"user\",\"parts\":[{\"inlineData\":{\"chiaroImage\":"
    "\"6B1CD6FAF6E52F1E3B4AFE24E4A1EF3BBB64B5C1E4E50E09A9B8B8BA9A5D0A91\"}}]}",
    "{\"role\":\"user\",\"parts\":[{\"inlineData\":\"x\"}]}",
    "{\"role\":\"user\",\"parts\":[{\"inline_data\":{\"mimeType\":\"image/png\","
    "\"data\":\"aGVsbG8=\"}}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = chiaro_test_bytes_from_string (cases[i]);
      g_autoptr(JsonNode) node = chiaro_test_parse_json (bytes);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) hashes = NULL;
      g_autoptr(ChiaroContent) content = NULL;

      g_test_message ("%s", cases[i]);
      content = chiaro_stored_content_from_json (node, &hashes, &error);
      g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT);
      g_assert_null (content);
      g_assert_null (hashes);
      g_assert_true (g_str_has_prefix (error->message, "The project file is damaged"));
    }
}

/* A real Gemini 3 answer: its content, with the image put back from the store, is what
 * came off the wire, signature included. */
static void
test_real_answer (void)
{
  g_autoptr(GBytes) fixture = chiaro_test_read_fixture ("gemini/responses",
                                                        "gemini-3-pro-image-preview.relay-sample."
                                                        "thoughtSignature-jpeg.json");
  g_autoptr(JsonNode) fixture_node = chiaro_test_parse_json (fixture);
  g_autofree char *jpeg = chiaro_test_fixture_base64 ("images/exif-orientation",
                                                      "Landscape_0.jpg");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;
  g_autoptr(ChiaroProjectState) state = chiaro_project_state_new ();
  g_autoptr(ChiaroProjectState) loaded = NULL;
  g_autoptr(ChiaroTurn) turn = chiaro_turn_new ("a bottle", NULL, "gemini-3-pro-image-preview",
                                                "gemini", 1);
  g_autoptr(ChiaroReply) reply = NULL;
  g_autoptr(ChiaroContent) restored = NULL;
  g_autoptr(GHashTable) store = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) hash_list = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) original_builder = json_builder_new ();
  g_autoptr(JsonBuilder) restored_builder = json_builder_new ();
  g_autoptr(JsonNode) original_node = NULL;
  g_autoptr(JsonNode) restored_node = NULL;
  g_autofree char *original_text = NULL;
  g_autofree char *restored_text = NULL;
  ChiaroHistoryEntry *entry;
  ChiaroReply *loaded_reply;
  guint image = 0;

  /* The relay's documentation cut the image short; a whole JPEG takes its place. */
  json_object_set_string_member (json_node_get_object (
                                   chiaro_test_json_get_path (fixture_node,
                                                              "candidates.0.content.parts.0."
                                                              "inlineData")),
                                 "data", jpeg);
  {
    char *text = node_to_string (fixture_node, FALSE);

    body = g_bytes_new_take (text, strlen (text));
  }
  result = chiaro_gemini_parse_response (body, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < result->content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (result->content->parts, i);

      if (part->kind == CHIARO_PART_IMAGE)
        {
          char *hash = chiaro_stored_content_hash (part->data);

          g_hash_table_insert (store, g_strdup (hash), g_bytes_ref (part->data));
          g_ptr_array_add (hash_list, hash);
        }
    }
  g_ptr_array_add (hash_list, NULL);
  g_assert_cmpuint (hash_list->len, ==, 2);

  reply = chiaro_reply_new_from_result (result, (const char * const *) hash_list->pdata, 0.134);
  chiaro_history_add (state->history, NULL, chiaro_history_entry_new_root (NULL, NULL, 0, 0));
  g_object_unref (chiaro_history_get_root (state->history));
  entry = chiaro_history_entry_new_generated (turn, reply, "image/jpeg", 1024, 1024);
  chiaro_history_add (state->history, chiaro_history_get_root (state->history), entry);
  g_object_unref (entry);

  loaded = round_trip (state, NULL);
  loaded_reply = chiaro_history_entry_get_reply (
    chiaro_history_lookup (loaded->history, chiaro_history_entry_get_id (entry)));
  g_assert_cmpstr (loaded_reply->model_version, ==, "gemini-3-pro-image-preview");
  g_assert_cmpstr (loaded_reply->response_id, ==, "KStzabiTDuClqtsP9KiFkQE");
  g_assert_cmpint (loaded_reply->usage.thoughts_tokens, ==, 215);
  g_assert_cmpstr (loaded_reply->finish_reason, ==, "STOP");

  /* Put the bytes back into the image parts. */
  restored = chiaro_content_new (loaded_reply->content->role);
  for (guint i = 0; i < loaded_reply->content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (loaded_reply->content->parts, i);

      if (part->kind == CHIARO_PART_IMAGE)
        {
          GBytes *bytes = g_hash_table_lookup (store, loaded_reply->content_hashes[image++]);
          g_autoptr(ChiaroPart) full = chiaro_part_new_image (bytes, part->mime_type);

          g_assert_nonnull (bytes);
          full->thought = part->thought;
          full->thought_signature = g_strdup (part->thought_signature);
          full->extra = part->extra != NULL ? json_object_ref (part->extra) : NULL;
          chiaro_content_add_part (restored, full);
        }
      else
        {
          chiaro_content_add_part (restored, part);
        }
    }

  chiaro_content_to_json (result->content, original_builder, FALSE);
  chiaro_content_to_json (restored, restored_builder, FALSE);
  original_node = json_builder_get_root (original_builder);
  restored_node = json_builder_get_root (restored_builder);
  original_text = node_to_string (original_node, FALSE);
  restored_text = node_to_string (restored_node, FALSE);
  g_assert_cmpuint (strlen (original_text), >, 1000);
  g_assert_nonnull (strstr (original_text, "\"thoughtSignature\":\"EqCzQgqcs0IB"));
  g_assert_cmpstr (restored_text, ==, original_text);
}

static void
add_unknown_members (JsonObject *root)
{
  JsonObject *entry = entry_at (root, 1);
  JsonObject *turn = json_array_get_object_element (json_object_get_array_member (root, "turns"),
                                                    0);
  JsonObject *nested = json_object_new ();

  json_object_set_string_member (nested, "from", "the future");
  json_object_set_object_member (root, "futureFeature", nested);
  json_object_set_int_member (root, "layers", 3);
  json_object_set_boolean_member (entry, "hidden", TRUE);
  json_object_set_string_member (json_object_get_object_member (entry, "reply"), "mood", "calm");
  json_object_set_string_member (json_object_get_object_member (entry, "image"), "icc", "sRGB");
  json_object_set_double_member (json_object_get_object_member (turn, "options"), "strength",
                                 0.5);
  json_object_set_null_member (turn, "mask");
  json_object_set_int_member (json_array_get_object_element (
                                json_object_get_array_member (root, "references"), 0),
                              "opacity", 1);
  json_object_set_int_member (json_array_get_object_element (
                                json_object_get_array_member (root, "failed_sends"), 0),
                              "retries", 2);
}

static void
test_unknown_members (void)
{
  g_autoptr(GBytes) json = rich_json ();
  g_autoptr(GBytes) edited = edit_json (json, add_unknown_members);
  g_autoptr(ChiaroProjectState) loaded = load (edited);
  g_autoptr(GBytes) saved = chiaro_project_state_to_json (loaded);
  g_autofree char *expected = without_modified (json);
  g_autofree char *actual = without_modified (saved);

  g_assert_null (strstr (actual, "futureFeature"));
  g_assert_cmpstr (actual, ==, expected);
}

static void
set_version_3 (JsonObject *root)
{
  json_object_set_int_member (root, "version", 3);
  json_object_remove_member (root, "entries");
  json_object_set_string_member (root, "cursor", "somewhere new");
}

static void
test_newer_version (void)
{
  g_autoptr(GBytes) json = rich_json ();
  g_autoptr(GBytes) edited = edit_json (json, set_version_3);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroProjectState) state = chiaro_project_state_new_from_json (edited, &error);

  g_assert_null (state);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NEWER_VERSION);
  g_assert_cmpstr (error->message, ==,
                   "This project was saved by a newer version of Chiaro (format 3; this version "
                   "reads format 2). Update Chiaro to open it.");
}

static void
test_truncated (void)
{
  g_autoptr(GBytes) json = rich_json ();
  gsize size = g_bytes_get_size (json);
  const char *data = g_bytes_get_data (json, NULL);
  guint n_checked = 0;

  g_assert_cmpuint (size, >, 5000);
  g_assert_cmpint (data[size - 1], ==, '\n');

  /* Every cut that loses more than the final new line is refused, none crashes. */
  for (gsize length = 0; length < size - 1; length++)
    {
      g_autoptr(GBytes) cut = g_bytes_new_from_bytes (json, 0, length);
      g_autoptr(GError) error = NULL;
      g_autoptr(ChiaroProjectState) state = chiaro_project_state_new_from_json (cut, &error);

      if (state != NULL)
        g_error ("A file cut to %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes was accepted",
                 length, size);
      g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT);
      g_assert_true (g_str_has_prefix (error->message, "The project file is damaged"));
      n_checked++;
    }
  g_assert_cmpuint (n_checked, ==, size - 1);

  /* Without the new line, it is whole. */
  {
    g_autoptr(GBytes) whole = g_bytes_new_from_bytes (json, 0, size - 1);
    g_autoptr(ChiaroProjectState) state = load (whole);

    g_assert_cmpuint (chiaro_history_get_n_entries (state->history), ==, 6);
  }
}

/* Corruptions */

static void
unknown_parent (JsonObject *root)
{
  json_object_set_string_member (entry_at (root, 2), "parent", "nowhere");
}

static void
loop (JsonObject *root)
{
  /* Entries are written depth first: 1 is a, 2 its child c. */
  json_object_set_string_member (entry_at (root, 1), "parent", entry_id (root, 2));
}

static void
own_parent (JsonObject *root)
{
  json_object_set_string_member (entry_at (root, 2), "parent", entry_id (root, 2));
}

/* Only a and c, each the other's parent. */
static void
no_root (JsonObject *root)
{
  JsonArray *old = json_object_get_array_member (root, "entries");
  JsonArray *entries = json_array_new ();

  json_object_set_string_member (entry_at (root, 1), "parent", entry_id (root, 2));
  json_array_add_element (entries, json_node_copy (json_array_get_element (old, 1)));
  json_array_add_element (entries, json_node_copy (json_array_get_element (old, 2)));
  json_object_set_array_member (root, "entries", entries);
}

static void
two_roots (JsonObject *root)
{
  json_object_remove_member (entry_at (root, 3), "parent");
}

static void
duplicate_entry (JsonObject *root)
{
  json_object_set_string_member (entry_at (root, 3), "id", entry_id (root, 2));
}

static void
no_entries (JsonObject *root)
{
  json_object_remove_member (root, "entries");
}

static void
entries_not_array (JsonObject *root)
{
  json_object_set_string_member (root, "entries", "all of them");
}

static void
entry_not_object (JsonObject *root)
{
  json_array_add_int_element (json_object_get_array_member (root, "entries"), 7);
}

static void
entry_without_id (JsonObject *root)
{
  json_object_remove_member (entry_at (root, 2), "id");
}

static void
entry_empty_id (JsonObject *root)
{
  json_object_set_string_member (entry_at (root, 2), "id", "");
}

static void
bad_image_hash (JsonObject *root)
{
  json_object_set_string_member (json_object_get_object_member (entry_at (root, 0), "image"),
                                 "hash", "../../etc/passwd");
}

static void
upper_case_hash (JsonObject *root)
{
  JsonObject *image = json_object_get_object_member (entry_at (root, 1), "image");
  g_autofree char *upper = g_ascii_strup (json_object_get_string_member (image, "hash"), -1);

  json_object_set_string_member (image, "hash", upper);
}

static void
bad_reference_hash (JsonObject *root)
{
  json_object_set_string_member (json_array_get_object_element (
                                   json_object_get_array_member (root, "references"), 1),
                                 "hash", "0123");
}

static void
bad_turn_reference_hash (JsonObject *root)
{
  JsonObject *turn = json_array_get_object_element (json_object_get_array_member (root, "turns"),
                                                    0);

  json_object_set_int_member (json_array_get_object_element (
                                json_object_get_array_member (turn, "references"), 0),
                              "hash", 12);
}

static void
bad_content_hash (JsonObject *root)
{
  JsonObject *reply = json_object_get_object_member (entry_at (root, 1), "reply");
  JsonObject *content = json_object_get_object_member (reply, "content");
  JsonObject *part = json_array_get_object_element (json_object_get_array_member (content,
                                                                                  "parts"), 1);

  json_object_set_string_member (json_object_get_object_member (part, "inlineData"),
                                 "chiaroImage", "not a hash");
}

static void
generated_without_image (JsonObject *root)
{
  json_object_remove_member (entry_at (root, 2), "image");
}

static void
generated_without_turn (JsonObject *root)
{
  json_object_remove_member (entry_at (root, 2), "turn");
}

static void
generated_without_reply (JsonObject *root)
{
  json_object_remove_member (entry_at (root, 2), "reply");
}

static void
unknown_turn (JsonObject *root)
{
  json_object_set_string_member (entry_at (root, 2), "turn", "lost-turn");
}

static void
duplicate_turn (JsonObject *root)
{
  JsonArray *turns = json_object_get_array_member (root, "turns");
  const char *id = json_object_get_string_member (json_array_get_object_element (turns, 0), "id");

  json_object_set_string_member (json_array_get_object_element (turns, 2), "id", id);
}

static void
turn_not_object (JsonObject *root)
{
  json_array_add_string_element (json_object_get_array_member (root, "turns"), "a turn");
}

static void
unknown_cursor (JsonObject *root)
{
  json_object_set_string_member (root, "cursor", "elsewhere");
}

static void
no_cursor (JsonObject *root)
{
  json_object_remove_member (root, "cursor");
}

static void
redo_child_elsewhere (JsonObject *root)
{
  /* a's redo child becomes d, b's child. */
  json_object_set_string_member (entry_at (root, 1), "redo_child", entry_id (root, 5));
}

static void
redo_child_unknown (JsonObject *root)
{
  json_object_set_string_member (entry_at (root, 1), "redo_child", "gone");
}

static void
duplicate_reference (JsonObject *root)
{
  JsonArray *references = json_object_get_array_member (root, "references");

  json_array_add_element (references,
                          json_node_copy (json_array_get_element (references, 0)));
}

static void
too_many_references (JsonObject *root)
{
  JsonArray *references = json_object_get_array_member (root, "references");

  for (guint i = 0; i < 12; i++)
    {
      JsonObject *reference = json_object_new ();
      g_autofree char *hash = hash_for (200 + i);

      json_object_set_string_member (reference, "hash", hash);
      json_object_set_string_member (reference, "mime_type", "image/png");
      json_array_add_object_element (references, reference);
    }
}

static void
failed_send_unknown_parent (JsonObject *root)
{
  json_object_set_string_member (json_array_get_object_element (
                                   json_object_get_array_member (root, "failed_sends"), 0),
                                 "parent", "deleted-entry");
}

static void
failed_send_unknown_turn (JsonObject *root)
{
  json_object_set_string_member (json_array_get_object_element (
                                   json_object_get_array_member (root, "failed_sends"), 0),
                                 "turn", "lost-turn");
}

static void
created_as_text (JsonObject *root)
{
  json_object_set_string_member (entry_at (root, 1), "created", "yesterday");
}

static void
starred_as_text (JsonObject *root)
{
  json_object_set_string_member (entry_at (root, 1), "starred", "yes");
}

static void
negative_width (JsonObject *root)
{
  json_object_set_int_member (json_object_get_object_member (entry_at (root, 1), "image"),
                              "width", -5);
}

static void
hot_temperature (JsonObject *root)
{
  json_object_set_string_member (json_object_get_object_member (root, "options"),
                                 "temperature", "hot");
}

static void
huge_seed (JsonObject *root)
{
  json_object_set_int_member (json_object_get_object_member (root, "options"), "seed",
                              G_GINT64_CONSTANT (1) << 40);
}

static void
zero_variants (JsonObject *root)
{
  json_object_set_int_member (root, "variants", 0);
}

static void
usage_as_array (JsonObject *root)
{
  json_object_set_array_member (json_object_get_object_member (entry_at (root, 1), "reply"),
                                "usage", json_array_new ());
}

static void
version_as_text (JsonObject *root)
{
  json_object_set_string_member (root, "version", "1");
}

static void
version_zero (JsonObject *root)
{
  json_object_set_int_member (root, "version", 0);
}

static void
prompt_as_number (JsonObject *root)
{
  json_object_set_int_member (root, "prompt", 4);
}

static void
test_corrupt (void)
{
  static const struct {
    EditFunc edit;
    const char *message;   /* a part of the error message */
  } cases[] = {
    { unknown_parent, "names a parent, “nowhere”, that does not exist" },
    { loop, "loops back on itself" },
    { own_parent, "loops back on itself" },
    { no_root, "has no first image" },
    { two_roots, "has two first images" },
    { duplicate_entry, "two entries have the id" },
    { no_entries, "“entries” is missing" },
    { entries_not_array, "“entries” is missing or has the wrong type" },
    { entry_not_object, "“entries[6]” is missing or has the wrong type" },
    { entry_without_id, "“entries[2].id” is missing" },
    { entry_empty_id, "“entries[2].id” is missing" },
    { bad_image_hash, "“entries[0].image.hash” is not a valid image hash" },
    { upper_case_hash, "“entries[1].image.hash” is not a valid image hash" },
    { bad_reference_hash, "“references[1].hash” is not a valid image hash" },
    { bad_turn_reference_hash, "“turns[0].references[0].hash” is missing" },
    { bad_content_hash, "names an image by an invalid hash" },
    { generated_without_image, "“entries[2].image” is missing" },
    { generated_without_turn, "“entries[2].turn” is missing" },
    { generated_without_reply, "“entries[2].reply” is missing" },
    { unknown_turn, "names a turn, “lost-turn”, that does not exist" },
    { duplicate_turn, "two turns have the id" },
    { turn_not_object, "“turns[3]” is missing or has the wrong type" },
    { unknown_cursor, "the current image, “elsewhere”, is not in the history" },
    { no_cursor, "“cursor” is missing" },
    { redo_child_elsewhere, "which is not one of its own" },
    { redo_child_unknown, "names “gone” as the image to redo" },
    { duplicate_reference, "“references[3]” cannot be in the tray (This image is already" },
    { too_many_references, "“references[14]” cannot be in the tray (The tray is full" },
    { failed_send_unknown_parent, "was sent from “deleted-entry”, which is not in the history" },
    { failed_send_unknown_turn, "a failed send names a turn, “lost-turn”" },
    { created_as_text, "“entries[1].created” is missing or has the wrong type" },
    { starred_as_text, "“entries[1].starred”" },
    { negative_width, "“entries[1].image.width”" },
    { hot_temperature, "“options.temperature”" },
    { huge_seed, "“options.seed”" },
    { zero_variants, "“variants”" },
    { usage_as_array, "“entries[1].reply.usage”" },
    { version_as_text, "it is empty or is not a Chiaro project" },
    { version_zero, "“version”" },
    { prompt_as_number, "“prompt”" },
  };
  g_autoptr(GBytes) json = rich_json ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) edited = edit_json (json, cases[i].edit);
      g_autoptr(GError) error = NULL;
      g_autoptr(ChiaroProjectState) state = chiaro_project_state_new_from_json (edited, &error);

      g_test_message ("case %u: %s", i, cases[i].message);
      g_assert_null (state);
      g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT);
      g_assert_true (g_str_has_prefix (error->message, "The project file is damaged"));
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].message);
    }
}

static void
test_not_a_project (void)
{
  static const char * const cases[] = {
    "", "   \n", "not json", "{", "[]", "null", "42", "\"project\"", "{}",
    "{\"version\": 1}", "{\"version\": 1.5, \"entries\": []}",
    "{\"version\": 1, \"entries\": [], \"cursor\": \"x\"}",
    "\xff\xfe{}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = chiaro_test_bytes_from_string (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(ChiaroProjectState) state = chiaro_project_state_new_from_json (bytes, &error);
      g_autofree char *escaped = g_strescape (cases[i], NULL);

      g_test_message ("case %u: %s", i, escaped);
      g_assert_null (state);
      g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT);
      g_assert_true (g_str_has_prefix (error->message, "The project file is damaged"));
    }
}

static void
test_empty (void)
{
  g_autoptr(ChiaroProjectState) state = chiaro_project_state_new ();
  g_autoptr(ChiaroProjectState) loaded = NULL;

  loaded = round_trip (state, NULL);
  g_assert_null (chiaro_history_get_root (loaded->history));
  g_assert_null (chiaro_history_get_cursor (loaded->history));
  g_assert_cmpstr (loaded->prompt, ==, "");
  g_assert_null (loaded->name);
  g_assert_null (loaded->model_id);
  g_assert_cmpuint (loaded->n_variants, ==, 1);
  g_assert_cmpfloat (loaded->options->temperature, <, 0);
  g_assert_cmpfloat (loaded->options->top_p, <, 0);
  g_assert_false (loaded->options->has_seed);
  g_assert_cmpuint (loaded->failed_sends->len, ==, 0);

  /* An empty root (text to image) is a root. */
  chiaro_history_add (state->history, NULL, chiaro_history_entry_new_root (NULL, NULL, 0, 0));
  g_object_unref (chiaro_history_get_root (state->history));
  g_clear_pointer (&loaded, chiaro_project_state_free);
  loaded = round_trip (state, NULL);
  g_assert_nonnull (chiaro_history_get_root (loaded->history));
  g_assert_null (chiaro_history_entry_get_image_hash (chiaro_history_get_root (loaded->history)));
}

static void
test_failed_send_parent_deleted (void)
{
  Rich rich = { 0, };
  g_autoptr(ChiaroProjectState) loaded = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroFailedSend *failed;

  rich_init (&rich);

  /* The failed send was made from c; c goes. The prompt is kept, sent from the root. */
  g_assert_true (chiaro_history_remove (rich.state->history, rich.c, NULL, &error));
  g_assert_no_error (error);
  loaded = round_trip (rich.state, NULL);
  g_assert_cmpuint (loaded->failed_sends->len, ==, 2);
  failed = g_ptr_array_index (loaded->failed_sends, 0);
  g_assert_cmpstr (failed->turn->prompt, ==, "");
  g_assert_cmpstr (failed->turn->model_id, ==, "gemini-2.5-flash-image");
  g_assert_cmpstr (failed->parent_id, ==, chiaro_history_entry_get_id (rich.root));
  g_assert_cmpstr (failed->error_message, ==, "Too many requests. Try again in a minute.");

  rich_clear (&rich);
}

/* json-glib quotes the token it choked on cut at a byte count, here in the middle of "…": the
 * message shown must still be UTF-8 (found by fuzz-project-state). */
static void
test_parse_error_cut_character (void)
{
  static const char text[] = "{\"version\": 1, \"imag, keep the logo sharp Reference \xe2\x80\xa6\", "
                             "\"x\": 1}";
  g_autoptr(GBytes) json = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroProjectState) state = chiaro_project_state_new_from_json (json, &error);

  g_assert_null (state);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "keep the logo sharp Reference"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/project-state/round-trip", test_round_trip);
  g_test_add_func ("/chiaro/project-state/turns-written-once", test_turns_written_once);
  g_test_add_func ("/chiaro/project-state/stored-content", test_stored_content);
  g_test_add_func ("/chiaro/project-state/stored-content-corrupt", test_stored_content_corrupt);
  g_test_add_func ("/chiaro/project-state/real-answer", test_real_answer);
  g_test_add_func ("/chiaro/project-state/unknown-members", test_unknown_members);
  g_test_add_func ("/chiaro/project-state/newer-version", test_newer_version);
  g_test_add_func ("/chiaro/project-state/truncated", test_truncated);
  g_test_add_func ("/chiaro/project-state/corrupt", test_corrupt);
  g_test_add_func ("/chiaro/project-state/not-a-project", test_not_a_project);
  g_test_add_func ("/chiaro/project-state/empty", test_empty);
  g_test_add_func ("/chiaro/project-state/parse-error-cut-character",
                   test_parse_error_cut_character);
  g_test_add_func ("/chiaro/project-state/failed-send-parent-deleted",
                   test_failed_send_parent_deleted);

  return g_test_run ();
}
