package dev.lobench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory lock across two processes and within one. */
class RunLockTest {

    /** Child process: takes the lock of args[0], says "locked", holds it until its stdin closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (RunLock l = RunLock.acquire(Path.of(args[0]), "holder-process")) {
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait
                }
            }
        }
    }

    @Test
    void anotherProcessHoldingTheLockIsNamedAndItsDeathFreesIt(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Holder.class.getName(), dir.toString())).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            ResultsError e = assertThrows(ResultsError.class, () -> RunLock.acquire(dir, "second"));
            assertTrue(e.getMessage().contains("is being written by another lobench (pid " + p.pid()), e.getMessage());
            assertTrue(e.getMessage().contains("holder-process"), e.getMessage());
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        // kill -9 of the holder releases the OS lock: the stale lock file blocks nobody
        try (RunLock l = RunLock.acquire(dir, "after")) {
            assertTrue(l.file().toFile().exists());
        }
    }

    @Test
    void aSecondLockInTheSameProcessIsRefusedAndTheFirstStaysHeld(@TempDir Path dir) {
        try (RunLock first = RunLock.acquire(dir, "first")) {
            assertThrows(ResultsError.class, () -> RunLock.acquire(dir, "second"));
            // the refused attempt must not have released the first (POSIX locks drop when any channel closes)
            assertThrows(ResultsError.class, () -> RunLock.acquire(dir.resolve("."), "third"));
        }
        RunLock.acquire(dir, "again").close();
    }
}
