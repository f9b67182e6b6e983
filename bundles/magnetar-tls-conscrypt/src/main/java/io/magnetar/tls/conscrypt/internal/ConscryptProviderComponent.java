package io.magnetar.tls.conscrypt.internal;

import java.lang.System.Logger.Level;
import java.security.Provider;
import java.security.Security;
import org.conscrypt.Conscrypt;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Installs Conscrypt as the JSSE provider named {@code Conscrypt} while this bundle is active, last in the
 * provider order: nothing changes for endpoints that do not name it, and an endpoint with
 * {@code tls.provider = Conscrypt} gets BoringSSL's engines. When the native library does not load on this
 * platform the bundle says why and installs nothing; such endpoints then fail naming the missing provider.
 *
 * <p>Activated and deactivated by Declarative Services, one call at a time.
 */
@Component(
        immediate = true,
        service = {})
public final class ConscryptProviderComponent {

    private static final System.Logger LOG = System.getLogger(ConscryptProviderComponent.class.getName());

    private Provider installed;

    @Activate
    void activate() {
        if (Security.getProvider("Conscrypt") != null) {
            LOG.log(Level.INFO, "a Conscrypt provider is installed already; leaving it");
            return;
        }
        try {
            Conscrypt.checkAvailability();
        } catch (Throwable notHere) { // UnsatisfiedLinkError and kin: no native library for this platform
            LOG.log(
                    Level.WARNING,
                    "Conscrypt's native library does not load on " + System.getProperty("os.name") + " "
                            + System.getProperty("os.arch") + ": tls.provider = Conscrypt is unavailable ("
                            + notHere + ")");
            return;
        }
        Provider p = Conscrypt.newProvider();
        Security.addProvider(p);
        installed = p;
        LOG.log(
                Level.INFO,
                "JSSE provider {0} {1} installed (tls.provider = Conscrypt)",
                p.getName(),
                p.getVersionStr());
    }

    @Deactivate
    void deactivate() {
        if (installed != null) {
            Security.removeProvider(installed.getName());
            installed = null;
        }
    }
}
