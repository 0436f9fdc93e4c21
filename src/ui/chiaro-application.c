/* chiaro-application.c — the application: actions, settings, session, windows
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application is the only place that wires objects together: it owns the settings, the
 * HTTP session, the model catalog and the session file, and hands them to its windows.
 *
 * Session: at startup it reads session.json, marks the run as not yet ended cleanly, and
 * reopens the projects of the last run when the user asked for it or that run crashed
 * (each in a window). Projects join the list as windows open them and leave it as windows
 * close, except the last window's and those closed by quitting, so that they come back
 * next time. A clean quit marks the run as ended cleanly.
 *
 * While any window has a request in flight or unsaved changes, the application stays
 * alive (g_application_hold) and asks the session manager not to log out without asking.
 *
 * Start-up benchmark (bench/bench-startup.c): with CHIARO_EXIT_AFTER_FIRST_FRAME set, the
 * first window prints "first frame" on standard output once it has painted for the first
 * time, and the application quits. Nothing else changes, and nothing happens without it.
 */

#define G_LOG_DOMAIN "chiaro-application"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <stdio.h>

#include "chiaro-document.h"
#include "chiaro-http-client.h"
#include "chiaro-model-catalog.h"
#include "chiaro-session.h"

#include "chiaro-application.h"
#include "chiaro-application-private.h"
#include "chiaro-preferences-window.h"
#include "chiaro-window.h"

struct _ChiaroApplication
{
  AdwApplication parent_instance;

  /* owned */
  GSettings *settings;
  SoupSession *session;
  ChiaroModelCatalog *catalog;
  ChiaroPresetLibrary *presets;
  ChiaroSession *project_session;
  GFile *data_dir;                 /* (nullable) where session.json lives; NULL: default */
  GPtrArray *to_restore;           /* (element-type GFile) (nullable) until restored */
  char *catalog_warning;           /* (nullable) why models.json was ignored, until shown */

  /* flags */
  guint inhibit_cookie;
  guint n_notifications;
  gboolean notifications_counted_only; /* tests: no notification server */
  gboolean held;                   /* a window is busy */
  gboolean quitting;
};

G_DEFINE_FINAL_TYPE (ChiaroApplication, chiaro_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_DATA_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Holds the application and inhibits logout while any window is busy. */
static void
update_busy (ChiaroApplication *self)
{
  gboolean busy = FALSE;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (CHIARO_IS_WINDOW (l->data) && chiaro_window_get_busy (CHIARO_WINDOW (l->data)))
      busy = TRUE;

  if (busy == self->held)
    return;

  self->held = busy;
  if (busy)
    {
      g_application_hold (G_APPLICATION (self));
      self->inhibit_cookie =
        gtk_application_inhibit (GTK_APPLICATION (self),
                                 gtk_application_get_active_window (GTK_APPLICATION (self)),
                                 GTK_APPLICATION_INHIBIT_LOGOUT,
                                 _("Images are being made or saved"));
    }
  else
    {
      if (self->inhibit_cookie != 0)
        gtk_application_uninhibit (GTK_APPLICATION (self), self->inhibit_cookie);
      self->inhibit_cookie = 0;
      g_application_release (G_APPLICATION (self));
    }
}

static gboolean
restore_projects (ChiaroApplication *self)
{
  g_autoptr(GPtrArray) projects = g_steal_pointer (&self->to_restore);

  if (projects == NULL || projects->len == 0)
    return FALSE;

  for (guint i = 0; i < projects->len; i++)
    {
      ChiaroWindow *window = chiaro_window_new (self);

      chiaro_window_open_project (window, g_ptr_array_index (projects, i), TRUE);
      gtk_window_present (GTK_WINDOW (window));
    }

  return TRUE;
}

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
present_window_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ChiaroApplication *self = CHIARO_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_window_by_id (GTK_APPLICATION (self),
                                                        g_variant_get_uint32 (parameter));

  if (window != NULL)
    gtk_window_present (window);
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

  /* The projects open now are the ones to reopen next time. */
  self->quitting = TRUE;

  /* Closing goes through close-request, which saves each window's state. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
}

/* For scripts (and the crash tests, which drive the real program over D-Bus): what typing
 * the prompt in the active window and pressing Send does, through the same controls. */
static void
send_prompt_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ChiaroApplication *self = CHIARO_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  ChiaroDocument *document;

  if (!CHIARO_IS_WINDOW (window))
    return;

  document = chiaro_window_get_document (CHIARO_WINDOW (window));
  if (document == NULL)
    {
      g_debug ("No project in the active window: nothing sent");
      return;
    }

  chiaro_document_set_prompt (document, g_variant_get_string (parameter, NULL));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL);
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "new-window", new_window_action },
  { "present-window", present_window_action, "u" },
  { "quit", quit_action },
  { "send-prompt", send_prompt_action, "s" },
};

