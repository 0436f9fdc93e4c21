/* chiaro-cli-generate-project.c — chiaro-cli generate --project: the next turn of a project
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same path as the app's Send button: a ChiaroDocument opened on the folder (locked, the
 * backup used when project.json is unreadable) sends the prompt from its cursor with the
 * conversation along the branch and the --ref images as its tray; the answers are stored and
 * added to the history before anything is reported, and the project is saved before exit.
 * Each aspect ratio is one send; all of them run at once.
 */

#define G_LOG_DOMAIN "chiaro-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "chiaro-api-error.h"
#include "chiaro-document.h"
#include "chiaro-export.h"
#include "chiaro-project-error.h"

#include "chiaro-cli-generate.h"
#include "chiaro-cli.h"

/* One aspect ratio: one send of --variants requests. */
typedef struct
{
  ChiaroCliGenerate *generate;    /* (unowned) */
  char              *aspect;      /* (nullable) NULL for auto */
  double             estimate;    /* < 0 when unknown */
  GAsyncResult      *result;      /* set when the send has finished */
  ChiaroSend        *send;        /* (nullable) while in flight, and when it succeeded */
  GError            *error;       /* (nullable) when nothing came back */
  GPtrArray         *paths;       /* (element-type utf8) (nullable elements) --output files */
  GPtrArray         *errors;      /* (element-type GError) (nullable elements) their errors */
  gulong             state_id;
} Ratio;

static void
ratio_free (Ratio *ratio)
{
  if (ratio->state_id != 0)
    g_signal_handler_disconnect (ratio->send, ratio->state_id);
  g_free (ratio->aspect);
  g_clear_object (&ratio->result);
  g_clear_object (&ratio->send);
  g_clear_error (&ratio->error);
  g_clear_pointer (&ratio->paths, g_ptr_array_unref);
  g_clear_pointer (&ratio->errors, g_ptr_array_unref);
  g_free (ratio);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Ratio, ratio_free)

