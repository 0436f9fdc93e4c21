/* test-history.c — the history tree: entries, cursor, undo and redo, models, turns, replies
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chiaro-history.h"
#include "chiaro-project-error.h"
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

/* A reply whose content is some text and the image "image @n". */
static ChiaroReply *
make_reply (guint n)
{
  g_autoptr(ChiaroGenerationResult) result = chiaro_generation_result_new ();
  g_autoptr(GBytes) bytes = bytes_for (n);
  g_autoptr(ChiaroPart) text = chiaro_part_new_text ("Here it is.");
  g_autoptr(ChiaroPart) image = chiaro_part_new_image (bytes, "image/png");
  g_autofree char *hash = chiaro_stored_content_hash (bytes);
  const char *hashes[] = { hash, NULL };

  result->content = chiaro_content_new ("model");
  chiaro_content_add_part (result->content, text);
  chiaro_content_add_part (result->content, image);
  g_ptr_array_add (result->images, chiaro_part_ref (image));
  return chiaro_reply_new_from_result (result, hashes, 0.134);
}

static ChiaroHistoryEntry *
make_entry (ChiaroTurn *turn,
            guint       n)
{
  g_autoptr(ChiaroReply) reply = make_reply (n);

  return chiaro_history_entry_new_generated (turn, reply, "image/png", 1024, 768);
}

static ChiaroHistoryEntry *
make_root (void)
{
  g_autofree char *hash = hash_for (0);

  return chiaro_history_entry_new_root (hash, "image/jpeg", 800, 600);
}

static void
add_entry (ChiaroHistory      *history,
           ChiaroHistoryEntry *parent,
           ChiaroHistoryEntry *entry)
{
  chiaro_history_add (history, parent, entry);
  g_object_unref (entry);
}

static void
assert_list (GListModel          *model,
             ChiaroHistoryEntry **expected,
             guint                n_expected)
{
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      g_autoptr(ChiaroHistoryEntry) item = g_list_model_get_item (model, i);

      g_assert_true (item == expected[i]);
    }
}

#define ASSERT_LIST(model, ...) \
  G_STMT_START { \
    ChiaroHistoryEntry *expected_[] = { __VA_ARGS__ }; \
    assert_list ((model), expected_, G_N_ELEMENTS (expected_)); \
  } G_STMT_END

/* Replays items-changed on a plain array and records each change, so a test sees both that
 * the signals describe the model exactly and what they were. */
typedef struct
{
  GPtrArray *items;
  GArray *changes; /* three guints per change */
} Shadow;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Shadow     *shadow)
{
  guint change[3] = { position, removed, added };

  g_assert_cmpuint (position + removed, <=, shadow->items->len);
  g_ptr_array_remove_range (shadow->items, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (shadow->items, position + i, item);
    }
  g_array_append_vals (shadow->changes, change, 3);
}

static Shadow *
shadow_new (GListModel *model)
{
  Shadow *shadow = g_new0 (Shadow, 1);

  shadow->items = g_ptr_array_new ();
  shadow->changes = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_ptr_array_add (shadow->items, item);
    }
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), shadow);
  return shadow;
}

static void
shadow_free (Shadow *shadow)
{
  g_ptr_array_unref (shadow->items);
  g_array_unref (shadow->changes);
  g_free (shadow);
}

/* Checks the shadow equals the model, and that exactly the changes given (position,
 * removed, added triples) were emitted since the last check. */
static void
shadow_check (Shadow      *shadow,
              GListModel  *model,
              const guint *changes,
              guint        n_changes)
{
  g_assert_cmpuint (shadow->items->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < shadow->items->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (item == g_ptr_array_index (shadow->items, i));
    }

  g_assert_cmpuint (shadow->changes->len, ==, n_changes * 3);
  for (guint i = 0; i < n_changes * 3; i++)
    g_assert_cmpuint (g_array_index (shadow->changes, guint, i), ==, changes[i]);
  g_array_set_size (shadow->changes, 0);
}

#define SHADOW_CHECK(shadow, model, ...) \
  G_STMT_START { \
    const guint changes_[] = { __VA_ARGS__ }; \
    shadow_check ((shadow), (model), changes_, G_N_ELEMENTS (changes_) / 3); \
  } G_STMT_END

#define SHADOW_CHECK_NONE(shadow, model) shadow_check ((shadow), (model), NULL, 0)

