package io.meshless.pki.internal;

import io.meshless.pki.PkiException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a whole file, turning every I/O failure into a message that names the file. */
public final class Files2 {
    private Files2() {}

    public static byte[] read(Path file) throws PkiException {
        return read(file, file.toString());
    }

    /** Reads {@code file}, naming it {@code source} in messages (the path a user configured). */
    public static byte[] read(Path file, String source) throws PkiException {
        if (Files.isDirectory(file)) {
            throw new PkiException(source, "is a directory, expected a file");
        }
        try {
            long size = Files.size(file);
            if (size > PemBlock.MAX_INPUT) {
                throw new PkiException(source, "file is " + size + " bytes, larger than any certificate or key file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(file)) {
                throw new PkiException(source, "is a symbolic link to a missing file", e);
            }
            throw new PkiException(source, "file does not exist", e);
        } catch (AccessDeniedException e) {
            throw new PkiException(source, "permission denied", e);
        } catch (IOException e) {
            throw new PkiException(source, "cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
    }
}
