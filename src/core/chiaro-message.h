/* chiaro-message.h — one bubble of the conversation panel
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-pack-group.h"
#include "chiaro-send.h"

G_BEGIN_DECLS

typedef enum
{
  CHIARO_MESSAGE_USER,     /* a turn the user sent: turn (prompt, references, options) */
  CHIARO_MESSAGE_MODEL,    /* the answer on the path: entry, and its variants */
  CHIARO_MESSAGE_PENDING,  /* a send in flight: send (progress, Stop) */
  CHIARO_MESSAGE_FAILED,   /* a send that failed: send (error, prompt, Retry) */
  CHIARO_MESSAGE_PACK,     /* a social-format pack shown once: pack (its ratios' states),
                            * turn (one of its turns: the prompt), entry (the pack's image
                            * on the path, if any) */
} ChiaroMessageKind;

#define CHIARO_TYPE_MESSAGE_KIND (chiaro_message_kind_get_type ())
#define CHIARO_TYPE_MESSAGE (chiaro_message_get_type ())

/* Immutable. Properties: "kind", "turn", "entry" (USER: the first entry of the turn on the
 * path; MODEL: the entry on the path), "send" (PENDING, FAILED), "pack" (PACK; the group
 * itself changes as the pack's sends go on). */
G_DECLARE_FINAL_TYPE (ChiaroMessage, chiaro_message, CHIARO, MESSAGE, GObject)

GType               chiaro_message_kind_get_type (void) G_GNUC_CONST;

ChiaroMessage      *chiaro_message_new          (ChiaroMessageKind   kind,
                                                 ChiaroTurn         *turn,
                                                 ChiaroHistoryEntry *entry,
                                                 ChiaroSend         *send);
ChiaroMessage      *chiaro_message_new_pack     (ChiaroPackGroup    *pack,
                                                 ChiaroTurn         *turn,
                                                 ChiaroHistoryEntry *entry);
ChiaroMessageKind   chiaro_message_get_kind     (ChiaroMessage      *self);
ChiaroTurn         *chiaro_message_get_turn     (ChiaroMessage      *self);
ChiaroHistoryEntry *chiaro_message_get_entry    (ChiaroMessage      *self);
ChiaroSend         *chiaro_message_get_send     (ChiaroMessage      *self);
ChiaroPackGroup    *chiaro_message_get_pack     (ChiaroMessage      *self);
gboolean            chiaro_message_same         (ChiaroMessage      *self,
                                                 ChiaroMessage      *other);

G_END_DECLS
