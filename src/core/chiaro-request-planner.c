/* chiaro-request-planner.c — fits the canvas, references and conversation to a model's limits
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The planner turns what the user is sending (prompt, canvas, references, the conversation so
 * far) into a ChiaroGenerationRequest the model will take, and says what it had to change.
 *
 * 1. The reference count and the options are checked against the model first
 *    (chiaro_generation_options_validate), before any work.
 * 2. Each image (the canvas and every reference) whose format the model accepts as it is (PNG,
 *    JPEG, WebP, HEIC, HEIF), which is upright (EXIF orientation 1; HEIF containers carry their
 *    own transforms, which the server applies) and which fits the per-image budget is sent
 *    byte for byte: nothing is decoded. Any other image is decoded upright and re-encoded,
 *    JPEG when opaque and PNG when it has transparency, scaled down to at most
 *    CHIARO_PLANNER_MAX_LONG_SIDE and further if the per-image budget needs it. Images are
 *    planned in parallel, one per processor.
 * 3. The request is then measured as it goes on the wire (base64 image data, text, JSON
 *    overhead). Over the request budget, the oldest turns of the conversation are left out,
 *    a user turn together with the model turns after it, so the request still begins with a
 *    user turn. When the canvas is the image of the last model turn it is not sent again while
 *    that turn is kept; if that turn has to go, the canvas goes in the new user turn. If the
 *    request is still too large with no conversation left, the images share the room left
 *    ("water filling": images under an equal share keep their size, the larger ones are
 *    re-encoded, in parallel, to at most that share), or the plan fails with
 *    CHIARO_CODEC_ERROR_TOO_LARGE when not even that is possible. Earlier turns are never
 *    changed: model turns go back exactly as received.
 *
 *    When the images as they are could not fit even without any conversation (14 camera
 *    photos never fit in 20 MB), step 2 plans them at their share straight away, so each is
 *    decoded once; what room they leave may then keep some of the conversation.
 * 4. JPEGs far over their budget are decoded at a reduced size (libjpeg scales while it
 *    decodes) close to what the budget allows, rather than decoded whole and encoded twice.
 *    libjpeg decodes at 1/2, 1/4 or 1/8 of the size for a fraction of the work, but any other
 *    size means decoding at the next scale up and resampling every pixel of that, which costs
 *    several times the decode (14 camera photos at their share of 20 MB: 2810×2107 from
 *    4000×3000 took 1.2 G instructions each to resample against 0.34 G to decode). So when
 *    such a scale lands within DCT_SNAP_REACH of the size wanted, and no lower than
 *    DCT_SNAP_MIN_SIDE, that is the size sent: 2000×1500 for a 12 MP photo. The models most
 *    likely take in much less than that anyway: an input image costs a fixed ~560 tokens on
 *    3 Pro whatever its size (REFERENCE §2.9), half of what a 1K answer of about 1024×1024
 *    costs (§2.4). So the smaller size loses detail the model presumably does not look at,
 *    and the bytes it saves leave room for the conversation. The same holds for any JPEG
 *    the planner decodes, also one only over CHIARO_PLANNER_MAX_LONG_SIDE.
 *
 * The new user turn is: the prompt text; the canvas image; then for each reference a text part
 * "Reference N: label" ("Reference N" without a label, N counting from 1) followed by the
 * image. Those labels are for the model and are not translated.
 */

#define G_LOG_DOMAIN "chiaro-request-planner"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "chiaro-image-encoder.h"
#include "chiaro-mime.h"
#include "chiaro-request-planner-private.h"

#include "chiaro-request-planner.h"

/* What the JSON around the data adds: generous, so the estimate stays above the real size. */
#define REQUEST_OVERHEAD 2048
#define CONTENT_OVERHEAD 64
#define PART_OVERHEAD    96

/* A JPEG this many times over its budget is scaled down from the start, by the square root
 * of the overshoot and a little more: a JPEG re-encoded at quality 90 takes a little more per
 * pixel than a camera's. Closer, the encoder first tries a lower quality at the same size. */
#define JPEG_GUESS_FROM   1.6
#define JPEG_START_MARGIN 0.95

/* A JPEG is decoded straight at 1/2, 1/4 or 1/8 of its size when that is at least this share
 * of the long side wanted, and at least DCT_SNAP_MIN_SIDE (see 4. above). */
#define DCT_SNAP_REACH    0.7
#define DCT_SNAP_MIN_SIDE 1536

typedef enum
{
  REASON_NONE,
  REASON_LONG_SIDE,
  REASON_IMAGE_BUDGET,
  REASON_REQUEST_BUDGET,
} ShrinkReason;

/* One image of the new user turn: the canvas or a reference, and what it became. */
typedef struct
{
  /* borrowed from the input */
  ChiaroImage      *image;
  ChiaroPlanTarget  target;
  guint             index;

  /* the result */
  GBytes           *bytes;       /* (owned) (nullable) until planned */
  const char       *mime_type;   /* static */
  int               width;
  int               height;
  gboolean          rotated;
  gboolean          converted;
  ShrinkReason      reason;
  GError           *error;       /* (owned) (nullable) from a pool thread */
} PlannedImage;

typedef struct
{
  ChiaroRequestPlanner *self;
  GCancellable         *cancellable;
  gsize                 max_bytes;
  ShrinkReason          reason;
} PoolContext;

