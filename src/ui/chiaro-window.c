/* chiaro-window.c — the main window: a project's canvas, history, side panel and header bar
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A window shows one ChiaroDocument. Opening a photo reads and decodes it on worker threads
 * (a file that cannot be shown changes nothing), then makes a project for it in the session's
 * projects folder with the photo as the root. The canvas shows the history's cursor and, to
 * compare, its parent or an entry chosen in the strip; both are decoded by the image store
 * off the main thread, and a newer request cancels an older one.
 *
 * The window builds the document's provider from the settings and the key (the environment
 * or the keyring), and rebuilds it when the service, its address or the attempts change.
 * While there is no key for the configured service, the window shows the key page instead;
 * it looks again when the service changes and when the window becomes active.
 *
 * Closing asks first while a request is in flight or the project could not be saved, then
 * closes the document (which saves it and releases its lock) before the window goes.
 */

#define G_LOG_DOMAIN "chiaro-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-api-key.h"
#include "chiaro-api-settings.h"
#include "chiaro-conversation-view.h"
#include "chiaro-export-dialog.h"
#include "chiaro-gemini-provider.h"
#include "chiaro-generation-controls.h"
#include "chiaro-history-strip.h"
#include "chiaro-http-client.h"
#include "chiaro-image.h"
#include "chiaro-image-store.h"
#include "chiaro-key-page.h"
#include "chiaro-openai-provider.h"
#include "chiaro-pack-dialog.h"
#include "chiaro-preset-name.h"
#include "chiaro-project-error.h"
#include "chiaro-project-list.h"
#include "chiaro-projects-view.h"
#include "chiaro-reference-tray.h"
#include "chiaro-session.h"

#include "chiaro-window.h"

struct _ChiaroWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkSpinner *spinner;
  GtkWidget *open_button;
  GtkWidget *history_buttons;
  GtkStack *stack;
  AdwBin *projects_bin;
  ChiaroKeyPage *key_page;
  GtkPaned *editor_paned;
  ChiaroCanvas *canvas;
  AdwStatusPage *blank_page;
  GtkMenuButton *compare_button;
  GtkLabel *compare_label;
  GtkButton *zoom_button;
  ChiaroHistoryStrip *history_strip;
  ChiaroConversationView *conversation_view;
  ChiaroReferenceTray *reference_tray;
  ChiaroGenerationControls *generation_controls;

  /* owned */
  GSettings *settings;
  ChiaroApplication *application;
  ChiaroDocument *document;        /* (nullable) */
  ChiaroProjectsView *projects_view; /* (nullable) the start page, once the application is known */
  GSignalGroup *document_signals;
  GSignalGroup *history_signals;
  GSignalGroup *sends_signals;
  GFile *file;                     /* (nullable) the photo last opened */
  GCancellable *load_cancellable;  /* (nullable) the open under way */
  GCancellable *key_cancellable;   /* (nullable) the key lookup under way */
  GCancellable *image_cancellable; /* (nullable) the cursor's decode under way */
  GCancellable *compare_cancellable; /* (nullable) the compare image's decode under way */
  char *key;                       /* (nullable) the API key found for the service */
  char *shown_hash;                /* (nullable) the image on the canvas */
  char *compare_hash;              /* (nullable) the compare image on the canvas */
  ChiaroHistoryEntry *compare_entry; /* (nullable) chosen in the strip; NULL: the parent */
#if !GTK_CHECK_VERSION (4, 10, 0)
  GtkFileChooserNative *chooser;   /* (nullable) */
#endif

  /* flags */
  gboolean needs_key;              /* no key was found for the service */
  gboolean busy;                   /* sends in flight or unsaved changes */
  gboolean closing;                /* the document is being closed before the window goes */
  gboolean close_confirmed;
};

G_DEFINE_FINAL_TYPE (ChiaroWindow, chiaro_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_COMPARE_MODE,
  PROP_DOCUMENT,
  PROP_FILE,
  PROP_LOADING,
  PROP_NEEDS_KEY,
  PROP_SAFE_ZONES,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What one open request carries through its steps. */
typedef struct
{
  ChiaroWindow *self;          /* (owned) */
  GFile *file;                 /* (owned) the photo, or the project folder */
  GCancellable *cancellable;   /* (owned) */
  ChiaroImage *image;          /* (owned) (nullable) */
  GdkPixbuf *pixbuf;           /* (owned) (nullable) */
  ChiaroDocument *document;    /* (owned) (nullable) */
  gboolean restored;           /* a project of the last session */
} LoadRequest;

static void set_document_internal (ChiaroWindow   *self,
                                   ChiaroDocument *document,
                                   GdkPixbuf      *root_pixbuf);

static void
load_request_free (LoadRequest *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->file);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->image);
  g_clear_object (&request->pixbuf);
  g_clear_object (&request->document);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadRequest, load_request_free)

static gboolean
request_is_current (LoadRequest *request)
{
  return request->self->load_cancellable == request->cancellable &&
         !g_cancellable_is_cancelled (request->cancellable);
}

static ChiaroHistory *
get_history (ChiaroWindow *self)
{
  return self->document != NULL ? chiaro_document_get_history (self->document) : NULL;
}

