package io.meshless.injector.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** What {@code check} says when the API refuses a read: the server's words, or the network's. */
class CheckReadErrorTest {

    @Test
    void forbiddenReadQuotesTheApiServer() {
        KubernetesClientException forbidden = new KubernetesClientException(new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage("secrets \"meshless-ca\" is forbidden: User \"dev\" cannot get resource \"secrets\"")
                .build());

        assertThat(new ClusterReadException("Secret meshless-system/meshless-ca", forbidden))
                .hasMessage("cannot read Secret meshless-system/meshless-ca: HTTP 403, secrets \"meshless-ca\" is"
                        + " forbidden: User \"dev\" cannot get resource \"secrets\"");
    }

    @Test
    void networkFailureNamesTheDeepestCause() {
        KubernetesClientException failed = new KubernetesClientException(
                "Operation: [get] for kind: [Secret] failed.",
                new IllegalStateException("wrapped", new ConnectException("Connection refused: /127.0.0.1:6443")));

        assertThat(new ClusterReadException("Secret meshless-system/meshless-ca", failed))
                .hasMessage("cannot read Secret meshless-system/meshless-ca: ConnectException: Connection refused:"
                        + " /127.0.0.1:6443");
    }
}
