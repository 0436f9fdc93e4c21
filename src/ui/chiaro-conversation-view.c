/* chiaro-conversation-view.c — the conversation panel: the turns of the path and the sends
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list of ChiaroMessageRow bound to the document's messages, oldest at the top. A new
 * message scrolls the list to the end; while the list is at its end it stays there as rows
 * grow (a thumbnail arriving, text streaming in). Without messages the panel says what to
 * do instead.
 *
 * A long project's path has a thousand messages; a row for each, made at once, held the main
 * loop for seconds when it opened. The list shows the last PAGE_SIZE of them (a
 * ChiaroTailModel following the messages: new sends, undo and redo, another branch), and
 * "Show Earlier Messages" above them brings in PAGE_SIZE more each time, keeping what the
 * reader looks at in place.
 *
 * Rows are replaced often (a send finishing, another variant picked). When the keyboard
 * focus is in a row about to go, it moves to the row that takes its place: a window must
 * never keep its focus on a widget that has left it (GTK 4.8 then reads the freed widget
 * when a selectable label takes the focus).
 */

#define G_LOG_DOMAIN "chiaro-conversation-view"

#include "config.h"

#include <adwaita.h>

#include "chiaro-message-row.h"
#include "chiaro-tail-model.h"

#include "chiaro-conversation-view.h"

/* How close to the end, in pixels, still counts as "at the end". */
#define END_SLACK 8.0
/* How many of the last messages are shown at first, and how many more each click brings. */
#define PAGE_SIZE 40

struct _ChiaroConversationView
{
  GtkWidget parent_instance;

  /* template children */
  GtkStack *stack;
  AdwStatusPage *empty_page;
  GtkScrolledWindow *scrolled_window;
  GtkListBox *list_box;
  GtkButton *earlier_button;

  /* owned */
  ChiaroDocument *document;     /* (nullable) */
  ChiaroTailModel *tail;        /* (nullable) the messages shown */

  /* state */
  double anchor;                /* while anchored: the distance of the view from the end */

  /* flags */
  gboolean stick_to_end;
  gboolean anchored;            /* keep the view where it was as earlier rows come in */
  gboolean growing;             /* earlier rows are coming in */
  gboolean refocus;             /* the focus was in a removed row */
  guint refocus_position;
};

G_DEFINE_FINAL_TYPE (ChiaroConversationView, chiaro_conversation_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_row_error (ChiaroConversationView *self,
              const char             *message)
{
  g_signal_emit (self, signals[ERROR], 0, message);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  ChiaroConversationView *self = user_data;
  GtkWidget *row = chiaro_message_row_new (self->document, CHIARO_MESSAGE (item));

  g_signal_connect_object (row, "error", G_CALLBACK (on_row_error), self, G_CONNECT_SWAPPED);
  return row;
}

static void
scroll_to_end (ChiaroConversationView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) -
                            gtk_adjustment_get_page_size (adjustment));
}

static void
update_empty (ChiaroConversationView *self)
{
  GListModel *messages = self->document != NULL ? chiaro_document_get_messages (self->document)
                                                : NULL;
  gboolean empty = messages == NULL || g_list_model_get_n_items (messages) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "messages");
}

/* Before the list box removes the rows: take the focus out of them. */
static void
on_messages_changing (GListModel             *messages,
                      guint                   position,
                      guint                   removed,
                      guint                   added,
                      ChiaroConversationView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL)
    return;

  for (guint i = position; i < position + removed; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list_box, i);

      if (row != NULL && (focus == GTK_WIDGET (row) ||
                          gtk_widget_is_ancestor (focus, GTK_WIDGET (row))))
        {
          self->refocus = TRUE;
          self->refocus_position = position;
          gtk_root_set_focus (root, NULL);
          return;
        }
    }
}

static void
on_messages_changed (GListModel             *messages,
                     guint                   position,
                     guint                   removed,
                     guint                   added,
                     ChiaroConversationView *self)
{
  update_empty (self);

  if (self->refocus)
    {
      guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->tail));
      GtkListBoxRow *row = NULL;

      self->refocus = FALSE;
      if (n_items > 0)
        row = gtk_list_box_get_row_at_index (self->list_box,
                                             MIN (self->refocus_position, n_items - 1));
      if (row != NULL)
        gtk_widget_child_focus (GTK_WIDGET (row), GTK_DIR_TAB_FORWARD);
    }

  if (added > 0 && !self->growing)
    {
      self->anchored = FALSE;
      self->stick_to_end = TRUE;
      scroll_to_end (self);
    }
}

static void
update_earlier (ChiaroConversationView *self)
{
  gboolean visible = self->tail != NULL && chiaro_tail_model_get_n_hidden (self->tail) > 0;

  if (!visible && gtk_widget_has_focus (GTK_WIDGET (self->earlier_button)))
    gtk_widget_child_focus (GTK_WIDGET (self->list_box), GTK_DIR_TAB_FORWARD);
  gtk_widget_set_visible (GTK_WIDGET (self->earlier_button), visible);
}

static void
on_n_hidden_changed (ChiaroConversationView *self)
{
  update_earlier (self);
}

/* Brings in the next page of earlier messages above the first shown; the view stays on
 * what it showed (anchored to its distance from the end) until the reader scrolls. */
