/*
 * Who is at the other end: the client's address (through trusted reverse
 * proxies, ATIP_TRUSTED_PROXIES) and whether it came over HTTPS.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "http/http_int.h"

bool
http_is_tls(const struct http_request *req)
{
	return req->srv->tls;
}

/* The address of the peer of the connection ("unknown" when none). */
static void
peer_ip(struct http_request *req, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, len, "unknown");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  out, (socklen_t)len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)len);
}

/* True when addr is one of the comma-separated addresses in list. */
static bool
listed_proxy(const char *list, const char *addr, size_t len)
{
	while (list && *list) {
		size_t n = strcspn(list, ",");

		if (n == len && !strncmp(list, addr, len))
			return true;
		list += n;
		list += *list == ',';
	}
	return false;
}

bool
http_is_secure(struct http_request *req)
{
	const char *proto = http_header(req, "X-Forwarded-Proto");
	const char *proxies = req->srv->set.trusted_proxies;
	char peer[INET6_ADDRSTRLEN];

	if (req->srv->tls)
		return true;
	if (!proto || strcasecmp(proto, "https") || !proxies || !*proxies)
		return false;
	peer_ip(req, peer, sizeof(peer));
	return listed_proxy(proxies, peer, strlen(peer));
}

/* True when p[0..len) is a numeric IPv4 or IPv6 address. */
static bool
numeric_ip(const char *p, size_t len)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char tmp[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, p, len);
	tmp[len] = '\0';
	return inet_pton(AF_INET, tmp, bin) == 1 ||
	       inet_pton(AF_INET6, tmp, bin) == 1;
}

void
http_client_ip(struct http_request *req, char *out, size_t len)
{
	const char *proxies = req->srv->set.trusted_proxies, *xff;

	peer_ip(req, out, len);
	xff = http_header(req, "X-Forwarded-For");
	if (!proxies || !*proxies || !xff ||
	    !listed_proxy(proxies, out, strlen(out)))
		return;
	/* From the right: each trusted proxy names the one before it. */
	for (size_t end = strlen(xff); end > 0;) {
		size_t start = end, n;

		while (start > 0 && xff[start - 1] != ',')
			start--;
		n = end - start;
		while (n && xff[start] == ' ') {
			start++;
			n--;
		}
		while (n && xff[start + n - 1] == ' ')
			n--;
		if (!numeric_ip(xff + start, n))
			return; /* garbage: keep the proxy's own address */
		if (!listed_proxy(proxies, xff + start, n)) {
			snprintf(out, len, "%.*s", (int)n, xff + start);
			return;
		}
		end = start ? start - 1 : 0;
	}
}
