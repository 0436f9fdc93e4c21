/* chiaro-wire-util.h — helpers the Gemini and OpenAI-compatible wire formats share
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "chiaro-api-error.h"
#include "chiaro-content.h"
#include "chiaro-generation-request.h"

G_BEGIN_DECLS

/* Excerpts of server answers kept for a details view stay this short. */
#define CHIARO_WIRE_EXCERPT_MAX 300
/* How much of the server's own message or the model's text an error's detail keeps. */
#define CHIARO_WIRE_DETAIL_MAX 2000

JsonNode    *chiaro_wire_parse_json        (GBytes         *body,
                                            GError        **error);
JsonNode    *chiaro_wire_parse_json_with_blobs (GBytes     *body,
                                                GHashTable *blobs,
                                                GError    **error);
char        *chiaro_wire_excerpt           (const char     *data,
                                            gsize           size);
char        *chiaro_wire_excerpt_bytes     (GBytes         *body);
char        *chiaro_wire_shorten           (const char     *text,
                                            guint           max_chars);
JsonObject  *chiaro_wire_get_object        (JsonObject     *object,
                                            const char     *camel,
                                            const char     *snake);
JsonArray   *chiaro_wire_get_array         (JsonObject     *object,
                                            const char     *camel,
                                            const char     *snake);
const char  *chiaro_wire_get_string        (JsonObject     *object,
                                            const char     *camel,
                                            const char     *snake);
gboolean     chiaro_wire_get_int           (JsonObject     *object,
                                            const char     *camel,
                                            const char     *snake,
                                            gint64         *out_value);
gboolean     chiaro_wire_decode_base64     (const char     *text,
                                            gsize           length,
                                            GBytes        **out_bytes);
void         chiaro_wire_advise_large_buffer (gpointer    data,
                                              gsize       size);
gboolean     chiaro_wire_decode_base64_canonical (const char *text,
                                                  gsize       length,
                                                  GBytes    **out_bytes);
void         chiaro_wire_append_text       (GString        *text,
                                            const char     *piece,
                                            gboolean        new_paragraph);
char        *chiaro_wire_finish_text       (GString        *text);
void         chiaro_wire_set_status_error  (GError        **error,
                                            guint           status,
                                            const char     *detail,
                                            const char     *reason);
const char  *chiaro_wire_missing_signature_message (void);
gboolean     chiaro_wire_is_finish_reason  (const char     *reason);
void         chiaro_wire_set_finish_error  (GError        **error,
                                            const char     *finish_reason,
                                            const char     *reason,
                                            const char     *finish_message);
void         chiaro_wire_set_no_image_error (GError       **error,
                                             const char    *text,
                                             guint          n_thought_images,
                                             const char    *unreadable,
                                             const char    *reason);
const char  *chiaro_wire_check_image       (ChiaroPart     *part);

/* Image data spliced into a generated body as base64 (see chiaro_wire_blobs_generate ()). */
typedef struct _ChiaroWireBlobs ChiaroWireBlobs;

ChiaroWireBlobs *chiaro_wire_blobs_new      (void);
void             chiaro_wire_blobs_free     (ChiaroWireBlobs *blobs);
char            *chiaro_wire_blobs_add      (ChiaroWireBlobs *blobs,
                                             GBytes          *data);
GBytes          *chiaro_wire_blobs_generate (ChiaroWireBlobs *blobs,
                                             JsonNode        *root);

void         chiaro_wire_add_sampling      (JsonBuilder                   *builder,
                                            const ChiaroGenerationOptions *options,
                                            const char                    *top_p_name);

void         chiaro_wire_add_image_config  (JsonBuilder                   *builder,
                                            const char                    *object_name,
                                            const char                    *ratio_name,
                                            const char                    *ratio,
                                            const char                    *size_name,
                                            const char                    *size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroWireBlobs, chiaro_wire_blobs_free)

G_END_DECLS
