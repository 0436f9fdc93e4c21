/* test-canvas.c — the canvas in a real window: zoom, pan, HiDPI, checkerboard, compare views
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "chiaro-application.h"
#include "chiaro-canvas.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"

#define WHITE   0xffffffff
#define RED     0xffff0000
#define BLUE    0xff0000ff
#define GREEN   0xff00c000
#define ORANGE  0xffff8000
#define MAGENTA 0xffff00ff

static ChiaroApplication *application;
static const char *test_program;

typedef struct
{
  GtkWidget *window;
  ChiaroCanvas *canvas;
} View;

/* A window holding only a canvas, undecorated so the canvas gets all of it. */
static View
open_view (int width,
           int height)
{
  View view;

  view.window = g_object_ref (gtk_window_new ());
  gtk_window_set_decorated (GTK_WINDOW (view.window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (view.window), width, height);
  view.canvas = CHIARO_CANVAS (chiaro_canvas_new ());
  gtk_window_set_child (GTK_WINDOW (view.window), GTK_WIDGET (view.canvas));
  gtk_window_present (GTK_WINDOW (view.window));
  g_assert_true (chiaro_test_wait_for_paint (view.window));

  return view;
}

static gboolean
canvas_is_idle (gpointer user_data)
{
  return !chiaro_canvas_get_busy (CHIARO_CANVAS (user_data));
}

static void
close_view (View *view)
{
  g_assert_true (chiaro_test_wait_until (canvas_is_idle, view->canvas, 30));
  g_object_add_weak_pointer (G_OBJECT (view->canvas), (gpointer *) &view->canvas);
  gtk_window_destroy (GTK_WINDOW (view->window));
  g_assert_finalize_object (view->window);
  g_assert_null (view->canvas);
}

static int
canvas_width (View *view)
{
  return gtk_widget_get_width (GTK_WIDGET (view->canvas));
}

static int
canvas_height (View *view)
{
  return gtk_widget_get_height (GTK_WIDGET (view->canvas));
}

static GdkTexture *
render (View *view)
{
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (view->canvas)));
  return chiaro_test_render_widget (GTK_WIDGET (view->canvas));
}

/* Straight R, G, B, A pixels filled with @argb. */
static guint8 *
pattern_new (int     width,
             int     height,
             guint32 argb)
{
  guint8 *pixels = g_malloc ((gsize) width * height * 4);

  for (int i = 0; i < width * height; i++)
    {
      pixels[i * 4 + 0] = (argb >> 16) & 0xff;
      pixels[i * 4 + 1] = (argb >> 8) & 0xff;
      pixels[i * 4 + 2] = argb & 0xff;
      pixels[i * 4 + 3] = argb >> 24;
    }

  return pixels;
}

static void
pattern_fill (guint8  *pixels,
              int      width,
              int      x,
              int      y,
              int      fill_width,
              int      fill_height,
              guint32  argb)
{
  for (int row = y; row < y + fill_height; row++)
    for (int column = x; column < x + fill_width; column++)
      {
        guint8 *p = pixels + ((gsize) row * width + column) * 4;

        p[0] = (argb >> 16) & 0xff;
        p[1] = (argb >> 8) & 0xff;
        p[2] = argb & 0xff;
        p[3] = argb >> 24;
      }
}

/* Takes @pixels. */
static GdkTexture *
pattern_to_texture (guint8 *pixels,
                    int     width,
                    int     height)
{
  g_autoptr(GBytes) bytes = g_bytes_new_take (pixels, (gsize) width * height * 4);

  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, (gsize) width * 4);
}

static GdkTexture *
solid_texture (int     width,
               int     height,
               guint32 argb)
{
  return pattern_to_texture (pattern_new (width, height, argb), width, height);
}

static void
assert_pixel (GdkTexture *shot,
              double      x,
              double      y,
              guint32     rgb,
              int         tolerance)
{
  guint8 p[3];
  int expected[3] = { (rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff };

  if (!chiaro_test_read_pixel (shot, (int) floor (x), (int) floor (y), p))
    g_error ("%g,%g is outside the %d×%d rendering", x, y,
             gdk_texture_get_width (shot), gdk_texture_get_height (shot));

  for (int c = 0; c < 3; c++)
    if (ABS (p[c] - expected[c]) > tolerance)
      g_error ("the pixel at %g,%g is #%02x%02x%02x, not #%06x",
               x, y, p[0], p[1], p[2], rgb & 0xffffff);
}

static void
assert_pixel_not (GdkTexture *shot,
                  double      x,
                  double      y,
                  guint32     rgb)
{
  guint8 p[3];
  int expected[3] = { (rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff };
  int distance = 0;

  g_assert_true (chiaro_test_read_pixel (shot, (int) floor (x), (int) floor (y), p));
  for (int c = 0; c < 3; c++)
    distance = MAX (distance, ABS (p[c] - expected[c]));

  if (distance < 60)
    g_error ("the pixel at %g,%g is #%02x%02x%02x, too near #%06x",
             x, y, p[0], p[1], p[2], rgb & 0xffffff);
}

/* A square of @colour, @size widget pixels wide, centred on (@x, @y), with white around. */
static void
assert_square_at (GdkTexture *shot,
                  double      x,
                  double      y,
                  double      size,
                  guint32     colour)
{
  double inside = size / 2 - 3;
  double outside = size / 2 + 3;

  assert_pixel (shot, x, y, colour, 8);
  assert_pixel (shot, x - inside, y - inside, colour, 8);
  assert_pixel (shot, x + inside, y + inside, colour, 8);
  assert_pixel (shot, x - outside, y, WHITE, 8);
  assert_pixel (shot, x + outside, y, WHITE, 8);
  assert_pixel (shot, x, y - outside, WHITE, 8);
  assert_pixel (shot, x, y + outside, WHITE, 8);
}

static void
assert_bounds (ChiaroCanvas *canvas,
               double        x,
               double        y,
               double        width,
               double        height)
{
  graphene_rect_t bounds;

  chiaro_canvas_get_image_bounds (canvas, &bounds);
  g_assert_cmpfloat_with_epsilon (bounds.origin.x, x, 0.51);
  g_assert_cmpfloat_with_epsilon (bounds.origin.y, y, 0.51);
  g_assert_cmpfloat_with_epsilon (bounds.size.width, width, 0.51);
  g_assert_cmpfloat_with_epsilon (bounds.size.height, height, 0.51);
}

static GObject *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_OBJECT_TYPE (controller) == type)
        return controller;
    }

  g_error ("no %s on the canvas", g_type_name (type));
  return NULL;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* What a button bound to the action would show: activating a disabled action still reports
 * success, so the state is read the way the window's buttons read it. */
static gboolean
action_is_enabled (ChiaroCanvas *canvas,
                   const char   *name)
{
  GtkWidget *button = gtk_button_new ();
  gboolean enabled;

  gtk_widget_set_parent (button, GTK_WIDGET (canvas));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), name);
  enabled = gtk_widget_get_sensitive (button);
  gtk_widget_unparent (button);

  return enabled;
}

/* An 800 × 400 white image with a 40 px red square centred on (440, 240) and a blue one on
 * (120, 100). */
static GdkTexture *
squares_texture (void)
{
  guint8 *pixels = pattern_new (800, 400, WHITE);

  pattern_fill (pixels, 800, 420, 220, 40, 40, RED);
  pattern_fill (pixels, 800, 100, 80, 40, 40, BLUE);
  return pattern_to_texture (pixels, 800, 400);
}

