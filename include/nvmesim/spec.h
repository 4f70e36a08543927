/* SPDX-License-Identifier: MIT */
/*
 * spec.h - NVMe register, command, completion and data-structure layouts.
 *
 * Everything here mirrors the NVM Express Base Specification 2.0 (and the NVM
 * Command Set Specification 1.0 for I/O commands) byte for byte: the BAR0
 * register block (§3.1.4), the 64-byte submission queue entry (§4.2), the
 * 16-byte completion queue entry (§4.6), status codes (§4.6.1.2), admin and
 * NVM opcodes, Identify data structures, and log pages.  Layout structs are
 * checked with _Static_assert so a mistake fails the build.
 *
 * All multi-byte fields are little-endian on the wire; nvmesim targets
 * little-endian hosts (x86-64, arm64) and accesses them directly.
 */
#ifndef NVMESIM_SPEC_H
#define NVMESIM_SPEC_H

#include <stdint.h>

#include <nvmesim/export.h>

NVMESIM_BEGIN_DECLS

/** NVMESIM_FIELD_GET - extract field @f (e.g. CAP_MQES) from register value @v */
#define NVMESIM_FIELD_GET(v, f) (((uint64_t)(v) >> NVMESIM_##f##_SHIFT) & NVMESIM_##f##_MASK)
/** NVMESIM_FIELD_SET - place value @x into field @f, ready to OR into a register */
#define NVMESIM_FIELD_SET(x, f) (((uint64_t)(x) & NVMESIM_##f##_MASK) << NVMESIM_##f##_SHIFT)

/* ------------------------------------------------------------------------ */
/* BAR0 controller registers (NVMe 2.0 §3.1.4, Figure 33).                 */

/* Offsets of the controller registers; doorbells start at 0x1000. */
enum nvmesim_reg {
	NVMESIM_REG_CAP = 0x00,     /* Controller Capabilities, 64 RO */
	NVMESIM_REG_VS = 0x08,      /* Version, 32 RO */
	NVMESIM_REG_INTMS = 0x0c,   /* Interrupt Mask Set, 32 RW1S */
	NVMESIM_REG_INTMC = 0x10,   /* Interrupt Mask Clear, 32 RW1C */
	NVMESIM_REG_CC = 0x14,      /* Controller Configuration, 32 RW */
	NVMESIM_REG_CSTS = 0x1c,    /* Controller Status, 32 RO (NSSRO RW1C) */
	NVMESIM_REG_NSSR = 0x20,    /* NVM Subsystem Reset, 32 RW */
	NVMESIM_REG_AQA = 0x24,     /* Admin Queue Attributes, 32 RW */
	NVMESIM_REG_ASQ = 0x28,     /* Admin Submission Queue Base, 64 RW */
	NVMESIM_REG_ACQ = 0x30,     /* Admin Completion Queue Base, 64 RW */
	NVMESIM_REG_CMBLOC = 0x38,  /* Controller Memory Buffer Location, 32 RO */
	NVMESIM_REG_CMBSZ = 0x3c,   /* Controller Memory Buffer Size, 32 RO */
	NVMESIM_REG_BPINFO = 0x40,  /* Boot Partition Information, 32 RO */
	NVMESIM_REG_BPRSEL = 0x44,  /* Boot Partition Read Select, 32 RW */
	NVMESIM_REG_BPMBL = 0x48,   /* Boot Partition Memory Buffer Location, 64 RW */
	NVMESIM_REG_CMBMSC = 0x50,  /* CMB Memory Space Control, 64 RW */
	NVMESIM_REG_CMBSTS = 0x58,  /* CMB Status, 32 RO */
	NVMESIM_REG_CMBEBS = 0x5c,  /* CMB Elasticity Buffer Size, 32 RO */
	NVMESIM_REG_CMBSWTP = 0x60, /* CMB Sustained Write Throughput, 32 RO */
	NVMESIM_REG_NSSD = 0x64,    /* NVM Subsystem Shutdown, 32 RW */
	NVMESIM_REG_CRTO = 0x68,    /* Controller Ready Timeouts, 32 RO */
	NVMESIM_REG_PMRCAP = 0xe00, /* Persistent Memory Capabilities, 32 RO */
	NVMESIM_REG_PMRCTL = 0xe04, /* PMR Control, 32 RW */
	NVMESIM_REG_PMRSTS = 0xe08, /* PMR Status, 32 RO */
	NVMESIM_REG_PMREBS = 0xe0c, /* PMR Elasticity Buffer Size, 32 RO */
	NVMESIM_REG_PMRSWTP = 0xe10, /* PMR Sustained Write Throughput, 32 RO */
	NVMESIM_REG_PMRMSCL = 0xe14, /* PMR Memory Space Control Lower, 32 RW */
	NVMESIM_REG_PMRMSCU = 0xe18, /* PMR Memory Space Control Upper, 32 RW */
	NVMESIM_REG_DBS = 0x1000,   /* first doorbell (SQ0TDBL) */
};

