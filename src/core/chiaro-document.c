/* chiaro-document.c — an open project: history, tray, prompt, sends, autosave
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Main thread only. The slow parts run in GTask threads on copied or referenced inputs:
 * reading and parsing project.json, loading images and planning a request, storing the
 * answers' images, and deleting files. A send goes:
 *
 *   main: capture the turn (prompt, tray by hash, options, model, provider) and the cursor
 *   worker: canvas and references from the image store, the path root → parent as contents
 *           (bytes filled in from the store), the planner, the user turn as sent stored
 *   main: n-variants provider requests at once
 *   worker (per answer): its images probed, every image part stored, the reply built
 *   main: an entry per image that is not a thought added under the parent, siblings
 *         sharing the reply; the cursor follows (to the last) when it had not moved
 *
 * Variants are added as siblings in the order their answers arrive; the cursor moves to the
 * first of them that arrives if it is still on the parent then. An answer whose images have
 * been stored is added even when the send is stopped meanwhile: it was paid for. A stopped
 * send that added nothing is CANCELLED; one that added some is DONE.
 *
 * Saving: every change bumps a generation number and starts the autosave timer (not
 * restarted by later changes, so a stream of changes cannot postpone the save for ever).
 * One save runs at a time; a change during it saves again afterwards. Sends in flight are
 * saved as failed sends (their prompts must survive a crash). Image files that a deletion
 * left unnamed are removed only after a save that no longer names them has succeeded.
 */

#define G_LOG_DOMAIN "chiaro-document"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-api-error.h"
#include "chiaro-content.h"
#include "chiaro-image-store.h"
#include "chiaro-image.h"
#include "chiaro-pack-group.h"
#include "chiaro-pack.h"
#include "chiaro-project-error.h"
#include "chiaro-stored-content.h"

#include "chiaro-document-private.h"
#include "chiaro-document.h"

#define MAX_VARIANTS 8

struct _ChiaroDocument
{
  GObject                  parent_instance;

  /* owned */
  GFile                   *dir;           /* (nullable) */
  ChiaroProjectStore      *store;         /* (nullable) without a dir */
  ChiaroImageStore        *images;
  GFile                   *scratch_dir;   /* (nullable) where a dir-less document keeps images */
  ChiaroModelCatalog      *catalog;
  ChiaroHistory           *history;
  ChiaroReferenceList     *references;
  ChiaroRequestPlanner    *planner;
  ChiaroProvider          *provider;      /* (nullable) */
  char                    *provider_name;
  char                    *name;          /* (nullable) */
  char                    *prompt;
  char                    *model_id;
  ChiaroGenerationOptions *options;
  GListStore              *sends;
  GListStore              *messages;
  GHashTable              *pack_groups;   /* pack id → ChiaroPackGroup, the packs shown */
  GHashTable              *operations;    /* ChiaroSend → SendOperation, in flight */
  GCancellable            *cancellable;
  GFile                   *recovered_from_backup; /* (nullable) */
  GPtrArray               *pending_deletions;     /* (element-type Deletion) */
  GPtrArray               *save_waiters;  /* (element-type GTask) */
  GPtrArray               *close_tasks;   /* (element-type GTask) */
  GError                  *save_error;    /* (nullable) */

  gint64                   created;
  guint                    n_variants;
  guint                    autosave_delay;
  guint                    retry_interval;
  guint                    autosave_id;
  guint                    retry_id;
  guint64                  generation;        /* bumped by every change to save */
  guint64                  saved_generation;  /* the generation on disk */
  guint64                  saving_generation; /* the generation being written */
  guint                    n_writes;

  /* flags */
  guint                    saving : 1;
  guint                    save_again : 1;
  guint                    closing : 1;
  guint                    closed : 1;
};

G_DEFINE_FINAL_TYPE (ChiaroDocument, chiaro_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIR,
  PROP_CATALOG,
  PROP_HISTORY,
  PROP_REFERENCES,
  PROP_PROMPT,
  PROP_MODEL_ID,
  PROP_OPTIONS,
  PROP_N_VARIANTS,
  PROP_PROVIDER,
  PROP_AUTOSAVE_DELAY,
  PROP_N_PENDING,
  PROP_SAVE_ERROR,
  PROP_SAVING,
  PROP_RECOVERED_FROM_BACKUP,
  PROP_NAME,
  PROP_HAS_UNSAVED_CHANGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* An image file to delete once a save no longer names it. */
typedef struct
{
  char    *hash;
  char    *mime_type;  /* (nullable) */
  guint64  generation; /* deletable after this generation is on disk */
} Deletion;

/* A conversation turn as stored: image parts without bytes, and their hashes. */
typedef struct
{
  ChiaroContent *content;
  GStrv          hashes;
} StoredTurn;

typedef struct _SendOperation SendOperation;

typedef struct
{
  SendOperation   *operation;   /* (unowned) it outlives its variants */
  guint            index;
  ChiaroSendState  state;
  double           fraction;
  gint64           requested_at;
  gboolean         finished;
} Variant;

struct _SendOperation
{
  ChiaroDocument  *document;           /* (owned) */
  ChiaroSend      *send;               /* (owned) */
  GTask           *task;               /* (owned) */
  GCancellable    *cancellable;        /* (owned) stops this send only */
  GCancellable    *caller_cancellable; /* (owned) (nullable) */
  gulong           caller_handler;
  ChiaroModelInfo *model;              /* (owned) */
  ChiaroPlan      *plan;               /* (owned) (nullable) until planned */
  GError          *first_error;        /* (nullable) */
  Variant         *variants;
  guint            n_variants;
  guint            n_outstanding;
  double           estimate_each;      /* per request, < 0 unknown */
  gboolean         interrupted;        /* stopped by close: fails, keeps its prompt */
};

static void schedule_autosave (ChiaroDocument *self);
static void start_save        (ChiaroDocument *self);
static void rebuild_messages  (ChiaroDocument *self);

/* Helpers */

static void
deletion_free (Deletion *deletion)
{
  g_free (deletion->hash);
  g_free (deletion->mime_type);
  g_free (deletion);
}

static void
stored_turn_free (StoredTurn *stored)
{
  chiaro_content_unref (stored->content);
  g_strfreev (stored->hashes);
  g_free (stored);
}

static StoredTurn *
stored_turn_new (ChiaroContent      *content,
                 const char * const *hashes)
{
  StoredTurn *stored = g_new0 (StoredTurn, 1);

  stored->content = chiaro_content_ref (content);
  stored->hashes = g_strdupv ((char **) hashes);
  return stored;
}

static GError *
new_interrupted_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                              _("Chiaro stopped before the answer came back. Retry to send "
                                "it again."));
}

static gboolean
error_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, CHIARO_API_ERROR, CHIARO_API_ERROR_CANCELLED);
}

static gboolean
options_equal (const ChiaroGenerationOptions *a,
               const ChiaroGenerationOptions *b)
{
  return g_strcmp0 (a->aspect_ratio, b->aspect_ratio) == 0 &&
         g_strcmp0 (a->image_size, b->image_size) == 0 &&
         a->temperature == b->temperature &&
         a->top_p == b->top_p &&
         a->has_seed == b->has_seed &&
         (!a->has_seed || a->seed == b->seed) &&
         a->grounding == b->grounding &&
         a->image_search == b->image_search &&
         g_strcmp0 (a->system_instruction, b->system_instruction) == 0 &&
         g_strcmp0 (a->thinking_level, b->thinking_level) == 0 &&
         a->include_thoughts == b->include_thoughts;
}

/* OpenAI-compatible routers name models "google/gemini-…". */
static ChiaroModelInfo *
lookup_model (ChiaroDocument *self,
              const char     *model_id)
{
  const char *slash = strrchr (model_id, '/');

  return chiaro_model_catalog_lookup (self->catalog, slash != NULL ? slash + 1 : model_id);
}

static gboolean
entry_is_in_history (ChiaroDocument     *self,
                     ChiaroHistoryEntry *entry)
{
  return chiaro_history_lookup (self->history, chiaro_history_entry_get_id (entry)) == entry;
}

static void
add_hash (GHashTable *set,
          const char *hash)
{
  if (hash != NULL)
    g_hash_table_add (set, g_strdup (hash));
}

static void
add_turn_hashes (GHashTable *set,
                 ChiaroTurn *turn)
{
  for (guint i = 0; turn->references != NULL && i < turn->references->len; i++)
    add_hash (set, ((ChiaroTurnReference *) g_ptr_array_index (turn->references, i))->hash);
  for (guint i = 0; turn->content_hashes != NULL && turn->content_hashes[i] != NULL; i++)
    add_hash (set, turn->content_hashes[i]);
}

/* Every hash something in the document names: the history, the tray, the sends, and the
 * files waiting to be deleted after the next save (the file on disk may still name them). */
static GHashTable *
dup_keep_hashes (ChiaroDocument *self,
                 gboolean        with_pending_deletions)
{
  GHashTable *keep = chiaro_history_dup_image_hashes (self->history);
  guint n;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->references));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChiaroReference) reference =
        g_list_model_get_item (G_LIST_MODEL (self->references), i);

      add_hash (keep, chiaro_reference_get_hash (reference));
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->sends));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChiaroSend) send = g_list_model_get_item (G_LIST_MODEL (self->sends), i);

      add_turn_hashes (keep, chiaro_send_get_turn (send));
    }

  for (guint i = 0; with_pending_deletions && i < self->pending_deletions->len; i++)
    add_hash (keep, ((Deletion *) g_ptr_array_index (self->pending_deletions, i))->hash);

  return keep;
}

static guint
find_send (ChiaroDocument *self,
           ChiaroSend     *send)
{
  guint position;

  if (g_list_store_find (self->sends, send, &position))
    return position;
  return G_MAXUINT;
}

static void
remove_send (ChiaroDocument *self,
             ChiaroSend     *send)
{
  guint position = find_send (self, send);

  if (position != G_MAXUINT)
    g_list_store_remove (self->sends, position);
}

/* Changes and saving */

static void
notify_unsaved (ChiaroDocument *self,
                gboolean        before)
{
  if (before != chiaro_document_get_has_unsaved_changes (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_UNSAVED_CHANGES]);
}

static void
mark_changed (ChiaroDocument *self)
{
  gboolean before = chiaro_document_get_has_unsaved_changes (self);

  self->generation++;
  notify_unsaved (self, before);
  schedule_autosave (self);
}

/* Notifies @prop_id, a property kept in project.json, and marks the document changed. */
static void
notify_changed (ChiaroDocument *self,
                int             prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  mark_changed (self);
}

/* Replaces the string in @field by a copy of @value; returns whether it changed. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
on_autosave_timeout (gpointer user_data)
{
  ChiaroDocument *self = user_data;

  self->autosave_id = 0;
  start_save (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_retry_timeout (gpointer user_data)
{
  ChiaroDocument *self = user_data;

  self->retry_id = 0;
  start_save (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_autosave (ChiaroDocument *self)
{
  if (self->store == NULL || self->closed)
    return;

  if (self->autosave_id == 0)
    self->autosave_id = g_timeout_add (self->autosave_delay, on_autosave_timeout, self);
}

/* What project.json gets: a view of the document, sharing its history and tray. */
static ChiaroProjectState *
build_state (ChiaroDocument *self)
{
  ChiaroProjectState *state = chiaro_project_state_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sends));

  replace_string (&state->name, self->name);
  state->created = self->created;
  g_set_object (&state->history, self->history);
  g_set_object (&state->references, self->references);
  replace_string (&state->prompt, self->prompt);
  replace_string (&state->model_id, self->model_id);
  g_clear_pointer (&state->options, chiaro_generation_options_free);
  state->options = chiaro_generation_options_copy (self->options);
  state->n_variants = self->n_variants;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChiaroSend) send = g_list_model_get_item (G_LIST_MODEL (self->sends), i);
      ChiaroHistoryEntry *parent = chiaro_send_get_parent (send);
      g_autoptr(GError) interrupted = NULL;
      const GError *error;

      /* A send from a deleted entry is being stopped; it goes with its entry. */
      if (!entry_is_in_history (self, parent))
        continue;

      error = chiaro_send_get_error (send);
      if (chiaro_send_get_state (send) != CHIARO_SEND_FAILED || error == NULL)
        error = interrupted = new_interrupted_error ();
      g_ptr_array_add (state->failed_sends,
                       chiaro_failed_send_new (chiaro_send_get_turn (send),
                                               chiaro_history_entry_get_id (parent), error));
    }

  return state;
}

static void
delete_files_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ChiaroImageStore *images = source_object;
  GPtrArray *deletions = task_data;

  for (guint i = 0; i < deletions->len; i++)
    {
      Deletion *deletion = g_ptr_array_index (deletions, i);
      g_autoptr(GError) error = NULL;

      if (!chiaro_image_store_remove (images, deletion->hash, deletion->mime_type, &error))
        g_debug ("could not delete image %s: %s", deletion->hash, error->message);
    }

  g_task_return_boolean (task, TRUE);
}

