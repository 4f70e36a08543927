/* SPDX-License-Identifier: MIT */
/*
 * check_engine.c - IOVA map, host memory allocator, event scheduler and the
 * register-access log of the controller end wrappers.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/event.h"
#include "engine/hostmem.h"
#include "engine/iova.h"
#include "tests/check-common.h"

START_TEST(test_iova_bounds)
{
	struct nvmesim_iova_map m;
	static uint8_t a[8192], b[4096];
	uint8_t byte = 0;

	nvmesim_iova_init(&m);
	ck_assert_int_eq(nvmesim_iova_add(&m, 0x20000, sizeof(b), b), 0);
	ck_assert_int_eq(nvmesim_iova_add(&m, 0x10000, sizeof(a), a), 0);
	ck_assert_int_eq(nvmesim_iova_add(&m, 0x11000, 0x2000, a), -EEXIST);
	ck_assert_int_eq(nvmesim_iova_add(&m, 0x30000, 0, a), -EINVAL);
	ck_assert_int_eq(nvmesim_iova_add(&m, ~0ull - 10, 100, a), -EINVAL);
	ck_assert_ptr_eq(nvmesim_iova_ptr(&m, 0x10000, 8192), a);
	ck_assert_ptr_eq(nvmesim_iova_ptr(&m, 0x11fff, 1), a + 8191);
	ck_assert_ptr_null(nvmesim_iova_ptr(&m, 0x11fff, 2));   /* runs off the end */
	ck_assert_ptr_null(nvmesim_iova_ptr(&m, 0xffff, 2));    /* starts before */
	ck_assert_ptr_eq(nvmesim_iova_ptr(&m, 0x20010, 16), b + 16);
	ck_assert_ptr_null(nvmesim_iova_ptr(&m, 0x12000, 1));   /* hole between ranges */
	ck_assert_ptr_null(nvmesim_iova_ptr(&m, ~0ull, 2));     /* wraps */
	ck_assert_int_eq(nvmesim_iova_write(&m, 0x20000, "x", 1), 0);
	ck_assert_int_eq(nvmesim_iova_read(&m, 0x20000, &byte, 1), 0);
	ck_assert_uint_eq(byte, 'x');
	ck_assert_int_eq(nvmesim_iova_read(&m, 0x40000, &byte, 1), -EFAULT);
	ck_assert_int_eq(nvmesim_iova_remove(&m, 0x20000, 4096), 0);
	ck_assert_int_eq(nvmesim_iova_remove(&m, 0x20000, 4096), -ENOENT);
	ck_assert_ptr_null(nvmesim_iova_ptr(&m, 0x20000, 1));
	nvmesim_iova_fini(&m);
}
END_TEST

/* Sink ranges: membership of whole transfers, a full table, removal by the same range. */
START_TEST(test_iova_sinks)
{
	struct nvmesim_iova_map m;
	unsigned int i;

	nvmesim_iova_init(&m);
	ck_assert(!nvmesim_iova_in_sink(&m, 0x10000, 1));
	ck_assert_int_eq(nvmesim_iova_sink_add(&m, 0x10000, 0x2000), 0);
	ck_assert(nvmesim_iova_in_sink(&m, 0x10000, 0x2000));
	ck_assert(nvmesim_iova_in_sink(&m, 0x11fff, 1));
	ck_assert(!nvmesim_iova_in_sink(&m, 0x11fff, 2));  /* runs off the end */
	ck_assert(!nvmesim_iova_in_sink(&m, 0xffff, 2));   /* starts before */
	ck_assert_int_eq(nvmesim_iova_sink_add(&m, 0x30000, 0), -EINVAL);
	ck_assert_int_eq(nvmesim_iova_sink_add(&m, ~0ull - 10, 100), -EINVAL);
	for (i = 1; i < NVMESIM_IOVA_SINKS; i++)
		ck_assert_int_eq(nvmesim_iova_sink_add(&m, 0x100000 * i, 0x1000), 0);
	ck_assert_int_eq(nvmesim_iova_sink_add(&m, 0x40000, 0x1000), -ENOSPC);
	ck_assert_int_eq(nvmesim_iova_sink_remove(&m, 0x10000, 0x1000), -ENOENT);
	ck_assert_int_eq(nvmesim_iova_sink_remove(&m, 0x10000, 0x2000), 0);
	ck_assert(!nvmesim_iova_in_sink(&m, 0x10000, 1));
	ck_assert(nvmesim_iova_in_sink(&m, 0x100000 * (NVMESIM_IOVA_SINKS - 1), 0x1000));
	ck_assert_int_eq(nvmesim_iova_sink_add(&m, 0x40000, 0x1000), 0);
	nvmesim_iova_fini(&m);
}
END_TEST

