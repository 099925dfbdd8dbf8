package dev.rgal.rgal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The triplet hinge of one feature layer, evaluated with a closed-form gradient.
 *
 * <p>Why not plain autograd over gathered rows: with unbalanced labels a batch of 256 has ~25,000
 * triplets, and gathering three [P, C] row sets (and scattering their gradients back) cost more
 * than the whole KD step. Every triplet distance is an entry of one [N, N] matrix
 * {@code D[i, j] = ‖e_i − e_j + ε‖}, and with {@code W[a, b]} = Σ over active triplets of ±1/P
 * (+ for (anchor, positive), − for (anchor, negative)) the loss gradient is
 * {@code ∂L/∂e_i = Σ_b M[i,b](e_i − e_b + ε) − Σ_a M[a,i](e_a − e_i + ε)} with {@code M = W / D}:
 * two [N, N]×[N, C] products. D is expanded from the Gram matrix in float64, so even a
 * near-duplicate pair (d ≈ 1e-4) keeps its distance to ~1e-8.
 */
final class TripletLayer {
  final double[] dAp;
  final double[] dAn;
  final double[] hinge;
  /** ∂L/∂e in e's type, [N, C], detached; allocated by PyTorch, so the graph may keep it. */
  final NDArray gradient;

  private TripletLayer(double[] dAp, double[] dAn, double[] hinge, NDArray gradient) {
    this.dAp = dAp;
    this.dAn = dAn;
    this.hinge = hinge;
    this.gradient = gradient;
  }

  /**
   * @param e [N, C] L2-normalised rows (only their values are read)
   * @param anchors, positives, negatives the P triplets (P &gt; 0)
   * @param lossScale the factor of each triplet's hinge in the loss (1/P for the mean)
   */
  static TripletLayer evaluate(
      NDArray e, long[] anchors, long[] positives, long[] negatives, double margin,
      double lossScale, NDManager tmp) {
    int n = Math.toIntExact(e.getShape().get(0));
    long c = e.getShape().get(1);
    double eps = RelationLoss.PAIRWISE_EPS;
    NDArray x = e.stopGradient().toType(DataType.FLOAT64, false);
    x.attach(tmp);
    // ‖x_i − x_j + ε‖² = ‖x_i‖² + ‖x_j‖² − 2 x_i·x_j + 2ε(Σx_i − Σx_j) + Cε²
    NDArray sq = x.square().sum(new int[] {1}, true);
    NDArray shift = x.sum(new int[] {1}, true).mul(2 * eps);
    NDArray d2 =
        sq.add(shift).add(sq.sub(shift).transpose()).sub(x.matMul(x.transpose()).mul(2))
            .add(c * eps * eps);
    double[] d = d2.maximum(0).sqrt().toDoubleArray();

    int p = anchors.length;
    double[] dAp = new double[p];
    double[] dAn = new double[p];
    double[] hinge = new double[p];
    double[] m = new double[n * n];
    for (int t = 0; t < p; t++) {
      int ap = (int) (anchors[t] * n + positives[t]);
      int an = (int) (anchors[t] * n + negatives[t]);
      dAp[t] = d[ap];
      dAn[t] = d[an];
      double h = dAp[t] - dAn[t] + margin;
      if (h > 0) {
        hinge[t] = h;
        // d > 0 always (Cε² > 0 under the root); the guard only keeps a corrupt input finite
        m[ap] += d[ap] > 0 ? lossScale / d[ap] : 0;
        m[an] -= d[an] > 0 ? lossScale / d[an] : 0;
      }
    }
    double[] rowSum = new double[n];
    double[] colSum = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double v = m[i * n + j];
        rowSum[i] += v;
        colSum[j] += v;
      }
    }
    double[] both = new double[n];
    double[] diff = new double[n];
    for (int i = 0; i < n; i++) {
      both[i] = rowSum[i] + colSum[i];
      diff[i] = (rowSum[i] - colSum[i]) * eps;
    }
    NDArray mm = tmp.create(m, new Shape(n, n));
    NDArray grad =
        x.mul(tmp.create(both, new Shape(n, 1)))
            .sub(mm.matMul(x))
            .sub(mm.transpose().matMul(x))
            .add(tmp.create(diff, new Shape(n, 1)));
    return new TripletLayer(dAp, dAn, hinge, grad.toType(e.getDataType(), false));
  }
}
