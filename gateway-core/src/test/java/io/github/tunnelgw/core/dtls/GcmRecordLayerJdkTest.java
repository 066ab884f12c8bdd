package io.github.tunnelgw.core.dtls;

/** Both sides with the JDK's AES-GCM. */
class GcmRecordLayerJdkTest extends GcmRecordLayerTest {
    GcmRecordLayerJdkTest() throws Exception {
        super(JdkAead.ENGINE, JdkAead.ENGINE);
    }
}
