/* chiaro-api-settings.h — which service, address and key name the settings point to
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

const char *chiaro_api_settings_get_default_endpoint (const char  *provider);
char       *chiaro_api_settings_dup_provider         (GSettings   *settings);
char       *chiaro_api_settings_dup_endpoint         (GSettings   *settings);
const char *chiaro_api_settings_get_endpoint_variable (void);
const char *chiaro_api_settings_get_key_variable     (const char  *provider);
char       *chiaro_api_settings_normalize_endpoint   (const char  *text,
                                                      GError     **error);

G_END_DECLS
