/* chiaro-advanced-popover.c — the generation options most sends leave alone
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Temperature, top-p and seed, each either unset (the model's default) or a value; Google
 * Search grounding; the thinking level and thought summaries; the system instruction. Only
 * what the document's model takes is shown. Every change is written to the document's
 * options at once, and the popover follows the document when they change elsewhere.
 */

#define G_LOG_DOMAIN "chiaro-advanced-popover"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-advanced-popover.h"

struct _ChiaroAdvancedPopover
{
  GtkPopover parent_instance;

  /* template children */
  AdwActionRow *temperature_row;
  GtkSwitch *temperature_switch;
  GtkSpinButton *temperature_spin;
  AdwActionRow *top_p_row;
  GtkSwitch *top_p_switch;
  GtkSpinButton *top_p_spin;
  AdwActionRow *seed_row;
  GtkSwitch *seed_switch;
  GtkSpinButton *seed_spin;
  GtkWidget *search_group;
  GtkSwitch *grounding_switch;
  GtkWidget *image_search_row;
  GtkSwitch *image_search_switch;
  GtkWidget *thinking_group;
  AdwComboRow *thinking_row;
  GtkStringList *thinking_levels_model;
  GtkWidget *thoughts_row;
  GtkSwitch *thoughts_switch;
  GtkWidget *instruction_box;
  GtkTextView *instruction_view;
  GtkWidget *instruction_placeholder;

  /* owned */
  ChiaroDocument *document;          /* (nullable) */
  GSignalGroup *document_signals;
  ChiaroModelInfo *model;            /* (nullable) the document's model */
  GStrv thinking_levels;             /* the values behind thinking_row's items after "Default" */

  /* flags */
  gboolean updating;                 /* the widgets are being set from the document */
};

G_DEFINE_FINAL_TYPE (ChiaroAdvancedPopover, chiaro_advanced_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A thinking level as users read it; the API's values are upper case words. */
static const char *
thinking_level_label (const char *level)
{
  if (g_str_equal (level, "MINIMAL"))
    return C_("thinking level", "Minimal");
  if (g_str_equal (level, "LOW"))
    return C_("thinking level", "Low");
  if (g_str_equal (level, "MEDIUM"))
    return C_("thinking level", "Medium");
  if (g_str_equal (level, "HIGH"))
    return C_("thinking level", "High");
  return level;
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text = g_utf8_next_char (text))
    {
      if (!g_unichar_isspace (g_utf8_get_char (text)))
        return FALSE;
    }
  return TRUE;
}

static char *
dup_instruction_text (ChiaroAdvancedPopover *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->instruction_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* An unset number: the row says so, and the value field is hidden. */
static void
show_number_row (AdwActionRow *row,
                 GtkSwitch    *toggle,
                 GtkWidget    *spin)
{
  gboolean set = gtk_switch_get_active (toggle);

  gtk_widget_set_visible (spin, set);
  adw_action_row_set_subtitle (row, set ? "" : _("Model default"));
}

static void
sync_options (ChiaroAdvancedPopover *self)
{
  g_autoptr(ChiaroGenerationOptions) defaults = chiaro_generation_options_new ();
  const ChiaroGenerationOptions *options = defaults;
  g_autofree char *instruction = NULL;
  guint selected = 0;

  if (self->document != NULL)
    options = chiaro_document_get_options (self->document);

  self->updating = TRUE;

  gtk_switch_set_active (self->temperature_switch, options->temperature >= 0);
  if (options->temperature >= 0)
    gtk_spin_button_set_value (self->temperature_spin, options->temperature);
  show_number_row (self->temperature_row, self->temperature_switch,
                   GTK_WIDGET (self->temperature_spin));

  gtk_switch_set_active (self->top_p_switch, options->top_p >= 0);
  if (options->top_p >= 0)
    gtk_spin_button_set_value (self->top_p_spin, options->top_p);
  show_number_row (self->top_p_row, self->top_p_switch, GTK_WIDGET (self->top_p_spin));

  gtk_switch_set_active (self->seed_switch, options->has_seed);
  if (options->has_seed)
    gtk_spin_button_set_value (self->seed_spin, options->seed);
  show_number_row (self->seed_row, self->seed_switch, GTK_WIDGET (self->seed_spin));

  gtk_switch_set_active (self->grounding_switch, options->grounding);
  gtk_switch_set_active (self->image_search_switch, options->grounding && options->image_search);
  gtk_widget_set_sensitive (self->image_search_row, options->grounding);

  if (options->thinking_level != NULL && self->thinking_levels != NULL)
    {
      for (guint i = 0; self->thinking_levels[i] != NULL; i++)
        {
          if (g_str_equal (self->thinking_levels[i], options->thinking_level))
            selected = i + 1;
        }
    }
  adw_combo_row_set_selected (self->thinking_row, selected);
  gtk_switch_set_active (self->thoughts_switch, options->include_thoughts);

  instruction = dup_instruction_text (self);
  /* A blank instruction is none: the spaces being typed stay. */
  if (is_blank (options->system_instruction) ? !is_blank (instruction) :
      g_strcmp0 (instruction, options->system_instruction) != 0)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->instruction_view),
                              options->system_instruction != NULL ?
                              options->system_instruction : "", -1);
  gtk_widget_set_visible (self->instruction_placeholder,
                          gtk_text_buffer_get_char_count (
                            gtk_text_view_get_buffer (self->instruction_view)) == 0);

  self->updating = FALSE;
}

