/* chiaro-pack-dialog.c — choosing the ratios, resolution and variants of a social-format pack
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Offers the marketer set (1:1, 4:5, 9:16, 16:9, 21:9, ticked) and the model's other ratios
 * (not ticked), the model's resolutions (the document's as default) and variants per ratio,
 * and shows the estimated total before anything is sent (chiaro_document_estimate_pack_cost).
 * Send emits "send" with the choice; the window sends the pack (chiaro_document_send_pack_async)
 * so that its errors reach the window's toasts.
 */

#define G_LOG_DOMAIN "chiaro-pack-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-pack.h"

#include "chiaro-pack-dialog.h"

struct _ChiaroPackDialog
{
  AdwWindow parent_instance;

  /* template children */
  GtkFlowBox *ratio_box;
  AdwComboRow *size_row;
  GtkStringList *size_names;
  GtkSpinButton *variants_spin;
  GtkLabel *cost_label;
  GtkWidget *send_button;

  /* owned */
  ChiaroDocument *document;
  GPtrArray *checks;          /* (element-type GtkCheckButton) one per ratio, in order */
};

G_DEFINE_FINAL_TYPE (ChiaroPackDialog, chiaro_pack_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

enum {
  SEND,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What each ratio of the default set is for, as the check button's tooltip. */
static const char *
describe_ratio (const char *ratio)
{
  if (g_str_equal (ratio, "1:1"))
    return _("Square post");
  if (g_str_equal (ratio, "4:5"))
    return _("Portrait feed post");
  if (g_str_equal (ratio, "9:16"))
    return _("Story or reel");
  if (g_str_equal (ratio, "16:9"))
    return _("Video thumbnail or banner");
  if (g_str_equal (ratio, "21:9"))
    return _("Wide banner");
  return NULL;
}

static ChiaroModelInfo *
dup_model_info (ChiaroPackDialog *self)
{
  return chiaro_model_catalog_lookup (chiaro_document_get_catalog (self->document),
                                      chiaro_document_get_model_id (self->document));
}

static void
update_cost (ChiaroPackDialog *self)
{
  g_auto(GStrv) ratios = chiaro_pack_dialog_dup_ratios (self);
  guint n_ratios = g_strv_length (ratios);
  guint variants = chiaro_pack_dialog_get_variants (self);
  guint n_images = n_ratios * variants;
  g_autofree char *text = NULL;
  g_autofree char *send = NULL;
  double cost;

  if (n_ratios == 0)
    {
      gtk_label_set_text (self->cost_label, _("Choose at least one ratio"));
      gtk_widget_set_sensitive (self->send_button, FALSE);
      gtk_button_set_label (GTK_BUTTON (self->send_button), _("_Send"));
      return;
    }

  cost = chiaro_document_estimate_pack_cost (self->document, (const char * const *) ratios,
                                             chiaro_pack_dialog_get_image_size (self), variants);
  if (cost < 0)
    /* Translators: the price of a pack is not known; %u counts its images. */
    text = g_strdup_printf (ngettext ("Unknown, %u image", "Unknown, %u images", n_images),
                            n_images);
  else
    /* Translators: the estimated price of a pack in US dollars and how many images it makes,
     * such as “≈ $0.34 for 5 images”. */
    text = g_strdup_printf (ngettext ("≈ $%.2f for %u image", "≈ $%.2f for %u images", n_images),
                            cost, n_images);
  gtk_label_set_text (self->cost_label, text);

  /* Translators: the pack dialog's send button; %u counts the requests. */
  send = g_strdup_printf (ngettext ("_Send %u Request", "_Send %u Requests", n_images), n_images);
  gtk_button_set_label (GTK_BUTTON (self->send_button), send);
  gtk_widget_set_sensitive (self->send_button, TRUE);
}

static void
add_ratio (ChiaroPackDialog *self,
           const char       *ratio,
           gboolean          active)
{
  GtkWidget *check = gtk_check_button_new_with_label (ratio);
  const char *description = describe_ratio (ratio);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
  if (description != NULL)
    {
      gtk_widget_set_tooltip_text (check, description);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                      -1);
    }
  g_object_set_data_full (G_OBJECT (check), "chiaro-ratio", g_strdup (ratio), g_free);
  g_signal_connect_object (check, "toggled", G_CALLBACK (update_cost), self, G_CONNECT_SWAPPED);
  gtk_flow_box_append (self->ratio_box, check);
  g_ptr_array_add (self->checks, check);
}

static void
fill (ChiaroPackDialog *self)
{
  g_autoptr(ChiaroModelInfo) info = dup_model_info (self);
  const char * const *defaults = chiaro_pack_get_default_ratios ();
  const ChiaroGenerationOptions *options = chiaro_document_get_options (self->document);
  const char *current_size = options != NULL ? options->image_size : NULL;
  g_auto(GStrv) ratios = NULL;
  const char * const *sizes;
  guint selected = 0;

  if (info == NULL)
    return;

  ratios = chiaro_pack_dup_ratios_for_model (info);
  for (guint i = 0; ratios[i] != NULL; i++)
    add_ratio (self, ratios[i], g_strv_contains (defaults, ratios[i]));

  sizes = chiaro_model_info_get_image_sizes (info);
  if (current_size == NULL || !g_strv_contains (sizes, current_size))
    current_size = chiaro_model_info_get_default_size (info);
  for (guint i = 0; sizes[i] != NULL; i++)
    {
      gtk_string_list_append (self->size_names, sizes[i]);
      if (current_size != NULL && g_str_equal (sizes[i], current_size))
        selected = i;
    }
  adw_combo_row_set_selected (self->size_row, selected);
  /* A model without a choice of size gets no row. */
  gtk_widget_set_visible (GTK_WIDGET (self->size_row), sizes[0] != NULL);
}

static void
on_cancel_clicked (ChiaroPackDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_send_clicked (ChiaroPackDialog *self)
{
  chiaro_pack_dialog_send (self);
}

static void
chiaro_pack_dialog_constructed (GObject *object)
{
  ChiaroPackDialog *self = CHIARO_PACK_DIALOG (object);

  G_OBJECT_CLASS (chiaro_pack_dialog_parent_class)->constructed (object);

  fill (self);
  update_cost (self);
}

static void
chiaro_pack_dialog_dispose (GObject *object)
{
  ChiaroPackDialog *self = CHIARO_PACK_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_PACK_DIALOG);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (chiaro_pack_dialog_parent_class)->dispose (object);
}

static void
chiaro_pack_dialog_finalize (GObject *object)
{
  ChiaroPackDialog *self = CHIARO_PACK_DIALOG (object);

  g_ptr_array_unref (self->checks);

  G_OBJECT_CLASS (chiaro_pack_dialog_parent_class)->finalize (object);
}

static void
chiaro_pack_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ChiaroPackDialog *self = CHIARO_PACK_DIALOG (object);

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
chiaro_pack_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ChiaroPackDialog *self = CHIARO_PACK_DIALOG (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      self->document = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_pack_dialog_class_init (ChiaroPackDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = chiaro_pack_dialog_constructed;
  object_class->dispose = chiaro_pack_dialog_dispose;
  object_class->finalize = chiaro_pack_dialog_finalize;
  object_class->get_property = chiaro_pack_dialog_get_property;
  object_class->set_property = chiaro_pack_dialog_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL,
                         CHIARO_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroPackDialog::send:
   * @ratios: the ratios ticked, in the order shown
   * @image_size: (nullable): the resolution chosen
   * @variants: variants per ratio
   *
   * Send was pressed.
   */
  signals[SEND] = g_signal_new ("send",
                                G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL,
                                G_TYPE_NONE, 3, G_TYPE_STRV, G_TYPE_STRING, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-pack-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackDialog, ratio_box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackDialog, size_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackDialog, size_names);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackDialog, variants_spin);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackDialog, cost_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroPackDialog, send_button);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked);
  gtk_widget_class_bind_template_callback (widget_class, update_cost);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
