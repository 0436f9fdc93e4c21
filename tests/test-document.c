/* test-document.c — the document end to end: sends against the mock, history, saving
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test opens a real project folder under the build directory, sends through the real
 * Gemini provider to the in-process mock server (which checks every request against
 * Google's discovery document and records it with its answer), and asserts on the history,
 * the files on disk, the JSON the mock received and project.json reloaded in a new document.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "chiaro-api-error.h"
#include "chiaro-document-private.h"
#include "chiaro-document.h"
#include "chiaro-gemini-provider.h"
#include "chiaro-image.h"
#include "chiaro-image-store.h"
#include "chiaro-project-error.h"
#include "chiaro-stored-content.h"
#include "chiaro-test-document.h"
#include "chiaro-test-util.h"

#define KEY "document-test-key"
#define PHOTO "Landscape_1.jpg"

typedef struct
{
  ChiaroTestGemini   gemini;
  GFile              *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = chiaro_test_clean_data_path ();

  chiaro_test_gemini_init (&f->gemini, KEY, 3);
  f->dir = g_file_new_for_path (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->dir);
  chiaro_test_gemini_clear (&f->gemini);
}

/* Waiting for async calls */

static ChiaroDocument *
open_project (Fixture                  *f,
              ChiaroDocumentOpenFlags   flags,
              GError                  **error)
{
  ChiaroDocument *document = chiaro_test_open_document (f->dir, flags, f->gemini.catalog, error);

  if (document != NULL)
    {
      chiaro_document_set_provider (document, f->gemini.provider, "gemini");
      /* Tests save when they mean to; the autosave test sets its own delay. */
      chiaro_document_set_autosave_delay (document, 60000);
    }
  return document;
}

static ChiaroDocument *
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  ChiaroDocument *document = open_project (f, CHIARO_DOCUMENT_OPEN_NONE, &error);

  g_assert_no_error (error);
  return document;
}

static ChiaroReference *
add_reference (ChiaroDocument  *document,
               GBytes          *bytes,
               const char      *label,
               GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_document_add_reference_bytes_async (document, bytes, "reference.png", label, NULL,
                                             chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  return chiaro_document_add_reference_finish (document, result, error);
}

static ChiaroSend *
send_prompt (ChiaroDocument  *document,
             const char      *prompt,
             GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_document_set_prompt (document, prompt);
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  return chiaro_document_send_finish (document, result, error);
}

/* A new project whose root is the photo. */
static ChiaroDocument *
new_photo_project (Fixture *f,
                   GBytes  *photo)
{
  g_autoptr(GError) error = NULL;
  ChiaroDocument *document = open_project (f, CHIARO_DOCUMENT_OPEN_CREATE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (document);
  chiaro_test_set_root_image (document, photo, PHOTO);
  /* Named after the photo, without its extension. */
  g_assert_cmpstr (chiaro_document_get_name (document), ==, "Landscape_1");
  return document;
}

/* What the files and the mock hold */

static GFile *
project_file (ChiaroDocument    *document,
              ChiaroProjectFile  which)
{
  return chiaro_project_store_get_file (chiaro_document_get_store (document), which);
}

static GBytes *
read_file (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, &error);

  g_assert_no_error (error);
  return g_steal_pointer (&bytes);
}

static gboolean
file_holds (GFile  *file,
            GBytes *expected)
{
  g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);

  return bytes != NULL && g_bytes_equal (bytes, expected);
}

static GFile *
entry_file (ChiaroDocument     *document,
            ChiaroHistoryEntry *entry)
{
  return chiaro_image_store_get_file (chiaro_document_get_images (document),
                                      chiaro_history_entry_get_image_hash (entry),
                                      chiaro_history_entry_get_mime_type (entry));
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

static JsonArray *
request_contents (Fixture *f,
                  guint    index)
{
  return json_node_get_array (chiaro_test_json_get_path (request_json (f, index), "contents"));
}

/* The parts of the model turn the mock answered request @index with, as it sent them. */
static JsonNode *
answer_parts (Fixture *f,
              guint    index)
{
  ChiaroMockRequest *request = chiaro_mock_server_get_request (f->gemini.mock, index);
  g_autoptr(JsonNode) root = NULL;

  g_assert_nonnull (request->response);
  root = chiaro_test_parse_json (request->response);
  return json_node_copy (chiaro_test_json_get_path (root, "candidates.0.content.parts"));
}

/* The final image of the answer to request @index: its last non-thought inlineData. */
static GBytes *
answer_image (Fixture *f,
              guint    index)
{
  g_autoptr(JsonNode) parts = answer_parts (f, index);
  JsonArray *array = json_node_get_array (parts);
  const char *data = NULL;
  guchar *decoded;
  gsize size;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *part = json_array_get_object_element (array, i);

      if (json_object_has_member (part, "inlineData") &&
          !json_object_get_boolean_member_with_default (part, "thought", FALSE))
        data = json_object_get_string_member (json_object_get_object_member (part, "inlineData"),
                                              "data");
    }
  g_assert_nonnull (data);
  decoded = g_base64_decode (data, &size);
  return g_bytes_new_take (decoded, size);
}

static GBytes *
inline_data (JsonArray *parts,
             guint      index)
{
  JsonObject *part = json_array_get_object_element (parts, index);
  const char *data;
  guchar *decoded;
  gsize size;

  g_assert_true (json_object_has_member (part, "inlineData"));
  data = json_object_get_string_member (json_object_get_object_member (part, "inlineData"),
                                        "data");
  decoded = g_base64_decode (data, &size);
  return g_bytes_new_take (decoded, size);
}

static const char *
text_of (JsonArray *parts,
         guint      index)
{
  return json_object_get_string_member (json_array_get_object_element (parts, index), "text");
}

static guint
n_items (gpointer model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

/* The text of part @part of content @content of a request. */
static const char *
sent_text (JsonArray *contents,
           guint      content,
           guint      part)
{
  JsonObject *object = json_array_get_object_element (contents, content);

  return text_of (json_object_get_array_member (object, "parts"), part);
}

static gboolean
json_equal (JsonNode *a,
            JsonNode *b)
{
  g_autofree char *text_a = json_to_string (a, FALSE);
  g_autofree char *text_b = json_to_string (b, FALSE);

  if (!json_node_equal (a, b))
    {
      g_test_message ("%s\n!=\n%s", text_a, text_b);
      return FALSE;
    }
  return TRUE;
}

/* project.json minus the time it was written. */
static JsonNode *
saved_state (ChiaroDocument *document)
{
  g_autoptr(GFile) file = project_file (document, CHIARO_PROJECT_FILE_MAIN);
  g_autoptr(GBytes) bytes = read_file (file);
  JsonNode *root = chiaro_test_parse_json (bytes);

  json_object_remove_member (json_node_get_object (root), "modified");
  return root;
}

static ChiaroMessageKind
message_kind (ChiaroDocument *document,
              guint           index)
{
  g_autoptr(ChiaroMessage) message =
    g_list_model_get_item (chiaro_document_get_messages (document), index);

  g_assert_nonnull (message);
  return chiaro_message_get_kind (message);
}

static gboolean
saved_names (ChiaroDocument *document,
             const char     *text)
{
  g_autoptr(GFile) file = project_file (document, CHIARO_PROJECT_FILE_MAIN);
  g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);
  g_autofree char *contents = NULL;

  if (bytes == NULL)
    return FALSE;
  contents = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return strstr (contents, text) != NULL;
}

