/* chiaro-wire-util.c — helpers the Gemini and OpenAI-compatible wire formats share
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JSON access that tolerates both spellings of a member and numbers written as strings,
 * short and safe excerpts of server answers for error details (never a base64 blob, never
 * more than a few hundred characters, always valid UTF-8), strict base64 decoding and the
 * errors that only an HTTP status tells apart.
 */

#define G_LOG_DOMAIN "chiaro-wire"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "chiaro-mime.h"

#include "chiaro-wire-util.h"

/* A run of base64 characters this long in an excerpt is a payload, not words. */
#define BASE64_RUN_MIN 64
/* How much of the model's text a "replied with text" message quotes. */
#define QUOTE_MAX_CHARS 160

typedef struct
{
  const char     *reason;
  ChiaroApiError  code;
  const char     *label;  /* (nullable) words for the reason, for the message */
} FinishReason;

static const FinishReason finish_reasons[] = {
  /* Translators: these name why the model stopped; they fill the parentheses of messages
   * such as "The model declined to draw this (image safety)." */
  { "IMAGE_SAFETY", CHIARO_API_ERROR_IMAGE_SAFETY, N_("image safety") },
  { "IMAGE_PROHIBITED_CONTENT", CHIARO_API_ERROR_IMAGE_SAFETY, N_("prohibited content") },
  { "SAFETY", CHIARO_API_ERROR_REFUSED, N_("safety") },
  { "PROHIBITED_CONTENT", CHIARO_API_ERROR_REFUSED, N_("prohibited content") },
  { "BLOCKLIST", CHIARO_API_ERROR_REFUSED, N_("blocked terms") },
  { "SPII", CHIARO_API_ERROR_REFUSED, N_("personal information") },
  { "LANGUAGE", CHIARO_API_ERROR_REFUSED, N_("unsupported language") },
  { "RECITATION", CHIARO_API_ERROR_RECITATION, NULL },
  { "IMAGE_RECITATION", CHIARO_API_ERROR_RECITATION, NULL },
  { "NO_IMAGE", CHIARO_API_ERROR_NO_IMAGE, NULL },
  { "MAX_TOKENS", CHIARO_API_ERROR_MAX_TOKENS, NULL },
  { "MISSING_THOUGHT_SIGNATURE", CHIARO_API_ERROR_MISSING_SIGNATURE, NULL },
  { "IMAGE_OTHER", CHIARO_API_ERROR_MODEL_FAILED, NULL },
  { "OTHER", CHIARO_API_ERROR_MODEL_FAILED, NULL },
  { "MALFORMED_RESPONSE", CHIARO_API_ERROR_MODEL_FAILED, NULL },
  { "UNEXPECTED_TOOL_CALL", CHIARO_API_ERROR_MODEL_FAILED, NULL },
  { "TOO_MANY_TOOL_CALLS", CHIARO_API_ERROR_MODEL_FAILED, NULL },
  { "MALFORMED_FUNCTION_CALL", CHIARO_API_ERROR_MODEL_FAILED, NULL },
  { "FINISH_REASON_UNSPECIFIED", CHIARO_API_ERROR_MODEL_FAILED, NULL },
};


static const char *
skip_space (const char *p,
            const char *end)
{
  while (p < end && g_ascii_isspace (*p))
    p++;
  return p;
}

/* Large answers are mostly base64 in one or a few JSON strings, and json-glib reads strings a
 * character at a time. Before parsing, long strings that JSON cannot have escaped (printable
 * ASCII without a backslash: base64, data URLs) are lifted out of a copy of the body and
 * replaced by a marker; the small rest is parsed, then each marker string in the tree gets
 * its text back, copied once from the body. The tree is the same as a plain parse would give.
 * Markers start with U+0001, which no answer's string does; if one did, the body is parsed
 * plainly. */
#define LIFT_MIN_BODY   (256 * 1024)
#define LIFT_MIN_STRING (4 * 1024)
#define LIFT_MARKER     "\001chiaro-lift:"

typedef struct
{
  gsize offset;
  gsize length;
} Lifted;

/* Whether any byte of @word is below @n (n <= 128), above 0x7e, or a backslash: eight
 * bytes at a time, exact for "any" (the carries these tests are known for only make them
 * miscount bytes, never miss one). */
#define ONES G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

static inline guint64
word_has_unliftable (guint64 word)
{
  guint64 below_space = (word - ONES * 0x20) & ~word;
  guint64 above_tilde = (word + ONES * (127 - 0x7e)) | word;
  guint64 backslash = word ^ (ONES * '\\');

  backslash = (backslash - ONES) & ~backslash;
  return (below_space | above_tilde | backslash) & HIGHS;
}

static gboolean
is_liftable (const guint8 *text,
             gsize         length)
{
  guint64 bad = 0;
  gsize i = 0;

  for (; i + 32 <= length; i += 32)
    {
      guint64 words[4];

      memcpy (words, text + i, sizeof words);
      bad |= word_has_unliftable (words[0]) | word_has_unliftable (words[1]) |
             word_has_unliftable (words[2]) | word_has_unliftable (words[3]);
      if (bad)
        return FALSE;
    }

  for (; i < length; i++)
    bad |= (text[i] < 0x20) | (text[i] > 0x7e) | (text[i] == '\\');
  return !bad;
}

