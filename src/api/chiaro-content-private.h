/* chiaro-content-private.h — part writing shared with the project's stored contents
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-content.h"

G_BEGIN_DECLS

void chiaro_part_add_trailing_members (ChiaroPart  *part,
                                       JsonBuilder *builder);

G_END_DECLS
