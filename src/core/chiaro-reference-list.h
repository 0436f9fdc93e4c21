/* chiaro-reference-list.h — the tray: ordered, labelled, bounded, no image twice
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-reference.h"

G_BEGIN_DECLS

#define CHIARO_REFERENCE_LIST_MAX 14

#define CHIARO_TYPE_REFERENCE_LIST (chiaro_reference_list_get_type ())

/* A GListModel of ChiaroReference. Properties: "limit" (read-write, 1…14, default 14),
 * "n-items". Signal "changed" (no arguments) after any change that must be saved: add,
 * remove, move, and a reference's label. Lowering the limit below the count keeps every
 * reference (nothing is dropped silently) but refuses new ones; chiaro_reference_list_
 * is_over_limit says so, for the UI to ask the user which to remove before sending. */
G_DECLARE_FINAL_TYPE (ChiaroReferenceList, chiaro_reference_list, CHIARO, REFERENCE_LIST, GObject)

ChiaroReferenceList *chiaro_reference_list_new           (void);
guint                chiaro_reference_list_get_limit     (ChiaroReferenceList *self);
void                 chiaro_reference_list_set_limit     (ChiaroReferenceList *self,
                                                          guint                limit);
gboolean             chiaro_reference_list_is_over_limit (ChiaroReferenceList *self);
/* Appends (@position G_MAXUINT) or inserts. CHIARO_PROJECT_ERROR_REFERENCES_FULL at the
 * limit, CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE when an item has the same hash. */
gboolean             chiaro_reference_list_insert        (ChiaroReferenceList *self,
                                                          guint                position,
                                                          ChiaroReference     *reference,
                                                          GError             **error);
void                 chiaro_reference_list_remove        (ChiaroReferenceList *self,
                                                          guint                position);
void                 chiaro_reference_list_remove_all    (ChiaroReferenceList *self);
/* Moves the item at @from so that it ends up at @to. */
void                 chiaro_reference_list_move          (ChiaroReferenceList *self,
                                                          guint                from,
                                                          guint                to);
ChiaroReference     *chiaro_reference_list_find          (ChiaroReferenceList *self,
                                                          const char          *hash,
                                                          guint               *position);

G_END_DECLS