/* Copies @data into @copy with long plain strings replaced by markers. FALSE when the body
 * has a string that could be mistaken for a marker. */
static gboolean
lift_strings (const char *data,
              gsize       size,
              GString    *copy,
              GArray     *lifted)
{
  const char *end = data + size;
  const char *p = data;

  while (p < end)
    {
      const char *open = memchr (p, '"', end - p);
      const char *close;
      const char *next;
      gsize length;

      if (open == NULL)
        {
          g_string_append_len (copy, p, end - p);
          break;
        }
      g_string_append_len (copy, p, open - p);

      /* The closing quote is the first one with an even number of backslashes before it. */
      for (close = open + 1;; close++)
        {
          gsize n_backslashes = 0;

          close = memchr (close, '"', end - close);
          if (close == NULL)
            break;
          while (close - n_backslashes - 1 > open && close[-(gssize) n_backslashes - 1] == '\\')
            n_backslashes++;
          if (n_backslashes % 2 == 0)
            break;
        }

      if (close == NULL)
        {
          /* Unterminated: the parser will say so. */
          g_string_append_len (copy, open, end - open);
          break;
        }

      length = close - open - 1;
      if ((length >= 6 && memcmp (open + 1, "\\u0001", 6) == 0) ||
          (length >= 1 && open[1] == '\001'))
        return FALSE;

      next = close + 1;
      while (next < end && g_ascii_isspace (*next))
        next++;

      if (length >= LIFT_MIN_STRING && (next == end || *next != ':') &&
          is_liftable ((const guint8 *) open + 1, length))
        {
          Lifted item = { open + 1 - data, length };

          g_string_append_printf (copy, "\"\\u0001chiaro-lift:%u\"", lifted->len);
          g_array_append_val (lifted, item);
        }
      else
        {
          g_string_append_len (copy, open, close + 1 - open);
        }
      p = close + 1;
    }

  return TRUE;
}

/* A lifted string's marker index, or -1 when @text is no marker. */
static gint64
marker_index (const char *text,
              GArray     *lifted)
{
  guint64 index;

  if (!g_str_has_prefix (text, LIFT_MARKER))
    return -1;
  index = g_ascii_strtoull (text + strlen (LIFT_MARKER), NULL, 10);
  return index < lifted->len ? (gint64) index : -1;
}

typedef struct
{
  JsonNode *node;
  gboolean  in_inline_data;  /* the value of an inlineData (inline_data) member */
} Pending;

/* Gives each lifted string its text back, copied once from the body. With @blobs, the base64
 * of an inlineData.data member is decoded straight from the body instead: its marker stays
 * in the tree and @blobs maps the marker to the image bytes. What does not decode (not in
 * the canonical form) gets its text back like any other string. */
static void
restore_strings (JsonNode   *root,
                 const char *data,
                 GArray     *lifted,
                 GHashTable *blobs)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (Pending));
  Pending first = { root, FALSE };

  g_array_append_val (stack, first);
  while (stack->len > 0)
    {
      Pending pending = g_array_index (stack, Pending, stack->len - 1);
      JsonNode *node = pending.node;

      g_array_set_size (stack, stack->len - 1);

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *member;

          json_object_iter_init (&iter, json_node_get_object (node));
          while (json_object_iter_next (&iter, &name, &member))
            {
              Pending next = { member, FALSE };

              if (pending.in_inline_data && blobs != NULL && g_str_equal (name, "data") &&
                  JSON_NODE_HOLDS_VALUE (member) &&
                  json_node_get_value_type (member) == G_TYPE_STRING)
                {
                  const char *marker = json_node_get_string (member);
                  gint64 index = marker_index (marker, lifted);
                  GBytes *bytes = NULL;

                  if (index >= 0)
                    {
                      const Lifted *item = &g_array_index (lifted, Lifted, index);

                      if (chiaro_wire_decode_base64_canonical (data + item->offset,
                                                               item->length, &bytes))
                        {
                          g_hash_table_insert (blobs, g_strdup (marker), bytes);
                          continue;
                        }
                    }
                }

              next.in_inline_data = g_str_equal (name, "inlineData") ||
                                    g_str_equal (name, "inline_data");
              g_array_append_val (stack, next);
            }
        }
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              Pending next = { json_array_get_element (array, i), FALSE };

              g_array_append_val (stack, next);
            }
        }
      else if (JSON_NODE_HOLDS_VALUE (node) &&
               json_node_get_value_type (node) == G_TYPE_STRING)
        {
          gint64 index = marker_index (json_node_get_string (node), lifted);
          const Lifted *item;
          g_autofree char *text = NULL;

          if (index < 0)
            continue;
          item = &g_array_index (lifted, Lifted, index);
          text = g_strndup (data + item->offset, item->length);
          json_node_set_string (node, text);
        }
    }
}

