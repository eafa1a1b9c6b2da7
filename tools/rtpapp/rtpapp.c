// SPDX-License-Identifier: GPL-2.0
/*
 * rtpapp: a plain RTP application for end-to-end tests.  It knows nothing
 * of ZRTP or SRTP: it sends RTP with a recognisable payload from one UDP
 * socket and checks what it receives, as an unmodified media application
 * would -- ksrtp and zrtpd encrypt underneath it.
 *
 *   rtpapp call --local ADDR:PORT --remote ADDR:PORT [--count N] [--rate PPS]
 *               [--size BYTES] [--wait SECONDS] [--ssrc HEX] [--delay MS]
 *               [--rtcp EVERY] [-j]
 *     sends N packets at PPS while receiving; then waits up to SECONDS for
 *     the peer's N.  Every received packet must be exactly the payload the
 *     peer generates for its (SSRC, sequence number).  Exit 0 iff all N
 *     arrived, none bad, none duplicated.  --rtcp: also an RTCP packet
 *     (APP, carrying the marker, as a softphone's SDES CNAME carries its
 *     SIP URI) every EVERY RTP packets, from local port+1 to
 *     remote port+1 (RFC 3550 §11); then every RTCP packet the peer sent
 *     (the same count, same options on both sides) must arrive exact too.
 *
 *   rtpapp sniff --dev IFACE --seconds S [--marker STR] [--pcap FILE] [--port P] [-j]
 *     counts UDP packets seen on IFACE (AF_PACKET) and how many carry the
 *     payload marker in clear: the proof, from outside, that the wire is
 *     encrypted.  --port: the same counts (and ZRTP) for the packets from
 *     or to UDP port P alone (an RTCP port).  Captures for S seconds or until SIGTERM/SIGINT, then
 *     prints the counts (tests stop it when the calls are over, so a slow
 *     machine does not cut the capture short).  --pcap writes the UDP
 *     packets to FILE (pcap, LINKTYPE_RAW: they start at the IP header) for
 *     tshark.
 *
 * Payload of packet (ssrc, seq): the marker "KSRTP-PLAINTEXT", ssrc and seq
 * big-endian, then bytes (seq * 31 + i * 7 + ssrc) & 0xff.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#define MARKER "KSRTP-PLAINTEXT"
enum { RTP_HDR = 12, MAX_PKT = 1500, PT = 96 };

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	long port;

	memset(ss, 0, sizeof(*ss));
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(host))
		return -1;
	port = strtol(colon + 1, NULL, 10);
	if (port <= 0 || port > 65535)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	if (host[0] == '[') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		host[strlen(host) - 1] = 0;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1 ? 0 : -1;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
		return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -1;
	}
}

/*
 * RTCP packet k of ssrc: one APP packet (RFC 3550 §6.7, name "KSRT"), its
 * data k (32 bits) then "KSRTP-PLAINTEXT-RTCP-<ssrc>-<k>": the marker in
 * clear, as a softphone's SDES CNAME carries its SIP URI.  One packet, not
 * a compound: in SRTCP all but its first 8 bytes are ciphertext, which a
 * capture tool's RTCP heuristics would read as further packets.  Returns
 * its length.
 */
enum { RTCP_LEN = 52 };
static size_t rtcp_packet(uint8_t *p, uint32_t ssrc, uint32_t k)
{
	char text[40];
	int n = snprintf(text, sizeof(text), MARKER "-RTCP-%08x-%05u", ssrc, k % 100000);

	memset(p, 0, RTCP_LEN);
	p[0] = 0x80;			/* V=2, subtype 0 */
	p[1] = 204;			/* APP */
	p[3] = RTCP_LEN / 4 - 1;
	*(uint32_t *)(p + 4) = htonl(ssrc);
	memcpy(p + 8, "KSRT", 4);
	*(uint32_t *)(p + 12) = htonl(k);
	memcpy(p + 16, text, (size_t)n);	/* 35 bytes, then zero padding */
	return RTCP_LEN;
}

static int port_plus_one(struct sockaddr_storage *ss)
{
	uint16_t *port = ss->ss_family == AF_INET6 ? &((struct sockaddr_in6 *)ss)->sin6_port :
						     &((struct sockaddr_in *)ss)->sin_port;

	if (ntohs(*port) == 65535)
		return -1;
	*port = htons(ntohs(*port) + 1);
	return 0;
}

