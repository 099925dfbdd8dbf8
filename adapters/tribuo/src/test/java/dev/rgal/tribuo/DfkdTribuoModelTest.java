package dev.rgal.tribuo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import dev.rgal.api.DfkdException;
import dev.rgal.testkit.FashionMnist;
import dev.rgal.testkit.TinyTeacher;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.teacher.Evaluation;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;

class DfkdTribuoModelTest {
  private static final int N = 200;

  private static int[] enginePredictions(Path teacherDir, ImageDataset data) {
    try (NDManager m = NDManager.newBaseManager()) {
      LoadedTeacher t = TeacherStore.load(teacherDir, Zoo.factories(), m);
      try {
        int[] idx = new int[data.size()];
        for (int i = 0; i < idx.length; i++) {
          idx[i] = i;
        }
        var x = Normalization.of(t.metadata().dataSpec()).apply(data.batch(m, idx).get(0));
        return t.net().forward(x, false).logits().argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
      } finally {
        t.net().close();
      }
    }
  }

  private static int[] classes(List<Prediction<Label>> preds) {
    return preds.stream().mapToInt(p -> Integer.parseInt(p.getOutput().getLabel())).toArray();
  }

  @Test
  void tribuoPredictionsEqualEnginePredictionsOnRealImages() {
    Path dir = TinyTeacher.lenet5bn();
    ImageDataset test = FashionMnist.test().take(N);
    try (DfkdTribuoModel model = DfkdTribuoModel.fromTeacher(dir)) {
      assertEquals(1024, model.getFeatureIDMap().size());
      assertEquals(0, model.getFeatureIDMap().getID("px0000"));
      assertEquals(1023, model.getFeatureIDMap().getID("px1023"));
      assertEquals(10, model.getOutputIDInfo().size());
      List<Example<Label>> ex = PixelFeatures.examples(test, 0, N, model.featureFormat(), model.labelNames());
      List<Prediction<Label>> batch = model.predict(ex);
      int[] engine = enginePredictions(dir, test);
      assertArrayEquals(engine, classes(batch));
      // the predictions are not trivially constant, and match the true labels far above chance
      assertTrue(java.util.Arrays.stream(engine).distinct().count() >= 5);
      long correct = java.util.stream.IntStream.range(0, N).filter(i -> engine[i] == test.label(i)).count();
      assertTrue(correct > N / 2, "teacher right on " + correct + "/" + N);
      // one-at-a-time prediction agrees with the batch, and scores are probabilities
      for (int i = 0; i < 5; i++) {
        Prediction<Label> p = model.predict(ex.get(i));
        assertEquals(batch.get(i).getOutput().getLabel(), p.getOutput().getLabel());
        assertTrue(p.hasProbabilities());
        assertEquals(1.0, p.getOutputScores().values().stream().mapToDouble(Label::getScore).sum(), 1e-4);
        assertEquals(batch.get(i).getOutput().getScore(), p.getOutput().getScore(), 1e-5);
        assertEquals(1024, p.getNumActiveFeatures());
      }
    }
  }

  @Test
  void teacherProvenanceRecordsRecipeAndChecksum() {
    Path dir = TinyTeacher.lenet5bn();
    var meta = TeacherStore.readMetadata(dir);
    try (DfkdTribuoModel model = DfkdTribuoModel.fromTeacher(dir)) {
      ModelProvenance prov = model.getProvenance();
      Map<String, ? extends Provenance> inst = prov.getInstanceProvenance().getMap();
      assertEquals(meta.weightsSha256(), value(inst, "teacher.sha256"));
      assertEquals("teacher", value(inst, "kind"));
      assertEquals("1", value(inst, "recipe.epochs"));
      assertEquals("0.001", value(inst, "recipe.lr"));
      assertEquals(DfkdTeacherTrainer.class.getName(), prov.getTrainerProvenance().getClassName());
      String text = ProvenanceUtil.formattedProvenanceString(prov);
      assertTrue(text.contains("lenet5-bn"), text);
      assertTrue(text.contains("cropPadding"), text);
    }
  }

  static String value(Map<String, ? extends Provenance> inst, String key) {
    Provenance p = inst.get(key);
    assertNotNull(p, "no instance provenance " + key + " in " + inst.keySet());
    return ((com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance) p).getValue();
  }