/* NVMESIM_NSSR_RESET - the value "NVMe" that triggers an NVM Subsystem Reset (§3.1.4.6) */
#define NVMESIM_NSSR_RESET 0x4e564d65u

/* CAP fields (§3.1.4.1) */
enum {
	NVMESIM_CAP_MQES_SHIFT = 0, NVMESIM_CAP_MQES_MASK = 0xffff,
	NVMESIM_CAP_CQR_SHIFT = 16, NVMESIM_CAP_CQR_MASK = 0x1,
	NVMESIM_CAP_AMS_SHIFT = 17, NVMESIM_CAP_AMS_MASK = 0x3,
	NVMESIM_CAP_TO_SHIFT = 24, NVMESIM_CAP_TO_MASK = 0xff,
	NVMESIM_CAP_DSTRD_SHIFT = 32, NVMESIM_CAP_DSTRD_MASK = 0xf,
	NVMESIM_CAP_NSSRS_SHIFT = 36, NVMESIM_CAP_NSSRS_MASK = 0x1,
	NVMESIM_CAP_CSS_SHIFT = 37, NVMESIM_CAP_CSS_MASK = 0xff,
	NVMESIM_CAP_BPS_SHIFT = 45, NVMESIM_CAP_BPS_MASK = 0x1,
	NVMESIM_CAP_CPS_SHIFT = 46, NVMESIM_CAP_CPS_MASK = 0x3,
	NVMESIM_CAP_MPSMIN_SHIFT = 48, NVMESIM_CAP_MPSMIN_MASK = 0xf,
	NVMESIM_CAP_MPSMAX_SHIFT = 52, NVMESIM_CAP_MPSMAX_MASK = 0xf,
	NVMESIM_CAP_PMRS_SHIFT = 56, NVMESIM_CAP_PMRS_MASK = 0x1,
	NVMESIM_CAP_CMBS_SHIFT = 57, NVMESIM_CAP_CMBS_MASK = 0x1,
	NVMESIM_CAP_NSSS_SHIFT = 58, NVMESIM_CAP_NSSS_MASK = 0x1,
	NVMESIM_CAP_CRMS_SHIFT = 59, NVMESIM_CAP_CRMS_MASK = 0x3,
};

/* CAP.CSS bits (§3.1.4.1): which command sets CC.CSS may select */
enum {
	NVMESIM_CAP_CSS_NVM = 1u << 0,   /* NVM command set */
	NVMESIM_CAP_CSS_CSI = 1u << 6,   /* one or more I/O command sets */
	NVMESIM_CAP_CSS_ADMIN = 1u << 7, /* no I/O command set (admin only) */
};

/* VS fields (§3.1.4.2) */
enum {
	NVMESIM_VS_TER_SHIFT = 0, NVMESIM_VS_TER_MASK = 0xff,
	NVMESIM_VS_MNR_SHIFT = 8, NVMESIM_VS_MNR_MASK = 0xff,
	NVMESIM_VS_MJR_SHIFT = 16, NVMESIM_VS_MJR_MASK = 0xffff,
};

/* CC fields (§3.1.4.5) */
enum {
	NVMESIM_CC_EN_SHIFT = 0, NVMESIM_CC_EN_MASK = 0x1,
	NVMESIM_CC_CSS_SHIFT = 4, NVMESIM_CC_CSS_MASK = 0x7,
	NVMESIM_CC_MPS_SHIFT = 7, NVMESIM_CC_MPS_MASK = 0xf,
	NVMESIM_CC_AMS_SHIFT = 11, NVMESIM_CC_AMS_MASK = 0x7,
	NVMESIM_CC_SHN_SHIFT = 14, NVMESIM_CC_SHN_MASK = 0x3,
	NVMESIM_CC_IOSQES_SHIFT = 16, NVMESIM_CC_IOSQES_MASK = 0xf,
	NVMESIM_CC_IOCQES_SHIFT = 20, NVMESIM_CC_IOCQES_MASK = 0xf,
	NVMESIM_CC_CRIME_SHIFT = 24, NVMESIM_CC_CRIME_MASK = 0x1,
};

