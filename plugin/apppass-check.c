/* apppass — one controller for "check this password, store it, let the client retry"
 *
 * Why a controller of its own: the rule "the old password is never destroyed
 * by an unverified one" must hold the same way wherever a password is checked,
 * and a view that runs the sequence itself (the dialog and the account page
 * each did) keeps its own copy of the rule. The views here only call the
 * controller and show its state; the texts they show stay theirs.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-check.h"

#include "apppass-error.h"
#include "apppass-intl.h"
#include "apppass-login-process.h"
#include "apppass-password.h"

struct _ApppassCheck {
  GObject parent;

  ApppassClient *client;
  ApppassAccount *account;
  ApppassCheckState state;
  GError *error;
  ApppassLoginResult *login;
};

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE (ApppassCheck, apppass_check, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (ApppassCheckState, apppass_check_state,
                    G_DEFINE_ENUM_VALUE (APPPASS_CHECK_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (APPPASS_CHECK_CHECKING, "checking"),
                    G_DEFINE_ENUM_VALUE (APPPASS_CHECK_VERIFIED, "verified"),
                    G_DEFINE_ENUM_VALUE (APPPASS_CHECK_STORED, "stored"),
                    G_DEFINE_ENUM_VALUE (APPPASS_CHECK_FAILED, "failed"))
G_DEFINE_QUARK (apppass - check - error - quark, apppass_check_error)

static void
set_state (ApppassCheck *self, ApppassCheckState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

/* Every run starts clean: a view must never show the last run's failure. */
static GTask *
start (ApppassCheck *self, GCancellable *cancellable, GAsyncReadyCallback callback,
       gpointer user_data, gpointer tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  /* A password stored before a Cancel came is reported as stored. */
  g_task_set_check_cancellable (task, FALSE);
  g_clear_error (&self->error);
  g_clear_pointer (&self->login, apppass_login_result_free);
  return task;
}

