/*
 * Reference HTTP/1.1 plaintext server for bench/run: one thread, level-triggered epoll, non-blocking.
 *
 *   http_plaintext --port N      (0 = any free port; binds 127.0.0.1)
 *
 * Prints "READY <port>" once listening and serves until killed. GET /plaintext (any query ignored) answers
 * "Hello, World!" in a response of the same shape as Magnetar's bench HTTP server (status line, Server,
 * Content-Type, Content-Length, Date); any other path is 404 in Magnetar's shape too. Only what wrk sends
 * is understood: a request line and header fields up to the empty line, no body (a request announcing
 * one gets 400 and the connection closes). Keep-alive by default; "Connection: close", or HTTP/1.0
 * without "Connection: keep-alive", closes after the response.
 *
 * Each read appends to the connection's input buffer; every complete request in it is answered into
 * the output buffer and the whole batch goes out with one write (pipelined requests: one write per read
 * batch). A request cut across reads waits in the buffer; the search for its end resumes where the
 * last one stopped. A partial write parks the rest, stops reading on that connection and waits for
 * EPOLLOUT. The Date line is formatted at most once a second.
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
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IN_SIZE (16 * 1024) /* also the largest request head accepted */
#define MAX_EVENTS 256

struct conn {
    int fd;
    int close_after; /* close once the output is written */
    size_t in_len;   /* bytes in in[] */
    size_t scanned;  /* in[0..scanned) holds no end of a request head */
    size_t out_off;  /* unwritten output: out[out_off..out_len) */
    size_t out_len;
    size_t out_cap;
    char *out;
    char in[IN_SIZE];
};

static int epfd;
static int listen_fd;

/* "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n", refreshed when the second changes. */
static char date_line[64];
static size_t date_len;
static time_t date_second = -1;

static const char HELLO[] = "Hello, World!";
static const char NOT_FOUND[] = "Not Found\n";
static const char BAD_REQUEST[] = "Bad Request\n";
static const char TOO_LARGE[] = "Request Header Fields Too Large\n";

static void refresh_date(void)
{
    time_t now = time(NULL);
    if (now == date_second) {
        return;
    }
    struct tm tm;
    gmtime_r(&now, &tm);
    date_len = strftime(date_line, sizeof date_line, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    date_second = now;
}

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

static void close_conn(struct conn *c)
{
    close(c->fd);
    free(c->out);
    free(c);
}

static void set_events(struct conn *c, unsigned events)
{
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static int out_reserve(struct conn *c, size_t more)
{
    if (c->out_len + more <= c->out_cap) {
        return 0;
    }
    size_t cap = c->out_cap ? c->out_cap : 4096;
    while (cap < c->out_len + more) {
        cap *= 2;
    }
    char *p = realloc(c->out, cap);
    if (p == NULL) {
        return -1;
    }
    c->out = p;
    c->out_cap = cap;
    return 0;
}

static void out_add(struct conn *c, const char *s, size_t n)
{
    memcpy(c->out + c->out_len, s, n);
    c->out_len += n;
}

/* Appends a whole response; -1 when out of memory. */
static int respond(struct conn *c, const char *status, const char *type, const char *body, size_t body_len)
{
    char head[256];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nServer: EpollRef\r\nContent-Type: %s\r\nContent-Length: %zu\r\n",
                     status, type, body_len);
    if (out_reserve(c, (size_t)n + date_len + 2 + body_len) < 0) {
        return -1;
    }
    out_add(c, head, (size_t)n);
    out_add(c, date_line, date_len);
    out_add(c, "\r\n", 2);
    out_add(c, body, body_len);
    return 0;
}

/*
 * The response to GET /plaintext is the same bytes every time within a second: it is built once per
 * second and copied, as Magnetar copies its pre-encoded head and cached Date line.
 */
static char hello_response[256];
static size_t hello_len;
static time_t hello_second = -1;

static int respond_hello(struct conn *c)
{
    if (hello_second != date_second) {
        int n = snprintf(hello_response, sizeof hello_response,
                         "HTTP/1.1 200 OK\r\nServer: EpollRef\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                         "%.*s\r\n%s",
                         sizeof HELLO - 1, (int)date_len, date_line, HELLO);
        hello_len = (size_t)n;
        hello_second = date_second;
    }
    if (out_reserve(c, hello_len) < 0) {
        return -1;
    }
    out_add(c, hello_response, hello_len);
    return 0;
}

static int token_is(const char *p, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(p, word, n) == 0;
}

/* Does the comma-separated list value[0..n) hold the token word (any case)? */
static int list_has(const char *value, size_t n, const char *word)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (value[i] == ' ' || value[i] == '\t' || value[i] == ',')) {
            i++;
        }
        size_t start = i;
        while (i < n && value[i] != ',') {
            i++;
        }
        size_t end = i;
        while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t')) {
            end--;
        }
        if (token_is(value + start, end - start, word)) {
            return 1;
        }
    }
    return 0;
}

/*
 * Answers the request whose head is req[0..len) (len includes the final CRLF CRLF). Returns 0, or -1
 * when the connection must close now (out of memory). Sets close_after as the request asks.
 */
