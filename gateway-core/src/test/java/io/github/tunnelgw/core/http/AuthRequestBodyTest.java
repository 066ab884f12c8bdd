package io.github.tunnelgw.core.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
