/* chiaro-presets-popover.h — the prompt library: built-in presets and the user's own
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "chiaro-document.h"
#include "chiaro-preset-library.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PRESETS_POPOVER (chiaro_presets_popover_get_type ())

/* Properties: "library", "document" (both nullable).
 * Signals: "removed" (ChiaroPreset *preset: a preset of the user's was deleted and saved;
 * the window offers to undo it), "error" (const char *message). */
G_DECLARE_FINAL_TYPE (ChiaroPresetsPopover, chiaro_presets_popover, CHIARO, PRESETS_POPOVER,
                      GtkPopover)

GtkWidget           *chiaro_presets_popover_new          (void);
ChiaroPresetLibrary *chiaro_presets_popover_get_library  (ChiaroPresetsPopover *self);
void                 chiaro_presets_popover_set_library  (ChiaroPresetsPopover *self,
                                                          ChiaroPresetLibrary  *library);
ChiaroDocument      *chiaro_presets_popover_get_document (ChiaroPresetsPopover *self);
void                 chiaro_presets_popover_set_document (ChiaroPresetsPopover *self,
                                                          ChiaroDocument       *document);
GtkListBox          *chiaro_presets_popover_get_list_box (ChiaroPresetsPopover *self);
void                 chiaro_presets_popover_apply        (ChiaroPresetsPopover *self,
                                                          ChiaroPreset         *preset);
void                 chiaro_presets_popover_rename       (ChiaroPresetsPopover *self,
                                                          ChiaroPreset         *preset,
                                                          const char           *name);
void                 chiaro_presets_popover_remove       (ChiaroPresetsPopover *self,
                                                          ChiaroPreset         *preset);

G_END_DECLS
