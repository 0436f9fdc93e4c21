/* test-history-model.c — thousands of random edits checked against a plain reference model
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every operation a user can make on the history and the tray (send with variants, undo,
 * redo, jump to an entry, delete a branch, star, add, remove, move and label references,
 * type a prompt, a send that fails) is applied both to a ChiaroProjectState and to a
 * reference model made of plain arrays and parent indexes, whose rules are written out here
 * independently. After each step the two are compared (cursor, path, siblings, undo and redo,
 * entry count, stars, tray order); the path and siblings models are also followed through
 * their items-changed signals. At random points the state is saved, loaded back, saved again
 * (the two files must be the same bytes), compared in full, and the run continues on the
 * loaded objects.
 *
 * The run is reproducible: the seed is printed, and CHIARO_HISTORY_SEED=N replays it.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chiaro-project-error.h"
#include "chiaro-project-state.h"
#include "chiaro-stored-content.h"
#include "chiaro-test-util.h"

#define N_OPERATIONS 5000
#define N_IMAGE_POOL 24

/* The reference model */

typedef struct
{
  char *id;
  int parent;          /* index, -1 for the root */
  GArray *children;    /* (element-type int) oldest first */
  int visited;         /* the child redo goes to when set, else -1 */
  int send;            /* the send that made it, -1 for the root */
  gboolean alive;
  gboolean starred;
} ModelEntry;

typedef struct
{
  char *hash;
  char *label;
} ModelReference;

typedef struct
{
  char *turn_id;
  int parent;
  char *message;
} ModelFailed;

typedef struct
{
  GPtrArray *entries;    /* (element-type ModelEntry) every entry ever made */
  GHashTable *by_id;     /* id → index + 1 */
  int cursor;
  guint n_alive;
  GPtrArray *tray;       /* (element-type ModelReference) */
  guint limit;
  char *prompt;
  GPtrArray *send_turn_ids; /* send index → turn id */
  GPtrArray *failed;     /* (element-type ModelFailed) */
} Model;

static void
model_entry_free (ModelEntry *entry)
{
  g_free (entry->id);
  g_array_unref (entry->children);
  g_free (entry);
}

static void
model_reference_free (ModelReference *reference)
{
  g_free (reference->hash);
  g_free (reference->label);
  g_free (reference);
}

static void
model_failed_free (ModelFailed *failed)
{
  g_free (failed->turn_id);
  g_free (failed->message);
  g_free (failed);
}

static Model *
model_new (void)
{
  Model *model = g_new0 (Model, 1);

  model->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) model_entry_free);
  model->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  model->cursor = -1;
  model->tray = g_ptr_array_new_with_free_func ((GDestroyNotify) model_reference_free);
  model->limit = CHIARO_REFERENCE_LIST_MAX;
  model->prompt = g_strdup ("");
  model->send_turn_ids = g_ptr_array_new_with_free_func (g_free);
  model->failed = g_ptr_array_new_with_free_func ((GDestroyNotify) model_failed_free);
  return model;
}

static void
model_free (Model *model)
{
  g_hash_table_unref (model->by_id);
  g_ptr_array_unref (model->entries);
  g_ptr_array_unref (model->tray);
  g_free (model->prompt);
  g_ptr_array_unref (model->send_turn_ids);
  g_ptr_array_unref (model->failed);
  g_free (model);
}

static ModelEntry *
model_get (Model *model,
           int    index)
{
  g_assert_cmpint (index, >=, 0);
  return g_ptr_array_index (model->entries, index);
}

static int
model_add (Model      *model,
           int         parent,
           const char *id,
           int         send)
{
  ModelEntry *entry = g_new0 (ModelEntry, 1);
  int index = model->entries->len;

  entry->id = g_strdup (id);
  entry->parent = parent;
  entry->children = g_array_new (FALSE, FALSE, sizeof (int));
  entry->visited = -1;
  entry->send = send;
  entry->alive = TRUE;
  g_ptr_array_add (model->entries, entry);
  g_hash_table_insert (model->by_id, entry->id, GINT_TO_POINTER (index + 1));
  model->n_alive++;

  if (parent >= 0)
    g_array_append_val (model_get (model, parent)->children, index);
  else
    model->cursor = index;
  return index;
}

