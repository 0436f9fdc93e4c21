/* chiaro-turn.h — what the user asked in one send, and what one answer brought back
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-content.h"
#include "chiaro-generation-request.h"
#include "chiaro-generation-result.h"

G_BEGIN_DECLS

/* A reference image as it was in the tray when the turn was sent. */
typedef struct
{
  char *hash;        /* sha256 of the stored bytes, lowercase hex */
  char *mime_type;
  char *label;       /* (nullable) */
} ChiaroTurnReference;

/* One send: shared (by reference) by every entry it produced; variants of one send are
 * siblings with the same turn. Immutable once the send started, except `content` and
 * `content_hashes`, which are set once when the request has been planned. */
typedef struct
{
  char                    *id;             /* unique, shared by the entries of one send */
  char                    *prompt;         /* may be empty (an image-only turn) */
  GPtrArray               *references;     /* (element-type ChiaroTurnReference) tray order */
  ChiaroGenerationOptions *options;
  char                    *model_id;       /* as the user chose it (may be an alias) */
  char                    *provider;       /* "gemini" or "openai" */
  guint                    n_variants;     /* requests sent in parallel, ≥ 1 */
  ChiaroContent           *content;        /* (nullable) the user turn exactly as sent, image
                                            * parts without data (see chiaro-stored-content.h) */
  GStrv                    content_hashes; /* (nullable) one hash per image part of content */
  gint64                   created;        /* wall-clock µs (g_get_real_time) */
  char                    *pack_id;        /* (nullable) shared by every send of one
                                            * social-format pack (chiaro-pack.h); the sent
                                            * content adds the re-framing instruction */
} ChiaroTurn;

/* What one answer brought back, minus the image bytes (they are in the image store).
 * Immutable once attached to an entry. */
typedef struct
{
  ChiaroContent *content;           /* the model turn exactly as received (every part, every
                                     * thoughtSignature), image parts without data */
  GStrv          content_hashes;    /* one hash per image part of content, in order */
  char          *text;              /* (nullable) */
  char          *thoughts;          /* (nullable) */
  char          *finish_reason;     /* (nullable) */
  char          *finish_message;    /* (nullable) */
  char          *model_version;     /* (nullable) */
  char          *response_id;       /* (nullable) */
  ChiaroUsage    usage;
  GPtrArray     *grounding_sources; /* (element-type ChiaroGroundingSource) never NULL */
  guint          attempts;
  double         estimated_cost_usd;/* < 0 when unknown */
  double         cost_usd;          /* from usage; < 0 when unknown */
  gint64         requested_at;      /* wall-clock µs */
  gint64         received_at;       /* wall-clock µs */
} ChiaroReply;

#define CHIARO_TYPE_TURN  (chiaro_turn_get_type ())
#define CHIARO_TYPE_REPLY (chiaro_reply_get_type ())

GType                chiaro_turn_get_type            (void) G_GNUC_CONST;
ChiaroTurn          *chiaro_turn_new                 (const char                    *prompt,
                                                      const ChiaroGenerationOptions *options,
                                                      const char                    *model_id,
                                                      const char                    *provider,
                                                      guint                          n_variants);
ChiaroTurn          *chiaro_turn_ref                 (ChiaroTurn                    *turn);
void                 chiaro_turn_unref               (ChiaroTurn                    *turn);
void                 chiaro_turn_add_reference       (ChiaroTurn                    *turn,
                                                      const char                    *hash,
                                                      const char                    *mime_type,
                                                      const char                    *label);

GType                chiaro_reply_get_type           (void) G_GNUC_CONST;
ChiaroReply         *chiaro_reply_new                (void);
/* Copies everything but the image bytes from @result; @content_hashes are the store hashes
 * of @result->content's image parts, in order. */
ChiaroReply         *chiaro_reply_new_from_result    (ChiaroGenerationResult        *result,
                                                      const char * const            *content_hashes,
                                                      double                         estimated_cost_usd);
ChiaroReply         *chiaro_reply_ref                (ChiaroReply                   *reply);
void                 chiaro_reply_unref              (ChiaroReply                   *reply);
/* The hash of the final (last non-thought) image of the reply, or NULL. */
const char          *chiaro_reply_get_final_image_hash (ChiaroReply                 *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroTurn, chiaro_turn_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroReply, chiaro_reply_unref)

G_END_DECLS
