package io.meshless.pki.reload;

import io.meshless.pki.CertDirectory;
import io.meshless.pki.ControlCharacters;
import io.meshless.pki.PkiException;
import io.meshless.pki.WorkloadCredentials;
import io.meshless.pki.internal.Files2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A certificate directory that is watched and reloaded: kubelet's {@code ..data} symlink swap,
 * plain in-place rewrites and files that appear later are all picked up. Change detection is a
 * {@link WatchService} on the directory (fast on Linux) plus polling by content hash every
 * {@code pollInterval} (for file systems and edits the watch service misses, e.g. inside the
 * {@code ..data} target).
 *
 * <p>A changed set is read and validated as a whole ({@link CertDirectory#load}) before it replaces
 * the current one; a broken or half-rotated set is refused with one reason naming the file, and
 * the last good set stays current. Readers never see a mix: the current set is one immutable
 * object in a volatile field.
 */
public final class WatchedCertDirectory implements CredentialSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedCertDirectory.class);
    /** How the WARN line of a refused set starts, before the directory; tests find the line by it. */
    public static final String REFUSED_SET = "Refused certificate set in";
    /** What the WARN line says when no bundle in the directory holds the issuer of the own certificate. */
    public static final String OWN_ISSUER_MISSING = "holds the CA that issued our own certificate";
    /** How the INFO line of a loaded set starts, before the directory; tests find the line by it. */
    public static final String LOADED_SET = "Loaded certificate set from";

    private static final String[] FILES = {
        CertDirectory.TLS_CRT,
        CertDirectory.TLS_KEY,
        CertDirectory.CREDENTIAL_BUNDLE,
        CertDirectory.CA_CRT,
        CertDirectory.CLIENT_CA_CRT
    };

    /** Real certificate sets are a few KB; larger files are compared by size, time and file key only. */
    static final long HASHED_CONTENT_LIMIT = 256 * 1024;
    /** How often a refused set whose files stay unchanged is looked at again (time alone can fix it). */
    static final Duration RETRY_UNCHANGED_REFUSED = Duration.ofMinutes(1);

    private final Path dir;
    private final Clock clock;
    private final Duration pollInterval;
    private final ReloadListener listener;
    /** Quiet time after a file event before reading, so a multi-file write is seen finished. */
    private final long settleMillis;

    private volatile WorkloadCredentials current;
    private volatile PkiException lastProblem;
    private volatile boolean closed;

    private final Object refreshLock = new Object();
    // Guarded by refreshLock.
    private byte[] loadedFingerprint;
    private String reportedProblem;
    /** The files of the last refused set, and when to look at them again although they did not change. */
    private byte[] refusedFingerprint;

    private Instant retryRefusedAt = Instant.MIN;
    /** The issuer last warned about as held by neither bundle: one warning per issuer, not per load. */
    private String warnedIssuer;

    private Thread thread;
    private WatchService watchService;
    private WatchKey watchKey;

    public WatchedCertDirectory(Path dir, Clock clock, Duration pollInterval, ReloadListener listener) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
        }
        this.listener = listener == null ? ReloadListener.NONE : listener;
        this.settleMillis = Math.max(5, Math.min(100, pollInterval.toMillis() / 4));
    }

    /** Loads once synchronously (a failure is reported, not thrown), then starts the watcher thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        if (closed) {
            throw new IllegalStateException("closed");
        }
        refresh();
        thread = new Thread(this::watchLoop, "meshless-cert-watch " + dir);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Optional<WorkloadCredentials> current() {
        return Optional.ofNullable(current);
    }

    /** The problem of the latest attempt, empty once a set loaded after it. */
    public Optional<PkiException> lastProblem() {
        return Optional.ofNullable(lastProblem);
    }

    public Path directory() {
        return dir;
    }

    /**
     * Checks the directory now: when its content differs from the current set (or the last attempt
     * failed), loads and validates it. Returns true when a new set became current.
     */
    public boolean refresh() {
        synchronized (refreshLock) {
            byte[] before = fingerprint();
            if (lastProblem == null && current != null && Arrays.equals(before, loadedFingerprint)) {
                return false;
            }
            // A refused set that stays as it is costs nothing: not read again until its files change, but
            // for a look now and then, as a set refused as not yet valid becomes valid with time alone.
            if (lastProblem != null
                    && Arrays.equals(before, refusedFingerprint)
                    && clock.instant().isBefore(retryRefusedAt)) {
                return false;
            }
            WorkloadCredentials loaded;
            try {
                loaded = CertDirectory.load(dir, clock);
            } catch (PkiException e) {
                if (!Arrays.equals(before, fingerprint())) {
                    return false; // files changed while reading: a write in progress, look again on the next event
                }
                lastProblem = e;
                boolean sameFiles = Arrays.equals(before, refusedFingerprint);
                refusedFingerprint = before;
                retryRefusedAt = clock.instant().plus(RETRY_UNCHANGED_REFUSED);
                // Once per set: the reason of an expired set names the current time, so it is no key.
                if (!sameFiles && !e.getMessage().equals(reportedProblem)) {
                    reportedProblem = e.getMessage();
                    LOG.warn(
                            "{} {}: {}{}",
                            REFUSED_SET,
                            dir,
                            e.getMessage(),
                            current == null ? "" : " (keeping the current set, serial " + current.serialHex() + ")");
                    try {
                        listener.rejected(e);
                    } catch (RuntimeException listenerBug) {
                        LOG.warn("Reload listener failed on rejected()", listenerBug);
                    }
                }
                return false;
            } catch (RuntimeException unexpected) {
                // Never let a parser bug kill the watcher; treat it as a refused set.
                PkiException e =
                        new PkiException(dir.toString(), "unexpected error while loading: " + unexpected, unexpected);
                lastProblem = e;
                reportedProblem = e.getMessage();
                try {
                    listener.rejected(e);
                } catch (RuntimeException listenerBug) {
                    LOG.warn("Reload listener failed on rejected()", listenerBug);
                }
                return false;
            }
            byte[] after = fingerprint();
            WorkloadCredentials previous = current;
            if (previous != null && lastProblem == null && sameMaterial(previous, loaded)) {
                // A second look at a set already current (files were moving during the first): no event.
                loadedFingerprint = Arrays.equals(before, after) ? after : null;
                return false;
            }
            current = loaded;
            lastProblem = null;
            reportedProblem = null;
            refusedFingerprint = null;
            warnIfNoBundleHoldsOwnIssuer(loaded);
            // If files moved on while loading, keep the old fingerprint so the next look reloads.
            loadedFingerprint = Arrays.equals(before, after) ? after : null;
            LOG.info("{} {}: {}", LOADED_SET, dir, loaded);
            try {
                listener.loaded(previous, loaded);
            } catch (RuntimeException listenerBug) {
                LOG.warn("Reload listener failed on loaded()", listenerBug);
            }
            return true;
        }
    }

    private void warnIfNoBundleHoldsOwnIssuer(WorkloadCredentials loaded) {
        List<X509Certificate> chain = loaded.identity().chain();
        String issuer = chain.get(chain.size() - 1).getIssuerX500Principal().getName();
        if (loaded.bundlesHoldOwnIssuer() || issuer.equals(warnedIssuer)) {
            return;
        }
        warnedIssuer = issuer;
        LOG.warn(
                "Neither {} nor {} in {} " + OWN_ISSUER_MISSING + " ({}): peers that verify us"
                        + " against the same bundles will refuse us; fine when they trust that CA by other means",
                CertDirectory.CA_CRT,
                CertDirectory.CLIENT_CA_CRT,
                dir,
                ControlCharacters.escape(issuer));
    }

    private static boolean sameMaterial(WorkloadCredentials a, WorkloadCredentials b) {
        return a.identity().chain().equals(b.identity().chain())
                && Arrays.equals(
                        a.identity().privateKey().getEncoded(),
                        b.identity().privateKey().getEncoded())
                && a.trustBundle().equals(b.trustBundle())
                && a.clientTrustBundle().equals(b.clientTrustBundle());
    }

    private void watchLoop() {
        while (!closed) {
            try {
                Change change = waitForChange();
                if (change == Change.FILES) {
                    settle();
                }
                if (!closed) {
                    refresh();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                if (closed) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                LOG.warn("Certificate watcher for {} hit an unexpected error; continuing by polling", dir, e);
                sleepQuietly();
            }
        }
    }

    /** What woke the watcher. */
    private enum Change {
        /** The poll interval passed (or nothing can be watched): look by content hash. */
        NONE,
        /** Files were written: wait until the writer is done before reading. */
        FILES,
        /**
         * Kubelet renamed a complete new directory into {@code ..data}: the set is whole the moment
         * the rename lands, so reading at once loses nothing and saves the settle time.
         */
        KUBELET_SWAP
    }

    /** Waits up to one poll interval for the watch service. */
    private Change waitForChange() throws InterruptedException {
        ensureWatching();
        WatchService ws = watchService;
        if (ws == null || watchKey == null) {
            Thread.sleep(pollInterval.toMillis());
            return Change.NONE;
        }
        WatchKey key = ws.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        if (key == null) {
            return Change.NONE;
        }
        return drain(key);
    }

    /** Takes the key's events and re-arms it. */
    private Change drain(WatchKey key) {
        boolean dataSwapped = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            dataSwapped |= event.kind() == StandardWatchEventKinds.ENTRY_CREATE
                    && CertDirectory.KUBELET_DATA.equals(String.valueOf(event.context()));
        }
        if (!key.reset()) {
            watchKey = null; // directory gone; re-register when it comes back
        }
        // When the set's own names do not exist yet (a volume being populated for the first time, the
        // links to ..data still to come), the swap alone is not a whole set: settle as for any write.
        return dataSwapped && setLinksExist() ? Change.KUBELET_SWAP : Change.FILES;
    }

    private boolean setLinksExist() {
        boolean identity = Files.exists(dir.resolve(CertDirectory.CREDENTIAL_BUNDLE))
                || (Files.exists(dir.resolve(CertDirectory.TLS_CRT))
                        && Files.exists(dir.resolve(CertDirectory.TLS_KEY)));
        return identity && Files.exists(dir.resolve(CertDirectory.CA_CRT));
    }

    /**
     * Drains further events until the directory has been quiet for a moment (bounded), or until
     * kubelet's swap lands: kubelet writes its new directory first (the events that started the
     * settling) and renames it into place last.
     */
    private void settle() throws InterruptedException {
        WatchService ws = watchService;
        for (int i = 0; i < 20 && ws != null && watchKey != null; i++) {
            WatchKey key = ws.poll(settleMillis, TimeUnit.MILLISECONDS);
            if (key == null || drain(key) == Change.KUBELET_SWAP) {
                return;
            }
        }
    }

    private void ensureWatching() {
        if (watchKey != null && watchKey.isValid()) {
            return;
        }
        watchKey = null;
        if (!Files.isDirectory(dir)) {
            return;
        }
        try {
            if (watchService == null) {
                watchService = FileSystems.getDefault().newWatchService();
            }
            watchKey = dir.register(
                    watchService,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Cannot watch {} ({}); relying on polling", dir, e.toString());
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SHA-256 over the {@code ..data} target and, for each file of the set, what it resolves to, its
     * type, size, modification time and file key, and the bytes of small regular files (a same-size
     * rewrite within the file system's time granularity still shows). Big or special files are never
     * read here: a 50 MB {@code tls.crt} or a named pipe costs a {@code stat} per poll. Only a change
     * detector: what is loaded is validated separately.
     */
    private byte[] fingerprint() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path data = dir.resolve(CertDirectory.KUBELET_DATA);
        try {
            if (Files.isSymbolicLink(data)) {
                md.update(Files.readSymbolicLink(data).toString().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            md.update((byte) 1);
        }
        for (String name : FILES) {
            md.update(name.getBytes(StandardCharsets.UTF_8));
            Path f = dir.resolve(name);
            try {
                Path real = f.toRealPath();
                BasicFileAttributes a =
                        Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                md.update((real + "|" + (a.isRegularFile() ? "f" : a.isDirectory() ? "d" : "o") + "|" + a.size() + "|"
                                + a.lastModifiedTime().toMillis() + "|" + a.fileKey())
                        .getBytes(StandardCharsets.UTF_8));
                if (a.isRegularFile() && a.size() <= HASHED_CONTENT_LIMIT) {
                    md.update(Files2.read(real, name));
                }
            } catch (IOException | PkiException e) {
                md.update((byte) 3);
                md.update(String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
            }
        }
        return md.digest();
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
        WatchService ws = watchService;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException ignored) {
                // closing: nothing left to do
            }
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "WatchedCertDirectory{" + dir + ", " + (current == null ? "no set loaded" : current.toString()) + "}";
    }
}
