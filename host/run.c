/* SPDX-License-Identifier: MIT */
/*
 * run.c - nvmesim_run(): everything around a replay.
 *
 * The order: open the trace (its settings, with the --set overrides that are
 * not "profile.*"), pick the device profile (--profile over the trace's
 * `profile:`), load it, apply the "profile.*" overrides and check it, build
 * the simulated controller from the profile and the trace's namespaces, open
 * the end with the register log and the controller's diagnostics routed to
 * the caller, bring the controller up with the host driver (unless the trace
 * says `init: manual`), hand everything to the runner (runner.c), and close
 * it all again on every path, failed or not.
 *
 * A profile name is looked up as NAME.yaml in, in this order: the caller's
 * profiles folder, $NVMESIM_PROFILES, the source tree's profiles/ and the
 * installed data folder's profiles/.  A value with a '/' or ending in .yaml
 * is a path.  A trace without a profile uses the built-in one
 * (nvmesim_profile_default, the same values as profiles/gen4-tlc.yaml).
 *
 * With the backend "vfio:BDF" the end is a real controller (hw/vfio.c): the
 * whole trace is first read once to refuse one that changes data unless
 * writes are allowed (hw/writes.c), host memory is asked for in hugepages,
 * the report names the drive by its Identify model number, and the modeled
 * host CPU time is left at 0 (real time has no model).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/hostmem.h"
#include "host/runner.h"
#include "hw/vfio-internal.h"

/* struct run_ctx - what nvmesim_run() holds, released in one place */
struct run_ctx {
	const struct nvmesim_run_opts *opts;   /* the caller's options */
	struct nvmesim_trace *trace;            /* the trace reader */
	struct nvmesim_profile profile;         /* the profile (the end points at it) */
	struct nvmesim_end *end;                /* the controller end */
	struct nvmesim_host *host;              /* the host driver, NULL in init: manual */
	const char **trace_sets;                /* the overrides that are the trace's */
	unsigned int nr_trace_sets;             /* entries in @trace_sets */
	bool vfio;                              /* backend vfio:BDF, not the simulator */
	char bdf[NVMESIM_VFIO_BDF_LEN];         /* its PCI address */
};

/* run_ctrl_log - a controller diagnostic, to on_message */
static void run_ctrl_log(void *arg, const char *line)
{
	const struct nvmesim_run_opts *o = arg;

	if (o->on_message)
		o->on_message(o->arg, line);
}

/* run_exists - whether @path names a readable file */
static bool run_exists(const char *path)
{
	return access(path, R_OK) == 0;
}

/* run_is_path - whether a profile value names a file rather than a profile */
static bool run_is_path(const char *v)
{
	size_t n = strlen(v);

	return strchr(v, '/') || (n > 5 && !strcmp(v + n - 5, ".yaml"));
}

/*
 * run_find_profile - the file of profile @name into @buf; 0, or -EINVAL with a
 * message that lists the folders searched
 */
static int run_find_profile(const struct nvmesim_run_opts *o, const char *name, char *buf,
			    size_t len, struct nvmesim_diag *diag)
{
	const char *dirs[4], *env = getenv("NVMESIM_PROFILES");
	char tried[400];
	unsigned int n = 0, i;
	size_t used = 0;

	if (run_is_path(name)) {
		snprintf(buf, len, "%s", name);
		if (run_exists(buf))
			return 0;
		nvmesim_diag_set(diag, "profile '%s': no such file", name);
		return -EINVAL;
	}
	if (o->profiles_dir)
		dirs[n++] = o->profiles_dir;
	if (env && *env)
		dirs[n++] = env;
	dirs[n++] = NVMESIM_SRCDIR "/profiles";
	dirs[n++] = NVMESIM_DATADIR "/profiles";
	tried[0] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(buf, len, "%s/%s.yaml", dirs[i], name);
		if (run_exists(buf))
			return 0;
		used += (size_t)snprintf(tried + used, used < sizeof(tried) ? sizeof(tried) - used :
					 0, "%s%s", i ? ", " : "", dirs[i]);
		if (used >= sizeof(tried))
			used = sizeof(tried) - 1;
	}
	nvmesim_diag_set(diag, "profile '%s' not found (looked for %s.yaml in %s)", name, name,
			 tried);
	return -EINVAL;
}

/* run_profile - load, override and check the profile of the run into ctx->profile; 0 or
 * -EINVAL with @diag */
static int run_profile(struct run_ctx *ctx, const struct nvmesim_trace_settings *set,
		       struct nvmesim_diag *diag)
{
	const struct nvmesim_run_opts *o = ctx->opts;
	const char *name = o->profile ? o->profile : set->profile;
	char path[4096], key[256];
	const char *eq;
	unsigned int i;
	int err;

