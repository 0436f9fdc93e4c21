/* chiaro-model-catalog.h — what each image model accepts and what it costs
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chiaro-generation-result.h"

G_BEGIN_DECLS

typedef enum
{
  CHIARO_THINKING_NONE,     /* not a thinking model: no thinkingConfig */
  CHIARO_THINKING_ALWAYS,   /* always thinks; includeThoughts is accepted */
  CHIARO_THINKING_LEVELS,   /* thinkingLevel is accepted (levels listed) */
} ChiaroThinkingSupport;

typedef enum
{
  CHIARO_GROUNDING_NONE,
  CHIARO_GROUNDING_WEB,
  CHIARO_GROUNDING_WEB_AND_IMAGE, /* googleSearch.searchTypes {webSearch, imageSearch} */
} ChiaroGroundingSupport;

/* One model's entry in the catalog. Immutable; reference counted. */
typedef struct _ChiaroModelInfo ChiaroModelInfo;

#define CHIARO_TYPE_MODEL_INFO (chiaro_model_info_get_type ())

GType                  chiaro_model_info_get_type              (void) G_GNUC_CONST;
ChiaroModelInfo       *chiaro_model_info_ref                   (ChiaroModelInfo   *info);
void                   chiaro_model_info_unref                 (ChiaroModelInfo   *info);
const char            *chiaro_model_info_get_id                (ChiaroModelInfo   *info);
const char            *chiaro_model_info_get_name              (ChiaroModelInfo   *info);
gboolean               chiaro_model_info_is_known              (ChiaroModelInfo   *info);
const char * const    *chiaro_model_info_get_aliases           (ChiaroModelInfo   *info);
const char * const    *chiaro_model_info_get_aspect_ratios     (ChiaroModelInfo   *info);
const char * const    *chiaro_model_info_get_image_sizes       (ChiaroModelInfo   *info);
const char            *chiaro_model_info_get_default_size      (ChiaroModelInfo   *info);
gboolean               chiaro_model_info_accepts_aspect_ratio  (ChiaroModelInfo   *info,
                                                                const char        *ratio);
gboolean               chiaro_model_info_accepts_image_size    (ChiaroModelInfo   *info,
                                                                const char        *size);
gboolean               chiaro_model_info_get_pixel_size        (ChiaroModelInfo   *info,
                                                                const char        *ratio,
                                                                const char        *size,
                                                                int               *width,
                                                                int               *height);
guint                  chiaro_model_info_get_max_references    (ChiaroModelInfo   *info);
ChiaroThinkingSupport  chiaro_model_info_get_thinking          (ChiaroModelInfo   *info);
const char * const    *chiaro_model_info_get_thinking_levels   (ChiaroModelInfo   *info);
ChiaroGroundingSupport chiaro_model_info_get_grounding         (ChiaroModelInfo   *info);
gboolean               chiaro_model_info_get_system_instruction(ChiaroModelInfo   *info);
const char            *chiaro_model_info_get_output_mime_type  (ChiaroModelInfo   *info);
double                 chiaro_model_info_get_image_price       (ChiaroModelInfo   *info,
                                                                const char        *size);
guint                  chiaro_model_info_get_image_tokens      (ChiaroModelInfo   *info,
                                                                const char        *size);
double                 chiaro_model_info_estimate_cost         (ChiaroModelInfo   *info,
                                                                const char        *size,
                                                                guint              n_outputs,
                                                                guint              n_input_images,
                                                                gsize              prompt_chars);
double                 chiaro_model_info_cost_from_usage       (ChiaroModelInfo   *info,
                                                                const ChiaroUsage *usage);

#define CHIARO_TYPE_MODEL_CATALOG (chiaro_model_catalog_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroModelCatalog, chiaro_model_catalog, CHIARO, MODEL_CATALOG, GObject)

ChiaroModelCatalog *chiaro_model_catalog_new             (void);
ChiaroModelCatalog *chiaro_model_catalog_new_from_bytes  (GBytes             *json,
                                                          GError            **error);
gboolean            chiaro_model_catalog_merge_file      (ChiaroModelCatalog *self,
                                                          GFile              *file,
                                                          GError            **error);
ChiaroModelCatalog *chiaro_model_catalog_new_with_user_file (GFile           *user_file,
                                                             GError         **error);
ChiaroModelCatalog *chiaro_model_catalog_new_default     (GError            **error);
ChiaroModelCatalog *chiaro_model_catalog_new_with_fallback (GFile           *user_file,
                                                            char           **warning);
ChiaroModelCatalog *chiaro_model_catalog_new_default_with_fallback (char   **warning);
char              **chiaro_model_catalog_dup_ids         (ChiaroModelCatalog *self);
ChiaroModelInfo    *chiaro_model_catalog_lookup          (ChiaroModelCatalog *self,
                                                          const char         *model_id);
const char         *chiaro_model_catalog_get_default_id  (ChiaroModelCatalog *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroModelInfo, chiaro_model_info_unref)

G_END_DECLS
