/* chiaro-generation-controls.c — model, ratio, resolution, variants, prompt and Send
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bottom of the side panel. Every control shows the document's state and writes its
 * changes back at once; a loaded project brings its own. Only what the chosen model accepts
 * is offered: its ratios (and "Auto"), its resolutions (the control is hidden for a model
 * without a choice), and in the advanced popover its search, thinking and instruction.
 *
 * Switching models keeps what the user chose: options the new model does not take are left
 * out of the document's options but remembered here ("wanted"), and come back when a model
 * that takes them is chosen again.
 *
 * Beside Send: the estimate of what sending now costs, and the session's spend — the sum of
 * the actual costs (the estimate where the answer did not say) of the images added to the
 * document since it was given to these controls, i.e. while this window shows the project.
 * Sends run in parallel: Send stays available while others are in flight, and Stop (Escape)
 * stops the newest.
 */

#define G_LOG_DOMAIN "chiaro-generation-controls"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-advanced-popover.h"
#include "chiaro-api-error.h"
#include "chiaro-prompt-view.h"

#include "chiaro-generation-controls.h"

#define MAX_VARIANTS 8

struct _ChiaroGenerationControls
{
  GtkWidget parent_instance;

  /* template children */
  GtkWidget *options_box;
  GtkWidget *send_box;
  GtkDropDown *model_dropdown;
  GtkStringList *model_names;
  GtkDropDown *ratio_dropdown;
  GtkStringList *ratio_names;
  GtkDropDown *size_dropdown;
  GtkStringList *size_names;
  ChiaroPromptView *prompt_view;
  GtkDropDown *variants_dropdown;
  GtkStringList *variant_names;
  GtkMenuButton *advanced_button;
  ChiaroAdvancedPopover *advanced_popover;
  ChiaroPresetsPopover *presets_popover;
  GtkLabel *cost_label;
  GtkLabel *spend_label;
  GtkWidget *stop_button;
  GtkWidget *send_button;

  /* owned */
  ChiaroDocument *document;           /* (nullable) */
  GSignalGroup *document_signals;
  GSignalGroup *history_signals;
  GSignalGroup *references_signals;
  ChiaroModelInfo *model;             /* (nullable) the document's model */
  GPtrArray *model_ids;               /* (element-type utf8) behind model_dropdown's items */
  GPtrArray *ratios;                  /* (element-type utf8) behind ratio_dropdown's; NULL: auto */
  GPtrArray *sizes;                   /* (element-type utf8) size_dropdown's; NULL: default */
  ChiaroGenerationOptions *wanted;    /* (nullable) the user's choices, whatever the model */
  GPtrArray *stopped;                 /* (element-type ChiaroSend) stopped, not yet finished */
  GHashTable *counted;                /* ids of the entries whose cost is in spend */
  double spend;
  gboolean spend_incomplete;          /* an entry's cost is not known */
  guint n_spent;                      /* answers counted since the document was set */

  /* flags */
  gboolean updating;                  /* the widgets are being set from the document */
  gboolean switching_model;           /* the document is being fitted to a new model */
};

