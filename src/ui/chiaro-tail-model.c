/* chiaro-tail-model.c — the last items of a list model, following its changes
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Holds the last "limit" items of another GListModel (all of them when it has fewer). When
 * the model changes, the tail is changed only where it differs, in at most three steps:
 * items leaving or entering at its start as the window slides (an item appended past a full
 * tail pushes the first one out; removing the last ones brings earlier ones back), then the
 * changed run in between. Items that stay keep their place, so a list bound to the tail
 * rebuilds only the rows that changed. GtkSliceListModel, with a fixed offset, would report
 * the whole slice as changed each time the offset follows the end.
 */

#define G_LOG_DOMAIN "chiaro-tail-model"

#include "config.h"

#include "chiaro-tail-model.h"

struct _ChiaroTailModel
{
  GObject parent_instance;

  GListModel *model;
  GPtrArray *items;             /* the tail, owned references */
  guint limit;
  guint n_hidden;
};

static void chiaro_tail_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChiaroTailModel, chiaro_tail_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      chiaro_tail_model_list_model_init))

enum {
  PROP_0,
  PROP_MODEL,
  PROP_LIMIT,
  PROP_N_HIDDEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
chiaro_tail_model_get_item_type (GListModel *list)
{
  ChiaroTailModel *self = CHIARO_TAIL_MODEL (list);

  return self->model != NULL ? g_list_model_get_item_type (self->model) : G_TYPE_OBJECT;
}

static guint
chiaro_tail_model_get_n_items (GListModel *list)
{
  return CHIARO_TAIL_MODEL (list)->items->len;
}

static gpointer
chiaro_tail_model_get_item (GListModel *list,
                            guint       position)
{
  ChiaroTailModel *self = CHIARO_TAIL_MODEL (list);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
chiaro_tail_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = chiaro_tail_model_get_item_type;
  iface->get_n_items = chiaro_tail_model_get_n_items;
  iface->get_item = chiaro_tail_model_get_item;
}

static gboolean
find_item (GPtrArray *array,
           gpointer   item,
           guint     *index)
{
  for (guint i = 0; i < array->len; i++)
    if (g_ptr_array_index (array, i) == item)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

/* Makes the held tail the model's current one. */
static void
update (ChiaroTailModel *self)
{
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_items = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  guint start = n_items > self->limit ? n_items - self->limit : 0;
  guint prefix = 0, suffix = 0, index, n_hidden = start;

  for (guint i = start; i < n_items; i++)
    g_ptr_array_add (wanted, g_list_model_get_item (self->model, i));

  /* The window slid forward: the first items it still holds were further in. */
  if (wanted->len > 0 && self->items->len > 0 &&
      find_item (self->items, g_ptr_array_index (wanted, 0), &index) && index > 0)
    {
      g_ptr_array_remove_range (self->items, 0, index);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, index, 0);
    }
  /* It slid back: earlier items come in before the first it held. */
  else if (wanted->len > 0 && self->items->len > 0 &&
           find_item (wanted, g_ptr_array_index (self->items, 0), &index) && index > 0)
    {
      for (guint i = 0; i < index; i++)
        g_ptr_array_insert (self->items, i, g_object_ref (g_ptr_array_index (wanted, i)));
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, index);
    }

  while (prefix < self->items->len && prefix < wanted->len &&
         g_ptr_array_index (self->items, prefix) == g_ptr_array_index (wanted, prefix))
    prefix++;
  while (suffix < self->items->len - prefix && suffix < wanted->len - prefix &&
         g_ptr_array_index (self->items, self->items->len - 1 - suffix) ==
         g_ptr_array_index (wanted, wanted->len - 1 - suffix))
    suffix++;

  if (prefix < self->items->len - suffix || prefix < wanted->len - suffix)
    {
      guint removed = self->items->len - prefix - suffix;
      guint added = wanted->len - prefix - suffix;

      g_ptr_array_remove_range (self->items, prefix, removed);
      for (guint i = 0; i < added; i++)
        g_ptr_array_insert (self->items, prefix + i,
                            g_object_ref (g_ptr_array_index (wanted, prefix + i)));
      g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
    }

  if (self->n_hidden != n_hidden)
    {
      self->n_hidden = n_hidden;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_HIDDEN]);
    }
}

