/* apppass — from "this login failed" to one dialog at a time
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-flow.h"

#include "apppass-intl.h"
#include "apppass-provider.h"
#include "apppass-settings.h"

typedef struct {
  ApppassAccount *account;
  ApppassDiagnosis *diagnosis;
} Waiting;

struct _ApppassFlow {
  GObject parent;

  ApppassClient *client;
  ApppassDialog *dialog;
  GQueue waiting;
  gint64 (*now) (gpointer data);
  gpointer now_data;
  /* apppass_flow_open_over()'s window, for that account's next dialog */
  GtkWindow *over;
  char *over_id;
};

enum {
  DIALOG_SHOWN,
  DIALOG_FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (ApppassFlow, apppass_flow, G_TYPE_OBJECT)

static void
waiting_free (Waiting *w)
{
  apppass_account_free (w->account);
  apppass_diagnosis_free (w->diagnosis);
  g_free (w);
}

static ApppassDiagnosis *
diagnosis_copy (const ApppassDiagnosis *d)
{
  ApppassDiagnosis *copy = g_new (ApppassDiagnosis, 1);

  *copy = *d;
  copy->explanation = g_strdup (d->explanation);
  return copy;
}

static gint64
now_seconds (ApppassFlow *self)
{
  return self->now ? self->now (self->now_data) : g_get_real_time () / G_USEC_PER_SEC;
}

static const ApppassProvider *
provider_for (ApppassFlow *self, const ApppassAccount *account)
{
  ApppassProviderDb *db = apppass_provider_db_get_default ();
  g_autoptr (ApppassSettings) settings = apppass_settings_load (self->client, account->id);
  const ApppassProvider *chosen =
      settings->provider ? apppass_provider_db_lookup (db, settings->provider) : NULL;

  /* A provider the user chose still follows the account's region or family. */
  if (chosen)
    return apppass_provider_resolve (chosen, account->host,
                                     account->address ? account->address : account->user);
  return apppass_provider_db_identify (db, account->protocol, account->host,
                                       account->address ? account->address : account->user);
}

ApppassDiagnosis *
apppass_flow_diagnose_in_context (ApppassFlow *self, const ApppassAccount *account,
                                  const char *server_text, ApppassContext context)
{
  ApppassCause cause =
      server_text ? apppass_classify_in_context (account->protocol, server_text, -1, context)
                  : APPPASS_CAUSE_CREDENTIALS_REJECTED;

  return apppass_diagnosis_new (account->protocol, provider_for (self, account), cause);
}

ApppassDiagnosis *
apppass_flow_diagnose (ApppassFlow *self, const ApppassAccount *account, const char *server_text)
{
  return apppass_flow_diagnose_in_context (self, account, server_text, APPPASS_CONTEXT_NONE);
}

static void show_next (ApppassFlow *self);

/* For the benchmark (tests/bench): APPPASS_BENCH_DIALOG names a file, and a
 * dialog shown at once for a failed login appends the microseconds from
 * apppass_flow_login_failed() to the dialog's window being mapped, and the
 * monotonic time of that moment. */
static gint64 bench_start;

static gboolean
on_bench_mapped (GtkWidget *dialog, GdkEvent *event, gpointer data)
{
  FILE *out = fopen (g_getenv ("APPPASS_BENCH_DIALOG"), "a");

  (void)event;
  (void)data;
  if (out) {
    gint64 now = g_get_monotonic_time ();

    /* the time taken, and when (CLOCK_MONOTONIC, as the test server's) */
    fprintf (out, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", now - bench_start, now);
    fclose (out);
  }
  bench_start = 0;
  g_signal_handlers_disconnect_by_func (dialog, on_bench_mapped, NULL);
  return FALSE;
}

static void
on_finished (ApppassDialog *dialog, int outcome, ApppassFlow *self)
{
  const char *id = apppass_dialog_get_account_id (dialog);
  g_autoptr (ApppassSettings) settings = apppass_settings_load (self->client, id);

  if (outcome == APPPASS_DIALOG_NOT_NOW)
    settings->snoozed_until = now_seconds (self) + (gint64)settings->snooze_minutes * 60;
  else if (outcome == APPPASS_DIALOG_NEVER)
    settings->enabled = FALSE;
  else
    settings->snoozed_until = 0;
  if (outcome == APPPASS_DIALOG_SAVED)
    settings->last_ok_time = now_seconds (self);
  apppass_settings_save (settings, self->client, id);
  g_signal_emit (self, signals[DIALOG_FINISHED], 0, id, outcome);
  self->dialog = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
  show_next (self);
}

/* Destroyed with its parent window (the mail client closing): forget it. */
static void
on_destroyed (GtkWidget *dialog, ApppassFlow *self)
{
  if (self->dialog == (ApppassDialog *)dialog)
    self->dialog = NULL;
}

static void
forget_over (ApppassFlow *self)
{
  if (self->over)
    g_object_remove_weak_pointer (G_OBJECT (self->over), (gpointer *)&self->over);
  self->over = NULL;
  g_clear_pointer (&self->over_id, g_free);
}

static void
show (ApppassFlow *self, const ApppassAccount *account, const ApppassDiagnosis *diagnosis)
{
  self->dialog = apppass_dialog_new (self->client, account, diagnosis);
  if (g_strcmp0 (self->over_id, account->id) == 0) {
    if (self->over)
      apppass_dialog_set_parent (self->dialog, self->over);
    forget_over (self);
  }
  g_signal_connect (self->dialog, "finished", G_CALLBACK (on_finished), self);
  g_signal_connect (self->dialog, "destroy", G_CALLBACK (on_destroyed), self);
  if (bench_start)
    g_signal_connect (self->dialog, "map-event", G_CALLBACK (on_bench_mapped), NULL);
  gtk_window_present (GTK_WINDOW (self->dialog));
  g_signal_emit (self, signals[DIALOG_SHOWN], 0, self->dialog);
}

static void
show_next (ApppassFlow *self)
{
  Waiting *w;

  while (self->dialog == NULL && (w = g_queue_pop_head (&self->waiting))) {
    g_autoptr (ApppassSettings) settings = apppass_settings_load (self->client, w->account->id);

    if (settings->enabled)
      show (self, w->account, w->diagnosis);
    else /* turned off while it waited: finished, so that nothing waits on it */
      g_signal_emit (self, signals[DIALOG_FINISHED], 0, w->account->id, APPPASS_DIALOG_NEVER);
    waiting_free (w);
  }
}

static Waiting *
find_waiting (ApppassFlow *self, const char *id)
{
  for (GList *l = self->waiting.head; l; l = l->next) {
    Waiting *w = l->data;

    if (g_strcmp0 (w->account->id, id) == 0)
      return w;
  }
  return NULL;
}

/* One dialog per account: a newer failure updates what is shown or queued. */
static gboolean
offer (ApppassFlow *self, const ApppassAccount *account, const ApppassDiagnosis *diagnosis)
{
  Waiting *w;

  if (self->dialog && g_strcmp0 (apppass_dialog_get_account_id (self->dialog), account->id) == 0) {
    apppass_dialog_update (self->dialog, diagnosis);
    return TRUE;
  }
  if ((w = find_waiting (self, account->id))) {
    apppass_diagnosis_free (w->diagnosis);
    w->diagnosis = diagnosis_copy (diagnosis);
    return TRUE;
  }
  if (self->dialog == NULL) {
    show (self, account, diagnosis);
    return TRUE;
  }
  w = g_new0 (Waiting, 1);
  w->account = apppass_account_copy (account);
  w->diagnosis = diagnosis_copy (diagnosis);
  g_queue_push_tail (&self->waiting, w);
  return TRUE;
}

static void
remember_problem (ApppassFlow *self, ApppassSettings *settings, const ApppassAccount *account,
                  ApppassCause cause)
{
  if (cause == APPPASS_CAUSE_NOT_AUTH)
    return;
  settings->last_cause = cause;
  settings->last_protocol = account->protocol;
  settings->last_time = now_seconds (self);
  apppass_settings_save (settings, self->client, account->id);
}

/* Whether the failure is ours: help on, an action to offer, and not
 * snoozed (an open or queued dialog for the account takes it anyway). */
static gboolean
wanted (ApppassFlow *self, const char *id, const ApppassSettings *settings,
        const ApppassDiagnosis *diagnosis)
{
  if (!settings->enabled || diagnosis->action == APPPASS_ACTION_NONE)
    return FALSE;
  if (self->dialog && g_strcmp0 (apppass_dialog_get_account_id (self->dialog), id) == 0)
    return TRUE;
  return find_waiting (self, id) != NULL || now_seconds (self) >= settings->snoozed_until;
}

/* What @id's failure means; %NULL for an account the client does not know. */
static ApppassDiagnosis *
assess (ApppassFlow *self, const char *id, ApppassProtocol protocol, const char *server_text,
        ApppassContext context, ApppassAccount **account, ApppassSettings **settings)
{
  *account = apppass_client_describe_account (self->client, id, protocol);
  if (*account == NULL)
    return NULL;
  *settings = apppass_settings_load (self->client, id);
  return apppass_flow_diagnose_in_context (self, *account, server_text, context);
}

gboolean
apppass_flow_login_failed_in_context (ApppassFlow *self, const char *id, ApppassProtocol protocol,
                                      const char *server_text, ApppassContext context)
{
  g_autoptr (ApppassAccount) account = NULL;
  g_autoptr (ApppassSettings) settings = NULL;
  g_autoptr (ApppassDiagnosis) diagnosis = NULL;

  g_return_val_if_fail (APPPASS_IS_FLOW (self), FALSE);
  if (self->dialog == NULL && g_getenv ("APPPASS_BENCH_DIALOG"))
    bench_start = g_get_monotonic_time ();
  diagnosis = assess (self, id, protocol, server_text, context, &account, &settings);
  if (diagnosis == NULL)
    return FALSE;
  remember_problem (self, settings, account, diagnosis->cause);
  if (wanted (self, id, settings, diagnosis) && offer (self, account, diagnosis))
    return TRUE;
  bench_start = 0;
  return FALSE;
}

gboolean
apppass_flow_login_failed (ApppassFlow *self, const char *id, ApppassProtocol protocol,
                           const char *server_text)
{
  return apppass_flow_login_failed_in_context (self, id, protocol, server_text,
                                               APPPASS_CONTEXT_NONE);
}

gboolean
apppass_flow_would_take_in_context (ApppassFlow *self, const char *id, ApppassProtocol protocol,
                                    const char *server_text, ApppassContext context)
{
  g_autoptr (ApppassAccount) account = NULL;
  g_autoptr (ApppassSettings) settings = NULL;
  g_autoptr (ApppassDiagnosis) diagnosis = NULL;

  g_return_val_if_fail (APPPASS_IS_FLOW (self), FALSE);
  diagnosis = assess (self, id, protocol, server_text, context, &account, &settings);
  return diagnosis && wanted (self, id, settings, diagnosis);
}

gboolean
apppass_flow_would_take (ApppassFlow *self, const char *id, ApppassProtocol protocol,
                         const char *server_text)
{
  return apppass_flow_would_take_in_context (self, id, protocol, server_text, APPPASS_CONTEXT_NONE);
}

/* The dialog by hand says what is known: the problem last seen, if no login
 * was accepted since; otherwise only what the provider's policy says
 * (OAuth only) or nothing at all: no cause that nobody observed. */
static ApppassDiagnosis *
diagnose_by_hand (ApppassFlow *self, const ApppassAccount *account, ApppassProtocol protocol)
{
  g_autoptr (ApppassSettings) settings = apppass_settings_load (self->client, account->id);
  const ApppassProvider *provider = provider_for (self, account);
  const char *client = apppass_client_get_name (self->client);
  ApppassDiagnosis *diagnosis;

  if (apppass_settings_problem_stands (settings) && settings->last_protocol == protocol) {
    diagnosis = apppass_diagnosis_new (protocol, provider, settings->last_cause);
    if (diagnosis->action != APPPASS_ACTION_NONE)
      return diagnosis;
    apppass_diagnosis_free (diagnosis);
  }
  if (provider && apppass_provider_get_policy_for (provider, protocol) == APPPASS_POLICY_OAUTH_ONLY)
    return apppass_diagnosis_new (protocol, provider, APPPASS_CAUSE_OAUTH_REQUIRED);
  diagnosis = apppass_diagnosis_new (protocol, provider, APPPASS_CAUSE_APP_PASSWORD_REQUIRED);
  diagnosis->action = APPPASS_ACTION_APP_PASSWORD;
  diagnosis->cause = APPPASS_CAUSE_NOT_AUTH; /* the dialog's "by hand" mode */
  diagnosis->server_named_cause = FALSE;
  g_free (diagnosis->explanation);
  if (provider)
    diagnosis->explanation = g_strdup_printf (
        _ ("No login problem has been seen for this account. If %s asks for an app password, "
           "create one on its page and paste it here: %s checks it with the server before "
           "saving it."),
        apppass_provider_get_name (provider), client);
  else
    diagnosis->explanation = g_strdup_printf (
        _ ("No login problem has been seen for this account. Paste an app password here: %s "
           "checks it with the server before saving it."),
        client);
  return diagnosis;
}

void
apppass_flow_open (ApppassFlow *self, const char *id, ApppassProtocol protocol)
{
  apppass_flow_open_over (self, id, protocol, NULL);
}

void
apppass_flow_open_over (ApppassFlow *self, const char *id, ApppassProtocol protocol,
                        GtkWindow *over)
{
  g_autoptr (ApppassAccount) account = apppass_client_describe_account (self->client, id, protocol);
  g_autoptr (ApppassDiagnosis) diagnosis = NULL;

  if (account == NULL)
    return;
  diagnosis = diagnose_by_hand (self, account, protocol);
  forget_over (self);
  if (over) {
    self->over = over;
    self->over_id = g_strdup (id);
    g_object_add_weak_pointer (G_OBJECT (over), (gpointer *)&self->over);
  }
  offer (self, account, diagnosis);
  if (self->dialog && g_strcmp0 (apppass_dialog_get_account_id (self->dialog), id) == 0) {
    if (over)
      apppass_dialog_set_parent (self->dialog, over);
    gtk_window_present (GTK_WINDOW (self->dialog));
  }
}

ApppassFlow *
apppass_flow_new (ApppassClient *client)
{
  ApppassFlow *self = g_object_new (APPPASS_TYPE_FLOW, NULL);

  self->client = g_object_ref (client);
  /* Provider files are read off the mail client's main thread. */
  apppass_provider_db_preload_default ();
  return self;
}

ApppassClient *
apppass_flow_get_client (ApppassFlow *self)
{
  return self->client;
}

ApppassDialog *
apppass_flow_get_dialog (ApppassFlow *self)
{
  return self->dialog;
}

guint
apppass_flow_get_n_waiting (ApppassFlow *self)
{
  return self->waiting.length;
}

void
apppass_flow_close_all (ApppassFlow *self)
{
  g_queue_clear_full (&self->waiting, (GDestroyNotify)waiting_free);
  if (self->dialog) {
    GtkWidget *dialog = GTK_WIDGET (self->dialog);

    self->dialog = NULL;
    g_signal_handlers_disconnect_by_data (dialog, self);
    gtk_widget_destroy (dialog);
  }
}

void
apppass_flow_set_clock (ApppassFlow *self, gint64 (*now) (gpointer data), gpointer data)
{
  self->now = now;
  self->now_data = data;
}

static void
apppass_flow_dispose (GObject *object)
{
  ApppassFlow *self = APPPASS_FLOW (object);

  apppass_flow_close_all (self);
  forget_over (self);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (apppass_flow_parent_class)->dispose (object);
}

static void
apppass_flow_class_init (ApppassFlowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = apppass_flow_dispose;
  signals[DIALOG_SHOWN] =
      g_signal_new ("dialog-shown", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, APPPASS_TYPE_DIALOG);
  signals[DIALOG_FINISHED] =
      g_signal_new ("dialog-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
}

static void
apppass_flow_init (ApppassFlow *self)
{
  g_queue_init (&self->waiting);
}
