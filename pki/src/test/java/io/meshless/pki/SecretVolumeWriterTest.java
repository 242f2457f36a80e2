package io.meshless.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretVolumeWriterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:50:01Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    @Test
    void privateKeyIsOwnerOnlyAndEverythingElseWorldReadable() throws Exception {
        Path dir = tmp.resolve("certs");
        Path generation = new SecretVolumeWriter(dir, CLOCK).publish(files("one"));

        assertThat(generation.getFileName().toString()).startsWith("..2026_11_23_10_50_01.");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(generation.resolve("tls.key"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(generation.resolve("tls.crt"))))
                .isEqualTo("rw-r--r--");
        assertThat(Files.readSymbolicLink(dir.resolve("tls.key"))).isEqualTo(Path.of("..data", "tls.key"));
        assertThat(Files.readString(dir.resolve("tls.key"))).isEqualTo("key one");
    }

    @Test
    void publishSwapsDataOnlyAndRemovesTheOldGeneration() throws Exception {
        Path dir = tmp.resolve("certs");
        SecretVolumeWriter writer = new SecretVolumeWriter(dir, CLOCK);
        Path first = writer.publish(files("one"));
        Path crtLinkBefore = Files.readSymbolicLink(dir.resolve("tls.crt"));

        Path second = writer.publish(files("two"));

        assertThat(writer.currentGeneration()).contains(second);
        assertThat(first).doesNotExist();
        assertThat(Files.readSymbolicLink(dir.resolve("tls.crt"))).isEqualTo(crtLinkBefore);
        assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("crt two");
        assertThat(dir.resolve(SecretVolumeWriter.DATA_TMP_LINK)).doesNotExist();
    }

    @Test
    void stepsStopWhereAnInterruptedKubeletStops() throws Exception {
        Path dir = tmp.resolve("certs");
        SecretVolumeWriter writer = new SecretVolumeWriter(dir, CLOCK);
        Path first = writer.publish(files("one"));

        Path unswapped = writer.writeGeneration(files("two"));
        writer.linkDataTmp(unswapped);

        assertThat(writer.currentGeneration()).contains(first);
        assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("crt one");
        assertThat(SecretVolumeWriter.namesIn(unswapped)).containsExactly("ca.crt", "tls.crt", "tls.key");
    }

    @Test
    void refusesNamesThatAreNotPlainFileNames() {
        SecretVolumeWriter writer = new SecretVolumeWriter(tmp.resolve("certs"), CLOCK);
        for (String bad : new String[] {"../evil", "..data", "sub/file", "", "."}) {
            Map<String, byte[]> files = Map.of(bad, new byte[] {1});
            assertThatThrownBy(() -> writer.publish(files))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThat(tmp.resolve("certs")).doesNotExist();
    }

    private static Map<String, byte[]> files(String tag) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("tls.crt", ("crt " + tag).getBytes(StandardCharsets.US_ASCII));
        files.put("tls.key", ("key " + tag).getBytes(StandardCharsets.US_ASCII));
        files.put("ca.crt", ("ca " + tag).getBytes(StandardCharsets.US_ASCII));
        return files;
    }
}
