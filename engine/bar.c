/* SPDX-License-Identifier: MIT */
/*
 * bar.c - the NVMe 2.0 controller register table and its access rules.
 *
 * NVMe 2.0 §3.1.4 (Figure 33) defines each register's width and, per field,
 * whether it is RO, RW, RW1C or RW1S; reserved bits read 0 and ignore writes.
 * The table below encodes exactly that as bit masks.  Optional registers
 * (boot partitions, CMB, PMR, NVM subsystem reset/shutdown) exist only when
 * their CAP bit is 1; otherwise they are reserved and read 0.  Registers are
 * stored as dwords so a 64-bit register can be written as one 64-bit access
 * or two 32-bit halves in either order (libnvme nvme_is_64bit_reg, QEMU
 * nvme_write_bar handle ASQ and ASQ+4 separately).
 */
#include "config.h"

#include <string.h>

#include "engine/bar.h"

#define LO32 0xffffffffull
#define PAGE_BASE64 0xfffffffffffff000ull /* bits 63:12 */

/* The register table (NVMe 2.0 Figure 33), in offset order. */
const struct nvmesim_reg_def nvmesim_reg_defs[] = {
	{ NVMESIM_REG_CAP, 8, NVMESIM_ACC_RO, "CAP", "Controller Capabilities",
	  0, 0, 0, -1, "§3.1.4.1" },
	{ NVMESIM_REG_VS, 4, NVMESIM_ACC_RO, "VS", "Version", 0, 0, 0, -1, "§3.1.4.2" },
	/* INTMS and INTMC act on one mask: write 1 to set / to clear (§3.1.4.3-4) */
	{ NVMESIM_REG_INTMS, 4, NVMESIM_ACC_RW1S, "INTMS", "Interrupt Mask Set",
	  0, 0, LO32, -1, "§3.1.4.3" },
	{ NVMESIM_REG_INTMC, 4, NVMESIM_ACC_RW1C, "INTMC", "Interrupt Mask Clear",
	  0, LO32, 0, -1, "§3.1.4.4" },
	/* CC: EN 0, CSS 6:4, MPS 10:7, AMS 13:11, SHN 15:14, IOSQES 19:16,
	 * IOCQES 23:20, CRIME 24; bits 3:1 and 31:25 reserved (§3.1.4.5) */
	{ NVMESIM_REG_CC, 4, NVMESIM_ACC_RW, "CC", "Controller Configuration",
	  0x01fffff1, 0, 0, -1, "§3.1.4.5" },
	/* CSTS: RDY, CFS, SHST, PP, ST read-only; NSSRO (bit 4) RW1C (§3.1.4.6) */
	{ NVMESIM_REG_CSTS, 4, NVMESIM_ACC_RO, "CSTS", "Controller Status",
	  0, 0x10, 0, -1, "§3.1.4.6" },
	/* NSSR stores nothing: a write of "NVMe" starts a reset, reads return 0 (§3.1.4.7) */
	{ NVMESIM_REG_NSSR, 4, NVMESIM_ACC_RW, "NSSR", "NVM Subsystem Reset",
	  0, 0, 0, 36, "§3.1.4.7" },
	{ NVMESIM_REG_AQA, 4, NVMESIM_ACC_RW, "AQA", "Admin Queue Attributes",
	  0x0fff0fff, 0, 0, -1, "§3.1.4.8" },
	{ NVMESIM_REG_ASQ, 8, NVMESIM_ACC_RW, "ASQ", "Admin Submission Queue Base Address",
	  PAGE_BASE64, 0, 0, -1, "§3.1.4.9" },
	{ NVMESIM_REG_ACQ, 8, NVMESIM_ACC_RW, "ACQ", "Admin Completion Queue Base Address",
	  PAGE_BASE64, 0, 0, -1, "§3.1.4.10" },
	{ NVMESIM_REG_CMBLOC, 4, NVMESIM_ACC_RO, "CMBLOC", "Controller Memory Buffer Location",
	  0, 0, 0, 57, "§3.1.4.11" },
	{ NVMESIM_REG_CMBSZ, 4, NVMESIM_ACC_RO, "CMBSZ", "Controller Memory Buffer Size",
	  0, 0, 0, 57, "§3.1.4.12" },
	{ NVMESIM_REG_BPINFO, 4, NVMESIM_ACC_RO, "BPINFO", "Boot Partition Information",
	  0, 0, 0, 45, "§3.1.4.13" },
	/* BPRSEL: BPRSZ 9:0, BPROF 29:10, BPID 31 (§3.1.4.14) */
	{ NVMESIM_REG_BPRSEL, 4, NVMESIM_ACC_RW, "BPRSEL", "Boot Partition Read Select",
	  0xbfffffff, 0, 0, 45, "§3.1.4.14" },
	{ NVMESIM_REG_BPMBL, 8, NVMESIM_ACC_RW, "BPMBL",
	  "Boot Partition Memory Buffer Location", PAGE_BASE64, 0, 0, 45, "§3.1.4.15" },
	/* CMBMSC: CRE 0, CMSE 1, CBA 63:12 (§3.1.4.16) */
	{ NVMESIM_REG_CMBMSC, 8, NVMESIM_ACC_RW, "CMBMSC",
	  "Controller Memory Buffer Memory Space Control", PAGE_BASE64 | 0x3, 0, 0, 57,
	  "§3.1.4.16" },
	{ NVMESIM_REG_CMBSTS, 4, NVMESIM_ACC_RO, "CMBSTS", "Controller Memory Buffer Status",
	  0, 0, 0, 57, "§3.1.4.17" },
	{ NVMESIM_REG_CMBEBS, 4, NVMESIM_ACC_RO, "CMBEBS",
	  "Controller Memory Buffer Elasticity Buffer Size", 0, 0, 0, 57, "§3.1.4.18" },
	{ NVMESIM_REG_CMBSWTP, 4, NVMESIM_ACC_RO, "CMBSWTP",
	  "Controller Memory Buffer Sustained Write Throughput", 0, 0, 0, 57, "§3.1.4.19" },
	/* NSSD: a write of "NVMe" starts an NVM subsystem shutdown; reads 0 (§3.1.4.20) */
	{ NVMESIM_REG_NSSD, 4, NVMESIM_ACC_RW, "NSSD", "NVM Subsystem Shutdown",
	  0, 0, 0, 58, "§3.1.4.20" },
	{ NVMESIM_REG_CRTO, 4, NVMESIM_ACC_RO, "CRTO", "Controller Ready Timeouts",
	  0, 0, 0, -1, "§3.1.4.21" },
	{ NVMESIM_REG_PMRCAP, 4, NVMESIM_ACC_RO, "PMRCAP", "Persistent Memory Capabilities",
	  0, 0, 0, 56, "§3.1.4.22" },
	{ NVMESIM_REG_PMRCTL, 4, NVMESIM_ACC_RW, "PMRCTL", "Persistent Memory Region Control",
	  0x1, 0, 0, 56, "§3.1.4.23" },
	{ NVMESIM_REG_PMRSTS, 4, NVMESIM_ACC_RO, "PMRSTS", "Persistent Memory Region Status",
	  0, 0, 0, 56, "§3.1.4.24" },
	{ NVMESIM_REG_PMREBS, 4, NVMESIM_ACC_RO, "PMREBS",
	  "Persistent Memory Region Elasticity Buffer Size", 0, 0, 0, 56, "§3.1.4.25" },
	{ NVMESIM_REG_PMRSWTP, 4, NVMESIM_ACC_RO, "PMRSWTP",
	  "Persistent Memory Region Sustained Write Throughput", 0, 0, 0, 56, "§3.1.4.26" },
	/* PMRMSCL: CMSE 1, CBA 31:12; PMRMSCU: CBA 63:32 (§3.1.4.27-28) */
	{ NVMESIM_REG_PMRMSCL, 4, NVMESIM_ACC_RW, "PMRMSCL",
	  "Persistent Memory Region Memory Space Control Lower", 0xfffff002, 0, 0, 56,
	  "§3.1.4.27" },
	{ NVMESIM_REG_PMRMSCU, 4, NVMESIM_ACC_RW, "PMRMSCU",
	  "Persistent Memory Region Memory Space Control Upper", LO32, 0, 0, 56, "§3.1.4.28" },
};
const unsigned int nvmesim_reg_defs_nr = NVMESIM_ARRAY_SIZE(nvmesim_reg_defs);