G_DEFINE_FINAL_TYPE (ChiaroGenerationControls, chiaro_generation_controls, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_SPEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
format_cost (double cost)
{
  if (cost < 0)
    return g_strdup (_("Cost unknown"));
  if (cost > 0 && cost < 0.005)
    /* Translators: an estimate of a price in US dollars, below one cent. */
    return g_strdup (_("≈ < $0.01"));
  /* Translators: an estimate of a price in US dollars, such as “≈ $0.13”. */
  return g_strdup_printf (_("≈ $%.2f"), cost);
}

/* Options */

/* @wanted without what @model does not take. */
static ChiaroGenerationOptions *
fit_options (const ChiaroGenerationOptions *wanted,
             ChiaroModelInfo               *model)
{
  ChiaroGenerationOptions *options = chiaro_generation_options_copy (wanted);
  const char * const *sizes = chiaro_model_info_get_image_sizes (model);
  const char * const *levels = chiaro_model_info_get_thinking_levels (model);
  ChiaroGroundingSupport grounding = chiaro_model_info_get_grounding (model);
  ChiaroThinkingSupport thinking = chiaro_model_info_get_thinking (model);

  if (chiaro_generation_options_get_aspect_ratio (options) != NULL &&
      !chiaro_model_info_accepts_aspect_ratio (model, options->aspect_ratio))
    g_clear_pointer (&options->aspect_ratio, g_free);

  if (options->image_size != NULL &&
      (sizes == NULL || sizes[0] == NULL ||
       !chiaro_model_info_accepts_image_size (model, options->image_size)))
    g_clear_pointer (&options->image_size, g_free);

  if (grounding == CHIARO_GROUNDING_NONE)
    options->grounding = FALSE;
  if (grounding != CHIARO_GROUNDING_WEB_AND_IMAGE)
    options->image_search = FALSE;

  if (!chiaro_model_info_get_system_instruction (model))
    g_clear_pointer (&options->system_instruction, g_free);

  if (options->thinking_level != NULL &&
      (thinking != CHIARO_THINKING_LEVELS || levels == NULL ||
       !g_strv_contains (levels, options->thinking_level)))
    g_clear_pointer (&options->thinking_level, g_free);
  if (thinking == CHIARO_THINKING_NONE)
    options->include_thoughts = FALSE;

  return options;
}

static void
adopt_string (char       **wanted,
              const char  *current,
              const char  *fitted)
{
  if (g_strcmp0 (current, fitted) != 0)
    {
      g_free (*wanted);
      *wanted = g_strdup (current);
    }
}

/* The document's options changed: what differs from what the controls would have set is a
 * choice made elsewhere (the popover, a loaded turn's settings), and becomes wanted. */
static void
adopt_options (ChiaroGenerationControls *self)
{
  g_autoptr(ChiaroGenerationOptions) fitted = NULL;
  const ChiaroGenerationOptions *current;
  ChiaroGenerationOptions *wanted = self->wanted;

  if (self->document == NULL || self->model == NULL || wanted == NULL)
    return;

  current = chiaro_document_get_options (self->document);
  fitted = fit_options (wanted, self->model);

  adopt_string (&wanted->aspect_ratio, current->aspect_ratio, fitted->aspect_ratio);
  adopt_string (&wanted->image_size, current->image_size, fitted->image_size);
  adopt_string (&wanted->system_instruction, current->system_instruction,
                fitted->system_instruction);
  adopt_string (&wanted->thinking_level, current->thinking_level, fitted->thinking_level);
  if (current->temperature != fitted->temperature)
    wanted->temperature = current->temperature;
  if (current->top_p != fitted->top_p)
    wanted->top_p = current->top_p;
  if (current->has_seed != fitted->has_seed || current->seed != fitted->seed)
    {
      wanted->has_seed = current->has_seed;
      wanted->seed = current->seed;
    }
  if (current->grounding != fitted->grounding)
    wanted->grounding = current->grounding;
  if (current->image_search != fitted->image_search)
    wanted->image_search = current->image_search;
  if (current->include_thoughts != fitted->include_thoughts)
    wanted->include_thoughts = current->include_thoughts;
}

/* Whether any advanced option differs from the model's defaults. */
static gboolean
has_advanced_options (const ChiaroGenerationOptions *options)
{
  return options->temperature >= 0 || options->top_p >= 0 || options->has_seed ||
         options->grounding || options->thinking_level != NULL || options->include_thoughts ||
         !is_blank (options->system_instruction);
}

/* State shown */

static void
update_actions (ChiaroGenerationControls *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GListModel *references = NULL;
  const char *tooltip;
  gboolean can_send = FALSE;
  guint n_pending = 0;

  if (self->document != NULL)
    references = G_LIST_MODEL (chiaro_document_get_references (self->document));

  if (self->document == NULL)
    tooltip = _("No project is open");
  else if (chiaro_document_get_provider (self->document) == NULL)
    tooltip = _("Add an API key in Preferences to send");
  else if (is_blank (chiaro_document_get_prompt (self->document)) &&
           g_list_model_get_n_items (references) == 0)
    tooltip = _("Write a prompt or add a reference image to send");
  else
    {
      tooltip = _("Send the Prompt (Ctrl+Enter)");
      can_send = TRUE;
    }

  if (self->document != NULL)
    g_object_get (self->document, "n-pending", &n_pending, NULL);

  gtk_widget_action_set_enabled (widget, "controls.send", can_send);
  gtk_widget_action_set_enabled (widget, "controls.stop", n_pending > 0);
  gtk_widget_set_tooltip_text (self->send_button, tooltip);
  gtk_widget_set_visible (self->stop_button, n_pending > 0);
}

static void
update_estimate (ChiaroGenerationControls *self)
{
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  double cost = -1;
  guint n = 1;

  if (self->document != NULL)
    {
      cost = chiaro_document_estimate_cost (self->document);
      n = chiaro_document_get_n_variants (self->document);
    }

  text = format_cost (cost);
  if (cost < 0)
    tooltip = g_strdup (_("The price of this model is not known"));
  else
    /* Translators: %u is a number of images made in one send. */
    tooltip = g_strdup_printf (ngettext ("Estimated cost of sending now: %u image",
                                         "Estimated cost of sending now: %u images", n), n);

  gtk_label_set_text (self->cost_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cost_label), tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->cost_label), self->document != NULL);
}