/* Shows only what the document's model takes. */
static void
sync_model (ChiaroAdvancedPopover *self)
{
  g_autoptr(GStrvBuilder) levels = g_strv_builder_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  ChiaroGroundingSupport grounding = CHIARO_GROUNDING_NONE;
  ChiaroThinkingSupport thinking = CHIARO_THINKING_NONE;
  gboolean instruction = FALSE;

  g_clear_pointer (&self->model, chiaro_model_info_unref);
  if (self->document != NULL)
    self->model = chiaro_model_catalog_lookup (chiaro_document_get_catalog (self->document),
                                               chiaro_document_get_model_id (self->document));

  if (self->model != NULL)
    {
      const char * const *model_levels = chiaro_model_info_get_thinking_levels (self->model);

      grounding = chiaro_model_info_get_grounding (self->model);
      thinking = chiaro_model_info_get_thinking (self->model);
      instruction = chiaro_model_info_get_system_instruction (self->model);
      if (thinking == CHIARO_THINKING_LEVELS && model_levels != NULL)
        g_strv_builder_addv (levels, (const char **) model_levels);
    }

  g_clear_pointer (&self->thinking_levels, g_strfreev);
  self->thinking_levels = g_strv_builder_end (levels);

  g_ptr_array_add (labels, (gpointer) C_("thinking level", "Model Default"));
  for (guint i = 0; self->thinking_levels[i] != NULL; i++)
    g_ptr_array_add (labels, (gpointer) thinking_level_label (self->thinking_levels[i]));
  g_ptr_array_add (labels, NULL);

  self->updating = TRUE;
  gtk_string_list_splice (self->thinking_levels_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->thinking_levels_model)),
                          (const char * const *) labels->pdata);
  self->updating = FALSE;

  gtk_widget_set_visible (self->search_group, grounding != CHIARO_GROUNDING_NONE);
  gtk_widget_set_visible (self->image_search_row, grounding == CHIARO_GROUNDING_WEB_AND_IMAGE);
  gtk_widget_set_visible (self->thinking_group, thinking != CHIARO_THINKING_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->thinking_row), self->thinking_levels[0] != NULL);
  gtk_widget_set_visible (self->instruction_box, instruction);

  sync_options (self);
}

/* Any widget changed: the document gets the options the widgets show. */
static void
on_value_changed (ChiaroAdvancedPopover *self)
{
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  g_autofree char *instruction = NULL;
  guint selected;

  if (self->updating || self->document == NULL)
    return;

  options = chiaro_generation_options_copy (chiaro_document_get_options (self->document));

  options->temperature = gtk_switch_get_active (self->temperature_switch) ?
                         gtk_spin_button_get_value (self->temperature_spin) : -1;
  options->top_p = gtk_switch_get_active (self->top_p_switch) ?
                   gtk_spin_button_get_value (self->top_p_spin) : -1;
  options->has_seed = gtk_switch_get_active (self->seed_switch);
  options->seed = options->has_seed ? gtk_spin_button_get_value_as_int (self->seed_spin) : 0;

  if (gtk_widget_get_visible (self->search_group))
    {
      options->grounding = gtk_switch_get_active (self->grounding_switch);
      options->image_search = options->grounding &&
                              gtk_widget_get_visible (self->image_search_row) &&
                              gtk_switch_get_active (self->image_search_switch);
    }

  if (gtk_widget_get_visible (self->thinking_group))
    {
      selected = adw_combo_row_get_selected (self->thinking_row);
      g_clear_pointer (&options->thinking_level, g_free);
      if (selected != GTK_INVALID_LIST_POSITION && selected > 0 &&
          selected <= g_strv_length (self->thinking_levels))
        options->thinking_level = g_strdup (self->thinking_levels[selected - 1]);
      options->include_thoughts = gtk_switch_get_active (self->thoughts_switch);
    }

  if (gtk_widget_get_visible (self->instruction_box))
    {
      instruction = dup_instruction_text (self);
      g_clear_pointer (&options->system_instruction, g_free);
      if (!is_blank (instruction))
        options->system_instruction = g_steal_pointer (&instruction);
    }

  chiaro_document_set_options (self->document, options);
  /* The document ignores a change that is none; the rows still follow the switches. */
  sync_options (self);
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ChiaroAdvancedPopover *self = CHIARO_ADVANCED_POPOVER (widget);
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  const ChiaroGenerationOptions *current;

  if (self->document == NULL)
    return;

  /* Ratio and resolution are not advanced options: they stay. */
  current = chiaro_document_get_options (self->document);
  options = chiaro_generation_options_new ();
  options->aspect_ratio = g_strdup (current->aspect_ratio);
  options->image_size = g_strdup (current->image_size);
  chiaro_document_set_options (self->document, options);
}

