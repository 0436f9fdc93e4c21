/* test-reference-tray.c — the reference tray in a real window, over a real project
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test opens a project folder under the build directory and shows its tray in a window.
 * Images come in the ways users bring them: dropped (the drop target's own "drop" signal,
 * with the values a drag from a file manager or an image viewer carries), pasted (a texture
 * on the display's clipboard, then the paste action) and chosen (the function the file
 * dialog calls). The tests assert on the document's tray, the image store and the widgets.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "chiaro-application.h"
#include "chiaro-document.h"
#include "chiaro-image.h"
#include "chiaro-image-store.h"
#include "chiaro-project-error.h"
#include "chiaro-reference-tile.h"
#include "chiaro-reference-tray-private.h"
#include "chiaro-reference-tray.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"

static ChiaroApplication *application;

typedef struct
{
  char *path;                    /* the test's folder */
  ChiaroDocument *document;
  GtkWidget *window;
  ChiaroReferenceTray *tray;
  GPtrArray *errors;             /* GError: what the tray reported */
} Fixture;

/* Waiting for async calls */

static void
on_tray_error (ChiaroReferenceTray *tray,
               const GError        *error,
               Fixture             *f)
{
  g_ptr_array_add (f->errors, g_error_copy (error));
}

static ChiaroReferenceList *
get_references (Fixture *f)
{
  return chiaro_document_get_references (f->document);
}

static guint
n_references (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (get_references (f)));
}

static ChiaroReference *
get_reference (Fixture *f,
               guint    position)
{
  g_autoptr(ChiaroReference) reference =
    g_list_model_get_item (G_LIST_MODEL (get_references (f)), position);

  g_assert_nonnull (reference);
  return reference;    /* the list keeps it alive */
}

static gboolean
tray_is_idle (gpointer user_data)
{
  return !chiaro_reference_tray_get_busy (user_data);
}

static void
wait_idle (Fixture *f)
{
  g_assert_true (chiaro_test_wait_until (tray_is_idle, f->tray, 60));
}

/* A PNG file of one colour, @index picks it, so that no two images are the same. */
static GFile *
make_image (Fixture    *f,
            const char *name,
            guint       index)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 96, 64);
  g_autofree char *path = g_build_filename (f->path, name, NULL);
  g_autoptr(GError) error = NULL;
  guint32 rgba = ((index * 37 + 40) & 0xff) << 24 | ((index * 91 + 120) & 0xff) << 16 |
                 ((255 - index * 13) & 0xff) << 8 | 0xff;

  gdk_pixbuf_fill (pixbuf, rgba);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

static GdkTexture *
make_texture (guint32 rgba)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 120, 80);

  gdk_pixbuf_fill (pixbuf, rgba);
  return gdk_texture_new_for_pixbuf (pixbuf);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *name = g_strdelimit (g_strdup (g_test_get_path () + 1), "/", '-');
  g_autofree char *project = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->path = chiaro_test_data_path (name);
  chiaro_test_remove_tree (f->path);
  g_assert_cmpint (g_mkdir_with_parents (f->path, 0700), ==, 0);
  project = g_build_filename (f->path, "project", NULL);
  dir = g_file_new_for_path (project);

  chiaro_document_open_async (dir, CHIARO_DOCUMENT_OPEN_CREATE,
                              chiaro_application_get_catalog (application), NULL,
                              chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  f->document = chiaro_document_open_finish (result, &error);
  g_assert_no_error (error);
  chiaro_document_set_model_id (f->document, "gemini-3-pro-image");
  chiaro_document_set_autosave_delay (f->document, 60000);

  f->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  f->window = g_object_ref_sink (gtk_window_new ());
  gtk_window_set_title (GTK_WINDOW (f->window), "References");
  gtk_window_set_default_size (GTK_WINDOW (f->window), 400, 440);
  f->tray = CHIARO_REFERENCE_TRAY (chiaro_reference_tray_new ());
  g_object_set (f->tray, "margin-start", 12, "margin-end", 12, "margin-top", 12,
                "margin-bottom", 12, "valign", GTK_ALIGN_START, NULL);
  g_signal_connect (f->tray, "error", G_CALLBACK (on_tray_error), f);
  chiaro_reference_tray_set_document (f->tray, f->document);
  g_assert_true (chiaro_reference_tray_get_document (f->tray) == f->document);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->tray));
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (chiaro_test_wait_for_paint (f->window));
}

