/* test-window.c — the main window in a real display: open, drop, orientation, errors, and
 * the whole editing loop against the mock server
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-application.h"
#include "chiaro-application-private.h"
#include "chiaro-generation-controls.h"
#include "chiaro-image.h"
#include "chiaro-image-store.h"
#include "chiaro-mock-server.h"
#include "chiaro-project-card.h"
#include "chiaro-projects-view.h"
#include "chiaro-reference-tray.h"
#include "chiaro-window.h"
#include "chiaro-test-projects.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"

static ChiaroApplication *application;
static ChiaroMockServer *mock;

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
  GtkWidget *view;

  /* A window without a project shows the projects start page. */
  g_assert_true (chiaro_window_is_empty (window));
  view = chiaro_test_find_widget (GTK_WIDGET (window), CHIARO_TYPE_PROJECTS_VIEW);
  g_assert_nonnull (view);
  g_assert_true (gtk_widget_is_drawable (view));
  g_assert_true (gtk_widget_is_drawable (chiaro_test_find_label (GTK_WIDGET (window),
                                                                 "New from Photo")));
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
    const char *title;
  } cases[] = {
    { "Landscape_6.jpg", "Landscape_1.jpg", "window-landscape-6.png", "Landscape_6" },
    { "Portrait_3.jpg", "Portrait_1.jpg", "window-portrait-3.png", "Portrait_3" },
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
      /* The project is named after the photo, without its extension. */
      g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, cases[i].title);
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

/* The editing loop, against the mock */

static gboolean
window_is_settled (gpointer user_data)
{
  ChiaroWindow *window = CHIARO_WINDOW (user_data);

  return !chiaro_window_get_loading (window) && chiaro_window_get_n_pending (window) == 0 &&
         !chiaro_history_strip_get_loading (chiaro_window_get_history_strip (window)) &&
         !chiaro_canvas_get_busy (chiaro_window_get_canvas (window));
}

static void
wait_settled (ChiaroWindow *window)
{
  g_assert_true (chiaro_test_wait_until (window_is_settled, window, 60));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
}

static ChiaroWindow *
create_project_window (const char *photo)
{
  ChiaroWindow *window = create_window ();
  g_autoptr(GFile) file = chiaro_test_fixture_file ("images", "exif-orientation", photo, NULL);

  chiaro_mock_server_clear_requests (mock);
  chiaro_mock_server_set_delay_ms (mock, 0);
  open_and_wait (window, file);
  wait_settled (window);
  g_assert_nonnull (chiaro_window_get_document (window));

  return window;
}

static gboolean
tray_is_idle (gpointer user_data)
{
  return !chiaro_reference_tray_get_busy (CHIARO_REFERENCE_TRAY (user_data));
}

static ChiaroHistory *
window_history (ChiaroWindow *window)
{
  return chiaro_document_get_history (chiaro_window_get_document (window));
}

static ChiaroHistoryEntry *
window_cursor (ChiaroWindow *window)
{
  return chiaro_history_get_cursor (window_history (window));
}

static void
activate (ChiaroWindow *window,
          const char   *action,
          GVariant     *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), action, parameter));
}

static void
send_and_wait (ChiaroWindow *window,
               const char   *prompt)
{
  chiaro_document_set_prompt (chiaro_window_get_document (window), prompt);
  activate (window, "win.send", NULL);
  g_assert_cmpuint (chiaro_window_get_n_pending (window), ==, 1);
  wait_settled (window);
}

/* The stored image of @entry, decoded by the model code. */
static GdkPixbuf *
decode_entry (ChiaroWindow       *window,
              ChiaroHistoryEntry *entry)
{
  ChiaroImageStore *images = chiaro_document_get_images (chiaro_window_get_document (window));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(ChiaroImage) image = NULL;
  GdkPixbuf *pixbuf;

  bytes = chiaro_image_store_load (images, chiaro_history_entry_get_image_hash (entry),
                                   chiaro_history_entry_get_mime_type (entry), NULL, &error);
  g_assert_no_error (error);
  image = chiaro_image_new_from_bytes (bytes, "entry", &error);
  g_assert_no_error (error);
  pixbuf = chiaro_image_decode (image, NULL, &error);
  g_assert_no_error (error);
  return pixbuf;
}

/* The mean colour of @texture's pixels in the box of @size around (@x, @y). */
static void
average_box (const guint8 *data,
             int           width,
             int           height,
             double        x,
             double        y,
             double        size,
             double        mean[3])
{
  int x0 = CLAMP ((int) (x - size / 2), 0, width - 1);
  int x1 = CLAMP ((int) (x + size / 2), x0 + 1, width);
  int y0 = CLAMP ((int) (y - size / 2), 0, height - 1);
  int y1 = CLAMP ((int) (y + size / 2), y0 + 1, height);
  double n = (double) (x1 - x0) * (y1 - y0);

  mean[0] = mean[1] = mean[2] = 0;
  for (int j = y0; j < y1; j++)
    for (int i = x0; i < x1; i++)
      for (int c = 0; c < 3; c++)
        mean[c] += data[(gsize) j * width * 4 + i * 4 + 2 - c] / n;
}

/* What the window shows on the canvas is the texture: a grid of points, each compared with
 * the mean of the image pixels it stands for. */
