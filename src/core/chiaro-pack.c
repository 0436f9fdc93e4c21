/* chiaro-pack.c — social-format packs: which ratios, and what is sent for each
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-pack"

#include "config.h"

#include "chiaro-pack.h"

static const char * const default_ratios[] = { "1:1", "4:5", "9:16", "16:9", "21:9", NULL };

/**
 * chiaro_pack_get_default_ratios:
 *
 * Returns: (transfer none) (array zero-terminated=1): the marketer set: 1:1 (post), 4:5
 *   (portrait post), 9:16 (story), 16:9 (video, banner), 21:9 (header)
 */
const char * const *
chiaro_pack_get_default_ratios (void)
{
  return default_ratios;
}

/**
 * chiaro_pack_dup_ratios_for_model:
 * @info: a model
 *
 * Returns: (transfer full): the default ratios @info accepts, then its other ratios in the
 *   catalog's order; never "auto"
 */
char **
chiaro_pack_dup_ratios_for_model (ChiaroModelInfo *info)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char * const *ratios;

  g_return_val_if_fail (info != NULL, NULL);

  for (guint i = 0; default_ratios[i] != NULL; i++)
    if (chiaro_model_info_accepts_aspect_ratio (info, default_ratios[i]))
      g_strv_builder_add (builder, default_ratios[i]);

  ratios = chiaro_model_info_get_aspect_ratios (info);
  for (guint i = 0; ratios != NULL && ratios[i] != NULL; i++)
    if (g_strcmp0 (ratios[i], "auto") != 0 &&
        !g_strv_contains (default_ratios, ratios[i]))
      g_strv_builder_add (builder, ratios[i]);

  return g_strv_builder_end (builder);
}

/**
 * chiaro_pack_compose_prompt:
 * @prompt: (nullable): what the user typed
 * @aspect_ratio: the ratio of this send, such as "9:16"
 *
 * The instruction is English on purpose: it is for the model, like the reference labels.
 *
 * Returns: (transfer full): the text sent for @aspect_ratio
 */
char *
chiaro_pack_compose_prompt (const char *prompt,
                            const char *aspect_ratio)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (prompt != NULL ? prompt : ""));
  g_autofree char *instruction = NULL;

  g_return_val_if_fail (aspect_ratio != NULL, NULL);

  instruction = g_strdup_printf ("Re-frame this image to a %s aspect ratio, keeping the main "
                                 "subject whole and centred; extend the scene naturally "
                                 "rather than stretching or squashing it.", aspect_ratio);
  if (*trimmed == '\0')
    return g_steal_pointer (&instruction);
  return g_strdup_printf ("%s\n\n%s", trimmed, instruction);
}

/**
 * chiaro_pack_ratio_to_file_part:
 * @aspect_ratio: (nullable): a ratio such as "9:16"
 *
 * Returns: (transfer full): "9x16"; "auto" for %NULL or "auto"
 */
char *
chiaro_pack_ratio_to_file_part (const char *aspect_ratio)
{
  if (aspect_ratio == NULL || *aspect_ratio == '\0')
    return g_strdup ("auto");
  return g_strdelimit (g_strdup (aspect_ratio), ":/", 'x');
}