/* The rule: each ancestor of the new cursor remembers the child on the way. */
static void
model_set_cursor (Model *model,
                  int    index)
{
  model->cursor = index;
  for (int child = index; model_get (model, child)->parent >= 0;
       child = model_get (model, child)->parent)
    model_get (model, model_get (model, child)->parent)->visited = child;
}

static int
model_redo_child (Model *model,
                  int    index)
{
  ModelEntry *entry = model_get (model, index);

  if (entry->visited >= 0)
    return entry->visited;
  if (entry->children->len == 0)
    return -1;
  return g_array_index (entry->children, int, entry->children->len - 1);
}

static gboolean
model_is_inside (Model *model,
                 int    index,
                 int    top)
{
  for (int up = index; up >= 0; up = model_get (model, up)->parent)
    if (up == top)
      return TRUE;
  return FALSE;
}

static guint
model_kill (Model *model,
            int    index)
{
  ModelEntry *entry = model_get (model, index);
  guint n = 1;

  entry->alive = FALSE;
  model->n_alive--;
  for (guint i = 0; i < entry->children->len; i++)
    n += model_kill (model, g_array_index (entry->children, int, i));
  return n;
}

/* Removes @index and its subtree; returns how many entries went. */
static guint
model_remove (Model *model,
              int    index)
{
  ModelEntry *entry = model_get (model, index);
  ModelEntry *parent = model_get (model, entry->parent);

  if (model_is_inside (model, model->cursor, index))
    model->cursor = entry->parent;

  for (guint i = 0; i < parent->children->len; i++)
    if (g_array_index (parent->children, int, i) == index)
      {
        g_array_remove_index (parent->children, i);
        break;
      }
  if (parent->visited == index)
    parent->visited = -1;
  return model_kill (model, index);
}

static GArray *
model_path (Model *model)
{
  GArray *path = g_array_new (FALSE, FALSE, sizeof (int));

  for (int up = model->cursor; up >= 0; up = model_get (model, up)->parent)
    g_array_prepend_val (path, up);
  return path;
}

static GArray *
model_siblings (Model *model)
{
  ModelEntry *cursor = model_get (model, model->cursor);
  GArray *siblings;

  if (cursor->parent < 0)
    {
      siblings = g_array_new (FALSE, FALSE, sizeof (int));
      g_array_append_val (siblings, model->cursor);
      return siblings;
    }
  return g_array_copy (model_get (model, cursor->parent)->children);
}

static int
model_pick_alive (Model *model,
                  GRand *rand)
{
  for (;;)
    {
      int index = g_rand_int_range (rand, 0, model->entries->len);

      if (model_get (model, index)->alive)
        return index;
    }
}

/* Following a list model through its signals */

typedef struct
{
  GListModel *model;
  GPtrArray *items;
} Shadow;

static void
on_items_changed (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Shadow     *shadow)
{
  g_assert_cmpuint (position + removed, <=, shadow->items->len);
  g_ptr_array_remove_range (shadow->items, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, position + i);

      g_ptr_array_insert (shadow->items, position + i, item);
    }
}

static Shadow *
shadow_new (GListModel *list)
{
  Shadow *shadow = g_new0 (Shadow, 1);

  shadow->model = g_object_ref (list);
  shadow->items = g_ptr_array_new ();
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);

      g_ptr_array_add (shadow->items, item);
    }
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), shadow);
  return shadow;
}

static void
shadow_free (Shadow *shadow)
{
  g_signal_handlers_disconnect_by_data (shadow->model, shadow);
  g_object_unref (shadow->model);
  g_ptr_array_unref (shadow->items);
  g_free (shadow);
}

/* Comparing */

static void
assert_entry_list (Model      *model,
                   GListModel *list,
                   Shadow     *shadow,
                   GArray     *expected)
{
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, expected->len);
  g_assert_cmpuint (shadow->items->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      g_autoptr(ChiaroHistoryEntry) item = g_list_model_get_item (list, i);
      ModelEntry *entry = model_get (model, g_array_index (expected, int, i));

      g_assert_cmpstr (chiaro_history_entry_get_id (item), ==, entry->id);
      g_assert_true (g_ptr_array_index (shadow->items, i) == item);
    }
}

