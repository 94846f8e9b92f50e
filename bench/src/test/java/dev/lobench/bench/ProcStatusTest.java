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
        // the kernel's VmHWM can lag VmRSS by a few pages: the peak is the larger of the two in one snapshot
        assertEquals(3000L * 1024, ProcStatus.peakFrom("VmHWM:\t 2000 kB\nVmRSS:\t 3000 kB\n"));
        assertEquals(5000L * 1024, ProcStatus.peakFrom("VmHWM:\t 5000 kB\nVmRSS:\t 3000 kB\n"));
        assertEquals(-1, ProcStatus.peakFrom("Name: x\n"));
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/status"))) {
            assertTrue(ProcStatus.peakRssBytes() > 0);
        }
    }
}
