/* SPDX-License-Identifier: MIT */
/*
 * check_host.c - the host driver against the simulated controller.
 *
 * Bring-up must leave the registers exactly as the spec's initialisation
 * sequence says (CC, AQA, ASQ, ACQ, CSTS), in Linux's order; Identify data,
 * queue counts, synchronous I/O round trips, PRP lists (built and walked),
 * completion status decoding, and the failure paths (a controller that is not
 * ready within CAP.TO, CSTS.CFS during enable, a shutdown that never
 * completes) each end in an exact value or a clear error.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/hostmem.h"
#include "host/host-internal.h"
#include "tests/check-common.h"

#define IOVA_BASE 0x100000000ull

/* sim_end - a simulated controller with options @so (NULL: defaults) */
static struct nvmesim_end *sim_end(const struct nvmesim_sim_opts *so)
{
	struct nvmesim_end *end = NULL;

	ck_assert_int_eq(nvmesim_sim_open(&end, so), 0);
	ck_assert_ptr_nonnull(end);
	return end;
}

/* bring_up - nvmesim_host_open() that must succeed */
static struct nvmesim_host *bring_up(struct nvmesim_end *end, const struct nvmesim_host_opts *ho)
{
	struct nvmesim_host *host = NULL;
	struct nvmesim_diag diag;
	int r;

	memset(&diag, 0, sizeof(diag));
	r = nvmesim_host_open(&host, end, ho, &diag);
	ck_assert_msg(r == 0, "bring-up failed: %d %s", r, diag.msg);
	return host;
}

/* take_down - close host and end, both must succeed */
static void take_down(struct nvmesim_host *host, struct nvmesim_end *end)
{
	struct nvmesim_diag diag;
	int r;

	memset(&diag, 0, sizeof(diag));
	r = nvmesim_host_close(host, &diag);
	ck_assert_msg(r == 0, "close failed: %d %s", r, diag.msg);
	nvmesim_end_close(end);
}

/* fill - a pattern that differs per byte and per @seed */
static void fill(void *buf, size_t len, uint32_t seed)
{
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)((i * 131u + seed * 7u + (i >> 9)) ^ (seed >> 3));
}

/* is_zero - whether @len bytes at @buf are all zero */
static int is_zero(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (b[i])
			return 0;
	}
	return 1;
}

/* ---- bring-up ---------------------------------------------------------- */

START_TEST(test_bringup_registers)
{
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host *host = bring_up(end, NULL);

	/* CSS=NVM, MPS=0 (4 KiB), AMS=RR, SHN=0, IOSQES=6, IOCQES=4, EN=1 */
	ck_assert_uint_eq(nvmesim_end_read32(end, NVMESIM_REG_CC), 0x00460001u);
	ck_assert_uint_eq(nvmesim_end_read32(end, NVMESIM_REG_CSTS), 0x00000001u);
	/* 32-entry admin queues, 0's based, at the first two pages of host memory */
	ck_assert_uint_eq(nvmesim_end_read32(end, NVMESIM_REG_AQA), 0x001f001fu);
	ck_assert_uint_eq(nvmesim_end_read64(end, NVMESIM_REG_ASQ), IOVA_BASE);
	ck_assert_uint_eq(nvmesim_end_read64(end, NVMESIM_REG_ACQ), IOVA_BASE + 4096);
	ck_assert_ptr_eq(nvmesim_host_end(host), end);
	ck_assert_uint_eq(nvmesim_host_nr_io_queues(host), 1);
	take_down(host, end);
}
END_TEST

/* struct logbuf - the MMIO log captured as one string of lines */
struct logbuf {
	char *s;     /* the lines, NUL-terminated */
	size_t len;  /* bytes used, without the NUL */
	size_t cap;  /* bytes allocated */
};

/* log_line - append @line and a newline to the logbuf at @arg */
static void log_line(void *arg, const char *line)
{
	struct logbuf *l = arg;
	size_t n = strlen(line);

	if (l->len + n + 2 > l->cap) {
		l->cap = (l->cap + n + 2) * 2;
		l->s = realloc(l->s, l->cap);
		ck_assert_ptr_nonnull(l->s);
	}
	memcpy(l->s + l->len, line, n);
	l->len += n;
	l->s[l->len++] = '\n';
	l->s[l->len] = '\0';
}

/* find_after - position of @what in @s at or after @from; fails the test if absent */
static size_t find_after(const char *s, size_t from, const char *what)
{
	const char *p = strstr(s + from, what);

	ck_assert_msg(p != NULL, "'%s' not found in order in the MMIO log:\n%s", what, s);
	return (size_t)(p - s);
}

