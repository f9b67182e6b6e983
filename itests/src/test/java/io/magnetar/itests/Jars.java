package io.magnetar.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Bundle jars made at test time: a re-versioned copy of a real bundle, or a tiny bundle. */
final class Jars {

    private Jars() {}

    /** A copy of {@code jar} whose manifest says {@code Bundle-Version: version}. */
    static Path withVersion(Path jar, String version, Path out) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream target = new JarOutputStream(Files.newOutputStream(out), manifest)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    target.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(target);
                    target.closeEntry();
                }
            }
        }
        return out;
    }

    /** A bundle with just a manifest holding {@code headers}. */
    static Path manifestOnly(Path out, Map<String, String> headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        headers.forEach(a::putValue);
        try (OutputStream o = Files.newOutputStream(out);
                JarOutputStream j = new JarOutputStream(o, manifest)) {
            j.flush();
        }
        return out;
    }

    static void copy(InputStream in, OutputStream out) throws IOException {
        in.transferTo(out);
    }
}
