/* chiaro-message-row.c — one message of the conversation panel
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row shows one ChiaroMessage, which never changes: when a send moves on from pending to
 * failed, or the cursor moves to another variant, the document replaces the message and the
 * list makes a new row. Only a pending send changes under its row (state, progress, streamed
 * text), and the row follows its notifications.
 *
 * - USER: the prompt, the references as they were sent (thumbnails and labels), the options
 *   in brief.
 * - MODEL: the answer's image, or every variant of the send with the one on the path marked
 *   (clicking another moves the history cursor to it); the model's text, its sources, the
 *   cost and why it stopped when that was not the normal end.
 * - PENDING: what was sent, then the state with a progress bar and Stop.
 * - FAILED: what was sent, then the reason, details, Retry, Edit Prompt and Dismiss.
 * - PACK: what was sent (once, with the menu for the pack's image on the path), then a
 *   ChiaroPackView: every ratio's state, image, or failure and Retry.
 */

#define G_LOG_DOMAIN "chiaro-message-row"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-api-error.h"
#include "chiaro-entry-menu.h"
#include "chiaro-pack-view.h"
#include "chiaro-thumbnail.h"

#include "chiaro-message-row.h"

#define REFERENCE_SIZE 56
#define IMAGE_SIZE 220
#define VARIANT_SIZE 96

struct _ChiaroMessageRow
{
  GtkListBoxRow parent_instance;

  /* template children */
  GtkWidget *user_bubble;
  GtkLabel *prompt_label;
  GtkFlowBox *references_box;
  GtkLabel *options_label;
  GtkMenuButton *menu_button;
  GtkWidget *model_bubble;
  GtkFlowBox *images_box;
  GtkWidget *variants_hint_label;
  GtkLabel *text_label;
  GtkWidget *sources_box;
  GtkLabel *status_label;
  GtkWidget *pending_bubble;
  GtkSpinner *spinner;
  GtkLabel *state_label;
  GtkWidget *stop_button;
  GtkProgressBar *progress_bar;
  GtkLabel *streamed_label;
  GtkWidget *failed_bubble;
  GtkLabel *reason_label;
  GtkExpander *details_expander;
  GtkLabel *details_label;
  GtkWidget *dismiss_button;
  GtkWidget *edit_button;
  GtkWidget *retry_button;
  GtkWidget *pack_slot;

  /* owned */
  ChiaroDocument *document;
  ChiaroMessage *message;
  GPtrArray *variants;          /* (nullable) MODEL: the variants shown */
};

G_DEFINE_FINAL_TYPE (ChiaroMessageRow, chiaro_message_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static void
update_actions (ChiaroMessageRow *self)
{
  ChiaroMessageKind kind = chiaro_message_get_kind (self->message);
  ChiaroSend *send = chiaro_message_get_send (self->message);
  gboolean pending = kind == CHIARO_MESSAGE_PENDING && !chiaro_send_is_finished (send);
  gboolean failed = kind == CHIARO_MESSAGE_FAILED &&
                    chiaro_send_get_state (send) == CHIARO_SEND_FAILED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.stop", pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.retry", failed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.dismiss", failed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.edit-prompt", failed);
}

static void
on_retry_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ChiaroMessageRow) self = user_data;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;

  /* A send that started took this message's place, and its failure is a failed message of
   * its own. What was refused before anything was sent (no key) leaves this row in the
   * conversation: Retry comes back and the reason is said through "error". */
  send = chiaro_document_send_finish (CHIARO_DOCUMENT (source), result, &error);
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      gtk_widget_get_parent (GTK_WIDGET (self)) == NULL)
    return;

  update_actions (self);
  g_signal_emit (self, signals[ERROR], 0, error->message);
}

/* The size an image of @width × @height takes with its long side @size. */
static void
fit_size (int  width,
          int  height,
          int  size,
          int *out_width,
          int *out_height)
{
  if (width <= 0 || height <= 0)
    {
      *out_width = *out_height = size;
    }
  else if (width >= height)
    {
      *out_width = size;
      *out_height = MAX (1, (int) ((double) size * height / width + 0.5));
    }
  else
    {
      *out_height = size;
      *out_width = MAX (1, (int) ((double) size * width / height + 0.5));
    }
}

