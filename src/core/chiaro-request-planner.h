/* chiaro-request-planner.h — fits the canvas, references and conversation to a model's limits
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chiaro-generation-request.h"
#include "chiaro-image.h"

G_BEGIN_DECLS

#define CHIARO_PLANNER_DEFAULT_MAX_IMAGE_BYTES   (7 * 1000 * 1000)
#define CHIARO_PLANNER_DEFAULT_MAX_REQUEST_BYTES (20 * 1000 * 1000)
/* Images that have to be re-encoded anyway are scaled down to this long side: the side of a
 * 4K square answer (a JPEG to libjpeg's half scale instead when that is close: see the
 * planner). Images sent as they are keep their size. */
#define CHIARO_PLANNER_MAX_LONG_SIDE             4096

typedef struct
{
  ChiaroImage *image;
  char        *label;        /* (nullable) */
} ChiaroPlanReference;

/* What the planner gets: everything is referenced or copied, so it may run on a worker. */
typedef struct
{
  ChiaroModelInfo         *model;
  ChiaroGenerationOptions *options;
  char                    *prompt;
  GPtrArray               *history;             /* (element-type ChiaroContent) root first */
  ChiaroImage             *canvas;              /* (nullable) the image being edited */
  gboolean                 canvas_is_last_turn; /* the canvas is the image of history's last
                                                 * model turn, so it need not be sent again
                                                 * while that turn is kept */
  GPtrArray               *references;          /* (element-type ChiaroPlanReference) */
} ChiaroPlanInput;

typedef enum
{
  CHIARO_PLAN_CHANGE_ROTATED,      /* EXIF orientation applied to the pixels */
  CHIARO_PLAN_CHANGE_CONVERTED,    /* format the model does not take, re-encoded */
  CHIARO_PLAN_CHANGE_DOWNSCALED,   /* over a budget, or re-encoded and over the long side */
  CHIARO_PLAN_CHANGE_DROPPED_TURNS,/* oldest conversation turns left out */
  CHIARO_PLAN_CHANGE_RECOMPRESSED, /* re-encoded smaller at the same pixel size */
} ChiaroPlanChangeKind;

typedef enum
{
  CHIARO_PLAN_TARGET_CANVAS,
  CHIARO_PLAN_TARGET_REFERENCE,
  CHIARO_PLAN_TARGET_CONVERSATION,
} ChiaroPlanTarget;

typedef struct
{
  ChiaroPlanChangeKind kind;
  ChiaroPlanTarget     target;
  guint                index;          /* reference index from 0, or number of turns dropped */
  char                *message;        /* translated, for the UI */
  int                  old_width, old_height, new_width, new_height;
  gsize                old_bytes, new_bytes;
  const char          *old_mime_type;
  const char          *new_mime_type;
} ChiaroPlanChange;

typedef struct
{
  ChiaroGenerationRequest *request;
  GPtrArray               *changes;     /* (element-type ChiaroPlanChange) */
  gsize                    inline_bytes;/* image bytes in the request, before base64 */
} ChiaroPlan;

ChiaroPlanInput *chiaro_plan_input_new        (ChiaroModelInfo               *model,
                                               const ChiaroGenerationOptions *options,
                                               const char                    *prompt);
void             chiaro_plan_input_free       (ChiaroPlanInput               *input);
void             chiaro_plan_input_add_reference (ChiaroPlanInput            *input,
                                                  ChiaroImage                *image,
                                                  const char                 *label);
void             chiaro_plan_free             (ChiaroPlan                    *plan);

#define CHIARO_TYPE_REQUEST_PLANNER (chiaro_request_planner_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroRequestPlanner, chiaro_request_planner, CHIARO, REQUEST_PLANNER, GObject)

ChiaroRequestPlanner *chiaro_request_planner_new                  (void);
void                  chiaro_request_planner_set_max_image_bytes   (ChiaroRequestPlanner *self,
                                                                    gsize                 bytes);
void                  chiaro_request_planner_set_max_request_bytes (ChiaroRequestPlanner *self,
                                                                    gsize                 bytes);
ChiaroPlan           *chiaro_request_planner_plan                  (ChiaroRequestPlanner *self,
                                                                    ChiaroPlanInput      *input,
                                                                    GCancellable         *cancellable,
                                                                    GError              **error);
void                  chiaro_request_planner_plan_async            (ChiaroRequestPlanner *self,
                                                                    ChiaroPlanInput      *input,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
ChiaroPlan           *chiaro_request_planner_plan_finish           (ChiaroRequestPlanner *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroPlanInput, chiaro_plan_input_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroPlan, chiaro_plan_free)

G_END_DECLS
