/* chiaro-export.c — writing a project's images out: formats, sizes, names, provenance
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-export"

#include "config.h"

#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <string.h>
#include <unistd.h>

#include "chiaro-image.h"
#include "chiaro-pack.h"

#include "chiaro-export.h"

/* The comparison image: the shorter image's height, at most this, and its label band. */
#define COMPARISON_MAX_HEIGHT 2048
#define COMPARISON_GAP_FRACTION 0.02
#define COMPARISON_LABEL_FRACTION 0.07

G_DEFINE_BOXED_TYPE (ChiaroExportSettings, chiaro_export_settings,
                     chiaro_export_settings_copy, chiaro_export_settings_free)

GType
chiaro_export_format_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { CHIARO_EXPORT_FORMAT_PNG, "CHIARO_EXPORT_FORMAT_PNG", "png" },
    { CHIARO_EXPORT_FORMAT_JPEG, "CHIARO_EXPORT_FORMAT_JPEG", "jpeg" },
    { CHIARO_EXPORT_FORMAT_WEBP, "CHIARO_EXPORT_FORMAT_WEBP", "webp" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("ChiaroExportFormat", values));
  return type;
}

/* One image to write: everything read from the entry on the main thread. */
typedef struct
{
  char                 *hash;
  char                 *mime_type;
  ChiaroExportMetadata *metadata;  /* (nullable) none written */
  char                 *ratio;     /* (nullable) */
  char                 *entry_id;
  char                 *model;     /* (nullable) */
} ExportItem;

static void
export_item_free (ExportItem *item)
{
  g_free (item->hash);
  g_free (item->mime_type);
  g_clear_pointer (&item->metadata, chiaro_export_metadata_free);
  g_free (item->ratio);
  g_free (item->entry_id);
  g_free (item->model);
  g_free (item);
}

typedef struct
{
  ChiaroImageStore     *images;    /* (nullable) the comparison has none */
  ChiaroExportSettings *settings;
  GPtrArray            *items;     /* (element-type ExportItem) */
  GFile                *dest;      /* a file, or the batch's folder */
  char                 *name_template;
  char                 *project;
  ChiaroExportFlags     flags;
  /* comparison */
  GBytes               *before;
  GBytes               *after;
  char                 *before_label;
  char                 *after_label;
  ChiaroExportMetadata *metadata;
  /* out */
  GPtrArray            *written;
  GPtrArray            *renamed;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->images);
  g_clear_pointer (&job->settings, chiaro_export_settings_free);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_clear_object (&job->dest);
  g_free (job->name_template);
  g_free (job->project);
  g_clear_pointer (&job->before, g_bytes_unref);
  g_clear_pointer (&job->after, g_bytes_unref);
  g_free (job->before_label);
  g_free (job->after_label);
  g_clear_pointer (&job->metadata, chiaro_export_metadata_free);
  g_clear_pointer (&job->written, g_ptr_array_unref);
  g_clear_pointer (&job->renamed, g_ptr_array_unref);
  g_free (job);
}

/* Pixels */

static GdkPixbuf *
scale_to_long_side (GdkPixbuf *pixbuf,
                    int        long_side)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  double scale;

  if (long_side <= 0 || MAX (width, height) <= long_side)
    return g_object_ref (pixbuf);

  scale = (double) long_side / MAX (width, height);
  return gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) (width * scale + 0.5)),
                                  MAX (1, (int) (height * scale + 0.5)), GDK_INTERP_HYPER);
}

/* JPEG has no alpha: transparent pixels go on white rather than on whatever the colour
 * channels happen to hold. */
static GdkPixbuf *
flatten (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  GdkPixbuf *flat;

  if (!gdk_pixbuf_get_has_alpha (pixbuf))
    return g_object_ref (pixbuf);
  flat = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  gdk_pixbuf_fill (flat, 0xffffffff);
  gdk_pixbuf_composite (pixbuf, flat, 0, 0, width, height, 0, 0, 1, 1,
                        GDK_INTERP_NEAREST, 255);
  return flat;
}

