/* test-generation-controls.c — model, options, estimate, prompt and Send, in a real window
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The controls are bound to a real project (a folder under the build directory) that sends
 * through the Gemini provider to the in-process mock server; the tests drive the widgets
 * (drop-downs, switches, key presses through the prompt's key controller) and assert on the
 * document, the widgets and the requests the mock received.
 */

#include "config.h"

#include "chiaro-advanced-popover.h"
#include "chiaro-document.h"
#include "chiaro-gemini-provider.h"
#include "chiaro-generation-controls.h"
#include "chiaro-prompt-view.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-document.h"
#include "chiaro-test-util.h"

#define KEY "controls-test-key"

static ChiaroApplication *application;

typedef struct
{
  ChiaroTestGemini         gemini;
  ChiaroDocument           *document;
  GtkWindow                *window;
  ChiaroGenerationControls *controls;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = chiaro_test_clean_data_path ();
  g_autoptr(GFile) dir = g_file_new_for_path (path);

  chiaro_test_gemini_init (&f->gemini, KEY, 1);
  f->document = chiaro_test_open_document (dir, CHIARO_DOCUMENT_OPEN_CREATE, f->gemini.catalog,
                                           &error);
  g_assert_no_error (error);
  chiaro_document_set_autosave_delay (f->document, 60000);
  chiaro_document_set_model_id (f->document, "gemini-3.1-flash-image");

  f->window = GTK_WINDOW (gtk_window_new ());
  g_object_ref_sink (f->window);
  gtk_window_set_default_size (f->window, 420, -1);
  f->controls = CHIARO_GENERATION_CONTROLS (chiaro_generation_controls_new ());
  g_object_ref (f->controls);
  gtk_widget_set_margin_top (GTK_WIDGET (f->controls), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (f->controls), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (f->controls), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (f->controls), 12);
  gtk_window_set_child (f->window, GTK_WIDGET (f->controls));
  chiaro_generation_controls_set_document (f->controls, f->document);
  gtk_window_present (f->window);
  g_assert_true (chiaro_test_wait_for_paint (GTK_WIDGET (f->window)));
}

static gboolean
nothing_pending (gpointer user_data)
{
  guint n_pending;

  g_object_get (user_data, "n-pending", &n_pending, NULL);
  return n_pending == 0;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  gtk_window_destroy (f->window);
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->controls);

  chiaro_document_close_async (f->document, NULL, chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &result, 30));
  g_assert_true (chiaro_document_close_finish (f->document, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (chiaro_test_wait_until (nothing_pending, f->document, 30));
  g_assert_finalize_object (f->document);

  chiaro_test_gemini_clear (&f->gemini);
}

/* Widgets */

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

static GtkWidget *
get_child (Fixture    *f,
           const char *id)
{
  GtkWidget *child = find_by_id (GTK_WIDGET (f->controls), id);

  g_assert_nonnull (child);
  return child;
}

static GStrv
dropdown_strings (Fixture    *f,
                  const char *id)
{
  GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (get_child (f, id)));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_strv_builder_add (builder, gtk_string_list_get_string (GTK_STRING_LIST (model), i));
  return g_strv_builder_end (builder);
}

static void
choose (Fixture    *f,
        const char *id,
        const char *text)
{
  g_auto(GStrv) strings = dropdown_strings (f, id);

  for (guint i = 0; strings[i] != NULL; i++)
    {
      if (g_str_equal (strings[i], text))
        {
          gtk_drop_down_set_selected (GTK_DROP_DOWN (get_child (f, id)), i);
          return;
        }
    }
  g_error ("%s offers no “%s”", id, text);
}

static const char *
chosen (Fixture    *f,
        const char *id)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (get_child (f, id));

  return gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (dropdown)),
                                     gtk_drop_down_get_selected (dropdown));
}

static GtkTextView *
prompt_text_view (Fixture *f)
{
  return chiaro_prompt_view_get_text_view (CHIARO_PROMPT_VIEW (get_child (f, "prompt_view")));
}

static char *
prompt_text (Fixture *f)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (prompt_text_view (f));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
type_prompt (Fixture    *f,
             const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (prompt_text_view (f)), text, -1);
}

/* A key press as the prompt's key controller receives it. */
static gboolean
press_key (Fixture         *f,
           guint            keyval,
           GdkModifierType  state)
{
  g_autoptr(GListModel) controllers =
    gtk_widget_observe_controllers (GTK_WIDGET (prompt_text_view (f)));
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
          return handled;
        }
    }

  g_error ("The prompt has no key controller");
  return FALSE;
}