/* Takes @task and @error. */
static void
fail (GTask *task, GError *error)
{
  ApppassCheck *self = g_task_get_source_object (task);

  g_task_set_task_data (task, NULL, NULL); /* forgets the password now */
  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  set_state (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                       ? APPPASS_CHECK_IDLE
                       : APPPASS_CHECK_FAILED);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  ApppassCheck *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  g_task_set_task_data (task, NULL, NULL);
  if (!apppass_client_store_password_finish (APPPASS_CLIENT (source), result, &error)) {
    fail (task, g_error_new_literal (APPPASS_CHECK_ERROR, APPPASS_CHECK_ERROR_NOT_STORED,
                                     error ? error->message : "?"));
    return;
  }
  set_state (self, APPPASS_CHECK_STORED);
  /* The one who cancelled is going away (a dialog being destroyed): the
   * client is not told to log in for it. */
  if (!g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    apppass_client_retry_login (self->client, self->account);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  ApppassCheck *self = g_task_get_source_object (task);

  (void)source;
  g_clear_pointer (&self->login, apppass_login_result_free);
  self->login = apppass_login_check_isolated_finish (result);
  if (self->login->outcome != APPPASS_LOGIN_ACCEPTED) {
    fail (task, self->login->error
                    ? g_error_copy (self->login->error)
                    : g_error_new_literal (APPPASS_ERROR, APPPASS_ERROR_NOT_SENT, ""));
    return;
  }
  set_state (self, APPPASS_CHECK_VERIFIED);
  if (g_task_get_source_tag (task) == apppass_check_stored_async) {
    g_task_set_task_data (task, NULL, NULL);
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  /* Not cancellable: a store may be done before it hears of a Cancel, and
   * the view must never say "not saved" of a saved password. */
  apppass_client_store_password (self->client, self->account, g_task_get_task_data (task), NULL,
                                 on_stored, task);
}

/* Takes @password. */
static void
check_login (GTask *task, char *password)
{
  ApppassCheck *self = g_task_get_source_object (task);
  ApppassLoginOptions options = apppass_account_login_options (self->account);

  g_task_set_task_data (task, password, (GDestroyNotify)apppass_password_free);
  set_state (self, APPPASS_CHECK_CHECKING);
  apppass_login_check_isolated (&options, password, g_task_get_cancellable (task), on_checked,
                                task);
}

void
apppass_check_save_async (ApppassCheck *self, const char *pasted, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  GError *error = NULL;
  char *password;

  g_return_if_fail (APPPASS_IS_CHECK (self));
  g_return_if_fail (pasted != NULL);
  task = start (self, cancellable, callback, user_data, apppass_check_save_async);
  password = apppass_password_normalize (pasted, -1, &error);
  if (password == NULL) {
    fail (task, error);
    return;
  }
  check_login (task, password);
}

gboolean
apppass_check_save_finish (ApppassCheck *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  GError *error = NULL;
  char *password = apppass_client_lookup_password_finish (APPPASS_CLIENT (source), result, &error);

  if (password == NULL && error == NULL)
    error = g_error_new_literal (APPPASS_CHECK_ERROR, APPPASS_CHECK_ERROR_NOTHING_STORED,
                                 _ ("No password is saved for this account yet."));
  if (error) {
    apppass_password_free (password);
    fail (task, error);
    return;
  }
  check_login (task, password);
}

void
apppass_check_stored_async (ApppassCheck *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (APPPASS_IS_CHECK (self));
  task = start (self, cancellable, callback, user_data, apppass_check_stored_async);
  set_state (self, APPPASS_CHECK_CHECKING);
  apppass_client_lookup_password (self->client, self->account, cancellable, on_looked_up, task);
}

gboolean
apppass_check_stored_finish (ApppassCheck *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

ApppassCheckState
apppass_check_get_state (ApppassCheck *self)
{
  g_return_val_if_fail (APPPASS_IS_CHECK (self), APPPASS_CHECK_IDLE);
  return self->state;
}

const GError *
apppass_check_get_error (ApppassCheck *self)
{
  g_return_val_if_fail (APPPASS_IS_CHECK (self), NULL);
  return self->error;
}

const ApppassLoginResult *
apppass_check_get_login (ApppassCheck *self)
{
  g_return_val_if_fail (APPPASS_IS_CHECK (self), NULL);
  return self->login;
}

const ApppassAccount *
apppass_check_get_account (ApppassCheck *self)
{
  g_return_val_if_fail (APPPASS_IS_CHECK (self), NULL);
  return self->account;
}

ApppassCheck *
apppass_check_new (ApppassClient *client, const ApppassAccount *account)
{
  ApppassCheck *self;

  g_return_val_if_fail (APPPASS_IS_CLIENT (client), NULL);
  g_return_val_if_fail (account != NULL, NULL);
  apppass_intl_init ();
  self = g_object_new (APPPASS_TYPE_CHECK, NULL);
  self->client = g_object_ref (client);
  self->account = apppass_account_copy (account);
  return self;
}

static void
apppass_check_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_STATE)
    g_value_set_enum (value, APPPASS_CHECK (object)->state);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
apppass_check_finalize (GObject *object)
{
  ApppassCheck *self = APPPASS_CHECK (object);

  g_clear_error (&self->error);
  g_clear_pointer (&self->login, apppass_login_result_free);
  g_clear_pointer (&self->account, apppass_account_free);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (apppass_check_parent_class)->finalize (object);
}

static void
apppass_check_class_init (ApppassCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = apppass_check_get_property;
  object_class->finalize = apppass_check_finalize;
  props[PROP_STATE] =
      g_param_spec_enum ("state", NULL, NULL, APPPASS_TYPE_CHECK_STATE, APPPASS_CHECK_IDLE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
apppass_check_init (ApppassCheck *self)
{
  self->state = APPPASS_CHECK_IDLE;
}
