package io.meshless.injector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshless.injector.controller.ControllerMetrics;
import io.meshless.injector.webhook.AdmissionReply;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InjectorMetricsTest {
    @Test
    void histogramBucketsAreCumulative() {
        InjectorMetrics metrics = new InjectorMetrics();
        metrics.admission(AdmissionReply.Result.INJECTED, Duration.ofMillis(2));
        metrics.admission(AdmissionReply.Result.DENIED, Duration.ofMillis(20));
        metrics.admission(AdmissionReply.Result.INJECTED, Duration.ofSeconds(30));

        String text = metrics.scrape();

        assertThat(text)
                .contains("meshless_admissions_total{result=\"injected\"} 2\n")
                .contains("meshless_admissions_total{result=\"denied\"} 1\n")
                .contains("meshless_admission_duration_seconds_bucket{le=\"0.0005\"} 0\n")
                .contains("meshless_admission_duration_seconds_bucket{le=\"0.001\"} 0\n")
                .contains("meshless_admission_duration_seconds_bucket{le=\"0.0025\"} 1\n")
                .contains("meshless_admission_duration_seconds_bucket{le=\"0.025\"} 2\n")
                .contains("meshless_admission_duration_seconds_bucket{le=\"10\"} 2\n")
                .contains("meshless_admission_duration_seconds_bucket{le=\"+Inf\"} 3\n")
                .contains("meshless_admission_duration_seconds_sum 30.022\n")
                .contains("meshless_admission_duration_seconds_count 3\n")
                .doesNotContain("meshless_certificates_issued_total");
    }

    @Test
    void rendersControllerMetricsAtScrapeTimeWithEscapedLabels() {
        InjectorMetrics metrics = new InjectorMetrics();
        long[] issued = {0};
        metrics.attachController(() -> new ControllerMetrics(
                issued[0],
                Optional.of(Duration.ofDays(300)),
                Map.of("shop/meshless-orders", Duration.ofHours(20), "we\"ird/x", Duration.ofSeconds(-5)),
                true));

        issued[0] = 7;
        String text = metrics.scrape();

        assertThat(text)
                .contains("meshless_certificates_issued_total 7\n")
                .contains("meshless_controller_leader 1\n")
                .contains("meshless_ca_expiry_seconds 25920000\n")
                .contains("meshless_secret_expiry_seconds{namespace=\"shop\",name=\"meshless-orders\"} 72000\n")
                .contains("meshless_secret_expiry_seconds{namespace=\"we\\\"ird\",name=\"x\"} -5\n");
        for (String line : text.split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) meshless_\\w+ .+|meshless_\\w+(\\{.*\\})? -?[0-9.]+");
        }
    }
}