/* Whether an action is enabled, as the button that activates it shows. */
static gboolean
action_enabled (Fixture    *f,
                const char *name)
{
  return gtk_widget_get_sensitive (get_child (f, g_str_equal (name, "controls.send") ?
                                                 "send_button" : "stop_button"));
}

static char *
expected_cost_text (double cost)
{
  if (cost < 0)
    return g_strdup ("Cost unknown");
  return g_strdup_printf ("≈ $%.2f", cost);
}

static void
screenshot (GtkWidget  *widget,
            const char *name,
            gboolean    dark)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style_manager, dark ? ADW_COLOR_SCHEME_FORCE_DARK :
                                                            ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_true (chiaro_test_wait_for_paint (widget));
  chiaro_test_save_screenshot (widget, name);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
}

/* Tests */

/* Each model offers its own ratios and sizes; a choice the next model does not take is left
 * out, and comes back with a model that takes it. */
static void
test_model_options (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(GStrv) ratios = NULL;
  g_auto(GStrv) sizes = NULL;
  const ChiaroGenerationOptions *options;

  g_assert_cmpstr (chosen (f, "model_dropdown"), ==, "Nano Banana 2");
  ratios = dropdown_strings (f, "ratio_dropdown");
  g_assert_cmpstr (ratios[0], ==, "Auto");
  g_assert_cmpuint (g_strv_length (ratios), ==, 15);
  g_assert_true (g_strv_contains ((const char * const *) ratios, "1:4"));
  g_assert_true (g_strv_contains ((const char * const *) ratios, "4:1"));
  g_assert_true (g_strv_contains ((const char * const *) ratios, "1:8"));
  g_assert_true (g_strv_contains ((const char * const *) ratios, "8:1"));
  sizes = dropdown_strings (f, "size_dropdown");
  g_assert_cmpstrv (sizes, ((const char * const[]) { "512", "1K", "2K", "4K", NULL }));
  g_assert_true (gtk_widget_get_visible (get_child (f, "size_dropdown")));
  g_assert_cmpstr (chosen (f, "size_dropdown"), ==, "1K");

  choose (f, "ratio_dropdown", "1:8");
  choose (f, "size_dropdown", "2K");
  options = chiaro_document_get_options (f->document);
  g_assert_cmpstr (options->aspect_ratio, ==, "1:8");
  g_assert_cmpstr (options->image_size, ==, "2K");

  choose (f, "model_dropdown", "Nano Banana");
  g_assert_cmpstr (chiaro_document_get_model_id (f->document), ==, "gemini-2.5-flash-image");
  g_clear_pointer (&ratios, g_strfreev);
  ratios = dropdown_strings (f, "ratio_dropdown");
  g_assert_cmpuint (g_strv_length (ratios), ==, 11);
  g_assert_false (g_strv_contains ((const char * const *) ratios, "1:8"));
  g_assert_false (gtk_widget_get_visible (get_child (f, "size_dropdown")));
  options = chiaro_document_get_options (f->document);
  g_assert_null (options->aspect_ratio);
  g_assert_null (options->image_size);
  g_assert_cmpstr (chosen (f, "ratio_dropdown"), ==, "Auto");

  /* The Pro takes 2K but not 1:8. */
  choose (f, "model_dropdown", "Nano Banana Pro");
  options = chiaro_document_get_options (f->document);
  g_assert_null (options->aspect_ratio);
  g_assert_cmpstr (options->image_size, ==, "2K");
  g_clear_pointer (&sizes, g_strfreev);
  sizes = dropdown_strings (f, "size_dropdown");
  g_assert_cmpstrv (sizes, ((const char * const[]) { "1K", "2K", "4K", NULL }));

  choose (f, "model_dropdown", "Nano Banana 2");
  options = chiaro_document_get_options (f->document);
  g_assert_cmpstr (options->aspect_ratio, ==, "1:8");
  g_assert_cmpstr (options->image_size, ==, "2K");
  g_assert_cmpstr (chosen (f, "ratio_dropdown"), ==, "1:8");
  g_assert_cmpstr (chosen (f, "size_dropdown"), ==, "2K");

  /* The controls follow the document. */
  {
    g_autoptr(ChiaroGenerationOptions) changed = chiaro_generation_options_new ();

    changed->aspect_ratio = g_strdup ("16:9");
    changed->image_size = g_strdup ("4K");
    chiaro_document_set_options (f->document, changed);
    g_assert_cmpstr (chosen (f, "ratio_dropdown"), ==, "16:9");
    g_assert_cmpstr (chosen (f, "size_dropdown"), ==, "4K");

    chiaro_document_set_model_id (f->document, "gemini-3-pro-image");
    g_assert_cmpstr (chosen (f, "model_dropdown"), ==, "Nano Banana Pro");
    chiaro_document_set_n_variants (f->document, 5);
    g_assert_cmpstr (chosen (f, "variants_dropdown"), ==, "5 images");
  }

  /* A model the catalog does not list is shown by its id, at an unknown price. */
  chiaro_document_set_model_id (f->document, "gemini-9-imaginary");
  g_assert_cmpstr (chosen (f, "model_dropdown"), ==, "gemini-9-imaginary");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (get_child (f, "cost_label"))), ==,
                   "Cost unknown");
}

