/* SPDX-License-Identifier: MIT */
/*
 * rng.h - the seeded pseudo-random generator of the workload runner.
 *
 * xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", 2018): 256 bits of state, period 2^256 - 1, passes BigCrush,
 * a handful of instructions per draw.  Its state is filled from a 64-bit
 * seed with splitmix64, as its authors recommend, so that close seeds give
 * unrelated streams.  Library code never uses rand() or the wall clock
 * (DESIGN.md contract 3): every stream comes from the trace's seed.
 */
#ifndef NVMESIM_HOST_RNG_H
#define NVMESIM_HOST_RNG_H

#include <stdint.h>

/* struct nvmesim_rng - one xoshiro256** stream */
struct nvmesim_rng {
	uint64_t s[4]; /* state; never all zero */
};

/* nvmesim_splitmix64 - advance @x by the golden gamma and return its mixed value */
static inline uint64_t nvmesim_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * nvmesim_rng_seed - stream @stream of seed @seed.  The stream number is mixed
 * in before the state is drawn (not added to the seed), so stream i of seed s
 * and stream i+1 of seed s-1 are unrelated, and so are the streams of one seed.
 */
static inline void nvmesim_rng_seed(struct nvmesim_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = stream;
	uint64_t sm = seed ^ nvmesim_splitmix64(&x);

	r->s[0] = nvmesim_splitmix64(&sm);
	r->s[1] = nvmesim_splitmix64(&sm);
	r->s[2] = nvmesim_splitmix64(&sm);
	r->s[3] = nvmesim_splitmix64(&sm);
	/* splitmix64 is a bijection of its counter; four zero outputs in a row
	 * cannot happen, but the all-zero state must never be used. */
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

/* nvmesim_rng_rotl - rotate @x left by @k (0 < k < 64) */
static inline uint64_t nvmesim_rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* nvmesim_rng_next - the next 64 random bits of @r */
static inline uint64_t nvmesim_rng_next(struct nvmesim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = nvmesim_rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = nvmesim_rng_rotl(s[3], 45);
	return result;
}

/*
 * nvmesim_rng_below - a value in [0, @n) from the next draw (@n > 0).  The
 * high half of the 128-bit product (Lemire's multiply-shift) maps the draw
 * without a division; the bias is below n / 2^64, far under anything a
 * simulation could notice.
 */
static inline uint64_t nvmesim_rng_below(struct nvmesim_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)nvmesim_rng_next(r) * n) >> 64);
}

#endif /* NVMESIM_HOST_RNG_H */
