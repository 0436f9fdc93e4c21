/* chiaro-mock-schema.c — checks request JSON against Google's discovery document
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The walk follows what Google's proto3 JSON front end does with a request body: members are
 * found by their JSON (lowerCamel) or proto (snake_case) name, null means "not set", numbers
 * may come as strings, enums as names (or numbers), bytes as base64. Unknown members and bad
 * values produce the front end's own sentences, one violation each, with the path spelled in
 * proto names ("generation_config.response_modalities[0]").
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chiaro-mock-util.h"
#include "chiaro-mock-schema.h"

#define TYPE_PREFIX "type.googleapis.com/google.ai.generativelanguage.v1beta."

struct _ChiaroMockSchema
{
  GObject     parent_instance;

  /* owned */
  JsonNode   *document;
  GHashTable *schemas;   /* schema name → JsonObject (borrowed from document) */
  GHashTable *lookups;   /* schema name → GHashTable (either spelling → Property) */
  char       *revision;
};

G_DEFINE_FINAL_TYPE (ChiaroMockSchema, chiaro_mock_schema, G_TYPE_OBJECT)

typedef struct
{
  ChiaroMockSchema *schema;
  GPtrArray        *violations;
} Walk;

/* A member of a schema, found under either spelling. */
typedef struct
{
  char       *name;   /* the JSON (lowerCamel) name */
  JsonObject *spec;   /* (unowned) */
} Property;

static void
property_free (Property *property)
{
  g_free (property->name);
  g_free (property);
}

/* Enum types whose proto names do not follow from the schema and member names. */
static const struct
{
  const char *owner;
  const char *member;
  const char *type;
} enum_types[] = {
  { "GenerationConfig", "responseModalities", "GenerationConfig.Modality" },
  { "SafetySetting", "category", "HarmCategory" },
  { "SafetySetting", "threshold", "SafetySetting.HarmBlockThreshold" },
  { "SpeechConfig", "languageCode", "SpeechConfig.LanguageCode" },
};

static void walk_value (Walk       *walk,
                        JsonObject *spec,
                        const char *owner,
                        const char *member,
                        const char *parent_path,
                        const char *path,
                        JsonNode   *node);

void
chiaro_mock_violation_free (ChiaroMockViolation *violation)
{
  if (violation == NULL)
    return;

  g_free (violation->field);
  g_free (violation->description);
  g_free (violation);
}

static void
add_violation (Walk       *walk,
               const char *field,
               char       *description)
{
  ChiaroMockViolation *violation = g_new0 (ChiaroMockViolation, 1);

  violation->field = g_strdup (field);
  violation->description = description;
  g_ptr_array_add (walk->violations, violation);
}

/* How the front end quotes a rejected value: strings in double quotes, the rest as JSON. */
static char *
describe_value (JsonNode *node)
{
  g_autofree char *text = NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *string = json_node_get_string (node);

      if (strlen (string) > 80)
        return g_strdup_printf ("\"%.80s...\"", string);
      return g_strdup_printf ("\"%s\"", string);
    }

  text = chiaro_mock_json_to_string (node, CHIARO_MOCK_JSON_DENSE);
  if (strlen (text) > 80)
    return g_strdup_printf ("%.80s...", text);
  return g_steal_pointer (&text);
}

static char *
join_path (const char *parent_path,
           const char *member)
{
  g_autofree char *snake = chiaro_mock_snake_case (member);

  if (parent_path == NULL || *parent_path == '\0')
    return g_steal_pointer (&snake);
  return g_strdup_printf ("%s.%s", parent_path, snake);
}

static void
invalid_value (Walk       *walk,
               const char *path,
               const char *type,
               JsonNode   *node)
{
  g_autofree char *value = describe_value (node);

  add_violation (walk, path,
                 g_strdup_printf ("Invalid value at '%s' (%s), %s", path, type, value));
}

static void
unknown_name (Walk       *walk,
              const char *parent_path,
              const char *member,
              const char *reason)
{
  if (parent_path == NULL || *parent_path == '\0')
    add_violation (walk, NULL,
                   g_strdup_printf ("Invalid JSON payload received. Unknown name \"%s\": %s",
                                    member, reason));
  else
    add_violation (walk, parent_path,
                   g_strdup_printf ("Invalid JSON payload received. Unknown name \"%s\" "
                                    "at '%s': %s", member, parent_path, reason));
}

