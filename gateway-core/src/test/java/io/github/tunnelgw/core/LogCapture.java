package io.github.tunnelgw.core;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the gateway logs while this is open: an appender on the root logger, detached by {@link #close()}. Only
 * events that pass the levels of logback.xml arrive (INFO and up for the gateway's own loggers).
 */
public final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture() {
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** The lines logged at {@code atLeast} or above so far, in order, each as "LEVEL message". */
    public List<String> lines(Level atLeast) {
        // AppenderBase.doAppend adds to the list while holding the appender's lock; event-loop threads log.
        synchronized (appender) {
            return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
                    .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    /** Waits for a line at {@code atLeast} or above that satisfies {@code wanted}, and returns it. */
    public String await(Level atLeast, Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = lines(atLeast);
            for (String line : lines) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such log line within " + timeout + "; logged: " + lines);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
