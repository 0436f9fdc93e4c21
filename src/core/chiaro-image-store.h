/* chiaro-image-store.h — a project's images by content hash, their thumbnails and decodes
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files are `images/<sha256>.<ext>` holding the bytes exactly as received or opened, never
 * re-encoded, and `thumbs/<sha256>.png` (≤ 256 px). Writes go to a temporary file in the same
 * folder, are flushed to disk, then renamed, with mode 0600. Every function is thread-safe;
 * the synchronous ones do I/O and belong on worker threads.
 *
 * Nothing is ever lost to a failed write: chiaro_image_store_add always takes the bytes, and
 * when the disk refuses them (full, read-only) keeps them in memory as pending, reports the
 * error, and writes them on the next chiaro_image_store_flush.
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

#include "chiaro-content.h"

G_BEGIN_DECLS

#define CHIARO_THUMBNAIL_SIZE 256
#define CHIARO_IMAGE_STORE_DEFAULT_DECODE_CACHE 3

#define CHIARO_TYPE_IMAGE_STORE (chiaro_image_store_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroImageStore, chiaro_image_store, CHIARO, IMAGE_STORE, GObject)

/* @dir: the project folder; images/ and thumbs/ are made inside it when first needed. */
ChiaroImageStore *chiaro_image_store_new              (GFile            *dir);
GFile            *chiaro_image_store_get_dir          (ChiaroImageStore *self);
/* The file an image is (or will be) stored in. */
GFile            *chiaro_image_store_get_file         (ChiaroImageStore *self,
                                                       const char       *hash,
                                                       const char       *mime_type);

/* Stores @bytes (sniffed; @mime_type is only used when sniffing fails) and returns their
 * hash. Already stored bytes are not written again. When the write fails the bytes stay
 * pending in memory and @write_error says why (CHIARO_PROJECT_ERROR_NO_SPACE, _READ_ONLY,
 * _IO); the hash is returned all the same. @mime_type_out: (out) (optional) static string. */
char             *chiaro_image_store_add              (ChiaroImageStore *self,
                                                       GBytes           *bytes,
                                                       const char       *mime_type,
                                                       const char      **mime_type_out,
                                                       GError          **write_error);
gboolean          chiaro_image_store_has_pending      (ChiaroImageStore *self);
/* Writes every pending image. TRUE when none is left pending. */
gboolean          chiaro_image_store_flush            (ChiaroImageStore *self,
                                                       GCancellable     *cancellable,
                                                       GError          **error);
/* TRUE when the file is on disk (pending images are not). */
gboolean          chiaro_image_store_contains         (ChiaroImageStore *self,
                                                       const char       *hash,
                                                       const char       *mime_type);

/* The bytes, from memory when pending, else from disk, checked against @hash
 * (CHIARO_PROJECT_ERROR_MISSING_IMAGE when gone or changed). */
GBytes           *chiaro_image_store_load             (ChiaroImageStore *self,
                                                       const char       *hash,
                                                       const char       *mime_type,
                                                       GCancellable     *cancellable,
                                                       GError          **error);
void              chiaro_image_store_load_async       (ChiaroImageStore *self,
                                                       const char       *hash,
                                                       const char       *mime_type,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
GBytes           *chiaro_image_store_load_finish      (ChiaroImageStore *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);

/* Copies @stored (see chiaro-stored-content.h) with every image part's bytes loaded. */
ChiaroContent    *chiaro_image_store_fill_content     (ChiaroImageStore *self,
                                                       ChiaroContent    *stored,
                                                       const char * const *hashes,
                                                       GCancellable     *cancellable,
                                                       GError          **error);

/* The full image, upright, decoded on a worker; the last few decodes are kept (LRU). */
void              chiaro_image_store_decode_async     (ChiaroImageStore *self,
                                                       const char       *hash,
                                                       const char       *mime_type,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
GdkPixbuf        *chiaro_image_store_decode_finish    (ChiaroImageStore *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);
void              chiaro_image_store_set_decode_cache_size (ChiaroImageStore *self,
                                                            guint          n_images);
guint             chiaro_image_store_get_n_decoded_cached  (ChiaroImageStore *self);

/* Keeps @pixbuf, the full decode of @hash, as decode_async() would; a thumbnail asked for
 * meanwhile is scaled from it. */
void              chiaro_image_store_add_decoded      (ChiaroImageStore *self,
                                                       const char       *hash,
                                                       GdkPixbuf        *pixbuf);

/* A thumbnail (long side ≤ CHIARO_THUMBNAIL_SIZE, never enlarged), from memory, else
 * thumbs/, else made on a worker and written to thumbs/ (a failed write is not an error).
 * Thumbnails stay in memory for the life of the store. */
void              chiaro_image_store_thumbnail_async  (ChiaroImageStore *self,
                                                       const char       *hash,
                                                       const char       *mime_type,
                                                       GCancellable     *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer          user_data);
GdkPixbuf        *chiaro_image_store_thumbnail_finish (ChiaroImageStore *self,
                                                       GAsyncResult     *result,
                                                       GError          **error);
/* Keeps @thumbnail (made by the caller at CHIARO_THUMBNAIL_SIZE) and writes it to thumbs/;
 * blocks, for workers. */
void              chiaro_image_store_add_thumbnail    (ChiaroImageStore *self,
                                                       const char       *hash,
                                                       GdkPixbuf        *thumbnail);
/* Returns: (transfer none) (nullable): the thumbnail when it is in memory */
GdkPixbuf        *chiaro_image_store_peek_thumbnail   (ChiaroImageStore *self,
                                                       const char       *hash);

/* Deletes the image and its thumbnail (and forgets a pending copy). */
gboolean          chiaro_image_store_remove           (ChiaroImageStore *self,
                                                       const char       *hash,
                                                       const char       *mime_type,
                                                       GError          **error);
/* Deletes files in images/ and thumbs/ whose hash is not in @keep (a set of hashes), and
 * leftover temporary files. Files whose name is not a hash are kept. Returns how many files
 * went, or -1 with @error. */
int               chiaro_image_store_collect_orphans  (ChiaroImageStore *self,
                                                       GHashTable       *keep,
                                                       GCancellable     *cancellable,
                                                       GError          **error);

G_END_DECLS
