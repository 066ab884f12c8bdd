package io.github.tunnelgw.tun;

import java.util.List;
import java.util.Optional;

/**
 * Reads the kernel's IPv4 main routing table in the text form of {@code /proc/net/route}: a header line, then one
 * route per line with tab-separated fields Iface, Destination, Gateway, Flags, RefCnt, Use, Metric, Mask, MTU,
 * Window, IRTT (addresses and flags in hex).
 */
final class ProcNetRoute {
    private static final int RTF_UP = 0x0001;
    private static final int RTF_REJECT = 0x0200;

    private ProcNetRoute() {
    }

    /**
     * The interface of the usable default route (destination and mask 0, up, not a reject route) with the lowest
     * metric; the first one wins a tie. Malformed lines are skipped.
     */
    static Optional<String> defaultInterface(List<String> lines) {
        String best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : lines) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 8 || fields[0].equals("Iface") || fields[0].equals("*")) {
                continue;
            }
            try {
                int destination = Integer.parseUnsignedInt(fields[1], 16);
                int flags = Integer.parseUnsignedInt(fields[3], 16);
                long metric = Integer.toUnsignedLong(Integer.parseUnsignedInt(fields[6], 10));
                int mask = Integer.parseUnsignedInt(fields[7], 16);
                boolean usable = (flags & RTF_UP) != 0 && (flags & RTF_REJECT) == 0;
                if (destination == 0 && mask == 0 && usable && metric < bestMetric) {
                    best = fields[0];
                    bestMetric = metric;
                }
            } catch (NumberFormatException malformed) {
                // Not a route line; the kernel's own file never has these, a sample or a future format might.
            }
        }
        return Optional.ofNullable(best);
    }
}
