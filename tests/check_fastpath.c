/* SPDX-License-Identifier: MIT */
/*
 * check_fastpath.c - the data structures and shortcuts that make replay fast
 * must not change a single result (docs/performance.md).
 *
 * The event scheduler (calendar, far heap, in-order lane) must run events in
 * exactly the (time, scheduling order) a plain sorted list gives, under a
 * random mix of near, far, tied, past and in-order events scheduled from
 * inside events.  The timelines' inline fast path, lazy pruning and in-struct
 * storage must give the starts a brute-force first fit over every booking
 * gives.  Reads of unwritten blocks must leave zeros in host buffers whatever
 * they held, at any alignment.  A namespace with `data: discard` must keep
 * nothing, read zeros, and time exactly like one that stores its data.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nvmesim/nvmesim.h>

#include "ctrl/store.h"
#include "ctrl/timing.h"
#include "engine/event.h"
#include "tests/check-common.h"

/* xorshift64 - the tests' deterministic pseudo-random numbers */
static uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* ---------------------------------------------------------------- scheduler */

#define SCHED_EVENTS 20000

/* struct ref_ev - an event of the reference scheduler (a plain unsorted array) */
struct ref_ev {
	uint64_t when;   /* clamped time */
	uint64_t seq;    /* scheduling order */
	uint32_t id;     /* what it is */
};

/* struct sched_test - one run of the scheduler against the reference */
struct sched_test {
	struct nvmesim_sched s;      /* the scheduler under test */
	uint32_t *order;             /* ids in the order the scheduler ran them */
	uint64_t *times;             /* the clock when each ran */
	unsigned int ran;            /* events run */
	uint32_t next_id;            /* ids handed out */
	uint64_t rng;                /* children and their times */
	uint64_t last_ordered;       /* newest in-order time asked for */
};

/* child_when - when event @id (scheduled at @now) runs, and whether it goes to the lane:
 * near, far (beyond the calendar), tied with others, in the past, or in order */
static uint64_t child_when(uint64_t *rng, uint64_t now, uint64_t *last_ordered, bool *ordered)
{
	uint64_t r = xorshift64(rng);

	*ordered = false;
	switch (r % 8) {
	case 0:
		return now + (r >> 8) % 3000000;        /* far: up to 3 ms */
	case 1:
		return now - (now ? (r >> 8) % 100 : 0); /* the past: clamped to now */
	case 2:
		return now + 1000 * ((r >> 8) % 4);     /* ties on whole microseconds */
	case 3:
	case 4:
		/* in order, now and then not (it must fall back to the calendar) */
		*ordered = true;
		if ((r >> 8) % 16 == 0)
			return now + (r >> 12) % 500;
		*last_ordered = (*last_ordered > now ? *last_ordered : now) + (r >> 12) % 700;
		return *last_ordered;
	default:
		return now + (r >> 8) % 200000;         /* near: up to 200 us */
	}
}

/* children - events an event schedules when @pending are waiting: about 300 stay pending */
static unsigned int children(unsigned int pending)
{
	return pending < 300 ? 2 : 1;
}

static void sched_test_ev(void *arg, uint64_t data);

/* sched_test_add - schedule event id @id at @when (in order or not) */
static void sched_test_add(struct sched_test *t, uint64_t when, bool ordered)
{
	uint32_t id = t->next_id++;

	if (ordered)
		ck_assert_int_eq(nvmesim_sched_at_ordered(&t->s, when, sched_test_ev, t, id), 0);
	else
		ck_assert_int_eq(nvmesim_sched_at(&t->s, when, sched_test_ev, t, id), 0);
}

/* sched_test_ev - record the event; the first ones schedule children */
static void sched_test_ev(void *arg, uint64_t data)
{
	struct sched_test *t = arg;
	bool ordered;
	uint64_t when;
	unsigned int k;

	t->order[t->ran] = (uint32_t)data;
	t->times[t->ran] = t->s.now;
	t->ran++;
	for (k = 0; k < children(nvmesim_sched_pending(&t->s)) && t->next_id < SCHED_EVENTS; k++) {
		when = child_when(&t->rng, t->s.now, &t->last_ordered, &ordered);
		sched_test_add(t, when, ordered);
	}
}

