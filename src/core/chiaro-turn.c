/* chiaro-turn.c — what the user asked in one send, and what one answer brought back
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both are reference counted and shared: a turn by every entry of one send (the variants)
 * and by a failed send waiting for a retry, a reply by the entry it made. Neither holds image
 * bytes: images are named by the hash of the file the image store keeps.
 */

#define G_LOG_DOMAIN "chiaro-turn"

#include "config.h"

#include "chiaro-stored-content.h"

#include "chiaro-turn.h"

G_DEFINE_BOXED_TYPE (ChiaroTurn, chiaro_turn, chiaro_turn_ref, chiaro_turn_unref)
G_DEFINE_BOXED_TYPE (ChiaroReply, chiaro_reply, chiaro_reply_ref, chiaro_reply_unref)

static void
turn_reference_free (ChiaroTurnReference *reference)
{
  g_free (reference->hash);
  g_free (reference->mime_type);
  g_free (reference->label);
  g_free (reference);
}

static void
turn_clear (ChiaroTurn *turn)
{
  g_clear_pointer (&turn->id, g_free);
  g_clear_pointer (&turn->prompt, g_free);
  g_clear_pointer (&turn->references, g_ptr_array_unref);
  g_clear_pointer (&turn->options, chiaro_generation_options_free);
  g_clear_pointer (&turn->model_id, g_free);
  g_clear_pointer (&turn->provider, g_free);
  g_clear_pointer (&turn->content, chiaro_content_unref);
  g_clear_pointer (&turn->content_hashes, g_strfreev);
  g_clear_pointer (&turn->pack_id, g_free);
}

static void
reply_clear (ChiaroReply *reply)
{
  g_clear_pointer (&reply->content, chiaro_content_unref);
  g_clear_pointer (&reply->content_hashes, g_strfreev);
  g_clear_pointer (&reply->text, g_free);
  g_clear_pointer (&reply->thoughts, g_free);
  g_clear_pointer (&reply->finish_reason, g_free);
  g_clear_pointer (&reply->finish_message, g_free);
  g_clear_pointer (&reply->model_version, g_free);
  g_clear_pointer (&reply->response_id, g_free);
  g_clear_pointer (&reply->grounding_sources, g_ptr_array_unref);
}

/**
 * chiaro_turn_new:
 * @prompt: (nullable): what the user typed; %NULL reads as empty
 * @options: (nullable): the options of the send, copied; %NULL for the defaults
 * @model_id: (nullable): the model as the user chose it
 * @provider: (nullable): "gemini" or "openai"
 * @n_variants: how many requests the send makes in parallel, at least 1
 *
 * Makes a turn with a new unique id, no references and no planned content yet, created now.
 *
 * Returns: (transfer full): the turn
 */
ChiaroTurn *
chiaro_turn_new (const char                    *prompt,
                 const ChiaroGenerationOptions *options,
                 const char                    *model_id,
                 const char                    *provider,
                 guint                          n_variants)
{
  ChiaroTurn *turn = g_atomic_rc_box_new0 (ChiaroTurn);

  turn->id = g_uuid_string_random ();
  turn->prompt = g_strdup (prompt != NULL ? prompt : "");
  turn->references = g_ptr_array_new_with_free_func ((GDestroyNotify) turn_reference_free);
  turn->options = options != NULL ? chiaro_generation_options_copy (options)
                                  : chiaro_generation_options_new ();
  turn->model_id = g_strdup (model_id);
  turn->provider = g_strdup (provider);
  turn->n_variants = MAX (n_variants, 1);
  turn->created = g_get_real_time ();
  return turn;
}

ChiaroTurn *
chiaro_turn_ref (ChiaroTurn *turn)
{
  g_return_val_if_fail (turn != NULL, NULL);

  return g_atomic_rc_box_acquire (turn);
}

void
chiaro_turn_unref (ChiaroTurn *turn)
{
  g_return_if_fail (turn != NULL);

  g_atomic_rc_box_release_full (turn, (GDestroyNotify) turn_clear);
}

/**
 * chiaro_turn_add_reference:
 * @turn: a turn that has not been sent yet
 * @hash: the stored image's hash
 * @mime_type: the image's type
 * @label: (nullable): the name the prompt uses for it
 *
 * Appends a reference, in tray order.
 */
void
chiaro_turn_add_reference (ChiaroTurn *turn,
                           const char *hash,
                           const char *mime_type,
                           const char *label)
{
  ChiaroTurnReference *reference;

  g_return_if_fail (turn != NULL);
  g_return_if_fail (chiaro_stored_content_hash_is_valid (hash));
  g_return_if_fail (mime_type != NULL);

  reference = g_new0 (ChiaroTurnReference, 1);
  reference->hash = g_strdup (hash);
  reference->mime_type = g_strdup (mime_type);
  reference->label = g_strdup (label);
  g_ptr_array_add (turn->references, reference);
}

