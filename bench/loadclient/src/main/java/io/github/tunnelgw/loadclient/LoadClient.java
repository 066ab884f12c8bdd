package io.github.tunnelgw.loadclient;

import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Entry point: see run.sh for the command line and the output lines the benchmark harness reads. */
public final class LoadClient {
    private LoadClient() {
    }

    public static void main(String[] args) throws Exception {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadclient: " + e.getMessage());
            System.exit(2);
            return;
        }
        Connector connector = new Connector(options);
        int code;
        if (options.mode() == Options.Mode.LOGINS) {
            code = new LoginLoop(options, connector).run();
            connector.close();
            System.exit(code);
        }
        hold(options, connector);
    }

    /** Hold until SIGTERM or stdin EOF; exits itself (halt) because a SIGTERM arrives inside a shutdown hook. */
    private static void hold(Options options, Connector connector) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                finished.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "sigterm"));
        SessionHold hold = new SessionHold(options, connector);
        boolean allUp = hold.open();
        if (allUp) {
            Thread stdin = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // only EOF matters
                    }
                } catch (IOException e) {
                    System.err.println("loadclient: stdin: " + e.getMessage());
                }
                System.err.println("loadclient: stdin closed, disconnecting");
                stop.countDown();
            }, "stdin");
            stdin.setDaemon(true);
            stdin.start();
            stop.await();
        }
        int code = hold.close();
        if (!allUp) {
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        finished.countDown();
        Runtime.getRuntime().halt(code);
    }
}
