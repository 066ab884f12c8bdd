package io.github.tunnelgw.core.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ping -c N -W 2} from inside a namespace, with the reply count parsed from its summary. */
final class Ping {
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");

    record Result(int transmitted, int received, String output) {
        boolean anyReply() {
            return received > 0;
        }
    }

    private Ping() {
    }

    static Result from(NetworkNamespace namespace, String address, int count) {
        CommandResult result = namespace.run(Tool.PING, "-n", "-c", Integer.toString(count), "-i", "0.2", "-W", "2", address);
        String output = result.stdout() + result.stderr();
        Matcher m = SUMMARY.matcher(output);
        if (!m.find()) {
            // e.g. "connect: Network is unreachable": nothing was even sent
            return new Result(0, 0, output);
        }
        return new Result(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), output);
    }
}
