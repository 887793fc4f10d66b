package org.edgelora.engine.scheduler;

import static org.edgelora.engine.scheduler.EngineFixture.await;
import static org.edgelora.engine.scheduler.EngineFixture.greedy;
import static org.edgelora.engine.scheduler.EngineFixture.request;
import static org.edgelora.engine.scheduler.EngineFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.edgelora.api.engine.FinishReason;
import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationRequest;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.engine.Prompt;
import org.edgelora.api.engine.SamplingParams;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.engine.LlamaEngine;
import org.edgelora.engine.TestNatives;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Continuous batching on stories260K (a trained model, so greedy text is meaningful) with real
 * kernels: every assertion compares a scheduling situation with the same requests run alone.
 */
class SchedulerTest {

    private static final String[] PROMPTS = {
        "Once upon a time, there was a little girl named Lily.",
        "The dog",
        "Tom and his mom went to the park to play. They saw",
        "One day, a big bird",
        "Sue liked to",
    };
    private static final int TOKENS = 24;

    private Path model;

    @BeforeEach
    void model() {
        model = TestNatives.stories260K();
    }

    @Test
    void aReusedSlotGivesTheSameOutputAsAFreshOne() {
        try (LlamaEngine engine = EngineFixture.open(model, 1, 128, 256)) {
            GenerationResult first = run(engine, greedy("a", PROMPTS[0], TOKENS));
            GenerationResult other = run(engine, greedy("b", PROMPTS[2], TOKENS));
            GenerationResult again = run(engine, greedy("c", PROMPTS[0], TOKENS));
            assertEquals(first.text(), again.text());
            assertFalse(first.text().equals(other.text()));
            assertEquals(FinishReason.LENGTH, again.finishReason());
            assertEquals(TOKENS, again.usage().completionTokens());
            assertEquals(engine.tokenize(new Prompt.Text(PROMPTS[0])).length, again.usage().promptTokens());
        }
    }

    @Test
    void chunkedPrefillGivesTheSameTextAsWholePrefill() {
        String whole;
        try (LlamaEngine engine = EngineFixture.open(model, 2, 128, 256)) {
            whole = run(engine, greedy("whole", PROMPTS[2], TOKENS)).text();
        }
        try (LlamaEngine engine = EngineFixture.open(model, 2, 128, 3)) {
            assertEquals(whole, run(engine, greedy("chunked", PROMPTS[2], TOKENS)).text());
        }
    }

    @Test
    void aRequestJoiningMidGenerationChangesNoOtherOutput() {
        try (LlamaEngine engine = EngineFixture.open(model, 3, 128, 4)) {
            String aloneA = run(engine, greedy("a", PROMPTS[0], TOKENS)).text();
            String aloneB = run(engine, greedy("b", PROMPTS[2], TOKENS)).text();

            AtomicReference<Generation> joined = new AtomicReference<>();
            AtomicInteger pieces = new AtomicInteger();
            GenerationListener joinAfterFivePieces = text -> {
                if (pieces.incrementAndGet() == 5) {
                    joined.set(engine.submit(greedy("b", PROMPTS[2], TOKENS), GenerationListener.NONE));
                }
            };
            GenerationResult a = await(engine.submit(greedy("a", PROMPTS[0], TOKENS), joinAfterFivePieces));
            assertEquals(aloneA, a.text());
            assertEquals(aloneB, await(joined.get()).text());
        }
    }

