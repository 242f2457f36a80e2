package io.meshless.frameworks.it;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.MountedFilesServerContract;

/**
 * Spring Boot 3.1 to 4 (Tomcat) with a PEM SSL bundle ({@code spring.ssl.bundle.pem.mesh.*}, {@code server.ssl.bundle}).
 */
@MountedFilesServerContract.Releases(properties = Frameworks.PROPERTIES, library = "spring-boot")
class SpringBootSslBundleIT extends MountedFilesServerContract {
    @Override
    protected ChildJvm start(Jdk jdk, String release, Mounted mounted, String agentArgs) {
        return SpringBoot.start(
                jdk,
                release,
                agentArgs,
                "--spring.ssl.bundle.pem.mesh.keystore.certificate=" + mounted.file("tls.crt"),
                "--spring.ssl.bundle.pem.mesh.keystore.private-key=" + mounted.file("tls.key"),
                "--spring.ssl.bundle.pem.mesh.truststore.certificate=" + mounted.file("ca.crt"),
                "--server.ssl.bundle=mesh",
                "--server.ssl.client-auth=need");
    }
}
