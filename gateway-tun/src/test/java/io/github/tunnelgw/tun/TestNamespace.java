package io.github.tunnelgw.tun;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace created for one test (unique name) and a thread living inside it: network namespaces are
 * per thread on Linux, so everything that thread opens (tun, sockets, child processes) belongs to the namespace.
 */
final class TestNamespace implements AutoCloseable {
    final String name;
    private final ExecutorService thread;

    TestNamespace() throws Exception {
        name = "tgw-tun-" + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(100_000);
        run(List.of("ip", "netns", "add", name));
        thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "in-" + name));
        try {
            inside(() -> {
                int fd = LibC.open("/var/run/netns/" + name, 0);
                try {
                    LibC.setns(fd, LibC.CLONE_NEWNET);
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

    <T> T inside(Callable<T> action) throws Exception {
        try {
            return thread.submit(action).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        if (thread != null) {
            thread.shutdownNow();
        }
        run(List.of("ip", "netns", "del", name));
    }
}