/* "Model · 16:9 · 2K · 3 variants" */
static char *
describe_options (ChiaroMessageRow *self,
                  ChiaroTurn       *turn)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(ChiaroModelInfo) model = NULL;
  const char *ratio = NULL;

  if (turn->model_id != NULL)
    {
      model = chiaro_model_catalog_lookup (chiaro_document_get_catalog (self->document),
                                           turn->model_id);
      g_ptr_array_add (parts, g_strdup (model != NULL ? chiaro_model_info_get_name (model)
                                                      : turn->model_id));
    }
  if (turn->options != NULL)
    {
      ratio = chiaro_generation_options_get_aspect_ratio (turn->options);
      /* A pack's ratios are its items. */
      if (chiaro_message_get_kind (self->message) != CHIARO_MESSAGE_PACK)
        /* Translators: the aspect ratio the model chose itself, in a list of options */
        g_ptr_array_add (parts, g_strdup (ratio != NULL ? ratio : _("Automatic ratio")));
      if (turn->options->image_size != NULL && *turn->options->image_size != '\0')
        g_ptr_array_add (parts, g_strdup (turn->options->image_size));
    }
  if (turn->n_variants > 1)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u variant", "%u variants",
                                                       turn->n_variants),
                                             turn->n_variants));
  g_ptr_array_add (parts, NULL);

  /* Translators: the separator between options listed under a prompt */
  return g_strjoinv (_(" · "), (char **) parts->pdata);
}

/* The menu of a turn the user sent: Copy Prompt (here), then the window's Render Final At
 * and Save Prompt as Preset for the entry the turn produced (chiaro-entry-menu.c). */
static GMenuModel *
create_user_menu (ChiaroMessageRow *self,
                  ChiaroTurn       *turn)
{
  ChiaroHistoryEntry *entry = chiaro_message_get_entry (self->message);
  gboolean has_prompt = turn->prompt != NULL && *turn->prompt != '\0';
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) copy = g_menu_new ();
  g_autoptr(GMenu) workflow = NULL;

  if (has_prompt)
    g_menu_append (copy, _("_Copy Prompt"), "chat.copy-prompt");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (copy));

  if (entry == NULL)
    return g_menu_model_get_n_items (G_MENU_MODEL (copy)) > 0
           ? G_MENU_MODEL (g_steal_pointer (&menu)) : NULL;

  workflow = chiaro_entry_menu_new (self->document, entry);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (workflow));

  if (g_menu_model_get_n_items (G_MENU_MODEL (copy)) == 0 &&
      g_menu_model_get_n_items (G_MENU_MODEL (workflow)) == 0)
    return NULL;

  return G_MENU_MODEL (g_steal_pointer (&menu));
}

static void
copy_prompt_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ChiaroMessageRow *self = CHIARO_MESSAGE_ROW (widget);
  ChiaroTurn *turn = chiaro_message_get_turn (self->message);

  if (turn != NULL && turn->prompt != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), turn->prompt);
}

static void
show_user (ChiaroMessageRow *self,
           ChiaroTurn       *turn)
{
  ChiaroImageStore *images = chiaro_document_get_images (self->document);
  g_autofree char *options = describe_options (self, turn);

  gtk_widget_set_visible (self->user_bubble, TRUE);

  if (turn->prompt != NULL && *turn->prompt != '\0')
    {
      gtk_label_set_text (self->prompt_label, turn->prompt);
    }
  else
    {
      gtk_label_set_text (self->prompt_label, _("No prompt, only images"));
      gtk_widget_add_css_class (GTK_WIDGET (self->prompt_label), "dim-label");
    }

  for (guint i = 0; turn->references != NULL && i < turn->references->len; i++)
    {
      ChiaroTurnReference *reference = g_ptr_array_index (turn->references, i);
      g_autofree char *fallback = NULL;
      const char *name = reference->label;
      GtkWidget *box;
      GtkWidget *label;

      if (name == NULL || *name == '\0')
        {
          /* Translators: a reference image without a label; %u counts from 1 */
          fallback = g_strdup_printf (_("Image %u"), i + 1);
          name = fallback;
        }

      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      gtk_box_append (GTK_BOX (box),
                      chiaro_thumbnail_new (images, reference->hash, reference->mime_type,
                                            REFERENCE_SIZE, REFERENCE_SIZE, name));
      label = gtk_label_new (name);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 8);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
      gtk_flow_box_append (self->references_box, box);
      gtk_widget_set_visible (GTK_WIDGET (self->references_box), TRUE);
    }

  gtk_label_set_text (self->options_label, options);
  gtk_widget_set_visible (GTK_WIDGET (self->options_label), *options != '\0');

  /* Only a turn that was sent has the menu; a pending or failed one has its own buttons. */
  if (chiaro_message_get_kind (self->message) == CHIARO_MESSAGE_USER ||
      chiaro_message_get_kind (self->message) == CHIARO_MESSAGE_PACK)
    {
      g_autoptr(GMenuModel) menu = create_user_menu (self, turn);

      gtk_menu_button_set_menu_model (self->menu_button, menu);
      gtk_widget_set_visible (GTK_WIDGET (self->menu_button), menu != NULL);
    }
}

