/* test-workflows.c — packs, draft → final, presets, export and the clipboard in a real window
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Windows open a photo into a project that sends to the in-process mock server (the key from
 * the environment, the address from the settings), then drive the actions and dialogs of
 * issue 6 and assert on the requests the mock received, the history, the files written and
 * the clipboard.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "chiaro-application.h"
#include "chiaro-application-private.h"
#include "chiaro-export-dialog.h"
#include "chiaro-generation-controls.h"
#include "chiaro-message-row.h"
#include "chiaro-mock-server.h"
#include "chiaro-pack-dialog.h"
#include "chiaro-presets-popover.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-util.h"
#include "chiaro-window.h"

static ChiaroApplication *application;
static ChiaroMockServer *mock;

/* Helpers */

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
create_project_window (void)
{
  ChiaroWindow *window = g_object_ref (chiaro_window_new (application));
  g_autoptr(GFile) file = chiaro_test_fixture_file ("images", "exif-orientation",
                                                    "Landscape_1.jpg", NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));

  chiaro_mock_server_clear_requests (mock);
  chiaro_mock_server_set_delay_ms (mock, 0);
  chiaro_window_open_file (window, file);
  wait_settled (window);
  g_assert_nonnull (chiaro_window_get_document (window));

  return window;
}

static void
destroy_window (ChiaroWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
activate (GtkWidget  *widget,
          const char *action,
          GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (widget, action, parameter));
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
send_and_wait (ChiaroWindow *window,
               const char   *prompt)
{
  chiaro_document_set_prompt (chiaro_window_get_document (window), prompt);
  activate (GTK_WIDGET (window), "win.send", NULL);
  wait_settled (window);
}

/* The toplevel of @type, or NULL. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static GtkWidget *
find_css (GtkWidget  *root,
          const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_css (child, css_class);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* generationConfig.imageConfig.@member of a request, or NULL. */
static char *
dup_image_config (ChiaroMockRequest *request,
                  const char        *member)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (request->body, NULL),
                                             g_bytes_get_size (request->body), NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (object, "generationConfig"))
    return NULL;
  object = json_object_get_object_member (object, "generationConfig");
  if (!json_object_has_member (object, "imageConfig"))
    return NULL;
  object = json_object_get_object_member (object, "imageConfig");
  if (!json_object_has_member (object, member))
    return NULL;

  return g_strdup (json_object_get_string_member (object, member));
}

