/* test-conversation.c — the conversation panel over a real document and the mock server
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test opens a project folder with a photo as its root, sends through the real Gemini
 * provider to the in-process mock server, and looks at the panel in a real window: which
 * rows there are, what they say, the pixels of the thumbnails, and what their buttons do to
 * the document. A long project (made with the stores) shows only its last messages, with a
 * button for earlier ones.
 */

#include "config.h"

#include <adwaita.h>

#include "chiaro-api-error.h"
#include "chiaro-conversation-view.h"
#include "chiaro-document.h"
#include "chiaro-gemini-provider.h"
#include "chiaro-message-row.h"
#include "chiaro-pack-view.h"
#include "chiaro-pack.h"
#include "chiaro-thumbnail.h"
#include "chiaro-test-ui-util.h"
#include "chiaro-test-document.h"
#include "chiaro-test-projects.h"
#include "chiaro-test-util.h"

#define KEY "conversation-test-key"
#define PHOTO "Landscape_1.jpg"
/* The edits of the long project (two messages each), and how many messages the panel shows
 * at first and brings in per click. */
#define LONG_EDITS 50
#define PAGE 40

static ChiaroApplication *application;

typedef struct
{
  ChiaroTestGemini   gemini;
  ChiaroDocument     *document;
  GtkWidget          *window;
  GtkWidget          *view;
  GtkWidget          *entry;
  guint               document_refs;  /* before the view took it */
} Fixture;

/* Waiting */

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
has_result (gpointer user_data)
{
  return *(GAsyncResult **) user_data != NULL;
}

static void
wait_for (GAsyncResult **slot)
{
  g_assert_true (chiaro_test_wait_until (has_result, slot, 60));
}

/* Widgets */

static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (found, root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

/* Every widget of @type under @root, in order. */
static GPtrArray *
find_all (GtkWidget *root,
          GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, type, found);
  return found;
}

static GPtrArray *
rows (Fixture *f)
{
  return find_all (f->view, CHIARO_TYPE_MESSAGE_ROW);
}

static ChiaroMessageKind
row_kind (GPtrArray *array,
          guint      index)
{
  return chiaro_message_get_kind (chiaro_message_row_get_message (g_ptr_array_index (array,
                                                                                     index)));
}

/* Only widgets that are drawn: a hidden part of a row, or another page of a stack, does
 * not count. */
static gboolean
is_shown (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
      return FALSE;
  return TRUE;
}

static GtkWidget *
find_shown_label (GtkWidget  *root,
                  const char *text)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) == 0 && is_shown (label))
        return label;
    }
  return NULL;
}

/* The variant buttons of a model row. */
static GPtrArray *
find_variants (GtkWidget *row)
{
  GPtrArray *buttons = find_all (row, GTK_TYPE_BUTTON);

  for (guint i = buttons->len; i > 0; i--)
    if (!gtk_widget_has_css_class (buttons->pdata[i - 1], "variant"))
      g_ptr_array_remove_index (buttons, i - 1);
  return buttons;
}

static gboolean
thumbnails_loaded (gpointer user_data)
{
  g_autoptr(GPtrArray) thumbnails = find_all (user_data, CHIARO_TYPE_THUMBNAIL);

  for (guint i = 0; i < thumbnails->len; i++)
    {
      ChiaroThumbnail *thumbnail = g_ptr_array_index (thumbnails, i);

      if (chiaro_thumbnail_get_texture (thumbnail) == NULL &&
          !chiaro_thumbnail_get_failed (thumbnail))
        return FALSE;
    }
  return TRUE;
}

static void
wait_for_thumbnails (Fixture *f)
{
  g_assert_true (chiaro_test_wait_until (thumbnails_loaded, f->view, 30));
  g_assert_true (chiaro_test_wait_for_paint (f->view));
}

static void
screenshots (Fixture    *f,
             const char *name)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("conversation-%s.png", name);
  g_autofree char *dark = g_strdup_printf ("conversation-%s-dark.png", name);

  g_assert_true (chiaro_test_wait_for_paint (f->window));
  chiaro_test_save_screenshot (f->window, light);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  chiaro_test_save_screenshot (f->window, dark);
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
  g_assert_true (chiaro_test_wait_for_paint (f->window));
}

/* The document */

