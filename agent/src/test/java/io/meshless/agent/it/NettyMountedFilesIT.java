package io.meshless.agent.it;

import io.meshless.agent.apps.NettyServerApp;
import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.MountedFilesServerContract;

/** Netty 4.1, JDK provider, {@code SslContextBuilder.forServer(tls.crt, tls.key).trustManager(ca.crt)}. */
class NettyMountedFilesIT extends MountedFilesServerContract {
    @Override
    protected ChildJvm start(Jdk jdk, Mounted mounted, String agentArgs) {
        return ChildJvm.builder(jdk, NettyServerApp.class)
                .agent(agentArgs)
                .args(mounted.directory().toString())
                .start();
    }
}
