/* chiaro-fuzz.h — what every libFuzzer target shares
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "chiaro-generation-result.h"

G_BEGIN_DECLS

/* libFuzzer's entry points, declared here so -Wmissing-prototypes stays quiet. */
int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);
int LLVMFuzzerTestOneInput (const guint8  *data,
                            size_t         size);

void        chiaro_fuzz_init          (void);
void        chiaro_fuzz_check_outcome (ChiaroGenerationResult *result,
                                       GError                 *error);
guint       chiaro_fuzz_http_status   (size_t                  size);
const char *chiaro_fuzz_content_type  (size_t                  size);

G_END_DECLS
