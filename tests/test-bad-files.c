/* test-bad-files.c — every fixture image and every kind of broken file, opened in a real
 * window as the photo and added to its tray
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7, bad files: each file is opened with chiaro_window_open_file and added with the
 * tray's add; a file that cannot be used gives a toast naming it (its display name, invalid
 * UTF-8 replaced) and changes nothing; a usable one is shown or added. A header declaring
 * 100 000 × 100 000 (and one of 20 000 × 20 000, which would fit in memory) costs no memory.
 * What each file should give is known beforehand, or, for libpng's crashers, worked out here
 * by decoding it completely: one that decodes is shown and added, one that does not is
 * refused, even when its header is sound (the tray used to take those without decoding).
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "chiaro-application.h"
#include "chiaro-canvas.h"
#include "chiaro-document.h"
#include "chiaro-image.h"
#include "chiaro-reference-list.h"
#include "chiaro-reference.h"
#include "chiaro-reference-tray.h"
#include "chiaro-window.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"

typedef enum {
  EXPECT_REFUSED,
  EXPECT_SHOWN,
} Expect;

typedef struct
{
  char *path;             /* in the file system's encoding */
  Expect expect;
  gboolean unreadable;    /* read as the unprivileged user (root reads anything) */
} Case;

static ChiaroApplication *application;

static void
case_free (gpointer data)
{
  Case *c = data;

  g_free (c->path);
  g_free (c);
}

static void
add_case (GPtrArray  *cases,
          const char *path,
          Expect      expect)
{
  Case *c = g_new0 (Case, 1);

  c->path = g_strdup (path);
  c->expect = expect;
  g_ptr_array_add (cases, c);
}

static guint32
png_crc (const guint8 *data,
         gsize         size)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < size; i++)
    {
      crc ^= data[i];
      for (guint bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }

  return crc ^ 0xffffffff;
}

static void
put_be32 (GByteArray *array,
          guint32     value)
{
  guint8 be[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (array, be, 4);
}

static void
append_png_chunk (GByteArray   *png,
                  const char   *type,
                  const guint8 *data,
                  guint32       size)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  g_byte_array_append (body, (const guint8 *) type, 4);
  g_byte_array_append (body, data, size);
  put_be32 (png, size);
  g_byte_array_append (png, body->data, body->len);
  put_be32 (png, png_crc (body->data, body->len));
}

/* A whole PNG (IEND included) whose IHDR declares @width × @height RGBA pixels. */
static void
write_png_declaring (const char *path,
                     guint32     width,
                     guint32     height)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GByteArray) ihdr = g_byte_array_new ();
  static const guint8 tail[] = { 8, 6, 0, 0, 0 };
  static const guint8 idat[] = { 0x78, 0x9c, 0x62, 0x60 };

  put_be32 (ihdr, width);
  put_be32 (ihdr, height);
  g_byte_array_append (ihdr, tail, sizeof tail);
  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  append_png_chunk (png, "IHDR", ihdr->data, ihdr->len);
  append_png_chunk (png, "IDAT", idat, sizeof idat);
  append_png_chunk (png, "IEND", NULL, 0);
  g_assert_true (g_file_set_contents (path, (const char *) png->data, png->len, NULL));
}

static void
write_half (const char *path,
            const char *data,
            gsize       size)
{
  g_assert_true (g_file_set_contents (path, data, size / 2, NULL));
}

/* The generated cases, in @dir (made readable to the unprivileged user). */
static void
add_generated_cases (GPtrArray  *cases,
                     const char *dir)
{
  g_autofree char *png_path = chiaro_test_fixture_path ("images", "pngsuite", "basn2c08.png", NULL);
  g_autofree char *jpeg_path = chiaro_test_fixture_path ("images", "exif-orientation",
                                                         "Landscape_1.jpg", NULL);
  g_autofree char *png = NULL, *jpeg = NULL, *webp = NULL;
  gsize png_size, jpeg_size, webp_size;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  g_autoptr(GError) error = NULL;
  char *path;
  Case *c;

  g_assert_true (g_file_get_contents (png_path, &png, &png_size, NULL));
  g_assert_true (g_file_get_contents (jpeg_path, &jpeg, &jpeg_size, NULL));
  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &webp, &webp_size, "webp", &error, NULL));
  g_assert_no_error (error);

