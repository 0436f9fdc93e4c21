/* chiaro-project-state.c — everything project.json holds, and its JSON form
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * project.json, version 2 (version 1 is the same without "reply_of"):
 *
 *   { "version": 1, "name", "created", "modified", "prompt", "model", "options",
 *     "variants", "cursor": entry id,
 *     "turns":   [ { "id", "created", "prompt", "model", "provider", "variants", "options",
 *                    "pack_id" (optional, a social-format pack's sends share it),
 *                    "references": [ { "hash", "mime_type", "label" } ], "content" } ],
 *     "entries": [ { "id", "parent", "created", "image": { "hash", "mime_type", "width",
 *                    "height" }, "turn": turn id, "reply": { … } or "reply_of": entry id,
 *                    "starred", "redo_child": entry id } ],
 *     "references": [ { "hash", "mime_type", "width", "height", "display_name", "label" } ],
 *     "failed_sends": [ { "turn", "parent", "error_message", "error_detail",
 *                         "error_domain", "error_code" } ] }
 *
 * Turns are written once and named by id, since the variants of a send share theirs. Likewise
 * an answer with several images is an entry per image sharing one reply: the first of them
 * holds "reply", the later ones "reply_of" naming it (same parent, same turn, written
 * before). Only a file with "reply_of" is written as version 2; any other is version 1, as
 * before, so an older Chiaro still opens it (and refuses a version 2 without touching it).
 * Entries are written parents first, children in the order they were added, which is the
 * order they are read back in. Contents are the wire form (chiaro-stored-content.h). Unset
 * values are left out, so they stay unset; unknown members are ignored. Reading checks the
 * whole structure (ids, the tree, hashes, types) and refuses anything wrong with
 * CHIARO_PROJECT_ERROR_CORRUPT rather than guess.
 */

#define G_LOG_DOMAIN "chiaro-project"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-api-error.h"
#include "chiaro-history-entry-private.h"
#include "chiaro-project-error.h"
#include "chiaro-stored-content.h"

#include "chiaro-project-state.h"

/**
 * chiaro_project_state_new:
 *
 * Returns: (transfer full): a state with an empty history and tray, no prompt, default
 *   options and one variant
 */
ChiaroProjectState *
chiaro_project_state_new (void)
{
  ChiaroProjectState *state = g_new0 (ChiaroProjectState, 1);

  state->created = g_get_real_time ();
  state->history = chiaro_history_new ();
  state->references = chiaro_reference_list_new ();
  state->prompt = g_strdup ("");
  state->options = chiaro_generation_options_new ();
  state->n_variants = 1;
  state->failed_sends = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_failed_send_free);
  return state;
}

void
chiaro_project_state_free (ChiaroProjectState *state)
{
  if (state == NULL)
    return;

  g_free (state->name);
  g_clear_object (&state->history);
  g_clear_object (&state->references);
  g_free (state->prompt);
  g_free (state->model_id);
  g_clear_pointer (&state->options, chiaro_generation_options_free);
  g_clear_pointer (&state->failed_sends, g_ptr_array_unref);
  g_free (state);
}

/**
 * chiaro_failed_send_new:
 * @turn: the send's turn
 * @parent_id: the id of the entry it was sent from
 * @error: (nullable): why it failed; %NULL when it was interrupted
 *
 * Returns: (transfer full): the failed send, keeping the error's message, domain, code and
 *   (for %CHIARO_API_ERROR) the server's own words
 */
ChiaroFailedSend *
chiaro_failed_send_new (ChiaroTurn   *turn,
                        const char   *parent_id,
                        const GError *error)
{
  ChiaroFailedSend *failed;

  g_return_val_if_fail (turn != NULL, NULL);
  g_return_val_if_fail (parent_id != NULL, NULL);

  failed = g_new0 (ChiaroFailedSend, 1);
  failed->turn = chiaro_turn_ref (turn);
  failed->parent_id = g_strdup (parent_id);
  if (error != NULL)
    {
      failed->error_message = g_strdup (error->message);
      failed->error_detail = g_strdup (chiaro_api_error_get_detail (error));
      failed->error_domain = error->domain;
      failed->error_code = error->code;
    }
  return failed;
}

void
chiaro_failed_send_free (ChiaroFailedSend *failed)
{
  if (failed == NULL)
    return;

  g_clear_pointer (&failed->turn, chiaro_turn_unref);
  g_free (failed->parent_id);
  g_free (failed->error_message);
  g_free (failed->error_detail);
  g_free (failed);
}

/* Writing */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_true (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  if (!value)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, TRUE);
}

