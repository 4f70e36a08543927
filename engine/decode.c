/* SPDX-License-Identifier: MIT */
/*
 * decode.c - register names and field decoding for logs and the CLI.
 *
 * One decoder serves the MMIO log, `nvmesim info` and the controller's
 * diagnostics, so a register reads the same everywhere, e.g.
 * "EN=1 CSS=NVM MPS=4KiB AMS=RR SHN=none IOSQES=64B IOCQES=16B".
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "engine/bar.h"

/* nvmesim_reg_name - name of the register starting at @off, or NULL */
const char *nvmesim_reg_name(uint32_t off)
{
	const struct nvmesim_reg_def *d = nvmesim_reg_find(off);

	return d && d->off == off ? d->name : NULL;
}

/* nvmesim_reg_offset - offset of register @name (case-insensitive), or -1 */
long nvmesim_reg_offset(const char *name)
{
	unsigned int i;

	for (i = 0; i < nvmesim_reg_defs_nr; i++)
		if (strcasecmp(nvmesim_reg_defs[i].name, name) == 0)
			return nvmesim_reg_defs[i].off;
	return -1;
}

/* struct out - a bounded append buffer */
struct out {
	char *buf;
	size_t len;
	int n;
};

/* out_add - append formatted text, tracking the length snprintf() would report */
static void out_add(struct out *o, const char *fmt, ...) NVMESIM_PRINTF(2, 3);
static void out_add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t at = (size_t)o->n < o->len ? (size_t)o->n : o->len;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(o->buf + at, o->len - at, fmt, ap);
	va_end(ap);
	if (r > 0)
		o->n += r;
}

/* size_str - a power-of-two byte count as "4KiB", "64B", "1MiB" */
static const char *size_str(char *b, size_t len, unsigned int shift)
{
	if (shift >= 30)
		snprintf(b, len, "%lluGiB", 1ull << (shift - 30));
	else if (shift >= 20)
		snprintf(b, len, "%lluMiB", 1ull << (shift - 20));
	else if (shift >= 10)
		snprintf(b, len, "%lluKiB", 1ull << (shift - 10));
	else
		snprintf(b, len, "%lluB", 1ull << shift);
	return b;
}

/* css_str - CC.CSS value name (§3.1.4.5) */
static const char *css_str(unsigned int css)
{
	switch (css) {
	case NVMESIM_CC_CSS_NVM:
		return "NVM";
	case NVMESIM_CC_CSS_CSI:
		return "CSI";
	case NVMESIM_CC_CSS_ADMIN:
		return "admin-only";
	default:
		return "reserved";
	}
}

/* decode_cap - CAP fields (§3.1.4.1) */
static void decode_cap(struct out *o, uint64_t v)
{
	char a[16], b[16];
	unsigned int css = (unsigned int)NVMESIM_FIELD_GET(v, CAP_CSS);

	out_add(o, "MQES=%llu CQR=%llu AMS=%s%s TO=%llums DSTRD=%lluB NSSRS=%llu CSS=%s%s%s "
		"BPS=%llu MPSMIN=%s MPSMAX=%s PMRS=%llu CMBS=%llu NSSS=%llu CRMS=%llu",
		(unsigned long long)NVMESIM_FIELD_GET(v, CAP_MQES) + 1,
		(unsigned long long)NVMESIM_FIELD_GET(v, CAP_CQR),
		NVMESIM_FIELD_GET(v, CAP_AMS) & 1 ? "WRR" : "RR",
		NVMESIM_FIELD_GET(v, CAP_AMS) & 2 ? "+VS" : "",
		(unsigned long long)NVMESIM_FIELD_GET(v, CAP_TO) * 500,
		4ull << NVMESIM_FIELD_GET(v, CAP_DSTRD),
		(unsigned long long)NVMESIM_FIELD_GET(v, CAP_NSSRS),
		css & NVMESIM_CAP_CSS_NVM ? "NVM" : "",
		css & NVMESIM_CAP_CSS_CSI ? "+CSI" : "",
		css & NVMESIM_CAP_CSS_ADMIN ? "+admin-only" : "",
		(unsigned long long)NVMESIM_FIELD_GET(v, CAP_BPS),
		size_str(a, sizeof(a), 12 + (unsigned int)NVMESIM_FIELD_GET(v, CAP_MPSMIN)),
		size_str(b, sizeof(b), 12 + (unsigned int)NVMESIM_FIELD_GET(v, CAP_MPSMAX)),
		(unsigned long long)NVMESIM_FIELD_GET(v, CAP_PMRS),
		(unsigned long long)NVMESIM_FIELD_GET(v, CAP_CMBS),
		(unsigned long long)NVMESIM_FIELD_GET(v, CAP_NSSS),
		(unsigned long long)NVMESIM_FIELD_GET(v, CAP_CRMS));
}

