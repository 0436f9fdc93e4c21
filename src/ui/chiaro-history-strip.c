/* chiaro-history-strip.c — thumbnails of the history path, with branches and entry menus
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows the path root → cursor, then (dimmed) the entries redo would walk to, so an undone
 * edit stays one click away. An entry whose parent has other children gets a branch button
 * ("2/3") listing them. Each entry has a menu: use as input, compare, copy the prompt and
 * settings, star, delete (after a confirmation). Items stay cheap for long histories: one
 * menu serves the whole strip (its model made for an entry when it opens), branch popovers
 * are made when first opened and tooltips are given only when asked for. The strip only
 * calls the document and the history; it rebuilds its row whenever the history says it
 * changed, and thumbnails come from the image store off the main thread.
 */

#define G_LOG_DOMAIN "chiaro-history-strip"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-api-error.h"
#include "chiaro-image-store.h"

#include "chiaro-history-strip.h"

#define THUMBNAIL_SIZE 64
#define SIBLING_THUMBNAIL_SIZE 40

struct _ChiaroHistoryStrip
{
  GtkWidget parent_instance;

  /* template children */
  GtkScrolledWindow *scroller;
  GtkBox *items_box;

  /* owned */
  ChiaroDocument *document;        /* (nullable) */
  GSignalGroup *history_signals;
  GPtrArray *entries;              /* (element-type ChiaroHistoryEntry) shown, in order */
  GPtrArray *items;                /* (element-type GtkWidget) borrowed: children of items_box */
  GHashTable *textures;            /* image hash → GdkTexture */
  GCancellable *cancellable;
  GtkPopover *entry_menu;          /* (nullable) the one entry menu, made on first use */

  /* flags */
  guint n_loading;
  gboolean scroll_pending;
};

G_DEFINE_FINAL_TYPE (ChiaroHistoryStrip, chiaro_history_strip, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  COMPARE,
  ERROR,
  SAVE_PRESET,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  ChiaroHistoryStrip *self;   /* (owned) */
  GWeakRef picture;
  char *hash;
} ThumbnailJob;

static void
thumbnail_job_free (ThumbnailJob *job)
{
  g_object_unref (job->self);
  g_weak_ref_clear (&job->picture);
  g_free (job->hash);
  g_free (job);
}

static ChiaroHistory *
get_history (ChiaroHistoryStrip *self)
{
  return self->document != NULL ? chiaro_document_get_history (self->document) : NULL;
}