static void
assert_tray (Model               *model,
             ChiaroReferenceList *tray)
{
  GListModel *list = G_LIST_MODEL (tray);

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, model->tray->len);
  for (guint i = 0; i < model->tray->len; i++)
    {
      g_autoptr(ChiaroReference) reference = g_list_model_get_item (list, i);
      ModelReference *expected = g_ptr_array_index (model->tray, i);

      g_assert_cmpstr (chiaro_reference_get_hash (reference), ==, expected->hash);
      g_assert_cmpstr (chiaro_reference_get_label (reference), ==, expected->label);
    }
  g_assert_cmpuint (chiaro_reference_list_get_limit (tray), ==, model->limit);
  g_assert_cmpint (chiaro_reference_list_is_over_limit (tray), ==,
                   model->tray->len > model->limit);
}

/* What the user sees, after every step. */
static void
assert_same (Model              *model,
             ChiaroProjectState *state,
             Shadow             *path_shadow,
             Shadow             *siblings_shadow)
{
  ChiaroHistory *history = state->history;
  ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (history);
  ModelEntry *model_cursor = model_get (model, model->cursor);
  g_autoptr(GArray) path = model_path (model);
  g_autoptr(GArray) siblings = model_siblings (model);
  int redo = model_redo_child (model, model->cursor);
  ChiaroHistoryEntry *redo_entry = chiaro_history_entry_get_redo_child (cursor);

  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, model->n_alive);
  g_assert_cmpstr (chiaro_history_entry_get_id (cursor), ==, model_cursor->id);
  g_assert_cmpint (chiaro_history_can_undo (history), ==, model_cursor->parent >= 0);
  g_assert_cmpint (chiaro_history_can_redo (history), ==, model_cursor->children->len > 0);
  if (redo < 0)
    g_assert_null (redo_entry);
  else
    g_assert_cmpstr (chiaro_history_entry_get_id (redo_entry), ==, model_get (model, redo)->id);
  g_assert_cmpint (chiaro_history_entry_get_starred (cursor), ==, model_cursor->starred);

  assert_entry_list (model, chiaro_history_get_path (history), path_shadow, path);
  assert_entry_list (model, chiaro_history_get_siblings (history), siblings_shadow, siblings);
  assert_tray (model, state->references);
  g_assert_cmpstr (state->prompt, ==, model->prompt);
}

/* Everything, including the parts of the tree the user does not see. */
static void
assert_same_in_full (Model              *model,
                     ChiaroProjectState *state)
{
  g_autoptr(GHashTable) turn_of_send = g_hash_table_new (NULL, NULL);
  ChiaroHistory *history = state->history;
  guint n_alive = 0;

  for (guint i = 0; i < model->entries->len; i++)
    {
      ModelEntry *expected = model_get (model, i);
      ChiaroHistoryEntry *entry = chiaro_history_lookup (history, expected->id);
      ChiaroHistoryEntry *parent;
      int redo;
      ChiaroTurn *turn;

      if (!expected->alive)
        {
          g_assert_null (entry);
          continue;
        }

      n_alive++;
      g_assert_nonnull (entry);
      parent = chiaro_history_entry_get_parent (entry);
      if (expected->parent < 0)
        {
          g_assert_null (parent);
          g_assert_true (chiaro_history_get_root (history) == entry);
        }
      else
        {
          g_assert_cmpstr (chiaro_history_entry_get_id (parent), ==,
                           model_get (model, expected->parent)->id);
        }

      g_assert_cmpuint (chiaro_history_entry_get_n_children (entry), ==,
                        expected->children->len);
      for (guint j = 0; j < expected->children->len; j++)
        g_assert_cmpstr (chiaro_history_entry_get_id (chiaro_history_entry_get_child (entry, j)),
                         ==, model_get (model, g_array_index (expected->children, int, j))->id);

      redo = model_redo_child (model, i);
      if (redo < 0)
        g_assert_null (chiaro_history_entry_get_redo_child (entry));
      else
        g_assert_cmpstr (chiaro_history_entry_get_id (chiaro_history_entry_get_redo_child (entry)),
                         ==, model_get (model, redo)->id);

      g_assert_cmpint (chiaro_history_entry_get_starred (entry), ==, expected->starred);

      /* The variants of one send share one turn, also after loading. */
      turn = chiaro_history_entry_get_turn (entry);
      if (expected->send < 0)
        {
          g_assert_null (turn);
          continue;
        }
      g_assert_nonnull (turn);
      g_assert_cmpstr (turn->id, ==, g_ptr_array_index (model->send_turn_ids, expected->send));
      if (g_hash_table_contains (turn_of_send, GINT_TO_POINTER (expected->send + 1)))
        g_assert_true (g_hash_table_lookup (turn_of_send, GINT_TO_POINTER (expected->send + 1))
                       == turn);
      else
        g_hash_table_insert (turn_of_send, GINT_TO_POINTER (expected->send + 1), turn);
    }
  g_assert_cmpuint (n_alive, ==, chiaro_history_get_n_entries (history));

  g_assert_cmpuint (state->failed_sends->len, ==, model->failed->len);
  for (guint i = 0; i < model->failed->len; i++)
    {
      ChiaroFailedSend *failed = g_ptr_array_index (state->failed_sends, i);
      ModelFailed *expected = g_ptr_array_index (model->failed, i);

      g_assert_cmpstr (failed->turn->id, ==, expected->turn_id);
      g_assert_cmpstr (failed->parent_id, ==, model_get (model, expected->parent)->id);
      g_assert_cmpstr (failed->error_message, ==, expected->message);
      g_assert_true (failed->error_domain == G_IO_ERROR);
      g_assert_cmpint (failed->error_code, ==, G_IO_ERROR_TIMED_OUT);
    }
}

