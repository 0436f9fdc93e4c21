/* chiaro-image-store.c — a project's images by content hash, their thumbnails and decodes
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every image cost the user money, so the store never lets one go: add() keeps bytes the
 * disk refused in memory (pending) until flush() gets them written, load() answers from
 * memory before the disk, and collect_orphans() deletes only what it is sure of.
 *
 * Two locks: `write_mutex` serialises every change to the files (so orphan collection never
 * races a write in progress) and is held across disk I/O, only ever on worker threads;
 * `mutex` guards the in-memory tables and is held for a few instructions, so the main thread
 * can peek at thumbnails without waiting for a disk. When both are needed, `write_mutex` is
 * taken first.
 */

#define G_LOG_DOMAIN "chiaro-image-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "chiaro-file-util.h"
#include "chiaro-image.h"
#include "chiaro-mime.h"
#include "chiaro-project-error.h"
#include "chiaro-stored-content.h"

#include "chiaro-image-store.h"

/* The extension of bytes that are no image format Chiaro knows. */
#define UNKNOWN_EXTENSION "bin"
#define THUMBNAIL_EXTENSION "png"

typedef struct
{
  GBytes     *bytes;
  const char *mime_type;  /* (nullable) interned */
} PendingImage;

typedef struct
{
  char      *hash;
  GdkPixbuf *pixbuf;
} DecodedImage;

typedef struct
{
  char *hash;
  char *mime_type;  /* (nullable) */
} ImageTaskData;

struct _ChiaroImageStore
{
  GObject parent_instance;

  /* owned, fixed at construction */
  GFile *dir;
  char  *images_path;
  char  *thumbs_path;

  GMutex write_mutex;

  /* guarded by mutex */
  GMutex      mutex;
  GHashTable *pending;     /* hash → PendingImage */
  GHashTable *added;       /* set of the hashes added through this store */
  GHashTable *thumbnails;  /* hash → GdkPixbuf */
  GQueue      decoded;     /* DecodedImage, most recently used first */
  guint       decode_cache_size;
};

G_DEFINE_FINAL_TYPE (ChiaroImageStore, chiaro_image_store, G_TYPE_OBJECT)

static void
pending_image_free (PendingImage *pending)
{
  g_bytes_unref (pending->bytes);
  g_free (pending);
}

static void
decoded_image_free (DecodedImage *decoded)
{
  g_free (decoded->hash);
  g_object_unref (decoded->pixbuf);
  g_free (decoded);
}

static void
image_task_data_free (ImageTaskData *data)
{
  g_free (data->hash);
  g_free (data->mime_type);
  g_free (data);
}

static ImageTaskData *
image_task_data_new (const char *hash,
                     const char *mime_type)
{
  ImageTaskData *data = g_new0 (ImageTaskData, 1);

  data->hash = g_strdup (hash);
  data->mime_type = g_strdup (mime_type);
  return data;
}

/* A task on the image @hash, with its hash and type as the task data for a worker. */
static GTask *
new_image_task (ChiaroImageStore    *self,
                const char          *hash,
                const char          *mime_type,
                gpointer             source_tag,
                const char          *name,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  g_task_set_task_data (task, image_task_data_new (hash, mime_type),
                        (GDestroyNotify) image_task_data_free);
  return task;
}

static const char *
extension_for (const char *mime_type)
{
  const char *extension = mime_type != NULL ? chiaro_mime_get_extension (mime_type) : NULL;

  return extension != NULL ? extension : UNKNOWN_EXTENSION;
}

static char *
image_path (ChiaroImageStore *self,
            const char       *hash,
            const char       *mime_type)
{
  g_autofree char *name = g_strconcat (hash, ".", extension_for (mime_type), NULL);

  return g_build_filename (self->images_path, name, NULL);
}

static char *
thumbnail_path (ChiaroImageStore *self,
                const char       *hash)
{
  g_autofree char *name = g_strconcat (hash, ".", THUMBNAIL_EXTENSION, NULL);

  return g_build_filename (self->thumbs_path, name, NULL);
}

/* The hash a store file is named by, or NULL for any other name: `<hash>.<extension>`, the
 * extension being letters and digits only. */
static char *
hash_from_file_name (const char *name)
{
  const char *dot = strchr (name, '.');
  g_autofree char *hash = NULL;

  if (dot == NULL || dot[1] == '\0')
    return NULL;

  for (const char *p = dot + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return NULL;

  hash = g_strndup (name, dot - name);
  if (!chiaro_stored_content_hash_is_valid (hash))
    return NULL;

  return g_steal_pointer (&hash);
}

/* The file holding @hash: the one its MIME type names, else any `<hash>.<ext>` (an image
 * labelled with another type than its bytes have). NULL when there is none. */
static char *
find_image_path (ChiaroImageStore *self,
                 const char       *hash,
                 const char       *mime_type)
{
  g_autofree char *path = image_path (self, hash, mime_type);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&path);

  if (!(dir = g_dir_open (self->images_path, 0, NULL)))
    return NULL;

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *found_hash = hash_from_file_name (name);
      g_autofree char *found_path = NULL;

      if (g_strcmp0 (found_hash, hash) != 0)
        continue;

      found_path = g_build_filename (self->images_path, name, NULL);
      if (g_file_test (found_path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&found_path);
    }

  return NULL;
}

