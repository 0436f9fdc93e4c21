/* chiaro-projects-view.c — the start page: new from a photo or a prompt, recent projects
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A thin view over ChiaroProjectList: the list reads the folders, renames and deletes; the
 * view shows cards, asks before changing anything, and reports the outcome in toasts.
 * Opening a project or starting a new one is the window's business, told by signals.
 */

#define G_LOG_DOMAIN "chiaro-projects-view"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-project-card.h"

#include "chiaro-projects-view.h"

struct _ChiaroProjectsView
{
  GtkWidget parent_instance;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwStatusPage   *status_page;
  GtkWidget       *recent_clamp;
  GtkFlowBox      *flow_box;

  /* owned */
  ChiaroProjectList *projects;
  GCancellable      *cancellable;

  guint n_busy;   /* renames and deletes under way */
};

G_DEFINE_FINAL_TYPE (ChiaroProjectsView, chiaro_projects_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_PROJECTS,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  OPEN_PROJECT,
  NEW_FROM_PHOTO,
  NEW_FROM_PROMPT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_busy (ChiaroProjectsView *self,
          gboolean            busy)
{
  gboolean was_busy = self->n_busy > 0;

  if (busy)
    self->n_busy++;
  else
    self->n_busy--;

  if (was_busy != (self->n_busy > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static GtkWidget *
create_card (gpointer item,
             gpointer user_data)
{
  ChiaroProjectInfo *info = CHIARO_PROJECT_INFO (item);
  GtkWidget *child = gtk_flow_box_child_new ();

  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), chiaro_project_card_new (info));
  gtk_widget_add_css_class (child, "project-card-child");
  gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  chiaro_project_info_get_title (info),
                                  -1);
  return child;
}

/* The empty state, or the recent projects under the two buttons. */
static void
update_state (ChiaroProjectsView *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->projects)) == 0;

  gtk_widget_set_visible (self->recent_clamp, !empty);
  if (empty)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_page), "compact");
      adw_status_page_set_title (self->status_page, _("No Projects Yet"));
      adw_status_page_set_description (self->status_page,
                                       _("Start from a photo and describe what to change, "
                                         "or describe a new image"));
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->status_page), "compact");
      adw_status_page_set_title (self->status_page, _("Chiaro"));
      adw_status_page_set_description (self->status_page,
                                       _("Edit photos by describing the change you want"));
    }
}

static void
on_items_changed (ChiaroProjectsView *self,
                  guint               position,
                  guint               removed,
                  guint               added,
                  GListModel         *model)
{
  update_state (self);
}

static void
on_flow_box_child_activated (ChiaroProjectsView *self,
                             GtkFlowBoxChild    *child,
                             GtkFlowBox         *flow_box)
{
  ChiaroProjectCard *card = CHIARO_PROJECT_CARD (gtk_flow_box_child_get_child (child));

  g_signal_emit (self, signals[OPEN_PROJECT], 0,
                 chiaro_project_info_get_dir (chiaro_project_card_get_info (card)));
}

/* The item for the folder an action names by URI; NULL (with a debug line) when the list
 * has changed since. */
static ChiaroProjectInfo *
lookup_uri (ChiaroProjectsView *self,
            GVariant           *parameter)
{
  g_autoptr(GFile) dir = g_file_new_for_uri (g_variant_get_string (parameter, NULL));
  ChiaroProjectInfo *info = chiaro_project_list_lookup (self->projects, dir);

  if (info == NULL)
    g_debug ("no project at %s", g_variant_get_string (parameter, NULL));
  return info;
}

static GtkWindow *
get_window (ChiaroProjectsView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (ChiaroProjectsView *self,
       const char         *message)
{
  /* Toast titles are markup; project titles and error messages are plain text. */
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static void
new_from_photo_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  g_signal_emit (widget, signals[NEW_FROM_PHOTO], 0);
}

static void
new_from_prompt_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  g_signal_emit (widget, signals[NEW_FROM_PROMPT], 0);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroProjectsView *self = CHIARO_PROJECTS_VIEW (widget);
  ChiaroProjectInfo *info = lookup_uri (self, parameter);

  if (info != NULL)
    g_signal_emit (self, signals[OPEN_PROJECT], 0, chiaro_project_info_get_dir (info));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  chiaro_project_list_refresh (CHIARO_PROJECTS_VIEW (widget)->projects);
}

static void
on_renamed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ChiaroProjectsView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!chiaro_project_list_rename_finish (CHIARO_PROJECT_LIST (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);

  set_busy (self, FALSE);
}