static gboolean thumbnails_shown (gpointer user_data);

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  wait_idle (f);
  /* The thumbnails are written by workers: done before the folder goes. */
  g_assert_true (chiaro_test_wait_until (thumbnails_shown, f, 30));
  g_object_add_weak_pointer (G_OBJECT (f->tray), (gpointer *) &f->tray);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->window);
  g_assert_null (f->tray);

  chiaro_document_close_async (f->document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  chiaro_document_close_finish (f->document, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);    /* it holds the document */
  g_assert_finalize_object (f->document);

  g_ptr_array_unref (f->errors);
  chiaro_test_remove_tree (f->path);
  g_free (f->path);
}

/* Widgets */

static GtkFlowBoxChild *
get_child (Fixture *f,
           guint    position)
{
  GtkFlowBoxChild *child =
    gtk_flow_box_get_child_at_index (chiaro_reference_tray_get_flow_box (f->tray), position);

  g_assert_nonnull (child);
  return child;
}

static ChiaroReferenceTile *
get_tile (Fixture *f,
          guint    position)
{
  GtkWidget *tile = gtk_flow_box_child_get_child (get_child (f, position));

  g_assert_true (CHIARO_IS_REFERENCE_TILE (tile));
  return CHIARO_REFERENCE_TILE (tile);
}

static guint
n_tiles (Fixture *f)
{
  guint n = 0;

  while (gtk_flow_box_get_child_at_index (chiaro_reference_tray_get_flow_box (f->tray), n))
    n++;
  return n;
}

static GtkEditable *
get_label_entry (ChiaroReferenceTile *tile)
{
  GtkWidget *entry = chiaro_test_find_widget (GTK_WIDGET (tile), GTK_TYPE_ENTRY);

  g_assert_nonnull (entry);
  return GTK_EDITABLE (entry);
}

static GtkWidget *
find_by_css_class (GtkWidget  *root,
                   const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (gtk_widget_has_css_class (child, css_class))
        return child;
      found = find_by_css_class (child, css_class);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
get_plan_note_icon (ChiaroReferenceTile *tile)
{
  GtkWidget *icon = find_by_css_class (GTK_WIDGET (tile), "reference-plan-note");

  g_assert_true (GTK_IS_IMAGE (icon));
  return icon;
}

static const char *
count_text (Fixture *f)
{
  return gtk_label_get_text (chiaro_reference_tray_get_count_label (f->tray));
}

static gboolean
thumbnails_shown (gpointer user_data)
{
  Fixture *f = user_data;

  for (guint i = 0; i < n_tiles (f); i++)
    {
      GtkWidget *picture = chiaro_reference_tile_get_thumbnail (get_tile (f, i));

      if (gtk_picture_get_paintable (GTK_PICTURE (picture)) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
screenshot (Fixture    *f,
            const char *name,
            gboolean    dark)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  g_assert_true (chiaro_test_wait_until (thumbnails_shown, f, 30));
  if (dark)
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  chiaro_test_save_screenshot (f->window, name);
  if (dark)
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
}

/* The ways images come in */

static gboolean
emit_drop (Fixture      *f,
           const GValue *value,
           double        x,
           double        y)
{
  GtkDropTarget *target = chiaro_reference_tray_get_drop_target (f->tray);
  gboolean handled = FALSE;

  g_signal_emit_by_name (target, "drop", value, x, y, &handled);
  return handled;
}

/* Below every tile: the end of the tray. */
static gboolean
drop_at_end (Fixture      *f,
             const GValue *value)
{
  return emit_drop (f, value, gtk_widget_get_width (GTK_WIDGET (f->tray)) - 2,
                    gtk_widget_get_height (GTK_WIDGET (f->tray)) - 2);
}

static void
drop_files (Fixture *f,
            GFile   *file)
{
  g_auto(GValue) value = G_VALUE_INIT;
  GSList *files = g_slist_prepend (NULL, file);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_slist_free (files);
  g_assert_true (drop_at_end (f, &value));
}

static void
paste_texture (Fixture    *f,
               GdkTexture *texture)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->tray));

  gdk_clipboard_set_texture (clipboard, texture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tray), "tray.paste", NULL));
}

static void
add_file (Fixture *f,
          GFile   *file)
{
  chiaro_reference_tray_add_files (f->tray, &file, 1);
}

