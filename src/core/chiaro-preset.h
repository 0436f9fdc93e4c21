/* chiaro-preset.h — one saved prompt, with the options it carries
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Categories; a preset's category is one of these strings. */
#define CHIARO_PRESET_CATEGORY_RESTORATION "restoration"
#define CHIARO_PRESET_CATEGORY_PRODUCT     "product"
#define CHIARO_PRESET_CATEGORY_SOCIAL      "social"
#define CHIARO_PRESET_CATEGORY_MINE        "mine"

#define CHIARO_TYPE_PRESET (chiaro_preset_get_type ())

/* Properties: "id", "prompt", "category", "builtin", "aspect-ratio" (nullable; "auto"
 * becomes NULL), "image-size" (nullable), all construct-only; "name" (construct, notifies
 * when ChiaroPresetLibrary renames it). Built-in names go through gettext; built-in prompts
 * stay English, since they are for the model. */
G_DECLARE_FINAL_TYPE (ChiaroPreset, chiaro_preset, CHIARO, PRESET, GObject)

/* @id: (nullable): NULL makes a new unique id. @aspect_ratio, @image_size: (nullable) */
ChiaroPreset *chiaro_preset_new              (const char   *id,
                                              const char   *name,
                                              const char   *prompt,
                                              const char   *category,
                                              gboolean      builtin,
                                              const char   *aspect_ratio,
                                              const char   *image_size);

const char   *chiaro_preset_get_id           (ChiaroPreset *self);
const char   *chiaro_preset_get_name         (ChiaroPreset *self);
const char   *chiaro_preset_get_prompt       (ChiaroPreset *self);
const char   *chiaro_preset_get_category     (ChiaroPreset *self);
gboolean      chiaro_preset_get_builtin      (ChiaroPreset *self);
const char   *chiaro_preset_get_aspect_ratio (ChiaroPreset *self);
const char   *chiaro_preset_get_image_size   (ChiaroPreset *self);

/* For ChiaroPresetLibrary. */
void          chiaro_preset_set_name         (ChiaroPreset *self,
                                              const char   *name);

G_END_DECLS
