/*
 * TLS 1.3 load client for bench/run's tls-peers group: OpenSSL, one thread, level-triggered epoll,
 * non-blocking sockets, so that one CPU of C drives a JVM server about as hard as the server can answer.
 *
 *   tls_load --port N --mode echo|full|resumed|idle [--host 127.0.0.1] [--connections C]
 *            [--inflight K] [--size S] [--seconds T] [--warmup W]
 *            [--ciphersuites TLS_AES_128_GCM_SHA256] [--groups X25519]
 *
 *   echo     C connections, each keeps K messages of S bytes in flight (one SSL_write, so one TLS
 *            record, per message; the records that one read frees go out in one write); a reply is
 *            counted per S bytes read back.
 *   full     C connections at a time, each a new TLS 1.3 handshake, no session offered: connect,
 *            handshake (counted), close_notify, FIN, then raw reads until the server has closed (its
 *            session tickets are not decrypted: they would cost this client more than the server).
 *   resumed  as full, but every connection offers the one session (ticket) that a priming connection
 *            got, and counts only handshakes that resumed it (SSL_session_reused); the others are
 *            reported as not_resumed. A server that sends no ticket ends the run with an error.
 *   idle     opens C connections, at most K at a time, each a handshake and one echo of S bytes, then
 *            holds them idle; prints "HELD <n>" and waits until its standard input closes.
 *
 * What it costs: a 1 KiB echo message about what it costs the fastest servers (OpenSSL 3.0's overhead
 * per record), a full handshake more than a BoringSSL server's (OpenSSL 3.0 spends about 40 % of it
 * setting up a decoder for the server certificate's key), so where client and server get one CPU each
 * the client can set the pace of those rows: load_cpu_busy shows when it does.
 *
 * TLS 1.3 only, the client offers the one cipher suite and key-exchange group given (so the server has
 * no choice), and does not verify the server's certificate (the bench key store is self-signed).
 * Prints "TLS protocol=... cipher=... group=..." after the first handshake, "MEASURE start" and
 * "MEASURE end" around the measured interval (bench/run samples the server's CPU there), then
 *   RESULT msgs_per_sec=... mb_per_sec=... replies=... load_cpu_us_per_msg=... load_cpu_busy=...
 *          not_resumed=... failed=...
 * where a "msg" is an echoed message (echo) or a completed handshake (full, resumed), and the load's
 * own CPU (getrusage: user + system) is taken over the measured interval: busy 1.0 means the client
 * used a whole CPU, the point where it, not the server, would set the pace.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WRITE_BUFFER (128 * 1024) /* echo: room for 4 x 16 KiB or 16 x 1 KiB records and more */

enum mode { ECHO, FULL, RESUMED, IDLE };
enum state { HANDSHAKING, RUNNING, CLOSING, HELD };

struct conn {
    int fd;
    SSL *ssl;
    enum state state;
    unsigned events;       /* the epoll interest now registered */
    long msgs_to_write;    /* whole messages still to send ... */
    int msg_off;           /* ... of which the first is this far written */
    int retry_len;         /* after SSL_ERROR_WANT_WRITE, the length SSL_write must be retried with */
    long partial;          /* bytes of a reply not yet complete */
    int echoes_left;       /* idle: replies still expected before the connection is held */
};

static struct {
    const char *host;
    int port;
    enum mode mode;
    int connections;
    int inflight;
    int size;
    double seconds;
    double warmup;
    const char *ciphersuites;
    const char *groups;
} opt = {"127.0.0.1", 0, ECHO, 1, 1, 64, 5, 1, "TLS_AES_128_GCM_SHA256", "X25519"};

static SSL_CTX *ctx;
static int epfd;
static struct sockaddr_in addr;
static unsigned char *message;       /* one message of opt.size bytes */
static unsigned char readbuf[256 * 1024];
static SSL_SESSION *session;         /* resumed: the session (ticket) every connection offers */
static int measuring, printed_tls;
static long counted;                 /* replies or handshakes in the measured interval */
static long not_resumed, failed, opened, held;