static JsonNode *
parse_lifted (const char  *data,
              gsize        size,
              GHashTable  *blobs,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) lifted = g_array_new (FALSE, FALSE, sizeof (Lifted));
  g_autoptr(GString) copy = g_string_sized_new (64 * 1024);
  JsonNode *root;

  if (size >= LIFT_MIN_BODY && lift_strings (data, size, copy, lifted) && lifted->len > 0)
    {
      if (!json_parser_load_from_data (parser, copy->str, copy->len, error))
        return NULL;
      root = json_parser_steal_root (parser);
      if (root != NULL)
        restore_strings (root, data, lifted, blobs);
      return root;
    }

  if (!json_parser_load_from_data (parser, data, size, error))
    return NULL;
  return json_parser_steal_root (parser);
}

/**
 * chiaro_wire_parse_json:
 * @body: (nullable): an answer's body
 * @error: an empty body, a web page or text that is not JSON fills this with
 *   %CHIARO_API_ERROR_BAD_RESPONSE
 *
 * Parses JSON quickly even when it holds tens of megabytes of base64.
 *
 * Returns: (transfer full): the root node
 */
JsonNode *
chiaro_wire_parse_json (GBytes  *body,
                        GError **error)
{
  return chiaro_wire_parse_json_with_blobs (body, NULL, error);
}

/**
 * chiaro_wire_parse_json_with_blobs:
 * @body: (nullable): an answer's body
 * @blobs: (nullable) (element-type utf8 GBytes): where the images decoded during the parse go
 * @error: as for chiaro_wire_parse_json()
 *
 * Parses like chiaro_wire_parse_json(), but the base64 of large `inlineData.data` strings in
 * the canonical form is decoded straight from @body: such a member keeps a marker string in
 * the tree, and @blobs maps that marker to the decoded bytes. Hand @blobs to
 * chiaro_content_new_from_json_with_blobs() with the tree. The image bytes are then the same
 * as a plain parse and decode would give, without the text of the base64 ever being copied.
 *
 * Returns: (transfer full): the root node
 */
JsonNode *
chiaro_wire_parse_json_with_blobs (GBytes      *body,
                                   GHashTable  *blobs,
                                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *data = NULL;
  const char *start;
  gsize size = 0;
  JsonNode *root;

  if (body != NULL)
    data = g_bytes_get_data (body, &size);
  start = data != NULL ? skip_space (data, data + size) : NULL;

  if (start == NULL || start == data + size)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                            _("The server sent an empty answer. Try again."),
                            "empty body", 0, NULL);
      return NULL;
    }

  if (*start == '<')
    {
      g_autofree char *excerpt = chiaro_wire_excerpt (data, size);

      chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                            _("The server sent a web page instead of an answer. A proxy, "
                              "firewall or sign-in page may be in the way."),
                            excerpt, 0, NULL);
      return NULL;
    }

  root = parse_lifted (data, size, blobs, &local_error);
  if (local_error != NULL)
    {
      g_autofree char *excerpt = chiaro_wire_excerpt (data, size);
      g_autofree char *detail = NULL;
      g_autofree char *reason = NULL;

      /* json-glib quotes the bad token cut at a byte count, which can split a character. */
      reason = g_utf8_make_valid (local_error->message, -1);
      detail = g_strdup_printf ("%s: %s", reason, excerpt);

      g_clear_pointer (&root, json_node_unref);
      if (blobs != NULL)
        g_hash_table_remove_all (blobs);
      chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                            _("The answer from the server was cut off or is not valid JSON. "
                              "Try again."),
                            detail, 0, NULL);
      return NULL;
    }

  if (root == NULL)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                            _("The server sent an empty answer. Try again."),
                            "empty body", 0, NULL);
      return NULL;
    }

  return root;
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
}

/**
 * chiaro_wire_excerpt:
 * @data: (array length=size): text from a server
 * @size: its size
 *
 * A short, printable excerpt for an error's details: whitespace and control characters
 * collapse to one space, HTML tags are dropped, runs of base64 are replaced by "[…]",
 * invalid UTF-8 becomes U+FFFD, and at most %CHIARO_WIRE_EXCERPT_MAX characters are kept.
 *
 * Returns: (transfer full): the excerpt
 */
