package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process the harness started, with stdout and stderr going to one log file. Stopping signals
 * this process by its PID only; a backstop kills it if the JVM exits first.
 */
final class BackgroundProcess implements AutoCloseable {
    private final String description;
    private final Process process;
    private final Instant startedAt;
    private final Path logFile;
    private final Backstop.Registration backstop;
    private boolean forciblyKilled;

    private BackgroundProcess(String description, Process process, Instant startedAt, Path logFile) {
        this.description = description;
        this.process = process;
        this.startedAt = startedAt;
        this.logFile = logFile;
        this.backstop = Backstop.register(description + " (pid " + process.pid() + ")", this::kill);
    }

    /**
     * @param environment added to the inherited environment
     * @param stdin       written to the process's input, which is then closed; null for no input
     */
    static BackgroundProcess start(String description, List<String> command, Path logFile,
                                   Map<String, String> environment, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().putAll(environment);
        Instant startedAt = Instant.now();
        Process process;
        try {
            Files.createDirectories(logFile.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new HarnessException("cannot start " + description + " (`" + String.join(" ", command) + "`): "
                    + e.getMessage(), e);
        }
        BackgroundProcess started = new BackgroundProcess(description, process, startedAt, logFile);
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // exited before reading its input: its log and exit status tell the story
        }
        return started;
    }

    long pid() {
        return process.pid();
    }

    Instant startedAt() {
        return startedAt;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path logFile() {
        return logFile;
    }

    String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile, e);
        }
    }

    /** Sends a signal by name (INT, HUP, USR2...) to this process, if it is still running. */
    void signal(String signal) {
        if (!process.isAlive()) {
            return;
        }
        CommandResult result = Commands.run(List.of(Tool.KILL.path(), "-" + signal, Long.toString(process.pid())));
        // kill fails harmlessly if the process exited after the check above; the PID stays ours until reaped
        if (!result.succeeded() && process.isAlive()) {
            throw new HarnessException("cannot signal " + this + ": " + result.describe());
        }
    }

    OptionalInt awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted while waiting for " + description, e);
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}. @return the exit status */
    int terminate(Duration grace) {
        process.destroy();
        return awaitOrKill(grace);
    }

    /** SIGINT, then SIGKILL after {@code grace}. @return the exit status */
    int interrupt(Duration grace) {
        signal("INT");
        return awaitOrKill(grace);
    }

    /** Whether a stop had to fall back to SIGKILL. */
    boolean wasForciblyKilled() {
        return forciblyKilled;
    }

    private int awaitOrKill(Duration grace) {
        OptionalInt status = awaitExit(grace);
        if (status.isPresent()) {
            return status.getAsInt();
        }
        kill();
        return awaitExit(Duration.ofSeconds(10)).orElseThrow(
                () -> new HarnessException(description + " (pid " + pid() + ") survived SIGKILL"));
    }

    private void kill() {
        if (process.isAlive()) {
            forciblyKilled = true;
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills the process if it still runs (owners stop it gracefully first when that matters). */
    @Override
    public void close() {
        try {
            kill();
        } finally {
            backstop.close();
        }
    }

    @Override
    public String toString() {
        return description + " (pid " + process.pid() + ", log " + logFile + ")";
    }
}
