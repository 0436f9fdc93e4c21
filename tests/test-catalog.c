/* test-catalog.c — the model catalog: limits, pixel sizes, prices, validation, user file
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-generation-request.h"
#include "chiaro-model-catalog.h"
#include "chiaro-test-util.h"

/* The figures below are typed from REFERENCE.md §2.4 and §8, not read from the catalog. */

typedef struct
{
  const char *ratio;
  const char *size;
  int         width;
  int         height;
} PixelCase;

static ChiaroModelInfo *
lookup (const char *id)
{
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();

  return chiaro_model_catalog_lookup (catalog, id);
}

static void
assert_strv (const char * const *found,
             const char * const *expected)
{
  g_assert_nonnull (found);
  g_assert_cmpuint (g_strv_length ((char **) found), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (found[i], ==, expected[i]);
}

static void
test_builtin (void)
{
  static const char * const ten[] = { "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16",
                                      "16:9", "21:9", NULL };
  static const char * const ids[] = { "gemini-3.1-flash-image", "gemini-3-pro-image",
                                      "gemini-2.5-flash-image", NULL };
  static const char * const none[] = { NULL };
  static const char * const flash_sizes[] = { "512", "1K", "2K", "4K", NULL };
  static const char * const pro_sizes[] = { "1K", "2K", "4K", NULL };
  static const char * const levels[] = { "MINIMAL", "HIGH", NULL };
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();
  g_auto(GStrv) found_ids = chiaro_model_catalog_dup_ids (catalog);
  g_autoptr(ChiaroModelInfo) nano = chiaro_model_catalog_lookup (catalog, "gemini-2.5-flash-image");
  g_autoptr(ChiaroModelInfo) pro = chiaro_model_catalog_lookup (catalog, "gemini-3-pro-image");
  g_autoptr(ChiaroModelInfo) two = chiaro_model_catalog_lookup (catalog, "gemini-3.1-flash-image");
  const char * const *ratios;

  assert_strv ((const char * const *) found_ids, ids);
  g_assert_cmpstr (chiaro_model_catalog_get_default_id (catalog), ==, "gemini-3.1-flash-image");

  g_assert_true (chiaro_model_info_is_known (nano));
  g_assert_cmpstr (chiaro_model_info_get_id (nano), ==, "gemini-2.5-flash-image");
  g_assert_cmpstr (chiaro_model_info_get_name (nano), ==, "Nano Banana");
  assert_strv (chiaro_model_info_get_aspect_ratios (nano), ten);
  assert_strv (chiaro_model_info_get_image_sizes (nano), none);
  g_assert_null (chiaro_model_info_get_default_size (nano));
  g_assert_cmpuint (chiaro_model_info_get_max_references (nano), ==, 3);
  g_assert_cmpint (chiaro_model_info_get_thinking (nano), ==, CHIARO_THINKING_NONE);
  assert_strv (chiaro_model_info_get_thinking_levels (nano), none);
  g_assert_cmpint (chiaro_model_info_get_grounding (nano), ==, CHIARO_GROUNDING_NONE);
  g_assert_false (chiaro_model_info_get_system_instruction (nano));
  g_assert_cmpstr (chiaro_model_info_get_output_mime_type (nano), ==, "image/png");
  g_assert_false (chiaro_model_info_accepts_image_size (nano, "1K"));
  g_assert_false (chiaro_model_info_accepts_aspect_ratio (nano, "4:1"));

  g_assert_true (chiaro_model_info_is_known (pro));
  g_assert_cmpstr (chiaro_model_info_get_name (pro), ==, "Nano Banana Pro");
  assert_strv (chiaro_model_info_get_aspect_ratios (pro), ten);
  assert_strv (chiaro_model_info_get_image_sizes (pro), pro_sizes);
  g_assert_cmpstr (chiaro_model_info_get_default_size (pro), ==, "1K");
  g_assert_cmpuint (chiaro_model_info_get_max_references (pro), ==, 14);
  g_assert_cmpint (chiaro_model_info_get_thinking (pro), ==, CHIARO_THINKING_ALWAYS);
  assert_strv (chiaro_model_info_get_thinking_levels (pro), none);
  g_assert_cmpint (chiaro_model_info_get_grounding (pro), ==, CHIARO_GROUNDING_WEB);
  g_assert_true (chiaro_model_info_get_system_instruction (pro));
  g_assert_cmpstr (chiaro_model_info_get_output_mime_type (pro), ==, "image/jpeg");
  g_assert_true (chiaro_model_info_accepts_image_size (pro, "4K"));
  g_assert_false (chiaro_model_info_accepts_image_size (pro, "512"));
  g_assert_false (chiaro_model_info_accepts_image_size (pro, "4k"));

  g_assert_true (chiaro_model_info_is_known (two));
  g_assert_cmpstr (chiaro_model_info_get_name (two), ==, "Nano Banana 2");
  ratios = chiaro_model_info_get_aspect_ratios (two);
  g_assert_cmpuint (g_strv_length ((char **) ratios), ==, 14);
  for (guint i = 0; ten[i] != NULL; i++)
    g_assert_true (g_strv_contains (ratios, ten[i]));
  g_assert_true (g_strv_contains (ratios, "1:4") && g_strv_contains (ratios, "4:1") &&
                 g_strv_contains (ratios, "1:8") && g_strv_contains (ratios, "8:1"));
  assert_strv (chiaro_model_info_get_image_sizes (two), flash_sizes);
  g_assert_cmpstr (chiaro_model_info_get_default_size (two), ==, "1K");
  g_assert_cmpuint (chiaro_model_info_get_max_references (two), ==, 14);
  g_assert_cmpint (chiaro_model_info_get_thinking (two), ==, CHIARO_THINKING_LEVELS);
  assert_strv (chiaro_model_info_get_thinking_levels (two), levels);
  g_assert_cmpint (chiaro_model_info_get_grounding (two), ==, CHIARO_GROUNDING_WEB_AND_IMAGE);
  g_assert_true (chiaro_model_info_get_system_instruction (two));
  g_assert_cmpstr (chiaro_model_info_get_output_mime_type (two), ==, "image/jpeg");
  g_assert_false (chiaro_model_info_accepts_aspect_ratio (two, "7:3"));
}

static void
check_pixels (ChiaroModelInfo *info,
              const PixelCase *cases,
              guint            n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      int width = -1, height = -1;

      g_test_message ("%s %s @ %s", chiaro_model_info_get_id (info), cases[i].ratio,
                      cases[i].size != NULL ? cases[i].size : "(default)");
      g_assert_true (chiaro_model_info_get_pixel_size (info, cases[i].ratio, cases[i].size,
                                                       &width, &height));
      g_assert_cmpint (width, ==, cases[i].width);
      g_assert_cmpint (height, ==, cases[i].height);
    }
}

