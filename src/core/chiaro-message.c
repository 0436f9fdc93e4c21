/* chiaro-message.c — one bubble of the conversation panel
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-message"

#include "config.h"

#include "chiaro-message.h"

struct _ChiaroMessage
{
  GObject             parent_instance;

  /* owned */
  ChiaroTurn         *turn;    /* (nullable) */
  ChiaroHistoryEntry *entry;   /* (nullable) */
  ChiaroSend         *send;    /* (nullable) */
  ChiaroPackGroup    *pack;    /* (nullable) */

  ChiaroMessageKind   kind;
};

G_DEFINE_FINAL_TYPE (ChiaroMessage, chiaro_message, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (ChiaroMessageKind, chiaro_message_kind,
  G_DEFINE_ENUM_VALUE (CHIARO_MESSAGE_USER, "user"),
  G_DEFINE_ENUM_VALUE (CHIARO_MESSAGE_MODEL, "model"),
  G_DEFINE_ENUM_VALUE (CHIARO_MESSAGE_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (CHIARO_MESSAGE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (CHIARO_MESSAGE_PACK, "pack"))

enum {
  PROP_0,
  PROP_KIND,
  PROP_TURN,
  PROP_ENTRY,
  PROP_SEND,
  PROP_PACK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
chiaro_message_dispose (GObject *object)
{
  ChiaroMessage *self = CHIARO_MESSAGE (object);

  g_clear_object (&self->entry);
  g_clear_object (&self->send);
  g_clear_object (&self->pack);

  G_OBJECT_CLASS (chiaro_message_parent_class)->dispose (object);
}

static void
chiaro_message_finalize (GObject *object)
{
  ChiaroMessage *self = CHIARO_MESSAGE (object);

  g_clear_pointer (&self->turn, chiaro_turn_unref);

  G_OBJECT_CLASS (chiaro_message_parent_class)->finalize (object);
}

static void
chiaro_message_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ChiaroMessage *self = CHIARO_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_TURN:
      g_value_set_boxed (value, self->turn);
      break;

    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;

    case PROP_SEND:
      g_value_set_object (value, self->send);
      break;

    case PROP_PACK:
      g_value_set_object (value, self->pack);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_message_class_init (ChiaroMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = chiaro_message_dispose;
  object_class->finalize = chiaro_message_finalize;
  object_class->get_property = chiaro_message_get_property;

  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, CHIARO_TYPE_MESSAGE_KIND,
                                             CHIARO_MESSAGE_USER, flags);
  properties[PROP_TURN] = g_param_spec_boxed ("turn", NULL, NULL, CHIARO_TYPE_TURN, flags);
  properties[PROP_ENTRY] = g_param_spec_object ("entry", NULL, NULL,
                                                CHIARO_TYPE_HISTORY_ENTRY, flags);
  properties[PROP_SEND] = g_param_spec_object ("send", NULL, NULL, CHIARO_TYPE_SEND, flags);
  properties[PROP_PACK] = g_param_spec_object ("pack", NULL, NULL, CHIARO_TYPE_PACK_GROUP,
                                               flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_message_init (ChiaroMessage *self)
{
}

/**
 * chiaro_message_new:
 * @kind: what the bubble shows
 * @turn: (nullable): the turn (USER, MODEL; for PENDING and FAILED, the send's)
 * @entry: (nullable): the entry on the path (USER, MODEL)
 * @send: (nullable): the send (PENDING, FAILED)
 *
 * Returns: (transfer full): a new, immutable message
 */
ChiaroMessage *
chiaro_message_new (ChiaroMessageKind   kind,
                    ChiaroTurn         *turn,
                    ChiaroHistoryEntry *entry,
                    ChiaroSend         *send)
{
  ChiaroMessage *self;

  g_return_val_if_fail (entry == NULL || CHIARO_IS_HISTORY_ENTRY (entry), NULL);
  g_return_val_if_fail (send == NULL || CHIARO_IS_SEND (send), NULL);

  self = g_object_new (CHIARO_TYPE_MESSAGE, NULL);
  self->kind = kind;
  self->turn = turn != NULL ? chiaro_turn_ref (turn) : NULL;
  self->entry = entry != NULL ? g_object_ref (entry) : NULL;
  self->send = send != NULL ? g_object_ref (send) : NULL;

  return self;
}

/**
 * chiaro_message_new_pack:
 * @pack: the pack's group
 * @turn: (nullable): one of the pack's turns (the prompt is the same in all)
 * @entry: (nullable): the pack's entry on the path
 *
 * Returns: (transfer full): a new message of kind PACK
 */
ChiaroMessage *
chiaro_message_new_pack (ChiaroPackGroup    *pack,
                         ChiaroTurn         *turn,
                         ChiaroHistoryEntry *entry)
{
  ChiaroMessage *self;

  g_return_val_if_fail (CHIARO_IS_PACK_GROUP (pack), NULL);
  g_return_val_if_fail (entry == NULL || CHIARO_IS_HISTORY_ENTRY (entry), NULL);

  self = chiaro_message_new (CHIARO_MESSAGE_PACK, turn, entry, NULL);
  self->pack = g_object_ref (pack);

  return self;
}

/**
 * chiaro_message_get_kind:
 * @self: a message
 *
 * Returns: what the bubble shows
 */
ChiaroMessageKind
chiaro_message_get_kind (ChiaroMessage *self)
{
  g_return_val_if_fail (CHIARO_IS_MESSAGE (self), CHIARO_MESSAGE_USER);

  return self->kind;
}

/**
 * chiaro_message_get_turn:
 * @self: a message
 *
 * Returns: (nullable) (transfer none): the turn
 */
ChiaroTurn *
chiaro_message_get_turn (ChiaroMessage *self)
{
  g_return_val_if_fail (CHIARO_IS_MESSAGE (self), NULL);

  return self->turn;
}

/**
 * chiaro_message_get_entry:
 * @self: a message
 *
 * Returns: (nullable) (transfer none): the entry on the path
 */
ChiaroHistoryEntry *
chiaro_message_get_entry (ChiaroMessage *self)
{
  g_return_val_if_fail (CHIARO_IS_MESSAGE (self), NULL);

  return self->entry;
}

/**
 * chiaro_message_get_send:
 * @self: a message
 *
 * Returns: (nullable) (transfer none): the send in flight or failed
 */
ChiaroSend *
chiaro_message_get_send (ChiaroMessage *self)
{
  g_return_val_if_fail (CHIARO_IS_MESSAGE (self), NULL);

  return self->send;
}

/**
 * chiaro_message_get_pack:
 * @self: a message
 *
 * Returns: (nullable) (transfer none): the pack's group (PACK)
 */
ChiaroPackGroup *
chiaro_message_get_pack (ChiaroMessage *self)
{
  g_return_val_if_fail (CHIARO_IS_MESSAGE (self), NULL);

  return self->pack;
}

/**
 * chiaro_message_same:
 * @self: a message
 * @other: another message
 *
 * Whether both say the same thing: of one kind, for the same turn, entry, send and pack. A
 * list of messages rebuilt keeps the ones it had that are the same, so rows are not redrawn.
 *
 * Returns: %TRUE when they are the same
 */
gboolean
chiaro_message_same (ChiaroMessage *self,
                     ChiaroMessage *other)
{
  g_return_val_if_fail (CHIARO_IS_MESSAGE (self), FALSE);
  g_return_val_if_fail (CHIARO_IS_MESSAGE (other), FALSE);

  return self->kind == other->kind && self->turn == other->turn &&
         self->entry == other->entry && self->send == other->send && self->pack == other->pack;
}
