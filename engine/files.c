/* SPDX-License-Identifier: MIT */
/*
 * files.c - the two file-system helpers the writers of result folders share
 * (sweep and compare): mkdir -p, and replacing a file in one rename.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/files.h"

/* nvmesim_mkdir_p - create @path and its parents (as mkdir -p); 0 or -errno */
int nvmesim_mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -errno;
		buf[i] = path[i];
	}
	return 0;
}

/* nvmesim_write_atomic - write @dir/@name through @fn into "@dir/@name.tmp", then rename it:
 * readers never see half a file; 0 or -errno (fn's, or of the writing) */
int nvmesim_write_atomic(const char *dir, const char *name, int (*fn)(const void *arg, FILE *f),
			 const void *arg)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;
	int ret, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	ret = fn(arg, f);
	if (fflush(f) || ferror(f))
		ret = ret ? ret : -EIO;
	if (fclose(f) && !ret)
		ret = -EIO;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}
