package io.meshless.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** Inspects the built agent jar: one self-contained file with every dependency relocated. */
class AgentJarIT {
    static Path agentJar() {
        Path jar = Paths.get(System.getProperty("meshless.agent.jar", "target/meshless-agent.jar"))
                .toAbsolutePath();
        assertThat(jar).as("the agent jar built by 'package'").isRegularFile();
        return jar;
    }

    @Test
    void containsNoUnrelocatedThirdPartyClassOrResource() throws Exception {
        List<String> defects = new ArrayList<>();
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (!name.startsWith("io/meshless/") && !name.startsWith("META-INF/") && !name.equals("io/")) {
                    defects.add(name);
                }
            }
        }
        assertThat(defects).as("entries outside io/meshless/** and META-INF").isEmpty();
    }

    @Test
    void relocatesByteBuddyBouncyCastleSlf4jPkiAndCommandlineUnderShaded() throws Exception {
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            assertThat(jar.getEntry("io/meshless/shaded/net/bytebuddy/agent/builder/AgentBuilder.class"))
                    .isNotNull();
            assertThat(jar.getEntry("io/meshless/shaded/org/bouncycastle/asn1/ASN1Object.class"))
                    .isNotNull();
            assertThat(jar.getEntry("io/meshless/shaded/org/slf4j/LoggerFactory.class"))
                    .isNotNull();
            // The agent's own pki as well, so an application's copy of meshless-pki cannot shadow it.
            assertThat(jar.getEntry("io/meshless/shaded/pki/reload/WatchedCertDirectory.class"))
                    .isNotNull();
            assertThat(Collections.list(jar.entries()))
                    .extracting(JarEntry::getName)
                    .noneMatch(n -> n.startsWith("io/meshless/pki/"));
            // And the command line's argument parser, for the same reason.
            assertThat(jar.getEntry("io/meshless/shaded/commandline/Options.class"))
                    .isNotNull();
            assertThat(Collections.list(jar.entries()))
                    .extracting(JarEntry::getName)
                    .noneMatch(n -> n.startsWith("io/meshless/commandline/"));
            // The relocated SLF4J finds the agent's own binding, and only it.
            JarEntry services =
                    jar.getJarEntry("META-INF/services/io.meshless.shaded.org.slf4j.spi.SLF4JServiceProvider");
            assertThat(services).isNotNull();
            try (InputStream in = jar.getInputStream(services)) {
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim())
                        .isEqualTo("io.meshless.agent.log.StderrServiceProvider");
            }
            assertThat(jar.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"))
                    .isNull();
            assertThat(jar.getEntry("META-INF/services/java.security.Provider")).isNull();
            // Relocated Bouncy Castle no longer matches its signatures: they must be gone.
            assertThat(Collections.list(jar.entries()))
                    .extracting(JarEntry::getName)
                    .noneMatch(n -> n.startsWith("META-INF/")
                            && (n.endsWith(".SF") || n.endsWith(".DSA") || n.endsWith(".RSA") || n.endsWith(".EC")));
            assertThat(Collections.list(jar.entries()))
                    .extracting(JarEntry::getName)
                    .noneMatch(n -> n.endsWith("module-info.class"));
        }
    }

    @Test
    void manifestNamesTheAgentAndCommandLineClasses() throws Exception {
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("io.meshless.agent.bootstrap.AgentBootstrap");
            assertThat(main.getValue("Agent-Class")).isEqualTo("io.meshless.agent.bootstrap.AgentBootstrap");
            assertThat(main.getValue("Main-Class")).isEqualTo("io.meshless.cli.MeshlessCommand");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
            assertThat(jar.getEntry("io/meshless/agent/bootstrap/AgentBootstrap.class"))
                    .isNotNull();
        }
    }

    @Test
    void agentAndPkiBytecodeTargetsJava11() throws Exception {
        List<String> tooNew = new ArrayList<>();
        int checked = 0;
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                boolean thirdParty =
                        name.startsWith("io/meshless/shaded/") && !name.startsWith("io/meshless/shaded/pki/");
                if (name.endsWith(".class") && !thirdParty) {
                    try (DataInputStream in = new DataInputStream(jar.getInputStream(entry))) {
                        in.readInt();
                        in.readUnsignedShort();
                        int major = in.readUnsignedShort();
                        checked++;
                        if (major > 55) {
                            tooNew.add(name + " (class file " + major + ")");
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(tooNew).isEmpty();
        assertThat(Files.size(agentJar())).isPositive();
    }
}
