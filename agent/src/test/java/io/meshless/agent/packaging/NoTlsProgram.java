package io.meshless.agent.packaging;

/** An unmodified program that never touches TLS, for what the agent costs (and says) at start-up. */
public final class NoTlsProgram {
    private NoTlsProgram() {}

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