#define GEN(name) (path = g_build_filename (dir, name, NULL))
  /* Memory first: ru_maxrss is a high-water mark. */
  write_png_declaring (GEN ("huge-100000.png"), 100000, 100000);
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  write_png_declaring (GEN ("huge-20000.png"), 20000, 20000);
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  write_half (GEN ("truncated.png"), png, png_size);
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  write_half (GEN ("truncated.jpg"), jpeg, jpeg_size);
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  write_half (GEN ("truncated.webp"), webp, webp_size);
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  g_assert_true (g_file_set_contents (GEN ("whole.webp"), webp, webp_size, NULL));
  add_case (cases, path, EXPECT_SHOWN); g_free (path);
  g_assert_true (g_file_set_contents (GEN ("empty.png"), "", 0, NULL));
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  g_assert_true (g_file_set_contents (GEN ("notes.png"), "shopping list: milk\n", -1, NULL));
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  g_assert_cmpint (g_mkdir (GEN ("folder.png"), 0755), ==, 0);
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  g_assert_cmpint (symlink ("nowhere.png", GEN ("dangling.png")), ==, 0);
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  /* Names that are not UTF-8 (Latin-1 "é", and bytes no encoding has). */
  g_assert_true (g_file_set_contents (GEN ("caf\xe9-notes.png"), "not an image", -1, NULL));
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  g_assert_true (g_file_set_contents (GEN ("bad-\xff\xfe.png"), png, png_size / 3, NULL));
  add_case (cases, path, EXPECT_REFUSED); g_free (path);
  g_assert_true (g_file_set_contents (GEN ("good-\xff.png"), png, png_size, NULL));
  add_case (cases, path, EXPECT_SHOWN); g_free (path);
  /* A file and an image nobody may read. */
  g_assert_true (g_file_set_contents (GEN ("locked.jpg"), jpeg, jpeg_size, NULL));
  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  add_case (cases, path, EXPECT_REFUSED);
  c = g_ptr_array_index (cases, cases->len - 1);
  c->unreadable = TRUE;
  g_free (path);
#undef GEN
}

/* The truth about a fixture: whether its header is sound, and whether it decodes whole. */
static Expect
decode_completely (const char *path,
                   gboolean   *header_is_sound)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  image = chiaro_image_new_from_file (file, NULL, NULL);
  *header_is_sound = image != NULL;
  if (image != NULL)
    pixbuf = chiaro_image_decode (image, NULL, NULL);

  return pixbuf != NULL ? EXPECT_SHOWN : EXPECT_REFUSED;
}

static void
add_fixture_cases (GPtrArray *cases)
{
  static const char *folders[] = { "exif-orientation", "pngsuite", "png-crashers" };
  guint n = 0, sound_header_undecodable = 0;

  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autofree char *folder = g_build_filename ("images", folders[f], NULL);
      g_auto(GStrv) paths = chiaro_test_list_fixtures (folder, "");

      for (guint i = 0; paths[i] != NULL; i++)
        {
          g_autofree char *name = g_path_get_basename (paths[i]);
          gboolean header_is_sound;
          Expect expect, decodes;

          if (!g_str_has_suffix (name, ".png") && !g_str_has_suffix (name, ".jpg"))
            continue;
          decodes = decode_completely (paths[i], &header_is_sound);
          if (f == 2)
            expect = decodes;
          else if (f == 1 && name[0] == 'x')
            expect = EXPECT_REFUSED;   /* PngSuite's corrupted files */
          else
            expect = EXPECT_SHOWN;
          /* The decoder agrees with what is known of the other fixtures. */
          g_assert_cmpint (decodes, ==, expect);
          if (header_is_sound && decodes == EXPECT_REFUSED)
            sound_header_undecodable++;
          add_case (cases, paths[i], expect);
          n++;
        }
    }

  /* The fixture folders as DESIGN lists them: none is silently missing. */
  g_assert_cmpuint (n, >=, 90);
  /* Files only a decode can refuse are among them. */
  g_test_message ("%u fixtures have a sound header but do not decode", sound_header_undecodable);
  g_assert_cmpuint (sound_header_undecodable, >=, 1);
}