static void die(const char *what)
{
    fprintf(stderr, "tls_load: %s: %s\n", what, errno ? strerror(errno) : "");
    ERR_print_errors_fp(stderr);
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void mark(const char *what)
{
    printf("MEASURE %s\n", what);
    fflush(stdout);
}

/* No chain building at all (SSL_VERIFY_NONE alone still builds and checks the chain, then ignores it). */
static int skip_chain(X509_STORE_CTX *store, void *arg)
{
    (void)store;
    (void)arg;
    return 1;
}

static void parse(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--host")) opt.host = v;
        else if (!strcmp(k, "--port")) opt.port = atoi(v);
        else if (!strcmp(k, "--connections")) opt.connections = atoi(v);
        else if (!strcmp(k, "--inflight")) opt.inflight = atoi(v);
        else if (!strcmp(k, "--size")) opt.size = atoi(v);
        else if (!strcmp(k, "--seconds")) opt.seconds = atof(v);
        else if (!strcmp(k, "--warmup")) opt.warmup = atof(v);
        else if (!strcmp(k, "--ciphersuites")) opt.ciphersuites = v;
        else if (!strcmp(k, "--groups")) opt.groups = v;
        else if (!strcmp(k, "--mode")) {
            if (!strcmp(v, "echo")) opt.mode = ECHO;
            else if (!strcmp(v, "full")) opt.mode = FULL;
            else if (!strcmp(v, "resumed")) opt.mode = RESUMED;
            else if (!strcmp(v, "idle")) opt.mode = IDLE;
            else { fprintf(stderr, "bad --mode %s\n", v); exit(2); }
        } else {
            fprintf(stderr, "unknown option %s (see the comment at the top of tls_load.c)\n", k);
            exit(2);
        }
    }
    if (opt.port <= 0 || opt.connections <= 0 || opt.inflight <= 0 || opt.size <= 0 || opt.size > 16384) {
        fprintf(stderr, "need --port, and --connections, --inflight > 0, 0 < --size <= 16384\n");
        exit(2);
    }
}

static void setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max; /* idle mode holds thousands of sockets */
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)opt.port);
    if (inet_pton(AF_INET, opt.host, &addr.sin_addr) != 1)
        die("--host must be an IPv4 address");

    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx
        || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION)
        || !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)
        || !SSL_CTX_set_ciphersuites(ctx, opt.ciphersuites)
        || !SSL_CTX_set1_groups_list(ctx, opt.groups))
        die("SSL_CTX setup");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, skip_chain, NULL);
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                              | SSL_MODE_RELEASE_BUFFERS);
    /* No client cache: with one, OpenSSL marks a TLS 1.3 session not resumable once it has been used. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    message = malloc(opt.size);
    memset(message, 'x', opt.size);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        die("epoll_create1");
}

static void print_tls(SSL *ssl)
{
    if (printed_tls)
        return;
    printed_tls = 1;
    int nid = SSL_get_negotiated_group(ssl);
    const char *group = nid ? OBJ_nid2sn(nid & ~TLSEXT_nid_unknown) : "?";
    printf("TLS protocol=%s cipher=%s group=%s\n", SSL_get_version(ssl),
           SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)), group ? group : "?");
    fflush(stdout);
}

static void interest(struct conn *c, unsigned events)
{
    if (events == c->events)
        return;
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
        die("epoll_ctl MOD");
    c->events = events;
}

static void conn_free(struct conn *c)
{
    /* Abortive close (RST): the server has closed already (or the run is over), and thousands of
     * handshakes a second would otherwise leave as many loopback ports in TIME_WAIT. */
    struct linger lg = {1, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(c->fd); /* also leaves the epoll set */
    SSL_free(c->ssl);
    c->ssl = NULL;
    c->fd = -1;
}

static void conn_open(struct conn *c)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS)
        die("connect");
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->ssl = SSL_new(ctx);
    BIO *sock = BIO_new_socket(fd, BIO_NOCLOSE);
    if (!c->ssl || !sock)
        die("SSL_new");
    if (opt.mode == ECHO) {
        /* Writes go through a buffer: every message is still its own record (one SSL_write each), but
         * the records freed by one read leave in one write(2), as a pipelining client would send them. */
        BIO *buf = BIO_new(BIO_f_buffer());
        if (!buf || !BIO_set_write_buffer_size(buf, WRITE_BUFFER) || !BIO_up_ref(sock))
            die("BIO_f_buffer");
        BIO_push(buf, sock);
        SSL_set_bio(c->ssl, sock, buf);
    } else {
        SSL_set_bio(c->ssl, sock, sock);
    }
    SSL_set_connect_state(c->ssl);
    if (opt.mode == RESUMED && session && !SSL_set_session(c->ssl, session))
        die("SSL_set_session");
    c->state = HANDSHAKING;
    c->events = EPOLLOUT; /* the ClientHello goes out once connected */
    struct epoll_event ev = {.events = c->events, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        die("epoll_ctl ADD");
    opened++;
}