/* CC.CSS values, CC.AMS values and CC.SHN values (§3.1.4.5) */
enum {
	NVMESIM_CC_CSS_NVM = 0,
	NVMESIM_CC_CSS_CSI = 6,
	NVMESIM_CC_CSS_ADMIN = 7,
	NVMESIM_CC_AMS_RR = 0,
	NVMESIM_CC_AMS_WRRU = 1,
	NVMESIM_CC_AMS_VS = 7,
	NVMESIM_CC_SHN_NONE = 0,
	NVMESIM_CC_SHN_NORMAL = 1,
	NVMESIM_CC_SHN_ABRUPT = 2,
};

/* CSTS fields (§3.1.4.6) */
enum {
	NVMESIM_CSTS_RDY_SHIFT = 0, NVMESIM_CSTS_RDY_MASK = 0x1,
	NVMESIM_CSTS_CFS_SHIFT = 1, NVMESIM_CSTS_CFS_MASK = 0x1,
	NVMESIM_CSTS_SHST_SHIFT = 2, NVMESIM_CSTS_SHST_MASK = 0x3,
	NVMESIM_CSTS_NSSRO_SHIFT = 4, NVMESIM_CSTS_NSSRO_MASK = 0x1,
	NVMESIM_CSTS_PP_SHIFT = 5, NVMESIM_CSTS_PP_MASK = 0x1,
	NVMESIM_CSTS_ST_SHIFT = 6, NVMESIM_CSTS_ST_MASK = 0x1,
};

/* CSTS.SHST values */
enum {
	NVMESIM_SHST_NORMAL = 0,
	NVMESIM_SHST_OCCURRING = 1,
	NVMESIM_SHST_COMPLETE = 2,
};

/* AQA fields (§3.1.4.8); both sizes are 0's based */
enum {
	NVMESIM_AQA_ASQS_SHIFT = 0, NVMESIM_AQA_ASQS_MASK = 0xfff,
	NVMESIM_AQA_ACQS_SHIFT = 16, NVMESIM_AQA_ACQS_MASK = 0xfff,
};

/* CRTO fields (§3.1.4.22), 500 ms units */
enum {
	NVMESIM_CRTO_CRWMT_SHIFT = 0, NVMESIM_CRTO_CRWMT_MASK = 0xffff,
	NVMESIM_CRTO_CRIMT_SHIFT = 16, NVMESIM_CRTO_CRIMT_MASK = 0xffff,
};

/* Doorbell value field: bits 15:0 (SQT / CQH), 31:16 reserved (NVMe over PCIe Transport 1.0) */
#define NVMESIM_DB_VALUE_MASK 0xffffu

/* ------------------------------------------------------------------------ */
/* Submission and completion queue entries (§4.2, §4.6).                   */

/* struct nvmesim_sqe - a 64-byte submission queue entry (§4.2, Figure 88) */
struct nvmesim_sqe {
	uint8_t opcode;      /* CDW0 7:0 */
	uint8_t flags;       /* CDW0 15:8: FUSE 9:8, PSDT 15:14 */
	uint16_t cid;        /* CDW0 31:16 command identifier */
	uint32_t nsid;       /* CDW1 namespace identifier */
	uint32_t cdw2;       /* command specific */
	uint32_t cdw3;       /* command specific */
	uint64_t mptr;       /* CDW4-5 metadata pointer */
	uint64_t prp1;       /* CDW6-7 data pointer, PRP entry 1 */
	uint64_t prp2;       /* CDW8-9 data pointer, PRP entry 2 */
	uint32_t cdw10;
	uint32_t cdw11;
	uint32_t cdw12;
	uint32_t cdw13;
	uint32_t cdw14;
	uint32_t cdw15;
};
NVMESIM_STATIC_ASSERT(sizeof(struct nvmesim_sqe) == 64, "SQE is 64 bytes (NVMe 2.0 §4.2)");

