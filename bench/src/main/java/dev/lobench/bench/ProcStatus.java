package dev.lobench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process memory from {@code /proc/self/status} (Linux); -1 where unavailable. */
public final class ProcStatus {
    private ProcStatus() {}

    /** Peak resident set size of the process so far (VmHWM) in bytes. Monotone over the process's life. */
    public static long peakRssBytes() {
        // The kernel updates VmHWM lazily (on some memory events), so it can lag the current VmRSS by a few pages:
        // read both from one snapshot and report the larger, which is the true peak so far.
        try {
            return peakFrom(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** max(VmHWM, VmRSS) of one /proc/PID/status text, in bytes; -1 when VmHWM is absent. */
    static long peakFrom(String status) {
        long hwm = parse(status, "VmHWM:");
        long rss = parse(status, "VmRSS:");
        return hwm < 0 ? -1 : Math.max(hwm, rss);
    }

    /** Current resident set size (VmRSS) in bytes. */
    public static long rssBytes() {
        return field("VmRSS:");
    }

    static long field(String name) {
        try {
            return parse(Files.readString(Path.of("/proc/self/status")), name);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The value of a {@code Name:   1234 kB} line in bytes, -1 when absent. */
    static long parse(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                String[] parts = line.substring(name.length()).trim().split("\\s+");
                long v = Long.parseLong(parts[0]);
                return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? v * 1024 : v;
            }
        }
        return -1;
    }
}
