/* chiaro-pack-group.c — one social-format pack as the conversation shows it
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-pack-group"

#include "config.h"

#include "chiaro-message.h"
#include "chiaro-pack.h"
#include "chiaro-send.h"

#include "chiaro-pack-group.h"

struct _ChiaroPackGroup
{
  GObject             parent_instance;

  /* owned */
  char               *pack_id;
  ChiaroHistoryEntry *parent;
  GPtrArray          *items;       /* (element-type ChiaroMessage) */

  /* counts */
  guint               n_ratios;
  guint               n_done;
  guint               n_pending;
  guint               n_failed;
};

static void chiaro_pack_group_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChiaroPackGroup, chiaro_pack_group, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      chiaro_pack_group_list_model_init))

enum {
  PROP_0,
  PROP_PACK_ID,
  PROP_PARENT,
  PROP_N_RATIOS,
  PROP_N_DONE,
  PROP_N_PENDING,
  PROP_N_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers */

static const char *
turn_ratio (ChiaroTurn *turn)
{
  const char *ratio = turn->options != NULL
                      ? chiaro_generation_options_get_aspect_ratio (turn->options) : NULL;

  return ratio != NULL ? ratio : "";
}

static guint
ratio_rank (const char *ratio)
{
  const char * const *defaults = chiaro_pack_get_default_ratios ();

  for (guint i = 0; defaults[i] != NULL; i++)
    if (g_str_equal (defaults[i], ratio))
      return i;
  return G_MAXUINT;
}

/* The marketer set in its order, then other ratios by name, then (a ratio rendered again)
 * the older turn first. */
static int
compare_turns (gconstpointer a,
               gconstpointer b)
{
  ChiaroTurn *turn_a = *(ChiaroTurn **) a;
  ChiaroTurn *turn_b = *(ChiaroTurn **) b;
  const char *ratio_a = turn_ratio (turn_a);
  const char *ratio_b = turn_ratio (turn_b);
  guint rank_a = ratio_rank (ratio_a);
  guint rank_b = ratio_rank (ratio_b);
  int order;

  if (rank_a != rank_b)
    return rank_a < rank_b ? -1 : 1;
  order = g_strcmp0 (ratio_a, ratio_b);
  if (order != 0)
    return order;
  if (turn_a->created != turn_b->created)
    return turn_a->created < turn_b->created ? -1 : 1;
  return g_strcmp0 (turn_a->id, turn_b->id);
}

static void
add_turn (GPtrArray  *turns,
          ChiaroTurn *turn)
{
  if (!g_ptr_array_find (turns, turn, NULL))
    g_ptr_array_add (turns, turn);
}

static void
set_count (ChiaroPackGroup *self,
           guint           *field,
           guint            value,
           int              prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* GListModel */

static GType
chiaro_pack_group_get_item_type (GListModel *model)
{
  return CHIARO_TYPE_MESSAGE;
}

static guint
chiaro_pack_group_get_n_items (GListModel *model)
{
  return CHIARO_PACK_GROUP (model)->items->len;
}

static gpointer
chiaro_pack_group_get_item (GListModel *model,
                            guint       position)
{
  ChiaroPackGroup *self = CHIARO_PACK_GROUP (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
chiaro_pack_group_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = chiaro_pack_group_get_item_type;
  iface->get_n_items = chiaro_pack_group_get_n_items;
  iface->get_item = chiaro_pack_group_get_item;
}

/* Vfuncs */

static void
chiaro_pack_group_dispose (GObject *object)
{
  ChiaroPackGroup *self = CHIARO_PACK_GROUP (object);

  g_ptr_array_set_size (self->items, 0);
  g_clear_object (&self->parent);

  G_OBJECT_CLASS (chiaro_pack_group_parent_class)->dispose (object);
}

static void
chiaro_pack_group_finalize (GObject *object)
{
  ChiaroPackGroup *self = CHIARO_PACK_GROUP (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->pack_id, g_free);

  G_OBJECT_CLASS (chiaro_pack_group_parent_class)->finalize (object);
}

static void
chiaro_pack_group_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ChiaroPackGroup *self = CHIARO_PACK_GROUP (object);

  switch (prop_id)
    {
    case PROP_PACK_ID:
      g_value_set_string (value, self->pack_id);
      break;

    case PROP_PARENT:
      g_value_set_object (value, self->parent);
      break;

    case PROP_N_RATIOS:
      g_value_set_uint (value, self->n_ratios);
      break;

    case PROP_N_DONE:
      g_value_set_uint (value, self->n_done);
      break;

    case PROP_N_PENDING:
      g_value_set_uint (value, self->n_pending);
      break;

    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_pack_group_class_init (ChiaroPackGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = chiaro_pack_group_dispose;
  object_class->finalize = chiaro_pack_group_finalize;
  object_class->get_property = chiaro_pack_group_get_property;

  properties[PROP_PACK_ID] = g_param_spec_string ("pack-id", NULL, NULL, NULL, flags);
  properties[PROP_PARENT] = g_param_spec_object ("parent", NULL, NULL,
                                                 CHIARO_TYPE_HISTORY_ENTRY, flags);
  properties[PROP_N_RATIOS] = g_param_spec_uint ("n-ratios", NULL, NULL, 0, G_MAXUINT, 0,
                                                 flags);
  properties[PROP_N_DONE] = g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                                                  flags);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0,
                                                 flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_pack_group_init (ChiaroPackGroup *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Public */

/**
 * chiaro_pack_group_new:
 * @pack_id: the pack's id (ChiaroTurn.pack_id)
 * @parent: the entry the pack was sent from
 *
 * Returns: (transfer full): an empty group; chiaro_pack_group_update() fills it
 */
ChiaroPackGroup *
chiaro_pack_group_new (const char         *pack_id,
                       ChiaroHistoryEntry *parent)
{
  ChiaroPackGroup *self;

  g_return_val_if_fail (pack_id != NULL, NULL);
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (parent), NULL);

  self = g_object_new (CHIARO_TYPE_PACK_GROUP, NULL);
  self->pack_id = g_strdup (pack_id);
  self->parent = g_object_ref (parent);

  return self;
}

/**
 * chiaro_pack_group_get_pack_id:
 * @self: a pack group
 *
 * Returns: the pack's id
 */
const char *
chiaro_pack_group_get_pack_id (ChiaroPackGroup *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_GROUP (self), NULL);

  return self->pack_id;
}

/**
 * chiaro_pack_group_get_parent:
 * @self: a pack group
 *
 * Returns: (transfer none): the entry the pack was sent from
 */
ChiaroHistoryEntry *
chiaro_pack_group_get_parent (ChiaroPackGroup *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_GROUP (self), NULL);

  return self->parent;
}

/**
 * chiaro_pack_group_get_n_ratios:
 * @self: a pack group
 *
 * Returns: how many ratios (turns) the pack has
 */
guint
chiaro_pack_group_get_n_ratios (ChiaroPackGroup *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_GROUP (self), 0);

  return self->n_ratios;
}

/**
 * chiaro_pack_group_get_n_done:
 * @self: a pack group
 *
 * Returns: how many ratios have an image
 */
guint
chiaro_pack_group_get_n_done (ChiaroPackGroup *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_GROUP (self), 0);

