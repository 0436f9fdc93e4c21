/* test-pack.c — social-format packs and draft → final re-renders against the mock
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Asserts on the requests the mock received (their aspectRatio, imageSize, text, and that
 * they were in flight together), the history and project.json reloaded, and the files an
 * export of the pack writes.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "chiaro-api-error.h"
#include "chiaro-export.h"
#include "chiaro-pack.h"
#include "chiaro-project-error.h"
#include "chiaro-test-document.h"
#include "chiaro-test-util.h"

#define KEY "pack-test-key-91c4"
#define PHOTO "Landscape_1.jpg"

typedef struct
{
  ChiaroTestGemini  gemini;
  char             *path;
  GFile            *dir;
  ChiaroDocument   *document;
} Fixture;

static ChiaroDocument *
open_document (Fixture                 *f,
               ChiaroDocumentOpenFlags  flags)
{
  g_autoptr(GError) error = NULL;
  ChiaroDocument *document = chiaro_test_open_document (f->dir, flags, f->gemini.catalog,
                                                        &error);

  g_assert_no_error (error);
  chiaro_document_set_provider (document, f->gemini.provider, "gemini");
  chiaro_document_set_autosave_delay (document, 60000);
  return document;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *project = NULL;

  f->path = chiaro_test_clean_data_path ();
  project = g_build_filename (f->path, "project", NULL);
  chiaro_test_gemini_init (&f->gemini, KEY, 1);
  f->dir = g_file_new_for_path (project);
  f->document = open_document (f, CHIARO_DOCUMENT_OPEN_CREATE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->document != NULL)
    chiaro_test_close_document (f->document);
  g_clear_object (&f->document);
  g_clear_object (&f->dir);
  chiaro_test_gemini_clear (&f->gemini);
  chiaro_test_remove_tree (f->path);
  g_free (f->path);
}

static void
set_root_photo (Fixture *f)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);

  chiaro_test_set_root_image (f->document, photo, PHOTO);
}

static JsonNode *
request_json (Fixture *f,
              guint    index)
{
  ChiaroMockRequest *request = chiaro_mock_server_get_request (f->gemini.mock, index);

  g_assert_nonnull (request);
  g_assert_nonnull (request->json);
  return request->json;
}

/* The text parts of the request's last (new) user turn, joined. */
static char *
dup_user_text (JsonNode *json)
{
  JsonArray *contents = json_node_get_array (chiaro_test_json_get_path (json, "contents"));
  JsonObject *last = json_array_get_object_element (contents,
                                                    json_array_get_length (contents) - 1);
  JsonArray *parts = json_object_get_array_member (last, "parts");
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);

      if (json_object_has_member (part, "text"))
        g_string_append (text, json_object_get_string_member (part, "text"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static guint
mock_n_requests (gpointer user_data)
{
  return chiaro_mock_server_get_n_requests (user_data);
}

static gboolean
has_five_requests (gpointer user_data)
{
  return mock_n_requests (user_data) >= 5;
}

static GPtrArray *
send_pack (Fixture             *f,
           const char * const  *ratios,
           const char          *size,
           guint                variants,
           GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_document_send_pack_async (f->document, ratios, size, variants, NULL,
                                   chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  return chiaro_document_send_pack_finish (f->document, result, error);
}

static void
test_ratios (void)
{
  g_autoptr(ChiaroModelCatalog) catalog = chiaro_model_catalog_new_default (NULL);
  g_autoptr(ChiaroModelInfo) flash = chiaro_model_catalog_lookup (catalog,
                                                                  "gemini-3.1-flash-image");
  g_autoptr(ChiaroModelInfo) pro = chiaro_model_catalog_lookup (catalog, "gemini-3-pro-image");
  g_auto(GStrv) flash_ratios = chiaro_pack_dup_ratios_for_model (flash);
  g_auto(GStrv) pro_ratios = chiaro_pack_dup_ratios_for_model (pro);
  g_autofree char *flash_text = NULL;
  g_autofree char *pro_text = NULL;
  g_autofree char *composed = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *part = NULL;

  flash_text = g_strjoinv (" ", (char **) chiaro_pack_get_default_ratios ());
  g_assert_cmpstr (flash_text, ==, "1:1 4:5 9:16 16:9 21:9");
  g_clear_pointer (&flash_text, g_free);

  flash_text = g_strjoinv (" ", flash_ratios);
  pro_text = g_strjoinv (" ", pro_ratios);
  g_assert_cmpstr (flash_text, ==,
                   "1:1 4:5 9:16 16:9 21:9 2:3 3:2 3:4 4:3 5:4 1:4 4:1 1:8 8:1");
  g_assert_cmpstr (pro_text, ==, "1:1 4:5 9:16 16:9 21:9 2:3 3:2 3:4 4:3 5:4");

  composed = chiaro_pack_compose_prompt ("  Summer sale  ", "9:16");
  g_assert_true (g_str_has_prefix (composed, "Summer sale\n\nRe-frame this image to a 9:16 "));
  bare = chiaro_pack_compose_prompt (NULL, "4:5");
  g_assert_true (g_str_has_prefix (bare, "Re-frame this image to a 4:5 aspect ratio"));
  part = chiaro_pack_ratio_to_file_part ("21:9");
  g_assert_cmpstr (part, ==, "21x9");
}

/* Five ratios from a photo: five requests in flight together, each with its ratio; five
 * entries of the documented sizes, grouped by one pack id, kept in project.json; exported
 * with names from the template without replacing a file that was there. */
static void
test_pack (Fixture       *f,
           gconstpointer  data)
{
  const char * const *ratios = chiaro_pack_get_default_ratios ();
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) reloaded_entries = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) renamed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) export_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(ChiaroModelInfo) model = NULL;
  g_autoptr(ChiaroExportSettings) settings = chiaro_export_settings_new ();
  g_autofree char *out = NULL;
  g_autofree char *blocker = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *pack_id = NULL;
  g_autoptr(GFile) out_dir = NULL;
  GListModel *live;
  gint64 first_answer = G_MAXINT64;
  gint64 last_arrival = 0;
  guint delay_ms;
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  double estimate, single;

  set_root_photo (f);
  model = chiaro_model_catalog_lookup (f->gemini.catalog,
                                       chiaro_document_get_model_id (f->document));
  chiaro_document_set_prompt (f->document, "Summer sale banner");
  options = chiaro_generation_options_copy (chiaro_document_get_options (f->document));
  g_free (options->image_size);
  options->image_size = g_strdup ("1K");
  chiaro_document_set_options (f->document, options);
  chiaro_document_set_n_variants (f->document, 1);
  /* Five sends of one image each; the instruction adds a little prompt text to each. */
  single = chiaro_document_estimate_cost (f->document);
  estimate = chiaro_document_estimate_pack_cost (f->document, ratios, NULL, 0);
  g_assert_cmpfloat (single, >, 0);
  g_assert_cmpfloat (estimate, >=, 5 * single);
  g_assert_cmpfloat (estimate, <, 5 * single * 1.01);
  g_assert_cmpfloat_with_epsilon (chiaro_document_estimate_pack_cost (f->document, ratios,
                                                                      "1K", 2),
                                  2 * estimate, 1e-9);

  /* Slow answers, so that the five requests are all at the mock before one comes back.
   * Their arrivals spread over 3–27 ms here (15 ms with ASan), but over 0.2–2.8 s under
   * valgrind (measured), whose setup sets CHIARO_TEST_SLOW: the answers wait longer there. */
  delay_ms = g_getenv ("CHIARO_TEST_SLOW") != NULL ? 10000 : 400;
  chiaro_mock_server_set_delay_ms (f->gemini.mock, delay_ms);
  chiaro_document_send_pack_async (f->document, ratios, "1K", 1, NULL, chiaro_test_store_result,
                                   &result);
  g_assert_cmpstr (chiaro_document_get_prompt (f->document), ==, "");

  /* Progress per ratio: each send is listed at once, with its ratio and the pack. */
  live = chiaro_document_get_sends (f->document);
  g_assert_cmpuint (g_list_model_get_n_items (live), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(ChiaroSend) send = g_list_model_get_item (live, i);
      ChiaroTurn *turn = chiaro_send_get_turn (send);

      g_assert_cmpstr (chiaro_generation_options_get_aspect_ratio (turn->options), ==,
                       ratios[i]);
      g_assert_cmpstr (turn->prompt, ==, "Summer sale banner");
      g_assert_nonnull (turn->pack_id);
      if (pack_id == NULL)
        pack_id = g_strdup (turn->pack_id);
      g_assert_cmpstr (turn->pack_id, ==, pack_id);
    }
  g_assert_true (chiaro_test_wait_until (has_five_requests, f->gemini.mock, 30));
  g_assert_null (result);
  chiaro_test_wait_for_result (&result);
  sends = chiaro_document_send_pack_finish (f->document, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sends->len, ==, 5);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 5);

  /* In flight together: the last request arrived before the first answer left. */
  for (guint i = 0; i < 5; i++)
    {
      ChiaroMockRequest *request = chiaro_mock_server_get_request (f->gemini.mock, i);

      last_arrival = MAX (last_arrival, request->received);
      first_answer = MIN (first_answer, request->received + (gint64) delay_ms * 1000);
    }
  g_assert_cmpint (last_arrival, <, first_answer);

  /* Each request: its own ratio, the size, the prompt and the re-framing instruction. */
  for (guint i = 0; i < 5; i++)
    {
      JsonNode *json = request_json (f, i);
      const char *ratio = chiaro_test_json_get_string (json,
                                                       "generationConfig.imageConfig."
                                                       "aspectRatio");
      g_autofree char *text = dup_user_text (json);
      g_autofree char *instruction = g_strdup_printf ("Re-frame this image to a %s aspect", ratio);

      g_assert_true (g_strv_contains (ratios, ratio));
      g_assert_false (g_hash_table_contains (seen, ratio));
      g_hash_table_add (seen, (gpointer) ratio);
      g_assert_cmpstr (chiaro_test_json_get_string (json, "generationConfig.imageConfig."
                                                          "imageSize"), ==, "1K");
      g_assert_true (g_str_has_prefix (text, "Summer sale banner\n\n"));
      g_assert_nonnull (strstr (text, instruction));
    }

  /* Five entries, children of the photo, of the catalog's sizes, sharing the pack id. */
  for (guint i = 0; i < 5; i++)
    {
      ChiaroSend *send = g_ptr_array_index (sends, i);
      ChiaroHistoryEntry *entry;
      ChiaroTurn *turn = chiaro_send_get_turn (send);
      int width, height;

      g_assert_cmpint (chiaro_send_get_state (send), ==, CHIARO_SEND_DONE);
      g_assert_cmpstr (chiaro_generation_options_get_aspect_ratio (turn->options), ==, ratios[i]);
      g_assert_cmpuint (chiaro_send_get_entries (send)->len, ==, 1);
      entry = g_ptr_array_index (chiaro_send_get_entries (send), 0);
      g_assert_true (chiaro_history_entry_get_parent (entry) ==
                     chiaro_history_get_root (chiaro_document_get_history (f->document)));
      g_assert_true (chiaro_model_info_get_pixel_size (model, ratios[i], "1K", &width, &height));
      g_assert_cmpint (chiaro_history_entry_get_width (entry), ==, width);
      g_assert_cmpint (chiaro_history_entry_get_height (entry), ==, height);
      /* The prompt shown stays the user's; the content kept is what was sent. */
      g_assert_cmpstr (turn->prompt, ==, "Summer sale banner");
      g_assert_nonnull (turn->content);
    }
  entries = chiaro_history_dup_pack_entries (chiaro_document_get_history (f->document), pack_id);
  g_assert_cmpuint (entries->len, ==, 5);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = g_ptr_array_new ();
  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (entries,
                     g_ptr_array_index (chiaro_send_get_entries (g_ptr_array_index (sends, i)),
                                        0));

  /* The pack survives a save and a reopen. */
  chiaro_test_close_document (f->document);
  g_clear_object (&f->document);
  f->document = open_document (f, CHIARO_DOCUMENT_OPEN_NONE);
  reloaded_entries = chiaro_history_dup_pack_entries (chiaro_document_get_history (f->document),
                                                      pack_id);
  g_assert_cmpuint (reloaded_entries->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (reloaded_entries, i);

      g_assert_cmpstr (chiaro_history_entry_get_turn (entry)->prompt, ==, "Summer sale banner");
    }

  /* Export the pack (in ratio order); Launch-9x16-3.png is there already. */
  g_ptr_array_set_size (entries, 0);
  for (guint i = 0; i < 5; i++)
    {
      ChiaroHistoryEntry *old = g_ptr_array_index (chiaro_send_get_entries
                                                   (g_ptr_array_index (sends, i)), 0);

      g_ptr_array_add (entries,
                       chiaro_history_lookup (chiaro_document_get_history (f->document),
                                              chiaro_history_entry_get_id (old)));
    }
  out = g_build_filename (f->path, "out", NULL);
  g_assert_cmpint (g_mkdir_with_parents (out, 0700), ==, 0);
  blocker = g_build_filename (out, "Launch-9x16-3.png", NULL);
  g_assert_true (g_file_set_contents (blocker, "not mine", -1, NULL));
  out_dir = g_file_new_for_path (out);
  chiaro_export_entries_async (chiaro_document_get_images (f->document), entries, out_dir, NULL,
                               "Launch", settings, NULL, chiaro_test_store_result, &export_result);
  chiaro_test_wait_for_result (&export_result);
  files = chiaro_export_entries_finish (export_result, &renamed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *part = chiaro_pack_ratio_to_file_part (ratios[i]);
      g_autofree char *expected = i == 2 ? g_strdup ("Launch-9x16-3-2.png")
                                         : g_strdup_printf ("Launch-%s-%u.png", part, i + 1);
      g_autofree char *name = g_file_get_basename (g_ptr_array_index (files, i));
      g_autofree char *path = g_file_get_path (g_ptr_array_index (files, i));
      int width, height, file_width, file_height;

      g_assert_cmpstr (name, ==, expected);
      g_assert_true (chiaro_model_info_get_pixel_size (model, ratios[i], "1K", &width, &height));
      g_assert_nonnull (gdk_pixbuf_get_file_info (path, &file_width, &file_height));
      g_assert_cmpint (file_width, ==, width);
      g_assert_cmpint (file_height, ==, height);
    }
  g_assert_cmpuint (renamed->len, ==, 1);
  g_assert_true (g_file_equal (g_ptr_array_index (renamed, 0), g_ptr_array_index (files, 2)));
  g_assert_true (g_file_get_contents (blocker, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "not mine");
}

