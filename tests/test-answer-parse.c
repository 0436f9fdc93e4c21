/* test-answer-parse.c — large answers: images decoded straight from the body
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * chiaro_gemini_parse_response() lifts long plain strings out of large bodies and decodes
 * inlineData's base64 straight from the body. These tests hold it to the plain path: the same
 * answer with every slash escaped ("\/", the same string to JSON) has no string that can be
 * lifted (the long strings here all hold a slash), so json-glib reads it whole and the content
 * code decodes it. Both must give the same result or the same error, for every fixture in
 * gemini/ with real-size images put in, in several layouts, and cut short.
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "chiaro-gemini-wire.h"
#include "chiaro-wire-util.h"
#include "chiaro-test-util.h"

/* Noise compresses badly: a 256×256 PNG of it is about 200 KB, its base64 about 260 KB, so a
 * body holding one is over the size where strings are lifted. */
#define NOISE_SIDE 256

static GBytes *images[3];
static char *images_b64[3];

static GBytes *
make_noise_image (guint32     seed,
                  const char *type)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, NOISE_SIDE,
                                                NOISE_SIDE);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autoptr(GError) error = NULL;
  char *buffer = NULL;
  gsize size = 0;

  for (int y = 0; y < NOISE_SIDE; y++)
    for (int x = 0; x < NOISE_SIDE * 3; x++)
      {
        seed = seed * 1103515245 + 12345;
        pixels[y * stride + x] = seed >> 24;
      }

  if (g_str_equal (type, "png"))
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL);
  else
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error, "quality", "98", NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

static char *
replace_all (const char *text,
             const char *old,
             const char *new)
{
  g_autoptr(GString) string = g_string_new (text);

  g_string_replace (string, old, new, 0);
  return g_string_free (g_steal_pointer (&string), FALSE);
}

/* The plain twin of a body: every '/' as "\/", so that no string holding one is lifted. */
static char *
plain_twin (const char *body)
{
  return replace_all (body, "/", "\\/");
}

/* Where @offset of a body is in its plain twin. */
static gsize
twin_offset (const char *body,
             gsize       offset)
{
  gsize twin = offset;

  for (gsize i = 0; i < offset; i++)
    twin += body[i] == '/';
  return twin;
}

static void
assert_same_part (ChiaroPart *a,
                  ChiaroPart *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpstr (a->text, ==, b->text);
  g_assert_true ((a->data == NULL) == (b->data == NULL));
  if (a->data != NULL)
    g_assert_true (g_bytes_equal (a->data, b->data));
  g_assert_cmpstr (a->mime_type, ==, b->mime_type);
  g_assert_cmpstr (a->sniffed_mime_type, ==, b->sniffed_mime_type);
  g_assert_cmpint (a->thought, ==, b->thought);
  g_assert_cmpstr (a->thought_signature, ==, b->thought_signature);
  g_assert_true ((a->extra == NULL) == (b->extra == NULL));
  if (a->extra != NULL)
    {
      g_autoptr(JsonNode) node_a = json_node_init_object (json_node_alloc (), a->extra);
      g_autoptr(JsonNode) node_b = json_node_init_object (json_node_alloc (), b->extra);

      g_assert_true (json_node_equal (node_a, node_b));
    }
}

static void
assert_same_parts (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_same_part (g_ptr_array_index (a, i), g_ptr_array_index (b, i));
}

typedef struct
{
  ChiaroGenerationResult *result;
  GError                 *error;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->result, chiaro_generation_result_unref);
  g_clear_error (&outcome->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

static void
parse (const char *body,
       gsize       length,
       Outcome    *outcome)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, length);

  outcome->result = chiaro_gemini_parse_stream (bytes, &outcome->error);
  g_assert_true ((outcome->result == NULL) != (outcome->error == NULL));
}

