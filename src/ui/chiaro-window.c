/* chiaro-window.c — the main window: header bar, empty state and canvas
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files come in from the open dialog, a drop, or the command line (through the application).
 * Reading and decoding run on worker threads; the window only swaps the finished texture in.
 * A newer request cancels an older one, and a failure leaves the shown image as it was.
 *
 * While there is no API key for the configured service (none in the environment, none in the
 * keyring), the window shows the key page instead; it looks again when the service changes
 * and when the window becomes active (the key may have been saved in the preferences).
 */

#define G_LOG_DOMAIN "chiaro-window"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-api-key.h"
#include "chiaro-api-settings.h"
#include "chiaro-image.h"
#include "chiaro-key-page.h"

#include "chiaro-window.h"

struct _ChiaroWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkSpinner *spinner;
  GtkStack *stack;
  ChiaroKeyPage *key_page;
  ChiaroCanvas *canvas;

  /* owned */
  GSettings *settings;
  GFile *file;                     /* (nullable) the file shown */
  GCancellable *load_cancellable;  /* (nullable) the load under way */
  GCancellable *key_cancellable;   /* (nullable) the key lookup under way */
#if !GTK_CHECK_VERSION (4, 10, 0)
  GtkFileChooserNative *chooser;   /* (nullable) */
#endif

  /* flags */
  gboolean needs_key;              /* no key was found for the service */
};

G_DEFINE_FINAL_TYPE (ChiaroWindow, chiaro_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_FILE,
  PROP_LOADING,
  PROP_NEEDS_KEY,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What one open request carries through its two worker-thread steps. */
typedef struct
{
  ChiaroWindow *self;          /* (owned) */
  GFile *file;                 /* (owned) */
  GCancellable *cancellable;   /* (owned) */
  ChiaroImage *image;          /* (owned) (nullable) */
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->file);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->image);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadRequest, load_request_free)

static gboolean
request_is_current (LoadRequest *request)
{
  return request->self->load_cancellable == request->cancellable &&
         !g_cancellable_is_cancelled (request->cancellable);
}

/* The key page while a key is missing, else the image, else the empty state. */
static void
update_page (ChiaroWindow *self)
{
  const char *page = "empty";

  if (self->needs_key)
    page = "key";
  else if (chiaro_canvas_get_texture (self->canvas) != NULL)
    page = "canvas";

  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
set_needs_key (ChiaroWindow *self,
               gboolean      needs_key)
{
  if (self->needs_key == needs_key)
    return;

  self->needs_key = needs_key;
  update_page (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_KEY]);
}

static void
on_key_looked_up (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ChiaroWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  key = chiaro_api_key_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Without a keyring there is no key either; the page says why when saving fails. */
  if (error != NULL)
    g_debug ("No keyring: %s", error->message);

  g_clear_object (&self->key_cancellable);
  set_needs_key (self, key == NULL);
}

static void
check_key (ChiaroWindow *self)
{
  g_autofree char *provider = chiaro_api_settings_dup_provider (self->settings);
  g_autofree char *endpoint = chiaro_api_settings_dup_endpoint (self->settings);

  if (self->key_cancellable != NULL)
    g_cancellable_cancel (self->key_cancellable);
  g_clear_object (&self->key_cancellable);
  self->key_cancellable = g_cancellable_new ();

  chiaro_key_page_set_service (self->key_page, provider, endpoint);
  chiaro_api_key_lookup_async (provider, endpoint, self->key_cancellable, on_key_looked_up,
                               g_object_ref (self));
}

static void
on_is_active_changed (ChiaroWindow *self)
{
  if (self->needs_key && gtk_window_is_active (GTK_WINDOW (self)) &&
      !chiaro_key_page_get_saving (self->key_page))
    check_key (self);
}

static void
on_key_page_saved (ChiaroWindow *self)
{
  if (self->key_cancellable != NULL)
    g_cancellable_cancel (self->key_cancellable);
  g_clear_object (&self->key_cancellable);

  set_needs_key (self, FALSE);
}

