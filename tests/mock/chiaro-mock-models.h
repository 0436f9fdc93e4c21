/* chiaro-mock-models.h — what each image model family accepts, as the mock enforces it
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char         *prefix;               /* model ids starting with this; NULL: any other */
  const char * const *aspect_ratios;        /* in the order the server lists them */
  const char * const *image_sizes;          /* NULL: imageSize is not enabled */
  guint               max_images;           /* input images in the prompt turn */
  gboolean            thinking;             /* thinkingConfig accepted */
  gboolean            system_instruction;
  gboolean            search;               /* tools[].googleSearch */
  gboolean            search_types;         /* googleSearch.searchTypes */
  gboolean            multiple_candidates;
  gboolean            signatures;           /* Gemini 3: thoughtSignature on parts */
  gboolean            jpeg;                 /* answers JPEG rather than PNG by default */
  gboolean            fixed_size_table;     /* Gemini 2.5's own pixel table, no imageSize */
  guint               image_tokens[4];      /* per image, for 512, 1K, 2K, 4K */
  guint               input_image_tokens;
} ChiaroMockModel;

const ChiaroMockModel *chiaro_mock_model_lookup          (const char            *model_id);
gboolean               chiaro_mock_model_is_known        (const ChiaroMockModel *model);
gboolean               chiaro_mock_model_accepts_ratio   (const ChiaroMockModel *model,
                                                          const char            *ratio);
gboolean               chiaro_mock_model_accepts_size    (const ChiaroMockModel *model,
                                                          const char            *size);
gboolean               chiaro_mock_model_get_pixel_size  (const ChiaroMockModel *model,
                                                          const char            *ratio,
                                                          const char            *size,
                                                          int                   *width,
                                                          int                   *height);
guint                  chiaro_mock_model_get_image_tokens (const ChiaroMockModel *model,
                                                           const char            *size);
const char            *chiaro_mock_model_nearest_ratio   (const ChiaroMockModel *model,
                                                          int                    width,
                                                          int                    height);
char                  *chiaro_mock_model_list_ratios     (const ChiaroMockModel *model);
char                  *chiaro_mock_model_list_sizes      (const ChiaroMockModel *model);

G_END_DECLS
