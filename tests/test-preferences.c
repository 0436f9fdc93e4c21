/* test-preferences.c — preferences and the first-run key page, in a real display
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The keyring is the real one: gnome-keyring under dbus-run-session, as build-aux/dev runs
 * the tests. Keys are filed under made-up addresses unique to each run, so runs and tests do
 * not see each other's keys. Without a keyring, the tests that need one are skipped.
 */

#include "config.h"

#include <string.h>

#include "chiaro-api-key.h"
#include "chiaro-application.h"
#include "chiaro-key-page.h"
#include "chiaro-mock-server.h"
#include "chiaro-preferences-window.h"
#include "chiaro-window.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"

static ChiaroApplication *application;
static gboolean keyring_available;

static const char *environment_keys[] = { "CHIARO_API_KEY", "GEMINI_API_KEY", "OPENAI_API_KEY",
                                          "CHIARO_ENDPOINT" };

static const char *api_settings[] = {
  "provider", "endpoint", "default-model", "default-aspect-ratio", "default-image-size",
  "default-variants", "max-attempts", "autosave-delay", "export-metadata", "restore-session",
  "style-variant",
};

static void
clean_environment (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (environment_keys); i++)
    g_unsetenv (environment_keys[i]);
}

static void
reset_settings (void)
{
  GSettings *settings = chiaro_application_get_settings (application);

  for (guint i = 0; i < G_N_ELEMENTS (api_settings); i++)
    g_settings_reset (settings, api_settings[i]);
}

/* An address no test shares, for keys filed in the keyring. */
static char *
unique_endpoint (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("https://chiaro-test-%s.invalid", uuid);
}

/* The widget the template gave @id, anywhere under @root. */
static GtkWidget *
find_by_id (GtkWidget  *root,
            const char *id)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_id (child, id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
get_child (ChiaroPreferencesWindow *window,
           const char              *name)
{
  GtkWidget *child = find_by_id (GTK_WIDGET (window), name);

  g_assert_nonnull (child);
  return child;
}

static const char *
group_description (ChiaroPreferencesWindow *window,
                   const char              *name)
{
  return adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (get_child (window, name)));
}

static const char *
combo_text (AdwComboRow *row)
{
  return gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (row)),
                                     adw_combo_row_get_selected (row));
}

static guint
combo_n_items (AdwComboRow *row)
{
  return g_list_model_get_n_items (adw_combo_row_get_model (row));
}

static double
spin_value (ChiaroPreferencesWindow *window,
            const char              *name)
{
  return gtk_spin_button_get_value (GTK_SPIN_BUTTON (get_child (window, name)));
}

static gboolean
preferences_idle (gpointer user_data)
{
  return !chiaro_preferences_window_get_busy (user_data);
}

static ChiaroPreferencesWindow *
create_preferences (void)
{
  ChiaroPreferencesWindow *window;

  window = chiaro_preferences_window_new (chiaro_application_get_settings (application),
                                          chiaro_application_get_session (application),
                                          chiaro_application_get_catalog (application));
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  g_assert_true (chiaro_test_wait_until (preferences_idle, window, 30));

  return window;
}

static void
destroy_preferences (ChiaroPreferencesWindow *window)
{
  g_assert_true (chiaro_test_wait_until (preferences_idle, window, 30));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_assert_true (chiaro_test_wait_for_paint (widget));
  chiaro_test_save_screenshot (widget, name);
}

static void
screenshot_dark (GtkWidget  *widget,
                 const char *name)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (widget, name);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
}

typedef struct
{
  gboolean done;
  char    *key;
  GError  *error;
} Lookup;

static void
on_looked_up (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup->key = chiaro_api_key_lookup_finish (result, &lookup->error);
  lookup->done = TRUE;
}

static void
on_keyring_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Lookup *lookup = user_data;

  if (g_task_get_source_tag (G_TASK (result)) == chiaro_api_key_store_async)
    chiaro_api_key_store_finish (result, &lookup->error);
  else
    chiaro_api_key_clear_finish (result, &lookup->error);
  lookup->done = TRUE;
}