/* The estimate follows the variants: three images cost three times one. */
static void
test_estimate (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *one_text = NULL;
  g_autofree char *three_text = NULL;
  GtkLabel *cost_label = GTK_LABEL (get_child (f, "cost_label"));
  double one, three;

  type_prompt (f, "A lighthouse at dusk");
  one = chiaro_document_estimate_cost (f->document);
  g_assert_cmpfloat (one, >, 0);
  one_text = expected_cost_text (one);
  g_assert_cmpstr (gtk_label_get_text (cost_label), ==, one_text);

  choose (f, "variants_dropdown", "3 images");
  g_assert_cmpuint (chiaro_document_get_n_variants (f->document), ==, 3);
  three = chiaro_document_estimate_cost (f->document);
  g_assert_cmpfloat_with_epsilon (three, 3 * one, 1e-9);
  three_text = expected_cost_text (three);
  g_assert_cmpstr (gtk_label_get_text (cost_label), ==, three_text);
  g_assert_cmpstr (one_text, !=, three_text);

  choose (f, "size_dropdown", "4K");
  g_assert_cmpfloat (chiaro_document_estimate_cost (f->document), >, three);
  g_clear_pointer (&three_text, g_free);
  three_text = expected_cost_text (chiaro_document_estimate_cost (f->document));
  g_assert_cmpstr (gtk_label_get_text (cost_label), ==, three_text);
}

/* Send is insensitive, saying why, without a service or anything to send. */
static void
test_send_sensitivity (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *send_button = get_child (f, "send_button");

  type_prompt (f, "A red kite");
  g_assert_false (action_enabled (f, "controls.send"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (send_button), "Preferences"));

  chiaro_document_set_provider (f->document, f->gemini.provider, "gemini");
  g_assert_true (action_enabled (f, "controls.send"));

  type_prompt (f, "   ");
  g_assert_false (action_enabled (f, "controls.send"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (send_button), "Write a prompt"));
  g_assert_false (gtk_widget_get_visible (get_child (f, "stop_button")));
}

static gboolean
has_entries (gpointer user_data)
{
  Fixture *f = user_data;

  return chiaro_history_get_n_entries (chiaro_document_get_history (f->document)) >= 2 &&
         nothing_pending (f->document);
}

/* Options chosen in the controls and the popover reach the server; Ctrl+Enter sends, the
 * prompt empties, the spend grows, and Up brings the prompt back. */
