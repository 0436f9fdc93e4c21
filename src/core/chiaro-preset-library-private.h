/* chiaro-preset-library-private.h — the built-in presets' translatable names, for tests
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *id;
  const char *name;   /* untranslated, as in chiaro-presets.json */
} ChiaroPresetBuiltinName;

/* Ends with { NULL, NULL }. */
extern const ChiaroPresetBuiltinName chiaro_preset_library_builtin_names[];

G_END_DECLS
