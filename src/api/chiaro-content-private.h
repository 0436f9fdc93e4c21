/* chiaro-content-private.h — part writing shared with the project's stored contents; reading
 * parts whose images were decoded while parsing
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-content.h"

G_BEGIN_DECLS

void           chiaro_part_add_trailing_members        (ChiaroPart  *part,
                                                        JsonBuilder *builder);
ChiaroPart    *chiaro_part_new_from_json_with_blobs    (JsonObject  *object,
                                                        GHashTable  *blobs,
                                                        GError     **error);
ChiaroContent *chiaro_content_new_from_json_with_blobs (JsonNode    *node,
                                                        GHashTable  *blobs,
                                                        GError     **error);

G_END_DECLS