static gboolean
lookup_done (gpointer user_data)
{
  return ((Lookup *) user_data)->done;
}

/* What libsecret finds for the service, as the rest of Chiaro would look it up. */
static char *
look_up_key (const char *provider,
             const char *endpoint)
{
  Lookup lookup = { 0 };

  chiaro_api_key_lookup_async (provider, endpoint, NULL, on_looked_up, &lookup);
  g_assert_true (chiaro_test_wait_until (lookup_done, &lookup, 30));
  g_assert_no_error (lookup.error);

  return lookup.key;
}

static void
forget_key (const char *provider,
            const char *endpoint)
{
  Lookup lookup = { 0 };

  chiaro_api_key_clear_async (provider, endpoint, NULL, on_keyring_done, &lookup);
  g_assert_true (chiaro_test_wait_until (lookup_done, &lookup, 30));
  g_assert_no_error (lookup.error);
}

/* Whether any regular file under @path holds @needle. */
static gboolean
tree_contains (const char *path,
               const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
          !g_file_get_contents (path, &contents, &length, NULL))
        return FALSE;

      for (gsize i = 0; i + strlen (needle) <= length; i++)
        {
          if (memcmp (contents + i, needle, strlen (needle)) == 0)
            return TRUE;
        }
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (!g_file_test (child, G_FILE_TEST_IS_SYMLINK) && tree_contains (child, needle))
        {
          g_test_message ("found in %s", child);
          return TRUE;
        }
    }

  return FALSE;
}

/* The key is in no setting and in no file the app or the tests could have written (keys are
 * made up at run time, so the test programs do not hold them either). */
static void
assert_key_nowhere_else (const char *key)
{
  GSettings *settings = chiaro_application_get_settings (application);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) names = NULL;
  const char *roots[] = {
    g_get_home_dir (), g_get_user_config_dir (), g_get_user_data_dir (),
    g_get_user_cache_dir (), g_get_user_state_dir (), g_get_user_runtime_dir (),
    g_getenv ("G_TEST_BUILDDIR"),
  };

  g_object_get (settings, "settings-schema", &schema, NULL);
  names = g_settings_schema_list_keys (schema);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, names[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (text, key));
    }

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      if (roots[i] != NULL)
        g_assert_false (tree_contains (roots[i], key));
    }
}

static gboolean
is_drawable_label (GtkWidget  *root,
                   const char *text)
{
  GtkWidget *label = chiaro_test_find_label (root, text);

  return label != NULL && gtk_widget_is_drawable (label);
}

/* issue 5: the key typed in the preferences is saved in the keyring, found there again, and
 * written nowhere else; removing it removes it. */
static void
test_key_saved_in_keyring (void)
{
  GSettings *settings = chiaro_application_get_settings (application);
  g_autofree char *endpoint = unique_endpoint ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *key = g_strconcat ("AQ.test-", uuid, NULL);
  g_autofree char *padded = g_strconcat ("  ", key, "\n", NULL);
  g_autofree char *found = NULL;
  g_autofree char *gone = NULL;
  ChiaroPreferencesWindow *window;
  GtkWidget *key_row;

  if (!keyring_available)
    {
      g_test_skip ("no keyring");
      return;
    }

  clean_environment ();
  g_settings_set_string (settings, "endpoint", endpoint);

  window = create_preferences ();
  key_row = get_child (window, "key_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "");
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (key_row)));
  g_assert_false (gtk_widget_is_sensitive (get_child (window, "clear_key_button")));

  /* Pasted with spaces around it, applied with Enter. */
  gtk_editable_set_text (GTK_EDITABLE (key_row), padded);
  g_signal_emit_by_name (key_row, "apply");
  g_assert_true (chiaro_preferences_window_get_busy (window));
  g_assert_true (chiaro_test_wait_until (preferences_idle, window, 30));
  g_assert_true (is_drawable_label (GTK_WIDGET (window), "API key saved in the keyring"));
  g_assert_true (gtk_widget_is_sensitive (get_child (window, "clear_key_button")));

  found = look_up_key ("gemini", endpoint);
  g_assert_cmpstr (found, ==, key);
  assert_key_nowhere_else (key);
  /* Filed for this service and address only. */
  g_clear_pointer (&found, g_free);
  found = look_up_key ("openai", endpoint);
  g_assert_null (found);
  screenshot (GTK_WIDGET (window), "preferences-key-saved.png");
  destroy_preferences (window);

  /* A new window finds it again. */
  window = create_preferences ();
  key_row = get_child (window, "key_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, key);

  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.clear-key", NULL);
  g_assert_true (chiaro_test_wait_until (preferences_idle, window, 30));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "");
  gone = look_up_key ("gemini", endpoint);
  g_assert_null (gone);
  destroy_preferences (window);

  reset_settings ();
}