START_TEST(test_bringup_order)
{
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host *host;
	struct logbuf l = { NULL, 0, 0 };
	size_t at = 0;

	nvmesim_end_set_mmio_log(end, log_line, &l);
	host = bring_up(end, NULL);
	at = find_after(l.s, at, "R64 CAP ->");
	at = find_after(l.s, at, "R32 VS ->");
	at = find_after(l.s, at, "W32 AQA <- 0x001f001f");
	at = find_after(l.s, at, "W64 ASQ <- 0x0000000100000000");
	at = find_after(l.s, at, "W64 ACQ <- 0x0000000100001000");
	at = find_after(l.s, at, "W32 CC <- 0x00460000");
	at = find_after(l.s, at, "W32 CC <- 0x00460001");
	at = find_after(l.s, at, "R32 CSTS -> 0x00000001");
	at = find_after(l.s, at, "W32 SQ0TDBL <- 1");
	at = find_after(l.s, at, "W32 CQ0HDBL <- 1");
	nvmesim_end_set_mmio_log(end, NULL, NULL);
	take_down(host, end);
	free(l.s);
}
END_TEST

START_TEST(test_identify)
{
	const struct nvmesim_sim_opts *so = &nvmesim_sim_opts_default;
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host *host = bring_up(end, NULL);
	const struct nvmesim_id_ctrl *id = nvmesim_host_id_ctrl(host);
	const struct nvmesim_id_ns *ns;
	size_t n = strlen(so->model);

	ck_assert_uint_eq(id->nn, so->nr_ns);
	ck_assert_int_eq(memcmp(id->mn, so->model, n), 0);
	ck_assert_int_eq(memcmp(id->sn, so->serial, strlen(so->serial)), 0);
	ck_assert_uint_eq(id->sqes, 0x66);
	ck_assert_uint_eq(id->cqes, 0x44);
	ck_assert_uint_eq(id->mdts, so->mdts);
	ns = nvmesim_host_id_ns(host, 1);
	ck_assert_ptr_nonnull(ns);
	ck_assert_uint_eq(ns->nsze, so->ns[0].nsze);
	ck_assert_uint_eq(ns->lbaf[ns->flbas & 0xf].ds, so->ns[0].lba_shift);
	ck_assert_ptr_null(nvmesim_host_id_ns(host, 2));
	ck_assert_ptr_null(nvmesim_host_id_ns(host, 0));
	take_down(host, end);
}
END_TEST

START_TEST(test_identify_many_ns)
{
	struct nvmesim_sim_opts so = nvmesim_sim_opts_default;
	struct nvmesim_end *end;
	struct nvmesim_host *host;
	unsigned int i;

	so.nr_ns = 3;
	for (i = 0; i < 3; i++) {
		so.ns[i] = nvmesim_sim_opts_default.ns[0];
		so.ns[i].nsze = 1000u * (i + 1);
		so.ns[i].lba_shift = i == 1 ? 12 : 9;
	}
	end = sim_end(&so);
	host = bring_up(end, NULL);
	ck_assert_uint_eq(nvmesim_host_id_ctrl(host)->nn, 3);
	for (i = 1; i <= 3; i++) {
		const struct nvmesim_id_ns *ns = nvmesim_host_id_ns(host, i);

		ck_assert_ptr_nonnull(ns);
		ck_assert_uint_eq(ns->nsze, 1000u * i);
		ck_assert_uint_eq(ns->lbaf[ns->flbas & 0xf].ds, i == 2 ? 12 : 9);
	}
	ck_assert_ptr_null(nvmesim_host_id_ns(host, 4));
	take_down(host, end);
}
END_TEST

START_TEST(test_queue_count)
{
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_sim_opts so = nvmesim_sim_opts_default;
	struct nvmesim_end *end;
	struct nvmesim_host *host;

	ho.nr_io_queues = 4;
	end = sim_end(NULL);
	host = bring_up(end, &ho);
	ck_assert_uint_eq(nvmesim_host_nr_io_queues(host), 4);
	take_down(host, end);

	/* The controller grants fewer than asked: the host takes what it got. */
	so.max_queues = 3;
	ho.nr_io_queues = 8;
	end = sim_end(&so);
	host = bring_up(end, &ho);
	ck_assert_uint_eq(nvmesim_host_nr_io_queues(host), 3);
	take_down(host, end);

	ho.nr_io_queues = 0;
	end = sim_end(NULL);
	host = bring_up(end, &ho);
	ck_assert_uint_eq(nvmesim_host_nr_io_queues(host), 0);
	take_down(host, end);
}
END_TEST

START_TEST(test_reopen)
{
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host *host = bring_up(end, NULL);
	struct nvmesim_diag diag;

	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_host_close(host, &diag), 0);
	/* Left shut down with CC.EN=1: the next bring-up disables it first. */
	ck_assert_uint_eq(nvmesim_end_read32(end, NVMESIM_REG_CC) & 1u, 1u);
	host = bring_up(end, NULL);
	ck_assert_uint_eq(nvmesim_end_read32(end, NVMESIM_REG_CSTS), 0x00000001u);
	take_down(host, end);
}
END_TEST

/* ---- I/O --------------------------------------------------------------- */