/* Deletes the pending files that are on disk no longer named, unless named again since. */
static void
run_deletions (ChiaroDocument *self,
               guint64         saved_generation)
{
  g_autoptr(GHashTable) keep = NULL;
  g_autoptr(GPtrArray) ready = NULL;
  g_autoptr(GTask) task = NULL;

  if (self->pending_deletions->len == 0)
    return;

  keep = dup_keep_hashes (self, FALSE);
  ready = g_ptr_array_new_with_free_func ((GDestroyNotify) deletion_free);
  for (guint i = 0; i < self->pending_deletions->len;)
    {
      Deletion *deletion = g_ptr_array_index (self->pending_deletions, i);

      if (deletion->generation > saved_generation)
        {
          i++;
          continue;
        }
      deletion = g_ptr_array_steal_index (self->pending_deletions, i);
      if (g_hash_table_contains (keep, deletion->hash))
        deletion_free (deletion);
      else
        g_ptr_array_add (ready, deletion);
    }

  if (ready->len == 0)
    return;

  task = g_task_new (self->images, NULL, NULL, NULL);
  g_task_set_source_tag (task, run_deletions);
  g_task_set_name (task, "[chiaro] delete image files");
  g_task_set_task_data (task, g_steal_pointer (&ready), (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, delete_files_thread);
}

static void
finish_save_waiters (ChiaroDocument *self,
                     guint64         generation,
                     const GError   *error)
{
  g_autoptr(GPtrArray) done = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->save_waiters->len;)
    {
      GTask *task = g_ptr_array_index (self->save_waiters, i);
      guint64 *target = g_task_get_task_data (task);

      if (*target <= generation)
        g_ptr_array_add (done, g_ptr_array_steal_index (self->save_waiters, i));
      else
        i++;
    }

  for (guint i = 0; i < done->len; i++)
    {
      GTask *task = g_ptr_array_index (done, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ChiaroDocument) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean before = chiaro_document_get_has_unsaved_changes (self);
  gboolean had_error = self->save_error != NULL;

  self->saving = FALSE;

  if (chiaro_project_store_write_finish (CHIARO_PROJECT_STORE (source), result, &error))
    {
      self->n_writes++;
      self->saved_generation = MAX (self->saved_generation, self->saving_generation);
      g_clear_error (&self->save_error);
      if (had_error)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVE_ERROR]);
      run_deletions (self, self->saved_generation);
      finish_save_waiters (self, self->saving_generation, NULL);
    }
  else
    {
      g_debug ("saving failed: %s", error->message);
      g_clear_error (&self->save_error);
      self->save_error = g_error_copy (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVE_ERROR]);
      if (self->retry_id == 0 && !self->closed)
        self->retry_id = g_timeout_add (self->retry_interval, on_retry_timeout, self);
      finish_save_waiters (self, self->saving_generation, error);
    }

  notify_unsaved (self, before);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);

  if (self->save_again || self->save_waiters->len > 0)
    {
      self->save_again = FALSE;
      start_save (self);
    }
}

static void
start_save (ChiaroDocument *self)
{
  g_autoptr(ChiaroProjectState) state = NULL;
  g_autoptr(GBytes) json = NULL;

  if (self->store == NULL || self->closed)
    return;

  if (self->saving)
    {
      self->save_again = TRUE;
      return;
    }

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);

  state = build_state (self);
  json = chiaro_project_state_to_json (state);

  self->saving = TRUE;
  self->saving_generation = self->generation;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);

  chiaro_project_store_write_async (self->store, json, NULL, on_written, g_object_ref (self));
}

/* Messages */

/* The PACK message of @pack_id sent from @parent, its group kept from the last rebuild
 * (so its row stays and follows the group) and brought up to date. @member: (nullable)
 * the pack's entry on the path. */
static ChiaroMessage *
new_pack_message (ChiaroDocument     *self,
                  GHashTable         *shown,
                  const char         *pack_id,
                  ChiaroHistoryEntry *parent,
                  ChiaroTurn         *turn,
                  ChiaroHistoryEntry *member)
{
  ChiaroPackGroup *group = g_hash_table_lookup (self->pack_groups, pack_id);

  if (group == NULL || chiaro_pack_group_get_parent (group) != parent)
    {
      group = chiaro_pack_group_new (pack_id, parent);
      g_hash_table_replace (self->pack_groups, g_strdup (pack_id), group);
    }
  chiaro_pack_group_update (group, G_LIST_MODEL (self->sends));
  g_hash_table_add (shown, (gpointer) chiaro_pack_group_get_pack_id (group));

  /* The first ratio's turn, so that the message stays the same while the pack goes on. */
  if (g_list_model_get_n_items (G_LIST_MODEL (group)) > 0)
    {
      g_autoptr(ChiaroMessage) first = g_list_model_get_item (G_LIST_MODEL (group), 0);

      turn = chiaro_message_get_turn (first);
    }
  return chiaro_message_new_pack (group, turn, member);
}

static gboolean
pack_not_shown (gpointer key,
                gpointer value,
                gpointer user_data)
{
  return !g_hash_table_contains (user_data, key);
}

/* The pack id of @entry's turn, or NULL. */
static const char *
entry_pack_id (ChiaroHistoryEntry *entry)
{
  ChiaroTurn *turn = entry != NULL ? chiaro_history_entry_get_turn (entry) : NULL;

  return turn != NULL ? turn->pack_id : NULL;
}

/* The path root → cursor as turns, with the sends made from each entry after its answer;
 * a pack is one PACK message where its first send or its entry on the path would be. The
 * list store is changed only where it differs. */
static void
rebuild_messages (ChiaroDocument *self)
{
  g_autoptr(GPtrArray) path = g_ptr_array_new ();
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *old = G_LIST_MODEL (self->messages);
  guint n_sends = g_list_model_get_n_items (G_LIST_MODEL (self->sends));
  guint n_old = g_list_model_get_n_items (old);
  guint prefix = 0, suffix = 0;

  for (ChiaroHistoryEntry *entry = chiaro_history_get_cursor (self->history);
       entry != NULL;
       entry = chiaro_history_entry_get_parent (entry))
    g_ptr_array_insert (path, 0, entry);

  for (guint i = 0; i < path->len; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (path, i);
      ChiaroHistoryEntry *next = i + 1 < path->len ? g_ptr_array_index (path, i + 1) : NULL;
      ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);
      const char *pack_id = entry_pack_id (entry);
      const char *next_pack_id = entry_pack_id (next);

      if (pack_id != NULL)
        {
          if (!g_hash_table_contains (shown, pack_id))
            g_ptr_array_add (wanted, new_pack_message (self, shown, pack_id,
                                                       chiaro_history_entry_get_parent (entry),
                                                       turn, entry));
        }
      else if (turn != NULL)
        {
          g_ptr_array_add (wanted, chiaro_message_new (CHIARO_MESSAGE_USER, turn, entry, NULL));
          g_ptr_array_add (wanted, chiaro_message_new (CHIARO_MESSAGE_MODEL, turn, entry, NULL));
        }

      for (guint j = 0; j < n_sends; j++)
        {
          g_autoptr(ChiaroSend) send = g_list_model_get_item (G_LIST_MODEL (self->sends), j);
          ChiaroTurn *send_turn = chiaro_send_get_turn (send);
          ChiaroMessageKind kind;

          if (chiaro_send_get_parent (send) != entry)
            continue;
          if (send_turn->pack_id != NULL)
            {
              if (!g_hash_table_contains (shown, send_turn->pack_id))
                g_ptr_array_add (wanted,
                                 new_pack_message (self, shown, send_turn->pack_id, entry,
                                                   send_turn,
                                                   g_strcmp0 (next_pack_id,
                                                              send_turn->pack_id) == 0
                                                   ? next : NULL));
              continue;
            }
          kind = chiaro_send_get_state (send) == CHIARO_SEND_FAILED ? CHIARO_MESSAGE_FAILED
                                                                    : CHIARO_MESSAGE_PENDING;
          g_ptr_array_add (wanted, chiaro_message_new (kind, send_turn, NULL, send));
        }
    }

  g_hash_table_foreach_remove (self->pack_groups, pack_not_shown, shown);

  while (prefix < n_old && prefix < wanted->len)
    {
      g_autoptr(ChiaroMessage) message = g_list_model_get_item (old, prefix);

      if (!chiaro_message_same (message, g_ptr_array_index (wanted, prefix)))
        break;
      prefix++;
    }
  while (suffix < n_old - prefix && suffix < wanted->len - prefix)
    {
      g_autoptr(ChiaroMessage) message = g_list_model_get_item (old, n_old - 1 - suffix);

      if (!chiaro_message_same (message, g_ptr_array_index (wanted, wanted->len - 1 - suffix)))
        break;
      suffix++;
    }

  if (prefix == n_old && prefix == wanted->len)
    return;

  g_list_store_splice (self->messages, prefix, n_old - prefix - suffix,
                       wanted->pdata + prefix, wanted->len - prefix - suffix);
}

static void
on_history_changed (ChiaroHistory  *history,
                    ChiaroDocument *self)
{
  rebuild_messages (self);
  mark_changed (self);
}

static void
on_cursor_changed (ChiaroHistory  *history,
                   GParamSpec     *pspec,
                   ChiaroDocument *self)
{
  rebuild_messages (self);
}

static void
on_references_changed (ChiaroReferenceList *references,
                       ChiaroDocument      *self)
{
  mark_changed (self);
}

/* Sends */

static void
send_operation_free (SendOperation *op)
{
  if (op->caller_cancellable != NULL)
    g_cancellable_disconnect (op->caller_cancellable, op->caller_handler);
  g_clear_object (&op->caller_cancellable);
  g_clear_object (&op->cancellable);
  g_clear_object (&op->task);
  g_clear_object (&op->send);
  g_clear_pointer (&op->model, chiaro_model_info_unref);
  g_clear_pointer (&op->plan, chiaro_plan_free);
  g_clear_error (&op->first_error);
  g_free (op->variants);
  g_clear_object (&op->document);
  g_free (op);
}

static void
on_caller_cancelled (GCancellable *caller,
                     GCancellable *own)
{
  g_cancellable_cancel (own);
}

static void
maybe_continue_close (ChiaroDocument *self);

static void
restore_prompt (ChiaroDocument *self,
                ChiaroTurn     *turn)
{
  if (self->prompt[0] == '\0' && turn->prompt != NULL && turn->prompt[0] != '\0')
    chiaro_document_set_prompt (self, turn->prompt);
}

/* The end of a send: every variant has been added or has failed. */
static void
finish_operation (SendOperation *op)
{
  g_autoptr(ChiaroDocument) self = g_object_ref (op->document);
  g_autoptr(ChiaroSend) send = g_object_ref (op->send);
  g_autoptr(GTask) task = g_steal_pointer (&op->task);
  g_autoptr(GError) first_error = g_steal_pointer (&op->first_error);
  gboolean cancelled = g_cancellable_is_cancelled (op->cancellable);
  gboolean interrupted = op->interrupted;

  g_hash_table_remove (self->operations, send);
  send_operation_free (op);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);

  if (chiaro_send_get_n_done (send) > 0)
    {
      if (first_error != NULL)
        chiaro_send_set_error (send, first_error);
      chiaro_send_set_progress (send, 1, NULL);
      chiaro_send_set_state (send, CHIARO_SEND_DONE);
      remove_send (self, send);
      rebuild_messages (self);
      mark_changed (self);
      g_task_return_pointer (task, g_object_ref (send), g_object_unref);
    }
  else if (interrupted)
    {
      g_autoptr(GError) error = new_interrupted_error ();

      chiaro_send_set_error (send, error);
      chiaro_send_set_state (send, CHIARO_SEND_FAILED);
      rebuild_messages (self);
      mark_changed (self);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else if (cancelled || first_error == NULL)
    {
      chiaro_send_set_state (send, CHIARO_SEND_CANCELLED);
      remove_send (self, send);
      rebuild_messages (self);
      restore_prompt (self, chiaro_send_get_turn (send));
      mark_changed (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                               _("The send was stopped"));
    }
  else
    {
      chiaro_send_set_error (send, first_error);
      chiaro_send_set_state (send, CHIARO_SEND_FAILED);
      rebuild_messages (self);
      restore_prompt (self, chiaro_send_get_turn (send));
      mark_changed (self);
      g_task_return_error (task, g_steal_pointer (&first_error));
    }

  maybe_continue_close (self);
}

static void
note_failure (SendOperation *op,
              const GError  *error)
{
  if (error_is_cancelled (error))
    return;

  g_debug ("a variant failed: %s", error->message);
  if (op->first_error == NULL)
    op->first_error = g_error_copy (error);
  chiaro_send_add_failure (op->send);
}

static void
update_progress (SendOperation *op,
                 const char    *text)
{
  ChiaroSendState state = CHIARO_SEND_DONE;
  double sum = 0;
  guint n = 0;

  for (guint i = 0; i < op->n_variants; i++)
    if (!op->variants[i].finished && op->variants[i].state < state)
      state = op->variants[i].state;

  if (state == CHIARO_SEND_DONE)
    return;

  for (guint i = 0; i < op->n_variants; i++)
    {
      Variant *variant = &op->variants[i];

      if (!variant->finished && variant->state == state && variant->fraction >= 0)
        {
          sum += variant->fraction;
          n++;
        }
    }

  chiaro_send_set_state (op->send, state);
  chiaro_send_set_progress (op->send, state != CHIARO_SEND_WAITING && n > 0 ? sum / n : -1,
                            text);
}

static void
variant_finished (Variant *variant)
{
  SendOperation *op = variant->operation;

  g_assert (!variant->finished);
  variant->finished = TRUE;
  g_assert (op->n_outstanding > 0);
  if (--op->n_outstanding == 0)
    finish_operation (op);
  else
    update_progress (op, NULL);
}

static void
on_variant_progress (const ChiaroGenerationProgress *progress,
                     gpointer                        user_data)
{
  Variant *variant = user_data;
  const ChiaroHttpProgress *http = &progress->http;

  if (variant->finished || variant->state == CHIARO_SEND_SAVING)
    return;

  switch (http->phase)
    {
    case CHIARO_HTTP_PHASE_CONNECTING:
      variant->state = CHIARO_SEND_SENDING;
      variant->fraction = 0;
      break;

    case CHIARO_HTTP_PHASE_SENDING:
      variant->state = CHIARO_SEND_SENDING;
      variant->fraction = http->total > 0 ? (double) http->bytes / http->total : 0;
      break;

    case CHIARO_HTTP_PHASE_RECEIVING:
      variant->state = CHIARO_SEND_RECEIVING;
      variant->fraction = http->total > 0 ? (double) http->bytes / http->total : -1;
      break;

    case CHIARO_HTTP_PHASE_DONE:
      variant->state = CHIARO_SEND_RECEIVING;
      variant->fraction = 1;
      break;

    case CHIARO_HTTP_PHASE_WAITING:
    case CHIARO_HTTP_PHASE_RETRY_WAIT:
    default:
      variant->state = CHIARO_SEND_WAITING;
      variant->fraction = -1;
      break;
    }

  update_progress (variant->operation, progress->text);
}

/* Storing one answer, on a worker. */
typedef struct
{
  char *hash;
  char *mime_type;
  int   width;
  int   height;
} StoredImage;

static void
stored_image_free (StoredImage *image)
{
  g_free (image->hash);
  g_free (image->mime_type);
  g_free (image);
}

typedef struct
{
  ChiaroImageStore       *images;
  ChiaroGenerationResult *result;
  double                  estimate;
  gint64                  requested_at;
  gboolean                decode;  /* the answer will be shown: decode it while storing */
  /* out */
  ChiaroReply            *reply;
  GPtrArray              *entry_images; /* (element-type StoredImage) one per entry, in order */
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  g_object_unref (job->images);
  chiaro_generation_result_unref (job->result);
  g_clear_pointer (&job->reply, chiaro_reply_unref);
  g_clear_pointer (&job->entry_images, g_ptr_array_unref);
  g_free (job);
}