static void
save_dark_and_light (GtkWidget  *widget,
                     const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("%s-light.png", name);
  g_autofree char *dark = g_strdup_printf ("%s-dark.png", name);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_true (chiaro_test_wait_for_paint (widget));
  chiaro_test_save_screenshot (widget, light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (chiaro_test_wait_for_paint (widget));
  chiaro_test_save_screenshot (widget, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* Packs */

static gboolean
has_n_pending (gpointer user_data)
{
  return chiaro_window_get_n_pending (CHIARO_WINDOW (user_data)) == 5;
}

/* The pack dialog offers the marketer set ticked, shows the estimate of the whole pack, and
 * sends one request per ratio, all at once, each with its aspectRatio; the strip shows the
 * five answers as one pack. */
static void
test_pack (void)
{
  ChiaroWindow *window = create_project_window ();
  ChiaroDocument *document = chiaro_window_get_document (window);
  ChiaroHistoryStrip *strip = chiaro_window_get_history_strip (window);
  const char *expected[] = { "1:1", "4:5", "9:16", "16:9", "21:9", NULL };
  ChiaroPackDialog *dialog;
  g_auto(GStrv) ratios = NULL;
  g_autofree char *price = NULL;
  g_autoptr(GPtrArray) pack = NULL;
  gboolean seen[5] = { FALSE, };
  const char *pack_id;
  double cost;

  chiaro_document_set_prompt (document, "A bottle of olive oil on a marble table");
  activate (GTK_WIDGET (window), "win.make-pack", NULL);
  dialog = CHIARO_PACK_DIALOG (find_toplevel (CHIARO_TYPE_PACK_DIALOG));
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);

  ratios = chiaro_pack_dialog_dup_ratios (dialog);
  g_assert_cmpstrv (ratios, expected);
  g_assert_true (chiaro_pack_dialog_set_image_size (dialog, "2K"));
  g_assert_false (chiaro_pack_dialog_set_image_size (dialog, "8K"));
  g_assert_false (chiaro_pack_dialog_set_ratio_active (dialog, "7:3", TRUE));

  /* The estimate is the document's for exactly this pack. */
  cost = chiaro_document_estimate_pack_cost (document, expected, "2K", 1);
  g_assert_cmpfloat (cost, >, 0);
  price = g_strdup_printf ("$%.2f for 5 images", cost);
  g_assert_nonnull (strstr (chiaro_pack_dialog_get_cost_text (dialog), price));

  chiaro_pack_dialog_set_variants (dialog, 2);
  g_clear_pointer (&price, g_free);
  price = g_strdup_printf ("$%.2f for 10 images",
                           chiaro_document_estimate_pack_cost (document, expected, "2K", 2));
  g_assert_nonnull (strstr (chiaro_pack_dialog_get_cost_text (dialog), price));
  chiaro_pack_dialog_set_variants (dialog, 1);

  /* No ratio: nothing to send. */
  for (guint i = 0; expected[i] != NULL; i++)
    chiaro_pack_dialog_set_ratio_active (dialog, expected[i], FALSE);
  g_assert_cmpstr (chiaro_pack_dialog_get_cost_text (dialog), ==, "Choose at least one ratio");
  chiaro_pack_dialog_send (dialog);
  g_assert_nonnull (dialog);
  for (guint i = 0; expected[i] != NULL; i++)
    chiaro_pack_dialog_set_ratio_active (dialog, expected[i], TRUE);

  save_dark_and_light (GTK_WIDGET (dialog), "workflows-pack-dialog");

  /* All five in flight together. */
  chiaro_mock_server_set_delay_ms (mock, 400);
  chiaro_pack_dialog_send (dialog);
  g_assert_null (dialog);
  g_assert_true (chiaro_test_wait_until (has_n_pending, window, 10));
  wait_settled (window);
  chiaro_mock_server_set_delay_ms (mock, 0);

  g_assert_cmpuint (chiaro_mock_server_get_n_requests (mock), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      ChiaroMockRequest *request = chiaro_mock_server_get_request (mock, i);
      g_autofree char *ratio = dup_image_config (request, "aspectRatio");
      g_autofree char *size = dup_image_config (request, "imageSize");

      g_assert_cmpuint (request->status, ==, 200);
      g_assert_cmpstr (size, ==, "2K");
      g_assert_nonnull (ratio);
      for (guint k = 0; k < 5; k++)
        if (g_str_equal (ratio, expected[k]))
          {
            g_assert_false (seen[k]);
            seen[k] = TRUE;
          }
    }
  for (guint k = 0; k < 5; k++)
    g_assert_true (seen[k]);

  /* One pack in the history and in the strip. */
  pack_id = chiaro_history_entry_get_turn (window_cursor (window))->pack_id;
  g_assert_nonnull (pack_id);
  pack = chiaro_history_dup_pack_entries (window_history (window), pack_id);
  g_assert_cmpuint (pack->len, ==, 5);
  g_assert_cmpuint (chiaro_history_strip_get_n_items (strip), ==, 6);
  for (guint i = 1; i < 6; i++)
    g_assert_cmpstr (chiaro_history_entry_get_turn (chiaro_history_strip_get_entry (strip, i))->pack_id,
                     ==, pack_id);
  g_assert_nonnull (find_css (GTK_WIDGET (strip), "history-pack"));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (strip), "9:16"));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window)));
  save_dark_and_light (GTK_WIDGET (window), "workflows-pack-window");

  /* Export Pack offers the five. */
  activate (GTK_WIDGET (window), "win.export-pack", NULL);
  {
    ChiaroExportDialog *export = CHIARO_EXPORT_DIALOG (find_toplevel (CHIARO_TYPE_EXPORT_DIALOG));

    g_assert_nonnull (export);
    g_assert_cmpint (chiaro_export_dialog_get_kind (export), ==, CHIARO_EXPORT_KIND_IMAGES);
    g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (export)), ==, "Export 5 Images");
    gtk_window_destroy (GTK_WINDOW (export));
  }

  destroy_window (window);
}

/* Draft → final */

/* A 1K draft rendered again at 4K: the same conversation with imageSize 4K, the answer a
 * sibling of the draft. */
