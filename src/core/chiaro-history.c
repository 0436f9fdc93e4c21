/* chiaro-history.c — the tree of a project's images, with a cursor, undo and redo
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The history owns every entry (by id); entries link to each other with borrowed pointers.
 * Undo and redo only move the cursor, so nothing is lost by them; an entry goes only when
 * chiaro_history_remove is asked to drop it. Setting the cursor makes every ancestor
 * remember the child on the way, which is where redo goes back to. The path and siblings
 * models are rebuilt after each change and updated with one splice covering only what
 * differs, so views keep their rows.
 */

#define G_LOG_DOMAIN "chiaro-history"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-history-entry-private.h"
#include "chiaro-project-error.h"

#include "chiaro-history.h"

struct _ChiaroHistory
{
  GObject parent_instance;

  /* owned */
  GHashTable *entries;           /* id → ChiaroHistoryEntry */
  GListStore *path;              /* root → cursor */
  GListStore *siblings;          /* the cursor's parent's children, or the root */

  /* borrowed from entries */
  ChiaroHistoryEntry *root;      /* (nullable) */
  ChiaroHistoryEntry *cursor;    /* (nullable) */

  /* what was last notified */
  gboolean can_undo;
  gboolean can_redo;
};

G_DEFINE_FINAL_TYPE (ChiaroHistory, chiaro_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ROOT,
  PROP_CURSOR,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_N_ENTRIES,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
contains (ChiaroHistory      *self,
          ChiaroHistoryEntry *entry)
{
  return g_hash_table_lookup (self->entries, chiaro_history_entry_get_id (entry)) == entry;
}

static GPtrArray *
compute_path (ChiaroHistory *self)
{
  GPtrArray *path = g_ptr_array_new ();

  for (ChiaroHistoryEntry *up = self->cursor; up != NULL;
       up = chiaro_history_entry_get_parent (up))
    g_ptr_array_insert (path, 0, up);
  return path;
}

static GPtrArray *
compute_siblings (ChiaroHistory *self)
{
  GPtrArray *siblings = g_ptr_array_new ();
  ChiaroHistoryEntry *parent;

  if (self->cursor == NULL)
    return siblings;

  parent = chiaro_history_entry_get_parent (self->cursor);
  if (parent == NULL)
    {
      g_ptr_array_add (siblings, self->cursor);
      return siblings;
    }

  for (guint i = 0; i < chiaro_history_entry_get_n_children (parent); i++)
    g_ptr_array_add (siblings, chiaro_history_entry_get_child (parent, i));
  return siblings;
}

/* Makes @store hold @items with one splice over the part between the common prefix and the
 * common suffix, or none when nothing differs. */
static void
update_store (GListStore *store,
              GPtrArray  *items)
{
  GListModel *model = G_LIST_MODEL (store);
  guint n_old = g_list_model_get_n_items (model);
  guint n_new = items->len;
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < n_old && prefix < n_new)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, prefix);

      if (item != g_ptr_array_index (items, prefix))
        break;
      prefix++;
    }

  while (suffix < n_old - prefix && suffix < n_new - prefix)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, n_old - 1 - suffix);

      if (item != g_ptr_array_index (items, n_new - 1 - suffix))
        break;
      suffix++;
    }

  if (prefix == n_old && prefix == n_new)
    return;

  g_list_store_splice (store, prefix, n_old - prefix - suffix,
                       items->pdata + prefix, n_new - prefix - suffix);
}

/* Brings the models and the derived properties up to date after any change, then says
 * the history changed. */