/* struct nvmesim_cqe - a 16-byte completion queue entry (§4.6, Figure 89) */
struct nvmesim_cqe {
	uint32_t dw0;        /* command specific result */
	uint32_t dw1;        /* command specific result */
	uint16_t sqhd;       /* DW2 15:0 SQ head pointer */
	uint16_t sqid;       /* DW2 31:16 SQ identifier */
	uint16_t cid;        /* DW3 15:0 command identifier */
	uint16_t status;     /* DW3 31:16: phase tag bit 0, status field 15:1 */
};
NVMESIM_STATIC_ASSERT(sizeof(struct nvmesim_cqe) == 16, "CQE is 16 bytes (NVMe 2.0 §4.6)");

/* Status field as carried in nvmesim (CQE DW3 31:17 shifted down by 17):
 * SC 7:0, SCT 10:8, CRD 12:11, M 13, DNR 14 (§4.6.1, Figure 93). */
enum {
	NVMESIM_STATUS_SC_SHIFT = 0, NVMESIM_STATUS_SC_MASK = 0xff,
	NVMESIM_STATUS_SCT_SHIFT = 8, NVMESIM_STATUS_SCT_MASK = 0x7,
	NVMESIM_STATUS_CRD_SHIFT = 11, NVMESIM_STATUS_CRD_MASK = 0x3,
	NVMESIM_STATUS_M_SHIFT = 13, NVMESIM_STATUS_M_MASK = 0x1,
	NVMESIM_STATUS_DNR_SHIFT = 14, NVMESIM_STATUS_DNR_MASK = 0x1,
};
#define NVMESIM_DNR (1u << 14)
/** NVMESIM_CQE_STATUS - the 15-bit status field of @cqe (phase tag removed) */
#define NVMESIM_CQE_STATUS(cqe) ((uint16_t)((cqe)->status >> 1))
/** NVMESIM_CQE_PHASE - the phase tag of @cqe */
#define NVMESIM_CQE_PHASE(cqe) ((cqe)->status & 1u)
/** NVMESIM_STATUS_CODE - status without CRD/M/DNR: (SCT << 8) | SC */
#define NVMESIM_STATUS_CODE(s) ((uint16_t)((s) & 0x7ff))

/* Status code types (§4.6.1.2) */
enum {
	NVMESIM_SCT_GENERIC = 0,
	NVMESIM_SCT_CMD_SPECIFIC = 1,
	NVMESIM_SCT_MEDIA = 2,
	NVMESIM_SCT_PATH = 3,
	NVMESIM_SCT_VENDOR = 7,
};

/*
 * Status codes as (SCT << 8) | SC.  Update nvmesim_status_str() when changing.
 * Generic: §4.6.1.2.1 Figure 95 (and NVM Command Set §4.1.1.1);
 * command specific: §4.6.1.2.2 Figure 96; media: §4.6.1.2.3 Figure 97.
 */
enum nvmesim_status {
	NVMESIM_SC_SUCCESS = 0x000,
	NVMESIM_SC_INVALID_OPCODE = 0x001,
	NVMESIM_SC_INVALID_FIELD = 0x002,
	NVMESIM_SC_CID_CONFLICT = 0x003,
	NVMESIM_SC_DATA_XFER_ERROR = 0x004,
	NVMESIM_SC_POWER_LOSS = 0x005,
	NVMESIM_SC_INTERNAL = 0x006,
	NVMESIM_SC_ABORT_REQ = 0x007,
	NVMESIM_SC_ABORT_SQ_DELETED = 0x008,
	NVMESIM_SC_FUSED_FAIL = 0x009,
	NVMESIM_SC_FUSED_MISSING = 0x00a,
	NVMESIM_SC_INVALID_NS = 0x00b,
	NVMESIM_SC_CMD_SEQ_ERROR = 0x00c,
	NVMESIM_SC_SGL_INVALID_LAST = 0x00d,
	NVMESIM_SC_SGL_INVALID_COUNT = 0x00e,
	NVMESIM_SC_SGL_INVALID_DATA = 0x00f,
	NVMESIM_SC_SGL_INVALID_METADATA = 0x010,
	NVMESIM_SC_SGL_INVALID_TYPE = 0x011,
	NVMESIM_SC_INVALID_CMB_USE = 0x012,
	NVMESIM_SC_INVALID_PRP_OFFSET = 0x013,
	NVMESIM_SC_LBA_RANGE = 0x080,
	NVMESIM_SC_CAP_EXCEEDED = 0x081,
	NVMESIM_SC_NS_NOT_READY = 0x082,

