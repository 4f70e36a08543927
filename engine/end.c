/* SPDX-License-Identifier: MIT */
/*
 * end.c - the thin wrappers every BAR access and wait goes through.
 *
 * Nothing above the controller end calls the ops table directly (SQLite's
 * sqlite3OsRead pattern): the wrappers are where the register-access log
 * lives, so the log sees the whole host/device conversation in order, for
 * the simulated controller and a real one alike.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "engine/nvmesim-internal.h"

/* end_name - "CC", "ASQ+4", "SQ1TDBL", "CQ3HDBL" or a hex offset for BAR0 offset @off */
static void end_name(const struct nvmesim_end *end, uint32_t off, char *b, size_t len)
{
	const char *name = nvmesim_reg_name(off);
	uint32_t stride = 4u << end->dstrd;

	if (name) {
		snprintf(b, len, "%s", name);
	} else if (off >= NVMESIM_REG_DBS && (off - NVMESIM_REG_DBS) % stride == 0) {
		uint32_t idx = (off - NVMESIM_REG_DBS) / stride;

		snprintf(b, len, "%s%" PRIu32 "%s", idx & 1 ? "CQ" : "SQ", idx / 2,
			 idx & 1 ? "HDBL" : "TDBL");
	} else if (off >= 4 && nvmesim_reg_name(off - 4)) {
		snprintf(b, len, "%s+4", nvmesim_reg_name(off - 4));
	} else {
		snprintf(b, len, "0x%04" PRIx32, off);
	}
}

/* end_log - emit one log line for an access of @width bytes in direction @dir */
static void end_log(struct nvmesim_end *end, char dir, unsigned int width, uint32_t off,
		    uint64_t val)
{
	char name[32], fields[256], line[320];
	int is_reg = nvmesim_reg_name(off) != NULL;

	end_name(end, off, name, sizeof(name));
	fields[0] = '\0';
	if (is_reg && (width == 8 || off != NVMESIM_REG_CAP))
		nvmesim_reg_decode(off, val, fields, sizeof(fields));
	if (!is_reg && off >= NVMESIM_REG_DBS)
		snprintf(line, sizeof(line), "%c%u %s %s %" PRIu64, dir, width * 8, name,
			 dir == 'W' ? "<-" : "->", val);
	else
		snprintf(line, sizeof(line), "%c%u %s %s 0x%0*" PRIx64 "%s%s", dir, width * 8,
			 name, dir == 'W' ? "<-" : "->", (int)width * 2, val,
			 fields[0] ? " " : "", fields);
	end->mmio_log(end->mmio_log_arg, line);
}

/* nvmesim_end_read32 - 32-bit register read; returns the value */
uint32_t nvmesim_end_read32(struct nvmesim_end *end, uint32_t off)
{
	uint32_t v = end->ops->read32(end, off);

	end->mmio_reads++;
	if (end->mmio_log)
		end_log(end, 'R', 4, off, v);
	return v;
}

/* nvmesim_end_read64 - 64-bit register read; returns the value */
uint64_t nvmesim_end_read64(struct nvmesim_end *end, uint32_t off)
{
	uint64_t v = end->ops->read64(end, off);

	end->mmio_reads++;
	if (end->mmio_log)
		end_log(end, 'R', 8, off, v);
	return v;
}

/* nvmesim_end_write32 - 32-bit register or doorbell write */
void nvmesim_end_write32(struct nvmesim_end *end, uint32_t off, uint32_t val)
{
	end->mmio_writes++;
	if (end->mmio_log)
		end_log(end, 'W', 4, off, val);
	end->ops->write32(end, off, val);
}

/* nvmesim_end_write64 - 64-bit register write */
void nvmesim_end_write64(struct nvmesim_end *end, uint32_t off, uint64_t val)
{
	end->mmio_writes++;
	if (end->mmio_log)
		end_log(end, 'W', 8, off, val);
	end->ops->write64(end, off, val);
}

/* nvmesim_end_wait - let the device run; 1 interrupt, 0 timeout, -errno */
int nvmesim_end_wait(struct nvmesim_end *end, uint64_t timeout_ns, uint32_t *vector)
{
	uint32_t v;
	int r = end->ops->wait(end, timeout_ns, &v);

	if (r == 1 && vector)
		*vector = v;
	return r;
}

/* nvmesim_end_now - the end's clock, ns */
uint64_t nvmesim_end_now(struct nvmesim_end *end)
{
	return end->ops->now_ns(end);
}

/* nvmesim_end_set_cpu - later host work is done by @cpu */
void nvmesim_end_set_cpu(struct nvmesim_end *end, unsigned int cpu)
{
	if (end->ops->set_cpu)
		end->ops->set_cpu(end, cpu);
}

/* nvmesim_end_host_work - charge @n items of host work @w, where the end models time */
void nvmesim_end_host_work(struct nvmesim_end *end, enum nvmesim_host_work w, unsigned int n)
{
	if (end->ops->host_work)
		end->ops->host_work(end, w, n);
}

/* nvmesim_end_dma_sink - tell the end the host will not read DMA writes to a range; the op
 * exists from API version 2 on, so older ends' shorter tables are not read past their end */
int nvmesim_end_dma_sink(struct nvmesim_end *end, uint64_t iova, size_t len, int on)
{
	if (end->ops->api_version < 2 || !end->ops->dma_sink)
		return -EOPNOTSUPP;
	return end->ops->dma_sink(end, iova, len, on);
}

/* nvmesim_end_close - release @end (its close op frees it) */
void nvmesim_end_close(struct nvmesim_end *end)
{
	if (end)
		end->ops->close(end);
}

/* nvmesim_end_set_mmio_log - install or remove the register-access log */
void nvmesim_end_set_mmio_log(struct nvmesim_end *end, void (*fn)(void *arg, const char *line),
			      void *arg)
{
	end->mmio_log = fn;
	end->mmio_log_arg = arg;
}

/* nvmesim_end_set_ctrl_log - install or remove the controller diagnostics sink */
void nvmesim_end_set_ctrl_log(struct nvmesim_end *end, void (*fn)(void *arg, const char *line),
			      void *arg)
{
	end->ctrl_log = fn;
	end->ctrl_log_arg = arg;
}

/* nvmesim_end_doorbell - BAR0 offset of SQ tail (@cq 0) or CQ head (@cq 1) doorbell of @qid */
uint32_t nvmesim_end_doorbell(const struct nvmesim_end *end, uint16_t qid, int cq)
{
	return NVMESIM_REG_DBS + (2u * qid + (cq ? 1u : 0u)) * (4u << end->dstrd);
}
