/* test-window.c — the main window in a real display: open, drop, orientation, errors
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chiaro-application.h"
#include "chiaro-image.h"
#include "chiaro-window.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"

static ChiaroApplication *application;

static gboolean
window_is_idle (gpointer user_data)
{
  return !chiaro_window_get_loading (CHIARO_WINDOW (user_data));
}

static ChiaroWindow *
create_window (void)
{
  ChiaroWindow *window = g_object_ref (chiaro_window_new (application));

  gtk_window_set_default_size (GTK_WINDOW (window), 960, 680);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));

  return window;
}

static void
destroy_window (ChiaroWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
open_and_wait (ChiaroWindow *window,
               GFile        *file)
{
  chiaro_window_open_file (window, file);
  g_assert_true (chiaro_window_get_loading (window));
  g_assert_true (chiaro_test_wait_until (window_is_idle, window, 30));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
}

/* The upright reference picture for a fixture kind, decoded by the model code. */
static GdkPixbuf *
decode_reference (const char *name)
{
  g_autoptr(GFile) file = chiaro_test_fixture_file ("images", "exif-orientation", name, NULL);
  g_autoptr(ChiaroImage) image = chiaro_image_new_from_file (file, NULL, NULL);

  g_assert_nonnull (image);
  return chiaro_image_decode (image, NULL, NULL);
}

static void
assert_texture_matches (GdkTexture *texture,
                        GdkPixbuf  *reference)
{
  int width = gdk_pixbuf_get_width (reference);
  int height = gdk_pixbuf_get_height (reference);
  guint64 total = 0, count = 0;

  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);

  for (int y = 50; y < height; y += 173)
    for (int x = 50; x < width; x += 173)
      {
        const guint8 *p = gdk_pixbuf_read_pixels (reference)
                          + y * gdk_pixbuf_get_rowstride (reference)
                          + x * gdk_pixbuf_get_n_channels (reference);
        guint8 rgb[3];

        g_assert_true (chiaro_test_read_pixel (texture, x, y, rgb));
        for (int c = 0; c < 3; c++)
          total += ABS ((int) rgb[c] - (int) p[c]);
        count += 3;
      }

  g_test_message ("mean difference to the upright reference: %.2f", (double) total / count);
  g_assert_cmpfloat ((double) total / count, <, 8.0);
}

/* What the window shows at the image's centre is the image's centre. */
static void
assert_canvas_shows (ChiaroWindow *window,
                     GdkTexture   *texture)
{
  ChiaroCanvas *canvas = chiaro_window_get_canvas (window);
  g_autoptr(GdkTexture) shot = chiaro_test_render_widget (GTK_WIDGET (window));
  graphene_rect_t bounds;
  graphene_point_t centre;
  guint8 shown[3], expected[3];

  chiaro_canvas_get_image_bounds (canvas, &bounds);
  g_assert_cmpfloat (bounds.size.width, >, 100);
  /* Fitted: the aspect ratio of the image is kept. */
  g_assert_cmpfloat_with_epsilon (bounds.size.width / bounds.size.height,
                                  (double) gdk_texture_get_width (texture)
                                  / gdk_texture_get_height (texture), 0.01);
  g_assert_cmpfloat (bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (canvas)));
  g_assert_cmpfloat (bounds.size.height, <=, gtk_widget_get_height (GTK_WIDGET (canvas)));

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (canvas), GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (bounds.origin.x + bounds.size.width / 2,
                                                                 bounds.origin.y + bounds.size.height / 2),
                                           &centre));
  g_assert_true (chiaro_test_read_pixel (shot, centre.x, centre.y, shown));
  g_assert_true (chiaro_test_read_pixel (texture,
                                         gdk_texture_get_width (texture) / 2,
                                         gdk_texture_get_height (texture) / 2,
                                         expected));
  for (int c = 0; c < 3; c++)
    g_assert_cmpint (ABS ((int) shown[c] - (int) expected[c]), <=, 40);
}

static void
test_empty_state (void)
{
  ChiaroWindow *window = create_window ();
  GtkWidget *title;

  g_assert_true (chiaro_window_is_empty (window));
  title = chiaro_test_find_label (GTK_WIDGET (window), "Open a photo or drop one here");
  g_assert_nonnull (title);
  g_assert_true (gtk_widget_is_drawable (title));
  g_assert_null (chiaro_canvas_get_texture (chiaro_window_get_canvas (window)));

  chiaro_test_save_screenshot (GTK_WIDGET (window), "window-empty.png");
  destroy_window (window);
}

