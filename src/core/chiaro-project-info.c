/* chiaro-project-info.c — what the start view shows of one project folder
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-project-info"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "chiaro-project-error.h"
#include "chiaro-project-state.h"
#include "chiaro-project-store.h"

#include "chiaro-project-info.h"

#define STATE_NAME   "project.json"
#define BACKUP_NAME  "project.json.bak"
#define IMAGES_NAME  "images"
/* A title made of the first prompt is cut at about this many characters. */
#define TITLE_PROMPT_LENGTH 48

struct _ChiaroProjectInfo
{
  GObject parent_instance;

  /* owned */
  GFile            *dir;
  ChiaroImageStore *images;
  char             *name;            /* (nullable) */
  char             *title;
  char             *thumbnail_hash;  /* (nullable) */
  char             *thumbnail_mime_type; /* (nullable) */
  GError           *error;           /* (nullable) */

  gint64   created;
  gint64   modified;
  guint    n_entries;
  guint    n_images;
  double   cost_usd;

  /* flags */
  guint    locked : 1;
  guint    from_backup : 1;
};

G_DEFINE_FINAL_TYPE (ChiaroProjectInfo, chiaro_project_info, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DIR,
  PROP_NAME,
  PROP_TITLE,
  PROP_CREATED,
  PROP_MODIFIED,
  PROP_N_ENTRIES,
  PROP_N_IMAGES,
  PROP_COST_USD,
  PROP_THUMBNAIL_HASH,
  PROP_THUMBNAIL_MIME_TYPE,
  PROP_LOCKED,
  PROP_FROM_BACKUP,
  PROP_ERROR,
  PROP_IMAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The first line of @prompt, cut at a word near TITLE_PROMPT_LENGTH characters. */
static char *
title_from_prompt (const char *prompt)
{
  g_autofree char *line = NULL;
  const char *end;
  char *space;

  end = strchr (prompt, '\n');
  line = g_strstrip (end != NULL ? g_strndup (prompt, end - prompt) : g_strdup (prompt));
  if (*line == '\0')
    return NULL;

  if (g_utf8_strlen (line, -1) <= TITLE_PROMPT_LENGTH)
    return g_steal_pointer (&line);

  *g_utf8_offset_to_pointer (line, TITLE_PROMPT_LENGTH) = '\0';
  if ((space = strrchr (line, ' ')) != NULL && g_utf8_strlen (line, space - line) > 16)
    *space = '\0';
  g_strchomp (line);

  return g_strconcat (line, "…", NULL);
}

static char *
title_from_date (gint64 when)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (when / G_USEC_PER_SEC);
  g_autofree char *date = NULL;

  if (time == NULL)
    return g_strdup (_("Untitled Project"));

  /* Translators: a date in a project's title, in g_date_time_format () terms */
  date = g_date_time_format (time, _("%B %-d, %Y"));
  /* Translators: the title of a project without a name; %s is the day it was made */
  return g_strdup_printf (_("Project of %s"), date);
}

/* What the project is called: its name, else its first prompt, else the day it began. */
static char *
make_title (ChiaroProjectState *state)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *name = NULL;

  name = g_strstrip (g_strdup (state->name != NULL ? state->name : ""));
  if (*name != '\0')
    return g_steal_pointer (&name);

  entries = chiaro_history_dup_entries (state->history);
  for (guint i = 0; i < entries->len; i++)
    {
      ChiaroTurn *turn = chiaro_history_entry_get_turn (g_ptr_array_index (entries, i));
      char *title;

      if (turn != NULL && turn->prompt != NULL && (title = title_from_prompt (turn->prompt)))
        return title;
    }

  return title_from_date (state->created > 0 ? state->created : state->modified);
}