START_TEST(test_rw_roundtrip)
{
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host *host;
	uint8_t *w, *r;

	ho.interrupts = _i == 0;
	host = bring_up(end, &ho);
	w = nvmesim_host_dma_alloc(host, 4096);
	r = nvmesim_host_dma_alloc(host, 4096);
	ck_assert_ptr_nonnull(w);
	ck_assert_ptr_nonnull(r);
	fill(w, 4096, 1);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_WRITE, 1, 100, 8, w), 0);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_READ, 1, 100, 8, r), 0);
	ck_assert_int_eq(memcmp(w, r, 4096), 0);
	/* A block never written reads as zeroes. */
	fill(r, 512, 9);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_READ, 1, 5000, 1, r), 0);
	ck_assert(is_zero(r, 512));
	ck_assert_int_eq(nvmesim_host_flush(host, 1, 1), 0);
	nvmesim_host_dma_free(host, w);
	nvmesim_host_dma_free(host, r);
	take_down(host, end);
}
END_TEST

START_TEST(test_write_zeroes_trim)
{
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host *host = bring_up(end, NULL);
	const struct nvmesim_id_ctrl *id = nvmesim_host_id_ctrl(host);
	const struct nvmesim_id_ns *ns = nvmesim_host_id_ns(host, 1);
	uint8_t *w, *r;

	ck_assert(id->oncs & NVMESIM_ONCS_WRITE_ZEROES);
	ck_assert(id->oncs & NVMESIM_ONCS_DSM);
	ck_assert_uint_eq(ns->dlfeat & 7u, 1u); /* deallocated blocks read as zeroes */
	w = nvmesim_host_dma_alloc(host, 8192);
	r = nvmesim_host_dma_alloc(host, 8192);
	fill(w, 8192, 2);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_WRITE, 1, 64, 16, w), 0);
	ck_assert_int_eq(nvmesim_host_write_zeroes(host, 1, 1, 64, 4), 0);
	ck_assert_int_eq(nvmesim_host_trim(host, 1, 1, 72, 4), 0);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_READ, 1, 64, 16, r), 0);
	ck_assert(is_zero(r, 4 * 512));                                   /* 64..67 */
	ck_assert_int_eq(memcmp(r + 2048, w + 2048, 4 * 512), 0);           /* 68..71 */
	ck_assert(is_zero(r + 4096, 4 * 512));                            /* 72..75 */
	ck_assert_int_eq(memcmp(r + 6144, w + 6144, 4 * 512), 0);           /* 76..79 */
	nvmesim_host_dma_free(host, w);
	nvmesim_host_dma_free(host, r);
	take_down(host, end);
}
END_TEST

/* Transfers needing a PRP list (64 KiB, 128 KiB), a chained list (over 2 MiB),
 * and a PRP1 with an offset into its page. */
START_TEST(test_prp_transfers)
{
	static const size_t sizes[] = { 8192, 65536, 131072, 4096 * 600 };
	struct nvmesim_sim_opts so = nvmesim_sim_opts_default;
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_end *end;
	struct nvmesim_host *host;
	uint8_t *w, *r;
	size_t i, len;

	so.mdts = 0; /* no transfer limit */
	end = sim_end(&so);
	host = bring_up(end, &ho);
	w = nvmesim_host_dma_alloc(host, 4096 * 601);
	r = nvmesim_host_dma_alloc(host, 4096 * 601);
	ck_assert_ptr_nonnull(w);
	ck_assert_ptr_nonnull(r);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		len = sizes[i];
		fill(w, len, (uint32_t)i + 10);
		memset(r, 0, len);
		ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_WRITE, 1, 10000,
						 (uint32_t)(len / 512), w), 0);
		ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_READ, 1, 10000,
						 (uint32_t)(len / 512), r), 0);
		ck_assert_msg(memcmp(w, r, len) == 0, "data mismatch for %zu bytes", len);
	}
	/* PRP1 512 bytes into its page: 64 KiB then spans 17 pages. */
	fill(w + 512, 65536, 77);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_WRITE, 1, 20000, 128, w + 512), 0);
	ck_assert_int_eq(nvmesim_host_rw(host, 1, NVMESIM_NVM_READ, 1, 20000, 128, r + 1024), 0);
	ck_assert_int_eq(memcmp(w + 512, r + 1024, 65536), 0);
	/* Every PRP list page went back to host memory: one big allocation fits. */
	nvmesim_host_dma_free(host, w);
	nvmesim_host_dma_free(host, r);
	w = nvmesim_host_dma_alloc(host, 32u << 20);
	ck_assert_ptr_nonnull(w);
	nvmesim_host_dma_free(host, w);
	take_down(host, end);
}
END_TEST

