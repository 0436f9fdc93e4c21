/* chiaro-application.h — the application: actions, settings, windows
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <libsoup/soup.h>

#include "chiaro-model-catalog.h"
#include "chiaro-preset-library.h"
#include "chiaro-session.h"

G_BEGIN_DECLS

#define CHIARO_TYPE_APPLICATION (chiaro_application_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroApplication, chiaro_application, CHIARO, APPLICATION, AdwApplication)

typedef struct _ChiaroWindow ChiaroWindow;

ChiaroApplication  *chiaro_application_new          (const char        *application_id,
                                                     GApplicationFlags  flags);
GSettings          *chiaro_application_get_settings (ChiaroApplication *self);
SoupSession        *chiaro_application_get_session  (ChiaroApplication *self);
ChiaroModelCatalog *chiaro_application_get_catalog  (ChiaroApplication *self);
ChiaroPresetLibrary *chiaro_application_get_preset_library (ChiaroApplication *self);
ChiaroSession      *chiaro_application_get_project_session (ChiaroApplication *self);
void                chiaro_application_add_project  (ChiaroApplication *self,
                                                     GFile             *dir);
void                chiaro_application_remove_project (ChiaroApplication *self,
                                                       GFile             *dir);
void                chiaro_application_close_project (ChiaroApplication *self,
                                                      ChiaroWindow      *window,
                                                      GFile             *dir);
void                chiaro_application_send_notification (ChiaroApplication *self,
                                                          const char        *id,
                                                          GNotification     *notification);

G_END_DECLS
