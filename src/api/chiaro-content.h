/* chiaro-content.h — one turn of a conversation: a role and its parts, as on the wire
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Gemini documents this value for model turns it did not produce (imported images, another
 * model's answer): it tells the server to skip thought-signature validation. */
#define CHIARO_SKIP_THOUGHT_SIGNATURE "context_engineering_is_the_way_to_go"

typedef enum
{
  CHIARO_PART_TEXT,
  CHIARO_PART_IMAGE,
  CHIARO_PART_OTHER,   /* a part Chiaro does not use (functionCall, fileData…), kept verbatim */
} ChiaroPartKind;

/* A part as received or to be sent. Images keep their bytes and the label they came with;
 * `mime_type` is the label (what goes back on the wire), `sniffed_mime_type` what the bytes
 * are. Unknown members of a received part are kept in `extra` so the part can be sent back
 * exactly as it came. Immutable once built; reference counted. */
typedef struct
{
  ChiaroPartKind kind;
  char          *text;               /* (nullable) TEXT */
  GBytes        *data;               /* (nullable) IMAGE: the decoded bytes */
  char          *mime_type;          /* (nullable) IMAGE: the label */
  const char    *sniffed_mime_type;  /* (nullable) IMAGE: from the bytes, static string */
  gboolean       thought;
  char          *thought_signature;  /* (nullable) base64, exactly as received */
  JsonObject    *extra;              /* (nullable) other members of the part object */
} ChiaroPart;

typedef struct
{
  char      *role;                   /* "user" or "model" */
  GPtrArray *parts;                  /* (element-type ChiaroPart) */
  char      *model;                  /* (nullable) for model turns: the model id that made it */
} ChiaroContent;

#define CHIARO_TYPE_PART    (chiaro_part_get_type ())
#define CHIARO_TYPE_CONTENT (chiaro_content_get_type ())

GType          chiaro_part_get_type            (void) G_GNUC_CONST;
ChiaroPart    *chiaro_part_new_text            (const char          *text);
ChiaroPart    *chiaro_part_new_image           (GBytes              *data,
                                                const char          *mime_type);
ChiaroPart    *chiaro_part_ref                 (ChiaroPart          *part);
void           chiaro_part_unref               (ChiaroPart          *part);
ChiaroPart    *chiaro_part_new_from_json       (JsonObject          *object,
                                                GError             **error);
void           chiaro_part_to_json             (ChiaroPart          *part,
                                                JsonBuilder         *builder,
                                                gboolean             elide_data);

GType          chiaro_content_get_type         (void) G_GNUC_CONST;
ChiaroContent *chiaro_content_new              (const char          *role);
ChiaroContent *chiaro_content_ref              (ChiaroContent       *content);
void           chiaro_content_unref            (ChiaroContent       *content);
void           chiaro_content_add_part         (ChiaroContent       *content,
                                                ChiaroPart          *part);
ChiaroContent *chiaro_content_new_from_json    (JsonNode            *node,
                                                GError             **error);
void           chiaro_content_to_json          (ChiaroContent       *content,
                                                JsonBuilder         *builder,
                                                gboolean             elide_data);
gsize          chiaro_content_get_inline_size  (ChiaroContent       *content);
guint          chiaro_content_count_images     (ChiaroContent       *content);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroPart, chiaro_part_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChiaroContent, chiaro_content_unref)

G_END_DECLS