static void
update_spend_label (ChiaroGenerationControls *self)
{
  g_autofree char *amount = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->spend_label), self->n_spent > 0);
  if (self->n_spent == 0)
    return;

  amount = g_strdup_printf ("$%.2f", self->spend);
  if (self->spend_incomplete)
    /* Translators: %s is an amount of US dollars such as “$0.40”. */
    text = g_strdup_printf (_("At least %s this session"), amount);
  else
    /* Translators: %s is an amount of US dollars such as “$0.40”. */
    text = g_strdup_printf (_("%s this session"), amount);
  gtk_label_set_text (self->spend_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->spend_label),
                               _("Spent on the images made since the project was opened"));
}

/* Counts the entries that are new since the last count. */
static void
count_spend (ChiaroGenerationControls *self,
             gboolean                  baseline)
{
  g_autoptr(GPtrArray) entries = NULL;
  gboolean changed = FALSE;

  if (self->document == NULL)
    return;

  entries = chiaro_history_dup_entries (chiaro_document_get_history (self->document));
  for (guint i = 0; i < entries->len; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (entries, i);
      const char *id = chiaro_history_entry_get_id (entry);
      ChiaroReply *reply = chiaro_history_entry_get_reply (entry);
      double cost;

      if (g_hash_table_contains (self->counted, id))
        continue;
      g_hash_table_add (self->counted, g_strdup (id));
      /* An answer with several images is an entry per image sharing the reply: its
       * cost counts once, with the first of them. */
      if (baseline || reply == NULL || chiaro_history_entry_get_answer_first (entry) != entry)
        continue;

      cost = reply->cost_usd >= 0 ? reply->cost_usd : reply->estimated_cost_usd;
      if (cost >= 0)
        self->spend += cost;
      else
        self->spend_incomplete = TRUE;
      self->n_spent++;
      changed = TRUE;
    }

  if (changed)
    {
      update_spend_label (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEND]);
    }
}

static void
on_history_changed (ChiaroGenerationControls *self)
{
  count_spend (self, FALSE);
}

