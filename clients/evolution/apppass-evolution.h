/* apppass for Evolution — the pieces of the module
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <libedataserverui/libedataserverui.h>
#include <shell/e-shell.h>

#include "apppass-flow.h"
#include "apppass-intl.h"

G_BEGIN_DECLS

/* The adapter (apppass-evolution-client.c): accounts are ESources, an account's
 * id is its [Mail Account] source's UID; passwords go through Evolution's
 * credentials provider, settings into an [App Password] group of that source. */
#define APPPASS_EVOLUTION_TYPE_CLIENT (apppass_evolution_client_get_type ())
G_DECLARE_FINAL_TYPE (ApppassEvolutionClient, apppass_evolution_client, APPPASS_EVOLUTION, CLIENT,
                      GObject)

ApppassEvolutionClient *apppass_evolution_client_new (EShell *shell);
/* While the account editor saves @source (its own copy of the account),
 * settings go into that copy, which the editor then writes. */
void apppass_evolution_client_set_editing_source (ApppassEvolutionClient *client, ESource *source);

/* Frees @credentials with the password in them wiped first. */
void apppass_evolution_credentials_free (ENamedParameters *credentials);
/* IMAP or POP3 for a [Mail Account] source; APPPASS_N_PROTOCOLS for others. */
ApppassProtocol apppass_evolution_client_receiving_protocol (ESource *account);
/* The account and side behind a CamelService's (or an ESource's) @uid: the
 * mail account source itself, or the transport source its identity sends with. */
gboolean apppass_evolution_client_find_account (ApppassEvolutionClient *client, const char *uid,
                                                char **account_id, ApppassProtocol *protocol);
/* Where the password for @account_id's @protocol side is kept (an account
 * inside a collection, such as a Google one, keeps it on the collection). */
ESource *apppass_evolution_client_ref_credentials_source (ApppassEvolutionClient *client,
                                                          const char *account_id,
                                                          ApppassProtocol protocol);

/* The source that logs in for @protocol (the account itself for
 * APPPASS_N_PROTOCOLS, its transport for SMTP); NULL where there is none. */
ESource *apppass_evolution_client_ref_side_source (ApppassEvolutionClient *client,
                                                   const char *account_id,
                                                   ApppassProtocol protocol);

/* Switching an account to Evolution's own OAuth 2.0 sign-in and back
 * (apppass-evolution-oauth.c): the ApppassClient interface's oauth methods. */
char *apppass_evolution_oauth_get_help (ApppassClient *client, const ApppassAccount *account);
char *apppass_evolution_oauth_get_name (ApppassClient *client, const ApppassAccount *account);
gboolean apppass_evolution_oauth_can_switch (ApppassClient *client, const ApppassAccount *account);
gboolean apppass_evolution_oauth_switch (ApppassClient *client, const ApppassAccount *account,
                                         GError **error);
gboolean apppass_evolution_oauth_can_undo (ApppassClient *client, const char *account_id);
gboolean apppass_evolution_oauth_undo (ApppassClient *client, const char *account_id,
                                       GError **error);
/* While the account editor (an EMailConfigNotebook) is open for @account_id,
 * Undo changes its copies of the sources, which its OK writes. */
void apppass_evolution_oauth_editor_opened (const char *account_id, GObject *notebook);
/* From our page's commit: an Undo pressed in the editor goes into @sources. */
void apppass_evolution_oauth_editor_commit (const char *account_id, GQueue *sources);

/* The server certificate the user accepted in Evolution for @host, as PEM
 * (apppass-evolution-trust.c). */
char *apppass_evolution_trust_dup_accepted (const char *host, guint16 port);

/* Whether @account_id's password for @protocol is kept by GNOME Online
 * Accounts (or Ubuntu's), where Evolution cannot store one. */
gboolean apppass_evolution_client_is_online_account (ApppassEvolutionClient *client,
                                                     const char *account_id,
                                                     ApppassProtocol protocol);
/* For such an account, a failure apppass would take gets an explanation and
 * a button to Online Accounts instead of the dialog (apppass-evolution-goa.c).
 * TRUE when shown (or already on screen). */
gboolean apppass_evolution_goa_explain (ApppassEvolutionClient *client, const char *account_id,
                                        ApppassProtocol protocol, const char *server_text,
                                        ApppassContext context);

/* The flow that shows this client's dialogs, made on first use, on the main thread. */
ApppassFlow *apppass_evolution_client_get_flow (ApppassEvolutionClient *client);
/* Evolution prepares to quit: logins waiting for a dialog end at once,
 * unanswered, and the dialogs close. */
void apppass_evolution_client_quit (ApppassEvolutionClient *client);
gboolean apppass_evolution_client_is_quitting (ApppassEvolutionClient *client);