typedef struct
{
  ChiaroPlanInput *input;
  gsize            max_image_bytes;
  gsize            max_request_bytes;
} PlanTaskData;

struct _ChiaroRequestPlanner
{
  GObject                  parent_instance;

  gsize                    max_image_bytes;
  gsize                    max_request_bytes;

  /* test hooks */
  int                      n_decoded;   /* atomic */
  ChiaroPlannerDecodeHook  decode_hook;
  gpointer                 decode_hook_data;
};

G_DEFINE_FINAL_TYPE (ChiaroRequestPlanner, chiaro_request_planner, G_TYPE_OBJECT)

static const char * const accepted_mime_types[] = {
  "image/png", "image/jpeg", "image/webp", "image/heic", "image/heif", NULL
};

static const char *
format_name (const char *mime_type)
{
  static const struct {
    const char *mime_type;
    const char *name;
  } names[] = {
    { "image/png", "PNG" }, { "image/jpeg", "JPEG" }, { "image/webp", "WebP" },
    { "image/heic", "HEIC" }, { "image/heif", "HEIF" }, { "image/avif", "AVIF" },
    { "image/gif", "GIF" }, { "image/tiff", "TIFF" }, { "image/bmp", "BMP" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (names[i].mime_type, mime_type) == 0)
      return names[i].name;
  return mime_type;
}

static void
plan_change_free (ChiaroPlanChange *change)
{
  g_free (change->message);
  g_free (change);
}

static void
plan_reference_free (ChiaroPlanReference *reference)
{
  g_clear_object (&reference->image);
  g_free (reference->label);
  g_free (reference);
}

static void
planned_image_clear (PlannedImage *planned)
{
  g_clear_pointer (&planned->bytes, g_bytes_unref);
  g_clear_error (&planned->error);
}

static gsize
base64_size (gsize size)
{
  return (size + 2) / 3 * 4;
}

/* Sizes on the wire */

static gsize
part_cost (ChiaroPart *part)
{
  gsize cost = PART_OVERHEAD;

  if (part->text != NULL)
    cost += strlen (part->text);
  if (part->mime_type != NULL)
    cost += strlen (part->mime_type);
  if (part->data != NULL)
    cost += base64_size (g_bytes_get_size (part->data));
  if (part->thought_signature != NULL)
    cost += strlen (part->thought_signature);
  if (part->extra != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), part->extra);
      g_autofree char *text = json_to_string (node, FALSE);

      cost += strlen (text);
    }
  return cost;
}

static gsize
content_cost (ChiaroContent *content)
{
  gsize cost = CONTENT_OVERHEAD + strlen (content->role);

  for (guint i = 0; i < content->parts->len; i++)
    cost += part_cost (g_ptr_array_index (content->parts, i));
  return cost;
}

static gsize
image_cost (PlannedImage *planned)
{
  /* The label is at most "image/jpeg". */
  return PART_OVERHEAD + 10 + base64_size (g_bytes_get_size (planned->bytes));
}

static char *
reference_text (guint        index,
                const char  *label)
{
  if (label != NULL && *label != '\0')
    return g_strdup_printf ("Reference %u: %s", index + 1, label);
  return g_strdup_printf ("Reference %u", index + 1);
}

/* Everything of the request that is not an image of the new turn or an earlier turn. */
static gsize
fixed_cost (ChiaroPlanInput *input)
{
  gsize cost = REQUEST_OVERHEAD + CONTENT_OVERHEAD;

  if (input->prompt != NULL)
    cost += PART_OVERHEAD + strlen (input->prompt);
  if (input->options->system_instruction != NULL)
    cost += PART_OVERHEAD + strlen (input->options->system_instruction);
  for (guint i = 0; i < input->references->len; i++)
    {
      ChiaroPlanReference *reference = g_ptr_array_index (input->references, i);
      g_autofree char *text = reference_text (i, reference->label);

      cost += PART_OVERHEAD + strlen (text);
    }
  return cost;
}

/* Images */

/* The long side to decode a JPEG of @long_side at when @wanted is the most wanted: the largest
 * of libjpeg's direct scales not over @wanted if it is close enough, else @wanted. */
static int
snap_to_dct_scale (int long_side,
                   int wanted)
{
  for (int denominator = 2; denominator <= 8; denominator *= 2)
    {
      /* libjpeg rounds the scaled size up. */
      int side = (long_side + denominator - 1) / denominator;

      if (side > wanted)
        continue;
      if (side >= DCT_SNAP_MIN_SIDE && side >= wanted * DCT_SNAP_REACH)
        return side;
      break;
    }
  return wanted;
}

