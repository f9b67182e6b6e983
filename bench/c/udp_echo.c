/*
 * Reference UDP echo server for bench/run: one thread, one socket, recvmmsg/sendmmsg in batches of 32.
 *
 *   udp_echo --port N      (0 = any free port; binds 127.0.0.1)
 *
 * Prints "READY <port>" once bound and serves until killed. The socket blocks: recvmmsg with
 * MSG_WAITFORONE sleeps until one datagram arrives, then takes whatever else is already queued (up to
 * 32) without waiting; the batch goes back to the senders with one sendmmsg (more if the kernel takes
 * only part of it). Several client sockets may talk to the one server socket: each reply goes to the
 * address its datagram came from. Socket buffers are 4 MiB, as the Magnetar and Netty bench servers ask.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 32
#define MAX_DATAGRAM 65536

static unsigned char bufs[BATCH][MAX_DATAGRAM];
static struct sockaddr_in peers[BATCH];
static struct iovec iovs[BATCH];
static struct mmsghdr msgs[BATCH];

static int parse_port(int argc, char **argv)
{
    int port = 0;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 < argc && strcmp(argv[i], "--port") == 0) {
            char *end;
            long v = strtol(argv[i + 1], &end, 10);
            if (*end != '\0' || v < 0 || v > 65535) {
                fprintf(stderr, "bad port: %s\n", argv[i + 1]);
                exit(2);
            }
            port = (int)v;
        } else {
            fprintf(stderr, "usage: %s --port N\n", argv[0]);
            exit(2);
        }
    }
    return port;
}

int main(int argc, char **argv)
{
    int port = parse_port(argc, argv);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("socket");
        return 1;
    }
    int size = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("bind");
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *)&addr, &len);
    printf("READY %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    for (int i = 0; i < BATCH; i++) {
        iovs[i].iov_base = bufs[i];
        iovs[i].iov_len = MAX_DATAGRAM;
        msgs[i].msg_hdr.msg_name = &peers[i];
        msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    for (;;) {
        int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("recvmmsg");
            return 1;
        }
        /* Echo: the same buffer, trimmed to what arrived, back to the address it came from. */
        for (int i = 0; i < n; i++) {
            iovs[i].iov_len = msgs[i].msg_len;
        }
        int sent = 0;
        while (sent < n) {
            int m = sendmmsg(fd, msgs + sent, (unsigned)(n - sent), 0);
            if (m > 0) {
                sent += m;
            } else if (m < 0 && errno == EINTR) {
                continue;
            } else {
                sent++; /* this datagram cannot go (ENOBUFS, an unreachable sender...): drop it, as UDP may */
            }
        }
        /* Give the used slots their full size back: recvmmsg overwrote the name lengths, we the buffer lengths. */
        for (int i = 0; i < n; i++) {
            iovs[i].iov_len = MAX_DATAGRAM;
            msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
        }
    }
}