/* Decodes the answer for the canvas while the storing thread hashes and writes it. */
static gpointer
decode_answer_thread (gpointer data)
{
  ChiaroImage *image = data;
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf = chiaro_image_decode (image, NULL, &error);

  if (pixbuf == NULL)
    g_debug ("answer not decoded ahead: %s", error->message);
  return pixbuf;
}

static GError *
new_bad_image_error (ChiaroGenerationResult *result,
                     const GError           *error)
{
  GError *api_error = NULL;
  gboolean too_large = error != NULL &&
                       g_error_matches (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE);

  chiaro_api_error_set (&api_error, CHIARO_API_ERROR_BAD_RESPONSE,
                        too_large
                        ? _("The model sent an image too large to open. Try again, or "
                            "choose a smaller size.")
                        : _("The model sent an image that cannot be opened. Try again."),
                        error != NULL ? error->message : NULL, 0, "BAD_IMAGE");
  chiaro_api_error_set_attempts (api_error, result->attempts);
  return api_error;
}

/* Every image of the answer that is not a thought becomes an entry (result->images, the
 * last being the final image). All of them are probed before anything is stored, and an
 * answer with one that cannot be opened fails whole: it leaves no file behind in images/
 * and the history and the folder stay as they were. Thought images are stored (the answer
 * is sent back with them) but are never entries. */
static void
store_answer_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  StoreJob *job = task_data;
  ChiaroContent *content = job->result->content;
  GPtrArray *finals = job->result->images;
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) entry_images =
    g_ptr_array_new_with_free_func ((GDestroyNotify) stored_image_free);
  g_autoptr(GdkPixbuf) decoded = NULL;
  GThread *decoder = NULL;
  guint n_non_thought = 0;

  if (content == NULL || finals->len == 0)
    {
      g_task_return_new_error (task, CHIARO_API_ERROR, CHIARO_API_ERROR_NO_IMAGE, "%s",
                               _("The answer holds no image"));
      return;
    }

  for (guint i = 0; i < content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (content->parts, i);

      if (part->kind != CHIARO_PART_IMAGE)
        continue;
      if (part->data == NULL)
        {
          g_task_return_new_error (task, CHIARO_API_ERROR, CHIARO_API_ERROR_BAD_RESPONSE, "%s",
                                   _("The answer holds an image without data"));
          return;
        }
      if (!part->thought)
        n_non_thought++;
    }

  /* The wire format leaves out of result->images an image whose bytes are not an image
   * or are cut short; here that fails the whole answer like one the probe refuses. */
  if (n_non_thought != finals->len)
    {
      g_task_return_error (task, new_bad_image_error (job->result, NULL));
      return;
    }

  for (guint i = 0; i < finals->len; i++)
    {
      ChiaroPart *final = g_ptr_array_index (finals, i);
      g_autoptr(GError) error = NULL;
      /* Translators: how an image the model sent back is named in error messages */
      ChiaroImage *probe = chiaro_image_new_from_bytes (final->data, _("the answer"), &error);

      if (probe == NULL)
        {
          g_task_return_error (task, new_bad_image_error (job->result, error));
          return;
        }
      g_ptr_array_add (probes, probe);
    }

  /* The answer about to be shown (its final image) is decoded from the bytes in memory on a
   * second thread while this one hashes and writes them: the canvas then finds it decoded,
   * and its thumbnail is scaled from it, instead of both reading the file back and
   * decoding it. */
  if (job->decode)
    decoder = g_thread_new ("chiaro-answer-decode", decode_answer_thread,
                            g_ptr_array_index (probes, probes->len - 1));

  /* The store writes each image before anyone hears of it; when the disk refuses, it keeps
   * the bytes in memory and the next save reports the error and tries again. */
  for (guint i = 0; i < content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (content->parts, i);
      g_autoptr(GError) write_error = NULL;
      guint index;

      if (part->kind != CHIARO_PART_IMAGE)
        continue;
      g_ptr_array_add (hashes, chiaro_image_store_add (job->images, part->data,
                                                       part->mime_type, NULL, &write_error));
      if (write_error != NULL)
        g_debug ("image kept in memory: %s", write_error->message);
      if (g_ptr_array_find (finals, part, &index))
        {
          ChiaroImage *probe = g_ptr_array_index (probes, index);
          StoredImage *image = g_new0 (StoredImage, 1);

          image->hash = g_strdup (g_ptr_array_index (hashes, hashes->len - 1));
          image->mime_type = g_strdup (chiaro_image_get_mime_type (probe));
          image->width = chiaro_image_get_width (probe);
          image->height = chiaro_image_get_height (probe);
          g_ptr_array_add (entry_images, image);
        }
    }
  g_ptr_array_add (hashes, NULL);
  g_assert (entry_images->len == finals->len);

  if (decoder != NULL && (decoded = g_thread_join (decoder)) != NULL)
    {
      StoredImage *last = g_ptr_array_index (entry_images, entry_images->len - 1);

      chiaro_image_store_add_decoded (job->images, last->hash, decoded);
    }

  job->entry_images = g_steal_pointer (&entry_images);
  job->reply = chiaro_reply_new_from_result (job->result,
                                             (const char * const *) hashes->pdata,
                                             job->estimate);
  job->reply->requested_at = job->requested_at;
  job->reply->received_at = g_get_real_time ();

  g_task_return_boolean (task, TRUE);
}

static void
on_answer_stored (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Variant *variant = user_data;
  SendOperation *op = variant->operation;
  ChiaroDocument *self = op->document;
  StoreJob *job = g_task_get_task_data (G_TASK (result));
  ChiaroHistoryEntry *parent = chiaro_send_get_parent (op->send);
  ChiaroHistoryEntry *last = NULL;
  g_autoptr(GError) error = NULL;
  gboolean follow;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      note_failure (op, error);
      variant_finished (variant);
      return;
    }

  /* The entry it was sent from was deleted meanwhile: the answer goes with it. */
  if (!entry_is_in_history (self, parent))
    {
      variant_finished (variant);
      return;
    }

  /* One entry per image, siblings in answer order sharing the reply; the cursor goes to
   * the last (the final image) when this is the send's first answer and it had not moved. */
  follow = chiaro_send_get_n_done (op->send) == 0 &&
           chiaro_history_get_cursor (self->history) == parent;
  for (guint i = 0; i < job->entry_images->len; i++)
    {
      StoredImage *image = g_ptr_array_index (job->entry_images, i);
      g_autoptr(ChiaroHistoryEntry) entry =
        chiaro_history_entry_new_for_image (chiaro_send_get_turn (op->send), job->reply,
                                            image->hash, image->mime_type, image->width,
                                            image->height);

      chiaro_history_add (self->history, parent, entry);
      chiaro_send_add_entry (op->send, entry);
      last = entry;
    }
  if (follow && last != NULL)
    chiaro_history_set_cursor (self->history, last);

  variant_finished (variant);
}

static void
on_variant_generated (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Variant *variant = user_data;
  SendOperation *op = variant->operation;
  g_autoptr(ChiaroGenerationResult) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  StoreJob *job;

  answer = chiaro_provider_generate_finish (CHIARO_PROVIDER (source), result, &error);
  if (answer == NULL)
    {
      note_failure (op, error);
      variant_finished (variant);
      return;
    }

  variant->state = CHIARO_SEND_SAVING;
  variant->fraction = -1;
  update_progress (op, NULL);

  job = g_new0 (StoreJob, 1);
  job->images = g_object_ref (op->document->images);
  job->result = g_steal_pointer (&answer);
  job->estimate = op->estimate_each;
  job->requested_at = variant->requested_at;
  /* A single answer the cursor will follow (see on_answer_stored()). Of several variants,
   * the cursor follows whichever is stored first, which one cannot know here. */
  job->decode = op->n_variants == 1 &&
                chiaro_history_get_cursor (op->document->history) ==
                chiaro_send_get_parent (op->send);

  /* Not cancellable: an answer that came back is kept. No source object: a worker may drop
   * its reference to the task after the callback, and the document must not go with it. */
  task = g_task_new (NULL, NULL, on_answer_stored, variant);
  g_task_set_source_tag (task, on_variant_generated);
  g_task_set_name (task, "[chiaro] store an answer");
  g_task_set_task_data (task, job, (GDestroyNotify) store_job_free);
  g_task_run_in_thread (task, store_answer_thread);
}

static void
start_variants (SendOperation *op)
{
  ChiaroGenerationRequest *planned = op->plan->request;
  ChiaroTurn *turn = chiaro_send_get_turn (op->send);

  chiaro_send_set_state (op->send, CHIARO_SEND_SENDING);
  chiaro_send_set_progress (op->send, 0, NULL);

  for (guint i = 0; i < op->n_variants; i++)
    {
      Variant *variant = &op->variants[i];
      g_autoptr(ChiaroGenerationRequest) request = NULL;

      /* Variants with one seed would be one image several times: each gets its own. */
      if (i > 0 && planned->options->has_seed)
        {
          g_autoptr(ChiaroGenerationOptions) options =
            chiaro_generation_options_copy (planned->options);

          options->seed = (gint32) ((guint32) options->seed + i);
          request = chiaro_generation_request_new (planned->model, options);
          for (guint j = 0; j < planned->contents->len; j++)
            chiaro_generation_request_add_content (request,
                                                   g_ptr_array_index (planned->contents, j));
        }
      else
        {
          request = chiaro_generation_request_ref (planned);
        }
      chiaro_generation_request_set_model_id (request, turn->model_id);

      variant->requested_at = g_get_real_time ();
      chiaro_provider_generate_async (op->document->provider, request,
                                      on_variant_progress, variant, NULL,
                                      op->cancellable, on_variant_generated, variant);
    }
}

/* Planning, on a worker. */
typedef struct
{
  ChiaroImageStore        *images;
  ChiaroRequestPlanner    *planner;
  ChiaroModelInfo         *model;
  ChiaroTurn              *turn;
  GPtrArray               *history;           /* (element-type StoredTurn) root first */
  char                    *canvas_hash;       /* (nullable) */
  char                    *canvas_mime_type;  /* (nullable) */
  gboolean                 canvas_is_last_turn;
  /* out */
  ChiaroPlan              *plan;
  ChiaroContent           *user;              /* the user turn as sent, stored */
  GStrv                    user_hashes;
} PlanJob;

static void
plan_job_free (PlanJob *job)
{
  g_object_unref (job->images);
  g_object_unref (job->planner);
  chiaro_model_info_unref (job->model);
  chiaro_turn_unref (job->turn);
  g_ptr_array_unref (job->history);
  g_free (job->canvas_hash);
  g_free (job->canvas_mime_type);
  g_clear_pointer (&job->plan, chiaro_plan_free);
  g_clear_pointer (&job->user, chiaro_content_unref);
  g_strfreev (job->user_hashes);
  g_free (job);
}

