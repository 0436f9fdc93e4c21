/* chiaro-pack.h — social-format packs: which ratios, and what is sent for each
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A pack is one send per aspect ratio from the same entry, the same conversation and the same
 * tray, all in flight together (chiaro_document_send_pack_async). Each send has its own turn;
 * the turns share a pack id (ChiaroTurn.pack_id). A turn's prompt stays what the user typed;
 * the content sent (and stored as ChiaroTurn.content) adds the re-framing instruction that
 * chiaro_pack_compose_prompt makes, so a retry or re-render of a pack turn sends it again.
 */

#pragma once

#include <glib.h>

#include "chiaro-model-catalog.h"

G_BEGIN_DECLS

/* The marketer set: 1:1, 4:5, 9:16, 16:9, 21:9. Returns: (transfer none) NULL-terminated */
const char * const *chiaro_pack_get_default_ratios    (void);
/* The ratios a pack from @info can offer: the default set the model takes, then the model's
 * other ratios (its own order). "auto" is never a pack ratio. Returns: (transfer full) */
char              **chiaro_pack_dup_ratios_for_model  (ChiaroModelInfo     *info);
/* The text sent for one ratio: @prompt (may be empty) and the re-framing instruction.
 * Returns: (transfer full) */
char               *chiaro_pack_compose_prompt        (const char          *prompt,
                                                       const char          *aspect_ratio);
/* "9:16" → "9x16": a ratio as a file-name part. Returns: (transfer full) */
char               *chiaro_pack_ratio_to_file_part    (const char          *aspect_ratio);

G_END_DECLS
