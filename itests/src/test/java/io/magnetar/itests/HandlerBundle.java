package io.magnetar.itests;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A third-party handler bundle made the way someone without Magnetar's build would: {@code javac}
 * against the http bundle's jar, a hand-written Declarative Services descriptor, a hand-written
 * manifest. It holds {@code GET /hello} (answering {@code hello <version>}) and a blocking
 * {@code GET /slow} that sleeps 200 ms (its work, not a synchronisation).
 */
final class HandlerBundle {

    private HandlerBundle() {}

    static Path build(Path work, Path bundleDir, String version) throws IOException {
        Path src = work.resolve("src-" + version);
        Path classes = work.resolve("classes-" + version);
        Files.createDirectories(src.resolve("org/example/hello"));
        Files.createDirectories(classes);
        Files.writeString(src.resolve("org/example/hello/Hello.java"), """
                package org.example.hello;

                import io.magnetar.protocol.http.HttpHandler;
                import io.magnetar.protocol.http.HttpRequest;
                import io.magnetar.protocol.http.HttpResponse;

                public class Hello implements HttpHandler {
                    private static final HttpResponse HELLO = HttpResponse.text("hello %s\\n");

                    @Override
                    public HttpResponse handle(HttpRequest request) {
                        return HELLO;
                    }
                }
                """.formatted(version));
        Files.writeString(src.resolve("org/example/hello/Slow.java"), """
                package org.example.hello;

                import io.magnetar.protocol.http.HttpHandler;
                import io.magnetar.protocol.http.HttpRequest;
                import io.magnetar.protocol.http.HttpResponse;

                public class Slow implements HttpHandler {
                    @Override
                    public HttpResponse handle(HttpRequest request) throws Exception {
                        Thread.sleep(200); // a blocking call, as a JDBC query would be
                        return HttpResponse.text("slow\\n");
                    }
                }
                """);
        List<String> classpath = new ArrayList<>();
        try (Stream<Path> jars = Files.list(bundleDir)) {
            jars.filter(p -> p.getFileName().toString().startsWith("magnetar-"))
                    .forEach(p -> classpath.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(
                null,
                null,
                null,
                "--release",
                "17",
                "-d",
                classes.toString(),
                "-cp",
                String.join(java.io.File.pathSeparator, classpath),
                src.resolve("org/example/hello/Hello.java").toString(),
                src.resolve("org/example/hello/Slow.java").toString());
        if (rc != 0) {
            throw new IOException("javac failed: " + rc);
        }
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.example.hello");
        a.putValue("Bundle-Version", version);
        a.putValue("Import-Package", "io.magnetar.protocol.http;version=\"[1.1,2)\"");
        a.putValue("Service-Component", "OSGI-INF/hello.xml,OSGI-INF/slow.xml");
        Path jar = work.resolve("hello-" + version + ".jar");
        try (OutputStream o = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(o, manifest)) {
            put(
                    j,
                    "OSGI-INF/hello.xml",
                    component(
                            "hello",
                            "org.example.hello.Hello",
                            "<property name=\"magnetar.http.path\" value=\"/hello\"/>"
                                    + "<property name=\"magnetar.http.method\" value=\"GET\"/>"));
            put(
                    j,
                    "OSGI-INF/slow.xml",
                    component(
                            "slow",
                            "org.example.hello.Slow",
                            "<property name=\"magnetar.http.path\" value=\"/slow\"/>"
                                    + "<property name=\"magnetar.http.blocking\" type=\"Boolean\" value=\"true\"/>"));
            for (String name : List.of("Hello", "Slow")) {
                put(
                        j,
                        "org/example/hello/" + name + ".class",
                        Files.readAllBytes(classes.resolve("org/example/hello/" + name + ".class")));
            }
        }
        return jar;
    }

    private static byte[] component(String name, String implementation, String properties) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"" + name + "\">"
                        + "<implementation class=\"" + implementation + "\"/>"
                        + "<service><provide interface=\"io.magnetar.protocol.http.HttpHandler\"/></service>"
                        + properties + "</scr:component>\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void put(JarOutputStream j, String name, byte[] bytes) throws IOException {
        j.putNextEntry(new JarEntry(name));
        j.write(bytes);
        j.closeEntry();
    }
}
