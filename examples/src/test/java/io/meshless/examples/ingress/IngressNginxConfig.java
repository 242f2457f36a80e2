package io.meshless.examples.ingress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nginx configuration ingress-nginx renders for one {@link Ingress}, limited to the
 * annotations Meshless documents, with ingress-nginx's defaults and its rules for when a directive
 * appears (rootfs/etc/nginx/template/nginx.tmpl, buildCertificateDirectives; annotation parsers
 * internal/ingress/annotations/proxyssl and authtls):
 *
 * <ul>
 *   <li>{@code auth-tls-secret} (a Secret with {@code ca.crt}), {@code auth-tls-verify-client}
 *       (default {@code on}), {@code auth-tls-verify-depth} (default 1): {@code ssl_client_certificate},
 *       {@code ssl_verify_client}, {@code ssl_verify_depth} on the server;
 *   <li>{@code proxy-ssl-secret}: one PEM file as {@code proxy_ssl_certificate},
 *       {@code proxy_ssl_certificate_key} and {@code proxy_ssl_trusted_certificate}, with
 *       {@code proxy-ssl-verify} (default off), {@code proxy-ssl-verify-depth} (default 1),
 *       {@code proxy-ssl-ciphers} (DEFAULT), {@code proxy-ssl-protocols} (TLSv1.2),
 *       {@code proxy-ssl-name} and {@code proxy-ssl-server-name} (default off). Without the secret
 *       ingress-nginx ignores every other {@code proxy-ssl-*} annotation and renders none of them.
 * </ul>
 *
 * An annotation outside this list fails the rendering, so a typo in a test cannot pass silently.
 */
final class IngressNginxConfig {

    /** Reads a Secret's data from the API, as the ingress controller's informer does; null when absent. */
    @FunctionalInterface
    interface Secrets {
        Map<String, byte[]> get(String namespace, String name);
    }

    private static final Set<String> SUPPORTED = Set.of(
            "backend-protocol",
            "auth-tls-secret",
            "auth-tls-verify-client",
            "auth-tls-verify-depth",
            "proxy-ssl-secret",
            "proxy-ssl-verify",
            "proxy-ssl-verify-depth",
            "proxy-ssl-name",
            "proxy-ssl-server-name",
            "proxy-ssl-protocols",
            "proxy-ssl-ciphers");

    private final Ingress ingress;
    private final Secrets secrets;
    private final IngressSslDirectory sslDirectory;

    IngressNginxConfig(Ingress ingress, Secrets secrets, IngressSslDirectory sslDirectory) {
        this.ingress = ingress;
        this.secrets = secrets;
        this.sslDirectory = sslDirectory;
        for (String name : ingress.annotations().keySet()) {
            if (!SUPPORTED.contains(name)) {
                throw new IllegalArgumentException("annotation " + Ingress.ANNOTATION_PREFIX + name
                        + " is not rendered by this test's ingress-nginx; supported: " + SUPPORTED);
            }
        }
        if (!"HTTPS".equals(ingress.annotations().get("backend-protocol"))) {
            throw new IllegalArgumentException(
                    "the mesh hop needs annotation " + Ingress.ANNOTATION_PREFIX + "backend-protocol: \"HTTPS\", was "
                            + ingress.annotations().get("backend-protocol"));
        }
    }