static void
assert_canvas_shows_region (ChiaroWindow *window,
                            GdkTexture   *texture)
{
  ChiaroCanvas *canvas = chiaro_window_get_canvas (window);
  g_autoptr(GdkTexture) shot = chiaro_test_render_widget (GTK_WIDGET (window));
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint8 *data = g_malloc ((gsize) width * height * 4);
  graphene_rect_t bounds;
  double total = 0, scale;
  guint n = 0;

  gdk_texture_download (texture, data, (gsize) width * 4);
  chiaro_canvas_get_image_bounds (canvas, &bounds);
  g_assert_cmpfloat (bounds.size.width, >, 50);
  g_assert_cmpfloat_with_epsilon (bounds.size.width / bounds.size.height,
                                  (double) width / height, 0.01);
  scale = width / bounds.size.width;

  for (double fy = 0.1; fy < 0.95; fy += 0.2)
    for (double fx = 0.1; fx < 0.95; fx += 0.2)
      {
        graphene_point_t at;
        guint8 shown[3];
        double mean[3];

        g_assert_true (gtk_widget_compute_point (GTK_WIDGET (canvas), GTK_WIDGET (window),
                                                 &GRAPHENE_POINT_INIT (bounds.origin.x + bounds.size.width * fx,
                                                                       bounds.origin.y + bounds.size.height * fy),
                                                 &at));
        g_assert_true (chiaro_test_read_pixel (shot, at.x, at.y, shown));
        average_box (data, width, height, width * fx, height * fy, scale, mean);
        for (int c = 0; c < 3; c++)
          total += ABS (shown[c] - mean[c]);
        n += 3;
      }

  g_test_message ("mean difference of the canvas to the image: %.1f", total / n);
  g_assert_cmpfloat (total / n, <=, 20);
}

/* The canvas shows the cursor's image: its texture is the stored image, and the window's
 * pixels at the image's centre are the image's. */
static void
assert_canvas_shows_cursor (ChiaroWindow *window)
{
  g_autoptr(GdkPixbuf) expected = decode_entry (window, window_cursor (window));
  GdkTexture *texture = chiaro_canvas_get_texture (chiaro_window_get_canvas (window));

  g_assert_nonnull (texture);
  assert_texture_matches (texture, expected);
  assert_canvas_shows_region (window, texture);
}

static void
on_reference_added (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ChiaroReference *reference;
  g_autoptr(GError) error = NULL;

  reference = chiaro_document_add_reference_finish (CHIARO_DOCUMENT (object), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reference);
}

static gboolean
has_n_references (gpointer user_data)
{
  ChiaroDocument *document = user_data;
  guint expected = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (document), "test-expected"));

  return g_list_model_get_n_items (G_LIST_MODEL (chiaro_document_get_references (document))) ==
         expected;
}

static void
wait_references (ChiaroDocument *document,
                 guint           n)
{
  g_object_set_data (G_OBJECT (document), "test-expected", GUINT_TO_POINTER (n));
  g_assert_true (chiaro_test_wait_until (has_n_references, document, 30));
}

static guint
count_inline_images (ChiaroMockRequest *request)
{
  JsonArray *contents = json_node_get_array (chiaro_test_json_get_path (request->json,
                                                                         "contents"));
  JsonObject *last = json_array_get_object_element (contents, json_array_get_length (contents) - 1);
  JsonArray *parts = json_object_get_array_member (last, "parts");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (parts); i++)
    if (json_object_has_member (json_array_get_object_element (parts, i), "inlineData"))
      n++;

  return n;
}

static gboolean
request_has_text (ChiaroMockRequest *request,
                  const char        *text)
{
  g_autofree char *body = g_strndup (g_bytes_get_data (request->body, NULL),
                                     g_bytes_get_size (request->body));

  return strstr (body, text) != NULL;
}

/* The projects start page */

typedef struct
{
  ChiaroWindow *window;
  guint n;
} CardsWait;

static GtkFlowBox *
projects_flow_box (ChiaroWindow *window)
{
  GtkWidget *view = chiaro_test_find_widget (GTK_WIDGET (window), CHIARO_TYPE_PROJECTS_VIEW);

  g_assert_nonnull (view);
  return GTK_FLOW_BOX (chiaro_test_find_widget (view, GTK_TYPE_FLOW_BOX));
}

static guint
n_project_cards (ChiaroWindow *window)
{
  GtkFlowBox *box = projects_flow_box (window);
  guint n = 0;

  while (gtk_flow_box_get_child_at_index (box, n) != NULL)
    n++;
  return n;
}

static gboolean
has_n_cards (gpointer user_data)
{
  CardsWait *wait = user_data;
  GtkFlowBox *box = projects_flow_box (wait->window);
  GtkFlowBoxChild *child;

  if (n_project_cards (wait->window) != wait->n)
    return FALSE;

  /* And their thumbnails are in. */
  for (guint i = 0; (child = gtk_flow_box_get_child_at_index (box, i)) != NULL; i++)
    if (!chiaro_project_card_get_thumbnail_loaded (CHIARO_PROJECT_CARD (gtk_flow_box_child_get_child (child))))
      return FALSE;

  return TRUE;
}

static gboolean
projects_settled (gpointer user_data)
{
  ChiaroWindow *window = user_data;
  ChiaroProjectsView *view = CHIARO_PROJECTS_VIEW (chiaro_test_find_widget (GTK_WIDGET (window),
                                                                CHIARO_TYPE_PROJECTS_VIEW));
  CardsWait wait = { window, n_project_cards (window) };

  return !chiaro_project_list_get_loading (chiaro_projects_view_get_projects (view)) &&
         wait.n > 0 && has_n_cards (&wait);
}

static GtkFlowBoxChild *
find_card (ChiaroWindow *window,
           const char   *title)
{
  GtkFlowBox *box = projects_flow_box (window);
  GtkFlowBoxChild *child;

  for (guint i = 0; (child = gtk_flow_box_get_child_at_index (box, i)) != NULL; i++)
    {
      ChiaroProjectCard *card = CHIARO_PROJECT_CARD (gtk_flow_box_child_get_child (child));

      if (g_strcmp0 (chiaro_project_info_get_title (chiaro_project_card_get_info (card)),
                     title) == 0)
        return child;
    }

  g_assert_not_reached ();
}

static void
save_light_and_dark (GtkWidget  *widget,
                     const char *name)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("%s.png", name);
  g_autofree char *dark = g_strdup_printf ("%s-dark.png", name);

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_true (chiaro_test_wait_for_paint (widget));
  chiaro_test_save_screenshot (widget, light);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (chiaro_test_wait_for_paint (widget));
  chiaro_test_save_screenshot (widget, dark);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
  g_assert_true (chiaro_test_wait_for_paint (widget));
}

/* Two projects on disk: a new window lists them; a card opens its project; a project open
 * in one window is not opened in a second; "New from Prompt" makes a project with an empty
 * root, and a send from it adds an entry. */