chiaro_pack_dialog_init (ChiaroPackDialog *self)
{
  self->checks = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * chiaro_pack_dialog_new:
 * @document: the document the pack is made in (from its cursor)
 *
 * Returns: (transfer full): a new dialog
 */
ChiaroPackDialog *
chiaro_pack_dialog_new (ChiaroDocument *document)
{
  g_return_val_if_fail (CHIARO_IS_DOCUMENT (document), NULL);

  return g_object_new (CHIARO_TYPE_PACK_DIALOG, "document", document, NULL);
}

/**
 * chiaro_pack_dialog_get_document:
 * @self: a #ChiaroPackDialog
 *
 * Returns: (transfer none): the document
 */
ChiaroDocument *
chiaro_pack_dialog_get_document (ChiaroPackDialog *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_DIALOG (self), NULL);

  return self->document;
}

/**
 * chiaro_pack_dialog_dup_ratios:
 * @self: a #ChiaroPackDialog
 *
 * Returns: (transfer full): the ratios ticked, in the order shown
 */
char **
chiaro_pack_dialog_dup_ratios (ChiaroPackDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (CHIARO_IS_PACK_DIALOG (self), NULL);

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->checks, i);

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (check), "chiaro-ratio"));
    }

  return g_strv_builder_end (builder);
}

