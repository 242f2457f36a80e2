package io.meshless.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A directory that is updated exactly the way kubelet updates a mounted Secret volume
 * (pkg/volume/util/atomic_writer.go), so watcher and agent tests see the same file-system
 * events and intermediate states a pod sees.
 *
 * <p>Layout after {@link #publish}:
 * <pre>
 *   dir/..2026_11_23_10_50_01.123456789/tls.crt   the files of one generation
 *   dir/..data -> ..2026_11_23_10_50_01.123456789  swapped by an atomic rename
 *   dir/tls.crt -> ..data/tls.crt                  created once, never rewritten
 * </pre>
 *
 * <p>Also offers the states a broken or naive publisher leaves behind, for negative tests:
 * {@link #publishInterrupted} (kubelet stopped half-way) and {@link #rewriteInPlace}
 * (files overwritten one by one, as {@code cp} or a config-management tool does).
 */
public final class SecretVolume {

    /** The symlink kubelet swaps; readers resolve every file through it. */
    public static final String DATA_LINK = "..data";
    /** The temporary symlink kubelet renames over {@link #DATA_LINK}. */
    public static final String DATA_TMP_LINK = "..data_tmp";

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss").withZone(ZoneOffset.UTC);

    /** Where kubelet stopped in {@link #publishInterrupted}. */
    public enum Interruption {
        /** Only some files of the new generation were written; {@code ..data} still points at the old one. */
        PARTIAL_GENERATION,
        /** The new generation is complete and {@code ..data_tmp} points at it, but the rename never happened. */
        BEFORE_SWAP,
        /** {@code ..data} was swapped but the old generation directory was not removed yet. */
        BEFORE_CLEANUP
    }

    private final Path dir;
    private final Clock clock;

    /** @param dir the mount point; created if absent. @param clock names the generation directories. */
    public SecretVolume(Path dir, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static SecretVolume at(Path dir) {
        return new SecretVolume(dir, Clock.systemUTC());
    }

    /** The mount point: what the agent is configured with as {@code cert-dir}. */
    public Path directory() {
        return dir;
    }

    /** The generation {@code ..data} points at now, if any. */
    public Optional<Path> currentGeneration() {
        Path link = dir.resolve(DATA_LINK);
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        try {
            return Optional.of(dir.resolve(Files.readSymbolicLink(link)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code ..<timestamp>} generation directory present, oldest name first. */
    public List<Path> generations() {
        List<Path> result = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "..[0-9]*")) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    result.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Collections.sort(result);
        return result;
    }

    /** {@link #publish(Map)} with text content (PEM). */
    public Path publishText(Map<String, String> files) {
        return publish(utf8(files));
    }

    /**
     * Publishes {@code files} as the complete new content of the volume, the way kubelet does:
     * new generation directory, {@code ..data_tmp} symlink to it, atomic rename over {@code ..data},
     * top-level symlinks for new names, removal of names no longer present, removal of the old
     * generation. Readers going through {@code ..data} never see a mix of generations.
     *
     * @return the new generation directory
     */
    public Path publish(Map<String, byte[]> files) {
        Optional<Path> old = currentGeneration();
        Set<String> oldNames = old.map(SecretVolume::namesIn).orElse(Collections.emptySet());
        Path generation = writeGeneration(files, files.keySet());
        swapDataLink(generation);
        createVisibleLinks(files.keySet());
        removeVisibleLinks(oldNames, files.keySet());
        old.filter(o -> !o.equals(generation)).ifPresent(SecretVolume::deleteTree);
        return generation;
    }

    /**
     * Leaves the volume as kubelet would if it stopped at {@code where} while publishing
     * {@code files}; for tests that prove a reader ignores the unfinished generation.
     * With {@link Interruption#PARTIAL_GENERATION} only {@code tls.crt} (or the first file
     * in iteration order when there is no {@code tls.crt}) is written.
     *
     * @return the new, unfinished generation directory
     */
    public Path publishInterrupted(Map<String, byte[]> files, Interruption where) {
        Objects.requireNonNull(where, "where");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("publishInterrupted needs at least one file");
        }
        Set<String> oldNames = currentGeneration().map(SecretVolume::namesIn).orElse(Collections.emptySet());
        if (where == Interruption.PARTIAL_GENERATION) {
            String first = files.containsKey("tls.crt") ? "tls.crt" : files.keySet().iterator().next();
            return writeGeneration(files, Collections.singleton(first));
        }
        Path generation = writeGeneration(files, files.keySet());
        if (where == Interruption.BEFORE_SWAP) {
            createDataTmpLink(generation);
            return generation;
        }
        swapDataLink(generation);
        createVisibleLinks(files.keySet());
        removeVisibleLinks(oldNames, files.keySet());
        // BEFORE_CLEANUP: the old generation directory stays, as after a kubelet crash.
        return generation;
    }

    /**
     * Overwrites the given top-level files in place, one after another, truncating and
     * rewriting each (same inode, like {@code cp} over an existing file). Passing only some
     * names of a credential set leaves a half-rotated directory (e.g. a new {@code tls.crt}
     * next to the old {@code tls.key}). On a kubelet-layout volume the writes go through the
     * symlinks into the current generation.
     */
    public void rewriteInPlace(Map<String, byte[]> files) {
        createMountPoint();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = dir.resolve(checkName(file.getKey()));
            try {
                Files.write(target, file.getValue(), StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot rewrite " + target, e);
            }
        }
    }

    /** {@link #rewriteInPlace(Map)} with text content (PEM). */
    public void rewriteInPlaceText(Map<String, String> files) {
        rewriteInPlace(utf8(files));
    }

    private Path writeGeneration(Map<String, byte[]> files, Set<String> namesToWrite) {
        createMountPoint();
        for (String name : files.keySet()) {
            checkName(name);
        }
        Path generation = newGenerationDirectory();
        for (String name : namesToWrite) {
            Path file = generation.resolve(name);
            try {
                Files.write(file, files.get(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                setPermissions(file, "rw-r--r--");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
        return generation;
    }

    private Path newGenerationDirectory() {
        // kubelet: os.MkdirTemp(dir, time.Now().UTC().Format("..2006_01_02_15_04_05.")), i.e. a
        // timestamp plus a random suffix; the suffix keeps two publishes in one second apart.
        String stamp = ".." + TIMESTAMP.format(Instant.now(clock)) + ".";
        for (int attempt = 0; attempt < 100; attempt++) {
            Path candidate = dir.resolve(stamp + ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000));
            try {
                Files.createDirectory(candidate);
                setPermissions(candidate, "rwxr-xr-x");
                return candidate;
            } catch (FileAlreadyExistsException e) {
                // try another suffix
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + candidate, e);
            }
        }
        throw new IllegalStateException("no free generation directory name under " + dir);
    }

    private Path createDataTmpLink(Path generation) {
        Path tmp = dir.resolve(DATA_TMP_LINK);
        try {
            Files.deleteIfExists(tmp);
            // Relative target, as kubelet writes it, so the volume can be mounted anywhere.
            return Files.createSymbolicLink(tmp, generation.getFileName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmp, e);
        }
    }

    private void swapDataLink(Path generation) {
        Path tmp = createDataTmpLink(generation);
        try {
            // rename(2) replaces the old symlink atomically: readers see old or new, never neither.
            Files.move(tmp, dir.resolve(DATA_LINK), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot swap " + dir.resolve(DATA_LINK), e);
        }
    }

    private void createVisibleLinks(Set<String> names) {
        for (String name : names) {
            Path visible = dir.resolve(name);
            if (Files.exists(visible, LinkOption.NOFOLLOW_LINKS)) {
                continue; // kubelet creates each user-visible link once and never touches it again
            }
            try {
                Files.createSymbolicLink(visible, Path.of(DATA_LINK, name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + visible, e);
            }
        }
    }

    private void removeVisibleLinks(Set<String> oldNames, Set<String> newNames) {
        for (String name : oldNames) {
            if (!newNames.contains(name)) {
                try {
                    Files.deleteIfExists(dir.resolve(name));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove " + dir.resolve(name), e);
                }
            }
        }
    }

    private void createMountPoint() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static String checkName(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith("..") || name.equals(".")) {
            throw new IllegalArgumentException("not a Secret key usable as a file name: '" + name + "'");
        }
        return name;
    }

    private static Set<String> namesIn(Path generation) {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(generation)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static void deleteTree(Path root) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(entry);
                } else {
                    Files.delete(entry);
                }
            }
            Files.delete(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }

    private static void setPermissions(Path path, String permissions) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    private static Map<String, byte[]> utf8(Map<String, String> files) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
        return bytes;
    }
}