/* The key page while a key is missing, else the project, else the projects start page. */
static void
update_page (ChiaroWindow *self)
{
  const char *page = "projects";

  if (self->needs_key)
    page = "key";
  else if (self->document != NULL)
    page = "editor";

  /* The start page has its own buttons for new projects, and nothing to undo. */
  gtk_widget_set_visible (self->open_button, !g_str_equal (page, "projects"));
  gtk_widget_set_visible (self->history_buttons, !g_str_equal (page, "projects"));
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
notify_loading (ChiaroWindow *self,
                gboolean      was_loading)
{
  gboolean loading = chiaro_window_get_loading (self);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  gtk_spinner_set_spinning (self->spinner, loading);

  if (was_loading != loading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
replace_cancellable (ChiaroWindow  *self,
                     GCancellable **slot,
                     GCancellable  *cancellable)
{
  gboolean was_loading = chiaro_window_get_loading (self);

  if (*slot != NULL)
    g_cancellable_cancel (*slot);
  g_set_object (slot, cancellable);

  notify_loading (self, was_loading);
}

/* Provider */

static void
update_provider (ChiaroWindow *self)
{
  g_autofree char *provider_name = NULL;
  g_autofree char *endpoint = NULL;
  g_autoptr(ChiaroHttpClient) http = NULL;
  g_autoptr(ChiaroProvider) provider = NULL;

  if (self->document == NULL)
    return;

  if (self->key == NULL)
    {
      chiaro_document_set_provider (self->document, NULL, NULL);
      return;
    }

  provider_name = chiaro_api_settings_dup_provider (self->settings);
  endpoint = chiaro_api_settings_dup_endpoint (self->settings);

  http = chiaro_http_client_new (chiaro_application_get_session (self->application));
  chiaro_http_client_set_max_attempts (http, MAX (g_settings_get_int (self->settings,
                                                                       "max-attempts"), 1));
  if (g_str_equal (provider_name, "openai"))
    provider = chiaro_openai_provider_new (http, endpoint, self->key);
  else
    provider = chiaro_gemini_provider_new (http, endpoint, self->key);

  chiaro_document_set_provider (self->document, provider,
                                g_str_equal (provider_name, "openai") ? "openai" : "gemini");
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
  g_free (self->key);
  self->key = g_steal_pointer (&key);
  update_provider (self);
  set_needs_key (self, self->key == NULL);
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
  const char *notification_id;

  if (!gtk_window_is_active (GTK_WINDOW (self)))
    return;

  /* The user is back: the "finished" notification has done its job. */
  notification_id = g_object_get_data (G_OBJECT (self), "chiaro-notification-id");
  if (notification_id != NULL)
    g_application_withdraw_notification (G_APPLICATION (self->application), notification_id);

  if (self->needs_key && !chiaro_key_page_get_saving (self->key_page))
    check_key (self);
}

static void
on_key_page_saved (ChiaroWindow *self)
{
  /* Look the key up again: the provider is built with it. */
  check_key (self);
  set_needs_key (self, FALSE);
}

/* Canvas */

static char *
dup_entry_title (ChiaroHistoryEntry *entry)
{
  guint depth = chiaro_history_entry_get_depth (entry);

  if (depth == 0)
    return g_strdup (_("Original"));

  /* Translators: an image of the project; %u counts the edits from the original. */
  return g_strdup_printf (_("Edit %u"), depth);
}

/* The entry the cursor is compared with: the one chosen in the strip, else the parent. */
static ChiaroHistoryEntry *
get_compare_target (ChiaroWindow *self)
{
  ChiaroHistory *history = get_history (self);
  ChiaroHistoryEntry *cursor;

  if (history == NULL)
    return NULL;

  cursor = chiaro_history_get_cursor (history);
  if (self->compare_entry != NULL && self->compare_entry != cursor &&
      chiaro_history_lookup (history, chiaro_history_entry_get_id (self->compare_entry)) ==
      self->compare_entry)
    return self->compare_entry;

  return chiaro_history_entry_get_parent (cursor);
}

typedef struct
{
  ChiaroWindow *self;          /* (owned) */
  GCancellable *cancellable;   /* (owned) */
  char *hash;
  gboolean compare;
} DecodeRequest;

static void
decode_request_free (DecodeRequest *request)
{
  g_object_unref (request->self);
  g_object_unref (request->cancellable);
  g_free (request->hash);
  g_free (request);
}

static void
on_decoded (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DecodeRequest *request = user_data;
  ChiaroWindow *self = request->self;
  GCancellable **slot = request->compare ? &self->compare_cancellable : &self->image_cancellable;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = chiaro_image_store_decode_finish (CHIARO_IMAGE_STORE (object), result, &error);

  if (*slot == request->cancellable && !g_cancellable_is_cancelled (request->cancellable))
    {
      if (pixbuf != NULL)
        texture = gdk_texture_new_for_pixbuf (pixbuf);
      else
        chiaro_window_show_error (self, error->message);

      if (request->compare)
        chiaro_canvas_set_compare_texture (self->canvas, texture);
      else
        chiaro_canvas_set_texture (self->canvas, texture);

      replace_cancellable (self, slot, NULL);
    }

  decode_request_free (request);
}

static void
decode_entry (ChiaroWindow       *self,
              ChiaroHistoryEntry *entry,
              gboolean            compare)
{
  GCancellable **slot = compare ? &self->compare_cancellable : &self->image_cancellable;
  char **shown = compare ? &self->compare_hash : &self->shown_hash;
  const char *hash = entry != NULL ? chiaro_history_entry_get_image_hash (entry) : NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  DecodeRequest *request;

  if (g_strcmp0 (hash, *shown) == 0 && (hash == NULL || *slot != NULL ||
                                        (compare ? chiaro_canvas_get_compare_texture (self->canvas)
                                                 : chiaro_canvas_get_texture (self->canvas)) != NULL))
    return;

  g_free (*shown);
  *shown = g_strdup (hash);

  if (hash == NULL)
    {
      replace_cancellable (self, slot, NULL);
      if (compare)
        chiaro_canvas_set_compare_texture (self->canvas, NULL);
      else
        chiaro_canvas_set_texture (self->canvas, NULL);
      return;
    }

  cancellable = g_cancellable_new ();
  replace_cancellable (self, slot, cancellable);

  request = g_new0 (DecodeRequest, 1);
  request->self = g_object_ref (self);
  request->cancellable = g_object_ref (cancellable);
  request->hash = g_strdup (hash);
  request->compare = compare;
  chiaro_image_store_decode_async (chiaro_document_get_images (self->document), hash,
                                   chiaro_history_entry_get_mime_type (entry), cancellable,
                                   on_decoded, request);
}

static void
update_compare_label (ChiaroWindow *self)
{
  ChiaroHistoryEntry *target = get_compare_target (self);
  ChiaroCompareMode mode = chiaro_canvas_get_compare_mode (self->canvas);
  g_autofree char *title = target != NULL ? dup_entry_title (target) : NULL;
  g_autofree char *text = NULL;

  if (mode == CHIARO_COMPARE_MODE_NONE)
    text = NULL;
  else if (title == NULL)
    text = g_strdup (_("Nothing to compare with"));
  else
    /* Translators: what the canvas compares the current image with, e.g. "With Edit 2". */
    text = g_strdup_printf (_("With %s"), title);

  gtk_label_set_label (self->compare_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->compare_label), text != NULL);
}

static void
update_canvas (ChiaroWindow *self)
{
  ChiaroHistory *history = get_history (self);
  ChiaroHistoryEntry *cursor = history != NULL ? chiaro_history_get_cursor (history) : NULL;
  g_autofree char *title = NULL;

  decode_entry (self, cursor, FALSE);
  decode_entry (self, get_compare_target (self), TRUE);
  update_compare_label (self);

  gtk_widget_set_visible (GTK_WIDGET (self->blank_page),
                          cursor != NULL && chiaro_history_entry_get_image_hash (cursor) == NULL);

  title = cursor != NULL ? dup_entry_title (cursor) : NULL;
  adw_window_title_set_subtitle (self->window_title, title != NULL ? title : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title != NULL ? title : _("Image"),
                                  -1);
}

static void
update_zoom_label (ChiaroWindow *self)
{
  g_autofree char *label = NULL;

  /* Translators: the canvas's zoom as a percentage. */
  label = g_strdup_printf (_("%.0f %%"), chiaro_canvas_get_zoom (self->canvas) * 100);
  gtk_button_set_label (self->zoom_button, label);
}

/* Actions */

static void update_workflow_actions (ChiaroWindow *self);

static void
update_actions (ChiaroWindow *self)
{
  ChiaroHistory *history = get_history (self);
  gboolean has_document = self->document != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 history != NULL && chiaro_history_can_undo (history));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 history != NULL && chiaro_history_can_redo (history));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send", has_document);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop",
                                 has_document && chiaro_window_get_n_pending (self) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.paste-reference", has_document);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare-with-parent",
                                 self->compare_entry != NULL);
  update_workflow_actions (self);
}

static void
update_title (ChiaroWindow *self)
{
  const char *name = self->document != NULL ? chiaro_document_get_name (self->document) : NULL;

  if (name == NULL || name[0] == '\0')
    name = self->document != NULL ? _("Untitled Project") : "Chiaro";

  adw_window_title_set_title (self->window_title, name);
  gtk_window_set_title (GTK_WINDOW (self), name);
}

