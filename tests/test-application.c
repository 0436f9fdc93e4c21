/* test-application.c — the application: command line, actions, shortcuts, settings
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chiaro-application.h"
#include "chiaro-document.h"
#include "chiaro-preferences-window.h"
#include "chiaro-session.h"
#include "chiaro-window.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"

static ChiaroApplication *application;

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static void
destroy_toplevels (GType type)
{
  GtkWindow *window;

  while ((window = find_toplevel (type)))
    gtk_window_destroy (window);
}

typedef struct
{
  int width;
  int height;
  char *title;
  guint poll_id;
} CommandLineResult;

static gboolean
check_command_line_window (gpointer user_data)
{
  CommandLineResult *result = user_data;
  ChiaroApplication *app = CHIARO_APPLICATION (g_application_get_default ());
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
  ChiaroWindow *window;
  GdkTexture *texture;

  if (windows == NULL || !CHIARO_IS_WINDOW (windows->data))
    return G_SOURCE_CONTINUE;

  window = windows->data;
  if (chiaro_window_get_loading (window))
    return G_SOURCE_CONTINUE;

  texture = chiaro_canvas_get_texture (chiaro_window_get_canvas (window));
  if (texture != NULL)
    {
      result->width = gdk_texture_get_width (texture);
      result->height = gdk_texture_get_height (texture);
    }
  result->title = g_strdup (gtk_window_get_title (GTK_WINDOW (window)));

  /* With its last window gone, the application returns from run(). */
  gtk_window_destroy (GTK_WINDOW (window));
  result->poll_id = 0;
  return G_SOURCE_REMOVE;
}

/* `chiaro photo.jpg` opens the photo upright in a window. */
static void
test_command_line_open (void)
{
  g_autoptr(ChiaroApplication) app = NULL;
  g_autofree char *path = chiaro_test_fixture_path ("images", "exif-orientation",
                                                    "Landscape_6.jpg", NULL);
  char *argv[] = { (char *) "chiaro", path, NULL };
  CommandLineResult result = { 0 };
  int status;

  /* Another id: the shared test application already holds this one's object path. */
  app = chiaro_test_new_application (APPLICATION_ID ".CommandLine", "command-line");
  g_application_set_default (G_APPLICATION (app));
  result.poll_id = g_timeout_add (20, check_command_line_window, &result);

  status = g_application_run (G_APPLICATION (app), 2, argv);

  g_application_set_default (G_APPLICATION (application));
  g_clear_handle_id (&result.poll_id, g_source_remove);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (result.width, ==, 1800);
  g_assert_cmpint (result.height, ==, 1200);
  g_assert_cmpstr (result.title, ==, "Landscape_6");
  g_free (result.title);
}

static void
collect_window_shortcuts (GHashTable *registered)
{
  ChiaroWindow *window = chiaro_window_new (application);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (GTK_IS_NAMED_ACTION (action))
            g_hash_table_insert (registered,
                                 g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action))),
                                 gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut)));
        }
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* gtk/help-overlay.ui lists exactly the shortcuts that are registered, with the same keys. */
static void
test_shortcuts_documented (void)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GHashTable) registered = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                            g_free, g_free);
  g_autoptr(GHashTable) documented = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                            g_free, NULL);
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (application));
  GSList *objects;

  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application),
                                                                     actions[i]);

      if (accels[0] != NULL)
        g_hash_table_insert (registered, g_strdup (actions[i]), g_strdup (accels[0]));
    }
  collect_window_shortcuts (registered);
  g_assert_true (g_hash_table_contains (registered, "win.open"));
  g_assert_true (g_hash_table_contains (registered, "app.quit"));

  builder = gtk_builder_new_from_resource (RESOURCE_PATH "/gtk/help-overlay.ui");
  objects = gtk_builder_get_objects (builder);
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *action_name = NULL;
      g_autofree char *accelerator = NULL;
      const char *expected;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;

      g_object_get (l->data, "action-name", &action_name, "accelerator", &accelerator, NULL);
      g_assert_nonnull (action_name);
      g_hash_table_add (documented, g_strdup (action_name));

      expected = g_hash_table_lookup (registered, action_name);
      if (expected == NULL)
        g_error ("%s is in the shortcuts window but has no shortcut", action_name);

      /* Window-class shortcuts are not known to the application: the overlay must name the
       * key itself, and it must be the one registered. */
      if (accelerator != NULL && accelerator[0] != '\0')
        {
          guint key, expected_key;
          GdkModifierType mods, expected_mods;

          g_assert_true (gtk_accelerator_parse (accelerator, &key, &mods));
          g_assert_true (gtk_accelerator_parse (expected, &expected_key, &expected_mods));
          g_assert_cmpuint (key, ==, expected_key);
          g_assert_cmpuint (mods, ==, expected_mods);
        }
      else
        {
          g_auto(GStrv) app_accels =
            gtk_application_get_accels_for_action (GTK_APPLICATION (application), action_name);

          if (app_accels[0] == NULL)
            g_error ("%s needs an accelerator in the shortcuts window", action_name);
        }
    }
  g_slist_free (objects);

  {
    GHashTableIter iter;
    const char *action_name;

    g_hash_table_iter_init (&iter, registered);
    while (g_hash_table_iter_next (&iter, (gpointer *) &action_name, NULL))
      if (!g_hash_table_contains (documented, action_name))
        g_error ("%s has a shortcut the shortcuts window does not list", action_name);
  }
}

