/* chiaro-prompt-view.c — the prompt being written, bound to the document
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A multi-line text view whose text is the document's "prompt" both ways (the unsent prompt
 * is saved with the project). Ctrl+Enter activates "controls.send" and Escape
 * "controls.stop", which the generation controls around it provide; Up in an empty prompt
 * brings back the newest prompt sent: from a send in flight or failed, the path's last user
 * turn, or the last send seen while the view showed this document.
 */

#define G_LOG_DOMAIN "chiaro-prompt-view"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-prompt-view.h"

struct _ChiaroPromptView
{
  GtkWidget parent_instance;

  /* template children */
  GtkWidget *overlay;
  GtkScrolledWindow *scroller;
  GtkTextView *text_view;
  GtkWidget *placeholder;

  /* owned */
  ChiaroDocument *document;         /* (nullable) */
  GSignalGroup *document_signals;
  GSignalGroup *sends_signals;
  ChiaroTurn *last_sent;            /* (nullable) the newest send seen */

  /* flags */
  gboolean updating;                /* the text is being set from the document */
};

G_DEFINE_FINAL_TYPE (ChiaroPromptView, chiaro_prompt_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text = g_utf8_next_char (text))
    {
      if (!g_unichar_isspace (g_utf8_get_char (text)))
        return FALSE;
    }
  return TRUE;
}

static char *
dup_text (ChiaroPromptView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_text (ChiaroPromptView *self,
          const char       *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter end;

  gtk_text_buffer_set_text (buffer, text, -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
}

static void
update_placeholder (ChiaroPromptView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  gtk_widget_set_visible (self->placeholder, gtk_text_buffer_get_char_count (buffer) == 0);
}

static void
on_document_prompt (ChiaroPromptView *self)
{
  g_autofree char *text = dup_text (self);
  const char *prompt = self->document != NULL ? chiaro_document_get_prompt (self->document) : "";

  if (g_str_equal (text, prompt))
    return;

  self->updating = TRUE;
  set_text (self, prompt);
  self->updating = FALSE;
}

static void
on_buffer_changed (ChiaroPromptView *self)
{
  g_autofree char *text = NULL;

  update_placeholder (self);
  if (self->updating || self->document == NULL)
    return;

  text = dup_text (self);
  chiaro_document_set_prompt (self->document, text);
}

/* Remembers the newest send, so Up finds its prompt even after the cursor moved away. */
static void
on_sends_changed (ChiaroPromptView *self,
                  guint             position,
                  guint             removed,
                  guint             added,
                  GListModel       *sends)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(ChiaroSend) send = g_list_model_get_item (sends, i);
      ChiaroTurn *turn = chiaro_send_get_turn (send);

      if (turn != NULL && !is_blank (turn->prompt) &&
          (self->last_sent == NULL || turn->created >= self->last_sent->created))
        {
          g_clear_pointer (&self->last_sent, chiaro_turn_unref);
          self->last_sent = chiaro_turn_ref (turn);
        }
    }
}

static void
consider_turn (ChiaroTurn  *turn,
               ChiaroTurn **newest)
{
  if (turn != NULL && !is_blank (turn->prompt) &&
      (*newest == NULL || turn->created >= (*newest)->created))
    *newest = turn;
}

/* The newest prompt sent: a send in flight or failed, the path's user turns, the last send. */
static const char *
find_last_prompt (ChiaroPromptView *self)
{
  ChiaroTurn *newest = NULL;
  GListModel *sends;
  GListModel *path;

  if (self->document == NULL)
    return NULL;

  sends = chiaro_document_get_sends (self->document);
  for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
    {
      g_autoptr(ChiaroSend) send = g_list_model_get_item (sends, i);

      consider_turn (chiaro_send_get_turn (send), &newest);
    }

  path = chiaro_history_get_path (chiaro_document_get_history (self->document));
  for (guint i = 0; i < g_list_model_get_n_items (path); i++)
    {
      g_autoptr(ChiaroHistoryEntry) entry = g_list_model_get_item (path, i);

      consider_turn (chiaro_history_entry_get_turn (entry), &newest);
    }

  consider_turn (self->last_sent, &newest);

  return newest != NULL ? newest->prompt : NULL;
}