static void
update_busy (ChiaroWindow *self)
{
  gboolean busy = self->document != NULL &&
                  (chiaro_document_get_has_unsaved_changes (self->document) ||
                   chiaro_window_get_n_pending (self) > 0);

  update_actions (self);

  if (self->busy == busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
on_save_error_changed (ChiaroWindow *self)
{
  const GError *error = chiaro_document_get_save_error (self->document);
  const char *name;
  g_autofree char *message = NULL;
  g_autofree char *markup = NULL;
  GtkWidget *label;
  AdwToast *toast;

  if (error == NULL)
    return;

  /* The core's message names the file; a path pushes the part that matters off the toast,
   * so the toast names the project and the path goes to the log. */
  g_debug ("Saving the project failed: %s", error->message);

  name = chiaro_document_get_name (self->document);
  if (name == NULL || *name == '\0')
    name = _("Untitled Project");

  if (g_error_matches (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NO_SPACE))
    /* Translators: %s is the project's name */
    message = g_strdup_printf (_("“%s” could not be saved: the disk is full. Your work is kept "
                                 "in memory and will be saved when there is space."), name);
  else if (g_error_matches (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_READ_ONLY))
    /* Translators: %s is the project's name */
    message = g_strdup_printf (_("“%s” could not be saved: its folder cannot be written to. "
                                 "Your work is kept in memory and will be saved when it can."),
                               name);
  else
    /* Translators: %s is the project's name */
    message = g_strdup_printf (_("“%s” could not be saved. Your work is kept in memory and "
                                 "will be saved when it can."), name);

  /* Two sentences: a title that wraps instead of cutting the second one off. */
  markup = g_markup_escape_text (message, -1);
  toast = adw_toast_new (markup);
  label = gtk_label_new (message);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  adw_toast_set_custom_title (toast, label);
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_send_state_changed (ChiaroSend   *send,
                       GParamSpec   *pspec,
                       ChiaroWindow *self)
{
  ChiaroSendState state = chiaro_send_get_state (send);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;
  const char *name;

  if (state != CHIARO_SEND_DONE && state != CHIARO_SEND_FAILED)
    return;

  g_signal_handlers_disconnect_by_func (send, on_send_state_changed, self);

  /* Only a user who looks elsewhere needs telling. */
  if (gtk_window_is_active (GTK_WINDOW (self)) || !gtk_widget_get_visible (GTK_WIDGET (self)))
    return;

  name = self->document != NULL ? chiaro_document_get_name (self->document) : NULL;
  if (state == CHIARO_SEND_DONE)
    {
      guint n_done = chiaro_send_get_n_done (send);

      notification = g_notification_new (ngettext ("Your image is ready",
                                                   "Your images are ready", n_done));
    }
  else
    {
      const GError *error = chiaro_send_get_error (send);

      notification = g_notification_new (_("The image could not be made"));
      if (error != NULL)
        g_notification_set_body (notification, error->message);
    }

  if (state == CHIARO_SEND_DONE && name != NULL)
    g_notification_set_body (notification, name);
  g_notification_set_default_action_and_target (notification, "app.present-window", "u",
                                                 gtk_application_window_get_id (GTK_APPLICATION_WINDOW (self)));

  id = g_strdup_printf ("send-finished-%u",
                        gtk_application_window_get_id (GTK_APPLICATION_WINDOW (self)));
  g_object_set_data_full (G_OBJECT (self), "chiaro-notification-id", g_strdup (id), g_free);
  chiaro_application_send_notification (self->application, id, notification);
}

static void
on_sends_changed (ChiaroWindow *self,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GListModel   *sends)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ChiaroSend) send = g_list_model_get_item (sends, i);

      if (!chiaro_send_is_finished (send) &&
          g_signal_handler_find (send, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                                 on_send_state_changed, self) == 0)
        g_signal_connect_object (send, "notify::state", G_CALLBACK (on_send_state_changed),
                                 self, 0);
    }

  update_busy (self);
}

static void
on_history_changed (ChiaroWindow *self)
{
  update_canvas (self);
  update_actions (self);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter);

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroHistory *history = get_history (CHIARO_WINDOW (widget));

  if (history != NULL)
    chiaro_history_undo (history);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroHistory *history = get_history (CHIARO_WINDOW (widget));

  if (history != NULL)
    chiaro_history_redo (history);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);

  /* The controls send, so that they see their own request through and report it. */
  if (self->document != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->generation_controls), "controls.send", NULL);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *sends;

  if (self->document == NULL)
    return;

  /* Cancelling changes the list: collect first. */
  sends = chiaro_document_get_sends (self->document);
  for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
    {
      ChiaroSend *send = g_list_model_get_item (sends, i);

      if (!chiaro_send_is_finished (send))
        g_ptr_array_add (pending, send);
      else
        g_object_unref (send);
    }

  for (guint i = 0; i < pending->len; i++)
    chiaro_document_cancel_send (self->document, g_ptr_array_index (pending, i));
}

static void
paste_reference_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);

  /* The tray pastes files as well as pixels, and says what it could not take. */
  if (self->document != NULL)
    chiaro_reference_tray_paste (self->reference_tray);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);
  g_autofree char *canvas_action = NULL;

  /* win.zoom-in → canvas.zoom-in: the keys work wherever the focus is. */
  canvas_action = g_strconcat ("canvas.", action_name + strlen ("win."), NULL);
  gtk_widget_activate_action (GTK_WIDGET (self->canvas), canvas_action, NULL);
}

static void
compare_hold_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);

  if (chiaro_canvas_get_compare_texture (self->canvas) != NULL)
    chiaro_canvas_set_showing_other (self->canvas, TRUE);
}

static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 ChiaroWindow          *self)
{
  if (keyval == GDK_KEY_backslash && chiaro_canvas_get_showing_other (self->canvas))
    chiaro_canvas_set_showing_other (self->canvas, FALSE);
}

static void
compare_with_parent_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  chiaro_window_set_compare_entry (CHIARO_WINDOW (widget), NULL);
}

static void
on_strip_compare (ChiaroWindow       *self,
                  ChiaroHistoryEntry *entry)
{
  chiaro_window_set_compare_entry (self, entry);
  if (chiaro_canvas_get_compare_mode (self->canvas) == CHIARO_COMPARE_MODE_NONE)
    chiaro_canvas_set_compare_mode (self->canvas, CHIARO_COMPARE_MODE_SPLIT);
}

static void
on_strip_error (ChiaroWindow *self,
                const char   *message)
{
  chiaro_window_show_error (self, message);
}

static void
on_controls_error (ChiaroWindow *self,
                   const char   *message)
{
  chiaro_window_show_error (self, message);
}

static void
on_tray_error (ChiaroWindow *self,
               const GError *error)
{
  chiaro_window_show_error (self, error->message);
}

static void
on_safe_zones_changed (ChiaroWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAFE_ZONES]);
}

static void
on_compare_mode_changed (ChiaroWindow *self)
{
  static const char * const labels[] = {
    N_("Compare"), N_("Hold"), N_("Split"), N_("Side by Side"), N_("Difference"),
  };
  ChiaroCompareMode mode = chiaro_canvas_get_compare_mode (self->canvas);

  gtk_menu_button_set_label (self->compare_button,
                             _(labels[MIN ((guint) mode, G_N_ELEMENTS (labels) - 1)]));
  update_compare_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARE_MODE]);
}

/* Opening a photo */

/* Packs, presets, export and the clipboard */

static ChiaroHistoryEntry *
get_cursor (ChiaroWindow *self)
{
  ChiaroHistory *history = get_history (self);

  return history != NULL ? chiaro_history_get_cursor (history) : NULL;
}

static gboolean
cursor_has_image (ChiaroWindow *self)
{
  ChiaroHistoryEntry *cursor = get_cursor (self);

  return cursor != NULL && chiaro_history_entry_get_image_hash (cursor) != NULL;
}

static const char *
get_cursor_pack_id (ChiaroWindow *self)
{
  ChiaroHistoryEntry *cursor = get_cursor (self);
  ChiaroTurn *turn = cursor != NULL ? chiaro_history_entry_get_turn (cursor) : NULL;

  return turn != NULL ? turn->pack_id : NULL;
}

/* Failed requests stay in the conversation (one per ratio in a pack); what the document
 * refused before anything was sent (a ratio or size the model lacks, no key) is a toast. */
static void
show_refusal (ChiaroWindow *self,
              const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error->domain != CHIARO_API_ERROR ||
      g_error_matches (error, CHIARO_API_ERROR, CHIARO_API_ERROR_UNSUPPORTED_OPTION))
    chiaro_window_show_error (self, error->message);
}

static void
on_pack_sent (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ChiaroWindow) self = user_data;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GError) error = NULL;

  sends = chiaro_document_send_pack_finish (CHIARO_DOCUMENT (object), result, &error);
  if (sends == NULL)
    show_refusal (self, error);
}

static void
on_pack_dialog_send (ChiaroWindow     *self,
                     GStrv             ratios,
                     const char       *image_size,
                     guint             variants,
                     ChiaroPackDialog *dialog)
{
  ChiaroDocument *document = chiaro_pack_dialog_get_document (dialog);

  chiaro_document_send_pack_async (document, (const char * const *) ratios, image_size,
                                   variants, NULL, on_pack_sent, g_object_ref (self));
}

