package io.meshless.frameworks.it;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.MountedFilesServerContract;

/**
 * Spring Boot 3.1 to 4 (Tomcat) with {@code server.ssl.certificate}, {@code certificate-private-key},
 * {@code trust-certificate}.
 */
@MountedFilesServerContract.Releases(properties = Frameworks.PROPERTIES, library = "spring-boot")
class SpringBootPemIT extends MountedFilesServerContract {
    @Override
    protected ChildJvm start(Jdk jdk, String release, Mounted mounted, String agentArgs) {
        return SpringBoot.start(
                jdk,
                release,
                agentArgs,
                "--server.ssl.certificate=" + mounted.file("tls.crt"),
                "--server.ssl.certificate-private-key=" + mounted.file("tls.key"),
                "--server.ssl.trust-certificate=" + mounted.file("ca.crt"),
                "--server.ssl.client-auth=need");
    }
}
