/* chiaro-reference-tile.h — one reference image in the tray
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-reference.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_REFERENCE_TILE (chiaro_reference_tile_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroReferenceTile, chiaro_reference_tile, CHIARO, REFERENCE_TILE, GtkWidget)

GtkWidget       *chiaro_reference_tile_new           (ChiaroReference     *reference);
ChiaroReference *chiaro_reference_tile_get_reference (ChiaroReferenceTile *self);
GtkWidget       *chiaro_reference_tile_get_thumbnail (ChiaroReferenceTile *self);
void             chiaro_reference_tile_set_movable   (ChiaroReferenceTile *self,
                                                      gboolean             left,
                                                      gboolean             right);

G_END_DECLS
