package io.github.tunnelgw.core.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The external programs the harness runs, resolved to absolute paths once. Absolute paths matter because
 * {@code ip netns exec} looks its command up on the PATH it inherits, and Maven may run without the sbin
 * directories on PATH.
 */
enum Tool {
    IP("ip", "iproute2"),
    NFT("nft", "nftables"),
    OPENCONNECT("openconnect", "openconnect"),
    PING("ping", "iputils-ping"),
    CURL("curl", "curl"),
    SS("ss", "iproute2"),
    KILL("kill", "procps"),
    SYSCTL("sysctl", "procps"),
    TCPDUMP("tcpdump", "tcpdump");

    private static final List<String> FALLBACK_DIRECTORIES = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");

    private final String program;
    private final String debianPackage;
    private volatile Optional<Path> resolved;

    Tool(String program, String debianPackage) {
        this.program = program;
        this.debianPackage = debianPackage;
    }

    /** The absolute path of the program; throws naming the package to install if it is missing. */
    String path() {
        return find().orElseThrow(() -> new HarnessException(
                program + " is not installed (Debian package " + debianPackage + ")")).toString();
    }

    Optional<Path> find() {
        Optional<Path> result = resolved;
        if (result == null) {
            result = search();
            resolved = result;
        }
        return result;
    }

    /** "nft (nftables), curl (curl)" for the tools in {@code needed} that are missing; empty if none is. */
    static String describeMissing(Tool... needed) {
        List<String> missing = new ArrayList<>();
        for (Tool tool : needed) {
            if (tool.find().isEmpty()) {
                missing.add(tool.program + " (package " + tool.debianPackage + ")");
            }
        }
        return String.join(", ", missing);
    }

    private Optional<Path> search() {
        Set<String> directories = new LinkedHashSet<>();
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            directories.addAll(Arrays.asList(pathVariable.split(":")));
        }
        directories.addAll(FALLBACK_DIRECTORIES);
        for (String directory : directories) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
