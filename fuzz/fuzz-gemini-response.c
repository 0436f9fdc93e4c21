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

#include <stdlib.h>

#include "chiaro-api-error.h"
#include "chiaro-fuzz.h"
#include "chiaro-gemini-wire.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  chiaro_fuzz_init ();
  return 0;
}

static void
check_outcome (ChiaroGenerationResult *result,
               GError                 *error)
{
  ChiaroPart *image;
  const char *detail;

  if ((result == NULL) == (error == NULL))
    abort ();
  if (result != NULL)
    {
      /* A result always carries an image with bytes. */
      image = chiaro_generation_result_get_final_image (result);
      if (image == NULL || image->kind != CHIARO_PART_IMAGE || image->data == NULL ||
          g_bytes_get_size (image->data) == 0)
        abort ();
    }
  if (error != NULL && (error->message == NULL || error->message[0] == '\0'))
    abort ();
  if (error != NULL && !g_utf8_validate (error->message, -1, NULL))
    {
      g_printerr ("not UTF-8: %s\n", error->message);
      abort ();
    }
  /* The server's own words are shown too (and logged): they must be text. */
  if (error != NULL && error->domain == CHIARO_API_ERROR &&
      (detail = chiaro_api_error_get_detail (error)) != NULL && !g_utf8_validate (detail, -1, NULL))
    {
      g_printerr ("detail not UTF-8: %s\n", detail);
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const guint statuses[] = { 400, 401, 403, 404, 429, 500, 502, 503, 504 };
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  g_autoptr(GError) response_error = NULL;
  g_autoptr(GError) stream_error = NULL;
  g_autoptr(GError) http_error = NULL;
  g_autoptr(ChiaroGenerationResult) response = NULL;
  g_autoptr(ChiaroGenerationResult) stream = NULL;

  response = chiaro_gemini_parse_response (body, &response_error);
  check_outcome (response, response_error);

  stream = chiaro_gemini_parse_stream (body, &stream_error);
  check_outcome (stream, stream_error);

  chiaro_gemini_set_http_error (&http_error, statuses[size % G_N_ELEMENTS (statuses)],
                                size % 2 ? "application/json" : "text/html", body);
  check_outcome (NULL, http_error);

  return 0;
}