static ChiaroSend *
send_prompt (Fixture     *f,
             const char  *prompt,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  chiaro_document_set_prompt (f->document, prompt);
  chiaro_document_send_async (f->document, NULL, on_ready, &result);
  wait_for (&result);
  return chiaro_document_send_finish (f->document, result, error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) photo = chiaro_test_read_fixture ("images/exif-orientation", PHOTO);
  g_autofree char *path = chiaro_test_clean_data_path ();
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  guint n_edits = GPOINTER_TO_UINT (data);
  GtkWidget *box;

  /* With @data: a project of that many edits in a line, made with the stores. */
  if (n_edits > 0)
    chiaro_test_make_project (dir, "Long conversation", NULL, n_edits, 0x3366cc);

  chiaro_test_gemini_init (&f->gemini, KEY, 3);
  f->document = chiaro_test_open_document (dir, CHIARO_DOCUMENT_OPEN_CREATE, f->gemini.catalog,
                                           &error);
  g_assert_no_error (error);
  chiaro_document_set_provider (f->document, f->gemini.provider, "gemini");
  chiaro_document_set_autosave_delay (f->document, 60000);

  if (n_edits == 0)
    {
      chiaro_document_set_root_image_async (f->document, photo, PHOTO, NULL, on_ready, &result);
      wait_for (&result);
      g_assert_true (chiaro_document_set_root_image_finish (f->document, result, &error));
      g_assert_no_error (error);
    }

  f->document_refs = G_OBJECT (f->document)->ref_count;
  f->view = chiaro_conversation_view_new ();
  chiaro_conversation_view_set_document (CHIARO_CONVERSATION_VIEW (f->view), f->document);
  f->window = g_object_ref (gtk_window_new ());
  gtk_window_set_decorated (GTK_WINDOW (f->window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 420, 640);
  /* The window's prompt stands beside the panel and holds the focus, as in the app. */
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_vexpand (f->view, TRUE);
  gtk_box_append (GTK_BOX (box), f->view);
  f->entry = gtk_entry_new ();
  gtk_box_append (GTK_BOX (box), f->entry);
  gtk_window_set_child (GTK_WINDOW (f->window), box);
  gtk_window_present (GTK_WINDOW (f->window));
  gtk_widget_grab_focus (f->entry);
  g_assert_true (chiaro_test_wait_for_paint (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Nothing may still be loading when the window goes. */
  wait_for_thumbnails (f);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_finalize_object (g_steal_pointer (&f->window));
  /* The rows and the view let go of the document. */
  /* The rows and the view let go of the document (its pending autosave may have run). */
  g_assert_cmpuint (G_OBJECT (f->document)->ref_count, <=, f->document_refs);

  chiaro_document_close_async (f->document, NULL, on_ready, &result);
  wait_for (&result);
  g_assert_true (chiaro_document_close_finish (f->document, result, &error));
  g_assert_no_error (error);
  g_clear_object (&f->document);

  chiaro_test_gemini_clear (&f->gemini);
}

/* The final image of the answer to request @index: its last non-thought inlineData. */
static GdkPixbuf *
answer_image (Fixture *f,
              guint    index)
{
  ChiaroMockRequest *request = chiaro_mock_server_get_request (f->gemini.mock, index);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guchar *decoded = NULL;
  const char *data = NULL;
  JsonArray *parts;
  gsize size;

  g_assert_nonnull (request->response);
  root = chiaro_test_parse_json (request->response);
  parts = json_node_get_array (chiaro_test_json_get_path (root, "candidates.0.content.parts"));
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);

      if (json_object_has_member (part, "inlineData") &&
          !json_object_get_boolean_member_with_default (part, "thought", FALSE))
        data = json_object_get_string_member (json_object_get_object_member (part, "inlineData"),
                                              "data");
    }
  g_assert_nonnull (data);

  decoded = g_base64_decode (data, &size);
  gdk_pixbuf_loader_write (loader, decoded, size, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* The mean difference per channel between @texture and @pixbuf scaled to its size. */
static double
mean_difference (GdkTexture *texture,
                 GdkPixbuf  *pixbuf)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autoptr(GdkPixbuf) scaled = gdk_pixbuf_scale_simple (pixbuf, width, height,
                                                         GDK_INTERP_BILINEAR);
  g_autofree guint8 *data = g_malloc ((gsize) width * height * 4);
  const guint8 *pixels = gdk_pixbuf_read_pixels (scaled);
  int stride = gdk_pixbuf_get_rowstride (scaled);
  int channels = gdk_pixbuf_get_n_channels (scaled);
  double total = 0;

  gdk_texture_download (texture, data, (gsize) width * 4);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        {
          /* GDK_MEMORY_DEFAULT is B, G, R, A; these images are opaque. */
          int got = data[((gsize) y * width + x) * 4 + 2 - c];
          int want = pixels[(gsize) y * stride + x * channels + c];

          total += ABS (got - want);
        }

  return total / ((double) width * height * 3);
}

/* The thumbnail is on screen: the window's pixel at its centre is the texture's. */
static void
assert_thumbnail_drawn (Fixture         *f,
                        ChiaroThumbnail *thumbnail)
{
  GdkTexture *texture = chiaro_thumbnail_get_texture (thumbnail);
  g_autoptr(GdkTexture) screen = NULL;
  graphene_rect_t bounds;
  guint8 on_screen[3], in_texture[3];

  g_assert_true (chiaro_test_wait_for_paint (f->window));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (thumbnail), f->window, &bounds));
  screen = chiaro_test_render_widget (f->window);
  g_assert_true (chiaro_test_read_pixel (screen,
                                         bounds.origin.x + bounds.size.width / 2,
                                         bounds.origin.y + bounds.size.height / 2,
                                         on_screen));
  g_assert_true (chiaro_test_read_pixel (texture,
                                         gdk_texture_get_width (texture) / 2,
                                         gdk_texture_get_height (texture) / 2,
                                         in_texture));
  for (int c = 0; c < 3; c++)
    g_assert_cmpint (ABS (on_screen[c] - in_texture[c]), <=, 24);
}

/* Tests */

/* Empty, then one send: the request and the answer, with the answer's image. */
static void
test_send (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) thumbnails = NULL;
  g_autoptr(GdkPixbuf) answer = NULL;
  ChiaroThumbnail *thumbnail;
  ChiaroHistoryEntry *entry;

  found = rows (f);
  g_assert_cmpuint (found->len, ==, 0);
  g_assert_nonnull (find_shown_label (f->view, "Describe the Change You Want"));
  g_clear_pointer (&found, g_ptr_array_unref);
  screenshots (f, "empty");

  send = send_prompt (f, "Make the sky golden, keep the trees", &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (chiaro_send_get_entries (send), 0);

  found = rows (f);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpint (row_kind (found, 0), ==, CHIARO_MESSAGE_USER);
  g_assert_cmpint (row_kind (found, 1), ==, CHIARO_MESSAGE_MODEL);
  g_assert_true (chiaro_message_get_entry (chiaro_message_row_get_message (found->pdata[1])) ==
                 entry);
  g_assert_nonnull (find_shown_label (found->pdata[0], "Make the sky golden, keep the trees"));
  g_assert_null (find_shown_label (f->view, "Describe the Change You Want"));

  /* The answer's thumbnail shows the image the mock sent back. */
  wait_for_thumbnails (f);
  thumbnails = find_all (found->pdata[1], CHIARO_TYPE_THUMBNAIL);
  g_assert_cmpuint (thumbnails->len, ==, 1);
  thumbnail = g_ptr_array_index (thumbnails, 0);
  g_assert_cmpstr (chiaro_thumbnail_get_hash (thumbnail), ==,
                   chiaro_history_entry_get_image_hash (entry));
  g_assert_nonnull (chiaro_thumbnail_get_texture (thumbnail));
  /* Made at the size it is shown, give or take the rounding of covering it (the store's
   * thumbnail is 256 pixels on its long side). */
  g_assert_cmpint (MAX (gdk_texture_get_width (chiaro_thumbnail_get_texture (thumbnail)),
                        gdk_texture_get_height (chiaro_thumbnail_get_texture (thumbnail))), <=,
                   MAX (gtk_widget_get_width (GTK_WIDGET (thumbnail)),
                        gtk_widget_get_height (GTK_WIDGET (thumbnail))) *
                   gtk_widget_get_scale_factor (GTK_WIDGET (thumbnail)) + 2);
  answer = answer_image (f, 0);
  g_assert_cmpfloat (mean_difference (chiaro_thumbnail_get_texture (thumbnail), answer), <, 4.0);
  assert_thumbnail_drawn (f, thumbnail);

  screenshots (f, "turn");
}

