/* chiaro-history-entry.c — one image in a project's history tree and how it came to be
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The history owns its entries; an entry's links to its parent and children are borrowed
 * and cleared by the history when the entry leaves the tree, so an entry somebody still
 * holds never points at freed memory.
 */

#define G_LOG_DOMAIN "chiaro-history"

#include "config.h"

#include "chiaro-history-entry-private.h"
#include "chiaro-stored-content.h"

#include "chiaro-history-entry.h"

struct _ChiaroHistoryEntry
{
  GObject parent_instance;

  /* owned */
  char *id;
  char *image_hash;          /* (nullable) an empty root has none */
  char *mime_type;           /* (nullable) */
  ChiaroTurn *turn;          /* (nullable) */
  ChiaroReply *reply;        /* (nullable) */

  /* borrowed: the history owns every entry */
  ChiaroHistoryEntry *parent;         /* (nullable) */
  GPtrArray *children;                /* oldest first */
  ChiaroHistoryEntry *visited_child;  /* (nullable) redo memory */

  int width;
  int height;
  gint64 created;
  gboolean starred;
};

G_DEFINE_FINAL_TYPE (ChiaroHistoryEntry, chiaro_history_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_IMAGE_HASH,
  PROP_MIME_TYPE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_TURN,
  PROP_REPLY,
  PROP_CREATED,
  PROP_STARRED,
  PROP_PARENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
make_id (void)
{
  return g_strdup_printf ("%04x%08x", g_random_int () & 0xffff, g_random_int ());
}

static void
chiaro_history_entry_constructed (GObject *object)
{
  ChiaroHistoryEntry *self = CHIARO_HISTORY_ENTRY (object);

  G_OBJECT_CLASS (chiaro_history_entry_parent_class)->constructed (object);

  if (self->id == NULL || *self->id == '\0')
    {
      g_free (self->id);
      self->id = make_id ();
    }
}

static void
chiaro_history_entry_finalize (GObject *object)
{
  ChiaroHistoryEntry *self = CHIARO_HISTORY_ENTRY (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->image_hash, g_free);
  g_clear_pointer (&self->mime_type, g_free);
  g_clear_pointer (&self->turn, chiaro_turn_unref);
  g_clear_pointer (&self->reply, chiaro_reply_unref);
  g_clear_pointer (&self->children, g_ptr_array_unref);

  G_OBJECT_CLASS (chiaro_history_entry_parent_class)->finalize (object);
}

static void
chiaro_history_entry_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ChiaroHistoryEntry *self = CHIARO_HISTORY_ENTRY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_IMAGE_HASH:
      g_value_set_string (value, self->image_hash);
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
    case PROP_TURN:
      g_value_set_boxed (value, self->turn);
      break;
    case PROP_REPLY:
      g_value_set_boxed (value, self->reply);
      break;
    case PROP_CREATED:
      g_value_set_int64 (value, self->created);
      break;
    case PROP_STARRED:
      g_value_set_boolean (value, self->starred);
      break;
    case PROP_PARENT:
      g_value_set_object (value, self->parent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_history_entry_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ChiaroHistoryEntry *self = CHIARO_HISTORY_ENTRY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_free (self->id);
      self->id = g_value_dup_string (value);
      break;
    case PROP_CREATED:
      chiaro_history_entry_set_created (self, g_value_get_int64 (value));
      break;
    case PROP_STARRED:
      chiaro_history_entry_set_starred (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_history_entry_class_init (ChiaroHistoryEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = chiaro_history_entry_constructed;
  object_class->finalize = chiaro_history_entry_finalize;
  object_class->get_property = chiaro_history_entry_get_property;
  object_class->set_property = chiaro_history_entry_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMAGE_HASH] =
    g_param_spec_string ("image-hash", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MIME_TYPE] =
    g_param_spec_string ("mime-type", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TURN] =
    g_param_spec_boxed ("turn", NULL, NULL, CHIARO_TYPE_TURN,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPLY] =
    g_param_spec_boxed ("reply", NULL, NULL, CHIARO_TYPE_REPLY,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* 0 at construction means now. */
  properties[PROP_CREATED] =
    g_param_spec_int64 ("created", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS);
  properties[PROP_STARRED] =
    g_param_spec_boolean ("starred", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PARENT] =
    g_param_spec_object ("parent", NULL, NULL, CHIARO_TYPE_HISTORY_ENTRY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_history_entry_init (ChiaroHistoryEntry *self)
{
  self->children = g_ptr_array_new ();
}

/**
 * chiaro_history_entry_new:
 * @id: (nullable): the entry's id, or %NULL for a new unique one
 *
 * An entry without image, turn or reply, created now: a loader fills the rest.
 *
 * Returns: (transfer full): the entry
 */
ChiaroHistoryEntry *
chiaro_history_entry_new (const char *id)
{
  return g_object_new (CHIARO_TYPE_HISTORY_ENTRY, "id", id, NULL);
}

/**
 * chiaro_history_entry_new_root:
 * @image_hash: (nullable): the opened photo's hash, or %NULL for an empty root
 * @mime_type: (nullable): the photo's type
 * @width: its width in pixels, as stored
 * @height: its height in pixels, as stored
 *
 * Returns: (transfer full): a root entry, created now
 */
ChiaroHistoryEntry *
chiaro_history_entry_new_root (const char *image_hash,
                               const char *mime_type,
                               int         width,
                               int         height)
{
  ChiaroHistoryEntry *self;

  g_return_val_if_fail (image_hash == NULL || chiaro_stored_content_hash_is_valid (image_hash),
                        NULL);

  self = chiaro_history_entry_new (NULL);
  self->image_hash = g_strdup (image_hash);
  self->mime_type = g_strdup (mime_type);
  self->width = MAX (width, 0);
  self->height = MAX (height, 0);
  return self;
}

/**
 * chiaro_history_entry_new_generated:
 * @turn: the send that made it
 * @reply: the answer; its final image is the entry's image
 * @mime_type: the final image's type
 * @width: its width in pixels
 * @height: its height in pixels
 *
 * Returns: (transfer full): a new entry, created now
 */
ChiaroHistoryEntry *
chiaro_history_entry_new_generated (ChiaroTurn  *turn,
                                    ChiaroReply *reply,
                                    const char  *mime_type,
                                    int          width,
                                    int          height)
{
  g_return_val_if_fail (reply != NULL, NULL);
  g_return_val_if_fail (chiaro_reply_get_final_image_hash (reply) != NULL, NULL);

  return chiaro_history_entry_new_for_image (turn, reply,
                                             chiaro_reply_get_final_image_hash (reply),
                                             mime_type, width, height);
}

/**
 * chiaro_history_entry_new_for_image:
 * @turn: the send that made it
 * @reply: the answer, shared by every entry made from one of its images
 * @image_hash: the entry's image: one of @reply's images that is not a thought
 * @mime_type: that image's type
 * @width: its width in pixels
 * @height: its height in pixels
 *
 * An answer with several final images (text, image, text, image) becomes one entry per
 * image, all holding the same @reply, so that sending on from any of them sends the answer
 * back whole, and the answer is paid for once.
 *
 * Returns: (transfer full): a new entry, created now
 */
ChiaroHistoryEntry *
chiaro_history_entry_new_for_image (ChiaroTurn  *turn,
                                    ChiaroReply *reply,
                                    const char  *image_hash,
                                    const char  *mime_type,
                                    int          width,
                                    int          height)
{
  ChiaroHistoryEntry *self;

  g_return_val_if_fail (turn != NULL, NULL);
  g_return_val_if_fail (reply != NULL, NULL);
  g_return_val_if_fail (image_hash != NULL, NULL);
  g_return_val_if_fail (reply->content_hashes != NULL &&
                        g_strv_contains ((const char * const *) reply->content_hashes,
                                         image_hash), NULL);

  self = chiaro_history_entry_new (NULL);
  self->turn = chiaro_turn_ref (turn);
  self->reply = chiaro_reply_ref (reply);
  self->image_hash = g_strdup (image_hash);
  self->mime_type = g_strdup (mime_type);
  self->width = MAX (width, 0);
  self->height = MAX (height, 0);
  return self;
}

const char *
chiaro_history_entry_get_id (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), NULL);

  return self->id;
}

/**
 * chiaro_history_entry_get_image_hash:
 * @self: an entry
 *
 * Returns: (nullable): the image's hash; %NULL for an empty root
 */
const char *
chiaro_history_entry_get_image_hash (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), NULL);

  return self->image_hash;
}

/**
 * chiaro_history_entry_get_mime_type:
 * @self: an entry
 *
 * Returns: (nullable): the image's type
 */
const char *
chiaro_history_entry_get_mime_type (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), NULL);

  return self->mime_type;
}