static void
test_projects_start_page (void)
{
  ChiaroSession *session = chiaro_application_get_project_session (application);
  g_autoptr(GFile) forest = chiaro_session_new_project_dir (session);
  g_autoptr(GFile) beach = chiaro_session_new_project_dir (session);
  g_autoptr(GFile) projects_dir = NULL;
  ChiaroWindow *window, *second;
  ChiaroDocument *document;
  ChiaroHistoryEntry *root;
  ChiaroMockRequest *request;
  GtkWidget *controls, *focus;
  CardsWait wait;
  guint8 rgb[3];

  chiaro_test_make_project (forest, "Forest", NULL, 1, 0x00c000);
  chiaro_test_make_project (beach, "Beach", NULL, 2, 0xff0000);

  window = create_window ();
  wait = (CardsWait) { window, 2 };
  g_assert_true (chiaro_test_wait_until (has_n_cards, &wait, 30));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  g_assert_true (chiaro_window_is_empty (window));
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (projects_flow_box (window))));
  save_light_and_dark (GTK_WIDGET (window), "window-projects");

  /* A card opens its project: the canvas shows the cursor's image, all red. */
  g_assert_true (gtk_widget_activate (GTK_WIDGET (find_card (window, "Beach"))));
  g_assert_true (chiaro_test_wait_until (window_is_idle, window, 30));
  wait_settled (window);
  document = chiaro_window_get_document (window);
  g_assert_nonnull (document);
  g_assert_true (g_file_equal (chiaro_document_get_dir (document), beach));
  g_assert_cmpuint (chiaro_history_get_n_entries (window_history (window)), ==, 3);
  assert_canvas_shows_cursor (window);
  {
    g_autoptr(GdkTexture) shot = chiaro_test_render_widget (GTK_WIDGET (window));
    ChiaroCanvas *canvas = chiaro_window_get_canvas (window);
    graphene_rect_t bounds;
    graphene_point_t centre;

    chiaro_canvas_get_image_bounds (canvas, &bounds);
    g_assert_true (gtk_widget_compute_point (GTK_WIDGET (canvas), GTK_WIDGET (window),
                                             &GRAPHENE_POINT_INIT (bounds.origin.x + bounds.size.width / 2,
                                                                   bounds.origin.y + bounds.size.height / 2),
                                             &centre));
    g_assert_true (chiaro_test_read_pixel (shot, centre.x, centre.y, rgb));
    g_assert_cmpint (rgb[0], >, 200);
    g_assert_cmpint (rgb[1], <, 60);
    g_assert_cmpint (rgb[2], <, 60);
  }

  /* A second window lists both; the open one is not opened twice. */
  second = create_window ();
  wait = (CardsWait) { second, 2 };
  g_assert_true (chiaro_test_wait_until (has_n_cards, &wait, 30));
  g_assert_true (gtk_widget_activate (GTK_WIDGET (find_card (second, "Beach"))));
  g_assert_false (chiaro_window_get_loading (second));
  g_assert_null (chiaro_window_get_document (second));
  g_assert_true (chiaro_window_get_document (window) == document);

  /* New from Prompt: an empty root, the prompt focused. */
  chiaro_mock_server_clear_requests (mock);
  chiaro_mock_server_set_delay_ms (mock, 0);
  g_assert_true (gtk_widget_activate_action (chiaro_test_find_widget (GTK_WIDGET (second),
                                                          CHIARO_TYPE_PROJECTS_VIEW),
                                             "projects.new-from-prompt", NULL));
  g_assert_true (chiaro_test_wait_until (window_is_idle, second, 30));
  wait_settled (second);
  document = chiaro_window_get_document (second);
  g_assert_nonnull (document);
  projects_dir = chiaro_session_get_projects_dir (session);
  g_assert_true (g_file_has_parent (chiaro_document_get_dir (document), projects_dir));
  g_assert_cmpuint (chiaro_history_get_n_entries (window_history (second)), ==, 1);
  root = chiaro_history_get_root (window_history (second));
  g_assert_null (chiaro_history_entry_get_image_hash (root));
  g_assert_null (chiaro_canvas_get_texture (chiaro_window_get_canvas (second)));
  g_assert_true (gtk_widget_is_drawable (chiaro_test_find_label (GTK_WIDGET (second),
                                                                 "Describe the Image You Want")));
  controls = chiaro_test_find_widget (GTK_WIDGET (second), CHIARO_TYPE_GENERATION_CONTROLS);
  focus = gtk_root_get_focus (GTK_ROOT (second));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, controls));

  send_and_wait (second, "a lighthouse at dusk, oil painting");
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (mock), ==, 1);
  request = chiaro_mock_server_get_request (mock, 0);
  g_assert_cmpuint (request->status, ==, 200);
  g_assert_cmpuint (count_inline_images (request), ==, 0);
  g_assert_true (request_has_text (request, "a lighthouse at dusk, oil painting"));
  g_assert_cmpuint (chiaro_history_get_n_entries (window_history (second)), ==, 2);
  g_assert_true (chiaro_history_entry_get_parent (window_cursor (second)) == root);
  assert_canvas_shows_cursor (second);

  destroy_window (second);
  destroy_window (window);
}

/* Errors from the strip, the tray and sends that failed before anything was sent are shown
 * in the window's toasts. */
typedef struct
{
  ChiaroWindow *window;
  const char *text;
} ToastWait;

static gboolean
toast_shown (gpointer user_data)
{
  ToastWait *wait = user_data;
  GtkWidget *label = chiaro_test_find_label (GTK_WIDGET (wait->window), wait->text);

  return label != NULL && gtk_widget_get_ancestor (label, ADW_TYPE_TOAST_OVERLAY) != NULL &&
         gtk_widget_get_ancestor (label, GTK_TYPE_STACK) == NULL && gtk_widget_is_drawable (label);
}

static void
wait_toast (ChiaroWindow *window,
            const char   *text)
{
  ToastWait wait = { window, text };

  g_assert_true (chiaro_test_wait_until (toast_shown, &wait, 30));
}

