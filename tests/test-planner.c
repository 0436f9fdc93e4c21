/* test-planner.c — fitting images and conversation to a model's limits
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-image-encoder.h"
#include "chiaro-model-catalog.h"
#include "chiaro-request-planner-private.h"
#include "chiaro-request-planner.h"
#include "chiaro-test-util.h"

/* Helpers */

static ChiaroModelInfo *
lookup_model (const char *id)
{
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();

  return chiaro_model_catalog_lookup (catalog, id);
}

static ChiaroPlanInput *
new_input (const char *model_id,
           const char *prompt)
{
  g_autoptr(ChiaroModelInfo) model = lookup_model (model_id);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();

  return chiaro_plan_input_new (model, options, prompt);
}

static ChiaroImage *
image_from_bytes (GBytes     *bytes,
                  const char *name)
{
  g_autoptr(GError) error = NULL;
  ChiaroImage *image = chiaro_image_new_from_bytes (bytes, name, &error);

  g_assert_no_error (error);
  return image;
}

static ChiaroImage *
load_fixture (const char *folder,
              const char *name)
{
  g_autoptr(GFile) file = chiaro_test_fixture_file ("images", folder, name, NULL);
  g_autoptr(GError) error = NULL;
  ChiaroImage *image = chiaro_image_new_from_file (file, NULL, &error);

  g_assert_no_error (error);
  return image;
}

static GdkPixbuf *
decode_bytes (GBytes *bytes)
{
  g_autoptr(ChiaroImage) image = image_from_bytes (bytes, "planned");
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf = chiaro_image_decode (image, NULL, &error);

  g_assert_no_error (error);
  return pixbuf;
}

/* A smooth picture (compresses well) or noise (does not), with or without transparency:
 * alpha falls from opaque at the top to clear at the bottom. */
static GdkPixbuf *
make_pixbuf (int      width,
             int      height,
             gboolean alpha,
             gboolean noise)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  int n = gdk_pixbuf_get_n_channels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * n;

        if (noise)
          {
            p[0] = g_rand_int (rand);
            p[1] = g_rand_int (rand);
            p[2] = g_rand_int (rand);
          }
        else
          {
            p[0] = x * 255 / MAX (width - 1, 1);
            p[1] = y * 255 / MAX (height - 1, 1);
            p[2] = 128;
          }
        if (alpha)
          p[3] = 255 - y * 255 / MAX (height - 1, 1);
      }
  return pixbuf;
}

static GBytes *
save_as (GdkPixbuf  *pixbuf,
         const char *type)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize size = 0;

  gdk_pixbuf_save_to_buffer (pixbuf, &data, &size, type, &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

/* A GIF in four vertical bands: red, green, blue, white (transparent when asked). The image
 * data is LZW with a clear code every two pixels, so every code is 3 bits wide. */
static GBytes *
make_gif (int      width,
          int      height,
          gboolean transparent)
{
  static const guint8 palette[] = { 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255 };
  GByteArray *gif = g_byte_array_new ();
  g_autoptr(GByteArray) codes = g_byte_array_new ();
  guint32 bits = 0;
  int n_bits = 0;
  guint8 header[13] = { 'G', 'I', 'F', '8', '9', 'a', width & 0xff, width >> 8,
                        height & 0xff, height >> 8, 0x91, 0, 0 };
  guint8 control[8] = { 0x21, 0xf9, 0x04, 0x01, 0, 0, 3, 0 };
  guint8 descriptor[10] = { 0x2c, 0, 0, 0, 0, width & 0xff, width >> 8,
                            height & 0xff, height >> 8, 0 };
  guint8 min_code_size = 2;
  guint8 trailer[2] = { 0, 0x3b };
  int n_pixels = width * height;

  g_byte_array_append (gif, header, sizeof header);
  g_byte_array_append (gif, palette, sizeof palette);
  if (transparent)
    g_byte_array_append (gif, control, sizeof control);
  g_byte_array_append (gif, descriptor, sizeof descriptor);
  g_byte_array_append (gif, &min_code_size, 1);

  for (int i = 0; i <= n_pixels; i++)
    {
      int code;

      for (int step = 0; step < 2; step++)
        {
          if (step == 0 && i < n_pixels && i % 2 != 0)
            continue;
          if (step == 0)
            code = i < n_pixels ? 4 : 5;   /* clear, or end of information */
          else if (i < n_pixels)
            code = (i % width) * 4 / width;
          else
            continue;

          bits |= (guint32) code << n_bits;
          n_bits += 3;
          while (n_bits >= 8)
            {
              guint8 byte = bits & 0xff;

              g_byte_array_append (codes, &byte, 1);
              bits >>= 8;
              n_bits -= 8;
            }
        }
    }
  if (n_bits > 0)
    {
      guint8 byte = bits & 0xff;

      g_byte_array_append (codes, &byte, 1);
    }

  for (guint offset = 0; offset < codes->len; offset += 255)
    {
      guint8 length = MIN (255, codes->len - offset);

      g_byte_array_append (gif, &length, 1);
      g_byte_array_append (gif, codes->data + offset, length);
    }
  g_byte_array_append (gif, trailer, sizeof trailer);

  return g_byte_array_free_to_bytes (gif);
}

/* The mean difference per colour channel, on a sampling grid. */
static double
mean_difference (GdkPixbuf *a,
                 GdkPixbuf *b)
{
  int width = gdk_pixbuf_get_width (a);
  int height = gdk_pixbuf_get_height (a);
  guint64 total = 0, count = 0;

  g_assert_cmpint (width, ==, gdk_pixbuf_get_width (b));
  g_assert_cmpint (height, ==, gdk_pixbuf_get_height (b));

  for (int y = 0; y < height; y += 5)
    for (int x = 0; x < width; x += 5)
      for (int c = 0; c < 3; c++)
        {
          const guint8 *pa = gdk_pixbuf_read_pixels (a) + y * gdk_pixbuf_get_rowstride (a) +
                             x * gdk_pixbuf_get_n_channels (a);
          const guint8 *pb = gdk_pixbuf_read_pixels (b) + y * gdk_pixbuf_get_rowstride (b) +
                             x * gdk_pixbuf_get_n_channels (b);

          total += ABS (pa[c] - pb[c]);
          count++;
        }
  return (double) total / count;
}

static const guint8 *
pixel_at (GdkPixbuf *pixbuf,
          int        x,
          int        y)
{
  return gdk_pixbuf_read_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) +
         x * gdk_pixbuf_get_n_channels (pixbuf);
}