int
chiaro_history_entry_get_width (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), 0);

  return self->width;
}

int
chiaro_history_entry_get_height (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), 0);

  return self->height;
}

/**
 * chiaro_history_entry_get_turn:
 * @self: an entry
 *
 * Returns: (transfer none) (nullable): the send that made it; %NULL for the root
 */
ChiaroTurn *
chiaro_history_entry_get_turn (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), NULL);

  return self->turn;
}

/**
 * chiaro_history_entry_get_answer_first:
 * @self: an entry
 *
 * An answer with several images is one entry per image, siblings sharing the reply. The
 * first of them still in the tree stands for the answer: its cost, its usage, and where
 * project.json keeps the reply.
 *
 * Returns: (transfer none): the first of @self's siblings that shares @self's reply, which
 *   is @self itself for an answer of one image, the root and any entry without a reply
 */
ChiaroHistoryEntry *
chiaro_history_entry_get_answer_first (ChiaroHistoryEntry *self)
{
  ChiaroHistoryEntry *parent;

  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), NULL);

  parent = chiaro_history_entry_get_parent (self);
  if (self->reply == NULL || parent == NULL)
    return self;

  for (guint i = 0; i < chiaro_history_entry_get_n_children (parent); i++)
    {
      ChiaroHistoryEntry *child = chiaro_history_entry_get_child (parent, i);

      if (child == self || child->reply == self->reply)
        return child;
    }
  return self;
}

