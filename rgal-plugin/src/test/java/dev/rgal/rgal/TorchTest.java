package dev.rgal.rgal;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the tests that need a PyTorch manager for the whole class ({@link #root}). */
abstract class TorchTest {
  static NDManager root;

  @BeforeAll
  static void openRoot() {
    root = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void closeRoot() {
    root.close();
  }
}
