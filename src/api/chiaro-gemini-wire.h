/* chiaro-gemini-wire.h — Gemini generateContent requests and answers as JSON
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-generation-request.h"
#include "chiaro-generation-result.h"

G_BEGIN_DECLS

GBytes                 *chiaro_gemini_build_body      (ChiaroGenerationRequest *request,
                                                       gboolean                 elide_data);
ChiaroGenerationResult *chiaro_gemini_parse_response  (GBytes                  *body,
                                                       GError                 **error);
ChiaroGenerationResult *chiaro_gemini_parse_stream    (GBytes                  *body,
                                                       GError                 **error);
void                    chiaro_gemini_set_http_error  (GError                 **error,
                                                       guint                    status,
                                                       const char              *content_type,
                                                       GBytes                  *body);

/* The answers of a streamed request, merged one event at a time as they arrive (feed it the
 * payloads a ChiaroSseParser hands out), then turned into one result. Not thread-safe. */
typedef struct _ChiaroGeminiStream ChiaroGeminiStream;

ChiaroGeminiStream     *chiaro_gemini_stream_new       (void);
void                    chiaro_gemini_stream_free      (ChiaroGeminiStream      *stream);
gboolean                chiaro_gemini_stream_add_event (ChiaroGeminiStream      *stream,
                                                        GBytes                  *payload,
                                                        GPtrArray               *out_new_parts,
                                                        GError                 **error);
ChiaroGenerationResult *chiaro_gemini_stream_finish    (ChiaroGeminiStream      *stream,
                                                        GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroGeminiStream, chiaro_gemini_stream_free)

G_END_DECLS
