/* chiaro-mock-schema.h — checks request JSON against Google's discovery document
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One problem in a request, as google.rpc.BadRequest.FieldViolation has it. */
typedef struct
{
  char *field;        /* (nullable) the proto path, e.g. "generation_config.seed" */
  char *description;  /* the line of the error message */
} ChiaroMockViolation;

void chiaro_mock_violation_free (ChiaroMockViolation *violation);

#define CHIARO_TYPE_MOCK_SCHEMA (chiaro_mock_schema_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroMockSchema, chiaro_mock_schema, CHIARO, MOCK_SCHEMA, GObject)

ChiaroMockSchema *chiaro_mock_schema_new_from_file (const char        *path,
                                                    GError           **error);
const char       *chiaro_mock_schema_get_revision  (ChiaroMockSchema  *self);
gboolean          chiaro_mock_schema_validate      (ChiaroMockSchema  *self,
                                                    const char        *schema_name,
                                                    JsonNode          *node,
                                                    GPtrArray         *violations);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroMockViolation, chiaro_mock_violation_free)

G_END_DECLS
