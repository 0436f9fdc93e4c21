/* bench-answers.c — the realistic 4K answers the answer benchmarks share, made once
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shape of api/REFERENCE.md §3 (a text part and an inlineData part, each with a thought
 * signature, usage, model version, response id; pretty-printed as Google sends it) around a
 * 4096×4096 photo-like picture, as a PNG (as 2.5 answers) and as a quality-90 JPEG (as 3 Pro
 * answers). Made on first use and kept in the build directory.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bench-answers.h"

#define SIDE BENCH_ANSWER_SIDE
#define BENCH_ANSWER_MODEL "gemini-3-pro-image-preview"

/* A photo-like picture: smooth gradients and a soft vignette under fine grain, so that PNG
 * and JPEG compress it about as they compress a photo (PNG about 25 MB at 4096×4096). */
static GdkPixbuf *
make_photo (void)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, SIDE, SIDE);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint32 noise = 20260101;

  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + x * 3;
        int dx = x - SIDE / 2, dy = y - SIDE / 3;
        int vignette = (int) (((gint64) dx * dx + (gint64) dy * dy) / (SIDE * SIDE / 96));

        noise = noise * 1103515245 + 12345;
        p[0] = CLAMP (40 + x * 160 / SIDE - vignette + (int) (noise >> 28), 0, 255);
        p[1] = CLAMP (60 + y * 120 / SIDE - vignette + (int) (noise >> 24 & 15), 0, 255);
        p[2] = CLAMP (180 - (x + y) * 90 / (2 * SIDE) - vignette + (int) (noise >> 20 & 15),
                      0, 255);
      }

  return pixbuf;
}

static char *
random_base64 (gsize    size,
               guint32 *seed)
{
  g_autofree guint8 *bytes = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    {
      *seed = *seed * 1664525 + 1013904223;
      bytes[i] = *seed >> 24;
    }
  return g_base64_encode (bytes, size);
}

/* The answer, laid out as Google lays out a generateContent answer. */
static GBytes *
make_body (GBytes     *image,
           const char *mime_type)
{
  g_autofree char *data = g_base64_encode (g_bytes_get_data (image, NULL),
                                           g_bytes_get_size (image));
  guint32 seed = 7;
  g_autofree char *text_signature = random_base64 (1024, &seed);
  g_autofree char *image_signature = random_base64 (3 * 1024, &seed);
  GString *body = g_string_sized_new (strlen (data) + 8192);

  g_string_append (body,
                   "{\n"
                   "  \"candidates\": [\n"
                   "    {\n"
                   "      \"content\": {\n"
                   "        \"parts\": [\n"
                   "          {\n"
                   "            \"text\": \"Here is the lighthouse at dusk: the beam now "
                   "catches the mist, and the sky is a deeper blue.\",\n");
  g_string_append_printf (body, "            \"thoughtSignature\": \"%s\"\n", text_signature);
  g_string_append (body,
                   "          },\n"
                   "          {\n"
                   "            \"inlineData\": {\n");
  g_string_append_printf (body, "              \"mimeType\": \"%s\",\n", mime_type);
  g_string_append (body, "              \"data\": \"");
  g_string_append (body, data);
  g_string_append (body, "\"\n            },\n");
  g_string_append_printf (body, "            \"thoughtSignature\": \"%s\"\n", image_signature);
  g_string_append (body,
                   "          }\n"
                   "        ],\n"
                   "        \"role\": \"model\"\n"
                   "      },\n"
                   "      \"finishReason\": \"STOP\",\n"
                   "      \"index\": 0\n"
                   "    }\n"
                   "  ],\n"
                   "  \"usageMetadata\": {\n"
                   "    \"promptTokenCount\": 11,\n"
                   "    \"candidatesTokenCount\": 2036,\n"
                   "    \"totalTokenCount\": 2291,\n"
                   "    \"promptTokensDetails\": [\n"
                   "      {\n"
                   "        \"modality\": \"TEXT\",\n"
                   "        \"tokenCount\": 11\n"
                   "      }\n"
                   "    ],\n"
                   "    \"candidatesTokensDetails\": [\n"
                   "      {\n"
                   "        \"modality\": \"IMAGE\",\n"
                   "        \"tokenCount\": 2000\n"
                   "      }\n"
                   "    ],\n"
                   "    \"thoughtsTokenCount\": 244\n"
                   "  },\n"
                   "  \"modelVersion\": \"" BENCH_ANSWER_MODEL "\",\n"
                   "  \"responseId\": \"bXk2aPGnK9uqvr0PzqTGgQM\"\n"
                   "}\n");

  return g_string_free_to_bytes (body);
}

GBytes *
bench_read_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize size;

  if (!g_file_get_contents (path, &contents, &size, NULL))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&contents), size);
}

void
bench_write_file (const char *path,
            GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                            &error))
    g_error ("%s", error->message);
}

void
bench_answer_prepare (const char  *work_dir,
                      const char  *extension,
                      const char  *mime_type,
                      GdkPixbuf  **photo,
                      GBytes     **image,
                      GBytes     **body,
                      char       **body_path)
{
  g_autofree char *image_path = g_strdup_printf ("%s/answer-4k-v%d.%s", work_dir,
                                                 BENCH_ANSWER_VERSION, extension);
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = NULL;
  gsize size;
  gboolean saved;

  *body_path = g_strdup_printf ("%s/answer-4k-v%d-%s.json", work_dir, BENCH_ANSWER_VERSION,
                                extension);
  *image = bench_read_file (image_path);
  *body = bench_read_file (*body_path);
  if (*image != NULL && *body != NULL)
    return;

  g_clear_pointer (image, g_bytes_unref);
  g_clear_pointer (body, g_bytes_unref);
  if (*photo == NULL)
    {
      g_print ("# making the 4096x4096 answers (once; kept in %s)\n", work_dir);
      *photo = make_photo ();
    }

  if (g_str_equal (extension, "png"))
    saved = gdk_pixbuf_save_to_buffer (*photo, &buffer, &size, "png", &error, NULL);
  else
    saved = gdk_pixbuf_save_to_buffer (*photo, &buffer, &size, "jpeg", &error,
                                       "quality", "90", NULL);
  if (!saved)
    g_error ("%s", error->message);
  *image = g_bytes_new_take (g_steal_pointer (&buffer), size);
  *body = make_body (*image, mime_type);
  g_mkdir_with_parents (work_dir, 0755);
  bench_write_file (image_path, *image);
  bench_write_file (*body_path, *body);
}
