/* chiaro-api-key.h — finding the user's API key: environment first, then the keyring
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char    *chiaro_api_key_from_environment (const char           *provider);
void     chiaro_api_key_lookup_async     (const char           *provider,
                                          const char           *endpoint,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
char    *chiaro_api_key_lookup_finish    (GAsyncResult         *result,
                                          GError              **error);
void     chiaro_api_key_store_async      (const char           *provider,
                                          const char           *endpoint,
                                          const char           *key,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean chiaro_api_key_store_finish     (GAsyncResult         *result,
                                          GError              **error);
void     chiaro_api_key_clear_async      (const char           *provider,
                                          const char           *endpoint,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean chiaro_api_key_clear_finish     (GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
