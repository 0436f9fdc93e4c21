/* chiaro-api-error.c — what went wrong with a generation, in words a user understands
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CHIARO_API_ERROR is an extended GError: besides the message meant for the user it carries
 * the server's own words (for a details view), the HTTP status, the machine-readable reason
 * (a status such as RESOURCE_EXHAUSTED, a finishReason, an ErrorInfo reason) and how many
 * attempts were made.
 */

#define G_LOG_DOMAIN "chiaro-api-error"

#include "config.h"

#include "chiaro-api-error.h"

typedef struct
{
  char  *detail;
  char  *reason;
  int    http_status;
  guint  attempts;
} ChiaroApiErrorPrivate;

static void
chiaro_api_error_private_init (ChiaroApiErrorPrivate *priv)
{
  priv->attempts = 1;
}

static void
chiaro_api_error_private_copy (const ChiaroApiErrorPrivate *src,
                               ChiaroApiErrorPrivate       *dest)
{
  dest->detail = g_strdup (src->detail);
  dest->reason = g_strdup (src->reason);
  dest->http_status = src->http_status;
  dest->attempts = src->attempts;
}

static void
chiaro_api_error_private_clear (ChiaroApiErrorPrivate *priv)
{
  g_clear_pointer (&priv->detail, g_free);
  g_clear_pointer (&priv->reason, g_free);
}

G_DEFINE_EXTENDED_ERROR (ChiaroApiError, chiaro_api_error)

static ChiaroApiErrorPrivate *
get_private (const GError *error)
{
  if (error == NULL || error->domain != CHIARO_API_ERROR)
    return NULL;

  return chiaro_api_error_get_private (error);
}

/**
 * chiaro_api_error_set:
 * @error: (out) (optional): where to put the error
 * @code: what went wrong
 * @message: a translated message for the user
 * @detail: (nullable): the server's own words or the raw answer, for a details view
 * @http_status: the HTTP status, or 0
 * @reason: (nullable): the machine-readable reason (status, finishReason, blockReason)
 */
void
chiaro_api_error_set (GError        **error,
                      ChiaroApiError  code,
                      const char     *message,
                      const char     *detail,
                      int             http_status,
                      const char     *reason)
{
  ChiaroApiErrorPrivate *priv;
  GError *new_error;

  g_return_if_fail (message != NULL);

  if (error == NULL)
    return;

  new_error = g_error_new_literal (CHIARO_API_ERROR, code, message);
  priv = chiaro_api_error_get_private (new_error);
  priv->detail = g_strdup (detail);
  priv->reason = g_strdup (reason);
  priv->http_status = http_status;
  g_propagate_error (error, new_error);
}

const char *
chiaro_api_error_get_detail (const GError *error)
{
  ChiaroApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->detail : NULL;
}

int
chiaro_api_error_get_http_status (const GError *error)
{
  ChiaroApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->http_status : 0;
}

const char *
chiaro_api_error_get_reason (const GError *error)
{
  ChiaroApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->reason : NULL;
}

guint
chiaro_api_error_get_attempts (const GError *error)
{
  ChiaroApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->attempts : 1;
}

void
chiaro_api_error_set_attempts (GError *error,
                               guint   attempts)
{
  ChiaroApiErrorPrivate *priv = get_private (error);

  if (priv != NULL)
    priv->attempts = attempts;
}

/**
 * chiaro_api_error_is_retryable:
 * @error: an error from a generation
 *
 * Whether sending the same request again may succeed: "Retry" is offered for these.
 */
gboolean
chiaro_api_error_is_retryable (const GError *error)
{
  if (error == NULL || error->domain != CHIARO_API_ERROR)
    return FALSE;

  switch ((ChiaroApiError) error->code)
    {
    case CHIARO_API_ERROR_RATE_LIMITED:
    case CHIARO_API_ERROR_SERVER:
    case CHIARO_API_ERROR_UNAVAILABLE:
    case CHIARO_API_ERROR_TIMEOUT:
    case CHIARO_API_ERROR_NETWORK:
    case CHIARO_API_ERROR_BAD_RESPONSE:
    case CHIARO_API_ERROR_NO_IMAGE:
    case CHIARO_API_ERROR_MODEL_FAILED:
    case CHIARO_API_ERROR_MAX_TOKENS:
    case CHIARO_API_ERROR_IMAGE_SAFETY:
    case CHIARO_API_ERROR_RECITATION:
    case CHIARO_API_ERROR_CANCELLED:
      return TRUE;

    case CHIARO_API_ERROR_INVALID_REQUEST:
    case CHIARO_API_ERROR_UNSUPPORTED_OPTION:
    case CHIARO_API_ERROR_UNAUTHORIZED:
    case CHIARO_API_ERROR_PERMISSION_DENIED:
    case CHIARO_API_ERROR_LOCATION_UNSUPPORTED:
    case CHIARO_API_ERROR_MODEL_NOT_FOUND:
    case CHIARO_API_ERROR_QUOTA_EXHAUSTED:
    case CHIARO_API_ERROR_INSECURE_ENDPOINT:
    case CHIARO_API_ERROR_PROMPT_BLOCKED:
    case CHIARO_API_ERROR_REFUSED:
    case CHIARO_API_ERROR_MISSING_SIGNATURE:
    default:
      return FALSE;
    }
}
