/* chiaro-preferences-window.c — the preferences window
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything but the key is a GSettings key, bound to its row. The key goes to the keyring
 * (chiaro-api-key.h), filed under the service and the address it is for, and nowhere else:
 * not in the settings, not in a log line. A key given by an environment variable wins over
 * the keyring; the row then shows it read-only and says where it comes from.
 *
 * "Test" sends one request that needs the key but makes no image (chiaro-connection-check.h)
 * with the key as typed, so a key can be tried before it is saved.
 */

#define G_LOG_DOMAIN "chiaro-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-api-error.h"
#include "chiaro-api-key.h"
#include "chiaro-api-settings.h"
#include "chiaro-connection-check.h"

#include "chiaro-preferences-window.h"

/* A connection test that takes longer than this has failed as far as the user is concerned. */
#define TEST_TIMEOUT_S 30

struct _ChiaroPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* template children */
  AdwPreferencesGroup *service_group;
  AdwComboRow *provider_row;
  AdwEntryRow *endpoint_row;
  GtkLabel *endpoint_error_label;
  AdwPreferencesGroup *key_group;
  GtkWidget *get_key_button;
  AdwEntryRow *key_row;
  AdwActionRow *test_row;
  GtkImage *test_icon;
  GtkSpinner *test_spinner;
  AdwComboRow *model_row;
  AdwComboRow *ratio_row;
  AdwComboRow *size_row;
  GtkSpinButton *variants_spin;
  GtkSpinButton *attempts_spin;
  GtkSpinButton *autosave_spin;
  GtkSwitch *restore_switch;
  GtkSwitch *metadata_switch;
  AdwComboRow *style_row;

  /* owned */
  GSettings *settings;
  SoupSession *session;
  ChiaroModelCatalog *catalog;
  ChiaroHttpClient *http;
  GCancellable *key_cancellable;    /* (nullable) the keyring call under way */
  GCancellable *test_cancellable;   /* (nullable) the connection test under way */
  GPtrArray *model_ids;             /* (element-type utf8) the model row's items */
  GPtrArray *ratios;                /* (element-type utf8) the aspect ratio row's items */
  GPtrArray *sizes;                 /* (element-type utf8) the resolution row's items */
  char *provider;                   /* the service the key row is for */
  char *endpoint;                   /* the address the key row is for */

  /* flags */
  gboolean key_stored;              /* the keyring has a key for provider and endpoint */
  gboolean updating;                /* rows are being filled from the settings */
};

G_DEFINE_FINAL_TYPE (ChiaroPreferencesWindow, chiaro_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_SESSION,
  PROP_CATALOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The combo rows' positions, in the order of the .ui's string lists. */
static const char *style_variants[] = { "follow", "light", "dark", NULL };
static const char *providers[] = { "gemini", "openai", NULL };

static void
show_toast (ChiaroPreferencesWindow *self,
            const char              *message)
{
  g_autofree char *markup = g_markup_escape_text (message, -1);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (markup));
}

static gboolean
string_to_position (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *names = user_data;
  const char *name = g_variant_get_string (variant, NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (name, names[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  return FALSE;
}

static GVariant *
position_to_string (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *names = user_data;
  guint position = g_value_get_uint (value);

  if (position >= g_strv_length ((char **) names))
    return NULL;

  return g_variant_new_string (names[position]);
}

/* The autosave delay is kept in milliseconds and shown in seconds. */
static gboolean
milliseconds_to_seconds (GValue   *value,
                         GVariant *variant,
                         gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant) / 1000.0);
  return TRUE;
}

static GVariant *
seconds_to_milliseconds (const GValue       *value,
                         const GVariantType *expected_type,
                         gpointer            user_data)
{
  double seconds = g_value_get_double (value);

  return g_variant_new_uint32 ((guint32) CLAMP (seconds * 1000.0 + 0.5, 200, 60000));
}

static void
update_actions (ChiaroPreferencesWindow *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "endpoint");
  gboolean from_environment = chiaro_api_settings_get_key_variable (self->provider) != NULL;
  gboolean key_busy = self->key_cancellable != NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->key_row));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.clear-key",
                                 !from_environment && !key_busy && self->key_stored);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.test-connection",
                                 self->test_cancellable == NULL && *text != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.reset-endpoint",
                                 chiaro_api_settings_get_endpoint_variable () == NULL &&
                                 *endpoint != '\0');
}

