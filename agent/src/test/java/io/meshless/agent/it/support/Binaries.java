package io.meshless.agent.it.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the real peers' binaries. A missing one fails the test: CI installs them, nothing is skipped. */
public final class Binaries {

    private Binaries() {}

    public static Path require(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/usr/local/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " not found on PATH or in /usr/sbin: the real-peer tests need it"
                + " (CI installs openssl, curl and nginx-light; locally: apt-get install -y openssl curl nginx-light)");
    }
}