static void
test_send (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *text = NULL;
  ChiaroMockRequest *request;
  JsonNode *json;

  chiaro_document_set_provider (f->document, f->gemini.provider, "gemini");
  choose (f, "ratio_dropdown", "4:1");
  choose (f, "size_dropdown", "512");
  gtk_switch_set_active (GTK_SWITCH (get_child (f, "temperature_switch")), TRUE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_child (f, "temperature_spin")), 0.4);
  g_assert_cmpfloat_with_epsilon (chiaro_document_get_options (f->document)->temperature, 0.4,
                                  1e-9);
  gtk_switch_set_active (GTK_SWITCH (get_child (f, "seed_switch")), TRUE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (get_child (f, "seed_spin")), 1234);
  g_assert_true (chiaro_document_get_options (f->document)->has_seed);
  g_assert_cmpint (chiaro_document_get_options (f->document)->seed, ==, 1234);
  g_assert_false (gtk_widget_get_visible (get_child (f, "spend_label")));

  type_prompt (f, "A banner of a lighthouse");
  g_assert_cmpstr (chiaro_document_get_prompt (f->document), ==, "A banner of a lighthouse");
  g_assert_true (press_key (f, GDK_KEY_Return, GDK_CONTROL_MASK));
  text = prompt_text (f);
  g_assert_cmpstr (text, ==, "");
  g_assert_true (chiaro_test_wait_until (has_entries, f, 60));

  request = chiaro_mock_server_get_last_request (f->gemini.mock);
  g_assert_nonnull (request);
  json = request->json;
  g_assert_cmpstr (chiaro_test_json_get_string (json, "generationConfig.imageConfig.aspectRatio"),
                   ==, "4:1");
  g_assert_cmpstr (chiaro_test_json_get_string (json, "generationConfig.imageConfig.imageSize"),
                   ==, "512");
  g_assert_cmpfloat_with_epsilon (
    json_node_get_double (chiaro_test_json_get_path (json, "generationConfig.temperature")),
    0.4, 1e-9);
  g_assert_cmpint (json_node_get_int (chiaro_test_json_get_path (json, "generationConfig.seed")),
                   ==, 1234);

  g_assert_cmpfloat (chiaro_generation_controls_get_spend (f->controls), >, 0);
  g_assert_true (gtk_widget_get_visible (get_child (f, "spend_label")));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (get_child (f, "spend_label"))),
                            "this session"));

  /* Up in the empty prompt brings the last one back; not in a prompt being written. */
  g_assert_true (press_key (f, GDK_KEY_Up, 0));
  g_clear_pointer (&text, g_free);
  text = prompt_text (f);
  g_assert_cmpstr (text, ==, "A banner of a lighthouse");
  g_assert_cmpstr (chiaro_document_get_prompt (f->document), ==, "A banner of a lighthouse");
  g_assert_false (press_key (f, GDK_KEY_Up, 0));

  screenshot (GTK_WIDGET (f->window), "generation-controls-light.png", FALSE);
  screenshot (GTK_WIDGET (f->window), "generation-controls-dark.png", TRUE);
}

static gboolean
is_pending (gpointer user_data)
{
  return !nothing_pending (user_data);
}

/* Escape stops a slow send: nothing added, the prompt back, and sending works at once. */
static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *text = NULL;
  ChiaroHistory *history = chiaro_document_get_history (f->document);
  guint n_entries = chiaro_history_get_n_entries (history);

  chiaro_document_set_provider (f->document, f->gemini.provider, "gemini");
  chiaro_mock_server_set_delay_ms (f->gemini.mock, 30000);

  type_prompt (f, "A slow one");
  g_assert_true (press_key (f, GDK_KEY_Return, GDK_CONTROL_MASK));
  g_assert_true (chiaro_test_wait_until (is_pending, f->document, 10));
  g_assert_true (gtk_widget_get_visible (get_child (f, "stop_button")));
  g_assert_true (action_enabled (f, "controls.stop"));

  /* A second send may start while the first is in flight. */
  type_prompt (f, "Another one");
  g_assert_true (action_enabled (f, "controls.send"));
  g_assert_true (press_key (f, GDK_KEY_Return, GDK_CONTROL_MASK));

  g_assert_true (press_key (f, GDK_KEY_Escape, 0));
  g_assert_true (press_key (f, GDK_KEY_Escape, 0));
  g_assert_true (chiaro_test_wait_until (nothing_pending, f->document, 10));
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, n_entries);
  g_assert_false (gtk_widget_get_visible (get_child (f, "stop_button")));
  g_assert_false (press_key (f, GDK_KEY_Escape, 0));

  text = prompt_text (f);
  g_assert_cmpstr (text, !=, "");
  g_assert_cmpstr (text, ==, chiaro_document_get_prompt (f->document));
  g_assert_true (action_enabled (f, "controls.send"));
}