/* Three variants: three thumbnails, the cursor's marked; a click picks another. */
static void
test_variants (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) buttons = NULL;
  g_autoptr(GPtrArray) thumbnails = NULL;
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(GPtrArray) variants = NULL;
  ChiaroHistory *history = chiaro_document_get_history (f->document);
  ChiaroHistoryEntry *second;
  GtkAdjustment *adjustment;

  chiaro_document_set_n_variants (f->document, 3);
  send = send_prompt (f, "Three moods of the same valley", &error);
  g_assert_no_error (error);
  variants = chiaro_history_dup_variants (history, chiaro_history_get_cursor (history));
  g_assert_cmpuint (variants->len, ==, 3);

  found = rows (f);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpint (row_kind (found, 1), ==, CHIARO_MESSAGE_MODEL);
  g_assert_nonnull (chiaro_test_find_label (found->pdata[0], "3 variants"));
  wait_for_thumbnails (f);
  thumbnails = find_all (found->pdata[1], CHIARO_TYPE_THUMBNAIL);
  g_assert_cmpuint (thumbnails->len, ==, 3);
  buttons = find_variants (found->pdata[1]);
  g_assert_cmpuint (buttons->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (gtk_widget_has_css_class (buttons->pdata[i], "chosen"), ==,
                     variants->pdata[i] == chiaro_history_get_cursor (history));
  screenshots (f, "variants");

  /* The second one: the cursor moves to it, and the new row marks it. */
  second = g_ptr_array_index (variants, 1);
  if (chiaro_history_get_cursor (history) == second)
    second = g_ptr_array_index (variants, 2);
  g_signal_emit_by_name (buttons->pdata[second == variants->pdata[1] ? 1 : 2], "clicked");
  g_assert_true (chiaro_history_get_cursor (history) == second);

  g_clear_pointer (&found, g_ptr_array_unref);
  g_clear_pointer (&buttons, g_ptr_array_unref);
  found = rows (f);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_true (chiaro_message_get_entry (chiaro_message_row_get_message (found->pdata[1])) ==
                 second);
  buttons = find_variants (found->pdata[1]);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (gtk_widget_has_css_class (buttons->pdata[i], "chosen"), ==,
                     variants->pdata[i] == second);
  wait_for_thumbnails (f);

  /* More turns: the panel is scrolled to its end. */
  chiaro_document_set_n_variants (f->document, 1);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&send);
      send = send_prompt (f, i == 0 ? "Now at night, with stars" : "A little warmer", &error);
      g_assert_no_error (error);
    }
  wait_for_thumbnails (f);
  screenshots (f, "scrolled");
  lists = find_all (f->view, GTK_TYPE_LIST_BOX);
  adjustment = gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (lists->pdata[0], GTK_TYPE_SCROLLED_WINDOW)));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >,
                     gtk_adjustment_get_page_size (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >=,
                     gtk_adjustment_get_upper (adjustment) -
                     gtk_adjustment_get_page_size (adjustment) - 1);
}

static gboolean
has_model_row (gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(GPtrArray) found = rows (f);

  return found->len == 2 && row_kind (found, 1) == CHIARO_MESSAGE_MODEL;
}

/* A refused prompt: the reason, the prompt, details; Retry brings the answer. */
static void
test_failure_and_retry (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) expanders = NULL;
  g_autofree char *reason = NULL;
  GtkWidget *row;

  chiaro_mock_server_push_scenario (f->gemini.mock, "prompt-blocked");
  g_assert_null (send_prompt (f, "Something the model refuses", &error));
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_PROMPT_BLOCKED);
  reason = g_strdup (error->message);

  found = rows (f);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (row_kind (found, 0), ==, CHIARO_MESSAGE_FAILED);
  row = found->pdata[0];
  g_assert_nonnull (find_shown_label (row, reason));
  g_assert_nonnull (find_shown_label (row, "Something the model refuses"));

  /* Details: what the server said. */
  expanders = find_all (row, GTK_TYPE_EXPANDER);
  g_assert_cmpuint (expanders->len, ==, 1);
  g_assert_true (is_shown (expanders->pdata[0]));
  gtk_expander_set_expanded (expanders->pdata[0], TRUE);
  screenshots (f, "failed");

  /* Edit Prompt puts it back in the prompt. */
  chiaro_document_set_prompt (f->document, "");
  g_assert_true (gtk_widget_activate_action (row, "chat.edit-prompt", NULL));
  g_assert_cmpstr (chiaro_document_get_prompt (f->document), ==, "Something the model refuses");

  /* Retry, the model now willing: the failed row makes way for the answer. */
  chiaro_mock_server_push_scenario (f->gemini.mock, "ok");
  g_assert_true (gtk_widget_activate_action (row, "chat.retry", NULL));
  g_assert_true (chiaro_test_wait_until (has_model_row, f, 60));
  g_clear_pointer (&found, g_ptr_array_unref);
  found = rows (f);
  g_assert_cmpint (row_kind (found, 0), ==, CHIARO_MESSAGE_USER);
  g_assert_nonnull (find_shown_label (found->pdata[0], "Something the model refuses"));
  g_assert_null (find_shown_label (f->view, reason));
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (f->document)),
                    ==, 2);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 2);
}