static void payload(uint8_t *p, size_t n, uint32_t ssrc, uint16_t seq)
{
	size_t i, m = sizeof(MARKER) - 1;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seq * 31 + i * 7 + ssrc);
	if (n >= m + 6) {
		memcpy(p, MARKER, m);
		p[m] = (uint8_t)(ssrc >> 24);
		p[m + 1] = (uint8_t)(ssrc >> 16);
		p[m + 2] = (uint8_t)(ssrc >> 8);
		p[m + 3] = (uint8_t)ssrc;
		p[m + 4] = (uint8_t)(seq >> 8);
		p[m + 5] = (uint8_t)seq;
	}
}

/*
 * A starved process (a slow guest, a debug kernel, a busy host) must not
 * lose at its own socket what the test counts: 8 MiB of receive buffer.
 */
static void big_rcvbuf(int fd)
{
	int sz = 8 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

static int cmd_call(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "local", required_argument, NULL, 'l' }, { "remote", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'n' }, { "rate", required_argument, NULL, 'p' },
		{ "size", required_argument, NULL, 'z' }, { "wait", required_argument, NULL, 'w' },
		{ "ssrc", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "delay", required_argument, NULL, 'd' }, { "rtcp", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_storage local, remote, rlocal, rremote;
	unsigned long delay_ms = 0, rtcp_every = 0, rtcp_sent = 0, rtcp_recvd = 0, rtcp_bad = 0;
	uint8_t *rtcp_seen = NULL;
	int rfd = -1;
	socklen_t llen = 0, rlen = 0;
	unsigned long count = 100, rate = 50, size = 160, wait_s = 10;
	uint32_t ssrc = 0;
	bool json = false, have_l = false, have_r = false;
	unsigned long sent = 0, recvd = 0, bad = 0, dup = 0, clear_seen = 0;
	uint8_t *seen, pkt[MAX_PKT], want[MAX_PKT];
	uint64_t start, next, deadline = 0;
	int fd, c;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		switch (c) {
		case 'l': have_l = !parse_addr(optarg, &local, &llen); break;
		case 'r': have_r = !parse_addr(optarg, &remote, &rlen); break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 'p': rate = strtoul(optarg, NULL, 10); break;
		case 'z': size = strtoul(optarg, NULL, 10); break;
		case 'w': wait_s = strtoul(optarg, NULL, 10); break;
		case 's': ssrc = (uint32_t)strtoul(optarg, NULL, 16); break;
		case 'j': json = true; break;
		case 'd': delay_ms = strtoul(optarg, NULL, 10); break;
		case 'c': rtcp_every = strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (!have_l || !have_r || !count || count > 65535 || !rate || size < 24 ||
	    size > MAX_PKT - RTP_HDR - 64) {
		fputs("usage: rtpapp call --local ADDR:PORT --remote ADDR:PORT [--count 1-65535] [--rate PPS]\n"
		      "                   [--size 24-1400] [--wait S] [--ssrc HEX] [--delay MS] [--rtcp EVERY] [-j]\n",
		      stderr);
		return 2;
	}
	if (!ssrc) {
		srand((unsigned int)(now_us() ^ (uint64_t)getpid()));
		ssrc = (uint32_t)rand() | 1;
	}
	seen = calloc(65536, 1);
	fd = socket(local.ss_family, SOCK_DGRAM, 0);
	if (!seen || fd < 0 || bind(fd, (struct sockaddr *)&local, llen) < 0) {
		perror("rtpapp: socket");
		return 1;
	}
	big_rcvbuf(fd);
	if (rtcp_every) {
		rlocal = local;
		rremote = remote;
		rtcp_seen = calloc(65536, 1);
		rfd = socket(local.ss_family, SOCK_DGRAM, 0);
		if (!rtcp_seen || rfd < 0 || port_plus_one(&rlocal) || port_plus_one(&rremote) ||
		    bind(rfd, (struct sockaddr *)&rlocal, llen) < 0) {
			perror("rtpapp: RTCP socket");
			return 1;
		}
		big_rcvbuf(rfd);
	}
	/* --delay: receive only at first, so the peer's socket can be bound */
	start = next = now_us() + delay_ms * 1000;
	for (;;) {
		uint64_t t = now_us();
		struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN }, { .fd = rfd, .events = POLLIN } };
		int timeout;

		if (sent < count && t >= next) {
			uint16_t seq = (uint16_t)sent;

			pkt[0] = 0x80;
			pkt[1] = PT;
			pkt[2] = (uint8_t)(seq >> 8);
			pkt[3] = (uint8_t)seq;
			*(uint32_t *)(pkt + 4) = htonl((uint32_t)(sent * 160));
			*(uint32_t *)(pkt + 8) = htonl(ssrc);
			payload(pkt + RTP_HDR, size, ssrc, seq);
			if (sendto(fd, pkt, RTP_HDR + size, 0, (struct sockaddr *)&remote, rlen) < 0 &&
			    errno != ECONNREFUSED)
				perror("rtpapp: sendto");
			sent++;
			if (rtcp_every && sent % rtcp_every == 0) {
				size_t rl = rtcp_packet(pkt, ssrc, (uint32_t)rtcp_sent);

				if (sendto(rfd, pkt, rl, 0, (struct sockaddr *)&rremote, rlen) < 0 &&
				    errno != ECONNREFUSED)
					perror("rtpapp: sendto (RTCP)");
				rtcp_sent++;
			}
			next = start + sent * 1000000 / rate;
			if (sent == count)
				deadline = t + wait_s * 1000000;
		}
		if (sent == count && ((recvd >= count && rtcp_recvd >= rtcp_sent) || t >= deadline))
			break;
		timeout = sent < count ? (int)((next > t ? next - t : 0) / 1000) :
					 (int)((deadline - t) / 1000);
		if (poll(pfd, rfd >= 0 ? 2 : 1, timeout) <= 0)
			continue;
		/* a pending ICMP error (the peer's port not bound yet) is read
		 * and dropped here, or the next sendto() would fail with it */
		if (rfd >= 0 && (pfd[1].revents & (POLLIN | POLLERR))) {
			ssize_t n = recv(rfd, pkt, sizeof(pkt), 0);
			uint32_t k = 0;

			if (n == RTCP_LEN) {
				k = ntohl(*(uint32_t *)(pkt + 12));
				rtcp_packet(want, ntohl(*(uint32_t *)(pkt + 4)), k);
			}
			if (n != RTCP_LEN || memcmp(want, pkt, RTCP_LEN) || k >= 65536) {
				rtcp_bad++;	/* SRTCP leaking through, garbage */
			} else if (!rtcp_seen[k]) {
				rtcp_seen[k] = 1;
				rtcp_recvd++;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLERR)) {
			ssize_t n = recv(fd, pkt, sizeof(pkt), 0);
			uint16_t seq;
			uint32_t pssrc;

			if (n < RTP_HDR)
				continue;
			if ((pkt[0] & 0xc0) != 0x80 || (pkt[1] & 0x7f) != PT) {
				bad++;		/* RTCP, SRTP leaking through, garbage */
				continue;
			}
			seq = (uint16_t)(pkt[2] << 8 | pkt[3]);
			pssrc = ntohl(*(uint32_t *)(pkt + 8));
			payload(want, (size_t)n - RTP_HDR, pssrc, seq);
			if ((size_t)n - RTP_HDR != size || memcmp(want, pkt + RTP_HDR, size)) {
				bad++;
				continue;
			}
			if (seen[seq]) {
				dup++;
				continue;
			}
			seen[seq] = 1;
			recvd++;
			clear_seen++;
		}
	}
	if (json)
		printf("{\"ssrc\":\"%08x\",\"sent\":%lu,\"received\":%lu,\"bad\":%lu,\"duplicate\":%lu,"
		       "\"missing\":%lu,\"rtcp_sent\":%lu,\"rtcp_received\":%lu,\"rtcp_bad\":%lu}\n",
		       ssrc, sent, recvd, bad, dup, count - recvd, rtcp_sent, rtcp_recvd, rtcp_bad);
	else
		printf("rtpapp: ssrc %08x sent %lu received %lu verified %lu bad %lu duplicate %lu missing %lu\n",
		       ssrc, sent, recvd, clear_seen, bad, dup, count - recvd);
	if (rtcp_every && !json)
		printf("rtpapp: RTCP sent %lu received %lu bad %lu\n", rtcp_sent, rtcp_recvd, rtcp_bad);
	close(fd);
	if (rfd >= 0)
		close(rfd);
	free(seen);
	free(rtcp_seen);
	return recvd == count && !bad && !dup &&
	       (!rtcp_every || (rtcp_recvd == rtcp_sent && !rtcp_bad)) ? 0 : 1;
}