static void
update_and_emit (ChiaroHistory *self,
                 gboolean       cursor_changed,
                 gboolean       entries_changed)
{
  g_autoptr(GPtrArray) path = compute_path (self);
  g_autoptr(GPtrArray) siblings = compute_siblings (self);
  gboolean can_undo;
  gboolean can_redo;

  g_object_freeze_notify (G_OBJECT (self));

  update_store (self->path, path);
  update_store (self->siblings, siblings);

  can_undo = self->cursor != NULL && chiaro_history_entry_get_parent (self->cursor) != NULL;
  can_redo = self->cursor != NULL && chiaro_history_entry_get_n_children (self->cursor) > 0;

  if (cursor_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR]);
  if (entries_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ENTRIES]);
  if (can_undo != self->can_undo)
    {
      self->can_undo = can_undo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
    }
  if (can_redo != self->can_redo)
    {
      self->can_redo = can_redo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
    }

  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_entry_notify_starred (ChiaroHistory *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Moves the cursor without telling anyone; ancestors remember the way for redo. */
static void
move_cursor (ChiaroHistory      *self,
             ChiaroHistoryEntry *entry)
{
  self->cursor = entry;

  for (ChiaroHistoryEntry *child = entry; child != NULL;)
    {
      ChiaroHistoryEntry *parent = chiaro_history_entry_get_parent (child);

      if (parent != NULL)
        chiaro_history_entry_set_visited_child (parent, child);
      child = parent;
    }
}

static void
collect_subtree (ChiaroHistoryEntry *entry,
                 GPtrArray          *out)
{
  g_ptr_array_add (out, entry);
  for (guint i = 0; i < chiaro_history_entry_get_n_children (entry); i++)
    collect_subtree (chiaro_history_entry_get_child (entry, i), out);
}

static void
chiaro_history_dispose (GObject *object)
{
  ChiaroHistory *self = CHIARO_HISTORY (object);
  GHashTableIter iter;
  gpointer value;

  /* Entries held elsewhere must not point into a freed tree. */
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_signal_handlers_disconnect_by_func (value, on_entry_notify_starred, self);
      chiaro_history_entry_clear_links (value);
    }

  self->root = NULL;
  self->cursor = NULL;
  g_hash_table_remove_all (self->entries);
  if (self->path != NULL)
    g_list_store_remove_all (self->path);
  if (self->siblings != NULL)
    g_list_store_remove_all (self->siblings);

  G_OBJECT_CLASS (chiaro_history_parent_class)->dispose (object);
}

