package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.TagContributor;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.options.Options;
import dev.rgal.api.task.TaskPhase;
import dev.rgal.api.task.TaskRequest;
import dev.rgal.api.task.TaskResult;
import dev.rgal.api.task.TransferTask;
import dev.rgal.api.task.TransferTaskFactory;
import dev.rgal.toolkit.io.AtomicFiles;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code quantize} transfer task (spec §2.8): the student is a quantized deep copy of the
 * teacher. Before the first epoch it fills a calibration set from the run's own data source
 * (extra synthesis calls when the warm-up left too few images), calibrates the activation ranges
 * on the first {@code calibrationImages} pool images, freezes them and measures the PTQ accuracy;
 * the epochs that follow (if any) are QAT-KD by the run's trainer; at the end it writes the
 * deployable quantized-model file, reloads it and checks that it predicts what the run measured.
 *
 * <p>With {@code schedule.epochs = 0} the run is post-training quantization only.
 */
public final class QuantizeTask implements TransferTask, TagContributor {
  /** The task's name in {@code RunSpec.task}. */
  public static final String NAME = "quantize";
  /** The deployable model, in the run directory. */
  public static final String MODEL_FILE = "quantized.rgq";
  /** The calibrated ranges, in the run directory. */
  public static final String RANGES_FILE = "calibration.csv";

  public static final Option<String> BITS = Option.text("bits", "w4a4",
      "weight and activation widths wNaM, each 2-8 or 32 (full precision), e.g. w4a4, w4a32");
  public static final Option<String> POLICY = Option.choice("policy", LayerPolicy.ALL_K.label(),
      "per-layer widths: all-k, or ends-8 (first and last weight layer and the classifier's input at 8 bits)",
      LayerPolicy.ALL_K.label(), LayerPolicy.ENDS_8.label());
  public static final Option<String> ESTIMATOR = Option.choice("estimator", "ema",
      "activation range estimator: ema (beta 0.9, bias-corrected on read) or min-max", "ema", "min-max");
  public static final Option<String> BN = Option.choice("bn", "eval",
      "BatchNorm in QAT forwards: eval (FP running statistics, never updated; GDFQ) or batch", "eval", "batch");
  public static final Option<Integer> CALIBRATION_IMAGES = Option.integer("calibrationImages", 256,
      "pool images the activation ranges are calibrated on (the first ones, from the run's data source)").atLeast(1);
  public static final Option<Integer> CALIBRATION_BATCH = Option.integer("calibrationBatch", 64,
      "images per calibration forward (each updates the range once)").atLeast(1);
  public static final Option<String> RANGES = Option.choice("ranges", "data",
      "where activation ranges come from: data (calibration on the run's source) or bn (no data: [0, max(beta + m|gamma|)] of the BN before each ReLU, row R1; PTQ only)",
      "data", "bn");
  public static final Option<Double> BN_SIGMAS = Option.real("bnSigmas", 3.0,
      "ranges=bn: m, the BN standard deviations above beta an activation range reaches").atLeast(0);
  public static final Option<Double> FIXED_RANGE = Option.real("fixedRange", 0.0,
      "ranges=bn: the upper end [0, HIGH] for a ReLU without a BatchNorm before it (unset: such a ReLU is an error)")
      .atLeast(0).optional();
  public static final Options OPTIONS = Options.of(BITS, POLICY, ESTIMATOR, BN, CALIBRATION_IMAGES, CALIBRATION_BATCH,
      RANGES, BN_SIGMAS, FIXED_RANGE);

  /** Metric keys this task reports. */
  public static final String PTQ_ACCURACY = "quant.ptq_accuracy";
  public static final String AGREEMENT = "quant.teacher_agreement";
  public static final String MODEL_ACCURACY = "quant.model_accuracy";
  public static final String CALIBRATION_IMAGES_USED = "quant.calibration_images";

  private final QuantizedNet student;
  private final FeatureNet teacher;
  private final String teacherSha256;
  private final dev.rgal.api.DataSpec data;
  private final int calibrationImages;
  private final int calibrationBatch;
  // ranges=bn: the BN-derived ranges, set when the task is built (no data is ever read)
  private final @Nullable CalibrationTable dataFreeRanges;
  private double ptqAccuracy = Double.NaN;

  private QuantizeTask(QuantizedNet student, FeatureNet teacher, String teacherSha256, dev.rgal.api.DataSpec data,
      int calibrationImages, int calibrationBatch, @Nullable CalibrationTable dataFreeRanges) {
    this.dataFreeRanges = dataFreeRanges;
    this.data = data;
    this.student = student;
    this.teacher = teacher;
    this.teacherSha256 = teacherSha256;
    this.calibrationImages = calibrationImages;
    this.calibrationBatch = calibrationBatch;
  }

  /** The configuration a set of validated options describes. */
  public static QuantizationConfig config(OptionValues o) {
    return new QuantizationConfig(BitWidths.parse(o.get(BITS)), LayerPolicy.parse(o.get(POLICY)),
        o.get(ESTIMATOR).equals("ema") ? RangeEstimator.EMA : RangeEstimator.MIN_MAX,
        o.get(BN).equals("eval") ? BnMode.EVAL_STATISTICS : BnMode.BATCH_STATISTICS);
  }

  @Override
  public FeatureNet student() {
    return student;
  }