static char *
enum_type_name (const char *owner,
                const char *member)
{
  for (gsize i = 0; i < G_N_ELEMENTS (enum_types); i++)
    {
      if (g_strcmp0 (enum_types[i].owner, owner) == 0 &&
          g_strcmp0 (enum_types[i].member, member) == 0)
        return g_strconcat (TYPE_PREFIX, enum_types[i].type, NULL);
    }

  return g_strdup_printf (TYPE_PREFIX "%s.%c%s", owner, g_ascii_toupper (member[0]), member + 1);
}

static const char *
scalar_type_name (const char *type,
                  const char *format)
{
  if (g_strcmp0 (type, "boolean") == 0)
    return "TYPE_BOOL";
  if (g_strcmp0 (type, "integer") == 0)
    {
      if (g_strcmp0 (format, "int64") == 0)
        return "TYPE_INT64";
      if (g_strcmp0 (format, "uint32") == 0)
        return "TYPE_UINT32";
      if (g_strcmp0 (format, "uint64") == 0)
        return "TYPE_UINT64";
      return "TYPE_INT32";
    }
  if (g_strcmp0 (type, "number") == 0)
    return g_strcmp0 (format, "double") == 0 ? "TYPE_DOUBLE" : "TYPE_FLOAT";
  if (g_strcmp0 (format, "byte") == 0)
    return "TYPE_BYTES";
  return "TYPE_STRING";
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/* A number, or a string holding one, as proto3 JSON accepts for numeric fields. */
static gboolean
numeric_value (JsonNode *node,
               double   *value)
{
  if (is_number (node))
    {
      *value = json_node_get_value_type (node) == G_TYPE_INT64
               ? (double) json_node_get_int (node) : json_node_get_double (node);
      return TRUE;
    }

  if (is_string (node))
    {
      const char *text = json_node_get_string (node);
      char *end = NULL;

      if (*text == '\0' || g_ascii_isspace (*text))
        return FALSE;
      errno = 0;
      *value = g_ascii_strtod (text, &end);
      return errno == 0 && end != NULL && *end == '\0';
    }

  return FALSE;
}

static void
walk_scalar (Walk       *walk,
             JsonObject *spec,
             const char *owner,
             const char *member,
             const char *path,
             JsonNode   *node)
{
  const char *type = json_object_get_string_member_with_default (spec, "type", "string");
  const char *format = json_object_get_string_member_with_default (spec, "format", NULL);
  const char *type_name = scalar_type_name (type, format);
  double number = 0;

  if (g_strcmp0 (type, "string") == 0)
    {
      JsonArray *values = json_object_has_member (spec, "enum")
                          ? json_object_get_array_member (spec, "enum") : NULL;

      if (values != NULL)
        {
          g_autofree char *enum_type = enum_type_name (owner, member);
          guint n = json_array_get_length (values);

          if (is_string (node))
            {
              for (guint i = 0; i < n; i++)
                {
                  if (g_strcmp0 (json_array_get_string_element (values, i),
                                 json_node_get_string (node)) == 0)
                    return;
                }
            }
          else if (is_number (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
                   json_node_get_int (node) >= 0 && json_node_get_int (node) < n)
            return;

          invalid_value (walk, path, enum_type, node);
          return;
        }

      if (!is_string (node))
        {
          invalid_value (walk, path, type_name, node);
          return;
        }

      if (g_strcmp0 (format, "byte") == 0)
        {
          const char *text = json_node_get_string (node);
          g_autoptr(GBytes) bytes = chiaro_mock_base64_decode (text, strlen (text));

          if (bytes == NULL)
            {
              g_autofree char *value = describe_value (node);

              add_violation (walk, path,
                             g_strdup_printf ("Invalid value at '%s' (%s), Base64 decoding "
                                              "failed for %s", path, type_name, value));
            }
        }
      return;
    }

  if (g_strcmp0 (type, "boolean") == 0)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        invalid_value (walk, path, type_name, node);
      return;
    }

  if (g_strcmp0 (type, "integer") == 0)
    {
      gboolean ok = numeric_value (node, &number) && isfinite (number) && floor (number) == number;

      if (ok && g_strcmp0 (format, "int32") == 0)
        ok = number >= G_MININT32 && number <= G_MAXINT32;
      else if (ok && g_strcmp0 (format, "uint32") == 0)
        ok = number >= 0 && number <= G_MAXUINT32;
      if (!ok)
        invalid_value (walk, path, type_name, node);
      return;
    }

  if (g_strcmp0 (type, "number") == 0)
    {
      if (is_string (node))
        {
          const char *text = json_node_get_string (node);

          if (g_strcmp0 (text, "NaN") == 0 || g_strcmp0 (text, "Infinity") == 0 ||
              g_strcmp0 (text, "-Infinity") == 0)
            return;
        }
      if (!numeric_value (node, &number))
        invalid_value (walk, path, type_name, node);
      return;
    }
}

static void
walk_object (Walk       *walk,
             const char *schema_name,
             const char *parent_path,
             const char *member,
             const char *path,
             JsonNode   *node)
{
  GHashTable *lookup = g_hash_table_lookup (walk->schema->lookups, schema_name);
  JsonObject *object;
  g_autoptr(GList) names = NULL;
  const char *data_member = NULL;

  g_assert (lookup != NULL);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      unknown_name (walk, parent_path, member, "Proto field is not repeating, cannot start list.");
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *type = g_strconcat (TYPE_PREFIX, schema_name, NULL);

      invalid_value (walk, path, type, node);
      return;
    }

  object = json_node_get_object (node);
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (object, name);
      Property *found = g_hash_table_lookup (lookup, name);
      JsonObject *property = found != NULL ? found->spec : NULL;
      g_autofree char *child_path = NULL;

      if (property == NULL)
        {
          unknown_name (walk, path, name, "Cannot find field.");
          continue;
        }

      /* Part keeps its payload in the proto oneof "data": one member at most. */
      if (g_strcmp0 (schema_name, "Part") == 0 && !JSON_NODE_HOLDS_NULL (value) &&
          json_object_has_member (property, "$ref") &&
          g_strcmp0 (json_object_get_string_member (property, "$ref"), "VideoMetadata") != 0 &&
          g_strcmp0 (json_object_get_string_member (property, "$ref"), "MediaResolution") != 0)
        {
          if (data_member != NULL)
            {
              add_violation (walk, path,
                             g_strdup_printf ("Invalid JSON payload received. Oneof field 'data' "
                                              "is already set. Cannot set '%s'", name));
              continue;
            }
          data_member = name;
        }
      else if (g_strcmp0 (schema_name, "Part") == 0 && g_strcmp0 (name, "text") == 0 &&
               !JSON_NODE_HOLDS_NULL (value))
        {
          if (data_member != NULL)
            {
              add_violation (walk, path,
                             g_strdup_printf ("Invalid JSON payload received. Oneof field 'data' "
                                              "is already set. Cannot set '%s'", name));
              continue;
            }
          data_member = name;
        }

      child_path = join_path (path, found->name);
      walk_value (walk, property, schema_name, found->name, path, child_path, value);
    }
}