  return self->n_done;
}

/**
 * chiaro_pack_group_get_n_pending:
 * @self: a pack group
 *
 * Returns: how many ratios are still in flight
 */
guint
chiaro_pack_group_get_n_pending (ChiaroPackGroup *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_GROUP (self), 0);

  return self->n_pending;
}

/**
 * chiaro_pack_group_get_n_failed:
 * @self: a pack group
 *
 * Returns: how many ratios failed and have no image
 */
guint
chiaro_pack_group_get_n_failed (ChiaroPackGroup *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_GROUP (self), 0);

  return self->n_failed;
}

/**
 * chiaro_pack_group_update:
 * @self: a pack group
 * @sends: (element-type ChiaroSend): the document's sends in flight or failed
 *
 * Makes the items again: per ratio (turn) of the pack among the parent's children and
 * @sends, its images (tree order), then its send in flight or failed. Only the items that
 * differ are replaced, and the counts notify when they change.
 */
void
chiaro_pack_group_update (ChiaroPackGroup *self,
                          GListModel      *sends)
{
  g_autoptr(GPtrArray) turns = g_ptr_array_new ();
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) pack_sends = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_children, n_sends, n_old;
  guint n_ratios = 0, n_done = 0, n_pending = 0, n_failed = 0;
  gboolean done = FALSE, pending = FALSE, failed = FALSE;
  guint prefix = 0, suffix = 0;

  g_return_if_fail (CHIARO_IS_PACK_GROUP (self));
  g_return_if_fail (G_IS_LIST_MODEL (sends));

  n_children = chiaro_history_entry_get_n_children (self->parent);
  for (guint i = 0; i < n_children; i++)
    {
      ChiaroTurn *turn = chiaro_history_entry_get_turn (
        chiaro_history_entry_get_child (self->parent, i));

      if (turn != NULL && g_strcmp0 (turn->pack_id, self->pack_id) == 0)
        add_turn (turns, turn);
    }

  n_sends = g_list_model_get_n_items (sends);
  for (guint i = 0; i < n_sends; i++)
    {
      g_autoptr(ChiaroSend) send = g_list_model_get_item (sends, i);
      ChiaroTurn *turn = chiaro_send_get_turn (send);

      if (chiaro_send_get_parent (send) != self->parent ||
          g_strcmp0 (turn->pack_id, self->pack_id) != 0)
        continue;
      add_turn (turns, turn);
      g_ptr_array_add (pack_sends, g_steal_pointer (&send));
    }

  g_ptr_array_sort (turns, compare_turns);

  /* The counts are per ratio: a ratio rendered again (a final from a draft) is a second turn
   * of the pack with the same ratio, next to the first in this order, and one size still. */
  for (guint t = 0; t < turns->len; t++)
    {
      ChiaroTurn *turn = g_ptr_array_index (turns, t);
      gboolean last_of_ratio = t + 1 == turns->len ||
                               g_strcmp0 (turn_ratio (turn),
                                          turn_ratio (g_ptr_array_index (turns, t + 1))) != 0;

      for (guint i = 0; i < n_children; i++)
        {
          ChiaroHistoryEntry *child = chiaro_history_entry_get_child (self->parent, i);

          if (chiaro_history_entry_get_turn (child) != turn)
            continue;
          g_ptr_array_add (wanted, chiaro_message_new (CHIARO_MESSAGE_MODEL, turn, child, NULL));
          done = TRUE;
        }
      for (guint i = 0; i < pack_sends->len; i++)
        {
          ChiaroSend *send = g_ptr_array_index (pack_sends, i);
          gboolean send_failed = chiaro_send_get_state (send) == CHIARO_SEND_FAILED;

          if (chiaro_send_get_turn (send) != turn)
            continue;
          g_ptr_array_add (wanted, chiaro_message_new (send_failed ? CHIARO_MESSAGE_FAILED
                                                                   : CHIARO_MESSAGE_PENDING,
                                                       turn, NULL, send));
          if (send_failed)
            failed = TRUE;
          else if (!chiaro_send_is_finished (send))
            pending = TRUE;
        }

      if (!last_of_ratio)
        continue;
      n_ratios++;
      n_done += done;
      n_pending += pending;
      n_failed += failed && !done;
      done = pending = failed = FALSE;
    }

  n_old = self->items->len;
  while (prefix < n_old && prefix < wanted->len &&
         chiaro_message_same (g_ptr_array_index (self->items, prefix),
                          g_ptr_array_index (wanted, prefix)))
    prefix++;
  while (suffix < n_old - prefix && suffix < wanted->len - prefix &&
         chiaro_message_same (g_ptr_array_index (self->items, n_old - 1 - suffix),
                          g_ptr_array_index (wanted, wanted->len - 1 - suffix)))
    suffix++;

  g_object_freeze_notify (G_OBJECT (self));
  set_count (self, &self->n_ratios, n_ratios, PROP_N_RATIOS);
  set_count (self, &self->n_done, n_done, PROP_N_DONE);
  set_count (self, &self->n_pending, n_pending, PROP_N_PENDING);
  set_count (self, &self->n_failed, n_failed, PROP_N_FAILED);

  if (prefix != n_old || prefix != wanted->len)
    {
      guint removed = n_old - prefix - suffix;
      guint added = wanted->len - prefix - suffix;

      g_ptr_array_remove_range (self->items, prefix, removed);
      for (guint i = 0; i < added; i++)
        g_ptr_array_insert (self->items, prefix + i,
                            g_object_ref (g_ptr_array_index (wanted, prefix + i)));
      g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
    }
  g_object_thaw_notify (G_OBJECT (self));
}