static gboolean
on_key_pressed (ChiaroPromptView      *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  const char *last;
  guint n_pending = 0;

  state &= gtk_accelerator_get_default_mod_mask ();

  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      state == GDK_CONTROL_MASK)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "controls.send", NULL);
      return GDK_EVENT_STOP;
    }

  /* Escape is left to others (a dialog, the window) when nothing is in flight. */
  if (keyval == GDK_KEY_Escape && state == 0 && self->document != NULL)
    {
      g_object_get (self->document, "n-pending", &n_pending, NULL);
      if (n_pending == 0)
        return GDK_EVENT_PROPAGATE;
      return gtk_widget_activate_action (GTK_WIDGET (self), "controls.stop", NULL);
    }

  if ((keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up) && state == 0 &&
      gtk_text_buffer_get_char_count (buffer) == 0)
    {
      last = find_last_prompt (self);
      if (last == NULL)
        return GDK_EVENT_PROPAGATE;
      set_text (self, last);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static gboolean
chiaro_prompt_view_grab_focus (GtkWidget *widget)
{
  ChiaroPromptView *self = CHIARO_PROMPT_VIEW (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
chiaro_prompt_view_dispose (GObject *object)
{
  ChiaroPromptView *self = (ChiaroPromptView *)object;

  g_signal_group_set_target (self->document_signals, NULL);
  g_signal_group_set_target (self->sends_signals, NULL);
  g_clear_object (&self->document);
  g_clear_pointer (&self->last_sent, chiaro_turn_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_PROMPT_VIEW);

  G_OBJECT_CLASS (chiaro_prompt_view_parent_class)->dispose (object);
}

static void
chiaro_prompt_view_finalize (GObject *object)
{
  ChiaroPromptView *self = (ChiaroPromptView *)object;

  g_clear_object (&self->document_signals);
  g_clear_object (&self->sends_signals);

  G_OBJECT_CLASS (chiaro_prompt_view_parent_class)->finalize (object);
}

static void
chiaro_prompt_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ChiaroPromptView *self = CHIARO_PROMPT_VIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_prompt_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ChiaroPromptView *self = CHIARO_PROMPT_VIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      chiaro_prompt_view_set_document (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_prompt_view_class_init (ChiaroPromptViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_prompt_view_dispose;
  object_class->finalize = chiaro_prompt_view_finalize;
  object_class->get_property = chiaro_prompt_view_get_property;
  object_class->set_property = chiaro_prompt_view_set_property;

  widget_class->grab_focus = chiaro_prompt_view_grab_focus;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL,
                         CHIARO_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-prompt-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroPromptView, overlay);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPromptView, scroller);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPromptView, text_view);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPromptView, placeholder);
}

static void
chiaro_prompt_view_init (ChiaroPromptView *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Before the text view's own handling, which would insert a line for Ctrl+Enter. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);

  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (on_buffer_changed), self, G_CONNECT_SWAPPED);

  self->document_signals = g_signal_group_new (CHIARO_TYPE_DOCUMENT);
  g_signal_group_connect_swapped (self->document_signals, "notify::prompt",
                                  G_CALLBACK (on_document_prompt), self);

  self->sends_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->sends_signals, "items-changed",
                                  G_CALLBACK (on_sends_changed), self);
}

/**
 * chiaro_prompt_view_new:
 *
 * Returns: (transfer floating): a prompt view for no document yet
 */
GtkWidget *
chiaro_prompt_view_new (void)
{
  return g_object_new (CHIARO_TYPE_PROMPT_VIEW, NULL);
}

/**
 * chiaro_prompt_view_get_document:
 * @self: a #ChiaroPromptView
 *
 * Returns: (transfer none) (nullable): the document whose prompt it edits
 */
ChiaroDocument *
chiaro_prompt_view_get_document (ChiaroPromptView *self)
{
  g_return_val_if_fail (CHIARO_IS_PROMPT_VIEW (self), NULL);

  return self->document;
}

/**
 * chiaro_prompt_view_set_document:
 * @self: a #ChiaroPromptView
 * @document: (nullable): the document whose prompt to edit
 *
 * The text becomes the document's prompt (a loaded project's unsent prompt).
 */
void
chiaro_prompt_view_set_document (ChiaroPromptView *self,
                                 ChiaroDocument   *document)
{
  g_return_if_fail (CHIARO_IS_PROMPT_VIEW (self));
  g_return_if_fail (document == NULL || CHIARO_IS_DOCUMENT (document));

  if (!g_set_object (&self->document, document))
    return;

  g_clear_pointer (&self->last_sent, chiaro_turn_unref);
  g_signal_group_set_target (self->document_signals, document);
  g_signal_group_set_target (self->sends_signals,
                             document != NULL ? chiaro_document_get_sends (document) : NULL);
  on_document_prompt (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_view), document != NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * chiaro_prompt_view_get_text_view:
 * @self: a #ChiaroPromptView
 *
 * Returns: (transfer none): the text view, for focus and tests
 */
GtkTextView *
chiaro_prompt_view_get_text_view (ChiaroPromptView *self)
{
  g_return_val_if_fail (CHIARO_IS_PROMPT_VIEW (self), NULL);

  return self->text_view;
}