/* Bad packs are refused before anything is sent. */
static void
test_pack_refused (Fixture       *f,
                   gconstpointer  data)
{
  const char *none[] = { NULL };
  const char *twice[] = { "1:1", "4:5", "1:1", NULL };
  const char *with_auto[] = { "auto", NULL };
  const char *unknown[] = { "1:1", "7:3", NULL };
  const char *good[] = { "1:1", NULL };
  struct {
    const char * const *ratios;
    const char *size;
    GQuark domain;
    int code;
  } cases[] = {
    { none, NULL, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID },
    { twice, NULL, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID },
    { with_auto, NULL, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID },
    { unknown, NULL, CHIARO_API_ERROR, CHIARO_API_ERROR_UNSUPPORTED_OPTION },
    { good, "8K", CHIARO_API_ERROR, CHIARO_API_ERROR_UNSUPPORTED_OPTION },
  };

  chiaro_document_set_prompt (f->document, "A poster");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) sends = send_pack (f, cases[i].ratios, cases[i].size, 1, &error);

      g_assert_null (sends);
      g_assert_error (error, cases[i].domain, cases[i].code);
    }

  /* Nothing to re-frame: no prompt, no photo, no reference. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) sends = NULL;

    chiaro_document_set_prompt (f->document, " ");
    sends = send_pack (f, good, NULL, 1, &error);
    g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
    chiaro_document_set_prompt (f->document, "A poster");
  }

  /* No service. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) sends = NULL;

    chiaro_document_set_provider (f->document, NULL, NULL);
    sends = send_pack (f, good, NULL, 1, &error);
    g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
  }

  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (f->document)), ==, 0);
  g_assert_cmpstr (chiaro_document_get_prompt (f->document), ==, "A poster");
}

/* Some ratios fail: the pack succeeds with the others, the failed send stays; all fail:
 * the pack fails with the first error. */
