/* apppass — errors shared by the common library
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-error.h"

G_DEFINE_QUARK (apppass - error - quark, apppass_error)
