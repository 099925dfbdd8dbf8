package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.DataSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.NetInfo;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.Synthesizer;
import java.util.List;

/**
 * A toolkit synthesizer (DeepInversion, Fast, CMI, … with its preset's terms) as the inversion
 * engine of an inversion method ({@code abd}, {@code rdfcil}; spec §7.4), in place of the method's
 * own generator. At each task boundary a fresh synthesizer inverts M_{t−1} restricted to its K_o
 * old classes (the current model, equally restricted, is the "student" of terms such as Fast's
 * adversarial one), for as many calls of {@code batchSize} as give one synthetic image per real
 * image of the task (the first {@code warmupCalls} as warm-up calls); the images form the task's
 * replay pool, from which each training step draws its synthetic half. Built by whoever resolves
 * the synthesizer's name (the CLI, from the plugin registry), so this module names no plugin.
 *
 * @param name the method whose synthesizer and terms these are, e.g. {@code fast}
 * @param factory builds the synthesizer and its weighted terms for one task
 * @param batchSize images per synthesis call
 * @param warmupCalls the first calls of each task run as warm-up calls (terms inactive in warm-up left out)
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record SynthesizerInversion(String name, Factory factory, int batchSize, int warmupCalls) {
  public SynthesizerInversion {
    if (batchSize < 1 || warmupCalls < 0) {
      throw new IllegalArgumentException("synthesis batch " + batchSize + " and warm-up calls " + warmupCalls
          + ": the batch must be at least 1 and the warm-up calls at least 0");
    }
  }

  /** Builds one task's synthesizer and terms. */
  @FunctionalInterface
  public interface Factory {
    /**
     * @param oldClasses the data spec with {@code numClasses} = K_o (targets are drawn from it)
     * @param teacher M_{t−1} as K_o-class net
     * @param student the model being trained, as K_o-class net
     * @param manager the task's scope
     */
    Parts create(DataSpec oldClasses, NetInfo teacher, NetInfo student, NDManager manager);
  }

  /** A synthesizer and the weighted terms it sums; closing closes the synthesizer. */
  public record Parts(Synthesizer synthesizer, List<WeightedTerm<SynthesisTerm>> terms) implements AutoCloseable {
    public Parts {
      terms = List.copyOf(terms);
    }

    @Override
    public void close() {
      synthesizer.close();
    }
  }
}