static void
test_render_final (void)
{
  ChiaroWindow *window = create_project_window ();
  ChiaroDocument *document = chiaro_window_get_document (window);
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  ChiaroHistoryEntry *draft;
  ChiaroHistoryEntry *final;
  ChiaroMockRequest *request;
  g_autofree char *size = NULL;
  g_autofree char *draft_ratio = NULL;
  g_autofree char *final_ratio = NULL;
  g_autofree char *body = NULL;

  options = chiaro_generation_options_copy (chiaro_document_get_options (document));
  g_free (options->image_size);
  options->image_size = g_strdup ("1K");
  chiaro_document_set_options (document, options);
  send_and_wait (window, "Warmer light, like late afternoon");
  draft = window_cursor (window);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (mock), ==, 1);
  draft_ratio = dup_image_config (chiaro_mock_server_get_request (mock, 0), "aspectRatio");

  activate (GTK_WIDGET (chiaro_window_get_history_strip (window)), "history.render-final",
            g_variant_new ("(ss)", chiaro_history_entry_get_id (draft), "4K"));
  wait_settled (window);

  g_assert_cmpuint (chiaro_mock_server_get_n_requests (mock), ==, 2);
  request = chiaro_mock_server_get_request (mock, 1);
  g_assert_cmpuint (request->status, ==, 200);
  size = dup_image_config (request, "imageSize");
  g_assert_cmpstr (size, ==, "4K");
  final_ratio = dup_image_config (request, "aspectRatio");
  g_assert_cmpstr (final_ratio, ==, draft_ratio);
  body = g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));
  g_assert_nonnull (strstr (body, "Warmer light, like late afternoon"));

  g_assert_cmpuint (chiaro_history_entry_get_n_children (chiaro_history_entry_get_parent (draft)),
                    ==, 2);
  final = chiaro_history_entry_get_child (chiaro_history_entry_get_parent (draft), 1);
  g_assert_true (final != draft);
  g_assert_true (chiaro_history_entry_get_parent (final) == chiaro_history_entry_get_parent (draft));
  g_assert_cmpstr (chiaro_history_entry_get_turn (final)->options->image_size, ==, "4K");

  destroy_window (window);
}

/* Presets */

static gboolean
library_has_user_presets (gpointer user_data)
{
  ChiaroPresetLibrary *library = user_data;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (library)); i++)
    {
      g_autoptr(ChiaroPreset) preset = g_list_model_get_item (G_LIST_MODEL (library), i);

      if (!chiaro_preset_get_builtin (preset))
        return TRUE;
    }

  return FALSE;
}

static ChiaroPreset *
find_preset (ChiaroPresetLibrary *library,
             const char          *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (library)); i++)
    {
      g_autoptr(ChiaroPreset) preset = g_list_model_get_item (G_LIST_MODEL (library), i);

      if (g_str_equal (chiaro_preset_get_name (preset), name))
        return preset;
    }

  return NULL;
}

static void
on_message (GObject    *object,
            const char *message,
            char      **out)
{
  g_free (*out);
  *out = g_strdup (message);
}

/* What the next start of Chiaro reads: a new library on the same file. */
static ChiaroPresetLibrary *
reload (ChiaroPresetLibrary *library)
{
  ChiaroPresetLibrary *fresh = chiaro_preset_library_new (chiaro_preset_library_get_file (library));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  chiaro_preset_library_load_async (fresh, NULL, chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &result, 30));
  g_assert_true (chiaro_preset_library_load_finish (fresh, result, &error));
  g_assert_no_error (error);

  return fresh;
}

static gboolean
file_mentions (GFile      *file,
               const char *text)
{
  g_autofree char *contents = NULL;

  if (!g_file_load_contents (file, NULL, &contents, NULL, NULL, NULL))
    return FALSE;

  return strstr (contents, text) != NULL;
}

typedef struct
{
  GFile *file;
  const char *text;
  gboolean present;
} FileCheck;

static gboolean
file_check_holds (gpointer user_data)
{
  FileCheck *check = user_data;

  return file_mentions (check->file, check->text) == check->present;
}

static void
wait_file (GFile      *file,
           const char *text,
           gboolean    present)
{
  FileCheck check = { file, text, present };

  g_assert_true (chiaro_test_wait_until (file_check_holds, &check, 30));
}

/* Built-ins by category; inserting fills the prompt and the options the preset carries;
 * saving a turn's prompt asks for a name and is read back by a new library (as after a
 * restart), as are a rename and a deletion. */