static void
test_pixel_sizes (void)
{
  /* Every entry of the 3 Pro Image table and of 2.5 Flash Image. */
  static const PixelCase pro[] = {
    { "1:1", "1K", 1024, 1024 }, { "1:1", "2K", 2048, 2048 }, { "1:1", "4K", 4096, 4096 },
    { "2:3", "1K", 848, 1264 }, { "2:3", "2K", 1696, 2528 }, { "2:3", "4K", 3392, 5056 },
    { "3:2", "1K", 1264, 848 }, { "3:2", "2K", 2528, 1696 }, { "3:2", "4K", 5056, 3392 },
    { "3:4", "1K", 896, 1200 }, { "3:4", "2K", 1792, 2400 }, { "3:4", "4K", 3584, 4800 },
    { "4:3", "1K", 1200, 896 }, { "4:3", "2K", 2400, 1792 }, { "4:3", "4K", 4800, 3584 },
    { "4:5", "1K", 928, 1152 }, { "4:5", "2K", 1856, 2304 }, { "4:5", "4K", 3712, 4608 },
    { "5:4", "1K", 1152, 928 }, { "5:4", "2K", 2304, 1856 }, { "5:4", "4K", 4608, 3712 },
    { "9:16", "1K", 768, 1376 }, { "9:16", "2K", 1536, 2752 }, { "9:16", "4K", 3072, 5504 },
    { "16:9", "1K", 1376, 768 }, { "16:9", "2K", 2752, 1536 }, { "16:9", "4K", 5504, 3072 },
    { "21:9", "1K", 1584, 672 }, { "21:9", "2K", 3168, 1344 }, { "21:9", "4K", 6336, 2688 },
    /* No size: the default, 1K. */
    { "16:9", NULL, 1376, 768 },
  };
  static const PixelCase nano[] = {
    { "1:1", NULL, 1024, 1024 }, { "2:3", NULL, 832, 1248 }, { "3:2", NULL, 1248, 832 },
    { "3:4", NULL, 864, 1184 }, { "4:3", NULL, 1184, 864 }, { "4:5", NULL, 896, 1152 },
    { "5:4", NULL, 1152, 896 }, { "9:16", NULL, 768, 1344 }, { "16:9", NULL, 1344, 768 },
    { "21:9", NULL, 1536, 672 },
    /* Its one output class is 1K. */
    { "21:9", "1K", 1536, 672 },
  };
  static const PixelCase two[] = {
    { "1:1", "512", 512, 512 }, { "1:4", "512", 256, 1024 }, { "1:8", "512", 192, 1536 },
    { "2:3", "512", 424, 632 }, { "3:2", "512", 632, 424 }, { "3:4", "512", 448, 600 },
    { "4:1", "512", 1024, 256 }, { "4:3", "512", 600, 448 }, { "4:5", "512", 464, 576 },
    { "5:4", "512", 576, 464 }, { "8:1", "512", 1536, 192 }, { "9:16", "512", 384, 688 },
    { "16:9", "512", 688, 384 },
    /* Google's table says 792x168, which is not 21:9. */
    { "21:9", "512", 792, 336 },
    { "1:1", "1K", 1024, 1024 }, { "1:4", "1K", 512, 2048 }, { "1:8", "1K", 384, 3072 },
    { "4:5", "1K", 928, 1152 }, { "8:1", "1K", 3072, 384 }, { "21:9", "1K", 1584, 672 },
    { "2:3", "2K", 1696, 2528 }, { "4:1", "2K", 4096, 1024 }, { "1:8", "2K", 768, 6144 },
    { "9:16", "2K", 1536, 2752 }, { "21:9", "2K", 3168, 1344 },
    { "1:4", "4K", 2048, 8192 }, { "1:8", "4K", 1536, 12288 }, { "8:1", "4K", 12288, 1536 },
    { "4:3", "4K", 4800, 3584 }, { "16:9", "4K", 5504, 3072 }, { "21:9", "4K", 6336, 2688 },
    { "3:2", NULL, 1264, 848 },
  };
  g_autoptr(ChiaroModelInfo) pro_info = lookup ("gemini-3-pro-image");
  g_autoptr(ChiaroModelInfo) nano_info = lookup ("gemini-2.5-flash-image");
  g_autoptr(ChiaroModelInfo) two_info = lookup ("gemini-3.1-flash-image");
  g_autoptr(ChiaroModelInfo) unknown = lookup ("some-future-model");
  int width = 7, height = 7;

  check_pixels (pro_info, pro, G_N_ELEMENTS (pro));
  check_pixels (nano_info, nano, G_N_ELEMENTS (nano));
  check_pixels (two_info, two, G_N_ELEMENTS (two));

  /* Every ratio the 3.1 model takes has a size at every resolution it offers. */
  for (const char * const *r = chiaro_model_info_get_aspect_ratios (two_info); *r != NULL; r++)
    for (const char * const *s = chiaro_model_info_get_image_sizes (two_info); *s != NULL; s++)
      g_assert_true (chiaro_model_info_get_pixel_size (two_info, *r, *s, NULL, NULL));

  /* What is not documented is not made up, and the outputs are left alone. */
  g_assert_false (chiaro_model_info_get_pixel_size (pro_info, "4:1", "1K", &width, &height));
  g_assert_false (chiaro_model_info_get_pixel_size (pro_info, "1:1", "512", &width, &height));
  g_assert_false (chiaro_model_info_get_pixel_size (nano_info, "1:1", "2K", &width, &height));
  g_assert_false (chiaro_model_info_get_pixel_size (two_info, NULL, "1K", &width, &height));
  g_assert_false (chiaro_model_info_get_pixel_size (two_info, "auto", "1K", &width, &height));
  g_assert_false (chiaro_model_info_get_pixel_size (unknown, "1:1", "1K", &width, &height));
  g_assert_cmpint (width, ==, 7);
  g_assert_cmpint (height, ==, 7);
}

