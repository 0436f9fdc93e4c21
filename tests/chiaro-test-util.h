/* chiaro-test-util.h — helpers shared by the test programs
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char    *chiaro_test_fixture_path  (const char *first_element,
                                    ...) G_GNUC_NULL_TERMINATED;
GFile   *chiaro_test_fixture_file  (const char *first_element,
                                    ...) G_GNUC_NULL_TERMINATED;
GStrv    chiaro_test_list_fixtures (const char *folder,
                                    const char *suffix);
gboolean chiaro_test_wait_until    (gboolean  (*condition) (gpointer user_data),
                                    gpointer    user_data,
                                    guint       timeout_seconds);

G_END_DECLS
