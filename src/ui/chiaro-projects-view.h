/* chiaro-projects-view.h — the start page: new from a photo or a prompt, recent projects
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-project-list.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PROJECTS_VIEW (chiaro_projects_view_get_type ())

/* Properties: "projects" (ChiaroProjectList, construct-only), "busy" (a rename or delete is
 * under way). Signals: "open-project" (GFile *dir), "new-from-photo", "new-from-prompt".
 * Actions: projects.new-from-photo, projects.new-from-prompt, projects.open (s: folder
 * URI), projects.rename (s), projects.delete (s), projects.refresh. The list is rescanned
 * each time the view is mapped. */
G_DECLARE_FINAL_TYPE (ChiaroProjectsView, chiaro_projects_view, CHIARO, PROJECTS_VIEW, GtkWidget)

GtkWidget         *chiaro_projects_view_new          (ChiaroProjectList  *projects);
ChiaroProjectList *chiaro_projects_view_get_projects (ChiaroProjectsView *self);
gboolean           chiaro_projects_view_get_busy     (ChiaroProjectsView *self);
/* Shows a message at the bottom of the view. */
void               chiaro_projects_view_add_toast    (ChiaroProjectsView *self,
                                                      const char         *message);

G_END_DECLS
