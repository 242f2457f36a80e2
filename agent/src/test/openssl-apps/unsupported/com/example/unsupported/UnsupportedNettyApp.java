package com.example.unsupported;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * Loads the stand-in of an unsupported Netty release twice, in two class loaders (as two applications in one
 * server would), then waits for stdin to close.
 */
public final class UnsupportedNettyApp {
    public static void main(String[] args) throws Exception {
        String name = "io.netty.handler.ssl.ReferenceCountedOpenSslContext";
        Class.forName(name);
        URL[] path = {
            UnsupportedNettyApp.class.getProtectionDomain().getCodeSource().getLocation()
        };
        try (URLClassLoader second = new URLClassLoader(path, null)) {
            Class.forName(name, true, second);
        }
        System.out.println("LOADED");
        System.out.flush();
        while (System.in.read() >= 0) {
            // the test closes stdin
        }
    }
}