static gboolean
file_holds_bytes (const char *path,
                  GBytes     *bytes)
{
  g_autofree char *contents = NULL;
  gsize size = 0;
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) ||
      (gsize) st.st_size != g_bytes_get_size (bytes))
    return FALSE;

  if (!g_file_get_contents (path, &contents, &size, NULL))
    return FALSE;

  return size == g_bytes_get_size (bytes) &&
         memcmp (contents, g_bytes_get_data (bytes, NULL), size) == 0;
}

/* Puts @bytes in images/ unless an identical file is there already. */
static gboolean
write_image (ChiaroImageStore  *self,
             const char        *hash,
             const char        *mime_type,
             GBytes            *bytes,
             GError           **error)
{
  g_autofree char *path = image_path (self, hash, mime_type);
  gboolean ok;

  g_mutex_lock (&self->write_mutex);

  ok = chiaro_file_make_private_dir (self->images_path, error) &&
       (file_holds_bytes (path, bytes) ||
        chiaro_file_write_atomic (path, g_bytes_get_data (bytes, NULL),
                                  g_bytes_get_size (bytes), error));

  g_mutex_unlock (&self->write_mutex);

  if (ok)
    g_debug ("stored %s (%zu bytes)", hash, g_bytes_get_size (bytes));

  return ok;
}

static void
keep_pending (ChiaroImageStore *self,
              const char       *hash,
              const char       *mime_type,
              GBytes           *bytes)
{
  PendingImage *pending = g_new0 (PendingImage, 1);

  pending->bytes = g_bytes_ref (bytes);
  pending->mime_type = mime_type;

  g_mutex_lock (&self->mutex);
  g_hash_table_replace (self->pending, g_strdup (hash), pending);
  g_mutex_unlock (&self->mutex);

  g_debug ("kept %s in memory (%zu bytes) until it can be written",
           hash, g_bytes_get_size (bytes));
}

static GBytes *
dup_pending_bytes (ChiaroImageStore *self,
                   const char       *hash)
{
  PendingImage *pending;
  GBytes *bytes = NULL;

  g_mutex_lock (&self->mutex);
  if ((pending = g_hash_table_lookup (self->pending, hash)))
    bytes = g_bytes_ref (pending->bytes);
  g_mutex_unlock (&self->mutex);

  return bytes;
}

static void
forget_cached (ChiaroImageStore *self,
               const char       *hash)
{
  GList *link;

  g_assert (hash != NULL);

  g_hash_table_remove (self->thumbnails, hash);

  for (link = self->decoded.head; link != NULL; link = link->next)
    {
      DecodedImage *decoded = link->data;

      if (g_str_equal (decoded->hash, hash))
        {
          decoded_image_free (decoded);
          g_queue_delete_link (&self->decoded, link);
          break;
        }
    }
}

static void
trim_decoded (ChiaroImageStore *self)
{
  while (self->decoded.length > self->decode_cache_size)
    decoded_image_free (g_queue_pop_tail (&self->decoded));
}

/* Returns: (transfer full) (nullable): the cached decode, now the most recently used */
static GdkPixbuf *
lookup_decoded (ChiaroImageStore *self,
                const char       *hash)
{
  GdkPixbuf *pixbuf = NULL;

  g_mutex_lock (&self->mutex);

  for (GList *link = self->decoded.head; link != NULL; link = link->next)
    {
      DecodedImage *decoded = link->data;

      if (g_str_equal (decoded->hash, hash))
        {
          pixbuf = g_object_ref (decoded->pixbuf);
          g_queue_unlink (&self->decoded, link);
          g_queue_push_head_link (&self->decoded, link);
          break;
        }
    }

  g_mutex_unlock (&self->mutex);

  return pixbuf;
}

static void
remember_decoded (ChiaroImageStore *self,
                  const char       *hash,
                  GdkPixbuf        *pixbuf)
{
  DecodedImage *decoded;

  g_mutex_lock (&self->mutex);

  /* Two decodes of one image may have run at once; keep the newer. */
  for (GList *link = self->decoded.head; link != NULL; link = link->next)
    {
      DecodedImage *old = link->data;

      if (g_str_equal (old->hash, hash))
        {
          decoded_image_free (old);
          g_queue_delete_link (&self->decoded, link);
          break;
        }
    }

  if (self->decode_cache_size > 0)
    {
      decoded = g_new0 (DecodedImage, 1);
      decoded->hash = g_strdup (hash);
      decoded->pixbuf = g_object_ref (pixbuf);
      g_queue_push_head (&self->decoded, decoded);
      trim_decoded (self);
    }

  g_mutex_unlock (&self->mutex);
}

static void
set_read_error (GError     **error,
                const char  *path,
                const char  *detail)
{
  /* Translators: %s is a file path, then the system's own message */
  g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO,
               _("“%s” could not be read (%s)."), path, detail);
}

static void
set_missing_error (GError     **error,
                   const char  *path)
{
  g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE,
               /* Translators: %s is a file path */
               _("The image file “%s” is missing from the project. It may have been deleted "
                 "outside Chiaro."),
               path);
}