	ctx->profile = nvmesim_profile_default;
	if (name && *name) {
		err = run_find_profile(o, name, path, sizeof(path), diag);
		if (err)
			return err;
		err = nvmesim_profile_load(&ctx->profile, path, diag);
		if (err)
			return err == -EINVAL ? err : -EINVAL;
	}
	for (i = 0; i < o->nr_sets; i++) {
		if (strncmp(o->sets[i], "profile.", 8))
			continue;
		eq = strchr(o->sets[i], '=');
		if (!eq || (size_t)(eq - o->sets[i] - 8) >= sizeof(key)) {
			nvmesim_diag_set(diag, "--set %s: expected profile.KEY=VALUE", o->sets[i]);
			return -EINVAL;
		}
		memcpy(key, o->sets[i] + 8, (size_t)(eq - o->sets[i] - 8));
		key[eq - o->sets[i] - 8] = '\0';
		err = nvmesim_profile_set(&ctx->profile, key, eq + 1, diag);
		if (err) {
			if (diag) {
				char msg[sizeof(diag->msg)];

				snprintf(msg, sizeof(msg), "%s", diag->msg);
				nvmesim_diag_set(diag, "--set %s: %s", o->sets[i], msg);
			}
			return -EINVAL;
		}
	}
	return nvmesim_profile_check(&ctx->profile, diag) ? -EINVAL : 0;
}

/* run_log2 - log2 of a power of two @v, or 0 when @v is not one */
static unsigned int run_log2(uint64_t v)
{
	unsigned int s = 0;

	if (!v || (v & (v - 1)))
		return 0;
	while ((1ull << s) < v)
		s++;
	return s;
}

/* run_sim_opts - the simulated controller for @p with the namespaces of @set; 0 or -EINVAL */
static int run_sim_opts(struct nvmesim_sim_opts *so, const struct nvmesim_profile *p,
			const struct nvmesim_trace_settings *set, struct nvmesim_diag *diag)
{
	unsigned int i, shift;
	uint64_t size;
	uint32_t lba;

	*so = nvmesim_sim_opts_default;
	so->mqes = (uint16_t)(p->queue_entries > 1 ? p->queue_entries - 1u : 1u);
	so->max_queues = p->max_queues;
	/* one vector per I/O queue plus the admin queue's (vector q serves queue q) */
	so->max_vectors = NVMESIM_MIN(p->max_queues + 1u, 2048u);
	so->mdts = p->mdts;
	so->vwc = p->cache.bytes != 0;
	so->profile = p;
	so->nr_ns = set->nr_ns ? set->nr_ns : 1u;
	for (i = 0; i < so->nr_ns; i++) {
		size = set->nr_ns ? set->ns[i].size : p->capacity_bytes;
		lba = set->nr_ns ? set->ns[i].lba_bytes : p->lba_bytes;
		shift = run_log2(lba);
		if ((shift != 9 && shift != 12) || !size || size % lba) {
			nvmesim_diag_set(diag, "namespace %u: %" PRIu64 " bytes of %" PRIu32
					 "-byte blocks: the size must be a non-zero multiple of "
					 "a 512 or 4096-byte block", i + 1, size, lba);
			return -EINVAL;
		}
		so->ns[i].nsze = size >> shift;
		so->ns[i].lba_shift = shift;
		so->ns[i].backing_file = NULL;
		so->ns[i].discard_data = set->nr_ns ? set->ns[i].discard_data : false;
	}
	return 0;
}

/* run_split_sets - keep the overrides that are not "profile.*" for the trace reader; 0 or
 * -ENOMEM */
static int run_split_sets(struct run_ctx *ctx)
{
	const struct nvmesim_run_opts *o = ctx->opts;
	unsigned int i;

	if (!o->nr_sets)
		return 0;
	ctx->trace_sets = calloc(o->nr_sets, sizeof(*ctx->trace_sets));
	if (!ctx->trace_sets)
		return -ENOMEM;
	for (i = 0; i < o->nr_sets; i++)
		if (strncmp(o->sets[i], "profile.", 8))
			ctx->trace_sets[ctx->nr_trace_sets++] = o->sets[i];
	return 0;
}