static void
add_double_if_set (JsonBuilder *builder,
                   const char  *name,
                   double       value)
{
  if (value < 0)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static void
write_options (JsonBuilder                   *builder,
               const ChiaroGenerationOptions *options)
{
  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  add_string (builder, "aspect_ratio", options->aspect_ratio);
  add_string (builder, "image_size", options->image_size);
  add_double_if_set (builder, "temperature", options->temperature);
  add_double_if_set (builder, "top_p", options->top_p);
  if (options->has_seed)
    add_int (builder, "seed", options->seed);
  add_true (builder, "grounding", options->grounding);
  add_true (builder, "image_search", options->image_search);
  add_string (builder, "system_instruction", options->system_instruction);
  add_string (builder, "thinking_level", options->thinking_level);
  add_true (builder, "include_thoughts", options->include_thoughts);
  json_builder_end_object (builder);
}

static void
write_content (JsonBuilder   *builder,
               ChiaroContent *content,
               GStrv          hashes)
{
  const char * const none[] = { NULL };
  guint n_hashes = hashes != NULL ? g_strv_length (hashes) : 0;

  /* Checked before the member is named, so a programmer error cannot leave the builder
   * with a member without value. */
  g_return_if_fail (n_hashes == chiaro_content_count_images (content));

  json_builder_set_member_name (builder, "content");
  chiaro_stored_content_to_json (content, hashes != NULL ? (const char * const *) hashes : none,
                                 builder);
}

static void
write_turn (JsonBuilder *builder,
            ChiaroTurn  *turn)
{
  json_builder_begin_object (builder);
  add_string (builder, "id", turn->id);
  add_int (builder, "created", turn->created);
  add_string (builder, "prompt", turn->prompt != NULL ? turn->prompt : "");
  add_string (builder, "model", turn->model_id);
  add_string (builder, "provider", turn->provider);
  add_int (builder, "variants", turn->n_variants);
  write_options (builder, turn->options);
  if (turn->pack_id != NULL)
    add_string (builder, "pack_id", turn->pack_id);

  json_builder_set_member_name (builder, "references");
  json_builder_begin_array (builder);
  for (guint i = 0; i < turn->references->len; i++)
    {
      ChiaroTurnReference *reference = g_ptr_array_index (turn->references, i);

      json_builder_begin_object (builder);
      add_string (builder, "hash", reference->hash);
      add_string (builder, "mime_type", reference->mime_type);
      add_string (builder, "label", reference->label);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (turn->content != NULL)
    write_content (builder, turn->content, turn->content_hashes);

  json_builder_end_object (builder);
}

static void
write_reply (JsonBuilder *builder,
             ChiaroReply *reply)
{
  json_builder_set_member_name (builder, "reply");
  json_builder_begin_object (builder);

  if (reply->content != NULL)
    write_content (builder, reply->content, reply->content_hashes);
  add_string (builder, "text", reply->text);
  add_string (builder, "thoughts", reply->thoughts);
  add_string (builder, "finish_reason", reply->finish_reason);
  add_string (builder, "finish_message", reply->finish_message);
  add_string (builder, "model_version", reply->model_version);
  add_string (builder, "response_id", reply->response_id);

  if (reply->usage.known)
    {
      json_builder_set_member_name (builder, "usage");
      json_builder_begin_object (builder);
      add_int (builder, "prompt_tokens", reply->usage.prompt_tokens);
      add_int (builder, "candidates_tokens", reply->usage.candidates_tokens);
      add_int (builder, "thoughts_tokens", reply->usage.thoughts_tokens);
      add_int (builder, "total_tokens", reply->usage.total_tokens);
      add_int (builder, "image_tokens", reply->usage.image_tokens);
      add_int (builder, "cached_tokens", reply->usage.cached_tokens);
      json_builder_end_object (builder);
    }

  if (reply->grounding_sources != NULL && reply->grounding_sources->len > 0)
    {
      json_builder_set_member_name (builder, "grounding_sources");
      json_builder_begin_array (builder);
      for (guint i = 0; i < reply->grounding_sources->len; i++)
        {
          ChiaroGroundingSource *source = g_ptr_array_index (reply->grounding_sources, i);

          json_builder_begin_object (builder);
          add_string (builder, "title", source->title);
          add_string (builder, "uri", source->uri != NULL ? source->uri : "");
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  add_int (builder, "attempts", reply->attempts);
  add_double_if_set (builder, "estimated_cost_usd", reply->estimated_cost_usd);
  add_double_if_set (builder, "cost_usd", reply->cost_usd);
  add_int (builder, "requested_at", reply->requested_at);
  add_int (builder, "received_at", reply->received_at);

  json_builder_end_object (builder);
}

static void
write_entry (JsonBuilder        *builder,
             ChiaroHistoryEntry *entry)
{
  ChiaroHistoryEntry *parent = chiaro_history_entry_get_parent (entry);
  ChiaroHistoryEntry *visited = chiaro_history_entry_get_visited_child (entry);
  ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);
  ChiaroReply *reply = chiaro_history_entry_get_reply (entry);

  json_builder_begin_object (builder);
  add_string (builder, "id", chiaro_history_entry_get_id (entry));
  if (parent != NULL)
    add_string (builder, "parent", chiaro_history_entry_get_id (parent));
  add_int (builder, "created", chiaro_history_entry_get_created (entry));

  if (chiaro_history_entry_get_image_hash (entry) != NULL)
    {
      json_builder_set_member_name (builder, "image");
      json_builder_begin_object (builder);
      add_string (builder, "hash", chiaro_history_entry_get_image_hash (entry));
      add_string (builder, "mime_type", chiaro_history_entry_get_mime_type (entry));
      add_int (builder, "width", chiaro_history_entry_get_width (entry));
      add_int (builder, "height", chiaro_history_entry_get_height (entry));
      json_builder_end_object (builder);
    }

  if (turn != NULL)
    add_string (builder, "turn", turn->id);
  /* The entries of one answer's images share its reply: the first (written first) holds it,
   * the others name that entry. */
  if (reply != NULL && chiaro_history_entry_get_answer_first (entry) != entry)
    add_string (builder, "reply_of",
                chiaro_history_entry_get_id (chiaro_history_entry_get_answer_first (entry)));
  else if (reply != NULL)
    write_reply (builder, reply);
  add_true (builder, "starred", chiaro_history_entry_get_starred (entry));
  if (visited != NULL)
    add_string (builder, "redo_child", chiaro_history_entry_get_id (visited));

  json_builder_end_object (builder);
}

static void
collect_turn (GPtrArray  *turns,
              GHashTable *seen,
              ChiaroTurn *turn)
{
  /* Turns are told apart by id: two turn structures with one id would make a file that
   * cannot be read back, so the first one is written. */
  if (turn == NULL || g_hash_table_contains (seen, turn->id))
    return;

  g_hash_table_add (seen, turn->id);
  g_ptr_array_add (turns, turn);
}

/**
 * chiaro_project_state_to_json:
 * @state: a state; its modified time is set to now
 *
 * Returns: (transfer full): project.json, pretty-printed UTF-8 ending with a new line
 */
GBytes *
chiaro_project_state_to_json (ChiaroProjectState *state)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) turns = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  ChiaroHistoryEntry *cursor;
  ChiaroHistoryEntry *history_root;
  GListModel *tray;
  gint64 version = 1;
  gsize length;
  char *data;

  g_return_val_if_fail (state != NULL, NULL);
  g_return_val_if_fail (CHIARO_IS_HISTORY (state->history), NULL);
  g_return_val_if_fail (CHIARO_IS_REFERENCE_LIST (state->references), NULL);
  g_return_val_if_fail (state->options != NULL, NULL);

  state->modified = g_get_real_time ();
  entries = chiaro_history_dup_entries (state->history);
  cursor = chiaro_history_get_cursor (state->history);
  history_root = chiaro_history_get_root (state->history);

  for (guint i = 0; i < entries->len; i++)
    collect_turn (turns, seen,
                  chiaro_history_entry_get_turn (g_ptr_array_index (entries, i)));
  for (guint i = 0; i < state->failed_sends->len; i++)
    {
      ChiaroFailedSend *failed = g_ptr_array_index (state->failed_sends, i);

      collect_turn (turns, seen, failed->turn);
    }

  /* Version 2 only adds "reply_of"; a file without it is written as version 1, so that a
   * Chiaro reading only version 1 still opens it. */
  for (guint i = 0; i < entries->len && version < 2; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (entries, i);

      if (chiaro_history_entry_get_answer_first (entry) != entry)
        version = 2;
    }

  json_builder_begin_object (builder);
  add_int (builder, "version", version);
  add_string (builder, "name", state->name);
  add_int (builder, "created", state->created);
  add_int (builder, "modified", state->modified);
  add_string (builder, "prompt", state->prompt != NULL ? state->prompt : "");
  add_string (builder, "model", state->model_id);
  write_options (builder, state->options);
  add_int (builder, "variants", MAX (state->n_variants, 1));
  if (cursor != NULL)
    add_string (builder, "cursor", chiaro_history_entry_get_id (cursor));

  json_builder_set_member_name (builder, "turns");
  json_builder_begin_array (builder);
  for (guint i = 0; i < turns->len; i++)
    write_turn (builder, g_ptr_array_index (turns, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    write_entry (builder, g_ptr_array_index (entries, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "references");
  json_builder_begin_array (builder);
  tray = G_LIST_MODEL (state->references);
  for (guint i = 0; i < g_list_model_get_n_items (tray); i++)
    {
      g_autoptr(ChiaroReference) reference = g_list_model_get_item (tray, i);

      json_builder_begin_object (builder);
      add_string (builder, "hash", chiaro_reference_get_hash (reference));
      add_string (builder, "mime_type", chiaro_reference_get_mime_type (reference));
      add_int (builder, "width", chiaro_reference_get_width (reference));
      add_int (builder, "height", chiaro_reference_get_height (reference));
      add_string (builder, "display_name", chiaro_reference_get_display_name (reference));
      add_string (builder, "label", chiaro_reference_get_label (reference));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "failed_sends");
  json_builder_begin_array (builder);
  for (guint i = 0; i < state->failed_sends->len; i++)
    {
      ChiaroFailedSend *failed = g_ptr_array_index (state->failed_sends, i);
      const char *parent_id = failed->parent_id;

      /* A send whose entry was deleted since would make the file unreadable; its prompt is
       * worth more than where it was sent from. */
      if (parent_id == NULL || chiaro_history_lookup (state->history, parent_id) == NULL)
        {
          if (history_root == NULL)
            continue;
          parent_id = chiaro_history_entry_get_id (history_root);
        }

      json_builder_begin_object (builder);
      add_string (builder, "turn", failed->turn->id);
      add_string (builder, "parent", parent_id);
      add_string (builder, "error_message", failed->error_message);
      add_string (builder, "error_detail", failed->error_detail);
      if (failed->error_domain != 0)
        {
          add_string (builder, "error_domain", g_quark_to_string (failed->error_domain));
          add_int (builder, "error_code", failed->error_code);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  data = json_generator_to_data (generator, &length);

  data = g_realloc (data, length + 1);
  data[length] = '\n';
  return g_bytes_new_take (data, length + 1);
}

/* Reading */

static gboolean
set_member_error (GError     **error,
                  const char  *where,
                  const char  *name)
{
  g_autofree char *path = where != NULL ? g_strdup_printf ("%s.%s", where, name) : g_strdup (name);

  /* Translators: %s names a place in the file, such as entries[3].reply.usage */
  g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
               _("The project file is damaged: “%s” is missing or has the wrong type."), path);
  return FALSE;
}

static gboolean
set_hash_error (GError     **error,
                const char  *where,
                const char  *name)
{
  g_autofree char *path = where != NULL ? g_strdup_printf ("%s.%s", where, name) : g_strdup (name);

  /* Translators: %s names a place in the file, such as entries[3].image.hash */
  g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
               _("The project file is damaged: “%s” is not a valid image hash."), path);
  return FALSE;
}

static JsonNode *
get_value (JsonObject *object,
           const char *name,
           GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

static gboolean
read_string (JsonObject   *object,
             const char   *where,
             const char   *name,
             gboolean      required,
             const char  **out,
             GError      **error)
{
  JsonNode *node = get_value (object, name, G_TYPE_STRING);

  *out = NULL;
  if (node != NULL)
    {
      *out = json_node_get_string (node);
      return TRUE;
    }
  if (required || json_object_has_member (object, name))
    return set_member_error (error, where, name);
  return TRUE;
}

static gboolean
read_hash (JsonObject   *object,
           const char   *where,
           const char   *name,
           const char  **out,
           GError      **error)
{
  if (!read_string (object, where, name, TRUE, out, error))
    return FALSE;
  if (!chiaro_stored_content_hash_is_valid (*out))
    return set_hash_error (error, where, name);
  return TRUE;
}

static gboolean
read_int (JsonObject  *object,
          const char  *where,
          const char  *name,
          gboolean     required,
          gint64       min,
          gint64       max,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = get_value (object, name, G_TYPE_INT64);

  if (node != NULL)
    {
      gint64 value = json_node_get_int (node);

      if (value < min || value > max)
        return set_member_error (error, where, name);
      *out = value;
      return TRUE;
    }
  if (required || json_object_has_member (object, name))
    return set_member_error (error, where, name);
  return TRUE;
}

static gboolean
read_double (JsonObject  *object,
             const char  *where,
             const char  *name,
             double      *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64))
    return set_member_error (error, where, name);
  *out = json_node_get_double (node);
  return TRUE;
}

static gboolean
read_bool (JsonObject  *object,
           const char  *where,
           const char  *name,
           gboolean    *out,
           GError     **error)
{
  JsonNode *node = get_value (object, name, G_TYPE_BOOLEAN);

  *out = FALSE;
  if (node != NULL)
    {
      *out = json_node_get_boolean (node);
      return TRUE;
    }
  if (json_object_has_member (object, name))
    return set_member_error (error, where, name);
  return TRUE;
}

static gboolean
read_object (JsonObject   *object,
             const char   *where,
             const char   *name,
             gboolean      required,
             JsonObject  **out,
             GError      **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      *out = json_node_get_object (node);
      return TRUE;
    }
  if (required || node != NULL)
    return set_member_error (error, where, name);
  return TRUE;
}

static gboolean
read_array (JsonObject  *object,
            const char  *where,
            const char  *name,
            gboolean     required,
            JsonArray  **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      *out = json_node_get_array (node);
      return TRUE;
    }
  if (required || node != NULL)
    return set_member_error (error, where, name);
  return TRUE;
}

/* The @index-th element of @array as an object, or a CORRUPT error naming it. */
static JsonObject *
get_element_object (JsonArray   *array,
                    const char  *array_name,
                    guint        index,
                    char       **where,
                    GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  *where = g_strdup_printf ("%s[%u]", array_name, index);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      /* Translators: %s names a place in the file, such as entries[3] */
      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                   _("The project file is damaged: “%s” is missing or has the wrong type."),
                   *where);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
read_options (JsonObject               *parent,
              const char               *where,
              ChiaroGenerationOptions **out,
              GError                  **error)
{
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autofree char *path = where != NULL ? g_strdup_printf ("%s.options", where)
                                        : g_strdup ("options");
  JsonObject *object;
  const char *text;
  gint64 seed = 0;

  if (!read_object (parent, where, "options", FALSE, &object, error))
    return FALSE;

  if (object != NULL)
    {
      if (!read_string (object, path, "aspect_ratio", FALSE, &text, error))
        return FALSE;
      options->aspect_ratio = g_strdup (text);
      if (!read_string (object, path, "image_size", FALSE, &text, error))
        return FALSE;
      options->image_size = g_strdup (text);
      if (!read_double (object, path, "temperature", &options->temperature, error) ||
          !read_double (object, path, "top_p", &options->top_p, error))
        return FALSE;
      options->has_seed = json_object_has_member (object, "seed");
      if (!read_int (object, path, "seed", FALSE, G_MININT32, G_MAXINT32, &seed, error))
        return FALSE;
      options->seed = (gint32) seed;
      if (!read_bool (object, path, "grounding", &options->grounding, error) ||
          !read_bool (object, path, "image_search", &options->image_search, error) ||
          !read_bool (object, path, "include_thoughts", &options->include_thoughts, error))
        return FALSE;
      if (!read_string (object, path, "system_instruction", FALSE, &text, error))
        return FALSE;
      options->system_instruction = g_strdup (text);
      if (!read_string (object, path, "thinking_level", FALSE, &text, error))
        return FALSE;
      options->thinking_level = g_strdup (text);
    }

  *out = g_steal_pointer (&options);
  return TRUE;
}

static gboolean
read_content (JsonObject     *parent,
              const char     *where,
              gboolean        required,
              ChiaroContent **content,
              GStrv          *hashes,
              GError        **error)
{
  JsonNode *node = json_object_get_member (parent, "content");

  *content = NULL;
  *hashes = NULL;
  if (node == NULL)
    return required ? set_member_error (error, where, "content") : TRUE;

  *content = chiaro_stored_content_from_json (node, hashes, error);
  return *content != NULL;
}

static ChiaroTurn *
read_turn (JsonObject  *object,
           const char  *where,
           GError     **error)
{
  g_autoptr(ChiaroTurn) turn = chiaro_turn_new (NULL, NULL, NULL, NULL, 1);
  g_autofree char *references_where = g_strdup_printf ("%s.references", where);
  JsonArray *references;
  const char *text;
  gint64 n_variants = 1;

  if (!read_string (object, where, "id", TRUE, &text, error))
    return NULL;
  if (*text == '\0')
    {
      set_member_error (error, where, "id");
      return NULL;
    }
  g_free (turn->id);
  turn->id = g_strdup (text);

  if (!read_int (object, where, "created", FALSE, G_MININT64, G_MAXINT64, &turn->created, error))
    return NULL;
  if (!read_string (object, where, "prompt", FALSE, &text, error))
    return NULL;
  g_free (turn->prompt);
  turn->prompt = g_strdup (text != NULL ? text : "");
  if (!read_string (object, where, "model", FALSE, &text, error))
    return NULL;
  turn->model_id = g_strdup (text);
  if (!read_string (object, where, "provider", FALSE, &text, error))
    return NULL;
  turn->provider = g_strdup (text);
  if (!read_int (object, where, "variants", FALSE, 1, G_MAXUINT, &n_variants, error))
    return NULL;
  turn->n_variants = (guint) n_variants;
  /* Optional: files from before packs have none. */
  if (!read_string (object, where, "pack_id", FALSE, &text, error))
    return NULL;
  turn->pack_id = text != NULL && *text != '\0' ? g_strdup (text) : NULL;

  g_clear_pointer (&turn->options, chiaro_generation_options_free);
  if (!read_options (object, where, &turn->options, error))
    return NULL;

  if (!read_array (object, where, "references", FALSE, &references, error))
    return NULL;
  for (guint i = 0; references != NULL && i < json_array_get_length (references); i++)
    {
      g_autofree char *element_where = NULL;
      JsonObject *element = get_element_object (references, references_where, i,
                                                &element_where, error);
      const char *hash;
      const char *mime_type;
      const char *label;

      if (element == NULL ||
          !read_hash (element, element_where, "hash", &hash, error) ||
          !read_string (element, element_where, "mime_type", TRUE, &mime_type, error) ||
          !read_string (element, element_where, "label", FALSE, &label, error))
        return NULL;
      chiaro_turn_add_reference (turn, hash, mime_type, label);
    }

  if (!read_content (object, where, FALSE, &turn->content, &turn->content_hashes, error))
    return NULL;

  return g_steal_pointer (&turn);
}

static ChiaroReply *
read_reply (JsonObject  *object,
            const char  *where,
            GError     **error)
{
  g_autoptr(ChiaroReply) reply = chiaro_reply_new ();
  g_autofree char *path = g_strdup_printf ("%s.reply", where);
  g_autofree char *sources_where = g_strdup_printf ("%s.grounding_sources", path);
  ChiaroContent *content;
  JsonObject *usage;
  JsonArray *sources;
  const char *text;
  gint64 attempts = 1;
  struct {
    const char *name;
    char **field;
  } strings[] = {
    { "text", &reply->text },
    { "thoughts", &reply->thoughts },
    { "finish_reason", &reply->finish_reason },
    { "finish_message", &reply->finish_message },
    { "model_version", &reply->model_version },
    { "response_id", &reply->response_id },
  };

  g_clear_pointer (&reply->content_hashes, g_strfreev);
  if (!read_content (object, path, TRUE, &content, &reply->content_hashes, error))
    return NULL;
  g_clear_pointer (&reply->content, chiaro_content_unref);
  reply->content = content;

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      if (!read_string (object, path, strings[i].name, FALSE, &text, error))
        return NULL;
      *strings[i].field = g_strdup (text);
    }

  if (!read_object (object, path, "usage", FALSE, &usage, error))
    return NULL;
  if (usage != NULL)
    {
      g_autofree char *usage_where = g_strdup_printf ("%s.usage", path);

      reply->usage.known = TRUE;
      if (!read_int (usage, usage_where, "prompt_tokens", FALSE, G_MININT64, G_MAXINT64,
                     &reply->usage.prompt_tokens, error) ||
          !read_int (usage, usage_where, "candidates_tokens", FALSE, G_MININT64, G_MAXINT64,
                     &reply->usage.candidates_tokens, error) ||
          !read_int (usage, usage_where, "thoughts_tokens", FALSE, G_MININT64, G_MAXINT64,
                     &reply->usage.thoughts_tokens, error) ||
          !read_int (usage, usage_where, "total_tokens", FALSE, G_MININT64, G_MAXINT64,
                     &reply->usage.total_tokens, error) ||
          !read_int (usage, usage_where, "image_tokens", FALSE, G_MININT64, G_MAXINT64,
                     &reply->usage.image_tokens, error) ||
          !read_int (usage, usage_where, "cached_tokens", FALSE, G_MININT64, G_MAXINT64,
                     &reply->usage.cached_tokens, error))
        return NULL;
    }

  if (!read_array (object, path, "grounding_sources", FALSE, &sources, error))
    return NULL;
  for (guint i = 0; sources != NULL && i < json_array_get_length (sources); i++)
    {
      g_autofree char *element_where = NULL;
      JsonObject *element = get_element_object (sources, sources_where, i, &element_where,
                                                error);
      const char *title;
      const char *uri;

      if (element == NULL ||
          !read_string (element, element_where, "title", FALSE, &title, error) ||
          !read_string (element, element_where, "uri", TRUE, &uri, error))
        return NULL;
      g_ptr_array_add (reply->grounding_sources, chiaro_grounding_source_new (title, uri));
    }

  if (!read_int (object, path, "attempts", FALSE, 0, G_MAXUINT, &attempts, error))
    return NULL;
  reply->attempts = (guint) attempts;
  if (!read_double (object, path, "estimated_cost_usd", &reply->estimated_cost_usd, error) ||
      !read_double (object, path, "cost_usd", &reply->cost_usd, error) ||
      !read_int (object, path, "requested_at", FALSE, G_MININT64, G_MAXINT64,
                 &reply->requested_at, error) ||
      !read_int (object, path, "received_at", FALSE, G_MININT64, G_MAXINT64,
                 &reply->received_at, error))
    return NULL;

  return g_steal_pointer (&reply);
}