static void
test_error_toasts (void)
{
  ChiaroWindow *window = create_project_window ("Landscape_1.jpg");
  GtkWidget *tray = chiaro_test_find_widget (GTK_WIDGET (window), CHIARO_TYPE_REFERENCE_TRAY);
  GtkWidget *controls = chiaro_test_find_widget (GTK_WIDGET (window), CHIARO_TYPE_GENERATION_CONTROLS);
  g_autofree char *path = chiaro_test_data_path ("not-an-image.txt");
  g_autoptr(GFile) text_file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  /* The strip's. */
  g_signal_emit_by_name (chiaro_window_get_history_strip (window), "error",
                         "The strip could not do that");
  wait_toast (window, "The strip could not do that");

  /* The tray's: a dropped file that is not an image. */
  g_assert_true (g_file_replace_contents (text_file, "plain text", 10, NULL, FALSE,
                                          G_FILE_CREATE_NONE, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (tray);
    g_autoptr(GSList) files = g_slist_prepend (NULL, text_file);
    GtkDropTarget *target = NULL;
    GValue value = G_VALUE_INIT;
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_DROP_TARGET (controller))
          target = GTK_DROP_TARGET (controller);
      }
    g_assert_nonnull (target);

    g_value_init (&value, GDK_TYPE_FILE_LIST);
    g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
    g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
    g_value_unset (&value);
  }
  wait_toast (window, "not-an-image.txt");
  g_assert_true (chiaro_test_wait_until (tray_is_idle, tray, 30));

  /* The controls': a send that failed before anything was sent (their checks keep the
   * usual causes away, so the signal is emitted here). */
  g_signal_emit_by_name (controls, "error", "The image could not be encoded");
  wait_toast (window, "The image could not be encoded");
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  chiaro_test_save_screenshot (GTK_WIDGET (window), "window-controls-error-toast.png");

  destroy_window (window);
  g_file_delete (text_file, NULL, NULL);

  /* Last: the start page with the projects of the whole run, for the screenshots. */
  window = create_window ();
  g_assert_true (chiaro_test_wait_until (projects_settled, window, 30));
  g_assert_cmpuint (n_project_cards (window), >, 4);
  save_light_and_dark (GTK_WIDGET (window), "window-projects-photos");
  destroy_window (window);
}

/* THE end-to-end test: a photo, three references (a file, a pasted image through the tray, a
 * file dropped on the tray),
 * a prompt sent with Ctrl+Enter's action; the answer is on the canvas, in the strip and in
 * the history, and the mock got the photo, the references and the prompt. */
static void
test_edit_end_to_end (void)
{
  ChiaroWindow *window = create_project_window ("Landscape_1.jpg");
  ChiaroDocument *document = chiaro_window_get_document (window);
  ChiaroHistoryStrip *strip = chiaro_window_get_history_strip (window);
  g_autoptr(GFile) first = chiaro_test_fixture_file ("images", "exif-orientation",
                                                     "Portrait_1.jpg", NULL);
  g_autoptr(GFile) third = chiaro_test_fixture_file ("images", "exif-orientation",
                                                     "Landscape_3.jpg", NULL);
  g_autoptr(GdkPixbuf) pasted = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  g_autoptr(GdkTexture) pasted_texture = NULL;
  ChiaroMockRequest *request;
  ChiaroHistoryEntry *root;

  /* The project: the photo is its root, and the canvas shows it. */
  root = chiaro_history_get_root (window_history (window));
  g_assert_nonnull (chiaro_history_entry_get_image_hash (root));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Landscape_1");
  g_assert_cmpuint (chiaro_history_strip_get_n_items (strip), ==, 1);
  assert_canvas_shows_cursor (window);

  /* Three references. */
  chiaro_document_add_reference_file_async (document, first, "the person", NULL,
                                            on_reference_added, NULL);
  wait_references (document, 1);

  gdk_pixbuf_fill (pasted, 0x3366ccff);
  pasted_texture = gdk_texture_new_for_pixbuf (pasted);
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (window)), pasted_texture);
  activate (window, "win.paste-reference", NULL);
  wait_references (document, 2);

  /* The third is dropped on the tray, as from a file manager. */
  {
    GtkWidget *tray = chiaro_test_find_widget (GTK_WIDGET (window), CHIARO_TYPE_REFERENCE_TRAY);
    g_autoptr(GListModel) controllers = NULL;
    g_autoptr(GSList) files = g_slist_prepend (NULL, third);
    GtkDropTarget *target = NULL;
    GValue value = G_VALUE_INIT;
    gboolean handled = FALSE;

    g_assert_nonnull (tray);
    controllers = gtk_widget_observe_controllers (tray);
    for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_DROP_TARGET (controller))
          target = GTK_DROP_TARGET (controller);
      }
    g_assert_nonnull (target);

    g_value_init (&value, GDK_TYPE_FILE_LIST);
    g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
    g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
    g_value_unset (&value);
    g_assert_true (handled);
  }
  wait_references (document, 3);
  g_assert_true (chiaro_test_wait_until (tray_is_idle,
                                         chiaro_test_find_widget (GTK_WIDGET (window),
                                                      CHIARO_TYPE_REFERENCE_TRAY), 30));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  chiaro_test_save_screenshot (GTK_WIDGET (window), "window-references.png");

  send_and_wait (window, "Put the person from the first reference on the hill");

  /* The request: the photo and three references, the prompt, to the model of the settings. */
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (mock), ==, 1);
  request = chiaro_mock_server_get_request (mock, 0);
  g_assert_cmpuint (request->status, ==, 200);
  g_assert_cmpstr (request->route, ==, "generateContent");
  g_assert_cmpuint (count_inline_images (request), ==, 4);
  g_assert_true (request_has_text (request, "Put the person from the first reference on the hill"));
  g_assert_true (request_has_text (request, "the person"));
  g_assert_cmpstr (chiaro_mock_request_get_header (request, "x-goog-api-key"), ==, "test-key");

  /* The answer: a new entry, the cursor on it, on the canvas and in the strip. */
  g_assert_cmpuint (chiaro_history_get_n_entries (window_history (window)), ==, 2);
  g_assert_true (chiaro_history_entry_get_parent (window_cursor (window)) == root);
  g_assert_cmpuint (chiaro_history_strip_get_n_items (strip), ==, 2);
  g_assert_true (chiaro_history_strip_get_entry (strip, 1) == window_cursor (window));
  g_assert_true (gtk_widget_has_css_class (chiaro_history_strip_get_item (strip, 1), "current"));
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (document)), ==, 2);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "");
  assert_canvas_shows_cursor (window);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (strip)));

  chiaro_test_save_screenshot (GTK_WIDGET (window), "window-editing.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  chiaro_test_save_screenshot (GTK_WIDGET (window), "window-editing-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);

  destroy_window (window);
}

