/* test-multi-image.c — an answer holding several final images is an entry per image
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sends through a real document and the Gemini provider to the in-process mock (signatures
 * enforced): the "multi-image" answer (text, image, text, image) becomes two sibling entries
 * sharing one reply, stored byte for byte, counted once in every total, kept as such in
 * project.json, and sent back whole from either image. A thought image is never an entry;
 * an answer with an image that cannot be opened leaves nothing behind. project.json files of
 * version 1 still load; "reply_of" is checked.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "chiaro-api-error.h"
#include "chiaro-document-private.h"
#include "chiaro-document.h"
#include "chiaro-image-store.h"
#include "chiaro-project-error.h"
#include "chiaro-project-info.h"
#include "chiaro-project-state.h"
#include "chiaro-test-document.h"
#include "chiaro-test-util.h"

#define KEY "multi-image-test-key"
#define PHOTO "Landscape_1.jpg"
#define MODEL "gemini-3.1-flash-image-preview"

typedef struct
{
  ChiaroTestGemini  gemini;
  GFile            *dir;
  guint             images_wanted;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = chiaro_test_clean_data_path ();

  chiaro_test_gemini_init (&f->gemini, KEY, 1);
  chiaro_mock_server_set_enforce_signatures (f->gemini.mock, TRUE);
  f->dir = g_file_new_for_path (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->dir);
  chiaro_test_gemini_clear (&f->gemini);
}

static ChiaroDocument *
open_project (Fixture                 *f,
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

static ChiaroDocument *
new_photo_project (Fixture *f)
{
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  ChiaroDocument *document = open_project (f, CHIARO_DOCUMENT_OPEN_CREATE);

  chiaro_test_set_root_image (document, photo, PHOTO);
  chiaro_document_set_model_id (document, MODEL);
  return document;
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

static GBytes *
part_bytes (JsonObject *part)
{
  const char *data = json_object_get_string_member (json_object_get_object_member (part,
                                                                                   "inlineData"),
                                                    "data");
  gsize size;
  guchar *decoded = g_base64_decode (data, &size);

  return g_bytes_new_take (decoded, size);
}

/* The images of a list of parts that are not thoughts, in order. */
static GPtrArray *
final_images (JsonNode *parts)
{
  JsonArray *array = json_node_get_array (parts);
  GPtrArray *images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *part = json_array_get_object_element (array, i);

      if (json_object_has_member (part, "inlineData") &&
          !json_object_get_boolean_member_with_default (part, "thought", FALSE))
        g_ptr_array_add (images, part_bytes (part));
    }
  return images;
}

static JsonArray *
request_contents (Fixture *f,
                  guint    index)
{
  ChiaroMockRequest *request = chiaro_mock_server_get_request (f->gemini.mock, index);

  g_assert_nonnull (request->json);
  return json_node_get_array (chiaro_test_json_get_path (request->json, "contents"));
}

static gboolean
json_equal (JsonNode *a,
            JsonNode *b)
{
  if (!json_node_equal (a, b))
    {
      g_autofree char *text_a = json_to_string (a, FALSE);
      g_autofree char *text_b = json_to_string (b, FALSE);

      g_test_message ("%s\n!=\n%s", text_a, text_b);
      return FALSE;
    }
  return TRUE;
}

static guint
count_files (Fixture    *f,
             const char *folder)
{
  g_autoptr(GFile) dir = g_file_get_child (f->dir, folder);
  g_autoptr(GDir) listing = g_dir_open (g_file_peek_path (dir), 0, NULL);
  guint n = 0;

  while (listing != NULL && g_dir_read_name (listing) != NULL)
    n++;
  return n;
}

/* How often @needle occurs in @bytes (not NUL-terminated: the search stops at their end). */
static gsize
count_substrings (GBytes     *bytes,
                  const char *needle)
{
  gsize size;
  const char *start = g_bytes_get_data (bytes, &size);
  const char *end = start + size;
  gsize n = 0;

  for (const char *p = g_strstr_len (start, size, needle); p != NULL;
       p = g_strstr_len (p + 1, end - (p + 1), needle))
    n++;
  return n;
}

/* Asserts the two entries of the answer and returns nothing: siblings under @parent, one
 * turn, one reply, their images the mock's bytes, in answer order. */
