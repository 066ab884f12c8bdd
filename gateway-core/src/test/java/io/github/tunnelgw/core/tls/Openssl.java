package io.github.tunnelgw.core.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the installed {@code openssl} command line in a directory, the way an administrator makes fixtures. */
final class Openssl {
    private static final long TIMEOUT_SECONDS = 60;

    /** Exit status and the merged stdout and stderr of one command. */
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private Openssl() {
    }

    /** Runs {@code openssl args...} and fails the test, showing the output, unless it exits with 0. */
    static String run(Path directory, String... args) throws IOException, InterruptedException {
        Result result = attempt(directory, args);
        if (!result.succeeded()) {
            throw new AssertionError("openssl " + String.join(" ", args) + " exited with " + result.exitCode()
                    + ":\n" + result.output());
        }
        return result.output();
    }

    /** Runs {@code openssl args...} with stdin at end of file, so {@code s_client} quits after the handshake. */
    static Result attempt(Path directory, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        return execute(directory, command);
    }

    /** Runs a bash pipeline (with pipefail) and fails the test unless it exits with 0; returns its output. */
    static String pipeline(Path directory, String script) throws IOException, InterruptedException {
        Result result = execute(directory, List.of("bash", "-c", "set -o pipefail; " + script));
        if (!result.succeeded()) {
            throw new AssertionError(script + " exited with " + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    private static Result execute(Path directory, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(directory, "openssl-", ".out");
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(output);
        }
    }
}
