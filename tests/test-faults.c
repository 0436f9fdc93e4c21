/* test-faults.c — every server fault, end to end through a document
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One case per row of the table below. Each opens a project folder, sends one prompt through
 * the real provider (Gemini, or OpenAI-compatible where the row says so) to the in-process
 * mock, whose scenario is the fault, and checks what the user would see and what is left:
 * the error's domain, code, reason and exact message; how many requests the mock received
 * (retries only where allowed) and the waits between them on the recording clock; the
 * history, the cursor and the files in images/ unchanged after a failure; the prompt back in
 * the field and kept by the failed send; and for the huge answers, the growth of the
 * process's peak memory. Successful rows check the entries and the files they added.
 */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "chiaro-api-error.h"
#include "chiaro-document.h"
#include "chiaro-http-client.h"
#include "chiaro-image-store.h"
#include "chiaro-openai-provider.h"
#include "chiaro-test-document.h"
#include "chiaro-test-util.h"

#define KEY "faults-test-key-0123456789"
#define MAX_ATTEMPTS 3
#define MIB (1024 * 1024)
/* AddressSanitizer keeps freed blocks in its quarantine (256 MB by default) before reusing
 * them, so the peak grows by up to that much more in the ASan+UBSan run. */
#ifdef __SANITIZE_ADDRESS__
#define ALLOCATOR_SLACK (256 * MIB)
#else
#define ALLOCATOR_SLACK 0
#endif

typedef enum
{
  FAULT_GEMINI = 0,
  FAULT_OPENAI = 1 << 0,   /* through the OpenAI-compatible provider (OpenRouter's route) */
  FAULT_QUEUED = 1 << 1,   /* the scenario is queued for the first request only */
  FAULT_TIMEOUT = 1 << 2,  /* the client's per-attempt timeout is 1 s */
  FAULT_HUGE = 1 << 3,     /* measure the peak memory */
  FAULT_SLOW = 1 << 4,     /* the answer takes about a second to trickle in */
  FAULT_REDIRECTED = 1 << 5, /* one more request than attempts: a redirect followed */
} FaultFlags;

typedef struct
{
  const char     *name;       /* the case: /chiaro/faults/NAME */
  const char     *scenario;   /* the mock's scenario */
  FaultFlags      flags;
  ChiaroApiError  code;       /* for failures */
  const char     *reason;     /* (nullable) the error's reason; NULL: not checked */
  const char     *message;    /* the exact message of a failure; NULL for a success */
  guint           attempts;   /* requests the mock receives (max attempts 3) */
  guint           delays[2];  /* the waits before attempts 2 and 3, in ms (0: none) */
  guint           n_files;    /* success: image files added to images/ */
  const char     *mime_type;  /* success: the new entry's type */
  guint           n_entries;  /* success: entries added, one per final image (0: one) */
} Fault;

#define FAIL(code) CHIARO_API_ERROR_##code

static const char PROMPT[] = "A lighthouse on a cliff at dawn";

#define RATE_LIMITED_MESSAGE "Too many requests in a short time. Wait a minute and try again."

