/* chiaro-cli-project.c — chiaro-cli project show|undo|redo: a project's history
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `show` only reads: it parses project.json itself and takes no lock, so it works while the
 * app or a `generate --project` holds the project open (project.json is replaced atomically,
 * so it reads one whole state or the next). When project.json cannot be read it shows the
 * backup and says so. `undo` and `redo` open the project as the app does (locked, the backup
 * used when project.json is unreadable), move the cursor and save.
 */

#define G_LOG_DOMAIN "chiaro-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "chiaro-document.h"
#include "chiaro-image-store.h"
#include "chiaro-project-error.h"
#include "chiaro-project-state.h"
#include "chiaro-project-store.h"

#include "chiaro-cli.h"

/* The names of DESIGN §6 (chiaro-project-store.h). */
#define PROJECT_FILE "project.json"
#define BACKUP_FILE  "project.json.bak"

/* The longest prompt shown on one line of the tree. */
#define PROMPT_CHARS 60

static char *
dup_image_path (ChiaroImageStore *images,
                const char       *hash,
                const char       *mime_type)
{
  g_autoptr(GFile) file = NULL;

  if (hash == NULL)
    return NULL;
  file = chiaro_image_store_get_file (images, hash, mime_type);
  return g_file_get_path (file);
}

static void
add_double_or_null (JsonBuilder *builder,
                    const char  *name,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  if (value >= 0)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       usec)
{
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *text = NULL;

  json_builder_set_member_name (builder, name);
  time = usec > 0 ? g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC) : NULL;
  text = time != NULL ? g_date_time_format_iso8601 (time) : NULL;
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

/* The cost of an entry: what its answer cost when known, else the estimate. */
static double
entry_cost (ChiaroHistoryEntry *entry)
{
  ChiaroReply *reply = chiaro_history_entry_get_reply (entry);

  if (reply == NULL)
    return -1;
  return reply->cost_usd >= 0 ? reply->cost_usd : reply->estimated_cost_usd;
}

/**
 * chiaro_cli_read_project_state:
 * @command: the command, for messages ("project", "export")
 * @dir: the project folder
 * @read_from: (out): the file read
 * @error: a #GError
 *
 * Reads project.json, else the backup (saying so). No lock: the files are replaced whole.
 *
 * Returns: (transfer full) (nullable): the state
 */
ChiaroProjectState *
chiaro_cli_read_project_state (const char  *command,
                               GFile       *dir,
                               char       **read_from,
                               GError     **error)
{
  const char *names[] = { PROJECT_FILE, BACKUP_FILE };
  g_autoptr(GError) main_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GFile) file = g_file_get_child (dir, names[i]);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *name = g_file_get_parse_name (file);
      ChiaroProjectState *state;
      gsize length;

      if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
        {
          if (i == 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            g_set_error (&main_error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND,
                         _("“%s” is missing."), name);
          else if (i == 0)
            g_set_error (&main_error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO,
                         /* Translators: a file name, then the system's reason. */
                         _("“%s” cannot be read: %s"), name, local_error->message);
          else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
                   g_error_matches (main_error, CHIARO_PROJECT_ERROR,
                                    CHIARO_PROJECT_ERROR_NOT_FOUND))
            {
              g_autofree char *dir_name = g_file_get_parse_name (dir);

              g_clear_error (&main_error);
              g_set_error (&main_error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND,
                           _("There is no project in “%s”."), dir_name);
            }
          continue;
        }

      bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
      state = chiaro_project_state_new_from_json (bytes, &local_error);
      if (state != NULL)
        {
          if (i > 0)
            {
              g_printerr ("chiaro-cli %s: %s\n", command, main_error->message);
              g_printerr ("chiaro-cli %s: ", command);
              /* Translators: %s is a file name, project.json.bak. */
              g_printerr (_("Showing the last good state, from the backup “%s”.\n"), name);
            }
          *read_from = g_strdup (names[i]);
          return state;
        }

      if (i == 0)
        {
          /* Say which file, when the parser did not. */
          if (strstr (local_error->message, name) == NULL)
            g_prefix_error (&local_error, "%s: ", name);
          g_propagate_error (&main_error, g_steal_pointer (&local_error));
        }

      /* A project from a newer Chiaro is not shown from an older backup. */
      if (g_error_matches (main_error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NEWER_VERSION))
        break;
    }

  g_propagate_error (error, g_steal_pointer (&main_error));
  return NULL;
}

