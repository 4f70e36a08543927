/* SPDX-License-Identifier: MIT */
/*
 * check_queue.c - the SQ/CQ engine: a host SQ/CQ and a controller SQ/CQ over
 * the same memory, many laps around the ring (wrap and phase inversion),
 * full/empty rules, the CQ-full stall, and doorbell value validation.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/hostmem.h"
#include "engine/queue.h"
#include "tests/check-common.h"

#define IOVA 0x100000000ull

static struct nvmesim_hostmem *hm;
static struct nvmesim_iova_map map;

static void setup(void)
{
	ck_assert_int_eq(nvmesim_hostmem_new(&hm, 1 << 20, IOVA), 0);
	nvmesim_iova_init(&map);
	ck_assert_int_eq(nvmesim_iova_add(&map, IOVA, nvmesim_hostmem_size(hm),
					  nvmesim_hostmem_base(hm)), 0);
}

static void teardown(void)
{
	nvmesim_iova_fini(&map);
	nvmesim_hostmem_destroy(hm);
}

START_TEST(test_ring_math)
{
	struct nvmesim_ring r = { .size = 4, .head = 0, .tail = 0 };

	ck_assert(nvmesim_ring_empty(&r));
	ck_assert(!nvmesim_ring_full(&r));
	r.tail = 3;
	ck_assert(nvmesim_ring_full(&r)); /* size - 1 entries in use */
	ck_assert_uint_eq(nvmesim_ring_used(&r), 3);
	r.head = 2;
	r.tail = 1;
	ck_assert_uint_eq(nvmesim_ring_used(&r), 3);
	ck_assert(nvmesim_ring_full(&r));
	ck_assert_uint_eq(nvmesim_ring_next(&r, 3), 0);
	ck_assert_uint_eq(nvmesim_ring_dist(&r, 3, 1), 2);
}
END_TEST

/* Host posts, device fetches, device posts completions, host reaps:
 * seven laps of a 5-entry ring, checking order, SQHD and the phase tag. */
START_TEST(test_laps_and_phase)
{
	const uint16_t size = 5;
	void *sqmem = nvmesim_hostmem_alloc(hm, size * 64);
	void *cqmem = nvmesim_hostmem_alloc(hm, size * 16);
	struct nvmesim_hsq hsq;
	struct nvmesim_hcq hcq;
	struct nvmesim_dsq dsq;
	struct nvmesim_dcq dcq;
	unsigned int n, expected_phase = 1;
	uint16_t cid = 0, reaped = 0;

	nvmesim_hsq_init(&hsq, 1, sqmem, nvmesim_hostmem_iova(hm, sqmem), size, 0x1008);
	nvmesim_hcq_init(&hcq, 1, cqmem, nvmesim_hostmem_iova(hm, cqmem), size, 0x100c);
	nvmesim_dsq_init(&dsq, 1, 1, nvmesim_hostmem_iova(hm, sqmem), size);
	nvmesim_dcq_init(&dcq, 1, nvmesim_hostmem_iova(hm, cqmem), size, true, 1);

	for (n = 0; n < 7 * size; n++) {
		struct nvmesim_sqe cmd, got;
		struct nvmesim_cqe cqe;
		const struct nvmesim_cqe *c;

		memset(&cmd, 0, sizeof(cmd));
		cmd.cid = cid++;
		cmd.opcode = 0x02;
		ck_assert_int_eq(nvmesim_hsq_post(&hsq, &cmd), 0);
		/* what the controller learns from the tail doorbell */
		ck_assert_ptr_null(nvmesim_dsq_check_tail(&dsq, hsq.r.tail));
		dsq.r.tail = hsq.r.tail;
		ck_assert_int_eq(nvmesim_dsq_fetch(&dsq, &map, &got), 1);
		ck_assert_uint_eq(got.cid, cmd.cid);
		ck_assert_int_eq(nvmesim_dsq_fetch(&dsq, &map, &got), 0);

		memset(&cqe, 0, sizeof(cqe));
		cqe.cid = got.cid;
		cqe.sqhd = dsq.r.head;
		cqe.sqid = 1;
		ck_assert_int_eq(nvmesim_dcq_post(&dcq, &map, &cqe), 0);

		c = nvmesim_hcq_peek(&hcq);
		ck_assert_ptr_nonnull(c);
		ck_assert_uint_eq(c->cid, reaped);
		ck_assert_uint_eq(NVMESIM_CQE_PHASE(c), expected_phase);
		nvmesim_hsq_update_head(&hsq, c->sqhd);
		nvmesim_hcq_pop(&hcq);
		reaped++;
		if (hcq.r.head == 0)
			expected_phase ^= 1;
		ck_assert_ptr_null(nvmesim_hcq_peek(&hcq));
		ck_assert_ptr_null(nvmesim_dcq_check_head(&dcq, hcq.r.head));
		dcq.r.head = hcq.r.head;
	}
	ck_assert_uint_eq(reaped, 7 * size);
	ck_assert_uint_eq(hcq.phase, dcq.phase);
}
END_TEST

