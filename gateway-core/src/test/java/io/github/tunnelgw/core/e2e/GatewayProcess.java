package io.github.tunnelgw.core.e2e;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code bin/gateway run} inside the gateway's namespace. Because {@code ip netns exec} and the launcher both
 * exec, the process started is the gateway's JVM itself, so SIGTERM reaches its shutdown hook.
 */
final class GatewayProcess implements AutoCloseable {
    static final String READY_MARKER = "gateway ready";
    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final BackgroundProcess process;
    private Integer exitStatus;

    private GatewayProcess(BackgroundProcess process) {
        this.process = process;
    }

    /** Starts the gateway and returns once it logged {@value #READY_MARKER}; fails with its log if it exits first. */
    static GatewayProcess start(GatewayCommandLine cli, Path logFile) {
        BackgroundProcess process = BackgroundProcess.start("gateway in " + cli.where(), cli.command("run"),
                logFile, GatewayCommandLine.environment(), null);
        GatewayProcess gateway = new GatewayProcess(process);
        try {
            Poll.until("the gateway to log '" + READY_MARKER + "' (log: " + logFile + ")", READY_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new HarnessException("the gateway exited with status "
                            + process.awaitExit(Duration.ZERO).orElse(-1) + " before it was ready; its log " + logFile + ":\n" + CommandResult.tail(process.log()));
                }
                return process.log().contains(READY_MARKER);
            });
            return gateway;
        } catch (RuntimeException | Error e) {
            gateway.close();
            throw e;
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        return process.log();
    }

    Path logFile() {
        return process.logFile();
    }

    /** SIGTERM, then SIGKILL after {@link #STOP_GRACE}. Idempotent. @return the exit status */
    int stop() {
        if (exitStatus == null) {
            exitStatus = process.terminate(STOP_GRACE);
        }
        return exitStatus;
    }

    /** Whether {@link #stop()} had to use SIGKILL. */
    boolean neededSigkill() {
        return process.wasForciblyKilled();
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            process.close();
        }
    }
}
