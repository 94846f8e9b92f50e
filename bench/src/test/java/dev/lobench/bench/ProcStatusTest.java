package dev.lobench.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcStatusTest {
    @Test
    void parsesKilobyteLines() {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t   100 kB\n";
        assertEquals(123456L * 1024, ProcStatus.parse(status, "VmHWM:"));
        assertEquals(100L * 1024, ProcStatus.parse(status, "VmRSS:"));
        assertEquals(-1, ProcStatus.parse(status, "VmSwap:"));
    }

    @Test
    void peakIsAtLeastCurrentOnLinux() {
        long peak = ProcStatus.peakRssBytes();
        long rss = ProcStatus.rssBytes();
        if (peak > 0) {
            assertTrue(peak >= rss, peak + " < " + rss);
        }
    }
}
