/* apppass benchmark — what showing the dialog costs the mail client's main loop
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plugins build and present the dialog inside one main-loop event (a
 * logged line, in Claws Mail); the aim is under 16 ms, one frame. This
 * builds and presents it RUNS times per layout (APPPASS_BENCH_RUNS, default
 * 40) on the display it is given (tests/lib/x-session.sh: Xvfb with the
 * accessibility bus, as in the Claws load test), and prints in milliseconds
 * the median, 99th percentile and maximum of
 *   - building and presenting it (that one event), and
 *   - the longest single main-loop dispatch afterwards, until it is drawn
 *     (GTK's own layout and first paint),
 * with the same figures for a GtkMessageDialog of similar text as a
 * baseline, and the ratio of the medians. The first round is not counted
 * (it loads the theme, fonts, icons and widget classes once per process): its
 * figure is printed on its own. CPU time (this thread's) is printed beside
 * the medians: steadier than wall time on a shared machine. Figures, never a
 * pass mark. */

#include <stdlib.h>
#include <time.h>

#include "apppass-dialog.h"
#include "apppass-test-client.h"

typedef struct {
  const char *name;
  const char *host;
  const char *user;
  const char *text;
} Layout;

static const Layout layouts[] = {
    {"app password (Google)", "imap.gmail.com", "ann@gmail.com",
     "a1 NO [ALERT] Application-specific password required: "
     "https://support.google.com/accounts/answer/185833 (Failure)"},
    {"OAuth 2.0 (Outlook.com)", "outlook.office365.com", "bob@outlook.com",
     "a1 NO AUTHENTICATE failed."},
    {"web sign-in (Google)", "imap.gmail.com", "ann@gmail.com",
     "a1 NO [WEBALERT https://accounts.google.com/signin/continue] Web login required."},
};

typedef struct {
  GArray *build; /* microseconds, gint64 */
  GArray *paint;
  GArray *cpu;
} Figures;

static gint64
now (void)
{
  return g_get_monotonic_time ();
}

static gint64
cpu_now (void)
{
  struct timespec t;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t);
  return (gint64)t.tv_sec * G_USEC_PER_SEC + t.tv_nsec / 1000;
}

static Figures
figures_new (void)
{
  return (Figures){g_array_new (FALSE, FALSE, sizeof (gint64)),
                   g_array_new (FALSE, FALSE, sizeof (gint64)),
                   g_array_new (FALSE, FALSE, sizeof (gint64))};
}

static void
figures_clear (Figures *f)
{
  g_array_unref (f->build);
  g_array_unref (f->paint);
  g_array_unref (f->cpu);
}

static gboolean
on_draw (GtkWidget *widget, cairo_t *cr, gboolean *drawn)
{
  (void)widget, (void)cr;
  *drawn = TRUE;
  return FALSE;
}

/* Runs the main loop until @window has been drawn and nothing happened for a
 * while; returns the longest single dispatch. */
static gint64
settle (GtkWidget *window, gboolean *drawn)
{
  gint64 longest = 0, quiet_since = now (), end = now () + 3 * G_USEC_PER_SEC;

  while (now () < end) {
    gint64 start = now ();

    if (g_main_context_iteration (NULL, FALSE)) {
      longest = MAX (longest, now () - start);
      quiet_since = now ();
    } else if ((window == NULL || *drawn) && now () - quiet_since > 30000) {
      break;
    } else {
      g_usleep (1000);
    }
  }
  return longest;
}

static GtkWidget *
baseline_dialog (const ApppassDiagnosis *d)
{
  GtkWidget *dialog =
      gtk_message_dialog_new (NULL, 0, GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                              "%s needs an app password for %s", "Google", "Test Mail");

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", d->explanation);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), "_Not now", GTK_RESPONSE_CANCEL, "Check and _save",
                          GTK_RESPONSE_OK, NULL);
  return dialog;
}

