/* chiaro-session.c — which projects are open, and whether the last run ended cleanly
 *
 * Copyright 2026 The Chiaro authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As in GNOME Text Editor's sessions: the app writes clean-shutdown false as it starts and
 * true as it quits, so a false flag found at start means the last run died, and its projects
 * are brought back whether or not the user asked for restoring. A session.json that cannot
 * be read counts as such a crash; it is left alone until the app has started for good.
 *
 * Two lists are kept: what the last run left (read by load, for restoring) and what this
 * run has open (written by begin and every change after it).
 */

#define G_LOG_DOMAIN "chiaro-session"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "chiaro-file-util.h"
#include "chiaro-project-error.h"

#include "chiaro-session.h"

#define SESSION_NAME  "session.json"
#define PROJECTS_NAME "projects"

struct _ChiaroSession
{
  GObject parent_instance;

  /* owned */
  GFile *data_dir;

  /* what the last run left */
  gboolean   was_clean;
  GPtrArray *previous;         /* (element-type GFile) */
  GFile     *previous_active;  /* (nullable) */

  /* this run, once begun */
  gboolean   begun;
  gboolean   clean;
  GPtrArray *current;          /* (element-type GFile) */
  GFile     *current_active;   /* (nullable) */
};

G_DEFINE_FINAL_TYPE (ChiaroSession, chiaro_session, G_TYPE_OBJECT)

static char *
session_path (ChiaroSession *self)
{
  g_autofree char *dir = g_file_get_path (self->data_dir);

  return g_build_filename (dir, SESSION_NAME, NULL);
}

static gboolean
find_project (GPtrArray *projects,
              GFile     *dir,
              guint     *index)
{
  for (guint i = 0; i < projects->len; i++)
    if (g_file_equal (g_ptr_array_index (projects, i), dir))
      {
        if (index != NULL)
          *index = i;
        return TRUE;
      }

  return FALSE;
}

static GBytes *
to_json (ChiaroSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *active = NULL;
  char *text;
  gsize length = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CHIARO_SESSION_VERSION);
  json_builder_set_member_name (builder, "clean-shutdown");
  json_builder_add_boolean_value (builder, self->clean);
  json_builder_set_member_name (builder, "projects");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->current->len; i++)
    {
      g_autofree char *path = g_file_get_path (g_ptr_array_index (self->current, i));

      json_builder_add_string_value (builder, path);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "active");
  if (self->current_active != NULL && (active = g_file_get_path (self->current_active)))
    json_builder_add_string_value (builder, active);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &length);

  return g_bytes_new_take (text, length);
}

static gboolean
save (ChiaroSession  *self,
      GError        **error)
{
  g_autofree char *dir = g_file_get_path (self->data_dir);
  g_autofree char *path = session_path (self);
  g_autoptr(GBytes) json = to_json (self);

  return chiaro_file_make_private_dir (dir, error) &&
         chiaro_file_write_atomic (path, g_bytes_get_data (json, NULL),
                                   g_bytes_get_size (json), error);
}

/* Writes the running session, once it has begun; before, changes only wait for begin. */
static gboolean
save_if_begun (ChiaroSession  *self,
               GError        **error)
{
  return !self->begun || save (self, error);
}

static void
set_corrupt_error (GError     **error,
                   const char  *path,
                   const char  *detail)
{
  g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_CORRUPT,
               /* Translators: %s is a file path, then what is wrong with it */
               _("“%s” cannot be read (%s). The projects open last time cannot be listed; "
                 "they are still in their folders."),
               path, detail);
}