static void
assert_same_outcome (Outcome    *fast,
                     Outcome    *plain,
                     const char *what)
{
  if (g_test_verbose ())
    g_test_message ("%s: %s", what, fast->error != NULL ? fast->error->message : "image");

  if (plain->error != NULL)
    {
      g_assert_nonnull (fast->error);
      g_assert_cmpuint (fast->error->domain, ==, plain->error->domain);
      g_assert_cmpint (fast->error->code, ==, plain->error->code);
      g_assert_cmpstr (fast->error->message, ==, plain->error->message);
      return;
    }

  g_assert_no_error (fast->error);
  assert_same_parts (fast->result->images, plain->result->images);
  assert_same_parts (fast->result->thought_images, plain->result->thought_images);
  assert_same_parts (fast->result->content->parts, plain->result->content->parts);
  g_assert_cmpstr (fast->result->text, ==, plain->result->text);
  g_assert_cmpstr (fast->result->thoughts, ==, plain->result->thoughts);
  g_assert_cmpstr (fast->result->finish_reason, ==, plain->result->finish_reason);
  g_assert_cmpstr (fast->result->finish_message, ==, plain->result->finish_message);
  g_assert_cmpstr (fast->result->model_version, ==, plain->result->model_version);
  g_assert_cmpstr (fast->result->response_id, ==, plain->result->response_id);
  g_assert_cmpint (fast->result->usage.known, ==, plain->result->usage.known);
  g_assert_cmpint (fast->result->usage.total_tokens, ==, plain->result->usage.total_tokens);
  g_assert_cmpint (fast->result->usage.image_tokens, ==, plain->result->usage.image_tokens);
}

/* Parses @body and its plain twin; both must agree. Returns the number of images the fast
 * path decoded while parsing (for a body that is one JSON document). */
static guint
check_body (const char *body,
            const char *what)
{
  g_autofree char *twin = plain_twin (body);
  g_auto(Outcome) fast = { NULL, NULL };
  g_auto(Outcome) plain = { NULL, NULL };
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GHashTable) blobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_bytes_unref);
  g_autoptr(JsonNode) root = NULL;

  parse (body, strlen (body), &fast);
  parse (twin, strlen (twin), &plain);
  assert_same_outcome (&fast, &plain, what);

  root = chiaro_wire_parse_json_with_blobs (bytes, blobs, NULL);
  return g_hash_table_size (blobs);
}

/* Puts the test images into every inlineData of a tree, in turn. Returns how many. */
static guint
put_images (JsonNode *node,
            guint     n_put)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        n_put = put_images (json_array_get_element (array, i), n_put);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_get_member (object, l->data);

          if ((g_str_equal (l->data, "inlineData") || g_str_equal (l->data, "inline_data")) &&
              JSON_NODE_HOLDS_OBJECT (member) &&
              json_object_has_member (json_node_get_object (member), "data"))
            {
              JsonObject *inline_data = json_node_get_object (member);
              guint which = n_put % G_N_ELEMENTS (images);

              json_object_set_string_member (inline_data, "data", images_b64[which]);
              json_object_set_string_member (inline_data, "mimeType",
                                             which == 1 ? "image/jpeg" : "image/png");
              n_put++;
            }
          else
            {
              n_put = put_images (member, n_put);
            }
        }
    }
  return n_put;
}

static char *
to_json (JsonNode *root,
         gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, pretty);
  return json_generator_to_data (generator, NULL);
}

/* The fixture as laid out by @layout: 0 compact, 1 pretty, 2 odd whitespace. NULL when
 * it is not JSON (the SSE fixture is handled event by event). */
static char *
layout_json (const char *text,
             guint       layout,
             guint      *n_put)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;

  if (!json_parser_load_from_data (parser, text, -1, NULL) || json_parser_get_root (parser) == NULL)
    return NULL;

  *n_put = put_images (json_parser_get_root (parser), 0);
  json = to_json (json_parser_get_root (parser), layout > 0);
  if (layout == 2)
    return replace_all (json, "\" : ", "\"\r\n\t :\t\n ");
  return g_steal_pointer (&json);
}

/* The SSE fixture: each event's payload with the images put in. */
static char *
layout_sse (const char *text,
            guint      *n_put)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  *n_put = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (g_str_has_prefix (lines[i], "data: ") &&
          json_parser_load_from_data (parser, lines[i] + 6, -1, NULL))
        {
          g_autofree char *json = NULL;

          *n_put += put_images (json_parser_get_root (parser), *n_put);
          json = to_json (json_parser_get_root (parser), FALSE);
          g_string_append_printf (out, "data: %s\n", json);
        }
      else
        {
          g_string_append_printf (out, "%s%s", lines[i], lines[i + 1] != NULL ? "\n" : "");
        }
    }
  return g_string_free (out, FALSE);
}