static void
on_variant_clicked (GtkButton        *button,
                    ChiaroMessageRow *self)
{
  ChiaroHistoryEntry *variant = g_object_get_data (G_OBJECT (button), "chiaro-entry");
  ChiaroHistory *history = chiaro_document_get_history (self->document);

  if (chiaro_history_get_cursor (history) != variant)
    chiaro_history_set_cursor (history, variant);
}

static GtkWidget *
make_variant (ChiaroMessageRow   *self,
              ChiaroHistoryEntry *variant,
              guint               index,
              guint               n_variants,
              gboolean            chosen)
{
  ChiaroImageStore *images = chiaro_document_get_images (self->document);
  g_autofree char *name = NULL;
  GtkWidget *button;
  GtkWidget *overlay;
  GtkWidget *thumbnail;
  int width, height;

  if (chosen)
    /* Translators: the variant on the path, among the images of one send */
    name = g_strdup_printf (_("Variant %u of %u, chosen"), index + 1, n_variants);
  else
    /* Translators: one of the images of one send */
    name = g_strdup_printf (_("Variant %u of %u"), index + 1, n_variants);

  fit_size (chiaro_history_entry_get_width (variant), chiaro_history_entry_get_height (variant),
            VARIANT_SIZE, &width, &height);
  thumbnail = chiaro_thumbnail_new (images, chiaro_history_entry_get_image_hash (variant),
                                    chiaro_history_entry_get_mime_type (variant),
                                    width, height, NULL);
  overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (overlay), thumbnail);

  if (chosen)
    {
      GtkWidget *mark = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_widget_set_halign (mark, GTK_ALIGN_END);
      gtk_widget_set_valign (mark, GTK_ALIGN_START);
      gtk_widget_add_css_class (mark, "variant-mark");
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), mark);
    }

  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), overlay);
  gtk_widget_add_css_class (button, "variant");
  if (chosen)
    gtk_widget_add_css_class (button, "chosen");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, chosen ? name : _("Continue from this variant"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "chiaro-entry", g_object_ref (variant),
                          g_object_unref);
  g_signal_connect (button, "clicked", G_CALLBACK (on_variant_clicked), self);

  return button;
}

static char *
describe_status (ChiaroReply *reply)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (reply->cost_usd >= 0)
    /* Translators: what one answer cost, in US dollars */
    g_ptr_array_add (parts, g_strdup_printf (_("$%.3f"), reply->cost_usd));
  else if (reply->estimated_cost_usd >= 0)
    /* Translators: what one answer probably cost, in US dollars, when the server did not say */
    g_ptr_array_add (parts, g_strdup_printf (_("About $%.3f (estimated)"),
                                             reply->estimated_cost_usd));

  if (reply->finish_reason != NULL && g_strcmp0 (reply->finish_reason, "STOP") != 0)
    /* Translators: %s is the model's reason for stopping, e.g. MAX_TOKENS */
    g_ptr_array_add (parts, g_strdup_printf (_("Stopped early: %s"),
                                             reply->finish_message != NULL
                                             ? reply->finish_message
                                             : reply->finish_reason));
  g_ptr_array_add (parts, NULL);

  /* Translators: the separator between facts listed under an answer */
  return g_strjoinv (_(" · "), (char **) parts->pdata);
}

static gboolean
same_entries (GPtrArray *a,
              GPtrArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (a->pdata[i] != b->pdata[i])
      return FALSE;
  return TRUE;
}

/* The answer's image, or every variant of its send. Variants still arriving after the row
 * was made (or deleted later) change the set, so it is checked on every history change. */