static GBytes *
encode (GdkPixbuf                  *pixbuf,
        const ChiaroExportSettings *settings,
        GError                    **error)
{
  g_autoptr(GdkPixbuf) flat = NULL;
  g_autofree char *quality = g_strdup_printf ("%d", CLAMP (settings->quality, 1, 100));
  char *keys[] = { (char *) "quality", NULL };
  char *values[] = { quality, NULL };
  char *buffer = NULL;
  gsize size = 0;
  gboolean ok = FALSE;

  switch (settings->format)
    {
    case CHIARO_EXPORT_FORMAT_JPEG:
      flat = flatten (pixbuf);
      ok = gdk_pixbuf_save_to_bufferv (flat, &buffer, &size, "jpeg", keys, values, error);
      break;
    case CHIARO_EXPORT_FORMAT_WEBP:
      ok = gdk_pixbuf_save_to_bufferv (pixbuf, &buffer, &size, "webp", keys, values, error);
      break;
    case CHIARO_EXPORT_FORMAT_PNG:
    default:
      ok = gdk_pixbuf_save_to_bufferv (pixbuf, &buffer, &size, "png", NULL, NULL, error);
      break;
    }
  if (!ok)
    return NULL;
  return g_bytes_new_take (buffer, size);
}

/* Files */

/* Moves @tmp to @dest; without @overwrite an existing @dest is G_IO_ERROR_EXISTS, checked
 * atomically where the file system has hard links. */
static gboolean
move_into_place (const char  *tmp,
                 const char  *dest,
                 gboolean     overwrite,
                 GError     **error)
{
  int saved_errno;

  if (!overwrite)
    {
      if (link (tmp, dest) == 0)
        {
          g_unlink (tmp);
          return TRUE;
        }
      saved_errno = errno;
      if (saved_errno == EEXIST || g_file_test (dest, G_FILE_TEST_EXISTS))
        {
          g_autofree char *name = g_filename_display_name (dest);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       /* Translators: %s is a file */
                       _("%s already exists"), name);
          return FALSE;
        }
    }
  if (g_rename (tmp, dest) != 0)
    {
      g_autofree char *name = NULL;

      saved_errno = errno;
      name = g_filename_display_name (dest);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: %s is a file, then the system's reason */
                   _("Could not write %s: %s"), name, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Writes @bytes beside @dest, adds the metadata (or strips everything), and returns the
 * temporary file's path. */
static char *
write_temporary (GBytes                      *bytes,
                 const char                  *dest,
                 const ChiaroExportMetadata  *metadata,
                 GError                     **error)
{
  g_autofree char *dir = g_path_get_dirname (dest);
  g_autofree char *base = g_path_get_basename (dest);
  g_autofree char *name = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *tmp = g_build_filename (dir, name, NULL);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  int fd;

  fd = g_mkstemp_full (tmp, O_WRONLY, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dest);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write %s: %s"), display, g_strerror (saved_errno));
      return NULL;
    }
  while (size > 0)
    {
      gssize n = write (fd, data, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = errno;
          g_autofree char *display = g_filename_display_name (dest);

          close (fd);
          g_unlink (tmp);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not write %s: %s"), display, g_strerror (saved_errno));
          return NULL;
        }
      data += n;
      size -= n;
    }
  close (fd);

  if (!chiaro_export_metadata_write_file (metadata, tmp, error))
    {
      g_unlink (tmp);
      return NULL;
    }
  return g_steal_pointer (&tmp);
}

static GdkPixbuf *
decode_bytes (GBytes        *bytes,
              const char    *display_name,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(ChiaroImage) image = chiaro_image_new_from_bytes (bytes, display_name, error);

  if (image == NULL)
    return NULL;
  return chiaro_image_decode (image, cancellable, error);
}