/* An entry as read, before the tree is put together. */
typedef struct
{
  ChiaroHistoryEntry *entry;
  const char *parent_id;      /* (nullable) borrowed from the parsed document */
  const char *redo_child_id;  /* (nullable) */
  GPtrArray *children;        /* (element-type EntryRecord) borrowed, file order */
} EntryRecord;

static void
entry_record_free (EntryRecord *record)
{
  g_clear_object (&record->entry);
  g_clear_pointer (&record->children, g_ptr_array_unref);
  g_free (record);
}

static EntryRecord *
read_entry (JsonObject  *object,
            const char  *where,
            gint64       version,
            GHashTable  *turns,
            GHashTable  *by_id,
            GError     **error)
{
  EntryRecord *record = g_new0 (EntryRecord, 1);
  g_autofree char *image_where = g_strdup_printf ("%s.image", where);
  JsonObject *image;
  JsonObject *reply_object;
  const char *id;
  const char *turn_id;
  const char *reply_of = NULL;
  gint64 created = 0;
  gboolean starred;

  record->children = g_ptr_array_new ();

  if (!read_string (object, where, "id", TRUE, &id, error))
    goto fail;
  if (*id == '\0')
    {
      set_member_error (error, where, "id");
      goto fail;
    }
  record->entry = chiaro_history_entry_new (id);

  if (!read_string (object, where, "parent", FALSE, &record->parent_id, error) ||
      !read_string (object, where, "redo_child", FALSE, &record->redo_child_id, error) ||
      !read_int (object, where, "created", FALSE, G_MININT64, G_MAXINT64, &created, error) ||
      !read_bool (object, where, "starred", &starred, error))
    goto fail;
  chiaro_history_entry_set_created (record->entry, created);
  chiaro_history_entry_set_starred (record->entry, starred);

  /* Only the root may lack an image (an empty root), a turn and a reply. */
  if (!read_object (object, where, "image", record->parent_id != NULL, &image, error))
    goto fail;
  if (image != NULL)
    {
      const char *hash;
      const char *mime_type;
      gint64 width = 0;
      gint64 height = 0;

      if (!read_hash (image, image_where, "hash", &hash, error) ||
          !read_string (image, image_where, "mime_type", FALSE, &mime_type, error) ||
          !read_int (image, image_where, "width", FALSE, 0, G_MAXINT, &width, error) ||
          !read_int (image, image_where, "height", FALSE, 0, G_MAXINT, &height, error))
        goto fail;
      chiaro_history_entry_set_image (record->entry, hash, mime_type, width, height);
    }

  if (!read_string (object, where, "turn", record->parent_id != NULL, &turn_id, error))
    goto fail;
  if (turn_id != NULL)
    {
      ChiaroTurn *turn = g_hash_table_lookup (turns, turn_id);

      if (turn == NULL)
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: entry “%s” names a turn, “%s”, that "
                         "does not exist."), id, turn_id);
          goto fail;
        }
      chiaro_history_entry_set_turn (record->entry, turn);
    }

  /* Version 2: a later entry made from the same answer names the entry holding the reply. */
  if (version >= 2 &&
      !read_string (object, where, "reply_of", FALSE, &reply_of, error))
    goto fail;
  if (reply_of != NULL)
    {
      EntryRecord *first = g_hash_table_lookup (by_id, reply_of);

      if (json_object_has_member (object, "reply"))
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: entry “%s” has a reply and shares "
                         "another entry’s too."), id);
          goto fail;
        }
      if (first == NULL || record->parent_id == NULL ||
          chiaro_history_entry_get_reply (first->entry) == NULL ||
          g_strcmp0 (first->parent_id, record->parent_id) != 0 ||
          chiaro_history_entry_get_turn (first->entry) !=
          chiaro_history_entry_get_turn (record->entry))
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: entry “%s” shares the answer of “%s”, "
                         "which is not an earlier image of the same answer."), id, reply_of);
          goto fail;
        }
      chiaro_history_entry_set_reply (record->entry,
                                      chiaro_history_entry_get_reply (first->entry));
      return record;
    }

  if (!read_object (object, where, "reply", record->parent_id != NULL, &reply_object, error))
    goto fail;
  if (reply_object != NULL)
    {
      g_autoptr(ChiaroReply) reply = read_reply (reply_object, where, error);

      if (reply == NULL)
        goto fail;
      chiaro_history_entry_set_reply (record->entry, reply);
    }

  return record;

