/*
 * Reference TCP echo server for bench/run: one thread, level-triggered epoll, non-blocking sockets.
 *
 *   tcp_echo --port N      (0 = any free port; binds 127.0.0.1)
 *
 * Prints "READY <port>" once listening and serves until killed. Each connection owns a 64 KiB buffer:
 * a read fills it, the same bytes are written straight back. A partial write parks the rest, stops
 * reading on that connection (back-pressure) and waits for EPOLLOUT. A read that fills the whole buffer
 * is repeated (up to 16 times) because more is likely waiting; a short read is not, so the usual event
 * costs one read and one write and no extra read that ends in EAGAIN.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE (64 * 1024)
#define MAX_EVENTS 256
#define MAX_READS_PER_EVENT 16

struct conn {
    int fd;
    size_t pending_off; /* bytes of buf not yet written back: [pending_off, pending_end) */
    size_t pending_end;
    unsigned char buf[BUF_SIZE];
};

static int epfd;
static int listen_fd;
/* Accept pauses for a moment when the process is out of descriptors instead of spinning on the listener. */
static int accept_paused;
static struct timespec accept_resume;

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

static int listen_on(int port, int *bound)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("socket");
        exit(1);
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 1024) < 0) {
        perror("bind/listen");
        exit(1);
    }
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *)&addr, &len);
    *bound = ntohs(addr.sin_port);
    return fd;
}

static void set_events(struct conn *c, unsigned events)
{
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void close_conn(struct conn *c)
{
    close(c->fd); /* also removes it from the epoll set */
    free(c);
}

/* Writes the pending bytes. Returns 1 when all went out, 0 when some wait for EPOLLOUT, -1 on error. */
static int flush_pending(struct conn *c)
{
    while (c->pending_off < c->pending_end) {
        ssize_t n = write(c->fd, c->buf + c->pending_off, c->pending_end - c->pending_off);
        if (n > 0) {
            c->pending_off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            return 0;
        } else {
            return -1;
        }
    }
    c->pending_off = c->pending_end = 0;
    return 1;
}

static void on_readable(struct conn *c)
{
    for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
        ssize_t n = read(c->fd, c->buf, BUF_SIZE);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            close_conn(c);
            return;
        }
        if (n < 0) {
            return; /* EAGAIN: nothing more for now */
        }
        c->pending_off = 0;
        c->pending_end = (size_t)n;
        int r = flush_pending(c);
        if (r < 0) {
            close_conn(c);
            return;
        }
        if (r == 0) {
            set_events(c, EPOLLOUT); /* stop reading until the peer has taken what we owe it */
            return;
        }
        if ((size_t)n < BUF_SIZE) {
            return; /* short read: the socket is (very likely) drained; level-triggered epoll tells us if not */
        }
    }
}

static void on_writable(struct conn *c)
{
    int r = flush_pending(c);
    if (r < 0) {
        close_conn(c);
    } else if (r > 0) {
        set_events(c, EPOLLIN);
    }
}

static void on_accept(void)
{
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                struct epoll_event ev = {.events = 0, .data.ptr = NULL};
                epoll_ctl(epfd, EPOLL_CTL_MOD, listen_fd, &ev);
                accept_paused = 1;
                clock_gettime(CLOCK_MONOTONIC, &accept_resume);
                accept_resume.tv_nsec += 10 * 1000 * 1000;
                if (accept_resume.tv_nsec >= 1000000000L) {
                    accept_resume.tv_sec++;
                    accept_resume.tv_nsec -= 1000000000L;
                }
            }
            return; /* EAGAIN, or a connection that died before we took it */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = malloc(sizeof *c);
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->pending_off = c->pending_end = 0;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close_conn(c);
        }
    }
}

static int resume_accept_if_due(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > accept_resume.tv_sec ||
        (now.tv_sec == accept_resume.tv_sec && now.tv_nsec >= accept_resume.tv_nsec)) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
        epoll_ctl(epfd, EPOLL_CTL_MOD, listen_fd, &ev);
        accept_paused = 0;
        return -1;
    }
    return 1 + (int)((accept_resume.tv_nsec - now.tv_nsec + 1000000000L * (accept_resume.tv_sec - now.tv_sec)) /
                     1000000);
}

int main(int argc, char **argv)
{
    int port = parse_port(argc, argv);
    signal(SIGPIPE, SIG_IGN);
    int bound;
    listen_fd = listen_on(port, &bound);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        perror("epoll_create1");
        return 1;
    }
    /* data.ptr NULL marks the listener; every connection has its struct there. */
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &lev);
    printf("READY %d\n", bound);
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int timeout = accept_paused ? resume_accept_if_due() : -1;
        int n = epoll_wait(epfd, events, MAX_EVENTS, timeout);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c == NULL) {
                on_accept();
            } else if (c->pending_end > 0) {
                on_writable(c); /* waiting for EPOLLOUT (an error or hang-up fails the write and closes) */
            } else {
                on_readable(c);
            }
        }
    }
}
