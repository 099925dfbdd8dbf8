package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.DataSpec;
import dev.rgal.testkit.FashionMnist;
import dev.rgal.testkit.TinyTeacher;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.teacher.Evaluation;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.zoo.Zoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PTQ and QAT-KD on real Fashion-MNIST (/usr/share/datasets/fashion-mnist): the test kit's small
 * LeNet-5-BN teacher (trained on the first 6,000 training images), calibration on 256 other training
 * images, QAT-KD (KD only, no labels) on training images the teacher never saw, accuracy on the
 * 10,000 test images.
 */
class QatFashionMnistTest {
  @Test
  void qatKdRaisesW4A4AccuracyAbovePtq() {
    long t0 = System.nanoTime();
    Path teacherDir = TinyTeacher.lenet5bn();
    ImageDataset train = Datasets.open("fashion-mnist", FashionMnist.DIR, Datasets.Split.TRAIN);
    ImageDataset test = FashionMnist.test();
    DataSpec spec = FashionMnist.spec();
    Normalization norm = Normalization.of(spec);
    StringBuilder report = new StringBuilder();
    try (NDManager root = NDManager.newBaseManager()) {
      LoadedTeacher t = TeacherStore.load(teacherDir, Zoo.factories(), root);
      double fp = Evaluation.accuracy(t.net(), test, spec, root);
      report.append(String.format(Locale.ROOT, "teacher %.1f s; FP %.4f", (System.nanoTime() - t0) / 1e9, fp));
      List<NDArray> calibration = new ArrayList<>();
      for (int b = 0; b < 4; b++) {
        calibration.add(norm.apply(train.batch(root, range(10000 + 64 * b, 64)).get(0)));
      }
      double w8a8 = 0;
      for (String bits : List.of("w8a8", "w4a32", "w32a4", "w3a3")) {
        try (QuantizedNet q = QuantizedNet.of(t.net(), QuantizationConfig.gdfq(BitWidths.parse(bits)), root)) {
          Calibration.calibrate(q, calibration);
          double acc = Evaluation.accuracy(q, test, spec, root);
          w8a8 = bits.equals("w8a8") ? acc : w8a8;
          report.append(String.format(Locale.ROOT, "; %s PTQ %.4f", bits, acc));
        }
      }
      try (QuantizedNet q = QuantizedNet.of(t.net(), QuantizationConfig.gdfq(BitWidths.parse("w4a4")), root)) {
        Calibration.calibrate(q, calibration);
        double ptq = Evaluation.accuracy(q, test, spec, root);
        long t1 = System.nanoTime();
        Random rng = new Random(0);
        double early = 0;
        double late = 0;
        int steps = 300;
        // GDFQ's student optimiser (momentum SGD, lr 1e-4, weight decay 1e-4), pure KD at T = 20
        try (QatKdStep step = new QatKdStep(t.net(), q, QatKdStep.Options.gdfq(), root)) {
          for (int s = 0; s < steps; s++) {
            try (NDManager m = root.newSubManager()) {
              int[] idx = new int[64];
              for (int i = 0; i < idx.length; i++) {
                idx[i] = 6000 + rng.nextInt(train.size() - 6000);
              }
              double kd = step.step(norm.apply(train.batch(m, idx).get(0)), null).get("kd");
              early += s < 50 ? kd / 50 : 0;
              late += s >= steps - 50 ? kd / 50 : 0;
            }
          }
        }
        double qat = Evaluation.accuracy(q, test, spec, root);
        report.append(String.format(Locale.ROOT, "; w4a4 PTQ %.4f, after %d QAT-KD steps %.4f (%.1f s; KD loss %.4f -> %.4f)",
            ptq, steps, qat, (System.nanoTime() - t1) / 1e9, early, late));
        System.out.println(report);
        assertTrue(Math.abs(w8a8 - fp) < 0.01, report.toString());
        assertTrue(ptq < fp, report.toString());
        assertTrue(late < early, report.toString());
        assertTrue(qat > ptq + 0.005, report.toString());
      }
      t.net().close();
    }
  }

  private static int[] range(int from, int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = from + i;
    }
    return idx;
  }
}
