/* test-image-store.c — images stored by hash, never lost, thumbnails and decodes cached
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chiaro-image.h"
#include "chiaro-image-store.h"
#include "chiaro-project-error.h"
#include "chiaro-stored-content.h"
#include "chiaro-test-util.h"

/* Small enough that a camera JPEG (about 350 KB) cannot be written, big enough for a PNG of
 * PngSuite and its thumbnail. */
#define SMALL_FILE_LIMIT (64 * 1024)

typedef struct
{
  char             *path;
  GFile            *dir;
  ChiaroImageStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->path = chiaro_test_clean_data_path ();
  f->dir = g_file_new_for_path (f->path);
  f->store = chiaro_image_store_new (f->dir);
}

/* Drops the last reference to @object and checks it goes. A worker thread may still hold a
 * task for a moment after its callback ran on this thread. */
static void
assert_finalized_soon (gpointer object)
{
  gpointer weak = object;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);

  for (guint i = 0; i < 5000 && g_atomic_pointer_get (&weak) != NULL; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  g_assert_null (g_atomic_pointer_get (&weak));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  assert_finalized_soon (f->store);
  g_clear_object (&f->dir);
  chiaro_test_remove_tree (f->path);
  g_free (f->path);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize size = 0;

  g_file_get_contents (path, &contents, &size, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, size);
}

static char *
image_path (const char *project,
            const char *hash,
            const char *extension)
{
  g_autofree char *name = g_strconcat (hash, ".", extension, NULL);

  return g_build_filename (project, "images", name, NULL);
}

static char *
thumb_path (const char *project,
            const char *hash)
{
  g_autofree char *name = g_strconcat (hash, ".png", NULL);

  return g_build_filename (project, "thumbs", name, NULL);
}