/* A key from the environment wins, is shown read-only, and says where it comes from; so does
 * an address from CHIARO_ENDPOINT. */
static void
test_environment_read_only (void)
{
  ChiaroPreferencesWindow *window;
  GtkWidget *key_row;
  GtkWidget *endpoint_row;
  const char *description;

  clean_environment ();
  g_setenv ("GEMINI_API_KEY", "environment-key", TRUE);
  g_setenv ("CHIARO_ENDPOINT", "http://127.0.0.1:9999", TRUE);

  window = create_preferences ();
  key_row = get_child (window, "key_row");
  endpoint_row = get_child (window, "endpoint_row");

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "environment-key");
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (key_row)));
  description = group_description (window, "key_group");
  g_assert_nonnull (strstr (description, "GEMINI_API_KEY"));
  g_assert_false (gtk_widget_is_sensitive (get_child (window, "clear_key_button")));
  /* The key can still be tried. */
  g_assert_true (gtk_widget_is_sensitive (get_child (window, "test_button")));

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (endpoint_row)), ==,
                   "http://127.0.0.1:9999");
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (endpoint_row)));
  description = group_description (window, "service_group");
  g_assert_nonnull (strstr (description, "CHIARO_ENDPOINT"));
  g_assert_false (gtk_widget_is_sensitive (get_child (window, "reset_endpoint_button")));

  /* Applying changes nothing while the environment decides. */
  g_signal_emit_by_name (key_row, "apply");
  g_assert_false (chiaro_preferences_window_get_busy (window));
  screenshot (GTK_WIDGET (window), "preferences-environment.png");

  /* CHIARO_API_KEY comes before the provider's own variable. */
  g_setenv ("CHIARO_API_KEY", "chiaro-key", TRUE);
  g_settings_set_string (chiaro_application_get_settings (application), "provider", "openai");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "chiaro-key");
  description = group_description (window, "key_group");
  g_assert_nonnull (strstr (description, "CHIARO_API_KEY"));
  g_assert_false (gtk_widget_get_visible (get_child (window, "get_key_button")));

  destroy_preferences (window);
  clean_environment ();
  reset_settings ();
}

/* The address must be HTTPS, or plain HTTP to this computer; the service's own address is
 * stored as "". */