static void
on_instruction_changed (ChiaroAdvancedPopover *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->instruction_view);

  gtk_widget_set_visible (self->instruction_placeholder,
                          gtk_text_buffer_get_char_count (buffer) == 0);
  on_value_changed (self);
}

static void
chiaro_advanced_popover_dispose (GObject *object)
{
  ChiaroAdvancedPopover *self = (ChiaroAdvancedPopover *)object;

  g_signal_group_set_target (self->document_signals, NULL);
  g_clear_object (&self->document);
  g_clear_pointer (&self->model, chiaro_model_info_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_ADVANCED_POPOVER);

  G_OBJECT_CLASS (chiaro_advanced_popover_parent_class)->dispose (object);
}

static void
chiaro_advanced_popover_finalize (GObject *object)
{
  ChiaroAdvancedPopover *self = (ChiaroAdvancedPopover *)object;

  g_clear_object (&self->document_signals);
  g_clear_pointer (&self->thinking_levels, g_strfreev);

  G_OBJECT_CLASS (chiaro_advanced_popover_parent_class)->finalize (object);
}

static void
chiaro_advanced_popover_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  ChiaroAdvancedPopover *self = CHIARO_ADVANCED_POPOVER (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_advanced_popover_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  ChiaroAdvancedPopover *self = CHIARO_ADVANCED_POPOVER (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      chiaro_advanced_popover_set_document (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_advanced_popover_class_init (ChiaroAdvancedPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_advanced_popover_dispose;
  object_class->finalize = chiaro_advanced_popover_finalize;
  object_class->get_property = chiaro_advanced_popover_get_property;
  object_class->set_property = chiaro_advanced_popover_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL,
                         CHIARO_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-advanced-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, temperature_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, temperature_switch);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, temperature_spin);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, top_p_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, top_p_switch);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, top_p_spin);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, seed_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, seed_switch);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, search_group);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, grounding_switch);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, image_search_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, image_search_switch);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, thinking_group);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, thinking_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover,
                                        thinking_levels_model);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, thoughts_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, thoughts_switch);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, instruction_box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover, instruction_view);
  gtk_widget_class_bind_template_child (widget_class, ChiaroAdvancedPopover,
                                        instruction_placeholder);
  gtk_widget_class_bind_template_callback (widget_class, on_value_changed);

  gtk_widget_class_install_action (widget_class, "advanced.reset", NULL, reset_action);
}

static void
chiaro_advanced_popover_init (ChiaroAdvancedPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->document_signals = g_signal_group_new (CHIARO_TYPE_DOCUMENT);
  g_signal_group_connect_swapped (self->document_signals, "notify::model-id",
                                  G_CALLBACK (sync_model), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::options",
                                  G_CALLBACK (sync_options), self);

  g_signal_connect_object (gtk_text_view_get_buffer (self->instruction_view), "changed",
                           G_CALLBACK (on_instruction_changed), self, G_CONNECT_SWAPPED);

  sync_model (self);
}

/**
 * chiaro_advanced_popover_new:
 *
 * Returns: (transfer floating): a popover for no document yet
 */
GtkWidget *
chiaro_advanced_popover_new (void)
{
  return g_object_new (CHIARO_TYPE_ADVANCED_POPOVER, NULL);
}

/**
 * chiaro_advanced_popover_get_document:
 * @self: a #ChiaroAdvancedPopover
 *
 * Returns: (transfer none) (nullable): the document whose options it shows
 */
ChiaroDocument *
chiaro_advanced_popover_get_document (ChiaroAdvancedPopover *self)
{
  g_return_val_if_fail (CHIARO_IS_ADVANCED_POPOVER (self), NULL);

  return self->document;
}

/**
 * chiaro_advanced_popover_set_document:
 * @self: a #ChiaroAdvancedPopover
 * @document: (nullable): the document whose options to show and change
 */
void
chiaro_advanced_popover_set_document (ChiaroAdvancedPopover *self,
                                      ChiaroDocument        *document)
{
  g_return_if_fail (CHIARO_IS_ADVANCED_POPOVER (self));
  g_return_if_fail (document == NULL || CHIARO_IS_DOCUMENT (document));

  if (!g_set_object (&self->document, document))
    return;

  g_signal_group_set_target (self->document_signals, document);
  sync_model (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}
