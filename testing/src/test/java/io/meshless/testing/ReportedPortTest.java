package io.meshless.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportedPortTest {

    private static final Pattern LISTENING = Pattern.compile("listening on https://\\S+:(\\d+)/");
    private static final Await SHORT = Await.atMost(Duration.ofMillis(200));

    @TempDir
    Path dir;

    @Test
    void readsThePortTheServerReported() throws Exception {
        Path log = Files.writeString(
                dir.resolve("server.log"), "starting\nwebhook listening on https://127.0.0.1:40123/mutate\n");

        assertThat(ReportedPort.in(log, LISTENING, SHORT)).isEqualTo(40123);
    }

    @Test
    void failsWhenTheServerNeverReportsAPort() throws Exception {
        Path log = Files.writeString(dir.resolve("server.log"), "starting\nbind failed\n");

        assertThatThrownBy(() -> ReportedPort.in(log, LISTENING, SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("timed out")
                .hasMessageContaining("server.log");
    }

    @Test
    void waitsForALogThatDoesNotExistYetAndFailsNamingIt() {
        assertThatThrownBy(() -> ReportedPort.in(dir.resolve("absent.log"), LISTENING, SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("absent.log");
    }

    @Test
    void refusesAReportedNumberThatIsNoPort() throws Exception {
        Path log = Files.writeString(dir.resolve("server.log"), "listening on https://localhost:99999/\n");

        assertThatThrownBy(() -> ReportedPort.in(log, LISTENING, SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("\"99999\", which is not a port number");
    }
}
