package io.magnetar.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.http.internal.HandlerRoutes;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handler whiteboard's rules, on an in-memory connection: what answers which request. */
class WhiteboardRoutingTest {

    private static final InetSocketAddress WEB = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    private static final InetSocketAddress ADMIN = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9090);

    private final HandlerRoutes routes = new HandlerRoutes(1, 0);
    private final ManualLoop loop = new ManualLoop();
    private volatile long nextId = 100;

    @AfterEach
    void close() {
        routes.close();
    }

    private Map<String, Object> props(Object path, Object... more) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.id", nextId++);
        p.put(HttpWhiteboard.PATH, path);
        for (int i = 0; i < more.length; i += 2) {
            p.put((String) more[i], more[i + 1]);
        }
        return p;
    }

    private Map<String, Object> register(String body, Object path, Object... more) {
        Map<String, Object> p = props(path, more);
        routes.addHandler(p, "test.bundle", (HttpHandler) r -> HttpResponse.text(body));
        return p;
    }

    /** One request on a connection bound to {@code local}: status, then the body or the Allow field. */
    private String ask(InetSocketAddress local, String method, String path) throws Exception {
        HttpConnection c = HttpConnection.create(a -> routes.routerFor(local), HttpLimits.defaults());
        FakeTransport t = new FakeTransport(loop, c).connect();
        t.receive(method + " " + path + " HTTP/1.1\r\nHost: h\r\n\r\n");
        loop.runTasks(); // an async answer (a 503 from the blocking pool) comes through the loop
        RawResponse r = RawResponse.readAll(t.takeText()).get(0);
        return r.status() + " "
                + (r.status() == 405 || r.status() == 200 && r.header("allow") != null
                        ? r.header("allow")
                        : r.body().trim());
    }

    private String ask(String method, String path) throws Exception {
        return ask(WEB, method, path);
    }

    @Test
    void exactBeatsPrefixAndTheLongestPrefixWins() throws Exception {
        register("root", "/*");
        register("api", "/api/*");
        register("v1", "/api/v1/*");
        register("exact", "/api/v1/status");

        assertThat(ask("GET", "/api/v1/status")).isEqualTo("200 exact");
        assertThat(ask("GET", "/api/v1/status/x")).isEqualTo("200 v1");
        assertThat(ask("GET", "/api/v1")).isEqualTo("200 v1");
        assertThat(ask("GET", "/api/v2")).isEqualTo("200 api");
        assertThat(ask("GET", "/apix")).as("a prefix matches whole segments").isEqualTo("200 root");
        assertThat(ask("GET", "/elsewhere")).isEqualTo("200 root");
        assertThat(ask("GET", "/%61pi/v1/st%61tus"))
                .as("escaped unreserved characters")
                .isEqualTo("200 exact");
        assertThat(ask("GET", "/api%2Fv1/status"))
                .as("an escaped slash is not a separator")
                .isEqualTo("200 root");
    }

    @Test
    void rankingThenLowestServiceIdDecideAndTheNextTakesOverWhenTheWinnerLeaves() throws Exception {
        Map<String, Object> first = register("first", "/hello");
        register("second", "/hello");
        assertThat(ask("GET", "/hello")).as("equal ranking: lowest service.id").isEqualTo("200 first");

        Map<String, Object> ranked = register("ranked", "/hello", "service.ranking", 10);
        assertThat(ask("GET", "/hello")).isEqualTo("200 ranked");
        assertThat(routes.describe())
                .filteredOn(r -> r.serviceId() == (long) first.get("service.id"))
                .singleElement()
                .satisfies(r -> assertThat(r.shadowed()).isNotEmpty());

        routes.removeHandler(ranked);
        assertThat(ask("GET", "/hello")).isEqualTo("200 first");
        routes.removeHandler(first);
        routes.removeHandler(first); // a second removal is harmless
        assertThat(ask("GET", "/hello")).isEqualTo("200 second");
    }

    @Test
    void everyValueOfAMultiValuedPathCounts() throws Exception {
        register("string", "/a");
        register("array", new String[] {"/b", "/c"});
        register("collection", List.of("/d", "/e/*"));

        assertThat(ask("GET", "/a")).isEqualTo("200 string");
        assertThat(ask("GET", "/c")).isEqualTo("200 array");
        assertThat(ask("GET", "/e/f")).isEqualTo("200 collection");
    }

    @Test
    void methodsRestrictAPathTo405WithAllowAndUnknownMethodsAre501() throws Exception {
        register("got", "/item", HttpWhiteboard.METHOD, "GET");
        register("posted", "/item", HttpWhiteboard.METHOD, new String[] {"POST", "PUT"});

        assertThat(ask("GET", "/item")).isEqualTo("200 got");
        assertThat(ask("PUT", "/item")).isEqualTo("200 posted");
        assertThat(ask("DELETE", "/item"))
                .startsWith("405 ")
                .contains("GET")
                .contains("POST")
                .contains("PUT")
                .contains("HEAD");
        assertThat(ask("BREW", "/item")).startsWith("501");
        assertThat(ask("get", "/item")).as("methods are case-sensitive").startsWith("501");
        assertThat(ask("BREW", "/nowhere")).startsWith("501");
        assertThat(ask("DELETE", "/nowhere")).startsWith("404");
    }

    @Test
    void aHandlerWithoutMethodsServesEveryMethodIncludingItsOwn() throws Exception {
        register("dav", "/dav/*");
        assertThat(ask("PROPFIND", "/dav/x")).isEqualTo("200 dav");
        register("custom", "/brew", HttpWhiteboard.METHOD, "BREW");
        assertThat(ask("BREW", "/brew")).isEqualTo("200 custom");
    }

    @Test
    void builtInRoutesStayUntilARegisteredHandlerOverridesThem() throws Exception {
        assertThat(ask("GET", "/plaintext")).isEqualTo("200 Hello, World!");
        Map<String, Object> mine = register("mine", "/plaintext");
        assertThat(ask("GET", "/plaintext")).isEqualTo("200 mine");
        assertThat(ask("GET", "/")).startsWith("200 Magnetar");
        routes.removeHandler(mine);
        assertThat(ask("GET", "/plaintext")).isEqualTo("200 Hello, World!");
    }

    @Test
    void endpointPropertyLimitsAHandlerToTheNamedEndpoints() throws Exception {
        routes.addEndpoint(1, "web", WEB);
        routes.addEndpoint(2, "admin", ADMIN);
        register("admin only", "/status", HttpWhiteboard.ENDPOINT, "admin");
        register("everywhere", "/common");

        assertThat(ask(ADMIN, "GET", "/status")).isEqualTo("200 admin only");
        assertThat(ask(WEB, "GET", "/status")).startsWith("404");
        assertThat(ask(WEB, "GET", "/common")).isEqualTo("200 everywhere");
        assertThat(ask(ADMIN, "GET", "/common")).isEqualTo("200 everywhere");
    }

    @Test
    void aMalformedRegistrationIsRefusedVisiblyAndTheOthersServe() throws Exception {
        register("bad", "no-slash");
        register("good", "/good");

        assertThat(ask("GET", "/good")).isEqualTo("200 good");
        assertThat(routes.describe())
                .filteredOn(r -> r.path().equals("no-slash"))
                .singleElement()
                .satisfies(r -> assertThat(r.problem()).contains("must be"));
    }

    @Test
    void aLeavingHandlerFinishesTheRequestsItIsRunningBeforeItsRemovalReturns() throws Exception {
        CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
        Map<String, Object> p = props("/slow");
        routes.addHandler(p, "test.bundle", (AsyncHttpHandler) r -> answer);
        HttpConnection c = HttpConnection.create(a -> routes.routerFor(WEB), HttpLimits.defaults());
        FakeTransport t = new FakeTransport(loop, c).connect();
        t.receive("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");

        CountDownLatch removed = new CountDownLatch(1);
        Thread remover = new Thread(() -> {
            routes.removeHandler(p);
            removed.countDown();
        });
        remover.start();
        assertThat(removed.await(200, TimeUnit.MILLISECONDS))
                .as("removal waits for the running request")
                .isFalse();
        assertThat(ask("GET", "/slow")).as("no new request reaches it").startsWith("404");

        answer.complete(HttpResponse.text("done"));
        assertThat(removed.await(10, TimeUnit.SECONDS)).isTrue();
        loop.runTasks();
        assertThat(RawResponse.readAll(t.takeText()).get(0).body()).isEqualTo("done");
    }

    /** A request racing its handler's registration gets 200 or 404, nothing else (pax-web#1411). */
    @Test
    void requestsRacingRegistrationAndRemovalGetOnly200Or404() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean churning = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread churn = new Thread(() -> {
            while (churning.get()) {
                Map<String, Object> p = props("/race", "service.ranking", (int) (nextId % 3));
                routes.addHandler(p, "test.bundle", (HttpHandler) r -> HttpResponse.text("raced"));
                routes.removeHandler(p);
            }
        });
        churn.start();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        HttpConnection c = HttpConnection.create(a -> routes.routerFor(WEB), HttpLimits.defaults());
        FakeTransport t = new FakeTransport(loop, c).connect();
        try {
            for (int i = 0; i < 5_000; i++) {
                t.receive("GET /race HTTP/1.1\r\nHost: h\r\n\r\n");
                for (RawResponse r : RawResponse.readAll(t.takeText())) {
                    seen.add(r.status() + " " + r.body().trim());
                }
            }
        } finally {
            churning.set(false);
            churn.join();
        }
        assertThat(seen).isSubsetOf("200 raced", "404 Not Found");
    }

    @Test
    void blockingHandlersRunOffTheLoopAndAFullPoolAnswers503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread test = Thread.currentThread();
        Thread[] ranOn = new Thread[1];
        routes.addHandler(props("/block", HttpWhiteboard.BLOCKING, "true"), "test.bundle", (HttpHandler) r -> {
            ranOn[0] = Thread.currentThread();
            release.await();
            return HttpResponse.text("blocked");
        });
        HttpConnection c = HttpConnection.create(a -> routes.routerFor(WEB), HttpLimits.defaults());
        FakeTransport t = new FakeTransport(loop, c).connect();
        t.receive("GET /block HTTP/1.1\r\nHost: h\r\n\r\n");

        assertThat(ask("GET", "/block"))
                .as("one thread, no queue: the second waits for nothing")
                .startsWith("503");
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String text = "";
        while (text.isEmpty() && System.nanoTime() < deadline) {
            loop.runTasks();
            text = t.takeText();
            Thread.sleep(1); // polling the manual loop with a deadline
        }
        assertThat(RawResponse.readAll(text).get(0).body()).isEqualTo("blocked");
        assertThat(ranOn[0]).isNotNull().isNotSameAs(test);
    }
}
