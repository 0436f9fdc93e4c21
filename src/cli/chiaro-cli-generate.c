/* chiaro-cli-generate.c — chiaro-cli generate: one prompt to one or more images
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The contract is DESIGN §8; scripts depend on it. Each aspect ratio is planned once (the
 * planner fits the input and references to the model), then every ratio × variant request is
 * sent at the same time. Each answer's final image is written as soon as it arrives, so an
 * interrupted or partly failed run keeps what it already paid for.
 */

#define G_LOG_DOMAIN "chiaro-cli"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <unistd.h>

#include "chiaro-api-error.h"
#include "chiaro-api-key.h"
#include "chiaro-gemini-provider.h"
#include "chiaro-image.h"
#include "chiaro-mime.h"
#include "chiaro-openai-provider.h"
#include "chiaro-pack.h"
#include "chiaro-request-planner.h"

#include "chiaro-cli-generate.h"
#include "chiaro-cli.h"

typedef struct
{
  ChiaroCliGenerate      *generate;   /* (unowned) */
  char                   *path;
  char                   *aspect;     /* (nullable) NULL for auto */
  guint                   index;      /* 1-based variant number */
  ChiaroGenerationResult *result;
  GError                 *error;
  int                     width;
  int                     height;
  const char             *mime_type;
  gboolean                written;
  GPtrArray              *other_paths; /* the answer's earlier images, written */
  ChiaroHttpPhase         last_phase;
} Output;

static void
output_free (Output *output)
{
  g_free (output->path);
  g_free (output->aspect);
  g_clear_pointer (&output->result, chiaro_generation_result_unref);
  g_clear_error (&output->error);
  g_clear_pointer (&output->other_paths, g_ptr_array_unref);
  g_free (output);
}

static void
generate_clear (ChiaroCliGenerate *self)
{
  g_free (self->prompt);
  g_free (self->input);
  g_strfreev (self->refs);
  g_free (self->output);
  g_free (self->project);
  g_free (self->model_id);
  g_free (self->aspect);
  g_free (self->size);
  g_free (self->seed);
  g_free (self->system);
  g_free (self->provider_name);
  g_free (self->endpoint);
  g_free (self->pack_ratios);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->catalog);
  g_clear_pointer (&self->model, chiaro_model_info_unref);
  g_clear_pointer (&self->options, chiaro_generation_options_free);
  g_clear_pointer (&self->ratios, g_strfreev);
  g_clear_object (&self->canvas);
  g_clear_pointer (&self->references, g_ptr_array_unref);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_object (&self->provider);
  g_clear_object (&self->planner);
  g_clear_pointer (&self->outputs, g_ptr_array_unref);
  g_clear_pointer (&self->changes, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChiaroCliGenerate, generate_clear)

static int
usage_error (const char *message)
{
  g_printerr ("chiaro-cli generate: %s\n", message);
  return CHIARO_CLI_EXIT_USAGE;
}

/**
 * chiaro_cli_generate_mime_for_output:
 * @path: an output file name
 *
 * Returns: (nullable): the format its extension asks for, or %NULL when Chiaro cannot write it
 */
const char *
chiaro_cli_generate_mime_for_output (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".png"))
    return "image/png";
  if (g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg"))
    return "image/jpeg";
  if (g_str_has_suffix (lower, ".webp"))
    return "image/webp";
  return NULL;
}

/* Where the extension of the file name @path starts (its dot), or its end when it has none. */
static const char *
file_extension (const char *path)
{
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, G_DIR_SEPARATOR);

  if (dot == NULL || (slash != NULL && dot < slash))
    return path + strlen (path);
  return dot;
}

/**
 * chiaro_cli_generate_output_path:
 * @output: the --output file name
 * @aspect: (nullable): the ratio, %NULL for auto
 * @index: the variant, from 1
 * @several: whether the run makes more than one image
 *
 * out.png → out-9x16-2.png (DESIGN §8), or @output itself for a single image.
 *
 * Returns: (transfer full): the file name
 */
char *
chiaro_cli_generate_output_path (const char *output,
                                 const char *aspect,
                                 guint       index,
                                 gboolean    several)
{
  const char *dot = file_extension (output);
  g_autofree char *stem = NULL;
  g_autofree char *ratio = NULL;

  if (!several)
    return g_strdup (output);

  stem = g_strndup (output, dot - output);
  ratio = g_strdelimit (g_strdup (aspect != NULL ? aspect : "auto"), ":", 'x');
  return g_strdup_printf ("%s-%s-%u%s", stem, ratio, index, dot);
}

static gboolean
parse_seed (const char *text,
            gint32     *seed)
{
  gint64 value;

  if (!g_ascii_string_to_signed (text, 10, G_MININT32, G_MAXINT32, &value, NULL))
    return FALSE;
  *seed = (gint32) value;
  return TRUE;
}

