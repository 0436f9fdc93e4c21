/* bench-stalls.c — the longest the main loop stops during a whole edit in the real window
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN §11: "main loop never blocked over 16 ms during an edit with 14 references and a 4K
 * answer". The real ChiaroApplication and ChiaroWindow, under the display's default renderer
 * (GL on Xvfb's llvmpipe), go through a whole edit: open a 12-megapixel photo, drop 13
 * 12-megapixel references stored sideways (EXIF orientation 6 and others) on the tray (14
 * input images, the most gemini-3-pro-image takes), send to gemini-3-pro-image at 4K, and
 * the mock server (a process of its own) answers with a PNG of photo-like content in the
 * photo's proportions (3584×4800); the answer is stored, thumbnailed and shown.
 *
 * The probe: a 1 ms timeout at G_PRIORITY_HIGH records the time between its dispatches. The
 * main loop dispatches it at every iteration once it is due, so a gap much over 1 ms is the
 * time the loop spent in something else: a handler, a layout, a frame's render. The figures
 * are the longest gap and the 99th percentile, with the phase the longest fell in, less the
 * time the main thread waited for a processor (wall-clock beside them), and the main thread's
 * own processor time in that gap.
 *
 * The edit is done twice in the same window, with other files: the first pays for the
 * renderer's first use of each kind of drawing (with llvmpipe, LLVM compiling shaders on the
 * main thread inside gsk_renderer_render), the second does not. Each edit has its row.
 */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <gtk/gtk.h>
#include <unistd.h>

#include "chiaro-application.h"
#include "chiaro-canvas.h"
#include "chiaro-history-strip.h"
#include "chiaro-reference-tray.h"
#include "chiaro-send.h"
#include "chiaro-window.h"

#include "bench-images.h"
#include "bench-mock.h"
#include "bench-util.h"

/* gemini-3-pro-image takes 14 input images, the photo being edited included. */
#define N_REFERENCES 13
#define GOAL_MS      16.0

typedef struct
{
  GArray     *gaps;        /* double ms, wall-clock */
  GArray     *own_gaps;    /* double ms, less the time spent waiting for a processor */
  GArray     *cpu_gaps;    /* double ms, the main thread's processor time over the gap */
  gint64      last;
  gint64      last_delay;  /* ns the main thread had waited for a processor, at @last */
  gint64      last_cpu;    /* ns the main thread had run, at @last */
  gint64      start;
  int         schedstat;   /* /proc/thread-self/schedstat of the main thread, or -1 */
  double      longest;
  double      longest_own;
  double      longest_own_cpu;  /* the main thread's processor time in that gap */
  const char *phase;
  const char *longest_phase;
  const char *longest_own_phase;
  double      phase_longest[4];
  double      phase_longest_own[4];
  double      phase_longest_cpu[4];
  guint       phase_index;
  /* The main thread's processor time, in ns, in the frame clock's phases since the last
   * dispatch of the probe: updates (tick callbacks), layout, paint (snapshot and render). */
  gint64      frame_mark;
  gint64      in_update;
  gint64      in_layout;
  gint64      in_paint;
  guint       n_frames;
  guint       phase_frames[4];
  gint64      phase_frame_cpu[4];  /* ns of the main thread in the frames of each phase */
} Probe;

static Probe probe;
static GtkWidget *tray_widget;
static const char * const phase_names[] = {
  "opening the photo", "adding 13 references", "sending and showing the answer",
  "looking at the answer",
};
static BenchMock mock;

/* Stops the mock server before failing, so that no process outlives the benchmark. */
#define bench_fail(...) G_STMT_START { bench_mock_stop (&mock); g_error (__VA_ARGS__); } G_STMT_END

/* How long the main thread has run (@cpu) and waited for a processor (the return value), in
 * ns (sum_exec_runtime and run_delay of schedstat): on a shared machine most of a long gap can
 * be the scheduler's queue rather than our code, and a gap the thread spent waiting for other
 * threads (a renderer's) costs it no processor time. */
static gint64
read_run_delay (gint64 *cpu)
{
  char buffer[128];
  ssize_t n;
  char *end;

  *cpu = 0;
  if (probe.schedstat < 0 || (n = pread (probe.schedstat, buffer, sizeof buffer - 1, 0)) <= 0)
    return 0;
  buffer[n] = '\0';
  *cpu = g_ascii_strtoull (buffer, &end, 10);
  return g_ascii_strtoull (end, NULL, 10);
}

