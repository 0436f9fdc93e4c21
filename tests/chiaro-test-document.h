/* chiaro-test-document.h — documents on a test folder over the in-process mock server
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-document.h"
#include "chiaro-http-client.h"
#include "chiaro-mock-server.h"

G_BEGIN_DECLS

/* The real Gemini provider talking to a mock server listening on a free loopback port, with
 * what it needs; the HTTP client never sleeps between attempts and has no jitter. */
typedef struct
{
  ChiaroMockServer   *mock;
  SoupSession        *session;
  ChiaroHttpClient   *http;
  ChiaroModelCatalog *catalog;
  ChiaroProvider     *provider;
} ChiaroTestGemini;

void            chiaro_test_gemini_init   (ChiaroTestGemini         *gemini,
                                           const char               *key,
                                           guint                     max_attempts);
void            chiaro_test_gemini_clear  (ChiaroTestGemini         *gemini);
/* Opens @dir and waits for it; %NULL with @error set when it cannot be opened. */
ChiaroDocument *chiaro_test_open_document (GFile                    *dir,
                                           ChiaroDocumentOpenFlags   flags,
                                           ChiaroModelCatalog       *catalog,
                                           GError                  **error);
/* Closes @document and waits for it; the test fails when closing fails. */
void            chiaro_test_close_document (ChiaroDocument *document);
void            chiaro_test_save_document (ChiaroDocument *document);
/* Sets @bytes as @document's root image, named @name, and waits; the test fails on error. */
void            chiaro_test_set_root_image (ChiaroDocument *document,
                                            GBytes         *bytes,
                                            const char     *name);

G_END_DECLS
