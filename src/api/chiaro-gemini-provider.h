/* chiaro-gemini-provider.h — Google's Gemini API (generateContent)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-provider.h"

G_BEGIN_DECLS

#define CHIARO_GEMINI_DEFAULT_ENDPOINT "https://generativelanguage.googleapis.com"

#define CHIARO_TYPE_GEMINI_PROVIDER (chiaro_gemini_provider_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroGeminiProvider, chiaro_gemini_provider, CHIARO, GEMINI_PROVIDER, GObject)

ChiaroGeminiProvider *chiaro_gemini_provider_new (ChiaroHttpClient *http,
                                                  const char       *endpoint,
                                                  const char       *api_key);

G_END_DECLS
