/* chiaro-generation-result.c — what came back from one generation request
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-generation-result"

#include "config.h"

#include "chiaro-generation-result.h"

G_DEFINE_BOXED_TYPE (ChiaroGenerationResult, chiaro_generation_result,
                     chiaro_generation_result_ref, chiaro_generation_result_unref)

static void
result_clear (ChiaroGenerationResult *result)
{
  g_clear_pointer (&result->images, g_ptr_array_unref);
  g_clear_pointer (&result->thought_images, g_ptr_array_unref);
  g_clear_pointer (&result->text, g_free);
  g_clear_pointer (&result->thoughts, g_free);
  g_clear_pointer (&result->content, chiaro_content_unref);
  g_clear_pointer (&result->finish_reason, g_free);
  g_clear_pointer (&result->finish_message, g_free);
  g_clear_pointer (&result->model_version, g_free);
  g_clear_pointer (&result->response_id, g_free);
  g_clear_pointer (&result->grounding_sources, g_ptr_array_unref);
  g_clear_pointer (&result->search_queries, g_strfreev);
}

ChiaroGenerationResult *
chiaro_generation_result_new (void)
{
  ChiaroGenerationResult *result = g_atomic_rc_box_new0 (ChiaroGenerationResult);

  result->images = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_part_unref);
  result->thought_images = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_part_unref);
  result->grounding_sources =
    g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_grounding_source_free);
  result->attempts = 1;
  result->cost_usd = -1;
  return result;
}

ChiaroGenerationResult *
chiaro_generation_result_ref (ChiaroGenerationResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return g_atomic_rc_box_acquire (result);
}

void
chiaro_generation_result_unref (ChiaroGenerationResult *result)
{
  g_return_if_fail (result != NULL);

  g_atomic_rc_box_release_full (result, (GDestroyNotify) result_clear);
}

/**
 * chiaro_generation_result_get_final_image:
 * @result: a result
 *
 * Google documents the last image that is not a thought as the final one.
 *
 * Returns: (transfer none) (nullable): the final image
 */
ChiaroPart *
chiaro_generation_result_get_final_image (ChiaroGenerationResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  if (result->images->len == 0)
    return NULL;
  return g_ptr_array_index (result->images, result->images->len - 1);
}

/**
 * chiaro_grounding_source_new:
 * @title: (nullable): the page's title
 * @uri: the page's address
 *
 * Returns: (transfer full): a source holding copies of @title and @uri
 */
ChiaroGroundingSource *
chiaro_grounding_source_new (const char *title,
                             const char *uri)
{
  ChiaroGroundingSource *source;

  g_return_val_if_fail (uri != NULL, NULL);

  source = g_new0 (ChiaroGroundingSource, 1);
  source->title = g_strdup (title);
  source->uri = g_strdup (uri);
  return source;
}

/**
 * chiaro_grounding_source_copy:
 * @source: a source
 *
 * Returns: (transfer full): a copy of @source
 */
ChiaroGroundingSource *
chiaro_grounding_source_copy (const ChiaroGroundingSource *source)
{
  g_return_val_if_fail (source != NULL, NULL);

  return chiaro_grounding_source_new (source->title, source->uri);
}

/**
 * chiaro_grounding_source_free:
 * @source: (nullable): a source
 */
void
chiaro_grounding_source_free (ChiaroGroundingSource *source)
{
  if (source == NULL)
    return;

  g_free (source->title);
  g_free (source->uri);
  g_free (source);
}
