package io.github.tunnelgw.loadclient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The command line (see run.sh). Every option is checked here so a typo stops the run before any connection. */
record Options(String host, int port, String pinSha256, boolean insecure, Credentials credentials,
               Mode mode, int concurrency, int durationSeconds, int warmupSeconds, int sessions, int rampPerSecond,
               int threads) {

    enum Mode { LOGINS, HOLD }

    sealed interface Credentials permits Token, Password {}

    /** Bearer token, sent only after the server's {@code 401 WWW-Authenticate: Bearer} challenge (as openconnect). */
    record Token(String value) implements Credentials {}

    /** ocserv's form flow: the user name and the password as the server asks for them. */
    record Password(String user, String password) implements Credentials {}

    static Options parse(String[] args) {
        String server = null, pin = null, auth = null, mode = null;
        boolean insecure = false;
        int concurrency = 1, duration = 10, warmup = 5, sessions = 0, ramp = 100, threads = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--insecure" -> insecure = true;
                case "--server" -> server = value(args, ++i, a);
                case "--pin-sha256" -> pin = value(args, ++i, a);
                case "--auth" -> auth = value(args, ++i, a);
                case "--mode" -> mode = value(args, ++i, a);
                case "--concurrency" -> concurrency = positive(value(args, ++i, a), a);
                case "--duration" -> duration = positive(value(args, ++i, a), a);
                case "--warmup" -> warmup = nonNegative(value(args, ++i, a), a);
                case "--sessions" -> sessions = positive(value(args, ++i, a), a);
                case "--ramp" -> ramp = positive(value(args, ++i, a), a);
                case "--threads" -> threads = positive(value(args, ++i, a), a);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (server == null || !server.contains(":")) {
            throw new IllegalArgumentException("--server HOST:PORT is required");
        }
        if ((pin == null) == !insecure) {
            throw new IllegalArgumentException("exactly one of --pin-sha256 BASE64 and --insecure is required");
        }
        if (pin != null && pin.startsWith("pin-sha256:")) {
            pin = pin.substring("pin-sha256:".length());
        }
        if (auth == null) {
            throw new IllegalArgumentException("--auth token:FILE or --auth password:USER:PASS is required");
        }
        if (mode == null) {
            throw new IllegalArgumentException("--mode logins|hold is required");
        }
        Mode m = switch (mode) {
            case "logins" -> Mode.LOGINS;
            case "hold" -> Mode.HOLD;
            default -> throw new IllegalArgumentException("--mode must be logins or hold, not " + mode);
        };
        if (m == Mode.HOLD && sessions == 0) {
            throw new IllegalArgumentException("--mode hold needs --sessions N");
        }
        int colon = server.lastIndexOf(':');
        return new Options(server.substring(0, colon), positive(server.substring(colon + 1), "--server port"), pin,
                insecure, credentials(auth), m, concurrency, duration, warmup, sessions, ramp, threads);
    }

    private static Credentials credentials(String auth) {
        if (auth.startsWith("token:")) {
            try {
                // Read verbatim like openconnect, but a trailing newline would end the header block: refuse it.
                String token = Files.readString(Path.of(auth.substring(6)), StandardCharsets.US_ASCII).strip();
                if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                    throw new IllegalArgumentException("token file holds no single printable token");
                }
                return new Token(token);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read token file: " + e.getMessage());
            }
        }
        if (auth.startsWith("password:")) {
            String rest = auth.substring(9);
            int colon = rest.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--auth password:USER:PASS");
            }
            return new Password(rest.substring(0, colon), rest.substring(colon + 1));
        }
        throw new IllegalArgumentException("--auth must be token:FILE or password:USER:PASS");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int nonNegative(String s, String option) {
        return s.equals("0") ? 0 : positive(s, option);
    }

    private static int positive(String s, String option) {
        try {
            int v = Integer.parseInt(s);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": not a positive integer: " + s);
    }
}
