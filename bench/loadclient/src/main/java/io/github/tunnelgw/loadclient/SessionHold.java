package io.github.tunnelgw.loadclient;

import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * --mode hold: opens N tunnels at most --ramp per second (and at most {@value #IN_FLIGHT} handshakes at a time),
 * prints {@code established=N} once all are up, keeps them idle but alive until asked to stop, then disconnects
 * them. A failed attempt is retried (at most {@value #RETRIES} retries per session on average) (ocserv 1.1.6 now and then refuses a fresh cookie
 * under load); every failure is still counted and printed. Everything below runs on one event loop, so no locking.
 */
final class SessionHold {
    private static final int IN_FLIGHT = 32;
    private static final int RETRIES = 2;

    private final Options options;
    private final Connector connector;
    private final EventLoop loop;
    private final Tally errors = new Tally();
    private final List<AnyConnectSession> up = new ArrayList<>();
    private final CountDownLatch settled = new CountDownLatch(1);
    private final CountDownLatch allClosed = new CountDownLatch(1);
    private int launched, inFlight, failures, retried, gaveUp, retriesDue, lost;
    private boolean stopping;
    private long startNanos;

    SessionHold(Options options, Connector connector) {
        this.options = options;
        this.connector = connector;
        this.loop = connector.group().next();
    }

    /** Opens the sessions; returns true when all came up (established=N printed). */
    boolean open() throws InterruptedException {
        loop.execute(() -> {
            startNanos = System.nanoTime();
            loop.scheduleAtFixedRate(this::launchDue, 0, 10, TimeUnit.MILLISECONDS);
        });
        settled.await();
        int established = call(up::size);
        if (established == options.sessions()) {
            int failed = call(() -> failures);
            if (failed > 0) {
                errors.print("session attempt failed, retried");
                System.out.println("retried_failures=" + failed);
            }
            System.out.println("established=" + established);
            System.out.flush();
            return true;
        }
        errors.print("session failure");
        System.out.println("established_partial=" + established);
        System.out.println("failures=" + call(() -> failures));
        System.out.println("gave_up=" + call(() -> gaveUp));
        System.out.flush();
        return false;
    }

    /** Disconnects every held session (DISCONNECT, close_notify, close) and prints what happened while held. */
    int close() throws InterruptedException {
        loop.execute(() -> {
            stopping = true;
            if (up.isEmpty()) {
                allClosed.countDown();
            }
            for (AnyConnectSession s : List.copyOf(up)) {
                s.disconnect();
            }
        });
        boolean clean = allClosed.await(10, TimeUnit.SECONDS);
        int held = call(up::size);
        int lostNow = call(() -> lost);
        errors.print("held session ended");
        System.out.println("closed=" + (clean ? "all" : "timeout (" + held + " still open)"));
        System.out.println("lost=" + lostNow);
        System.out.flush();
        return clean && lostNow == 0 && call(() -> gaveUp) == 0 ? 0 : 1;
    }

    private void launchDue() {
        if (stopping) {
            return;
        }
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        long due = Math.min(options.sessions(), (long) (elapsed * options.rampPerSecond()) + 1);
        while ((launched < due || retriesDue > 0) && inFlight < IN_FLIGHT) {
            if (retriesDue > 0) {
                retriesDue--;
            } else {
                launched++;
            }
            inFlight++;
            connector.open(listener, true, s -> { });
        }
    }

    private final SessionListener listener = new SessionListener() {
        @Override
        public void established(AnyConnectSession session) {
            onLoop(() -> {
                inFlight--;
                up.add(session);
                if (stopping) {
                    session.disconnect();
                }
                checkSettled();
            });
        }

        @Override
        public void failed(AnyConnectSession session, String reason) {
            onLoop(() -> {
                inFlight--;
                failures++;
                errors.add(reason);
                if (retried < RETRIES * options.sessions()) {
                    retried++;
                    retriesDue++;
                } else {
                    gaveUp++;
                }
                checkSettled();
            });
        }

        @Override
        public void ended(AnyConnectSession session, boolean requested, String reason) {
            onLoop(() -> {
                up.remove(session);
                if (!requested) {
                    lost++;
                    errors.add(reason);
                }
                if (stopping && up.isEmpty()) {
                    allClosed.countDown();
                }
            });
        }
    };

    private void checkSettled() {
        if (launched == options.sessions() && inFlight == 0 && retriesDue == 0) {
            settled.countDown();
        }
    }

    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private <T> T call(java.util.concurrent.Callable<T> c) throws InterruptedException {
        try {
            return loop.submit(c).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
