package io.meshless.benchmarks.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time (user + system, all threads) of a set of processes, read from /proc/PID/stat, so a
 * load tool can charge the whole data path (itself, proxies, server) for the requests it made.
 */
final class ProcessCpu {
    /** USER_HZ is 100 on every Linux the benchmarks run on (x86-64, arm64). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final List<String> pids;

    ProcessCpu(String commaSeparatedPids) {
        this.pids = new ArrayList<>();
        pids.add("self");
        if (commaSeparatedPids != null && !commaSeparatedPids.isBlank()) {
            for (String p : commaSeparatedPids.split(",")) {
                if (!p.isBlank()) {
                    pids.add(p.trim());
                }
            }
        }
    }

    /** Total CPU seconds consumed so far by all the processes. */
    double cpuSeconds() {
        double total = 0;
        for (String pid : pids) {
            total += cpuSecondsOf(pid);
        }
        return total;
    }

    static double cpuSecondsOf(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // The command name may contain spaces and parentheses: fields start after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            return (utime + stime) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read CPU time of process " + pid + ": " + e, e);
        }
    }

    /** Resident set size in kB of a process, from /proc/PID/status. */
    static long rssKb(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmRSS line for process " + pid);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read memory of process " + pid + ": " + e, e);
        }
    }
}
