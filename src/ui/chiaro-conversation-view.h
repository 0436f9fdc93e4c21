/* chiaro-conversation-view.h — the conversation panel: the turns of the path and the sends
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "chiaro-document.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_CONVERSATION_VIEW (chiaro_conversation_view_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroConversationView, chiaro_conversation_view, CHIARO, CONVERSATION_VIEW,
                      GtkWidget)

GtkWidget      *chiaro_conversation_view_new          (void);
ChiaroDocument *chiaro_conversation_view_get_document (ChiaroConversationView *self);
void            chiaro_conversation_view_set_document (ChiaroConversationView *self,
                                                       ChiaroDocument         *document);

G_END_DECLS
