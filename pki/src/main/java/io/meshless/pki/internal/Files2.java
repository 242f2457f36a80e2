package io.meshless.pki.internal;

import io.meshless.pki.PkiException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Reads a whole certificate or key file, turning every I/O failure into a message that names the file.
 * Never blocks and never reads without bound: symbolic links are resolved first, then anything but a
 * regular file (a named pipe a writer never opens, {@code /dev/zero}, a socket) is refused by its type
 * before it is opened, and at most {@link PemBlock#MAX_INPUT} bytes are read whatever the file claims
 * its size to be.
 */
public final class Files2 {
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    private Files2() {}

    public static byte[] read(Path file) throws PkiException {
        return read(file, file.toString());
    }

    /** Reads {@code file}, naming it {@code source} in messages (the path a user configured). */
    public static byte[] read(Path file, String source) throws PkiException {
        Path real = regularFile(file, source);
        try (SeekableByteChannel channel =
                Files.newByteChannel(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return readBounded(channel, source);
        } catch (NoSuchFileException e) {
            throw new PkiException(source, "file disappeared while being read (rotation in progress?)", e);
        } catch (AccessDeniedException e) {
            throw new PkiException(source, "permission denied", e);
        } catch (IOException e) {
            throw new PkiException(source, "cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
    }

    /**
     * Resolves {@code file}'s symbolic links and checks, without following any further link, that the
     * target is a regular file of a plausible size.
     *
     * @return the resolved path, to open without following links
     */
    public static Path regularFile(Path file, String source) throws PkiException {
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(file)) {
                throw new PkiException(source, "is a symbolic link to a missing file", e);
            }
            throw new PkiException(source, "file does not exist", e);
        } catch (AccessDeniedException e) {
            throw new PkiException(source, "permission denied", e);
        } catch (IOException e) {
            throw new PkiException(source, "cannot resolve: " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new PkiException(source, "cannot read its attributes: " + e.getMessage(), e);
        }
        String target = real.equals(file.toAbsolutePath().normalize()) ? "" : " (it resolves to " + real + ")";
        if (attributes.isDirectory()) {
            throw new PkiException(source, "is a directory, expected a file" + target);
        }
        if (!attributes.isRegularFile()) {
            throw new PkiException(source, "is " + kind(real) + ", not a regular file; refusing to read it" + target);
        }
        if (attributes.size() > PemBlock.MAX_INPUT) {
            throw new PkiException(
                    source,
                    "file is " + attributes.size() + " bytes, larger than any certificate or key file (limit "
                            + PemBlock.MAX_INPUT + ")" + target);
        }
        return real;
    }

    private static byte[] readBounded(SeekableByteChannel channel, String source) throws IOException, PkiException {
        byte[] data = new byte[8192];
        int length = 0;
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (true) {
            if (length == data.length) {
                if (data.length > PemBlock.MAX_INPUT) {
                    throw new PkiException(
                            source,
                            "file grew beyond " + PemBlock.MAX_INPUT
                                    + " bytes while being read, larger than any certificate or key file");
                }
                data = Arrays.copyOf(data, Math.min(data.length * 2, PemBlock.MAX_INPUT + 1));
                buffer = ByteBuffer.wrap(data);
                buffer.position(length);
            }
            int n = channel.read(buffer);
            if (n < 0) {
                return Arrays.copyOf(data, length);
            }
            length += n;
        }
    }

    /** What a non-regular file is, from its POSIX mode where the platform tells it. */
    private static String kind(Path real) {
        try {
            Object mode = Files.getAttribute(real, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (mode instanceof Integer) {
                switch ((Integer) mode & S_IFMT) {
                    case S_IFIFO:
                        return "a named pipe (FIFO)";
                    case S_IFCHR:
                        return "a character device";
                    case S_IFBLK:
                        return "a block device";
                    case S_IFSOCK:
                        return "a socket";
                    default:
                        break;
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            // No "unix" attribute view here: the generic wording below.
        }
        return "a special file";
    }
}