static void
chiaro_image_store_finalize (GObject *object)
{
  ChiaroImageStore *self = (ChiaroImageStore *) object;

  g_clear_object (&self->dir);
  g_clear_pointer (&self->images_path, g_free);
  g_clear_pointer (&self->thumbs_path, g_free);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->added, g_hash_table_unref);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_queue_clear_full (&self->decoded, (GDestroyNotify) decoded_image_free);
  g_mutex_clear (&self->mutex);
  g_mutex_clear (&self->write_mutex);

  G_OBJECT_CLASS (chiaro_image_store_parent_class)->finalize (object);
}

static void
chiaro_image_store_class_init (ChiaroImageStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chiaro_image_store_finalize;
}

static void
chiaro_image_store_init (ChiaroImageStore *self)
{
  g_mutex_init (&self->mutex);
  g_mutex_init (&self->write_mutex);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) pending_image_free);
  self->added = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_queue_init (&self->decoded);
  self->decode_cache_size = CHIARO_IMAGE_STORE_DEFAULT_DECODE_CACHE;
}

/**
 * chiaro_image_store_new:
 * @dir: the project folder; `images/` and `thumbs/` are made inside it when first needed
 *
 * Does no I/O.
 *
 * Returns: (transfer full): a new store
 */
ChiaroImageStore *
chiaro_image_store_new (GFile *dir)
{
  ChiaroImageStore *self;
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (dir), NULL);

  path = g_file_get_path (dir);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (CHIARO_TYPE_IMAGE_STORE, NULL);
  self->dir = g_object_ref (dir);
  self->images_path = g_build_filename (path, "images", NULL);
  self->thumbs_path = g_build_filename (path, "thumbs", NULL);

  return self;
}

/**
 * chiaro_image_store_get_dir:
 * @self: a #ChiaroImageStore
 *
 * Returns: (transfer none): the project folder
 */
GFile *
chiaro_image_store_get_dir (ChiaroImageStore *self)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), NULL);

  return self->dir;
}

/**
 * chiaro_image_store_get_file:
 * @self: a #ChiaroImageStore
 * @hash: an image's hash
 * @mime_type: (nullable): the type of its bytes, which gives the extension
 *
 * Returns: (transfer full): `images/<hash>.<ext>`, where the image is or will be stored
 */
GFile *
chiaro_image_store_get_file (ChiaroImageStore *self,
                             const char       *hash,
                             const char       *mime_type)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (chiaro_stored_content_hash_is_valid (hash), NULL);

  path = image_path (self, hash, mime_type);
  return g_file_new_for_path (path);
}

/**
 * chiaro_image_store_add:
 * @self: a #ChiaroImageStore
 * @bytes: an image file's bytes, exactly as received or opened
 * @mime_type: (nullable): the type to use when the bytes are no format Chiaro recognises
 * @mime_type_out: (out) (optional) (nullable): the type the file is stored as, a static
 *   string
 * @write_error: a location for a #GError telling why the bytes could not be written yet
 *
 * Stores @bytes under their hash, writing them unless an identical file is there already.
 * When the write fails (a full disk, a read-only folder) the bytes are kept in memory,
 * @write_error says why, and chiaro_image_store_flush() tries again: the hash is returned in
 * every case, and chiaro_image_store_load() finds the bytes. Blocks: call it on a worker.
 *
 * Returns: (transfer full): the hash of @bytes
 */
char *
chiaro_image_store_add (ChiaroImageStore  *self,
                        GBytes            *bytes,
                        const char        *mime_type,
                        const char       **mime_type_out,
                        GError           **write_error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *hash = NULL;
  const char *stored_type;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (write_error == NULL || *write_error == NULL, NULL);

  hash = chiaro_stored_content_hash (bytes);
  stored_type = chiaro_mime_sniff_bytes (bytes);
  if (stored_type == NULL && mime_type != NULL)
    stored_type = g_intern_string (mime_type);

  if (mime_type_out != NULL)
    *mime_type_out = stored_type;

  g_mutex_lock (&self->mutex);
  g_hash_table_add (self->added, g_strdup (hash));
  g_mutex_unlock (&self->mutex);

  if (!write_image (self, hash, stored_type, bytes, &local_error))
    {
      keep_pending (self, hash, stored_type, bytes);
      g_propagate_error (write_error, g_steal_pointer (&local_error));
    }
  else
    {
      /* A copy kept by an earlier failure is on disk now. */
      g_mutex_lock (&self->mutex);
      g_hash_table_remove (self->pending, hash);
      g_mutex_unlock (&self->mutex);
    }

  return g_steal_pointer (&hash);
}

/**
 * chiaro_image_store_has_pending:
 * @self: a #ChiaroImageStore
 *
 * Returns: whether images are waiting in memory for the disk
 */
gboolean
chiaro_image_store_has_pending (ChiaroImageStore *self)
{
  gboolean has_pending;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), FALSE);

  g_mutex_lock (&self->mutex);
  has_pending = g_hash_table_size (self->pending) > 0;
  g_mutex_unlock (&self->mutex);

  return has_pending;
}

