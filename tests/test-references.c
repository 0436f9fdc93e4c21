/* test-references.c — the tray: order, limit, duplicates, labels, and its list signals
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chiaro-project-error.h"
#include "chiaro-reference-list.h"
#include "chiaro-test-util.h"

/* Helpers */

static char *
hash_for (guint n)
{
  g_autofree char *text = g_strdup_printf ("reference %u", n);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static ChiaroReference *
make_reference (guint n)
{
  g_autofree char *hash = hash_for (n);
  g_autofree char *name = g_strdup_printf ("photo-%u.jpg", n);

  return chiaro_reference_new (hash, "image/jpeg", 100 + n, 200, name);
}

static void
append (ChiaroReferenceList *list,
        guint                n)
{
  g_autoptr(ChiaroReference) reference = make_reference (n);
  g_autoptr(GError) error = NULL;

  g_assert_true (chiaro_reference_list_insert (list, G_MAXUINT, reference, &error));
  g_assert_no_error (error);
}

/* The numbers of the references in the list, in order, e.g. "3 1 2". */
static char *
describe (ChiaroReferenceList *list)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(ChiaroReference) reference = g_list_model_get_item (G_LIST_MODEL (list), i);

      for (guint n = 0; n < 100; n++)
        {
          g_autofree char *hash = hash_for (n);

          if (g_str_equal (hash, chiaro_reference_get_hash (reference)))
            g_string_append_printf (text, "%s%u", text->len > 0 ? " " : "", n);
        }
    }
  return g_string_free (text, FALSE);
}

#define ASSERT_ORDER(list, expected) \
  G_STMT_START { \
    g_autofree char *order_ = describe (list); \
    g_assert_cmpstr (order_, ==, expected); \
  } G_STMT_END

typedef struct
{
  GPtrArray *items;
  GString *changes;
  guint n_changed;
} Watch;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  g_assert_cmpuint (position + removed, <=, watch->items->len);
  g_ptr_array_remove_range (watch->items, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (watch->items, position + i, item);
    }
  g_string_append_printf (watch->changes, "(%u,%u,%u)", position, removed, added);
}

static void
on_changed (ChiaroReferenceList *list,
            Watch               *watch)
{
  watch->n_changed++;
}

static void
watch_init (Watch               *watch,
            ChiaroReferenceList *list)
{
  watch->items = g_ptr_array_new ();
  watch->changes = g_string_new (NULL);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_ptr_array_add (watch->items, item);
    }
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), watch);
  g_signal_connect (list, "changed", G_CALLBACK (on_changed), watch);
}

/* The replayed list equals the list, and these changes were emitted since the last check. */
static void
watch_check (Watch               *watch,
             ChiaroReferenceList *list,
             const char          *changes,
             guint                n_changed)
{
  g_assert_cmpuint (watch->items->len, ==, g_list_model_get_n_items (G_LIST_MODEL (list)));
  for (guint i = 0; i < watch->items->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (item == g_ptr_array_index (watch->items, i));
    }
  g_assert_cmpstr (watch->changes->str, ==, changes);
  g_assert_cmpuint (watch->n_changed, ==, n_changed);
  g_string_truncate (watch->changes, 0);
  watch->n_changed = 0;
}

static void
watch_clear (Watch               *watch,
             ChiaroReferenceList *list)
{
  g_signal_handlers_disconnect_by_data (list, watch);
  g_ptr_array_unref (watch->items);
  g_string_free (watch->changes, TRUE);
}

/* Tests */

static void
test_reference (void)
{
  g_autoptr(ChiaroReference) reference = make_reference (1);
  g_autoptr(GdkPixbuf) thumbnail = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 16, 32);
  g_autofree char *hash = hash_for (1);
  g_autofree char *label = NULL;

  g_assert_cmpstr (chiaro_reference_get_hash (reference), ==, hash);
  g_assert_cmpstr (chiaro_reference_get_mime_type (reference), ==, "image/jpeg");
  g_assert_cmpint (chiaro_reference_get_width (reference), ==, 101);
  g_assert_cmpint (chiaro_reference_get_height (reference), ==, 200);
  g_assert_cmpstr (chiaro_reference_get_display_name (reference), ==, "photo-1.jpg");
  g_assert_null (chiaro_reference_get_label (reference));
  g_assert_null (chiaro_reference_get_thumbnail (reference));
  g_assert_null (chiaro_reference_get_plan_note (reference));

  chiaro_reference_set_label (reference, "the logo");
  g_object_get (reference, "label", &label, NULL);
  g_assert_cmpstr (label, ==, "the logo");
  /* No label is NULL, never empty. */
  chiaro_reference_set_label (reference, "");
  g_assert_null (chiaro_reference_get_label (reference));

  chiaro_reference_set_thumbnail (reference, thumbnail);
  g_assert_true (chiaro_reference_get_thumbnail (reference) == thumbnail);
  chiaro_reference_set_plan_note (reference, "Made smaller to fit the model’s limits.");
  g_assert_cmpstr (chiaro_reference_get_plan_note (reference), ==,
                   "Made smaller to fit the model’s limits.");
}