/* queue_entry_size - CC.IOSQES/IOCQES as "64B" (2^n bytes), or "0" when unset */
static const char *queue_entry_size(char *b, size_t len, unsigned int n)
{
	if (n == 0)
		return "0";
	return size_str(b, len, n);
}

/* decode_cc - CC fields (§3.1.4.5); AMS, SHN and CRIME only when not zero */
static void decode_cc(struct out *o, uint64_t v)
{
	static const char *const shn[] = { "none", "normal", "abrupt", "reserved" };
	static const char *const ams[] = { "RR", "WRR", "rsvd2", "rsvd3", "rsvd4", "rsvd5",
					   "rsvd6", "VS" };
	char a[16], b[16], c[16];

	out_add(o, "EN=%llu CSS=%s MPS=%s IOSQES=%s IOCQES=%s",
		(unsigned long long)NVMESIM_FIELD_GET(v, CC_EN),
		css_str((unsigned int)NVMESIM_FIELD_GET(v, CC_CSS)),
		size_str(a, sizeof(a), 12 + (unsigned int)NVMESIM_FIELD_GET(v, CC_MPS)),
		queue_entry_size(b, sizeof(b), (unsigned int)NVMESIM_FIELD_GET(v, CC_IOSQES)),
		queue_entry_size(c, sizeof(c), (unsigned int)NVMESIM_FIELD_GET(v, CC_IOCQES)));
	if (NVMESIM_FIELD_GET(v, CC_AMS))
		out_add(o, " AMS=%s", ams[NVMESIM_FIELD_GET(v, CC_AMS)]);
	if (NVMESIM_FIELD_GET(v, CC_SHN))
		out_add(o, " SHN=%s", shn[NVMESIM_FIELD_GET(v, CC_SHN)]);
	if (NVMESIM_FIELD_GET(v, CC_CRIME))
		out_add(o, " CRIME=1");
}

/* decode_csts - CSTS fields (§3.1.4.6) */
static void decode_csts(struct out *o, uint64_t v)
{
	static const char *const shst[] = { "normal", "occurring", "complete", "reserved" };

	out_add(o, "RDY=%llu CFS=%llu SHST=%s NSSRO=%llu PP=%llu",
		(unsigned long long)NVMESIM_FIELD_GET(v, CSTS_RDY),
		(unsigned long long)NVMESIM_FIELD_GET(v, CSTS_CFS),
		shst[NVMESIM_FIELD_GET(v, CSTS_SHST)],
		(unsigned long long)NVMESIM_FIELD_GET(v, CSTS_NSSRO),
		(unsigned long long)NVMESIM_FIELD_GET(v, CSTS_PP));
	if (NVMESIM_FIELD_GET(v, CSTS_ST))
		out_add(o, " ST=1");
}

/* nvmesim_reg_decode - describe register @off holding @val; returns the length, as snprintf */
int nvmesim_reg_decode(uint32_t off, uint64_t val, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	switch (off) {
	case NVMESIM_REG_CAP:
		decode_cap(&o, val);
		break;
	case NVMESIM_REG_VS:
		out_add(&o, "%llu.%llu.%llu", (unsigned long long)NVMESIM_FIELD_GET(val, VS_MJR),
			(unsigned long long)NVMESIM_FIELD_GET(val, VS_MNR),
			(unsigned long long)NVMESIM_FIELD_GET(val, VS_TER));
		break;
	case NVMESIM_REG_INTMS:
	case NVMESIM_REG_INTMC:
		out_add(&o, "IVM=0x%08llx", (unsigned long long)(val & 0xffffffffu));
		break;
	case NVMESIM_REG_CC:
		decode_cc(&o, val);
		break;
	case NVMESIM_REG_CSTS:
		decode_csts(&o, val);
		break;
	case NVMESIM_REG_NSSR:
	case NVMESIM_REG_NSSD:
		out_add(&o, "%s", (uint32_t)val == NVMESIM_NSSR_RESET ? "\"NVMe\"" : "no effect");
		break;
	case NVMESIM_REG_AQA:
		out_add(&o, "ASQS=%llu ACQS=%llu",
			(unsigned long long)NVMESIM_FIELD_GET(val, AQA_ASQS) + 1,
			(unsigned long long)NVMESIM_FIELD_GET(val, AQA_ACQS) + 1);
		break;
	case NVMESIM_REG_ASQ:
	case NVMESIM_REG_ACQ:
		out_add(&o, "base=0x%llx", (unsigned long long)(val & ~0xfffull));
		break;
	case NVMESIM_REG_CRTO:
		out_add(&o, "CRWMT=%llums CRIMT=%llums",
			(unsigned long long)NVMESIM_FIELD_GET(val, CRTO_CRWMT) * 500,
			(unsigned long long)NVMESIM_FIELD_GET(val, CRTO_CRIMT) * 500);
		break;
	default:
		break;
	}
	return o.n;
}
