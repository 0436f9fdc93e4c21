/* test-presets.c — the preset library: built-ins, the user's presets on disk
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include <json-glib/json-glib.h>

#include "chiaro-preset-library-private.h"
#include "chiaro-preset-library.h"
#include "chiaro-test-util.h"

typedef struct
{
  char  *path;
  char  *file_path;
  GFile *file;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->path = chiaro_test_clean_data_path ();
  f->file_path = g_build_filename (f->path, "chiaro", "presets.json", NULL);
  f->file = g_file_new_for_path (f->file_path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->file);
  chiaro_test_remove_tree (f->path);
  g_free (f->path);
  g_free (f->file_path);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gboolean
load (ChiaroPresetLibrary  *library,
      GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_preset_library_load_async (library, NULL, store_result, &result);
  return chiaro_preset_library_load_finish (library, wait_for (&result), error);
}

static void
save_ok (ChiaroPresetLibrary *library)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  chiaro_preset_library_save_async (library, NULL, store_result, &result);
  g_assert_true (chiaro_preset_library_save_finish (library, wait_for (&result), &error));
  g_assert_no_error (error);
}

static ChiaroPreset *
item (ChiaroPresetLibrary *library,
      guint                position)
{
  ChiaroPreset *preset = g_list_model_get_item (G_LIST_MODEL (library), position);

  /* The library keeps it alive. */
  g_object_unref (preset);
  return preset;
}

static guint
count_category (ChiaroPresetLibrary *library,
                const char          *category)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (library)); i++)
    n += g_strcmp0 (chiaro_preset_get_category (item (library, i)), category) == 0;
  return n;
}

