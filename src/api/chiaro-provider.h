/* chiaro-provider.h — the interface every image-generation backend implements
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-generation-request.h"
#include "chiaro-generation-result.h"
#include "chiaro-http-client.h"

G_BEGIN_DECLS

/* What a request is doing, for the UI's pending turn and chiaro-cli's stderr. `text` carries
 * text and thoughts as they stream in (NULL otherwise). */
typedef struct
{
  ChiaroHttpProgress http;
  const char        *text;
  gboolean           text_is_thought;
} ChiaroGenerationProgress;

typedef void (*ChiaroGenerationProgressFunc) (const ChiaroGenerationProgress *progress,
                                              gpointer                        user_data);

#define CHIARO_TYPE_PROVIDER (chiaro_provider_get_type ())

G_DECLARE_INTERFACE (ChiaroProvider, chiaro_provider, CHIARO, PROVIDER, GObject)

struct _ChiaroProviderInterface
{
  GTypeInterface parent_iface;

  char                   *(*dup_request_uri) (ChiaroProvider               *self,
                                              ChiaroGenerationRequest      *request);
  GBytes                 *(*build_body)      (ChiaroProvider               *self,
                                              ChiaroGenerationRequest      *request,
                                              gboolean                      elide_data);
  void                    (*generate_async)  (ChiaroProvider               *self,
                                              ChiaroGenerationRequest      *request,
                                              ChiaroGenerationProgressFunc  progress,
                                              gpointer                      progress_data,
                                              GDestroyNotify                progress_destroy,
                                              GCancellable                 *cancellable,
                                              GAsyncReadyCallback           callback,
                                              gpointer                      user_data);
  ChiaroGenerationResult *(*generate_finish) (ChiaroProvider               *self,
                                              GAsyncResult                 *result,
                                              GError                      **error);
};

char                   *chiaro_provider_dup_request_uri (ChiaroProvider               *self,
                                                         ChiaroGenerationRequest      *request);
GBytes                 *chiaro_provider_build_body      (ChiaroProvider               *self,
                                                         ChiaroGenerationRequest      *request,
                                                         gboolean                      elide_data);
void                    chiaro_provider_generate_async  (ChiaroProvider               *self,
                                                         ChiaroGenerationRequest      *request,
                                                         ChiaroGenerationProgressFunc  progress,
                                                         gpointer                      progress_data,
                                                         GDestroyNotify                progress_destroy,
                                                         GCancellable                 *cancellable,
                                                         GAsyncReadyCallback           callback,
                                                         gpointer                      user_data);
ChiaroGenerationResult *chiaro_provider_generate_finish (ChiaroProvider               *self,
                                                         GAsyncResult                 *result,
                                                         GError                      **error);

G_END_DECLS