static void
fill_from_state (ChiaroProjectInfo  *self,
                 ChiaroProjectState *state)
{
  g_autoptr(GPtrArray) entries = chiaro_history_dup_entries (state->history);
  g_autoptr(GPtrArray) replies = chiaro_history_dup_replies (state->history);
  ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (state->history);

  self->title = make_title (state);
  if (state->name != NULL && g_str_equal (self->title, g_strstrip (state->name)))
    self->name = g_strdup (state->name);
  self->created = state->created;
  if (state->modified > 0)
    self->modified = state->modified;
  self->n_entries = chiaro_history_get_n_entries (state->history);

  for (guint i = 0; i < entries->len; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (entries, i);

      if (chiaro_history_entry_get_image_hash (entry) != NULL)
        self->n_images++;
    }

  /* Each answer once, however many images (entries) it brought. */
  for (guint i = 0; i < replies->len; i++)
    {
      ChiaroReply *reply = g_ptr_array_index (replies, i);

      if (reply->cost_usd >= 0)
        self->cost_usd += reply->cost_usd;
      else if (reply->estimated_cost_usd >= 0)
        self->cost_usd += reply->estimated_cost_usd;
    }

  if (cursor != NULL && chiaro_history_entry_get_image_hash (cursor) != NULL)
    {
      self->thumbnail_hash = g_strdup (chiaro_history_entry_get_image_hash (cursor));
      self->thumbnail_mime_type = g_strdup (chiaro_history_entry_get_mime_type (cursor));
    }
}

/* The file's modification time in wall-clock µs; 0 when unknown. */
static gint64
file_mtime (GFile        *file,
            GCancellable *cancellable)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file,
                                                 G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                                 G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                                 G_FILE_QUERY_INFO_NONE, cancellable, NULL);

  if (info == NULL)
    return 0;

  return (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED)
         * G_USEC_PER_SEC
         + g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
}

/* Parses one of the state files; NULL with @error when it is missing or unreadable. */
static ChiaroProjectState *
read_state (GFile         *dir,
            const char    *name,
            gint64        *mtime,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GFile) file = g_file_get_child (dir, name);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize size = 0;

  if (!g_file_load_contents (file, cancellable, &contents, &size, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND,
                     /* Translators: %s is a file path */
                     _("“%s” does not exist."), g_file_peek_path (file));
      else
        g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO,
                     /* Translators: %s is a file path, then the system's own message */
                     _("“%s” could not be read (%s)."), g_file_peek_path (file),
                     local_error->message);
      return NULL;
    }

  *mtime = file_mtime (file, cancellable);

  bytes = g_bytes_new_take (g_steal_pointer (&contents), size);
  return chiaro_project_state_new_from_json (bytes, error);
}


static gboolean
has_child (GFile      *dir,
           const char *name)
{
  g_autoptr(GFile) child = g_file_get_child (dir, name);

  return g_file_query_exists (child, NULL);
}

static void
chiaro_project_info_finalize (GObject *object)
{
  ChiaroProjectInfo *self = (ChiaroProjectInfo *) object;

  g_clear_object (&self->dir);
  g_clear_object (&self->images);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->thumbnail_hash, g_free);
  g_clear_pointer (&self->thumbnail_mime_type, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (chiaro_project_info_parent_class)->finalize (object);
}

