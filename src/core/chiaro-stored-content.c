/* chiaro-stored-content.c — conversation turns as kept in a project: image parts by hash
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-project"

#include "config.h"

#include "chiaro-stored-content.h"

/**
 * chiaro_stored_content_hash:
 * @bytes: an image file's bytes
 *
 * Returns: (transfer full): the SHA-256 of @bytes, 64 lowercase hex digits, the name the
 *   image store gives the file
 */
char *
chiaro_stored_content_hash (GBytes *bytes)
{
  g_return_val_if_fail (bytes != NULL, NULL);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/**
 * chiaro_stored_content_hash_is_valid:
 * @hash: (nullable): a string from a file name or project.json
 *
 * Returns: whether @hash looks like what chiaro_stored_content_hash() returns
 */
gboolean
chiaro_stored_content_hash_is_valid (const char *hash)
{
  if (hash == NULL)
    return FALSE;

  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (hash[i]) || g_ascii_isupper (hash[i]))
      return FALSE;

  return hash[64] == '\0';
}