static void
assert_answer_entries (ChiaroDocument     *document,
                       GPtrArray          *entries,
                       ChiaroHistoryEntry *parent,
                       GPtrArray          *sent_images)
{
  ChiaroHistoryEntry *first = g_ptr_array_index (entries, 0);
  ChiaroHistoryEntry *second = g_ptr_array_index (entries, 1);
  ChiaroReply *reply = chiaro_history_entry_get_reply (first);

  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpuint (sent_images->len, ==, 2);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (parent), ==, 2);
  g_assert_true (chiaro_history_entry_get_child (parent, 0) == first);
  g_assert_true (chiaro_history_entry_get_child (parent, 1) == second);
  g_assert_true (chiaro_history_entry_get_turn (first) == chiaro_history_entry_get_turn (second));
  g_assert_nonnull (reply);
  g_assert_true (chiaro_history_entry_get_reply (second) == reply);
  g_assert_true (chiaro_history_entry_get_answer_first (first) == first);
  g_assert_true (chiaro_history_entry_get_answer_first (second) == first);
  g_assert_cmpstr (chiaro_history_entry_get_image_hash (first), !=,
                   chiaro_history_entry_get_image_hash (second));
  g_assert_cmpstr (chiaro_reply_get_final_image_hash (reply), ==,
                   chiaro_history_entry_get_image_hash (second));

  for (guint i = 0; i < 2; i++)
    {
      ChiaroHistoryEntry *entry = g_ptr_array_index (entries, i);
      GBytes *sent = g_ptr_array_index (sent_images, i);
      g_autofree char *hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, sent);
      g_autoptr(GFile) file =
        chiaro_image_store_get_file (chiaro_document_get_images (document),
                                     chiaro_history_entry_get_image_hash (entry),
                                     chiaro_history_entry_get_mime_type (entry));
      g_autoptr(GBytes) on_disk = g_file_load_bytes (file, NULL, NULL, NULL);

      g_assert_cmpstr (chiaro_history_entry_get_image_hash (entry), ==, hash);
      g_assert_cmpstr (reply->content_hashes[i], ==, hash);
      g_assert_nonnull (on_disk);
      g_assert_true (g_bytes_equal (on_disk, sent));
      /* Gemini 3 answers JPEG. */
      g_assert_cmpstr (chiaro_history_entry_get_mime_type (entry), ==, "image/jpeg");
      g_assert_cmpint (chiaro_history_entry_get_width (entry), >, 0);
      g_assert_cmpint (chiaro_history_entry_get_height (entry), >, 0);
    }
  g_assert_null (reply->content_hashes[2]);
}

static double
sum_replies (ChiaroHistory *history)
{
  g_autoptr(GPtrArray) replies = chiaro_history_dup_replies (history);
  double sum = 0;

  for (guint i = 0; i < replies->len; i++)
    sum += ((ChiaroReply *) g_ptr_array_index (replies, i))->cost_usd;
  return sum;
}

/* Whether the last user turn of @contents carries @image as inline data. */
static gboolean
last_turn_has_image (JsonArray *contents,
                     GBytes    *image)
{
  JsonObject *turn = json_array_get_object_element (contents,
                                                    json_array_get_length (contents) - 1);
  JsonArray *parts = json_object_get_array_member (turn, "parts");

  g_assert_cmpstr (json_object_get_string_member (turn, "role"), ==, "user");
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);
      g_autoptr(GBytes) bytes = NULL;

      if (!json_object_has_member (part, "inlineData"))
        continue;
      bytes = part_bytes (part);
      if (g_bytes_equal (bytes, image))
        return TRUE;
    }
  return FALSE;
}

