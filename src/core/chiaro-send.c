/* chiaro-send.c — one send in flight, or one that failed and can be retried
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A plain record with notifying properties: ChiaroDocument drives it, the conversation panel
 * shows it. It keeps its turn and the entry it was sent from alive.
 */

#define G_LOG_DOMAIN "chiaro-send"

#include "config.h"

#include "chiaro-send.h"

struct _ChiaroSend
{
  GObject             parent_instance;

  /* owned */
  char               *id;
  ChiaroTurn         *turn;
  ChiaroHistoryEntry *parent;
  char               *text;     /* (nullable) */
  GError             *error;    /* (nullable) */
  GStrv               changes;  /* (nullable) */
  GPtrArray          *entries;  /* (element-type ChiaroHistoryEntry) */
  guint               n_done;   /* answers: entries sharing one reply count once */

  ChiaroSendState     state;
  double              fraction;
  guint               n_failed;
};

G_DEFINE_FINAL_TYPE (ChiaroSend, chiaro_send, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (ChiaroSendState, chiaro_send_state,
  G_DEFINE_ENUM_VALUE (CHIARO_SEND_PLANNING, "planning"),
  G_DEFINE_ENUM_VALUE (CHIARO_SEND_SENDING, "sending"),
  G_DEFINE_ENUM_VALUE (CHIARO_SEND_WAITING, "waiting"),
  G_DEFINE_ENUM_VALUE (CHIARO_SEND_RECEIVING, "receiving"),
  G_DEFINE_ENUM_VALUE (CHIARO_SEND_SAVING, "saving"),
  G_DEFINE_ENUM_VALUE (CHIARO_SEND_DONE, "done"),
  G_DEFINE_ENUM_VALUE (CHIARO_SEND_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (CHIARO_SEND_CANCELLED, "cancelled"))

enum {
  PROP_0,
  PROP_ID,
  PROP_TURN,
  PROP_PARENT,
  PROP_STATE,
  PROP_FRACTION,
  PROP_TEXT,
  PROP_ERROR,
  PROP_N_DONE,
  PROP_N_FAILED,
  PROP_CHANGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
chiaro_send_finalize (GObject *object)
{
  ChiaroSend *self = CHIARO_SEND (object);

  g_free (self->id);
  g_clear_pointer (&self->turn, chiaro_turn_unref);
  g_clear_object (&self->parent);
  g_free (self->text);
  g_clear_error (&self->error);
  g_strfreev (self->changes);
  g_ptr_array_unref (self->entries);

  G_OBJECT_CLASS (chiaro_send_parent_class)->finalize (object);
}

static void
chiaro_send_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ChiaroSend *self = CHIARO_SEND (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_TURN:
      g_value_set_boxed (value, self->turn);
      break;

    case PROP_PARENT:
      g_value_set_object (value, self->parent);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;

    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    case PROP_N_DONE:
      g_value_set_uint (value, self->n_done);
      break;

    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;

    case PROP_CHANGES:
      g_value_set_boxed (value, self->changes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_send_class_init (ChiaroSendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = chiaro_send_finalize;
  object_class->get_property = chiaro_send_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_TURN] = g_param_spec_boxed ("turn", NULL, NULL, CHIARO_TYPE_TURN, flags);
  properties[PROP_PARENT] = g_param_spec_object ("parent", NULL, NULL,
                                                 CHIARO_TYPE_HISTORY_ENTRY, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, CHIARO_TYPE_SEND_STATE,
                                              CHIARO_SEND_PLANNING, flags);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, -1, 1, 0, flags);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  properties[PROP_N_DONE] = g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0,
                                                 flags);
  properties[PROP_CHANGES] = g_param_spec_boxed ("changes", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_send_init (ChiaroSend *self)
{
  self->entries = g_ptr_array_new_with_free_func (g_object_unref);
  self->state = CHIARO_SEND_PLANNING;
}

/**
 * chiaro_send_new:
 * @turn: what is sent
 * @parent: the entry it is sent from
 *
 * Returns: (transfer full): a send in the PLANNING state, with a new unique id
 */
ChiaroSend *
chiaro_send_new (ChiaroTurn         *turn,
                 ChiaroHistoryEntry *parent)
{
  ChiaroSend *self;

  g_return_val_if_fail (turn != NULL, NULL);
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (parent), NULL);

  self = g_object_new (CHIARO_TYPE_SEND, NULL);
  self->id = g_uuid_string_random ();
  self->turn = chiaro_turn_ref (turn);
  self->parent = g_object_ref (parent);

  return self;
}

/**
 * chiaro_send_get_id:
 * @self: a send
 *
 * Returns: a unique id (a UUID), different for a retry of the same turn
 */
const char *
chiaro_send_get_id (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), NULL);

  return self->id;
}

/**
 * chiaro_send_get_turn:
 * @self: a send
 *
 * Returns: (transfer none): what was sent
 */
ChiaroTurn *
chiaro_send_get_turn (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), NULL);

  return self->turn;
}

/**
 * chiaro_send_get_parent:
 * @self: a send
 *
 * Returns: (transfer none): the entry it was sent from
 */
ChiaroHistoryEntry *
chiaro_send_get_parent (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), NULL);

  return self->parent;
}

/**
 * chiaro_send_get_state:
 * @self: a send
 *
 * Returns: where it is
 */
ChiaroSendState
chiaro_send_get_state (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), CHIARO_SEND_FAILED);

  return self->state;
}