/* Encodes @pixbuf as @settings say and writes it to @dest (trying "-2", "-3"… when
 * @next_free and it exists). Returns: (transfer full) the file written */
static GFile *
write_pixbuf (GdkPixbuf                   *pixbuf,
              const ChiaroExportSettings  *settings,
              const ChiaroExportMetadata  *metadata,
              GFile                       *dest,
              gboolean                     overwrite,
              gboolean                     next_free,
              GCancellable                *cancellable,
              GError                     **error)
{
  g_autoptr(GdkPixbuf) scaled = scale_to_long_side (pixbuf, settings->long_side);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = g_file_get_path (dest);
  g_autofree char *tmp = NULL;
  g_autofree char *stem = NULL;
  const char *dot;

  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Images can only be exported to a local folder"));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  bytes = encode (scaled, settings, error);
  if (bytes == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  tmp = write_temporary (bytes, path, settings->metadata ? metadata : NULL, error);
  if (tmp == NULL)
    return NULL;

  dot = strrchr (path, '.');
  stem = dot != NULL && strchr (dot, G_DIR_SEPARATOR) == NULL ? g_strndup (path, dot - path)
                                                              : g_strdup (path);
  for (guint n = 1; ; n++)
    {
      g_autoptr(GError) move_error = NULL;
      g_autofree char *candidate = n == 1 ? g_strdup (path)
                                          : g_strdup_printf ("%s-%u%s", stem, n,
                                                             dot != NULL ? dot : "");

      if (move_into_place (tmp, candidate, overwrite, &move_error))
        return g_file_new_for_path (candidate);
      if (!next_free || !g_error_matches (move_error, G_IO_ERROR, G_IO_ERROR_EXISTS) ||
          n >= 10000)
        {
          g_unlink (tmp);
          g_propagate_error (error, g_steal_pointer (&move_error));
          return NULL;
        }
    }
}

static GFile *
export_item (ExportJob     *job,
             ExportItem    *item,
             GFile         *dest,
             gboolean       next_free,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  bytes = chiaro_image_store_load (job->images, item->hash, item->mime_type, cancellable, error);
  if (bytes == NULL)
    return NULL;
  /* Translators: how an exported image is named in error messages */
  pixbuf = decode_bytes (bytes, _("the exported image"), cancellable, error);
  if (pixbuf == NULL)
    return NULL;
  return write_pixbuf (pixbuf, job->settings, item->metadata, dest,
                       (job->flags & CHIARO_EXPORT_OVERWRITE) != 0, next_free, cancellable,
                       error);
}

static void
export_entry_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GFile) written = NULL;
  GError *error = NULL;

  /* Fail before any work when the answer can only be "exists". */
  if ((job->flags & CHIARO_EXPORT_OVERWRITE) == 0 && g_file_query_exists (job->dest, NULL))
    {
      g_autofree char *name = g_file_get_parse_name (job->dest);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS, _("%s already exists"),
                               name);
      return;
    }
  written = export_item (job, g_ptr_array_index (job->items, 0), job->dest, FALSE, cancellable,
                         &error);
  if (written == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_entries_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;

  for (guint i = 0; i < job->items->len; i++)
    {
      ExportItem *item = g_ptr_array_index (job->items, i);
      g_autofree char *name = NULL;
      g_autoptr(GFile) dest = NULL;
      g_autoptr(GFile) written = NULL;

      name = chiaro_export_expand_template (job->name_template, job->project, item->ratio, i + 1,
                                            item->entry_id, item->model,
                                            job->settings->format);
      dest = g_file_get_child (job->dest, name);
      written = export_item (job, item, dest, TRUE, cancellable, &error);
      if (written == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (!g_file_equal (written, dest))
        g_ptr_array_add (job->renamed, g_object_ref (written));
      g_ptr_array_add (job->written, g_steal_pointer (&written));
    }
  g_task_return_boolean (task, TRUE);
}

/* Comparison */

static cairo_surface_t *
surface_from_pixbuf (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  int src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  int dst_stride = cairo_image_surface_get_stride (surface);
  guint8 *dst = cairo_image_surface_get_data (surface);

  for (int y = 0; y < height; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint32 *d = (guint32 *) (gpointer) (dst + (gsize) y * dst_stride);

      for (int x = 0; x < width; x++, s += n_channels)
        {
          guint a = n_channels == 4 ? s[3] : 255;
          guint r = (s[0] * a + 127) / 255;
          guint g = (s[1] * a + 127) / 255;
          guint b = (s[2] * a + 127) / 255;

          d[x] = (a << 24) | (r << 16) | (g << 8) | b;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* The surface is opaque (drawn on white), so no unpremultiplying is needed. */
static GdkPixbuf *
pixbuf_from_opaque_surface (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int src_stride = cairo_image_surface_get_stride (surface);
  const guint8 *src;
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int dst_stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *dst = gdk_pixbuf_get_pixels (pixbuf);

  cairo_surface_flush (surface);
  src = cairo_image_surface_get_data (surface);
  for (int y = 0; y < height; y++)
    {
      const guint32 *s = (const guint32 *) (gconstpointer) (src + (gsize) y * src_stride);
      guint8 *d = dst + (gsize) y * dst_stride;

      for (int x = 0; x < width; x++, d += 3)
        {
          d[0] = (s[x] >> 16) & 0xff;
          d[1] = (s[x] >> 8) & 0xff;
          d[2] = s[x] & 0xff;
        }
    }
  return pixbuf;
}

static void
draw_label (cairo_t    *cr,
            const char *text,
            double      x,
            double      y,
            double      width,
            double      band)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans Bold");
  int text_width, text_height;

  pango_font_description_set_absolute_size (font, band * 0.45 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  cairo_set_source_rgb (cr, 0.13, 0.13, 0.13);
  cairo_move_to (cr, x, y + (band - text_height) / 2);
  pango_cairo_show_layout (cr, layout);
}

static GdkPixbuf *
compose_comparison (GdkPixbuf  *before,
                    GdkPixbuf  *after,
                    const char *before_label,
                    const char *after_label)
{
  int height = MIN (MIN (gdk_pixbuf_get_height (before), gdk_pixbuf_get_height (after)),
                    COMPARISON_MAX_HEIGHT);
  int before_width = MAX (1, (int) ((double) gdk_pixbuf_get_width (before) * height /
                                    gdk_pixbuf_get_height (before) + 0.5));
  int after_width = MAX (1, (int) ((double) gdk_pixbuf_get_width (after) * height /
                                   gdk_pixbuf_get_height (after) + 0.5));
  int gap = MAX (4, (int) (height * COMPARISON_GAP_FRACTION));
  int band = MAX (24, (int) (height * COMPARISON_LABEL_FRACTION));
  g_autoptr(GdkPixbuf) before_scaled = NULL;
  g_autoptr(GdkPixbuf) after_scaled = NULL;
  cairo_surface_t *surface, *image;
  cairo_t *cr;
  GdkPixbuf *result;

  before_scaled = gdk_pixbuf_scale_simple (before, before_width, height, GDK_INTERP_BILINEAR);
  after_scaled = gdk_pixbuf_scale_simple (after, after_width, height, GDK_INTERP_BILINEAR);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                        gap + before_width + gap + after_width + gap,
                                        gap + height + band);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  image = surface_from_pixbuf (before_scaled);
  cairo_set_source_surface (cr, image, gap, gap);
  cairo_paint (cr);
  cairo_surface_destroy (image);
  image = surface_from_pixbuf (after_scaled);
  cairo_set_source_surface (cr, image, gap + before_width + gap, gap);
  cairo_paint (cr);
  cairo_surface_destroy (image);

  draw_label (cr, before_label, gap, gap + height, before_width, band);
  draw_label (cr, after_label, gap + before_width + gap, gap + height, after_width, band);
  cairo_destroy (cr);

  result = pixbuf_from_opaque_surface (surface);
  cairo_surface_destroy (surface);
  return result;
}

static void
export_comparison_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GdkPixbuf) before = NULL;
  g_autoptr(GdkPixbuf) after = NULL;
  g_autoptr(GdkPixbuf) composed = NULL;
  g_autoptr(GFile) written = NULL;
  GError *error = NULL;

  if ((job->flags & CHIARO_EXPORT_OVERWRITE) == 0 && g_file_query_exists (job->dest, NULL))
    {
      g_autofree char *name = g_file_get_parse_name (job->dest);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS, _("%s already exists"),
                               name);
      return;
    }

  before = decode_bytes (job->before, job->before_label, cancellable, &error);
  if (before != NULL)
    after = decode_bytes (job->after, job->after_label, cancellable, &error);
  if (after == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  composed = compose_comparison (before, after, job->before_label, job->after_label);
  written = write_pixbuf (composed, job->settings, job->metadata, job->dest,
                          (job->flags & CHIARO_EXPORT_OVERWRITE) != 0, FALSE, cancellable,
                          &error);
  if (written == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static ExportItem *
export_item_new (ChiaroHistoryEntry         *entry,
                 const ChiaroExportSettings *settings)
{
  ExportItem *item = g_new0 (ExportItem, 1);
  ChiaroTurn *turn = chiaro_history_entry_get_turn (entry);

  item->hash = g_strdup (chiaro_history_entry_get_image_hash (entry));
  item->mime_type = g_strdup (chiaro_history_entry_get_mime_type (entry));
  item->entry_id = g_strdup (chiaro_history_entry_get_id (entry));
  if (settings->metadata)
    item->metadata = chiaro_export_metadata_new_for_entry (entry);
  if (turn != NULL)
    {
      item->ratio = g_strdup (chiaro_generation_options_get_aspect_ratio (turn->options));
      item->model = g_strdup (turn->model_id);
    }
  return item;
}

static GTask *
new_task (gpointer             source_tag,
          const char          *name,
          ExportJob           *job,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  return task;
}

/* Public */

/**
 * chiaro_export_settings_new:
 *
 * Returns: (transfer full): PNG, quality 90 (for JPEG and WebP), full size, with metadata
 */
ChiaroExportSettings *
chiaro_export_settings_new (void)
{
  ChiaroExportSettings *settings = g_new0 (ChiaroExportSettings, 1);

  settings->format = CHIARO_EXPORT_FORMAT_PNG;
  settings->quality = CHIARO_EXPORT_DEFAULT_QUALITY;
  settings->long_side = 0;
  settings->metadata = TRUE;
  return settings;
}

ChiaroExportSettings *
chiaro_export_settings_copy (const ChiaroExportSettings *settings)
{
  g_return_val_if_fail (settings != NULL, NULL);

  return g_memdup2 (settings, sizeof *settings);
}

void
chiaro_export_settings_free (ChiaroExportSettings *settings)
{
  g_free (settings);
}

/**
 * chiaro_export_format_get_extension:
 * @format: a format
 *
 * Returns: the file extension, without the dot
 */
const char *
chiaro_export_format_get_extension (ChiaroExportFormat format)
{
  switch (format)
    {
    case CHIARO_EXPORT_FORMAT_JPEG:
      return "jpg";
    case CHIARO_EXPORT_FORMAT_WEBP:
      return "webp";
    case CHIARO_EXPORT_FORMAT_PNG:
    default:
      return "png";
    }
}

/**
 * chiaro_export_format_get_mime_type:
 * @format: a format
 *
 * Returns: the MIME type
 */
const char *
chiaro_export_format_get_mime_type (ChiaroExportFormat format)
{
  switch (format)
    {
    case CHIARO_EXPORT_FORMAT_JPEG:
      return "image/jpeg";
    case CHIARO_EXPORT_FORMAT_WEBP:
      return "image/webp";
    case CHIARO_EXPORT_FORMAT_PNG:
    default:
      return "image/png";
    }
}

/**
 * chiaro_export_format_from_string:
 * @name: "png", "jpeg", "jpg" or "webp", in any case
 * @format: (out): the format
 *
 * Returns: whether @name is a format
 */
gboolean
chiaro_export_format_from_string (const char         *name,
                                  ChiaroExportFormat *format)
{
  g_return_val_if_fail (format != NULL, FALSE);

  if (name == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (name, "png") == 0)
    *format = CHIARO_EXPORT_FORMAT_PNG;
  else if (g_ascii_strcasecmp (name, "jpeg") == 0 || g_ascii_strcasecmp (name, "jpg") == 0)
    *format = CHIARO_EXPORT_FORMAT_JPEG;
  else if (g_ascii_strcasecmp (name, "webp") == 0)
    *format = CHIARO_EXPORT_FORMAT_WEBP;
  else
    return FALSE;
  return TRUE;
}

/**
 * chiaro_export_metadata_new_for_entry:
 * @entry: an entry in a history
 *
 * Returns: (transfer full) (nullable): the prompts root → @entry, @entry's model, and
 *   whether the chain starts from a photo; %NULL for the root, which is the photo as opened
 *   (or nothing) and has no provenance to state
 */
ChiaroExportMetadata *
chiaro_export_metadata_new_for_entry (ChiaroHistoryEntry *entry)
{
  g_autoptr(GPtrArray) prompts = g_ptr_array_new ();
  ChiaroHistoryEntry *root = entry;
  ChiaroTurn *turn;

  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (entry), NULL);

  turn = chiaro_history_entry_get_turn (entry);
  if (turn == NULL)
    return NULL;
  for (ChiaroHistoryEntry *e = entry; e != NULL; e = chiaro_history_entry_get_parent (e))
    {
      ChiaroTurn *t = chiaro_history_entry_get_turn (e);

      if (t != NULL)
        g_ptr_array_insert (prompts, 0, t->prompt);
      root = e;
    }
  g_ptr_array_add (prompts, NULL);

  return chiaro_export_metadata_new ((const char * const *) prompts->pdata,
                                     turn != NULL ? turn->model_id : NULL,
                                     chiaro_history_entry_get_image_hash (root) != NULL);
}

/**
 * chiaro_export_expand_template:
 * @name_template: the template, such as "{project}-{ratio}-{n}.{ext}"
 * @project: the project's name (a known image extension at its end is left out)
 * @ratio: (nullable): the image's aspect ratio
 * @index: {n}, counting from 1
 * @entry_id: the entry's id
 * @model: (nullable): the model
 * @format: the format, for {ext}
 *
 * Returns: (transfer full): a file name (never a path: separators and other characters
 *   that cannot be in a name become "-"; an empty result becomes "image")
 */
char *
chiaro_export_expand_template (const char         *name_template,
                               const char         *project,
                               const char         *ratio,
                               guint               index,
                               const char         *entry_id,
                               const char         *model,
                               ChiaroExportFormat  format)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autofree char *ratio_part = chiaro_pack_ratio_to_file_part (ratio);
  char *result;

  if (name_template == NULL || *name_template == '\0')
    name_template = CHIARO_EXPORT_DEFAULT_TEMPLATE;

  for (const char *p = name_template; *p != '\0'; )
    {
      static const char * const fields[] = { "{project}", "{ratio}", "{n}", "{entry}",
                                             "{model}", "{ext}" };
      gboolean matched = FALSE;

      for (guint f = 0; f < G_N_ELEMENTS (fields) && !matched; f++)
        {
          if (!g_str_has_prefix (p, fields[f]))
            continue;
          matched = TRUE;
          p += strlen (fields[f]);
          switch (f)
            {
            case 0:
              if (project != NULL && *project != '\0')
                {
                  /* Projects started from a photo were once named after its file. */
                  g_autofree char *stem = chiaro_image_strip_extension (project);

                  g_string_append (name, *stem != '\0' ? stem : "chiaro");
                }
              else
                g_string_append (name, "chiaro");
              break;
            case 1:
              g_string_append (name, ratio_part);
              break;
            case 2:
              g_string_append_printf (name, "%u", index);
              break;
            case 3:
              g_string_append (name, entry_id != NULL ? entry_id : "");
              break;
            case 4:
              g_string_append (name, model != NULL ? model : "");
              break;
            default:
              g_string_append (name, chiaro_export_format_get_extension (format));
            }
        }
      if (!matched)
        g_string_append_c (name, *p++);
    }

  /* A name, never a path, and never a hidden file. */
  g_strdelimit (name->str, "/\\:*?\"<>|\n\r\t", '-');
  while (name->len > 0 && name->str[0] == '.')
    g_string_erase (name, 0, 1);
  if (name->len == 0)
    g_string_append (name, "image");
  result = g_string_free (g_steal_pointer (&name), FALSE);
  if (!g_utf8_validate (result, -1, NULL))
    {
      char *valid = g_utf8_make_valid (result, -1);

      g_free (result);
      result = valid;
    }
  return result;
}

/**
 * chiaro_export_entry_async:
 * @images: the project's image store
 * @entry: an entry with an image
 * @dest: the file to write
 * @settings: format, quality, size, metadata
 * @flags: %CHIARO_EXPORT_OVERWRITE to replace an existing @dest
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when written
 * @user_data: data for @callback
 */
void
chiaro_export_entry_async (ChiaroImageStore           *images,
                           ChiaroHistoryEntry         *entry,
                           GFile                      *dest,
                           const ChiaroExportSettings *settings,
                           ChiaroExportFlags           flags,
                           GCancellable               *cancellable,
                           GAsyncReadyCallback         callback,
                           gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (CHIARO_IS_IMAGE_STORE (images));
  g_return_if_fail (CHIARO_IS_HISTORY_ENTRY (entry));
  g_return_if_fail (G_IS_FILE (dest));
  g_return_if_fail (settings != NULL);

  job = g_new0 (ExportJob, 1);
  job->images = g_object_ref (images);
  job->settings = chiaro_export_settings_copy (settings);
  job->items = g_ptr_array_new_with_free_func ((GDestroyNotify) export_item_free);
  g_ptr_array_add (job->items, export_item_new (entry, settings));
  job->dest = g_object_ref (dest);
  job->flags = flags;
  task = new_task (chiaro_export_entry_async, "[chiaro] export an image", job, cancellable,
                   callback, user_data);

  if (chiaro_history_entry_get_image_hash (entry) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                               _("This entry has no image to export"));
      return;
    }
  g_task_run_in_thread (task, export_entry_thread);
}