/* The size a window is closed at is the size the next one opens at. */
static void
test_window_size_remembered (void)
{
  GSettings *settings = chiaro_application_get_settings (application);
  ChiaroWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 700);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  window = g_object_ref (chiaro_window_new (application));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 700);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  gtk_window_set_default_size (GTK_WINDOW (window), 820, 610);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));

  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  g_assert_finalize_object (window);
}

static void
test_preferences (void)
{
  GSettings *settings = chiaro_application_get_settings (application);
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *variant = NULL;
  GtkWindow *preferences;
  GtkWidget *row;

  g_action_group_activate_action (G_ACTION_GROUP (application), "preferences", NULL);
  preferences = find_toplevel (CHIARO_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (preferences)));
  chiaro_test_save_screenshot (GTK_WIDGET (preferences), "preferences.png");

  /* Picking "Dark" is saved and applied at once; the setting drives the row back too. */
  row = gtk_widget_get_ancestor (chiaro_test_find_label (GTK_WIDGET (preferences), "Style"),
                                 ADW_TYPE_COMBO_ROW);
  g_assert_nonnull (row);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 2);
  variant = g_settings_get_string (settings, "style-variant");
  g_assert_cmpstr (variant, ==, "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_FORCE_DARK);

  g_settings_set_string (settings, "style-variant", "light");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_FORCE_LIGHT);

  g_settings_reset (settings, "style-variant");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_DEFAULT);

  destroy_toplevels (CHIARO_TYPE_PREFERENCES_WINDOW);
}

static void
test_about (void)
{
  GtkWindow *about;

  g_action_group_activate_action (G_ACTION_GROUP (application), "about", NULL);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Chiaro");
  g_assert_nonnull (strstr (adw_about_window_get_debug_info (ADW_ABOUT_WINDOW (about)), "GTK 4."));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (about)));
  chiaro_test_save_screenshot (GTK_WIDGET (about), "about.png");

  destroy_toplevels (ADW_TYPE_ABOUT_WINDOW);
}

static gboolean
windows_are_idle (gpointer user_data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (user_data)); l; l = l->next)
    if (CHIARO_IS_WINDOW (l->data) && chiaro_window_get_loading (CHIARO_WINDOW (l->data)))
      return FALSE;

  return TRUE;
}

static gboolean
application_has_no_windows (gpointer user_data)
{
  return gtk_application_get_windows (GTK_APPLICATION (user_data)) == NULL;
}

/* Files given to a running instance fill an empty window first, then get windows of their own. */
static void
test_open_reuses_empty_window (void)
{
  ChiaroWindow *empty = chiaro_window_new (application);
  GFile *files[2];
  GList *windows;
  guint n_windows;

  files[0] = chiaro_test_fixture_file ("images", "exif-orientation", "Portrait_1.jpg", NULL);
  files[1] = chiaro_test_fixture_file ("images", "exif-orientation", "Landscape_1.jpg", NULL);

  gtk_window_present (GTK_WINDOW (empty));
  g_application_open (G_APPLICATION (application), files, 2, "");

  windows = gtk_application_get_windows (GTK_APPLICATION (application));
  n_windows = g_list_length (windows);
  g_assert_cmpuint (n_windows, ==, 2);
  g_assert_true (chiaro_test_wait_until (windows_are_idle, application, 30));

  /* The application's window list puts the newest first. */
  windows = gtk_application_get_windows (GTK_APPLICATION (application));
  g_assert_true (windows->next->data == empty);
  g_assert_true (g_file_equal (files[0], chiaro_window_get_file (empty)));
  g_assert_true (g_file_equal (files[1], chiaro_window_get_file (windows->data)));

  /* app.quit closes every window, each once its project is saved and unlocked. */
  g_action_group_activate_action (G_ACTION_GROUP (application), "quit", NULL);
  g_assert_true (chiaro_test_wait_until (application_has_no_windows, application, 30));

  g_object_unref (files[0]);
  g_object_unref (files[1]);
}

/* A project with the photo as its root and one prompt left unsent, saved and closed. */
static GFile *
make_project (ChiaroSession *session)
{
  g_autoptr(GFile) dir = chiaro_session_new_project_dir (session);
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation",
                                                      "Landscape_1.jpg");
  g_autoptr(ChiaroDocument) document = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  chiaro_document_open_async (dir, CHIARO_DOCUMENT_OPEN_CREATE, catalog, NULL,
                              chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &result, 30));
  document = chiaro_document_open_finish (result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  chiaro_document_set_root_image_async (document, photo, "Landscape_1.jpg", NULL,
                                        chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &result, 30));
  g_assert_true (chiaro_document_set_root_image_finish (document, result, &error));
  g_clear_object (&result);
  chiaro_document_set_prompt (document, "Left unsent when it crashed");

  chiaro_document_close_async (document, NULL, chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &result, 30));
  g_assert_true (chiaro_document_close_finish (document, result, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&dir);
}