/* Fit shows the whole image, never enlarged; 100 % one image pixel per pixel; zoom in the next
 * step: the squares land where the zoom puts them. */
static void
test_fit_100_zoom_in (void)
{
  View view = open_view (420, 320);
  g_autoptr(GdkTexture) texture = squares_texture ();
  g_autoptr(GdkTexture) shot = NULL;
  g_autoptr(GdkTexture) small = solid_texture (100, 50, RED);
  double width, height, zoom, x, y;
  guint zoom_notifies = 0, fit_notifies = 0;

  g_signal_connect (view.canvas, "notify::zoom", G_CALLBACK (count_notify), &zoom_notifies);
  g_signal_connect (view.canvas, "notify::fit", G_CALLBACK (count_notify), &fit_notifies);
  chiaro_canvas_set_texture (view.canvas, texture);
  width = canvas_width (&view);
  height = canvas_height (&view);
  g_assert_cmpfloat (width, <, 800);

  /* Fit. */
  zoom = MIN (width / 800, height / 400);
  g_assert_true (chiaro_canvas_get_fit (view.canvas));
  g_assert_cmpfloat_with_epsilon (chiaro_canvas_get_zoom (view.canvas), zoom, 1e-9);
  g_assert_cmpuint (zoom_notifies, ==, 1);
  x = round (width / 2 - 400 * zoom);
  y = round (height / 2 - 200 * zoom);
  assert_bounds (view.canvas, x, y, 800 * zoom, 400 * zoom);
  shot = render (&view);
  assert_square_at (shot, x + 440 * zoom, y + 240 * zoom, 40 * zoom, RED);
  assert_square_at (shot, x + 120 * zoom, y + 100 * zoom, 40 * zoom, BLUE);
  g_clear_object (&shot);

  /* 100 %, centred. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view.canvas), "canvas.zoom-100", NULL));
  g_assert_false (chiaro_canvas_get_fit (view.canvas));
  g_assert_cmpuint (fit_notifies, ==, 1);
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 1.0);
  g_assert_cmpuint (zoom_notifies, ==, 2);
  x = round (width / 2 - 400);
  y = round (height / 2 - 200);
  assert_bounds (view.canvas, x, y, 800, 400);
  shot = render (&view);
  assert_square_at (shot, x + 440, y + 240, 40, RED);
  g_clear_object (&shot);

  /* One step in: 150 %, around the centre. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view.canvas), "canvas.zoom-in", NULL));
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 1.5);
  x = round (width / 2 - 400 * 1.5);
  y = round (height / 2 - 200 * 1.5);
  assert_bounds (view.canvas, x, y, 1200, 600);
  shot = render (&view);
  assert_square_at (shot, x + 440 * 1.5, y + 240 * 1.5, 60, RED);
  chiaro_test_save_screenshot (view.window, "canvas-zoom-150.png");
  g_clear_object (&shot);

  /* Out again, step by step: 100 %, 67 %, 50 %, then it stops at fit. */
  chiaro_canvas_zoom_out (view.canvas);
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 1.0);
  chiaro_canvas_zoom_out (view.canvas);
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 0.667);
  chiaro_canvas_zoom_out (view.canvas);
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 0.5);
  chiaro_canvas_zoom_out (view.canvas);
  g_assert_true (chiaro_canvas_get_fit (view.canvas));
  g_assert_cmpfloat_with_epsilon (chiaro_canvas_get_zoom (view.canvas), zoom, 1e-9);
  g_assert_false (action_is_enabled (view.canvas, "canvas.zoom-out"));
  g_assert_false (action_is_enabled (view.canvas, "canvas.zoom-fit"));
  g_assert_true (action_is_enabled (view.canvas, "canvas.zoom-in"));
  g_assert_true (action_is_enabled (view.canvas, "canvas.zoom-100"));
  g_assert_true (chiaro_canvas_get_fit (view.canvas));

  /* Clamped to 1 %…3200 %. */
  chiaro_canvas_set_zoom (view.canvas, 1000);
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 32);
  g_assert_false (action_is_enabled (view.canvas, "canvas.zoom-in"));
  g_assert_true (action_is_enabled (view.canvas, "canvas.zoom-out"));
  chiaro_canvas_set_zoom (view.canvas, 0.0001);
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 0.01);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view.canvas), "canvas.zoom-fit", NULL));
  g_assert_true (chiaro_canvas_get_fit (view.canvas));

  /* A small image is not enlarged to fit: it shows at 100 %, centred. */
  chiaro_canvas_set_texture (view.canvas, small);
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 1.0);
  g_assert_false (action_is_enabled (view.canvas, "canvas.zoom-100"));
  assert_bounds (view.canvas, round (width / 2 - 50), round (height / 2 - 25), 100, 50);

  close_view (&view);
}

/* The fitted zoom follows the window's size, and says so. */
static void
test_fit_follows_size (void)
{
  View view = open_view (420, 320);
  g_autoptr(GdkTexture) texture = squares_texture ();
  double before;
  guint zoom_notifies = 0;

  chiaro_canvas_set_texture (view.canvas, texture);
  before = chiaro_canvas_get_zoom (view.canvas);
  g_signal_connect (view.canvas, "notify::zoom", G_CALLBACK (count_notify), &zoom_notifies);

  gtk_widget_set_size_request (GTK_WIDGET (view.canvas), 600, 300);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (view.canvas)));
  /* The request includes the CSS margin. */
  g_assert_cmpint (canvas_width (&view), >=, 600 - 2 * 18);
  g_assert_cmpuint (zoom_notifies, >=, 1);
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), >, before);
  g_assert_cmpfloat_with_epsilon (chiaro_canvas_get_zoom (view.canvas),
                                  MIN (canvas_width (&view) / 800.0,
                                       canvas_height (&view) / 400.0), 1e-9);

  close_view (&view);
}

