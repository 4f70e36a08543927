/* SPDX-License-Identifier: MIT */
/*
 * check_e2e.c - end to end: the host driver and the simulated controller
 * moving real data with many commands in flight.
 *
 * Bring the controller up with 4 I/O queue pairs, write 100,000 distinct
 * logical blocks chosen at random (a fixed-seed xorshift shuffle, so every run
 * is the same) with a pattern unique to each LBA, spread round robin over the
 * queues with up to 128 commands in flight per queue (submit, ring once per
 * batch, wait, reap in callbacks), then read every block back the same way
 * and compare every byte.  Each LBA is written exactly once, so no two
 * commands in flight ever touch the same block.  Under Valgrind the count is
 * scaled down to keep the suite's run time reasonable.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#include <nvmesim/nvmesim.h>

#include "tests/check-common.h"

#define NR_QUEUES 4
#define DEPTH 128                 /* commands in flight per queue */
#define BLOCK 512
#define REGION (1u << 17)          /* LBAs the writes are drawn from */
#define COUNT 100000u

/* struct slot - one command in flight: its buffer and the LBA it carries */
struct slot {
	struct e2e *t;   /* the run */
	uint8_t *buf;    /* BLOCK bytes of DMA memory */
	uint64_t lba;    /* logical block */
	unsigned int q;  /* queue index 0..NR_QUEUES-1 */
	bool busy;       /* submitted, not completed */
};

/* struct e2e - state of one run */
struct e2e {
	struct nvmesim_host *host;           /* the host driver */
	uint32_t *lbas;                      /* the shuffled LBAs, count of them used */
	unsigned int count;                  /* blocks to write and verify */
	struct slot slots[NR_QUEUES][DEPTH]; /* command slots per queue */
	unsigned int inflight[NR_QUEUES];    /* busy slots per queue */
	unsigned int done;                   /* completions */
	unsigned int max_inflight;           /* most commands in flight at once */
	unsigned int errors;                 /* non-zero status */
	unsigned int mismatches;             /* blocks read back wrong */
	uint64_t first_bad;                  /* LBA of the first mismatch */
	bool reading;                        /* phase 2 */
};

/* xorshift64 - Marsaglia's xorshift64 step (deterministic, never 0 from a non-0 seed) */
static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* pattern - the content of block @lba: 64-bit words unique to the LBA and word index */
static void pattern(uint8_t *buf, uint64_t lba)
{
	uint64_t w, z;
	unsigned int i;

	for (i = 0; i < BLOCK / 8; i++) {
		/* splitmix64 finaliser of (lba, i) */
		z = lba * 0x9e3779b97f4a7c15ull + i * 0xbf58476d1ce4e5b9ull + 1;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		w = z ^ (z >> 31);
		memcpy(buf + i * 8, &w, 8);
	}
}

/* io_done - a write or read completed: check status (and data for reads), free the slot */
static void io_done(void *arg, const struct nvmesim_cqe *cqe)
{
	struct slot *s = arg;
	struct e2e *t = s->t;
	uint8_t want[BLOCK];

	if (NVMESIM_CQE_STATUS(cqe))
		t->errors++;
	if (t->reading) {
		pattern(want, s->lba);
		if (memcmp(want, s->buf, BLOCK)) {
			if (!t->mismatches)
				t->first_bad = s->lba;
			t->mismatches++;
		}
	}
	s->busy = false;
	t->inflight[s->q]--;
	t->done++;
}

/* run_phase - issue all @t->count commands (writes, or reads when t->reading) */
static void run_phase(struct e2e *t)
{
	struct nvmesim_sqe cmd;
	unsigned int next = 0, q, k, in;
	unsigned int guard = 0;
	int r;

	t->done = 0;
	while (t->done < t->count) {
		/* Fill every queue up to DEPTH, then one doorbell per queue. */
		for (q = 0; q < NR_QUEUES; q++) {
			for (k = 0; k < DEPTH && next < t->count; k++) {
				struct slot *s = &t->slots[q][k];

				if (s->busy)
					continue;
				s->lba = t->lbas[next];
				if (t->reading)
					memset(s->buf, 0xa5, BLOCK);
				else
					pattern(s->buf, s->lba);
				nvmesim_cmd_rw(&cmd, t->reading ? NVMESIM_NVM_READ :
					       NVMESIM_NVM_WRITE, 1, s->lba, 1);
				r = nvmesim_host_submit(t->host, (uint16_t)(q + 1), &cmd, s->buf,
							BLOCK, io_done, s);
				ck_assert_int_eq(r, 0);
				s->busy = true;
				t->inflight[q]++;
				next++;
			}
			nvmesim_host_ring(t->host, (uint16_t)(q + 1));
		}
		in = 0;
		for (q = 0; q < NR_QUEUES; q++)
			in += t->inflight[q];
		if (in > t->max_inflight)
			t->max_inflight = in;
		r = nvmesim_host_wait(t->host, 10000000);
		ck_assert_int_ge(r, 0);
		guard = r ? 0 : guard + 1;
		ck_assert_msg(guard < 100, "no completions for 1 s of device time");
	}
}