static int
check_options (ChiaroCliGenerate *self)
{
  g_auto(GStrv) ratios = NULL;

  if (self->prompt == NULL || *self->prompt == '\0')
    return usage_error (_("--prompt is required"));
  if (self->output == NULL && !self->dry_run && self->project == NULL)
    return usage_error (_("--output is required (or --project)"));
  if (self->project != NULL && self->dry_run)
    return usage_error (_("--dry-run cannot be used with --project"));
  if (self->output != NULL && chiaro_cli_generate_mime_for_output (self->output) == NULL)
    return usage_error (_("The output file must end in .png, .jpg, .jpeg or .webp"));
  if (self->variants < 1 || self->variants > CHIARO_CLI_MAX_VARIANTS)
    return usage_error (_("--variants must be between 1 and 8"));
  if (self->retries < 0 || self->retries > 20)
    return usage_error (_("--retries must be between 0 and 20"));
  if (self->timeout < 1)
    return usage_error (_("--timeout must be at least 1 second"));
  if (self->temperature != -1 && (self->temperature < 0 || self->temperature > 2))
    return usage_error (_("--temperature must be between 0 and 2"));
  if (self->top_p != -1 && (self->top_p < 0 || self->top_p > 1))
    return usage_error (_("--top-p must be between 0 and 1"));
  if (!g_str_equal (self->provider_name, "gemini") && !g_str_equal (self->provider_name, "openai"))
    return usage_error (_("--provider must be gemini or openai"));
  if (self->pack && self->aspect != NULL)
    return usage_error (_("--pack names its own ratios: use --pack=RATIO,RATIO instead of "
                          "--aspect"));

  if (self->pack)
    {
      self->aspect = self->pack_ratios != NULL
                     ? g_strdup (self->pack_ratios)
                     : g_strjoinv (",", (char **) chiaro_pack_get_default_ratios ());
    }
  ratios = g_strsplit (self->aspect != NULL ? self->aspect : "auto", ",", -1);
  for (guint i = 0; ratios[i] != NULL; i++)
    {
      g_strstrip (ratios[i]);
      if (*ratios[i] == '\0')
        return usage_error (_("--aspect has an empty ratio"));
      for (guint j = 0; j < i; j++)
        if (g_str_equal (ratios[i], ratios[j]))
          return usage_error (_("--aspect names a ratio twice"));
      if (self->pack && g_str_equal (ratios[i], "auto"))
        return usage_error (_("Every image of a pack needs an aspect ratio"));
    }
  self->ratios = g_steal_pointer (&ratios);

  self->options = chiaro_generation_options_new ();
  self->options->image_size = g_strdup (self->size);
  self->options->temperature = self->temperature;
  self->options->top_p = self->top_p;
  self->options->grounding = self->grounding;
  self->options->system_instruction = g_strdup (self->system);
  if (self->seed != NULL)
    {
      if (!parse_seed (self->seed, &self->options->seed))
        return usage_error (_("--seed must be a whole number"));
      self->options->has_seed = TRUE;
    }

  return CHIARO_CLI_EXIT_OK;
}

/* Options the model does not take are refused before anything is read or sent. */
static int
check_model (ChiaroCliGenerate *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  const char *slash;

  /* A models.json that cannot be used is said once, and the run goes on without it. */
  self->catalog = chiaro_model_catalog_new_default_with_fallback (&warning);
  if (warning != NULL)
    g_printerr ("chiaro-cli generate: %s\n", warning);

  if (self->model_id == NULL)
    self->model_id = g_strdup (chiaro_model_catalog_get_default_id (self->catalog));
  slash = strrchr (self->model_id, '/');

  /* OpenAI-compatible routers name models "google/gemini-…". */
  self->model = chiaro_model_catalog_lookup (self->catalog,
                                             slash != NULL ? slash + 1 : self->model_id);

  for (guint i = 0; self->ratios[i] != NULL; i++)
    {
      g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_copy (self->options);

      options->aspect_ratio = g_strdup (self->ratios[i]);
      if (!chiaro_generation_options_validate (options, self->model,
                                               (self->refs != NULL ? g_strv_length (self->refs) : 0)
                                               + (self->input != NULL),
                                               &error))
        return usage_error (error->message);
    }

  return CHIARO_CLI_EXIT_OK;
}

