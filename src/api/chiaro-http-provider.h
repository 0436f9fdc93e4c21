/* chiaro-http-provider.h — a provider that speaks one JSON wire format over HTTP
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-provider.h"

G_BEGIN_DECLS

/* What differs between the Gemini API and OpenAI-compatible endpoints. */
typedef struct
{
  const char             *default_endpoint;
  const char             *auth_header;      /* the header that carries the key */
  const char             *auth_prefix;      /* put before the key in it, e.g. "Bearer " */
  char                   *(*dup_uri)        (const char              *endpoint,
                                             ChiaroGenerationRequest *request);
  GBytes                 *(*build_body)     (ChiaroGenerationRequest *request,
                                             gboolean                 elide_data);
  ChiaroGenerationResult *(*parse_response) (GBytes                  *body,
                                             GError                 **error);
  void                    (*set_http_error) (GError                 **error,
                                             guint                    status,
                                             const char              *content_type,
                                             GBytes                  *body);
} ChiaroWireFormat;

#define CHIARO_TYPE_HTTP_PROVIDER (chiaro_http_provider_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroHttpProvider, chiaro_http_provider, CHIARO, HTTP_PROVIDER, GObject)

ChiaroProvider *chiaro_http_provider_new (const ChiaroWireFormat *wire,
                                          ChiaroHttpClient       *http,
                                          const char             *endpoint,
                                          const char             *api_key);

G_END_DECLS
