package io.github.tunnelgw.loadclient;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * --mode logins: N workers, each looping full TLS handshake, auth, CONNECT, 200, DISCONNECT and close, for
 * --warmup then --duration seconds. Only the duration counts: the warm-up lets a JIT-compiled server reach its
 * steady state (ocserv, in C, is unaffected). A login counts when its 200 CONNECTED arrives inside the measured
 * window; attempts still running at the deadline are abandoned (neither counted nor failures). Failures are
 * counted in the warm-up too.
 */
final class LoginLoop {
    private static final long RETRY_PAUSE_MS = 50;

    private final Options options;
    private final Connector connector;
    private final Tally errors = new Tally();
    private final AtomicLong logins = new AtomicLong();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile long measureFromNanos;
    private volatile long deadlineNanos;
    private final AtomicLong warmupLogins = new AtomicLong();
    private CountDownLatch workersDone;

    LoginLoop(Options options, Connector connector) {
        this.options = options;
        this.connector = connector;
    }

    int run() throws InterruptedException {
        workersDone = new CountDownLatch(options.concurrency());
        long start = System.nanoTime();
        measureFromNanos = start + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
        deadlineNanos = measureFromNanos + TimeUnit.SECONDS.toNanos(options.durationSeconds());
        for (int i = 0; i < options.concurrency(); i++) {
            next();
        }
        boolean drained = workersDone.await(options.warmupSeconds() + options.durationSeconds()
                + Connector.ATTEMPT_SECONDS + 5, TimeUnit.SECONDS);
        double rate = logins.get() / (double) options.durationSeconds();
        errors.print("login failure");
        System.out.printf("warmup_logins=%d (%d s, not counted)%n", warmupLogins.get(), options.warmupSeconds());
        System.out.printf("logins=%d (%d s, concurrency %d)%n", logins.get(), options.durationSeconds(),
                options.concurrency());
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
                long now = System.nanoTime();
                if (now - measureFromNanos < 0) {
                    warmupLogins.incrementAndGet();
                } else if (now - deadlineNanos < 0) {
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