static int
load_images (ChiaroCliGenerate *self)
{
  self->references = g_ptr_array_new_with_free_func (g_object_unref);
  self->labels = g_ptr_array_new_with_free_func (g_free);

  if (self->input != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (self->input);
      g_autoptr(GError) error = NULL;

      self->canvas = chiaro_cli_load_image (file, NULL, &error);
      if (self->canvas == NULL)
        {
          g_printerr ("chiaro-cli generate: %s\n", error->message);
          return CHIARO_CLI_EXIT_INPUT;
        }
    }

  for (guint i = 0; self->refs != NULL && self->refs[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup (self->refs[i]);
      g_autoptr(GFile) file = NULL;
      g_autoptr(GError) error = NULL;
      ChiaroImage *image;
      char *label = NULL;
      char *equals = strrchr (path, '=');

      /* IMAGE=LABEL, unless the whole argument names a file that has '=' in its name. */
      if (equals != NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
        {
          *equals = '\0';
          label = g_strdup (equals + 1);
        }

      file = g_file_new_for_commandline_arg (path);
      image = chiaro_cli_load_image (file, NULL, &error);
      if (image == NULL)
        {
          g_free (label);
          g_printerr ("chiaro-cli generate: %s\n", error->message);
          return CHIARO_CLI_EXIT_INPUT;
        }
      g_ptr_array_add (self->references, image);
      g_ptr_array_add (self->labels, label);
    }

  return CHIARO_CLI_EXIT_OK;
}

static ChiaroPlanInput *
make_plan_input (ChiaroCliGenerate   *self,
                 const char *ratio)
{
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_copy (self->options);
  g_autofree char *composed = NULL;
  ChiaroPlanInput *input;

  if (!g_str_equal (ratio, "auto"))
    options->aspect_ratio = g_strdup (ratio);

  /* A pack re-frames the picture for each ratio (chiaro-pack.h). */
  if (self->pack)
    composed = chiaro_pack_compose_prompt (self->prompt, ratio);
  input = chiaro_plan_input_new (self->model, options,
                                 composed != NULL ? composed : self->prompt);
  if (self->canvas != NULL)
    input->canvas = g_object_ref (self->canvas);
  for (guint i = 0; i < self->references->len; i++)
    chiaro_plan_input_add_reference (input, g_ptr_array_index (self->references, i),
                                     g_ptr_array_index (self->labels, i));
  return input;
}

/* The first failure decides the status; an interruption beats everything. */
static void
note_failure (ChiaroCliGenerate     *self,
              const GError *error)
{
  int status = chiaro_cli_exit_status_for_error (error);

  if (status == CHIARO_CLI_EXIT_INTERRUPTED || self->status == CHIARO_CLI_EXIT_OK)
    self->status = status;
}

static char *
output_label (Output *output)
{
  return g_strdup_printf ("%s #%u", output->aspect != NULL ? output->aspect : "auto",
                          output->index);
}

static void
on_progress (const ChiaroGenerationProgress *progress,
             gpointer                        user_data)
{
  Output *output = user_data;
  const ChiaroHttpProgress *http = &progress->http;
  g_autofree char *label = NULL;

  if (!output->generate->progress)
    return;

  label = output_label (output);
  switch (http->phase)
    {
    case CHIARO_HTTP_PHASE_RETRY_WAIT:
      /* Translators: %s names the output ("16:9 #2"); then seconds, attempt, attempts. */
      g_printerr (_("%s: retrying in %.1f s (attempt %u)\n"), label,
                  http->retry_delay_ms / 1000.0, http->attempt);
      break;

    case CHIARO_HTTP_PHASE_WAITING:
      if (output->last_phase != http->phase)
        g_printerr (_("%s: waiting for the model…\n"), label);
      break;

    case CHIARO_HTTP_PHASE_RECEIVING:
      if (output->last_phase != http->phase)
        g_printerr (_("%s: receiving the image…\n"), label);
      break;

    case CHIARO_HTTP_PHASE_CONNECTING:
    case CHIARO_HTTP_PHASE_SENDING:
    case CHIARO_HTTP_PHASE_DONE:
    default:
      break;
    }
  output->last_phase = http->phase;
}

/**
 * chiaro_cli_generate_write_image:
 * @bytes: an image as received
 * @sniffed_mime_type: (nullable): its format, from its bytes
 * @path: the file to write; its extension picks the format
 * @width: (out): the upright width written
 * @height: (out): the upright height written
 * @error: a #GError
 *
 * Writes the bytes as received when their format matches the file name, converted otherwise.
 *
 * Returns: %TRUE when the file was written
 */
gboolean
chiaro_cli_generate_write_image (GBytes      *bytes,
                                 const char  *sniffed_mime_type,
                                 const char  *path,
                                 int         *width,
                                 int         *height,
                                 GError     **error)
{
  const char *wanted = chiaro_cli_generate_mime_for_output (path);
  g_autoptr(ChiaroImage) probe = NULL;
  g_autoptr(GBytes) written = NULL;

  g_return_val_if_fail (wanted != NULL, FALSE);

  probe = chiaro_image_new_from_bytes (bytes, path, error);
  if (probe == NULL)
    return FALSE;

  if (sniffed_mime_type != NULL && g_str_equal (sniffed_mime_type, wanted))
    {
      written = g_bytes_ref (bytes);
    }
  else
    {
      g_autoptr(GdkPixbuf) pixbuf = chiaro_image_decode (probe, NULL, error);
      g_autofree char *buffer = NULL;
      gsize size;
      const char *type = g_str_equal (wanted, "image/png") ? "png"
                         : g_str_equal (wanted, "image/jpeg") ? "jpeg" : "webp";

      if (pixbuf == NULL)
        return FALSE;
      if (g_str_equal (type, "png"))
        {
          if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, type, error, NULL))
            return FALSE;
        }
      else if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, type, error,
                                           "quality", "95", NULL))
        {
          return FALSE;
        }
      written = g_bytes_new_take (g_steal_pointer (&buffer), size);
    }

  if (!g_file_set_contents (path, g_bytes_get_data (written, NULL),
                            g_bytes_get_size (written), error))
    return FALSE;

  *width = chiaro_image_get_width (probe);
  *height = chiaro_image_get_height (probe);
  return TRUE;
}

