/* chiaro-document.h — an open project: history, tray, prompt, sends, autosave
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one object the window (and chiaro-cli generate --project) works with. Main thread
 * only; everything slow (reading, hashing, planning, storing, saving) runs on workers.
 *
 * - Sending from the cursor adds the answers as children of the cursor (variants are
 *   siblings) after their images are on disk, and moves the cursor to the first new entry
 *   when it has not moved meanwhile. The conversation sent is the path root → cursor,
 *   through the request planner.
 * - A failed send stays in the conversation with its prompt and error until retried or
 *   dismissed, and is saved with the project. A cancelled send adds nothing.
 * - Every change schedules a save after the autosave delay; saves run one at a time off the
 *   main thread. A failed save sets "save-error", keeps everything in memory and is retried
 *   (after every change, and every few seconds) until it succeeds.
 */

#pragma once

#include "chiaro-history.h"
#include "chiaro-message.h"
#include "chiaro-model-catalog.h"
#include "chiaro-project-state.h"
#include "chiaro-project-store.h"
#include "chiaro-provider.h"
#include "chiaro-reference-list.h"
#include "chiaro-request-planner.h"
#include "chiaro-send.h"

G_BEGIN_DECLS

#define CHIARO_DOCUMENT_DEFAULT_AUTOSAVE_DELAY_MS 1000

typedef enum
{
  CHIARO_DOCUMENT_OPEN_NONE               = 0,
  CHIARO_DOCUMENT_OPEN_CREATE             = 1 << 0, /* a new project when dir has none */
  CHIARO_DOCUMENT_OPEN_FALLBACK_TO_BACKUP = 1 << 1, /* when project.json cannot be read,
                                                     * set it aside and load the backup */
} ChiaroDocumentOpenFlags;

#define CHIARO_TYPE_DOCUMENT (chiaro_document_get_type ())

/* Properties: "dir" (GFile, nullable), "catalog" (construct-only), "history",
 * "references", "prompt", "model-id", "options" (ChiaroGenerationOptions boxed),
 * "n-variants" (1…8), "provider" (ChiaroProvider, nullable), "autosave-delay" (ms),
 * "n-pending" (sends in flight), "save-error" (GError boxed, nullable), "saving",
 * "recovered-from-backup" (the file set aside, GFile, nullable), "name". */
G_DECLARE_FINAL_TYPE (ChiaroDocument, chiaro_document, CHIARO, DOCUMENT, GObject)

/* An unsaved document with an empty root (tests, and before a folder is chosen). */
ChiaroDocument      *chiaro_document_new                (ChiaroModelCatalog      *catalog);

/* Locks and loads @dir (or makes it, with CREATE). Errors: CHIARO_PROJECT_ERROR_LOCKED,
 * _NOT_FOUND, _CORRUPT (and the backup was not used), _NEWER_VERSION, _IO. */
