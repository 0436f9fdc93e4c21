/* chiaro-key-page.c — the first-run page that asks for an API key
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shown by the window while there is no key for the configured service. The key typed here
 * goes to the keyring (chiaro-api-key.h), filed under the service and address, and the page
 * says "saved" only once the keyring has it. A keyring failure stays on the page, with the
 * key still typed in, so nothing is lost.
 */

#define G_LOG_DOMAIN "chiaro-key-page"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-api-key.h"

#include "chiaro-key-page.h"

struct _ChiaroKeyPage
{
  GtkWidget parent_instance;

  /* template children */
  AdwStatusPage *status_page;
  AdwEntryRow *key_row;
  GtkLabel *error_label;
  GtkWidget *get_key_button;

  /* owned */
  char *provider;
  char *endpoint;
  GCancellable *cancellable;   /* (nullable) the save under way */
};

G_DEFINE_FINAL_TYPE (ChiaroKeyPage, chiaro_key_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SAVING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
dup_typed_key (ChiaroKeyPage *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->key_row))));
}

static void
update_actions (ChiaroKeyPage *self)
{
  g_autofree char *key = dup_typed_key (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "key-page.save",
                                 self->cancellable == NULL && self->provider != NULL &&
                                 *key != '\0');
}

static void
set_saving (ChiaroKeyPage *self,
            GCancellable  *cancellable)
{
  gboolean was_saving = self->cancellable != NULL;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, cancellable);

  gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), cancellable == NULL);
  update_actions (self);

  if (was_saving != (cancellable != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);
}

static void
show_error (ChiaroKeyPage *self,
            const char    *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_stored (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ChiaroKeyPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!chiaro_api_key_store_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_saving (self, NULL);

  if (error != NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why, as the keyring service puts it. */
      message = g_strdup_printf (_("The key could not be saved in the keyring: %s"),
                                 error->message);
      show_error (self, message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
  g_signal_emit (self, signals[SAVED], 0);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroKeyPage *self = CHIARO_KEY_PAGE (widget);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *key = dup_typed_key (self);

  if (*key == '\0' || self->provider == NULL)
    return;

  show_error (self, NULL);
  set_saving (self, cancellable);
  chiaro_api_key_store_async (self->provider, self->endpoint, key, cancellable, on_stored,
                              g_object_ref (self));
}

static void
on_key_row_activated (ChiaroKeyPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "key-page.save", NULL);
}

static void
chiaro_key_page_dispose (GObject *object)
{
  ChiaroKeyPage *self = (ChiaroKeyPage *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_KEY_PAGE);

  G_OBJECT_CLASS (chiaro_key_page_parent_class)->dispose (object);
}

static void
chiaro_key_page_finalize (GObject *object)
{
  ChiaroKeyPage *self = (ChiaroKeyPage *)object;

  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->endpoint, g_free);

  G_OBJECT_CLASS (chiaro_key_page_parent_class)->finalize (object);
}

static void
chiaro_key_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ChiaroKeyPage *self = CHIARO_KEY_PAGE (object);

  switch (prop_id)
    {
    case PROP_SAVING:
      g_value_set_boolean (value, chiaro_key_page_get_saving (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_key_page_class_init (ChiaroKeyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_key_page_dispose;
  object_class->finalize = chiaro_key_page_finalize;
  object_class->get_property = chiaro_key_page_get_property;

  properties[PROP_SAVING] =
    g_param_spec_boolean ("saving", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroKeyPage::saved:
   * @self: the page
   *
   * The keyring has the key typed in: the app can go on.
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/chiaro-key-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroKeyPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, ChiaroKeyPage, key_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroKeyPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroKeyPage, get_key_button);
  gtk_widget_class_bind_template_callback (widget_class, on_key_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, update_actions);

  gtk_widget_class_install_action (widget_class, "key-page.save", NULL, save_action);
}

static void
chiaro_key_page_init (ChiaroKeyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

/**
 * chiaro_key_page_new:
 *
 * Returns: (transfer floating): a new page; chiaro_key_page_set_service() says what for
 */
ChiaroKeyPage *
chiaro_key_page_new (void)
{
  return g_object_new (CHIARO_TYPE_KEY_PAGE, NULL);
}

/**
 * chiaro_key_page_set_service:
 * @self: a #ChiaroKeyPage
 * @provider: "gemini" or "openai"
 * @endpoint: the address the key is for
 *
 * Says which service the key is for, and so where it is filed. A save under way for another
 * service is cancelled.
 */
void
chiaro_key_page_set_service (ChiaroKeyPage *self,
                             const char    *provider,
                             const char    *endpoint)
{
  gboolean gemini;

  g_return_if_fail (CHIARO_IS_KEY_PAGE (self));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (endpoint != NULL);

  if (g_strcmp0 (self->provider, provider) == 0 && g_strcmp0 (self->endpoint, endpoint) == 0)
    return;

  set_saving (self, NULL);
  show_error (self, NULL);

  g_free (self->provider);
  self->provider = g_strdup (provider);
  g_free (self->endpoint);
  self->endpoint = g_strdup (endpoint);

  gemini = g_str_equal (provider, "gemini");
  gtk_widget_set_visible (self->get_key_button, gemini);
  if (gemini)
    {
      adw_status_page_set_title (self->status_page, _("Connect to Gemini"));
      adw_status_page_set_description (self->status_page,
                                       _("Chiaro edits photos with Google’s Gemini image "
                                         "models, using your own API key. The key is kept in "
                                         "your keyring."));
    }
  else
    {
      g_autoptr(GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
      const char *host = uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri)
                                                                      : endpoint;
      g_autofree char *description = NULL;

      /* Translators: %s is the name of a server, such as “openrouter.ai”. */
      description = g_strdup_printf (_("Enter your API key for %s. It is kept in your "
                                       "keyring."), host);
      adw_status_page_set_title (self->status_page, _("Connect to Your Image Service"));
      adw_status_page_set_description (self->status_page, description);
    }

  update_actions (self);
}

/**
 * chiaro_key_page_get_saving:
 * @self: a #ChiaroKeyPage
 *
 * Returns: whether a key is on its way to the keyring
 */
gboolean
chiaro_key_page_get_saving (ChiaroKeyPage *self)
{
  g_return_val_if_fail (CHIARO_IS_KEY_PAGE (self), FALSE);

  return self->cancellable != NULL;
}
