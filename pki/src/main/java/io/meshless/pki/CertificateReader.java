package io.meshless.pki;

import io.meshless.pki.internal.Files2;
import io.meshless.pki.internal.PemBlock;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;

/**
 * Reads X.509 certificates: PEM with one or many CERTIFICATE blocks (other blocks, such as a key in
 * a combined file, are skipped), binary DER ({@code .der}, {@code .cer}, binary {@code .crt}) and
 * DER PKCS#7 certificate bundles ({@code .p7b}). Everything that is not that is a {@link PkiException}.
 */
public final class CertificateReader {
    private CertificateReader() {}

    public static List<X509Certificate> read(Path file) throws PkiException {
        return parse(Files2.read(file), file.toString());
    }

    public static List<X509Certificate> parse(byte[] data, String source) throws PkiException {
        PemBlock.checkSize(data, source);
        if (PemBlock.looksLikePem(data)) {
            return parsePem(data, source);
        }
        return parseDer(data, source);
    }

    private static List<X509Certificate> parsePem(byte[] data, String source) throws PkiException {
        List<PemBlock> blocks = PemBlock.parseAll(data, source);
        List<X509Certificate> out = new ArrayList<>();
        Set<String> others = new LinkedHashSet<>();
        for (PemBlock block : blocks) {
            String type = block.type();
            if (type.equals("CERTIFICATE") || type.equals("X509 CERTIFICATE") || type.equals("TRUSTED CERTIFICATE")) {
                String where = source + " certificate #" + (out.size() + 1);
                byte[] der = block.der();
                if (type.equals("TRUSTED CERTIFICATE")) {
                    // OpenSSL's trusted form appends trust settings after the certificate; keep the certificate.
                    der = firstObject(der, where);
                }
                out.add(single(der, where, "PEM block on line " + block.line()));
            } else {
                others.add(type);
            }
        }
        if (out.isEmpty()) {
            throw new PkiException(
                    source,
                    others.isEmpty()
                            ? "contains no PEM block"
                            : "contains no CERTIFICATE block (found " + String.join(", ", others) + ")");
        }
        return Collections.unmodifiableList(out);
    }

    private static List<X509Certificate> parseDer(byte[] data, String source) throws PkiException {
        ASN1Primitive top = asn1(data, source, "is neither PEM (no '-----BEGIN' line) nor a DER certificate");
        // PKCS#7 SignedData (.p7b) carries a bundle; anything else must be one certificate.
        if (top instanceof ASN1Sequence && ((ASN1Sequence) top).size() == 2) {
            try {
                ContentInfo ci = ContentInfo.getInstance(top);
                if (PKCSObjectIdentifiers.signedData.equals(ci.getContentType())) {
                    return pkcs7(data, source);
                }
            } catch (RuntimeException notPkcs7) {
                // fall through: not a ContentInfo
            }
        }
        return Collections.singletonList(single(data, source, "DER data"));
    }

    private static List<X509Certificate> pkcs7(byte[] data, String source) throws PkiException {
        try {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(data));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new PkiException(source, "PKCS#7 bundle contains no certificate");
            }
            return Collections.unmodifiableList(out);
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException(source, "damaged PKCS#7 certificate bundle: " + e.getMessage(), e);
        }
    }

    /**
     * The JDK's {@code CertificateFactory} reads the certificate; it is taken when it used every byte
     * given. Anything else (the JDK refused it, or it left bytes over) goes through Bouncy Castle's strict
     * DER check, which says what is wrong. So Bouncy Castle's ASN.1 classes load only for a bad file.
     */
    static X509Certificate single(byte[] der, String source, String what) throws PkiException {
        X509Certificate jdk = jdkCertificate(der);
        if (jdk != null) {
            return jdk;
        }
        return checked(der, source, what);
    }

    /** The certificate when the JDK reads exactly these bytes as one X.509 certificate, else null. */
    private static X509Certificate jdkCertificate(byte[] der) {
        if (der.length < 2 || der[0] != 0x30) {
            return null;
        }
        try {
            Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            return c instanceof X509Certificate && Arrays.equals(c.getEncoded(), der) ? (X509Certificate) c : null;
        } catch (Exception refused) {
            return null; // the strict path says why
        }
    }

    /** Checks the DER structure with Bouncy Castle first (bounded, strict), then lets the JDK build it. */
    private static X509Certificate checked(byte[] der, String source, String what) throws PkiException {
        ASN1Primitive p = asn1(der, source, what + " is not valid DER");
        try {
            org.bouncycastle.asn1.x509.Certificate.getInstance(p);
        } catch (RuntimeException e) {
            throw new PkiException(source, what + " is DER but not an X.509 certificate (" + e.getMessage() + ")", e);
        }
        try {
            Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            if (!(c instanceof X509Certificate)) {
                throw new PkiException(source, what + " is not an X.509 certificate");
            }
            return (X509Certificate) c;
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException(source, what + " is not a valid X.509 certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] firstObject(byte[] der, String source) throws PkiException {
        try (ASN1InputStream in = new ASN1InputStream(der)) {
            ASN1Primitive p = in.readObject();
            if (p == null) {
                throw new PkiException(source, "TRUSTED CERTIFICATE block is empty");
            }
            return p.getEncoded();
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException(source, "TRUSTED CERTIFICATE block is not valid DER (" + e.getMessage() + ")", e);
        }
    }

    static ASN1Primitive asn1(byte[] der, String source, String complaint) throws PkiException {
        if (der.length < 2 || der[0] != 0x30) {
            throw new PkiException(source, complaint + " (starts with " + hex(der) + ")");
        }
        try (ASN1InputStream in = new ASN1InputStream(der)) {
            ASN1Primitive p = in.readObject();
            if (p == null) {
                throw new PkiException(source, complaint);
            }
            if (in.available() > 0 || in.readObject() != null) {
                throw new PkiException(source, complaint + " (trailing data after the DER structure)");
            }
            return p;
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException(source, complaint + " (" + e.getMessage() + ")", e);
        }
    }

    private static String hex(byte[] data) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, data.length); i++) {
            sb.append(String.format("%02x", data[i] & 0xff));
        }
        return sb.length() == 0 ? "nothing" : "0x" + sb;
    }
}
