/* chiaro-pack-view.c — a social-format pack in the conversation: every ratio's state
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows the ChiaroPackGroup of a PACK message: a header ("Social Pack · 5 Sizes", "3 of 5
 * done", Stop All while a ratio is in flight) and an item per ratio, shaped like the ratio:
 * a spinner and the send's state while it is in flight, the image once it is there (a click
 * moves the history's cursor to it; its menu has Render Final At and Save Prompt as Preset),
 * or the error and Retry (that ratio alone) when it failed. The group's items never change;
 * the group replaces them, and the flow box makes their widgets again. Only a pending item
 * follows its send (state and progress).
 */

#define G_LOG_DOMAIN "chiaro-pack-view"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-entry-menu.h"
#include "chiaro-thumbnail.h"

#include "chiaro-pack-view.h"

/* The long side of an item's image or placeholder. */
#define ITEM_SIZE 72

struct _ChiaroPackView
{
  GtkWidget parent_instance;

  /* template children */
  GtkWidget *bubble;
  GtkLabel *title_label;
  GtkLabel *progress_label;
  GtkWidget *stop_button;
  GtkFlowBox *items_box;

  /* owned */
  ChiaroDocument *document;
  ChiaroMessage *message;
  ChiaroPackGroup *group;
};

G_DEFINE_FINAL_TYPE (ChiaroPackView, chiaro_pack_view, GTK_TYPE_WIDGET)

enum {
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static const char *
message_ratio (ChiaroMessage *message)
{
  ChiaroTurn *turn = chiaro_message_get_turn (message);
  const char *ratio = turn != NULL && turn->options != NULL
                      ? chiaro_generation_options_get_aspect_ratio (turn->options) : NULL;

  /* Translators: the aspect ratio the model chose itself, as the name of an image of a pack */
  return ratio != NULL ? ratio : _("Automatic");
}

/* The size an item of @ratio ("9:16") or of @width × @height takes, its long side
 * ITEM_SIZE. */
static void
item_size (const char *ratio,
           int         width,
           int         height,
           int        *out_width,
           int        *out_height)
{
  if ((width <= 0 || height <= 0) && ratio != NULL)
    {
      char *end = NULL;
      guint64 w = g_ascii_strtoull (ratio, &end, 10);

      if (end != NULL && *end == ':')
        {
          width = (int) MIN (w, 1000);
          height = (int) MIN (g_ascii_strtoull (end + 1, NULL, 10), 1000);
        }
    }
  if (width <= 0 || height <= 0)
    width = height = 1;

  if (width >= height)
    {
      *out_width = ITEM_SIZE;
      *out_height = MAX (1, (int) ((double) ITEM_SIZE * height / width + 0.5));
    }
  else
    {
      *out_height = ITEM_SIZE;
      *out_width = MAX (1, (int) ((double) ITEM_SIZE * width / height + 0.5));
    }
}

static const char *
describe_state (ChiaroSendState state)
{
  switch (state)
    {
    case CHIARO_SEND_PLANNING:
      return _("Preparing…");
    case CHIARO_SEND_SENDING:
      return _("Sending…");
    case CHIARO_SEND_WAITING:
      return _("Waiting…");
    case CHIARO_SEND_RECEIVING:
      return _("Receiving…");
    case CHIARO_SEND_SAVING:
      return _("Saving…");
    case CHIARO_SEND_DONE:
      return _("Done");
    case CHIARO_SEND_FAILED:
      return _("Failed");
    case CHIARO_SEND_CANCELLED:
      return _("Stopped");
    default:
      g_assert_not_reached ();
    }
}

static void
update_header (ChiaroPackView *self)
{
  guint n_ratios = chiaro_pack_group_get_n_ratios (self->group);
  guint n_done = chiaro_pack_group_get_n_done (self->group);
  guint n_failed = chiaro_pack_group_get_n_failed (self->group);
  gboolean pending = chiaro_pack_group_get_n_pending (self->group) > 0;
  g_autofree char *title = NULL;
  g_autofree char *done = NULL;
  g_autofree char *progress = NULL;

  /* Translators: the heading of a social-format pack in the conversation */
  title = g_strdup_printf (ngettext ("Social Pack · %u Size", "Social Pack · %u Sizes", n_ratios),
                           n_ratios);
  /* Translators: how many images of a pack have arrived, e.g. "3 of 5 done" */
  done = g_strdup_printf (ngettext ("%u of %u done", "%u of %u done", n_ratios), n_done, n_ratios);
  if (n_failed > 0)
    {
      g_autofree char *failed = g_strdup_printf (ngettext ("%u failed", "%u failed", n_failed),
                                                 n_failed);

      /* Translators: "3 of 5 done" and "1 failed", listed under a pack's heading */
      progress = g_strdup_printf (_("%s · %s"), done, failed);
    }
  else
    progress = g_steal_pointer (&done);

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->progress_label, progress);
  gtk_widget_set_visible (self->stop_button, pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pack.stop", pending);
}

static void
on_group_notify (ChiaroPackView *self)
{
  update_header (self);
}

static void
on_image_clicked (GtkButton      *button,
                  ChiaroPackView *self)
{
  ChiaroHistoryEntry *entry = g_object_get_data (G_OBJECT (button), "chiaro-entry");
  ChiaroHistory *history = chiaro_document_get_history (self->document);

  if (chiaro_history_get_cursor (history) != entry)
    chiaro_history_set_cursor (history, entry);
}

typedef struct
{
  ChiaroPackView *view;
  GtkWidget      *button;
} RetryData;

static void
retry_data_free (RetryData *data)
{
  g_object_unref (data->view);
  g_object_unref (data->button);
  g_free (data);
}

static void
on_retry_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RetryData *data = user_data;
  ChiaroPackView *self = data->view;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;