static glong
peak_rss_kib (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

static gboolean
window_is_idle (gpointer user_data)
{
  return !chiaro_window_get_loading (CHIARO_WINDOW (user_data));
}

static gboolean
tray_is_idle (gpointer user_data)
{
  return !chiaro_reference_tray_get_busy (CHIARO_REFERENCE_TRAY (user_data));
}

static void
on_tray_error (ChiaroReferenceTray *tray,
               const GError        *error,
               GPtrArray           *messages)
{
  g_ptr_array_add (messages, g_strdup (error->message));
}

/* Reading as the unprivileged user, for the one case that needs it: seteuid applies to
 * every thread, so the window's workers read as that user too. */
static gboolean
become_unprivileged (const Case *c)
{
  if (!c->unreadable || geteuid () != 0)
    return FALSE;

  g_assert_cmpint (seteuid (CHIARO_TEST_UNPRIVILEGED_ID), ==, 0);
  return TRUE;
}

static void
become_root (gboolean was_unprivileged)
{
  if (was_unprivileged)
    g_assert_cmpint (seteuid (0), ==, 0);
}

/* A toast naming the file is on screen, outside the window's pages. */
static void
assert_toast_names (ChiaroWindow *window,
                    const char   *display_name)
{
  GtkWidget *label = chiaro_test_find_label (GTK_WIDGET (window), display_name);

  if (label == NULL)
    g_error ("no message names “%s”", display_name);
  g_assert_true (gtk_widget_get_ancestor (label, GTK_TYPE_STACK) == NULL);
}

static gboolean
is_saved (gpointer user_data)
{
  return !chiaro_document_get_has_unsaved_changes (user_data);
}

/* A reference named by a file whose name is not UTF-8 is saved under its display name: the
 * project file stays UTF-8 (JSON) and loads again. */
static void
assert_saved_as_utf8 (ChiaroDocument *document,
                      const char     *display_name)
{
  g_autoptr(GFile) file = g_file_get_child (chiaro_document_get_dir (document), "project.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize size;

  g_assert_true (chiaro_test_wait_until (is_saved, document, 30));
  g_assert_true (g_file_load_contents (file, NULL, &contents, &size, NULL, NULL));
  g_assert_true (g_utf8_validate (contents, size, NULL));
  g_assert_nonnull (strstr (contents, display_name));
  json_parser_load_from_data (parser, contents, size, &error);
  g_assert_no_error (error);
}

static void
test_bad_files (void)
{
  g_autofree char *dir = chiaro_test_data_path ("bad-files");
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (case_free);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *good = chiaro_test_fixture_path ("images", "exif-orientation",
                                                    "Portrait_1.jpg", NULL);
  g_autoptr(GFile) good_file = g_file_new_for_path (good);
  ChiaroWindow *window;
  ChiaroReferenceTray *tray;
  ChiaroReferenceList *references;
  guint refused = 0, shown = 0;

  chiaro_test_remove_tree (dir);
  chiaro_test_make_dir_for_unprivileged (dir);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  add_generated_cases (cases, dir);
  add_fixture_cases (cases);

  window = g_object_ref (chiaro_window_new (application));
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 680);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));

  for (guint i = 0; i < cases->len; i++)
    {
      const Case *c = g_ptr_array_index (cases, i);
      g_autoptr(GFile) file = g_file_new_for_path (c->path);
      g_autofree char *display_name = g_filename_display_basename (c->path);
      g_autoptr(GdkTexture) before = NULL;
      GdkTexture *after;
      ChiaroDocument *document_before;
      glong rss_before = peak_rss_kib ();
      gboolean unprivileged;

      before = chiaro_canvas_get_texture (chiaro_window_get_canvas (window));
      if (before != NULL)
        g_object_ref (before);
      document_before = chiaro_window_get_document (window);

      unprivileged = become_unprivileged (c);
      chiaro_window_open_file (window, file);
      g_assert_true (chiaro_test_wait_until (window_is_idle, window, 60));
      become_root (unprivileged);
      g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
      after = chiaro_canvas_get_texture (chiaro_window_get_canvas (window));

      /* No file may make the window grow by more than a decoded fixture's worth. */
      if (g_str_has_prefix (display_name, "huge-"))
        g_assert_cmpint (peak_rss_kib () - rss_before, <, 32 * 1024);

      if (after == before)
        {
          g_assert_cmpint (c->expect, !=, EXPECT_SHOWN);
          g_assert_true (chiaro_window_get_document (window) == document_before);
          assert_toast_names (window, display_name);
          refused++;
        }
      else
        {
          if (c->expect == EXPECT_REFUSED)
            g_error ("%s was opened", display_name);
          g_assert_nonnull (after);
          /* Named after the file without its image extension; GIO adds
           * " (invalid encoding)" to a name that is not UTF-8. */
          {
            g_autofree char *project = chiaro_image_strip_extension (display_name);

            g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)),
                                             project));
          }
          shown++;
        }
    }
  g_test_message ("as the photo: %u refused, %u shown", refused, shown);
  g_assert_cmpuint (refused, >=, 25);

  /* The tray of a project: every file again as a reference. */
  if (chiaro_window_get_document (window) == NULL)
    {
      chiaro_window_open_file (window, good_file);
      g_assert_true (chiaro_test_wait_until (window_is_idle, window, 60));
    }
  tray = CHIARO_REFERENCE_TRAY (chiaro_test_find_widget (GTK_WIDGET (window),
                                                     CHIARO_TYPE_REFERENCE_TRAY));
  g_assert_nonnull (tray);
  references = chiaro_document_get_references (chiaro_window_get_document (window));
  g_signal_connect (tray, "error", G_CALLBACK (on_tray_error), messages);
  refused = shown = 0;

  for (guint i = 0; i < cases->len; i++)
    {
      const Case *c = g_ptr_array_index (cases, i);
      g_autoptr(GFile) file = g_file_new_for_path (c->path);
      g_autofree char *display_name = g_filename_display_basename (c->path);
      guint n_messages = messages->len;
      glong rss_before = peak_rss_kib ();
      gboolean unprivileged;

      unprivileged = become_unprivileged (c);
      chiaro_reference_tray_add_files (tray, &file, 1);
      g_assert_true (chiaro_test_wait_until (tray_is_idle, tray, 60));
      become_root (unprivileged);

      if (g_str_has_prefix (display_name, "huge-"))
        g_assert_cmpint (peak_rss_kib () - rss_before, <, 32 * 1024);

      if (g_list_model_get_n_items (G_LIST_MODEL (references)) == 0)
        {
          g_assert_cmpint (c->expect, !=, EXPECT_SHOWN);
          g_assert_cmpuint (messages->len, ==, n_messages + 1);
          if (strstr (g_ptr_array_index (messages, n_messages), display_name) == NULL)
            g_error ("“%s” does not name %s", (char *) g_ptr_array_index (messages, n_messages),
                     display_name);
          g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
          assert_toast_names (window, display_name);
          refused++;
        }
      else
        {
          ChiaroReference *reference = g_list_model_get_item (G_LIST_MODEL (references), 0);

          if (c->expect == EXPECT_REFUSED)
            g_error ("%s was added to the tray", display_name);
          g_assert_cmpuint (messages->len, ==, n_messages);
          /* Checked by a decode, which made its thumbnail at once. */
          g_assert_nonnull (chiaro_reference_get_thumbnail (reference));
          g_object_unref (reference);
          if (!g_utf8_validate (c->path, -1, NULL))
            assert_saved_as_utf8 (chiaro_window_get_document (window), display_name);
          chiaro_reference_list_remove_all (references);
          shown++;
        }
    }
  g_test_message ("as a reference: %u refused, %u added", refused, shown);
  g_assert_cmpuint (refused, >=, 25);

  chiaro_test_save_screenshot (GTK_WIDGET (window), "bad-files-toast.png");
  g_signal_handlers_disconnect_by_func (tray, on_tray_error, messages);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  chiaro_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("CHIARO_API_KEY", "test-key", TRUE);

  if (!(application = chiaro_test_create_application ()))
    return 0;

  g_test_add_func ("/chiaro/ui/bad-files/window-and-tray", test_bad_files);

  status = g_test_run ();
  g_clear_object (&application);
  return status;
}
