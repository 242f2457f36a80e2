package io.meshless.cli;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import io.meshless.commandline.UsageException;
import io.meshless.pki.CertDirectory;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.CredentialCheck;
import io.meshless.pki.HeldCertificate;
import io.meshless.pki.KeyStoreWriter;
import io.meshless.pki.LeafSpec;
import io.meshless.pki.SecretVolumeWriter;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.TrustBundle;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code meshless issue}: a workload certificate for one identity, in the Secret file layout. */
final class IssueCommand implements Command {

    private static final long MAX_HOURS = 24L * 3650;

    private final Clock clock;
    private final Options options = new Options()
            .value("--ca", "DIR", "CA directory with ca.crt and ca.key (from 'meshless ca create')")
            .value("--ca-password", "P", "password of an encrypted ca.key")
            .value("--spiffe-id", "ID", "the identity, e.g. spiffe://cluster.local/ns/shop/sa/orders")
            .value("--namespace", "NS", "with --service-account: build the ID from a Kubernetes service account")
            .value("--service-account", "SA", "service account name (with --namespace)")
            .value("--trust-domain", "TD", "trust domain for --namespace/--service-account (default cluster.local)")
            .repeatable("--dns", "NAME", "add a DNS subject alternative name")
            .repeatable("--ip", "ADDR", "add an IP address subject alternative name")
            .value("--key-type", "TYPE", "ec-p256 (default), ec-p384, rsa-2048, rsa-3072, rsa-4096, ed25519")
            .value("--hours", "N", "validity in hours (default 24)")
            .value("--out", "DIR", "directory for tls.crt, tls.key and ca.crt (created if absent)")
            .flag("--kubelet", "publish into --out as kubelet does (..data symlink swap), for a running agent")
            .value("--pkcs12", "FILE", "also write a PKCS#12 keystore (needs --password)")
            .value("--jks", "FILE", "also write a JKS keystore (needs --password)")
            .value("--password", "P", "password for --pkcs12 / --jks")
            .flag("--json", "print the result as JSON");

    IssueCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "issue";
    }

    @Override
    public String summary() {
        return "issue a workload certificate for a SPIFFE ID into the Secret layout";
    }

    @Override
    public String synopsis() {
        return "--ca DIR (--spiffe-id ID | --namespace NS --service-account SA [--trust-domain TD])\n"
                + "       [--dns NAME]... [--ip ADDR]... [--key-type TYPE] [--hours N] --out DIR [--kubelet]\n"
                + "       [--pkcs12 FILE] [--jks FILE] [--password P] [--json]";
    }

    @Override
    public String description() {
        return "Issues a leaf certificate with the SPIFFE ID as URI SAN (EKU serverAuth and clientAuth,\n"
                + "random 128-bit serial) and writes the kubernetes.io/tls Secret layout the agent reads:\n"
                + "  tls.crt  the leaf, then intermediates\n"
                + "  tls.key  the private key (PKCS#8)\n"
                + "  ca.crt   the trust bundle (the CA's root)\n"
                + "With --kubelet the files are published by an atomic ..data symlink swap, as kubelet\n"
                + "updates a mounted Secret, so a running agent picks up the new certificate.";
    }

    @Override
    public Options options() {
        return options;
    }

    @Override
    public void execute(Arguments args, PrintStream out) throws Exception {
        PrintableValues.require(
                args, "--spiffe-id", "--namespace", "--service-account", "--trust-domain", "--dns", "--ip");
        Path caDir = args.requiredPath("--ca");
        SpiffeId id = identity(args);
        Path dir = args.requiredPath("--out");
        long hours = args.number("--hours", 1, MAX_HOURS, 24);
        Optional<Path> pkcs12 = args.path("--pkcs12");
        Optional<Path> jks = args.path("--jks");
        Optional<String> password = args.value("--password");
        if ((pkcs12.isPresent() || jks.isPresent()) && !password.isPresent()) {
            throw new UsageException((pkcs12.isPresent() ? "--pkcs12" : "--jks") + " needs --password P");
        }
        if (password.isPresent() && !pkcs12.isPresent() && !jks.isPresent()) {
            throw new UsageException("--password is only used with --pkcs12 or --jks");
        }
        LeafSpec spec = spec(args, id, hours);
        boolean kubelet = args.flag("--kubelet");
        if (!kubelet && Files.isSymbolicLink(dir.resolve("..data"))) {
            throw new CommandFailedException(dir + ": is a kubelet-style volume (..data symlink); writing files in"
                    + " place would break it. Use --kubelet to publish by atomic swap.");
        }

        char[] caPassword = args.value("--ca-password").map(String::toCharArray).orElse(null);
        CertificateAuthority ca = CaDirectory.load(caDir, caPassword, clock);
        HeldCertificate held = ca.issue(spec);
        TrustBundle bundle = CaDirectory.trustBundle(ca);
        // Never hand out a set the agent would refuse (an expired CA, a broken ca.crt chain).
        CredentialCheck.verify(held, bundle, clock, CredentialCheck.DEFAULT_MAX_DEPTH);

        Path generation = null;
        if (kubelet) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(CertDirectory.TLS_CRT, held.chainPem().getBytes(StandardCharsets.US_ASCII));
            files.put(CertDirectory.TLS_KEY, held.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
            files.put(CertDirectory.CA_CRT, bundle.toPem().getBytes(StandardCharsets.US_ASCII));
            for (String name : files.keySet()) {
                Path visible = dir.resolve(name);
                if (Files.exists(visible, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(visible)) {
                    // kubelet never replaces a top-level entry; a regular file here would keep serving old content.
                    throw new CommandFailedException(visible + ": is a regular file, not a symlink into ..data;"
                            + " publish into an empty directory or one written with --kubelet, or omit --kubelet");
                }
            }
            generation = new SecretVolumeWriter(dir, clock).publish(files);
        } else {
            CertDirectory.write(dir, held, bundle);
        }
        if (pkcs12.isPresent()) {
            KeyStoreWriter.writePkcs12(
                    pkcs12.get(), held, bundle, password.get().toCharArray());
        }
        if (jks.isPresent()) {
            KeyStoreWriter.writeJks(jks.get(), held, bundle, password.get().toCharArray());
        }

        CertificateFacts facts = new CertificateFacts(held.certificate(), clock.instant());
        List<String> written = new ArrayList<>(Arrays.asList(
                dir.resolve(CertDirectory.TLS_CRT).toString(),
                dir.resolve(CertDirectory.TLS_KEY).toString(),
                dir.resolve(CertDirectory.CA_CRT).toString()));
        pkcs12.ifPresent(p -> written.add(p.toString()));
        jks.ifPresent(p -> written.add(p.toString()));
        if (args.flag("--json")) {
            out.println(Json.object()
                    .put("identity", id.toString())
                    .put("files", written)
                    .put(
                            "generation",
                            generation == null ? null : generation.getFileName().toString())
                    .put("chainLength", held.chain().size())
                    .put("certificate", facts.json()));
            return;
        }
        StringBuilder b = new StringBuilder("Issued " + id + "\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"serial", facts.serial()});
        rows.add(new String[] {"key type", facts.keyType()});
        rows.add(new String[] {"valid until", facts.notAfter() + " (" + facts.timeLeft() + ")"});
        rows.add(new String[] {"issuer", facts.issuer()});
        if (!spec.dnsNames().isEmpty()) {
            rows.add(new String[] {"dns names", String.join(", ", spec.dnsNames())});
        }
        if (!spec.ipAddresses().isEmpty()) {
            rows.add(new String[] {"ip addresses", String.join(", ", spec.ipAddresses())});
        }
        rows.add(new String[] {"wrote", String.join(", ", written)});
        if (generation != null) {
            rows.add(new String[] {"published", dir.resolve("..data") + " -> " + generation.getFileName()});
        }
        CertificateFacts.print(b, rows);
        out.print(b);
    }

    private static SpiffeId identity(Arguments args) throws UsageException {
        Optional<String> spiffeId = args.value("--spiffe-id");
        Optional<String> namespace = args.value("--namespace");
        Optional<String> serviceAccount = args.value("--service-account");
        if (spiffeId.isPresent()) {
            if (namespace.isPresent() || serviceAccount.isPresent() || args.has("--trust-domain")) {
                throw new UsageException("give either --spiffe-id or --namespace/--service-account, not both");
            }
            try {
                return SpiffeId.parse(spiffeId.get());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--spiffe-id '" + spiffeId.get() + "': " + e.getMessage());
            }
        }
        if (!namespace.isPresent() && !serviceAccount.isPresent()) {
            throw new UsageException("missing identity: give --spiffe-id ID, or --namespace NS --service-account SA");
        }
        if (!namespace.isPresent() || !serviceAccount.isPresent()) {
            throw new UsageException(
                    namespace.isPresent()
                            ? "--namespace needs --service-account SA"
                            : "--service-account needs --namespace NS");
        }
        String trustDomain = args.value("--trust-domain").orElse("cluster.local");
        try {
            return SpiffeId.forServiceAccount(trustDomain, namespace.get(), serviceAccount.get());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--trust-domain/--namespace/--service-account: " + e.getMessage());
        }
    }

    private static LeafSpec spec(Arguments args, SpiffeId id, long hours) throws UsageException {
        LeafSpec.Builder builder = LeafSpec.builder()
                .spiffeId(id)
                .keyType(CaCreateCommand.keyType(args))
                .lifetime(Duration.ofHours(hours));
        for (String dns : args.values("--dns")) {
            try {
                builder.dnsName(dns);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--dns '" + dns + "': " + e.getMessage());
            }
        }
        for (String ip : args.values("--ip")) {
            try {
                builder.ipAddress(ip);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--ip '" + ip + "': " + e.getMessage());
            }
        }
        return builder.build();
    }
}