  /* A send that started took the failed one's place in the group; its own failure shows
   * there. Only a refusal before sending (no key) is said here, and leaves the ratio failed:
   * its Retry comes back. */
  send = chiaro_document_send_finish (CHIARO_DOCUMENT (source), result, &error);
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    {
      retry_data_free (data);
      return;
    }

  gtk_widget_set_sensitive (data->button, TRUE);
  g_signal_emit (self, signals[ERROR], 0, error->message);
  retry_data_free (data);
}

static void
on_retry_clicked (GtkButton      *button,
                  ChiaroPackView *self)
{
  ChiaroSend *send = g_object_get_data (G_OBJECT (button), "chiaro-send");
  RetryData *data;

  if (chiaro_send_get_state (send) != CHIARO_SEND_FAILED)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  data = g_new0 (RetryData, 1);
  data->view = g_object_ref (self);
  data->button = g_object_ref (GTK_WIDGET (button));
  chiaro_document_retry_async (self->document, send, NULL, on_retry_ready, data);
}

/* A ratio that keeps failing can be let go: its send leaves the pack and the project. */
static void
on_dismiss_clicked (GtkButton      *button,
                    ChiaroPackView *self)
{
  ChiaroSend *send = g_object_get_data (G_OBJECT (button), "chiaro-send");

  if (chiaro_send_get_state (send) == CHIARO_SEND_FAILED)
    chiaro_document_dismiss_send (self->document, send);
}

static void
update_pending_item (GtkWidget  *item,
                     ChiaroSend *send)
{
  GtkLabel *label = g_object_get_data (G_OBJECT (item), "chiaro-state-label");
  GtkProgressBar *bar = g_object_get_data (G_OBJECT (item), "chiaro-progress");
  double fraction = chiaro_send_get_fraction (send);

  gtk_label_set_text (label, describe_state (chiaro_send_get_state (send)));
  gtk_widget_set_visible (GTK_WIDGET (bar), fraction >= 0);
  gtk_progress_bar_set_fraction (bar, CLAMP (fraction, 0.0, 1.0));
}

static void
on_send_notify (ChiaroSend *send,
                GParamSpec *pspec,
                GtkWidget  *item)
{
  update_pending_item (item, send);
}

