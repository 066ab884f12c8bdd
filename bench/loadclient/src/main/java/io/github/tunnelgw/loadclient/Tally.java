package io.github.tunnelgw.loadclient;

import java.util.Map;
import java.util.TreeMap;

/** Error reasons with their counts, printed at the end so no failure goes unreported. Not thread-safe by itself. */
final class Tally {
    private final Map<String, Integer> reasons = new TreeMap<>();
    private int total;

    synchronized void add(String reason) {
        total++;
        reasons.merge(reason, 1, Integer::sum);
        if (reasons.get(reason) == 1) {
            System.err.println("loadclient: error: " + reason);
        }
    }

    synchronized int total() {
        return total;
    }

    synchronized void print(String what) {
        reasons.forEach((reason, n) -> System.err.println("loadclient: " + what + " x" + n + ": " + reason));
    }
}