/**
 * chiaro_image_store_flush:
 * @self: a #ChiaroImageStore
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Writes every image kept in memory by a failed chiaro_image_store_add(). Images that still
 * cannot be written stay in memory. Blocks: call it on a worker.
 *
 * Returns: %TRUE when no image is left pending
 */
gboolean
chiaro_image_store_flush (ChiaroImageStore  *self,
                          GCancellable      *cancellable,
                          GError           **error)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Another thread may add a pending image while this one writes: go round until none is
   * left or a write fails. */
  for (;;)
    {
      g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
      GHashTableIter iter;
      gpointer key;

      g_mutex_lock (&self->mutex);
      g_hash_table_iter_init (&iter, self->pending);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (hashes, g_strdup (key));
      g_mutex_unlock (&self->mutex);

      if (hashes->len == 0)
        return TRUE;

      for (guint i = 0; i < hashes->len; i++)
        {
          const char *hash = hashes->pdata[i];
          g_autoptr(GBytes) bytes = NULL;
          const char *mime_type = NULL;
          PendingImage *pending;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;

          g_mutex_lock (&self->mutex);
          if ((pending = g_hash_table_lookup (self->pending, hash)))
            {
              bytes = g_bytes_ref (pending->bytes);
              mime_type = pending->mime_type;
            }
          g_mutex_unlock (&self->mutex);

          /* Removed meanwhile. */
          if (bytes == NULL)
            continue;

          if (!write_image (self, hash, mime_type, bytes, error))
            return FALSE;

          g_mutex_lock (&self->mutex);
          g_hash_table_remove (self->pending, hash);
          g_mutex_unlock (&self->mutex);
        }
    }
}

/**
 * chiaro_image_store_contains:
 * @self: a #ChiaroImageStore
 * @hash: an image's hash
 * @mime_type: (nullable): the type of its bytes
 *
 * Returns: whether the image's file is on disk (an image pending in memory is not)
 */
gboolean
chiaro_image_store_contains (ChiaroImageStore *self,
                             const char       *hash,
                             const char       *mime_type)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);

  if (!chiaro_stored_content_hash_is_valid (hash))
    return FALSE;

  path = find_image_path (self, hash, mime_type);
  return path != NULL;
}

/**
 * chiaro_image_store_load:
 * @self: a #ChiaroImageStore
 * @hash: an image's hash
 * @mime_type: (nullable): the type of its bytes
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Reads an image: from memory when it is pending, else from its file, whose bytes must
 * still have @hash. Blocks: call it on a worker.
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set:
 *   %CHIARO_PROJECT_ERROR_MISSING_IMAGE when the file is gone or its bytes changed,
 *   %CHIARO_PROJECT_ERROR_IO when it cannot be read
 */
GBytes *
chiaro_image_store_load (ChiaroImageStore  *self,
                         const char        *hash,
                         const char        *mime_type,
                         GCancellable      *cancellable,
                         GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *actual_hash = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *contents = NULL;
  gsize size = 0;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (hash != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if ((bytes = dup_pending_bytes (self, hash)))
    return g_steal_pointer (&bytes);

  if (!chiaro_stored_content_hash_is_valid (hash) ||
      !(path = find_image_path (self, hash, mime_type)))
    {
      g_autofree char *expected = chiaro_stored_content_hash_is_valid (hash)
                                  ? image_path (self, hash, mime_type)
                                  : g_build_filename (self->images_path, hash, NULL);

      set_missing_error (error, expected);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &size, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        set_missing_error (error, path);
      else
        set_read_error (error, path, local_error->message);
      return NULL;
    }

  bytes = g_bytes_new_take (contents, size);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  actual_hash = chiaro_stored_content_hash (bytes);
  if (!g_str_equal (actual_hash, hash))
    {
      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE,
                   /* Translators: %s is a file path */
                   _("The image file “%s” has been changed or damaged since it was saved."),
                   path);
      return NULL;
    }

  return g_steal_pointer (&bytes);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ChiaroImageStore *self = source_object;
  ImageTaskData *data = task_data;
  GError *error = NULL;
  GBytes *bytes;

  if ((bytes = chiaro_image_store_load (self, data->hash, data->mime_type, cancellable, &error)))
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_error (task, error);
}

/**
 * chiaro_image_store_load_async:
 * @self: a #ChiaroImageStore
 * @hash: an image's hash
 * @mime_type: (nullable): the type of its bytes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the bytes
 * @user_data: data for @callback
 *
 * Reads an image on a worker, like chiaro_image_store_load().
 */
void
chiaro_image_store_load_async (ChiaroImageStore    *self,
                               const char          *hash,
                               const char          *mime_type,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CHIARO_IS_IMAGE_STORE (self));
  g_return_if_fail (hash != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_image_task (self, hash, mime_type, chiaro_image_store_load_async,
                         "[chiaro] load image", cancellable, callback, user_data);
  g_task_run_in_thread (task, load_thread);
}