static void
free_error (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static void
print_error (const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_printerr ("chiaro-cli generate: %s\n", error->message);
}

/* The first failure decides the status; an interruption beats everything. */
static void
note_failure (ChiaroCliGenerate *self,
              const GError      *error)
{
  int status = chiaro_cli_exit_status_for_error (error);

  if (status == CHIARO_CLI_EXIT_INTERRUPTED || self->status == CHIARO_CLI_EXIT_OK)
    self->status = status;
}

static gboolean
history_has_image (ChiaroHistory *history)
{
  g_autoptr(GPtrArray) entries = chiaro_history_dup_entries (history);

  for (guint i = 0; i < entries->len; i++)
    if (chiaro_history_entry_get_image_hash (g_ptr_array_index (entries, i)) != NULL)
      return TRUE;
  return FALSE;
}

/* "16:9: " before a message when the run has several ratios. */
static const char *
ratio_prefix (Ratio *ratio,
              char **buffer)
{
  if (g_strv_length (ratio->generate->ratios) < 2)
    return "";
  *buffer = g_strdup_printf ("%s: ", ratio->aspect != NULL ? ratio->aspect : "auto");
  return *buffer;
}

static char *
ratio_label (Ratio *ratio,
             guint  variant)
{
  return g_strdup_printf ("%s #%u", ratio->aspect != NULL ? ratio->aspect : "auto", variant);
}

static void
on_send_state (ChiaroSend *send,
               GParamSpec *pspec,
               Ratio      *ratio)
{
  const char *label = ratio->aspect != NULL ? ratio->aspect : "auto";

  switch (chiaro_send_get_state (send))
    {
    case CHIARO_SEND_WAITING:
      g_printerr (_("%s: waiting for the model…\n"), label);
      break;

    case CHIARO_SEND_RECEIVING:
      g_printerr (_("%s: receiving the image…\n"), label);
      break;

    case CHIARO_SEND_SAVING:
      /* Translators: %s is an aspect ratio such as 16:9, or auto. */
      g_printerr (_("%s: saving in the project…\n"), label);
      break;

    case CHIARO_SEND_PLANNING:
    case CHIARO_SEND_SENDING:
    case CHIARO_SEND_DONE:
    case CHIARO_SEND_FAILED:
    case CHIARO_SEND_CANCELLED:
    default:
      break;
    }
}

/* The options of the command line, with one ratio; checked against the model with the images
 * this send will really carry (the cursor's image or --input, and the references). */
static int
check_model (ChiaroCliGenerate *self,
             ChiaroDocument    *document)
{
  ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (chiaro_document_get_history (document));
  guint n_images = self->references->len;

  if (self->canvas != NULL || chiaro_history_entry_get_image_hash (cursor) != NULL)
    n_images++;

  for (guint i = 0; self->ratios[i] != NULL; i++)
    {
      g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_copy (self->options);
      g_autoptr(GError) error = NULL;

      if (!g_str_equal (self->ratios[i], "auto"))
        options->aspect_ratio = g_strdup (self->ratios[i]);
      if (!chiaro_generation_options_validate (options, self->model, n_images, &error))
        {
          print_error (error);
          return CHIARO_CLI_EXIT_USAGE;
        }
    }

  return CHIARO_CLI_EXIT_OK;
}

/* --input becomes the photo a new project starts from; the --ref images are the tray. */
static int
prepare (ChiaroCliGenerate *self,
         ChiaroDocument    *document)
{
  ChiaroReferenceList *tray = chiaro_document_get_references (document);
  g_autoptr(GError) error = NULL;
  int status;

  if (self->canvas != NULL && history_has_image (chiaro_document_get_history (document)))
    {
      g_autofree char *name = g_file_get_parse_name (chiaro_document_get_dir (document));

      g_printerr ("chiaro-cli generate: ");
      g_printerr (_("The project in “%s” has images already, and --input only starts a new "
                    "project. The image at its cursor is the input; choose another with "
                    "chiaro-cli project undo or redo.\n"), name);
      return CHIARO_CLI_EXIT_USAGE;
    }

  if ((status = check_model (self, document)) != CHIARO_CLI_EXIT_OK)
    return status;

  if (self->canvas != NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;

      chiaro_document_set_root_image_async (document, chiaro_image_get_bytes (self->canvas),
                                            chiaro_image_get_display_name (self->canvas),
                                            self->cancellable, chiaro_cli_store_result,
                                            &result);
      chiaro_cli_wait (&result);
      if (!chiaro_document_set_root_image_finish (document, result, &error))
        {
          print_error (error);
          return chiaro_cli_exit_status_for_error (error);
        }
    }

  chiaro_reference_list_remove_all (tray);
  for (guint i = 0; i < self->references->len; i++)
    {
      ChiaroImage *image = g_ptr_array_index (self->references, i);
      g_autoptr(GAsyncResult) result = NULL;
      ChiaroReference *reference;

      chiaro_document_add_reference_bytes_async (document, chiaro_image_get_bytes (image),
                                                 chiaro_image_get_display_name (image),
                                                 g_ptr_array_index (self->labels, i),
                                                 self->cancellable, chiaro_cli_store_result,
                                                 &result);
      chiaro_cli_wait (&result);
      reference = chiaro_document_add_reference_finish (document, result, &error);
      if (reference == NULL)
        {
          print_error (error);
          return chiaro_cli_exit_status_for_error (error);
        }
    }

  chiaro_document_set_provider (document, self->provider, self->provider_name);
  chiaro_document_set_model_id (document, self->model_id);
  chiaro_document_set_n_variants (document, self->variants);

  return CHIARO_CLI_EXIT_OK;
}

static void
start_send (ChiaroCliGenerate *self,
            ChiaroDocument    *document,
            Ratio             *ratio)
{
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_copy (self->options);
  GListModel *sends = chiaro_document_get_sends (document);
  guint n_sends;

  options->aspect_ratio = g_strdup (ratio->aspect);
  chiaro_document_set_options (document, options);
  chiaro_document_set_prompt (document, self->prompt);
  ratio->estimate = chiaro_document_estimate_cost (document);

  chiaro_document_send_async (document, self->cancellable, chiaro_cli_store_result,
                              &ratio->result);

  /* The new send is the newest in the list at once. */
  n_sends = g_list_model_get_n_items (sends);
  if (n_sends > 0 && self->progress)
    {
      ratio->send = g_list_model_get_item (sends, n_sends - 1);
      ratio->state_id = g_signal_connect (ratio->send, "notify::state",
                                          G_CALLBACK (on_send_state), ratio);
    }
}

static void
finish_send (ChiaroCliGenerate *self,
             ChiaroDocument    *document,
             Ratio             *ratio)
{
  g_autofree char *prefix = NULL;

  if (ratio->state_id != 0)
    {
      g_signal_handler_disconnect (ratio->send, ratio->state_id);
      ratio->state_id = 0;
    }
  g_clear_object (&ratio->send);

  ratio->send = chiaro_document_send_finish (document, ratio->result, &ratio->error);
  if (ratio->send == NULL)
    {
      note_failure (self, ratio->error);
      if (!g_error_matches (ratio->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr ("chiaro-cli generate: %s%s\n", ratio_prefix (ratio, &prefix),
                    ratio->error->message);
    }
  else if (chiaro_send_get_error (ratio->send) != NULL)
    {
      /* Some variants failed, the others are in the history. */
      note_failure (self, chiaro_send_get_error (ratio->send));
      g_printerr ("chiaro-cli generate: %s%s\n", ratio_prefix (ratio, &prefix),
                  chiaro_send_get_error (ratio->send)->message);
    }
}

static GBytes *
load_image (ChiaroDocument     *document,
            ChiaroHistoryEntry *entry,
            GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_image_store_load_async (chiaro_document_get_images (document),
                                 chiaro_history_entry_get_image_hash (entry),
                                 chiaro_history_entry_get_mime_type (entry),
                                 NULL, chiaro_cli_store_result, &result);
  chiaro_cli_wait (&result);
  return chiaro_image_store_load_finish (chiaro_document_get_images (document), result, error);
}

/* --output: each new image as a file, named as without --project. */
static void
write_outputs (ChiaroCliGenerate *self,
               ChiaroDocument    *document,
               GPtrArray         *ratios)
{
  gboolean several = ratios->len * self->variants > 1;

  /* An answer with several images is an entry, and a file, per image: numbered like
   * variants, one number per image of the ratio. */
  for (guint i = 0; i < ratios->len; i++)
    {
      Ratio *ratio = g_ptr_array_index (ratios, i);

      if (ratio->send != NULL && chiaro_send_get_entries (ratio->send)->len > 1)
        several = TRUE;
    }

  for (guint i = 0; i < ratios->len; i++)
    {
      Ratio *ratio = g_ptr_array_index (ratios, i);
      GPtrArray *entries = ratio->send != NULL ? chiaro_send_get_entries (ratio->send) : NULL;

      ratio->paths = g_ptr_array_new_with_free_func (g_free);
      ratio->errors = g_ptr_array_new_with_free_func (free_error);

      for (guint j = 0; entries != NULL && j < entries->len; j++)
        {
          ChiaroHistoryEntry *entry = g_ptr_array_index (entries, j);
          g_autofree char *path = NULL;
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(GError) error = NULL;
          int width, height;

          if (self->output == NULL)
            {
              g_ptr_array_add (ratio->paths, NULL);
              g_ptr_array_add (ratio->errors, NULL);
              continue;
            }

          path = chiaro_cli_generate_output_path (self->output, ratio->aspect, j + 1, several);
          bytes = load_image (document, entry, &error);
          if (bytes == NULL ||
              !chiaro_cli_generate_write_image (bytes, chiaro_history_entry_get_mime_type (entry),
                                                path, &width, &height, &error))
            {
              g_autofree char *label = ratio_label (ratio, j + 1);

              g_prefix_error (&error, "%s: ", path);
              g_printerr ("chiaro-cli generate: %s: %s\n", label, error->message);
              note_failure (self, error);
              g_ptr_array_add (ratio->paths, NULL);
              g_ptr_array_add (ratio->errors, g_steal_pointer (&error));
              continue;
            }

          if (self->export_metadata)
            {
              g_autoptr(ChiaroExportMetadata) metadata = chiaro_export_metadata_new_for_entry (entry);

              if (!chiaro_cli_generate_add_metadata (self, metadata, path, &error))
                {
                  g_autofree char *label = ratio_label (ratio, j + 1);

                  g_prefix_error (&error, "%s: ", path);
                  g_printerr ("chiaro-cli generate: %s: %s\n", label, error->message);
                  note_failure (self, error);
                  g_ptr_array_add (ratio->paths, NULL);
                  g_ptr_array_add (ratio->errors, g_steal_pointer (&error));
                  continue;
                }
            }
          if (self->progress)
            {
              g_autofree char *label = ratio_label (ratio, j + 1);

              g_printerr (_("%s: wrote %s\n"), label, path);
            }
          g_ptr_array_add (ratio->paths, g_steal_pointer (&path));
          g_ptr_array_add (ratio->errors, NULL);
        }
    }
}

static char *
dup_image_path (ChiaroDocument     *document,
                ChiaroHistoryEntry *entry)
{
  g_autoptr(GFile) file = NULL;

  if (chiaro_history_entry_get_image_hash (entry) == NULL)
    return NULL;
  file = chiaro_image_store_get_file (chiaro_document_get_images (document),
                                      chiaro_history_entry_get_image_hash (entry),
                                      chiaro_history_entry_get_mime_type (entry));
  return g_file_get_path (file);
}

static void
add_double_or_null (JsonBuilder *builder,
                    const char  *name,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  if (value >= 0)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_entry_output (JsonBuilder        *builder,
                  ChiaroDocument     *document,
                  Ratio              *ratio,
                  guint               index,
                  ChiaroHistoryEntry *entry)
{
  ChiaroReply *reply = chiaro_history_entry_get_reply (entry);
  const char *path = g_ptr_array_index (ratio->paths, index);
  const GError *error = g_ptr_array_index (ratio->errors, index);
  g_autofree char *image = dup_image_path (document, entry);

  json_builder_begin_object (builder);
  chiaro_cli_json_add_string (builder, "path", path);
  chiaro_cli_json_add_string (builder, "aspect", ratio->aspect);
  json_builder_set_member_name (builder, "variant");
  json_builder_add_int_value (builder, index + 1);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, chiaro_history_entry_get_width (entry));
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, chiaro_history_entry_get_height (entry));
  chiaro_cli_json_add_string (builder, "mime", path != NULL
                                                ? chiaro_cli_generate_mime_for_output (path)
                                                : chiaro_history_entry_get_mime_type (entry));
  chiaro_cli_json_add_string (builder, "status", error == NULL ? "ok" : "failed");
  chiaro_cli_json_add_string (builder, "error", error != NULL ? error->message : NULL);
  chiaro_cli_json_add_string (builder, "entry", chiaro_history_entry_get_id (entry));
  chiaro_cli_json_add_string (builder, "image", image);
  chiaro_cli_json_add_string (builder, "text", reply != NULL ? reply->text : NULL);
  chiaro_cli_json_add_string (builder, "finish_reason",
                              reply != NULL ? reply->finish_reason : NULL);
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, reply != NULL ? reply->attempts : 0);
  add_double_or_null (builder, "cost_usd", reply != NULL ? reply->cost_usd : -1);
  json_builder_end_object (builder);
}

static void
add_failed_output (JsonBuilder  *builder,
                   Ratio        *ratio,
                   guint         index,
                   const GError *error)
{
  json_builder_begin_object (builder);
  chiaro_cli_json_add_string (builder, "path", NULL);
  chiaro_cli_json_add_string (builder, "aspect", ratio->aspect);
  json_builder_set_member_name (builder, "variant");
  json_builder_add_int_value (builder, index + 1);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, 0);
  chiaro_cli_json_add_string (builder, "mime", NULL);
  chiaro_cli_json_add_string (builder, "status", "failed");
  chiaro_cli_json_add_string (builder, "error", error != NULL ? error->message : NULL);
  chiaro_cli_json_add_string (builder, "error_detail",
                              error != NULL ? chiaro_api_error_get_detail (error) : NULL);
  chiaro_cli_json_add_string (builder, "error_reason",
                              error != NULL ? chiaro_api_error_get_reason (error) : NULL);
  chiaro_cli_json_add_string (builder, "entry", NULL);
  chiaro_cli_json_add_string (builder, "image", NULL);
  json_builder_end_object (builder);
}