/* The real side */

typedef struct
{
  GRand *rand;
  Model *model;
  ChiaroProjectState *state;
  Shadow *path_shadow;
  Shadow *siblings_shadow;
  guint n_images;
  guint n_saves;
} Run;

static char *
pool_hash (guint n)
{
  g_autofree char *text = g_strdup_printf ("reference %u", n);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static ChiaroHistoryEntry *
make_generated (Run        *run,
                ChiaroTurn *turn)
{
  g_autoptr(ChiaroGenerationResult) result = chiaro_generation_result_new ();
  g_autoptr(GBytes) bytes = chiaro_test_bytes_printf ("generated image %u", run->n_images++);
  g_autoptr(ChiaroPart) image = chiaro_part_new_image (bytes, "image/png");
  g_autoptr(ChiaroReply) reply = NULL;
  g_autofree char *hash = chiaro_stored_content_hash (bytes);
  const char *hashes[] = { hash, NULL };

  image->thought_signature = g_strdup_printf ("c2ln%u", run->n_images);
  result->content = chiaro_content_new ("model");
  chiaro_content_add_part (result->content, image);
  g_ptr_array_add (result->images, chiaro_part_ref (image));
  result->usage.known = TRUE;
  result->usage.total_tokens = 1000 + run->n_images;
  reply = chiaro_reply_new_from_result (result, hashes, 0.039);
  return chiaro_history_entry_new_generated (turn, reply, "image/png", 1024, 1024);
}

static ChiaroTurn *
make_turn (Run *run)
{
  ChiaroTurn *turn = chiaro_turn_new (run->model->prompt, NULL, "gemini-3-pro-image-preview",
                                      "gemini", 1);
  GListModel *tray = G_LIST_MODEL (run->state->references);

  for (guint i = 0; i < g_list_model_get_n_items (tray); i++)
    {
      g_autoptr(ChiaroReference) reference = g_list_model_get_item (tray, i);

      chiaro_turn_add_reference (turn, chiaro_reference_get_hash (reference),
                                 chiaro_reference_get_mime_type (reference),
                                 chiaro_reference_get_label (reference));
    }
  return turn;
}

static void
op_send (Run *run)
{
  ChiaroHistory *history = run->state->history;
  ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (history);
  g_autoptr(ChiaroTurn) turn = make_turn (run);
  guint n = g_rand_int_range (run->rand, 1, 5);
  ChiaroHistoryEntry *first = NULL;
  int model_first = -1;
  int send = run->model->send_turn_ids->len;

  turn->n_variants = n;
  g_ptr_array_add (run->model->send_turn_ids, g_strdup (turn->id));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChiaroHistoryEntry) entry = make_generated (run, turn);
      int index;

      chiaro_history_add (history, cursor, entry);
      index = model_add (run->model, run->model->cursor, chiaro_history_entry_get_id (entry),
                         send);
      if (first == NULL)
        {
          first = entry;
          model_first = index;
        }
    }

  chiaro_history_set_cursor (history, first);
  model_set_cursor (run->model, model_first);
}

