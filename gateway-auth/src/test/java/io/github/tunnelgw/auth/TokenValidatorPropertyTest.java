package io.github.tunnelgw.auth;

import static io.github.tunnelgw.auth.TokenLeakAssertions.assertNoTokenLeak;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterContainer;

class TokenValidatorPropertyTest {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final Path STATE = createStateDirectory();
    private static final DevelopmentIssuer ISSUER = createIssuer();
    private static final TokenValidator VALIDATOR = ISSUER.validator();
    private static final String VALID_TOKEN = ISSUER.mint("alice@example.test", Duration.ofHours(1));

    @AfterContainer
    static void removeState() throws IOException {
        try (Stream<Path> paths = Files.walk(STATE)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Property(tries = 1000)
    void arbitraryStringsAreRejectedWithTokenRejectedExceptionOnly(@ForAll String input) {
        assertRejectedWithoutLeak(input);
    }

    @Property(tries = 1000)
    void stringsInTheTokenAlphabetAreRejected(@ForAll("tokenAlphabetStrings") String input) {
        assertRejectedWithoutLeak(input);
    }

    @Property(tries = 2000)
    void mutationsOfAValidTokenNeverValidate(@ForAll("mutatedTokens") String mutated) {
        Assume.that(!mutated.equals(VALID_TOKEN));
        assertRejectedWithoutLeak(mutated);
    }

    @Property(tries = 200)
    void anyAcceptableUserNameRoundTrips(@ForAll @StringLength(min = 1, max = 256) String userName) throws Exception {
        Assume.that(UserNames.problem(userName) == null);
        Principal principal = VALIDATOR.validate(ISSUER.mint(userName, Duration.ofMinutes(5)));
        assertThat(principal.userName()).isEqualTo(userName);
        assertThat(principal.subject()).isEqualTo(ISSUER.objectIdOf(userName));
    }

    @Provide
    Arbitrary<String> tokenAlphabetStrings() {
        return Arbitraries.strings().withChars(ALPHABET + ".").ofMaxLength(600);
    }

    @Provide
    Arbitrary<String> mutatedTokens() {
        int last = VALID_TOKEN.length() - 1;
        // the end of each part is where base64url has slack bits, so it gets extra attention
        Arbitrary<Integer> position = Arbitraries.oneOf(
                Arbitraries.integers().between(0, last),
                Arbitraries.of(last, VALID_TOKEN.indexOf('.') - 1, VALID_TOKEN.lastIndexOf('.') - 1));
        Arbitrary<Character> replacement = Arbitraries.oneOf(
                Arbitraries.of((ALPHABET + ".").toCharArray()),
                Arbitraries.chars());
        Arbitrary<String> single = Combinators.combine(Arbitraries.integers().between(0, 4), position, replacement)
                .as(TokenValidatorPropertyTest::mutate);
        // several mutations in a row, so that e.g. an insertion can be followed by a deletion elsewhere
        return Combinators.combine(single, Arbitraries.integers().between(0, 3), position, replacement)
                .as((once, more, at, c) -> more == 0 ? once : mutate(more, Math.min(at, once.length() - 1), c, once));
    }

    private static String mutate(int kind, int at, char c) {
        return mutate(kind, at, c, VALID_TOKEN);
    }

    private static String mutate(int kind, int at, char c, String token) {
        if (token.isEmpty()) {
            return String.valueOf(c);
        }
        int i = Math.max(0, Math.min(at, token.length() - 1));
        return switch (kind) {
            case 0 -> token.substring(0, i) + c + token.substring(i + 1);           // replace
            case 1 -> token.substring(0, i) + token.substring(i + 1);               // delete
            case 2 -> token.substring(0, i) + c + token.substring(i);               // insert
            case 3 -> token.substring(0, i);                                        // truncate
            default -> {                                                             // swap two parts
                String[] parts = token.split("\\.", -1);
                if (parts.length < 2) {
                    yield token + c;
                }
                int a = i % parts.length;
                int b = (a + 1) % parts.length;
                String swap = parts[a];
                parts[a] = parts[b];
                parts[b] = swap;
                yield String.join(".", parts);
            }
        };
    }

    private static void assertRejectedWithoutLeak(String input) {
        TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> VALIDATOR.validate(input));
        assertThat(e).as("input must be rejected").isNotNull();
        assertNoTokenLeak(e, input);
    }

    private static Path createStateDirectory() {
        try {
            return Files.createTempDirectory("dev-issuer-props");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DevelopmentIssuer createIssuer() {
        try {
            return DevelopmentIssuer.loadOrCreate(STATE, "https://gateway.test/dev", "api://gateway",
                    new MutableClock(Instant.parse("2030-06-01T00:00:00Z")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
