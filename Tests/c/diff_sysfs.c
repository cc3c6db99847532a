/*
 * eal_parse_sysfs_value (DPDK_23; declared in DPDK's internal eal_filesystem.h, so this
 * program declares it itself, as DPDK's bus drivers see it): for each file content, the
 * return value and what is left in *val. Linked once to DPDK's librte_eal and once to
 * libswifteal; outputs must match.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int eal_parse_sysfs_value(const char *filename, unsigned long *val);

static const char *const contents[] = {
	"42\n", "42", "0x10\n", "010\n", "-1\n", " 5\n", "\t7\n", "abc\n", "5x\n", "5 \n",
	"\n", "", "18446744073709551615\n", "18446744073709551616\n", "99999999999999999999999\n",
	"1\n2\n", "0\n", "+3\n", "0x\n", "08\n", "1e3\n",
};

static void one(const char *label, const char *path)
{
	unsigned long v = 12345;
	int r = eal_parse_sysfs_value(path, &v);
	printf("%s: ret=%d val=%lu\n", label, r, v);
}

int main(void)
{
	char path[] = "/tmp/diff_sysfs.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	for (size_t i = 0; i < sizeof(contents) / sizeof(contents[0]); i++) {
		FILE *f = fopen(path, "w");
		fputs(contents[i], f);
		fclose(f);
		char label[64];
		snprintf(label, sizeof(label), "content %zu", i);
		one(label, path);
	}
	/* a NUL first, a line longer than stdio's buffer, then one just fitting */
	FILE *f = fopen(path, "w");
	fwrite("\0" "7\n", 1, 3, f);
	fclose(f);
	one("leading NUL", path);
	for (int pad = 8188; pad <= 8194; pad += 2) {
		f = fopen(path, "w");
		for (int i = 0; i < pad; i++)
			fputc(' ', f);
		fputs("9\n", f);
		fclose(f);
		char label[64];
		snprintf(label, sizeof(label), "%d blanks", pad);
		one(label, path);
	}
	unlink(path);
	one("missing file", path);
	one("a directory", "/tmp");
	one("sysfs", "/sys/devices/system/cpu/cpu0/topology/core_id");
	return 0;
}