static gboolean
plan_image (ChiaroRequestPlanner  *self,
            PlannedImage          *planned,
            gsize                  max_bytes,
            ShrinkReason           budget_reason,
            GCancellable          *cancellable,
            GError               **error)
{
  ChiaroImage *image = planned->image;
  GBytes *original = chiaro_image_get_bytes (image);
  const char *mime_type = chiaro_mime_sniff_bytes (original);
  gboolean accepted = g_strv_contains (accepted_mime_types, mime_type);
  gboolean upright = chiaro_image_get_orientation (image) == 1;
  gboolean fits = g_bytes_get_size (original) <= max_bytes;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *new_mime_type;
  int width, height;
  int long_side, start_side;
  gboolean squeezed = FALSE;
  gboolean guessed = FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (accepted && upright && fits)
    {
      g_clear_pointer (&planned->bytes, g_bytes_unref);
      planned->bytes = g_bytes_ref (original);
      planned->mime_type = mime_type;
      planned->width = chiaro_image_get_width (image);
      planned->height = chiaro_image_get_height (image);
      planned->rotated = planned->converted = FALSE;
      planned->reason = REASON_NONE;
      return TRUE;
    }

  /* Decode no larger than will be sent. A JPEG far over the budget will come out at about
   * its own bytes per pixel, so start from the size that makes: decoding small is much
   * faster, and it saves an encode. The encoder goes further down if that is not enough.
   * Other formats compress too differently to guess. */
  long_side = MAX (chiaro_image_get_width (image), chiaro_image_get_height (image));
  start_side = MIN (long_side, CHIARO_PLANNER_MAX_LONG_SIDE);
  if (g_bytes_get_size (original) > max_bytes * JPEG_GUESS_FROM &&
      g_strcmp0 (mime_type, "image/jpeg") == 0)
    {
      int guess = (int) (long_side * JPEG_START_MARGIN *
                         sqrt ((double) max_bytes / g_bytes_get_size (original)));

      guessed = guess < start_side;
      start_side = MIN (start_side, guess);
    }
  start_side = MAX (start_side, CHIARO_IMAGE_ENCODER_MIN_LONG_SIDE);
  if (g_strcmp0 (mime_type, "image/jpeg") == 0)
    start_side = snap_to_dct_scale (long_side, start_side);

  if (self->decode_hook != NULL)
    self->decode_hook (image, self->decode_hook_data);
  g_atomic_int_inc (&self->n_decoded);

  if (!(pixbuf = chiaro_image_decode_scaled (image, start_side, cancellable, error)))
    return FALSE;

  bytes = chiaro_image_encoder_encode (pixbuf, start_side, max_bytes,
                                       cancellable, &new_mime_type, &width, &height,
                                       &squeezed, &local_error);
  if (bytes == NULL && chiaro_image_get_display_name (image) != NULL &&
      g_error_matches (local_error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE))
    {
      g_autofree char *budget = g_format_size (max_bytes);

      g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE,
                   /* Translators: %s is a file name, then a size in bytes such as "7.0 MB". */
                   _("“%s” cannot be made small enough to send: it does not fit in %s."),
                   chiaro_image_get_display_name (image), budget);
      return FALSE;
    }
  if (bytes == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_clear_pointer (&planned->bytes, g_bytes_unref);
  planned->bytes = g_steal_pointer (&bytes);
  planned->mime_type = new_mime_type;
  planned->width = width;
  planned->height = height;
  planned->rotated = !upright;
  planned->converted = !accepted;

  /* The budget is the reason when it made the image be re-encoded, or took quality or size
   * away that the long side alone would have left. */
  if (!fits || squeezed || guessed)
    planned->reason = budget_reason;
  else if (MAX (width, height) < long_side)
    planned->reason = REASON_LONG_SIDE;
  else
    planned->reason = REASON_NONE;
  return TRUE;
}

static void
plan_image_in_pool (gpointer data,
                    gpointer user_data)
{
  PlannedImage *planned = data;
  PoolContext *context = user_data;

  if (!plan_image (context->self, planned, context->max_bytes, context->reason,
                   context->cancellable, &planned->error))
    /* Stop the others: the request fails anyway. */
    g_cancellable_cancel (context->cancellable);
}

static void
on_outer_cancelled (GCancellable *outer,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

/* Plans @images, one per processor. Returns the first real error in order, or cancellation. */
static gboolean
plan_images (ChiaroRequestPlanner  *self,
             GPtrArray             *images,
             gsize                  max_bytes,
             ShrinkReason           reason,
             GCancellable          *cancellable,
             GError               **error)
{
  g_autoptr(GCancellable) inner = g_cancellable_new ();
  PoolContext context = { self, inner, max_bytes, reason };
  GThreadPool *pool;
  gulong handler = 0;
  guint n_threads;

  if (images->len == 0)
    return TRUE;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                                     g_object_ref (inner), g_object_unref);

  n_threads = MIN (images->len, MAX (g_get_num_processors (), 1));
  pool = n_threads > 1 ? g_thread_pool_new (plan_image_in_pool, &context, n_threads, FALSE,
                                            NULL)
                       : NULL;
  for (guint i = 0; i < images->len; i++)
    {
      if (pool != NULL)
        g_thread_pool_push (pool, g_ptr_array_index (images, i), NULL);
      else
        plan_image_in_pool (g_ptr_array_index (images, i), &context);
    }
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  for (guint i = 0; i < images->len; i++)
    {
      PlannedImage *planned = g_ptr_array_index (images, i);

      if (planned->error != NULL &&
          !g_error_matches (planned->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&planned->error));
          return FALSE;
        }
    }
  return TRUE;
}

/* Changes */

