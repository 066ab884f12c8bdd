package io.github.tunnelgw.core.config;

import io.github.tunnelgw.core.config.GatewayConfig.Auth;
import io.github.tunnelgw.core.config.GatewayConfig.DevelopmentIssuerSettings;
import io.github.tunnelgw.core.config.GatewayConfig.Dtls;
import io.github.tunnelgw.core.config.GatewayConfig.IpForwardPolicy;
import io.github.tunnelgw.core.config.GatewayConfig.Metrics;
import io.github.tunnelgw.core.config.GatewayConfig.Nat;
import io.github.tunnelgw.core.config.GatewayConfig.State;
import io.github.tunnelgw.core.config.GatewayConfig.Timeouts;
import io.github.tunnelgw.core.config.GatewayConfig.Tun;
import io.github.tunnelgw.core.config.GatewayConfig.Warmup;
import io.github.tunnelgw.auth.IssuerSettings;
import io.github.tunnelgw.core.dtls.DatagramReader;
import io.github.tunnelgw.core.dtls.RecordCrypto;
import io.github.tunnelgw.core.net.DnsName;
import io.github.tunnelgw.core.net.IpLiteral;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.github.tunnelgw.core.net.Ipv6Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * The rules of the config file: for each key its default, type and limits, section by section.
 * Each section is read completely, then checked for unknown keys, then for conflicts between its
 * keys (so a misspelt key is reported as such, not as the conflict it causes).
 */
final class ConfigReader {
    /** The client range of the embedded default: link-local, so it collides with no real network. */
    static final String DEFAULT_NETWORK = "169.254.0.0/16";
    /** Limits of the Intune server configuration. */
    static final int MAX_DNS_SERVERS = 8;
    static final int MAX_SPLIT_DNS = 500;
    static final int MAX_ROUTES = 500;
    static final String DEFAULT_ISSUER = "https://gateway.invalid/dev-issuer";
    /** The application id of the Microsoft Tunnel Gateway, which Entra puts in its tokens' audience. */
    static final String DEFAULT_AUDIENCE = "3678c9e9-9681-447a-974d-d19f668fcd88";

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    private static final Duration ONE_DAY = Duration.ofDays(1);
    private static final Duration ONE_YEAR = Duration.ofDays(365);

    private ConfigReader() {
    }

    static GatewayConfig read(Optional<MappingNode> document, Path baseDirectory, Optional<Path> sourceFile)
            throws ConfigException {
        ConfigSection root = ConfigSection.root(document, baseDirectory);
        InetAddress listenAddress = root.value("listenAddress", IpLiteral.parse("0.0.0.0"), IpLiteral::parse);
        int listenPort = root.integer("listenPort", 443, 1, 65535);
        Ipv4Cidr network = root.value("network", Ipv4Cidr.parse(DEFAULT_NETWORK), ValueRules::clientRange);
        Optional<Ipv6Cidr> ipv6Network = root.optional("ipv6Network", Ipv6Cidr::parse);
        List<String> dnsServers = root.list("dnsServers", MAX_DNS_SERVERS, ValueRules::ipAddressText);
        Optional<String> defaultDomainSuffix = root.optional("defaultDomainSuffix", DnsName::normalize);
        List<String> splitDns = root.list("splitDNS", MAX_SPLIT_DNS, DnsName::normalize);
        List<Object> includes = root.list("routeIncludes", MAX_ROUTES, ValueRules::route);
        List<Object> excludes = root.list("routeExcludes", MAX_ROUTES, ValueRules::route);
        boolean disableUdp = root.flag("disableUdpConnections", false);
        GatewayConfig.Tls tls = TlsSectionReader.read(root.section("tls"));
        Auth auth = auth(root.section("auth"));
        Tun tun = tun(root.section("tun"));
        Nat nat = nat(root.section("nat"));
        State state = state(root.section("state"));
        Timeouts timeouts = timeouts(root.section("timeouts"));
        Dtls dtls = dtls(root.section("dtls"));
        Warmup warmup = warmup(root.section("warmup"));
        Metrics metrics = metrics(root.section("metrics"));
        root.rejectUnknownKeys();
        return new GatewayConfig(listenAddress, listenPort, network, ipv6Network, dnsServers, defaultDomainSuffix,
                splitDns, only(includes, Ipv4Cidr.class), only(includes, Ipv6Cidr.class),
                only(excludes, Ipv4Cidr.class), only(excludes, Ipv6Cidr.class), disableUdp,
                tls, auth, tun, nat, state, timeouts, dtls, warmup, metrics, sourceFile);
    }

