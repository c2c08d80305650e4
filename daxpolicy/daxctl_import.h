/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * import-daxctl: daxctl's persistent reconfiguration (the
 * [reconfigure-device NAME] sections of the *.conf files in /etc/daxctl.conf.d, which
 * daxctl applies through its own udev rule) as dax-policy rules.
 *
 *   nvdimm.uuid = U        uuid = U
 *   mode = system-ram      mode = system-ram, destroy-pmem-data = yes (daxctl
 *                          gives the namespace to the kernel as RAM: that
 *                          is what it asked for); mode = devdax as is
 *   online = false         online = offline
 *   movable = false        online = normal (else movable, daxctl's default)
 *
 * Sections and keys dax-policy has no counterpart for are warned about
 * (FILE:LINE) and skipped; a value daxctl would not take is an error.
 */
#ifndef DAXPOLICY_DAXCTL_IMPORT_H
#define DAXPOLICY_DAXCTL_IMPORT_H

#include <stdio.h>

#include "errlist.h"

#define DAXCTL_CONF_DIR "/etc/daxctl.conf.d"

struct daxctl_import {
	FILE *out;		/* the rules, as a drop-in's text */
	FILE *err;		/* errors and warnings; stderr when NULL */
	struct errlist *errors; /* errors kept too (--json); may be NULL */
	unsigned nerrors, nwarnings, nrules;
};

/* Every .conf file of DIR, in lexical order. 0, or -1 when anything was wrong
 * (then the text is not to be used). */
int daxctl_import_dir(struct daxctl_import *imp, const char *dir);
/* One file's text, as FILE (for the tests). */
void daxctl_import_text(struct daxctl_import *imp, const char *file, const char *text, size_t len);

#endif
