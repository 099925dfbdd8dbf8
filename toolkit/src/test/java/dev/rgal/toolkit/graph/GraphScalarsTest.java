package dev.rgal.toolkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gradients through constants must survive a garbage collection (and fresh allocations) between
 * forward and backward. DJL's own {@code x.mul(3f)} fails this: its scalar is freed memory by then.
 */
class GraphScalarsTest {
  private static NDManager root;

  @BeforeAll
  static void setUp() {
    root = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void tearDown() {
    root.close();
  }

  @Test
  void mulGradientSurvivesCollection() {
    assertGradient(x -> GraphScalars.mul(x, 3), 3f);
  }

  @Test
  void divGradientSurvivesCollection() {
    assertGradient(x -> GraphScalars.div(x, 4), 0.25f);
  }

  @Test
  void maxAndMinMasksSurviveCollection() {
    // x = 1: max(x, 0.5) passes the gradient, min(x, 0.25) does not
    assertGradient(x -> GraphScalars.max(x, 0.5), 1f);
    assertGradient(x -> GraphScalars.min(x, 0.25), 0f);
    assertGradient(x -> GraphScalars.min(GraphScalars.max(x, 0.5), 2), 1f);
  }

  @Test
  void constantKeepsTypeAndValue() {
    try (NDManager m = root.newSubManager()) {
      NDArray c = GraphScalars.constant(m.ones(new Shape(2), DataType.FLOAT64), 0.1);
      assertEquals(DataType.FLOAT64, c.getDataType());
      assertEquals(0.1, c.getDouble(), 0);
      assertEquals(new Shape(), c.getShape());
      assertEquals(0.1f, GraphScalars.constant(m.ones(new Shape(2)), 0.1).getFloat(), 0);
    }
  }

  private static void assertGradient(UnaryOperator<NDArray> op, float expected) {
    for (int rep = 0; rep < 3; rep++) {
      try (NDManager m = root.newSubManager()) {
        NDArray x = m.ones(new Shape(4, 3));
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray y;
          try (NDManager step = m.newSubManager()) {
            // the forward's temporaries close before the backward, as in loss terms
            NDArray in = x.mul(x.getManager().ones(new Shape(4, 3)));
            in.tempAttach(step);
            y = op.apply(in).sum();
            y.attach(m);
          }
          churn(m);
          gc.backward(y);
        }
        for (float g : x.getGradient().toFloatArray()) {
          assertEquals(expected, g, 1e-6, "gradient after a GC between forward and backward");
        }
      }
    }
  }

  /** Collect garbage and allocate Java-backed scalars so freed memory gets reused. */
  private static void churn(NDManager m) {
    for (int i = 0; i < 3; i++) {
      System.gc();
      for (int k = 0; k < 2000; k++) {
        m.create(new float[] {1e30f}).close();
        m.create(new float[] {1e30f, 1e30f, 1e30f, 1e30f}).close();
      }
    }
  }
}
