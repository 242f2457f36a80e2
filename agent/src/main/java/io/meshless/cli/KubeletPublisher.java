package io.meshless.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Publishes a set of files into a directory the way kubelet updates a mounted Secret, so
 * {@code issue --kubelet} can rotate the certificate of a running agent (the local demo does):
 * a new {@code ..<timestamp>} directory, a {@code ..data_tmp} symlink renamed atomically over
 * {@code ..data}, top-level symlinks {@code tls.crt -> ..data/tls.crt} created once, then the old
 * generation removed. A reader resolving files through {@code ..data} sees the old set or the new
 * one, never a mix. (The test fixture {@code io.meshless.testing.SecretVolume} does the same for
 * tests, plus the broken states a publisher can leave.)
 */
final class KubeletPublisher {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss").withZone(ZoneOffset.UTC);
    private static final String DATA = "..data";
    private static final String DATA_TMP = "..data_tmp";

    private final Clock clock;

    KubeletPublisher(Clock clock) {
        this.clock = clock;
    }

    /** @return the new generation directory */
    Path publish(Path dir, Map<String, byte[]> files) throws IOException, CommandFailedException {
        Files.createDirectories(dir);
        for (String name : files.keySet()) {
            Path visible = dir.resolve(name);
            if (Files.exists(visible, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(visible)) {
                // kubelet never replaces a top-level entry; a regular file here would keep serving old content.
                throw new CommandFailedException(visible + ": is a regular file, not a symlink into ..data;"
                        + " publish into an empty directory or one written with --kubelet, or omit --kubelet");
            }
        }
        Path dataLink = dir.resolve(DATA);
        Path old = Files.isSymbolicLink(dataLink) ? dir.resolve(Files.readSymbolicLink(dataLink)) : null;

        Path generation = newGeneration(dir);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = generation.resolve(file.getKey());
            if (file.getKey().equals("tls.key")) {
                OutputFiles.writePrivate(target, file.getValue());
            } else {
                OutputFiles.writePublic(target, file.getValue());
            }
        }
        Path tmp = dir.resolve(DATA_TMP);
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, generation.getFileName());
        Files.move(tmp, dataLink, StandardCopyOption.ATOMIC_MOVE);

        for (String name : files.keySet()) {
            Path visible = dir.resolve(name);
            if (!Files.exists(visible, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(visible, Paths.get(DATA, name));
            }
        }
        if (old != null && !old.equals(generation) && Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS)) {
            removeVisibleLinksNotIn(dir, old, files);
            deleteGeneration(old);
        }
        return generation;
    }

    private Path newGeneration(Path dir) throws IOException {
        String stamp = ".." + TIMESTAMP.format(clock.instant()) + ".";
        for (int attempt = 0; attempt < 100; attempt++) {
            Path candidate = dir.resolve(stamp + ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000));
            try {
                return Files.createDirectory(candidate);
            } catch (FileAlreadyExistsException e) {
                // another suffix
            }
        }
        throw new IOException(dir + ": no free name for a new ..<timestamp> directory");
    }

    private static void removeVisibleLinksNotIn(Path dir, Path oldGeneration, Map<String, byte[]> files) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(oldGeneration)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!files.containsKey(name) && Files.isSymbolicLink(dir.resolve(name))) {
                    Files.delete(dir.resolve(name));
                }
            }
        }
    }

    private static void deleteGeneration(Path generation) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(generation)) {
            for (Path entry : entries) {
                Files.delete(entry);
            }
        }
        Files.delete(generation);
    }
}
