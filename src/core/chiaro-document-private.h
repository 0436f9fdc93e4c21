/* chiaro-document-private.h — test hooks of ChiaroDocument
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-document.h"

G_BEGIN_DECLS

#define CHIARO_DOCUMENT_SAVE_RETRY_INTERVAL_MS 5000

/* How many times project.json was written successfully by this document. */
guint    chiaro_document_get_n_writes             (ChiaroDocument *self);
/* How long after a failed save the next attempt starts (default 5 s). */
void     chiaro_document_set_save_retry_interval  (ChiaroDocument *self,
                                                   guint           interval_ms);
/* Image files waiting for a save before they are deleted. */
guint    chiaro_document_get_n_pending_deletions  (ChiaroDocument *self);

G_END_DECLS