/**
 * chiaro_reply_new:
 *
 * An empty reply: a model content without parts, unknown usage and costs, one attempt.
 *
 * Returns: (transfer full): the reply
 */
ChiaroReply *
chiaro_reply_new (void)
{
  ChiaroReply *reply = g_atomic_rc_box_new0 (ChiaroReply);

  reply->content = chiaro_content_new ("model");
  reply->content_hashes = g_new0 (char *, 1);
  reply->grounding_sources =
    g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_grounding_source_free);
  reply->attempts = 1;
  reply->estimated_cost_usd = -1;
  reply->cost_usd = -1;
  return reply;
}

/**
 * chiaro_reply_new_from_result:
 * @result: a successful answer
 * @content_hashes: (array zero-terminated=1) (nullable): the store hashes of the image parts
 *   of @result->content, in order
 * @estimated_cost_usd: what the send was estimated to cost, < 0 when unknown
 *
 * Copies everything worth keeping from @result except the image bytes: the content as
 * received (every part and thought signature, image parts without their data), the text,
 * thoughts, finish reason, usage, cost and grounding sources. The reply is received now;
 * the caller sets requested_at.
 *
 * Returns: (transfer full): the reply
 */
ChiaroReply *
chiaro_reply_new_from_result (ChiaroGenerationResult *result,
                              const char * const     *content_hashes,
                              double                  estimated_cost_usd)
{
  g_autoptr(ChiaroReply) reply = NULL;
  guint n_hashes;

  g_return_val_if_fail (result != NULL, NULL);

  n_hashes = content_hashes != NULL ? g_strv_length ((char **) content_hashes) : 0;
  g_return_val_if_fail (n_hashes == (result->content != NULL
                                     ? chiaro_content_count_images (result->content) : 0),
                        NULL);

  reply = chiaro_reply_new ();
  if (result->content != NULL)
    {
      g_clear_pointer (&reply->content, chiaro_content_unref);
      reply->content = chiaro_stored_content_strip (result->content);
    }
  g_clear_pointer (&reply->content_hashes, g_strfreev);
  reply->content_hashes = content_hashes != NULL ? g_strdupv ((char **) content_hashes)
                                                 : g_new0 (char *, 1);

  reply->text = g_strdup (result->text);
  reply->thoughts = g_strdup (result->thoughts);
  reply->finish_reason = g_strdup (result->finish_reason);
  reply->finish_message = g_strdup (result->finish_message);
  reply->model_version = g_strdup (result->model_version);
  reply->response_id = g_strdup (result->response_id);
  reply->usage = result->usage;
  reply->attempts = result->attempts;
  reply->estimated_cost_usd = estimated_cost_usd;
  reply->cost_usd = result->cost_usd;
  reply->received_at = g_get_real_time ();

  for (guint i = 0; result->grounding_sources != NULL && i < result->grounding_sources->len; i++)
    {
      ChiaroGroundingSource *source = g_ptr_array_index (result->grounding_sources, i);

      g_ptr_array_add (reply->grounding_sources, chiaro_grounding_source_copy (source));
    }

  return g_steal_pointer (&reply);
}

ChiaroReply *
chiaro_reply_ref (ChiaroReply *reply)
{
  g_return_val_if_fail (reply != NULL, NULL);

  return g_atomic_rc_box_acquire (reply);
}

void
chiaro_reply_unref (ChiaroReply *reply)
{
  g_return_if_fail (reply != NULL);

  g_atomic_rc_box_release_full (reply, (GDestroyNotify) reply_clear);
}

/**
 * chiaro_reply_get_final_image_hash:
 * @reply: a reply
 *
 * Google documents the last image part that is not a thought as the final image.
 *
 * Returns: (nullable): the hash of the final image, or %NULL when the reply has none
 */
const char *
chiaro_reply_get_final_image_hash (ChiaroReply *reply)
{
  const char *hash = NULL;
  guint n_images = 0;
  guint n_hashes;

  g_return_val_if_fail (reply != NULL, NULL);

  if (reply->content == NULL || reply->content_hashes == NULL)
    return NULL;

  n_hashes = g_strv_length (reply->content_hashes);
  for (guint i = 0; i < reply->content->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (reply->content->parts, i);

      if (part->kind != CHIARO_PART_IMAGE)
        continue;
      if (!part->thought && n_images < n_hashes)
        hash = reply->content_hashes[n_images];
      n_images++;
    }

  return hash;
}