static void
test_pack_partial (Fixture       *f,
                   gconstpointer  data)
{
  const char *ratios[] = { "1:1", "16:9", NULL };
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GError) error = NULL;
  guint n_failed = 0, n_done = 0;

  chiaro_document_set_prompt (f->document, "A poster");
  chiaro_mock_server_push_scenario (f->gemini.mock, "image-safety");
  sends = send_pack (f, ratios, "512", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sends->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      ChiaroSendState state = chiaro_send_get_state (g_ptr_array_index (sends, i));

      n_failed += state == CHIARO_SEND_FAILED;
      n_done += state == CHIARO_SEND_DONE;
    }
  g_assert_cmpuint (n_failed, ==, 1);
  g_assert_cmpuint (n_done, ==, 1);
  /* The failed ratio waits for a retry, with its ratio and pack. */
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (f->document)), ==, 1);

  chiaro_mock_server_push_scenario (f->gemini.mock, "image-safety");
  chiaro_mock_server_push_scenario (f->gemini.mock, "image-safety");
  chiaro_document_set_prompt (f->document, "Another poster");
  failed = send_pack (f, ratios, "512", 1, &error);
  g_assert_null (failed);
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_IMAGE_SAFETY);
}

/* The messages' PACK messages, in order. */
static GPtrArray *
pack_messages (ChiaroDocument *document,
               guint          *n_messages)
{
  GListModel *messages = chiaro_document_get_messages (document);
  GPtrArray *packs = g_ptr_array_new_with_free_func (g_object_unref);

  *n_messages = g_list_model_get_n_items (messages);
  for (guint i = 0; i < *n_messages; i++)
    {
      g_autoptr(ChiaroMessage) message = g_list_model_get_item (messages, i);

      if (chiaro_message_get_kind (message) == CHIARO_MESSAGE_PACK)
        g_ptr_array_add (packs, g_steal_pointer (&message));
    }
  return packs;
}

