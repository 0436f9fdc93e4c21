/* chiaro-mock-reply.h — an HTTP answer the mock is about to give, and how it ends
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "chiaro-mock-util.h"

G_BEGIN_DECLS

typedef enum
{
  CHIARO_MOCK_ENDING_COMPLETE,  /* the whole body, then the exchange ends normally */
  CHIARO_MOCK_ENDING_RESET,     /* part of the body, then the connection is reset */
  CHIARO_MOCK_ENDING_STALL,     /* nothing at all, until the server goes away */
} ChiaroMockEnding;

typedef struct
{
  guint             status;
  GPtrArray        *headers;      /* (element-type utf8) name, value, name, value… */
  GPtrArray        *chunks;       /* (element-type GBytes) the body, in pieces */
  gboolean          chunked;      /* Transfer-Encoding: chunked, one HTTP chunk per piece */
  guint             interval_ms;  /* pause before each piece after the first */
  ChiaroMockEnding  ending;
  gsize             reset_after;  /* RESET: body bytes written before the connection drops */
  gboolean          requeue_ok;   /* a redirect: the next request is answered "ok" */
  gboolean          compressible; /* may be gzipped if the client accepts it */
  gboolean          unrecorded;   /* too large to keep a copy in the request's record */
} ChiaroMockReply;

ChiaroMockReply *chiaro_mock_reply_new              (guint                status);
void             chiaro_mock_reply_free             (ChiaroMockReply     *reply);
void             chiaro_mock_reply_add_header       (ChiaroMockReply     *reply,
                                                     const char          *name,
                                                     const char          *value);
const char      *chiaro_mock_reply_get_header       (ChiaroMockReply     *reply,
                                                     const char          *name);
void             chiaro_mock_reply_add_google_headers (ChiaroMockReply   *reply);
void             chiaro_mock_reply_append           (ChiaroMockReply     *reply,
                                                     GBytes              *bytes);
void             chiaro_mock_reply_append_string    (ChiaroMockReply     *reply,
                                                     char                *text);
gsize            chiaro_mock_reply_get_body_length  (ChiaroMockReply     *reply);
GBytes          *chiaro_mock_reply_dup_body         (ChiaroMockReply     *reply);
ChiaroMockReply *chiaro_mock_reply_new_json         (guint                status,
                                                     JsonNode            *node,
                                                     ChiaroMockJsonStyle  style,
                                                     const char          *content_type);
JsonNode        *chiaro_mock_google_error           (guint                code,
                                                     const char          *status,
                                                     const char          *message,
                                                     JsonArray           *details);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroMockReply, chiaro_mock_reply_free)

G_END_DECLS