static gint64
thread_cpu_ns (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * G_GINT64_CONSTANT (1000000000) + now.tv_nsec;
}

/* The frame clock's phases run one after the other within a frame: each handler, connected
 * after GTK's own, marks the end of its phase. */
static void
on_before_paint (GdkFrameClock *clock)
{
  probe.frame_mark = thread_cpu_ns ();
  probe.n_frames++;
  probe.phase_frames[probe.phase_index]++;
}

static void
end_frame_phase (gint64 *total)
{
  gint64 now = thread_cpu_ns ();

  if (probe.frame_mark != 0)
    {
      *total += now - probe.frame_mark;
      probe.phase_frame_cpu[probe.phase_index] += now - probe.frame_mark;
    }
  probe.frame_mark = now;
}

static void
on_update (GdkFrameClock *clock)
{
  end_frame_phase (&probe.in_update);
}

static void
on_layout (GdkFrameClock *clock)
{
  end_frame_phase (&probe.in_layout);
}

static void
on_paint (GdkFrameClock *clock)
{
  end_frame_phase (&probe.in_paint);
  probe.frame_mark = 0;
}

static gboolean
on_probe (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu_now;
  gint64 delay = read_run_delay (&cpu_now);

  if (probe.last != 0)
    {
      double gap = (now - probe.last) / 1000.0;
      double own = MAX (0, gap - (delay - probe.last_delay) / 1e6);
      double cpu = (cpu_now - probe.last_cpu) / 1e6;

      g_array_append_val (probe.gaps, gap);
      g_array_append_val (probe.own_gaps, own);
      g_array_append_val (probe.cpu_gaps, cpu);
      if (gap > probe.longest)
        {
          probe.longest = gap;
          probe.longest_phase = probe.phase;
        }
      if (own > probe.longest_own)
        {
          probe.longest_own = own;
          probe.longest_own_cpu = cpu;
          probe.longest_own_phase = probe.phase;
        }
      if ((own > GOAL_MS && g_getenv ("BENCH_STALLS_VERBOSE") != NULL) ||
          (g_getenv ("BENCH_STALLS_CPU_MS") != NULL &&
           cpu > g_ascii_strtod (g_getenv ("BENCH_STALLS_CPU_MS"), NULL)))
        g_printerr ("  %.1f s (monotonic %.6f): gap %.1f ms, %.1f ms of it not waiting for a "
                    "processor, %.1f ms of the main thread's processor time\n",
                    bench_elapsed_ms (probe.start) / 1000, probe.last / 1e6, gap, own, cpu);
      if (probe.n_frames > 0 && (g_getenv ("BENCH_STALLS_VERBOSE") != NULL ||
                                 g_getenv ("BENCH_STALLS_CPU_MS") != NULL) &&
          (own > GOAL_MS || (g_getenv ("BENCH_STALLS_CPU_MS") != NULL &&
                             cpu > g_ascii_strtod (g_getenv ("BENCH_STALLS_CPU_MS"), NULL))))
        g_printerr ("    %u frame(s): %.1f ms updating, %.1f ms layout, %.1f ms snapshot and "
                    "render; %.1f ms outside frames\n",
                    probe.n_frames, probe.in_update / 1e6, probe.in_layout / 1e6,
                    probe.in_paint / 1e6,
                    cpu - (probe.in_update + probe.in_layout + probe.in_paint) / 1e6);
      probe.phase_longest[probe.phase_index] = MAX (probe.phase_longest[probe.phase_index], gap);
      probe.phase_longest_own[probe.phase_index] =
        MAX (probe.phase_longest_own[probe.phase_index], own);
      probe.phase_longest_cpu[probe.phase_index] =
        MAX (probe.phase_longest_cpu[probe.phase_index], cpu);
    }
  probe.in_update = probe.in_layout = probe.in_paint = 0;
  probe.n_frames = 0;
  probe.last = now;
  probe.last_delay = delay;
  probe.last_cpu = cpu_now;
  return G_SOURCE_CONTINUE;
}

/* A gap under way when a phase ends is the ending phase's: it is closed here, so that the
 * next phase starts from its first instant. */
