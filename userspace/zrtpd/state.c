// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel cannot tell a restarted daemon: the SAS, the algorithms,
 * the peer's ZID and the verified flag of each secure flow.  One line per
 * event, tab-separated, appended on SECURE and on verify; on start the file
 * is read once (last line of a 4-tuple wins) and rewritten with only the
 * flows the kernel still has.  No secret is ever written here.
 *
 *   local  remote  sas  hash  cipher  auth  ka  sas_type  profile
 *   peer_zid(hex)  verified(0|1)  cache  initiator(0|1)  watch(0|1)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "zrtpd.h"
#include "util.h"

static void write_line(FILE *f, const struct zrtpd_session *s)
{
	char l[64], r[64], zid[25];

	zrtpd_hex(s->peer_zid, sizeof(s->peer_zid), zid);
	fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n",
		ksrtp_format_sockaddr(&s->flow.local, l, sizeof(l)),
		ksrtp_format_sockaddr(&s->flow.remote, r, sizeof(r)),
		s->sas[0] ? s->sas : "-", s->hash, s->cipher, s->auth, s->ka, s->sas_type,
		s->profile, zid, s->verified, (int)s->cache, s->initiator, s->from_watch);
}

/* The SAS and peer ZIDs are for the operator only: 0600, whatever the umask. */
static FILE *open_private(const char *path, int flags, const char *mode)
{
	int fd = open(path, flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0)
		return NULL;
	fchmod(fd, 0600);	/* a file left by an older zrtpd */
	f = fdopen(fd, mode);
	if (!f)
		close(fd);
	return f;
}

void zrtpd_state_save(struct zrtpd *d, const struct zrtpd_session *s)
{
	FILE *f;

	if (!d->cfg.state_path[0])
		return;
	f = open_private(d->cfg.state_path, O_APPEND, "a");
	if (!f) {
		zrtpd_log(d, 0, "state file %s: %m", d->cfg.state_path);
		return;
	}
	write_line(f, s);
	fclose(f);
}

static void copy_field(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", strcmp(src, "-") ? src : "");
}

static void restore_line(struct zrtpd *d, char *line)
{
	char *fld[14], *save = NULL, *p;
	struct ksrtp_sockaddr l, r;
	struct zrtpd_session *s;
	int n = 0;

	line[strcspn(line, "\n")] = 0;
	for (p = strtok_r(line, "\t", &save); p && n < 14; p = strtok_r(NULL, "\t", &save))
		fld[n++] = p;
	if (n < 13 || ksrtp_parse_sockaddr(fld[0], &l) || ksrtp_parse_sockaddr(fld[1], &r))
		return;
	s = zrtpd_session_by_tuple(d, &l, &r);
	if (!s || !s->resumed)
		return;
	s->restored = true;
	copy_field(s->sas, sizeof(s->sas), fld[2]);
	copy_field(s->hash, sizeof(s->hash), fld[3]);
	copy_field(s->cipher, sizeof(s->cipher), fld[4]);
	copy_field(s->auth, sizeof(s->auth), fld[5]);
	copy_field(s->ka, sizeof(s->ka), fld[6]);
	copy_field(s->sas_type, sizeof(s->sas_type), fld[7]);
	copy_field(s->profile, sizeof(s->profile), fld[8]);
	s->have_peer_zid = !zrtpd_unhex(fld[9], s->peer_zid, sizeof(s->peer_zid));
	s->verified = atoi(fld[10]) != 0;
	s->cache = (enum zrtp_cache_status)atoi(fld[11]);
	s->initiator = atoi(fld[12]) != 0;
	s->from_watch = n > 13 && atoi(fld[13]) != 0;	/* idle GC applies again */
}

void zrtpd_state_restore(struct zrtpd *d)
{
	char line[512], tmp[PATH_MAX + 8];
	unsigned int b;
	FILE *f;

	if (!d->cfg.state_path[0])
		return;
	f = fopen(d->cfg.state_path, "re");
	if (f) {
		while (fgets(line, sizeof(line), f))
			restore_line(d, line);
		fclose(f);
	}
	/* rewrite: only the secure flows the kernel still has */
	snprintf(tmp, sizeof(tmp), "%s.new", d->cfg.state_path);
	f = open_private(tmp, O_TRUNC, "w");
	if (!f)
		return;
	for (b = 0; b < d->nbuckets; b++) {
		const struct zrtpd_session *s;

		for (s = d->by_id[b]; s; s = s->next_id)
			if (s->state == ZS_SECURE && !zrtpd_relay_not_ours(s))
				write_line(f, s);
	}
	if (fclose(f) == 0)
		rename(tmp, d->cfg.state_path);
	else
		unlink(tmp);
}