/**
 * chiaro_image_store_load_finish:
 * @self: a #ChiaroImageStore
 * @result: the #GAsyncResult given to the callback
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 */
GBytes *
chiaro_image_store_load_finish (ChiaroImageStore  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == chiaro_image_store_load_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * chiaro_image_store_fill_content:
 * @self: a #ChiaroImageStore
 * @stored: a stored content: image parts without bytes (see chiaro-stored-content.h)
 * @hashes: (array zero-terminated=1): the hash of each image part, in order
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Makes the content to send again from a stored one: every image part gets its bytes from
 * the store, everything else (label, thought flag and signature, unknown members, the other
 * parts) is kept. Blocks: call it on a worker.
 *
 * Returns: (transfer full): the filled copy, or %NULL with @error set
 *   (%CHIARO_PROJECT_ERROR_MISSING_IMAGE, %CHIARO_PROJECT_ERROR_CORRUPT when @hashes are
 *   fewer than the image parts)
 */
ChiaroContent *
chiaro_image_store_fill_content (ChiaroImageStore    *self,
                                 ChiaroContent       *stored,
                                 const char * const  *hashes,
                                 GCancellable        *cancellable,
                                 GError             **error)
{
  g_autoptr(ChiaroContent) content = NULL;
  guint n_images = 0;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (stored != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  content = chiaro_content_new (stored->role);
  content->model = g_strdup (stored->model);

  for (guint i = 0; i < stored->parts->len; i++)
    {
      ChiaroPart *part = g_ptr_array_index (stored->parts, i);
      g_autoptr(ChiaroPart) filled = NULL;
      g_autoptr(GBytes) bytes = NULL;
      const char *hash;

      if (part->kind != CHIARO_PART_IMAGE)
        {
          chiaro_content_add_part (content, part);
          continue;
        }

      hash = hashes != NULL ? hashes[n_images] : NULL;
      n_images++;

      if (part->data != NULL)
        {
          chiaro_content_add_part (content, part);
          continue;
        }

      if (hash == NULL)
        {
          g_set_error_literal (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
                               _("A saved conversation turn names fewer images than it "
                                 "holds."));
          return NULL;
        }

      if (!(bytes = chiaro_image_store_load (self, hash, part->mime_type, cancellable, error)))
        return NULL;

      filled = chiaro_part_new_image (bytes, part->mime_type);
      filled->thought = part->thought;
      filled->thought_signature = g_strdup (part->thought_signature);
      filled->extra = part->extra != NULL ? json_object_ref (part->extra) : NULL;
      chiaro_content_add_part (content, filled);
    }

  return g_steal_pointer (&content);
}

static ChiaroImage *
load_image (ChiaroImageStore  *self,
            const char        *hash,
            const char        *mime_type,
            GCancellable      *cancellable,
            GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;

  if (!(bytes = chiaro_image_store_load (self, hash, mime_type, cancellable, error)))
    return NULL;

  path = image_path (self, hash, mime_type);
  name = g_path_get_basename (path);
  return chiaro_image_new_from_bytes (bytes, name, error);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ChiaroImageStore *self = source_object;
  ImageTaskData *data = task_data;
  g_autoptr(ChiaroImage) image = NULL;
  GdkPixbuf *pixbuf = NULL;
  GError *error = NULL;

  if (!(image = load_image (self, data->hash, data->mime_type, cancellable, &error)) ||
      !(pixbuf = chiaro_image_decode (image, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  remember_decoded (self, data->hash, pixbuf);
  g_task_return_pointer (task, pixbuf, g_object_unref);
}

/**
 * chiaro_image_store_decode_async:
 * @self: a #ChiaroImageStore
 * @hash: an image's hash
 * @mime_type: (nullable): the type of its bytes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the pixels
 * @user_data: data for @callback
 *
 * Decodes the full image, upright (EXIF orientation applied), on a worker. The last few
 * decodes are kept (see chiaro_image_store_set_decode_cache_size()); one of them is returned
 * without decoding again.
 */
void
chiaro_image_store_decode_async (ChiaroImageStore    *self,
                                 const char          *hash,
                                 const char          *mime_type,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GdkPixbuf *cached;

  g_return_if_fail (CHIARO_IS_IMAGE_STORE (self));
  g_return_if_fail (hash != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_image_task (self, hash, mime_type, chiaro_image_store_decode_async,
                         "[chiaro] decode stored image", cancellable, callback, user_data);

  if ((cached = lookup_decoded (self, hash)))
    {
      g_task_return_pointer (task, cached, g_object_unref);
      return;
    }

  g_task_run_in_thread (task, decode_thread);
}

/**
 * chiaro_image_store_decode_finish:
 * @self: a #ChiaroImageStore
 * @result: the #GAsyncResult given to the callback
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the upright pixels, or %NULL with @error set (in
 *   %CHIARO_PROJECT_ERROR or %CHIARO_CODEC_ERROR)
 */
GdkPixbuf *
chiaro_image_store_decode_finish (ChiaroImageStore  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        chiaro_image_store_decode_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * chiaro_image_store_set_decode_cache_size:
 * @self: a #ChiaroImageStore
 * @n_images: how many full decodes to keep; 0 keeps none
 *
 * Full images are large (a 4K image is 64 MB of pixels), so only the most recently used are
 * kept. The default is %CHIARO_IMAGE_STORE_DEFAULT_DECODE_CACHE.
 */
void
chiaro_image_store_set_decode_cache_size (ChiaroImageStore *self,
                                          guint             n_images)
{
  g_return_if_fail (CHIARO_IS_IMAGE_STORE (self));

  g_mutex_lock (&self->mutex);
  self->decode_cache_size = n_images;
  trim_decoded (self);
  g_mutex_unlock (&self->mutex);
}

/**
 * chiaro_image_store_get_n_decoded_cached:
 * @self: a #ChiaroImageStore
 *
 * Returns: how many full decodes are kept now
 */
guint
chiaro_image_store_get_n_decoded_cached (ChiaroImageStore *self)
{
  guint n;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->decoded.length;
  g_mutex_unlock (&self->mutex);

  return n;
}

/* The size chiaro_image_decode_scaled() gives for a thumbnail of @width × @height. */
static void
thumbnail_size (int  width,
                int  height,
                int *out_width,
                int *out_height)
{
  if (width >= height && width > CHIARO_THUMBNAIL_SIZE)
    {
      height = MAX (1, (int) ((gint64) height * CHIARO_THUMBNAIL_SIZE / width));
      width = CHIARO_THUMBNAIL_SIZE;
    }
  else if (height > width && height > CHIARO_THUMBNAIL_SIZE)
    {
      width = MAX (1, (int) ((gint64) width * CHIARO_THUMBNAIL_SIZE / height));
      height = CHIARO_THUMBNAIL_SIZE;
    }
  *out_width = width;
  *out_height = height;
}

/**
 * chiaro_image_store_add_decoded:
 * @self: a #ChiaroImageStore
 * @hash: the hash of an image added to the store
 * @pixbuf: its full decode, upright (what chiaro_image_decode() gives)
 *
 * Keeps @pixbuf as if chiaro_image_store_decode_async() had just decoded @hash, so that
 * showing the image needs no decoding again, and a thumbnail asked for while it is kept is
 * scaled down from it rather than decoded from the file. For an image that was decoded
 * anyway, such as an answer about to be shown. Nothing is kept when the decode cache is off.
 */
void
chiaro_image_store_add_decoded (ChiaroImageStore *self,
                                const char       *hash,
                                GdkPixbuf        *pixbuf)
{
  g_return_if_fail (CHIARO_IS_IMAGE_STORE (self));
  g_return_if_fail (chiaro_stored_content_hash_is_valid (hash));
  g_return_if_fail (GDK_IS_PIXBUF (pixbuf));

  remember_decoded (self, hash, pixbuf);
}

/* A thumbnail scaled from the kept full decode of @hash, or NULL when none is kept. */
static GdkPixbuf *
scale_decoded (ChiaroImageStore *self,
               const char       *hash)
{
  g_autoptr(GdkPixbuf) decoded = lookup_decoded (self, hash);
  int width, height;

  if (decoded == NULL)
    return NULL;

  thumbnail_size (gdk_pixbuf_get_width (decoded), gdk_pixbuf_get_height (decoded),
                  &width, &height);
  if (width == gdk_pixbuf_get_width (decoded) && height == gdk_pixbuf_get_height (decoded))
    return g_steal_pointer (&decoded);
  return gdk_pixbuf_scale_simple (decoded, width, height, GDK_INTERP_BILINEAR);
}

/* A thumbnail written earlier, or NULL when there is none or it is not a sound one. */
static GdkPixbuf *
read_thumbnail (ChiaroImageStore *self,
                const char       *hash,
                GCancellable     *cancellable)
{
  g_autofree char *path = thumbnail_path (self, hash);
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize size = 0;
  GBytes *bytes;

  if (!g_file_get_contents (path, &contents, &size, NULL))
    return NULL;

  bytes = g_bytes_new_take (contents, size);
  image = chiaro_image_new_from_bytes (bytes, NULL, &error);
  g_bytes_unref (bytes);

  if (image == NULL || g_strcmp0 (chiaro_image_get_mime_type (image), "image/png") != 0 ||
      !(pixbuf = chiaro_image_decode (image, cancellable, &error)) ||
      gdk_pixbuf_get_width (pixbuf) > CHIARO_THUMBNAIL_SIZE ||
      gdk_pixbuf_get_height (pixbuf) > CHIARO_THUMBNAIL_SIZE)
    {
      g_debug ("thumbnail of %s unusable, making it again: %s",
               hash, error != NULL ? error->message : "too large");
      return NULL;
    }

  return g_steal_pointer (&pixbuf);
}

/* Thumbnails can always be made again, so a failed write is only traced. */
static void
write_thumbnail (ChiaroImageStore *self,
                 const char       *hash,
                 GdkPixbuf        *pixbuf)
{
  g_autofree char *path = thumbnail_path (self, hash);
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = NULL;
  gsize size = 0;
  gboolean ok;

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL))
    {
      g_debug ("thumbnail of %s not encoded: %s", hash, error->message);
      return;
    }

  g_mutex_lock (&self->write_mutex);
  ok = chiaro_file_make_private_dir (self->thumbs_path, &error) &&
       chiaro_file_write_atomic (path, buffer, size, &error);
  g_mutex_unlock (&self->write_mutex);

  if (!ok)
    g_debug ("thumbnail of %s not written: %s", hash, error->message);
}

static void
thumbnail_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ChiaroImageStore *self = source_object;
  ImageTaskData *data = task_data;
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GdkPixbuf *kept;
  GError *error = NULL;

  if (!(pixbuf = read_thumbnail (self, data->hash, cancellable)))
    {
      if (!(pixbuf = scale_decoded (self, data->hash)) &&
          (!(image = load_image (self, data->hash, data->mime_type, cancellable, &error)) ||
           !(pixbuf = chiaro_image_decode_scaled (image, CHIARO_THUMBNAIL_SIZE, cancellable,
                                                  &error))))
        {
          g_task_return_error (task, error);
          return;
        }

      write_thumbnail (self, data->hash, pixbuf);
    }

  /* Another worker may have made the same thumbnail meanwhile: everyone gets the first. */
  g_mutex_lock (&self->mutex);
  if (!(kept = g_hash_table_lookup (self->thumbnails, data->hash)))
    {
      kept = pixbuf;
      g_hash_table_insert (self->thumbnails, g_strdup (data->hash), g_object_ref (pixbuf));
    }
  g_object_ref (kept);
  g_mutex_unlock (&self->mutex);

  g_task_return_pointer (task, kept, g_object_unref);
}

/**
 * chiaro_image_store_thumbnail_async:
 * @self: a #ChiaroImageStore
 * @hash: an image's hash
 * @mime_type: (nullable): the type of its bytes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the thumbnail
 * @user_data: data for @callback
 *
 * Gets a thumbnail, upright, its long side at most %CHIARO_THUMBNAIL_SIZE and never
 * enlarged: from memory, else from `thumbs/`, else made on a worker and written to `thumbs/`
 * (failing to write it is not an error). Thumbnails stay in memory for the life of the store.
 */
void
chiaro_image_store_thumbnail_async (ChiaroImageStore    *self,
                                    const char          *hash,
                                    const char          *mime_type,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GdkPixbuf *cached;

  g_return_if_fail (CHIARO_IS_IMAGE_STORE (self));
  g_return_if_fail (hash != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_image_task (self, hash, mime_type, chiaro_image_store_thumbnail_async,
                         "[chiaro] make thumbnail", cancellable, callback, user_data);

  if ((cached = chiaro_image_store_peek_thumbnail (self, hash)))
    {
      g_task_return_pointer (task, g_object_ref (cached), g_object_unref);
      return;
    }

  g_task_run_in_thread (task, thumbnail_thread);
}

/**
 * chiaro_image_store_thumbnail_finish:
 * @self: a #ChiaroImageStore
 * @result: the #GAsyncResult given to the callback
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the thumbnail, or %NULL with @error set
 */
GdkPixbuf *
chiaro_image_store_thumbnail_finish (ChiaroImageStore  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        chiaro_image_store_thumbnail_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * chiaro_image_store_add_thumbnail:
 * @self: a #ChiaroImageStore
 * @hash: the hash of an image added to the store
 * @thumbnail: its thumbnail, upright, as chiaro_image_decode_scaled() gives it for
 *   %CHIARO_THUMBNAIL_SIZE
 *
 * Keeps @thumbnail as if chiaro_image_store_thumbnail_async() had made it, and writes it to
 * thumbs/ (a failed write is not an error), for an image that was decoded at that size
 * anyway, such as a reference checked when it is added. A thumbnail already kept stays.
 * This writes a file: call it on a worker thread.
 */
void
chiaro_image_store_add_thumbnail (ChiaroImageStore *self,
                                  const char       *hash,
                                  GdkPixbuf        *thumbnail)
{
  gboolean added = FALSE;

  g_return_if_fail (CHIARO_IS_IMAGE_STORE (self));
  g_return_if_fail (chiaro_stored_content_hash_is_valid (hash));
  g_return_if_fail (GDK_IS_PIXBUF (thumbnail));
  g_return_if_fail (gdk_pixbuf_get_width (thumbnail) <= CHIARO_THUMBNAIL_SIZE &&
                    gdk_pixbuf_get_height (thumbnail) <= CHIARO_THUMBNAIL_SIZE);

  g_mutex_lock (&self->mutex);
  if (!g_hash_table_contains (self->thumbnails, hash))
    {
      g_hash_table_insert (self->thumbnails, g_strdup (hash), g_object_ref (thumbnail));
      added = TRUE;
    }
  g_mutex_unlock (&self->mutex);

  if (added)
    write_thumbnail (self, hash, thumbnail);
}

/**
 * chiaro_image_store_peek_thumbnail:
 * @self: a #ChiaroImageStore
 * @hash: an image's hash
 *
 * Does no I/O, so the main thread may call it.
 *
 * Returns: (transfer none) (nullable): the thumbnail when it is in memory
 */
GdkPixbuf *
chiaro_image_store_peek_thumbnail (ChiaroImageStore *self,
                                   const char       *hash)
{
  GdkPixbuf *pixbuf;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), NULL);
  g_return_val_if_fail (hash != NULL, NULL);

  /* Thumbnails are never dropped from the table while the store lives, except by remove()
   * and collect_orphans(), which callers only use for images no longer shown. */
  g_mutex_lock (&self->mutex);
  pixbuf = g_hash_table_lookup (self->thumbnails, hash);
  g_mutex_unlock (&self->mutex);

  return pixbuf;
}

static gboolean
delete_file (const char  *path,
             GError     **error)
{
  int saved;

  if (g_unlink (path) == 0 || errno == ENOENT)
    return TRUE;

  saved = errno;
  g_set_error (error, CHIARO_PROJECT_ERROR,
               saved == EACCES || saved == EPERM || saved == EROFS
               ? CHIARO_PROJECT_ERROR_READ_ONLY : CHIARO_PROJECT_ERROR_IO,
               /* Translators: %s is a file path, then the system's own message */
               _("“%s” could not be deleted (%s)."),
               path, g_strerror (saved));
  return FALSE;
}

/**
 * chiaro_image_store_remove:
 * @self: a #ChiaroImageStore
 * @hash: an image's hash
 * @mime_type: (nullable): the type of its bytes
 * @error: a location for a #GError
 *
 * Deletes the image's file, its thumbnail, and a copy pending in memory: only for an image
 * nothing references any more. A file already gone is not an error. Blocks: call it on a
 * worker.
 *
 * Returns: whether the image is gone (%CHIARO_PROJECT_ERROR_READ_ONLY, _IO otherwise)
 */
gboolean
chiaro_image_store_remove (ChiaroImageStore  *self,
                           const char        *hash,
                           const char        *mime_type,
                           GError           **error)
{
  g_autofree char *thumb = NULL;
  gboolean ok = TRUE;
  char *path;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), FALSE);
  g_return_val_if_fail (chiaro_stored_content_hash_is_valid (hash), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->write_mutex);

  g_mutex_lock (&self->mutex);
  g_hash_table_remove (self->pending, hash);
  g_hash_table_remove (self->added, hash);
  forget_cached (self, hash);
  g_mutex_unlock (&self->mutex);

  /* Every file of that hash, whatever its extension. */
  while (ok && (path = find_image_path (self, hash, mime_type)))
    {
      ok = delete_file (path, error);
      g_free (path);
    }

  thumb = thumbnail_path (self, hash);
  ok = ok && delete_file (thumb, error);

  g_mutex_unlock (&self->write_mutex);

  return ok;
}

/* Deletes the orphans of one folder; -1 on error. */
static int
collect_folder (ChiaroImageStore  *self,
                const char        *folder,
                GHashTable        *keep,
                GHashTable        *protected,
                GCancellable      *cancellable,
                GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int n_deleted = 0;

  if (!(dir = g_dir_open (folder, 0, &local_error)))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return 0;
      set_read_error (error, folder, local_error->message);
      return -1;
    }

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *hash = NULL;
      g_autofree char *path = NULL;
      GStatBuf st;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;

      path = g_build_filename (folder, name, NULL);
      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;

      /* A temporary file is only left by a write that never finished: every write of this
       * process holds write_mutex, and no other process writes this project. */
      if (!chiaro_file_is_temp_name (name))
        {
          if (!(hash = hash_from_file_name (name)) ||
              (keep != NULL && g_hash_table_contains (keep, hash)) ||
              g_hash_table_contains (protected, hash))
            continue;
        }

      if (g_unlink (path) != 0)
        {
          g_debug ("orphan %s not deleted: %s", name, g_strerror (errno));
          continue;
        }

      g_debug ("deleted orphan %s", name);
      n_deleted++;

      if (hash != NULL)
        {
          g_mutex_lock (&self->mutex);
          forget_cached (self, hash);
          g_mutex_unlock (&self->mutex);
        }
    }

  return n_deleted;
}

