/* chiaro-export-dialog.h — format, quality, size and metadata of an export, then where to
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-document.h"
#include "chiaro-export.h"

G_BEGIN_DECLS

/**
 * ChiaroExportKind:
 * @CHIARO_EXPORT_KIND_IMAGE: one image, to a file
 * @CHIARO_EXPORT_KIND_IMAGES: several images (starred, a pack), to a folder, named by a
 *   template
 * @CHIARO_EXPORT_KIND_COMPARISON: an image beside the one it was made from, to a file
 *
 * What an export dialog writes.
 */
typedef enum
{
  CHIARO_EXPORT_KIND_IMAGE,
  CHIARO_EXPORT_KIND_IMAGES,
  CHIARO_EXPORT_KIND_COMPARISON,
} ChiaroExportKind;

#define CHIARO_TYPE_EXPORT_DIALOG (chiaro_export_dialog_get_type ())

/* Signals: "exported" (const char *message: what was written, for a toast), "failed"
 * (const char *message). The dialog closes itself after either. */
G_DECLARE_FINAL_TYPE (ChiaroExportDialog, chiaro_export_dialog, CHIARO, EXPORT_DIALOG, AdwWindow)

ChiaroExportDialog   *chiaro_export_dialog_new          (ChiaroDocument       *document,
                                                         ChiaroExportKind      kind,
                                                         GPtrArray            *entries,
                                                         gboolean              metadata);
ChiaroExportKind      chiaro_export_dialog_get_kind     (ChiaroExportDialog   *self);
ChiaroExportSettings *chiaro_export_dialog_dup_settings (ChiaroExportDialog   *self);
void                  chiaro_export_dialog_set_format   (ChiaroExportDialog   *self,
                                                         ChiaroExportFormat    format);
void                  chiaro_export_dialog_set_quality  (ChiaroExportDialog   *self,
                                                         int                   quality);
void                  chiaro_export_dialog_set_long_side (ChiaroExportDialog  *self,
                                                          int                  long_side);
void                  chiaro_export_dialog_set_metadata (ChiaroExportDialog   *self,
                                                         gboolean              metadata);
const char           *chiaro_export_dialog_get_template (ChiaroExportDialog   *self);
void                  chiaro_export_dialog_set_template (ChiaroExportDialog   *self,
                                                         const char           *name_template);
char                 *chiaro_export_dialog_dup_suggested_name (ChiaroExportDialog *self);
void                  chiaro_export_dialog_export_to    (ChiaroExportDialog   *self,
                                                         GFile                *dest,
                                                         gboolean              overwrite);
gboolean              chiaro_export_dialog_get_busy     (ChiaroExportDialog   *self);

G_END_DECLS
