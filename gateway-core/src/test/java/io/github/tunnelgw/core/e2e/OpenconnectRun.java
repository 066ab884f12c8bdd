package io.github.tunnelgw.core.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** One running (or finished) {@code openconnect} connect, with its script records and output. */
final class OpenconnectRun implements AutoCloseable {
    static final Duration TUNNEL_UP_TIMEOUT = Duration.ofSeconds(45);
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(15);

    private final String label;
    private final BackgroundProcess process;
    private final ConnectScript script;

    OpenconnectRun(String label, BackgroundProcess process, ConnectScript script) {
        this.label = label;
        this.process = process;
        this.script = script;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything openconnect printed so far (stdout and stderr). */
    String output() {
        return process.log();
    }

    List<ScriptRecord> records() {
        return script.records();
    }

    /** Waits for the script's connect record: the tun is up, addressed and routed. */
    ScriptRecord awaitTunnelUp() {
        return awaitRecord("connect", 1, TUNNEL_UP_TIMEOUT);
    }

    /** Time from starting openconnect to the connect record (the end of the script's tun setup). */
    Duration timeToTunnelUp() {
        ScriptRecord connect = records().stream().filter(r -> r.reason().equals("connect")).findFirst()
                .orElseThrow(() -> new AssertionError("no connect record yet\n" + diagnostics()));
        return Duration.between(process.startedAt(), connect.at());
    }

    /**
     * Waits until the script has run {@code occurrence} times with {@code reason}; fails early, with openconnect's
     * output, if openconnect exits first.
     */
    ScriptRecord awaitRecord(String reason, int occurrence, Duration timeout) {
        try {
            return Poll.untilPresent("reason=" + reason + " #" + occurrence + " from " + label, timeout, () -> {
                List<ScriptRecord> matching = records().stream().filter(r -> r.reason().equals(reason)).toList();
                if (matching.size() >= occurrence) {
                    return Optional.of(matching.get(occurrence - 1));
                }
                if (!process.isAlive()) {
                    throw new AssertionError("openconnect " + label + " exited with status "
                            + process.awaitExit(Duration.ZERO).orElse(-1) + " before reason=" + reason + "\n"
                            + diagnostics());
                }
                return Optional.empty();
            });
        } catch (HarnessException timedOut) {
            throw new AssertionError(timedOut.getMessage() + "\n" + diagnostics(), timedOut);
        }
    }

    /**
     * Whether openconnect brought DTLS up (its "Established DTLS connection" message); when not, the data went over
     * CSTP on the TLS connection.
     */
    boolean dtlsEstablished() {
        return output().contains("Established DTLS connection");
    }

    /** SIGINT: openconnect sends the CSTP disconnect (BYE) and exits. @return the exit status */
    int interrupt() {
        return process.interrupt(EXIT_TIMEOUT);
    }

    /** The exit status once openconnect exits by itself; an assertion error if it still runs after the timeout. */
    int awaitExit(Duration timeout) {
        OptionalInt status = process.awaitExit(timeout);
        if (status.isEmpty()) {
            throw new AssertionError("openconnect " + label + " still runs after " + timeout + "\n" + diagnostics());
        }
        return status.getAsInt();
    }

    /** openconnect's output and the script's errors and reasons, for failure messages. */
    String diagnostics() {
        return "--- openconnect " + label + " (" + process.logFile() + ") ---\n" + CommandResult.tail(output())
                + "\n--- script reasons: " + records().stream().map(ScriptRecord::reason).toList()
                + "; script errors: " + script.errors();
    }

    /** Stops openconnect politely (SIGINT, so the gateway sees the BYE) if it still runs, else just releases it. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.interrupt(EXIT_TIMEOUT);
            }
        } finally {
            process.close();
        }
    }
}
