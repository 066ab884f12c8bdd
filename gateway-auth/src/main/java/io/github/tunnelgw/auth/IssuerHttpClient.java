package io.github.tunnelgw.auth;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Fetches an issuer's discovery document and key set over HTTPS only, with bounded time and size, through the
 * configured proxy, trusting either the JDK's CAs or exactly the configured ones. Certificate and host-name
 * verification are never switched off.
 */
final class IssuerHttpClient extends DefaultResourceRetriever {

    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int READ_TIMEOUT_MILLIS = 10_000;
    /** Entra's key sets, with certificate chains, are about 10 KiB; discovery documents smaller. */
    static final int SIZE_LIMIT_BYTES = 512 * 1024;

    private final ProxySetting proxy;

    private IssuerHttpClient(SSLSocketFactory sslSocketFactory, ProxySetting proxy, int connectTimeoutMillis,
                             int readTimeoutMillis) {
        super(connectTimeoutMillis, readTimeoutMillis, SIZE_LIMIT_BYTES, true, sslSocketFactory);
        this.proxy = proxy;
    }

    /**
     * @throws IOException if the CA file cannot be read or holds no certificate
     */
    static IssuerHttpClient create(Optional<Path> trustedCaFile, ProxySetting proxy) throws IOException {
        return create(trustedCaFile, proxy, CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS);
    }

    /** With other timeouts: tests show a stalled issuer giving up in a second rather than in ten. */
    static IssuerHttpClient create(Optional<Path> trustedCaFile, ProxySetting proxy, int connectTimeoutMillis,
                                   int readTimeoutMillis) throws IOException {
        return new IssuerHttpClient(trustedCaFile.isPresent() ? socketFactory(trustedCaFile.get()) : null, proxy,
                connectTimeoutMillis, readTimeoutMillis);
    }

    /** GET {@code uri}; anything but https is refused here, so a discovery document cannot point at files. */
    String get(URI uri) throws IOException {
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("refusing to fetch a non-https URL: " + uri);
        }
        Resource resource = retrieveResource(uri.toURL());
        return resource.getContent();
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        if (!"https".equalsIgnoreCase(url.getProtocol())) {
            throw new IOException("refusing to fetch a non-https URL: " + url);
        }
        return super.retrieveResource(url);
    }

    @Override
    protected HttpURLConnection openConnection(URL url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection(proxy.proxyFor(url));
        connection.setInstanceFollowRedirects(false);
        connection.setRequestProperty("Accept", "application/json");
        return connection;
    }

    private static SSLSocketFactory socketFactory(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException("no PEM certificate in " + caFile);
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the certificates in " + caFile + ": " + e.getMessage(), e);
        }
    }
}