static void
on_view_error (ChiaroConversationView *view,
               const char             *message,
               char                  **said)
{
  g_free (*said);
  *said = g_strdup (message);
}

static gboolean
has_said (gpointer user_data)
{
  char **said = user_data;

  return *said != NULL;
}

/* A Retry refused before anything is sent (no service set up): the failed row stays, Retry
 * comes back, and the view says why; nothing reaches the server. */
static void
test_retry_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *said = NULL;
  GtkWidget *row;

  chiaro_mock_server_push_scenario (f->gemini.mock, "prompt-blocked");
  g_assert_null (send_prompt (f, "Keep this prompt", &error));
  found = rows (f);
  g_assert_cmpuint (found->len, ==, 1);
  row = found->pdata[0];

  g_signal_connect (f->view, "error", G_CALLBACK (on_view_error), &said);
  chiaro_document_set_provider (f->document, NULL, NULL);
  g_assert_true (gtk_widget_activate_action (row, "chat.retry", NULL));
  g_assert_true (chiaro_test_wait_until (has_said, &said, 30));
  g_assert_cmpstr (said, ==, "No image service is set up to send to");

  g_clear_pointer (&found, g_ptr_array_unref);
  found = rows (f);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (found->pdata[0] == row);
  g_assert_cmpint (row_kind (found, 0), ==, CHIARO_MESSAGE_FAILED);
  g_assert_nonnull (find_shown_label (row, "Keep this prompt"));
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (f->document)),
                    ==, 1);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 1);

  /* With the service back, the same row retries. */
  chiaro_document_set_provider (f->document, f->gemini.provider, "gemini");
  chiaro_mock_server_push_scenario (f->gemini.mock, "ok");
  g_assert_true (gtk_widget_activate_action (row, "chat.retry", NULL));
  g_assert_true (chiaro_test_wait_until (has_model_row, f, 60));
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (f->document)),
                    ==, 2);
}

/* An HTTP failure shows its status; Dismiss removes it. */
static void
test_dismiss (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) expanders = NULL;

  chiaro_mock_server_set_default_scenario (f->gemini.mock, "404");
  g_assert_null (send_prompt (f, "With a model that is gone", &error));
  g_assert_error (error, CHIARO_API_ERROR, CHIARO_API_ERROR_MODEL_NOT_FOUND);

  found = rows (f);
  g_assert_cmpuint (found->len, ==, 1);
  /* A collapsed expander keeps its child out of the widget tree. */
  expanders = find_all (found->pdata[0], GTK_TYPE_EXPANDER);
  gtk_expander_set_expanded (expanders->pdata[0], TRUE);
  g_assert_nonnull (chiaro_test_find_label (found->pdata[0], "HTTP status: 404"));
  g_assert_true (gtk_widget_activate_action (found->pdata[0], "chat.dismiss", NULL));
  g_clear_pointer (&found, g_ptr_array_unref);
  found = rows (f);
  g_assert_cmpuint (found->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (f->document)), ==, 0);
  g_assert_nonnull (find_shown_label (f->view, "Describe the Change You Want"));
}

static gboolean
is_waiting (gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(GPtrArray) found = rows (f);

  return found->len == 1 && row_kind (found, 0) == CHIARO_MESSAGE_PENDING &&
         chiaro_send_get_state (chiaro_message_get_send (
           chiaro_message_row_get_message (found->pdata[0]))) == CHIARO_SEND_WAITING;
}

/* A slow answer: a pending row with its state and Stop; Stop adds nothing. */
static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) bars = NULL;
  GtkWidget *row;

  chiaro_mock_server_set_delay_ms (f->gemini.mock, 30000);
  chiaro_document_set_prompt (f->document, "Take your time");
  chiaro_document_send_async (f->document, NULL, on_ready, &result);
  g_assert_true (chiaro_test_wait_until (is_waiting, f, 30));

  found = rows (f);
  row = found->pdata[0];
  g_assert_nonnull (find_shown_label (row, "Take your time"));
  g_assert_nonnull (find_shown_label (row, "Waiting for the model…"));
  bars = find_all (row, GTK_TYPE_PROGRESS_BAR);
  g_assert_cmpuint (bars->len, ==, 1);
  /* Nothing tells how far it is: the spinner shows it is working, no bar pulses. */
  g_assert_false (is_shown (bars->pdata[0]));
  screenshots (f, "pending");

  g_assert_true (gtk_widget_activate_action (row, "chat.stop", NULL));
  wait_for (&result);
  g_assert_null (chiaro_document_send_finish (f->document, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_clear_pointer (&found, g_ptr_array_unref);
  found = rows (f);
  g_assert_cmpuint (found->len, ==, 0);
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (f->document)),
                    ==, 1);
  g_assert_cmpstr (chiaro_document_get_prompt (f->document), ==, "Take your time");
  g_assert_nonnull (find_shown_label (f->view, "Describe the Change You Want"));
  chiaro_mock_server_set_delay_ms (f->gemini.mock, 0);
}

/* The message at @index of the document's messages (the path's, oldest first). */
static ChiaroMessage *
message_at (Fixture *f,
            guint    index)
{
  GListModel *messages = chiaro_document_get_messages (f->document);
  g_autoptr(ChiaroMessage) message = g_list_model_get_item (messages, index);

  g_assert_nonnull (message);
  return message;   /* the model holds it */
}

/* The rows show the messages [@first, @first + @n) of the document, in order. */
static void
assert_rows_show (Fixture *f,
                  guint    first,
                  guint    n)
{
  g_autoptr(GPtrArray) found = rows (f);

  g_assert_cmpuint (found->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_true (chiaro_message_row_get_message (found->pdata[i]) == message_at (f, first + i));
}

static GtkWidget *
find_earlier_button (Fixture *f)
{
  g_autoptr(GPtrArray) buttons = find_all (f->view, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), "Show Earlier Messages") == 0)
      return buttons->pdata[i];
  return NULL;
}

