/* chiaro-export.h — writing a project's images out: formats, sizes, names, provenance
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything runs on workers (GTask, cancellable); the entries are read on the main thread
 * when the call is made. The image is decoded upright, scaled down when its long side is
 * over settings.long_side (never up), encoded, written to a temporary file beside the
 * destination, given its metadata (chiaro-export-metadata.h; with metadata off, nothing,
 * not even what the source carried), then renamed into place. Existing files are never
 * replaced silently: a single export fails with G_IO_ERROR_EXISTS unless
 * CHIARO_EXPORT_OVERWRITE; a batch takes the next free name ("name-2.png", "name-3.png").
 */

#pragma once

#include <gio/gio.h>

#include "chiaro-export-metadata.h"
#include "chiaro-history-entry.h"
#include "chiaro-image-store.h"

G_BEGIN_DECLS

typedef enum
{
  CHIARO_EXPORT_FORMAT_PNG,
  CHIARO_EXPORT_FORMAT_JPEG,
  CHIARO_EXPORT_FORMAT_WEBP,
} ChiaroExportFormat;

typedef enum
{
  CHIARO_EXPORT_NONE      = 0,
  CHIARO_EXPORT_OVERWRITE = 1 << 0, /* a single export may replace @dest */
} ChiaroExportFlags;

#define CHIARO_EXPORT_DEFAULT_TEMPLATE "{project}-{ratio}-{n}.{ext}"
#define CHIARO_EXPORT_DEFAULT_QUALITY  90

typedef struct
{
  ChiaroExportFormat format;
  int                quality;   /* 1…100, JPEG and WebP */
  int                long_side; /* 0: keep the size; else scale down to it, never up */
  gboolean           metadata;  /* FALSE: no metadata at all (client delivery) */
} ChiaroExportSettings;

#define CHIARO_TYPE_EXPORT_FORMAT   (chiaro_export_format_get_type ())
#define CHIARO_TYPE_EXPORT_SETTINGS (chiaro_export_settings_get_type ())

GType                 chiaro_export_format_get_type       (void) G_GNUC_CONST;
GType                 chiaro_export_settings_get_type     (void) G_GNUC_CONST;
/* PNG, quality 90, full size, metadata on. */
ChiaroExportSettings *chiaro_export_settings_new          (void);
ChiaroExportSettings *chiaro_export_settings_copy         (const ChiaroExportSettings *settings);
void                  chiaro_export_settings_free         (ChiaroExportSettings       *settings);

/* "png", "jpg", "webp" */
const char           *chiaro_export_format_get_extension  (ChiaroExportFormat          format);
const char           *chiaro_export_format_get_mime_type  (ChiaroExportFormat          format);
/* "png", "jpeg"/"jpg", "webp" (any case). FALSE for anything else. */
gboolean              chiaro_export_format_from_string    (const char                 *name,
                                                           ChiaroExportFormat         *format);

/* The provenance of @entry (prompts root → entry, its model, edit or generated); NULL for
 * the root (the photo as opened has none: exported, it carries no metadata at all). */
ChiaroExportMetadata *chiaro_export_metadata_new_for_entry (ChiaroHistoryEntry        *entry);

/* Fills a name template: {project}, {ratio} ("9:16" → "9x16", "auto" when none), {n}
 * (@index, 1-based), {entry} (the entry id), {model}, {ext}; characters that cannot be in a
 * file name become "-". @model, @ratio: (nullable). Returns: (transfer full) */
char                 *chiaro_export_expand_template       (const char                 *name_template,
                                                           const char                 *project,
                                                           const char                 *ratio,
                                                           guint                       index,
                                                           const char                 *entry_id,
                                                           const char                 *model,
                                                           ChiaroExportFormat          format);

/* Exports @entry's image from @images to @dest. */
void                  chiaro_export_entry_async           (ChiaroImageStore           *images,
                                                           ChiaroHistoryEntry         *entry,
                                                           GFile                      *dest,
                                                           const ChiaroExportSettings *settings,
                                                           ChiaroExportFlags           flags,
                                                           GCancellable               *cancellable,
                                                           GAsyncReadyCallback         callback,
                                                           gpointer                    user_data);
gboolean              chiaro_export_entry_finish          (GAsyncResult               *result,
                                                           GError                    **error);

/* Exports @entries (in order; {n} counts from 1) into @folder with names from
 * @name_template (NULL: CHIARO_EXPORT_DEFAULT_TEMPLATE); @project: the project's name for
 * {project}. Stops at the first failure (files already written stay). */
void                  chiaro_export_entries_async         (ChiaroImageStore           *images,
                                                           GPtrArray                  *entries,
                                                           GFile                      *folder,
                                                           const char                 *name_template,
                                                           const char                 *project,
                                                           const ChiaroExportSettings *settings,
                                                           GCancellable               *cancellable,
                                                           GAsyncReadyCallback         callback,
                                                           gpointer                    user_data);
/* Returns: (transfer container) (element-type GFile): the files written, in @entries order.
 * @renamed: (out) (optional) (transfer container) (element-type GFile): those written under
 * another name than the template's because that one existed. */
GPtrArray            *chiaro_export_entries_finish        (GAsyncResult               *result,
                                                           GPtrArray                 **renamed,
                                                           GError                    **error);

/* A before/after image for client review: both images side by side at the same height,
 * each labelled under it, written to @dest as @settings say (never with metadata of the
 * photos; with provenance only when settings.metadata and @metadata: (nullable)). */
void                  chiaro_export_comparison_async      (GBytes                     *before,
                                                           GBytes                     *after,
                                                           const char                 *before_label,
                                                           const char                 *after_label,
                                                           const ChiaroExportMetadata *metadata,
                                                           const ChiaroExportSettings *settings,
                                                           GFile                      *dest,
                                                           ChiaroExportFlags           flags,
                                                           GCancellable               *cancellable,
                                                           GAsyncReadyCallback         callback,
                                                           gpointer                    user_data);
gboolean              chiaro_export_comparison_finish     (GAsyncResult               *result,
                                                           GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroExportSettings, chiaro_export_settings_free)

G_END_DECLS