START_TEST(test_hostmem_alloc)
{
	struct nvmesim_hostmem *hm;
	uint8_t *p[16];
	uint8_t *big;
	int i;

	ck_assert_int_eq(nvmesim_hostmem_new(&hm, 16 * 4096, 0x1000), 0);
	ck_assert_uint_eq(nvmesim_hostmem_size(hm), 16 * 4096);
	for (i = 0; i < 16; i++) {
		p[i] = nvmesim_hostmem_alloc(hm, 100);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert_uint_eq(((uintptr_t)p[i]) % 4096, 0);
		ck_assert_uint_eq(nvmesim_hostmem_iova(hm, p[i]),
				  0x1000 + (uint64_t)(p[i] - (uint8_t *)nvmesim_hostmem_base(hm)));
		memset(p[i], 0xab, 4096);
	}
	ck_assert_ptr_null(nvmesim_hostmem_alloc(hm, 1));
	nvmesim_hostmem_free(hm, p[3]);
	nvmesim_hostmem_free(hm, p[4]);
	big = nvmesim_hostmem_alloc(hm, 8192);
	ck_assert_ptr_eq(big, p[3]);
	ck_assert_uint_eq(big[5000], 0); /* zeroed */
	nvmesim_hostmem_free(hm, big + 1); /* not an allocation start: ignored */
	ck_assert_ptr_null(nvmesim_hostmem_alloc(hm, 1));
	ck_assert(nvmesim_hostmem_contains(hm, p[0], 16 * 4096));
	ck_assert(!nvmesim_hostmem_contains(hm, p[0], 16 * 4096 + 1));
	ck_assert_ptr_null(nvmesim_hostmem_alloc(hm, 17 * 4096));
	nvmesim_hostmem_destroy(hm);
	ck_assert_int_eq(nvmesim_hostmem_new(&hm, 0, 0), -EINVAL);
	ck_assert_int_eq(nvmesim_hostmem_new(&hm, 4096, 0x123), -EINVAL);
}
END_TEST

static char order[64];

static void ev_record(void *arg, uint64_t data)
{
	size_t n = strlen(order);

	(void)arg;
	order[n] = (char)data;
	order[n + 1] = '\0';
}

/* Events run by time, and in scheduling order at the same time. */
START_TEST(test_sched_order)
{
	struct nvmesim_sched s;

	order[0] = '\0';
	nvmesim_sched_init(&s);
	ck_assert_int_eq(nvmesim_sched_at(&s, 30, ev_record, NULL, 'c'), 0);
	ck_assert_int_eq(nvmesim_sched_at(&s, 10, ev_record, NULL, 'a'), 0);
	ck_assert_int_eq(nvmesim_sched_at(&s, 20, ev_record, NULL, 'b'), 0);
	ck_assert_int_eq(nvmesim_sched_at(&s, 10, ev_record, NULL, 'A'), 0);
	ck_assert_int_eq(nvmesim_sched_step(&s, 5), 0);
	ck_assert_uint_eq(s.now, 0);
	while (nvmesim_sched_step(&s, 25))
		;
	ck_assert_str_eq(order, "aAb");
	ck_assert_uint_eq(s.now, 20);
	nvmesim_sched_advance(&s, 25);
	ck_assert_uint_eq(s.now, 25);
	nvmesim_sched_advance(&s, 1); /* never backwards */
	ck_assert_uint_eq(s.now, 25);
	ck_assert_int_eq(nvmesim_sched_at(&s, 3, ev_record, NULL, 'p'), 0); /* past -> now */
	ck_assert_int_eq(nvmesim_sched_step(&s, 25), 1);
	ck_assert_str_eq(order, "aAbp");
	ck_assert_uint_eq(nvmesim_sched_pending(&s), 1);
	nvmesim_sched_fini(&s);
}
END_TEST

