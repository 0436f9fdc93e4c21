/* chiaro-reference-tile.c — one reference image in the tray
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The thumbnail, the label the prompt can use ("the logo"), a remove button and, when the
 * planner had to change the image on the last send, a warning mark that says why. The tile
 * edits the reference's label and asks its tray, through signals, to remove it or move it;
 * the tray owns the order.
 */

#define G_LOG_DOMAIN "chiaro-reference-tile"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-texture.h"

#include "chiaro-reference-tile.h"

/* The square of the frame in the template, which the picture covers. */
#define THUMBNAIL_SIZE 80

struct _ChiaroReferenceTile
{
  GtkWidget parent_instance;

  /* template children */
  GtkWidget *box;
  GtkPicture *picture;
  GtkWidget *remove_button;
  GtkWidget *plan_note_icon;
  GtkEntry *label_entry;
  GMenuModel *context_menu;

  /* owned */
  ChiaroReference *reference;
  GtkWidget *popover;            /* (nullable) the context menu, once shown */
  gulong label_handler;
  gulong thumbnail_handler;
  gulong plan_note_handler;
};

G_DEFINE_FINAL_TYPE (ChiaroReferenceTile, chiaro_reference_tile, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REFERENCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REMOVE,
  MOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Scaled once to the pixels it covers: a texture is converted again at every frame the cairo
 * renderer draws (chiaro-texture.c). */
static void
show_thumbnail (ChiaroReferenceTile *self,
                GdkPixbuf           *thumbnail)
{
  g_autoptr(GdkTexture) texture = NULL;

  if (thumbnail != NULL)
    texture = chiaro_texture_new_for_size (thumbnail, THUMBNAIL_SIZE, THUMBNAIL_SIZE,
                                           gtk_widget_get_scale_factor (GTK_WIDGET (self)),
                                           GTK_CONTENT_FIT_COVER);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
}

/* The document makes the thumbnail off the main thread and sets it on the reference; until
 * then the tile shows a blank card. */
static void
update_thumbnail (ChiaroReferenceTile *self)
{
  show_thumbnail (self, chiaro_reference_get_thumbnail (self->reference));
}

static void
on_scale_factor_changed (ChiaroReferenceTile *self,
                         GParamSpec          *pspec,
                         gpointer             user_data)
{
  if (self->reference != NULL)
    update_thumbnail (self);
}

static void
update_plan_note (ChiaroReferenceTile *self)
{
  const char *note = chiaro_reference_get_plan_note (self->reference);
  gboolean has_note = note != NULL && *note != '\0';

  gtk_widget_set_visible (self->plan_note_icon, has_note);
  gtk_widget_set_tooltip_text (self->plan_note_icon, has_note ? note : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->plan_note_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, has_note ? note : "",
                                  -1);
}

static void
on_label_entry_changed (GtkEditable         *editable,
                        ChiaroReferenceTile *self)
{
  g_autofree char *label = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  if (g_strcmp0 (chiaro_reference_get_label (self->reference), label) == 0)
    return;

  g_signal_handler_block (self->reference, self->label_handler);
  chiaro_reference_set_label (self->reference, *label != '\0' ? label : NULL);
  g_signal_handler_unblock (self->reference, self->label_handler);
}

static void
update_label (ChiaroReferenceTile *self)
{
  const char *label = chiaro_reference_get_label (self->reference);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->label_entry));

  if (g_strcmp0 (label != NULL ? label : "", text) == 0)
    return;

  g_signal_handlers_block_by_func (self->label_entry, on_label_entry_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->label_entry), label != NULL ? label : "");
  g_signal_handlers_unblock_by_func (self->label_entry, on_label_entry_changed, self);
}

/* The names assistive technologies read, and the tooltip over the picture. */
static void
describe (ChiaroReferenceTile *self)
{
  const char *name = chiaro_reference_get_display_name (self->reference);
  g_autofree char *remove_label = NULL;
  g_autofree char *entry_label = NULL;
  g_autofree char *tooltip = NULL;

  if (name == NULL || *name == '\0')
    /* Translators: what a reference image without a file name is called */
    name = _("Reference image");

  /* Translators: %s is the image's file name */
  remove_label = g_strdup_printf (_("Remove %s"), name);
  /* Translators: %s is the image's file name; the label is what the prompt calls it */
  entry_label = g_strdup_printf (_("Label of %s"), name);
  /* Translators: a file name, then the image's width × height in pixels */
  tooltip = g_strdup_printf (_("%s, %d × %d"), name,
                             chiaro_reference_get_width (self->reference),
                             chiaro_reference_get_height (self->reference));

  gtk_picture_set_alternative_text (self->picture, name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->picture), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->label_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, entry_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
set_reference (ChiaroReferenceTile *self,
               ChiaroReference     *reference)
{
  g_assert (self->reference == NULL);

  self->reference = g_object_ref (reference);
  self->label_handler = g_signal_connect_object (reference, "notify::label",
                                                 G_CALLBACK (update_label), self,
                                                 G_CONNECT_SWAPPED);
  self->thumbnail_handler = g_signal_connect_object (reference, "notify::thumbnail",
                                                     G_CALLBACK (update_thumbnail), self,
                                                     G_CONNECT_SWAPPED);
  self->plan_note_handler = g_signal_connect_object (reference, "notify::plan-note",
                                                     G_CALLBACK (update_plan_note), self,
                                                     G_CONNECT_SWAPPED);
}

static void
on_secondary_click (GtkGestureClick     *gesture,
                    int                  n_press,
                    double               x,
                    double               y,
                    ChiaroReferenceTile *self)
{
  if (self->popover == NULL)
    {
      self->popover = gtk_popover_menu_new_from_model (self->context_menu);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
      gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
    }

  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->popover));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[REMOVE], 0);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[MOVE], 0,
                 g_str_equal (action_name, "tile.move-left") ? -1 : 1);
}

