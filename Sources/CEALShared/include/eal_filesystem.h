/*
 * SwiftEAL internal: file helpers DPDK 22.11 exports (DPDK_23) but declares in an
 * internal header of its own (lib/eal/common/eal_filesystem.h), not in a public one.
 * Its bus drivers and tests call them; ours are declared here, where the C and Swift
 * of the library see them, and exported under DPDK's node by swifteal.map.
 */
#ifndef SWIFTEAL_EAL_FILESYSTEM_H
#define SWIFTEAL_EAL_FILESYSTEM_H

/* Reads the first line of `filename` as a C unsigned long (strtoul base 0: decimal,
 * 0x-hex, 0-octal; leading blanks and a sign allowed; out of range gives ULONG_MAX) that
 * must be followed directly by '\n'. 0 and *val set, or -1 with the reason logged when
 * the file cannot be opened or read or the line is not such a number (*val then holds
 * what could be read of it). NULL arguments: -1. */
int eal_parse_sysfs_value(const char *filename, unsigned long *val);

#endif