/* The popover shows what the model takes, writes the document, and is looked at. */
static void
test_advanced_popover (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *popover = get_child (f, "advanced_popover");
  GtkTextBuffer *instruction;
  const ChiaroGenerationOptions *options;

  g_assert_true (gtk_widget_get_visible (get_child (f, "search_group")));
  g_assert_true (gtk_widget_get_visible (get_child (f, "image_search_row")));
  g_assert_true (gtk_widget_get_visible (get_child (f, "thinking_row")));
  g_assert_true (gtk_widget_get_visible (get_child (f, "instruction_box")));

  gtk_switch_set_active (GTK_SWITCH (get_child (f, "grounding_switch")), TRUE);
  gtk_switch_set_active (GTK_SWITCH (get_child (f, "image_search_switch")), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_child (f, "thinking_row")), 2);
  instruction = gtk_text_view_get_buffer (GTK_TEXT_VIEW (get_child (f, "instruction_view")));
  gtk_text_buffer_set_text (instruction, "Keep a painterly style.", -1);
  gtk_switch_set_active (GTK_SWITCH (get_child (f, "top_p_switch")), TRUE);

  options = chiaro_document_get_options (f->document);
  g_assert_true (options->grounding);
  g_assert_true (options->image_search);
  g_assert_cmpstr (options->thinking_level, ==, "HIGH");
  g_assert_cmpstr (options->system_instruction, ==, "Keep a painterly style.");
  g_assert_cmpfloat_with_epsilon (options->top_p, 0.95, 1e-9);
  g_assert_cmpfloat (options->temperature, <, 0);
  g_assert_true (gtk_widget_has_css_class (get_child (f, "advanced_button"),
                                           "chiaro-options-set"));

  gtk_menu_button_popup (GTK_MENU_BUTTON (get_child (f, "advanced_button")));
  screenshot (popover, "advanced-popover-light.png", FALSE);
  screenshot (popover, "advanced-popover-dark.png", TRUE);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (get_child (f, "advanced_button")));

  /* Nano Banana has no search, thinking or instruction: hidden, and not sent. */
  choose (f, "model_dropdown", "Nano Banana");
  g_assert_false (gtk_widget_get_visible (get_child (f, "search_group")));
  g_assert_false (gtk_widget_get_visible (get_child (f, "thinking_group")));
  g_assert_false (gtk_widget_get_visible (get_child (f, "instruction_box")));
  options = chiaro_document_get_options (f->document);
  g_assert_false (options->grounding);
  g_assert_null (options->thinking_level);
  g_assert_null (options->system_instruction);
  g_assert_cmpfloat_with_epsilon (options->top_p, 0.95, 1e-9);

  /* The Pro searches the web only, and thinks without levels. */
  choose (f, "model_dropdown", "Nano Banana Pro");
  g_assert_true (gtk_widget_get_visible (get_child (f, "search_group")));
  g_assert_false (gtk_widget_get_visible (get_child (f, "image_search_row")));
  g_assert_true (gtk_widget_get_visible (get_child (f, "thinking_group")));
  g_assert_false (gtk_widget_get_visible (get_child (f, "thinking_row")));
  options = chiaro_document_get_options (f->document);
  g_assert_true (options->grounding);
  g_assert_false (options->image_search);
  g_assert_cmpstr (options->system_instruction, ==, "Keep a painterly style.");

  gtk_widget_activate_action (popover, "advanced.reset", NULL);
  options = chiaro_document_get_options (f->document);
  g_assert_false (options->grounding);
  g_assert_cmpfloat (options->top_p, <, 0);
  g_assert_null (options->system_instruction);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (get_child (f, "top_p_switch"))));
  g_assert_false (gtk_widget_has_css_class (get_child (f, "advanced_button"),
                                            "chiaro-options-set"));
}

/* A loaded project's prompt fills the view; typing goes back to it. */
static void
test_prompt_binding (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *text = NULL;

  chiaro_document_set_prompt (f->document, "Saved but not sent");
  text = prompt_text (f);
  g_assert_cmpstr (text, ==, "Saved but not sent");
  g_assert_false (gtk_widget_get_visible (get_child (f, "placeholder")));

  type_prompt (f, "");
  g_assert_cmpstr (chiaro_document_get_prompt (f->document), ==, "");
  g_assert_true (gtk_widget_get_visible (get_child (f, "placeholder")));
  /* Nothing was sent: Up has nothing to bring back. */
  g_assert_false (press_key (f, GDK_KEY_Up, 0));

  screenshot (GTK_WIDGET (f->window), "generation-controls-empty-light.png", FALSE);
  screenshot (GTK_WIDGET (f->window), "generation-controls-empty-dark.png", TRUE);

  chiaro_generation_controls_set_document (f->controls, NULL);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (prompt_text_view (f))));
  g_assert_false (action_enabled (f, "controls.send"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("GEMINI_API_KEY");

  if (!(application = chiaro_test_create_application ()))
    return 0;

#define ADD(name, func) \
  g_test_add ("/chiaro/ui/generation-controls/" name, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("model-options", test_model_options);
  ADD ("estimate", test_estimate);
  ADD ("send-sensitivity", test_send_sensitivity);
  ADD ("send", test_send);
  ADD ("stop", test_stop);
  ADD ("advanced-popover", test_advanced_popover);
  ADD ("prompt-binding", test_prompt_binding);

#undef ADD

  status = g_test_run ();

  g_clear_object (&application);
  return status;
}