static void
test_insert (void)
{
  g_autoptr(ChiaroReferenceList) list = chiaro_reference_list_new ();
  g_autoptr(ChiaroReference) first = make_reference (1);
  g_autoptr(ChiaroReference) middle = make_reference (3);
  g_autoptr(GError) error = NULL;
  Watch watch = { 0, };
  guint position = 99;

  watch_init (&watch, list);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == CHIARO_TYPE_REFERENCE);
  g_assert_cmpuint (chiaro_reference_list_get_limit (list), ==, CHIARO_REFERENCE_LIST_MAX);

  append (list, 2);
  watch_check (&watch, list, "(0,0,1)", 1);
  g_assert_true (chiaro_reference_list_insert (list, 0, first, &error));
  watch_check (&watch, list, "(0,0,1)", 1);
  g_assert_true (chiaro_reference_list_insert (list, 1, middle, &error));
  watch_check (&watch, list, "(1,0,1)", 1);
  /* Past the end appends. */
  {
    g_autoptr(ChiaroReference) last = make_reference (4);

    g_assert_true (chiaro_reference_list_insert (list, 40, last, &error));
    g_assert_no_error (error);
  }
  watch_check (&watch, list, "(3,0,1)", 1);
  ASSERT_ORDER (list, "1 3 2 4");

  g_assert_true (chiaro_reference_list_find (list, chiaro_reference_get_hash (middle), &position)
                 == middle);
  g_assert_cmpuint (position, ==, 1);
  {
    g_autofree char *absent = hash_for (50);

    g_assert_null (chiaro_reference_list_find (list, absent, NULL));
  }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 4));

  chiaro_reference_list_remove (list, 1);
  watch_check (&watch, list, "(1,1,0)", 1);
  ASSERT_ORDER (list, "1 2 4");

  chiaro_reference_list_remove_all (list);
  watch_check (&watch, list, "(0,3,0)", 1);
  chiaro_reference_list_remove_all (list);
  watch_check (&watch, list, "", 0);

  watch_clear (&watch, list);
}