static void
set_loading (ChiaroWindow *self,
             GCancellable *cancellable)
{
  gboolean was_loading = self->load_cancellable != NULL;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_set_object (&self->load_cancellable, cancellable);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), cancellable != NULL);
  gtk_spinner_set_spinning (self->spinner, cancellable != NULL);

  if (was_loading != (cancellable != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
finish_request (LoadRequest *request,
                GError      *error)
{
  ChiaroWindow *self = request->self;

  if (!request_is_current (request))
    return;

  set_loading (self, NULL);

  if (error != NULL)
    chiaro_window_show_error (self, error->message);
}

static void
show_image (LoadRequest *request,
            GdkPixbuf   *pixbuf)
{
  ChiaroWindow *self = request->self;
  g_autoptr(GdkTexture) texture = NULL;
  const char *name = chiaro_image_get_display_name (request->image);

  /* The pixbuf's pixels are shared, not copied, so this is cheap on the main thread. */
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  chiaro_canvas_set_texture (self->canvas, texture);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);

  adw_window_title_set_subtitle (self->window_title, name);
  gtk_window_set_title (GTK_WINDOW (self), name);
  update_page (self);

  if (g_set_object (&self->file, request->file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

static void
on_image_decoded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LoadRequest) request = user_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = chiaro_image_decode_finish (CHIARO_IMAGE (object), result, &error);

  if (pixbuf != NULL && request_is_current (request))
    show_image (request, pixbuf);

  finish_request (request, error);
}

static void
on_image_loaded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LoadRequest) request = user_data;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  ChiaroImage *image;

  request->image = chiaro_image_load_file_finish (result, &error);

  if (request->image == NULL || !request_is_current (request))
    {
      finish_request (request, error);
      return;
    }

  image = request->image;
  cancellable = request->cancellable;
  chiaro_image_decode_async (image, cancellable, on_image_decoded, g_steal_pointer (&request));
}

static void
remember_folder (ChiaroWindow *self,
                 GFile        *file)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *uri = NULL;

  if (parent == NULL)
    return;

  uri = g_file_get_uri (parent);
  g_settings_set_string (self->settings, "last-folder", uri);
}

static GtkFileFilter *
create_image_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_filter_add_mime_type (filter, "image/heic");
  gtk_file_filter_add_mime_type (filter, "image/heif");
  gtk_file_filter_add_mime_type (filter, "image/avif");

  return filter;
}

static GFile *
dup_last_folder (ChiaroWindow *self)
{
  g_autofree char *uri = g_settings_get_string (self->settings, "last-folder");

  if (uri[0] == '\0')
    return NULL;

  return g_file_new_for_uri (uri);
}

#if GTK_CHECK_VERSION (4, 10, 0)
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static void
on_open_dialog_ready (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ChiaroWindow) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (object), result, &error);
  if (file == NULL)
    {
      /* Dismissing the dialog is not an error worth a toast. */
      if (!g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) &&
          !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
        chiaro_window_show_error (self, error->message);
      return;
    }

  remember_folder (self, file);
  chiaro_window_open_file (self, file);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GtkFileFilter) filter = create_image_filter ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GFile) folder = dup_last_folder (self);

  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Open a Photo"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_default_filter (dialog, filter);
  if (folder != NULL)
    gtk_file_dialog_set_initial_folder (dialog, folder);

  gtk_file_dialog_open (dialog, GTK_WINDOW (self), NULL, on_open_dialog_ready,
                        g_object_ref (self));
}

G_GNUC_END_IGNORE_DEPRECATIONS
#else

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  ChiaroWindow *self = CHIARO_WINDOW (user_data);
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);

  if (file != NULL)
    {
      remember_folder (self, file);
      chiaro_window_open_file (self, file);
    }
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);
  g_autoptr(GFile) folder = dup_last_folder (self);
  g_autoptr(GtkFileFilter) filter = NULL;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  self->chooser = gtk_file_chooser_native_new (_("Open a Photo"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  filter = create_image_filter ();
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);

  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (on_chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

#endif

static gboolean
on_drop_target_drop (GtkDropTarget *target,
                     const GValue  *value,
                     double         x,
                     double         y,
                     ChiaroWindow  *self)
{
  GFile *file = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      if (files != NULL)
        file = files->data;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;

  chiaro_window_open_file (self, file);
  return TRUE;
}

static void
save_window_state (ChiaroWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);
}

static gboolean
chiaro_window_close_request (GtkWindow *window)
{
  save_window_state (CHIARO_WINDOW (window));

  return GTK_WINDOW_CLASS (chiaro_window_parent_class)->close_request (window);
}

static void
chiaro_window_dispose (GObject *object)
{
  ChiaroWindow *self = (ChiaroWindow *)object;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->key_cancellable != NULL)
    g_cancellable_cancel (self->key_cancellable);
  g_clear_object (&self->key_cancellable);

#if !GTK_CHECK_VERSION (4, 10, 0)
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
#endif

  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_WINDOW);

  G_OBJECT_CLASS (chiaro_window_parent_class)->dispose (object);
}

