package io.meshless.injector.check;

import java.time.Duration;
import java.time.Instant;

/** "in 3 days", "5h ago": how far an instant is from now, in the unit a person reads at a glance. */
final class TimeText {

    private TimeText() {}

    static String relative(Instant now, Instant then) {
        Duration d = Duration.between(now, then);
        String amount = amount(d.abs());
        return d.isNegative() ? amount + " ago" : "in " + amount;
    }

    static String amount(Duration d) {
        if (d.toDays() >= 2) {
            return d.toDays() + " days";
        }
        if (d.toHours() >= 2) {
            return d.toHours() + "h";
        }
        if (d.toMinutes() >= 1) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() + " s";
    }
}