static void
plan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PlanJob *job = task_data;
  ChiaroTurn *turn = job->turn;
  g_autoptr(ChiaroPlanInput) input = NULL;
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  ChiaroContent *user;
  GError *error = NULL;

  /* A pack's turn keeps the user's prompt; what is sent adds the re-framing instruction. */
  if (turn->pack_id != NULL && chiaro_generation_options_get_aspect_ratio (turn->options) != NULL)
    {
      g_autofree char *composed =
        chiaro_pack_compose_prompt (turn->prompt,
                                    chiaro_generation_options_get_aspect_ratio (turn->options));

      input = chiaro_plan_input_new (job->model, turn->options, composed);
    }
  else
    input = chiaro_plan_input_new (job->model, turn->options, turn->prompt);

  for (guint i = 0; i < job->history->len; i++)
    {
      StoredTurn *stored = g_ptr_array_index (job->history, i);
      ChiaroContent *filled;

      filled = chiaro_image_store_fill_content (job->images, stored->content,
                                                (const char * const *) stored->hashes,
                                                cancellable, &error);
      if (filled == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (input->history, filled);
    }

  if (job->canvas_hash != NULL)
    {
      g_autoptr(GBytes) bytes = NULL;

      bytes = chiaro_image_store_load (job->images, job->canvas_hash, job->canvas_mime_type,
                                       cancellable, &error);
      if (bytes != NULL)
        /* Translators: how the image being edited is named in error messages */
        input->canvas = chiaro_image_new_from_bytes (bytes, _("the image being edited"),
                                                     &error);
      if (input->canvas == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      input->canvas_is_last_turn = job->canvas_is_last_turn;
    }

  for (guint i = 0; i < turn->references->len; i++)
    {
      ChiaroTurnReference *reference = g_ptr_array_index (turn->references, i);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(ChiaroImage) image = NULL;
      g_autofree char *name = NULL;

      bytes = chiaro_image_store_load (job->images, reference->hash, reference->mime_type,
                                       cancellable, &error);
      if (bytes == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      /* Translators: how a reference image is named in error messages; %u counts from 1 */
      name = reference->label != NULL ? g_strdup (reference->label)
                                      : g_strdup_printf (_("reference %u"), i + 1);
      image = chiaro_image_new_from_bytes (bytes, name, &error);
      if (image == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      chiaro_plan_input_add_reference (input, image, reference->label);
    }

  job->plan = chiaro_request_planner_plan (job->planner, input, cancellable, &error);
  if (job->plan == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The user turn exactly as sent (images re-encoded by the planner included) is kept in
   * the store, so later requests send the same bytes again. */
  user = g_ptr_array_index (job->plan->request->contents, job->plan->request->contents->len - 1);
  for (guint i = 0; i < user->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (user->parts, i);
      g_autoptr(GError) write_error = NULL;

      if (part->kind != CHIARO_PART_IMAGE || part->data == NULL)
        continue;
      g_ptr_array_add (hashes, chiaro_image_store_add (job->images, part->data, part->mime_type,
                                                       NULL, &write_error));
      if (write_error != NULL)
        g_debug ("image kept in memory: %s", write_error->message);
    }
  g_ptr_array_add (hashes, NULL);
  job->user = chiaro_stored_content_strip (user);
  job->user_hashes = (GStrv) g_ptr_array_free (g_steal_pointer (&hashes), FALSE);

  g_task_return_boolean (task, TRUE);
}

/* Each reference of the turn still in the tray says what the planner did to it, if anything. */
static void
note_reference_changes (ChiaroDocument *self,
                        ChiaroTurn     *turn,
                        ChiaroPlan     *plan)
{
  for (guint i = 0; i < turn->references->len; i++)
    {
      ChiaroTurnReference *sent = g_ptr_array_index (turn->references, i);
      ChiaroReference *reference = chiaro_reference_list_find (self->references, sent->hash, NULL);
      const char *note = NULL;

      if (reference == NULL)
        continue;
      for (guint j = 0; j < plan->changes->len; j++)
        {
          ChiaroPlanChange *change = g_ptr_array_index (plan->changes, j);

          if (change->target == CHIARO_PLAN_TARGET_REFERENCE && change->index == i)
            note = change->message;
        }
      chiaro_reference_set_plan_note (reference, note);
    }
}

static void
on_planned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SendOperation *op = user_data;
  PlanJob *job = g_task_get_task_data (G_TASK (result));
  ChiaroTurn *turn = chiaro_send_get_turn (op->send);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      g_cancellable_set_error_if_cancelled (op->cancellable, &error))
    {
      /* Nothing was sent: every variant failed with the plan. */
      if (!error_is_cancelled (error))
        {
          g_debug ("planning failed: %s", error->message);
          op->first_error = g_steal_pointer (&error);
          for (guint i = 0; i < op->n_variants; i++)
            chiaro_send_add_failure (op->send);
        }
      for (guint i = 0; i < op->n_variants; i++)
        op->variants[i].finished = TRUE;
      op->n_outstanding = 0;
      finish_operation (op);
      return;
    }

  /* Set once; a retry of the same turn sends the same user turn again. */
  if (turn->content == NULL)
    {
      turn->content = g_steal_pointer (&job->user);
      turn->content_hashes = g_steal_pointer (&job->user_hashes);
    }

  changes = g_ptr_array_new ();
  for (guint i = 0; i < job->plan->changes->len; i++)
    {
      ChiaroPlanChange *change = g_ptr_array_index (job->plan->changes, i);

      g_ptr_array_add (changes, change->message);
    }
  g_ptr_array_add (changes, NULL);
  chiaro_send_set_changes (op->send, job->plan->changes->len > 0
                                     ? (const char * const *) changes->pdata : NULL);

  note_reference_changes (op->document, turn, job->plan);
  op->plan = g_steal_pointer (&job->plan);
  start_variants (op);
}

static guint
count_input_images (ChiaroDocument     *self,
                    ChiaroTurn         *turn,
                    ChiaroHistoryEntry *parent)
{
  return turn->references->len + (chiaro_history_entry_get_image_hash (parent) != NULL);
}

/* Returns: (transfer none): the new send (in self->sends) */
static ChiaroSend *
start_operation (ChiaroDocument      *self,
                 ChiaroTurn          *turn,
                 ChiaroHistoryEntry  *parent,
                 ChiaroSend          *replaces,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task;
  g_autoptr(GTask) plan_task = NULL;
  g_autoptr(GPtrArray) path = g_ptr_array_new ();
  SendOperation *op;
  PlanJob *job;
  guint position = G_MAXUINT;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, start_operation);
  g_task_set_name (task, "[chiaro] send");
  /* A send that added some answers before being stopped still returns them. */
  g_task_set_check_cancellable (task, FALSE);

  op = g_new0 (SendOperation, 1);
  op->document = g_object_ref (self);
  op->task = g_steal_pointer (&task);
  op->send = chiaro_send_new (turn, parent);
  op->cancellable = g_cancellable_new ();
  op->model = lookup_model (self, turn->model_id);
  op->n_variants = CLAMP (turn->n_variants, 1, MAX_VARIANTS);
  op->n_outstanding = op->n_variants;
  op->variants = g_new0 (Variant, op->n_variants);
  for (guint i = 0; i < op->n_variants; i++)
    {
      op->variants[i].operation = op;
      op->variants[i].index = i;
      op->variants[i].state = CHIARO_SEND_PLANNING;
      op->variants[i].fraction = -1;
    }
  op->estimate_each =
    chiaro_model_info_estimate_cost (op->model,
                                     chiaro_generation_options_get_image_size (turn->options,
                                                                               op->model),
                                     1, count_input_images (self, turn, parent),
                                     strlen (turn->prompt));

  g_hash_table_insert (self->operations, op->send, op);
  if (replaces != NULL)
    position = find_send (self, replaces);
  if (position != G_MAXUINT)
    g_list_store_splice (self->sends, position, 1, (gpointer *) &op->send, 1);
  else
    g_list_store_append (self->sends, op->send);
  rebuild_messages (self);
  notify_changed (self, PROP_N_PENDING);

  if (cancellable != NULL)
    {
      op->caller_cancellable = g_object_ref (cancellable);
      op->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                  g_object_ref (op->cancellable),
                                                  g_object_unref);
    }

  /* What the worker needs, copied or referenced now. */
  job = g_new0 (PlanJob, 1);
  job->images = g_object_ref (self->images);
  job->planner = g_object_ref (self->planner);
  job->model = chiaro_model_info_ref (op->model);
  job->turn = chiaro_turn_ref (turn);
  job->history = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_turn_free);
  for (ChiaroHistoryEntry *entry = parent; entry != NULL;
       entry = chiaro_history_entry_get_parent (entry))
    g_ptr_array_insert (path, 0, entry);
  for (guint i = 0; i < path->len; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (path, i);
      ChiaroTurn *entry_turn = chiaro_history_entry_get_turn (entry);
      ChiaroReply *reply = chiaro_history_entry_get_reply (entry);

      if (entry_turn == NULL || entry_turn->content == NULL ||
          reply == NULL || reply->content == NULL)
        continue;
      g_ptr_array_add (job->history,
                       stored_turn_new (entry_turn->content,
                                        (const char * const *) entry_turn->content_hashes));
      g_ptr_array_add (job->history,
                       stored_turn_new (reply->content,
                                        (const char * const *) reply->content_hashes));
    }
  job->canvas_hash = g_strdup (chiaro_history_entry_get_image_hash (parent));
  job->canvas_mime_type = g_strdup (chiaro_history_entry_get_mime_type (parent));
  /* The model's last turn shows the canvas only when the canvas is that turn's final
   * image; an earlier image of an answer with several is sent again, so the model knows
   * which one is being edited. */
  job->canvas_is_last_turn = chiaro_history_entry_get_turn (parent) != NULL &&
                             job->history->len > 0 &&
                             chiaro_history_entry_get_reply (parent) != NULL &&
                             g_strcmp0 (chiaro_reply_get_final_image_hash (
                                          chiaro_history_entry_get_reply (parent)),
                                        chiaro_history_entry_get_image_hash (parent)) == 0;

  plan_task = g_task_new (NULL, op->cancellable, on_planned, op);
  g_task_set_source_tag (plan_task, on_planned);
  g_task_set_name (plan_task, "[chiaro] plan a send");
  g_task_set_check_cancellable (plan_task, FALSE);
  g_task_set_task_data (plan_task, job, (GDestroyNotify) plan_job_free);
  g_task_run_in_thread (plan_task, plan_thread);
  return op->send;
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

static gboolean
check_can_send (ChiaroDocument  *self,
                ChiaroTurn      *turn,
                GError         **error)
{
  if (self->closed || self->closing)
    {
      g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                           _("The project is closed"));
      return FALSE;
    }
  if (self->provider == NULL)
    {
      g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                           _("No image service is set up to send to"));
      return FALSE;
    }
  if (is_blank (turn->prompt) && turn->references->len == 0)
    {
      g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                           _("There is nothing to send: write a prompt or add a reference"));
      return FALSE;
    }
  return TRUE;
}

/* Closing */

static void
on_close_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ChiaroDocument) self = user_data;
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&self->close_tasks);
  g_autoptr(GError) error = NULL;

  self->close_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->closing = FALSE;

  if (!chiaro_document_save_finish (self, result, &error))
    {
      for (guint i = 0; i < tasks->len; i++)
        g_task_return_error (g_ptr_array_index (tasks, i), g_error_copy (error));
      return;
    }

  self->closed = TRUE;
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  chiaro_project_store_close (self->store);
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_boolean (g_ptr_array_index (tasks, i), TRUE);
}

static void
maybe_continue_close (ChiaroDocument *self)
{
  if (!self->closing || g_hash_table_size (self->operations) > 0)
    return;

  if (self->store != NULL && !self->closed &&
      (self->generation != self->saved_generation || self->save_error != NULL ||
       self->pending_deletions->len > 0))
    {
      chiaro_document_save_async (self, NULL, on_close_saved, g_object_ref (self));
    }
  else
    {
      g_autoptr(GPtrArray) tasks = g_steal_pointer (&self->close_tasks);

      self->close_tasks = g_ptr_array_new_with_free_func (g_object_unref);
      self->closing = FALSE;
      self->closed = TRUE;
      g_clear_handle_id (&self->autosave_id, g_source_remove);
      g_clear_handle_id (&self->retry_id, g_source_remove);
      if (self->store != NULL)
        chiaro_project_store_close (self->store);
      for (guint i = 0; i < tasks->len; i++)
        g_task_return_boolean (g_ptr_array_index (tasks, i), TRUE);
    }
}

/* Thumbnails of the tray */

static void
on_reference_thumbnail (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(ChiaroReference) reference = user_data;
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autoptr(GError) error = NULL;

  thumbnail = chiaro_image_store_thumbnail_finish (CHIARO_IMAGE_STORE (source), result, &error);
  if (thumbnail != NULL)
    chiaro_reference_set_thumbnail (reference, thumbnail);
  else if (!error_is_cancelled (error))
    g_debug ("no thumbnail for %s: %s", chiaro_reference_get_hash (reference), error->message);
}

static void
request_thumbnail (ChiaroDocument  *self,
                   ChiaroReference *reference)
{
  if (chiaro_reference_get_thumbnail (reference) != NULL)
    return;

  chiaro_image_store_thumbnail_async (self->images, chiaro_reference_get_hash (reference),
                                      chiaro_reference_get_mime_type (reference),
                                      self->cancellable, on_reference_thumbnail,
                                      g_object_ref (reference));
}

/* Construction */

static void
connect_models (ChiaroDocument *self)
{
  g_signal_connect_object (self->history, "changed", G_CALLBACK (on_history_changed), self, 0);
  g_signal_connect_object (self->history, "notify::cursor", G_CALLBACK (on_cursor_changed),
                           self, 0);
  g_signal_connect_object (self->references, "changed", G_CALLBACK (on_references_changed),
                           self, 0);
}

static void
apply_model_limit (ChiaroDocument *self)
{
  g_autoptr(ChiaroModelInfo) model = lookup_model (self, self->model_id);
  guint limit = chiaro_model_info_get_max_references (model);

  chiaro_reference_list_set_limit (self->references,
                                   CLAMP (limit, 1, CHIARO_REFERENCE_LIST_MAX));
}

static GError *
failed_send_dup_error (ChiaroFailedSend *failed)
{
  const char *message = failed->error_message;
  GError *error = NULL;

  if (failed->error_domain == 0)
    return new_interrupted_error ();

  if (message == NULL)
    message = _("The send failed");
  if (failed->error_domain == CHIARO_API_ERROR)
    {
      chiaro_api_error_set (&error, failed->error_code, message, failed->error_detail, 0, NULL);
      return error;
    }
  return g_error_new_literal (failed->error_domain, failed->error_code, message);
}

/* A document over @state (whose history and tray it takes), or a new one when NULL. */
static ChiaroDocument *
document_new (ChiaroModelCatalog *catalog,
              ChiaroProjectStore *store,
              ChiaroProjectState *state)
{
  ChiaroDocument *self = g_object_new (CHIARO_TYPE_DOCUMENT, "catalog", catalog, NULL);

  if (store != NULL)
    {
      self->store = g_object_ref (store);
      self->dir = g_object_ref (chiaro_project_store_get_dir (store));
      self->images = g_object_ref (chiaro_project_store_get_images (store));
    }
  else
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_dir_make_tmp ("chiaro-unsaved-XXXXXX", &error);

      /* Without a folder the images still need a home; the store keeps them in memory when
       * even this cannot be written. */
      if (path == NULL)
        {
          g_autofree char *uuid = g_uuid_string_random ();
          g_autofree char *base = g_strconcat ("chiaro-unsaved-", uuid, NULL);

          g_debug ("no scratch folder: %s", error->message);
          path = g_build_filename (g_get_tmp_dir (), base, NULL);
        }
      self->scratch_dir = g_file_new_for_path (path);
      self->images = chiaro_image_store_new (self->scratch_dir);
    }

  if (state != NULL)
    {
      self->history = g_steal_pointer (&state->history);
      self->references = g_steal_pointer (&state->references);
      replace_string (&self->name, state->name);
      replace_string (&self->prompt, state->prompt != NULL ? state->prompt : "");
      if (state->model_id != NULL)
        replace_string (&self->model_id, state->model_id);
      if (state->options != NULL)
        {
          chiaro_generation_options_free (self->options);
          self->options = chiaro_generation_options_copy (state->options);
        }
      self->n_variants = CLAMP (state->n_variants, 1, MAX_VARIANTS);
      if (state->created != 0)
        self->created = state->created;

      for (guint i = 0; i < state->failed_sends->len; i++)
        {
          ChiaroFailedSend *failed = g_ptr_array_index (state->failed_sends, i);
          ChiaroHistoryEntry *parent = chiaro_history_lookup (self->history, failed->parent_id);
          g_autoptr(ChiaroSend) send = NULL;
          g_autoptr(GError) error = failed_send_dup_error (failed);

          if (parent == NULL)
            parent = chiaro_history_get_root (self->history);
          send = chiaro_send_new (failed->turn, parent);
          chiaro_send_set_error (send, error);
          chiaro_send_set_state (send, CHIARO_SEND_FAILED);
          g_list_store_append (self->sends, send);
        }
    }

  if (self->history == NULL)
    {
      g_autoptr(ChiaroHistoryEntry) root = chiaro_history_entry_new_root (NULL, NULL, 0, 0);

      self->history = chiaro_history_new ();
      chiaro_history_add (self->history, NULL, root);
    }
  if (self->references == NULL)
    self->references = chiaro_reference_list_new ();

  apply_model_limit (self);
  connect_models (self);
  rebuild_messages (self);

  return self;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;

      if (!g_file_enumerator_iterate (children, &info, &child, NULL, NULL) || info == NULL)
        break;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_file_delete (child, NULL, NULL);
    }
  g_file_delete (file, NULL, NULL);
}

