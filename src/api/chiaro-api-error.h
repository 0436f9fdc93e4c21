/* chiaro-api-error.h — what went wrong with a generation, in words a user understands
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CHIARO_API_ERROR (chiaro_api_error_quark ())

/* Each code is one thing the user can act on. The GError message is translated and meant to
 * be shown; the server's own words are kept apart (chiaro_api_error_get_detail ()). */
typedef enum
{
  CHIARO_API_ERROR_INVALID_REQUEST,     /* 400 the server did not accept the request */
  CHIARO_API_ERROR_UNSUPPORTED_OPTION,  /* an option the model does not take, refused before sending */
  CHIARO_API_ERROR_UNAUTHORIZED,        /* no key, bad or expired key: 400 API_KEY_INVALID, 401 */
  CHIARO_API_ERROR_PERMISSION_DENIED,   /* 403: key without access, suspended key */
  CHIARO_API_ERROR_LOCATION_UNSUPPORTED,/* 400 FAILED_PRECONDITION: region or billing */
  CHIARO_API_ERROR_MODEL_NOT_FOUND,     /* 404 */
  CHIARO_API_ERROR_RATE_LIMITED,        /* 429 still after the retries */
  CHIARO_API_ERROR_QUOTA_EXHAUSTED,     /* 429 with a daily quota, 402: waiting will not help today */
  CHIARO_API_ERROR_SERVER,              /* 500, 502 and other 5xx */
  CHIARO_API_ERROR_UNAVAILABLE,         /* 503: the model is overloaded */
  CHIARO_API_ERROR_TIMEOUT,             /* 408, 504 or no answer within the timeout */
  CHIARO_API_ERROR_NETWORK,             /* could not connect, connection reset, TLS */
  CHIARO_API_ERROR_INSECURE_ENDPOINT,   /* plain http to a host that is not loopback */
  CHIARO_API_ERROR_BAD_RESPONSE,        /* empty, truncated, not JSON, an HTML page, too big */
  CHIARO_API_ERROR_PROMPT_BLOCKED,      /* promptFeedback.blockReason */
  CHIARO_API_ERROR_IMAGE_SAFETY,        /* IMAGE_SAFETY, IMAGE_PROHIBITED_CONTENT */
  CHIARO_API_ERROR_REFUSED,             /* SAFETY, PROHIBITED_CONTENT, BLOCKLIST, SPII, LANGUAGE */
  CHIARO_API_ERROR_RECITATION,          /* RECITATION, IMAGE_RECITATION */
  CHIARO_API_ERROR_NO_IMAGE,            /* NO_IMAGE, or an answer with text but no image */
  CHIARO_API_ERROR_MAX_TOKENS,          /* MAX_TOKENS */
  CHIARO_API_ERROR_MISSING_SIGNATURE,   /* MISSING_THOUGHT_SIGNATURE, or the 400 about it */
  CHIARO_API_ERROR_MODEL_FAILED,        /* IMAGE_OTHER, OTHER, MALFORMED_RESPONSE, tool calls… */
  CHIARO_API_ERROR_CANCELLED,           /* never shown: the user stopped it */
} ChiaroApiError;

GQuark      chiaro_api_error_quark             (void);

void        chiaro_api_error_set               (GError      **error,
                                                ChiaroApiError code,
                                                const char   *message,
                                                const char   *detail,
                                                int           http_status,
                                                const char   *reason);
const char *chiaro_api_error_get_detail        (const GError *error);
int         chiaro_api_error_get_http_status   (const GError *error);
const char *chiaro_api_error_get_reason        (const GError *error);
guint       chiaro_api_error_get_attempts      (const GError *error);
void        chiaro_api_error_set_attempts      (GError       *error,
                                                guint         attempts);
gboolean    chiaro_api_error_is_retryable      (const GError *error);

G_END_DECLS
