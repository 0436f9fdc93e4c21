/* chiaro-application.c — the application: actions, settings, windows
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application is the only place that wires objects together: it owns the settings and
 * hands them to the windows it creates.
 */

#define G_LOG_DOMAIN "chiaro-application"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "chiaro-model-catalog.h"

#include "chiaro-application.h"
#include "chiaro-preferences-window.h"
#include "chiaro-window.h"

struct _ChiaroApplication
{
  AdwApplication parent_instance;

  /* owned */
  GSettings *settings;
  SoupSession *session;
  ChiaroModelCatalog *catalog;
};

G_DEFINE_FINAL_TYPE (ChiaroApplication, chiaro_application, ADW_TYPE_APPLICATION)

static void
apply_style_variant (ChiaroApplication *self)
{
  g_autofree char *variant = g_settings_get_string (self->settings, "style-variant");
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  if (g_str_equal (variant, "light"))
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_str_equal (variant, "dark"))
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
}

static ChiaroWindow *
dup_window_for_open (ChiaroApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* An empty window takes the file; otherwise the file gets a window of its own. */
  if (CHIARO_IS_WINDOW (active) && chiaro_window_is_empty (CHIARO_WINDOW (active)))
    return g_object_ref (CHIARO_WINDOW (active));

  return g_object_ref (chiaro_window_new (self));
}

static char *
dup_debug_info (void)
{
  return g_strdup_printf ("Chiaro %s (%s)\n"
                          "GLib %u.%u.%u\n"
                          "GTK %u.%u.%u\n"
                          "libadwaita %u.%u.%u\n"
                          "libsoup %u.%u.%u\n",
                          PACKAGE_VERSION, APPLICATION_ID,
                          glib_major_version, glib_minor_version, glib_micro_version,
                          gtk_get_major_version (), gtk_get_minor_version (),
                          gtk_get_micro_version (),
                          adw_get_major_version (), adw_get_minor_version (),
                          adw_get_micro_version (),
                          soup_get_major_version (), soup_get_minor_version (),
                          soup_get_micro_version ());
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  ChiaroApplication *self = CHIARO_APPLICATION (user_data);
  static const char *developers[] = { "The Chiaro authors", NULL };
  g_autofree char *debug_info = dup_debug_info ();
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", "Chiaro",
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("The Chiaro authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Edit photos by describing the change, with Google’s "
                                      "Gemini image models"),
                        "website", "https://github.com/chiaro/chiaro",
                        "issue-url", "https://github.com/chiaro/chiaro/issues",
                        "copyright", "© 2026 The Chiaro authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: replace with your names, one per line. */
                        "translator-credits", _("translator-credits"),
                        "debug-info", debug_info,
                        NULL);
  gtk_window_present (about);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ChiaroApplication *self = CHIARO_APPLICATION (user_data);
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *preferences;

  preferences = GTK_WINDOW (chiaro_preferences_window_new (self->settings, self->session,
                                                           self->catalog));
  gtk_window_set_transient_for (preferences, active);
  gtk_window_present (preferences);
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ChiaroApplication *self = CHIARO_APPLICATION (user_data);

  gtk_window_present (GTK_WINDOW (chiaro_window_new (self)));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ChiaroApplication *self = CHIARO_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing goes through close-request, which saves each window's state. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "new-window", new_window_action },
  { "quit", quit_action },
};

static void
chiaro_application_startup (GApplication *application)
{
  ChiaroApplication *self = CHIARO_APPLICATION (application);
  g_autoptr(GError) error = NULL;
  static const struct {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (chiaro_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           accels[i].action, accels[i].accels);

  self->settings = g_settings_new (BASE_APPLICATION_ID);
  self->session = soup_session_new ();

  /* The user's catalog is a small file, read once here before any window exists. */
  self->catalog = chiaro_model_catalog_new_default (&error);
  if (self->catalog == NULL)
    {
      g_message ("Using the built-in model list: %s", error->message);
      self->catalog = chiaro_model_catalog_new ();
    }

  g_signal_connect_object (self->settings, "changed::style-variant",
                           G_CALLBACK (apply_style_variant), self, G_CONNECT_SWAPPED);
  apply_style_variant (self);
}

static void
chiaro_application_activate (GApplication *application)
{
  ChiaroApplication *self = CHIARO_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (chiaro_window_new (self));

  gtk_window_present (window);
}

static void
chiaro_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  ChiaroApplication *self = CHIARO_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    {
      g_autoptr(ChiaroWindow) window = dup_window_for_open (self);

      chiaro_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
chiaro_application_finalize (GObject *object)
{
  ChiaroApplication *self = (ChiaroApplication *)object;

  g_clear_object (&self->catalog);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (chiaro_application_parent_class)->finalize (object);
}

static void
chiaro_application_class_init (ChiaroApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = chiaro_application_finalize;

  application_class->startup = chiaro_application_startup;
  application_class->activate = chiaro_application_activate;
  application_class->open = chiaro_application_open;
}

static void
chiaro_application_init (ChiaroApplication *self)
{
}

/**
 * chiaro_application_new:
 * @application_id: the application id
 * @flags: flags; %G_APPLICATION_HANDLES_OPEN is always added
 *
 * Returns: (transfer full): a new #ChiaroApplication
 */
ChiaroApplication *
chiaro_application_new (const char        *application_id,
                        GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  /* The development profile has its own id but shares resources with the stable one. */
  return g_object_new (CHIARO_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags | G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

/**
 * chiaro_application_get_settings:
 * @self: a #ChiaroApplication
 *
 * Returns: (transfer none): the application's settings; valid after startup
 */
GSettings *
chiaro_application_get_settings (ChiaroApplication *self)
{
  g_return_val_if_fail (CHIARO_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * chiaro_application_get_session:
 * @self: a #ChiaroApplication
 *
 * Returns: (transfer none): the one HTTP session of the application; valid after startup
 */
SoupSession *
chiaro_application_get_session (ChiaroApplication *self)
{
  g_return_val_if_fail (CHIARO_IS_APPLICATION (self), NULL);

  return self->session;
}

/**
 * chiaro_application_get_catalog:
 * @self: a #ChiaroApplication
 *
 * Returns: (transfer none): the model catalog, the user's file merged in; valid after startup
 */
ChiaroModelCatalog *
chiaro_application_get_catalog (ChiaroApplication *self)
{
  g_return_val_if_fail (CHIARO_IS_APPLICATION (self), NULL);

  return self->catalog;
}
