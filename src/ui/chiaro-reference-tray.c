/* chiaro-reference-tray.c — the reference images sent with the prompt
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows the document's reference list as tiles, with the count against the model's limit.
 * Images come in by drop (files, or images dragged from other apps), by paste and by the
 * file dialog; all of them go through one queue, so that they land in the order they were
 * given and one refusal (the tray is full) stops the rest with one message. The tiles are
 * reordered by dragging them, or with Alt+Left and Alt+Right. The document stores, checks
 * and counts; the tray only asks, and says what went wrong through the "error" signal.
 */

#define G_LOG_DOMAIN "chiaro-reference-tray"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "chiaro-image.h"
#include "chiaro-image-store.h"
#include "chiaro-project-error.h"
#include "chiaro-reference-tile.h"

#include "chiaro-reference-tray.h"
#include "chiaro-reference-tray-private.h"

struct _ChiaroReferenceTray
{
  GtkWidget parent_instance;

  /* template children */
  GtkWidget *box;
  GtkLabel *count_label;
  GtkWidget *limit_warning;
  GtkLabel *limit_label;
  GtkStack *stack;
  GtkFlowBox *flow_box;

  /* owned */
  ChiaroDocument *document;       /* (nullable) */
  ChiaroReferenceList *references; /* (nullable) the document's */
  GCancellable *cancellable;      /* cancelled when the document changes */
  GQueue pending;                 /* AddJob: images waiting their turn */
  GtkDropTarget *drop_target;     /* (owned by the widget) */
#if !GTK_CHECK_VERSION (4, 10, 0)
  GtkFileChooserNative *chooser;  /* (nullable) */
#endif

  /* flags */
  gboolean adding;                /* an image is being added */
  gboolean busy;                  /* adding, or images waiting */
  guint n_reading;                /* clipboard reads under way */
};

G_DEFINE_FINAL_TYPE (ChiaroReferenceTray, chiaro_reference_tray, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One image to add: a file, a texture (encoded to PNG first) or encoded bytes. */
typedef struct
{
  ChiaroReferenceTray *self;      /* (owned) */
  GCancellable *cancellable;      /* (owned) the tray's when the job was queued */
  GFile *file;                    /* (nullable) */
  GdkTexture *texture;            /* (nullable) */
  GBytes *bytes;                  /* (nullable) */
  char *display_name;
  guint position;                 /* where it goes; G_MAXUINT for the end */
} AddJob;

static void
add_job_free (AddJob *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->file);
  g_clear_object (&job->texture);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job->display_name);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AddJob, add_job_free)

static void process_next (ChiaroReferenceTray *self);

static guint
get_n_references (ChiaroReferenceTray *self)
{
  return self->references != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->references))
                                  : 0;
}

static void
update_busy (ChiaroReferenceTray *self)
{
  gboolean busy = self->adding || !g_queue_is_empty (&self->pending) || self->n_reading > 0;

  if (busy == self->busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
clear_pending (ChiaroReferenceTray *self)
{
  AddJob *job;

  while ((job = g_queue_pop_head (&self->pending)) != NULL)
    add_job_free (job);
}

/* The count, the warning when the model takes fewer than the tray holds, and what can be
 * done now. */
static void
update_state (ChiaroReferenceTray *self)
{
  guint n = get_n_references (self);
  guint limit = self->references != NULL ? chiaro_reference_list_get_limit (self->references)
                                          : CHIARO_REFERENCE_LIST_MAX;
  gboolean over = self->references != NULL &&
                  chiaro_reference_list_is_over_limit (self->references);
  g_autofree char *count = NULL;
  g_autofree char *count_description = NULL;
  guint i = 0;

  /* Translators: references in the tray / the most the model takes, e.g. "5 / 14" */
  count = g_strdup_printf (_("%u / %u"), n, limit);
  /* Translators: read out for the count "5 / 14" */
  count_description = g_strdup_printf (ngettext ("%u of at most %u reference image",
                                                 "%u of at most %u reference images", limit),
                                       n, limit);
  gtk_label_set_text (self->count_label, count);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->count_label), count_description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->count_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, count_description, -1);
  if (over)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->count_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->count_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
    }

  if (over)
    {
      g_autofree char *first = NULL;
      g_autofree char *second = NULL;
      g_autofree char *text = NULL;

      first = g_strdup_printf (ngettext ("This model takes at most %u reference image.",
                                         "This model takes at most %u reference images.",
                                         limit),
                               limit);
      second = g_strdup_printf (ngettext ("Remove %u before sending.",
                                          "Remove %u before sending.", n - limit),
                                n - limit);
      /* Translators: the two sentences above, joined */
      text = g_strdup_printf (C_("limit warning", "%s %s"), first, second);
      gtk_label_set_text (self->limit_label, text);
    }
  gtk_widget_set_visible (self->limit_warning, over);

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "tiles" : "empty");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tray.add",
                                 self->document != NULL && n < limit);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tray.paste", self->document != NULL);

  /* The first tile cannot go further left, nor the last further right. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->flow_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *tile;

      if (!GTK_IS_FLOW_BOX_CHILD (child))
        continue;

      tile = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      if (CHIARO_IS_REFERENCE_TILE (tile))
        chiaro_reference_tile_set_movable (CHIARO_REFERENCE_TILE (tile), i > 0, i + 1 < n);
      i++;
    }
}

/* The error as the user should see it: naming the image, and how many more were left out
 * with it. */