    @Test
    void moreRequestsThanSlotsQueueAndAllFinishAsIfAlone() {
        List<String> alone = new ArrayList<>();
        try (LlamaEngine engine = EngineFixture.open(model, 1, 128, 256)) {
            for (int i = 0; i < PROMPTS.length; i++) {
                alone.add(run(engine, greedy("alone" + i, PROMPTS[i], TOKENS + i)).text());
            }
        }
        try (LlamaEngine engine = EngineFixture.open(model, 2, 128, 16)) {
            List<Generation> generations = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                generations.add(engine.submit(greedy("together" + i, PROMPTS[i], TOKENS + i), GenerationListener.NONE));
            }
            for (int i = 0; i < PROMPTS.length; i++) {
                GenerationResult result = await(generations.get(i));
                assertEquals(alone.get(i), result.text(), "request " + i);
                assertEquals(TOKENS + i, result.usage().completionTokens());
            }
            assertEquals(0, engine.stats().queuedRequests());
            assertEquals(0, engine.stats().activeSequences());
        }
    }

    @Test
    void cancellingFreesTheSlotForTheNextRequest() {
        try (LlamaEngine engine = EngineFixture.open(model, 1, 128, 256)) {
            AtomicReference<Generation> running = new AtomicReference<>();
            AtomicInteger pieces = new AtomicInteger();
            GenerationListener cancelAfterThree = text -> {
                if (pieces.incrementAndGet() == 3) {
                    running.get().cancel();
                }
            };
            running.set(engine.submit(greedy("long", PROMPTS[0], 100), cancelAfterThree));
            Generation queued = engine.submit(greedy("next", PROMPTS[1], 5), GenerationListener.NONE);
            Generation cancelledWhileQueued = engine.submit(greedy("never", PROMPTS[1], 5), GenerationListener.NONE);
            cancelledWhileQueued.cancel();

            GenerationResult cancelled = await(running.get());
            assertEquals(FinishReason.CANCELLED, cancelled.finishReason());
            assertTrue(cancelled.usage().completionTokens() < 100);
            assertEquals(FinishReason.LENGTH, await(queued).finishReason());
            GenerationResult never = await(cancelledWhileQueued);
            assertEquals(FinishReason.CANCELLED, never.finishReason());
            assertEquals(0, never.usage().completionTokens());
        }
    }

    @Test
    void streamedPiecesAddUpToTheResultAndAStopStringCutsIt() {
        try (LlamaEngine engine = EngineFixture.open(model, 2, 128, 256)) {
            StringBuilder streamed = new StringBuilder();
            GenerationResult full = await(engine.submit(greedy("full", PROMPTS[3], 40), streamed::append));
            assertEquals(full.text(), streamed.toString());

            String[] words = full.text().trim().split(" ");
            String stop = words[words.length / 2];
            StringBuilder cutStream = new StringBuilder();
            GenerationResult cut = await(engine.submit(
                    request("cut", PROMPTS[3], SamplingParams.GREEDY, 40, List.of(stop)), cutStream::append));
            assertEquals(FinishReason.STOP, cut.finishReason());
            assertEquals(full.text().substring(0, full.text().indexOf(stop)), cut.text());
            assertEquals(cut.text(), cutStream.toString());
        }
    }

    @Test
    void theSameSeedGivesTheSameSampledText() {
        SamplingParams seeded = new SamplingParams(0.9f, 40, 0.95f, 0.05f, 1.1f, 1234);
        try (LlamaEngine engine = EngineFixture.open(model, 2, 128, 256)) {
            String first = run(engine, request("s1", PROMPTS[1], seeded, TOKENS, List.of())).text();
            String second = run(engine, request("s2", PROMPTS[1], seeded, TOKENS, List.of())).text();
            assertEquals(first, second);
        }
    }

    @Test
    void theVocabularyMarksTheModelsEndOfSequence() throws java.io.IOException {
        // stories260K separates stories with BOS and never predicts EOS, so no generation here reaches it
        try (org.edgelora.engine.tokenizer.Tokenizer tokenizer = org.edgelora.engine.tokenizer.Tokenizer.load(
                new org.edgelora.llama.ggml.Llama(TestNatives.library()), model)) {
            Vocabulary vocabulary = Vocabulary.of(tokenizer);
            assertTrue(vocabulary.endsGeneration(tokenizer.eosToken()));
            assertFalse(vocabulary.endsGeneration(tokenizer.bosToken()));
            assertEquals(0, vocabulary.piece(tokenizer.eosToken()).length, "control tokens render as nothing");
        }
    }

    @Test
    void aFullSlotEndsTheGenerationWithLength() {
        try (LlamaEngine engine = EngineFixture.open(model, 1, 32, 256)) {
            int promptTokens = engine.tokenize(new Prompt.Text(PROMPTS[0])).length;
            GenerationResult result = run(engine, greedy("full", PROMPTS[0], 100));
            assertEquals(FinishReason.LENGTH, result.finishReason());
            // the last token is sampled from the logits of position 31 and never needs a cell
            assertEquals(32 - promptTokens + 1, result.usage().completionTokens());
        }
    }

    @Test
    void badRequestsFailAtSubmissionWithClearCodes() {
        try (LlamaEngine engine = EngineFixture.open(model, 1, 16, 256)) {
            EdgeLoraException tooLong = assertThrows(EdgeLoraException.class,
                    () -> engine.submit(greedy("long", PROMPTS[0] + " " + PROMPTS[2], 4), GenerationListener.NONE));
            assertEquals(ErrorCode.CONTEXT_TOO_LONG, tooLong.code());
            assertTrue(tooLong.getMessage().contains("16"), tooLong.getMessage());

            EdgeLoraException empty = assertThrows(EdgeLoraException.class,
                    () -> engine.submit(greedy("empty", "", 4), GenerationListener.NONE));
            assertEquals(ErrorCode.INVALID_REQUEST, empty.code());

            GenerationRequest withAdapter = new GenerationRequest("lora", "t", new Prompt.Text("The dog"), Optional.of("pirate"),
                    1f, SamplingParams.GREEDY, 4, List.of(), false);
            assertEquals(ErrorCode.UNKNOWN_ADAPTER,
                    assertThrows(EdgeLoraException.class, () -> engine.submit(withAdapter, GenerationListener.NONE)).code());
            assertThrows(IllegalArgumentException.class, () -> greedy("zero", "The dog", 0));
            // the engine still serves
            assertEquals(4, run(engine, greedy("fine", "The dog", 4)).usage().completionTokens());
        }
    }

    /** A prompt of token ids is fed as it is: the text prompt's own tokens give the text prompt's output. */
    @Test
    void aTokenPromptRunsAsGivenAndItsIdsAreCheckedAgainstTheVocabulary() {
        try (LlamaEngine engine = EngineFixture.open(model, 1, 64, 256)) {
            int[] tokens = engine.tokenize(new Prompt.Text(PROMPTS[1]));
            GenerationResult fromText = run(engine, greedy("text", PROMPTS[1], TOKENS));
            GenerationResult fromTokens = run(engine, tokenRequest("tokens", tokens));
            assertEquals(fromText.text(), fromTokens.text());
            assertEquals(tokens.length, fromTokens.usage().promptTokens());
            assertEquals(TOKENS, fromTokens.usage().completionTokens());

            int vocabulary = engine.model().vocabularySize();
            EdgeLoraException outside = assertThrows(EdgeLoraException.class,
                    () -> engine.submit(tokenRequest("outside", new int[] {tokens[0], vocabulary}), GenerationListener.NONE));
            assertEquals(ErrorCode.INVALID_REQUEST, outside.code());
            assertTrue(outside.getMessage().contains("prompt[1] is token " + vocabulary + ", outside the model's vocabulary [0, "
                    + vocabulary + ")"), outside.getMessage());
            EdgeLoraException tooLong = assertThrows(EdgeLoraException.class,
                    () -> engine.submit(tokenRequest("long", new int[65]), GenerationListener.NONE));
            assertEquals(ErrorCode.CONTEXT_TOO_LONG, tooLong.code());
        }
    }

    private static GenerationRequest tokenRequest(String id, int[] tokens) {
        return new GenerationRequest(id, "tenant", new Prompt.Tokens(tokens), Optional.empty(), 1f, SamplingParams.GREEDY, TOKENS,
                List.of(), true);
    }

    @Test
    void closingFailsWhatIsRunningOrQueuedAndRefusesNewRequests() {
        LlamaEngine engine = EngineFixture.open(model, 1, 128, 256);
        AtomicReference<LlamaEngine> closing = new AtomicReference<>(engine);
        Generation running = engine.submit(greedy("running", PROMPTS[0], 100), GenerationListener.NONE);
        Generation queued = engine.submit(greedy("queued", PROMPTS[1], 100), GenerationListener.NONE);
        closing.get().close();
        for (Generation generation : List.of(running, queued)) {
            CompletionException failure = assertThrows(CompletionException.class,
                    () -> generation.result().toCompletableFuture().join());
            assertEquals(ErrorCode.ENGINE_UNAVAILABLE, assertInstanceOf(EdgeLoraException.class, failure.getCause()).code());
        }
        EdgeLoraException refused = assertThrows(EdgeLoraException.class,
                () -> engine.submit(greedy("late", PROMPTS[1], 4), GenerationListener.NONE));
        assertEquals(ErrorCode.ENGINE_UNAVAILABLE, refused.code());
    }
}