static char *
describe_image_change (ChiaroPlanChangeKind  kind,
                       PlannedImage         *planned,
                       ChiaroPlanChange     *change,
                       const char           *budget)
{
  gboolean canvas = planned->target == CHIARO_PLAN_TARGET_CANVAS;
  guint n = planned->index + 1;
  g_autofree char *old_size = g_format_size (change->old_bytes);
  g_autofree char *new_size = g_format_size (change->new_bytes);

  switch (kind)
    {
    case CHIARO_PLAN_CHANGE_ROTATED:
      if (canvas)
        return g_strdup (_("The image being edited was turned upright, as its orientation tag "
                           "says."));
      /* Translators: %u counts the reference images from 1. */
      return g_strdup_printf (_("Reference %u was turned upright, as its orientation tag says."),
                              n);

    case CHIARO_PLAN_CHANGE_CONVERTED:
      if (canvas)
        /* Translators: the %s are format names, such as GIF and PNG. */
        return g_strdup_printf (_("The image being edited was converted from %s to %s, a "
                                  "format the model accepts."),
                                format_name (change->old_mime_type),
                                format_name (change->new_mime_type));
      /* Translators: %u counts the reference images from 1; the %s are format names. */
      return g_strdup_printf (_("Reference %u was converted from %s to %s, a format the model "
                                "accepts."),
                              n, format_name (change->old_mime_type),
                              format_name (change->new_mime_type));

    case CHIARO_PLAN_CHANGE_DOWNSCALED:
      if (planned->reason == REASON_IMAGE_BUDGET && canvas)
        /* Translators: sizes in pixels, then a size in bytes such as "7.0 MB". */
        return g_strdup_printf (_("The image being edited was reduced from %d×%d to %d×%d to "
                                  "fit the model's %s limit."),
                                change->old_width, change->old_height,
                                change->new_width, change->new_height, budget);
      if (planned->reason == REASON_IMAGE_BUDGET)
        /* Translators: %u counts the reference images from 1; sizes in pixels, then a size
         * in bytes such as "7.0 MB". */
        return g_strdup_printf (_("Reference %u was reduced from %d×%d to %d×%d to fit the "
                                  "model's %s limit."),
                                n, change->old_width, change->old_height,
                                change->new_width, change->new_height, budget);
      if (planned->reason == REASON_REQUEST_BUDGET && canvas)
        /* Translators: sizes in pixels, then a size in bytes such as "20.0 MB". */
        return g_strdup_printf (_("The image being edited was reduced from %d×%d to %d×%d so "
                                  "that the whole request fits in %s."),
                                change->old_width, change->old_height,
                                change->new_width, change->new_height, budget);
      if (planned->reason == REASON_REQUEST_BUDGET)
        /* Translators: %u counts the reference images from 1; sizes in pixels, then a size
         * in bytes such as "20.0 MB". */
        return g_strdup_printf (_("Reference %u was reduced from %d×%d to %d×%d so that the "
                                  "whole request fits in %s."),
                                n, change->old_width, change->old_height,
                                change->new_width, change->new_height, budget);
      if (canvas)
        /* Translators: sizes in pixels. */
        return g_strdup_printf (_("The image being edited was reduced from %d×%d to %d×%d, "
                                  "the most detail worth sending."),
                                change->old_width, change->old_height,
                                change->new_width, change->new_height);
      /* Translators: %u counts the reference images from 1; sizes in pixels. */
      return g_strdup_printf (_("Reference %u was reduced from %d×%d to %d×%d, the most "
                                "detail worth sending."),
                              n, change->old_width, change->old_height,
                              change->new_width, change->new_height);

    case CHIARO_PLAN_CHANGE_RECOMPRESSED:
      if (planned->reason == REASON_IMAGE_BUDGET && canvas)
        /* Translators: sizes in bytes, such as "9.1 MB", "3.2 MB" and "7.0 MB". */
        return g_strdup_printf (_("The image being edited was compressed from %s to %s to fit "
                                  "the model's %s limit."),
                                old_size, new_size, budget);
      if (planned->reason == REASON_IMAGE_BUDGET)
        /* Translators: %u counts the reference images from 1, then sizes in bytes. */
        return g_strdup_printf (_("Reference %u was compressed from %s to %s to fit the "
                                  "model's %s limit."),
                                n, old_size, new_size, budget);
      if (canvas)
        /* Translators: sizes in bytes, such as "9.1 MB", "3.2 MB" and "20.0 MB". */
        return g_strdup_printf (_("The image being edited was compressed from %s to %s so "
                                  "that the whole request fits in %s."),
                                old_size, new_size, budget);
      /* Translators: %u counts the reference images from 1, then sizes in bytes. */
      return g_strdup_printf (_("Reference %u was compressed from %s to %s so that the whole "
                                "request fits in %s."),
                              n, old_size, new_size, budget);

    case CHIARO_PLAN_CHANGE_DROPPED_TURNS:
    default:
      g_assert_not_reached ();
    }
}

static void
add_image_change (GPtrArray            *changes,
                  ChiaroPlanChangeKind  kind,
                  PlannedImage         *planned,
                  gsize                 max_image_bytes,
                  gsize                 max_request_bytes)
{
  ChiaroPlanChange *change = g_new0 (ChiaroPlanChange, 1);
  ChiaroImage *image = planned->image;
  GBytes *original = chiaro_image_get_bytes (image);
  g_autofree char *budget = NULL;

  change->kind = kind;
  change->target = planned->target;
  change->index = planned->index;
  change->old_width = chiaro_image_get_width (image);
  change->old_height = chiaro_image_get_height (image);
  if (kind == CHIARO_PLAN_CHANGE_ROTATED && chiaro_image_get_orientation (image) >= 5)
    {
      /* As stored, before turning. */
      change->old_width = chiaro_image_get_height (image);
      change->old_height = chiaro_image_get_width (image);
    }
  change->new_width = planned->width;
  change->new_height = planned->height;
  change->old_bytes = g_bytes_get_size (original);
  change->new_bytes = g_bytes_get_size (planned->bytes);
  change->old_mime_type = chiaro_mime_sniff_bytes (original);
  change->new_mime_type = planned->mime_type;

  budget = g_format_size (planned->reason == REASON_REQUEST_BUDGET ? max_request_bytes
                                                                   : max_image_bytes);
  change->message = describe_image_change (kind, planned, change, budget);
  g_ptr_array_add (changes, change);
}

