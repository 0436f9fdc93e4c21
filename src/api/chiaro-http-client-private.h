/* chiaro-http-client-private.h — test hooks of the HTTP client
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-http-client.h"

G_BEGIN_DECLS

void  chiaro_http_client_set_max_body_size (ChiaroHttpClient *self,
                                            gsize             max_body_size);
guint chiaro_http_backoff_ms               (guint             failed_attempt,
                                            gboolean          jitter);

G_END_DECLS
