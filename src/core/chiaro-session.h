/* chiaro-session.h — which projects are open, and whether the last run ended cleanly
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `$XDG_DATA_HOME/chiaro/session.json` (DESIGN §6): {"version", "clean-shutdown", "projects":
 * [paths], "active"}. chiaro_session_begin writes clean-shutdown false as the app starts;
 * chiaro_session_end writes true as it quits. When the flag was false at start the last run
 * crashed, and its projects are restored whatever the settings say. Written atomically.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CHIARO_SESSION_VERSION 1

#define CHIARO_TYPE_SESSION (chiaro_session_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroSession, chiaro_session, CHIARO, SESSION, GObject)

/* @data_dir: (nullable): where session.json and projects/ live; NULL is
 * $XDG_DATA_HOME/chiaro. */
ChiaroSession *chiaro_session_new                   (GFile         *data_dir);
GFile         *chiaro_session_get_data_dir          (ChiaroSession *self);
/* data_dir/projects, made 0700 when needed. */
GFile         *chiaro_session_get_projects_dir      (ChiaroSession *self);
/* A new, not yet existing, folder under projects/ named by a random UUID. */
GFile         *chiaro_session_new_project_dir       (ChiaroSession *self);

/* Reads session.json; a missing file is a first run (clean, no projects). An unreadable or
 * newer one is treated as a crash with no projects and is not overwritten until begin. */
gboolean       chiaro_session_load                  (ChiaroSession *self,
                                                     GError       **error);
/* What the last run left: did it end cleanly, and which projects were open. */
gboolean       chiaro_session_get_was_clean         (ChiaroSession *self);
/* Returns: (transfer container) (element-type GFile) in the order they were opened */
GPtrArray     *chiaro_session_dup_projects          (ChiaroSession *self);
GFile         *chiaro_session_get_active            (ChiaroSession *self);
/* Restore when the user asked for it or the last run did not end cleanly. */
gboolean       chiaro_session_should_restore        (ChiaroSession *self,
                                                     gboolean       restore_setting);

/* The running app's open projects; each call writes session.json. */
gboolean       chiaro_session_begin                 (ChiaroSession *self,
                                                     GError       **error);
gboolean       chiaro_session_add_project           (ChiaroSession *self,
                                                     GFile         *dir,
                                                     GError       **error);
gboolean       chiaro_session_remove_project        (ChiaroSession *self,
                                                     GFile         *dir,
                                                     GError       **error);
gboolean       chiaro_session_set_active            (ChiaroSession *self,
                                                     GFile         *dir,
                                                     GError       **error);
gboolean       chiaro_session_end                   (ChiaroSession *self,
                                                     GError       **error);

G_END_DECLS