/* The key */

static void
set_key_description (ChiaroPreferencesWindow *self,
                     const char              *description)
{
  adw_preferences_group_set_description (self->key_group, description);
}

static void
describe_stored_key (ChiaroPreferencesWindow *self)
{
  if (self->key_stored)
    set_key_description (self, _("The key is kept in your keyring, for this service and "
                                 "address only."));
  else
    set_key_description (self, _("Paste your key and press Enter. It is kept in your keyring, "
                                 "never in a file."));
}

/* The key as typed, without the spaces a paste may bring along. */
static char *
dup_typed_key (ChiaroPreferencesWindow *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->key_row))));
}

static void
set_key_text (ChiaroPreferencesWindow *self,
              const char              *key)
{
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), key != NULL ? key : "");
}

static void
finish_key_call (ChiaroPreferencesWindow *self)
{
  g_clear_object (&self->key_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), TRUE);
  update_actions (self);
}

static GCancellable *
start_key_call (ChiaroPreferencesWindow *self)
{
  if (self->key_cancellable != NULL)
    g_cancellable_cancel (self->key_cancellable);
  g_clear_object (&self->key_cancellable);
  self->key_cancellable = g_cancellable_new ();
  update_actions (self);

  return self->key_cancellable;
}

static void
on_key_looked_up (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ChiaroPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  key = chiaro_api_key_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->key_stored = key != NULL;
  set_key_text (self, key);
  if (error != NULL)
    {
      g_autofree char *description = NULL;

      /* Translators: %s says why, as the keyring service puts it. */
      description = g_strdup_printf (_("The keyring cannot be reached: %s"), error->message);
      set_key_description (self, description);
    }
  else
    describe_stored_key (self);

  finish_key_call (self);
}

/* Shows the key for the service and address the settings name: the environment's, read-only,
 * or the keyring's. */
static void
load_key (ChiaroPreferencesWindow *self)
{
  const char *variable = chiaro_api_settings_get_key_variable (self->provider);
  GCancellable *cancellable;

  self->key_stored = FALSE;

  if (variable != NULL)
    {
      g_autofree char *key = chiaro_api_key_from_environment (self->provider);
      g_autofree char *description = NULL;

      if (self->key_cancellable != NULL)
        g_cancellable_cancel (self->key_cancellable);
      g_clear_object (&self->key_cancellable);

      set_key_text (self, key);
      gtk_editable_set_editable (GTK_EDITABLE (self->key_row), FALSE);
      /* Translators: %s is the name of an environment variable, such as GEMINI_API_KEY. */
      description = g_strdup_printf (_("The key comes from the environment variable %s, so it "
                                       "cannot be changed here."), variable);
      set_key_description (self, description);
      update_actions (self);
      return;
    }

  gtk_editable_set_editable (GTK_EDITABLE (self->key_row), TRUE);
  set_key_text (self, NULL);
  set_key_description (self, _("Looking for a saved key…"));
  cancellable = start_key_call (self);
  chiaro_api_key_lookup_async (self->provider, self->endpoint, cancellable, on_key_looked_up,
                               g_object_ref (self));
}

static void
on_key_stored (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ChiaroPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!chiaro_api_key_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      finish_key_call (self);
      show_toast (self, error->message);
      return;
    }

  self->key_stored = TRUE;
  describe_stored_key (self);
  finish_key_call (self);
  show_toast (self, _("API key saved in the keyring"));
}

static void
on_key_row_apply (ChiaroPreferencesWindow *self)
{
  g_autofree char *key = dup_typed_key (self);
  GCancellable *cancellable;

  if (chiaro_api_settings_get_key_variable (self->provider) != NULL)
    return;

  if (*key == '\0')
    {
      if (self->key_stored)
        gtk_widget_activate_action (GTK_WIDGET (self), "prefs.clear-key", NULL);
      return;
    }

  set_key_text (self, key);
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), FALSE);
  cancellable = start_key_call (self);
  chiaro_api_key_store_async (self->provider, self->endpoint, key, cancellable, on_key_stored,
                              g_object_ref (self));
}

