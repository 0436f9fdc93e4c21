/* fuzz-gemini-response.c — libFuzzer target: Gemini answers, whole, streamed and as errors
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is an HTTP body. It goes through chiaro_gemini_parse_response() (a 200 answer to
 * generateContent), chiaro_gemini_parse_stream() (SSE events or a JSON array) and
 * chiaro_gemini_set_http_error() (an error envelope). Each must give a result or a GError
 * with a message, never both, never neither.
 */

#define G_LOG_DOMAIN "chiaro-fuzz"

#include "chiaro-fuzz.h"
#include "chiaro-gemini-wire.h"

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
  g_autoptr(GError) stream_error = NULL;
  g_autoptr(GError) http_error = NULL;
  g_autoptr(ChiaroGenerationResult) response = NULL;
  g_autoptr(ChiaroGenerationResult) stream = NULL;

  response = chiaro_gemini_parse_response (body, &response_error);
  chiaro_fuzz_check_outcome (response, response_error);

  stream = chiaro_gemini_parse_stream (body, &stream_error);
  chiaro_fuzz_check_outcome (stream, stream_error);

  chiaro_gemini_set_http_error (&http_error, chiaro_fuzz_http_status (size),
                                chiaro_fuzz_content_type (size), body);
  chiaro_fuzz_check_outcome (NULL, http_error);

  return 0;
}