static void
walk_value (Walk       *walk,
            JsonObject *spec,
            const char *owner,
            const char *member,
            const char *parent_path,
            const char *path,
            JsonNode   *node)
{
  const char *type;

  if (JSON_NODE_HOLDS_NULL (node))
    return;

  if (json_object_has_member (spec, "$ref"))
    {
      walk_object (walk, json_object_get_string_member (spec, "$ref"),
                   parent_path, member, path, node);
      return;
    }

  type = json_object_get_string_member_with_default (spec, "type", "any");

  if (g_strcmp0 (type, "any") == 0)
    return;

  if (g_strcmp0 (type, "array") == 0)
    {
      JsonObject *items = json_object_get_object_member (spec, "items");
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          if (json_object_has_member (items, "$ref"))
            {
              g_autofree char *item_type =
                g_strconcat (TYPE_PREFIX, json_object_get_string_member (items, "$ref"), NULL);

              if (JSON_NODE_HOLDS_OBJECT (node))
                walk_object (walk, json_object_get_string_member (items, "$ref"),
                             parent_path, member, path, node);
              else
                invalid_value (walk, path, item_type, node);
            }
          else
            walk_value (walk, items, owner, member, parent_path, path, node);
          return;
        }

      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);

          walk_value (walk, items, owner, member, parent_path, item_path,
                      json_array_get_element (array, i));
        }
      return;
    }

  if (g_strcmp0 (type, "object") == 0)
    {
      JsonObject *values = json_object_has_member (spec, "additionalProperties")
                           ? json_object_get_object_member (spec, "additionalProperties") : NULL;
      JsonObject *object;
      g_autoptr(GList) names = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          invalid_value (walk, path, TYPE_PREFIX "Struct", node);
          return;
        }
      if (values == NULL)
        return;

      object = json_node_get_object (node);
      names = json_object_get_members (object);
      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *key_path = g_strdup_printf ("%s[%s]", path, (const char *) l->data);

          walk_value (walk, values, owner, member, path, key_path,
                      json_object_get_member (object, l->data));
        }
      return;
    }

  /* A scalar field given an object or a list. */
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      unknown_name (walk, parent_path, member, "Proto field is not repeating, cannot start list.");
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      unknown_name (walk, parent_path, member, "Starting an object on a scalar field");
      return;
    }

  walk_scalar (walk, spec, owner, member, path, node);
}