static void
set_n_loading (ChiaroHistoryStrip *self,
               guint               n_loading)
{
  gboolean was_loading = self->n_loading > 0;

  self->n_loading = n_loading;
  if (was_loading != (n_loading > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
on_thumbnail_ready (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ThumbnailJob *job = user_data;
  ChiaroHistoryStrip *self = job->self;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GtkImage) picture = NULL;
  g_autoptr(GError) error = NULL;

  pixbuf = chiaro_image_store_thumbnail_finish (CHIARO_IMAGE_STORE (object), result, &error);
  if (pixbuf != NULL)
    {
      GdkTexture *texture = gdk_texture_new_for_pixbuf (pixbuf);

      g_hash_table_replace (self->textures, g_strdup (job->hash), texture);
      picture = g_weak_ref_get (&job->picture);
      if (picture != NULL)
        gtk_image_set_from_paintable (picture, GDK_PAINTABLE (texture));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* A missing image shows as an empty frame; the canvas says why when it is chosen. */
      g_debug ("No thumbnail for %s: %s", job->hash, error->message);
    }

  g_assert (self->n_loading > 0);
  set_n_loading (self, self->n_loading - 1);
  thumbnail_job_free (job);
}

/* The picture gets the entry's thumbnail now when it is known, else when it is made. */
static void
load_thumbnail (ChiaroHistoryStrip *self,
                ChiaroHistoryEntry *entry,
                GtkImage           *picture)
{
  const char *hash = chiaro_history_entry_get_image_hash (entry);
  ChiaroImageStore *images;
  ThumbnailJob *job;
  GdkTexture *texture;

  if (hash == NULL)
    return;

  texture = g_hash_table_lookup (self->textures, hash);
  if (texture != NULL)
    {
      gtk_image_set_from_paintable (picture, GDK_PAINTABLE (texture));
      return;
    }

  images = chiaro_document_get_images (self->document);
  job = g_new0 (ThumbnailJob, 1);
  job->self = g_object_ref (self);
  g_weak_ref_init (&job->picture, picture);
  job->hash = g_strdup (hash);
  set_n_loading (self, self->n_loading + 1);
  chiaro_image_store_thumbnail_async (images, hash, chiaro_history_entry_get_mime_type (entry),
                                      self->cancellable, on_thumbnail_ready, job);
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  const char *text = g_object_get_data (G_OBJECT (widget), "chiaro-tooltip");

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* Like gtk_widget_set_tooltip_text(), but the text is only handed over when the tooltip is
 * shown: setting a tooltip asks the display server where the pointer is, a round trip for
 * each of hundreds of items. */
static void
set_tooltip (GtkWidget  *widget,
             const char *text)
{
  g_object_set_data_full (G_OBJECT (widget), "chiaro-tooltip", g_strdup (text), g_free);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  gtk_widget_set_has_tooltip (widget, TRUE);
}

/* "Original", or "Edit 3" for the third image made on the way to it. */
static char *
dup_entry_title (ChiaroHistoryEntry *entry)
{
  guint depth = chiaro_history_entry_get_depth (entry);

  if (depth == 0)
    return g_strdup (chiaro_history_entry_get_image_hash (entry) != NULL
                     ? _("Original") : _("Blank"));

  /* Translators: an image in the history strip; %u counts the edits from the original. */
  return g_strdup_printf (_("Edit %u"), depth);
}

static const char *
get_entry_prompt (ChiaroHistoryEntry *entry)
{
  ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);

  return turn != NULL && turn->prompt != NULL && turn->prompt[0] != '\0' ? turn->prompt : NULL;
}

static GtkWidget *
create_picture (ChiaroHistoryStrip *self,
                ChiaroHistoryEntry *entry,
                int                 size)
{
  GtkWidget *picture = gtk_image_new ();

  /* A square of the same size for every image, whatever its shape: a steady row. */
  gtk_image_set_pixel_size (GTK_IMAGE (picture), size);
  gtk_widget_add_css_class (picture, "history-picture");
  load_thumbnail (self, entry, GTK_IMAGE (picture));

  return picture;
}

static const char *
get_entry_pack_id (ChiaroHistoryEntry *entry)
{
  ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);

  return turn != NULL ? turn->pack_id : NULL;
}

/* "Render Final At": the sizes the entry's model has that are larger than the entry's. */
static GMenuModel *
create_render_menu (ChiaroHistoryStrip *self,
                    ChiaroHistoryEntry *entry)
{
  g_auto(GStrv) sizes = NULL;
  GMenu *menu;

  if (self->document == NULL ||
      (sizes = chiaro_document_dup_final_sizes (self->document, entry)) == NULL)
    return NULL;

  menu = g_menu_new ();
  for (guint i = 0; sizes[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (sizes[i], NULL);

      g_menu_item_set_action_and_target_value (item, "history.render-final",
                                               g_variant_new ("(ss)",
                                                              chiaro_history_entry_get_id (entry),
                                                              sizes[i]));
      g_menu_append_item (menu, item);
    }

  return G_MENU_MODEL (menu);
}

static GMenuModel *
create_entry_menu (ChiaroHistoryStrip *self,
                   ChiaroHistoryEntry *entry)
{
  const char *id = chiaro_history_entry_get_id (entry);
  gboolean is_root = chiaro_history_entry_get_parent (entry) == NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) use = g_menu_new ();
  g_autoptr(GMenu) keep = g_menu_new ();
  g_autoptr(GMenu) remove = g_menu_new ();

  {
    g_autoptr(GMenuItem) item = g_menu_item_new (_("_Use as Input"), NULL);

    g_menu_item_set_action_and_target_value (item, "history.use-as-input",
                                             g_variant_new_string (id));
    g_menu_append_item (use, item);
  }
  {
    g_autoptr(GMenuItem) item = g_menu_item_new (_("_Compare With This"), NULL);

    g_menu_item_set_action_and_target_value (item, "history.compare", g_variant_new_string (id));
    g_menu_append_item (use, item);
  }
  if (chiaro_history_entry_get_turn (entry) != NULL)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("Copy _Prompt and Settings"), NULL);

      g_menu_item_set_action_and_target_value (item, "history.copy-prompt",
                                               g_variant_new_string (id));
      g_menu_append_item (use, item);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (use));

  {
    g_autoptr(GMenu) workflow = g_menu_new ();
    g_autoptr(GMenuModel) render = create_render_menu (self, entry);

    if (render != NULL)
      g_menu_append_submenu (workflow, _("_Render Final At"), render);
    if (get_entry_prompt (entry) != NULL)
      {
        g_autoptr(GMenuItem) item = g_menu_item_new (_("Save Prompt as _Preset…"), NULL);

        g_menu_item_set_action_and_target_value (item, "history.save-preset",
                                                 g_variant_new_string (id));
        g_menu_append_item (workflow, item);
      }
    if (get_entry_pack_id (entry) != NULL)
      {
        g_autoptr(GMenuItem) item = g_menu_item_new (_("Export _Pack…"), NULL);

        g_menu_item_set_action_and_target_value (item, "history.export-pack",
                                                 g_variant_new_string (id));
        g_menu_append_item (workflow, item);
      }
    if (g_menu_model_get_n_items (G_MENU_MODEL (workflow)) > 0)
      g_menu_append_section (menu, NULL, G_MENU_MODEL (workflow));
  }

  {
    g_autoptr(GMenuItem) item = g_menu_item_new (chiaro_history_entry_get_starred (entry)
                                                 ? _("Un_star") : _("_Star"), NULL);

    g_menu_item_set_action_and_target_value (item, "history.star", g_variant_new_string (id));
    g_menu_append_item (keep, item);
  }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (keep));

  if (!is_root)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("_Delete…"), NULL);

      g_menu_item_set_action_and_target_value (item, "history.delete", g_variant_new_string (id));
      g_menu_append_item (remove, item);
      g_menu_append_section (menu, NULL, G_MENU_MODEL (remove));
    }

  return G_MENU_MODEL (g_steal_pointer (&menu));
}