fail:
  entry_record_free (record);
  return NULL;
}

static gboolean
read_history (JsonObject     *root,
              gint64          version,
              GHashTable     *turns,
              ChiaroHistory  *history,
              GError        **error)
{
  g_autoptr(GPtrArray) records =
    g_ptr_array_new_with_free_func ((GDestroyNotify) entry_record_free);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();
  EntryRecord *root_record = NULL;
  JsonArray *array;
  const char *cursor_id;
  ChiaroHistoryEntry *cursor;

  if (!read_array (root, NULL, "entries", TRUE, &array, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = NULL;
      JsonObject *object = get_element_object (array, "entries", i, &where, error);
      EntryRecord *record;
      const char *id;

      if (object == NULL)
        return FALSE;
      record = read_entry (object, where, version, turns, by_id, error);
      if (record == NULL)
        return FALSE;
      g_ptr_array_add (records, record);

      id = chiaro_history_entry_get_id (record->entry);
      if (g_hash_table_contains (by_id, id))
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: two entries have the id “%s”."), id);
          return FALSE;
        }
      g_hash_table_insert (by_id, (gpointer) id, record);
    }

  if (!read_string (root, NULL, "cursor", records->len > 0, &cursor_id, error))
    return FALSE;

  if (records->len == 0)
    {
      if (cursor_id != NULL)
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: the current image, “%s”, is not in "
                         "the history."), cursor_id);
          return FALSE;
        }
      return TRUE;
    }

  /* Link children to parents in file order; find the one root. */
  for (guint i = 0; i < records->len; i++)
    {
      EntryRecord *record = g_ptr_array_index (records, i);
      const char *id = chiaro_history_entry_get_id (record->entry);
      EntryRecord *parent;

      if (record->parent_id == NULL)
        {
          if (root_record != NULL)
            {
              g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                           _("The project file is damaged: the history has two first images, "
                             "“%s” and “%s”."),
                           chiaro_history_entry_get_id (root_record->entry), id);
              return FALSE;
            }
          root_record = record;
          continue;
        }

      parent = g_hash_table_lookup (by_id, record->parent_id);
      if (parent == NULL)
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: entry “%s” names a parent, “%s”, that "
                         "does not exist."), id, record->parent_id);
          return FALSE;
        }
      g_ptr_array_add (parent->children, record);
    }

  if (root_record == NULL)
    {
      g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                           _("The project file is damaged: the history has no first image."));
      return FALSE;
    }

  /* Breadth first from the root: an entry that is never reached is on a loop. */
  chiaro_history_add (history, NULL, root_record->entry);
  g_ptr_array_add (queue, root_record);
  for (guint i = 0; i < queue->len; i++)
    {
      EntryRecord *record = g_ptr_array_index (queue, i);

      for (guint j = 0; j < record->children->len; j++)
        {
          EntryRecord *child = g_ptr_array_index (record->children, j);

          chiaro_history_add (history, record->entry, child->entry);
          g_ptr_array_add (queue, child);
        }
    }

  if (queue->len < records->len)
    {
      for (guint i = 0; i < records->len; i++)
        {
          EntryRecord *record = g_ptr_array_index (records, i);
          const char *id = chiaro_history_entry_get_id (record->entry);

          if (chiaro_history_lookup (history, id) != record->entry)
            {
              g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                           _("The project file is damaged: the history loops back on itself "
                             "at entry “%s”."), id);
              return FALSE;
            }
        }
      g_assert_not_reached ();
    }

  for (guint i = 0; i < records->len; i++)
    {
      EntryRecord *record = g_ptr_array_index (records, i);
      EntryRecord *child;

      if (record->redo_child_id == NULL)
        continue;

      child = g_hash_table_lookup (by_id, record->redo_child_id);
      if (child == NULL ||
          chiaro_history_entry_get_parent (child->entry) != record->entry)
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: entry “%s” names “%s” as the image to "
                         "redo, which is not one of its own."),
                       chiaro_history_entry_get_id (record->entry), record->redo_child_id);
          return FALSE;
        }
      chiaro_history_entry_set_visited_child (record->entry, child->entry);
    }

  cursor = chiaro_history_lookup (history, cursor_id);
  if (cursor == NULL)
    {
      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                   _("The project file is damaged: the current image, “%s”, is not in the "
                     "history."), cursor_id);
      return FALSE;
    }
  chiaro_history_set_cursor (history, cursor);

  return TRUE;
}