    private static <T> List<T> only(List<Object> routes, Class<T> type) {
        return routes.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static Auth auth(ConfigSection section) throws ConfigException {
        Duration clockSkew = section.duration("clockSkew", Duration.ofSeconds(60), Duration.ZERO, Duration.ofMinutes(10), false);
        DevelopmentIssuerSettings developmentIssuer = developmentIssuer(section.section("developmentIssuer"));
        List<IssuerSettings> issuers = IssuerSectionReader.readAll(section, clockSkew);
        section.rejectUnknownKeys();
        if (!developmentIssuer.enabled() && issuers.isEmpty()) {
            // Without any issuer no login can succeed.
            throw new ConfigException(section.dotted("developmentIssuer.enabled"), "no token issuer is enabled");
        }
        if (developmentIssuer.enabled()) {
            for (int i = 0; i < issuers.size(); i++) {
                if (issuers.get(i).acceptedIssuers().contains(developmentIssuer.issuer())) {
                    throw new ConfigException(section.dotted("issuers[" + (i + 1) + "]"),
                            "accepts the development issuer's iss " + developmentIssuer.issuer() + "; change one of them");
                }
            }
        }
        return new Auth(clockSkew, developmentIssuer, issuers);
    }

    private static DevelopmentIssuerSettings developmentIssuer(ConfigSection section) throws ConfigException {
        boolean enabled = section.flag("enabled", true);
        String issuer = section.value("issuer", DEFAULT_ISSUER, ValueRules::issuerUrl);
        String audience = section.value("audience", DEFAULT_AUDIENCE, ValueRules::audience);
        section.rejectUnknownKeys();
        return new DevelopmentIssuerSettings(enabled, issuer, audience);
    }

    private static Tun tun(ConfigSection section) throws ConfigException {
        String name = section.value("name", "vpn%d", ValueRules::interfacePattern);
        int queues = section.integer("queues", 1, 1, 16);
        int mtu = section.integer("mtu", 1500, 576, 9000);
        section.rejectUnknownKeys();
        return new Tun(name, queues, mtu);
    }

    private static Nat nat(ConfigSection section) throws ConfigException {
        boolean enabled = section.flag("enabled", true);
        String out = section.value("outInterface", "auto", ValueRules::outInterface);
        List<String> policies = Arrays.stream(IpForwardPolicy.values()).map(IpForwardPolicy::configName).toList();
        String ipForward = section.choice("ipForward", IpForwardPolicy.ENABLE.configName(), policies);
        String table = section.value("table", "tunnelgw", ValueRules::nftTable);
        section.rejectUnknownKeys();
        return new Nat(enabled, out.equals("auto") ? Optional.empty() : Optional.of(out),
                IpForwardPolicy.valueOf(ipForward.toUpperCase(Locale.ROOT)), table);
    }

    private static State state(ConfigSection section) throws ConfigException {
        Optional<Path> directory = section.path("directory");
        section.rejectUnknownKeys();
        return new State(directory);
    }

    // dpd, keepalive, idle and session reach clients as whole seconds in X-CSTP-* headers.
    private static Timeouts timeouts(ConfigSection section) throws ConfigException {
        Duration auth = section.duration("auth", Duration.ofSeconds(60), ONE_SECOND, Duration.ofHours(1), false);
        Duration dpd = section.duration("dpd", Duration.ofSeconds(90), ONE_SECOND, ONE_DAY, true);
        Duration keepalive = section.duration("keepalive", Duration.ofSeconds(240), ONE_SECOND, ONE_DAY, true);
        Optional<Duration> idle = section.durationOrNone("idle", Optional.of(Duration.ofSeconds(1200)), ONE_YEAR, true);
        Optional<Duration> session = section.durationOrNone("session", Optional.of(Duration.ofHours(24)), ONE_YEAR, true);
        Duration cookie = section.duration("cookie", Duration.ofSeconds(300), ONE_SECOND, Duration.ofDays(7), false);
        section.rejectUnknownKeys();
        return new Timeouts(auth, dpd, keepalive, idle, session, cookie);
    }

    private static Dtls dtls(ConfigSection section) throws ConfigException {
        int maxHandshakes = section.integer("maxHandshakes", 64, 1, 4096);
        int warmupHandshakes = section.integer("warmupHandshakes", 400, 0, 100_000);
        RecordCrypto recordCrypto = RecordCrypto.valueOf(section.choice("recordCrypto", RecordCrypto.AUTO.key(),
                Arrays.stream(RecordCrypto.values()).map(RecordCrypto::key).toList()).toUpperCase(Locale.ROOT));
        DatagramReader datagramReader = DatagramReader.valueOf(section.choice("datagramReader",
                DatagramReader.AUTO.key(), Arrays.stream(DatagramReader.values()).map(DatagramReader::key).toList())
                .toUpperCase(Locale.ROOT));
        section.rejectUnknownKeys();
        return new Dtls(maxHandshakes, warmupHandshakes, recordCrypto, datagramReader);
    }

    private static Warmup warmup(ConfigSection section) throws ConfigException {
        int logins = section.integer("logins", 300, 0, 100_000);
        Duration maxDuration = section.duration("maxDuration", Duration.ofSeconds(5), ONE_SECOND, Duration.ofMinutes(5), false);
        int packets = section.integer("packets", 40_000, 0, 1_000_000);
        section.rejectUnknownKeys();
        return new Warmup(logins, maxDuration, packets);
    }

    private static Metrics metrics(ConfigSection section) throws ConfigException {
        boolean enabled = section.flag("enabled", true);
        InetSocketAddress listen = section.value("listen", IpLiteral.parseSocketAddress("127.0.0.1:9410"),
                IpLiteral::parseSocketAddress);
        section.rejectUnknownKeys();
        return new Metrics(enabled, listen);
    }
}
