package dev.rgal.testkit;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.RunSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.training.DataPool;
import dev.rgal.api.training.StudentContext;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.InMemoryDataPool;
import dev.rgal.toolkit.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A teacher, a student and a manager for calling one component directly: a synthesizer's
 * {@code synthesize}, a term's {@code loss}, a trainer's {@code trainEpoch}. The real bench holds
 * the {@link TinyTeacher}; the untrained one holds a freshly initialised zoo teacher (no training,
 * for tests of mechanics rather than of learning). Both students are untrained zoo nets. Arrays
 * of longer-lived state go in {@link #manager()}; give each call its own sub-manager. Close the
 * bench when done: it closes both nets and the manager.
 */
public final class Workbench implements AutoCloseable {
  /** The student architecture of the benches unless another is named. */
  public static final String STUDENT = "lenet5-half-bn";

  private final NDManager manager;
  private final FeatureNet teacher;
  private final FeatureNet student;
  private final DataSpec data;

  private Workbench(NDManager manager, FeatureNet teacher, FeatureNet student, DataSpec data) {
    this.manager = manager;
    this.teacher = teacher;
    this.student = student;
    this.data = data;
  }

  /** The tiny real teacher and an untrained {@value #STUDENT} student. */
  public static Workbench withTinyTeacher() {
    return withTinyTeacher(STUDENT);
  }

  /** The tiny real teacher and an untrained student of the zoo architecture {@code studentArch}. */
  public static Workbench withTinyTeacher(String studentArch) {
    NDManager m = NDManager.newBaseManager();
    var loaded = TinyTeacher.load(m);
    DataSpec data = loaded.metadata().dataSpec();
    return new Workbench(m, loaded.net(), zooNet(studentArch, data, m), data);
  }

  /** An untrained zoo {@code teacherArch} teacher and an untrained {@code studentArch} student, on Fashion-MNIST's shape. */
  public static Workbench untrained(String teacherArch, String studentArch) {
    NDManager m = NDManager.newBaseManager();
    DataSpec data = FashionMnist.spec();
    return new Workbench(m, zooNet(teacherArch, data, m), zooNet(studentArch, data, m), data);
  }

  private static FeatureNet zooNet(String arch, DataSpec d, NDManager m) {
    return Zoo.factory(arch).create(m, d.channels(), d.height(), d.width(), d.numClasses());
  }

  public FeatureNet teacher() {
    return teacher;
  }

  public FeatureNet student() {
    return student;
  }

  public DataSpec data() {
    return data;
  }

  /** The bench's manager: the nets live here; components built for the bench attach state here. */
  public NDManager manager() {
    return manager;
  }

  /** A request with {@code options} (e.g. from {@link PluginHarness#options} or {@code OptionValues.parse}). */
  public ComponentRequest request(OptionValues options, long seed) {
    return new ComponentRequest(options, seed, teacher.info(), student.info(), data, manager);
  }

  /** Synthesis call 1, not a warm-up call, in {@code call} (a manager the caller closes). */
  public SynthesisContext synthesisContext(List<WeightedTerm<SynthesisTerm>> terms, int batchSize,
      NDManager call, Random random) {
    return synthesisContext(terms, batchSize, 1, false, call, random);
  }

  /** A synthesis call's context with every field given. */
  public SynthesisContext synthesisContext(List<WeightedTerm<SynthesisTerm>> terms, int batchSize,
      int callNumber, boolean warmup, NDManager call, Random random) {
    return new SynthesisContext(teacher, student, terms, data, batchSize, callNumber, warmup, call, random);
  }

  /** One epoch of student training: epoch {@code epoch} of {@code epochs}, {@code steps} optimiser steps. */
  public StudentContext studentContext(DataPool pool, List<WeightedTerm<StudentTerm>> terms, int epoch,
      int epochs, int steps, NDManager epochManager, Random random) {
    return new StudentContext(teacher, student, pool, terms, epoch, epochs, steps, epochManager, random);
  }

  /**
   * A pool file at {@code file} holding the first {@code images} real test images (never their
   * labels): the student trains on real pixels, so a term's or trainer's effect shows in a few
   * steps. Close the pool when done.
   */
  public InMemoryDataPool realImagePool(Path file, int images, RunSpec.Augmentation augmentation) {
    ImageDataset test = FashionMnist.test();
    if (images < 1 || images > test.size()) {
      throw new IllegalArgumentException("a pool of 1.." + test.size() + " test images, not " + images);
    }
    InMemoryDataPool pool = InMemoryDataPool.open(file, data, augmentation);
    int[] all = new int[images];
    for (int i = 0; i < images; i++) {
      all[i] = i;
    }
    try (NDManager m = manager.newSubManager()) {
      pool.add(test.batch(m, all).get(0));
    }
    return pool;
  }

  @Override
  public void close() {
    student.close();
    teacher.close();
    manager.close();
  }
}
