/* chiaro-cli-generate.h — chiaro-cli generate's options, shared with its project mode
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chiaro-export-metadata.h"
#include "chiaro-image.h"
#include "chiaro-model-catalog.h"
#include "chiaro-provider.h"
#include "chiaro-request-planner.h"

G_BEGIN_DECLS

#define CHIARO_CLI_MAX_VARIANTS 8

/* The command line of one `chiaro-cli generate`, checked, and what both modes share. */
typedef struct
{
  /* options */
  char                    *prompt;
  char                    *input;
  char                   **refs;
  char                    *output;
  char                    *project;
  char                    *model_id;
  char                    *aspect;
  char                    *size;
  int                      variants;
  double                   temperature;
  double                   top_p;
  char                    *seed;
  gboolean                 grounding;
  char                    *system;
  char                    *provider_name;
  char                    *endpoint;
  int                      timeout;
  int                      retries;
  gboolean                 json;
  gboolean                 dry_run;
  gboolean                 pack;          /* --pack: one re-framed send per ratio */
  char                    *pack_ratios;   /* (nullable) --pack=RATIOS; NULL: the default set */
  gboolean                 export_metadata;

  /* checked and loaded */
  ChiaroModelCatalog      *catalog;
  ChiaroModelInfo         *model;
  ChiaroGenerationOptions *options;     /* without a ratio */
  char                   **ratios;      /* "auto" stands for no ratio */
  ChiaroImage             *canvas;      /* (nullable) --input */
  GPtrArray               *references;  /* (element-type ChiaroImage) */
  GPtrArray               *labels;      /* (element-type utf8) (nullable elements) */
  ChiaroProvider          *provider;
  GCancellable            *cancellable; /* cancelled by SIGINT and SIGTERM */
  gboolean                 interrupted;
  gboolean                 progress;    /* stderr is a terminal */
  GMainLoop               *loop;
  int                      status;      /* the exit status so far */

  /* without --project */
  ChiaroRequestPlanner    *planner;
  GPtrArray               *outputs;     /* (element-type Output) */
  GPtrArray               *changes;     /* (element-type utf8) planner messages */
  guint                    pending;
} ChiaroCliGenerate;

const char *chiaro_cli_generate_mime_for_output (const char        *path);
char       *chiaro_cli_generate_output_path     (const char        *output,
                                                 const char        *aspect,
                                                 guint              index,
                                                 gboolean           several);
char       *chiaro_cli_generate_other_image_path (const char       *path,
                                                  guint             n);
gboolean    chiaro_cli_generate_write_image     (GBytes            *bytes,
                                                 const char        *sniffed_mime_type,
                                                 const char        *path,
                                                 int               *width,
                                                 int               *height,
                                                 GError           **error);
/* With --export-metadata, writes the provenance (chiaro-export-metadata.h) into the file
 * at @path; otherwise nothing. */
gboolean    chiaro_cli_generate_add_metadata    (ChiaroCliGenerate *self,
                                                 const ChiaroExportMetadata *metadata,
                                                 const char        *path,
                                                 GError           **error);
/* The API key (NULL when there is none), and the provider made with it. */
char       *chiaro_cli_generate_find_key        (ChiaroCliGenerate *self);
void        chiaro_cli_generate_make_provider   (ChiaroCliGenerate *self,
                                                 const char        *key);
/* generate --project (chiaro-cli-generate-project.c), after the options were checked and the
 * inputs loaded. */
int         chiaro_cli_generate_project         (ChiaroCliGenerate *self);

G_END_DECLS