typedef struct
{
  GFile *expected;
  char *prompt;
  gboolean had_image;
  guint n_windows;
  guint poll_id;
} RestoreResult;

static gboolean
check_restored_window (gpointer user_data)
{
  RestoreResult *result = user_data;
  ChiaroApplication *app = CHIARO_APPLICATION (g_application_get_default ());
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
  ChiaroDocument *document;
  ChiaroWindow *window;

  if (windows == NULL || !CHIARO_IS_WINDOW (windows->data))
    return G_SOURCE_CONTINUE;

  window = windows->data;
  document = chiaro_window_get_document (window);
  if (chiaro_window_get_loading (window) || document == NULL)
    return G_SOURCE_CONTINUE;

  result->n_windows = g_list_length (windows);
  g_assert_true (g_file_equal (chiaro_document_get_dir (document), result->expected));
  result->prompt = g_strdup (chiaro_document_get_prompt (document));
  result->had_image = chiaro_canvas_get_texture (chiaro_window_get_canvas (window)) != NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  result->poll_id = 0;
  return G_SOURCE_REMOVE;
}

/* A session.json left by a run that crashed with a project open: the next start opens the
 * project in a window, whatever restore-session says, and a clean quit marks the session
 * clean and keeps the project for next time. */
static void
test_crash_restore (void)
{
  g_autofree char *path = chiaro_test_data_path ("crash-restore-data");
  g_autoptr(GFile) data_dir = g_file_new_for_path (path);
  g_autoptr(ChiaroSession) crashed = NULL;
  g_autoptr(ChiaroSession) after = NULL;
  g_autoptr(ChiaroApplication) app = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;
  GSettings *settings = chiaro_application_get_settings (application);
  RestoreResult result = { 0 };
  char *argv[] = { (char *) "chiaro", NULL };
  int status;

  chiaro_test_remove_tree (path);
  crashed = chiaro_session_new (data_dir);
  g_assert_true (chiaro_session_load (crashed, &error));
  g_assert_true (chiaro_session_begin (crashed, &error));
  dir = make_project (crashed);
  g_assert_true (chiaro_session_add_project (crashed, dir, &error));
  g_assert_no_error (error);
  /* No chiaro_session_end: the run "crashed". */

  g_settings_set_boolean (settings, "restore-session", FALSE);
  app = g_object_new (CHIARO_TYPE_APPLICATION,
                      "application-id", APPLICATION_ID ".Restore",
                      "flags", G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN,
                      "resource-base-path", RESOURCE_PATH,
                      "data-dir", data_dir,
                      NULL);
  g_application_set_default (G_APPLICATION (app));
  result.expected = dir;
  result.poll_id = g_timeout_add (20, check_restored_window, &result);

  status = g_application_run (G_APPLICATION (app), 1, argv);

  g_application_set_default (G_APPLICATION (application));
  g_settings_reset (settings, "restore-session");
  g_clear_handle_id (&result.poll_id, g_source_remove);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (result.n_windows, ==, 1);
  g_assert_cmpstr (result.prompt, ==, "Left unsent when it crashed");
  g_assert_true (result.had_image);
  g_free (result.prompt);

  after = chiaro_session_new (data_dir);
  g_assert_true (chiaro_session_load (after, &error));
  g_assert_true (chiaro_session_get_was_clean (after));
  projects = chiaro_session_dup_projects (after);
  g_assert_cmpuint (projects->len, ==, 1);
  g_assert_true (g_file_equal (g_ptr_array_index (projects, 0), dir));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* A key from the environment: these windows never stop at the key page (test-preferences
   * covers it), and never touch the keyring. */
  g_setenv ("CHIARO_API_KEY", "test-key", TRUE);

  if (!(application = chiaro_test_create_application ()))
    return 0;

  g_test_add_func ("/chiaro/ui/application/command-line-open", test_command_line_open);
  g_test_add_func ("/chiaro/ui/application/shortcuts-documented", test_shortcuts_documented);
  g_test_add_func ("/chiaro/ui/application/window-size-remembered", test_window_size_remembered);
  g_test_add_func ("/chiaro/ui/application/preferences", test_preferences);
  g_test_add_func ("/chiaro/ui/application/about", test_about);
  g_test_add_func ("/chiaro/ui/application/crash-restore", test_crash_restore);
  g_test_add_func ("/chiaro/ui/application/open-reuses-empty-window",
                   test_open_reuses_empty_window);

  status = g_test_run ();

  g_clear_object (&application);
  return status;
}
