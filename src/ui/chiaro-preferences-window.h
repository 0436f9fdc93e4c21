/* chiaro-preferences-window.h — the preferences window
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <libsoup/soup.h>

#include "chiaro-model-catalog.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PREFERENCES_WINDOW (chiaro_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroPreferencesWindow, chiaro_preferences_window, CHIARO,
                      PREFERENCES_WINDOW, AdwPreferencesWindow)

ChiaroPreferencesWindow *chiaro_preferences_window_new (GSettings          *settings,
                                                        SoupSession        *session,
                                                        ChiaroModelCatalog *catalog);
gboolean                 chiaro_preferences_window_get_busy (ChiaroPreferencesWindow *self);

G_END_DECLS
