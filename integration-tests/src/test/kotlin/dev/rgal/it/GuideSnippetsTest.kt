package dev.rgal.it

import ai.djl.ndarray.NDManager
import ai.djl.ndarray.types.Shape
import com.google.inject.Guice
import com.google.inject.Key
import com.google.inject.util.Types
import dev.rgal.api.model.Features
import dev.rgal.api.tracking.RunTrackerFactory
import dev.rgal.api.tracking.TrackerConfig
import dev.rgal.api.training.StudentStep
import dev.rgal.api.training.StudentTrainerFactory
import java.nio.file.Path
import dev.rgal.toolkit.train.KdTrainer
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** The Kotlin plugin of docs/plugin-guide.md binds its names and its components behave. */
class GuideSnippetsTest {
  @TempDir
  lateinit var tmp: Path

  @Suppress("UNCHECKED_CAST")
  private fun <T> registry(module: com.google.inject.Module, type: Class<T>): Map<String, T> =
      Guice.createInjector(module).getInstance(Key.get(Types.mapOf(String::class.java, type))) as Map<String, T>

  @Test
  fun `kotlin plugin binds its components`() {
    val module = KotlinGuidePlugin().module()
    assertEquals(setOf("kd-twice"), registry(module, StudentTrainerFactory::class.java).keys)
    val trackers = registry(module, RunTrackerFactory::class.java)
    val factory = trackers.getValue("console")
    assertNull(factory.create(TrackerConfig(null, Path.of("mlruns"), false)), "not a console: URI")
    val tracker = factory.create(TrackerConfig("console:", Path.of("mlruns"), false))
    assertNotNull(tracker)
    val brightness = registry(module, dev.rgal.api.synthesis.SynthesisTermFactory::class.java).getValue("brightness")
    assertEquals(listOf("target"), brightness.options().names())
    assertEquals(KdTrainer.OPTIONS.names(), registry(module, StudentTrainerFactory::class.java).getValue("kd-twice").options().names())
  }

  @Test
  fun `logit-l2 is the mean squared logit difference`() {
    NDManager.newBaseManager().use { m ->
      val teacher = m.create(floatArrayOf(1f, 2f, 3f, 4f), Shape(2, 2))
      val student = m.create(floatArrayOf(1f, 0f, 3f, 7f), Shape(2, 2))
      val pooled = m.zeros(Shape(2, 1))
      fun features(logits: ai.djl.ndarray.NDArray) = Features(logits, pooled, listOf(), listOf())
      val step = StudentStep(m.zeros(Shape(2, 1, 2, 2)), features(teacher), features(student), false, 0, 0)
      assertEquals((0f + 4f + 0f + 9f) / 4, LogitL2Term().loss(step).getFloat(), 1e-6f)
    }
  }

  @Test
  fun `the test kit snippet runs a real distillation and checks the student`() {
    val overrides = mapOf(
        "schedule.epochs" to "2", "schedule.kdStepsPerEpoch" to "20", "trainer.settings.batchSize" to "64",
        "schedule.synthesisBatchSize" to "64", "schedule.warmupCalls" to "1", "synthesizer.settings.gSteps" to "3")
    val run = studentLearns("fast", overrides, tmp.resolve("run"), 0.15)
    assertEquals(2, run.epochs().size)
    assertEquals(3 * 64, run.imagesSynthesized())
  }
}