START_TEST(test_e2e_random_writes)
{
	struct nvmesim_host_opts ho = nvmesim_host_opts_default;
	struct nvmesim_end *end = NULL;
	struct nvmesim_diag diag;
	struct nvmesim_sqe cmd;
	struct e2e *t;
	uint8_t *bufs;
	uint64_t seed = 0x2545f4914f6cdd1dull;
	unsigned int i, q, k, j;
	uint32_t tmp;

	t = calloc(1, sizeof(*t));
	ck_assert_ptr_nonnull(t);
	t->count = RUNNING_ON_VALGRIND ? COUNT / 10 : COUNT;
	/* Fisher-Yates over the region: distinct LBAs in a deterministic order. */
	t->lbas = malloc(REGION * sizeof(*t->lbas));
	ck_assert_ptr_nonnull(t->lbas);
	for (i = 0; i < REGION; i++)
		t->lbas[i] = i;
	for (i = REGION - 1; i > 0; i--) {
		j = (unsigned int)(xorshift64(&seed) % (i + 1));
		tmp = t->lbas[i];
		t->lbas[i] = t->lbas[j];
		t->lbas[j] = tmp;
	}

	ck_assert_int_eq(nvmesim_sim_open(&end, NULL), 0);
	ho.nr_io_queues = NR_QUEUES;
	ho.io_queue_entries = 256;
	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(nvmesim_host_open(&t->host, end, &ho, &diag) == 0, "bring-up: %s",
		      diag.msg);
	ck_assert_uint_eq(nvmesim_host_nr_io_queues(t->host), NR_QUEUES);

	/* Eight 512-byte buffers per page: PRP1 often carries an offset. */
	bufs = nvmesim_host_dma_alloc(t->host, NR_QUEUES * DEPTH * BLOCK);
	ck_assert_ptr_nonnull(bufs);
	for (q = 0; q < NR_QUEUES; q++) {
		for (k = 0; k < DEPTH; k++) {
			t->slots[q][k].t = t;
			t->slots[q][k].q = q;
			t->slots[q][k].buf = bufs + (q * DEPTH + k) * BLOCK;
		}
	}

	run_phase(t);
	ck_assert_uint_eq(t->done, t->count);
	ck_assert_uint_eq(t->errors, 0);
	/* All queues were kept full: the test really has many commands in flight. */
	ck_assert_uint_eq(t->max_inflight, NR_QUEUES * DEPTH);

	t->reading = true;
	run_phase(t);
	ck_assert_uint_eq(t->done, t->count);
	ck_assert_uint_eq(t->errors, 0);
	ck_assert_msg(t->mismatches == 0, "%u blocks read back wrong, first LBA %llu",
		      t->mismatches, (unsigned long long)t->first_bad);
	for (q = 0; q < NR_QUEUES; q++)
		ck_assert_uint_eq(t->inflight[q], 0);

	/* Namespace utilisation counts exactly the blocks written (a fresh
	 * Identify Namespace, not the copy read at bring-up). */
	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = NVMESIM_ADM_IDENTIFY;
	cmd.nsid = 1;
	cmd.cdw10 = NVMESIM_CNS_NS;
	ck_assert_int_eq(nvmesim_host_exec(t->host, 0, &cmd, bufs, 4096, NULL), 0);
	ck_assert_uint_eq(((struct nvmesim_id_ns *)bufs)->nuse, t->count);
	nvmesim_host_dma_free(t->host, bufs);
	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(nvmesim_host_close(t->host, &diag) == 0, "close: %s", diag.msg);
	nvmesim_end_close(end);
	free(t->lbas);
	free(t);
}
END_TEST

/* e2e_suite - the end-to-end data test */
static Suite *e2e_suite(void)
{
	Suite *s = suite_create("e2e");
	TCase *tc = tcase_create("random-writes");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_e2e_random_writes);
	suite_add_tcase(s, tc);
	return s;
}

/* main - run the end-to-end suite */
int main(void)
{
	return nvmesim_test_run(e2e_suite());
}
