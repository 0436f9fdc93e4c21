/* chiaro-project-list.c — the projects in the projects folder, newest first
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A scan reads every folder on a worker and hands back a sorted array that replaces the
 * list's items at once. Image stores are kept per folder across scans, so thumbnails made
 * once stay in memory while the list lives.
 */

#define G_LOG_DOMAIN "chiaro-project-list"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-project-error.h"
#include "chiaro-project-list-private.h"
#include "chiaro-project-state.h"
#include "chiaro-project-store.h"

#include "chiaro-project-list.h"

struct _ChiaroProjectList
{
  GObject parent_instance;

  /* owned, fixed at construction */
  GFile        *projects_dir;

  /* owned */
  GPtrArray    *items;             /* (element-type ChiaroProjectInfo) */
  GCancellable *scan_cancellable;  /* (nullable) of the scan under way */

  /* Folder path → ChiaroImageStore; read by scans on workers. */
  GMutex        images_mutex;
  GHashTable   *images;

  /* flags */
  guint         loading : 1;
  guint         use_trash : 1;
};

static void chiaro_project_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ChiaroProjectList, chiaro_project_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      chiaro_project_list_model_init))

enum
{
  PROP_0,
  PROP_PROJECTS_DIR,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GFile    *dir;
  char     *name;      /* (nullable) the new name */
  char     *title;     /* what the user calls the project, for messages */
  gboolean  use_trash;
} Operation;

static void
operation_free (Operation *op)
{
  g_clear_object (&op->dir);
  g_free (op->name);
  g_free (op->title);
  g_free (op);
}

static GType
chiaro_project_list_get_item_type (GListModel *model)
{
  return CHIARO_TYPE_PROJECT_INFO;
}

static guint
chiaro_project_list_get_n_items (GListModel *model)
{
  return CHIARO_PROJECT_LIST (model)->items->len;
}

static gpointer
chiaro_project_list_get_item (GListModel *model,
                              guint       position)
{
  ChiaroProjectList *self = CHIARO_PROJECT_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
chiaro_project_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = chiaro_project_list_get_item_type;
  iface->get_n_items = chiaro_project_list_get_n_items;
  iface->get_item = chiaro_project_list_get_item;
}

static void
set_loading (ChiaroProjectList *self,
             gboolean           loading)
{
  if (self->loading == !!loading)
    return;

  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* The store kept for @dir, made on first use. Thread-safe. */
static ChiaroImageStore *
dup_images (ChiaroProjectList *self,
            GFile             *dir)
{
  ChiaroImageStore *images;

  g_mutex_lock (&self->images_mutex);
  images = g_hash_table_lookup (self->images, g_file_peek_path (dir));
  if (images == NULL)
    {
      images = chiaro_image_store_new (dir);
      g_hash_table_insert (self->images, g_file_get_path (dir), images);
    }
  g_object_ref (images);
  g_mutex_unlock (&self->images_mutex);

  return images;
}

/* Newest first; equal times by title, then by folder, so the order is stable. */
static int
compare_infos (gconstpointer a,
               gconstpointer b)
{
  ChiaroProjectInfo *x = *(ChiaroProjectInfo * const *) a;
  ChiaroProjectInfo *y = *(ChiaroProjectInfo * const *) b;
  gint64 mx = chiaro_project_info_get_modified (x);
  gint64 my = chiaro_project_info_get_modified (y);
  int order;

  if (mx != my)
    return mx > my ? -1 : 1;

  if ((order = g_utf8_collate (chiaro_project_info_get_title (x),
                               chiaro_project_info_get_title (y))) != 0)
    return order;

  return g_strcmp0 (g_file_peek_path (chiaro_project_info_get_dir (x)),
                    g_file_peek_path (chiaro_project_info_get_dir (y)));
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ChiaroProjectList *self = source_object;
  g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GError) error = NULL;

  enumerator = g_file_enumerate_children (self->projects_dir,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                          G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                          cancellable, &error);
  if (enumerator == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_debug ("projects folder not read: %s", error->message);

  while (enumerator != NULL)
    {
      g_autoptr(ChiaroImageStore) images = NULL;
      ChiaroProjectInfo *info;
      GFileInfo *file_info;
      GFile *child;

      g_clear_error (&error);
      if (!g_file_enumerator_iterate (enumerator, &file_info, &child, cancellable, &error))
        {
          g_debug ("projects folder not read to the end: %s", error->message);
          break;
        }
      if (file_info == NULL)
        break;

      if (g_file_info_get_file_type (file_info) != G_FILE_TYPE_DIRECTORY ||
          g_file_info_get_is_hidden (file_info))
        continue;

      images = dup_images (self, child);
      if ((info = chiaro_project_info_load (child, images, cancellable)))
        g_ptr_array_add (infos, info);
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  g_ptr_array_sort (infos, compare_infos);
  g_task_return_pointer (task, g_steal_pointer (&infos), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_scanned (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ChiaroProjectList *self = CHIARO_PROJECT_LIST (object);
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GPtrArray) old = NULL;
  g_autoptr(GHashTable) present = NULL;
  GHashTableIter iter;
  const char *path;

  infos = g_task_propagate_pointer (G_TASK (result), NULL);
  if (g_task_get_cancellable (G_TASK (result)) != self->scan_cancellable)
    return;

  g_clear_object (&self->scan_cancellable);

  if (infos != NULL)
    {
      /* Forget the image stores of folders that are gone. */
      present = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < infos->len; i++)
        g_hash_table_add (present, (gpointer) g_file_peek_path (
                            chiaro_project_info_get_dir (g_ptr_array_index (infos, i))));

      g_mutex_lock (&self->images_mutex);
      g_hash_table_iter_init (&iter, self->images);
      while (g_hash_table_iter_next (&iter, (gpointer *) &path, NULL))
        if (!g_hash_table_contains (present, path))
          g_hash_table_iter_remove (&iter);
      g_mutex_unlock (&self->images_mutex);

      old = g_steal_pointer (&self->items);
      self->items = g_steal_pointer (&infos);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, self->items->len);
    }

  set_loading (self, FALSE);
}

static void
set_locked_error (GError     **error,
                  const char  *title)
{
  g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_LOCKED,
               /* Translators: %s is a project's title */
               _("“%s” is open in another window. Close it there first."), title);
}

