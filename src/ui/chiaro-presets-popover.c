/* chiaro-presets-popover.c — the prompt library: built-in presets and the user's own
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lists the application's ChiaroPresetLibrary under a heading per category (restoration,
 * product, social, then the user's own). Activating a preset fills the document's prompt and
 * sets the ratio and resolution it carries, where the document's model takes them. The
 * user's presets have Rename and Delete buttons; both change the library at once and save
 * it on a worker; a deletion is reported through "removed" so the window can offer Undo.
 */

#define G_LOG_DOMAIN "chiaro-presets-popover"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-preset-name.h"

#include "chiaro-presets-popover.h"

struct _ChiaroPresetsPopover
{
  GtkPopover parent_instance;

  /* template children */
  GtkListBox *list_box;

  /* owned */
  ChiaroPresetLibrary *library;   /* (nullable) */
  ChiaroDocument *document;       /* (nullable) */
};

G_DEFINE_FINAL_TYPE (ChiaroPresetsPopover, chiaro_presets_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_DOCUMENT,
  N_PROPS
};

enum {
  REMOVED,
  ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
describe_category (const char *category)
{
  if (g_strcmp0 (category, CHIARO_PRESET_CATEGORY_RESTORATION) == 0)
    return _("Restoration");
  if (g_strcmp0 (category, CHIARO_PRESET_CATEGORY_PRODUCT) == 0)
    return _("Product");
  if (g_strcmp0 (category, CHIARO_PRESET_CATEGORY_SOCIAL) == 0)
    return _("Social");
  return _("My Presets");
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ChiaroPresetsPopover) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!chiaro_preset_library_save_finish (CHIARO_PRESET_LIBRARY (object), result, &error))
    {
      /* Translators: a toast; %s says why. */
      g_autofree char *message = g_strdup_printf (_("The presets could not be saved: %s"),
                                                  error->message);

      g_signal_emit (self, signals[ERROR], 0, message);
    }
}

static void
save (ChiaroPresetsPopover *self)
{
  chiaro_preset_library_save_async (self->library, NULL, on_saved, g_object_ref (self));
}

static void
on_header (GtkListBoxRow *row,
           GtkListBoxRow *before,
           gpointer       user_data)
{
  ChiaroPreset *preset = g_object_get_data (G_OBJECT (row), "chiaro-preset");
  ChiaroPreset *previous = before != NULL ? g_object_get_data (G_OBJECT (before), "chiaro-preset")
                                          : NULL;
  GtkWidget *header;

  if (previous != NULL &&
      g_strcmp0 (chiaro_preset_get_category (preset), chiaro_preset_get_category (previous)) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (describe_category (chiaro_preset_get_category (preset)));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "presets-heading");
  gtk_list_box_row_set_header (row, header);
}

static void
on_rename_clicked (GtkButton *button,
                   gpointer   user_data);
static void
on_delete_clicked (GtkButton *button,
                   gpointer   user_data);

