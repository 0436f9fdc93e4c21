/* chiaro-pack-dialog.h — choosing the ratios, resolution and variants of a social-format pack
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-document.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PACK_DIALOG (chiaro_pack_dialog_get_type ())

/* Signals: "send" (GStrv ratios, const char *image_size (nullable), guint variants): Send was
 * pressed; the dialog closes itself after emitting it. */
G_DECLARE_FINAL_TYPE (ChiaroPackDialog, chiaro_pack_dialog, CHIARO, PACK_DIALOG, AdwWindow)

ChiaroPackDialog *chiaro_pack_dialog_new              (ChiaroDocument   *document);
ChiaroDocument   *chiaro_pack_dialog_get_document     (ChiaroPackDialog *self);
char            **chiaro_pack_dialog_dup_ratios       (ChiaroPackDialog *self);
gboolean          chiaro_pack_dialog_set_ratio_active (ChiaroPackDialog *self,
                                                       const char       *ratio,
                                                       gboolean          active);
const char       *chiaro_pack_dialog_get_image_size   (ChiaroPackDialog *self);
gboolean          chiaro_pack_dialog_set_image_size   (ChiaroPackDialog *self,
                                                       const char       *image_size);
guint             chiaro_pack_dialog_get_variants     (ChiaroPackDialog *self);
void              chiaro_pack_dialog_set_variants     (ChiaroPackDialog *self,
                                                       guint             variants);
const char       *chiaro_pack_dialog_get_cost_text    (ChiaroPackDialog *self);
void              chiaro_pack_dialog_send             (ChiaroPackDialog *self);

G_END_DECLS
