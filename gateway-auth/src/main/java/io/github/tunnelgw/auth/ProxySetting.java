package io.github.tunnelgw.auth;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How discovery documents and key sets are fetched: directly, or through an HTTP proxy (HTTPS goes through it
 * with CONNECT). {@code env} reads {@code HTTPS_PROXY}/{@code https_proxy} and honours {@code NO_PROXY}/
 * {@code no_proxy} (comma-separated host names or {@code .domain} suffixes, {@code *} for all).
 *
 * @param proxy    the proxy's address, empty for direct connections
 * @param noProxy  hosts reached directly even when a proxy is set
 * @param describe how the setting reads in logs (never includes credentials)
 */
public record ProxySetting(Optional<InetSocketAddress> proxy, List<String> noProxy, String describe) {

    public ProxySetting {
        noProxy = List.copyOf(noProxy);
    }

    public static ProxySetting direct() {
        return new ProxySetting(Optional.empty(), List.of(), "none");
    }

    /**
     * @param text {@code none}, {@code env}, or an {@code http://host:port} URL
     * @throws IllegalArgumentException for anything else, or a proxy URL with credentials (unsupported: they would
     *                                  end up in config files and logs)
     */
    public static ProxySetting parse(String text, Map<String, String> environment) {
        return switch (text) {
            case "none" -> direct();
            case "env" -> fromEnvironment(environment);
            default -> new ProxySetting(Optional.of(address(text)), List.of(), text);
        };
    }

    static ProxySetting fromEnvironment(Map<String, String> environment) {
        String value = firstSet(environment, "HTTPS_PROXY", "https_proxy");
        if (value == null) {
            return new ProxySetting(Optional.empty(), List.of(), "env (no HTTPS_PROXY set)");
        }
        String noProxy = firstSet(environment, "NO_PROXY", "no_proxy");
        List<String> hosts = noProxy == null ? List.of() : Arrays.stream(noProxy.split(","))
                .map(String::strip).filter(h -> !h.isEmpty()).map(h -> h.toLowerCase(Locale.ROOT)).toList();
        InetSocketAddress address;
        try {
            address = address(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HTTPS_PROXY: " + e.getMessage());
        }
        return new ProxySetting(Optional.of(address), hosts, "env (HTTPS_PROXY " + address.getHostString() + ":"
                + address.getPort() + ")");
    }

    /** The proxy to use for {@code url}. */
    public Proxy proxyFor(URL url) {
        if (proxy.isEmpty() || bypassed(url.getHost().toLowerCase(Locale.ROOT))) {
            return Proxy.NO_PROXY;
        }
        return new Proxy(Proxy.Type.HTTP, proxy.get());
    }

    private boolean bypassed(String host) {
        for (String entry : noProxy) {
            if (entry.equals("*") || host.equals(entry) || (entry.startsWith(".") && host.endsWith(entry))
                    || host.endsWith("." + entry)) {
                return true;
            }
        }
        return false;
    }

    private static String firstSet(Map<String, String> environment, String... names) {
        for (String name : names) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }

    private static InetSocketAddress address(String text) {
        String withScheme = text.contains("://") ? text : "http://" + text;
        try {
            URI uri = new URI(withScheme);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1
                    || uri.getRawUserInfo() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()
                    || uri.getRawPath().equals("/")) || uri.getRawQuery() != null) {
                throw new IllegalArgumentException("expected none, env or http://host:port (without credentials)");
            }
            return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("expected none, env or http://host:port (without credentials)");
        }
    }
}