static void
on_presets_loaded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* An unreadable file was set aside; the built-ins are there and saving works. */
  if (!chiaro_preset_library_load_finish (CHIARO_PRESET_LIBRARY (object), result, &error))
    g_message ("The saved presets were not loaded: %s", error->message);
}

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
  /* Every variant is its own request, and they all go out at once. */
  self->session = chiaro_http_session_new ();

  /* The user's catalog is a small file, read once here before any window exists. */
  self->catalog = chiaro_model_catalog_new_default_with_fallback (&self->catalog_warning);
  if (self->catalog_warning != NULL)
    g_message ("%s", self->catalog_warning);

  /* The prompt library, shared by the windows; the user's part is read on a worker. */
  {
    g_autoptr(GFile) presets_file = self->data_dir != NULL
                                    ? g_file_get_child (self->data_dir, "presets.json") : NULL;

    self->presets = chiaro_preset_library_new (presets_file);
    chiaro_preset_library_load_async (self->presets, NULL, on_presets_loaded, NULL);
  }

  g_signal_connect_object (self->settings, "changed::style-variant",
                           G_CALLBACK (apply_style_variant), self, G_CONNECT_SWAPPED);
  apply_style_variant (self);

  /* What the last run left, then this run's mark: not ended cleanly until it does. */
  self->project_session = chiaro_session_new (self->data_dir);
  if (!chiaro_session_load (self->project_session, &error))
    {
      g_message ("The last session is not restored: %s", error->message);
      g_clear_error (&error);
    }
  if (chiaro_session_should_restore (self->project_session,
                                     g_settings_get_boolean (self->settings, "restore-session")))
    self->to_restore = chiaro_session_dup_projects (self->project_session);
  if (!chiaro_session_begin (self->project_session, &error))
    g_message ("The session cannot be recorded: %s", error->message);
}

static void
chiaro_application_shutdown (GApplication *application)
{
  ChiaroApplication *self = CHIARO_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  if (self->project_session != NULL && !chiaro_session_end (self->project_session, &error))
    g_message ("The session end cannot be recorded: %s", error->message);

  G_APPLICATION_CLASS (chiaro_application_parent_class)->shutdown (application);
}

static void
on_first_paint (GdkFrameClock     *clock,
                ChiaroApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_paint, self);
  g_print ("first frame\n");
  fflush (stdout);
  g_application_quit (G_APPLICATION (self));
}

static void
on_first_window_realized (GtkWidget         *window,
                          ChiaroApplication *self)
{
  g_signal_handlers_disconnect_by_func (window, on_first_window_realized, self);
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (on_first_paint), self, 0);
}

static void
chiaro_application_window_added (GtkApplication *application,
                                 GtkWindow      *window)
{
  ChiaroApplication *self = CHIARO_APPLICATION (application);
  static gboolean first = TRUE;

  GTK_APPLICATION_CLASS (chiaro_application_parent_class)->window_added (application, window);

  if (CHIARO_IS_WINDOW (window))
    g_signal_connect_object (window, "notify::busy", G_CALLBACK (update_busy), application,
                             G_CONNECT_SWAPPED);

  /* A models.json that was ignored is said once, in the first window. */
  if (CHIARO_IS_WINDOW (window) && self->catalog_warning != NULL)
    {
      chiaro_window_show_error (CHIARO_WINDOW (window), self->catalog_warning);
      g_clear_pointer (&self->catalog_warning, g_free);
    }

  /* The start-up benchmark's probe: see the top of the file. */
  if (first && g_getenv ("CHIARO_EXIT_AFTER_FIRST_FRAME") != NULL)
    g_signal_connect_object (window, "realize", G_CALLBACK (on_first_window_realized),
                             application, 0);
  first = FALSE;
}

static void
chiaro_application_window_removed (GtkApplication *application,
                                   GtkWindow      *window)
{
  ChiaroApplication *self = CHIARO_APPLICATION (application);

  g_signal_handlers_disconnect_by_func (window, update_busy, application);
  GTK_APPLICATION_CLASS (chiaro_application_parent_class)->window_removed (application, window);
  update_busy (self);
}

static void
chiaro_application_activate (GApplication *application)
{
  ChiaroApplication *self = CHIARO_APPLICATION (application);
  GtkWindow *window;

  if (restore_projects (self))
    return;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
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

  restore_projects (self);

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
  g_clear_object (&self->presets);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->project_session);
  g_clear_object (&self->data_dir);
  g_clear_pointer (&self->to_restore, g_ptr_array_unref);
  g_free (self->catalog_warning);

  G_OBJECT_CLASS (chiaro_application_parent_class)->finalize (object);
}