/* Reads the members of session.json; FALSE with @error when it is not a session. */
static gboolean
parse (ChiaroSession  *self,
       const char     *path,
       GBytes         *bytes,
       GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *node;
  gint64 version;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), &local_error))
    {
      /* json-glib quotes the bad token cut at a byte count, which can split a character. */
      g_autofree char *reason = g_utf8_make_valid (local_error->message, -1);

      set_corrupt_error (error, path, reason);
      return FALSE;
    }

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_corrupt_error (error, path, _("not a JSON object"));
      return FALSE;
    }
  object = json_node_get_object (node);

  node = json_object_get_member (object, "version");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64 ||
      (version = json_node_get_int (node)) < 1)
    {
      set_corrupt_error (error, path, _("no version"));
      return FALSE;
    }

  if (version > CHIARO_SESSION_VERSION)
    {
      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_NEWER_VERSION,
                   /* Translators: %s is a file path */
                   _("“%s” was written by a newer version of Chiaro. The projects open "
                     "there are not restored; they are still in their folders."),
                   path);
      return FALSE;
    }

  node = json_object_get_member (object, "clean-shutdown");
  self->was_clean = node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
                    json_node_get_boolean (node);

  node = json_object_get_member (object, "projects");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autoptr(GFile) dir = NULL;

          /* Unknown kinds of entries are skipped, as unknown members are. */
          if (json_node_get_value_type (element) != G_TYPE_STRING ||
              !g_path_is_absolute (json_node_get_string (element)))
            continue;

          dir = g_file_new_for_path (json_node_get_string (element));
          if (!find_project (self->previous, dir, NULL))
            g_ptr_array_add (self->previous, g_steal_pointer (&dir));
        }
    }

  node = json_object_get_member (object, "active");
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autoptr(GFile) active = g_file_new_for_path (json_node_get_string (node));
      guint index;

      if (find_project (self->previous, active, &index))
        self->previous_active = g_object_ref (g_ptr_array_index (self->previous, index));
    }

  return TRUE;
}

static void
chiaro_session_finalize (GObject *object)
{
  ChiaroSession *self = (ChiaroSession *) object;

  g_clear_object (&self->data_dir);
  g_clear_pointer (&self->previous, g_ptr_array_unref);
  g_clear_object (&self->previous_active);
  g_clear_pointer (&self->current, g_ptr_array_unref);
  g_clear_object (&self->current_active);

  G_OBJECT_CLASS (chiaro_session_parent_class)->finalize (object);
}

static void
chiaro_session_class_init (ChiaroSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = chiaro_session_finalize;
}

static void
chiaro_session_init (ChiaroSession *self)
{
  self->was_clean = TRUE;
  self->previous = g_ptr_array_new_with_free_func (g_object_unref);
  self->current = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * chiaro_session_new:
 * @data_dir: (nullable): where session.json and projects/ live; %NULL is
 *   `$XDG_DATA_HOME/chiaro`
 *
 * Does no I/O.
 *
 * Returns: (transfer full): a new session
 */
ChiaroSession *
chiaro_session_new (GFile *data_dir)
{
  ChiaroSession *self;

  g_return_val_if_fail (data_dir == NULL || G_IS_FILE (data_dir), NULL);

  self = g_object_new (CHIARO_TYPE_SESSION, NULL);
  if (data_dir != NULL)
    self->data_dir = g_object_ref (data_dir);
  else
    self->data_dir = g_file_new_build_filename (g_get_user_data_dir (), "chiaro", NULL);

  return self;
}

/**
 * chiaro_session_get_data_dir:
 * @self: a #ChiaroSession
 *
 * Returns: (transfer none): the folder of session.json and projects/
 */
GFile *
chiaro_session_get_data_dir (ChiaroSession *self)
{
  g_return_val_if_fail (CHIARO_IS_SESSION (self), NULL);

  return self->data_dir;
}

/**
 * chiaro_session_get_projects_dir:
 * @self: a #ChiaroSession
 *
 * Makes the folder (mode 0700) when it is missing; failing that, returns it all the same and
 * opening a project there reports the error.
 *
 * Returns: (transfer full): `data_dir/projects`
 */
GFile *
chiaro_session_get_projects_dir (ChiaroSession *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GFile *dir;

  g_return_val_if_fail (CHIARO_IS_SESSION (self), NULL);

  dir = g_file_get_child (self->data_dir, PROJECTS_NAME);
  path = g_file_get_path (dir);
  if (path != NULL && !chiaro_file_make_private_dir (path, &error))
    g_debug ("%s", error->message);

  return dir;
}

/**
 * chiaro_session_new_project_dir:
 * @self: a #ChiaroSession
 *
 * Returns: (transfer full): a folder under projects/ named by a random UUID, not made yet
 */
GFile *
chiaro_session_new_project_dir (ChiaroSession *self)
{
  g_autoptr(GFile) projects = NULL;

  g_return_val_if_fail (CHIARO_IS_SESSION (self), NULL);

  projects = chiaro_session_get_projects_dir (self);

  for (;;)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autoptr(GFile) dir = g_file_get_child (projects, uuid);

      if (!g_file_query_exists (dir, NULL))
        return g_steal_pointer (&dir);
    }
}