static ChiaroPlan *
plan_ok (ChiaroRequestPlanner *planner,
         ChiaroPlanInput      *input)
{
  g_autoptr(GError) error = NULL;
  ChiaroPlan *plan = chiaro_request_planner_plan (planner, input, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  for (guint i = 0; i < plan->changes->len; i++)
    g_test_message ("change: %s",
                    ((ChiaroPlanChange *) g_ptr_array_index (plan->changes, i))->message);
  return plan;
}

static ChiaroContent *
new_turn (ChiaroPlan *plan)
{
  GPtrArray *contents = plan->request->contents;
  ChiaroContent *turn = g_ptr_array_index (contents, contents->len - 1);

  g_assert_cmpstr (turn->role, ==, "user");
  return turn;
}

static ChiaroPart *
part_at (ChiaroContent *content,
         guint          index)
{
  g_assert_cmpuint (index, <, content->parts->len);
  return g_ptr_array_index (content->parts, index);
}

static void
assert_text_part (ChiaroContent *content,
                  guint          index,
                  const char    *text)
{
  ChiaroPart *part = part_at (content, index);

  g_assert_cmpint (part->kind, ==, CHIARO_PART_TEXT);
  g_assert_cmpstr (part->text, ==, text);
}

static ChiaroPart *
assert_image_part (ChiaroContent *content,
                   guint          index,
                   const char    *mime_type)
{
  ChiaroPart *part = part_at (content, index);

  g_assert_cmpint (part->kind, ==, CHIARO_PART_IMAGE);
  g_assert_cmpstr (part->mime_type, ==, mime_type);
  g_assert_cmpstr (part->sniffed_mime_type, ==, mime_type);
  return part;
}

static ChiaroPlanChange *
find_change (ChiaroPlan           *plan,
             ChiaroPlanChangeKind  kind,
             ChiaroPlanTarget      target,
             guint                 index)
{
  for (guint i = 0; i < plan->changes->len; i++)
    {
      ChiaroPlanChange *change = g_ptr_array_index (plan->changes, i);

      if (change->kind == kind && change->target == target &&
          (target == CHIARO_PLAN_TARGET_CONVERSATION || change->index == index))
        return change;
    }
  return NULL;
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

/* What the request takes on the wire, at least: base64 of every image and the text. */
static gsize
request_payload (ChiaroPlan *plan)
{
  gsize total = 0;

  for (guint i = 0; i < plan->request->contents->len; i++)
    {
      ChiaroContent *content = g_ptr_array_index (plan->request->contents, i);

      for (guint j = 0; j < content->parts->len; j++)
        {
          ChiaroPart *part = g_ptr_array_index (content->parts, j);

          if (part->data != NULL)
            total += (g_bytes_get_size (part->data) + 2) / 3 * 4;
          if (part->text != NULL)
            total += strlen (part->text);
        }
    }
  return total;
}

static ChiaroContent *
make_turn (const char *role,
           const char *text,
           gsize       image_size,
           const char *signature)
{
  ChiaroContent *content = chiaro_content_new (role);
  g_autoptr(ChiaroPart) text_part = chiaro_part_new_text (text);

  chiaro_content_add_part (content, text_part);
  if (image_size > 0)
    {
      g_autofree guint8 *data = g_malloc (image_size);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(ChiaroPart) image_part = NULL;

      for (gsize i = 0; i < image_size; i++)
        data[i] = i * 7;
      memcpy (data, "\x89PNG\r\n\x1a\n", 8);
      bytes = g_bytes_new_take (g_steal_pointer (&data), image_size);
      image_part = chiaro_part_new_image (bytes, "image/png");
      if (signature != NULL)
        image_part->thought_signature = g_strdup (signature);
      chiaro_content_add_part (content, image_part);
    }
  return content;
}

/* Tests */

/* Accepted, upright images within the budget go out byte for byte, and nothing is decoded. */
static void
test_keeps_originals (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3.1-flash-image", "Put it on marble");
  g_autoptr(GdkPixbuf) pixbuf = make_pixbuf (300, 200, FALSE, FALSE);
  g_autoptr(GBytes) webp = save_as (pixbuf, "webp");
  g_autoptr(ChiaroImage) canvas = load_fixture ("exif-orientation", "Landscape_1.jpg");
  g_autoptr(ChiaroImage) alpha = load_fixture ("pngsuite", "basn6a08.png");
  g_autoptr(ChiaroImage) web = image_from_bytes (webp, "poster.webp");
  g_autoptr(ChiaroImage) portrait = load_fixture ("exif-orientation", "Portrait_0.jpg");
  g_autoptr(ChiaroPlan) plan = NULL;
  ChiaroImage *sent[] = { canvas, alpha, web, portrait };
  const char *mime_types[] = { "image/jpeg", "image/png", "image/webp", "image/jpeg" };
  ChiaroContent *turn;
  gsize total = 0;

  input->canvas = g_object_ref (canvas);
  chiaro_plan_input_add_reference (input, alpha, NULL);
  chiaro_plan_input_add_reference (input, web, "logo");
  chiaro_plan_input_add_reference (input, portrait, "");

  plan = plan_ok (planner, input);
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 0);
  g_assert_cmpuint (plan->changes->len, ==, 0);
  g_assert_cmpuint (plan->request->contents->len, ==, 1);
  g_assert_true (plan->request->model == input->model);

  /* Prompt, canvas, then "Reference N[: label]" before each reference. */
  turn = new_turn (plan);
  g_assert_cmpuint (turn->parts->len, ==, 8);
  assert_text_part (turn, 0, "Put it on marble");
  assert_text_part (turn, 2, "Reference 1");
  assert_text_part (turn, 4, "Reference 2: logo");
  assert_text_part (turn, 6, "Reference 3");
  for (guint i = 0; i < G_N_ELEMENTS (sent); i++)
    {
      ChiaroPart *part = assert_image_part (turn, i == 0 ? 1 : 2 * i + 1, mime_types[i]);

      g_assert_true (g_bytes_equal (part->data, chiaro_image_get_bytes (sent[i])));
      total += g_bytes_get_size (part->data);
    }
  g_assert_cmpuint (plan->inline_bytes, ==, total);
}

/* Formats the model does not take are decoded and re-encoded: JPEG when opaque, PNG when
 * some pixel is transparent. */
static void
test_converts (void)
{
  static const struct {
    const char *name;
    const char *format;    /* gdk-pixbuf writer, or "gif" */
    gboolean    alpha;
    const char *expected;
    const char *format_name;
  } cases[] = {
    { "bands.gif", "gif", FALSE, "image/jpeg", "GIF" },
    { "clear-bands.gif", "gif", TRUE, "image/png", "GIF" },
    { "scan.tiff", "tiff", FALSE, "image/jpeg", "TIFF" },
    { "cutout.tiff", "tiff", TRUE, "image/png", "TIFF" },
    { "old.bmp", "bmp", FALSE, "image/jpeg", "BMP" },
    { "phone.avif", "avif", FALSE, "image/jpeg", "AVIF" },
  };
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3-pro-image", "Combine them");
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(ChiaroPlan) plan = NULL;
  ChiaroContent *turn;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(ChiaroImage) image = NULL;

      if (g_str_equal (cases[i].format, "gif"))
        bytes = make_gif (64, 24, cases[i].alpha);
      else
        {
          g_autoptr(GdkPixbuf) pixbuf = make_pixbuf (96, 64, cases[i].alpha, FALSE);

          bytes = save_as (pixbuf, cases[i].format);
        }
      image = image_from_bytes (bytes, cases[i].name);
      g_assert_cmpstr (chiaro_image_get_mime_type (image), !=, "image/png");
      chiaro_plan_input_add_reference (input, image, cases[i].name);
      g_ptr_array_add (sources, g_steal_pointer (&image));
    }

  plan = plan_ok (planner, input);
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, G_N_ELEMENTS (cases));
  g_assert_cmpuint (plan->changes->len, ==, G_N_ELEMENTS (cases));
  turn = new_turn (plan);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ChiaroImage *source = g_ptr_array_index (sources, i);
      ChiaroPart *part = assert_image_part (turn, 2 + 2 * i, cases[i].expected);
      ChiaroPlanChange *change = find_change (plan, CHIARO_PLAN_CHANGE_CONVERTED,
                                              CHIARO_PLAN_TARGET_REFERENCE, i);
      g_autoptr(GdkPixbuf) before = chiaro_image_decode (source, NULL, NULL);
      g_autoptr(GdkPixbuf) after = decode_bytes (part->data);
      g_autofree char *reference = g_strdup_printf ("Reference %u ", i + 1);

      g_test_message ("%s", cases[i].name);
      g_assert_nonnull (change);
      g_assert_cmpstr (change->old_mime_type, ==, chiaro_image_get_mime_type (source));
      g_assert_cmpstr (change->new_mime_type, ==, cases[i].expected);
      g_assert_cmpuint (change->old_bytes, ==, g_bytes_get_size (chiaro_image_get_bytes (source)));
      g_assert_cmpuint (change->new_bytes, ==, g_bytes_get_size (part->data));
      g_assert_cmpint (change->new_width, ==, change->old_width);
      assert_contains (change->message, reference);
      assert_contains (change->message, cases[i].format_name);
      assert_contains (change->message, g_str_equal (cases[i].expected, "image/png") ? "PNG"
                                                                                     : "JPEG");

      g_assert_cmpint (gdk_pixbuf_get_width (after), ==, chiaro_image_get_width (source));
      g_assert_cmpint (gdk_pixbuf_get_height (after), ==, chiaro_image_get_height (source));
      /* JPEG blurs the hard edges of the bands a little; a wrong picture differs by far more. */
      g_assert_cmpfloat (mean_difference (before, after), <, 6.0);
      if (cases[i].alpha)
        {
          /* Transparency kept exactly, colours too (PNG is lossless). */
          int w = gdk_pixbuf_get_width (after), h = gdk_pixbuf_get_height (after);

          g_assert_true (gdk_pixbuf_get_has_alpha (after));
          for (int y = 0; y < h; y += 3)
            for (int x = 0; x < w; x += 3)
              g_assert_cmpmem (pixel_at (before, x, y), 4, pixel_at (after, x, y), 4);
        }
    }

  /* The bands of the opaque GIF kept their colours. */
  {
    g_autoptr(GdkPixbuf) after = decode_bytes (assert_image_part (turn, 2, "image/jpeg")->data);
    static const guint8 bands[4][3] = { { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 },
                                        { 255, 255, 255 } };

    for (int b = 0; b < 4; b++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpint (ABS (pixel_at (after, b * 16 + 8, 12)[c] - bands[b][c]), <, 24);
  }
}