static int
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static char *
add_ok (ChiaroImageStore *store,
        GBytes           *bytes,
        const char       *expected_type)
{
  g_autoptr(GError) error = NULL;
  const char *mime_type = NULL;
  char *hash;

  hash = chiaro_image_store_add (store, bytes, NULL, &mime_type, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mime_type, ==, expected_type);
  return hash;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in a folder, sorted, joined by spaces ("" when missing or empty). */
static char *
list_dir (const char *path)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    g_ptr_array_add (names, g_strdup (name));

  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* The names @folder should hold, sorted and joined as list_dir () does. */
static char *
expected_listing (const char *first,
                  ...)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    g_ptr_array_add (names, (char *) name);
  va_end (args);

  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
assert_bytes_equal (GBytes *a,
                    GBytes *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (g_bytes_equal (a, b));
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
result_arrived (gpointer user_data)
{
  return *(GAsyncResult **) user_data != NULL;
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  g_assert_true (chiaro_test_wait_until (result_arrived, result, 30));
  return *result;
}

static GdkPixbuf *
decode (ChiaroImageStore  *store,
        const char        *hash,
        const char        *mime_type,
        GCancellable      *cancellable,
        GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_image_store_decode_async (store, hash, mime_type, cancellable, on_result, &result);
  return chiaro_image_store_decode_finish (store, wait_for (&result), error);
}

static GdkPixbuf *
thumbnail (ChiaroImageStore  *store,
           const char        *hash,
           const char        *mime_type,
           GCancellable      *cancellable,
           GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_image_store_thumbnail_async (store, hash, mime_type, cancellable, on_result, &result);
  return chiaro_image_store_thumbnail_finish (store, wait_for (&result), error);
}

static GBytes *
load_async (ChiaroImageStore  *store,
            const char        *hash,
            const char        *mime_type,
            GCancellable      *cancellable,
            GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_image_store_load_async (store, hash, mime_type, cancellable, on_result, &result);
  return chiaro_image_store_load_finish (store, wait_for (&result), error);
}

static void
test_add (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn6a08.png");
  g_autoptr(GBytes) jpeg = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Landscape_1.jpg");
  g_autoptr(GBytes) other = chiaro_test_bytes_from_string ("not an image at all");
  g_autofree char *png_hash = NULL;
  g_autofree char *jpeg_hash = NULL;
  g_autofree char *again = NULL;
  g_autofree char *other_hash = NULL;
  g_autofree char *png_path = NULL;
  g_autofree char *jpeg_path = NULL;
  g_autofree char *images = g_build_filename (f->path, "images", NULL);
  g_autofree char *expected_hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);
  g_autofree char *listing = NULL;
  g_autofree char *other_name = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) on_disk = NULL;
  g_autoptr(GError) error = NULL;
  const char *mime_type = NULL;
  GStatBuf before, after;

  g_assert_false (g_file_test (images, G_FILE_TEST_EXISTS));
  g_assert_true (chiaro_image_store_get_dir (f->store) == f->dir);

  png_hash = add_ok (f->store, png, "image/png");
  g_assert_cmpstr (png_hash, ==, expected_hash);
  png_path = image_path (f->path, png_hash, "png");
  on_disk = read_file (png_path);
  assert_bytes_equal (on_disk, png);
  g_assert_cmpint (file_mode (png_path), ==, 0600);
  g_assert_cmpint (file_mode (images), ==, 0700);
  g_assert_cmpint (file_mode (f->path), ==, 0700);
  g_assert_true (chiaro_image_store_contains (f->store, png_hash, "image/png"));
  g_assert_false (chiaro_image_store_has_pending (f->store));

  file = chiaro_image_store_get_file (f->store, png_hash, "image/png");
  g_assert_cmpstr (g_file_peek_path (file), ==, png_path);

  /* A JPEG labelled as PNG is stored as what its bytes are. */
  jpeg_hash = chiaro_image_store_add (f->store, jpeg, "image/png", &mime_type, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mime_type, ==, "image/jpeg");
  jpeg_path = image_path (f->path, jpeg_hash, "jpg");
  g_clear_pointer (&on_disk, g_bytes_unref);
  on_disk = read_file (jpeg_path);
  assert_bytes_equal (on_disk, jpeg);

  /* The same bytes again: same hash, and the file is not written again. */
  g_assert_cmpint (g_stat (png_path, &before), ==, 0);
  g_usleep (20 * 1000);
  again = add_ok (f->store, png, "image/png");
  g_assert_cmpstr (again, ==, png_hash);
  g_assert_cmpint (g_stat (png_path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, ==, after.st_ino);
  g_assert_cmpint (before.st_mtim.tv_nsec, ==, after.st_mtim.tv_nsec);

  /* Bytes of no known format keep the label they came with. */
  other_hash = chiaro_image_store_add (f->store, other, "application/x-test", &mime_type,
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mime_type, ==, "application/x-test");
  g_clear_pointer (&on_disk, g_bytes_unref);
  g_free (png_path);
  png_path = image_path (f->path, other_hash, "bin");
  on_disk = read_file (png_path);
  assert_bytes_equal (on_disk, other);

  /* Nothing else in the folder: no temporary file left. */
  listing = list_dir (images);
  g_free (png_path);
  png_path = g_strconcat (png_hash, ".png", NULL);
  g_free (jpeg_path);
  jpeg_path = g_strconcat (jpeg_hash, ".jpg", NULL);
  other_name = g_strconcat (other_hash, ".bin", NULL);
  expected = expected_listing (png_path, jpeg_path, other_name, NULL);
  g_assert_cmpstr (listing, ==, expected);
}

static void
test_load (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GBytes) jpeg = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Portrait_3.jpg");
  g_autofree char *hash = add_ok (f->store, jpeg, "image/jpeg");
  g_autofree char *path = image_path (f->path, hash, "jpg");
  g_autofree char *again = NULL;
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(GError) error = NULL;
  const char *unknown = "0000000000000000000000000000000000000000000000000000000000000000";
  guint8 *copy;
  gsize size;

  loaded = chiaro_image_store_load (f->store, hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  assert_bytes_equal (loaded, jpeg);
  g_clear_pointer (&loaded, g_bytes_unref);

  loaded = load_async (f->store, hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  assert_bytes_equal (loaded, jpeg);
  g_clear_pointer (&loaded, g_bytes_unref);

  /* The wrong type still finds the file by its hash. */
  loaded = chiaro_image_store_load (f->store, hash, "image/png", NULL, &error);
  g_assert_no_error (error);
  assert_bytes_equal (loaded, jpeg);
  g_clear_pointer (&loaded, g_bytes_unref);
  g_assert_true (chiaro_image_store_contains (f->store, hash, NULL));

  /* One byte changed on disk. */
  size = g_bytes_get_size (jpeg);
  copy = g_memdup2 (g_bytes_get_data (jpeg, NULL), size);
  copy[size / 2] ^= 0x55;
  tampered = g_bytes_new_take (copy, size);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (tampered, NULL), size, NULL));
  loaded = chiaro_image_store_load (f->store, hash, "image/jpeg", NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "changed"));
  g_clear_error (&error);

  /* Adding the bytes again repairs the file. */
  again = add_ok (f->store, jpeg, "image/jpeg");
  g_assert_cmpstr (again, ==, hash);
  loaded = chiaro_image_store_load (f->store, hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  assert_bytes_equal (loaded, jpeg);
  g_clear_pointer (&loaded, g_bytes_unref);

  /* Deleted behind the store's back. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_false (chiaro_image_store_contains (f->store, hash, "image/jpeg"));
  loaded = load_async (f->store, hash, "image/jpeg", NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "missing"));
  g_clear_error (&error);

  loaded = chiaro_image_store_load (f->store, unknown, NULL, NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE);
  g_assert_nonnull (strstr (error->message, unknown));
  g_clear_error (&error);

  loaded = chiaro_image_store_load (f->store, "../../etc/passwd", NULL, NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE);
}

static ChiaroPart *
stored_image_part (GBytes     *bytes,
                   const char *label,
                   const char *signature)
{
  ChiaroPart *part = chiaro_part_new_image (bytes, label);

  g_clear_pointer (&part->data, g_bytes_unref);
  part->thought_signature = g_strdup (signature);
  return part;
}

static void
test_fill_content (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(GBytes) jpeg = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Landscape_2.jpg");
  g_autofree char *png_hash = add_ok (f->store, png, "image/png");
  g_autofree char *jpeg_hash = add_ok (f->store, jpeg, "image/jpeg");
  g_autoptr(ChiaroContent) stored = chiaro_content_new ("model");
  g_autoptr(ChiaroContent) filled = NULL;
  g_autoptr(ChiaroPart) text = chiaro_part_new_text ("Here it is.");
  g_autoptr(ChiaroPart) first = stored_image_part (png, "image/png", "c2lnbmF0dXJl");
  g_autoptr(ChiaroPart) second = stored_image_part (jpeg, "image/png", NULL);
  g_autoptr(GError) error = NULL;
  const char *hashes[] = { png_hash, jpeg_hash, NULL };
  const char *too_few[] = { png_hash, NULL };
  g_autofree char *jpeg_path = image_path (f->path, jpeg_hash, "jpg");
  ChiaroPart *part;

  first->thought = TRUE;
  first->extra = json_object_new ();
  json_object_set_string_member (first->extra, "futureMember", "kept");
  stored->model = g_strdup ("gemini-3-pro-image-preview");
  chiaro_content_add_part (stored, text);
  chiaro_content_add_part (stored, first);
  chiaro_content_add_part (stored, second);

  filled = chiaro_image_store_fill_content (f->store, stored, hashes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (filled->role, ==, "model");
  g_assert_cmpstr (filled->model, ==, "gemini-3-pro-image-preview");
  g_assert_cmpuint (filled->parts->len, ==, 3);
  g_assert_true (g_ptr_array_index (filled->parts, 0) == text);

  part = g_ptr_array_index (filled->parts, 1);
  g_assert_cmpint (part->kind, ==, CHIARO_PART_IMAGE);
  assert_bytes_equal (part->data, png);
  g_assert_cmpstr (part->mime_type, ==, "image/png");
  g_assert_cmpstr (part->sniffed_mime_type, ==, "image/png");
  g_assert_true (part->thought);
  g_assert_cmpstr (part->thought_signature, ==, "c2lnbmF0dXJl");
  g_assert_cmpstr (json_object_get_string_member (part->extra, "futureMember"), ==, "kept");

  /* The label is kept as it was, even when the bytes say otherwise. */
  part = g_ptr_array_index (filled->parts, 2);
  assert_bytes_equal (part->data, jpeg);
  g_assert_cmpstr (part->mime_type, ==, "image/png");
  g_assert_cmpstr (part->sniffed_mime_type, ==, "image/jpeg");
  g_assert_null (part->thought_signature);
  g_assert_false (part->thought);

  /* The stored content is not changed. */
  g_assert_null (first->data);
  g_assert_null (second->data);
  g_clear_pointer (&filled, chiaro_content_unref);

  filled = chiaro_image_store_fill_content (f->store, stored, too_few, NULL, &error);
  g_assert_null (filled);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT);
  g_clear_error (&error);

  g_assert_cmpint (g_unlink (jpeg_path), ==, 0);
  filled = chiaro_image_store_fill_content (f->store, stored, hashes, NULL, &error);
  g_assert_null (filled);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE);
  g_assert_nonnull (strstr (error->message, jpeg_hash));
}

