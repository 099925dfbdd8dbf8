package dev.rgal.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.RunSpec;
import dev.rgal.toolkit.data.InMemoryDataPool;
import dev.rgal.toolkit.teacher.Evaluation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kit's fixtures are what they claim: a teacher that knows the data, a pool of real images. */
class WorkbenchTest {
  @TempDir Path tmp;

  @Test
  void theTinyTeacherIsTrainedOnceAndKnowsFashionMnist() {
    Path dir = TinyTeacher.lenet5bn();
    assertSame(dir, TinyTeacher.lenet5bn(), "one teacher per JVM");
    try (Workbench bench = Workbench.withTinyTeacher(); NDManager m = bench.manager().newSubManager()) {
      double accuracy = Evaluation.accuracy(bench.teacher(), FashionMnist.test(), bench.data(), m);
      assertTrue(accuracy > 0.6, "teacher accuracy on the 10,000 test images " + accuracy);
      assertEquals("lenet5-bn", bench.teacher().info().architecture());
      assertEquals(Workbench.STUDENT, bench.student().info().architecture());
      assertEquals(FashionMnist.spec(), bench.data());
    }
  }

  @Test
  void realImagePoolHoldsTheFirstTestImages() {
    try (Workbench bench = Workbench.untrained("lenet5-bn", "lenet5-half-bn");
        InMemoryDataPool pool = bench.realImagePool(tmp.resolve("pool.bin"), 100, new RunSpec.Augmentation(0, false));
        NDManager m = bench.manager().newSubManager()) {
      assertEquals(100, pool.size());
      float[] first = pool.images(m, new int[] {0}).toFloatArray();
      float[] expected = FashionMnist.test().batch(m, new int[] {0}).get(0).toFloatArray();
      org.junit.jupiter.api.Assertions.assertArrayEquals(expected, first, 1f / 255);
      assertThrows(IllegalArgumentException.class, () -> bench.realImagePool(tmp.resolve("p2.bin"), 0, new RunSpec.Augmentation(0, false)));
    }
  }

  @Test
  void harnessSeesTheToolkitsComponents() {
    try (PluginHarness h = PluginHarness.open()) {
      assertTrue(h.pluginIds().contains("toolkit"), h.plugins().toString());
      assertEquals("toolkit", h.ownerOf(Registry.STUDENT_TRAINERS, "kd"));
      assertTrue(h.names(Registry.SYNTHESIS_TERMS).containsAll(java.util.List.of("bn", "onehot")));
      assertEquals(null, h.ownerOf(Registry.SYNTHESIZERS, "no-such-synthesizer"));
    }
  }
}
