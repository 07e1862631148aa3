/* apppass — reading small files that may not be files
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bounds for the files apppass reads. */
#define APPPASS_FILE_MAX_CA       (1024 * 1024)
#define APPPASS_FILE_MAX_PROVIDER (256 * 1024)

/**
 * apppass_file_read_regular:
 * @path: the file; a symbolic link is followed
 * @max_bytes: the largest size accepted
 * @length: (out) (optional): the number of bytes read
 *
 * Reads a regular file whole without ever waiting on it: a FIFO, a device,
 * a socket or a directory is refused at once, and so is a file larger than
 * @max_bytes. Every message names the file and is translated.
 *
 * Returns: the bytes with a NUL after them, or %NULL with @error set
 */
char *apppass_file_read_regular (const char *path, gsize max_bytes, gsize *length, GError **error);
/* A file's name as it may be shown: in UTF-8, no control or format character. */
char *apppass_file_display_name (const char *path);

G_END_DECLS