static void
remove_scratch_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  remove_tree (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
chiaro_document_dispose (GObject *object)
{
  ChiaroDocument *self = CHIARO_DOCUMENT (object);
  GHashTableIter iter;
  gpointer value;

  g_cancellable_cancel (self->cancellable);
  g_hash_table_iter_init (&iter, self->operations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (((SendOperation *) value)->cancellable);

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);

  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  if (self->references != NULL)
    g_signal_handlers_disconnect_by_data (self->references, self);

  G_OBJECT_CLASS (chiaro_document_parent_class)->dispose (object);
}

static void
chiaro_document_finalize (GObject *object)
{
  ChiaroDocument *self = CHIARO_DOCUMENT (object);

  if (self->scratch_dir != NULL)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

      g_task_set_source_tag (task, chiaro_document_finalize);
      g_task_set_name (task, "[chiaro] remove the scratch folder");
      g_task_set_task_data (task, g_object_ref (self->scratch_dir), g_object_unref);
      g_task_run_in_thread (task, remove_scratch_thread);
    }

  g_clear_object (&self->dir);
  g_clear_object (&self->store);
  g_clear_object (&self->images);
  g_clear_object (&self->scratch_dir);
  g_clear_object (&self->catalog);
  g_clear_object (&self->history);
  g_clear_object (&self->references);
  g_clear_object (&self->planner);
  g_clear_object (&self->provider);
  g_free (self->provider_name);
  g_free (self->name);
  g_free (self->prompt);
  g_free (self->model_id);
  g_clear_pointer (&self->options, chiaro_generation_options_free);
  g_clear_object (&self->sends);
  g_clear_object (&self->messages);
  g_clear_pointer (&self->pack_groups, g_hash_table_unref);
  g_clear_pointer (&self->operations, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->recovered_from_backup);
  g_clear_pointer (&self->pending_deletions, g_ptr_array_unref);
  g_clear_pointer (&self->save_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->close_tasks, g_ptr_array_unref);
  g_clear_error (&self->save_error);

  G_OBJECT_CLASS (chiaro_document_parent_class)->finalize (object);
}

static void
chiaro_document_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ChiaroDocument *self = CHIARO_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_DIR:
      g_value_set_object (value, self->dir);
      break;

    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;

    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;

    case PROP_REFERENCES:
      g_value_set_object (value, self->references);
      break;

    case PROP_PROMPT:
      g_value_set_string (value, self->prompt);
      break;

    case PROP_MODEL_ID:
      g_value_set_string (value, self->model_id);
      break;

    case PROP_OPTIONS:
      g_value_set_boxed (value, self->options);
      break;

    case PROP_N_VARIANTS:
      g_value_set_uint (value, self->n_variants);
      break;

    case PROP_PROVIDER:
      g_value_set_object (value, self->provider);
      break;

    case PROP_AUTOSAVE_DELAY:
      g_value_set_uint (value, self->autosave_delay);
      break;

    case PROP_N_PENDING:
      g_value_set_uint (value, g_hash_table_size (self->operations));
      break;

    case PROP_SAVE_ERROR:
      g_value_set_boxed (value, self->save_error);
      break;

    case PROP_SAVING:
      g_value_set_boolean (value, self->saving);
      break;

    case PROP_RECOVERED_FROM_BACKUP:
      g_value_set_object (value, self->recovered_from_backup);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_HAS_UNSAVED_CHANGES:
      g_value_set_boolean (value, chiaro_document_get_has_unsaved_changes (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_document_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ChiaroDocument *self = CHIARO_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;

    case PROP_PROMPT:
      chiaro_document_set_prompt (self, g_value_get_string (value));
      break;

    case PROP_MODEL_ID:
      chiaro_document_set_model_id (self, g_value_get_string (value));
      break;

    case PROP_OPTIONS:
      chiaro_document_set_options (self, g_value_get_boxed (value));
      break;

    case PROP_N_VARIANTS:
      chiaro_document_set_n_variants (self, g_value_get_uint (value));
      break;

    case PROP_AUTOSAVE_DELAY:
      chiaro_document_set_autosave_delay (self, g_value_get_uint (value));
      break;

    case PROP_NAME:
      chiaro_document_set_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_document_constructed (GObject *object)
{
  ChiaroDocument *self = CHIARO_DOCUMENT (object);

  G_OBJECT_CLASS (chiaro_document_parent_class)->constructed (object);

  if (self->catalog == NULL)
    self->catalog = chiaro_model_catalog_new ();
  self->model_id = g_strdup (chiaro_model_catalog_get_default_id (self->catalog));
}

static void
chiaro_document_class_init (ChiaroDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = chiaro_document_constructed;
  object_class->dispose = chiaro_document_dispose;
  object_class->finalize = chiaro_document_finalize;
  object_class->get_property = chiaro_document_get_property;
  object_class->set_property = chiaro_document_set_property;

  properties[PROP_DIR] = g_param_spec_object ("dir", NULL, NULL, G_TYPE_FILE, ro);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, CHIARO_TYPE_MODEL_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HISTORY] = g_param_spec_object ("history", NULL, NULL, CHIARO_TYPE_HISTORY,
                                                  ro);
  properties[PROP_REFERENCES] = g_param_spec_object ("references", NULL, NULL,
                                                     CHIARO_TYPE_REFERENCE_LIST, ro);
  properties[PROP_PROMPT] = g_param_spec_string ("prompt", NULL, NULL, "", rw);
  properties[PROP_MODEL_ID] = g_param_spec_string ("model-id", NULL, NULL, NULL, rw);
  properties[PROP_OPTIONS] = g_param_spec_boxed ("options", NULL, NULL,
                                                 CHIARO_TYPE_GENERATION_OPTIONS, rw);
  properties[PROP_N_VARIANTS] = g_param_spec_uint ("n-variants", NULL, NULL, 1, MAX_VARIANTS,
                                                   1, rw);
  properties[PROP_PROVIDER] = g_param_spec_object ("provider", NULL, NULL,
                                                   CHIARO_TYPE_PROVIDER, ro);
  properties[PROP_AUTOSAVE_DELAY] =
    g_param_spec_uint ("autosave-delay", NULL, NULL, 0, G_MAXUINT,
                       CHIARO_DOCUMENT_DEFAULT_AUTOSAVE_DELAY_MS, rw);
  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_SAVE_ERROR] = g_param_spec_boxed ("save-error", NULL, NULL, G_TYPE_ERROR, ro);
  properties[PROP_SAVING] = g_param_spec_boolean ("saving", NULL, NULL, FALSE, ro);
  properties[PROP_RECOVERED_FROM_BACKUP] =
    g_param_spec_object ("recovered-from-backup", NULL, NULL, G_TYPE_FILE, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_HAS_UNSAVED_CHANGES] =
    g_param_spec_boolean ("has-unsaved-changes", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_document_init (ChiaroDocument *self)
{
  self->planner = chiaro_request_planner_new ();
  self->provider_name = g_strdup ("gemini");
  self->prompt = g_strdup ("");
  self->options = chiaro_generation_options_new ();
  self->n_variants = 1;
  self->created = g_get_real_time ();
  self->sends = g_list_store_new (CHIARO_TYPE_SEND);
  self->messages = g_list_store_new (CHIARO_TYPE_MESSAGE);
  self->pack_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->operations = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
  self->pending_deletions = g_ptr_array_new_with_free_func ((GDestroyNotify) deletion_free);
  self->save_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->close_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->autosave_delay = CHIARO_DOCUMENT_DEFAULT_AUTOSAVE_DELAY_MS;
  self->retry_interval = CHIARO_DOCUMENT_SAVE_RETRY_INTERVAL_MS;
}

/* Public */

/**
 * chiaro_document_new:
 * @catalog: (nullable): the model catalog; %NULL for the built-in one
 *
 * A document in no folder: it is never saved. Its images are kept in a temporary folder
 * that goes with it.
 *
 * Returns: (transfer full): a document with an empty root
 */
ChiaroDocument *
chiaro_document_new (ChiaroModelCatalog *catalog)
{
  g_return_val_if_fail (catalog == NULL || CHIARO_IS_MODEL_CATALOG (catalog), NULL);

  return document_new (catalog, NULL, NULL);
}

/* Opening, on a worker. */
typedef struct
{
  GFile                   *dir;
  ChiaroDocumentOpenFlags  flags;
  /* out */
  ChiaroProjectStore      *store;
  ChiaroProjectState      *state;     /* (nullable) NULL for a new project */
  GFile                   *set_aside; /* (nullable) */
  gboolean                 from_backup;
} OpenJob;

static void
open_job_free (OpenJob *job)
{
  g_object_unref (job->dir);
  g_clear_object (&job->store);
  g_clear_pointer (&job->state, chiaro_project_state_free);
  g_clear_object (&job->set_aside);
  g_free (job);
}

static ChiaroProjectState *
read_state (ChiaroProjectStore  *store,
            ChiaroProjectFile    which,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(GBytes) bytes = chiaro_project_store_read (store, which, cancellable, error);

  if (bytes == NULL)
    return NULL;
  return chiaro_project_state_new_from_json (bytes, error);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenJob *job = task_data;
  GError *error = NULL;

  job->store = chiaro_project_store_open (job->dir,
                                          (job->flags & CHIARO_DOCUMENT_OPEN_CREATE)
                                          ? CHIARO_PROJECT_STORE_OPEN_CREATE
                                          : CHIARO_PROJECT_STORE_OPEN_NONE,
                                          &error);
  if (job->store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!chiaro_project_store_has_state (job->store))
    {
      g_autoptr(GError) backup_error = NULL;

      /* A crash between the backup's rename and the new file's would leave only the
       * backup: it is the last good state. */
      job->state = read_state (job->store, CHIARO_PROJECT_FILE_BACKUP, cancellable,
                               &backup_error);
      if (job->state != NULL)
        {
          job->from_backup = TRUE;
        }
      else if (!g_error_matches (backup_error, CHIARO_PROJECT_ERROR,
                                 CHIARO_PROJECT_ERROR_NOT_FOUND))
        {
          g_task_return_error (task, g_steal_pointer (&backup_error));
          return;
        }
      else if (!(job->flags & CHIARO_DOCUMENT_OPEN_CREATE))
        {
          g_autofree char *name = g_file_get_parse_name (job->dir);

          g_task_return_new_error (task, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND,
                                   /* Translators: %s is a folder */
                                   _("“%s” is not a Chiaro project: it has no project.json"),
                                   name);
          return;
        }
      g_task_return_boolean (task, TRUE);
      return;
    }

  job->state = read_state (job->store, CHIARO_PROJECT_FILE_MAIN, cancellable, &error);
  if (job->state != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* A newer version is never replaced by an older state; only an unreadable file is. */
  if (g_error_matches (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT) &&
      (job->flags & CHIARO_DOCUMENT_OPEN_FALLBACK_TO_BACKUP))
    {
      g_autoptr(GError) backup_error = NULL;

      job->state = read_state (job->store, CHIARO_PROJECT_FILE_BACKUP, cancellable,
                               &backup_error);
      if (job->state == NULL)
        {
          g_debug ("the backup cannot be used either: %s", backup_error->message);
          g_task_return_error (task, error);
          return;
        }
      g_clear_error (&error);
      if (!chiaro_project_store_set_aside (job->store, &job->set_aside, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      job->from_backup = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_task_return_error (task, error);
}

/**
 * chiaro_document_open_async:
 * @dir: the project folder
 * @flags: whether to create it, and whether to fall back to the backup
 * @catalog: (nullable): the model catalog; %NULL for the built-in one
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the project is loaded
 * @user_data: data for @callback
 *
 * Locks @dir and loads project.json on a worker. A project.json that cannot be read is
 * left as it is unless @flags has %CHIARO_DOCUMENT_OPEN_FALLBACK_TO_BACKUP and the backup
 * can be read: then it is set aside (see #ChiaroDocument:recovered-from-backup). One
 * written by a newer Chiaro is never touched.
 */
void
chiaro_document_open_async (GFile                   *dir,
                            ChiaroDocumentOpenFlags  flags,
                            ChiaroModelCatalog      *catalog,
                            GCancellable            *cancellable,
                            GAsyncReadyCallback      callback,
                            gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenJob *job;

  g_return_if_fail (G_IS_FILE (dir));
  g_return_if_fail (catalog == NULL || CHIARO_IS_MODEL_CATALOG (catalog));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (OpenJob, 1);
  job->dir = g_object_ref (dir);
  job->flags = flags;

  task = g_task_new (catalog, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_document_open_async);
  g_task_set_name (task, "[chiaro] open a project");
  g_task_set_task_data (task, job, (GDestroyNotify) open_job_free);
  g_task_run_in_thread (task, open_thread);
}

/**
 * chiaro_document_open_finish:
 * @result: the result given to the callback
 * @error: where to put the error
 *
 * Returns: (transfer full) (nullable): the document, holding the project's lock
 */
ChiaroDocument *
chiaro_document_open_finish (GAsyncResult  *result,
                             GError       **error)
{
  GTask *task = G_TASK (result);
  OpenJob *job;
  ChiaroDocument *self;

  g_return_val_if_fail (g_task_get_source_tag (task) == chiaro_document_open_async, NULL);

  if (!g_task_propagate_boolean (task, error))
    return NULL;

  job = g_task_get_task_data (task);
  self = document_new (g_task_get_source_object (task), job->store, job->state);
  if (job->set_aside != NULL)
    self->recovered_from_backup = g_object_ref (job->set_aside);

  /* A new project gets its project.json; a recovered one, a readable one again. */
  if (job->state == NULL || job->from_backup)
    mark_changed (self);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->references)); i++)
    {
      g_autoptr(ChiaroReference) reference =
        g_list_model_get_item (G_LIST_MODEL (self->references), i);

      request_thumbnail (self, reference);
    }

  return self;
}

/**
 * chiaro_document_get_dir:
 * @self: a document
 *
 * Returns: (transfer none) (nullable): the project folder
 */
GFile *
chiaro_document_get_dir (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->dir;
}

/**
 * chiaro_document_get_store:
 * @self: a document
 *
 * Returns: (transfer none) (nullable): the project store, %NULL without a folder
 */
ChiaroProjectStore *
chiaro_document_get_store (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->store;
}

/**
 * chiaro_document_get_images:
 * @self: a document
 *
 * Returns: (transfer none): the image store
 */
ChiaroImageStore *
chiaro_document_get_images (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->images;
}

/**
 * chiaro_document_get_catalog:
 * @self: a document
 *
 * Returns: (transfer none): the model catalog
 */
ChiaroModelCatalog *
chiaro_document_get_catalog (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->catalog;
}

/**
 * chiaro_document_get_history:
 * @self: a document
 *
 * Returns: (transfer none): the history tree
 */
ChiaroHistory *
chiaro_document_get_history (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->history;
}

/**
 * chiaro_document_get_references:
 * @self: a document
 *
 * Returns: (transfer none): the tray
 */
ChiaroReferenceList *
chiaro_document_get_references (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->references;
}

/**
 * chiaro_document_get_messages:
 * @self: a document
 *
 * Returns: (transfer none): a #GListModel of #ChiaroMessage: the path root → cursor as
 *   turns (USER then MODEL per entry), with the sends in flight (PENDING) and failed
 *   (FAILED) made from each entry on it after that entry's answer
 */
GListModel *
chiaro_document_get_messages (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return G_LIST_MODEL (self->messages);
}

/**
 * chiaro_document_get_sends:
 * @self: a document
 *
 * Returns: (transfer none): a #GListModel of #ChiaroSend in flight or failed, oldest first
 */
GListModel *
chiaro_document_get_sends (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return G_LIST_MODEL (self->sends);
}

/**
 * chiaro_document_get_recovered_from_backup:
 * @self: a document
 *
 * Returns: (transfer none) (nullable): where the unreadable project.json was moved when
 *   the backup was loaded instead
 */
GFile *
chiaro_document_get_recovered_from_backup (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->recovered_from_backup;
}

/**
 * chiaro_document_get_name:
 * @self: a document
 *
 * Returns: (nullable): the project's display name
 */
const char *
chiaro_document_get_name (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->name;
}

/**
 * chiaro_document_set_name:
 * @self: a document
 * @name: (nullable): the project's display name
 */
void
chiaro_document_set_name (ChiaroDocument *self,
                          const char     *name)
{
  g_return_if_fail (CHIARO_IS_DOCUMENT (self));

  if (replace_string (&self->name, name))
    notify_changed (self, PROP_NAME);
}

/**
 * chiaro_document_get_prompt:
 * @self: a document
 *
 * Returns: the unsent prompt, never %NULL
 */
const char *
chiaro_document_get_prompt (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->prompt;
}

/**
 * chiaro_document_set_prompt:
 * @self: a document
 * @prompt: (nullable): the unsent prompt; %NULL is empty
 */
void
chiaro_document_set_prompt (ChiaroDocument *self,
                            const char     *prompt)
{
  g_return_if_fail (CHIARO_IS_DOCUMENT (self));

  if (prompt == NULL)
    prompt = "";
  if (replace_string (&self->prompt, prompt))
    notify_changed (self, PROP_PROMPT);
}

/**
 * chiaro_document_get_model_id:
 * @self: a document
 *
 * Returns: the model the next send uses
 */
const char *
chiaro_document_get_model_id (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->model_id;
}

/**
 * chiaro_document_set_model_id:
 * @self: a document
 * @model_id: (nullable): a model id or alias; %NULL for the catalog's default
 *
 * Also sets the tray's limit to the number of references the model takes.
 */
void
chiaro_document_set_model_id (ChiaroDocument *self,
                              const char     *model_id)
{
  g_return_if_fail (CHIARO_IS_DOCUMENT (self));

  if (model_id == NULL || model_id[0] == '\0')
    model_id = chiaro_model_catalog_get_default_id (self->catalog);
  if (!replace_string (&self->model_id, model_id))
    return;

  if (self->references != NULL)
    apply_model_limit (self);
  notify_changed (self, PROP_MODEL_ID);
}

/**
 * chiaro_document_get_options:
 * @self: a document
 *
 * Returns: (transfer none): the options of the next send
 */
const ChiaroGenerationOptions *
chiaro_document_get_options (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->options;
}

/**
 * chiaro_document_set_options:
 * @self: a document
 * @options: (nullable): the options of the next send (copied); %NULL for the defaults
 */
void
chiaro_document_set_options (ChiaroDocument                *self,
                             const ChiaroGenerationOptions *options)
{
  g_autoptr(ChiaroGenerationOptions) defaults = NULL;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));

  if (options == NULL)
    options = defaults = chiaro_generation_options_new ();
  if (options_equal (self->options, options))
    return;

  chiaro_generation_options_free (self->options);
  self->options = chiaro_generation_options_copy (options);
  notify_changed (self, PROP_OPTIONS);
}

/**
 * chiaro_document_get_n_variants:
 * @self: a document
 *
 * Returns: how many requests the next send makes in parallel
 */
guint
chiaro_document_get_n_variants (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), 1);

  return self->n_variants;
}

