package dev.rgal.it

import dev.rgal.api.RunSpec
import dev.rgal.api.tracking.RunStart
import dev.rgal.api.tracking.RunStatus
import dev.rgal.toolkit.data.Datasets
import dev.rgal.kernel.run.DistillRequest
import dev.rgal.kernel.run.DistillResult
import dev.rgal.kernel.run.Distiller
import dev.rgal.kernel.run.EpochReport
import java.nio.file.Files
import java.nio.file.Path
import kotlin.reflect.KType
import kotlin.reflect.typeOf
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import org.jspecify.annotations.NullMarked
import org.jspecify.annotations.Nullable

/**
 * A Kotlin caller of the library: no Guice, no `!!`. The engine's JSpecify annotations reach
 * Kotlin as real nullability (this module compiles Kotlin with `-Xjspecify-annotations=strict
 * -Werror`), which the first test proves both at compile time and through Java reflection.
 */
class KotlinApiTest {
  @TempDir
  lateinit var tmp: Path

  /** The type the compiler inferred for [value], as a KType; a platform type would print with `!`. */
  private inline fun <reified T> staticTypeOf(@Suppress("UNUSED_PARAMETER") value: T): KType = typeOf<T>()

  @Test
  fun `JSpecify nullability is Kotlin nullability`() {
    val spec = RunSpec.builder().method("fast").build()
    val request = DistillRequest.of(tmp.resolve("teacher"), spec, tmp.resolve("out"))
    // Compile-time proof: these declarations type-check only because teacherDir() is Path and
    // testDataDir() is Path?; `request.testDataDir().fileName` (without ?.) would not compile, and
    // with -Werror neither would a redundant `request.teacherDir()?.fileName`.
    val teacherDir: Path = request.teacherDir()
    val testData: Path? = request.testDataDir()
    assertEquals("teacher", teacherDir.fileName.toString())
    assertEquals(null, testData?.fileName)
    assertEquals("java.nio.file.Path", staticTypeOf(request.teacherDir()).toString())
    assertEquals("java.nio.file.Path?", staticTypeOf(request.testDataDir()).toString())

    // Runtime check of what the compiler read: the type-use @Nullable on the accessor's return
    // type and @NullMarked on the package. (kotlin-reflect itself does not apply JSpecify to Java
    // members: it reports both as the platform type `java.nio.file.Path!`, so it proves nothing.)
    val testDataType = DistillRequest::class.java.getMethod("testDataDir").annotatedReturnType
    val teacherType = DistillRequest::class.java.getMethod("teacherDir").annotatedReturnType
    val runIdType = DistillResult::class.java.getMethod("runId").annotatedReturnType
    assertTrue(DistillRequest::class.java.getPackage().isAnnotationPresent(NullMarked::class.java))
    assertTrue(testDataType.isAnnotationPresent(Nullable::class.java), "testDataDir() should be Path?")
    assertFalse(teacherType.isAnnotationPresent(Nullable::class.java), "teacherDir() should be Path")
    assertTrue(runIdType.isAnnotationPresent(Nullable::class.java), "runId() should be String?")
    val untracked = DistillResult(tmp, tmp.resolve("student.params"), Double.NaN, Double.NaN, Double.NaN, -1,
        0.0, 0.0, 0, listOf())
    assertEquals("kotlin.String?", staticTypeOf(untracked.runId()).toString())
    assertEquals(null, untracked.runId())
  }

  @Test
  fun `fast+rgal from Kotlin on real Fashion-MNIST`() {
    val teacher: Path = TinyTeacher.get()
    val seen = mutableListOf<EpochReport>()
    Distiller.create().use { distiller ->
      val overrides = mapOf(
          "schedule.epochs" to "2", "schedule.kdStepsPerEpoch" to "20", "trainer.settings.batchSize" to "64",
          "schedule.synthesisBatchSize" to "64", "schedule.warmupCalls" to "1", "synthesizer.settings.gSteps" to "3")
      val spec: RunSpec = distiller.spec("fast+rgal", null, overrides).toBuilder().seed(7).build()
      assertEquals("fast+rgal", spec.method())
      assertTrue(spec.usesTerm("rgal-relation"), spec.toString())

      val result: DistillResult = distiller.tracker(null, tmp.resolve("mlruns"))
          .start(RunStart("kotlin-api", "fast+rgal from Kotlin", mapOf("caller" to "kotlin")))
          .use { run ->
            val request = DistillRequest.builder(teacher, spec, tmp.resolve("run"))
                .testData(Datasets.FASHION_MNIST_DIR)
                .tracked(run)
                .build()
            val r = distiller.run(request) { report -> seen += report }
            run.finish(RunStatus.FINISHED)
            r
          }

      // Null-safe reads, no `!!`: the run id is String? and present because the run was tracked.
      val runId: String = result.runId() ?: error("a tracked run reports its id")
      val best = result.history().maxByOrNull { it.accuracy() }?.accuracy() ?: Double.NaN
      println("kotlin: run $runId  teacher %.2f%%  student last %.2f%% best %.2f%%  epochs %s  artifacts %s".format(
          100 * result.teacherAccuracy(), 100 * result.lastAccuracy(), 100 * best,
          seen.map { "%.3f".format(it.accuracy()) }, result.artifacts().keys))

      assertEquals(listOf(0, 1), seen.map { it.epoch() })
      assertEquals(seen, result.history())
      assertTrue(Files.isRegularFile(result.studentWeights()))
      assertEquals(result.studentWeights(), result.artifacts()["student.params"])
      assertNotNull(result.artifacts()["samples/epoch-001.png"])
      // above chance (10 classes: 10%) on the 10,000 real test images after 2 × 20 KD steps;
      // chance would give 10% ± 0.3%
      assertTrue(result.lastAccuracy() > 0.15, "student accuracy ${result.lastAccuracy()}")
      assertTrue(result.teacherAccuracy() > result.lastAccuracy() - 0.05)
    }
  }
}
