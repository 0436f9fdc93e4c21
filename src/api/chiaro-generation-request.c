/* chiaro-generation-request.c — everything one generation request sends
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-generation-request"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-api-error.h"

#include "chiaro-generation-request.h"

G_DEFINE_BOXED_TYPE (ChiaroGenerationOptions, chiaro_generation_options,
                     chiaro_generation_options_copy, chiaro_generation_options_free)
G_DEFINE_BOXED_TYPE (ChiaroGenerationRequest, chiaro_generation_request,
                     chiaro_generation_request_ref, chiaro_generation_request_unref)

ChiaroGenerationOptions *
chiaro_generation_options_new (void)
{
  ChiaroGenerationOptions *options = g_new0 (ChiaroGenerationOptions, 1);

  options->temperature = -1;
  options->top_p = -1;
  return options;
}

ChiaroGenerationOptions *
chiaro_generation_options_copy (const ChiaroGenerationOptions *options)
{
  ChiaroGenerationOptions *copy;

  g_return_val_if_fail (options != NULL, NULL);

  copy = g_memdup2 (options, sizeof *options);
  copy->aspect_ratio = g_strdup (options->aspect_ratio);
  copy->image_size = g_strdup (options->image_size);
  copy->system_instruction = g_strdup (options->system_instruction);
  copy->thinking_level = g_strdup (options->thinking_level);
  return copy;
}

void
chiaro_generation_options_free (ChiaroGenerationOptions *options)
{
  if (options == NULL)
    return;

  g_free (options->aspect_ratio);
  g_free (options->image_size);
  g_free (options->system_instruction);
  g_free (options->thinking_level);
  g_free (options);
}

/**
 * chiaro_generation_options_get_aspect_ratio:
 * @options: the options
 *
 * Returns: (nullable): the ratio to send, or %NULL when the model is to choose ("auto")
 */
const char *
chiaro_generation_options_get_aspect_ratio (const ChiaroGenerationOptions *options)
{
  const char *ratio;

  g_return_val_if_fail (options != NULL, NULL);

  ratio = options->aspect_ratio;
  if (ratio == NULL || *ratio == '\0' || g_str_equal (ratio, "auto"))
    return NULL;
  return ratio;
}

/**
 * chiaro_generation_options_get_image_size:
 * @options: the options
 * @model: the model they are for
 *
 * Returns: (nullable): the size to send: %NULL when none is set or the model offers no choice
 */
const char *
chiaro_generation_options_get_image_size (const ChiaroGenerationOptions *options,
                                          ChiaroModelInfo               *model)
{
  const char * const *sizes;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (model != NULL, NULL);

  sizes = chiaro_model_info_get_image_sizes (model);
  if (sizes == NULL || sizes[0] == NULL)
    return NULL;
  return options->image_size;
}

static gboolean
refuse (GError     **error,
        const char  *reason,
        const char  *format,
        ...) G_GNUC_PRINTF (3, 4);

static gboolean
refuse (GError     **error,
        const char  *reason,
        const char  *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  chiaro_api_error_set (error, CHIARO_API_ERROR_UNSUPPORTED_OPTION, message, NULL, 0, reason);
  return FALSE;
}

/**
 * chiaro_generation_options_validate:
 * @options: the options
 * @model: the model they are for
 * @n_images: how many input images go with them: the photo being edited and the references
 * @error: the first option the model does not take fills this
 *
 * Refuses before sending what the server would refuse anyway (a ratio, a size, grounding, a
 * system instruction, more input images than the model takes), with a message that names the
 * option.
 */