static void
test_endpoint_validation (void)
{
  GSettings *settings = chiaro_application_get_settings (application);
  ChiaroPreferencesWindow *window;
  GtkWidget *endpoint_row;
  g_autofree char *stored = NULL;

  clean_environment ();
  /* The key rows stay out of the keyring here. */
  g_setenv ("GEMINI_API_KEY", "environment-key", TRUE);
  g_settings_set_string (settings, "endpoint", "https://relay.example/v1");

  window = create_preferences ();
  endpoint_row = get_child (window, "endpoint_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (endpoint_row)), ==,
                   "https://relay.example/v1");

  gtk_editable_set_text (GTK_EDITABLE (endpoint_row), "http://example.com");
  g_signal_emit_by_name (endpoint_row, "apply");
  stored = g_settings_get_string (settings, "endpoint");
  g_assert_cmpstr (stored, ==, "https://relay.example/v1");
  g_assert_true (gtk_widget_has_css_class (endpoint_row, "error"));
  g_assert_true (gtk_widget_get_visible (get_child (window, "endpoint_error_label")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (get_child (window, "endpoint_error_label"))),
                   ==,
                   "Chiaro sends your key and images over HTTPS only. Plain HTTP is allowed to "
                   "this computer, not to “example.com”.");
  screenshot (GTK_WIDGET (window), "preferences-endpoint-refused.png");

  gtk_editable_set_text (GTK_EDITABLE (endpoint_row), "  http://127.0.0.1:8080/ ");
  g_signal_emit_by_name (endpoint_row, "apply");
  g_clear_pointer (&stored, g_free);
  stored = g_settings_get_string (settings, "endpoint");
  g_assert_cmpstr (stored, ==, "http://127.0.0.1:8080");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (endpoint_row)), ==,
                   "http://127.0.0.1:8080");
  g_assert_false (gtk_widget_has_css_class (endpoint_row, "error"));
  g_assert_false (gtk_widget_get_visible (get_child (window, "endpoint_error_label")));

  gtk_editable_set_text (GTK_EDITABLE (endpoint_row), "ftp://127.0.0.1/");
  g_signal_emit_by_name (endpoint_row, "apply");
  g_clear_pointer (&stored, g_free);
  stored = g_settings_get_string (settings, "endpoint");
  g_assert_cmpstr (stored, ==, "http://127.0.0.1:8080");
  g_assert_true (gtk_widget_has_css_class (endpoint_row, "error"));

  /* The service's own address follows the service. */
  gtk_editable_set_text (GTK_EDITABLE (endpoint_row),
                         "https://generativelanguage.googleapis.com/");
  g_signal_emit_by_name (endpoint_row, "apply");
  g_clear_pointer (&stored, g_free);
  stored = g_settings_get_string (settings, "endpoint");
  g_assert_cmpstr (stored, ==, "");
  g_assert_false (gtk_widget_is_sensitive (get_child (window, "reset_endpoint_button")));
  g_settings_set_string (settings, "provider", "openai");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (endpoint_row)), ==,
                   "https://openrouter.ai/api/v1");

  g_settings_set_string (settings, "endpoint", "https://relay.example/v1");
  g_assert_true (gtk_widget_is_sensitive (get_child (window, "reset_endpoint_button")));
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.reset-endpoint", NULL);
  g_clear_pointer (&stored, g_free);
  stored = g_settings_get_string (settings, "endpoint");
  g_assert_cmpstr (stored, ==, "");

  destroy_preferences (window);
  clean_environment ();
  reset_settings ();
}

static const char *
test_result (ChiaroPreferencesWindow *window)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (get_child (window, "test_row")));
}

static void
run_connection_test (ChiaroPreferencesWindow *window)
{
  g_assert_true (gtk_widget_is_sensitive (get_child (window, "test_button")));
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.test-connection", NULL);
  g_assert_true (chiaro_preferences_window_get_busy (window));
  g_assert_false (gtk_widget_is_sensitive (get_child (window, "test_button")));
  g_assert_true (chiaro_test_wait_until (preferences_idle, window, 30));
}

/* "Test" asks the mock with the key as typed: a good key is reported working, a bad one
 * with the reason the server gave. */