static void
assert_stored (Fixture         *f,
               ChiaroReference *reference)
{
  ChiaroImageStore *images = chiaro_document_get_images (f->document);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  g_assert_true (chiaro_image_store_contains (images, chiaro_reference_get_hash (reference),
                                              chiaro_reference_get_mime_type (reference)));
  bytes = chiaro_image_store_load (images, chiaro_reference_get_hash (reference),
                                   chiaro_reference_get_mime_type (reference), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 0);
}

static void
assert_file_stored (Fixture         *f,
                    ChiaroReference *reference,
                    GFile           *file)
{
  ChiaroImageStore *images = chiaro_document_get_images (f->document);
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) original = NULL;

  assert_stored (f, reference);
  stored = chiaro_image_store_load (images, chiaro_reference_get_hash (reference),
                                    chiaro_reference_get_mime_type (reference), NULL, NULL);
  original = g_file_load_bytes (file, NULL, NULL, NULL);
  g_assert_true (g_bytes_equal (stored, original));
}

/* Three references: dropped, pasted and chosen; each in the tray, in that order, with its
 * bytes in the project's store and its tile showing its thumbnail. */
static void
test_add (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GFile) dropped = make_image (f, "dropped.png", 1);
  g_autoptr(GFile) chosen = make_image (f, "chosen.png", 2);
  g_autoptr(GdkTexture) texture = make_texture (0x3366ccff);
  g_autoptr(GdkTexture) stored_texture = NULL;
  ChiaroReference *pasted;

  g_assert_cmpstr (count_text (f), ==, "0 / 14");
  screenshot (f, "reference-tray-empty.png", FALSE);

  drop_files (f, dropped);
  wait_idle (f);
  paste_texture (f, texture);
  wait_idle (f);
  add_file (f, chosen);
  wait_idle (f);

  g_assert_cmpuint (f->errors->len, ==, 0);
  g_assert_cmpuint (n_references (f), ==, 3);
  g_assert_cmpuint (n_tiles (f), ==, 3);
  g_assert_cmpstr (count_text (f), ==, "3 / 14");

  g_assert_cmpstr (chiaro_reference_get_display_name (get_reference (f, 0)), ==, "dropped.png");
  assert_file_stored (f, get_reference (f, 0), dropped);
  pasted = get_reference (f, 1);
  g_assert_cmpstr (chiaro_reference_get_mime_type (pasted), ==, "image/png");
  g_assert_cmpint (chiaro_reference_get_width (pasted), ==, 120);
  g_assert_cmpint (chiaro_reference_get_height (pasted), ==, 80);
  assert_stored (f, pasted);
  g_assert_cmpstr (chiaro_reference_get_display_name (get_reference (f, 2)), ==, "chosen.png");
  assert_file_stored (f, get_reference (f, 2), chosen);

  /* The pasted image is stored without loss. */
  {
    ChiaroImageStore *images = chiaro_document_get_images (f->document);
    g_autoptr(GBytes) bytes = chiaro_image_store_load (images, chiaro_reference_get_hash (pasted),
                                                       "image/png", NULL, NULL);
    g_autoptr(GError) error = NULL;
    guint8 rgb[3];

    stored_texture = gdk_texture_new_from_bytes (bytes, &error);
    g_assert_no_error (error);
    g_assert_true (chiaro_test_read_pixel (stored_texture, 10, 10, rgb));
    g_assert_cmpuint (rgb[0], ==, 0x33);
    g_assert_cmpuint (rgb[1], ==, 0x66);
    g_assert_cmpuint (rgb[2], ==, 0xcc);
  }

  for (guint i = 0; i < 3; i++)
    g_assert_true (chiaro_reference_tile_get_reference (get_tile (f, i)) == get_reference (f, i));

  screenshot (f, "reference-tray-light.png", FALSE);
  screenshot (f, "reference-tray-dark.png", TRUE);
}