static void
make_pack_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);
  ChiaroPackDialog *dialog;

  if (self->document == NULL)
    return;

  dialog = chiaro_pack_dialog_new (self->document);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "send", G_CALLBACK (on_pack_dialog_send), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_presets_saved (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ChiaroWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!chiaro_preset_library_save_finish (CHIARO_PRESET_LIBRARY (object), result, &error))
    {
      /* Translators: a toast; %s says why. */
      g_autofree char *message = g_strdup_printf (_("The presets could not be saved: %s"),
                                                  error->message);

      chiaro_window_show_error (self, message);
    }
}

static ChiaroPresetLibrary *
get_presets (ChiaroWindow *self)
{
  return self->application != NULL
         ? chiaro_application_get_preset_library (self->application) : NULL;
}

typedef struct
{
  ChiaroWindow *self;   /* (owned) */
  char *prompt;
  char *aspect_ratio;   /* (nullable) */
  char *image_size;     /* (nullable) */
} PresetRequest;

static void
preset_request_free (gpointer data)
{
  PresetRequest *request = data;

  g_object_unref (request->self);
  g_free (request->prompt);
  g_free (request->aspect_ratio);
  g_free (request->image_size);
  g_free (request);
}

static void
on_preset_named (const char *name,
                 gpointer    user_data)
{
  PresetRequest *request = user_data;
  ChiaroPresetLibrary *presets = get_presets (request->self);
  g_autoptr(GError) error = NULL;

  if (presets == NULL)
    return;

  if (chiaro_preset_library_add (presets, name, request->prompt, request->aspect_ratio,
                                 request->image_size, &error) == NULL)
    {
      chiaro_window_show_error (request->self, error->message);
      return;
    }

  chiaro_preset_library_save_async (presets, NULL, on_presets_saved,
                                    g_object_ref (request->self));
}

/* Asks for a name, then saves @prompt (with the options) as one of the user's presets. */
static void
save_preset (ChiaroWindow                  *self,
             const char                    *prompt,
             const ChiaroGenerationOptions *options)
{
  PresetRequest *request;
  g_autofree char *name = NULL;

  if (prompt == NULL || prompt[0] == '\0')
    {
      chiaro_window_show_error (self, _("Write a prompt first, then save it as a preset"));
      return;
    }

  request = g_new0 (PresetRequest, 1);
  request->self = g_object_ref (self);
  request->prompt = g_strdup (prompt);
  if (options != NULL)
    {
      request->aspect_ratio = g_strdup (options->aspect_ratio);
      request->image_size = g_strdup (options->image_size);
    }

  /* The first words of the prompt are a good start for its name. */
  name = g_utf8_substring (prompt, 0, MIN (g_utf8_strlen (prompt, -1), 40));
  g_strdelimit (name, "\n\t", ' ');
  chiaro_ask_preset_name (GTK_WIDGET (self), _("Save Prompt as Preset"), name, _("_Save"),
                          on_preset_named, request, preset_request_free);
}

static void
save_prompt_preset_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);

  if (self->document == NULL)
    return;

  save_preset (self, chiaro_document_get_prompt (self->document),
               chiaro_document_get_options (self->document));
}

/* win.save-turn-preset: the prompt and options of the turn that made the entry with the id
 * given, as the conversation's message menus offer it. */
static void
save_turn_preset_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);
  ChiaroHistoryEntry *entry;
  ChiaroTurn *turn;

  if (self->document == NULL)
    return;

  entry = chiaro_history_lookup (chiaro_document_get_history (self->document),
                                 g_variant_get_string (parameter, NULL));
  if (entry != NULL && (turn = chiaro_history_entry_get_turn (entry)) != NULL)
    save_preset (self, turn->prompt, turn->options);
}

static void
on_rerendered (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ChiaroWindow) self = user_data;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;

  send = chiaro_document_send_finish (CHIARO_DOCUMENT (object), result, &error);
  if (send == NULL)
    show_refusal (self, error);
}

/* win.render-final (entry id, size): draft → final from the conversation's message menus. */
static void
render_final_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);
  ChiaroHistoryEntry *entry;
  const char *id;
  const char *size;

  if (self->document == NULL)
    return;

  g_variant_get (parameter, "(&s&s)", &id, &size);
  entry = chiaro_history_lookup (chiaro_document_get_history (self->document), id);
  if (entry == NULL)
    return;

  chiaro_document_rerender_async (self->document, entry, size, NULL, on_rerendered,
                                  g_object_ref (self));
}

static void
on_strip_save_preset (ChiaroWindow       *self,
                      ChiaroHistoryEntry *entry)
{
  ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);

  if (turn != NULL)
    save_preset (self, turn->prompt, turn->options);
}

static void
on_preset_undo (AdwToast *toast,
                gpointer  user_data)
{
  ChiaroWindow *self = CHIARO_WINDOW (user_data);
  ChiaroPreset *preset = g_object_get_data (G_OBJECT (toast), "chiaro-preset");
  ChiaroPresetLibrary *presets = get_presets (self);
  g_autoptr(GError) error = NULL;

  if (presets == NULL || preset == NULL)
    return;

  if (chiaro_preset_library_add (presets, chiaro_preset_get_name (preset),
                                 chiaro_preset_get_prompt (preset),
                                 chiaro_preset_get_aspect_ratio (preset),
                                 chiaro_preset_get_image_size (preset), &error) == NULL)
    {
      chiaro_window_show_error (self, error->message);
      return;
    }

  chiaro_preset_library_save_async (presets, NULL, on_presets_saved, g_object_ref (self));
}

static void
on_preset_removed (ChiaroWindow *self,
                   ChiaroPreset *preset)
{
  g_autofree char *escaped = g_markup_escape_text (chiaro_preset_get_name (preset), -1);
  /* Translators: a toast after deleting a preset; %s is its name. */
  g_autofree char *title = g_strdup_printf (_("“%s” deleted"), escaped);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "chiaro-preset", g_object_ref (preset),
                          g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_preset_undo), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_export_dialog_exported (ChiaroWindow *self,
                           const char   *message)
{
  g_autofree char *markup = g_markup_escape_text (message, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (markup));
}

static void
show_export_dialog (ChiaroWindow     *self,
                    ChiaroExportKind  kind,
                    GPtrArray        *entries)
{
  ChiaroExportDialog *dialog;

  dialog = chiaro_export_dialog_new (self->document, kind, entries,
                                     g_settings_get_boolean (self->settings, "export-metadata"));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "exported", G_CALLBACK (on_export_dialog_exported), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "failed", G_CALLBACK (chiaro_window_show_error), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
collect_starred (ChiaroHistoryEntry *entry,
                 GPtrArray          *starred)
{
  if (chiaro_history_entry_get_starred (entry) &&
      chiaro_history_entry_get_image_hash (entry) != NULL)
    g_ptr_array_add (starred, entry);

  for (guint i = 0; i < chiaro_history_entry_get_n_children (entry); i++)
    collect_starred (chiaro_history_entry_get_child (entry, i), starred);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);
  ChiaroHistory *history = get_history (self);
  ChiaroHistoryEntry *cursor = get_cursor (self);
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();

  if (history == NULL || cursor == NULL)
    return;

  if (g_str_equal (action_name, "win.export-starred"))
    {
      collect_starred (chiaro_history_get_root (history), entries);
      if (entries->len == 0)
        {
          chiaro_window_show_error (self, _("No image is starred yet"));
          return;
        }
      show_export_dialog (self, CHIARO_EXPORT_KIND_IMAGES, entries);
    }
  else if (g_str_equal (action_name, "win.export-pack"))
    {
      g_autoptr(GPtrArray) pack = NULL;

      if (get_cursor_pack_id (self) == NULL)
        return;
      pack = chiaro_history_dup_pack_entries (history, get_cursor_pack_id (self));
      show_export_dialog (self, CHIARO_EXPORT_KIND_IMAGES, pack);
    }
  else if (chiaro_history_entry_get_image_hash (cursor) != NULL)
    {
      g_ptr_array_add (entries, cursor);
      show_export_dialog (self, g_str_equal (action_name, "win.export-comparison")
                                ? CHIARO_EXPORT_KIND_COMPARISON : CHIARO_EXPORT_KIND_IMAGE,
                          entries);
    }
}

