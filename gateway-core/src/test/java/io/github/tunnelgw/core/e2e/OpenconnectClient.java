package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the real openconnect client in the client namespace against the gateway, pinned to the gateway's
 * certificate, non-interactive, with the harness's {@link ConnectScript}. Each run gets its own directory for the
 * script, its records, the token file and openconnect's output.
 */
final class OpenconnectClient {
    private static final Duration AUTHENTICATE_TIMEOUT = Duration.ofSeconds(60);

    private final NetworkNamespace namespace;
    private final String serverUrl;
    private final String pin;
    private final Path workDirectory;
    private final AtomicInteger runs = new AtomicInteger();

    OpenconnectClient(Topology topology, String pin, Path workDirectory) {
        this.namespace = topology.client();
        this.serverUrl = "https://" + topology.gatewayOuterAddress() + "/";
        this.pin = pin;
        this.workDirectory = workDirectory;
    }

    String serverUrl() {
        return serverUrl;
    }

    /** Starts {@code openconnect} to bring a tunnel up; the run keeps going until interrupted or refused. */
    OpenconnectRun connect(String label, ClientLogin login, String... extraArgs) {
        Path directory = runDirectory(label);
        ConnectScript script = ConnectScript.write(directory);
        List<String> args = commonArgs();
        args.addAll(List.of("-v", "--timestamp", "--reconnect-timeout", "60", "--script", script.path().toString()));
        args.addAll(loginArgs(login, directory));
        args.addAll(List.of(extraArgs));
        args.add(serverUrl);
        String stdin = login instanceof ClientLogin.Cookie cookie ? cookie.cookie() + "\n" : null;
        BackgroundProcess process = BackgroundProcess.start("openconnect " + label,
                namespace.command(Tool.OPENCONNECT.path(), args.toArray(String[]::new)),
                directory.resolve("openconnect.log"), Map.of(), stdin);
        return new OpenconnectRun(label, process, script);
    }

    /** {@code openconnect --authenticate}: logs in, prints the cookie and exits without a tunnel. */
    AuthenticationResult authenticate(String label, ClientLogin.Token login) {
        Path directory = runDirectory(label);
        List<String> args = commonArgs();
        args.add("--authenticate");
        args.addAll(loginArgs(login, directory));
        args.add(serverUrl);
        CommandResult result = Commands.run(AUTHENTICATE_TIMEOUT,
                namespace.command(Tool.OPENCONNECT.path(), args.toArray(String[]::new)), null);
        writeQuietly(directory.resolve("openconnect-stderr.log"), result.stderr());
        return new AuthenticationResult(result.exitCode(), ShellAssignments.parse(result.stdout()),
                "`" + String.join(" ", result.command()) + "` exited with " + result.exitCode()
                        + "\n--- stderr ---\n" + CommandResult.tail(result.stderr()));
    }

    private List<String> commonArgs() {
        return new ArrayList<>(List.of("--protocol=anyconnect", "--non-inter", "--servercert", pin));
    }

    private static List<String> loginArgs(ClientLogin login, Path directory) {
        return switch (login) {
            case ClientLogin.Token token -> {
                List<String> args = new ArrayList<>(List.of("--token-mode=oidc",
                        "--token-secret=@" + writeTokenFile(directory, token.token())));
                if (token.httpAuthBearer()) {
                    args.add("--http-auth=Bearer");
                }
                yield args;
            }
            case ClientLogin.Cookie cookie -> List.of("--cookie-on-stdin");
        };
    }

    /** Owner-only, and without a trailing newline: openconnect sends the file verbatim as the header value. */
    private static Path writeTokenFile(Path directory, String token) {
        Path file = directory.resolve("token");
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token file in " + directory, e);
        }
    }

    private Path runDirectory(String label) {
        return E2eOutput.subdirectory(workDirectory, String.format("%02d-%s", runs.incrementAndGet(), label));
    }

    private static void writeQuietly(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            // diagnostics only
        }
    }
}
