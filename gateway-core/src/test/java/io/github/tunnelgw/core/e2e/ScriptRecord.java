package io.github.tunnelgw.core.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The environment openconnect gave its script for one invocation ({@code reason} = pre-init, connect, reconnect,
 * attempt-reconnect or disconnect), and when the script finished configuring the tun.
 */
record ScriptRecord(String reason, Instant at, Map<String, String> environment) {
    static final String TIME_VARIABLE = "TGW_E2E_RECORDED_AT_NANOS";

    ScriptRecord {
        environment = Map.copyOf(environment);
    }

    /** Parses the output of {@code env -0}: NUL-terminated {@code NAME=value} entries (values may hold newlines). */
    static ScriptRecord parse(byte[] env0, String source) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String entry : new String(env0, StandardCharsets.UTF_8).split("\0")) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                environment.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        String reason = environment.get("reason");
        String nanos = environment.get(TIME_VARIABLE);
        if (reason == null || nanos == null || !nanos.matches("[0-9]{1,20}")) {
            throw new HarnessException("script record " + source + " lacks reason or " + TIME_VARIABLE);
        }
        long epochNanos = Long.parseLong(nanos);
        return new ScriptRecord(reason, Instant.ofEpochSecond(epochNanos / 1_000_000_000L, epochNanos % 1_000_000_000L),
                environment);
    }

    Optional<String> find(String name) {
        return Optional.ofNullable(environment.get(name));
    }

    /** The variable's value; an assertion error naming the variables present if openconnect did not set it. */
    String get(String name) {
        String value = environment.get(name);
        if (value == null) {
            throw new AssertionError("openconnect did not set " + name + " for reason=" + reason + "; it set "
                    + new java.util.TreeSet<>(environment.keySet()));
        }
        return value;
    }
}
