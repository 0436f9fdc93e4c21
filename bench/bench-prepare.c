/* bench-prepare.c — request preparation: 14 camera photos, and 14 that need nothing
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN §11: "request preparation for 14 camera-size JPEGs under 1.5 s, and under 50 ms when
 * nothing needs re-encoding". The preparation is what a send does on its worker before the
 * request goes out: each reference's bytes (as read from the project's store) made into a
 * ChiaroImage (sniff, EXIF orientation, size probe), then the request planner with the
 * default budgets (7 MB an image, 20 MB a request) on gemini-3-pro-image, which takes 14
 * references.
 *
 * The camera case: 14 different 12-megapixel JPEGs (4000×3000, about 4 MB each at quality
 * 90 with a camera's grain), stored sideways and upside down as phones do (EXIF orientation
 * 6, 8, 3 and 1 in turn). Together they are far over the request budget, so the planner
 * decodes each (scaled, upright) and re-encodes it to its share. The compliant case: 14
 * upright 1600×1200 JPEGs that fit as they are, sent byte for byte; the benchmark checks
 * that nothing was decoded.
 */

#include "config.h"

#include "chiaro-request-planner.h"
#include "chiaro-request-planner-private.h"

#include "bench-images.h"
#include "bench-util.h"

#define N_REFERENCES 14
#define CAMERA_ROUNDS 5
#define COMPLIANT_ROUNDS 9
#define CAMERA_GOAL_MS 1500.0
#define COMPLIANT_GOAL_MS 50.0
#define MODEL_ID "gemini-3-pro-image-preview"

/* One preparation: images from bytes, then the plan. Returns the milliseconds taken. */
static double
prepare (ChiaroRequestPlanner *planner,
         GBytes              **references,
         gboolean              expect_unchanged)
{
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();
  g_autoptr(ChiaroModelInfo) model = chiaro_model_catalog_lookup (catalog, MODEL_ID);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroPlanInput) input = NULL;
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  guint decoded_before = chiaro_request_planner_get_n_decoded (planner);
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  input = chiaro_plan_input_new (model, options, "Put the people of the references together");
  for (guint i = 0; i < N_REFERENCES; i++)
    {
      g_autofree char *name = g_strdup_printf ("IMG_%04u.JPG", i + 1);
      g_autoptr(ChiaroImage) image = chiaro_image_new_from_bytes (references[i], name, &error);

      g_assert_no_error (error);
      chiaro_plan_input_add_reference (input, image, NULL);
    }
  plan = chiaro_request_planner_plan (planner, input, NULL, &error);
  elapsed = bench_elapsed_ms (start);
  g_assert_no_error (error);

  g_assert_cmpuint (plan->inline_bytes, <=, CHIARO_PLANNER_DEFAULT_MAX_REQUEST_BYTES);
  if (expect_unchanged)
    {
      g_assert_cmpuint (plan->changes->len, ==, 0);
      g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner), ==, decoded_before);
    }
  else
    {
      /* Every one rotated or shrunk to fit, and decoded once. */
      g_assert_cmpuint (plan->changes->len, >=, N_REFERENCES);
      g_assert_cmpuint (chiaro_request_planner_get_n_decoded (planner) - decoded_before, ==,
                        N_REFERENCES);
    }
  return elapsed;
}

static void
measure (const char *figure,
         GBytes    **references,
         gboolean    compliant,
         guint       rounds,
         double      goal_ms)
{
  g_autoptr(ChiaroRequestPlanner) planner = chiaro_request_planner_new ();
  g_autofree double *times = g_new (double, rounds);
  g_autofree char *value = NULL;
  g_autofree char *goal = g_strdup_printf ("< %.0f ms", goal_ms);
  gsize total = 0;
  double worst = 0, median;

  for (guint i = 0; i < N_REFERENCES; i++)
    total += g_bytes_get_size (references[i]);

  /* A warm-up, so the loader modules are loaded and the pages touched before timing. */
  prepare (planner, references, compliant);
  for (guint i = 0; i < rounds; i++)
    {
      times[i] = prepare (planner, references, compliant);
      worst = MAX (worst, times[i]);
      g_printerr ("%s, round %u: %.1f ms\n", compliant ? "compliant" : "camera", i + 1, times[i]);
    }
  median = bench_median (times, rounds);
  value = g_strdup_printf ("%.*f ms median, %.*f ms worst of %u (%.0f MB in)",
                           compliant ? 1 : 0, median, compliant ? 1 : 0, worst, rounds,
                           total / 1e6);
  bench_print_row (figure, value, goal, median < goal_ms);
}

int
main (int   argc,
      char *argv[])
{
  static const guint8 orientations[] = { 6, 8, 3, 1 };
  GBytes *camera[N_REFERENCES], *compliant[N_REFERENCES];
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < N_REFERENCES; i++)
    {
      camera[i] = bench_make_camera_jpeg (4000, 3000, i, orientations[i % 4]);
      compliant[i] = bench_make_camera_jpeg (1600, 1200, 100 + i, 0);
    }
  g_printerr ("made the pictures in %.1f s\n", bench_elapsed_ms (start) / 1000);

  measure ("prepare a request with 14 camera JPEGs (12 MP, EXIF 6/8/3/1)", camera, FALSE,
           CAMERA_ROUNDS, CAMERA_GOAL_MS);
  measure ("prepare a request with 14 JPEGs that need no re-encoding", compliant, TRUE,
           COMPLIANT_ROUNDS, COMPLIANT_GOAL_MS);

  for (guint i = 0; i < N_REFERENCES; i++)
    {
      g_bytes_unref (camera[i]);
      g_bytes_unref (compliant[i]);
    }
  return 0;
}