static void
test_presets (void)
{
  ChiaroWindow *window = create_project_window ();
  ChiaroDocument *document = chiaro_window_get_document (window);
  ChiaroPresetLibrary *library = chiaro_application_get_preset_library (application);
  ChiaroPresetsPopover *popover;
  GtkListBoxRow *row;
  ChiaroPreset *builtin;
  ChiaroPreset *saved;
  ChiaroPreset *sized;
  AdwMessageDialog *ask;
  g_autoptr(ChiaroPresetLibrary) restarted = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file = chiaro_preset_library_get_file (library);

  g_assert_nonnull (library);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (library)), >, 0);

  /* The popover lists every preset, under category headings. */
  popover = NULL;
  {
    GtkWidget *root = GTK_WIDGET (window);
    GtkWidget *stack[256];
    guint n = 0;

    stack[n++] = root;
    while (n > 0 && popover == NULL)
      {
        GtkWidget *widget = stack[--n];

        if (CHIARO_IS_GENERATION_CONTROLS (widget))
          popover = chiaro_generation_controls_get_presets_popover (CHIARO_GENERATION_CONTROLS (widget));
        for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL && n < 256;
             child = gtk_widget_get_next_sibling (child))
          stack[n++] = child;
      }
  }
  g_assert_nonnull (popover);
  g_assert_true (chiaro_presets_popover_get_library (popover) == library);
  g_assert_true (chiaro_presets_popover_get_document (popover) == document);
  gtk_popover_popup (GTK_POPOVER (popover));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (popover)));
  save_dark_and_light (GTK_WIDGET (popover), "workflows-presets");
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (popover), "Restoration"));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (popover), "Product"));
  g_assert_nonnull (chiaro_test_find_label (GTK_WIDGET (popover), "Social"));

  /* Activating the first row fills the prompt. */
  row = gtk_list_box_get_row_at_index (chiaro_presets_popover_get_list_box (popover), 0);
  builtin = g_object_get_data (G_OBJECT (row), "chiaro-preset");
  g_assert_true (chiaro_preset_get_builtin (builtin));
  g_signal_emit_by_name (chiaro_presets_popover_get_list_box (popover), "row-activated", row);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, chiaro_preset_get_prompt (builtin));

  /* A preset with options sets them. */
  sized = chiaro_preset_library_add (library, "Feed post", "Re-frame for the feed", "4:5", "2K",
                                     &error);
  g_assert_no_error (error);
  chiaro_presets_popover_apply (popover, sized);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "Re-frame for the feed");
  g_assert_cmpstr (chiaro_document_get_options (document)->aspect_ratio, ==, "4:5");
  g_assert_cmpstr (chiaro_document_get_options (document)->image_size, ==, "2K");
  chiaro_presets_popover_remove (popover, sized);

  /* Save a turn's prompt from the strip's menu: a name is asked for. */
  send_and_wait (window, "Remove the dust and scratches, keep the grain");
  activate (GTK_WIDGET (chiaro_window_get_history_strip (window)), "history.save-preset",
            g_variant_new_string (chiaro_history_entry_get_id (window_cursor (window))));
  ask = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (ask);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ask)), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (ask, "save"));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ask)),
                         "  Clean scan  ");
  adw_message_dialog_response (ask, "save");
  gtk_window_destroy (GTK_WINDOW (ask));

  g_assert_true (library_has_user_presets (library));
  saved = find_preset (library, "Clean scan");
  g_assert_nonnull (saved);
  g_assert_cmpstr (chiaro_preset_get_prompt (saved), ==,
                   "Remove the dust and scratches, keep the grain");
  wait_file (file, "Clean scan", TRUE);

  restarted = reload (library);
  g_assert_nonnull (find_preset (restarted, "Clean scan"));
  g_clear_object (&restarted);

  /* Rename, then delete: each saved. */
  chiaro_presets_popover_rename (popover, saved, "Clean old scan");
  g_assert_cmpstr (chiaro_preset_get_name (saved), ==, "Clean old scan");
  wait_file (file, "Clean old scan", TRUE);
  restarted = reload (library);
  g_assert_nonnull (find_preset (restarted, "Clean old scan"));
  g_assert_null (find_preset (restarted, "Clean scan"));
  g_clear_object (&restarted);

  chiaro_presets_popover_remove (popover, saved);
  g_assert_null (find_preset (library, "Clean old scan"));
  wait_file (file, "Clean old scan", FALSE);
  restarted = reload (library);
  g_assert_null (find_preset (restarted, "Clean old scan"));

  /* A built-in cannot be deleted; the popover says why. */
  {
    g_autofree char *message = NULL;

    g_signal_connect (popover, "error", G_CALLBACK (on_message), &message);
    chiaro_presets_popover_remove (popover, builtin);
    g_assert_nonnull (message);
    g_assert_nonnull (find_preset (library, chiaro_preset_get_name (builtin)));
  }

  gtk_popover_popdown (GTK_POPOVER (popover));
  destroy_window (window);
}

