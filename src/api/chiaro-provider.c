/* chiaro-provider.c — the interface every image-generation backend implements
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-provider"

#include "config.h"

#include "chiaro-provider.h"

G_DEFINE_INTERFACE (ChiaroProvider, chiaro_provider, G_TYPE_OBJECT)

static void
chiaro_provider_default_init (ChiaroProviderInterface *iface)
{
}

/**
 * chiaro_provider_dup_request_uri:
 * @self: a provider
 * @request: the request
 *
 * Returns: (transfer full): the URL the request goes to; it never carries the key
 */
char *
chiaro_provider_dup_request_uri (ChiaroProvider          *self,
                                 ChiaroGenerationRequest *request)
{
  g_return_val_if_fail (CHIARO_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  return CHIARO_PROVIDER_GET_IFACE (self)->dup_request_uri (self, request);
}

/**
 * chiaro_provider_build_body:
 * @self: a provider
 * @request: the request
 * @elide_data: replace image data with a size placeholder (dry runs)
 *
 * Serialises the request as this provider's wire format. Slow for big images: call it from a
 * worker thread.
 *
 * Returns: (transfer full): the JSON body
 */
GBytes *
chiaro_provider_build_body (ChiaroProvider          *self,
                            ChiaroGenerationRequest *request,
                            gboolean                 elide_data)
{
  g_return_val_if_fail (CHIARO_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  return CHIARO_PROVIDER_GET_IFACE (self)->build_body (self, request, elide_data);
}

/**
 * chiaro_provider_generate_async:
 * @self: a provider
 * @request: the request, which must not change any more
 * @progress: (nullable) (scope notified): called on the caller's main context
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data
 * @cancellable: (nullable): stops the request at any moment
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Sends one request (one image asked for; variants are several requests).
 */
void
chiaro_provider_generate_async (ChiaroProvider               *self,
                                ChiaroGenerationRequest      *request,
                                ChiaroGenerationProgressFunc  progress,
                                gpointer                      progress_data,
                                GDestroyNotify                progress_destroy,
                                GCancellable                 *cancellable,
                                GAsyncReadyCallback           callback,
                                gpointer                      user_data)
{
  g_return_if_fail (CHIARO_IS_PROVIDER (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  CHIARO_PROVIDER_GET_IFACE (self)->generate_async (self, request,
                                                    progress, progress_data, progress_destroy,
                                                    cancellable, callback, user_data);
}

/**
 * chiaro_provider_generate_finish:
 * @self: a provider
 * @result: the result given to the callback
 * @error: a %CHIARO_API_ERROR, or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full): the answer, with at least one image
 */
ChiaroGenerationResult *
chiaro_provider_generate_finish (ChiaroProvider  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (CHIARO_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return CHIARO_PROVIDER_GET_IFACE (self)->generate_finish (self, result, error);
}