static void
set_phase (guint index)
{
  const char *phase = phase_names[index];

  if (probe.last != 0)
    on_probe (NULL);
  probe.phase_index = index;
  probe.phase = phase;
  g_printerr ("%.1f s: %s\n", bench_elapsed_ms (probe.start) / 1000, phase);
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Called at every iteration of the loop being measured: the tray is looked up once, not by
 * walking the whole widget tree each time (which the gaps would count). */
static gboolean
is_settled (ChiaroWindow *window)
{
  GtkWidget *tray;

  if (tray_widget == NULL || gtk_widget_get_root (tray_widget) != GTK_ROOT (window))
    g_set_weak_pointer (&tray_widget, find_widget (GTK_WIDGET (window),
                                                  CHIARO_TYPE_REFERENCE_TRAY));
  tray = tray_widget;

  return !chiaro_window_get_loading (window) && chiaro_window_get_n_pending (window) == 0 &&
         !chiaro_history_strip_get_loading (chiaro_window_get_history_strip (window)) &&
         !chiaro_canvas_get_busy (chiaro_window_get_canvas (window)) &&
         (tray == NULL || !chiaro_reference_tray_get_busy (CHIARO_REFERENCE_TRAY (tray)));
}

/* Spins the loop until @window is settled and then has painted twice. */
static void
wait_settled (ChiaroWindow *window,
              guint         n_references)
{
  GdkFrameClock *clock;
  gint64 paints_before;
  gint64 deadline = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;

  while (!is_settled (window) ||
         (chiaro_window_get_document (window) != NULL &&
          g_list_model_get_n_items (G_LIST_MODEL (chiaro_document_get_references (
            chiaro_window_get_document (window)))) < n_references))
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_get_monotonic_time () > deadline)
        bench_fail ("The window did not settle in 300 s");
    }

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  paints_before = gdk_frame_clock_get_frame_counter (clock);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  while (gdk_frame_clock_get_frame_counter (clock) < paints_before + 2)
    {
      g_main_context_iteration (NULL, TRUE);
      gtk_widget_queue_draw (GTK_WIDGET (window));
    }
}

static void
on_tray_error (ChiaroReferenceTray *tray,
               const GError        *error)
{
  bench_fail ("The tray refused a reference: %s", error->message);
}

static GFile *
write_file (const char *dir,
            const char *name,
            GBytes     *bytes)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The files of one edit: a photo and N_REFERENCES references, all different from those of
 * any other edit (@edit is stamped in them). */
static void
make_files (const char *dir,
            guint       edit,
            GBytes     *bases[3],
            GFile     **photo_file,
            GFile      *references[N_REFERENCES])
{
  static const guint8 orientations[] = { 6, 8, 3, 1 };
  g_autoptr(GBytes) photo = bench_make_camera_jpeg (4000, 3000, 1000 + edit, 6);
  g_autofree char *photo_name = g_strdup_printf ("photo-%u.jpg", edit);

  *photo_file = write_file (dir, photo_name, photo);
  for (guint i = 0; i < N_REFERENCES; i++)
    {
      g_autoptr(GBytes) bytes = bench_restamp_jpeg (bases[i % 3], orientations[i % 4],
                                                    edit * N_REFERENCES + i);
      g_autofree char *name = g_strdup_printf ("IMG_%u%03u.JPG", edit + 1, i + 1);

      references[i] = write_file (dir, name, bytes);
    }
}

