/* chiaro-mock-openai.h — chat/completions as OpenRouter and Google's OpenAI layer serve images
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "chiaro-mock-gemini.h"

G_BEGIN_DECLS

char            *chiaro_mock_openai_find_keyword (JsonNode          *root);
char            *chiaro_mock_openai_dup_model    (JsonNode          *root);
JsonNode        *chiaro_mock_openai_check        (ChiaroMockRoute    route,
                                                  JsonNode          *root,
                                                  ChiaroMockPlan   **plan,
                                                  gboolean          *stream);
ChiaroMockReply *chiaro_mock_openai_answer       (ChiaroMockPlan    *plan,
                                                  const char        *scenario,
                                                  ChiaroMockRoute    route,
                                                  gboolean           stream,
                                                  const char        *image_format,
                                                  ChiaroMockImages  *images,
                                                  GError           **error);

G_END_DECLS