static void
test_builtins (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ChiaroPresetLibrary) library = chiaro_preset_library_new (f->file);
  g_autoptr(GError) error = NULL;
  ChiaroPreset *preset;

  /* A missing file is no user presets, and not an error. */
  g_assert_true (load (library, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (f->file_path, G_FILE_TEST_EXISTS));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library)), ==, 9);
  g_assert_cmpuint (count_category (library, CHIARO_PRESET_CATEGORY_RESTORATION), ==, 4);
  g_assert_cmpuint (count_category (library, CHIARO_PRESET_CATEGORY_PRODUCT), ==, 3);
  g_assert_cmpuint (count_category (library, CHIARO_PRESET_CATEGORY_SOCIAL), ==, 2);
  g_assert_cmpuint (count_category (library, CHIARO_PRESET_CATEGORY_MINE), ==, 0);

  preset = chiaro_preset_library_lookup (library, "restoration-faces");
  g_assert_nonnull (preset);
  g_assert_true (chiaro_preset_get_builtin (preset));
  g_assert_cmpstr (chiaro_preset_get_name (preset), ==, "Repair Faces");
  g_assert_nonnull (strstr (chiaro_preset_get_prompt (preset), "identity"));
  g_assert_null (chiaro_preset_get_aspect_ratio (preset));

  /* Built-ins cannot be renamed or removed. */
  g_assert_false (chiaro_preset_library_rename (library, preset, "Faces", &error));
  g_assert_error (error, CHIARO_PRESET_ERROR, CHIARO_PRESET_ERROR_BUILTIN);
  g_clear_error (&error);
  g_assert_cmpstr (chiaro_preset_get_name (preset), ==, "Repair Faces");
  g_assert_false (chiaro_preset_library_remove (library, preset, &error));
  g_assert_error (error, CHIARO_PRESET_ERROR, CHIARO_PRESET_ERROR_BUILTIN);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library)), ==, 9);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GString    *log)
{
  g_string_append_printf (log, "%u-%u+%u;", position, removed, added);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ChiaroPresetLibrary) library = chiaro_preset_library_new (f->file);
  g_autoptr(ChiaroPresetLibrary) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  ChiaroPreset *mine;
  ChiaroPreset *second;
  ChiaroPreset *again;
  g_autofree char *mine_id = NULL;
  g_autoptr(ChiaroPreset) held = NULL;
  GStatBuf st;

  g_assert_true (load (library, &error));
  g_signal_connect (library, "items-changed", G_CALLBACK (on_items_changed), log);

  mine = chiaro_preset_library_add (library, "  Autumn look ", "Make it autumn, warm light",
                                    "4:5", "2K", &error);
  g_assert_no_error (error);
  g_assert_nonnull (mine);
  second = chiaro_preset_library_add (library, "Plain", "Sharper", "auto", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, "9-0+1;10-0+1;");
  g_assert_cmpstr (chiaro_preset_get_name (mine), ==, "Autumn look");
  g_assert_cmpstr (chiaro_preset_get_category (mine), ==, CHIARO_PRESET_CATEGORY_MINE);
  g_assert_false (chiaro_preset_get_builtin (mine));
  g_assert_null (chiaro_preset_get_aspect_ratio (second));

  /* Bad input changes nothing. */
  g_assert_null (chiaro_preset_library_add (library, " ", "prompt", NULL, NULL, &error));
  g_assert_error (error, CHIARO_PRESET_ERROR, CHIARO_PRESET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (chiaro_preset_library_add (library, "name", "", NULL, NULL, &error));
  g_assert_error (error, CHIARO_PRESET_ERROR, CHIARO_PRESET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (chiaro_preset_library_rename (library, mine, "\t", &error));
  g_assert_error (error, CHIARO_PRESET_ERROR, CHIARO_PRESET_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library)), ==, 11);

  mine_id = g_strdup (chiaro_preset_get_id (mine));
  g_assert_true (chiaro_preset_library_rename (library, mine, "Autumn", &error));
  g_assert_no_error (error);
  save_ok (library);

  /* Only the user can read it. */
  g_assert_cmpint (g_stat (f->file_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A new library (after a restart) has them back. */
  reloaded = chiaro_preset_library_new (f->file);
  g_assert_true (load (reloaded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, 11);
  again = item (reloaded, 9);
  g_assert_cmpstr (chiaro_preset_get_id (again), ==, chiaro_preset_get_id (mine));
  g_assert_cmpstr (chiaro_preset_get_name (again), ==, "Autumn");
  g_assert_cmpstr (chiaro_preset_get_prompt (again), ==, "Make it autumn, warm light");
  g_assert_cmpstr (chiaro_preset_get_aspect_ratio (again), ==, "4:5");
  g_assert_cmpstr (chiaro_preset_get_image_size (again), ==, "2K");
  g_assert_cmpstr (chiaro_preset_get_category (again), ==, CHIARO_PRESET_CATEGORY_MINE);
  g_assert_false (chiaro_preset_get_builtin (again));
  g_assert_null (chiaro_preset_get_image_size (item (reloaded, 10)));

  /* Removing, saved, reloaded. */
  held = g_object_ref (again);
  g_assert_true (chiaro_preset_library_remove (reloaded, again, &error));
  g_assert_no_error (error);
  g_assert_false (chiaro_preset_library_remove (reloaded, again, &error));
  g_assert_error (error, CHIARO_PRESET_ERROR, CHIARO_PRESET_ERROR_INVALID);
  g_clear_error (&error);
  save_ok (reloaded);
  g_assert_true (load (library, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library)), ==, 10);
  g_assert_cmpstr (chiaro_preset_get_name (item (library, 9)), ==, "Plain");
  g_assert_null (chiaro_preset_library_lookup (library, mine_id));
  /* The reload replaced the user's part in one change. */
  g_assert_true (g_str_has_suffix (log->str, "9-2+1;"));
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  static const char *const bad[] = {
    "{ not json",
    "[]",
    "{\"version\": 2, \"presets\": []}",
    "{\"version\": 1, \"presets\": [{\"id\": \"a\", \"name\": \"A\"}]}",
    "{\"version\": 1, \"presets\": [{\"id\": \"a\", \"name\": \"A\", \"prompt\": \"p\"},"
    " {\"id\": \"a\", \"name\": \"B\", \"prompt\": \"q\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(ChiaroPresetLibrary) library = chiaro_preset_library_new (f->file);
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_path_get_dirname (f->file_path);
      g_autofree char *kept = NULL;
      g_autofree char *kept_path = NULL;
      g_autofree char *contents = NULL;
      GFile *set_aside;

      chiaro_test_remove_tree (f->path);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_true (g_file_set_contents (f->file_path, bad[i], -1, NULL));

      g_assert_false (load (library, &error));
      g_assert_error (error, CHIARO_PRESET_ERROR, CHIARO_PRESET_ERROR_CORRUPT);
      set_aside = chiaro_preset_library_get_set_aside (library);
      g_assert_nonnull (set_aside);
      kept = g_file_get_parse_name (set_aside);
      g_assert_nonnull (strstr (error->message, kept));

      /* The bad file is kept as it was, and a save does not touch it. */
      kept_path = g_file_get_path (set_aside);
      g_assert_true (g_str_has_prefix (kept_path, f->file_path));
      g_assert_nonnull (strstr (kept_path, ".unreadable-"));
      g_assert_false (g_file_test (f->file_path, G_FILE_TEST_EXISTS));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library)), ==, 9);
      g_assert_nonnull (chiaro_preset_library_add (library, "New", "p", NULL, NULL, NULL));
      save_ok (library);
      g_assert_true (g_file_get_contents (kept_path, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, bad[i]);
      g_clear_pointer (&contents, g_free);
      g_assert_true (g_file_get_contents (f->file_path, &contents, NULL, NULL));
      g_assert_nonnull (strstr (contents, "\"New\""));
    }
}

