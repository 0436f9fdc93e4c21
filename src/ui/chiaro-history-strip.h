/* chiaro-history-strip.h — thumbnails of the history path, with branches and entry menus
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-document.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_HISTORY_STRIP (chiaro_history_strip_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroHistoryStrip, chiaro_history_strip, CHIARO, HISTORY_STRIP, GtkWidget)

GtkWidget          *chiaro_history_strip_new            (void);
ChiaroDocument     *chiaro_history_strip_get_document   (ChiaroHistoryStrip *self);
void                chiaro_history_strip_set_document   (ChiaroHistoryStrip *self,
                                                         ChiaroDocument     *document);
guint               chiaro_history_strip_get_n_items    (ChiaroHistoryStrip *self);
ChiaroHistoryEntry *chiaro_history_strip_get_entry      (ChiaroHistoryStrip *self,
                                                         guint               index);
GtkWidget          *chiaro_history_strip_get_item       (ChiaroHistoryStrip *self,
                                                         guint               index);
gboolean            chiaro_history_strip_get_loading    (ChiaroHistoryStrip *self);

G_END_DECLS