static void
update_advanced_button (ChiaroGenerationControls *self)
{
  gboolean set = self->document != NULL &&
                 has_advanced_options (chiaro_document_get_options (self->document));

  if (set)
    gtk_widget_add_css_class (GTK_WIDGET (self->advanced_button), "chiaro-options-set");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->advanced_button), "chiaro-options-set");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->advanced_button),
                               set ? _("Advanced Options (Some Set)") : _("Advanced Options"));
}

static guint
find_string (GPtrArray  *array,
             const char *value)
{
  for (guint i = 0; i < array->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (array, i), value) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
replace_names (GtkStringList *list,
               GPtrArray     *names)
{
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)),
                          (const char * const *) names->pdata);
}

static void
update_size_tooltip (ChiaroGenerationControls *self)
{
  g_autofree char *tooltip = NULL;
  const ChiaroGenerationOptions *options;
  const char *ratio;
  const char *size;
  int width, height;

  if (self->document == NULL || self->model == NULL)
    return;

  options = chiaro_document_get_options (self->document);
  ratio = chiaro_generation_options_get_aspect_ratio (options);
  size = options->image_size != NULL ? options->image_size :
         chiaro_model_info_get_default_size (self->model);
  if (ratio != NULL && size != NULL &&
      chiaro_model_info_get_pixel_size (self->model, ratio, size, &width, &height))
    /* Translators: the resolution's tooltip; %d × %d is its width and height in pixels. */
    tooltip = g_strdup_printf (_("Resolution: %d × %d pixels"), width, height);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->size_dropdown),
                               tooltip != NULL ? tooltip : _("Resolution"));
}

/* The ratio and size the document's options name. */
static void
sync_options (ChiaroGenerationControls *self)
{
  const ChiaroGenerationOptions *options;
  const char *ratio;
  const char *size;
  guint position;

  if (self->document == NULL)
    return;

  options = chiaro_document_get_options (self->document);
  if (!self->switching_model)
    adopt_options (self);

  self->updating = TRUE;

  ratio = chiaro_generation_options_get_aspect_ratio (options);
  position = ratio != NULL ? find_string (self->ratios, ratio) : 0;
  gtk_drop_down_set_selected (self->ratio_dropdown,
                              position != GTK_INVALID_LIST_POSITION ? position : 0);

  size = options->image_size;
  if (size == NULL || find_string (self->sizes, size) == GTK_INVALID_LIST_POSITION)
    size = self->model != NULL ? chiaro_model_info_get_default_size (self->model) : NULL;
  position = find_string (self->sizes, size);
  gtk_drop_down_set_selected (self->size_dropdown,
                              position != GTK_INVALID_LIST_POSITION ? position : 0);

  self->updating = FALSE;

  update_size_tooltip (self);
  update_estimate (self);
  update_advanced_button (self);
}

/* The model list: the catalog's models, and the document's model when the catalog does not
 * list it (a model id typed in the preferences, or a newer project). */
