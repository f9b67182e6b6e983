package io.magnetar.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureRepositoryTest {

    private static FeatureRepository sample() throws IOException {
        try (InputStream in = FeatureRepositoryTest.class.getResourceAsStream("/sample-features.xml")) {
            return FeatureRepository.read(in);
        }
    }

    private static List<String> fileNames(FeatureRepository.Resolution resolution) {
        return resolution.bundles().stream()
                .map(b -> MavenLocation.parse(b.location()).orElseThrow().fileName())
                .toList();
    }

    @Test
    void resolvesIncludedFeaturesFirstAndEachBundleOnce() throws IOException {
        FeatureRepository.Resolution resolution = sample().resolve(List.of("tcp", "echo"));

        assertThat(fileNames(resolution))
                .containsExactly(
                        "org.osgi.util.function-1.2.0.jar",
                        "org.apache.felix.scr-2.2.18.jar",
                        "magnetar-api-0.1.0-SNAPSHOT.jar",
                        "magnetar-loop-0.1.0-SNAPSHOT.jar",
                        "magnetar-tcp-0.1.0-SNAPSHOT.jar",
                        "magnetar-protocol-echo-0.1.0-SNAPSHOT.jar");
        assertThat(resolution.bundles())
                .extracting(FeatureRepository.BundleRef::feature)
                .containsExactly("runtime", "runtime", "core", "core", "tcp", "echo");
    }

    @Test
    void reportsFeaturesItDoesNotDefineInsteadOfFailing() throws IOException {
        FeatureRepository repository = sample();

        FeatureRepository.Resolution resolution = repository.resolve(List.of("runtime", "nosuch"));

        assertThat(resolution.undefined()).containsExactlyInAnyOrder("scr", "nosuch");
        assertThat(resolution.bundles()).hasSize(2);
        assertThat(repository.defines("core")).isTrue();
        assertThat(repository.defines("scr")).isFalse();
    }

    @Test
    void survivesFeaturesThatIncludeEachOther() throws IOException {
        FeatureRepository.Resolution resolution = sample().resolve(List.of("loop-a"));

        assertThat(resolution.bundles())
                .extracting(FeatureRepository.BundleRef::location)
                .containsExactly("file:/opt/b.jar");
    }

    @Test
    void refusesDoctypes() {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<features><feature name=\"f\"><bundle>&e;</bundle></feature></features>";

        assertThatThrownBy(() -> FeatureRepository.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class);
    }

    @Test
    void mapsMavenLocationsToFileNames() {
        assertThat(MavenLocation.parse("mvn:g/a/1.0").orElseThrow().fileName()).isEqualTo("a-1.0.jar");
        assertThat(MavenLocation.parse("mvn:g/a/1.0/xml/features").orElseThrow().fileName())
                .isEqualTo("a-1.0-features.xml");
        assertThat(MavenLocation.parse("mvn:g/a/1.0//tests").orElseThrow().fileName())
                .isEqualTo("a-1.0-tests.jar");
        assertThat(MavenLocation.parse("mvn:https://repo.example!g/a/1.0")
                        .orElseThrow()
                        .artifactId())
                .isEqualTo("a");
        assertThat(MavenLocation.parse("file:/x.jar")).isEmpty();
        assertThatThrownBy(() -> MavenLocation.parse("mvn:g/a")).isInstanceOf(IllegalArgumentException.class);
    }
}