/* The two photos of the brief: stored sideways and upside down, shown upright. */
static void
test_open_exif_orientation (void)
{
  static const struct {
    const char *name;
    const char *reference;
    const char *screenshot;
  } cases[] = {
    { "Landscape_6.jpg", "Landscape_1.jpg", "window-landscape-6.png" },
    { "Portrait_3.jpg", "Portrait_1.jpg", "window-portrait-3.png" },
  };
  ChiaroWindow *window = create_window ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GFile) file = chiaro_test_fixture_file ("images", "exif-orientation",
                                                        cases[i].name, NULL);
      g_autoptr(GdkPixbuf) reference = decode_reference (cases[i].reference);
      GdkTexture *texture;

      open_and_wait (window, file);
      chiaro_test_save_screenshot (GTK_WIDGET (window), cases[i].screenshot);

      g_assert_false (chiaro_window_is_empty (window));
      g_assert_true (g_file_equal (chiaro_window_get_file (window), file));
      texture = chiaro_canvas_get_texture (chiaro_window_get_canvas (window));
      g_assert_nonnull (texture);
      assert_texture_matches (texture, reference);
      assert_canvas_shows (window, texture);
      g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, cases[i].name);
    }

  destroy_window (window);
}

/* Every libpng crasher: refused with a toast naming it, or shown; never a crash. A refused
 * file leaves the window as it was. */
static void
test_open_png_crashers (void)
{
  g_auto(GStrv) paths = chiaro_test_list_fixtures ("images/png-crashers", ".png");
  ChiaroWindow *window = create_window ();
  guint toasts = 0;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(ChiaroImage) image = chiaro_image_new_from_file (file, NULL, NULL);
      g_autoptr(GdkPixbuf) pixbuf = image ? chiaro_image_decode (image, NULL, NULL) : NULL;
      g_autoptr(GdkTexture) before = NULL;
      GdkTexture *after;

      before = chiaro_canvas_get_texture (chiaro_window_get_canvas (window));
      if (before != NULL)
        g_object_ref (before);

      open_and_wait (window, file);
      after = chiaro_canvas_get_texture (chiaro_window_get_canvas (window));

      if (pixbuf == NULL)
        {
          GtkWidget *label = chiaro_test_find_label (GTK_WIDGET (window), name);

          g_assert_nonnull (label);
          g_assert_true (gtk_widget_get_ancestor (label, GTK_TYPE_STACK) == NULL);
          g_assert_true (after == before);
          toasts++;

          if (g_str_equal (name, "badcrc.png"))
            {
              g_assert_true (chiaro_window_is_empty (window) || before != NULL);
              chiaro_test_save_screenshot (GTK_WIDGET (window), "window-error-toast.png");
            }
        }
      else
        {
          g_assert_nonnull (after);
          g_assert_cmpint (gdk_texture_get_width (after), ==, gdk_pixbuf_get_width (pixbuf));
        }
    }

  g_assert_cmpuint (toasts, >=, 2);
  destroy_window (window);
}

/* A file dropped from a file manager opens like one from the dialog. */
static void
test_drop_file (void)
{
  ChiaroWindow *window = create_window ();
  g_autoptr(GFile) file = chiaro_test_fixture_file ("images", "exif-orientation",
                                                    "Portrait_6.jpg", NULL);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  g_autoptr(GSList) files = g_slist_prepend (NULL, file);
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;
  GdkTexture *texture;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_signal_emit_by_name (target, "drop", &value, 100.0, 100.0, &handled);
  g_value_unset (&value);

  g_assert_true (handled);
  g_assert_true (chiaro_test_wait_until (window_is_idle, window, 30));
  texture = chiaro_canvas_get_texture (chiaro_window_get_canvas (window));
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 1200);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 1800);

  destroy_window (window);
}

#if !GTK_CHECK_VERSION (4, 10, 0)
static GtkWidget *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_visible (window))
        return window;
    }

  return NULL;
}

static gboolean
file_chooser_is_open (gpointer user_data)
{
  return find_file_chooser () != NULL;
}

static gboolean
file_chooser_has_folder (gpointer user_data)
{
  g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (user_data));

  return folder != NULL;
}

static gboolean
file_chooser_has_selection (gpointer user_data)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (user_data));

  return file != NULL;
}

static gboolean
file_chooser_is_closed (gpointer user_data)
{
  return find_file_chooser () == NULL;
}

/* The Open button's dialog starts in the last folder used, offers images, and opens the
 * chosen file; cancelling changes nothing. */