/* Photos whose EXIF orientation is not 1 are sent upright. */
static void
test_exif_rotation (void)
{
  static const char *kinds[] = { "Landscape", "Portrait" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *upright_name = g_strdup_printf ("%s_1.jpg", kinds[k]);
      g_autoptr(ChiaroImage) reference = load_fixture ("exif-orientation", upright_name);
      g_autoptr(GdkPixbuf) upright = chiaro_image_decode (reference, NULL, NULL);
      g_autoptr(GdkPixbuf) mirrored = gdk_pixbuf_flip (upright, TRUE);

      g_assert_cmpfloat (mean_difference (upright, mirrored), >, 20.0);

      for (guint n = 0; n <= 8; n++)
        {
          g_autofree char *name = g_strdup_printf ("%s_%u.jpg", kinds[k], n);
          g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
          g_autoptr(ChiaroPlanInput) input = new_input ("gemini-2.5-flash-image", "Warmer");
          g_autoptr(ChiaroImage) image = load_fixture ("exif-orientation", name);
          g_autoptr(ChiaroPlan) plan = NULL;
          g_autoptr(GdkPixbuf) sent = NULL;
          ChiaroPlanChange *change;
          ChiaroPart *part;
          double difference;

          input->canvas = g_object_ref (image);
          plan = plan_ok (planner, input);
          part = assert_image_part (new_turn (plan), 1, "image/jpeg");
          sent = decode_bytes (part->data);
          change = find_change (plan, CHIARO_PLAN_CHANGE_ROTATED, CHIARO_PLAN_TARGET_CANVAS, 0);

          if (n <= 1)
            {
              g_assert_true (part->data == chiaro_image_get_bytes (image));
              g_assert_null (change);
              g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 0);
            }
          else
            {
              g_assert_false (g_bytes_equal (part->data, chiaro_image_get_bytes (image)));
              g_assert_nonnull (change);
              g_assert_cmpuint (plan->changes->len, ==, 1);
              assert_contains (change->message, "turned upright");
              g_assert_cmpint (change->new_width, ==, gdk_pixbuf_get_width (upright));
              g_assert_cmpint (change->new_height, ==, gdk_pixbuf_get_height (upright));
              if (n >= 5)
                {
                  g_assert_cmpint (change->old_width, ==, change->new_height);
                  g_assert_cmpint (change->old_height, ==, change->new_width);
                }
              g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 1);
              /* The sent bytes carry no orientation of their own. */
              {
                g_autoptr(ChiaroImage) check = image_from_bytes (part->data, "sent");

                g_assert_cmpuint (chiaro_image_get_orientation (check), ==, 1);
              }
            }

          difference = mean_difference (upright, sent);
          g_test_message ("%s: mean difference %.2f", name, difference);
          g_assert_cmpfloat (difference, <, 8.0);
        }
    }
}

/* Over the per-image budget: a PNG with transparency stays PNG, a photo stays JPEG, and both
 * come under the budget. */
static void
test_over_image_budget (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3.1-flash-image", "Collage");
  g_autoptr(GdkPixbuf) noisy = make_pixbuf (500, 400, TRUE, TRUE);
  g_autoptr(GBytes) png = save_as (noisy, "png");
  g_autoptr(ChiaroImage) cutout = image_from_bytes (png, "cutout.png");
  g_autoptr(ChiaroImage) photo = load_fixture ("exif-orientation", "Landscape_1.jpg");
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autofree char *budget = g_format_size (200000);
  ChiaroContent *turn;
  ChiaroImage *sources[] = { cutout, photo };
  const char *mime_types[] = { "image/png", "image/jpeg" };

  g_assert_cmpuint (g_bytes_get_size (png), >, 200000);
  g_assert_cmpuint (g_bytes_get_size (chiaro_image_get_bytes (photo)), >, 200000);

  chiaro_request_planner_set_max_image_bytes (planner, 200000);
  chiaro_plan_input_add_reference (input, cutout, "cutout");
  chiaro_plan_input_add_reference (input, photo, "photo");
  plan = plan_ok (planner, input);
  turn = new_turn (plan);
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 2);
  g_assert_cmpuint (plan->changes->len, ==, 2);

  for (guint i = 0; i < 2; i++)
    {
      ChiaroPart *part = assert_image_part (turn, 2 + 2 * i, mime_types[i]);
      ChiaroPlanChange *change = find_change (plan, CHIARO_PLAN_CHANGE_DOWNSCALED,
                                              CHIARO_PLAN_TARGET_REFERENCE, i);
      g_autoptr(GdkPixbuf) sent = decode_bytes (part->data);
      g_autofree char *from = g_strdup_printf ("from %d×%d to %d×%d",
                                               chiaro_image_get_width (sources[i]),
                                               chiaro_image_get_height (sources[i]),
                                               gdk_pixbuf_get_width (sent),
                                               gdk_pixbuf_get_height (sent));

      g_assert_cmpuint (g_bytes_get_size (part->data), <=, 200000);
      g_assert_nonnull (change);
      g_assert_cmpint (change->new_width, ==, gdk_pixbuf_get_width (sent));
      g_assert_cmpint (change->new_height, ==, gdk_pixbuf_get_height (sent));
      g_assert_cmpint (change->new_width, <, change->old_width);
      /* The shape is kept. */
      g_assert_cmpint (ABS (change->new_width * change->old_height -
                            change->new_height * change->old_width), <=, change->old_width);
      assert_contains (change->message, from);
      assert_contains (change->message, budget);
      assert_contains (change->message, i == 0 ? "Reference 1 " : "Reference 2 ");
      if (i == 0)
        g_assert_true (chiaro_image_encoder_has_transparency (sent));
    }
}