/* Cut short: inside the first image, right after it, and before the last bytes. */
static void
check_truncations (const char *body,
                   const char *what)
{
  g_autofree char *twin = plain_twin (body);
  const char *image = strstr (body, images_b64[0]);
  gsize cuts[3];

  if (image == NULL)
    return;

  cuts[0] = image - body + 1000;
  cuts[1] = image - body + strlen (images_b64[0]) + 1;
  cuts[2] = strlen (body) - 3;

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_auto(Outcome) fast = { NULL, NULL };
      g_auto(Outcome) plain = { NULL, NULL };
      g_autofree char *label = g_strdup_printf ("%s cut at %" G_GSIZE_FORMAT, what, cuts[i]);

      parse (body, cuts[i], &fast);
      parse (twin, twin_offset (body, cuts[i]), &plain);
      assert_same_outcome (&fast, &plain, label);
      g_assert_nonnull (fast.error);
    }
}

static void
check_fixture_folder (const char *folder)
{
  g_auto(GStrv) paths = chiaro_test_list_fixtures (folder, "");

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *name = g_path_get_basename (paths[i]);
      g_autoptr(GBytes) file = chiaro_test_read_fixture (folder, name);
      g_autofree char *text = g_strndup (g_bytes_get_data (file, NULL), g_bytes_get_size (file));

      /* As it is. */
      check_body (text, name);

      if (g_str_has_suffix (name, ".sse"))
        {
          guint n_put;
          g_autofree char *sse = layout_sse (text, &n_put);

          g_assert_cmpuint (n_put, >, 0);
          check_body (sse, name);
          continue;
        }

      for (guint layout = 0; layout < 3; layout++)
        {
          guint n_put = 0;
          g_autofree char *body = layout_json (text, layout, &n_put);
          g_autofree char *what = g_strdup_printf ("%s, layout %u", name, layout);
          guint n_decoded;

          if (body == NULL)
            continue;
          n_decoded = check_body (body, what);
          /* Streams as JSON arrays are one document too: each image is decoded. */
          g_assert_cmpuint (n_decoded, ==, n_put);
          if (n_put > 0)
            check_truncations (body, what);
        }
    }
}

static void
test_fixtures (void)
{
  check_fixture_folder ("gemini/responses");
  check_fixture_folder ("gemini/js-genai-recordings");
  check_fixture_folder ("gemini/errors");
  check_fixture_folder ("gemini/openai-compat");
}

/* An answer with @parts_json as its parts. */
static char *
answer_with_parts (const char *parts_json)
{
  return g_strdup_printf ("{\"candidates\": [{\"content\": {\"role\": \"model\", \"parts\": [%s]}, "
                          "\"finishReason\": \"STOP\"}], \"usageMetadata\": {\"promptTokenCount\": 3, "
                          "\"totalTokenCount\": 9}, \"modelVersion\": \"m\", \"responseId\": \"r\"}",
                          parts_json);
}

static ChiaroGenerationResult *
parse_ok (const char *body)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GError) error = NULL;
  ChiaroGenerationResult *result = chiaro_gemini_parse_response (bytes, &error);

  g_assert_no_error (error);
  return result;
}

/* Long text with escapes, and "data": "…" written inside text, next to an image. */
static void
test_escaped_text (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *parts = NULL;
  g_autofree char *body = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;

  while (text->len < 8000)
    {
      g_string_append (text, "Line/ \\\"one\\\"\\n\\u00e9t\\u00e9 \\\\ \\\"data\\\": \\\"");
      g_string_append_len (text, images_b64[1], 64);
      g_string_append (text, "\\\" ");
      g_string_append (expected, "Line/ \"one\"\n\xc3\xa9t\xc3\xa9 \\ \"data\": \"");
      g_string_append_len (expected, images_b64[1], 64);
      g_string_append (expected, "\" ");
    }
  parts = g_strdup_printf ("{\"text\": \"%s\"}, {\"inlineData\": {\"mimeType\": \"image/png\", "
                           "\"data\": \"%s\"}}", text->str, images_b64[0]);
  body = answer_with_parts (parts);

  g_assert_cmpuint (check_body (body, "escaped text"), ==, 1);
  result = parse_ok (body);
  g_assert_cmpstr (result->text, ==, g_strstrip (expected->str));
  g_assert_true (g_bytes_equal (((ChiaroPart *) g_ptr_array_index (result->images, 0))->data,
                                images[0]));
}

