package io.github.tunnelgw.core.e2e;

import java.util.List;

/** What a finished command did: its exit status and everything it printed. */
record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    private static final int MAX_QUOTED_CHARS = 4000;

    CommandResult {
        command = List.copyOf(command);
    }

    boolean succeeded() {
        return exitCode == 0;
    }

    /** For failure messages: the command, its status and (the end of) its output. */
    String describe() {
        return "`" + String.join(" ", command) + "` exited with " + exitCode
                + "\n--- stdout ---\n" + tail(stdout) + "\n--- stderr ---\n" + tail(stderr);
    }

    static String tail(String text) {
        return text.length() <= MAX_QUOTED_CHARS ? text : "..." + text.substring(text.length() - MAX_QUOTED_CHARS);
    }
}
