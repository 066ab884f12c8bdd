package io.github.tunnelgw.core.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Start-up warnings about the served certificate: things that make clients fail, but not the gateway. */
public final class CertificateWarnings {
    static final Duration IOS_MAX_VALIDITY = Duration.ofDays(398);
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private CertificateWarnings() {
    }

    public static List<String> check(List<X509Certificate> chain, Instant now) {
        X509Certificate leaf = chain.get(0);
        List<String> warnings = new ArrayList<>();
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        Duration validity = Duration.between(notBefore, notAfter);
        if (validity.compareTo(IOS_MAX_VALIDITY) > 0) {
            warnings.add("valid for " + validity.toDays() + " days; iOS rejects server certificates valid for more than 398 days");
        }
        if (leaf.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            warnings.add("RSA key of " + rsa.getModulus().bitLength() + " bits; use at least 2048");
        }
        if (notAfter.isBefore(now)) {
            warnings.add("expired on " + notAfter);
        } else if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
            warnings.add("expires on " + notAfter + ", within " + EXPIRY_WARNING.toDays() + " days");
        }
        if (notBefore.isAfter(now)) {
            warnings.add("not valid before " + notBefore);
        }
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(SERVER_AUTH)) {
                warnings.add("extended key usage does not include serverAuth");
            }
        } catch (CertificateParsingException e) {
            warnings.add("extended key usage cannot be parsed");
        }
        return warnings;
    }
}
