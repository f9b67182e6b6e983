package io.magnetar.launcher;

import java.util.Optional;

/**
 * A Pax URL {@code mvn:} bundle location as Karaf features use it:
 * {@code mvn:groupId/artifactId/version[/type[/classifier]]}. Immutable.
 *
 * @param groupId    Maven group
 * @param artifactId Maven artifact
 * @param version    Maven version, as written (a {@code -SNAPSHOT} stays a snapshot)
 * @param type       file extension, {@code jar} when not given
 * @param classifier classifier, empty when not given
 */
public record MavenLocation(String groupId, String artifactId, String version, String type, String classifier) {

    private static final String SCHEME = "mvn:";

    /**
     * Parses a location.
     *
     * @return empty if the location is not a {@code mvn:} location
     * @throws IllegalArgumentException if it is one but lacks group, artifact or version
     */
    public static Optional<MavenLocation> parse(String location) {
        if (!location.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String coordinates = location.substring(SCHEME.length());
        // "mvn:https://repo!g/a/v" names a repository before '!'; the launcher has only bundle/.
        coordinates = coordinates.substring(coordinates.lastIndexOf('!') + 1);
        String[] parts = coordinates.split("/", -1);
        if (parts.length < 3 || parts.length > 5 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()) {
            throw new IllegalArgumentException("not mvn:groupId/artifactId/version[/type[/classifier]]: " + location);
        }
        String type = parts.length > 3 && !parts[3].isBlank() ? parts[3] : "jar";
        String classifier = parts.length > 4 ? parts[4] : "";
        return Optional.of(new MavenLocation(parts[0], parts[1], parts[2], type, classifier));
    }

    /** The name Maven gives this artifact in a flat folder: {@code artifactId-version[-classifier].type}. */
    public String fileName() {
        return artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + "." + type;
    }
}