char *
chiaro_wire_excerpt (const char *data,
                     gsize       size)
{
  const char *end = data + size;
  const char *p = skip_space (data, end);
  GString *out = g_string_new (NULL);
  gboolean html = p < end && *p == '<';
  gboolean in_tag = FALSE;
  gboolean last_space = TRUE;
  guint n_chars = 0;

  while (p < end && n_chars < CHIARO_WIRE_EXCERPT_MAX)
    {
      char c = *p;

      if (html && (in_tag || c == '<'))
        {
          in_tag = c != '>';
          if (!in_tag && !last_space)
            {
              g_string_append_c (out, ' ');
              last_space = TRUE;
              n_chars++;
            }
          p++;
          continue;
        }

      if (is_base64_char (c))
        {
          const char *q = p;

          while (q < end && is_base64_char (*q))
            q++;

          if (q - p >= BASE64_RUN_MIN)
            {
              g_string_append (out, "[…]");
              n_chars += 3;
            }
          else
            {
              gsize take = MIN ((gsize) (q - p), (gsize) (CHIARO_WIRE_EXCERPT_MAX - n_chars));

              g_string_append_len (out, p, take);
              n_chars += take;
              if (take < (gsize) (q - p))
                {
                  p += take;
                  break;
                }
            }
          last_space = FALSE;
          p = q;
          continue;
        }

      if ((guchar) c <= 0x20 || c == 0x7f)
        {
          if (!last_space)
            {
              g_string_append_c (out, ' ');
              n_chars++;
            }
          last_space = TRUE;
          p++;
          continue;
        }

      last_space = FALSE;
      n_chars++;
      if ((guchar) c < 0x80)
        {
          g_string_append_c (out, c);
          p++;
        }
      else
        {
          gunichar ch = g_utf8_get_char_validated (p, end - p);

          if (ch == (gunichar) -1 || ch == (gunichar) -2)
            {
              g_string_append_unichar (out, 0xfffd);
              p++;
            }
          else
            {
              g_string_append_unichar (out, ch);
              p = g_utf8_next_char (p);
            }
        }
    }

  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  if (skip_space (p, end) < end)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

/**
 * chiaro_wire_excerpt_bytes:
 * @body: (nullable): a body
 *
 * Returns: (transfer full): chiaro_wire_excerpt() of @body, "" when there is none
 */
char *
chiaro_wire_excerpt_bytes (GBytes *body)
{
  gsize size = 0;
  const char *data;

  if (body == NULL)
    return g_strdup ("");

  data = g_bytes_get_data (body, &size);
  if (data == NULL)
    return g_strdup ("");
  return chiaro_wire_excerpt (data, size);
}

/**
 * chiaro_wire_shorten:
 * @text: text from the model
 * @max_chars: how many characters to keep at most
 *
 * For quoting in a message: whitespace collapses to single spaces, the ends are trimmed and
 * what is longer than @max_chars is cut at a character boundary and ends with "…".
 *
 * Returns: (transfer full): the shortened text
 */
char *
chiaro_wire_shorten (const char *text,
                     guint       max_chars)
{
  GString *out = g_string_new (NULL);
  gboolean last_space = TRUE;
  guint n_chars = 0;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (g_unichar_isspace (ch) || g_unichar_iscntrl (ch))
        {
          if (!last_space)
            {
              g_string_append_c (out, ' ');
              n_chars++;
            }
          last_space = TRUE;
        }
      else
        {
          if (n_chars >= max_chars)
            break;
          g_string_append_unichar (out, ch);
          n_chars++;
          last_space = FALSE;
        }
    }

  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  if (*p != '\0')
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

static JsonNode *
get_member (JsonObject *object,
            const char *camel,
            const char *snake)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, camel);
  if (node == NULL && snake != NULL)
    node = json_object_get_member (object, snake);
  return node;
}

