// SPDX-License-Identifier: GPL-2.0-or-later
/* Run the fuzz target over every file of the given directories (the seed
 * corpus, and every input that once crashed it), with any compiler: the
 * regression half of the fuzzing. TAP output. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int n;

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long len;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0) {
		printf("not ok %d - %s: cannot read\n", ++n, path);
		if (f)
			fclose(f);
		return 1;
	}
	rewind(f);
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	printf("ok %d - %s\n", ++n, path);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *de;

		if (!d) {
			rc |= replay(argv[i]);
			continue;
		}
		while ((de = readdir(d))) {
			char path[4096];

			if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			rc |= replay(path);
		}
		closedir(d);
	}
	printf("1..%d\n", n);
	return rc;
}