_Static_assert(NVMESIM_ARRAY_SIZE(nvmesim_reg_defs) == 28, "every Figure 33 register");

/* nvmesim_reg_find - the register whose bytes include @off, or NULL */
const struct nvmesim_reg_def *nvmesim_reg_find(uint32_t off)
{
	unsigned int i;

	for (i = 0; i < nvmesim_reg_defs_nr; i++) {
		const struct nvmesim_reg_def *d = &nvmesim_reg_defs[i];

		if (off >= d->off && off < d->off + d->width)
			return d;
	}
	return NULL;
}

/* nvmesim_reg_present - optional registers exist only when their CAP bit is set */
int nvmesim_reg_present(const struct nvmesim_bar *bar, const struct nvmesim_reg_def *def)
{
	if (def->cap_bit < 0)
		return 1;
	return (nvmesim_bar_get64(bar, NVMESIM_REG_CAP) >> def->cap_bit) & 1;
}

/* nvmesim_bar_read32 - the dword a host read at @off returns */
uint32_t nvmesim_bar_read32(const struct nvmesim_bar *bar, uint32_t off)
{
	const struct nvmesim_reg_def *def;

	if (off >= NVMESIM_BAR_REGS_SIZE || off % 4)
		return 0;
	def = nvmesim_reg_find(off);
	if (!def || !nvmesim_reg_present(bar, def))
		return 0;
	return nvmesim_bar_get32(bar, off);
}

