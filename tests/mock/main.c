/* main.c — chiaro-mock-server: the mock Gemini server as a program, for offline runs
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   chiaro-mock-server --port 8080 &
 *   CHIARO_ENDPOINT=http://127.0.0.1:8080 CHIARO_API_KEY=test chiaro
 *
 * Out-of-process tests steer it over HTTP: POST /mock/scenario (body: a name) queues a
 * scenario, POST /mock/default-scenario sets the default, GET /mock/requests lists what it
 * received (JSON), DELETE /mock/requests forgets it, GET /mock/scenarios lists the names.
 */

#define G_LOG_DOMAIN "chiaro-mock"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>

#include "chiaro-mock-server.h"
#include "chiaro-mock-util.h"

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_request_answered (ChiaroMockServer  *server,
                     ChiaroMockRequest *request,
                     gpointer           user_data)
{
  FILE *record = user_data;
  g_autoptr(JsonNode) node = chiaro_mock_request_to_json (request);
  g_autofree char *line = chiaro_mock_json_to_string (node, CHIARO_MOCK_JSON_DENSE);

  fprintf (record, "%s\n", line);
  fflush (record);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ChiaroMockServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *scenario = NULL;
  g_autofree char *image_format = NULL;
  g_autofree char *record_path = NULL;
  g_autofree char *discovery = NULL;
  g_autofree char *answer_path = NULL;
  gboolean enforce_signatures = FALSE;
  gboolean list = FALSE;
  gboolean no_gzip = FALSE;
  int port = 0;
  int delay_ms = 0;
  gint64 max_request_bytes = CHIARO_MOCK_DEFAULT_MAX_REQUEST_BYTES;
  FILE *record = NULL;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: any free one)", "N" },
    { "scenario", 's', 0, G_OPTION_ARG_STRING, &scenario, "Default scenario (ok)", "NAME" },
    { "delay-ms", 0, 0, G_OPTION_ARG_INT, &delay_ms, "Wait before each answer", "MS" },
    { "image-format", 0, 0, G_OPTION_ARG_STRING, &image_format,
      "auto, png, jpeg or webp (auto: PNG for 2.5, JPEG for gemini-3*)", "FORMAT" },
    { "enforce-signatures", 0, 0, G_OPTION_ARG_NONE, &enforce_signatures,
      "Refuse Gemini 3 model turns without valid thought signatures", NULL },
    { "max-request-bytes", 0, 0, G_OPTION_ARG_INT64, &max_request_bytes,
      "Largest request body accepted (20 MiB)", "BYTES" },
    { "answer-file", 0, 0, G_OPTION_ARG_FILENAME, &answer_path,
      "Answer every \"ok\" generateContent with the body in FILE, as it is", "FILE" },
    { "no-gzip", 0, 0, G_OPTION_ARG_NONE, &no_gzip, "Never gzip answers", NULL },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &record_path,
      "Append each request to FILE as one JSON line", "FILE" },
    { "discovery", 0, 0, G_OPTION_ARG_FILENAME, &discovery,
      "Google's discovery document (the one beside the fixtures)", "FILE" },
    { "list-scenarios", 0, 0, G_OPTION_ARG_NONE, &list, "List the scenarios and exit", NULL },
    { NULL }
  };

  context = g_option_context_new ("— a mock Gemini server on 127.0.0.1");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (list)
    {
      g_auto(GStrv) names = chiaro_mock_server_dup_scenario_names ();

      for (guint i = 0; names[i] != NULL; i++)
        g_print ("%s\n", names[i]);
      return 0;
    }

  if (port < 0 || port > 65535 || delay_ms < 0 || max_request_bytes <= 0)
    {
      g_printerr ("--port, --delay-ms or --max-request-bytes is out of range\n");
      return 2;
    }
  if (scenario != NULL && !chiaro_mock_server_is_scenario (scenario))
    {
      g_printerr ("Unknown scenario “%s” (see --list-scenarios)\n", scenario);
      return 2;
    }
  if (image_format != NULL && g_strcmp0 (image_format, "auto") != 0 &&
      g_strcmp0 (image_format, "png") != 0 && g_strcmp0 (image_format, "jpeg") != 0 &&
      g_strcmp0 (image_format, "webp") != 0)
    {
      g_printerr ("--image-format must be auto, png, jpeg or webp\n");
      return 2;
    }

  server = chiaro_mock_server_new (discovery, &error);
  if (server == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (scenario != NULL)
    chiaro_mock_server_set_default_scenario (server, scenario);
  if (image_format != NULL)
    chiaro_mock_server_set_image_format (server, image_format);
  chiaro_mock_server_set_delay_ms (server, delay_ms);
  chiaro_mock_server_set_enforce_signatures (server, enforce_signatures);
  chiaro_mock_server_set_max_request_bytes (server, max_request_bytes);
  chiaro_mock_server_set_gzip (server, !no_gzip);

  if (answer_path != NULL)
    {
      g_autoptr(GMappedFile) mapped = g_mapped_file_new (answer_path, FALSE, &error);
      g_autoptr(GBytes) answer_body = NULL;

      if (mapped == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      answer_body = g_mapped_file_get_bytes (mapped);
      chiaro_mock_server_set_answer_body (server, answer_body);
    }

  if (record_path != NULL)
    {
      record = fopen (record_path, "a");
      if (record == NULL)
        {
          g_printerr ("Cannot open %s: %s\n", record_path, g_strerror (errno));
          return 1;
        }
      g_signal_connect (server, "request-answered", G_CALLBACK (on_request_answered), record);
    }

  if (!chiaro_mock_server_listen (server, port, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_unix_signal_add (SIGINT, on_quit_signal, loop);

  g_print ("listening on %s\n", chiaro_mock_server_get_url (server));
  fflush (stdout);

  g_main_loop_run (loop);

  g_clear_object (&server);
  if (record != NULL)
    fclose (record);

  return 0;
}
