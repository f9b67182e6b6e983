package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.launcher.FeatureRepository;
import io.magnetar.launcher.Launcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.framework.Bundle;

/**
 * Each feature of features.xml, installed alone (with the runtime) into a fresh Felix, resolves and
 * starts: every Import-Package of its bundles is satisfied by the feature and what it includes.
 */
class FeatureResolutionIT {

    private static final Path DIST = Path.of(System.getProperty("magnetar.dist", "../launcher/target/magnetar"));

    @TempDir
    Path tmp;

    /** Every feature on both frameworks the launcher ships. */
    static Stream<Arguments> featuresOnEachFramework() throws Exception {
        List<String> names = features().toList();
        return Stream.of("felix", "equinox").flatMap(f -> names.stream().map(n -> Arguments.of(f, n)));
    }

    static Stream<String> features() throws Exception {
        String xml = Files.readString(DIST.resolve("etc/features.xml"));
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("<feature\\s+name=\"([^\"]+)\"").matcher(xml);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).as("features in " + DIST.resolve("etc/features.xml")).isNotEmpty();
        return names.stream();
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("featuresOnEachFramework")
    void featureResolvesAndStartsOnItsOwn(String framework, String feature) throws Exception {
        List<String> expected =
                FeatureRepository.read(DIST.resolve("etc/features.xml")).resolve(List.of(feature)).bundles().stream()
                        .map(b -> b.location().split("/")[1])
                        .toList();
        try (Magnetar m = Magnetar.boot(tmp, Map.of(Launcher.FEATURES, feature, "magnetar.framework", framework))) {
            assertThat(m.context().getBundle(0).getSymbolicName())
                    .contains(framework.equals("felix") ? "felix" : "eclipse.osgi");
            assertThat(m.launcher().problems())
                    .as("install/start problems of " + feature)
                    .isEmpty();
            for (String artifact : expected) {
                Bundle b = m.bundleByJarName(artifact);
                assertThat(b).as(artifact + " installed").isNotNull();
                assertThat(b.getState()).as(artifact + " state").isEqualTo(Bundle.ACTIVE);
            }
        }
    }
}