static void
test_entries (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(ChiaroDocument) document = new_photo_project (f);
  g_autoptr(ChiaroDocument) again = NULL;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(ChiaroSend) from_first = NULL;
  g_autoptr(ChiaroSend) from_second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) parts = NULL;
  g_autoptr(GPtrArray) sent_images = NULL;
  g_autoptr(GPtrArray) variants = NULL;
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GPtrArray) entries_again = g_ptr_array_new ();
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(JsonNode) saved_json = NULL;
  g_autoptr(GFile) state_file = g_file_get_child (f->dir, "project.json");
  g_autoptr(ChiaroProjectInfo) info = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *root = chiaro_history_get_root (history);
  ChiaroHistoryEntry *first, *second;
  ChiaroReply *reply;
  JsonArray *saved_entries;
  JsonObject *saved_second;
  JsonArray *contents;
  guint images_before = count_files (f, "images");
  double cost;

  chiaro_mock_server_push_scenario (f->gemini.mock, "multi-image");
  send = send_prompt (document, "Two takes of the coast", &error);
  g_assert_no_error (error);
  g_assert_cmpint (chiaro_send_get_state (send), ==, CHIARO_SEND_DONE);

  /* Two entries, siblings in answer order, one answer. */
  parts = answer_parts (f, 0);
  sent_images = final_images (parts);
  assert_answer_entries (document, chiaro_send_get_entries (send), root, sent_images);
  g_assert_cmpuint (chiaro_send_get_n_done (send), ==, 1);
  g_assert_cmpuint (chiaro_send_get_n_failed (send), ==, 0);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 3);
  g_assert_cmpuint (count_files (f, "images"), ==, images_before + 2);
  first = g_ptr_array_index (chiaro_send_get_entries (send), 0);
  second = g_ptr_array_index (chiaro_send_get_entries (send), 1);
  reply = chiaro_history_entry_get_reply (first);

  /* The cursor is on the final image; the variant picker lists both. */
  g_assert_true (chiaro_history_get_cursor (history) == second);
  variants = chiaro_history_dup_variants (history, first);
  g_assert_cmpuint (variants->len, ==, 2);
  g_assert_true (g_ptr_array_index (variants, 0) == first);
  g_assert_true (g_ptr_array_index (variants, 1) == second);

  /* The conversation shows the answer once: the prompt and the model's reply. */
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_messages (document)), ==, 2);

  /* Paid once: one reply in every total. */
  g_assert_cmpfloat (reply->cost_usd, >, 0);
  replies = chiaro_history_dup_replies (history);
  g_assert_cmpuint (replies->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (sum_replies (history), reply->cost_usd, 1e-12);
  cost = reply->cost_usd;

  /* project.json: the second entry names the first instead of repeating the reply. */
  chiaro_test_save_document (document);
  saved = g_file_load_bytes (state_file, NULL, NULL, &error);
  g_assert_no_error (error);
  saved_json = chiaro_test_parse_json (saved);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (saved_json), "version"),
                   ==, 2);
  saved_entries = json_object_get_array_member (json_node_get_object (saved_json), "entries");
  g_assert_cmpuint (json_array_get_length (saved_entries), ==, 3);
  saved_second = json_array_get_object_element (saved_entries, 2);
  g_assert_cmpstr (json_object_get_string_member (saved_second, "reply_of"), ==,
                   chiaro_history_entry_get_id (first));
  g_assert_false (json_object_has_member (saved_second, "reply"));
  g_assert_true (json_object_has_member (json_array_get_object_element (saved_entries, 1),
                                         "reply"));
  /* Once in the reply's content, once in its text: the reply is written once. */
  g_assert_cmpuint (count_substrings (saved,
                                      "And a second take, from a little further away."), ==, 2);

  /* The start view counts the cost once too. */
  info = chiaro_project_info_load (f->dir, chiaro_document_get_images (document), NULL);
  g_assert_nonnull (info);
  g_assert_cmpuint (chiaro_project_info_get_n_images (info), ==, 3);
  g_assert_cmpfloat_with_epsilon (chiaro_project_info_get_cost_usd (info), cost, 1e-9);

  chiaro_test_close_document (document);
  g_clear_object (&document);

  /* Reopened: still siblings sharing one reply, each with its image. */
  again = open_project (f, CHIARO_DOCUMENT_OPEN_NONE);
  history = chiaro_document_get_history (again);
  root = chiaro_history_get_root (history);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 3);
  g_ptr_array_add (entries_again, chiaro_history_entry_get_child (root, 0));
  g_ptr_array_add (entries_again, chiaro_history_entry_get_child (root, 1));
  assert_answer_entries (again, entries_again, root, sent_images);
  first = g_ptr_array_index (entries_again, 0);
  second = g_ptr_array_index (entries_again, 1);
  g_assert_true (chiaro_history_get_cursor (history) == second);
  g_assert_cmpfloat_with_epsilon (sum_replies (history), cost, 1e-9);

  /* Sending on from the first image sends the whole answer back, signatures and all, and
   * that image again in the new turn: the answer's last image is the other one. */
  chiaro_history_set_cursor (history, first);
  from_first = send_prompt (again, "Warmer light on this one", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 2);
  g_assert_cmpuint (chiaro_mock_server_get_request (f->gemini.mock, 1)->status, ==, 200);
  contents = request_contents (f, 1);
  g_assert_cmpuint (json_array_get_length (contents), ==, 3);
  g_assert_true (json_equal (parts,
                             json_object_get_member (json_array_get_object_element (contents, 1),
                                                     "parts")));
  g_assert_true (last_turn_has_image (contents, g_ptr_array_index (sent_images, 0)));
  g_assert_true (chiaro_history_entry_get_parent (chiaro_history_get_cursor (history)) == first);

  /* From the final image the answer alone shows it. */
  chiaro_history_set_cursor (history, second);
  from_second = send_prompt (again, "Cooler light on that one", &error);
  g_assert_no_error (error);
  contents = request_contents (f, 2);
  g_assert_cmpuint (json_array_get_length (contents), ==, 3);
  g_assert_true (json_equal (parts,
                             json_object_get_member (json_array_get_object_element (contents, 1),
                                                     "parts")));
  g_assert_false (last_turn_has_image (contents, g_ptr_array_index (sent_images, 1)));
  g_assert_false (last_turn_has_image (contents, g_ptr_array_index (sent_images, 0)));
  g_assert_true (chiaro_history_entry_get_parent (chiaro_history_get_cursor (history)) == second);

  /* Three answers, three costs: the two-image answer still counted once. */
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 5);
  g_clear_pointer (&replies, g_ptr_array_unref);
  replies = chiaro_history_dup_replies (history);
  g_assert_cmpuint (replies->len, ==, 3);
  chiaro_test_close_document (again);
}