/* The image point under the pointer stays under it, whether the wheel or the API zooms. */
static void
test_zoom_at_pointer (void)
{
  View view = open_view (420, 320);
  g_autoptr(GdkTexture) texture = squares_texture ();
  g_autoptr(GdkTexture) shot = NULL;
  GObject *motion = find_controller (GTK_WIDGET (view.canvas),
                                     GTK_TYPE_EVENT_CONTROLLER_MOTION);
  GObject *scroll = find_controller (GTK_WIDGET (view.canvas),
                                     GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  graphene_rect_t bounds;
  gboolean handled = FALSE;
  double px, py, zoom;

  chiaro_canvas_set_texture (view.canvas, texture);
  chiaro_canvas_set_zoom (view.canvas, 1.0);
  chiaro_canvas_get_image_bounds (view.canvas, &bounds);

  /* The pointer on the red square's centre, away from the view's centre. */
  px = bounds.origin.x + 440;
  py = bounds.origin.y + 240;
  g_assert_cmpfloat (fabs (px - canvas_width (&view) / 2.0), >, 20);
  g_signal_emit_by_name (motion, "motion", px, py);

  /* One wheel notch up. */
  g_signal_emit_by_name (scroll, "scroll", 0.0, -1.0, &handled);
  g_assert_true (handled);
  zoom = chiaro_canvas_get_zoom (view.canvas);
  g_assert_cmpfloat_with_epsilon (zoom, 1.25, 1e-9);
  chiaro_canvas_get_image_bounds (view.canvas, &bounds);
  g_assert_cmpfloat_with_epsilon ((px - bounds.origin.x) / zoom, 440, 0.5);
  g_assert_cmpfloat_with_epsilon ((py - bounds.origin.y) / zoom, 240, 0.5);
  shot = render (&view);
  assert_square_at (shot, px, py, 40 * zoom, RED);
  g_clear_object (&shot);

  /* Straight to 400 %, around the same point. */
  chiaro_canvas_set_zoom_at (view.canvas, 4.0, px, py);
  chiaro_canvas_get_image_bounds (view.canvas, &bounds);
  g_assert_cmpfloat_with_epsilon ((px - bounds.origin.x) / 4, 440, 0.5);
  g_assert_cmpfloat_with_epsilon ((py - bounds.origin.y) / 4, 240, 0.5);
  shot = render (&view);
  assert_pixel (shot, px, py, RED, 8);
  assert_pixel (shot, px - 75, py - 75, RED, 8);
  assert_pixel (shot, px + 75, py + 75, RED, 8);
  assert_pixel (shot, px + 85, py, WHITE, 8);
  g_clear_object (&shot);

  /* Wheel notches down stop at fit. */
  for (int i = 0; i < 20; i++)
    g_signal_emit_by_name (scroll, "scroll", 0.0, 1.0, &handled);
  g_assert_true (chiaro_canvas_get_fit (view.canvas));

  close_view (&view);
}

/* Dragging moves the image by the drag's distance, as far as the image still covers the view;
 * a fitted image does not move. */
static void
test_pan (void)
{
  View view = open_view (420, 320);
  g_autoptr(GdkTexture) texture = squares_texture ();
  g_autoptr(GdkTexture) shot = NULL;
  GObject *drag = find_controller (GTK_WIDGET (view.canvas), GTK_TYPE_GESTURE_DRAG);
  graphene_rect_t before, after;

  chiaro_canvas_set_texture (view.canvas, texture);

  /* Fitted: nothing to pan. */
  chiaro_canvas_get_image_bounds (view.canvas, &before);
  chiaro_canvas_pan_by (view.canvas, 30, 30);
  chiaro_canvas_get_image_bounds (view.canvas, &after);
  g_assert_true (graphene_rect_equal (&before, &after));
  g_assert_true (chiaro_canvas_get_fit (view.canvas));

  chiaro_canvas_set_zoom (view.canvas, 2.0);
  chiaro_canvas_get_image_bounds (view.canvas, &before);

  g_signal_emit_by_name (drag, "drag-begin", 100.0, 100.0);
  g_signal_emit_by_name (drag, "drag-update", -50.0, -30.0);
  g_signal_emit_by_name (drag, "drag-update", -80.0, -45.0);
  g_signal_emit_by_name (drag, "drag-end", -80.0, -45.0);
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (view.canvas)));

  chiaro_canvas_get_image_bounds (view.canvas, &after);
  g_assert_cmpfloat_with_epsilon (after.origin.x, before.origin.x - 80, 0.51);
  g_assert_cmpfloat_with_epsilon (after.origin.y, before.origin.y - 45, 0.51);
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 2.0);
  shot = render (&view);
  assert_square_at (shot, after.origin.x + 880, after.origin.y + 480, 80, RED);
  g_clear_object (&shot);

  /* Panning stops where the image's edge meets the view's. */
  chiaro_canvas_pan_by (view.canvas, 10000, 10000);
  chiaro_canvas_get_image_bounds (view.canvas, &after);
  g_assert_cmpfloat (after.origin.x, ==, 0);
  g_assert_cmpfloat (after.origin.y, ==, 0);
  chiaro_canvas_pan_by (view.canvas, -10000, -10000);
  chiaro_canvas_get_image_bounds (view.canvas, &after);
  g_assert_cmpfloat_with_epsilon (after.origin.x + after.size.width, canvas_width (&view), 0.51);
  g_assert_cmpfloat_with_epsilon (after.origin.y + after.size.height, canvas_height (&view), 0.51);

  close_view (&view);
}

/* A new version of the same shape keeps the view on the same part of the picture; a
 * different shape goes back to fit. */
static void
test_new_texture_keeps_view (void)
{
  View view = open_view (420, 320);
  g_autoptr(GdkTexture) first = squares_texture ();
  g_autoptr(GdkTexture) same_size = solid_texture (800, 400, GREEN);
  g_autoptr(GdkTexture) double_size = solid_texture (1600, 800, GREEN);
  g_autoptr(GdkTexture) square = solid_texture (800, 800, GREEN);
  graphene_rect_t before, after;

  chiaro_canvas_set_texture (view.canvas, first);
  chiaro_canvas_set_zoom (view.canvas, 2.0);
  chiaro_canvas_pan_by (view.canvas, 100, 50);
  chiaro_canvas_get_image_bounds (view.canvas, &before);

  chiaro_canvas_set_texture (view.canvas, same_size);
  g_assert_false (chiaro_canvas_get_fit (view.canvas));
  chiaro_canvas_get_image_bounds (view.canvas, &after);
  g_assert_true (graphene_rect_equal (&before, &after));

  chiaro_canvas_set_texture (view.canvas, double_size);
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 1.0);
  chiaro_canvas_get_image_bounds (view.canvas, &after);
  g_assert_cmpfloat_with_epsilon (after.origin.x, before.origin.x, 0.51);
  g_assert_cmpfloat_with_epsilon (after.origin.y, before.origin.y, 0.51);
  g_assert_cmpfloat_with_epsilon (after.size.width, before.size.width, 0.51);

  chiaro_canvas_set_texture (view.canvas, square);
  g_assert_true (chiaro_canvas_get_fit (view.canvas));

  close_view (&view);
}

/* Ctrl+plus, minus, 0 and 1 are the canvas's own shortcuts while it has the focus. */
static void
test_shortcuts (void)
{
  static const char * const expected[][2] = {
    { "<Control>plus", "canvas.zoom-in" },
    { "<Control>minus", "canvas.zoom-out" },
    { "<Control>0", "canvas.zoom-fit" },
    { "<Control>1", "canvas.zoom-100" },
  };
  GtkWidget *canvas = g_object_ref_sink (chiaro_canvas_new ());
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (canvas);
  guint found = 0;

  g_assert_true (gtk_widget_get_focusable (canvas));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (canvas)), ==,
                   GTK_ACCESSIBLE_ROLE_IMG);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *trigger =
            gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (!GTK_IS_NAMED_ACTION (action))
            continue;

          for (guint k = 0; k < G_N_ELEMENTS (expected); k++)
            if (g_str_equal (trigger, expected[k][0]) &&
                g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                             expected[k][1]))
              found |= 1 << k;
        }
    }

  g_assert_cmpuint (found, ==, (1 << G_N_ELEMENTS (expected)) - 1);

  /* Without an image, nothing to zoom. */
  for (guint k = 0; k < G_N_ELEMENTS (expected); k++)
    g_assert_false (action_is_enabled (CHIARO_CANVAS (canvas), expected[k][1]));

  g_object_unref (canvas);
}