static void
sync_model (ChiaroGenerationControls *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ratio_names = g_ptr_array_new ();
  g_autoptr(GPtrArray) size_names = g_ptr_array_new ();
  g_auto(GStrv) ids = NULL;
  ChiaroModelCatalog *catalog;
  const char * const *ratios;
  const char * const *sizes;
  const char *current_id;
  guint position;

  g_clear_pointer (&self->model, chiaro_model_info_unref);
  g_ptr_array_set_size (self->model_ids, 0);
  g_ptr_array_set_size (self->ratios, 0);
  g_ptr_array_set_size (self->sizes, 0);

  if (self->document != NULL)
    {
      catalog = chiaro_document_get_catalog (self->document);
      self->model = chiaro_model_catalog_lookup (catalog,
                                                 chiaro_document_get_model_id (self->document));
      ids = chiaro_model_catalog_dup_ids (catalog);
      for (guint i = 0; ids[i] != NULL; i++)
        {
          g_autoptr(ChiaroModelInfo) info = chiaro_model_catalog_lookup (catalog, ids[i]);

          g_ptr_array_add (self->model_ids, g_strdup (ids[i]));
          g_ptr_array_add (names, g_strdup (chiaro_model_info_get_name (info)));
        }
    }

  current_id = self->model != NULL ? chiaro_model_info_get_id (self->model) : NULL;
  position = find_string (self->model_ids, current_id);
  if (current_id != NULL && position == GTK_INVALID_LIST_POSITION)
    {
      position = self->model_ids->len;
      g_ptr_array_add (self->model_ids, g_strdup (current_id));
      g_ptr_array_add (names, g_strdup (current_id));
    }

  /* Ratios: "Auto" (not sent), then the model's. */
  g_ptr_array_add (self->ratios, NULL);
  g_ptr_array_add (ratio_names, (gpointer) C_("aspect ratio", "Auto"));
  ratios = self->model != NULL ? chiaro_model_info_get_aspect_ratios (self->model) : NULL;
  for (guint i = 0; ratios != NULL && ratios[i] != NULL; i++)
    {
      g_ptr_array_add (self->ratios, g_strdup (ratios[i]));
      g_ptr_array_add (ratio_names, (gpointer) ratios[i]);
    }

  /* Sizes: the model's, after "Default" when it has no default of its own. */
  sizes = self->model != NULL ? chiaro_model_info_get_image_sizes (self->model) : NULL;
  if (sizes != NULL && sizes[0] != NULL &&
      chiaro_model_info_get_default_size (self->model) == NULL)
    {
      g_ptr_array_add (self->sizes, NULL);
      g_ptr_array_add (size_names, (gpointer) C_("resolution", "Default"));
    }
  for (guint i = 0; sizes != NULL && sizes[i] != NULL; i++)
    {
      g_ptr_array_add (self->sizes, g_strdup (sizes[i]));
      g_ptr_array_add (size_names, (gpointer) sizes[i]);
    }

  self->updating = TRUE;
  replace_names (self->model_names, names);
  replace_names (self->ratio_names, ratio_names);
  replace_names (self->size_names, size_names);
  gtk_drop_down_set_selected (self->model_dropdown, position);
  self->updating = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->model_dropdown), self->document != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ratio_dropdown), self->document != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->size_dropdown), sizes != NULL && sizes[0] != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->model_dropdown),
                               current_id != NULL ? current_id : _("Model"));

  sync_options (self);
}

static void
sync_variants (ChiaroGenerationControls *self)
{
  guint n = self->document != NULL ? chiaro_document_get_n_variants (self->document) : 1;

  self->updating = TRUE;
  gtk_drop_down_set_selected (self->variants_dropdown, n - 1);
  self->updating = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->variants_dropdown), self->document != NULL);
  update_estimate (self);
}

/* Changes from the widgets */

static void
on_model_selected (ChiaroGenerationControls *self)
{
  g_autoptr(ChiaroModelInfo) model = NULL;
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  guint selected = gtk_drop_down_get_selected (self->model_dropdown);
  const char *id;

  if (self->updating || self->document == NULL || selected >= self->model_ids->len)
    return;

  id = g_ptr_array_index (self->model_ids, selected);
  model = chiaro_model_catalog_lookup (chiaro_document_get_catalog (self->document), id);
  options = fit_options (self->wanted, model);

  self->switching_model = TRUE;
  chiaro_document_set_model_id (self->document, id);
  chiaro_document_set_options (self->document, options);
  self->switching_model = FALSE;

  sync_options (self);
}

static void
set_string_option (ChiaroGenerationControls *self,
                   gboolean                  ratio,
                   const char               *value)
{
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  char **field;

  options = chiaro_generation_options_copy (chiaro_document_get_options (self->document));
  field = ratio ? &options->aspect_ratio : &options->image_size;
  g_free (*field);
  *field = g_strdup (value);
  chiaro_document_set_options (self->document, options);
}

