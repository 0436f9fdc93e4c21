/* chiaro-test-util.c — helpers shared by the test programs
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chiaro-test-util.h"

static char *
build_path_va (const char *first_element,
               va_list     args)
{
  const char *root = g_getenv ("CHIARO_FIXTURES_DIR");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  g_assert_nonnull (root);

  g_ptr_array_add (parts, (gpointer) root);
  for (const char *part = first_element; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

/* The path of a file under ../shared/fixtures. */
char *
chiaro_test_fixture_path (const char *first_element,
                          ...)
{
  va_list args;
  char *path;

  va_start (args, first_element);
  path = build_path_va (first_element, args);
  va_end (args);

  return path;
}

GFile *
chiaro_test_fixture_file (const char *first_element,
                          ...)
{
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, first_element);
  path = build_path_va (first_element, args);
  va_end (args);

  return g_file_new_for_path (path);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The sorted paths of the files in a fixture folder whose names end with @suffix. */
GStrv
chiaro_test_list_fixtures (const char *folder,
                           const char *suffix)
{
  g_autofree char *dir_path = chiaro_test_fixture_path (folder, NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &error);
  const char *name;

  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)))
    {
      if (g_str_has_suffix (name, suffix))
        g_ptr_array_add (paths, g_build_filename (dir_path, name, NULL));
    }

  g_ptr_array_sort (paths, compare_strings);
  g_ptr_array_add (paths, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context until @condition holds; FALSE if it timed out first. */
gboolean
chiaro_test_wait_until (gboolean (*condition) (gpointer user_data),
                        gpointer   user_data,
                        guint      timeout_seconds)
{
  gboolean timed_out = FALSE;
  guint timeout_id;

  timeout_id = g_timeout_add_seconds (timeout_seconds, on_wait_timeout, &timed_out);

  while (!condition (user_data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (timeout_id);

  return !timed_out;
}

/* A #GAsyncReadyCallback that keeps a reference to the result in the #GAsyncResult pointer
 * @user_data points to, which must still be %NULL. */
void
chiaro_test_store_result (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

/* For chiaro_test_wait_until(): whether the #GAsyncResult pointer @user_data points to is set. */
gboolean
chiaro_test_has_result (gpointer user_data)
{
  return *(GAsyncResult **) user_data != NULL;
}

/* Runs the main context until chiaro_test_store_result() has filled @slot; the test fails
 * after a minute without it. */
void
chiaro_test_wait_for_result (GAsyncResult **slot)
{
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, slot, 60));
}

/* The bytes of a fixture file; the test fails when it cannot be read. */
GBytes *
chiaro_test_read_fixture (const char *folder,
                          const char *name)
{
  g_autofree char *path = chiaro_test_fixture_path (folder, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize size = 0;

  g_file_get_contents (path, &contents, &size, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, size);
}

char *
chiaro_test_fixture_base64 (const char *folder,
                            const char *name)
{
  g_autoptr(GBytes) bytes = chiaro_test_read_fixture (folder, name);

  return g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

GBytes *
chiaro_test_bytes_printf (const char *format,
                          ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return g_bytes_new_take (text, strlen (text));
}

GBytes *
chiaro_test_bytes_from_string (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* The JSON in @bytes; the test fails when it is not JSON. */
JsonNode *
chiaro_test_parse_json (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              &error);
  g_assert_no_error (error);
  return json_parser_steal_root (parser);
}

/* The node at a dotted path such as "generationConfig.imageConfig.aspectRatio" or
 * "contents.1.parts.0", or NULL. */
JsonNode *
chiaro_test_json_get_path (JsonNode   *root,
                           const char *path)
{
  g_auto(GStrv) steps = g_strsplit (path, ".", -1);
  JsonNode *node = root;

  for (guint i = 0; steps[i] != NULL && node != NULL; i++)
    {
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          node = json_object_get_member (json_node_get_object (node), steps[i]);
        }
      else if (JSON_NODE_HOLDS_ARRAY (node) && g_ascii_isdigit (steps[i][0]))
        {
          JsonArray *array = json_node_get_array (node);
          guint index = (guint) g_ascii_strtoull (steps[i], NULL, 10);

          node = index < json_array_get_length (array) ? json_array_get_element (array, index)
                                                       : NULL;
        }
      else
        {
          node = NULL;
        }
    }

  return node;
}

/* The string at a dotted path; the test fails when there is none. */
const char *
chiaro_test_json_get_string (JsonNode   *root,
                             const char *path)
{
  JsonNode *node = chiaro_test_json_get_path (root, path);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  return json_node_get_string (node);
}

/* Fails unless @folder holds exactly the files @names: a fixture added later must be covered
 * by a test before the suite passes again. */
void
chiaro_test_assert_fixtures_are (const char         *folder,
                                 const char * const *names)
{
  g_auto(GStrv) paths = chiaro_test_list_fixtures (folder, "");

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (paths[i]);

      g_test_message ("%s", base);
      g_assert_true (g_strv_contains (names, base));
    }
  g_assert_cmpuint (g_strv_length (paths), ==, g_strv_length ((char **) names));
}

/* Deletes @path and everything under it; a missing path is fine. Links are not followed. */
void
chiaro_test_remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = NULL;
      const char *name;

      /* A test may have left it without write permission. */
      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, NULL);
      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          chiaro_test_remove_tree (child);
        }
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    {
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
}

/* A path under the build folder for one test's files. The same name gives the same path, so
 * a test's subprocess finds its parent's files. */
char *
chiaro_test_data_path (const char *name)
{
  return g_test_build_filename (G_TEST_BUILT, "test-data", name, NULL);
}

/* The chiaro_test_data_path () of the running test, named after its test path, emptied of
 * what an earlier run left there (and not made). */
char *
chiaro_test_clean_data_path (void)
{
  g_autofree char *name = g_strdelimit (g_strdup (g_test_get_path () + 1), "/", '-');
  char *path = chiaro_test_data_path (name);

  chiaro_test_remove_tree (path);
  return path;
}

/* Whether chiaro_test_drop_root () can work: the tests run as root and may change user. File
 * permission tests need it, since root ignores file modes. */
gboolean
chiaro_test_can_drop_root (void)
{
  int status = 0;
  pid_t pid;

  if (geteuid () != 0)
    return FALSE;

  /* Only async-signal-safe calls in the child: the test may have threads. */
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (setgid (CHIARO_TEST_UNPRIVILEGED_ID) == 0 &&
           setuid (CHIARO_TEST_UNPRIVILEGED_ID) == 0 ? 0 : 1);

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* Becomes the unprivileged user for good (call it in a test subprocess only). */
void
chiaro_test_drop_root (void)
{
  g_assert_cmpint (setgroups (0, NULL), ==, 0);
  g_assert_cmpint (setgid (CHIARO_TEST_UNPRIVILEGED_ID), ==, 0);
  g_assert_cmpint (setuid (CHIARO_TEST_UNPRIVILEGED_ID), ==, 0);
  g_assert_cmpint (geteuid (), ==, CHIARO_TEST_UNPRIVILEGED_ID);
}

/* Makes @path, owned by the unprivileged user when running as root, with its parents up to
 * the build folder traversable by everyone. */
void
chiaro_test_make_dir_for_unprivileged (const char *path)
{
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  g_assert_cmpint (g_chmod (parent, 0755), ==, 0);
  if (geteuid () == 0)
    g_assert_cmpint (chown (path, CHIARO_TEST_UNPRIVILEGED_ID, CHIARO_TEST_UNPRIVILEGED_ID),
                     ==, 0);
}