/* The PRP entries themselves, checked against NVMe 2.0 §4.1.1. */
START_TEST(test_prp_build)
{
	struct nvmesim_hostmem *hm = NULL;
	struct nvmesim_host_prp prp;
	uint8_t *buf, *base;
	uint64_t iova, *l1, *l2;
	unsigned int k;
	int stack;

	ck_assert_int_eq(nvmesim_hostmem_new(&hm, 8u << 20, 0x10000), 0);
	base = nvmesim_hostmem_base(hm);
	buf = nvmesim_hostmem_alloc(hm, 4096 * 700);
	ck_assert_ptr_nonnull(buf);
	iova = nvmesim_hostmem_iova(hm, buf);

	ck_assert_int_eq(nvmesim_host_prp_build(hm, 4096, buf, 4096, &prp), 0);
	ck_assert_uint_eq(prp.prp1, iova);
	ck_assert_uint_eq(prp.prp2, 0);
	ck_assert_uint_eq(prp.nr_lists, 0);

	ck_assert_int_eq(nvmesim_host_prp_build(hm, 4096, buf, 8192, &prp), 0);
	ck_assert_uint_eq(prp.prp2, iova + 4096);
	ck_assert_uint_eq(prp.nr_lists, 0);

	/* Three pages: PRP2 is a list of the second and third. */
	ck_assert_int_eq(nvmesim_host_prp_build(hm, 4096, buf, 12288, &prp), 0);
	ck_assert_uint_eq(prp.nr_lists, 1);
	l1 = (uint64_t *)(base + (prp.prp2 - 0x10000));
	ck_assert_uint_eq(prp.prp2 & 4095u, 0);
	ck_assert_uint_eq(l1[0], iova + 4096);
	ck_assert_uint_eq(l1[1], iova + 8192);
	nvmesim_host_prp_release(hm, &prp);

	/* An offset PRP1: 8 KiB from 512 bytes in touches three pages. */
	ck_assert_int_eq(nvmesim_host_prp_build(hm, 4096, buf + 512, 8192, &prp), 0);
	ck_assert_uint_eq(prp.prp1, iova + 512);
	ck_assert_uint_eq(prp.nr_lists, 1);
	l1 = (uint64_t *)(base + (prp.prp2 - 0x10000));
	ck_assert_uint_eq(l1[0], iova + 4096);
	ck_assert_uint_eq(l1[1], iova + 8192);
	nvmesim_host_prp_release(hm, &prp);

	/* 600 pages: 599 list entries; the first list page holds 511 and a
	 * pointer to the second, which holds the other 88 (§4.1.1.1). */
	ck_assert_int_eq(nvmesim_host_prp_build(hm, 4096, buf, 4096 * 600, &prp), 0);
	ck_assert_uint_eq(prp.nr_lists, 2);
	l1 = (uint64_t *)(base + (prp.prp2 - 0x10000));
	for (k = 0; k < 511; k++)
		ck_assert_uint_eq(l1[k], iova + 4096 * (k + 1));
	ck_assert_uint_eq(l1[511] & 4095u, 0);
	l2 = (uint64_t *)(base + (l1[511] - 0x10000));
	for (k = 0; k < 88; k++)
		ck_assert_uint_eq(l2[k], iova + 4096 * (k + 512));
	nvmesim_host_prp_release(hm, &prp);

	/* Exactly 513 pages: 512 entries fill one list page, no chain. */
	ck_assert_int_eq(nvmesim_host_prp_build(hm, 4096, buf, 4096 * 513, &prp), 0);
	ck_assert_uint_eq(prp.nr_lists, 1);
	nvmesim_host_prp_release(hm, &prp);

	/* Not dword aligned, or not in host memory. */
	ck_assert_int_eq(nvmesim_host_prp_build(hm, 4096, buf + 2, 512, &prp), -EINVAL);
	ck_assert_int_eq(nvmesim_host_prp_build(hm, 4096, &stack, sizeof(stack), &prp), -EINVAL);
	ck_assert_int_eq(nvmesim_host_prp_build(hm, 4096, base + (8u << 20) - 512, 1024, &prp),
			 -EINVAL);
	nvmesim_hostmem_free(hm, buf);
	nvmesim_hostmem_destroy(hm);
}
END_TEST

/* struct done_count - completions seen by count_done() */
struct done_count {
	unsigned int n;       /* callbacks */
	unsigned int failed;  /* with a non-zero status */
};

/* count_done - completion callback counting successes and failures */
static void count_done(void *arg, const struct nvmesim_cqe *cqe)
{
	struct done_count *d = arg;

	d->n++;
	if (NVMESIM_CQE_STATUS(cqe))
		d->failed++;
}