  @Override
  public Map<String, String> runTags() {
    QuantizationConfig c = student.config();
    Map<String, String> t = new LinkedHashMap<>();
    t.put("task", NAME);
    t.put("quant.bits", c.bits().toString());
    t.put("quant.policy", c.policy().label());
    t.put("quant.estimator", dataFreeRanges != null ? "bn" : c.estimator() == RangeEstimator.EMA ? "ema" : "min-max");
    return t;
  }

  @Override
  public Map<String, Double> beforeEpochs(TaskPhase phase) {
    CalibrationTable ranges;
    int used = 0;
    if (dataFreeRanges != null) {
      ranges = dataFreeRanges;
    } else {
      while (phase.pool().size() < calibrationImages) {
        phase.synthesis().call(); // calibrate on the data the run claims (§6.7), never on another source
      }
      List<NDArray> batches = new ArrayList<>();
      for (int from = 0; from < calibrationImages; from += calibrationBatch) {
        batches.add(phase.pool().images(phase.manager(), from, Math.min(calibrationBatch, calibrationImages - from)));
      }
      ranges = Calibration.calibrate(student, batches);
      used = calibrationImages;
    }
    AtomicFiles.writeString(phase.runDir().resolve(RANGES_FILE), ranges.toCsv(), AtomicFiles.Existing.REPLACE);
    ptqAccuracy = phase.evaluator().accuracy(student);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(PTQ_ACCURACY, ptqAccuracy);
    m.put(CALIBRATION_IMAGES_USED, (double) used);
    m.values().removeIf(v -> v.isNaN());
    return m;
  }

  @Override
  public TaskResult finish(TaskPhase phase) {
    Path model = phase.runDir().resolve(MODEL_FILE);
    try {
      Files.deleteIfExists(model); // a resumed run's earlier attempt; never a user's file (the run directory is ours)
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    QuantizedModelFile.write(student, teacherSha256, data, model);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(PTQ_ACCURACY, ptqAccuracy);
    m.put(AGREEMENT, phase.evaluator().agreement(teacher, student));
    try (NDManager scope = phase.manager().newSubManager();
        QuantizedNet reloaded = QuantizedModelFile.read(model, student.info().architecture(), scope)) {
      m.put(MODEL_ACCURACY, phase.evaluator().accuracy(reloaded));
    }
    m.values().removeIf(v -> v.isNaN());
    return new TaskResult(model, List.of(phase.runDir().resolve(RANGES_FILE)), m);
  }

  @Override
  public void saveState(DataOutputStream out) {
    try {
      out.writeDouble(ptqAccuracy);
      out.writeInt(student.activationQuantizers().size());
      for (ActivationQuantizer q : student.activationQuantizers().values()) {
        double[] r = q.range();
        out.writeUTF(q.site());
        out.writeDouble(r[0]);
        out.writeDouble(r[1]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void loadState(DataInputStream in) {
    try {
      ptqAccuracy = in.readDouble();
      int n = in.readInt();
      if (n != student.activationQuantizers().size()) {
        throw new DfkdException("the checkpoint holds " + n + " activation ranges but the quantized net has "
            + student.activationQuantizers().size() + ": resume with the same bits and policy");
      }
      for (int i = 0; i < n; i++) {
        String site = in.readUTF();
        ActivationQuantizer q = student.activationQuantizers().get(site);
        if (q == null) {
          throw new DfkdException("the checkpoint has a range for " + site + ", which this quantized net lacks: resume with the same spec");
        }
        q.freezeAt(in.readDouble(), in.readDouble());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds the task; bound as {@value #NAME}. */
  public static final class Factory implements TransferTaskFactory {
    @Override
    public TransferTask create(TaskRequest r) {
      String teacherArch = r.teacher().info().architecture();
      if (!r.studentArchitecture().equals(teacherArch)) {
        throw new DfkdException("the quantize task copies the teacher (" + teacherArch + ") but the spec's studentArch is "
            + r.studentArchitecture() + ": set studentArch to " + teacherArch + " (rgal quantize does)");
      }
      OptionValues o = r.options();
      QuantizedNet net = QuantizedNet.of(r.teacher(), config(o), r.manager());
      CalibrationTable dataFree = null;
      if (o.get(RANGES).equals("bn")) {
        try {
          dataFree = BnRanges.apply(net, o.get(BN_SIGMAS), o.isSet(FIXED_RANGE) ? o.get(FIXED_RANGE) : null);
        } catch (RuntimeException e) {
          net.close();
          throw e;
        }
      }
      return new QuantizeTask(net, r.teacher(), r.teacherWeightsSha256(), r.data(), o.get(CALIBRATION_IMAGES),
          o.get(CALIBRATION_BATCH), dataFree);
    }

    @Override
    public Options options() {
      return OPTIONS;
    }

    @Override
    public void check(RunSpec spec) {
      OptionValues o = OptionValues.parse(OPTIONS, "transfer task '" + NAME + "'", "task.settings", spec.task().settings().values());
      BitWidths.parse(o.get(BITS)); // one line naming the malformed width
      if (o.get(RANGES).equals("bn") && spec.schedule().epochs() > 0) {
        throw new DfkdException("task.settings.ranges=bn takes its ranges from BatchNorm and has no data to fine-tune on, but "
            + "schedule.epochs is " + spec.schedule().epochs() + ": calibrate only (--mode ptq, epochs 0) or use a data source");
      }
      if (o.isSet(FIXED_RANGE) && !o.get(RANGES).equals("bn")) {
        throw new DfkdException("task.settings.fixedRange is for ranges=bn (--data none) only; with data every range is calibrated: drop it");
      }
    }
  }
}
