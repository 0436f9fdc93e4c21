/* chiaro-send.h — one send in flight, or one that failed and can be retried
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chiaro-history-entry.h"

G_BEGIN_DECLS

typedef enum
{
  CHIARO_SEND_PLANNING,    /* loading and fitting the images */
  CHIARO_SEND_SENDING,     /* uploading the request */
  CHIARO_SEND_WAITING,     /* the model is working */
  CHIARO_SEND_RECEIVING,   /* downloading the answer */
  CHIARO_SEND_SAVING,      /* storing the images */
  CHIARO_SEND_DONE,        /* every variant is in the history (or some, see n-failed) */
  CHIARO_SEND_FAILED,      /* nothing came back; error says why; can be retried */
  CHIARO_SEND_CANCELLED,   /* stopped by the user; nothing was added */
} ChiaroSendState;

#define CHIARO_TYPE_SEND_STATE (chiaro_send_state_get_type ())
#define CHIARO_TYPE_SEND (chiaro_send_get_type ())

/* Properties (read-only, notify on the main thread): "id", "turn", "parent" (the entry it
 * was sent from; kept alive by the send), "state", "fraction" (0…1 of the transfer, -1 while
 * the model works), "text" (partial text or thought while streaming; nullable), "error"
 * (GError, nullable: FAILED, or a partial failure of some variants when DONE), "n-done",
 * "n-failed", "changes" (what the planner changed, translated sentences; GStrv, nullable).
 * Only ChiaroDocument changes a send. */
G_DECLARE_FINAL_TYPE (ChiaroSend, chiaro_send, CHIARO, SEND, GObject)

GType               chiaro_send_state_get_type (void) G_GNUC_CONST;

ChiaroSend         *chiaro_send_new            (ChiaroTurn         *turn,
                                                ChiaroHistoryEntry *parent);
const char         *chiaro_send_get_id         (ChiaroSend         *self);
ChiaroTurn         *chiaro_send_get_turn       (ChiaroSend         *self);
ChiaroHistoryEntry *chiaro_send_get_parent     (ChiaroSend         *self);
ChiaroSendState     chiaro_send_get_state      (ChiaroSend         *self);
double              chiaro_send_get_fraction   (ChiaroSend         *self);
const char         *chiaro_send_get_text       (ChiaroSend         *self);
const GError       *chiaro_send_get_error      (ChiaroSend         *self);
guint               chiaro_send_get_n_done     (ChiaroSend         *self);
guint               chiaro_send_get_n_failed   (ChiaroSend         *self);
const char * const *chiaro_send_get_changes    (ChiaroSend         *self);
/* Returns: (transfer none) (element-type ChiaroHistoryEntry): the entries it added, one per
 * image of each answer; "n-done" counts the answers. */
GPtrArray          *chiaro_send_get_entries    (ChiaroSend         *self);
gboolean            chiaro_send_is_finished    (ChiaroSend         *self);

/* For ChiaroDocument. */
void                chiaro_send_set_state      (ChiaroSend         *self,
                                                ChiaroSendState     state);
void                chiaro_send_set_progress   (ChiaroSend         *self,
                                                double              fraction,
                                                const char         *text);
void                chiaro_send_set_error      (ChiaroSend         *self,
                                                const GError       *error);
void                chiaro_send_set_changes    (ChiaroSend         *self,
                                                const char * const *changes);
void                chiaro_send_add_entry      (ChiaroSend         *self,
                                                ChiaroHistoryEntry *entry);
void                chiaro_send_add_failure    (ChiaroSend         *self);

G_END_DECLS