/* Variants: each answer's images are siblings; the cursor follows only the first answer. */
static void
test_variants (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ChiaroDocument) document = new_photo_project (f);
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *root = chiaro_history_get_root (history);
  GPtrArray *entries;
  ChiaroReply *a, *b;

  chiaro_mock_server_set_default_scenario (f->gemini.mock, "multi-image");
  chiaro_document_set_n_variants (document, 2);
  send = send_prompt (document, "Two variants of two takes", &error);
  g_assert_no_error (error);
  entries = chiaro_send_get_entries (send);
  g_assert_cmpuint (entries->len, ==, 4);
  g_assert_cmpuint (chiaro_send_get_n_done (send), ==, 2);
  g_assert_cmpuint (chiaro_history_entry_get_n_children (root), ==, 4);
  a = chiaro_history_entry_get_reply (g_ptr_array_index (entries, 0));
  b = chiaro_history_entry_get_reply (g_ptr_array_index (entries, 2));
  g_assert_true (a != b);
  g_assert_true (chiaro_history_entry_get_reply (g_ptr_array_index (entries, 1)) == a);
  g_assert_true (chiaro_history_entry_get_reply (g_ptr_array_index (entries, 3)) == b);
  /* The first answer's final image. */
  g_assert_true (chiaro_history_get_cursor (history) == g_ptr_array_index (entries, 1));
  g_assert_cmpfloat_with_epsilon (sum_replies (history), a->cost_usd + b->cost_usd, 1e-12);
  chiaro_test_close_document (document);
}

/* A thought image (Gemini 3 Pro's draft) is stored for the conversation but is no entry. */
static void
test_thought_image (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ChiaroDocument) document = new_photo_project (f);
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) parts = NULL;
  g_autoptr(GPtrArray) sent_images = NULL;
  g_autofree char *hash = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *entry;
  guint images_before = count_files (f, "images");

  chiaro_mock_server_push_scenario (f->gemini.mock, "thought-image");
  send = send_prompt (document, "Think first", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_send_get_entries (send)->len, ==, 1);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 2);
  g_assert_cmpuint (count_files (f, "images"), ==, images_before + 2);
  parts = answer_parts (f, 0);
  sent_images = final_images (parts);
  g_assert_cmpuint (sent_images->len, ==, 1);
  hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, g_ptr_array_index (sent_images, 0));
  entry = chiaro_history_get_cursor (history);
  g_assert_cmpstr (chiaro_history_entry_get_image_hash (entry), ==, hash);
  g_assert_cmpuint (g_strv_length (chiaro_history_entry_get_reply (entry)->content_hashes), ==, 2);
  chiaro_test_close_document (document);
}