static void
test_connection (void)
{
  GSettings *settings = chiaro_application_get_settings (application);
  g_autoptr(ChiaroMockServer) mock = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *openai = NULL;
  ChiaroPreferencesWindow *window;
  ChiaroMockRequest *request;
  GtkWidget *key_row;
  GtkWidget *icon;

  if (!keyring_available)
    {
      g_test_skip ("no keyring");
      return;
    }

  clean_environment ();
  mock = chiaro_mock_server_new (NULL, &error);
  g_assert_no_error (error);
  chiaro_mock_server_listen (mock, 0, &error);
  g_assert_no_error (error);
  g_settings_set_string (settings, "endpoint", chiaro_mock_server_get_url (mock));

  window = create_preferences ();
  key_row = get_child (window, "key_row");
  icon = get_child (window, "test_icon");

  /* Nothing to test without a key. */
  g_assert_false (gtk_widget_is_sensitive (get_child (window, "test_button")));

  gtk_editable_set_text (GTK_EDITABLE (key_row), "good-key");
  run_connection_test (window);
  g_assert_cmpstr (test_result (window), ==, "The key works: Nano Banana 2 is ready.");
  g_assert_true (gtk_widget_get_visible (icon));
  g_assert_true (gtk_widget_has_css_class (icon, "success"));
  request = chiaro_mock_server_get_last_request (mock);
  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, "/v1beta/models/gemini-3.1-flash-image");
  g_assert_cmpstr (chiaro_mock_request_get_header (request, "x-goog-api-key"), ==, "good-key");
  screenshot (GTK_WIDGET (window), "preferences-test-ok.png");

  gtk_editable_set_text (GTK_EDITABLE (key_row), "bad");
  run_connection_test (window);
  g_assert_cmpstr (test_result (window), ==,
                   "The API key is not valid. Check the key in Preferences.");
  g_assert_true (gtk_widget_has_css_class (icon, "error"));
  g_assert_false (gtk_widget_has_css_class (icon, "success"));
  screenshot (GTK_WIDGET (window), "preferences-test-failed.png");
  screenshot_dark (GTK_WIDGET (window), "preferences-test-failed-dark.png");

  gtk_editable_set_text (GTK_EDITABLE (key_row), "good-key");
  chiaro_mock_server_push_scenario (mock, "403");
  run_connection_test (window);
  g_assert_cmpstr (test_result (window), ==,
                   "This API key has been suspended. Create a new key in Google AI Studio.");
  chiaro_mock_server_push_scenario (mock, "401");
  run_connection_test (window);
  g_assert_cmpstr (test_result (window), ==,
                   "The API key was not accepted. Check the key in Preferences.");

  /* An OpenAI-compatible server: its model list, with a Bearer token. */
  openai = g_strconcat (chiaro_mock_server_get_url (mock), "/v1beta/openai", NULL);
  g_settings_set_string (settings, "provider", "openai");
  g_settings_set_string (settings, "endpoint", openai);
  g_settings_set_string (settings, "default-model", "gemini-3-pro-image-preview");
  g_assert_true (chiaro_test_wait_until (preferences_idle, window, 30));
  /* Switching the service forgets the last result. */
  g_assert_false (gtk_widget_get_visible (icon));
  gtk_editable_set_text (GTK_EDITABLE (key_row), "good-key");
  run_connection_test (window);
  g_assert_cmpstr (test_result (window), ==,
                   "The key works: models/gemini-3-pro-image-preview is ready.");
  request = chiaro_mock_server_get_last_request (mock);
  g_assert_cmpstr (request->path, ==, "/v1beta/openai/models");
  g_assert_cmpstr (chiaro_mock_request_get_header (request, "Authorization"), ==,
                   "Bearer good-key");

  /* None of this saved the key. */
  g_assert_null (look_up_key ("openai", openai));

  destroy_preferences (window);
  reset_settings ();
}