/* Many events with random times come out sorted (heap property under load). */
START_TEST(test_sched_many)
{
	struct nvmesim_sched s;
	uint64_t x = 88172645463325252ull, last = 0;
	int i, ran = 0;

	nvmesim_sched_init(&s);
	for (i = 0; i < 5000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ck_assert_int_eq(nvmesim_sched_at(&s, x % 100000, ev_record, NULL, 0), 0);
	}
	order[0] = '\0';
	while (nvmesim_sched_pending(&s)) {
		ck_assert_int_eq(nvmesim_sched_step(&s, ~0ull), 1);
		ck_assert_uint_ge(s.now, last);
		last = s.now;
		order[0] = '\0';
		ran++;
	}
	ck_assert_int_eq(ran, 5000);
	nvmesim_sched_fini(&s);
}
END_TEST

/* A stand-in device for the wrappers: it only remembers the last write. */
static uint64_t fake_last;
static uint32_t fake_read32(struct nvmesim_end *e, uint32_t off)
{
	(void)e;
	return off == NVMESIM_REG_CSTS ? 0x1 : 0;
}
static uint64_t fake_read64(struct nvmesim_end *e, uint32_t off)
{
	(void)e;
	(void)off;
	return 0x00400030140103ffull;
}
static void fake_write32(struct nvmesim_end *e, uint32_t off, uint32_t v)
{
	(void)e;
	(void)off;
	fake_last = v;
}
static void fake_write64(struct nvmesim_end *e, uint32_t off, uint64_t v)
{
	(void)e;
	(void)off;
	fake_last = v;
}
static const struct nvmesim_end_ops fake_ops = {
	.api_version = NVMESIM_END_API_VERSION,
	.name = "fake",
	.read32 = fake_read32,
	.read64 = fake_read64,
	.write32 = fake_write32,
	.write64 = fake_write64,
};

static char logbuf[4096];
static void log_line(void *arg, const char *line)
{
	(void)arg;
	strcat(logbuf, line);
	strcat(logbuf, "\n");
}

START_TEST(test_mmio_log)
{
	struct nvmesim_end end = { .ops = &fake_ops, .dstrd = 0 };

	logbuf[0] = '\0';
	nvmesim_end_set_mmio_log(&end, log_line, NULL);
	nvmesim_end_write32(&end, NVMESIM_REG_CC, 0x00460001);
	nvmesim_end_write32(&end, nvmesim_end_doorbell(&end, 1, 0), 17);
	nvmesim_end_write32(&end, nvmesim_end_doorbell(&end, 3, 1), 2);
	nvmesim_end_write64(&end, NVMESIM_REG_ASQ, 0x100003000ull);
	nvmesim_end_write32(&end, NVMESIM_REG_ACQ + 4, 1);
	ck_assert_uint_eq(nvmesim_end_read32(&end, NVMESIM_REG_CSTS), 1);
	ck_assert_uint_eq(fake_last, 1);
	ck_assert_str_eq(logbuf,
			 "W32 CC <- 0x00460001 EN=1 CSS=NVM MPS=4KiB IOSQES=64B IOCQES=16B\n"
			 "W32 SQ1TDBL <- 17\n"
			 "W32 CQ3HDBL <- 2\n"
			 "W64 ASQ <- 0x0000000100003000 base=0x100003000\n"
			 "W32 ACQ+4 <- 0x00000001\n"
			 "R32 CSTS -> 0x00000001 RDY=1 CFS=0 SHST=normal NSSRO=0 PP=0\n");
	/* a doorbell stride of 16 bytes (CAP.DSTRD = 2) */
	end.dstrd = 2;
	ck_assert_uint_eq(nvmesim_end_doorbell(&end, 1, 1), 0x1000 + 3 * 16);
	logbuf[0] = '\0';
	nvmesim_end_write32(&end, 0x1000 + 3 * 16, 5);
	nvmesim_end_write32(&end, 0x1004, 5); /* between two doorbells */
	ck_assert_str_eq(logbuf, "W32 CQ1HDBL <- 5\nW32 0x1004 <- 5\n");
	nvmesim_end_set_mmio_log(&end, NULL, NULL);
	logbuf[0] = '\0';
	nvmesim_end_write32(&end, NVMESIM_REG_CC, 0);
	ck_assert_str_eq(logbuf, "");
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("memory");

	tcase_add_test(tc, test_iova_bounds);
	tcase_add_test(tc, test_iova_sinks);
	tcase_add_test(tc, test_hostmem_alloc);
	suite_add_tcase(s, tc);
	tc = tcase_create("events");
	tcase_add_test(tc, test_sched_order);
	tcase_add_test(tc, test_sched_many);
	suite_add_tcase(s, tc);
	tc = tcase_create("mmio-log");
	tcase_add_test(tc, test_mmio_log);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(engine_suite());
}