static GError *
name_error (const GError *error,
            const char   *display_name,
            guint         n_more)
{
  g_autofree char *message = NULL;

  if (n_more == 0 && strstr (error->message, display_name) != NULL)
    return g_error_copy (error);

  if (n_more == 0)
    /* Translators: the first %s is a file name, the second says why */
    message = g_strdup_printf (_("“%s” was not added: %s"), display_name, error->message);
  else
    /* Translators: the first %s is a file name, %u counts the images that came with it,
     * and the last %s says why */
    message = g_strdup_printf (ngettext ("“%s” and %u more image were not added: %s",
                                         "“%s” and %u more images were not added: %s",
                                         n_more),
                               display_name, n_more, error->message);

  return g_error_new_literal (error->domain, error->code, message);
}

static void
report_error (ChiaroReferenceTray *self,
              const GError        *error,
              const char          *display_name,
              guint                n_more)
{
  g_autoptr(GError) named = name_error (error, display_name, n_more);

  g_debug ("not added: %s", named->message);
  g_signal_emit (self, signals[ERROR], 0, named);
}

static void
on_reference_added (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AddJob) job = user_data;
  ChiaroReferenceTray *self = job->self;
  g_autoptr(GError) error = NULL;
  ChiaroReference *reference;

  /* A job for a document the tray no longer shows: let it go. */
  if (g_cancellable_is_cancelled (job->cancellable))
    return;

  reference = chiaro_document_add_reference_finish (CHIARO_DOCUMENT (source), result, &error);
  if (reference == NULL)
    {
      guint n_more = 0;

      /* Once the tray is full, the images waiting after this one cannot go in either. */
      if (g_error_matches (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_REFERENCES_FULL))
        {
          n_more = g_queue_get_length (&self->pending);
          clear_pending (self);
        }
      report_error (self, error, job->display_name, n_more);
    }
  else if (job->position != G_MAXUINT)
    {
      guint from;

      if (chiaro_reference_list_find (self->references, chiaro_reference_get_hash (reference),
                                      &from) != NULL &&
          job->position < from)
        chiaro_reference_list_move (self->references, from, job->position);
    }

  self->adding = FALSE;
  process_next (self);
}

static void
add_bytes (AddJob *job,
           GBytes *bytes)
{
  ChiaroReferenceTray *self = job->self;

  chiaro_document_add_reference_bytes_async (self->document, bytes, job->display_name, NULL,
                                             job->cancellable, on_reference_added, job);
}

static void
encode_texture_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GdkTexture *texture = task_data;

  g_task_return_pointer (task, gdk_texture_save_to_png_bytes (texture),
                         (GDestroyNotify) g_bytes_unref);
}