static void
on_copy_decoded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ChiaroWindow) self = user_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = chiaro_image_store_decode_finish (CHIARO_IMAGE_STORE (object), result, &error);
  if (pixbuf == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        chiaro_window_show_error (self, error->message);
      return;
    }

  texture = gdk_texture_new_for_pixbuf (pixbuf);
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (self)), texture);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Image copied")));
}

static void
copy_image_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ChiaroWindow *self = CHIARO_WINDOW (widget);
  ChiaroHistoryEntry *cursor = get_cursor (self);

  if (!cursor_has_image (self))
    return;

  /* The stored image, decoded on a worker (kept by the store for the canvas anyway). */
  chiaro_image_store_decode_async (chiaro_document_get_images (self->document),
                                   chiaro_history_entry_get_image_hash (cursor),
                                   chiaro_history_entry_get_mime_type (cursor),
                                   NULL, on_copy_decoded, g_object_ref (self));
}

static void
update_workflow_actions (ChiaroWindow *self)
{
  ChiaroHistoryEntry *cursor = get_cursor (self);
  gboolean has_image = cursor_has_image (self);
  ChiaroHistoryEntry *parent = cursor != NULL ? chiaro_history_entry_get_parent (cursor) : NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.make-pack", has_image);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-prompt-preset",
                                 self->document != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-image", has_image);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-image", has_image);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-starred",
                                 self->document != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-pack",
                                 get_cursor_pack_id (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-comparison",
                                 has_image && parent != NULL &&
                                 chiaro_history_entry_get_image_hash (parent) != NULL);
}

static void
finish_request (LoadRequest *request,
                GError      *error)
{
  ChiaroWindow *self = request->self;

  if (!request_is_current (request))
    return;

  replace_cancellable (self, &self->load_cancellable, NULL);

  if (error != NULL)
    chiaro_window_show_error (self, error->message);
}

/* New projects start from the defaults in the preferences. */
static void
apply_defaults (ChiaroWindow   *self,
                ChiaroDocument *document)
{
  g_autofree char *model_id = g_settings_get_string (self->settings, "default-model");
  g_autofree char *aspect_ratio = g_settings_get_string (self->settings, "default-aspect-ratio");
  g_autofree char *image_size = g_settings_get_string (self->settings, "default-image-size");
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  g_autoptr(ChiaroModelInfo) model = NULL;

  if (model_id[0] != '\0')
    chiaro_document_set_model_id (document, model_id);

  model = chiaro_model_catalog_lookup (chiaro_document_get_catalog (document),
                                       chiaro_document_get_model_id (document));
  options = chiaro_generation_options_copy (chiaro_document_get_options (document));

  /* What the model does not take is left out, rather than refused at the first send. */
  g_clear_pointer (&options->aspect_ratio, g_free);
  if (!g_str_equal (aspect_ratio, "auto") &&
      (model == NULL || chiaro_model_info_accepts_aspect_ratio (model, aspect_ratio)))
    options->aspect_ratio = g_strdup (aspect_ratio);

  g_clear_pointer (&options->image_size, g_free);
  if (model != NULL && chiaro_model_info_get_image_sizes (model) != NULL &&
      chiaro_model_info_accepts_image_size (model, image_size))
    options->image_size = g_strdup (image_size);

  chiaro_document_set_options (document, options);
  chiaro_document_set_n_variants (document,
                                  CLAMP (g_settings_get_int (self->settings, "default-variants"),
                                         1, 8));
}

static void
on_root_set (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LoadRequest) request = user_data;
  g_autoptr(GError) error = NULL;

  if (!chiaro_document_set_root_image_finish (CHIARO_DOCUMENT (object), result, &error) ||
      !request_is_current (request))
    {
      finish_request (request, error);
      return;
    }

  set_document_internal (request->self, request->document, request->pixbuf);
  if (g_set_object (&request->self->file, request->file))
    g_object_notify_by_pspec (G_OBJECT (request->self), properties[PROP_FILE]);
  finish_request (request, NULL);
}

static void
on_project_created (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(LoadRequest) request = user_data;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = request->cancellable;
  ChiaroDocument *document;
  ChiaroImage *image;

  request->document = chiaro_document_open_finish (result, &error);
  if (request->document == NULL || !request_is_current (request))
    {
      finish_request (request, error);
      return;
    }

  document = request->document;
  image = request->image;
  apply_defaults (request->self, document);
  chiaro_document_set_root_image_async (document, chiaro_image_get_bytes (image),
                                        chiaro_image_get_display_name (image),
                                        cancellable, on_root_set, g_steal_pointer (&request));
}

static void
on_image_decoded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LoadRequest) request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir = NULL;
  ChiaroWindow *self = request->self;
  GCancellable *cancellable = request->cancellable;

  request->pixbuf = chiaro_image_decode_finish (CHIARO_IMAGE (object), result, &error);
  if (request->pixbuf == NULL || !request_is_current (request))
    {
      finish_request (request, error);
      return;
    }

  /* Only a photo that can be shown gets a project. */
  dir = chiaro_session_new_project_dir (chiaro_application_get_project_session (self->application));
  chiaro_document_open_async (dir, CHIARO_DOCUMENT_OPEN_CREATE,
                              chiaro_application_get_catalog (self->application),
                              cancellable, on_project_created, g_steal_pointer (&request));
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
on_orphans_collected (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  int n_removed;

  n_removed = chiaro_document_collect_orphans_finish (CHIARO_DOCUMENT (object), result, &error);
  if (n_removed < 0)
    g_debug ("Leftover files kept: %s", error->message);
  else if (n_removed > 0)
    g_debug ("%d leftover files removed", n_removed);
}

static void
on_project_opened (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LoadRequest) request = user_data;
  g_autoptr(GError) error = NULL;
  ChiaroWindow *self = request->self;
  GFile *recovered;

  request->document = chiaro_document_open_finish (result, &error);
  if (request->document == NULL || !request_is_current (request))
    {
      /* A project that cannot be opened is not restored again. */
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        chiaro_application_remove_project (self->application, request->file);
      finish_request (request, error);
      return;
    }

  set_document_internal (self, request->document, NULL);
  finish_request (request, NULL);

  recovered = chiaro_document_get_recovered_from_backup (request->document);
  if (recovered != NULL)
    chiaro_window_show_error (self, _("The project file was damaged: its last good copy was "
                                      "opened, and the damaged file was kept beside it"));

  if (request->restored)
    chiaro_document_collect_orphans_async (request->document, NULL, on_orphans_collected, NULL);
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

/* The projects start page */

/* The window of this application showing the project in @dir, if any. */
static ChiaroWindow *
find_window_for_project (ChiaroWindow *self,
                         GFile        *dir)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self->application));
       l != NULL;
       l = l->next)
    {
      ChiaroDocument *document;
      GFile *shown;

      if (!CHIARO_IS_WINDOW (l->data))
        continue;

      document = CHIARO_WINDOW (l->data)->document;
      shown = document != NULL ? chiaro_document_get_dir (document) : NULL;
      if (shown != NULL && g_file_equal (shown, dir))
        return CHIARO_WINDOW (l->data);
    }

  return NULL;
}

static void
on_projects_open_project (ChiaroWindow       *self,
                          GFile              *dir,
                          ChiaroProjectsView *view)
{
  ChiaroWindow *other = find_window_for_project (self, dir);

  /* A project is open in one window at a time: the window showing it comes forward. */
  if (other != NULL)
    {
      gtk_window_present (GTK_WINDOW (other));
      return;
    }

  chiaro_window_open_project (self, dir, FALSE);
}

static void
on_projects_new_from_photo (ChiaroWindow       *self,
                            ChiaroProjectsView *view)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open", NULL);
}

static void
on_blank_project_created (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(LoadRequest) request = user_data;
  g_autoptr(GError) error = NULL;
  ChiaroWindow *self = request->self;

  request->document = chiaro_document_open_finish (result, &error);
  if (request->document == NULL || !request_is_current (request))
    {
      finish_request (request, error);
      return;
    }

  apply_defaults (self, request->document);
  set_document_internal (self, request->document, NULL);
  finish_request (request, NULL);

  /* Text to image: the prompt is all there is to fill in. */
  gtk_widget_grab_focus (GTK_WIDGET (self->generation_controls));
}