/* A photo saved at quality 100 and over the budget is compressed harder at the same size. */
static void
test_recompressed (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3.1-flash-image", "Brighter");
  g_autoptr(ChiaroImage) camera = load_fixture ("exif-orientation", "Landscape_1.jpg");
  g_autoptr(GdkPixbuf) pixels = chiaro_image_decode (camera, NULL, NULL);
  g_autoptr(ChiaroImage) photo = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *budget = g_format_size (700000);
  ChiaroPlanChange *change;
  ChiaroPart *part;
  char *data = NULL;
  gsize size = 0;

  gdk_pixbuf_save_to_buffer (pixels, &data, &size, "jpeg", &error, "quality", "100", NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (size, >, 700000);
  bytes = g_bytes_new_take (data, size);
  photo = image_from_bytes (bytes, "best.jpg");

  chiaro_request_planner_set_max_image_bytes (planner, 700000);
  input->canvas = g_object_ref (photo);
  plan = plan_ok (planner, input);
  part = assert_image_part (new_turn (plan), 1, "image/jpeg");
  g_assert_cmpuint (g_bytes_get_size (part->data), <=, 700000);
  g_assert_cmpuint (plan->changes->len, ==, 1);
  change = g_ptr_array_index (plan->changes, 0);
  g_assert_cmpint (change->kind, ==, CHIARO_PLAN_CHANGE_RECOMPRESSED);
  g_assert_cmpint (change->target, ==, CHIARO_PLAN_TARGET_CANVAS);
  g_assert_cmpint (change->new_width, ==, 1800);
  g_assert_cmpint (change->new_height, ==, 1200);
  g_assert_cmpuint (change->old_bytes, ==, size);
  g_assert_cmpuint (change->new_bytes, ==, g_bytes_get_size (part->data));
  assert_contains (change->message, "The image being edited was compressed from ");
  assert_contains (change->message, budget);
}

/* Images re-encoded anyway are capped at 4096 pixels on the long side. */
static void
test_long_side (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3.1-flash-image", "Banner");
  g_autoptr(GdkPixbuf) wide = make_pixbuf (5000, 400, FALSE, FALSE);
  g_autoptr(GBytes) bmp = save_as (wide, "bmp");
  g_autoptr(ChiaroImage) image = image_from_bytes (bmp, "banner.bmp");
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autoptr(GdkPixbuf) sent = NULL;
  ChiaroPlanChange *change;

  g_assert_cmpuint (g_bytes_get_size (bmp), <, CHIARO_PLANNER_DEFAULT_MAX_IMAGE_BYTES);
  input->canvas = g_object_ref (image);
  plan = plan_ok (planner, input);
  sent = decode_bytes (assert_image_part (new_turn (plan), 1, "image/jpeg")->data);
  g_assert_cmpint (gdk_pixbuf_get_width (sent), ==, CHIARO_PLANNER_MAX_LONG_SIDE);
  g_assert_cmpint (gdk_pixbuf_get_height (sent), ==, 327);

  g_assert_nonnull (find_change (plan, CHIARO_PLAN_CHANGE_CONVERTED,
                                 CHIARO_PLAN_TARGET_CANVAS, 0));
  change = find_change (plan, CHIARO_PLAN_CHANGE_DOWNSCALED, CHIARO_PLAN_TARGET_CANVAS, 0);
  g_assert_nonnull (change);
  assert_contains (change->message, "from 5000×400 to 4096×327, the most detail worth sending");
}

/* Over the request budget the oldest turns go first, a user turn with the model turns after
 * it; the canvas and the references stay as they are. */
static void
test_drops_oldest_turns (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3-pro-image", "Now in winter");
  g_autoptr(GdkPixbuf) small = make_pixbuf (64, 64, FALSE, FALSE);
  g_autoptr(GBytes) png = save_as (small, "png");
  g_autoptr(ChiaroImage) canvas = image_from_bytes (png, "canvas.png");
  g_autoptr(ChiaroImage) reference = load_fixture ("pngsuite", "basn2c08.png");
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autofree char *budget = g_format_size (110000);
  ChiaroPlanChange *change;
  ChiaroContent *turn;

  /* Five turns carry an image of about 40 kB on the wire; the first user turn is answered by
   * two model turns. */
  g_ptr_array_add (input->history, make_turn ("user", "A lighthouse", 0, NULL));
  g_ptr_array_add (input->history, make_turn ("model", "Here it is", 30000, "sigA"));
  g_ptr_array_add (input->history, make_turn ("model", "And another", 30000, "sigB"));
  g_ptr_array_add (input->history, make_turn ("user", "At night", 30000, NULL));
  g_ptr_array_add (input->history, make_turn ("model", "Night", 30000, "sigC"));
  g_ptr_array_add (input->history, make_turn ("user", "With fog", 0, NULL));
  g_ptr_array_add (input->history, make_turn ("model", "Foggy", 30000, "sigD"));
  input->canvas = g_object_ref (canvas);
  chiaro_plan_input_add_reference (input, reference, "style");

  /* A generous budget keeps everything. */
  plan = plan_ok (planner, input);
  g_assert_cmpuint (plan->request->contents->len, ==, 8);
  g_assert_cmpuint (plan->changes->len, ==, 0);
  g_assert_cmpuint (plan->inline_bytes, ==, 5 * 30000 + g_bytes_get_size (png) +
                    g_bytes_get_size (chiaro_image_get_bytes (reference)));
  g_clear_pointer (&plan, chiaro_plan_free);

  /* Room for two turns with images: "At night" and what follows go too far. */
  chiaro_request_planner_set_max_request_bytes (planner, 110000);
  plan = plan_ok (planner, input);
  g_assert_cmpuint (plan->request->contents->len, ==, 3);
  g_assert_true (g_ptr_array_index (plan->request->contents, 0) ==
                 g_ptr_array_index (input->history, 5));
  g_assert_true (g_ptr_array_index (plan->request->contents, 1) ==
                 g_ptr_array_index (input->history, 6));
  g_assert_cmpuint (request_payload (plan), <=, 110000);
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 0);

  turn = new_turn (plan);
  g_assert_true (assert_image_part (turn, 1, "image/png")->data == png);
  assert_text_part (turn, 2, "Reference 1: style");
  g_assert_true (assert_image_part (turn, 3, "image/png")->data ==
                 chiaro_image_get_bytes (reference));

  g_assert_cmpuint (plan->changes->len, ==, 1);
  change = find_change (plan, CHIARO_PLAN_CHANGE_DROPPED_TURNS,
                        CHIARO_PLAN_TARGET_CONVERSATION, 0);
  g_assert_nonnull (change);
  g_assert_cmpuint (change->index, ==, 5);
  assert_contains (change->message, "The oldest 5 turns");
  assert_contains (change->message, budget);
  g_clear_pointer (&plan, chiaro_plan_free);

  /* Smaller still: everything goes, and the first turn of the request is the new one. */
  chiaro_request_planner_set_max_request_bytes (planner, 30000);
  plan = plan_ok (planner, input);
  g_assert_cmpuint (plan->request->contents->len, ==, 1);
  change = g_ptr_array_index (plan->changes, 0);
  g_assert_cmpuint (change->index, ==, 7);
}

/* The canvas is not sent twice while the model turn that made it is kept, and is sent in the
 * new turn when that turn has to go. */
