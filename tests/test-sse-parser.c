/* test-sse-parser.c — server-sent events split into payloads, however the bytes arrive
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chiaro-sse-parser.h"
#include "chiaro-test-util.h"

static GPtrArray *
new_events (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

/* Feeds @text cut at the given offsets (ascending, may be empty) and returns the payloads. */
static GPtrArray *
parse_split (const char  *text,
             gsize        size,
             const gsize *cuts,
             guint        n_cuts)
{
  g_autoptr(ChiaroSseParser) parser = chiaro_sse_parser_new ();
  GPtrArray *events = new_events ();
  gsize start = 0;

  for (guint i = 0; i <= n_cuts; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : size;

      chiaro_sse_parser_feed (parser, (const guint8 *) text + start, end - start, events);
      start = end;
    }
  chiaro_sse_parser_finish (parser, events);
  return events;
}

static void
assert_events (GPtrArray          *events,
               const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (events->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      gsize size;
      const char *data = g_bytes_get_data (g_ptr_array_index (events, i), &size);

      g_assert_cmpmem (data, size, expected[i], strlen (expected[i]));
    }
}

/* One stream exercising every rule, cut into two and three pieces at every place: inside
 * CRLF, inside "data:", inside the BOM, between CR and CR. */
static void
test_every_split (void)
{
  static const char text[] =
    "\xef\xbb\xbf"                         /* byte-order mark */
    ": a comment\r\n"
    "event: message\r\n"
    "id: 7\r\n"
    "data: {\"a\": 1}\r\n"
    "\r\n"
    "data:{\"b\":\"no space\"}\n"
    "\n"
    "data: line one\r"
    "data:  two spaces keep one\r"
    "\r"
    "retry: 100\n"
    "data\n"
    "data: after an empty data line\n"
    "\n"
    "data:\n"
    "\n"
    "data: last, without a blank line";
  static const char * const expected[] = {
    "{\"a\": 1}",
    "{\"b\":\"no space\"}",
    "line one\n two spaces keep one",
    "\nafter an empty data line",
    "last, without a blank line",
    NULL
  };
  gsize size = sizeof text - 1;
  g_autoptr(GPtrArray) whole = parse_split (text, size, NULL, 0);

  assert_events (whole, expected);

  for (gsize i = 0; i <= size; i++)
    {
      g_autoptr(GPtrArray) events = parse_split (text, size, &i, 1);

      assert_events (events, expected);
    }

  for (gsize i = 0; i <= size; i += 3)
    for (gsize j = i; j <= size; j++)
      {
        gsize cuts[] = { i, j };
        g_autoptr(GPtrArray) events = parse_split (text, size, cuts, 2);

        assert_events (events, expected);
      }

  /* One byte at a time. */
  {
    g_autoptr(ChiaroSseParser) parser = chiaro_sse_parser_new ();
    g_autoptr(GPtrArray) events = new_events ();

    for (gsize i = 0; i < size; i++)
      chiaro_sse_parser_feed (parser, (const guint8 *) text + i, 1, events);
    chiaro_sse_parser_finish (parser, events);
    assert_events (events, expected);
  }
}

/* Gemini frames with CRLF CRLF; JS SDKs also split on "\r\r" and "\n\n". */
static void
test_line_endings (void)
{
  static const char * const bodies[] = {
    "data: one\r\n\r\ndata: two\r\n\r\n",
    "data: one\n\ndata: two\n\n",
    "data: one\r\rdata: two\r\r",
    "data: one\r\n\ndata: two\n\r\n",
  };
  static const char * const expected[] = { "one", "two", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GPtrArray) events = parse_split (bodies[i], strlen (bodies[i]), NULL, 0);

      assert_events (events, expected);
    }
}

/* A stream of tens of megabytes in one line, fed in network-sized chunks: no cap, no copy
 * per chunk of what came before (the test would crawl if each chunk rescanned the line). */
