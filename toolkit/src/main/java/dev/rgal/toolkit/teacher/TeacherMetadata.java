package dev.rgal.toolkit.teacher;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.DataSpec;
import java.util.List;
import java.util.Map;

/**
 * What {@code teacher.json} records about a teacher, so that a distillation run can rebuild it,
 * normalise exactly as in training, and prove which weights it used.
 *
 * @param architecture zoo name
 * @param dataset dataset name the teacher was trained on
 * @param channels input channels
 * @param height input height
 * @param width input width
 * @param numClasses classes
 * @param mean normalisation mean per channel
 * @param std normalisation std per channel
 * @param testAccuracy top-1 on the real test split (NaN when unknown, e.g. imported)
 * @param seed training seed (−1 when unknown)
 * @param weightsFile file name of the weights inside the teacher directory
 * @param weightsSha256 SHA-256 of that file
 * @param recipe how it was trained (optimizer, lr, epochs, ...), for provenance
 */
@API(status = STABLE, since = "0.1")
public record TeacherMetadata(
    String architecture, String dataset, int channels, int height, int width, int numClasses,
    List<Double> mean, List<Double> std, double testAccuracy, long seed, String weightsFile,
    String weightsSha256, Map<String, String> recipe) {
  public TeacherMetadata {
    mean = List.copyOf(mean);
    std = List.copyOf(std);
    recipe = Map.copyOf(recipe);
  }

  public DataSpec dataSpec() {
    return new DataSpec(dataset, channels, height, width, numClasses, mean, std);
  }
}