static void
on_key_cleared (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ChiaroPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!chiaro_api_key_clear_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      finish_key_call (self);
      show_toast (self, error->message);
      return;
    }

  self->key_stored = FALSE;
  set_key_text (self, NULL);
  describe_stored_key (self);
  finish_key_call (self);
  show_toast (self, _("API key removed from the keyring"));
}

static void
clear_key_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ChiaroPreferencesWindow *self = CHIARO_PREFERENCES_WINDOW (widget);
  GCancellable *cancellable = start_key_call (self);

  chiaro_api_key_clear_async (self->provider, self->endpoint, cancellable, on_key_cleared,
                              g_object_ref (self));
}

/* The connection test */

static void
show_test_result (ChiaroPreferencesWindow *self,
                  gboolean                 ok,
                  const char              *message)
{
  GtkWidget *icon = GTK_WIDGET (self->test_icon);

  gtk_widget_remove_css_class (icon, ok ? "error" : "success");
  gtk_widget_add_css_class (icon, ok ? "success" : "error");
  gtk_image_set_from_icon_name (self->test_icon, ok ? "emblem-ok-symbolic"
                                                    : "dialog-error-symbolic");
  gtk_widget_set_visible (icon, TRUE);
  adw_action_row_set_subtitle (self->test_row, message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->test_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                  -1);
}

static void
on_connection_checked (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(ChiaroPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  g_autofree char *model = NULL;

  if (!chiaro_connection_check_finish (result, &name, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->test_cancellable);
  gtk_spinner_set_spinning (self->test_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  update_actions (self);

  if (error != NULL)
    {
      show_test_result (self, FALSE, error->message);
      return;
    }

  model = g_settings_get_string (self->settings, "default-model");
  if (name != NULL)
    /* Translators: %s is a model's name, such as “Nano Banana 2”. */
    message = g_strdup_printf (_("The key works: %s is ready."), name);
  else
    /* Translators: %s is a model id, such as “gemini-3.1-flash-image”. */
    message = g_strdup_printf (_("The key works, but the server does not list the model %s."),
                               model);
  show_test_result (self, TRUE, message);
}

static void
test_connection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ChiaroPreferencesWindow *self = CHIARO_PREFERENCES_WINDOW (widget);
  g_autofree char *key = dup_typed_key (self);
  g_autofree char *model = g_settings_get_string (self->settings, "default-model");

  g_assert (self->test_cancellable == NULL);

  self->test_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->test_icon), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_set_spinning (self->test_spinner, TRUE);
  adw_action_row_set_subtitle (self->test_row, _("Asking the server…"));
  update_actions (self);

  chiaro_connection_check_async (self->http, self->provider, self->endpoint, key, model,
                                 self->test_cancellable, on_connection_checked,
                                 g_object_ref (self));
}

static void
cancel_test (ChiaroPreferencesWindow *self)
{
  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  gtk_spinner_set_spinning (self->test_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_icon), FALSE);
  adw_action_row_set_subtitle (self->test_row, _("Checks the key and the server address "
                                                 "without making an image"));
}

/* The service and its address */

