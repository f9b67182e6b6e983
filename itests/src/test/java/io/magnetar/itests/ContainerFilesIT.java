package io.magnetar.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of {@code container/} without a container engine or a cluster: the Dockerfile and
 * the Kubernetes manifests parse, and the archive, paths, ports and probes they name are the ones the
 * distribution and its endpoint files have.
 */
class ContainerFilesIT {

    private static final Path CONTAINER = Path.of("../container");
    private static final String HOME = "/opt/magnetar";

    @Test
    void theDockerfileNamesTheArchiveThePortsAndTheHealthEndpointOfTheDistribution() throws Exception {
        String dockerfile = Files.readString(CONTAINER.resolve("Dockerfile"));
        List<String> instructions = instructions(dockerfile);
        assertThat(instructions)
                .allSatisfy(i -> assertThat(i.split("\\s+")[0])
                        .isIn(
                                "FROM",
                                "ARG",
                                "ADD",
                                "COPY",
                                "RUN",
                                "USER",
                                "VOLUME",
                                "EXPOSE",
                                "ENV",
                                "HEALTHCHECK",
                                "STOPSIGNAL",
                                "ENTRYPOINT"));
        assertThat(value(instructions, "FROM")).matches("eclipse-temurin:(1[7-9]|[2-9][0-9])-jre");
        String version = value(instructions, "ARG").replace("VERSION=", "");
        assertThat(version).isEqualTo(System.getProperty("magnetar.version"));
        String archive = value(instructions, "ADD").split("\\s+")[0].replace("${VERSION}", version);
        assertThat(Path.of("..").resolve(archive))
                .as("the archive mvn package leaves")
                .isRegularFile();
        assertThat(value(instructions, "USER")).isNotIn("root", "0");
        assertThat(value(instructions, "VOLUME")).contains(HOME + "/etc").contains(HOME + "/deploy");
        assertThat(value(instructions, "ENTRYPOINT")).contains(HOME + "/bin/magnetar");
        assertThat(Path.of(System.getProperty("magnetar.dist"), "bin/magnetar")).isRegularFile();

        Set<Integer> endpointPorts = new LinkedHashSet<>();
        int httpPort = -1;
        try (var files = Files.list(CONTAINER.resolve("etc"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Properties p = endpoint(Files.readString(f));
                endpointPorts.add(Integer.parseInt(p.getProperty("port")));
                if (p.getProperty("protocol").equals("http")) {
                    httpPort = Integer.parseInt(p.getProperty("port"));
                }
            }
        }
        Set<Integer> exposed = new LinkedHashSet<>();
        for (String port : value(instructions, "EXPOSE").split("\\s+")) {
            exposed.add(Integer.parseInt(port));
        }
        assertThat(exposed).isEqualTo(endpointPorts);
        String healthcheck = value(instructions, "HEALTHCHECK");
        assertThat(healthcheck).contains("/dev/tcp/127.0.0.1/" + httpPort).contains("GET /health ");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKubernetesManifestsProbeTheHealthPathsAndMountTheEndpointFilesIntoEtc() throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(Files.readString(CONTAINER.resolve("kubernetes.yaml")))) {
            docs.add((Map<String, Object>) doc);
        }
        Map<String, Object> configMap = kind(docs, "ConfigMap");
        Map<String, String> files = (Map<String, String>) configMap.get("data");
        int httpPort = -1;
        Set<Integer> endpointPorts = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            assertThat(e.getKey()).matches("io\\.magnetar\\.endpoint-[a-z0-9-]+\\.cfg");
            Properties p = endpoint(e.getValue());
            endpointPorts.add(Integer.parseInt(p.getProperty("port")));
            if (p.getProperty("protocol").equals("http")) {
                httpPort = Integer.parseInt(p.getProperty("port"));
            }
        }
        Map<String, Object> pod = at(kind(docs, "Deployment"), "spec", "template", "spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        assertThat(at(container, "readinessProbe", "httpGet"))
                .containsEntry("path", "/health/ready")
                .containsEntry("port", httpPort);
        assertThat(at(container, "livenessProbe", "httpGet"))
                .containsEntry("path", "/health")
                .containsEntry("port", httpPort);
        Set<Integer> containerPorts = new LinkedHashSet<>();
        for (Map<String, Object> port : (List<Map<String, Object>>) container.get("ports")) {
            containerPorts.add((Integer) port.get("containerPort"));
        }
        assertThat(containerPorts).isEqualTo(endpointPorts);
        // The stop: readiness fails for drainDelay, then the framework has magnetar.stop.timeout to stop.
        String javaOpts = String.valueOf(
                ((List<Map<String, Object>>) container.get("env")).get(0).get("value"));
        Matcher drain = Pattern.compile("-Dmagnetar\\.stop\\.drainDelay=(\\d+)").matcher(javaOpts);
        assertThat(drain.find()).isTrue();
        Properties config = new Properties();
        config.load(new StringReader(
                Files.readString(Path.of(System.getProperty("magnetar.dist"), "etc/config.properties"))));
        int stopTimeout =
                Integer.parseInt(config.getProperty("magnetar.stop.timeout").trim());
        assertThat((Integer) pod.get("terminationGracePeriodSeconds"))
                .isGreaterThan(Integer.parseInt(drain.group(1)) + stopTimeout);
        for (Map<String, Object> mount : (List<Map<String, Object>>) container.get("volumeMounts")) {
            assertThat((String) mount.get("mountPath")).isEqualTo(HOME + "/etc/" + mount.get("subPath"));
            assertThat(files).containsKey((String) mount.get("subPath"));
        }
        Set<Integer> targets = new LinkedHashSet<>();
        for (Map<String, Object> port :
                (List<Map<String, Object>>) at(kind(docs, "Service"), "spec").get("ports")) {
            targets.add((Integer) port.get("targetPort"));
        }
        assertThat(targets).isEqualTo(containerPorts);
    }

    /** Dockerfile instructions, continuation lines joined, comments dropped. */
    private static List<String> instructions(String dockerfile) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            out.add(current.append(line).toString().trim());
            current.setLength(0);
        }
        return out;
    }

    private static String value(List<String> instructions, String keyword) {
        return instructions.stream()
                .filter(i -> i.startsWith(keyword + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + keyword))
                .substring(keyword.length() + 1)
                .trim();
    }

    private static Properties endpoint(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        assertThat(p.getProperty("transport")).isNotBlank();
        assertThat(p.getProperty("protocol")).isNotBlank();
        assertThat(p.getProperty("port")).matches("\\d+");
        return p;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
        return docs.stream()
                .filter(d -> kind.equals(d.get("kind")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Map<String, Object> map, String... keys) {
        Map<String, Object> m = map;
        for (String k : keys) {
            m = (Map<String, Object>) m.get(k);
        }
        return m;
    }
}
