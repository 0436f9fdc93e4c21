/* chiaro-pack-view.h — a social-format pack in the conversation: every ratio's state
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "chiaro-document.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PACK_VIEW (chiaro_pack_view_get_type ())

/* Signal "error" (a translated message): a Retry was refused before anything was sent. */
G_DECLARE_FINAL_TYPE (ChiaroPackView, chiaro_pack_view, CHIARO, PACK_VIEW, GtkWidget)

GtkWidget  *chiaro_pack_view_new               (ChiaroDocument *document,
                                                ChiaroMessage  *message);
/* For tests: the header's "3 of 5 done", and the item widgets ("pack-item"). */
const char *chiaro_pack_view_get_progress_text (ChiaroPackView *self);
guint       chiaro_pack_view_get_n_items       (ChiaroPackView *self);
GtkWidget  *chiaro_pack_view_get_item          (ChiaroPackView *self,
                                                guint           index);

G_END_DECLS
