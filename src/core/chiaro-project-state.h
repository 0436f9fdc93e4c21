/* chiaro-project-state.h — everything project.json holds, and its JSON form
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * project.json (DESIGN §6) is versioned: CHIARO_PROJECT_STATE_VERSION is written, unknown
 * members are ignored on reading, and a file with a greater version is refused
 * (CHIARO_PROJECT_ERROR_NEWER_VERSION) so that an older Chiaro never overwrites it.
 * Serialising is cheap (no image bytes) and runs on the main thread; parsing runs anywhere.
 */

#pragma once

#include "chiaro-history.h"
#include "chiaro-reference-list.h"

G_BEGIN_DECLS

/* The newest format read and written. A file that needs nothing newer than version 1 (no
 * entries sharing an answer's reply) is still written as version 1. */
#define CHIARO_PROJECT_STATE_VERSION 2

/* A send that failed (or was interrupted by a crash), kept with its prompt so it can be
 * retried; shown in the conversation after its parent entry. */
typedef struct
{
  ChiaroTurn *turn;
  char       *parent_id;     /* the entry it was sent from */
  char       *error_message; /* (nullable) translated, as shown */
  char       *error_detail;  /* (nullable) the server's own words */
  GQuark      error_domain;  /* 0 when unknown (e.g. interrupted) */
  int         error_code;
} ChiaroFailedSend;

typedef struct
{
  char                    *name;          /* (nullable) the project's display name */
  gint64                   created;       /* wall-clock µs */
  gint64                   modified;      /* wall-clock µs, set when serialised */
  ChiaroHistory           *history;       /* entries, cursor, redo memory */
  ChiaroReferenceList     *references;
  char                    *prompt;        /* the unsent prompt, never NULL */
  char                    *model_id;      /* (nullable) the model chosen for the next send */
  ChiaroGenerationOptions *options;       /* for the next send, never NULL */
  guint                    n_variants;    /* for the next send, ≥ 1 */
  GPtrArray               *failed_sends;  /* (element-type ChiaroFailedSend) */
} ChiaroProjectState;

ChiaroProjectState *chiaro_project_state_new         (void);
void                chiaro_project_state_free        (ChiaroProjectState *state);
ChiaroFailedSend   *chiaro_failed_send_new           (ChiaroTurn         *turn,
                                                      const char         *parent_id,
                                                      const GError       *error);
void                chiaro_failed_send_free          (ChiaroFailedSend   *failed);

/* Pretty-printed UTF-8 JSON. Stamps state->modified. Every entry, its turn (shared turns
 * written once), reply content with its thought signatures, usage, costs, times, star; the
 * cursor and each entry's redo child; the tray; the prompt and the next send's settings. */
GBytes             *chiaro_project_state_to_json     (ChiaroProjectState *state);
/* CHIARO_PROJECT_ERROR_CORRUPT (not JSON, truncated, a broken tree: unknown parent, cycle,
 * no root, duplicate ids, missing required members) or _NEWER_VERSION. */
ChiaroProjectState *chiaro_project_state_new_from_json (GBytes           *json,
                                                        GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroProjectState, chiaro_project_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroFailedSend, chiaro_failed_send_free)

G_END_DECLS
