/* chiaro-entry-menu.c — the window's workflow items for one history entry
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Render Final At ▸ (the sizes of the entry's model larger than its turn's) and Save Prompt
 * as Preset…, both the window's actions taking the entry's id. The conversation's message
 * menu and each image of a pack use the same items.
 */

#define G_LOG_DOMAIN "chiaro-entry-menu"

#include "config.h"

#include <glib/gi18n.h>

#include "chiaro-entry-menu.h"

/**
 * chiaro_entry_menu_new:
 * @document: the document @entry belongs to
 * @entry: an entry with a turn
 *
 * Returns: (transfer full): the items (none when @entry has no larger size and no prompt)
 */
GMenu *
chiaro_entry_menu_new (ChiaroDocument     *document,
                       ChiaroHistoryEntry *entry)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_auto(GStrv) sizes = NULL;
  ChiaroTurn *turn;
  const char *id;

  g_return_val_if_fail (CHIARO_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (CHIARO_IS_HISTORY_ENTRY (entry), NULL);

  id = chiaro_history_entry_get_id (entry);
  turn = chiaro_history_entry_get_turn (entry);
  sizes = chiaro_document_dup_final_sizes (document, entry);
  if (sizes != NULL)
    {
      g_autoptr(GMenu) sizes_menu = g_menu_new ();

      for (guint i = 0; sizes[i] != NULL; i++)
        {
          g_autoptr(GMenuItem) item = g_menu_item_new (sizes[i], NULL);

          g_menu_item_set_action_and_target_value (item, "win.render-final",
                                                   g_variant_new ("(ss)", id, sizes[i]));
          g_menu_append_item (sizes_menu, item);
        }
      g_menu_append_submenu (menu, _("_Render Final At"), G_MENU_MODEL (sizes_menu));
    }
  if (turn != NULL && turn->prompt != NULL && *turn->prompt != '\0')
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("Save Prompt as _Preset…"), NULL);

      g_menu_item_set_action_and_target_value (item, "win.save-turn-preset",
                                               g_variant_new_string (id));
      g_menu_append_item (menu, item);
    }

  return g_steal_pointer (&menu);
}
