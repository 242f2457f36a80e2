package io.meshless.benchmarks.process;

import io.meshless.pki.SecretVolumeWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes the files of a staged directory into a Secret volume the way kubelet does, through
 * pki's {@link SecretVolumeWriter} (the writer the command line and the test fixtures use).
 */
public final class KubeletVolume {
    private static final List<String> FILES = List.of("tls.crt", "tls.key", "ca.crt");

    private final SecretVolumeWriter writer;

    KubeletVolume(Path dir) {
        this.writer = new SecretVolumeWriter(dir, Clock.systemUTC());
    }

    /** Publishes {@code tls.crt}, {@code tls.key} and {@code ca.crt} of {@code source} as the volume's new content. */
    void publish(Path source) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : FILES) {
            files.put(name, Files.readAllBytes(source.resolve(name)));
        }
        writer.publish(files);
    }

    /** `KubeletVolume DIR SOURCE_DIR`: set up or swap a volume from the shell. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: KubeletVolume VOLUME_DIR SOURCE_DIR");
        }
        new KubeletVolume(Path.of(args[0])).publish(Path.of(args[1]));
    }
}