/* Every row writes its setting, and follows it. */
static void
test_settings_bound (void)
{
  GSettings *settings = chiaro_application_get_settings (application);
  g_autoptr(GSettingsSchema) schema = NULL;
  ChiaroPreferencesWindow *window;
  AdwComboRow *model_row, *ratio_row, *size_row;
  g_autofree char *text = NULL;
  static const struct {
    const char *spin;
    const char *key;
    double      scale;
  } spins[] = {
    { "variants_spin", "default-variants", 1 },
    { "attempts_spin", "max-attempts", 1 },
    { "autosave_spin", "autosave-delay", 1000 },
  };

  clean_environment ();
  g_setenv ("GEMINI_API_KEY", "environment-key", TRUE);
  window = create_preferences ();
  g_object_get (settings, "settings-schema", &schema, NULL);

  /* The spin buttons take exactly the schema's ranges. */
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    {
      GtkSpinButton *spin = GTK_SPIN_BUTTON (get_child (window, spins[i].spin));
      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, spins[i].key);
      g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
      g_autoptr(GVariant) limits = NULL;
      GtkAdjustment *adjustment;
      const char *type;
      double lower, upper;

      g_variant_get (range, "(&sv)", &type, &limits);
      g_assert_cmpstr (type, ==, "range");
      if (g_variant_is_of_type (limits, G_VARIANT_TYPE ("(ii)")))
        {
          int min, max;

          g_variant_get (limits, "(ii)", &min, &max);
          lower = min;
          upper = max;
        }
      else
        {
          guint32 min, max;

          g_variant_get (limits, "(uu)", &min, &max);
          lower = min;
          upper = max;
        }
      adjustment = gtk_spin_button_get_adjustment (spin);
      g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_lower (adjustment) * spins[i].scale,
                                      lower, 0.001);
      g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_upper (adjustment) * spins[i].scale,
                                      upper, 0.001);
    }

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_child (window, "variants_spin")), 4);
  g_assert_cmpint (g_settings_get_int (settings, "default-variants"), ==, 4);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_child (window, "attempts_spin")), 2);
  g_assert_cmpint (g_settings_get_int (settings, "max-attempts"), ==, 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_child (window, "autosave_spin")), 2.5);
  g_assert_cmpuint (g_settings_get_uint (settings, "autosave-delay"), ==, 2500);
  gtk_switch_set_active (GTK_SWITCH (get_child (window, "restore_switch")), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "restore-session"));
  gtk_switch_set_active (GTK_SWITCH (get_child (window, "metadata_switch")), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "export-metadata"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_child (window, "provider_row")), 1);
  text = g_settings_get_string (settings, "provider");
  g_assert_cmpstr (text, ==, "openai");

  /* And back: the rows follow the settings. */
  g_settings_set_int (settings, "default-variants", 7);
  g_assert_cmpfloat (spin_value (window, "variants_spin"), ==, 7);
  g_settings_set_uint (settings, "autosave-delay", 500);
  g_assert_cmpfloat_with_epsilon (spin_value (window, "autosave_spin"), 0.5, 0.001);
  g_settings_set_boolean (settings, "restore-session", TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (get_child (window, "restore_switch"))));
  g_settings_set_string (settings, "provider", "gemini");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (get_child (window, "provider_row"))),
                    ==, 0);

  /* The model row lists the catalog; ratio and resolution offer what the model accepts. */
  model_row = ADW_COMBO_ROW (get_child (window, "model_row"));
  ratio_row = ADW_COMBO_ROW (get_child (window, "ratio_row"));
  size_row = ADW_COMBO_ROW (get_child (window, "size_row"));
  g_assert_cmpuint (combo_n_items (model_row), ==, 3);
  g_assert_cmpstr (combo_text (model_row), ==, "Nano Banana 2");
  g_assert_cmpuint (combo_n_items (ratio_row), ==, 15);
  g_assert_cmpuint (adw_combo_row_get_selected (ratio_row), ==, 0);
  g_assert_cmpuint (combo_n_items (size_row), ==, 4);
  g_assert_cmpstr (combo_text (size_row), ==, "1K");

  adw_combo_row_set_selected (ratio_row, 14);
  g_clear_pointer (&text, g_free);
  text = g_settings_get_string (settings, "default-aspect-ratio");
  g_assert_cmpstr (text, ==, "8:1");
  adw_combo_row_set_selected (size_row, 0);
  g_clear_pointer (&text, g_free);
  text = g_settings_get_string (settings, "default-image-size");
  g_assert_cmpstr (text, ==, "512");

  /* Nano Banana Pro: ten ratios, no 512; what it does not take shows as what it will use. */
  adw_combo_row_set_selected (model_row, 1);
  g_clear_pointer (&text, g_free);
  text = g_settings_get_string (settings, "default-model");
  g_assert_cmpstr (text, ==, "gemini-3-pro-image");
  g_assert_cmpuint (combo_n_items (ratio_row), ==, 11);
  g_assert_cmpuint (adw_combo_row_get_selected (ratio_row), ==, 0);
  g_assert_cmpuint (combo_n_items (size_row), ==, 3);
  g_assert_cmpstr (combo_text (size_row), ==, "1K");
  /* Showing it changed no setting. */
  g_clear_pointer (&text, g_free);
  text = g_settings_get_string (settings, "default-aspect-ratio");
  g_assert_cmpstr (text, ==, "8:1");
  g_settings_set_string (settings, "default-image-size", "4K");
  g_assert_cmpstr (combo_text (size_row), ==, "4K");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "generation");
  screenshot (GTK_WIDGET (window), "preferences-generation.png");

  /* Nano Banana has one output size: no resolution row. */
  g_settings_set_string (settings, "default-model", "gemini-2.5-flash-image");
  g_assert_cmpuint (adw_combo_row_get_selected (model_row), ==, 2);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (size_row)));

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "general");
  screenshot (GTK_WIDGET (window), "preferences-general.png");
  screenshot_dark (GTK_WIDGET (window), "preferences-general-dark.png");
  destroy_preferences (window);

  /* An id the catalog does not list stays choosable, under its id. */
  g_settings_set_string (settings, "default-model", "gemini-9-image-experimental");
  window = create_preferences ();
  model_row = ADW_COMBO_ROW (get_child (window, "model_row"));
  g_assert_cmpuint (combo_n_items (model_row), ==, 4);
  g_assert_cmpstr (combo_text (model_row), ==, "gemini-9-image-experimental");
  destroy_preferences (window);

  clean_environment ();
  reset_settings ();
}