static void
test_io_errors (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ChiaroPresetLibrary) library = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = g_build_filename (f->path, "chiaro", NULL);

  /* The folder the file should be in is a file: nothing can be saved there or read. */
  g_assert_cmpint (g_mkdir_with_parents (f->path, 0700), ==, 0);
  g_assert_true (g_file_set_contents (blocker, "x", -1, NULL));

  library = chiaro_preset_library_new (f->file);
  g_assert_false (load (library, &error));
  g_assert_error (error, CHIARO_PRESET_ERROR, CHIARO_PRESET_ERROR_IO);
  g_assert_null (chiaro_preset_library_get_set_aside (library));
  g_clear_error (&error);

  g_assert_nonnull (chiaro_preset_library_add (library, "A", "b", NULL, NULL, NULL));
  chiaro_preset_library_save_async (library, NULL, store_result, &result);
  g_assert_false (chiaro_preset_library_save_finish (library, wait_for (&result), &error));
  g_assert_error (error, CHIARO_PRESET_ERROR, CHIARO_PRESET_ERROR_IO);
  g_assert_nonnull (strstr (error->message, f->path));
}

/* The built-in presets' names are translatable: the list marked for xgettext holds exactly
 * the ids and names of chiaro-presets.json (as compiled into the library), in order; the
 * file that holds it is in po/POTFILES.in; and xgettext, run as the po/ target runs it
 * (meson's glib preset), extracts every name with its context. */
static void
test_builtin_names_translatable (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(ChiaroPresetLibrary) library = chiaro_preset_library_new (f->file);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source_root = g_test_build_filename (G_TEST_DIST, "..", NULL);
  g_autofree char *source = g_build_filename (source_root, "src", "core",
                                              "chiaro-preset-library.c", NULL);
  g_autofree char *potfiles_path = g_build_filename (source_root, "po", "POTFILES.in", NULL);
  g_autofree char *potfiles = NULL;
  g_autofree char *pot = NULL;
  g_autofree char *xgettext = g_find_program_in_path ("xgettext");
  g_auto(GStrv) lines = NULL;
  JsonArray *presets;
  guint n;
  int status;

  g_assert_true (load (library, &error));
  g_assert_no_error (error);
  json = g_resources_lookup_data ("/io/github/chiaro/Chiaro/core/chiaro-presets.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (json, NULL),
                                             g_bytes_get_size (json), &error));
  presets = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "presets");

  for (n = 0; chiaro_preset_library_builtin_names[n].id != NULL; n++)
    {
      const ChiaroPresetBuiltinName *marked = &chiaro_preset_library_builtin_names[n];
      JsonObject *preset;

      g_assert_cmpuint (n, <, json_array_get_length (presets));
      preset = json_array_get_object_element (presets, n);
      g_assert_cmpstr (marked->id, ==, json_object_get_string_member (preset, "id"));
      g_assert_cmpstr (marked->name, ==, json_object_get_string_member (preset, "name"));
      /* What the library shows is the name through gettext (untranslated here, in C). */
      g_assert_cmpstr (chiaro_preset_get_name (chiaro_preset_library_lookup (library, marked->id)),
                       ==, marked->name);
    }
  g_assert_cmpuint (n, ==, json_array_get_length (presets));
  g_assert_cmpuint (n, ==, 9);

  g_assert_true (g_file_get_contents (potfiles_path, &potfiles, NULL, NULL));
  lines = g_strsplit (potfiles, "\n", -1);
  g_assert_true (g_strv_contains ((const char * const *) lines,
                                  "src/core/chiaro-preset-library.c"));

  if (xgettext == NULL)
    {
      g_test_skip ("xgettext is not installed");
      return;
    }
  {
    const char *argv[] = { xgettext, "--language=C", "--from-code=UTF-8", "--keyword=_",
                           "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
                           "--add-comments=Translators", "--output=-", source, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &pot, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, &error));
    g_assert_no_error (error);
  }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *entry = g_strdup_printf ("msgctxt \"preset\"\nmsgid \"%s\"\n",
                                                chiaro_preset_library_builtin_names[i].name);

      if (strstr (pot, entry) == NULL)
        g_error ("xgettext did not extract “%s”", chiaro_preset_library_builtin_names[i].name);
    }
  g_assert_nonnull (strstr (pot, "Translators: the names of the built-in presets"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/chiaro/presets/builtins", Fixture, NULL,
              fixture_set_up, test_builtins, fixture_tear_down);
  g_test_add ("/chiaro/presets/round-trip", Fixture, NULL,
              fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/chiaro/presets/corrupt", Fixture, NULL,
              fixture_set_up, test_corrupt, fixture_tear_down);
  g_test_add ("/chiaro/presets/io-errors", Fixture, NULL,
              fixture_set_up, test_io_errors, fixture_tear_down);
  g_test_add ("/chiaro/presets/builtin-names-translatable", Fixture, NULL,
              fixture_set_up, test_builtin_names_translatable, fixture_tear_down);

  return g_test_run ();
}