/* The popover of the branch button: every child of @entry's parent, @entry checked. */
static GtkWidget *
create_branch_popover (ChiaroHistoryStrip *self,
                       ChiaroHistoryEntry *entry)
{
  ChiaroHistoryEntry *parent = chiaro_history_entry_get_parent (entry);
  guint n_children = chiaro_history_entry_get_n_children (parent);
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  for (guint i = 0; i < n_children; i++)
    {
      ChiaroHistoryEntry *sibling = chiaro_history_entry_get_child (parent, i);
      g_autofree char *title = NULL;
      GtkWidget *button = gtk_button_new ();
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *label;
      GtkWidget *check;

      /* Translators: one of the versions made from the same image; %u counts from 1. */
      title = g_strdup_printf (_("Version %u"), i + 1);
      label = gtk_label_new (title);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      check = gtk_image_new_from_icon_name ("object-select-symbolic");
      gtk_widget_set_opacity (check, sibling == entry ? 1 : 0);

      gtk_box_append (GTK_BOX (row), create_picture (self, sibling, SIBLING_THUMBNAIL_SIZE));
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (row), check);
      gtk_button_set_child (GTK_BUTTON (button), row);
      gtk_widget_add_css_class (button, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "history.select");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                              g_variant_new_string (chiaro_history_entry_get_id (sibling)));
      if (get_entry_prompt (sibling) != NULL)
        set_tooltip (button, get_entry_prompt (sibling));
      gtk_box_append (GTK_BOX (box), button);
    }

  gtk_popover_set_child (GTK_POPOVER (popover), box);
  return popover;
}

/* The branch button's popover is made when it is first opened. */
static void
create_branch_popup (GtkMenuButton *branch,
                     gpointer       user_data)
{
  ChiaroHistoryStrip *self = CHIARO_HISTORY_STRIP (user_data);
  ChiaroHistoryEntry *entry = g_object_get_data (G_OBJECT (branch), "chiaro-entry");

  gtk_menu_button_set_popover (branch, create_branch_popover (self, entry));
}

/* Takes the entry menu away from the widget it was shown on (before that widget goes). */
static void
detach_entry_menu (ChiaroHistoryStrip *self)
{
  if (self->entry_menu == NULL || gtk_widget_get_parent (GTK_WIDGET (self->entry_menu)) == NULL)
    return;

  gtk_popover_popdown (self->entry_menu);
  gtk_widget_unparent (GTK_WIDGET (self->entry_menu));
}

/* One menu serves every entry: its model is made for @entry when it is asked for, and it
 * points at @anchor (at @x, @y in it when @at_point). */
static void
popup_entry_menu (ChiaroHistoryStrip *self,
                  ChiaroHistoryEntry *entry,
                  GtkWidget          *anchor,
                  gboolean            at_point,
                  double              x,
                  double              y)
{
  g_autoptr(GMenuModel) model = create_entry_menu (self, entry);

  if (self->entry_menu == NULL)
    {
      self->entry_menu = GTK_POPOVER (gtk_popover_menu_new_from_model (NULL));
      g_object_ref_sink (self->entry_menu);
      gtk_widget_add_css_class (GTK_WIDGET (self->entry_menu), "history-entry-menu");
    }

  if (gtk_widget_get_parent (GTK_WIDGET (self->entry_menu)) != anchor)
    {
      detach_entry_menu (self);
      gtk_widget_set_parent (GTK_WIDGET (self->entry_menu), anchor);
    }

  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->entry_menu), model);
  if (at_point)
    gtk_popover_set_pointing_to (self->entry_menu, &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  else
    gtk_popover_set_pointing_to (self->entry_menu, NULL);
  gtk_popover_popup (self->entry_menu);
}