/* Tests */

static gboolean
file_is_gone (gpointer user_data)
{
  return !g_file_query_exists (user_data, NULL);
}

/* A document without a folder keeps its images in a temporary one, removed with it. */
static void
drop_unsaved (ChiaroDocument *document)
{
  ChiaroImageStore *images = chiaro_document_get_images (document);
  g_autoptr(GFile) dir = g_object_ref (chiaro_image_store_get_dir (images));

  g_assert_null (chiaro_document_get_dir (document));
  g_assert_finalize_object (document);
  g_assert_true (chiaro_test_wait_until (file_is_gone, dir, 30));
}

static gboolean
has_thumbnail (gpointer user_data)
{
  return chiaro_reference_get_thumbnail (user_data) != NULL;
}

/* The designer's journey: a photo, two labelled references, one edit. */
static void
test_photo_send (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(GBytes) logo = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(GBytes) texture = chiaro_test_read_fixture ("images/pngsuite", "basn6a08.png");
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroDocument) again = NULL;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) sent = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) state_again = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *root = chiaro_history_get_root (history);
  ChiaroHistoryEntry *entry, *cursor;
  ChiaroReference *reference;
  ChiaroTurn *turn;
  JsonArray *contents, *parts;

  reference = add_reference (document, logo, "the logo", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chiaro_reference_get_label (reference), ==, "the logo");
  add_reference (document, texture, "the marble", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_items (chiaro_document_get_references (document)), ==, 2);
  g_assert_cmpfloat (chiaro_document_estimate_cost (document), >, 0);

  send = send_prompt (document, "Put the bottle on the marble, keep the logo sharp", &error);
  g_assert_no_error (error);
  g_assert_cmpint (chiaro_send_get_state (send), ==, CHIARO_SEND_DONE);
  g_assert_cmpuint (chiaro_send_get_n_done (send), ==, 1);
  g_assert_cmpuint (chiaro_send_get_n_failed (send), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (document)), ==, 0);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "");

  /* The entry: a child of the photo, the cursor on it, its image the mock's bytes. */
  entry = g_ptr_array_index (chiaro_send_get_entries (send), 0);
  g_assert_true (chiaro_history_entry_get_parent (entry) == root);
  g_assert_true (chiaro_history_get_cursor (history) == entry);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 2);
  answer = answer_image (f, 0);
  file = entry_file (document, entry);
  g_assert_true (file_holds (file, answer));
  g_assert_cmpint (chiaro_history_entry_get_width (entry), >, 0);
  turn = chiaro_history_entry_get_turn (entry);
  g_assert_cmpstr (turn->prompt, ==, "Put the bottle on the marble, keep the logo sharp");
  g_assert_cmpuint (turn->references->len, ==, 2);
  g_assert_nonnull (turn->content);
  g_assert_nonnull (chiaro_history_entry_get_reply (entry)->content);

  /* The conversation: the turn and its answer. */
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (document)), ==, 2);
  g_assert_cmpint (message_kind (document, 0), ==, CHIARO_MESSAGE_USER);
  g_assert_cmpint (message_kind (document, 1), ==, CHIARO_MESSAGE_MODEL);

  /* What the model got: the prompt, the photo as opened, each reference after its label. */
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 1);
  contents = request_contents (f, 0);
  g_assert_cmpuint (json_array_get_length (contents), ==, 1);
  parts = json_object_get_array_member (json_array_get_object_element (contents, 0), "parts");
  g_assert_cmpuint (json_array_get_length (parts), ==, 6);
  g_assert_cmpstr (text_of (parts, 0), ==, "Put the bottle on the marble, keep the logo sharp");
  sent = inline_data (parts, 1);
  g_assert_true (g_bytes_equal (sent, photo));
  g_clear_pointer (&sent, g_bytes_unref);
  g_assert_cmpstr (text_of (parts, 2), ==, "Reference 1: the logo");
  sent = inline_data (parts, 3);
  g_assert_true (g_bytes_equal (sent, logo));
  g_clear_pointer (&sent, g_bytes_unref);
  g_assert_cmpstr (text_of (parts, 4), ==, "Reference 2: the marble");
  sent = inline_data (parts, 5);
  g_assert_true (g_bytes_equal (sent, texture));

  /* Saved, and the same project again in a new document. */
  chiaro_test_save_document (document);
  g_assert_false (chiaro_document_get_has_unsaved_changes (document));
  state = saved_state (document);
  chiaro_test_close_document (document);

  again = reopen (f);
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (again)), ==, 2);
  cursor = chiaro_history_get_cursor (chiaro_document_get_history (again));
  g_assert_cmpstr (chiaro_history_entry_get_id (cursor), ==, chiaro_history_entry_get_id (entry));
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (again)), ==, 2);
  g_assert_cmpuint (n_items (chiaro_document_get_references (again)), ==, 2);
  chiaro_test_save_document (again);
  state_again = saved_state (again);
  g_assert_true (json_equal (state, state_again));
  chiaro_test_close_document (again);
}

/* Three turns on Gemini 3: every earlier turn goes back as it was, the model's with the
 * signatures it gave, also after the project was closed and opened again. */
static void
test_multi_turn (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroDocument) again = NULL;
  g_autoptr(ChiaroSend) first = NULL;
  g_autoptr(ChiaroSend) second = NULL;
  g_autoptr(ChiaroSend) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer1 = NULL;
  g_autoptr(JsonNode) answer2 = NULL;
  JsonArray *contents1, *contents2, *contents3;
  guint n_signed = 0;

  chiaro_mock_server_set_enforce_signatures (f->gemini.mock, TRUE);
  chiaro_document_set_model_id (document, "gemini-3-pro-image-preview");

  first = send_prompt (document, "Make it a winter scene", &error);
  g_assert_no_error (error);
  second = send_prompt (document, "Warmer light", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 2);

  answer1 = answer_parts (f, 0);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (answer1)); i++)
    if (json_object_has_member (json_array_get_object_element (json_node_get_array (answer1), i),
                                "thoughtSignature"))
      n_signed++;
  g_assert_cmpuint (n_signed, >, 0);

  contents1 = request_contents (f, 0);
  contents2 = request_contents (f, 1);
  g_assert_cmpstr (chiaro_mock_server_get_request (f->gemini.mock, 1)->model, ==,
                   "gemini-3-pro-image-preview");
  g_assert_cmpuint (json_array_get_length (contents2), ==, 3);
  g_assert_true (json_equal (json_array_get_element (contents1, 0),
                             json_array_get_element (contents2, 0)));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (contents2, 1),
                                                  "role"), ==, "model");
  g_assert_true (json_equal (answer1,
                             json_object_get_member (json_array_get_object_element (contents2, 1),
                                                     "parts")));
  g_assert_cmpstr (sent_text (contents2, 2, 0), ==, "Warmer light");

  chiaro_test_save_document (document);
  chiaro_test_close_document (document);
  g_clear_object (&document);

  /* After reopening, the third request carries both earlier exchanges as they were. */
  again = reopen (f);
  g_assert_cmpstr (chiaro_document_get_model_id (again), ==, "gemini-3-pro-image-preview");
  third = send_prompt (again, "Add falling snow", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 3);
  answer2 = answer_parts (f, 1);
  contents3 = request_contents (f, 2);
  g_assert_cmpuint (json_array_get_length (contents3), ==, 5);
  g_assert_true (json_equal (json_array_get_element (contents2, 0),
                             json_array_get_element (contents3, 0)));
  g_assert_true (json_equal (answer1,
                             json_object_get_member (json_array_get_object_element (contents3, 1),
                                                     "parts")));
  g_assert_true (json_equal (json_array_get_element (contents2, 2),
                             json_array_get_element (contents3, 2)));
  g_assert_true (json_equal (answer2,
                             json_object_get_member (json_array_get_object_element (contents3, 3),
                                                     "parts")));
  g_assert_cmpuint (chiaro_mock_server_get_request (f->gemini.mock, 2)->status, ==, 200);
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (again)), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (again)), ==, 6);
  chiaro_test_close_document (again);
}