/* An image dragged from another app arrives as a texture, and lands where it is dropped. */
static void
test_drop_texture (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GFile) first = make_image (f, "first.png", 3);
  g_autoptr(GFile) second = make_image (f, "second.png", 4);
  g_autoptr(GdkTexture) texture = make_texture (0xcc3333ff);
  GFile *files[2] = { first, second };
  g_auto(GValue) value = G_VALUE_INIT;
  graphene_rect_t bounds;

  chiaro_reference_tray_add_files (f->tray, files, 2);
  wait_idle (f);
  g_assert_cmpuint (n_references (f), ==, 2);
  g_assert_true (chiaro_test_wait_for_paint (f->window));

  /* On the left half of the second tile: between the two. */
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (get_child (f, 1)),
                                            GTK_WIDGET (f->tray), &bounds));
  g_value_init (&value, GDK_TYPE_TEXTURE);
  g_value_set_object (&value, texture);
  g_assert_true (emit_drop (f, &value, bounds.origin.x + 4,
                            bounds.origin.y + bounds.size.height / 2));
  wait_idle (f);

  g_assert_cmpuint (f->errors->len, ==, 0);
  g_assert_cmpuint (n_references (f), ==, 3);
  g_assert_cmpstr (chiaro_reference_get_display_name (get_reference (f, 0)), ==, "first.png");
  g_assert_cmpstr (chiaro_reference_get_mime_type (get_reference (f, 1)), ==, "image/png");
  g_assert_cmpint (chiaro_reference_get_width (get_reference (f, 1)), ==, 120);
  g_assert_cmpstr (chiaro_reference_get_display_name (get_reference (f, 2)), ==, "second.png");
  assert_stored (f, get_reference (f, 1));
}

/* What is typed under a thumbnail is the reference's label, and back. */
static void
test_label (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GFile) logo = make_image (f, "logo.png", 5);
  ChiaroReference *reference;
  GtkEditable *entry;

  add_file (f, logo);
  wait_idle (f);
  reference = get_reference (f, 0);
  entry = get_label_entry (get_tile (f, 0));

  g_assert_null (chiaro_reference_get_label (reference));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  g_assert_cmpstr (gtk_entry_get_placeholder_text (GTK_ENTRY (entry)), ==, "Label");

  gtk_editable_set_text (entry, "the logo");
  g_assert_cmpstr (chiaro_reference_get_label (reference), ==, "the logo");
  g_assert_true (chiaro_document_get_has_unsaved_changes (f->document));

  chiaro_reference_set_label (reference, "the bottle");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "the bottle");

  gtk_editable_set_text (entry, "  ");
  g_assert_null (chiaro_reference_get_label (reference));
}

static const char *
name_at (Fixture *f,
         guint    position)
{
  return chiaro_reference_get_display_name (get_reference (f, position));
}

static void
drop_tile_before (Fixture *f,
                  guint    from,
                  guint    before)
{
  g_auto(GValue) value = G_VALUE_INIT;
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (get_child (f, before)),
                                            GTK_WIDGET (f->tray), &bounds));
  g_value_init (&value, CHIARO_TYPE_REFERENCE);
  g_value_set_object (&value, get_reference (f, from));
  g_assert_true (emit_drop (f, &value, bounds.origin.x + 4,
                            bounds.origin.y + bounds.size.height / 2));
}

static gboolean
focus_is_on (Fixture *f,
             guint    position)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  return focus == GTK_WIDGET (get_child (f, position));
}

/* Reordered by dragging a tile, by the keyboard and the tile's menu; removed by its button
 * and by Delete. */