static void
on_texture_encoded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  AddJob *job = user_data;
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_task_propagate_pointer (G_TASK (result), NULL);
  if (g_cancellable_is_cancelled (job->cancellable))
    {
      add_job_free (job);
      return;
    }

  if (bytes == NULL)
    {
      ChiaroReferenceTray *self = job->self;
      g_autoptr(GError) error = NULL;

      error = g_error_new_literal (CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_UNSUPPORTED,
                                   _("The image could not be converted to PNG"));
      report_error (self, error, job->display_name, 0);
      add_job_free (job);
      self->adding = FALSE;
      process_next (self);
      return;
    }

  add_bytes (job, bytes);
}

/* Dropped and pasted images are kept as PNG, which loses nothing. Textures held in memory
 * are encoded on a worker; any other kind only lives on the main thread. */
static void
encode_texture (AddJob *job)
{
  g_autoptr(GTask) task = NULL;

  if (!GDK_IS_MEMORY_TEXTURE (job->texture))
    {
      g_autoptr(GBytes) bytes = gdk_texture_save_to_png_bytes (job->texture);

      add_bytes (job, bytes);
      return;
    }

  task = g_task_new (NULL, NULL, on_texture_encoded, job);
  g_task_set_source_tag (task, encode_texture);
  g_task_set_name (task, "[chiaro] encode a dropped image");
  g_task_set_task_data (task, g_object_ref (job->texture), g_object_unref);
  g_task_run_in_thread (task, encode_texture_thread);
}

/* Starts the next image in the queue, when none is under way. */
static void
process_next (ChiaroReferenceTray *self)
{
  AddJob *job;

  if (self->adding || self->document == NULL)
    {
      update_busy (self);
      return;
    }

  job = g_queue_pop_head (&self->pending);
  self->adding = job != NULL;
  update_busy (self);
  if (job == NULL)
    return;

  if (job->texture != NULL)
    encode_texture (job);
  else if (job->bytes != NULL)
    add_bytes (job, job->bytes);
  else
    chiaro_document_add_reference_file_async (self->document, job->file, NULL,
                                              job->cancellable, on_reference_added, job);
}

static AddJob *
add_job_new (ChiaroReferenceTray *self,
             const char          *display_name,
             guint                position)
{
  AddJob *job = g_new0 (AddJob, 1);

  job->self = g_object_ref (self);
  job->cancellable = g_object_ref (self->cancellable);
  job->display_name = g_strdup (display_name);
  job->position = position;

  return job;
}

static void
queue_file (ChiaroReferenceTray *self,
            GFile               *file,
            guint                position)
{
  g_autofree char *basename = g_file_get_basename (file);
  /* The name as people read it: a file name need not be UTF-8, and this one ends up in
   * messages (Pango markup) and in project.json. */
  g_autofree char *name = basename != NULL ? g_filename_display_name (basename)
                                           : g_file_get_parse_name (file);
  AddJob *job = add_job_new (self, name, position);

  job->file = g_object_ref (file);
  g_queue_push_tail (&self->pending, job);
}

static void
queue_texture (ChiaroReferenceTray *self,
               GdkTexture          *texture,
               const char          *display_name,
               guint                position)
{
  AddJob *job = add_job_new (self, display_name, position);

  job->texture = g_object_ref (texture);
  g_queue_push_tail (&self->pending, job);
}

static void
start_queue (ChiaroReferenceTray *self)
{
  process_next (self);
}

static void
add_files_at (ChiaroReferenceTray *self,
              GListModel          *files,
              guint                position)
{
  guint n = g_list_model_get_n_items (files);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);

      queue_file (self, file, position == G_MAXUINT ? G_MAXUINT : position + i);
    }

  start_queue (self);
}

static void
add_file_slist_at (ChiaroReferenceTray *self,
                   GSList              *files,
                   guint                position)
{
  guint i = 0;

  for (GSList *l = files; l != NULL; l = l->next, i++)
    queue_file (self, l->data, position == G_MAXUINT ? G_MAXUINT : position + i);

  start_queue (self);
}

/* Drag and drop */

/* Where a drop at (@x, @y) in the tray goes: before the tile under the pointer, or after it
 * when the pointer is on its right half; after the last when it is on no tile. */
