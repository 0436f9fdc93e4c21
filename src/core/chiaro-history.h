/* chiaro-history.h — the tree of a project's images, with a cursor, undo and redo
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-history-entry.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_HISTORY (chiaro_history_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroHistory, chiaro_history, CHIARO, HISTORY, GObject)

/* Nothing is ever discarded by undo, redo or adding: only chiaro_history_remove drops
 * entries. Properties: "root", "cursor" (read-write, notifies), "can-undo", "can-redo",
 * "n-entries". Signal "changed" (no arguments): after any change that must be saved (add,
 * remove, cursor, a star). */

ChiaroHistory      *chiaro_history_new              (void);

ChiaroHistoryEntry *chiaro_history_get_root         (ChiaroHistory      *self);
guint               chiaro_history_get_n_entries    (ChiaroHistory      *self);
ChiaroHistoryEntry *chiaro_history_lookup           (ChiaroHistory      *self,
                                                     const char         *id);
/* Every entry, parents before children, children in the order they were added.
 * Returns: (transfer container) (element-type ChiaroHistoryEntry) */
GPtrArray          *chiaro_history_dup_entries      (ChiaroHistory      *self);
/* Every reply once (entries of one answer's images share it): what cost totals go over. */
GPtrArray          *chiaro_history_dup_replies      (ChiaroHistory      *self);

/* Adds @entry (which must not be in a tree) as the newest child of @parent, or as the root
 * when @parent is NULL (only in an empty history). Does not move the cursor, except that
 * the first root becomes the cursor. */
void                chiaro_history_add              (ChiaroHistory      *self,
                                                     ChiaroHistoryEntry *parent,
                                                     ChiaroHistoryEntry *entry);
/* Removes @entry and its subtree; the cursor moves to @entry's parent when it was inside.
 * The root cannot be removed (CHIARO_PROJECT_ERROR_INVALID).
 * @removed: (out) (optional) (transfer container): the removed entries. */
gboolean            chiaro_history_remove           (ChiaroHistory      *self,
                                                     ChiaroHistoryEntry *entry,
                                                     GPtrArray         **removed,
                                                     GError            **error);

ChiaroHistoryEntry *chiaro_history_get_cursor       (ChiaroHistory      *self);
/* Moves the cursor; every ancestor of @entry remembers the child on the way to it for redo. */
void                chiaro_history_set_cursor       (ChiaroHistory      *self,
                                                     ChiaroHistoryEntry *entry);
gboolean            chiaro_history_can_undo         (ChiaroHistory      *self);
gboolean            chiaro_history_can_redo         (ChiaroHistory      *self);
/* To the parent / to the redo child; FALSE (nothing changes) at the root / at a leaf. */
gboolean            chiaro_history_undo             (ChiaroHistory      *self);
gboolean            chiaro_history_redo             (ChiaroHistory      *self);

/* Live list models, updated in place (items-changed with the smallest change):
 * the path root → cursor (history strip, conversation) and the cursor's siblings including
 * itself, in order (variant and branch picker; just the root at the root). */
GListModel         *chiaro_history_get_path         (ChiaroHistory      *self);
GListModel         *chiaro_history_get_siblings     (ChiaroHistory      *self);
/* The entries of @entry's parent with the same turn as @entry (the variants of one send),
 * @entry included. Returns: (transfer container) (element-type ChiaroHistoryEntry) */
GPtrArray          *chiaro_history_dup_variants     (ChiaroHistory      *self,
                                                     ChiaroHistoryEntry *entry);

/* The entries whose turn has @pack_id (every ratio, every variant), in tree order.
 * Returns: (transfer container) (element-type ChiaroHistoryEntry) */
GPtrArray          *chiaro_history_dup_pack_entries (ChiaroHistory      *self,
                                                     const char         *pack_id);

/* Every image hash that an entry names (entry images, turn contents and references, reply
 * contents). Returns: (transfer full): a set of hash strings */
GHashTable         *chiaro_history_dup_image_hashes (ChiaroHistory      *self);

G_END_DECLS