/* Three variants are siblings sharing one turn; undo rewinds what the model sees. */
static void
test_variants_and_undo (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroSend) variants = NULL;
  g_autoptr(ChiaroSend) next = NULL;
  g_autoptr(ChiaroSend) branch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) siblings = NULL;
  g_autoptr(JsonNode) answer = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *root = chiaro_history_get_root (history);
  ChiaroHistoryEntry *chosen;
  GPtrArray *entries;
  JsonArray *contents;
  guint chosen_request = G_MAXUINT;

  chiaro_document_set_model_id (document, "gemini-3.1-flash-image-preview");
  chiaro_document_set_n_variants (document, 3);
  variants = send_prompt (document, "Three moods", &error);
  g_assert_no_error (error);
  entries = chiaro_send_get_entries (variants);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 3);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (root), ==, 3);
  chosen = g_ptr_array_index (entries, 0);
  g_assert_true (chiaro_history_get_cursor (history) == chosen);
  for (guint i = 0; i < 3; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (entries, i);

      g_assert_true (chiaro_history_entry_get_parent (entry) == root);
      g_assert_true (chiaro_history_entry_get_turn (entry) ==
                     chiaro_history_entry_get_turn (chosen));
    }
  siblings = chiaro_history_dup_variants (history, chosen);
  g_assert_cmpuint (siblings->len, ==, 3);

  /* Which request made the chosen variant: its image is that answer's. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) image = answer_image (f, i);
      g_autoptr(GFile) file = entry_file (document, chosen);

      if (file_holds (file, image))
        chosen_request = i;
    }
  g_assert_cmpuint (chosen_request, <, 3);
  answer = answer_parts (f, chosen_request);

  chiaro_document_set_n_variants (document, 1);
  next = send_prompt (document, "Now at night", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (request_contents (f, 3)), ==, 3);

  /* Undo: back on the chosen variant, the night turn is no longer in the conversation. */
  g_assert_true (chiaro_history_undo (history));
  g_assert_true (chiaro_history_get_cursor (history) == chosen);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (document)), ==, 2);
  branch = send_prompt (document, "In the rain", &error);
  g_assert_no_error (error);
  contents = request_contents (f, 4);
  g_assert_cmpuint (json_array_get_length (contents), ==, 3);
  g_assert_true (json_equal (answer,
                             json_object_get_member (json_array_get_object_element (contents, 1),
                                                     "parts")));
  g_assert_cmpstr (sent_text (contents, 2, 0), ==, "In the rain");
  /* Nothing was discarded: the night stays a sibling of the new branch. */
  g_assert_cmpuint (chiaro_history_entry_get_n_children (chosen), ==, 2);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 6);
}

/* A refused prompt fails, comes back, is saved as a failed send, and can be retried. */
static void
test_failure_and_retry (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroDocument) again = NULL;
  g_autoptr(ChiaroDocument) third = NULL;
  g_autoptr(ChiaroSend) failed = NULL;
  g_autoptr(ChiaroSend) loaded = NULL;
  g_autoptr(ChiaroSend) retried = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  chiaro_mock_server_push_scenario (f->gemini.mock, "prompt-blocked");
  g_assert_null (send_prompt (document, "Something the model refuses", &error));
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_PROMPT_BLOCKED);
  message = g_strdup (error->message);
  g_clear_error (&error);

  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "Something the model refuses");
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (document)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (document)), ==, 1);
  failed = g_list_model_get_item (chiaro_document_get_sends (document), 0);
  g_assert_cmpint (chiaro_send_get_state (failed), ==, CHIARO_SEND_FAILED);
  g_assert_error (chiaro_send_get_error (failed), CHIARO_API_ERROR,
                  CHIARO_API_ERROR_PROMPT_BLOCKED);
  g_assert_cmpuint (chiaro_send_get_n_failed (failed), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (document)), ==, 1);
  g_assert_cmpint (message_kind (document, 0), ==, CHIARO_MESSAGE_FAILED);

  /* The failed send survives closing, with its prompt and its error. */
  chiaro_document_set_prompt (document, "");
  chiaro_test_close_document (document);
  again = reopen (f);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (again)), ==, 1);
  loaded = g_list_model_get_item (chiaro_document_get_sends (again), 0);
  g_assert_cmpint (chiaro_send_get_state (loaded), ==, CHIARO_SEND_FAILED);
  g_assert_cmpstr (chiaro_send_get_turn (loaded)->prompt, ==, "Something the model refuses");
  g_assert_error (chiaro_send_get_error (loaded), CHIARO_API_ERROR,
                  CHIARO_API_ERROR_PROMPT_BLOCKED);
  g_assert_cmpstr (chiaro_send_get_error (loaded)->message, ==, message);
  g_assert_cmpint (message_kind (again, 0), ==, CHIARO_MESSAGE_FAILED);

  /* Retried: the answer comes, the failed send is gone (also from the saved project). */
  chiaro_document_retry_async (again, loaded, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  retried = chiaro_document_send_finish (again, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_send_get_n_done (retried), ==, 1);
  g_assert_true (chiaro_send_get_turn (retried) == chiaro_send_get_turn (loaded));
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (again)), ==, 0);
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (again)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (again)), ==, 2);
  chiaro_test_close_document (again);

  third = reopen (f);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (third)), ==, 0);
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (third)), ==, 2);
  chiaro_test_close_document (third);
}

/* A 503 is retried by the HTTP client: one entry, two attempts. */
static void
test_retry_inside (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistoryEntry *entry;

  chiaro_mock_server_push_scenario (f->gemini.mock, "503");
  send = send_prompt (document, "Brighter", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_send_get_n_done (send), ==, 1);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 2);
  entry = g_ptr_array_index (chiaro_send_get_entries (send), 0);
  g_assert_cmpuint (chiaro_history_entry_get_reply (entry)->attempts, ==, 2);
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (document)), ==, 2);
}

