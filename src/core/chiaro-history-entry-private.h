/* chiaro-history-entry-private.h — the tree links, for ChiaroHistory and ChiaroProjectState
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-history-entry.h"

G_BEGIN_DECLS

/* ChiaroHistory only: @parent is borrowed, the history owns every entry. */
void                chiaro_history_entry_link_child         (ChiaroHistoryEntry *self,
                                                             ChiaroHistoryEntry *child);
void                chiaro_history_entry_unlink             (ChiaroHistoryEntry *self);
void                chiaro_history_entry_clear_links        (ChiaroHistoryEntry *self);
/* The child last on the cursor's path (the redo memory), without the newest-child default;
 * NULL when none. ChiaroProjectState saves and restores it. */
ChiaroHistoryEntry *chiaro_history_entry_get_visited_child  (ChiaroHistoryEntry *self);
void                chiaro_history_entry_set_visited_child  (ChiaroHistoryEntry *self,
                                                             ChiaroHistoryEntry *child);

G_END_DECLS
