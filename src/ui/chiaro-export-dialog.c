/* chiaro-export-dialog.c — format, quality, size and metadata of an export, then where to
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One dialog for the three exports: the cursor image (a file), several images such as the
 * starred ones or a pack (a folder, each named by the editable template), and a before/after
 * comparison (a file). Export… asks where with the file chooser, which confirms replacing a
 * file itself; in a folder, taken names are never replaced: the export takes the next free
 * name and the toast says so. The work runs on workers (chiaro-export.h); the dialog stays
 * open with a spinner until it is done, then reports through "exported" or "failed" and
 * closes.
 */

#define G_LOG_DOMAIN "chiaro-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-export-dialog.h"

struct _ChiaroExportDialog
{
  AdwWindow parent_instance;

  /* template children */
  GtkWidget *export_button;
  GtkSpinner *spinner;
  AdwComboRow *format_row;
  AdwActionRow *quality_row;
  GtkSpinButton *quality_spin;
  AdwExpanderRow *resize_row;
  GtkSpinButton *long_side_spin;
  GtkSwitch *metadata_switch;
  GtkWidget *names_group;
  AdwEntryRow *template_row;
  AdwActionRow *example_row;

  /* owned */
  ChiaroDocument *document;
  GPtrArray *entries;           /* (element-type ChiaroHistoryEntry) */
  GCancellable *cancellable;    /* (nullable) the export under way */
#if !GTK_CHECK_VERSION (4, 10, 0)
  GtkFileChooserNative *chooser; /* (nullable) */
#endif

  ChiaroExportKind kind;
};

G_DEFINE_FINAL_TYPE (ChiaroExportDialog, chiaro_export_dialog, ADW_TYPE_WINDOW)

enum {
  EXPORTED,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static ChiaroExportFormat
get_format (ChiaroExportDialog *self)
{
  switch (adw_combo_row_get_selected (self->format_row))
    {
    case 1:
      return CHIARO_EXPORT_FORMAT_JPEG;
    case 2:
      return CHIARO_EXPORT_FORMAT_WEBP;
    default:
      return CHIARO_EXPORT_FORMAT_PNG;
    }
}

static const char *
get_entry_ratio (ChiaroHistoryEntry *entry)
{
  ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);

  if (turn == NULL || turn->options == NULL)
    return NULL;

  return turn->options->aspect_ratio;
}

static const char *
get_entry_model (ChiaroHistoryEntry *entry)
{
  ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);

  return turn != NULL ? turn->model_id : NULL;
}

static void
update_example (ChiaroExportDialog *self)
{
  ChiaroHistoryEntry *first;
  g_autofree char *name = NULL;

  if (self->kind != CHIARO_EXPORT_KIND_IMAGES || self->entries->len == 0)
    return;

  first = g_ptr_array_index (self->entries, 0);
  name = chiaro_export_expand_template (chiaro_export_dialog_get_template (self),
                                        chiaro_document_get_name (self->document),
                                        get_entry_ratio (first), 1,
                                        chiaro_history_entry_get_id (first),
                                        get_entry_model (first), get_format (self));
  adw_action_row_set_subtitle (self->example_row, name);
}

