/* chiaro-gemini-provider.h — Google's Gemini API (generateContent)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-provider.h"

G_BEGIN_DECLS

#define CHIARO_GEMINI_DEFAULT_ENDPOINT "https://generativelanguage.googleapis.com"

ChiaroProvider *chiaro_gemini_provider_new (ChiaroHttpClient *http,
                                            const char       *endpoint,
                                            const char       *api_key);

G_END_DECLS
