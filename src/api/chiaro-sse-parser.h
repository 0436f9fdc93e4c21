/* chiaro-sse-parser.h — split a server-sent-events stream into event payloads as it arrives
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A plain incremental parser: feed it bytes in chunks of any size and it appends each
 * complete event's payload (a GBytes) to the array you pass. Not thread-safe; one per stream. */
typedef struct _ChiaroSseParser ChiaroSseParser;

ChiaroSseParser *chiaro_sse_parser_new    (void);
void             chiaro_sse_parser_free   (ChiaroSseParser *parser);
void             chiaro_sse_parser_feed   (ChiaroSseParser *parser,
                                           const guint8    *data,
                                           gsize            size,
                                           GPtrArray       *out_events);
void             chiaro_sse_parser_finish (ChiaroSseParser *parser,
                                           GPtrArray       *out_events);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroSseParser, chiaro_sse_parser_free)

G_END_DECLS