/**
 * chiaro_history_entry_get_reply:
 * @self: an entry
 *
 * Returns: (transfer none) (nullable): the answer that made it; %NULL for the root
 */
ChiaroReply *
chiaro_history_entry_get_reply (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), NULL);

  return self->reply;
}

gint64
chiaro_history_entry_get_created (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), 0);

  return self->created;
}

/**
 * chiaro_history_entry_set_created:
 * @self: an entry
 * @created: wall-clock µs; 0 means now
 */
void
chiaro_history_entry_set_created (ChiaroHistoryEntry *self,
                                  gint64              created)
{
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (self));

  if (created == 0)
    created = g_get_real_time ();
  if (self->created == created)
    return;

  self->created = created;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED]);
}

gboolean
chiaro_history_entry_get_starred (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), FALSE);

  return self->starred;
}

void
chiaro_history_entry_set_starred (ChiaroHistoryEntry *self,
                                  gboolean            starred)
{
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (self));

  starred = !!starred;
  if (self->starred == starred)
    return;

  self->starred = starred;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARRED]);
}

static void
replace_string (ChiaroHistoryEntry *self,
                char              **field,
                const char         *value,
                guint               prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
replace_int (ChiaroHistoryEntry *self,
             int                *field,
             int                 value,
             guint               prop)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/**
 * chiaro_history_entry_set_image:
 * @self: an entry being loaded
 * @image_hash: (nullable): the image's hash, %NULL for an empty root
 * @mime_type: (nullable): its type
 * @width: its width in pixels
 * @height: its height in pixels
 */
void
chiaro_history_entry_set_image (ChiaroHistoryEntry *self,
                                const char         *image_hash,
                                const char         *mime_type,
                                int                 width,
                                int                 height)
{
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (self));
  g_return_if_fail (image_hash == NULL || chiaro_stored_content_hash_is_valid (image_hash));

  g_object_freeze_notify (G_OBJECT (self));
  replace_string (self, &self->image_hash, image_hash, PROP_IMAGE_HASH);
  replace_string (self, &self->mime_type, mime_type, PROP_MIME_TYPE);
  replace_int (self, &self->width, MAX (width, 0), PROP_WIDTH);
  replace_int (self, &self->height, MAX (height, 0), PROP_HEIGHT);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * chiaro_history_entry_set_turn:
 * @self: an entry being loaded
 * @turn: (nullable): the send that made it
 */
void
chiaro_history_entry_set_turn (ChiaroHistoryEntry *self,
                               ChiaroTurn         *turn)
{
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (self));

  if (self->turn == turn)
    return;

  g_clear_pointer (&self->turn, chiaro_turn_unref);
  self->turn = turn != NULL ? chiaro_turn_ref (turn) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TURN]);
}

/**
 * chiaro_history_entry_set_reply:
 * @self: an entry being loaded
 * @reply: (nullable): the answer that made it
 */
