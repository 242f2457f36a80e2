package io.meshless.frameworks.it;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;

/** The Spring Boot application of one release in a child JVM under the agent, with its TLS settings as arguments. */
final class SpringBoot {
    private SpringBoot() {}

    static ChildJvm start(Jdk jdk, String release, String agentArgs, String... tlsSettings) {
        return ChildJvm.builder(jdk, "io.meshless.frameworks.apps.spring.SpringBootServerApp")
                .classPath(Frameworks.classPath("spring", release))
                .agent(agentArgs)
                .args(
                        "--server.address=127.0.0.1",
                        "--server.port=0",
                        "--spring.main.banner-mode=off",
                        // an open connection must outlive the certificate swap the test waits for
                        "--server.tomcat.keep-alive-timeout=120s")
                .args(tlsSettings)
                .start();
    }
}
