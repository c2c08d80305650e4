// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmap: test helper that maps a devdax device.
 *   daxmap write DEV SEED         fill the first 8 MiB with a pattern from SEED
 *   daxmap verify DEV SEED [OFFSET LEN]
 *                                 check that pattern (or the same pattern laid
 *                                 over LEN bytes at OFFSET, 2 MiB aligned);
 *                                 exit 1 on any difference
 *   daxmap hold DEV SEED SECONDS  keep DEV mapped, re-reading the pattern every
 *                                 100 ms for SECONDS; exit 1 if it ever differs
 *   daxmap mmap-errno DEV         print the errno name of a failed mmap (or "ok")
 *   daxmap open-loop DEV SECONDS  open and close DEV over and over (racing
 *                                 driver changes), 200 us apart
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define LEN (8u << 20)

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t word(uint64_t seed, size_t i)
{
	uint64_t x = seed ^ (i * 0x9e3779b97f4a7c15ull);

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

static uint64_t *map_at(const char *dev, int *fd, off_t off, size_t len)
{
	void *p;

	*fd = open(dev, O_RDWR | O_CLOEXEC);
	if (*fd < 0) {
		fprintf(stderr, "daxmap: open %s: %s\n", dev, strerror(errno));
		exit(2);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, off);
	if (p == MAP_FAILED) {
		fprintf(stderr, "daxmap: mmap %s: %s\n", dev, strerror(errno));
		exit(2);
	}
	return p;
}

static uint64_t *map(const char *dev, int *fd)
{
	return map_at(dev, fd, 0, LEN);
}

static size_t check_len(const uint64_t *m, uint64_t seed, size_t len)
{
	size_t bad = 0;

	for (size_t i = 0; i < len / 8; i++)
		bad += m[i] != word(seed, i);
	return bad;
}

static size_t check(const uint64_t *m, uint64_t seed)
{
	return check_len(m, seed, LEN);
}

int main(int argc, char **argv)
{
	uint64_t *m, seed;
	size_t bad;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: daxmap write|verify|hold|mmap-errno DEV [SEED [SECONDS]]\n");
		return 2;
	}
	if (strcmp(argv[1], "mmap-errno") == 0) {
		void *p;

		fd = open(argv[2], O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			printf("open:%s\n", strerrorname_np(errno));
			return 0;
		}
		p = mmap(NULL, 2u << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		printf("%s\n", p == MAP_FAILED ? strerrorname_np(errno) : "ok");
		return 0;
	}
	if (strcmp(argv[1], "open-loop") == 0 && argc >= 4) {
		time_t end = time(NULL) + atoi(argv[3]);
		struct timespec pause = { 0, 200 * 1000 };
		unsigned long opened = 0, tries = 0;

		signal(SIGTERM, on_term);
		while (!stop && time(NULL) < end) {
			fd = open(argv[2], O_RDONLY | O_CLOEXEC);
			tries++;
			if (fd >= 0) {
				opened++;
				close(fd);
			}
			nanosleep(&pause, NULL);
		}
		printf("%lu of %lu opens succeeded\n", opened, tries);
		return 0;
	}
	if (argc < 4)
		return 2;
	seed = strtoull(argv[3], NULL, 0);
	if (strcmp(argv[1], "verify") == 0 && argc >= 6) {
		size_t len = strtoull(argv[5], NULL, 0);

		m = map_at(argv[2], &fd, (off_t)strtoull(argv[4], NULL, 0), len);
		bad = check_len(m, seed, len);
		printf("%zu words differ\n", bad);
		return bad ? 1 : 0;
	}
	m = map(argv[2], &fd);
	if (strcmp(argv[1], "write") == 0) {
		for (size_t i = 0; i < LEN / 8; i++)
			m[i] = word(seed, i);
		msync(m, LEN, MS_SYNC);
		return 0;
	}
	if (strcmp(argv[1], "verify") == 0) {
		bad = check(m, seed);
		printf("%zu words differ\n", bad);
		return bad ? 1 : 0;
	}
	if (strcmp(argv[1], "hold") == 0 && argc >= 5) {
		time_t end = time(NULL) + atoi(argv[4]);
		struct timespec tick = { 0, 100 * 1000 * 1000 };

		printf("holding %s mapped as pid %d\n", argv[2], (int)getpid());
		fflush(stdout);
		while (time(NULL) < end) {
			bad = check(m, seed);
			if (bad) {
				printf("data changed under the mapping: %zu words\n", bad);
				return 1;
			}
			nanosleep(&tick, NULL);
		}
		printf("data intact for %s s\n", argv[4]);
		return 0;
	}
	return 2;
}