static guint
get_drop_position (ChiaroReferenceTray *self,
                   double               x,
                   double               y)
{
  graphene_point_t point;
  graphene_rect_t bounds;
  GtkFlowBoxChild *child;
  guint position;

  if (!gtk_widget_compute_point (GTK_WIDGET (self), GTK_WIDGET (self->flow_box),
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    return G_MAXUINT;

  child = gtk_flow_box_get_child_at_pos (self->flow_box, point.x, point.y);
  if (child == NULL)
    return G_MAXUINT;

  position = gtk_flow_box_child_get_index (child);
  if (gtk_widget_compute_bounds (GTK_WIDGET (child), GTK_WIDGET (self->flow_box), &bounds) &&
      point.x > bounds.origin.x + bounds.size.width / 2)
    position++;

  return position;
}

static gboolean
drop_reference (ChiaroReferenceTray *self,
                ChiaroReference     *reference,
                guint                position)
{
  guint n = get_n_references (self);
  guint from, to;

  /* A tile from another project's tray is not ours to move. */
  if (chiaro_reference_list_find (self->references, chiaro_reference_get_hash (reference),
                                  &from) != reference)
    return FALSE;

  position = MIN (position, n);
  to = position > from ? position - 1 : position;
  if (to != from)
    chiaro_reference_list_move (self->references, from, to);

  return TRUE;
}

static gboolean
on_drop_target_drop (GtkDropTarget       *target,
                     const GValue        *value,
                     double               x,
                     double               y,
                     ChiaroReferenceTray *self)
{
  guint position;

  if (self->document == NULL)
    return FALSE;

  position = get_drop_position (self, x, y);

  if (G_VALUE_HOLDS (value, CHIARO_TYPE_REFERENCE))
    return drop_reference (self, g_value_get_object (value), position);

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      add_file_slist_at (self, g_value_get_boxed (value), position);
      return TRUE;
    }

  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      queue_file (self, g_value_get_object (value), position);
      start_queue (self);
      return TRUE;
    }

  if (G_VALUE_HOLDS (value, GDK_TYPE_TEXTURE))
    {
      /* Translators: what an image dragged from another app is called in messages */
      queue_texture (self, g_value_get_object (value), _("Dropped image"), position);
      start_queue (self);
      return TRUE;
    }

  return FALSE;
}

/* Within the tray the tile moves; dropped on a file manager or another app, the stored image
 * file is copied. */
static GdkContentProvider *
on_drag_prepare (GtkDragSource       *source,
                 double               x,
                 double               y,
                 ChiaroReferenceTile *tile)
{
  ChiaroReference *reference = chiaro_reference_tile_get_reference (tile);
  GtkWidget *tray = gtk_widget_get_ancestor (GTK_WIDGET (tile), CHIARO_TYPE_REFERENCE_TRAY);
  ChiaroDocument *document = tray != NULL ? CHIARO_REFERENCE_TRAY (tray)->document : NULL;
  g_autoptr(GFile) file = NULL;
  GdkContentProvider *providers[2];

  providers[0] = gdk_content_provider_new_typed (CHIARO_TYPE_REFERENCE, reference);
  if (document == NULL)
    return providers[0];

  file = chiaro_image_store_get_file (chiaro_document_get_images (document),
                                     chiaro_reference_get_hash (reference),
                                     chiaro_reference_get_mime_type (reference));
  providers[1] = gdk_content_provider_new_typed (G_TYPE_FILE, file);

  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
}

static void
on_drag_begin (GtkDragSource       *source,
               GdkDrag             *drag,
               ChiaroReferenceTile *tile)
{
  GtkWidget *picture = chiaro_reference_tile_get_thumbnail (tile);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (picture);

  gtk_drag_source_set_icon (source, paintable, gtk_widget_get_width (picture) / 2,
                            gtk_widget_get_height (picture) / 2);
  gtk_widget_add_css_class (GTK_WIDGET (tile), "dragged");
}

static void
on_drag_end (GtkDragSource       *source,
             GdkDrag             *drag,
             gboolean             delete_data,
             ChiaroReferenceTile *tile)
{
  gtk_widget_remove_css_class (GTK_WIDGET (tile), "dragged");
}