/* 1: went on or would block (interest set); 0: the connection ended (error or the server closed). */
static int ssl_wait(struct conn *c, int r, const char *what, unsigned base)
{
    int err = SSL_get_error(c->ssl, r);
    if (err == SSL_ERROR_WANT_READ) {
        interest(c, base | EPOLLIN);
        return 1;
    }
    if (err == SSL_ERROR_WANT_WRITE) {
        interest(c, base | EPOLLIN | EPOLLOUT);
        return 1;
    }
    if (c->state != CLOSING) {
        fprintf(stderr, "tls_load: %s failed (SSL error %d, errno %s)\n", what, err, strerror(errno));
        ERR_print_errors_fp(stderr);
        failed++;
    }
    ERR_clear_error();
    return 0;
}

/* Writes whole messages, one SSL_write (one record) each. 0 when the connection failed. */
static int pump_writes(struct conn *c)
{
    while (c->msgs_to_write > 0) {
        int len = c->retry_len ? c->retry_len : opt.size - c->msg_off;
        int r = SSL_write(c->ssl, message + c->msg_off, len);
        if (r <= 0) {
            int err = SSL_get_error(c->ssl, r);
            if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ)
                c->retry_len = len;
            if (!ssl_wait(c, r, "SSL_write", EPOLLIN))
                return 0;
            return 1;
        }
        c->retry_len = 0;
        c->msg_off += r;
        if (c->msg_off == opt.size) {
            c->msg_off = 0;
            c->msgs_to_write--;
        }
    }
    BIO *wbio = SSL_get_wbio(c->ssl);
    if (BIO_flush(wbio) <= 0) {
        if (!BIO_should_retry(wbio)) {
            fprintf(stderr, "tls_load: write failed: %s\n", strerror(errno));
            failed++;
            return 0;
        }
        interest(c, EPOLLIN | EPOLLOUT);
        return 1;
    }
    interest(c, EPOLLIN);
    return 1;
}

/* Reads every reply there is; each complete one sends the next message. 0 when the connection ended. */
static int pump_reads(struct conn *c)
{
    for (;;) {
        int r = SSL_read(c->ssl, readbuf, sizeof readbuf);
        if (r <= 0) {
            int err = SSL_get_error(c->ssl, r);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
                return 1;
            if (c->state == HELD)
                fprintf(stderr, "tls_load: an idle connection was closed by the server\n");
            else
                fprintf(stderr, "tls_load: the server closed a connection (SSL error %d)\n", err);
            ERR_print_errors_fp(stderr);
            failed++;
            return 0;
        }
        if (c->state == HELD) {
            fprintf(stderr, "tls_load: unexpected data on an idle connection\n");
            continue;
        }
        long total = c->partial + r;
        long done = total / opt.size;
        c->partial = total % opt.size;
        if (done == 0)
            continue;
        if (measuring && opt.mode == ECHO)
            counted += done;
        if (opt.mode == IDLE) {
            c->echoes_left -= (int)done;
            if (c->echoes_left <= 0) {
                c->state = HELD;
                held++;
                interest(c, EPOLLIN); /* only to notice the server closing it */
                continue;
            }
        } else {
            c->msgs_to_write += done;
        }
    }
}

static void handshake_done(struct conn *c)
{
    print_tls(c->ssl);
    if (opt.mode == FULL || opt.mode == RESUMED) {
        if (opt.mode == RESUMED && !SSL_session_reused(c->ssl) && measuring)
            not_resumed++;
        else if (measuring)
            counted++;
        /* Polite close: close_notify, FIN, then wait for the server to close (reading its tickets). */
        c->state = CLOSING;
        SSL_shutdown(c->ssl);
        ERR_clear_error();
        shutdown(c->fd, SHUT_WR);
        interest(c, EPOLLIN);
        return;
    }
    c->state = RUNNING;
    c->msgs_to_write = opt.mode == IDLE ? 1 : opt.inflight;
    c->echoes_left = 1;
}

/* Drives one connection as far as it goes without blocking. 0: it is finished (freed by the caller). */
static int step(struct conn *c)
{
    if (c->state == HANDSHAKING) {
        int r = SSL_do_handshake(c->ssl);
        if (r != 1)
            return ssl_wait(c, r, "handshake", 0);
        handshake_done(c);
    }
    if (c->state == CLOSING) {
        /* Raw reads, discarded: decrypting the server's tickets (a session copied per ticket) would
         * cost the client more than it costs a fast server to send them. */
        for (;;) {
            ssize_t r = read(c->fd, readbuf, sizeof readbuf);
            if (r > 0)
                continue;
            if (r < 0 && errno == EAGAIN)
                return 1;
            return 0; /* EOF or reset: the server is done with it */
        }
    }
    if (c->state == RUNNING || c->state == HELD) {
        if (!pump_reads(c))
            return 0;
        if (c->state == RUNNING && !pump_writes(c))
            return 0;
    }
    return 1;
}

