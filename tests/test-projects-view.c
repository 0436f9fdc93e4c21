/* test-projects-view.c — the start view in a real window: cards, open, rename, delete, empty
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Projects are made on disk through the project store and state; the trash is kept under an
 * XDG_DATA_HOME inside the build.
 */

#include "config.h"

#include <string.h>

#include "chiaro-project-card.h"
#include "chiaro-project-state.h"
#include "chiaro-project-store.h"
#include "chiaro-projects-view.h"
#include "chiaro-session.h"
#include "chiaro-test-projects.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"

#define RED   0xff0000
#define GREEN 0x00c000
#define BLUE  0x0000ff

static ChiaroApplication *application;
static char *data_home;

typedef struct
{
  char               *path;
  ChiaroSession      *session;
  GFile              *projects_dir;
  GFile              *beach;
  GFile              *lighthouse;
  GFile              *forest;
  GtkWidget          *window;
  ChiaroProjectsView *view;
  ChiaroProjectList  *list;
  GFile              *opened;
  guint               n_new_from_photo;
  guint               n_new_from_prompt;
} Fixture;

static GtkWidget *
find_by_id (GtkWidget  *root,
            const char *id)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_id (child, id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkFlowBox *
flow_box (Fixture *f)
{
  GtkWidget *box = find_by_id (GTK_WIDGET (f->view), "flow_box");

  g_assert_nonnull (box);
  return GTK_FLOW_BOX (box);
}

static guint
n_cards (Fixture *f)
{
  guint n = 0;

  while (gtk_flow_box_get_child_at_index (flow_box (f), n) != NULL)
    n++;
  return n;
}

static ChiaroProjectCard *
card_at (Fixture *f,
         guint    index)
{
  GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (flow_box (f), index);

  g_assert_nonnull (child);
  return CHIARO_PROJECT_CARD (gtk_flow_box_child_get_child (child));
}

static const char *
card_title (ChiaroProjectCard *card)
{
  return chiaro_project_info_get_title (chiaro_project_card_get_info (card));
}

static gboolean
view_settled (gpointer user_data)
{
  Fixture *f = user_data;
  guint n = n_cards (f);

  if (chiaro_project_list_get_loading (f->list) || chiaro_projects_view_get_busy (f->view))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      ChiaroProjectCard *card = card_at (f, i);

      if (chiaro_project_info_get_thumbnail_hash (chiaro_project_card_get_info (card)) != NULL &&
          !chiaro_project_card_get_thumbnail_loaded (card))
        return FALSE;
    }

  return TRUE;
}

static void
settle (Fixture *f)
{
  g_assert_true (chiaro_test_wait_until (view_settled, f, 30));
  g_assert_true (chiaro_test_wait_for_paint (f->window));
}

static void
on_open_project (ChiaroProjectsView *view,
                 GFile              *dir,
                 Fixture            *f)
{
  g_set_object (&f->opened, dir);
}

static void
on_new_from_photo (ChiaroProjectsView *view,
                   Fixture            *f)
{
  f->n_new_from_photo++;
}

static void
on_new_from_prompt (ChiaroProjectsView *view,
                    Fixture            *f)
{
  f->n_new_from_prompt++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GFile) data_dir = NULL;
  gboolean empty = GPOINTER_TO_INT (data);

  f->path = chiaro_test_clean_data_path ();
  data_dir = g_file_new_for_path (f->path);
  f->session = chiaro_session_new (data_dir);
  f->projects_dir = chiaro_session_get_projects_dir (f->session);

  if (!empty)
    {
      /* Oldest first. */
      f->forest = chiaro_session_new_project_dir (f->session);
      chiaro_test_make_project (f->forest, "Forest", NULL, 1, GREEN);
      f->lighthouse = chiaro_session_new_project_dir (f->session);
      chiaro_test_make_project (f->lighthouse, NULL, "a lighthouse at dusk, oil painting", 1,
                                BLUE);
      f->beach = chiaro_session_new_project_dir (f->session);
      chiaro_test_make_project (f->beach, "Beach", NULL, 2, RED);
    }

  f->list = chiaro_project_list_new (f->projects_dir);
  f->window = g_object_ref (gtk_window_new ());
  gtk_window_set_decorated (GTK_WINDOW (f->window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 720);
  f->view = CHIARO_PROJECTS_VIEW (chiaro_projects_view_new (f->list));
  g_signal_connect (f->view, "open-project", G_CALLBACK (on_open_project), f);
  g_signal_connect (f->view, "new-from-photo", G_CALLBACK (on_new_from_photo), f);
  g_signal_connect (f->view, "new-from-prompt", G_CALLBACK (on_new_from_prompt), f);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->view));
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  /* Mapping the view scanned the folder. */
  settle (f);
}

