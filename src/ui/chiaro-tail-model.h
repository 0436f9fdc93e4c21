/* chiaro-tail-model.h — the last items of a list model, following its changes
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHIARO_TYPE_TAIL_MODEL (chiaro_tail_model_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroTailModel, chiaro_tail_model, CHIARO, TAIL_MODEL, GObject)

ChiaroTailModel *chiaro_tail_model_new          (GListModel      *model,
                                                 guint            limit);
GListModel      *chiaro_tail_model_get_model    (ChiaroTailModel *self);
guint            chiaro_tail_model_get_limit    (ChiaroTailModel *self);
void             chiaro_tail_model_set_limit    (ChiaroTailModel *self,
                                                 guint            limit);
guint            chiaro_tail_model_get_n_hidden (ChiaroTailModel *self);

G_END_DECLS
