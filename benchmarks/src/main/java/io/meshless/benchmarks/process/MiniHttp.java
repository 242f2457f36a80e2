package io.meshless.benchmarks.process;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Just enough HTTP/1.1 over one socket (plain or TLS) to time requests: the same code on every
 * path, so the paths differ only in what sits between client and server.
 */
final class MiniHttp {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;

    MiniHttp(Socket socket, String host, String path, boolean keepAlive) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: meshless-bench\r\n"
                        + (keepAlive ? "" : "Connection: close\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends one GET and reads the whole response; returns the status code. */
    int get() throws IOException {
        return exchange(request, null);
    }

    /** Sends a complete request and reads the whole response (body into {@code body} if given). */
    int exchange(byte[] requestBytes, StringBuilder body) throws IOException {
        out.write(requestBytes);
        out.flush();
        String status = readLine();
        if (status == null || !status.startsWith("HTTP/1.")) {
            throw new IOException("no HTTP response, got: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (line == null) {
            throw new IOException("connection closed inside the response headers");
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(readLine().trim().split(";")[0], 16)) > 0) {
                skip(size, body);
                readLine();
            }
            readLine();
        } else if (contentLength >= 0) {
            skip(contentLength, body);
        } else {
            while (in.read() >= 0) {
                // no length: the body ends with the connection
            }
        }
        return code;
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing after the measurement: nothing to report
        }
    }

    private void skip(long n, StringBuilder body) throws IOException {
        for (long i = 0; i < n; i++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed inside the body");
            }
            if (body != null) {
                body.append((char) c);
            }
        }
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
