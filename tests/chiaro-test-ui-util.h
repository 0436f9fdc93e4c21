/* chiaro-test-ui-util.h — helpers for tests that drive real windows
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "chiaro-application.h"

G_BEGIN_DECLS

ChiaroApplication *chiaro_test_create_application (void);
ChiaroApplication *chiaro_test_new_application    (const char *application_id,
                                                   const char *name);
gboolean    chiaro_test_wait_for_paint       (GtkWidget  *widget);
GdkTexture *chiaro_test_render_widget        (GtkWidget  *widget);
void        chiaro_test_save_screenshot      (GtkWidget  *widget,
                                              const char *name);
GtkWidget  *chiaro_test_find_label           (GtkWidget  *root,
                                              const char *text);
GtkWidget  *chiaro_test_find_widget          (GtkWidget  *root,
                                              GType       type);
gboolean    chiaro_test_read_pixel           (GdkTexture *texture,
                                              int         x,
                                              int         y,
                                              guint8      rgb[3]);

G_END_DECLS