/*
 * Resumed mode needs a ticket before the clock starts: one connection, a handshake and one echo (the
 * server's NewSessionTicket arrives before the echoed bytes), then the same polite close.
 */
static void prime_session(void)
{
    struct conn c;
    conn_open(&c);
    enum mode mode = opt.mode;
    opt.mode = IDLE; /* handshake + one echo, then held */
    double deadline = now() + 10;
    while (c.state != HELD && now() < deadline) {
        struct epoll_event ev;
        if (epoll_wait(epfd, &ev, 1, 100) > 0 && !step(&c))
            die("priming connection failed");
    }
    opt.mode = mode;
    held = 0;
    opened = 0;
    printed_tls = 0;
    if (c.state != HELD)
        die("priming connection: no echo");
    session = SSL_get1_session(c.ssl); /* TLS 1.3: the session of the ticket that came before the echo */
    if (!session || !SSL_SESSION_is_resumable(session)) {
        errno = 0;
        die("the server sent no session ticket");
    }
    SSL_shutdown(c.ssl);
    conn_free(&c);
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    setup();
    if (opt.mode == RESUMED)
        prime_session();

    int total = opt.connections;
    int parallel = opt.mode == IDLE ? (opt.inflight < total ? opt.inflight : total) : total;
    struct conn *conns = calloc(total, sizeof *conns);
    for (int i = 0; i < total; i++)
        conns[i].fd = -1;
    for (int i = 0; i < parallel; i++)
        conn_open(&conns[i]);
    int next = parallel; /* idle: the next connection to open */

    struct epoll_event events[256];
    double start = now();
    double measure_from = start + opt.warmup, end = measure_from + opt.seconds;
    double t0 = 0, t1 = 0, cpu0 = 0, cpu1 = 0;
    int idle_reported = 0;
    for (;;) {
        double t = now();
        if (opt.mode != IDLE) {
            if (!measuring && t >= measure_from) {
                measuring = 1;
                t0 = t;
                cpu0 = cpu_now();
                mark("start");
            }
            if (t >= end)
                break;
        } else if (!idle_reported && held + failed >= total) {
            idle_reported = 1;
            printf("HELD %ld\n", held);
            fflush(stdout);
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
            if (epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &ev) < 0)
                break; /* stdin not pollable (a file): nothing to wait for */
        }
        int timeout = opt.mode == IDLE ? 1000 : (int)((t < measure_from ? measure_from - t : end - t) * 1000) + 1;
        int n = epoll_wait(epfd, events, 256, timeout);
        if (n < 0 && errno != EINTR)
            die("epoll_wait");
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c == NULL) { /* stdin: EOF (or anything) ends an idle run */
                char b[64];
                if (read(0, b, sizeof b) <= 0)
                    goto out;
                continue;
            }
            if (c->fd < 0)
                continue;
            long held_before = held;
            if (step(c)) {
                if (held > held_before && next < total)
                    conn_open(&conns[next++]); /* idle: one held, the next may start */
                continue;
            }
            int was_measured_handshake = c->state == CLOSING;
            conn_free(c);
            if (opt.mode == ECHO) {
                fprintf(stderr, "tls_load: an echo connection ended\n");
                exit(1);
            }
            if (opt.mode == IDLE) {
                if (next < total)
                    conn_open(&conns[next++]);
            } else if (was_measured_handshake || failed < 1000) {
                conn_open(c); /* full, resumed: the next handshake on this slot */
            }
        }
    }
out:
    if (measuring) {
        t1 = now();
        cpu1 = cpu_now();
        mark("end");
    }
    double wall = t1 - t0;
    double rate = wall > 0 ? counted / wall : 0;
    double cpu_us = counted ? (cpu1 - cpu0) * 1e6 / counted : 0;
    printf("RESULT msgs_per_sec=%.0f mb_per_sec=%.1f replies=%ld load_cpu_us_per_msg=%.3f load_cpu_busy=%.3f"
           " not_resumed=%ld failed=%ld held=%ld\n",
           rate, opt.mode == ECHO ? rate * opt.size / 1e6 : 0.0, counted, cpu_us,
           wall > 0 ? (cpu1 - cpu0) / wall : 0.0, not_resumed, failed, held);
    fflush(stdout);
    return 0;
}
