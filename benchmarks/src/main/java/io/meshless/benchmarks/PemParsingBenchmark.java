package io.meshless.benchmarks;

import io.meshless.pki.CertificateReader;
import io.meshless.pki.KeyType;
import io.meshless.pki.PkiException;
import io.meshless.pki.PrivateKeyReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a rotation costs on the reading side: pki's readers on a workload's tls.crt (leaf and CA)
 * and tls.key (PKCS#8), next to the JDK's own CertificateFactory on the same chain.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PemParsingBenchmark {
    @Param({"EC_P256", "RSA_2048"})
    public String keyType;

    private byte[] chainPem;
    private byte[] keyPem;

    @Setup
    public void setUp() {
        BenchPki pki = new BenchPki(KeyType.valueOf(keyType));
        chainPem = (pki.server.chainPem() + pki.bundle.toPem()).getBytes(StandardCharsets.US_ASCII);
        keyPem = pki.server.privateKeyPem().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public List<X509Certificate> certificateReader() throws PkiException {
        return CertificateReader.parse(chainPem, "tls.crt");
    }

    @Benchmark
    public Collection<? extends java.security.cert.Certificate> jdkCertificateFactory() throws CertificateException {
        return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(chainPem));
    }

    @Benchmark
    public PrivateKey privateKeyReader() throws PkiException {
        return PrivateKeyReader.parse(keyPem, null, "tls.key");
    }
}
