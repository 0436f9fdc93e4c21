/* chiaro-advanced-popover.h — the generation options most sends leave alone
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-document.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_ADVANCED_POPOVER (chiaro_advanced_popover_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroAdvancedPopover, chiaro_advanced_popover, CHIARO, ADVANCED_POPOVER,
                      GtkPopover)

GtkWidget      *chiaro_advanced_popover_new          (void);
ChiaroDocument *chiaro_advanced_popover_get_document (ChiaroAdvancedPopover *self);
void            chiaro_advanced_popover_set_document (ChiaroAdvancedPopover *self,
                                                      ChiaroDocument        *document);

G_END_DECLS
