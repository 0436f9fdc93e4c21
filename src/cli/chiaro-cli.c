/* chiaro-cli.c — the chiaro-cli commands
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * chiaro-cli runs the same engine as the app, without a display. Commands:
 *   inspect FILE…   what Chiaro sees in image files: format, upright size, orientation
 *   generate …      one prompt to one or more images (chiaro-cli-generate.c), or the next
 *                   turn of a project (chiaro-cli-generate-project.c)
 *   project …       a project's history: show, undo, redo (chiaro-cli-project.c)
 *   export …        a project's images as files (chiaro-cli-export.c)
 */

#define G_LOG_DOMAIN "chiaro-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <locale.h>

#include "chiaro-api-error.h"
#include "chiaro-image-store.h"
#include "chiaro-image.h"
#include "chiaro-project-error.h"

#include "chiaro-cli.h"

static void
print_usage (FILE *stream)
{
  g_autofree char *usage =
    g_strdup_printf ("%s\n  chiaro-cli generate --prompt TEXT --output FILE [OPTION…]\n"
                     "  chiaro-cli generate --project DIR --prompt TEXT [OPTION…]\n"
                     "  chiaro-cli project show|undo|redo [--json] DIR\n"
                     "  chiaro-cli export DIR --entry ID|--starred|--pack ID --output PATH "
                     "[OPTION…]\n"
                     "  chiaro-cli inspect [--json] FILE…\n  chiaro-cli --version\n\n%s\n"
                     "  generate   %s\n  project    %s\n  export     %s\n  inspect    %s\n",
                     _("Usage:"), _("Commands:"),
                     _("Create or edit images with a Gemini image model"),
                     _("Show a project's history, or move its cursor"),
                     _("Write a project's images as PNG, JPEG or WebP, with provenance"),
                     _("Show the format, upright size and orientation of image files"));

  fputs (usage, stream);
}

static void
add_image_members (JsonBuilder *builder,
                   ChiaroImage *image)
{
  json_builder_set_member_name (builder, "mime");
  json_builder_add_string_value (builder, chiaro_image_get_mime_type (image));
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, chiaro_image_get_width (image));
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, chiaro_image_get_height (image));
  json_builder_set_member_name (builder, "orientation");
  json_builder_add_int_value (builder, chiaro_image_get_orientation (image));
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, g_bytes_get_size (chiaro_image_get_bytes (image)));
}

static int
inspect_command (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;
  gboolean json = FALSE;
  int status = CHIARO_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object on standard output"),
      NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, N_("FILE…") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Show what Chiaro sees in image files."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("chiaro-cli inspect: %s\n", error->message);
      return CHIARO_CLI_EXIT_USAGE;
    }

  if (paths == NULL || paths[0] == NULL)
    {
      g_printerr ("chiaro-cli inspect: %s\n", _("No file given"));
      return CHIARO_CLI_EXIT_USAGE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (paths[i]);
      g_autoptr(ChiaroImage) image = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *display_path = g_filename_display_name (paths[i]);

      image = chiaro_cli_load_image (file, NULL, &local_error);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, display_path);

      if (image != NULL)
        {
          add_image_members (builder, image);
          if (!json)
            g_print (/* Translators: file name, format, width, height, EXIF orientation. */
                     _("%s: %s, %d × %d pixels, orientation %u\n"),
                     display_path,
                     chiaro_image_get_mime_type (image),
                     chiaro_image_get_width (image),
                     chiaro_image_get_height (image),
                     chiaro_image_get_orientation (image));
        }
      else
        {
          json_builder_set_member_name (builder, "error");
          json_builder_add_string_value (builder, local_error->message);
          g_printerr ("chiaro-cli: %s\n", local_error->message);
          status = CHIARO_CLI_EXIT_INPUT;
        }

      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (json)
    chiaro_cli_print_json (builder);

  return status;
}

/**
 * chiaro_cli_load_image:
 * @file: an image file
 * @cancellable: (nullable): a #GCancellable
 * @error: where to put the error
 *
 * Reads @file and decodes it at a thumbnail's size (a JPEG at an eighth, cheaply): an image
 * whose header is sound but whose data does not decode is refused here, as the app's tray
 * refuses it, rather than sent to the model byte for byte.
 *
 * Returns: (transfer full) (nullable): the image, or %NULL with a %CHIARO_CODEC_ERROR (or an
 *   I/O error) naming the file
 */
ChiaroImage *
chiaro_cli_load_image (GFile         *file,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(ChiaroImage) image = NULL;
  g_autoptr(GdkPixbuf) pixels = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!(image = chiaro_image_new_from_file (file, cancellable, error)) ||
      !(pixels = chiaro_image_decode_scaled (image, CHIARO_THUMBNAIL_SIZE, cancellable, error)))
    return NULL;

  return g_steal_pointer (&image);
}

/**
 * chiaro_cli_exit_status_for_error:
 * @error: why a command failed
 *
 * Returns: the exit status of DESIGN §8 for @error
 */