static void
on_rename_entry_changed (GtkEditable      *entry,
                         AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "rename", *name != '\0');
}

static void
on_rename_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  ChiaroProjectsView *self = user_data;
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);
  GFile *dir = g_object_get_data (G_OBJECT (dialog), "chiaro-dir");

  if (!g_str_equal (response, "rename"))
    return;

  set_busy (self, TRUE);
  chiaro_project_list_rename_async (self->projects, dir,
                                    gtk_editable_get_text (GTK_EDITABLE (entry)),
                                    self->cancellable, on_renamed, g_object_ref (self));
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ChiaroProjectsView *self = CHIARO_PROJECTS_VIEW (widget);
  ChiaroProjectInfo *info = lookup_uri (self, parameter);
  GtkWidget *dialog;
  GtkWidget *entry;

  if (info == NULL)
    return;

  dialog = adw_message_dialog_new (get_window (self), _("Rename Project"), NULL);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), chiaro_project_info_get_title (info));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Project name"),
                                  -1);
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_rename_entry_changed), dialog, 0);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);

  g_object_set_data_full (G_OBJECT (dialog), "chiaro-dir",
                          g_object_ref (chiaro_project_info_get_dir (info)), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rename_response), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

typedef struct
{
  ChiaroProjectsView *self;
  GFile              *dir;
  char               *title;
} DeleteRequest;

static void
delete_request_free (DeleteRequest *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->dir);
  g_free (request->title);
  g_free (request);
}

