/* chiaro-reference-tray-private.h — test hooks of the reference tray
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-reference-tray.h"

G_BEGIN_DECLS

/* The target that takes files, images and tiles dropped on the tray. */
GtkDropTarget *chiaro_reference_tray_get_drop_target (ChiaroReferenceTray *self);
GtkFlowBox    *chiaro_reference_tray_get_flow_box    (ChiaroReferenceTray *self);
GtkLabel      *chiaro_reference_tray_get_count_label (ChiaroReferenceTray *self);
GtkWidget     *chiaro_reference_tray_get_limit_warning (ChiaroReferenceTray *self);

G_END_DECLS