static void
add_usage (JsonBuilder *builder,
           ChiaroReply *reply)
{
  json_builder_set_member_name (builder, "usage");
  if (reply == NULL || !reply->usage.known)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, reply->usage.prompt_tokens);
  json_builder_set_member_name (builder, "output_tokens");
  json_builder_add_int_value (builder,
                              reply->usage.candidates_tokens + reply->usage.thoughts_tokens);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, reply->usage.total_tokens);
  json_builder_end_object (builder);
}

static void
add_turn (JsonBuilder      *builder,
          ChiaroImageStore *images,
          ChiaroTurn       *turn)
{
  chiaro_cli_json_add_string (builder, "turn", turn != NULL ? turn->id : NULL);
  chiaro_cli_json_add_string (builder, "prompt", turn != NULL ? turn->prompt : NULL);
  chiaro_cli_json_add_string (builder, "model", turn != NULL ? turn->model_id : NULL);
  chiaro_cli_json_add_string (builder, "provider", turn != NULL ? turn->provider : NULL);
  chiaro_cli_json_add_string (builder, "aspect", turn != NULL && turn->options != NULL
                                                 ? turn->options->aspect_ratio : NULL);
  chiaro_cli_json_add_string (builder, "size", turn != NULL && turn->options != NULL
                                               ? turn->options->image_size : NULL);
  chiaro_cli_json_add_string (builder, "pack", turn != NULL ? turn->pack_id : NULL);
  json_builder_set_member_name (builder, "references");
  json_builder_begin_array (builder);
  for (guint i = 0; turn != NULL && turn->references != NULL && i < turn->references->len; i++)
    {
      ChiaroTurnReference *reference = g_ptr_array_index (turn->references, i);
      g_autofree char *path = dup_image_path (images, reference->hash, reference->mime_type);

      json_builder_begin_object (builder);
      chiaro_cli_json_add_string (builder, "hash", reference->hash);
      chiaro_cli_json_add_string (builder, "label", reference->label);
      chiaro_cli_json_add_string (builder, "image", path);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_entry (JsonBuilder        *builder,
           ChiaroHistory      *history,
           ChiaroImageStore   *images,
           ChiaroHistoryEntry *entry,
           GHashTable         *on_path)
{
  ChiaroHistoryEntry *parent = chiaro_history_entry_get_parent (entry);
  ChiaroHistoryEntry *redo = chiaro_history_entry_get_redo_child (entry);
  ChiaroReply *reply = chiaro_history_entry_get_reply (entry);
  const char *hash = chiaro_history_entry_get_image_hash (entry);
  g_autofree char *path = dup_image_path (images, hash, chiaro_history_entry_get_mime_type (entry));
  g_autoptr(GPtrArray) variants = NULL;

  json_builder_begin_object (builder);
  chiaro_cli_json_add_string (builder, "id", chiaro_history_entry_get_id (entry));
  chiaro_cli_json_add_string (builder, "parent",
                              parent != NULL ? chiaro_history_entry_get_id (parent) : NULL);
  json_builder_set_member_name (builder, "children");
  json_builder_begin_array (builder);
  for (guint i = 0; i < chiaro_history_entry_get_n_children (entry); i++)
    {
      ChiaroHistoryEntry *child = chiaro_history_entry_get_child (entry, i);

      json_builder_add_string_value (builder, chiaro_history_entry_get_id (child));
    }
  json_builder_end_array (builder);
  chiaro_cli_json_add_string (builder, "redo_child",
                              redo != NULL ? chiaro_history_entry_get_id (redo) : NULL);
  json_builder_set_member_name (builder, "depth");
  json_builder_add_int_value (builder, chiaro_history_entry_get_depth (entry));
  json_builder_set_member_name (builder, "on_path");
  json_builder_add_boolean_value (builder, g_hash_table_contains (on_path, entry));
  json_builder_set_member_name (builder, "cursor");
  json_builder_add_boolean_value (builder, entry == chiaro_history_get_cursor (history));
  json_builder_set_member_name (builder, "starred");
  json_builder_add_boolean_value (builder, chiaro_history_entry_get_starred (entry));
  add_time (builder, "created", chiaro_history_entry_get_created (entry));

  add_turn (builder, images, chiaro_history_entry_get_turn (entry));
  if (chiaro_history_entry_get_turn (entry) != NULL)
    {
      guint index = 0;

      variants = chiaro_history_dup_variants (history, entry);
      g_ptr_array_find (variants, entry, &index);
      json_builder_set_member_name (builder, "variant");
      json_builder_add_int_value (builder, index + 1);
      json_builder_set_member_name (builder, "n_variants");
      json_builder_add_int_value (builder, variants->len);
    }

  chiaro_cli_json_add_string (builder, "image", path);
  chiaro_cli_json_add_string (builder, "image_hash", hash);
  json_builder_set_member_name (builder, "image_present");
  json_builder_add_boolean_value (builder, path != NULL && g_file_test (path, G_FILE_TEST_EXISTS));
  chiaro_cli_json_add_string (builder, "mime", chiaro_history_entry_get_mime_type (entry));
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, chiaro_history_entry_get_width (entry));
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, chiaro_history_entry_get_height (entry));

  chiaro_cli_json_add_string (builder, "text", reply != NULL ? reply->text : NULL);
  chiaro_cli_json_add_string (builder, "finish_reason",
                              reply != NULL ? reply->finish_reason : NULL);
  add_double_or_null (builder, "estimated_cost_usd",
                      reply != NULL ? reply->estimated_cost_usd : -1);
  add_double_or_null (builder, "cost_usd", reply != NULL ? reply->cost_usd : -1);
  add_usage (builder, reply);
  /* Entries made from one answer's several images share its text, cost and usage; the later
   * ones name the first, so that totals count the answer once. */
  chiaro_cli_json_add_string (builder, "same_answer_as",
                              chiaro_history_entry_get_answer_first (entry) != entry
                              ? chiaro_history_entry_get_id (
                                  chiaro_history_entry_get_answer_first (entry))
                              : NULL);
  json_builder_end_object (builder);
}

