/* chiaro-provider-private.h — the exchange both providers share: build, send, parse
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-provider.h"

G_BEGIN_DECLS

/* What differs between wire formats. */
typedef struct
{
  GBytes                 *(*build_body)     (ChiaroGenerationRequest *request,
                                             gboolean                 elide_data);
  ChiaroGenerationResult *(*parse_response) (GBytes                  *body,
                                             GError                 **error);
  void                    (*set_http_error) (GError                 **error,
                                             guint                    status,
                                             const char              *content_type,
                                             GBytes                  *body);
} ChiaroWireFormat;

void                    chiaro_provider_exchange_async  (gpointer                      source_object,
                                                         gpointer                      source_tag,
                                                         const ChiaroWireFormat       *wire,
                                                         ChiaroHttpClient             *http,
                                                         const char                   *uri,
                                                         const char * const           *headers,
                                                         ChiaroGenerationRequest      *request,
                                                         ChiaroGenerationProgressFunc  progress,
                                                         gpointer                      progress_data,
                                                         GDestroyNotify                progress_destroy,
                                                         GCancellable                 *cancellable,
                                                         GAsyncReadyCallback           callback,
                                                         gpointer                      user_data);
ChiaroGenerationResult *chiaro_provider_exchange_finish (GAsyncResult                 *result,
                                                         GError                      **error);
char                   *chiaro_provider_normalize_endpoint (const char                *endpoint,
                                                            const char                *fallback);

G_END_DECLS