static gboolean
is_null (gpointer user_data)
{
  return g_atomic_pointer_get ((gpointer *) user_data) == NULL;
}

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gpointer weak_list = f->list;
  guint tick;

  g_assert_true (chiaro_test_wait_until (view_settled, f, 30));
  g_object_add_weak_pointer (G_OBJECT (f->view), (gpointer *) &f->view);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (f->window);
  g_assert_null (f->view);

  /* The list may go last on a worker, just after its scan handed over. */
  g_object_add_weak_pointer (G_OBJECT (f->list), &weak_list);
  g_object_unref (f->list);
  tick = g_timeout_add (5, on_tick, NULL);
  g_assert_true (chiaro_test_wait_until (is_null, &weak_list, 10));
  g_source_remove (tick);

  g_clear_object (&f->opened);
  g_clear_object (&f->beach);
  g_clear_object (&f->lighthouse);
  g_clear_object (&f->forest);
  g_clear_object (&f->projects_dir);
  g_clear_object (&f->session);
  chiaro_test_remove_tree (f->path);
  g_free (f->path);
}

static void
screenshot (Fixture    *f,
            const char *name,
            gboolean    dark)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  if (dark)
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  chiaro_test_save_screenshot (f->window, name);
  if (dark)
    adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
}

/* The colour in the middle of a card's thumbnail, as on screen. */
static void
thumbnail_colour (Fixture           *f,
                  GdkTexture        *texture,
                  ChiaroProjectCard *card,
                  guint8             rgb[3])
{
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (card), f->window,
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (
                                                                   GTK_WIDGET (card)) / 2.f,
                                                                 80),
                                           &point));
  g_assert_true (chiaro_test_read_pixel (texture, (int) point.x, (int) point.y, rgb));
}

static void
assert_colour (const guint8 rgb[3],
               guint32      expected)
{
  g_assert_cmpint (ABS (rgb[0] - (int) (expected >> 16 & 0xff)), <=, 2);
  g_assert_cmpint (ABS (rgb[1] - (int) (expected >> 8 & 0xff)), <=, 2);
  g_assert_cmpint (ABS (rgb[2] - (int) (expected & 0xff)), <=, 2);
}

static ChiaroProjectState *
read_state (GFile *dir)
{
  g_autofree char *path = g_build_filename (g_file_peek_path (dir), "project.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *contents = NULL;
  gsize size = 0;
  ChiaroProjectState *state;

  g_file_get_contents (path, &contents, &size, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (contents, size);
  state = chiaro_project_state_new_from_json (bytes, &error);
  g_assert_no_error (error);
  return state;
}

static AdwMessageDialog *
find_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

static gboolean
dialog_shown (gpointer user_data)
{
  AdwMessageDialog *dialog = find_dialog ();

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
no_dialog (gpointer user_data)
{
  return find_dialog () == NULL;
}

static AdwMessageDialog *
wait_for_dialog (void)
{
  AdwMessageDialog *dialog;

  g_assert_true (chiaro_test_wait_until (dialog_shown, NULL, 10));
  dialog = find_dialog ();
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (dialog)));
  return dialog;
}

static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  /* As a click on the response's button: the response, then the dialog closes. */
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (chiaro_test_wait_until (no_dialog, NULL, 10));
}