START_TEST(test_async_submit)
{
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host *host;
	struct done_count d = { 0, 0 };
	struct nvmesim_sqe cmd;
	uint8_t *buf;
	unsigned int i;
	int r;

	ho.io_queue_entries = 4;
	host = bring_up(end, &ho);
	buf = nvmesim_host_dma_alloc(host, 4 * 4096);
	nvmesim_cmd_rw(&cmd, NVMESIM_NVM_READ, 1, 0, 8);
	/* Four entries hold three commands (§3.3.1.2: full when tail + 1 == head). */
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(nvmesim_host_submit(host, 1, &cmd, buf + i * 4096, 4096,
						     count_done, &d), 0);
	ck_assert_int_eq(nvmesim_host_submit(host, 1, &cmd, buf + 3 * 4096, 4096, count_done,
					     &d), -EBUSY);
	ck_assert_int_eq(nvmesim_host_ring(host, 1), 1);
	ck_assert_int_eq(nvmesim_host_ring(host, 1), 0);
	ck_assert_uint_eq(d.n, 0);
	for (i = 0; i < 100 && d.n < 3; i++) {
		r = nvmesim_host_wait(host, 1000000);
		ck_assert_int_ge(r, 0);
	}
	ck_assert_uint_eq(d.n, 3);
	ck_assert_uint_eq(d.failed, 0);
	ck_assert_int_eq(nvmesim_host_reap(host, 1, 0), 0);
	/* Slots are free again. */
	ck_assert_int_eq(nvmesim_host_submit(host, 1, &cmd, buf, 4096, count_done, &d), 0);
	ck_assert_int_eq(nvmesim_host_exec(host, 1, &cmd, buf + 4096, 4096, NULL), 0);
	ck_assert_uint_eq(d.n, 4);

	/* Bad arguments. */
	ck_assert_int_eq(nvmesim_host_submit(host, 2, &cmd, buf, 4096, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_host_submit(host, 1, &cmd, &d, sizeof(d), NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(nvmesim_host_submit(host, 1, &cmd, NULL, 4096, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvmesim_host_ring(host, 7), 0);
	ck_assert_int_eq(nvmesim_host_reap(host, 7, 0), 0);
	nvmesim_host_dma_free(host, buf);
	take_down(host, end);
}
END_TEST

/*
 * A recording end: the sim end with set_cpu/host_work wrapped, so a test sees
 * which CPU the host names and what work it reports there.
 */
#define REC_CPUS 4
static const struct nvmesim_end_ops *rec_orig;  /* the sim end's own ops */
static struct nvmesim_end_ops rec_ops;          /* copy with the two hooks */
static unsigned int rec_cpu;                    /* CPU last named */
static unsigned int rec_sets;                   /* set_cpu calls */
static unsigned int rec_work[NVMESIM_WORK_SHADOW + 1][REC_CPUS]; /* items per work kind, CPU */

static void rec_set_cpu(struct nvmesim_end *end, unsigned int cpu)
{
	rec_cpu = cpu;
	rec_sets++;
	if (rec_orig->set_cpu)
		rec_orig->set_cpu(end, cpu);
}

static void rec_host_work(struct nvmesim_end *end, enum nvmesim_host_work w, unsigned int n)
{
	ck_assert_uint_lt(rec_cpu, REC_CPUS);
	rec_work[w][rec_cpu] += n;
	if (rec_orig->host_work)
		rec_orig->host_work(end, w, n);
}

/* rec_wrap - put the recording hooks on @end and zero the records */
static void rec_wrap(struct nvmesim_end *end)
{
	rec_orig = end->ops;
	rec_ops = *end->ops;
	rec_ops.set_cpu = rec_set_cpu;
	rec_ops.host_work = rec_host_work;
	end->ops = &rec_ops;
	rec_cpu = 0;
	rec_sets = 0;
	memset(rec_work, 0, sizeof(rec_work));
}

/* The host names the CPU of each queue (I/O queue q on CPU (q - 1) % cpus, admin on 0),
 * reports its work there, and counts the conversation. */
START_TEST(test_cpu_work_stats)
{
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host_stats st0, st;
	struct nvmesim_host *host;
	uint8_t *buf;

	rec_wrap(end);
	ho.nr_io_queues = 3;
	ho.cpus = 2;
	host = bring_up(end, &ho);
	ck_assert_uint_eq(nvmesim_host_nr_io_queues(host), 3);
	/* bring-up is admin work, all on CPU 0 */
	ck_assert_uint_gt(rec_work[NVMESIM_WORK_SUBMIT][0], 0);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_SUBMIT][1], 0);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_IRQ][1], 0);
	nvmesim_host_stats(host, &st0);
	ck_assert_uint_eq(st0.commands, rec_work[NVMESIM_WORK_SUBMIT][0]);
	ck_assert_uint_eq(st0.cqes, rec_work[NVMESIM_WORK_REAP][0]);
	ck_assert_uint_eq(st0.interrupts, rec_work[NVMESIM_WORK_IRQ][0]);
	/* the AER is outstanding: one command more than CQEs */
	ck_assert_uint_eq(st0.commands, st0.cqes + 1);
	ck_assert_uint_eq(st0.sq_doorbells, st0.commands);
	ck_assert_uint_eq(st0.cq_doorbells, st0.reaps);
	ck_assert_uint_eq(st0.polls, 0);

	memset(rec_work, 0, sizeof(rec_work));
	buf = nvmesim_host_dma_alloc(host, 4096);
	/* queue 2 is CPU 1's: submit, interrupt and reap there */
	ck_assert_int_eq(nvmesim_host_rw(host, 2, NVMESIM_NVM_READ, 1, 0, 8, buf), 0);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_SUBMIT][1], 1);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_IRQ][1], 1);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_REAP][1], 1);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_SUBMIT][0], 0);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_IRQ][0], 0);
	/* queue 3 wraps around to CPU 0 */
	ck_assert_int_eq(nvmesim_host_rw(host, 3, NVMESIM_NVM_READ, 1, 0, 8, buf), 0);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_SUBMIT][0], 1);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_REAP][0], 1);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_POLL][0] + rec_work[NVMESIM_WORK_POLL][1], 0);
	nvmesim_host_stats(host, &st);
	ck_assert_uint_eq(st.commands - st0.commands, 2);
	ck_assert_uint_eq(st.sq_doorbells - st0.sq_doorbells, 2);
	ck_assert_uint_eq(st.cq_doorbells - st0.cq_doorbells, 2);
	ck_assert_uint_eq(st.cqes - st0.cqes, 2);
	ck_assert_uint_eq(st.reaps - st0.reaps, 2);
	ck_assert_uint_eq(st.interrupts - st0.interrupts, 2);
	nvmesim_host_dma_free(host, buf);
	take_down(host, end);
}
END_TEST

