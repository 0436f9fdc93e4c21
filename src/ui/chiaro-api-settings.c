/* chiaro-api-settings.c — which service, address and key name the settings point to
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The keyring files a key under the provider and the exact endpoint it is for, so every part
 * of the app must agree on both: the CHIARO_ENDPOINT environment variable first, then the
 * "endpoint" setting, then the provider's own address; and the same normal form when a user
 * types an address in.
 */

#define G_LOG_DOMAIN "chiaro-api-settings"

#include "config.h"

#include <string.h>

#include "chiaro-api-key.h"
#include "chiaro-gemini-provider.h"
#include "chiaro-http-client.h"
#include "chiaro-openai-provider.h"

#include "chiaro-api-settings.h"

#define ENDPOINT_VARIABLE "CHIARO_ENDPOINT"

/**
 * chiaro_api_settings_get_default_endpoint:
 * @provider: "gemini" or "openai"
 *
 * Returns: the service's own address
 */
const char *
chiaro_api_settings_get_default_endpoint (const char *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);

  return g_str_equal (provider, "openai") ? CHIARO_OPENAI_DEFAULT_ENDPOINT
                                          : CHIARO_GEMINI_DEFAULT_ENDPOINT;
}

/**
 * chiaro_api_settings_dup_provider:
 * @settings: the application's settings
 *
 * Returns: (transfer full): "gemini" or "openai"
 */
char *
chiaro_api_settings_dup_provider (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_settings_get_string (settings, "provider");
}

/**
 * chiaro_api_settings_get_endpoint_variable:
 *
 * Returns: (nullable): the name of the environment variable that sets the address, when it
 *   is set; %NULL otherwise
 */
const char *
chiaro_api_settings_get_endpoint_variable (void)
{
  const char *value = g_getenv (ENDPOINT_VARIABLE);

  return value != NULL && *value != '\0' ? ENDPOINT_VARIABLE : NULL;
}

/**
 * chiaro_api_settings_dup_endpoint:
 * @settings: the application's settings
 *
 * Returns: (transfer full): the address requests go to, and the one keys are filed under
 */
char *
chiaro_api_settings_dup_endpoint (GSettings *settings)
{
  g_autofree char *provider = NULL;
  g_autofree char *endpoint = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  if (chiaro_api_settings_get_endpoint_variable () != NULL)
    return g_strdup (g_getenv (ENDPOINT_VARIABLE));

  endpoint = g_settings_get_string (settings, "endpoint");
  if (*endpoint != '\0')
    return g_steal_pointer (&endpoint);

  provider = chiaro_api_settings_dup_provider (settings);
  return g_strdup (chiaro_api_settings_get_default_endpoint (provider));
}

/**
 * chiaro_api_settings_get_key_variable:
 * @provider: "gemini" or "openai"
 *
 * Returns: (nullable): the name of the environment variable the key comes from, when one
 *   gives it (CHIARO_API_KEY before the provider's own); %NULL when the key is the keyring's
 */
const char *
chiaro_api_settings_get_key_variable (const char *provider)
{
  static const char * const names[] = { "CHIARO_API_KEY", "GEMINI_API_KEY", "OPENAI_API_KEY" };
  g_autofree char *key = NULL;

  g_return_val_if_fail (provider != NULL, NULL);

  key = chiaro_api_key_from_environment (provider);
  if (key == NULL)
    return NULL;

  /* The same order chiaro_api_key_from_environment () follows. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_strcmp0 (g_getenv (names[i]), key) == 0)
        return names[i];
    }

  return names[0];
}

/**
 * chiaro_api_settings_normalize_endpoint:
 * @text: an address as typed
 * @error: a %CHIARO_API_ERROR_INSECURE_ENDPOINT error for an address Chiaro will not use
 *
 * Trims spaces and trailing slashes, then checks the address with
 * chiaro_http_check_endpoint (): HTTPS, or plain HTTP to this computer only.
 *
 * Returns: (transfer full) (nullable): the address to store, or %NULL with @error set
 */
char *
chiaro_api_settings_normalize_endpoint (const char  *text,
                                        GError     **error)
{
  g_autofree char *endpoint = NULL;
  gsize length;

  g_return_val_if_fail (text != NULL, NULL);

  endpoint = g_strstrip (g_strdup (text));
  length = strlen (endpoint);
  while (length > 0 && endpoint[length - 1] == '/')
    endpoint[--length] = '\0';

  if (!chiaro_http_check_endpoint (endpoint, error))
    return NULL;

  return g_steal_pointer (&endpoint);
}