/* Says under the address row why it was not taken, or nothing. */
static void
show_endpoint_error (ChiaroPreferencesWindow *self,
                     const char              *message)
{
  GtkWidget *row = GTK_WIDGET (self->endpoint_row);

  gtk_label_set_text (self->endpoint_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->endpoint_error_label), message != NULL);

  if (message != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static void
load_service (ChiaroPreferencesWindow *self)
{
  const char *variable = chiaro_api_settings_get_endpoint_variable ();
  g_autofree char *provider = chiaro_api_settings_dup_provider (self->settings);
  g_autofree char *endpoint = chiaro_api_settings_dup_endpoint (self->settings);
  gboolean changed = g_strcmp0 (provider, self->provider) != 0 ||
                     g_strcmp0 (endpoint, self->endpoint) != 0;

  g_free (self->provider);
  self->provider = g_steal_pointer (&provider);
  g_free (self->endpoint);
  self->endpoint = g_steal_pointer (&endpoint);

  gtk_editable_set_text (GTK_EDITABLE (self->endpoint_row), self->endpoint);
  show_endpoint_error (self, NULL);
  gtk_editable_set_editable (GTK_EDITABLE (self->endpoint_row), variable == NULL);
  if (variable != NULL)
    {
      g_autofree char *description = NULL;

      /* Translators: %s is the name of an environment variable, CHIARO_ENDPOINT. */
      description = g_strdup_printf (_("The server address comes from the environment "
                                       "variable %s."), variable);
      adw_preferences_group_set_description (self->service_group, description);
    }
  else
    adw_preferences_group_set_description (self->service_group, NULL);

  gtk_widget_set_visible (self->get_key_button, g_str_equal (self->provider, "gemini"));

  if (changed)
    {
      cancel_test (self);
      load_key (self);
    }
  update_actions (self);
}

static void
on_endpoint_row_apply (ChiaroPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;

  if (chiaro_api_settings_get_endpoint_variable () != NULL)
    return;

  endpoint = chiaro_api_settings_normalize_endpoint (text, &error);
  if (endpoint == NULL)
    {
      show_endpoint_error (self, error->message);
      return;
    }

  /* The service's own address is stored as "", so it follows the service. */
  if (g_str_equal (endpoint, chiaro_api_settings_get_default_endpoint (self->provider)))
    g_settings_set_string (self->settings, "endpoint", "");
  else
    g_settings_set_string (self->settings, "endpoint", endpoint);

  /* The same address typed differently changes no setting: show the stored form anyway. */
  load_service (self);
}

static void
reset_endpoint_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ChiaroPreferencesWindow *self = CHIARO_PREFERENCES_WINDOW (widget);

  g_settings_reset (self->settings, "endpoint");
}

/* Generation defaults */

static gboolean
model_to_position (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  ChiaroPreferencesWindow *self = user_data;
  const char *id = g_variant_get_string (variant, NULL);
  guint position;

  if (!g_ptr_array_find_with_equal_func (self->model_ids, id, g_str_equal, &position))
    return FALSE;

  g_value_set_uint (value, position);
  return TRUE;
}

static GVariant *
position_to_model (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  ChiaroPreferencesWindow *self = user_data;
  guint position = g_value_get_uint (value);

  if (position >= self->model_ids->len)
    return NULL;

  return g_variant_new_string (g_ptr_array_index (self->model_ids, position));
}

static void
fill_models (ChiaroPreferencesWindow *self)
{
  g_auto(GStrv) ids = chiaro_model_catalog_dup_ids (self->catalog);
  g_autofree char *current = g_settings_get_string (self->settings, "default-model");
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(ChiaroModelInfo) info = chiaro_model_catalog_lookup (self->catalog, ids[i]);

      g_ptr_array_add (self->model_ids, g_strdup (ids[i]));
      gtk_string_list_append (names, chiaro_model_info_get_name (info));
    }

  /* An id set elsewhere that the catalog does not list stays choosable, under its id. */
  if (!g_ptr_array_find_with_equal_func (self->model_ids, current, g_str_equal, NULL))
    {
      g_ptr_array_add (self->model_ids, g_strdup (current));
      gtk_string_list_append (names, current);
    }

  adw_combo_row_set_model (self->model_row, G_LIST_MODEL (names));
}

static const char *
size_label (const char *size)
{
  /* Translators: the smallest output size, 512 pixels on the long side. */
  return g_str_equal (size, "512") ? _("0.5K") : size;
}

static void
select_value (AdwComboRow *row,
              GPtrArray   *values,
              const char  *value,
              guint        fallback)
{
  guint position;

  if (!g_ptr_array_find_with_equal_func (values, value, g_str_equal, &position))
    position = fallback;
  /* Most often the row itself wrote the setting, and already shows it. */
  if (adw_combo_row_get_selected (row) != position)
    adw_combo_row_set_selected (row, position);
}

/* Shows the settings' ratio and size, or what the model will use instead when it does not
 * accept them. */
static void
select_options (ChiaroPreferencesWindow *self)
{
  g_autofree char *model = g_settings_get_string (self->settings, "default-model");
  g_autofree char *ratio = g_settings_get_string (self->settings, "default-aspect-ratio");
  g_autofree char *size = g_settings_get_string (self->settings, "default-image-size");
  g_autoptr(ChiaroModelInfo) info = chiaro_model_catalog_lookup (self->catalog, model);
  const char *default_size = chiaro_model_info_get_default_size (info);
  guint size_fallback = 0;

  if (default_size != NULL)
    g_ptr_array_find_with_equal_func (self->sizes, default_size, g_str_equal, &size_fallback);

  self->updating = TRUE;
  select_value (self->ratio_row, self->ratios, ratio, 0);
  select_value (self->size_row, self->sizes, size, size_fallback);
  self->updating = FALSE;
}