/* Transparency shows a grey checkerboard of 8 px squares that starts at the image's corner. */
static void
test_checkerboard (void)
{
  View view = open_view (420, 320);
  guint8 *pixels = pattern_new (96, 96, 0x00000000);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  graphene_rect_t bounds;
  double x, y;

  pattern_fill (pixels, 96, 64, 64, 32, 32, MAGENTA);
  /* Half-transparent black over the top right. */
  pattern_fill (pixels, 96, 64, 0, 32, 32, 0x80000000);
  texture = pattern_to_texture (pixels, 96, 96);
  chiaro_canvas_set_texture (view.canvas, texture);
  chiaro_canvas_get_image_bounds (view.canvas, &bounds);
  g_assert_cmpfloat (bounds.size.width, ==, 96);
  x = bounds.origin.x;
  y = bounds.origin.y;

  shot = render (&view);
  chiaro_test_save_screenshot (view.window, "canvas-checkerboard.png");
  assert_pixel (shot, x + 4, y + 4, 0xcccccc, 2);
  assert_pixel (shot, x + 12, y + 4, 0x999999, 2);
  assert_pixel (shot, x + 4, y + 12, 0x999999, 2);
  assert_pixel (shot, x + 12, y + 12, 0xcccccc, 2);
  assert_pixel (shot, x + 36, y + 52, 0xcccccc, 2);
  assert_pixel (shot, x + 80, y + 80, MAGENTA, 2);
  /* Half of each grey shows through the black. */
  assert_pixel (shot, x + 68, y + 4, 0x666666, 3);
  assert_pixel (shot, x + 76, y + 4, 0x4c4c4c, 3);

  close_view (&view);
}

/* The story overlay shades the top 14 % and bottom 20 % of a 9:16 image at 40 % black and
 * whatever lies outside the 9:16 crop of a wider one at 60 %; the post overlay shades outside
 * the 4:5 crop at 60 % and around the centred square at 20 %. */
static void
test_safe_zones (void)
{
  View view = open_view (400, 700);
  g_autoptr(GdkTexture) tall = solid_texture (360, 640, WHITE);
  g_autoptr(GdkTexture) wide = solid_texture (640, 360, WHITE);
  g_autoptr(GdkTexture) shot = NULL;
  graphene_rect_t b;
  guint notified = 0;

  g_signal_connect (view.canvas, "notify::safe-zones", G_CALLBACK (count_notify), &notified);
  chiaro_canvas_set_texture (view.canvas, tall);
  chiaro_canvas_get_image_bounds (view.canvas, &b);
  g_assert_cmpfloat (b.size.width, ==, 360);
  g_assert_cmpint (chiaro_canvas_get_safe_zones (view.canvas), ==, CHIARO_SAFE_ZONES_NONE);

  shot = render (&view);
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 40, WHITE, 2);
  g_clear_object (&shot);

  chiaro_canvas_set_safe_zones (view.canvas, CHIARO_SAFE_ZONES_STORY);
  chiaro_canvas_set_safe_zones (view.canvas, CHIARO_SAFE_ZONES_STORY);
  g_assert_cmpuint (notified, ==, 1);
  shot = render (&view);
  /* 14 % of 640 is 89.6, 20 % is 128. */
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 40, 0x999999, 3);
  assert_pixel (shot, b.origin.x + 5, b.origin.y + 85, 0x999999, 3);
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 95, WHITE, 3);
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 320, WHITE, 2);
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 505, WHITE, 3);
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 520, 0x999999, 3);
  assert_pixel (shot, b.origin.x + 355, b.origin.y + 635, 0x999999, 3);
  /* Nothing outside the image. */
  assert_pixel_not (shot, b.origin.x + 180, b.origin.y - 10, 0x999999);
  g_clear_object (&shot);

  chiaro_canvas_set_safe_zones (view.canvas, CHIARO_SAFE_ZONES_POST);
  shot = render (&view);
  chiaro_test_save_screenshot (view.window, "canvas-safe-zones-post.png");
  /* The 4:5 crop is 360 × 450 from y 95; the square 360 × 360 from y 140. */
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 40, 0x666666, 3);
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 600, 0x666666, 3);
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 120, 0xcccccc, 3);
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 520, 0xcccccc, 3);
  assert_pixel (shot, b.origin.x + 180, b.origin.y + 320, WHITE, 2);
  g_clear_object (&shot);

  /* A 16:9 image: the story is the centred 202.5 px wide strip. */
  chiaro_canvas_set_safe_zones (view.canvas, CHIARO_SAFE_ZONES_STORY);
  chiaro_canvas_set_texture (view.canvas, wide);
  chiaro_canvas_get_image_bounds (view.canvas, &b);
  shot = render (&view);
  chiaro_test_save_screenshot (view.window, "canvas-safe-zones-story-wide.png");
  assert_pixel (shot, b.origin.x + b.size.width * 0.15, b.origin.y + b.size.height / 2,
                0x666666, 3);
  assert_pixel (shot, b.origin.x + b.size.width * 0.85, b.origin.y + b.size.height / 2,
                0x666666, 3);
  assert_pixel (shot, b.origin.x + b.size.width / 2, b.origin.y + b.size.height / 2, WHITE, 2);
  assert_pixel (shot, b.origin.x + b.size.width / 2, b.origin.y + b.size.height * 0.05,
                0x999999, 3);
  g_clear_object (&shot);

  /* Off again: white everywhere. */
  g_object_set (view.canvas, "safe-zones", CHIARO_SAFE_ZONES_NONE, NULL);
  shot = render (&view);
  assert_pixel (shot, b.origin.x + b.size.width * 0.15, b.origin.y + b.size.height / 2,
                WHITE, 2);
  assert_pixel (shot, b.origin.x + b.size.width / 2, b.origin.y + b.size.height * 0.05,
                WHITE, 2);
  g_assert_cmpuint (notified, ==, 4);

  close_view (&view);
}

/* Split at 0.5: the other image on the left, the current on the right, whatever the other's
 * size; the line follows a drag. */
static void
test_split (void)
{
  View view = open_view (420, 320);
  g_autoptr(GdkTexture) current = solid_texture (300, 200, BLUE);
  g_autoptr(GdkTexture) other = solid_texture (150, 100, ORANGE);
  g_autoptr(GdkTexture) square = solid_texture (100, 100, ORANGE);
  g_autoptr(GdkTexture) shot = NULL;
  GObject *drag = find_controller (GTK_WIDGET (view.canvas), GTK_TYPE_GESTURE_DRAG);
  graphene_rect_t b;
  guint notifies = 0;

  chiaro_canvas_set_texture (view.canvas, current);
  chiaro_canvas_set_compare_texture (view.canvas, other);
  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_SPLIT);
  g_assert_cmpfloat (chiaro_canvas_get_split_position (view.canvas), ==, 0.5);
  chiaro_canvas_get_image_bounds (view.canvas, &b);
  g_assert_cmpfloat (b.size.width, ==, 300);

  shot = render (&view);
  chiaro_test_save_screenshot (view.window, "canvas-split-solid.png");
  for (double f = 0.05; f < 0.45; f += 0.1)
    assert_pixel (shot, b.origin.x + f * b.size.width, b.origin.y + 0.2 * b.size.height,
                  ORANGE, 4);
  for (double f = 0.55; f < 0.99; f += 0.1)
    assert_pixel (shot, b.origin.x + f * b.size.width, b.origin.y + 0.2 * b.size.height,
                  BLUE, 4);
  g_clear_object (&shot);

  /* Drag the line from the middle to three quarters. */
  g_signal_connect (view.canvas, "notify::split-position", G_CALLBACK (count_notify), &notifies);
  g_signal_emit_by_name (drag, "drag-begin", b.origin.x + 0.5 * b.size.width + 4,
                         b.origin.y + 0.5 * b.size.height);
  g_signal_emit_by_name (drag, "drag-update", 0.25 * b.size.width - 4, 10.0);
  g_signal_emit_by_name (drag, "drag-end", 0.25 * b.size.width - 4, 10.0);
  g_assert_cmpfloat_with_epsilon (chiaro_canvas_get_split_position (view.canvas), 0.75, 1e-6);
  g_assert_cmpuint (notifies, >=, 1);
  shot = render (&view);
  assert_pixel (shot, b.origin.x + 0.65 * b.size.width, b.origin.y + 0.2 * b.size.height,
                ORANGE, 4);
  assert_pixel (shot, b.origin.x + 0.85 * b.size.width, b.origin.y + 0.2 * b.size.height,
                BLUE, 4);
  g_clear_object (&shot);

  /* A square other image is fitted inside the current one's rectangle, centred. */
  chiaro_canvas_set_compare_texture (view.canvas, square);
  shot = render (&view);
  assert_pixel_not (shot, b.origin.x + 0.1 * b.size.width, b.origin.y + 0.2 * b.size.height,
                    ORANGE);
  assert_pixel (shot, b.origin.x + 0.25 * b.size.width, b.origin.y + 0.2 * b.size.height,
                ORANGE, 4);
  assert_pixel (shot, b.origin.x + 0.9 * b.size.width, b.origin.y + 0.2 * b.size.height,
                BLUE, 4);

  close_view (&view);
}

