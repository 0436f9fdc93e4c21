/* test-session.c — session.json: open projects and the clean-shutdown flag
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "chiaro-project-error.h"
#include "chiaro-session.h"
#include "chiaro-test-util.h"

typedef struct
{
  char  *path;
  GFile *data_dir;
  char  *session_path;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->path = chiaro_test_clean_data_path ();
  f->data_dir = g_file_new_for_path (f->path);
  f->session_path = g_build_filename (f->path, "session.json", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->data_dir);
  chiaro_test_remove_tree (f->path);
  g_free (f->path);
  g_free (f->session_path);
}

static ChiaroSession *
load_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  ChiaroSession *session = chiaro_session_new (f->data_dir);

  g_assert_true (chiaro_session_load (session, &error));
  g_assert_no_error (error);
  return session;
}

static JsonNode *
read_session (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *contents = NULL;
  gsize size = 0;

  g_file_get_contents (f->session_path, &contents, &size, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (contents, size);
  return chiaro_test_parse_json (bytes);
}

/* Checks session.json on disk: its flag, and its projects as paths joined by spaces. */
static void
assert_on_disk (Fixture    *f,
                gboolean    clean,
                const char *projects,
                const char *active)
{
  g_autoptr(JsonNode) root = read_session (f);
  g_autoptr(GString) listed = g_string_new (NULL);
  JsonObject *object = json_node_get_object (root);
  JsonArray *array = json_object_get_array_member (object, "projects");
  JsonNode *active_node = json_object_get_member (object, "active");

  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, CHIARO_SESSION_VERSION);
  g_assert_cmpint (json_object_get_boolean_member (object, "clean-shutdown"), ==, clean);

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (listed, "%s%s", i > 0 ? " " : "",
                            json_array_get_string_element (array, i));
  g_assert_cmpstr (listed->str, ==, projects);

  g_assert_nonnull (active_node);
  if (active == NULL)
    g_assert_true (JSON_NODE_HOLDS_NULL (active_node));
  else
    g_assert_cmpstr (json_node_get_string (active_node), ==, active);
}

static char *
join_projects (ChiaroSession *session)
{
  g_autoptr(GPtrArray) projects = chiaro_session_dup_projects (session);
  g_autoptr(GString) listed = g_string_new (NULL);

  for (guint i = 0; i < projects->len; i++)
    g_string_append_printf (listed, "%s%s", i > 0 ? " " : "",
                            g_file_peek_path (g_ptr_array_index (projects, i)));

  return g_string_free (g_steal_pointer (&listed), FALSE);
}

static int
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
test_first_run (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ChiaroSession) session = load_ok (f);
  g_autoptr(ChiaroSession) default_session = chiaro_session_new (NULL);
  g_autoptr(GFile) expected_default = NULL;
  g_autoptr(GFile) projects = NULL;
  g_autoptr(GFile) first = NULL;
  g_autoptr(GFile) second = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *name = NULL;
  g_autofree char *projects_path = g_build_filename (f->path, "projects", NULL);

  g_assert_true (chiaro_session_get_data_dir (session) == f->data_dir);
  g_assert_true (chiaro_session_get_was_clean (session));
  listed = join_projects (session);
  g_assert_cmpstr (listed, ==, "");
  g_assert_null (chiaro_session_get_active (session));
  g_assert_false (chiaro_session_should_restore (session, FALSE));
  g_assert_true (chiaro_session_should_restore (session, TRUE));

  /* Loading writes nothing. */
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));

  expected_default = g_file_new_build_filename (g_get_user_data_dir (), "chiaro", NULL);
  g_assert_true (g_file_equal (chiaro_session_get_data_dir (default_session),
                               expected_default));

  projects = chiaro_session_get_projects_dir (session);
  g_assert_cmpstr (g_file_peek_path (projects), ==, projects_path);
  g_assert_cmpint (file_mode (g_file_peek_path (projects)), ==, 0700);
  g_assert_cmpint (file_mode (f->path), ==, 0700);

  first = chiaro_session_new_project_dir (session);
  second = chiaro_session_new_project_dir (session);
  g_assert_false (g_file_equal (first, second));
  g_assert_false (g_file_query_exists (first, NULL));
  parent = g_file_get_parent (first);
  g_assert_true (g_file_equal (parent, projects));
  name = g_file_get_basename (first);
  g_assert_true (g_uuid_string_is_valid (name));
}