static void
chiaro_history_finalize (GObject *object)
{
  ChiaroHistory *self = CHIARO_HISTORY (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_object (&self->path);
  g_clear_object (&self->siblings);

  G_OBJECT_CLASS (chiaro_history_parent_class)->finalize (object);
}

static void
chiaro_history_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ChiaroHistory *self = CHIARO_HISTORY (object);

  switch (prop_id)
    {
    case PROP_ROOT:
      g_value_set_object (value, self->root);
      break;
    case PROP_CURSOR:
      g_value_set_object (value, self->cursor);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, chiaro_history_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, chiaro_history_can_redo (self));
      break;
    case PROP_N_ENTRIES:
      g_value_set_uint (value, chiaro_history_get_n_entries (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_history_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ChiaroHistory *self = CHIARO_HISTORY (object);

  switch (prop_id)
    {
    case PROP_CURSOR:
      chiaro_history_set_cursor (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_history_class_init (ChiaroHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chiaro_history_dispose;
  object_class->finalize = chiaro_history_finalize;
  object_class->get_property = chiaro_history_get_property;
  object_class->set_property = chiaro_history_set_property;

  properties[PROP_ROOT] =
    g_param_spec_object ("root", NULL, NULL, CHIARO_TYPE_HISTORY_ENTRY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURSOR] =
    g_param_spec_object ("cursor", NULL, NULL, CHIARO_TYPE_HISTORY_ENTRY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ENTRIES] =
    g_param_spec_uint ("n-entries", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroHistory::changed:
   *
   * After any change that must be saved: an entry added or removed, the cursor moved, a
   * star set or cleared.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
chiaro_history_init (ChiaroHistory *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->path = g_list_store_new (CHIARO_TYPE_HISTORY_ENTRY);
  self->siblings = g_list_store_new (CHIARO_TYPE_HISTORY_ENTRY);
}

/**
 * chiaro_history_new:
 *
 * Returns: (transfer full): an empty history; chiaro_history_add() gives it a root
 */
ChiaroHistory *
chiaro_history_new (void)
{
  return g_object_new (CHIARO_TYPE_HISTORY, NULL);
}

/**
 * chiaro_history_get_root:
 * @self: a history
 *
 * Returns: (transfer none) (nullable): the root, %NULL while the history is empty
 */
ChiaroHistoryEntry *
chiaro_history_get_root (ChiaroHistory *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY (self), NULL);

  return self->root;
}

guint
chiaro_history_get_n_entries (ChiaroHistory *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY (self), 0);

  return g_hash_table_size (self->entries);
}

/**
 * chiaro_history_lookup:
 * @self: a history
 * @id: an entry's id
 *
 * Returns: (transfer none) (nullable): the entry with that id
 */
ChiaroHistoryEntry *
chiaro_history_lookup (ChiaroHistory *self,
                       const char    *id)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->entries, id);
}

/**
 * chiaro_history_dup_entries:
 * @self: a history
 *
 * Returns: (transfer container) (element-type ChiaroHistoryEntry): every entry, depth
 *   first from the root, children in the order they were added
 */
GPtrArray *
chiaro_history_dup_entries (ChiaroHistory *self)
{
  GPtrArray *entries;

  g_return_val_if_fail (CHIARO_IS_HISTORY (self), NULL);

  entries = g_ptr_array_new_full (g_hash_table_size (self->entries), g_object_unref);
  if (self->root != NULL)
    collect_subtree (self->root, entries);
  for (guint i = 0; i < entries->len; i++)
    g_object_ref (g_ptr_array_index (entries, i));
  return entries;
}

/**
 * chiaro_history_dup_replies:
 * @self: a history
 *
 * The entries made from one answer's several images share its reply, which was paid for
 * once: totals of cost and usage go over these, not over the entries.
 *
 * Returns: (transfer container) (element-type ChiaroReply): every reply in @self once, in
 *   the order of chiaro_history_dup_entries()
 */
GPtrArray *
chiaro_history_dup_replies (ChiaroHistory *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) seen = NULL;
  GPtrArray *replies;

  g_return_val_if_fail (CHIARO_IS_HISTORY (self), NULL);

  entries = chiaro_history_dup_entries (self);
  seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  replies = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_reply_unref);
  for (guint i = 0; i < entries->len; i++)
    {
      ChiaroReply *reply = chiaro_history_entry_get_reply (g_ptr_array_index (entries, i));

      if (reply != NULL && g_hash_table_add (seen, reply))
        g_ptr_array_add (replies, chiaro_reply_ref (reply));
    }
  return replies;
}

/**
 * chiaro_history_add:
 * @self: a history
 * @parent: (nullable): an entry of @self, or %NULL to add the root of an empty history
 * @entry: an entry in no tree, whose id @self does not have yet
 *
 * Adds @entry as the newest child of @parent. The cursor stays where it is, except that the
 * root becomes the cursor of an empty history.
 */
void
chiaro_history_add (ChiaroHistory      *self,
                    ChiaroHistoryEntry *parent,
                    ChiaroHistoryEntry *entry)
{
  gboolean cursor_changed = FALSE;

  g_return_if_fail (CHIARO_IS_HISTORY (self));
  g_return_if_fail (parent == NULL || contains (self, parent));
  g_return_if_fail (parent != NULL || self->root == NULL);
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (entry));
  g_return_if_fail (chiaro_history_entry_get_parent (entry) == NULL);
  g_return_if_fail (chiaro_history_entry_get_n_children (entry) == 0);
  g_return_if_fail (!g_hash_table_contains (self->entries, chiaro_history_entry_get_id (entry)));

  g_hash_table_insert (self->entries, (gpointer) chiaro_history_entry_get_id (entry),
                       g_object_ref (entry));
  g_signal_connect_swapped (entry, "notify::starred", G_CALLBACK (on_entry_notify_starred),
                            self);

  if (parent != NULL)
    {
      chiaro_history_entry_link_child (parent, entry);
    }
  else
    {
      self->root = entry;
      self->cursor = entry;
      cursor_changed = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROOT]);
    }

  update_and_emit (self, cursor_changed, TRUE);
}

/**
 * chiaro_history_remove:
 * @self: a history
 * @entry: an entry of @self other than the root
 * @removed: (out) (optional) (transfer container) (element-type ChiaroHistoryEntry): the
 *   entries removed, @entry first, depth first
 * @error: %CHIARO_PROJECT_ERROR_INVALID for the root
 *
 * Removes @entry and everything below it. When the cursor was among them it moves to
 * @entry's parent.
 *
 * Returns: %TRUE when @entry was removed
 */