/* Offers the ratios and sizes the default model accepts. */
static void
fill_options (ChiaroPreferencesWindow *self)
{
  g_autofree char *model = g_settings_get_string (self->settings, "default-model");
  g_autoptr(ChiaroModelInfo) info = chiaro_model_catalog_lookup (self->catalog, model);
  const char * const *ratios = chiaro_model_info_get_aspect_ratios (info);
  const char * const *sizes = chiaro_model_info_get_image_sizes (info);
  g_autoptr(GtkStringList) ratio_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) size_names = gtk_string_list_new (NULL);

  self->updating = TRUE;

  g_ptr_array_set_size (self->ratios, 0);
  g_ptr_array_add (self->ratios, g_strdup ("auto"));
  /* Translators: the aspect ratio of the input image, or one the model picks. */
  gtk_string_list_append (ratio_names, C_("aspect ratio", "Auto"));
  for (guint i = 0; ratios != NULL && ratios[i] != NULL; i++)
    {
      g_ptr_array_add (self->ratios, g_strdup (ratios[i]));
      gtk_string_list_append (ratio_names, ratios[i]);
    }
  adw_combo_row_set_model (self->ratio_row, G_LIST_MODEL (ratio_names));

  g_ptr_array_set_size (self->sizes, 0);
  for (guint i = 0; sizes != NULL && sizes[i] != NULL; i++)
    {
      g_ptr_array_add (self->sizes, g_strdup (sizes[i]));
      gtk_string_list_append (size_names, size_label (sizes[i]));
    }
  adw_combo_row_set_model (self->size_row, G_LIST_MODEL (size_names));
  /* Models with one output size offer no choice. */
  gtk_widget_set_visible (GTK_WIDGET (self->size_row), self->sizes->len > 0);

  self->updating = FALSE;

  select_options (self);
}

static void
on_ratio_row_selected (ChiaroPreferencesWindow *self)
{
  guint position = adw_combo_row_get_selected (self->ratio_row);

  if (self->updating || position >= self->ratios->len)
    return;

  g_settings_set_string (self->settings, "default-aspect-ratio",
                         g_ptr_array_index (self->ratios, position));
}

static void
on_size_row_selected (ChiaroPreferencesWindow *self)
{
  guint position = adw_combo_row_get_selected (self->size_row);

  if (self->updating || position >= self->sizes->len)
    return;

  g_settings_set_string (self->settings, "default-image-size",
                         g_ptr_array_index (self->sizes, position));
}

/* GObject */

