package io.github.tunnelgw.core.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Per-class and per-test directories under target/e2e for logs, scripts and results kept for diagnosis. */
final class E2eOutput {
    private E2eOutput() {
    }

    /** target/e2e/{@code name}, emptied first so a directory shows only the latest run. */
    static Path freshDirectory(String name) {
        Path directory = TestClasses.buildDirectory().resolve("e2e").resolve(name);
        try {
            if (Files.exists(directory)) {
                try (Stream<Path> paths = Files.walk(directory)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + directory, e);
        }
    }

    static Path subdirectory(Path parent, String name) {
        try {
            return Files.createDirectories(parent.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + parent.resolve(name), e);
        }
    }
}
