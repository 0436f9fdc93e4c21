/* chiaro-cli-export.c — chiaro-cli export: a project's images as files
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `chiaro-cli export DIR --entry ID|--starred|--pack ID --output PATH`. Only reads the
 * project (no lock), like `project show`. One entry goes to the file PATH, and an existing
 * file is replaced only with --force; several go into the folder PATH with names from
 * --template, an existing name taking the next free one ("-2"), never replaced.
 */

#define G_LOG_DOMAIN "chiaro-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "chiaro-export.h"
#include "chiaro-image-store.h"
#include "chiaro-project-state.h"

#include "chiaro-cli.h"

typedef struct
{
  char     *entry_id;
  gboolean  starred;
  char     *pack_id;
  char     *output;
  char     *format;
  int       quality;
  int       long_side;
  gboolean  no_metadata;
  char     *name_template;
  gboolean  force;
  gboolean  json;
} ExportOptions;

static void
export_options_clear (ExportOptions *options)
{
  g_free (options->entry_id);
  g_free (options->pack_id);
  g_free (options->output);
  g_free (options->format);
  g_free (options->name_template);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ExportOptions, export_options_clear)

static int
usage_error (const char *message)
{
  g_printerr ("chiaro-cli export: %s\n", message);
  return CHIARO_CLI_EXIT_USAGE;
}

static int
fail (const GError *error)
{
  g_printerr ("chiaro-cli export: %s\n", error->message);
  return chiaro_cli_exit_status_for_error (error);
}

static void
print_result (ExportOptions *options,
              GPtrArray     *entries,
              GPtrArray     *files,
              GPtrArray     *renamed)
{
  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "files");
      json_builder_begin_array (builder);
      for (guint i = 0; i < files->len; i++)
        {
          GFile *file = g_ptr_array_index (files, i);
          g_autofree char *path = g_file_get_path (file);
          guint index;

          json_builder_begin_object (builder);
          chiaro_cli_json_add_string (builder, "entry",
                                      chiaro_history_entry_get_id (g_ptr_array_index (entries,
                                                                                      i)));
          chiaro_cli_json_add_string (builder, "path", path);
          json_builder_set_member_name (builder, "renamed");
          json_builder_add_boolean_value (builder,
                                          renamed != NULL &&
                                          g_ptr_array_find_with_equal_func (renamed, file,
                                                                            (GEqualFunc) g_file_equal,
                                                                            &index));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      chiaro_cli_print_json (builder);
      return;
    }

  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *path = g_file_get_path (g_ptr_array_index (files, i));

      g_print ("%s\n", path);
    }
}

static GPtrArray *
select_entries (ExportOptions  *options,
                ChiaroHistory  *history,
                GError        **error)
{
  g_autoptr(GPtrArray) selected = g_ptr_array_new_with_free_func (g_object_unref);

  if (options->entry_id != NULL)
    {
      ChiaroHistoryEntry *entry = chiaro_history_lookup (history, options->entry_id);

      if (entry == NULL || chiaro_history_entry_get_image_hash (entry) == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       entry == NULL ? _("The project has no image “%s”")
                                     : _("The entry “%s” has no image"),
                       options->entry_id);
          return NULL;
        }
      g_ptr_array_add (selected, g_object_ref (entry));
    }
  else if (options->pack_id != NULL)
    {
      g_ptr_array_unref (selected);
      selected = chiaro_history_dup_pack_entries (history, options->pack_id);
      if (selected->len == 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("The project has no pack “%s”"), options->pack_id);
          return NULL;
        }
    }
  else
    {
      g_autoptr(GPtrArray) all = chiaro_history_dup_entries (history);

      for (guint i = 0; i < all->len; i++)
        {
          ChiaroHistoryEntry *entry = g_ptr_array_index (all, i);

          if (chiaro_history_entry_get_starred (entry) &&
              chiaro_history_entry_get_image_hash (entry) != NULL)
            g_ptr_array_add (selected, g_object_ref (entry));
        }
      if (selected->len == 0)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _("No image of the project is starred"));
          return NULL;
        }
    }
  return g_steal_pointer (&selected);
}

