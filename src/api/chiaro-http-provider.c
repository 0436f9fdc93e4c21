/* chiaro-http-provider.c — a provider that speaks one JSON wire format over HTTP
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Gemini and OpenAI-compatible providers are this class with their own ChiaroWireFormat.
 * The key travels in a header (x-goog-api-key, or Authorization), never in the URL, so it
 * cannot end up in a log line or a proxy's access log.
 *
 * One generation is three steps, and only the middle one may run on the main thread:
 *   1. a worker serialises the request (base64 of several megabytes of images);
 *   2. the HTTP client posts it, retrying what may be retried, reporting progress;
 *   3. a worker parses the answer (decodes the images) into a ChiaroGenerationResult, or
 *      turns a failed status into a CHIARO_API_ERROR.
 */

#define G_LOG_DOMAIN "chiaro-provider"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-api-error.h"
#include "chiaro-model-catalog.h"

#include "chiaro-http-provider.h"

struct _ChiaroHttpProvider
{
  GObject                 parent_instance;

  const ChiaroWireFormat *wire;
  ChiaroHttpClient       *http;
  char                   *endpoint;
  char                   *api_key;
};

static void chiaro_http_provider_iface_init (ChiaroProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChiaroHttpProvider, chiaro_http_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CHIARO_TYPE_PROVIDER,
                                                      chiaro_http_provider_iface_init))

typedef struct
{
  const ChiaroWireFormat       *wire;
  ChiaroHttpClient             *http;
  char                         *uri;
  GStrv                         headers;
  ChiaroGenerationRequest      *request;
  ChiaroGenerationProgressFunc  progress;
  gpointer                      progress_data;
  GDestroyNotify                progress_destroy;
  ChiaroHttpResponse           *response;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_clear_object (&exchange->http);
  g_clear_pointer (&exchange->uri, g_free);
  g_clear_pointer (&exchange->headers, g_strfreev);
  g_clear_pointer (&exchange->request, chiaro_generation_request_unref);
  if (exchange->progress_destroy != NULL)
    exchange->progress_destroy (exchange->progress_data);
  g_clear_pointer (&exchange->response, chiaro_http_response_free);
  g_free (exchange);
}

static void
on_http_progress (const ChiaroHttpProgress *http_progress,
                  gpointer                  user_data)
{
  Exchange *exchange = user_data;
  ChiaroGenerationProgress progress = { 0 };

  if (exchange->progress == NULL)
    return;

  progress.http = *http_progress;
  exchange->progress (&progress, exchange->progress_data);
}

static void
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Exchange *exchange = task_data;
  ChiaroHttpResponse *response = exchange->response;
  g_autoptr(ChiaroGenerationResult) result = NULL;
  GError *error = NULL;
  gint64 started_us;

  if (response->status != SOUP_STATUS_OK)
    {
      exchange->wire->set_http_error (&error, response->status,
                                      chiaro_http_response_get_content_type (response),
                                      response->body);
      chiaro_api_error_set_attempts (error, response->attempts);
      g_task_return_error (task, error);
      return;
    }

  started_us = g_get_monotonic_time ();
  result = exchange->wire->parse_response (response->body, &error);
  if (result == NULL)
    {
      chiaro_api_error_set_attempts (error, response->attempts);
      g_task_return_error (task, error);
      return;
    }

  result->attempts = response->attempts;
  if (result->content != NULL && result->content->model == NULL)
    result->content->model = g_strdup (exchange->request->model_id);
  if (result->usage.known)
    {
      double cost = chiaro_model_info_cost_from_usage (exchange->request->model, &result->usage);

      result->cost_usd = cost;
    }

  g_debug ("answer: %u image(s), finish %s, %u attempt(s), parsed in %.1f ms",
           result->images->len, result->finish_reason ? result->finish_reason : "-",
           result->attempts, (g_get_monotonic_time () - started_us) / 1000.0);
  g_task_return_pointer (task, g_steal_pointer (&result),
                         (GDestroyNotify) chiaro_generation_result_unref);
}