/* The extension of Evolution's shell that owns the adapter (apppass-evolution-extension.c). */
void apppass_evolution_extension_type_register (GTypeModule *module);
/* (nullable): @shell's adapter; from any thread. */
ApppassEvolutionClient *apppass_evolution_extension_get_client (EShell *shell);

/* What Evolution knows of a failed login (apppass-evolution-failure.c). */
typedef struct {
  const char *uid; /* of the CamelService, or of the ESource the prompt is for */
  /* (nullable): the server's words; without them, a held-back [ALERT]'s */
  const char *server_text;
  gboolean refused;           /* Evolution knows the server refused the password */
  gboolean first_sign_in;     /* a prompt with no password stored: not a failure */
  gboolean cant_authenticate; /* Camel's CANT_AUTHENTICATE */
  gboolean cannot_prompt;     /* Evolution may not ask (G_IO_ERROR_NOT_SUPPORTED) */
} ApppassEvolutionFailure;

typedef enum {
  APPPASS_EVOLUTION_LEFT_TO_EVOLUTION, /* not apppass's: Evolution handles it */
  APPPASS_EVOLUTION_EXPLAINED,         /* Online Accounts explained; the login ends */
  APPPASS_EVOLUTION_WAITING,           /* the dialog has it; @done will run */
} ApppassEvolutionTaken;

/* Logins of Evolution's that wait for the dialog's answer
 * (apppass-evolution-wait.c), all on the main thread. */
typedef void (*ApppassEvolutionWaitDone) (gpointer data, const char *password);
/* @done runs once: with the new, verified password, or with %NULL when the
 * dialog ended without one (or the wait was dropped). */
void apppass_evolution_wait_add (const char *account_id, ApppassProtocol protocol,
                                 ApppassEvolutionWaitDone done, gpointer data);
guint apppass_evolution_wait_saved (const char *account_id, ApppassProtocol protocol,
                                    const char *password);
void apppass_evolution_wait_ended (const char *account_id);
gboolean apppass_evolution_wait_pending (const char *account_id, ApppassProtocol protocol);
gboolean apppass_evolution_wait_drop (gpointer data);
void apppass_evolution_wait_end_all (void);
/* Watches @flow's dialogs so that a closed or destroyed one ends its waits. */
void apppass_evolution_wait_watch (ApppassFlow *flow);

/* One path for both (apppass-evolution-failure.c): what becomes of @failure.
 * For APPPASS_EVOLUTION_WAITING, @done runs with @data once the dialog ends. */
ApppassEvolutionTaken apppass_evolution_failure_report (ApppassEvolutionClient *client,
                                                        const ApppassEvolutionFailure *failure,
                                                        ApppassEvolutionWaitDone done,
                                                        gpointer data);

/* Our ECredentialsPrompterImpl (apppass-evolution-prompter.c): the prompt
 * Evolution shows when a stored password is rejected. */
void apppass_evolution_prompter_type_register (GTypeModule *module);

/* The wrapper of the mail session's authenticate_sync that sees the errors
 * carrying the server's words (apppass-evolution-session.c). */
void apppass_evolution_session_hook_install (void);
void apppass_evolution_session_hook_remove (void);

/* [ALERT]s held back from Evolution's message bar (apppass-evolution-alerts.c). */
typedef void (*ApppassEvolutionAlertShow) (CamelSession *session, CamelService *service,
                                           CamelSessionAlertType type, const char *text);
/* Keeps @text for @service's failure to come; @show shows it in Evolution
 * if none comes within 30 seconds, or when apppass does not take it. */
void apppass_evolution_alerts_hold (CamelSession *session, CamelService *service,
                                    CamelSessionAlertType type, const char *text,
                                    ApppassEvolutionAlertShow show);
/* (nullable): the [ALERT] held for the service @uid, if it came in the last minute. */
char *apppass_evolution_alerts_peek (const char *uid);
/* Drops it (apppass's dialog shows it), or shows it in Evolution after all. */
void apppass_evolution_alerts_forget (const char *uid);
void apppass_evolution_alerts_show (const char *uid);

/* Our settings in the account's .source file (apppass-evolution-source.c). */
#define APPPASS_EVOLUTION_SOURCE_EXTENSION_APPPASS "App Password"
void apppass_evolution_settings_type_register (GTypeModule *module);
GType apppass_evolution_settings_get_type (void);
char *apppass_evolution_settings_dup (ESource *source, const char *key);
void apppass_evolution_settings_set (ESource *source, const char *key, const char *value);

/* Our page in the account editor (apppass-evolution-page.c), and the
 * extension that adds it (apppass-evolution-page-adder.c). */
void apppass_evolution_page_type_register (GTypeModule *module);
GtkWidget *apppass_evolution_page_new (ApppassEvolutionClient *client, ESource *account,
                                       ApppassProtocol protocol);
void apppass_evolution_page_adder_type_register (GTypeModule *module);

G_END_DECLS