/**
 * chiaro_export_entry_finish:
 * @result: the result given to the callback
 * @error: where to put the error
 *
 * Returns: whether the file was written. Errors: %G_IO_ERROR_EXISTS, other %G_IO_ERROR,
 *   %CHIARO_CODEC_ERROR, %CHIARO_PROJECT_ERROR (the image is missing from the store)
 */
gboolean
chiaro_export_entry_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * chiaro_export_entries_async:
 * @images: the project's image store
 * @entries: (element-type ChiaroHistoryEntry): entries with images
 * @folder: where to write them
 * @name_template: (nullable): the names; %NULL for %CHIARO_EXPORT_DEFAULT_TEMPLATE
 * @project: (nullable): the project's name for {project}
 * @settings: format, quality, size, metadata
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every file is written, or at the first failure
 * @user_data: data for @callback
 */
void
chiaro_export_entries_async (ChiaroImageStore           *images,
                             GPtrArray                  *entries,
                             GFile                      *folder,
                             const char                 *name_template,
                             const char                 *project,
                             const ChiaroExportSettings *settings,
                             GCancellable               *cancellable,
                             GAsyncReadyCallback         callback,
                             gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (CHIARO_IS_IMAGE_STORE (images));
  g_return_if_fail (entries != NULL);
  g_return_if_fail (G_IS_FILE (folder));
  g_return_if_fail (settings != NULL);

  job = g_new0 (ExportJob, 1);
  job->images = g_object_ref (images);
  job->settings = chiaro_export_settings_copy (settings);
  job->items = g_ptr_array_new_with_free_func ((GDestroyNotify) export_item_free);
  job->dest = g_object_ref (folder);
  job->name_template = g_strdup (name_template);
  job->project = g_strdup (project);
  job->written = g_ptr_array_new_with_free_func (g_object_unref);
  job->renamed = g_ptr_array_new_with_free_func (g_object_unref);
  task = new_task (chiaro_export_entries_async, "[chiaro] export images", job, cancellable,
                   callback, user_data);

  for (guint i = 0; i < entries->len; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (entries, i);

      if (chiaro_history_entry_get_image_hash (entry) == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                                   _("This entry has no image to export"));
          return;
        }
      g_ptr_array_add (job->items, export_item_new (entry, settings));
    }
  g_task_run_in_thread (task, export_entries_thread);
}

