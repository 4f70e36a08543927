#!/bin/sh
# autogen.sh - generate configure and Makefile.in (libyaml/libsigrok style)
set -e
cd "$(dirname "$0")"
mkdir -p m4
exec autoreconf -fi "$@"
