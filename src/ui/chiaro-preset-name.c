/* chiaro-preset-name.c — asking for a preset's name
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A message dialog with an entry, used to save a prompt as a preset and to rename one. The
 * accept button is enabled only while the name has something besides spaces, and Enter in
 * the entry accepts.
 */

#define G_LOG_DOMAIN "chiaro-preset-name"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-preset-name.h"

typedef struct
{
  ChiaroPresetNameFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
  GtkEditable *entry;        /* (unowned) */
} NameRequest;

static void
name_request_free (gpointer data)
{
  NameRequest *request = data;

  if (request->destroy != NULL)
    request->destroy (request->user_data);
  g_free (request);
}

static char *
dup_name (GtkEditable *entry)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (entry)));
}

static void
on_entry_changed (GtkEditable      *entry,
                  AdwMessageDialog *dialog)
{
  g_autofree char *name = dup_name (entry);

  adw_message_dialog_set_response_enabled (dialog, "save", name[0] != '\0');
}

static void
on_entry_activate (GtkEntry         *entry,
                   AdwMessageDialog *dialog)
{
  if (adw_message_dialog_get_response_enabled (dialog, "save"))
    adw_message_dialog_response (dialog, "save");
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             NameRequest      *request)
{
  g_autofree char *name = NULL;

  if (!g_str_equal (response, "save"))
    return;

  name = dup_name (request->entry);
  if (name[0] != '\0')
    request->func (name, request->user_data);
}

/**
 * chiaro_ask_preset_name:
 * @parent: a widget of the window the dialog belongs to
 * @heading: such as "Save Prompt as Preset"
 * @initial: (nullable): the name to start with
 * @accept_label: the accept button's label, with a mnemonic
 * @func: called with the name when the user accepts
 * @user_data: for @func
 * @destroy: (nullable): frees @user_data when the dialog goes
 *
 * Returns: (transfer none): the dialog, presented
 */
AdwMessageDialog *
chiaro_ask_preset_name (GtkWidget            *parent,
                        const char           *heading,
                        const char           *initial,
                        const char           *accept_label,
                        ChiaroPresetNameFunc  func,
                        gpointer              user_data,
                        GDestroyNotify        destroy)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  AdwMessageDialog *dialog;
  GtkWidget *entry = gtk_entry_new ();
  NameRequest *request = g_new0 (NameRequest, 1);

  request->func = func;
  request->user_data = user_data;
  request->destroy = destroy;
  request->entry = GTK_EDITABLE (entry);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                            : NULL,
                                                       heading, NULL));
  gtk_editable_set_text (GTK_EDITABLE (entry), initial != NULL ? initial : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Preset name"),
                                  -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "save", accept_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");

  g_signal_connect_object (entry, "changed", G_CALLBACK (on_entry_changed), dialog, 0);
  g_signal_connect_object (entry, "activate", G_CALLBACK (on_entry_activate), dialog, 0);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_response), request,
                         (GClosureNotify) (void (*) (void)) name_request_free, 0);
  on_entry_changed (GTK_EDITABLE (entry), dialog);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);

  return dialog;
}