static void
test_clean_run (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ChiaroSession) session = load_ok (f);
  g_autoptr(ChiaroSession) next = NULL;
  g_autoptr(GFile) a = g_file_get_child (f->data_dir, "projects/a");
  g_autoptr(GFile) b = g_file_get_child (f->data_dir, "projects/b");
  g_autoptr(GFile) c = g_file_new_for_path ("/elsewhere/c");
  g_autofree char *both = g_strdup_printf ("%s %s", g_file_peek_path (a),
                                           g_file_peek_path (b));
  g_autofree char *listed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (chiaro_session_begin (session, &error));
  g_assert_no_error (error);
  assert_on_disk (f, FALSE, "", NULL);
  g_assert_cmpint (file_mode (f->session_path), ==, 0600);

  g_assert_true (chiaro_session_add_project (session, a, &error));
  assert_on_disk (f, FALSE, g_file_peek_path (a), NULL);
  g_assert_true (chiaro_session_add_project (session, b, &error));
  g_assert_true (chiaro_session_add_project (session, a, &error));
  assert_on_disk (f, FALSE, both, NULL);
  g_assert_true (chiaro_session_set_active (session, b, &error));
  assert_on_disk (f, FALSE, both, g_file_peek_path (b));

  /* Setting an unlisted project active lists it. */
  g_assert_true (chiaro_session_set_active (session, c, &error));
  g_assert_true (chiaro_session_remove_project (session, c, &error));
  assert_on_disk (f, FALSE, both, NULL);
  g_assert_true (chiaro_session_set_active (session, b, &error));

  g_assert_true (chiaro_session_remove_project (session, a, &error));
  assert_on_disk (f, FALSE, g_file_peek_path (b), g_file_peek_path (b));
  g_assert_no_error (error);

  g_assert_true (chiaro_session_end (session, &error));
  g_assert_no_error (error);
  assert_on_disk (f, TRUE, g_file_peek_path (b), g_file_peek_path (b));

  /* The next run: clean, so restoring follows the setting. */
  next = load_ok (f);
  g_assert_true (chiaro_session_get_was_clean (next));
  listed = join_projects (next);
  g_assert_cmpstr (listed, ==, g_file_peek_path (b));
  g_assert_true (g_file_equal (chiaro_session_get_active (next), b));
  g_assert_false (chiaro_session_should_restore (next, FALSE));
  g_assert_true (chiaro_session_should_restore (next, TRUE));

  /* After a clean run this run starts with nothing open; the app adds what it reopens. */
  g_assert_true (chiaro_session_begin (next, &error));
  assert_on_disk (f, FALSE, "", NULL);
  g_assert_no_error (error);
}

static void
test_crash (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(ChiaroSession) session = load_ok (f);
  g_autoptr(ChiaroSession) next = NULL;
  g_autoptr(ChiaroSession) third = NULL;
  g_autoptr(GFile) a = g_file_get_child (f->data_dir, "projects/a");
  g_autoptr(GFile) b = g_file_get_child (f->data_dir, "projects/b");
  g_autofree char *both = g_strdup_printf ("%s %s", g_file_peek_path (a),
                                           g_file_peek_path (b));
  g_autofree char *listed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (chiaro_session_begin (session, &error));
  g_assert_true (chiaro_session_add_project (session, a, &error));
  g_assert_true (chiaro_session_add_project (session, b, &error));
  g_assert_true (chiaro_session_set_active (session, a, &error));
  g_assert_no_error (error);
  /* …and the process dies: no end. */
  g_clear_object (&session);

  next = load_ok (f);
  g_assert_false (chiaro_session_get_was_clean (next));
  listed = join_projects (next);
  g_assert_cmpstr (listed, ==, both);
  g_assert_true (g_file_equal (chiaro_session_get_active (next), a));
  g_assert_true (chiaro_session_should_restore (next, FALSE));
  g_assert_true (chiaro_session_should_restore (next, TRUE));

  /* The crashed run's projects stay listed, so a second crash while restoring loses none. */
  g_assert_true (chiaro_session_begin (next, &error));
  g_assert_no_error (error);
  assert_on_disk (f, FALSE, both, g_file_peek_path (a));
  g_clear_object (&next);

  third = load_ok (f);
  g_assert_false (chiaro_session_get_was_clean (third));
  g_free (listed);
  listed = join_projects (third);
  g_assert_cmpstr (listed, ==, both);
}