static GtkAdjustment *
conversation_adjustment (Fixture *f)
{
  g_autoptr(GPtrArray) scrollers = find_all (f->view, GTK_TYPE_SCROLLED_WINDOW);

  /* The first shown, in tree order, is the panel's (the empty page's is hidden); rows have
   * their own inside. */
  for (guint i = 0; i < scrollers->len; i++)
    if (is_shown (scrollers->pdata[i]))
      return gtk_scrolled_window_get_vadjustment (scrollers->pdata[i]);
  g_assert_not_reached ();
}

static void
assert_at_end (Fixture *f)
{
  GtkAdjustment *adjustment = conversation_adjustment (f);

  /* More than a page of rows. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >,
                     2 * gtk_adjustment_get_page_size (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >=,
                     gtk_adjustment_get_upper (adjustment) -
                     gtk_adjustment_get_page_size (adjustment) - 1);
}

typedef struct
{
  Fixture *f;
  guint n_rows;
} RowCount;

static gboolean
has_rows (gpointer user_data)
{
  RowCount *count = user_data;
  g_autoptr(GPtrArray) found = rows (count->f);

  return found->len == count->n_rows;
}

/* Activates the focused @button as the keyboard does (its "clicked" comes after a short
 * animation) and waits for the panel to show @n_rows rows, laid out (the anchored view is
 * scrolled when the new rows have their size, then laid out again). */
static void
activate_for_rows (Fixture   *f,
                   GtkWidget *button,
                   guint      n_rows)
{
  RowCount count = { f, n_rows };

  g_assert_true (gtk_widget_has_focus (button));
  g_assert_true (gtk_widget_activate (button));
  g_assert_true (chiaro_test_wait_until (has_rows, &count, 10));
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  g_assert_true (chiaro_test_wait_for_paint (f->window));
}

static double
window_y (Fixture   *f,
          GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, f->window, &bounds));
  return bounds.origin.y;
}

/* A project of 50 edits (100 messages): the last 40 shown and a button for the others,
 * which follow a send and an undo; the button brings 40 more above, then the rest, while
 * the rows the reader looked at stay where they were. */
static void
test_earlier (Fixture       *f,
              gconstpointer  data)
{
  GListModel *messages = chiaro_document_get_messages (f->document);
  g_autoptr(ChiaroSend) send = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  GtkAdjustment *adjustment;
  GtkWidget *button, *first;
  double y;

  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2 * LONG_EDITS);
  wait_for_thumbnails (f);
  assert_rows_show (f, 2 * LONG_EDITS - PAGE, PAGE);
  button = find_earlier_button (f);
  g_assert_nonnull (button);
  g_assert_true (is_shown (button));
  g_assert_true (gtk_widget_get_focusable (button) || gtk_widget_get_can_focus (button));
  assert_at_end (f);
  before = rows (f);
  g_assert_cmpint (row_kind (before, PAGE - 1), ==, CHIARO_MESSAGE_MODEL);

  /* A send: its turn comes in at the bottom, the first two shown leave at the top, and the
   * rows in between stay the same widgets. */
  send = send_prompt (f, "Brighter, please", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2 * LONG_EDITS + 2);
  assert_rows_show (f, 2 * LONG_EDITS + 2 - PAGE, PAGE);
  after = rows (f);
  /* (While the answer lands, the new turn and the pending send are both on the path for a
   * moment: the window slides one further, and its first row comes back as a new one.) */
  for (guint i = 3; i < PAGE; i++)
    g_assert_true (after->pdata[i - 2] == before->pdata[i]);
  g_assert_nonnull (find_shown_label (after->pdata[PAGE - 2], "Brighter, please"));
  wait_for_thumbnails (f);
  assert_at_end (f);
  g_clear_pointer (&before, g_ptr_array_unref);
  before = g_steal_pointer (&after);

  /* Undo: the window slides back, the earlier turn shown again at the top; the rows of the
   * turns before the undone one stay. */
  g_assert_true (chiaro_history_undo (chiaro_document_get_history (f->document)));
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2 * LONG_EDITS);
  assert_rows_show (f, 2 * LONG_EDITS - PAGE, PAGE);
  after = rows (f);
  for (guint i = 2; i < PAGE; i++)
    g_assert_true (after->pdata[i] == before->pdata[i - 2]);
  g_assert_true (is_shown (button));
  wait_for_thumbnails (f);

  /* At the top, the button brings 40 more above the first row, which stays in place. */
  adjustment = conversation_adjustment (f);
  gtk_adjustment_set_value (adjustment, 0);
  screenshots (f, "earlier");
  gtk_widget_grab_focus (button);
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  first = after->pdata[0];
  y = window_y (f, first);
  activate_for_rows (f, button, 2 * PAGE);
  assert_rows_show (f, 2 * LONG_EDITS - 2 * PAGE, 2 * PAGE);
  g_assert_cmpfloat (ABS (window_y (f, first) - y), <=, 1.0);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
  g_assert_true (is_shown (button));
  wait_for_thumbnails (f);
  g_assert_cmpfloat (ABS (window_y (f, first) - y), <=, 1.0);

  /* Again: the last 20, and nothing is left to show. The focus leaves the hidden button
   * for the conversation. */
  gtk_adjustment_set_value (adjustment, 0);
  gtk_widget_grab_focus (button);
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  activate_for_rows (f, button, 2 * LONG_EDITS);
  assert_rows_show (f, 0, 2 * LONG_EDITS);
  g_assert_false (is_shown (button));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), f->view));

  /* Everything shown: a send still scrolls to its turn at the end. */
  g_clear_object (&send);
  send = send_prompt (f, "Cooler, please", &error);
  g_assert_no_error (error);
  assert_rows_show (f, 0, 2 * LONG_EDITS + 2);
  wait_for_thumbnails (f);
  assert_at_end (f);
}

