/* chiaro-reference-list.c — the tray: ordered, labelled, bounded, no image twice
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-reference-list"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-project-error.h"

#include "chiaro-reference-list.h"

struct _ChiaroReferenceList
{
  GObject parent_instance;

  /* owned */
  GPtrArray *items;   /* (element-type ChiaroReference) */

  guint limit;
};

static void chiaro_reference_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChiaroReferenceList, chiaro_reference_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      chiaro_reference_list_model_init))

enum {
  PROP_0,
  PROP_LIMIT,
  PROP_N_ITEMS,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
on_reference_notify_label (ChiaroReferenceList *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
release_reference (ChiaroReferenceList *self,
                   ChiaroReference     *reference)
{
  g_signal_handlers_disconnect_by_func (reference, on_reference_notify_label, self);
  g_object_unref (reference);
}

static void
items_changed (ChiaroReferenceList *self,
               guint                position,
               guint                removed,
               guint                added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_signal_emit (self, signals[CHANGED], 0);
}

static GType
chiaro_reference_list_get_item_type (GListModel *model)
{
  return CHIARO_TYPE_REFERENCE;
}

static guint
chiaro_reference_list_get_n_items (GListModel *model)
{
  return CHIARO_REFERENCE_LIST (model)->items->len;
}

static gpointer
chiaro_reference_list_get_item (GListModel *model,
                                guint       position)
{
  ChiaroReferenceList *self = CHIARO_REFERENCE_LIST (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
chiaro_reference_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = chiaro_reference_list_get_item_type;
  iface->get_n_items = chiaro_reference_list_get_n_items;
  iface->get_item = chiaro_reference_list_get_item;
}

static void
chiaro_reference_list_dispose (GObject *object)
{
  ChiaroReferenceList *self = CHIARO_REFERENCE_LIST (object);

  while (self->items->len > 0)
    release_reference (self, g_ptr_array_steal_index (self->items, self->items->len - 1));

  G_OBJECT_CLASS (chiaro_reference_list_parent_class)->dispose (object);
}

static void
chiaro_reference_list_finalize (GObject *object)
{
  ChiaroReferenceList *self = CHIARO_REFERENCE_LIST (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (chiaro_reference_list_parent_class)->finalize (object);
}

static void
chiaro_reference_list_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ChiaroReferenceList *self = CHIARO_REFERENCE_LIST (object);

  switch (prop_id)
    {
    case PROP_LIMIT:
      g_value_set_uint (value, self->limit);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_reference_list_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ChiaroReferenceList *self = CHIARO_REFERENCE_LIST (object);

  switch (prop_id)
    {
    case PROP_LIMIT:
      chiaro_reference_list_set_limit (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_reference_list_class_init (ChiaroReferenceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chiaro_reference_list_dispose;
  object_class->finalize = chiaro_reference_list_finalize;
  object_class->get_property = chiaro_reference_list_get_property;
  object_class->set_property = chiaro_reference_list_set_property;

  properties[PROP_LIMIT] =
    g_param_spec_uint ("limit", NULL, NULL, 1, CHIARO_REFERENCE_LIST_MAX,
                       CHIARO_REFERENCE_LIST_MAX,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroReferenceList::changed:
   *
   * After any change that must be saved: a reference added, removed or moved, or a label
   * changed.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
chiaro_reference_list_init (ChiaroReferenceList *self)
{
  self->items = g_ptr_array_new ();
  self->limit = CHIARO_REFERENCE_LIST_MAX;
}

/**
 * chiaro_reference_list_new:
 *
 * Returns: (transfer full): an empty tray that takes up to %CHIARO_REFERENCE_LIST_MAX
 */
ChiaroReferenceList *
chiaro_reference_list_new (void)
{
  return g_object_new (CHIARO_TYPE_REFERENCE_LIST, NULL);
}

guint
chiaro_reference_list_get_limit (ChiaroReferenceList *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE_LIST (self), 0);

  return self->limit;
}

/**
 * chiaro_reference_list_set_limit:
 * @self: a tray
 * @limit: how many references the model takes, 1 to %CHIARO_REFERENCE_LIST_MAX
 *
 * References beyond a lowered limit stay (see chiaro_reference_list_is_over_limit()).
 */
void
chiaro_reference_list_set_limit (ChiaroReferenceList *self,
                                 guint                limit)
{
  g_return_if_fail (CHIARO_IS_REFERENCE_LIST (self));
  g_return_if_fail (limit >= 1 && limit <= CHIARO_REFERENCE_LIST_MAX);

  if (self->limit == limit)
    return;

  self->limit = limit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT]);
}

/**
 * chiaro_reference_list_is_over_limit:
 * @self: a tray
 *
 * Returns: whether the tray holds more references than the limit, after it was lowered
 */
gboolean
chiaro_reference_list_is_over_limit (ChiaroReferenceList *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE_LIST (self), FALSE);

  return self->items->len > self->limit;
}

/**
 * chiaro_reference_list_insert:
 * @self: a tray
 * @position: where it goes; %G_MAXUINT (or past the end) appends
 * @reference: the reference to add
 * @error: %CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE when the tray has an image with the
 *   same hash, %CHIARO_PROJECT_ERROR_REFERENCES_FULL when it holds the limit already
 *
 * Returns: %TRUE when @reference was added
 */
gboolean
chiaro_reference_list_insert (ChiaroReferenceList  *self,
                              guint                 position,
                              ChiaroReference      *reference,
                              GError              **error)
{
  ChiaroReference *same;

  g_return_val_if_fail (CHIARO_IS_REFERENCE_LIST (self), FALSE);
  g_return_val_if_fail (CHIARO_IS_REFERENCE (reference), FALSE);

  same = chiaro_reference_list_find (self, chiaro_reference_get_hash (reference), NULL);
  if (same != NULL)
    {
      const char *name = chiaro_reference_get_display_name (same);

      if (name != NULL)
        /* Translators: %s is a file name */
        g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE,
                     _("This image is already in the tray, as “%s”."), name);
      else
        g_set_error_literal (error, CHIARO_PROJECT_ERROR,
                             CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE,
                             _("This image is already in the tray."));
      return FALSE;
    }

  if (self->items->len >= self->limit)
    {
      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_REFERENCES_FULL,
                   ngettext ("The tray is full: this model takes %u reference image. Remove "
                             "one to add another.",
                             "The tray is full: this model takes %u reference images. Remove "
                             "one to add another.",
                             self->limit),
                   self->limit);
      return FALSE;
    }

  position = MIN (position, self->items->len);
  g_ptr_array_insert (self->items, position, g_object_ref (reference));
  g_signal_connect_swapped (reference, "notify::label", G_CALLBACK (on_reference_notify_label),
                            self);
  items_changed (self, position, 0, 1);
  return TRUE;
}

/**
 * chiaro_reference_list_remove:
 * @self: a tray
 * @position: a reference's position
 */
void
chiaro_reference_list_remove (ChiaroReferenceList *self,
                              guint                position)
{
  g_return_if_fail (CHIARO_IS_REFERENCE_LIST (self));
  g_return_if_fail (position < self->items->len);

  release_reference (self, g_ptr_array_steal_index (self->items, position));
  items_changed (self, position, 1, 0);
}

void
chiaro_reference_list_remove_all (ChiaroReferenceList *self)
{
  guint n;

  g_return_if_fail (CHIARO_IS_REFERENCE_LIST (self));

  n = self->items->len;
  if (n == 0)
    return;

  while (self->items->len > 0)
    release_reference (self, g_ptr_array_steal_index (self->items, self->items->len - 1));
  items_changed (self, 0, n, 0);
}

/**
 * chiaro_reference_list_move:
 * @self: a tray
 * @from: a reference's position
 * @to: the position it is to have afterwards
 */
void
chiaro_reference_list_move (ChiaroReferenceList *self,
                            guint                from,
                            guint                to)
{
  gpointer reference;

  g_return_if_fail (CHIARO_IS_REFERENCE_LIST (self));
  g_return_if_fail (from < self->items->len);
  g_return_if_fail (to < self->items->len);

  if (from == to)
    return;

  reference = g_ptr_array_steal_index (self->items, from);
  g_ptr_array_insert (self->items, to, reference);
  items_changed (self, MIN (from, to), MAX (from, to) - MIN (from, to) + 1,
                 MAX (from, to) - MIN (from, to) + 1);
}

/**
 * chiaro_reference_list_find:
 * @self: a tray
 * @hash: an image hash
 * @position: (out) (optional): where the reference is
 *
 * Returns: (transfer none) (nullable): the reference to that image
 */
ChiaroReference *
chiaro_reference_list_find (ChiaroReferenceList *self,
                            const char          *hash,
                            guint               *position)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE_LIST (self), NULL);
  g_return_val_if_fail (hash != NULL, NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      ChiaroReference *reference = g_ptr_array_index (self->items, i);

      if (g_str_equal (chiaro_reference_get_hash (reference), hash))
        {
          if (position != NULL)
            *position = i;
          return reference;
        }
    }
  return NULL;
}
