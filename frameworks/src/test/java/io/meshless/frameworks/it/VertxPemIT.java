package io.meshless.frameworks.it;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.MountedFilesServerContract;
import io.meshless.frameworks.apps.vertx.VertxPemServerApp;

/** Vert.x 5 (Netty 4.2, JDK engine) with {@code PemKeyCertOptions}, {@code PemTrustOptions}, {@code ClientAuth.REQUIRED}. */
class VertxPemIT extends MountedFilesServerContract {
    @Override
    protected ChildJvm start(Jdk jdk, Mounted mounted, String agentArgs) {
        return ChildJvm.builder(jdk, VertxPemServerApp.class)
                .agent(agentArgs)
                .args(mounted.directory().toString())
                .start();
    }
}