static void
chiaro_preferences_window_constructed (GObject *object)
{
  ChiaroPreferencesWindow *self = (ChiaroPreferencesWindow *)object;

  G_OBJECT_CLASS (chiaro_preferences_window_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));
  g_assert (SOUP_IS_SESSION (self->session));
  g_assert (CHIARO_IS_MODEL_CATALOG (self->catalog));

  self->http = chiaro_http_client_new (self->session);
  chiaro_http_client_set_max_attempts (self->http, 1);
  chiaro_http_client_set_timeout (self->http, TEST_TIMEOUT_S);

  g_settings_bind_with_mapping (self->settings, "style-variant",
                                self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                string_to_position, position_to_string,
                                style_variants, NULL);
  g_settings_bind_with_mapping (self->settings, "provider",
                                self->provider_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                string_to_position, position_to_string,
                                providers, NULL);
  g_settings_bind (self->settings, "default-variants",
                   self->variants_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "max-attempts",
                   self->attempts_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "autosave-delay",
                                self->autosave_spin, "value",
                                G_SETTINGS_BIND_DEFAULT,
                                milliseconds_to_seconds, seconds_to_milliseconds,
                                NULL, NULL);
  g_settings_bind (self->settings, "restore-session",
                   self->restore_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "export-metadata",
                   self->metadata_switch, "active", G_SETTINGS_BIND_DEFAULT);

  fill_models (self);
  g_settings_bind_with_mapping (self->settings, "default-model",
                                self->model_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                model_to_position, position_to_model,
                                self, NULL);
  fill_options (self);

  g_signal_connect_object (self->settings, "changed::provider",
                           G_CALLBACK (load_service), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::endpoint",
                           G_CALLBACK (load_service), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::default-model",
                           G_CALLBACK (fill_options), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::default-aspect-ratio",
                           G_CALLBACK (select_options), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::default-image-size",
                           G_CALLBACK (select_options), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ratio_row, "notify::selected",
                           G_CALLBACK (on_ratio_row_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->size_row, "notify::selected",
                           G_CALLBACK (on_size_row_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->key_row, "notify::text",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  load_service (self);
}

static void
chiaro_preferences_window_dispose (GObject *object)
{
  ChiaroPreferencesWindow *self = (ChiaroPreferencesWindow *)object;

  if (self->key_cancellable != NULL)
    g_cancellable_cancel (self->key_cancellable);
  g_clear_object (&self->key_cancellable);
  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);

  /* Its mapping reads this window, which the row may outlive. */
  if (self->model_row != NULL)
    g_settings_unbind (self->model_row, "selected");

  gtk_widget_dispose_template (GTK_WIDGET (object), CHIARO_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (chiaro_preferences_window_parent_class)->dispose (object);
}

static void
chiaro_preferences_window_finalize (GObject *object)
{
  ChiaroPreferencesWindow *self = (ChiaroPreferencesWindow *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_object (&self->catalog);
  g_clear_object (&self->http);
  g_clear_pointer (&self->model_ids, g_ptr_array_unref);
  g_clear_pointer (&self->ratios, g_ptr_array_unref);
  g_clear_pointer (&self->sizes, g_ptr_array_unref);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->endpoint, g_free);

  G_OBJECT_CLASS (chiaro_preferences_window_parent_class)->finalize (object);
}

static void
chiaro_preferences_window_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  ChiaroPreferencesWindow *self = CHIARO_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_preferences_window_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  ChiaroPreferencesWindow *self = CHIARO_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_preferences_window_class_init (ChiaroPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = chiaro_preferences_window_constructed;
  object_class->dispose = chiaro_preferences_window_dispose;
  object_class->finalize = chiaro_preferences_window_finalize;
  object_class->get_property = chiaro_preferences_window_get_property;
  object_class->set_property = chiaro_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SOUP_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL,
                         CHIARO_TYPE_MODEL_CATALOG,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, service_group);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, provider_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow,
                                        endpoint_error_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, key_group);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, get_key_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, key_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, test_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, test_icon);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, ratio_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, size_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, variants_spin);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, attempts_spin);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, autosave_spin);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, restore_switch);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, metadata_switch);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, style_row);
  gtk_widget_class_bind_template_callback (widget_class, on_key_row_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_endpoint_row_apply);

  gtk_widget_class_install_action (widget_class, "prefs.clear-key", NULL, clear_key_action);
  gtk_widget_class_install_action (widget_class, "prefs.test-connection", NULL,
                                   test_connection_action);
  gtk_widget_class_install_action (widget_class, "prefs.reset-endpoint", NULL,
                                   reset_endpoint_action);
}

static void
chiaro_preferences_window_init (ChiaroPreferencesWindow *self)
{
  self->model_ids = g_ptr_array_new_with_free_func (g_free);
  self->ratios = g_ptr_array_new_with_free_func (g_free);
  self->sizes = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * chiaro_preferences_window_new:
 * @settings: the application's settings
 * @session: the application's HTTP session, for the connection test
 * @catalog: the models to offer
 *
 * Returns: (transfer none): a new preferences window bound to @settings
 */
ChiaroPreferencesWindow *
chiaro_preferences_window_new (GSettings          *settings,
                               SoupSession        *session,
                               ChiaroModelCatalog *catalog)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (CHIARO_IS_MODEL_CATALOG (catalog), NULL);

  return g_object_new (CHIARO_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       "session", session,
                       "catalog", catalog,
                       NULL);
}

/**
 * chiaro_preferences_window_get_busy:
 * @self: a #ChiaroPreferencesWindow
 *
 * Returns: whether a keyring call or a connection test is under way
 */
gboolean
chiaro_preferences_window_get_busy (ChiaroPreferencesWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_PREFERENCES_WINDOW (self), FALSE);

  return self->key_cancellable != NULL || self->test_cancellable != NULL;
}
