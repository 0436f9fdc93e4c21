/* chiaro-gemini-provider.c — Google's Gemini API (generateContent)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-gemini"

#include "config.h"

#include "chiaro-gemini-wire.h"
#include "chiaro-http-provider.h"

#include "chiaro-gemini-provider.h"

static char *
dup_uri (const char              *endpoint,
         ChiaroGenerationRequest *request)
{
  g_autofree char *model = g_uri_escape_string (request->model_id, NULL, FALSE);

  return g_strdup_printf ("%s/v1beta/models/%s:generateContent", endpoint, model);
}

static const ChiaroWireFormat gemini_wire = {
  .default_endpoint = CHIARO_GEMINI_DEFAULT_ENDPOINT,
  .auth_header = "x-goog-api-key",
  .auth_prefix = "",
  .dup_uri = dup_uri,
  .build_body = chiaro_gemini_build_body,
  .parse_response = chiaro_gemini_parse_response,
  .set_http_error = chiaro_gemini_set_http_error,
};

/**
 * chiaro_gemini_provider_new:
 * @http: the HTTP client
 * @endpoint: (nullable): the base URL; %CHIARO_GEMINI_DEFAULT_ENDPOINT when %NULL
 * @api_key: the key, sent in the x-goog-api-key header
 *
 * Returns: (transfer full): a provider for `POST {endpoint}/v1beta/models/{model}:generateContent`
 */
ChiaroProvider *
chiaro_gemini_provider_new (ChiaroHttpClient *http,
                            const char       *endpoint,
                            const char       *api_key)
{
  return chiaro_http_provider_new (&gemini_wire, http, endpoint, api_key);
}
