/* chiaro-api-key.c — finding the user's API key: environment first, then the keyring
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Order (DESIGN §6): CHIARO_API_KEY, then the provider's own variable (GEMINI_API_KEY or
 * OPENAI_API_KEY), then the Secret Service keyring, where keys are stored per provider and
 * endpoint. Keys are never written anywhere else and never logged.
 */

#define G_LOG_DOMAIN "chiaro-api-key"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "chiaro-api-key.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    .name = BASE_APPLICATION_ID ".ApiKey",
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { .name = "provider", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
      { .name = "endpoint", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
      { .name = NULL, .type = 0 },
    },
  };

  return &schema;
}

static const char *
non_empty_env (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

/**
 * chiaro_api_key_from_environment:
 * @provider: "gemini" or "openai"
 *
 * Returns: (transfer full) (nullable): the key from the environment
 */
char *
chiaro_api_key_from_environment (const char *provider)
{
  const char *key = non_empty_env ("CHIARO_API_KEY");

  g_return_val_if_fail (provider != NULL, NULL);

  if (key == NULL && g_str_equal (provider, "gemini"))
    key = non_empty_env ("GEMINI_API_KEY");
  else if (key == NULL && g_str_equal (provider, "openai"))
    key = non_empty_env ("OPENAI_API_KEY");

  return g_strdup (key);
}

static void
on_lookup (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *key = secret_password_lookup_finish (res, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, key, (GDestroyNotify) secret_password_free);
}

/**
 * chiaro_api_key_lookup_async:
 * @provider: "gemini" or "openai"
 * @endpoint: the endpoint the key is for
 * @cancellable: (nullable): a cancellable
 * @callback: called with the key
 * @user_data: data for @callback
 *
 * Looks in the environment, then in the keyring. The finish function returns %NULL without
 * an error when there is no key anywhere.
 */
void
chiaro_api_key_lookup_async (const char          *provider,
                             const char          *endpoint,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *key;

  g_return_if_fail (provider != NULL);
  g_return_if_fail (endpoint != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_api_key_lookup_async);
  g_task_set_name (task, "chiaro-api-key-lookup");

  key = chiaro_api_key_from_environment (provider);
  if (key != NULL)
    {
      g_task_return_pointer (task, key, g_free);
      return;
    }

  secret_password_lookup (get_schema (), cancellable, on_lookup, g_steal_pointer (&task),
                          "provider", provider, "endpoint", endpoint, NULL);
}

/**
 * chiaro_api_key_lookup_finish:
 * @result: the result
 * @error: a keyring failure
 *
 * Returns: (transfer full) (nullable): the key, or %NULL when there is none
 */
char *
chiaro_api_key_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_stored (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (res, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
chiaro_api_key_store_async (const char          *provider,
                            const char          *endpoint,
                            const char          *key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  g_autofree char *label = NULL;

  g_return_if_fail (provider != NULL);
  g_return_if_fail (endpoint != NULL);
  g_return_if_fail (key != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_api_key_store_async);
  g_task_set_name (task, "chiaro-api-key-store");

  /* Translators: the keyring's label for the stored key; %s is a web address. */
  label = g_strdup_printf (_("Chiaro API key for %s"), endpoint);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, key, cancellable,
                         on_stored, task, "provider", provider, "endpoint", endpoint, NULL);
}

gboolean
chiaro_api_key_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (res, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
chiaro_api_key_clear_async (const char          *provider,
                            const char          *endpoint,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (provider != NULL);
  g_return_if_fail (endpoint != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_api_key_clear_async);
  g_task_set_name (task, "chiaro-api-key-clear");
  secret_password_clear (get_schema (), cancellable, on_cleared, task,
                         "provider", provider, "endpoint", endpoint, NULL);
}

gboolean
chiaro_api_key_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