static void
assert_unusable (Fixture    *f,
                 const char *contents,
                 int         code)
{
  g_autoptr(ChiaroSession) session = chiaro_session_new (f->data_dir);
  g_autoptr(GFile) a = g_file_get_child (f->data_dir, "projects/a");
  g_autoptr(GError) error = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (f->session_path, contents, -1, NULL));

  g_assert_false (chiaro_session_load (session, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, code);
  g_assert_nonnull (strstr (error->message, f->session_path));
  g_clear_error (&error);

  /* Counted as a crash with no projects. */
  g_assert_false (chiaro_session_get_was_clean (session));
  listed = join_projects (session);
  g_assert_cmpstr (listed, ==, "");
  g_assert_null (chiaro_session_get_active (session));
  g_assert_true (chiaro_session_should_restore (session, FALSE));

  /* Left alone until begin. */
  g_assert_true (chiaro_session_add_project (session, a, &error));
  g_assert_true (chiaro_session_set_active (session, a, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (f->session_path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, contents);

  g_assert_true (chiaro_session_begin (session, &error));
  g_assert_no_error (error);
  assert_on_disk (f, FALSE, g_file_peek_path (a), g_file_peek_path (a));
}

static void
test_unusable (Fixture       *f,
               gconstpointer  data)
{
  g_assert_cmpint (g_mkdir_with_parents (f->path, 0700), ==, 0);

  assert_unusable (f, "{\"version\": 1, \"clean-shutdown\": tr", CHIARO_PROJECT_ERROR_CORRUPT);
  assert_unusable (f, "[1, 2]", CHIARO_PROJECT_ERROR_CORRUPT);
  assert_unusable (f, "", CHIARO_PROJECT_ERROR_CORRUPT);
  assert_unusable (f, "{\"clean-shutdown\": true, \"projects\": [\"/a\"]}",
                   CHIARO_PROJECT_ERROR_CORRUPT);
  assert_unusable (f, "{\"version\": 99, \"clean-shutdown\": true, \"projects\": [\"/a\"]}",
                   CHIARO_PROJECT_ERROR_NEWER_VERSION);
}

static void
test_unknown_members (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ChiaroSession) session = NULL;
  g_autofree char *listed = NULL;

  g_assert_cmpint (g_mkdir_with_parents (f->path, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->session_path,
                                      "{\"version\": 1, \"clean-shutdown\": true, "
                                      "\"projects\": [\"/p/a\", 3, \"relative\", \"/p/b\", "
                                      "\"/p/a\"], \"active\": \"/p/b\", "
                                      "\"window\": {\"width\": 3}}",
                                      -1, NULL));

  session = load_ok (f);
  g_assert_true (chiaro_session_get_was_clean (session));
  listed = join_projects (session);
  g_assert_cmpstr (listed, ==, "/p/a /p/b");
  g_assert_cmpstr (g_file_peek_path (chiaro_session_get_active (session)), ==, "/p/b");

  /* No flag at all is not a clean end. */
  g_assert_true (g_file_set_contents (f->session_path, "{\"version\": 1}", -1, NULL));
  g_clear_object (&session);
  session = load_ok (f);
  g_assert_false (chiaro_session_get_was_clean (session));
}

static void
test_write_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ChiaroSession) session = NULL;
  g_autoptr(GFile) a = g_file_new_for_path ("/p/a");
  g_autoptr(GError) error = NULL;

  /* session.json is a folder: it cannot be read. */
  g_assert_cmpint (g_mkdir_with_parents (f->session_path, 0700), ==, 0);
  session = chiaro_session_new (f->data_dir);
  g_assert_false (chiaro_session_load (session, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, f->session_path));
  g_clear_error (&error);
  g_assert_false (chiaro_session_get_was_clean (session));

  /* …nor replaced. */
  g_assert_false (chiaro_session_begin (session, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, f->session_path));
  g_clear_error (&error);
  g_assert_false (chiaro_session_add_project (session, a, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (chiaro_session_end (session, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO);
  g_clear_error (&error);

  /* The data folder is a file. */
  g_clear_object (&session);
  chiaro_test_remove_tree (f->path);
  g_assert_true (g_file_set_contents (f->path, "a file", -1, NULL));
  session = chiaro_session_new (f->data_dir);
  g_assert_false (chiaro_session_begin (session, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, f->path));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/chiaro/session/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("first-run", test_first_run);
  ADD ("clean-run", test_clean_run);
  ADD ("crash", test_crash);
  ADD ("unusable", test_unusable);
  ADD ("unknown-members", test_unknown_members);
  ADD ("write-errors", test_write_errors);

#undef ADD

  return g_test_run ();
}