static ChiaroHistoryEntry *
get_widget_entry (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "chiaro-entry");
}

static void
on_item_clicked (GtkButton          *button,
                 ChiaroHistoryStrip *self)
{
  ChiaroHistoryEntry *entry = get_widget_entry (GTK_WIDGET (button));

  gtk_widget_activate_action (GTK_WIDGET (self), "history.select", "s",
                              chiaro_history_entry_get_id (entry));
}

static void
on_more_clicked (GtkButton          *button,
                 ChiaroHistoryStrip *self)
{
  popup_entry_menu (self, get_widget_entry (GTK_WIDGET (button)), GTK_WIDGET (button),
                    FALSE, 0, 0);
}

static void
on_item_secondary_pressed (GtkGestureClick    *gesture,
                           int                 n_press,
                           double              x,
                           double              y,
                           ChiaroHistoryStrip *self)
{
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_entry_menu (self, get_widget_entry (button), button, TRUE, x, y);
}

static void
on_item_long_pressed (GtkGestureLongPress *gesture,
                      double               x,
                      double               y,
                      ChiaroHistoryStrip  *self)
{
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_entry_menu (self, get_widget_entry (button), button, TRUE, x, y);
}

static GtkWidget *
create_item (ChiaroHistoryStrip *self,
             ChiaroHistoryEntry *entry,
             gboolean            is_cursor,
             gboolean            ahead,
             gboolean            in_pack)
{
  ChiaroHistoryEntry *parent = chiaro_history_entry_get_parent (entry);
  const char *prompt = get_entry_prompt (entry);
  g_autofree char *title = dup_entry_title (entry);
  g_autofree char *accessible = NULL;
  GtkWidget *item = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *controls = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *more = gtk_button_new_from_icon_name ("view-more-symbolic");
  GtkGesture *gesture;

  gtk_widget_add_css_class (item, "history-item");
  if (is_cursor)
    gtk_widget_add_css_class (item, "current");
  if (ahead)
    gtk_widget_add_css_class (item, "ahead");

  gtk_overlay_set_child (GTK_OVERLAY (overlay), create_picture (self, entry, THUMBNAIL_SIZE));
  if (chiaro_history_entry_get_starred (entry))
    {
      GtkWidget *star = gtk_image_new_from_icon_name ("starred-symbolic");

      gtk_widget_set_halign (star, GTK_ALIGN_END);
      gtk_widget_set_valign (star, GTK_ALIGN_START);
      gtk_widget_add_css_class (star, "history-star");
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), star);
    }

  gtk_button_set_child (GTK_BUTTON (button), overlay);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "history-thumbnail");
  /* A plain signal, not an action per button: hundreds of items stay cheap. */
  g_object_set_data (G_OBJECT (button), "chiaro-entry", entry);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_item_clicked), self, 0);
  set_tooltip (button, prompt != NULL ? prompt : title);

  if (is_cursor && chiaro_history_entry_get_starred (entry))
    /* Translators: the accessible name of the current, starred image in the history strip. */
    accessible = g_strdup_printf (_("%s, current, starred"), title);
  else if (is_cursor)
    /* Translators: the accessible name of the current image in the history strip. */
    accessible = g_strdup_printf (_("%s, current"), title);
  else if (chiaro_history_entry_get_starred (entry))
    /* Translators: the accessible name of a starred image in the history strip. */
    accessible = g_strdup_printf (_("%s, starred"), title);
  else
    accessible = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  if (prompt != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, prompt,
                                    -1);
  gtk_box_append (GTK_BOX (item), button);

  gtk_widget_set_halign (controls, GTK_ALIGN_CENTER);
  if (in_pack)
    {
      ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);
      const char *ratio = turn->options != NULL ? turn->options->aspect_ratio : NULL;
      GtkWidget *ratio_label = gtk_label_new (ratio != NULL ? ratio : _("Auto"));

      gtk_widget_add_css_class (ratio_label, "caption");
      gtk_widget_add_css_class (ratio_label, "numeric");
      gtk_widget_add_css_class (ratio_label, "history-ratio");
      gtk_box_append (GTK_BOX (controls), ratio_label);
    }
  else if (parent != NULL && chiaro_history_entry_get_n_children (parent) > 1)
    {
      GtkWidget *branch = gtk_menu_button_new ();
      guint n = chiaro_history_entry_get_n_children (parent);
      guint index = 0;
      g_autofree char *label = NULL;
      g_autofree char *branch_name = NULL;

      while (index < n && chiaro_history_entry_get_child (parent, index) != entry)
        index++;
      /* Translators: which of the versions made from one image this is, as "2/3". */
      label = g_strdup_printf (_("%u/%u"), index + 1, n);
      /* Translators: the accessible name of the branch button, e.g. "Version 2 of 3". */
      branch_name = g_strdup_printf (_("Version %u of %u"), index + 1, n);
      gtk_menu_button_set_label (GTK_MENU_BUTTON (branch), label);
      g_object_set_data (G_OBJECT (branch), "chiaro-entry", entry);
      /* The strip owns its items, so it outlives the button. */
      gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (branch), create_branch_popup,
                                             self, NULL);
      set_tooltip (branch, _("Other Versions"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (branch),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, branch_name,
                                      -1);
      gtk_widget_add_css_class (branch, "flat");
      gtk_widget_add_css_class (branch, "history-branch");
      gtk_box_append (GTK_BOX (controls), branch);
    }

  g_object_set_data (G_OBJECT (more), "chiaro-entry", entry);
  g_signal_connect_object (more, "clicked", G_CALLBACK (on_more_clicked), self, 0);
  set_tooltip (more, _("More"));
  {
    /* Translators: the accessible name of an image's menu button, e.g. "Edit 2 menu". */
    g_autofree char *menu_name = g_strdup_printf (_("%s menu"), title);

    gtk_accessible_update_property (GTK_ACCESSIBLE (more),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, menu_name,
                                    GTK_ACCESSIBLE_PROPERTY_HAS_POPUP, TRUE,
                                    -1);
  }
  gtk_widget_add_css_class (more, "flat");
  gtk_widget_add_css_class (more, "history-more");
  gtk_box_append (GTK_BOX (controls), more);
  gtk_box_append (GTK_BOX (item), controls);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (gesture, "pressed", G_CALLBACK (on_item_secondary_pressed), self, 0);
  gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (gesture));
  gesture = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (gesture), TRUE);
  g_signal_connect_object (gesture, "pressed", G_CALLBACK (on_item_long_pressed), self, 0);
  gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (gesture));

  g_object_set_data (G_OBJECT (item), "chiaro-menu-button", more);
  return item;
}

