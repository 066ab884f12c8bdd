package io.github.tunnelgw.core.e2e;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the namespaces the harness creates: {@code tgwe2e-<role>-<pid>-<random>}. The PID of the creating JVM
 * in the name lets a later run recognise namespaces left behind by a run that was killed (its backstop could not
 * run) and remove them, without touching anything it did not create.
 */
final class NamespaceNames {
    static final String PREFIX = "tgwe2e-";
    private static final Pattern OURS = Pattern.compile(Pattern.quote(PREFIX) + "[a-z]+-([0-9]{1,10})-[0-9a-f]{6}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private NamespaceNames() {
    }

    /** A fresh run id, {@code <pid>-<6 hex>}, unique per call. */
    static String newRunId() {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        return ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }

    static String of(String role, String runId) {
        return PREFIX + role + "-" + runId;
    }

    /** The PID of the JVM that created the namespace, if the name is one of ours. */
    static OptionalLong creatorPid(String namespaceName) {
        Matcher m = OURS.matcher(namespaceName);
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** Names in {@code ip netns list} (first word of each line: the list may add "(id: N)"). */
    static List<String> existing() {
        CommandResult list = Commands.runChecked(List.of(Tool.IP.path(), "netns", "list"));
        List<String> names = new ArrayList<>();
        for (String line : list.stdout().split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                names.add(trimmed.split("\\s+", 2)[0]);
            }
        }
        return names;
    }

    /**
     * Removes namespaces of ours whose creating JVM is gone. Processes still inside one are reported, not killed:
     * the harness kills only processes it started in this run.
     */
    static void removeStale() {
        for (String name : existing()) {
            OptionalLong pid = creatorPid(name);
            if (pid.isEmpty() || ProcessHandle.of(pid.getAsLong()).isPresent()) {
                continue;
            }
            CommandResult pids = Commands.run(List.of(Tool.IP.path(), "netns", "pids", name));
            if (!pids.stdout().isBlank()) {
                System.err.println("e2e: stale namespace " + name + " still has processes " + pids.stdout().strip()
                        .replace('\n', ' ') + "; removing its name anyway");
            }
            Commands.run(List.of(Tool.IP.path(), "netns", "del", name));
        }
    }
}