/* One image of the answer cannot be opened: the answer fails whole, nothing is kept. */
static void
test_one_unreadable (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ChiaroDocument) document = new_photo_project (f);
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *root = chiaro_history_get_root (history);
  guint images_before = count_files (f, "images");

  chiaro_mock_server_push_scenario (f->gemini.mock, "multi-image-bad");
  send = send_prompt (document, "One good, one broken", &error);
  g_assert_null (send);
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (chiaro_api_error_get_reason (error), ==, "BAD_IMAGE");
  g_assert_cmpstr (error->message, ==,
                   "The model sent an image too large to open. Try again, or choose a smaller "
                   "size.");
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 1);
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, 1);
  g_assert_true (chiaro_history_get_cursor (history) == root);
  g_assert_cmpuint (count_files (f, "images"), ==, images_before);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "One good, one broken");
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (document)), ==, 1);
  chiaro_test_close_document (document);
}

static gboolean
images_are_wanted (gpointer user_data)
{
  Fixture *f = user_data;

  return count_files (f, "images") == f->images_wanted;
}

/* Deleting the first image of the answer: the other keeps the reply, and project.json holds
 * it there (no "reply_of" naming a deleted entry); the deleted image's file stays, since the
 * reply sent back still shows it. Deleting the other too lets both files go. */
static void
test_delete_first (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ChiaroDocument) document = new_photo_project (f);
  g_autoptr(ChiaroDocument) again = NULL;
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(JsonNode) saved_json = NULL;
  g_autoptr(GFile) state_file = g_file_get_child (f->dir, "project.json");
  g_autofree char *second_id = NULL;
  ChiaroHistory *history = chiaro_document_get_history (document);
  ChiaroHistoryEntry *first, *second;
  JsonArray *saved_entries;
  guint images_before = count_files (f, "images");

  chiaro_mock_server_push_scenario (f->gemini.mock, "multi-image");
  send = send_prompt (document, "Two takes, keep one", &error);
  g_assert_no_error (error);
  first = g_ptr_array_index (chiaro_send_get_entries (send), 0);
  second = g_ptr_array_index (chiaro_send_get_entries (send), 1);
  second_id = g_strdup (chiaro_history_entry_get_id (second));

  g_assert_true (chiaro_document_delete_entry (document, first, &error));
  g_assert_no_error (error);
  g_assert_true (chiaro_history_entry_get_answer_first (second) == second);
  g_assert_true (chiaro_history_get_cursor (history) == second);
  g_assert_cmpuint (chiaro_document_get_n_pending_deletions (document), ==, 0);
  chiaro_test_save_document (document);
  g_assert_cmpuint (count_files (f, "images"), ==, images_before + 2);
  saved = g_file_load_bytes (state_file, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (g_bytes_get_data (saved, NULL), "reply_of"));
  saved_json = chiaro_test_parse_json (saved);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (saved_json), "version"),
                   ==, 1);
  saved_entries = json_object_get_array_member (json_node_get_object (saved_json), "entries");
  g_assert_cmpuint (json_array_get_length (saved_entries), ==, 2);
  g_assert_true (json_object_has_member (json_array_get_object_element (saved_entries, 1),
                                         "reply"));
  chiaro_test_close_document (document);
  g_clear_object (&document);

  again = open_project (f, CHIARO_DOCUMENT_OPEN_NONE);
  history = chiaro_document_get_history (again);
  second = chiaro_history_lookup (history, second_id);
  g_assert_nonnull (second);
  g_assert_true (chiaro_history_get_cursor (history) == second);
  g_assert_nonnull (chiaro_history_entry_get_reply (second));
  g_assert_cmpuint (g_strv_length (chiaro_history_entry_get_reply (second)->content_hashes), ==,
                    2);

  g_assert_true (chiaro_document_delete_entry (again, second, &error));
  g_assert_no_error (error);
  chiaro_test_save_document (again);
  f->images_wanted = images_before;
  g_assert_true (chiaro_test_wait_until (images_are_wanted, f, 30));
  chiaro_test_close_document (again);
}