/* nvmesim_bar_write32 - apply one dword write with the register's access rules */
void nvmesim_bar_write32(struct nvmesim_bar *bar, uint32_t off, uint32_t val,
			 struct nvmesim_bar_wr *wr)
{
	const struct nvmesim_reg_def *def;
	uint32_t rw, rw1c, rw1s, old, now;

	memset(wr, 0, sizeof(*wr));
	wr->wrote = val;
	wr->ignored = val;
	if (off >= NVMESIM_BAR_REGS_SIZE || off % 4)
		return;
	def = nvmesim_reg_find(off);
	wr->def = def;
	if (!def)
		return;
	if (!nvmesim_reg_present(bar, def)) {
		wr->absent = 1;
		return;
	}
	wr->half = (off - def->off) / 4;
	rw = (uint32_t)(def->rw >> (32 * wr->half));
	rw1c = (uint32_t)(def->rw1c >> (32 * wr->half));
	rw1s = (uint32_t)(def->rw1s >> (32 * wr->half));
	old = nvmesim_bar_get32(bar, off);
	now = (old & ~rw) | (val & rw);
	now &= ~(val & rw1c);
	now |= val & rw1s;
	wr->old = old;
	wr->val = now;
	wr->ignored = val & ~(rw | rw1c | rw1s);
	nvmesim_bar_set32(bar, off, now);
	/* One interrupt mask, two windows onto it (§3.1.4.3-4). */
	if (off == NVMESIM_REG_INTMS)
		nvmesim_bar_set32(bar, NVMESIM_REG_INTMC, now);
	else if (off == NVMESIM_REG_INTMC)
		nvmesim_bar_set32(bar, NVMESIM_REG_INTMS, now);
}
