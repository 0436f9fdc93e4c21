/* chiaro-project-card.h — one project in the start view: thumbnail, title, date, menu
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "chiaro-project-info.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_PROJECT_CARD (chiaro_project_card_get_type ())

/* Properties: "info" (construct-only), "thumbnail-loaded" (read-only, notifies). Its menu
 * activates "projects.rename" and "projects.delete" with the folder's URI, which an
 * ancestor (ChiaroProjectsView) provides; both are disabled while the project is open. */
G_DECLARE_FINAL_TYPE (ChiaroProjectCard, chiaro_project_card, CHIARO, PROJECT_CARD, GtkWidget)

GtkWidget         *chiaro_project_card_new                  (ChiaroProjectInfo *info);
ChiaroProjectInfo *chiaro_project_card_get_info             (ChiaroProjectCard *self);
gboolean           chiaro_project_card_get_thumbnail_loaded (ChiaroProjectCard *self);
void               chiaro_project_card_popup_menu           (ChiaroProjectCard *self);

/* "Today", "Yesterday", a weekday within the week, else a date (with the year when it is
 * not this one). @when: wall-clock µs; @now: the time to count from. */
char              *chiaro_project_card_format_date          (gint64             when,
                                                             GDateTime         *now);

G_END_DECLS