static void
show_json (GFile              *dir,
           ChiaroProjectState *state,
           ChiaroImageStore   *images,
           const char         *read_from,
           GHashTable         *on_path,
           gboolean            locked,
           int                 holder)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) entries = chiaro_history_dup_entries (state->history);
  g_autoptr(GPtrArray) replies = chiaro_history_dup_replies (state->history);
  g_autofree char *path = g_file_get_path (dir);
  ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (state->history);
  ChiaroHistoryEntry *root = chiaro_history_get_root (state->history);
  GListModel *tray = G_LIST_MODEL (state->references);
  double cost = 0, estimate = 0;

  /* Each answer once: the entries made from one answer's images share its reply. */
  for (guint i = 0; i < replies->len; i++)
    {
      ChiaroReply *reply = g_ptr_array_index (replies, i);

      if (reply->cost_usd >= 0)
        cost += reply->cost_usd;
      if (reply->estimated_cost_usd >= 0)
        estimate += reply->estimated_cost_usd;
    }

  json_builder_begin_object (builder);
  chiaro_cli_json_add_string (builder, "project", path);
  chiaro_cli_json_add_string (builder, "read_from", read_from);
  json_builder_set_member_name (builder, "open_elsewhere");
  json_builder_add_boolean_value (builder, locked);
  json_builder_set_member_name (builder, "holder_pid");
  if (locked && holder > 0)
    json_builder_add_int_value (builder, holder);
  else
    json_builder_add_null_value (builder);
  chiaro_cli_json_add_string (builder, "name", state->name);
  add_time (builder, "created", state->created);
  add_time (builder, "modified", state->modified);
  chiaro_cli_json_add_string (builder, "root", chiaro_history_entry_get_id (root));
  chiaro_cli_json_add_string (builder, "cursor", chiaro_history_entry_get_id (cursor));
  chiaro_cli_json_add_string (builder, "prompt", state->prompt);
  chiaro_cli_json_add_string (builder, "model", state->model_id);
  json_builder_set_member_name (builder, "n_variants");
  json_builder_add_int_value (builder, state->n_variants);
  json_builder_set_member_name (builder, "cost_usd");
  json_builder_add_double_value (builder, cost);
  json_builder_set_member_name (builder, "estimated_cost_usd");
  json_builder_add_double_value (builder, estimate);

  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    add_entry (builder, state->history, images, g_ptr_array_index (entries, i), on_path);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "references");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (tray); i++)
    {
      g_autoptr(ChiaroReference) reference = g_list_model_get_item (tray, i);
      g_autofree char *image = dup_image_path (images, chiaro_reference_get_hash (reference),
                                               chiaro_reference_get_mime_type (reference));

      json_builder_begin_object (builder);
      chiaro_cli_json_add_string (builder, "hash", chiaro_reference_get_hash (reference));
      chiaro_cli_json_add_string (builder, "label", chiaro_reference_get_label (reference));
      chiaro_cli_json_add_string (builder, "name", chiaro_reference_get_display_name (reference));
      chiaro_cli_json_add_string (builder, "image", image);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "failed_sends");
  json_builder_begin_array (builder);
  for (guint i = 0; i < state->failed_sends->len; i++)
    {
      ChiaroFailedSend *failed = g_ptr_array_index (state->failed_sends, i);

      json_builder_begin_object (builder);
      chiaro_cli_json_add_string (builder, "parent", failed->parent_id);
      chiaro_cli_json_add_string (builder, "prompt", failed->turn != NULL ? failed->turn->prompt
                                                                          : NULL);
      chiaro_cli_json_add_string (builder, "error", failed->error_message);
      chiaro_cli_json_add_string (builder, "error_detail", failed->error_detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  chiaro_cli_print_json (builder);
}

/* “A prompt that goes on for too long…”, on one line. */
static char *
short_prompt (const char *prompt)
{
  g_autofree char *flat = g_strdup (prompt != NULL ? prompt : "");
  g_autofree char *cut = NULL;

  g_strdelimit (flat, "\n\r\t", ' ');
  if (g_utf8_strlen (flat, -1) <= PROMPT_CHARS)
    return g_strdup_printf ("“%s”", flat);
  cut = g_utf8_substring (flat, 0, PROMPT_CHARS - 1);
  return g_strdup_printf ("“%s…”", cut);
}

static void
print_entry (ChiaroProjectState *state,
             GFile              *dir,
             ChiaroImageStore   *images,
             ChiaroHistoryEntry *entry,
             GHashTable         *on_path,
             guint               depth)
{
  ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (state->history);
  ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);
  const char *hash = chiaro_history_entry_get_image_hash (entry);
  g_autoptr(GString) line = g_string_new (NULL);
  /* An answer's cost is shown once, on the first of the entries made from its images. */
  double cost = chiaro_history_entry_get_answer_first (entry) == entry ? entry_cost (entry) : -1;

  /* "*" marks the cursor, "|" the rest of its path. */
  g_string_append (line, entry == cursor ? "* " : g_hash_table_contains (on_path, entry) ? "| "
                                                                                       : "  ");
  for (guint i = 0; i < depth; i++)
    g_string_append (line, "  ");
  g_string_append (line, chiaro_history_entry_get_id (entry));
  g_string_append (line, chiaro_history_entry_get_starred (entry) ? " ★ " : "  ");

  if (turn != NULL)
    {
      g_autofree char *prompt = short_prompt (turn->prompt);
      g_autoptr(GPtrArray) variants = chiaro_history_dup_variants (state->history, entry);
      guint index = 0;

      g_string_append (line, prompt);
      if (variants->len > 1 && g_ptr_array_find (variants, entry, &index))
        /* Translators: the variant's number among the images of one send: [2/3]. */
        g_string_append_printf (line, _(" [%u/%u]"), index + 1, variants->len);
    }
  else if (hash != NULL)
    {
      g_string_append (line, _("(the photo it started from)"));
    }
  else
    {
      g_string_append (line, _("(start, no image)"));
    }

  if (hash != NULL)
    {
      const char *mime_type = chiaro_history_entry_get_mime_type (entry);
      g_autoptr(GFile) file = chiaro_image_store_get_file (images, hash, mime_type);
      g_autofree char *relative = g_file_get_relative_path (dir, file);

      g_string_append_printf (line, "  %d×%d", chiaro_history_entry_get_width (entry),
                              chiaro_history_entry_get_height (entry));
      if (cost >= 0)
        g_string_append_printf (line, "  $%.3f", cost);
      g_string_append_printf (line, "  %s", relative != NULL ? relative : "?");
      if (!g_file_query_exists (file, NULL))
        g_string_append_printf (line, "  %s", _("(image file missing)"));
    }

  g_print ("%s\n", line->str);

  for (guint i = 0; i < state->failed_sends->len; i++)
    {
      ChiaroFailedSend *failed = g_ptr_array_index (state->failed_sends, i);
      g_autofree char *prompt = NULL;

      if (g_strcmp0 (failed->parent_id, chiaro_history_entry_get_id (entry)) != 0)
        continue;
      prompt = short_prompt (failed->turn != NULL ? failed->turn->prompt : NULL);
      g_print ("  %*s%s %s — %s\n", (int) (2 * (depth + 1)), "", _("failed:"), prompt,
               failed->error_message != NULL ? failed->error_message : _("interrupted"));
    }

  for (guint i = 0; i < chiaro_history_entry_get_n_children (entry); i++)
    print_entry (state, dir, images, chiaro_history_entry_get_child (entry, i), on_path,
                 depth + 1);
}

