package io.github.tunnelgw.bench;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the benchmark threads as Netty's {@code FastThreadLocalThread}s, the kind of thread Netty's event loops run
 * on. Netty 4.2 recycles buffer wrappers (pooled buffers, slices, write tasks) only on such threads; on any other
 * thread each one is a new object. JMH's own threads are plain ones; this executor stands for the event loops, where
 * all of the gateway's per-packet work runs (the tun queues are read on the DTLS event loop). Selected by run.sh with
 * {@code JMH_THREADS=netty}, i.e. {@code -Djmh.executor=CUSTOM -Djmh.executor.class=<this class>} in the forked JVM.
 */
public final class NettyThreadExecutor extends ThreadPoolExecutor {
    public NettyThreadExecutor(int threads, String prefix) {
        super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
