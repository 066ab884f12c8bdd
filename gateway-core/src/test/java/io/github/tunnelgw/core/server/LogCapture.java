package io.github.tunnelgw.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * What the gateway logs while a test runs, from a logback {@link ListAppender} on the root logger. The gateway's
 * own loggers are lowered to DEBUG meanwhile: operators may switch that level on, so a token logged there is a
 * leak too. Use it in try-with-resources; closing detaches the appender and restores the level.
 */
final class LogCapture implements AutoCloseable {
    private static final String GATEWAY_LOGGERS = "io.github.tunnelgw";
    /** Shorter token parts (the "b" of "a.b.c") would match unrelated log text by coincidence. */
    private static final int DISTINCTIVE_PART = 12;

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root;
    private final Logger gateway;
    private final Level gatewayLevel;

    private LogCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        gateway = context.getLogger(GATEWAY_LOGGERS);
        gatewayLevel = gateway.getLevel();
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
        gateway.setLevel(Level.DEBUG);
    }

    static LogCapture start() {
        return new LogCapture();
    }

    /** A snapshot; appends are synchronized on the appender, so copying under its lock sees whole events. */
    List<ILoggingEvent> events() {
        synchronized (appender) {
            return new ArrayList<>(appender.list);
        }
    }

    /** Events whose formatted message matches {@code wanted}. */
    List<ILoggingEvent> matching(Predicate<String> wanted) {
        return events().stream().filter(event -> wanted.test(event.getFormattedMessage())).toList();
    }

    /** The lines logged at {@code atLeast} or above so far, in order, each as "LEVEL message". */
    List<String> lines(Level atLeast) {
        return events().stream().filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    /** Waits for a line at {@code atLeast} or above that satisfies {@code wanted}, and returns it. */
    String await(Level atLeast, Predicate<String> wanted, Duration timeout) throws InterruptedException {
        Optional<ILoggingEvent> found = await(e -> e.getLevel().isGreaterOrEqual(atLeast)
                && wanted.test(e.getLevel() + " " + e.getFormattedMessage()), timeout);
        return found.map(e -> e.getLevel() + " " + e.getFormattedMessage()).orElseThrow(() -> new AssertionError(
                "no such log line within " + timeout + "; logged: " + lines(atLeast)));
    }

    /** Waits for an event logged by a background thread, which logs on its own schedule. */
    Optional<ILoggingEvent> await(Predicate<ILoggingEvent> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<ILoggingEvent> found = events().stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    /**
     * Asserts that no event carries {@code credential} (what followed the Authorization scheme): neither whole nor
     * any distinctive part of it, which for a JWT includes its payload and its signature.
     */
    void assertNoTraceOf(String credential) {
        List<String> secrets = new ArrayList<>();
        if (!credential.isBlank()) {
            secrets.add(credential);
        }
        Arrays.stream(credential.split("\\.")).filter(part -> part.length() >= DISTINCTIVE_PART).forEach(secrets::add);
        for (ILoggingEvent event : events()) {
            String text = everythingLogged(event);
            for (String secret : secrets) {
                assertThat(text.contains(secret)).as("log event [%s] carries the credential or a part of it",
                        event.getFormattedMessage()).isFalse();
            }
        }
    }

    /** All an appender could write for the event: the raw and the formatted message, the arguments, the throwable. */
    static String everythingLogged(ILoggingEvent event) {
        StringBuilder text = new StringBuilder().append(event.getMessage()).append('\n')
                .append(event.getFormattedMessage()).append('\n');
        if (event.getArgumentArray() != null) {
            for (Object argument : event.getArgumentArray()) {
                text.append(argument).append('\n');
            }
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            text.append(ThrowableProxyUtil.asString(thrown));
        }
        return text.toString();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        gateway.setLevel(gatewayLevel);
    }
}
