package io.github.tunnelgw.loadclient;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * Trusts exactly the server whose leaf certificate's SubjectPublicKeyInfo hashes to the pin (openconnect's
 * {@code --servercert pin-sha256:}), or anything when no pin is given (--insecure).
 */
final class PinnedTrust extends X509ExtendedTrustManager {
    private final byte[] pin;

    PinnedTrust(String pinBase64) {
        this.pin = pinBase64 == null ? null : Base64.getDecoder().decode(pinBase64);
        if (pin != null && pin.length != 32) {
            throw new IllegalArgumentException("--pin-sha256 must be base64 of 32 bytes");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (pin == null) {
            return;
        }
        try {
            byte[] actual = MessageDigest.getInstance("SHA-256").digest(chain[0].getPublicKey().getEncoded());
            if (!MessageDigest.isEqual(actual, pin)) {
                throw new CertificateException("server key pin-sha256:" + Base64.getEncoder().encodeToString(actual)
                        + " does not match --pin-sha256");
            }
        } catch (NoSuchAlgorithmException e) {
            throw new CertificateException(e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