static void
on_format_selected (ChiaroExportDialog *self)
{
  ChiaroExportFormat format = get_format (self);

  /* PNG is lossless: there is no quality to choose. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->quality_row), format != CHIARO_EXPORT_FORMAT_PNG);
  update_example (self);
}

static void
on_template_changed (ChiaroExportDialog *self)
{
  g_autofree char *stripped = g_strstrip (g_strdup (chiaro_export_dialog_get_template (self)));

  gtk_widget_set_sensitive (self->export_button, stripped[0] != '\0');
  update_example (self);
}

static void
set_busy (ChiaroExportDialog *self,
          gboolean            busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (self->export_button, !busy);
}

static void
finish (ChiaroExportDialog *self,
        const char         *message,
        const GError       *error)
{
  set_busy (self, FALSE);
  g_clear_object (&self->cancellable);

  if (error != NULL)
    g_signal_emit (self, signals[FAILED], 0, error->message);
  else
    g_signal_emit (self, signals[EXPORTED], 0, message);

  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Ends the export of one file: nothing more when it was cancelled, else a toast naming the
 * file or the error. */
static void
finish_file (ChiaroExportDialog *self,
             const GError       *error,
             gboolean            comparison)
{
  GFile *dest = g_object_get_data (G_OBJECT (self), "chiaro-dest");
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (is_cancelled (error))
    return;

  if (error == NULL)
    {
      name = g_file_get_basename (dest);
      if (comparison)
        /* Translators: a toast after exporting a before/after image; %s is the file's name. */
        message = g_strdup_printf (_("Exported the comparison “%s”"), name);
      else
        /* Translators: a toast after exporting; %s is the file's name. */
        message = g_strdup_printf (_("Exported “%s”"), name);
    }
  finish (self, message, error);
}

static void
on_entry_exported (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ChiaroExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  chiaro_export_entry_finish (result, &error);
  finish_file (self, error, FALSE);
}

static void
on_comparison_exported (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(ChiaroExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  chiaro_export_comparison_finish (result, &error);
  finish_file (self, error, TRUE);
}

static void
on_entries_exported (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ChiaroExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) written = NULL;
  g_autoptr(GPtrArray) renamed = NULL;
  g_autoptr(GString) message = g_string_new (NULL);

  written = chiaro_export_entries_finish (result, &renamed, &error);
  if (written == NULL)
    {
      if (!is_cancelled (error))
        finish (self, NULL, error);
      return;
    }

  /* Translators: a toast after exporting several images into a folder. */
  g_string_append_printf (message, ngettext ("Exported %u image", "Exported %u images",
                                             written->len), written->len);
  if (renamed != NULL && renamed->len > 0)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < renamed->len; i++)
        {
          g_autofree char *name = g_file_get_basename (g_ptr_array_index (renamed, i));

          if (i > 0)
            /* Translators: separates file names in a list. */
            g_string_append (names, _(", "));
          g_string_append (names, name);
        }
      g_string_append (message, "; ");
      /* Translators: after “Exported 5 images; ”: files that existed were kept, and the new
       * ones were given other names, listed after the colon. */
      g_string_append_printf (message, ngettext ("a name was taken, so it was saved as: %s",
                                                 "names were taken, so they were saved as: %s",
                                                 renamed->len), names->str);
    }
  finish (self, message->str, NULL);
}

typedef struct
{
  ChiaroExportDialog *self;     /* (owned) */
  GFile *dest;                  /* (owned) */
  ChiaroExportSettings *settings;
  ChiaroExportMetadata *metadata;
  ChiaroExportFlags flags;
  GBytes *before;
  char *before_label;
  char *after_label;
} ComparisonJob;

static void
comparison_job_free (ComparisonJob *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->dest);
  g_clear_pointer (&job->settings, chiaro_export_settings_free);
  g_clear_pointer (&job->metadata, chiaro_export_metadata_free);
  g_clear_pointer (&job->before, g_bytes_unref);
  g_free (job->before_label);
  g_free (job->after_label);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ComparisonJob, comparison_job_free)

static void write_comparison (ComparisonJob *job,
                              GBytes        *after);

static void
on_after_loaded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ComparisonJob) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) after = NULL;

  after = chiaro_image_store_load_finish (CHIARO_IMAGE_STORE (object), result, &error);
  if (after == NULL)
    {
      if (!is_cancelled (error))
        finish (job->self, NULL, error);
      return;
    }

  write_comparison (g_steal_pointer (&job), after);
}

