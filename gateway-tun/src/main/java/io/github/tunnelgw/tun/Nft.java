package io.github.tunnelgw.tun;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code nft -f -} with a ruleset on stdin: nft applies a whole file in one transaction. The binary is run
 * rather than libnftables linked, which keeps the GPL library out of the process. The child process inherits the
 * network namespace of the calling thread, so the ruleset lands in that namespace.
 */
final class Nft {
    static final long TIMEOUT_SECONDS = 10;
    private static final int MAX_MESSAGE = 2_000;

    private Nft() {
    }

    /** @throws IOException with nft's own error output when nft fails, cannot start or does not finish in time */
    static void apply(String ruleset) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run nft (is the nftables package installed?): " + e.getMessage(), e);
        }
        // A separate reader keeps a chatty nft from blocking on a full pipe while we wait for it with a timeout.
        OutputCollector output = new OutputCollector(process.getInputStream());
        Thread collector = Thread.ofVirtual().name("nft-output").start(output);
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(ruleset.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // nft exited before reading all of stdin; its exit status and message say why.
        }
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("nft did not finish within " + TIMEOUT_SECONDS + " s");
            }
            collector.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for nft");
        }
        if (process.exitValue() != 0) {
            throw new IOException("nft -f - failed (exit " + process.exitValue() + "): " + output.text());
        }
    }

    private static final class OutputCollector implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        OutputCollector(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            try (in) {
                in.transferTo(bytes);
            } catch (IOException ignored) {
                // The pipe broke because nft was killed; what was read so far is the message.
            }
        }

        /** nft's message on one line, capped. */
        String text() {
            String text = bytes.toString(StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
            if (text.isEmpty()) {
                return "(no output)";
            }
            return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "..." : text;
        }
    }
}