static void
count_signal (gpointer  instance,
              guint    *count)
{
  (*count)++;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* Tests */

static void
test_tree (void)
{
  g_autoptr(ChiaroHistory) history = chiaro_history_new ();
  g_autoptr(ChiaroTurn) turn = chiaro_turn_new ("warmer", NULL, "gemini-3-pro-image-preview",
                                                "gemini", 2);
  g_autoptr(ChiaroTurn) turn2 = chiaro_turn_new ("remove the reflection", NULL, NULL,
                                                 "gemini", 1);
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *hash1 = hash_for (1);
  ChiaroHistoryEntry *root;
  ChiaroHistoryEntry *a;
  ChiaroHistoryEntry *b;
  ChiaroHistoryEntry *c;

  g_assert_null (chiaro_history_get_root (history));
  g_assert_null (chiaro_history_get_cursor (history));
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_history_get_path (history)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_history_get_siblings (history)), ==, 0);
  g_assert_false (chiaro_history_can_undo (history));
  g_assert_false (chiaro_history_can_redo (history));

  root = make_root ();
  add_entry (history, NULL, root);
  g_assert_true (chiaro_history_get_root (history) == root);
  g_assert_true (chiaro_history_get_cursor (history) == root);
  g_assert_null (chiaro_history_entry_get_turn (root));
  g_assert_cmpint (chiaro_history_entry_get_width (root), ==, 800);
  g_assert_cmpstr (chiaro_history_entry_get_mime_type (root), ==, "image/jpeg");
  g_assert_cmpuint (strlen (chiaro_history_entry_get_id (root)), ==, 12);

  a = make_entry (turn, 1);
  b = make_entry (turn, 2);
  add_entry (history, root, a);
  add_entry (history, root, b);
  g_assert_true (chiaro_history_get_cursor (history) == root);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 3);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (root), ==, 2);
  g_assert_true (chiaro_history_entry_get_child (root, 0) == a);
  g_assert_true (chiaro_history_entry_get_child (root, 1) == b);
  g_assert_null (chiaro_history_entry_get_child (root, 2));
  g_assert_true (chiaro_history_entry_get_parent (a) == root);
  g_assert_cmpuint (chiaro_history_entry_get_depth (root), ==, 0);
  g_assert_cmpuint (chiaro_history_entry_get_depth (a), ==, 1);
  g_assert_cmpstr (chiaro_history_entry_get_image_hash (a), ==, hash1);
  g_assert_true (chiaro_history_entry_get_turn (a) == turn);
  g_assert_true (chiaro_history_entry_get_turn (b) == turn);
  g_assert_cmpstr (chiaro_reply_get_final_image_hash (chiaro_history_entry_get_reply (a)), ==,
                   hash1);

  c = make_entry (turn2, 3);
  add_entry (history, a, c);
  g_assert_cmpuint (chiaro_history_entry_get_depth (c), ==, 2);
  g_assert_true (chiaro_history_entry_is_ancestor_of (root, a));
  g_assert_true (chiaro_history_entry_is_ancestor_of (root, c));
  g_assert_true (chiaro_history_entry_is_ancestor_of (a, c));
  g_assert_false (chiaro_history_entry_is_ancestor_of (b, c));
  g_assert_false (chiaro_history_entry_is_ancestor_of (c, a));
  g_assert_false (chiaro_history_entry_is_ancestor_of (a, a));

  g_assert_true (chiaro_history_lookup (history, chiaro_history_entry_get_id (c)) == c);
  g_assert_null (chiaro_history_lookup (history, "000000000000"));

  entries = chiaro_history_dup_entries (history);
  g_assert_cmpuint (entries->len, ==, 4);
  g_assert_true (g_ptr_array_index (entries, 0) == root);
  g_assert_true (g_ptr_array_index (entries, 1) == a);
  g_assert_true (g_ptr_array_index (entries, 2) == c);
  g_assert_true (g_ptr_array_index (entries, 3) == b);
}

static void
test_entry_ids (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(ChiaroHistoryEntry) named = chiaro_history_entry_new ("my-id");

  g_assert_cmpstr (chiaro_history_entry_get_id (named), ==, "my-id");
  g_assert_cmpint (chiaro_history_entry_get_created (named), >, 0);

  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(ChiaroHistoryEntry) entry = chiaro_history_entry_new (NULL);
      const char *id = chiaro_history_entry_get_id (entry);

      g_assert_cmpuint (strlen (id), ==, 12);
      for (guint j = 0; j < 12; j++)
        g_assert_true (g_ascii_isdigit (id[j]) || (id[j] >= 'a' && id[j] <= 'f'));
      g_assert_true (g_hash_table_add (seen, g_strdup (id)));
    }
}

