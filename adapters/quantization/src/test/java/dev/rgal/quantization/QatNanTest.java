package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.rgal.api.RunSpec;
import dev.rgal.testkit.PluginHarness;
import dev.rgal.testkit.RunRequest;
import dev.rgal.testkit.TinyTeacher;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A NaN during QAT stops the run with the last good checkpoint kept and no model file written. */
class QatNanTest {
  @TempDir Path tmp;

  @Test
  void aNanInTheSecondQatEpochKeepsTheFirstEpochsCheckpointAndWritesNoModel() throws Exception {
    try (PluginHarness h = PluginHarness.open()) {
      RunSpec spec = h.spec("noise+quantize", Map.ofEntries(Map.entry("studentArch", "lenet5-bn"),
          Map.entry("task.settings.bits", "w4a4"), Map.entry("schedule.epochs", "3"), Map.entry("schedule.kdStepsPerEpoch", "3"),
          Map.entry("trainer.settings.batchSize", "32"), Map.entry("schedule.synthesisBatchSize", "64"),
          Map.entry("task.settings.calibrationImages", "64"),
          Map.entry("studentTerms.test-nan.weight", "1"), Map.entry("studentTerms.test-nan.settings.fromEpoch", "1")));
      Path run = tmp.resolve("nan");
      NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
          () -> h.distill(RunRequest.of(TinyTeacher.lenet5bn(), spec, run).withoutTestData()));
      assertTrue(e.getMessage().contains("test-nan") && e.getMessage().contains("epoch 1"), e.getMessage());
      int completed = JsonParser.parseString(Files.readString(run.resolve("checkpoint/state.json"))).getAsJsonObject()
          .get("completedEpochs").getAsInt();
      assertEquals(1, completed, "epoch 0 was fine and stays checkpointed");
      assertFalse(Files.exists(run.resolve(QuantizeTask.MODEL_FILE)), "no model file from a run that failed");
    }
  }
}
