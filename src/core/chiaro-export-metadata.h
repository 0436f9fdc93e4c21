/* chiaro-export-metadata.h — the provenance written into exported images (XMP/IPTC)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Written with gexiv2: XMP dc:description (the prompt chain, numbered, root → entry),
 * xmp:CreatorTool ("Chiaro <version>"), the model (Xmp.iptcExt.AISystemUsed and in the
 * description), and the IPTC digital source type (Xmp.iptcExt.DigitalSourceType):
 * trainedAlgorithmicMedia for an image made from nothing, compositeWithTrainedAlgorithmic
 * Media for an edit of a photo. Never the API key, never a local path. Functions here do
 * file I/O and run on workers.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHIARO_DIGITAL_SOURCE_GENERATED \
  "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
#define CHIARO_DIGITAL_SOURCE_EDITED \
  "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"

/* Immutable once made; safe to hand to a worker. */
typedef struct
{
  GStrv     prompts;      /* root → entry, the empty ones left out */
  char     *model;        /* (nullable) the model id of the last turn */
  gboolean  edited_photo; /* the chain starts from a photo */
} ChiaroExportMetadata;

#define CHIARO_TYPE_EXPORT_METADATA (chiaro_export_metadata_get_type ())

GType                 chiaro_export_metadata_get_type        (void) G_GNUC_CONST;
/* @prompts: (nullable) @model: (nullable) */
ChiaroExportMetadata *chiaro_export_metadata_new             (const char * const         *prompts,
                                                              const char                 *model,
                                                              gboolean                    edited_photo);
ChiaroExportMetadata *chiaro_export_metadata_copy            (const ChiaroExportMetadata *metadata);
void                  chiaro_export_metadata_free            (ChiaroExportMetadata       *metadata);
/* "1. first prompt\n2. second prompt\nModel: …". Returns: (transfer full) */
char                 *chiaro_export_metadata_dup_description (const ChiaroExportMetadata *metadata);
const char           *chiaro_export_metadata_get_source_type (const ChiaroExportMetadata *metadata);
/* "Chiaro <version>" */
const char           *chiaro_export_metadata_get_creator_tool (void);

/* Rewrites the image file at @path (PNG, JPEG or WebP) in place: first drops every EXIF,
 * IPTC and XMP record it has, then, when @metadata is non-NULL, writes the provenance.
 * Blocking. Errors: G_IO_ERROR. */
gboolean              chiaro_export_metadata_write_file      (const ChiaroExportMetadata *metadata,
                                                              const char                 *path,
                                                              GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroExportMetadata, chiaro_export_metadata_free)

G_END_DECLS
