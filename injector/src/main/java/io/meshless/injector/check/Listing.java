package io.meshless.injector.check;

import java.util.List;

/** The first few items of a list and how many more, so one check stays one line on a big cluster. */
final class Listing {

    static final int SHOWN = 3;

    private Listing() {}

    /** "1 Secret", "2 Secrets". */
    static String count(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun + "s");
    }

    static String some(List<String> items) {
        if (items.size() <= SHOWN) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, SHOWN)) + " and " + (items.size() - SHOWN) + " more";
    }
}
