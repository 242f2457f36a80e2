package io.meshless.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes output files whole: a temporary file in the same directory renamed into place. */
final class OutputFiles {

    private OutputFiles() {}

    /** A private key: readable by the owner only, from the moment the file exists. */
    static void writePrivate(Path file, byte[] content) throws IOException {
        write(file, content, "rw-------");
    }

    static void writePublic(Path file, byte[] content) throws IOException {
        write(file, content, "rw-r--r--");
    }

    private static void write(Path file, byte[] content, String permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
                }
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attributes);
        try {
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