static bool has_marker(const uint8_t *p, size_t n, const char *m)
{
	size_t ml = strlen(m);

	for (size_t i = 0; i + ml <= n; i++)
		if (!memcmp(p + i, m, ml))
			return true;
	return false;
}

static volatile sig_atomic_t sniff_stop;

/* pcap, microsecond timestamps, host byte order, LINKTYPE_RAW (101) */
static FILE *pcap_create(const char *path)
{
	const uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 101 };
	FILE *f = fopen(path, "wb");

	if (f && fwrite(hdr, sizeof(hdr), 1, f) != 1) {
		fclose(f);
		f = NULL;
	}
	return f;
}

static void pcap_put(FILE *f, const uint8_t *p, size_t len)
{
	uint64_t us = now_us();
	uint32_t rec[4] = { (uint32_t)(us / 1000000), (uint32_t)(us % 1000000),
			    (uint32_t)len, (uint32_t)len };

	fwrite(rec, sizeof(rec), 1, f);
	fwrite(p, len, 1, f);
}

static void on_stop(int sig)
{
	(void)sig;
	sniff_stop = 1;
}

static int cmd_sniff(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop };
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' }, { "seconds", required_argument, NULL, 's' },
		{ "marker", required_argument, NULL, 'm' }, { "json", no_argument, NULL, 'j' },
		{ "pcap", required_argument, NULL, 'p' }, { "port", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long port = 0, pudp = 0, pplain = 0, pzrtp = 0;
	const char *dev = NULL, *marker = MARKER, *pcap_path = NULL;
	FILE *pcap = NULL;
	unsigned long seconds = 5, udp = 0, plain = 0, zrtp = 0;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	uint8_t buf[2048];
	bool json = false;
	uint64_t end;
	int fd, c;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 's': seconds = strtoul(optarg, NULL, 10); break;
		case 'm': marker = optarg; break;
		case 'j': json = true; break;
		case 'p': pcap_path = optarg; break;
		case 'P': port = strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (!dev) {
		fputs("usage: rtpapp sniff --dev IFACE [--seconds S] [--marker STR] [--pcap FILE] [--port P] [-j]\n",
		      stderr);
		return 2;
	}
	if (pcap_path && !(pcap = pcap_create(pcap_path))) {
		fprintf(stderr, "rtpapp: %s: %s\n", pcap_path, strerror(errno));
		return 1;
	}
	sll.sll_ifindex = (int)if_nametoindex(dev);
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (!sll.sll_ifindex || fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "rtpapp: capture on %s: %s\n", dev, strerror(errno));
		return 1;
	}
	big_rcvbuf(fd);
	/* no SA_RESTART: the signal ends the poll() below */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* SOCK_DGRAM packet sockets start at the network header */
	end = now_us() + seconds * 1000000;
	printf(json ? "" : "rtpapp: capturing on %s until stopped (at most %lus)\n", dev, seconds);
	fflush(stdout);
	while (!sniff_stop && now_us() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		size_t off;
		ssize_t n;
		bool mine;

		if (poll(&pfd, 1, (int)((end - now_us()) / 1000) + 1) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 28)
			continue;
		if ((buf[0] >> 4) == 4 && buf[9] == IPPROTO_UDP)
			off = (size_t)(buf[0] & 15) * 4;
		else if ((buf[0] >> 4) == 6 && buf[6] == IPPROTO_UDP)
			off = 40;
		else
			continue;
		off += 8;
		if ((size_t)n <= off)
			continue;
		udp++;
		mine = port && ((unsigned long)(buf[off - 8] << 8 | buf[off - 7]) == port ||
				(unsigned long)(buf[off - 6] << 8 | buf[off - 5]) == port);
		pudp += mine;
		if (pcap)
			pcap_put(pcap, buf, (size_t)n);
		if (buf[off] == 0x10 && (size_t)n >= off + 8 && !memcmp(buf + off + 4, "ZRTP", 4)) {
			zrtp++;
			pzrtp += mine;
		} else if (has_marker(buf + off, (size_t)n - off, marker)) {
			plain++;
			pplain += mine;
		}
	}
	if (json && port)
		printf("{\"udp\":%lu,\"zrtp\":%lu,\"plaintext\":%lu,\"port\":%lu,\"port_udp\":%lu,"
		       "\"port_zrtp\":%lu,\"port_plaintext\":%lu}\n", udp, zrtp, plain, port, pudp, pzrtp,
		       pplain);
	else if (json)
		printf("{\"udp\":%lu,\"zrtp\":%lu,\"plaintext\":%lu}\n", udp, zrtp, plain);
	else
		printf("rtpapp: %s: %lu UDP packets, %lu ZRTP, %lu with the plaintext marker\n", dev, udp,
		       zrtp, plain);
	close(fd);
	if (pcap && fclose(pcap)) {
		fprintf(stderr, "rtpapp: %s: %s\n", pcap_path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "call"))
		return cmd_call(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "sniff"))
		return cmd_sniff(argc - 1, argv + 1);
	fputs("usage: rtpapp call --local ADDR:PORT --remote ADDR:PORT [...]\n"
	      "       rtpapp sniff --dev IFACE [--seconds S] [--marker STR] [--pcap FILE] [-j]\n", stderr);
	return 2;
}
