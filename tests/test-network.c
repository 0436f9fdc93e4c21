/* test-network.c — the key goes nowhere insecure: plain HTTP off this computer, bad TLS
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Through the Gemini and OpenAI-compatible providers (a generation) and the connection
 * check (the Preferences' Test button):
 * - plain HTTP to an address that is not loopback is refused before any connection: a
 *   listener on this machine's own non-loopback address sees nothing, and 192.0.2.1 (a
 *   documentation address nothing answers) fails at once instead of after a connect timeout;
 * - a server whose certificate is self-signed (made here with openssl at test time) fails
 *   with the certificate error after one attempt, and never receives a request.
 */

#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-connection-check.h"
#include "chiaro-gemini-provider.h"
#include "chiaro-http-client.h"
#include "chiaro-model-catalog.h"
#include "chiaro-openai-provider.h"
#include "chiaro-test-util.h"

#define KEY "network-test-key-5b7e"
#define MODEL "gemini-3.1-flash-image"

typedef struct
{
  SoupSession        *session;
  ChiaroHttpClient   *http;
  ChiaroModelCatalog *catalog;
  GError             *error;
  gboolean            done;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->session = chiaro_http_session_new ();
  f->http = chiaro_http_client_new (f->session);
  /* Several attempts allowed: a refusal must not use them. */
  chiaro_http_client_set_max_attempts (f->http, 5);
  chiaro_http_client_set_timeout (f->http, 30);
  f->catalog = chiaro_model_catalog_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_error (&f->error);
  g_clear_object (&f->catalog);
  g_clear_object (&f->http);
  g_clear_object (&f->session);
}

static gboolean
is_done (gpointer user_data)
{
  return ((Fixture *) user_data)->done;
}

static void
on_generated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr(ChiaroGenerationResult) answer = NULL;

  answer = chiaro_provider_generate_finish (CHIARO_PROVIDER (source), result, &f->error);
  g_assert_null (answer);
  f->done = TRUE;
}

static void
generate (Fixture    *f,
          const char *provider_name,
          const char *endpoint)
{
  g_autoptr(ChiaroModelInfo) model = chiaro_model_catalog_lookup (f->catalog, MODEL);
  g_autoptr(ChiaroGenerationOptions) options = chiaro_generation_options_new ();
  g_autoptr(ChiaroContent) user = chiaro_content_new ("user");
  g_autoptr(ChiaroPart) text = chiaro_part_new_text ("a lighthouse at dusk");
  g_autoptr(ChiaroGenerationRequest) request = NULL;
  g_autoptr(ChiaroProvider) provider = NULL;

  if (g_str_equal (provider_name, "gemini"))
    provider = chiaro_gemini_provider_new (f->http, endpoint, KEY);
  else
    provider = chiaro_openai_provider_new (f->http, endpoint, KEY);

  request = chiaro_generation_request_new (model, options);
  chiaro_content_add_part (user, text);
  chiaro_generation_request_add_content (request, user);

  g_clear_error (&f->error);
  f->done = FALSE;
  chiaro_provider_generate_async (provider, request, NULL, NULL, NULL, NULL, on_generated, f);
  g_assert_true (chiaro_test_wait_until (is_done, f, 60));
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;
  g_autofree char *name = NULL;

  g_assert_false (chiaro_connection_check_finish (result, &name, &f->error));
  f->done = TRUE;
}

static void
check_connection (Fixture    *f,
                  const char *provider_name,
                  const char *endpoint)
{
  g_clear_error (&f->error);
  f->done = FALSE;
  chiaro_connection_check_async (f->http, provider_name, endpoint, KEY, MODEL, NULL,
                                 on_checked, f);
  g_assert_true (chiaro_test_wait_until (is_done, f, 60));
}

/* This machine's first IPv4 address that is not loopback, or NULL. */
static char *
dup_own_address (void)
{
  struct ifaddrs *addresses = NULL;
  char *found = NULL;

  if (getifaddrs (&addresses) != 0)
    return NULL;

  for (struct ifaddrs *a = addresses; a != NULL && found == NULL; a = a->ifa_next)
    {
      g_autoptr(GInetAddress) address = NULL;

      if (a->ifa_addr == NULL || a->ifa_addr->sa_family != AF_INET ||
          (a->ifa_flags & IFF_LOOPBACK) || !(a->ifa_flags & IFF_UP))
        continue;
      address = g_inet_address_new_from_bytes (
        (const guint8 *) &((struct sockaddr_in *) a->ifa_addr)->sin_addr, G_SOCKET_FAMILY_IPV4);
      if (!g_inet_address_get_is_loopback (address))
        found = g_inet_address_to_string (address);
    }

  freeifaddrs (addresses);
  return found;
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  (*(guint *) user_data)++;
  return FALSE;
}