static void
test_reorder_remove (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GFile) a = make_image (f, "a.png", 6);
  g_autoptr(GFile) b = make_image (f, "b.png", 7);
  g_autoptr(GFile) c = make_image (f, "c.png", 8);
  g_autoptr(GFile) d = make_image (f, "d.png", 9);
  GFile *files[4] = { a, b, c, d };
  g_autoptr(ChiaroReference) removed = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  chiaro_reference_tray_add_files (f->tray, files, 4);
  wait_idle (f);
  g_assert_cmpuint (n_references (f), ==, 4);
  g_assert_true (chiaro_test_wait_for_paint (f->window));

  /* What a dragged tile carries: itself, and its stored file for other apps. */
  {
    GtkWidget *picture = chiaro_reference_tile_get_thumbnail (get_tile (f, 3));
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (picture);
    g_autoptr(GdkContentProvider) provider = NULL;
    g_autoptr(GdkContentFormats) formats = NULL;
    g_auto(GValue) file_value = G_VALUE_INIT;
    GtkDragSource *source = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_DRAG_SOURCE (controller))
          source = GTK_DRAG_SOURCE (controller);
      }
    g_assert_nonnull (source);
    g_signal_emit_by_name (source, "prepare", 10.0, 10.0, &provider);
    g_assert_nonnull (provider);
    formats = gdk_content_provider_ref_formats (provider);
    g_assert_true (gdk_content_formats_contain_gtype (formats, CHIARO_TYPE_REFERENCE));
    g_assert_true (gdk_content_formats_contain_gtype (formats, G_TYPE_FILE));
    g_value_init (&file_value, G_TYPE_FILE);
    g_assert_true (gdk_content_provider_get_value (provider, &file_value, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_query_exists (g_value_get_object (&file_value), NULL));
  }

  /* Dragging d before a. */
  drop_tile_before (f, 3, 0);
  g_assert_cmpstr (name_at (f, 0), ==, "d.png");
  g_assert_cmpstr (name_at (f, 1), ==, "a.png");
  g_assert_cmpstr (name_at (f, 3), ==, "c.png");
  g_assert_cmpuint (n_tiles (f), ==, 4);
  g_assert_true (chiaro_reference_tile_get_reference (get_tile (f, 0)) == get_reference (f, 0));

  /* Dragging d (now first) before c: it lands between b and c. */
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  drop_tile_before (f, 0, 3);
  g_assert_cmpstr (name_at (f, 0), ==, "a.png");
  g_assert_cmpstr (name_at (f, 1), ==, "b.png");
  g_assert_cmpstr (name_at (f, 2), ==, "d.png");
  g_assert_cmpstr (name_at (f, 3), ==, "c.png");

  /* A tile dropped past the last one goes to the end. */
  g_value_init (&value, CHIARO_TYPE_REFERENCE);
  g_value_set_object (&value, get_reference (f, 0));
  g_assert_true (drop_at_end (f, &value));
  g_assert_cmpstr (name_at (f, 3), ==, "a.png");
  g_assert_cmpstr (name_at (f, 0), ==, "b.png");

  /* Alt+Left and Alt+Right act on the focused tile, and the focus follows it. */
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  gtk_widget_grab_focus (GTK_WIDGET (get_child (f, 1)));      /* d */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tray), "tray.move-right", NULL));
  g_assert_cmpstr (name_at (f, 2), ==, "d.png");
  g_assert_true (focus_is_on (f, 2));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tray), "tray.move-left", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tray), "tray.move-left", NULL));
  g_assert_cmpstr (name_at (f, 0), ==, "d.png");
  g_assert_true (focus_is_on (f, 0));
  /* The first cannot go further left. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tray), "tray.move-left", NULL));
  g_assert_cmpstr (name_at (f, 0), ==, "d.png");

  /* From inside the label too. */
  gtk_widget_grab_focus (GTK_WIDGET (get_label_entry (get_tile (f, 0))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tray), "tray.move-right", NULL));
  g_assert_cmpstr (name_at (f, 1), ==, "d.png");

  /* The tile's menu. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_tile (f, 1)), "tile.move-left",
                                             NULL));
  g_assert_cmpstr (name_at (f, 0), ==, "d.png");
  g_assert_cmpstr (name_at (f, 1), ==, "b.png");
  g_assert_cmpstr (name_at (f, 2), ==, "c.png");
  g_assert_cmpstr (name_at (f, 3), ==, "a.png");

  /* The remove button. */
  removed = g_object_ref (get_reference (f, 1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_tile (f, 1)), "tile.remove", NULL));
  g_assert_cmpuint (n_references (f), ==, 3);
  g_assert_cmpuint (n_tiles (f), ==, 3);
  g_assert_null (chiaro_reference_list_find (get_references (f),
                                             chiaro_reference_get_hash (removed), NULL));
  g_assert_cmpstr (count_text (f), ==, "3 / 14");
  g_assert_true (focus_is_on (f, 1));

  /* Delete on a focused tile; in its label, Delete is the entry's. */
  gtk_widget_grab_focus (GTK_WIDGET (get_label_entry (get_tile (f, 1))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tray), "tray.remove", NULL));
  g_assert_cmpuint (n_references (f), ==, 3);
  gtk_widget_grab_focus (GTK_WIDGET (get_child (f, 1)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tray), "tray.remove", NULL));
  g_assert_cmpuint (n_references (f), ==, 2);
  g_assert_cmpstr (name_at (f, 0), ==, "d.png");
  g_assert_cmpstr (name_at (f, 1), ==, "a.png");

  g_assert_cmpuint (f->errors->len, ==, 0);
}