	NVMESIM_SC_CQ_INVALID = 0x100,
	NVMESIM_SC_INVALID_QID = 0x101,
	NVMESIM_SC_INVALID_QSIZE = 0x102,
	NVMESIM_SC_ABORT_LIMIT = 0x103,
	NVMESIM_SC_AER_LIMIT = 0x105,
	NVMESIM_SC_INVALID_FW_SLOT = 0x106,
	NVMESIM_SC_INVALID_FW_IMAGE = 0x107,
	NVMESIM_SC_INVALID_VECTOR = 0x108,
	NVMESIM_SC_INVALID_LOG_PAGE = 0x109,
	NVMESIM_SC_INVALID_FORMAT = 0x10a,
	NVMESIM_SC_INVALID_QUEUE_DELETION = 0x10c,
	NVMESIM_SC_FEAT_NOT_SAVEABLE = 0x10d,
	NVMESIM_SC_FEAT_NOT_CHANGEABLE = 0x10e,
	NVMESIM_SC_FEAT_NOT_NS_SPECIFIC = 0x10f,
	NVMESIM_SC_CONFLICTING_ATTRS = 0x180,
	NVMESIM_SC_INVALID_PI = 0x181,
	NVMESIM_SC_READ_ONLY = 0x182,

	NVMESIM_SC_WRITE_FAULT = 0x280,
	NVMESIM_SC_UNRECOVERED_READ = 0x281,
	NVMESIM_SC_COMPARE_FAILURE = 0x285,
	NVMESIM_SC_ACCESS_DENIED = 0x286,
	NVMESIM_SC_DEALLOCATED = 0x287,
};

/* Admin command opcodes (§5, Figure 138) */
enum nvmesim_admin_opc {
	NVMESIM_ADM_DELETE_SQ = 0x00,
	NVMESIM_ADM_CREATE_SQ = 0x01,
	NVMESIM_ADM_GET_LOG_PAGE = 0x02,
	NVMESIM_ADM_DELETE_CQ = 0x04,
	NVMESIM_ADM_CREATE_CQ = 0x05,
	NVMESIM_ADM_IDENTIFY = 0x06,
	NVMESIM_ADM_ABORT = 0x08,
	NVMESIM_ADM_SET_FEATURES = 0x09,
	NVMESIM_ADM_GET_FEATURES = 0x0a,
	NVMESIM_ADM_ASYNC_EVENT = 0x0c,
	NVMESIM_ADM_KEEP_ALIVE = 0x18,
	NVMESIM_ADM_DBBUF_CONFIG = 0x7c,
	NVMESIM_ADM_FORMAT_NVM = 0x80,
};

/* NVM command set I/O opcodes (NVM Command Set 1.0 §3, Figure 16) */
enum nvmesim_nvm_opc {
	NVMESIM_NVM_FLUSH = 0x00,
	NVMESIM_NVM_WRITE = 0x01,
	NVMESIM_NVM_READ = 0x02,
	NVMESIM_NVM_COMPARE = 0x05,
	NVMESIM_NVM_WRITE_ZEROES = 0x08,
	NVMESIM_NVM_DSM = 0x09,
};

/* Create I/O CQ / SQ command fields (§5.4, §5.5) */
enum {
	NVMESIM_CREATEQ_QID_SHIFT = 0, NVMESIM_CREATEQ_QID_MASK = 0xffff,    /* CDW10 */
	NVMESIM_CREATEQ_QSIZE_SHIFT = 16, NVMESIM_CREATEQ_QSIZE_MASK = 0xffff, /* CDW10 */
	NVMESIM_CREATEQ_PC_SHIFT = 0, NVMESIM_CREATEQ_PC_MASK = 0x1,        /* CDW11 */
	NVMESIM_CREATECQ_IEN_SHIFT = 1, NVMESIM_CREATECQ_IEN_MASK = 0x1,    /* CDW11 */
	NVMESIM_CREATECQ_IV_SHIFT = 16, NVMESIM_CREATECQ_IV_MASK = 0xffff,  /* CDW11 */
	NVMESIM_CREATESQ_QPRIO_SHIFT = 1, NVMESIM_CREATESQ_QPRIO_MASK = 0x3, /* CDW11 */
	NVMESIM_CREATESQ_CQID_SHIFT = 16, NVMESIM_CREATESQ_CQID_MASK = 0xffff, /* CDW11 */
};