static void
assert_insecure (Fixture    *f,
                 const char *host)
{
  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_INSECURE_ENDPOINT);
  g_assert_cmpstr (chiaro_api_error_get_reason (f->error), ==, "INSECURE_SCHEME");
  g_assert_nonnull (strstr (f->error->message, "HTTPS"));
  g_assert_nonnull (strstr (f->error->message, host));
  g_assert_null (strstr (f->error->message, KEY));
  g_assert_false (chiaro_api_error_is_retryable (f->error));
}

static void
test_plain_http_refused (Fixture       *f,
                         gconstpointer  data)
{
  static const char * const providers[] = { "gemini", "openai" };
  g_autofree char *own = dup_own_address ();
  g_autoptr(GSocketService) service = g_socket_service_new ();
  guint n_connections = 0;
  gint64 start;

  if (own != NULL)
    {
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string (own, 0);
      g_autoptr(GSocketAddress) effective = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *endpoint = NULL;

      g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                                    G_SOCKET_TYPE_STREAM,
                                                    G_SOCKET_PROTOCOL_TCP, NULL, &effective,
                                                    &error));
      g_assert_no_error (error);
      g_signal_connect (service, "incoming", G_CALLBACK (on_incoming), &n_connections);
      g_socket_service_start (service);
      endpoint = g_strdup_printf ("http://%s:%u/v1beta", own,
                                  g_inet_socket_address_get_port (
                                    G_INET_SOCKET_ADDRESS (effective)));
      g_test_message ("listening on %s", endpoint);

      for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
        {
          generate (f, providers[i], endpoint);
          assert_insecure (f, own);
          g_assert_cmpuint (chiaro_api_error_get_attempts (f->error), <=, 1);

          check_connection (f, providers[i], endpoint);
          assert_insecure (f, own);
        }

      /* Let a connection that was made anyway arrive before counting. */
      for (guint i = 0; i < 50; i++)
        g_main_context_iteration (NULL, FALSE);
      g_usleep (100 * 1000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_assert_cmpuint (n_connections, ==, 0);
      g_socket_service_stop (service);
      g_socket_listener_close (G_SOCKET_LISTENER (service));
    }
  else
    g_test_message ("this machine has no non-loopback IPv4 address");

  /* Nothing answers 192.0.2.1: a connection attempt would take the whole timeout. */
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      start = g_get_monotonic_time ();
      generate (f, providers[i], "http://192.0.2.1/v1beta");
      assert_insecure (f, "192.0.2.1");
      check_connection (f, providers[i], "http://192.0.2.1/v1beta");
      assert_insecure (f, "192.0.2.1");
      g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
    }
}

/* A self-signed certificate for 127.0.0.1 made now, or NULL when openssl is missing. */
static GTlsCertificate *
make_self_signed (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *cert = g_test_build_filename (G_TEST_BUILT, "network-cert.pem", NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_BUILT, "network-key.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  GTlsCertificate *certificate;
  int status = 0;
  const char *argv[] = {
    NULL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", key, "-out", cert, NULL
  };

  if (openssl == NULL)
    return NULL;
  argv[0] = openssl;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("openssl: %s\n%s", error->message, err);

  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  return certificate;
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  (*(guint *) user_data)++;
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static void
assert_certificate_error (Fixture *f)
{
  const char *detail;

  g_assert_error (f->error, CHIARO_API_ERROR, CHIARO_API_ERROR_NETWORK);
  g_assert_nonnull (strstr (f->error->message, "secure connection"));
  g_assert_nonnull (strstr (f->error->message, "certificate"));
  g_assert_null (strstr (f->error->message, KEY));
  /* The TLS library's own words are kept for the details. */
  detail = chiaro_api_error_get_detail (f->error);
  g_assert_nonnull (detail);
  g_test_message ("certificate error detail: %s", detail);
}

static void
test_bad_certificate (Fixture       *f,
                      gconstpointer  data)
{
  static const char * const providers[] = { "gemini", "openai" };
  g_autoptr(GTlsCertificate) certificate = make_self_signed ();
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *endpoint = NULL;
  guint n_requests = 0;

  if (certificate == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, on_request, &n_requests, NULL);
  g_assert_true (soup_server_listen_local (server, 0,
                                           SOUP_SERVER_LISTEN_IPV4_ONLY |
                                           SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_cmpstr (g_uri_get_scheme (uris->data), ==, "https");
  endpoint = g_strdup_printf ("https://127.0.0.1:%d/v1beta", g_uri_get_port (uris->data));

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      /* One attempt of the five allowed: a bad certificate does not get better, and the
       * request is never sent without TLS or with the certificate accepted. */
      generate (f, providers[i], endpoint);
      assert_certificate_error (f);
      g_assert_cmpuint (chiaro_api_error_get_attempts (f->error), ==, 1);

      check_connection (f, providers[i], endpoint);
      assert_certificate_error (f);
    }

  g_assert_cmpuint (n_requests, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/chiaro/network/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("plain-http-refused", test_plain_http_refused);
  ADD ("bad-certificate", test_bad_certificate);

  return g_test_run ();
}
