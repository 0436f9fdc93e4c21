/* chiaro-image.h — an image file's bytes, format and size, decoded on demand
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* Bigger images are refused before decoding: they are decompression bombs more often than
 * photos, and a decoded 150 MP image already takes 600 MB. */
#define CHIARO_IMAGE_MAX_PIXELS    (150 * 1000 * 1000)
#define CHIARO_IMAGE_MAX_SIDE      32768
#define CHIARO_IMAGE_MAX_FILE_SIZE (256 * 1024 * 1024)

#define CHIARO_CODEC_ERROR (chiaro_codec_error_quark ())

typedef enum
{
  CHIARO_CODEC_ERROR_UNREADABLE,
  CHIARO_CODEC_ERROR_EMPTY,
  CHIARO_CODEC_ERROR_UNSUPPORTED,
  CHIARO_CODEC_ERROR_CORRUPT,
  CHIARO_CODEC_ERROR_TOO_LARGE,
} ChiaroCodecError;

#define CHIARO_TYPE_IMAGE (chiaro_image_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroImage, chiaro_image, CHIARO, IMAGE, GObject)

GQuark       chiaro_codec_error_quark         (void);
ChiaroImage *chiaro_image_new_from_bytes      (GBytes               *bytes,
                                               const char           *display_name,
                                               GError              **error);
ChiaroImage *chiaro_image_new_from_file       (GFile                *file,
                                               GCancellable         *cancellable,
                                               GError              **error);
void         chiaro_image_load_file_async     (GFile                *file,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
ChiaroImage *chiaro_image_load_file_finish    (GAsyncResult         *result,
                                               GError              **error);
GBytes      *chiaro_image_get_bytes           (ChiaroImage          *self);
const char  *chiaro_image_get_mime_type       (ChiaroImage          *self);
const char  *chiaro_image_get_display_name    (ChiaroImage          *self);
char        *chiaro_image_strip_extension     (const char           *file_name);
int          chiaro_image_get_width           (ChiaroImage          *self);
int          chiaro_image_get_height          (ChiaroImage          *self);
guint        chiaro_image_get_orientation     (ChiaroImage          *self);
GdkPixbuf   *chiaro_image_decode              (ChiaroImage          *self,
                                               GCancellable         *cancellable,
                                               GError              **error);
GdkPixbuf   *chiaro_image_decode_scaled       (ChiaroImage          *self,
                                               int                   max_long_side,
                                               GCancellable         *cancellable,
                                               GError              **error);
void         chiaro_image_decode_async        (ChiaroImage          *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GdkPixbuf   *chiaro_image_decode_finish       (ChiaroImage          *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
