package io.magnetar.protocol.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.http.HttpRequest;
import io.magnetar.protocol.http.HttpResponse;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory named without its slash is redirected to it, and never to another host. */
class StaticFilesRedirectTest {

    @TempDir
    Path root;

    private static HttpRequest get(String path, String query) {
        return (HttpRequest) Proxy.newProxyInstance(
                HttpRequest.class.getClassLoader(),
                new Class<?>[] {HttpRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "method" -> "GET";
                    case "path" -> path;
                    case "query" -> query;
                    default -> null;
                });
    }

    @Test
    void aRootMountedDirectoryIsRedirectedWithOneLeadingSlash() throws Exception {
        Files.createDirectories(root.resolve("evil.example"));
        StaticFiles files = new StaticFiles("/*", root, null, null);

        HttpResponse sub = files.handle(get("/evil.example", "q=1"));
        HttpResponse doubled = files.handle(get("//evil.example", null));

        assertThat(sub.status()).isEqualTo(301);
        assertThat(sub.header("Location")).isEqualTo("/evil.example/?q=1");
        assertThat(doubled.status()).isEqualTo(301);
        assertThat(doubled.header("Location")).as("not scheme-relative").isEqualTo("/evil.example/");
    }
}