static void
test_limit (void)
{
  g_autoptr(ChiaroReferenceList) list = chiaro_reference_list_new ();
  g_autoptr(ChiaroReference) extra = make_reference (20);
  g_autoptr(ChiaroReference) one_more = make_reference (30);
  g_autoptr(GError) error = NULL;
  guint n_items = 0;
  Watch watch = { 0, };

  for (guint i = 0; i < CHIARO_REFERENCE_LIST_MAX; i++)
    append (list, i);
  g_assert_false (chiaro_reference_list_is_over_limit (list));
  g_object_get (list, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 14);

  watch_init (&watch, list);

  /* Full at 14. */
  g_assert_false (chiaro_reference_list_insert (list, G_MAXUINT, extra, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_REFERENCES_FULL);
  g_assert_cmpstr (error->message, ==, "The tray is full: this model takes 14 reference images. "
                   "Remove one to add another.");
  g_clear_error (&error);
  watch_check (&watch, list, "", 0);

  /* A model that takes fewer: nothing is dropped, but the tray says it is over. The limit is
   * not saved state: no "changed". */
  chiaro_reference_list_set_limit (list, 3);
  g_assert_cmpuint (chiaro_reference_list_get_limit (list), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 14);
  g_assert_true (chiaro_reference_list_is_over_limit (list));
  watch_check (&watch, list, "", 0);
  g_assert_false (chiaro_reference_list_insert (list, 0, extra, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_REFERENCES_FULL);
  g_clear_error (&error);

  for (guint i = 0; i < 11; i++)
    chiaro_reference_list_remove (list, 0);
  g_assert_false (chiaro_reference_list_is_over_limit (list));
  g_assert_false (chiaro_reference_list_insert (list, 0, extra, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_REFERENCES_FULL);
  g_clear_error (&error);

  chiaro_reference_list_remove (list, 0);
  g_assert_true (chiaro_reference_list_insert (list, 0, extra, &error));
  g_assert_no_error (error);

  /* A model that takes one. */
  g_object_set (list, "limit", 1, NULL);
  g_assert_true (chiaro_reference_list_is_over_limit (list));
  g_assert_false (chiaro_reference_list_insert (list, 0, one_more, &error));
  g_assert_cmpstr (error->message, ==, "The tray is full: this model takes 1 reference image. "
                   "Remove one to add another.");

  watch_clear (&watch, list);
}

static void
test_duplicates (void)
{
  g_autoptr(ChiaroReferenceList) list = chiaro_reference_list_new ();
  g_autoptr(ChiaroReference) again = make_reference (1);
  g_autofree char *hash = hash_for (2);
  g_autoptr(ChiaroReference) unnamed = chiaro_reference_new (hash, "image/png", 1, 1, NULL);
  g_autoptr(ChiaroReference) unnamed_again = chiaro_reference_new (hash, "image/png", 1, 1,
                                                                    "other.png");
  g_autoptr(GError) error = NULL;

  append (list, 1);

  /* The same bytes under another name are the same image. */
  g_assert_false (chiaro_reference_list_insert (list, G_MAXUINT, again, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE);
  g_assert_cmpstr (error->message, ==, "This image is already in the tray, as “photo-1.jpg”.");
  g_clear_error (&error);

  g_assert_true (chiaro_reference_list_insert (list, G_MAXUINT, unnamed, &error));
  g_assert_false (chiaro_reference_list_insert (list, G_MAXUINT, unnamed, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE);
  g_assert_cmpstr (error->message, ==, "This image is already in the tray.");
  g_clear_error (&error);

  /* A full tray still says the image is there already: that is what the user can act on. */
  chiaro_reference_list_set_limit (list, 2);
  g_assert_false (chiaro_reference_list_insert (list, 0, unnamed_again, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE);
  ASSERT_ORDER (list, "1 2");
}

static void
test_move (void)
{
  g_autoptr(ChiaroReferenceList) list = chiaro_reference_list_new ();
  Watch watch = { 0, };

  for (guint i = 0; i < 5; i++)
    append (list, i);
  watch_init (&watch, list);

  chiaro_reference_list_move (list, 0, 3);
  ASSERT_ORDER (list, "1 2 3 0 4");
  watch_check (&watch, list, "(0,4,4)", 1);

  chiaro_reference_list_move (list, 4, 0);
  ASSERT_ORDER (list, "4 1 2 3 0");
  watch_check (&watch, list, "(0,5,5)", 1);

  chiaro_reference_list_move (list, 2, 3);
  ASSERT_ORDER (list, "4 1 3 2 0");
  watch_check (&watch, list, "(2,2,2)", 1);

  chiaro_reference_list_move (list, 3, 3);
  ASSERT_ORDER (list, "4 1 3 2 0");
  watch_check (&watch, list, "", 0);

  watch_clear (&watch, list);
}

static void
test_labels (void)
{
  g_autoptr(ChiaroReferenceList) list = chiaro_reference_list_new ();
  g_autoptr(ChiaroReference) reference = NULL;
  Watch watch = { 0, };

  append (list, 1);
  append (list, 2);
  reference = g_list_model_get_item (G_LIST_MODEL (list), 1);
  watch_init (&watch, list);

  /* A label is saved state: "changed", but the list itself does not change. */
  chiaro_reference_set_label (reference, "the bottle");
  watch_check (&watch, list, "", 1);
  chiaro_reference_set_label (reference, "the bottle");
  watch_check (&watch, list, "", 0);
  chiaro_reference_set_thumbnail (reference, NULL);
  chiaro_reference_set_plan_note (reference, "Re-encoded as JPEG.");
  watch_check (&watch, list, "", 0);

  /* Once out of the tray, it is not the tray's. */
  chiaro_reference_list_remove (list, 1);
  watch_check (&watch, list, "(1,1,0)", 1);
  chiaro_reference_set_label (reference, "the can");
  watch_check (&watch, list, "", 0);

  watch_clear (&watch, list);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/references/reference", test_reference);
  g_test_add_func ("/chiaro/references/insert", test_insert);
  g_test_add_func ("/chiaro/references/limit", test_limit);
  g_test_add_func ("/chiaro/references/duplicates", test_duplicates);
  g_test_add_func ("/chiaro/references/move", test_move);
  g_test_add_func ("/chiaro/references/labels", test_labels);

  return g_test_run ();
}