static const Fault faults[] = {
  /* HTTP error envelopes (REFERENCE §6): 4xx never retried. */
  { "400-invalid-argument", "400-invalid-argument", 0, FAIL (INVALID_REQUEST), "INVALID_ARGUMENT",
    "The server did not accept the request. Check the model, the options and the references, "
    "then try again.", 1 },
  { "400-api-key-invalid", "400-api-key-invalid", 0, FAIL (UNAUTHORIZED), "API_KEY_INVALID",
    "The API key is not valid. Check the key in Preferences.", 1 },
  { "400-failed-precondition", "400-failed-precondition", 0, FAIL (LOCATION_UNSUPPORTED),
    "FAILED_PRECONDITION", "The Gemini API is not available to this account here: the region "
    "is not supported or billing is not enabled.", 1 },
  { "401", "401", 0, FAIL (UNAUTHORIZED), "ACCESS_TOKEN_TYPE_UNSUPPORTED",
    "The API key was not accepted. Check the key in Preferences.", 1 },
  { "403", "403", 0, FAIL (PERMISSION_DENIED), "CONSUMER_SUSPENDED",
    "This API key has been suspended. Create a new key in Google AI Studio.", 1 },
  { "404", "404", 0, FAIL (MODEL_NOT_FOUND), "NOT_FOUND",
    "The model gemini-2.5-flash-image is not available. Check its name or choose another "
    "model.", 1 },
  /* 429: retried with the server's delay, else backoff; a daily quota is not retried. */
  { "429-retry-info", "429", 0, FAIL (RATE_LIMITED), "RESOURCE_EXHAUSTED",
    RATE_LIMITED_MESSAGE, 3,
    { 3000, 3000 } },
  { "429-no-retry-info", "429-no-retryinfo", 0, FAIL (RATE_LIMITED), "RESOURCE_EXHAUSTED",
    RATE_LIMITED_MESSAGE, 3, { 1000, 2000 } },
  { "429-retry-after", "429-retry-after", 0, FAIL (RATE_LIMITED), "RESOURCE_EXHAUSTED",
    RATE_LIMITED_MESSAGE, 3,
    { 2000, 2000 } },
  { "429-per-day", "429-per-day", 0, FAIL (QUOTA_EXHAUSTED), NULL,
    "The daily quota for this model is used up. Try again tomorrow, or use a key with a higher "
    "quota.", 1 },
  /* 5xx: retried up to the limit. */
  { "500", "500", 0, FAIL (SERVER), "INTERNAL",
    "The server ran into a problem (error 500). Try again later.", 3, { 1000, 2000 } },
  { "502-proxy-page", "502", 0, FAIL (SERVER), NULL,
    "The server ran into a problem (error 502). Try again later.", 3, { 1000, 2000 } },
  { "503", "503", 0, FAIL (UNAVAILABLE), "UNAVAILABLE",
    "The model is overloaded right now. Try again in a few minutes.", 3, { 1000, 2000 } },
  { "504", "504", 0, FAIL (TIMEOUT), "DEADLINE_EXCEEDED",
    "The server took too long to answer. Try again.", 3, { 1000, 2000 } },
  { "503-then-ok", "503x2", 0, 0, NULL, NULL, 3, { 1000, 2000 }, 1, "image/png" },
  { "429-then-ok", "429", FAULT_QUEUED, 0, NULL, NULL, 2, { 3000 }, 1, "image/png" },
  /* Blocked prompt and every finish reason: each its own message, none retried. */
  { "prompt-blocked", "prompt-blocked", 0, FAIL (PROMPT_BLOCKED), "SAFETY",
    "The prompt was blocked (safety). Rephrase it and try again.", 1 },
  { "image-safety", "image-safety", 0, FAIL (IMAGE_SAFETY), "IMAGE_SAFETY",
    "The model declined to draw this (image safety). Try rewording the prompt or using a "
    "different reference.", 1 },
  { "image-prohibited-content", "image-prohibited", 0, FAIL (IMAGE_SAFETY),
    "IMAGE_PROHIBITED_CONTENT",
    "The model declined to draw this (prohibited content). Try rewording the prompt or using a "
    "different reference.", 1 },
  { "image-recitation", "image-recitation", 0, FAIL (RECITATION), "IMAGE_RECITATION",
    "The model withheld the image because it was too close to existing images. Try a more "
    "original description.", 1 },
  { "no-image", "no-image", 0, FAIL (NO_IMAGE), "NO_IMAGE",
    "The model did not produce an image this time. Try again, or ask for the image more "
    "explicitly.", 1 },
  { "image-other", "image-other", 0, FAIL (MODEL_FAILED), "IMAGE_OTHER",
    "The model could not finish the image for this prompt. Try again, or change the prompt.", 1 },
  { "safety", "safety", 0, FAIL (REFUSED), "SAFETY",
    "The model refused this request (safety). Rephrase the prompt and try again.", 1 },
  { "recitation", "recitation", 0, FAIL (RECITATION), "RECITATION",
    "The model withheld the result because it was too close to existing material. Try a more "
    "original description.", 1 },
  { "prohibited-content", "prohibited-content", 0, FAIL (REFUSED), "PROHIBITED_CONTENT",
    "The model refused this request (prohibited content). Rephrase the prompt and try again.",
    1 },
  { "other", "other", 0, FAIL (MODEL_FAILED), "OTHER",
    "The model could not finish the image. Try again.", 1 },
  { "malformed-response", "malformed-response", 0, FAIL (MODEL_FAILED), "MALFORMED_RESPONSE",
    "The model’s answer was malformed, so it could not finish the image. Try again.", 1 },
  { "max-tokens", "max-tokens", 0, FAIL (MAX_TOKENS), "MAX_TOKENS",
    "The model ran out of room before the image was finished. Try a simpler request.", 1 },
  { "missing-thought-signature", "missing-thought-signature", 0, FAIL (MISSING_SIGNATURE),
    "MISSING_THOUGHT_SIGNATURE", "The model could not continue this conversation because "
    "earlier turns lack data it needs. Start a new conversation from the current image.", 1 },
  /* Answers without a usable image. */
  { "text-only", "text-only", 0, FAIL (NO_IMAGE), "STOP",
    "The model replied with text instead of an image: “I can describe it instead: A lighthouse "
    "on a cliff at dawn — a calm scene in soft light.”", 1 },
  { "parts-absent", "parts-absent", 0, FAIL (NO_IMAGE), "STOP",
    "The model sent no image. Try again.", 1 },
  { "parts-null", "parts-null", 0, FAIL (NO_IMAGE), "STOP",
    "The model sent no image. Try again.", 1 },
  { "thought-images-only", "thoughts-only", 0, FAIL (NO_IMAGE), "STOP",
    "The model sent only draft images and no final one. Try again.", 1 },
  { "invalid-base64", "invalid-base64", 0, FAIL (BAD_RESPONSE), NULL,
    "The model sent an image Chiaro cannot read. Try again.", 1 },
  { "base64-of-text", "not-an-image", 0, FAIL (BAD_RESPONSE), NULL,
    "The model sent an image Chiaro cannot read. Try again.", 1 },
  { "empty-image-data", "zero-size-image", 0, FAIL (BAD_RESPONSE), NULL,
    "The model sent an image Chiaro cannot read. Try again.", 1 },
  { "image-0x0", "zero-dimensions", 0, FAIL (BAD_RESPONSE), "BAD_IMAGE",
    "The model sent an image that cannot be opened. Try again.", 1 },
  { "image-50000x1", "wide-image", 0, FAIL (BAD_RESPONSE), "BAD_IMAGE",
    "The model sent an image too large to open. Try again, or choose a smaller size.", 1 },
  { "image-50000x50000", "huge-dimensions", 0, FAIL (BAD_RESPONSE), "BAD_IMAGE",
    "The model sent an image too large to open. Try again, or choose a smaller size.", 1 },
  /* Bodies that are no answer. */
  { "html-200", "html-200", 0, FAIL (BAD_RESPONSE), NULL,
    "The server sent a web page instead of an answer. A proxy, firewall or sign-in page may be "
    "in the way.", 1 },
  { "empty-body", "empty-body", 0, FAIL (BAD_RESPONSE), NULL,
    "The server sent an empty answer. Try again.", 1 },
  { "truncated-body", "truncated-json", 0, FAIL (BAD_RESPONSE), NULL,
    "The answer from the server was cut off or is not valid JSON. Try again.", 1 },
  { "huge-body", "huge-body", FAULT_HUGE, FAIL (BAD_RESPONSE), "TOO_LARGE",
    "The server’s answer is too large: more than 134.2\u00a0MB.", 1 },
  { "huge-body-with-length", "huge-body-length", FAULT_HUGE, FAIL (BAD_RESPONSE), "TOO_LARGE",
    "The server’s answer is too large: more than 134.2\u00a0MB.", 1 },
  /* The connection. */
  { "reset-mid-body", "reset", 0, FAIL (NETWORK), NULL,
    "The connection was lost while the answer was arriving.", 3, { 1000, 2000 } },
  { "never-answers", "stall", FAULT_TIMEOUT, FAIL (TIMEOUT), NULL,
    "The server did not answer within 1 second.", 3, { 1000, 2000 } },
  { "redirect-elsewhere", "redirect-elsewhere", 0, FAIL (INSECURE_ENDPOINT), "REDIRECT",
    "The server sent the request on to another server (localhost). Chiaro did not follow, so "
    "the API key was not sent there. Check the server address in Preferences.", 1 },
  { "slow-trickle", "slow", FAULT_SLOW, 0, NULL, NULL, 1, { 0 }, 1, "image/png" },
  { "redirect-same-origin", "redirect", FAULT_QUEUED | FAULT_REDIRECTED, 0, NULL, NULL, 1, { 0 },
    1, "image/png" },
  /* Odd answers that still hold an image. */
  { "wrong-content-type", "wrong-content-type", 0, 0, NULL, NULL, 1, { 0 }, 1, "image/png" },
  { "jpeg-labelled-png", "jpeg-labelled-png", 0, 0, NULL, NULL, 1, { 0 }, 1, "image/jpeg" },
  { "several-images", "multi-image", 0, 0, NULL, NULL, 1, { 0 }, 2, "image/png", 2 },
  { "several-images-one-too-large", "multi-image-bad", 0, FAIL (BAD_RESPONSE), "BAD_IMAGE",
    "The model sent an image too large to open. Try again, or choose a smaller size.", 1 },
  { "thought-image-then-final", "thought-image", 0, 0, NULL, NULL, 1, { 0 }, 2, "image/png" },
  /* OpenAI-compatible shapes, the image in each place it may be. */
  { "openai-images-member", "ok", FAULT_OPENAI, 0, NULL, NULL, 1, { 0 }, 1, "image/png" },
  { "openai-image-field", "openai-image-field", FAULT_OPENAI, 0, NULL, NULL, 1, { 0 }, 1,
    "image/png" },
  { "openai-content-parts", "openai-content-parts", FAULT_OPENAI, 0, NULL, NULL, 1, { 0 }, 1,
    "image/png" },
  { "openai-markdown", "openai-markdown", FAULT_OPENAI, 0, NULL, NULL, 1, { 0 }, 1,
    "image/png" },
  { "openai-no-image", "openai-no-image", FAULT_OPENAI, FAIL (NO_IMAGE), NULL,
    "The model replied with text instead of an image: “I can describe it instead: A lighthouse "
    "on a cliff at dawn”", 1 },
  { "openai-500", "500", FAULT_OPENAI, FAIL (SERVER), NULL,
    "The server ran into a problem (error 500). Try again later.", 3, { 1000, 2000 } },
};