static void
op_undo (Run *run)
{
  gboolean expected = model_get (run->model, run->model->cursor)->parent >= 0;

  g_assert_cmpint (chiaro_history_undo (run->state->history), ==, expected);
  if (expected)
    model_set_cursor (run->model, model_get (run->model, run->model->cursor)->parent);
}

static void
op_redo (Run *run)
{
  int target = model_redo_child (run->model, run->model->cursor);

  g_assert_cmpint (chiaro_history_redo (run->state->history), ==, target >= 0);
  if (target >= 0)
    model_set_cursor (run->model, target);
}

static void
op_jump (Run *run)
{
  int index = model_pick_alive (run->model, run->rand);
  ModelEntry *entry = model_get (run->model, index);

  chiaro_history_set_cursor (run->state->history,
                             chiaro_history_lookup (run->state->history, entry->id));
  model_set_cursor (run->model, index);
}

/* Half the time an entry on the path (the root among them), which takes the cursor along. */
static void
op_delete (Run *run)
{
  g_autoptr(GArray) path = model_path (run->model);
  int index = g_rand_boolean (run->rand)
              ? g_array_index (path, int, g_rand_int_range (run->rand, 0, path->len))
              : model_pick_alive (run->model, run->rand);
  ModelEntry *entry = model_get (run->model, index);
  ChiaroHistoryEntry *real = chiaro_history_lookup (run->state->history, entry->id);
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) error = NULL;

  if (entry->parent < 0)
    {
      g_assert_false (chiaro_history_remove (run->state->history, real, &removed, &error));
      g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
      g_assert_null (removed);
      return;
    }

  g_assert_true (chiaro_history_remove (run->state->history, real, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed->len, ==, model_remove (run->model, index));
}

static void
op_star (Run *run)
{
  int index = model_pick_alive (run->model, run->rand);
  ModelEntry *entry = model_get (run->model, index);

  entry->starred = !entry->starred;
  chiaro_history_entry_set_starred (chiaro_history_lookup (run->state->history, entry->id),
                                    entry->starred);
}

static void
op_add_reference (Run *run)
{
  guint n = g_rand_int_range (run->rand, 0, N_IMAGE_POOL);
  g_autofree char *hash = pool_hash (n);
  g_autofree char *name = g_strdup_printf ("reference-%u.png", n);
  g_autoptr(ChiaroReference) reference = chiaro_reference_new (hash, "image/png", 640, 480, name);
  g_autoptr(GError) error = NULL;
  Model *model = run->model;
  guint position = g_rand_int_range (run->rand, 0, model->tray->len + 2);
  gboolean duplicate = FALSE;
  ModelReference *added;

  for (guint i = 0; i < model->tray->len; i++)
    if (g_str_equal (((ModelReference *) g_ptr_array_index (model->tray, i))->hash, hash))
      duplicate = TRUE;

  if (position > model->tray->len)
    position = G_MAXUINT;

  if (duplicate)
    {
      g_assert_false (chiaro_reference_list_insert (run->state->references, position, reference,
                                                    &error));
      g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE);
      return;
    }
  if (model->tray->len >= model->limit)
    {
      g_assert_false (chiaro_reference_list_insert (run->state->references, position, reference,
                                                    &error));
      g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_REFERENCES_FULL);
      return;
    }

  g_assert_true (chiaro_reference_list_insert (run->state->references, position, reference,
                                               &error));
  g_assert_no_error (error);
  added = g_new0 (ModelReference, 1);
  added->hash = g_strdup (hash);
  g_ptr_array_insert (model->tray, position == G_MAXUINT ? -1 : (int) position, added);
}

static void
op_remove_reference (Run *run)
{
  guint position;

  if (run->model->tray->len == 0)
    return;

  position = g_rand_int_range (run->rand, 0, run->model->tray->len);
  chiaro_reference_list_remove (run->state->references, position);
  g_ptr_array_remove_index (run->model->tray, position);
}