/* The image of a done ratio: a button moving the cursor to it, ringed when on the path. */
static GtkWidget *
make_image (ChiaroPackView     *self,
            ChiaroHistoryEntry *entry,
            const char         *ratio,
            gboolean            chosen)
{
  g_autofree char *name = NULL;
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *button = gtk_button_new ();
  int width, height;

  if (chosen)
    /* Translators: the image of one ratio of a pack, the one shown; %s is a ratio (9:16) */
    name = g_strdup_printf (_("%s image, shown"), ratio);
  else
    /* Translators: the image of one ratio of a pack; %s is a ratio such as 9:16 */
    name = g_strdup_printf (_("%s image"), ratio);

  item_size (ratio, chiaro_history_entry_get_width (entry), chiaro_history_entry_get_height (entry),
             &width, &height);
  gtk_overlay_set_child (GTK_OVERLAY (overlay),
                         chiaro_thumbnail_new (chiaro_document_get_images (self->document),
                                               chiaro_history_entry_get_image_hash (entry),
                                               chiaro_history_entry_get_mime_type (entry),
                                               width, height, NULL));
  if (chosen)
    {
      GtkWidget *mark = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_widget_set_halign (mark, GTK_ALIGN_END);
      gtk_widget_set_valign (mark, GTK_ALIGN_START);
      gtk_widget_add_css_class (mark, "variant-mark");
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), mark);
    }

  gtk_button_set_child (GTK_BUTTON (button), overlay);
  gtk_widget_add_css_class (button, "variant");
  gtk_widget_add_css_class (button, "pack-image");
  if (chosen)
    gtk_widget_add_css_class (button, "chosen");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, chosen ? name : _("Continue from this image"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "chiaro-entry", g_object_ref (entry),
                          g_object_unref);
  g_signal_connect (button, "clicked", G_CALLBACK (on_image_clicked), self);

  return button;
}

/* A placeholder of the ratio's shape, with @child in its middle. */
static GtkWidget *
make_placeholder (const char *ratio,
                  GtkWidget  *child)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  int width, height;

  item_size (ratio, 0, 0, &width, &height);
  gtk_widget_set_size_request (box, width, height);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (box, "pack-placeholder");
  gtk_widget_set_halign (child, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (child, GTK_ALIGN_CENTER);
  gtk_widget_set_vexpand (child, TRUE);
  gtk_box_append (GTK_BOX (box), child);

  return box;
}