/* Undo and redo move the cursor and the canvas; sending after an undo starts a branch,
 * which the strip's branch switcher reaches. */
static void
test_undo_redo_branch (void)
{
  ChiaroWindow *window = create_project_window ("Landscape_1.jpg");
  ChiaroHistoryStrip *strip = chiaro_window_get_history_strip (window);
  ChiaroHistoryEntry *root = chiaro_history_get_root (window_history (window));
  ChiaroHistoryEntry *first, *second;
  GtkWidget *branch;

  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (window)) &&
                  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL) &&
                  window_cursor (window) != root);

  send_and_wait (window, "Make it autumn");
  first = window_cursor (window);
  g_assert_true (chiaro_history_entry_get_parent (first) == root);

  activate (window, "win.undo", NULL);
  wait_settled (window);
  g_assert_true (window_cursor (window) == root);
  assert_canvas_shows_cursor (window);
  /* The undone edit stays in the strip, after the current image. */
  g_assert_cmpuint (chiaro_history_strip_get_n_items (strip), ==, 2);
  g_assert_true (gtk_widget_has_css_class (chiaro_history_strip_get_item (strip, 1), "ahead"));

  activate (window, "win.redo", NULL);
  wait_settled (window);
  g_assert_true (window_cursor (window) == first);
  assert_canvas_shows_cursor (window);

  /* A branch: undo, then send again. */
  activate (window, "win.undo", NULL);
  send_and_wait (window, "Make it winter");
  second = window_cursor (window);
  g_assert_true (second != first);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (root), ==, 2);
  assert_canvas_shows_cursor (window);

  /* The strip offers the other branch: "2/2", and choosing version 1 goes back to it. */
  branch = chiaro_test_find_label (chiaro_history_strip_get_item (strip, 1), "2/2");
  g_assert_nonnull (branch);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "history.select", "s",
                                             chiaro_history_entry_get_id (first)));
  wait_settled (window);
  g_assert_true (window_cursor (window) == first);
  g_assert_nonnull (chiaro_test_find_label (chiaro_history_strip_get_item (strip, 1), "1/2"));
  assert_canvas_shows_cursor (window);

  destroy_window (window);
}

/* Three variants come back as siblings; picking one moves the cursor and the canvas. */
static void
test_variants (void)
{
  ChiaroWindow *window = create_project_window ("Portrait_1.jpg");
  ChiaroDocument *document = chiaro_window_get_document (window);
  ChiaroHistoryStrip *strip = chiaro_window_get_history_strip (window);
  ChiaroHistoryEntry *root = chiaro_history_get_root (window_history (window));
  ChiaroHistoryEntry *picked;
  GtkWidget *branch;

  chiaro_document_set_n_variants (document, 3);
  send_and_wait (window, "Three moods of the same portrait");
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (mock), ==, 3);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (root), ==, 3);
  g_assert_true (chiaro_history_entry_get_parent (window_cursor (window)) == root);

  /* The variant picker of the strip lists the three. */
  branch = chiaro_test_find_label (chiaro_history_strip_get_item (strip, 1), "1/3");
  g_assert_nonnull (branch);
  branch = gtk_widget_get_ancestor (branch, GTK_TYPE_MENU_BUTTON);
  gtk_menu_button_popup (GTK_MENU_BUTTON (branch));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (branch)))));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (branch))),
                                            "Version 3"));
  save_light_and_dark (GTK_WIDGET (window), "window-variants");
  chiaro_test_save_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (branch))),
                               "window-variants-picker.png");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (branch));

  picked = chiaro_history_entry_get_child (root, 2);
  g_assert_true (picked != window_cursor (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "history.select", "s",
                                             chiaro_history_entry_get_id (picked)));
  wait_settled (window);
  g_assert_true (window_cursor (window) == picked);
  g_assert_nonnull (chiaro_test_find_label (chiaro_history_strip_get_item (strip, 1), "3/3"));
  assert_canvas_shows_cursor (window);

  destroy_window (window);
}

static guint
count_labels (GtkWidget  *widget,
              const char *text)
{
  guint n = GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
            strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_labels (child, text);
  return n;
}

/* An answer holding two images (text and images interleaved): two siblings, the cursor on
 * the final one, the answer's text shown once, and the first image reachable. */
static void
test_multi_image (void)
{
  ChiaroWindow *window = create_project_window ("Portrait_1.jpg");
  ChiaroHistoryStrip *strip = chiaro_window_get_history_strip (window);
  ChiaroHistoryEntry *root = chiaro_history_get_root (window_history (window));
  ChiaroHistoryEntry *first;

  chiaro_mock_server_push_scenario (mock, "multi-image");
  send_and_wait (window, "Two takes of the portrait");
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (mock), ==, 1);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (root), ==, 2);
  g_assert_true (window_cursor (window) == chiaro_history_entry_get_child (root, 1));
  g_assert_nonnull (chiaro_test_find_label (chiaro_history_strip_get_item (strip, 1), "2/2"));
  assert_canvas_shows_cursor (window);
  g_assert_cmpuint (count_labels (GTK_WIDGET (window), "a second take"), ==, 1);
  save_light_and_dark (GTK_WIDGET (window), "window-multi-image");

  first = chiaro_history_entry_get_child (root, 0);
  g_assert_cmpstr (chiaro_history_entry_get_image_hash (first), !=,
                   chiaro_history_entry_get_image_hash (window_cursor (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "history.select", "s",
                                             chiaro_history_entry_get_id (first)));
  wait_settled (window);
  g_assert_true (window_cursor (window) == first);
  g_assert_nonnull (chiaro_test_find_label (chiaro_history_strip_get_item (strip, 1), "1/2"));
  assert_canvas_shows_cursor (window);
  g_assert_cmpuint (count_labels (GTK_WIDGET (window), "a second take"), ==, 1);

  destroy_window (window);
}