static void
add_changes (GPtrArray    *changes,
             PlannedImage *planned,
             gsize         max_image_bytes,
             gsize         max_request_bytes)
{
  ChiaroImage *image = planned->image;
  gboolean smaller = planned->width < chiaro_image_get_width (image) ||
                     planned->height < chiaro_image_get_height (image);

  if (planned->bytes == NULL)
    return;

  if (planned->rotated)
    add_image_change (changes, CHIARO_PLAN_CHANGE_ROTATED, planned, max_image_bytes,
                      max_request_bytes);
  if (planned->converted)
    add_image_change (changes, CHIARO_PLAN_CHANGE_CONVERTED, planned, max_image_bytes,
                      max_request_bytes);
  if (smaller)
    add_image_change (changes, CHIARO_PLAN_CHANGE_DOWNSCALED, planned, max_image_bytes,
                      max_request_bytes);
  else if (planned->reason == REASON_IMAGE_BUDGET || planned->reason == REASON_REQUEST_BUDGET)
    add_image_change (changes, CHIARO_PLAN_CHANGE_RECOMPRESSED, planned, max_image_bytes,
                      max_request_bytes);
}

static void
add_dropped_change (GPtrArray *changes,
                    guint      n_dropped,
                    gsize      max_request_bytes)
{
  ChiaroPlanChange *change = g_new0 (ChiaroPlanChange, 1);
  g_autofree char *budget = g_format_size (max_request_bytes);

  change->kind = CHIARO_PLAN_CHANGE_DROPPED_TURNS;
  change->target = CHIARO_PLAN_TARGET_CONVERSATION;
  change->index = n_dropped;
  change->message = g_strdup_printf (ngettext ("The oldest %u turn of the conversation was left "
                                               "out so that the request fits in %s.",
                                               "The oldest %u turns of the conversation were "
                                               "left out so that the request fits in %s.",
                                               n_dropped),
                                     n_dropped, budget);
  g_ptr_array_add (changes, change);
}

/* The plan */

static gsize
planned_cost (GPtrArray *images)
{
  gsize cost = 0;

  for (guint i = 0; i < images->len; i++)
    {
      PlannedImage *planned = g_ptr_array_index (images, i);

      if (planned->bytes != NULL)
        cost += image_cost (planned);
    }
  return cost;
}

static void
set_request_too_large (GError **error,
                       gsize    max_request_bytes)
{
  g_autofree char *budget = g_format_size (max_request_bytes);

  g_set_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE,
               /* Translators: %s is a size in bytes, such as "20.0 MB". */
               _("The request is too large to send: even without the earlier conversation and "
                 "with the images reduced, it takes more than %s. Shorten the prompt or use "
                 "fewer references."),
               budget);
}

static int
compare_sizes (gconstpointer a,
               gconstpointer b)
{
  gsize size_a = *(const gsize *) a;
  gsize size_b = *(const gsize *) b;

  return size_a < size_b ? -1 : size_a > size_b;
}

/* The most bytes each image may keep so that together the images take at most @used bytes
 * less than @max_request_bytes on the wire: images under it stay as they are, the others
 * share what is left equally. @sizes are the images' bytes before base64, and get sorted. */
static gsize
fair_share (GArray *sizes,
            gsize   used,
            gsize   max_request_bytes)
{
  gsize room = 0;

  if (used < max_request_bytes)
    room = (max_request_bytes - used) / 4 * 3;
  /* Each image's part, and its base64 padding. */
  room -= MIN (room, sizes->len * (PART_OVERHEAD + 10 + 3));

  g_array_sort (sizes, compare_sizes);
  for (guint i = 0; i < sizes->len; i++)
    {
      gsize size = g_array_index (sizes, gsize, i);
      gsize left = sizes->len - i;

      if (size > room / left)
        return room / left;
      room -= size;
    }
  return G_MAXSIZE;
}