/* Packs */

static ChiaroPackView *
only_pack_view (Fixture *f)
{
  g_autoptr(GPtrArray) found = rows (f);
  g_autoptr(GPtrArray) views = find_all (f->view, CHIARO_TYPE_PACK_VIEW);

  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (row_kind (found, 0), ==, CHIARO_MESSAGE_PACK);
  g_assert_cmpuint (views->len, ==, 1);
  g_assert_true (gtk_widget_is_ancestor (views->pdata[0], found->pdata[0]));
  return views->pdata[0];
}

static ChiaroMessage *
item_message (GtkWidget *item)
{
  return g_object_get_data (G_OBJECT (item), "chiaro-message");
}

static const char *
item_ratio (GtkWidget *item)
{
  return chiaro_generation_options_get_aspect_ratio (
    chiaro_message_get_turn (item_message (item))->options);
}

/* The first widget under @root with @css_class that is shown, or NULL. */
static GtkWidget *
find_shown_css (GtkWidget  *root,
                const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class) && is_shown (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_shown_css (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* "done done failed …": each item's state, in order, and each in the ratio order. */
static char *
describe_items (ChiaroPackView *view)
{
  const char * const *ratios = chiaro_pack_get_default_ratios ();
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_items = chiaro_pack_view_get_n_items (view);

  for (guint i = 0; i < n_items; i++)
    {
      GtkWidget *item = chiaro_pack_view_get_item (view, i);
      const char *state = gtk_widget_has_css_class (item, "done") ? "done"
                          : gtk_widget_has_css_class (item, "pending") ? "pending"
                          : gtk_widget_has_css_class (item, "failed") ? "failed" : "?";

      g_assert_true (is_shown (item));
      g_assert_cmpstr (item_ratio (item), ==, ratios[i]);
      g_assert_nonnull (find_shown_label (item, ratios[i]));
      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", state);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
pack_has_n_done (gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(GPtrArray) views = find_all (f->view, CHIARO_TYPE_PACK_VIEW);
  g_autofree char *expected = g_strdup_printf ("%u of 5 done",
                                               GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f->view),
                                                                                    "n-done")));

  return views->len == 1 &&
         g_str_has_prefix (chiaro_pack_view_get_progress_text (views->pdata[0]), expected);
}

static void
wait_n_done (Fixture *f,
             guint    n_done)
{
  g_object_set_data (G_OBJECT (f->view), "n-done", GUINT_TO_POINTER (n_done));
  g_assert_true (chiaro_test_wait_until (pack_has_n_done, f, 60));
}

/* Whether @model (or a section or submenu of it) has @action with @target. */
static gboolean
menu_has (GMenuModel *model,
          const char *action,
          GVariant   *target)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (target);

  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);
      g_autoptr(GVariant) value = NULL;
      g_autofree char *name = NULL;

      if ((section != NULL && menu_has (section, action, g_variant_ref (owned))) ||
          (submenu != NULL && menu_has (submenu, action, g_variant_ref (owned))))
        return TRUE;
      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name);
      value = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, NULL);
      if (g_strcmp0 (name, action) == 0 && value != NULL && g_variant_equal (value, owned))
        return TRUE;
    }
  return FALSE;
}

static void
send_pack_async (Fixture       *f,
                 const char    *prompt,
                 GAsyncResult **result)
{
  chiaro_document_set_prompt (f->document, prompt);
  chiaro_document_send_pack_async (f->document, chiaro_pack_get_default_ratios (), "1K", 1, NULL,
                                   on_ready, result);
}

/* A pack of five is one row: the prompt once, five ratio items in flight, then four images
 * and the one the model refused, with its reason; a click on an image moves the cursor to
 * it; each image has the entry menu; Retry sends that ratio alone; reopened, the pack is
 * still one row. */