static void
test_canvas_in_last_turn (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3.1-flash-image", "Add a boat");
  g_autoptr(ChiaroImage) canvas = load_fixture ("exif-orientation", "Portrait_1.jpg");
  g_autoptr(ChiaroImage) reference = load_fixture ("pngsuite", "basn0g08.png");
  g_autoptr(ChiaroContent) answer = chiaro_content_new ("model");
  g_autoptr(ChiaroPart) answer_image = NULL;
  g_autoptr(ChiaroPlan) plan = NULL;
  ChiaroContent *turn;
  gsize canvas_size = g_bytes_get_size (chiaro_image_get_bytes (canvas));

  answer_image = chiaro_part_new_image (chiaro_image_get_bytes (canvas), "image/jpeg");
  answer_image->thought_signature = g_strdup ("c2lnbmF0dXJl");
  chiaro_content_add_part (answer, answer_image);
  g_ptr_array_add (input->history, make_turn ("user", "A lake at dawn", 40000, NULL));
  g_ptr_array_add (input->history, chiaro_content_ref (answer));
  input->canvas = g_object_ref (canvas);
  input->canvas_is_last_turn = TRUE;
  chiaro_plan_input_add_reference (input, reference, NULL);

  plan = plan_ok (planner, input);
  g_assert_cmpuint (plan->request->contents->len, ==, 3);
  g_assert_true (g_ptr_array_index (plan->request->contents, 1) == answer);
  turn = new_turn (plan);
  g_assert_cmpuint (turn->parts->len, ==, 3);
  assert_text_part (turn, 0, "Add a boat");
  assert_text_part (turn, 1, "Reference 1");
  assert_image_part (turn, 2, "image/png");
  g_assert_cmpuint (plan->inline_bytes, ==, 40000 + canvas_size +
                    g_bytes_get_size (chiaro_image_get_bytes (reference)));
  g_clear_pointer (&plan, chiaro_plan_free);

  /* Without room for the conversation, the canvas moves into the new turn. */
  chiaro_request_planner_set_max_request_bytes (planner, canvas_size * 4 / 3 + 20000);
  plan = plan_ok (planner, input);
  g_assert_cmpuint (plan->request->contents->len, ==, 1);
  turn = new_turn (plan);
  g_assert_cmpuint (turn->parts->len, ==, 4);
  assert_text_part (turn, 0, "Add a boat");
  g_assert_true (assert_image_part (turn, 1, "image/jpeg")->data ==
                 chiaro_image_get_bytes (canvas));
  assert_text_part (turn, 2, "Reference 1");
  g_assert_cmpuint (plan->changes->len, ==, 1);
  g_assert_cmpuint (((ChiaroPlanChange *) g_ptr_array_index (plan->changes, 0))->index, ==, 2);
  g_clear_pointer (&plan, chiaro_plan_free);

  /* A flag without a conversation to point at: the canvas is sent. */
  chiaro_request_planner_set_max_request_bytes (planner, CHIARO_PLANNER_DEFAULT_MAX_REQUEST_BYTES);
  g_ptr_array_set_size (input->history, 0);
  plan = plan_ok (planner, input);
  g_assert_true (assert_image_part (new_turn (plan), 1, "image/jpeg")->data ==
                 chiaro_image_get_bytes (canvas));
}

/* Photos that cannot fit together share the room: the small PNG keeps its size, the photos
 * are reduced, and what room they leave may keep some of the conversation. */
static void
test_shares_room (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3-pro-image", "Blend");
  g_autoptr(ChiaroImage) canvas = load_fixture ("exif-orientation", "Landscape_1.jpg");
  g_autoptr(ChiaroImage) small = load_fixture ("pngsuite", "basn2c08.png");
  g_autoptr(ChiaroImage) large = load_fixture ("exif-orientation", "Portrait_1.jpg");
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autofree char *budget = g_format_size (300000);
  ChiaroPlanChange *change;
  ChiaroContent *turn;

  input->canvas = g_object_ref (canvas);
  chiaro_plan_input_add_reference (input, small, NULL);
  chiaro_plan_input_add_reference (input, large, NULL);
  g_ptr_array_add (input->history, make_turn ("user", "Old", 10000, NULL));
  g_ptr_array_add (input->history, make_turn ("model", "Old", 10000, NULL));
  chiaro_request_planner_set_max_request_bytes (planner, 300000);

  plan = plan_ok (planner, input);
  g_assert_cmpuint (request_payload (plan), <=, 300000);
  /* Each photo was decoded once. */
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 2);
  /* The conversation is kept whole or not at all. */
  g_assert_true (plan->request->contents->len == 1 || plan->request->contents->len == 3);
  if (plan->request->contents->len == 3)
    g_assert_true (g_ptr_array_index (plan->request->contents, 0) ==
                   g_ptr_array_index (input->history, 0));
  turn = new_turn (plan);

  g_assert_true (assert_image_part (turn, 3, "image/png")->data == chiaro_image_get_bytes (small));
  g_assert_null (find_change (plan, CHIARO_PLAN_CHANGE_DOWNSCALED,
                              CHIARO_PLAN_TARGET_REFERENCE, 0));
  change = find_change (plan, CHIARO_PLAN_CHANGE_DOWNSCALED, CHIARO_PLAN_TARGET_CANVAS, 0);
  g_assert_nonnull (change);
  assert_contains (change->message, "The image being edited was reduced from 1800×1200 to ");
  assert_contains (change->message, budget);
  change = find_change (plan, CHIARO_PLAN_CHANGE_DOWNSCALED, CHIARO_PLAN_TARGET_REFERENCE, 1);
  g_assert_nonnull (change);
  assert_contains (change->message, "Reference 2 was reduced from 1200×1800 to ");
  assert_contains (change->message, "so that the whole request fits in");

  {
    g_autoptr(GdkPixbuf) sent = decode_bytes (assert_image_part (turn, 5, "image/jpeg")->data);

    g_assert_cmpint (gdk_pixbuf_get_width (sent), ==, change->new_width);
    g_assert_cmpint (gdk_pixbuf_get_height (sent), ==, change->new_height);
  }
}

/* Images that only turn out too large once re-encoded are brought down after the
 * conversation is gone: the photo's upright copy takes more than its original. */
static void
test_shrinks_after_dropping (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3-pro-image", "Clearer");
  g_autoptr(ChiaroImage) photo = load_fixture ("exif-orientation", "Landscape_6.jpg");
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autofree char *budget = g_format_size (560000);
  gsize original = g_bytes_get_size (chiaro_image_get_bytes (photo));
  ChiaroPlanChange *change;
  ChiaroPart *part;

  /* The original would fit; re-encoded upright at quality 90 it does not. */
  g_assert_cmpuint (original / 3 * 4 + 5000, <, 560000);
  input->canvas = g_object_ref (photo);
  g_ptr_array_add (input->history, make_turn ("user", "Old", 50000, NULL));
  g_ptr_array_add (input->history, make_turn ("model", "Old", 50000, NULL));
  chiaro_request_planner_set_max_request_bytes (planner, 560000);

  plan = plan_ok (planner, input);
  g_assert_cmpuint (plan->request->contents->len, ==, 1);
  g_assert_cmpuint (request_payload (plan), <=, 560000);
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 2);
  part = assert_image_part (new_turn (plan), 1, "image/jpeg");

  g_assert_nonnull (find_change (plan, CHIARO_PLAN_CHANGE_ROTATED, CHIARO_PLAN_TARGET_CANVAS, 0));
  g_assert_nonnull (find_change (plan, CHIARO_PLAN_CHANGE_DROPPED_TURNS,
                                 CHIARO_PLAN_TARGET_CONVERSATION, 0));
  change = find_change (plan, CHIARO_PLAN_CHANGE_RECOMPRESSED, CHIARO_PLAN_TARGET_CANVAS, 0);
  if (change == NULL)
    change = find_change (plan, CHIARO_PLAN_CHANGE_DOWNSCALED, CHIARO_PLAN_TARGET_CANVAS, 0);
  g_assert_nonnull (change);
  g_assert_cmpuint (change->new_bytes, ==, g_bytes_get_size (part->data));
  assert_contains (change->message, "so that the whole request fits in");
  assert_contains (change->message, budget);
}

/* What cannot be made to fit is refused, with the budget in the message. */
static void
test_too_large (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = NULL;
  g_autoptr(ChiaroImage) photo = load_fixture ("exif-orientation", "Landscape_6.jpg");
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prompt = g_strnfill (5000, 'a');

  /* The prompt alone is over: nothing is decoded. */
  input = new_input ("gemini-3-pro-image", prompt);
  chiaro_plan_input_add_reference (input, photo, NULL);
  chiaro_request_planner_set_max_request_bytes (planner, 4000);
  plan = chiaro_request_planner_plan (planner, input, NULL, &error);
  g_assert_null (plan);
  g_assert_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE);
  {
    g_autofree char *budget = g_format_size (4000);

    assert_contains (error->message, budget);
  }
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 0);
  g_clear_error (&error);
  g_clear_pointer (&input, chiaro_plan_input_free);

  /* Room for the text but not for any picture worth the name. */
  input = new_input ("gemini-3-pro-image", "Short");
  chiaro_plan_input_add_reference (input, photo, NULL);
  chiaro_plan_input_add_reference (input, photo, NULL);
  chiaro_request_planner_set_max_request_bytes (planner, 3000);
  plan = chiaro_request_planner_plan (planner, input, NULL, &error);
  g_assert_null (plan);
  g_assert_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE);
  {
    g_autofree char *budget = g_format_size (3000);

    assert_contains (error->message, budget);
  }
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), >=, 1);
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), <=, 2);
}

