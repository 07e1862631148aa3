/* apppass — wiping memory that held a password
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Zeroes @length bytes at @data in a way the compiler keeps, even just before
 * a free. No library call: safe in a signal handler (the prompt wipes its
 * buffer from one). */
void apppass_wipe (volatile void *data, gsize length);

/* apppass_wipe() then g_free(); %NULL is fine. */
void apppass_wipe_free (gpointer data, gsize length);

G_END_DECLS
