package io.github.tunnelgw.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A PFX/PKCS#12 file with its password: the first private-key entry and its whole chain. */
public final class Pkcs12CredentialsLoader {
    private Pkcs12CredentialsLoader() {
    }

    public static ServerCredentials load(Path pfx, char[] password) throws CredentialException {
        KeyStore store;
        try (InputStream in = Files.newInputStream(pfx)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new CredentialException(pfx, "file not found");
        } catch (IOException | GeneralSecurityException e) {
            throw new CredentialException(pfx, "wrong password or corrupt PKCS#12 file");
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, password);
                Certificate[] certificates = store.getCertificateChain(alias);
                if (!(key instanceof PrivateKey privateKey) || certificates == null || certificates.length == 0) {
                    continue;
                }
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate c : certificates) {
                    chain.add((X509Certificate) c);
                }
                if (!KeyMatch.matches(privateKey, chain.get(0))) {
                    throw new CredentialException(pfx, "private key does not match its certificate");
                }
                return new ServerCredentials(privateKey, chain);
            }
        } catch (GeneralSecurityException e) {
            throw new CredentialException(pfx, "cannot read the private key (" + e.getClass().getSimpleName() + ")");
        }
        throw new CredentialException(pfx, "contains no private key with a certificate");
    }
}
