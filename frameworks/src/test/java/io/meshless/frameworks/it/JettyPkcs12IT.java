package io.meshless.frameworks.it;

import io.meshless.agent.it.support.ChildJvm;
import io.meshless.agent.it.support.Jdk;
import io.meshless.agent.it.support.MountedFilesServerContract;
import io.meshless.pki.KeyStoreWriter;
import io.meshless.pki.PkiException;
import java.nio.file.Path;

/**
 * Jetty 12.0 and 12.1 from a PKCS#12 made from the mounted PEM at start (what {@code meshless issue --pkcs12}
 * writes): adoption is by public key, whatever the container.
 */
@MountedFilesServerContract.Releases(properties = Frameworks.PROPERTIES, library = "jetty")
class JettyPkcs12IT extends MountedFilesServerContract {
    private static final String PASSWORD = "changeit";

    @Override
    protected ChildJvm start(Jdk jdk, String release, Mounted mounted, String agentArgs) {
        Path keyStore = mounted.work().resolve("keystore.p12");
        try {
            KeyStoreWriter.writePkcs12(keyStore, mounted.identity(), mounted.bundle(), PASSWORD.toCharArray());
        } catch (PkiException e) {
            throw new AssertionError(e);
        }
        return ChildJvm.builder(jdk, "io.meshless.frameworks.apps.jetty.JettyPkcs12ServerApp")
                .classPath(Frameworks.classPath("jetty", release))
                .agent(agentArgs)
                .args(keyStore.toString(), PASSWORD)
                .start();
    }
}