/* "1:1 done, 4:5 failed, …": the group's items as the ratio and kind of each. */
static char *
describe_group (ChiaroPackGroup *group)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (group)); i++)
    {
      g_autoptr(ChiaroMessage) item = g_list_model_get_item (G_LIST_MODEL (group), i);
      ChiaroTurn *turn = chiaro_message_get_turn (item);
      const char *kinds[] = { "user", "done", "pending", "failed", "pack" };

      g_assert_cmpstr (turn->pack_id, ==, chiaro_pack_group_get_pack_id (group));
      g_string_append_printf (text, "%s%s %s", i > 0 ? ", " : "",
                              chiaro_generation_options_get_aspect_ratio (turn->options),
                              kinds[chiaro_message_get_kind (item)]);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The one PACK message of @document, which has @n_expected messages in all. */
static ChiaroMessage *
only_pack (ChiaroDocument *document,
           guint           n_expected)
{
  guint n_messages;
  g_autoptr(GPtrArray) packs = pack_messages (document, &n_messages);

  g_assert_cmpuint (packs->len, ==, 1);
  g_assert_cmpuint (n_messages, ==, n_expected);
  return g_object_ref (g_ptr_array_index (packs, 0));
}

static gboolean
no_pending (gpointer user_data)
{
  guint n_pending;

  g_object_get (user_data, "n-pending", &n_pending, NULL);
  return n_pending == 0;
}

/* A pack is one message in the conversation: while in flight every ratio pending, in the
 * marketer order; one ratio failing shows on that item only; moving to another ratio keeps
 * the group; reopening groups it again, with the failure; the retry sends only that ratio;
 * an edit after the pack comes after it; undone, nothing of it shows. */
static void
test_pack_messages (Fixture       *f,
                    gconstpointer  data)
{
  const char * const *ratios = chiaro_pack_get_default_ratios ();
  g_autoptr(ChiaroMessage) pack = NULL;
  g_autoptr(ChiaroMessage) moved = NULL;
  g_autoptr(ChiaroMessage) reopened = NULL;
  g_autoptr(ChiaroMessage) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) retried = NULL;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroSend) retry = NULL;
  g_autoptr(ChiaroMessage) failed_item = NULL;
  g_autofree char *text = NULL;
  g_autofree char *failed_ratio = NULL;
  ChiaroPackGroup *group;
  ChiaroHistoryEntry *other = NULL;
  guint n_messages;

  set_root_photo (f);
  chiaro_document_set_prompt (f->document, "Spring collection");
  chiaro_mock_server_clear_requests (f->gemini.mock);
  chiaro_mock_server_set_delay_ms (f->gemini.mock, 400);
  chiaro_mock_server_push_scenario (f->gemini.mock, "image-safety");
  chiaro_document_send_pack_async (f->document, ratios, "1K", 1, NULL,
                                   chiaro_test_store_result, &result);

  /* In flight: one message (the root has none of its own), five pending ratios. */
  pack = only_pack (f->document, 1);
  group = chiaro_message_get_pack (pack);
  g_assert_null (chiaro_message_get_entry (pack));
  g_assert_cmpstr (chiaro_message_get_turn (pack)->prompt, ==, "Spring collection");
  text = describe_group (group);
  g_assert_cmpstr (text, ==, "1:1 pending, 4:5 pending, 9:16 pending, 16:9 pending, "
                             "21:9 pending");
  g_clear_pointer (&text, g_free);
  g_assert_cmpuint (chiaro_pack_group_get_n_ratios (group), ==, 5);
  g_assert_cmpuint (chiaro_pack_group_get_n_pending (group), ==, 5);
  g_assert_cmpuint (chiaro_pack_group_get_n_done (group), ==, 0);
  g_assert_true (chiaro_pack_group_get_parent (group) ==
                 chiaro_history_get_root (chiaro_document_get_history (f->document)));
  g_assert_true (chiaro_test_wait_until (has_five_requests, f->gemini.mock, 30));

  chiaro_test_wait_for_result (&result);
  sends = chiaro_document_send_pack_finish (f->document, result, &error);
  g_assert_no_error (error);
  chiaro_mock_server_set_delay_ms (f->gemini.mock, 0);

  /* The first request to arrive was refused: its ratio, and that item only, failed. */
  for (guint i = 0; i < 5; i++)
    {
      ChiaroMockRequest *request = chiaro_mock_server_get_request (f->gemini.mock, i);

      if (g_strcmp0 (request->scenario, "image-safety") != 0)
        continue;
      g_assert_null (failed_ratio);
      failed_ratio = g_strdup (json_node_get_string (
        chiaro_test_json_get_path (request->json, "generationConfig.imageConfig.aspectRatio")));
    }
  g_assert_nonnull (failed_ratio);

  g_clear_object (&pack);
  pack = only_pack (f->document, 1);
  g_assert_true (chiaro_message_get_pack (pack) == group);
  g_assert_true (chiaro_message_get_entry (pack) ==
                 chiaro_history_get_cursor (chiaro_document_get_history (f->document)));
  g_assert_cmpuint (chiaro_pack_group_get_n_done (group), ==, 4);
  g_assert_cmpuint (chiaro_pack_group_get_n_failed (group), ==, 1);
  g_assert_cmpuint (chiaro_pack_group_get_n_pending (group), ==, 0);
  text = describe_group (group);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *item = g_strdup_printf ("%s %s", ratios[i],
                                               g_str_equal (ratios[i], failed_ratio)
                                               ? "failed" : "done");

      g_assert_nonnull (strstr (text, item));
    }
  g_test_message ("after the pack: %s", text);
  g_clear_pointer (&text, g_free);

  /* Another ratio on the path: the same group, the message names it. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (group)); i++)
    {
      g_autoptr(ChiaroMessage) item = g_list_model_get_item (G_LIST_MODEL (group), i);

      if (chiaro_message_get_entry (item) != NULL &&
          chiaro_message_get_entry (item) != chiaro_message_get_entry (pack))
        other = chiaro_message_get_entry (item);
    }
  g_assert_nonnull (other);
  chiaro_history_set_cursor (chiaro_document_get_history (f->document), other);
  moved = only_pack (f->document, 1);
  g_assert_true (chiaro_message_get_pack (moved) == group);
  g_assert_true (chiaro_message_get_entry (moved) == other);

  /* Undone to the root: the pack is off the path; only its failed ratio remains. */
  chiaro_history_set_cursor (chiaro_document_get_history (f->document),
                             chiaro_history_get_root (chiaro_document_get_history (f->document)));
  g_clear_object (&pack);
  pack = only_pack (f->document, 1);
  g_assert_null (chiaro_message_get_entry (pack));
  chiaro_history_set_cursor (chiaro_document_get_history (f->document), other);

  /* Reopened: grouped again, the failure kept on its ratio. */
  g_clear_object (&pack);
  g_clear_object (&moved);
  chiaro_test_close_document (f->document);
  g_clear_object (&f->document);
  f->document = open_document (f, CHIARO_DOCUMENT_OPEN_NONE);
  reopened = only_pack (f->document, 1);
  group = chiaro_message_get_pack (reopened);
  g_assert_cmpuint (chiaro_pack_group_get_n_ratios (group), ==, 5);
  g_assert_cmpuint (chiaro_pack_group_get_n_done (group), ==, 4);
  g_assert_cmpuint (chiaro_pack_group_get_n_failed (group), ==, 1);
  g_assert_cmpstr (chiaro_history_entry_get_id (chiaro_message_get_entry (reopened)), ==,
                   chiaro_history_entry_get_id (other));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (group)); i++)
    {
      g_autoptr(ChiaroMessage) item = g_list_model_get_item (G_LIST_MODEL (group), i);

      if (chiaro_message_get_kind (item) == CHIARO_MESSAGE_FAILED)
        failed_item = g_steal_pointer (&item);
    }
  g_assert_nonnull (failed_item);
  g_assert_cmpstr (chiaro_generation_options_get_aspect_ratio (
                     chiaro_message_get_turn (failed_item)->options), ==, failed_ratio);
  g_assert_error (chiaro_send_get_error (chiaro_message_get_send (failed_item)),
                  CHIARO_API_ERROR, CHIARO_API_ERROR_IMAGE_SAFETY);

  /* Retry that ratio alone: one request, with its ratio; the pack is whole. */
  chiaro_mock_server_clear_requests (f->gemini.mock);
  chiaro_document_retry_async (f->document, chiaro_message_get_send (failed_item), NULL,
                               chiaro_test_store_result, &retried);
  chiaro_test_wait_for_result (&retried);
  retry = chiaro_document_send_finish (f->document, retried, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 1);
  g_assert_cmpstr (json_node_get_string (
                     chiaro_test_json_get_path (request_json (f, 0),
                                                "generationConfig.imageConfig.aspectRatio")),
                   ==, failed_ratio);
  g_assert_cmpuint (chiaro_pack_group_get_n_done (group), ==, 5);
  g_assert_cmpuint (chiaro_pack_group_get_n_failed (group), ==, 0);
  text = describe_group (group);
  g_assert_cmpstr (text, ==, "1:1 done, 4:5 done, 9:16 done, 16:9 done, 21:9 done");
  g_clear_pointer (&text, g_free);
  g_assert_true (chiaro_test_wait_until (no_pending, f->document, 10));

  /* A ratio rendered again at 4K joins the pack as a second image of that ratio: still
   * five sizes, five done. */
  {
    g_autoptr(GAsyncResult) rerendered = NULL;
    g_autoptr(ChiaroSend) final = NULL;
    ChiaroHistoryEntry *draft = chiaro_history_get_cursor (
      chiaro_document_get_history (f->document));

    chiaro_document_rerender_async (f->document, draft, "4K", NULL, chiaro_test_store_result,
                                    &rerendered);
    chiaro_test_wait_for_result (&rerendered);
    final = chiaro_document_send_finish (f->document, rerendered, &error);
    g_assert_no_error (error);
    g_assert_cmpint (chiaro_send_get_state (final), ==, CHIARO_SEND_DONE);
    g_assert_true (chiaro_test_wait_until (no_pending, f->document, 10));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (group)), ==, 6);
    g_assert_cmpuint (chiaro_pack_group_get_n_ratios (group), ==, 5);
    g_assert_cmpuint (chiaro_pack_group_get_n_done (group), ==, 5);
    g_assert_cmpuint (chiaro_pack_group_get_n_pending (group), ==, 0);
    chiaro_history_set_cursor (chiaro_document_get_history (f->document), draft);
  }

  /* An edit from a ratio's image comes after the pack. */
  chiaro_document_set_prompt (f->document, "Add the price tag");
  g_clear_object (&retry);
  g_clear_object (&retried);
  chiaro_document_send_async (f->document, NULL, chiaro_test_store_result, &retried);
  chiaro_test_wait_for_result (&retried);
  retry = chiaro_document_send_finish (f->document, retried, &error);
  g_assert_no_error (error);
  after = only_pack (f->document, 3);
  {
    GListModel *messages = chiaro_document_get_messages (f->document);
    g_autoptr(ChiaroMessage) first = g_list_model_get_item (messages, 0);
    g_autoptr(ChiaroMessage) user = g_list_model_get_item (messages, 1);

    g_assert_true (first == after);
    g_assert_cmpint (chiaro_message_get_kind (user), ==, CHIARO_MESSAGE_USER);
    g_assert_cmpstr (chiaro_message_get_turn (user)->prompt, ==, "Add the price tag");
  }

  /* Undone to the root: nothing of the pack is on the path. */
  chiaro_history_set_cursor (chiaro_document_get_history (f->document),
                             chiaro_history_get_root (chiaro_document_get_history (f->document)));
  {
    g_autoptr(GPtrArray) none = pack_messages (f->document, &n_messages);

    g_assert_cmpuint (none->len, ==, 0);
    g_assert_cmpuint (n_messages, ==, 0);
  }
}

