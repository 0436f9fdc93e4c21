/* chiaro-window.h — the main window: a project's canvas, history, side panel and header bar
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-application.h"
#include "chiaro-canvas.h"
#include "chiaro-document.h"
#include "chiaro-history-strip.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_WINDOW (chiaro_window_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroWindow, chiaro_window, CHIARO, WINDOW, AdwApplicationWindow)

ChiaroWindow       *chiaro_window_new                 (ChiaroApplication  *application);
void                chiaro_window_open_file           (ChiaroWindow       *self,
                                                       GFile              *file);
void                chiaro_window_open_project        (ChiaroWindow       *self,
                                                       GFile              *dir,
                                                       gboolean            restored);
void                chiaro_window_new_project         (ChiaroWindow       *self);
ChiaroDocument     *chiaro_window_get_document        (ChiaroWindow       *self);
void                chiaro_window_set_document        (ChiaroWindow       *self,
                                                       ChiaroDocument     *document);
GFile              *chiaro_window_get_file            (ChiaroWindow       *self);
gboolean            chiaro_window_get_loading         (ChiaroWindow       *self);
gboolean            chiaro_window_get_busy            (ChiaroWindow       *self);
guint               chiaro_window_get_n_pending       (ChiaroWindow       *self);
ChiaroCanvas       *chiaro_window_get_canvas          (ChiaroWindow       *self);
ChiaroHistoryStrip *chiaro_window_get_history_strip   (ChiaroWindow       *self);
ChiaroHistoryEntry *chiaro_window_get_compare_entry   (ChiaroWindow       *self);
void                chiaro_window_set_compare_entry   (ChiaroWindow       *self,
                                                       ChiaroHistoryEntry *entry);
gboolean            chiaro_window_is_empty            (ChiaroWindow       *self);
gboolean            chiaro_window_get_needs_key       (ChiaroWindow       *self);
void                chiaro_window_show_error          (ChiaroWindow       *self,
                                                       const char         *message);

G_END_DECLS
