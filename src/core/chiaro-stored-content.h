/* chiaro-stored-content.h — conversation turns as kept in a project: image parts by hash
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A stored content is a ChiaroContent whose image parts have `data == NULL` (mime type,
 * thought flag, thoughtSignature and unknown members kept), with a parallel list of store
 * hashes, one per image part in order. In project.json an image part is written as
 * {"inlineData": {"mimeType": …, "chiaroImage": "<sha256>"}, …} — every other member exactly
 * as chiaro_part_to_json writes it.
 */

#pragma once

#include "chiaro-content.h"

G_BEGIN_DECLS

/* A copy of @content without the image bytes (the parts are new, the rest shared). */
ChiaroContent *chiaro_stored_content_strip     (ChiaroContent       *content);
void           chiaro_stored_content_to_json   (ChiaroContent       *stored,
                                                const char * const  *hashes,
                                                JsonBuilder         *builder);
/* Fills @hashes (transfer full) with the image parts' hashes. CHIARO_PROJECT_ERROR_CORRUPT
 * when the node is not a content or an image part has no valid hash. */
ChiaroContent *chiaro_stored_content_from_json (JsonNode            *node,
                                                GStrv               *hashes,
                                                GError             **error);
/* The SHA-256 of @bytes as the store names files: 64 lowercase hex digits. */
char          *chiaro_stored_content_hash      (GBytes              *bytes);
gboolean       chiaro_stored_content_hash_is_valid (const char      *hash);

G_END_DECLS
