# profiles/: device profiles (YAML), every parameter commented with its source
# (docs/profiles.md).  Installed to $(pkgdatadir)/profiles, where `nvmesim run
# --profile NAME` finds them (NVMESIM_DATADIR); the tests read them from the
# source tree.
nvmesimprofilesdir = $(pkgdatadir)/profiles
dist_nvmesimprofiles_DATA = \
	%reldir%/gen3-tlc.yaml \
	%reldir%/gen4-tlc.yaml \
	%reldir%/slc-lowlat.yaml \
	%reldir%/virtualized.yaml
EXTRA_DIST += docs/profiles.md docs/timing.md