static void
clear_items (ChiaroHistoryStrip *self)
{
  GtkWidget *child;

  detach_entry_menu (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->items_box))) != NULL)
    gtk_box_remove (self->items_box, child);

  for (guint i = 0; i < self->entries->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->entries, i), self);

  g_ptr_array_set_size (self->items, 0);
  g_ptr_array_set_size (self->entries, 0);
}

static void
append_item (ChiaroHistoryStrip *self,
             GtkBox             *box,
             GtkWidget          *item)
{
  gtk_box_append (box, item);
  g_ptr_array_add (self->items, item);
}

/* A pack on the path shows as one framed group: every image of the pack made from the same
 * image, each with its ratio, the one on the path marked as usual. */
static void
append_pack (ChiaroHistoryStrip *self,
             ChiaroHistoryEntry *on_path,
             ChiaroHistoryEntry *cursor,
             gboolean            ahead)
{
  g_autoptr(GPtrArray) pack = chiaro_history_dup_pack_entries (get_history (self),
                                                               get_entry_pack_id (on_path));
  ChiaroHistoryEntry *parent = chiaro_history_entry_get_parent (on_path);
  GtkWidget *group = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *accessible = NULL;
  guint n = 0;

  for (guint i = 0; i < pack->len; i++)
    {
      ChiaroHistoryEntry *member = g_ptr_array_index (pack, i);

      if (chiaro_history_entry_get_parent (member) != parent)
        continue;

      g_ptr_array_add (self->entries, g_object_ref (member));
      append_item (self, GTK_BOX (row),
                   create_item (self, member, member == cursor,
                                ahead || (member != on_path), TRUE));
      n++;
    }

  /* Translators: the title over the images of a social-format pack in the history strip;
   * %u counts them. */
  accessible = g_strdup_printf (ngettext ("Pack of %u image", "Pack of %u images", n), n);
  gtk_label_set_text (GTK_LABEL (title), _("Pack"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "caption-heading");
  gtk_widget_add_css_class (title, "history-pack-title");
  gtk_widget_add_css_class (group, "history-pack");
  set_tooltip (title, accessible);
  gtk_accessible_update_property (GTK_ACCESSIBLE (group),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  gtk_box_append (GTK_BOX (group), title);
  gtk_box_append (GTK_BOX (group), row);
  gtk_box_append (self->items_box, group);
}

static void rebuild (ChiaroHistoryStrip *self);

static void
on_image_changed (ChiaroHistoryStrip *self)
{
  rebuild (self);
}

static void
rebuild (ChiaroHistoryStrip *self)
{
  ChiaroHistory *history = get_history (self);
  ChiaroHistoryEntry *cursor;
  ChiaroHistoryEntry *entry;
  GListModel *path;
  guint n_path;

  clear_items (self);
  if (history == NULL)
    return;

  cursor = chiaro_history_get_cursor (history);
  path = chiaro_history_get_path (history);
  n_path = g_list_model_get_n_items (path);

  for (guint i = 0; i < n_path; i++)
    {
      g_autoptr(ChiaroHistoryEntry) on_path = g_list_model_get_item (path, i);

      g_ptr_array_add (self->entries, g_object_ref (on_path));
    }
  for (entry = chiaro_history_entry_get_redo_child (cursor);
       entry != NULL;
       entry = chiaro_history_entry_get_redo_child (entry))
    g_ptr_array_add (self->entries, g_object_ref (entry));

  {
    g_autoptr(GPtrArray) walked = g_steal_pointer (&self->entries);

    self->entries = g_ptr_array_new_with_free_func (g_object_unref);
    for (guint i = 0; i < walked->len; i++)
      {
        ChiaroHistoryEntry *shown = g_ptr_array_index (walked, i);
        const char *pack_id = get_entry_pack_id (shown);

        /* The root gets its photo after the project exists. */
        g_signal_connect_swapped (shown, "notify::image-hash", G_CALLBACK (on_image_changed),
                                  self);

        if (pack_id != NULL)
          {
            append_pack (self, shown, cursor, i >= n_path);
            continue;
          }

        g_ptr_array_add (self->entries, g_object_ref (shown));
        append_item (self, self->items_box,
                     create_item (self, shown, shown == cursor, i >= n_path, FALSE));
      }
  }

  self->scroll_pending = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* After a rebuild, the current image is scrolled into view once the row is laid out. */
static void
on_adjustment_changed (ChiaroHistoryStrip *self,
                       GtkAdjustment      *adjustment)
{
  ChiaroHistory *history = get_history (self);
  graphene_rect_t bounds;
  double page, value;

  if (!self->scroll_pending || history == NULL)
    return;

  for (guint i = 0; i < self->entries->len; i++)
    {
      if (g_ptr_array_index (self->entries, i) != chiaro_history_get_cursor (history))
        continue;

      if (!gtk_widget_compute_bounds (g_ptr_array_index (self->items, i),
                                      GTK_WIDGET (self->items_box), &bounds))
        return;

      self->scroll_pending = FALSE;
      page = gtk_adjustment_get_page_size (adjustment);
      value = gtk_adjustment_get_value (adjustment);
      if (bounds.origin.x < value)
        gtk_adjustment_set_value (adjustment, bounds.origin.x);
      else if (bounds.origin.x + bounds.size.width > value + page)
        gtk_adjustment_set_value (adjustment, bounds.origin.x + bounds.size.width - page);
      return;
    }
}

static ChiaroHistoryEntry *
lookup_entry (ChiaroHistoryStrip *self,
              GVariant           *parameter)
{
  ChiaroHistory *history = get_history (self);

  if (history == NULL)
    return NULL;

  return chiaro_history_lookup (history, g_variant_get_string (parameter, NULL));
}

static void
select_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ChiaroHistoryStrip *self = CHIARO_HISTORY_STRIP (widget);
  ChiaroHistoryEntry *entry = lookup_entry (self, parameter);

  if (entry != NULL)
    chiaro_history_set_cursor (get_history (self), entry);
}

static void
star_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ChiaroHistoryEntry *entry = lookup_entry (CHIARO_HISTORY_STRIP (widget), parameter);

  if (entry != NULL)
    chiaro_history_entry_set_starred (entry, !chiaro_history_entry_get_starred (entry));
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ChiaroHistoryStrip *self = CHIARO_HISTORY_STRIP (widget);
  ChiaroHistoryEntry *entry = lookup_entry (self, parameter);

  if (entry != NULL)
    g_signal_emit (self, signals[COMPARE], 0, entry);
}

static void
copy_prompt_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ChiaroHistoryStrip *self = CHIARO_HISTORY_STRIP (widget);
  ChiaroHistoryEntry *entry = lookup_entry (self, parameter);
  ChiaroTurn *turn;

  if (entry == NULL || (turn = chiaro_history_entry_get_turn (entry)) == NULL)
    return;

  if (turn->model_id != NULL)
    chiaro_document_set_model_id (self->document, turn->model_id);
  if (turn->options != NULL)
    chiaro_document_set_options (self->document, turn->options);
  chiaro_document_set_n_variants (self->document, MAX (turn->n_variants, 1));
  chiaro_document_set_prompt (self->document, turn->prompt != NULL ? turn->prompt : "");
}

