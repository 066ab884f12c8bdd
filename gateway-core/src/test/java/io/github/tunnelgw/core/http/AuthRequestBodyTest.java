package io.github.tunnelgw.core.http;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class AuthRequestBodyTest {
    /** The init body openconnect 9.01 (Debian) sends, from the protocol reference §1.3. */
    static final String OPENCONNECT_INIT = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" type=\"init\" "
            + "aggregate-auth-version=\"2\"><version who=\"vpn\">v9.01-3</version><device-id>linux-64</device-id>"
            + "<capabilities><auth-method>single-sign-on-v2</auth-method><auth-method>single-sign-on-external-browser</auth-method>"
            + "</capabilities><group-access>https://10.200.2.1/</group-access></config-auth>";

    @Test
    void parsesOpenconnectInit() throws Exception {
        AuthRequestBody body = AuthRequestBody.parse(OPENCONNECT_INIT);
        assertThat(body.type()).isEqualTo("init");
        assertThat(body.clientVersion()).contains("v9.01-3");
        assertThat(body.deviceId()).contains("linux-64");
    }

    @Test
    void malformedXmlIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> AuthRequestBody.parse("<config-auth type=\"init\"><version>"))
                .isInstanceOf(MalformedRequestException.class).hasMessageStartingWith("malformed XML body");
    }

    @Test
    void doctypeAndExternalEntitiesAreRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<config-auth type=\"init\"><version>&e;</version></config-auth>";
        assertThatThrownBy(() -> AuthRequestBody.parse(xxe)).isInstanceOf(MalformedRequestException.class);
    }

    /** The parser is reused per thread: a good document, a refused one and a good one again, in any order. */
    @Test
    void aReusedParserKeepsItsSecureSettingsAndForgetsThePreviousDocument() throws Exception {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<config-auth type=\"init\"><version>&e;</version></config-auth>";
        for (int round = 0; round < 3; round++) {
            assertThat(AuthRequestBody.parse(OPENCONNECT_INIT).deviceId()).contains("linux-64");
            assertThatThrownBy(() -> AuthRequestBody.parse(xxe)).isInstanceOf(MalformedRequestException.class);
            assertThatThrownBy(() -> AuthRequestBody.parse("<config-auth type=\"init\"><version>"))
                    .hasMessageStartingWith("malformed XML body");
            AuthRequestBody reply = AuthRequestBody.parse("<config-auth type=\"auth-reply\"/>");
            assertThat(reply.type()).isEqualTo("auth-reply");
            assertThat(reply.deviceId()).isEmpty();
        }
    }

    @Test
    void otherRootsAndMissingTypeAreRefused() {
        assertThatThrownBy(() -> AuthRequestBody.parse("<auth/>")).hasMessageContaining("config-auth");
        assertThatThrownBy(() -> AuthRequestBody.parse("<config-auth client=\"vpn\"/>")).hasMessageContaining("type");
    }

    @Test
    void oversizedBodyIsRefusedBeforeParsing() {
        String huge = "<config-auth type=\"init\">" + "x".repeat(AuthRequestBody.MAX_LENGTH) + "</config-auth>";
        assertThatThrownBy(() -> AuthRequestBody.parse(huge)).hasMessageContaining("over");
    }

    /** A body is either a {@code <config-auth>} with a type or refused with a one-line reason; nothing else escapes. */
    @Property
    void anyBodyIsADocumentWithATypeOrMalformed(@ForAll("body") String body) {
        try {
            AuthRequestBody parsed = AuthRequestBody.parse(body);
            assertThat(parsed.type()).isNotEmpty();
        } catch (MalformedRequestException e) {
            assertThat(e.getMessage()).doesNotContain("\n", "\r");
        }
    }

    @Property
    void aWellFormedDocumentGivesBackItsValues(@ForAll("xmlText") String type, @ForAll("xmlText") String version,
                                               @ForAll("xmlText") String deviceId) throws Exception {
        Assume.that(!type.isEmpty());
        AuthRequestBody parsed = AuthRequestBody.parse(document(type, version, deviceId));
        assertThat(parsed.type()).isEqualTo(type);
        assertThat(parsed.clientVersion()).isEqualTo(asLogged(version));
        assertThat(parsed.deviceId()).isEqualTo(asLogged(deviceId));
    }

    /** The root's end tag closes the document, so every shorter prefix of one is unfinished XML. */
    @Property
    void aDocumentCutShortIsRefused(@ForAll("xmlText") String version, @ForAll @IntRange(max = 100_000) int cut) {
        String whole = document("init", version, "linux-64");
        String prefix = whole.substring(0, cut % whole.length());
        assertThat(catchThrowable(() -> AuthRequestBody.parse(prefix))).isInstanceOf(MalformedRequestException.class);
    }

    @Property
    void aDocumentWithADoctypeIsRefused(@ForAll("xmlText") String version) {
        String withDoctype = document("init", version, "linux-64").replace("?>\n", "?>\n<!DOCTYPE config-auth>\n");
        assertThat(catchThrowable(() -> AuthRequestBody.parse(withDoctype))).isInstanceOf(MalformedRequestException.class);
    }

    private static String document(String type, String version, String deviceId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" type=\"" + escape(type)
                + "\" aggregate-auth-version=\"2\"><version who=\"vpn\">" + escape(version) + "</version><device-id>"
                + escape(deviceId) + "</device-id></config-auth>";
    }

    /** Markup characters as entities; tab, newline and carriage return as character references, which XML keeps verbatim. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\t', '\n', '\r' -> out.append("&#").append((int) c).append(';');
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** What the gateway keeps of a version or device id for its log: stripped, at most 64 characters. */
    private static Optional<String> asLogged(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? Optional.empty() : Optional.of(stripped.substring(0, Math.min(64, stripped.length())));
    }

    /** Arbitrary text, and text spliced from the pieces of XML that parsers trip over. */
    @Provide
    Arbitrary<String> body() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(200), ParserInputs.splicedFrom(
                "<?xml version=\"1.0\"?>", "<config-auth", " type=\"init\"", " type=\"\"", ">", "/>", "</config-auth>",
                "<version>", "</version>", "<device-id>", "</device-id>", "<!DOCTYPE x>", "&amp;", "&e;", "&#0;",
                "<![CDATA[", "]]>", "<!--", "-->", "\"", "'", "<", "&"));
    }

    /** Any text XML 1.0 can carry (the characters of its Char production within the BMP). */
    @Provide
    Arbitrary<String> xmlText() {
        return Arbitraries.strings().withChars('\t', '\n', '\r').withCharRange(' ', '\uD7FF').withCharRange('\uE000', '\uFFFD')
                .ofMaxLength(100);
    }
}