static void
on_projects_new_from_prompt (ChiaroWindow       *self,
                             ChiaroProjectsView *view)
{
  chiaro_window_new_project (self);
}

static void
ensure_projects_view (ChiaroWindow *self)
{
  ChiaroSession *session;
  g_autoptr(ChiaroProjectList) projects = NULL;
  g_autoptr(GFile) projects_dir = NULL;

  if (self->projects_view != NULL || self->application == NULL)
    return;

  session = chiaro_application_get_project_session (self->application);
  if (session == NULL)
    return;

  projects_dir = chiaro_session_get_projects_dir (session);
  projects = chiaro_project_list_new (projects_dir);
  self->projects_view = CHIARO_PROJECTS_VIEW (chiaro_projects_view_new (projects));
  g_signal_connect_object (self->projects_view, "open-project",
                           G_CALLBACK (on_projects_open_project), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->projects_view, "new-from-photo",
                           G_CALLBACK (on_projects_new_from_photo), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->projects_view, "new-from-prompt",
                           G_CALLBACK (on_projects_new_from_prompt), self, G_CONNECT_SWAPPED);
  adw_bin_set_child (self->projects_bin, GTK_WIDGET (self->projects_view));
}

/* Closing */

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

typedef struct
{
  ChiaroWindow *self;          /* (owned) (nullable) the window to destroy afterwards */
  ChiaroApplication *application; /* (owned) */
  GFile *dir;                  /* (owned) (nullable) */
} CloseRequest;

static void
on_document_closed (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CloseRequest *request = user_data;
  g_autoptr(GError) error = NULL;

  if (!chiaro_document_close_finish (CHIARO_DOCUMENT (object), result, &error))
    g_message ("The project was not saved as it closed: %s", error->message);

  if (request->self != NULL)
    gtk_window_destroy (GTK_WINDOW (request->self));

  g_application_release (G_APPLICATION (request->application));
  g_clear_object (&request->self);
  g_clear_object (&request->application);
  g_clear_object (&request->dir);
  g_free (request);
}

/* Closes @document (saving it, releasing its lock) while the application stays up for it;
 * then destroys the window when asked. @window_closing: the window goes away with it (the
 * application then decides whether the session keeps the project for next time). */
static void
close_document (ChiaroWindow   *self,
                ChiaroDocument *document,
                gboolean        window_closing,
                gboolean        destroy_window)
{
  CloseRequest *request = g_new0 (CloseRequest, 1);
  GFile *dir = chiaro_document_get_dir (document);

  request->application = g_object_ref (self->application);
  request->self = destroy_window ? g_object_ref (self) : NULL;
  request->dir = dir != NULL ? g_object_ref (dir) : NULL;

  if (dir != NULL && window_closing)
    chiaro_application_close_project (self->application, self, dir);
  else if (dir != NULL)
    chiaro_application_remove_project (self->application, dir);

  g_application_hold (G_APPLICATION (self->application));
  chiaro_document_close_async (document, NULL, on_document_closed, request);
}

static void
begin_close (ChiaroWindow *self)
{
  g_autoptr(ChiaroDocument) document = g_object_ref (self->document);

  self->closing = TRUE;
  save_window_state (self);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  close_document (self, document, TRUE, TRUE);
}

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   ChiaroWindow     *self)
{
  if (!g_str_equal (response, "close") || self->document == NULL)
    return;

  self->close_confirmed = TRUE;
  begin_close (self);
}

static gboolean
chiaro_window_close_request (GtkWindow *window)
{
  ChiaroWindow *self = CHIARO_WINDOW (window);
  const GError *save_error;
  GtkWidget *dialog;
  guint n_pending;

  if (self->document == NULL)
    {
      save_window_state (self);
      return GTK_WINDOW_CLASS (chiaro_window_parent_class)->close_request (window);
    }

  if (self->closing)
    return TRUE;

  n_pending = chiaro_window_get_n_pending (self);
  save_error = chiaro_document_get_save_error (self->document);
  if (self->close_confirmed || (n_pending == 0 && save_error == NULL))
    {
      begin_close (self);
      return TRUE;
    }

  if (n_pending > 0)
    {
      dialog = adw_message_dialog_new (window,
                                       ngettext ("Stop the Request?", "Stop the Requests?",
                                                 n_pending),
                                       ngettext ("An image is still being made. Closing stops "
                                                 "it; its prompt is kept, and it can be sent "
                                                 "again later.",
                                                 "Images are still being made. Closing stops "
                                                 "them; their prompts are kept, and they can be "
                                                 "sent again later.",
                                                 n_pending));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Keep Working"),
                                        "close", _("_Stop and Close"),
                                        NULL);
    }
  else
    {
      /* Translators: %s is why the project could not be saved. */
      g_autofree char *body = g_strdup_printf (_("The last changes could not be saved: %s. "
                                                 "If you close now, they are lost."),
                                               save_error->message);

      dialog = adw_message_dialog_new (window, _("Close Without Saving?"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "close", _("_Close Without Saving"),
                                        NULL);
    }

  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "close",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

/* The document */

static void
set_document_internal (ChiaroWindow   *self,
                       ChiaroDocument *document,
                       GdkPixbuf      *root_pixbuf)
{
  g_autoptr(ChiaroDocument) old = NULL;
  GFile *dir;

  if (self->document == document)
    return;

  old = g_steal_pointer (&self->document);
  if (old != NULL)
    {
      g_settings_unbind (old, "autosave-delay");
      /* The old project is saved and unlocked; it stays in the projects folder. */
      if (!self->closing)
        close_document (self, old, FALSE, FALSE);
    }

  self->document = document != NULL ? g_object_ref (document) : NULL;
  g_clear_object (&self->compare_entry);
  g_clear_pointer (&self->shown_hash, g_free);
  g_clear_pointer (&self->compare_hash, g_free);
  chiaro_canvas_set_texture (self->canvas, NULL);
  chiaro_canvas_set_compare_texture (self->canvas, NULL);

  if (document != NULL)
    {
      ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (chiaro_document_get_history (document));

      g_settings_bind (self->settings, "autosave-delay", document, "autosave-delay",
                       G_SETTINGS_BIND_GET);
      update_provider (self);

      /* The photo just opened is decoded already. */
      if (root_pixbuf != NULL && chiaro_history_entry_get_image_hash (cursor) != NULL)
        {
          g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (root_pixbuf);

          self->shown_hash = g_strdup (chiaro_history_entry_get_image_hash (cursor));
          chiaro_canvas_set_texture (self->canvas, texture);
        }

      dir = chiaro_document_get_dir (document);
      if (dir != NULL)
        chiaro_application_add_project (self->application, dir);
    }

  g_signal_group_set_target (self->document_signals, document);
  g_signal_group_set_target (self->history_signals,
                             document != NULL ? chiaro_document_get_history (document) : NULL);
  g_signal_group_set_target (self->sends_signals,
                             document != NULL ? chiaro_document_get_sends (document) : NULL);

  chiaro_history_strip_set_document (self->history_strip, document);
  chiaro_conversation_view_set_document (self->conversation_view, document);
  chiaro_reference_tray_set_document (self->reference_tray, document);
  chiaro_generation_controls_set_document (self->generation_controls, document);

  update_title (self);
  update_canvas (self);
  update_busy (self);
  update_actions (self);
  update_page (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/* GObject */

static void
chiaro_window_dispose (GObject *object)
{
  ChiaroWindow *self = (ChiaroWindow *)object;

  g_clear_pointer (&self->load_cancellable, g_cancellable_cancel);
  g_clear_pointer (&self->key_cancellable, g_cancellable_cancel);
  g_clear_pointer (&self->image_cancellable, g_cancellable_cancel);
  g_clear_pointer (&self->compare_cancellable, g_cancellable_cancel);
#if !GTK_CHECK_VERSION (4, 10, 0)
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
#endif

  if (self->document_signals != NULL)
    {
      g_signal_group_set_target (self->document_signals, NULL);
      g_signal_group_set_target (self->history_signals, NULL);
      g_signal_group_set_target (self->sends_signals, NULL);
    }

  /* A window destroyed without closing (tests, quitting) still saves and unlocks. */
  if (self->document != NULL)
    {
      g_autoptr(ChiaroDocument) document = g_steal_pointer (&self->document);

      g_settings_unbind (document, "autosave-delay");
      if (!self->closing && self->application != NULL)
        {
          self->closing = TRUE;
          close_document (self, document, TRUE, FALSE);
        }
    }
  g_clear_object (&self->compare_entry);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_WINDOW);

  G_OBJECT_CLASS (chiaro_window_parent_class)->dispose (object);
}

static void
chiaro_window_finalize (GObject *object)
{
  ChiaroWindow *self = (ChiaroWindow *)object;

  g_clear_object (&self->document_signals);
  g_clear_object (&self->history_signals);
  g_clear_object (&self->sends_signals);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);
  g_clear_object (&self->file);
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->shown_hash, g_free);
  g_clear_pointer (&self->compare_hash, g_free);

  G_OBJECT_CLASS (chiaro_window_parent_class)->finalize (object);
}

