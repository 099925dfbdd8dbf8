package dev.rgal.toolkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.DfkdException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path tmp;

  List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aWriterThatFailsHalfWayLeavesTheOldFileAndNoTemporary() throws IOException {
    Path f = tmp.resolve("summary.json");
    AtomicFiles.writeString(f, "old", AtomicFiles.Existing.REPLACE);
    DfkdException e = assertThrows(DfkdException.class, () -> AtomicFiles.write(f, AtomicFiles.Existing.REPLACE, out -> {
      out.write("half".getBytes());
      throw new IOException("disk full");
    }));
    assertTrue(e.getMessage().contains("disk full") && e.getMessage().contains(f.toString()), e.getMessage());
    assertEquals("old", Files.readString(f));
    assertEquals(List.of("summary.json"), names(), "no .tmp left behind");
  }

  @Test
  void replaceReplacesAndRefuseNeverOverwrites() throws IOException {
    Path f = tmp.resolve("model.bin");
    AtomicFiles.writeBytes(f, new byte[] {1, 2}, AtomicFiles.Existing.REFUSE);
    DfkdException e = assertThrows(DfkdException.class, () -> AtomicFiles.writeBytes(f, new byte[] {9}, AtomicFiles.Existing.REFUSE));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    assertEquals(2, Files.size(f), "the user's file is untouched");
    AtomicFiles.writeBytes(f, new byte[] {7, 7, 7}, AtomicFiles.Existing.REPLACE);
    assertEquals(3, Files.size(f));
    assertEquals(List.of("model.bin"), names());
  }

  @Test
  void aDirectoryIsReplacedWholeAndAFailedOneLeavesTheOld() throws IOException {
    Path d = tmp.resolve("teacher");
    AtomicFiles.writeVia(d, AtomicFiles.Existing.REPLACE, t -> {
      Files.createDirectories(t);
      Files.writeString(t.resolve("a.txt"), "1");
      Files.writeString(t.resolve("b.txt"), "1");
    });
    AtomicFiles.writeVia(d, AtomicFiles.Existing.REPLACE, t -> {
      Files.createDirectories(t);
      Files.writeString(t.resolve("a.txt"), "2");
    });
    assertEquals("2", Files.readString(d.resolve("a.txt")));
    assertFalse(Files.exists(d.resolve("b.txt")), "the old directory's files are gone with it");
    assertThrows(DfkdException.class, () -> AtomicFiles.writeVia(d, AtomicFiles.Existing.REPLACE, t -> {
      Files.createDirectories(t);
      Files.writeString(t.resolve("a.txt"), "3");
      throw new IOException("interrupted");
    }));
    assertEquals("2", Files.readString(d.resolve("a.txt")));
    assertEquals(List.of("teacher"), names(), "neither the temporary nor an aside copy is left");
  }
}