static void
test_decode_cache (Fixture       *f,
                   gconstpointer  data)
{
  const char *names[] = { "Landscape_1.jpg", "Landscape_6.jpg", "Portrait_1.jpg",
                          "Portrait_8.jpg" };
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GdkPixbuf) first = NULL;
  g_autoptr(GdkPixbuf) last = NULL;
  g_autoptr(GdkPixbuf) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) garbage = chiaro_test_bytes_from_string ("\x89PNG\r\n\x1a\n garbage");
  g_autofree char *garbage_hash = NULL;

  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, 0);
  chiaro_image_store_set_decode_cache_size (f->store, 2);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) bytes = chiaro_test_read_fixture ("images/exif-orientation", names[i]);
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      char *hash = add_ok (f->store, bytes, "image/jpeg");

      g_ptr_array_add (hashes, hash);
      pixbuf = decode (f->store, hash, "image/jpeg", NULL, &error);
      g_assert_no_error (error);

      /* Upright: the Landscape files are wide whatever their orientation tag. */
      if (g_str_has_prefix (names[i], "Landscape"))
        {
          g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1800);
          g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 1200);
        }
      else
        {
          g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1200);
          g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 1800);
        }

      g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, MIN (i + 1, 2));

      if (i == 0)
        first = g_object_ref (pixbuf);
      if (i == G_N_ELEMENTS (names) - 1)
        last = g_object_ref (pixbuf);
    }

  /* The most recent decode is served from the cache, the oldest decoded again. */
  again = decode (f->store, hashes->pdata[3], "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (again == last);
  g_clear_object (&again);

  again = decode (f->store, hashes->pdata[0], "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (again != first);
  g_assert_cmpint (gdk_pixbuf_get_width (again), ==, 1800);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, 2);
  g_clear_object (&again);

  /* hashes[3] was used before hashes[0]: decoding hashes[1] pushes out hashes[3]. */
  again = decode (f->store, hashes->pdata[1], "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&again);
  again = decode (f->store, hashes->pdata[3], "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (again != last);
  g_clear_object (&again);

  chiaro_image_store_set_decode_cache_size (f->store, 0);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, 0);

  /* A file that is no image is a codec error, and nothing is cached. */
  chiaro_image_store_set_decode_cache_size (f->store, 2);
  garbage_hash = add_ok (f->store, garbage, "image/png");
  again = decode (f->store, garbage_hash, "image/png", NULL, &error);
  g_assert_null (again);
  g_assert_true (error->domain == CHIARO_CODEC_ERROR);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, 0);
}