/* Export and the clipboard */

typedef struct
{
  char *exported;
  char *failed;
} ExportOutcome;

static void
on_exported (ChiaroExportDialog *dialog,
             const char         *message,
             ExportOutcome      *outcome)
{
  g_free (outcome->exported);
  outcome->exported = g_strdup (message);
}

static void
on_failed (ChiaroExportDialog *dialog,
           const char         *message,
           ExportOutcome      *outcome)
{
  g_free (outcome->failed);
  outcome->failed = g_strdup (message);
}

static gboolean
export_done (gpointer user_data)
{
  ExportOutcome *outcome = user_data;

  return outcome->exported != NULL || outcome->failed != NULL;
}

static ChiaroExportDialog *
open_export (ChiaroWindow  *window,
             const char    *action,
             ExportOutcome *outcome)
{
  ChiaroExportDialog *dialog;

  g_clear_pointer (&outcome->exported, g_free);
  g_clear_pointer (&outcome->failed, g_free);
  activate (GTK_WIDGET (window), action, NULL);
  dialog = CHIARO_EXPORT_DIALOG (find_toplevel (CHIARO_TYPE_EXPORT_DIALOG));
  g_assert_nonnull (dialog);
  g_signal_connect (dialog, "exported", G_CALLBACK (on_exported), outcome);
  g_signal_connect (dialog, "failed", G_CALLBACK (on_failed), outcome);

  return dialog;
}

static GBytes *
read_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static gboolean
bytes_contain (GBytes     *bytes,
               const char *text)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  gsize length = strlen (text);

  /* Binary data: search every position, not only up to the first NUL. */
  for (gsize i = 0; i + length <= size; i++)
    if (memcmp (data + i, text, length) == 0)
      return TRUE;

  return FALSE;
}

static void
on_texture_read (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GdkTexture **texture = user_data;

  *texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*texture == NULL)
    *texture = GINT_TO_POINTER (1);
}

static gboolean
pointer_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static gboolean
clipboard_has_texture (gpointer user_data)
{
  GdkContentFormats *formats = gdk_clipboard_get_formats (GDK_CLIPBOARD (user_data));

  return gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE);
}

/* Export Image writes a JPEG with the provenance, a PNG without any when the switch is off,
 * refuses to replace a file the chooser did not confirm; Export Starred fills the template
 * and never replaces a file; Export Comparison writes the before/after image; Copy Image
 * puts the full image on the clipboard; the safe zones follow the window's action. */
