/* chiaro-key-page.h — the first-run page that asks for an API key
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CHIARO_TYPE_KEY_PAGE (chiaro_key_page_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroKeyPage, chiaro_key_page, CHIARO, KEY_PAGE, GtkWidget)

ChiaroKeyPage *chiaro_key_page_new         (void);
void           chiaro_key_page_set_service (ChiaroKeyPage *self,
                                            const char    *provider,
                                            const char    *endpoint);
gboolean       chiaro_key_page_get_saving  (ChiaroKeyPage *self);

G_END_DECLS
