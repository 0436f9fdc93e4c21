/* chiaro-export-metadata.c — the provenance written into exported images (XMP/IPTC)
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-export"

#include "config.h"

#include <gexiv2/gexiv2.h>
#include <glib/gi18n.h>

#include "chiaro-export-metadata.h"

G_DEFINE_BOXED_TYPE (ChiaroExportMetadata, chiaro_export_metadata,
                     chiaro_export_metadata_copy, chiaro_export_metadata_free)

/* gexiv2 (exiv2) must be set up once, before any thread uses it. */
static gboolean
ensure_exiv2 (void)
{
  static gsize done = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&done))
    {
      ok = gexiv2_initialize ();
      g_once_init_leave (&done, 1);
    }
  return ok;
}

/**
 * chiaro_export_metadata_new:
 * @prompts: (nullable) (array zero-terminated=1): the prompts root → entry
 * @model: (nullable): the model that made the image
 * @edited_photo: whether the chain starts from a photo
 *
 * Empty and blank prompts are left out.
 *
 * Returns: (transfer full): the metadata
 */
ChiaroExportMetadata *
chiaro_export_metadata_new (const char * const *prompts,
                            const char         *model,
                            gboolean            edited_photo)
{
  ChiaroExportMetadata *metadata = g_new0 (ChiaroExportMetadata, 1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; prompts != NULL && prompts[i] != NULL; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (prompts[i]));

      if (*trimmed != '\0')
        g_strv_builder_add (builder, trimmed);
    }
  metadata->prompts = g_strv_builder_end (builder);
  metadata->model = g_strdup (model);
  metadata->edited_photo = edited_photo;
  return metadata;
}

ChiaroExportMetadata *
chiaro_export_metadata_copy (const ChiaroExportMetadata *metadata)
{
  g_return_val_if_fail (metadata != NULL, NULL);

  return chiaro_export_metadata_new ((const char * const *) metadata->prompts, metadata->model,
                                     metadata->edited_photo);
}

void
chiaro_export_metadata_free (ChiaroExportMetadata *metadata)
{
  if (metadata == NULL)
    return;
  g_strfreev (metadata->prompts);
  g_free (metadata->model);
  g_free (metadata);
}

/**
 * chiaro_export_metadata_dup_description:
 * @metadata: the metadata
 *
 * The text is English, like the prompts it quotes: it is read by other tools and people
 * anywhere, not shown in Chiaro.
 *
 * Returns: (transfer full): the prompts numbered one a line, then the model
 */
char *
chiaro_export_metadata_dup_description (const ChiaroExportMetadata *metadata)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (metadata != NULL, NULL);

  for (guint i = 0; metadata->prompts[i] != NULL; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%u. %s", i + 1, metadata->prompts[i]);
    }
  if (metadata->model != NULL)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "Model: %s", metadata->model);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * chiaro_export_metadata_get_source_type:
 * @metadata: the metadata
 *
 * Returns: the IPTC digital source type URI
 */
const char *
chiaro_export_metadata_get_source_type (const ChiaroExportMetadata *metadata)
{
  g_return_val_if_fail (metadata != NULL, NULL);

  return metadata->edited_photo ? CHIARO_DIGITAL_SOURCE_EDITED : CHIARO_DIGITAL_SOURCE_GENERATED;
}

/**
 * chiaro_export_metadata_get_creator_tool:
 *
 * Returns: "Chiaro" and the version
 */
const char *
chiaro_export_metadata_get_creator_tool (void)
{
  return "Chiaro " PACKAGE_VERSION;
}

static gboolean
set_tag (GExiv2Metadata  *exiv2,
         const char      *tag,
         const char      *value,
         GError         **error)
{
  return gexiv2_metadata_try_set_tag_string (exiv2, tag, value, error);
}

/**
 * chiaro_export_metadata_write_file:
 * @metadata: (nullable): what to write; %NULL leaves the file with no metadata at all
 * @path: a PNG, JPEG or WebP file
 * @error: where to put the error
 *
 * Blocking: for workers.
 *
 * Returns: whether the file was rewritten
 */
gboolean
chiaro_export_metadata_write_file (const ChiaroExportMetadata  *metadata,
                                   const char                  *path,
                                   GError                     **error)
{
  g_autoptr(GExiv2Metadata) exiv2 = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!ensure_exiv2 ())
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The image metadata library could not be started"));
      return FALSE;
    }

  exiv2 = gexiv2_metadata_new ();
  if (!gexiv2_metadata_open_path (exiv2, path, &local_error))
    goto failed;
  gexiv2_metadata_clear (exiv2);

  if (metadata != NULL)
    {
      description = chiaro_export_metadata_dup_description (metadata);
      if (!set_tag (exiv2, "Xmp.dc.description", description, &local_error) ||
          !set_tag (exiv2, "Xmp.xmp.CreatorTool", chiaro_export_metadata_get_creator_tool (),
                    &local_error) ||
          !set_tag (exiv2, "Xmp.iptcExt.DigitalSourceType",
                    chiaro_export_metadata_get_source_type (metadata), &local_error) ||
          (metadata->model != NULL &&
           !set_tag (exiv2, "Xmp.iptcExt.AISystemUsed", metadata->model, &local_error)))
        goto failed;
    }

  if (!gexiv2_metadata_save_file (exiv2, path, &local_error))
    goto failed;
  return TRUE;

failed:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               /* Translators: %s is the reason given by the metadata library */
               _("Could not write the image's metadata: %s"), local_error->message);
  return FALSE;
}