static const GError *
last_error (Fixture *f)
{
  g_assert_cmpuint (f->errors->len, >, 0);
  return g_ptr_array_index (f->errors, f->errors->len - 1);
}

/* Fourteen fit; the fifteenth is refused with a message naming it, and so are the images
 * that came with it. Then a model that takes fewer: nothing is dropped, the tray says so. */
static void
test_limit (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFile) extra = make_image (f, "fifteenth.png", 15);
  g_autoptr(GFile) extra2 = make_image (f, "sixteenth.png", 16);
  GFile *two[2] = { extra, extra2 };
  GtkWidget *warning = chiaro_reference_tray_get_limit_warning (f->tray);
  const GError *error;

  for (guint i = 0; i < 14; i++)
    {
      g_autofree char *name = g_strdup_printf ("image-%02u.png", i + 1);

      g_ptr_array_add (files, make_image (f, name, i));
    }
  chiaro_reference_tray_add_files (f->tray, (GFile **) files->pdata, files->len);
  wait_idle (f);
  g_assert_cmpuint (f->errors->len, ==, 0);
  g_assert_cmpuint (n_references (f), ==, 14);
  g_assert_cmpuint (n_tiles (f), ==, 14);
  g_assert_cmpstr (count_text (f), ==, "14 / 14");
  g_assert_false (gtk_widget_get_visible (warning));
  for (guint i = 0; i < 14; i++)
    {
      g_autofree char *name = g_strdup_printf ("image-%02u.png", i + 1);

      g_assert_cmpstr (name_at (f, i), ==, name);
    }
  screenshot (f, "reference-tray-full.png", FALSE);

  add_file (f, extra);
  wait_idle (f);
  g_assert_cmpuint (n_references (f), ==, 14);
  g_assert_cmpuint (f->errors->len, ==, 1);
  error = last_error (f);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_REFERENCES_FULL);
  g_assert_nonnull (strstr (error->message, "fifteenth.png"));
  g_assert_nonnull (strstr (error->message, "14"));
  g_test_message ("refused: %s", error->message);

  /* Two at once: one message for both. */
  chiaro_reference_tray_add_files (f->tray, two, 2);
  wait_idle (f);
  g_assert_cmpuint (f->errors->len, ==, 2);
  error = last_error (f);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_REFERENCES_FULL);
  g_assert_nonnull (strstr (error->message, "fifteenth.png"));
  g_assert_nonnull (strstr (error->message, "1 more image"));
  g_test_message ("refused: %s", error->message);

  /* The image store keeps nothing for them. */
  g_assert_cmpuint (n_references (f), ==, 14);

  /* The same image twice. */
  chiaro_reference_list_remove (get_references (f), 13);
  add_file (f, g_ptr_array_index (files, 0));
  wait_idle (f);
  g_assert_cmpuint (f->errors->len, ==, 3);
  error = last_error (f);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE);
  g_assert_nonnull (strstr (error->message, "image-01.png"));
  g_test_message ("refused: %s", error->message);
  g_assert_cmpuint (n_references (f), ==, 13);
  add_file (f, g_ptr_array_index (files, 13));
  wait_idle (f);
  g_assert_cmpuint (n_references (f), ==, 14);

  /* The Add button is off while the tray is full. */
  g_assert_false (gtk_widget_is_sensitive (chiaro_test_find_widget (GTK_WIDGET (f->tray),
                                                            GTK_TYPE_BUTTON)));

  /* A model that takes three. */
  chiaro_document_set_model_id (f->document, "gemini-2.5-flash-image");
  g_assert_cmpuint (chiaro_reference_list_get_limit (get_references (f)), ==, 3);
  g_assert_cmpuint (n_references (f), ==, 14);
  g_assert_cmpstr (count_text (f), ==, "14 / 3");
  g_assert_true (gtk_widget_get_visible (warning));
  g_assert_nonnull (chiaro_test_find_label (warning, "at most 3 reference images"));
  g_assert_nonnull (chiaro_test_find_label (warning, "Remove 11 before sending"));
  screenshot (f, "reference-tray-over-limit.png", FALSE);

  /* Back under the limit. */
  while (n_references (f) > 3)
    chiaro_reference_list_remove (get_references (f), 0);
  g_assert_cmpstr (count_text (f), ==, "3 / 3");
  g_assert_false (gtk_widget_get_visible (warning));
}

