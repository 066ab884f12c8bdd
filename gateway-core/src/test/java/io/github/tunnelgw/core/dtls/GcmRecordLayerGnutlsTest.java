package io.github.tunnelgw.core.dtls;

/** Both sides with GnuTLS's AES-GCM. */
class GcmRecordLayerGnutlsTest extends GcmRecordLayerTest {
    GcmRecordLayerGnutlsTest() throws Exception {
        super(gnutls(), gnutls());
    }
}