/**
 * chiaro_send_get_fraction:
 * @self: a send
 *
 * Returns: 0…1 of the transfer, or -1 while the model works
 */
double
chiaro_send_get_fraction (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), -1);

  return self->fraction;
}

/**
 * chiaro_send_get_text:
 * @self: a send
 *
 * Returns: (nullable): text or a thought as it streams in
 */
const char *
chiaro_send_get_text (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), NULL);

  return self->text;
}

/**
 * chiaro_send_get_error:
 * @self: a send
 *
 * Returns: (nullable) (transfer none): why it failed (FAILED), or why some variants did (DONE)
 */
const GError *
chiaro_send_get_error (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), NULL);

  return self->error;
}

/**
 * chiaro_send_get_n_done:
 * @self: a send
 *
 * An answer holding several images added an entry for each; it counts once here.
 *
 * Returns: how many answers are in the history
 */
guint
chiaro_send_get_n_done (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), 0);

  return self->n_done;
}

/**
 * chiaro_send_get_n_failed:
 * @self: a send
 *
 * Returns: how many variants failed
 */
guint
chiaro_send_get_n_failed (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), 0);

  return self->n_failed;
}

/**
 * chiaro_send_get_changes:
 * @self: a send
 *
 * Returns: (nullable) (transfer none): what the planner changed, translated sentences
 */
const char * const *
chiaro_send_get_changes (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), NULL);

  return (const char * const *) self->changes;
}

/**
 * chiaro_send_get_entries:
 * @self: a send
 *
 * Returns: (transfer none) (element-type ChiaroHistoryEntry): the entries it added, in the
 *   order they were added: one per image of each answer (see chiaro_send_get_n_done())
 */
GPtrArray *
chiaro_send_get_entries (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), NULL);

  return self->entries;
}

/**
 * chiaro_send_is_finished:
 * @self: a send
 *
 * Returns: whether it is DONE, FAILED or CANCELLED
 */
gboolean
chiaro_send_is_finished (ChiaroSend *self)
{
  g_return_val_if_fail (CHIARO_IS_SEND (self), TRUE);

  return self->state == CHIARO_SEND_DONE || self->state == CHIARO_SEND_FAILED ||
         self->state == CHIARO_SEND_CANCELLED;
}

/**
 * chiaro_send_set_state:
 * @self: a send
 * @state: where it is now
 *
 * For ChiaroDocument.
 */
void
chiaro_send_set_state (ChiaroSend      *self,
                       ChiaroSendState  state)
{
  g_return_if_fail (CHIARO_IS_SEND (self));

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/**
 * chiaro_send_set_progress:
 * @self: a send
 * @fraction: 0…1 of the transfer, -1 while the model works
 * @text: (nullable): text or a thought received so far; %NULL keeps the current one
 *
 * For ChiaroDocument.
 */
void
chiaro_send_set_progress (ChiaroSend *self,
                          double      fraction,
                          const char *text)
{
  g_return_if_fail (CHIARO_IS_SEND (self));

  fraction = fraction < 0 ? -1 : MIN (fraction, 1);
  if (self->fraction != fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }

  if (text != NULL && g_strcmp0 (self->text, text) != 0)
    {
      g_free (self->text);
      self->text = g_strdup (text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
    }
}

/**
 * chiaro_send_set_error:
 * @self: a send
 * @error: (nullable): why it failed
 *
 * For ChiaroDocument.
 */
void
chiaro_send_set_error (ChiaroSend   *self,
                       const GError *error)
{
  g_return_if_fail (CHIARO_IS_SEND (self));

  if (self->error == error)
    return;

  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/**
 * chiaro_send_set_changes:
 * @self: a send
 * @changes: (nullable): what the planner changed
 *
 * For ChiaroDocument.
 */
void
chiaro_send_set_changes (ChiaroSend         *self,
                         const char * const *changes)
{
  g_return_if_fail (CHIARO_IS_SEND (self));

  if (changes == NULL && self->changes == NULL)
    return;
  if (changes != NULL && self->changes != NULL &&
      g_strv_equal (changes, (const char * const *) self->changes))
    return;

  g_strfreev (self->changes);
  self->changes = g_strdupv ((char **) changes);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANGES]);
}

/**
 * chiaro_send_add_entry:
 * @self: a send
 * @entry: an answer, now in the history
 *
 * For ChiaroDocument.
 */
void
chiaro_send_add_entry (ChiaroSend         *self,
                       ChiaroHistoryEntry *entry)
{
  ChiaroHistoryEntry *previous;
  ChiaroReply *reply;
  gboolean new_answer;

  g_return_if_fail (CHIARO_IS_SEND (self));
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (entry));

  /* The entries of one answer (one per image) are added one after the other. */
  previous = self->entries->len > 0
             ? g_ptr_array_index (self->entries, self->entries->len - 1) : NULL;
  reply = chiaro_history_entry_get_reply (entry);
  new_answer = previous == NULL || reply == NULL ||
               chiaro_history_entry_get_reply (previous) != reply;
  g_ptr_array_add (self->entries, g_object_ref (entry));
  if (new_answer)
    {
      self->n_done++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
    }
}

/**
 * chiaro_send_add_failure:
 * @self: a send
 *
 * Counts a variant that failed. For ChiaroDocument.
 */
void
chiaro_send_add_failure (ChiaroSend *self)
{
  g_return_if_fail (CHIARO_IS_SEND (self));

  self->n_failed++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FAILED]);
}