/* The compare modes switch from the toolbar's actions, with the parent as the other image
 * by default and an entry chosen in the strip otherwise. */
static void
test_compare_modes (void)
{
  static const struct {
    const char *nick;
    ChiaroCompareMode mode;
  } modes[] = {
    { "split", CHIARO_COMPARE_MODE_SPLIT },
    { "side-by-side", CHIARO_COMPARE_MODE_SIDE_BY_SIDE },
    { "difference", CHIARO_COMPARE_MODE_DIFFERENCE },
    { "hold", CHIARO_COMPARE_MODE_HOLD },
    { "none", CHIARO_COMPARE_MODE_NONE },
  };
  ChiaroWindow *window = create_project_window ("Landscape_1.jpg");
  ChiaroCanvas *canvas = chiaro_window_get_canvas (window);
  ChiaroHistoryStrip *strip = chiaro_window_get_history_strip (window);
  ChiaroHistoryEntry *root = chiaro_history_get_root (window_history (window));
  g_autoptr(GdkPixbuf) root_pixels = NULL;
  ChiaroHistoryEntry *first;

  /* Nothing to compare the original with. */
  g_assert_null (chiaro_canvas_get_compare_texture (canvas));

  send_and_wait (window, "Add a rainbow");
  first = window_cursor (window);
  send_and_wait (window, "Add a second rainbow");

  /* The parent is the other image. */
  root_pixels = decode_entry (window, first);
  assert_texture_matches (chiaro_canvas_get_compare_texture (canvas), root_pixels);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      activate (window, "win.compare-mode", g_variant_new_string (modes[i].nick));
      g_assert_cmpint (chiaro_canvas_get_compare_mode (canvas), ==, modes[i].mode);
      wait_settled (window);

      if (modes[i].mode == CHIARO_COMPARE_MODE_SPLIT)
        save_light_and_dark (GTK_WIDGET (window), "window-compare-split");
      if (modes[i].mode == CHIARO_COMPARE_MODE_DIFFERENCE)
        chiaro_test_save_screenshot (GTK_WIDGET (window), "window-compare-difference.png");
    }

  /* "Compare with this" on the original: the split shows it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "history.compare", "s",
                                             chiaro_history_entry_get_id (root)));
  wait_settled (window);
  g_assert_true (chiaro_window_get_compare_entry (window) == root);
  g_assert_cmpint (chiaro_canvas_get_compare_mode (canvas), ==, CHIARO_COMPARE_MODE_SPLIT);
  {
    g_autoptr(GdkPixbuf) original = decode_entry (window, root);

    assert_texture_matches (chiaro_canvas_get_compare_texture (canvas), original);
  }
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (window), "With Original"));

  /* Holding the compare key shows the other image; back to the parent afterwards. */
  activate (window, "win.compare-hold", NULL);
  g_assert_true (chiaro_canvas_get_showing_other (canvas));
  chiaro_canvas_set_showing_other (canvas, FALSE);
  activate (window, "win.compare-with-parent", NULL);
  wait_settled (window);
  g_assert_null (chiaro_window_get_compare_entry (window));
  assert_texture_matches (chiaro_canvas_get_compare_texture (canvas), root_pixels);

  destroy_window (window);
}

static ChiaroSend *
dup_failed_send (ChiaroDocument *document)
{
  GListModel *sends = chiaro_document_get_sends (document);

  for (guint i = 0; i < g_list_model_get_n_items (sends); i++)
    {
      g_autoptr(ChiaroSend) send = g_list_model_get_item (sends, i);

      if (chiaro_send_get_state (send) == CHIARO_SEND_FAILED)
        return g_steal_pointer (&send);
    }

  return NULL;
}

static void
on_retried (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;

  send = chiaro_document_send_finish (CHIARO_DOCUMENT (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_is_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static gboolean
history_has_two (gpointer user_data)
{
  return chiaro_history_get_n_entries (window_history (CHIARO_WINDOW (user_data))) == 2;
}

/* A refused prompt stays as a failed send with its reason, the prompt comes back, no toast
 * hides it, and Retry brings the image; a 503 is retried by itself. */
static void
test_refused_and_retry (void)
{
  ChiaroWindow *window = create_project_window ("Landscape_1.jpg");
  ChiaroDocument *document = chiaro_window_get_document (window);
  g_autoptr(ChiaroSend) failed = NULL;
  gboolean retried = FALSE;
  GtkWidget *retry;

  chiaro_mock_server_push_scenario (mock, "prompt-blocked");
  send_and_wait (window, "Something the model refuses");

  g_assert_cmpuint (chiaro_history_get_n_entries (window_history (window)), ==, 1);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "Something the model refuses");
  failed = dup_failed_send (document);
  g_assert_nonnull (failed);
  g_assert_error (chiaro_send_get_error (failed), CHIARO_API_ERROR,
                  CHIARO_API_ERROR_PROMPT_BLOCKED);
  g_assert_cmpstr (chiaro_send_get_error (failed)->message, !=, "");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window)));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  chiaro_test_save_screenshot (GTK_WIDGET (window), "window-failure.png");

  /* The conversation shows the reason and a Retry button. */
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (window),
                                            chiaro_send_get_error (failed)->message));
  retry = chiaro_test_find_label (GTK_WIDGET (window), "Retry");
  if (retry != NULL)
    {
      g_assert_true (gtk_widget_activate (gtk_widget_get_ancestor (retry, GTK_TYPE_BUTTON)));
      g_assert_true (chiaro_test_wait_until (history_has_two, window, 60));
    }
  else
    {
      chiaro_document_retry_async (document, failed, NULL, on_retried, &retried);
      g_assert_true (chiaro_test_wait_until (flag_is_set, &retried, 60));
    }
  wait_settled (window);
  g_assert_cmpuint (chiaro_history_get_n_entries (window_history (window)), ==, 2);
  g_assert_null (dup_failed_send (document));
  assert_canvas_shows_cursor (window);

  /* A busy server: the window's provider retries, the user sees one answer. */
  chiaro_mock_server_clear_requests (mock);
  chiaro_mock_server_push_scenario (mock, "503");
  send_and_wait (window, "Once more, brighter");
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (mock), ==, 2);
  g_assert_cmpuint (chiaro_mock_server_get_request (mock, 0)->status, ==, 503);
  g_assert_cmpuint (chiaro_mock_server_get_request (mock, 1)->status, ==, 200);
  g_assert_cmpuint (chiaro_history_get_n_entries (window_history (window)), ==, 3);
  g_assert_null (dup_failed_send (document));

  destroy_window (window);
}

