/* chiaro-gemini-provider.c — Google's Gemini API (generateContent)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The key travels in the x-goog-api-key header, never in the URL, so it cannot end up in a
 * log line or a proxy's access log.
 */

#define G_LOG_DOMAIN "chiaro-gemini"

#include "config.h"

#include "chiaro-gemini-wire.h"
#include "chiaro-provider-private.h"

#include "chiaro-gemini-provider.h"

struct _ChiaroGeminiProvider
{
  GObject           parent_instance;

  ChiaroHttpClient *http;
  char             *endpoint;
  char             *api_key;
};

static void chiaro_gemini_provider_iface_init (ChiaroProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChiaroGeminiProvider, chiaro_gemini_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CHIARO_TYPE_PROVIDER,
                                                      chiaro_gemini_provider_iface_init))

static const ChiaroWireFormat gemini_wire = {
  .build_body = chiaro_gemini_build_body,
  .parse_response = chiaro_gemini_parse_response,
  .set_http_error = chiaro_gemini_set_http_error,
};

static char *
chiaro_gemini_provider_dup_request_uri (ChiaroProvider          *provider,
                                        ChiaroGenerationRequest *request)
{
  ChiaroGeminiProvider *self = CHIARO_GEMINI_PROVIDER (provider);
  g_autofree char *model = g_uri_escape_string (request->model_id, NULL, FALSE);

  return g_strdup_printf ("%s/v1beta/models/%s:generateContent", self->endpoint, model);
}

static GBytes *
chiaro_gemini_provider_build_body (ChiaroProvider          *provider,
                                   ChiaroGenerationRequest *request,
                                   gboolean                 elide_data)
{
  return chiaro_gemini_build_body (request, elide_data);
}

static void
chiaro_gemini_provider_generate_async (ChiaroProvider               *provider,
                                       ChiaroGenerationRequest      *request,
                                       ChiaroGenerationProgressFunc  progress,
                                       gpointer                      progress_data,
                                       GDestroyNotify                progress_destroy,
                                       GCancellable                 *cancellable,
                                       GAsyncReadyCallback           callback,
                                       gpointer                      user_data)
{
  ChiaroGeminiProvider *self = CHIARO_GEMINI_PROVIDER (provider);
  g_autofree char *uri = chiaro_gemini_provider_dup_request_uri (provider, request);
  const char *headers[] = { "x-goog-api-key", self->api_key, NULL };

  chiaro_provider_exchange_async (self, chiaro_gemini_provider_generate_async, &gemini_wire,
                                  self->http, uri, headers, request,
                                  progress, progress_data, progress_destroy,
                                  cancellable, callback, user_data);
}

static ChiaroGenerationResult *
chiaro_gemini_provider_generate_finish (ChiaroProvider  *provider,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return chiaro_provider_exchange_finish (result, error);
}

static void
chiaro_gemini_provider_iface_init (ChiaroProviderInterface *iface)
{
  iface->dup_request_uri = chiaro_gemini_provider_dup_request_uri;
  iface->build_body = chiaro_gemini_provider_build_body;
  iface->generate_async = chiaro_gemini_provider_generate_async;
  iface->generate_finish = chiaro_gemini_provider_generate_finish;
}

static void
chiaro_gemini_provider_finalize (GObject *object)
{
  ChiaroGeminiProvider *self = CHIARO_GEMINI_PROVIDER (object);

  g_clear_object (&self->http);
  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->api_key, g_free);

  G_OBJECT_CLASS (chiaro_gemini_provider_parent_class)->finalize (object);
}

static void
chiaro_gemini_provider_class_init (ChiaroGeminiProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = chiaro_gemini_provider_finalize;
}

static void
chiaro_gemini_provider_init (ChiaroGeminiProvider *self)
{
}

/**
 * chiaro_gemini_provider_new:
 * @http: the HTTP client
 * @endpoint: (nullable): the base URL; %CHIARO_GEMINI_DEFAULT_ENDPOINT when %NULL
 * @api_key: the key, sent in the x-goog-api-key header
 *
 * Returns: (transfer full): a provider
 */
ChiaroGeminiProvider *
chiaro_gemini_provider_new (ChiaroHttpClient *http,
                            const char       *endpoint,
                            const char       *api_key)
{
  ChiaroGeminiProvider *self;

  g_return_val_if_fail (CHIARO_IS_HTTP_CLIENT (http), NULL);
  g_return_val_if_fail (api_key != NULL, NULL);

  self = g_object_new (CHIARO_TYPE_GEMINI_PROVIDER, NULL);
  self->http = g_object_ref (http);
  self->endpoint = chiaro_provider_normalize_endpoint (endpoint, CHIARO_GEMINI_DEFAULT_ENDPOINT);
  self->api_key = g_strdup (api_key);
  return self;
}
