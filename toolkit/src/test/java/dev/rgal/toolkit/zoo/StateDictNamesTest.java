package dev.rgal.toolkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every name and shape of spec/state-dict-names.md, in order, for every architecture listed. */
class StateDictNamesTest {
  static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** The spec copy in test resources (see spec/SOURCE.md there); a missing copy fails the test. */
  static List<String> specLines(String resource) throws IOException {
    try (var in = StateDictNamesTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        return org.junit.jupiter.api.Assertions.fail("test resource " + resource + " is missing from toolkit/src/test/resources");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }
  }

  record Section(String title, List<String> lines, long tensors, long trainable) {}

  static Map<String, Section> parse() throws IOException {
    List<String> all = specLines("/spec/state-dict-names.md");
    Map<String, Section> out = new LinkedHashMap<>();
    Pattern counts = Pattern.compile("(\\d+) tensors, (\\d+) trainable parameters");
    String title = null;
    List<String> lines = null;
    long tensors = -1;
    long trainable = -1;
    boolean inCode = false;
    for (String l : all) {
      if (l.startsWith("## ")) {
        title = l.substring(3).trim().split("\\s+")[0];
        lines = new ArrayList<>();
        tensors = -1;
        trainable = -1;
        continue;
      }
      if (title == null || lines == null) {
        continue;
      }
      Matcher m = counts.matcher(l);
      if (m.find()) {
        tensors = Long.parseLong(m.group(1));
        trainable = Long.parseLong(m.group(2));
      } else if (l.startsWith("```")) {
        inCode = !inCode;
        if (!inCode) {
          out.put(title, new Section(title, lines, tensors, trainable));
        }
      } else if (inCode && !l.isBlank()) {
        lines.add(l.trim());
      }
    }
    return out;
  }

  /** "name [a, b]" lines of a net, skipping num_batches_tracked like the importer does. */
  static List<String> describe(Map<String, Parameter> stateDict) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : stateDict.entrySet()) {
      long[] dims = e.getValue().getShape().getShape();
      StringBuilder sb = new StringBuilder(e.getKey()).append(" [");
      for (int i = 0; i < dims.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(dims[i]);
      }
      out.add(sb.append(']').toString());
    }
    return out;
  }

  @Test
  void everyListedArchitectureMatchesNamesShapesAndOrder() throws IOException {
    Map<String, Section> spec = parse();
    Map<String, String> zooName = Map.of(
        "resnet18", "resnet18", "resnet34", "resnet34", "wrn16_1", "wrn-16-1", "wrn16_2", "wrn-16-2",
        "wrn40_1", "wrn-40-1", "wrn40_2", "wrn-40-2", "vgg11_bn", "vgg11-bn", "lenet5", "lenet5",
        "lenet5_half", "lenet5-half");
    assertTrue(spec.keySet().containsAll(zooName.keySet()), "spec sections: " + spec.keySet());
    assertTrue(spec.containsKey("generator"), "spec sections: " + spec.keySet());
    int checked = 0;
    for (Section s : spec.values()) {
      List<String> expected = s.lines().stream().filter(l -> !l.contains("num_batches_tracked")).toList();
      assertEquals(s.tensors(), s.lines().size(), s.title() + ": the spec's own tensor count");
      if (s.title().equals("generator")) {
        try (Generator g = Generator.builder().nz(256).ngf(64).channels(3).imageSize(32).build(manager)) {
          assertEquals(expected, describe(g.stateDict()), s.title());
          assertEquals(s.trainable(), NetWeights.parameterCount(g.block()), s.title());
        }
      } else {
        String name = zooName.get(s.title());
        assertTrue(name != null, "no zoo architecture for spec section " + s.title());
        int channels = name.startsWith("lenet") ? 1 : 3;
        try (ZooNet net = Zoo.create(name, manager, channels, 32, 32, 10)) {
          assertEquals(expected, describe(net.stateDict()), s.title());
          assertEquals(s.trainable(), NetWeights.parameterCount(net), s.title());
          // every DJL parameter has exactly one state-dict name
          assertEquals(net.block().getParameters().size(), net.stateDict().size(), s.title());
        }
      }
      checked++;
    }
    assertEquals(zooName.size() + 1, checked);
  }

  @Test
  void bnVariantsFollowTheSequentialPattern() {
    try (ZooNet net = Zoo.create("lenet5-bn", manager, 1, 32, 32, 10)) {
      List<String> d = describe(net.stateDict());
      assertEquals(List.of(
          "features.0.weight [6, 1, 5, 5]", "features.0.bias [6]",
          "features.1.weight [6]", "features.1.bias [6]", "features.1.running_mean [6]",
          "features.1.running_var [6]",
          "features.4.weight [16, 6, 5, 5]", "features.4.bias [16]",
          "features.5.weight [16]", "features.5.bias [16]", "features.5.running_mean [16]",
          "features.5.running_var [16]",
          "features.8.weight [120, 16, 5, 5]", "features.8.bias [120]",
          "features.9.weight [120]", "features.9.bias [120]", "features.9.running_mean [120]",
          "features.9.running_var [120]",
          "fc.0.weight [84, 120]", "fc.0.bias [84]", "fc.2.weight [10, 84]", "fc.2.bias [10]"), d);
    }
    try (ZooNet net = Zoo.create("lenet5-half-bn", manager, 1, 32, 32, 10)) {
      assertFalse(net.stateDict().containsKey("features.3.weight"));
      assertEquals(List.of(60L, 8L, 5L, 5L),
          List.of(net.stateDict().get("features.8.weight").getShape().getShape()[0],
              net.stateDict().get("features.8.weight").getShape().getShape()[1], 5L, 5L));
    }
  }
}
