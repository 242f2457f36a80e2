package io.meshless.cli;

import io.meshless.agent.config.AgentConfig;
import io.meshless.agent.config.ConfigException;
import io.meshless.agent.config.Mode;
import io.meshless.agent.config.Setting;
import io.meshless.commandline.Arguments;
import io.meshless.commandline.Options;
import io.meshless.commandline.UsageException;
import io.meshless.pki.CertDirectory;
import io.meshless.pki.PkiException;
import io.meshless.pki.SpiffeId;
import io.meshless.pki.WorkloadCredentials;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code meshless status}: what the agent would load in this JVM, and why. Configuration comes
 * from {@link AgentConfig} (the agent's own resolver), so the answer cannot drift from the agent.
 */
final class StatusCommand implements Command {

    private final Clock clock;
    private final Function<String, String> systemProperty;
    private final Function<String, String> environment;
    private final Options options = new Options()
            .value("--agent-args", "ARGS", "the agent argument to assume, as in -javaagent:meshless-agent.jar=ARGS")
            .value("--pid", "PID", "show what the agent running in that local JVM loaded and is doing (Attach API)")
            .flag("--all", "show the agents running in every local JVM of this user")
            .flag("--json", "print the result as JSON");

    StatusCommand(Clock clock, Function<String, String> systemProperty, Function<String, String> environment) {
        this.clock = clock;
        this.systemProperty = systemProperty;
        this.environment = environment;
    }

    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "show what the agent in this JVM would load, and why";
    }

    @Override
    public String synopsis() {
        return "[--agent-args ARGS | --pid PID | --all] [--json]";
    }

    @Override
    public String description() {
        return "Resolves the agent configuration as the agent does (first wins: agent argument, system\n"
                + "properties meshless.<key>, environment MESHLESS_<KEY>, defaults), shows each key with\n"
                + "its source, then loads and checks the certificate directory: identity, serial, expiry,\n"
                + "trust bundles. Exits 1 with the reason when the agent would have no usable material\n"
                + "(it would then fail TLS handshakes closed) or the configuration is invalid.\n\n"
                + "With --pid or --all: what a running agent loaded and is doing, read from its MBean\n"
                + "io.meshless:type=Agent through the JDK Attach API (run it as the JVM's user, e.g. from\n"
                + "kubectl exec in the pod): identity, expiry, mode, rotations, accepted handshakes,\n"
                + "refusals by reason, and the application's own SSLContexts that do not use the mesh\n"
                + "identity. Exits 1 when the JVM cannot be read or runs no agent.";
    }

    @Override
    public Options options() {
        return options;
    }

    @Override
    public void execute(Arguments args, PrintStream out) throws Exception {
        Optional<String> pid = args.value("--pid");
        boolean all = args.flag("--all");
        if (pid.isPresent() || all) {
            if (pid.isPresent() && all || args.value("--agent-args").isPresent()) {
                throw new UsageException("--pid, --all and --agent-args exclude each other");
            }
            if (all) {
                RunningStatus.all(args.flag("--json"), out);
            } else {
                RunningStatus.ofPid(pid.get().trim(), args.flag("--json"), out);
            }
            return;
        }
        String agentArgs = args.value("--agent-args").orElse(null);
        AgentConfig config;
        try {
            config = AgentConfig.resolve(agentArgs, systemProperty, environment);
        } catch (ConfigException e) {
            throw new CommandFailedException("configuration: " + e.getMessage());
        }
        boolean json = args.flag("--json");
        StringBuilder b = new StringBuilder(
                "Configuration (first wins: agent argument, system property," + " environment, default)\n");
        List<String[]> rows = new ArrayList<>();
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Setting s : config.settings().values()) {
            String value = s.value() == null
                    ? "(every ID in the own trust domain; without a SPIFFE ID of our own, every peer that"
                            + " chains to the bundle)"
                    : s.value();
            rows.add(new String[] {s.key().key(), value + "  [" + s.source() + "]"});
            settings.put(s.key().key(), Json.object().put("value", s.value()).put("source", s.source()));
        }
        CertificateFacts.print(b, rows);
        Json result = Json.object().put("settings", settings);

        if (config.mode() == Mode.OFF) {
            b.append("\nmode is off: the agent would install nothing and leave TLS as the JVM has it.\n");
            result.put("installs", false).put("ok", true).put("problem", null);
            out.print(json ? result + "\n" : b.toString());
            return;
        }

        Path dir = config.certDir();
        b.append("\nCertificates in ")
                .append(dir)
                .append(" (")
                .append(layout(dir))
                .append(")\n");
        rows = new ArrayList<>();
        String problem = null;
        try {
            WorkloadCredentials credentials = CertDirectory.load(dir, clock);
            X509Certificate leaf = credentials.identity().certificate();
            CertificateFacts facts = new CertificateFacts(leaf, clock.instant());
            Optional<SpiffeId> id = credentials.spiffeId();
            rows.add(new String[] {
                "identity",
                id.map(SpiffeId::toString).orElse("(no SPIFFE ID: peers fall back" + " to host-name verification)")
            });
            rows.add(new String[] {"serial", credentials.serialHex()});
            rows.add(new String[] {"valid until", facts.notAfter() + " (" + facts.timeLeft() + ")"});
            rows.add(new String[] {"key type", facts.keyType()});
            rows.add(new String[] {
                "trust bundle",
                credentials.trustBundle().certificates().size() + " CA certificate(s) from " + CertDirectory.CA_CRT
            });
            rows.add(new String[] {
                "inbound",
                credentials.clientTrustBundle().isPresent()
                        ? "clients verified against " + CertDirectory.CLIENT_CA_CRT
                        : "clients verified against " + CertDirectory.CA_CRT
            });
            String peers = config.allowedPeers()
                    .map(Object::toString)
                    .orElse(
                            id.isPresent()
                                    ? "every ID in trust domain " + id.get().trustDomain() + " (default)"
                                    : "every peer that chains to the trust bundle (default without a SPIFFE ID"
                                            + " of our own, as nginx ssl_verify_client on)");
            rows.add(new String[] {"allowed peers", peers});
            if (!credentials.bundlesHoldOwnIssuer()) {
                rows.add(new String[] {
                    "warning",
                    "neither " + CertDirectory.CA_CRT + " nor " + CertDirectory.CLIENT_CA_CRT
                            + " holds the CA that issued the own certificate"
                });
            }
            rows.add(new String[] {
                "servers",
                config.mode() == Mode.STRICT
                        ? "require a client certificate (strict)"
                        : config.mode() == Mode.AUDIT
                                ? "ask for a client certificate, log and count what strict would refuse,"
                                        + " admit it (audit)"
                                : "ask for a client certificate, accept none (permissive)"
            });
            rows.add(new String[] {
                "non-mesh peers",
                config.trustSystemCas()
                        ? "verified against the JDK's CAs with host-name verification"
                        : "refused (trust-system-cas=false)"
            });
            result.put("certificate", facts.json()).put("allowedPeers", peers);
        } catch (PkiException e) {
            problem = e.getMessage();
            rows.add(new String[] {"problem", problem});
            rows.add(new String[] {
                "effect",
                "the agent would log this once, fail TLS handshakes closed and" + " load the material when it appears"
            });
        }
        CertificateFacts.print(b, rows);
        result.put("installs", true)
                .put("certDir", dir.toString())
                .put("ok", problem == null)
                .put("problem", problem);
        out.print(json ? result + "\n" : b.toString());
        if (problem != null) {
            throw new CommandFailedException("the agent would have no usable certificate: " + problem);
        }
    }

    private static String layout(Path dir) {
        Path data = dir.resolve(CertDirectory.KUBELET_DATA);
        if (Files.isSymbolicLink(data)) {
            try {
                return "kubelet volume, ..data -> " + Files.readSymbolicLink(data);
            } catch (IOException e) {
                return "kubelet volume";
            }
        }
        return Files.isDirectory(dir) ? "plain directory" : "missing";
    }
}
