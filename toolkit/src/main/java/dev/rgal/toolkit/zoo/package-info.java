/**
 * The model zoo: hand-written CIFAR/MNIST classifiers with feature taps (logits, pooled feature,
 * stage outputs and BatchNorm statistics), the 32x32 DFKD generator, PyTorch state-dict naming and
 * weight files.
 *
 * <p>Entry points: {@link dev.rgal.toolkit.zoo.Zoo} (names and factories), {@link
 * dev.rgal.toolkit.zoo.ZooNet} (the {@code FeatureNet} every architecture returns), {@link
 * dev.rgal.toolkit.zoo.Generator} and {@link dev.rgal.toolkit.zoo.NetWeights}.
 *
 * <table>
 *   <caption>Architectures (32x32 input, K = 10; stages as [C, H, W])</caption>
 *   <tr><th>name</th><th>stages</th><th>pooled</th><th>BN layers</th><th>parameters</th></tr>
 *   <tr><td>lenet5</td><td>6x14x14, 16x5x5, 120x1x1</td><td>120</td><td>0</td><td>61,706 (1 ch)</td></tr>
 *   <tr><td>lenet5-half</td><td>3x14x14, 8x5x5, 60x1x1</td><td>60</td><td>0</td><td>15,738 (1 ch)</td></tr>
 *   <tr><td>lenet5-bn</td><td>as lenet5</td><td>120</td><td>3</td><td>61,990 (1 ch)</td></tr>
 *   <tr><td>lenet5-half-bn</td><td>as lenet5-half</td><td>60</td><td>3</td><td>15,880 (1 ch)</td></tr>
 *   <tr><td>resnet18</td><td>64x32x32, 128x16x16, 256x8x8, 512x4x4</td><td>512</td><td>20</td><td>11,173,962</td></tr>
 *   <tr><td>resnet34</td><td>as resnet18</td><td>512</td><td>36</td><td>21,282,122</td></tr>
 *   <tr><td>wrn-16-1</td><td>16x32x32, 32x16x16, 64x8x8</td><td>64</td><td>13</td><td>175,066</td></tr>
 *   <tr><td>wrn-16-2</td><td>32x32x32, 64x16x16, 128x8x8</td><td>128</td><td>13</td><td>691,674</td></tr>
 *   <tr><td>wrn-40-1</td><td>16x32x32, 32x16x16, 64x8x8</td><td>64</td><td>37</td><td>563,930</td></tr>
 *   <tr><td>wrn-40-2</td><td>32x32x32, 64x16x16, 128x8x8</td><td>128</td><td>37</td><td>2,243,546</td></tr>
 *   <tr><td>vgg11-bn</td><td>64x16x16, 128x8x8, 256x4x4, 512x4x4, 512x4x4</td><td>512</td><td>8</td><td>9,231,114</td></tr>
 * </table>
 *
 * <p>Stage definitions: ResNet x1..x4 (stage outputs); WRN the three group outputs before the head
 * BN; VGG the block outputs after their ReLU and after the max-pool where one follows (blocks 0-2,
 * and 3 at 64 px), the last one before the global average pool; LeNet block 1 and 2 after the
 * max-pool, block 3 after its ReLU. The pooled feature is the input of the final linear layer.
 *
 * <p>{@link dev.rgal.toolkit.zoo.ForwardHooks} are the transform points of a forward (every
 * conv/linear weight, every ReLU output), used by fake quantization. ReLU site names: LeNet the
 * reference {@code nn.Sequential} index of the ReLU ({@code features.1/4/7}, BN variant {@code
 * features.2/6/10}) and {@code fc.1}; ResNet {@code relu} (stem) and {@code layerS.B.relu1/relu2};
 * WRN {@code blockG.layer.I.relu1/relu2} and {@code relu} (head); VGG {@code blockB.(3i+2)}.
 */
@NullMarked
package dev.rgal.toolkit.zoo;

import org.jspecify.annotations.NullMarked;
