/**
 * End-to-end tests of the gateway with the real openconnect 9.01 client, and the harness they run on.
 *
 * <p>Each test class builds a {@link io.github.tunnelgw.core.e2e.Topology} (client, gateway and internal network
 * namespaces with unique names, joined by veths, no route between the end hosts), starts {@code bin/gateway run}
 * in the gateway namespace ({@link io.github.tunnelgw.core.e2e.GatewayProcess}), and drives openconnect in the
 * client namespace ({@link io.github.tunnelgw.core.e2e.OpenconnectClient}) with a connect script that records
 * every invocation's environment and sets up the tun itself. Traffic is checked with
 * {@link io.github.tunnelgw.core.e2e.TcpSource}/{@link io.github.tunnelgw.core.e2e.TcpSink} (SHA-256 of both ends,
 * the source address the internal host saw) and ping; gateway state through its Prometheus endpoint.
 *
 * <p>Run as root: {@code mvn verify} (or {@code bin/test}); the classes named {@code *IT} run in failsafe's
 * integration-test phase, after {@code package} built what {@code bin/gateway} runs. {@code -Dgateway.e2e=false}
 * skips them; otherwise a missing prerequisite (root, ip, nft, openconnect, curl, ss, ping; tcpdump for the tests
 * that capture) fails them. Logs,
 * connect-script records and results stay in {@code gateway-core/target/e2e/<TestClass>/} for diagnosis.
 * Namespaces and processes are removed in close(); a shutdown hook does it if the JVM ends early, and the next run
 * removes namespaces left by a run that was killed outright.
 */
package io.github.tunnelgw.core.e2e;
