/* chiaro-openai-provider.h — OpenAI-compatible chat/completions endpoints (OpenRouter, relays)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-provider.h"

G_BEGIN_DECLS

#define CHIARO_OPENAI_DEFAULT_ENDPOINT "https://openrouter.ai/api/v1"

ChiaroProvider *chiaro_openai_provider_new (ChiaroHttpClient *http,
                                            const char       *endpoint,
                                            const char       *api_key);

G_END_DECLS