static gboolean
window_needs_key (gpointer user_data)
{
  return chiaro_window_get_needs_key (user_data);
}

static gboolean
window_has_key (gpointer user_data)
{
  return !chiaro_window_get_needs_key (user_data);
}

/* First run: no key anywhere, the window asks for one; saving it puts it in the keyring and
 * the window goes on to its empty state. */
static void
test_first_run (void)
{
  GSettings *settings = chiaro_application_get_settings (application);
  g_autofree char *endpoint = unique_endpoint ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *key = g_strconcat ("first-run-", uuid, NULL);
  g_autofree char *padded = g_strconcat (" ", key, " ", NULL);
  g_autofree char *found = NULL;
  ChiaroWindow *window;
  ChiaroKeyPage *page;
  GtkWidget *save_button;
  GtkWidget *key_row;

  if (!keyring_available)
    {
      g_test_skip ("no keyring");
      return;
    }

  clean_environment ();
  g_settings_set_string (settings, "endpoint", endpoint);

  window = g_object_ref (chiaro_window_new (application));
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 680);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (chiaro_test_wait_until (window_needs_key, window, 30));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));

  g_assert_true (is_drawable_label (GTK_WIDGET (window), "Connect to Gemini"));
  g_assert_false (is_drawable_label (GTK_WIDGET (window), "New from Prompt"));
  page = CHIARO_KEY_PAGE (gtk_widget_get_ancestor (chiaro_test_find_label (GTK_WIDGET (window),
                                                                           "Connect to Gemini"),
                                                   CHIARO_TYPE_KEY_PAGE));
  g_assert_nonnull (page);
  key_row = find_by_id (GTK_WIDGET (page), "key_row");
  g_assert_true (is_drawable_label (GTK_WIDGET (window), "Get a Key From Google AI Studio"));
  screenshot (GTK_WIDGET (window), "key-page.png");
  screenshot_dark (GTK_WIDGET (window), "key-page-dark.png");

  /* Nothing to save yet. */
  save_button = find_by_id (GTK_WIDGET (page), "save_button");
  g_assert_nonnull (save_button);
  g_assert_false (gtk_widget_is_sensitive (save_button));
  gtk_widget_activate_action (GTK_WIDGET (page), "key-page.save", NULL);
  g_assert_false (chiaro_key_page_get_saving (page));

  gtk_editable_set_text (GTK_EDITABLE (key_row), padded);
  g_signal_emit_by_name (key_row, "entry-activated");
  g_assert_true (chiaro_key_page_get_saving (page));
  g_assert_true (chiaro_test_wait_until (window_has_key, window, 30));
  g_assert_false (chiaro_key_page_get_saving (page));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  g_assert_true (is_drawable_label (GTK_WIDGET (window), "New from Prompt"));
  g_assert_false (is_drawable_label (GTK_WIDGET (window), "Connect to Gemini"));

  found = look_up_key ("gemini", endpoint);
  g_assert_cmpstr (found, ==, key);
  assert_key_nowhere_else (key);

  /* Another service without a key asks again, in its own words. */
  g_settings_set_string (settings, "provider", "openai");
  g_assert_true (chiaro_test_wait_until (window_needs_key, window, 30));
  g_assert_true (is_drawable_label (GTK_WIDGET (window), "Connect to Your Image Service"));
  g_assert_false (is_drawable_label (GTK_WIDGET (window), "Get a Key From Google AI Studio"));

  /* A key in the environment counts. */
  g_setenv ("OPENAI_API_KEY", "environment-key", TRUE);
  g_settings_set_string (settings, "endpoint", "https://other.invalid");
  g_assert_true (chiaro_test_wait_until (window_has_key, window, 30));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  forget_key ("gemini", endpoint);
  clean_environment ();
  reset_settings ();
}

