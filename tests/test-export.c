/* test-export.c — exported files: formats, sizes, names, provenance metadata, comparison
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Entries come from real sends to the mock server; every file written is read back: its
 * type and pixel size with gdk-pixbuf, its metadata with gexiv2, its bytes searched for the
 * API key and the project's path.
 */

#include "config.h"

#include <gexiv2/gexiv2.h>
#include <glib/gstdio.h>
#include <string.h>

#include "chiaro-export.h"
#include "chiaro-test-document.h"
#include "chiaro-test-util.h"

#define KEY "export-test-key-5f2b"
#define PHOTO "Landscape_1.jpg"

typedef struct
{
  ChiaroTestGemini  gemini;
  char             *path;
  GFile            *dir;
  char             *out;      /* where exports go */
  GFile            *out_dir;
  ChiaroDocument   *document;
} Fixture;

static ChiaroHistoryEntry *
send_prompt (ChiaroDocument *document,
             const char     *prompt)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroSend) send = NULL;

  chiaro_document_set_prompt (document, prompt);
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  send = chiaro_document_send_finish (document, result, &error);
  g_assert_no_error (error);
  return g_ptr_array_index (chiaro_send_get_entries (send), 0);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *project = NULL;

  f->path = chiaro_test_clean_data_path ();
  project = g_build_filename (f->path, "project", NULL);
  f->out = g_build_filename (f->path, "out", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->out, 0700), ==, 0);
  f->out_dir = g_file_new_for_path (f->out);
  chiaro_test_gemini_init (&f->gemini, KEY, 1);
  f->dir = g_file_new_for_path (project);
  f->document = chiaro_test_open_document (f->dir, CHIARO_DOCUMENT_OPEN_CREATE,
                                           f->gemini.catalog, &error);
  g_assert_no_error (error);
  chiaro_document_set_provider (f->document, f->gemini.provider, "gemini");
  chiaro_document_set_autosave_delay (f->document, 60000);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  chiaro_test_close_document (f->document);
  g_clear_object (&f->document);
  g_clear_object (&f->dir);
  g_clear_object (&f->out_dir);
  chiaro_test_gemini_clear (&f->gemini);
  chiaro_test_remove_tree (f->path);
  g_free (f->path);
  g_free (f->out);
}

static void
set_root_photo (Fixture *f)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);

  chiaro_test_set_root_image (f->document, photo, PHOTO);
}

static gboolean
export_entry (Fixture                    *f,
              ChiaroHistoryEntry         *entry,
              GFile                      *dest,
              const ChiaroExportSettings *settings,
              ChiaroExportFlags           flags,
              GError                    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_export_entry_async (chiaro_document_get_images (f->document), entry, dest, settings,
                             flags, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  return chiaro_export_entry_finish (result, error);
}

static gboolean
bytes_contain (GBytes     *bytes,
               const char *needle)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  gsize length = strlen (needle);

  for (gsize i = 0; length <= size && i <= size - length; i++)
    if (memcmp (data + i, needle, length) == 0)
      return TRUE;
  return FALSE;
}

/* Neither the key nor any local path is in the file. */
static void
assert_nothing_private (Fixture    *f,
                        const char *path)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize size;

  g_assert_true (g_file_get_contents (path, &contents, &size, &error));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), size);
  g_assert_false (bytes_contain (bytes, KEY));
  g_assert_false (bytes_contain (bytes, f->path));
  g_assert_false (bytes_contain (bytes, g_get_home_dir ()));
  g_assert_false (bytes_contain (bytes, "/images/"));
}

static void
assert_file_type (const char *path,
                  const char *mime_type,
                  int         width,
                  int         height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);

  image = chiaro_image_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chiaro_image_get_mime_type (image), ==, mime_type);
  g_assert_cmpint (chiaro_image_get_width (image), ==, width);
  g_assert_cmpint (chiaro_image_get_height (image), ==, height);
}

