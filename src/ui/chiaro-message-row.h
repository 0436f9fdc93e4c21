/* chiaro-message-row.h — one message of the conversation panel
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "chiaro-document.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_MESSAGE_ROW (chiaro_message_row_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroMessageRow, chiaro_message_row, CHIARO, MESSAGE_ROW, GtkListBoxRow)

GtkWidget      *chiaro_message_row_new          (ChiaroDocument   *document,
                                                 ChiaroMessage    *message);
ChiaroMessage  *chiaro_message_row_get_message  (ChiaroMessageRow *self);
ChiaroDocument *chiaro_message_row_get_document (ChiaroMessageRow *self);

G_END_DECLS