static void
update_images (ChiaroMessageRow *self)
{
  ChiaroHistory *history = chiaro_document_get_history (self->document);
  ChiaroImageStore *images = chiaro_document_get_images (self->document);
  ChiaroHistoryEntry *entry = chiaro_message_get_entry (self->message);
  g_autoptr(GPtrArray) variants = NULL;
  GtkWidget *child;

  /* A removed entry has no parent; its row is about to go. */
  if (chiaro_history_entry_get_parent (entry) == NULL)
    return;
  variants = chiaro_history_dup_variants (history, entry);
  if (same_entries (variants, self->variants))
    return;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->images_box))) != NULL)
    gtk_flow_box_remove (self->images_box, child);

  if (variants->len > 1)
    {
      for (guint i = 0; i < variants->len; i++)
        {
          ChiaroHistoryEntry *variant = g_ptr_array_index (variants, i);

          gtk_flow_box_append (self->images_box,
                               make_variant (self, variant, i, variants->len, variant == entry));
        }
      gtk_flow_box_set_max_children_per_line (self->images_box, 4);
    }
  else if (chiaro_history_entry_get_image_hash (entry) != NULL)
    {
      int width, height;

      fit_size (chiaro_history_entry_get_width (entry), chiaro_history_entry_get_height (entry),
                IMAGE_SIZE, &width, &height);
      gtk_flow_box_append (self->images_box,
                           chiaro_thumbnail_new (images,
                                                 chiaro_history_entry_get_image_hash (entry),
                                                 chiaro_history_entry_get_mime_type (entry),
                                                 width, height, _("The image the model made")));
      gtk_flow_box_set_max_children_per_line (self->images_box, 1);
    }
  gtk_widget_set_visible (self->variants_hint_label, variants->len > 1);

  g_ptr_array_foreach (variants, (GFunc) g_object_ref, NULL);
  g_ptr_array_set_free_func (variants, g_object_unref);
  g_clear_pointer (&self->variants, g_ptr_array_unref);
  self->variants = g_steal_pointer (&variants);
}

static void
on_history_changed (ChiaroHistory    *history,
                    ChiaroMessageRow *self)
{
  update_images (self);
}

static void
show_model (ChiaroMessageRow   *self,
            ChiaroHistoryEntry *entry)
{
  ChiaroReply *reply = chiaro_history_entry_get_reply (entry);
  g_autofree char *status = NULL;

  gtk_widget_set_visible (self->model_bubble, TRUE);
  update_images (self);
  g_signal_connect_object (chiaro_document_get_history (self->document), "changed",
                           G_CALLBACK (on_history_changed), self, 0);

  if (reply == NULL)
    return;

  if (reply->text != NULL && *reply->text != '\0')
    {
      gtk_label_set_text (self->text_label, reply->text);
      gtk_widget_set_visible (GTK_WIDGET (self->text_label), TRUE);
    }

  for (guint i = 0; reply->grounding_sources != NULL && i < reply->grounding_sources->len; i++)
    {
      ChiaroGroundingSource *source = g_ptr_array_index (reply->grounding_sources, i);
      g_autofree char *markup = NULL;
      GtkWidget *label;

      if (source->uri == NULL)
        continue;
      markup = g_markup_printf_escaped ("<a href=\"%s\">%s</a>", source->uri,
                                        source->title != NULL && *source->title != '\0'
                                        ? source->title : source->uri);
      label = gtk_label_new (NULL);
      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_tooltip_text (label, source->uri);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (self->sources_box), label);
      gtk_widget_set_visible (self->sources_box, TRUE);
    }

  status = describe_status (reply);
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), *status != '\0');
}

