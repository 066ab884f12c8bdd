package io.github.tunnelgw.core.config;

import io.github.tunnelgw.core.net.Printable;

/**
 * A configuration problem, reported to the operator as one line that names where it is and what is
 * wrong: {@code config key 'tls.certFile': unknown key; ...} or, for problems with the file itself,
 * {@code config file /etc/gw.yaml: does not exist}. The text never contains a secret value.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final int MAX_KEY = 120;

    private final String key;
    private final String problem;
    private final boolean fileLevel;

    /** A problem with the value of the dotted key, e.g. {@code timeouts.dpd}. */
    public ConfigException(String dottedKey, String problem) {
        this(clean(dottedKey, MAX_KEY), clean(problem, Integer.MAX_VALUE), false);
    }

    private ConfigException(String key, String problem, boolean fileLevel) {
        super((fileLevel ? "config file " + key : "config key '" + key + "'") + ": " + problem);
        this.key = key;
        this.problem = problem;
        this.fileLevel = fileLevel;
    }

    /** A problem with the whole file (missing, unreadable, not YAML, not a map). */
    public static ConfigException forFile(String source, String problem) {
        return new ConfigException(clean(source, Integer.MAX_VALUE), clean(problem, Integer.MAX_VALUE), true);
    }

    // Keys and problems may carry user text; keep the message on one line and of bounded size.
    private static String clean(String text, int max) {
        String line = Printable.oneLine(text);
        return line.length() > max ? line.substring(0, max) + "..." : line;
    }

    /** The dotted key, or for a file-level problem the file's name. */
    public String key() {
        return key;
    }

    /** What is wrong, without the key. */
    public String problem() {
        return problem;
    }

    /** Whether the problem concerns the file as a whole rather than one key. */
    public boolean isFileLevel() {
        return fileLevel;
    }
}
