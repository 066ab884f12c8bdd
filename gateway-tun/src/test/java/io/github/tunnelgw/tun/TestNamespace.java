package io.github.tunnelgw.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A network namespace created for one test (unique name), and a thread living inside it. Network namespaces are
 * per thread on Linux: after setns(2) everything that thread creates (tun devices, sockets, ioctl sockets) and every
 * child process it starts belongs to the namespace. {@link #close()} deletes the namespace.
 */
final class TestNamespace implements AutoCloseable {
    final String name;
    private final ExecutorService thread;
    private volatile Thread insideThread;

    /** Kernel tests need root; {@code -Dgateway.e2e=false} skips them. */
    static void assumeKernelTestsEnabled() {
        assumeFalse("false".equals(System.getProperty("gateway.e2e")), "kernel tests disabled with -Dgateway.e2e=false");
    }

    TestNamespace() throws Exception {
        name = "tgw-tun-" + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
        run(List.of("ip", "netns", "add", name));
        thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("in-" + name).unstarted(r));
        try {
            inside(() -> {
                int fd = LibC.open("/var/run/netns/" + name, LibC.O_RDONLY | LibC.O_CLOEXEC);
                try {
                    LibC.setns(fd, LibC.CLONE_NEWNET);
                    insideThread = Thread.currentThread();
                } finally {
                    LibC.close(fd);
                }
                return null;
            });
            run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Runs the action on the thread inside the namespace (directly when already on it). */
    <T> T inside(Callable<T> action) throws Exception {
        if (Thread.currentThread() == insideThread) {
            return action.call();
        }
        try {
            return thread.submit(action).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Starts the command from the thread inside the namespace (the child inherits the namespace). */
    String exec(List<String> command) throws Exception {
        return inside(() -> run(command));
    }

    /** Runs a command from the calling thread; fails with its output if it exits non-zero. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        try {
            thread.shutdownNow();
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } finally {
            run(List.of("ip", "netns", "del", name));
        }
    }
}
