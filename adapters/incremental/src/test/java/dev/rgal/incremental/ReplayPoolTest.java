package dev.rgal.incremental;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.model.Features;
import dev.rgal.testkit.Workbench;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces a toolkit synthesizer uses as an inversion engine: the old-class view, the pool's draws and its checkpoint. */
class ReplayPoolTest {
  @TempDir Path tmp;

  @Test
  void theOldClassViewAnswersWithTheFirstKoLogitsOfTheModel() {
    try (Workbench bench = Workbench.withTinyTeacher(); NDManager m = bench.manager().newSubManager()) {
      NDArray x = m.randomNormal(new Shape(4, 1, 32, 32));
      Features all = bench.teacher().forward(x, false);
      OldClassNet view = new OldClassNet(bench.teacher(), 3);
      Features old = view.forward(x, false);
      assertEquals(3, view.info().numClasses());
      assertEquals(new Shape(4, 3), old.logits().getShape());
      assertArrayEquals(all.logits().get(":, 0:3").toFloatArray(), old.logits().toFloatArray());
      assertEquals(all.pooled().getShape(), old.pooled().getShape(), "features untouched");
      view.close();
      assertEquals(10, bench.teacher().forward(x, false).logits().getShape().get(1), "closing the view leaves the model open");
    }
  }

  @Test
  void drawsAreRowsOfThePoolOwnedByTheStepAndCoverIt() {
    try (NDManager task = NDManager.newBaseManager()) {
      // row i is filled with the value i, so a drawn row tells which pool image it is
      int n = 16;
      NDArray images = task.arange(0f, n).reshape(n, 1, 1, 1).tile(new long[] {1, 1, 2, 2});
      ReplayPool pool = new ReplayPool(images);
      Set<Float> seen = new HashSet<>();
      for (int step = 0; step < 40; step++) {
        try (NDManager m = task.newSubManager()) {
          NDArray draw = pool.sample(8, m);
          assertEquals(new Shape(8, 1, 2, 2), draw.getShape());
          assertTrue(draw.getManager() == m, "a draw lives in the step's scope");
          float[] v = draw.toFloatArray();
          for (int i = 0; i < v.length; i += 4) {
            assertEquals(v[i], v[i + 3], "a whole row");
            assertTrue(v[i] >= 0 && v[i] < n && v[i] == Math.rint(v[i]), "a pool row: " + v[i]);
            seen.add(v[i]);
          }
        }
      }
      assertEquals(n, seen.size(), "320 uniform draws reach all 16 rows");
      assertEquals(n * 4, images.toFloatArray().length, "the pool outlives the steps' scopes");
    }
  }

  @Test
  void thePoolRoundTripsThroughTheTaskCheckpointBitForBit() {
    try (NDManager m = NDManager.newBaseManager()) {
      TaskCheckpoints checkpoints = new TaskCheckpoints(tmp, 2, m);
      assertNull(checkpoints.restoreReplayPool(m), "no pool saved yet");
      NDArray images = m.randomNormal(new Shape(5, 1, 4, 4));
      checkpoints.saveReplayPool(images);
      assertTrue(java.nio.file.Files.isRegularFile(TaskCheckpoints.folder(tmp, 2).resolve(TaskCheckpoints.REPLAY_POOL)));
      NDArray back = new TaskCheckpoints(tmp, 2, m).restoreReplayPool(m);
      assertEquals(images.getShape(), back.getShape());
      assertArrayEquals(images.toFloatArray(), back.toFloatArray());
    }
  }
}
