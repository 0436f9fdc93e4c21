/* fuzz-project-state.c — libFuzzer target: the project.json loader
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a project.json. chiaro_project_state_new_from_json() must give a state or a
 * GError with a message. A state it accepts must serialise, and what it serialises must load
 * again and serialise to the same JSON (but for the "modified" time, which saving sets).
 */

#define G_LOG_DOMAIN "chiaro-fuzz"

#include <stdlib.h>

#include <json-glib/json-glib.h>

#include "chiaro-fuzz.h"
#include "chiaro-project-state.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  chiaro_fuzz_init ();
  return 0;
}

/* The JSON tree of @bytes without its "modified" member. */
static JsonNode *
tree_without_modified (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, size, NULL))
    abort ();
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    abort ();
  json_object_remove_member (json_node_get_object (root), "modified");
  return json_node_ref (root);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) json = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroProjectState) state = NULL;
  g_autoptr(ChiaroProjectState) again = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GBytes) saved_again = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;

  state = chiaro_project_state_new_from_json (json, &error);
  if ((state == NULL) == (error == NULL))
    abort ();
  if (state == NULL)
    {
      if (error->message == NULL || !g_utf8_validate (error->message, -1, NULL))
        {
          g_printerr ("not UTF-8: %s\n", error->message);
          abort ();
        }
      return 0;
    }

  saved = chiaro_project_state_to_json (state);
  again = chiaro_project_state_new_from_json (saved, &error);
  if (again == NULL)
    {
      g_printerr ("a saved state does not load again: %s\n", error->message);
      abort ();
    }
  saved_again = chiaro_project_state_to_json (again);

  first = tree_without_modified (saved);
  second = tree_without_modified (saved_again);
  if (!json_node_equal (first, second))
    abort ();

  return 0;
}
