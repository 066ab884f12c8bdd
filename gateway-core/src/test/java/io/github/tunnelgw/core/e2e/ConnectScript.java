package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The script openconnect runs instead of vpnc-script (which would edit resolv.conf). Each invocation first
 * configures the tun on connect/reconnect (up with the given MTU, the leased address, a route per split include),
 * then records its whole environment in its own file, written to a temporary name and renamed, so a reader never
 * sees half a record. A record of a connect therefore means the tunnel is usable.
 */
final class ConnectScript {
    private static final String TEMPLATE = """
            #!/bin/sh
            # Written by the end-to-end harness. Records every invocation; sets up the tun without touching DNS.
            PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
            export PATH
            dir='%s'
            case "$reason" in
              connect|reconnect)
                ip link set dev "$TUNDEV" up mtu "$INTERNAL_IP4_MTU" 2>>"$dir/script-errors.log"
                ip addr replace "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV" 2>>"$dir/script-errors.log"
                i=0
                while [ "$i" -lt "${CISCO_SPLIT_INC:-0}" ]; do
                  eval "net=\\$CISCO_SPLIT_INC_${i}_ADDR/\\$CISCO_SPLIT_INC_${i}_MASKLEN"
                  ip route replace "$net" dev "$TUNDEV" 2>>"$dir/script-errors.log"
                  i=$((i + 1))
                done
                ;;
            esac
            now=$(date +%%s%%N)
            TGW_E2E_RECORDED_AT_NANOS=$now env -0 > "$dir/.record-$$.tmp"
            mv "$dir/.record-$$.tmp" "$dir/records/record-$now-$reason.env0"
            exit 0
            """;

    private final Path directory;
    private final Path script;

    private ConnectScript(Path directory, Path script) {
        this.directory = directory;
        this.script = script;
    }

    /** Writes the script into {@code directory}, which then also holds its records and error log. */
    static ConnectScript write(Path directory) {
        try {
            Files.createDirectories(directory.resolve("records"));
            Path script = directory.resolve("connect-script.sh");
            Files.writeString(script, TEMPLATE.formatted(directory.toAbsolutePath()));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new ConnectScript(directory, script);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the connect script in " + directory, e);
        }
    }

    Path path() {
        return script;
    }

    /** What the tun setup commands printed on stderr (empty when all worked). */
    String errors() {
        Path log = directory.resolve("script-errors.log");
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every record so far, oldest first (file names start with the nanosecond time, all of equal length). */
    List<ScriptRecord> records() {
        try (Stream<Path> files = Files.list(directory.resolve("records"))) {
            List<ScriptRecord> records = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".env0")).sorted().toList()) {
                records.add(ScriptRecord.parse(Files.readAllBytes(file), file.toString()));
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the script records in " + directory, e);
        }
    }
}