/* Polled queues: the empty looks are charged as polls on the queue's CPU. */
START_TEST(test_poll_work)
{
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host_stats st0, st;
	struct nvmesim_host *host;
	uint8_t *buf;

	rec_wrap(end);
	ho.nr_io_queues = 2;
	ho.cpus = 2;
	ho.interrupts = false;
	host = bring_up(end, &ho);
	nvmesim_host_stats(host, &st0);
	memset(rec_work, 0, sizeof(rec_work));
	buf = nvmesim_host_dma_alloc(host, 4096);
	/* the functional model completes after 10 us; the host looks every 1 us */
	ck_assert_int_eq(nvmesim_host_rw(host, 2, NVMESIM_NVM_READ, 1, 0, 8, buf), 0);
	nvmesim_host_stats(host, &st);
	ck_assert_uint_eq(st.interrupts - st0.interrupts, 0);
	ck_assert_uint_eq(st.cqes - st0.cqes, 1);
	ck_assert_uint_ge(st.polls - st0.polls, 5);
	/* both polled queues are looked at, each on its own CPU */
	ck_assert_uint_gt(rec_work[NVMESIM_WORK_POLL][1], 0);
	ck_assert_uint_gt(rec_work[NVMESIM_WORK_POLL][0], 0);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_POLL][0] + rec_work[NVMESIM_WORK_POLL][1],
			  st.polls - st0.polls);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_REAP][1], 1);
	ck_assert_uint_eq(rec_work[NVMESIM_WORK_IRQ][0] + rec_work[NVMESIM_WORK_IRQ][1], 0);
	nvmesim_host_dma_free(host, buf);
	take_down(host, end);
}
END_TEST

START_TEST(test_status_decode)
{
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host *host = bring_up(end, NULL);
	uint64_t nsze = nvmesim_host_id_ns(host, 1)->nsze;
	struct nvmesim_sqe cmd;
	struct nvmesim_cqe cqe;
	uint8_t *buf = nvmesim_host_dma_alloc(host, 4096);
	int st;

	st = nvmesim_host_rw(host, 1, NVMESIM_NVM_READ, 99, 0, 1, buf);
	ck_assert_int_gt(st, 0);
	ck_assert_uint_eq(NVMESIM_STATUS_CODE(st), NVMESIM_SC_INVALID_NS);
	ck_assert_str_eq(nvmesim_status_str((uint16_t)st), "Invalid Namespace or Format");

	st = nvmesim_host_rw(host, 1, NVMESIM_NVM_READ, 1, nsze, 1, buf);
	ck_assert_uint_eq(NVMESIM_STATUS_CODE(st), NVMESIM_SC_LBA_RANGE);
	ck_assert_str_eq(nvmesim_status_str((uint16_t)st), "LBA Out of Range");

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = 0x7e;
	cmd.nsid = 1;
	st = nvmesim_host_exec(host, 1, &cmd, NULL, 0, &cqe);
	ck_assert_uint_eq(NVMESIM_STATUS_CODE(st), NVMESIM_SC_INVALID_OPCODE);
	ck_assert_uint_eq(st, NVMESIM_CQE_STATUS(&cqe));
	ck_assert_uint_eq(cqe.sqid, 1);

	/* Admin: a queue identifier beyond the granted count (§5.5) ... */
	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_CREATE_SQ;
	cmd.prp1 = IOVA_BASE;
	cmd.cdw10 = 9u | (15u << 16);
	cmd.cdw11 = 1u | (1u << 16);
	st = nvmesim_host_exec(host, 0, &cmd, NULL, 0, NULL);
	ck_assert_uint_eq(NVMESIM_STATUS_CODE(st), NVMESIM_SC_INVALID_QID);
	ck_assert_str_eq(nvmesim_status_str((uint16_t)st), "Invalid Queue Identifier");
	/* ... and deleting a CQ whose SQ still exists (§5.6). */
	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_DELETE_CQ;
	cmd.cdw10 = 1;
	st = nvmesim_host_exec(host, 0, &cmd, NULL, 0, NULL);
	ck_assert_uint_eq(NVMESIM_STATUS_CODE(st), NVMESIM_SC_INVALID_QUEUE_DELETION);
	nvmesim_host_dma_free(host, buf);
	take_down(host, end);
}
END_TEST