static void
on_deleted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DeleteRequest *request = user_data;
  ChiaroProjectsView *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean trashed = FALSE;

  if (!chiaro_project_list_delete_finish (CHIARO_PROJECT_LIST (object), result, &trashed,
                                          &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
    }
  else if (trashed)
    {
      /* Translators: %s is a project's title */
      message = g_strdup_printf (_("“%s” moved to the trash"), request->title);
      toast (self, message);
    }
  else
    {
      /* Translators: %s is a project's title */
      message = g_strdup_printf (_("“%s” deleted for good: its disk has no trash"),
                                 request->title);
      toast (self, message);
    }

  set_busy (self, FALSE);
  delete_request_free (request);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  ChiaroProjectsView *self = user_data;
  DeleteRequest *request;

  if (!g_str_equal (response, "delete"))
    return;

  request = g_new0 (DeleteRequest, 1);
  request->self = g_object_ref (self);
  request->dir = g_object_ref (g_object_get_data (G_OBJECT (dialog), "chiaro-dir"));
  request->title = g_strdup (g_object_get_data (G_OBJECT (dialog), "chiaro-title"));

  set_busy (self, TRUE);
  chiaro_project_list_delete_async (self->projects, request->dir, self->cancellable,
                                    on_deleted, request);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ChiaroProjectsView *self = CHIARO_PROJECTS_VIEW (widget);
  ChiaroProjectInfo *info = lookup_uri (self, parameter);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (info == NULL)
    return;

  /* Translators: %s is a project's title */
  heading = g_strdup_printf (_("Delete “%s”?"), chiaro_project_info_get_title (info));
  dialog = adw_message_dialog_new (get_window (self), heading,
                                   _("The project moves to the trash with its history and "
                                     "images."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  g_object_set_data_full (G_OBJECT (dialog), "chiaro-dir",
                          g_object_ref (chiaro_project_info_get_dir (info)), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "chiaro-title",
                          g_strdup (chiaro_project_info_get_title (info)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
chiaro_projects_view_map (GtkWidget *widget)
{
  ChiaroProjectsView *self = CHIARO_PROJECTS_VIEW (widget);

  GTK_WIDGET_CLASS (chiaro_projects_view_parent_class)->map (widget);

  /* Other windows may have made, changed or closed projects meanwhile. */
  chiaro_project_list_refresh (self->projects);
}

static void
chiaro_projects_view_constructed (GObject *object)
{
  ChiaroProjectsView *self = (ChiaroProjectsView *) object;

  G_OBJECT_CLASS (chiaro_projects_view_parent_class)->constructed (object);

  g_assert (self->projects != NULL);
  gtk_flow_box_bind_model (self->flow_box, G_LIST_MODEL (self->projects), create_card,
                           self, NULL);
  g_signal_connect_object (self->projects, "items-changed", G_CALLBACK (on_items_changed),
                           self, G_CONNECT_SWAPPED);
  update_state (self);
}

static void
chiaro_projects_view_dispose (GObject *object)
{
  ChiaroProjectsView *self = (ChiaroProjectsView *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->flow_box != NULL)
    gtk_flow_box_bind_model (self->flow_box, NULL, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_PROJECTS_VIEW);

  g_clear_object (&self->projects);

  G_OBJECT_CLASS (chiaro_projects_view_parent_class)->dispose (object);
}

static void
chiaro_projects_view_finalize (GObject *object)
{
  ChiaroProjectsView *self = (ChiaroProjectsView *) object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (chiaro_projects_view_parent_class)->finalize (object);
}

static void
chiaro_projects_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ChiaroProjectsView *self = CHIARO_PROJECTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECTS:
      g_value_set_object (value, self->projects);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->n_busy > 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_projects_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ChiaroProjectsView *self = CHIARO_PROJECTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECTS:
      self->projects = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_projects_view_class_init (ChiaroProjectsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = chiaro_projects_view_constructed;
  object_class->dispose = chiaro_projects_view_dispose;
  object_class->finalize = chiaro_projects_view_finalize;
  object_class->get_property = chiaro_projects_view_get_property;
  object_class->set_property = chiaro_projects_view_set_property;

  widget_class->map = chiaro_projects_view_map;

  properties[PROP_PROJECTS] =
    g_param_spec_object ("projects", NULL, NULL, CHIARO_TYPE_PROJECT_LIST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroProjectsView::open-project:
   * @self: the view
   * @dir: the project folder
   *
   * A project card was activated.
   */
  signals[OPEN_PROJECT] = g_signal_new ("open-project", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_FILE);
  /**
   * ChiaroProjectsView::new-from-photo:
   * @self: the view
   *
   * "New from Photo…" was chosen: the window asks for a photo.
   */
  signals[NEW_FROM_PHOTO] = g_signal_new ("new-from-photo", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  /**
   * ChiaroProjectsView::new-from-prompt:
   * @self: the view
   *
   * "New from Prompt" was chosen: the window starts a project with an empty root.
   */
  signals[NEW_FROM_PROMPT] = g_signal_new ("new-from-prompt", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);

  g_type_ensure (CHIARO_TYPE_PROJECT_CARD);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "projects-view");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-projects-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectsView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectsView, status_page);
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectsView, recent_clamp);
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectsView, flow_box);
  gtk_widget_class_bind_template_callback (widget_class, on_flow_box_child_activated);

  gtk_widget_class_install_action (widget_class, "projects.new-from-photo", NULL,
                                   new_from_photo_action);
  gtk_widget_class_install_action (widget_class, "projects.new-from-prompt", NULL,
                                   new_from_prompt_action);
  gtk_widget_class_install_action (widget_class, "projects.open", "s", open_action);
  gtk_widget_class_install_action (widget_class, "projects.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "projects.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "projects.refresh", NULL, refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "projects.refresh", NULL);
}

static void
chiaro_projects_view_init (ChiaroProjectsView *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * chiaro_projects_view_new:
 * @projects: the list to show
 *
 * Returns: (transfer floating): a new #ChiaroProjectsView
 */
GtkWidget *
chiaro_projects_view_new (ChiaroProjectList *projects)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_LIST (projects), NULL);

  return g_object_new (CHIARO_TYPE_PROJECTS_VIEW, "projects", projects, NULL);
}

/**
 * chiaro_projects_view_get_projects:
 * @self: a #ChiaroProjectsView
 *
 * Returns: (transfer none): the list shown
 */
ChiaroProjectList *
chiaro_projects_view_get_projects (ChiaroProjectsView *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECTS_VIEW (self), NULL);

  return self->projects;
}

/**
 * chiaro_projects_view_get_busy:
 * @self: a #ChiaroProjectsView
 *
 * Returns: whether a rename or a delete is under way
 */
gboolean
chiaro_projects_view_get_busy (ChiaroProjectsView *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECTS_VIEW (self), FALSE);

  return self->n_busy > 0;
}

/**
 * chiaro_projects_view_add_toast:
 * @self: a #ChiaroProjectsView
 * @message: plain text
 *
 * Shows @message in a toast over the view (for the window's errors, such as a project
 * that could not be opened).
 */
void
chiaro_projects_view_add_toast (ChiaroProjectsView *self,
                                const char         *message)
{
  g_return_if_fail (CHIARO_IS_PROJECTS_VIEW (self));
  g_return_if_fail (message != NULL);

  toast (self, message);
}
