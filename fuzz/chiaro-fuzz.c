/* chiaro-fuzz.c — the log handling every libFuzzer target shares, and the answer checks
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bad input must end in a GError, never in a log message: a critical anywhere (a failed
 * g_return_if_fail is a bug in whoever called) or a warning from one of our own domains aborts,
 * so libFuzzer records the input as a crash. Warnings of other libraries (an image loader
 * complaining about a broken chunk) are theirs to print and are dropped, and so are the
 * criticals listed below, which loaders raise inside themselves.
 */

#define G_LOG_DOMAIN "chiaro-fuzz"

#include <stdlib.h>

#include "chiaro-api-error.h"
#include "chiaro-fuzz.h"

/* webp-pixbuf-loader 0.2.1, given a file flagged "animated" whose frames are broken, asks for
 * the pixbuf of the animation it failed to build and then unrefs that NULL animation: two
 * criticals in a row inside the loader (Chiaro calls neither function), after which it fails
 * the image as it should. Exactly that pair is let through; any other critical still aborts. */
static gboolean
is_library_critical (const char *domain,
                     const char *message)
{
  static gboolean after_iter_critical = FALSE;
  gboolean first = g_strcmp0 (domain, "GdkPixbuf") == 0 &&
                   g_strcmp0 (message, "gdk_pixbuf_animation_iter_get_pixbuf: assertion "
                                       "'GDK_IS_PIXBUF_ANIMATION_ITER (iter)' failed") == 0;
  gboolean second = after_iter_critical && g_strcmp0 (domain, "GLib-GObject") == 0 &&
                    g_strcmp0 (message, "g_object_unref: assertion 'G_IS_OBJECT (object)' "
                                        "failed") == 0;

  after_iter_critical = first;
  return first || second;
}

static GLogWriterOutput
write_log (GLogLevelFlags   level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  const char *domain = "";
  const char *message = "";

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
        message = fields[i].value;
    }

  if ((level & G_LOG_LEVEL_CRITICAL) != 0 && is_library_critical (domain, message))
    return G_LOG_WRITER_HANDLED;

  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) != 0 ||
      ((level & G_LOG_LEVEL_WARNING) != 0 && g_str_has_prefix (domain, "chiaro")))
    {
      g_printerr ("%s: %s\n", domain, message);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

/**
 * chiaro_fuzz_init:
 *
 * Sets up logging for a fuzz target; call once from LLVMFuzzerInitialize().
 */
void
chiaro_fuzz_init (void)
{
  g_log_set_writer_func (write_log, NULL, NULL);
}

/* What a provider's parser gave for one input: a result with image bytes or a GError with a
 * UTF-8 message (and UTF-8 server detail), never both, never neither; aborts otherwise. */
void
chiaro_fuzz_check_outcome (ChiaroGenerationResult *result,
                           GError                 *error)
{
  ChiaroPart *image;
  const char *detail;

  if ((result == NULL) == (error == NULL))
    abort ();
  if (result != NULL)
    {
      /* A result always carries an image with bytes. */
      image = chiaro_generation_result_get_final_image (result);
      if (image == NULL || image->kind != CHIARO_PART_IMAGE || image->data == NULL ||
          g_bytes_get_size (image->data) == 0)
        abort ();
    }
  if (error != NULL && (error->message == NULL || error->message[0] == '\0'))
    abort ();
  if (error != NULL && !g_utf8_validate (error->message, -1, NULL))
    {
      g_printerr ("not UTF-8: %s\n", error->message);
      abort ();
    }
  /* The server's own words are shown too (and logged): they must be text. */
  if (error != NULL && error->domain == CHIARO_API_ERROR &&
      (detail = chiaro_api_error_get_detail (error)) != NULL && !g_utf8_validate (detail, -1, NULL))
    {
      g_printerr ("detail not UTF-8: %s\n", detail);
      abort ();
    }
}

/* The HTTP status an error envelope made of an input of @size bytes is tried with. */
guint
chiaro_fuzz_http_status (size_t size)
{
  static const guint statuses[] = { 400, 401, 403, 404, 429, 500, 502, 503, 504 };

  return statuses[size % G_N_ELEMENTS (statuses)];
}

/* The Content-Type an error envelope made of an input of @size bytes is tried with. */
const char *
chiaro_fuzz_content_type (size_t size)
{
  return size % 2 ? "application/json" : "text/html";
}