/* The same run on the reference: the earliest (when, seq) of an array each time. */
static void sched_reference(uint32_t *order, uint64_t *times, unsigned int *ran)
{
	struct ref_ev *ev = calloc(SCHED_EVENTS, sizeof(*ev));
	uint64_t rng = 0x1234567887654321ull, last_ordered = 0, now = 0, seq = 0, when;
	unsigned int n = 0, i, best, k;
	uint32_t next_id = 0;
	bool ordered;

	ck_assert_ptr_nonnull(ev);
	for (i = 0; i < 64; i++) {
		when = child_when(&rng, 0, &last_ordered, &ordered);
		ev[n++] = (struct ref_ev){ when, seq++, next_id++ };
	}
	*ran = 0;
	while (n) {
		best = 0;
		for (i = 1; i < n; i++)
			if (ev[i].when < ev[best].when ||
			    (ev[i].when == ev[best].when && ev[i].seq < ev[best].seq))
				best = i;
		now = ev[best].when;
		order[*ran] = ev[best].id;
		times[*ran] = now;
		(*ran)++;
		ev[best] = ev[--n];
		for (k = 0; k < children(n) && next_id < SCHED_EVENTS; k++) {
			when = child_when(&rng, now, &last_ordered, &ordered);
			ev[n++] = (struct ref_ev){ when < now ? now : when, seq++, next_id++ };
		}
	}
	free(ev);
}

/* Calendar, far heap and lane together run events exactly in (time, scheduling) order. */
START_TEST(test_sched_matches_reference)
{
	struct sched_test t;
	uint32_t *ref_order = calloc(SCHED_EVENTS, sizeof(*ref_order));
	uint64_t *ref_times = calloc(SCHED_EVENTS, sizeof(*ref_times));
	unsigned int ref_ran, i;
	bool ordered;
	uint64_t when;

	memset(&t, 0, sizeof(t));
	t.order = calloc(SCHED_EVENTS, sizeof(*t.order));
	t.times = calloc(SCHED_EVENTS, sizeof(*t.times));
	ck_assert(ref_order && ref_times && t.order && t.times);
	t.rng = 0x1234567887654321ull;
	nvmesim_sched_init(&t.s);
	for (i = 0; i < 64; i++) {
		when = child_when(&t.rng, 0, &t.last_ordered, &ordered);
		sched_test_add(&t, when, ordered);
	}
	while (nvmesim_sched_step(&t.s, UINT64_MAX))
		;
	ck_assert_uint_eq(nvmesim_sched_pending(&t.s), 0);
	sched_reference(ref_order, ref_times, &ref_ran);
	ck_assert_uint_eq(t.ran, SCHED_EVENTS);
	ck_assert_uint_eq(ref_ran, SCHED_EVENTS);
	for (i = 0; i < SCHED_EVENTS; i++)
		if (t.order[i] != ref_order[i] || t.times[i] != ref_times[i])
			break;
	ck_assert_msg(i == SCHED_EVENTS, "event %u: ran id %u at %llu, the reference id %u "
		      "at %llu", i, t.order[i], (unsigned long long)t.times[i], ref_order[i],
		      (unsigned long long)ref_times[i]);
	nvmesim_sched_fini(&t.s);
	free(t.order);
	free(t.times);
	free(ref_order);
	free(ref_times);
}
END_TEST

static unsigned int lane_count;

static void lane_ev(void *arg, uint64_t data)
{
	(void)arg;
	(void)data;
	lane_count++;
}

/* The lane counts as pending, respects the step limit and the clock, and grows. */
START_TEST(test_sched_lane_limits)
{
	struct nvmesim_sched s;
	unsigned int i;

	lane_count = 0;
	nvmesim_sched_init(&s);
	for (i = 0; i < 1000; i++)   /* beyond the lane's first size: it doubles */
		ck_assert_int_eq(nvmesim_sched_at_ordered(&s, 100 + i, lane_ev, NULL, i), 0);
	ck_assert_int_eq(nvmesim_sched_at(&s, 50, lane_ev, NULL, 0), 0);
	ck_assert_int_eq(nvmesim_sched_at_ordered(&s, 10, lane_ev, NULL, 0), 0); /* not in order */
	ck_assert_uint_eq(nvmesim_sched_pending(&s), 1002);
	ck_assert_int_eq(nvmesim_sched_step(&s, 9), 0);
	ck_assert_uint_eq(s.now, 0);
	while (nvmesim_sched_step(&s, 599))
		;
	ck_assert_uint_eq(lane_count, 502);
	ck_assert_uint_eq(s.now, 599);
	/* in the past: clamped to now, before the lane's next (600) */
	ck_assert_int_eq(nvmesim_sched_at_ordered(&s, 5, lane_ev, NULL, 0), 0);
	ck_assert_uint_eq(nvmesim_sched_pending(&s), 501);
	ck_assert_int_eq(nvmesim_sched_step(&s, 599), 1);
	ck_assert_uint_eq(s.now, 599);
	ck_assert_int_eq(nvmesim_sched_step(&s, 599), 0);
	ck_assert_uint_eq(lane_count, 503);
	nvmesim_sched_fini(&s);
}
END_TEST