static gboolean
read_turns (JsonObject  *root,
            GHashTable  *turns,
            GError     **error)
{
  JsonArray *array;

  if (!read_array (root, NULL, "turns", FALSE, &array, error))
    return FALSE;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *where = NULL;
      JsonObject *object = get_element_object (array, "turns", i, &where, error);
      ChiaroTurn *turn;

      if (object == NULL)
        return FALSE;
      turn = read_turn (object, where, error);
      if (turn == NULL)
        return FALSE;
      if (g_hash_table_contains (turns, turn->id))
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: two turns have the id “%s”."),
                       turn->id);
          chiaro_turn_unref (turn);
          return FALSE;
        }
      g_hash_table_insert (turns, turn->id, turn);
    }
  return TRUE;
}

static gboolean
read_references (JsonObject           *root,
                 ChiaroReferenceList  *references,
                 GError              **error)
{
  JsonArray *array;

  if (!read_array (root, NULL, "references", FALSE, &array, error))
    return FALSE;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *where = NULL;
      JsonObject *object = get_element_object (array, "references", i, &where, error);
      g_autoptr(ChiaroReference) reference = NULL;
      g_autoptr(GError) local_error = NULL;
      const char *hash;
      const char *mime_type;
      const char *display_name;
      const char *label;
      gint64 width = 0;
      gint64 height = 0;

      if (object == NULL ||
          !read_hash (object, where, "hash", &hash, error) ||
          !read_string (object, where, "mime_type", TRUE, &mime_type, error) ||
          !read_int (object, where, "width", FALSE, 0, G_MAXINT, &width, error) ||
          !read_int (object, where, "height", FALSE, 0, G_MAXINT, &height, error) ||
          !read_string (object, where, "display_name", FALSE, &display_name, error) ||
          !read_string (object, where, "label", FALSE, &label, error))
        return FALSE;

      reference = chiaro_reference_new (hash, mime_type, width, height, display_name);
      chiaro_reference_set_label (reference, label);
      if (!chiaro_reference_list_insert (references, G_MAXUINT, reference, &local_error))
        {
          /* Translators: %s names a place in the file, then says what is wrong with it */
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: “%s” cannot be in the tray (%s)"),
                       where, local_error->message);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_failed_sends (JsonObject     *root,
                   GHashTable     *turns,
                   ChiaroHistory  *history,
                   GPtrArray      *failed_sends,
                   GError        **error)
{
  JsonArray *array;

  if (!read_array (root, NULL, "failed_sends", FALSE, &array, error))
    return FALSE;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *where = NULL;
      JsonObject *object = get_element_object (array, "failed_sends", i, &where, error);
      ChiaroFailedSend *failed;
      ChiaroTurn *turn;
      const char *turn_id;
      const char *parent_id;
      const char *message;
      const char *detail;
      const char *domain;
      gint64 code = 0;

      if (object == NULL ||
          !read_string (object, where, "turn", TRUE, &turn_id, error) ||
          !read_string (object, where, "parent", TRUE, &parent_id, error) ||
          !read_string (object, where, "error_message", FALSE, &message, error) ||
          !read_string (object, where, "error_detail", FALSE, &detail, error) ||
          !read_string (object, where, "error_domain", FALSE, &domain, error) ||
          !read_int (object, where, "error_code", FALSE, G_MININT, G_MAXINT, &code, error))
        return FALSE;

      turn = g_hash_table_lookup (turns, turn_id);
      if (turn == NULL)
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: a failed send names a turn, “%s”, "
                         "that does not exist."), turn_id);
          return FALSE;
        }
      if (chiaro_history_lookup (history, parent_id) == NULL)
        {
          g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                       _("The project file is damaged: a failed send was sent from “%s”, "
                         "which is not in the history."), parent_id);
          return FALSE;
        }

      failed = chiaro_failed_send_new (turn, parent_id, NULL);
      failed->error_message = g_strdup (message);
      failed->error_detail = g_strdup (detail);
      failed->error_domain = domain != NULL && *domain != '\0' ? g_quark_from_string (domain) : 0;
      failed->error_code = (int) code;
      g_ptr_array_add (failed_sends, failed);
    }
  return TRUE;
}