  @Test
  void javaSerialisationRoundTripKeepsPredictionsAndProvenance(@TempDir Path tmp) throws Exception {
    Path dir = TinyTeacher.lenet5bn();
    ImageDataset test = FashionMnist.test().take(N);
    Path file = tmp.resolve("teacher.tribuo");
    try (DfkdTribuoModel model = DfkdTribuoModel.fromTeacher(dir)) {
      List<Example<Label>> ex = PixelFeatures.examples(test, 0, N, model.featureFormat(), model.labelNames());
      List<Prediction<Label>> before = model.predict(ex);
      model.save(file);
      assertTrue(Files.size(file) > 100_000, "weights are inside the file");
      DfkdException e = assertThrows(DfkdException.class, () -> model.save(file));
      assertTrue(e.getMessage().contains("already exists"), e.getMessage());
      try (DfkdTribuoModel back = DfkdTribuoModel.load(file)) {
        assertEquals(model.getProvenance(), back.getProvenance());
        assertEquals(model.getName(), back.getName());
        List<Prediction<Label>> after = back.predict(ex);
        for (int i = 0; i < N; i++) {
          assertEquals(before.get(i).getOutput().getLabel(), after.get(i).getOutput().getLabel());
          assertTrue(before.get(i).distributionEquals(after.get(i), 1e-6));
        }
      }
    }
    Files.write(tmp.resolve("junk"), new byte[] {1, 2, 3});
    assertThrows(DfkdException.class, () -> DfkdTribuoModel.load(tmp.resolve("junk")));
  }

  @Test
  void tribuoProtobufRoundTripKeepsPredictionsAndProvenance(@TempDir Path tmp) throws Exception {
    Path dir = TinyTeacher.lenet5bn();
    ImageDataset test = FashionMnist.test().take(50);
    Path file = tmp.resolve("teacher.tribuo.pb");
    try (DfkdTribuoModel model = DfkdTribuoModel.fromTeacher(dir)) {
      List<Example<Label>> ex = PixelFeatures.examples(test, 0, 50, model.featureFormat(), model.labelNames());
      List<Prediction<Label>> before = model.predict(ex);
      model.serializeToFile(file);
      org.tribuo.Model<?> read = org.tribuo.Model.deserializeFromFile(file);
      assertTrue(read instanceof DfkdTribuoModel, read.getClass().getName());
      try (DfkdTribuoModel back = (DfkdTribuoModel) read) {
        assertEquals(model.getProvenance(), back.getProvenance());
        assertEquals(model.getOutputIDInfo().size(), back.getOutputIDInfo().size());
        List<Prediction<Label>> after = back.predict(ex);
        for (int i = 0; i < ex.size(); i++) {
          assertTrue(before.get(i).distributionEquals(after.get(i), 1e-6), "prediction " + i);
        }
      }
    }
  }

  @Test
  void labelEvaluatorFiguresAgreeWithEngineAccuracy() {
    Path dir = TinyTeacher.lenet5bn();
    ImageDataset test = FashionMnist.test().take(2000);
    try (DfkdTribuoModel model = DfkdTribuoModel.fromTeacher(dir); NDManager m = NDManager.newBaseManager()) {
      TribuoEvaluation.Result r = TribuoEvaluation.evaluate(model, test);
      double engine = Evaluation.accuracy(model.network(), test, model.dataSpec("fashion-mnist"), m);
      assertEquals(engine, r.accuracy(), 1e-12);
      assertEquals(2000, r.images());
      var cm = r.confusionMatrix();
      double diagonal = 0;
      double total = 0;
      for (String t : r.labels()) {
        for (String p : r.labels()) {
          double c = cm.confusion(new Label(p), new Label(t));
          total += c;
          if (p.equals(t)) {
            diagonal += c;
          }
        }
        assertEquals(java.util.stream.IntStream.range(0, 2000).filter(i -> test.label(i) == Integer.parseInt(t)).count(),
            (long) cm.support(new Label(t)), "support of class " + t);
      }
      assertEquals(2000, total, 1e-9);
      assertEquals(engine, diagonal / total, 1e-12);
      Map<String, Double> metrics = r.toMetrics();
      assertEquals(engine, metrics.get("tribuo.accuracy"), 1e-12);
      assertTrue(metrics.get("tribuo.macro_f1") > 0.3 && metrics.get("tribuo.macro_f1") <= 1);
      for (int k = 0; k < 10; k++) {
        assertTrue(metrics.containsKey("tribuo.recall." + k), "recall of " + k);
      }
      String text = r.toText();
      assertTrue(text.contains("confusion matrix"));
      System.out.println(text);
    }
  }

  @Test
  void notATeacherOrRunIsAOneLineError(@TempDir Path tmp) {
    DfkdException a = assertThrows(DfkdException.class, () -> DfkdTribuoModel.fromTeacher(tmp));
    assertFalse(a.getMessage().contains("\n"));
    DfkdException b = assertThrows(DfkdException.class, () -> DfkdTribuoModel.fromRun(tmp, TinyTeacher.lenet5bn(), Map.of()));
    assertTrue(b.getMessage().contains("not a finished distillation run"), b.getMessage());
  }
}
