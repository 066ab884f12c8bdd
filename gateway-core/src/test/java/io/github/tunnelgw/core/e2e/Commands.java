package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs short external commands to completion within a deadline and captures their output. */
final class Commands {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Commands() {
    }

    static CommandResult run(List<String> command) {
        return run(DEFAULT_TIMEOUT, command, null);
    }

    /**
     * @param stdin written to the command's standard input, which is then closed; null for empty input
     * @throws HarnessException if the command cannot start or outlives the timeout (it is then killed)
     */
    static CommandResult run(Duration timeout, List<String> command, String stdin) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new HarnessException("cannot start `" + String.join(" ", command) + "`: " + e.getMessage(), e);
        }
        Future<String> stdout = drain(process.getInputStream());
        Future<String> stderr = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the command exited without reading its input; its status tells the caller what happened
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new HarnessException("`" + String.join(" ", command) + "` did not finish within " + timeout
                        + "; killed it. Output so far:\n" + CommandResult.tail(collect(stdout)) + "\n"
                        + CommandResult.tail(collect(stderr)));
            }
            return new CommandResult(command, process.exitValue(), collect(stdout), collect(stderr));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted while running `" + String.join(" ", command) + "`", e);
        }
    }

    /** Like {@link #run(List)} but a non-zero exit status is an error that quotes the output. */
    static CommandResult runChecked(List<String> command) {
        CommandResult result = run(command);
        if (!result.succeeded()) {
            throw new HarnessException(result.describe());
        }
        return result;
    }

    private static Future<String> drain(InputStream stream) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread.ofVirtual().name("command-output").start(task);
        return task;
    }

    private static String collect(Future<String> output) {
        try {
            return output.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "<interrupted>";
        } catch (ExecutionException | TimeoutException e) {
            // a grandchild may still hold the pipe open; report what is known rather than hang
            return "<output unavailable: " + e + ">";
        }
    }
}