static gboolean
nodes_equal_but_size (JsonNode *draft,
                      JsonNode *final)
{
  g_autoptr(JsonNode) patched = json_node_copy (draft);
  JsonNode *image_config = chiaro_test_json_get_path (patched, "generationConfig.imageConfig");

  json_object_set_string_member (json_node_get_object (image_config), "imageSize", "4K");
  return json_node_equal (patched, final);
}

/* A 1K draft re-rendered at 4K: the same request but imageSize, a sibling of the draft. */
static void
test_rerender (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) final_result = NULL;
  g_autoptr(ChiaroSend) draft_send = NULL;
  g_autoptr(ChiaroSend) final_send = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroGenerationOptions) options = NULL;
  ChiaroHistoryEntry *draft, *final;
  JsonNode *draft_json, *final_json;

  set_root_photo (f);
  options = chiaro_generation_options_copy (chiaro_document_get_options (f->document));
  g_free (options->aspect_ratio);
  options->aspect_ratio = g_strdup ("1:1");
  g_free (options->image_size);
  options->image_size = g_strdup ("1K");
  chiaro_document_set_options (f->document, options);
  chiaro_document_set_prompt (f->document, "A red bicycle against the wall");
  chiaro_document_send_async (f->document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  draft_send = chiaro_document_send_finish (f->document, result, &error);
  g_assert_no_error (error);
  draft = g_ptr_array_index (chiaro_send_get_entries (draft_send), 0);
  g_assert_cmpint (chiaro_history_entry_get_width (draft), ==, 1024);

  chiaro_document_rerender_async (f->document, draft, "4K", NULL, chiaro_test_store_result,
                                  &final_result);
  chiaro_test_wait_for_result (&final_result);
  final_send = chiaro_document_send_finish (f->document, final_result, &error);
  g_assert_no_error (error);
  final = g_ptr_array_index (chiaro_send_get_entries (final_send), 0);

  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 2);
  draft_json = request_json (f, 0);
  final_json = request_json (f, 1);
  g_assert_cmpstr (chiaro_test_json_get_string (draft_json, "generationConfig.imageConfig."
                                                            "imageSize"), ==, "1K");
  g_assert_cmpstr (chiaro_test_json_get_string (final_json, "generationConfig.imageConfig."
                                                            "imageSize"), ==, "4K");
  g_assert_true (nodes_equal_but_size (draft_json, final_json));

  g_assert_true (chiaro_history_entry_get_parent (final) ==
                 chiaro_history_entry_get_parent (draft));
  g_assert_cmpint (chiaro_history_entry_get_width (final), ==, 4096);
  g_assert_cmpint (chiaro_history_entry_get_height (final), ==, 4096);
  g_assert_cmpstr (chiaro_history_entry_get_turn (final)->prompt, ==,
                   "A red bicycle against the wall");
  g_assert_cmpstr (chiaro_history_entry_get_turn (final)->options->image_size, ==, "4K");
  g_assert_cmpstr (chiaro_history_entry_get_turn (draft)->options->image_size, ==, "1K");
}