static void
test_undo_redo (void)
{
  g_autoptr(ChiaroHistory) history = chiaro_history_new ();
  g_autoptr(ChiaroTurn) turn = chiaro_turn_new ("warmer", NULL, NULL, "gemini", 1);
  ChiaroHistoryEntry *root = make_root ();
  ChiaroHistoryEntry *a = make_entry (turn, 1);
  ChiaroHistoryEntry *b = make_entry (turn, 2);
  ChiaroHistoryEntry *c = make_entry (turn, 3);
  ChiaroHistoryEntry *d = make_entry (turn, 4);

  add_entry (history, NULL, root);
  add_entry (history, root, a);
  add_entry (history, a, b);

  /* Nothing visited yet: redo goes to the newest child. */
  g_assert_true (chiaro_history_can_redo (history));
  g_assert_true (chiaro_history_redo (history));
  g_assert_true (chiaro_history_get_cursor (history) == a);
  g_assert_true (chiaro_history_redo (history));
  g_assert_true (chiaro_history_get_cursor (history) == b);
  g_assert_false (chiaro_history_can_redo (history));
  g_assert_false (chiaro_history_redo (history));
  g_assert_true (chiaro_history_get_cursor (history) == b);

  g_assert_true (chiaro_history_undo (history));
  g_assert_true (chiaro_history_undo (history));
  g_assert_true (chiaro_history_get_cursor (history) == root);
  g_assert_false (chiaro_history_can_undo (history));
  g_assert_false (chiaro_history_undo (history));
  g_assert_true (chiaro_history_get_cursor (history) == root);

  /* A new branch from a: c is newer than b, but redo goes back the way the cursor went. */
  add_entry (history, a, c);
  g_assert_true (chiaro_history_redo (history));
  g_assert_true (chiaro_history_redo (history));
  g_assert_true (chiaro_history_get_cursor (history) == b);
  g_assert_true (chiaro_history_entry_get_redo_child (a) == b);

  /* Visiting c makes a remember c; undo keeps c and everything else. */
  chiaro_history_set_cursor (history, c);
  g_assert_true (chiaro_history_entry_get_redo_child (a) == c);
  g_assert_true (chiaro_history_entry_get_redo_child (root) == a);
  g_assert_true (chiaro_history_undo (history));
  g_assert_true (chiaro_history_undo (history));
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 4);
  g_assert_true (chiaro_history_redo (history));
  g_assert_true (chiaro_history_redo (history));
  g_assert_true (chiaro_history_get_cursor (history) == c);

  /* Jumping deep into the tree sets the memory of every ancestor at once. */
  add_entry (history, b, d);
  chiaro_history_set_cursor (history, d);
  g_assert_true (chiaro_history_entry_get_redo_child (b) == d);
  g_assert_true (chiaro_history_entry_get_redo_child (a) == b);
  chiaro_history_set_cursor (history, root);
  g_assert_true (chiaro_history_redo (history));
  g_assert_true (chiaro_history_redo (history));
  g_assert_true (chiaro_history_redo (history));
  g_assert_true (chiaro_history_get_cursor (history) == d);

  /* A leaf's redo child is none. */
  g_assert_null (chiaro_history_entry_get_redo_child (d));
}