/* ---------------------------------------------------------------- timelines */

#define TL_OPS 6000

/* ref_fit - first fit of [t, t + dur) at or after @ready over @n intervals (any order) */
static uint64_t ref_fit(const struct nvmesim_span *v, unsigned int n, uint64_t ready,
			uint64_t dur)
{
	uint64_t t = ready;
	unsigned int i;
	bool moved = true;

	if (!dur)
		return t;
	while (moved) {
		moved = false;
		for (i = 0; i < n; i++) {
			if (v[i].s < t + dur && t < v[i].e) {
				t = v[i].e;
				moved = true;
			}
		}
	}
	return t;
}

/* The inline path, lazy pruning and in-struct storage book what a brute force books. */
START_TEST(test_timeline_matches_reference)
{
	struct nvmesim_span *all = calloc(TL_OPS, sizeof(*all));
	uint64_t x = 0x9e3779b97f4a7c15ull, now = 0, ready, dur, got, want, r, h;
	unsigned int n = 0, i, mid = 0;
	struct nvmesim_tl tl;

	ck_assert_ptr_nonnull(all);
	memset(&tl, 0, sizeof(tl));
	for (i = 0; i < TL_OPS; i++) {
		r = xorshift64(&x);
		now += (r & 0xff) < 20 ? (r >> 8) % 2000 : 0;
		h = n && all[n - 1].e > now ? all[n - 1].e : now;   /* (not the farthest) */
		/* bookings never start in the past (ready >= now), as in the model */
		switch ((r >> 20) % 4) {
		case 0:
			ready = now;
			break;
		case 1:
			ready = now + (r >> 24) % 20000;      /* far ahead: leaves gaps */
			break;
		case 2:
			ready = now + (r >> 24) % (h - now + 1); /* amid what is booked */
			break;
		default:
			ready = h;                            /* back to back: extends */
			break;
		}
		dur = (r >> 40) % 16 == 0 ? 0 : 1 + (r >> 44) % ((r >> 41) & 1 ? 50 : 900);
		if (tl.n && dur && tl.v[tl.head + tl.n - 1].e > ready)
			mid++;
		want = ref_fit(all, n, ready, dur);
		got = (r >> 60) & 1 ? nvmesim_tl_reserve_inline(&tl, now, ready, dur) :
				      nvmesim_tl_reserve(&tl, now, ready, dur);
		ck_assert_msg(got == want, "booking %u (ready %llu, %llu ns): %llu, brute force "
			      "%llu", i, (unsigned long long)ready, (unsigned long long)dur,
			      (unsigned long long)got, (unsigned long long)want);
		if (dur) {
			all[n].s = got;
			all[n].e = got + dur;
			n++;
		}
	}
	/* the random mix did book into gaps, not only at the end */
	ck_assert_uint_gt(mid, TL_OPS / 10);
	nvmesim_tl_fini(&tl);
	free(all);
}
END_TEST

/* ---------------------------------------------------------------- zeros and discard */

/* Reads of unwritten blocks leave zeros whatever the buffer held, at any alignment and
 * length, and written blocks still read back. */
START_TEST(test_unwritten_reads_zero_the_buffer)
{
	struct nvmesim_store *st;
	static uint8_t buf[3 * 4096 + 64], data[4096];
	size_t offs[] = { 0, 4, 16, 32, 36, 100 }, lens[] = { 4, 512, 4000, 4096, 8192 };
	unsigned int a, b, k;
	size_t i;

	ck_assert_int_eq(nvmesim_store_create(&st, 512, 1u << 20, NULL), 0);
	for (a = 0; a < NVMESIM_ARRAY_SIZE(offs); a++) {
		for (b = 0; b < NVMESIM_ARRAY_SIZE(lens); b++) {
			for (k = 0; k < 3; k++) {
				/* garbage everywhere, only at the end, or only at the start */
				memset(buf, 0, sizeof(buf));
				if (k == 0)
					memset(buf, 0xa5, sizeof(buf));
				else if (k == 1)
					buf[offs[a] + lens[b] - 1] = 1;
				else
					buf[offs[a]] = 1;
				ck_assert_int_eq(nvmesim_store_pread_host(st, 8192,
									  buf + offs[a],
									  lens[b]), 0);
				for (i = 0; i < lens[b] && !buf[offs[a] + i]; i++)
					;
				ck_assert_msg(i == lens[b], "offset %zu length %zu case %u: byte "
					      "%zu is 0x%02x", offs[a], lens[b], k, i,
					      buf[offs[a] + i]);
			}
		}
	}
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	ck_assert_int_eq(nvmesim_store_pwrite(st, 4096, data, sizeof(data)), 0);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(nvmesim_store_pread_host(st, 4096, buf, sizeof(data)), 0);
	ck_assert_int_eq(memcmp(buf, data, sizeof(data)), 0);
	nvmesim_store_destroy(st);
}
END_TEST