static GtkWidget *
create_item (gpointer item,
             gpointer user_data)
{
  ChiaroPackView *self = user_data;
  ChiaroMessage *message = item;
  ChiaroHistoryEntry *entry = chiaro_message_get_entry (message);
  ChiaroSend *send = chiaro_message_get_send (message);
  const char *ratio = message_ratio (message);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *visual_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *ratio_label = gtk_label_new (ratio);
  GtkWidget *state_label = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "pack-item");
  g_object_set_data_full (G_OBJECT (box), "chiaro-message", g_object_ref (message),
                          g_object_unref);
  gtk_widget_set_size_request (visual_box, -1, ITEM_SIZE + 6);
  gtk_box_append (GTK_BOX (box), visual_box);

  gtk_label_set_xalign (GTK_LABEL (ratio_label), 0);
  gtk_widget_set_hexpand (ratio_label, TRUE);
  gtk_widget_add_css_class (ratio_label, "caption-heading");
  gtk_box_append (GTK_BOX (footer), ratio_label);
  gtk_box_append (GTK_BOX (box), footer);

  gtk_label_set_xalign (GTK_LABEL (state_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (state_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (state_label), 10);
  gtk_widget_add_css_class (state_label, "caption");
  gtk_widget_add_css_class (state_label, "pack-state");
  gtk_box_append (GTK_BOX (box), state_label);

  switch (chiaro_message_get_kind (message))
    {
    case CHIARO_MESSAGE_MODEL:
      {
        g_autoptr(GMenu) menu = chiaro_entry_menu_new (self->document, entry);
        gboolean chosen = entry == chiaro_message_get_entry (self->message);

        gtk_widget_add_css_class (box, "done");
        gtk_box_append (GTK_BOX (visual_box), make_image (self, entry, ratio, chosen));
        gtk_label_set_text (GTK_LABEL (state_label), _("Done"));
        gtk_widget_add_css_class (state_label, "dim-label");
        if (g_menu_model_get_n_items (G_MENU_MODEL (menu)) > 0)
          {
            GtkWidget *menu_button = gtk_menu_button_new ();
            /* Translators: the menu of one image of a pack; %s is a ratio such as 9:16 */
            g_autofree char *label = g_strdup_printf (_("%s image menu"), ratio);

            gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
            gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
            gtk_widget_set_tooltip_text (menu_button, _("Image Menu"));
            gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                            -1);
            gtk_widget_add_css_class (menu_button, "flat");
            gtk_widget_add_css_class (menu_button, "circular");
            gtk_widget_add_css_class (menu_button, "pack-item-menu");
            gtk_box_append (GTK_BOX (footer), menu_button);
          }
      }
      break;

    case CHIARO_MESSAGE_PENDING:
      {
        GtkWidget *spinner = gtk_spinner_new ();
        GtkWidget *bar = gtk_progress_bar_new ();

        gtk_widget_add_css_class (box, "pending");
        gtk_spinner_set_spinning (GTK_SPINNER (spinner), !chiaro_send_is_finished (send));
        gtk_box_append (GTK_BOX (visual_box), make_placeholder (ratio, spinner));
        gtk_widget_add_css_class (state_label, "dim-label");
        gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Progress"),
                                        -1);
        gtk_box_append (GTK_BOX (box), bar);
        g_object_set_data (G_OBJECT (box), "chiaro-state-label", state_label);
        g_object_set_data (G_OBJECT (box), "chiaro-progress", bar);
        g_signal_connect_object (send, "notify::state", G_CALLBACK (on_send_notify), box, 0);
        g_signal_connect_object (send, "notify::fraction", G_CALLBACK (on_send_notify), box, 0);
        update_pending_item (box, send);
      }
      break;

    case CHIARO_MESSAGE_FAILED:
      {
        const GError *error = chiaro_send_get_error (send);
        const char *reason = error != NULL ? error->message : _("The request failed.");
        GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
        GtkWidget *retry = gtk_button_new_with_mnemonic (_("_Retry"));
        /* Translators: the Retry button of one ratio of a pack; %s is a ratio such as 9:16 */
        g_autofree char *retry_name = g_strdup_printf (_("Retry %s"), ratio);
        GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
        GtkWidget *dismiss = gtk_button_new ();
        /* Translators: the Dismiss button of one ratio of a pack; %s is a ratio such as 9:16 */
        g_autofree char *dismiss_name = g_strdup_printf (_("Dismiss %s"), ratio);

        gtk_widget_add_css_class (box, "failed");
        gtk_widget_add_css_class (icon, "error");
        gtk_box_append (GTK_BOX (visual_box), make_placeholder (ratio, icon));
        gtk_label_set_text (GTK_LABEL (state_label), reason);
        gtk_widget_add_css_class (state_label, "error");
        gtk_widget_set_tooltip_text (box, reason);
        gtk_widget_set_tooltip_text (retry, reason);
        gtk_accessible_update_property (GTK_ACCESSIBLE (retry),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, retry_name,
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reason,
                                        -1);
        gtk_widget_add_css_class (retry, "pack-retry");
        gtk_widget_add_css_class (retry, "small");
        gtk_widget_set_hexpand (retry, TRUE);
        g_object_set_data_full (G_OBJECT (retry), "chiaro-send", g_object_ref (send),
                                g_object_unref);
        g_signal_connect (retry, "clicked", G_CALLBACK (on_retry_clicked), self);
        gtk_box_append (GTK_BOX (actions), retry);

        gtk_button_set_icon_name (GTK_BUTTON (dismiss), "window-close-symbolic");
        gtk_widget_set_tooltip_text (dismiss, _("Dismiss"));
        gtk_accessible_update_property (GTK_ACCESSIBLE (dismiss),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, dismiss_name,
                                        -1);
        gtk_widget_add_css_class (dismiss, "flat");
        gtk_widget_add_css_class (dismiss, "circular");
        gtk_widget_add_css_class (dismiss, "pack-dismiss");
        g_object_set_data_full (G_OBJECT (dismiss), "chiaro-send", g_object_ref (send),
                                g_object_unref);
        g_signal_connect (dismiss, "clicked", G_CALLBACK (on_dismiss_clicked), self);
        gtk_box_append (GTK_BOX (actions), dismiss);
        gtk_box_append (GTK_BOX (box), actions);
      }
      break;

    case CHIARO_MESSAGE_USER:
    case CHIARO_MESSAGE_PACK:
    default:
      g_assert_not_reached ();
    }

  return box;
}