static void
op_move_reference (Run *run)
{
  guint from;
  guint to;
  gpointer item;

  if (run->model->tray->len == 0)
    return;

  from = g_rand_int_range (run->rand, 0, run->model->tray->len);
  to = g_rand_int_range (run->rand, 0, run->model->tray->len);
  chiaro_reference_list_move (run->state->references, from, to);
  item = g_ptr_array_steal_index (run->model->tray, from);
  g_ptr_array_insert (run->model->tray, to, item);
}

static void
op_label_reference (Run *run)
{
  static const char * const labels[] = { NULL, "the logo", "the bottle", "style «A»", "" };
  const char *label = labels[g_rand_int_range (run->rand, 0, G_N_ELEMENTS (labels))];
  g_autoptr(ChiaroReference) reference = NULL;
  ModelReference *expected;
  guint position;

  if (run->model->tray->len == 0)
    return;

  position = g_rand_int_range (run->rand, 0, run->model->tray->len);
  reference = g_list_model_get_item (G_LIST_MODEL (run->state->references), position);
  chiaro_reference_set_label (reference, label);
  expected = g_ptr_array_index (run->model->tray, position);
  g_free (expected->label);
  expected->label = label != NULL && *label != '\0' ? g_strdup (label) : NULL;
}

static void
op_limit (Run *run)
{
  guint limit = g_rand_int_range (run->rand, 1, CHIARO_REFERENCE_LIST_MAX + 1);

  chiaro_reference_list_set_limit (run->state->references, limit);
  run->model->limit = limit;
}

static void
op_prompt (Run *run)
{
  static const char * const words[] = {
    "warmer", "put the bottle on a marble table", "“quoted”", "tab\there", "line\nbreak",
    "emoji 🌅", "back\\slash", "",
  };
  const char *prompt = words[g_rand_int_range (run->rand, 0, G_N_ELEMENTS (words))];

  g_free (run->state->prompt);
  run->state->prompt = g_strdup (prompt);
  g_free (run->model->prompt);
  run->model->prompt = g_strdup (prompt);
}

static void
op_fail (Run *run)
{
  g_autoptr(ChiaroTurn) turn = make_turn (run);
  g_autoptr(GError) error = NULL;
  ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (run->state->history);
  ModelFailed *failed = g_new0 (ModelFailed, 1);

  error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timed out %u", run->model->failed->len);
  g_ptr_array_add (run->state->failed_sends,
                   chiaro_failed_send_new (turn, chiaro_history_entry_get_id (cursor), error));
  failed->turn_id = g_strdup (turn->id);
  failed->parent = run->model->cursor;
  failed->message = g_strdup (error->message);
  g_ptr_array_add (run->model->failed, failed);
}

static void
run_watch (Run *run)
{
  run->path_shadow = shadow_new (chiaro_history_get_path (run->state->history));
  run->siblings_shadow = shadow_new (chiaro_history_get_siblings (run->state->history));
}

static void
run_unwatch (Run *run)
{
  g_clear_pointer (&run->path_shadow, shadow_free);
  g_clear_pointer (&run->siblings_shadow, shadow_free);
}

static char *
without_modified (GBytes *json)
{
  g_autoptr(GRegex) regex = g_regex_new ("\"modified\" : [0-9]+", 0, 0, NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (json, NULL), g_bytes_get_size (json));

  return g_regex_replace_literal (regex, text, -1, 0, "\"modified\" : 0", 0, NULL);
}

/* Saves, loads, saves again, and carries on with the loaded state. */
static void
op_save_and_load (Run *run)
{
  g_autoptr(GBytes) saved = chiaro_project_state_to_json (run->state);
  g_autoptr(GBytes) saved_again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  ChiaroProjectState *loaded;
  int root = -1;

  loaded = chiaro_project_state_new_from_json (saved, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);

  saved_again = chiaro_project_state_to_json (loaded);
  first = without_modified (saved);
  second = without_modified (saved_again);
  g_assert_cmpstr (first, ==, second);

  /* The limit comes from the model, not the file. */
  g_assert_cmpuint (chiaro_reference_list_get_limit (loaded->references), ==,
                    CHIARO_REFERENCE_LIST_MAX);
  chiaro_reference_list_set_limit (loaded->references, run->model->limit);

  /* A failed send whose entry was deleted since is kept, from the root. */
  for (guint i = 0; i < run->model->entries->len && root < 0; i++)
    if (model_get (run->model, i)->parent < 0)
      root = i;
  for (guint i = 0; i < run->model->failed->len; i++)
    {
      ModelFailed *failed = g_ptr_array_index (run->model->failed, i);

      if (!model_get (run->model, failed->parent)->alive)
        failed->parent = root;
    }

  run_unwatch (run);
  chiaro_project_state_free (run->state);
  run->state = loaded;
  run_watch (run);
  run->n_saves++;

  assert_same_in_full (run->model, run->state);
}