static void
on_before_loaded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ComparisonJob) job = user_data;
  g_autoptr(GError) error = NULL;
  ChiaroExportDialog *self = job->self;
  ChiaroHistoryEntry *after = g_ptr_array_index (self->entries, 0);

  job->before = chiaro_image_store_load_finish (CHIARO_IMAGE_STORE (object), result, &error);
  if (job->before == NULL)
    {
      if (!is_cancelled (error))
        finish (self, NULL, error);
      return;
    }

  chiaro_image_store_load_async (CHIARO_IMAGE_STORE (object),
                                 chiaro_history_entry_get_image_hash (after),
                                 chiaro_history_entry_get_mime_type (after),
                                 self->cancellable, on_after_loaded, g_steal_pointer (&job));
}

static void
write_comparison (ComparisonJob *job,
                  GBytes        *after)
{
  ChiaroExportDialog *self = job->self;

  /* For the toast, once written. */
  g_object_set_data_full (G_OBJECT (self), "chiaro-dest", g_object_ref (job->dest),
                          g_object_unref);
  chiaro_export_comparison_async (job->before, after, job->before_label, job->after_label,
                                  job->metadata, job->settings, job->dest, job->flags,
                                  self->cancellable, on_comparison_exported,
                                  g_object_ref (self));
  comparison_job_free (job);
}

static void
choose_destination (ChiaroExportDialog *self);

static void
on_cancel_clicked (ChiaroExportDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_export_clicked (ChiaroExportDialog *self)
{
  choose_destination (self);
}

#if GTK_CHECK_VERSION (4, 10, 0)
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static void
on_file_chosen (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ChiaroExportDialog) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (self->kind == CHIARO_EXPORT_KIND_IMAGES)
    file = gtk_file_dialog_select_folder_finish (GTK_FILE_DIALOG (object), result, &error);
  else
    file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (object), result, &error);

  /* Dismissing the chooser leaves the dialog as it was. */
  if (file != NULL)
    /* The chooser asked before replacing a file. */
    chiaro_export_dialog_export_to (self, file, TRUE);
}

static void
choose_destination (ChiaroExportDialog *self)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autofree char *name = chiaro_export_dialog_dup_suggested_name (self);

  if (self->kind == CHIARO_EXPORT_KIND_IMAGES)
    {
      gtk_file_dialog_set_title (dialog, _("Choose a Folder"));
      gtk_file_dialog_select_folder (dialog, GTK_WINDOW (self), NULL, on_file_chosen,
                                     g_object_ref (self));
    }
  else
    {
      gtk_file_dialog_set_title (dialog, _("Export Image"));
      gtk_file_dialog_set_initial_name (dialog, name);
      gtk_file_dialog_save (dialog, GTK_WINDOW (self), NULL, on_file_chosen,
                            g_object_ref (self));
    }
}

G_GNUC_END_IGNORE_DEPRECATIONS
#else

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  ChiaroExportDialog *self = CHIARO_EXPORT_DIALOG (user_data);
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);

  if (file != NULL)
    /* The chooser asked before replacing a file. */
    chiaro_export_dialog_export_to (self, file, TRUE);
}