/* project.json files */

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HASH_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

/* A version 1 file as Chiaro wrote it before: one entry per answer. */
static const char OLD_FILE[] =
  "{ \"version\": 1, \"created\": 1, \"modified\": 2, \"prompt\": \"\", \"variants\": 1,"
  "  \"cursor\": \"e1\","
  "  \"turns\": [ { \"id\": \"t1\", \"created\": 1, \"prompt\": \"Make it snow\","
  "                 \"model\": \"" MODEL "\", \"provider\": \"gemini\", \"variants\": 1 } ],"
  "  \"entries\": ["
  "    { \"id\": \"r\", \"created\": 1, \"image\": { \"hash\": \"" HASH_A "\","
  "      \"mime_type\": \"image/jpeg\", \"width\": 4, \"height\": 3 } },"
  "    { \"id\": \"e1\", \"parent\": \"r\", \"created\": 2,"
  "      \"image\": { \"hash\": \"" HASH_B "\", \"mime_type\": \"image/png\", \"width\": 4,"
  "                 \"height\": 3 },"
  "      \"turn\": \"t1\","
  "      \"reply\": { \"content\": { \"role\": \"model\", \"parts\": ["
  "                   { \"text\": \"Snow.\" },"
  "                   { \"inlineData\": { \"mimeType\": \"image/png\", \"chiaroImage\": \"" HASH_B "\" },"
  "                     \"thoughtSignature\": \"c2ln\" } ] },"
  "                 \"text\": \"Snow.\", \"cost_usd\": 0.04 } } ],"
  "  \"references\": [] }";

static ChiaroProjectState *
parse (const char  *text,
       GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return chiaro_project_state_new_from_json (bytes, error);
}

/* @old with the answer holding a second image and a second entry naming the first. */
static char *
make_shared (const char *version,
             const char *second_entry)
{
  g_autofree char *text = g_strdup (OLD_FILE);
  g_auto(GStrv) halves = NULL;

  /* A second image part in the reply, and the new entry after e1. */
  halves = g_strsplit (text, "\"thoughtSignature\": \"c2ln\" } ] },", 2);
  g_assert_cmpuint (g_strv_length (halves), ==, 2);
  g_free (text);
  text = g_strconcat (halves[0], "\"thoughtSignature\": \"c2ln\" },"
                      " { \"inlineData\": { \"mimeType\": \"image/png\", \"chiaroImage\": \"" HASH_C
                      "\" }, \"thoughtSignature\": \"c2lnMg==\" } ] },", halves[1], NULL);
  g_strfreev (g_steal_pointer (&halves));
  halves = g_strsplit (text, "\"cost_usd\": 0.04 } } ],", 2);
  g_free (text);
  text = g_strconcat (halves[0], "\"cost_usd\": 0.04 } }, ", second_entry, " ],", halves[1],
                      NULL);
  g_strfreev (g_steal_pointer (&halves));
  halves = g_strsplit (text, "\"version\": 1", 2);
  return g_strconcat (halves[0], "\"version\": ", version, halves[1], NULL);
}

#define SECOND_ENTRY(parent, turn, extra) \
  "{ \"id\": \"e2\", \"parent\": \"" parent "\", \"created\": 3, \"image\": { \"hash\": \"" \
  HASH_C "\", \"mime_type\": \"image/png\", \"width\": 4, \"height\": 3 }, \"turn\": \"" turn \
  "\" " extra " }"