/* The object member spelt @camel or @snake, or NULL when absent, null or not an object. */
JsonObject *
chiaro_wire_get_object (JsonObject *object,
                        const char *camel,
                        const char *snake)
{
  JsonNode *node = get_member (object, camel, snake);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
chiaro_wire_get_array (JsonObject *object,
                       const char *camel,
                       const char *snake)
{
  JsonNode *node = get_member (object, camel, snake);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

const char *
chiaro_wire_get_string (JsonObject *object,
                        const char *camel,
                        const char *snake)
{
  JsonNode *node = get_member (object, camel, snake);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Reads an integer written as a JSON number or, as proto3 JSON writes 64-bit numbers, as a
 * string of digits. */
gboolean
chiaro_wire_get_int (JsonObject *object,
                     const char *camel,
                     const char *snake,
                     gint64     *out_value)
{
  JsonNode *node = get_member (object, camel, snake);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *out_value = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      if (value < (double) G_MININT64 || value > (double) G_MAXINT64)
        return FALSE;
      *out_value = (gint64) value;
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    return g_ascii_string_to_signed (json_node_get_string (node), 10, G_MININT64, G_MAXINT64,
                                     out_value, NULL);
  return FALSE;
}

/* Each base64 symbol's six bits already in place for its position in a group of four, or
 * BASE64_BAD for bytes outside the alphabet, so a group decodes with four loads and three
 * ORs and one test at the end says whether anything was not base64. */
#define BASE64_BAD 0xff000000u

static guint32 base64_tables[4][256];

static void
init_base64_tables (void)
{
  static gsize initialised;

  if (g_once_init_enter (&initialised))
    {
      static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

      for (guint k = 0; k < 4; k++)
        for (guint c = 0; c < 256; c++)
          base64_tables[k][c] = BASE64_BAD;
      for (guint v = 0; v < 64; v++)
        for (guint k = 0; k < 4; k++)
          base64_tables[k][(guchar) alphabet[v]] = (guint32) v << (18 - 6 * k);
      g_once_init_leave (&initialised, 1);
    }
}

static inline guint32
decode_group (const guchar *in)
{
  return base64_tables[0][in[0]] | base64_tables[1][in[1]] |
         base64_tables[2][in[2]] | base64_tables[3][in[3]];
}

/* Buffers this large get huge pages where the system offers them on request. */
#define LARGE_BUFFER_MIN (4 * 1024 * 1024)

/**
 * chiaro_wire_advise_large_buffer:
 * @data: freshly allocated memory, not yet written
 * @size: its size
 *
 * Tells the kernel that a buffer of many megabytes (an answer's body, a decoded image) will
 * be filled at once: where transparent huge pages are given on request, it is then backed by
 * 2 MB pages, one page fault for each instead of 512. Filling a 30 MB buffer otherwise costs
 * more in page faults than the copying itself on some machines. Does nothing for small
 * buffers or where the hint is not known; the memory stays the caller's, freed as usual.
 */
void
chiaro_wire_advise_large_buffer (gpointer data,
                                 gsize    size)
{
#ifdef MADV_HUGEPAGE
  static gsize page_size;
  guintptr start, end;

  if (data == NULL || size < LARGE_BUFFER_MIN)
    return;
  if (page_size == 0)
    page_size = (gsize) sysconf (_SC_PAGESIZE);

  start = ((guintptr) data + page_size - 1) & ~(guintptr) (page_size - 1);
  end = ((guintptr) data + size) & ~(guintptr) (page_size - 1);
  if (end > start)
    madvise ((gpointer) start, end - start, MADV_HUGEPAGE);
#endif
}

/**
 * chiaro_wire_decode_base64_canonical:
 * @text: (array length=length): base64 text
 * @length: its length
 * @out_bytes: (out): the decoded bytes
 *
 * Decodes base64 in the form answers use: standard alphabet, padded to a multiple of four,
 * no line breaks, padding only at the end. Quick (no copy of the text, a table lookup per
 * symbol), and for such text the bytes are the same as g_base64_decode() gives. Anything
 * else, even base64 that a lenient decoder would accept, returns %FALSE so that the caller
 * can fall back to it.
 *
 * Returns: %FALSE when @text is empty or not canonical base64
 */
gboolean
chiaro_wire_decode_base64_canonical (const char  *text,
                                     gsize        length,
                                     GBytes     **out_bytes)
{
  const guchar *in = (const guchar *) text;
  gsize n_groups;
  gsize n_padding = 0;
  gsize n_full;
  guchar *decoded;
  guchar *out;
  guint32 bad = 0;
  guint32 group;
  gsize size;

  g_return_val_if_fail (out_bytes != NULL, FALSE);

  if (length == 0 || length % 4 != 0)
    return FALSE;

  init_base64_tables ();

  n_groups = length / 4;
  if (in[length - 1] == '=')
    n_padding = in[length - 2] == '=' ? 2 : 1;
  n_full = n_padding > 0 ? n_groups - 1 : n_groups;
  size = n_groups * 3 - n_padding;

  /* One byte to spare: each group is stored as four bytes, the fourth overwritten next. */
  decoded = g_malloc (n_groups * 3 + 1);
  chiaro_wire_advise_large_buffer (decoded, n_groups * 3 + 1);
  out = decoded;

  for (gsize i = 0; i < n_full; i++, in += 4, out += 3)
    {
      guint32 be;

      group = decode_group (in);
      bad |= group;
      be = GUINT32_TO_BE (group << 8);
      memcpy (out, &be, 4);
    }

  if (n_padding > 0)
    {
      group = base64_tables[0][in[0]] | base64_tables[1][in[1]];
      if (n_padding == 1)
        group |= base64_tables[2][in[2]];
      bad |= group;
      out[0] = group >> 16;
      if (n_padding == 1)
        out[1] = group >> 8;
    }

  if (bad & BASE64_BAD)
    {
      g_free (decoded);
      return FALSE;
    }

  *out_bytes = g_bytes_new_take (decoded, size);
  return TRUE;
}

/**
 * chiaro_wire_decode_base64:
 * @text: (array length=length): base64 text
 * @length: its length
 * @out_bytes: (out): the decoded bytes
 *
 * Standard base64, padding optional; line breaks are allowed, anything else outside the
 * alphabet (and padding anywhere but at the end) is refused.
 *
 * Returns: %FALSE when @text is not base64
 */
gboolean
chiaro_wire_decode_base64 (const char  *text,
                           gsize        length,
                           GBytes     **out_bytes)
{
  gsize n_padding = 0;
  gsize n_symbols = 0;
  guchar *decoded;
  gsize decoded_len;
  int state = 0;
  guint save = 0;

  if (chiaro_wire_decode_base64_canonical (text, length, out_bytes))
    return TRUE;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '\r' || c == '\n')
        continue;
      if (c == '=')
        {
          n_padding++;
          continue;
        }
      if (n_padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return FALSE;
      n_symbols++;
    }

  if (n_padding > 2 || n_symbols % 4 == 1 || (n_padding > 0 && (n_symbols + n_padding) % 4 != 0))
    return FALSE;

  decoded = g_malloc ((length / 4) * 3 + 3);
  decoded_len = g_base64_decode_step (text, length, decoded, &state, &save);
  *out_bytes = g_bytes_new_take (decoded, decoded_len);
  return TRUE;
}

/**
 * chiaro_wire_append_text:
 * @text: the text so far
 * @piece: the next piece
 * @new_paragraph: whether @piece starts a new paragraph rather than continuing the text
 *
 * Pieces that continue the text (streamed deltas) are appended as they are; a new paragraph
 * is separated from the text before by one blank line, whatever whitespace either side had.
 */
void
chiaro_wire_append_text (GString    *text,
                         const char *piece,
                         gboolean    new_paragraph)
{
  if (new_paragraph && text->len > 0)
    {
      while (text->len > 0 && g_ascii_isspace (text->str[text->len - 1]))
        g_string_truncate (text, text->len - 1);
      while (g_ascii_isspace (*piece))
        piece++;
      if (text->len > 0 && *piece != '\0')
        g_string_append (text, "\n\n");
    }

  g_string_append (text, piece);
}

/* The text with its ends trimmed, or NULL when nothing is left. Frees @text. */
char *
chiaro_wire_finish_text (GString *text)
{
  char *result = g_strstrip (g_string_free (text, FALSE));

  if (*result == '\0')
    {
      g_free (result);
      return NULL;
    }

  /* g_strstrip moves the text to the start of the same block. */
  return result;
}

/**
 * chiaro_wire_set_status_error:
 * @error: (out) (optional): where to put the error
 * @status: the HTTP status of an answer that was not a success
 * @detail: (nullable): what the server said
 * @reason: (nullable): the machine-readable reason
 *
 * The error for a status when the body says nothing more useful.
 */
void
chiaro_wire_set_status_error (GError     **error,
                              guint        status,
                              const char  *detail,
                              const char  *reason)
{
  g_autofree char *message = NULL;
  ChiaroApiError code;

  switch (status)
    {
    case 400:
      code = CHIARO_API_ERROR_INVALID_REQUEST;
      message = g_strdup (_("The server did not accept the request. Check the model, the "
                            "options and the references, then try again."));
      break;

    case 401:
      code = CHIARO_API_ERROR_UNAUTHORIZED;
      message = g_strdup (_("The API key was not accepted. Check the key in Preferences."));
      break;

    case 402:
      code = CHIARO_API_ERROR_QUOTA_EXHAUSTED;
      message = g_strdup (_("The account has no credit left. Add credit or enable billing "
                            "to continue."));
      break;

    case 403:
      code = CHIARO_API_ERROR_PERMISSION_DENIED;
      message = g_strdup (_("This API key is not allowed to use this model."));
      break;

    case 404:
      code = CHIARO_API_ERROR_MODEL_NOT_FOUND;
      message = g_strdup (_("The model is not available. Choose another model."));
      break;

    case 408:
    case 504:
      code = CHIARO_API_ERROR_TIMEOUT;
      message = g_strdup (_("The server took too long to answer. Try again."));
      break;

    case 429:
      code = CHIARO_API_ERROR_RATE_LIMITED;
      message = g_strdup (_("Too many requests in a short time. Wait a minute and try again."));
      break;

    case 503:
      code = CHIARO_API_ERROR_UNAVAILABLE;
      message = g_strdup (_("The model is overloaded right now. Try again in a few minutes."));
      break;

    default:
      if (status >= 500 && status <= 599)
        {
          code = CHIARO_API_ERROR_SERVER;
          /* Translators: %u is an HTTP status such as 500. */
          message = g_strdup_printf (_("The server ran into a problem (error %u). Try again "
                                       "later."), status);
        }
      else if (status >= 400 && status <= 499)
        {
          code = CHIARO_API_ERROR_INVALID_REQUEST;
          /* Translators: %u is an HTTP status such as 409. */
          message = g_strdup_printf (_("The server refused the request (error %u)."), status);
        }
      else
        {
          code = CHIARO_API_ERROR_BAD_RESPONSE;
          /* Translators: %u is an HTTP status such as 302. */
          message = g_strdup_printf (_("The server sent an unexpected answer (HTTP status %u)."),
                                     status);
        }
      break;
    }

  chiaro_api_error_set (error, code, message, detail, (int) status, reason);
}

/* Large bodies to send are mostly image data. Building them with json-glib would encode each
 * image to base64, copy it into the tree, then escape it into the output character by
 * character. Instead the tree holds a short marker where each image's base64 goes, the small
 * JSON is generated once, and the base64 is encoded straight into the final buffer. */
#define BLOB_MARKER         "\001chiaro-blob:"
#define BLOB_MARKER_ESCAPED "\\u0001chiaro-blob:"
#define BLOB_MARKER_END     "\\u0001"

struct _ChiaroWireBlobs
{
  GPtrArray *blobs;  /* (element-type GBytes) */
};

typedef struct
{
  gsize start;  /* where the escaped marker starts in the generated text */
  gsize end;    /* just after it */
  guint index;
} BlobPlace;

ChiaroWireBlobs *
chiaro_wire_blobs_new (void)
{
  ChiaroWireBlobs *blobs = g_new0 (ChiaroWireBlobs, 1);

  blobs->blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return blobs;
}

void
chiaro_wire_blobs_free (ChiaroWireBlobs *blobs)
{
  if (blobs == NULL)
    return;

  g_ptr_array_unref (blobs->blobs);
  g_free (blobs);
}

/**
 * chiaro_wire_blobs_add:
 * @blobs: the blobs of one body
 * @data: bytes to send as base64
 *
 * Returns: (transfer full): the marker to put in the tree where the base64 text goes (alone
 *   or inside a longer string, such as a data URL)
 */
char *
chiaro_wire_blobs_add (ChiaroWireBlobs *blobs,
                       GBytes          *data)
{
  g_ptr_array_add (blobs->blobs, g_bytes_ref (data));
  return g_strdup_printf (BLOB_MARKER "%u\001", blobs->blobs->len - 1);
}

static gsize
base64_length (gsize size)
{
  return (size + 2) / 3 * 4;
}

/**
 * chiaro_wire_blobs_generate:
 * @blobs: the blobs whose markers are in @root
 * @root: the body's tree
 *
 * Returns: (transfer full) (nullable): compact JSON with the base64 of each blob in place of
 *   its marker, or %NULL when the markers are not each found exactly once (a string of the
 *   request happened to contain one): then build the body without markers
 */
GBytes *
chiaro_wire_blobs_generate (ChiaroWireBlobs *blobs,
                            JsonNode        *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GArray) places = g_array_new (FALSE, FALSE, sizeof (BlobPlace));
  g_autofree gboolean *seen = g_new0 (gboolean, blobs->blobs->len + 1);
  g_autofree char *text = NULL;
  const char *p;
  gsize text_len = 0;
  gsize total;
  gsize from = 0;
  char *out;
  char *q;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &text_len);
  total = text_len;

  for (p = strstr (text, BLOB_MARKER_ESCAPED); p != NULL;
       p = strstr (p, BLOB_MARKER_ESCAPED))
    {
      const char *digits = p + strlen (BLOB_MARKER_ESCAPED);
      char *digits_end = NULL;
      guint64 index = g_ascii_strtoull (digits, &digits_end, 10);
      BlobPlace place;

      if (digits_end == digits || index >= blobs->blobs->len || seen[index] ||
          !g_str_has_prefix (digits_end, BLOB_MARKER_END))
        return NULL;

      seen[index] = TRUE;
      place.start = p - text;
      place.end = digits_end + strlen (BLOB_MARKER_END) - text;
      place.index = index;
      g_array_append_val (places, place);
      total += base64_length (g_bytes_get_size (g_ptr_array_index (blobs->blobs, index)));
      total -= place.end - place.start;
      p = text + place.end;
    }

  if (places->len != blobs->blobs->len)
    return NULL;

  out = g_malloc (total + 1);
  q = out;
  for (guint i = 0; i < places->len; i++)
    {
      BlobPlace *place = &g_array_index (places, BlobPlace, i);
      GBytes *blob = g_ptr_array_index (blobs->blobs, place->index);
      gsize size;
      const guchar *data = g_bytes_get_data (blob, &size);
      int state = 0;
      int save = 0;

      memcpy (q, text + from, place->start - from);
      q += place->start - from;
      q += g_base64_encode_step (data, size, FALSE, q, &state, &save);
      q += g_base64_encode_close (FALSE, q, &state, &save);
      from = place->end;
    }
  memcpy (q, text + from, text_len - from);
  q += text_len - from;
  *q = '\0';

  g_assert ((gsize) (q - out) == total);
  return g_bytes_new_take (out, total);
}