static void
test_aliases (void)
{
  static const struct {
    const char *name;
    const char *id;
  } cases[] = {
    { "gemini-2.5-flash-image-preview", "gemini-2.5-flash-image" },
    { "gemini-3-pro-image-preview", "gemini-3-pro-image" },
    { "gemini-3.1-flash-image-preview", "gemini-3.1-flash-image" },
    { "models/gemini-3-pro-image-preview", "gemini-3-pro-image" },
    { "models/gemini-3.1-flash-image", "gemini-3.1-flash-image" },
  };
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();
  g_auto(GStrv) ids = chiaro_model_catalog_dup_ids (catalog);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ChiaroModelInfo) by_name = chiaro_model_catalog_lookup (catalog, cases[i].name);
      g_autoptr(ChiaroModelInfo) by_id = chiaro_model_catalog_lookup (catalog, cases[i].id);

      g_assert_true (by_name == by_id);
      g_assert_true (chiaro_model_info_is_known (by_name));
      g_assert_cmpstr (chiaro_model_info_get_id (by_name), ==, cases[i].id);
    }

  {
    g_autoptr(ChiaroModelInfo) pro = chiaro_model_catalog_lookup (catalog, "gemini-3-pro-image");
    const char * const expected[] = { "gemini-3-pro-image-preview", NULL };

    assert_strv (chiaro_model_info_get_aliases (pro), expected);
  }

  /* Aliases are not offered as models of their own. */
  for (guint i = 0; ids[i] != NULL; i++)
    g_assert_false (g_str_has_suffix (ids[i], "-preview"));
}

static void
test_unknown (void)
{
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();
  g_autoptr(ChiaroModelInfo) info = chiaro_model_catalog_lookup (catalog,
                                                                 "models/gemini-nano-banana-2.1");
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(GError) error = NULL;
  ChiaroUsage usage = { .prompt_tokens = 10, .candidates_tokens = 1120, .image_tokens = 1120,
                        .known = TRUE };

  g_assert_false (chiaro_model_info_is_known (info));
  g_assert_cmpstr (chiaro_model_info_get_id (info), ==, "gemini-nano-banana-2.1");
  g_assert_cmpstr (chiaro_model_info_get_name (info), ==, "gemini-nano-banana-2.1");
  g_assert_cmpuint (g_strv_length ((char **) chiaro_model_info_get_aspect_ratios (info)), ==, 14);
  g_assert_cmpuint (g_strv_length ((char **) chiaro_model_info_get_image_sizes (info)), ==, 4);
  g_assert_null (chiaro_model_info_get_default_size (info));
  g_assert_cmpuint (chiaro_model_info_get_max_references (info), ==, 14);
  g_assert_cmpint (chiaro_model_info_get_thinking (info), ==, CHIARO_THINKING_LEVELS);
  g_assert_cmpint (chiaro_model_info_get_grounding (info), ==, CHIARO_GROUNDING_WEB_AND_IMAGE);
  g_assert_true (chiaro_model_info_get_system_instruction (info));
  g_assert_null (chiaro_model_info_get_output_mime_type (info));
  g_assert_cmpuint (g_strv_length ((char **) chiaro_model_info_get_aliases (info)), ==, 0);

  /* Whatever the server may take is sent; the server decides. */
  g_assert_true (chiaro_model_info_accepts_aspect_ratio (info, "7:3"));
  g_assert_true (chiaro_model_info_accepts_image_size (info, "8K"));
  options->aspect_ratio = g_strdup ("8:1");
  options->image_size = g_strdup ("4K");
  options->grounding = TRUE;
  options->image_search = TRUE;
  options->system_instruction = g_strdup ("You retouch photos.");
  options->thinking_level = g_strdup ("MEDIUM");
  options->include_thoughts = TRUE;
  g_assert_true (chiaro_generation_options_validate (options, info, 14, &error));
  g_assert_no_error (error);

  /* Prices are unknown, not zero. */
  g_assert_cmpfloat (chiaro_model_info_get_image_price (info, "1K"), <, 0);
  g_assert_cmpuint (chiaro_model_info_get_image_tokens (info, "1K"), ==, 0);
  g_assert_cmpfloat (chiaro_model_info_estimate_cost (info, "1K", 1, 0, 0), <, 0);
  g_assert_cmpfloat (chiaro_model_info_estimate_cost (info, NULL, 2, 3, 100), <, 0);
  g_assert_cmpfloat (chiaro_model_info_cost_from_usage (info, &usage), <, 0);

  /* An empty id is still a model id the server may answer for. */
  {
    g_autoptr(ChiaroModelInfo) empty = chiaro_model_catalog_lookup (catalog, "");

    g_assert_false (chiaro_model_info_is_known (empty));
    g_assert_cmpstr (chiaro_model_info_get_id (empty), ==, "");
  }
}

static void
assert_refused (const char                    *model_id,
                const ChiaroGenerationOptions *options,
                guint                          n_references,
                const char                    *reason,
                const char * const            *words)
{
  g_autoptr(ChiaroModelInfo) info = lookup (model_id);
  g_autoptr(GError) error = NULL;

  g_assert_false (chiaro_generation_options_validate (options, info, n_references, &error));
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_UNSUPPORTED_OPTION);
  g_test_message ("%s: %s", model_id, error->message);
  g_assert_cmpstr (chiaro_api_error_get_reason (error), ==, reason);
  g_assert_nonnull (strstr (error->message, chiaro_model_info_get_name (info)));
  for (guint i = 0; words[i] != NULL; i++)
    g_assert_nonnull (strstr (error->message, words[i]));
}

static void
assert_accepted (const char                    *model_id,
                 const ChiaroGenerationOptions *options,
                 guint                          n_references)
{
  g_autoptr(ChiaroModelInfo) info = lookup (model_id);
  g_autoptr(GError) error = NULL;

  g_assert_true (chiaro_generation_options_validate (options, info, n_references, &error));
  g_assert_no_error (error);
}