/* Brings every image over a fair share of the room left down to it, in parallel. */
static gboolean
shrink_to_fair_share (ChiaroRequestPlanner  *self,
                      GPtrArray             *images,
                      gsize                  used,
                      gsize                  max_request_bytes,
                      GCancellable          *cancellable,
                      GError               **error)
{
  g_autoptr(GPtrArray) over = g_ptr_array_new ();
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GError) local_error = NULL;
  gsize share;

  for (guint i = 0; i < images->len; i++)
    {
      PlannedImage *planned = g_ptr_array_index (images, i);
      gsize size;

      if (planned->bytes == NULL)
        continue;
      size = g_bytes_get_size (planned->bytes);
      g_array_append_val (sizes, size);
    }

  share = fair_share (sizes, used, max_request_bytes);
  for (guint i = 0; i < images->len; i++)
    {
      PlannedImage *planned = g_ptr_array_index (images, i);

      if (planned->bytes != NULL && g_bytes_get_size (planned->bytes) > share)
        g_ptr_array_add (over, planned);
    }

  g_debug ("Request over budget: %u images brought to %" G_GSIZE_FORMAT " bytes each",
           over->len, share);
  if (share == 0)
    return FALSE;
  if (plan_images (self, over, share, REASON_REQUEST_BUDGET, cancellable, &local_error))
    return TRUE;
  if (!g_error_matches (local_error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static ChiaroPlan *
plan_request (ChiaroRequestPlanner  *self,
              ChiaroPlanInput       *input,
              gsize                  max_image_bytes,
              gsize                  max_request_bytes,
              GCancellable          *cancellable,
              GError               **error)
{
  g_autoptr(GArray) planned_images = NULL;
  g_autoptr(GPtrArray) to_plan = g_ptr_array_new ();
  g_autoptr(GPtrArray) in_turn = g_ptr_array_new ();
  g_autoptr(ChiaroContent) turn = NULL;
  g_autoptr(ChiaroPlan) plan = NULL;
  PlannedImage *canvas = NULL;
  gboolean canvas_in_history;
  gsize history_cost = 0;
  gsize fixed;
  guint first_kept = 0;

  if (!chiaro_generation_options_validate (input->options, input->model,
                                           input->references->len + (input->canvas != NULL),
                                           error))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* No image can make up for text that is already over. */
  fixed = fixed_cost (input);
  if (fixed > max_request_bytes)
    {
      set_request_too_large (error, max_request_bytes);
      return NULL;
    }

  /* Element 0 is the canvas, whether or not there is one; then the references. */
  planned_images = g_array_sized_new (FALSE, TRUE, sizeof (PlannedImage),
                                      input->references->len + 1);
  g_array_set_clear_func (planned_images, (GDestroyNotify) planned_image_clear);
  g_array_set_size (planned_images, input->references->len + 1);

  canvas = &g_array_index (planned_images, PlannedImage, 0);
  canvas->image = input->canvas;
  canvas->target = CHIARO_PLAN_TARGET_CANVAS;
  canvas_in_history = input->canvas != NULL && input->canvas_is_last_turn &&
                      input->history->len > 0;
  if (input->canvas != NULL && !canvas_in_history)
    g_ptr_array_add (to_plan, canvas);

  for (guint i = 0; i < input->references->len; i++)
    {
      ChiaroPlanReference *reference = g_ptr_array_index (input->references, i);
      PlannedImage *planned = &g_array_index (planned_images, PlannedImage, i + 1);

      planned->image = reference->image;
      planned->target = CHIARO_PLAN_TARGET_REFERENCE;
      planned->index = i;
      g_ptr_array_add (to_plan, planned);
    }

  /* When the images as they are could not fit even with the whole conversation left out,
   * they will have to share the room: plan them at their share straight away rather than
   * twice. The originals' sizes stand in for what they will take. */
  {
    g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
    gsize estimate = fixed;
    gsize share;

    for (guint i = 0; i < to_plan->len; i++)
      {
        PlannedImage *planned = g_ptr_array_index (to_plan, i);
        gsize size = MIN (g_bytes_get_size (chiaro_image_get_bytes (planned->image)),
                          max_image_bytes);

        g_array_append_val (sizes, size);
        estimate += PART_OVERHEAD + 10 + base64_size (size);
      }

    share = estimate > max_request_bytes ? fair_share (sizes, fixed, max_request_bytes)
                                         : G_MAXSIZE;
    if (share < max_image_bytes)
      {
        g_autoptr(GError) local_error = NULL;

        g_debug ("Images planned at a share of %" G_GSIZE_FORMAT " bytes each", share);
        if (share == 0 ||
            !plan_images (self, to_plan, share, REASON_REQUEST_BUDGET, cancellable,
                          &local_error))
          {
            if (local_error != NULL &&
                !g_error_matches (local_error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_TOO_LARGE))
              g_propagate_error (error, g_steal_pointer (&local_error));
            else
              set_request_too_large (error, max_request_bytes);
            return NULL;
          }
      }
    else if (!plan_images (self, to_plan, max_image_bytes, REASON_IMAGE_BUDGET, cancellable,
                           error))
      return NULL;
  }

  for (guint i = 0; i < planned_images->len; i++)
    g_ptr_array_add (in_turn, &g_array_index (planned_images, PlannedImage, i));

  /* The conversation, oldest turns first out. */
  for (guint i = 0; i < input->history->len; i++)
    history_cost += content_cost (g_ptr_array_index (input->history, i));

  while (fixed + history_cost + planned_cost (in_turn) > max_request_bytes &&
         first_kept < input->history->len)
    {
      do
        history_cost -= content_cost (g_ptr_array_index (input->history, first_kept++));
      while (first_kept < input->history->len &&
             g_strcmp0 (((ChiaroContent *) g_ptr_array_index (input->history,
                                                              first_kept))->role, "user") != 0);

      if (canvas_in_history && first_kept == input->history->len)
        {
          canvas_in_history = FALSE;
          if (!plan_image (self, canvas, max_image_bytes, REASON_IMAGE_BUDGET, cancellable,
                           error))
            return NULL;
        }
    }

  /* Then the images of the new turn, all at once, each to a fair share of the room left.
   * Images under the share keep their size and the others get at most the share, so by
   * construction they then fit. */
  if (fixed + history_cost + planned_cost (in_turn) > max_request_bytes)
    {
      g_autoptr(GError) local_error = NULL;

      if (!shrink_to_fair_share (self, in_turn, fixed + history_cost, max_request_bytes,
                                 cancellable, &local_error))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            set_request_too_large (error, max_request_bytes);
          return NULL;
        }
      g_assert (fixed + history_cost + planned_cost (in_turn) <= max_request_bytes);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* The request. */
  plan = g_new0 (ChiaroPlan, 1);
  plan->request = chiaro_generation_request_new (input->model, input->options);
  plan->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_change_free);

  for (guint i = first_kept; i < input->history->len; i++)
    {
      ChiaroContent *content = g_ptr_array_index (input->history, i);

      chiaro_generation_request_add_content (plan->request, content);
      plan->inline_bytes += chiaro_content_get_inline_size (content);
    }

  turn = chiaro_content_new ("user");
  if (input->prompt != NULL && *input->prompt != '\0')
    {
      g_autoptr(ChiaroPart) part = chiaro_part_new_text (input->prompt);

      chiaro_content_add_part (turn, part);
    }
  for (guint i = 0; i < planned_images->len; i++)
    {
      PlannedImage *planned = &g_array_index (planned_images, PlannedImage, i);
      g_autoptr(ChiaroPart) image_part = NULL;

      if (planned->target == CHIARO_PLAN_TARGET_REFERENCE)
        {
          ChiaroPlanReference *reference = g_ptr_array_index (input->references, planned->index);
          g_autofree char *text = reference_text (planned->index, reference->label);
          g_autoptr(ChiaroPart) text_part = chiaro_part_new_text (text);

          chiaro_content_add_part (turn, text_part);
        }
      if (planned->bytes == NULL)
        continue;

      image_part = chiaro_part_new_image (planned->bytes, planned->mime_type);
      chiaro_content_add_part (turn, image_part);
      plan->inline_bytes += g_bytes_get_size (planned->bytes);
      add_changes (plan->changes, planned, max_image_bytes, max_request_bytes);
    }
  chiaro_generation_request_add_content (plan->request, turn);

  if (first_kept > 0)
    add_dropped_change (plan->changes, first_kept, max_request_bytes);

  g_debug ("Planned %u turns, %" G_GSIZE_FORMAT " image bytes, %u changes, %u images decoded",
           plan->request->contents->len, plan->inline_bytes, plan->changes->len,
           (guint) g_atomic_int_get (&self->n_decoded));

  return g_steal_pointer (&plan);
}

static void
plan_task_data_free (PlanTaskData *data)
{
  g_clear_pointer (&data->input, chiaro_plan_input_free);
  g_free (data);
}

static void
plan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ChiaroRequestPlanner *self = source_object;
  PlanTaskData *data = task_data;
  GError *error = NULL;
  ChiaroPlan *plan;

  plan = plan_request (self, data->input, data->max_image_bytes, data->max_request_bytes,
                       cancellable, &error);
  if (plan != NULL)
    g_task_return_pointer (task, plan, (GDestroyNotify) chiaro_plan_free);
  else
    g_task_return_error (task, error);
}