/* run_results_new - results with @nr_jobs zeroed jobs and the run's identity; NULL on ENOMEM */
static struct nvmesim_results *run_results_new(const struct run_ctx *ctx, unsigned int nr_jobs,
					       uint64_t seed)
{
	struct nvmesim_results *res = calloc(1, sizeof(*res));

	if (!res)
		return NULL;
	res->jobs = calloc(nr_jobs ? nr_jobs : 1u, sizeof(*res->jobs));
	if (!res->jobs) {
		free(res);
		return NULL;
	}
	res->nr_jobs = nr_jobs;
	res->seed = seed;
	snprintf(res->trace, sizeof(res->trace), "%s", ctx->opts->trace);
	snprintf(res->profile, sizeof(res->profile), "%s", ctx->profile.name);
	if (ctx->vfio)
		snprintf(res->backend, sizeof(res->backend), "vfio:%s", ctx->bdf);
	else
		snprintf(res->backend, sizeof(res->backend), "sim");
	return res;
}

/*
 * run_sq_prio - the QPRIO of each of @nr I/O SQs from jobs.N.priority: a job
 * uses queue jobs.N.queue, else N % @nr + 1 (host/gen.c, with the queues asked
 * for); queues without a job priority are medium (Linux's NVME_SQ_PRIO_MEDIUM)
 * and a queue shared by jobs of different priorities gets the most urgent.
 * Returns 0 with *@out (NULL when no job asks; free()) or -ENOMEM.
 */
static int run_sq_prio(const struct nvmesim_trace_settings *set, unsigned int nr,
		       uint8_t **out)
{
	const struct nvmesim_job *j;
	uint8_t *p;
	unsigned int i, q;

	*out = NULL;
	for (i = 0; i < set->nr_jobs && !set->jobs[i].priority; i++)
		;
	if (i == set->nr_jobs || !nr)
		return 0;
	p = malloc(nr);
	if (!p)
		return -ENOMEM;
	memset(p, 0xff, nr);
	for (i = 0; i < set->nr_jobs; i++) {
		j = &set->jobs[i];
		q = j->queue ? j->queue : i % nr + 1u;
		/* priority 1..4 is QPRIO 0..3 (NVMe 2.0 §5.5, Figure "QPRIO") */
		if (j->priority > 0 && j->priority <= 4 && q <= nr &&
		    (uint8_t)(j->priority - 1) < p[q - 1])
			p[q - 1] = (uint8_t)(j->priority - 1);
	}
	for (q = 0; q < nr; q++)
		if (p[q] == 0xff)
			p[q] = 2;
	*out = p;
	return 0;
}

/* run_vfio_queues - a real controller's I/O CQs with interrupts need an enabled MSI-X vector
 * each (vector q for queue q): fewer queues when the device has fewer; 0 or -EINVAL */
static int run_vfio_queues(struct run_ctx *ctx, struct nvmesim_host_opts *ho,
			   struct nvmesim_diag *diag)
{
	unsigned int vec = nvmesim_vfio_nr_vectors(ctx->end);

	if (!ho->interrupts || ho->nr_io_queues < vec)
		return 0;
	if (vec < 2) {
		nvmesim_diag_set(diag, "%s has %u MSI-X vector%s: not enough for I/O queues with "
				 "interrupts (use host.completion: poll)", ctx->bdf, vec,
				 vec == 1 ? "" : "s");
		return -EINVAL;
	}
	if (ctx->opts->on_message) {
		char line[160];

		snprintf(line, sizeof(line), "%s: %u I/O queues instead of %u (the device has %u "
			 "MSI-X vectors)", ctx->bdf, vec - 1, ho->nr_io_queues, vec);
		ctx->opts->on_message(ctx->opts->arg, line);
	}
	ho->nr_io_queues = vec - 1;
	return 0;
}

/* run_backend - parse opts->backend: "sim" (or NULL), or "vfio:BDF" into ctx->bdf; 0 or
 * -EINVAL with @diag */
static int run_backend(struct run_ctx *ctx, struct nvmesim_diag *diag)
{
	const char *b = ctx->opts->backend;

	if (!b || !strcmp(b, "sim"))
		return 0;
	if (strncmp(b, "vfio:", 5)) {
		nvmesim_diag_set(diag, "backend '%s': expected sim or vfio:BDF (a PCI address "
				 "such as vfio:0000:01:00.0)", b);
		return -EINVAL;
	}
	ctx->vfio = true;
	return nvmesim_vfio_parse_bdf(b + 5, ctx->bdf, diag);
}

/*
 * run_vfio_open - the pre-pass over the whole trace (--allow-write), then the
 * end of the real controller with enough MSI-X vectors for the trace's
 * queues; 0, or -EINVAL with @diag (every reason a device cannot be opened
 * is a problem of the set-up for the user to fix, docs/real-ssd.md)
 */
