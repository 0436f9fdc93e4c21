/* chiaro-prompt-view.h — the prompt being written, bound to the document
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-document.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PROMPT_VIEW (chiaro_prompt_view_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroPromptView, chiaro_prompt_view, CHIARO, PROMPT_VIEW, GtkWidget)

GtkWidget      *chiaro_prompt_view_new           (void);
ChiaroDocument *chiaro_prompt_view_get_document  (ChiaroPromptView *self);
void            chiaro_prompt_view_set_document  (ChiaroPromptView *self,
                                                  ChiaroDocument   *document);
GtkTextView    *chiaro_prompt_view_get_text_view (ChiaroPromptView *self);

G_END_DECLS
