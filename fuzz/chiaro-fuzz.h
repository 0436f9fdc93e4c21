/* chiaro-fuzz.h — what every libFuzzer target shares
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* libFuzzer's entry points, declared here so -Wmissing-prototypes stays quiet. */
int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);
int LLVMFuzzerTestOneInput (const guint8  *data,
                            size_t         size);

void chiaro_fuzz_init (void);

G_END_DECLS