static void
choose_destination (ChiaroExportDialog *self)
{
  g_autofree char *name = chiaro_export_dialog_dup_suggested_name (self);
  gboolean folder = self->kind == CHIARO_EXPORT_KIND_IMAGES;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  self->chooser = gtk_file_chooser_native_new (folder ? _("Choose a Folder") : _("Export Image"),
                                               GTK_WINDOW (self),
                                               folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                      : GTK_FILE_CHOOSER_ACTION_SAVE,
                                               folder ? _("_Select") : _("_Export"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (!folder)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (on_chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

#endif

static gboolean
chiaro_export_dialog_close_request (GtkWindow *window)
{
  ChiaroExportDialog *self = CHIARO_EXPORT_DIALOG (window);

  /* Closing stops an export under way; what it already wrote stays. */
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (chiaro_export_dialog_parent_class)->close_request (window);
}

static void
chiaro_export_dialog_dispose (GObject *object)
{
  ChiaroExportDialog *self = CHIARO_EXPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
#if !GTK_CHECK_VERSION (4, 10, 0)
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
#endif
  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_EXPORT_DIALOG);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (chiaro_export_dialog_parent_class)->dispose (object);
}

static void
chiaro_export_dialog_finalize (GObject *object)
{
  ChiaroExportDialog *self = CHIARO_EXPORT_DIALOG (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (chiaro_export_dialog_parent_class)->finalize (object);
}

static void
chiaro_export_dialog_class_init (ChiaroExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = chiaro_export_dialog_dispose;
  object_class->finalize = chiaro_export_dialog_finalize;
  window_class->close_request = chiaro_export_dialog_close_request;

  /**
   * ChiaroExportDialog::exported:
   * @message: what was written, for a toast
   */
  signals[EXPORTED] = g_signal_new ("exported",
                                    G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * ChiaroExportDialog::failed:
   * @message: why, for the user
   */
  signals[FAILED] = g_signal_new ("failed",
                                  G_TYPE_FROM_CLASS (klass),
                                  G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, quality_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, quality_spin);
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, resize_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, long_side_spin);
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, metadata_switch);
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, names_group);
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, template_row);
  gtk_widget_class_bind_template_child (widget_class, ChiaroExportDialog, example_row);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_format_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_template_changed);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
chiaro_export_dialog_init (ChiaroExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_editable_set_text (GTK_EDITABLE (self->template_row), CHIARO_EXPORT_DEFAULT_TEMPLATE);
  on_format_selected (self);
}

/**
 * chiaro_export_dialog_new:
 * @document: the project the images are from
 * @kind: what to write
 * @entries: (element-type ChiaroHistoryEntry): the images: one for %CHIARO_EXPORT_KIND_IMAGE
 *   and %CHIARO_EXPORT_KIND_COMPARISON (compared with its parent), any number else
 * @metadata: whether "Include Metadata" starts on
 *
 * Returns: (transfer full): a new dialog
 */
ChiaroExportDialog *
chiaro_export_dialog_new (ChiaroDocument   *document,
                          ChiaroExportKind  kind,
                          GPtrArray        *entries,
                          gboolean          metadata)
{
  ChiaroExportDialog *self;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (entries != NULL && entries->len > 0, NULL);

  self = g_object_new (CHIARO_TYPE_EXPORT_DIALOG, NULL);
  self->document = g_object_ref (document);
  self->kind = kind;
  self->entries = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (self->entries, g_object_ref (g_ptr_array_index (entries, i)));
  gtk_switch_set_active (self->metadata_switch, metadata);

  switch (kind)
    {
    case CHIARO_EXPORT_KIND_IMAGES:
      {
        /* Translators: the title of the export dialog for several images. */
        g_autofree char *title = g_strdup_printf (ngettext ("Export %u Image",
                                                            "Export %u Images", entries->len),
                                                  entries->len);

        gtk_window_set_title (GTK_WINDOW (self), title);
      }
      gtk_widget_set_visible (self->names_group, TRUE);
      break;

    case CHIARO_EXPORT_KIND_COMPARISON:
      gtk_window_set_title (GTK_WINDOW (self), _("Export Comparison"));
      break;

    case CHIARO_EXPORT_KIND_IMAGE:
    default:
      gtk_window_set_title (GTK_WINDOW (self), _("Export Image"));
      break;
    }

  update_example (self);
  return self;
}

/**
 * chiaro_export_dialog_get_kind:
 * @self: a #ChiaroExportDialog
 *
 * Returns: what the dialog writes
 */
ChiaroExportKind
chiaro_export_dialog_get_kind (ChiaroExportDialog *self)
{
  g_return_val_if_fail (CHIARO_IS_EXPORT_DIALOG (self), CHIARO_EXPORT_KIND_IMAGE);

  return self->kind;
}

/**
 * chiaro_export_dialog_dup_settings:
 * @self: a #ChiaroExportDialog
 *
 * Returns: (transfer full): the settings as chosen
 */
ChiaroExportSettings *
chiaro_export_dialog_dup_settings (ChiaroExportDialog *self)
{
  ChiaroExportSettings *settings;

  g_return_val_if_fail (CHIARO_IS_EXPORT_DIALOG (self), NULL);

  settings = chiaro_export_settings_new ();
  settings->format = get_format (self);
  settings->quality = gtk_spin_button_get_value_as_int (self->quality_spin);
  settings->long_side = adw_expander_row_get_enable_expansion (self->resize_row)
                        ? gtk_spin_button_get_value_as_int (self->long_side_spin) : 0;
  settings->metadata = gtk_switch_get_active (self->metadata_switch);

  return settings;
}

/**
 * chiaro_export_dialog_set_format:
 * @self: a #ChiaroExportDialog
 * @format: the file format
 */
void
chiaro_export_dialog_set_format (ChiaroExportDialog *self,
                                 ChiaroExportFormat  format)
{
  g_return_if_fail (CHIARO_IS_EXPORT_DIALOG (self));

  adw_combo_row_set_selected (self->format_row,
                              format == CHIARO_EXPORT_FORMAT_JPEG ? 1
                              : format == CHIARO_EXPORT_FORMAT_WEBP ? 2 : 0);
}

/**
 * chiaro_export_dialog_set_quality:
 * @self: a #ChiaroExportDialog
 * @quality: 1 to 100, for JPEG and WebP
 */
void
chiaro_export_dialog_set_quality (ChiaroExportDialog *self,
                                  int                 quality)
{
  g_return_if_fail (CHIARO_IS_EXPORT_DIALOG (self));

  gtk_spin_button_set_value (self->quality_spin, quality);
}

/**
 * chiaro_export_dialog_set_long_side:
 * @self: a #ChiaroExportDialog
 * @long_side: pixels, or 0 to keep the size
 */
void
chiaro_export_dialog_set_long_side (ChiaroExportDialog *self,
                                    int                 long_side)
{
  g_return_if_fail (CHIARO_IS_EXPORT_DIALOG (self));

  adw_expander_row_set_enable_expansion (self->resize_row, long_side > 0);
  if (long_side > 0)
    gtk_spin_button_set_value (self->long_side_spin, long_side);
}

/**
 * chiaro_export_dialog_set_metadata:
 * @self: a #ChiaroExportDialog
 * @metadata: whether to write the provenance
 */
void
chiaro_export_dialog_set_metadata (ChiaroExportDialog *self,
                                   gboolean            metadata)
{
  g_return_if_fail (CHIARO_IS_EXPORT_DIALOG (self));

  gtk_switch_set_active (self->metadata_switch, metadata);
}

/**
 * chiaro_export_dialog_get_template:
 * @self: a #ChiaroExportDialog
 *
 * Returns: the file name template for several images
 */
const char *
chiaro_export_dialog_get_template (ChiaroExportDialog *self)
{
  g_return_val_if_fail (CHIARO_IS_EXPORT_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->template_row));
}

