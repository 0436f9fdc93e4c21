/* chiaro-http-client.h — POST (and GET) with retries, backoff, progress and cancellation
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CHIARO_HTTP_DEFAULT_MAX_ATTEMPTS  5
#define CHIARO_HTTP_DEFAULT_TIMEOUT_S     300
#define CHIARO_HTTP_BACKOFF_BASE_MS       1000
#define CHIARO_HTTP_BACKOFF_CAP_MS        60000
/* Larger answers are refused, before they are held whole. The largest image an answer can
 * carry is a 4K 21:9 one, 6336 × 2688 (REFERENCE §2.4): 51 MB of RGB, so even a PNG that does
 * not compress at all is about 68 MB in base64 (a typical one is 10–40 MB). 128 MiB leaves
 * room for that worst case plus draft (thought) images and text, and is still far from what
 * would hurt a desktop. */
#define CHIARO_HTTP_MAX_BODY_SIZE         (128 * 1024 * 1024)

typedef enum
{
  CHIARO_HTTP_PHASE_CONNECTING,
  CHIARO_HTTP_PHASE_SENDING,     /* bytes = request bytes written */
  CHIARO_HTTP_PHASE_WAITING,     /* request sent, no answer yet */
  CHIARO_HTTP_PHASE_RECEIVING,   /* bytes = answer bytes read; total from Content-Length or 0 */
  CHIARO_HTTP_PHASE_RETRY_WAIT,  /* waiting retry_delay_ms before attempt `attempt` */
  CHIARO_HTTP_PHASE_DONE,
} ChiaroHttpPhase;

typedef struct
{
  ChiaroHttpPhase phase;
  guint           attempt;          /* 1-based */
  guint64         bytes;
  guint64         total;            /* 0 when unknown */
  guint           retry_delay_ms;
  guint           retry_status;     /* HTTP status that caused the retry, 0 for transport errors */
} ChiaroHttpProgress;

/* Called on the thread-default main context of the caller of post_async. */
typedef void (*ChiaroHttpProgressFunc) (const ChiaroHttpProgress *progress,
                                        gpointer                  user_data);

/* The clock hook: wait delay_ms, then complete the task (g_task_return_boolean) — or return
 * G_IO_ERROR_CANCELLED when the cancellable fires. Tests install one that records the delay
 * and returns at once. */
typedef void (*ChiaroHttpSleepFunc) (guint     delay_ms,
                                     GTask    *task,
                                     gpointer  user_data);

/* A finished exchange: the last attempt's answer, whatever its status. */
typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  guint               attempts;
} ChiaroHttpResponse;

#define CHIARO_TYPE_HTTP_RESPONSE (chiaro_http_response_get_type ())

GType               chiaro_http_response_get_type (void) G_GNUC_CONST;
ChiaroHttpResponse *chiaro_http_response_copy     (const ChiaroHttpResponse *response);
void                chiaro_http_response_free     (ChiaroHttpResponse       *response);
const char         *chiaro_http_response_get_content_type (const ChiaroHttpResponse *response);

#define CHIARO_TYPE_HTTP_CLIENT (chiaro_http_client_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroHttpClient, chiaro_http_client, CHIARO, HTTP_CLIENT, GObject)

/* Connections the app's session allows to one host, and in all. */
#define CHIARO_HTTP_SESSION_MAX_CONNS_PER_HOST 32
#define CHIARO_HTTP_SESSION_MAX_CONNS 64

SoupSession        *chiaro_http_session_new             (void);
ChiaroHttpClient   *chiaro_http_client_new              (SoupSession             *session);
SoupSession        *chiaro_http_client_get_session      (ChiaroHttpClient        *self);
guint               chiaro_http_client_get_max_attempts (ChiaroHttpClient        *self);
void                chiaro_http_client_set_max_attempts (ChiaroHttpClient        *self,
                                                         guint                    max_attempts);
guint               chiaro_http_client_get_timeout      (ChiaroHttpClient        *self);
void                chiaro_http_client_set_timeout      (ChiaroHttpClient        *self,
                                                         guint                    seconds);
void                chiaro_http_client_set_jitter       (ChiaroHttpClient        *self,
                                                         gboolean                 jitter);
void                chiaro_http_client_set_sleep_func   (ChiaroHttpClient        *self,
                                                         ChiaroHttpSleepFunc      func,
                                                         gpointer                 user_data,
                                                         GDestroyNotify           destroy);
gboolean            chiaro_http_check_endpoint          (const char              *uri,
                                                         GError                 **error);
guint               chiaro_http_retry_delay_ms          (guint                    status,
                                                         SoupMessageHeaders      *headers,
                                                         GBytes                  *body,
                                                         gboolean                *out_retryable);
void                chiaro_http_client_post_async       (ChiaroHttpClient        *self,
                                                         const char              *uri,
                                                         const char * const      *headers,
                                                         const char              *content_type,
                                                         GBytes                  *body,
                                                         ChiaroHttpProgressFunc   progress,
                                                         gpointer                 progress_data,
                                                         GDestroyNotify           progress_destroy,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
ChiaroHttpResponse *chiaro_http_client_post_finish      (ChiaroHttpClient        *self,
                                                         GAsyncResult            *result,
                                                         GError                 **error);
void                chiaro_http_client_get_async        (ChiaroHttpClient        *self,
                                                         const char              *uri,
                                                         const char * const      *headers,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
ChiaroHttpResponse *chiaro_http_client_get_finish       (ChiaroHttpClient        *self,
                                                         GAsyncResult            *result,
                                                         GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroHttpResponse, chiaro_http_response_free)

G_END_DECLS
