/*
 * A small client of DPDK's telemetry socket (<runtime dir>/dpdk_telemetry.v2, the
 * protocol dpdk-telemetry.py speaks: a SOCK_SEQPACKET connection, a JSON banner, then
 * one JSON reply per command), and helpers to mask the values that differ between
 * runs. Test-only, not a public header.
 */
#ifndef SWIFTEAL_TEST_TELEMETRY_CLIENT_H
#define SWIFTEAL_TEST_TELEMETRY_CLIENT_H

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* Connects to the telemetry socket in `dir`; the banner goes to `banner`. -1 on error. */
static inline int tel_connect(const char *dir, char *banner, size_t cap)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/dpdk_telemetry.v2", dir);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	struct timeval tv = { .tv_sec = 10 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(s);
		return -1;
	}
	ssize_t n = recv(s, banner, cap - 1, 0);
	if (n <= 0) {
		close(s);
		return -1;
	}
	banner[n] = 0;
	return s;
}

/* Sends `cmd`, puts the reply in `out`. Its length, or -1. */
static inline int tel_query(int s, const char *cmd, char *out, size_t cap)
{
	out[0] = 0;
	if (send(s, cmd, strlen(cmd), 0) < 0)
		return -1;
	ssize_t n = recv(s, out, cap - 1, 0);
	if (n < 0)
		return -1;
	out[n] = 0;
	return (int)n;
}

/* Replaces every `old` in `s` (of capacity `cap`) by `new`. */
static inline void tel_replace(char *s, size_t cap, const char *old, const char *new)
{
	size_t lo = strlen(old), ln = strlen(new);
	char *p = s;
	while (lo && (p = strstr(p, old)) != NULL) {
		size_t rest = strlen(p + lo);
		if ((size_t)(p - s) + ln + rest + 1 > cap)
			return;
		memmove(p + ln, p + lo, rest + 1);
		memcpy(p, new, ln);
		p += ln;
	}
}

/* In `s`: "key":<value> becomes "key":<token> when the number there is `value`. */
static inline void tel_mask_number(char *s, size_t cap, const char *key, unsigned long long value,
				   const char *token)
{
	char old[160], new[160];
	snprintf(old, sizeof(old), "\"%s\":%llu", key, value);
	snprintf(new, sizeof(new), "\"%s\":%s", key, token);
	char *p = strstr(s, old);
	/* the whole number only: the next character must end it */
	if (p && (p[strlen(old)] == ',' || p[strlen(old)] == '}'))
		tel_replace(s, cap, old, new);
}

#endif
