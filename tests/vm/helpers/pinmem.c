// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pinmem: test helper that pins memory of one NUMA node long-term, so that
 * the kernel cannot migrate it and a memory block holding it cannot be
 * offlined. io_uring's registered buffers are pinned with FOLL_LONGTERM.
 *   pinmem NODE MIB SECONDS
 * Prints "pinned" once the buffer is pinned, then sleeps SECONDS.
 */
#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define MPOL_BIND 2

int main(int argc, char **argv)
{
	struct io_uring_params params;
	unsigned long mask;
	struct iovec iov;
	size_t len;
	int node, ring;
	char *buf;

	if (argc != 4) {
		fprintf(stderr, "usage: pinmem NODE MIB SECONDS\n");
		return 2;
	}
	node = atoi(argv[1]);
	len = (size_t)atoi(argv[2]) << 20;
	mask = 1ul << node;
	if (syscall(SYS_set_mempolicy, MPOL_BIND, &mask, sizeof(mask) * 8) < 0) {
		perror("pinmem: set_mempolicy");
		return 1;
	}
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("pinmem: mmap");
		return 1;
	}
	memset(buf, 0x5a, len);	/* fault every page in, on NODE */
	memset(&params, 0, sizeof(params));
	ring = (int)syscall(SYS_io_uring_setup, 4, &params);
	if (ring < 0) {
		perror("pinmem: io_uring_setup");
		return 1;
	}
	iov.iov_base = buf;
	iov.iov_len = len;
	if (syscall(SYS_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1) < 0) {
		perror("pinmem: io_uring_register");
		return 1;
	}
	printf("pinned %zu MiB on node %d as pid %d\n", len >> 20, node, (int)getpid());
	fflush(stdout);
	sleep((unsigned)atoi(argv[3]));
	return 0;
}