static void
test_random_operations (void)
{
  g_autoptr(ChiaroHistoryEntry) root = NULL;
  g_autofree char *root_hash = pool_hash (1000);
  const char *seed_text = g_getenv ("CHIARO_HISTORY_SEED");
  guint32 seed = seed_text != NULL ? (guint32) strtoul (seed_text, NULL, 10)
                                   : (guint32) g_test_rand_int ();
  guint n_operations = g_test_slow () ? 5 * N_OPERATIONS : N_OPERATIONS;
  static const struct {
    int weight;
    void (*run) (Run *run);
    const char *name;
  } operations[] = {
    { 18, op_send, "send" },
    { 15, op_undo, "undo" },
    { 15, op_redo, "redo" },
    { 10, op_jump, "jump" },
    { 6, op_delete, "delete" },
    { 7, op_star, "star" },
    { 8, op_add_reference, "add reference" },
    { 4, op_remove_reference, "remove reference" },
    { 6, op_move_reference, "move reference" },
    { 4, op_label_reference, "label reference" },
    { 2, op_limit, "tray limit" },
    { 3, op_prompt, "prompt" },
    { 3, op_fail, "failed send" },
  };
  guint counts[G_N_ELEMENTS (operations)] = { 0, };
  int total_weight = 0;
  guint max_entries = 0;
  Run run = { 0, };

  /* Under valgrind (its test setup sets CHIARO_TEST_SLOW) a tenth of the operations: the
   * same kinds of step, each still checked against the model, in minutes rather than hours. */
  if (g_getenv ("CHIARO_TEST_SLOW") != NULL)
    n_operations /= 10;

  g_test_message ("seed %u (CHIARO_HISTORY_SEED=%u replays this run)", seed, seed);
  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    total_weight += operations[i].weight;

  run.rand = g_rand_new_with_seed (seed);
  run.model = model_new ();
  run.state = chiaro_project_state_new ();

  root = chiaro_history_entry_new_root (root_hash, "image/jpeg", 4000, 3000);
  chiaro_history_add (run.state->history, NULL, root);
  model_add (run.model, -1, chiaro_history_entry_get_id (root), -1);
  run_watch (&run);
  assert_same (run.model, run.state, run.path_shadow, run.siblings_shadow);

  for (guint step = 0; step < n_operations; step++)
    {
      int roll = g_rand_int_range (run.rand, 0, total_weight);
      guint kind = 0;

      while (roll >= operations[kind].weight)
        roll -= operations[kind++].weight;
      operations[kind].run (&run);
      counts[kind]++;

      assert_same (run.model, run.state, run.path_shadow, run.siblings_shadow);
      max_entries = MAX (max_entries, run.model->n_alive);

      if (g_rand_int_range (run.rand, 0, 50) == 0)
        {
          op_save_and_load (&run);
          assert_same (run.model, run.state, run.path_shadow, run.siblings_shadow);
        }
    }

  op_save_and_load (&run);
  assert_same (run.model, run.state, run.path_shadow, run.siblings_shadow);

  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    g_test_message ("%s: %u", operations[i].name, counts[i]);
  g_test_message ("%u operations, %u save/load round trips, up to %u entries, %u at the end",
                  n_operations, run.n_saves, max_entries, run.model->n_alive);

  /* The run must have exercised what it claims to (less of it in the shortened run). */
  g_assert_cmpuint (run.n_saves, >=, n_operations < N_OPERATIONS ? 2 : 20);
  g_assert_cmpuint (max_entries, >=, n_operations < N_OPERATIONS ? 10 : 30);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    g_assert_cmpuint (counts[i], >, 0);

  run_unwatch (&run);
  chiaro_project_state_free (run.state);
  model_free (run.model);
  g_rand_free (run.rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/history/random-operations", test_random_operations);

  return g_test_run ();
}
