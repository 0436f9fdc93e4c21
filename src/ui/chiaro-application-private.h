/* chiaro-application-private.h — what tests observe of the application
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-application.h"

G_BEGIN_DECLS

guint chiaro_application_get_n_notifications            (ChiaroApplication *self);
void  chiaro_application_set_notifications_counted_only (ChiaroApplication *self,
                                                         gboolean           counted_only);

G_END_DECLS
