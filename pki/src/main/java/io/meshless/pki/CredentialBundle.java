package io.meshless.pki;

import io.meshless.pki.internal.Files2;
import io.meshless.pki.internal.PemBlock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the one-file layout kubelet writes for a Kubernetes Pod Certificate ({@code
 * credentialBundlePath} of a {@code podCertificate} projection): the PKCS#8 {@code PRIVATE KEY}
 * block first, then the certificate chain, leaf first.
 *
 * <p>The order is the contract kubelet documents, so anything else is refused rather than guessed
 * at: a file written by another tool in another order is more likely a mistake than a variant.
 */
public final class CredentialBundle {
    private CredentialBundle() {}

    public static HeldCertificate read(Path file) throws PkiException {
        return parse(Files2.read(file), file.toString());
    }

    public static HeldCertificate parse(byte[] data, String source) throws PkiException {
        PemBlock.checkSize(data, source);
        List<PemBlock> blocks = PemBlock.parseAll(data, source);
        if (blocks.isEmpty()) {
            throw new PkiException(
                    source, "contains no PEM block; expected a PRIVATE KEY block, then the certificates");
        }
        PemBlock first = blocks.get(0);
        if (!first.type().equals("PRIVATE KEY")) {
            throw new PkiException(
                    source,
                    "first PEM block (line " + first.line() + ") is " + first.type()
                            + "; a credential bundle starts with the PKCS#8 PRIVATE KEY, then the certificate chain");
        }
        if (blocks.size() == 1) {
            throw new PkiException(source, "holds the private key but no certificate chain after it");
        }
        PrivateKey key = PrivateKeyReader.parse(
                first.text().getBytes(StandardCharsets.US_ASCII),
                null,
                source + " PRIVATE KEY on line " + first.line());
        List<X509Certificate> chain = new ArrayList<>();
        for (PemBlock block : blocks.subList(1, blocks.size())) {
            if (!block.type().equals("CERTIFICATE")) {
                throw new PkiException(
                        source,
                        "PEM block on line " + block.line() + " is " + block.type()
                                + "; only CERTIFICATE blocks may follow the private key");
            }
            String where = source + " certificate #" + (chain.size() + 1);
            chain.add(CertificateReader.single(block.der(), where, "PEM block on line " + block.line()));
        }
        return new HeldCertificate(key, Collections.unmodifiableList(chain));
    }
}