/**
 * chiaro_image_store_collect_orphans:
 * @self: a #ChiaroImageStore
 * @keep: (nullable) (element-type utf8 utf8): a set of the hashes the project names
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Deletes the files of `images/` and `thumbs/` named `<hash>.<ext>` whose hash is not in
 * @keep, and temporary files left by writes that never finished. When unsure it keeps the
 * file: other names, folders, links, and the images added or kept pending through this store
 * (they may belong to a send whose entry is not saved yet) all stay. Call it only after the
 * project's state has been read, on a worker.
 *
 * Returns: how many files were deleted, or -1 with @error set (cancelled, or the folder could
 *   not be read)
 */
int
chiaro_image_store_collect_orphans (ChiaroImageStore  *self,
                                    GHashTable        *keep,
                                    GCancellable      *cancellable,
                                    GError           **error)
{
  g_autoptr(GHashTable) protected = NULL;
  GHashTableIter iter;
  gpointer key;
  int n_images;
  int n_thumbs = 0;

  g_return_val_if_fail (CHIARO_IS_IMAGE_STORE (self), -1);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  g_mutex_lock (&self->write_mutex);

  protected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_lock (&self->mutex);
  g_hash_table_iter_init (&iter, self->added);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (protected, g_strdup (key));
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (protected, g_strdup (key));
  g_mutex_unlock (&self->mutex);

  n_images = collect_folder (self, self->images_path, keep, protected, cancellable, error);
  if (n_images >= 0)
    n_thumbs = collect_folder (self, self->thumbs_path, keep, protected, cancellable, error);

  g_mutex_unlock (&self->write_mutex);

  if (n_images < 0 || n_thumbs < 0)
    return -1;

  return n_images + n_thumbs;
}
