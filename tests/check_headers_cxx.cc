// SPDX-License-Identifier: MIT
// check_headers_cxx.cc - the umbrella header compiles as C++ and links against
// the C library: extern "C" is in place.
#include <nvmesim/nvmesim.h>

#include <cstdio>
#include <cstring>

int main()
{
	const char *name = nvmesim_status_str(NVMESIM_SC_INVALID_QID);

	if (std::strcmp(name, "Invalid Queue Identifier") != 0) {
		std::printf("FAIL: nvmesim_status_str from C++ returned '%s'\n", name);
		return 1;
	}
	std::printf("PASS: <nvmesim/nvmesim.h> works from C++\n");
	return 0;
}
