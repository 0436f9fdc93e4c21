/* fuzz-openai-response.c — libFuzzer target: OpenAI-compatible answers and errors
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is an HTTP body. It goes through chiaro_openai_parse_response() (a 200 answer to
 * chat/completions, or one streamed chunk) and chiaro_openai_set_http_error() (an error
 * envelope, Google's, OpenAI's or a relay's). Each must give a result or a GError with a
 * message, never both, never neither.
 */

#define G_LOG_DOMAIN "chiaro-fuzz"

#include "chiaro-fuzz.h"
#include "chiaro-openai-wire.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  chiaro_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  g_autoptr(GError) response_error = NULL;
  g_autoptr(GError) http_error = NULL;
  g_autoptr(ChiaroGenerationResult) response = NULL;

  response = chiaro_openai_parse_response (body, &response_error);
  chiaro_fuzz_check_outcome (response, response_error);

  chiaro_openai_set_http_error (&http_error, chiaro_fuzz_http_status (size),
                                chiaro_fuzz_content_type (size), body);
  chiaro_fuzz_check_outcome (NULL, http_error);

  return 0;
}
