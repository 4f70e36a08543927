/* SPDX-License-Identifier: MIT */
/*
 * diag.c - diagnostics and the names of NVMe status codes.
 *
 * Status names follow the NVMe 2.0 base specification (§4.6.1.2, Figures
 * 95-97) and the NVM Command Set specification 1.0 (§4.1.1, Figure 21).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "engine/nvmesim-internal.h"

/* nvmesim_diag_set - format a message into @diag; a NULL @diag is allowed */
void nvmesim_diag_set(struct nvmesim_diag *diag, const char *fmt, ...)
{
	va_list ap;

	if (!diag)
		return;
	va_start(ap, fmt);
	vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
	va_end(ap);
}

/* Status names, keyed by (SCT << 8) | SC.  Update with enum nvmesim_status. */
static const struct {
	uint16_t code;
	const char *name;
} status_names[] = {
	{ NVMESIM_SC_SUCCESS, "Successful Completion" },
	{ NVMESIM_SC_INVALID_OPCODE, "Invalid Command Opcode" },
	{ NVMESIM_SC_INVALID_FIELD, "Invalid Field in Command" },
	{ NVMESIM_SC_CID_CONFLICT, "Command ID Conflict" },
	{ NVMESIM_SC_DATA_XFER_ERROR, "Data Transfer Error" },
	{ NVMESIM_SC_POWER_LOSS, "Commands Aborted due to Power Loss Notification" },
	{ NVMESIM_SC_INTERNAL, "Internal Error" },
	{ NVMESIM_SC_ABORT_REQ, "Command Abort Requested" },
	{ NVMESIM_SC_ABORT_SQ_DELETED, "Command Aborted due to SQ Deletion" },
	{ NVMESIM_SC_FUSED_FAIL, "Command Aborted due to Failed Fused Command" },
	{ NVMESIM_SC_FUSED_MISSING, "Command Aborted due to Missing Fused Command" },
	{ NVMESIM_SC_INVALID_NS, "Invalid Namespace or Format" },
	{ NVMESIM_SC_CMD_SEQ_ERROR, "Command Sequence Error" },
	{ NVMESIM_SC_SGL_INVALID_LAST, "Invalid SGL Segment Descriptor" },
	{ NVMESIM_SC_SGL_INVALID_COUNT, "Invalid Number of SGL Descriptors" },
	{ NVMESIM_SC_SGL_INVALID_DATA, "Data SGL Length Invalid" },
	{ NVMESIM_SC_SGL_INVALID_METADATA, "Metadata SGL Length Invalid" },
	{ NVMESIM_SC_SGL_INVALID_TYPE, "SGL Descriptor Type Invalid" },
	{ NVMESIM_SC_INVALID_CMB_USE, "Invalid Use of Controller Memory Buffer" },
	{ NVMESIM_SC_INVALID_PRP_OFFSET, "PRP Offset Invalid" },
	{ NVMESIM_SC_LBA_RANGE, "LBA Out of Range" },
	{ NVMESIM_SC_CAP_EXCEEDED, "Capacity Exceeded" },
	{ NVMESIM_SC_NS_NOT_READY, "Namespace Not Ready" },
	{ NVMESIM_SC_CQ_INVALID, "Completion Queue Invalid" },
	{ NVMESIM_SC_INVALID_QID, "Invalid Queue Identifier" },
	{ NVMESIM_SC_INVALID_QSIZE, "Invalid Queue Size" },
	{ NVMESIM_SC_ABORT_LIMIT, "Abort Command Limit Exceeded" },
	{ NVMESIM_SC_AER_LIMIT, "Asynchronous Event Request Limit Exceeded" },
	{ NVMESIM_SC_INVALID_FW_SLOT, "Invalid Firmware Slot" },
	{ NVMESIM_SC_INVALID_FW_IMAGE, "Invalid Firmware Image" },
	{ NVMESIM_SC_INVALID_VECTOR, "Invalid Interrupt Vector" },
	{ NVMESIM_SC_INVALID_LOG_PAGE, "Invalid Log Page" },
	{ NVMESIM_SC_INVALID_FORMAT, "Invalid Format" },
	{ NVMESIM_SC_INVALID_QUEUE_DELETION, "Invalid Queue Deletion" },
	{ NVMESIM_SC_FEAT_NOT_SAVEABLE, "Feature Identifier Not Saveable" },
	{ NVMESIM_SC_FEAT_NOT_CHANGEABLE, "Feature Not Changeable" },
	{ NVMESIM_SC_FEAT_NOT_NS_SPECIFIC, "Feature Not Namespace Specific" },
	{ NVMESIM_SC_CONFLICTING_ATTRS, "Conflicting Attributes" },
	{ NVMESIM_SC_INVALID_PI, "Invalid Protection Information" },
	{ NVMESIM_SC_READ_ONLY, "Attempted Write to Read Only Range" },
	{ NVMESIM_SC_WRITE_FAULT, "Write Fault" },
	{ NVMESIM_SC_UNRECOVERED_READ, "Unrecovered Read Error" },
	{ NVMESIM_SC_COMPARE_FAILURE, "Compare Failure" },
	{ NVMESIM_SC_ACCESS_DENIED, "Access Denied" },
	{ NVMESIM_SC_DEALLOCATED, "Deallocated or Unwritten Logical Block" },
};

/* nvmesim_status_str - spec name of @status (CRD, M and DNR ignored) */
const char *nvmesim_status_str(uint16_t status)
{
	uint16_t code = NVMESIM_STATUS_CODE(status);
	unsigned int i;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(status_names); i++)
		if (status_names[i].code == code)
			return status_names[i].name;
	return "Unknown Status";
}