static GExiv2Metadata *
read_metadata (const char *path)
{
  g_autoptr(GExiv2Metadata) metadata = gexiv2_metadata_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (gexiv2_metadata_open_path (metadata, path, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&metadata);
}

static char *
get_tag (GExiv2Metadata *metadata,
         const char     *tag)
{
  return gexiv2_metadata_try_get_tag_string (metadata, tag, NULL);
}

static void
assert_no_metadata (const char *path)
{
  g_autoptr(GExiv2Metadata) metadata = read_metadata (path);
  g_auto(GStrv) exif = gexiv2_metadata_get_exif_tags (metadata);
  g_auto(GStrv) xmp = gexiv2_metadata_get_xmp_tags (metadata);
  g_auto(GStrv) iptc = gexiv2_metadata_get_iptc_tags (metadata);

  g_assert_cmpuint (g_strv_length (exif), ==, 0);
  g_assert_cmpuint (g_strv_length (xmp), ==, 0);
  g_assert_cmpuint (g_strv_length (iptc), ==, 0);
}

/* Two edits of a photo, exported in each format with and without metadata. */
static void
test_formats_and_metadata (Fixture       *f,
                           gconstpointer  data)
{
  static const ChiaroExportFormat formats[] = {
    CHIARO_EXPORT_FORMAT_PNG, CHIARO_EXPORT_FORMAT_JPEG, CHIARO_EXPORT_FORMAT_WEBP,
  };
  static const char * const mime_types[] = { "image/png", "image/jpeg", "image/webp" };
  g_autoptr(ChiaroExportSettings) settings = chiaro_export_settings_new ();
  ChiaroHistoryEntry *first, *second, *root;
  g_autofree char *expected = NULL;
  int width, height;

  set_root_photo (f);
  root = chiaro_history_get_root (chiaro_document_get_history (f->document));
  first = send_prompt (f->document, "Make it autumn");
  second = send_prompt (f->document, "Add a red kite in the sky");
  g_assert_true (chiaro_history_entry_get_parent (second) == first);
  width = chiaro_history_entry_get_width (second);
  height = chiaro_history_entry_get_height (second);
  expected = g_strdup_printf ("1. Make it autumn\n2. Add a red kite in the sky\nModel: %s",
                              chiaro_document_get_model_id (f->document));

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("with.%s",
                                               chiaro_export_format_get_extension (formats[i]));
      g_autofree char *bare_name = g_strdup_printf ("bare.%s",
                                                    chiaro_export_format_get_extension (formats[i]));
      g_autoptr(GFile) dest = g_file_get_child (f->out_dir, name);
      g_autoptr(GFile) bare = g_file_get_child (f->out_dir, bare_name);
      g_autofree char *path = g_file_get_path (dest);
      g_autofree char *bare_path = g_file_get_path (bare);
      g_autoptr(GExiv2Metadata) metadata = NULL;
      g_autofree char *description = NULL;
      g_autofree char *source = NULL;
      g_autofree char *tool = NULL;
      g_autofree char *model = NULL;

      settings->format = formats[i];
      settings->quality = 80;
      settings->metadata = TRUE;
      g_assert_true (export_entry (f, second, dest, settings, CHIARO_EXPORT_NONE, &error));
      g_assert_no_error (error);
      assert_file_type (path, mime_types[i], width, height);
      assert_nothing_private (f, path);

      metadata = read_metadata (path);
      description = get_tag (metadata, "Xmp.dc.description");
      g_assert_nonnull (description);
      g_assert_nonnull (strstr (description, expected));
      source = get_tag (metadata, "Xmp.iptcExt.DigitalSourceType");
      g_assert_cmpstr (source, ==, CHIARO_DIGITAL_SOURCE_EDITED);
      tool = get_tag (metadata, "Xmp.xmp.CreatorTool");
      g_assert_cmpstr (tool, ==, "Chiaro " PACKAGE_VERSION);
      model = get_tag (metadata, "Xmp.iptcExt.AISystemUsed");
      g_assert_cmpstr (model, ==, chiaro_document_get_model_id (f->document));

      /* Metadata off: none at all. */
      settings->metadata = FALSE;
      g_assert_true (export_entry (f, second, bare, settings, CHIARO_EXPORT_NONE, &error));
      g_assert_no_error (error);
      assert_file_type (bare_path, mime_types[i], width, height);
      assert_no_metadata (bare_path);
      assert_nothing_private (f, bare_path);
    }

  /* The photo carried EXIF. Exported it carries none: without metadata nothing at all, and
   * with metadata nothing either, since the photo as opened has no provenance to state. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *photo_path = chiaro_test_fixture_path ("images", "exif-orientation", PHOTO,
                                                            NULL);
    g_autoptr(GExiv2Metadata) original = read_metadata (photo_path);
    g_auto(GStrv) exif = gexiv2_metadata_get_exif_tags (original);

    g_assert_cmpuint (g_strv_length (exif), >, 0);
    for (guint j = 0; j < 2; j++)
      {
        g_autoptr(GFile) dest = g_file_get_child (f->out_dir, j == 0 ? "photo.jpg"
                                                                     : "photo-with.jpg");
        g_autofree char *path = g_file_get_path (dest);

        settings->format = CHIARO_EXPORT_FORMAT_JPEG;
        settings->metadata = j == 1;
        g_assert_true (export_entry (f, root, dest, settings, CHIARO_EXPORT_NONE, &error));
        g_assert_no_error (error);
        assert_no_metadata (path);
      }
  }
}

/* An image made from nothing is trainedAlgorithmicMedia. */
static void
test_generated_source_type (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(ChiaroExportSettings) settings = chiaro_export_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dest = g_file_get_child (f->out_dir, "made.png");
  g_autofree char *path = g_file_get_path (dest);
  g_autoptr(GExiv2Metadata) metadata = NULL;
  g_autofree char *source = NULL;
  g_autofree char *description = NULL;
  ChiaroHistoryEntry *entry;

  entry = send_prompt (f->document, "A lighthouse at dawn");
  g_assert_true (export_entry (f, entry, dest, settings, CHIARO_EXPORT_NONE, &error));
  g_assert_no_error (error);
  metadata = read_metadata (path);
  source = get_tag (metadata, "Xmp.iptcExt.DigitalSourceType");
  g_assert_cmpstr (source, ==, CHIARO_DIGITAL_SOURCE_GENERATED);
  description = get_tag (metadata, "Xmp.dc.description");
  g_assert_nonnull (strstr (description, "1. A lighthouse at dawn\nModel: "));
  assert_nothing_private (f, path);
}

/* Resizing never enlarges; a single export never replaces a file unless asked. */
static void
test_resize_and_overwrite (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(ChiaroExportSettings) settings = chiaro_export_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) small = g_file_get_child (f->out_dir, "small.png");
  g_autoptr(GFile) large = g_file_get_child (f->out_dir, "large.png");
  g_autofree char *small_path = g_file_get_path (small);
  g_autofree char *large_path = g_file_get_path (large);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) missing_dir = g_file_new_build_filename (f->out, "no", "such", "x.png", NULL);
  ChiaroHistoryEntry *entry;
  int width, height;

  entry = send_prompt (f->document, "A wide beach");
  width = chiaro_history_entry_get_width (entry);
  height = chiaro_history_entry_get_height (entry);
  g_assert_cmpint (width, >, 300);

  settings->long_side = 300;
  g_assert_true (export_entry (f, entry, small, settings, CHIARO_EXPORT_NONE, &error));
  g_assert_no_error (error);
  if (width >= height)
    assert_file_type (small_path, "image/png", 300, (int) (height * 300.0 / width + 0.5));
  else
    assert_file_type (small_path, "image/png", (int) (width * 300.0 / height + 0.5), 300);

  settings->long_side = 100000;
  g_assert_true (export_entry (f, entry, large, settings, CHIARO_EXPORT_NONE, &error));
  g_assert_no_error (error);
  assert_file_type (large_path, "image/png", width, height);

  /* The existing file stays as it was. */
  g_assert_true (g_file_set_contents (small_path, "keep me", -1, NULL));
  settings->long_side = 0;
  g_assert_false (export_entry (f, entry, small, settings, CHIARO_EXPORT_NONE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (small_path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_assert_true (export_entry (f, entry, small, settings, CHIARO_EXPORT_OVERWRITE, &error));
  g_assert_no_error (error);
  assert_file_type (small_path, "image/png", width, height);

  /* A folder that does not exist; the root of an empty project has no image. */
  g_assert_false (export_entry (f, entry, missing_dir, settings, CHIARO_EXPORT_NONE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (export_entry (f, chiaro_history_get_root (chiaro_document_get_history
                                                            (f->document)),
                                small, settings, CHIARO_EXPORT_OVERWRITE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_template (void)
{
  struct {
    const char *name_template, *project, *ratio;
    guint n;
    ChiaroExportFormat format;
    const char *expected;
  } cases[] = {
    { NULL, "Launch", "9:16", 3, CHIARO_EXPORT_FORMAT_PNG, "Launch-9x16-3.png" },
    { "{project}-{ratio}-{n}.{ext}", "Spring/Sale", "21:9", 1, CHIARO_EXPORT_FORMAT_JPEG,
      "Spring-Sale-21x9-1.jpg" },
    { "{n}_{model}_{entry}.{ext}", "x", NULL, 12, CHIARO_EXPORT_FORMAT_WEBP,
      "12_gemini-x_abc.webp" },
    { "../{project}.{ext}", "p", "1:1", 1, CHIARO_EXPORT_FORMAT_PNG, "-p.png" },
    { "{ratio}", "p", NULL, 1, CHIARO_EXPORT_FORMAT_PNG, "auto" },
    { ".{unknown}", "p", NULL, 1, CHIARO_EXPORT_FORMAT_PNG, "{unknown}" },
    { "...", "p", NULL, 1, CHIARO_EXPORT_FORMAT_PNG, "image" },
    /* A project once named after its photo's file: the extension left out. */
    { NULL, "Landscape_1.jpg", "1:1", 1, CHIARO_EXPORT_FORMAT_JPEG, "Landscape_1-1x1-1.jpg" },
    { NULL, "Scan.PNG", "4:5", 2, CHIARO_EXPORT_FORMAT_PNG, "Scan-4x5-2.png" },
    { NULL, "Release v1.2", "1:1", 1, CHIARO_EXPORT_FORMAT_PNG, "Release v1.2-1x1-1.png" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name =
        chiaro_export_expand_template (cases[i].name_template, cases[i].project, cases[i].ratio,
                                       cases[i].n, "abc", "gemini-x", cases[i].format);

      g_assert_cmpstr (name, ==, cases[i].expected);
    }
}

static void
test_formats (void)
{
  ChiaroExportFormat format;

  g_assert_true (chiaro_export_format_from_string ("JPG", &format));
  g_assert_cmpint (format, ==, CHIARO_EXPORT_FORMAT_JPEG);
  g_assert_true (chiaro_export_format_from_string ("webp", &format));
  g_assert_cmpint (format, ==, CHIARO_EXPORT_FORMAT_WEBP);
  g_assert_true (chiaro_export_format_from_string ("png", &format));
  g_assert_cmpint (format, ==, CHIARO_EXPORT_FORMAT_PNG);
  g_assert_false (chiaro_export_format_from_string ("gif", &format));
  g_assert_false (chiaro_export_format_from_string (NULL, &format));
  g_assert_cmpstr (chiaro_export_format_get_mime_type (CHIARO_EXPORT_FORMAT_WEBP), ==,
                   "image/webp");
}

/* Before and after, side by side at one height, labelled below. */
static void
test_comparison (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) before = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(GBytes) after = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroExportSettings) settings = chiaro_export_settings_new ();
  g_autoptr(ChiaroImage) after_image = chiaro_image_new_from_bytes (after, PHOTO, NULL);
  g_autoptr(GFile) dest = g_file_get_child (f->out_dir, "review.png");
  g_autofree char *path = g_file_get_path (dest);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  int height, after_width, gap, band, dark = 0;
  const guint8 *pixels;
  int stride, n_channels;

  settings->metadata = FALSE;
  chiaro_export_comparison_async (before, after, "Before", "After", NULL, settings, dest,
                                  CHIARO_EXPORT_NONE, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_true (chiaro_export_comparison_finish (result, &error));
  g_assert_no_error (error);

  /* basn2c08 is 32 × 32: the photo is scaled to 32 pixels high. */
  height = 32;
  after_width = (int) ((double) chiaro_image_get_width (after_image) * height /
                       chiaro_image_get_height (after_image) + 0.5);
  gap = 4;
  band = 24;
  pixbuf = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, gap + 32 + gap + after_width + gap);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, gap + height + band);
  assert_no_metadata (path);

  /* The labels are drawn: dark pixels in the band, which is white otherwise. */
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  for (int y = gap + height; y < gdk_pixbuf_get_height (pixbuf); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf); x++)
      dark += pixels[y * stride + x * n_channels] < 128;
  g_assert_cmpint (dark, >, 20);
  /* The corner is the white margin. */
  g_assert_cmpint (pixels[0], ==, 255);

  /* Never replaced silently. */
  chiaro_export_comparison_async (before, after, "Before", "After", NULL, settings, dest,
                                  CHIARO_EXPORT_NONE, NULL, chiaro_test_store_result, &again);
  chiaro_test_wait_for_result (&again);
  g_assert_false (chiaro_export_comparison_finish (again, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/export/template", test_template);
  g_test_add_func ("/chiaro/export/formats", test_formats);
  g_test_add ("/chiaro/export/formats-and-metadata", Fixture, NULL,
              fixture_set_up, test_formats_and_metadata, fixture_tear_down);
  g_test_add ("/chiaro/export/generated-source-type", Fixture, NULL,
              fixture_set_up, test_generated_source_type, fixture_tear_down);
  g_test_add ("/chiaro/export/resize-and-overwrite", Fixture, NULL,
              fixture_set_up, test_resize_and_overwrite, fixture_tear_down);
  g_test_add ("/chiaro/export/comparison", Fixture, NULL,
              fixture_set_up, test_comparison, fixture_tear_down);

  return g_test_run ();
}