/* Tiles */

static gboolean
find_tile (ChiaroReferenceTray *self,
           ChiaroReferenceTile *tile,
           guint               *position)
{
  ChiaroReference *reference = chiaro_reference_tile_get_reference (tile);

  return self->references != NULL &&
         chiaro_reference_list_find (self->references, chiaro_reference_get_hash (reference),
                                     position) == reference;
}

static void
focus_position (ChiaroReferenceTray *self,
                guint                position)
{
  GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (self->flow_box, (int) position);

  if (child != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (child));
}

static void
on_tile_remove (ChiaroReferenceTile *tile,
                ChiaroReferenceTray *self)
{
  guint position;
  guint n;

  if (!find_tile (self, tile, &position))
    return;

  chiaro_reference_list_remove (self->references, position);

  /* The keyboard stays in the tray, on the tile that took the removed one's place. */
  n = get_n_references (self);
  if (n > 0)
    focus_position (self, MIN (position, n - 1));
}

static void
on_tile_move (ChiaroReferenceTile *tile,
              int                  offset,
              ChiaroReferenceTray *self)
{
  guint position;
  int to;

  if (!find_tile (self, tile, &position))
    return;

  to = (int) position + offset;
  if (to < 0 || to >= (int) get_n_references (self))
    return;

  chiaro_reference_list_move (self->references, position, to);
  focus_position (self, to);
}

static GtkWidget *
create_tile (gpointer item,
             gpointer user_data)
{
  ChiaroReferenceTray *self = user_data;
  GtkWidget *tile;
  GtkDragSource *source;

  tile = chiaro_reference_tile_new (item);
  g_signal_connect (tile, "remove", G_CALLBACK (on_tile_remove), self);
  g_signal_connect (tile, "move", G_CALLBACK (on_tile_move), self);

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE | GDK_ACTION_COPY);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), tile);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), tile);
  g_signal_connect (source, "drag-end", G_CALLBACK (on_drag_end), tile);
  gtk_widget_add_controller (chiaro_reference_tile_get_thumbnail (CHIARO_REFERENCE_TILE (tile)),
                             GTK_EVENT_CONTROLLER (source));

  return tile;
}

/* The tile holding the keyboard focus, if any. */
static ChiaroReferenceTile *
get_focus_tile (ChiaroReferenceTray *self,
                gboolean            *in_tile)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *tile;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->flow_box)))
    return NULL;

  if (GTK_IS_FLOW_BOX_CHILD (focus))
    {
      *in_tile = FALSE;
      tile = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (focus));
    }
  else
    {
      *in_tile = TRUE;
      tile = gtk_widget_get_ancestor (focus, CHIARO_TYPE_REFERENCE_TILE);
    }

  return CHIARO_IS_REFERENCE_TILE (tile) ? CHIARO_REFERENCE_TILE (tile) : NULL;
}

static void
on_references_changed (ChiaroReferenceTray *self)
{
  update_state (self);
}

/* Actions */

static void
move_focused_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ChiaroReferenceTray *self = CHIARO_REFERENCE_TRAY (widget);
  gboolean in_tile;
  ChiaroReferenceTile *tile = get_focus_tile (self, &in_tile);

  if (tile != NULL)
    on_tile_move (tile, g_str_equal (action_name, "tray.move-left") ? -1 : 1, self);
}

static void
remove_focused_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ChiaroReferenceTray *self = CHIARO_REFERENCE_TRAY (widget);
  gboolean in_tile = FALSE;
  ChiaroReferenceTile *tile = get_focus_tile (self, &in_tile);

  /* Delete in the label's entry deletes text, not the image. */
  if (tile != NULL && !in_tile)
    on_tile_remove (tile, self);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  chiaro_reference_tray_paste (CHIARO_REFERENCE_TRAY (widget));
}

static GtkFileFilter *
create_image_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_filter_add_mime_type (filter, "image/heic");
  gtk_file_filter_add_mime_type (filter, "image/heif");
  gtk_file_filter_add_mime_type (filter, "image/avif");

  return filter;
}

