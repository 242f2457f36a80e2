package io.meshless.cli;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import io.meshless.commandline.UsageException;
import io.meshless.pki.CertDirectory;
import io.meshless.pki.CertificateReader;
import io.meshless.pki.ControlCharacters;
import io.meshless.pki.CredentialBundle;
import io.meshless.pki.CredentialCheck;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyStoreReader;
import io.meshless.pki.PkiException;
import io.meshless.pki.PrivateKeyReader;
import io.meshless.pki.TrustBundle;
import io.meshless.pki.internal.Files2;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code meshless inspect}: what a certificate directory, certificate file or keystore holds, and
 * whether it passes the checks the agent makes. Exit 1 with the reason when it does not.
 */
final class InspectCommand implements Command {

    private final Clock clock;
    private final Options options = new Options()
            .operands(
                    "PATH",
                    1,
                    1,
                    "a certificate directory (tls.crt, tls.key, ca.crt; or credentialbundle.pem, ca.crt), a PEM or DER certificate\n"
                            + "file, or a PKCS#12 / JKS keystore")
            .value("--password", "P", "keystore password (PKCS#12, JKS)")
            .value("--alias", "NAME", "keystore entry to inspect (default: the first key entry)")
            .value("--bundle", "FILE", "for a file or keystore: check the chain against this CA bundle")
            .flag("--json", "print the result as JSON");

    InspectCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "show identity, validity, key and chain of a cert dir, certificate or keystore";
    }

    @Override
    public String synopsis() {
        return "PATH [--password P] [--alias NAME] [--bundle FILE] [--json]";
    }

    @Override
    public String description() {
        return "Shows identity (SPIFFE ID), subject, issuer, serial, validity and time left, key type,\n"
                + "the chain and the trust bundle, and checks the set as the agent does: key matches the\n"
                + "certificate, chain order, chain verifies to the bundle, validity window, key usage.\n"
                + "Exits 1 with the reason on stderr when a check fails.";
    }

    @Override
    public Options options() {
        return options;
    }

    @Override
    public void execute(Arguments args, PrintStream out) throws Exception {
        Path path = args.operandPath(0);
        if (!Files.exists(path)) {
            throw new CommandFailedException(path + ": "
                    + (Files.isSymbolicLink(path) ? "symbolic link points to nothing" : "no such file or directory"));
        }
        Report report;
        if (Files.isDirectory(path)) {
            if (args.has("--bundle") || args.has("--password") || args.has("--alias")) {
                throw new UsageException("--bundle, --password and --alias apply to files and keystores;"
                        + " a directory is checked against its own ca.crt");
            }
            report = directory(path);
        } else {
            report = file(path, args);
        }
        // Subjects, SANs and parse errors come from the files inspected: their control characters are
        // shown escaped, never sent raw to the terminal (JSON escapes them itself).
        out.print(args.flag("--json") ? report.json + "\n" : escapeLines(report.text));
        if (report.problem != null) {
            throw new CommandFailedException(ControlCharacters.escape(report.problem));
        }
    }

    /** {@code text} with the control characters of each line escaped, the line breaks kept. */
    static String escapeLines(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            b.append(ControlCharacters.escape(line)).append('\n');
        }
        return b.substring(0, b.length() - 1);
    }

    /** What was found, and the first problem (null when every check passed). */
    private static final class Report {
        final String text;
        final Json json;
        final String problem;

        Report(String text, Json json, String problem) {
            this.text = text;
            this.json = json;
            this.problem = problem;
        }
    }

    private Report directory(Path dir) throws Exception {
        Instant now = clock.instant();
        String problem = null;
        List<X509Certificate> chain = null;
        PrivateKey key = null;
        List<X509Certificate> bundle = null;
        List<X509Certificate> clientBundle = null;
        Path credentialBundle = dir.resolve(CertDirectory.CREDENTIAL_BUNDLE);
        if (Files.exists(credentialBundle)) {
            try {
                HeldCertificate held = CredentialBundle.read(credentialBundle);
                chain = held.chain();
                key = held.privateKey();
            } catch (PkiException e) {
                problem = e.getMessage();
            }
        } else {
            try {
                chain = CertificateReader.read(dir.resolve(CertDirectory.TLS_CRT));
            } catch (PkiException e) {
                problem = e.getMessage();
            }
            try {
                key = PrivateKeyReader.read(dir.resolve(CertDirectory.TLS_KEY), null);
            } catch (PkiException e) {
                problem = problem == null ? e.getMessage() : problem;
            }
        }
        try {
            bundle = CertificateReader.read(dir.resolve(CertDirectory.CA_CRT));
        } catch (PkiException e) {
            problem = problem == null ? e.getMessage() : problem;
        }
        Path clientCa = dir.resolve(CertDirectory.CLIENT_CA_CRT);
        if (Files.exists(clientCa) || Files.isSymbolicLink(clientCa)) {
            try {
                clientBundle = CertificateReader.read(clientCa);
            } catch (PkiException e) {
                problem = problem == null ? e.getMessage() : problem;
            }
        }
        String warning = null;
        if (problem == null) {
            // The verdict is exactly what the agent would conclude when loading this directory.
            try {
                if (!CertDirectory.load(dir, clock).bundlesHoldOwnIssuer()) {
                    warning = "neither " + CertDirectory.CA_CRT + " nor " + CertDirectory.CLIENT_CA_CRT
                            + " holds the CA that issued the own certificate: peers verifying against the same"
                            + " bundles refuse it (fine when they trust that CA by other means)";
                }
            } catch (PkiException e) {
                problem = e.getMessage();
            }
        }

        StringBuilder b = new StringBuilder(dir + " (certificate directory, " + layout(dir) + ")\n");
        List<String[]> rows = new ArrayList<>();
        Json json = Json.object()
                .put("path", dir.toString())
                .put("kind", "directory")
                .put("layout", layout(dir));
        if (chain != null) {
            CertificateFacts leaf = new CertificateFacts(chain.get(0), now);
            rows.addAll(leaf.rows());
            json.put("certificate", leaf.json());
            rows.add(new String[] {"chain", describeChain(chain)});
            json.put("chain", subjects(chain));
        }
        if (chain != null && key != null) {
            boolean matches = CaDirectory.keyMatches(key, chain.get(0));
            rows.add(new String[] {"private key", matches ? "matches the certificate" : "DOES NOT MATCH the certificate"
            });
            json.put("keyMatches", matches);
        }
        if (bundle != null) {
            rows.add(new String[] {"trust bundle", CertDirectory.CA_CRT + ": " + describeBundle(bundle)});
            json.put("trustBundle", subjects(bundle));
        }
        if (clientBundle != null) {
            rows.add(new String[] {"client bundle", CertDirectory.CLIENT_CA_CRT + ": " + describeBundle(clientBundle)});
            json.put("clientTrustBundle", subjects(clientBundle));
        }
        if (warning != null) {
            rows.add(new String[] {"warning", warning});
        }
        rows.add(new String[] {"check", problem == null ? "OK" : "FAILED: " + problem});
        json.put("ok", problem == null).put("problem", problem).put("warning", warning);
        CertificateFacts.print(b, rows);
        return new Report(b.toString(), json, problem);
    }

    private Report file(Path file, Arguments args) throws Exception {
        byte[] data;
        try {
            data = Files2.read(file);
        } catch (PkiException e) {
            throw new CommandFailedException(e.getMessage());
        }
        Optional<char[]> password = args.value("--password").map(String::toCharArray);
        List<X509Certificate> extraBundle = null;
        if (args.has("--bundle")) {
            extraBundle = CertificateReader.read(args.requiredPath("--bundle"));
        }
        if (isKeyStore(file, data)) {
            return keyStore(file, password.orElse(null), args.value("--alias").orElse(null), extraBundle);
        }
        List<X509Certificate> certificates;
        try {
            certificates = CertificateReader.parse(data, file.toString());
        } catch (PkiException e) {
            if (looksLikePem(data) || !password.isPresent()) {
                throw e;
            }
            // A binary file with a password given: probably a keystore with an unusual name.
            return keyStore(file, password.get(), args.value("--alias").orElse(null), extraBundle);
        }
        if (args.has("--password") || args.has("--alias")) {
            throw new UsageException("--password and --alias apply to keystores; " + file + " holds certificates");
        }
        return certificates(file, certificates, extraBundle);
    }

    private Report certificates(Path file, List<X509Certificate> chain, List<X509Certificate> bundle) {
        Instant now = clock.instant();
        String problem = validity(file, chain, now);
        if (problem == null && bundle != null) {
            problem = chainProblem(file, chain, bundle, now);
        }
        StringBuilder b =
                new StringBuilder(file + " (" + chain.size() + " certificate" + (chain.size() == 1 ? "" : "s") + ")\n");
        CertificateFacts leaf = new CertificateFacts(chain.get(0), now);
        List<String[]> rows = new ArrayList<>(leaf.rows());
        if (chain.size() > 1) {
            rows.add(new String[] {"chain", describeChain(chain)});
        }
        rows.add(new String[] {
            "trust bundle", bundle == null ? "none given (--bundle FILE checks the chain)" : describeBundle(bundle)
        });
        rows.add(new String[] {"check", problem == null ? "OK" : "FAILED: " + problem});
        CertificateFacts.print(b, rows);
        Json json = Json.object()
                .put("path", file.toString())
                .put("kind", "certificates")
                .put("certificate", leaf.json())
                .put("chain", subjects(chain))
                .put("trustBundle", bundle == null ? null : subjects(bundle))
                .put("ok", problem == null)
                .put("problem", problem);
        return new Report(b.toString(), json, problem);
    }

    private Report keyStore(Path file, char[] password, String alias, List<X509Certificate> extraBundle)
            throws Exception {
        Instant now = clock.instant();
        HeldCertificate held = KeyStoreReader.readKeyEntry(file, password, alias);
        List<X509Certificate> trusted = new ArrayList<>();
        for (X509Certificate c : KeyStoreReader.readCertificates(file, password)) {
            if (!held.chain().contains(c) && c.getBasicConstraints() >= 0) {
                trusted.add(c);
            }
        }
        List<X509Certificate> bundle = extraBundle != null ? extraBundle : trusted.isEmpty() ? null : trusted;
        String problem;
        if (bundle != null) {
            try {
                CredentialCheck.verify(held, TrustBundle.of(bundle), clock, CredentialCheck.DEFAULT_MAX_DEPTH);
                problem = null;
            } catch (PkiException e) {
                problem = file + " " + e.getMessage();
            }
        } else {
            problem = CaDirectory.keyMatches(held.privateKey(), held.certificate())
                    ? validity(file, held.chain(), now)
                    : file + ": private key does not match certificate #1";
        }
        StringBuilder b = new StringBuilder(file + " (keystore)\n");
        CertificateFacts leaf = new CertificateFacts(held.certificate(), now);
        List<String[]> rows = new ArrayList<>(leaf.rows());
        boolean matches = CaDirectory.keyMatches(held.privateKey(), held.certificate());
        rows.add(new String[] {"chain", describeChain(held.chain())});
        rows.add(new String[] {"private key", matches ? "matches the certificate" : "DOES NOT MATCH the certificate"});
        rows.add(new String[] {
            "trust bundle",
            bundle == null
                    ? "none in the keystore (--bundle FILE checks the chain)"
                    : (extraBundle != null ? "" : "trusted entries: ") + describeBundle(bundle)
        });
        rows.add(new String[] {"check", problem == null ? "OK" : "FAILED: " + problem});
        CertificateFacts.print(b, rows);
        Json json = Json.object()
                .put("path", file.toString())
                .put("kind", "keystore")
                .put("certificate", leaf.json())
                .put("chain", subjects(held.chain()))
                .put("keyMatches", matches)
                .put("trustBundle", bundle == null ? null : subjects(bundle))
                .put("ok", problem == null)
                .put("problem", problem);
        return new Report(b.toString(), json, problem);
    }

    /** The first certificate outside its validity window, as "file: certificate #n (...): expired ...". */
    private static String validity(Path file, List<X509Certificate> chain, Instant now) {
        for (int i = 0; i < chain.size(); i++) {
            CertificateFacts facts = new CertificateFacts(chain.get(i), now);
            String label = file + ": certificate #" + (i + 1) + " ("
                    + (facts.identity() != null ? facts.identity() : facts.subject()) + ")";
            if (now.isAfter(facts.notAfter())) {
                return label + " expired on " + facts.notAfter() + " (" + facts.timeLeft() + ")";
            }
            if (now.isBefore(facts.notBefore())) {
                return label + " is not valid before " + facts.notBefore() + " (" + facts.timeLeft() + ")";
            }
        }
        return null;
    }

    /** PKIX validation of a chain without its key, at the clock's time. */
    private static String chainProblem(
            Path file, List<X509Certificate> chain, List<X509Certificate> bundle, Instant now) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> path = new ArrayList<>(chain);
            // A chain file may end with the root itself; PKIX wants the path without the anchor.
            while (path.size() > 1 && bundle.contains(path.get(path.size() - 1))) {
                path.remove(path.size() - 1);
            }
            CertPath certPath = factory.generateCertPath(path);
            PKIXParameters parameters =
                    new PKIXParameters(TrustBundle.of(bundle).trustAnchors());
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return null;
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.UNSPECIFIED
                    || e.getReason() == java.security.cert.PKIXReason.NO_TRUST_ANCHOR) {
                X509Certificate top = chain.get(chain.size() - 1);
                CertificateFacts facts = new CertificateFacts(top, now);
                return file + ": is not signed by any CA in the bundle: the chain ends at certificate #" + chain.size()
                        + " (" + (facts.identity() != null ? facts.identity() : facts.subject()) + "), issued by "
                        + facts.issuer()
                        + "; the bundle holds " + String.join("; ", subjects(bundle));
            }
            String where = e.getIndex() >= 0 ? " certificate #" + (e.getIndex() + 1) : "";
            return file + ":" + where + " does not verify against the bundle: " + e.getMessage();
        } catch (GeneralSecurityException e) {
            return file + ": cannot check the chain: " + e.getMessage();
        }
    }

    private static boolean isKeyStore(Path file, byte[] data) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean jksMagic = data.length >= 4
                && (data[0] & 0xff) == 0xfe
                && (data[1] & 0xff) == 0xed
                && (data[2] & 0xff) == 0xfe
                && (data[3] & 0xff) == 0xed;
        return jksMagic
                || name.endsWith(".p12")
                || name.endsWith(".pfx")
                || name.endsWith(".jks")
                || name.endsWith(".keystore")
                || name.endsWith(".truststore");
    }

    private static boolean looksLikePem(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1).contains("-----BEGIN");
    }

    private static String layout(Path dir) {
        Path data = dir.resolve(CertDirectory.KUBELET_DATA);
        if (Files.isSymbolicLink(data)) {
            try {
                return "kubelet volume, ..data -> " + Files.readSymbolicLink(data);
            } catch (java.io.IOException e) {
                return "kubelet volume, ..data unreadable";
            }
        }
        String files = Files.exists(dir.resolve(CertDirectory.CREDENTIAL_BUNDLE)) ? "pod certificate bundle, " : "";
        return files
                + (Files.isSymbolicLink(dir.resolve(CertDirectory.TLS_CRT)) ? "tls.crt is a symlink" : "plain files");
    }

    private static String describeChain(List<X509Certificate> chain) {
        if (chain.size() == 1) {
            return "leaf only";
        }
        List<String> issuers = new ArrayList<>();
        for (X509Certificate c : chain.subList(1, chain.size())) {
            issuers.add(c.getSubjectX500Principal().getName());
        }
        return "leaf + " + (chain.size() - 1) + ": " + String.join(" <- ", issuers);
    }

    private static String describeBundle(List<X509Certificate> bundle) {
        return bundle.size() + " certificate" + (bundle.size() == 1 ? "" : "s") + ": "
                + String.join("; ", subjects(bundle));
    }

    private static List<String> subjects(List<X509Certificate> certificates) {
        List<String> result = new ArrayList<>();
        for (X509Certificate c : certificates) {
            result.add(c.getSubjectX500Principal().getName());
        }
        return result;
    }
}