/* Some variants fail: the send is done with what came; all fail: it failed. */
static void
test_partial_failure (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(ChiaroSend) failed = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistoryEntry *root = chiaro_history_get_root (chiaro_document_get_history (document));

  chiaro_document_set_n_variants (document, 3);
  chiaro_mock_server_push_scenario (f->gemini.mock, "image-safety");
  send = send_prompt (document, "Three of them", &error);
  g_assert_no_error (error);
  g_assert_cmpint (chiaro_send_get_state (send), ==, CHIARO_SEND_DONE);
  g_assert_cmpuint (chiaro_send_get_n_done (send), ==, 2);
  g_assert_cmpuint (chiaro_send_get_n_failed (send), ==, 1);
  g_assert_error (chiaro_send_get_error (send), CHIARO_API_ERROR, CHIARO_API_ERROR_IMAGE_SAFETY);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (root), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (document)), ==, 0);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "");

  /* Every variant refused: FAILED with the first error, the prompt back. */
  chiaro_document_set_n_variants (document, 2);
  chiaro_mock_server_set_default_scenario (f->gemini.mock, "no-image");
  g_assert_null (send_prompt (document, "Two refusals", &error));
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_NO_IMAGE);
  failed = g_list_model_get_item (chiaro_document_get_sends (document), 0);
  g_assert_cmpuint (chiaro_send_get_n_failed (failed), ==, 2);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "Two refusals");

  /* Dismissed: forgotten, the prompt (already back) untouched. */
  chiaro_document_dismiss_send (document, failed);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (document)), ==, 0);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "Two refusals");
}

static gboolean
mock_has_requests (gpointer user_data)
{
  Fixture *f = user_data;

  return chiaro_mock_server_get_n_requests (f->gemini.mock) > 0;
}

/* Stopping a slow answer: nothing added, the prompt back, and the next send works at once. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroSend) pending = NULL;
  g_autoptr(ChiaroSend) next = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  gint64 start;

  chiaro_mock_server_set_delay_ms (f->gemini.mock, 30000);
  chiaro_document_set_prompt (document, "Take your time");
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (document)), ==, 1);
  g_assert_cmpint (message_kind (document, 0), ==, CHIARO_MESSAGE_PENDING);
  pending = g_list_model_get_item (chiaro_document_get_sends (document), 0);
  g_assert_true (chiaro_test_wait_until (mock_has_requests, f, 30));
  g_assert_cmpuint (chiaro_send_get_state (pending), >=, CHIARO_SEND_SENDING);

  chiaro_document_cancel_send (document, pending);
  chiaro_test_wait_for_result (&result);
  g_assert_null (chiaro_document_send_finish (document, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpint (chiaro_send_get_state (pending), ==, CHIARO_SEND_CANCELLED);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 1);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "Take your time");
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (document)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (document)), ==, 0);

  /* The same through the caller's cancellable. */
  chiaro_mock_server_clear_requests (f->gemini.mock);
  chiaro_document_send_async (document, cancellable, chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (mock_has_requests, f, 30));
  g_cancellable_cancel (cancellable);
  chiaro_test_wait_for_result (&result);
  g_assert_null (chiaro_document_send_finish (document, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "Take your time");

  /* Usable at once: the next answer does not wait for the abandoned ones. */
  chiaro_mock_server_set_delay_ms (f->gemini.mock, 0);
  start = g_get_monotonic_time ();
  next = send_prompt (document, "Quickly now", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 2);
}

/* Closing interrupts a send: it becomes a failed send with its prompt, saved. */
static void
test_close_interrupts (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroDocument) again = NULL;
  g_autoptr(ChiaroSend) loaded = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  chiaro_mock_server_set_delay_ms (f->gemini.mock, 30000);
  chiaro_document_set_prompt (document, "Interrupted work");
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result);
  g_assert_true (chiaro_test_wait_until (mock_has_requests, f, 30));
  chiaro_test_close_document (document);
  chiaro_test_wait_for_result (&result);
  g_assert_null (chiaro_document_send_finish (document, result, &error));
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));

  again = reopen (f);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (again)), ==, 1);
  loaded = g_list_model_get_item (chiaro_document_get_sends (again), 0);
  g_assert_cmpint (chiaro_send_get_state (loaded), ==, CHIARO_SEND_FAILED);
  g_assert_cmpstr (chiaro_send_get_turn (loaded)->prompt, ==, "Interrupted work");
  g_assert_nonnull (chiaro_send_get_error (loaded));
  chiaro_test_close_document (again);
}

/* Two sends from the same entry at once: both answers are kept. */
static void
test_several_in_flight (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(GAsyncResult) result1 = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(ChiaroSend) send1 = NULL;
  g_autoptr(ChiaroSend) send2 = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *root = chiaro_history_get_root (history);
  guint n_pending = 0;

  chiaro_mock_server_set_delay_ms (f->gemini.mock, 200);
  chiaro_document_set_prompt (document, "One");
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result1);
  chiaro_document_set_prompt (document, "Two");
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result2);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (document)), ==, 2);
  g_object_get (document, "n-pending", &n_pending, NULL);
  g_assert_cmpuint (n_pending, ==, 2);
  chiaro_test_wait_for_result (&result1);
  chiaro_test_wait_for_result (&result2);
  send1 = chiaro_document_send_finish (document, result1, &error);
  g_assert_no_error (error);
  send2 = chiaro_document_send_finish (document, result2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (root), ==, 2);
  /* The cursor followed whichever came first, and stayed there. */
  g_assert_true (chiaro_history_entry_get_parent (chiaro_history_get_cursor (history)) == root);
}

/* Disk full (a file size limit in a child process): the answer is kept in memory and in the
 * history, the save fails without naming it, and succeeds once there is room again. */
static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) photo = NULL;
  g_autoptr(ChiaroDocument) document = NULL;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) kept = NULL;
  ChiaroHistoryEntry *entry;
  struct rlimit limit, small;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  document = new_photo_project (f, photo);
  chiaro_document_set_save_retry_interval (document, 100);
  chiaro_test_save_document (document);

  /* Writes over 64 KiB fail with EFBIG instead of killing the process. */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  small = limit;
  small.rlim_cur = 64 * 1024;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);

  send = send_prompt (document, "Something big", &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (chiaro_send_get_entries (send), 0);
  g_assert_true (chiaro_history_get_cursor (chiaro_document_get_history (document)) == entry);
  answer = answer_image (f, 0);
  g_assert_cmpuint (g_bytes_get_size (answer), >, 64 * 1024);
  file = entry_file (document, entry);
  g_assert_false (file_holds (file, answer));
  kept = chiaro_image_store_load (chiaro_document_get_images (document),
                                  chiaro_history_entry_get_image_hash (entry),
                                  chiaro_history_entry_get_mime_type (entry), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (kept, answer));

  chiaro_document_save_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_false (chiaro_document_save_finish (document, result, &error));
  g_assert_true (error != NULL && error->domain == CHIARO_PROJECT_ERROR);
  g_assert_nonnull (chiaro_document_get_save_error (document));
  g_assert_true (chiaro_document_get_has_unsaved_changes (document));
  g_assert_false (saved_names (document, chiaro_history_entry_get_id (entry)));

  /* Room again: the retry timer saves, the image first. */
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  while (chiaro_document_get_save_error (document) != NULL ||
         chiaro_document_get_has_unsaved_changes (document))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (file_holds (file, answer));
  g_assert_true (saved_names (document, chiaro_history_entry_get_id (entry)));
}

/* A folder that cannot be written: the same, lifted by chmod. Root writes anyway, so when
 * the tests run as root the child process becomes an unprivileged user first. */
