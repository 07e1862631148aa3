/* apppass — reading small files that may not be files
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-file.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apppass-intl.h"

/* The name as the user may see it: a file name is data too, so its control
 * characters never reach a terminal or a label. */
char *
apppass_file_display_name (const char *path)
{
  g_autofree char *name = g_filename_display_name (path);
  GString *shown = g_string_sized_new (strlen (name));

  /* g_filename_display_name() gives valid UTF-8: controls of every kind,
   * C1 and format characters included, become '?'. */
  for (const char *c = name; *c; c = g_utf8_next_char (c)) {
    gunichar u = g_utf8_get_char (c);
    GUnicodeType type = g_unichar_type (u);

    if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT)
      g_string_append_c (shown, '?');
    else
      g_string_append_unichar (shown, u);
  }
  return g_string_free (shown, FALSE);
}

static gboolean
refuse (GError **error, GFileError code, const char *format, const char *path)
{
  g_autofree char *name = apppass_file_display_name (path);

  g_set_error (error, G_FILE_ERROR, code, format, name);
  return FALSE;
}

static gboolean
too_large (GError **error, const char *path, gsize max_bytes)
{
  g_autofree char *name = apppass_file_display_name (path);
  g_autofree char *limit = g_format_size_full (max_bytes, G_FORMAT_SIZE_IEC_UNITS);

  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
               _ ("“%s” is too large: apppass reads at most %s from it."), name, limit);
  return FALSE;
}

static gboolean
check_kind (const struct stat *st, const char *path, gsize max_bytes, GError **error)
{
  if (S_ISREG (st->st_mode))
    return (guint64)st->st_size <= max_bytes || too_large (error, path, max_bytes);
  if (S_ISDIR (st->st_mode))
    return refuse (error, G_FILE_ERROR_ISDIR, _ ("“%s” is a folder, not a file."), path);
  if (S_ISFIFO (st->st_mode))
    return refuse (error, G_FILE_ERROR_INVAL,
                   _ ("“%s” is a named pipe (FIFO), not a file: apppass reads only regular "
                      "files."),
                   path);
  if (S_ISCHR (st->st_mode) || S_ISBLK (st->st_mode))
    return refuse (error, G_FILE_ERROR_INVAL,
                   _ ("“%s” is a device, not a file: apppass reads only regular files."), path);
  return refuse (error, G_FILE_ERROR_INVAL,
                 _ ("“%s” is not a regular file: apppass reads only regular files."), path);
}

static gboolean
errno_error (GError **error, const char *format, const char *path, int saved)
{
  g_autofree char *name = apppass_file_display_name (path);

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), format, name,
               g_strerror (saved));
  return FALSE;
}

/* Reads to the end, but never more than @max_bytes: the file may grow
 * after fstat(). @hint is the size fstat() saw. */
static char *
read_bounded (int fd, const char *path, gsize hint, gsize max_bytes, gsize *length, GError **error)
{
  gsize size = MIN (hint, max_bytes) + 1;
  g_autofree char *data = g_malloc (size + 1);
  gsize total = 0;

  while (total <= max_bytes) {
    ssize_t n;

    if (total == size) {
      size = MIN (size * 2, max_bytes + 1);
      data = g_realloc (data, size + 1);
    }
    n = read (fd, data + total, size - total);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      errno_error (error, _ ("Could not read “%s”: %s"), path, errno);
      return NULL;
    }
    if (n == 0)
      break;
    total += (gsize)n;
  }
  if (total > max_bytes) {
    too_large (error, path, max_bytes);
    return NULL;
  }
  data[total] = '\0';
  if (length)
    *length = total;
  return g_steal_pointer (&data);
}

char *
apppass_file_read_regular (const char *path, gsize max_bytes, gsize *length, GError **error)
{
  struct stat st;
  char *data;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  apppass_intl_init ();
  /* Looked at before opening, so that no device is ever opened; checked
   * again on the open file, which is what is read. */
  if (stat (path, &st) == 0 && !check_kind (&st, path, max_bytes, error))
    return NULL;
  fd = open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    errno_error (error, _ ("Could not open “%s”: %s"), path, errno);
    return NULL;
  }
  if (fstat (fd, &st) != 0) {
    errno_error (error, _ ("Could not read “%s”: %s"), path, errno);
    close (fd);
    return NULL;
  }
  data = check_kind (&st, path, max_bytes, error)
             ? read_bounded (fd, path, (gsize)st.st_size, max_bytes, length, error)
             : NULL;
  close (fd);
  return data;
}
