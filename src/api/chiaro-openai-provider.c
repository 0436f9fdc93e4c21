/* chiaro-openai-provider.c — OpenAI-compatible chat/completions endpoints (OpenRouter, relays)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same exchange as Gemini's, in the chat/completions dialect that OpenRouter, Vercel's
 * gateway and LiteLLM speak for Gemini image models. The key is a Bearer token.
 */

#define G_LOG_DOMAIN "chiaro-openai"

#include "config.h"

#include "chiaro-openai-wire.h"
#include "chiaro-provider-private.h"

#include "chiaro-openai-provider.h"

struct _ChiaroOpenaiProvider
{
  GObject           parent_instance;

  ChiaroHttpClient *http;
  char             *endpoint;
  char             *api_key;
};

static void chiaro_openai_provider_iface_init (ChiaroProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChiaroOpenaiProvider, chiaro_openai_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CHIARO_TYPE_PROVIDER,
                                                      chiaro_openai_provider_iface_init))

static const ChiaroWireFormat openai_wire = {
  .build_body = chiaro_openai_build_body,
  .parse_response = chiaro_openai_parse_response,
  .set_http_error = chiaro_openai_set_http_error,
};

static char *
chiaro_openai_provider_dup_request_uri (ChiaroProvider          *provider,
                                        ChiaroGenerationRequest *request)
{
  ChiaroOpenaiProvider *self = CHIARO_OPENAI_PROVIDER (provider);
  return g_strdup_printf ("%s/chat/completions", self->endpoint);
}

static GBytes *
chiaro_openai_provider_build_body (ChiaroProvider          *provider,
                                   ChiaroGenerationRequest *request,
                                   gboolean                 elide_data)
{
  return chiaro_openai_build_body (request, elide_data);
}

static void
chiaro_openai_provider_generate_async (ChiaroProvider               *provider,
                                       ChiaroGenerationRequest      *request,
                                       ChiaroGenerationProgressFunc  progress,
                                       gpointer                      progress_data,
                                       GDestroyNotify                progress_destroy,
                                       GCancellable                 *cancellable,
                                       GAsyncReadyCallback           callback,
                                       gpointer                      user_data)
{
  ChiaroOpenaiProvider *self = CHIARO_OPENAI_PROVIDER (provider);
  g_autofree char *uri = chiaro_openai_provider_dup_request_uri (provider, request);
  g_autofree char *bearer = g_strconcat ("Bearer ", self->api_key, NULL);
  const char *headers[] = { "Authorization", bearer, NULL };

  chiaro_provider_exchange_async (self, chiaro_openai_provider_generate_async, &openai_wire,
                                  self->http, uri, headers, request,
                                  progress, progress_data, progress_destroy,
                                  cancellable, callback, user_data);
}

static ChiaroGenerationResult *
chiaro_openai_provider_generate_finish (ChiaroProvider  *provider,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return chiaro_provider_exchange_finish (result, error);
}

static void
chiaro_openai_provider_iface_init (ChiaroProviderInterface *iface)
{
  iface->dup_request_uri = chiaro_openai_provider_dup_request_uri;
  iface->build_body = chiaro_openai_provider_build_body;
  iface->generate_async = chiaro_openai_provider_generate_async;
  iface->generate_finish = chiaro_openai_provider_generate_finish;
}

static void
chiaro_openai_provider_finalize (GObject *object)
{
  ChiaroOpenaiProvider *self = CHIARO_OPENAI_PROVIDER (object);

  g_clear_object (&self->http);
  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->api_key, g_free);

  G_OBJECT_CLASS (chiaro_openai_provider_parent_class)->finalize (object);
}

static void
chiaro_openai_provider_class_init (ChiaroOpenaiProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = chiaro_openai_provider_finalize;
}

static void
chiaro_openai_provider_init (ChiaroOpenaiProvider *self)
{
}

/**
 * chiaro_openai_provider_new:
 * @http: the HTTP client
 * @endpoint: (nullable): the base URL; %CHIARO_OPENAI_DEFAULT_ENDPOINT when %NULL
 * @api_key: the key, sent as a Bearer token
 *
 * Returns: (transfer full): a provider
 */
ChiaroOpenaiProvider *
chiaro_openai_provider_new (ChiaroHttpClient *http,
                            const char       *endpoint,
                            const char       *api_key)
{
  ChiaroOpenaiProvider *self;

  g_return_val_if_fail (CHIARO_IS_HTTP_CLIENT (http), NULL);
  g_return_val_if_fail (api_key != NULL, NULL);

  self = g_object_new (CHIARO_TYPE_OPENAI_PROVIDER, NULL);
  self->http = g_object_ref (http);
  self->endpoint = chiaro_provider_normalize_endpoint (endpoint, CHIARO_OPENAI_DEFAULT_ENDPOINT);
  self->api_key = g_strdup (api_key);
  return self;
}