static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) photo = NULL;
  g_autoptr(ChiaroDocument) document = NULL;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) images = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *dir_path = NULL;
  g_autofree char *path = NULL;
  ChiaroHistoryEntry *entry;

  if (!g_test_subprocess ())
    {
      if (geteuid () == 0 && !chiaro_test_can_drop_root ())
        {
          g_test_skip ("running as root, which writes to read-only folders, and cannot drop it");
          return;
        }
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  dir_path = g_file_get_path (f->dir);
  chiaro_test_make_dir_for_unprivileged (dir_path);
  if (geteuid () == 0)
    chiaro_test_drop_root ();

  photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  document = new_photo_project (f, photo);
  chiaro_document_set_save_retry_interval (document, 100);
  chiaro_test_save_document (document);
  images = g_file_get_child (f->dir, "images");
  path = g_file_get_path (images);
  g_assert_cmpint (g_chmod (path, 0500), ==, 0);

  send = send_prompt (document, "Nowhere to put it", &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (chiaro_send_get_entries (send), 0);
  g_assert_true (chiaro_history_get_cursor (chiaro_document_get_history (document)) == entry);
  file = entry_file (document, entry);
  answer = answer_image (f, 0);
  g_assert_false (g_file_query_exists (file, NULL));

  chiaro_document_save_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_false (chiaro_document_save_finish (document, result, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_READ_ONLY);
  g_assert_error (chiaro_document_get_save_error (document), CHIARO_PROJECT_ERROR,
                  CHIARO_PROJECT_ERROR_READ_ONLY);
  g_assert_false (saved_names (document, chiaro_history_entry_get_id (entry)));

  g_assert_cmpint (g_chmod (path, 0700), ==, 0);
  while (chiaro_document_get_save_error (document) != NULL ||
         chiaro_document_get_has_unsaved_changes (document))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (file_holds (file, answer));
  g_assert_true (saved_names (document, chiaro_history_entry_get_id (entry)));
}

static void
write_file (GFile  *file,
            GBytes *bytes)
{
  g_autoptr(GError) error = NULL;

  g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                           NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* An unreadable project.json is refused and left alone, or set aside for the backup. */
static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroDocument) recovered = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) main_file = project_file (document, CHIARO_PROJECT_FILE_MAIN);
  g_autoptr(GBytes) good = NULL;
  g_autoptr(GBytes) truncated = NULL;
  g_autoptr(GBytes) newer = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GFile) missing = NULL;
  GFile *set_aside;

  chiaro_document_set_prompt (document, "the backup's prompt");
  chiaro_test_save_document (document);
  chiaro_document_set_prompt (document, "the last prompt");
  chiaro_test_save_document (document);
  chiaro_test_close_document (document);

  good = read_file (main_file);
  truncated = g_bytes_new_from_bytes (good, 0, g_bytes_get_size (good) / 2);
  write_file (main_file, truncated);

  g_assert_null (open_project (f, CHIARO_DOCUMENT_OPEN_NONE, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT);
  g_clear_error (&error);
  after = read_file (main_file);
  g_assert_true (g_bytes_equal (after, truncated));
  g_clear_pointer (&after, g_bytes_unref);

  recovered = open_project (f, CHIARO_DOCUMENT_OPEN_FALLBACK_TO_BACKUP, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chiaro_document_get_prompt (recovered), ==, "the backup's prompt");
  set_aside = chiaro_document_get_recovered_from_backup (recovered);
  g_assert_nonnull (set_aside);
  g_assert_true (file_holds (set_aside, truncated));
  chiaro_test_close_document (recovered);
  g_clear_object (&recovered);

  /* A newer version is refused even with the fallback, and never rewritten. */
  newer = chiaro_test_bytes_from_string ("{\"version\": 99, \"something\": \"new\"}");
  write_file (main_file, newer);
  g_assert_null (open_project (f, CHIARO_DOCUMENT_OPEN_FALLBACK_TO_BACKUP, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NEWER_VERSION);
  g_clear_error (&error);
  after = read_file (main_file);
  g_assert_true (g_bytes_equal (after, newer));

  /* A missing project is not created without being asked. */
  missing = g_file_get_child (f->dir, "none");
  g_set_object (&f->dir, missing);
  g_assert_null (open_project (f, CHIARO_DOCUMENT_OPEN_NONE, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NOT_FOUND);
}

/* Two documents never hold one project. */
static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroDocument) again = NULL;
  g_autoptr(GError) error = NULL;

  chiaro_test_save_document (document);
  g_assert_null (open_project (f, CHIARO_DOCUMENT_OPEN_NONE, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_LOCKED);
  chiaro_test_close_document (document);
  again = reopen (f);
  chiaro_test_close_document (again);
}

/* Deleting an entry deletes its files, but only those nothing else names. */
static void
test_delete_entry (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(GBytes) logo = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroSend) first = NULL;
  g_autoptr(ChiaroSend) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first_image = NULL;
  g_autoptr(GFile) first_file = NULL;
  g_autoptr(GFile) second_file = NULL;
  g_autoptr(GFile) photo_file = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *root = chiaro_history_get_root (history);
  ChiaroHistoryEntry *entry1, *entry2;

  add_reference (document, logo, "the logo", &error);
  g_assert_no_error (error);
  first = send_prompt (document, "First", &error);
  g_assert_no_error (error);
  entry1 = g_ptr_array_index (chiaro_send_get_entries (first), 0);
  first_file = entry_file (document, entry1);
  first_image = read_file (first_file);

  /* The first answer also goes into the tray: the same file. */
  add_reference (document, first_image, "the first try", &error);
  g_assert_no_error (error);
  second = send_prompt (document, "Second", &error);
  g_assert_no_error (error);
  entry2 = g_ptr_array_index (chiaro_send_get_entries (second), 0);
  second_file = entry_file (document, entry2);
  photo_file = entry_file (document, root);
  g_assert_true (g_file_query_exists (second_file, NULL));

  g_assert_false (chiaro_document_delete_entry (document, root, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (chiaro_document_delete_entry (document, entry1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 1);
  g_assert_true (chiaro_history_get_cursor (history) == root);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (document)), ==, 0);
  /* Nothing goes before project.json stops naming it. */
  g_assert_cmpuint (chiaro_document_get_n_pending_deletions (document), >, 0);
  g_assert_true (g_file_query_exists (second_file, NULL));

  chiaro_test_save_document (document);
  while (g_file_query_exists (second_file, NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (file_holds (first_file, first_image));
  g_assert_true (file_holds (photo_file, photo));
  g_assert_cmpuint (chiaro_document_get_n_pending_deletions (document), ==, 0);
  chiaro_test_close_document (document);
}

static gboolean
is_saved (gpointer user_data)
{
  return !chiaro_document_get_has_unsaved_changes (user_data) &&
         !chiaro_document_get_save_error (user_data);
}

/* Many changes within the delay are one write; a change during a save is saved after it. */
static void
test_autosave (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroDocument) document = open_project (f, CHIARO_DOCUMENT_OPEN_CREATE, &error);
  ChiaroDocument *unsaved = chiaro_document_new (f->gemini.catalog);
  g_autoptr(GAsyncResult) result = NULL;
  gboolean saving = FALSE;
  guint writes;

  g_assert_no_error (error);
  chiaro_document_set_autosave_delay (document, 300);
  /* A new project is saved by itself, so that the folder is a project. */
  chiaro_document_set_prompt (document, "first");
  g_assert_true (chiaro_test_wait_until (is_saved, document, 30));
  writes = chiaro_document_get_n_writes (document);
  g_assert_cmpuint (writes, ==, 1);

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("draft %u", i);

      chiaro_document_set_prompt (document, prompt);
      g_main_context_iteration (NULL, FALSE);
    }
  chiaro_document_set_n_variants (document, 2);
  g_assert_true (chiaro_document_get_has_unsaved_changes (document));
  g_assert_true (chiaro_test_wait_until (is_saved, document, 30));
  g_assert_cmpuint (chiaro_document_get_n_writes (document), ==, writes + 1);
  g_assert_true (saved_names (document, "draft 49"));

  /* A change while a save runs: saved again afterwards. */
  chiaro_document_set_prompt (document, "during");
  chiaro_document_save_async (document, NULL, chiaro_test_store_result, &result);
  g_object_get (document, "saving", &saving, NULL);
  g_assert_true (saving);
  chiaro_document_set_prompt (document, "after the save");
  chiaro_test_wait_for_result (&result);
  g_assert_true (chiaro_document_save_finish (document, result, &error));
  g_assert_true (chiaro_test_wait_until (is_saved, document, 30));
  g_assert_true (saved_names (document, "after the save"));
  chiaro_test_close_document (document);

  /* Without a folder nothing is ever written. */
  chiaro_document_set_autosave_delay (unsaved, 10);
  chiaro_document_set_prompt (unsaved, "never saved");
  g_clear_object (&result);
  chiaro_document_save_async (unsaved, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_false (chiaro_document_save_finish (unsaved, result, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
  g_assert_cmpuint (chiaro_document_get_n_writes (unsaved), ==, 0);
  g_clear_object (&result);
  drop_unsaved (unsaved);
}

/* The model decides the tray's limit and the estimate; nothing to send is refused. */
static void
test_model_and_refusals (Fixture       *f,
                         gconstpointer  data)
{
  ChiaroDocument *document = chiaro_document_new (f->gemini.catalog);
  g_autoptr(GBytes) logo = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(GBytes) other = chiaro_test_read_fixture ("images/pngsuite", "basn6a08.png");
  g_autoptr(GBytes) text = chiaro_test_bytes_from_string ("not an image");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroSend) send = NULL;
  ChiaroReferenceList *references = chiaro_document_get_references (document);
  ChiaroReference *reference;
  double one, three;

  chiaro_document_set_model_id (document, "gemini-2.5-flash-image");
  g_assert_cmpuint (chiaro_reference_list_get_limit (references), ==, 3);
  chiaro_document_set_model_id (document, "gemini-3-pro-image-preview");
  g_assert_cmpuint (chiaro_reference_list_get_limit (references), ==, 14);

  chiaro_document_set_prompt (document, "A cat");
  one = chiaro_document_estimate_cost (document);
  chiaro_document_set_n_variants (document, 3);
  three = chiaro_document_estimate_cost (document);
  g_assert_cmpfloat (one, >, 0);
  g_assert_cmpfloat_with_epsilon (three, 3 * one, 1e-9);
  chiaro_document_set_model_id (document, "some-unknown-model");
  g_assert_cmpfloat (chiaro_document_estimate_cost (document), <, 0);

  /* No provider yet: refused, the prompt stays. */
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_null (chiaro_document_send_finish (document, result, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "A cat");

  /* Nothing to send. */
  chiaro_document_set_provider (document, f->gemini.provider, "gemini");
  chiaro_document_set_prompt (document, "  ");
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_null (chiaro_document_send_finish (document, result, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 0);

  /* The tray refuses a duplicate and anything over the model's limit. */
  chiaro_document_set_model_id (document, "gemini-2.5-flash-image");
  reference = add_reference (document, logo, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (chiaro_test_wait_until (has_thumbnail, reference, 30));
  g_assert_cmpint (gdk_pixbuf_get_width (chiaro_reference_get_thumbnail (reference)), ==, 32);
  g_assert_null (add_reference (document, logo, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_DUPLICATE_REFERENCE);
  g_clear_error (&error);
  g_assert_null (add_reference (document, text, NULL, &error));
  g_assert_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  chiaro_reference_list_set_limit (references, 1);
  g_assert_null (add_reference (document, other, NULL, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_REFERENCES_FULL);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (references)), ==, 1);

  /* A text-to-image turn from the empty root of an unsaved document works. */
  chiaro_document_set_n_variants (document, 1);
  send = send_prompt (document, "A cat on a red chair", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_send_get_n_done (send), ==, 1);
  g_assert_cmpuint (json_array_get_length (request_contents (f, 0)), ==, 1);
  g_clear_object (&send);
  drop_unsaved (document);
}

static guint
count_files (GFile *dir)
{
  g_autoptr(GFileEnumerator) children = NULL;
  guint n = 0;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NONE, NULL, NULL);
  while (children != NULL)
    {
      g_autoptr(GFileInfo) info = g_file_enumerator_next_file (children, NULL, NULL);

      if (info == NULL)
        break;
      n++;
    }

  return n;
}

/* A libpng crasher whose header is sound (it sniffs, its size is known, IEND is there) but
 * whose data does not decode: only a decode can refuse it. */
static GBytes *
read_sound_but_undecodable (char **name)
{
  g_auto(GStrv) paths = chiaro_test_list_fixtures ("images/png-crashers", ".png");

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);
      g_autoptr(ChiaroImage) image = chiaro_image_new_from_file (file, NULL, NULL);
      g_autoptr(GdkPixbuf) pixbuf = NULL;

      if (image != NULL && !(pixbuf = chiaro_image_decode (image, NULL, NULL)))
        {
          *name = g_file_get_basename (file);
          return g_bytes_ref (chiaro_image_get_bytes (image));
        }
    }

  g_error ("no crasher has a sound header and undecodable data");
}

/* A reference is decoded before it is taken: one that does not decode is refused with its
 * name and leaves nothing in images/; one that does gets the decode as its thumbnail, in
 * memory and in thumbs/, without decoding it again. */
static void
test_reference_must_decode (Fixture       *f,
                            gconstpointer  data)
{
  ChiaroDocument *document = chiaro_document_new (f->gemini.catalog);
  ChiaroImageStore *images = chiaro_document_get_images (document);
  g_autoptr(GFile) images_dir = g_file_get_child (chiaro_image_store_get_dir (images), "images");
  g_autoptr(GFile) thumbs_dir = g_file_get_child (chiaro_image_store_get_dir (images), "thumbs");
  g_autoptr(GBytes) logo = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation",
                                                      "Portrait_6.jpg");
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_name = NULL;
  ChiaroReferenceList *references = chiaro_document_get_references (document);
  ChiaroReference *reference;
  GdkPixbuf *thumbnail;
  guint n_images;

  reference = add_reference (document, logo, NULL, &error);
  g_assert_no_error (error);
  n_images = count_files (images_dir);
  g_assert_cmpuint (n_images, ==, 1);

  bad = read_sound_but_undecodable (&bad_name);
  g_test_message ("refused by its decode only: %s", bad_name);
  chiaro_document_add_reference_bytes_async (document, bad, bad_name, NULL, NULL,
                                             chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_null (chiaro_document_add_reference_finish (document, result, &error));
  g_assert_error (error, CHIARO_CODEC_ERROR, CHIARO_CODEC_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, bad_name));
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (references)), ==, 1);
  g_assert_cmpuint (count_files (images_dir), ==, n_images);

  /* The thumbnail is there when the reference arrives (no decode pending), upright (the
   * photo is stored on its side, EXIF 6), and written for the next time. */
  reference = add_reference (document, photo, NULL, &error);
  g_assert_no_error (error);
  thumbnail = chiaro_reference_get_thumbnail (reference);
  g_assert_nonnull (thumbnail);
  g_assert_cmpint (gdk_pixbuf_get_height (thumbnail), ==, CHIARO_THUMBNAIL_SIZE);
  g_assert_cmpint (gdk_pixbuf_get_width (thumbnail), <, CHIARO_THUMBNAIL_SIZE);
  g_assert_true (chiaro_image_store_peek_thumbnail (images, chiaro_reference_get_hash (reference))
                 == thumbnail);
  g_assert_cmpuint (count_files (thumbs_dir), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (references)), ==, 2);

  drop_unsaved (document);
}