/* Returns the wall time of building and presenting. */
static gint64
show_once (TestClient *client, const ApppassAccount *account, const ApppassDiagnosis *d,
           gboolean baseline, Figures *figures)
{
  gboolean drawn = FALSE;
  gint64 start = now (), cpu_start = cpu_now (), built, cpu, paint;
  GtkWidget *dialog;

  dialog = baseline ? baseline_dialog (d)
                    : GTK_WIDGET (apppass_dialog_new (APPPASS_CLIENT (client), account, d));
  gtk_window_present (GTK_WINDOW (dialog));
  built = now () - start;
  cpu = cpu_now () - cpu_start;
  g_signal_connect_after (dialog, "draw", G_CALLBACK (on_draw), &drawn);
  paint = settle (dialog, &drawn);
  gtk_widget_destroy (dialog);
  settle (NULL, NULL);
  if (figures) {
    g_array_append_val (figures->build, built);
    g_array_append_val (figures->paint, paint);
    g_array_append_val (figures->cpu, cpu);
  }
  return built;
}

static int
compare (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

static double
ms_at (GArray *values, double quantile)
{
  guint i = (guint)(quantile * (values->len - 1) + 0.5);

  return g_array_index (values, gint64, i) / 1000.0;
}

/* Prints the figures and returns the median build time. */
static double
report (const char *name, Figures *f)
{
  g_array_sort (f->build, compare);
  g_array_sort (f->paint, compare);
  g_array_sort (f->cpu, compare);
  g_print ("  %-28s build+present %6.2f / %6.2f / %6.2f (CPU %5.2f)   first paint %6.2f / %6.2f "
           "/ %6.2f\n",
           name, ms_at (f->build, 0.5), ms_at (f->build, 0.99), ms_at (f->build, 1.0),
           ms_at (f->cpu, 0.5), ms_at (f->paint, 0.5), ms_at (f->paint, 0.99),
           ms_at (f->paint, 1.0));
  return ms_at (f->build, 0.5);
}

static ApppassAccount *
account_for (const Layout *layout)
{
  ApppassAccount *a = g_new0 (ApppassAccount, 1);

  a->id = g_strdup ("1");
  a->display_name = g_strdup ("Work");
  a->address = g_strdup (layout->user);
  a->protocol = APPPASS_PROTOCOL_IMAP;
  a->host = g_strdup (layout->host);
  a->port = 993;
  a->security = APPPASS_SECURITY_TLS;
  a->user = g_strdup (layout->user);
  a->remember_password = TRUE;
  return a;
}

int
main (int argc, char **argv)
{
  const char *env = g_getenv ("APPPASS_BENCH_RUNS");
  guint runs = env ? (guint)atoi (env) : 40;
  g_autoptr (TestClient) client = NULL;
  Figures all = figures_new (), base = figures_new ();
  gint64 cold = 0;
  double ours;

  gtk_init (&argc, &argv);
  client = test_client_new ();
  g_print ("Showing the dialog, %u runs per layout after a warm-up; ms median / 99th percentile "
           "/ max:\n",
           runs);
  for (guint l = 0; l < G_N_ELEMENTS (layouts); l++) {
    g_autoptr (ApppassAccount) account = account_for (&layouts[l]);
    g_autoptr (ApppassDiagnosis) d =
        apppass_diagnose (apppass_provider_db_get_default (), APPPASS_PROTOCOL_IMAP,
                          layouts[l].host, layouts[l].user, layouts[l].text, -1);
    Figures one = figures_new ();
    gint64 first;

    test_client_add_account (client, account);
    first = show_once (client, account, d, FALSE, NULL);
    if (l == 0)
      cold = first;
    if (l == 0)
      show_once (client, account, d, TRUE, NULL);
    for (guint i = 0; i < runs; i++) {
      show_once (client, account, d, FALSE, &one);
      if (l == 0)
        show_once (client, account, d, TRUE, &base);
    }
    g_array_append_vals (all.build, one.build->data, one.build->len);
    g_array_append_vals (all.paint, one.paint->data, one.paint->len);
    g_array_append_vals (all.cpu, one.cpu->data, one.cpu->len);
    report (layouts[l].name, &one);
    figures_clear (&one);
  }
  ours = report ("all layouts", &all);
  report ("GtkMessageDialog (baseline)", &base);
  g_print ("building and presenting the dialog takes %.1f times as long as the baseline's "
           "(medians)\n",
           ours / ms_at (base.build, 0.5));
  g_print ("the first dialog in the process (cold) took %.2f ms to build and present\n",
           cold / 1000.0);
  figures_clear (&all);
  figures_clear (&base);
  return 0;
}