    /** The whole nginx.conf for a server on {@code 127.0.0.1:listenPort}, run with prefix {@code prefix}. */
    String render(Path prefix, int listenPort) {
        List<String> lines = new ArrayList<>();
        lines.add("pid " + prefix.resolve("nginx.pid") + ";");
        lines.add("error_log " + prefix.resolve("error.log") + " info;");
        lines.add("worker_processes 1;");
        lines.add("events { worker_connections 64; }");
        lines.add("http {");
        lines.add("  access_log off;");
        for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            lines.add("  " + temp + "_temp_path " + prefix.resolve("tmp-" + temp) + ";");
        }
        lines.add("  server {");
        lines.add("    server_name " + ingress.host() + ";");
        lines.add("    listen 127.0.0.1:" + listenPort + " ssl;");
        Path serving = sslDirectory.keyPair(
                ingress.namespace(),
                ingress.tlsSecretName(),
                secret(ingress.namespace() + "/" + ingress.tlsSecretName()));
        lines.add("    ssl_certificate " + serving + ";");
        lines.add("    ssl_certificate_key " + serving + ";");
        lines.add("    ssl_protocols TLSv1.2 TLSv1.3;");
        boolean clientAuth = addClientAuthentication(lines);
        lines.add("    location / {");
        if (clientAuth) {
            // ingress-nginx passes what it verified at the edge on to the backend
            lines.add("      proxy_set_header ssl-client-verify $ssl_client_verify;");
            lines.add("      proxy_set_header ssl-client-subject-dn $ssl_client_s_dn;");
            lines.add("      proxy_set_header ssl-client-issuer-dn $ssl_client_i_dn;");
        }
        lines.add("      proxy_http_version 1.1;");
        addProxySsl(lines);
        lines.add("      proxy_pass https://127.0.0.1:" + ingress.backendPort() + ";");
        lines.add("    }");
        lines.add("  }");
        lines.add("}");
        lines.add("");
        return String.join("\n", lines);
    }

    private boolean addClientAuthentication(List<String> lines) {
        String secretRef = annotation("auth-tls-secret", null);
        if (secretRef == null) {
            return false;
        }
        String[] ref = namespaced(secretRef);
        Path ca = sslDirectory.caOnly(ref[0], ref[1], secret(secretRef));
        lines.add("    ssl_client_certificate " + ca + ";");
        lines.add("    ssl_verify_client " + annotation("auth-tls-verify-client", "on") + ";");
        lines.add("    ssl_verify_depth " + annotation("auth-tls-verify-depth", "1") + ";");
        return true;
    }

    private void addProxySsl(List<String> lines) {
        String secretRef = annotation("proxy-ssl-secret", null);
        if (secretRef == null) {
            return;
        }
        String[] ref = namespaced(secretRef);
        Map<String, byte[]> data = secret(secretRef);
        if (!data.containsKey("ca.crt")) {
            throw new IllegalArgumentException(
                    "proxy-ssl-secret " + secretRef + " has no ca.crt: nginx would not verify the backend");
        }
        Path pem = sslDirectory.keyPair(ref[0], ref[1], data);
        lines.add("      proxy_ssl_trusted_certificate " + pem + ";");
        lines.add("      proxy_ssl_ciphers " + annotation("proxy-ssl-ciphers", "DEFAULT") + ";");
        lines.add("      proxy_ssl_protocols " + annotation("proxy-ssl-protocols", "TLSv1.2") + ";");
        lines.add("      proxy_ssl_verify " + annotation("proxy-ssl-verify", "off") + ";");
        lines.add("      proxy_ssl_verify_depth " + annotation("proxy-ssl-verify-depth", "1") + ";");
        String name = annotation("proxy-ssl-name", null);
        if (name != null) {
            lines.add("      proxy_ssl_name " + name + ";");
        }
        lines.add("      proxy_ssl_server_name " + annotation("proxy-ssl-server-name", "off") + ";");
        lines.add("      proxy_ssl_certificate " + pem + ";");
        lines.add("      proxy_ssl_certificate_key " + pem + ";");
    }

    private String annotation(String name, String defaultValue) {
        return ingress.annotations().getOrDefault(name, defaultValue);
    }

    /** {@code namespace/name}, or a bare name in the Ingress's namespace, as ingress-nginx resolves it. */
    private String[] namespaced(String ref) {
        int slash = ref.indexOf('/');
        return slash < 0
                ? new String[] {ingress.namespace(), ref}
                : new String[] {ref.substring(0, slash), ref.substring(slash + 1)};
    }

    private Map<String, byte[]> secret(String ref) {
        String[] r = namespaced(ref);
        Map<String, byte[]> data = secrets.get(r[0], r[1]);
        if (data == null) {
            throw new IllegalStateException(
                    "Secret " + r[0] + "/" + r[1] + " referenced by the Ingress does not exist");
        }
        return data;
    }
}