static void
on_state (ChiaroSend *send,
          GParamSpec *pspec,
          GArray     *states)
{
  ChiaroSendState state = chiaro_send_get_state (send);

  if (states->len == 0 || g_array_index (states, ChiaroSendState, states->len - 1) != state)
    g_array_append_val (states, state);
}

/* A send goes through its states in order and says what it is doing. */
static void
test_progress (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (ChiaroSendState));
  g_autoptr(ChiaroSend) pending = NULL;
  g_autoptr(ChiaroSend) done = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) rotated = NULL;
  ChiaroReference *reference;
  guint pending_count = 0;
  gboolean saw_waiting = FALSE;

  /* A reference the planner has to turn upright. */
  rotated = chiaro_test_read_fixture ("images/exif-orientation", "Landscape_3.jpg");
  reference = add_reference (document, rotated, "upside down", &error);
  g_assert_no_error (error);
  g_assert_null (chiaro_reference_get_plan_note (reference));

  chiaro_mock_server_set_delay_ms (f->gemini.mock, 100);
  chiaro_document_set_prompt (document, "Slowly");
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result);
  pending = g_list_model_get_item (chiaro_document_get_sends (document), 0);
  g_assert_cmpint (chiaro_send_get_state (pending), ==, CHIARO_SEND_PLANNING);
  g_assert_false (chiaro_send_is_finished (pending));
  g_object_get (document, "n-pending", &pending_count, NULL);
  g_assert_cmpuint (pending_count, ==, 1);
  g_signal_connect (pending, "notify::state", G_CALLBACK (on_state), states);
  chiaro_test_wait_for_result (&result);
  done = chiaro_document_send_finish (document, result, &error);
  g_assert_no_error (error);
  g_assert_true (done == pending);
  g_assert_true (chiaro_send_is_finished (done));
  g_assert_cmpfloat (chiaro_send_get_fraction (done), ==, 1);
  g_object_get (document, "n-pending", &pending_count, NULL);
  g_assert_cmpuint (pending_count, ==, 0);
  g_assert_nonnull (chiaro_send_get_changes (done));
  g_assert_nonnull (chiaro_reference_get_plan_note (reference));
  g_assert_true (g_strv_contains (chiaro_send_get_changes (done),
                                  chiaro_reference_get_plan_note (reference)));

  /* Never backwards, through the model's wait, ending done. */
  g_assert_cmpuint (states->len, >=, 3);
  for (guint i = 1; i < states->len; i++)
    g_assert_cmpint (g_array_index (states, ChiaroSendState, i - 1), <,
                     g_array_index (states, ChiaroSendState, i));
  g_assert_cmpint (g_array_index (states, ChiaroSendState, 0), ==, CHIARO_SEND_SENDING);
  g_assert_cmpint (g_array_index (states, ChiaroSendState, states->len - 2), ==,
                   CHIARO_SEND_SAVING);
  g_assert_cmpint (g_array_index (states, ChiaroSendState, states->len - 1), ==,
                   CHIARO_SEND_DONE);
  for (guint i = 0; i < states->len; i++)
    saw_waiting |= g_array_index (states, ChiaroSendState, i) == CHIARO_SEND_WAITING;
  g_assert_true (saw_waiting);
}