static void
assert_png_file_size (const char *path,
                      int         width,
                      int         height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);
  g_autoptr(GBytes) bytes = read_file (path);

  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, height);
  g_assert_cmpint (memcmp (g_bytes_get_data (bytes, NULL), "\x89PNG", 4), ==, 0);
}

static void
test_thumbnail (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) wide = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Landscape_6.jpg");
  g_autoptr(GBytes) tall = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Portrait_1.jpg");
  g_autoptr(GBytes) small = chiaro_test_read_fixture ("images/pngsuite", "basn6a08.png");
  g_autofree char *wide_hash = add_ok (f->store, wide, "image/jpeg");
  g_autofree char *tall_hash = add_ok (f->store, tall, "image/jpeg");
  g_autofree char *small_hash = add_ok (f->store, small, "image/png");
  g_autofree char *wide_thumb = thumb_path (f->path, wide_hash);
  g_autofree char *small_thumb = thumb_path (f->path, small_hash);
  g_autofree char *thumbs = g_build_filename (f->path, "thumbs", NULL);
  g_autofree char *wide_image = image_path (f->path, wide_hash, "jpg");
  g_autoptr(ChiaroImageStore) reopened = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (chiaro_image_store_peek_thumbnail (f->store, wide_hash));

  /* Stored 1200 × 1800 with orientation 6: upright it is 1800 × 1200. */
  pixbuf = thumbnail (f->store, wide_hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, CHIARO_THUMBNAIL_SIZE);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 1200 * CHIARO_THUMBNAIL_SIZE / 1800);
  g_assert_true (chiaro_image_store_peek_thumbnail (f->store, wide_hash) == pixbuf);
  assert_png_file_size (wide_thumb, 256, 170);
  g_assert_cmpint (file_mode (wide_thumb), ==, 0600);
  g_assert_cmpint (file_mode (thumbs), ==, 0700);

  again = thumbnail (f->store, wide_hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (again == pixbuf);
  g_clear_object (&again);
  g_clear_object (&pixbuf);

  pixbuf = thumbnail (f->store, tall_hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 170);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, CHIARO_THUMBNAIL_SIZE);
  g_clear_object (&pixbuf);

  /* Never enlarged. */
  pixbuf = thumbnail (f->store, small_hash, "image/png", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 32);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 32);
  assert_png_file_size (small_thumb, 32, 32);
  g_clear_object (&pixbuf);

  /* Another store on the folder reads thumbs/: the image itself is no longer needed. */
  g_assert_cmpint (g_unlink (wide_image), ==, 0);
  reopened = chiaro_image_store_new (f->dir);
  pixbuf = thumbnail (reopened, wide_hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 256);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 170);
  g_clear_object (&pixbuf);

  /* A damaged thumbnail is made again from the image, and rewritten. */
  g_assert_true (g_file_set_contents (small_thumb, "\x89PNG\r\n\x1a\n broken", -1, NULL));
  pixbuf = thumbnail (reopened, small_hash, "image/png", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 32);
  assert_png_file_size (small_thumb, 32, 32);
  g_clear_object (&pixbuf);

  /* Neither thumbnail nor image: a clear error. */
  g_assert_cmpint (g_unlink (wide_thumb), ==, 0);
  g_clear_object (&reopened);
  reopened = chiaro_image_store_new (f->dir);
  pixbuf = thumbnail (reopened, wide_hash, "image/jpeg", NULL, &error);
  g_assert_null (pixbuf);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE);
  g_assert_nonnull (strstr (error->message, wide_hash));
  g_assert_null (chiaro_image_store_peek_thumbnail (reopened, wide_hash));
}

