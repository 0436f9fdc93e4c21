/* chiaro-mock-scenarios.h — the ways the mock can answer, by name
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chiaro-mock-reply.h"

G_BEGIN_DECLS

typedef enum
{
  CHIARO_MOCK_ROUTE_GENERATE,       /* :generateContent */
  CHIARO_MOCK_ROUTE_STREAM_SSE,     /* :streamGenerateContent?alt=sse */
  CHIARO_MOCK_ROUTE_STREAM_JSON,    /* :streamGenerateContent, a JSON array */
  CHIARO_MOCK_ROUTE_OPENAI,         /* /v1beta/openai/chat/completions */
  CHIARO_MOCK_ROUTE_OPENROUTER,     /* /api/v1/chat/completions */
} ChiaroMockRoute;

typedef enum
{
  CHIARO_MOCK_SCENARIO_CONTENT,     /* a 200 answer whose content the scenario shapes */
  CHIARO_MOCK_SCENARIO_HTTP_ERROR,  /* an error status, given before the request is checked */
  CHIARO_MOCK_SCENARIO_BROKEN_BODY, /* a 200 whose body is not a usable answer */
  CHIARO_MOCK_SCENARIO_TRANSPORT,   /* the connection misbehaves */
} ChiaroMockScenarioKind;

typedef struct
{
  const char             *name;
  ChiaroMockScenarioKind  kind;
  const char             *summary;
} ChiaroMockScenario;

const ChiaroMockScenario *chiaro_mock_scenario_lookup      (const char            *name);
gboolean                  chiaro_mock_scenario_parse       (const char            *name,
                                                            char                 **base,
                                                            guint                 *count);
const ChiaroMockScenario *chiaro_mock_scenario_get_all     (guint                 *n_scenarios);
gboolean                  chiaro_mock_route_is_openai      (ChiaroMockRoute        route);
ChiaroMockReply          *chiaro_mock_error_reply          (ChiaroMockRoute        route,
                                                            JsonNode              *google_error);
ChiaroMockReply          *chiaro_mock_scenario_error_reply (const ChiaroMockScenario *scenario,
                                                            ChiaroMockRoute        route,
                                                            const char            *model_id);
ChiaroMockReply          *chiaro_mock_scenario_break_body  (const ChiaroMockScenario *scenario,
                                                            ChiaroMockReply       *good);

G_END_DECLS
