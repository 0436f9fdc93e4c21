/* fuzz-sse-parser.c — libFuzzer target: the server-sent-events splitter
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a stream's bytes. They are parsed twice: in one piece, and in chunks whose
 * sizes come from the bytes themselves (so a CRLF, a BOM or a "data:" prefix gets split at
 * every place). Both must give the same events: a difference aborts.
 */

#define G_LOG_DOMAIN "chiaro-fuzz"

#include <stdlib.h>
#include <string.h>

#include "chiaro-fuzz.h"
#include "chiaro-sse-parser.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  chiaro_fuzz_init ();
  return 0;
}

static GPtrArray *
parse (const guint8 *data,
       size_t        size,
       gboolean      chunked)
{
  g_autoptr(ChiaroSseParser) parser = chiaro_sse_parser_new ();
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  size_t offset = 0;

  while (offset < size)
    {
      /* 1 to 8 bytes at a time, steered by the byte at the start of the chunk. */
      size_t n = chunked ? MIN ((size_t) (data[offset] % 8) + 1, size - offset) : size;

      chiaro_sse_parser_feed (parser, data + offset, n, events);
      offset += n;
    }
  chiaro_sse_parser_finish (parser, events);
  return events;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GPtrArray) whole = parse (data, size, FALSE);
  g_autoptr(GPtrArray) chunked = parse (data, size, TRUE);

  if (whole->len != chunked->len)
    abort ();
  for (guint i = 0; i < whole->len; i++)
    {
      GBytes *event = g_ptr_array_index (whole, i);

      if (!g_bytes_equal (event, g_ptr_array_index (chunked, i)))
        abort ();
      /* A payload never holds more bytes than the stream did. */
      if (g_bytes_get_size (event) > size)
        abort ();
    }

  return 0;
}
