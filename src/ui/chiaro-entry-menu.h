/* chiaro-entry-menu.h — the window's workflow items for one history entry
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chiaro-document.h"

G_BEGIN_DECLS

GMenu *chiaro_entry_menu_new (ChiaroDocument     *document,
                              ChiaroHistoryEntry *entry);

G_END_DECLS