/**
 * chiaro_export_entries_finish:
 * @result: the result given to the callback
 * @renamed: (out) (optional) (transfer container) (element-type GFile): the files written
 *   under another name than the template's, because that name was taken
 * @error: where to put the error
 *
 * Returns: (transfer container) (element-type GFile) (nullable): the files written, in the
 *   entries' order
 */
GPtrArray *
chiaro_export_entries_finish (GAsyncResult  *result,
                              GPtrArray    **renamed,
                              GError       **error)
{
  ExportJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  if (renamed != NULL)
    *renamed = g_ptr_array_ref (job->renamed);
  return g_ptr_array_ref (job->written);
}

/**
 * chiaro_export_comparison_async:
 * @before: the image before (encoded bytes)
 * @after: the image after
 * @before_label: the text under @before
 * @after_label: the text under @after
 * @metadata: (nullable): provenance to write when @settings want metadata
 * @settings: format, quality, size, metadata
 * @dest: the file to write
 * @flags: %CHIARO_EXPORT_OVERWRITE to replace an existing @dest
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when written
 * @user_data: data for @callback
 */
void
chiaro_export_comparison_async (GBytes                     *before,
                                GBytes                     *after,
                                const char                 *before_label,
                                const char                 *after_label,
                                const ChiaroExportMetadata *metadata,
                                const ChiaroExportSettings *settings,
                                GFile                      *dest,
                                ChiaroExportFlags           flags,
                                GCancellable               *cancellable,
                                GAsyncReadyCallback         callback,
                                gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (before != NULL && after != NULL);
  g_return_if_fail (before_label != NULL && after_label != NULL);
  g_return_if_fail (settings != NULL);
  g_return_if_fail (G_IS_FILE (dest));

  job = g_new0 (ExportJob, 1);
  job->settings = chiaro_export_settings_copy (settings);
  job->before = g_bytes_ref (before);
  job->after = g_bytes_ref (after);
  job->before_label = g_strdup (before_label);
  job->after_label = g_strdup (after_label);
  job->metadata = metadata != NULL ? chiaro_export_metadata_copy (metadata) : NULL;
  job->dest = g_object_ref (dest);
  job->flags = flags;
  task = new_task (chiaro_export_comparison_async, "[chiaro] export a comparison", job,
                   cancellable, callback, user_data);
  g_task_run_in_thread (task, export_comparison_thread);
}

/**
 * chiaro_export_comparison_finish:
 * @result: the result given to the callback
 * @error: where to put the error
 *
 * Returns: whether the file was written
 */
gboolean
chiaro_export_comparison_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
