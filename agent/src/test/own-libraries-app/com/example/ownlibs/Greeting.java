package com.example.ownlibs;

/** A class of the application that its own Byte Buddy agent rewrites while it runs. */
public final class Greeting {
    private Greeting() {}

    public static String text() {
        return "as compiled";
    }
}