START_TEST(test_aer)
{
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host *host = bring_up(end, NULL);
	uint32_t dw0 = 0;
	unsigned int i;

	ck_assert_int_eq(nvmesim_host_next_event(host, &dw0), 0);
	/* §5.2 / Figure 147: a doorbell of a queue that does not exist. */
	nvmesim_end_write32(end, nvmesim_end_doorbell(end, 9, 0), 1);
	for (i = 0; i < 10 && !nvmesim_host_next_event(host, &dw0); i++)
		ck_assert_int_ge(nvmesim_host_wait(host, 1000000), 0);
	ck_assert_uint_eq(dw0, NVMESIM_AER_RESULT(NVMESIM_AER_TYPE_ERROR,
						  NVMESIM_AER_ERR_INVALID_DB, NVMESIM_LOG_ERROR));
	take_down(host, end);
}
END_TEST

/* ---- failures ---------------------------------------------------------- */

/* struct fake - a controller end whose enable fails: CSTS.CFS, or RDY never set */
struct fake {
	struct nvmesim_end end;  /* first: the end handed out */
	bool never_ready;        /* CC.EN=1 leaves CSTS at 0 instead of setting CFS */
	uint32_t cc;             /* CC as written */
	uint32_t csts;           /* CSTS */
	uint64_t now;            /* clock, ns */
	unsigned int maps;       /* dma_map calls minus dma_unmap calls */
};

/* fake_read64 - CAP: MQES 63, TO 1 (1 s), CSS NVM, MPSMIN 0 */
static uint64_t fake_read64(struct nvmesim_end *end, uint32_t off)
{
	(void)end;
	return off == NVMESIM_REG_CAP ? (63u | (1u << 24) | (1ull << 37)) : 0;
}

/* fake_read32 - VS, CC and CSTS */
static uint32_t fake_read32(struct nvmesim_end *end, uint32_t off)
{
	struct fake *f = (struct fake *)end;

	switch (off) {
	case NVMESIM_REG_VS:
		return 0x00020000u;
	case NVMESIM_REG_CC:
		return f->cc;
	case NVMESIM_REG_CSTS:
		return f->csts;
	default:
		return 0;
	}
}

/* fake_write32 - CC.EN=1 fails the controller (CFS=1); CC.EN=0 resets it */
static void fake_write32(struct nvmesim_end *end, uint32_t off, uint32_t val)
{
	struct fake *f = (struct fake *)end;

	if (off != NVMESIM_REG_CC)
		return;
	f->cc = val;
	f->csts = (val & 1u) && !f->never_ready ? 2u : 0u;
}

/* fake_write64 - ASQ/ACQ are accepted and forgotten */
static void fake_write64(struct nvmesim_end *end, uint32_t off, uint64_t val)
{
	(void)end;
	(void)off;
	(void)val;
}

/* fake_map - count mappings */
static int fake_map(struct nvmesim_end *end, void *vaddr, size_t len, uint64_t iova)
{
	(void)vaddr;
	(void)len;
	(void)iova;
	((struct fake *)end)->maps++;
	return 0;
}

/* fake_unmap - count unmappings */
static int fake_unmap(struct nvmesim_end *end, uint64_t iova, size_t len)
{
	(void)iova;
	(void)len;
	((struct fake *)end)->maps--;
	return 0;
}

/* fake_wait - time passes, nothing happens */
static int fake_wait(struct nvmesim_end *end, uint64_t timeout_ns, uint32_t *vector)
{
	(void)vector;
	((struct fake *)end)->now += timeout_ns;
	return 0;
}

/* fake_now - the fake clock */
static uint64_t fake_now(struct nvmesim_end *end)
{
	return ((struct fake *)end)->now;
}

/* fake_close - nothing to free (the fake lives on the stack) */
static void fake_close(struct nvmesim_end *end)
{
	(void)end;
}

static const struct nvmesim_end_ops fake_ops = {
	.api_version = NVMESIM_END_API_VERSION,
	.name = "fake",
	.read32 = fake_read32,
	.read64 = fake_read64,
	.write32 = fake_write32,
	.write64 = fake_write64,
	.dma_map = fake_map,
	.dma_unmap = fake_unmap,
	.wait = fake_wait,
	.now_ns = fake_now,
	.close = fake_close,
};

