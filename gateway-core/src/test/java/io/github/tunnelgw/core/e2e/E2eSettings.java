package io.github.tunnelgw.core.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether end-to-end tests run, and what they need. {@code -Dgateway.e2e=false} skips them (an assumption, so
 * they show as skipped); otherwise a missing prerequisite fails them loudly instead of skipping silently.
 */
final class E2eSettings {
    static final String ENABLED_PROPERTY = "gateway.e2e";
    static final String ROOT_PROPERTY = "project.root";
    private static final String SKIP_HINT = " (run with -Dgateway.e2e=false to skip the end-to-end tests)";

    private E2eSettings() {
    }

    /** For tests that only need namespaces, veths and ping. */
    static void requireNetworkPrerequisites() {
        assumeEnabled();
        List<String> problems = new ArrayList<>();
        checkRoot(problems);
        checkTools(problems, Tool.IP, Tool.PING, Tool.SS, Tool.KILL, Tool.SYSCTL);
        report(problems);
    }

    /** For tests that run the gateway and openconnect. */
    static void requireGatewayPrerequisites() {
        assumeEnabled();
        List<String> problems = new ArrayList<>();
        checkRoot(problems);
        checkTools(problems, Tool.IP, Tool.PING, Tool.SS, Tool.KILL, Tool.NFT, Tool.OPENCONNECT, Tool.CURL);
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            problems.add("/dev/net/tun is missing (load the tun module)");
        }
        Path root = projectRoot();
        if (!Files.isExecutable(root.resolve("bin/gateway"))) {
            problems.add(root.resolve("bin/gateway") + " is missing or not executable");
        }
        Path target = root.resolve("gateway-core/target");
        if (!Files.isDirectory(target.resolve("classes")) || !Files.isDirectory(target.resolve("lib"))) {
            // bin/gateway would build the project itself, which must not happen inside a Maven run
            problems.add("the gateway is not built (" + target + "/classes and /lib); run `mvn package` or `mvn verify`");
        }
        report(problems);
    }

    /** The reactor root: the {@code project.root} property that failsafe passes, else found from the test classes. */
    static Path projectRoot() {
        String property = System.getProperty(ROOT_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        // gateway-core/target/test-classes -> the reactor root
        return TestClasses.directory().getParent().getParent().getParent();
    }

    private static void assumeEnabled() {
        assumeFalse("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true").strip()),
                "end-to-end tests are disabled by -D" + ENABLED_PROPERTY + "=false");
    }

    private static void checkRoot(List<String> problems) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String effectiveUid = line.substring(4).strip().split("\\s+")[1];
                    if (!effectiveUid.equals("0")) {
                        problems.add("they must run as root (effective uid is " + effectiveUid
                                + "): they create network namespaces and tun devices");
                    }
                    return;
                }
            }
            problems.add("cannot tell the user id from /proc/self/status");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status", e);
        }
    }

    private static void checkTools(List<String> problems, Tool... tools) {
        String missing = Tool.describeMissing(tools);
        if (!missing.isEmpty()) {
            problems.add("missing programs: " + missing);
        }
    }

    private static void report(List<String> problems) {
        if (!problems.isEmpty()) {
            fail("end-to-end prerequisites not met: " + String.join("; ", problems) + SKIP_HINT);
        }
    }
}
