/* chiaro-test-ui-util.c — helpers for tests that drive real windows
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"

/* A non-unique application whose session and projects live in a fresh folder of the build
 * directory named after @name, so that tests never restore each other's projects. */
ChiaroApplication *
chiaro_test_new_application (const char *application_id,
                             const char *name)
{
  g_autofree char *folder = g_strconcat (name, "-data", NULL);
  g_autofree char *path = chiaro_test_data_path (folder);
  g_autoptr(GFile) data_dir = g_file_new_for_path (path);

  chiaro_test_remove_tree (path);

  return g_object_new (CHIARO_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PATH,
                       "data-dir", data_dir,
                       NULL);
}

/* Sets up the display and a registered application for the tests; NULL (with the TAP
 * line that skips the whole program) when there is no display. */
ChiaroApplication *
chiaro_test_create_application (void)
{
  g_autoptr(ChiaroApplication) application = NULL;
  g_autoptr(GError) error = NULL;

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return NULL;
    }

  /* Transitions would make what is on screen depend on timing. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  application = chiaro_test_new_application (APPLICATION_ID, g_get_prgname ());
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&application);
}

typedef struct
{
  guint paints;
  gboolean timed_out;
} PaintWait;

static void
on_after_paint (GdkFrameClock *clock,
                PaintWait     *wait)
{
  wait->paints++;
}

static gboolean
on_paint_timeout (gpointer user_data)
{
  PaintWait *wait = user_data;

  wait->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main loop until the widget's toplevel has painted twice since the call. */
gboolean
chiaro_test_wait_for_paint (GtkWidget *widget)
{
  PaintWait wait = { 0 };
  GdkFrameClock *clock;
  gulong handler;
  guint timeout;

  while (!gtk_widget_get_mapped (widget) || gtk_widget_get_frame_clock (widget) == NULL)
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &wait);
  timeout = g_timeout_add_seconds (10, on_paint_timeout, &wait);

  gtk_widget_queue_draw (widget);
  while (wait.paints < 2 && !wait.timed_out)
    {
      g_main_context_iteration (NULL, TRUE);
      if (wait.paints < 2)
        gtk_widget_queue_draw (widget);
    }

  g_signal_handler_disconnect (clock, handler);
  if (!wait.timed_out)
    g_source_remove (timeout);

  return !wait.timed_out;
}

/* Renders @widget the way it is on screen, with the window's own renderer. */
GdkTexture *
chiaro_test_render_widget (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  return gsk_renderer_render_texture (renderer, node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* Saves a PNG of @widget in the build directory, to look at. */
void
chiaro_test_save_screenshot (GtkWidget  *widget,
                             const char *name)
{
  g_autoptr(GdkTexture) texture = chiaro_test_render_widget (widget);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* The first label under @root whose text contains @text. */
GtkWidget *
chiaro_test_find_label (GtkWidget  *root,
                        const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = chiaro_test_find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The first widget of @type in the tree under @root, @root included, depth first. */
GtkWidget *
chiaro_test_find_widget (GtkWidget *root,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = chiaro_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Reads one pixel, un-premultiplied, as R, G, B. */
gboolean
chiaro_test_read_pixel (GdkTexture *texture,
                        int         x,
                        int         y,
                        guint8      rgb[3])
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint8 *data = NULL;
  const guint8 *p;

  if (x < 0 || y < 0 || x >= width || y >= height)
    return FALSE;

  data = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, data, (gsize) width * 4);

  /* GDK_MEMORY_DEFAULT: B, G, R, A, premultiplied. */
  p = data + ((gsize) y * width + x) * 4;
  for (int c = 0; c < 3; c++)
    rgb[c] = p[3] == 0 ? 0 : MIN (255, p[2 - c] * 255 / p[3]);

  return TRUE;
}

/* Under AddressSanitizer, UI test programs record where each block was allocated with the
 * slow unwinder: GLib and GTK are built without frame pointers, so the fast one stops at
 * g_malloc () and LeakSanitizer could neither tell a leak of ours from one of theirs nor apply
 * tests/lsan.supp. Ten frames reach past the library into the caller and cost about twice the
 * time (a full stack costs ten times). ASAN_OPTIONS from the environment still apply on top. */
#if defined(__SANITIZE_ADDRESS__)
#define CHIARO_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHIARO_TEST_ASAN 1
#endif
#endif

#ifdef CHIARO_TEST_ASAN
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0:malloc_context_size=10";
}
#endif
