package io.meshless.pki;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * Reads attribute values out of a subject name, from the JDK's RFC 2253 rendering. No
 * {@code javax.naming} (a module slim runtimes leave out) and no Bouncy Castle on the handshake path.
 */
final class DistinguishedNames {
    private DistinguishedNames() {}

    /** Every CN value of the name, unescaped, most significant first as RFC 2253 writes them. */
    static List<String> commonNames(X500Principal name) {
        String rfc2253 = name.getName(X500Principal.RFC2253);
        List<String> values = new ArrayList<>();
        int i = 0;
        while (i < rfc2253.length()) {
            int eq = rfc2253.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String type = rfc2253.substring(i, eq).trim();
            ByteArrayOutputStream value = new ByteArrayOutputStream();
            int j = eq + 1;
            while (j < rfc2253.length()) {
                char c = rfc2253.charAt(j);
                if (c == ',' || c == '+') {
                    break;
                }
                if (c == '\\' && j + 1 < rfc2253.length()) {
                    char next = rfc2253.charAt(j + 1);
                    if (j + 2 < rfc2253.length() && isHex(next) && isHex(rfc2253.charAt(j + 2))) {
                        value.write(Integer.parseInt(rfc2253.substring(j + 1, j + 3), 16));
                        j += 3;
                        continue;
                    }
                    appendUtf8(value, String.valueOf(next));
                    j += 2;
                    continue;
                }
                int codePoint = rfc2253.codePointAt(j);
                appendUtf8(value, new String(Character.toChars(codePoint)));
                j += Character.charCount(codePoint);
            }
            if (type.equalsIgnoreCase("CN") || type.equals("2.5.4.3")) {
                values.add(new String(value.toByteArray(), StandardCharsets.UTF_8));
            }
            i = j + 1;
        }
        return values;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static void appendUtf8(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
    }
}