static void
chiaro_window_finalize (GObject *object)
{
  ChiaroWindow *self = (ChiaroWindow *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (chiaro_window_parent_class)->finalize (object);
}

static void
chiaro_window_constructed (GObject *object)
{
  ChiaroWindow *self = (ChiaroWindow *)object;

  G_OBJECT_CLASS (chiaro_window_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_object (self->settings, "changed::provider",
                           G_CALLBACK (check_key), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::endpoint",
                           G_CALLBACK (check_key), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);
  check_key (self);
}

static void
chiaro_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ChiaroWindow *self = CHIARO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, chiaro_window_get_loading (self));
      break;

    case PROP_NEEDS_KEY:
      g_value_set_boolean (value, chiaro_window_get_needs_key (self));
      break;

    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ChiaroWindow *self = CHIARO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_window_class_init (ChiaroWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = chiaro_window_constructed;
  object_class->dispose = chiaro_window_dispose;
  object_class->finalize = chiaro_window_finalize;
  object_class->get_property = chiaro_window_get_property;
  object_class->set_property = chiaro_window_set_property;

  window_class->close_request = chiaro_window_close_request;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_NEEDS_KEY] =
    g_param_spec_boolean ("needs-key", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CHIARO_TYPE_CANVAS);
  g_type_ensure (CHIARO_TYPE_KEY_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/chiaro-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, key_page);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, canvas);
  gtk_widget_class_bind_template_callback (widget_class, on_key_page_saved);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
}

static void
chiaro_window_init (ChiaroWindow *self)
{
  GtkDropTarget *drop_target;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop_target, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect_object (drop_target, "drop", G_CALLBACK (on_drop_target_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));
}

/**
 * chiaro_window_new:
 * @application: the application the window belongs to
 *
 * Returns: (transfer none): a new window, owned by the toplevel list until destroyed
 */
ChiaroWindow *
chiaro_window_new (ChiaroApplication *application)
{
  g_return_val_if_fail (CHIARO_IS_APPLICATION (application), NULL);

  return g_object_new (CHIARO_TYPE_WINDOW,
                       "application", application,
                       "settings", chiaro_application_get_settings (application),
                       NULL);
}

/**
 * chiaro_window_open_file:
 * @self: a #ChiaroWindow
 * @file: the image file to show
 *
 * Reads and decodes @file off the main thread and shows it. A load still under way is
 * cancelled. When @file cannot be shown, a toast says why and the window stays as it was.
 */
void
chiaro_window_open_file (ChiaroWindow *self,
                         GFile        *file)
{
  g_autoptr(GCancellable) cancellable = NULL;
  LoadRequest *request;

  g_return_if_fail (CHIARO_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  cancellable = g_cancellable_new ();
  set_loading (self, cancellable);

  request = g_new0 (LoadRequest, 1);
  request->self = g_object_ref (self);
  request->file = g_object_ref (file);
  request->cancellable = g_object_ref (cancellable);

  chiaro_image_load_file_async (file, cancellable, on_image_loaded, request);
}

/**
 * chiaro_window_get_file:
 * @self: a #ChiaroWindow
 *
 * Returns: (transfer none) (nullable): the file shown on the canvas
 */
GFile *
chiaro_window_get_file (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), NULL);

  return self->file;
}

/**
 * chiaro_window_get_loading:
 * @self: a #ChiaroWindow
 *
 * Returns: whether a file is being read or decoded
 */
gboolean
chiaro_window_get_loading (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), FALSE);

  return self->load_cancellable != NULL;
}

/**
 * chiaro_window_get_canvas:
 * @self: a #ChiaroWindow
 *
 * Returns: (transfer none): the window's canvas
 */
ChiaroCanvas *
chiaro_window_get_canvas (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), NULL);

  return self->canvas;
}

/**
 * chiaro_window_is_empty:
 * @self: a #ChiaroWindow
 *
 * Returns: whether the window shows nothing yet and is not loading, so it can take a file
 */
gboolean
chiaro_window_is_empty (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), FALSE);

  return self->file == NULL && self->load_cancellable == NULL;
}

/**
 * chiaro_window_show_error:
 * @self: a #ChiaroWindow
 * @message: a message for the user, as plain text
 *
 * Shows @message in a toast.
 */
void
chiaro_window_show_error (ChiaroWindow *self,
                          const char   *message)
{
  g_autofree char *markup = NULL;
  AdwToast *toast;

  g_return_if_fail (CHIARO_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  /* Toast titles are Pango markup, and file names may hold '&' or '<'. */
  markup = g_markup_escape_text (message, -1);
  toast = adw_toast_new (markup);
  adw_toast_set_timeout (toast, 8);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * chiaro_window_get_needs_key:
 * @self: a #ChiaroWindow
 *
 * Returns: whether no API key was found for the configured service, so the window asks
 *   for one
 */
gboolean
chiaro_window_get_needs_key (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), FALSE);

  return self->needs_key;
}
