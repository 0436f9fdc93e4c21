/* chiaro-mock-request.h — one request the mock server received, and what it answered
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Read-only for tests; the server fills it in. */
typedef struct
{
  char               *method;
  char               *path;      /* as sent, still percent-encoded */
  char               *query;     /* (nullable) the raw query string */
  GHashTable         *params;    /* (element-type utf8 utf8) the decoded query parameters */
  SoupMessageHeaders *headers;   /* the request headers, all of them */
  GBytes             *body;
  JsonNode           *json;      /* (nullable) the body parsed, when it is JSON */
  char               *route;     /* "generateContent", "streamGenerateContent", "openai",
                                  * "openrouter", or NULL for an unknown path */
  char               *model;     /* (nullable) from the path, or the body's "model" */
  char               *scenario;  /* (nullable) the scenario applied */
  guint               status;    /* the status answered; 0 while there is no answer */
  GBytes             *response;  /* (nullable) the body answered, before any gzip; NULL while
                                  * there is no answer */
  gint64              received;  /* monotonic time of arrival, µs */
} ChiaroMockRequest;

#define CHIARO_TYPE_MOCK_REQUEST (chiaro_mock_request_get_type ())

GType              chiaro_mock_request_get_type    (void) G_GNUC_CONST;
ChiaroMockRequest *chiaro_mock_request_new         (const char        *method,
                                                    GUri              *uri,
                                                    SoupMessageHeaders *headers,
                                                    GBytes            *body);
ChiaroMockRequest *chiaro_mock_request_ref         (ChiaroMockRequest *request);
void               chiaro_mock_request_unref       (ChiaroMockRequest *request);
const char        *chiaro_mock_request_get_header  (ChiaroMockRequest *request,
                                                    const char        *name);
const char        *chiaro_mock_request_get_param   (ChiaroMockRequest *request,
                                                    const char        *name);
JsonNode          *chiaro_mock_request_to_json     (ChiaroMockRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroMockRequest, chiaro_mock_request_unref)

G_END_DECLS
