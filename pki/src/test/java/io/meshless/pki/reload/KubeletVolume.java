package io.meshless.pki.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Publishes files the way kubelet's AtomicWriter does: a new {@code ..<timestamp>} directory, a
 * {@code ..data_tmp} symlink to it renamed over {@code ..data}, top-level symlinks into
 * {@code ..data}, then the old directory removed. (The testing module has the shared fixture; pki
 * cannot depend on it, so this is the minimal copy for pki's own tests.)
 */
final class KubeletVolume {
  private final Path dir;
  private int generation;

  KubeletVolume(Path dir) {
    this.dir = dir;
  }

  void publish(Map<String, String> files) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve("..data");
    Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    String ts = "..2026_11_23_10_00_00." + (++generation);
    Path gen = Files.createDirectory(dir.resolve(ts));
    for (Map.Entry<String, String> e : files.entrySet()) {
      Files.write(gen.resolve(e.getKey()), e.getValue().getBytes(StandardCharsets.US_ASCII));
    }
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Paths.get(ts));
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String name : files.keySet()) {
      Path top = dir.resolve(name);
      if (!Files.isSymbolicLink(top)) {
        Files.createSymbolicLink(top, Paths.get("..data").resolve(name));
      }
    }
    if (old != null) {
      try (var list = Files.list(old)) {
        for (Path p : (Iterable<Path>) list::iterator) {
          Files.delete(p);
        }
      }
      Files.delete(old);
    }
  }
}
