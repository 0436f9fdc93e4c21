/* chiaro-connection-check.h — does a key work with a server, without making an image
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-http-client.h"

G_BEGIN_DECLS

char     *chiaro_connection_check_dup_uri (const char           *provider,
                                           const char           *endpoint,
                                           const char           *model_id);
void      chiaro_connection_check_async   (ChiaroHttpClient     *http,
                                           const char           *provider,
                                           const char           *endpoint,
                                           const char           *api_key,
                                           const char           *model_id,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean  chiaro_connection_check_finish  (GAsyncResult         *result,
                                           char                **out_model_name,
                                           GError              **error);

G_END_DECLS