/**
 * chiaro_session_load:
 * @self: a #ChiaroSession
 * @error: a location for a #GError
 *
 * Reads what the last run left. A missing session.json is a first run: clean, no projects.
 * A session.json that cannot be read or comes from a newer Chiaro counts as a crash with no
 * projects, is reported in @error, and is not overwritten until chiaro_session_begin(): the
 * session is usable after an error. Blocks briefly.
 *
 * Returns: %FALSE with @error set (%CHIARO_PROJECT_ERROR_CORRUPT, _NEWER_VERSION, _IO) when
 *   the file was there but could not be used
 */
gboolean
chiaro_session_load (ChiaroSession  *self,
                     GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *contents = NULL;
  gsize size = 0;

  g_return_val_if_fail (CHIARO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_ptr_array_set_size (self->previous, 0);
  g_clear_object (&self->previous_active);
  self->was_clean = TRUE;

  path = session_path (self);
  if (!g_file_get_contents (path, &contents, &size, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;

      self->was_clean = FALSE;
      g_set_error (error, CHIARO_PROJECT_ERROR, CHIARO_PROJECT_ERROR_IO,
                   /* Translators: %s is a file path, then the system's own message */
                   _("“%s” could not be read (%s)."), path, local_error->message);
      return FALSE;
    }

  bytes = g_bytes_new_take (contents, size);
  if (!parse (self, path, bytes, error))
    {
      self->was_clean = FALSE;
      g_ptr_array_set_size (self->previous, 0);
      g_clear_object (&self->previous_active);
      return FALSE;
    }

  return TRUE;
}

/**
 * chiaro_session_get_was_clean:
 * @self: a #ChiaroSession
 *
 * Returns: whether the last run ended cleanly (%TRUE on a first run)
 */
gboolean
chiaro_session_get_was_clean (ChiaroSession *self)
{
  g_return_val_if_fail (CHIARO_IS_SESSION (self), FALSE);

  return self->was_clean;
}

/**
 * chiaro_session_dup_projects:
 * @self: a #ChiaroSession
 *
 * Returns: (transfer container) (element-type GFile): the projects the last run had open, in
 *   the order they were opened
 */
GPtrArray *
chiaro_session_dup_projects (ChiaroSession *self)
{
  GPtrArray *projects;

  g_return_val_if_fail (CHIARO_IS_SESSION (self), NULL);

  projects = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->previous->len; i++)
    g_ptr_array_add (projects, g_object_ref (g_ptr_array_index (self->previous, i)));

  return projects;
}

/**
 * chiaro_session_get_active:
 * @self: a #ChiaroSession
 *
 * Returns: (transfer none) (nullable): the project that was in front in the last run
 */
GFile *
chiaro_session_get_active (ChiaroSession *self)
{
  g_return_val_if_fail (CHIARO_IS_SESSION (self), NULL);

  return self->previous_active;
}

/**
 * chiaro_session_should_restore:
 * @self: a #ChiaroSession
 * @restore_setting: whether the user asked for the last projects to be reopened
 *
 * Returns: whether to reopen the last run's projects: when asked to, and always after a
 *   crash, whatever the setting says
 */
gboolean
chiaro_session_should_restore (ChiaroSession *self,
                               gboolean       restore_setting)
{
  g_return_val_if_fail (CHIARO_IS_SESSION (self), FALSE);

  return restore_setting || !self->was_clean;
}

/**
 * chiaro_session_begin:
 * @self: a #ChiaroSession
 * @error: a location for a #GError
 *
 * Marks the start of this run: writes clean-shutdown false. After a crash, the projects the
 * last run left stay listed (so a second crash during restoring loses none of them); after
 * a clean run the list starts empty and the app adds what it opens. From here on every change
 * is written at once. Blocks briefly.
 *
 * Returns: whether session.json was written (a write error otherwise)
 */
gboolean
chiaro_session_begin (ChiaroSession  *self,
                      GError        **error)
{
  g_return_val_if_fail (CHIARO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!self->begun && !self->was_clean)
    {
      for (guint i = 0; i < self->previous->len; i++)
        {
          GFile *dir = g_ptr_array_index (self->previous, i);

          if (!find_project (self->current, dir, NULL))
            g_ptr_array_add (self->current, g_object_ref (dir));
        }
      if (self->current_active == NULL && self->previous_active != NULL)
        self->current_active = g_object_ref (self->previous_active);
    }

  self->begun = TRUE;
  self->clean = FALSE;

  return save (self, error);
}

/**
 * chiaro_session_add_project:
 * @self: a #ChiaroSession
 * @dir: a project folder this run opened
 * @error: a location for a #GError
 *
 * Adds @dir at the end of the open projects (a project listed already stays where it is),
 * and writes session.json once the session has begun.
 *
 * Returns: whether session.json was written (a write error otherwise; the change is kept)
 */
gboolean
chiaro_session_add_project (ChiaroSession  *self,
                            GFile          *dir,
                            GError        **error)
{
  g_return_val_if_fail (CHIARO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!find_project (self->current, dir, NULL))
    g_ptr_array_add (self->current, g_object_ref (dir));

  return save_if_begun (self, error);
}

/**
 * chiaro_session_remove_project:
 * @self: a #ChiaroSession
 * @dir: a project folder this run closed
 * @error: a location for a #GError
 *
 * Returns: whether session.json was written (a write error otherwise; the change is kept)
 */
gboolean
chiaro_session_remove_project (ChiaroSession  *self,
                               GFile          *dir,
                               GError        **error)
{
  guint index;

  g_return_val_if_fail (CHIARO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (find_project (self->current, dir, &index))
    g_ptr_array_remove_index (self->current, index);

  if (self->current_active != NULL && g_file_equal (self->current_active, dir))
    g_clear_object (&self->current_active);

  return save_if_begun (self, error);
}

/**
 * chiaro_session_set_active:
 * @self: a #ChiaroSession
 * @dir: (nullable): the project in front, added to the open projects when missing
 * @error: a location for a #GError
 *
 * Returns: whether session.json was written (a write error otherwise; the change is kept)
 */
gboolean
chiaro_session_set_active (ChiaroSession  *self,
                           GFile          *dir,
                           GError        **error)
{
  g_return_val_if_fail (CHIARO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (dir == NULL || G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (dir != NULL && !find_project (self->current, dir, NULL))
    g_ptr_array_add (self->current, g_object_ref (dir));

  g_set_object (&self->current_active, dir);

  return save_if_begun (self, error);
}

/**
 * chiaro_session_end:
 * @self: a #ChiaroSession
 * @error: a location for a #GError
 *
 * Marks a clean end of this run: writes clean-shutdown true with the projects still open,
 * so they can be reopened next time if the user wants. Blocks briefly.
 *
 * Returns: whether session.json was written (a write error otherwise)
 */
gboolean
chiaro_session_end (ChiaroSession  *self,
                    GError        **error)
{
  g_return_val_if_fail (CHIARO_IS_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->begun = TRUE;
  self->clean = TRUE;

  return save (self, error);
}
