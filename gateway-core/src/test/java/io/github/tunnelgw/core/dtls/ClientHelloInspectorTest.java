package io.github.tunnelgw.core.dtls;

import io.github.tunnelgw.core.dtls.ClientHelloInspector.Rejection;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class ClientHelloInspectorTest {
    private static final byte[] ID = HexFormat.of().parseHex(
            "f18b64e72fa2935b3a0f564c2df6a099aa091c4b8338609b62ae327292166898");
    private static final byte[] RANDOM = ClientHellos.randomId();

    private static ClientHelloInspector.Result inspect(byte[] datagram) {
        return ClientHelloInspector.inspect(Unpooled.wrappedBuffer(datagram));
    }

    @Test
    void appIdComesFromTheSessionIdLikeOpenconnectSendsIt() {
        ClientHelloInspector.Result result = inspect(ClientHellos.hello(RANDOM, ID, null));

        assertThat(result.rejection()).isEqualTo(Rejection.NONE);
        assertThat(result.appId().hex()).isEqualTo(HexFormat.of().formatHex(ID));
    }

    @Test
    void extension48018WinsOverTheSessionId() {
        byte[] other = ClientHellos.randomId();
        ClientHelloInspector.Result result = inspect(ClientHellos.hello(RANDOM, other, ID));

        assertThat(result.appId().hex()).isEqualTo(HexFormat.of().formatHex(ID));
    }

    @Test
    void extensionAloneWithAnEmptySessionIdIsEnough() {
        assertThat(inspect(ClientHellos.hello(RANDOM, new byte[0], ID)).appId().hex())
                .isEqualTo(HexFormat.of().formatHex(ID));
    }

    @Test
    void helloWithTheSameRandomIsRecognisedAsTheSameHello() {
        ClientHelloInspector.Result first = inspect(ClientHellos.hello(RANDOM, ID, null));
        ClientHelloInspector.Result replay = inspect(ClientHellos.hello(RANDOM, ID, null));
        ClientHelloInspector.Result fresh = inspect(ClientHellos.hello(ClientHellos.randomId(), ID, null));

        assertThat(first.sameRandom(replay)).isTrue();
        assertThat(first.sameRandom(fresh)).isFalse();
    }

    @Test
    void noUsableIdIsRejected() {
        assertThat(inspect(ClientHellos.hello(RANDOM, new byte[0], null)).rejection()).isEqualTo(Rejection.NO_APP_ID);
        assertThat(inspect(ClientHellos.hello(RANDOM, new byte[16], null)).rejection()).isEqualTo(Rejection.NO_APP_ID);
    }

    @Test
    void allZeroRandomIsRejected() {
        assertThat(inspect(ClientHellos.helloWithExactRandom(new byte[32], ID, null)).rejection())
                .isEqualTo(Rejection.ZERO_RANDOM);
    }

    @Test
    void everyTruncationIsRejectedWithoutAnException() {
        byte[] hello = ClientHellos.hello(RANDOM, ID, ID);
        for (int length = 0; length < hello.length; length++) {
            ClientHelloInspector.Result result = inspect(Arrays.copyOf(hello, length));
            assertThat(result.accepted()).as("prefix of %d bytes", length).isFalse();
        }
    }

    @Test
    void truncatedRecordIsReportedAsTruncated() {
        byte[] hello = ClientHellos.hello(RANDOM, ID, null);
        assertThat(inspect(Arrays.copyOf(hello, hello.length - 10)).rejection()).isEqualTo(Rejection.TRUNCATED);
    }

    @Test
    void fragmentedHelloIsRejected() {
        byte[] fragment = ClientHellos.fragmented(ClientHellos.hello(RANDOM, ID, null));
        assertThat(inspect(fragment).rejection()).isEqualTo(Rejection.FRAGMENTED);
    }

    @Test
    void oversizedHelloIsRejectedBeforeBouncyCastleCouldSizeABufferFromIt() {
        byte[] hello = ClientHellos.hello(RANDOM, ID, null);
        // claim a 16 MiB message in a short record (the bctls 1.84 reassembly DoS shape)
        hello[14] = (byte) 0xFF;
        hello[15] = (byte) 0xFF;
        hello[16] = (byte) 0xFF;
        assertThat(inspect(hello).rejection()).isEqualTo(Rejection.OVERSIZED);

        byte[] huge = ClientHellos.hello(RANDOM, ID, new byte[200]);
        byte[] padded = Arrays.copyOf(huge, 13 + 12 + 2000);
        padded[11] = (byte) ((12 + 2000) >> 8);
        padded[12] = (byte) (12 + 2000);
        assertThat(inspect(padded).rejection()).isEqualTo(Rejection.OVERSIZED);
    }

    @Test
    void garbageIsNotAClientHello() {
        byte[] junk = new byte[200];
        Arrays.fill(junk, (byte) 0x41);
        assertThat(inspect(junk).rejection()).isEqualTo(Rejection.NOT_CLIENT_HELLO);
        assertThat(inspect(new byte[]{22, (byte) 0xFE}).rejection()).isEqualTo(Rejection.NOT_CLIENT_HELLO);

        byte[] wrongEpoch = ClientHellos.hello(RANDOM, ID, null);
        wrongEpoch[4] = 1;
        assertThat(inspect(wrongEpoch).rejection()).isEqualTo(Rejection.NOT_CLIENT_HELLO);

        byte[] wrongVersion = ClientHellos.hello(RANDOM, ID, null);
        wrongVersion[1] = 0x03;
        assertThat(inspect(wrongVersion).rejection()).isEqualTo(Rejection.MALFORMED);
    }

    @Test
    void trailingBytesAfterTheRecordAreMalformed() {
        byte[] hello = ClientHellos.hello(RANDOM, ID, null);
        assertThat(inspect(Arrays.copyOf(hello, hello.length + 5)).rejection()).isEqualTo(Rejection.MALFORMED);
    }

    @Test
    void inconsistentApplicationIdExtensionIsMalformed() {
        byte[] hello = ClientHellos.hello(RANDOM, ID, ID);
        // the extension's inner length byte sits 33 bytes before the end
        hello[hello.length - 33] = 5;
        assertThat(inspect(hello).rejection()).isEqualTo(Rejection.MALFORMED);
    }

    @Test
    void randomBytesNeverThrow() {
        java.util.Random random = new java.util.Random(42);
        byte[] base = ClientHellos.hello(RANDOM, ID, ID);
        for (int i = 0; i < 20_000; i++) {
            byte[] mutated = base.clone();
            for (int j = 0; j < 3; j++) {
                mutated[13 + random.nextInt(mutated.length - 13)] = (byte) random.nextInt();
            }
            inspect(Arrays.copyOf(mutated, random.nextInt(mutated.length + 1)));
        }
    }
}