/* Side by side: each image in its half, at the same size. */
static void
test_side_by_side (void)
{
  View view = open_view (420, 320);
  g_autoptr(GdkTexture) current = solid_texture (600, 400, BLUE);
  g_autoptr(GdkTexture) other = solid_texture (300, 200, ORANGE);
  g_autoptr(GdkTexture) shot = NULL;
  graphene_rect_t b;
  double half, left_x;

  chiaro_canvas_set_texture (view.canvas, current);
  chiaro_canvas_set_compare_texture (view.canvas, other);
  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_SIDE_BY_SIDE);

  half = floor ((canvas_width (&view) - 12) / 2.0);
  chiaro_canvas_get_image_bounds (view.canvas, &b);
  g_assert_cmpfloat (b.origin.x, >=, canvas_width (&view) - half);
  g_assert_cmpfloat_with_epsilon (chiaro_canvas_get_zoom (view.canvas), half / 600, 1e-9);
  g_assert_cmpfloat_with_epsilon (b.size.width, half, 0.51);

  shot = render (&view);
  chiaro_test_save_screenshot (view.window, "canvas-side-by-side-solid.png");
  left_x = b.origin.x - (canvas_width (&view) - half);
  assert_pixel (shot, b.origin.x + 3, b.origin.y + 3, BLUE, 4);
  assert_pixel (shot, b.origin.x + b.size.width - 3, b.origin.y + b.size.height - 3, BLUE, 4);
  assert_pixel (shot, left_x + 3, b.origin.y + 3, ORANGE, 4);
  assert_pixel (shot, left_x + b.size.width - 3, b.origin.y + b.size.height - 3, ORANGE, 4);
  assert_pixel_not (shot, left_x + 3, b.origin.y - 3, ORANGE);
  g_clear_object (&shot);

  /* Zooming zooms both. */
  chiaro_canvas_set_zoom (view.canvas, 2.0);
  chiaro_canvas_get_image_bounds (view.canvas, &b);
  g_assert_cmpfloat (b.size.width, ==, 1200);
  shot = render (&view);
  assert_pixel (shot, half / 2, canvas_height (&view) / 2.0, ORANGE, 4);
  assert_pixel (shot, canvas_width (&view) - half / 2, canvas_height (&view) / 2.0, BLUE, 4);

  close_view (&view);
}

/* Holding shows the other image: through the API and the secondary button. */
static void
test_hold (void)
{
  View view = open_view (420, 320);
  g_autoptr(GdkTexture) current = solid_texture (300, 200, BLUE);
  g_autoptr(GdkTexture) other = solid_texture (300, 200, ORANGE);
  g_autoptr(GdkTexture) shot = NULL;
  GObject *click = find_controller (GTK_WIDGET (view.canvas), GTK_TYPE_GESTURE_CLICK);
  graphene_rect_t b;
  double x, y;

  chiaro_canvas_set_texture (view.canvas, current);
  chiaro_canvas_set_compare_texture (view.canvas, other);
  chiaro_canvas_get_image_bounds (view.canvas, &b);
  x = b.origin.x + b.size.width / 2;
  y = b.origin.y + b.size.height / 2;

  /* Not in the hold mode: the button does nothing. */
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_assert_false (chiaro_canvas_get_showing_other (view.canvas));

  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_HOLD);
  shot = render (&view);
  assert_pixel (shot, x, y, BLUE, 4);
  g_clear_object (&shot);

  chiaro_canvas_set_showing_other (view.canvas, TRUE);
  shot = render (&view);
  assert_pixel (shot, x, y, ORANGE, 4);
  g_clear_object (&shot);

  chiaro_canvas_set_showing_other (view.canvas, FALSE);
  shot = render (&view);
  assert_pixel (shot, x, y, BLUE, 4);
  g_clear_object (&shot);

  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_assert_true (chiaro_canvas_get_showing_other (view.canvas));
  shot = render (&view);
  assert_pixel (shot, x, y, ORANGE, 4);
  g_clear_object (&shot);

  g_signal_emit_by_name (click, "released", 1, x, y);
  g_assert_false (chiaro_canvas_get_showing_other (view.canvas));
  shot = render (&view);
  assert_pixel (shot, x, y, BLUE, 4);

  close_view (&view);
}

/* A 240 × 160 image of coloured squares, with the square at (@x, @y) recoloured. */
static GdkTexture *
mosaic_texture (int     changed_x,
                int     changed_y,
                guint32 changed)
{
  static const guint32 colours[] = { 0xff3366cc, 0xffdc3912, 0xffff9900, 0xff109618,
                                     0xff990099, 0xff0099c6, 0xffdd4477, 0xff66aa00 };
  guint8 *pixels = pattern_new (240, 160, WHITE);

  for (int y = 0; y < 160; y += 40)
    for (int x = 0; x < 240; x += 40)
      pattern_fill (pixels, 240, x, y, 40, 40,
                    x == changed_x && y == changed_y ? changed
                    : colours[(x / 40 + y / 40 * 3) % G_N_ELEMENTS (colours)]);

  return pattern_to_texture (pixels, 240, 160);
}

static gboolean
is_grey (const guint8 p[3])
{
  return ABS (p[0] - p[1]) <= 2 && ABS (p[1] - p[2]) <= 2;
}

static gboolean
is_heat (const guint8 p[3])
{
  return p[0] > 200 && p[2] < 80 && p[0] > p[2] + 150;
}

static void
wait_for_difference (View *view)
{
  g_assert_true (chiaro_test_wait_until (canvas_is_idle, view->canvas, 30));
}

/* Heat exactly where the square changed: checks the middle of each 40 px square. */
static void
assert_heat_only_at (View   *view,
                     int     changed_x,
                     int     changed_y)
{
  g_autoptr(GdkTexture) shot = render (view);
  graphene_rect_t b;

  chiaro_canvas_get_image_bounds (view->canvas, &b);
  g_assert_cmpfloat (b.size.width, ==, 240);

  for (int y = 0; y < 160; y += 10)
    for (int x = 0; x < 240; x += 10)
      {
        gboolean changed = x >= changed_x && x < changed_x + 40 &&
                           y >= changed_y && y < changed_y + 40;
        gboolean edge = x % 40 == 0 || y % 40 == 0;
        guint8 p[3];

        /* Square edges are left out: the renderer may blend neighbours there. */
        if (edge)
          continue;

        g_assert_true (chiaro_test_read_pixel (shot, b.origin.x + x, b.origin.y + y, p));
        if (changed && !is_heat (p))
          g_error ("no heat at %d,%d: #%02x%02x%02x", x, y, p[0], p[1], p[2]);
        if (!changed && !is_grey (p))
          g_error ("heat at %d,%d: #%02x%02x%02x", x, y, p[0], p[1], p[2]);
      }
}