static char *
dup_options_text (ChiaroPreset *preset)
{
  const char *ratio = chiaro_preset_get_aspect_ratio (preset);
  const char *size = chiaro_preset_get_image_size (preset);

  if (ratio != NULL && size != NULL)
    /* Translators: the options a preset carries, such as “4:5 · 2K”. */
    return g_strdup_printf (_("%s · %s"), ratio, size);
  if (ratio != NULL || size != NULL)
    return g_strdup (ratio != NULL ? ratio : size);
  return NULL;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  ChiaroPresetsPopover *self = user_data;
  ChiaroPreset *preset = item;
  g_autofree char *options = dup_options_text (preset);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (chiaro_preset_get_name (preset));
  GtkWidget *prompt = gtk_label_new (chiaro_preset_get_prompt (preset));

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  g_object_bind_property (preset, "name", name, "label", G_BINDING_DEFAULT);
  gtk_label_set_xalign (GTK_LABEL (prompt), 0);
  gtk_label_set_ellipsize (GTK_LABEL (prompt), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (prompt), TRUE);
  gtk_widget_add_css_class (prompt, "caption");
  gtk_widget_add_css_class (prompt, "dim-label");
  gtk_box_append (GTK_BOX (text), name);
  gtk_box_append (GTK_BOX (text), prompt);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  if (options != NULL)
    {
      GtkWidget *badge = gtk_label_new (options);

      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (badge, "caption");
      gtk_widget_add_css_class (badge, "preset-options");
      gtk_box_append (GTK_BOX (box), badge);
    }

  if (!chiaro_preset_get_builtin (preset))
    {
      GtkWidget *rename = gtk_button_new_from_icon_name ("document-edit-symbolic");
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *rename_name = NULL;
      g_autofree char *remove_name = NULL;

      /* Translators: accessible names of a preset's buttons; %s is its name. */
      rename_name = g_strdup_printf (_("Rename “%s”"), chiaro_preset_get_name (preset));
      remove_name = g_strdup_printf (_("Delete “%s”"), chiaro_preset_get_name (preset));
      gtk_widget_set_tooltip_text (rename, _("Rename"));
      gtk_widget_set_tooltip_text (remove, _("Delete"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (rename),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, rename_name, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);
      gtk_widget_set_valign (rename, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (rename, "flat");
      gtk_widget_add_css_class (remove, "flat");
      g_object_set_data_full (G_OBJECT (rename), "chiaro-preset", g_object_ref (preset),
                              g_object_unref);
      g_object_set_data_full (G_OBJECT (remove), "chiaro-preset", g_object_ref (preset),
                              g_object_unref);
      g_signal_connect_object (rename, "clicked", G_CALLBACK (on_rename_clicked), self, 0);
      g_signal_connect_object (remove, "clicked", G_CALLBACK (on_delete_clicked), self, 0);
      gtk_box_append (GTK_BOX (box), rename);
      gtk_box_append (GTK_BOX (box), remove);
    }

  gtk_widget_set_tooltip_text (row, chiaro_preset_get_prompt (preset));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, chiaro_preset_get_name (preset),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  chiaro_preset_get_prompt (preset),
                                  -1);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "chiaro-preset", g_object_ref (preset),
                          g_object_unref);

  return row;
}

static void
on_row_activated (ChiaroPresetsPopover *self,
                  GtkListBoxRow        *row)
{
  ChiaroPreset *preset = g_object_get_data (G_OBJECT (row), "chiaro-preset");

  chiaro_presets_popover_apply (self, preset);
  gtk_popover_popdown (GTK_POPOVER (self));
}

typedef struct
{
  ChiaroPresetsPopover *self;  /* (owned) */
  ChiaroPreset *preset;        /* (owned) */
} RenameRequest;

static void
rename_request_free (gpointer data)
{
  RenameRequest *request = data;

  g_object_unref (request->self);
  g_object_unref (request->preset);
  g_free (request);
}

static void
on_new_name (const char *name,
             gpointer    user_data)
{
  RenameRequest *request = user_data;

  chiaro_presets_popover_rename (request->self, request->preset, name);
}

static void
on_rename_clicked (GtkButton *button,
                   gpointer   user_data)
{
  ChiaroPresetsPopover *self = CHIARO_PRESETS_POPOVER (user_data);
  ChiaroPreset *preset = g_object_get_data (G_OBJECT (button), "chiaro-preset");
  RenameRequest *request = g_new0 (RenameRequest, 1);
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  request->self = g_object_ref (self);
  request->preset = g_object_ref (preset);
  gtk_popover_popdown (GTK_POPOVER (self));
  chiaro_ask_preset_name (parent != NULL ? parent : GTK_WIDGET (self), _("Rename Preset"),
                          chiaro_preset_get_name (preset), _("_Rename"),
                          on_new_name, request, rename_request_free);
}

