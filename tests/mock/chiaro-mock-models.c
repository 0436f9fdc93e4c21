/* chiaro-mock-models.c — what each image model family accepts, as the mock enforces it
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Figures from REFERENCE §2.4 (Google's image-generation page): aspect ratios and sizes per
 * model, output pixel sizes, output tokens per image. Ids are matched by prefix so that
 * "-preview" and dated variants fall in their family; any other id is served permissively.
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "chiaro-mock-models.h"

/* The order of the server's own "must be one of" message. */
static const char * const ten_ratios[] = {
  "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9", NULL
};
static const char * const fourteen_ratios[] = {
  "1:1", "1:4", "1:8", "2:3", "3:2", "3:4", "4:1", "4:3", "4:5", "5:4", "8:1", "9:16", "16:9",
  "21:9", NULL
};
static const char * const pro_sizes[] = { "1K", "2K", "4K", NULL };
static const char * const flash_sizes[] = { "512", "1K", "2K", "4K", NULL };
static const char * const lite_sizes[] = { "1K", NULL };

static const ChiaroMockModel models[] = {
  {
    .prefix = "gemini-2.5-flash-image",
    .aspect_ratios = ten_ratios,
    .image_sizes = NULL,
    .max_images = 3,
    .fixed_size_table = TRUE,
    .image_tokens = { 1290, 1290, 1290, 1290 },
    .input_image_tokens = 1290,
  },
  {
    .prefix = "gemini-3-pro-image",
    .aspect_ratios = ten_ratios,
    .image_sizes = pro_sizes,
    .max_images = 14,
    .thinking = TRUE,
    .system_instruction = TRUE,
    .search = TRUE,
    .signatures = TRUE,
    .jpeg = TRUE,
    .image_tokens = { 1120, 1120, 1120, 2000 },
    .input_image_tokens = 560,
  },
  {
    .prefix = "gemini-3.1-flash-image",
    .aspect_ratios = fourteen_ratios,
    .image_sizes = flash_sizes,
    .max_images = 14,
    .thinking = TRUE,
    .system_instruction = TRUE,
    .search = TRUE,
    .search_types = TRUE,
    .signatures = TRUE,
    .jpeg = TRUE,
    .image_tokens = { 747, 1120, 1680, 2520 },
    .input_image_tokens = 560,
  },
  {
    /* Announced as 1K only; the rest of its limits are not published: those of 3.1 Flash. */
    .prefix = "gemini-3.1-flash-lite-image",
    .aspect_ratios = fourteen_ratios,
    .image_sizes = lite_sizes,
    .max_images = 14,
    .thinking = TRUE,
    .system_instruction = TRUE,
    .search = TRUE,
    .signatures = TRUE,
    .jpeg = TRUE,
    .image_tokens = { 1120, 1120, 1120, 1120 },
    .input_image_tokens = 560,
  },
};

/* Any other id: everything any image model takes is accepted. */
static const ChiaroMockModel permissive_models[] = {
  {
    .prefix = NULL,
    .aspect_ratios = fourteen_ratios,
    .image_sizes = flash_sizes,
    .max_images = G_MAXUINT,
    .thinking = TRUE,
    .system_instruction = TRUE,
    .search = TRUE,
    .search_types = TRUE,
    .multiple_candidates = TRUE,
    .image_tokens = { 747, 1120, 1680, 2520 },
    .input_image_tokens = 258,
  },
  {
    /* Other Gemini 3 ids still sign their parts and answer JPEG. */
    .prefix = NULL,
    .aspect_ratios = fourteen_ratios,
    .image_sizes = flash_sizes,
    .max_images = G_MAXUINT,
    .thinking = TRUE,
    .system_instruction = TRUE,
    .search = TRUE,
    .search_types = TRUE,
    .multiple_candidates = TRUE,
    .signatures = TRUE,
    .jpeg = TRUE,
    .image_tokens = { 747, 1120, 1680, 2520 },
    .input_image_tokens = 258,
  },
};

/* Gemini 2.5 Flash Image: one size class, its own table. */
static const struct
{
  const char *ratio;
  int         width;
  int         height;
} flash25_sizes[] = {
  { "1:1", 1024, 1024 }, { "2:3", 832, 1248 }, { "3:2", 1248, 832 }, { "3:4", 864, 1184 },
  { "4:3", 1184, 864 }, { "4:5", 896, 1152 }, { "5:4", 1152, 896 }, { "9:16", 768, 1344 },
  { "16:9", 1344, 768 }, { "21:9", 1536, 672 },
};

/* Gemini 3 at 1K; 2K and 4K double and quadruple it, 512 halves it. (Google's table says
 * 792x168 for 21:9 at 512, a typo for 792x336, which is what halving gives.) */