/**
 * chiaro_cli_generate_add_metadata:
 * @self: the command
 * @metadata: the provenance of the image
 * @path: a file just written
 * @error: a #GError
 *
 * Returns: %TRUE when there was nothing to do or the metadata was written
 */
gboolean
chiaro_cli_generate_add_metadata (ChiaroCliGenerate          *self,
                                  const ChiaroExportMetadata *metadata,
                                  const char                 *path,
                                  GError                    **error)
{
  if (!self->export_metadata)
    return TRUE;
  return chiaro_export_metadata_write_file (metadata, path, error);
}

/* Writes one image of an answer to @path, with the provenance when asked for. */
static gboolean
write_image (Output      *output,
             ChiaroPart  *image,
             const char  *path,
             int         *width,
             int         *height,
             GError     **error)
{
  gint64 started_us = g_get_monotonic_time ();

  if (!chiaro_cli_generate_write_image (image->data, image->sniffed_mime_type, path,
                                        width, height, error))
    return FALSE;
  g_debug ("%" G_GSIZE_FORMAT " bytes written in %.1f ms", g_bytes_get_size (image->data),
           (g_get_monotonic_time () - started_us) / 1000.0);
  if (output->generate->export_metadata)
    {
      const char *prompts[] = { output->generate->prompt, NULL };
      g_autoptr(ChiaroExportMetadata) metadata =
        chiaro_export_metadata_new (prompts, output->generate->model_id,
                                    output->generate->canvas != NULL);

      if (!chiaro_cli_generate_add_metadata (output->generate, metadata, path, error))
        return FALSE;
    }
  return TRUE;
}

/* Writes the final image of an answer. */
static gboolean
write_output (Output      *output,
              ChiaroPart  *image,
              GError     **error)
{
  if (!write_image (output, image, output->path, &output->width, &output->height, error))
    return FALSE;
  output->mime_type = chiaro_cli_generate_mime_for_output (output->path);
  output->written = TRUE;
  return TRUE;
}

/**
 * chiaro_cli_generate_other_image_path:
 * @path: the output's file name
 * @n: the image's place among the answer's earlier images, from 1
 *
 * out.png → out-image1.png: where an answer's images before its final one go.
 *
 * Returns: (transfer full): the file name
 */
char *
chiaro_cli_generate_other_image_path (const char *path,
                                      guint       n)
{
  const char *dot = file_extension (path);

  return g_strdup_printf ("%.*s-image%u%s", (int) (dot - path), path, n, dot);
}

/* An answer may hold several images (text and images interleaved): the final one is the
 * output, and each one before it, paid for too, goes next to it. One that cannot be written
 * is reported and makes the exit status say so; the others are still written. */
static void
write_other_images (Output *output)
{
  ChiaroGenerationResult *result = output->result;

  for (guint i = 0; i + 1 < result->images->len; i++)
    {
      ChiaroPart *image = g_ptr_array_index (result->images, i);
      g_autofree char *path = chiaro_cli_generate_other_image_path (output->path, i + 1);
      g_autoptr(GError) error = NULL;
      int width, height;

      if (image->data == NULL)
        continue;
      if (!write_image (output, image, path, &width, &height, &error))
        {
          g_prefix_error (&error, "%s: ", path);
          note_failure (output->generate, error);
          g_printerr ("chiaro-cli generate: %s\n", error->message);
          continue;
        }
      if (output->generate->progress)
        {
          g_autofree char *label = output_label (output);

          g_printerr (_("%s: wrote %s\n"), label, path);
        }
      g_ptr_array_add (output->other_paths, g_steal_pointer (&path));
    }
}

static void
finish_one (ChiaroCliGenerate *self)
{
  g_assert (self->pending > 0);

  if (--self->pending == 0)
    g_main_loop_quit (self->loop);
}