gboolean
chiaro_history_remove (ChiaroHistory       *self,
                       ChiaroHistoryEntry  *entry,
                       GPtrArray          **removed,
                       GError             **error)
{
  g_autoptr(GPtrArray) subtree = NULL;
  ChiaroHistoryEntry *parent;
  gboolean cursor_changed = FALSE;

  g_return_val_if_fail (CHIARO_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (entry), FALSE);
  g_return_val_if_fail (contains (self, entry), FALSE);

  if (entry == self->root)
    {
      g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                           _("The original image cannot be deleted."));
      return FALSE;
    }

  parent = chiaro_history_entry_get_parent (entry);
  subtree = g_ptr_array_new_with_free_func (g_object_unref);
  collect_subtree (entry, subtree);

  if (self->cursor == entry || chiaro_history_entry_is_ancestor_of (entry, self->cursor))
    {
      cursor_changed = TRUE;
      self->cursor = parent;
    }

  chiaro_history_entry_unlink (entry);
  for (guint i = 0; i < subtree->len; i++)
    {
      ChiaroHistoryEntry *gone = g_ptr_array_index (subtree, i);

      g_object_ref (gone);
      g_signal_handlers_disconnect_by_func (gone, on_entry_notify_starred, self);
      g_hash_table_remove (self->entries, chiaro_history_entry_get_id (gone));
    }
  for (guint i = 0; i < subtree->len; i++)
    chiaro_history_entry_clear_links (g_ptr_array_index (subtree, i));

  update_and_emit (self, cursor_changed, TRUE);

  if (removed != NULL)
    *removed = g_steal_pointer (&subtree);
  return TRUE;
}

/**
 * chiaro_history_get_cursor:
 * @self: a history
 *
 * Returns: (transfer none) (nullable): the current entry, %NULL while the history is empty
 */
ChiaroHistoryEntry *
chiaro_history_get_cursor (ChiaroHistory *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY (self), NULL);

  return self->cursor;
}

/**
 * chiaro_history_set_cursor:
 * @self: a history
 * @entry: an entry of @self
 *
 * Moves the cursor to @entry; each of its ancestors remembers the child on the way, so redo
 * from any of them comes back here.
 */
void
chiaro_history_set_cursor (ChiaroHistory      *self,
                           ChiaroHistoryEntry *entry)
{
  g_return_if_fail (CHIARO_IS_HISTORY (self));
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (entry));
  g_return_if_fail (contains (self, entry));

  if (self->cursor == entry)
    return;

  move_cursor (self, entry);
  update_and_emit (self, TRUE, FALSE);
}

gboolean
chiaro_history_can_undo (ChiaroHistory *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY (self), FALSE);

  return self->cursor != NULL && chiaro_history_entry_get_parent (self->cursor) != NULL;
}

gboolean
chiaro_history_can_redo (ChiaroHistory *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY (self), FALSE);

  return self->cursor != NULL && chiaro_history_entry_get_n_children (self->cursor) > 0;
}

/**
 * chiaro_history_undo:
 * @self: a history
 *
 * Returns: %TRUE when the cursor moved to its parent; %FALSE at the root
 */
gboolean
chiaro_history_undo (ChiaroHistory *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY (self), FALSE);

  if (!chiaro_history_can_undo (self))
    return FALSE;

  chiaro_history_set_cursor (self, chiaro_history_entry_get_parent (self->cursor));
  return TRUE;
}

/**
 * chiaro_history_redo:
 * @self: a history
 *
 * Returns: %TRUE when the cursor moved to the child last visited (else the newest);
 *   %FALSE at a leaf
 */
gboolean
chiaro_history_redo (ChiaroHistory *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY (self), FALSE);

  if (!chiaro_history_can_redo (self))
    return FALSE;

  chiaro_history_set_cursor (self, chiaro_history_entry_get_redo_child (self->cursor));
  return TRUE;
}

/**
 * chiaro_history_get_path:
 * @self: a history
 *
 * Returns: (transfer none): a live list of the entries from the root to the cursor
 */
GListModel *
chiaro_history_get_path (ChiaroHistory *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY (self), NULL);

  return G_LIST_MODEL (self->path);
}