/* Whether the keyring takes and gives back a key: a session bus with an unlocked
 * gnome-keyring, as build-aux/dev test starts. */
static gboolean
probe_keyring (void)
{
  g_autofree char *endpoint = unique_endpoint ();
  Lookup stored = { 0 };
  Lookup lookup = { 0 };

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return FALSE;

  chiaro_api_key_store_async ("gemini", endpoint, "probe", NULL, on_keyring_done, &stored);
  if (!chiaro_test_wait_until (lookup_done, &stored, 20) || stored.error != NULL)
    {
      g_test_message ("keyring: %s", stored.error != NULL ? stored.error->message : "timeout");
      g_clear_error (&stored.error);
      return FALSE;
    }

  chiaro_api_key_lookup_async ("gemini", endpoint, NULL, on_looked_up, &lookup);
  if (!chiaro_test_wait_until (lookup_done, &lookup, 20) || g_strcmp0 (lookup.key, "probe") != 0)
    {
      g_clear_error (&lookup.error);
      g_free (lookup.key);
      return FALSE;
    }
  g_free (lookup.key);

  forget_key ("gemini", endpoint);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  clean_environment ();

  if (!(application = chiaro_test_create_application ()))
    return 0;

  keyring_available = probe_keyring ();

  g_test_add_func ("/chiaro/ui/preferences/key-saved-in-keyring", test_key_saved_in_keyring);
  g_test_add_func ("/chiaro/ui/preferences/environment-read-only", test_environment_read_only);
  g_test_add_func ("/chiaro/ui/preferences/endpoint-validation", test_endpoint_validation);
  g_test_add_func ("/chiaro/ui/preferences/test-connection", test_connection);
  g_test_add_func ("/chiaro/ui/preferences/settings-bound", test_settings_bound);
  g_test_add_func ("/chiaro/ui/preferences/first-run", test_first_run);

  status = g_test_run ();

  g_clear_object (&application);
  return status;
}