static int handle_request(struct conn *c, const char *req, size_t len)
{
    const char *end = req + len;
    const char *line_end = memchr(req, '\r', len);
    const char *sp1 = memchr(req, ' ', (size_t)(line_end - req));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line_end - sp1 - 1)) : NULL;
    if (sp1 == NULL || sp2 == NULL || line_end - sp2 - 1 != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
        (sp2[8] != '0' && sp2[8] != '1')) {
        c->close_after = 1;
        return respond(c, "400 Bad Request", "text/plain; charset=utf-8", BAD_REQUEST, sizeof BAD_REQUEST - 1);
    }
    int keep_alive = sp2[8] == '1';
    int has_body = 0;
    /* Header fields: one per CRLF-terminated line up to the empty line. */
    for (const char *p = line_end + 2; p < end - 2;) {
        const char *eol = memchr(p, '\r', (size_t)(end - p));
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (colon != NULL) {
            const char *v = colon + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) {
                v++;
            }
            size_t name_len = (size_t)(colon - p);
            size_t value_len = (size_t)(eol - v);
            if (token_is(p, name_len, "connection")) {
                if (list_has(v, value_len, "close")) {
                    keep_alive = 0;
                } else if (list_has(v, value_len, "keep-alive")) {
                    keep_alive = 1;
                }
            } else if (token_is(p, name_len, "transfer-encoding") ||
                       (token_is(p, name_len, "content-length") && !(value_len == 1 && *v == '0'))) {
                has_body = 1;
            }
        }
        p = eol + 2;
    }
    if (has_body) {
        c->close_after = 1;
        return respond(c, "400 Bad Request", "text/plain; charset=utf-8", BAD_REQUEST, sizeof BAD_REQUEST - 1);
    }
    if (!keep_alive) {
        c->close_after = 1;
    }
    /* The path is the target up to '?'. */
    const char *target = sp1 + 1;
    size_t path_len = (size_t)(sp2 - target);
    const char *q = memchr(target, '?', path_len);
    if (q != NULL) {
        path_len = (size_t)(q - target);
    }
    if (sp1 - req == 3 && memcmp(req, "GET", 3) == 0 && path_len == 10 && memcmp(target, "/plaintext", 10) == 0) {
        return respond_hello(c);
    }
    return respond(c, "404 Not Found", "text/plain; charset=utf-8", NOT_FOUND, sizeof NOT_FOUND - 1);
}

/* Writes the pending output. Returns 1 when all went out, 0 when some wait for EPOLLOUT, -1 on error. */
static int flush_out(struct conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (n > 0) {
            c->out_off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            return 0;
        } else {
            return -1;
        }
    }
    c->out_off = c->out_len = 0;
    return 1;
}

/* After the output went out: close if asked, else read again. */
static void after_flush(struct conn *c, int r)
{
    if (r < 0 || (r > 0 && c->close_after)) {
        close_conn(c);
    } else if (r == 0) {
        set_events(c, EPOLLOUT); /* stop reading until the client has taken its responses */
    }
}

static void on_writable(struct conn *c)
{
    int r = flush_out(c);
    if (r > 0 && !c->close_after) {
        set_events(c, EPOLLIN);
    } else {
        after_flush(c, r);
    }
}

static void on_readable(struct conn *c)
{
    ssize_t n = read(c->fd, c->in + c->in_len, IN_SIZE - c->in_len);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        close_conn(c);
        return;
    }
    if (n < 0) {
        return;
    }
    c->in_len += (size_t)n;
    refresh_date();

    /* Answer every complete request head in the buffer. */
    size_t start = 0;
    while (!c->close_after) {
        size_t from = c->scanned > start + 3 ? c->scanned - 3 : start;
        const char *head_end = NULL;
        for (const char *p = c->in + from; (p = memchr(p, '\r', (size_t)(c->in + c->in_len - p))) != NULL; p++) {
            if (c->in + c->in_len - p >= 4 && memcmp(p, "\r\n\r\n", 4) == 0) {
                head_end = p + 4;
                break;
            }
        }
        if (head_end == NULL) {
            c->scanned = c->in_len;
            break;
        }
        size_t len = (size_t)(head_end - (c->in + start));
        if (handle_request(c, c->in + start, len) < 0) {
            close_conn(c);
            return;
        }
        start += len;
        c->scanned = start;
    }
    /* Keep an unfinished request at the front of the buffer. */
    if (start > 0) {
        memmove(c->in, c->in + start, c->in_len - start);
        c->in_len -= start;
        c->scanned -= start;
    }
    if (c->in_len == IN_SIZE && !c->close_after) {
        c->close_after = 1;
        if (respond(c, "431 Request Header Fields Too Large", "text/plain; charset=utf-8", TOO_LARGE,
                    sizeof TOO_LARGE - 1) < 0) {
            close_conn(c);
            return;
        }
    }
    if (c->out_len > 0) {
        after_flush(c, flush_out(c)); /* one write for the whole batch */
    }
}

static void on_accept(void)
{
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            return; /* EAGAIN, or a connection that died before we took it */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close_conn(c);
        }
    }
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
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL}; /* NULL marks the listener */
    epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &lev);
    refresh_date();
    printf("READY %d\n", bound);
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
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
            } else if (c->out_len > 0) {
                on_writable(c); /* waiting for EPOLLOUT; an error or hang-up fails the write and closes */
            } else {
                on_readable(c);
            }
        }
    }
}