static void
save_preset_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ChiaroHistoryStrip *self = CHIARO_HISTORY_STRIP (widget);
  ChiaroHistoryEntry *entry = lookup_entry (self, parameter);

  if (entry != NULL && chiaro_history_entry_get_turn (entry) != NULL)
    g_signal_emit (self, signals[SAVE_PRESET], 0, entry);
}

static void
export_pack_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ChiaroHistoryStrip *self = CHIARO_HISTORY_STRIP (widget);
  ChiaroHistoryEntry *entry = lookup_entry (self, parameter);

  if (entry == NULL)
    return;

  /* The window exports the pack of the current image. */
  chiaro_history_set_cursor (get_history (self), entry);
  gtk_widget_activate_action (widget, "win.export-pack", NULL);
}

/* history.render-final (entry id, size): the window's win.render-final does it. */
static void
render_final_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_widget_activate_action_variant (widget, "win.render-final", parameter);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  ChiaroHistoryStrip *self = CHIARO_HISTORY_STRIP (user_data);
  ChiaroHistoryEntry *entry = g_object_get_data (G_OBJECT (dialog), "chiaro-entry");
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "delete") || self->document == NULL || entry == NULL)
    return;

  /* The entry may have gone meanwhile (deleted from another place). */
  if (chiaro_history_lookup (get_history (self), chiaro_history_entry_get_id (entry)) != entry)
    return;

  if (!chiaro_document_delete_entry (self->document, entry, &error))
    g_signal_emit (self, signals[ERROR], 0, error->message);
}