static void
test_remove (void)
{
  g_autoptr(ChiaroHistory) history = chiaro_history_new ();
  g_autoptr(ChiaroTurn) turn = chiaro_turn_new ("warmer", NULL, NULL, "gemini", 1);
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroHistoryEntry) kept = NULL;
  ChiaroHistoryEntry *root = make_root ();
  ChiaroHistoryEntry *a = make_entry (turn, 1);
  ChiaroHistoryEntry *b = make_entry (turn, 2);
  ChiaroHistoryEntry *a1 = make_entry (turn, 3);
  ChiaroHistoryEntry *a2 = make_entry (turn, 4);
  ChiaroHistoryEntry *a1x = make_entry (turn, 5);
  g_autofree char *a1_id = NULL;
  guint n_changed = 0;
  guint n_cursor = 0;

  add_entry (history, NULL, root);
  add_entry (history, root, a);
  add_entry (history, root, b);
  add_entry (history, a, a1);
  add_entry (history, a, a2);
  add_entry (history, a1, a1x);
  chiaro_history_set_cursor (history, a1x);
  a1_id = g_strdup (chiaro_history_entry_get_id (a1));
  kept = g_object_ref (a1x);

  g_signal_connect (history, "changed", G_CALLBACK (count_signal), &n_changed);
  g_signal_connect (history, "notify::cursor", G_CALLBACK (count_notify), &n_cursor);

  /* The root stays, and nothing changes. */
  g_assert_false (chiaro_history_remove (history, root, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The original image cannot be deleted.");
  g_clear_error (&error);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 6);
  g_assert_cmpuint (n_changed, ==, 0);

  /* The cursor was inside: it goes to the removed entry's parent. */
  g_assert_true (chiaro_history_remove (history, a1, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed->len, ==, 2);
  g_assert_true (g_ptr_array_index (removed, 0) == a1);
  g_assert_true (g_ptr_array_index (removed, 1) == a1x);
  g_assert_true (chiaro_history_get_cursor (history) == a);
  g_assert_cmpuint (n_changed, ==, 1);
  g_assert_cmpuint (n_cursor, ==, 1);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 4);
  g_assert_null (chiaro_history_lookup (history, a1_id));
  g_assert_null (chiaro_history_entry_get_parent (a1));
  g_assert_null (chiaro_history_entry_get_parent (a1x));
  g_assert_cmpuint (chiaro_history_entry_get_n_children (a1), ==, 0);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (a), ==, 1);
  g_assert_true (chiaro_history_entry_get_child (a, 0) == a2);
  /* a forgot its visited child: redo goes to the newest one left. */
  g_assert_true (chiaro_history_entry_get_redo_child (a) == a2);
  g_assert_true (chiaro_history_entry_get_redo_child (root) == a);
  ASSERT_LIST (chiaro_history_get_path (history), root, a);
  ASSERT_LIST (chiaro_history_get_siblings (history), a, b);
  g_clear_pointer (&removed, g_ptr_array_unref);

  /* Elsewhere: the cursor stays. */
  g_assert_true (chiaro_history_remove (history, b, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (chiaro_history_get_cursor (history) == a);
  g_assert_cmpuint (n_changed, ==, 2);
  g_assert_cmpuint (n_cursor, ==, 1);
  ASSERT_LIST (chiaro_history_get_siblings (history), a);

  /* A removed entry can join another tree. */
  chiaro_history_add (history, a2, a1x);
  g_assert_true (chiaro_history_entry_get_parent (a1x) == a2);

  /* Entries held elsewhere outlive the history without pointing into it. */
  g_signal_handlers_disconnect_by_func (history, count_signal, &n_changed);
  g_signal_handlers_disconnect_by_func (history, count_notify, &n_cursor);
  g_clear_object (&history);
  g_assert_null (chiaro_history_entry_get_parent (kept));
  g_assert_cmpstr (chiaro_history_entry_get_mime_type (kept), ==, "image/png");
}

static void
test_models (void)
{
  g_autoptr(ChiaroHistory) history = chiaro_history_new ();
  g_autoptr(ChiaroTurn) turn = chiaro_turn_new ("warmer", NULL, NULL, "gemini", 1);
  GListModel *path = chiaro_history_get_path (history);
  GListModel *siblings = chiaro_history_get_siblings (history);
  Shadow *path_shadow = shadow_new (path);
  Shadow *siblings_shadow = shadow_new (siblings);
  ChiaroHistoryEntry *root = make_root ();
  ChiaroHistoryEntry *a = make_entry (turn, 1);
  ChiaroHistoryEntry *b = make_entry (turn, 2);
  ChiaroHistoryEntry *c = make_entry (turn, 3);
  ChiaroHistoryEntry *a1 = make_entry (turn, 4);
  ChiaroHistoryEntry *a2 = make_entry (turn, 5);
  ChiaroHistoryEntry *b1 = make_entry (turn, 6);

  g_assert_true (g_list_model_get_item_type (path) == CHIARO_TYPE_HISTORY_ENTRY);

  add_entry (history, NULL, root);
  SHADOW_CHECK (path_shadow, path, 0, 0, 1);
  SHADOW_CHECK (siblings_shadow, siblings, 0, 0, 1);
  ASSERT_LIST (siblings, root);

  /* Children of the cursor: neither list changes. */
  add_entry (history, root, a);
  add_entry (history, root, b);
  SHADOW_CHECK_NONE (path_shadow, path);
  SHADOW_CHECK_NONE (siblings_shadow, siblings);

  /* Down one: the path grows by one, the siblings are swapped for the new ones. */
  chiaro_history_set_cursor (history, a);
  SHADOW_CHECK (path_shadow, path, 1, 0, 1);
  SHADOW_CHECK (siblings_shadow, siblings, 0, 1, 2);
  ASSERT_LIST (path, root, a);
  ASSERT_LIST (siblings, a, b);

  /* To a sibling: one item of the path, none of the siblings. */
  chiaro_history_set_cursor (history, b);
  SHADOW_CHECK (path_shadow, path, 1, 1, 1);
  SHADOW_CHECK_NONE (siblings_shadow, siblings);

  /* A new sibling of the cursor is appended to the siblings only. */
  add_entry (history, root, c);
  SHADOW_CHECK_NONE (path_shadow, path);
  SHADOW_CHECK (siblings_shadow, siblings, 2, 0, 1);
  ASSERT_LIST (siblings, a, b, c);

  /* Two levels down in another branch: the tail of the path is replaced. */
  add_entry (history, a, a1);
  add_entry (history, a, a2);
  add_entry (history, b, b1);
  chiaro_history_set_cursor (history, b1);
  SHADOW_CHECK (path_shadow, path, 2, 0, 1);
  SHADOW_CHECK (siblings_shadow, siblings, 0, 3, 1);
  chiaro_history_set_cursor (history, a2);
  SHADOW_CHECK (path_shadow, path, 1, 2, 2);
  SHADOW_CHECK (siblings_shadow, siblings, 0, 1, 2);
  ASSERT_LIST (path, root, a, a2);
  ASSERT_LIST (siblings, a1, a2);

  /* Undo: the last item goes. */
  chiaro_history_undo (history);
  SHADOW_CHECK (path_shadow, path, 2, 1, 0);
  SHADOW_CHECK (siblings_shadow, siblings, 0, 2, 3);

  /* Removing a sibling of the cursor removes one row. */
  chiaro_history_remove (history, b, NULL, NULL);
  SHADOW_CHECK_NONE (path_shadow, path);
  SHADOW_CHECK (siblings_shadow, siblings, 1, 1, 0);
  ASSERT_LIST (siblings, a, c);

  /* Removing the branch holding the cursor. */
  chiaro_history_set_cursor (history, a1);
  SHADOW_CHECK (path_shadow, path, 2, 0, 1);
  SHADOW_CHECK (siblings_shadow, siblings, 0, 2, 2);
  chiaro_history_remove (history, a, NULL, NULL);
  SHADOW_CHECK (path_shadow, path, 1, 2, 0);
  SHADOW_CHECK (siblings_shadow, siblings, 0, 2, 1);
  ASSERT_LIST (path, root);
  ASSERT_LIST (siblings, root);

  g_signal_handlers_disconnect_by_data (path, path_shadow);
  g_signal_handlers_disconnect_by_data (siblings, siblings_shadow);
  shadow_free (path_shadow);
  shadow_free (siblings_shadow);
}

static void
test_signals (void)
{
  g_autoptr(ChiaroHistory) history = chiaro_history_new ();
  g_autoptr(ChiaroTurn) turn = chiaro_turn_new ("warmer", NULL, NULL, "gemini", 1);
  ChiaroHistoryEntry *root = make_root ();
  ChiaroHistoryEntry *a = make_entry (turn, 1);
  g_autoptr(ChiaroHistoryEntry) outside = make_entry (turn, 2);
  guint n_changed = 0;
  guint n_can_undo = 0;
  guint n_can_redo = 0;
  guint n_entries = 0;
  guint n_root = 0;
  guint n_cursor = 0;

  g_signal_connect (history, "changed", G_CALLBACK (count_signal), &n_changed);
  g_signal_connect (history, "notify::can-undo", G_CALLBACK (count_notify), &n_can_undo);
  g_signal_connect (history, "notify::can-redo", G_CALLBACK (count_notify), &n_can_redo);
  g_signal_connect (history, "notify::n-entries", G_CALLBACK (count_notify), &n_entries);
  g_signal_connect (history, "notify::root", G_CALLBACK (count_notify), &n_root);
  g_signal_connect (history, "notify::cursor", G_CALLBACK (count_notify), &n_cursor);

  add_entry (history, NULL, root);
  g_assert_cmpuint (n_changed, ==, 1);
  g_assert_cmpuint (n_root, ==, 1);
  g_assert_cmpuint (n_cursor, ==, 1);
  g_assert_cmpuint (n_entries, ==, 1);
  g_assert_cmpuint (n_can_redo, ==, 0);

  add_entry (history, root, a);
  g_assert_cmpuint (n_changed, ==, 2);
  g_assert_cmpuint (n_can_redo, ==, 1);
  g_assert_cmpuint (n_cursor, ==, 1);

  chiaro_history_set_cursor (history, a);
  g_assert_cmpuint (n_changed, ==, 3);
  g_assert_cmpuint (n_cursor, ==, 2);
  g_assert_cmpuint (n_can_undo, ==, 1);
  g_assert_cmpuint (n_can_redo, ==, 2);

  /* Same cursor: nothing. */
  chiaro_history_set_cursor (history, a);
  g_assert_cmpuint (n_changed, ==, 3);
  g_assert_cmpuint (n_cursor, ==, 2);

  /* A star is saved state; setting it twice is one change. */
  chiaro_history_entry_set_starred (a, TRUE);
  chiaro_history_entry_set_starred (a, TRUE);
  g_assert_cmpuint (n_changed, ==, 4);
  g_object_set (a, "starred", FALSE, NULL);
  g_assert_cmpuint (n_changed, ==, 5);
  g_assert_false (chiaro_history_entry_get_starred (a));

  /* The cursor property can be set too. */
  g_object_set (history, "cursor", root, NULL);
  g_assert_true (chiaro_history_get_cursor (history) == root);
  g_assert_cmpuint (n_changed, ==, 6);

  /* An entry that left the history no longer counts. */
  g_object_ref (a);
  chiaro_history_remove (history, a, NULL, NULL);
  g_assert_cmpuint (n_changed, ==, 7);
  g_assert_cmpuint (n_entries, ==, 3);
  chiaro_history_entry_set_starred (a, TRUE);
  chiaro_history_entry_set_starred (outside, TRUE);
  g_assert_cmpuint (n_changed, ==, 7);
  g_object_unref (a);

  g_signal_handlers_disconnect_by_func (history, count_signal, &n_changed);
  g_signal_handlers_disconnect_by_func (history, count_notify, &n_can_undo);
  g_signal_handlers_disconnect_by_func (history, count_notify, &n_can_redo);
  g_signal_handlers_disconnect_by_func (history, count_notify, &n_entries);
  g_signal_handlers_disconnect_by_func (history, count_notify, &n_root);
  g_signal_handlers_disconnect_by_func (history, count_notify, &n_cursor);
}

static void
test_variants (void)
{
  g_autoptr(ChiaroHistory) history = chiaro_history_new ();
  g_autoptr(ChiaroTurn) turn = chiaro_turn_new ("as a watercolour", NULL, NULL, "gemini", 3);
  g_autoptr(ChiaroTurn) other = chiaro_turn_new ("as a pencil drawing", NULL, NULL, "gemini", 1);
  g_autoptr(GPtrArray) variants = NULL;
  ChiaroHistoryEntry *root = make_root ();
  ChiaroHistoryEntry *v1 = make_entry (turn, 1);
  ChiaroHistoryEntry *v2 = make_entry (turn, 2);
  ChiaroHistoryEntry *o = make_entry (other, 3);
  ChiaroHistoryEntry *v3 = make_entry (turn, 4);

  add_entry (history, NULL, root);
  add_entry (history, root, v1);
  add_entry (history, root, v2);
  add_entry (history, root, o);
  add_entry (history, root, v3);

  variants = chiaro_history_dup_variants (history, v2);
  g_assert_cmpuint (variants->len, ==, 3);
  g_assert_true (g_ptr_array_index (variants, 0) == v1);
  g_assert_true (g_ptr_array_index (variants, 1) == v2);
  g_assert_true (g_ptr_array_index (variants, 2) == v3);
  g_clear_pointer (&variants, g_ptr_array_unref);

  variants = chiaro_history_dup_variants (history, o);
  g_assert_cmpuint (variants->len, ==, 1);
  g_assert_true (g_ptr_array_index (variants, 0) == o);
  g_clear_pointer (&variants, g_ptr_array_unref);

  variants = chiaro_history_dup_variants (history, root);
  g_assert_cmpuint (variants->len, ==, 1);
  g_assert_true (g_ptr_array_index (variants, 0) == root);
}

static void
assert_hash_set (GHashTable  *set,
                 const guint *numbers,
                 guint        n_numbers)
{
  g_assert_cmpuint (g_hash_table_size (set), ==, n_numbers);
  for (guint i = 0; i < n_numbers; i++)
    {
      g_autofree char *hash = hash_for (numbers[i]);

      g_assert_true (g_hash_table_contains (set, hash));
    }
}

static void
test_image_hashes (void)
{
  g_autoptr(ChiaroHistory) history = chiaro_history_new ();
  g_autoptr(ChiaroTurn) turn = chiaro_turn_new ("put the bottle on marble", NULL, NULL,
                                                "gemini", 1);
  g_autoptr(ChiaroTurn) plain = chiaro_turn_new ("warmer", NULL, NULL, "gemini", 1);
  g_autoptr(ChiaroGenerationResult) result = chiaro_generation_result_new ();
  g_autoptr(ChiaroContent) user = chiaro_content_new ("user");
  g_autoptr(GBytes) canvas_bytes = bytes_for (0);
  g_autoptr(GBytes) planned_bytes = bytes_for (12);
  g_autoptr(GBytes) thought_bytes = bytes_for (20);
  g_autoptr(GBytes) final_bytes = bytes_for (21);
  g_autoptr(ChiaroPart) canvas_part = chiaro_part_new_image (canvas_bytes, "image/jpeg");
  g_autoptr(ChiaroPart) planned_part = chiaro_part_new_image (planned_bytes, "image/jpeg");
  g_autoptr(ChiaroPart) thought_part = chiaro_part_new_image (thought_bytes, "image/png");
  g_autoptr(ChiaroPart) final_part = chiaro_part_new_image (final_bytes, "image/png");
  g_autoptr(ChiaroReply) reply = NULL;
  g_autoptr(GHashTable) set = NULL;
  g_autofree char *h0 = hash_for (0);
  g_autofree char *h10 = hash_for (10);
  g_autofree char *h11 = hash_for (11);
  g_autofree char *h12 = hash_for (12);
  g_autofree char *h20 = hash_for (20);
  g_autofree char *h21 = hash_for (21);
  const char *reply_hashes[] = { h20, h21, NULL };
  const char *turn_hashes[] = { h0, h12, NULL };
  ChiaroHistoryEntry *root = make_root ();
  ChiaroHistoryEntry *entry;
  ChiaroHistoryEntry *other;

  /* The references, and the content as planned (the canvas and a re-encoded reference). */
  chiaro_turn_add_reference (turn, h10, "image/png", "the logo");
  chiaro_turn_add_reference (turn, h11, "image/jpeg", NULL);
  chiaro_content_add_part (user, canvas_part);
  chiaro_content_add_part (user, planned_part);
  turn->content = chiaro_stored_content_strip (user);
  turn->content_hashes = g_strdupv ((char **) turn_hashes);

  /* A thought image, then the final one. */
  thought_part->thought = TRUE;
  result->content = chiaro_content_new ("model");
  chiaro_content_add_part (result->content, thought_part);
  chiaro_content_add_part (result->content, final_part);
  g_ptr_array_add (result->thought_images, chiaro_part_ref (thought_part));
  g_ptr_array_add (result->images, chiaro_part_ref (final_part));
  reply = chiaro_reply_new_from_result (result, reply_hashes, -1);
  entry = chiaro_history_entry_new_generated (turn, reply, "image/png", 1024, 1024);
  g_assert_cmpstr (chiaro_history_entry_get_image_hash (entry), ==, h21);

  add_entry (history, NULL, root);
  add_entry (history, root, entry);
  other = make_entry (plain, 30);
  add_entry (history, entry, other);

  set = chiaro_history_dup_image_hashes (history);
  assert_hash_set (set, (const guint[]) { 0, 10, 11, 12, 20, 21, 30 }, 7);
  g_clear_pointer (&set, g_hash_table_unref);

  chiaro_history_remove (history, entry, NULL, NULL);
  set = chiaro_history_dup_image_hashes (history);
  assert_hash_set (set, (const guint[]) { 0 }, 1);
  g_clear_pointer (&set, g_hash_table_unref);

  /* An empty history names nothing; an empty root neither. */
  g_clear_object (&history);
  history = chiaro_history_new ();
  set = chiaro_history_dup_image_hashes (history);
  g_assert_cmpuint (g_hash_table_size (set), ==, 0);
  g_clear_pointer (&set, g_hash_table_unref);
  add_entry (history, NULL, chiaro_history_entry_new_root (NULL, NULL, 0, 0));
  set = chiaro_history_dup_image_hashes (history);
  g_assert_cmpuint (g_hash_table_size (set), ==, 0);
}

static void
test_reply_from_result (void)
{
  g_autoptr(ChiaroGenerationResult) result = chiaro_generation_result_new ();
  g_autoptr(GBytes) a_bytes = bytes_for (1);
  g_autoptr(GBytes) b_bytes = bytes_for (2);
  g_autoptr(GBytes) c_bytes = bytes_for (3);
  g_autoptr(ChiaroPart) text = chiaro_part_new_text ("Here is the edit.");
  g_autoptr(ChiaroPart) a = chiaro_part_new_image (a_bytes, "image/png");
  g_autoptr(ChiaroPart) b = chiaro_part_new_image (b_bytes, "image/jpeg");
  g_autoptr(ChiaroPart) c = chiaro_part_new_image (c_bytes, "image/png");
  g_autoptr(ChiaroReply) reply = NULL;
  g_autoptr(ChiaroReply) empty = chiaro_reply_new ();
  g_autofree char *ha = hash_for (1);
  g_autofree char *hb = hash_for (2);
  g_autofree char *hc = hash_for (3);
  const char *hashes[] = { ha, hb, hc, NULL };
  ChiaroGroundingSource *source = g_new0 (ChiaroGroundingSource, 1);
  ChiaroGroundingSource *copy;
  gint64 before;
  gint64 after;

  a->thought = TRUE;
  a->thought_signature = g_strdup ("c2lnLWE=");
  b->thought_signature = g_strdup ("c2lnLWI=");
  c->thought = TRUE;
  result->content = chiaro_content_new ("model");
  result->content->model = g_strdup ("gemini-3-pro-image-preview");
  chiaro_content_add_part (result->content, text);
  chiaro_content_add_part (result->content, a);
  chiaro_content_add_part (result->content, b);
  chiaro_content_add_part (result->content, c);
  g_ptr_array_add (result->images, chiaro_part_ref (b));
  result->text = g_strdup ("Here is the edit.");
  result->thoughts = g_strdup ("Thinking about light");
  result->finish_reason = g_strdup ("STOP");
  result->finish_message = g_strdup ("done");
  result->model_version = g_strdup ("gemini-3-pro-image-preview");
  result->response_id = g_strdup ("resp-1");
  result->usage.known = TRUE;
  result->usage.prompt_tokens = 147;
  result->usage.total_tokens = 1582;
  result->attempts = 3;
  result->cost_usd = 0.134;
  source->title = g_strdup ("Marble");
  source->uri = g_strdup ("https://example.com/marble");
  g_ptr_array_add (result->grounding_sources, source);

  before = g_get_real_time ();
  reply = chiaro_reply_new_from_result (result, hashes, 0.139);
  after = g_get_real_time ();

  /* The final image is the last one that is not a thought. */
  g_assert_cmpstr (chiaro_reply_get_final_image_hash (reply), ==, hb);
  g_assert_cmpuint (g_strv_length (reply->content_hashes), ==, 3);
  g_assert_cmpstr (reply->content_hashes[2], ==, hc);

  /* The content is kept part by part, without bytes; the result's parts keep theirs. */
  g_assert_cmpstr (reply->content->role, ==, "model");
  g_assert_cmpstr (reply->content->model, ==, "gemini-3-pro-image-preview");
  g_assert_cmpuint (reply->content->parts->len, ==, 4);
  for (guint i = 1; i < 4; i++)
    {
      ChiaroPart *stored = g_ptr_array_index (reply->content->parts, i);
      ChiaroPart *original = g_ptr_array_index (result->content->parts, i);

      g_assert_true (stored != original);
      g_assert_cmpint (stored->kind, ==, CHIARO_PART_IMAGE);
      g_assert_null (stored->data);
      g_assert_nonnull (original->data);
      g_assert_cmpstr (stored->mime_type, ==, original->mime_type);
      g_assert_cmpint (stored->thought, ==, original->thought);
      g_assert_cmpstr (stored->thought_signature, ==, original->thought_signature);
    }
  g_assert_cmpstr (((ChiaroPart *) g_ptr_array_index (reply->content->parts, 0))->text, ==,
                   "Here is the edit.");

  g_assert_cmpstr (reply->text, ==, "Here is the edit.");
  g_assert_cmpstr (reply->thoughts, ==, "Thinking about light");
  g_assert_cmpstr (reply->finish_reason, ==, "STOP");
  g_assert_cmpstr (reply->finish_message, ==, "done");
  g_assert_cmpstr (reply->model_version, ==, "gemini-3-pro-image-preview");
  g_assert_cmpstr (reply->response_id, ==, "resp-1");
  g_assert_true (reply->usage.known);
  g_assert_cmpint (reply->usage.prompt_tokens, ==, 147);
  g_assert_cmpint (reply->usage.total_tokens, ==, 1582);
  g_assert_cmpuint (reply->attempts, ==, 3);
  g_assert_cmpfloat (reply->cost_usd, ==, 0.134);
  g_assert_cmpfloat (reply->estimated_cost_usd, ==, 0.139);
  g_assert_cmpint (reply->received_at, >=, before);
  g_assert_cmpint (reply->received_at, <=, after);

  /* The sources are copies. */
  g_assert_cmpuint (reply->grounding_sources->len, ==, 1);
  copy = g_ptr_array_index (reply->grounding_sources, 0);
  g_assert_true (copy != source);
  g_assert_cmpstr (copy->title, ==, "Marble");
  g_assert_cmpstr (copy->uri, ==, "https://example.com/marble");
  g_clear_pointer (&source->title, g_free);
  g_assert_cmpstr (copy->title, ==, "Marble");

  /* An empty reply. */
  g_assert_null (chiaro_reply_get_final_image_hash (empty));
  g_assert_cmpuint (empty->content->parts->len, ==, 0);
  g_assert_nonnull (empty->grounding_sources);
  g_assert_cmpfloat (empty->cost_usd, <, 0);
  g_assert_cmpfloat (empty->estimated_cost_usd, <, 0);
  g_assert_false (empty->usage.known);
}

static void
test_turn (void)
{
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroTurn) turn = NULL;
  g_autoptr(ChiaroTurn) other = NULL;
  g_autofree char *h1 = hash_for (1);
  ChiaroTurnReference *reference;
  gint64 before = g_get_real_time ();

  options->aspect_ratio = g_strdup ("16:9");
  turn = chiaro_turn_new ("warmer", options, "gemini-3-pro-image-preview", "gemini", 0);
  other = chiaro_turn_new (NULL, NULL, NULL, NULL, 2);

  g_assert_cmpstr (turn->prompt, ==, "warmer");
  g_assert_true (turn->options != options);
  g_assert_cmpstr (turn->options->aspect_ratio, ==, "16:9");
  g_assert_cmpstr (turn->model_id, ==, "gemini-3-pro-image-preview");
  g_assert_cmpstr (turn->provider, ==, "gemini");
  g_assert_cmpuint (turn->n_variants, ==, 1);
  g_assert_null (turn->content);
  g_assert_null (turn->content_hashes);
  g_assert_cmpint (turn->created, >=, before);
  g_assert_nonnull (turn->id);
  g_assert_cmpstr (turn->id, !=, other->id);

  g_assert_cmpstr (other->prompt, ==, "");
  g_assert_cmpfloat (other->options->temperature, <, 0);
  g_assert_cmpuint (other->n_variants, ==, 2);

  chiaro_turn_add_reference (turn, h1, "image/png", "the logo");
  g_assert_cmpuint (turn->references->len, ==, 1);
  reference = g_ptr_array_index (turn->references, 0);
  g_assert_cmpstr (reference->hash, ==, h1);
  g_assert_cmpstr (reference->mime_type, ==, "image/png");
  g_assert_cmpstr (reference->label, ==, "the logo");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/history/tree", test_tree);
  g_test_add_func ("/chiaro/history/entry-ids", test_entry_ids);
  g_test_add_func ("/chiaro/history/undo-redo", test_undo_redo);
  g_test_add_func ("/chiaro/history/remove", test_remove);
  g_test_add_func ("/chiaro/history/models", test_models);
  g_test_add_func ("/chiaro/history/signals", test_signals);
  g_test_add_func ("/chiaro/history/variants", test_variants);
  g_test_add_func ("/chiaro/history/image-hashes", test_image_hashes);
  g_test_add_func ("/chiaro/history/reply-from-result", test_reply_from_result);
  g_test_add_func ("/chiaro/history/turn", test_turn);

  return g_test_run ();
}
