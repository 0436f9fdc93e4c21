/* chiaro-reference-tray.h — the reference images sent with the prompt
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-document.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_REFERENCE_TRAY (chiaro_reference_tray_get_type ())

/* Properties: "document" (nullable), "busy" (images being added). Signal "error" (GError):
 * an image could not be added; the message names it, for the window to show as a toast.
 * Actions: "tray.add" (the file dialog), "tray.paste" (Ctrl+V). */
G_DECLARE_FINAL_TYPE (ChiaroReferenceTray, chiaro_reference_tray, CHIARO, REFERENCE_TRAY, GtkWidget)

GtkWidget      *chiaro_reference_tray_new          (void);
ChiaroDocument *chiaro_reference_tray_get_document (ChiaroReferenceTray *self);
void            chiaro_reference_tray_set_document (ChiaroReferenceTray *self,
                                                    ChiaroDocument      *document);
gboolean        chiaro_reference_tray_get_busy     (ChiaroReferenceTray *self);
void            chiaro_reference_tray_paste        (ChiaroReferenceTray *self);
void            chiaro_reference_tray_add_files    (ChiaroReferenceTray *self,
                                                    GFile              **files,
                                                    guint                n_files);
void            chiaro_reference_tray_add_file_list (ChiaroReferenceTray *self,
                                                     GListModel          *files);
void            chiaro_reference_tray_add_texture  (ChiaroReferenceTray *self,
                                                    GdkTexture          *texture,
                                                    const char          *display_name);

G_END_DECLS
