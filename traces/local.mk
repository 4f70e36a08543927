# traces/: example traces, each runnable as shipped; installed with the data
# so an installed nvmesim has them too.
tracesdir = $(pkgdatadir)/traces
dist_traces_DATA = \
	%reldir%/README.md \
	%reldir%/admin-expect.yaml \
	%reldir%/manual-enable.yaml \
	%reldir%/mixed-70-30.yaml \
	%reldir%/open-loop.yaml \
	%reldir%/qd1-latency.yaml \
	%reldir%/randread-qd32.yaml \
	%reldir%/seqread-128k.yaml \
	%reldir%/write-cache.yaml \
	%reldir%/write-verify.yaml