/**
 * chiaro_document_set_n_variants:
 * @self: a document
 * @n_variants: 1…8
 */
void
chiaro_document_set_n_variants (ChiaroDocument *self,
                                guint           n_variants)
{
  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (n_variants >= 1 && n_variants <= MAX_VARIANTS);

  if (self->n_variants == n_variants)
    return;

  self->n_variants = n_variants;
  notify_changed (self, PROP_N_VARIANTS);
}

/**
 * chiaro_document_set_provider:
 * @self: a document
 * @provider: (nullable): where sends go
 * @name: (nullable): "gemini" or "openai", recorded in each turn
 */
void
chiaro_document_set_provider (ChiaroDocument *self,
                              ChiaroProvider *provider,
                              const char     *name)
{
  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (provider == NULL || CHIARO_IS_PROVIDER (provider));

  if (name != NULL)
    replace_string (&self->provider_name, name);
  if (g_set_object (&self->provider, provider))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

/**
 * chiaro_document_get_provider:
 * @self: a document
 *
 * Returns: (transfer none) (nullable): where sends go
 */
ChiaroProvider *
chiaro_document_get_provider (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->provider;
}

/**
 * chiaro_document_get_planner:
 * @self: a document
 *
 * Returns: (transfer none): the request planner (its budgets may be changed)
 */
ChiaroRequestPlanner *
chiaro_document_get_planner (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->planner;
}

/* Storing an image the user gave, on a worker. */
typedef struct
{
  ChiaroImageStore *images;
  GBytes           *bytes;      /* (nullable) with a file */
  GFile            *file;       /* (nullable) */
  char             *display_name;
  char             *label;
  gboolean          check_decodes;  /* references: decoded once, which makes the thumbnail */
  /* out */
  char             *hash;
  char             *mime_type;
  int               width;
  int               height;
  GdkPixbuf        *thumbnail;  /* (nullable) */
} AddJob;

static void
add_job_free (AddJob *job)
{
  g_object_unref (job->images);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_clear_object (&job->file);
  g_free (job->display_name);
  g_free (job->label);
  g_free (job->hash);
  g_free (job->mime_type);
  g_clear_object (&job->thumbnail);
  g_free (job);
}

static void
add_image_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  AddJob *job = task_data;
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GError) write_error = NULL;
  GError *error = NULL;

  if (job->file != NULL)
    image = chiaro_image_new_from_file (job->file, cancellable, &error);
  else
    image = chiaro_image_new_from_bytes (job->bytes, job->display_name, &error);
  if (image == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A reference goes to the model byte for byte when the planner need not convert it, so a
   * file whose header is sound but whose data does not decode would only fail at Google's
   * end. It is decoded here, once, at the thumbnail's size (a JPEG at an eighth, cheaply),
   * and that decode becomes the tray's thumbnail. */
  if (job->check_decodes &&
      !(job->thumbnail = chiaro_image_decode_scaled (image, CHIARO_THUMBNAIL_SIZE, cancellable,
                                                     &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_free (job->display_name);
  job->display_name = g_strdup (chiaro_image_get_display_name (image));
  job->hash = chiaro_image_store_add (job->images, chiaro_image_get_bytes (image),
                                      chiaro_image_get_mime_type (image), NULL, &write_error);
  if (write_error != NULL)
    g_debug ("image kept in memory: %s", write_error->message);
  job->mime_type = g_strdup (chiaro_image_get_mime_type (image));
  job->width = chiaro_image_get_width (image);
  job->height = chiaro_image_get_height (image);
  if (job->thumbnail != NULL)
    chiaro_image_store_add_thumbnail (job->images, job->hash, job->thumbnail);

  g_task_return_boolean (task, TRUE);
}

/* Runs @func on a worker for @task, whose task data it gets. The worker holds an inner task
 * without a source object, so that the document is never released on a worker thread. */
static void
on_worker_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
run_in_worker (GTask           *task,
               GTaskThreadFunc  func)
{
  g_autoptr(GTask) worker = NULL;

  worker = g_task_new (NULL, g_task_get_cancellable (task), on_worker_done,
                       g_object_ref (task));
  g_task_set_source_tag (worker, run_in_worker);
  g_task_set_name (worker, g_task_get_name (task));
  g_task_set_task_data (worker, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (worker, func);
}

static gboolean
root_is_empty (ChiaroDocument *self)
{
  return chiaro_history_get_n_entries (self->history) == 1 &&
         chiaro_history_entry_get_image_hash (chiaro_history_get_root (self->history)) == NULL;
}

static void
set_root_error (GError **error)
{
  g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                       _("This project already has a photo"));
}

/**
 * chiaro_document_set_root_image_async:
 * @self: a document
 * @bytes: the opened file's bytes, stored as they are
 * @display_name: the file's name, for messages (and the project's name if it has none)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is stored
 * @user_data: data for @callback
 *
 * The photo becomes the root, while the history has no image at all.
 */
void
chiaro_document_set_root_image_async (ChiaroDocument      *self,
                                      GBytes              *bytes,
                                      const char          *display_name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AddJob *job;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (bytes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_document_set_root_image_async);
  g_task_set_name (task, "[chiaro] store the photo");

  if (!root_is_empty (self))
    {
      GError *error = NULL;

      set_root_error (&error);
      g_task_return_error (task, error);
      return;
    }

  job = g_new0 (AddJob, 1);
  job->images = g_object_ref (self->images);
  job->bytes = g_bytes_ref (bytes);
  job->display_name = g_strdup (display_name);
  g_task_set_task_data (task, job, (GDestroyNotify) add_job_free);
  run_in_worker (task, add_image_thread);
}

/**
 * chiaro_document_set_root_image_finish:
 * @self: a document
 * @result: the result given to the callback
 * @error: where to put the error
 *
 * Returns: whether the photo is the root now
 */
gboolean
chiaro_document_set_root_image_finish (ChiaroDocument  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  GTask *task = G_TASK (result);
  AddJob *job;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (task, error))
    return FALSE;

  /* Checked again: another photo may have been set while this one was stored. */
  if (!root_is_empty (self))
    {
      set_root_error (error);
      return FALSE;
    }

  job = g_task_get_task_data (task);
  chiaro_history_entry_set_image (chiaro_history_get_root (self->history), job->hash,
                                  job->mime_type, job->width, job->height);
  if (self->name == NULL && job->display_name != NULL)
    {
      g_autofree char *name = chiaro_image_strip_extension (job->display_name);

      chiaro_document_set_name (self, name);
    }
  mark_changed (self);
  return TRUE;
}

static void
add_reference_async (ChiaroDocument      *self,
                     GFile               *file,
                     GBytes              *bytes,
                     const char          *display_name,
                     const char          *label,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->references));
  guint limit = chiaro_reference_list_get_limit (self->references);
  AddJob *job;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, add_reference_async);
  g_task_set_name (task, "[chiaro] add a reference");

  /* Refused before the file is read, so that nothing is stored for it. */
  if (n_items >= limit)
    {
      g_task_return_new_error (task, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_REFERENCES_FULL,
                               ngettext ("The model takes at most %u reference",
                                         "The model takes at most %u references", limit),
                               limit);
      return;
    }

  job = g_new0 (AddJob, 1);
  job->images = g_object_ref (self->images);
  job->file = file != NULL ? g_object_ref (file) : NULL;
  job->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  job->display_name = g_strdup (display_name);
  job->label = g_strdup (label);
  job->check_decodes = TRUE;
  g_task_set_task_data (task, job, (GDestroyNotify) add_job_free);
  run_in_worker (task, add_image_thread);
}

/**
 * chiaro_document_add_reference_file_async:
 * @self: a document
 * @file: an image file
 * @label: (nullable): what the prompt calls it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is in the tray
 * @user_data: data for @callback
 *
 * Reads the image, decodes it at the thumbnail's size (an image that does not decode is
 * refused with %CHIARO_CODEC_ERROR naming the file, before anything is stored), stores it
 * and appends it to the tray.
 */
void
chiaro_document_add_reference_file_async (ChiaroDocument      *self,
                                          GFile               *file,
                                          const char          *label,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (G_IS_FILE (file));

  add_reference_async (self, file, NULL, NULL, label, cancellable, callback, user_data);
}

/**
 * chiaro_document_add_reference_bytes_async:
 * @self: a document
 * @bytes: an image file's bytes (pasted, dropped)
 * @display_name: (nullable): what to call it in messages
 * @label: (nullable): what the prompt calls it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is in the tray
 * @user_data: data for @callback
 *
 * Checks that the image decodes, as chiaro_document_add_reference_file_async() does, stores
 * it as it is and appends it to the tray.
 */
void
chiaro_document_add_reference_bytes_async (ChiaroDocument      *self,
                                           GBytes              *bytes,
                                           const char          *display_name,
                                           const char          *label,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (bytes != NULL);

  add_reference_async (self, NULL, bytes, display_name, label, cancellable, callback,
                       user_data);
}

/**
 * chiaro_document_add_reference_finish:
 * @self: a document
 * @result: the result given to the callback
 * @error: where to put the error
 *
 * Returns: (transfer none) (nullable): the reference, now in the tray
 */