/* Opens the project's store for a change, with the error the user should see. */
static ChiaroProjectStore *
open_for_change (Operation  *op,
                 GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  ChiaroProjectStore *store;

  if ((store = chiaro_project_store_open (op->dir, CHIARO_PROJECT_STORE_OPEN_NONE,
                                          &local_error)))
    return store;

  if (g_error_matches (local_error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_LOCKED))
    set_locked_error (error, op->title);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

static void
rename_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Operation *op = task_data;
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(ChiaroProjectState) state = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) json = NULL;
  GError *error = NULL;

  if (!(store = open_for_change (op, &error)) ||
      !(bytes = chiaro_project_store_read (store, CHIARO_PROJECT_FILE_MAIN, cancellable,
                                           &error)) ||
      !(state = chiaro_project_state_new_from_json (bytes, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_free (state->name);
  state->name = g_strdup (op->name);
  json = chiaro_project_state_to_json (state);

  if (!chiaro_project_store_write (store, json, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  chiaro_project_store_close (store);
  g_debug ("renamed %s", g_file_peek_path (op->dir));
  g_task_return_int (task, 1);
}

/* Deletes @file and, for a folder, everything in it; symbolic links are not followed. */
static gboolean
delete_tree (GFile         *file,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GError) local_error = NULL;

  enumerator = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                          cancellable, &local_error);
  if (enumerator != NULL)
    {
      for (;;)
        {
          GFileInfo *info;
          GFile *child;

          if (!g_file_enumerator_iterate (enumerator, &info, &child, cancellable, error))
            return FALSE;
          if (info == NULL)
            break;

          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            {
              if (!delete_tree (child, cancellable, error))
                return FALSE;
            }
          else if (!g_file_delete (child, cancellable, error))
            {
              return FALSE;
            }
        }
    }
  else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return g_file_delete (file, cancellable, error);
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ChiaroProjectList *self = source_object;
  Operation *op = task_data;
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(GError) io_error = NULL;
  GError *error = NULL;
  gboolean trashed = FALSE;

  /* Only ever a folder of the projects folder: deleting follows no other path. */
  if (!g_file_has_parent (op->dir, self->projects_dir))
    {
      g_autofree char *path = g_file_get_parse_name (op->dir);

      g_task_return_new_error (task, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID,
                               /* Translators: %s is a folder */
                               _("“%s” is not a Chiaro project folder, so it was not "
                                 "deleted."), path);
      return;
    }

  /* The lock is held until the folder is gone, so nobody opens it meanwhile. */
  if (!(store = open_for_change (op, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  if (op->use_trash)
    trashed = g_file_trash (op->dir, cancellable, &io_error);

  /* Only a file system without a trash makes the deletion final; any other failure to
   * trash is reported, and nothing is deleted. */
  if (!op->use_trash || g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_clear_error (&io_error);
      g_debug ("no trash for %s: deleting it", g_file_peek_path (op->dir));
      delete_tree (op->dir, cancellable, &io_error);
    }

  chiaro_project_store_close (store);

  if (io_error != NULL)
    {
      g_task_return_new_error (task, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO,
                               /* Translators: %s is a project's title, then the system's
                                * own message */
                               _("“%s” could not be deleted (%s)."), op->title,
                               io_error->message);
      return;
    }

  g_debug ("%s %s", trashed ? "trashed" : "deleted", g_file_peek_path (op->dir));
  g_task_return_int (task, trashed);
}

/* A change is done: rescan, then tell the caller. */
static void
on_change_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ChiaroProjectList *self = CHIARO_PROJECT_LIST (object);
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;
  gssize value;

  value = g_task_propagate_int (G_TASK (result), &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    chiaro_project_list_refresh (self);

  if (error != NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_int (outer, value);
}

static void
start_change (ChiaroProjectList   *self,
              GTaskThreadFunc      thread_func,
              Operation           *op,
              gpointer             source_tag,
              const char          *name,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  ChiaroProjectInfo *info = chiaro_project_list_lookup (self, op->dir);

  op->title = g_strdup (info != NULL ? chiaro_project_info_get_title (info)
                                     : g_file_peek_path (op->dir));
  op->use_trash = self->use_trash;

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, source_tag);
  g_task_set_name (outer, name);

  inner = g_task_new (self, cancellable, on_change_done, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, start_change);
  g_task_set_name (inner, name);
  g_task_set_task_data (inner, op, (GDestroyNotify) operation_free);
  g_task_run_in_thread (inner, thread_func);
}

static void
chiaro_project_list_dispose (GObject *object)
{
  ChiaroProjectList *self = (ChiaroProjectList *) object;

  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);

  G_OBJECT_CLASS (chiaro_project_list_parent_class)->dispose (object);
}

static void
chiaro_project_list_finalize (GObject *object)
{
  ChiaroProjectList *self = (ChiaroProjectList *) object;

  g_clear_object (&self->projects_dir);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->images, g_hash_table_unref);
  g_mutex_clear (&self->images_mutex);

  G_OBJECT_CLASS (chiaro_project_list_parent_class)->finalize (object);
}

static void
chiaro_project_list_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ChiaroProjectList *self = CHIARO_PROJECT_LIST (object);

  switch (prop_id)
    {
    case PROP_PROJECTS_DIR:
      g_value_set_object (value, self->projects_dir);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_project_list_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ChiaroProjectList *self = CHIARO_PROJECT_LIST (object);

  switch (prop_id)
    {
    case PROP_PROJECTS_DIR:
      self->projects_dir = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_project_list_class_init (ChiaroProjectListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = chiaro_project_list_dispose;
  object_class->finalize = chiaro_project_list_finalize;
  object_class->get_property = chiaro_project_list_get_property;
  object_class->set_property = chiaro_project_list_set_property;

  properties[PROP_PROJECTS_DIR] =
    g_param_spec_object ("projects-dir", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
chiaro_project_list_init (ChiaroProjectList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->images = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->use_trash = TRUE;
  g_mutex_init (&self->images_mutex);
}

/**
 * chiaro_project_list_new:
 * @projects_dir: the folder holding one folder per project
 *
 * An empty list; chiaro_project_list_refresh() fills it.
 *
 * Returns: (transfer full): a new #ChiaroProjectList
 */
ChiaroProjectList *
chiaro_project_list_new (GFile *projects_dir)
{
  g_return_val_if_fail (G_IS_FILE (projects_dir), NULL);

  return g_object_new (CHIARO_TYPE_PROJECT_LIST, "projects-dir", projects_dir, NULL);
}

/**
 * chiaro_project_list_get_projects_dir:
 * @self: a #ChiaroProjectList
 *
 * Returns: (transfer none): the folder scanned
 */
GFile *
chiaro_project_list_get_projects_dir (ChiaroProjectList *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_LIST (self), NULL);

  return self->projects_dir;
}

/**
 * chiaro_project_list_get_loading:
 * @self: a #ChiaroProjectList
 *
 * Returns: whether a scan is under way
 */
gboolean
chiaro_project_list_get_loading (ChiaroProjectList *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_LIST (self), FALSE);

  return self->loading;
}

/**
 * chiaro_project_list_refresh:
 * @self: a #ChiaroProjectList
 *
 * Reads the projects folder again on a worker; the items are replaced, in one change, when
 * it is done. A scan already under way is abandoned.
 */
void
chiaro_project_list_refresh (ChiaroProjectList *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CHIARO_IS_PROJECT_LIST (self));

  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  self->scan_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->scan_cancellable, on_scanned, NULL);
  g_task_set_source_tag (task, chiaro_project_list_refresh);
  g_task_set_name (task, "[chiaro] scan projects");
  g_task_run_in_thread (task, scan_thread);

  set_loading (self, TRUE);
}

/**
 * chiaro_project_list_lookup:
 * @self: a #ChiaroProjectList
 * @dir: a project folder
 *
 * Returns: (transfer none) (nullable): the item for @dir
 */
ChiaroProjectInfo *
chiaro_project_list_lookup (ChiaroProjectList *self,
                            GFile             *dir)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_LIST (self), NULL);
  g_return_val_if_fail (G_IS_FILE (dir), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      ChiaroProjectInfo *info = g_ptr_array_index (self->items, i);

      if (g_file_equal (chiaro_project_info_get_dir (info), dir))
        return info;
    }

  return NULL;
}

/**
 * chiaro_project_list_rename_async:
 * @self: a #ChiaroProjectList
 * @dir: the project folder
 * @name: (nullable): the new name; %NULL or only spaces removes the name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the name is saved and the rescan has begun
 * @user_data: data for @callback
 *
 * Takes the project's lock, reads project.json, sets the name and saves it (the old file
 * becoming the backup, as with every save), on a worker.
 */
void
chiaro_project_list_rename_async (ChiaroProjectList   *self,
                                  GFile               *dir,
                                  const char          *name,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Operation *op;

  g_return_if_fail (CHIARO_IS_PROJECT_LIST (self));
  g_return_if_fail (G_IS_FILE (dir));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (Operation, 1);
  op->dir = g_object_ref (dir);
  op->name = g_strstrip (g_strdup (name != NULL ? name : ""));
  if (*op->name == '\0')
    g_clear_pointer (&op->name, g_free);

  start_change (self, rename_thread, op, chiaro_project_list_rename_async,
                "[chiaro] rename project", cancellable, callback, user_data);
}

/**
 * chiaro_project_list_rename_finish:
 * @self: a #ChiaroProjectList
 * @result: the result given to the callback
 * @error: a location for a #GError
 *
 * Returns: whether the name is saved; errors: %CHIARO_PROJECT_ERROR_LOCKED (open in another
 *   window), _NOT_FOUND, _CORRUPT, _NEWER_VERSION, or a write error
 */
gboolean
chiaro_project_list_rename_finish (ChiaroProjectList  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        chiaro_project_list_rename_async, FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
}

/**
 * chiaro_project_list_delete_async:
 * @self: a #ChiaroProjectList
 * @dir: the project folder, in the projects folder
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the folder is gone and the rescan has begun
 * @user_data: data for @callback
 *
 * Takes the project's lock (so an open project is refused, and nobody opens it meanwhile),
 * then moves the folder to the trash. Where the file system has no trash, the folder is
 * deleted for good, and chiaro_project_list_delete_finish() says so.
 */
void
chiaro_project_list_delete_async (ChiaroProjectList   *self,
                                  GFile               *dir,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Operation *op;

  g_return_if_fail (CHIARO_IS_PROJECT_LIST (self));
  g_return_if_fail (G_IS_FILE (dir));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (Operation, 1);
  op->dir = g_object_ref (dir);

  start_change (self, delete_thread, op, chiaro_project_list_delete_async,
                "[chiaro] delete project", cancellable, callback, user_data);
}

/**
 * chiaro_project_list_delete_finish:
 * @self: a #ChiaroProjectList
 * @result: the result given to the callback
 * @trashed: (out) (optional): %TRUE when the folder went to the trash, %FALSE when it was
 *   deleted for good because there is no trash where it was
 * @error: a location for a #GError
 *
 * Returns: whether the project is gone; errors: %CHIARO_PROJECT_ERROR_LOCKED (open in
 *   another window; nothing was deleted), _NOT_FOUND, _INVALID (not a project folder), _IO
 */
gboolean
chiaro_project_list_delete_finish (ChiaroProjectList  *self,
                                   GAsyncResult       *result,
                                   gboolean           *trashed,
                                   GError            **error)
{
  gssize value;

  g_return_val_if_fail (CHIARO_IS_PROJECT_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        chiaro_project_list_delete_async, FALSE);

  value = g_task_propagate_int (G_TASK (result), error);
  if (trashed != NULL)
    *trashed = value > 0;

  return value >= 0;
}

/* Test hook: see chiaro-project-list-private.h. */
void
chiaro_project_list_set_use_trash (ChiaroProjectList *self,
                                   gboolean           use_trash)
{
  g_return_if_fail (CHIARO_IS_PROJECT_LIST (self));

  self->use_trash = !!use_trash;
}
