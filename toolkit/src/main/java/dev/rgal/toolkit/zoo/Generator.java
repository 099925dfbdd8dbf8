package dev.rgal.toolkit.zoo;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import dev.rgal.api.DfkdException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The 32x32 DFKD generator of Fast/CMI/RGAL (baseline-methods.md 3.1, rgal-method.md 8.1),
 * generalised to any nz, ngf, output channels and image size (a multiple of 4):
 *
 * <pre>
 * z [N, nz] -> Linear(nz, 2ngf*s*s) -> reshape [2ngf, s, s] (s = size/4) -> BN
 *   -> up x2 -> conv3x3(2ngf, 2ngf, no bias) -> BN -> LeakyReLU(0.2)
 *   -> up x2 -> conv3x3(2ngf, ngf, no bias)  -> BN -> LeakyReLU(0.2)
 *   -> conv3x3(ngf, channels, bias) -> sigmoid       = image [N, channels, size, size] in [0, 1]
 * </pre>
 *
 * Built with PyTorch default initialisation. State-dict names as the reference ({@code l1.0},
 * {@code conv_blocks.0/2/3/6/7/9}). Owns a sub-manager of the creating manager; {@link #close()}
 * frees the parameters.
 */
@API(status = STABLE, since = "0.1")
public final class Generator implements NamedWeights, AutoCloseable {
  private final int nz;
  private final int ngf;
  private final int channels;
  private final int imageSize;
  private final Body body;
  private final NDManager manager;
  private final Map<String, Parameter> stateDict;

  private Generator(Builder b, NDManager parent) {
    this.nz = b.nz;
    this.ngf = b.ngf;
    this.channels = b.channels;
    this.imageSize = b.imageSize;
    this.body = new Body(nz, ngf, channels, imageSize / 4);
    this.manager = parent.newSubManager();
    try {
      body.initialize(manager, DataType.FLOAT32, new Shape(1, nz));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    Map<String, Parameter> names = new LinkedHashMap<>();
    body.collectStateDict(names);
    this.stateDict = Collections.unmodifiableMap(names);
  }

  /** A builder with the CIFAR defaults nz 256, ngf 64, 3 channels, 32 pixels. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configuration of a {@link Generator}. */
  public static final class Builder {
    private int nz = 256;
    private int ngf = 64;
    private int channels = 3;
    private int imageSize = 32;

    private Builder() {}

    /** Latent size (default 256). */
    public Builder nz(int nz) {
      this.nz = nz;
      return this;
    }

    /** Base width (default 64). */
    public Builder ngf(int ngf) {
      this.ngf = ngf;
      return this;
    }

    /** Output image channels (default 3). */
    public Builder channels(int channels) {
      this.channels = channels;
      return this;
    }

    /** Output height and width, a multiple of 4 (default 32). */
    public Builder imageSize(int imageSize) {
      this.imageSize = imageSize;
      return this;
    }

    /**
     * Builds and initialises (PyTorch defaults) the generator.
     *
     * @throws DfkdException for non-positive sizes or an image size that is not a multiple of 4
     */
    public Generator build(NDManager manager) {
      if (nz < 1 || ngf < 1 || channels < 1) {
        throw new DfkdException("generator needs positive nz, ngf and channels, got nz " + nz + ", ngf "
            + ngf + ", channels " + channels + ": fix the generator settings");
      }
      if (imageSize < 4 || imageSize % 4 != 0) {
        throw new DfkdException("generator image size must be a positive multiple of 4, got " + imageSize
            + ": use 32 for 32x32 datasets");
      }
      return new Generator(this, manager);
    }
  }

  public int nz() {
    return nz;
  }

  public int ngf() {
    return ngf;
  }

  public int channels() {
    return channels;
  }

  public int imageSize() {
    return imageSize;
  }

  /** The DJL block (for optimisers); its DJL forward maps [z] to [image]. */
  public Block block() {
    return body;
  }

  /** The manager that owns the parameters. */
  public NDManager manager() {
    return manager;
  }

  /** {@code generator-nz<nz>-ngf<ngf>-c<channels>-<size>}, e.g. {@code generator-nz256-ngf64-c3-32}. */
  @Override
  public String architecture() {
    return "generator-nz" + nz + "-ngf" + ngf + "-c" + channels + "-" + imageSize;
  }

  @Override
  public Map<String, Parameter> stateDict() {
    return stateDict;
  }

  /** Forward in training mode (batch statistics; running statistics updated), as DFKD uses it. */
  public NDArray forward(NDArray z) {
    return forward(z, true);
  }

  /**
   * Images in [0, 1], shape [N, channels, size, size]; the result belongs to z's manager.
   *
   * @param z latent codes [N, nz]
   * @param training BN uses batch statistics (and updates running statistics) when true
   */
  public NDArray forward(NDArray z, boolean training) {
    return body.apply(z, training, null);
  }

  /**
   * Re-initialises every parameter in place, CMI-style: conv and linear weights N(0, 0.02) and
   * biases 0; BN weight N(1, 0.02), bias 0. BN running statistics are left alone, as in CMI's
   * {@code reset_model} (the generator runs in training mode, so they do not affect its output).
   * Array identities are kept, so optimisers and parameter lists stay valid (their own state is
   * not reset).
   */
  public void reinitialize() {
    try (NDManager tmp = manager.newSubManager()) {
      for (Parameter p : stateDict.values()) {
        Shape s = p.getShape();
        Parameter.Type t = p.getType();
        if (t == Parameter.Type.RUNNING_MEAN || t == Parameter.Type.RUNNING_VAR) {
          continue;
        }
        NDArray v = switch (t) {
          case WEIGHT -> tmp.randomNormal(0f, 0.02f, s, DataType.FLOAT32);
          case GAMMA -> tmp.randomNormal(1f, 0.02f, s, DataType.FLOAT32);
          default -> tmp.zeros(s);
        };
        Tensors.copyInto(p.getArray(), v);
      }
    }
  }

  /**
   * Copies all parameters and BN running statistics of {@code other} into this generator, in
   * place (Fast copies the meta-generator into the fast generator on every call).
   *
   * @throws IllegalArgumentException if the generators have different shapes
   */
  public void copyFrom(Generator other) {
    if (!other.architecture().equals(architecture())) {
      throw new IllegalArgumentException("cannot copy " + other.architecture() + " into " + architecture());
    }
    Iterator<Parameter> src = other.stateDict.values().iterator();
    for (Parameter p : stateDict.values()) {
      Tensors.copyInto(p.getArray(), src.next().getArray());
    }
  }

  @Override
  public void close() {
    manager.close();
  }

  @Override
  public String toString() {
    return "Generator[" + architecture() + "]";
  }

  /** The generator's block tree. */
  static final class Body extends Layer {
    private final int init;
    private final int ngf2;
    private final DenseLayer l1;
    private final BnLayer bn0;
    private final ConvLayer conv2;
    private final BnLayer bn3;
    private final ConvLayer conv6;
    private final BnLayer bn7;
    private final ConvLayer conv9;

    Body(int nz, int ngf, int channels, int init) {
      this.init = init;
      this.ngf2 = 2 * ngf;
      l1 = addChildBlock("l1", DenseLayer.torch("l1.0", nz, ngf2 * init * init));
      bn0 = addChildBlock("bn0", new BnLayer("conv_blocks.0", ngf2));
      conv2 = addChildBlock("conv2", ConvLayer.torch("conv_blocks.2", ngf2, ngf2, 3, 1, 1, false));
      bn3 = addChildBlock("bn3", new BnLayer("conv_blocks.3", ngf2));
      conv6 = addChildBlock("conv6", ConvLayer.torch("conv_blocks.6", ngf2, ngf, 3, 1, 1, false));
      bn7 = addChildBlock("bn7", new BnLayer("conv_blocks.7", ngf));
      conv9 = addChildBlock("conv9", ConvLayer.torch("conv_blocks.9", ngf, channels, 3, 1, 1, true));
    }

    @Override
    NDArray apply(NDArray z, boolean training, @Nullable PairList<String, Object> p) {
      NDArray h = l1.apply(z, training, p).reshape(z.getShape().get(0), ngf2, init, init);
      h = bn0.apply(h, training, p);
      h = Activation.leakyRelu(bn3.apply(conv2.apply(up2(h), training, p), training, p), 0.2f);
      h = Activation.leakyRelu(bn7.apply(conv6.apply(up2(h), training, p), training, p), 0.2f);
      return Activation.sigmoid(conv9.apply(h, training, p));
    }

    /** Nearest-neighbour x2 upsampling: repeat every element twice along H and W. */
    static NDArray up2(NDArray x) {
      return x.repeat(2, 2).repeat(3, 2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      long n = inputShapes[0].get(0);
      return new Shape[] {new Shape(n, conv9.out, init * 4L, init * 4L)};
    }

    @Override
    protected NDList forwardInternal(ai.djl.training.ParameterStore ps, NDList inputs, boolean training,
        @Nullable PairList<String, Object> params) {
      return new NDList(apply(inputs.singletonOrThrow(), training, params));
    }
  }
}