static guint
count_subtree (ChiaroHistoryEntry *entry)
{
  guint n = 1;

  for (guint i = 0; i < chiaro_history_entry_get_n_children (entry); i++)
    n += count_subtree (chiaro_history_entry_get_child (entry, i));

  return n;
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ChiaroHistoryStrip *self = CHIARO_HISTORY_STRIP (widget);
  ChiaroHistoryEntry *entry = lookup_entry (self, parameter);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *body = NULL;
  guint n_descendants;
  GtkWidget *dialog;

  if (entry == NULL || chiaro_history_entry_get_parent (entry) == NULL)
    return;

  n_descendants = count_subtree (entry) - 1;
  if (n_descendants == 0)
    body = g_strdup (_("The image and its prompt are removed from the project. This cannot "
                       "be undone."));
  else
    body = g_strdup_printf (ngettext ("The image, its prompt and the %u image made from it "
                                      "are removed from the project. This cannot be undone.",
                                      "The image, its prompt and the %u images made from it "
                                      "are removed from the project. This cannot be undone.",
                                      n_descendants),
                            n_descendants);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Delete This Image?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "chiaro-entry", g_object_ref (entry),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_history_changed (ChiaroHistoryStrip *self)
{
  rebuild (self);
}

static void
chiaro_history_strip_dispose (GObject *object)
{
  ChiaroHistoryStrip *self = (ChiaroHistoryStrip *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->items_box != NULL)
    clear_items (self);
  detach_entry_menu (self);
  g_clear_object (&self->document);
  if (self->history_signals != NULL)
    g_signal_group_set_target (self->history_signals, NULL);
  g_clear_object (&self->history_signals);

  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_HISTORY_STRIP);

  G_OBJECT_CLASS (chiaro_history_strip_parent_class)->dispose (object);
}

static void
chiaro_history_strip_finalize (GObject *object)
{
  ChiaroHistoryStrip *self = (ChiaroHistoryStrip *)object;

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->textures, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->entry_menu);

  G_OBJECT_CLASS (chiaro_history_strip_parent_class)->finalize (object);
}

