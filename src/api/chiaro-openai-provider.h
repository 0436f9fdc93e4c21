/* chiaro-openai-provider.h — OpenAI-compatible chat/completions endpoints (OpenRouter, relays)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-provider.h"

G_BEGIN_DECLS

#define CHIARO_OPENAI_DEFAULT_ENDPOINT "https://openrouter.ai/api/v1"

#define CHIARO_TYPE_OPENAI_PROVIDER (chiaro_openai_provider_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroOpenaiProvider, chiaro_openai_provider, CHIARO, OPENAI_PROVIDER, GObject)

ChiaroOpenaiProvider *chiaro_openai_provider_new (ChiaroHttpClient *http,
                                                  const char       *endpoint,
                                                  const char       *api_key);

G_END_DECLS