static void
test_export (void)
{
  ChiaroWindow *window = create_project_window ();
  ChiaroDocument *document = chiaro_window_get_document (window);
  ExportOutcome outcome = { NULL, NULL };
  ChiaroExportDialog *dialog;
  g_autofree char *folder = chiaro_test_clean_data_path ();
  g_autofree char *jpeg_path = g_build_filename (folder, "edit.jpg", NULL);
  g_autofree char *png_path = g_build_filename (folder, "client.png", NULL);
  g_autofree char *comparison_path = g_build_filename (folder, "comparison.png", NULL);
  g_autofree char *batch = g_build_filename (folder, "batch", NULL);
  g_autoptr(GFile) jpeg_file = g_file_new_for_path (jpeg_path);
  g_autoptr(GFile) png_file = g_file_new_for_path (png_path);
  g_autoptr(GFile) batch_dir = g_file_new_for_path (batch);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(ChiaroExportSettings) settings = NULL;
  GdkTexture *copied = NULL;
  ChiaroHistoryEntry *edit;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (batch, 0700), ==, 0);
  send_and_wait (window, "Add a red kite in the sky");
  edit = window_cursor (window);

  /* The switch starts from the setting. */
  g_settings_set_boolean (chiaro_application_get_settings (application), "export-metadata", FALSE);
  dialog = open_export (window, "win.export-image", &outcome);
  settings = chiaro_export_dialog_dup_settings (dialog);
  g_assert_false (settings->metadata);
  g_clear_pointer (&settings, chiaro_export_settings_free);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_settings_set_boolean (chiaro_application_get_settings (application), "export-metadata", TRUE);

  dialog = open_export (window, "win.export-image", &outcome);
  settings = chiaro_export_dialog_dup_settings (dialog);
  g_assert_true (settings->metadata);
  g_assert_cmpint (settings->long_side, ==, 0);
  g_clear_pointer (&settings, chiaro_export_settings_free);
  chiaro_export_dialog_set_format (dialog, CHIARO_EXPORT_FORMAT_JPEG);
  chiaro_export_dialog_set_quality (dialog, 80);
  save_dark_and_light (GTK_WIDGET (dialog), "workflows-export-dialog");
  chiaro_export_dialog_export_to (dialog, jpeg_file, FALSE);
  g_assert_true (chiaro_export_dialog_get_busy (dialog));
  g_assert_true (chiaro_test_wait_until (export_done, &outcome, 30));
  g_assert_null (outcome.failed);
  g_assert_cmpstr (outcome.exported, ==, "Exported “edit.jpg”");

  bytes = read_file (jpeg_path);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (bytes, NULL))[0], ==, 0xff);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (bytes, NULL))[1], ==, 0xd8);
  g_assert_true (bytes_contain (bytes, "Add a red kite in the sky"));
  g_assert_true (bytes_contain (bytes, "compositeWithTrainedAlgorithmicMedia"));
  g_assert_false (bytes_contain (bytes, "test-key"));
  pixbuf = gdk_pixbuf_new_from_file (jpeg_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, chiaro_history_entry_get_width (edit));
  g_clear_object (&pixbuf);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* The same name again, not confirmed: refused, the file as it was. */
  dialog = open_export (window, "win.export-image", &outcome);
  chiaro_export_dialog_set_format (dialog, CHIARO_EXPORT_FORMAT_JPEG);
  chiaro_export_dialog_export_to (dialog, jpeg_file, FALSE);
  g_assert_true (chiaro_test_wait_until (export_done, &outcome, 30));
  g_assert_nonnull (outcome.failed);

  /* PNG, resized, without metadata. */
  dialog = open_export (window, "win.export-image", &outcome);
  chiaro_export_dialog_set_format (dialog, CHIARO_EXPORT_FORMAT_PNG);
  chiaro_export_dialog_set_long_side (dialog, 256);
  chiaro_export_dialog_set_metadata (dialog, FALSE);
  chiaro_export_dialog_export_to (dialog, png_file, FALSE);
  g_assert_true (chiaro_test_wait_until (export_done, &outcome, 30));
  g_assert_null (outcome.failed);
  bytes = read_file (png_path);
  g_assert_true (bytes_contain (bytes, "PNG"));
  g_assert_false (bytes_contain (bytes, "Add a red kite"));
  g_assert_false (bytes_contain (bytes, "TrainedAlgorithmicMedia"));
  pixbuf = gdk_pixbuf_new_from_file (png_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (MAX (gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf)), ==, 256);
  g_clear_object (&pixbuf);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* Starred, into a folder where the first name is taken. */
  chiaro_history_entry_set_starred (chiaro_history_get_root (window_history (window)), TRUE);
  chiaro_history_entry_set_starred (edit, TRUE);
  dialog = open_export (window, "win.export-starred", &outcome);
  g_assert_cmpstr (chiaro_export_dialog_get_template (dialog), ==, "{project}-{ratio}-{n}.{ext}");
  chiaro_export_dialog_set_template (dialog, "starred-{n}.{ext}");
  {
    g_autofree char *taken = g_build_filename (batch, "starred-1.png", NULL);

    g_assert_true (g_file_set_contents (taken, "mine", -1, NULL));
    chiaro_export_dialog_export_to (dialog, batch_dir, FALSE);
    g_assert_true (chiaro_test_wait_until (export_done, &outcome, 30));
    g_assert_null (outcome.failed);
    g_assert_nonnull (strstr (outcome.exported, "Exported 2 images"));
    g_assert_nonnull (strstr (outcome.exported, "starred-1-2.png"));
    bytes = read_file (taken);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "mine", 4);
    g_clear_pointer (&bytes, g_bytes_unref);
  }

  /* The comparison. */
  dialog = open_export (window, "win.export-comparison", &outcome);
  {
    g_autoptr(GFile) comparison = g_file_new_for_path (comparison_path);

    chiaro_export_dialog_export_to (dialog, comparison, FALSE);
    g_assert_true (chiaro_test_wait_until (export_done, &outcome, 30));
    g_assert_null (outcome.failed);
    pixbuf = gdk_pixbuf_new_from_file (comparison_path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), >, gdk_pixbuf_get_height (pixbuf));
    g_clear_object (&pixbuf);
  }

  /* Copy Image: the whole image, decoded on a worker. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), "before");
  activate (GTK_WIDGET (window), "win.copy-image", NULL);
  g_assert_true (chiaro_test_wait_until (clipboard_has_texture,
                                         gtk_widget_get_clipboard (GTK_WIDGET (window)), 30));
  gdk_clipboard_read_texture_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                    on_texture_read, &copied);
  g_assert_true (chiaro_test_wait_until (pointer_set, &copied, 30));
  g_assert_true (GDK_IS_TEXTURE (copied));
  g_assert_cmpint (gdk_texture_get_width (copied), ==, chiaro_history_entry_get_width (edit));
  g_assert_cmpint (gdk_texture_get_height (copied), ==, chiaro_history_entry_get_height (edit));
  g_object_unref (copied);

  /* The safe zones through the window. */
  activate (GTK_WIDGET (window), "win.safe-zones", g_variant_new_string ("story"));
  g_assert_cmpint (chiaro_canvas_get_safe_zones (chiaro_window_get_canvas (window)), ==,
                   CHIARO_SAFE_ZONES_STORY);
  save_dark_and_light (GTK_WIDGET (window), "workflows-safe-zones");
  activate (GTK_WIDGET (window), "win.safe-zones", g_variant_new_string ("none"));
  g_assert_cmpint (chiaro_canvas_get_safe_zones (chiaro_window_get_canvas (window)), ==,
                   CHIARO_SAFE_ZONES_NONE);

  g_free (outcome.exported);
  g_free (outcome.failed);
  (void) document;
  destroy_window (window);
}