static void
test_old_format (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroProjectState) old = parse (OLD_FILE, &error);
  g_autoptr(ChiaroProjectState) shared = NULL;
  g_autoptr(ChiaroProjectState) reloaded = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(GBytes) rewritten = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GPtrArray) replies = NULL;
  g_autofree char *text = NULL;
  ChiaroHistoryEntry *e1, *e2;

  /* A version 1 file loads, and is written back as version 1 (nothing in it is newer). */
  g_assert_no_error (error);
  g_assert_cmpuint (chiaro_history_get_n_entries (old->history), ==, 2);
  e1 = chiaro_history_lookup (old->history, "e1");
  g_assert_true (chiaro_history_entry_get_answer_first (e1) == e1);
  g_assert_cmpfloat (chiaro_history_entry_get_reply (e1)->cost_usd, ==, 0.04);
  written = chiaro_project_state_to_json (old);
  json = chiaro_test_parse_json (written);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json), "version"), ==, 1);
  g_assert_cmpuint (count_substrings (written, "reply_of"), ==, 0);

  /* Version 2 with a shared reply: siblings with one reply, counted once; round trip. */
  text = make_shared ("2", SECOND_ENTRY ("r", "t1", ", \"reply_of\": \"e1\""));
  shared = parse (text, &error);
  g_assert_no_error (error);
  e1 = chiaro_history_lookup (shared->history, "e1");
  e2 = chiaro_history_lookup (shared->history, "e2");
  g_assert_true (chiaro_history_entry_get_reply (e1) == chiaro_history_entry_get_reply (e2));
  g_assert_true (chiaro_history_entry_get_answer_first (e2) == e1);
  g_assert_cmpstr (chiaro_history_entry_get_image_hash (e2), ==, HASH_C);
  replies = chiaro_history_dup_replies (shared->history);
  g_assert_cmpuint (replies->len, ==, 1);
  g_clear_pointer (&written, g_bytes_unref);
  written = chiaro_project_state_to_json (shared);
  reloaded = chiaro_project_state_new_from_json (written, &error);
  g_assert_no_error (error);
  rewritten = chiaro_project_state_to_json (reloaded);
  g_assert_cmpuint (count_substrings (written, "c2lnMg=="), ==, 1);
  g_assert_cmpuint (count_substrings (written, "\"reply_of\""), ==, 1);
  g_clear_pointer (&json, json_node_unref);
  json = chiaro_test_parse_json (written);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json), "version"), ==, 2);
  g_assert_true (chiaro_history_entry_get_reply (chiaro_history_lookup (reloaded->history, "e2"))
                 == chiaro_history_entry_get_reply (chiaro_history_lookup (reloaded->history,
                                                                           "e1")));
}

static void
assert_corrupt (const char *version,
                const char *second_entry,
                const char *message)
{
  g_autofree char *text = make_shared (version, second_entry);
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroProjectState) state = parse (text, &error);

  g_assert_null (state);
  g_assert_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_reply_of_checked (void)
{
  /* Version 1 does not know reply_of: the entry lacks its reply. */
  assert_corrupt ("1", SECOND_ENTRY ("r", "t1", ", \"reply_of\": \"e1\""),
                  "The project file is damaged: “entries[2].reply” is missing or has the "
                  "wrong type.");
  assert_corrupt ("2", SECOND_ENTRY ("r", "t1", ", \"reply_of\": \"nowhere\""),
                  "The project file is damaged: entry “e2” shares the answer of “nowhere”, "
                  "which is not an earlier image of the same answer.");
  /* The root has no reply to share. */
  assert_corrupt ("2", SECOND_ENTRY ("r", "t1", ", \"reply_of\": \"r\""),
                  "The project file is damaged: entry “e2” shares the answer of “r”, which is "
                  "not an earlier image of the same answer.");
  /* Another parent. */
  assert_corrupt ("2", SECOND_ENTRY ("e1", "t1", ", \"reply_of\": \"e1\""),
                  "The project file is damaged: entry “e2” shares the answer of “e1”, which is "
                  "not an earlier image of the same answer.");
  assert_corrupt ("2", SECOND_ENTRY ("r", "t1", ", \"reply_of\": \"e1\", \"reply\": {}"),
                  "The project file is damaged: entry “e2” has a reply and shares another "
                  "entry’s too.");
  assert_corrupt ("2", SECOND_ENTRY ("r", "t1", ", \"reply_of\": 7"),
                  "The project file is damaged: “entries[2].reply_of” is missing or has the "
                  "wrong type.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/chiaro/multi-image/" name, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("entries", test_entries);
  ADD ("variants", test_variants);
  ADD ("thought-image", test_thought_image);
  ADD ("one-unreadable", test_one_unreadable);
  ADD ("delete-first", test_delete_first);
  g_test_add_func ("/chiaro/multi-image/old-format", test_old_format);
  g_test_add_func ("/chiaro/multi-image/reply-of-checked", test_reply_of_checked);

#undef ADD

  return g_test_run ();
}