/**
 * chiaro_export_dialog_set_template:
 * @self: a #ChiaroExportDialog
 * @name_template: a file name template (see chiaro_export_expand_template())
 */
void
chiaro_export_dialog_set_template (ChiaroExportDialog *self,
                                   const char         *name_template)
{
  g_return_if_fail (CHIARO_IS_EXPORT_DIALOG (self));
  g_return_if_fail (name_template != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->template_row), name_template);
}

/**
 * chiaro_export_dialog_dup_suggested_name:
 * @self: a #ChiaroExportDialog
 *
 * Returns: (transfer full): the file name the chooser starts with
 */
char *
chiaro_export_dialog_dup_suggested_name (ChiaroExportDialog *self)
{
  ChiaroHistoryEntry *entry;
  ChiaroExportFormat format;

  g_return_val_if_fail (CHIARO_IS_EXPORT_DIALOG (self), NULL);

  entry = g_ptr_array_index (self->entries, 0);
  format = get_format (self);
  if (self->kind == CHIARO_EXPORT_KIND_COMPARISON)
    return chiaro_export_expand_template ("{project}-comparison.{ext}",
                                          chiaro_document_get_name (self->document),
                                          NULL, 1, chiaro_history_entry_get_id (entry),
                                          NULL, format);

  return chiaro_export_expand_template (CHIARO_EXPORT_DEFAULT_TEMPLATE,
                                        chiaro_document_get_name (self->document),
                                        get_entry_ratio (entry), 1,
                                        chiaro_history_entry_get_id (entry),
                                        get_entry_model (entry), format);
}