static void
chiaro_mock_schema_finalize (GObject *object)
{
  ChiaroMockSchema *self = (ChiaroMockSchema *) object;

  g_clear_pointer (&self->lookups, g_hash_table_unref);
  g_clear_pointer (&self->schemas, g_hash_table_unref);
  g_clear_pointer (&self->document, json_node_unref);
  g_clear_pointer (&self->revision, g_free);

  G_OBJECT_CLASS (chiaro_mock_schema_parent_class)->finalize (object);
}

static void
chiaro_mock_schema_class_init (ChiaroMockSchemaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chiaro_mock_schema_finalize;
}

static void
chiaro_mock_schema_init (ChiaroMockSchema *self)
{
  self->schemas = g_hash_table_new (g_str_hash, g_str_equal);
  self->lookups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) g_hash_table_unref);
}

/**
 * chiaro_mock_schema_new_from_file:
 * @path: the discovery document (`generativelanguage-v1beta-discovery.json`)
 * @error: return location for a #GError
 *
 * Loads the request schemas of a Google discovery document.
 *
 * Returns: (transfer full) (nullable): the schema set, or %NULL with @error set
 */
ChiaroMockSchema *
chiaro_mock_schema_new_from_file (const char  *path,
                                  GError     **error)
{
  g_autoptr(ChiaroMockSchema) self = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonObject *schemas;
  g_autoptr(GList) names = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!json_parser_load_from_mapped_file (parser, path, error))
    return NULL;

  root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
         ? json_node_get_object (json_parser_get_root (parser)) : NULL;
  schemas = root != NULL && json_object_has_member (root, "schemas")
            ? json_object_get_object_member (root, "schemas") : NULL;
  if (schemas == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not a discovery document: it has no schemas", path);
      return NULL;
    }

  self = g_object_new (CHIARO_TYPE_MOCK_SCHEMA, NULL);
  self->document = json_node_ref (json_parser_get_root (parser));
  self->revision = g_strdup (json_object_get_string_member_with_default (root, "revision", ""));

  names = json_object_get_members (schemas);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *schema = json_object_get_object_member (schemas, l->data);
      GHashTable *lookup = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) property_free);
      JsonObject *properties = json_object_has_member (schema, "properties")
                               ? json_object_get_object_member (schema, "properties") : NULL;

      if (properties != NULL)
        {
          g_autoptr(GList) members = json_object_get_members (properties);

          for (GList *m = members; m != NULL; m = m->next)
            {
              JsonObject *spec = json_object_get_object_member (properties, m->data);
              g_autofree char *snake = chiaro_mock_snake_case (m->data);

              if (json_object_get_boolean_member_with_default (spec, "readOnly", FALSE))
                continue;
              for (guint k = 0; k < 2; k++)
                {
                  Property *property = g_new0 (Property, 1);

                  property->name = g_strdup (m->data);
                  property->spec = spec;
                  g_hash_table_insert (lookup, g_strdup (k == 0 ? m->data : snake), property);
                }
            }
        }

      g_hash_table_insert (self->schemas, l->data, schema);
      g_hash_table_insert (self->lookups, l->data, lookup);
    }

  return g_steal_pointer (&self);
}

const char *
chiaro_mock_schema_get_revision (ChiaroMockSchema *self)
{
  g_return_val_if_fail (CHIARO_IS_MOCK_SCHEMA (self), NULL);

  return self->revision;
}

/**
 * chiaro_mock_schema_validate:
 * @self: a #ChiaroMockSchema
 * @schema_name: the message the body must be, e.g. "GenerateContentRequest"
 * @node: the parsed body
 * @violations: (element-type ChiaroMockViolation): where problems are appended
 *
 * Walks @node as Google's proto3 JSON front end would.
 *
 * Returns: %TRUE when nothing was wrong
 */
gboolean
chiaro_mock_schema_validate (ChiaroMockSchema *self,
                             const char       *schema_name,
                             JsonNode         *node,
                             GPtrArray        *violations)
{
  Walk walk = { self, violations };
  guint before;

  g_return_val_if_fail (CHIARO_IS_MOCK_SCHEMA (self), FALSE);
  g_return_val_if_fail (g_hash_table_contains (self->lookups, schema_name), FALSE);
  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (violations != NULL, FALSE);

  before = violations->len;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    add_violation (&walk, NULL,
                   g_strdup ("Invalid JSON payload received. Unknown name \"\": "
                             "Root element must be a message."));
  else
    walk_object (&walk, schema_name, NULL, NULL, "", node);

  return violations->len == before;
}