static void
test_cards (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *label;
  guint8 rgb[3];

  /* Three cards, newest first, each with its title and details. */
  g_assert_cmpuint (n_cards (f), ==, 3);
  g_assert_cmpstr (card_title (card_at (f, 0)), ==, "Beach");
  g_assert_cmpstr (card_title (card_at (f, 1)), ==, "a lighthouse at dusk, oil painting");
  g_assert_cmpstr (card_title (card_at (f, 2)), ==, "Forest");
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (card_at (f, 0)), "Beach"));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (card_at (f, 0)), "Today · 3 images"));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (card_at (f, 1)), "Today · 1 image"));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (f->view), "Recent Projects"));
  g_assert_null (chiaro_test_find_label (GTK_WIDGET (f->view), "No Projects Yet"));

  /* The thumbnails are on screen: each card shows its cursor's colour. */
  for (guint i = 0; i < 3; i++)
    g_assert_true (chiaro_project_card_get_thumbnail_loaded (card_at (f, i)));
  texture = chiaro_test_render_widget (f->window);
  thumbnail_colour (f, texture, card_at (f, 0), rgb);
  assert_colour (rgb, RED);
  thumbnail_colour (f, texture, card_at (f, 1), rgb);
  assert_colour (rgb, BLUE);
  thumbnail_colour (f, texture, card_at (f, 2), rgb);
  assert_colour (rgb, GREEN);

  /* Activating a card asks to open its folder. */
  gtk_widget_activate (GTK_WIDGET (gtk_flow_box_get_child_at_index (flow_box (f), 1)));
  g_assert_nonnull (f->opened);
  g_assert_true (g_file_equal (f->opened, f->lighthouse));

  /* The two buttons. */
  label = chiaro_test_find_label (GTK_WIDGET (f->view), "New from Photo…");
  g_assert_nonnull (label);
  g_signal_emit_by_name (gtk_widget_get_ancestor (label, GTK_TYPE_BUTTON), "clicked");
  g_assert_cmpuint (f->n_new_from_photo, ==, 1);
  label = chiaro_test_find_label (GTK_WIDGET (f->view), "New from Prompt");
  g_signal_emit_by_name (gtk_widget_get_ancestor (label, GTK_TYPE_BUTTON), "clicked");
  g_assert_cmpuint (f->n_new_from_prompt, ==, 1);

  screenshot (f, "projects-view.png", FALSE);
  screenshot (f, "projects-view-dark.png", TRUE);
}

static void
test_rename (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ChiaroProjectState) state = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  g_assert_cmpstr (card_title (card_at (f, 2)), ==, "Forest");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_at (f, 2)), "card.rename", NULL));
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Rename Project");
  entry = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_ENTRY (entry));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Forest");

  /* An empty name cannot be given. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "  ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Pine Forest in Fog");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "rename"));
  answer (dialog, "rename");
  settle (f);

  state = read_state (f->forest);
  g_assert_cmpstr (state->name, ==, "Pine Forest in Fog");
  /* Saved now, so it is the newest. */
  g_assert_cmpstr (card_title (card_at (f, 0)), ==, "Pine Forest in Fog");
  g_assert_true (g_file_equal (chiaro_project_info_get_dir (
                                 chiaro_project_card_get_info (card_at (f, 0))), f->forest));
  g_assert_cmpuint (n_cards (f), ==, 3);

  /* Cancelling changes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_at (f, 1)), "card.rename", NULL));
  dialog = wait_for_dialog ();
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Nope");
  answer (dialog, "cancel");
  settle (f);
  g_assert_cmpstr (card_title (card_at (f, 1)), ==, "Beach");
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  AdwMessageDialog *dialog;

  g_assert_cmpstr (card_title (card_at (f, 0)), ==, "Beach");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_at (f, 0)), "card.delete", NULL));
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Beach”?");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");

  /* Cancel first: still there. */
  answer (dialog, "cancel");
  settle (f);
  g_assert_true (g_file_query_exists (f->beach, NULL));
  g_assert_cmpuint (n_cards (f), ==, 3);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_at (f, 0)), "card.delete", NULL));
  answer (wait_for_dialog (), "delete");
  settle (f);
  g_assert_false (g_file_query_exists (f->beach, NULL));
  g_assert_cmpuint (n_cards (f), ==, 2);
  g_assert_cmpstr (card_title (card_at (f, 0)), ==, "a lighthouse at dusk, oil painting");
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (f->view), "“Beach” moved to the trash"));
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ChiaroProjectStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_file_get_uri (f->beach);

  store = chiaro_project_store_open (f->beach, CHIARO_PROJECT_STORE_OPEN_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "projects.refresh", NULL));
  settle (f);

  /* Marked open; its menu cannot rename or delete it. */
  g_assert_true (chiaro_project_info_get_locked (chiaro_project_card_get_info (card_at (f, 0))));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (card_at (f, 0)), "Open"));
  g_assert_true (gtk_widget_get_visible (chiaro_test_find_label (GTK_WIDGET (card_at (f, 0)),
                                                                 "Open")));
  g_assert_false (gtk_widget_get_visible (chiaro_test_find_label (GTK_WIDGET (card_at (f, 1)),
                                                                  "Open")));
  screenshot (f, "projects-view-open.png", FALSE);

  /* Asked all the same (the menu was open before it was locked): refused, and kept. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "projects.delete", "s", uri));
  answer (wait_for_dialog (), "delete");
  settle (f);
  g_assert_true (g_file_query_exists (f->beach, NULL));
  g_assert_cmpuint (n_cards (f), ==, 3);
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (f->view), "open in another window"));
}

static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GFile) damaged = chiaro_session_new_project_dir (f->session);
  ChiaroProjectCard *card;

  chiaro_test_make_damaged_project (damaged);
  chiaro_project_list_refresh (f->list);
  settle (f);

  g_assert_cmpuint (n_cards (f), ==, 4);
  card = card_at (f, 0);
  g_assert_true (chiaro_project_info_is_damaged (chiaro_project_card_get_info (card)));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (card), "Damaged Project"));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (card), "Cannot be read"));
  g_assert_false (chiaro_project_card_get_thumbnail_loaded (card));
  screenshot (f, "projects-view-damaged.png", FALSE);
  screenshot (f, "projects-view-damaged-dark.png", TRUE);
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  GtkWidget *clamp = find_by_id (GTK_WIDGET (f->view), "recent_clamp");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 0);
  g_assert_cmpuint (n_cards (f), ==, 0);
  g_assert_false (gtk_widget_get_visible (clamp));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (f->view), "No Projects Yet"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "projects.new-from-prompt",
                                             NULL));
  g_assert_cmpuint (f->n_new_from_prompt, ==, 1);

  screenshot (f, "projects-view-empty.png", FALSE);
  screenshot (f, "projects-view-empty-dark.png", TRUE);

  /* A project made elsewhere shows up on refresh. */
  f->beach = chiaro_session_new_project_dir (f->session);
  chiaro_test_make_project (f->beach, "Beach", NULL, 0, RED);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "projects.refresh", NULL));
  settle (f);
  g_assert_cmpuint (n_cards (f), ==, 1);
  g_assert_true (gtk_widget_get_visible (clamp));
  g_assert_null (chiaro_test_find_label (GTK_WIDGET (f->view), "No Projects Yet"));
}