static void
show_text (GFile              *dir,
           ChiaroProjectState *state,
           ChiaroImageStore   *images,
           GHashTable         *on_path,
           gboolean            locked,
           int                 holder)
{
  g_autofree char *name = g_file_get_parse_name (dir);
  GListModel *tray = G_LIST_MODEL (state->references);
  guint n_entries = chiaro_history_get_n_entries (state->history);

  if (state->name != NULL)
    /* Translators: a project's name, its folder. */
    g_print (_("Project “%s” in %s\n"), state->name, name);
  else
    g_print (_("Project in %s\n"), name);
  if (locked && holder > 0)
    g_print (_("Open in another Chiaro (process %d): this is its last saved state.\n"), holder);
  else if (locked)
    g_print (_("Open in another Chiaro: this is its last saved state.\n"));
  g_print (ngettext ("%u entry; * marks the cursor, | the path to it, ★ a starred entry\n",
                     "%u entries; * marks the cursor, | the path to it, ★ a starred entry\n",
                     n_entries), n_entries);

  print_entry (state, dir, images, chiaro_history_get_root (state->history), on_path, 0);

  if (g_list_model_get_n_items (tray) > 0)
    {
      g_print ("%s\n", _("References:"));
      for (guint i = 0; i < g_list_model_get_n_items (tray); i++)
        {
          g_autoptr(ChiaroReference) reference = g_list_model_get_item (tray, i);
          const char *label = chiaro_reference_get_label (reference);

          g_print ("  %u. %s%s%s%s\n", i + 1, chiaro_reference_get_display_name (reference),
                   label != NULL ? " (" : "", label != NULL ? label : "", label != NULL ? ")" : "");
        }
    }
  if (state->prompt != NULL && *state->prompt != '\0')
    {
      g_autofree char *prompt = short_prompt (state->prompt);

      g_print (_("Unsent prompt: %s\n"), prompt);
    }
}