static void
on_ratio_selected (ChiaroGenerationControls *self)
{
  guint selected = gtk_drop_down_get_selected (self->ratio_dropdown);

  if (self->updating || self->document == NULL || selected >= self->ratios->len)
    return;

  set_string_option (self, TRUE, g_ptr_array_index (self->ratios, selected));
}

static void
on_size_selected (ChiaroGenerationControls *self)
{
  guint selected = gtk_drop_down_get_selected (self->size_dropdown);

  if (self->updating || self->document == NULL || selected >= self->sizes->len)
    return;

  set_string_option (self, FALSE, g_ptr_array_index (self->sizes, selected));
}

static void
on_variants_selected (ChiaroGenerationControls *self)
{
  guint selected = gtk_drop_down_get_selected (self->variants_dropdown);

  if (self->updating || self->document == NULL || selected >= MAX_VARIANTS)
    return;

  chiaro_document_set_n_variants (self->document, selected + 1);
}

/* Actions */

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(ChiaroGenerationControls) self = g_weak_ref_get (weak);
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  /* A failed request stays in the conversation, with its prompt, reason and Retry; what
   * failed before anything was sent (no key, nothing to send, a bad image) is said through
   * "error". */
  send = chiaro_document_send_finish (CHIARO_DOCUMENT (source), result, &error);
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("The send failed: %s", error->message);
  if (self != NULL && error->domain != CHIARO_API_ERROR)
    g_signal_emit (self, signals[ERROR], 0, error->message);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroGenerationControls *self = CHIARO_GENERATION_CONTROLS (widget);
  GWeakRef *weak;

  if (self->document == NULL)
    return;

  /* The document holds itself while the send runs; the controls may go away meanwhile. */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  chiaro_document_send_async (self->document, NULL, on_sent, weak);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroGenerationControls *self = CHIARO_GENERATION_CONTROLS (widget);
  GListModel *sends;

  if (self->document == NULL)
    return;

  /* A stopped send takes a moment to finish: the next Stop is for the one before it. */
  for (guint i = self->stopped->len; i > 0; i--)
    {
      if (chiaro_send_is_finished (g_ptr_array_index (self->stopped, i - 1)))
        g_ptr_array_remove_index (self->stopped, i - 1);
    }

  sends = chiaro_document_get_sends (self->document);
  for (guint i = g_list_model_get_n_items (sends); i > 0; i--)
    {
      g_autoptr(ChiaroSend) send = g_list_model_get_item (sends, i - 1);

      if (!chiaro_send_is_finished (send) && !g_ptr_array_find (self->stopped, send, NULL))
        {
          g_ptr_array_add (self->stopped, g_object_ref (send));
          chiaro_document_cancel_send (self->document, send);
          return;
        }
    }
}

/* GObject */

static gboolean
chiaro_generation_controls_grab_focus (GtkWidget *widget)
{
  ChiaroGenerationControls *self = CHIARO_GENERATION_CONTROLS (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->prompt_view));
}

