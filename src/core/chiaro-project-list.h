/* chiaro-project-list.h — the projects in the projects folder, newest first
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of ChiaroProjectInfo for the start view. Folders are read on a worker;
 * damaged ones are listed (with their error) rather than hidden. Renaming takes the
 * project's lock; deleting moves the folder to the trash.
 */

#pragma once

#include "chiaro-project-info.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PROJECT_LIST (chiaro_project_list_get_type ())

/* Properties: "projects-dir" (construct-only), "loading" (a scan is under way). */
G_DECLARE_FINAL_TYPE (ChiaroProjectList, chiaro_project_list, CHIARO, PROJECT_LIST, GObject)

ChiaroProjectList *chiaro_project_list_new              (GFile              *projects_dir);
GFile             *chiaro_project_list_get_projects_dir (ChiaroProjectList  *self);
gboolean           chiaro_project_list_get_loading      (ChiaroProjectList  *self);
/* Rescans the folder on a worker; a scan under way is abandoned for the new one. */
void               chiaro_project_list_refresh          (ChiaroProjectList  *self);
ChiaroProjectInfo *chiaro_project_list_lookup           (ChiaroProjectList  *self,
                                                         GFile              *dir);

/* Sets the project's name ("" or NULL: no name), then rescans. Errors:
 * CHIARO_PROJECT_ERROR_LOCKED (open in another window), _NOT_FOUND, _CORRUPT,
 * _NEWER_VERSION, and write errors. */
void               chiaro_project_list_rename_async     (ChiaroProjectList  *self,
                                                         GFile              *dir,
                                                         const char         *name,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
gboolean           chiaro_project_list_rename_finish    (ChiaroProjectList  *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);
/* Moves the project folder to the trash, or deletes it for good where there is no trash
 * (@trashed says which), then rescans. Refused with CHIARO_PROJECT_ERROR_LOCKED while the
 * project is open; _INVALID for a folder that is not in the projects folder. */
void               chiaro_project_list_delete_async     (ChiaroProjectList  *self,
                                                         GFile              *dir,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
gboolean           chiaro_project_list_delete_finish    (ChiaroProjectList  *self,
                                                         GAsyncResult       *result,
                                                         gboolean           *trashed,
                                                         GError            **error);

G_END_DECLS
