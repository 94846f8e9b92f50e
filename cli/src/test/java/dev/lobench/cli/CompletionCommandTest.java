package dev.lobench.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionCommandTest {
    @Test
    void bashScriptCompletesEverySubcommandAndItsOptions() {
        CliTest.Result r = CliTest.run("completion", "bash");
        assertEquals(0, r.code(), r.err());
        for (String sub : Main.commandLine().getSubcommands().keySet()) {
            assertTrue(r.out().contains(sub), "subcommand " + sub);
        }
        assertTrue(r.out().contains("complete -F _complete_lobench"), "registers the completion function");
        assertTrue(r.out().contains("'--optimizer-spec'") && r.out().contains("'--plugins'"), "run's options");
        // the short options complete like their long forms (a file name after -o)
        assertTrue(r.out().contains("'-o'|'--out')") && r.out().contains("'-t'|'--task')")
                && r.out().contains("'-t'|'--tasks')"), "short options");
        CliTest.assertOneLineError(CliTest.run("completion", "fish"), "unknown shell 'fish'");
    }
}