static GtkWindow *
get_parent_window (ChiaroReferenceTray *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

#if GTK_CHECK_VERSION (4, 10, 0)
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static void
on_dialog_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ChiaroReferenceTray) self = user_data;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GError) error = NULL;

  files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (object), result, &error);
  if (files == NULL)
    {
      /* Dismissing the dialog is no error worth a message. */
      if (!g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED) &&
          !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
        g_signal_emit (self, signals[ERROR], 0, error);
      return;
    }

  if (self->document != NULL)
    chiaro_reference_tray_add_file_list (self, files);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ChiaroReferenceTray *self = CHIARO_REFERENCE_TRAY (widget);
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GtkFileFilter) filter = create_image_filter ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Add Reference Images"));
  gtk_file_dialog_set_accept_label (dialog, _("_Add"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_default_filter (dialog, filter);
  gtk_file_dialog_open_multiple (dialog, get_parent_window (self), self->cancellable,
                                 on_dialog_ready, g_object_ref (self));
}

G_GNUC_END_IGNORE_DEPRECATIONS
#else

static void
on_chooser_response (GtkNativeDialog     *dialog,
                     int                  response,
                     ChiaroReferenceTray *self)
{
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);

  if (files != NULL && self->document != NULL)
    chiaro_reference_tray_add_file_list (self, files);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ChiaroReferenceTray *self = CHIARO_REFERENCE_TRAY (widget);
  g_autoptr(GtkFileFilter) filter = NULL;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  self->chooser = gtk_file_chooser_native_new (_("Add Reference Images"),
                                               get_parent_window (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Add"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  filter = create_image_filter ();
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (on_chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

#endif

/* Paste */

static void
report_paste_error (ChiaroReferenceTray *self,
                    const GError        *error)
{
  g_autoptr(GError) shown = NULL;

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    /* Translators: %s says why */
    shown = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _("The clipboard could not be read: %s"),
                         error->message);
  else
    shown = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                 _("The clipboard holds no image"));
  g_signal_emit (self, signals[ERROR], 0, shown);
}

static void
on_clipboard_files (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AddJob) job = user_data;
  g_autoptr(GError) error = NULL;
  const GValue *value;

  value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, &error);
  if (g_cancellable_is_cancelled (job->cancellable))
    return;

  /* Busy from the read to the add, which keeps it so. */
  job->self->n_reading--;
  if (value == NULL)
    {
      update_busy (job->self);
      report_paste_error (job->self, error);
      return;
    }

  add_file_slist_at (job->self, g_value_get_boxed (value), G_MAXUINT);
}

static void
on_clipboard_texture (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(AddJob) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), result, &error);
  if (g_cancellable_is_cancelled (job->cancellable))
    return;

  job->self->n_reading--;
  if (texture == NULL)
    {
      update_busy (job->self);
      report_paste_error (job->self, error);
      return;
    }

  chiaro_reference_tray_add_texture (job->self, texture, job->display_name);
}

static void
chiaro_reference_tray_dispose (GObject *object)
{
  ChiaroReferenceTray *self = CHIARO_REFERENCE_TRAY (object);

  chiaro_reference_tray_set_document (self, NULL);
  g_cancellable_cancel (self->cancellable);
#if !GTK_CHECK_VERSION (4, 10, 0)
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
#endif
  gtk_widget_dispose_template (GTK_WIDGET (self), CHIARO_TYPE_REFERENCE_TRAY);

  G_OBJECT_CLASS (chiaro_reference_tray_parent_class)->dispose (object);
}

static void
chiaro_reference_tray_finalize (GObject *object)
{
  ChiaroReferenceTray *self = CHIARO_REFERENCE_TRAY (object);

  clear_pending (self);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (chiaro_reference_tray_parent_class)->finalize (object);
}