/* An image file gone from disk: the send fails with a clear error, nothing is sent. */
static void
test_missing_image (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroSend) failed = NULL;
  ChiaroHistoryEntry *root = chiaro_history_get_root (chiaro_document_get_history (document));

  file = entry_file (document, root);
  g_assert_true (g_file_delete (file, NULL, NULL));
  g_assert_null (send_prompt (document, "Edit the vanished photo", &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 0);
  failed = g_list_model_get_item (chiaro_document_get_sends (document), 0);
  g_assert_cmpint (chiaro_send_get_state (failed), ==, CHIARO_SEND_FAILED);
  g_assert_error (chiaro_send_get_error (failed), CHIARO_PROJECT_ERROR,
                  CHIARO_PROJECT_ERROR_MISSING_IMAGE);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "Edit the vanished photo");
}

/* Resending an older turn makes a new turn; a second photo is refused. */
static void
test_resend (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroSend) first = NULL;
  g_autoptr(ChiaroSend) again = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *root = chiaro_history_get_root (history);
  ChiaroHistoryEntry *entry, *resent;

  chiaro_document_set_root_image_async (document, photo, PHOTO, NULL, chiaro_test_store_result,
                                        &result);
  chiaro_test_wait_for_result (&result);
  g_assert_false (chiaro_document_set_root_image_finish (document, result, &error));
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);

  first = send_prompt (document, "Sepia", &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (chiaro_send_get_entries (first), 0);

  chiaro_document_resend_async (document, root, chiaro_history_entry_get_turn (entry), NULL,
                                chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  again = chiaro_document_send_finish (document, result, &error);
  g_assert_no_error (error);
  resent = g_ptr_array_index (chiaro_send_get_entries (again), 0);
  g_assert_true (chiaro_history_entry_get_parent (resent) == root);
  g_assert_cmpstr (chiaro_history_entry_get_turn (resent)->prompt, ==, "Sepia");
  g_assert_cmpstr (chiaro_history_entry_get_turn (resent)->id, !=,
                   chiaro_history_entry_get_turn (entry)->id);
  /* The cursor had moved on from the root, so it stays. */
  g_assert_true (chiaro_history_get_cursor (history) == entry);
  g_assert_cmpuint (json_array_get_length (request_contents (f, 1)), ==, 1);
}

/* Orphan files go, files something names stay. */
static void
test_orphans (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(GBytes) logo = chiaro_test_read_fixture ("images/pngsuite", "basn2c08.png");
  g_autoptr(GBytes) stray = chiaro_test_read_fixture ("images/pngsuite", "basn0g08.png");
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) stray_file = NULL;
  g_autoptr(GFile) logo_file = NULL;
  g_autoptr(GFile) answer_file = NULL;
  g_autoptr(GFile) photo_file = NULL;
  g_autofree char *stray_hash = chiaro_stored_content_hash (stray);
  ChiaroHistoryEntry *root = chiaro_history_get_root (chiaro_document_get_history (document));
  ChiaroReference *reference;

  reference = add_reference (document, logo, NULL, &error);
  g_assert_no_error (error);
  send = send_prompt (document, "Anything", &error);
  g_assert_no_error (error);
  chiaro_test_save_document (document);

  stray_file = chiaro_image_store_get_file (chiaro_document_get_images (document), stray_hash,
                                            "image/png");
  write_file (stray_file, stray);
  logo_file = chiaro_image_store_get_file (chiaro_document_get_images (document),
                                           chiaro_reference_get_hash (reference), "image/png");
  answer_file = entry_file (document, g_ptr_array_index (chiaro_send_get_entries (send), 0));
  photo_file = entry_file (document, root);

  chiaro_document_collect_orphans_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_test_wait_for_result (&result);
  g_assert_cmpint (chiaro_document_collect_orphans_finish (document, result, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_false (g_file_query_exists (stray_file, NULL));
  g_assert_true (file_holds (logo_file, logo));
  g_assert_true (file_holds (photo_file, photo));
  g_assert_true (g_file_query_exists (answer_file, NULL));
  chiaro_test_close_document (document);
}

/* Deletes each entry's file for a moment and asks the store for its pixels, which then come
 * only from memory. Returns how many did; each one that did holds exactly the file's pixels, and its thumbnail
 * (as the strip asks for it) is scaled from them. */
static guint
count_decoded_ahead (ChiaroDocument *document,
                     GPtrArray      *entries)
{
  ChiaroImageStore *images = chiaro_document_get_images (document);
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (entries, i);
      const char *hash = chiaro_history_entry_get_image_hash (entry);
      const char *mime_type = chiaro_history_entry_get_mime_type (entry);
      g_autoptr(GFile) file = entry_file (document, entry);
      g_autoptr(GBytes) bytes = read_file (file);
      g_autoptr(ChiaroImage) image = chiaro_image_new_from_bytes (bytes, NULL, NULL);
      g_autoptr(GdkPixbuf) expected = chiaro_image_decode (image, NULL, NULL);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GdkPixbuf) thumbnail = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (expected);
      g_assert_true (g_file_delete (file, NULL, NULL));
      chiaro_image_store_decode_async (images, hash, mime_type, NULL, chiaro_test_store_result,
                                       &result);
      chiaro_test_wait_for_result (&result);
      pixbuf = chiaro_image_store_decode_finish (images, result, &error);
      g_clear_object (&result);
      g_assert_true (g_file_replace_contents (file, g_bytes_get_data (bytes, NULL),
                                              g_bytes_get_size (bytes), NULL, FALSE,
                                              G_FILE_CREATE_NONE, NULL, NULL, NULL));
      if (pixbuf == NULL)
        {
          g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_MISSING_IMAGE);
          continue;
        }
      g_assert_no_error (error);
      n++;

      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, gdk_pixbuf_get_width (expected));
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, gdk_pixbuf_get_height (expected));
      g_assert_cmpint (gdk_pixbuf_get_rowstride (pixbuf), ==,
                       gdk_pixbuf_get_rowstride (expected));
      g_assert_cmpmem (gdk_pixbuf_read_pixels (pixbuf), gdk_pixbuf_get_byte_length (pixbuf),
                       gdk_pixbuf_read_pixels (expected),
                       gdk_pixbuf_get_byte_length (expected));

      chiaro_image_store_thumbnail_async (images, hash, mime_type, NULL, chiaro_test_store_result,
                                          &result);
      chiaro_test_wait_for_result (&result);
      thumbnail = chiaro_image_store_thumbnail_finish (images, result, &error);
      g_assert_no_error (error);
      g_assert_cmpint (MAX (gdk_pixbuf_get_width (thumbnail),
                            gdk_pixbuf_get_height (thumbnail)), ==,
                       MIN (CHIARO_THUMBNAIL_SIZE, MAX (gdk_pixbuf_get_width (expected),
                                                        gdk_pixbuf_get_height (expected))));
    }

  return n;
}