static void
on_posted (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  GError *error = NULL;

  exchange->response = chiaro_http_client_post_finish (CHIARO_HTTP_CLIENT (source), res, &error);
  if (exchange->response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_debug ("status %u, %" G_GSIZE_FORMAT " bytes", exchange->response->status,
           exchange->response->body != NULL ? g_bytes_get_size (exchange->response->body) : 0);
  g_task_run_in_thread (task, parse_in_thread);
}

static void
on_body_built (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  body = g_task_propagate_pointer (G_TASK (res), &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_debug ("sending %" G_GSIZE_FORMAT " bytes to model %s", g_bytes_get_size (body),
           exchange->request->model_id);
  chiaro_http_client_post_async (exchange->http, exchange->uri,
                                 (const char * const *) exchange->headers,
                                 "application/json", body,
                                 on_http_progress, exchange, NULL,
                                 g_task_get_cancellable (task),
                                 on_posted, g_object_ref (task));
}

static void
build_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  const ChiaroWireFormat *wire = g_object_get_data (G_OBJECT (task), "wire");
  ChiaroGenerationRequest *request = task_data;

  if (g_task_return_error_if_cancelled (task))
    return;

  g_task_return_pointer (task, wire->build_body (request, FALSE), (GDestroyNotify) g_bytes_unref);
}

static char *
chiaro_http_provider_dup_request_uri (ChiaroProvider          *provider,
                                      ChiaroGenerationRequest *request)
{
  ChiaroHttpProvider *self = CHIARO_HTTP_PROVIDER (provider);

  return self->wire->dup_uri (self->endpoint, request);
}

static GBytes *
chiaro_http_provider_build_body (ChiaroProvider          *provider,
                                 ChiaroGenerationRequest *request,
                                 gboolean                 elide_data)
{
  return CHIARO_HTTP_PROVIDER (provider)->wire->build_body (request, elide_data);
}

static void
chiaro_http_provider_generate_async (ChiaroProvider               *provider,
                                     ChiaroGenerationRequest      *request,
                                     ChiaroGenerationProgressFunc  progress,
                                     gpointer                      progress_data,
                                     GDestroyNotify                progress_destroy,
                                     GCancellable                 *cancellable,
                                     GAsyncReadyCallback           callback,
                                     gpointer                      user_data)
{
  ChiaroHttpProvider *self = CHIARO_HTTP_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) build = NULL;
  g_autoptr(GError) error = NULL;
  Exchange *exchange;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_http_provider_generate_async);
  g_task_set_name (task, "chiaro-http-provider-generate");

  exchange = g_new0 (Exchange, 1);
  exchange->wire = self->wire;
  exchange->http = g_object_ref (self->http);
  exchange->uri = self->wire->dup_uri (self->endpoint, request);
  exchange->headers = g_new0 (char *, 3);
  exchange->headers[0] = g_strdup (self->wire->auth_header);
  exchange->headers[1] = g_strconcat (self->wire->auth_prefix, self->api_key, NULL);
  exchange->request = chiaro_generation_request_ref (request);
  exchange->progress = progress;
  exchange->progress_data = progress_data;
  exchange->progress_destroy = progress_destroy;
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);

  if (!chiaro_http_check_endpoint (exchange->uri, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  build = g_task_new (NULL, cancellable, on_body_built, g_object_ref (task));
  g_task_set_source_tag (build, chiaro_http_provider_generate_async);
  g_task_set_name (build, "chiaro-http-provider-build-body");
  g_object_set_data (G_OBJECT (build), "wire", (gpointer) self->wire);
  g_task_set_task_data (build, chiaro_generation_request_ref (request),
                        (GDestroyNotify) chiaro_generation_request_unref);
  g_task_run_in_thread (build, build_in_thread);
}

static ChiaroGenerationResult *
chiaro_http_provider_generate_finish (ChiaroProvider  *provider,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
chiaro_http_provider_iface_init (ChiaroProviderInterface *iface)
{
  iface->dup_request_uri = chiaro_http_provider_dup_request_uri;
  iface->build_body = chiaro_http_provider_build_body;
  iface->generate_async = chiaro_http_provider_generate_async;
  iface->generate_finish = chiaro_http_provider_generate_finish;
}

static void
chiaro_http_provider_finalize (GObject *object)
{
  ChiaroHttpProvider *self = CHIARO_HTTP_PROVIDER (object);

  g_clear_object (&self->http);
  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->api_key, g_free);

  G_OBJECT_CLASS (chiaro_http_provider_parent_class)->finalize (object);
}

static void
chiaro_http_provider_class_init (ChiaroHttpProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = chiaro_http_provider_finalize;
}

static void
chiaro_http_provider_init (ChiaroHttpProvider *self)
{
}

/**
 * chiaro_http_provider_new:
 * @wire: the wire format, static
 * @http: the HTTP client
 * @endpoint: (nullable): the base URL; the wire format's default when %NULL or empty
 * @api_key: the key
 *
 * Returns: (transfer full): a provider
 */
ChiaroProvider *
chiaro_http_provider_new (const ChiaroWireFormat *wire,
                          ChiaroHttpClient       *http,
                          const char             *endpoint,
                          const char             *api_key)
{
  ChiaroHttpProvider *self;
  gsize len;

  g_return_val_if_fail (wire != NULL, NULL);
  g_return_val_if_fail (CHIARO_IS_HTTP_CLIENT (http), NULL);
  g_return_val_if_fail (api_key != NULL, NULL);

  self = g_object_new (CHIARO_TYPE_HTTP_PROVIDER, NULL);
  self->wire = wire;
  self->http = g_object_ref (http);
  self->api_key = g_strdup (api_key);

  /* "https://host/" and "https://host" name the same endpoint; paths are appended to it. */
  self->endpoint = g_strdup (endpoint != NULL && *endpoint != '\0' ? endpoint
                                                                   : wire->default_endpoint);
  len = strlen (self->endpoint);
  while (len > 0 && self->endpoint[len - 1] == '/')
    self->endpoint[--len] = '\0';

  return CHIARO_PROVIDER (self);
}
