/* chiaro-test-document.c — documents on a test folder over the in-process mock server
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "chiaro-gemini-provider.h"
#include "chiaro-model-catalog.h"
#include "chiaro-test-util.h"

#include "chiaro-test-document.h"

static void
no_sleep (guint     delay_ms,
          GTask    *task,
          gpointer  user_data)
{
  g_task_return_boolean (task, TRUE);
}

void
chiaro_test_gemini_init (ChiaroTestGemini *gemini,
                         const char       *key,
                         guint             max_attempts)
{
  g_autoptr(GError) error = NULL;

  gemini->mock = chiaro_mock_server_new (g_getenv ("CHIARO_DISCOVERY_PATH"), &error);
  g_assert_no_error (error);
  chiaro_mock_server_listen (gemini->mock, 0, &error);
  g_assert_no_error (error);

  gemini->session = soup_session_new_with_options ("max-conns-per-host", 16, NULL);
  gemini->http = chiaro_http_client_new (gemini->session);
  chiaro_http_client_set_jitter (gemini->http, FALSE);
  chiaro_http_client_set_max_attempts (gemini->http, max_attempts);
  chiaro_http_client_set_sleep_func (gemini->http, no_sleep, NULL, NULL);
  gemini->catalog = chiaro_model_catalog_new_default (&error);
  g_assert_no_error (error);
  gemini->provider = chiaro_gemini_provider_new (gemini->http,
                                                 chiaro_mock_server_get_url (gemini->mock), key);
}

void
chiaro_test_gemini_clear (ChiaroTestGemini *gemini)
{
  g_clear_object (&gemini->provider);
  g_clear_object (&gemini->catalog);
  g_clear_object (&gemini->http);
  g_clear_object (&gemini->session);
  g_clear_object (&gemini->mock);
}

ChiaroDocument *
chiaro_test_open_document (GFile                    *dir,
                           ChiaroDocumentOpenFlags   flags,
                           ChiaroModelCatalog       *catalog,
                           GError                  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_document_open_async (dir, flags, catalog, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  return chiaro_document_open_finish (result, error);
}

void
chiaro_test_close_document (ChiaroDocument *document)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  chiaro_document_close_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_true (chiaro_document_close_finish (document, result, &error));
  g_assert_no_error (error);
}

/* Saves @document now and waits until the state is on disk. */
void
chiaro_test_save_document (ChiaroDocument *document)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  chiaro_document_save_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_true (chiaro_document_save_finish (document, result, &error));
  g_assert_no_error (error);
}

void
chiaro_test_set_root_image (ChiaroDocument *document,
                            GBytes         *bytes,
                            const char     *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  chiaro_document_set_root_image_async (document, bytes, name, NULL, chiaro_test_store_result,
                                        &result);
  chiaro_test_wait_for_result (&result);
  g_assert_true (chiaro_document_set_root_image_finish (document, result, &error));
  g_assert_no_error (error);
}