/* The heat map: none for identical images, only where a square changed, computed off the main
 * thread, kept, and recomputed when an input changes. */
static void
test_difference (void)
{
  View view = open_view (420, 320);
  g_autoptr(GdkTexture) current = mosaic_texture (-1, -1, 0);
  g_autoptr(GdkTexture) same = mosaic_texture (-1, -1, 0);
  g_autoptr(GdkTexture) changed = mosaic_texture (80, 40, 0xff202020);
  g_autoptr(GdkTexture) changed_elsewhere = mosaic_texture (200, 120, WHITE);
  guint busy_notifies = 0;

  chiaro_canvas_set_texture (view.canvas, current);
  chiaro_canvas_set_compare_texture (view.canvas, same);
  g_assert_false (chiaro_canvas_get_busy (view.canvas));

  g_signal_connect (view.canvas, "notify::busy", G_CALLBACK (count_notify), &busy_notifies);
  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_DIFFERENCE);
  g_assert_true (chiaro_canvas_get_busy (view.canvas));
  wait_for_difference (&view);
  g_assert_cmpuint (busy_notifies, ==, 2);
  assert_heat_only_at (&view, -1000, -1000);

  chiaro_canvas_set_compare_texture (view.canvas, changed);
  wait_for_difference (&view);
  assert_heat_only_at (&view, 80, 40);
  chiaro_test_save_screenshot (view.window, "canvas-difference-squares.png");

  /* Kept: switching away and back computes nothing. */
  busy_notifies = 0;
  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_NONE);
  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_DIFFERENCE);
  g_assert_false (chiaro_canvas_get_busy (view.canvas));
  g_assert_cmpuint (busy_notifies, ==, 0);
  assert_heat_only_at (&view, 80, 40);

  /* A change while computing cancels the old map: only the newest pair shows. */
  chiaro_canvas_set_compare_texture (view.canvas, same);
  chiaro_canvas_set_compare_texture (view.canvas, changed_elsewhere);
  g_assert_true (chiaro_canvas_get_busy (view.canvas));
  wait_for_difference (&view);
  assert_heat_only_at (&view, 200, 120);

  /* Holding shows the other image over the map. */
  chiaro_canvas_set_showing_other (view.canvas, TRUE);
  {
    g_autoptr(GdkTexture) shot = render (&view);
    graphene_rect_t b;

    chiaro_canvas_get_image_bounds (view.canvas, &b);
    assert_pixel (shot, b.origin.x + 220, b.origin.y + 140, WHITE, 4);
    assert_pixel (shot, b.origin.x + 20, b.origin.y + 20, 0x3366cc, 4);
  }

  close_view (&view);
}

/* Closing the window while the heat map is computed cancels it and frees everything. */
static void
test_close_while_computing (void)
{
  View view = open_view (420, 320);
  g_autoptr(GdkTexture) current = solid_texture (2000, 2000, BLUE);
  g_autoptr(GdkTexture) other = solid_texture (1000, 1000, ORANGE);

  chiaro_canvas_set_texture (view.canvas, current);
  chiaro_canvas_set_compare_texture (view.canvas, other);
  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_DIFFERENCE);
  g_assert_true (chiaro_canvas_get_busy (view.canvas));

  g_object_add_weak_pointer (G_OBJECT (view.canvas), (gpointer *) &view.canvas);
  gtk_window_destroy (GTK_WINDOW (view.window));
  g_assert_finalize_object (view.window);

  /* The worker gives its reference back once it notices. */
  for (int i = 0; i < 500 && view.canvas != NULL; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_null (view.canvas);
}

/* Renders @widget at twice its size, as a scale-2 screen shows it. */
static GdkTexture *
render_device_pixels (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gtk_snapshot_scale (snapshot, 2, 2);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);

  return gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                      node, &GRAPHENE_RECT_INIT (0, 0, width * 2, height * 2));
}

static void
check_hidpi (void)
{
  View view = open_view (420, 320);
  guint8 *pixels = pattern_new (64, 64, WHITE);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  graphene_rect_t b;

  g_assert_cmpint (gtk_widget_get_scale_factor (GTK_WIDGET (view.canvas)), ==, 2);

  /* One-pixel black columns on white. */
  for (int x = 0; x < 64; x += 2)
    pattern_fill (pixels, 64, x, 0, 1, 64, 0xff000000);
  texture = pattern_to_texture (pixels, 64, 64);
  chiaro_canvas_set_texture (view.canvas, texture);

  /* Fitting never enlarges past one image pixel per device pixel. */
  g_assert_cmpfloat (chiaro_canvas_get_zoom (view.canvas), ==, 1.0);
  chiaro_canvas_get_image_bounds (view.canvas, &b);
  g_assert_cmpfloat (b.size.width, ==, 32);
  g_assert_cmpfloat (b.origin.x * 2, ==, round (b.origin.x * 2));

  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (view.canvas)));
  shot = render_device_pixels (GTK_WIDGET (view.canvas));
  for (int x = 0; x < 64; x++)
    for (int y = 4; y < 64; y += 20)
      assert_pixel (shot, b.origin.x * 2 + x, b.origin.y * 2 + y,
                    x % 2 == 0 ? 0x000000 : 0xffffff, 0);

  close_view (&view);
}

/* On a scale-2 screen, 100 % puts each image pixel on one device pixel, sharp. GDK reads the
 * scale when it opens the display, so this runs again in a child process with GDK_SCALE=2. */
static void
test_hidpi (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  if (g_test_subprocess ())
    {
      check_hidpi ();
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "GDK_SCALE", "2", TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, test_program,
                                       "-p", g_test_get_path (), "--GTestSubprocess", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);

  g_test_message ("child: %s", output);
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
}

/* A photo and an edited copy of it: the sky warmer and a new sun. */
static GdkTexture *
edit_photo (GdkPixbuf *photo)
{
  g_autoptr(GdkPixbuf) edited = gdk_pixbuf_copy (photo);
  int width = gdk_pixbuf_get_width (edited);
  int height = gdk_pixbuf_get_height (edited);
  int stride = gdk_pixbuf_get_rowstride (edited);
  int channels = gdk_pixbuf_get_n_channels (edited);
  guint8 *pixels = gdk_pixbuf_get_pixels (edited);

  for (int y = 0; y < height * 2 / 5; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * stride + x * channels;
        double dx = x - width * 0.3, dy = y - height * 0.18;

        if (dx * dx + dy * dy < (height * 0.07) * (height * 0.07))
          {
            p[0] = 255;
            p[1] = 226;
            p[2] = 120;
          }
        else
          {
            p[0] = MIN (255, p[0] + 40);
            p[2] = MAX (0, p[2] - 30);
          }
      }

  return gdk_texture_new_for_pixbuf (edited);
}