/* Identify CNS values (§5.17.1, Figure 273) */
enum {
	NVMESIM_CNS_NS = 0x00,
	NVMESIM_CNS_CTRL = 0x01,
	NVMESIM_CNS_NS_ACTIVE_LIST = 0x02,
	NVMESIM_CNS_NS_DESC_LIST = 0x03,
};

/* Feature identifiers (§5.27.1, Figure 317) */
enum nvmesim_fid {
	NVMESIM_FEAT_ARBITRATION = 0x01,
	NVMESIM_FEAT_POWER_MGMT = 0x02,
	NVMESIM_FEAT_TEMP_THRESH = 0x04,
	NVMESIM_FEAT_ERR_RECOVERY = 0x05,
	NVMESIM_FEAT_VOLATILE_WC = 0x06,
	NVMESIM_FEAT_NUM_QUEUES = 0x07,
	NVMESIM_FEAT_IRQ_COALESCE = 0x08,
	NVMESIM_FEAT_IRQ_CONFIG = 0x09,
	NVMESIM_FEAT_WRITE_ATOMIC = 0x0a,
	NVMESIM_FEAT_ASYNC_EVENT = 0x0b,
};

/* Log page identifiers (§5.16.1, Figure 202) */
enum nvmesim_lid {
	NVMESIM_LOG_ERROR = 0x01,
	NVMESIM_LOG_SMART = 0x02,
	NVMESIM_LOG_FW_SLOT = 0x03,
};

/* Asynchronous event types and Error-type event information (§5.2, Figures 146-147) */
enum {
	NVMESIM_AER_TYPE_ERROR = 0,
	NVMESIM_AER_TYPE_SMART = 1,
	NVMESIM_AER_TYPE_NOTICE = 2,
	NVMESIM_AER_TYPE_IO_CMD_SET = 6,
	NVMESIM_AER_TYPE_VENDOR = 7,
	NVMESIM_AER_ERR_INVALID_DB = 0x00,       /* Write to Invalid Doorbell Register */
	NVMESIM_AER_ERR_INVALID_DB_VALUE = 0x01, /* Invalid Doorbell Write Value */
	NVMESIM_AER_ERR_DIAG_FAILURE = 0x02,
	NVMESIM_AER_ERR_PERSISTENT = 0x03,       /* Persistent Internal Error */
	NVMESIM_AER_ERR_TRANSIENT = 0x04,        /* Transient Internal Error */
	NVMESIM_AER_ERR_FW_LOAD = 0x05,
};
/** NVMESIM_AER_RESULT - AER completion dword 0: type 2:0, info 15:8, log page 23:16 */
#define NVMESIM_AER_RESULT(type, info, lid) \
	((uint32_t)(type) | ((uint32_t)(info) << 8) | ((uint32_t)(lid) << 16))

/* ------------------------------------------------------------------------ */
/* Identify data structures (§5.17.2.1 Figure 275; NVM CS §4.1.5.1 Fig 97). */

/* struct nvmesim_psd - power state descriptor (§5.17.2.1 Figure 276) */
struct nvmesim_psd {
	uint16_t mp;             /* maximum power, centiwatts */
	uint8_t rsvd2;
	uint8_t flags;           /* MXPS bit 0, NOPS bit 1 */
	uint32_t enlat;          /* entry latency, us */
	uint32_t exlat;          /* exit latency, us */
	uint8_t rrt, rrl, rwt, rwl;
	uint16_t idlp;
	uint8_t ips;
	uint8_t rsvd19;
	uint16_t actp;
	uint8_t apws;
	uint8_t rsvd23[9];
};
NVMESIM_STATIC_ASSERT(sizeof(struct nvmesim_psd) == 32, "power state descriptor is 32 bytes");