/* The mean absolute difference of two pictures of one size, per channel value. */
static double
mean_difference (GdkPixbuf *a,
                 GdkPixbuf *b)
{
  int width = gdk_pixbuf_get_width (a), height = gdk_pixbuf_get_height (a);
  int channels = gdk_pixbuf_get_n_channels (a);
  const guint8 *pa = gdk_pixbuf_read_pixels (a), *pb = gdk_pixbuf_read_pixels (b);
  guint64 sum = 0;

  g_assert_cmpint (gdk_pixbuf_get_width (b), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (b), ==, height);
  g_assert_cmpint (gdk_pixbuf_get_n_channels (b), ==, channels);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width * channels; x++)
      sum += ABS (pa[y * gdk_pixbuf_get_rowstride (a) + x] -
                  pb[y * gdk_pixbuf_get_rowstride (b) + x]);

  return (double) sum / ((double) width * height * channels);
}

static void
test_add_decoded (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GBytes) wide = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Landscape_6.jpg");
  g_autoptr(GBytes) small = chiaro_test_read_fixture ("images/pngsuite", "basn6a08.png");
  g_autofree char *wide_hash = add_ok (f->store, wide, "image/jpeg");
  g_autofree char *small_hash = add_ok (f->store, small, "image/png");
  g_autofree char *wide_thumb = thumb_path (f->path, wide_hash);
  g_autofree char *wide_image = image_path (f->path, wide_hash, "jpg");
  g_autoptr(ChiaroImage) image = chiaro_image_new_from_bytes (wide, NULL, NULL);
  g_autoptr(ChiaroImage) small_image = chiaro_image_new_from_bytes (small, NULL, NULL);
  g_autoptr(GdkPixbuf) upright = chiaro_image_decode (image, NULL, NULL);
  g_autoptr(GdkPixbuf) small_pixels = chiaro_image_decode (small_image, NULL, NULL);
  g_autoptr(GdkPixbuf) made = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) thumb = NULL;
  g_autoptr(ChiaroImageStore) reopened = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (upright);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, 0);

  chiaro_image_store_add_decoded (f->store, wide_hash, upright);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, 1);
  g_assert_null (chiaro_image_store_peek_thumbnail (f->store, wide_hash));

  /* The decode is kept: it comes back with the file gone, as the same pixels; another store
   * on the folder has no such decode. */
  g_assert_cmpint (g_unlink (wide_image), ==, 0);
  pixbuf = decode (f->store, wide_hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pixbuf == upright);
  g_clear_object (&pixbuf);
  reopened = chiaro_image_store_new (f->dir);
  pixbuf = decode (reopened, wide_hash, "image/jpeg", NULL, &error);
  g_assert_null (pixbuf);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE);
  g_clear_error (&error);

  /* The thumbnail is scaled from the kept pixels (the file is gone), upright, and written
   * to thumbs/. */
  thumb = thumbnail (f->store, wide_hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (thumb), ==, CHIARO_THUMBNAIL_SIZE);
  g_assert_cmpint (gdk_pixbuf_get_height (thumb), ==, 1200 * CHIARO_THUMBNAIL_SIZE / 1800);
  g_assert_true (chiaro_image_store_peek_thumbnail (f->store, wide_hash) == thumb);
  assert_png_file_size (wide_thumb, 256, 170);
  g_assert_cmpint (file_mode (wide_thumb), ==, 0600);

  /* It looks like the thumbnail made from the file. */
  g_assert_true (g_file_set_contents (wide_image, g_bytes_get_data (wide, NULL),
                                      g_bytes_get_size (wide), NULL));
  g_assert_cmpint (g_unlink (wide_thumb), ==, 0);
  made = thumbnail (reopened, wide_hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (mean_difference (thumb, made), <, 4.0);

  /* Never enlarged: a small picture is its own thumbnail. */
  chiaro_image_store_add_decoded (f->store, small_hash, small_pixels);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, 2);
  g_clear_object (&thumb);
  thumb = thumbnail (f->store, small_hash, "image/png", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (thumb == small_pixels);

  /* With no decode cache, nothing is kept. */
  chiaro_image_store_set_decode_cache_size (reopened, 0);
  chiaro_image_store_add_decoded (reopened, small_hash, small_pixels);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (reopened), ==, 0);
}

