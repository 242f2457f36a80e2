package io.meshless.pki.internal;

import io.meshless.pki.PkiException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One "-----BEGIN X-----" ... "-----END X-----" block of a PEM file. The scanner is our own, not Bouncy
 * Castle's PEMParser, so that a truncated or damaged file gets a message with the line number.
 */
public final class PemBlock {
    /** Readers refuse larger input: no certificate or key file is this big, and it bounds memory. */
    public static final int MAX_INPUT = 10 * 1024 * 1024;

    private final String type;
    private final Map<String, String> headers;
    private final byte[] der;
    private final String text;
    private final int line;

    private PemBlock(String type, Map<String, String> headers, byte[] der, String text, int line) {
        this.type = type;
        this.headers = headers;
        this.der = der;
        this.text = text;
        this.line = line;
    }

    public String type() {
        return type;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public byte[] der() {
        return der.clone();
    }

    /** The block's text from BEGIN to END, for parsers that need the headers (legacy encrypted keys). */
    public String text() {
        return text;
    }

    /** 1-based line of the BEGIN line. */
    public int line() {
        return line;
    }

    /** True when the data looks like text PEM rather than binary DER. */
    public static boolean looksLikePem(byte[] data) {
        int limit = Math.min(data.length, 64 * 1024);
        String head = new String(data, 0, limit, StandardCharsets.ISO_8859_1);
        return head.contains("-----BEGIN ");
    }

    /** All blocks, in order; text outside blocks (openssl's "Bag Attributes", comments) is ignored. */
    public static List<PemBlock> parseAll(byte[] data, String source) throws PkiException {
        String all = new String(data, StandardCharsets.ISO_8859_1);
        String[] lines = all.split("\r?\n|\r", -1);
        List<PemBlock> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String l = lines[i].trim();
            if (!l.startsWith("-----BEGIN ")) {
                i++;
                continue;
            }
            if (!l.endsWith("-----") || l.length() < "-----BEGIN -----".length() + 1) {
                throw new PkiException(source, "line " + (i + 1) + ": malformed PEM BEGIN line");
            }
            String type = l.substring("-----BEGIN ".length(), l.length() - 5);
            int begin = i;
            String end = "-----END " + type + "-----";
            StringBuilder b64 = new StringBuilder();
            StringBuilder text = new StringBuilder(l).append('\n');
            Map<String, String> headers = new LinkedHashMap<>();
            boolean inHeaders = true;
            boolean closed = false;
            i++;
            for (; i < lines.length; i++) {
                String x = lines[i].trim();
                text.append(x).append('\n');
                if (x.equals(end)) {
                    closed = true;
                    i++;
                    break;
                }
                if (x.startsWith("-----")) {
                    throw new PkiException(
                            source,
                            "line " + (i + 1) + ": PEM block " + type + " that begins on line "
                                    + (begin + 1) + " is not closed by '" + end + "' (found '" + abbreviate(x)
                                    + "'); the file is "
                                    + "truncated or damaged");
                }
                int colon = x.indexOf(':');
                if (inHeaders && colon > 0) {
                    headers.put(
                            x.substring(0, colon).trim(), x.substring(colon + 1).trim());
                    continue;
                }
                inHeaders = false;
                b64.append(x);
            }
            if (!closed) {
                throw new PkiException(
                        source,
                        "PEM block " + type + " that begins on line " + (begin + 1) + " has no '" + end
                                + "' line; the file is truncated");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(b64.toString());
            } catch (IllegalArgumentException e) {
                throw new PkiException(
                        source,
                        "PEM block " + type + " on line " + (begin + 1) + " is not valid base64: " + e.getMessage());
            }
            if (der.length == 0) {
                throw new PkiException(source, "PEM block " + type + " on line " + (begin + 1) + " is empty");
            }
            blocks.add(new PemBlock(type, Collections.unmodifiableMap(headers), der, text.toString(), begin + 1));
        }
        return blocks;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** Common checks before parsing: not empty, not absurdly large. */
    public static void checkSize(byte[] data, String source) throws PkiException {
        if (data == null || data.length == 0) {
            throw new PkiException(source, "file is empty");
        }
        if (data.length > MAX_INPUT) {
            throw new PkiException(
                    source,
                    "file is " + data.length + " bytes, larger than any certificate or key " + "file (limit "
                            + MAX_INPUT + ")");
        }
        boolean blank = true;
        for (byte b : data) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                blank = false;
                break;
            }
        }
        if (blank) {
            throw new PkiException(source, "file is empty (only whitespace)");
        }
    }

    public static String encode(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }
}