static void
on_generated (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Output *output = user_data;
  ChiaroCliGenerate *self = output->generate;
  g_autofree char *label = output_label (output);
  ChiaroPart *image;

  output->result = chiaro_provider_generate_finish (CHIARO_PROVIDER (source), res,
                                                    &output->error);
  if (output->result != NULL)
    {
      image = chiaro_generation_result_get_final_image (output->result);
      if (!write_output (output, image, &output->error))
        g_prefix_error (&output->error, "%s: ", output->path);
      write_other_images (output);
    }

  if (output->error != NULL)
    {
      note_failure (self, output->error);
      if (!g_error_matches (output->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr ("chiaro-cli generate: %s: %s\n", label, output->error->message);
    }
  else if (self->progress)
    {
      g_printerr (_("%s: wrote %s\n"), label, output->path);
    }

  finish_one (self);
}

static void
send_variants (ChiaroCliGenerate   *self,
               const char *ratio,
               ChiaroPlan *plan)
{
  gboolean several = g_strv_length (self->ratios) * self->variants > 1;

  for (guint i = 0; i < plan->changes->len; i++)
    {
      ChiaroPlanChange *change = g_ptr_array_index (plan->changes, i);

      if (!g_ptr_array_find_with_equal_func (self->changes, change->message, g_str_equal, NULL))
        g_ptr_array_add (self->changes, g_strdup (change->message));
    }

  for (int v = 1; v <= self->variants; v++)
    {
      g_autoptr(ChiaroGenerationRequest) request = NULL;
      Output *output = g_new0 (Output, 1);

      output->generate = self;
      output->aspect = g_str_equal (ratio, "auto") ? NULL : g_strdup (ratio);
      output->index = v;
      output->path = chiaro_cli_generate_output_path (self->output, output->aspect, v, several);
      output->other_paths = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->outputs, output);

      /* Variants with one seed would be one image several times: each gets its own. */
      if (v > 1 && plan->request->options->has_seed)
        {
          g_autoptr(ChiaroGenerationOptions) options =
            chiaro_generation_options_copy (plan->request->options);

          options->seed = (gint32) ((guint32) options->seed + (guint32) (v - 1));
          request = chiaro_generation_request_new (plan->request->model, options);
          for (guint i = 0; i < plan->request->contents->len; i++)
            chiaro_generation_request_add_content (request,
                                                   g_ptr_array_index (plan->request->contents, i));
        }
      else
        {
          request = chiaro_generation_request_ref (plan->request);
        }
      chiaro_generation_request_set_model_id (request, self->model_id);

      self->pending++;
      chiaro_provider_generate_async (self->provider, request, on_progress, output, NULL,
                                      self->cancellable, on_generated, output);
    }
}

typedef struct
{
  ChiaroCliGenerate *generate;
  char     *ratio;
} PlanCall;

static void
on_planned (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  PlanCall *call = user_data;
  ChiaroCliGenerate *self = call->generate;
  g_autoptr(ChiaroPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  plan = chiaro_request_planner_plan_finish (CHIARO_REQUEST_PLANNER (source), res, &error);
  if (plan == NULL)
    {
      note_failure (self, error);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr ("chiaro-cli generate: %s\n", error->message);
    }
  else if (!g_cancellable_is_cancelled (self->cancellable))
    {
      send_variants (self, call->ratio, plan);
    }

  g_free (call->ratio);
  g_free (call);
  finish_one (self);
}

static gboolean
on_interrupt (gpointer user_data)
{
  ChiaroCliGenerate *self = user_data;

  self->interrupted = TRUE;
  self->status = CHIARO_CLI_EXIT_INTERRUPTED;
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
add_usage (JsonBuilder *builder,
           ChiaroCliGenerate    *self)
{
  gint64 prompt = 0, output = 0, total = 0;

  for (guint i = 0; i < self->outputs->len; i++)
    {
      Output *o = g_ptr_array_index (self->outputs, i);

      if (o->result == NULL || !o->result->usage.known)
        continue;
      prompt += o->result->usage.prompt_tokens;
      output += o->result->usage.candidates_tokens + o->result->usage.thoughts_tokens;
      total += o->result->usage.total_tokens;
    }

  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, prompt);
  json_builder_set_member_name (builder, "output_tokens");
  json_builder_add_int_value (builder, output);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, total);
  json_builder_end_object (builder);
}

static void
add_output (JsonBuilder *builder,
            Output      *output)
{
  ChiaroGenerationResult *result = output->result;

  json_builder_begin_object (builder);
  chiaro_cli_json_add_string (builder, "path", output->written ? output->path : NULL);
  chiaro_cli_json_add_string (builder, "aspect", output->aspect);
  json_builder_set_member_name (builder, "variant");
  json_builder_add_int_value (builder, output->index);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, output->width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, output->height);
  chiaro_cli_json_add_string (builder, "mime", output->mime_type);
  chiaro_cli_json_add_string (builder, "status", output->written ? "ok" : "failed");
  chiaro_cli_json_add_string (builder, "error", output->error != NULL ? output->error->message : NULL);
  chiaro_cli_json_add_string (builder, "error_detail",
                       output->error != NULL ? chiaro_api_error_get_detail (output->error) : NULL);
  chiaro_cli_json_add_string (builder, "error_reason",
                       output->error != NULL ? chiaro_api_error_get_reason (output->error) : NULL);
  chiaro_cli_json_add_string (builder, "text", result != NULL ? result->text : NULL);
  chiaro_cli_json_add_string (builder, "finish_reason", result != NULL ? result->finish_reason : NULL);
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, result != NULL ? result->attempts
                                      : output->error != NULL ? chiaro_api_error_get_attempts (output->error) : 0);
  json_builder_set_member_name (builder, "other_images");
  json_builder_begin_array (builder);
  for (guint i = 0; i < output->other_paths->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (output->other_paths, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "cost_usd");
  if (result != NULL && result->cost_usd >= 0)
    json_builder_add_double_value (builder, result->cost_usd);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static double
estimate_cost (ChiaroCliGenerate *self)
{
  guint n_outputs = g_strv_length (self->ratios) * self->variants;
  guint n_inputs = self->references->len + (self->canvas != NULL ? 1 : 0);

  return chiaro_model_info_estimate_cost (self->model, self->size, n_outputs, n_inputs,
                                          strlen (self->prompt));
}

static void
add_cost (JsonBuilder *builder,
          double       cost)
{
  json_builder_set_member_name (builder, "estimated_cost_usd");
  if (cost >= 0)
    json_builder_add_double_value (builder, cost);
  else
    json_builder_add_null_value (builder);
}

static void
report (ChiaroCliGenerate *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *text = NULL;
  const char *finish_reason = NULL;
  guint retries = 0;

  for (guint i = 0; i < self->outputs->len; i++)
    {
      Output *output = g_ptr_array_index (self->outputs, i);

      if (output->result != NULL)
        {
          retries += output->result->attempts - 1;
          if (text == NULL)
            text = output->result->text;
          if (finish_reason == NULL)
            finish_reason = output->result->finish_reason;
        }
      else if (output->error != NULL)
        {
          retries += chiaro_api_error_get_attempts (output->error) - 1;
          if (finish_reason == NULL && output->error->domain == CHIARO_API_ERROR)
            finish_reason = chiaro_api_error_get_reason (output->error);
        }
    }

  if (!self->json)
    {
      for (guint i = 0; i < self->outputs->len; i++)
        {
          Output *output = g_ptr_array_index (self->outputs, i);

          if (output->written)
            g_print ("%s\n", output->path);
        }
      if (text != NULL)
        g_printerr ("%s\n", text);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "outputs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->outputs->len; i++)
    add_output (builder, g_ptr_array_index (self->outputs, i));
  json_builder_end_array (builder);
  chiaro_cli_json_add_string (builder, "text", text);
  chiaro_cli_json_add_string (builder, "finish_reason", finish_reason);
  add_usage (builder, self);
  add_cost (builder, estimate_cost (self));
  json_builder_set_member_name (builder, "retries");
  json_builder_add_int_value (builder, retries);
  chiaro_cli_json_add_string (builder, "model", self->model_id);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->changes->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->changes, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  chiaro_cli_print_json (builder);
}

/* --dry-run: the requests as they would be sent, image data elided, and the estimate. */
static int
dry_run (ChiaroCliGenerate *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_begin_array (builder);

  for (guint i = 0; self->ratios[i] != NULL; i++)
    {
      g_autoptr(ChiaroPlanInput) input = make_plan_input (self, self->ratios[i]);
      g_autoptr(ChiaroPlan) plan = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *uri = NULL;

      plan = chiaro_request_planner_plan (self->planner, input, NULL, &error);
      if (plan == NULL)
        {
          g_printerr ("chiaro-cli generate: %s\n", error->message);
          return chiaro_cli_exit_status_for_error (error);
        }
      chiaro_generation_request_set_model_id (plan->request, self->model_id);

      uri = chiaro_provider_dup_request_uri (self->provider, plan->request);
      body = chiaro_provider_build_body (self->provider, plan->request, TRUE);
      if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                       g_bytes_get_size (body), &error))
        g_error ("the request body is not JSON: %s", error->message);

      json_builder_begin_object (builder);
      chiaro_cli_json_add_string (builder, "aspect", g_str_equal (self->ratios[i], "auto") ? NULL
                                                                                     : self->ratios[i]);
      json_builder_set_member_name (builder, "variants");
      json_builder_add_int_value (builder, self->variants);
      chiaro_cli_json_add_string (builder, "url", uri);
      json_builder_set_member_name (builder, "body");
      json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
      json_builder_set_member_name (builder, "changes");
      json_builder_begin_array (builder);
      for (guint j = 0; j < plan->changes->len; j++)
        json_builder_add_string_value (builder,
                                       ((ChiaroPlanChange *) g_ptr_array_index (plan->changes, j))->message);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  add_cost (builder, estimate_cost (self));
  chiaro_cli_json_add_string (builder, "model", self->model_id);
  json_builder_end_object (builder);
  chiaro_cli_print_json (builder);
  return CHIARO_CLI_EXIT_OK;
}

static void
on_key (GObject      *source,
        GAsyncResult *res,
        gpointer      user_data)
{
  char **key = user_data;
  g_autoptr(GError) error = NULL;

  *key = chiaro_api_key_lookup_finish (res, &error);
  if (error != NULL)
    g_debug ("keyring lookup failed: %s", error->message);
  if (*key == NULL)
    *key = g_strdup ("");
}

/**
 * chiaro_cli_generate_find_key:
 * @self: the command
 *
 * Looks the key up for the provider and endpoint (environment, then keyring).
 *
 * Returns: (transfer full) (nullable): the key, or %NULL when there is none
 */
char *
chiaro_cli_generate_find_key (ChiaroCliGenerate *self)
{
  char *key = NULL;

  chiaro_api_key_lookup_async (self->provider_name, self->endpoint, self->cancellable,
                               on_key, &key);
  while (key == NULL)
    g_main_context_iteration (NULL, TRUE);

  if (*key == '\0')
    g_clear_pointer (&key, g_free);
  return key;
}

/**
 * chiaro_cli_generate_make_provider:
 * @self: the command
 * @key: the API key
 *
 * Makes self->provider, with its own HTTP session sized for every variant at once.
 */
void
chiaro_cli_generate_make_provider (ChiaroCliGenerate *self,
                                   const char        *key)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(ChiaroHttpClient) http = NULL;

  /* Every variant is its own request, and they all go out at once. */
  session = soup_session_new_with_options ("max-conns-per-host",
                                           2 * CHIARO_CLI_MAX_VARIANTS * 4,
                                           "max-conns", 4 * CHIARO_CLI_MAX_VARIANTS * 4,
                                           NULL);
  http = chiaro_http_client_new (session);
  chiaro_http_client_set_max_attempts (http, self->retries + 1);
  chiaro_http_client_set_timeout (http, self->timeout);

  if (g_str_equal (self->provider_name, "openai"))
    self->provider = chiaro_openai_provider_new (http, self->endpoint, key);
  else
    self->provider = chiaro_gemini_provider_new (http, self->endpoint, key);
}

