/* chiaro-reference.h — one reference image in the tray
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define CHIARO_TYPE_REFERENCE (chiaro_reference_get_type ())

G_DECLARE_FINAL_TYPE (ChiaroReference, chiaro_reference, CHIARO, REFERENCE, GObject)

/* Properties: "hash", "mime-type", "width", "height", "display-name" (construct-only);
 * "label" (the name the prompt uses, e.g. "the logo"; nullable), "thumbnail" (GdkPixbuf,
 * ≤ 256 px, set when made), "plan-note" (why the planner had to change it on the last
 * send, translated; nullable) are read-write and notify. */

ChiaroReference *chiaro_reference_new              (const char      *hash,
                                                    const char      *mime_type,
                                                    int              width,
                                                    int              height,
                                                    const char      *display_name);
const char      *chiaro_reference_get_hash         (ChiaroReference *self);
const char      *chiaro_reference_get_mime_type    (ChiaroReference *self);
int              chiaro_reference_get_width        (ChiaroReference *self);
int              chiaro_reference_get_height       (ChiaroReference *self);
const char      *chiaro_reference_get_display_name (ChiaroReference *self);
const char      *chiaro_reference_get_label        (ChiaroReference *self);
void             chiaro_reference_set_label        (ChiaroReference *self,
                                                    const char      *label);
GdkPixbuf       *chiaro_reference_get_thumbnail    (ChiaroReference *self);
void             chiaro_reference_set_thumbnail    (ChiaroReference *self,
                                                    GdkPixbuf       *thumbnail);
const char      *chiaro_reference_get_plan_note    (ChiaroReference *self);
void             chiaro_reference_set_plan_note    (ChiaroReference *self,
                                                    const char      *note);

G_END_DECLS
