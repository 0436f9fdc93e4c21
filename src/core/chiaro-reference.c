/* chiaro-reference.c — one reference image in the tray
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-reference"

#include "config.h"

#include "chiaro-stored-content.h"

#include "chiaro-reference.h"

struct _ChiaroReference
{
  GObject parent_instance;

  /* owned */
  char *hash;
  char *mime_type;
  char *display_name;   /* (nullable) */
  char *label;          /* (nullable) never empty */
  GdkPixbuf *thumbnail; /* (nullable) */
  char *plan_note;      /* (nullable) */

  int width;
  int height;
};

G_DEFINE_FINAL_TYPE (ChiaroReference, chiaro_reference, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HASH,
  PROP_MIME_TYPE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_DISPLAY_NAME,
  PROP_LABEL,
  PROP_THUMBNAIL,
  PROP_PLAN_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
chiaro_reference_dispose (GObject *object)
{
  ChiaroReference *self = CHIARO_REFERENCE (object);

  g_clear_object (&self->thumbnail);

  G_OBJECT_CLASS (chiaro_reference_parent_class)->dispose (object);
}

static void
chiaro_reference_finalize (GObject *object)
{
  ChiaroReference *self = CHIARO_REFERENCE (object);

  g_clear_pointer (&self->hash, g_free);
  g_clear_pointer (&self->mime_type, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->plan_note, g_free);

  G_OBJECT_CLASS (chiaro_reference_parent_class)->finalize (object);
}

static void
chiaro_reference_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ChiaroReference *self = CHIARO_REFERENCE (object);

  switch (prop_id)
    {
    case PROP_HASH:
      g_value_set_string (value, self->hash);
      break;
    case PROP_MIME_TYPE:
      g_value_set_string (value, self->mime_type);
      break;
    case PROP_WIDTH:
      g_value_set_int (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_int (value, self->height);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_THUMBNAIL:
      g_value_set_object (value, self->thumbnail);
      break;
    case PROP_PLAN_NOTE:
      g_value_set_string (value, self->plan_note);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_reference_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ChiaroReference *self = CHIARO_REFERENCE (object);

  switch (prop_id)
    {
    case PROP_HASH:
      self->hash = g_value_dup_string (value);
      break;
    case PROP_MIME_TYPE:
      self->mime_type = g_value_dup_string (value);
      break;
    case PROP_WIDTH:
      self->width = g_value_get_int (value);
      break;
    case PROP_HEIGHT:
      self->height = g_value_get_int (value);
      break;
    case PROP_DISPLAY_NAME:
      /* Saved in project.json, which is UTF-8: a raw file name may not be. */
      if (g_value_get_string (value) != NULL)
        self->display_name = g_utf8_make_valid (g_value_get_string (value), -1);
      break;
    case PROP_LABEL:
      chiaro_reference_set_label (self, g_value_get_string (value));
      break;
    case PROP_THUMBNAIL:
      chiaro_reference_set_thumbnail (self, g_value_get_object (value));
      break;
    case PROP_PLAN_NOTE:
      chiaro_reference_set_plan_note (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_reference_class_init (ChiaroReferenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chiaro_reference_dispose;
  object_class->finalize = chiaro_reference_finalize;
  object_class->get_property = chiaro_reference_get_property;
  object_class->set_property = chiaro_reference_set_property;

  properties[PROP_HASH] =
    g_param_spec_string ("hash", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MIME_TYPE] =
    g_param_spec_string ("mime-type", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAIL] =
    g_param_spec_object ("thumbnail", NULL, NULL, GDK_TYPE_PIXBUF,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAN_NOTE] =
    g_param_spec_string ("plan-note", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_reference_init (ChiaroReference *self)
{
}

/**
 * chiaro_reference_new:
 * @hash: the stored image's hash
 * @mime_type: its type
 * @width: its width in pixels, as stored
 * @height: its height in pixels, as stored
 * @display_name: (nullable): the file name it came from, for people
 *
 * Returns: (transfer full): a reference without label
 */
ChiaroReference *
chiaro_reference_new (const char *hash,
                      const char *mime_type,
                      int         width,
                      int         height,
                      const char *display_name)
{
  g_return_val_if_fail (chiaro_stored_content_hash_is_valid (hash), NULL);
  g_return_val_if_fail (mime_type != NULL, NULL);

  return g_object_new (CHIARO_TYPE_REFERENCE,
                       "hash", hash,
                       "mime-type", mime_type,
                       "width", MAX (width, 0),
                       "height", MAX (height, 0),
                       "display-name", display_name,
                       NULL);
}

const char *
chiaro_reference_get_hash (ChiaroReference *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE (self), NULL);

  return self->hash;
}

const char *
chiaro_reference_get_mime_type (ChiaroReference *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE (self), NULL);

  return self->mime_type;
}

int
chiaro_reference_get_width (ChiaroReference *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE (self), 0);

  return self->width;
}

int
chiaro_reference_get_height (ChiaroReference *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE (self), 0);

  return self->height;
}

/**
 * chiaro_reference_get_display_name:
 * @self: a reference
 *
 * Returns: (nullable): the name of the file it came from
 */
const char *
chiaro_reference_get_display_name (ChiaroReference *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE (self), NULL);

  return self->display_name;
}

/**
 * chiaro_reference_get_label:
 * @self: a reference
 *
 * Returns: (nullable): the name the prompt uses for it, never empty
 */
const char *
chiaro_reference_get_label (ChiaroReference *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE (self), NULL);

  return self->label;
}

/**
 * chiaro_reference_set_label:
 * @self: a reference
 * @label: (nullable): the name the prompt uses for it; %NULL or empty for none
 */
void
chiaro_reference_set_label (ChiaroReference *self,
                            const char      *label)
{
  g_return_if_fail (CHIARO_IS_REFERENCE (self));

  if (label != NULL && *label == '\0')
    label = NULL;
  if (g_strcmp0 (self->label, label) == 0)
    return;

  g_free (self->label);
  self->label = g_strdup (label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

/**
 * chiaro_reference_get_thumbnail:
 * @self: a reference
 *
 * Returns: (transfer none) (nullable): the thumbnail, once made
 */
GdkPixbuf *
chiaro_reference_get_thumbnail (ChiaroReference *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE (self), NULL);

  return self->thumbnail;
}

/**
 * chiaro_reference_set_thumbnail:
 * @self: a reference
 * @thumbnail: (nullable): at most 256 pixels on a side
 */
void
chiaro_reference_set_thumbnail (ChiaroReference *self,
                                GdkPixbuf       *thumbnail)
{
  g_return_if_fail (CHIARO_IS_REFERENCE (self));
  g_return_if_fail (thumbnail == NULL || GDK_IS_PIXBUF (thumbnail));

  if (g_set_object (&self->thumbnail, thumbnail))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL]);
}

/**
 * chiaro_reference_get_plan_note:
 * @self: a reference
 *
 * Returns: (nullable): why the planner changed it on the last send, translated
 */
const char *
chiaro_reference_get_plan_note (ChiaroReference *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE (self), NULL);

  return self->plan_note;
}

/**
 * chiaro_reference_set_plan_note:
 * @self: a reference
 * @note: (nullable): a translated sentence, or %NULL when it was sent as it is
 */
void
chiaro_reference_set_plan_note (ChiaroReference *self,
                                const char      *note)
{
  g_return_if_fail (CHIARO_IS_REFERENCE (self));

  if (g_strcmp0 (self->plan_note, note) == 0)
    return;

  g_free (self->plan_note);
  self->plan_note = g_strdup (note);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAN_NOTE]);
}