static void
report (ChiaroCliGenerate *self,
        ChiaroDocument    *document,
        GPtrArray         *ratios)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) changes = g_ptr_array_new ();
  g_autofree char *dir = g_file_get_path (chiaro_document_get_dir (document));
  g_autofree char *recovered = NULL;
  ChiaroHistoryEntry *cursor = chiaro_history_get_cursor (chiaro_document_get_history (document));
  const char *text = NULL;
  const char *finish_reason = NULL;
  gint64 prompt_tokens = 0, output_tokens = 0, total_tokens = 0;
  double estimate = 0;
  guint retries = 0;

  if (chiaro_document_get_recovered_from_backup (document) != NULL)
    recovered = g_file_get_path (chiaro_document_get_recovered_from_backup (document));

  if (!self->json)
    {
      for (guint i = 0; i < ratios->len; i++)
        {
          Ratio *ratio = g_ptr_array_index (ratios, i);
          GPtrArray *entries = ratio->send != NULL ? chiaro_send_get_entries (ratio->send) : NULL;

          for (guint j = 0; entries != NULL && j < entries->len; j++)
            {
              ChiaroHistoryEntry *entry = g_ptr_array_index (entries, j);
              ChiaroReply *reply = chiaro_history_entry_get_reply (entry);
              g_autofree char *image = dup_image_path (document, entry);
              const char *path = g_ptr_array_index (ratio->paths, j);

              /* The files written, or else the images in the project. */
              if (self->output == NULL)
                g_print ("%s\n", image);
              else if (path != NULL)
                g_print ("%s\n", path);
              if (text == NULL && reply != NULL && reply->text != NULL)
                {
                  text = reply->text;
                  g_printerr ("%s\n", text);
                }
            }
        }
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "outputs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ratios->len; i++)
    {
      Ratio *ratio = g_ptr_array_index (ratios, i);
      GPtrArray *entries = ratio->send != NULL ? chiaro_send_get_entries (ratio->send) : NULL;
      guint n_entries = entries != NULL ? entries->len : 0;
      guint n_done = ratio->send != NULL ? chiaro_send_get_n_done (ratio->send) : 0;
      const GError *error = ratio->send != NULL ? chiaro_send_get_error (ratio->send)
                                                : ratio->error;
      const char * const *send_changes = ratio->send != NULL
                                         ? chiaro_send_get_changes (ratio->send) : NULL;

      if (ratio->estimate >= 0 && estimate >= 0)
        estimate += ratio->estimate;
      else
        estimate = -1;

      for (guint j = 0; j < n_entries; j++)
        {
          ChiaroHistoryEntry *entry = g_ptr_array_index (entries, j);
          ChiaroReply *reply = chiaro_history_entry_get_reply (entry);

          add_entry_output (builder, document, ratio, j, entry);
          /* The entries of one answer's images share its reply: counted once. */
          if (reply == NULL || chiaro_history_entry_get_answer_first (entry) != entry)
            continue;
          retries += reply->attempts > 0 ? reply->attempts - 1 : 0;
          if (text == NULL)
            text = reply->text;
          if (finish_reason == NULL)
            finish_reason = reply->finish_reason;
          if (reply->usage.known)
            {
              prompt_tokens += reply->usage.prompt_tokens;
              output_tokens += reply->usage.candidates_tokens + reply->usage.thoughts_tokens;
              total_tokens += reply->usage.total_tokens;
            }
        }
      for (guint j = n_done; j < (guint) self->variants; j++)
        {
          add_failed_output (builder, ratio, n_entries + j - n_done, error);
          if (finish_reason == NULL && error != NULL && error->domain == CHIARO_API_ERROR)
            finish_reason = chiaro_api_error_get_reason (error);
        }
      for (guint j = 0; send_changes != NULL && send_changes[j] != NULL; j++)
        if (!g_ptr_array_find_with_equal_func (changes, send_changes[j], g_str_equal, NULL))
          g_ptr_array_add (changes, (gpointer) send_changes[j]);
    }
  json_builder_end_array (builder);

  chiaro_cli_json_add_string (builder, "text", text);
  chiaro_cli_json_add_string (builder, "finish_reason", finish_reason);
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, prompt_tokens);
  json_builder_set_member_name (builder, "output_tokens");
  json_builder_add_int_value (builder, output_tokens);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, total_tokens);
  json_builder_end_object (builder);
  add_double_or_null (builder, "estimated_cost_usd", estimate);
  json_builder_set_member_name (builder, "retries");
  json_builder_add_int_value (builder, retries);
  chiaro_cli_json_add_string (builder, "model", self->model_id);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (changes, i));
  json_builder_end_array (builder);

  chiaro_cli_json_add_string (builder, "project", dir);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ratios->len; i++)
    {
      Ratio *ratio = g_ptr_array_index (ratios, i);
      GPtrArray *entries = ratio->send != NULL ? chiaro_send_get_entries (ratio->send) : NULL;

      for (guint j = 0; entries != NULL && j < entries->len; j++)
        {
          ChiaroHistoryEntry *entry = g_ptr_array_index (entries, j);

          json_builder_add_string_value (builder, chiaro_history_entry_get_id (entry));
        }
    }
  json_builder_end_array (builder);
  chiaro_cli_json_add_string (builder, "cursor", chiaro_history_entry_get_id (cursor));
  chiaro_cli_json_add_string (builder, "recovered_from_backup", recovered);
  json_builder_end_object (builder);
  chiaro_cli_print_json (builder);
}