static void
chiaro_generation_controls_dispose (GObject *object)
{
  ChiaroGenerationControls *self = (ChiaroGenerationControls *)object;
  GtkWidget *child;

  g_signal_group_set_target (self->document_signals, NULL);
  g_signal_group_set_target (self->history_signals, NULL);
  g_signal_group_set_target (self->references_signals, NULL);
  g_clear_object (&self->document);
  g_clear_pointer (&self->model, chiaro_model_info_unref);
  g_ptr_array_set_size (self->stopped, 0);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_GENERATION_CONTROLS);
  /* The template's rows that are not bound by name. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (chiaro_generation_controls_parent_class)->dispose (object);
}

static void
chiaro_generation_controls_finalize (GObject *object)
{
  ChiaroGenerationControls *self = (ChiaroGenerationControls *)object;

  g_clear_object (&self->document_signals);
  g_clear_object (&self->history_signals);
  g_clear_object (&self->references_signals);
  g_clear_pointer (&self->model_ids, g_ptr_array_unref);
  g_clear_pointer (&self->ratios, g_ptr_array_unref);
  g_clear_pointer (&self->sizes, g_ptr_array_unref);
  g_clear_pointer (&self->wanted, chiaro_generation_options_free);
  g_clear_pointer (&self->stopped, g_ptr_array_unref);
  g_clear_pointer (&self->counted, g_hash_table_unref);

  G_OBJECT_CLASS (chiaro_generation_controls_parent_class)->finalize (object);
}

static void
chiaro_generation_controls_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  ChiaroGenerationControls *self = CHIARO_GENERATION_CONTROLS (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_SPEND:
      g_value_set_double (value, self->spend);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_generation_controls_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  ChiaroGenerationControls *self = CHIARO_GENERATION_CONTROLS (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      chiaro_generation_controls_set_document (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_generation_controls_class_init (ChiaroGenerationControlsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_generation_controls_dispose;
  object_class->finalize = chiaro_generation_controls_finalize;
  object_class->get_property = chiaro_generation_controls_get_property;
  object_class->set_property = chiaro_generation_controls_set_property;

  widget_class->grab_focus = chiaro_generation_controls_grab_focus;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL,
                         CHIARO_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* USD spent on the images added since the document was set (see the file comment). */
  properties[PROP_SPEND] =
    g_param_spec_double ("spend", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroGenerationControls::error:
   * @self: the controls
   * @message: what went wrong, for the user
   *
   * A send failed before anything was sent (no key, nothing to send, an image that could
   * not be encoded); the window shows @message. Failed requests are not reported here:
   * they stay in the conversation.
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (CHIARO_TYPE_ADVANCED_POPOVER);
  g_type_ensure (CHIARO_TYPE_PROMPT_VIEW);
  g_type_ensure (CHIARO_TYPE_PRESETS_POPOVER);

  gtk_widget_class_set_css_name (widget_class, "generation-controls");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-generation-controls.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, options_box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, send_box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, model_names);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, ratio_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, ratio_names);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, size_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, size_names);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, prompt_view);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls,
                                        variants_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, variant_names);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, advanced_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls,
                                        advanced_popover);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls,
                                        presets_popover);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, cost_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, spend_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, stop_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroGenerationControls, send_button);
  gtk_widget_class_bind_template_callback (widget_class, on_model_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_ratio_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_size_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_variants_selected);

  gtk_widget_class_install_action (widget_class, "controls.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "controls.stop", NULL, stop_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "controls.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "controls.send", NULL);
}

static void
chiaro_generation_controls_init (ChiaroGenerationControls *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 8);

  self->model_ids = g_ptr_array_new_with_free_func (g_free);
  self->ratios = g_ptr_array_new_with_free_func (g_free);
  self->sizes = g_ptr_array_new_with_free_func (g_free);
  self->stopped = g_ptr_array_new_with_free_func (g_object_unref);
  self->counted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint n = 1; n <= MAX_VARIANTS; n++)
    {
      /* Translators: the variants control: how many images one send makes. */
      g_autofree char *name = g_strdup_printf (ngettext ("%u image", "%u images", n), n);

      gtk_string_list_append (self->variant_names, name);
    }

  self->document_signals = g_signal_group_new (CHIARO_TYPE_DOCUMENT);
  g_signal_group_connect_swapped (self->document_signals, "notify::model-id",
                                  G_CALLBACK (sync_model), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::options",
                                  G_CALLBACK (sync_options), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::n-variants",
                                  G_CALLBACK (sync_variants), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::prompt",
                                  G_CALLBACK (update_estimate), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::prompt",
                                  G_CALLBACK (update_actions), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::provider",
                                  G_CALLBACK (update_actions), self);
  g_signal_group_connect_swapped (self->document_signals, "notify::n-pending",
                                  G_CALLBACK (update_actions), self);

  self->history_signals = g_signal_group_new (CHIARO_TYPE_HISTORY);
  g_signal_group_connect_swapped (self->history_signals, "notify::cursor",
                                  G_CALLBACK (update_estimate), self);
  g_signal_group_connect_swapped (self->history_signals, "changed",
                                  G_CALLBACK (on_history_changed), self);

  self->references_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->references_signals, "items-changed",
                                  G_CALLBACK (update_estimate), self);
  g_signal_group_connect_swapped (self->references_signals, "items-changed",
                                  G_CALLBACK (update_actions), self);

  sync_model (self);
  sync_variants (self);
  update_actions (self);
  update_spend_label (self);
}