static void
test_validation (void)
{
  g_autoptr(ChiaroGenerationOptions) plain = chiaro_generation_options_new ();
  g_autoptr(ChiaroGenerationOptions) options = NULL;

  /* Nothing set: every model takes it, with as many references as it allows. */
  assert_accepted ("gemini-2.5-flash-image", plain, 3);
  assert_accepted ("gemini-3-pro-image", plain, 14);
  assert_accepted ("gemini-3.1-flash-image-preview", plain, 14);

  options = chiaro_generation_options_copy (plain);
  options->aspect_ratio = g_strdup ("4:1");
  assert_refused ("gemini-3-pro-image", options, 0, "aspect_ratio",
                  (const char *[]) { "aspect ratio", "4:1", "16:9", NULL });
  assert_accepted ("gemini-3.1-flash-image", options, 0);
  g_clear_pointer (&options->aspect_ratio, g_free);
  options->aspect_ratio = g_strdup ("auto");
  assert_accepted ("gemini-2.5-flash-image", options, 0);
  g_clear_pointer (&options, chiaro_generation_options_free);

  options = chiaro_generation_options_copy (plain);
  options->image_size = g_strdup ("2K");
  assert_refused ("gemini-2.5-flash-image", options, 0, "image_size",
                  (const char *[]) { "resolution", NULL });
  assert_accepted ("gemini-3-pro-image", options, 0);
  g_clear_pointer (&options->image_size, g_free);
  options->image_size = g_strdup ("512");
  assert_refused ("gemini-3-pro-image-preview", options, 0, "image_size",
                  (const char *[]) { "resolution", "512", "1K, 2K, 4K", NULL });
  assert_accepted ("gemini-3.1-flash-image", options, 0);
  g_clear_pointer (&options, chiaro_generation_options_free);

  options = chiaro_generation_options_copy (plain);
  options->grounding = TRUE;
  assert_refused ("gemini-2.5-flash-image", options, 0, "grounding",
                  (const char *[]) { "Google Search", NULL });
  assert_accepted ("gemini-3-pro-image", options, 0);
  options->image_search = TRUE;
  assert_refused ("gemini-3-pro-image", options, 0, "image_search",
                  (const char *[]) { "image search", NULL });
  assert_accepted ("gemini-3.1-flash-image", options, 0);
  g_clear_pointer (&options, chiaro_generation_options_free);

  options = chiaro_generation_options_copy (plain);
  options->system_instruction = g_strdup ("Keep the colours natural.");
  assert_refused ("gemini-2.5-flash-image", options, 0, "system_instruction",
                  (const char *[]) { "system instruction", NULL });
  assert_accepted ("gemini-3-pro-image", options, 0);
  assert_accepted ("gemini-3.1-flash-image", options, 0);
  g_clear_pointer (&options, chiaro_generation_options_free);

  assert_refused ("gemini-2.5-flash-image", plain, 4, "references",
                  (const char *[]) { "3 input images", NULL });
  assert_refused ("gemini-3-pro-image", plain, 15, "references",
                  (const char *[]) { "14 input images", NULL });

  options = chiaro_generation_options_copy (plain);
  options->thinking_level = g_strdup ("HIGH");
  assert_refused ("gemini-3-pro-image", options, 0, "thinking_level",
                  (const char *[]) { "thinking level", "HIGH", NULL });
  assert_refused ("gemini-2.5-flash-image", options, 0, "thinking_level",
                  (const char *[]) { "thinking level", "HIGH", NULL });
  assert_accepted ("gemini-3.1-flash-image", options, 0);
  g_clear_pointer (&options->thinking_level, g_free);
  options->thinking_level = g_strdup ("MEDIUM");
  assert_refused ("gemini-3.1-flash-image", options, 0, "thinking_level",
                  (const char *[]) { "MEDIUM", NULL });
}

static void
test_prices (void)
{
  static const struct {
    const char *id;
    const char *size;
    double      price;
    guint       tokens;
  } cases[] = {
    { "gemini-2.5-flash-image", NULL, 0.039, 1290 },
    { "gemini-3-pro-image", "1K", 0.134, 1120 },
    { "gemini-3-pro-image", "2K", 0.134, 1120 },
    { "gemini-3-pro-image", "4K", 0.24, 2000 },
    { "gemini-3.1-flash-image", "512", 0.045, 747 },
    { "gemini-3.1-flash-image", "1K", 0.067, 1120 },
    { "gemini-3.1-flash-image", "2K", 0.101, 1680 },
    { "gemini-3.1-flash-image", "4K", 0.151, 2520 },
    /* No size: the default. */
    { "gemini-3.1-flash-image", NULL, 0.067, 1120 },
    { "gemini-3-pro-image", NULL, 0.134, 1120 },
  };
  /* USD per million image output tokens. */
  static const struct {
    const char *id;
    double      rate;
  } image_rates[] = {
    { "gemini-2.5-flash-image", 30 }, { "gemini-3-pro-image", 120 },
    { "gemini-3.1-flash-image", 60 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ChiaroModelInfo) info = lookup (cases[i].id);
      ChiaroUsage usage = { 0 };
      double rate = 0;

      g_test_message ("%s @ %s", cases[i].id, cases[i].size);
      g_assert_cmpfloat_with_epsilon (chiaro_model_info_estimate_cost (info, cases[i].size,
                                                                       1, 0, 0),
                                      cases[i].price, 1e-9);
      g_assert_cmpfloat_with_epsilon (chiaro_model_info_get_image_price (info, cases[i].size),
                                      cases[i].price, 1e-9);
      g_assert_cmpuint (chiaro_model_info_get_image_tokens (info, cases[i].size), ==,
                        cases[i].tokens);

      /* The published price is the tokens at the image rate, rounded to a tenth of a cent. */
      for (guint j = 0; j < G_N_ELEMENTS (image_rates); j++)
        if (g_str_equal (image_rates[j].id, cases[i].id))
          rate = image_rates[j].rate;
      g_assert_cmpfloat_with_epsilon (cases[i].tokens * rate / 1e6, cases[i].price, 0.0006);

      /* An answer of exactly one image costs the image tokens at the image rate. */
      usage.known = TRUE;
      usage.candidates_tokens = usage.image_tokens = cases[i].tokens;
      g_assert_cmpfloat_with_epsilon (chiaro_model_info_cost_from_usage (info, &usage),
                                      cases[i].tokens * rate / 1e6, 1e-12);
    }

  {
    g_autoptr(ChiaroModelInfo) pro = lookup ("gemini-3-pro-image");
    g_autoptr(ChiaroModelInfo) nano = lookup ("gemini-2.5-flash-image");
    g_autoptr(ChiaroModelInfo) two = lookup ("gemini-3.1-flash-image");

    /* Two variants (two requests), each with three input images of 560 tokens and a
     * 400-character prompt (100 tokens) at $2 per million. */
    g_assert_cmpfloat_with_epsilon (chiaro_model_info_estimate_cost (pro, "2K", 2, 3, 400),
                                    2 * (0.134 + (3 * 560 + 100) * 2.0 / 1e6), 1e-12);
    /* A 401-character prompt counts 101 tokens. */
    g_assert_cmpfloat_with_epsilon (chiaro_model_info_estimate_cost (two, "4K", 1, 0, 401),
                                    0.151 + 101 * 0.5 / 1e6, 1e-12);
    /* 2.5 Flash Image counts an input image as 1290 tokens, at $0.30 per million. */
    g_assert_cmpfloat_with_epsilon (chiaro_model_info_estimate_cost (nano, NULL, 1, 2, 0),
                                    0.039 + 2 * 1290 * 0.3 / 1e6, 1e-12);
    g_assert_cmpfloat (chiaro_model_info_estimate_cost (two, NULL, 0, 3, 100), ==, 0);

    /* Sizes a model does not make have no price. */
    g_assert_cmpfloat (chiaro_model_info_estimate_cost (nano, "2K", 1, 0, 0), <, 0);
    g_assert_cmpfloat (chiaro_model_info_get_image_price (pro, "512"), <, 0);
    g_assert_cmpuint (chiaro_model_info_get_image_tokens (pro, "512"), ==, 0);
  }
}