static const struct
{
  const char *ratio;
  int         width;
  int         height;
} gemini3_1k_sizes[] = {
  { "1:1", 1024, 1024 }, { "1:4", 512, 2048 }, { "1:8", 384, 3072 }, { "2:3", 848, 1264 },
  { "3:2", 1264, 848 }, { "3:4", 896, 1200 }, { "4:1", 2048, 512 }, { "4:3", 1200, 896 },
  { "4:5", 928, 1152 }, { "5:4", 1152, 928 }, { "8:1", 3072, 384 }, { "9:16", 768, 1376 },
  { "16:9", 1376, 768 }, { "21:9", 1584, 672 },
};

static gboolean
in_list (const char * const *list,
         const char         *value)
{
  return list != NULL && value != NULL && g_strv_contains (list, value);
}

static int
size_index (const char *size)
{
  if (g_strcmp0 (size, "512") == 0)
    return 0;
  if (g_strcmp0 (size, "2K") == 0)
    return 2;
  if (g_strcmp0 (size, "4K") == 0)
    return 3;
  return 1;
}

/**
 * chiaro_mock_model_lookup:
 * @model_id: the id from the request path, without "models/"
 *
 * Returns: (transfer none): the family @model_id belongs to; never %NULL
 */
const ChiaroMockModel *
chiaro_mock_model_lookup (const char *model_id)
{
  g_return_val_if_fail (model_id != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (models); i++)
    {
      if (g_str_has_prefix (model_id, models[i].prefix))
        return &models[i];
    }

  return g_str_has_prefix (model_id, "gemini-3") ? &permissive_models[1] : &permissive_models[0];
}

gboolean
chiaro_mock_model_is_known (const ChiaroMockModel *model)
{
  return model->prefix != NULL;
}

gboolean
chiaro_mock_model_accepts_ratio (const ChiaroMockModel *model,
                                 const char            *ratio)
{
  return in_list (model->aspect_ratios, ratio);
}

gboolean
chiaro_mock_model_accepts_size (const ChiaroMockModel *model,
                                const char            *size)
{
  return in_list (model->image_sizes, size);
}

/* The documented output size for @ratio at @size (NULL = the default, 1K). */
gboolean
chiaro_mock_model_get_pixel_size (const ChiaroMockModel *model,
                                  const char            *ratio,
                                  const char            *size,
                                  int                   *width,
                                  int                   *height)
{
  static const int numerators[] = { 1, 1, 2, 4 };
  int index = size_index (size);

  if (model->fixed_size_table)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (flash25_sizes); i++)
        {
          if (g_strcmp0 (flash25_sizes[i].ratio, ratio) == 0)
            {
              *width = flash25_sizes[i].width;
              *height = flash25_sizes[i].height;
              return TRUE;
            }
        }
      return FALSE;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (gemini3_1k_sizes); i++)
    {
      if (g_strcmp0 (gemini3_1k_sizes[i].ratio, ratio) == 0)
        {
          *width = gemini3_1k_sizes[i].width * numerators[index] / (index == 0 ? 2 : 1);
          *height = gemini3_1k_sizes[i].height * numerators[index] / (index == 0 ? 2 : 1);
          return TRUE;
        }
    }

  return FALSE;
}

guint
chiaro_mock_model_get_image_tokens (const ChiaroMockModel *model,
                                    const char            *size)
{
  return model->image_tokens[size_index (size)];
}

/* The model's ratio closest to @width:@height, compared in log space so that 2:1 and 1:2
 * are equally far from 1:1. */
const char *
chiaro_mock_model_nearest_ratio (const ChiaroMockModel *model,
                                 int                    width,
                                 int                    height)
{
  const char *best = "1:1";
  double best_distance = G_MAXDOUBLE;
  double target;

  if (width <= 0 || height <= 0)
    return best;

  target = log ((double) width / height);
  for (guint i = 0; model->aspect_ratios[i] != NULL; i++)
    {
      int w = 0, h = 0;
      double distance;

      if (sscanf (model->aspect_ratios[i], "%d:%d", &w, &h) != 2 || w <= 0 || h <= 0)
        continue;
      distance = fabs (log ((double) w / h) - target);
      if (distance < best_distance)
        {
          best_distance = distance;
          best = model->aspect_ratios[i];
        }
    }

  return best;
}

/* "'1:1', '2:3', …, or '21:9'", as the server's message lists choices. */
static char *
list_choices (const char * const *values)
{
  GString *out = g_string_new (NULL);
  guint n = values != NULL ? g_strv_length ((char **) values) : 0;

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, n == 2 ? " " : ", ");
      if (i > 0 && i == n - 1)
        g_string_append (out, "or ");
      g_string_append_printf (out, "'%s'", values[i]);
    }

  return g_string_free (out, FALSE);
}

char *
chiaro_mock_model_list_ratios (const ChiaroMockModel *model)
{
  return list_choices (model->aspect_ratios);
}

char *
chiaro_mock_model_list_sizes (const ChiaroMockModel *model)
{
  return list_choices (model->image_sizes);
}