gboolean
chiaro_generation_options_validate (const ChiaroGenerationOptions  *options,
                                    ChiaroModelInfo                *model,
                                    guint                           n_images,
                                    GError                        **error)
{
  const char *name;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  name = chiaro_model_info_get_name (model);

  if (chiaro_generation_options_get_aspect_ratio (options) != NULL &&
      !chiaro_model_info_accepts_aspect_ratio (model, options->aspect_ratio))
    {
      g_autofree char *list =
        g_strjoinv (", ", (char **) chiaro_model_info_get_aspect_ratios (model));

      /* Translators: the first %s is an aspect ratio such as 4:1, the second a model name,
       * the third a list of ratios. */
      return refuse (error, "aspect_ratio", _("The aspect ratio %s is not available on %s. Choose one of %s."),
                     options->aspect_ratio, name, list);
    }

  if (options->image_size != NULL &&
      !chiaro_model_info_accepts_image_size (model, options->image_size))
    {
      const char * const *sizes = chiaro_model_info_get_image_sizes (model);

      if (sizes == NULL || sizes[0] == NULL)
        /* Translators: %s is a model name. */
        return refuse (error, "image_size", _("%s does not offer a choice of resolution."), name);
      else
        {
          g_autofree char *list = g_strjoinv (", ", (char **) sizes);

          /* Translators: the first %s is a resolution such as 4K, the second a model name,
           * the third a list of resolutions. */
          return refuse (error, "image_size", _("The resolution %s is not available on %s. Choose one of %s."),
                         options->image_size, name, list);
        }
    }

  if (options->grounding &&
      chiaro_model_info_get_grounding (model) == CHIARO_GROUNDING_NONE)
    /* Translators: %s is a model name. */
    return refuse (error, "grounding", _("%s cannot search the web. Turn off Google Search grounding."), name);

  if (options->grounding && options->image_search &&
      chiaro_model_info_get_grounding (model) != CHIARO_GROUNDING_WEB_AND_IMAGE)
    /* Translators: %s is a model name. */
    return refuse (error, "image_search", _("%s cannot search for images. Turn off image search."), name);

  if (options->system_instruction != NULL && *options->system_instruction != '\0' &&
      !chiaro_model_info_get_system_instruction (model))
    /* Translators: %s is a model name. */
    return refuse (error, "system_instruction", _("%s does not take a system instruction."), name);

  if (options->thinking_level != NULL)
    {
      const char * const *levels = chiaro_model_info_get_thinking_levels (model);

      if (chiaro_model_info_get_thinking (model) != CHIARO_THINKING_LEVELS ||
          levels == NULL || !g_strv_contains (levels, options->thinking_level))
        /* Translators: the first %s is a thinking level such as HIGH, the second a model name. */
        return refuse (error, "thinking_level", _("The thinking level %s is not available on %s."),
                       options->thinking_level, name);
    }

  if (options->temperature > 2.0)
    return refuse (error, "temperature", _("The temperature must be between 0 and 2."));

  if (options->top_p > 1.0)
    return refuse (error, "top_p", _("Top-p must be between 0 and 1."));

  if (n_images > chiaro_model_info_get_max_references (model))
    /* Translators: %s is a model name, %u a number of images. */
    return refuse (error, "references",
                   ngettext ("%s takes at most %u input image, the photo being edited included. Remove some references from the tray.",
                             "%s takes at most %u input images, the photo being edited included. Remove some references from the tray.",
                             chiaro_model_info_get_max_references (model)),
                   name, chiaro_model_info_get_max_references (model));

  return TRUE;
}

/**
 * chiaro_generation_request_new:
 * @model: the model to ask
 * @options: the options, copied
 *
 * Returns: (transfer full): a request with no contents yet
 */
ChiaroGenerationRequest *
chiaro_generation_request_new (ChiaroModelInfo               *model,
                               const ChiaroGenerationOptions *options)
{
  ChiaroGenerationRequest *request;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  request = g_atomic_rc_box_new0 (ChiaroGenerationRequest);
  request->model = chiaro_model_info_ref (model);
  request->model_id = g_strdup (chiaro_model_info_get_id (model));
  request->options = chiaro_generation_options_copy (options);
  request->contents = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_content_unref);
  return request;
}

static void
request_clear (ChiaroGenerationRequest *request)
{
  g_clear_pointer (&request->model, chiaro_model_info_unref);
  g_clear_pointer (&request->model_id, g_free);
  g_clear_pointer (&request->options, chiaro_generation_options_free);
  g_clear_pointer (&request->contents, g_ptr_array_unref);
}

ChiaroGenerationRequest *
chiaro_generation_request_ref (ChiaroGenerationRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_atomic_rc_box_acquire (request);
}

void
chiaro_generation_request_unref (ChiaroGenerationRequest *request)
{
  g_return_if_fail (request != NULL);

  g_atomic_rc_box_release_full (request, (GDestroyNotify) request_clear);
}

/**
 * chiaro_generation_request_add_content:
 * @request: the request
 * @content: (transfer none): the next turn
 */
void
chiaro_generation_request_add_content (ChiaroGenerationRequest *request,
                                       ChiaroContent           *content)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (content != NULL);

  g_ptr_array_add (request->contents, chiaro_content_ref (content));
}

/**
 * chiaro_generation_request_set_model_id:
 * @request: the request
 * @model_id: the id to put in the URL, e.g. a preview alias of the catalog entry
 */
void
chiaro_generation_request_set_model_id (ChiaroGenerationRequest *request,
                                        const char              *model_id)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (model_id != NULL);

  g_free (request->model_id);
  request->model_id = g_strdup (model_id);
}