static void
test_format_date (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_utc ();
  g_autoptr(GDateTime) now = g_date_time_new (zone, 2026, 3, 12, 10, 30, 0);   /* Thursday */
  struct { int year, month, day, hour; const char *expected; } cases[] = {
    { 2026, 3, 12, 0, "Today" },
    { 2026, 3, 11, 23, "Yesterday" },
    { 2026, 3, 9, 12, "Monday" },
    { 2026, 3, 6, 12, "Friday" },
    { 2026, 3, 5, 12, "March 5" },
    { 2025, 12, 31, 12, "December 31, 2025" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) when = g_date_time_new (zone, cases[i].year, cases[i].month,
                                                   cases[i].day, cases[i].hour, 0, 0);
      g_autofree char *text = chiaro_project_card_format_date (
        g_date_time_to_unix (when) * G_USEC_PER_SEC, now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Deleted projects go to the trash under the user's data folder: keep it in the build. */
  data_home = chiaro_test_data_path ("projects-view-xdg-data");
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_mkdir_with_parents (data_home, 0700);

  if (!(application = chiaro_test_create_application ()))
    return 0;

#define ADD(path, func, empty) \
  g_test_add ("/chiaro/ui/projects-view/" path, Fixture, GINT_TO_POINTER (empty), \
              fixture_set_up, func, fixture_tear_down)
  ADD ("cards", test_cards, FALSE);
  ADD ("rename", test_rename, FALSE);
  ADD ("delete", test_delete, FALSE);
  ADD ("locked", test_locked, FALSE);
  ADD ("damaged", test_damaged, FALSE);
  ADD ("empty", test_empty, TRUE);
#undef ADD
  g_test_add_func ("/chiaro/ui/projects-view/format-date", test_format_date);

  status = g_test_run ();

  g_clear_object (&application);
  chiaro_test_remove_tree (data_home);
  g_free (data_home);
  return status;
}