/* The final image of @send's first answer: its last entry sharing the first's reply (an
 * answer with several images is an entry per image). */
static ChiaroHistoryEntry *
first_answer_final (ChiaroSend *send)
{
  GPtrArray *entries = chiaro_send_get_entries (send);
  ChiaroHistoryEntry *final = NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (entries, i);

      if (final != NULL &&
          chiaro_history_entry_get_reply (entry) != chiaro_history_entry_get_reply (final))
        break;
      final = entry;
    }
  return final;
}

/* --pack: one pack send (chiaro_document_send_pack_async); each ratio's send reported as
 * one --aspect ratio's would be. */
static int
send_pack (ChiaroCliGenerate *self,
           ChiaroDocument    *document,
           GPtrArray         *ratios)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistoryEntry *first = NULL;

  chiaro_document_set_options (document, self->options);
  chiaro_document_set_prompt (document, self->prompt);
  for (guint i = 0; self->ratios[i] != NULL; i++)
    {
      const char *one[] = { self->ratios[i], NULL };
      Ratio *ratio = g_new0 (Ratio, 1);

      ratio->generate = self;
      ratio->aspect = g_strdup (self->ratios[i]);
      ratio->estimate = chiaro_document_estimate_pack_cost (document, one, NULL, self->variants);
      g_ptr_array_add (ratios, ratio);
    }

  chiaro_document_send_pack_async (document, (const char * const *) self->ratios, NULL,
                                   self->variants, self->cancellable, chiaro_cli_store_result,
                                   &result);
  chiaro_cli_wait (&result);
  sends = chiaro_document_send_pack_finish (document, result, &error);

  for (guint i = 0; i < ratios->len; i++)
    {
      Ratio *ratio = g_ptr_array_index (ratios, i);
      ChiaroSend *send = sends != NULL ? g_ptr_array_index (sends, i) : NULL;
      g_autofree char *prefix = NULL;
      const GError *send_error;

      if (send == NULL)
        ratio->error = g_error_copy (error);
      else if (chiaro_send_get_state (send) != CHIARO_SEND_DONE)
        ratio->error = g_error_copy (chiaro_send_get_error (send));
      else
        ratio->send = g_object_ref (send);

      send_error = ratio->error != NULL ? ratio->error
                   : ratio->send != NULL ? chiaro_send_get_error (ratio->send) : NULL;
      if (send_error != NULL)
        {
          note_failure (self, send_error);
          if (!g_error_matches (send_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_printerr ("chiaro-cli generate: %s%s\n", ratio_prefix (ratio, &prefix),
                        send_error->message);
        }
      if (first == NULL && ratio->send != NULL)
        first = first_answer_final (ratio->send);
    }

  if (first != NULL)
    chiaro_history_set_cursor (chiaro_document_get_history (document), first);
  return self->status;
}

static int
send_all (ChiaroCliGenerate *self,
          ChiaroDocument    *document,
          GPtrArray         *ratios)
{
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *first = NULL;

  if (self->pack)
    return send_pack (self, document, ratios);

  for (guint i = 0; self->ratios[i] != NULL; i++)
    {
      Ratio *ratio = g_new0 (Ratio, 1);

      ratio->generate = self;
      ratio->aspect = g_str_equal (self->ratios[i], "auto") ? NULL : g_strdup (self->ratios[i]);
      g_ptr_array_add (ratios, ratio);
      start_send (self, document, ratio);
    }

  for (guint i = 0; i < ratios->len; i++)
    {
      Ratio *ratio = g_ptr_array_index (ratios, i);

      chiaro_cli_wait (&ratio->result);
      finish_send (self, document, ratio);
      if (first == NULL && ratio->send != NULL)
        first = first_answer_final (ratio->send);
    }

  /* The sends finish in any order: the cursor goes to the first answer of the first ratio
   * (its final image). */
  if (first != NULL)
    chiaro_history_set_cursor (history, first);

  return self->status;
}

/**
 * chiaro_cli_generate_project:
 * @self: the command, its options checked and its files loaded
 *
 * Sends the prompt as the next turn of the project in self->project (made when missing),
 * writes --output when given, and saves the project.
 *
 * Returns: the exit status of DESIGN §8
 */
int
chiaro_cli_generate_project (ChiaroCliGenerate *self)
{
  g_autoptr(GFile) dir = g_file_new_for_commandline_arg (self->project);
  g_autoptr(ChiaroDocument) document = NULL;
  g_autoptr(GPtrArray) ratios = g_ptr_array_new_with_free_func ((GDestroyNotify) ratio_free);
  g_autoptr(GError) error = NULL;
  int status;

  document = chiaro_cli_open_project ("generate", dir,
                                      CHIARO_DOCUMENT_OPEN_CREATE |
                                      CHIARO_DOCUMENT_OPEN_FALLBACK_TO_BACKUP,
                                      self->catalog, &error);
  if (document == NULL)
    return chiaro_cli_exit_status_for_error (error);

  status = prepare (self, document);
  if (status == CHIARO_CLI_EXIT_OK && !g_cancellable_is_cancelled (self->cancellable))
    {
      send_all (self, document, ratios);
      write_outputs (self, document, ratios);
    }
  else if (status != CHIARO_CLI_EXIT_OK)
    {
      self->status = status;
    }

  if (!chiaro_cli_close_project (document, &error))
    {
      g_printerr ("chiaro-cli generate: %s\n", error->message);
      g_printerr ("chiaro-cli generate: %s\n",
                  _("chiaro-cli stops here: the project keeps the state it was last saved in, "
                    "and what this run could not save is not in it."));
      if (self->status != CHIARO_CLI_EXIT_INTERRUPTED)
        self->status = chiaro_cli_exit_status_for_error (error);
    }

  if (self->interrupted)
    self->status = CHIARO_CLI_EXIT_INTERRUPTED;

  if (ratios->len > 0)
    report (self, document, ratios);
  return self->status;
}
