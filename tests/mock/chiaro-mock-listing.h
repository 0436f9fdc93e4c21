/* chiaro-mock-listing.h — the model resources the mock lists (models.get, models.list)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode *chiaro_mock_model_resource         (const char *model_id);
JsonNode *chiaro_mock_model_not_found        (const char *model_id);
JsonNode *chiaro_mock_model_list             (void);
JsonNode *chiaro_mock_openai_model_list      (gboolean    openrouter);

G_END_DECLS
