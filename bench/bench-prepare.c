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
 * The camera case: 14 different 12-megapixel JPEGs (4000×3000, about 2 MB each at quality
 * 90 with a camera's grain), stored sideways and upside down as phones do (EXIF orientation
 * 6, 8, 3 and 1 in turn). Together they are over the request budget, so the planner decodes
 * each (at libjpeg's half scale, then upright) and re-encodes it within its share. The
 * compliant case: 14
 * upright 1600×1200 JPEGs that fit as they are, sent byte for byte; the benchmark checks
 * that nothing was decoded.
 *
 * The machine is shared, so the camera row also gives the processor time a preparation took
 * (user and system, all threads) and, in the same run, a floor: gdk-pixbuf decoding the same
 * 14 files at full size on as many threads as the planner uses, nothing else. Both vary much
 * less with the load than the wall-clock time.
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <sys/resource.h>

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

/* Processor time of the whole process so far (user and system, all threads), in ms. */
static double
cpu_ms (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

static void
decode_whole (gpointer data,
              gpointer user_data)
{
  GBytes *bytes = data;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_loader_write_bytes (loader, bytes, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* The floor: the 14 files decoded whole, in parallel, by gdk-pixbuf alone. */
static double
decode_floor (GBytes **references)
{
  gint64 start = g_get_monotonic_time ();
  GThreadPool *pool = g_thread_pool_new (decode_whole, NULL,
                                         MAX (g_get_num_processors (), 1), FALSE, NULL);

  for (guint i = 0; i < N_REFERENCES; i++)
    g_thread_pool_push (pool, references[i], NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  return bench_elapsed_ms (start);
}

/* One preparation: images from bytes, then the plan. Returns the milliseconds taken, and
 * the processor time in @cpu. */
static double
prepare (ChiaroRequestPlanner *planner,
         GBytes              **references,
         gboolean              expect_unchanged,
         double               *cpu)
{
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new ();
  g_autoptr(ChiaroModelInfo) model = chiaro_model_catalog_lookup (catalog, MODEL_ID);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroPlanInput) input = NULL;
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  guint decoded_before = chiaro_request_planner_get_n_decoded (planner);
  gint64 start = g_get_monotonic_time ();
  double cpu_start = cpu_ms ();
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
  *cpu = cpu_ms () - cpu_start;
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
  g_autofree double *cpu_times = g_new (double, rounds);
  g_autofree double *floors = g_new (double, rounds);
  g_autofree char *value = NULL;
  g_autofree char *goal = g_strdup_printf ("< %.0f ms", goal_ms);
  gsize total = 0;
  double worst = 0, median, cpu;

  for (guint i = 0; i < N_REFERENCES; i++)
    total += g_bytes_get_size (references[i]);

  /* A warm-up, so the loader modules are loaded and the pages touched before timing. */
  prepare (planner, references, compliant, &cpu);
  for (guint i = 0; i < rounds; i++)
    {
      times[i] = prepare (planner, references, compliant, &cpu_times[i]);
      worst = MAX (worst, times[i]);
      g_printerr ("%s, round %u: %.1f ms (processor %.0f ms)", compliant ? "compliant" : "camera",
                  i + 1, times[i], cpu_times[i]);
      if (!compliant)
        {
          floors[i] = decode_floor (references);
          g_printerr (", decode floor %.0f ms", floors[i]);
        }
      g_printerr ("\n");
    }
  median = bench_median (times, rounds);
  if (compliant)
    value = g_strdup_printf ("%.1f ms median, %.1f ms worst of %u (%.0f MB in)",
                             median, worst, rounds, total / 1e6);
  else
    {
      double floor_median = bench_median (floors, rounds);

      value = g_strdup_printf ("%.0f ms median, %.0f ms worst of %u (%.0f MB in); "
                               "processor %.0f ms; %.2fx the decode floor (%.0f ms)",
                               median, worst, rounds, total / 1e6,
                               bench_median (cpu_times, rounds), median / floor_median,
                               floor_median);
    }
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