static void
test_thumbnail_not_written (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GBytes) jpeg = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Portrait_5.jpg");
  g_autofree char *hash = add_ok (f->store, jpeg, "image/jpeg");
  g_autofree char *thumbs = g_build_filename (f->path, "thumbs", NULL);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  /* thumbs/ cannot be made: a file is in the way. */
  g_assert_true (g_file_set_contents (thumbs, "in the way", -1, NULL));

  pixbuf = thumbnail (f->store, hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 170);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 256);
  g_assert_true (g_file_test (thumbs, G_FILE_TEST_IS_REGULAR));
  g_assert_true (chiaro_image_store_peek_thumbnail (f->store, hash) == pixbuf);
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn0g08.png");
  g_autoptr(GBytes) other = chiaro_test_read_fixture ("images/pngsuite", "basn3p08.png");
  g_autofree char *hash = add_ok (f->store, png, "image/png");
  g_autofree char *other_hash = add_ok (f->store, other, "image/png");
  g_autofree char *path = image_path (f->path, hash, "png");
  g_autofree char *thumb = thumb_path (f->path, hash);
  g_autofree char *other_path = image_path (f->path, other_hash, "png");
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = thumbnail (f->store, hash, "image/png", NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&pixbuf);
  pixbuf = decode (f->store, hash, "image/png", NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&pixbuf);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, 1);
  g_assert_true (g_file_test (thumb, G_FILE_TEST_EXISTS));

  /* With no type given, the file is found by its hash. */
  g_assert_true (chiaro_image_store_remove (f->store, hash, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (thumb, G_FILE_TEST_EXISTS));
  g_assert_null (chiaro_image_store_peek_thumbnail (f->store, hash));
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, 0);
  g_assert_false (chiaro_image_store_contains (f->store, hash, "image/png"));
  g_assert_true (g_file_test (other_path, G_FILE_TEST_EXISTS));

  loaded = chiaro_image_store_load (f->store, hash, "image/png", NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE);
  g_clear_error (&error);

  /* Already gone is fine. */
  g_assert_true (chiaro_image_store_remove (f->store, hash, "image/png", &error));
  g_assert_no_error (error);
}

