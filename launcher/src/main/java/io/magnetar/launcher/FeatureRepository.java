package io.magnetar.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A Karaf features repository ({@code features.xml}) as the launcher needs it: which bundles each
 * feature lists and which features it includes. Attributes such as {@code dependency},
 * {@code prerequisite} and {@code start-level} are Karaf resolver hints; the launcher installs every
 * listed bundle. Immutable, so thread-safe.
 */
public final class FeatureRepository {

    /**
     * One bundle to install.
     *
     * @param location the location as written in the features file
     * @param feature  the feature that listed it first, for messages
     */
    public record BundleRef(String location, String feature) {}

    /**
     * What some features add up to.
     *
     * @param bundles   bundles in install order, included features' bundles first, each once
     * @param undefined features named or included that this repository does not define, such as
     *                  Karaf's own {@code scr}
     */
    public record Resolution(List<BundleRef> bundles, Set<String> undefined) {}

    private record Feature(
            String description, List<String> features, List<String> bundles, List<String> capabilities) {}

    /** Capability attributes that say which Magnetar service a feature brings, and the kind they name. */
    private static final Map<String, String> SERVICE_KINDS =
            Map.of("magnetar.transport", "transport", "magnetar.protocol", "protocol");

    private final Map<String, Feature> features;

    private FeatureRepository(Map<String, Feature> features) {
        this.features = features;
    }

    /** Reads a features file. */
    public static FeatureRepository read(Path xml) throws IOException {
        try (InputStream in = Files.newInputStream(xml)) {
            return read(in);
        }
    }

    /** Reads a features document from a stream, which the caller closes. */
    public static FeatureRepository read(InputStream xml) throws IOException {
        Element root;
        try {
            // The JDK's own parser: newInstance() first searches system properties and the class path for
            // another (about 10 ms of a start), and a features file needs nothing but the built-in one.
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            // A features file is data: no DTD, no external entities.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // The default handler prints "[Fatal Error]" to stderr before throwing; the exception says it all.
            builder.setErrorHandler(new DefaultHandler());
            root = builder.parse(xml).getDocumentElement();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("not a features document: " + e.getMessage(), e);
        }
        Map<String, Feature> features = new LinkedHashMap<>();
        for (Element feature : children(root, "feature")) {
            features.put(
                    feature.getAttribute("name"),
                    new Feature(
                            feature.getAttribute("description"),
                            texts(feature, "feature"),
                            texts(feature, "bundle"),
                            texts(feature, "capability")));
        }
        return new FeatureRepository(Map.copyOf(features));
    }

    /** Every feature's name, sorted. */
    public List<String> names() {
        return features.keySet().stream().sorted().toList();
    }

    /** The feature's description, or "". */
    public String description(String feature) {
        Feature f = features.get(feature);
        return f == null ? "" : f.description();
    }

    /**
     * The Magnetar services the feature declares in its {@code <capability>} elements, as
     * {@code kind:name} ({@code protocol:http}, {@code transport:tls}) from their {@code magnetar.protocol}
     * and {@code magnetar.transport} attributes.
     */
    public List<String> provides(String feature) {
        Feature f = features.get(feature);
        if (f == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String capability : f.capabilities()) {
            for (String clause : capability.split(";")) {
                int eq = clause.indexOf('=');
                if (eq > 0) {
                    String kind = SERVICE_KINDS.get(clause.substring(0, eq).trim());
                    String value = clause.substring(eq + 1).trim().replace("\"", "");
                    if (kind != null && !out.contains(kind + ":" + value)) {
                        out.add(kind + ":" + value);
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** The bundle locations the feature lists itself, without its included features'. */
    public List<String> ownBundles(String feature) {
        Feature f = features.get(feature);
        return f == null ? List.of() : f.bundles();
    }

    /** Whether this repository defines the feature. */
    public boolean defines(String feature) {
        return features.containsKey(feature);
    }

    /** The bundles of the named features and of every feature they include, transitively. */
    public Resolution resolve(Collection<String> names) {
        Map<String, BundleRef> bundles = new LinkedHashMap<>();
        Set<String> undefined = new LinkedHashSet<>();
        Set<String> visited = new HashSet<>();
        for (String name : names) {
            visit(name, bundles, undefined, visited);
        }
        return new Resolution(List.copyOf(bundles.values()), Set.copyOf(undefined));
    }

    private void visit(String name, Map<String, BundleRef> bundles, Set<String> undefined, Set<String> visited) {
        if (!visited.add(name)) {
            return; // included twice, or a cycle
        }
        Feature feature = features.get(name);
        if (feature == null) {
            undefined.add(name);
            return;
        }
        for (String included : feature.features()) {
            visit(included, bundles, undefined, visited);
        }
        for (String location : feature.bundles()) {
            bundles.putIfAbsent(location, new BundleRef(location, name));
        }
    }

    private static List<String> texts(Element parent, String localName) {
        List<String> texts = new ArrayList<>();
        for (Element child : children(parent, localName)) {
            texts.add(child.getTextContent().trim());
        }
        return List.copyOf(texts);
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> children = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                children.add(e);
            }
        }
        return children;
    }
}