static void
read_usage (const char  *fixture,
            ChiaroUsage *usage)
{
  g_autofree char *path = chiaro_test_fixture_path ("gemini", "responses", fixture, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *metadata;
  JsonArray *details;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  metadata = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                            "usageMetadata");
  g_assert_nonnull (metadata);

  memset (usage, 0, sizeof *usage);
  usage->known = TRUE;
  usage->prompt_tokens = json_object_get_int_member_with_default (metadata, "promptTokenCount", 0);
  usage->candidates_tokens = json_object_get_int_member_with_default (metadata,
                                                                      "candidatesTokenCount", 0);
  usage->thoughts_tokens = json_object_get_int_member_with_default (metadata,
                                                                    "thoughtsTokenCount", 0);
  usage->total_tokens = json_object_get_int_member_with_default (metadata, "totalTokenCount", 0);
  details = json_object_get_array_member (metadata, "candidatesTokensDetails");
  for (guint i = 0; i < json_array_get_length (details); i++)
    {
      JsonObject *detail = json_array_get_object_element (details, i);

      if (g_strcmp0 (json_object_get_string_member (detail, "modality"), "IMAGE") == 0)
        usage->image_tokens += json_object_get_int_member (detail, "tokenCount");
    }
}

static void
test_usage_cost (void)
{
  g_autoptr(ChiaroModelInfo) pro = lookup ("gemini-3-pro-image-preview");
  g_autoptr(ChiaroModelInfo) nano = lookup ("gemini-2.5-flash-image-preview");
  ChiaroUsage usage;

  /* 32 prompt tokens, 1772 candidates of which 1120 image, 748 thoughts:
   * 32 × $2 + 1120 × $120 + (652 + 748) × $12, per million. */
  read_usage ("gemini-3-pro-image-preview.relay-sample.thoughts-jpeg.json", &usage);
  g_assert_cmpint (usage.image_tokens, ==, 1120);
  g_assert_cmpfloat_with_epsilon (chiaro_model_info_cost_from_usage (pro, &usage),
                                  0.000064 + 0.1344 + 0.0168, 1e-12);

  /* An edit on 2.5 Flash Image: 2598 prompt tokens (two images) and one image out. */
  read_usage ("gemini-2.5-flash-image-preview.edit.nonstream.json", &usage);
  g_assert_cmpfloat_with_epsilon (chiaro_model_info_cost_from_usage (nano, &usage),
                                  2598 * 0.3 / 1e6 + 1290 * 30 / 1e6, 1e-12);

  /* Text it adds is charged at the assumed 2.5 Flash text rate, $2.50 per million. */
  usage.candidates_tokens += 12;
  g_assert_cmpfloat_with_epsilon (chiaro_model_info_cost_from_usage (nano, &usage),
                                  2598 * 0.3 / 1e6 + 1290 * 30 / 1e6 + 12 * 2.5 / 1e6, 1e-12);

  /* Nor has an answer without usage. */
  usage.known = FALSE;
  g_assert_cmpfloat (chiaro_model_info_cost_from_usage (pro, &usage), <, 0);
}

static GFile *
write_file (const char *name,
            const char *contents)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "catalog-files", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static const char user_catalog[] =
  "{ \"version\": 1, \"default_model\": \"gemini-nano-banana-2.1\", \"comment\": \"ignored\",\n"
  "  \"models\": [\n"
  "    { \"id\": \"gemini-3-pro-image\", \"name\": \"Pro (my prices)\",\n"
  "      \"aliases\": [\"gemini-3-pro-image-preview\"],\n"
  "      \"aspect_ratios\": [\"1:1\", \"16:9\"], \"image_sizes\": [\"1K\", \"4K\"],\n"
  "      \"default_size\": \"4K\", \"max_references\": 6, \"thinking\": \"always\",\n"
  "      \"grounding\": \"web\", \"system_instruction\": true, \"future_member\": [1, 2],\n"
  "      \"prices\": { \"input_per_million\": 1, \"image_output_per_million\": 100 },\n"
  "      \"outputs\": { \"4K\": { \"price\": 0.2, \"tokens\": 2000,\n"
  "                             \"pixels\": { \"16:9\": \"5504x3072\" } } } },\n"
  "    { \"id\": \"gemini-nano-banana-2.1\", \"name\": \"Nano Banana 2.1\" }\n"
  "  ] }\n";