typedef struct
{
  ChiaroTestGemini  gemini;
  ChiaroProvider   *openai;
  GFile            *dir;
  GArray           *delays;
} Fixture;

static void
record_sleep (guint     delay_ms,
              GTask    *task,
              gpointer  user_data)
{
  Fixture *f = user_data;

  g_array_append_val (f->delays, delay_ms);
  g_task_return_boolean (task, TRUE);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = chiaro_test_clean_data_path ();
  g_autofree char *endpoint = NULL;

  chiaro_test_gemini_init (&f->gemini, KEY, MAX_ATTEMPTS);
  f->delays = g_array_new (FALSE, FALSE, sizeof (guint));
  chiaro_http_client_set_sleep_func (f->gemini.http, record_sleep, f, NULL);
  endpoint = g_strconcat (chiaro_mock_server_get_url (f->gemini.mock), "/api/v1", NULL);
  f->openai = chiaro_openai_provider_new (f->gemini.http, endpoint, KEY);
  f->dir = g_file_new_for_path (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->dir);
  g_clear_object (&f->openai);
  g_clear_pointer (&f->delays, g_array_unref);
  chiaro_test_gemini_clear (&f->gemini);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names of the files in images/, sorted. */
static GStrv
list_images (ChiaroDocument *document)
{
  g_autoptr(GFile) dir =
    g_file_get_child (chiaro_image_store_get_dir (chiaro_document_get_images (document)),
                      "images");
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NONE, NULL, &error);
  if (children == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_new0 (char *, 1);
  g_assert_no_error (error);

  while ((info = g_file_enumerator_next_file (children, NULL, &error)) != NULL)
    {
      g_ptr_array_add (names, g_strdup (g_file_info_get_name (info)));
      g_object_unref (info);
    }
  g_assert_no_error (error);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* A memory figure of this process from /proc/self/status ("VmHWM:", "VmRSS:"), in kB. */
static guint64
status_kb (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, key);
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen (key), NULL, 10);
}

