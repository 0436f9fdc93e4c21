/* fuzz-image.c — libFuzzer target: image sniffing, probing, EXIF and the request planner
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is an image file as a user might open it or a model might send it. It goes
 * through chiaro_mime_sniff(), chiaro_mime_looks_complete(), chiaro_exif_get_orientation() and
 * chiaro_image_new_from_bytes(); an image that opens is then planned as a reference (the
 * planner decodes, rotates, converts, downscales and re-encodes as the model needs), under a
 * byte budget that the input's size steers so that the re-encoding paths are reached too.
 *
 * Images over FUZZ_MAX_PIXELS are not planned: decoding one takes more memory than
 * libFuzzer's default limit allows. The tests cover the size limits themselves.
 */

#define G_LOG_DOMAIN "chiaro-fuzz"

#include <stdlib.h>

#include "chiaro-exif.h"
#include "chiaro-fuzz.h"
#include "chiaro-image.h"
#include "chiaro-mime.h"
#include "chiaro-model-catalog.h"
#include "chiaro-request-planner.h"

#define FUZZ_MAX_PIXELS (2048 * 2048)

static ChiaroModelInfo *model;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(ChiaroModelCatalog) catalog = NULL;

  chiaro_fuzz_init ();
  catalog = chiaro_model_catalog_new ();
  model = chiaro_model_catalog_lookup (catalog, chiaro_model_catalog_get_default_id (catalog));
  if (model == NULL)
    abort ();
  return 0;
}

static void
plan (ChiaroImage *image,
      gsize        size)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroPlanInput) input = chiaro_plan_input_new (model, options, "Make it blue");
  g_autoptr(ChiaroPlan) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Every other input gets a budget under its own size, so it must be re-encoded smaller. */
  if (size % 2 == 1)
    chiaro_request_planner_set_max_image_bytes (planner, MAX (size / 2, 64));
  chiaro_plan_input_add_reference (input, image, "fuzz");

  result = chiaro_request_planner_plan (planner, input, NULL, &error);
  if ((result == NULL) == (error == NULL))
    abort ();
  if (error != NULL && (error->message == NULL || !g_utf8_validate (error->message, -1, NULL)))
    abort ();
  if (result != NULL && result->request == NULL)
    abort ();
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GError) error = NULL;
  const char *mime_type;
  guint orientation;

  mime_type = chiaro_mime_sniff (data, size);
  if (mime_type != NULL)
    {
      if (chiaro_mime_get_extension (mime_type) == NULL)
        abort ();
      (void) chiaro_mime_looks_complete (data, size, mime_type);
      orientation = chiaro_exif_get_orientation (data, size, mime_type);
      if (orientation > 8)
        abort ();
    }

  image = chiaro_image_new_from_bytes (bytes, size % 3 ? "fuzz.png" : NULL, &error);
  if ((image == NULL) == (error == NULL))
    abort ();
  if (image == NULL)
    {
      if (error->message == NULL || !g_utf8_validate (error->message, -1, NULL))
        abort ();
      return 0;
    }

  if (chiaro_image_get_width (image) <= 0 || chiaro_image_get_height (image) <= 0 ||
      chiaro_image_get_orientation (image) > 8)
    abort ();
  if ((gint64) chiaro_image_get_width (image) * chiaro_image_get_height (image) <= FUZZ_MAX_PIXELS)
    plan (image, size);

  return 0;
}
