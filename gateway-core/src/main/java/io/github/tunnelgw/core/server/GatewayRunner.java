package io.github.tunnelgw.core.server;

import io.github.tunnelgw.auth.IssuerRouter;
import io.github.tunnelgw.core.config.GatewayConfig;
import io.github.tunnelgw.core.edge.TunEdge;
import io.github.tunnelgw.core.tls.CertificatePins;
import io.github.tunnelgw.core.tls.ServerCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;

/** {@code gateway run}: start everything, say how to connect, and stay up until SIGTERM/SIGINT. */
public final class GatewayRunner {
    private static final Logger log = LoggerFactory.getLogger(GatewayRunner.class);

    private GatewayRunner() {
    }

    public static int run(GatewayConfig config, PrintStream out) throws Exception {
        Files.createDirectories(config.stateDirectory());
        ServerCredentials credentials = ServerIdentity.load(config);
        config.warnings().forEach(warning -> log.warn("config: {}", warning));
        IssuerRouter tokens = TokenIssuers.validator(config);
        GatewayServer server;
        try {
            server = GatewayServer.start(config, credentials,
                    tokens, pool -> openEdge(config, pool.gatewayAddress()));
        } catch (Exception e) {
            tokens.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            server.close();
            tokens.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        String pin = CertificatePins.pinSha256(credentials.chain().get(0));
        log.info("gateway ready: listening on {}, {}, clients get addresses from {}, accepting tokens of {}",
                server.address(), server.edge().describe(), config.network(), tokens.issuers());
        out.println(connectHint(config, pin));
        out.flush();
        stopped.await();
        return 0;
    }

    private static TunEdge openEdge(GatewayConfig config, int gatewayAddress) throws IOException {
        GatewayConfig.Nat nat = config.nat();
        TunEdge.Settings settings = new TunEdge.Settings(config.tun().name(), config.tun().queues(), config.tun().mtu(),
                config.network(), gatewayAddress, nat.enabled(), nat.outInterface(),
                TunEdge.ForwardingMode.valueOf(nat.ipForward().name()), nat.table());
        return TunEdge.open(settings);
    }

    private static String connectHint(GatewayConfig config, String pin) {
        String host = config.listenAddress().isAnyLocalAddress() ? "<this-host>" : config.listenAddress().getHostAddress();
        String port = config.listenPort() == 443 ? "" : ":" + config.listenPort();
        String configOption = config.sourceFile().map(f -> " --config " + f).orElse("");
        return "Connect with openconnect (9.01 or later):\n"
                + (config.auth().developmentIssuer().enabled()
                        ? "  TOKEN=$(bin/gateway token" + configOption + " --user alice)\n"
                        : "  TOKEN=<an access token for the Microsoft Tunnel Gateway from your identity provider>\n")
                + "  sudo openconnect --protocol=anyconnect --servercert " + pin
                + " --token-mode=oidc --token-secret=\"$TOKEN\" https://" + host + port + "/";
    }
}