void
chiaro_history_entry_set_reply (ChiaroHistoryEntry *self,
                                ChiaroReply        *reply)
{
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (self));

  if (self->reply == reply)
    return;

  g_clear_pointer (&self->reply, chiaro_reply_unref);
  self->reply = reply != NULL ? chiaro_reply_ref (reply) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY]);
}

/**
 * chiaro_history_entry_get_parent:
 * @self: an entry
 *
 * Returns: (transfer none) (nullable): the parent; %NULL for the root or outside a tree
 */
ChiaroHistoryEntry *
chiaro_history_entry_get_parent (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), NULL);

  return self->parent;
}

guint
chiaro_history_entry_get_n_children (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), 0);

  return self->children->len;
}

/**
 * chiaro_history_entry_get_child:
 * @self: an entry
 * @index: a child's position, oldest first
 *
 * Returns: (transfer none) (nullable): the child, %NULL when out of range
 */
ChiaroHistoryEntry *
chiaro_history_entry_get_child (ChiaroHistoryEntry *self,
                                guint               index)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), NULL);

  if (index >= self->children->len)
    return NULL;
  return g_ptr_array_index (self->children, index);
}

/**
 * chiaro_history_entry_get_redo_child:
 * @self: an entry
 *
 * Returns: (transfer none) (nullable): the child last on the cursor's path, else the
 *   newest child; %NULL for a leaf
 */
ChiaroHistoryEntry *
chiaro_history_entry_get_redo_child (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), NULL);

  if (self->visited_child != NULL)
    return self->visited_child;
  if (self->children->len == 0)
    return NULL;
  return g_ptr_array_index (self->children, self->children->len - 1);
}

guint
chiaro_history_entry_get_depth (ChiaroHistoryEntry *self)
{
  guint depth = 0;

  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), 0);

  for (ChiaroHistoryEntry *up = self->parent; up != NULL; up = up->parent)
    depth++;
  return depth;
}

/**
 * chiaro_history_entry_is_ancestor_of:
 * @self: an entry
 * @descendant: another entry
 *
 * Returns: whether @self is above @descendant in the tree (an entry is not its own
 *   ancestor)
 */
gboolean
chiaro_history_entry_is_ancestor_of (ChiaroHistoryEntry *self,
                                     ChiaroHistoryEntry *descendant)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), FALSE);
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (descendant), FALSE);

  for (ChiaroHistoryEntry *up = descendant->parent; up != NULL; up = up->parent)
    if (up == self)
      return TRUE;
  return FALSE;
}

/* Private, for ChiaroHistory. */

void
chiaro_history_entry_link_child (ChiaroHistoryEntry *self,
                                 ChiaroHistoryEntry *child)
{
  g_assert (CHIARO_IS_HISTORY_ENTRY (self));
  g_assert (CHIARO_IS_HISTORY_ENTRY (child));
  g_assert (child->parent == NULL);

  g_ptr_array_add (self->children, child);
  child->parent = self;
  g_object_notify_by_pspec (G_OBJECT (child), properties[PROP_PARENT]);
}

/* Takes @self out of its parent's children (and redo memory); its own subtree stays. */
void
chiaro_history_entry_unlink (ChiaroHistoryEntry *self)
{
  ChiaroHistoryEntry *parent = self->parent;

  g_assert (CHIARO_IS_HISTORY_ENTRY (self));

  if (parent == NULL)
    return;

  g_ptr_array_remove (parent->children, self);
  if (parent->visited_child == self)
    parent->visited_child = NULL;
  self->parent = NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARENT]);
}

/* Forgets parent, children and redo memory, for an entry leaving the tree with all its
 * subtree. */
void
chiaro_history_entry_clear_links (ChiaroHistoryEntry *self)
{
  gboolean had_parent = self->parent != NULL;

  g_assert (CHIARO_IS_HISTORY_ENTRY (self));

  self->parent = NULL;
  self->visited_child = NULL;
  g_ptr_array_set_size (self->children, 0);
  if (had_parent)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARENT]);
}

ChiaroHistoryEntry *
chiaro_history_entry_get_visited_child (ChiaroHistoryEntry *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (self), NULL);

  return self->visited_child;
}

void
chiaro_history_entry_set_visited_child (ChiaroHistoryEntry *self,
                                        ChiaroHistoryEntry *child)
{
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (self));
  g_return_if_fail (child == NULL || child->parent == self);

  self->visited_child = child;
}