/* One whole edit in @window, measured: prints its row. */
static void
run_edit (ChiaroWindow *window,
          guint         edit,
          GFile        *photo_file,
          GFile        *references[N_REFERENCES])
{
  g_autofree char *value = NULL;
  g_autofree char *figure = NULL;
  ChiaroDocument *document;
  ChiaroHistoryEntry *cursor;
  GtkWidget *tray;
  g_autoptr(ChiaroSend) send = NULL;
  gint64 send_start;
  guint probe_id;
  double p99, p99_own;

  g_printerr ("%s edit\n", edit == 0 ? "first" : "second");
  g_clear_pointer (&probe.gaps, g_array_unref);
  g_clear_pointer (&probe.own_gaps, g_array_unref);
  g_clear_pointer (&probe.cpu_gaps, g_array_unref);
  memset (&probe, 0, sizeof probe);
  probe.gaps = g_array_new (FALSE, FALSE, sizeof (double));
  probe.own_gaps = g_array_new (FALSE, FALSE, sizeof (double));
  probe.cpu_gaps = g_array_new (FALSE, FALSE, sizeof (double));
  probe.schedstat = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  probe.start = g_get_monotonic_time ();
  probe_id = g_timeout_add_full (G_PRIORITY_HIGH, 1, on_probe, NULL, NULL);

  /* 1. The photo. */
  set_phase (0);
  chiaro_window_open_file (window, photo_file);
  wait_settled (window, 0);
  document = chiaro_window_get_document (window);
  g_assert_nonnull (document);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (chiaro_document_get_references (
                      document))), ==, 0);

  /* 2. The references, all at once as from a drop of 13 files on the tray. */
  set_phase (1);
  tray = find_widget (GTK_WIDGET (window), CHIARO_TYPE_REFERENCE_TRAY);
  g_assert_nonnull (tray);
  if (edit == 0)
    g_signal_connect (tray, "error", G_CALLBACK (on_tray_error), NULL);
  chiaro_reference_tray_add_files (CHIARO_REFERENCE_TRAY (tray), references, N_REFERENCES);
  wait_settled (window, N_REFERENCES);

  /* 3. The send, until the answer is stored, in the strip and on the canvas. */
  set_phase (2);
  chiaro_document_set_prompt (document, "Put everyone from the references in the photo");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.send", NULL));
  g_assert_cmpuint (chiaro_window_get_n_pending (window), ==, 1);
  send = g_list_model_get_item (chiaro_document_get_sends (document), 0);
  send_start = g_get_monotonic_time ();
  wait_settled (window, 0);
  g_printerr ("send finished in %.1f s\n", bench_elapsed_ms (send_start) / 1000);
  if (chiaro_send_get_error (send) != NULL)
    bench_fail ("The send failed: %s", chiaro_send_get_error (send)->message);
  g_assert_cmpint (chiaro_send_get_state (send), ==, CHIARO_SEND_DONE);
  g_assert_cmpuint (chiaro_send_get_entries (send)->len, ==, 1);

  /* 4. A moment of nothing, as a user looks at it. */
  set_phase (3);
  {
    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
  }
  on_probe (NULL);
  g_source_remove (probe_id);
  if (probe.schedstat >= 0)
    close (probe.schedstat);

  cursor = chiaro_history_get_cursor (chiaro_document_get_history (document));
  g_assert_true (chiaro_history_entry_get_parent (cursor) ==
                 chiaro_history_get_root (chiaro_document_get_history (document)));
  /* At 4K the model answers in the photo's proportions: 3584×4800 for an upright 3:4. */
  g_printerr ("answer: %d×%d\n", chiaro_history_entry_get_width (cursor),
              chiaro_history_entry_get_height (cursor));
  g_assert_cmpint (MAX (chiaro_history_entry_get_width (cursor),
                        chiaro_history_entry_get_height (cursor)), >=, 4096);
  g_assert_cmpint (gdk_texture_get_width (chiaro_canvas_get_texture (
    chiaro_window_get_canvas (window))), ==, chiaro_history_entry_get_width (cursor));

  g_array_sort (probe.gaps, compare_doubles);
  g_array_sort (probe.own_gaps, compare_doubles);
  p99 = g_array_index (probe.gaps, double, (guint) (probe.gaps->len * 0.99));
  p99_own = g_array_index (probe.own_gaps, double, (guint) (probe.own_gaps->len * 0.99));
  g_printerr ("%u probe gaps\n", probe.gaps->len);
  for (guint i = 0; i < G_N_ELEMENTS (phase_names); i++)
    g_printerr ("  %-28s longest %7.1f ms, %7.1f ms less waiting for a processor, "
                "%7.1f ms of main-thread processor time at most\n",
                phase_names[i], probe.phase_longest[i], probe.phase_longest_own[i],
                probe.phase_longest_cpu[i]);
  for (guint i = 0; i < G_N_ELEMENTS (phase_names); i++)
    g_printerr ("  %-28s %4u frames, %7.1f ms of main-thread processor time in them "
                "(%.1f ms a frame)\n",
                phase_names[i], probe.phase_frames[i], probe.phase_frame_cpu[i] / 1e6,
                probe.phase_frames[i] > 0 ? probe.phase_frame_cpu[i] / 1e6 / probe.phase_frames[i]
                                          : 0.0);

  figure = g_strdup_printf ("main-loop stalls in the window: 12 MP photo, 13 references, a 4K "
                            "PNG answer (%s), %s",
                            G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))),
                            edit == 0 ? "first edit (the renderer's first use of each kind of "
                                        "drawing included)"
                                      : "second edit in the same window");
  value = g_strdup_printf ("longest %.1f ms (%s; %.1f ms of it the main thread's processor "
                           "time), 99th percentile %.1f ms, less waiting for a processor; "
                           "wall-clock %.1f ms, p99 %.1f ms",
                           probe.longest_own, probe.longest_own_phase, probe.longest_own_cpu,
                           p99_own, probe.longest, p99);
  bench_print_row (figure, value, "<= 16 ms", probe.longest_own <= GOAL_MS);
}

