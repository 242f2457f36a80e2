package io.meshless.pki;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Whatever bytes arrive, the readers answer with a result or a {@link PkiException}, never another
 * exception. {@code mvn test} runs the regression inputs under
 * {@code src/test/resources/io/meshless/pki/ReaderFuzzTestInputs/<method>/}; fuzz for real with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl pki test -Dtest=ReaderFuzzTest}.
 */
class ReaderFuzzTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @FuzzTest(maxDuration = "60s")
    void certificateReaderThrowsOnlyPkiException(byte[] data) {
        try {
            CertificateReader.parse(data, "fuzz input");
        } catch (PkiException expected) {
            requireSourceAndReason(expected);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void privateKeyReaderThrowsOnlyPkiException(byte[] data) {
        for (char[] password : new char[][] {null, PASSWORD}) {
            try {
                PrivateKeyReader.parse(data, password, "fuzz input");
            } catch (PkiException expected) {
                requireSourceAndReason(expected);
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void keyStoreReaderThrowsOnlyPkiException(byte[] data) {
        for (char[] password : new char[][] {null, PASSWORD}) {
            try {
                KeyStoreReader.parseKeyEntry(data, password, null, "fuzz input");
            } catch (PkiException expected) {
                requireSourceAndReason(expected);
            }
            try {
                KeyStoreReader.parseCertificates(data, password, "fuzz input");
            } catch (PkiException expected) {
                requireSourceAndReason(expected);
            }
        }
    }

    private static void requireSourceAndReason(PkiException e) {
        if (!e.source().startsWith("fuzz input")
                || e.reason() == null
                || e.reason().isEmpty()) {
            throw new IllegalStateException("PkiException without source or reason: " + e.getMessage(), e);
        }
    }
}