static void
chiaro_history_strip_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ChiaroHistoryStrip *self = CHIARO_HISTORY_STRIP (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->n_loading > 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_history_strip_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ChiaroHistoryStrip *self = CHIARO_HISTORY_STRIP (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      chiaro_history_strip_set_document (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_history_strip_class_init (ChiaroHistoryStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_history_strip_dispose;
  object_class->finalize = chiaro_history_strip_finalize;
  object_class->get_property = chiaro_history_strip_get_property;
  object_class->set_property = chiaro_history_strip_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL,
                         CHIARO_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroHistoryStrip::compare:
   * @self: the strip
   * @entry: the entry chosen
   *
   * The user asked to compare the current image with @entry.
   */
  signals[COMPARE] =
    g_signal_new ("compare",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CHIARO_TYPE_HISTORY_ENTRY);

  /**
   * ChiaroHistoryStrip::error:
   * @self: the strip
   * @message: what went wrong, for the user
   *
   * Something the user asked for failed; the window shows @message.
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * ChiaroHistoryStrip::save-preset:
   * @self: the strip
   * @entry: the entry whose prompt to save
   *
   * The user asked to save @entry's prompt (and its ratio and size) as a preset.
   */
  signals[SAVE_PRESET] =
    g_signal_new ("save-preset",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CHIARO_TYPE_HISTORY_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-history-strip.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroHistoryStrip, scroller);
  gtk_widget_class_bind_template_child (widget_class, ChiaroHistoryStrip, items_box);

  gtk_widget_class_install_action (widget_class, "history.select", "s", select_action);
  gtk_widget_class_install_action (widget_class, "history.use-as-input", "s", select_action);
  gtk_widget_class_install_action (widget_class, "history.star", "s", star_action);
  gtk_widget_class_install_action (widget_class, "history.compare", "s", compare_action);
  gtk_widget_class_install_action (widget_class, "history.copy-prompt", "s",
                                   copy_prompt_action);
  gtk_widget_class_install_action (widget_class, "history.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "history.save-preset", "s",
                                   save_preset_action);
  gtk_widget_class_install_action (widget_class, "history.export-pack", "s",
                                   export_pack_action);
  gtk_widget_class_install_action (widget_class, "history.render-final", "(ss)",
                                   render_final_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "historystrip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
chiaro_history_strip_init (ChiaroHistoryStrip *self)
{
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->entries = g_ptr_array_new_with_free_func (g_object_unref);
  self->items = g_ptr_array_new ();
  self->textures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->cancellable = g_cancellable_new ();

  self->history_signals = g_signal_group_new (CHIARO_TYPE_HISTORY);
  g_signal_group_connect_swapped (self->history_signals, "changed",
                                  G_CALLBACK (on_history_changed), self);

  adjustment = gtk_scrolled_window_get_hadjustment (self->scroller);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_adjustment_changed), self,
                           G_CONNECT_SWAPPED);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("History"),
                                  -1);
}

/**
 * chiaro_history_strip_new:
 *
 * Returns: (transfer floating): a new, empty strip
 */
GtkWidget *
chiaro_history_strip_new (void)
{
  return g_object_new (CHIARO_TYPE_HISTORY_STRIP, NULL);
}

/**
 * chiaro_history_strip_get_document:
 * @self: a strip
 *
 * Returns: (transfer none) (nullable): the document shown
 */
ChiaroDocument *
chiaro_history_strip_get_document (ChiaroHistoryStrip *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_STRIP (self), NULL);

  return self->document;
}

/**
 * chiaro_history_strip_set_document:
 * @self: a strip
 * @document: (nullable): the document to show
 *
 * Shows @document's history and follows its changes.
 */
void
chiaro_history_strip_set_document (ChiaroHistoryStrip *self,
                                   ChiaroDocument     *document)
{
  g_return_if_fail (CHIARO_IS_HISTORY_STRIP (self));
  g_return_if_fail (document == NULL || CHIARO_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  /* Thumbnails on their way belong to the other project. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->textures);

  g_set_object (&self->document, document);
  g_signal_group_set_target (self->history_signals,
                             document != NULL ? chiaro_document_get_history (document) : NULL);
  rebuild (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * chiaro_history_strip_get_n_items:
 * @self: a strip
 *
 * Returns: how many entries the strip shows (the path, then the redo entries)
 */
guint
chiaro_history_strip_get_n_items (ChiaroHistoryStrip *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_STRIP (self), 0);

  return self->entries->len;
}

/**
 * chiaro_history_strip_get_entry:
 * @self: a strip
 * @index: an item's position
 *
 * Returns: (transfer none): the entry shown at @index
 */
ChiaroHistoryEntry *
chiaro_history_strip_get_entry (ChiaroHistoryStrip *self,
                                guint               index)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_STRIP (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);

  return g_ptr_array_index (self->entries, index);
}

/**
 * chiaro_history_strip_get_item:
 * @self: a strip
 * @index: an item's position
 *
 * Returns: (transfer none): the widget that shows the entry at @index
 */
GtkWidget *
chiaro_history_strip_get_item (ChiaroHistoryStrip *self,
                               guint               index)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_STRIP (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);

  return g_ptr_array_index (self->items, index);
}

/**
 * chiaro_history_strip_get_loading:
 * @self: a strip
 *
 * Returns: whether thumbnails are still being made
 */
gboolean
chiaro_history_strip_get_loading (ChiaroHistoryStrip *self)
{
  g_return_val_if_fail (CHIARO_IS_HISTORY_STRIP (self), FALSE);

  return self->n_loading > 0;
}
