package io.meshless.pki;

import io.meshless.pki.internal.Files2;
import io.meshless.pki.internal.PemBlock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads keystores: PKCS#12 / PFX (with or without a password, as {@code openssl pkcs12 -export} and
 * {@code keytool} write them), JKS and JCEKS. The type is recognised from the content, not the
 * file name. Key entries are assumed to be protected by the keystore password (what both tools do
 * by default).
 */
public final class KeyStoreReader {
    private KeyStoreReader() {}

    /** The key entry named {@code aliasOrNull}, or the only key entry when null. */
    public static HeldCertificate readKeyEntry(Path file, char[] password, String aliasOrNull) throws PkiException {
        return parseKeyEntry(Files2.read(file), password, aliasOrNull, file.toString());
    }

    /** Every certificate: trusted entries first, then the chains of key entries; duplicates removed. */
    public static List<X509Certificate> readCertificates(Path file, char[] password) throws PkiException {
        return parseCertificates(Files2.read(file), password, file.toString());
    }

    public static HeldCertificate parseKeyEntry(byte[] data, char[] password, String aliasOrNull, String source)
            throws PkiException {
        Loaded loaded = load(data, password, source);
        KeyStore ks = loaded.store;
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String a : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(a)) {
                    keyAliases.add(a);
                }
            }
            String alias = aliasOrNull;
            if (alias == null) {
                if (keyAliases.isEmpty()) {
                    throw new PkiException(source, loaded.type + " keystore holds no private key entry");
                }
                if (keyAliases.size() > 1) {
                    throw new PkiException(
                            source,
                            loaded.type + " keystore holds " + keyAliases.size() + " key entries " + keyAliases
                                    + "; name the alias to use");
                }
                alias = keyAliases.get(0);
            } else if (!ks.containsAlias(alias)) {
                throw new PkiException(
                        source + " alias '" + alias + "'",
                        "no such entry; the keystore holds " + Collections.list(ks.aliases()));
            } else if (!ks.isKeyEntry(alias)) {
                throw new PkiException(
                        source + " alias '" + alias + "'", "is a certificate entry, not a private key entry");
            }
            String where = source + " alias '" + alias + "'";
            Key key;
            try {
                key = ks.getKey(alias, loaded.password);
            } catch (UnrecoverableKeyException e) {
                throw new PkiException(where, "the key entry's password differs from the keystore password", e);
            }
            if (!(key instanceof PrivateKey)) {
                throw new PkiException(where, "is a secret key entry, not a private key");
            }
            Certificate[] chain = ks.getCertificateChain(alias);
            if (chain == null || chain.length == 0) {
                throw new PkiException(where, "private key entry has no certificate chain");
            }
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : chain) {
                if (!(c instanceof X509Certificate)) {
                    throw new PkiException(where, "chain holds a non-X.509 certificate");
                }
                certs.add((X509Certificate) c);
            }
            return new HeldCertificate((PrivateKey) key, certs);
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException(source, "damaged " + loaded.type + " keystore: " + e, e);
        }
    }

    public static List<X509Certificate> parseCertificates(byte[] data, char[] password, String source)
            throws PkiException {
        Loaded loaded = load(data, password, source);
        KeyStore ks = loaded.store;
        try {
            Set<X509Certificate> trusted = new LinkedHashSet<>();
            Set<X509Certificate> chains = new LinkedHashSet<>();
            for (String a : Collections.list(ks.aliases())) {
                if (ks.isCertificateEntry(a)) {
                    Certificate c = ks.getCertificate(a);
                    if (c instanceof X509Certificate) {
                        trusted.add((X509Certificate) c);
                    }
                } else if (ks.isKeyEntry(a)) {
                    Certificate[] chain = ks.getCertificateChain(a);
                    for (Certificate c : chain == null ? new Certificate[0] : chain) {
                        if (c instanceof X509Certificate) {
                            chains.add((X509Certificate) c);
                        }
                    }
                }
            }
            trusted.addAll(chains);
            if (trusted.isEmpty()) {
                throw new PkiException(source, loaded.type + " keystore holds no certificate");
            }
            return Collections.unmodifiableList(new ArrayList<>(trusted));
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException(source, "damaged " + loaded.type + " keystore: " + e, e);
        }
    }

    private static final class Loaded {
        final KeyStore store;
        final String type;
        final char[] password;

        Loaded(KeyStore store, String type, char[] password) {
            this.store = store;
            this.type = type;
            this.password = password;
        }
    }

    private static Loaded load(byte[] data, char[] password, String source) throws PkiException {
        PemBlock.checkSize(data, source);
        String type = type(data);
        if (type == null) {
            if (PemBlock.looksLikePem(data)) {
                throw new PkiException(source, "is a PEM file, not a keystore (PKCS#12, JKS or JCEKS)");
            }
            throw new PkiException(source, "is not a keystore: neither PKCS#12 nor JKS/JCEKS");
        }
        if (password != null) {
            return new Loaded(tryLoad(data, password, type, source, true), type, password);
        }
        // No password given: openssl's "-passout pass:" writes an empty password; a keystore without any
        // integrity protection loads with null.
        try {
            return new Loaded(tryLoad(data, new char[0], type, source, false), type, new char[0]);
        } catch (PkiException emptyDidNotWork) {
            KeyStore ks = tryLoad(data, null, type, source, false);
            return new Loaded(ks, type, new char[0]);
        }
    }

    private static KeyStore tryLoad(byte[] data, char[] password, String type, String source, boolean given)
            throws PkiException {
        try {
            KeyStore ks = KeyStore.getInstance(type.equals("PKCS#12") ? "PKCS12" : type);
            ks.load(new ByteArrayInputStream(data), password);
            return ks;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password")) {
                throw new PkiException(
                        source,
                        given
                                ? "wrong keystore password (or the " + type + " file is damaged)"
                                : type + " keystore is password-protected; no password was given",
                        e);
            }
            throw new PkiException(source, "damaged " + type + " keystore: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new PkiException(source, "damaged " + type + " keystore: " + e, e);
        }
    }

    private static String type(byte[] data) {
        if (data.length >= 4) {
            int magic =
                    ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
            if (magic == 0xFEEDFEED) {
                return "JKS";
            }
            if (magic == 0xCECECECE) {
                return "JCEKS";
            }
        }
        if (data.length >= 2 && data[0] == 0x30) {
            return "PKCS#12";
        }
        return null;
    }
}