/**
 * chiaro_generation_controls_new:
 *
 * Returns: (transfer floating): controls for no document yet
 */
GtkWidget *
chiaro_generation_controls_new (void)
{
  return g_object_new (CHIARO_TYPE_GENERATION_CONTROLS, NULL);
}

/**
 * chiaro_generation_controls_get_document:
 * @self: a #ChiaroGenerationControls
 *
 * Returns: (transfer none) (nullable): the document the controls show and change
 */
ChiaroDocument *
chiaro_generation_controls_get_document (ChiaroGenerationControls *self)
{
  g_return_val_if_fail (CHIARO_IS_GENERATION_CONTROLS (self), NULL);

  return self->document;
}

/**
 * chiaro_generation_controls_get_presets_popover:
 * @self: a #ChiaroGenerationControls
 *
 * Returns: (transfer none): the popover of the presets button, for the window to give the
 *   application's preset library
 */
ChiaroPresetsPopover *
chiaro_generation_controls_get_presets_popover (ChiaroGenerationControls *self)
{
  g_return_val_if_fail (CHIARO_IS_GENERATION_CONTROLS (self), NULL);

  return self->presets_popover;
}

/**
 * chiaro_generation_controls_set_document:
 * @self: a #ChiaroGenerationControls
 * @document: (nullable): the document to show and change
 *
 * Everything follows the document from now on: its model, options, variants and prompt.
 * The session's spend starts again from zero.
 */
void
chiaro_generation_controls_set_document (ChiaroGenerationControls *self,
                                         ChiaroDocument           *document)
{
  g_return_if_fail (CHIARO_IS_GENERATION_CONTROLS (self));
  g_return_if_fail (document == NULL || CHIARO_IS_DOCUMENT (document));

  if (!g_set_object (&self->document, document))
    return;

  g_clear_pointer (&self->wanted, chiaro_generation_options_free);
  if (document != NULL)
    self->wanted = chiaro_generation_options_copy (chiaro_document_get_options (document));

  g_ptr_array_set_size (self->stopped, 0);
  g_hash_table_remove_all (self->counted);
  self->spend = 0;
  self->spend_incomplete = FALSE;
  self->n_spent = 0;
  count_spend (self, TRUE);

  g_signal_group_set_target (self->document_signals, document);
  g_signal_group_set_target (self->history_signals,
                             document != NULL ? chiaro_document_get_history (document) : NULL);
  g_signal_group_set_target (self->references_signals,
                             document != NULL ? chiaro_document_get_references (document) : NULL);
  chiaro_prompt_view_set_document (self->prompt_view, document);
  chiaro_advanced_popover_set_document (self->advanced_popover, document);
  chiaro_presets_popover_set_document (self->presets_popover, document);

  sync_model (self);
  sync_variants (self);
  update_actions (self);
  update_spend_label (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEND]);
}

/**
 * chiaro_generation_controls_get_spend:
 * @self: a #ChiaroGenerationControls
 *
 * Returns: USD spent on the images added since the document was set (actual costs, the
 *   estimate where the answer did not say)
 */
double
chiaro_generation_controls_get_spend (ChiaroGenerationControls *self)
{
  g_return_val_if_fail (CHIARO_IS_GENERATION_CONTROLS (self), 0);

  return self->spend;
}
