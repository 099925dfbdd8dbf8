package dev.rgal.quantization;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.toolkit.ToolkitVersion;

/**
 * Data-free quantization: the {@code quantize} task, the {@code +quantize} extension (any method
 * as a quantization run) and the data sources of its benchmark that are not distillation methods:
 * {@code none} (R1, no images: BN-derived ranges), {@code noise} (R2), {@code zeroq} (R3, with its {@code zeroq-bn} term), {@code gdfq} (R5, with its {@code bn-mse} term) and {@code real} (R6, the
 * real-data upper bound).
 */
public final class QuantizationPlugin implements DfkdPlugin {
  @Override
  public String id() {
    return "quantization";
  }

  @Override
  public int toolkitVersion() {
    return ToolkitVersion.MAJOR;
  }

  @Override
  public Module module() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        Bindings.tasks(binder()).addBinding(QuantizeTask.NAME).toInstance(new QuantizeTask.Factory());
        Bindings.extensions(binder()).addBinding(QuantizeTask.NAME).toInstance(new QuantizeExtension());
        var synthesizers = Bindings.synthesizers(binder());
        synthesizers.addBinding("none").toInstance(r -> new NoDataSynthesizer());
        synthesizers.addBinding("noise").toInstance(NoiseSynthesizer::new);
        synthesizers.addBinding("zeroq").toInstance(
            SynthesizerFactory.declared(ZeroQSynthesizer.OPTIONS, ZeroQSynthesizer::new));
        Bindings.synthesisTerms(binder()).addBinding("zeroq-bn").toInstance(r -> new ZeroQBnTerm());
        Bindings.synthesisTerms(binder()).addBinding("bn-mse").toInstance(r -> new BnMseTerm());
        synthesizers.addBinding("gdfq").toInstance(
            SynthesizerFactory.declared(GdfqSynthesizer.OPTIONS, GdfqSynthesizer::new));
        synthesizers.addBinding("real").toInstance(
            SynthesizerFactory.declared(RealDataSynthesizer.OPTIONS, RealDataSynthesizer::new));
        var methods = Bindings.methods(binder());
        methods.addBinding("none").toInstance(new MethodDefinition("none",
            "no data (DFQ row R1): activation ranges from BatchNorm (task.settings.ranges=bn), PTQ only", "fmnist-lenet5-none"));
        methods.addBinding("noise").toInstance(new MethodDefinition("noise",
            "Gaussian noise N(0,1) in normalised space (DFQ row R2: no knowledge of the data)", "fmnist-lenet5-noise"));
        methods.addBinding("zeroq").toInstance(new MethodDefinition("zeroq",
            "ZeroQ distilled data: pixels optimised on per-sample BN statistics (DFQ row R3)", "fmnist-lenet5-zeroq"));
        methods.addBinding("gdfq").toInstance(new MethodDefinition("gdfq",
            "GDFQ's conditional generator, trained on CE + BN-statistics MSE as the quantized model fine-tunes (DFQ row R5)", "fmnist-lenet5-gdfq"));
        methods.addBinding("real").toInstance(new MethodDefinition("real",
            "REAL training images (the upper bound; the run is tagged data.real=true)", "fmnist-lenet5-real"));
        var presets = Bindings.presets(binder());
        for (String source : new String[] {"none", "noise", "zeroq", "gdfq", "real"}) {
          String name = "fmnist-lenet5-" + source;
          presets.addBinding(name).toInstance(MethodPreset.fromResource(name, QuantizationPlugin.class, name + ".json"));
        }
      }
    };
  }
}