/* A "data" member outside inlineData, and an inlineData outside a part, stay text. */
static void
test_data_elsewhere (void)
{
  g_autofree char *parts = g_strdup_printf ("{\"inlineData\": {\"mimeType\": \"image/png\", "
                                            "\"data\": \"%s\"}, \"data\": \"%s\"}",
                                            images_b64[0], images_b64[2]);
  g_autofree char *inner = answer_with_parts (parts);
  g_autofree char *body = NULL;
  g_autoptr(ChiaroGenerationResult) result = NULL;
  ChiaroPart *image;

  /* Also an unknown top-level member holding an inlineData-like object. */
  body = g_strdup_printf ("{\"extra\": {\"data\": \"%s\", \"inline_data\": {\"x\": 1}},%s",
                          images_b64[1], inner + 1);

  g_assert_cmpuint (check_body (body, "data elsewhere"), ==, 1);
  result = parse_ok (body);
  image = g_ptr_array_index (result->images, 0);
  g_assert_true (g_bytes_equal (image->data, images[0]));
  g_assert_nonnull (image->extra);
  g_assert_cmpstr (json_object_get_string_member (image->extra, "data"), ==, images_b64[2]);
}

/* Thought images, images and text interleaved: each decoded, the last non-thought final. */
static void
test_several_images (void)
{
  g_autofree char *parts = g_strdup_printf (
    "{\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"%s\"}, \"thought\": true},"
    "{\"text\": \"first\"},"
    "{\"inline_data\": {\"mime_type\": \"image/jpeg\", \"data\": \"%s\"}, "
    "\"thoughtSignature\": \"c2ln\"},"
    "{\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"%s\"}, \"thoughtSignature\": \"%s\"}",
    images_b64[0], images_b64[1], images_b64[2], images_b64[1]);
  g_autofree char *body = answer_with_parts (parts);
  g_autoptr(ChiaroGenerationResult) result = NULL;
  ChiaroPart *final;

  g_assert_cmpuint (check_body (body, "several images"), ==, 3);
  result = parse_ok (body);
  g_assert_cmpuint (result->thought_images->len, ==, 1);
  g_assert_cmpuint (result->images->len, ==, 2);
  g_assert_true (g_bytes_equal (((ChiaroPart *) g_ptr_array_index (result->thought_images, 0))->data,
                                images[0]));
  g_assert_true (g_bytes_equal (((ChiaroPart *) g_ptr_array_index (result->images, 0))->data,
                                images[1]));
  final = chiaro_generation_result_get_final_image (result);
  g_assert_true (g_bytes_equal (final->data, images[2]));
  /* A long signature is a lifted string given back as text. */
  g_assert_cmpstr (final->thought_signature, ==, images_b64[1]);
}

/* Broken or unusual base64: the same error, or the same lenient decoding, as the plain path. */
static void
test_invalid_base64 (void)
{
  gsize length = strlen (images_b64[0]);
  const gsize offsets[] = { 0, 1, 31, 32, 33, length / 2, length - 5, length - 3 };
  const char bad[] = { '!', '-', '_', '=', ' ', '~' };

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    for (guint j = 0; j < G_N_ELEMENTS (bad); j++)
      {
        g_autofree char *data = g_strdup (images_b64[0]);
        g_autofree char *parts = NULL;
        g_autofree char *body = NULL;
        g_autofree char *what = g_strdup_printf ("'%c' at %" G_GSIZE_FORMAT, bad[j], offsets[i]);

        data[offsets[i]] = bad[j];
        parts = g_strdup_printf ("{\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"%s\"}}",
                                 data);
        body = answer_with_parts (parts);
        /* Not decoded while parsing: left to the plain path. */
        g_assert_cmpuint (check_body (body, what), ==, 0);
      }

  /* Without padding, and with its length one short of a group. */
  {
    g_autofree char *data = g_strdup (images_b64[0]);
    g_autofree char *parts = NULL;
    g_autofree char *body = NULL;

    g_strdelimit (data, "=", '\0');
    data[strlen (data) - 1] = '\0';
    parts = g_strdup_printf ("{\"inlineData\": {\"mimeType\": \"image/png\", \"data\": \"%s\"}}",
                             data);
    body = answer_with_parts (parts);
    check_body (body, "unpadded");
  }
}