/* A discarding store keeps nothing: zeros, never written, no memory, ranges checked. */
START_TEST(test_store_discard)
{
	struct nvmesim_store *st;
	uint8_t buf[8192], data[8192];
	unsigned int i;
	uint64_t mem;

	ck_assert_int_eq(nvmesim_store_create_discard(&st, 4096, 1ull << 30), 0);
	mem = nvmesim_store_mem_bytes(st);
	memset(data, 0x5a, sizeof(data));
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(nvmesim_store_write(st, (uint64_t)i * 997, 2, data), 0);
	ck_assert_uint_eq(nvmesim_store_mem_bytes(st), mem);
	ck_assert_uint_eq(nvmesim_store_blocks_used(st), 0);
	ck_assert(!nvmesim_store_any_written(st, 0, 1ull << 20));
	memset(buf, 0xff, sizeof(buf));
	ck_assert_int_eq(nvmesim_store_read(st, 997, 2, buf), 0);
	for (i = 0; i < sizeof(buf) && !buf[i]; i++)
		;
	ck_assert_uint_eq(i, sizeof(buf));
	ck_assert_int_eq(nvmesim_store_cmp(st, 4096, buf, sizeof(buf)), 0);
	ck_assert_int_eq(nvmesim_store_cmp(st, 4096, data, sizeof(data)), 1);
	ck_assert_int_eq(nvmesim_store_deallocate(st, 0, 100), 0);
	ck_assert_int_eq(nvmesim_store_write_zeroes(st, 5, 100), 0);
	ck_assert_int_eq(nvmesim_store_write(st, (1ull << 30) - 1, 2, data), -EINVAL);
	ck_assert_int_eq(nvmesim_store_read(st, 1ull << 30, 1, buf), -EINVAL);
	ck_assert_int_eq(nvmesim_store_deallocate(st, (1ull << 30) - 1, 2), -EINVAL);
	nvmesim_store_destroy(st);
}
END_TEST

/* write_file - @text into a new temporary file; its path in @path */
static void write_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	size_t n = strlen(text);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
}

/* The trace says data: store or discard per namespace; anything else is refused. */
START_TEST(test_trace_data_key)
{
	char path[] = "/tmp/nvmesim-fastpath-XXXXXX", bad[] = "/tmp/nvmesim-fastpath-XXXXXX";
	const char *set = "namespaces.1.data=DISCARD";
	const struct nvmesim_trace_settings *s;
	struct nvmesim_trace *t;
	struct nvmesim_diag d;

	write_file(path, "namespaces:\n  - {size: 1GiB, data: discard}\n"
		   "  - {size: 1GiB, data: store}\n  - {size: 1GiB}\n"
		   "jobs:\n  - {rw: randwrite, count: 10}\n");
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_trace_open(&t, path, NULL, 0, &d), 0);
	s = nvmesim_trace_settings(t);
	ck_assert_uint_eq(s->nr_ns, 3);
	ck_assert(s->ns[0].discard_data);
	ck_assert(!s->ns[1].discard_data);
	ck_assert(!s->ns[2].discard_data);
	nvmesim_trace_close(t);
	ck_assert_int_eq(nvmesim_trace_open(&t, path, &set, 1, &d), 0);
	ck_assert(nvmesim_trace_settings(t)->ns[1].discard_data);
	nvmesim_trace_close(t);
	unlink(path);

	write_file(bad, "namespaces:\n  - {size: 1GiB, data: keep}\n");
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_trace_open(&t, bad, NULL, 0, &d), -EINVAL);
	ck_assert_msg(strstr(d.msg, "namespaces.0.data: expected store or discard, got 'keep'"),
		      "%s", d.msg);
	unlink(bad);
}
END_TEST

