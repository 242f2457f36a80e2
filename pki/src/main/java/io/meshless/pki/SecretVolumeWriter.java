package io.meshless.pki;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a directory exactly the way kubelet updates a mounted Secret volume (its AtomicWriter,
 * pkg/volume/util/atomic_writer.go), so a reader resolving files through {@code ..data} sees the old
 * set or the new one, never a mix:
 * <pre>
 *   dir/..2026_11_23_10_50_01.123456789/tls.crt   the files of one generation
 *   dir/..data -> ..2026_11_23_10_50_01.123456789  swapped by an atomic rename of ..data_tmp
 *   dir/tls.crt -> ..data/tls.crt                  created once, never rewritten
 * </pre>
 * {@link #publish} runs the whole sequence; the steps are public so a test fixture can stop
 * between them and leave the states an interrupted kubelet leaves. The command line's
 * {@code issue --kubelet} and the test fixtures share this one implementation.
 */
public final class SecretVolumeWriter {

    /** The symlink kubelet swaps; readers resolve every file through it. */
    public static final String DATA_LINK = CertDirectory.KUBELET_DATA;
    /** The temporary symlink kubelet renames over {@link #DATA_LINK}. */
    public static final String DATA_TMP_LINK = "..data_tmp";

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final Clock clock;

    /** @param dir the mount point, created when absent. @param clock names the generation directories. */
    public SecretVolumeWriter(Path dir, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path directory() {
        return dir;
    }

    /**
     * Publishes {@code files} as the complete new content of the volume: a new generation, the
     * {@code ..data} swap, links for new names, removal of names no longer present and of the old
     * generation.
     *
     * @return the new generation directory
     */
    public Path publish(Map<String, byte[]> files) throws IOException {
        Optional<Path> old = currentGeneration();
        Set<String> oldNames = currentNames();
        Path generation = writeGeneration(files);
        swapDataLink(generation);
        linkVisibleNames(files.keySet());
        unlinkNamesNoLongerPublished(oldNames, files.keySet());
        if (old.isPresent()
                && !old.get().equals(generation)
                && Files.isDirectory(old.get(), LinkOption.NOFOLLOW_LINKS)) {
            deleteGeneration(old.get());
        }
        return generation;
    }

    /** The generation {@code ..data} points at now, if any. */
    public Optional<Path> currentGeneration() throws IOException {
        Path link = dir.resolve(DATA_LINK);
        return Files.isSymbolicLink(link) ? Optional.of(dir.resolve(Files.readSymbolicLink(link))) : Optional.empty();
    }

    /** The file names of the generation {@code ..data} points at now; empty when there is none. */
    public Set<String> currentNames() throws IOException {
        Optional<Path> current = currentGeneration();
        return current.isPresent() ? namesIn(current.get()) : Collections.emptySet();
    }

    /**
     * Step 1: a new {@code ..<timestamp>.<random>} directory holding {@code files}. Private keys
     * ({@code *.key}) are readable by the owner only from the moment they exist; kubelet's default
     * mode would make them 0644, which a volume's {@code defaultMode} can tighten, but a file on a
     * workstation has no such setting.
     */
    public Path writeGeneration(Map<String, byte[]> files) throws IOException {
        for (String name : files.keySet()) {
            checkName(name);
        }
        Files.createDirectories(dir);
        Path generation = newGenerationDirectory();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = generation.resolve(file.getKey());
            Files.createFile(target, permissions(file.getKey().endsWith(".key") ? "rw-------" : "rw-r--r--"));
            Files.write(target, file.getValue(), StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        }
        return generation;
    }

    /** Step 2a: {@code ..data_tmp} pointing at {@code generation} (relative, as kubelet writes it). */
    public Path linkDataTmp(Path generation) throws IOException {
        Path tmp = dir.resolve(DATA_TMP_LINK);
        Files.deleteIfExists(tmp);
        return Files.createSymbolicLink(tmp, generation.getFileName());
    }

    /** Step 2: {@link #linkDataTmp}, then rename(2) over {@code ..data}: readers see old or new, never neither. */
    public void swapDataLink(Path generation) throws IOException {
        Path tmp = linkDataTmp(generation);
        Files.move(tmp, dir.resolve(DATA_LINK), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Step 3: {@code name -> ..data/name} for each name that has no top-level entry yet. */
    public void linkVisibleNames(Set<String> names) throws IOException {
        for (String name : names) {
            Path visible = dir.resolve(checkName(name));
            if (!Files.exists(visible, LinkOption.NOFOLLOW_LINKS)) {
                // kubelet creates each user-visible link once and never touches it again
                Files.createSymbolicLink(visible, Path.of(DATA_LINK, name));
            }
        }
    }

    /** Step 4: removes the top-level links of names the new generation no longer has. */
    public void unlinkNamesNoLongerPublished(Set<String> oldNames, Set<String> newNames) throws IOException {
        for (String name : oldNames) {
            if (!newNames.contains(name) && Files.isSymbolicLink(dir.resolve(name))) {
                Files.delete(dir.resolve(name));
            }
        }
    }

    /** Step 5: removes a generation directory and its files. */
    public static void deleteGeneration(Path generation) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(generation)) {
            for (Path entry : entries) {
                Files.delete(entry);
            }
        }
        Files.delete(generation);
    }

    /** The file names of one generation. */
    public static Set<String> namesIn(Path generation) throws IOException {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(generation)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        }
        return names;
    }

    private Path newGenerationDirectory() throws IOException {
        // kubelet: os.MkdirTemp(dir, time.Now().UTC().Format("..2006_01_02_15_04_05.")), a timestamp and
        // a random suffix that keeps two publishes within one second apart.
        String stamp = ".." + TIMESTAMP.format(clock.instant()) + ".";
        for (int attempt = 0; attempt < 100; attempt++) {
            Path candidate = dir.resolve(stamp + ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000));
            try {
                return Files.createDirectory(candidate, permissions("rwxr-xr-x"));
            } catch (FileAlreadyExistsException e) {
                // another suffix
            }
        }
        throw new IOException(dir + ": no free name for a new ..<timestamp> directory");
    }

    private static String checkName(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith("..") || name.equals(".")) {
            throw new IllegalArgumentException("not a Secret key usable as a file name: '" + name + "'");
        }
        return name;
    }

    /** As a creation attribute, so no moment exists in which the file has wider permissions. */
    private FileAttribute<?>[] permissions(String permissions) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
                }
                : new FileAttribute<?>[0];
    }
}
