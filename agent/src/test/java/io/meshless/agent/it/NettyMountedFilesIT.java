package io.meshless.agent.it;

import io.meshless.agent.apps.NettyMountedFilesServerApp;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.MountedFilesServerContract;

/** Netty 4.1, JDK provider, {@code SslContextBuilder.forServer(tls.crt, tls.key).trustManager(ca.crt)}. */
class NettyMountedFilesIT extends MountedFilesServerContract {
    @Override
    protected ChildJvm start(Jdk jdk, Mounted mounted, String agentArgs) {
        return ChildJvm.builder(jdk, NettyMountedFilesServerApp.class)
                .agent(agentArgs)
                .args(mounted.directory().toString())
                .start();
    }
}