int
chiaro_cli_exit_status_for_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return CHIARO_CLI_EXIT_INTERRUPTED;
  if (error->domain == CHIARO_CODEC_ERROR || error->domain == G_FILE_ERROR ||
      error->domain == G_IO_ERROR)
    return CHIARO_CLI_EXIT_INPUT;

  /* A project that is locked, unreadable or cannot be written is exit 3, as an input file. */
  if (error->domain == CHIARO_PROJECT_ERROR)
    {
      switch ((ChiaroProjectError) error->code)
        {
        case CHIARO_PROJECT_ERROR_REFERENCES_FULL:
        case CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE:
        case CHIARO_PROJECT_ERROR_INVALID:
          return CHIARO_CLI_EXIT_USAGE;

        case CHIARO_PROJECT_ERROR_LOCKED:
        case CHIARO_PROJECT_ERROR_NOT_FOUND:
        case CHIARO_PROJECT_ERROR_CORRUPT:
        case CHIARO_PROJECT_ERROR_NEWER_VERSION:
        case CHIARO_PROJECT_ERROR_MISSING_IMAGE:
        case CHIARO_PROJECT_ERROR_NO_SPACE:
        case CHIARO_PROJECT_ERROR_READ_ONLY:
        case CHIARO_PROJECT_ERROR_IO:
        default:
          return CHIARO_CLI_EXIT_INPUT;
        }
    }

  if (error->domain != CHIARO_API_ERROR)
    return CHIARO_CLI_EXIT_FAILED;

  switch ((ChiaroApiError) error->code)
    {
    case CHIARO_API_ERROR_UNSUPPORTED_OPTION:
      return CHIARO_CLI_EXIT_USAGE;

    case CHIARO_API_ERROR_PROMPT_BLOCKED:
    case CHIARO_API_ERROR_IMAGE_SAFETY:
    case CHIARO_API_ERROR_REFUSED:
    case CHIARO_API_ERROR_RECITATION:
    case CHIARO_API_ERROR_NO_IMAGE:
    case CHIARO_API_ERROR_MAX_TOKENS:
    case CHIARO_API_ERROR_MODEL_FAILED:
      return CHIARO_CLI_EXIT_REFUSED;

    case CHIARO_API_ERROR_CANCELLED:
      return CHIARO_CLI_EXIT_INTERRUPTED;

    case CHIARO_API_ERROR_INVALID_REQUEST:
    case CHIARO_API_ERROR_UNAUTHORIZED:
    case CHIARO_API_ERROR_PERMISSION_DENIED:
    case CHIARO_API_ERROR_LOCATION_UNSUPPORTED:
    case CHIARO_API_ERROR_MODEL_NOT_FOUND:
    case CHIARO_API_ERROR_RATE_LIMITED:
    case CHIARO_API_ERROR_QUOTA_EXHAUSTED:
    case CHIARO_API_ERROR_SERVER:
    case CHIARO_API_ERROR_UNAVAILABLE:
    case CHIARO_API_ERROR_TIMEOUT:
    case CHIARO_API_ERROR_NETWORK:
    case CHIARO_API_ERROR_INSECURE_ENDPOINT:
    case CHIARO_API_ERROR_BAD_RESPONSE:
    case CHIARO_API_ERROR_MISSING_SIGNATURE:
    default:
      return CHIARO_CLI_EXIT_FAILED;
    }
}

/**
 * chiaro_cli_json_add_string:
 * @builder: a #JsonBuilder inside an object
 * @name: the member name
 * @value: (nullable): the string, or %NULL for a JSON null
 *
 * Adds a string member, or null.
 */
void
chiaro_cli_json_add_string (JsonBuilder *builder,
                            const char  *name,
                            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * chiaro_cli_print_json:
 * @builder: a #JsonBuilder holding one finished value
 *
 * Prints the value, pretty, on standard output.
 */
void
chiaro_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/**
 * chiaro_cli_store_result:
 * @source: the source object
 * @res: the result
 * @user_data: (type GAsyncResult**): where to keep a reference to @res
 *
 * A #GAsyncReadyCallback for chiaro_cli_wait().
 */
void
chiaro_cli_store_result (GObject      *source,
                         GAsyncResult *res,
                         gpointer      user_data)
{
  GAsyncResult **result = user_data;

  *result = g_object_ref (res);
}

/**
 * chiaro_cli_wait:
 * @result: (inout): where chiaro_cli_store_result() puts the result
 *
 * Iterates the default main context until *@result is set.
 */
void
chiaro_cli_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * chiaro_cli_run:
 * @argc: the argument count
 * @argv: (array length=argc): the arguments, argv[0] being the program
 *
 * Runs the command named in @argv.
 *
 * Returns: the process exit status
 */
int
chiaro_cli_run (int    argc,
                char **argv)
{
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("chiaro-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return CHIARO_CLI_EXIT_USAGE;
    }

  command = argv[1];
  if (g_str_equal (command, "--version"))
    {
      g_print ("chiaro-cli %s\n", PACKAGE_VERSION);
      return CHIARO_CLI_EXIT_OK;
    }
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") ||
      g_str_equal (command, "help"))
    {
      print_usage (stdout);
      return CHIARO_CLI_EXIT_OK;
    }
  if (g_str_equal (command, "inspect"))
    return inspect_command (argc - 1, argv + 1);
  if (g_str_equal (command, "generate"))
    return chiaro_cli_generate_command (argc - 1, argv + 1);
  if (g_str_equal (command, "project"))
    return chiaro_cli_project_command (argc - 1, argv + 1);
  if (g_str_equal (command, "export"))
    return chiaro_cli_export_command (argc - 1, argv + 1);

  g_printerr (_("chiaro-cli: unknown command “%s”\n"), command);
  print_usage (stderr);
  return CHIARO_CLI_EXIT_USAGE;
}