static void
check_user_catalog (ChiaroModelCatalog *catalog)
{
  static const char * const ids[] = { "gemini-3.1-flash-image", "gemini-3-pro-image",
                                      "gemini-2.5-flash-image", "gemini-nano-banana-2.1", NULL };
  g_auto(GStrv) found_ids = chiaro_model_catalog_dup_ids (catalog);
  g_autoptr(ChiaroModelInfo) pro = NULL;
  g_autoptr(ChiaroModelInfo) added = NULL;
  g_autoptr(ChiaroModelInfo) two = NULL;
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  int width = 0, height = 0;

  pro = chiaro_model_catalog_lookup (catalog, "gemini-3-pro-image-preview");
  added = chiaro_model_catalog_lookup (catalog, "gemini-nano-banana-2.1");
  two = chiaro_model_catalog_lookup (catalog, "gemini-3.1-flash-image");

  /* Replaced in place, added at the end. */
  assert_strv ((const char * const *) found_ids, ids);
  g_assert_cmpstr (chiaro_model_catalog_get_default_id (catalog), ==, "gemini-nano-banana-2.1");

  g_assert_cmpstr (chiaro_model_info_get_id (pro), ==, "gemini-3-pro-image");
  g_assert_cmpstr (chiaro_model_info_get_name (pro), ==, "Pro (my prices)");
  g_assert_cmpuint (chiaro_model_info_get_max_references (pro), ==, 6);
  g_assert_false (chiaro_model_info_accepts_aspect_ratio (pro, "4:3"));
  g_assert_cmpfloat_with_epsilon (chiaro_model_info_estimate_cost (pro, NULL, 1, 1, 0),
                                  0.2 + 560 * 1.0 / 1e6, 1e-12);
  g_assert_cmpfloat (chiaro_model_info_estimate_cost (pro, "1K", 1, 0, 0), <, 0);
  g_assert_true (chiaro_model_info_get_pixel_size (pro, "16:9", NULL, &width, &height));
  g_assert_cmpint (width, ==, 5504);
  g_assert_false (chiaro_model_info_get_pixel_size (pro, "1:1", "4K", NULL, NULL));
  /* The user's file left out the text rate, so it is unknown, not the built-in one. */
  {
    ChiaroUsage usage = { .candidates_tokens = 2100, .image_tokens = 2000, .known = TRUE };

    g_assert_cmpfloat (chiaro_model_info_cost_from_usage (pro, &usage), <, 0);
  }

  /* A minimal entry is listed (known) and takes every option; its prices are unknown. */
  g_assert_true (chiaro_model_info_is_known (added));
  g_assert_cmpstr (chiaro_model_info_get_name (added), ==, "Nano Banana 2.1");
  g_assert_cmpuint (chiaro_model_info_get_max_references (added), ==, 14);
  g_assert_cmpint (chiaro_model_info_get_thinking (added), ==, CHIARO_THINKING_LEVELS);
  options->aspect_ratio = g_strdup ("1:8");
  options->image_size = g_strdup ("512");
  options->grounding = options->image_search = TRUE;
  options->system_instruction = g_strdup ("x");
  g_assert_true (chiaro_generation_options_validate (options, added, 14, NULL));
  g_assert_cmpfloat (chiaro_model_info_estimate_cost (added, NULL, 1, 0, 0), <, 0);

  /* The others are the built-in ones. */
  g_assert_cmpstr (chiaro_model_info_get_name (two), ==, "Nano Banana 2");
  g_assert_cmpfloat_with_epsilon (chiaro_model_info_get_image_price (two, "2K"), 0.101, 1e-9);
}

static void
test_user_file (void)
{
  g_autoptr(GFile) file = write_file ("user-models.json", user_catalog);
  g_autoptr(GFile) missing = write_file ("gone.json", "");
  g_autoptr(ChiaroModelCatalog) catalog = NULL;
  g_autoptr(ChiaroModelCatalog) plain = NULL;
  g_autoptr(GError) error = NULL;

  catalog = chiaro_model_catalog_new_with_user_file (file, &error);
  g_assert_no_error (error);
  check_user_catalog (catalog);

  /* Merging by hand gives the same. */
  g_clear_object (&catalog);
  catalog = chiaro_model_catalog_new ();
  g_assert_true (chiaro_model_catalog_merge_file (catalog, file, &error));
  g_assert_no_error (error);
  check_user_catalog (catalog);

  /* No user file: the built-in catalog, no error. */
  g_assert_true (g_file_delete (missing, NULL, NULL));
  plain = chiaro_model_catalog_new_with_user_file (missing, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plain);
  g_assert_cmpstr (chiaro_model_catalog_get_default_id (plain), ==, "gemini-3.1-flash-image");
  g_clear_object (&plain);
  plain = chiaro_model_catalog_new_with_user_file (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chiaro_model_catalog_get_default_id (plain), ==, "gemini-3.1-flash-image");

  /* Asked for explicitly, a missing file is an error. */
  g_assert_false (chiaro_model_catalog_merge_file (plain, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "gone.json"));
}

/* A user entry named like a built-in alias is found by that name; the alias still leads to
 * the built-in entry otherwise. */
static void
test_user_alias (void)
{
  g_autoptr(GFile) file = write_file ("alias-models.json",
                                      "{\"version\": 1, \"models\": [{\"id\": "
                                      "\"gemini-3-pro-image-preview\", \"max_references\": 2}]}");
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new_with_user_file (file, NULL);
  g_autoptr(ChiaroModelInfo) preview = NULL;
  g_autoptr(ChiaroModelInfo) pro = NULL;

  g_assert_nonnull (catalog);
  preview = chiaro_model_catalog_lookup (catalog, "models/gemini-3-pro-image-preview");
  pro = chiaro_model_catalog_lookup (catalog, "gemini-3-pro-image");
  g_assert_cmpuint (chiaro_model_info_get_max_references (preview), ==, 2);
  g_assert_cmpstr (chiaro_model_info_get_name (preview), ==, "gemini-3-pro-image-preview");
  g_assert_cmpuint (chiaro_model_info_get_max_references (pro), ==, 14);
  g_assert_cmpstr (chiaro_model_catalog_get_default_id (catalog), ==, "gemini-3.1-flash-image");
}

