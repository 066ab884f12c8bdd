package io.github.tunnelgw.core.http;

import io.github.tunnelgw.core.net.Ipv4Address;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The two values TunnelConnect reads from the CONNECT request's headers: the session cookie and the previous address. */
class TunnelConnectTest {

    private static HttpHeaders headers(String name, List<String> values) {
        HttpHeaders headers = new DefaultHttpHeaders();
        values.forEach(value -> headers.add(name, value));
        return headers;
    }

    @Property
    void theWebvpnCookieIsFoundAmongOtherCookiesInOneOrTwoHeaders(
            @ForAll("sessionCookies") String cookie, @ForAll @Size(max = 5) List<@From("otherCookies") String> others,
            @ForAll @IntRange(max = 5) int position, @ForAll @IntRange(max = 6) int split) {
        List<String> pairs = new ArrayList<>(others);
        pairs.add(Math.min(position, pairs.size()), "webvpn=" + cookie);
        int cut = Math.min(split, pairs.size());
        List<String> values = new ArrayList<>();
        for (List<String> part : List.of(pairs.subList(0, cut), pairs.subList(cut, pairs.size()))) {
            if (!part.isEmpty()) {
                values.add(String.join("; ", part));
            }
        }
        assertThat(TunnelConnect.webvpnCookie(headers("Cookie", values))).contains(cookie);
    }

    @Property
    void anyCookieHeaderIsReadWithoutFailing(@ForAll @Size(max = 3) List<@From("cookieLike") String> values) {
        Optional<String> found = TunnelConnect.webvpnCookie(headers("Cookie", values));
        found.ifPresent(value -> assertThat(String.join("\n", values)).contains("webvpn").contains(value));
    }

    @Property
    void aReconnectingClientsAddressIsReadWhereverItsIpv6AddressIs(@ForAll int address, @ForAll boolean ipv6First) {
        String ipv4 = Ipv4Address.format(address);
        List<String> values = ipv6First ? List.of("fd00:1234::5", ipv4) : List.of(ipv4, "fd00:1234::5");
        assertThat(TunnelConnect.previousAddress(headers("X-CSTP-Address", values))).isEqualTo(address);
    }

    /** Anything but a strict dotted quad reads as "no previous address" (0); nothing is guessed. */
    @Property
    void onlyAStrictDottedQuadIsTakenAsThePreviousAddress(@ForAll("addressLike") String value) {
        int address = TunnelConnect.previousAddress(headers("X-CSTP-Address", List.of(value)));
        if (address != 0) {
            assertThat(Ipv4Address.format(address)).isEqualTo(value);
        }
    }

    /** What SessionCookies issues: 43 characters of URL-safe base64. */
    @Provide
    Arbitrary<String> sessionCookies() {
        return Arbitraries.strings().alpha().numeric().withChars('-', '_').ofLength(43);
    }

    /** Other cookies a browser might send, some named like the session cookie but not equal to it. */
    @Provide
    Arbitrary<String> otherCookies() {
        Arbitrary<String> names = Arbitraries.of("webvpncontext", "webvpnc", "WEBVPN", "Webvpn", "xwebvpn", "webvpn_", "sid");
        Arbitrary<String> values = Arbitraries.strings().alpha().numeric().withChars("-_.:/+=").ofMaxLength(20);
        return Combinators.combine(names, values).as((name, value) -> name + "=" + value);
    }

    @Provide
    Arbitrary<String> cookieLike() {
        return ParserInputs.splicedFrom("webvpn", "=", ";", ",", " ", "\"", "webvpn=", "; webvpn=").map(String::strip);
    }

    /** Three to five parts between dots, each a valid octet or a near miss, so real dotted quads come up often. */
    @Provide
    Arbitrary<String> addressLike() {
        Arbitrary<String> part = Arbitraries.of("0", "1", "9", "25", "199", "255", "256", "1000", "00", "010", "-1", "+1",
                "1 ", " 1", "0x1", "", "a", "\u00b9");
        return part.list().ofMinSize(3).ofMaxSize(5).map(parts -> String.join(".", parts).strip());
    }
}