/* Long strings with a byte that stops lifting at every offset within a word of eight. */
static void
test_unliftable_bytes (void)
{
  const char *specials[] = { "\xc3\xa9", "\x7f", "\\n", "\\u0001chiaro-lift:0", "\x01" };

  for (guint s = 0; s < G_N_ELEMENTS (specials); s++)
    for (guint offset = 4090; offset < 4140; offset += 3)
      {
        g_autoptr(GString) text = g_string_new (NULL);
        g_autoptr(GString) starting = g_string_new (specials[s]);
        g_autofree char *parts = NULL;
        g_autofree char *body = NULL;
        g_autofree char *what = g_strdup_printf ("special %u at %u", s, offset);

        while (text->len < offset)
          g_string_append_c (text, 'a' + text->len % 26);
        g_string_append (text, specials[s]);
        while (text->len < offset + 100)
          g_string_append_c (text, 'z');
        g_string_append_c (text, '/');
        while (starting->len < offset)
          g_string_append_c (starting, 'y');
        g_string_append_c (starting, '/');
        parts = g_strdup_printf ("{\"text\": \"%s\"}, {\"text\": \"%s\"}, {\"inlineData\": "
                                 "{\"mimeType\": \"image/png\", \"data\": \"%s\"}}",
                                 text->str, starting->str, images_b64[0]);
        body = answer_with_parts (parts);
        check_body (body, what);
      }
}

static void
test_decode_canonical (void)
{
  guint8 bytes[80];
  GBytes *decoded = NULL;

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = i * 37 + 11;

  g_assert_false (chiaro_wire_decode_base64_canonical ("", 0, &decoded));
  for (gsize n = 1; n <= sizeof bytes; n++)
    {
      g_autofree char *text = g_base64_encode (bytes, n);

      g_assert_true (chiaro_wire_decode_base64_canonical (text, strlen (text), &decoded));
      g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), bytes, n);
      g_clear_pointer (&decoded, g_bytes_unref);

      /* One byte outside the alphabet anywhere, or padding inside. */
      for (gsize i = 0; i < strlen (text); i++)
        {
          g_autofree char *bad = g_strdup (text);

          bad[i] = i % 2 ? '-' : '\xc3';
          g_assert_false (chiaro_wire_decode_base64_canonical (bad, strlen (bad), &decoded));
          if (i + 4 < strlen (text))
            {
              bad[i] = '=';
              g_assert_false (chiaro_wire_decode_base64_canonical (bad, strlen (bad), &decoded));
            }
        }
      /* Not a whole number of groups. */
      if (strlen (text) > 4)
        g_assert_false (chiaro_wire_decode_base64_canonical (text, strlen (text) - 1, &decoded));
    }

  /* Unused low bits set: ignored, as g_base64_decode does. */
  {
    gsize n = 0;
    g_autofree guchar *expected = g_base64_decode ("QR==", &n);

    g_assert_true (chiaro_wire_decode_base64_canonical ("QR==", 4, &decoded));
    g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), expected, n);
    g_clear_pointer (&decoded, g_bytes_unref);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      images[i] = make_noise_image (i + 1, i == 1 ? "jpeg" : "png");
      images_b64[i] = g_base64_encode (g_bytes_get_data (images[i], NULL),
                                       g_bytes_get_size (images[i]));
      /* The plain twins rely on it. */
      g_assert_nonnull (strchr (images_b64[i], '/'));
    }

  g_test_add_func ("/chiaro/answer-parse/decode-canonical", test_decode_canonical);
  g_test_add_func ("/chiaro/answer-parse/fixtures", test_fixtures);
  g_test_add_func ("/chiaro/answer-parse/escaped-text", test_escaped_text);
  g_test_add_func ("/chiaro/answer-parse/data-elsewhere", test_data_elsewhere);
  g_test_add_func ("/chiaro/answer-parse/several-images", test_several_images);
  g_test_add_func ("/chiaro/answer-parse/invalid-base64", test_invalid_base64);
  g_test_add_func ("/chiaro/answer-parse/unliftable-bytes", test_unliftable_bytes);

  status = g_test_run ();

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_bytes_unref (images[i]);
      g_free (images_b64[i]);
    }
  return status;
}
