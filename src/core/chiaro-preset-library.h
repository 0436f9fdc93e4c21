/* chiaro-preset-library.h — built-in presets and the user's own saved prompts
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of ChiaroPreset: the built-ins (from the core's resources, in their order),
 * then the user's presets (category "mine", in the order they were added). The user's are
 * stored in $XDG_DATA_HOME/chiaro/presets.json (or the file given to _new):
 *
 *   { "version": 1, "presets": [ { "id", "name", "prompt", "aspect_ratio"?, "image_size"? } ] }
 *
 * Loading and saving run on workers. Saving is atomic (temporary file, rename), mode 0600,
 * and saves the state at the call. A file that cannot be read as presets is moved aside
 * (presets.json.unreadable-<time>, see get_set_aside), never overwritten, and load_finish
 * reports CHIARO_PRESET_ERROR_CORRUPT; the library then holds the built-ins only and saves
 * work again. add, rename and remove change the list at once; call save_async after them.
 */

#pragma once

#include <gio/gio.h>

#include "chiaro-preset.h"

G_BEGIN_DECLS

#define CHIARO_PRESET_ERROR (chiaro_preset_error_quark ())

typedef enum
{
  CHIARO_PRESET_ERROR_BUILTIN,   /* built-in presets cannot be renamed or removed */
  CHIARO_PRESET_ERROR_INVALID,   /* an empty name or prompt, or a preset not in this library */
  CHIARO_PRESET_ERROR_CORRUPT,   /* presets.json is not a presets file (it was set aside) */
  CHIARO_PRESET_ERROR_IO,        /* reading or writing failed */
} ChiaroPresetError;

#define CHIARO_TYPE_PRESET_LIBRARY (chiaro_preset_library_get_type ())

/* Properties: "file" (construct-only), "set-aside" (GFile, nullable, notifies). */
G_DECLARE_FINAL_TYPE (ChiaroPresetLibrary, chiaro_preset_library, CHIARO, PRESET_LIBRARY,
                      GObject)

GQuark               chiaro_preset_error_quark           (void);

/* @file: (nullable): where the user's presets are; NULL for $XDG_DATA_HOME/chiaro/
 * presets.json. The new library holds the built-ins only until load_async finishes. */
ChiaroPresetLibrary *chiaro_preset_library_new           (GFile                *file);
GFile               *chiaro_preset_library_get_file      (ChiaroPresetLibrary  *self);
/* The unreadable file moved aside by the last load, or NULL. */
GFile               *chiaro_preset_library_get_set_aside (ChiaroPresetLibrary  *self);

/* Reads the user's presets (a missing file is no presets, not an error) and replaces the
 * user's part of the list. */
void                 chiaro_preset_library_load_async    (ChiaroPresetLibrary  *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean             chiaro_preset_library_load_finish   (ChiaroPresetLibrary  *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);
void                 chiaro_preset_library_save_async    (ChiaroPresetLibrary  *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
gboolean             chiaro_preset_library_save_finish   (ChiaroPresetLibrary  *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

ChiaroPreset        *chiaro_preset_library_lookup        (ChiaroPresetLibrary  *self,
                                                          const char           *id);
/* A new user preset (category "mine"), appended. @aspect_ratio, @image_size: (nullable);
 * "auto" counts as none. Returns: (transfer none): the preset, or NULL with
 * CHIARO_PRESET_ERROR_INVALID for an empty name or prompt. */
ChiaroPreset        *chiaro_preset_library_add           (ChiaroPresetLibrary  *self,
                                                          const char           *name,
                                                          const char           *prompt,
                                                          const char           *aspect_ratio,
                                                          const char           *image_size,
                                                          GError              **error);
gboolean             chiaro_preset_library_rename        (ChiaroPresetLibrary  *self,
                                                          ChiaroPreset         *preset,
                                                          const char           *name,
                                                          GError              **error);
gboolean             chiaro_preset_library_remove        (ChiaroPresetLibrary  *self,
                                                          ChiaroPreset         *preset,
                                                          GError              **error);

G_END_DECLS