/* The application is set after construction; the window keeps it while it closes its
 * project, after it has left the application's list. */
static void
on_application_changed (ChiaroWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (CHIARO_IS_APPLICATION (application))
    {
      ChiaroPresetsPopover *presets;

      g_set_object (&self->application, CHIARO_APPLICATION (application));
      ensure_projects_view (self);

      presets = chiaro_generation_controls_get_presets_popover (self->generation_controls);
      chiaro_presets_popover_set_library (presets, get_presets (self));
      g_signal_connect_object (presets, "removed", G_CALLBACK (on_preset_removed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (presets, "error", G_CALLBACK (chiaro_window_show_error), self,
                               G_CONNECT_SWAPPED);
    }
}

static void
chiaro_window_constructed (GObject *object)
{
  ChiaroWindow *self = (ChiaroWindow *)object;

  G_OBJECT_CLASS (chiaro_window_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_changed), NULL);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_object (self->settings, "changed::provider",
                           G_CALLBACK (check_key), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::endpoint",
                           G_CALLBACK (check_key), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::max-attempts",
                           G_CALLBACK (update_provider), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);
  check_key (self);
  update_actions (self);
  update_page (self);
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
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    case PROP_COMPARE_MODE:
      /* The action reads it as the widget is made, before the template is. */
      g_value_set_enum (value, self->canvas != NULL ? chiaro_canvas_get_compare_mode (self->canvas)
                                                    : CHIARO_COMPARE_MODE_NONE);
      break;

    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, chiaro_window_get_loading (self));
      break;

    case PROP_NEEDS_KEY:
      g_value_set_boolean (value, chiaro_window_get_needs_key (self));
      break;

    case PROP_SAFE_ZONES:
      g_value_set_enum (value, self->canvas != NULL ? chiaro_canvas_get_safe_zones (self->canvas)
                                                    : CHIARO_SAFE_ZONES_NONE);
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
    case PROP_COMPARE_MODE:
      chiaro_canvas_set_compare_mode (self->canvas, g_value_get_enum (value));
      break;

    case PROP_DOCUMENT:
      chiaro_window_set_document (self, g_value_get_object (value));
      break;

    case PROP_SAFE_ZONES:
      chiaro_canvas_set_safe_zones (self->canvas, g_value_get_enum (value));
      break;

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
  static const struct {
    guint key;
    GdkModifierType mods;
    const char *action;
  } bindings[] = {
    { GDK_KEY_o, GDK_CONTROL_MASK, "win.open" },
    { GDK_KEY_z, GDK_CONTROL_MASK, "win.undo" },
    { GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo" },
    { GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "win.send" },
    { GDK_KEY_Return, GDK_CONTROL_MASK, "win.send" },
    { GDK_KEY_Escape, 0, "win.stop" },
    { GDK_KEY_v, GDK_CONTROL_MASK, "win.paste-reference" },
    /* The last key of each action is the one the shortcuts window shows. */
    { GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in" },
    { GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.zoom-in" },
    { GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in" },
    { GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.zoom-out" },
    { GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out" },
    { GDK_KEY_KP_0, GDK_CONTROL_MASK, "win.zoom-fit" },
    { GDK_KEY_0, GDK_CONTROL_MASK, "win.zoom-fit" },
    { GDK_KEY_KP_1, GDK_CONTROL_MASK, "win.zoom-100" },
    { GDK_KEY_1, GDK_CONTROL_MASK, "win.zoom-100" },
    { GDK_KEY_backslash, 0, "win.compare-hold" },
    { GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.export-image" },
    { GDK_KEY_c, GDK_CONTROL_MASK, "win.copy-image" },
  };

  object_class->constructed = chiaro_window_constructed;
  object_class->dispose = chiaro_window_dispose;
  object_class->finalize = chiaro_window_finalize;
  object_class->get_property = chiaro_window_get_property;
  object_class->set_property = chiaro_window_set_property;

  window_class->close_request = chiaro_window_close_request;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_COMPARE_MODE] =
    g_param_spec_enum ("compare-mode", NULL, NULL,
                       CHIARO_TYPE_COMPARE_MODE, CHIARO_COMPARE_MODE_NONE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL,
                         CHIARO_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

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

  properties[PROP_SAFE_ZONES] =
    g_param_spec_enum ("safe-zones", NULL, NULL,
                       CHIARO_TYPE_SAFE_ZONES, CHIARO_SAFE_ZONES_NONE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CHIARO_TYPE_CANVAS);
  g_type_ensure (CHIARO_TYPE_CONVERSATION_VIEW);
  g_type_ensure (CHIARO_TYPE_GENERATION_CONTROLS);
  g_type_ensure (CHIARO_TYPE_REFERENCE_TRAY);
  g_type_ensure (CHIARO_TYPE_HISTORY_STRIP);
  g_type_ensure (CHIARO_TYPE_KEY_PAGE);
  g_type_ensure (CHIARO_TYPE_PROJECTS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/chiaro-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, history_buttons);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, projects_bin);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, key_page);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, editor_paned);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, blank_page);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, compare_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, compare_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, history_strip);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, conversation_view);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, reference_tray);
  gtk_widget_class_bind_template_child (widget_class, ChiaroWindow, generation_controls);
  gtk_widget_class_bind_template_callback (widget_class, on_key_page_saved);
  gtk_widget_class_bind_template_callback (widget_class, on_strip_compare);
  gtk_widget_class_bind_template_callback (widget_class, on_strip_error);
  gtk_widget_class_bind_template_callback (widget_class, on_strip_save_preset);
  gtk_widget_class_bind_template_callback (widget_class, on_tray_error);
  gtk_widget_class_bind_template_callback (widget_class, on_controls_error);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.paste-reference", NULL,
                                   paste_reference_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-100", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.compare-hold", NULL, compare_hold_action);
  gtk_widget_class_install_action (widget_class, "win.compare-with-parent", NULL,
                                   compare_with_parent_action);
  gtk_widget_class_install_property_action (widget_class, "win.compare-mode", "compare-mode");
  gtk_widget_class_install_property_action (widget_class, "win.safe-zones", "safe-zones");
  gtk_widget_class_install_action (widget_class, "win.make-pack", NULL, make_pack_action);
  gtk_widget_class_install_action (widget_class, "win.save-prompt-preset", NULL,
                                   save_prompt_preset_action);
  gtk_widget_class_install_action (widget_class, "win.save-turn-preset", "s",
                                   save_turn_preset_action);
  gtk_widget_class_install_action (widget_class, "win.render-final", "(ss)",
                                   render_final_action);
  gtk_widget_class_install_action (widget_class, "win.export-image", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-starred", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-pack", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-comparison", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.copy-image", NULL, copy_image_action);

  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    gtk_widget_class_add_binding_action (widget_class, bindings[i].key, bindings[i].mods,
                                         bindings[i].action, NULL);
}

