package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends random bytes over TCP from the client namespace to the internal host ({@link TcpSource} to
 * {@link TcpSink}) and reports both ends' SHA-256 and the source address the receiver saw.
 */
final class TcpTransfer {
    private static final Duration SINK_START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(3);

    private TcpTransfer() {
    }

    /** @param directory where the sink's log and result file go */
    static TransferResult run(Topology topology, Path directory, int port, long bytes) {
        return run(topology, directory, port, bytes, 0);
    }

    /**
     * Like {@link #run(Topology, Path, int, long)}, sending no faster than {@code bytesPerSecond} (unpaced if 0).
     *
     * @param directory where the sink's log and result file go
     */
    static TransferResult run(Topology topology, Path directory, int port, long bytes, long bytesPerSecond) {
        Path resultFile = directory.resolve("sink-result.txt");
        try (BackgroundProcess sink = startSink(topology.internal(), port, resultFile, directory.resolve("sink.log"))) {
            CommandResult source = Commands.run(TRANSFER_TIMEOUT, topology.client().command(TestClasses.javaCommand(
                    TcpSource.class, topology.internalHostAddress(), Integer.toString(port), Long.toString(bytes), "0",
                    Long.toString(bytesPerSecond))), null);
            if (!source.succeeded()) {
                throw new HarnessException("the TCP transfer failed on the sending side: " + source.describe()
                        + "\n--- sink log ---\n" + sink.log());
            }
            OptionalInt sinkStatus = sink.awaitExit(Duration.ofSeconds(30));
            if (sinkStatus.isEmpty() || sinkStatus.getAsInt() != 0 || !Files.exists(resultFile)) {
                throw new HarnessException("the TCP sink did not finish cleanly (status " + sinkStatus + "): " + sink.log());
            }
            Map<String, String> sent = KeyValueText.parse(source.stdout());
            Map<String, String> received = KeyValueText.parse(Files.readString(resultFile));
            return new TransferResult(
                    KeyValueText.require(sent, "sha256", "the source's output"),
                    Long.parseLong(KeyValueText.require(sent, "bytes", "the source's output")),
                    KeyValueText.require(received, "sha256", resultFile.toString()),
                    Long.parseLong(KeyValueText.require(received, "bytes", resultFile.toString())),
                    KeyValueText.require(received, "peer", resultFile.toString()),
                    Duration.ofMillis(Long.parseLong(KeyValueText.require(sent, "millis", "the source's output"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The other way round: the internal host serves {@code bytes} random bytes ({@link TcpSink} with a size) and a
     * {@link TcpFetch} in the client namespace downloads them.
     *
     * @param directory where the server's log and result file go
     */
    static TransferResult download(Topology topology, Path directory, int port, long bytes) {
        Path resultFile = directory.resolve("download-server-result.txt");
        try (BackgroundProcess server = startSink(topology.internal(), port, resultFile,
                directory.resolve("download-server.log"), Long.toString(bytes))) {
            CommandResult fetch = Commands.run(TRANSFER_TIMEOUT, topology.client().command(TestClasses.javaCommand(
                    TcpFetch.class, topology.internalHostAddress(), Integer.toString(port))), null);
            if (!fetch.succeeded()) {
                throw new HarnessException("the download failed on the receiving side: " + fetch.describe()
                        + "\n--- server log ---\n" + server.log());
            }
            OptionalInt serverStatus = server.awaitExit(Duration.ofSeconds(30));
            if (serverStatus.isEmpty() || serverStatus.getAsInt() != 0 || !Files.exists(resultFile)) {
                throw new HarnessException("the download server did not finish cleanly (status " + serverStatus + "): "
                        + server.log());
            }
            Map<String, String> sent = KeyValueText.parse(Files.readString(resultFile));
            Map<String, String> received = KeyValueText.parse(fetch.stdout());
            return new TransferResult(
                    KeyValueText.require(sent, "sha256", resultFile.toString()),
                    Long.parseLong(KeyValueText.require(sent, "bytes", resultFile.toString())),
                    KeyValueText.require(received, "sha256", "the fetcher's output"),
                    Long.parseLong(KeyValueText.require(received, "bytes", "the fetcher's output")),
                    KeyValueText.require(sent, "peer", resultFile.toString()),
                    Duration.ofMillis(Long.parseLong(KeyValueText.require(received, "millis", "the fetcher's output"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@link #run(Topology, Path, int, long, long)} on a thread of its own, so that a test can disturb the
     * network while the transfer runs.
     */
    static Running start(Topology topology, Path directory, int port, long bytes, long bytesPerSecond) {
        CompletableFuture<TransferResult> result = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().daemon().name("tcp-transfer").start(() -> {
            try {
                result.complete(run(topology, directory, port, bytes, bytesPerSecond));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return new Running(thread, result);
    }

    /** A transfer on its own thread; close() interrupts it if it still runs, which kills its source and sink. */
    static final class Running implements AutoCloseable {
        private final Thread thread;
        private final CompletableFuture<TransferResult> result;

        private Running(Thread thread, CompletableFuture<TransferResult> result) {
            this.thread = thread;
            this.result = result;
        }

        boolean isDone() {
            return result.isDone();
        }

        /** The result; an assertion error if the transfer failed or is not done within {@code timeout}. */
        TransferResult await(Duration timeout) {
            try {
                return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("the transfer failed: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError("the transfer did not finish within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HarnessException("interrupted while waiting for the transfer", e);
            }
        }

        @Override
        public void close() {
            if (!result.isDone()) {
                thread.interrupt();
            }
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return "transfer " + result;
        }
    }

    /** Starts a {@link TcpSink} in {@code namespace} and returns once it listens. */
    static BackgroundProcess startSink(NetworkNamespace namespace, int port, Path resultFile, Path logFile,
                                       String... serveBytes) {
        List<String> arguments = new ArrayList<>(List.of(Integer.toString(port), resultFile.toString()));
        arguments.addAll(List.of(serveBytes));
        BackgroundProcess sink = BackgroundProcess.start("TCP sink in " + namespace,
                namespace.command(TestClasses.javaCommand(TcpSink.class, arguments.toArray(String[]::new))),
                logFile, Map.of(), null);
        try {
            Poll.until("the TCP sink in " + namespace + " to listen", SINK_START_TIMEOUT, () -> {
                if (!sink.isAlive()) {
                    throw new HarnessException("the TCP sink exited before listening: " + sink.log());
                }
                return sink.log().contains("listening " + port);
            });
            return sink;
        } catch (RuntimeException | Error e) {
            sink.close();
            throw e;
        }
    }

    /** The command of a {@link TcpSource} that holds its connection open; for tests of connection loss. */
    static List<String> holdingSourceCommand(Topology topology, String host, int port, Duration hold) {
        return topology.client().command(TestClasses.javaCommand(TcpSource.class, host, Integer.toString(port), "1024",
                Long.toString(hold.toMillis())));
    }
}
