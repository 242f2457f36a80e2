package io.meshless.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretVolumeTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:50:01Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private static Map<String, String> set(String generation) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("tls.crt", "crt " + generation);
        files.put("tls.key", "key " + generation);
        files.put("ca.crt", "ca " + generation);
        return files;
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    @Test
    void publishWritesTimestampedGenerationBehindDataSymlink() throws IOException {
        Path dir = tmp.resolve("certs");
        SecretVolume volume = new SecretVolume(dir, CLOCK);

        Path generation = volume.publishText(set("one"));

        assertThat(generation.getFileName().toString()).matches("\\.\\.2026_11_23_10_50_01\\.\\d{9}");
        assertThat(Files.readSymbolicLink(dir.resolve("..data"))).isEqualTo(generation.getFileName());
        for (String name : new String[] {"tls.crt", "tls.key", "ca.crt"}) {
            assertThat(Files.isSymbolicLink(dir.resolve(name))).as(name).isTrue();
            assertThat(Files.readSymbolicLink(dir.resolve(name))).isEqualTo(Path.of("..data", name));
            assertThat(Files.isRegularFile(generation.resolve(name), LinkOption.NOFOLLOW_LINKS))
                    .isTrue();
        }
        assertThat(read(dir.resolve("tls.key"))).isEqualTo("key one");
        assertThat(dir.resolve("..data_tmp")).doesNotExist();
    }

    @Test
    void secondPublishSwapsDataAndRemovesOldGenerationKeepingTopLevelLinks() throws IOException {
        Path dir = tmp.resolve("certs");
        SecretVolume volume = new SecretVolume(dir, CLOCK);
        Path first = volume.publishText(set("one"));
        Object linkKey = Files.readAttributes(
                        dir.resolve("tls.crt"), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();

        Path second = volume.publishText(set("two"));

        assertThat(second).isNotEqualTo(first);
        assertThat(first).doesNotExist();
        assertThat(volume.generations()).containsExactly(second);
        assertThat(volume.currentGeneration()).contains(second);
        assertThat(read(dir.resolve("tls.crt"))).isEqualTo("crt two");
        assertThat(read(dir.resolve("ca.crt"))).isEqualTo("ca two");
        // The user-visible symlink is the same file-system object: only ..data moved.
        assertThat(Files.readAttributes(dir.resolve("tls.crt"), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                        .fileKey())
                .isEqualTo(linkKey);
    }

    @Test
    void publishRemovesNamesNoLongerInTheSecret() throws IOException {
        Path dir = tmp.resolve("certs");
        SecretVolume volume = new SecretVolume(dir, CLOCK);
        Map<String, String> withClientCa = set("one");
        withClientCa.put("client-ca.crt", "client ca");
        volume.publishText(withClientCa);
        assertThat(read(dir.resolve("client-ca.crt"))).isEqualTo("client ca");

        volume.publishText(set("two"));

        assertThat(Files.exists(dir.resolve("client-ca.crt"), LinkOption.NOFOLLOW_LINKS))
                .isFalse();
    }

    @Test
    void interruptedBeforeSwapLeavesDataOnOldGeneration() throws IOException {
        Path dir = tmp.resolve("certs");
        SecretVolume volume = new SecretVolume(dir, CLOCK);
        Path first = volume.publishText(set("one"));

        Path unfinished = volume.publishInterrupted(bytes(set("two")), SecretVolume.Interruption.BEFORE_SWAP);

        assertThat(volume.currentGeneration()).contains(first);
        assertThat(Files.readSymbolicLink(dir.resolve("..data_tmp"))).isEqualTo(unfinished.getFileName());
        assertThat(read(dir.resolve("tls.crt"))).isEqualTo("crt one");
        assertThat(read(unfinished.resolve("tls.key"))).isEqualTo("key two");
    }

    @Test
    void interruptedPartialGenerationHoldsOnlyTheCertificate() throws IOException {
        Path dir = tmp.resolve("certs");
        SecretVolume volume = new SecretVolume(dir, CLOCK);
        Path first = volume.publishText(set("one"));

        Path unfinished = volume.publishInterrupted(bytes(set("two")), SecretVolume.Interruption.PARTIAL_GENERATION);

        assertThat(volume.currentGeneration()).contains(first);
        assertThat(unfinished.resolve("tls.crt")).exists();
        assertThat(unfinished.resolve("tls.key")).doesNotExist();
        assertThat(volume.generations()).containsExactlyInAnyOrder(first, unfinished);
        assertThat(read(dir.resolve("tls.key"))).isEqualTo("key one");
    }

    @Test
    void interruptedBeforeCleanupKeepsOldGenerationButServesNewOne() throws IOException {
        Path dir = tmp.resolve("certs");
        SecretVolume volume = new SecretVolume(dir, CLOCK);
        Path first = volume.publishText(set("one"));

        Path second = volume.publishInterrupted(bytes(set("two")), SecretVolume.Interruption.BEFORE_CLEANUP);

        assertThat(volume.currentGeneration()).contains(second);
        assertThat(first).exists();
        assertThat(read(dir.resolve("tls.crt"))).isEqualTo("crt two");
    }

    @Test
    void rewriteInPlaceOfOneFileLeavesAMixedSet() throws IOException {
        Path dir = tmp.resolve("plain");
        SecretVolume volume = SecretVolume.at(dir);
        volume.rewriteInPlaceText(set("one"));
        Object inode = Files.readAttributes(dir.resolve("tls.crt"), BasicFileAttributes.class)
                .fileKey();

        Map<String, String> onlyCert = new LinkedHashMap<>();
        onlyCert.put("tls.crt", "crt two");
        volume.rewriteInPlaceText(onlyCert);

        assertThat(Files.isSymbolicLink(dir.resolve("tls.crt"))).isFalse();
        assertThat(read(dir.resolve("tls.crt"))).isEqualTo("crt two");
        assertThat(read(dir.resolve("tls.key"))).isEqualTo("key one");
        assertThat(Files.readAttributes(dir.resolve("tls.crt"), BasicFileAttributes.class)
                        .fileKey())
                .isEqualTo(inode);
    }

    @Test
    void refusesNamesThatWouldEscapeOrShadowKubeletEntries() {
        SecretVolume volume = new SecretVolume(tmp.resolve("certs"), CLOCK);
        for (String bad : new String[] {"../evil", "..data", "sub/file", ""}) {
            Map<String, String> files = new LinkedHashMap<>();
            files.put(bad, "x");
            assertThatThrownBy(() -> volume.publishText(files))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    private static Map<String, byte[]> bytes(Map<String, String> text) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        text.forEach((k, v) -> result.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return result;
    }
}
