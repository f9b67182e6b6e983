package io.magnetar.protocol.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Java block in {@code docs/} compiles, against the bundles as a protocol author compiles (docs stay true). */
class DocsSnippetsTest {

    private static final Path DOCS = Path.of("../../docs");
    private static final Pattern JAVA = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern TYPE =
            Pattern.compile("public\\s+(?:final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s+(\\w+)");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);

    @TempDir
    Path tmp;

    @Test
    void everyJavaSnippetInDocsCompiles() throws Exception {
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.list(DOCS)) {
            for (Path md : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".md"))::iterator) {
                Matcher m = JAVA.matcher(Files.readString(md));
                while (m.find()) {
                    String code = m.group(1);
                    Matcher type = TYPE.matcher(code);
                    assertThat(type.find())
                            .as("a public type in a snippet of " + md)
                            .isTrue();
                    Matcher pkg = PACKAGE.matcher(code);
                    Path dir = pkg.find() ? tmp.resolve(pkg.group(1).replace('.', '/')) : tmp;
                    Files.createDirectories(dir);
                    Path file = dir.resolve(type.group(1) + ".java");
                    Files.writeString(file, code);
                    sources.add(file.toString());
                }
            }
        }
        assertThat(sources).as("Java snippets in docs/").isNotEmpty();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of(
                "--release",
                "17",
                "-proc:none",
                "-d",
                tmp.resolve("out").toString(),
                "-cp",
                System.getProperty("java.class.path")));
        args.addAll(sources);
        assertThat(javac.run(null, null, null, args.toArray(String[]::new)))
                .as("javac on " + sources)
                .isZero();
        assertThat(tmp.resolve("out")).isDirectory();
        assertThat(new File(tmp.resolve("out").toFile(), "org/example/upper/LineProtocolFactory.class"))
                .exists();
    }
}