static void
on_earlier_clicked (ChiaroConversationView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  if (self->tail == NULL)
    return;

  self->anchor = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_value (adjustment);
  self->anchored = TRUE;
  self->stick_to_end = FALSE;
  self->growing = TRUE;
  chiaro_tail_model_set_limit (self->tail, chiaro_tail_model_get_limit (self->tail) + PAGE_SIZE);
  self->growing = FALSE;
}

/* A value set while the viewport was being allocated is read at its next allocation. */
static gboolean
reallocate (GtkWidget     *widget,
            GdkFrameClock *frame_clock,
            gpointer       user_data)
{
  gtk_widget_queue_allocate (widget);
  return G_SOURCE_REMOVE;
}

/* The list grew or shrank: follow the end when that is where the reader is, or keep the
 * anchored place. */
static void
on_adjustment_changed (GtkAdjustment          *adjustment,
                       ChiaroConversationView *self)
{
  double value = gtk_adjustment_get_upper (adjustment) - self->anchor;

  if (self->anchored && gtk_adjustment_get_value (adjustment) != value)
    {
      gtk_adjustment_set_value (adjustment, value);
      gtk_widget_add_tick_callback (gtk_scrolled_window_get_child (self->scrolled_window),
                                    reallocate, NULL, NULL);
    }
  else if (!self->anchored && self->stick_to_end)
    scroll_to_end (self);
}

static void
on_adjustment_value_changed (GtkAdjustment          *adjustment,
                             ChiaroConversationView *self)
{
  double end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  /* The reader scrolled away from the anchored place. */
  if (self->anchored &&
      ABS (gtk_adjustment_get_value (adjustment) - (gtk_adjustment_get_upper (adjustment) -
                                                    self->anchor)) > 1.0)
    self->anchored = FALSE;
  self->stick_to_end = gtk_adjustment_get_value (adjustment) >= end - END_SLACK;
}

static void
chiaro_conversation_view_dispose (GObject *object)
{
  ChiaroConversationView *self = CHIARO_CONVERSATION_VIEW (object);

  chiaro_conversation_view_set_document (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_CONVERSATION_VIEW);

  G_OBJECT_CLASS (chiaro_conversation_view_parent_class)->dispose (object);
}

static void
chiaro_conversation_view_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  ChiaroConversationView *self = CHIARO_CONVERSATION_VIEW (object);

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
chiaro_conversation_view_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  ChiaroConversationView *self = CHIARO_CONVERSATION_VIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      chiaro_conversation_view_set_document (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_conversation_view_class_init (ChiaroConversationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_conversation_view_dispose;
  object_class->get_property = chiaro_conversation_view_get_property;
  object_class->set_property = chiaro_conversation_view_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, CHIARO_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroConversationView::error:
   * @self: the view
   * @message: what went wrong, translated
   *
   * An action in a message (Retry) was refused before anything was sent.
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "conversation-view");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroConversationView, stack);
  gtk_widget_class_bind_template_child (widget_class, ChiaroConversationView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, ChiaroConversationView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ChiaroConversationView, list_box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroConversationView, earlier_button);
  gtk_widget_class_bind_template_callback (widget_class, on_earlier_clicked);
}

static void
chiaro_conversation_view_init (ChiaroConversationView *self)
{
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (adjustment, "changed",
                           G_CALLBACK (on_adjustment_changed), self, 0);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (on_adjustment_value_changed), self, 0);
  self->stick_to_end = TRUE;
  update_empty (self);
}

/**
 * chiaro_conversation_view_new:
 *
 * Returns: (transfer floating): an empty conversation panel
 */
GtkWidget *
chiaro_conversation_view_new (void)
{
  return g_object_new (CHIARO_TYPE_CONVERSATION_VIEW, NULL);
}

/**
 * chiaro_conversation_view_get_document:
 * @self: a #ChiaroConversationView
 *
 * Returns: (transfer none) (nullable): the document shown
 */
ChiaroDocument *
chiaro_conversation_view_get_document (ChiaroConversationView *self)
{
  g_return_val_if_fail (CHIARO_IS_CONVERSATION_VIEW (self), NULL);

  return self->document;
}

/**
 * chiaro_conversation_view_set_document:
 * @self: a #ChiaroConversationView
 * @document: (nullable): the document whose conversation to show
 *
 * Shows @document's messages, following them as they change.
 */
void
chiaro_conversation_view_set_document (ChiaroConversationView *self,
                                       ChiaroDocument         *document)
{
  g_return_if_fail (CHIARO_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (document == NULL || CHIARO_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  if (self->tail != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->tail, self);
      if (self->list_box != NULL)
        gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
      g_clear_object (&self->tail);
    }

  g_set_object (&self->document, document);
  self->anchored = FALSE;

  if (document != NULL)
    {
      self->tail = chiaro_tail_model_new (chiaro_document_get_messages (document), PAGE_SIZE);
      /* Connected before the list box's own handler, which removes the rows. */
      g_signal_connect_object (self->tail, "items-changed",
                               G_CALLBACK (on_messages_changing), self, 0);
      gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->tail), create_row, self,
                               NULL);
      g_signal_connect_object (self->tail, "items-changed",
                               G_CALLBACK (on_messages_changed), self, G_CONNECT_AFTER);
      g_signal_connect_object (self->tail, "notify::n-hidden",
                               G_CALLBACK (on_n_hidden_changed), self, G_CONNECT_SWAPPED);
      self->stick_to_end = TRUE;
      scroll_to_end (self);
    }

  if (self->stack != NULL)
    {
      update_empty (self);
      update_earlier (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}
