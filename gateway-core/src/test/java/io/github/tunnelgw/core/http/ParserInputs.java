package io.github.tunnelgw.core.http;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Generators for the property tests of the HTTP-layer parsers. */
final class ParserInputs {
    private ParserInputs() {
    }

    /**
     * A header value as Netty's HTTP codec hands it over: one line of visible ASCII, spaces, tabs and Latin-1 (the
     * codec reads bytes as ISO-8859-1), with the surrounding whitespace trimmed.
     */
    static Arbitrary<String> headerValue() {
        return headerCharacters(80).map(String::strip);
    }

    /**
     * Text spliced from pieces of a grammar and short runs of random characters, so that inputs land near what
     * the parser accepts rather than being rejected at the first character.
     */
    static Arbitrary<String> splicedFrom(String... pieces) {
        return Arbitraries.oneOf(Arbitraries.of(pieces), headerCharacters(4)).list().ofMaxSize(12)
                .map(parts -> String.join("", parts));
    }

    private static Arbitrary<String> headerCharacters(int maxLength) {
        return Arbitraries.strings().withChars('\t').withCharRange(' ', '~').withCharRange('\u0080', '\u00ff')
                .ofMaxLength(maxLength);
    }
}