static int run_vfio_open(struct run_ctx *ctx, const struct nvmesim_trace_settings *set,
			 struct nvmesim_diag *diag)
{
	struct nvmesim_vfio_opts vo = nvmesim_vfio_opts_default;
	unsigned int queues = set->host.queues ? set->host.queues :
			      nvmesim_host_opts_default.nr_io_queues;
	unsigned int entries = set->host.queue_entries ? set->host.queue_entries :
			       nvmesim_host_opts_default.io_queue_entries;
	int err;

	if (!ctx->opts->allow_write) {
		err = nvmesim_vfio_write_check(ctx->opts->trace, ctx->trace_sets,
					       ctx->nr_trace_sets, diag);
		if (err)
			return err == -ENOMEM ? err : -EINVAL;
	}
	vo.nr_vectors = queues + 1u;
	vo.dma_bytes = NVMESIM_ALIGN_UP(NVMESIM_MAX(nvmesim_host_opts_default.hostmem_bytes,
						    nvmesim_runner_hostmem_bytes(set, queues,
										 entries)),
					NVMESIM_HOSTMEM_HUGEPAGE);
	if (set->init_manual)
		vo.dma_bytes = 0;
	err = nvmesim_vfio_open(&ctx->end, ctx->bdf, &vo, diag);
	return err == -ENOMEM || err == -EIO ? err : err ? -EINVAL : 0;
}

/* run_vfio_model - the drive's Identify model number (MN, trailing blanks cut) as the
 * report's profile, "-" when the host did not identify it (init: manual) */
static void run_vfio_model(const struct run_ctx *ctx, struct nvmesim_results *res)
{
	const struct nvmesim_id_ctrl *id = ctx->host ? nvmesim_host_id_ctrl(ctx->host) : NULL;
	size_t n = id ? sizeof(id->mn) : 0;

	while (n && (id->mn[n - 1] == ' ' || id->mn[n - 1] == '\0'))
		n--;
	if (!n)
		snprintf(res->profile, sizeof(res->profile), "-");
	else
		snprintf(res->profile, sizeof(res->profile), "%.*s", (int)n, id->mn);
}

/* run_host_up - bring the controller up with the host driver as @set asks; 0 or -errno */
static int run_host_up(struct run_ctx *ctx, const struct nvmesim_trace_settings *set,
		       struct nvmesim_diag *diag)
{
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	uint8_t *prio = NULL;
	bool irq = true;
	int err;

	err = nvmesim_runner_policies(set, &irq, diag);
	if (err)
		return err;
	if (set->host.queues)
		ho.nr_io_queues = set->host.queues;
	if (set->host.queue_entries)
		ho.io_queue_entries = set->host.queue_entries;
	ho.interrupts = irq;
	ho.cpus = set->host.cpus ? set->host.cpus : ctx->profile.host.cpus;
	if (!ho.cpus)
		ho.cpus = 1;
	ho.hostmem_bytes = NVMESIM_MAX(ho.hostmem_bytes,
				       nvmesim_runner_hostmem_bytes(set, ho.nr_io_queues,
								    ho.io_queue_entries));
	if (ctx->vfio) {
		ho.hugepages = true;
		err = run_vfio_queues(ctx, &ho, diag);
		if (err)
			return err;
	}
	if (!strcmp(set->host.arbitration, "wrr")) {
		ho.wrr = true;
		err = run_sq_prio(set, ho.nr_io_queues, &prio);
		if (err)
			return err;
		ho.sq_prio = prio;
		ho.nr_sq_prio = prio ? ho.nr_io_queues : 0;
	}
	err = nvmesim_host_open(&ctx->host, ctx->end, &ho, diag);
	free(prio);
	if (err && diag && diag->msg[0]) {
		char msg[sizeof(diag->msg)];

		snprintf(msg, sizeof(msg), "%s", diag->msg);
		nvmesim_diag_set(diag, "controller bring-up failed: %s", msg);
	}
	/* A host mistake at bring-up is a failed run, not a usage error. */
	return err == -EINVAL ? -EIO : err;
}

/*
 * run_cpu_ns - the modeled host CPU time of the run: each item of host work
 * the host reported (nvmesim_end_host_work) and each MMIO write at the
 * profile's cost, the same sums the simulated end charges to the CPUs' clocks
 * (time a CPU waits for work is not in it).
 */
static void run_cpu_ns(struct nvmesim_results *res, const struct nvmesim_profile_host *h)
{
	const struct nvmesim_counters *c = &res->counters;

	res->counters.cpu_ns = c->commands * h->submit_ns + c->cqes * h->reap_ns +
			       c->interrupts * h->irq_ns + c->idle_polls * h->poll_ns +
			       c->mmio_writes * h->mmio_ns;
}

