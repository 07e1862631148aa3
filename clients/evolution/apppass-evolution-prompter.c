/* apppass for Evolution — the prompt for a rejected password
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When a server rejects a stored password, Evolution asks its credentials
 * prompter for another one, without the server's words. Registered for the
 * methods of password logins, this prompter shows apppass's dialog where the
 * provider's policy says an app password is the likely cause, and hands every
 * other prompt to Evolution's own password prompter, unchanged. */

#include "apppass-evolution-prompter.h"

#include "apppass-evolution-client.h"
#include "apppass-evolution-extension.h"
#include "apppass-evolution-failure.h"
#include "apppass-evolution-wait.h"

#include <libedataserverui/libedataserverui.h>

typedef struct {
  ECredentialsPrompterImpl parent;
  GHashTable *delegated; /* prompt ids handed to Evolution's prompter */
  GHashTable *ours;      /* prompt id -> Pending, waiting for our dialog */
  gboolean watching_theirs;
} ApppassEvolutionPrompter;

typedef struct {
  ECredentialsPrompterImplClass parent_class;
} ApppassEvolutionPrompterClass;

G_DEFINE_DYNAMIC_TYPE (ApppassEvolutionPrompter, apppass_evolution_prompter,
                       E_TYPE_CREDENTIALS_PROMPTER_IMPL)

/* Password logins: IMAP LOGIN and POP3 USER/PASS are "none"; SMTP and SASL
 * logins name the mechanism. Evolution's prompter keeps "" for the rest. */
static const char *const methods[] = {"none", "PLAIN", "LOGIN", NULL};

typedef struct {
  ApppassEvolutionPrompter *self;
  gpointer prompt_id;
} Pending;

static ECredentialsPrompterImpl *
evolution_prompter (ApppassEvolutionPrompter *self)
{
  ECredentialsPrompter *prompter =
      e_credentials_prompter_impl_get_credentials_prompter (E_CREDENTIALS_PROMPTER_IMPL (self));
  GList *impls = e_extensible_list_extensions (E_EXTENSIBLE (prompter),
                                               E_TYPE_CREDENTIALS_PROMPTER_IMPL_PASSWORD);
  ECredentialsPrompterImpl *impl = impls ? impls->data : NULL;

  g_list_free (impls);
  return impl;
}

static void
on_answer (gpointer data, const char *password)
{
  Pending *p = data;
  ENamedParameters *credentials = NULL;

  if (password) {
    credentials = e_named_parameters_new ();
    e_named_parameters_set (credentials, E_SOURCE_CREDENTIAL_PASSWORD, password);
  }
  g_hash_table_remove (p->self->ours, p->prompt_id);
  /* Without credentials, Evolution's login ends as if its own prompt was cancelled. */
  e_credentials_prompter_impl_prompt_finish (E_CREDENTIALS_PROMPTER_IMPL (p->self), p->prompt_id,
                                             credentials);
  apppass_evolution_credentials_free (credentials);
  g_object_unref (p->self);
  g_free (p);
}

/* A prompt for a password that was stored and then rejected is a failed
 * login; a prompt with none stored is a first sign-in, not ours. */
static gboolean
take (ApppassEvolutionPrompter *self, ApppassEvolutionClient *client, gpointer prompt_id,
      ESource *auth_source, const ENamedParameters *credentials)
{
  const char *stored =
      credentials ? e_named_parameters_get (credentials, E_SOURCE_CREDENTIAL_PASSWORD) : NULL;
  /* Evolution asks again only for a password the server refused: whatever an
   * [ALERT] before it said, the login was refused. */
  ApppassEvolutionFailure failure = {
      .uid = e_source_get_uid (auth_source),
      .refused = TRUE,
      .first_sign_in = stored == NULL || *stored == '\0',
  };
  Pending *p = g_new0 (Pending, 1);

  p->self = self;
  p->prompt_id = prompt_id;
  switch (apppass_evolution_failure_report (client, &failure, on_answer, p)) {
  case APPPASS_EVOLUTION_WAITING:
    g_object_ref (self);
    g_hash_table_insert (self->ours, prompt_id, p);
    return TRUE;
  case APPPASS_EVOLUTION_EXPLAINED:
    g_free (p);
    e_credentials_prompter_impl_prompt_finish (E_CREDENTIALS_PROMPTER_IMPL (self), prompt_id, NULL);
    return TRUE;
  default:
    g_free (p);
    return FALSE;
  }
}