static void
test_broken (void)
{
  static const struct {
    const char *json;
    const char *words;   /* in the message */
  } cases[] = {
    { "", "JSON" },
    { "{\"version\": 1, \"models\": [", "JSON" },
    { "[1, 2]", "JSON object" },
    { "{\"models\": []}", "version" },
    { "{\"version\": \"1\", \"models\": []}", "version" },
    { "{\"version\": 2, \"models\": []}", "version 2" },
    { "{\"version\": 1, \"models\": {}}", "“models”" },
    { "{\"version\": 1, \"models\": [3]}", "model 1" },
    { "{\"version\": 1, \"models\": [{\"name\": \"x\"}]}", "“id”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"models/x\"}]}", "“id”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"a\"}, {\"id\": 5}]}", "model 2" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"name\": 5}]}", "“name”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"aliases\": \"y\"}]}", "“aliases”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"aspect_ratios\": [\"1:1\", 2]}]}",
      "“aspect_ratios”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"image_sizes\": [\"\"]}]}",
      "“image_sizes”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"max_references\": -1}]}",
      "“max_references”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"max_references\": 2.5}]}",
      "“max_references”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"thinking\": \"sometimes\"}]}",
      "none, always, levels" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"grounding\": \"maps\"}]}",
      "“grounding”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"system_instruction\": 1}]}",
      "“system_instruction”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"image_sizes\": [\"1K\"], "
      "\"default_size\": \"2K\"}]}", "“default_size”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"prices\": []}]}", "“prices”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"prices\": "
      "{\"input_per_million\": -2}}]}", "“input_per_million”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"prices\": "
      "{\"input_per_million\": \"cheap\"}}]}", "“input_per_million”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"outputs\": {\"1K\": 3}}]}", "“1K”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"outputs\": "
      "{\"1K\": {\"pixels\": {\"1:1\": \"1024*1024\"}}}}]}", "WIDTHxHEIGHT" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"outputs\": "
      "{\"1K\": {\"pixels\": {\"1:1\": \"0x1024\"}}}}]}", "WIDTHxHEIGHT" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"outputs\": "
      "{\"1K\": {\"pixels\": {\"1:1\": \"1024x1024 \"}}}}]}", "WIDTHxHEIGHT" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\", \"outputs\": "
      "{\"1K\": {\"tokens\": 1e3}}}]}", "“tokens”" },
    { "{\"version\": 1, \"models\": [{\"id\": \"x\"}, {\"id\": \"x\"}]}", "twice" },
    { "{\"version\": 1, \"default_model\": \"y\", \"models\": [{\"id\": \"x\"}]}",
      "“default_model”" },
    { "{\"version\": 1, \"default_model\": 3, \"models\": []}", "“default_model”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) json = g_bytes_new_static (cases[i].json, strlen (cases[i].json));
      g_autoptr(GError) error = NULL;
      g_autoptr(ChiaroModelCatalog) catalog = NULL;

      g_test_message ("case %u: %s", i, cases[i].json);
      catalog = chiaro_model_catalog_new_from_bytes (json, &error);
      g_assert_null (catalog);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_test_message ("→ %s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }

  /* A catalog of its own: what the document says, and nothing built in. */
  {
    g_autoptr(GBytes) json = g_bytes_new_static ("{\"version\": 1}", 14);
    g_autoptr(ChiaroModelCatalog) empty = chiaro_model_catalog_new_from_bytes (json, NULL);
    g_auto(GStrv) ids = NULL;

    g_assert_nonnull (empty);
    ids = chiaro_model_catalog_dup_ids (empty);
    g_assert_cmpuint (g_strv_length (ids), ==, 0);
    g_assert_null (chiaro_model_catalog_get_default_id (empty));
  }
}

/* A broken user file is reported, naming the file, and changes nothing. */
static void
test_broken_user_file (void)
{
  g_autoptr(GFile) file = write_file ("broken-models.json",
                                      "{\"version\": 1, \"default_model\": \"a\", \"models\": "
                                      "[{\"id\": \"a\"}, {\"id\": \"gemini-3-pro-image\", "
                                      "\"max_references\": \"many\"}]}");
  g_autofree char *dir_path = g_test_build_filename (G_TEST_BUILT, "catalog-files", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(ChiaroModelCatalog) catalog = NULL;
  g_autoptr(ChiaroModelInfo) pro = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  catalog = chiaro_model_catalog_new_with_user_file (file, &error);
  g_assert_null (catalog);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "broken-models.json"));
  g_assert_nonnull (strstr (error->message, "“max_references”"));
  g_clear_error (&error);

  catalog = chiaro_model_catalog_new ();
  g_assert_false (chiaro_model_catalog_merge_file (catalog, file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  ids = chiaro_model_catalog_dup_ids (catalog);
  g_assert_cmpuint (g_strv_length (ids), ==, 3);
  g_assert_false (g_strv_contains ((const char * const *) ids, "a"));
  g_assert_cmpstr (chiaro_model_catalog_get_default_id (catalog), ==, "gemini-3.1-flash-image");
  pro = chiaro_model_catalog_lookup (catalog, "gemini-3-pro-image");
  g_assert_cmpuint (chiaro_model_info_get_max_references (pro), ==, 14);

  /* Something that cannot be read at all. */
  g_assert_false (chiaro_model_catalog_merge_file (catalog, dir, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_assert_nonnull (strstr (error->message, "catalog-files"));
  g_clear_error (&error);
  g_assert_null (chiaro_model_catalog_new_with_user_file (dir, &error));
  g_assert_nonnull (error);
}

/* main () points XDG_CONFIG_HOME here before anything asks for it. */
static char *config_home;

static void
test_new_default (void)
{
  g_autofree char *dir = g_build_filename (config_home, "chiaro", NULL);
  g_autofree char *path = g_build_filename (dir, "models.json", NULL);
  g_autoptr(ChiaroModelCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (g_get_user_config_dir (), ==, config_home);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  /* No file. */
  g_remove (path);
  catalog = chiaro_model_catalog_new_default (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (chiaro_model_catalog_get_default_id (catalog), ==, "gemini-3.1-flash-image");
  g_clear_object (&catalog);

  /* The user's file. */
  g_file_set_contents (path, user_catalog, -1, &error);
  g_assert_no_error (error);
  catalog = chiaro_model_catalog_new_default (&error);
  g_assert_no_error (error);
  check_user_catalog (catalog);
  g_clear_object (&catalog);

  /* A broken one. */
  g_file_set_contents (path, "{\"version\": 1, \"models\": [{}]}", -1, &error);
  g_assert_no_error (error);
  catalog = chiaro_model_catalog_new_default (&error);
  g_assert_null (catalog);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, path));
  g_remove (path);
}

/* A user file that cannot be used is never fatal: the built-in catalog, and one message
 * naming the file and saying why; a sound or missing file gives no message. */
static void
assert_builtin (ChiaroModelCatalog *catalog)
{
  g_autoptr(ChiaroModelCatalog) builtin = chiaro_model_catalog_new ();
  g_auto(GStrv) ids = chiaro_model_catalog_dup_ids (catalog);
  g_auto(GStrv) builtin_ids = chiaro_model_catalog_dup_ids (builtin);
  g_autoptr(ChiaroModelInfo) pro = chiaro_model_catalog_lookup (catalog, "gemini-3-pro-image");

  g_assert_nonnull (catalog);
  g_assert_true (g_strv_equal ((const char * const *) ids, (const char * const *) builtin_ids));
  g_assert_cmpstr (chiaro_model_catalog_get_default_id (catalog), ==, "gemini-3.1-flash-image");
  g_assert_cmpuint (chiaro_model_info_get_max_references (pro), ==, 14);
}

static void
test_fallback (void)
{
  static const struct {
    const char *name;
    const char *contents;
    const char *why;
  } broken[] = {
    { "truncated-models.json", "{\"version\": 1, \"models\": [", NULL },
    { "wrong-member-models.json",
      "{\"version\": 1, \"default_model\": \"a\", \"models\": [{\"id\": \"a\", "
      "\"max_references\": \"many\"}]}", "“max_references”" },
    { "newer-models.json", "{\"version\": 99, \"models\": []}", NULL },
    { "not-json-models.json", "\x89PNG\r\n", NULL },
    { "empty-models.json", "", NULL },
  };
  g_autofree char *dir_path = g_test_build_filename (G_TEST_BUILT, "catalog-fallback", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(GFile) good = write_file ("fallback-good-models.json", user_catalog);
  g_autoptr(GFile) missing = g_file_new_for_path (dir_path);
  g_autoptr(ChiaroModelCatalog) catalog = NULL;
  g_autofree char *warning = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(GFile) file = write_file (broken[i].name, broken[i].contents);

      catalog = chiaro_model_catalog_new_with_fallback (file, &warning);
      assert_builtin (catalog);
      g_assert_nonnull (warning);
      g_test_message ("%s", warning);
      g_assert_nonnull (strstr (warning, broken[i].name));
      g_assert_nonnull (strstr (warning, "built-in model list"));
      if (broken[i].why != NULL)
        g_assert_nonnull (strstr (warning, broken[i].why));
      /* One sentence about it, not the reason's own full stop and then ours. */
      g_assert_null (strstr (warning, ".."));
      g_clear_pointer (&warning, g_free);
      g_clear_object (&catalog);

      /* The message is optional. */
      catalog = chiaro_model_catalog_new_with_fallback (file, NULL);
      assert_builtin (catalog);
      g_clear_object (&catalog);
    }

  /* A folder where the file should be cannot be read at all. */
  g_assert_cmpint (g_mkdir_with_parents (dir_path, 0700), ==, 0);
  catalog = chiaro_model_catalog_new_with_fallback (dir, &warning);
  assert_builtin (catalog);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "catalog-fallback"));
  g_clear_pointer (&warning, g_free);
  g_clear_object (&catalog);

  /* A sound file is merged; a missing one is no news. */
  catalog = chiaro_model_catalog_new_with_fallback (good, &warning);
  g_assert_null (warning);
  check_user_catalog (catalog);
  g_clear_object (&catalog);
  g_assert_cmpint (g_rmdir (dir_path), ==, 0);
  {
    /* Not freed by the function: an out argument is only written. */
    char *unset = (char *) "not written";

    catalog = chiaro_model_catalog_new_with_fallback (missing, &unset);
    g_assert_null (unset);
    assert_builtin (catalog);
  }
}

/* The same for the user's models.json under XDG_CONFIG_HOME. */
static void
test_default_fallback (void)
{
  g_autofree char *dir = g_build_filename (config_home, "chiaro", NULL);
  g_autofree char *path = g_build_filename (dir, "models.json", NULL);
  g_autoptr(ChiaroModelCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, "{\"version\": 1, \"models\": [{}]}", -1, &error);
  g_assert_no_error (error);
  catalog = chiaro_model_catalog_new_default_with_fallback (&warning);
  assert_builtin (catalog);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, path));
  g_clear_pointer (&warning, g_free);
  g_clear_object (&catalog);

  g_file_set_contents (path, user_catalog, -1, &error);
  g_assert_no_error (error);
  catalog = chiaro_model_catalog_new_default_with_fallback (&warning);
  g_assert_null (warning);
  check_user_catalog (catalog);
  g_remove (path);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  config_home = g_test_build_filename (G_TEST_BUILT, "catalog-config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);

  g_test_add_func ("/chiaro/catalog/builtin", test_builtin);
  g_test_add_func ("/chiaro/catalog/pixel-sizes", test_pixel_sizes);
  g_test_add_func ("/chiaro/catalog/aliases", test_aliases);
  g_test_add_func ("/chiaro/catalog/unknown", test_unknown);
  g_test_add_func ("/chiaro/catalog/validation", test_validation);
  g_test_add_func ("/chiaro/catalog/prices", test_prices);
  g_test_add_func ("/chiaro/catalog/usage-cost", test_usage_cost);
  g_test_add_func ("/chiaro/catalog/user-file", test_user_file);
  g_test_add_func ("/chiaro/catalog/user-alias", test_user_alias);
  g_test_add_func ("/chiaro/catalog/broken", test_broken);
  g_test_add_func ("/chiaro/catalog/broken-user-file", test_broken_user_file);
  g_test_add_func ("/chiaro/catalog/new-default", test_new_default);
  g_test_add_func ("/chiaro/catalog/fallback", test_fallback);
  g_test_add_func ("/chiaro/catalog/default-fallback", test_default_fallback);

  status = g_test_run ();
  g_free (config_home);
  return status;
}
