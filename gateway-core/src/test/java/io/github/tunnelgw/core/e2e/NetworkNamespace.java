package io.github.tunnelgw.core.e2e;

import java.util.ArrayList;
import java.util.List;

/** A named network namespace; builds commands that run inside it with {@code ip netns exec}. */
record NetworkNamespace(String name) {

    /** {@code ip netns exec <name> <program> <args...>}; {@code ip netns exec} execs, so the PID is the program's. */
    List<String> command(String program, String... args) {
        List<String> command = new ArrayList<>(List.of(Tool.IP.path(), "netns", "exec", name, program));
        command.addAll(List.of(args));
        return command;
    }

    List<String> command(List<String> programAndArgs) {
        List<String> command = new ArrayList<>(List.of(Tool.IP.path(), "netns", "exec", name));
        command.addAll(programAndArgs);
        return command;
    }

    CommandResult run(Tool tool, String... args) {
        return Commands.run(command(tool.path(), args));
    }

    CommandResult runChecked(Tool tool, String... args) {
        return Commands.runChecked(command(tool.path(), args));
    }

    /** Sets a sysctl of this namespace; the {@code net.*} ones are per namespace, so the host keeps its own. */
    void sysctl(String key, String value) {
        runChecked(Tool.SYSCTL, "-qw", key + "=" + value);
    }

    /** The value of a sysctl as this namespace sees it. */
    String sysctl(String key) {
        return runChecked(Tool.SYSCTL, "-n", key).stdout().strip();
    }

    /** {@code ip -n <name> ...}: configures this namespace without entering it. */
    CommandResult ip(String... args) {
        List<String> command = new ArrayList<>(List.of(Tool.IP.path(), "-n", name));
        command.addAll(List.of(args));
        return Commands.runChecked(command);
    }

    @Override
    public String toString() {
        return name;
    }
}
