/* chiaro-project-card.c — one project in the start view: thumbnail, title, date, menu
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The thumbnail comes from the project's image store: from memory when the list has made it
 * before, else made (or read from thumbs/) on a worker. Cards are remade whenever the list
 * is rescanned, so a card never changes its project.
 */

#define G_LOG_DOMAIN "chiaro-project-card"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-project-card.h"

struct _ChiaroProjectCard
{
  GtkWidget parent_instance;

  /* template children */
  GtkWidget  *box;
  GtkStack   *thumbnail_stack;
  GtkImage   *placeholder_icon;
  GtkPicture *thumbnail;
  GtkWidget  *open_badge;
  GtkWidget  *menu_button;
  GtkLabel   *title_label;
  GtkLabel   *details_label;

  /* owned */
  ChiaroProjectInfo *info;
  GCancellable      *cancellable;

  /* flags */
  guint thumbnail_loaded : 1;
};

G_DEFINE_FINAL_TYPE (ChiaroProjectCard, chiaro_project_card, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_INFO,
  PROP_THUMBNAIL_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_thumbnail (ChiaroProjectCard *self,
               GdkPixbuf         *pixbuf)
{
  g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (pixbuf);

  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  gtk_stack_set_visible_child_name (self->thumbnail_stack, "thumbnail");
  self->thumbnail_loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL_LOADED]);
}

static void
on_thumbnail_ready (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ChiaroProjectCard) self = user_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = chiaro_image_store_thumbnail_finish (CHIARO_IMAGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  if (pixbuf == NULL)
    {
      /* A missing image leaves the placeholder; the project itself may still open. */
      g_debug ("no thumbnail for %s: %s",
               g_file_peek_path (chiaro_project_info_get_dir (self->info)), error->message);
      return;
    }

  set_thumbnail (self, pixbuf);
}

static void
load_thumbnail (ChiaroProjectCard *self)
{
  ChiaroImageStore *images = chiaro_project_info_get_images (self->info);
  const char *hash = chiaro_project_info_get_thumbnail_hash (self->info);
  GdkPixbuf *pixbuf;

  if (hash == NULL)
    return;

  if ((pixbuf = chiaro_image_store_peek_thumbnail (images, hash)))
    {
      set_thumbnail (self, pixbuf);
      return;
    }

  self->cancellable = g_cancellable_new ();
  chiaro_image_store_thumbnail_async (images, hash,
                                      chiaro_project_info_get_thumbnail_mime_type (self->info),
                                      self->cancellable, on_thumbnail_ready,
                                      g_object_ref (self));
}

static char *
format_cost (double cost_usd)
{
  /* Translators: money spent on a project's images, in US dollars */
  return g_strdup_printf (_("US$%.2f spent"), cost_usd);
}

static void
update (ChiaroProjectCard *self)
{
  ChiaroProjectInfo *info = self->info;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) modified = NULL;
  g_autofree char *date = NULL;
  g_autofree char *images = NULL;
  g_autofree char *details = NULL;
  g_autofree char *full_date = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *accessible = NULL;
  gboolean locked = chiaro_project_info_get_locked (info);

  gtk_label_set_label (self->title_label, chiaro_project_info_get_title (info));
  date = chiaro_project_card_format_date (chiaro_project_info_get_modified (info), now);
  modified = g_date_time_new_from_unix_local (chiaro_project_info_get_modified (info)
                                              / G_USEC_PER_SEC);
  /* Translators: when a project was last changed, in g_date_time_format () terms */
  full_date = modified != NULL ? g_date_time_format (modified, _("%B %-d, %Y at %H:%M"))
                               : g_strdup ("");

  if (chiaro_project_info_is_damaged (info))
    {
      details = g_strdup (_("Cannot be read"));
      tooltip = g_strdup (chiaro_project_info_get_error (info)->message);
      gtk_image_set_from_icon_name (self->placeholder_icon, "dialog-warning-symbolic");
    }
  else
    {
      guint n = chiaro_project_info_get_n_images (info);

      images = g_strdup_printf (ngettext ("%u image", "%u images", n), n);
      /* Translators: a project's date, then how many images it has */
      details = g_strdup_printf (_("%s · %s"), date, images);
      if (chiaro_project_info_get_cost_usd (info) > 0)
        {
          g_autofree char *cost = format_cost (chiaro_project_info_get_cost_usd (info));

          /* Translators: a tooltip: when a project was last changed, then its cost */
          tooltip = g_strdup_printf (_("Changed %s\n%s"), full_date, cost);
        }
      else
        {
          /* Translators: a tooltip: when a project was last changed */
          tooltip = g_strdup_printf (_("Changed %s"), full_date);
        }
    }

  gtk_label_set_label (self->details_label, details);
  gtk_widget_set_tooltip_text (self->box, tooltip);
  gtk_widget_set_visible (self->open_badge, locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.rename",
                                 !locked && !chiaro_project_info_is_damaged (info));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.delete", !locked);

  /* Translators: what a screen reader says of a project: its title, then its details */
  accessible = g_strdup_printf (_("%s, %s"), chiaro_project_info_get_title (info), details);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
activate_with_uri (ChiaroProjectCard *self,
                   const char        *action)
{
  g_autofree char *uri = g_file_get_uri (chiaro_project_info_get_dir (self->info));

  gtk_widget_activate_action (GTK_WIDGET (self), action, "s", uri);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  activate_with_uri (CHIARO_PROJECT_CARD (widget), "projects.rename");
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  activate_with_uri (CHIARO_PROJECT_CARD (widget), "projects.delete");
}

static void
on_secondary_click_pressed (ChiaroProjectCard *self,
                            int                n_press,
                            double             x,
                            double             y,
                            GtkGestureClick   *gesture)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  chiaro_project_card_popup_menu (self);
}