/* The conversation's message menu */

/* The row of the USER message whose prompt is @prompt, or NULL. */
static ChiaroMessageRow *
find_user_row (GtkWidget  *root,
               const char *prompt)
{
  if (CHIARO_IS_MESSAGE_ROW (root))
    {
      ChiaroMessage *message = chiaro_message_row_get_message (CHIARO_MESSAGE_ROW (root));

      if (chiaro_message_get_kind (message) == CHIARO_MESSAGE_USER &&
          g_strcmp0 (chiaro_message_get_turn (message)->prompt, prompt) == 0)
        return CHIARO_MESSAGE_ROW (root);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ChiaroMessageRow *found = find_user_row (child, prompt);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Appends "label=action(target)" for every item of @model, sections and submenus included. */
static void
describe_menu (GMenuModel *model,
               GString    *out)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;
      g_autoptr(GVariant) target = NULL;

      if (section != NULL)
        {
          describe_menu (section, out);
          continue;
        }
      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
      target = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, NULL);
      g_string_append_printf (out, "%s=%s", label != NULL ? label : "",
                              action != NULL ? action : "");
      if (target != NULL)
        {
          g_autofree char *printed = g_variant_print (target, FALSE);

          g_string_append_printf (out, "%s", printed);
        }
      g_string_append_c (out, ';');
      if (submenu != NULL)
        {
          g_string_append_c (out, '[');
          describe_menu (submenu, out);
          g_string_append (out, "];");
        }
    }
}

static gboolean
clipboard_has_text (gpointer user_data)
{
  GdkContentFormats *formats = gdk_clipboard_get_formats (GDK_CLIPBOARD (user_data));

  return gdk_content_formats_contain_gtype (formats, G_TYPE_STRING);
}

static void
on_text_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

/* A sent turn's message has a menu: Copy Prompt puts the prompt on the clipboard, Render
 * Final At offers the model's larger sizes and re-sends that turn through the window, Save
 * Prompt as Preset asks for a name for that turn's prompt; a pending turn has no menu. */