static const char *
describe_state (ChiaroSendState state)
{
  switch (state)
    {
    case CHIARO_SEND_PLANNING:
      return _("Preparing the images…");
    case CHIARO_SEND_SENDING:
      return _("Sending…");
    case CHIARO_SEND_WAITING:
      return _("Waiting for the model…");
    case CHIARO_SEND_RECEIVING:
      return _("Receiving the image…");
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
update_pending (ChiaroMessageRow *self)
{
  ChiaroSend *send = chiaro_message_get_send (self->message);
  double fraction = chiaro_send_get_fraction (send);
  const char *text = chiaro_send_get_text (send);
  gboolean running = !chiaro_send_is_finished (send);

  gtk_label_set_text (self->state_label, describe_state (chiaro_send_get_state (send)));
  gtk_spinner_set_spinning (self->spinner, running);

  /* While nothing tells how far it is, the spinner alone shows that it is working: a pulsing
   * bar would lay itself out again every frame for as long as the model thinks. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), !running || fraction >= 0);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));

  gtk_label_set_text (self->streamed_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->streamed_label), text != NULL && *text != '\0');

  update_actions (self);
}

static void
on_send_notify (ChiaroSend       *send,
                GParamSpec       *pspec,
                ChiaroMessageRow *self)
{
  update_pending (self);
}

static void
show_pending (ChiaroMessageRow *self,
              ChiaroSend       *send)
{
  gtk_widget_set_visible (self->pending_bubble, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Progress"),
                                  -1);
  g_signal_connect_object (send, "notify::state", G_CALLBACK (on_send_notify), self, 0);
  g_signal_connect_object (send, "notify::fraction", G_CALLBACK (on_send_notify), self, 0);
  g_signal_connect_object (send, "notify::text", G_CALLBACK (on_send_notify), self, 0);
  update_pending (self);
}

static char *
describe_details (const GError *error)
{
  g_autoptr(GString) details = g_string_new (NULL);
  const char *detail;
  const char *reason;
  int status;

  if (error == NULL || error->domain != CHIARO_API_ERROR)
    return g_string_free (g_steal_pointer (&details), FALSE);

  detail = chiaro_api_error_get_detail (error);
  reason = chiaro_api_error_get_reason (error);
  status = chiaro_api_error_get_http_status (error);

  if (detail != NULL && *detail != '\0')
    /* Translators: %s is the server's own message, in English */
    g_string_append_printf (details, _("The server said: %s"), detail);
  if (reason != NULL && *reason != '\0')
    {
      if (details->len > 0)
        g_string_append_c (details, '\n');
      /* Translators: %s is a code such as PROHIBITED_CONTENT */
      g_string_append_printf (details, _("Reason: %s"), reason);
    }
  if (status > 0)
    {
      if (details->len > 0)
        g_string_append_c (details, '\n');
      g_string_append_printf (details, _("HTTP status: %d"), status);
    }
  if (chiaro_api_error_get_attempts (error) > 1)
    {
      if (details->len > 0)
        g_string_append_c (details, '\n');
      g_string_append_printf (details, ngettext ("Tried %u time", "Tried %u times",
                                                 chiaro_api_error_get_attempts (error)),
                              chiaro_api_error_get_attempts (error));
    }

  return g_string_free (g_steal_pointer (&details), FALSE);
}

static void
show_failed (ChiaroMessageRow *self,
             ChiaroSend       *send)
{
  const GError *error = chiaro_send_get_error (send);
  g_autofree char *details = describe_details (error);

  gtk_widget_set_visible (self->failed_bubble, TRUE);
  gtk_label_set_text (self->reason_label,
                      error != NULL ? error->message : _("The request failed."));
  gtk_label_set_text (self->details_label, details);
  gtk_widget_set_visible (GTK_WIDGET (self->details_expander), *details != '\0');
  if (error != NULL && error->domain == CHIARO_API_ERROR && !chiaro_api_error_is_retryable (error))
    gtk_widget_remove_css_class (self->retry_button, "suggested-action");
}

static void
on_pack_error (ChiaroMessageRow *self,
               const char       *message)
{
  g_signal_emit (self, signals[ERROR], 0, message);
}

/* The prompt once, then the pack's ratios. */
static void
show_pack (ChiaroMessageRow *self)
{
  GtkWidget *view = chiaro_pack_view_new (self->document, self->message);

  if (chiaro_message_get_turn (self->message) != NULL)
    show_user (self, chiaro_message_get_turn (self->message));
  g_signal_connect_object (view, "error", G_CALLBACK (on_pack_error), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (self->pack_slot), view);
  gtk_widget_set_visible (self->pack_slot, TRUE);
}

/* Actions */

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroMessageRow *self = CHIARO_MESSAGE_ROW (widget);

  chiaro_document_cancel_send (self->document, chiaro_message_get_send (self->message));
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ChiaroMessageRow *self = CHIARO_MESSAGE_ROW (widget);

  /* Once only: the document replaces this message with the new send's. */
  gtk_widget_action_set_enabled (widget, "chat.retry", FALSE);
  gtk_widget_action_set_enabled (widget, "chat.dismiss", FALSE);
  chiaro_document_retry_async (self->document, chiaro_message_get_send (self->message), NULL,
                               on_retry_ready, g_object_ref (self));
}

static void
dismiss_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ChiaroMessageRow *self = CHIARO_MESSAGE_ROW (widget);

  chiaro_document_dismiss_send (self->document, chiaro_message_get_send (self->message));
}

