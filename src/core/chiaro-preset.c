/* chiaro-preset.c — one saved prompt, with the options it carries
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-preset"

#include "config.h"

#include "chiaro-preset.h"

struct _ChiaroPreset
{
  GObject   parent_instance;

  char     *id;
  char     *name;
  char     *prompt;
  char     *category;
  char     *aspect_ratio; /* (nullable) */
  char     *image_size;   /* (nullable) */
  gboolean  builtin;
};

G_DEFINE_FINAL_TYPE (ChiaroPreset, chiaro_preset, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_PROMPT,
  PROP_CATEGORY,
  PROP_BUILTIN,
  PROP_ASPECT_RATIO,
  PROP_IMAGE_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "auto" and "" are no option. */
static char *
dup_option (const char *value)
{
  if (value == NULL || *value == '\0' || g_strcmp0 (value, "auto") == 0)
    return NULL;
  return g_strdup (value);
}

static void
chiaro_preset_finalize (GObject *object)
{
  ChiaroPreset *self = CHIARO_PRESET (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->prompt);
  g_free (self->category);
  g_free (self->aspect_ratio);
  g_free (self->image_size);

  G_OBJECT_CLASS (chiaro_preset_parent_class)->finalize (object);
}

static void
chiaro_preset_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ChiaroPreset *self = CHIARO_PRESET (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PROMPT:
      g_value_set_string (value, self->prompt);
      break;
    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;
    case PROP_BUILTIN:
      g_value_set_boolean (value, self->builtin);
      break;
    case PROP_ASPECT_RATIO:
      g_value_set_string (value, self->aspect_ratio);
      break;
    case PROP_IMAGE_SIZE:
      g_value_set_string (value, self->image_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_preset_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ChiaroPreset *self = CHIARO_PRESET (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_PROMPT:
      self->prompt = g_value_dup_string (value);
      break;
    case PROP_CATEGORY:
      self->category = g_value_dup_string (value);
      break;
    case PROP_BUILTIN:
      self->builtin = g_value_get_boolean (value);
      break;
    case PROP_ASPECT_RATIO:
      self->aspect_ratio = dup_option (g_value_get_string (value));
      break;
    case PROP_IMAGE_SIZE:
      self->image_size = dup_option (g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_preset_constructed (GObject *object)
{
  ChiaroPreset *self = CHIARO_PRESET (object);

  G_OBJECT_CLASS (chiaro_preset_parent_class)->constructed (object);

  if (self->id == NULL)
    self->id = g_uuid_string_random ();
  if (self->name == NULL)
    self->name = g_strdup ("");
  if (self->prompt == NULL)
    self->prompt = g_strdup ("");
  if (self->category == NULL)
    self->category = g_strdup (CHIARO_PRESET_CATEGORY_MINE);
}

static void
chiaro_preset_class_init (ChiaroPresetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = chiaro_preset_finalize;
  object_class->get_property = chiaro_preset_get_property;
  object_class->set_property = chiaro_preset_set_property;
  object_class->constructed = chiaro_preset_constructed;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, construct);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_PROMPT] = g_param_spec_string ("prompt", NULL, NULL, NULL, construct);
  properties[PROP_CATEGORY] = g_param_spec_string ("category", NULL, NULL, NULL, construct);
  properties[PROP_BUILTIN] = g_param_spec_boolean ("builtin", NULL, NULL, FALSE, construct);
  properties[PROP_ASPECT_RATIO] = g_param_spec_string ("aspect-ratio", NULL, NULL, NULL,
                                                       construct);
  properties[PROP_IMAGE_SIZE] = g_param_spec_string ("image-size", NULL, NULL, NULL, construct);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_preset_init (ChiaroPreset *self)
{
}

/**
 * chiaro_preset_new:
 * @id: (nullable): the id; %NULL makes a new unique one
 * @name: the name shown
 * @prompt: the prompt it inserts
 * @category: one of the CHIARO_PRESET_CATEGORY_* strings
 * @builtin: whether it comes with Chiaro
 * @aspect_ratio: (nullable): the ratio it sets; %NULL or "auto" for none
 * @image_size: (nullable): the size it sets; %NULL for none
 *
 * Returns: (transfer full): a preset
 */
ChiaroPreset *
chiaro_preset_new (const char *id,
                   const char *name,
                   const char *prompt,
                   const char *category,
                   gboolean    builtin,
                   const char *aspect_ratio,
                   const char *image_size)
{
  return g_object_new (CHIARO_TYPE_PRESET,
                       "id", id,
                       "name", name,
                       "prompt", prompt,
                       "category", category,
                       "builtin", builtin,
                       "aspect-ratio", aspect_ratio,
                       "image-size", image_size,
                       NULL);
}

const char *
chiaro_preset_get_id (ChiaroPreset *self)
{
  g_return_val_if_fail (CHIARO_IS_PRESET (self), NULL);
  return self->id;
}

const char *
chiaro_preset_get_name (ChiaroPreset *self)
{
  g_return_val_if_fail (CHIARO_IS_PRESET (self), NULL);
  return self->name;
}

const char *
chiaro_preset_get_prompt (ChiaroPreset *self)
{
  g_return_val_if_fail (CHIARO_IS_PRESET (self), NULL);
  return self->prompt;
}

const char *
chiaro_preset_get_category (ChiaroPreset *self)
{
  g_return_val_if_fail (CHIARO_IS_PRESET (self), NULL);
  return self->category;
}

gboolean
chiaro_preset_get_builtin (ChiaroPreset *self)
{
  g_return_val_if_fail (CHIARO_IS_PRESET (self), FALSE);
  return self->builtin;
}

/**
 * chiaro_preset_get_aspect_ratio:
 * @self: a preset
 *
 * Returns: (nullable): the ratio it sets, or %NULL
 */
const char *
chiaro_preset_get_aspect_ratio (ChiaroPreset *self)
{
  g_return_val_if_fail (CHIARO_IS_PRESET (self), NULL);
  return self->aspect_ratio;
}

/**
 * chiaro_preset_get_image_size:
 * @self: a preset
 *
 * Returns: (nullable): the size it sets, or %NULL
 */
const char *
chiaro_preset_get_image_size (ChiaroPreset *self)
{
  g_return_val_if_fail (CHIARO_IS_PRESET (self), NULL);
  return self->image_size;
}

/**
 * chiaro_preset_set_name:
 * @self: a preset
 * @name: the new name
 *
 * For #ChiaroPresetLibrary, which checks the name first.
 */
void
chiaro_preset_set_name (ChiaroPreset *self,
                        const char   *name)
{
  g_return_if_fail (CHIARO_IS_PRESET (self));
  g_return_if_fail (name != NULL);

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