static void
on_long_press_pressed (ChiaroProjectCard   *self,
                       double               x,
                       double               y,
                       GtkGestureLongPress *gesture)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  chiaro_project_card_popup_menu (self);
}

static void
chiaro_project_card_constructed (GObject *object)
{
  ChiaroProjectCard *self = (ChiaroProjectCard *) object;

  G_OBJECT_CLASS (chiaro_project_card_parent_class)->constructed (object);

  g_assert (self->info != NULL);
  update (self);
  load_thumbnail (self);
}

static void
chiaro_project_card_dispose (GObject *object)
{
  ChiaroProjectCard *self = (ChiaroProjectCard *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_PROJECT_CARD);

  G_OBJECT_CLASS (chiaro_project_card_parent_class)->dispose (object);
}

static void
chiaro_project_card_finalize (GObject *object)
{
  ChiaroProjectCard *self = (ChiaroProjectCard *) object;

  g_clear_object (&self->info);

  G_OBJECT_CLASS (chiaro_project_card_parent_class)->finalize (object);
}

static void
chiaro_project_card_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ChiaroProjectCard *self = CHIARO_PROJECT_CARD (object);

  switch (prop_id)
    {
    case PROP_INFO:
      g_value_set_object (value, self->info);
      break;

    case PROP_THUMBNAIL_LOADED:
      g_value_set_boolean (value, self->thumbnail_loaded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_project_card_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ChiaroProjectCard *self = CHIARO_PROJECT_CARD (object);

  switch (prop_id)
    {
    case PROP_INFO:
      self->info = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_project_card_class_init (ChiaroProjectCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = chiaro_project_card_constructed;
  object_class->dispose = chiaro_project_card_dispose;
  object_class->finalize = chiaro_project_card_finalize;
  object_class->get_property = chiaro_project_card_get_property;
  object_class->set_property = chiaro_project_card_set_property;

  properties[PROP_INFO] =
    g_param_spec_object ("info", NULL, NULL, CHIARO_TYPE_PROJECT_INFO,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAIL_LOADED] =
    g_param_spec_boolean ("thumbnail-loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "project-card");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-project-card.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectCard, box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectCard, thumbnail_stack);
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectCard, placeholder_icon);
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectCard, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectCard, open_badge);
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectCard, menu_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroProjectCard, details_label);
  gtk_widget_class_bind_template_callback (widget_class, on_secondary_click_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_long_press_pressed);

  gtk_widget_class_install_action (widget_class, "card.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "card.delete", NULL, delete_action);
}

static void
chiaro_project_card_init (ChiaroProjectCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * chiaro_project_card_new:
 * @info: the project to show
 *
 * Returns: (transfer floating): a new #ChiaroProjectCard
 */
GtkWidget *
chiaro_project_card_new (ChiaroProjectInfo *info)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_INFO (info), NULL);

  return g_object_new (CHIARO_TYPE_PROJECT_CARD, "info", info, NULL);
}

/**
 * chiaro_project_card_get_info:
 * @self: a #ChiaroProjectCard
 *
 * Returns: (transfer none): the project shown
 */
ChiaroProjectInfo *
chiaro_project_card_get_info (ChiaroProjectCard *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_CARD (self), NULL);

  return self->info;
}

/**
 * chiaro_project_card_get_thumbnail_loaded:
 * @self: a #ChiaroProjectCard
 *
 * Returns: whether the thumbnail is shown (rather than the placeholder)
 */
gboolean
chiaro_project_card_get_thumbnail_loaded (ChiaroProjectCard *self)
{
  g_return_val_if_fail (CHIARO_IS_PROJECT_CARD (self), FALSE);

  return self->thumbnail_loaded;
}

/**
 * chiaro_project_card_popup_menu:
 * @self: a #ChiaroProjectCard
 *
 * Shows the card's menu (Rename, Delete), as a secondary click does.
 */
void
chiaro_project_card_popup_menu (ChiaroProjectCard *self)
{
  g_return_if_fail (CHIARO_IS_PROJECT_CARD (self));

  gtk_menu_button_popup (GTK_MENU_BUTTON (self->menu_button));
}

/**
 * chiaro_project_card_format_date:
 * @when: wall-clock µs
 * @now: the present, in the time zone to count days in
 *
 * Returns: (transfer full): "Today", "Yesterday", the weekday within the last week, the
 *   day and month this year, else the full date
 */
char *
chiaro_project_card_format_date (gint64     when,
                                 GDateTime *now)
{
  g_autoptr(GDateTime) then_utc = NULL;
  g_autoptr(GDateTime) then = NULL;
  GDate today;
  GDate day;
  int days;

  g_return_val_if_fail (now != NULL, NULL);

  if (!(then_utc = g_date_time_new_from_unix_utc (when / G_USEC_PER_SEC)))
    return g_strdup ("");
  then = g_date_time_to_timezone (then_utc, g_date_time_get_timezone (now));

  g_date_clear (&today, 1);
  g_date_clear (&day, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  g_date_set_dmy (&day, g_date_time_get_day_of_month (then), g_date_time_get_month (then),
                  g_date_time_get_year (then));
  days = g_date_days_between (&day, &today);

  if (days == 0)
    return g_strdup (_("Today"));
  if (days == 1)
    return g_strdup (_("Yesterday"));
  if (days > 1 && days < 7)
    return g_date_time_format (then, "%A");
  if (g_date_time_get_year (then) == g_date_time_get_year (now))
    /* Translators: a day this year, in g_date_time_format () terms */
    return g_date_time_format (then, _("%B %-d"));

  /* Translators: a day in another year, in g_date_time_format () terms */
  return g_date_time_format (then, _("%B %-d, %Y"));
}