void                 chiaro_document_open_async         (GFile                   *dir,
                                                         ChiaroDocumentOpenFlags  flags,
                                                         ChiaroModelCatalog      *catalog,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
ChiaroDocument      *chiaro_document_open_finish        (GAsyncResult            *result,
                                                         GError                 **error);

GFile               *chiaro_document_get_dir            (ChiaroDocument          *self);
ChiaroProjectStore  *chiaro_document_get_store          (ChiaroDocument          *self);
ChiaroImageStore    *chiaro_document_get_images         (ChiaroDocument          *self);
ChiaroModelCatalog  *chiaro_document_get_catalog        (ChiaroDocument          *self);
ChiaroHistory       *chiaro_document_get_history        (ChiaroDocument          *self);
ChiaroReferenceList *chiaro_document_get_references     (ChiaroDocument          *self);
/* (element-type ChiaroMessage): the path root → cursor as turns, with the pending and
 * failed sends made from each entry on it placed after that entry's answer. A social-format
 * pack is one PACK message (its ChiaroPackGroup: every ratio's image, send or failure)
 * where its first send or its entry on the path comes. */
GListModel          *chiaro_document_get_messages       (ChiaroDocument          *self);
/* (element-type ChiaroSend): every send in flight or failed, oldest first. */
GListModel          *chiaro_document_get_sends          (ChiaroDocument          *self);
GFile               *chiaro_document_get_recovered_from_backup (ChiaroDocument   *self);

const char          *chiaro_document_get_name           (ChiaroDocument          *self);
void                 chiaro_document_set_name           (ChiaroDocument          *self,
                                                         const char              *name);
const char          *chiaro_document_get_prompt         (ChiaroDocument          *self);
void                 chiaro_document_set_prompt         (ChiaroDocument          *self,
                                                         const char              *prompt);
const char          *chiaro_document_get_model_id       (ChiaroDocument          *self);
/* Also sets the tray's limit to what the model takes. */
void                 chiaro_document_set_model_id       (ChiaroDocument          *self,
                                                         const char              *model_id);
const ChiaroGenerationOptions *chiaro_document_get_options (ChiaroDocument       *self);
void                 chiaro_document_set_options        (ChiaroDocument          *self,
                                                         const ChiaroGenerationOptions *options);
guint                chiaro_document_get_n_variants     (ChiaroDocument          *self);
void                 chiaro_document_set_n_variants     (ChiaroDocument          *self,
                                                         guint                    n_variants);
/* @name: "gemini" or "openai", recorded in each turn. */
void                 chiaro_document_set_provider       (ChiaroDocument          *self,
                                                         ChiaroProvider          *provider,
                                                         const char              *name);
ChiaroProvider      *chiaro_document_get_provider       (ChiaroDocument          *self);
ChiaroRequestPlanner *chiaro_document_get_planner       (ChiaroDocument          *self);

/* The opened photo becomes the root (only while the history has no image at all). The bytes
 * are stored as they are. */
void                 chiaro_document_set_root_image_async (ChiaroDocument        *self,
                                                           GBytes                *bytes,
                                                           const char            *display_name,
                                                           GCancellable          *cancellable,
                                                           GAsyncReadyCallback    callback,
                                                           gpointer               user_data);
gboolean             chiaro_document_set_root_image_finish (ChiaroDocument       *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

/* Stores the image (decoding it only for its size and thumbnail) and appends it to the
 * tray. Errors: CHIARO_CODEC_ERROR for a bad file (naming it), CHIARO_PROJECT_ERROR_
 * REFERENCES_FULL, _DUPLICATE_REFERENCE. */
void                 chiaro_document_add_reference_file_async  (ChiaroDocument   *self,
                                                                GFile            *file,
                                                                const char       *label,
                                                                GCancellable     *cancellable,
                                                                GAsyncReadyCallback callback,
                                                                gpointer          user_data);
void                 chiaro_document_add_reference_bytes_async (ChiaroDocument   *self,
                                                                GBytes           *bytes,
                                                                const char       *display_name,
                                                                const char       *label,
                                                                GCancellable     *cancellable,
                                                                GAsyncReadyCallback callback,
                                                                gpointer          user_data);
ChiaroReference     *chiaro_document_add_reference_finish      (ChiaroDocument   *self,
                                                                GAsyncResult     *result,
                                                                GError          **error);

/* The estimated cost of sending now (prompt, tray, variants, options), < 0 when unknown. */
double               chiaro_document_estimate_cost      (ChiaroDocument          *self);

/* Sends the prompt, the tray and the settings from the cursor, n-variants requests in
 * parallel. The new send is in get_sends and get_messages at once, and the prompt moves
 * into it (the document's prompt becomes empty; it comes back if the send fails or is
 * cancelled while the prompt is still empty). Errors: CHIARO_API_ERROR (the first variant's
 * when all failed), CHIARO_CODEC_ERROR, CHIARO_PROJECT_ERROR_INVALID (no provider, nothing to
 * send), G_IO_ERROR_CANCELLED. Partial success is success (the send's n-failed says). */
void                 chiaro_document_send_async         (ChiaroDocument          *self,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
/* Sends @turn from @parent again (draft → final, retry of an older turn). */
void                 chiaro_document_resend_async       (ChiaroDocument          *self,
                                                         ChiaroHistoryEntry      *parent,
                                                         ChiaroTurn              *turn,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
/* Retries a FAILED send: same parent, same turn; the failed send is replaced by the new one. */
void                 chiaro_document_retry_async        (ChiaroDocument          *self,
                                                         ChiaroSend              *failed,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
/* Returns: (transfer full): the send, DONE, with its entries */
ChiaroSend          *chiaro_document_send_finish        (ChiaroDocument          *self,
                                                         GAsyncResult            *result,
                                                         GError                 **error);
/* Draft → final: sends @entry's turn again from @entry's parent with only the image size
 * changed to @image_size; the answers become siblings of @entry. A pack turn keeps its pack
 * id and ratio. Finish with chiaro_document_send_finish. Errors: as send_async, and
 * CHIARO_API_ERROR_UNSUPPORTED_OPTION when the turn's model has no @image_size,
 * CHIARO_PROJECT_ERROR_INVALID for the root (it has no turn). */
void                 chiaro_document_rerender_async     (ChiaroDocument          *self,
                                                         ChiaroHistoryEntry      *entry,
                                                         const char              *image_size,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
/* The sizes @entry could be rendered at again: those its turn's model has that are larger
 * than the turn's (512 < 1K < 2K < 4K). NULL when there are none or @entry has no turn. */
GStrv                chiaro_document_dup_final_sizes    (ChiaroDocument          *self,
                                                         ChiaroHistoryEntry      *entry);

/* Social-format pack (chiaro-pack.h): from the cursor, with the document's prompt, tray,
 * model and options, one send per ratio in @aspect_ratios (each with its own turn: the
 * ratio set in its options, @variants_per_ratio variants, one shared pack_id), all in
 * flight together; each is in get_sends at once, so progress shows per ratio. The prompt
 * moves into the sends as with send_async. @image_size: (nullable): NULL keeps the
 * document's size. Checked before anything is sent: every ratio and the size must be the
 * model's (CHIARO_API_ERROR_UNSUPPORTED_OPTION), at least one ratio, no ratio twice
 * (CHIARO_PROJECT_ERROR_INVALID). Succeeds when at least one ratio produced an image. */
void                 chiaro_document_send_pack_async    (ChiaroDocument          *self,
                                                         const char * const      *aspect_ratios,
                                                         const char              *image_size,
                                                         guint                    variants_per_ratio,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
/* Returns: (transfer full) (element-type ChiaroSend): one send per ratio, in @aspect_ratios
 * order (DONE, or FAILED when that ratio failed). */
GPtrArray           *chiaro_document_send_pack_finish   (ChiaroDocument          *self,
                                                         GAsyncResult            *result,
                                                         GError                 **error);
/* The estimated total cost of that pack, < 0 when unknown. @image_size: (nullable) */
double               chiaro_document_estimate_pack_cost (ChiaroDocument          *self,
                                                         const char * const      *aspect_ratios,
                                                         const char              *image_size,
                                                         guint                    variants_per_ratio);

/* Stop: the same as cancelling the send's GCancellable. */
void                 chiaro_document_cancel_send        (ChiaroDocument          *self,
                                                         ChiaroSend              *send);
/* Forgets a FAILED send (its prompt goes back to the prompt when that is empty). */
void                 chiaro_document_dismiss_send       (ChiaroDocument          *self,
                                                         ChiaroSend              *send);

/* Deletes @entry and its subtree, then (on a worker) the image files nothing names any
 * more (entries, tray, failed sends). CHIARO_PROJECT_ERROR_INVALID for the root. */
gboolean             chiaro_document_delete_entry       (ChiaroDocument          *self,
                                                         ChiaroHistoryEntry      *entry,
                                                         GError                 **error);

guint                chiaro_document_get_autosave_delay (ChiaroDocument          *self);
void                 chiaro_document_set_autosave_delay (ChiaroDocument          *self,
                                                         guint                    delay_ms);
gboolean             chiaro_document_get_has_unsaved_changes (ChiaroDocument     *self);
const GError        *chiaro_document_get_save_error     (ChiaroDocument          *self);
/* Saves now (waiting for a save in progress); the state saved is the one at the call. */
void                 chiaro_document_save_async         (ChiaroDocument          *self,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
gboolean             chiaro_document_save_finish        (ChiaroDocument          *self,
                                                         GAsyncResult            *result,
                                                         GError                 **error);
/* Removes, on a worker, image and thumbnail files that nothing names. Call it after a
 * restore only, never while another document may use the folder. Returns files removed. */
void                 chiaro_document_collect_orphans_async  (ChiaroDocument      *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
int                  chiaro_document_collect_orphans_finish (ChiaroDocument      *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
/* Cancels sends in flight (they fail as interrupted and are saved as failed, with their
 * prompts), saves, and releases the lock. The document stays readable. */
void                 chiaro_document_close_async        (ChiaroDocument          *self,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
gboolean             chiaro_document_close_finish       (ChiaroDocument          *self,
                                                         GAsyncResult            *result,
                                                         GError                 **error);

G_END_DECLS
