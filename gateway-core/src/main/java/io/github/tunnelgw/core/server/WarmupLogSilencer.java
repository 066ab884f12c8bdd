package io.github.tunnelgw.core.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Drops the log lines below WARN written on the warm-up's own threads, while it runs: its hundreds of logins,
 * tunnels and logouts are not events an operator should read, while a warning from it still is. The threads are
 * recognised by name, since every handler and session class logs through its ordinary static logger.
 */
final class WarmupLogSilencer extends TurboFilter implements AutoCloseable {
    private final String threadPrefix;
    private final LoggerContext context;

    private WarmupLogSilencer(String threadPrefix, LoggerContext context) {
        this.threadPrefix = threadPrefix;
        this.context = context;
    }

    /** Installs the filter; without logback as the SLF4J binding there is nothing to install and nothing to close. */
    static AutoCloseable install(String threadPrefix) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return () -> { };
        }
        WarmupLogSilencer silencer = new WarmupLogSilencer(threadPrefix, context);
        silencer.start();
        context.addTurboFilter(silencer);
        return silencer;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != null && level.isGreaterOrEqual(Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        return Thread.currentThread().getName().startsWith(threadPrefix) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    @Override
    public void close() {
        context.getTurboFilterList().remove(this);
        stop();
    }
}
