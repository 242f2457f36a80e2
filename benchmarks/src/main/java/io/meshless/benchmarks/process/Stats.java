package io.meshless.benchmarks.process;

import java.util.Arrays;

/** Percentiles over recorded latencies (nanoseconds), nearest-rank. */
final class Stats {
    private long[] values = new long[1024];
    private int size;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    int count() {
        return size;
    }

    /** Percentile p in [0,100] in microseconds; NaN when nothing was recorded. */
    double percentileMicros(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        int index = Math.min(size - 1, Math.max(0, rank - 1));
        return sorted[index] / 1000.0;
    }
}
