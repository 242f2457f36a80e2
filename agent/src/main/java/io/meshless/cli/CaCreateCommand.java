package io.meshless.cli;

import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import io.meshless.commandline.UsageException;
import io.meshless.pki.CertificateAuthority;
import io.meshless.pki.KeyType;
import io.meshless.pki.Pem;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** {@code meshless ca create}: a root (or intermediate) CA as {@code ca.crt} + {@code ca.key}. */
final class CaCreateCommand implements Command {

    private static final long ROOT_DAYS = 3650;
    private static final long INTERMEDIATE_DAYS = 1825;

    private final Clock clock;
    private final Options options = new Options()
            .value("--out", "DIR", "directory to write ca.crt and ca.key into (created if absent)")
            .value(
                    "--name",
                    "CN",
                    "common name of the CA (default \"Meshless Root CA\", or \"Meshless Intermediate CA\")")
            .value("--key-type", "TYPE", "ec-p256 (default), ec-p384, rsa-2048, rsa-3072, rsa-4096, ed25519")
            .value(
                    "--days",
                    "N",
                    "validity in days (default " + ROOT_DAYS + ", intermediate " + INTERMEDIATE_DAYS + ")")
            .flag("--intermediate", "create an intermediate CA signed by the CA in --ca")
            .value("--ca", "DIR", "with --intermediate: the signing CA's directory (ca.crt, ca.key)")
            .value("--ca-password", "P", "password of an encrypted --ca key")
            .flag("--force", "replace an existing ca.key (the old CA can no longer issue)")
            .flag("--json", "print the result as JSON");

    CaCreateCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "ca create";
    }

    @Override
    public String summary() {
        return "create a mesh CA (ca.crt, ca.key) to issue workload certificates from";
    }

    @Override
    public String synopsis() {
        return "--out DIR [--name CN] [--key-type TYPE] [--days N] [--intermediate --ca DIR] [--force] [--json]";
    }

    @Override
    public String description() {
        return "Creates a self-signed root CA, or with --intermediate a CA signed by another one, and\n"
                + "writes DIR/ca.crt (the CA certificate followed by its issuers) and DIR/ca.key (PKCS#8,\n"
                + "mode 0600). An existing ca.key is never overwritten without --force.";
    }

    @Override
    public Options options() {
        return options;
    }

    @Override
    public void execute(Arguments args, PrintStream out) throws Exception {
        Path dir = args.requiredPath("--out");
        KeyType keyType = keyType(args);
        boolean intermediate = args.flag("--intermediate");
        Optional<Path> parentDir = args.path("--ca");
        if (intermediate && !parentDir.isPresent()) {
            throw new UsageException("--intermediate needs --ca DIR, the CA that signs it");
        }
        if (!intermediate && parentDir.isPresent()) {
            throw new UsageException("--ca is only used with --intermediate");
        }
        if (args.has("--ca-password") && !intermediate) {
            throw new UsageException("--ca-password is only used with --intermediate --ca DIR");
        }
        long days = args.number("--days", 1, 36_500, intermediate ? INTERMEDIATE_DAYS : ROOT_DAYS);
        PrintableValues.require(args, "--name");
        String name = args.value("--name").orElse(intermediate ? "Meshless Intermediate CA" : "Meshless Root CA");
        if (name.trim().isEmpty()) {
            throw new UsageException("--name is empty");
        }

        Path keyFile = dir.resolve(CaDirectory.CA_KEY);
        Path certFile = dir.resolve(CaDirectory.CA_CRT);
        if (Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS) && !args.flag("--force")) {
            throw new CommandFailedException(keyFile + ": already exists; refusing to replace a CA key"
                    + " (certificates it issued would no longer be renewable). Use --force to replace it.");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CommandFailedException(dir + ": exists and is not a directory");
        }

        CertificateAuthority ca;
        if (intermediate) {
            char[] password =
                    args.value("--ca-password").map(String::toCharArray).orElse(null);
            CertificateAuthority parent = CaDirectory.load(parentDir.get(), password, clock);
            ca = parent.createIntermediate(name, Duration.ofDays(days), keyType);
        } else {
            ca = CertificateAuthority.createRoot(name, Duration.ofDays(days), keyType, clock);
        }

        // Key first: a ca.crt without its key is useless, a key without ca.crt is re-creatable by --force.
        OutputFiles.writePrivate(keyFile, Pem.encode(ca.held().privateKey()).getBytes(StandardCharsets.US_ASCII));
        OutputFiles.writePublic(certFile, Pem.encode(ca.held().chain()).getBytes(StandardCharsets.US_ASCII));

        CertificateFacts facts = new CertificateFacts(ca.certificate(), clock.instant());
        if (args.flag("--json")) {
            out.println(Json.object()
                    .put("certificate", certFile.toString())
                    .put("privateKey", keyFile.toString())
                    .put("intermediate", intermediate)
                    .put("ca", facts.json()));
            return;
        }
        StringBuilder b = new StringBuilder();
        b.append("Created ")
                .append(intermediate ? "intermediate" : "root")
                .append(" CA \"")
                .append(name)
                .append("\"\n");
        CertificateFacts.print(
                b,
                java.util.Arrays.asList(
                        new String[] {"certificate", certFile.toString()},
                        new String[] {"private key", keyFile + " (keep it secret)"},
                        new String[] {"key type", facts.keyType()},
                        new String[] {"serial", facts.serial()},
                        new String[] {"valid until", facts.notAfter() + " (" + facts.timeLeft() + ")"}));
        out.print(b);
    }

    static KeyType keyType(Arguments args) throws UsageException {
        Optional<String> text = args.value("--key-type");
        if (!text.isPresent()) {
            return KeyType.EC_P256;
        }
        try {
            return KeyType.parse(text.get());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--key-type: " + e.getMessage());
        }
    }
}