static void
chiaro_application_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ChiaroApplication *self = CHIARO_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_object (value, self->data_dir);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_application_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ChiaroApplication *self = CHIARO_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_application_class_init (ChiaroApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_application_class = GTK_APPLICATION_CLASS (klass);

  object_class->finalize = chiaro_application_finalize;
  object_class->get_property = chiaro_application_get_property;
  object_class->set_property = chiaro_application_set_property;

  application_class->startup = chiaro_application_startup;
  application_class->shutdown = chiaro_application_shutdown;
  application_class->activate = chiaro_application_activate;
  application_class->open = chiaro_application_open;

  gtk_application_class->window_added = chiaro_application_window_added;
  gtk_application_class->window_removed = chiaro_application_window_removed;

  /**
   * ChiaroApplication:data-dir:
   *
   * Where session.json and the projects live; %NULL is `$XDG_DATA_HOME/chiaro`.
   */
  properties[PROP_DATA_DIR] =
    g_param_spec_object ("data-dir", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
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
 * chiaro_application_get_preset_library:
 * @self: a #ChiaroApplication
 *
 * Returns: (transfer none): the prompt library the windows share; valid after startup (the
 *   user's presets join it once read)
 */
ChiaroPresetLibrary *
chiaro_application_get_preset_library (ChiaroApplication *self)
{
  g_return_val_if_fail (CHIARO_IS_APPLICATION (self), NULL);

  return self->presets;
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

/**
 * chiaro_application_get_project_session:
 * @self: a #ChiaroApplication
 *
 * Returns: (transfer none): the list of open projects and the clean-shutdown mark; valid
 *   after startup
 */
ChiaroSession *
chiaro_application_get_project_session (ChiaroApplication *self)
{
  g_return_val_if_fail (CHIARO_IS_APPLICATION (self), NULL);

  return self->project_session;
}

/**
 * chiaro_application_add_project:
 * @self: a #ChiaroApplication
 * @dir: a project folder a window has opened
 *
 * Adds @dir to the session, so that it is restored after a crash.
 */
void
chiaro_application_add_project (ChiaroApplication *self,
                                GFile             *dir)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CHIARO_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (dir));

  if (self->project_session != NULL &&
      !chiaro_session_add_project (self->project_session, dir, &error))
    g_message ("The session cannot be recorded: %s", error->message);
}

/**
 * chiaro_application_remove_project:
 * @self: a #ChiaroApplication
 * @dir: a project folder no window shows any more
 *
 * Removes @dir from the session.
 */
void
chiaro_application_remove_project (ChiaroApplication *self,
                                   GFile             *dir)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CHIARO_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (dir));

  if (self->project_session != NULL &&
      !chiaro_session_remove_project (self->project_session, dir, &error))
    g_message ("The session cannot be recorded: %s", error->message);
}

/**
 * chiaro_application_close_project:
 * @self: a #ChiaroApplication
 * @window: the window that closes
 * @dir: the project folder it showed
 *
 * The project leaves the session, unless the application is quitting or @window is its
 * last window showing a project: the session then reopens it next time.
 */
void
chiaro_application_close_project (ChiaroApplication *self,
                                  ChiaroWindow      *window,
                                  GFile             *dir)
{
  g_return_if_fail (CHIARO_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (dir));

  if (self->quitting)
    return;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (l->data != window && CHIARO_IS_WINDOW (l->data) &&
        chiaro_window_get_document (CHIARO_WINDOW (l->data)) != NULL)
      {
        chiaro_application_remove_project (self, dir);
        return;
      }
}

/**
 * chiaro_application_send_notification:
 * @self: a #ChiaroApplication
 * @id: the notification's id
 * @notification: what to show
 *
 * Shows a desktop notification (g_application_send_notification), and counts it.
 */
void
chiaro_application_send_notification (ChiaroApplication *self,
                                      const char        *id,
                                      GNotification     *notification)
{
  g_return_if_fail (CHIARO_IS_APPLICATION (self));
  g_return_if_fail (G_IS_NOTIFICATION (notification));

  self->n_notifications++;
  if (!self->notifications_counted_only)
    g_application_send_notification (G_APPLICATION (self), id, notification);
}

/**
 * chiaro_application_get_n_notifications:
 * @self: a #ChiaroApplication
 *
 * Returns: how many notifications were sent (tests)
 */
guint
chiaro_application_get_n_notifications (ChiaroApplication *self)
{
  g_return_val_if_fail (CHIARO_IS_APPLICATION (self), 0);

  return self->n_notifications;
}

/**
 * chiaro_application_set_notifications_counted_only:
 * @self: a #ChiaroApplication
 * @counted_only: whether notifications are only counted
 *
 * Tests run without a notification server: their notifications are counted, not sent.
 */
void
chiaro_application_set_notifications_counted_only (ChiaroApplication *self,
                                                   gboolean           counted_only)
{
  g_return_if_fail (CHIARO_IS_APPLICATION (self));

  self->notifications_counted_only = !!counted_only;
}
