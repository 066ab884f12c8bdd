package io.github.tunnelgw.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import io.github.tunnelgw.auth.TokenRejectedException.Reason;
import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real identity provider's tokens: discovery document, then the key set from its {@code jwks_uri} through
 * nimbus's {@link JWKSourceBuilder} (cached, refreshed ahead of expiry in the background, refetched at once —
 * rate-limited — when a token names an unknown {@code kid}, so a freshly rotated key passes on its first use,
 * and outage-tolerant, so cached keys keep working while the provider is down).
 *
 * <p>Nothing here blocks the gateway's start: {@link #start} returns at once and a background thread fetches the
 * discovery document and then the keys, retrying with back-off (1 s doubling to 60 s) and logging each failure.
 * Until discovery has succeeded every token is refused with {@link Reason#ISSUER_UNAVAILABLE}.
 *
 * <p>Thread-safe.
 */
public final class RemoteIssuer implements TokenValidator, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteIssuer.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(60);
    /** How long past their expiry cached keys are still used while the provider cannot be reached. */
    static final Duration OUTAGE_TOLERANCE = Duration.ofHours(24);

    private final IssuerSettings settings;
    private final Clock clock;
    private final IssuerHttpClient http;
    private final ScheduledExecutorService background;
    private final CountDownLatch keysLoaded = new CountDownLatch(1);
    private volatile JwsTokenValidator validator;
    private volatile JWKSource<SecurityContext> keySource;
    private volatile boolean closed;

    private RemoteIssuer(IssuerSettings settings, Clock clock, IssuerHttpClient http) {
        this.settings = settings;
        this.clock = clock;
        this.http = http;
        this.background = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "issuer-discovery");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts discovery in the background and returns at once.
     *
     * @throws IOException if the trusted CA file is unusable (a configuration error, reported at start)
     */
    public static RemoteIssuer start(IssuerSettings settings, Clock clock) throws IOException {
        Objects.requireNonNull(settings, "settings");
        return start(settings, clock, IssuerHttpClient.create(settings.trustedCaFile(), settings.proxy()));
    }

    /** With its own HTTP client (tests: shorter timeouts). */
    static RemoteIssuer start(IssuerSettings settings, Clock clock, IssuerHttpClient http) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        RemoteIssuer issuer = new RemoteIssuer(settings, clock, Objects.requireNonNull(http, "http"));
        issuer.background.execute(() -> issuer.discover(FIRST_RETRY));
        return issuer;
    }

    public IssuerSettings settings() {
        return settings;
    }

    /** The {@code iss} values routed to this issuer. */
    public Set<String> acceptedIssuers() {
        return settings.acceptedIssuers();
    }

    /** Whether the discovery document has been read (keys may still be missing). */
    public boolean discovered() {
        return validator != null;
    }

    /** Waits until the first key set has been fetched; for tests and start-up diagnostics. */
    public boolean awaitKeys(Duration timeout) throws InterruptedException {
        return keysLoaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Principal validate(String bearerToken) throws TokenRejectedException {
        TokenLimits.checkCompactShape(bearerToken);
        JwsTokenValidator current = validator;
        if (current == null) {
            throw new TokenRejectedException(Reason.ISSUER_UNAVAILABLE,
                    "the discovery document of " + settings.describe() + " has not been fetched yet");
        }
        return current.validate(bearerToken);
    }

    private void discover(Duration retryDelay) {
        if (closed) {
            return;
        }
        try {
            tryDiscover(retryDelay);
        } catch (RuntimeException e) {
            // a bug or an unexpected document must not end the retries silently
            log.error("issuer {}: discovery failed unexpectedly; retrying in {} s", settings.describe(),
                    retryDelay.toSeconds(), e);
            schedule(() -> discover(next(retryDelay)), retryDelay);
        }
    }

    private void tryDiscover(Duration retryDelay) {
        URI url = settings.effectiveDiscoveryUrl();
        DiscoveryDocument document;
        try {
            document = DiscoveryDocument.parse(http.get(url));
            settings.expectedDiscoveryIssuer().ifPresent(expected -> {
                if (!expected.equals(document.issuer())) {
                    throw new IllegalArgumentException("the discovery document announces issuer " + document.issuer()
                            + ", not " + expected + " (check tenant/issuer and discoveryUrl)");
                }
            });
        } catch (IOException | IllegalArgumentException e) {
            log.warn("issuer {}: discovery from {} failed: {}; its tokens are refused until it succeeds; retrying in {} s",
                    settings.describe(), url, e.getMessage(), retryDelay.toSeconds());
            schedule(() -> discover(next(retryDelay)), retryDelay);
            return;
        }
        keySource = keySource(document.jwksUri(), http, settings);
        validator = new JwsTokenValidator(settings.policy(clock), keySource);
        log.info("issuer {}: discovered, keys at {}, accepting iss {}", settings.describe(), document.jwksUri(),
                settings.acceptedIssuers());
        loadKeys(document.jwksUri(), FIRST_RETRY);
    }

    /** Fetches the key set once so the first login does not wait for it, and to report a broken key endpoint early. */
    private void loadKeys(URI jwksUri, Duration retryDelay) {
        if (closed) {
            return;
        }
        try {
            int keys = keySource.get(new JWKSelector(new JWKMatcher.Builder().build()), null).size();
            log.info("issuer {}: {} signing key(s) loaded from {}", settings.describe(), keys, jwksUri);
            keysLoaded.countDown();
        } catch (KeySourceException | RuntimeException e) {
            log.warn("issuer {}: fetching keys from {} failed: {}; its tokens are refused until it succeeds; retrying in {} s",
                    settings.describe(), jwksUri, e.getMessage(), retryDelay.toSeconds());
            schedule(() -> loadKeys(jwksUri, next(retryDelay)), retryDelay);
        }
    }

    /** The key source a discovered issuer validates with; package-private so tests can point it at a stalled server. */
    static JWKSource<SecurityContext> keySource(URI jwksUri, IssuerHttpClient http, IssuerSettings settings) {
        long cacheMillis = settings.keyCacheTime().toMillis();
        // nimbus requires refresh-ahead time + refresh timeout <= time to live
        long refreshAheadMillis = Math.min(30_000, cacheMillis / 4);
        long refreshTimeoutMillis = Math.min(http.getConnectTimeout() + http.getReadTimeout(), cacheMillis / 4);
        try {
            return JWKSourceBuilder.<SecurityContext>create(jwksUri.toURL(), http)
                    .cache(cacheMillis, refreshTimeoutMillis)
                    .refreshAheadCache(refreshAheadMillis, true)
                    .rateLimited(settings.keyRefreshMinInterval().toMillis())
                    .retrying(true)
                    .outageTolerant(OUTAGE_TOLERANCE.toMillis())
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("jwks_uri is not a URL", e);
        }
    }

    private void schedule(Runnable task, Duration delay) {
        if (!closed) {
            background.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static Duration next(Duration delay) {
        Duration doubled = delay.multipliedBy(2);
        return doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
    }

    @Override
    public void close() {
        closed = true;
        background.shutdownNow();
        JWKSource<SecurityContext> source = keySource;
        if (source instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                log.debug("closing the key source of {} failed", settings.describe(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "RemoteIssuer[" + settings.describe() + "]";
    }
}
