package io.github.tunnelgw.core.e2e;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the compiled test classes are, and how to run one of their main classes in another namespace. */
final class TestClasses {
    private TestClasses() {
    }

    /** target/test-classes of this module (failsafe's own class path is a manifest jar, so it is not used). */
    static Path directory() {
        try {
            Path location = Path.of(TestClasses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(location)) {
                throw new HarnessException("test classes are not in a directory but in " + location);
            }
            return location;
        } catch (URISyntaxException e) {
            throw new HarnessException("cannot locate the test classes", e);
        }
    }

    /** The module's build directory (target). */
    static Path buildDirectory() {
        return directory().getParent();
    }

    /** A command that runs {@code mainClass} (JDK classes only) with the JDK running the tests, small and quick to start. */
    static List<String> javaCommand(Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
                "-cp", directory().toString(), mainClass.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
