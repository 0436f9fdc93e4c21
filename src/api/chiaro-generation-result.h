/* chiaro-generation-result.h — what came back from one generation request
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-content.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 prompt_tokens;
  gint64 candidates_tokens;
  gint64 thoughts_tokens;
  gint64 total_tokens;
  gint64 image_tokens;      /* candidatesTokensDetails with modality IMAGE */
  gint64 cached_tokens;
  gboolean known;           /* FALSE when the answer carried no usage */
} ChiaroUsage;

typedef struct
{
  char *title;              /* (nullable) */
  char *uri;
} ChiaroGroundingSource;

/* A successful answer: at least one image. Reference counted, immutable once returned. */
typedef struct
{
  GPtrArray     *images;           /* (element-type ChiaroPart) non-thought images, in order; the
                                    * last one is the final image */
  GPtrArray     *thought_images;   /* (element-type ChiaroPart) interim images marked thought */
  char          *text;             /* (nullable) the model's non-thought text, parts joined */
  char          *thoughts;         /* (nullable) thought summaries, joined */
  ChiaroContent *content;          /* the model turn exactly as received, for the next request */
  char          *finish_reason;    /* (nullable) e.g. "STOP" */
  char          *finish_message;   /* (nullable) */
  ChiaroUsage    usage;
  char          *model_version;    /* (nullable) */
  char          *response_id;      /* (nullable) */
  GPtrArray     *grounding_sources;/* (element-type ChiaroGroundingSource) */
  GStrv          search_queries;   /* (nullable) */
  guint          attempts;         /* HTTP attempts made, 1 when no retry was needed */
  double         cost_usd;         /* from usage and the catalog, < 0 when unknown */
} ChiaroGenerationResult;

#define CHIARO_TYPE_GENERATION_RESULT (chiaro_generation_result_get_type ())

GType                   chiaro_generation_result_get_type        (void) G_GNUC_CONST;
ChiaroGenerationResult *chiaro_generation_result_new             (void);
ChiaroGenerationResult *chiaro_generation_result_ref             (ChiaroGenerationResult *result);
void                    chiaro_generation_result_unref           (ChiaroGenerationResult *result);
ChiaroPart             *chiaro_generation_result_get_final_image (ChiaroGenerationResult *result);

ChiaroGroundingSource  *chiaro_grounding_source_new  (const char                  *title,
                                                      const char                  *uri);
ChiaroGroundingSource  *chiaro_grounding_source_copy (const ChiaroGroundingSource *source);
void                    chiaro_grounding_source_free (ChiaroGroundingSource       *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroGenerationResult, chiaro_generation_result_unref)

G_END_DECLS