static void
on_delete_clicked (GtkButton *button,
                   gpointer   user_data)
{
  ChiaroPresetsPopover *self = CHIARO_PRESETS_POPOVER (user_data);
  ChiaroPreset *preset = g_object_get_data (G_OBJECT (button), "chiaro-preset");

  chiaro_presets_popover_remove (self, preset);
}

static void
chiaro_presets_popover_dispose (GObject *object)
{
  ChiaroPresetsPopover *self = CHIARO_PRESETS_POPOVER (object);

  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_PRESETS_POPOVER);
  g_clear_object (&self->library);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (chiaro_presets_popover_parent_class)->dispose (object);
}

static void
chiaro_presets_popover_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  ChiaroPresetsPopover *self = CHIARO_PRESETS_POPOVER (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;

    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_presets_popover_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  ChiaroPresetsPopover *self = CHIARO_PRESETS_POPOVER (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      chiaro_presets_popover_set_library (self, g_value_get_object (value));
      break;

    case PROP_DOCUMENT:
      chiaro_presets_popover_set_document (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_presets_popover_class_init (ChiaroPresetsPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_presets_popover_dispose;
  object_class->get_property = chiaro_presets_popover_get_property;
  object_class->set_property = chiaro_presets_popover_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL,
                         CHIARO_TYPE_PRESET_LIBRARY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL,
                         CHIARO_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroPresetsPopover::removed:
   * @preset: the preset deleted (no longer in the library)
   */
  signals[REMOVED] = g_signal_new ("removed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, CHIARO_TYPE_PRESET);

  /**
   * ChiaroPresetsPopover::error:
   * @message: what went wrong, for a toast
   */
  signals[ERROR] = g_signal_new ("error",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-presets-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroPresetsPopover, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
chiaro_presets_popover_init (ChiaroPresetsPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_header_func (self->list_box, on_header, NULL, NULL);
}

/**
 * chiaro_presets_popover_new:
 *
 * Returns: a new popover
 */
GtkWidget *
chiaro_presets_popover_new (void)
{
  return g_object_new (CHIARO_TYPE_PRESETS_POPOVER, NULL);
}

/**
 * chiaro_presets_popover_get_library:
 * @self: a #ChiaroPresetsPopover
 *
 * Returns: (transfer none) (nullable): the presets listed
 */
ChiaroPresetLibrary *
chiaro_presets_popover_get_library (ChiaroPresetsPopover *self)
{
  g_return_val_if_fail (CHIARO_IS_PRESETS_POPOVER (self), NULL);

  return self->library;
}

/**
 * chiaro_presets_popover_set_library:
 * @self: a #ChiaroPresetsPopover
 * @library: (nullable): the presets to list
 */
void
chiaro_presets_popover_set_library (ChiaroPresetsPopover *self,
                                    ChiaroPresetLibrary  *library)
{
  g_return_if_fail (CHIARO_IS_PRESETS_POPOVER (self));
  g_return_if_fail (library == NULL || CHIARO_IS_PRESET_LIBRARY (library));

  if (!g_set_object (&self->library, library))
    return;

  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (library), create_row, self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIBRARY]);
}

/**
 * chiaro_presets_popover_get_document:
 * @self: a #ChiaroPresetsPopover
 *
 * Returns: (transfer none) (nullable): the document presets fill
 */
ChiaroDocument *
chiaro_presets_popover_get_document (ChiaroPresetsPopover *self)
{
  g_return_val_if_fail (CHIARO_IS_PRESETS_POPOVER (self), NULL);

  return self->document;
}

/**
 * chiaro_presets_popover_set_document:
 * @self: a #ChiaroPresetsPopover
 * @document: (nullable): the document presets fill
 */
void
chiaro_presets_popover_set_document (ChiaroPresetsPopover *self,
                                     ChiaroDocument       *document)
{
  g_return_if_fail (CHIARO_IS_PRESETS_POPOVER (self));
  g_return_if_fail (document == NULL || CHIARO_IS_DOCUMENT (document));

  if (g_set_object (&self->document, document))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * chiaro_presets_popover_get_list_box:
 * @self: a #ChiaroPresetsPopover
 *
 * Returns: (transfer none): the list of presets, one row each (for tests)
 */
GtkListBox *
chiaro_presets_popover_get_list_box (ChiaroPresetsPopover *self)
{
  g_return_val_if_fail (CHIARO_IS_PRESETS_POPOVER (self), NULL);

  return self->list_box;
}

/**
 * chiaro_presets_popover_apply:
 * @self: a #ChiaroPresetsPopover
 * @preset: a preset
 *
 * Puts @preset's prompt in the document's prompt and sets the ratio and resolution it
 * carries, each where the document's model takes it.
 */
void
chiaro_presets_popover_apply (ChiaroPresetsPopover *self,
                              ChiaroPreset         *preset)
{
  g_autoptr(ChiaroModelInfo) info = NULL;
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  const char *ratio;
  const char *size;
  gboolean changed = FALSE;

  g_return_if_fail (CHIARO_IS_PRESETS_POPOVER (self));
  g_return_if_fail (CHIARO_IS_PRESET (preset));

  if (self->document == NULL)
    return;

  chiaro_document_set_prompt (self->document, chiaro_preset_get_prompt (preset));

  ratio = chiaro_preset_get_aspect_ratio (preset);
  size = chiaro_preset_get_image_size (preset);
  if (ratio == NULL && size == NULL)
    return;

  info = chiaro_model_catalog_lookup (chiaro_document_get_catalog (self->document),
                                      chiaro_document_get_model_id (self->document));
  options = chiaro_generation_options_copy (chiaro_document_get_options (self->document));
  if (ratio != NULL && info != NULL && chiaro_model_info_accepts_aspect_ratio (info, ratio))
    {
      g_free (options->aspect_ratio);
      options->aspect_ratio = g_strdup (ratio);
      changed = TRUE;
    }
  if (size != NULL && info != NULL && chiaro_model_info_accepts_image_size (info, size))
    {
      g_free (options->image_size);
      options->image_size = g_strdup (size);
      changed = TRUE;
    }
  if (changed)
    chiaro_document_set_options (self->document, options);
}

/**
 * chiaro_presets_popover_rename:
 * @self: a #ChiaroPresetsPopover
 * @preset: one of the user's presets
 * @name: its new name
 *
 * Renames @preset and saves the library; a failure is the "error" signal.
 */
void
chiaro_presets_popover_rename (ChiaroPresetsPopover *self,
                               ChiaroPreset         *preset,
                               const char           *name)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CHIARO_IS_PRESETS_POPOVER (self));
  g_return_if_fail (CHIARO_IS_PRESET (preset));
  g_return_if_fail (self->library != NULL);

  if (!chiaro_preset_library_rename (self->library, preset, name, &error))
    {
      g_signal_emit (self, signals[ERROR], 0, error->message);
      return;
    }

  save (self);
}

/**
 * chiaro_presets_popover_remove:
 * @self: a #ChiaroPresetsPopover
 * @preset: one of the user's presets
 *
 * Deletes @preset, saves the library and emits "removed"; a failure is the "error" signal.
 */
void
chiaro_presets_popover_remove (ChiaroPresetsPopover *self,
                               ChiaroPreset         *preset)
{
  g_autoptr(ChiaroPreset) removed = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CHIARO_IS_PRESETS_POPOVER (self));
  g_return_if_fail (CHIARO_IS_PRESET (preset));
  g_return_if_fail (self->library != NULL);

  removed = g_object_ref (preset);
  if (!chiaro_preset_library_remove (self->library, preset, &error))
    {
      g_signal_emit (self, signals[ERROR], 0, error->message);
      return;
    }

  save (self);
  g_signal_emit (self, signals[REMOVED], 0, removed);
}
