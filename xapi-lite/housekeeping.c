/*
 * Once a second: collect finished tasks after XAPI's completed_task_timeout and stuck ones
 * after pending_task_timeout, forget event.register subscriptions of sessions that are
 * gone, beat the pool's heartbeat (host_metrics.last_updated) once a minute, bring the
 * SRs' space figures up to date every half minute (guests fill their sparse disks, as
 * XAPI's periodic SR scan sees), on the xen backend reconcile power states with the
 * domains Xen runs, give the statistics' sampler its turn and write the archives that are
 * due (stats.c), give a journal the full disk made read-only its chance again, and raise
 * the alerts other programs left (alerts.c) and reread the image slots every few seconds.
 */
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "hval.h"
#include "journal.h"
#include "stats.h"
#include "storage.h"
#include "xapi.h"

#define COMPLETED_TASK_TIMEOUT	3900		/* seconds, as xapi_globs */
#define PENDING_TASK_TIMEOUT	86400
#define HEARTBEAT		60
#define SR_ACCOUNT		30

static void
collect_tasks(struct xapi *x, long long now)
{
	char	done_before[20], pending_before[20];
	size_t	i;

	hval_format_time(now - COMPLETED_TASK_TIMEOUT, done_before);
	hval_format_time(now - PENDING_TASK_TIMEOUT, pending_before);
	/* Datetimes are YYYYMMDDTHH:MM:SSZ: text order is time order. */
	for (i = x->db.n[C_task]; i-- > 0;) {
		struct obj	*t = x->db.objs[C_task][i];
		int		 pending = strcmp(db_str(&x->db, t, F_task_status), "pending") == 0;

		if (pending ? strcmp(db_str(&x->db, t, F_task_created), pending_before) < 0 :
		    strcmp(db_str(&x->db, t, F_task_finished), done_before) < 0)
			db_destroy(&x->db, t);
	}
}

static void
forget_registrations(struct xapi *x)
{
	struct reg	**gp = &x->regs, *g;

	while ((g = *gp) != NULL) {
		if (db_find(&x->db, g->session, REF_LEN) == NULL) {
			*gp = g->next;
			free(g->classes);
			free(g);
		} else
			gp = &g->next;
	}
}

void
housekeeping(struct xapi *x)
{
	long long	now = clock_unix();
	struct obj	*m;

	collect_tasks(x, now);
	forget_registrations(x);
	if (x->journal != NULL)
		journal_retry(x->journal, &x->db);
	/* The xen backend: what Xen runs. */
	if (x->xen != NULL)
		xen_tick(x);
	/* The sampler's turn (it samples every RRD_STEP s) and the archives' writes. */
	stats_tick(x);
	if (now - x->sr_accounted >= SR_ACCOUNT) {
		size_t	i;

		x->sr_accounted = now;
		for (i = 0; i < x->db.n[C_SR]; i++)
			storage_account(x, x->db.objs[C_SR][i]);
	}
	if (now - x->alerts_scanned >= ALERTS_EVERY) {
		x->alerts_scanned = now;
		alerts_scan(x);
		/* atoll-upgrade changes the image slots while the host runs. */
		if (x->xen != NULL)
			host_software_version(x, HOST_SLOTS_RECORD);
	}
	if (now - x->heartbeat >= HEARTBEAT) {
		x->heartbeat = now;
		m = db_find(&x->db, db_str(&x->db, x->host, F_host_metrics), REF_LEN);
		if (m != NULL)
			db_set(&x->db, m, F_host_metrics_last_updated, hval_datetime(now));
	}
}

void
housekeeping_free(struct xapi *x)
{
	struct reg	*g;

	while ((g = x->regs) != NULL) {
		x->regs = g->next;
		free(g->classes);
		free(g);
	}
}