/* Whatever the budget, the plan fits in it or is refused as too large. */
static void
test_budget_sweep (void)
{
  g_autoptr(ChiaroImage) photo = load_fixture ("exif-orientation", "Portrait_6.jpg");
  g_autoptr(GBytes) gif = make_gif (64, 24, FALSE);
  g_autoptr(ChiaroImage) bands = image_from_bytes (gif, "bands.gif");
  g_autoptr(ChiaroImage) upright = load_fixture ("exif-orientation", "Landscape_1.jpg");
  guint n_refused = 0, n_planned = 0;

  for (gsize budget = 2000; budget < 900000; budget += budget < 6000 ? 250 : budget / 5)
    {
      g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
      g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3.1-flash-image", "Sweep");
      g_autoptr(ChiaroPlan) plan = NULL;
      g_autoptr(GError) error = NULL;

      input->canvas = g_object_ref (photo);
      chiaro_plan_input_add_reference (input, bands, NULL);
      chiaro_plan_input_add_reference (input, upright, "view");
      g_ptr_array_add (input->history, make_turn ("user", "Before", 20000, NULL));
      g_ptr_array_add (input->history, make_turn ("model", "Done", 20000, "sig"));
      chiaro_request_planner_set_max_request_bytes (planner, budget);

      plan = chiaro_request_planner_plan (planner, input, NULL, &error);
      g_test_message ("budget %" G_GSIZE_FORMAT ": %s", budget,
                      plan != NULL ? "planned" : error->message);
      if (plan == NULL)
        {
          g_autofree char *size = g_format_size (budget);

          g_assert_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE);
          assert_contains (error->message, size);
          n_refused++;
        }
      else
        {
          ChiaroContent *turn = new_turn (plan);

          g_assert_cmpuint (request_payload (plan), <=, budget);
          g_assert_cmpstr (((ChiaroContent *) g_ptr_array_index (plan->request->contents,
                                                                  0))->role, ==, "user");
          g_assert_cmpuint (turn->parts->len, ==, 6);
          assert_image_part (turn, 1, "image/jpeg");
          assert_image_part (turn, 3, "image/jpeg");
          assert_image_part (turn, 5, "image/jpeg");
          n_planned++;
        }
    }
  g_assert_cmpuint (n_refused, >, 0);
  g_assert_cmpuint (n_planned, >, 0);
}

static void
test_too_many_references (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-2.5-flash-image", "Mix");
  g_autoptr(ChiaroImage) photo = load_fixture ("exif-orientation", "Portrait_5.jpg");
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 4; i++)
    chiaro_plan_input_add_reference (input, photo, NULL);

  plan = chiaro_request_planner_plan (planner, input, NULL, &error);
  g_assert_null (plan);
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_UNSUPPORTED_OPTION);
  g_assert_cmpstr (chiaro_api_error_get_reason (error), ==, "references");
  assert_contains (error->message, "3 input images");
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 0);
  g_clear_error (&error);

  /* Any other refusal of the options comes back the same way. */
  g_ptr_array_set_size (input->references, 3);
  input->options->image_size = g_strdup ("4K");
  plan = chiaro_request_planner_plan (planner, input, NULL, &error);
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_UNSUPPORTED_OPTION);
  g_assert_cmpstr (chiaro_api_error_get_reason (error), ==, "image_size");
  g_clear_error (&error);

  g_clear_pointer (&input->options->image_size, g_free);
  plan = plan_ok (planner, input);
  g_assert_cmpuint (new_turn (plan)->parts->len, ==, 7);
}

static void
cancel_on_decode (ChiaroImage *image,
                  gpointer     user_data)
{
  g_cancellable_cancel (user_data);
}

static void
on_planned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
result_arrived (gpointer user_data)
{
  return *(GAsyncResult **) user_data != NULL;
}

static ChiaroPlan *
plan_async_and_wait (ChiaroRequestPlanner  *planner,
                     ChiaroPlanInput       *input,
                     GCancellable          *cancellable,
                     GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_request_planner_plan_async (planner, input, cancellable, on_planned, &result);
  g_assert_true (chiaro_test_wait_until (result_arrived, &result, 30));
  return chiaro_request_planner_plan_finish (planner, result, error);
}

static ChiaroPlanInput *
rotated_input (void)
{
  ChiaroPlanInput *input = new_input ("gemini-3-pro-image", "Sharper");

  for (guint n = 2; n <= 8; n++)
    {
      g_autofree char *name = g_strdup_printf ("Landscape_%u.jpg", n);
      g_autoptr(ChiaroImage) image = load_fixture ("exif-orientation", name);

      chiaro_plan_input_add_reference (input, image, name);
    }
  return input;
}

static void
test_cancel (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = rotated_input ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  /* Already cancelled: nothing is done. */
  g_cancellable_cancel (cancellable);
  plan = chiaro_request_planner_plan (planner, input, cancellable, &error);
  g_assert_null (plan);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 0);
  g_clear_error (&error);

  /* Cancelled while the first image decodes. */
  g_cancellable_reset (cancellable);
  chiaro_request_planner_set_decode_hook (planner, cancel_on_decode, cancellable);
  plan = chiaro_request_planner_plan (planner, input, cancellable, &error);
  g_assert_null (plan);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), >=, 1);
  g_clear_error (&error);

  /* The same through the async call, which owns its input. */
  g_cancellable_reset (cancellable);
  plan = plan_async_and_wait (planner, rotated_input (), cancellable, &error);
  g_assert_null (plan);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  chiaro_request_planner_set_decode_hook (planner, NULL, NULL);
  plan = plan_async_and_wait (planner, rotated_input (), cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Not cancelled, the async call plans. */
  g_cancellable_reset (cancellable);
  plan = plan_async_and_wait (planner, rotated_input (), cancellable, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->changes->len, ==, 7);
}

/* An image that cannot be decoded fails the plan with its own error, whatever else is in the
 * request. */
static void
test_undecodable (void)
{
  g_auto(GStrv) paths = chiaro_test_list_fixtures ("images/png-crashers", ".png");
  g_autoptr(ChiaroImage) photo = load_fixture ("exif-orientation", "Portrait_3.jpg");
  guint refused = 0;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(ChiaroImage) image = chiaro_image_new_from_file (file, NULL, NULL);
      g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
      g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3.1-flash-image", "Fix");
      g_autoptr(ChiaroPlan) plan = NULL;
      g_autoptr(GError) error = NULL;

      if (image == NULL)
        continue;

      /* Forced through the decoder by a budget under its size, with a photo that cannot
       * fit such a budget either: the first image's error is the one reported. */
      chiaro_request_planner_set_max_image_bytes (
        planner, g_bytes_get_size (chiaro_image_get_bytes (image)) - 1);
      chiaro_plan_input_add_reference (input, image, NULL);
      chiaro_plan_input_add_reference (input, photo, NULL);
      plan = chiaro_request_planner_plan (planner, input, NULL, &error);
      g_test_message ("%s: %s", name, error != NULL ? error->message : "planned");

      /* The planner fails exactly where decoding fails, and says so in the decoder's words. */
      {
        g_autoptr(GError) decode_error = NULL;
        g_autoptr(GdkPixbuf) pixbuf = chiaro_image_decode (image, NULL, &decode_error);

        if (pixbuf == NULL)
          {
            g_assert_null (plan);
            g_assert_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_CORRUPT);
            g_assert_cmpstr (error->message, ==, decode_error->message);
            assert_contains (error->message, name);
            refused++;
          }
        else
          {
            /* Then one of them cannot be squeezed under such a budget. */
            g_assert_null (plan);
            g_assert_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE);
            assert_contains (error->message, "cannot be made small enough");
          }
      }
    }
  /* Damaged checksums at least are caught. */
  g_assert_cmpuint (refused, >=, 1);
}

