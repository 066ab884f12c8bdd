package io.github.tunnelgw.core.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

class BearerCredentialsTest {

    private static BearerCredentials.Result of(String... authorization) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (String value : authorization) {
            headers.add("Authorization", value);
        }
        return BearerCredentials.from(headers);
    }

    @Test
    void absentWhenNoHeader() {
        assertThat(of()).isInstanceOf(BearerCredentials.Absent.class);
    }

    @Test
    void bearerTokenIsExtracted() {
        assertThat(of("Bearer abc.def.ghi")).isEqualTo(new BearerCredentials.Present("abc.def.ghi"));
    }

    @Test
    void schemeIsCaseInsensitiveAsRfc7235Says() {
        assertThat(of("bearer abc")).isEqualTo(new BearerCredentials.Present("abc"));
        assertThat(of("BEARER abc")).isEqualTo(new BearerCredentials.Present("abc"));
    }

    @Test
    void twoAuthorizationHeadersAreRefused() {
        assertThat(of("Bearer a", "Bearer b")).isInstanceOf(BearerCredentials.Invalid.class);
    }

    @Test
    void otherSchemesAndEmptyTokensAreRefused() {
        assertThat(of("Basic dXNlcjpwdw==")).isInstanceOf(BearerCredentials.Invalid.class);
        assertThat(of("Bearer ")).isInstanceOf(BearerCredentials.Invalid.class);
        assertThat(of("Bearer")).isInstanceOf(BearerCredentials.Invalid.class);
        assertThat(of("Bearerabc")).isInstanceOf(BearerCredentials.Invalid.class);
    }

    @Test
    void presentNeverPrintsTheToken() {
        assertThat(of("Bearer secret-token-value").toString()).doesNotContain("secret-token-value");
    }

    @Property
    void anyHeaderValuesAreClassifiedWithoutFailing(@ForAll @Size(max = 3) List<@From("authorization") String> values) {
        switch (of(values.toArray(String[]::new))) {
            case BearerCredentials.Absent absent -> assertThat(values).isEmpty();
            case BearerCredentials.Invalid invalid -> assertThat(values).isNotEmpty();
            case BearerCredentials.Present present -> assertThat(values).singleElement(STRING)
                    .isEqualToIgnoringCase("Bearer " + present.token()).endsWith(present.token());
        }
    }

    /** The token is handed on as sent: its shape is the validator's business (TokenLimits), not rewritten here. */
    @Property
    void theTokenAfterTheSchemeIsHandedOnUnaltered(@ForAll("schemeSpellings") String scheme, @ForAll("token") String token) {
        assertThat(of(scheme + " " + token)).isEqualTo(new BearerCredentials.Present(token));
    }

    @Property
    void anotherSchemeOrSeparatorIsInvalid(@ForAll("notBearer") String value) {
        assertThat(of(value)).isInstanceOf(BearerCredentials.Invalid.class);
    }

    @Property
    void twoAuthorizationHeadersAreInvalidWhateverTheySay(@ForAll("schemeSpellings") String scheme, @ForAll("token") String first,
                                                           @ForAll("token") String second) {
        assertThat(of(scheme + " " + first, scheme + " " + second)).isInstanceOf(BearerCredentials.Invalid.class);
    }

    /** RFC 6750 b64tokens of 8 characters or more, so none can occur by chance in the masked text. */
    @Property
    void presentNeverPrintsItsToken(@ForAll("b64token") String token) {
        assertThat(new BearerCredentials.Present(token).toString()).doesNotContain(token);
    }

    /** Anything, bearer credentials, and near misses. */
    @Provide
    Arbitrary<String> authorization() {
        Arbitrary<String> bearer = Combinators.combine(schemeSpellings(), token()).as((scheme, token) -> scheme + " " + token);
        return Arbitraries.oneOf(ParserInputs.headerValue(), bearer, notBearer());
    }

    @Provide
    Arbitrary<String> token() {
        return ParserInputs.headerValue().filter(value -> !value.isEmpty());
    }

    @Provide
    Arbitrary<String> b64token() {
        return Arbitraries.strings().alpha().numeric().withChars("-._~+/").ofMinLength(8).ofMaxLength(200);
    }

    /** "Bearer" in any mix of upper and lower case, as RFC 7235 allows. */
    @Provide
    Arbitrary<String> schemeSpellings() {
        return Arbitraries.integers().between(0, 63).map(mask -> {
            StringBuilder scheme = new StringBuilder("bearer");
            for (int i = 0; i < scheme.length(); i++) {
                if ((mask & (1 << i)) != 0) {
                    scheme.setCharAt(i, Character.toUpperCase(scheme.charAt(i)));
                }
            }
            return scheme.toString();
        });
    }

    /**
     * Near misses: "Bearer" followed by something other than one space (ocserv's test suite sends "Bearer=";
     * openconnect sends a space), or another scheme; trimmed as the codec would.
     */
    @Provide
    Arbitrary<String> notBearer() {
        Arbitrary<String> wrongSeparator = Combinators.combine(schemeSpellings(), Arbitraries.of("", "\t", "=", ":", ",", "_"),
                ParserInputs.headerValue()).as((scheme, separator, rest) -> scheme + separator + rest);
        Arbitrary<String> otherScheme = Combinators.combine(Arbitraries.of("Basic", "Negotiate", "Digest", "NTLM", "Bear", "Bearers", ""),
                ParserInputs.headerValue()).as((scheme, rest) -> scheme + " " + rest);
        return Arbitraries.oneOf(wrongSeparator, otherScheme).map(String::strip);
    }
}