static int
run (ChiaroCliGenerate *self)
{
  g_autofree char *key = NULL;
  guint sigint_id, sigterm_id;
  int status;

  if ((status = check_options (self)) != CHIARO_CLI_EXIT_OK ||
      (status = check_model (self)) != CHIARO_CLI_EXIT_OK ||
      (status = load_images (self)) != CHIARO_CLI_EXIT_OK)
    return status;

  if (self->endpoint == NULL)
    self->endpoint = g_strdup (g_getenv ("CHIARO_ENDPOINT"));
  if (self->endpoint == NULL)
    self->endpoint = g_strdup (g_str_equal (self->provider_name, "openai")
                               ? CHIARO_OPENAI_DEFAULT_ENDPOINT : CHIARO_GEMINI_DEFAULT_ENDPOINT);

  self->cancellable = g_cancellable_new ();
  self->planner = chiaro_request_planner_new ();
  self->outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) output_free);
  self->changes = g_ptr_array_new_with_free_func (g_free);

  if (self->dry_run)
    {
      chiaro_cli_generate_make_provider (self, "");
      return dry_run (self);
    }

  key = chiaro_cli_generate_find_key (self);
  if (key == NULL)
    {
      g_printerr ("chiaro-cli generate: %s\n",
                  _("No API key. Set CHIARO_API_KEY (or GEMINI_API_KEY / OPENAI_API_KEY), "
                    "or save a key in Chiaro's preferences."));
      return CHIARO_CLI_EXIT_FAILED;
    }
  chiaro_cli_generate_make_provider (self, key);

  self->loop = g_main_loop_new (NULL, FALSE);
  self->progress = isatty (STDERR_FILENO);
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, self);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, self);

  if (self->project != NULL)
    {
      status = chiaro_cli_generate_project (self);
      g_source_remove (sigint_id);
      g_source_remove (sigterm_id);
      return status;
    }

  for (guint i = 0; self->ratios[i] != NULL; i++)
    {
      PlanCall *call = g_new0 (PlanCall, 1);

      call->generate = self;
      call->ratio = g_strdup (self->ratios[i]);
      self->pending++;
      chiaro_request_planner_plan_async (self->planner, make_plan_input (self, self->ratios[i]),
                                         self->cancellable, on_planned, call);
    }

  g_main_loop_run (self->loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  report (self);
  return self->status;
}

