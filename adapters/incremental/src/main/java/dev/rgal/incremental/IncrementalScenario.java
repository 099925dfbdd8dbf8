package dev.rgal.incremental;

import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.data.ImageDataset;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * One run's class-incremental scenario (spec §1, §7.7): the class order, the task split, the
 * label remapping and the real data each task may see. Tasks are numbered from 1, as in the spec:
 * task t brings the classes C_t, the next n_t of the order; K_o(t) classes are old and K_s(t) seen.
 * During the run a class's label is its position in the order, so task t owns the logits
 * [K_o(t), K_s(t)).
 *
 * <p><b>The data rule.</b> {@link #trainingData} is the only way to real training images, and it
 * gives task t the images of C_t and nothing else; every call is recorded in {@link
 * #realClassesTouched()}. Old classes come back only through synthesis from the frozen previous
 * model. Test views are for evaluation only.
 */
public final class IncrementalScenario {
  private final ClassOrder order;
  private final TaskSplit split;
  private final int[] oldBefore; // oldBefore[t - 1] = K_o(t)
  private final int[] labelOf;
  private final Map<Integer, Set<Integer>> touched = new LinkedHashMap<>();

  private IncrementalScenario(ClassOrder order, TaskSplit split) {
    this.order = order;
    this.split = split;
    oldBefore = new int[split.tasks() + 1];
    for (int t = 0; t < split.tasks(); t++) {
      oldBefore[t + 1] = oldBefore[t] + split.sizes().get(t);
    }
    labelOf = new int[order.classes().size()];
    for (int p = 0; p < labelOf.length; p++) {
      labelOf[order.classes().get(p)] = p;
    }
  }

  /**
   * @throws DfkdException if the split does not cover exactly the order's classes
   */
  public static IncrementalScenario of(ClassOrder order, TaskSplit split) {
    int k = order.classes().size();
    order.check(k);
    int total = split.sizes().stream().mapToInt(Integer::intValue).sum();
    if (total != k) {
      throw new DfkdException("the split " + split.name() + " brings " + total + " classes but the order has " + k
          + ": make the classes per task add up to " + k);
    }
    return new IncrementalScenario(order, split);
  }

  public ClassOrder order() {
    return order;
  }

  public TaskSplit split() {
    return split;
  }

  /** T. */
  public int tasks() {
    return split.tasks();
  }

  /** K_o(t): the classes of tasks 1..t−1. */
  public int oldClasses(int task) {
    return oldBefore[check(task) - 1];
  }

  /** K_s(t) = K_o(t) + n_t. */
  public int seenClasses(int task) {
    return oldBefore[check(task)];
  }

  /** C_t as original class ids, in order. */
  public List<Integer> newClasses(int task) {
    return order.classes().subList(oldClasses(task), seenClasses(task));
  }

  /** The run's label of an original class id (its position in the order). */
  public int label(int classId) {
    return labelOf[classId];
  }

  /** The task whose classes include the run label {@code label}. */
  public int taskOfLabel(int label) {
    for (int t = 1; t <= tasks(); t++) {
      if (label < seenClasses(t)) {
        return t;
      }
    }
    throw new IllegalArgumentException("label " + label + " is beyond the " + seenClasses(tasks()) + " classes");
  }

  /**
   * The real training images task {@code task} may see: those of C_t, with run labels. Recorded in
   * {@link #realClassesTouched()}.
   */
  public ImageDataset trainingData(ImageDataset train, int task) {
    List<Integer> classes = newClasses(task);
    touched.computeIfAbsent(task, t -> new TreeSet<>()).addAll(classes);
    return subset(train, c -> classes.contains(c));
  }

  /**
   * The real training images of tasks 1..{@code task}, with run labels: for an upper bound that is
   * allowed real old data ({@code joint}) and nothing else. Recorded in {@link #realClassesTouched()}.
   */
  public ImageDataset trainingDataUpTo(ImageDataset train, int task) {
    List<Integer> seen = order.classes().subList(0, seenClasses(task));
    touched.computeIfAbsent(task, t -> new TreeSet<>()).addAll(seen);
    return subset(train, c -> seen.contains(c));
  }

  /** The test images of the classes seen after {@code task} (tasks 1..t), with run labels. */
  public ImageDataset testSeen(ImageDataset test, int task) {
    List<Integer> seen = order.classes().subList(0, seenClasses(task));
    return subset(test, c -> seen.contains(c));
  }

  /** The test images of task {@code j}'s classes only, with run labels. */
  public ImageDataset testOfTask(ImageDataset test, int j) {
    List<Integer> classes = newClasses(j);
    return subset(test, c -> classes.contains(c));
  }

  /** Per task, the original ids of the real classes whose training images it was given. */
  public Map<Integer, Set<Integer>> realClassesTouched() {
    Map<Integer, Set<Integer>> out = new LinkedHashMap<>();
    touched.forEach((t, s) -> out.put(t, Collections.unmodifiableSet(new TreeSet<>(s))));
    return Collections.unmodifiableMap(out);
  }

  private ImageDataset subset(ImageDataset data, IntPredicate keepClass) {
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    List<Integer> labels = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      int c = data.label(i);
      if (keepClass.test(c)) {
        pixels.writeBytes(data.image(i));
        labels.add(labelOf[c]);
      }
    }
    return ImageDataset.of(data.name(), data.channels(), data.height(), data.width(), data.numClasses(),
        pixels.toByteArray(), labels.stream().mapToInt(Integer::intValue).toArray());
  }

  private int check(int task) {
    if (task < 1 || task > tasks()) {
      throw new IllegalArgumentException("task " + task + " is not in 1.." + tasks());
    }
    return task;
  }
}
