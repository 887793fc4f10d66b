package org.edgelora.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class OptionsTest {

    private static final List<Options.Spec> SPECS = List.of(
            Options.Spec.required("model", "FILE", "the model"),
            Options.Spec.optional("tokens", "N", "64", "tokens").withAlias("n"),
            Options.Spec.optional("batch", "N,N", "1,4,16", "batches"),
            Options.Spec.optional("prompts", "FILE", null, "prompts"),
            Options.Spec.optional("shape", "NAME", "tiny", "shape"),
            Options.Spec.flag("json", "json"));

    @Test
    void readsValuesInEveryFormAndFillsDefaults() throws UsageException {
        Options options = Options.parse(SPECS, new String[] {"--model", "m.gguf", "-n", "5", "--batch=2,8", "--json"});
        assertEquals("m.gguf", options.string("model"));
        assertEquals(5, options.integer("tokens", 1, 10));
        assertEquals(List.of(2, 8), options.integers("batch", 1, 256));
        assertTrue(options.flag("json"));
        assertTrue(options.optional("prompts").isEmpty());
        assertEquals(ModelShape.TINY, options.choice("shape", ModelShape.class, ModelShape::cliName));

        Options defaults = Options.parse(SPECS, new String[] {"--model", "m.gguf"});
        assertEquals(64, defaults.integer("tokens", 1, 100));
        assertEquals(List.of(1, 4, 16), defaults.integers("batch", 1, 256));
        assertFalse(defaults.flag("json"));
    }

    @Test
    void namesTheOptionInEveryError() {
        assertMessage("--model FILE is required", new String[] {"-n", "3"});
        assertMessage("unknown option --modle", new String[] {"--modle", "x"});
        assertMessage("unexpected argument 'extra'", new String[] {"--model", "m", "extra"});
        assertMessage("--model needs a value (FILE)", new String[] {"--model"});
        assertMessage("--model is given twice", new String[] {"--model", "a", "--model", "b"});
        assertMessage("--json takes no value", new String[] {"--model", "m", "--json=yes"});
    }

    @Test
    void checksNumbersRangesAndChoices() throws UsageException {
        Options options = Options.parse(SPECS, new String[] {"--model", "m", "-n", "0", "--batch", "1,x", "--shape", "huge"});
        assertEquals("--tokens must be between 1 and 10, not 0",
                assertThrows(UsageException.class, () -> options.integer("tokens", 1, 10)).getMessage());
        assertEquals("--batch must be whole numbers separated by commas, not '1,x'",
                assertThrows(UsageException.class, () -> options.integers("batch", 1, 256)).getMessage());
        assertEquals("--shape must be one of tiny, llama-1b, llama-3b, llama-8b, not 'huge'",
                assertThrows(UsageException.class, () -> options.choice("shape", ModelShape.class, ModelShape::cliName)).getMessage());
        Options words = Options.parse(SPECS, new String[] {"--model", "m", "-n", "many"});
        assertEquals("--tokens must be a whole number, not 'many'",
                assertThrows(UsageException.class, () -> words.integer("tokens", 1, 10)).getMessage());
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String help = Options.help("generate", "Generates.", SPECS);
        assertTrue(help.startsWith("usage: edgelora generate --model FILE [--tokens N]"), help);
        assertTrue(help.contains("-n, --tokens N"), help);
        assertTrue(help.contains("(default: 1,4,16)"), help);
    }

    private static void assertMessage(String message, String[] args) {
        assertEquals(message, assertThrows(UsageException.class, () -> Options.parse(SPECS, args)).getMessage());
    }
}
