/* chiaro-sse-parser.c — split a server-sent-events stream into event payloads as it arrives
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Follows the WHATWG event-stream rules that matter for Gemini and OpenAI-style streams:
 * lines end with CR, LF or CRLF (so "\r\r" and "\r\n\r\n" both end an event, and a CRLF split
 * between two chunks is one line end), `data:` lines are joined with LF, one space after the
 * colon is dropped, comments and the `event`, `id` and `retry` fields are ignored, a leading
 * byte-order mark is skipped and an event without data is not dispatched.
 *
 * Two deliberate extensions: lines that are not SSE fields at all (a bare or pretty-printed
 * `{"error": …}` object, which servers may write into a stream) are collected and handed out
 * as one more payload when the event ends, and the last event is dispatched at the end of the
 * stream even without its blank line. Lines have no length limit: a 4K image arrives as one
 * `data:` line of tens of megabytes. Each byte is copied once, straight into the payload.
 */

#define G_LOG_DOMAIN "chiaro-sse-parser"

#include "config.h"

#include <string.h>

#include "chiaro-sse-parser.h"

/* Longer than any field name; a longer run of bytes before a colon is not a field. */
#define FIELD_NAME_MAX 16

typedef enum
{
  LINE_START,   /* reading a field name, up to the colon */
  LINE_DATA,    /* the value of a data field */
  LINE_IGNORE,  /* a comment or a field that does not matter here */
  LINE_RAW,     /* not an SSE field: kept as raw text */
} LineState;

struct _ChiaroSseParser
{
  GByteArray *data;       /* the event's data lines so far, each followed by LF */
  GByteArray *raw;        /* the event's lines that are not fields, each followed by LF */
  gboolean    has_data;
  LineState   state;
  char        name[FIELD_NAME_MAX];
  guint       name_len;
  gboolean    skip_space; /* the next byte comes right after "data:" */
  gboolean    after_cr;   /* the previous byte ended a line with CR */
  gboolean    at_start;   /* nothing but a possible byte-order mark read yet */
};

/**
 * chiaro_sse_parser_new:
 *
 * Returns: (transfer full): a parser for one stream; free with chiaro_sse_parser_free()
 */
ChiaroSseParser *
chiaro_sse_parser_new (void)
{
  ChiaroSseParser *parser = g_new0 (ChiaroSseParser, 1);

  parser->data = g_byte_array_new ();
  parser->raw = g_byte_array_new ();
  parser->state = LINE_START;
  parser->at_start = TRUE;
  return parser;
}

/**
 * chiaro_sse_parser_free:
 * @parser: (nullable): a parser
 */
void
chiaro_sse_parser_free (ChiaroSseParser *parser)
{
  if (parser == NULL)
    return;

  g_byte_array_unref (parser->data);
  g_byte_array_unref (parser->raw);
  g_free (parser);
}

static gboolean
name_is (ChiaroSseParser *parser,
         const char      *name)
{
  gsize len = strlen (name);

  return parser->name_len == len && memcmp (parser->name, name, len) == 0;
}

static gboolean
name_is_ignored_field (ChiaroSseParser *parser)
{
  return name_is (parser, "event") || name_is (parser, "id") || name_is (parser, "retry");
}

static gboolean
is_blank (GByteArray *array)
{
  for (guint i = 0; i < array->len; i++)
    if (!g_ascii_isspace (array->data[i]))
      return FALSE;
  return TRUE;
}

/* Hands out what the event holds: its data, then any raw text. */
static void
dispatch (ChiaroSseParser *parser,
          GPtrArray       *out_events)
{
  if (parser->has_data && parser->data->len > 1)
    {
      GByteArray *data = g_steal_pointer (&parser->data);

      g_byte_array_set_size (data, data->len - 1); /* the LF after the last line */
      g_ptr_array_add (out_events, g_byte_array_free_to_bytes (data));
      parser->data = g_byte_array_new ();
    }
  else
    {
      g_byte_array_set_size (parser->data, 0);
    }
  parser->has_data = FALSE;

  if (!is_blank (parser->raw))
    {
      GByteArray *raw = g_steal_pointer (&parser->raw);

      g_byte_array_set_size (raw, raw->len - 1);
      g_ptr_array_add (out_events, g_byte_array_free_to_bytes (raw));
      parser->raw = g_byte_array_new ();
    }
  else
    {
      g_byte_array_set_size (parser->raw, 0);
    }
}

static void
start_raw (ChiaroSseParser *parser)
{
  g_byte_array_append (parser->raw, (const guint8 *) parser->name, parser->name_len);
  parser->state = LINE_RAW;
}

