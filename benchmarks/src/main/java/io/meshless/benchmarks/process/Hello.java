package io.meshless.benchmarks.process;

/** The smallest application there is: start-up cost of a JVM with and without the agent. */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
