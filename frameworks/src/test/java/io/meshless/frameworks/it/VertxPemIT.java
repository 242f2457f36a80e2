package io.meshless.frameworks.it;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.MountedFilesServerContract;

/**
 * Vert.x 4.5 (Netty 4.1) and 5 (Netty 4.2), JDK engine, with {@code PemKeyCertOptions}, {@code PemTrustOptions},
 * {@code ClientAuth.REQUIRED}.
 */
@MountedFilesServerContract.Releases(properties = Frameworks.PROPERTIES, library = "vertx")
class VertxPemIT extends MountedFilesServerContract {
    @Override
    protected ChildJvm start(Jdk jdk, String release, Mounted mounted, String agentArgs) {
        return ChildJvm.builder(jdk, "io.meshless.frameworks.apps.vertx.VertxPemServerApp")
                .classPath(Frameworks.classPath("vertx", release))
                .agent(agentArgs)
                .args(mounted.directory().toString())
                .start();
    }
}