static void
end_line (ChiaroSseParser *parser,
          GPtrArray       *out_events)
{
  static const guint8 lf = '\n';

  switch (parser->state)
    {
    case LINE_START:
      if (parser->name_len == 0)
        {
          dispatch (parser, out_events);
        }
      else if (name_is (parser, "data"))
        {
          /* A field without a colon has an empty value. */
          parser->has_data = TRUE;
          g_byte_array_append (parser->data, &lf, 1);
        }
      else if (!name_is_ignored_field (parser))
        {
          start_raw (parser);
          g_byte_array_append (parser->raw, &lf, 1);
        }
      break;

    case LINE_DATA:
      g_byte_array_append (parser->data, &lf, 1);
      break;

    case LINE_RAW:
      g_byte_array_append (parser->raw, &lf, 1);
      break;

    case LINE_IGNORE:
    default:
      break;
    }

  parser->state = LINE_START;
  parser->name_len = 0;
  parser->skip_space = FALSE;
  parser->at_start = FALSE;
}

/* The colon after a field name decides what the rest of the line is. */
static void
end_name (ChiaroSseParser *parser)
{
  parser->at_start = FALSE;

  if (parser->name_len == 0 || name_is_ignored_field (parser))
    {
      parser->state = LINE_IGNORE;
    }
  else if (name_is (parser, "data"))
    {
      parser->state = LINE_DATA;
      parser->has_data = TRUE;
      parser->skip_space = TRUE;
    }
  else
    {
      static const guint8 colon = ':';

      start_raw (parser);
      g_byte_array_append (parser->raw, &colon, 1);
    }
}

static void
add_name_byte (ChiaroSseParser *parser,
               guint8           byte)
{
  parser->name[parser->name_len++] = byte;

  if (parser->at_start && parser->name_len == 3)
    {
      parser->at_start = FALSE;
      if (memcmp (parser->name, "\xef\xbb\xbf", 3) == 0)
        {
          parser->name_len = 0;
          return;
        }
    }

  if (parser->name_len == FIELD_NAME_MAX)
    start_raw (parser);
}

/**
 * chiaro_sse_parser_feed:
 * @parser: the parser
 * @data: (array length=size): the next bytes of the stream
 * @size: how many
 * @out_events: (element-type GBytes): each complete event's payload is appended here
 */
void
chiaro_sse_parser_feed (ChiaroSseParser *parser,
                        const guint8    *data,
                        gsize            size,
                        GPtrArray       *out_events)
{
  const guint8 *end = data + size;
  const guint8 *p = data;
  const guint8 *next_cr = NULL;
  const guint8 *next_lf = NULL;

  g_return_if_fail (parser != NULL);
  g_return_if_fail (data != NULL || size == 0);
  g_return_if_fail (out_events != NULL);

  while (p < end)
    {
      if (parser->after_cr)
        {
          parser->after_cr = FALSE;
          if (*p == '\n')
            {
              p++;
              continue;
            }
        }

      if (parser->state == LINE_START)
        {
          guint8 byte = *p++;

          if (byte == '\r' || byte == '\n')
            {
              end_line (parser, out_events);
              parser->after_cr = byte == '\r';
            }
          else if (byte == ':')
            {
              end_name (parser);
            }
          else
            {
              add_name_byte (parser, byte);
            }
        }
      else
        {
          const guint8 *eol;

          if (parser->skip_space)
            {
              parser->skip_space = FALSE;
              if (*p == ' ')
                {
                  p++;
                  continue;
                }
            }

          /* The next line end, found with memchr and remembered, so that long lines cost
           * one pass and many short lines in a chunk do not rescan it. */
          if (next_cr != end && (next_cr == NULL || next_cr < p))
            {
              next_cr = memchr (p, '\r', end - p);
              if (next_cr == NULL)
                next_cr = end;
            }
          if (next_lf != end && (next_lf == NULL || next_lf < p))
            {
              next_lf = memchr (p, '\n', end - p);
              if (next_lf == NULL)
                next_lf = end;
            }
          eol = MIN (next_cr, next_lf);

          if (parser->state == LINE_DATA)
            g_byte_array_append (parser->data, p, eol - p);
          else if (parser->state == LINE_RAW)
            g_byte_array_append (parser->raw, p, eol - p);

          p = eol;
          if (p < end)
            {
              parser->after_cr = *p == '\r';
              p++;
              end_line (parser, out_events);
            }
        }
    }
}

/**
 * chiaro_sse_parser_finish:
 * @parser: the parser
 * @out_events: (element-type GBytes): the last event's payload is appended here, if any
 *
 * The stream has ended: the line and event in progress are complete. The parser can be fed
 * a new stream afterwards.
 */
void
chiaro_sse_parser_finish (ChiaroSseParser *parser,
                          GPtrArray       *out_events)
{
  g_return_if_fail (parser != NULL);
  g_return_if_fail (out_events != NULL);

  if (parser->state != LINE_START || parser->name_len > 0)
    end_line (parser, out_events);
  dispatch (parser, out_events);

  parser->after_cr = FALSE;
  parser->at_start = TRUE;
}