/**
 * chiaro_export_dialog_export_to:
 * @self: a #ChiaroExportDialog
 * @dest: the file (one image, a comparison) or the folder (several images)
 * @overwrite: whether a file at @dest may be replaced (the chooser asked); a folder's
 *   taken names are never replaced
 *
 * What Export… does once the place is chosen: writes on workers, then emits "exported" or
 * "failed" and closes the dialog.
 */
void
chiaro_export_dialog_export_to (ChiaroExportDialog *self,
                                GFile              *dest,
                                gboolean            overwrite)
{
  g_autoptr(ChiaroExportSettings) settings = NULL;
  ChiaroImageStore *images;
  ChiaroHistoryEntry *entry;

  g_return_if_fail (CHIARO_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (dest));
  g_return_if_fail (self->cancellable == NULL);

  settings = chiaro_export_dialog_dup_settings (self);
  images = chiaro_document_get_images (self->document);
  entry = g_ptr_array_index (self->entries, 0);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);

  switch (self->kind)
    {
    case CHIARO_EXPORT_KIND_IMAGES:
      chiaro_export_entries_async (images, self->entries, dest,
                                   chiaro_export_dialog_get_template (self),
                                   chiaro_document_get_name (self->document), settings,
                                   self->cancellable, on_entries_exported, g_object_ref (self));
      break;

    case CHIARO_EXPORT_KIND_COMPARISON:
      {
        ChiaroHistoryEntry *before = chiaro_history_entry_get_parent (entry);
        ComparisonJob *job;

        if (before == NULL || chiaro_history_entry_get_image_hash (before) == NULL)
          {
            g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                           _("This image was not made from another one, so there is nothing to compare it with"));

            finish (self, NULL, error);
            return;
          }

        job = g_new0 (ComparisonJob, 1);
        job->self = g_object_ref (self);
        job->dest = g_object_ref (dest);
        job->settings = g_steal_pointer (&settings);
        job->metadata = chiaro_export_metadata_new_for_entry (entry);
        job->flags = overwrite ? CHIARO_EXPORT_OVERWRITE : CHIARO_EXPORT_NONE;
        /* Translators: the label under the earlier image of a before/after comparison. */
        job->before_label = g_strdup (_("Before"));
        /* Translators: the label under the later image of a before/after comparison. */
        job->after_label = g_strdup (_("After"));
        chiaro_image_store_load_async (images, chiaro_history_entry_get_image_hash (before),
                                       chiaro_history_entry_get_mime_type (before),
                                       self->cancellable, on_before_loaded, job);
      }
      break;

    case CHIARO_EXPORT_KIND_IMAGE:
    default:
      g_object_set_data_full (G_OBJECT (self), "chiaro-dest", g_object_ref (dest),
                              g_object_unref);
      chiaro_export_entry_async (images, entry, dest, settings,
                                 overwrite ? CHIARO_EXPORT_OVERWRITE : CHIARO_EXPORT_NONE,
                                 self->cancellable, on_entry_exported, g_object_ref (self));
      break;
    }
}

/**
 * chiaro_export_dialog_get_busy:
 * @self: a #ChiaroExportDialog
 *
 * Returns: whether an export is under way
 */
gboolean
chiaro_export_dialog_get_busy (ChiaroExportDialog *self)
{
  g_return_val_if_fail (CHIARO_IS_EXPORT_DIALOG (self), FALSE);

  return self->cancellable != NULL;
}