/* Actions */

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroPackView *self = CHIARO_PACK_VIEW (widget);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->group));
  g_autoptr(GPtrArray) running = g_ptr_array_new_with_free_func (g_object_unref);

  /* Collected first: a send stopped at once changes the group. */
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(ChiaroMessage) item = g_list_model_get_item (G_LIST_MODEL (self->group), i);
      ChiaroSend *send = chiaro_message_get_send (item);

      if (chiaro_message_get_kind (item) == CHIARO_MESSAGE_PENDING &&
          !chiaro_send_is_finished (send))
        g_ptr_array_add (running, g_object_ref (send));
    }
  for (guint i = 0; i < running->len; i++)
    chiaro_document_cancel_send (self->document, g_ptr_array_index (running, i));
}

/* Vfuncs */

static void
chiaro_pack_view_dispose (GObject *object)
{
  ChiaroPackView *self = CHIARO_PACK_VIEW (object);

  if (self->items_box != NULL)
    gtk_flow_box_bind_model (self->items_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_PACK_VIEW);
  g_clear_object (&self->group);
  g_clear_object (&self->message);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (chiaro_pack_view_parent_class)->dispose (object);
}

static void
chiaro_pack_view_class_init (ChiaroPackViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_pack_view_dispose;

  /**
   * ChiaroPackView::error:
   * @self: the view
   * @message: what went wrong, translated
   *
   * A ratio's Retry was refused before anything was sent.
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (CHIARO_TYPE_THUMBNAIL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "pack-view");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-pack-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackView, bubble);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackView, title_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackView, stop_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackView, items_box);

  gtk_widget_class_install_action (widget_class, "pack.stop", NULL, stop_action);
}

static void
chiaro_pack_view_init (ChiaroPackView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public */

/**
 * chiaro_pack_view_new:
 * @document: the document the pack belongs to
 * @message: a message of kind PACK
 *
 * Returns: (transfer floating): a view of @message's pack, following it
 */
GtkWidget *
chiaro_pack_view_new (ChiaroDocument *document,
                      ChiaroMessage  *message)
{
  ChiaroPackView *self;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (CHIARO_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (chiaro_message_get_kind (message) == CHIARO_MESSAGE_PACK, NULL);

  self = g_object_new (CHIARO_TYPE_PACK_VIEW, NULL);
  self->document = g_object_ref (document);
  self->message = g_object_ref (message);
  self->group = g_object_ref (chiaro_message_get_pack (message));

  gtk_flow_box_bind_model (self->items_box, G_LIST_MODEL (self->group), create_item, self, NULL);
  g_signal_connect_object (self->group, "notify", G_CALLBACK (on_group_notify), self,
                           G_CONNECT_SWAPPED);
  update_header (self);

  return GTK_WIDGET (self);
}

/**
 * chiaro_pack_view_get_progress_text:
 * @self: a #ChiaroPackView
 *
 * Returns: the header's progress line ("3 of 5 done")
 */
const char *
chiaro_pack_view_get_progress_text (ChiaroPackView *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_VIEW (self), NULL);

  return gtk_label_get_text (self->progress_label);
}

/**
 * chiaro_pack_view_get_n_items:
 * @self: a #ChiaroPackView
 *
 * Returns: how many items (ratio states) are shown
 */
guint
chiaro_pack_view_get_n_items (ChiaroPackView *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_VIEW (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->group));
}

/**
 * chiaro_pack_view_get_item:
 * @self: a #ChiaroPackView
 * @index: an item's position
 *
 * Returns: (transfer none) (nullable): the item's widget (css class "pack-item", with
 *   "done", "pending" or "failed"), its message as the data "chiaro-message"
 */
GtkWidget *
chiaro_pack_view_get_item (ChiaroPackView *self,
                           guint           index)
{
  GtkFlowBoxChild *child;

  g_return_val_if_fail (CHIARO_IS_PACK_VIEW (self), NULL);

  child = gtk_flow_box_get_child_at_index (self->items_box, (int) index);
  return child != NULL ? gtk_flow_box_child_get_child (child) : NULL;
}
