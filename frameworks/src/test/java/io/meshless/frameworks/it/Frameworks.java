package io.meshless.frameworks.it;

import io.meshless.agent.it.support.CompiledApp;
import io.meshless.agent.it.support.LibraryVersions;
import java.nio.file.Path;

/** The framework releases this module tests (frameworks/pom.xml), and the applications compiled against each. */
final class Frameworks {
    /** The system properties that describe the sets: {@code meshless.frameworks.source}, {@code .lib}, {@code .versions}. */
    static final String PROPERTIES = "meshless.frameworks";

    private Frameworks() {}

    /** The class path of the applications under {@code src/test/apps/<programs>} compiled against {@code release}'s jars. */
    static String classPath(String programs, String release) {
        Path classes =
                Path.of(CompiledApp.requiredProperty(PROPERTIES + ".lib")).resolveSibling("framework-apps");
        return LibraryVersions.at(PROPERTIES).classPathOf(classes, programs, release);
    }
}