static int
show_command (GFile    *dir,
              gboolean  json)
{
  g_autoptr(ChiaroProjectState) state = NULL;
  g_autoptr(ChiaroImageStore) images = NULL;
  g_autoptr(GHashTable) on_path = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *read_from = NULL;
  gboolean locked;
  int holder = 0;

  state = chiaro_cli_read_project_state ("project", dir, &read_from, &error);
  if (state == NULL)
    {
      g_printerr ("chiaro-cli project show: %s\n", error->message);
      return chiaro_cli_exit_status_for_error (error);
    }

  for (ChiaroHistoryEntry *entry = chiaro_history_get_cursor (state->history);
       entry != NULL;
       entry = chiaro_history_entry_get_parent (entry))
    g_hash_table_add (on_path, entry);

  locked = chiaro_project_store_is_locked (dir, &holder);
  images = chiaro_image_store_new (dir);
  if (json)
    show_json (dir, state, images, read_from, on_path, locked, holder);
  else
    show_text (dir, state, images, on_path, locked, holder);

  return CHIARO_CLI_EXIT_OK;
}

static int
move_command (const char *command,
              GFile      *dir,
              gboolean    json)
{
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();
  g_autoptr(ChiaroDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistory *history;
  ChiaroHistoryEntry *cursor;
  gboolean moved;
  int status = CHIARO_CLI_EXIT_OK;

  document = chiaro_cli_open_project (command, dir, CHIARO_DOCUMENT_OPEN_FALLBACK_TO_BACKUP,
                                      catalog, &error);
  if (document == NULL)
    return chiaro_cli_exit_status_for_error (error);

  history = chiaro_document_get_history (document);
  moved = g_str_equal (command, "undo") ? chiaro_history_undo (history)
                                        : chiaro_history_redo (history);
  if (!moved)
    {
      g_printerr ("chiaro-cli project %s: %s\n", command,
                  g_str_equal (command, "undo")
                  ? _("The cursor is at the start of the history: there is nothing to undo.")
                  : _("The cursor is at the end of its branch: there is nothing to redo."));
      status = CHIARO_CLI_EXIT_USAGE;
    }

  if (!chiaro_cli_close_project (document, &error))
    {
      g_printerr ("chiaro-cli project %s: %s\n", command, error->message);
      return chiaro_cli_exit_status_for_error (error);
    }

  cursor = chiaro_history_get_cursor (history);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(ChiaroImageStore) images = chiaro_image_store_new (dir);
      g_autofree char *path = g_file_get_path (dir);
      g_autofree char *image = dup_image_path (images, chiaro_history_entry_get_image_hash (cursor),
                                               chiaro_history_entry_get_mime_type (cursor));

      json_builder_begin_object (builder);
      chiaro_cli_json_add_string (builder, "project", path);
      json_builder_set_member_name (builder, "moved");
      json_builder_add_boolean_value (builder, moved);
      chiaro_cli_json_add_string (builder, "cursor", chiaro_history_entry_get_id (cursor));
      chiaro_cli_json_add_string (builder, "image", image);
      json_builder_set_member_name (builder, "can_undo");
      json_builder_add_boolean_value (builder, chiaro_history_can_undo (history));
      json_builder_set_member_name (builder, "can_redo");
      json_builder_add_boolean_value (builder, chiaro_history_can_redo (history));
      json_builder_end_object (builder);
      chiaro_cli_print_json (builder);
    }
  else if (moved)
    {
      g_print ("%s\n", chiaro_history_entry_get_id (cursor));
    }

  return status;
}