/* Screenshots of every view on a real photo, to look at. */
static void
test_screenshots (void)
{
  View view = open_view (900, 620);
  g_autofree char *path = chiaro_test_fixture_path ("images", "exif-orientation",
                                                    "Landscape_1.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) photo = gdk_pixbuf_new_from_file (path, &error);
  g_autoptr(GdkTexture) before = NULL;
  g_autoptr(GdkTexture) after = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  graphene_rect_t b;

  g_assert_no_error (error);
  before = gdk_texture_new_for_pixbuf (photo);
  after = edit_photo (photo);

  chiaro_canvas_set_texture (view.canvas, after);
  chiaro_canvas_set_compare_texture (view.canvas, before);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (view.canvas)));
  chiaro_test_save_screenshot (view.window, "canvas-photo-fit.png");

  /* The focus ring after keyboard use. */
  gtk_widget_grab_focus (GTK_WIDGET (view.canvas));
  gtk_window_set_focus_visible (GTK_WINDOW (view.window), TRUE);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (view.canvas)));
  chiaro_test_save_screenshot (view.window, "canvas-photo-focus.png");
  gtk_window_set_focus_visible (GTK_WINDOW (view.window), FALSE);

  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_SPLIT);
  chiaro_canvas_set_split_position (view.canvas, 0.4);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (view.canvas)));
  chiaro_test_save_screenshot (view.window, "canvas-photo-split.png");

  /* The split stays across the visible part when zoomed in. */
  chiaro_canvas_set_zoom (view.canvas, 1.0);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (view.canvas)));
  chiaro_test_save_screenshot (view.window, "canvas-photo-split-100.png");

  chiaro_canvas_zoom_fit (view.canvas);
  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_SIDE_BY_SIDE);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (view.canvas)));
  chiaro_test_save_screenshot (view.window, "canvas-photo-side-by-side.png");

  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_DIFFERENCE);
  wait_for_difference (&view);
  shot = render (&view);
  chiaro_test_save_screenshot (view.window, "canvas-photo-difference.png");

  /* The new sun is hot; the untouched waterfall is not. */
  chiaro_canvas_get_image_bounds (view.canvas, &b);
  {
    guint8 p[3];

    g_assert_true (chiaro_test_read_pixel (shot, b.origin.x + 0.3 * b.size.width,
                                           b.origin.y + 0.18 * b.size.height, p));
    g_assert_true (is_heat (p));
    g_assert_true (chiaro_test_read_pixel (shot, b.origin.x + 0.72 * b.size.width,
                                           b.origin.y + 0.75 * b.size.height, p));
    g_assert_true (is_grey (p));
  }

  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_NONE);
  chiaro_canvas_set_zoom_at (view.canvas, 4.0, b.origin.x + 0.5 * b.size.width,
                             b.origin.y + 0.47 * b.size.height);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (view.canvas)));
  chiaro_test_save_screenshot (view.window, "canvas-photo-400.png");

  close_view (&view);
}

/* The textures @node draws, in order. */
static void
collect_textures (GskRenderNode *node,
                  GPtrArray     *textures)
{
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_TEXTURE_NODE:
      g_ptr_array_add (textures, gsk_texture_node_get_texture (node));
      break;
#if GTK_CHECK_VERSION (4, 10, 0)
    case GSK_TEXTURE_SCALE_NODE:
      g_ptr_array_add (textures, gsk_texture_scale_node_get_texture (node));
      break;
#endif
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        collect_textures (gsk_container_node_get_child (node, i), textures);
      break;
    case GSK_CLIP_NODE:
      collect_textures (gsk_clip_node_get_child (node), textures);
      break;
    case GSK_ROUNDED_CLIP_NODE:
      collect_textures (gsk_rounded_clip_node_get_child (node), textures);
      break;
    case GSK_TRANSFORM_NODE:
      collect_textures (gsk_transform_node_get_child (node), textures);
      break;
    case GSK_OPACITY_NODE:
      collect_textures (gsk_opacity_node_get_child (node), textures);
      break;
    case GSK_DEBUG_NODE:
      collect_textures (gsk_debug_node_get_child (node), textures);
      break;
    default:
      break;
    }
}

/* The textures the canvas draws now: its own snapshot, taken at once rather than in a frame,
 * which could run the callback of a display copy. */
