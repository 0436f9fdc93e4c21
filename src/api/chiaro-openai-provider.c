/* chiaro-openai-provider.c — OpenAI-compatible chat/completions endpoints (OpenRouter, relays)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chat/completions dialect that OpenRouter, Vercel's gateway and LiteLLM speak for Gemini
 * image models. The key is a Bearer token.
 */

#define G_LOG_DOMAIN "chiaro-openai"

#include "config.h"

#include "chiaro-http-provider.h"
#include "chiaro-openai-wire.h"

#include "chiaro-openai-provider.h"

static char *
dup_uri (const char              *endpoint,
         ChiaroGenerationRequest *request)
{
  return g_strconcat (endpoint, "/chat/completions", NULL);
}

static const ChiaroWireFormat openai_wire = {
  .default_endpoint = CHIARO_OPENAI_DEFAULT_ENDPOINT,
  .auth_header = "Authorization",
  .auth_prefix = "Bearer ",
  .dup_uri = dup_uri,
  .build_body = chiaro_openai_build_body,
  .parse_response = chiaro_openai_parse_response,
  .set_http_error = chiaro_openai_set_http_error,
};

/**
 * chiaro_openai_provider_new:
 * @http: the HTTP client
 * @endpoint: (nullable): the base URL, such as `https://openrouter.ai/api/v1`
 * @api_key: the key, sent as a Bearer token
 *
 * Returns: (transfer full): a provider for `POST {endpoint}/chat/completions`
 */
ChiaroProvider *
chiaro_openai_provider_new (ChiaroHttpClient *http,
                            const char       *endpoint,
                            const char       *api_key)
{
  return chiaro_http_provider_new (&openai_wire, http, endpoint, api_key);
}
