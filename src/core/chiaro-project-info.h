/* chiaro-project-info.h — what the start view shows of one project folder
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A snapshot, read without taking the project's lock: project.json (or its backup) is
 * replaced atomically, so reading it while another window saves sees the old or the new
 * state, never half of one. Immutable; ChiaroProjectList makes new ones when it rescans.
 */

#pragma once

#include "chiaro-image-store.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PROJECT_INFO (chiaro_project_info_get_type ())

/* Properties (read-only): "dir", "name" (nullable: the name the user gave), "title",
 * "created", "modified", "n-entries", "n-images", "cost-usd", "thumbnail-hash",
 * "thumbnail-mime-type", "locked", "from-backup", "error" (GError boxed, nullable),
 * "images". */
G_DECLARE_FINAL_TYPE (ChiaroProjectInfo, chiaro_project_info, CHIARO, PROJECT_INFO, GObject)

ChiaroProjectInfo *chiaro_project_info_load             (GFile             *dir,
                                                         ChiaroImageStore  *images,
                                                         GCancellable      *cancellable);

GFile             *chiaro_project_info_get_dir          (ChiaroProjectInfo *self);
const char        *chiaro_project_info_get_name         (ChiaroProjectInfo *self);
const char        *chiaro_project_info_get_title        (ChiaroProjectInfo *self);
gint64             chiaro_project_info_get_created      (ChiaroProjectInfo *self);
gint64             chiaro_project_info_get_modified     (ChiaroProjectInfo *self);
guint              chiaro_project_info_get_n_entries    (ChiaroProjectInfo *self);
guint              chiaro_project_info_get_n_images     (ChiaroProjectInfo *self);
double             chiaro_project_info_get_cost_usd     (ChiaroProjectInfo *self);
const char        *chiaro_project_info_get_thumbnail_hash      (ChiaroProjectInfo *self);
const char        *chiaro_project_info_get_thumbnail_mime_type (ChiaroProjectInfo *self);
gboolean           chiaro_project_info_get_locked       (ChiaroProjectInfo *self);
gboolean           chiaro_project_info_get_from_backup  (ChiaroProjectInfo *self);
const GError      *chiaro_project_info_get_error        (ChiaroProjectInfo *self);
gboolean           chiaro_project_info_is_damaged       (ChiaroProjectInfo *self);
ChiaroImageStore  *chiaro_project_info_get_images       (ChiaroProjectInfo *self);

G_END_DECLS