static void
chiaro_reference_tray_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ChiaroReferenceTray *self = CHIARO_REFERENCE_TRAY (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, chiaro_reference_tray_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_reference_tray_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ChiaroReferenceTray *self = CHIARO_REFERENCE_TRAY (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      chiaro_reference_tray_set_document (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
chiaro_reference_tray_class_init (ChiaroReferenceTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_reference_tray_dispose;
  object_class->finalize = chiaro_reference_tray_finalize;
  object_class->get_property = chiaro_reference_tray_get_property;
  object_class->set_property = chiaro_reference_tray_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, CHIARO_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ChiaroReferenceTray::error:
   * @error: what went wrong; the message names the image and is fit to show
   *
   * An image could not be added (unreadable, a duplicate, the tray full) or the clipboard
   * held none.
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                 G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/chiaro/Chiaro/chiaro-reference-tray.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTray, box);
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTray, count_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTray, limit_warning);
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTray, limit_label);
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTray, stack);
  gtk_widget_class_bind_template_child (widget_class, ChiaroReferenceTray, flow_box);

  gtk_widget_class_install_action (widget_class, "tray.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "tray.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "tray.move-left", NULL, move_focused_action);
  gtk_widget_class_install_action (widget_class, "tray.move-right", NULL, move_focused_action);
  gtk_widget_class_install_action (widget_class, "tray.remove", NULL, remove_focused_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK,
                                       "tray.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "tray.move-left", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK,
                                       "tray.move-right", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "tray.remove", NULL);

  gtk_widget_class_set_css_name (widget_class, "reference-tray");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  g_type_ensure (CHIARO_TYPE_REFERENCE_TILE);
}

static void
chiaro_reference_tray_init (ChiaroReferenceTray *self)
{
  GType types[4];

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->pending);

  /* Tiles first, so that a tile dropped on the tray is moved, not read as an image. */
  types[0] = CHIARO_TYPE_REFERENCE;
  types[1] = GDK_TYPE_FILE_LIST;
  types[2] = G_TYPE_FILE;
  types[3] = GDK_TYPE_TEXTURE;
  self->drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY | GDK_ACTION_MOVE);
  gtk_drop_target_set_gtypes (self->drop_target, types, G_N_ELEMENTS (types));
  g_signal_connect (self->drop_target, "drop", G_CALLBACK (on_drop_target_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drop_target));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("References"), -1);
  update_state (self);
}

/**
 * chiaro_reference_tray_new:
 *
 * Returns: (transfer floating): a new, empty tray
 */
GtkWidget *
chiaro_reference_tray_new (void)
{
  return g_object_new (CHIARO_TYPE_REFERENCE_TRAY, NULL);
}

/**
 * chiaro_reference_tray_get_document:
 * @self: a tray
 *
 * Returns: (transfer none) (nullable): the document whose tray is shown
 */
ChiaroDocument *
chiaro_reference_tray_get_document (ChiaroReferenceTray *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE_TRAY (self), NULL);

  return self->document;
}

/**
 * chiaro_reference_tray_set_document:
 * @self: a tray
 * @document: (nullable): the document whose tray to show
 *
 * Shows @document's references. Images still being added to the previous document are
 * dropped.
 */
