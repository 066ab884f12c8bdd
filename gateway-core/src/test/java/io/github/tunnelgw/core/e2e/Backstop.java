package io.github.tunnelgw.core.e2e;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Last-resort cleanup for when the JVM ends before a resource's close() ran (Ctrl-C, a failsafe timeout, an
 * error in a lifecycle method): one shutdown hook runs every action still registered, newest first, so processes
 * stop before the namespaces they run in are removed. Normal runs deregister everything in close().
 */
final class Backstop {
    private static final Deque<Registration> OPEN = new ArrayDeque<>();
    private static boolean hookInstalled;

    private Backstop() {
    }

    static synchronized Registration register(String description, Runnable action) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(Backstop::runAll, "e2e-backstop"));
            hookInstalled = true;
        }
        Registration registration = new Registration(description, action);
        OPEN.push(registration);
        return registration;
    }

    private static void runAll() {
        while (true) {
            Registration next;
            synchronized (Backstop.class) {
                next = OPEN.poll();
            }
            if (next == null) {
                return;
            }
            try {
                System.err.println("e2e backstop: cleaning up " + next.description);
                next.action.run();
            } catch (RuntimeException e) {
                System.err.println("e2e backstop: cleaning up " + next.description + " failed: " + e);
            }
        }
    }

    /** A pending cleanup; closing it means the owner cleaned up itself. */
    static final class Registration implements AutoCloseable {
        private final String description;
        private final Runnable action;

        private Registration(String description, Runnable action) {
            this.description = description;
            this.action = action;
        }

        @Override
        public void close() {
            synchronized (Backstop.class) {
                OPEN.remove(this);
            }
        }
    }
}