/**
 * chiaro_history_get_siblings:
 * @self: a history
 *
 * Returns: (transfer none): a live list of the cursor's parent's children in order (the
 *   cursor included), or of the root alone when the cursor is the root
 */
GListModel *
chiaro_history_get_siblings (ChiaroHistory *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY (self), NULL);

  return G_LIST_MODEL (self->siblings);
}

/**
 * chiaro_history_dup_variants:
 * @self: a history
 * @entry: an entry of @self
 *
 * Returns: (transfer container) (element-type ChiaroHistoryEntry): the children of @entry's
 *   parent made by the same turn as @entry, in order, @entry included
 */
GPtrArray *
chiaro_history_dup_variants (ChiaroHistory      *self,
                             ChiaroHistoryEntry *entry)
{
  GPtrArray *variants;
  ChiaroHistoryEntry *parent;
  ChiaroTurn *turn;

  g_return_val_if_fail (CHIARO_IS_HISTORY (self), NULL);
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (entry), NULL);
  g_return_val_if_fail (contains (self, entry), NULL);

  variants = g_ptr_array_new_with_free_func (g_object_unref);
  parent = chiaro_history_entry_get_parent (entry);
  turn = chiaro_history_entry_get_turn (entry);

  if (parent == NULL || turn == NULL)
    {
      g_ptr_array_add (variants, g_object_ref (entry));
      return variants;
    }

  for (guint i = 0; i < chiaro_history_entry_get_n_children (parent); i++)
    {
      ChiaroHistoryEntry *child = chiaro_history_entry_get_child (parent, i);

      if (chiaro_history_entry_get_turn (child) == turn)
        g_ptr_array_add (variants, g_object_ref (child));
    }
  return variants;
}

/**
 * chiaro_history_dup_pack_entries:
 * @self: a history
 * @pack_id: a pack id (ChiaroTurn.pack_id)
 *
 * Returns: (transfer container) (element-type ChiaroHistoryEntry): every entry made by a
 *   send of the pack, parents before children, siblings in the order they were added
 */
GPtrArray *
chiaro_history_dup_pack_entries (ChiaroHistory *self,
                                 const char    *pack_id)
{
  g_autoptr(GPtrArray) entries = NULL;
  GPtrArray *pack;

  g_return_val_if_fail (CHIARO_IS_HISTORY (self), NULL);
  g_return_val_if_fail (pack_id != NULL, NULL);

  entries = chiaro_history_dup_entries (self);
  pack = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < entries->len; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (entries, i);
      ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);

      if (turn != NULL && g_strcmp0 (turn->pack_id, pack_id) == 0)
        g_ptr_array_add (pack, g_object_ref (entry));
    }
  return pack;
}

static void
add_hashes (GHashTable         *set,
            const char * const *hashes)
{
  for (guint i = 0; hashes != NULL && hashes[i] != NULL; i++)
    g_hash_table_add (set, g_strdup (hashes[i]));
}

/**
 * chiaro_history_dup_image_hashes:
 * @self: a history
 *
 * What the image store must keep for this history: entry images, the references and the
 * planned content of every turn, and the images of every reply.
 *
 * Returns: (transfer full) (element-type utf8 utf8): a set of hashes
 */
GHashTable *
chiaro_history_dup_image_hashes (ChiaroHistory *self)
{
  GHashTable *set;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (CHIARO_IS_HISTORY (self), NULL);

  set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ChiaroHistoryEntry *entry = value;
      ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);
      ChiaroReply *reply = chiaro_history_entry_get_reply (entry);

      if (chiaro_history_entry_get_image_hash (entry) != NULL)
        g_hash_table_add (set, g_strdup (chiaro_history_entry_get_image_hash (entry)));

      if (turn != NULL)
        {
          for (guint i = 0; i < turn->references->len; i++)
            {
              ChiaroTurnReference *reference = g_ptr_array_index (turn->references, i);

              g_hash_table_add (set, g_strdup (reference->hash));
            }
          add_hashes (set, (const char * const *) turn->content_hashes);
        }

      if (reply != NULL)
        add_hashes (set, (const char * const *) reply->content_hashes);
    }

  return set;
}
