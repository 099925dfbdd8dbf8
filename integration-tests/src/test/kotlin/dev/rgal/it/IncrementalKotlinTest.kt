package dev.rgal.it

import dev.rgal.api.DfkdException
import dev.rgal.incremental.AccuracyMatrix
import dev.rgal.incremental.ClassOrder
import dev.rgal.incremental.IncrementalRun
import dev.rgal.incremental.IncrementalScenario
import dev.rgal.incremental.IncrementalSchedule
import dev.rgal.incremental.TaskSplit
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import dev.rgal.toolkit.progress.Progress
import dev.rgal.toolkit.zoo.Zoo
import java.nio.file.Path

/** The class-incremental scenario and metrics from Kotlin: static factories, records, unchecked errors. */
class IncrementalKotlinTest {
  @Test
  fun `a scenario and its metrics read naturally from Kotlin`() {
    val scenario = IncrementalScenario.of(ClassOrder.parse("O1", 10), TaskSplit.parse("b5-inc1", 10))
    assertEquals(6, scenario.tasks())
    assertEquals(listOf(6, 8, 9, 7, 5), scenario.newClasses(1))
    assertEquals(listOf(3), scenario.newClasses(2))
    val (name, classes) = ClassOrder.parse("O1", 10).let { it.name() to it.classes() }
    assertEquals("O1", name)
    assertEquals(10, classes.size)

    val matrix = AccuracyMatrix(2).apply {
      record(1, 1, 4_500, 5_000)
      record(2, 1, 4_000, 5_000)
      record(2, 2, 100, 1_000)
    }
    // pooled: 4,100 of 6,000; mean of tasks: (0.8 + 0.1) / 2
    assertEquals(4_100.0 / 6_000, matrix.finalAccuracy(AccuracyMatrix.Averaging.POOLED), 1e-12)
    assertEquals(0.45, matrix.finalAccuracy(AccuracyMatrix.Averaging.MEAN_OF_TASKS), 1e-12)
    assertTrue(AccuracyMatrix.Averaging.MEAN_OF_TASKS.definition().contains("ABD"))
    assertTrue(matrix.oldAccuracy(1).isNaN())

    // bad input is an unchecked exception with the fix in its message
    val e = assertThrows<DfkdException> { TaskSplit.parse("3,3", 10) }
    assertTrue(e.message.orEmpty().contains("add up to 10"), e.message)
  }

  /** A whole run from Kotlin: the request record, the listener as a lambda, the result destructured by accessor. */
  @Test
  fun `an incremental run takes a Kotlin lambda as its listener`(@TempDir tmp: Path) {
    val request = IncrementalRun.Request("fashion-mnist", null, null, "lenet5-bn", ClassOrder.parse("O2", 10),
        TaskSplit.parse("5,5", 10), "ft", IncrementalSchedule(1, 64, 1e-3, 2, true, 2_000, 0),
        0, tmp.resolve("run"), false)
    val seen = mutableListOf<Int>()
    val result = IncrementalRun.run(request, Zoo.factories(), Progress.silent()) { report -> seen += report.task() }
    assertEquals(listOf(1, 2), seen)
    assertTrue(result.matrix().accuracy(1, 1) > 0.5, "task 1 learned: ${result.matrix().accuracy(1, 1)}")
    assertEquals(setOf(5, 9, 3, 4, 6), result.realClassesTouched()[1])
  }
}
