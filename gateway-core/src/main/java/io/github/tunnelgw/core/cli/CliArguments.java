package io.github.tunnelgw.core.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code <subcommand> [--name value | --name=value]...}, checked against the options the subcommand knows. */
public record CliArguments(String command, Map<String, String> options) {

    public static CliArguments parse(String[] args, Map<String, Set<String>> optionsByCommand) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("missing subcommand; use one of " + String.join(", ", optionsByCommand.keySet()));
        }
        String command = args[0];
        Set<String> known = optionsByCommand.get(command);
        if (known == null) {
            throw new UsageException("unknown subcommand '" + command + "'; use one of " + String.join(", ", optionsByCommand.keySet()));
        }
        Map<String, String> options = new HashMap<>();
        List<String> rest = List.of(args).subList(1, args.length);
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= rest.size()) {
                    throw new UsageException("option --" + name + " needs a value");
                }
                value = rest.get(++i);
            }
            if (!known.contains(name)) {
                throw new UsageException("unknown option --" + name + " for '" + command + "'");
            }
            if (options.put(name, value) != null) {
                throw new UsageException("option --" + name + " given twice");
            }
        }
        return new CliArguments(command, Map.copyOf(options));
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    public String required(String name) throws UsageException {
        return option(name).orElseThrow(() -> new UsageException("'" + command + "' needs --" + name));
    }

    public Optional<Path> path(String name) {
        return option(name).map(Path::of);
    }
}