static void
write_file (const char *folder,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
test_collect_orphans (Fixture       *f,
                      gconstpointer  data)
{
  const char *names[] = { "basn0g01.png", "basn2c16.png", "basn4a16.png" };
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *images = g_build_filename (f->path, "images", NULL);
  g_autofree char *thumbs = g_build_filename (f->path, "thumbs", NULL);
  g_autofree char *upper_hash = NULL;
  g_autofree char *upper = NULL;
  g_autofree char *suffixed = NULL;
  g_autofree char *subdir_name = NULL;
  g_autofree char *subdir = NULL;
  g_autofree char *temp = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(ChiaroImageStore) later = NULL;
  g_autoptr(GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  int n;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) bytes = chiaro_test_read_fixture ("images/pngsuite", names[i]);
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      char *hash = add_ok (f->store, bytes, "image/png");

      g_ptr_array_add (hashes, hash);
      pixbuf = thumbnail (f->store, hash, "image/png", NULL, &error);
      g_assert_no_error (error);
    }

  /* Files the store did not write, or is not sure about. */
  upper_hash = g_ascii_strup (hashes->pdata[1], -1);
  upper = g_strconcat (upper_hash, ".png", NULL);
  write_file (images, upper, "uppercase: not a store name");
  suffixed = g_strconcat (hashes->pdata[1], ".png.orig", NULL);
  write_file (images, suffixed, "a copy someone made");
  write_file (images, "notes.txt", "mine");
  subdir_name = g_strconcat (hashes->pdata[2], ".d", NULL);
  subdir = g_build_filename (images, subdir_name, NULL);
  g_assert_cmpint (g_mkdir (subdir, 0700), ==, 0);
  temp = g_strconcat (".", hashes->pdata[0], ".png.tmp-AbC123", NULL);
  write_file (images, temp, "half a fil");
  write_file (thumbs, ".x.png.tmp-XyZ789", "half a thumbnail");

  /* Cancelled: nothing goes. */
  g_cancellable_cancel (cancellable);
  n = chiaro_image_store_collect_orphans (f->store, keep, cancellable, &error);
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  listing = list_dir (images);
  g_assert_nonnull (strstr (listing, temp));

  /* The store that added the images keeps them even when @keep does not name them: their
   * entries may not be saved yet. Only the temporary files go. */
  n = chiaro_image_store_collect_orphans (f->store, keep, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 2);
  for (guint i = 0; i < hashes->len; i++)
    g_assert_true (chiaro_image_store_contains (f->store, hashes->pdata[i], "image/png"));

  /* A store opened later (after a restore) deletes what @keep does not name. */
  write_file (images, temp, "half a fil");
  later = chiaro_image_store_new (f->dir);
  g_hash_table_add (keep, hashes->pdata[0]);
  n = chiaro_image_store_collect_orphans (later, keep, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 5);  /* two images, two thumbnails, one temporary file */

  kept = g_strconcat (hashes->pdata[0], ".png", NULL);
  expected = expected_listing (upper, kept, suffixed, subdir_name, "notes.txt", NULL);
  g_free (listing);
  listing = list_dir (images);
  g_assert_cmpstr (listing, ==, expected);

  g_free (listing);
  listing = list_dir (thumbs);
  g_assert_cmpstr (listing, ==, kept);

  n = chiaro_image_store_collect_orphans (later, keep, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GBytes) jpeg = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Landscape_3.jpg");
  g_autofree char *hash = add_ok (f->store, jpeg, "image/jpeg");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *thumb = thumb_path (f->path, hash);

  g_cancellable_cancel (cancellable);

  pixbuf = decode (f->store, hash, "image/jpeg", cancellable, &error);
  g_assert_null (pixbuf);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (f->store), ==, 0);

  pixbuf = thumbnail (f->store, hash, "image/jpeg", cancellable, &error);
  g_assert_null (pixbuf);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (chiaro_image_store_peek_thumbnail (f->store, hash));
  g_assert_false (g_file_test (thumb, G_FILE_TEST_EXISTS));

  loaded = load_async (f->store, hash, "image/jpeg", cancellable, &error);
  g_assert_null (loaded);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  loaded = chiaro_image_store_load (f->store, hash, "image/jpeg", cancellable, &error);
  g_assert_null (loaded);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Cached results are not handed out to a cancelled caller either. */
  pixbuf = decode (f->store, hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&pixbuf);
  pixbuf = decode (f->store, hash, "image/jpeg", cancellable, &error);
  g_assert_null (pixbuf);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
set_file_size_limit (rlim_t limit)
{
  struct rlimit rl;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &rl), ==, 0);
  rl.rlim_cur = MIN (limit, rl.rlim_max);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &rl), ==, 0);
}

static void
raise_file_size_limit (void)
{
  struct rlimit rl;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &rl), ==, 0);
  rl.rlim_cur = rl.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &rl), ==, 0);
}