static void
edit_prompt_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ChiaroMessageRow *self = CHIARO_MESSAGE_ROW (widget);
  ChiaroTurn *turn = chiaro_message_get_turn (self->message);

  chiaro_document_set_prompt (self->document, turn->prompt != NULL ? turn->prompt : "");
}

/* Vfuncs */

static void
chiaro_message_row_dispose (GObject *object)
{
  ChiaroMessageRow *self = CHIARO_MESSAGE_ROW (object);

  g_clear_pointer (&self->variants, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_MESSAGE_ROW);
  g_clear_object (&self->message);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (chiaro_message_row_parent_class)->dispose (object);
}

static void
chiaro_message_row_class_init (ChiaroMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_message_row_dispose;

  /**
   * ChiaroMessageRow::error:
   * @self: the row
   * @message: what went wrong, translated
   *
   * A Retry was refused before anything was sent; the window shows it in a toast.
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (CHIARO_TYPE_THUMBNAIL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, user_bubble);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, prompt_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, references_box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, options_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, model_bubble);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, images_box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, variants_hint_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, sources_box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, pending_bubble);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, streamed_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, failed_bubble);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, reason_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, details_expander);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, dismiss_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroMessageRow, pack_slot);

  gtk_widget_class_install_action (widget_class, "chat.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "chat.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "chat.dismiss", NULL, dismiss_action);
  gtk_widget_class_install_action (widget_class, "chat.edit-prompt", NULL, edit_prompt_action);
  gtk_widget_class_install_action (widget_class, "chat.copy-prompt", NULL, copy_prompt_action);
}

static void
chiaro_message_row_init (ChiaroMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public */

/**
 * chiaro_message_row_new:
 * @document: the document the message belongs to
 * @message: the message to show
 *
 * Returns: (transfer floating): a row showing @message
 */
GtkWidget *
chiaro_message_row_new (ChiaroDocument *document,
                        ChiaroMessage  *message)
{
  ChiaroMessageRow *self;
  ChiaroTurn *turn;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (CHIARO_IS_MESSAGE (message), NULL);

  self = g_object_new (CHIARO_TYPE_MESSAGE_ROW, NULL);
  self->document = g_object_ref (document);
  self->message = g_object_ref (message);
  turn = chiaro_message_get_turn (message);

  switch (chiaro_message_get_kind (message))
    {
    case CHIARO_MESSAGE_USER:
      gtk_widget_add_css_class (GTK_WIDGET (self), "user");
      show_user (self, turn);
      break;

    case CHIARO_MESSAGE_MODEL:
      gtk_widget_add_css_class (GTK_WIDGET (self), "model");
      show_model (self, chiaro_message_get_entry (message));
      break;

    case CHIARO_MESSAGE_PENDING:
      gtk_widget_add_css_class (GTK_WIDGET (self), "pending");
      show_user (self, turn);
      show_pending (self, chiaro_message_get_send (message));
      break;

    case CHIARO_MESSAGE_FAILED:
      gtk_widget_add_css_class (GTK_WIDGET (self), "failed");
      show_user (self, turn);
      show_failed (self, chiaro_message_get_send (message));
      break;

    case CHIARO_MESSAGE_PACK:
      gtk_widget_add_css_class (GTK_WIDGET (self), "pack");
      show_pack (self);
      break;

    default:
      g_assert_not_reached ();
    }

  update_actions (self);

  return GTK_WIDGET (self);
}

/**
 * chiaro_message_row_get_message:
 * @self: a #ChiaroMessageRow
 *
 * Returns: (transfer none): the message shown
 */
ChiaroMessage *
chiaro_message_row_get_message (ChiaroMessageRow *self)
{
  g_return_val_if_fail (CHIARO_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}

/**
 * chiaro_message_row_get_document:
 * @self: a #ChiaroMessageRow
 *
 * Returns: (transfer none): the document of the message
 */
ChiaroDocument *
chiaro_message_row_get_document (ChiaroMessageRow *self)
{
  g_return_val_if_fail (CHIARO_IS_MESSAGE_ROW (self), NULL);

  return self->message != NULL ? self->document : NULL;
}