ChiaroReference *
chiaro_document_add_reference_finish (ChiaroDocument  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  GTask *task = G_TASK (result);
  g_autoptr(ChiaroReference) reference = NULL;
  AddJob *job;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (task, error))
    return NULL;

  job = g_task_get_task_data (task);
  reference = chiaro_reference_new (job->hash, job->mime_type, job->width, job->height,
                                    job->display_name);
  if (job->label != NULL)
    chiaro_reference_set_label (reference, job->label);
  if (job->thumbnail != NULL)
    chiaro_reference_set_thumbnail (reference, job->thumbnail);
  if (!chiaro_reference_list_insert (self->references, G_MAXUINT, reference, error))
    return NULL;

  request_thumbnail (self, reference);
  return reference;
}

/**
 * chiaro_document_estimate_cost:
 * @self: a document
 *
 * Returns: what sending now would cost in USD (every variant, the image being edited and
 *   the tray as inputs), or a negative number when a price is unknown
 */
double
chiaro_document_estimate_cost (ChiaroDocument *self)
{
  g_autoptr(ChiaroModelInfo) model = NULL;
  ChiaroHistoryEntry *cursor;
  guint n_inputs;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), -1);

  model = lookup_model (self, self->model_id);
  cursor = chiaro_history_get_cursor (self->history);
  n_inputs = g_list_model_get_n_items (G_LIST_MODEL (self->references)) +
             (cursor != NULL && chiaro_history_entry_get_image_hash (cursor) != NULL);

  return chiaro_model_info_estimate_cost (model,
                                          chiaro_generation_options_get_image_size (self->options,
                                                                                    model),
                                          self->n_variants, n_inputs, strlen (self->prompt));
}

/**
 * chiaro_document_send_async:
 * @self: a document
 * @cancellable: (nullable): stops the send (as chiaro_document_cancel_send() does)
 * @callback: called when every variant has been added or has failed
 * @user_data: data for @callback
 *
 * Sends the prompt, the tray and the settings from the cursor. The prompt moves into the
 * send at once; it comes back when the send fails or is stopped and the prompt is empty.
 */
void
chiaro_document_send_async (ChiaroDocument      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(ChiaroTurn) turn = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistoryEntry *parent;
  guint n;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  parent = chiaro_history_get_cursor (self->history);
  turn = chiaro_turn_new (self->prompt, self->options, self->model_id, self->provider_name,
                          self->n_variants);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->references));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChiaroReference) reference =
        g_list_model_get_item (G_LIST_MODEL (self->references), i);

      chiaro_turn_add_reference (turn, chiaro_reference_get_hash (reference),
                                 chiaro_reference_get_mime_type (reference),
                                 chiaro_reference_get_label (reference));
    }

  if (!check_can_send (self, turn, &error))
    {
      g_task_report_error (self, callback, user_data, start_operation,
                           g_steal_pointer (&error));
      return;
    }

  chiaro_document_set_prompt (self, "");
  start_operation (self, turn, parent, NULL, cancellable, callback, user_data);
}

/* A new turn with @turn's prompt, references, model and pack, and @options. */
static ChiaroTurn *
copy_turn (ChiaroTurn                    *turn,
           const ChiaroGenerationOptions *options)
{
  ChiaroTurn *copy;

  copy = chiaro_turn_new (turn->prompt, options, turn->model_id, turn->provider,
                          turn->n_variants);
  copy->pack_id = g_strdup (turn->pack_id);
  for (guint i = 0; i < turn->references->len; i++)
    {
      ChiaroTurnReference *reference = g_ptr_array_index (turn->references, i);

      chiaro_turn_add_reference (copy, reference->hash, reference->mime_type, reference->label);
    }
  return copy;
}

/**
 * chiaro_document_resend_async:
 * @self: a document
 * @parent: the entry to send from
 * @turn: the turn to send again (its prompt, references, options, model); a new turn is
 *   made from it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every variant has been added or has failed
 * @user_data: data for @callback
 */
void
chiaro_document_resend_async (ChiaroDocument      *self,
                              ChiaroHistoryEntry  *parent,
                              ChiaroTurn          *turn,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(ChiaroTurn) copy = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (parent));
  g_return_if_fail (turn != NULL);

  copy = copy_turn (turn, turn->options);

  if (!entry_is_in_history (self, parent))
    g_set_error_literal (&error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                         _("That image is no longer in the history"));
  if (error != NULL || !check_can_send (self, copy, &error))
    {
      g_task_report_error (self, callback, user_data, start_operation,
                           g_steal_pointer (&error));
      return;
    }

  start_operation (self, copy, parent, NULL, cancellable, callback, user_data);
}

/**
 * chiaro_document_retry_async:
 * @self: a document
 * @failed: a FAILED send of this document
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every variant has been added or has failed
 * @user_data: data for @callback
 *
 * Sends the same turn from the same entry again; the new send takes the failed one's place
 * in #ChiaroDocument:sends. When the document's prompt is the failed turn's (it came back
 * when the send failed), it moves into the new send again.
 */
void
chiaro_document_retry_async (ChiaroDocument      *self,
                             ChiaroSend          *failed,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  ChiaroTurn *turn;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (CHIARO_IS_SEND (failed));

  turn = chiaro_send_get_turn (failed);
  if (chiaro_send_get_state (failed) != CHIARO_SEND_FAILED ||
      find_send (self, failed) == G_MAXUINT)
    g_set_error_literal (&error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                         _("Only a send that failed can be retried"));
  else if (!entry_is_in_history (self, chiaro_send_get_parent (failed)))
    g_set_error_literal (&error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                         _("That image is no longer in the history"));
  if (error != NULL || !check_can_send (self, turn, &error))
    {
      g_task_report_error (self, callback, user_data, start_operation,
                           g_steal_pointer (&error));
      return;
    }

  if (g_strcmp0 (self->prompt, turn->prompt) == 0)
    chiaro_document_set_prompt (self, "");
  start_operation (self, turn, chiaro_send_get_parent (failed), failed, cancellable, callback,
                   user_data);
}

/**
 * chiaro_document_send_finish:
 * @self: a document
 * @result: the result given to the callback
 * @error: where to put the error
 *
 * Returns: (transfer full) (nullable): the send, DONE, with its entries (n-failed says how
 *   many variants failed, and its error why)
 */
ChiaroSend *
chiaro_document_send_finish (ChiaroDocument  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * chiaro_document_rerender_async:
 * @self: a document
 * @entry: a generated entry of this document
 * @image_size: the size to render at, such as "4K"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every variant has been added or has failed
 * @user_data: data for @callback
 *
 * Draft to final: @entry's turn is sent again from @entry's parent (the same conversation,
 * references, model and options) with only the image size changed; the answers are
 * siblings of @entry. Finish with chiaro_document_send_finish().
 */
void
chiaro_document_rerender_async (ChiaroDocument      *self,
                                ChiaroHistoryEntry  *entry,
                                const char          *image_size,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  g_autoptr(ChiaroModelInfo) model = NULL;
  g_autoptr(ChiaroTurn) copy = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroTurn *turn;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (entry));
  g_return_if_fail (image_size != NULL);

  turn = chiaro_history_entry_get_turn (entry);
  if (!entry_is_in_history (self, entry))
    g_set_error_literal (&error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                         _("That image is no longer in the history"));
  else if (turn == NULL || chiaro_history_entry_get_parent (entry) == NULL)
    g_set_error_literal (&error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                         _("The original image cannot be rendered again"));
  if (error == NULL)
    {
      options = chiaro_generation_options_copy (turn->options);
      g_free (options->image_size);
      options->image_size = g_strdup (image_size);
      model = lookup_model (self, turn->model_id);
      copy = copy_turn (turn, options);
    }
  if (error != NULL ||
      !chiaro_generation_options_validate (options, model, 0, &error) ||
      !check_can_send (self, copy, &error))
    {
      g_task_report_error (self, callback, user_data, start_operation,
                           g_steal_pointer (&error));
      return;
    }

  start_operation (self, copy, chiaro_history_entry_get_parent (entry), NULL, cancellable,
                   callback, user_data);
}

/* 512 < 1K < 2K < 4K; -1 for a size Chiaro does not know. */
static int
rank_size (const char *size)
{
  static const char * const sizes[] = { "512", "1K", "2K", "4K" };

  for (guint i = 0; size != NULL && i < G_N_ELEMENTS (sizes); i++)
    if (g_ascii_strcasecmp (size, sizes[i]) == 0)
      return i;

  return -1;
}

/**
 * chiaro_document_dup_final_sizes:
 * @self: a document
 * @entry: an entry of this document
 *
 * What "Render Final At" offers for @entry.
 *
 * Returns: (transfer full) (nullable): the sizes of the entry's model larger than the
 *   size its turn was sent at, smallest first; %NULL when there are none
 */
GStrv
chiaro_document_dup_final_sizes (ChiaroDocument     *self,
                                 ChiaroHistoryEntry *entry)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(ChiaroModelInfo) info = NULL;
  const char * const *sizes;
  ChiaroTurn *turn;
  guint n = 0;
  int rank;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (entry), NULL);

  turn = chiaro_history_entry_get_turn (entry);
  if (turn == NULL || turn->model_id == NULL ||
      (info = lookup_model (self, turn->model_id)) == NULL)
    return NULL;

  rank = rank_size (turn->options != NULL && turn->options->image_size != NULL
                    ? turn->options->image_size : chiaro_model_info_get_default_size (info));
  sizes = chiaro_model_info_get_image_sizes (info);
  for (guint i = 0; sizes != NULL && sizes[i] != NULL; i++)
    if (rank_size (sizes[i]) > rank)
      {
        g_strv_builder_add (builder, sizes[i]);
        n++;
      }

  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

/* Packs */

typedef struct
{
  GTask     *task;          /* (owned) */
  GPtrArray *sends;         /* (element-type ChiaroSend) in ratio order */
  GError    *first_error;   /* (nullable) */
  guint      n_outstanding;
  guint      n_succeeded;
} PackOperation;

static void
pack_operation_free (PackOperation *pack)
{
  g_clear_object (&pack->task);
  g_clear_pointer (&pack->sends, g_ptr_array_unref);
  g_clear_error (&pack->first_error);
  g_free (pack);
}

static void
on_pack_send_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  PackOperation *pack = user_data;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;

  send = chiaro_document_send_finish (CHIARO_DOCUMENT (source), result, &error);
  if (send != NULL)
    pack->n_succeeded++;
  else if (pack->first_error == NULL || error_is_cancelled (pack->first_error))
    {
      g_clear_error (&pack->first_error);
      pack->first_error = g_steal_pointer (&error);
    }

  if (--pack->n_outstanding > 0)
    return;

  if (pack->n_succeeded > 0)
    g_task_return_pointer (pack->task, g_ptr_array_ref (pack->sends),
                           (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (pack->task, g_steal_pointer (&pack->first_error));
  pack_operation_free (pack);
}

static gboolean
check_pack (ChiaroDocument      *self,
            const char * const  *aspect_ratios,
            const char          *image_size,
            GError             **error)
{
  g_autoptr(ChiaroModelInfo) model = lookup_model (self, self->model_id);
  ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (self->history);
  guint n = aspect_ratios != NULL ? g_strv_length ((char **) aspect_ratios) : 0;

  if (n == 0)
    {
      g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                           _("Choose at least one aspect ratio for the pack"));
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_copy (self->options);

      if (g_strcmp0 (aspect_ratios[i], "auto") == 0 || *aspect_ratios[i] == '\0')
        {
          g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                               _("Every image of a pack needs an aspect ratio"));
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (aspect_ratios[i], aspect_ratios[j]) == 0)
          {
            g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                         _("The aspect ratio %s is in the pack twice"), aspect_ratios[i]);
            return FALSE;
          }
      g_free (options->aspect_ratio);
      options->aspect_ratio = g_strdup (aspect_ratios[i]);
      if (image_size != NULL)
        {
          g_free (options->image_size);
          options->image_size = g_strdup (image_size);
        }
      if (!chiaro_generation_options_validate (options, model, 0, error))
        return FALSE;
    }

  /* The instruction alone is enough when there is an image to re-frame. */
  if (is_blank (self->prompt) &&
      g_list_model_get_n_items (G_LIST_MODEL (self->references)) == 0 &&
      (cursor == NULL || chiaro_history_entry_get_image_hash (cursor) == NULL))
    {
      g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                           _("There is nothing to re-frame: write a prompt or add a reference"));
      return FALSE;
    }
  return TRUE;
}

/**
 * chiaro_document_send_pack_async:
 * @self: a document
 * @aspect_ratios: the ratios, one send each
 * @image_size: (nullable): the size of every image; %NULL keeps the document's
 * @variants_per_ratio: variants of each ratio (1…8); 0 takes the document's n-variants
 * @cancellable: (nullable): stops every send of the pack
 * @callback: called when every send has finished
 * @user_data: data for @callback
 *
 * Sends a social-format pack from the cursor: for each ratio a send with its own turn (the
 * document's prompt, tray, model and options, that ratio, the pack's id), all in flight
 * together. The content sent adds the re-framing instruction (chiaro_pack_compose_prompt())
 * to the prompt; the turns keep the prompt as typed.
 */
void
chiaro_document_send_pack_async (ChiaroDocument      *self,
                                 const char * const  *aspect_ratios,
                                 const char          *image_size,
                                 guint                variants_per_ratio,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) turns = NULL;
  g_autofree char *pack_id = NULL;
  ChiaroHistoryEntry *parent;
  PackOperation *pack;
  guint n_references;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (self->closed || self->closing)
    g_set_error_literal (&error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                         _("The project is closed"));
  else if (self->provider == NULL)
    g_set_error_literal (&error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                         _("No image service is set up to send to"));
  if (error != NULL || !check_pack (self, aspect_ratios, image_size, &error))
    {
      g_task_report_error (self, callback, user_data, chiaro_document_send_pack_async,
                           g_steal_pointer (&error));
      return;
    }

  if (variants_per_ratio == 0)
    variants_per_ratio = self->n_variants;
  variants_per_ratio = CLAMP (variants_per_ratio, 1, MAX_VARIANTS);
  parent = chiaro_history_get_cursor (self->history);
  pack_id = g_uuid_string_random ();
  n_references = g_list_model_get_n_items (G_LIST_MODEL (self->references));

  turns = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_turn_unref);
  for (guint i = 0; aspect_ratios[i] != NULL; i++)
    {
      g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_copy (self->options);
      ChiaroTurn *turn;

      g_free (options->aspect_ratio);
      options->aspect_ratio = g_strdup (aspect_ratios[i]);
      if (image_size != NULL)
        {
          g_free (options->image_size);
          options->image_size = g_strdup (image_size);
        }
      turn = chiaro_turn_new (self->prompt, options, self->model_id, self->provider_name,
                              variants_per_ratio);
      turn->pack_id = g_strdup (pack_id);
      for (guint j = 0; j < n_references; j++)
        {
          g_autoptr(ChiaroReference) reference =
            g_list_model_get_item (G_LIST_MODEL (self->references), j);

          chiaro_turn_add_reference (turn, chiaro_reference_get_hash (reference),
                                     chiaro_reference_get_mime_type (reference),
                                     chiaro_reference_get_label (reference));
        }
      g_ptr_array_add (turns, turn);
    }

  pack = g_new0 (PackOperation, 1);
  pack->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (pack->task, chiaro_document_send_pack_async);
  g_task_set_name (pack->task, "[chiaro] send a pack");
  g_task_set_check_cancellable (pack->task, FALSE);
  pack->sends = g_ptr_array_new_with_free_func (g_object_unref);
  pack->n_outstanding = turns->len;

  chiaro_document_set_prompt (self, "");
  for (guint i = 0; i < turns->len; i++)
    {
      ChiaroSend *send = start_operation (self, g_ptr_array_index (turns, i), parent, NULL,
                                          cancellable, on_pack_send_done, pack);

      g_ptr_array_add (pack->sends, g_object_ref (send));
    }
}

