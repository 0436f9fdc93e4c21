/* chiaro-openai-wire.h — OpenAI-compatible chat/completions requests and answers as JSON
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-generation-request.h"
#include "chiaro-generation-result.h"

G_BEGIN_DECLS

GBytes                 *chiaro_openai_build_body      (ChiaroGenerationRequest *request,
                                                       gboolean                 elide_data);
ChiaroGenerationResult *chiaro_openai_parse_response  (GBytes                  *body,
                                                       GError                 **error);
void                    chiaro_openai_set_http_error  (GError                 **error,
                                                       guint                    status,
                                                       const char              *content_type,
                                                       GBytes                  *body);

G_END_DECLS
