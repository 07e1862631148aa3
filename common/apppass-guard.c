/* apppass — what libetpan must never read
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-guard.h"

#include <string.h>

/* The bytes before a ']' that make it dangerous at the end of a line. */
#define CODE_LENGTH 6
#define END_OF_LINE (-2)
/* How far past such a ']' text is looked for; blanks beyond it count as none. */
#define MAX_BLANKS 60

struct _ApppassGuardStream {
  GFilterInputStream parent_instance;
  char recent[CODE_LENGTH]; /* the last bytes handed out, oldest first */
  guint8 ahead[MAX_BLANKS]; /* read from the base, not handed out yet */
  gsize n_ahead;
  gboolean base_ended; /* the base said end of file, after the bytes ahead */
};

G_DEFINE_TYPE (ApppassGuardStream, apppass_guard_stream, G_TYPE_FILTER_INPUT_STREAM)

static gboolean
code_without_text (const ApppassGuardStream *g)
{
  return g_ascii_strncasecmp (g->recent, "[ALERT", CODE_LENGTH) == 0 ||
         g_ascii_strncasecmp (g->recent, "[PARSE", CODE_LENGTH) == 0;
}

static void
remember (ApppassGuardStream *g, char c)
{
  memmove (g->recent, g->recent + 1, CODE_LENGTH - 1);
  g->recent[CODE_LENGTH - 1] = c;
}

/* The byte @k places after the end of the bytes being handed out: END_OF_LINE
 * at the end of the stream. libetpan waits for the rest of the line anyway,
 * so reading it now blocks no longer; an error comes again on the next read. */
static int
peek (ApppassGuardStream *g, gsize k, GCancellable *cancellable)
{
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (g));

  while (g->n_ahead <= k && !g->base_ended) {
    gssize n = g_input_stream_read (base, g->ahead + g->n_ahead, 1, cancellable, NULL);

    if (n <= 0) {
      g->base_ended = n == 0;
      break;
    }
    g->n_ahead++;
  }
  return k < g->n_ahead ? g->ahead[k] : END_OF_LINE;
}

/* The byte @k places after buffer[i]. */
static int
after (ApppassGuardStream *g, const char *buffer, gsize length, gsize i, gsize k,
       GCancellable *cancellable)
{
  return i + k < length ? (guint8)buffer[i + k] : peek (g, i + k - length, cancellable);
}

/* Whether text follows buffer[i] on its line, after blanks. */
static gboolean
text_follows (ApppassGuardStream *g, const char *buffer, gsize length, gsize i,
              GCancellable *cancellable)
{
  for (gsize k = 1; k < MAX_BLANKS; k++) {
    int c = after (g, buffer, length, i, k, cancellable);

    /* libetpan's parser reads a NUL as the end of the line */
    if (c == '\r' || c == '\n' || c == '\0' || c == END_OF_LINE)
      return FALSE;
    if (c != ' ' && c != '\t')
      return TRUE;
  }
  return FALSE;
}

/* libetpan crashes on [ALERT] or [PARSE] with only blanks after it on its line. */
static void
defuse (ApppassGuardStream *g, char *buffer, gsize length, GCancellable *cancellable)
{
  for (gsize i = 0; i < length; i++) {
    if (buffer[i] == '\t')
      buffer[i] = ' ';
    else if (buffer[i] == ']' && code_without_text (g) &&
             !text_follows (g, buffer, length, i, cancellable))
      buffer[i] = ' ';
    remember (g, buffer[i]);
  }
}

static gssize
guard_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
            GError **error)
{
  ApppassGuardStream *g = APPPASS_GUARD_STREAM (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  gssize n;

  if (count == 0)
    return 0;
  if (g->n_ahead > 0) {
    n = (gssize)MIN (count, g->n_ahead);
    memcpy (buffer, g->ahead, (gsize)n);
    memmove (g->ahead, g->ahead + n, g->n_ahead - (gsize)n);
    g->n_ahead -= (gsize)n;
  } else if (g->base_ended) {
    return 0;
  } else if ((n = g_input_stream_read (base, buffer, count, cancellable, error)) <= 0) {
    return n;
  }
  defuse (g, buffer, (gsize)n, cancellable);
  return n;
}

static void
apppass_guard_stream_class_init (ApppassGuardStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = guard_read;
}

static void
apppass_guard_stream_init (ApppassGuardStream *g)
{
  (void)g;
}

GInputStream *
apppass_guard_stream_new (GInputStream *base)
{
  return g_object_new (APPPASS_TYPE_GUARD_STREAM, "base-stream", base, "close-base-stream", FALSE,
                       NULL);
}
