/* chiaro-test-util.h — helpers shared by the test programs
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char    *chiaro_test_fixture_path  (const char *first_element,
                                    ...) G_GNUC_NULL_TERMINATED;
GFile   *chiaro_test_fixture_file  (const char *first_element,
                                    ...) G_GNUC_NULL_TERMINATED;
GStrv    chiaro_test_list_fixtures (const char *folder,
                                    const char *suffix);
void     chiaro_test_assert_fixtures_are (const char         *folder,
                                          const char * const *names);
gboolean chiaro_test_wait_until    (gboolean  (*condition) (gpointer user_data),
                                    gpointer    user_data,
                                    guint       timeout_seconds);
void     chiaro_test_store_result    (GObject       *source,
                                      GAsyncResult  *result,
                                      gpointer       user_data);
gboolean chiaro_test_has_result      (gpointer       user_data);
void     chiaro_test_wait_for_result (GAsyncResult **slot);

GBytes   *chiaro_test_read_fixture      (const char *folder,
                                         const char *name);
char     *chiaro_test_fixture_base64    (const char *folder,
                                         const char *name);
GBytes   *chiaro_test_bytes_printf      (const char *format,
                                         ...) G_GNUC_PRINTF (1, 2);
GBytes   *chiaro_test_bytes_from_string (const char *text);
JsonNode *chiaro_test_parse_json        (GBytes     *bytes);
JsonNode   *chiaro_test_json_get_path   (JsonNode   *root,
                                         const char *path);
const char *chiaro_test_json_get_string (JsonNode   *root,
                                         const char *path);

/* The user and group file permission tests run as when the tests run as root: nobody. */
#define CHIARO_TEST_UNPRIVILEGED_ID 65534

void      chiaro_test_remove_tree       (const char *path);
char     *chiaro_test_data_path         (const char *name);
char     *chiaro_test_clean_data_path   (void);
gboolean  chiaro_test_can_drop_root     (void);
void      chiaro_test_drop_root         (void);
void      chiaro_test_make_dir_for_unprivileged (const char *path);

G_END_DECLS