static void
chiaro_request_planner_class_init (ChiaroRequestPlannerClass *klass)
{
}

static void
chiaro_request_planner_init (ChiaroRequestPlanner *self)
{
  self->max_image_bytes = CHIARO_PLANNER_DEFAULT_MAX_IMAGE_BYTES;
  self->max_request_bytes = CHIARO_PLANNER_DEFAULT_MAX_REQUEST_BYTES;
}

/**
 * chiaro_plan_input_new:
 * @model: the model to ask
 * @options: the options, copied
 * @prompt: the user's text
 *
 * What to plan. Fill in the public fields: append earlier turns to `history` (root first),
 * set `canvas` (a reference the input owns) and `canvas_is_last_turn`, and add references
 * with chiaro_plan_input_add_reference().
 *
 * Returns: (transfer full): a new input without history, canvas or references
 */
ChiaroPlanInput *
chiaro_plan_input_new (ChiaroModelInfo               *model,
                       const ChiaroGenerationOptions *options,
                       const char                    *prompt)
{
  ChiaroPlanInput *input;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (prompt != NULL, NULL);

  input = g_new0 (ChiaroPlanInput, 1);
  input->model = chiaro_model_info_ref (model);
  input->options = chiaro_generation_options_copy (options);
  input->prompt = g_strdup (prompt);
  input->history = g_ptr_array_new_with_free_func ((GDestroyNotify) chiaro_content_unref);
  input->references = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_reference_free);
  return input;
}

/**
 * chiaro_plan_input_free:
 * @input: (transfer full) (nullable): an input
 */
void
chiaro_plan_input_free (ChiaroPlanInput *input)
{
  if (input == NULL)
    return;

  g_clear_pointer (&input->model, chiaro_model_info_unref);
  g_clear_pointer (&input->options, chiaro_generation_options_free);
  g_clear_pointer (&input->prompt, g_free);
  g_clear_pointer (&input->history, g_ptr_array_unref);
  g_clear_object (&input->canvas);
  g_clear_pointer (&input->references, g_ptr_array_unref);
  g_free (input);
}

/**
 * chiaro_plan_input_add_reference:
 * @input: an input
 * @image: a reference image, referenced
 * @label: (nullable): what the user called it, e.g. “logo”
 */
void
chiaro_plan_input_add_reference (ChiaroPlanInput *input,
                                 ChiaroImage     *image,
                                 const char      *label)
{
  ChiaroPlanReference *reference;

  g_return_if_fail (input != NULL);
  g_return_if_fail (CHIARO_IS_IMAGE (image));

  reference = g_new0 (ChiaroPlanReference, 1);
  reference->image = g_object_ref (image);
  reference->label = g_strdup (label);
  g_ptr_array_add (input->references, reference);
}