int
main (int   argc,
      char *argv[])
{
  const char * const mock_args[] = { "--image-format", "png", NULL };
  g_autoptr(ChiaroApplication) application = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_current_dir (), "bench-stalls-files", NULL);
  g_autofree char *data_dir_path = g_build_filename (dir, "data", NULL);
  g_autoptr(GFile) data_dir = g_file_new_for_path (data_dir_path);
  GBytes *bases[3];
  GFile *photo_files[2];
  GFile *references[2][N_REFERENCES];
  ChiaroWindow *window;
  GSettings *settings;

  /* Projects, caches and settings of this run stay in the build directory. */
  g_setenv ("XDG_DATA_HOME", data_dir_path, TRUE);
  g_setenv ("XDG_CACHE_HOME", data_dir_path, TRUE);
  g_setenv ("XDG_CONFIG_HOME", data_dir_path, TRUE);

  bench_remove_tree (dir);
  g_mkdir_with_parents (data_dir_path, 0700);
  if (!gtk_init_check ())
    {
      g_printerr ("no display: run under xvfb-run (build-aux/dev bench does)\n");
      bench_remove_tree (dir);
      return 77;
    }
  g_setenv ("CHIARO_API_KEY", "bench-key", TRUE);

  /* The pictures, made before anything is timed. */
  for (guint i = 0; i < G_N_ELEMENTS (bases); i++)
    bases[i] = bench_make_camera_jpeg (4000, 3000, i, 6);
  for (guint edit = 0; edit < 2; edit++)
    make_files (dir, edit, bases, &photo_files[edit], references[edit]);

  bench_mock_start (&mock, mock_args);

  application = g_object_new (CHIARO_TYPE_APPLICATION,
                              "application-id", APPLICATION_ID,
                              "flags", G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN,
                              "resource-base-path", RESOURCE_PATH,
                              "data-dir", data_dir,
                              NULL);
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);
  settings = chiaro_application_get_settings (application);
  g_settings_set_string (settings, "endpoint", mock.url);
  g_settings_set_string (settings, "default-model", "gemini-3-pro-image");
  g_settings_set_string (settings, "default-image-size", "4K");

  window = g_object_ref (chiaro_window_new (application));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  wait_settled (window, 0);
  {
    GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

    g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), NULL);
    g_signal_connect_after (clock, "update", G_CALLBACK (on_update), NULL);
    g_signal_connect_after (clock, "layout", G_CALLBACK (on_layout), NULL);
    g_signal_connect_after (clock, "paint", G_CALLBACK (on_paint), NULL);
  }
  g_printerr ("renderer: %s\n",
              G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));

  for (guint edit = 0; edit < 2; edit++)
    run_edit (window, edit, photo_files[edit], references[edit]);

  g_clear_pointer (&probe.gaps, g_array_unref);
  g_clear_pointer (&probe.own_gaps, g_array_unref);
  g_clear_pointer (&probe.cpu_gaps, g_array_unref);
  g_clear_weak_pointer (&tray_widget);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  bench_mock_stop (&mock);
  for (guint edit = 0; edit < 2; edit++)
    {
      g_object_unref (photo_files[edit]);
      for (guint i = 0; i < N_REFERENCES; i++)
        g_object_unref (references[edit][i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bases); i++)
    g_bytes_unref (bases[i]);
  bench_remove_tree (dir);
  return 0;
}