/* Answers without an image */

const char *
chiaro_wire_missing_signature_message (void)
{
  return _("The model could not continue this conversation because earlier turns lack data "
           "it needs. Start a new conversation from the current image.");
}

static const FinishReason *
find_finish_reason (const char *reason)
{
  for (guint i = 0; i < G_N_ELEMENTS (finish_reasons); i++)
    if (g_str_equal (finish_reasons[i].reason, reason))
      return &finish_reasons[i];
  return NULL;
}

/**
 * chiaro_wire_is_finish_reason:
 * @reason: a string
 *
 * Returns: whether @reason is a Gemini finishReason that means failure
 */
gboolean
chiaro_wire_is_finish_reason (const char *reason)
{
  return reason != NULL && find_finish_reason (reason) != NULL;
}

/**
 * chiaro_wire_set_finish_error:
 * @error: (out) (optional): where to put the error
 * @finish_reason: the Gemini finishReason that decides the code and message (not STOP)
 * @reason: (nullable): the reason as the server wrote it, for the error's reason
 * @finish_message: (nullable): the server's explanation
 *
 * The error for an answer that stopped without an image, for a reason given. Unknown reasons
 * are failures of the model.
 */
void
chiaro_wire_set_finish_error (GError     **error,
                              const char  *finish_reason,
                              const char  *reason,
                              const char  *finish_message)
{
  const FinishReason *known = find_finish_reason (finish_reason);
  ChiaroApiError code = known != NULL ? known->code : CHIARO_API_ERROR_MODEL_FAILED;
  const char *label = known != NULL && known->label != NULL ? _(known->label) : NULL;
  g_autofree char *message = NULL;
  g_autofree char *detail = NULL;

  if (reason == NULL)
    reason = finish_reason;

  switch (code)
    {
    case CHIARO_API_ERROR_IMAGE_SAFETY:
      /* Translators: %s names the reason, such as "image safety". */
      message = g_strdup_printf (_("The model declined to draw this (%s). Try rewording the "
                                   "prompt or using a different reference."), label);
      break;

    case CHIARO_API_ERROR_REFUSED:
      /* Translators: %s names the reason, such as "safety". */
      message = g_strdup_printf (_("The model refused this request (%s). Rephrase the prompt "
                                   "and try again."), label);
      break;

    case CHIARO_API_ERROR_RECITATION:
      if (g_strcmp0 (finish_reason, "IMAGE_RECITATION") == 0)
        message = g_strdup (_("The model withheld the image because it was too close to "
                              "existing images. Try a more original description."));
      else
        message = g_strdup (_("The model withheld the result because it was too close to "
                              "existing material. Try a more original description."));
      break;

    case CHIARO_API_ERROR_NO_IMAGE:
      message = g_strdup (_("The model did not produce an image this time. Try again, or ask "
                            "for the image more explicitly."));
      break;

    case CHIARO_API_ERROR_MAX_TOKENS:
      message = g_strdup (_("The model ran out of room before the image was finished. Try a "
                            "simpler request."));
      break;

    case CHIARO_API_ERROR_MISSING_SIGNATURE:
      message = g_strdup (chiaro_wire_missing_signature_message ());
      break;

    case CHIARO_API_ERROR_MODEL_FAILED:
    default:
      if (g_strcmp0 (finish_reason, "IMAGE_OTHER") == 0)
        message = g_strdup (_("The model could not finish the image for this prompt. Try "
                              "again, or change the prompt."));
      else if (g_strcmp0 (finish_reason, "MALFORMED_RESPONSE") == 0)
        message = g_strdup (_("The model’s answer was malformed, so it could not finish the "
                              "image. Try again."));
      else
        message = g_strdup (_("The model could not finish the image. Try again."));
      break;
    }

  if (finish_message != NULL)
    detail = g_strdup_printf ("finishReason %s: %s", reason, finish_message);
  else
    detail = g_strdup_printf ("finishReason %s", reason);

  chiaro_api_error_set (error, code, message, detail, 0, reason);
}