/**
 * chiaro_pack_dialog_set_ratio_active:
 * @self: a #ChiaroPackDialog
 * @ratio: a ratio the dialog offers
 * @active: whether to tick it
 *
 * Returns: %FALSE when the dialog does not offer @ratio
 */
gboolean
chiaro_pack_dialog_set_ratio_active (ChiaroPackDialog *self,
                                     const char       *ratio,
                                     gboolean          active)
{
  g_return_val_if_fail (CHIARO_IS_PACK_DIALOG (self), FALSE);
  g_return_val_if_fail (ratio != NULL, FALSE);

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->checks, i);

      if (g_str_equal (g_object_get_data (G_OBJECT (check), "chiaro-ratio"), ratio))
        {
          gtk_check_button_set_active (check, active);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * chiaro_pack_dialog_get_image_size:
 * @self: a #ChiaroPackDialog
 *
 * Returns: (nullable): the resolution chosen; %NULL for a model without sizes
 */
const char *
chiaro_pack_dialog_get_image_size (ChiaroPackDialog *self)
{
  guint selected;

  g_return_val_if_fail (CHIARO_IS_PACK_DIALOG (self), NULL);

  selected = adw_combo_row_get_selected (self->size_row);
  if (selected == GTK_INVALID_LIST_POSITION ||
      selected >= g_list_model_get_n_items (G_LIST_MODEL (self->size_names)))
    return NULL;

  return gtk_string_list_get_string (self->size_names, selected);
}

/**
 * chiaro_pack_dialog_set_image_size:
 * @self: a #ChiaroPackDialog
 * @image_size: one of the model's resolutions
 *
 * Returns: %FALSE when the model has no @image_size
 */
gboolean
chiaro_pack_dialog_set_image_size (ChiaroPackDialog *self,
                                   const char       *image_size)
{
  guint n;

  g_return_val_if_fail (CHIARO_IS_PACK_DIALOG (self), FALSE);
  g_return_val_if_fail (image_size != NULL, FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->size_names));
  for (guint i = 0; i < n; i++)
    if (g_str_equal (gtk_string_list_get_string (self->size_names, i), image_size))
      {
        adw_combo_row_set_selected (self->size_row, i);
        return TRUE;
      }

  return FALSE;
}

/**
 * chiaro_pack_dialog_get_variants:
 * @self: a #ChiaroPackDialog
 *
 * Returns: the variants per ratio
 */
guint
chiaro_pack_dialog_get_variants (ChiaroPackDialog *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_DIALOG (self), 1);

  return (guint) gtk_spin_button_get_value_as_int (self->variants_spin);
}

/**
 * chiaro_pack_dialog_set_variants:
 * @self: a #ChiaroPackDialog
 * @variants: variants per ratio, 1 to 4
 */
void
chiaro_pack_dialog_set_variants (ChiaroPackDialog *self,
                                 guint             variants)
{
  g_return_if_fail (CHIARO_IS_PACK_DIALOG (self));

  gtk_spin_button_set_value (self->variants_spin, variants);
}

/**
 * chiaro_pack_dialog_get_cost_text:
 * @self: a #ChiaroPackDialog
 *
 * Returns: the estimate shown, such as "≈ $0.34 for 5 images"
 */
const char *
chiaro_pack_dialog_get_cost_text (ChiaroPackDialog *self)
{
  g_return_val_if_fail (CHIARO_IS_PACK_DIALOG (self), NULL);

  return gtk_label_get_text (self->cost_label);
}

/**
 * chiaro_pack_dialog_send:
 * @self: a #ChiaroPackDialog
 *
 * What Send does: emits #ChiaroPackDialog::send with the choice and closes the dialog.
 * Nothing happens while no ratio is ticked.
 */
void
chiaro_pack_dialog_send (ChiaroPackDialog *self)
{
  g_auto(GStrv) ratios = NULL;

  g_return_if_fail (CHIARO_IS_PACK_DIALOG (self));

  ratios = chiaro_pack_dialog_dup_ratios (self);
  if (ratios[0] == NULL)
    return;

  g_signal_emit (self, signals[SEND], 0, ratios, chiaro_pack_dialog_get_image_size (self),
                 chiaro_pack_dialog_get_variants (self));
  gtk_window_close (GTK_WINDOW (self));
}