static void
test_pack (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *states = NULL;
  g_autofree char *failed_ratio = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *sent_ratio = NULL;
  ChiaroHistory *history = chiaro_document_get_history (f->document);
  ChiaroPackView *view;
  GtkWidget *failed_item = NULL;
  GtkWidget *target_item = NULL;
  GtkWidget *button;
  GtkWidget *menu_button;
  ChiaroHistoryEntry *target;
  guint n_items;

  chiaro_mock_server_clear_requests (f->gemini.mock);
  chiaro_mock_server_set_delay_ms (f->gemini.mock, 600);
  chiaro_mock_server_push_scenario (f->gemini.mock, "image-safety");
  send_pack_async (f, "Summer sale banner", &result);

  /* In flight: one row, five pending items in the ratio order, Stop All. */
  view = only_pack_view (f);
  g_assert_cmpuint (chiaro_pack_view_get_n_items (view), ==, 5);
  states = describe_items (view);
  g_assert_cmpstr (states, ==, "pending pending pending pending pending");
  g_clear_pointer (&states, g_free);
  g_assert_cmpstr (chiaro_pack_view_get_progress_text (view), ==, "0 of 5 done");
  g_assert_nonnull (find_shown_label (GTK_WIDGET (view), "Social Pack · 5 Sizes"));
  g_assert_nonnull (find_shown_label (f->view, "Summer sale banner"));
  g_assert_nonnull (find_shown_css (GTK_WIDGET (view), "pack-stop"));
  g_assert_null (find_shown_css (GTK_WIDGET (view), "pack-retry"));
  screenshots (f, "pack-sending");

  wait_for (&result);
  sends = chiaro_document_send_pack_finish (f->document, result, &error);
  g_assert_no_error (error);
  chiaro_mock_server_set_delay_ms (f->gemini.mock, 0);
  for (guint i = 0; i < 5; i++)
    {
      ChiaroMockRequest *request = chiaro_mock_server_get_request (f->gemini.mock, i);

      if (g_strcmp0 (request->scenario, "image-safety") == 0)
        failed_ratio = g_strdup (json_node_get_string (
          chiaro_test_json_get_path (request->json, "generationConfig.imageConfig.aspectRatio")));
    }
  g_assert_nonnull (failed_ratio);

  /* Four images and the refused ratio, that item only. */
  wait_n_done (f, 4);
  wait_for_thumbnails (f);
  view = only_pack_view (f);
  g_assert_cmpstr (chiaro_pack_view_get_progress_text (view), ==, "4 of 5 done · 1 failed");
  g_assert_null (find_shown_css (GTK_WIDGET (view), "pack-stop"));
  n_items = chiaro_pack_view_get_n_items (view);
  g_assert_cmpuint (n_items, ==, 5);
  for (guint i = 0; i < n_items; i++)
    {
      GtkWidget *item = chiaro_pack_view_get_item (view, i);
      ChiaroMessage *message = item_message (item);

      if (g_str_equal (item_ratio (item), failed_ratio))
        {
          failed_item = item;
          g_assert_true (gtk_widget_has_css_class (item, "failed"));
          g_assert_cmpint (chiaro_message_get_kind (message), ==, CHIARO_MESSAGE_FAILED);
          reason = g_strdup (chiaro_send_get_error (chiaro_message_get_send (message))->message);
          g_assert_nonnull (find_shown_label (item, reason));
          g_assert_cmpstr (gtk_widget_get_tooltip_text (item), ==, reason);
          g_assert_nonnull (find_shown_css (item, "pack-retry"));
          g_assert_null (find_shown_css (item, "pack-image"));
          continue;
        }
      g_assert_true (gtk_widget_has_css_class (item, "done"));
      g_assert_null (find_shown_css (item, "pack-retry"));
      button = find_shown_css (item, "pack-image");
      g_assert_nonnull (button);
      /* Its image is the entry's, drawn. */
      {
        g_autoptr(GPtrArray) thumbnails = find_all (button, CHIARO_TYPE_THUMBNAIL);

        g_assert_cmpuint (thumbnails->len, ==, 1);
        g_assert_cmpstr (chiaro_thumbnail_get_hash (thumbnails->pdata[0]), ==,
                         chiaro_history_entry_get_image_hash (chiaro_message_get_entry (message)));
        assert_thumbnail_drawn (f, thumbnails->pdata[0]);
      }
      g_assert_cmpint (gtk_widget_has_css_class (button, "chosen"), ==,
                       chiaro_message_get_entry (message) == chiaro_history_get_cursor (history));
      if (chiaro_message_get_entry (message) != chiaro_history_get_cursor (history))
        target_item = item;
    }
  g_assert_nonnull (failed_item);
  g_assert_nonnull (target_item);
  screenshots (f, "pack-failed");

  /* Each image's menu: Render Final At and Save Prompt as Preset for that entry. */
  target = chiaro_message_get_entry (item_message (target_item));
  menu_button = find_shown_css (target_item, "pack-item-menu");
  g_assert_nonnull (menu_button);
  g_assert_true (menu_has (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)),
                           "win.render-final",
                           g_variant_new ("(ss)", chiaro_history_entry_get_id (target), "2K")));
  g_assert_true (menu_has (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)),
                           "win.save-turn-preset",
                           g_variant_new_string (chiaro_history_entry_get_id (target))));

  /* A click on another ratio's image moves the cursor there; the row marks it. */
  g_signal_emit_by_name (find_shown_css (target_item, "pack-image"), "clicked");
  g_assert_true (chiaro_history_get_cursor (history) == target);
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  view = only_pack_view (f);
  for (guint i = 0; i < chiaro_pack_view_get_n_items (view); i++)
    {
      GtkWidget *item = chiaro_pack_view_get_item (view, i);
      GtkWidget *image = find_shown_css (item, "pack-image");

      if (image != NULL)
        g_assert_cmpint (gtk_widget_has_css_class (image, "chosen"), ==,
                         chiaro_message_get_entry (item_message (item)) == target);
    }

  /* Retry: that ratio alone is sent again; the pack is whole. */
  chiaro_mock_server_clear_requests (f->gemini.mock);
  for (guint i = 0; i < chiaro_pack_view_get_n_items (view); i++)
    if (gtk_widget_has_css_class (chiaro_pack_view_get_item (view, i), "failed"))
      failed_item = chiaro_pack_view_get_item (view, i);
  g_signal_emit_by_name (find_shown_css (failed_item, "pack-retry"), "clicked");
  wait_n_done (f, 5);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 1);
  sent_ratio = g_strdup (json_node_get_string (
    chiaro_test_json_get_path (chiaro_mock_server_get_request (f->gemini.mock, 0)->json,
                               "generationConfig.imageConfig.aspectRatio")));
  g_assert_cmpstr (sent_ratio, ==, failed_ratio);
  wait_for_thumbnails (f);
  view = only_pack_view (f);
  states = describe_items (view);
  g_assert_cmpstr (states, ==, "done done done done done");
  g_clear_pointer (&states, g_free);
  g_assert_null (find_shown_label (f->view, reason));
  g_assert_true (chiaro_history_get_cursor (history) == target);
  screenshots (f, "pack");

  /* Saved and reopened: still one pack row, with its five images. */
  {
    g_autoptr(GAsyncResult) closed = NULL;
    g_autoptr(GFile) dir = g_object_ref (chiaro_document_get_dir (f->document));
    g_autofree char *target_id = g_strdup (chiaro_history_entry_get_id (target));

    chiaro_conversation_view_set_document (CHIARO_CONVERSATION_VIEW (f->view), NULL);
    chiaro_document_close_async (f->document, NULL, on_ready, &closed);
    wait_for (&closed);
    g_assert_true (chiaro_document_close_finish (f->document, closed, &error));
    g_assert_no_error (error);
    g_clear_object (&f->document);

    f->document = chiaro_test_open_document (dir, CHIARO_DOCUMENT_OPEN_NONE, f->gemini.catalog,
                                             &error);
    g_assert_no_error (error);
    chiaro_document_set_autosave_delay (f->document, 60000);
    f->document_refs = G_OBJECT (f->document)->ref_count;
    chiaro_conversation_view_set_document (CHIARO_CONVERSATION_VIEW (f->view), f->document);
    wait_for_thumbnails (f);

    view = only_pack_view (f);
    states = describe_items (view);
    g_assert_cmpstr (states, ==, "done done done done done");
    g_assert_cmpstr (chiaro_pack_view_get_progress_text (view), ==, "5 of 5 done");
    g_assert_cmpstr (chiaro_history_entry_get_id (
                       chiaro_history_get_cursor (chiaro_document_get_history (f->document))),
                     ==, target_id);
  }
}

