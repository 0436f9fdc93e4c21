/* chiaro-generation-request.h — everything one generation request sends
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-content.h"
#include "chiaro-model-catalog.h"

G_BEGIN_DECLS

/* The options of a send. Unset numbers are negative (temperature, top_p) or flagged (seed);
 * NULL strings mean "let the model choose". */
typedef struct
{
  char    *aspect_ratio;        /* (nullable) NULL or "auto": not sent */
  char    *image_size;          /* (nullable) "512", "1K", "2K", "4K" */
  double   temperature;         /* < 0: not sent */
  double   top_p;               /* < 0: not sent */
  gboolean has_seed;
  gint32   seed;
  gboolean grounding;           /* tools: googleSearch */
  gboolean image_search;        /* with grounding, on models that offer image search */
  char    *system_instruction;  /* (nullable) */
  char    *thinking_level;      /* (nullable) "MINIMAL", "HIGH"… where the model has levels */
  gboolean include_thoughts;    /* ask for thought summaries (shown as they arrive) */
} ChiaroGenerationOptions;

#define CHIARO_TYPE_GENERATION_OPTIONS (chiaro_generation_options_get_type ())

GType                    chiaro_generation_options_get_type (void) G_GNUC_CONST;
ChiaroGenerationOptions *chiaro_generation_options_new      (void);
ChiaroGenerationOptions *chiaro_generation_options_copy     (const ChiaroGenerationOptions *options);
void                     chiaro_generation_options_free     (ChiaroGenerationOptions       *options);
const char              *chiaro_generation_options_get_aspect_ratio (const ChiaroGenerationOptions *options);
const char              *chiaro_generation_options_get_image_size   (const ChiaroGenerationOptions *options,
                                                                     ChiaroModelInfo               *model);

/* Checks the options against what the model accepts; fills CHIARO_API_ERROR_UNSUPPORTED_OPTION
 * with a message naming the option. Unknown models accept everything. */
gboolean                 chiaro_generation_options_validate (const ChiaroGenerationOptions *options,
                                                             ChiaroModelInfo               *model,
                                                             guint                          n_images,
                                                             GError                       **error);

/* The contents (earlier turns, then the new user turn), the model and the options, ready for
 * a provider to serialise. Reference counted; immutable once handed to a provider. */
typedef struct
{
  ChiaroModelInfo         *model;
  char                    *model_id;   /* the id to call, as the user gave it (may be an alias) */
  ChiaroGenerationOptions *options;
  GPtrArray               *contents;   /* (element-type ChiaroContent) oldest first */
} ChiaroGenerationRequest;

#define CHIARO_TYPE_GENERATION_REQUEST (chiaro_generation_request_get_type ())

GType                    chiaro_generation_request_get_type (void) G_GNUC_CONST;
ChiaroGenerationRequest *chiaro_generation_request_new      (ChiaroModelInfo               *model,
                                                             const ChiaroGenerationOptions *options);
ChiaroGenerationRequest *chiaro_generation_request_ref      (ChiaroGenerationRequest       *request);
void                     chiaro_generation_request_unref    (ChiaroGenerationRequest       *request);
void                     chiaro_generation_request_add_content (ChiaroGenerationRequest    *request,
                                                                ChiaroContent              *content);
void                     chiaro_generation_request_set_model_id (ChiaroGenerationRequest   *request,
                                                                 const char                *model_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroGenerationOptions, chiaro_generation_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroGenerationRequest, chiaro_generation_request_unref)

G_END_DECLS
