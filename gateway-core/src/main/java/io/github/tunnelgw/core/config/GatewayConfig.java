package io.github.tunnelgw.core.config;

import io.github.tunnelgw.core.dtls.DatagramReader;
import io.github.tunnelgw.core.dtls.RecordCrypto;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.github.tunnelgw.core.net.Ipv6Cidr;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's configuration, read from YAML. The top-level keys carry the names Intune uses for a
 * Microsoft Tunnel server configuration, so the management agent maps them one to one; the
 * sections ({@code tls}, {@code auth}, {@code tun}, {@code nat}, {@code state}, {@code timeouts},
 * {@code dtls}, {@code metrics}) are this gateway's own. Every key is optional; {@link #defaults()} is the
 * configuration of an empty file. docs/configuration.md describes each key.
 *
 * <p>Reading is strict: an unknown key, a value of the wrong type or out of range, and conflicting
 * keys are each a {@link ConfigException} naming the dotted key. {@link ConfigReader} holds the
 * rules; this class is the immutable result.
 *
 * @param listenAddress         address the TCP (TLS) and UDP (DTLS) listeners bind
 * @param listenPort            port of both listeners
 * @param network               IPv4 client address range; the gateway takes its first address
 * @param ipv6Network           IPv6 client range; validated but not used yet (see {@link #warnings()})
 * @param dnsServers            DNS servers pushed to clients, as IP address text (at most 8)
 * @param defaultDomainSuffix   default DNS domain pushed to clients
 * @param splitDNS              domains clients resolve through the tunnel's DNS servers
 * @param routeIncludes         IPv4 routes sent through the tunnel; empty = full tunnel
 * @param routeIncludesIpv6     IPv6 entries of {@code routeIncludes} (not used yet)
 * @param routeExcludes         IPv4 routes kept outside the tunnel
 * @param routeExcludesIpv6     IPv6 entries of {@code routeExcludes} (not used yet)
 * @param disableUdpConnections when true no DTLS is offered; all traffic uses the TLS channel
 * @param sourceFile            the file this was loaded from (absolute), empty for text or defaults
 */
public record GatewayConfig(
        InetAddress listenAddress,
        int listenPort,
        Ipv4Cidr network,
        Optional<Ipv6Cidr> ipv6Network,
        List<String> dnsServers,
        Optional<String> defaultDomainSuffix,
        List<String> splitDNS,
        List<Ipv4Cidr> routeIncludes,
        List<Ipv6Cidr> routeIncludesIpv6,
        List<Ipv4Cidr> routeExcludes,
        List<Ipv6Cidr> routeExcludesIpv6,
        boolean disableUdpConnections,
        Tls tls,
        Auth auth,
        Tun tun,
        Nat nat,
        State state,
        Timeouts timeouts,
        Dtls dtls,
        Warmup warmup,
        Metrics metrics,
        Optional<Path> sourceFile) {

    /** Largest accepted config file. */
    private static final long MAX_FILE_BYTES = 4L * YamlDocument.MAX_CODE_POINTS;

    public GatewayConfig {
        dnsServers = List.copyOf(dnsServers);
        splitDNS = List.copyOf(splitDNS);
        routeIncludes = List.copyOf(routeIncludes);
        routeIncludesIpv6 = List.copyOf(routeIncludesIpv6);
        routeExcludes = List.copyOf(routeExcludes);
        routeExcludesIpv6 = List.copyOf(routeExcludesIpv6);
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * Reads a config file. Relative paths inside it (certificates, state directory) resolve against
     * the file's directory, so the gateway behaves the same whatever its working directory.
     */
    public static GatewayConfig load(Path file) throws ConfigException {
        String source = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw ConfigException.forFile(source, "is a directory, not a file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw ConfigException.forFile(source, "is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw ConfigException.forFile(source, "does not exist");
        } catch (IOException e) {
            throw ConfigException.forFile(source, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ConfigException.forFile(source, "is not UTF-8 text");
        }
        Path absolute = file.toAbsolutePath().normalize();
        return ConfigReader.read(YamlDocument.parse(text, source), absolute.getParent(), Optional.of(absolute));
    }

    /** Reads config text; {@code sourceName} names it in file-level errors. Relative paths stay as written. */
    public static GatewayConfig parse(String yaml, String sourceName) throws ConfigException {
        return ConfigReader.read(YamlDocument.parse(yaml, sourceName), null, Optional.empty());
    }

    /** The configuration of an empty file: the embedded default of {@code bin/gateway run}. */
    public static GatewayConfig defaults() {
        try {
            return parse("", "<defaults>");
        } catch (ConfigException e) {
            throw new IllegalStateException("the built-in defaults are invalid: " + e.getMessage(), e);
        }
    }

    // ---- derived values -----------------------------------------------------------------------

    /** The gateway's own address inside the client range: the range's first address. */
    public int gatewayAddress() {
        return network.network() + 1;
    }

    /** Whether clients send all IPv4 traffic through the tunnel (no include routes, or 0.0.0.0/0 among them). */
    public boolean fullTunnel() {
        return routeIncludes.isEmpty() || routeIncludes.stream().anyMatch(route -> route.prefixLength() == 0);
    }

    /** The state directory: {@code state.directory}, else the default for this environment (see {@link State}). */
    public Path stateDirectory() {
        return state.resolveDirectory();
    }

    /** Settings that are accepted but have no effect yet, one sentence each, for the gateway to log at start. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        ipv6Network.ifPresent(net -> warnings.add(
                "ipv6Network " + net + " is accepted but IPv6 client addresses are not supported yet; clients get IPv4 only"));
        if (!routeIncludesIpv6.isEmpty() || !routeExcludesIpv6.isEmpty()) {
            warnings.add("the IPv6 entries of routeIncludes/routeExcludes are ignored until IPv6 is supported");
        }
        return List.copyOf(warnings);
    }

    // ---- sections -----------------------------------------------------------------------------

    /**
     * {@code tls}: where the server certificate comes from. Either a PEM pair, or a PKCS#12 file
     * with its password, or neither, in which case the gateway creates a self-signed certificate
     * covering its host name, its addresses and {@code hostNames}.
     *
     * @param certificateFile PEM: the leaf certificate followed by its chain
     * @param privateKeyFile  PEM: PKCS#8, PKCS#1 RSA or SEC1 EC key
     * @param pfxFile         PKCS#12 alternative to the PEM pair
     * @param pfxPassword     the PKCS#12 password: {@code pfxPassword}, or the first line of
     *                        {@code pfxPasswordFile} read when the config was loaded; prints as {@code ****}
     * @param pfxPasswordFile the file the password was read from, if it came from one
     * @param hostNames       extra DNS names for the self-signed certificate
     */
    public record Tls(
            Optional<Path> certificateFile,
            Optional<Path> privateKeyFile,
            Optional<Path> pfxFile,
            Optional<Secret> pfxPassword,
            Optional<Path> pfxPasswordFile,
            List<String> hostNames) {

        public Tls {
            hostNames = List.copyOf(hostNames);
        }

        /** Whether no certificate is configured, so a self-signed one is used. */
        public boolean selfSigned() {
            return certificateFile.isEmpty() && pfxFile.isEmpty();
        }
    }

    /**
     * {@code auth}: how access tokens are validated.
     *
     * @param clockSkew         tolerance when checking a token's time claims ({@code exp}, {@code nbf}); the
     *                          default of every issuer
     * @param developmentIssuer the built-in issuer
     * @param issuers           {@code auth.issuers}: the real identity providers (Entra ID, AD FS, OIDC)
     */
    public record Auth(Duration clockSkew, DevelopmentIssuerSettings developmentIssuer,
                       List<io.github.tunnelgw.auth.IssuerSettings> issuers) {
        public Auth {
            issuers = List.copyOf(issuers);
        }

        public Auth(Duration clockSkew, DevelopmentIssuerSettings developmentIssuer) {
            this(clockSkew, developmentIssuer, List.of());
        }
    }

    /**
     * {@code auth.developmentIssuer}: the gateway's built-in token issuer, for trying the gateway
     * without an identity provider ({@code bin/gateway token} mints tokens from it).
     *
     * @param enabled  whether the issuer exists
     * @param issuer   the {@code iss} claim of its tokens, an http(s) URL
     * @param audience the {@code aud} claim the gateway requires
     */
    public record DevelopmentIssuerSettings(boolean enabled, String issuer, String audience) {
    }

    /**
     * {@code tun}: the kernel tun device the gateway's packets pass through.
     *
     * @param name   interface name, or a pattern with one {@code %d} the kernel replaces by a number
     * @param queues tun queues (multi-queue device), 1 to 16
     * @param mtu    link MTU that the tunnel MTU is computed from, 576 to 9000
     */
    public record Tun(String name, int queues, int mtu) {
    }

    /**
     * {@code nat}: port address translation of client traffic leaving the gateway.
     *
     * @param enabled      whether the gateway installs its nftables masquerade rules
     * @param outInterface the interface traffic leaves through; empty means {@code auto}, the
     *                     interface of the default route
     * @param ipForward    what to do about {@code net.ipv4.ip_forward}
     * @param table        the nftables table the gateway owns (created at start, deleted at stop)
     */
    public record Nat(boolean enabled, Optional<String> outInterface, IpForwardPolicy ipForward, String table) {
    }

    /** What the gateway does about the kernel's {@code net.ipv4.ip_forward} switch at start. */
    public enum IpForwardPolicy {
        /** Turn forwarding on if it is off. */
        ENABLE,
        /** Refuse to start if forwarding is off (for hosts where sysctls are managed elsewhere). */
        REQUIRE,
        /** Do not look (forwarding is someone else's business). */
        IGNORE;

        /** The word used in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * {@code state}: where the gateway keeps what it creates (self-signed certificate, development
     * issuer key).
     *
     * @param directory the configured directory; empty means the default, see {@link #resolveDirectory()}
     */
    public record State(Optional<Path> directory) {
        static final String STATE_DIR_VARIABLE = "GATEWAY_STATE_DIR";

        /** The configured directory, or the default for this process's environment and user. */
        public Path resolveDirectory() {
            return directory.orElseGet(() -> defaultDirectory(
                    System.getenv(), runningAsRoot(), Path.of(System.getProperty("user.home"))));
        }

        /**
         * The default state directory: {@code $GATEWAY_STATE_DIR}, else {@code /var/lib/tunnelgw}
         * for root, else {@code $XDG_STATE_HOME/tunnelgw} (when absolute, as the XDG spec requires),
         * else {@code ~/.local/state/tunnelgw}.
         */
        static Path defaultDirectory(Map<String, String> environment, boolean root, Path home) {
            String explicit = environment.get(STATE_DIR_VARIABLE);
            if (explicit != null && !explicit.isEmpty()) {
                return Path.of(explicit);
            }
            if (root) {
                return Path.of("/var/lib/tunnelgw");
            }
            String xdg = environment.get("XDG_STATE_HOME");
            if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
                return Path.of(xdg, "tunnelgw");
            }
            return home.resolve(".local/state/tunnelgw");
        }

        private static boolean runningAsRoot() {
            try {
                // /proc/self belongs to the process's effective user.
                return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return "root".equals(System.getProperty("user.name"));
            }
        }
    }

    /**
     * {@code timeouts}. Those sent to clients in {@code X-CSTP-*} headers (dpd, keepalive, idle,
     * session) are whole seconds.
     *
     * @param auth      a connection must finish login and CONNECT within this
     * @param dpd       dead-peer-detection interval announced to clients ({@code X-CSTP-DPD})
     * @param keepalive keepalive interval announced to clients ({@code X-CSTP-Keepalive})
     * @param idle      disconnect after this long without tunnel data; empty = never
     * @param session   disconnect this long after login; empty = never
     * @param cookie    how long a session cookie stays valid after an unclean drop, for reconnects
     */
    public record Timeouts(
            Duration auth,
            Duration dpd,
            Duration keepalive,
            Optional<Duration> idle,
            Optional<Duration> session,
            Duration cookie) {
    }

    /**
     * {@code dtls}: the DTLS data channel's limits (whether it exists at all is {@code disableUdpConnections}).
     *
     * @param maxHandshakes DTLS handshakes in flight at once, over all clients; a cookie-verified ClientHello
     *                      beyond it is dropped (each handshake holds a virtual thread and a queue until it
     *                      completes, fails or times out)
     * @param warmupHandshakes DTLS handshakes the gateway runs against itself in memory before the DTLS port opens,
     *                      so that clients' handshakes run compiled code from the start; 0 skips the warm-up
     * @param recordCrypto  which AES-GCM seals and opens the records: GnuTLS's (fast, needs libgnutls) or the JDK's
     * @param datagramReader what reads the DTLS port: the gateway's own {@code recvmmsg} reader, or Netty's read
     */
    public record Dtls(int maxHandshakes, int warmupHandshakes, RecordCrypto recordCrypto,
                       DatagramReader datagramReader) {
    }

    /**
     * {@code warmup}: work the gateway does against itself before its ports open, so that its first clients meet
     * compiled code (the DTLS handshakes of this kind are {@code dtls.warmupHandshakes}).
     *
     * @param logins whole logins (TLS handshake, bearer challenge, token validation, CONNECT, CSTP frames, logout)
     *               over loopback, with a throw-away issuer and sessions that never reach the real registry; 0 skips
     * @param maxDuration when the login warm-up stops even if it has not made {@code logins} yet (it makes at least
     *                    one): the start-up time an operator is prepared to give it
     * @param packets     packets sent through the packet paths (DTLS, uplink, a packet pipe standing in for the tun
     *                    device, downlink) and answered, after the logins; 0 skips
     */
    public record Warmup(int logins, Duration maxDuration, int packets) {
    }

    /**
     * {@code metrics}: the Prometheus endpoint ({@code /metrics}, plain text).
     *
     * @param enabled whether the endpoint is served
     * @param listen  where it listens; loopback by default because metrics reveal user activity
     */
    public record Metrics(boolean enabled, InetSocketAddress listen) {
    }
}
