/* chiaro-test-projects.h — project folders made through the stores, for tests
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Estimated cost of each generated entry the helpers make. */
#define CHIARO_TEST_PROJECT_COST 0.134

/* A project in @dir made with the project store and state: a root (the opened photo, or an
 * empty root when @prompt is set: text to image) and @n_generated answers, each a child of
 * the one before, made with @prompt (or "warmer"); the cursor on the last. The cursor's
 * image is 320 × 240 of @rgb (0xRRGGBB); the others are grey. @name: (nullable). */
void chiaro_test_make_project         (GFile      *dir,
                                       const char *name,
                                       const char *prompt,
                                       guint       n_generated,
                                       guint32     rgb);
/* A folder with images but a project.json that is not JSON, and no backup. */
void chiaro_test_make_damaged_project (GFile      *dir);
/* Sets a file's modification time, in seconds since 1970. */
void chiaro_test_set_mtime            (GFile      *file,
                                       gint64      seconds);

G_END_DECLS
