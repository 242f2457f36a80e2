package io.meshless.testing;

import io.meshless.pki.SecretVolumeWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
 * <p>The writing itself is pki's {@link SecretVolumeWriter}, the one the command line uses. This
 * fixture also offers the states a broken or naive publisher leaves behind, for negative tests:
 * {@link #publishInterrupted} (kubelet stopped half-way) and {@link #rewriteInPlace}
 * (files overwritten one by one, as {@code cp} or a config-management tool does).
 */
public final class SecretVolume {

    /** The symlink kubelet swaps; readers resolve every file through it. */
    public static final String DATA_LINK = SecretVolumeWriter.DATA_LINK;
    /** The temporary symlink kubelet renames over {@link #DATA_LINK}. */
    public static final String DATA_TMP_LINK = SecretVolumeWriter.DATA_TMP_LINK;

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
    private final SecretVolumeWriter writer;

    /** @param dir the mount point; created if absent. @param clock names the generation directories. */
    public SecretVolume(Path dir, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.writer = new SecretVolumeWriter(dir, clock);
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
        return unchecked(writer::currentGeneration);
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
     * Publishes {@code files} as the complete new content of the volume, the way kubelet does
     * ({@link SecretVolumeWriter#publish}). Readers going through {@code ..data} never see a mix of
     * generations.
     *
     * @return the new generation directory
     */
    public Path publish(Map<String, byte[]> files) {
        return unchecked(() -> writer.publish(files));
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
        return unchecked(() -> {
            Set<String> oldNames = writer.currentNames();
            if (where == Interruption.PARTIAL_GENERATION) {
                String first = files.containsKey("tls.crt")
                        ? "tls.crt"
                        : files.keySet().iterator().next();
                return writer.writeGeneration(Collections.singletonMap(first, files.get(first)));
            }
            Path generation = writer.writeGeneration(files);
            if (where == Interruption.BEFORE_SWAP) {
                writer.linkDataTmp(generation);
                return generation;
            }
            writer.swapDataLink(generation);
            writer.linkVisibleNames(files.keySet());
            writer.unlinkNamesNoLongerPublished(oldNames, files.keySet());
            // BEFORE_CLEANUP: the old generation directory stays, as after a kubelet crash.
            return generation;
        });
    }

    /**
     * Overwrites the given top-level files in place, one after another, truncating and
     * rewriting each (same inode, like {@code cp} over an existing file). Passing only some
     * names of a credential set leaves a half-rotated directory (e.g. a new {@code tls.crt}
     * next to the old {@code tls.key}). On a kubelet-layout volume the writes go through the
     * symlinks into the current generation.
     */
    public void rewriteInPlace(Map<String, byte[]> files) {
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = dir.resolve(file.getKey());
            if (file.getKey().isEmpty() || file.getKey().contains("/")) {
                throw new IllegalArgumentException("not a file name: '" + file.getKey() + "'");
            }
            try {
                Files.createDirectories(dir);
                Files.write(
                        target,
                        file.getValue(),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot rewrite " + target, e);
            }
        }
    }

    /** {@link #rewriteInPlace(Map)} with text content (PEM). */
    public void rewriteInPlaceText(Map<String, String> files) {
        rewriteInPlace(utf8(files));
    }

    private interface IoAction<T> {
        T run() throws IOException;
    }

    private <T> T unchecked(IoAction<T> action) {
        try {
            return action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e, e);
        }
    }

    private static Map<String, byte[]> utf8(Map<String, String> files) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
        return bytes;
    }
}