static void
test_message_menu (void)
{
  ChiaroWindow *window = create_project_window ();
  ChiaroDocument *document = chiaro_window_get_document (window);
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  g_autoptr(GString) described = g_string_new (NULL);
  g_autofree char *expected_render = NULL;
  g_autofree char *expected_preset = NULL;
  g_autofree char *size = NULL;
  g_autofree char *copied = NULL;
  ChiaroMessageRow *row;
  GtkWidget *button;
  GMenuModel *menu;
  ChiaroHistoryEntry *draft;
  ChiaroHistoryEntry *final;
  AdwMessageDialog *ask;
  const char *prompt = "Soften the shadows on the left";

  options = chiaro_generation_options_copy (chiaro_document_get_options (document));
  g_free (options->image_size);
  options->image_size = g_strdup ("1K");
  chiaro_document_set_options (document, options);
  send_and_wait (window, prompt);
  draft = window_cursor (window);

  row = find_user_row (GTK_WIDGET (window), prompt);
  g_assert_nonnull (row);
  g_assert_true (chiaro_message_get_entry (chiaro_message_row_get_message (row)) == draft);
  button = find_css (GTK_WIDGET (row), "message-menu");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Message Menu");
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_nonnull (menu);
  describe_menu (menu, described);
  g_test_message ("menu: %s", described->str);
  expected_render = g_strdup_printf ("_Render Final At=;[2K=win.render-final('%s', '2K');"
                                     "4K=win.render-final('%s', '4K');];",
                                     chiaro_history_entry_get_id (draft),
                                     chiaro_history_entry_get_id (draft));
  expected_preset = g_strdup_printf ("Save Prompt as _Preset…=win.save-turn-preset'%s';",
                                     chiaro_history_entry_get_id (draft));
  g_assert_true (g_str_has_prefix (described->str, "_Copy Prompt=chat.copy-prompt;"));
  g_assert_nonnull (strstr (described->str, expected_render));
  g_assert_nonnull (strstr (described->str, expected_preset));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (window)));
  save_dark_and_light (GTK_WIDGET (window), "workflows-message-menu");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));

  /* Copy Prompt. */
  gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL);
  activate (GTK_WIDGET (row), "chat.copy-prompt", NULL);
  g_assert_true (chiaro_test_wait_until (clipboard_has_text,
                                         gtk_widget_get_clipboard (GTK_WIDGET (window)), 30));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                 on_text_read, &copied);
  g_assert_true (chiaro_test_wait_until (pointer_set, &copied, 30));
  g_assert_cmpstr (copied, ==, prompt);

  /* Save Prompt as Preset: the dialog asks for a name, then the library has it. */
  activate (GTK_WIDGET (row), "win.save-turn-preset",
            g_variant_new_string (chiaro_history_entry_get_id (draft)));
  ask = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (ask);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ask)), "Soft shadows");
  adw_message_dialog_response (ask, "save");
  gtk_window_destroy (GTK_WINDOW (ask));
  {
    ChiaroPresetLibrary *library = chiaro_application_get_preset_library (application);
    ChiaroPreset *saved = find_preset (library, "Soft shadows");

    g_assert_nonnull (saved);
    g_assert_cmpstr (chiaro_preset_get_prompt (saved), ==, prompt);
    g_assert_cmpstr (chiaro_preset_get_image_size (saved), ==, "1K");
    g_assert_true (chiaro_preset_library_remove (library, saved, NULL));
  }

  /* Render Final At 4K, from the row: that turn again at 4K, a sibling of the draft. */
  chiaro_mock_server_clear_requests (mock);
  activate (GTK_WIDGET (row), "win.render-final",
            g_variant_new ("(ss)", chiaro_history_entry_get_id (draft), "4K"));
  wait_settled (window);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (mock), ==, 1);
  size = dup_image_config (chiaro_mock_server_get_request (mock, 0), "imageSize");
  g_assert_cmpstr (size, ==, "4K");
  g_assert_cmpuint (chiaro_history_entry_get_n_children (chiaro_history_entry_get_parent (draft)),
                    ==, 2);
  final = chiaro_history_entry_get_child (chiaro_history_entry_get_parent (draft), 1);
  g_assert_cmpstr (chiaro_history_entry_get_turn (final)->options->image_size, ==, "4K");

  /* A size the model does not have: nothing sent. */
  activate (GTK_WIDGET (window), "win.render-final",
            g_variant_new ("(ss)", chiaro_history_entry_get_id (draft), "8K"));
  wait_settled (window);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (mock), ==, 1);

  destroy_window (window);
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

  {
    g_autoptr(GError) error = NULL;

    mock = chiaro_mock_server_new (g_getenv ("CHIARO_DISCOVERY_PATH"), &error);
    g_assert_no_error (error);
    chiaro_mock_server_listen (mock, 0, &error);
    g_assert_no_error (error);
    g_settings_set_string (chiaro_application_get_settings (application), "endpoint",
                           chiaro_mock_server_get_url (mock));
    g_settings_set_string (chiaro_application_get_settings (application), "default-model",
                           "gemini-3-pro-image");
    chiaro_application_set_notifications_counted_only (application, TRUE);
  }

  g_test_add_func ("/chiaro/ui/workflows/pack", test_pack);
  g_test_add_func ("/chiaro/ui/workflows/render-final", test_render_final);
  g_test_add_func ("/chiaro/ui/workflows/presets", test_presets);
  g_test_add_func ("/chiaro/ui/workflows/message-menu", test_message_menu);
  g_test_add_func ("/chiaro/ui/workflows/export", test_export);

  status = g_test_run ();

  g_clear_object (&mock);
  g_clear_object (&application);
  return status;
}