/* The peak resident size (kB) since the last reset_peak_memory (). */
static guint64
peak_memory_kb (void)
{
  return status_kb ("VmHWM:");
}

static guint64
current_memory_kb (void)
{
  return status_kb ("VmRSS:");
}

/* Writing 5 to clear_refs sets the peak back to the current size (Linux ≥ 4.0). */
static void
reset_peak_memory (void)
{
  int fd = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "5", 1), ==, 1);
  close (fd);
}

static void
test_fault (Fixture       *f,
            gconstpointer  data)
{
  const Fault *fault = data;
  gboolean success = fault->message == NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ChiaroDocument) document = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ChiaroSend) send = NULL;
  g_auto(GStrv) images_before = NULL;
  g_auto(GStrv) images_after = NULL;
  ChiaroHistory *history;
  ChiaroHistoryEntry *cursor_before;
  guint entries_before;
  guint n_requests;
  guint64 base_kb = 0;
  gint64 started;

  document = chiaro_test_open_document (f->dir, CHIARO_DOCUMENT_OPEN_CREATE, f->gemini.catalog,
                                        &error);
  g_assert_no_error (error);
  chiaro_document_set_autosave_delay (document, 60000);
  if (fault->flags & FAULT_OPENAI)
    {
      chiaro_document_set_provider (document, f->openai, "openai");
      chiaro_document_set_model_id (document, "google/gemini-2.5-flash-image");
    }
  else
    {
      chiaro_document_set_provider (document, f->gemini.provider, "gemini");
      chiaro_document_set_model_id (document, "gemini-2.5-flash-image");
    }
  if (fault->flags & FAULT_TIMEOUT)
    chiaro_http_client_set_timeout (f->gemini.http, 1);

  history = chiaro_document_get_history (document);
  entries_before = chiaro_history_get_n_entries (history);
  cursor_before = chiaro_history_get_cursor (history);
  images_before = list_images (document);

  if (fault->flags & FAULT_QUEUED)
    chiaro_mock_server_push_scenario (f->gemini.mock, fault->scenario);
  else
    chiaro_mock_server_set_default_scenario (f->gemini.mock, fault->scenario);

  if (fault->flags & FAULT_HUGE)
    {
      reset_peak_memory ();
      base_kb = current_memory_kb ();
    }

  started = g_get_monotonic_time ();
  chiaro_document_set_prompt (document, PROMPT);
  chiaro_document_send_async (document, NULL, chiaro_test_store_result, &result);
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "");
  g_assert_true (chiaro_test_wait_until (chiaro_test_has_result, &result, 120));
  send = chiaro_document_send_finish (document, result, &error);

  /* Retries only where allowed, with the waits the server asked for or the backoff. */
  n_requests = fault->attempts + (fault->flags & FAULT_REDIRECTED ? 1 : 0);
  g_assert_cmpuint (chiaro_mock_server_get_n_requests (f->gemini.mock), ==, n_requests);
  g_assert_cmpuint (f->delays->len, ==, fault->attempts - 1);
  for (guint i = 0; i < f->delays->len && i < G_N_ELEMENTS (fault->delays); i++)
    g_assert_cmpuint (g_array_index (f->delays, guint, i), ==, fault->delays[i]);
  /* The key went only where it was meant to, in its header. */
  for (guint i = 0; i < n_requests; i++)
    {
      ChiaroMockRequest *request = chiaro_mock_server_get_request (f->gemini.mock, i);

      if (fault->flags & FAULT_OPENAI)
        g_assert_cmpstr (chiaro_mock_request_get_header (request, "Authorization"), ==,
                         "Bearer " KEY);
      else
        g_assert_cmpstr (chiaro_mock_request_get_header (request, "x-goog-api-key"), ==, KEY);
      g_assert_cmpstr (chiaro_mock_request_get_header (request, "Host"), ==,
                       strstr (chiaro_mock_server_get_url (f->gemini.mock), "://") + 3);
    }

  if (fault->flags & FAULT_HUGE)
    {
      guint64 grown = peak_memory_kb () - base_kb;

      g_test_message ("peak memory grew by %" G_GUINT64_FORMAT " kB", grown);
      /* Nothing near the 200 MB answer: the client stops at its cap (128 MiB) and the mock
       * sends one 1 MiB piece again and again. With a Content-Length, nothing is read. */
      if (strstr (fault->scenario, "length") != NULL)
        g_assert_cmpuint (grown, <, (32 * MIB + ALLOCATOR_SLACK) / 1024);
      else
        g_assert_cmpuint (grown, <,
                          (CHIARO_HTTP_MAX_BODY_SIZE + 24 * MIB + ALLOCATOR_SLACK) / 1024);
    }

  if (fault->flags & FAULT_SLOW)
    g_assert_cmpint (g_get_monotonic_time () - started, >=, 900 * 1000);

  images_after = list_images (document);

  if (success)
    {
      ChiaroHistoryEntry *entry;
      g_autoptr(GFile) file = NULL;
      g_autofree char *stored = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (send);
      g_assert_cmpint (chiaro_send_get_state (send), ==, CHIARO_SEND_DONE);
      g_assert_cmpuint (chiaro_send_get_n_done (send), ==, 1);
      g_assert_cmpuint (chiaro_history_get_n_entries (history), ==,
                        entries_before + MAX (fault->n_entries, 1));
      g_assert_cmpuint (chiaro_send_get_entries (send)->len, ==, MAX (fault->n_entries, 1));
      /* The cursor is on the final image: the last entry. */
      entry = chiaro_history_get_cursor (history);
      g_assert_true (entry == g_ptr_array_index (chiaro_send_get_entries (send),
                                                 chiaro_send_get_entries (send)->len - 1));
      g_assert_true (chiaro_history_entry_get_parent (entry) == cursor_before);
      g_assert_cmpstr (chiaro_history_entry_get_mime_type (entry), ==, fault->mime_type);
      g_assert_cmpuint (chiaro_history_entry_get_reply (entry)->attempts, ==, fault->attempts);
      /* Every image of the answer is kept (drafts and all), the entry's under its type. */
      g_assert_cmpuint (g_strv_length (images_after), ==,
                        g_strv_length (images_before) + fault->n_files);
      file = chiaro_image_store_get_file (chiaro_document_get_images (document),
                                          chiaro_history_entry_get_image_hash (entry),
                                          fault->mime_type);
      stored = g_file_get_basename (file);
      g_assert_true (g_str_has_suffix (stored, g_str_equal (fault->mime_type, "image/jpeg")
                                               ? ".jpg" : ".png"));
      g_assert_true (g_strv_contains ((const char * const *) images_after, stored));
      g_assert_cmpstr (chiaro_document_get_prompt (document), ==, "");
      g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (document)), ==, 0);
      return;
    }

  /* The right message, with its code and reason. */
  g_assert_null (send);
  g_assert_error (error, CHIARO_API_ERROR, fault->code);
  g_test_message ("message: %s", error->message);
  if (fault->reason != NULL)
    g_assert_cmpstr (chiaro_api_error_get_reason (error), ==, fault->reason);
  g_assert_cmpstr (error->message, ==, fault->message);
  g_assert_cmpuint (chiaro_api_error_get_attempts (error), ==, fault->attempts);
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), >, 20);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '{'));
  g_assert_null (strchr (error->message, '<'));
  g_assert_null (strstr (error->message, "base64"));
  g_assert_null (strstr (error->message, KEY));
  g_assert_null (strstr (error->message, "AAAA"));

  /* Nothing changed: the history, the cursor, the files. */
  g_assert_cmpuint (chiaro_history_get_n_entries (history), ==, entries_before);
  g_assert_true (chiaro_history_get_cursor (history) == cursor_before);
  g_assert_cmpstrv (images_after, images_before);

  /* The prompt is back in the field and kept by the failed send, shown as failed. */
  g_assert_cmpstr (chiaro_document_get_prompt (document), ==, PROMPT);
  g_assert_cmpuint (g_list_model_get_n_items (chiaro_document_get_sends (document)), ==, 1);
  {
    g_autoptr(ChiaroSend) failed = g_list_model_get_item (chiaro_document_get_sends (document), 0);
    g_autoptr(ChiaroMessage) message =
      g_list_model_get_item (chiaro_document_get_messages (document), 0);

    g_assert_cmpint (chiaro_send_get_state (failed), ==, CHIARO_SEND_FAILED);
    g_assert_cmpstr (chiaro_send_get_turn (failed)->prompt, ==, PROMPT);
    g_assert_error (chiaro_send_get_error (failed), CHIARO_API_ERROR, fault->code);
    g_assert_cmpstr (chiaro_send_get_error (failed)->message, ==, error->message);
    g_assert_nonnull (message);
    g_assert_cmpint (chiaro_message_get_kind (message), ==, CHIARO_MESSAGE_FAILED);
  }

  /* Retry is offered exactly for the failures that waiting may cure. */
  switch (fault->code)
    {
    case CHIARO_API_ERROR_INVALID_REQUEST:
    case CHIARO_API_ERROR_UNAUTHORIZED:
    case CHIARO_API_ERROR_PERMISSION_DENIED:
    case CHIARO_API_ERROR_LOCATION_UNSUPPORTED:
    case CHIARO_API_ERROR_MODEL_NOT_FOUND:
    case CHIARO_API_ERROR_QUOTA_EXHAUSTED:
    case CHIARO_API_ERROR_INSECURE_ENDPOINT:
    case CHIARO_API_ERROR_PROMPT_BLOCKED:
    case CHIARO_API_ERROR_REFUSED:
      g_assert_false (chiaro_api_error_is_retryable (error));
      break;
    case CHIARO_API_ERROR_RATE_LIMITED:
    case CHIARO_API_ERROR_SERVER:
    case CHIARO_API_ERROR_UNAVAILABLE:
    case CHIARO_API_ERROR_TIMEOUT:
    case CHIARO_API_ERROR_NETWORK:
    case CHIARO_API_ERROR_BAD_RESPONSE:
      g_assert_true (chiaro_api_error_is_retryable (error));
      break;
    default:
      break;
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *path = g_strconcat ("/chiaro/faults/", faults[i].name, NULL);

      g_test_add (path, Fixture, &faults[i], fixture_set_up, test_fault, fixture_tear_down);
    }

  return g_test_run ();
}