static gboolean
mock_has_request (gpointer user_data)
{
  return chiaro_mock_server_get_n_requests (mock) > 0;
}

/* Stop during a slow answer: nothing is added, the prompt is back, and the next send works
 * at once. */
static void
test_stop (void)
{
  ChiaroWindow *window = create_project_window ("Landscape_1.jpg");
  ChiaroDocument *document = chiaro_window_get_document (window);
  gint64 stopped;

  chiaro_mock_server_set_delay_ms (mock, 30000);
  chiaro_document_set_prompt (document, "Slowly, please");
  activate (window, "win.send", NULL);
  g_assert_true (chiaro_test_wait_until (mock_has_request, NULL, 30));
  g_assert_true (chiaro_window_get_busy (window));

  stopped = g_get_monotonic_time ();
  activate (window, "win.stop", NULL);
  wait_settled (window);
  g_assert_cmpint (g_get_monotonic_time () - stopped, <, 5 * G_USEC_PER_SEC);

  g_assert_cmpuint (chiaro_window_get_n_pending (window), ==, 0);
  g_assert_cmpuint (chiaro_history_get_n_entries (window_history (window)), ==, 1);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "Slowly, please");
  g_assert_null (dup_failed_send (document));

  chiaro_mock_server_set_delay_ms (mock, 0);
  send_and_wait (window, "Now quickly");
  g_assert_cmpuint (chiaro_history_get_n_entries (window_history (window)), ==, 2);

  destroy_window (window);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (window))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

/* Opens the entry menu of a strip item from its menu button; returns the menu shown. */
static GtkWidget *
open_entry_menu (GtkWidget *item)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (item), "chiaro-menu-button");
  GtkWidget *popover = NULL;

  /* The menu is made when it is opened, and shown on the button. */
  g_signal_emit_by_name (button, "clicked");
  for (GtkWidget *child = gtk_widget_get_first_child (button); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      popover = child;
  g_assert_nonnull (popover);
  g_assert_true (chiaro_test_wait_for_paint (popover));
  g_assert_true (gtk_widget_get_mapped (popover));
  return popover;
}

/* Whether the entry menu of a strip item, opened from its menu button, offers @label. */
static gboolean
menu_has_label (GtkWidget  *item,
                const char *label)
{
  GtkWidget *popover = open_entry_menu (item);
  GMenuModel *menu;
  gboolean found = FALSE;

  menu = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover));

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autofree char *text = NULL;

          if (g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_LABEL, "s", &text) &&
              g_str_equal (text, label))
            found = TRUE;
        }
    }

  gtk_popover_popdown (GTK_POPOVER (popover));
  return found;
}

/* The strip's menu: star, copy the prompt and settings, use as input, delete after asking. */
static void
test_strip_menu (void)
{
  ChiaroWindow *window = create_project_window ("Landscape_1.jpg");
  ChiaroDocument *document = chiaro_window_get_document (window);
  ChiaroHistoryStrip *strip = chiaro_window_get_history_strip (window);
  ChiaroHistoryEntry *root = chiaro_history_get_root (window_history (window));
  ChiaroHistoryEntry *first;
  g_autofree char *first_id = NULL;
  AdwMessageDialog *dialog;

  chiaro_document_set_n_variants (document, 2);
  send_and_wait (window, "Paint it in watercolour");
  first = window_cursor (window);
  first_id = g_strdup (chiaro_history_entry_get_id (first));
  chiaro_document_set_n_variants (document, 1);

  /* One menu, made for the entry it is opened on: the root cannot be deleted. */
  g_assert_true (menu_has_label (chiaro_history_strip_get_item (strip, 1), "_Star"));
  g_assert_true (menu_has_label (chiaro_history_strip_get_item (strip, 1), "_Delete…"));
  g_assert_false (menu_has_label (chiaro_history_strip_get_item (strip, 0), "_Delete…"));
  g_assert_true (menu_has_label (chiaro_history_strip_get_item (strip, 0), "_Use as Input"));
  {
    GtkWidget *menu = open_entry_menu (chiaro_history_strip_get_item (strip, 1));

    chiaro_test_save_screenshot (GTK_WIDGET (window), "window-strip-menu.png");
    chiaro_test_save_screenshot (menu, "window-strip-menu-popover.png");
    gtk_popover_popdown (GTK_POPOVER (menu));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "history.star", "s", first_id));
  g_assert_true (chiaro_history_entry_get_starred (first));
  g_assert_true (menu_has_label (chiaro_history_strip_get_item (strip, 1), "Un_star"));
  g_assert_false (menu_has_label (chiaro_history_strip_get_item (strip, 1), "_Star"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "history.copy-prompt", "s",
                                             first_id));
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "Paint it in watercolour");
  g_assert_cmpuint (chiaro_document_get_n_variants (document), ==, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "history.use-as-input", "s",
                                             chiaro_history_entry_get_id (root)));
  g_assert_true (window_cursor (window) == root);

  /* Delete asks first; cancelling keeps the image, confirming removes it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "history.delete", "s",
                                             first_id));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (dialog)));
  chiaro_test_save_screenshot (GTK_WIDGET (dialog), "window-delete-dialog.png");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (chiaro_history_lookup (window_history (window), first_id) == first);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "history.delete", "s",
                                             first_id));
  dialog = find_message_dialog ();
  adw_message_dialog_response (dialog, "delete");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (chiaro_history_lookup (window_history (window), first_id));
  g_assert_cmpuint (chiaro_history_entry_get_n_children (root), ==, 1);
  wait_settled (window);

  destroy_window (window);
}

static gboolean
window_is_gone (gpointer user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(GObject) object = g_weak_ref_get (ref);

  return object == NULL;
}

/* Closing while an image is being made asks first; stopping and closing keeps the prompt
 * as a failed send in the saved project. */