static void
chiaro_project_info_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ChiaroProjectInfo *self = CHIARO_PROJECT_INFO (object);

  switch (prop_id)
    {
    case PROP_DIR:
      g_value_set_object (value, self->dir);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_CREATED:
      g_value_set_int64 (value, self->created);
      break;

    case PROP_MODIFIED:
      g_value_set_int64 (value, self->modified);
      break;

    case PROP_N_ENTRIES:
      g_value_set_uint (value, self->n_entries);
      break;

    case PROP_N_IMAGES:
      g_value_set_uint (value, self->n_images);
      break;

    case PROP_COST_USD:
      g_value_set_double (value, self->cost_usd);
      break;

    case PROP_THUMBNAIL_HASH:
      g_value_set_string (value, self->thumbnail_hash);
      break;

    case PROP_THUMBNAIL_MIME_TYPE:
      g_value_set_string (value, self->thumbnail_mime_type);
      break;

    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;

    case PROP_FROM_BACKUP:
      g_value_set_boolean (value, self->from_backup);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    case PROP_IMAGES:
      g_value_set_object (value, self->images);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_project_info_class_init (ChiaroProjectInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = chiaro_project_info_finalize;
  object_class->get_property = chiaro_project_info_get_property;

  properties[PROP_DIR] = g_param_spec_object ("dir", NULL, NULL, G_TYPE_FILE, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_CREATED] = g_param_spec_int64 ("created", NULL, NULL,
                                                 0, G_MAXINT64, 0, flags);
  properties[PROP_MODIFIED] = g_param_spec_int64 ("modified", NULL, NULL,
                                                  0, G_MAXINT64, 0, flags);
  properties[PROP_N_ENTRIES] = g_param_spec_uint ("n-entries", NULL, NULL,
                                                  0, G_MAXUINT, 0, flags);
  properties[PROP_N_IMAGES] = g_param_spec_uint ("n-images", NULL, NULL,
                                                 0, G_MAXUINT, 0, flags);
  properties[PROP_COST_USD] = g_param_spec_double ("cost-usd", NULL, NULL,
                                                   0, G_MAXDOUBLE, 0, flags);
  properties[PROP_THUMBNAIL_HASH] = g_param_spec_string ("thumbnail-hash", NULL, NULL,
                                                         NULL, flags);
  properties[PROP_THUMBNAIL_MIME_TYPE] = g_param_spec_string ("thumbnail-mime-type",
                                                              NULL, NULL, NULL, flags);
  properties[PROP_LOCKED] = g_param_spec_boolean ("locked", NULL, NULL, FALSE, flags);
  properties[PROP_FROM_BACKUP] = g_param_spec_boolean ("from-backup", NULL, NULL,
                                                       FALSE, flags);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  properties[PROP_IMAGES] = g_param_spec_object ("images", NULL, NULL,
                                                 CHIARO_TYPE_IMAGE_STORE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_project_info_init (ChiaroProjectInfo *self)
{
}

/**
 * chiaro_project_info_load:
 * @dir: a project folder
 * @images: (nullable): the image store to hand out for thumbnails; %NULL makes one
 * @cancellable: (nullable): a #GCancellable
 *
 * Reads project.json, or the backup when it cannot be read. A folder with neither is
 * described as damaged, with the error about project.json, rather than left out; except
 * a folder where nothing has been saved yet (no state, no backup, no images), which is a
 * project being made or an empty leftover and is skipped. Blocks: call it on a worker.
 *
 * Returns: (transfer full) (nullable): the description, or %NULL to skip the folder
 */
ChiaroProjectInfo *
chiaro_project_info_load (GFile            *dir,
                          ChiaroImageStore *images,
                          GCancellable     *cancellable)
{
  g_autoptr(ChiaroProjectInfo) self = NULL;
  g_autoptr(ChiaroProjectState) state = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) backup_error = NULL;
  gint64 mtime = 0;

  g_return_val_if_fail (G_IS_FILE (dir), NULL);
  g_return_val_if_fail (images == NULL || CHIARO_IS_IMAGE_STORE (images), NULL);

  self = g_object_new (CHIARO_TYPE_PROJECT_INFO, NULL);
  self->dir = g_object_ref (dir);
  self->images = images != NULL ? g_object_ref (images) : chiaro_image_store_new (dir);
  self->locked = chiaro_project_store_is_locked (dir, NULL);

  if (!(state = read_state (dir, STATE_NAME, &mtime, cancellable, &error)))
    {
      if ((state = read_state (dir, BACKUP_NAME, &mtime, cancellable, &backup_error)))
        self->from_backup = TRUE;
      else if (g_error_matches (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND) &&
               g_error_matches (backup_error, CHIARO_PROJECT_ERROR,
                                CHIARO_PROJECT_ERROR_NOT_FOUND) &&
               !has_child (dir, IMAGES_NAME))
        return NULL;
    }

  self->modified = mtime;
  if (state != NULL)
    {
      fill_from_state (self, state);
    }
  else
    {
      g_autofree char *path = g_file_get_path (dir);

      self->modified = file_mtime (dir, cancellable);
      self->title = g_strdup (_("Damaged Project"));
      if (g_error_matches (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND))
        self->error = g_error_new (CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND,
                                   /* Translators: %s is a folder */
                                   _("“%s” has images but no project file."), path);
      else
        self->error = g_steal_pointer (&error);
    }

  return g_steal_pointer (&self);
}

/**
 * chiaro_project_info_get_dir:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: (transfer none): the project folder
 */
GFile *
chiaro_project_info_get_dir (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), NULL);

  return self->dir;
}

