package io.github.tunnelgw.core.config;

import io.github.tunnelgw.core.dtls.DatagramReader;
import io.github.tunnelgw.core.dtls.RecordCrypto;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tunnelgw.core.net.IpLiteral;
import io.github.tunnelgw.core.net.Ipv4Address;
import io.github.tunnelgw.core.net.Ipv4Cidr;
import io.github.tunnelgw.core.net.Ipv6Cidr;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    /** The documented example, every key at its default. */
    static final String FULL_EXAMPLE = """
            listenAddress: 0.0.0.0          # IP literal
            listenPort: 443                 # 1..65535, TCP and UDP
            network: 169.254.0.0/16         # IPv4 client range; prefix <= 30; host bits set = error
            ipv6Network: null               # accepted and validated as an IPv6 CIDR, not used yet
            dnsServers: []                  # IP literals only (no host names), at most 8
            defaultDomainSuffix: null       # a DNS name
            splitDNS: []                    # DNS names, at most 500
            routeIncludes: []               # IPv4 CIDRs, at most 500; empty = full tunnel
            routeExcludes: []               # same rules
            disableUdpConnections: false
            tls:
              certificateFile: null         # PEM: leaf certificate followed by the chain
              privateKeyFile: null          # PEM: PKCS#8, PKCS#1 RSA or SEC1 EC key
              pfxFile: null                 # PKCS#12 alternative to the two above (not both: error)
              pfxPassword: null             # secret; or
              pfxPasswordFile: null         # file holding the password (first line)
              hostNames: []                 # extra SAN DNS names for the self-signed certificate
            auth:
              clockSkew: 60s
              developmentIssuer:
                enabled: true
                issuer: https://gateway.invalid/dev-issuer
                audience: 3678c9e9-9681-447a-974d-d19f668fcd88   # the Microsoft Tunnel Gateway app id
            tun:
              name: vpn%d                   # kernel interface name or pattern, max 15 chars
              queues: 1                     # 1..16
              mtu: 1500                     # link MTU the tunnel MTU is computed from (576..9000)
            nat:
              enabled: true
              outInterface: auto            # auto = the default-route interface
              ipForward: enable             # enable | require | ignore
              table: tunnelgw               # nftables table name, [A-Za-z0-9_]+
            state:
              directory: null
            timeouts:
              auth: 60s
              dpd: 90s
              keepalive: 240s
              idle: 1200s                   # 'none' or 0 disables
              session: 24h                  # 'none' or 0 disables
              cookie: 300s
            dtls:
              maxHandshakes: 64             # 1..4096
              warmupHandshakes: 400         # 0..100000
              recordCrypto: auto            # auto | gnutls | jdk
              datagramReader: auto          # auto | netty
            warmup:
              logins: 300                   # 0..100000
              maxDuration: 5s               # 1s..5m, the most start-up time the login warm-up may take
              packets: 40000                # 0..1000000, through the packet paths after the logins
            metrics:
              enabled: true
              listen: 127.0.0.1:9410
            """;

    static GatewayConfig parse(String yaml) throws ConfigException {
        return GatewayConfig.parse(yaml, "test.yaml");
    }

    @Test
    void fullExampleParsesToTheDefaults() throws ConfigException {
        assertThat(parse(FULL_EXAMPLE)).isEqualTo(GatewayConfig.defaults());
    }

    @Test
    void emptyDocumentsAreTheDefaults() throws ConfigException {
        assertThat(parse("")).isEqualTo(GatewayConfig.defaults());
        assertThat(parse("# only a comment\n")).isEqualTo(GatewayConfig.defaults());
        assertThat(parse("---\n")).isEqualTo(GatewayConfig.defaults());
        assertThat(parse("tls:\nauth: {}\n")).isEqualTo(GatewayConfig.defaults());
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        GatewayConfig config = GatewayConfig.defaults();
        assertThat(config.listenAddress()).isEqualTo(IpLiteral.parse("0.0.0.0"));
        assertThat(config.listenPort()).isEqualTo(443);
        assertThat(config.network()).isEqualTo(Ipv4Cidr.parse("169.254.0.0/16"));
        assertThat(config.gatewayAddress()).isEqualTo(Ipv4Address.parse("169.254.0.1"));
        assertThat(config.ipv6Network()).isEmpty();
        assertThat(config.dnsServers()).isEmpty();
        assertThat(config.defaultDomainSuffix()).isEmpty();
        assertThat(config.splitDNS()).isEmpty();
        assertThat(config.routeIncludes()).isEmpty();
        assertThat(config.fullTunnel()).isTrue();
        assertThat(config.disableUdpConnections()).isFalse();
        assertThat(config.tls().selfSigned()).isTrue();
        assertThat(config.tls().pfxPassword()).isEmpty();
        assertThat(config.auth().clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.auth().developmentIssuer())
                .isEqualTo(new GatewayConfig.DevelopmentIssuerSettings(true, "https://gateway.invalid/dev-issuer",
                        "3678c9e9-9681-447a-974d-d19f668fcd88"));
        assertThat(config.tun()).isEqualTo(new GatewayConfig.Tun("vpn%d", 1, 1500));
        assertThat(config.nat()).isEqualTo(new GatewayConfig.Nat(true, Optional.empty(),
                GatewayConfig.IpForwardPolicy.ENABLE, "tunnelgw"));
        assertThat(config.state().directory()).isEmpty();
        assertThat(config.timeouts()).isEqualTo(new GatewayConfig.Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(90),
                Duration.ofSeconds(240), Optional.of(Duration.ofMinutes(20)), Optional.of(Duration.ofHours(24)),
                Duration.ofMinutes(5)));
        assertThat(config.dtls()).isEqualTo(new GatewayConfig.Dtls(64, 400, RecordCrypto.AUTO, DatagramReader.AUTO));
        assertThat(config.metrics().enabled()).isTrue();
        assertThat(config.metrics().listen()).isEqualTo(IpLiteral.parseSocketAddress("127.0.0.1:9410"));
        assertThat(config.sourceFile()).isEmpty();
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void readsAFullyCustomisedConfig() throws ConfigException {
        GatewayConfig config = parse("""
                listenAddress: 192.0.2.10
                listenPort: 8443
                network: 10.99.0.0/20
                ipv6Network: fd00:99::/64
                dnsServers: [10.0.0.53, "FD00:0::53"]
                defaultDomainSuffix: Corp.Example.com.
                splitDNS:
                  - corp.example.com
                  - internal.example
                routeIncludes: [10.0.0.0/8, 172.16.0.0/12, "fd00:1234::/32"]
                routeExcludes: [10.1.0.0/16]
                disableUdpConnections: true
                auth:
                  clockSkew: 0
                  developmentIssuer:
                    issuer: http://issuer.test:8080/x
                    audience: api://gateway
                tun: {name: gw0, queues: 4, mtu: 9000}
                nat: {enabled: false, outInterface: eth1, ipForward: require, table: my_table}
                state: {directory: /srv/gw}
                timeouts: {auth: 1500ms, dpd: 30, keepalive: 5m, idle: none, session: 0, cookie: 2d}
                dtls: {maxHandshakes: 4096, warmupHandshakes: 0, recordCrypto: jdk, datagramReader: netty}
                warmup: {logins: 7, maxDuration: 20s, packets: 0}
                metrics: {enabled: false, listen: "[::1]:9999"}
                """);
        assertThat(config.listenAddress()).isEqualTo(IpLiteral.parse("192.0.2.10"));
        assertThat(config.listenPort()).isEqualTo(8443);
        assertThat(config.network()).hasToString("10.99.0.0/20");
        assertThat(config.ipv6Network()).contains(Ipv6Cidr.parse("fd00:99::/64"));
        assertThat(config.dnsServers()).containsExactly("10.0.0.53", "fd00::53");
        assertThat(config.defaultDomainSuffix()).contains("corp.example.com");
        assertThat(config.splitDNS()).containsExactly("corp.example.com", "internal.example");
        assertThat(config.routeIncludes()).extracting(Ipv4Cidr::toString).containsExactly("10.0.0.0/8", "172.16.0.0/12");
        assertThat(config.routeIncludesIpv6()).containsExactly(Ipv6Cidr.parse("fd00:1234::/32"));
        assertThat(config.routeExcludes()).extracting(Ipv4Cidr::toString).containsExactly("10.1.0.0/16");
        assertThat(config.fullTunnel()).isFalse();
        assertThat(config.disableUdpConnections()).isTrue();
        assertThat(config.auth().clockSkew()).isZero();
        assertThat(config.auth().developmentIssuer().issuer()).isEqualTo("http://issuer.test:8080/x");
        assertThat(config.auth().developmentIssuer().audience()).isEqualTo("api://gateway");
        assertThat(config.tun()).isEqualTo(new GatewayConfig.Tun("gw0", 4, 9000));
        assertThat(config.nat()).isEqualTo(new GatewayConfig.Nat(false, Optional.of("eth1"),
                GatewayConfig.IpForwardPolicy.REQUIRE, "my_table"));
        assertThat(config.stateDirectory()).hasToString("/srv/gw");
        assertThat(config.timeouts().auth()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.timeouts().dpd()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.timeouts().keepalive()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.timeouts().idle()).isEmpty();
        assertThat(config.timeouts().session()).isEmpty();
        assertThat(config.timeouts().cookie()).isEqualTo(Duration.ofDays(2));
        assertThat(config.dtls().maxHandshakes()).isEqualTo(4096);
        assertThat(config.dtls().warmupHandshakes()).isZero();
        assertThat(config.dtls().recordCrypto()).isEqualTo(RecordCrypto.JDK);
        assertThat(config.dtls().datagramReader()).isEqualTo(DatagramReader.NETTY);
        assertThat(config.warmup().logins()).isEqualTo(7);
        assertThat(config.warmup().maxDuration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.warmup().packets()).isZero();
        assertThat(config.metrics().enabled()).isFalse();
        assertThat(config.metrics().listen().getPort()).isEqualTo(9999);
        assertThat(config.warnings()).hasSize(2);
    }

    @Test
    void ipv6EntriesInBlockLists() throws ConfigException {
        GatewayConfig config = parse("""
                routeIncludes:
                  - 10.0.0.0/8
                  - fd00:1234::/32
                  - ::/0
                routeExcludes:
                  - 2001:db8::/48
                dnsServers:
                  - fd00::53
                """);
        assertThat(config.routeIncludes()).extracting(Ipv4Cidr::toString).containsExactly("10.0.0.0/8");
        assertThat(config.routeIncludesIpv6()).extracting(Ipv6Cidr::toString).containsExactly("fd00:1234::/32", "::/0");
        assertThat(config.routeExcludesIpv6()).extracting(Ipv6Cidr::toString).containsExactly("2001:db8::/48");
        assertThat(config.dnsServers()).containsExactly("fd00::53");
    }

    @Test
    void fullTunnelWhenDefaultRouteIsIncluded() throws ConfigException {
        assertThat(parse("routeIncludes: [10.0.0.0/8, 0.0.0.0/0]").fullTunnel()).isTrue();
    }

    @Test
    void recordsAreImmutable() {
        GatewayConfig config = GatewayConfig.defaults();
        assertThatThrownBy(() -> config.routeIncludes().add(Ipv4Cidr.parse("10.0.0.0/8")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- file-level problems ------------------------------------------------------------------

    @Test
    void yamlSyntaxErrorIsOneLineWithPosition() {
        assertThatThrownBy(() -> parse("listenPort: 443\nnetwork: [10.0.0.0/8\ntls: {\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.isFileLevel()).isTrue();
                    assertThat(e.getMessage()).startsWith("config file test.yaml: YAML syntax error at line ")
                            .doesNotContain("\n");
                });
        assertThatThrownBy(() -> parse("a: b: c"))
                .hasMessageStartingWith("config file test.yaml: YAML syntax error at line 1");
    }

    @Test
    void documentMustBeAMap() {
        assertThatThrownBy(() -> parse("- listenPort: 443\n- network: 10.0.0.0/8\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file test.yaml: the document is a list; expected a map of keys such as 'listenPort: 443'");
        assertThatThrownBy(() -> parse("just a string"))
                .hasMessageContaining("the document is a single value");
    }

    @Test
    void multipleDocumentsAreRefused() {
        assertThatThrownBy(() -> parse("listenPort: 443\n---\nlistenPort: 444\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config file test.yaml: ");
    }

    @Test
    void aliasBombIsRefused() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 30; i++) {
            String previous = "*a" + (i - 1);
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            yaml.append(IntStream.range(0, 9).mapToObj(j -> previous).collect(Collectors.joining(", ")));
            yaml.append("]\n");
        }
        assertThatThrownBy(() -> parse(yaml.toString()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.isFileLevel()).isTrue())
                .hasMessageContaining("aliases");
    }

    @Test
    void oversizedDocumentIsRefused() {
        String huge = "splitDNS:\n" + "  - a.example\n".repeat(YamlDocument.MAX_CODE_POINTS / 12);
        assertThatThrownBy(() -> parse(huge))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.isFileLevel()).isTrue())
                .hasMessageContaining("limit");
    }

    @Test
    void customTagsAreRefusedAndNothingIsInstantiated() {
        // Global tags are refused while the document is parsed, before any key is looked at.
        assertThatThrownBy(() -> parse("listenAddress: !!javax.script.ScriptEngineManager [x]"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config file test.yaml: ")
                .hasMessageContaining("tag");
        assertThatThrownBy(() -> parse("splitDNS: [!!binary aGVsbG8=]"))
                .hasMessageStartingWith("config key 'splitDNS': item 1: the YAML tag");
        assertThatThrownBy(() -> parse("!!set {a, b}"))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> parse("tls: !foo {pfxFile: x}"))
                .hasMessageStartingWith("config key 'tls': the YAML tag");
    }

    // ---- structure ------------------------------------------------------------------------------

    @Test
    void unknownNestedKeyIsNamedWithTheKnownKeys() {
        assertThatThrownBy(() -> parse("tls:\n  certFile: /etc/cert.pem\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("tls.certFile");
                    assertThat(e.getMessage()).isEqualTo("config key 'tls.certFile': unknown key; known keys: "
                            + "certificateFile, privateKeyFile, pfxFile, pfxPassword, pfxPasswordFile, hostNames");
                });
    }

    @Test
    void unknownKeysAtEveryLevel() {
        assertThatThrownBy(() -> parse("listenPorts: 443")).hasMessageStartingWith(
                "config key 'listenPorts': unknown key (did you mean 'listenPort'?); known keys: listenAddress, listenPort,");
        assertThatThrownBy(() -> parse("splitDns: [corp.example]"))
                .hasMessageContaining("did you mean 'splitDNS'?");
        assertThatThrownBy(() -> parse("auth:\n  developmentIssuer:\n    enable: true\n"))
                .hasMessageStartingWith("config key 'auth.developmentIssuer.enable': unknown key (did you mean 'enabled'?)");
        assertThatThrownBy(() -> parse("timeouts: {rekey: 5m}"))
                .hasMessageStartingWith("config key 'timeouts.rekey': unknown key; known keys: auth, dpd, keepalive, idle, session, cookie");
        assertThatThrownBy(() -> parse("<<: {listenPort: 1}"))
                .hasMessageStartingWith("config key '<<': unknown key");
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThatThrownBy(() -> parse("listenPort: 443\nlistenPort: 444\n"))
                .hasMessage("config key 'listenPort': the key appears more than once");
        assertThatThrownBy(() -> parse("nat:\n  table: a\n  table: b\n"))
                .hasMessage("config key 'nat.table': the key appears more than once");
    }

    @Test
    void nonScalarKeysAreRefused() {
        assertThatThrownBy(() -> parse("? [a, b]\n: 1\n"))
                .hasMessageStartingWith("config key '<top level>': a key is a list");
    }

    @Test
    void wrongShapesAreNamed() {
        assertThatThrownBy(() -> parse("dnsServers: 10.0.0.53"))
                .hasMessage("config key 'dnsServers': expected a list of strings, found a single value");
        assertThatThrownBy(() -> parse("dnsServers: {a: b}"))
                .hasMessage("config key 'dnsServers': expected a list of strings, found a map");
        assertThatThrownBy(() -> parse("dnsServers: [[10.0.0.53]]"))
                .hasMessage("config key 'dnsServers': item 1: expected a string, found a list");
        assertThatThrownBy(() -> parse("dnsServers: [10.0.0.53, ~]"))
                .hasMessageStartingWith("config key 'dnsServers': item 2:");
        assertThatThrownBy(() -> parse("listenPort: [443]"))
                .hasMessage("config key 'listenPort': expected a single value, found a list");
        assertThatThrownBy(() -> parse("tls: yes"))
                .hasMessage("config key 'tls': expected a map of keys, found a single value");
        assertThatThrownBy(() -> parse("tls: [a]"))
                .hasMessage("config key 'tls': expected a map of keys, found a list");
    }

    // ---- values ---------------------------------------------------------------------------------

    @Test
    void everyKeyNamesItselfWhenItsValueIsBad() {
        String[][] cases = {
            {"listenAddress: gateway.example.com", "listenAddress"},
            {"listenAddress: 10.0.0", "listenAddress"},
            {"listenPort: 0", "listenPort"},
            {"listenPort: 65536", "listenPort"},
            {"listenPort: -1", "listenPort"},
            {"listenPort: 0x1bb", "listenPort"},
            {"listenPort: 443.0", "listenPort"},
            {"listenPort: https", "listenPort"},
            {"network: 10.0.0.1/24", "network"},
            {"network: 10.0.0.0/31", "network"},
            {"network: 10.0.0.0/32", "network"},
            {"network: 10.0.0.0/7", "network"},
            {"network: 127.0.0.0/8", "network"},
            {"network: 224.0.0.0/24", "network"},
            {"network: 10.0.0.0", "network"},
            {"network: fd00::/64", "network"},
            {"ipv6Network: 10.0.0.0/8", "ipv6Network"},
            {"ipv6Network: fd00::1/64", "ipv6Network"},
            {"dnsServers: [dns.example.com]", "dnsServers"},
            {"dnsServers: [1.1.1.1, 1.1.1.2, 1.1.1.3, 1.1.1.4, 1.1.1.5, 1.1.1.6, 1.1.1.7, 1.1.1.8, 1.1.1.9]", "dnsServers"},
            {"defaultDomainSuffix: not_a_domain", "defaultDomainSuffix"},
            {"defaultDomainSuffix: [a.com]", "defaultDomainSuffix"},
            {"splitDNS: [ok.example, -bad.example]", "splitDNS"},
            {"routeIncludes: [10.0.0.1/8]", "routeIncludes"},
            {"routeIncludes: [10.0.0.0/33]", "routeIncludes"},
            {"routeIncludes: [fd00::1/8]", "routeIncludes"},
            {"routeExcludes: [garbage]", "routeExcludes"},
            {"disableUdpConnections: yes", "disableUdpConnections"},
            {"disableUdpConnections: 1", "disableUdpConnections"},
            {"tls: {certificateFile: /nonexistent/cert.pem, privateKeyFile: /nonexistent/key.pem}", "tls.certificateFile"},
            {"tls: {pfxFile: /nonexistent/x.pfx}", "tls.pfxFile"},
            {"tls: {pfxFile: /tmp}", "tls.pfxFile"},
            {"tls: {pfxFile: ''}", "tls.pfxFile"},
            {"tls: {pfxPasswordFile: /nonexistent/pw}", "tls.pfxPasswordFile"},
            {"tls: {hostNames: [gw.example.com, 'bad name']}", "tls.hostNames"},
            {"auth: {clockSkew: -5s}", "auth.clockSkew"},
            {"auth: {clockSkew: 1h}", "auth.clockSkew"},
            {"auth: {developmentIssuer: {enabled: false}}", "auth.developmentIssuer.enabled"},
            {"auth: {developmentIssuer: {enabled: maybe}}", "auth.developmentIssuer.enabled"},
            {"auth: {developmentIssuer: {issuer: not a url}}", "auth.developmentIssuer.issuer"},
            {"auth: {developmentIssuer: {issuer: 'ftp://x/y'}}", "auth.developmentIssuer.issuer"},
            {"auth: {developmentIssuer: {audience: 'has space'}}", "auth.developmentIssuer.audience"},
            {"tun: {name: averyveryverylongname}", "tun.name"},
            {"tun: {name: 'vpn/0'}", "tun.name"},
            {"tun: {name: 'vpn%d%d'}", "tun.name"},
            {"tun: {queues: 0}", "tun.queues"},
            {"tun: {queues: 17}", "tun.queues"},
            {"tun: {mtu: 575}", "tun.mtu"},
            {"tun: {mtu: 9001}", "tun.mtu"},
            {"nat: {enabled: on}", "nat.enabled"},
            {"nat: {outInterface: 'eth%d'}", "nat.outInterface"},
            {"nat: {ipForward: yes}", "nat.ipForward"},
            {"nat: {ipForward: Enable}", "nat.ipForward"},
            {"nat: {table: 'my-table'}", "nat.table"},
            {"state: {directory: ''}", "state.directory"},
            {"state: {directory: [a]}", "state.directory"},
            {"timeouts: {auth: 0}", "timeouts.auth"},
            {"timeouts: {auth: 2h}", "timeouts.auth"},
            {"timeouts: {dpd: 0}", "timeouts.dpd"},
            {"timeouts: {dpd: none}", "timeouts.dpd"},
            {"timeouts: {dpd: 1500ms}", "timeouts.dpd"},
            {"timeouts:\n  dpd: 1:30", "timeouts.dpd"},
            {"timeouts: {dpd: -90s}", "timeouts.dpd"},
            {"timeouts: {dpd: 90 s}", "timeouts.dpd"},
            {"timeouts: {dpd: 90sec}", "timeouts.dpd"},
            {"timeouts: {keepalive: 2d}", "timeouts.keepalive"},
            {"timeouts: {idle: never}", "timeouts.idle"},
            {"timeouts: {idle: 400d}", "timeouts.idle"},
            {"timeouts: {session: -1}", "timeouts.session"},
            {"timeouts: {session: 2001-12-14}", "timeouts.session"},
            {"timeouts: {cookie: 8d}", "timeouts.cookie"},
            {"dtls: {maxHandshakes: 0}", "dtls.maxHandshakes"},
            {"dtls: {maxHandshakes: 4097}", "dtls.maxHandshakes"},
            {"dtls: {warmupHandshakes: -1}", "dtls.warmupHandshakes"},
            {"dtls: {warmupHandshakes: 100001}", "dtls.warmupHandshakes"},
            {"dtls: {warmupHandshakes: many}", "dtls.warmupHandshakes"},
            {"dtls: {recordCrypto: openssl}", "dtls.recordCrypto"},
            {"dtls: {recordCrypto: GNUTLS}", "dtls.recordCrypto"},
            {"dtls: {recordCrypto: ''}", "dtls.recordCrypto"},
            {"dtls: {datagramReader: recvmmsg}", "dtls.datagramReader"},
            {"dtls: {datagramReader: NETTY}", "dtls.datagramReader"},
            {"warmup: {logins: -1}", "warmup.logins"},
            {"warmup: {logins: 100001}", "warmup.logins"},
            {"warmup: {logins: all}", "warmup.logins"},
            {"warmup: {packets: -1}", "warmup.packets"},
            {"warmup: {packets: 1000001}", "warmup.packets"},
            {"warmup: {packets: lots}", "warmup.packets"},
            {"warmup: {maxDuration: 0s}", "warmup.maxDuration"},
            {"warmup: {maxDuration: 6m}", "warmup.maxDuration"},
            {"warmup: {maxDuration: soon}", "warmup.maxDuration"},
            {"warmup: {handshakes: 3}", "warmup.handshakes"},
            {"metrics: {listen: 9410}", "metrics.listen"},
            {"metrics: {listen: 'localhost:9410'}", "metrics.listen"},
            {"metrics: {listen: '::1:9410'}", "metrics.listen"},
            {"metrics: {enabled: 'no'}", "metrics.enabled"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> parse(c[0]))
                    .as(c[0])
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.key()).isEqualTo(c[1]);
                        assertThat(e.isFileLevel()).isFalse();
                        assertThat(e.getMessage()).startsWith("config key '" + c[1] + "': ").doesNotContain("\n");
                        assertThat(e.problem()).isNotBlank();
                    });
        }
    }

    @Test
    void errorMessagesExplainTheProblem() {
        assertThatThrownBy(() -> parse("network: 10.0.0.1/24"))
                .hasMessage("config key 'network': 10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?");
        assertThatThrownBy(() -> parse("listenPort: 70000"))
                .hasMessage("config key 'listenPort': expected a whole number from 1 to 65535, found \"70000\"");
        assertThatThrownBy(() -> parse("routeIncludes: [10.0.0.0/8, 10.0.0.1/24]"))
                .hasMessage("config key 'routeIncludes': item 2: 10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?");
        assertThatThrownBy(() -> parse("timeouts: {dpd: soon}")).hasMessage("config key 'timeouts.dpd': not a duration: \"soon\""
                + " (expected a number with a unit: 500ms, 90s, 5m, 24h or 2d; a plain number means seconds)");
        assertThatThrownBy(() -> parse("timeouts: {dpd: 1500ms}"))
                .hasMessageContaining("must be a whole number of seconds");
        assertThatThrownBy(() -> parse("auth: {developmentIssuer: {enabled: false}}"))
                .hasMessage("config key 'auth.developmentIssuer.enabled': no token issuer is enabled");
        assertThatThrownBy(() -> parse("disableUdpConnections: yes"))
                .hasMessage("config key 'disableUdpConnections': expected true or false, found \"yes\"");
    }

    @Test
    void yaml11SurprisesDoNotTurnIntoWrongValues() throws ConfigException {
        // 0443 would be octal 291 and 1:20 would be 80 under YAML 1.1 resolution; both are refused instead.
        assertThatThrownBy(() -> parse("listenPort: 0443")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> parse("timeouts: {auth: '1:20'}")).isInstanceOf(ConfigException.class);
        // Quoted numbers and booleans are accepted as their text.
        assertThat(parse("listenPort: '8443'").listenPort()).isEqualTo(8443);
        assertThat(parse("listenPort: !!str 8443").listenPort()).isEqualTo(8443);
        assertThat(parse("disableUdpConnections: 'true'").disableUdpConnections()).isTrue();
        assertThat(parse("disableUdpConnections: True").disableUdpConnections()).isTrue();
        // A table name made only of digits stays text.
        assertThat(parse("nat: {table: 123}").nat().table()).isEqualTo("123");
    }

    @Test
    void listLimits() throws ConfigException {
        String routes500 = IntStream.range(0, 500).mapToObj(i -> "10." + (i / 250) + "." + (i % 250) + ".0/24")
                .collect(Collectors.joining(", ", "routeIncludes: [", "]"));
        assertThat(parse(routes500).routeIncludes()).hasSize(500);
        String routes501 = IntStream.range(0, 501).mapToObj(i -> "10." + (i / 250) + "." + (i % 250) + ".0/24")
                .collect(Collectors.joining(", ", "routeIncludes: [", "]"));
        assertThatThrownBy(() -> parse(routes501))
                .hasMessage("config key 'routeIncludes': at most 500 entries are allowed, found 501");
        String excludes501 = routes501.replace("routeIncludes", "routeExcludes");
        assertThatThrownBy(() -> parse(excludes501)).hasMessageStartingWith("config key 'routeExcludes': at most 500");
        String split501 = IntStream.range(0, 501).mapToObj(i -> "d" + i + ".example")
                .collect(Collectors.joining(", ", "splitDNS: [", "]"));
        assertThatThrownBy(() -> parse(split501)).hasMessageStartingWith("config key 'splitDNS': at most 500");
        assertThat(parse("dnsServers: [1.1.1.1, 1.1.1.2, 1.1.1.3, 1.1.1.4, 1.1.1.5, 1.1.1.6, 1.1.1.7, 1.1.1.8]")
                .dnsServers()).hasSize(8);
    }

    @Test
    void clientRangeLimits() throws ConfigException {
        assertThat(parse("network: 10.0.0.0/30").network().prefixLength()).isEqualTo(30);
        assertThat(parse("network: 10.0.0.0/8").network().prefixLength()).isEqualTo(8);
    }

    @Test
    void disablingDurations() throws ConfigException {
        assertThat(parse("timeouts: {idle: none, session: none}").timeouts().idle()).isEmpty();
        assertThat(parse("timeouts: {idle: 0, session: 0s}").timeouts().session()).isEmpty();
        assertThat(parse("timeouts: {idle: 2h}").timeouts().idle()).contains(Duration.ofHours(2));
        assertThat(parse("timeouts: {idle: 7200}").timeouts().idle()).contains(Duration.ofHours(2));
    }

    @Test
    void durationsParseToTheDefaultsWhenSpelledDifferently() throws ConfigException {
        GatewayConfig config = parse("timeouts: {auth: 1m, dpd: 90, keepalive: 4m, idle: 20m, session: 1d, cookie: 5m}");
        assertThat(config.timeouts()).isEqualTo(GatewayConfig.defaults().timeouts());
    }

    @Test
    void nullValuesMeanDefault() throws ConfigException {
        assertThat(parse("listenPort:\nnetwork: ~\ntimeouts:\n  dpd: null\n")).isEqualTo(GatewayConfig.defaults());
    }

    @Test
    void configExceptionKeepsKeyAndProblemApart() {
        ConfigException e = new ConfigException("timeouts.dpd", "must be at least 1s");
        assertThat(e.key()).isEqualTo("timeouts.dpd");
        assertThat(e.problem()).isEqualTo("must be at least 1s");
        assertThat(e.getMessage()).isEqualTo("config key 'timeouts.dpd': must be at least 1s");
        assertThat(new ConfigException("a\nb", "c\nd").getMessage()).doesNotContain("\n");
        assertThat(ConfigException.forFile("/etc/gw.yaml", "does not exist").getMessage())
                .isEqualTo("config file /etc/gw.yaml: does not exist");
    }
}