/* nvmesim_run - replay @opts->trace; 0 with the results in @out, or -errno with @diag */
int nvmesim_run(const struct nvmesim_run_opts *opts, struct nvmesim_results **out,
		struct nvmesim_diag *diag)
{
	const struct nvmesim_trace_settings *set;
	struct nvmesim_runner_cfg cfg;
	struct nvmesim_results *res = NULL;
	struct nvmesim_sim_opts so;
	struct nvmesim_diag cdiag;
	struct run_ctx ctx;
	uint64_t seed;
	int err;

	if (out)
		*out = NULL;
	if (!opts || !out || !opts->trace) {
		nvmesim_diag_set(diag, "nvmesim_run: no trace given");
		return -EINVAL;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = opts;
	err = run_backend(&ctx, diag);
	if (err)
		return err;
	err = run_split_sets(&ctx);
	if (err)
		goto out;
	err = nvmesim_trace_open(&ctx.trace, opts->trace, ctx.trace_sets, ctx.nr_trace_sets,
				 diag);
	if (err) {
		/* a trace that cannot be read is bad input like a wrong one */
		if (err != -ENOMEM && err != -EINVAL) {
			if (diag && !diag->msg[0])
				nvmesim_diag_set(diag, "%s: %s", opts->trace, strerror(-err));
			err = -EINVAL;
		}
		goto out;
	}
	set = nvmesim_trace_settings(ctx.trace);
	/* a real drive has no profile: the trace's (and profile.* overrides) are not used */
	if (ctx.vfio)
		ctx.profile = nvmesim_profile_default;
	else
		err = run_profile(&ctx, set, diag);
	if (err)
		goto out;
	err = run_sim_opts(&so, &ctx.profile, set, diag);
	if (err)
		goto out;
	seed = opts->seed_set ? opts->seed : set->seed;
	res = run_results_new(&ctx, nvmesim_runner_nr_jobs(set), seed);
	if (!res) {
		err = -ENOMEM;
		goto out;
	}

	if (ctx.vfio) {
		err = run_vfio_open(&ctx, set, diag);
		if (err)
			goto out;
	} else {
		err = nvmesim_sim_open(&ctx.end, &so);
		if (err) {
			nvmesim_diag_set(diag, "cannot create the simulated controller for profile "
					 "'%s': error %d", ctx.profile.name, err);
			goto out;
		}
	}
	nvmesim_end_set_mmio_log(ctx.end, opts->mmio_log, opts->arg);
	nvmesim_end_set_ctrl_log(ctx.end, run_ctrl_log, (void *)opts);
	if (!set->init_manual) {
		err = run_host_up(&ctx, set, diag);
		if (err)
			goto out;
	}
	if (ctx.vfio)
		run_vfio_model(&ctx, res);

	memset(&cfg, 0, sizeof(cfg));
	cfg.end = ctx.end;
	cfg.host = ctx.host;
	cfg.trace = ctx.trace;
	cfg.path = opts->trace;
	cfg.set = set;
	cfg.seed = seed;
	cfg.poll_ns = NVMESIM_RUN_POLL_NS;
	cfg.backend = opts->backend ? opts->backend : "sim";
	cfg.on_interval = opts->on_interval;
	cfg.on_progress = opts->on_progress;
	cfg.on_message = opts->on_message;
	cfg.arg = opts->arg;
	cfg.stop = opts->stop;
	err = nvmesim_runner_run(&cfg, res, diag);
	if (!err && !ctx.vfio)
		run_cpu_ns(res, &ctx.profile.host);
	if (err == -EINTR)
		nvmesim_diag_set(diag, "interrupted: the run was stopped; I/O queues deleted, "
				 "controller shut down%s", ctx.vfio ? ", DMA unmapped" : "");
out:
	if (ctx.host) {
		memset(&cdiag, 0, sizeof(cdiag));
		/* After a failed run the controller may be dead; closing still frees
		 * everything.  A failing shutdown after a good run is worth a line. */
		if (nvmesim_host_close(ctx.host, &cdiag) && !err && opts->on_message)
			opts->on_message(opts->arg, cdiag.msg);
	}
	nvmesim_end_close(ctx.end);
	nvmesim_trace_close(ctx.trace);
	free(ctx.trace_sets);
	if (err) {
		if (err == -ENOMEM && diag && !diag->msg[0])
			nvmesim_diag_set(diag, "out of memory");
		nvmesim_results_free(res);
		return err;
	}
	*out = res;
	return 0;
}