/**
 * chiaro_project_info_get_name:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: (nullable): the name the user gave the project
 */
const char *
chiaro_project_info_get_name (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), NULL);

  return self->name;
}

/**
 * chiaro_project_info_get_title:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: what to call the project: its name, else the start of its first prompt, else
 *   the day it was begun ("Damaged Project" when it cannot be read)
 */
const char *
chiaro_project_info_get_title (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), NULL);

  return self->title;
}

/**
 * chiaro_project_info_get_created:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: when the project was begun, wall-clock µs; 0 when unknown
 */
gint64
chiaro_project_info_get_created (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), 0);

  return self->created;
}

/**
 * chiaro_project_info_get_modified:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: when the project was last saved, wall-clock µs (the folder's time when damaged)
 */
gint64
chiaro_project_info_get_modified (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), 0);

  return self->modified;
}

/**
 * chiaro_project_info_get_n_entries:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: the number of history entries, the root included
 */
guint
chiaro_project_info_get_n_entries (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), 0);

  return self->n_entries;
}

/**
 * chiaro_project_info_get_n_images:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: the number of history entries with an image (an empty root has none)
 */
guint
chiaro_project_info_get_n_images (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), 0);

  return self->n_images;
}

/**
 * chiaro_project_info_get_cost_usd:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: what the answers cost in US dollars: the cost from usage where known, else the
 *   estimate; answers with neither count as nothing
 */
double
chiaro_project_info_get_cost_usd (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), 0);

  return self->cost_usd;
}

/**
 * chiaro_project_info_get_thumbnail_hash:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: (nullable): the hash of the image at the cursor
 */
const char *
chiaro_project_info_get_thumbnail_hash (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), NULL);

  return self->thumbnail_hash;
}

/**
 * chiaro_project_info_get_thumbnail_mime_type:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: (nullable): the MIME type of the image at the cursor
 */
const char *
chiaro_project_info_get_thumbnail_mime_type (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), NULL);

  return self->thumbnail_mime_type;
}

/**
 * chiaro_project_info_get_locked:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: whether the project was open (in this Chiaro or another) when it was read
 */
gboolean
chiaro_project_info_get_locked (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), FALSE);

  return self->locked;
}

/**
 * chiaro_project_info_get_from_backup:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: whether project.json could not be read and the backup was described instead
 */
gboolean
chiaro_project_info_get_from_backup (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), FALSE);

  return self->from_backup;
}

/**
 * chiaro_project_info_get_error:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: (nullable): why the project cannot be read, for a damaged project
 */
const GError *
chiaro_project_info_get_error (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), NULL);

  return self->error;
}

/**
 * chiaro_project_info_is_damaged:
 * @self: a #ChiaroProjectInfo
 *
 * Returns: whether neither project.json nor its backup could be read
 */
gboolean
chiaro_project_info_is_damaged (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), FALSE);

  return self->error != NULL;
}

/**
 * chiaro_project_info_get_images:
 * @self: a #ChiaroProjectInfo
 *
 * The project's image store, for chiaro_image_store_thumbnail_async() of the thumbnail.
 *
 * Returns: (transfer none): the image store on the project folder
 */
ChiaroImageStore *
chiaro_project_info_get_images (ChiaroProjectInfo *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (self), NULL);

  return self->images;
}