static void
test_rerender_refused (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) bad_size = NULL;
  g_autoptr(GAsyncResult) root = NULL;
  g_autoptr(ChiaroSend) draft_send = NULL;
  g_autoptr(ChiaroSend) none = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistoryEntry *draft;

  chiaro_document_set_prompt (f->document, "A lighthouse");
  chiaro_document_send_async (f->document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  draft_send = chiaro_document_send_finish (f->document, result, &error);
  g_assert_no_error (error);
  draft = g_ptr_array_index (chiaro_send_get_entries (draft_send), 0);

  chiaro_document_rerender_async (f->document, draft, "8K", NULL, chiaro_test_store_result,
                                  &bad_size);
  chiaro_test_wait_for_result (&bad_size);
  none = chiaro_document_send_finish (f->document, bad_size, &error);
  g_assert_null (none);
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_UNSUPPORTED_OPTION);
  g_assert_nonnull (strstr (error->message, "8K"));
  g_clear_error (&error);

  chiaro_document_rerender_async (f->document,
                                  chiaro_history_get_root (chiaro_document_get_history
                                                           (f->document)),
                                  "2K", NULL, chiaro_test_store_result, &root);
  chiaro_test_wait_for_result (&root);
  g_assert_null (chiaro_document_send_finish (f->document, root, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chiaro/pack/ratios", test_ratios);
  g_test_add ("/chiaro/pack/send", Fixture, NULL, fixture_set_up, test_pack, fixture_tear_down);
  g_test_add ("/chiaro/pack/refused", Fixture, NULL,
              fixture_set_up, test_pack_refused, fixture_tear_down);
  g_test_add ("/chiaro/pack/partial", Fixture, NULL,
              fixture_set_up, test_pack_partial, fixture_tear_down);
  g_test_add ("/chiaro/pack/messages", Fixture, NULL,
              fixture_set_up, test_pack_messages, fixture_tear_down);
  g_test_add ("/chiaro/pack/rerender", Fixture, NULL,
              fixture_set_up, test_rerender, fixture_tear_down);
  g_test_add ("/chiaro/pack/rerender-refused", Fixture, NULL,
              fixture_set_up, test_rerender_refused, fixture_tear_down);

  return g_test_run ();
}