/**
 * chiaro_plan_free:
 * @plan: (transfer full) (nullable): a plan
 */
void
chiaro_plan_free (ChiaroPlan *plan)
{
  if (plan == NULL)
    return;

  g_clear_pointer (&plan->request, chiaro_generation_request_unref);
  g_clear_pointer (&plan->changes, g_ptr_array_unref);
  g_free (plan);
}

/**
 * chiaro_request_planner_new:
 *
 * Returns: (transfer full): a planner with the default budgets
 */
ChiaroRequestPlanner *
chiaro_request_planner_new (void)
{
  return g_object_new (CHIARO_TYPE_REQUEST_PLANNER, NULL);
}

/**
 * chiaro_request_planner_set_max_image_bytes:
 * @self: a planner
 * @bytes: the most bytes one image may take (before base64); larger ones are re-encoded
 *
 * Applies to plans started afterwards.
 */
void
chiaro_request_planner_set_max_image_bytes (ChiaroRequestPlanner *self,
                                            gsize                 bytes)
{
  g_return_if_fail (CHIARO_IS_REQUEST_PLANNER (self));
  g_return_if_fail (bytes > 0);

  self->max_image_bytes = bytes;
}

/**
 * chiaro_request_planner_set_max_request_bytes:
 * @self: a planner
 * @bytes: the most bytes a request may take on the wire, base64 and JSON included
 *
 * Applies to plans started afterwards.
 */
void
chiaro_request_planner_set_max_request_bytes (ChiaroRequestPlanner *self,
                                              gsize                 bytes)
{
  g_return_if_fail (CHIARO_IS_REQUEST_PLANNER (self));
  g_return_if_fail (bytes > 0);

  self->max_request_bytes = bytes;
}

/**
 * chiaro_request_planner_plan:
 * @self: a planner
 * @input: (transfer none): what to send; not changed
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Plans a request; see the top of chiaro-request-planner.c for the rules. This blocks while
 * images are decoded and encoded: call it on a worker thread, or use
 * chiaro_request_planner_plan_async().
 *
 * Returns: (transfer full): the plan, or %NULL with @error set:
 *   %CHIARO_API_ERROR_UNSUPPORTED_OPTION (too many references, an option the model does not
 *   take), %CHIARO_CODEC_ERROR (an image that cannot be decoded;
 *   %CHIARO_CODEC_ERROR_TOO_LARGE when the request cannot be made to fit) or
 *   %G_IO_ERROR_CANCELLED
 */
ChiaroPlan *
chiaro_request_planner_plan (ChiaroRequestPlanner  *self,
                             ChiaroPlanInput       *input,
                             GCancellable          *cancellable,
                             GError               **error)
{
  g_return_val_if_fail (CHIARO_IS_REQUEST_PLANNER (self), NULL);
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return plan_request (self, input, self->max_image_bytes, self->max_request_bytes,
                       cancellable, error);
}

/**
 * chiaro_request_planner_plan_async:
 * @self: a planner
 * @input: (transfer full): what to send; the planner owns it from now on, so the caller
 *   cannot change it while a worker reads it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the plan
 * @user_data: data for @callback
 *
 * Plans a request on a worker thread, like chiaro_request_planner_plan().
 */
void
chiaro_request_planner_plan_async (ChiaroRequestPlanner *self,
                                   ChiaroPlanInput      *input,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  PlanTaskData *data;

  g_return_if_fail (CHIARO_IS_REQUEST_PLANNER (self));
  g_return_if_fail (input != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (PlanTaskData, 1);
  data->input = input;
  data->max_image_bytes = self->max_image_bytes;
  data->max_request_bytes = self->max_request_bytes;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, chiaro_request_planner_plan_async);
  g_task_set_name (task, "[chiaro] plan request");
  g_task_set_task_data (task, data, (GDestroyNotify) plan_task_data_free);
  g_task_run_in_thread (task, plan_thread);
}

/**
 * chiaro_request_planner_plan_finish:
 * @self: a planner
 * @result: the #GAsyncResult given to the callback
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
ChiaroPlan *
chiaro_request_planner_plan_finish (ChiaroRequestPlanner  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (CHIARO_IS_REQUEST_PLANNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        chiaro_request_planner_plan_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * chiaro_request_planner_get_n_decoded:
 * @self: a planner
 *
 * For tests: how many images this planner has decoded so far.
 *
 * Returns: the count
 */
guint
chiaro_request_planner_get_n_decoded (ChiaroRequestPlanner *self)
{
  g_return_val_if_fail (CHIARO_IS_REQUEST_PLANNER (self), 0);

  return g_atomic_int_get (&self->n_decoded);
}

/**
 * chiaro_request_planner_set_decode_hook:
 * @self: a planner
 * @hook: (nullable): called on the worker thread before each decode
 * @user_data: data for @hook
 *
 * For tests: set it before planning, not during.
 */
void
chiaro_request_planner_set_decode_hook (ChiaroRequestPlanner    *self,
                                        ChiaroPlannerDecodeHook  hook,
                                        gpointer                 user_data)
{
  g_return_if_fail (CHIARO_IS_REQUEST_PLANNER (self));

  self->decode_hook = hook;
  self->decode_hook_data = user_data;
}