/* A single answer the cursor follows is decoded while it is stored, from the bytes received:
 * the canvas finds its pixels ready. Variants are not (which one the cursor follows is only
 * known once stored), nor an answer the cursor has moved away from. */
static void
test_answer_decoded_ahead (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autoptr(ChiaroDocument) document = new_photo_project (f, photo);
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(ChiaroSend) variants = NULL;
  g_autoptr(ChiaroSend) elsewhere = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroImageStore *images = chiaro_document_get_images (document);
  ChiaroHistoryEntry *root = chiaro_history_get_root (history);
  guint before = chiaro_image_store_get_n_decoded_cached (images);

  chiaro_document_set_model_id (document, "gemini-3.1-flash-image-preview");
  send = send_prompt (document, "Warmer light", &error);
  g_assert_no_error (error);
  g_assert_true (chiaro_history_get_cursor (history) ==
                 g_ptr_array_index (chiaro_send_get_entries (send), 0));
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (images), ==, before + 1);
  g_assert_cmpuint (count_decoded_ahead (document, chiaro_send_get_entries (send)), ==, 1);

  chiaro_image_store_set_decode_cache_size (images, 8);
  before = chiaro_image_store_get_n_decoded_cached (images);
  chiaro_document_set_n_variants (document, 3);
  variants = send_prompt (document, "Three moods", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_send_get_entries (variants)->len, ==, 3);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (images), ==, before);
  g_assert_cmpuint (count_decoded_ahead (document, chiaro_send_get_entries (variants)), ==, 0);

  /* Sent from the root, then the cursor moves away before the answer is back. */
  chiaro_document_set_n_variants (document, 1);
  chiaro_history_set_cursor (history, root);
  chiaro_document_set_prompt (document, "Cooler light");
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result);
  chiaro_history_set_cursor (history, g_ptr_array_index (chiaro_send_get_entries (send), 0));
  chiaro_test_wait_for_result (&result);
  elsewhere = chiaro_document_send_finish (document, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_image_store_get_n_decoded_cached (images), ==, before);
  g_assert_cmpuint (count_decoded_ahead (document, chiaro_send_get_entries (elsewhere)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/chiaro/document/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("photo-send", test_photo_send);
  ADD ("multi-turn", test_multi_turn);
  ADD ("variants-and-undo", test_variants_and_undo);
  ADD ("answer-decoded-ahead", test_answer_decoded_ahead);
  ADD ("failure-and-retry", test_failure_and_retry);
  ADD ("retry-inside", test_retry_inside);
  ADD ("partial-failure", test_partial_failure);
  ADD ("cancel", test_cancel);
  ADD ("close-interrupts", test_close_interrupts);
  ADD ("several-in-flight", test_several_in_flight);
  ADD ("disk-full", test_disk_full);
  ADD ("read-only", test_read_only);
  ADD ("corrupt", test_corrupt);
  ADD ("locked", test_locked);
  ADD ("delete-entry", test_delete_entry);
  ADD ("autosave", test_autosave);
  ADD ("model-and-refusals", test_model_and_refusals);
  ADD ("reference-must-decode", test_reference_must_decode);
  ADD ("progress", test_progress);
  ADD ("missing-image", test_missing_image);
  ADD ("resend", test_resend);
  ADD ("orphans", test_orphans);

#undef ADD

  return g_test_run ();
}