/* A camera-like JPEG of @width × @height as stored: four quadrants (red, green, blue and grey
 * from the top left, clockwise) with a little grain, carrying the EXIF block of the fixture
 * Landscape_6.jpg, that is orientation 6 (turn a quarter clockwise to display). */
static GBytes *
make_sideways_photo (int width,
                     int height)
{
  static const guint8 colours[4][3] = {
    { 220, 40, 40 }, { 40, 200, 60 }, { 50, 60, 210 }, { 128, 128, 128 },
  };
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GFile) fixture = chiaro_test_fixture_file ("images", "exif-orientation",
                                                       "Landscape_6.jpg", NULL);
  g_autoptr(GBytes) exif_source = g_file_load_bytes (fixture, NULL, NULL, NULL);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  GByteArray *out = g_byte_array_new ();
  const guint8 *source, *data;
  gsize source_size, size, offset = 2;
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        /* 0 top left, 1 top right, 2 bottom right, 3 bottom left */
        int quadrant = y < height / 2 ? (x < width / 2 ? 0 : 1) : (x < width / 2 ? 3 : 2);
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * 3;
        int grain = g_rand_int_range (rand, -12, 13);

        for (int c = 0; c < 3; c++)
          p[c] = CLAMP (colours[quadrant][c] + grain, 0, 255);
      }
  plain = save_as (pixbuf, "jpeg");

  /* Copy the fixture's APP1 (Exif) segment in after the start of image. */
  source = g_bytes_get_data (exif_source, &source_size);
  g_assert_nonnull (source);
  while (offset + 4 <= source_size && source[offset] == 0xff && source[offset + 1] != 0xe1 &&
         source[offset + 1] >= 0xe0 && source[offset + 1] <= 0xef)
    offset += 2 + (source[offset + 2] << 8 | source[offset + 3]);
  g_assert_cmpuint (offset + 4, <=, source_size);
  g_assert_cmphex (source[offset + 1], ==, 0xe1);

  data = g_bytes_get_data (plain, &size);
  g_byte_array_append (out, data, 2);
  g_byte_array_append (out, source + offset, 2 + (source[offset + 2] << 8 | source[offset + 3]));
  g_byte_array_append (out, data + 2, size - 2);
  return g_byte_array_free_to_bytes (out);
}

/* A large JPEG that has to come down a little is decoded straight at half its size (libjpeg's
 * own scale, no resampling) when that is close to what the budget or the long side allows,
 * and turned upright after; far below half, the budget decides and the size is not rounded
 * down to a quarter. */
static void
test_dct_scale (void)
{
  g_autoptr(GBytes) bytes = make_sideways_photo (3200, 2400);
  g_autoptr(ChiaroImage) image = image_from_bytes (bytes, "IMG_0001.JPG");
  gsize size = g_bytes_get_size (bytes);

  g_assert_cmpuint (chiaro_image_get_orientation (image), ==, 6);
  g_assert_cmpint (chiaro_image_get_width (image), ==, 2400);
  g_assert_cmpint (chiaro_image_get_height (image), ==, 3200);

  /* At 40 % of its bytes the budget allows about 1900 on the long side: half is 1600. */
  {
    g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
    g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3-pro-image-preview", "Brighter");
    g_autoptr(ChiaroPlan) plan = NULL;
    g_autoptr(GdkPixbuf) sent = NULL;
    ChiaroPlanChange *change;
    ChiaroPart *part;
    const guint8 *p;

    chiaro_request_planner_set_max_image_bytes (planner, size * 4 / 10);
    chiaro_plan_input_add_reference (input, image, NULL);
    plan = plan_ok (planner, input);
    g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, 1);
    g_assert_cmpuint (request_payload (plan), <=, CHIARO_PLANNER_DEFAULT_MAX_REQUEST_BYTES);

    part = assert_image_part (new_turn (plan), 2, "image/jpeg");
    g_assert_cmpuint (g_bytes_get_size (part->data), <=, size * 4 / 10);
    sent = decode_bytes (part->data);
    g_assert_cmpint (gdk_pixbuf_get_width (sent), ==, 1200);
    g_assert_cmpint (gdk_pixbuf_get_height (sent), ==, 1600);

    /* Upright: the stored top left (red) is now the top right, and so on clockwise. */
    p = pixel_at (sent, 900, 400);
    g_assert_cmpint (p[0], >, 180);
    g_assert_cmpint (p[1], <, 90);
    p = pixel_at (sent, 900, 1200);
    g_assert_cmpint (p[1], >, 160);
    g_assert_cmpint (p[0], <, 90);
    p = pixel_at (sent, 300, 1200);
    g_assert_cmpint (p[2], >, 170);
    g_assert_cmpint (p[0], <, 100);
    p = pixel_at (sent, 300, 400);
    g_assert_cmpint (ABS (p[0] - 128), <, 20);
    g_assert_cmpint (ABS (p[2] - 128), <, 20);

    /* And it matches the whole picture decoded upright and scaled down. */
    {
      g_autoptr(GdkPixbuf) full = chiaro_image_decode (image, NULL, NULL);
      g_autoptr(GdkPixbuf) expected = gdk_pixbuf_scale_simple (full, 1200, 1600,
                                                               GDK_INTERP_BILINEAR);
      double difference = mean_difference (expected, sent);

      g_test_message ("half-scale decode: mean difference %.2f", difference);
      g_assert_cmpfloat (difference, <, 6.0);
    }

    g_assert_nonnull (find_change (plan, CHIARO_PLAN_CHANGE_ROTATED,
                                   CHIARO_PLAN_TARGET_REFERENCE, 0));
    change = find_change (plan, CHIARO_PLAN_CHANGE_DOWNSCALED, CHIARO_PLAN_TARGET_REFERENCE, 0);
    g_assert_nonnull (change);
    g_assert_cmpint (change->old_width, ==, 2400);
    g_assert_cmpint (change->old_height, ==, 3200);
    g_assert_cmpint (change->new_width, ==, 1200);
    g_assert_cmpint (change->new_height, ==, 1600);
    assert_contains (change->message, "Reference 1 was reduced from 2400×3200 to 1200×1600");
  }

  /* At 15 % the budget allows about 1180: a quarter (800) would be too far down. */
  {
    g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
    g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3-pro-image-preview", "Brighter");
    g_autoptr(ChiaroPlan) plan = NULL;
    g_autoptr(GdkPixbuf) sent = NULL;
    ChiaroPart *part;
    int long_side;

    chiaro_request_planner_set_max_image_bytes (planner, size * 15 / 100);
    chiaro_plan_input_add_reference (input, image, NULL);
    plan = plan_ok (planner, input);
    part = assert_image_part (new_turn (plan), 2, "image/jpeg");
    g_assert_cmpuint (g_bytes_get_size (part->data), <=, size * 15 / 100);
    sent = decode_bytes (part->data);
    long_side = gdk_pixbuf_get_height (sent);
    g_test_message ("budget-sized decode: %d×%d", gdk_pixbuf_get_width (sent), long_side);
    g_assert_cmpint (long_side, >, 800);
    g_assert_cmpint (long_side, <, 1600);
    g_assert_cmpint (gdk_pixbuf_get_width (sent), ==, long_side * 3 / 4);
    g_assert_cmpint (pixel_at (sent, long_side * 9 / 16, long_side / 4)[0], >, 150);
    g_assert_cmpint (pixel_at (sent, long_side * 9 / 16, long_side / 4)[1], <, 100);
  }

  /* Within the per-image budget but over CHIARO_PLANNER_MAX_LONG_SIDE: half of 5800 is close
   * enough to 4096, and it is the long side that is given as the reason. */
  {
    g_autoptr(GBytes) strip_bytes = make_sideways_photo (5800, 200);
    g_autoptr(ChiaroImage) strip = image_from_bytes (strip_bytes, "PANO_0001.JPG");
    g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
    g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3-pro-image-preview", "Brighter");
    g_autoptr(ChiaroPlan) plan = NULL;
    g_autoptr(GdkPixbuf) sent = NULL;
    ChiaroPlanChange *change;

    input->canvas = g_object_ref (strip);
    plan = plan_ok (planner, input);
    sent = decode_bytes (assert_image_part (new_turn (plan), 1, "image/jpeg")->data);
    g_assert_cmpint (gdk_pixbuf_get_width (sent), ==, 100);
    g_assert_cmpint (gdk_pixbuf_get_height (sent), ==, 2900);
    change = find_change (plan, CHIARO_PLAN_CHANGE_DOWNSCALED, CHIARO_PLAN_TARGET_CANVAS, 0);
    g_assert_nonnull (change);
    assert_contains (change->message, "from 200×5800 to 100×2900, the most detail worth sending");
    g_assert_nonnull (find_change (plan, CHIARO_PLAN_CHANGE_ROTATED,
                                   CHIARO_PLAN_TARGET_CANVAS, 0));
    /* The stored top left (red) is the top right once upright, the bottom left (grey) the
     * top left. */
    g_assert_cmpint (pixel_at (sent, 75, 300)[0], >, 180);
    g_assert_cmpint (pixel_at (sent, 75, 300)[1], <, 90);
    g_assert_cmpint (ABS (pixel_at (sent, 25, 300)[0] - 128), <, 20);
    g_assert_cmpint (ABS (pixel_at (sent, 25, 300)[1] - 128), <, 20);
  }
}

