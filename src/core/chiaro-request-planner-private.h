/* chiaro-request-planner-private.h — test hooks of the request planner
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-request-planner.h"

G_BEGIN_DECLS

/* Called on the worker thread just before an image is decoded. */
typedef void (*ChiaroPlannerDecodeHook) (ChiaroImage *image,
                                         gpointer     user_data);

guint chiaro_request_planner_get_n_decoded   (ChiaroRequestPlanner    *self);
void  chiaro_request_planner_set_decode_hook (ChiaroRequestPlanner    *self,
                                              ChiaroPlannerDecodeHook  hook,
                                              gpointer                 user_data);

G_END_DECLS