static void
chiaro_reference_tile_constructed (GObject *object)
{
  ChiaroReferenceTile *self = CHIARO_REFERENCE_TILE (object);

  G_OBJECT_CLASS (chiaro_reference_tile_parent_class)->constructed (object);

  g_assert (self->reference != NULL);

  describe (self);
  update_label (self);
  update_plan_note (self);
  update_thumbnail (self);
}

static void
chiaro_reference_tile_dispose (GObject *object)
{
  ChiaroReferenceTile *self = CHIARO_REFERENCE_TILE (object);

  g_clear_pointer (&self->popover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_REFERENCE_TILE);

  if (self->reference != NULL)
    {
      g_clear_signal_handler (&self->label_handler, self->reference);
      g_clear_signal_handler (&self->thumbnail_handler, self->reference);
      g_clear_signal_handler (&self->plan_note_handler, self->reference);
    }
  g_clear_object (&self->reference);

  G_OBJECT_CLASS (chiaro_reference_tile_parent_class)->dispose (object);
}

static void
chiaro_reference_tile_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ChiaroReferenceTile *self = CHIARO_REFERENCE_TILE (object);

  switch (prop_id)
    {
    case PROP_REFERENCE:
      g_value_set_object (value, self->reference);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_reference_tile_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ChiaroReferenceTile *self = CHIARO_REFERENCE_TILE (object);

  switch (prop_id)
    {
    case PROP_REFERENCE:
      set_reference (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_reference_tile_class_init (ChiaroReferenceTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = chiaro_reference_tile_constructed;
  object_class->dispose = chiaro_reference_tile_dispose;
  object_class->get_property = chiaro_reference_tile_get_property;
  object_class->set_property = chiaro_reference_tile_set_property;

  properties[PROP_REFERENCE] =
    g_param_spec_object ("reference", NULL, NULL, CHIARO_TYPE_REFERENCE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroReferenceTile::remove:
   *
   * The user asked to take this reference out of the tray.
   */
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * ChiaroReferenceTile::move:
   * @offset: -1 for one place to the left (earlier), 1 for one to the right
   *
   * The user asked to move this reference within the tray.
   */
  signals[MOVE] = g_signal_new ("move", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/chiaro/Chiaro/chiaro-reference-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTile, box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTile, picture);
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTile, remove_button);
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTile, plan_note_icon);
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTile, label_entry);
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTile, context_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_label_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_secondary_click);

  gtk_widget_class_install_action (widget_class, "tile.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "tile.move-left", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "tile.move-right", NULL, move_action);

  gtk_widget_class_set_css_name (widget_class, "reference-tile");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
chiaro_reference_tile_init (ChiaroReferenceTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (on_scale_factor_changed), NULL);
}

/**
 * chiaro_reference_tile_new:
 * @reference: the reference shown
 *
 * Returns: (transfer floating): a new tile
 */
GtkWidget *
chiaro_reference_tile_new (ChiaroReference *reference)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE (reference), NULL);

  return g_object_new (CHIARO_TYPE_REFERENCE_TILE, "reference", reference, NULL);
}

/**
 * chiaro_reference_tile_get_reference:
 * @self: a tile
 *
 * Returns: (transfer none): the reference shown
 */
ChiaroReference *
chiaro_reference_tile_get_reference (ChiaroReferenceTile *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE_TILE (self), NULL);

  return self->reference;
}

/**
 * chiaro_reference_tile_get_thumbnail:
 * @self: a tile
 *
 * The picture, where a drag starts and what it shows while dragged.
 *
 * Returns: (transfer none): the thumbnail's widget
 */
GtkWidget *
chiaro_reference_tile_get_thumbnail (ChiaroReferenceTile *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE_TILE (self), NULL);

  return GTK_WIDGET (self->picture);
}

/**
 * chiaro_reference_tile_set_movable:
 * @self: a tile
 * @left: whether there is a place to its left
 * @right: whether there is a place to its right
 *
 * Enables "Move Left" and "Move Right" as the tile's place in the tray allows.
 */
void
chiaro_reference_tile_set_movable (ChiaroReferenceTile *self,
                                   gboolean             left,
                                   gboolean             right)
{
  g_return_if_fail (CHIARO_IS_REFERENCE_TILE (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.move-left", left);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.move-right", right);
}