/**
 * chiaro_wire_set_no_image_error:
 * @error: (out) (optional): where to put the error
 * @text: (nullable): what the model wrote instead
 * @n_thought_images: how many draft images came
 * @unreadable: (nullable): why the image that came cannot be used
 * @reason: (nullable): the finish reason, such as STOP
 *
 * The error for an answer that ended normally, but without an image Chiaro can use.
 */
void
chiaro_wire_set_no_image_error (GError     **error,
                                const char  *text,
                                guint        n_thought_images,
                                const char  *unreadable,
                                const char  *reason)
{
  if (unreadable != NULL)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_BAD_RESPONSE,
                            _("The model sent an image Chiaro cannot read. Try again."),
                            unreadable, 0, reason);
    }
  else if (text != NULL)
    {
      g_autofree char *quote = chiaro_wire_shorten (text, QUOTE_MAX_CHARS);
      g_autofree char *detail = chiaro_wire_shorten (text, CHIARO_WIRE_DETAIL_MAX);
      g_autofree char *message = NULL;

      /* Translators: %s is what the model wrote, shortened. */
      message = g_strdup_printf (_("The model replied with text instead of an image: “%s”"),
                                 quote);
      chiaro_api_error_set (error, CHIARO_API_ERROR_NO_IMAGE, message, detail, 0, reason);
    }
  else if (n_thought_images > 0)
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_NO_IMAGE,
                            _("The model sent only draft images and no final one. Try again."),
                            "only thought images", 0, reason);
    }
  else
    {
      chiaro_api_error_set (error, CHIARO_API_ERROR_NO_IMAGE,
                            _("The model sent no image. Try again."),
                            "no image and no text", 0, reason);
    }
}

