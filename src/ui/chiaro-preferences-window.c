/* chiaro-preferences-window.c — the preferences window
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "chiaro-preferences-window"

#include "config.h"

#include "chiaro-preferences-window.h"

struct _ChiaroPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* template children */
  AdwComboRow *style_row;

  /* owned */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (ChiaroPreferencesWindow, chiaro_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

/* The combo row's positions, in the order of the .ui's string list. */
static const char *style_variants[] = { "follow", "light", "dark" };

static gboolean
style_variant_to_position (GValue   *value,
                           GVariant *variant,
                           gpointer  user_data)
{
  const char *name = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (style_variants); i++)
    {
      if (g_str_equal (name, style_variants[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  return FALSE;
}

static GVariant *
position_to_style_variant (const GValue       *value,
                           const GVariantType *expected_type,
                           gpointer            user_data)
{
  guint position = g_value_get_uint (value);

  if (position >= G_N_ELEMENTS (style_variants))
    return NULL;

  return g_variant_new_string (style_variants[position]);
}

static void
chiaro_preferences_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CHIARO_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (chiaro_preferences_window_parent_class)->dispose (object);
}

static void
chiaro_preferences_window_finalize (GObject *object)
{
  ChiaroPreferencesWindow *self = (ChiaroPreferencesWindow *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (chiaro_preferences_window_parent_class)->finalize (object);
}

static void
chiaro_preferences_window_class_init (ChiaroPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = chiaro_preferences_window_dispose;
  object_class->finalize = chiaro_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/chiaro-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ChiaroPreferencesWindow, style_row);
}

static void
chiaro_preferences_window_init (ChiaroPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * chiaro_preferences_window_new:
 * @settings: the application's settings
 *
 * Returns: (transfer none): a new preferences window bound to @settings
 */
ChiaroPreferencesWindow *
chiaro_preferences_window_new (GSettings *settings)
{
  ChiaroPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CHIARO_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind_with_mapping (settings, "style-variant",
                                self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                style_variant_to_position,
                                position_to_style_variant,
                                NULL, NULL);

  return self;
}
