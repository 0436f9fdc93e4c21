/* chiaro-mock-server.h — a loopback Gemini (and OpenAI-compatible) server for tests
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "chiaro-mock-request.h"

G_BEGIN_DECLS

#define CHIARO_MOCK_DEFAULT_MAX_REQUEST_BYTES (20 * 1024 * 1024)

#define CHIARO_TYPE_MOCK_SERVER (chiaro_mock_server_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroMockServer, chiaro_mock_server, CHIARO, MOCK_SERVER, GObject)

ChiaroMockServer  *chiaro_mock_server_new                     (const char        *discovery_path,
                                                               GError           **error);
gboolean           chiaro_mock_server_listen                  (ChiaroMockServer  *self,
                                                               guint              port,
                                                               GError           **error);
const char        *chiaro_mock_server_get_url                 (ChiaroMockServer  *self);
guint              chiaro_mock_server_get_port                (ChiaroMockServer  *self);
gboolean           chiaro_mock_server_is_scenario             (const char        *name);
char             **chiaro_mock_server_dup_scenario_names      (void);
void               chiaro_mock_server_push_scenario           (ChiaroMockServer  *self,
                                                               const char        *name);
guint              chiaro_mock_server_get_n_queued            (ChiaroMockServer  *self);
void               chiaro_mock_server_set_default_scenario    (ChiaroMockServer  *self,
                                                               const char        *name);
const char        *chiaro_mock_server_get_default_scenario    (ChiaroMockServer  *self);
void               chiaro_mock_server_set_delay_ms            (ChiaroMockServer  *self,
                                                               guint              delay_ms);
void               chiaro_mock_server_set_image_format        (ChiaroMockServer  *self,
                                                               const char        *format);
void               chiaro_mock_server_set_enforce_signatures  (ChiaroMockServer  *self,
                                                               gboolean           enforce);
void               chiaro_mock_server_set_max_request_bytes   (ChiaroMockServer  *self,
                                                               gsize              max_bytes);
void               chiaro_mock_server_set_answer_body         (ChiaroMockServer  *self,
                                                               GBytes            *body);
void               chiaro_mock_server_set_gzip                (ChiaroMockServer  *self,
                                                               gboolean           gzip);
guint              chiaro_mock_server_get_n_requests          (ChiaroMockServer  *self);
ChiaroMockRequest *chiaro_mock_server_get_request             (ChiaroMockServer  *self,
                                                               guint              index);
ChiaroMockRequest *chiaro_mock_server_get_last_request        (ChiaroMockServer  *self);
void               chiaro_mock_server_clear_requests          (ChiaroMockServer  *self);
JsonNode          *chiaro_mock_server_dup_requests_json       (ChiaroMockServer  *self);

G_END_DECLS