/* In a subprocess: the file size limit stands for a full disk. */
static void
run_no_space (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(ChiaroImageStore) store = chiaro_image_store_new (dir);
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn3p04.png");
  g_autoptr(GBytes) jpeg = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Portrait_7.jpg");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GBytes) on_disk = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autofree char *images = g_build_filename (path, "images", NULL);
  g_autofree char *png_hash = NULL;
  g_autofree char *jpeg_hash = NULL;
  g_autofree char *jpeg_name = NULL;
  g_autofree char *jpeg_path = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *png_name = NULL;
  g_autofree char *expected_hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, jpeg);
  const char *mime_type = NULL;

  signal (SIGXFSZ, SIG_IGN);
  set_file_size_limit (SMALL_FILE_LIMIT);

  png_hash = add_ok (store, png, "image/png");

  jpeg_hash = chiaro_image_store_add (store, jpeg, NULL, &mime_type, &error);
  g_assert_nonnull (jpeg_hash);
  g_assert_cmpstr (jpeg_hash, ==, expected_hash);
  g_assert_cmpstr (mime_type, ==, "image/jpeg");
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NO_SPACE);
  jpeg_name = g_strconcat (jpeg_hash, ".jpg", NULL);
  jpeg_path = g_build_filename (images, jpeg_name, NULL);
  g_assert_nonnull (strstr (error->message, jpeg_path));
  g_clear_error (&error);

  g_assert_true (chiaro_image_store_has_pending (store));
  g_assert_false (chiaro_image_store_contains (store, jpeg_hash, "image/jpeg"));

  /* Nothing partial on disk: no image file, no temporary file. */
  png_name = g_strconcat (png_hash, ".png", NULL);
  listing = list_dir (images);
  g_assert_cmpstr (listing, ==, png_name);

  /* The bytes are all there, in memory, and usable. */
  loaded = chiaro_image_store_load (store, jpeg_hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  assert_bytes_equal (loaded, jpeg);
  pixbuf = thumbnail (store, jpeg_hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 256);

  /* Still full: still pending. */
  g_assert_false (chiaro_image_store_flush (store, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NO_SPACE);
  g_clear_error (&error);
  g_assert_true (chiaro_image_store_has_pending (store));

  /* Cancelled: still pending. */
  raise_file_size_limit ();
  g_cancellable_cancel (cancellable);
  g_assert_false (chiaro_image_store_flush (store, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (chiaro_image_store_has_pending (store));

  /* Room again: written. */
  g_assert_true (chiaro_image_store_flush (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (chiaro_image_store_has_pending (store));
  g_assert_true (chiaro_image_store_contains (store, jpeg_hash, "image/jpeg"));
  on_disk = read_file (jpeg_path);
  assert_bytes_equal (on_disk, jpeg);
  g_assert_cmpint (file_mode (jpeg_path), ==, 0600);
}

static void
test_no_space (void)
{
  g_autofree char *path = chiaro_test_data_path ("image-store-no-space");

  if (g_test_subprocess ())
    {
      run_no_space (path);
      return;
    }

  chiaro_test_remove_tree (path);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  chiaro_test_remove_tree (path);
}

/* In a subprocess, as a user that file modes apply to. */
static void
run_read_only (const char *path)
{
  g_autoptr(GBytes) png = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(GBytes) jpeg = chiaro_test_read_fixture ("images/exif-orientation",
                                                     "Landscape_4.jpg");
  g_autofree char *images = g_build_filename (path, "images", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(ChiaroImageStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GBytes) on_disk = NULL;
  g_autofree char *png_hash = NULL;
  g_autofree char *png_path = NULL;
  g_autofree char *jpeg_hash = NULL;
  g_autofree char *jpeg_path = NULL;

  if (geteuid () == 0)
    chiaro_test_drop_root ();

  store = chiaro_image_store_new (dir);
  png_hash = add_ok (store, png, "image/png");
  png_path = image_path (path, png_hash, "png");
  g_assert_cmpint (g_chmod (images, 0500), ==, 0);

  jpeg_hash = chiaro_image_store_add (store, jpeg, NULL, NULL, &error);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_READ_ONLY);
  jpeg_path = image_path (path, jpeg_hash, "jpg");
  g_assert_nonnull (strstr (error->message, jpeg_path));
  g_clear_error (&error);
  g_assert_true (chiaro_image_store_has_pending (store));

  loaded = chiaro_image_store_load (store, jpeg_hash, "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  assert_bytes_equal (loaded, jpeg);
  g_clear_pointer (&loaded, g_bytes_unref);

  g_assert_false (chiaro_image_store_flush (store, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_READ_ONLY);
  g_clear_error (&error);

  /* Removing is refused too, and says so. */
  g_assert_false (chiaro_image_store_remove (store, png_hash, "image/png", &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, png_path));
  g_clear_error (&error);

  /* A file that cannot be read is an I/O error, not a missing image. */
  g_assert_cmpint (g_chmod (png_path, 0000), ==, 0);
  loaded = chiaro_image_store_load (store, png_hash, "image/png", NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, png_path));
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (png_path, 0600), ==, 0);

  g_assert_cmpint (g_chmod (images, 0700), ==, 0);
  g_assert_true (chiaro_image_store_flush (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (chiaro_image_store_has_pending (store));
  on_disk = read_file (jpeg_path);
  assert_bytes_equal (on_disk, jpeg);
}

static void
test_read_only (void)
{
  g_autofree char *path = chiaro_test_data_path ("image-store-read-only");

  if (g_test_subprocess ())
    {
      run_read_only (path);
      return;
    }

  /* Root ignores file modes: the subprocess runs as nobody, or the test cannot run. */
  if (geteuid () == 0 && !chiaro_test_can_drop_root ())
    {
      g_test_skip ("running as root, which ignores file modes, and cannot change user");
      return;
    }

  chiaro_test_remove_tree (path);
  chiaro_test_make_dir_for_unprivileged (path);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  chiaro_test_remove_tree (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/chiaro/image-store/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("add", test_add);
  ADD ("load", test_load);
  ADD ("fill-content", test_fill_content);
  ADD ("decode-cache", test_decode_cache);
  ADD ("thumbnail", test_thumbnail);
  ADD ("thumbnail-not-written", test_thumbnail_not_written);
  ADD ("add-decoded", test_add_decoded);
  ADD ("remove", test_remove);
  ADD ("collect-orphans", test_collect_orphans);
  ADD ("cancel", test_cancel);
  g_test_add_func ("/chiaro/image-store/no-space", test_no_space);
  g_test_add_func ("/chiaro/image-store/read-only", test_read_only);

#undef ADD

  return g_test_run ();
}