static int
run (ExportOptions *options,
     const char    *dir_arg)
{
  g_autoptr(GFile) dir = g_file_new_for_commandline_arg (dir_arg);
  g_autoptr(GFile) output = g_file_new_for_commandline_arg (options->output);
  g_autoptr(ChiaroProjectState) state = NULL;
  g_autoptr(ChiaroImageStore) images = NULL;
  g_autoptr(ChiaroExportSettings) settings = chiaro_export_settings_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) renamed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *read_from = NULL;
  g_autofree char *output_name = g_file_get_basename (output);
  const char *dot;

  /* The format: --format, else the single file's extension, else PNG. */
  dot = strrchr (output_name, '.');
  if (options->format != NULL)
    {
      if (!chiaro_export_format_from_string (options->format, &settings->format))
        return usage_error (_("--format must be png, jpeg or webp"));
    }
  else if (options->entry_id != NULL && dot != NULL &&
           !chiaro_export_format_from_string (dot + 1, &settings->format))
    {
      return usage_error (_("The output file must end in .png, .jpg, .jpeg or .webp, or give "
                            "--format"));
    }
  if (options->quality < 1 || options->quality > 100)
    return usage_error (_("--quality must be between 1 and 100"));
  if (options->long_side < 0)
    return usage_error (_("--long-side must be 0 (full size) or more"));
  settings->quality = options->quality;
  settings->long_side = options->long_side;
  settings->metadata = !options->no_metadata;

  state = chiaro_cli_read_project_state ("export", dir, &read_from, &error);
  if (state == NULL)
    return fail (error);
  entries = select_entries (options, state->history, &error);
  if (entries == NULL)
    return usage_error (error->message);
  images = chiaro_image_store_new (dir);

  if (options->entry_id != NULL)
    {
      chiaro_export_entry_async (images, g_ptr_array_index (entries, 0), output, settings,
                                 options->force ? CHIARO_EXPORT_OVERWRITE : CHIARO_EXPORT_NONE,
                                 NULL, chiaro_cli_store_result, &result);
      chiaro_cli_wait (&result);
      if (!chiaro_export_entry_finish (result, &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
            g_prefix_error (&error, "%s ", _("Not replaced (give --force to replace it):"));
          return fail (error);
        }
      files = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (files, g_object_ref (output));
    }
  else
    {
      g_autofree char *project = NULL;

      if (!g_file_make_directory_with_parents (output, NULL, &error) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        return fail (error);
      g_clear_error (&error);

      project = state->name != NULL && *state->name != '\0' ? g_strdup (state->name)
                                                             : g_file_get_basename (dir);
      chiaro_export_entries_async (images, entries, output, options->name_template, project,
                                   settings, NULL, chiaro_cli_store_result, &result);
      chiaro_cli_wait (&result);
      files = chiaro_export_entries_finish (result, &renamed, &error);
      if (files == NULL)
        return fail (error);
      for (guint i = 0; i < renamed->len; i++)
        {
          g_autofree char *name = g_file_get_basename (g_ptr_array_index (renamed, i));

          g_printerr ("chiaro-cli export: ");
          /* Translators: %s is the file name used instead of one that was taken */
          g_printerr (_("a file had the template's name already, so this one is %s\n"), name);
        }
    }

  print_result (options, entries, files, renamed);
  return CHIARO_CLI_EXIT_OK;
}

/**
 * chiaro_cli_export_command:
 * @argc: the argument count
 * @argv: (array length=argc): the arguments, argv[0] being "export"
 *
 * Returns: the exit status of DESIGN §8
 */
int
chiaro_cli_export_command (int    argc,
                           char **argv)
{
  g_auto(ExportOptions) options = { .quality = CHIARO_EXPORT_DEFAULT_QUALITY };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  const GOptionEntry entries[] = {
    { "entry", 0, 0, G_OPTION_ARG_STRING, &options.entry_id, N_("The image to export (an id from chiaro-cli project show)"), N_("ID") },
    { "starred", 0, 0, G_OPTION_ARG_NONE, &options.starred, N_("Export every starred image"), NULL },
    { "pack", 0, 0, G_OPTION_ARG_STRING, &options.pack_id, N_("Export every image of a social-format pack"), N_("ID") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &options.output, N_("The file (--entry) or the folder (--starred, --pack)"), N_("PATH") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &options.format, N_("png, jpeg or webp"), N_("FORMAT") },
    { "quality", 0, 0, G_OPTION_ARG_INT, &options.quality, N_("JPEG and WebP quality (1–100, default 90)"), N_("N") },
    { "long-side", 0, 0, G_OPTION_ARG_INT, &options.long_side, N_("Scale down to this many pixels on the long side (never up)"), N_("PIXELS") },
    { "no-metadata", 0, 0, G_OPTION_ARG_NONE, &options.no_metadata, N_("Write no metadata at all"), NULL },
    { "template", 0, 0, G_OPTION_ARG_STRING, &options.name_template, N_("File names: {project}, {ratio}, {n}, {entry}, {model}, {ext}"), N_("TEMPLATE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &options.force, N_("Replace the --entry output file if it exists"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, N_("Print one JSON object on standard output"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, N_("DIR") },
    { NULL }
  };
  guint n_selections;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Export a project's images as PNG, JPEG or WebP."));
  g_option_context_set_description (context,
    _("Unless --no-metadata is given, each file carries its provenance as XMP: the prompts "
      "from the first to this image, the model, \"Chiaro\" as the creator tool and the IPTC "
      "digital source type (trainedAlgorithmicMedia, or compositeWithTrainedAlgorithmicMedia "
      "for edits of a photo); never the API key or a file path. Nothing is overwritten "
      "without --force; images exported together take the next free name instead "
      "(name-2.png). The project is only read, so this works while it is open elsewhere.\n\n"
      "Exit status: 0 written; 2 a usage error, an unknown entry or pack, or nothing starred; "
      "3 the project or an image unreadable, or a file that could not be written or exists."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if (args == NULL || g_strv_length (args) != 1)
    return usage_error (_("Give one project folder"));
  n_selections = (options.entry_id != NULL) + options.starred + (options.pack_id != NULL);
  if (n_selections != 1)
    return usage_error (_("Choose what to export: --entry ID, --starred or --pack ID"));
  if (options.output == NULL)
    return usage_error (_("--output is required"));
  if (options.force && options.entry_id == NULL)
    return usage_error (_("--force only applies to --entry: images exported together never "
                          "replace files"));

  return run (&options, args[0]);
}
