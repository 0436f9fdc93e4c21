/* chiaro-history-entry.h — one image in a project's history tree and how it came to be
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chiaro-turn.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_HISTORY_ENTRY (chiaro_history_entry_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroHistoryEntry, chiaro_history_entry, CHIARO, HISTORY_ENTRY, GObject)

/* Properties: "id" (construct-only), "image-hash", "mime-type", "width", "height", "turn",
 * "reply", "created" (construct), "starred" (read-write, notifies), "parent" (read-only,
 * weak). The tree links (parent, children, last visited child) are set by ChiaroHistory only.
 *
 * The root entry is the opened photo (a turn-less entry with an image) or, for text-to-image,
 * an empty root (no image, no turn). Every other entry has a turn and a reply; its image is
 * one of the reply's images that are not thoughts (the final one, unless the answer held
 * several: then each is an entry, siblings sharing the reply). */

/* @id: (nullable): NULL makes a new unique id (12 lowercase hex digits). */
ChiaroHistoryEntry *chiaro_history_entry_new                (const char         *id);
/* A root for an opened photo (@image_hash non-NULL) or an empty one. */
ChiaroHistoryEntry *chiaro_history_entry_new_root           (const char         *image_hash,
                                                             const char         *mime_type,
                                                             int                 width,
                                                             int                 height);
/* A generated entry: the image is @reply's final image; @width and @height its size. */
ChiaroHistoryEntry *chiaro_history_entry_new_generated      (ChiaroTurn         *turn,
                                                             ChiaroReply        *reply,
                                                             const char         *mime_type,
                                                             int                 width,
                                                             int                 height);
/* A generated entry for one of @reply's images (@image_hash), when an answer holds several. */
ChiaroHistoryEntry *chiaro_history_entry_new_for_image      (ChiaroTurn         *turn,
                                                             ChiaroReply        *reply,
                                                             const char         *image_hash,
                                                             const char         *mime_type,
                                                             int                 width,
                                                             int                 height);

const char         *chiaro_history_entry_get_id             (ChiaroHistoryEntry *self);
const char         *chiaro_history_entry_get_image_hash     (ChiaroHistoryEntry *self);
const char         *chiaro_history_entry_get_mime_type      (ChiaroHistoryEntry *self);
int                 chiaro_history_entry_get_width          (ChiaroHistoryEntry *self);
int                 chiaro_history_entry_get_height         (ChiaroHistoryEntry *self);
ChiaroTurn         *chiaro_history_entry_get_turn           (ChiaroHistoryEntry *self);
ChiaroReply        *chiaro_history_entry_get_reply          (ChiaroHistoryEntry *self);
/* The first sibling sharing @self's reply (@self for an answer of one image): the entry that
 * stands for the answer in totals. */
ChiaroHistoryEntry *chiaro_history_entry_get_answer_first   (ChiaroHistoryEntry *self);
gint64              chiaro_history_entry_get_created        (ChiaroHistoryEntry *self);
void                chiaro_history_entry_set_created        (ChiaroHistoryEntry *self,
                                                             gint64              created);
gboolean            chiaro_history_entry_get_starred        (ChiaroHistoryEntry *self);
void                chiaro_history_entry_set_starred        (ChiaroHistoryEntry *self,
                                                             gboolean            starred);
/* Set when loading, from the stored image/mime/size; for ChiaroProjectState only. */
void                chiaro_history_entry_set_image          (ChiaroHistoryEntry *self,
                                                             const char         *image_hash,
                                                             const char         *mime_type,
                                                             int                 width,
                                                             int                 height);
void                chiaro_history_entry_set_turn           (ChiaroHistoryEntry *self,
                                                             ChiaroTurn         *turn);
void                chiaro_history_entry_set_reply          (ChiaroHistoryEntry *self,
                                                             ChiaroReply        *reply);

/* Tree, maintained by ChiaroHistory. */
ChiaroHistoryEntry *chiaro_history_entry_get_parent         (ChiaroHistoryEntry *self);
guint               chiaro_history_entry_get_n_children     (ChiaroHistoryEntry *self);
ChiaroHistoryEntry *chiaro_history_entry_get_child          (ChiaroHistoryEntry *self,
                                                             guint               index);
/* The child redo goes to: the one last on the cursor's path, else the newest child. */
ChiaroHistoryEntry *chiaro_history_entry_get_redo_child     (ChiaroHistoryEntry *self);
/* Depth from the root (the root is 0). */
guint               chiaro_history_entry_get_depth          (ChiaroHistoryEntry *self);
gboolean            chiaro_history_entry_is_ancestor_of     (ChiaroHistoryEntry *self,
                                                             ChiaroHistoryEntry *descendant);

G_END_DECLS