static void
test_open_dialog (void)
{
  ChiaroWindow *window = create_window ();
  GSettings *settings = chiaro_application_get_settings (application);
  g_autoptr(GFile) folder = chiaro_test_fixture_file ("images", "exif-orientation", NULL);
  g_autoptr(GFile) file = g_file_get_child (folder, "Landscape_3.jpg");
  g_autoptr(GFile) current = NULL;
  g_autofree char *uri = g_file_get_uri (folder);
  g_autofree char *saved = NULL;
  GtkFileFilter *filter;
  GtkWidget *dialog;

  g_settings_set_string (settings, "last-folder", uri);

  /* Cancel first. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL);
  g_assert_true (chiaro_test_wait_until (file_chooser_is_open, NULL, 10));
  dialog = find_file_chooser ();
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Open a Photo");
  filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (dialog));
  g_assert_nonnull (filter);
  g_assert_cmpstr (gtk_file_filter_get_name (filter), ==, "Images");
  g_assert_true (chiaro_test_wait_until (file_chooser_has_folder, dialog, 10));
  current = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (dialog));
  g_assert_true (g_file_equal (current, folder));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_assert_true (chiaro_test_wait_until (file_chooser_is_closed, NULL, 10));
  g_assert_true (chiaro_window_is_empty (window));

  /* Then choose a file. */
  g_settings_set_string (settings, "last-folder", "");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL);
  g_assert_true (chiaro_test_wait_until (file_chooser_is_open, NULL, 10));
  dialog = find_file_chooser ();
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL));
  /* The chooser selects the file once it has listed the folder. */
  g_assert_true (chiaro_test_wait_until (file_chooser_has_selection, dialog, 10));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (chiaro_test_wait_until (window_is_idle, window, 30));

  g_assert_true (g_file_equal (chiaro_window_get_file (window), file));
  saved = g_settings_get_string (settings, "last-folder");
  g_assert_cmpstr (saved, ==, uri);

  destroy_window (window);
}
#endif

/* A second request replaces the first: the last file asked for is the one shown. */
static void
test_newer_request_wins (void)
{
  ChiaroWindow *window = create_window ();
  g_autoptr(GFile) first = chiaro_test_fixture_file ("images", "exif-orientation",
                                                     "Landscape_1.jpg", NULL);
  g_autoptr(GFile) second = chiaro_test_fixture_file ("images", "exif-orientation",
                                                      "Portrait_1.jpg", NULL);
  GdkTexture *texture;

  chiaro_window_open_file (window, first);
  chiaro_window_open_file (window, second);
  g_assert_true (chiaro_test_wait_until (window_is_idle, window, 30));

  /* Let any late callback of the first request run; it must not replace the second. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  g_assert_true (g_file_equal (chiaro_window_get_file (window), second));
  texture = chiaro_canvas_get_texture (chiaro_window_get_canvas (window));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 1200);

  destroy_window (window);
}

/* Closing the window while a file is loading cancels the load and frees everything. */
static void
test_close_while_loading (void)
{
  ChiaroWindow *window = create_window ();
  g_autoptr(GFile) file = chiaro_test_fixture_file ("images", "exif-orientation",
                                                    "Landscape_8.jpg", NULL);

  chiaro_window_open_file (window, file);
  gtk_window_destroy (GTK_WINDOW (window));

  /* The worker threads finish and drop their references. */
  for (int i = 0; i < 200 && G_OBJECT (window)->ref_count > 1; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }

  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* A key from the environment: these windows never stop at the key page (test-preferences
   * covers it), and never touch the keyring. */
  g_setenv ("CHIARO_API_KEY", "test-key", TRUE);

  if (!(application = chiaro_test_create_application ()))
    return 0;

  g_test_add_func ("/chiaro/ui/window/empty-state", test_empty_state);
  g_test_add_func ("/chiaro/ui/window/open-exif-orientation", test_open_exif_orientation);
  g_test_add_func ("/chiaro/ui/window/open-png-crashers", test_open_png_crashers);
  g_test_add_func ("/chiaro/ui/window/drop-file", test_drop_file);
#if !GTK_CHECK_VERSION (4, 10, 0)
  g_test_add_func ("/chiaro/ui/window/open-dialog", test_open_dialog);
#endif
  g_test_add_func ("/chiaro/ui/window/newer-request-wins", test_newer_request_wins);
  g_test_add_func ("/chiaro/ui/window/close-while-loading", test_close_while_loading);

  status = g_test_run ();

  g_clear_object (&application);
  return status;
}