/**
 * chiaro_cli_open_project:
 * @command: the command, for messages ("generate", "undo"…)
 * @dir: the project folder
 * @flags: how to open it
 * @catalog: the model catalog
 * @error: a #GError
 *
 * Opens and locks the project in @dir, printing the error on stderr when it cannot, and a
 * notice when project.json was unreadable and the backup was loaded.
 *
 * Returns: (transfer full) (nullable): the document
 */
ChiaroDocument *
chiaro_cli_open_project (const char               *command,
                         GFile                    *dir,
                         ChiaroDocumentOpenFlags   flags,
                         ChiaroModelCatalog       *catalog,
                         GError                  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ChiaroDocument) document = NULL;
  g_autoptr(GError) local_error = NULL;
  GFile *set_aside;

  chiaro_document_open_async (dir, flags, catalog, NULL, chiaro_cli_store_result, &result);
  chiaro_cli_wait (&result);
  document = chiaro_document_open_finish (result, &local_error);
  if (document == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (dir);

      /* Say which project, when the message does not. */
      if (strstr (local_error->message, name) == NULL)
        g_prefix_error (&local_error, "%s: ", name);
      g_printerr ("chiaro-cli %s: %s\n", command, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  set_aside = chiaro_document_get_recovered_from_backup (document);
  if (set_aside != NULL)
    {
      g_autofree char *name = g_file_get_parse_name (set_aside);

      g_printerr ("chiaro-cli %s: ", command);
      g_printerr (_("project.json could not be read, so the backup (the last good state) was "
                    "loaded; the unreadable file was kept as “%s”.\n"), name);
    }

  return g_steal_pointer (&document);
}

/**
 * chiaro_cli_close_project:
 * @document: an open project
 * @error: a #GError
 *
 * Saves @document and releases its lock, waiting for both.
 *
 * Returns: %TRUE when the project was saved
 */
gboolean
chiaro_cli_close_project (ChiaroDocument  *document,
                          GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_document_close_async (document, NULL, chiaro_cli_store_result, &result);
  chiaro_cli_wait (&result);
  return chiaro_document_close_finish (document, result, error);
}

/**
 * chiaro_cli_project_command:
 * @argc: the argument count
 * @argv: (array length=argc): the arguments, argv[0] being "project"
 *
 * `chiaro-cli project show|undo|redo [--json] DIR`.
 *
 * Returns: the exit status of DESIGN §8
 */
int
chiaro_cli_project_command (int    argc,
                            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir = NULL;
  g_auto(GStrv) args = NULL;
  gboolean json = FALSE;
  const char *command;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object on standard output"),
      NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL,
      N_("show|undo|redo DIR") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Show a project's history, or move its cursor.\n\n"
                                  "  show DIR   the tree of images: ids, parents, prompts, image "
                                  "files, cursor, stars and costs\n"
                                  "  undo DIR   move the cursor to the parent image\n"
                                  "  redo DIR   move the cursor back to the child it came from"));
  g_option_context_set_description (context,
    _("show only reads, so it works while the project is open elsewhere; when project.json "
      "cannot be read it shows the backup and says so. undo and redo change the project: "
      "they exit 3 when another process has it open, and 2 when the cursor is already at the "
      "start (undo) or at the end of its branch (redo). The next chiaro-cli generate --project "
      "continues from the cursor, starting a new branch when the cursor has children."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("chiaro-cli project: %s\n", error->message);
      return CHIARO_CLI_EXIT_USAGE;
    }

  if (args == NULL || g_strv_length (args) != 2)
    {
      g_printerr ("chiaro-cli project: %s\n",
                  _("Give a command and a project folder: show, undo or redo, then DIR"));
      return CHIARO_CLI_EXIT_USAGE;
    }

  command = args[0];
  dir = g_file_new_for_commandline_arg (args[1]);
  if (g_str_equal (command, "show"))
    return show_command (dir, json);
  if (g_str_equal (command, "undo") || g_str_equal (command, "redo"))
    return move_command (command, dir, json);

  g_printerr (_("chiaro-cli project: unknown command “%s”\n"), command);
  return CHIARO_CLI_EXIT_USAGE;
}
