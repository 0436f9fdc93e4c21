/* chiaro-preset-name.h — asking for a preset's name
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Called with the name typed (trimmed, never empty) when the user accepts. */
typedef void (*ChiaroPresetNameFunc) (const char *name,
                                      gpointer    user_data);

AdwMessageDialog *chiaro_ask_preset_name (GtkWidget            *parent,
                                          const char           *heading,
                                          const char           *initial,
                                          const char           *accept_label,
                                          ChiaroPresetNameFunc  func,
                                          gpointer              user_data,
                                          GDestroyNotify        destroy);

G_END_DECLS
