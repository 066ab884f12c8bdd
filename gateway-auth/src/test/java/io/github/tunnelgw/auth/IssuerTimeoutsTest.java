package io.github.tunnelgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.tunnelgw.auth.TokenRejectedException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An issuer that accepts connections and never answers must not hang discovery, key fetches or logins: each
 * gives up within the HTTP client's timeouts. The tests use 300 ms / 500 ms timeouts instead of the production
 * 5 s / 10 s so that they run in about a second.
 */
// a regression must fail the build, not hang it: a read without a timeout ignores interrupts
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IssuerTimeoutsTest {
    static final int CONNECT_TIMEOUT_MILLIS = 300;
    static final int READ_TIMEOUT_MILLIS = 500;
    /** Well under the production read timeout alone, so passing cannot be the production timeouts at work. */
    static final Duration BOUND = Duration.ofSeconds(4);

    @TempDir
    Path state;

    @Test
    void productionClientKeepsTheDocumentedTimeouts() throws Exception {
        // docs/configuration.md promises 5 s to connect and 10 s to read
        IssuerHttpClient http = IssuerHttpClient.create(Optional.empty(), ProxySetting.direct());
        assertThat(http.getConnectTimeout()).isEqualTo(5_000);
        assertThat(http.getReadTimeout()).isEqualTo(10_000);
    }

    @Test
    void fetchFromAServerThatNeverAnswersFailsWithinTheReadTimeout() throws Exception {
        try (SilentServer silent = SilentServer.start()) {
            long start = System.nanoTime();
            SocketTimeoutException e = catchThrowableOfType(SocketTimeoutException.class,
                    () -> fastClient().get(silent.url("/.well-known/openid-configuration")));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(e).as("the fetch times out").isNotNull();
            assertThat(silent.connections()).as("it connected, then waited for an answer").isEqualTo(1);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(READ_TIMEOUT_MILLIS)).isLessThan(BOUND);
        }
    }

    @Test
    void stalledDiscoveryIsRetriedAndRefusesTokensMeanwhile() throws Exception {
        try (SilentServer silent = SilentServer.start();
             RemoteIssuer issuer = RemoteIssuer.start(settings(silent.url("/")), Clock.systemUTC(), fastClient())) {
            String token = DevelopmentIssuer.loadOrCreate(state, ISSUER, AUDIENCE).mint("alice", Duration.ofMinutes(5));
            long start = System.nanoTime();
            TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> issuer.validate(token));
            assertThat(e.reason()).isEqualTo(Reason.ISSUER_UNAVAILABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a login does not wait for discovery")
                    .isLessThan(Duration.ofMillis(READ_TIMEOUT_MILLIS));

            // the first attempt times out after 0.5 s and the retry comes 1 s later: discovery did not hang
            assertThat(silent.awaitConnections(2, BOUND)).as("discovery attempts within %s", BOUND).isTrue();
            assertThat(issuer.discovered()).isFalse();
        }
    }

    @Test
    void loginAgainstAStalledKeyEndpointIsRefusedWithinTheTimeouts() throws Exception {
        try (SilentServer silent = SilentServer.start()) {
            IssuerSettings settings = settings(silent.url("/"));
            // what RemoteIssuer builds once discovery has named the jwks_uri
            JwsTokenValidator validator = new JwsTokenValidator(settings.policy(Clock.systemUTC()),
                    RemoteIssuer.keySource(silent.url("/keys"), fastClient(), settings));
            String token = DevelopmentIssuer.loadOrCreate(state, ISSUER, AUDIENCE).mint("alice", Duration.ofMinutes(5));

            long start = System.nanoTime();
            TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> validator.validate(token));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(e.reason()).isEqualTo(Reason.ISSUER_UNAVAILABLE);
            assertThat(silent.connections()).as("the key set was asked for").isPositive();
            assertThat(took).isLessThan(BOUND);
        }
    }

    static final String ISSUER = "https://127.0.0.1/stalled";
    static final String AUDIENCE = "aud";

    static IssuerHttpClient fastClient() throws IOException {
        return IssuerHttpClient.create(Optional.empty(), ProxySetting.direct(), CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS);
    }

    static IssuerSettings settings(URI discovery) {
        return new IssuerSettings(IssuerProfile.OIDC, Optional.empty(), Optional.of(ISSUER), Optional.of(discovery),
                Set.of(AUDIENCE), Set.of(), List.of(), ValidationPolicy.DEFAULT_USER_NAME_CLAIMS, Duration.ofSeconds(60),
                Optional.empty(), ProxySetting.direct(), Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    /** Accepts every connection on loopback and never sends a byte: an issuer that hangs after the TCP handshake. */
    static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket;
        private final ConcurrentLinkedQueue<Socket> accepted = new ConcurrentLinkedQueue<>();
        private final Semaphore arrivals = new Semaphore(0);

        private SilentServer(ServerSocket socket) {
            this.socket = socket;
        }

        static SilentServer start() throws IOException {
            SilentServer server = new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread.ofVirtual().name("silent-issuer").start(server::acceptForever);
            return server;
        }

        private void acceptForever() {
            try {
                while (true) {
                    accepted.add(socket.accept()); // held open, never read from or written to
                    arrivals.release();
                }
            } catch (IOException closed) {
                // close() ends the loop
            }
        }

        URI url(String path) {
            return URI.create("https://127.0.0.1:" + socket.getLocalPort() + path);
        }

        int connections() {
            return accepted.size();
        }

        boolean awaitConnections(int count, Duration timeout) throws InterruptedException {
            return arrivals.tryAcquire(count, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket connection : accepted) {
                connection.close();
            }
        }
    }
}