static void
chiaro_window_init (ChiaroWindow *self)
{
  GtkDropTarget *drop_target;
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop_target, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect_object (drop_target, "drop", G_CALLBACK (on_drop_target_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));

  /* Holding the compare key shows the other image; letting go brings the current one back. */
  keys = gtk_event_controller_key_new ();
  g_signal_connect_object (keys, "key-released", G_CALLBACK (on_key_released), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  self->document_signals = g_signal_group_new (CHIARO_TYPE_DOCUMENT);
  g_signal_group_connect_swapped (self->document_signals, "notify::name",
                                  G_CALLBACK (update_title), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::n-pending",
                                  G_CALLBACK (update_busy), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::has-unsaved-changes",
                                  G_CALLBACK (update_busy), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::save-error",
                                  G_CALLBACK (on_save_error_changed), self);

  self->history_signals = g_signal_group_new (CHIARO_TYPE_HISTORY);
  g_signal_group_connect_swapped (self->history_signals, "changed",
                                  G_CALLBACK (on_history_changed), self);
  g_signal_group_connect_swapped (self->history_signals, "notify::cursor",
                                  G_CALLBACK (on_history_changed), self);

  self->sends_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->sends_signals, "items-changed",
                                  G_CALLBACK (on_sends_changed), self);

  g_signal_connect_object (self->canvas, "notify::compare-mode",
                           G_CALLBACK (on_compare_mode_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::safe-zones",
                           G_CALLBACK (on_safe_zones_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::zoom",
                           G_CALLBACK (update_zoom_label), self, G_CONNECT_SWAPPED);
  on_compare_mode_changed (self);
  update_zoom_label (self);
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
 * @file: the photo to start a project from
 *
 * Reads and decodes @file off the main thread, then makes a new project with it as the
 * original and shows it; the project shown before is saved and closed. A load still under
 * way is cancelled. When @file cannot be shown, a toast says why and nothing changes.
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
  replace_cancellable (self, &self->load_cancellable, cancellable);

  request = g_new0 (LoadRequest, 1);
  request->self = g_object_ref (self);
  request->file = g_object_ref (file);
  request->cancellable = g_object_ref (cancellable);

  chiaro_image_load_file_async (file, cancellable, on_image_loaded, request);
}

/**
 * chiaro_window_open_project:
 * @self: a #ChiaroWindow
 * @dir: a project folder
 * @restored: whether the project is reopened from the last session (leftover files are
 *   then cleaned up)
 *
 * Opens the project in @dir (its backup when the state file is damaged) and shows it. A
 * project that cannot be opened is said so in a toast and dropped from the session.
 */
void
chiaro_window_open_project (ChiaroWindow *self,
                            GFile        *dir,
                            gboolean      restored)
{
  g_autoptr(GCancellable) cancellable = NULL;
  LoadRequest *request;

  g_return_if_fail (CHIARO_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (dir));

  cancellable = g_cancellable_new ();
  replace_cancellable (self, &self->load_cancellable, cancellable);

  request = g_new0 (LoadRequest, 1);
  request->self = g_object_ref (self);
  request->file = g_object_ref (dir);
  request->cancellable = g_object_ref (cancellable);
  request->restored = restored;

  chiaro_document_open_async (dir, CHIARO_DOCUMENT_OPEN_FALLBACK_TO_BACKUP,
                              chiaro_application_get_catalog (self->application),
                              cancellable, on_project_opened, request);
}

/**
 * chiaro_window_new_project:
 * @self: a #ChiaroWindow
 *
 * Makes a new project with an empty original in the projects folder (text to image) and
 * shows it with the prompt focused; the project shown before is saved and closed. A load
 * still under way is cancelled.
 */
void
chiaro_window_new_project (ChiaroWindow *self)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GFile) dir = NULL;
  LoadRequest *request;

  g_return_if_fail (CHIARO_IS_WINDOW (self));
  g_return_if_fail (self->application != NULL);

  cancellable = g_cancellable_new ();
  replace_cancellable (self, &self->load_cancellable, cancellable);

  request = g_new0 (LoadRequest, 1);
  request->self = g_object_ref (self);
  request->cancellable = g_object_ref (cancellable);

  dir = chiaro_session_new_project_dir (chiaro_application_get_project_session (self->application));
  chiaro_document_open_async (dir, CHIARO_DOCUMENT_OPEN_CREATE,
                              chiaro_application_get_catalog (self->application),
                              cancellable, on_blank_project_created, request);
}

/**
 * chiaro_window_get_document:
 * @self: a #ChiaroWindow
 *
 * Returns: (transfer none) (nullable): the project shown
 */
ChiaroDocument *
chiaro_window_get_document (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), NULL);

  return self->document;
}

/**
 * chiaro_window_set_document:
 * @self: a #ChiaroWindow
 * @document: (nullable): the project to show
 *
 * Shows @document, gives it the provider and the autosave delay from the settings, and
 * adds it to the session; the project shown before is saved and closed.
 */
void
chiaro_window_set_document (ChiaroWindow   *self,
                            ChiaroDocument *document)
{
  g_return_if_fail (CHIARO_IS_WINDOW (self));
  g_return_if_fail (document == NULL || CHIARO_IS_DOCUMENT (document));

  set_document_internal (self, document, NULL);
}

/**
 * chiaro_window_get_file:
 * @self: a #ChiaroWindow
 *
 * Returns: (transfer none) (nullable): the photo last opened in the window
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
 * Returns: whether a photo or project is being opened, or an image decoded for the canvas
 */
gboolean
chiaro_window_get_loading (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), FALSE);

  return self->load_cancellable != NULL || self->image_cancellable != NULL ||
         self->compare_cancellable != NULL;
}

/**
 * chiaro_window_get_busy:
 * @self: a #ChiaroWindow
 *
 * Returns: whether requests are in flight or changes are not saved yet
 */
gboolean
chiaro_window_get_busy (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), FALSE);

  return self->busy;
}

/**
 * chiaro_window_get_n_pending:
 * @self: a #ChiaroWindow
 *
 * Returns: how many requests of the project are in flight
 */
guint
chiaro_window_get_n_pending (ChiaroWindow *self)
{
  guint n_pending = 0;

  g_return_val_if_fail (CHIARO_IS_WINDOW (self), 0);

  if (self->document != NULL)
    g_object_get (self->document, "n-pending", &n_pending, NULL);

  return n_pending;
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
 * chiaro_window_get_history_strip:
 * @self: a #ChiaroWindow
 *
 * Returns: (transfer none): the window's history strip
 */
ChiaroHistoryStrip *
chiaro_window_get_history_strip (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), NULL);

  return self->history_strip;
}

/**
 * chiaro_window_get_compare_entry:
 * @self: a #ChiaroWindow
 *
 * Returns: (transfer none) (nullable): the entry the current image is compared with, or
 *   %NULL when that is its parent
 */
ChiaroHistoryEntry *
chiaro_window_get_compare_entry (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), NULL);

  return self->compare_entry;
}

/**
 * chiaro_window_set_compare_entry:
 * @self: a #ChiaroWindow
 * @entry: (nullable): the entry to compare the current image with; %NULL for its parent
 *
 * Chooses what the compare views show beside the current image.
 */
void
chiaro_window_set_compare_entry (ChiaroWindow       *self,
                                 ChiaroHistoryEntry *entry)
{
  g_return_if_fail (CHIARO_IS_WINDOW (self));
  g_return_if_fail (entry == NULL || CHIARO_IS_HISTORY_ENTRY (entry));

  if (!g_set_object (&self->compare_entry, entry))
    return;

  update_canvas (self);
  update_actions (self);
}

/**
 * chiaro_window_is_empty:
 * @self: a #ChiaroWindow
 *
 * Returns: whether the window shows no project and is not opening one, so it can take a file
 */
gboolean
chiaro_window_is_empty (ChiaroWindow *self)
{
  g_return_val_if_fail (CHIARO_IS_WINDOW (self), FALSE);

  return self->document == NULL && self->load_cancellable == NULL;
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