static void
test_close_while_sending (void)
{
  ChiaroWindow *window = create_project_window ("Landscape_1.jpg");
  ChiaroDocument *document = g_object_ref (chiaro_window_get_document (window));
  AdwMessageDialog *dialog;
  GWeakRef ref;

  chiaro_mock_server_set_delay_ms (mock, 30000);
  chiaro_document_set_prompt (document, "Take your time");
  activate (window, "win.send", NULL);
  g_assert_true (chiaro_test_wait_until (mock_has_request, NULL, 30));

  gtk_window_close (GTK_WINDOW (window));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (dialog)));
  chiaro_test_save_screenshot (GTK_WIDGET (dialog), "window-close-dialog.png");

  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpuint (chiaro_window_get_n_pending (window), ==, 1);

  gtk_window_close (GTK_WINDOW (window));
  dialog = find_message_dialog ();
  g_weak_ref_init (&ref, window);
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (window);
  g_assert_true (chiaro_test_wait_until (window_is_gone, &ref, 30));
  g_weak_ref_clear (&ref);

  /* The interrupted send is kept, with its prompt. */
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (document)), ==, 1);
  g_assert_false (chiaro_document_get_has_unsaved_changes (document));
  chiaro_mock_server_set_delay_ms (mock, 0);
  g_object_unref (document);
}

static gboolean
window_is_inactive (gpointer user_data)
{
  return !gtk_window_is_active (GTK_WINDOW (user_data));
}

static gboolean
has_notification (gpointer user_data)
{
  return chiaro_application_get_n_notifications (application) > GPOINTER_TO_UINT (user_data);
}

/* A generation that finishes while the window is not focused sends a notification; one
 * that finishes in front of the user does not. */
static void
test_notification (void)
{
  ChiaroWindow *window = create_project_window ("Landscape_1.jpg");
  guint before = chiaro_application_get_n_notifications (application);
  GtkWidget *other;

  send_and_wait (window, "In front of me");
  if (gtk_window_is_active (GTK_WINDOW (window)))
    g_assert_cmpuint (chiaro_application_get_n_notifications (application), ==, before);

  other = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (other));
  if (!chiaro_test_wait_until (window_is_inactive, window, 10))
    {
      gtk_window_destroy (GTK_WINDOW (other));
      destroy_window (window);
      g_test_skip ("The display does not move the focus");
      return;
    }

  chiaro_mock_server_set_delay_ms (mock, 300);
  chiaro_document_set_prompt (chiaro_window_get_document (window), "While I look away");
  activate (window, "win.send", NULL);
  g_assert_true (chiaro_test_wait_until (has_notification, GUINT_TO_POINTER (before), 60));
  chiaro_mock_server_set_delay_ms (mock, 0);
  wait_settled (window);

  gtk_window_destroy (GTK_WINDOW (other));
  destroy_window (window);
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

  /* Every window sends to the mock: the key comes from the environment, the address from
   * the settings. */
  {
    g_autoptr(GError) error = NULL;

    mock = chiaro_mock_server_new (g_getenv ("CHIARO_DISCOVERY_PATH"), &error);
    g_assert_no_error (error);
    chiaro_mock_server_listen (mock, 0, &error);
    g_assert_no_error (error);
    g_settings_set_string (chiaro_application_get_settings (application), "endpoint",
                           chiaro_mock_server_get_url (mock));
    chiaro_application_set_notifications_counted_only (application, TRUE);
  }

  g_test_add_func ("/chiaro/ui/window/empty-state", test_empty_state);
  g_test_add_func ("/chiaro/ui/window/projects-start-page", test_projects_start_page);
  g_test_add_func ("/chiaro/ui/window/open-exif-orientation", test_open_exif_orientation);
  g_test_add_func ("/chiaro/ui/window/open-png-crashers", test_open_png_crashers);
  g_test_add_func ("/chiaro/ui/window/drop-file", test_drop_file);
#if !GTK_CHECK_VERSION (4, 10, 0)
  g_test_add_func ("/chiaro/ui/window/open-dialog", test_open_dialog);
#endif
  g_test_add_func ("/chiaro/ui/window/newer-request-wins", test_newer_request_wins);
  g_test_add_func ("/chiaro/ui/window/close-while-loading", test_close_while_loading);

  g_test_add_func ("/chiaro/ui/window/edit-end-to-end", test_edit_end_to_end);
  g_test_add_func ("/chiaro/ui/window/undo-redo-branch", test_undo_redo_branch);
  g_test_add_func ("/chiaro/ui/window/variants", test_variants);
  g_test_add_func ("/chiaro/ui/window/multi-image", test_multi_image);
  g_test_add_func ("/chiaro/ui/window/compare-modes", test_compare_modes);
  g_test_add_func ("/chiaro/ui/window/refused-and-retry", test_refused_and_retry);
  g_test_add_func ("/chiaro/ui/window/stop", test_stop);
  g_test_add_func ("/chiaro/ui/window/strip-menu", test_strip_menu);
  g_test_add_func ("/chiaro/ui/window/close-while-sending", test_close_while_sending);
  g_test_add_func ("/chiaro/ui/window/notification", test_notification);
  g_test_add_func ("/chiaro/ui/window/error-toasts", test_error_toasts);

  status = g_test_run ();

  g_clear_object (&mock);
  g_clear_object (&application);
  return status;
}
