package io.meshless.injector.check;

import java.util.List;

/** The first few items of a list and how many more, so one check stays one line on a big cluster. */
final class Listing {

    static final int SHOWN = 3;

    private Listing() {}

    static String some(List<String> items) {
        if (items.size() <= SHOWN) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, SHOWN)) + " and " + (items.size() - SHOWN) + " more";
    }
}
