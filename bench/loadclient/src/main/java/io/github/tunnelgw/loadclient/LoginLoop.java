package io.github.tunnelgw.loadclient;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * --mode logins: N workers, each looping full TLS handshake, auth, CONNECT, 200, DISCONNECT and close, for the
 * duration. A login counts when its 200 CONNECTED arrives before the deadline; attempts still running at the
 * deadline are abandoned (neither counted nor failures).
 */
final class LoginLoop {
    private static final long RETRY_PAUSE_MS = 50;

    private final Options options;
    private final Connector connector;
    private final Tally errors = new Tally();
    private final AtomicLong logins = new AtomicLong();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile long deadlineNanos;
    private CountDownLatch workersDone;

    LoginLoop(Options options, Connector connector) {
        this.options = options;
        this.connector = connector;
    }

    int run() throws InterruptedException {
        workersDone = new CountDownLatch(options.concurrency());
        long start = System.nanoTime();
        deadlineNanos = start + TimeUnit.SECONDS.toNanos(options.durationSeconds());
        for (int i = 0; i < options.concurrency(); i++) {
            next();
        }
        boolean drained = workersDone.await(options.durationSeconds() + Connector.ATTEMPT_SECONDS + 5, TimeUnit.SECONDS);
        double rate = logins.get() / (double) options.durationSeconds();
        errors.print("login failure");
        System.out.printf("logins=%d%n", logins.get());
        System.out.printf("logins_per_sec=%.2f%n", rate);
        System.out.printf("failures=%d%n", failures.get());
        System.out.flush();
        if (!drained) {
            System.err.println("loadclient: some workers did not finish within the attempt time limit");
        }
        return failures.get() == 0 && drained && logins.get() > 0 ? 0 : 1;
    }

    private void next() {
        if (System.nanoTime() - deadlineNanos >= 0) {
            workersDone.countDown();
            return;
        }
        connector.open(new SessionListener() {
            @Override
            public void established(AnyConnectSession session) {
                if (System.nanoTime() - deadlineNanos < 0) {
                    logins.incrementAndGet();
                }
                session.disconnect();
            }

            @Override
            public void failed(AnyConnectSession session, String reason) {
                if (System.nanoTime() - deadlineNanos < 0) {
                    failures.incrementAndGet();
                    errors.add(reason);
                }
                session.channel().eventLoop().schedule(LoginLoop.this::next, RETRY_PAUSE_MS, TimeUnit.MILLISECONDS);
            }

            @Override
            public void ended(AnyConnectSession session, boolean requested, String reason) {
                if (!requested) {
                    failures.incrementAndGet();
                    errors.add("tunnel ended before our DISCONNECT: " + reason);
                }
                next();
            }
        }, false, s -> { });
    }
}