/* Through the host: writes to a discarding namespace succeed and vanish. */
START_TEST(test_host_discard_namespace)
{
	struct nvmesim_sim_opts so = nvmesim_sim_opts_default;
	struct nvmesim_host *host;
	struct nvmesim_end *end;
	struct nvmesim_diag d;
	uint8_t *buf;
	unsigned int i;

	so.nr_ns = 1;
	so.ns[0].nsze = 1ull << 30;
	so.ns[0].lba_shift = 9;
	so.ns[0].discard_data = true;
	ck_assert_int_eq(nvmesim_sim_open(&end, &so), 0);
	memset(&d, 0, sizeof(d));
	ck_assert_msg(nvmesim_host_open(&host, end, NULL, &d) == 0, "%s", d.msg);
	buf = nvmesim_host_dma_alloc(host, 8192);
	ck_assert_ptr_nonnull(buf);
	memset(buf, 0x77, 8192);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_WRITE, 1, 64, 16, buf), 0);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_READ, 1, 64, 16, buf), 0);
	for (i = 0; i < 8192 && !buf[i]; i++)
		;
	ck_assert_uint_eq(i, 8192);
	/* Compare against what was "written" fails; against zeros it succeeds */
	memset(buf, 0x77, 8192);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_COMPARE, 1, 64, 16, buf),
			 NVMESIM_SC_COMPARE_FAILURE | NVMESIM_DNR);
	memset(buf, 0, 8192);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_COMPARE, 1, 64, 16, buf), 0);
	nvmesim_host_dma_free(host, buf);
	ck_assert_int_eq(nvmesim_host_close(host, NULL), 0);
	nvmesim_end_close(end);

	/* discarding and a backing file contradict each other */
	so.ns[0].backing_file = "/tmp/nvmesim-fastpath-never-created";
	ck_assert_int_eq(nvmesim_sim_open(&end, &so), -EINVAL);
	ck_assert_int_eq(access(so.ns[0].backing_file, F_OK), -1);
}
END_TEST

/* run_trace - replay @path with @nr_sets overrides; the results */
static struct nvmesim_results *run_trace(const char *path, const char *const *sets,
					 unsigned int nr_sets)
{
	struct nvmesim_results *r = NULL;
	struct nvmesim_run_opts o;
	struct nvmesim_diag d;

	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	o.trace = path;
	o.sets = sets;
	o.nr_sets = nr_sets;
	ck_assert_msg(nvmesim_run(&o, &r, &d) == 0, "%s", d.msg);
	return r;
}

/* Discarding data changes no time: the results of a write-heavy mix are identical. */
START_TEST(test_discard_times_like_store)
{
	char path[] = "/tmp/nvmesim-fastpath-XXXXXX";
	const char *discard[] = { "namespaces.0.data=discard" };
	struct nvmesim_results *a, *b;
	unsigned int j, k;

	write_file(path, "seed: 3\nprofile: gen4-tlc\nnamespaces:\n  - {size: 4GiB}\n"
		   "jobs:\n  - {rw: randrw, rwmixread: 50, bs: 16k, iodepth: 16, count: 1500}\n"
		   "  - {rw: write, bs: 128k, iodepth: 4, count: 200}\n"
		   "  - {rw: randtrim, bs: 64k, count: 50}\n");
	a = run_trace(path, NULL, 0);
	b = run_trace(path, discard, 1);
	ck_assert_uint_eq(a->nr_jobs, b->nr_jobs);
	ck_assert_uint_eq(a->sim_time_ns, b->sim_time_ns);
	ck_assert_mem_eq(&a->counters, &b->counters, sizeof(a->counters));
	for (j = 0; j < a->nr_jobs; j++) {
		for (k = 0; k < NVMESIM_DIRS; k++) {
			ck_assert_uint_eq(a->jobs[j].dir[k].ios, b->jobs[j].dir[k].ios);
			ck_assert_uint_eq(a->jobs[j].dir[k].bytes, b->jobs[j].dir[k].bytes);
			ck_assert_mem_eq(&a->jobs[j].dir[k].lat, &b->jobs[j].dir[k].lat,
					 sizeof(a->jobs[j].dir[k].lat));
		}
	}
	nvmesim_results_free(a);
	nvmesim_results_free(b);
	unlink(path);
}
END_TEST

static Suite *fastpath_suite(void)
{
	Suite *s = suite_create("fastpath");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sched_matches_reference);
	tcase_add_test(tc, test_sched_lane_limits);
	tcase_add_test(tc, test_timeline_matches_reference);
	tcase_add_test(tc, test_unwritten_reads_zero_the_buffer);
	tcase_add_test(tc, test_store_discard);
	tcase_add_test(tc, test_trace_data_key);
	tcase_add_test(tc, test_host_discard_namespace);
	tcase_add_test(tc, test_discard_times_like_store);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(fastpath_suite());
}
