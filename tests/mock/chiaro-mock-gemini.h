/* chiaro-mock-gemini.h — generateContent as an image model does it: checks and answers
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "chiaro-mock-images.h"
#include "chiaro-mock-models.h"
#include "chiaro-mock-reply.h"
#include "chiaro-mock-scenarios.h"
#include "chiaro-mock-schema.h"

G_BEGIN_DECLS

/* What a checked request asks for, worked out once so the answer can be made on a worker. */
typedef struct
{
  const ChiaroMockModel *model;
  char                  *model_id;
  char                  *aspect_ratio;       /* the one used: asked for, from the input, or 1:1 */
  char                  *image_size;         /* (nullable) none for Gemini 2.5 */
  int                    width;
  int                    height;
  gboolean               want_text;
  gboolean               want_image;
  gboolean               include_thoughts;
  char                  *prompt;             /* the text of the last user turn */
  guint                  prompt_text_tokens;
  guint                  input_images;
  guint32                seed;
} ChiaroMockPlan;

void             chiaro_mock_plan_free             (ChiaroMockPlan    *plan);
char            *chiaro_mock_find_keyword          (const char        *text);
char            *chiaro_mock_gemini_find_keyword   (JsonNode          *root);
JsonNode        *chiaro_mock_gemini_check          (ChiaroMockSchema  *schema,
                                                    const char        *model_id,
                                                    JsonNode          *root,
                                                    gboolean           enforce_signatures,
                                                    ChiaroMockPlan   **plan);
ChiaroMockReply *chiaro_mock_gemini_answer         (ChiaroMockPlan    *plan,
                                                    const char        *scenario,
                                                    ChiaroMockRoute    route,
                                                    const char        *image_format,
                                                    ChiaroMockImages  *images,
                                                    GError           **error);
char            *chiaro_mock_signature_new         (void);
gboolean         chiaro_mock_signature_is_valid    (const char        *signature);
gboolean         chiaro_mock_mime_type_is_accepted (const char        *mime_type);
guint            chiaro_mock_count_tokens          (const char        *text);
const char      *chiaro_mock_resolve_format        (const ChiaroMockModel *model,
                                                    const char        *image_format);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroMockPlan, chiaro_mock_plan_free)

G_END_DECLS
