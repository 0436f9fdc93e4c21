/* chiaro-pack-group.h — one social-format pack as the conversation shows it
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A pack (chiaro-pack.h) is several sends from one entry sharing a pack id. The conversation
 * shows it once: a ChiaroMessage of kind PACK holds a ChiaroPackGroup, a GListModel of
 * ChiaroMessage items, one per ratio's state: MODEL (an image of that ratio: entry), PENDING
 * or FAILED (that ratio's send). Items are ordered by ratio (the marketer set's order, then
 * the others by name), so a pack reads the same way while in flight and after reopening.
 * The document keeps the group up to date (chiaro_pack_group_update); the items are
 * immutable and replaced where they change.
 */

#pragma once

#include <gio/gio.h>

#include "chiaro-history-entry.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PACK_GROUP (chiaro_pack_group_get_type ())

/* Properties (read-only): "pack-id", "parent" (the entry the pack was sent from),
 * "n-ratios" (distinct turns), "n-done" (ratios with an image), "n-pending" (ratios still
 * in flight), "n-failed" (ratios whose send failed and that have no image). */
G_DECLARE_FINAL_TYPE (ChiaroPackGroup, chiaro_pack_group, CHIARO, PACK_GROUP, GObject)

ChiaroPackGroup    *chiaro_pack_group_new           (const char         *pack_id,
                                                     ChiaroHistoryEntry *parent);
const char         *chiaro_pack_group_get_pack_id   (ChiaroPackGroup    *self);
ChiaroHistoryEntry *chiaro_pack_group_get_parent    (ChiaroPackGroup    *self);
guint               chiaro_pack_group_get_n_ratios  (ChiaroPackGroup    *self);
guint               chiaro_pack_group_get_n_done    (ChiaroPackGroup    *self);
guint               chiaro_pack_group_get_n_pending (ChiaroPackGroup    *self);
guint               chiaro_pack_group_get_n_failed  (ChiaroPackGroup    *self);

/* For ChiaroDocument: the items again from the parent's children and @sends (element-type
 * ChiaroSend: the document's sends in flight or failed). */
void                chiaro_pack_group_update        (ChiaroPackGroup    *self,
                                                     GListModel         *sends);

G_END_DECLS