static GPtrArray *
drawn_textures (View *view)
{
  g_autoptr(GskRenderNode) node = NULL;
  GPtrArray *textures = g_ptr_array_new ();
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  GTK_WIDGET_GET_CLASS (view->canvas)->snapshot (GTK_WIDGET (view->canvas), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    collect_textures (node, textures);

  return textures;
}

/* The one texture the canvas draws now. */
static GdkTexture *
drawn_texture (View *view)
{
  g_autoptr(GPtrArray) textures = drawn_textures (view);

  g_assert_cmpuint (textures->len, ==, 1);
  return textures->pdata[0];
}

/* The display copy is stored with its alpha left out of the colours (the format GTK 4.8's
 * cairo renderer converts fastest), so a translucent image must keep its colours and alpha
 * through it: the copy's pixels, read back premultiplied, are the image's. */
static void
test_display_copy_alpha (void)
{
  View view = open_view (420, 320);
  guint8 *pixels = pattern_new (4000, 1000, 0x80ff0000);
  g_autoptr(GdkTexture) big = NULL;
  g_autofree guint8 *copy = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  GdkTexture *drawn;
  int width, height, x;

  pattern_fill (pixels, 4000, 2000, 0, 1000, 1000, 0xff0000ff);
  pattern_fill (pixels, 4000, 3000, 0, 1000, 1000, 0x00000000);
  big = pattern_to_texture (pixels, 4000, 1000);
  chiaro_canvas_set_texture (view.canvas, big);
  g_assert_true (chiaro_test_wait_until (canvas_is_idle, view.canvas, 60));

  drawn = drawn_texture (&view);
  g_assert_true (drawn != big);
  width = gdk_texture_get_width (drawn);
  height = gdk_texture_get_height (drawn);
  g_assert_cmpint (width, <, 1000);
  copy = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (drawn, copy, (gsize) width * 4);

  /* Premultiplied ARGB words: half-transparent red, opaque blue, nothing. */
  x = width / 8;
  g_assert_cmpuint (((guint32 *) copy)[(height / 2) * width + x], ==, 0x80800000);
  x = width * 5 / 8;
  g_assert_cmpuint (((guint32 *) copy)[(height / 2) * width + x], ==, 0xff0000ff);
  x = width * 7 / 8;
  g_assert_cmpuint (((guint32 *) copy)[(height / 2) * width + x], ==, 0);

  /* And the blue quarter shows on the canvas. */
  shot = render (&view);
  assert_pixel (shot, canvas_width (&view) / 2 + width / 8, canvas_height (&view) / 2, BLUE, 8);
  g_clear_object (&shot);

  close_view (&view);
}

/* A 6000×4000 image (red left, blue right, a 200 pixel green square in the middle) is drawn
 * at fit through a display copy of its size on the screen, made by a worker while the canvas
 * keeps the image it showed, and from the full image at 100 %. */
static void
test_display_copy (void)
{
  View view = open_view (420, 320);
  guint8 *pixels = pattern_new (6000, 4000, RED);
  g_autoptr(GdkTexture) big = NULL;
  g_autoptr(GdkTexture) small = solid_texture (100, 50, ORANGE);
  g_autoptr(GdkTexture) shot = NULL;
  g_autoptr(GPtrArray) textures = NULL;
  GdkTexture *drawn;
  double width, height, zoom, x, y;
  guint busy_notifies = 0;

  pattern_fill (pixels, 6000, 3000, 0, 3000, 4000, BLUE);
  pattern_fill (pixels, 6000, 2900, 1900, 200, 200, GREEN);
  big = pattern_to_texture (pixels, 6000, 4000);
  width = canvas_width (&view);
  height = canvas_height (&view);

  /* An image no larger than the copy would be is drawn as it is, at once. */
  chiaro_canvas_set_texture (view.canvas, small);
  g_assert_false (chiaro_canvas_get_busy (view.canvas));
  g_assert_true (drawn_texture (&view) == small);

  /* The large one: until its copy is made, the small one stays. */
  g_signal_connect (view.canvas, "notify::busy", G_CALLBACK (count_notify), &busy_notifies);
  chiaro_canvas_set_texture (view.canvas, big);
  g_assert_true (chiaro_canvas_get_busy (view.canvas));
  g_assert_cmpuint (busy_notifies, ==, 1);
  g_assert_true (chiaro_canvas_get_texture (view.canvas) == big);
  g_assert_true (drawn_texture (&view) == small);
  g_assert_true (chiaro_test_wait_until (canvas_is_idle, view.canvas, 60));
  g_assert_cmpuint (busy_notifies, ==, 2);

  /* Fit: the copy, exactly the size the image is drawn at. */
  zoom = MIN (width / 6000, height / 4000);
  drawn = drawn_texture (&view);
  g_assert_true (drawn != big);
  g_assert_cmpint (gdk_texture_get_width (drawn), ==, (int) round (6000 * zoom));
  g_assert_cmpint (gdk_texture_get_height (drawn), ==, (int) round (4000 * zoom));
  g_assert_cmpfloat_with_epsilon (chiaro_canvas_get_zoom (view.canvas), zoom, 1e-9);
  x = round (width / 2 - 3000 * zoom);
  y = round (height / 2 - 2000 * zoom);
  assert_bounds (view.canvas, x, y, 6000 * zoom, 4000 * zoom);
  shot = render (&view);
  assert_pixel (shot, x + 1000 * zoom, y + 2000 * zoom, RED, 8);
  assert_pixel (shot, x + 5000 * zoom, y + 2000 * zoom, BLUE, 8);
  assert_pixel (shot, x + 3000 * zoom, y + 2000 * zoom, GREEN, 8);
  assert_pixel (shot, x + 2 * zoom, y + 2 * zoom, RED, 8);
  assert_pixel (shot, x + 5998 * zoom, y + 3998 * zoom, BLUE, 8);
  g_clear_object (&shot);

  /* 100 %, centred: the full image, one image pixel to one screen pixel. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view.canvas), "canvas.zoom-100", NULL));
  g_assert_true (drawn_texture (&view) == big);
  g_assert_false (chiaro_canvas_get_busy (view.canvas));
  x = round (width / 2 - 3000);
  y = round (height / 2 - 2000);
  shot = render (&view);
  assert_pixel (shot, x + 3000, y + 2000, GREEN, 0);
  assert_pixel (shot, x + 2900, y + 1900, GREEN, 0);
  assert_pixel (shot, x + 2899, y + 2000, RED, 0);
  assert_pixel (shot, x + 3099, y + 2099, GREEN, 0);
  assert_pixel (shot, x + 3100, y + 2000, BLUE, 0);
  assert_pixel (shot, x + 3050, y + 2100, BLUE, 0);
  g_clear_object (&shot);

  /* Back at fit, the copy is drawn again, without making it again. */
  chiaro_canvas_zoom_fit (view.canvas);
  g_assert_false (chiaro_canvas_get_busy (view.canvas));
  g_assert_true (drawn_texture (&view) == drawn);

  /* A larger canvas: the copy is made again at the new size, the old one drawn meanwhile. */
  gtk_widget_set_size_request (GTK_WIDGET (view.canvas), 800, 600);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (view.canvas)));
  width = canvas_width (&view);
  height = canvas_height (&view);
  g_assert_cmpfloat (width, >, 700);
  zoom = MIN (width / 6000, height / 4000);
  g_assert_true (chiaro_test_wait_until (canvas_is_idle, view.canvas, 60));
  drawn = drawn_texture (&view);
  g_assert_true (drawn != big);
  g_assert_cmpint (gdk_texture_get_width (drawn), ==, (int) round (6000 * zoom));
  g_assert_cmpint (gdk_texture_get_height (drawn), ==, (int) round (4000 * zoom));
  x = round (width / 2 - 3000 * zoom);
  y = round (height / 2 - 2000 * zoom);
  shot = render (&view);
  assert_pixel (shot, x + 1000 * zoom, y + 2000 * zoom, RED, 8);
  assert_pixel (shot, x + 3000 * zoom, y + 2000 * zoom, GREEN, 8);
  assert_pixel (shot, x + 5000 * zoom, y + 2000 * zoom, BLUE, 8);
  g_clear_object (&shot);

  /* The same image as the compare texture, split: each side drawn from a copy. */
  chiaro_canvas_set_compare_texture (view.canvas, big);
  chiaro_canvas_set_compare_mode (view.canvas, CHIARO_COMPARE_MODE_SPLIT);
  g_assert_true (chiaro_canvas_get_busy (view.canvas));
  g_assert_true (chiaro_test_wait_until (canvas_is_idle, view.canvas, 60));
  textures = drawn_textures (&view);
  g_assert_cmpuint (textures->len, ==, 2);
  for (guint i = 0; i < textures->len; i++)
    g_assert_cmpint (gdk_texture_get_width (textures->pdata[i]), ==, (int) round (6000 * zoom));
  x = round (width / 2 - 3000 * zoom);
  y = round (height / 2 - 2000 * zoom);
  shot = render (&view);
  assert_pixel (shot, x + 1000 * zoom, y + 2000 * zoom, RED, 8);
  assert_pixel (shot, x + 5000 * zoom, y + 2000 * zoom, BLUE, 8);
  g_clear_object (&shot);

  chiaro_canvas_set_texture (view.canvas, NULL);
  g_assert_false (chiaro_canvas_get_busy (view.canvas));
  close_view (&view);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  test_program = argv[0];

  if (!(application = chiaro_test_create_application ()))
    return 0;

  g_test_add_func ("/chiaro/ui/canvas/fit-100-zoom-in", test_fit_100_zoom_in);
  g_test_add_func ("/chiaro/ui/canvas/fit-follows-size", test_fit_follows_size);
  g_test_add_func ("/chiaro/ui/canvas/zoom-at-pointer", test_zoom_at_pointer);
  g_test_add_func ("/chiaro/ui/canvas/pan", test_pan);
  g_test_add_func ("/chiaro/ui/canvas/new-texture-keeps-view", test_new_texture_keeps_view);
  g_test_add_func ("/chiaro/ui/canvas/shortcuts", test_shortcuts);
  g_test_add_func ("/chiaro/ui/canvas/checkerboard", test_checkerboard);
  g_test_add_func ("/chiaro/ui/canvas/safe-zones", test_safe_zones);
  g_test_add_func ("/chiaro/ui/canvas/split", test_split);
  g_test_add_func ("/chiaro/ui/canvas/side-by-side", test_side_by_side);
  g_test_add_func ("/chiaro/ui/canvas/hold", test_hold);
  g_test_add_func ("/chiaro/ui/canvas/difference", test_difference);
  g_test_add_func ("/chiaro/ui/canvas/close-while-computing", test_close_while_computing);
  g_test_add_func ("/chiaro/ui/canvas/hidpi", test_hidpi);
  g_test_add_func ("/chiaro/ui/canvas/display-copy", test_display_copy);
  g_test_add_func ("/chiaro/ui/canvas/display-copy-alpha", test_display_copy_alpha);
  g_test_add_func ("/chiaro/ui/canvas/screenshots", test_screenshots);

  status = g_test_run ();

  g_clear_object (&application);
  return status;
}