/* A text file named .png is refused with its name, and nothing is added. */
static void
test_bad_file (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->path, "notes.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = NULL;
  g_autofree char *missing_path = g_build_filename (f->path, "gone.jpg", NULL);
  const GError *error;

  g_assert_true (g_file_set_contents (path, "shopping list: milk, eggs\n", -1, NULL));
  drop_files (f, file);
  wait_idle (f);

  g_assert_cmpuint (n_references (f), ==, 0);
  g_assert_cmpuint (f->errors->len, ==, 1);
  error = last_error (f);
  g_assert_true (error->domain == CHIARO_CODEC_ERROR);
  g_assert_nonnull (strstr (error->message, "notes.png"));
  g_test_message ("refused: %s", error->message);
  g_assert_cmpstr (count_text (f), ==, "0 / 14");

  missing = g_file_new_for_path (missing_path);
  add_file (f, missing);
  wait_idle (f);
  g_assert_cmpuint (f->errors->len, ==, 2);
  g_assert_nonnull (strstr (last_error (f)->message, "gone.jpg"));
  g_test_message ("refused: %s", last_error (f)->message);

  /* Text on the clipboard is no image. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (f->tray)), "not an image");
  chiaro_reference_tray_paste (f->tray);
  wait_idle (f);
  g_assert_cmpuint (f->errors->len, ==, 3);
  g_assert_nonnull (strstr (last_error (f)->message, "clipboard"));
  g_assert_cmpuint (n_references (f), ==, 0);
}

/* The planner had to change an image: the tile carries a mark saying why. */
static void
test_plan_note (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GFile) big = make_image (f, "poster.png", 10);
  g_autoptr(GFile) small = make_image (f, "logo.png", 11);
  GFile *files[2] = { big, small };
  const char *note = "Downscaled to 2048 × 1365: larger than the model takes";
  GtkWidget *icon;

  chiaro_reference_tray_add_files (f->tray, files, 2);
  wait_idle (f);
  icon = get_plan_note_icon (get_tile (f, 0));
  g_assert_false (gtk_widget_get_visible (icon));
  g_assert_false (gtk_widget_get_visible (get_plan_note_icon (get_tile (f, 1))));

  chiaro_reference_set_label (get_reference (f, 0), "the poster");
  chiaro_reference_set_label (get_reference (f, 1), "the logo");
  chiaro_reference_set_plan_note (get_reference (f, 0), note);
  g_assert_true (gtk_widget_get_visible (icon));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (icon), ==, note);
  g_assert_false (gtk_widget_get_visible (get_plan_note_icon (get_tile (f, 1))));
  screenshot (f, "reference-tray-plan-note.png", FALSE);
  screenshot (f, "reference-tray-plan-note-dark.png", TRUE);

  chiaro_reference_set_plan_note (get_reference (f, 0), NULL);
  g_assert_false (gtk_widget_get_visible (icon));
}

/* Another document's tray replaces the first's; no document, no tiles. */
static void
test_document_change (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GFile) a = make_image (f, "a.png", 12);
  g_autoptr(ChiaroDocument) other = chiaro_document_new (
    chiaro_application_get_catalog (application));

  add_file (f, a);
  wait_idle (f);
  g_assert_cmpuint (n_tiles (f), ==, 1);

  chiaro_reference_tray_set_document (f->tray, other);
  g_assert_cmpuint (n_tiles (f), ==, 0);
  g_assert_cmpstr (count_text (f), ==, "0 / 14");
  chiaro_reference_tray_set_document (f->tray, NULL);
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (f->tray), "tray.paste", NULL) &&
                  chiaro_reference_tray_get_busy (f->tray));
  chiaro_reference_tray_set_document (f->tray, f->document);
  g_assert_cmpuint (n_tiles (f), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ChiaroApplication) app = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  app = chiaro_test_create_application ();
  if (app == NULL)
    return 0;
  application = app;

#define ADD(path, func) \
  g_test_add ("/chiaro/reference-tray/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("add", test_add);
  ADD ("drop-texture", test_drop_texture);
  ADD ("label", test_label);
  ADD ("reorder-remove", test_reorder_remove);
  ADD ("limit", test_limit);
  ADD ("bad-file", test_bad_file);
  ADD ("plan-note", test_plan_note);
  ADD ("document-change", test_document_change);

#undef ADD

  status = g_test_run ();
  application = NULL;
  return status;
}