/* Gemini 3 Pro Image takes 14 input images: the photo and 13 references, all sent, in order,
 * the rotated ones upright. */
static void
test_fourteen_references (void)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroPlanInput) input = new_input ("gemini-3-pro-image-preview", "A mood board");
  g_autoptr(ChiaroImage) canvas = load_fixture ("exif-orientation", "Landscape_1.jpg");
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autoptr(GPtrArray) references = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_rotated = 0;
  ChiaroContent *turn;

  input->canvas = g_object_ref (canvas);
  for (guint i = 0; i < 13; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s_%u.jpg", i < 9 ? "Landscape" : "Portrait",
                                               i % 9);
      g_autofree char *label = g_strdup_printf ("board %u", i + 1);
      ChiaroImage *image = load_fixture ("exif-orientation", name);

      chiaro_plan_input_add_reference (input, image, label);
      g_ptr_array_add (references, image);
      if (chiaro_image_get_orientation (image) != 1)
        n_rotated++;
    }
  g_assert_cmpuint (n_rotated, ==, 7 + 2);

  plan = plan_ok (planner, input);
  turn = new_turn (plan);
  g_assert_cmpuint (turn->parts->len, ==, 2 + 2 * 13);
  g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, n_rotated);
  g_assert_cmpuint (plan->changes->len, ==, n_rotated);
  g_assert_true (assert_image_part (turn, 1, "image/jpeg")->data ==
                 chiaro_image_get_bytes (canvas));

  for (guint i = 0; i < 13; i++)
    {
      ChiaroImage *image = g_ptr_array_index (references, i);
      g_autofree char *text = g_strdup_printf ("Reference %u: board %u", i + 1, i + 1);
      ChiaroPart *part;
      ChiaroPlanChange *change;

      assert_text_part (turn, 2 + 2 * i, text);
      part = assert_image_part (turn, 3 + 2 * i, "image/jpeg");
      change = find_change (plan, CHIARO_PLAN_CHANGE_ROTATED, CHIARO_PLAN_TARGET_REFERENCE, i);
      if (chiaro_image_get_orientation (image) == 1)
        {
          g_assert_true (part->data == chiaro_image_get_bytes (image));
          g_assert_null (change);
        }
      else
        {
          g_autoptr(ChiaroImage) sent = image_from_bytes (part->data, "sent");
          g_autofree char *words = g_strdup_printf ("Reference %u was turned upright", i + 1);

          g_assert_nonnull (change);
          assert_contains (change->message, words);
          g_assert_cmpint (chiaro_image_get_width (sent), ==, chiaro_image_get_width (image));
          g_assert_cmpint (chiaro_image_get_height (sent), ==, chiaro_image_get_height (image));
        }
    }
}

static void
test_encoder (void)
{
  g_autoptr(GdkPixbuf) opaque = make_pixbuf (300, 200, TRUE, FALSE);
  g_autoptr(GdkPixbuf) noise = make_pixbuf (300, 200, FALSE, TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *mime_type = NULL;
  int width = 0, height = 0;
  gboolean squeezed = TRUE;
  guint8 *pixels = gdk_pixbuf_get_pixels (opaque);

  /* An alpha channel that is opaque everywhere does not make a PNG. */
  for (int y = 0; y < 200; y++)
    for (int x = 0; x < 300; x++)
      pixels[y * gdk_pixbuf_get_rowstride (opaque) + x * 4 + 3] = 255;
  g_assert_false (chiaro_image_encoder_has_transparency (opaque));
  bytes = chiaro_image_encoder_encode (opaque, 4096, 1000000, NULL, &mime_type, &width, &height,
                                       &squeezed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mime_type, ==, "image/jpeg");
  g_assert_cmpint (width, ==, 300);
  g_assert_cmpint (height, ==, 200);
  g_assert_false (squeezed);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Long side first, then the budget. */
  bytes = chiaro_image_encoder_encode (noise, 150, 1000000, NULL, &mime_type, &width, &height,
                                       &squeezed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (width, ==, 150);
  g_assert_cmpint (height, ==, 100);
  g_assert_false (squeezed);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = chiaro_image_encoder_encode (noise, 4096, 20000, NULL, &mime_type, &width, &height,
                                       &squeezed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), <=, 20000);
  g_assert_cmpint (width, <, 300);
  g_assert_true (squeezed);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Impossible. */
  bytes = chiaro_image_encoder_encode (noise, 4096, 500, NULL, &mime_type, NULL, NULL, NULL,
                                       &error);
  g_assert_null (bytes);
  g_assert_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Cancelled. */
  g_cancellable_cancel (cancellable);
  bytes = chiaro_image_encoder_encode (noise, 4096, 1000000, cancellable, &mime_type, NULL, NULL,
                                       NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/planner/keeps-originals", test_keeps_originals);
  g_test_add_func ("/chiaro/planner/converts", test_converts);
  g_test_add_func ("/chiaro/planner/exif-rotation", test_exif_rotation);
  g_test_add_func ("/chiaro/planner/over-image-budget", test_over_image_budget);
  g_test_add_func ("/chiaro/planner/recompressed", test_recompressed);
  g_test_add_func ("/chiaro/planner/long-side", test_long_side);
  g_test_add_func ("/chiaro/planner/drops-oldest-turns", test_drops_oldest_turns);
  g_test_add_func ("/chiaro/planner/canvas-in-last-turn", test_canvas_in_last_turn);
  g_test_add_func ("/chiaro/planner/shares-room", test_shares_room);
  g_test_add_func ("/chiaro/planner/shrinks-after-dropping", test_shrinks_after_dropping);
  g_test_add_func ("/chiaro/planner/too-large", test_too_large);
  g_test_add_func ("/chiaro/planner/budget-sweep", test_budget_sweep);
  g_test_add_func ("/chiaro/planner/too-many-references", test_too_many_references);
  g_test_add_func ("/chiaro/planner/cancel", test_cancel);
  g_test_add_func ("/chiaro/planner/undecodable", test_undecodable);
  g_test_add_func ("/chiaro/planner/dct-scale", test_dct_scale);
  g_test_add_func ("/chiaro/planner/fourteen-references", test_fourteen_references);
  g_test_add_func ("/chiaro/planner/encoder", test_encoder);

  return g_test_run ();
}