static void
on_theirs_finished (ApppassEvolutionPrompter *self, gpointer prompt_id,
                    const ENamedParameters *credentials)
{
  (void)credentials;
  g_hash_table_remove (self->delegated, prompt_id);
}

static void
apppass_evolution_prompter_process_prompt (ECredentialsPrompterImpl *impl, gpointer prompt_id,
                                           ESource *auth_source, ESource *cred_source,
                                           const char *error_text,
                                           const ENamedParameters *credentials)
{
  ApppassEvolutionPrompter *self = (ApppassEvolutionPrompter *)impl;
  ApppassEvolutionClient *client = apppass_evolution_extension_get_client (e_shell_get_default ());
  ECredentialsPrompterImpl *theirs;

  /* Prompt ids are freed and reused by Evolution: a new one is never "theirs". */
  g_hash_table_remove (self->delegated, prompt_id);
  if (client && apppass_evolution_client_is_quitting (client)) {
    e_credentials_prompter_impl_prompt_finish (impl, prompt_id, NULL);
    return;
  }
  if (client && take (self, client, prompt_id, auth_source, credentials))
    return;
  theirs = evolution_prompter (self);
  if (theirs == NULL) {
    e_credentials_prompter_impl_prompt_finish (impl, prompt_id, NULL);
    return;
  }
  if (!self->watching_theirs) {
    g_signal_connect_object (theirs, "prompt-finished", G_CALLBACK (on_theirs_finished), self,
                             G_CONNECT_SWAPPED);
    self->watching_theirs = TRUE;
  }
  g_hash_table_add (self->delegated, prompt_id);
  e_credentials_prompter_impl_prompt (theirs, prompt_id, auth_source, cred_source, error_text,
                                      credentials);
}

static void
apppass_evolution_prompter_cancel_prompt (ECredentialsPrompterImpl *impl, gpointer prompt_id)
{
  ApppassEvolutionPrompter *self = (ApppassEvolutionPrompter *)impl;
  ECredentialsPrompterImpl *theirs = evolution_prompter (self);

  if (g_hash_table_remove (self->delegated, prompt_id)) {
    if (theirs)
      e_credentials_prompter_impl_cancel_prompt (theirs, prompt_id);
    return;
  }
  /* Our dialog stays for the user to finish; Evolution's login stops waiting. */
  Pending *p = g_hash_table_lookup (self->ours, prompt_id);

  if (p && apppass_evolution_wait_drop (p))
    on_answer (p, NULL);
}

static void
apppass_evolution_prompter_finalize (GObject *object)
{
  ApppassEvolutionPrompter *self = (ApppassEvolutionPrompter *)object;

  g_hash_table_unref (self->delegated);
  g_hash_table_unref (self->ours);
  G_OBJECT_CLASS (apppass_evolution_prompter_parent_class)->finalize (object);
}

static void
apppass_evolution_prompter_class_init (ApppassEvolutionPrompterClass *klass)
{
  ECredentialsPrompterImplClass *impl_class = E_CREDENTIALS_PROMPTER_IMPL_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = apppass_evolution_prompter_finalize;
  impl_class->authentication_methods = (const char *const *)methods;
  impl_class->process_prompt = apppass_evolution_prompter_process_prompt;
  impl_class->cancel_prompt = apppass_evolution_prompter_cancel_prompt;
}

static void
apppass_evolution_prompter_class_finalize (ApppassEvolutionPrompterClass *klass)
{
  (void)klass;
}

static void
apppass_evolution_prompter_init (ApppassEvolutionPrompter *self)
{
  self->delegated = g_hash_table_new (NULL, NULL);
  self->ours = g_hash_table_new (NULL, NULL);
}

void
apppass_evolution_prompter_type_register (GTypeModule *module)
{
  apppass_evolution_prompter_register_type (module);
}