/* Stop All stops every ratio in flight: nothing is added, the row goes, the prompt is back. */
static void
test_pack_stop (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroPackView *view;

  chiaro_mock_server_set_delay_ms (f->gemini.mock, 5000);
  send_pack_async (f, "Stop this pack", &result);
  view = only_pack_view (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "pack.stop", NULL));
  wait_for (&result);
  g_assert_null (chiaro_document_send_pack_finish (f->document, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  chiaro_mock_server_set_delay_ms (f->gemini.mock, 0);

  found = rows (f);
  g_assert_cmpuint (found->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (f->document)), ==, 0);
  g_assert_cmpuint (chiaro_history_get_n_entries (chiaro_document_get_history (f->document)),
                    ==, 1);
  g_assert_cmpstr (chiaro_document_get_prompt (f->document), ==, "Stop this pack");
}

static GtkWidget *
failed_pack_item (ChiaroPackView *view)
{
  for (guint i = 0; i < chiaro_pack_view_get_n_items (view); i++)
    if (gtk_widget_has_css_class (chiaro_pack_view_get_item (view, i), "failed"))
      return chiaro_pack_view_get_item (view, i);
  return NULL;
}

/* A ratio's Retry refused before anything is sent (no service set up): the view says why,
 * the ratio stays failed and its Retry can be pressed again, which then sends it. */
static void
test_pack_retry_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  ChiaroPackView *view;
  GtkWidget *retry;

  chiaro_mock_server_push_scenario (f->gemini.mock, "image-safety");
  send_pack_async (f, "Autumn sale banner", &result);
  wait_for (&result);
  sends = chiaro_document_send_pack_finish (f->document, result, &error);
  g_assert_no_error (error);
  wait_n_done (f, 4);
  view = only_pack_view (f);
  retry = find_shown_css (failed_pack_item (view), "pack-retry");
  g_assert_nonnull (retry);
  g_assert_true (gtk_widget_get_sensitive (retry));

  g_signal_connect (f->view, "error", G_CALLBACK (on_view_error), &said);
  chiaro_document_set_provider (f->document, NULL, NULL);
  g_signal_emit_by_name (retry, "clicked");
  g_assert_true (chiaro_test_wait_until (has_said, &said, 30));
  g_assert_cmpstr (said, ==, "No image service is set up to send to");
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 5);

  /* Still the same failed ratio, and its Retry works again. */
  view = only_pack_view (f);
  g_assert_cmpstr (chiaro_pack_view_get_progress_text (view), ==, "4 of 5 done · 1 failed");
  retry = find_shown_css (failed_pack_item (view), "pack-retry");
  g_assert_nonnull (retry);
  g_assert_true (gtk_widget_get_sensitive (retry));

  chiaro_document_set_provider (f->document, f->gemini.provider, "gemini");
  g_signal_emit_by_name (retry, "clicked");
  wait_n_done (f, 5);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 6);
}

/* A ratio that failed can be dismissed: it leaves the pack, nothing is sent. */
static void
test_pack_dismiss (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) sends = NULL;
  g_autoptr(GError) error = NULL;
  ChiaroPackView *view;
  GtkWidget *dismiss;

  chiaro_mock_server_push_scenario (f->gemini.mock, "image-safety");
  send_pack_async (f, "Winter sale banner", &result);
  wait_for (&result);
  sends = chiaro_document_send_pack_finish (f->document, result, &error);
  g_assert_no_error (error);
  wait_n_done (f, 4);
  view = only_pack_view (f);
  g_assert_cmpuint (chiaro_pack_view_get_n_items (view), ==, 5);
  dismiss = find_shown_css (failed_pack_item (view), "pack-dismiss");
  g_assert_nonnull (dismiss);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (dismiss), ==, "Dismiss");

  g_signal_emit_by_name (dismiss, "clicked");
  g_assert_true (chiaro_test_wait_for_paint (f->window));
  view = only_pack_view (f);
  g_assert_cmpuint (chiaro_pack_view_get_n_items (view), ==, 4);
  g_assert_null (failed_pack_item (view));
  g_assert_cmpstr (chiaro_pack_view_get_progress_text (view), ==, "4 of 4 done");
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, 5);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!(application = chiaro_test_create_application ()))
    return 0;

#define ADD(path, func) \
  g_test_add ("/chiaro/ui/conversation/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
#define ADD_LONG(path, func) \
  g_test_add ("/chiaro/ui/conversation/" path, Fixture, GUINT_TO_POINTER (LONG_EDITS), \
              fixture_set_up, func, fixture_tear_down)
  ADD ("send", test_send);
  ADD ("variants", test_variants);
  ADD ("failure-and-retry", test_failure_and_retry);
  ADD ("retry-refused", test_retry_refused);
  ADD ("dismiss", test_dismiss);
  ADD ("stop", test_stop);
  ADD ("pack", test_pack);
  ADD ("pack-stop", test_pack_stop);
  ADD ("pack-retry-refused", test_pack_retry_refused);
  ADD ("pack-dismiss", test_pack_dismiss);
  ADD_LONG ("earlier", test_earlier);
#undef ADD
#undef ADD_LONG

  status = g_test_run ();

  g_clear_object (&application);
  return status;
}
