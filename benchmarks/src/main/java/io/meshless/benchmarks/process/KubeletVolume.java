package io.meshless.benchmarks.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a Secret volume the way kubelet does: files in a fresh `..<timestamp>` directory, the
 * `..data` symlink swapped to it by an atomic rename, the previous directory removed right
 * after, and top-level symlinks `tls.crt -> ..data/tls.crt`.
 */
public final class KubeletVolume {
    private static final List<String> FILES = List.of("tls.crt", "tls.key", "ca.crt");

    private final Path dir;
    private int generation;

    KubeletVolume(Path dir) {
        this.dir = dir;
    }

    /** Publishes the files of {@code source} as the volume's new content. */
    void publish(Path source) throws IOException {
        Files.createDirectories(dir);
        Path previous = Files.isSymbolicLink(dir.resolve("..data"))
                ? dir.resolve(Files.readSymbolicLink(dir.resolve("..data")))
                : null;
        Path fresh = dir.resolve("..bench_" + System.nanoTime() + "." + (generation++));
        Files.createDirectory(fresh);
        for (String name : FILES) {
            Files.copy(source.resolve(name), fresh.resolve(name));
        }
        Path tmpLink = dir.resolve("..data_tmp");
        Files.deleteIfExists(tmpLink);
        Files.createSymbolicLink(tmpLink, fresh.getFileName());
        Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        for (String name : FILES) {
            Path link = dir.resolve(name);
            if (!Files.isSymbolicLink(link)) {
                Files.createSymbolicLink(link, Path.of("..data", name));
            }
        }
        if (previous != null && !previous.equals(fresh)) {
            try (Stream<Path> old = Files.list(previous)) {
                for (Path p : (Iterable<Path>) old::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(previous);
        }
    }

    /** `KubeletVolume DIR SOURCE_DIR`: set up or swap a volume from the shell. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: KubeletVolume VOLUME_DIR SOURCE_DIR");
        }
        new KubeletVolume(Path.of(args[0])).publish(Path.of(args[1]));
    }
}
