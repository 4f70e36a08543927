/* SPDX-License-Identifier: MIT */
/*
 * bar.h - the register-accurate BAR0 model shared by controller, log and CLI.
 *
 * One table (nvmesim_reg_defs) lists every NVMe 2.0 controller register
 * (§3.1.4, Figure 33) with its width and which bits are RW, RW1C or RW1S;
 * everything else is read-only or reserved.  struct nvmesim_bar stores the
 * registers byte for byte as a device holds them and applies those access
 * rules on every write, so a 64-bit register accepts one 64-bit access or two
 * 32-bit halves in either order.  Side effects (CC.EN, CC.SHN, NSSR) are the
 * controller's business: nvmesim_bar_write() reports what changed.
 */
#ifndef NVMESIM_ENGINE_BAR_H
#define NVMESIM_ENGINE_BAR_H

#include <stdint.h>

#include "engine/nvmesim-internal.h"

/* Size of the register block before the doorbells. */
#define NVMESIM_BAR_REGS_SIZE 0x1000u

/* enum nvmesim_reg_access - the dominant access type of a register (for docs and tests) */
enum nvmesim_reg_access {
	NVMESIM_ACC_RO,   /* read only */
	NVMESIM_ACC_RW,   /* read/write */
	NVMESIM_ACC_RW1C, /* write 1 to clear */
	NVMESIM_ACC_RW1S, /* write 1 to set */
};

/* struct nvmesim_reg_def - one register of Figure 33 */
struct nvmesim_reg_def {
	uint32_t off;             /* BAR0 offset */
	uint8_t width;            /* 4 or 8 bytes */
	enum nvmesim_reg_access acc;
	const char *name;         /* "CAP" */
	const char *desc;         /* "Controller Capabilities" */
	uint64_t rw;              /* bits a write stores */
	uint64_t rw1c;            /* bits a write of 1 clears */
	uint64_t rw1s;            /* bits a write of 1 sets */
	int8_t cap_bit;           /* CAP bit that must be 1 for the register to exist, or -1 */
	const char *section;      /* spec section, "§3.1.4.1" */
};

/* nvmesim_reg_defs / nvmesim_reg_defs_nr - the register table, by offset */
NVMESIM_PRIV extern const struct nvmesim_reg_def nvmesim_reg_defs[];
NVMESIM_PRIV extern const unsigned int nvmesim_reg_defs_nr;

/* nvmesim_reg_find - the register containing BAR0 byte @off, or NULL (undefined/doorbell) */
NVMESIM_PRIV const struct nvmesim_reg_def *nvmesim_reg_find(uint32_t off);

/* struct nvmesim_bar - register storage, byte for byte as the device holds it */
struct nvmesim_bar {
	union {
		uint8_t b[NVMESIM_BAR_REGS_SIZE];
		uint32_t d[NVMESIM_BAR_REGS_SIZE / 4];
	} u;
};

/* nvmesim_bar_get32/64 - raw stored value (no access rules) */
static inline uint32_t nvmesim_bar_get32(const struct nvmesim_bar *bar, uint32_t off)
{
	return bar->u.d[off / 4];
}
static inline uint64_t nvmesim_bar_get64(const struct nvmesim_bar *bar, uint32_t off)
{
	return (uint64_t)bar->u.d[off / 4] | ((uint64_t)bar->u.d[off / 4 + 1] << 32);
}
/* nvmesim_bar_set32/64 - raw store, for the controller's own updates (CSTS, reset) */
static inline void nvmesim_bar_set32(struct nvmesim_bar *bar, uint32_t off, uint32_t v)
{
	bar->u.d[off / 4] = v;
}
static inline void nvmesim_bar_set64(struct nvmesim_bar *bar, uint32_t off, uint64_t v)
{
	bar->u.d[off / 4] = (uint32_t)v;
	bar->u.d[off / 4 + 1] = (uint32_t)(v >> 32);
}

/* struct nvmesim_bar_wr - what one 32-bit write did */
struct nvmesim_bar_wr {
	const struct nvmesim_reg_def *def; /* register written, NULL if undefined offset */
	uint32_t half;                     /* 0 low dword, 1 high dword of a 64-bit register */
	uint32_t old;                      /* dword before */
	uint32_t val;                      /* dword after */
	uint32_t wrote;                    /* dword the host wrote */
	uint32_t ignored;                  /* bits the host set that the register does not store */
	int absent;                        /* register reserved: its CAP bit is 0 */
};

/* nvmesim_reg_present - whether @def exists given the CAP value stored in @bar */
NVMESIM_PRIV int nvmesim_reg_present(const struct nvmesim_bar *bar,
				     const struct nvmesim_reg_def *def);

/* nvmesim_bar_read32 - a 32-bit host read at @off: the stored dword, 0 for undefined
 * offsets and for registers reserved by CAP */
NVMESIM_PRIV uint32_t nvmesim_bar_read32(const struct nvmesim_bar *bar, uint32_t off);

/* nvmesim_bar_write32 - a 32-bit host write at dword-aligned @off applying RW/RW1C/RW1S
 * rules (INTMS and INTMC act on one shared mask); fills @wr */
NVMESIM_PRIV void nvmesim_bar_write32(struct nvmesim_bar *bar, uint32_t off, uint32_t val,
				      struct nvmesim_bar_wr *wr);

#endif /* NVMESIM_ENGINE_BAR_H */
