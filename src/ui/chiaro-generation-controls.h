/* chiaro-generation-controls.h — model, ratio, resolution, variants, prompt and Send
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-document.h"
#include "chiaro-presets-popover.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_GENERATION_CONTROLS (chiaro_generation_controls_get_type ())

/* Signals: "error" (const char *message: a send failed before anything was sent).
 * Actions: "controls.send" (Ctrl+Enter in the prompt), "controls.stop" (Escape in the
 * prompt: stops the newest send in flight). */
G_DECLARE_FINAL_TYPE (ChiaroGenerationControls, chiaro_generation_controls, CHIARO,
                      GENERATION_CONTROLS, GtkWidget)

GtkWidget      *chiaro_generation_controls_new          (void);
ChiaroDocument *chiaro_generation_controls_get_document (ChiaroGenerationControls *self);
void            chiaro_generation_controls_set_document (ChiaroGenerationControls *self,
                                                         ChiaroDocument           *document);
ChiaroPresetsPopover *chiaro_generation_controls_get_presets_popover (ChiaroGenerationControls *self);
double          chiaro_generation_controls_get_spend    (ChiaroGenerationControls *self);

G_END_DECLS
