package dev.rgal.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import dev.rgal.toolkit.data.IdxReader;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Dataset;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.datasource.IDXDataSource;

/** Tribuo's own IDXDataSource → DfkdTeacherTrainer → a model that reads the same features. */
class DfkdTeacherTrainerTest {
  private static final Path FMNIST = Path.of("/usr/share/datasets/fashion-mnist");

  /** Writes the first {@code n} images and labels of an IDX pair as an uncompressed IDX pair. */
  private static void subset(String prefix, int from, int n, Path images, Path labels) throws IOException {
    IdxReader.Images im = IdxReader.readImages(FMNIST.resolve(prefix + "-images-idx3-ubyte.gz"));
    int[] y = IdxReader.readLabels(FMNIST.resolve(prefix + "-labels-idx1-ubyte.gz"));
    int per = im.rows() * im.cols();
    try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(images))) {
      o.writeInt(0x00000803);
      o.writeInt(n);
      o.writeInt(im.rows());
      o.writeInt(im.cols());
      o.write(im.pixels(), from * per, n * per);
    }
    try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(labels))) {
      o.writeInt(0x00000801);
      o.writeInt(n);
      for (int i = from; i < from + n; i++) {
        o.writeByte(y[i]);
      }
    }
  }

  @Test
  void trainsATeacherFromIdxDataSourceAboveChance(@TempDir Path tmp) throws Exception {
    subset("train", 0, 3000, tmp.resolve("train-img"), tmp.resolve("train-lbl"));
    subset("t10k", 0, 1000, tmp.resolve("test-img"), tmp.resolve("test-lbl"));
    LabelFactory f = new LabelFactory();
    Dataset<Label> train = new MutableDataset<>(new IDXDataSource<>(tmp.resolve("train-img"), tmp.resolve("train-lbl"), f));
    Dataset<Label> test = new MutableDataset<>(new IDXDataSource<>(tmp.resolve("test-img"), tmp.resolve("test-lbl"), f));
    assertEquals(3000, train.size());

    DfkdTeacherTrainer trainer = DfkdTeacherTrainer.forIdx("lenet5-bn", "fashion-mnist",
        TeacherRecipe.fashionMnistDefault().withEpochs(1).withSeed(7));
    try (DfkdTribuoModel model = trainer.train(train)) {
      assertEquals(1, trainer.getInvocationCount());
      assertEquals(255.0, model.pixelScale());
      // IDXDataSource names pixels 000..783: the model takes exactly those features
      assertEquals(784, model.getFeatureIDMap().size());
      assertEquals(0, model.getFeatureIDMap().getID("000"));
      assertEquals(783, model.getFeatureIDMap().getID("783"));
      List<Prediction<Label>> preds = model.predict(test);
      LabelEvaluation e = new LabelEvaluator().evaluate(model, preds, test.getProvenance());
      assertTrue(e.accuracy() > 0.5, "accuracy " + e.accuracy() + " (chance 0.1)");
      // provenance: Tribuo's data source and the trainer's @Config recipe
      String prov = ProvenanceUtil.formattedProvenanceString(model.getProvenance());
      assertTrue(prov.contains("IDXDataSource"), prov);
      assertEquals(DfkdTeacherTrainer.class.getName(), model.getProvenance().getTrainerProvenance().getClassName());
      Map<String, ?> trainerConfig = model.getProvenance().getTrainerProvenance().getConfiguredParameters();
      assertEquals(7L, ((com.oracle.labs.mlrg.olcut.provenance.primitives.LongProvenance) trainerConfig.get("seed")).getValue());
      assertEquals("lenet5-bn", ((com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance) trainerConfig.get("architecture")).getValue());
      assertEquals("3000", DfkdTribuoModelTest.value(model.getProvenance().getInstanceProvenance().getMap(), "train.images"));
      System.out.println("DfkdTeacherTrainer on 3000 IDX images, 1 epoch: accuracy on 1000 test images " + e.accuracy());
    }
  }
}
