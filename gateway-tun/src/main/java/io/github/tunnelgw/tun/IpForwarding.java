package io.github.tunnelgw.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code net.ipv4.ip_forward} of the current network namespace. */
public final class IpForwarding {
    static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/ip_forward");

    private IpForwarding() {
    }

    public static boolean isEnabled() throws IOException {
        return "1".equals(Files.readString(SYSCTL, StandardCharsets.US_ASCII).strip());
    }

    public static void enable() throws IOException {
        try {
            Files.writeString(SYSCTL, "1\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot enable net.ipv4.ip_forward (" + e.getMessage() + "); run as root or set it with sysctl");
        }
    }
}
