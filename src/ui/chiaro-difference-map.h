/* chiaro-difference-map.h — a heat map of what changed between two images
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void        chiaro_difference_map_compute_async  (GdkTexture           *current,
                                                  GdkTexture           *other,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GdkTexture *chiaro_difference_map_compute_finish (GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
