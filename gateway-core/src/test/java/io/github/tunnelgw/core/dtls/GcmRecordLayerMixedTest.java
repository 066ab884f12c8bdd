package io.github.tunnelgw.core.dtls;

/** The server with GnuTLS, its peer with the JDK: both engines make the same records. */
class GcmRecordLayerMixedTest extends GcmRecordLayerTest {
    GcmRecordLayerMixedTest() throws Exception {
        super(gnutls(), JdkAead.ENGINE);
    }
}