START_TEST(test_cfs_during_enable)
{
	struct nvmesim_host *host = NULL;
	struct nvmesim_diag diag;
	struct fake f;

	memset(&f, 0, sizeof(f));
	f.end.ops = &fake_ops;
	f.cc = 1; /* left enabled: the host must disable it first */
	f.csts = 1;
	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_host_open(&host, &f.end, NULL, &diag), -EIO);
	ck_assert_ptr_null(host);
	ck_assert_msg(strstr(diag.msg, "controller fatal status (CSTS.CFS=1) during enable"),
		      "diag: %s", diag.msg);
	ck_assert_uint_eq(f.maps, 0);
	ck_assert_uint_eq(f.cc & 1u, 0); /* left disabled */
}
END_TEST

/* CSTS.RDY never comes: the host gives up after (CAP.TO + 1) * 500 ms (Linux). */
START_TEST(test_ready_timeout)
{
	struct nvmesim_host *host = NULL;
	struct nvmesim_diag diag;
	struct fake f;

	memset(&f, 0, sizeof(f));
	f.end.ops = &fake_ops;
	f.never_ready = true;
	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_host_open(&host, &f.end, NULL, &diag), -ETIMEDOUT);
	ck_assert_ptr_null(host);
	ck_assert_msg(strstr(diag.msg, "CAP.TO=1") && strstr(diag.msg, "1000 ms"),
		      "diag: %s", diag.msg);
	ck_assert_uint_ge(f.now, 1000000000ull);
	ck_assert_uint_lt(f.now, 1100000000ull);
	ck_assert_uint_eq(f.maps, 0);
	ck_assert_uint_eq(f.cc & 1u, 0);
}
END_TEST

START_TEST(test_bad_opts)
{
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_host *host = NULL;
	struct nvmesim_diag diag;
	struct fake f;

	memset(&f, 0, sizeof(f));
	f.end.ops = &fake_ops;
	ho.admin_entries = 1;
	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_host_open(&host, &f.end, &ho, &diag), -EINVAL);
	ck_assert_ptr_nonnull(strstr(diag.msg, "admin_entries 1"));
	ck_assert_int_eq(nvmesim_host_close(NULL, NULL), 0);
}
END_TEST

START_TEST(test_shutdown)
{
	struct nvmesim_end *end = sim_end(NULL);
	struct nvmesim_host *host = bring_up(end, NULL);
	struct nvmesim_diag diag;
	uint32_t cc;

	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_host_close(host, &diag), 0);
	/* RDY=1, SHST=10b (§3.6.1); CC.SHN=01b with EN still set */
	ck_assert_uint_eq(nvmesim_end_read32(end, NVMESIM_REG_CSTS), 0x00000009u);
	cc = nvmesim_end_read32(end, NVMESIM_REG_CC);
	ck_assert_uint_eq(cc, 0x00464001u);
	nvmesim_end_close(end);
}
END_TEST

START_TEST(test_shutdown_timeout)
{
	struct nvmesim_sim_opts so = nvmesim_sim_opts_default;
	struct nvmesim_end *end;
	struct nvmesim_host *host;
	struct nvmesim_diag diag;

	so.shutdown_delay_ns = 100000000000ull; /* 100 s: beyond any host's patience */
	end = sim_end(&so);
	host = bring_up(end, NULL);
	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(nvmesim_host_close(host, &diag), -ETIMEDOUT);
	ck_assert_msg(strstr(diag.msg, "CSTS.SHST=1") != NULL, "diag: %s", diag.msg);
	nvmesim_end_close(end);
}
END_TEST

/* host_suite - the host driver tests */
static Suite *host_suite(void)
{
	Suite *s = suite_create("host");
	TCase *tc;

	tc = tcase_create("bringup");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_bringup_registers);
	tcase_add_test(tc, test_bringup_order);
	tcase_add_test(tc, test_identify);
	tcase_add_test(tc, test_identify_many_ns);
	tcase_add_test(tc, test_queue_count);
	tcase_add_test(tc, test_reopen);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_rw_roundtrip, 0, 2);
	tcase_add_test(tc, test_write_zeroes_trim);
	tcase_add_test(tc, test_prp_transfers);
	tcase_add_test(tc, test_prp_build);
	tcase_add_test(tc, test_async_submit);
	tcase_add_test(tc, test_status_decode);
	tcase_add_test(tc, test_aer);
	tcase_add_test(tc, test_cpu_work_stats);
	tcase_add_test(tc, test_poll_work);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ready_timeout);
	tcase_add_test(tc, test_cfs_during_enable);
	tcase_add_test(tc, test_bad_opts);
	tcase_add_test(tc, test_shutdown);
	tcase_add_test(tc, test_shutdown_timeout);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the host suite */
int main(void)
{
	return nvmesim_test_run(host_suite());
}
