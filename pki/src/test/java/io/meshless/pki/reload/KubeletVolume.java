package io.meshless.pki.reload;

import io.meshless.pki.SecretVolumeWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** pki's tests publish PEM text through the same {@link SecretVolumeWriter} the command line uses. */
final class KubeletVolume {
    private final SecretVolumeWriter writer;

    KubeletVolume(Path dir) {
        this.writer = new SecretVolumeWriter(dir, Clock.systemUTC());
    }

    void publish(Map<String, String> files) throws IOException {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.US_ASCII)));
        writer.publish(bytes);
    }
}
