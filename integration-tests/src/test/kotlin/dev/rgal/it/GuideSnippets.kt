package dev.rgal.it

import ai.djl.ndarray.NDArray
import com.google.inject.Module
import dev.rgal.api.Bindings
import dev.rgal.api.ComponentRequest
import dev.rgal.api.DfkdPlugin
import dev.rgal.api.synthesis.SynthesisStep
import dev.rgal.api.synthesis.SynthesisTerm
import dev.rgal.api.synthesis.SynthesisTermFactory
import dev.rgal.api.tracking.RunRecord
import dev.rgal.api.tracking.RunStart
import dev.rgal.api.tracking.RunStatus
import dev.rgal.api.tracking.RunTracker
import dev.rgal.api.tracking.RunTrackerFactory
import dev.rgal.api.tracking.TrackedRun
import dev.rgal.api.training.StudentContext
import dev.rgal.api.training.StudentStep
import dev.rgal.api.training.StudentTerm
import dev.rgal.api.training.StudentTermFactory
import dev.rgal.api.training.StudentTrainer
import dev.rgal.api.training.StudentTrainerFactory
import dev.rgal.api.training.TrainingSummary
import dev.rgal.testkit.DistilledRun
import dev.rgal.testkit.Learning
import dev.rgal.testkit.PluginHarness
import dev.rgal.testkit.TinyTeacher
import dev.rgal.toolkit.train.KdTrainer
import java.nio.file.Path
import dev.rgal.api.options.Option
import dev.rgal.api.options.Options

// The Kotlin snippets of docs/plugin-guide.md, compiled (strict JSpecify, -Werror) so the guide
// cannot rot. Not listed in META-INF/services: GuideSnippetsTest installs the module itself.

/** Synthesis term: squared distance of the mean pixel from a target brightness. */
class MeanBrightnessTerm(r: ComponentRequest) : SynthesisTerm {
  private val target: Double = r.options().get(TARGET)
  override fun loss(step: SynthesisStep): NDArray = step.rawImages().mean().sub(target.toFloat()).square()

  companion object {
    val TARGET: Option<Double> = Option.real("target", 0.3, "mean pixel value to reach").between(0.0, 1.0)
    val OPTIONS: Options = Options.of(TARGET)
  }
}

/** Student term: logit matching, as the fixture plugin's Java `logit-l2`. */
class LogitL2Term : StudentTerm {
  override fun loss(step: StudentStep): NDArray =
      step.student().logits().sub(step.teacher().logits()).square().mean()
}

/** Tracker that prints what it is given; handles `console:` URIs only. */
class ConsoleTracker : RunTracker {
  override fun start(start: RunStart): TrackedRun = object : TrackedRun {
    override fun runId() = "console-1"
    override fun location() = "stdout"
    override fun logParams(params: Map<String, String>) = println("params $params")
    override fun logMetrics(step: Long, metrics: Map<String, Double>) = println("step $step $metrics")
    override fun setTags(tags: Map<String, String>) = println("tags $tags")
    override fun logArtifact(file: Path, artifactDir: String) = println("artifact $file")
    override fun finish(status: RunStatus) = println("finished $status")
    override fun close() {}
  }

  override fun searchRuns(experiment: String): List<RunRecord> = listOf()
}

class KotlinGuidePlugin : DfkdPlugin {
  override fun id() = "kotlin-guide"

  override fun module() = Module { binder ->
    Bindings.synthesisTerms(binder).addBinding("brightness").toInstance(
        SynthesisTermFactory.declared(MeanBrightnessTerm.OPTIONS) { MeanBrightnessTerm(it) })
    Bindings.studentTerms(binder).addBinding("logit-l2-kt").toInstance(StudentTermFactory { LogitL2Term() })
    Bindings.studentTrainers(binder).addBinding("kd-twice").toInstance(
        StudentTrainerFactory.declared(KdTrainer.OPTIONS) { request, student, terms ->
          val kd = KdTrainer(request, student, terms)
          object : StudentTrainer by kd { // delegation keeps saveState/loadState/close
            override fun trainEpoch(context: StudentContext): TrainingSummary {
              kd.trainEpoch(context)
              return kd.trainEpoch(context)
            }
          }
        })
    Bindings.trackers(binder).addBinding("console").toInstance(RunTrackerFactory { config ->
      if (config.trackingUri()?.startsWith("console:") == true) ConsoleTracker() else null
    })
  }
}

/** Testing a plugin with the test kit: a short real run of `method` whose student must reach `minAccuracy`. */
fun studentLearns(method: String, overrides: Map<String, String>, runDir: Path, minAccuracy: Double): DistilledRun =
    PluginHarness.open().use { h ->
      val run = h.distill(TinyTeacher.lenet5bn(), h.spec(method, overrides), runDir)
      Learning.assertStudentLearns(run, minAccuracy)
      run
    }