/* struct nvmesim_id_ctrl - Identify Controller data structure, CNS 01h */
struct nvmesim_id_ctrl {
	uint16_t vid;            /* PCI vendor ID */
	uint16_t ssvid;          /* PCI subsystem vendor ID */
	char sn[20];             /* serial number, ASCII, space padded */
	char mn[40];             /* model number, ASCII, space padded */
	char fr[8];              /* firmware revision */
	uint8_t rab;             /* recommended arbitration burst (2^n) */
	uint8_t ieee[3];
	uint8_t cmic;
	uint8_t mdts;            /* max data transfer size, 2^n min pages, 0 = none */
	uint16_t cntlid;
	uint32_t ver;            /* same encoding as VS */
	uint32_t rtd3r;          /* RTD3 resume latency, us */
	uint32_t rtd3e;          /* RTD3 entry latency, us */
	uint32_t oaes;
	uint32_t ctratt;
	uint16_t rrls;
	uint8_t rsvd102[9];
	uint8_t cntrltype;       /* 1 = I/O controller */
	uint8_t fguid[16];
	uint16_t crdt[3];
	uint8_t rsvd134[106];
	uint8_t mi_rsvd[16];
	uint16_t oacs;           /* optional admin command support; bit 8 dbbuf */
	uint8_t acl;             /* abort command limit, 0's based */
	uint8_t aerl;            /* async event request limit, 0's based */
	uint8_t frmw;
	uint8_t lpa;
	uint8_t elpe;            /* error log page entries, 0's based */
	uint8_t npss;
	uint8_t avscc;
	uint8_t apsta;
	uint16_t wctemp;         /* warning composite temperature threshold, K */
	uint16_t cctemp;         /* critical composite temperature threshold, K */
	uint16_t mtfa;
	uint32_t hmpre;
	uint32_t hmmin;
	uint8_t tnvmcap[16];     /* total NVM capacity, bytes */
	uint8_t unvmcap[16];
	uint32_t rpmbs;
	uint16_t edstt;
	uint8_t dsto;
	uint8_t fwug;
	uint16_t kas;
	uint16_t hctma;
	uint16_t mntmt;
	uint16_t mxtmt;
	uint32_t sanicap;
	uint32_t hmminds;
	uint16_t hmmaxd;
	uint16_t nsetidmax;
	uint16_t endgidmax;
	uint8_t anatt;
	uint8_t anacap;
	uint32_t anagrpmax;
	uint32_t nanagrpid;
	uint32_t pels;
	uint16_t domainid;
	uint8_t rsvd358[10];
	uint8_t megcap[16];
	uint8_t rsvd384[128];
	uint8_t sqes;            /* max 7:4, required 3:0, 2^n bytes */
	uint8_t cqes;            /* max 7:4, required 3:0, 2^n bytes */
	uint16_t maxcmd;
	uint32_t nn;             /* number of namespaces (max NSID) */
	uint16_t oncs;           /* optional NVM command support */
	uint16_t fuses;
	uint8_t fna;
	uint8_t vwc;             /* volatile write cache present bit 0 */
	uint16_t awun;
	uint16_t awupf;
	uint8_t icsvscc;
	uint8_t nwpc;
	uint16_t acwu;
	uint16_t cdfs;
	uint32_t sgls;
	uint32_t mnan;
	uint8_t maxdna[16];
	uint32_t maxcna;
	uint8_t rsvd564[204];
	char subnqn[256];
	uint8_t rsvd1024[768];
	uint8_t nvmof[256];
	struct nvmesim_psd psd[32];
	uint8_t vs[1024];
};
NVMESIM_STATIC_ASSERT(sizeof(struct nvmesim_id_ctrl) == 4096, "Identify Controller is 4096 bytes");

/* ONCS bits (§5.17.2.1): optional NVM commands supported */
enum {
	NVMESIM_ONCS_COMPARE = 1u << 0,
	NVMESIM_ONCS_WRITE_UNCOR = 1u << 1,
	NVMESIM_ONCS_DSM = 1u << 2,
	NVMESIM_ONCS_WRITE_ZEROES = 1u << 3,
};

/* OACS bits: optional admin commands supported */
enum {
	NVMESIM_OACS_DBBUF = 1u << 8,
};

/* struct nvmesim_lbaf - LBA format descriptor (NVM CS §4.1.5.1 Figure 98) */
struct nvmesim_lbaf {
	uint16_t ms;             /* metadata size, bytes */
	uint8_t ds;              /* LBA data size, 2^n bytes */
	uint8_t rp;              /* relative performance, bits 1:0 */
};