/**
 * chiaro_project_state_new_from_json:
 * @json: the bytes of project.json
 * @error: %CHIARO_PROJECT_ERROR_NEWER_VERSION for a file from a newer Chiaro,
 *   %CHIARO_PROJECT_ERROR_CORRUPT for anything that cannot be read exactly
 *
 * Returns: (transfer full) (nullable): the state
 */
ChiaroProjectState *
chiaro_project_state_new_from_json (GBytes  *json,
                                    GError **error)
{
  g_autoptr(ChiaroProjectState) state = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GHashTable) turns = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root_node;
  JsonObject *root;
  const char *text;
  gint64 version = 0;
  gint64 n_variants = 1;
  gsize size;
  const char *data;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (json, &size);
  if (size > G_MAXSSIZE)
    size = G_MAXSSIZE;
  if (!json_parser_load_from_data (parser, data != NULL ? data : "", size, &parse_error))
    {
      /* json-glib quotes the bad token cut at a byte count, which can split a character. */
      g_autofree char *reason = g_utf8_make_valid (parse_error->message, -1);

      /* Translators: %s is the JSON parser's explanation */
      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                   _("The project file is damaged or incomplete and cannot be read (%s)."),
                   reason);
      return NULL;
    }

  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node) ||
      get_value (json_node_get_object (root_node), "version", G_TYPE_INT64) == NULL)
    {
      g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                           _("The project file is damaged: it is empty or is not a Chiaro "
                             "project."));
      return NULL;
    }

  root = json_node_get_object (root_node);
  version = json_object_get_int_member (root, "version");
  if (version > CHIARO_PROJECT_STATE_VERSION)
    {
      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NEWER_VERSION,
                   _("This project was saved by a newer version of Chiaro (format %"
                     G_GINT64_FORMAT "; this version reads format %d). Update Chiaro to open "
                     "it."),
                   version, CHIARO_PROJECT_STATE_VERSION);
      return NULL;
    }
  if (version < 1)
    {
      set_member_error (error, NULL, "version");
      return NULL;
    }

  state = chiaro_project_state_new ();
  turns = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                 (GDestroyNotify) chiaro_turn_unref);

  if (!read_string (root, NULL, "name", FALSE, &text, error))
    return NULL;
  state->name = g_strdup (text);
  if (!read_int (root, NULL, "created", FALSE, G_MININT64, G_MAXINT64, &state->created, error) ||
      !read_int (root, NULL, "modified", FALSE, G_MININT64, G_MAXINT64, &state->modified, error))
    return NULL;
  if (!read_string (root, NULL, "prompt", FALSE, &text, error))
    return NULL;
  g_free (state->prompt);
  state->prompt = g_strdup (text != NULL ? text : "");
  if (!read_string (root, NULL, "model", FALSE, &text, error))
    return NULL;
  state->model_id = g_strdup (text);
  g_clear_pointer (&state->options, chiaro_generation_options_free);
  if (!read_options (root, NULL, &state->options, error))
    return NULL;
  if (!read_int (root, NULL, "variants", FALSE, 1, G_MAXUINT, &n_variants, error))
    return NULL;
  state->n_variants = (guint) n_variants;

  if (!read_turns (root, turns, error) ||
      !read_history (root, version, turns, state->history, error) ||
      !read_references (root, state->references, error) ||
      !read_failed_sends (root, turns, state->history, state->failed_sends, error))
    return NULL;

  return g_steal_pointer (&state);
}
