package dev.rgal.toolkit;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.RunSpec;
import dev.rgal.toolkit.task.DistillTask;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.Options;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.training.StudentTrainerFactory;
import dev.rgal.toolkit.loss.BnStatisticsTerm;
import dev.rgal.toolkit.loss.SimpleTerms;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.zoo.Zoo;

/**
 * The toolkit's ready-made components (the zoo's architectures, the shared synthesis terms, the
 * {@code kd} trainer, the {@code distill} task), contributed through the same SPI as every plugin so that
 * {@code rgal plugins} shows them and a plugin cannot silently shadow them.
 */
@API(status = INTERNAL, since = "0.1")
public final class ToolkitPlugin implements DfkdPlugin {
  /** {@code bn-momentum}: weight of the previous call's running statistics. */
  public static final Option<Double> BN_MOMENTUM = Option.real("momentum", 0.9,
      "weight of the running mean/variance carried over between calls").between(0, 1);

  @Override
  public String id() {
    return "toolkit";
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
        var terms = Bindings.synthesisTerms(binder());
        terms.addBinding("bn").toInstance(r -> BnStatisticsTerm.plain(r.manager()));
        terms.addBinding("bn-momentum").toInstance(SynthesisTermFactory.declared(Options.of(BN_MOMENTUM),
            r -> BnStatisticsTerm.withMomentum(r.options().get(BN_MOMENTUM), r.manager())));
        terms.addBinding("onehot").toInstance(r -> SimpleTerms.oneHot());
        terms.addBinding("adv").toInstance(r -> SimpleTerms.adversarial());
        terms.addBinding("adi").toInstance(r -> SimpleTerms.adiCompetition());
        terms.addBinding("tv-l1").toInstance(r -> SimpleTerms.totalVariation(false));
        terms.addBinding("tv-l2").toInstance(r -> SimpleTerms.totalVariation(true));
        terms.addBinding("l2").toInstance(r -> SimpleTerms.l2());
        Bindings.studentTrainers(binder()).addBinding("kd").toInstance(
            StudentTrainerFactory.declared(KdTrainer.OPTIONS, KdTrainer::new));
        Bindings.tasks(binder()).addBinding(RunSpec.DEFAULT_TASK).to(DistillTask.Factory.class);
        var archs = Bindings.architectures(binder());
        Zoo.factories().forEach((name, factory) -> archs.addBinding(name).toInstance(factory));
      }
    };
  }
}