static void
test_long_line (void)
{
  gsize payload_size = 24 * 1024 * 1024;
  g_autoptr(GString) body = g_string_sized_new (payload_size + 64);
  g_autoptr(ChiaroSseParser) parser = chiaro_sse_parser_new ();
  g_autoptr(GPtrArray) events = new_events ();
  const guint8 *data;
  gsize size;

  g_string_append (body, "data: {\"data\": \"");
  for (gsize i = 0; i < payload_size; i++)
    g_string_append_c (body, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64]);
  g_string_append (body, "\"}\r\n\r\ndata: {\"finishReason\": \"STOP\"}\r\n\r\n");

  for (gsize offset = 0; offset < body->len; offset += 16381)
    chiaro_sse_parser_feed (parser, (const guint8 *) body->str + offset,
                            MIN (16381, body->len - offset), events);
  chiaro_sse_parser_finish (parser, events);

  g_assert_cmpuint (events->len, ==, 2);
  data = g_bytes_get_data (g_ptr_array_index (events, 0), &size);
  g_assert_cmpuint (size, ==, payload_size + strlen ("{\"data\": \"\"}"));
  g_assert_cmpmem (data, size, body->str + strlen ("data: "), size);
  data = g_bytes_get_data (g_ptr_array_index (events, 1), &size);
  g_assert_cmpmem (data, size, "{\"finishReason\": \"STOP\"}", 24);
}

/* A bare JSON error written into the stream, one line or pretty-printed, is handed out. */
static void
test_raw_lines (void)
{
  static const char body[] =
    "data: {\"n\": 1}\r\n\r\n"
    "{\"error\": {\"code\": 500, \"message\": \"boom\"}}\r\n"
    "\r\n"
    "{\n"
    "  \"error\": {\n"
    "    \"code\": 503\n"
    "  }\n"
    "}\n";
  static const char * const expected[] = {
    "{\"n\": 1}",
    "{\"error\": {\"code\": 500, \"message\": \"boom\"}}",
    "{\n  \"error\": {\n    \"code\": 503\n  }\n}",
    NULL
  };
  gsize size = sizeof body - 1;
  g_autoptr(GPtrArray) events = parse_split (body, size, NULL, 0);

  assert_events (events, expected);

  for (gsize i = 0; i <= size; i++)
    {
      g_autoptr(GPtrArray) split = parse_split (body, size, &i, 1);

      assert_events (split, expected);
    }
}

/* Nothing to hand out: comments, blank lines, empty data, unknown fields with values. */
static void
test_nothing (void)
{
  static const char * const bodies[] = {
    "",
    "\r\n\r\n\n",
    ": keep-alive\n\n: keep-alive\n\n",
    "data:\n\ndata: \n\n",
    "event: ping\nid: 1\nretry: 5\n\n",
  };
  static const char * const none[] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GPtrArray) events = parse_split (bodies[i], strlen (bodies[i]), NULL, 0);

      assert_events (events, none);
    }
}

/* After finish the parser starts a new stream, and a CR at the end of the last one does not
 * swallow the new stream's first LF-only line. */
static void
test_reuse (void)
{
  g_autoptr(ChiaroSseParser) parser = chiaro_sse_parser_new ();
  g_autoptr(GPtrArray) events = new_events ();
  static const char * const expected[] = { "first", "second", NULL };

  chiaro_sse_parser_feed (parser, (const guint8 *) "data: first\r", 12, events);
  chiaro_sse_parser_finish (parser, events);
  chiaro_sse_parser_feed (parser, (const guint8 *) "\ndata: second\n\n", 15, events);
  chiaro_sse_parser_finish (parser, events);
  assert_events (events, expected);

  chiaro_sse_parser_free (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/sse-parser/every-split", test_every_split);
  g_test_add_func ("/chiaro/sse-parser/line-endings", test_line_endings);
  g_test_add_func ("/chiaro/sse-parser/long-line", test_long_line);
  g_test_add_func ("/chiaro/sse-parser/raw-lines", test_raw_lines);
  g_test_add_func ("/chiaro/sse-parser/nothing", test_nothing);
  g_test_add_func ("/chiaro/sse-parser/reuse", test_reuse);

  return g_test_run ();
}