/* struct nvmesim_id_ns - Identify Namespace data structure, CNS 00h */
struct nvmesim_id_ns {
	uint64_t nsze;           /* namespace size, LBAs */
	uint64_t ncap;           /* namespace capacity, LBAs */
	uint64_t nuse;           /* namespace utilization, LBAs */
	uint8_t nsfeat;          /* bit 0 THINP (NUSE meaningful) */
	uint8_t nlbaf;           /* number of LBA formats, 0's based */
	uint8_t flbas;           /* formatted LBA size: format index 3:0 */
	uint8_t mc;
	uint8_t dpc;
	uint8_t dps;
	uint8_t nmic;
	uint8_t rescap;
	uint8_t fpi;
	uint8_t dlfeat;          /* bit 3: deallocate honoured by write zeroes; 2:0 read value */
	uint16_t nawun;
	uint16_t nawupf;
	uint16_t nacwu;
	uint16_t nabsn;
	uint16_t nabo;
	uint16_t nabspf;
	uint16_t noiob;
	uint8_t nvmcap[16];
	uint16_t npwg;
	uint16_t npwa;
	uint16_t npdg;
	uint16_t npda;
	uint16_t nows;
	uint16_t mssrl;
	uint32_t mcl;
	uint8_t msrc;
	uint8_t rsvd81[11];
	uint32_t anagrpid;
	uint8_t rsvd96[3];
	uint8_t nsattr;
	uint16_t nvmsetid;
	uint16_t endgid;
	uint8_t nguid[16];
	uint8_t eui64[8];
	struct nvmesim_lbaf lbaf[64];
	uint8_t vs[3712];
};
NVMESIM_STATIC_ASSERT(sizeof(struct nvmesim_id_ns) == 4096, "Identify Namespace is 4096 bytes");

/* ------------------------------------------------------------------------ */
/* Log pages.                                                              */

/* struct nvmesim_error_log_entry - Error Information log entry (§5.16.1.2 Figure 205) */
struct nvmesim_error_log_entry {
	uint64_t error_count;    /* unique, increasing; 0 = entry unused */
	uint16_t sqid;
	uint16_t cid;            /* 0xffff when not tied to a command */
	uint16_t status;         /* bit 0 phase tag, 15:1 status field */
	uint16_t param_loc;      /* byte 7:0, bit 10:8 of the offending field */
	uint64_t lba;
	uint32_t nsid;
	uint8_t vsia;
	uint8_t trtype;
	uint8_t rsvd30[2];
	uint64_t cs;             /* command specific information */
	uint16_t trtype_spec;
	uint8_t rsvd42[22];
};
NVMESIM_STATIC_ASSERT(sizeof(struct nvmesim_error_log_entry) == 64, "error log entry is 64 bytes");

/* struct nvmesim_smart_log - SMART / Health Information log (§5.16.1.3 Figure 207) */
struct nvmesim_smart_log {
	uint8_t critical_warning;
	uint16_t temperature;    /* composite temperature, K */
	uint8_t avail_spare;
	uint8_t spare_thresh;
	uint8_t percent_used;
	uint8_t endu_grp_crit_warn;
	uint8_t rsvd7[25];
	uint8_t data_units_read[16];    /* thousands of 512-byte units */
	uint8_t data_units_written[16];
	uint8_t host_reads[16];        /* read commands completed */
	uint8_t host_writes[16];       /* write commands completed */
	uint8_t ctrl_busy_time[16];    /* minutes */
	uint8_t power_cycles[16];
	uint8_t power_on_hours[16];
	uint8_t unsafe_shutdowns[16];
	uint8_t media_errors[16];
	uint8_t num_err_log_entries[16];
	uint32_t warning_temp_time;
	uint32_t critical_comp_time;
	uint16_t temp_sensor[8];
	uint32_t thm_temp1_trans_count;
	uint32_t thm_temp2_trans_count;
	uint32_t thm_temp1_total_time;
	uint32_t thm_temp2_total_time;
	uint8_t rsvd232[280];
} __attribute__((packed));
NVMESIM_STATIC_ASSERT(sizeof(struct nvmesim_smart_log) == 512, "SMART log is 512 bytes");

/* Dataset Management range (NVM CS §3.2.3.2 Figure 38) */
struct nvmesim_dsm_range {
	uint32_t cattr;          /* context attributes */
	uint32_t nlb;            /* length in logical blocks (not 0's based) */
	uint64_t slba;
};
NVMESIM_STATIC_ASSERT(sizeof(struct nvmesim_dsm_range) == 16, "DSM range is 16 bytes");

NVMESIM_END_DECLS

#endif /* NVMESIM_SPEC_H */
