/* chiaro-mock-util.h — JSON writing, base64, checksums and sniffing for the mock server
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  CHIARO_MOCK_JSON_PRETTY,   /* Google's unary style: 2-space indent, "key": value */
  CHIARO_MOCK_JSON_COMPACT,  /* Google's SSE style: one line, ": " after keys, "," alone */
  CHIARO_MOCK_JSON_DENSE,    /* no spaces at all (OpenAI-compatible servers) */
} ChiaroMockJsonStyle;

char       *chiaro_mock_json_to_string     (JsonNode            *node,
                                            ChiaroMockJsonStyle  style);
void        chiaro_mock_json_append        (GString             *out,
                                            JsonNode            *node,
                                            ChiaroMockJsonStyle  style);
JsonNode   *chiaro_mock_json_member        (JsonObject          *object,
                                            const char          *camel_name);
const char *chiaro_mock_json_string_member (JsonObject          *object,
                                            const char          *camel_name);
JsonObject *chiaro_mock_json_object_member (JsonObject          *object,
                                            const char          *camel_name);
JsonArray  *chiaro_mock_json_array_member  (JsonObject          *object,
                                            const char          *camel_name);
char       *chiaro_mock_snake_case         (const char          *camel_name);

GBytes     *chiaro_mock_base64_decode      (const char          *text,
                                            gsize                length);
guint32     chiaro_mock_crc32              (guint32              crc,
                                            const guint8        *data,
                                            gsize                length);
const char *chiaro_mock_sniff_mime_type    (const guint8        *data,
                                            gsize                length);
char       *chiaro_mock_random_id          (guint                length);
guint32     chiaro_mock_hash               (const char          *text);

G_END_DECLS