static gboolean
on_pack_option (const char  *name,
                const char  *value,
                gpointer     user_data,
                GError     **error)
{
  ChiaroCliGenerate *self = user_data;

  self->pack = TRUE;
  g_clear_pointer (&self->pack_ratios, g_free);
  if (value != NULL && *value != '\0')
    self->pack_ratios = g_strdup (value);
  return TRUE;
}

/**
 * chiaro_cli_generate_command:
 * @argc: the argument count
 * @argv: (array length=argc): the arguments, argv[0] being "generate"
 *
 * Returns: the exit status of DESIGN §8
 */
int
chiaro_cli_generate_command (int    argc,
                             char **argv)
{
  g_auto(ChiaroCliGenerate) self = {
    .variants = 1,
    .temperature = -1,
    .top_p = -1,
    .timeout = 300,
    .retries = 4,
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  GOptionGroup *group;
  const GOptionEntry entries[] = {
    { "prompt", 0, 0, G_OPTION_ARG_STRING, &self.prompt, N_("What to draw or change"), N_("TEXT") },
    { "input", 0, 0, G_OPTION_ARG_FILENAME, &self.input, N_("The photo to edit"), N_("IMAGE") },
    { "ref", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &self.refs, N_("A reference image, with an optional label"), N_("IMAGE[=LABEL]") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &self.output, N_("Where to write the image (.png, .jpg, .webp)"), N_("FILE") },
    { "project", 0, 0, G_OPTION_ARG_FILENAME, &self.project, N_("Continue the project in this folder (made when missing)"), N_("DIR") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &self.model_id, N_("The model id"), N_("ID") },
    { "aspect", 0, 0, G_OPTION_ARG_STRING, &self.aspect, N_("Aspect ratios, comma-separated, or auto"), N_("RATIO[,RATIO…]") },
    { "size", 0, 0, G_OPTION_ARG_STRING, &self.size, N_("Resolution: 512, 1K, 2K or 4K"), N_("SIZE") },
    { "variants", 0, 0, G_OPTION_ARG_INT, &self.variants, N_("Images per aspect ratio (1–8)"), N_("N") },
    { "temperature", 0, 0, G_OPTION_ARG_DOUBLE, &self.temperature, N_("Sampling temperature (0–2)"), N_("F") },
    { "top-p", 0, 0, G_OPTION_ARG_DOUBLE, &self.top_p, N_("Nucleus sampling (0–1)"), N_("F") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &self.seed, N_("Seed for repeatable results"), N_("N") },
    { "grounding", 0, 0, G_OPTION_ARG_NONE, &self.grounding, N_("Let the model search the web"), NULL },
    { "system", 0, 0, G_OPTION_ARG_STRING, &self.system, N_("A system instruction"), N_("TEXT") },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &self.provider_name, N_("gemini or openai"), N_("NAME") },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &self.endpoint, N_("The API's base URL"), N_("URL") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &self.timeout, N_("Seconds to wait for each answer"), N_("SECONDS") },
    { "retries", 0, 0, G_OPTION_ARG_INT, &self.retries, N_("Retries after a busy or failed server (default 4)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &self.json, N_("Print one JSON object on standard output"), NULL },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &self.dry_run, N_("Print the request and its cost; send nothing"), NULL },
    { "pack", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, (gpointer) on_pack_option, N_("A social-format pack: each ratio re-framed around the subject (default 1:1,4:5,9:16,16:9,21:9)"), N_("RATIO[,RATIO…]") },
    { "export-metadata", 0, 0, G_OPTION_ARG_NONE, &self.export_metadata, N_("Write the prompt, model and AI source type into the images written"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Create or edit images with a Gemini image model."));
  g_option_context_set_description (context,
    _("With --project DIR the send is the next turn of the project in DIR, as in the app: the "
      "image at the project's cursor is the input, the conversation along its branch is sent "
      "with it, and the answers are added to the history, the cursor moving to the first one. "
      "An answer holding several images adds an entry for each (siblings, like variants; "
      "with --output a file for each, numbered like variants). "
      "A folder without a project becomes one; its first --input (if any) is the photo the "
      "history starts from. Once the project has an image, --input is refused (exit 2): use "
      "chiaro-cli project undo/redo to choose the image to continue from. The --ref images "
      "replace the project's reference tray for this send (no --ref empties it). --output is "
      "optional; the images are in DIR/images either way. --dry-run is not available with "
      "--project.\n\n"
      "--pack sends one request per ratio (by default 1:1, 4:5, 9:16, 16:9 and 21:9), each "
      "asking the model to re-frame the picture to its ratio around the subject; the files are "
      "named from --output and the ratio (out.png → out-9x16-1.png). An answer holding several "
      "images writes its final image there and each earlier one beside it (out-image1.png). "
      "With --project the sends "
      "are one pack in the history. --export-metadata writes into each file written the "
      "prompts, the model, \"Chiaro\" as the creator tool and the IPTC digital source type.\n\n"
      "Exit status: 0 every image made; 2 a usage error or an option the model does not take; "
      "3 an input file unreadable, or the project locked by another process, unreadable or "
      "impossible to save (disk full, read-only); 4 the model refused or drew nothing; "
      "5 network, key or server failure after the retries; 130 interrupted (with --project "
      "the project is saved first)."));
  group = g_option_group_new ("generate", NULL, NULL, &self, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, group);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 1)
    return usage_error (_("Unexpected arguments; put the prompt in --prompt"));

  if (self.provider_name == NULL)
    self.provider_name = g_strdup ("gemini");

  return run (&self);
}
