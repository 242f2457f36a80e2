package io.meshless.agent.tls;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import javax.net.ssl.SSLSessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a rotation, a Netty OpenSSL context holding the workload key resumes no session made with the replaced
 * certificate, as JSSE contexts do ({@link ManagedContexts#retire}): the sessions cached on either side are
 * invalidated, and a server gets a fresh session-ticket key, so a stateless ticket sealed before the swap (every
 * TLS 1.3 resumption on BoringSSL) no longer opens and the client makes a full handshake with the new certificate.
 *
 * <p>Netty's members are found by name once per Netty package (plain or relocated, e.g. grpc-netty-shaded's): the
 * public {@code sessionContext()}, {@code OpenSslSessionContext.setTicketKeys(OpenSslSessionTicketKey...)}, and, to
 * keep TLS 1.2 tickets as off as the application had them ({@code setTicketKeys} turns them on), the context's
 * {@code ctx} and {@code ctxLock} and netty-tcnative's {@code SSLContext.getOptions}/{@code setOptions}. A Netty
 * without them is reported in one WARN line, and the rest still happens.
 */
final class OpenSslResumption {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSslResumption.class);
    private static final String NETTY_SSL = "io.netty.handler.ssl";
    private static final String TCNATIVE = "io.netty.internal.tcnative";

    private final SecureRandom random = new SecureRandom();
    /** Netty's members, resolved once per Netty (each package in each class loader), kept with its class. */
    private final ClassValue<Members> members = new ClassValue<>() {
        @Override
        protected Members computeValue(Class<?> base) {
            return new Members(base);
        }
    };
    /** (package, what is missing) already reported. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * The workload certificate was replaced: {@code context} (a {@code ReferenceCountedOpenSslContext} holding the
     * workload key, client or server) resumes no session made before.
     *
     * @return how many cached sessions were invalidated
     */
    int rotated(Object context) {
        Class<?> base = baseOf(context.getClass());
        Members netty = members.get(base);
        SSLSessionContext sessions = netty.sessions(context);
        if (sessions == null) {
            return 0;
        }
        int invalidated = 0;
        try {
            invalidated = ManagedContexts.invalidate(sessions);
        } catch (RuntimeException e) {
            report(base, "refused to invalidate its cached sessions (" + e + ")");
        }
        if (netty.isServer(sessions)) {
            netty.rotateTicketKey(context, sessions);
        }
        return invalidated;
    }

    /** {@code ReferenceCountedOpenSslContext} of the context's own Netty: the class declaring {@code ctxLock}. */
    private static Class<?> baseOf(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getSimpleName().equals("ReferenceCountedOpenSslContext")) {
                return c;
            }
        }
        return type;
    }

    private void report(Class<?> base, String problem) {
        String ssl = base.getPackage().getName();
        if (reported.add(ssl + " " + problem)) {
            LOG.warn(
                    "{} {}: " + OpenSslContexts.UNSUPPORTED_NETTY + "; after a rotation its OpenSSL contexts"
                            + " may still resume sessions made with the replaced certificate",
                    ssl,
                    problem);
        }
    }

    /** One Netty's members, looked up once; a missing one is null and reported. */
    private final class Members {
        private final Class<?> base;
        private final Method sessionContext;
        private final Class<?> serverSessions;
        private final TicketKeys tickets;

        Members(Class<?> base) {
            this.base = base;
            String ssl = base.getPackage().getName();
            ClassLoader loader = base.getClassLoader();
            Method sessionContext = null;
            Class<?> serverSessions = null;
            TicketKeys tickets = null;
            try {
                sessionContext = base.getMethod("sessionContext");
                serverSessions = Class.forName(ssl + ".OpenSslServerSessionContext", false, loader);
                tickets = new TicketKeys(base, ssl, loader);
            } catch (ReflectiveOperationException | RuntimeException e) {
                report(
                        base,
                        (sessionContext == null ? "has no sessionContext()" : "cannot rotate session-ticket keys")
                                + " (" + e + ")");
            }
            this.sessionContext = sessionContext;
            this.serverSessions = serverSessions;
            this.tickets = tickets;
        }

        SSLSessionContext sessions(Object context) {
            if (sessionContext == null) {
                return null;
            }
            try {
                Object sessions = sessionContext.invoke(context);
                return sessions instanceof SSLSessionContext ? (SSLSessionContext) sessions : null;
            } catch (ReflectiveOperationException | RuntimeException e) {
                report(base, "refused sessionContext() (" + causeOf(e) + ")");
                return null;
            }
        }

        boolean isServer(SSLSessionContext sessions) {
            return tickets != null && serverSessions.isInstance(sessions);
        }

        void rotateTicketKey(Object context, SSLSessionContext sessions) {
            try {
                tickets.rotate(context, sessions);
            } catch (ReflectiveOperationException | RuntimeException e) {
                report(base, "refused a new session-ticket key (" + causeOf(e) + ")");
            }
        }
    }

    /**
     * Sets one fresh random ticket key on a server context, under the context's own lock (the one Netty's
     * {@code destroy()} takes, so a released context is seen as such), and puts back {@code SSL_OP_NO_TICKET}
     * when the context had it: Netty's {@code setTicketKeys} clears it, which would turn on TLS 1.2 tickets the
     * application did not ask for.
     */
    private final class TicketKeys {
        private final Field ctx;
        private final Field ctxLock;
        private final Method setTicketKeys;
        private final Class<?> keyType;
        private final Constructor<?> newKey;
        private final int[] keySizes;
        private final Method getOptions;
        private final Method setOptions;
        private final int noTicket;

        TicketKeys(Class<?> base, String ssl, ClassLoader loader) throws ReflectiveOperationException {
            ctx = base.getDeclaredField("ctx");
            ctx.setAccessible(true);
            ctxLock = base.getDeclaredField("ctxLock");
            ctxLock.setAccessible(true);
            keyType = Class.forName(ssl + ".OpenSslSessionTicketKey", false, loader);
            newKey = keyType.getConstructor(byte[].class, byte[].class, byte[].class);
            keySizes = new int[] {
                keyType.getField("NAME_SIZE").getInt(null),
                keyType.getField("HMAC_KEY_SIZE").getInt(null),
                keyType.getField("AES_KEY_SIZE").getInt(null)
            };
            setTicketKeys = Class.forName(ssl + ".OpenSslSessionContext", false, loader)
                    .getMethod("setTicketKeys", Array.newInstance(keyType, 0).getClass());
            String tcnative = ssl.substring(0, ssl.length() - NETTY_SSL.length()) + TCNATIVE;
            Class<?> sslContext = Class.forName(tcnative + ".SSLContext", false, loader);
            getOptions = sslContext.getMethod("getOptions", long.class);
            setOptions = sslContext.getMethod("setOptions", long.class, int.class);
            noTicket = Class.forName(tcnative + ".SSL", false, loader)
                    .getField("SSL_OP_NO_TICKET")
                    .getInt(null);
        }

        void rotate(Object context, SSLSessionContext sessions) throws ReflectiveOperationException {
            Lock lock = ((ReadWriteLock) ctxLock.get(context)).writeLock();
            lock.lock();
            try {
                long pointer = ctx.getLong(context);
                if (pointer == 0) {
                    return; // released: it makes no handshakes any more
                }
                int options = (Integer) getOptions.invoke(null, pointer);
                Object keys = Array.newInstance(keyType, 1);
                Array.set(keys, 0, newKey.newInstance(randomBytes(0), randomBytes(1), randomBytes(2)));
                setTicketKeys.invoke(sessions, keys);
                if ((options & noTicket) != 0) {
                    setOptions.invoke(null, pointer, noTicket);
                }
            } finally {
                lock.unlock();
            }
        }

        private byte[] randomBytes(int which) {
            byte[] bytes = new byte[keySizes[which]];
            random.nextBytes(bytes);
            return bytes;
        }
    }

    private static Throwable causeOf(Exception e) {
        return e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
    }
}
