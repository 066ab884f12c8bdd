package io.github.tunnelgw.tun;

import java.util.regex.Pattern;

/**
 * Network interface names this module accepts. The kernel allows almost any byte except '/', ':' and white space
 * in up to 15 characters; the gateway accepts the usual subset (letters, digits, '_', '.', '-'), which also makes a
 * name safe to put between quotes in an nftables ruleset.
 */
final class InterfaceName {
    /** IFNAMSIZ (16) minus the terminating NUL. */
    static final int MAX_LENGTH = 15;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    /** A name the kernel completes, such as {@code vpn%d}: exactly one "%d", which the kernel replaces by a number. */
    private static final Pattern TEMPLATE = Pattern.compile("[A-Za-z0-9_.-]*%d[A-Za-z0-9_.-]*");

    private InterfaceName() {
    }

    /** Returns {@code name} if it is a valid concrete interface name, else throws naming what is wrong. */
    static String requireValid(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw invalid(name);
        }
        return name;
    }

    /** Like {@link #requireValid} but also accepts a kernel template with one {@code %d}. */
    static String requireValidOrTemplate(String name) {
        if (name != null && name.length() <= MAX_LENGTH && TEMPLATE.matcher(name).matches()) {
            return name;
        }
        return requireValid(name);
    }

    private static IllegalArgumentException invalid(String name) {
        return new IllegalArgumentException("invalid interface name " + Quoted.of(name)
                + ": expected 1 to " + MAX_LENGTH + " characters from A-Z a-z 0-9 _ . - (a tun name may contain one %d)");
    }
}
