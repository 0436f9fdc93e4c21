/* chiaro-window.h — the main window: header bar, empty state and canvas
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-application.h"
#include "chiaro-canvas.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_WINDOW (chiaro_window_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroWindow, chiaro_window, CHIARO, WINDOW, AdwApplicationWindow)

ChiaroWindow *chiaro_window_new            (ChiaroApplication *application);
void          chiaro_window_open_file      (ChiaroWindow      *self,
                                            GFile             *file);
GFile        *chiaro_window_get_file       (ChiaroWindow      *self);
gboolean      chiaro_window_get_loading    (ChiaroWindow      *self);
ChiaroCanvas *chiaro_window_get_canvas     (ChiaroWindow      *self);
gboolean      chiaro_window_is_empty       (ChiaroWindow      *self);
gboolean      chiaro_window_get_needs_key  (ChiaroWindow      *self);
void          chiaro_window_show_error     (ChiaroWindow      *self,
                                            const char        *message);

G_END_DECLS
