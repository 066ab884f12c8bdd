package io.github.tunnelgw.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code net.ipv4.ip_forward}. The sysctl is per network namespace, and /proc/sys resolves it in the namespace of
 * the calling thread.
 */
public final class IpForwarding {
    static final Path SYSCTL = Path.of("/proc/sys/net/ipv4/ip_forward");

    private IpForwarding() {
    }

    public static boolean isEnabled() throws IOException {
        String value;
        try {
            value = Files.readString(SYSCTL, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IOException("cannot read net.ipv4.ip_forward from " + SYSCTL + ": " + e);
        }
        return switch (value) {
            case "1" -> true;
            case "0" -> false;
            default -> throw new IOException("unexpected net.ipv4.ip_forward value " + Quoted.of(value));
        };
    }

    public static void enable() throws IOException {
        try {
            Files.writeString(SYSCTL, "1\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot enable net.ipv4.ip_forward (" + e
                    + "); run as root or set it with sysctl -w net.ipv4.ip_forward=1");
        }
    }
}