/* The host SQ is full at size - 1 entries until a CQE's SQHD frees slots. */
START_TEST(test_host_sq_full)
{
	void *sqmem = nvmesim_hostmem_alloc(hm, 4 * 64);
	struct nvmesim_hsq hsq;
	struct nvmesim_sqe cmd;
	int i;

	memset(&cmd, 0, sizeof(cmd));
	nvmesim_hsq_init(&hsq, 1, sqmem, nvmesim_hostmem_iova(hm, sqmem), 4, 0x1008);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(nvmesim_hsq_post(&hsq, &cmd), 0);
	ck_assert_int_eq(nvmesim_hsq_post(&hsq, &cmd), -EBUSY);
	nvmesim_hsq_update_head(&hsq, 2);
	ck_assert_int_eq(nvmesim_hsq_post(&hsq, &cmd), 0);
	ck_assert_int_eq(nvmesim_hsq_post(&hsq, &cmd), 0);
	ck_assert_int_eq(nvmesim_hsq_post(&hsq, &cmd), -EBUSY);
}
END_TEST

/* A full CQ refuses to post (§3.3.1.2) until the head doorbell frees an entry. */
START_TEST(test_cq_full_stall)
{
	void *cqmem = nvmesim_hostmem_alloc(hm, 4 * 16);
	struct nvmesim_dcq dcq;
	struct nvmesim_cqe cqe;
	int i;

	memset(&cqe, 0, sizeof(cqe));
	nvmesim_dcq_init(&dcq, 1, nvmesim_hostmem_iova(hm, cqmem), 4, false, 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(nvmesim_dcq_post(&dcq, &map, &cqe), 0);
	ck_assert_int_eq(nvmesim_dcq_post(&dcq, &map, &cqe), -EAGAIN);
	ck_assert_ptr_null(nvmesim_dcq_check_head(&dcq, 1));
	dcq.r.head = 1;
	ck_assert_int_eq(nvmesim_dcq_post(&dcq, &map, &cqe), 0);
	ck_assert_int_eq(nvmesim_dcq_post(&dcq, &map, &cqe), -EAGAIN);
}
END_TEST

/* Ring memory outside host memory is a DMA fault, not a crash. */
START_TEST(test_dma_fault)
{
	struct nvmesim_dsq dsq;
	struct nvmesim_dcq dcq;
	struct nvmesim_sqe sqe;
	struct nvmesim_cqe cqe;

	memset(&cqe, 0, sizeof(cqe));
	nvmesim_dsq_init(&dsq, 1, 1, 0xdead0000ull, 4);
	dsq.r.tail = 1;
	ck_assert_int_eq(nvmesim_dsq_fetch(&dsq, &map, &sqe), -EFAULT);
	ck_assert_uint_eq(dsq.r.head, 0);
	/* a ring whose last slot hangs over the end of host memory */
	nvmesim_dcq_init(&dcq, 1, IOVA + (1 << 20) - 16, 4, false, 0);
	ck_assert_int_eq(nvmesim_dcq_post(&dcq, &map, &cqe), 0);
	ck_assert_int_eq(nvmesim_dcq_post(&dcq, &map, &cqe), -EFAULT);
}
END_TEST

/* Every Invalid Doorbell Write Value condition of NVMe 2.0 §5.2.2 Figure 147. */
START_TEST(test_doorbell_values)
{
	struct nvmesim_dsq dsq;
	struct nvmesim_dcq dcq;

	nvmesim_dsq_init(&dsq, 1, 1, IOVA, 8);
	ck_assert_ptr_nonnull(nvmesim_dsq_check_tail(&dsq, 8));       /* out of range */
	ck_assert_ptr_nonnull(nvmesim_dsq_check_tail(&dsq, 0x10003)); /* reserved bits */
	ck_assert_ptr_nonnull(nvmesim_dsq_check_tail(&dsq, 0));       /* same value */
	ck_assert_ptr_null(nvmesim_dsq_check_tail(&dsq, 7));          /* 7 of 7 free */
	dsq.r.head = 2;
	dsq.r.tail = 6;
	ck_assert_ptr_null(nvmesim_dsq_check_tail(&dsq, 1));          /* 3 free, adds 3 */
	ck_assert_ptr_nonnull(nvmesim_dsq_check_tail(&dsq, 2));       /* adds 4: too many */
	dsq.r.tail = 1;                                               /* full */
	ck_assert_str_eq(nvmesim_dsq_check_tail(&dsq, 2),
			 "SQ tail doorbell adds a command to a full submission queue");

	nvmesim_dcq_init(&dcq, 1, IOVA, 8, true, 1);
	ck_assert_ptr_nonnull(nvmesim_dcq_check_head(&dcq, 1));       /* CQ empty */
	dcq.r.tail = 3;
	ck_assert_ptr_null(nvmesim_dcq_check_head(&dcq, 3));
	ck_assert_ptr_nonnull(nvmesim_dcq_check_head(&dcq, 4));       /* past the tail */
	ck_assert_ptr_nonnull(nvmesim_dcq_check_head(&dcq, 9));       /* out of range */
	ck_assert_ptr_nonnull(nvmesim_dcq_check_head(&dcq, 0));       /* same value */
}
END_TEST

static Suite *queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ring_math);
	tcase_add_test(tc, test_laps_and_phase);
	tcase_add_test(tc, test_host_sq_full);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cq_full_stall);
	tcase_add_test(tc, test_dma_fault);
	tcase_add_test(tc, test_doorbell_values);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(queue_suite());
}