static void
on_items_changed (GListModel      *model,
                  guint            position,
                  guint            removed,
                  guint            added,
                  ChiaroTailModel *self)
{
  update (self);
}

static void
chiaro_tail_model_dispose (GObject *object)
{
  ChiaroTailModel *self = CHIARO_TAIL_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_clear_object (&self->model);
  g_ptr_array_set_size (self->items, 0);

  G_OBJECT_CLASS (chiaro_tail_model_parent_class)->dispose (object);
}

static void
chiaro_tail_model_finalize (GObject *object)
{
  ChiaroTailModel *self = CHIARO_TAIL_MODEL (object);

  g_ptr_array_unref (self->items);

  G_OBJECT_CLASS (chiaro_tail_model_parent_class)->finalize (object);
}

static void
chiaro_tail_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ChiaroTailModel *self = CHIARO_TAIL_MODEL (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_LIMIT:
      g_value_set_uint (value, self->limit);
      break;

    case PROP_N_HIDDEN:
      g_value_set_uint (value, self->n_hidden);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_tail_model_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ChiaroTailModel *self = CHIARO_TAIL_MODEL (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      self->model = g_value_dup_object (value);
      if (self->model != NULL)
        g_signal_connect_object (self->model, "items-changed",
                                 G_CALLBACK (on_items_changed), self, 0);
      break;

    case PROP_LIMIT:
      chiaro_tail_model_set_limit (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_tail_model_constructed (GObject *object)
{
  G_OBJECT_CLASS (chiaro_tail_model_parent_class)->constructed (object);

  update (CHIARO_TAIL_MODEL (object));
}

static void
chiaro_tail_model_class_init (ChiaroTailModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = chiaro_tail_model_constructed;
  object_class->dispose = chiaro_tail_model_dispose;
  object_class->finalize = chiaro_tail_model_finalize;
  object_class->get_property = chiaro_tail_model_get_property;
  object_class->set_property = chiaro_tail_model_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIMIT] =
    g_param_spec_uint ("limit", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_HIDDEN] =
    g_param_spec_uint ("n-hidden", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_tail_model_init (ChiaroTailModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * chiaro_tail_model_new:
 * @model: (transfer none): the list to follow
 * @limit: how many of its last items to hold
 *
 * Returns: (transfer full): the last @limit items of @model, kept up to date
 */
ChiaroTailModel *
chiaro_tail_model_new (GListModel *model,
                       guint       limit)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  return g_object_new (CHIARO_TYPE_TAIL_MODEL, "model", model, "limit", limit, NULL);
}

/**
 * chiaro_tail_model_get_model:
 * @self: a #ChiaroTailModel
 *
 * Returns: (transfer none): the list followed
 */
GListModel *
chiaro_tail_model_get_model (ChiaroTailModel *self)
{
  g_return_val_if_fail (CHIARO_IS_TAIL_MODEL (self), NULL);

  return self->model;
}

/**
 * chiaro_tail_model_get_limit:
 * @self: a #ChiaroTailModel
 *
 * Returns: how many of the last items are held at most
 */
guint
chiaro_tail_model_get_limit (ChiaroTailModel *self)
{
  g_return_val_if_fail (CHIARO_IS_TAIL_MODEL (self), 0);

  return self->limit;
}

/**
 * chiaro_tail_model_set_limit:
 * @self: a #ChiaroTailModel
 * @limit: how many of the last items to hold
 *
 * Raising the limit brings earlier items in at the start; lowering it lets them go.
 */
void
chiaro_tail_model_set_limit (ChiaroTailModel *self,
                             guint            limit)
{
  g_return_if_fail (CHIARO_IS_TAIL_MODEL (self));

  if (self->limit == limit)
    return;

  self->limit = limit;
  /* Before construction ends there is nothing to follow yet. */
  if (self->model != NULL)
    update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT]);
}

/**
 * chiaro_tail_model_get_n_hidden:
 * @self: a #ChiaroTailModel
 *
 * Returns: how many items of the model come before the tail
 */
guint
chiaro_tail_model_get_n_hidden (ChiaroTailModel *self)
{
  g_return_val_if_fail (CHIARO_IS_TAIL_MODEL (self), 0);

  return self->n_hidden;
}