/**
 * chiaro_document_send_pack_finish:
 * @self: a document
 * @result: the result given to the callback
 * @error: where to put the error
 *
 * Returns: (transfer full) (element-type ChiaroSend) (nullable): the sends, one per ratio
 *   in the order given (each DONE, or FAILED when that ratio produced nothing); %NULL with
 *   the first error when no ratio produced an image
 */
GPtrArray *
chiaro_document_send_pack_finish (ChiaroDocument  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * chiaro_document_estimate_pack_cost:
 * @self: a document
 * @aspect_ratios: the pack's ratios
 * @image_size: (nullable): the size; %NULL for the document's
 * @variants_per_ratio: variants of each ratio; 0 for the document's n-variants
 *
 * Returns: the estimated cost of the whole pack in USD, < 0 when a price is unknown
 */
double
chiaro_document_estimate_pack_cost (ChiaroDocument     *self,
                                    const char * const *aspect_ratios,
                                    const char         *image_size,
                                    guint               variants_per_ratio)
{
  g_autoptr(ChiaroModelInfo) model = NULL;
  ChiaroHistoryEntry *cursor;
  double total = 0;
  guint n_inputs;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), -1);

  if (aspect_ratios == NULL || aspect_ratios[0] == NULL)
    return 0;
  if (variants_per_ratio == 0)
    variants_per_ratio = self->n_variants;

  model = lookup_model (self, self->model_id);
  cursor = chiaro_history_get_cursor (self->history);
  n_inputs = g_list_model_get_n_items (G_LIST_MODEL (self->references)) +
             (cursor != NULL && chiaro_history_entry_get_image_hash (cursor) != NULL);
  if (image_size == NULL)
    image_size = chiaro_generation_options_get_image_size (self->options, model);

  for (guint i = 0; aspect_ratios[i] != NULL; i++)
    {
      g_autofree char *sent = chiaro_pack_compose_prompt (self->prompt, aspect_ratios[i]);
      double cost = chiaro_model_info_estimate_cost (model, image_size, variants_per_ratio,
                                                     n_inputs, strlen (sent));

      if (cost < 0)
        return -1;
      total += cost;
    }
  return total;
}

/**
 * chiaro_document_cancel_send:
 * @self: a document
 * @send: a send in flight
 *
 * Stops it: answers not yet received are abandoned.
 */
void
chiaro_document_cancel_send (ChiaroDocument *self,
                             ChiaroSend     *send)
{
  SendOperation *op;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (CHIARO_IS_SEND (send));

  op = g_hash_table_lookup (self->operations, send);
  if (op != NULL)
    g_cancellable_cancel (op->cancellable);
}

/**
 * chiaro_document_dismiss_send:
 * @self: a document
 * @send: a FAILED send
 *
 * Forgets it; its prompt comes back to the document's when that is empty.
 */
void
chiaro_document_dismiss_send (ChiaroDocument *self,
                              ChiaroSend     *send)
{
  g_return_if_fail (CHIARO_IS_DOCUMENT (self));
  g_return_if_fail (CHIARO_IS_SEND (send));

  if (chiaro_send_get_state (send) != CHIARO_SEND_FAILED || find_send (self, send) == G_MAXUINT)
    return;

  g_object_ref (send);
  remove_send (self, send);
  rebuild_messages (self);
  restore_prompt (self, chiaro_send_get_turn (send));
  mark_changed (self);
  g_object_unref (send);
}

static void
add_entry_files (GHashTable         *files,
                 ChiaroHistoryEntry *entry)
{
  ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);
  ChiaroReply *reply = chiaro_history_entry_get_reply (entry);
  const char *hash = chiaro_history_entry_get_image_hash (entry);

  if (hash != NULL)
    g_hash_table_insert (files, g_strdup (hash),
                         g_strdup (chiaro_history_entry_get_mime_type (entry)));

  if (turn != NULL)
    {
      for (guint i = 0; i < turn->references->len; i++)
        {
          ChiaroTurnReference *reference = g_ptr_array_index (turn->references, i);

          if (!g_hash_table_contains (files, reference->hash))
            g_hash_table_insert (files, g_strdup (reference->hash),
                                 g_strdup (reference->mime_type));
        }
    }

  /* Images inside the turns: the file's type is what the bytes are, when known. */
  for (guint k = 0; k < 2; k++)
    {
      ChiaroContent *content = k == 0 ? (turn != NULL ? turn->content : NULL)
                                      : (reply != NULL ? reply->content : NULL);
      char **hashes = k == 0 ? (turn != NULL ? turn->content_hashes : NULL)
                             : (reply != NULL ? reply->content_hashes : NULL);
      guint n = 0;

      if (content == NULL || hashes == NULL)
        continue;
      for (guint i = 0; i < content->parts->len && hashes[n] != NULL; i++)
        {
          ChiaroPart *part = g_ptr_array_index (content->parts, i);

          if (part->kind != CHIARO_PART_IMAGE)
            continue;
          if (!g_hash_table_contains (files, hashes[n]))
            g_hash_table_insert (files, g_strdup (hashes[n]),
                                 g_strdup (part->sniffed_mime_type != NULL
                                           ? part->sniffed_mime_type : part->mime_type));
          n++;
        }
    }
}

/**
 * chiaro_document_delete_entry:
 * @self: a document
 * @entry: an entry other than the root
 * @error: where to put the error
 *
 * Deletes @entry and its subtree, stops the sends made from them and forgets their failed
 * sends. The image files nothing names any more are deleted on a worker once a saved
 * project.json no longer names them either.
 *
 * Returns: whether it was deleted (%CHIARO_PROJECT_ERROR_INVALID for the root)
 */
gboolean
chiaro_document_delete_entry (ChiaroDocument      *self,
                              ChiaroHistoryEntry  *entry,
                              GError             **error)
{
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(GHashTable) keep = NULL;
  g_autoptr(GHashTable) gone = NULL;
  GHashTableIter iter;
  gpointer hash, mime_type;
  guint n_sends;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (entry), FALSE);

  if (!chiaro_history_remove (self->history, entry, &removed, error))
    return FALSE;

  files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gone = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < removed->len; i++)
    {
      add_entry_files (files, g_ptr_array_index (removed, i));
      g_hash_table_add (gone, g_ptr_array_index (removed, i));
    }

  n_sends = g_list_model_get_n_items (G_LIST_MODEL (self->sends));
  for (guint i = n_sends; i > 0; i--)
    {
      g_autoptr(ChiaroSend) send = g_list_model_get_item (G_LIST_MODEL (self->sends), i - 1);
      ChiaroHistoryEntry *parent = chiaro_send_get_parent (send);
      SendOperation *op;

      if (!g_hash_table_contains (gone, parent))
        continue;

      op = g_hash_table_lookup (self->operations, send);
      if (op != NULL)
        {
          g_cancellable_cancel (op->cancellable);
        }
      else
        {
          remove_send (self, send);
          restore_prompt (self, chiaro_send_get_turn (send));
        }
    }
  rebuild_messages (self);

  keep = dup_keep_hashes (self, FALSE);
  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &hash, &mime_type))
    {
      Deletion *deletion;

      if (g_hash_table_contains (keep, hash))
        continue;
      deletion = g_new0 (Deletion, 1);
      deletion->hash = g_strdup (hash);
      deletion->mime_type = g_strdup (mime_type);
      deletion->generation = self->generation;
      g_ptr_array_add (self->pending_deletions, deletion);
    }

  /* Without a project file nothing on disk names them: they can go now. */
  if (self->store == NULL)
    run_deletions (self, self->generation);
  else
    mark_changed (self);

  return TRUE;
}

/**
 * chiaro_document_get_autosave_delay:
 * @self: a document
 *
 * Returns: milliseconds between a change and its save
 */
guint
chiaro_document_get_autosave_delay (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), 0);

  return self->autosave_delay;
}

/**
 * chiaro_document_set_autosave_delay:
 * @self: a document
 * @delay_ms: milliseconds between a change and its save
 *
 * Applies from the next change.
 */
void
chiaro_document_set_autosave_delay (ChiaroDocument *self,
                                    guint           delay_ms)
{
  g_return_if_fail (CHIARO_IS_DOCUMENT (self));

  if (self->autosave_delay == delay_ms)
    return;

  self->autosave_delay = delay_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTOSAVE_DELAY]);
}

/**
 * chiaro_document_get_has_unsaved_changes:
 * @self: a document
 *
 * Returns: whether something changed since the last successful save
 */
gboolean
chiaro_document_get_has_unsaved_changes (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), FALSE);

  return self->generation != self->saved_generation;
}

/**
 * chiaro_document_get_save_error:
 * @self: a document
 *
 * Returns: (nullable) (transfer none): why the last save failed; %NULL once one succeeds
 */
const GError *
chiaro_document_get_save_error (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), NULL);

  return self->save_error;
}

/**
 * chiaro_document_save_async:
 * @self: a document in a folder
 * @cancellable: (nullable): stops waiting (the write itself goes on)
 * @callback: called when a save of the state at the call has ended
 * @user_data: data for @callback
 *
 * Saves now, after a save in progress when there is one.
 */
void
chiaro_document_save_async (ChiaroDocument      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  guint64 *target;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_document_save_async);
  g_task_set_name (task, "[chiaro] save a project");

  if (self->store == NULL || self->closed)
    {
      g_task_return_new_error (task, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID, "%s",
                               self->store == NULL ? _("The project has no folder to be saved in")
                                                   : _("The project is closed"));
      return;
    }

  target = g_new (guint64, 1);
  *target = self->generation;
  g_task_set_task_data (task, target, g_free);
  g_ptr_array_add (self->save_waiters, g_object_ref (task));

  if (self->saving && *target <= self->saving_generation)
    return;
  start_save (self);
}

/**
 * chiaro_document_save_finish:
 * @self: a document
 * @result: the result given to the callback
 * @error: where to put the error
 *
 * Returns: whether project.json now holds the state of the call
 */
gboolean
chiaro_document_save_finish (ChiaroDocument  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
collect_orphans_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  ChiaroImageStore *images = source_object;
  GError *error = NULL;
  int n;

  n = chiaro_image_store_collect_orphans (images, task_data, cancellable, &error);
  if (n < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n);
}

static void
on_orphans_collected (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gssize n;

  n = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n);
}

/**
 * chiaro_document_collect_orphans_async:
 * @self: a document
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes, on a worker, the image and thumbnail files that neither the document nor its
 * saved state names. Call it after a restore only.
 */
void
chiaro_document_collect_orphans_async (ChiaroDocument      *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GTask *worker;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_document_collect_orphans_async);
  g_task_set_name (task, "[chiaro] collect orphan images");

  worker = g_task_new (self->images, cancellable, on_orphans_collected, g_object_ref (task));
  g_task_set_source_tag (worker, chiaro_document_collect_orphans_async);
  g_task_set_name (worker, "[chiaro] collect orphan images");
  g_task_set_task_data (worker, dup_keep_hashes (self, TRUE),
                        (GDestroyNotify) g_hash_table_unref);
  g_task_run_in_thread (worker, collect_orphans_thread);
  g_object_unref (worker);
}

/**
 * chiaro_document_collect_orphans_finish:
 * @self: a document
 * @result: the result given to the callback
 * @error: where to put the error
 *
 * Returns: how many files were removed, or -1 with @error
 */
int
chiaro_document_collect_orphans_finish (ChiaroDocument  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  GError *local_error = NULL;
  gssize n;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  n = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return -1;
    }
  return (int) n;
}

/**
 * chiaro_document_close_async:
 * @self: a document
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is closed
 * @user_data: data for @callback
 *
 * Stops the sends in flight (they become failed sends, their prompts kept), saves when
 * anything changed, and releases the lock. When the save fails the document stays open
 * (and keeps trying to save) and the error is returned. The document stays readable.
 */
void
chiaro_document_close_async (ChiaroDocument      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (CHIARO_IS_DOCUMENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_document_close_async);
  g_task_set_name (task, "[chiaro] close a project");
  g_task_set_check_cancellable (task, FALSE);

  if (self->closed)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_ptr_array_add (self->close_tasks, g_object_ref (task));
  if (self->closing)
    return;
  self->closing = TRUE;

  g_hash_table_iter_init (&iter, self->operations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SendOperation *op = value;

      op->interrupted = TRUE;
      g_cancellable_cancel (op->cancellable);
    }

  maybe_continue_close (self);
}

/**
 * chiaro_document_close_finish:
 * @self: a document
 * @result: the result given to the callback
 * @error: where to put the error
 *
 * Returns: whether it is saved and unlocked
 */
gboolean
chiaro_document_close_finish (ChiaroDocument  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Test hooks */

guint
chiaro_document_get_n_writes (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), 0);

  return self->n_writes;
}

void
chiaro_document_set_save_retry_interval (ChiaroDocument *self,
                                         guint           interval_ms)
{
  g_return_if_fail (CHIARO_IS_DOCUMENT (self));

  self->retry_interval = interval_ms;
}

guint
chiaro_document_get_n_pending_deletions (ChiaroDocument *self)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (self), 0);

  return self->pending_deletions->len;
}
