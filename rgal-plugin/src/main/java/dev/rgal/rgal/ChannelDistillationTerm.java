package dev.rgal.rgal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.Pair;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.Features;
import dev.rgal.api.training.StudentStep;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.toolkit.state.ArrayState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * RGAL's CD loss ({@code spec/rgal-method.md} §5.4): for every (teacher, student) stage pair,
 * {@code MSE(GAP(A_l(s_l)), GAP(t_l))} summed over pairs, where {@code A_l} is a learnable 1×1
 * convolution with bias from student to teacher channels, trained by the student's optimiser.
 *
 * <p>A 1×1 convolution commutes with global average pooling, so {@code A_l} is applied to the
 * pooled stage as an equivalent affine map (weight [C_t, C_s], bias [C_t]): the same parameters
 * and result for a fraction of the work. Initialisation as PyTorch's Conv2d default:
 * U(±1/√C_s) for weight and bias.
 */
final class ChannelDistillationTerm implements StudentTerm {
  private final List<Block> adapters = new ArrayList<>();
  private final ParameterStore store;
  private final NDManager manager;

  ChannelDistillationTerm(ComponentRequest r) {
    List<Long> t = r.teacher().stageChannels();
    List<Long> s = r.student().stageChannels();
    if (t.isEmpty() || s.isEmpty()) {
      throw new DfkdException("rgal-cd needs stage outputs on both networks: choose architectures that expose stages");
    }
    manager = r.manager().newSubManager();
    store = new ParameterStore(manager, false);
    int pairs = Math.min(t.size(), s.size());
    for (int l = 0; l < pairs; l++) {
      Linear a = Linear.builder().setUnits(t.get(l)).optBias(true).build();
      float bound = (float) (1 / Math.sqrt(s.get(l)));
      a.setInitializer(new UniformInitializer(bound), Parameter.Type.WEIGHT);
      a.setInitializer(new UniformInitializer(bound), Parameter.Type.BIAS);
      a.initialize(manager, DataType.FLOAT32, new Shape(1, s.get(l)));
      adapters.add(a);
    }
  }

  private static NDArray gap(NDArray stage) {
    Shape sh = stage.getShape();
    return sh.dimension() == 2 ? stage : stage.reshape(sh.get(0), sh.get(1), -1).mean(new int[] {2});
  }

  @Override
  public NDArray loss(StudentStep step) {
    Features s = step.student();
    Features t = step.teacher();
    NDArray total = null;
    for (int l = 0; l < adapters.size(); l++) {
      NDArray mapped = adapters.get(l).forward(store, new NDList(gap(s.stages().get(l))), true).singletonOrThrow();
      NDArray target = gap(t.stages().get(l)).stopGradient();
      NDArray mse = mapped.sub(target).square().mean();
      total = total == null ? mse : total.add(mse);
    }
    return total;
  }

  @Override
  public List<Block> trainableBlocks() {
    return List.copyOf(adapters);
  }

  private List<NDArray> adapterArrays() {
    List<NDArray> all = new ArrayList<>();
    for (Block b : adapters) {
      for (Pair<String, Parameter> p : b.getParameters()) {
        all.add(p.getValue().getArray());
      }
    }
    return all;
  }

  @Override
  public void saveState(DataOutputStream out) {
    ArrayState.write(out, adapterArrays());
  }

  @Override
  public void loadState(DataInputStream in) {
    // in place: the student's optimiser holds these very arrays
    ArrayState.readInto(in, manager, adapterArrays());
  }
}