/**
 * chiaro_wire_check_image:
 * @part: an image part
 *
 * Returns: (nullable): why the image cannot be used (empty, no known format, cut short), or
 *   %NULL when it can
 */
const char *
chiaro_wire_check_image (ChiaroPart *part)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (part->data, &size);

  if (size == 0)
    return "empty image data";
  if (part->sniffed_mime_type == NULL)
    return "image data in no known format";
  if (!chiaro_mime_looks_complete (data, size, part->sniffed_mime_type))
    return "image data cut short";
  return NULL;
}

/* temperature, top-p and seed, when set; both formats spell them alike but for top-p. */
void
chiaro_wire_add_sampling (JsonBuilder                   *builder,
                          const ChiaroGenerationOptions *options,
                          const char                    *top_p_name)
{
  if (options->temperature >= 0)
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, options->temperature);
    }

  if (options->top_p >= 0)
    {
      json_builder_set_member_name (builder, top_p_name);
      json_builder_add_double_value (builder, options->top_p);
    }

  if (options->has_seed)
    {
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, options->seed);
    }
}

/* An image-config object holding whichever of @ratio and @size is set; nothing when neither. */
void
chiaro_wire_add_image_config (JsonBuilder *builder,
                              const char  *object_name,
                              const char  *ratio_name,
                              const char  *ratio,
                              const char  *size_name,
                              const char  *size)
{
  if (ratio == NULL && size == NULL)
    return;

  json_builder_set_member_name (builder, object_name);
  json_builder_begin_object (builder);
  if (ratio != NULL)
    {
      json_builder_set_member_name (builder, ratio_name);
      json_builder_add_string_value (builder, ratio);
    }
  if (size != NULL)
    {
      json_builder_set_member_name (builder, size_name);
      json_builder_add_string_value (builder, size);
    }
  json_builder_end_object (builder);
}
