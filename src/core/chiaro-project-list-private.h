/* chiaro-project-list-private.h — test hooks of the project list
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-project-list.h"

G_BEGIN_DECLS

/* FALSE makes deleting behave as on a file system without a trash. */
void chiaro_project_list_set_use_trash (ChiaroProjectList *self,
                                        gboolean           use_trash);

G_END_DECLS