void
chiaro_reference_tray_set_document (ChiaroReferenceTray *self,
                                    ChiaroDocument      *document)
{
  g_return_if_fail (CHIARO_IS_REFERENCE_TRAY (self));
  g_return_if_fail (document == NULL || CHIARO_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  /* What was under way belongs to the old document. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  clear_pending (self);
  self->adding = FALSE;
  self->n_reading = 0;

  if (self->references != NULL)
    g_signal_handlers_disconnect_by_data (self->references, self);
  gtk_flow_box_bind_model (self->flow_box, NULL, NULL, NULL, NULL);
  g_clear_object (&self->references);

  g_set_object (&self->document, document);

  if (document != NULL)
    {
      self->references = g_object_ref (chiaro_document_get_references (document));
      /* Bound first: the tiles exist by the time on_references_changed looks at them. */
      gtk_flow_box_bind_model (self->flow_box, G_LIST_MODEL (self->references), create_tile,
                               self, NULL);
      g_signal_connect_swapped (self->references, "items-changed",
                                G_CALLBACK (on_references_changed), self);
      g_signal_connect_swapped (self->references, "notify::limit",
                                G_CALLBACK (on_references_changed), self);
    }

  update_state (self);
  update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * chiaro_reference_tray_get_busy:
 * @self: a tray
 *
 * Returns: whether images are being added
 */
gboolean
chiaro_reference_tray_get_busy (ChiaroReferenceTray *self)
{
  g_return_val_if_fail (CHIARO_IS_REFERENCE_TRAY (self), FALSE);

  return self->busy;
}

/**
 * chiaro_reference_tray_paste:
 * @self: a tray
 *
 * Adds the image on the clipboard, or the image files copied there (from a file manager).
 * Reading the clipboard is asynchronous; "error" says when it holds no image.
 */
void
chiaro_reference_tray_paste (ChiaroReferenceTray *self)
{
  GdkClipboard *clipboard;
  g_autoptr(GdkContentFormats) formats = NULL;
  AddJob *job;

  g_return_if_fail (CHIARO_IS_REFERENCE_TRAY (self));

  if (self->document == NULL)
    return;

  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  /* Another app's clipboard offers mime types; what they can become is what counts. */
  formats = gdk_content_formats_union_deserialize_gtypes (
    gdk_content_formats_ref (gdk_clipboard_get_formats (clipboard)));

  /* Translators: what an image pasted from the clipboard is called in messages */
  job = add_job_new (self, _("Pasted image"), G_MAXUINT);

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST) ||
      gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE))
    {
      self->n_reading++;
      update_busy (self);
    }

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                    self->cancellable, on_clipboard_files, job);
  else if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE))
    gdk_clipboard_read_texture_async (clipboard, self->cancellable, on_clipboard_texture, job);
  else
    {
      report_paste_error (self, NULL);
      add_job_free (job);
    }
}

/**
 * chiaro_reference_tray_add_files:
 * @self: a tray
 * @files: (array length=n_files): image files
 * @n_files: how many
 *
 * Adds the images at the end of the tray, in order, one after the other. Each one refused
 * is reported through "error"; once the tray is full the rest are left out with it.
 */
void
chiaro_reference_tray_add_files (ChiaroReferenceTray  *self,
                                 GFile               **files,
                                 guint                 n_files)
{
  g_return_if_fail (CHIARO_IS_REFERENCE_TRAY (self));
  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (self->document != NULL);

  for (guint i = 0; i < n_files; i++)
    queue_file (self, files[i], G_MAXUINT);

  start_queue (self);
}

/**
 * chiaro_reference_tray_add_file_list:
 * @self: a tray
 * @files: (element-type GFile): image files
 *
 * Like chiaro_reference_tray_add_files(), for a list model (the file dialog's answer).
 */
void
chiaro_reference_tray_add_file_list (ChiaroReferenceTray *self,
                                     GListModel          *files)
{
  g_return_if_fail (CHIARO_IS_REFERENCE_TRAY (self));
  g_return_if_fail (G_IS_LIST_MODEL (files));
  g_return_if_fail (self->document != NULL);

  add_files_at (self, files, G_MAXUINT);
}

/**
 * chiaro_reference_tray_add_texture:
 * @self: a tray
 * @texture: an image dragged or pasted from another app
 * @display_name: what to call it in messages
 *
 * Adds the image, kept as PNG, at the end of the tray.
 */
void
chiaro_reference_tray_add_texture (ChiaroReferenceTray *self,
                                   GdkTexture          *texture,
                                   const char          *display_name)
{
  g_return_if_fail (CHIARO_IS_REFERENCE_TRAY (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));
  g_return_if_fail (display_name != NULL);
  g_return_if_fail (self->document != NULL);

  queue_texture (self, texture, display_name, G_MAXUINT);
  start_queue (self);
}

GtkDropTarget *
chiaro_reference_tray_get_drop_target (ChiaroReferenceTray *self)
{
  return self->drop_target;
}

GtkFlowBox *
chiaro_reference_tray_get_flow_box (ChiaroReferenceTray *self)
{
  return self->flow_box;
}

GtkLabel *
chiaro_reference_tray_get_count_label (ChiaroReferenceTray *self)
{
  return self->count_label;
}

GtkWidget *
chiaro_reference_tray_get_limit_warning (ChiaroReferenceTray *self)
{
  return self->limit_warning;
}
