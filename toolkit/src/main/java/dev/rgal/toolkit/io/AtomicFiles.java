package dev.rgal.toolkit.io;

import static org.apiguardian.api.API.Status.STABLE;

import dev.rgal.api.DfkdException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * Writes a file or directory so that it either appears complete or not at all: the content goes to
 * a hidden temporary sibling ({@code .NAME.<random>.tmp}, same directory, so same file system),
 * which is then renamed onto the target in one atomic step. A failure deletes the temporary and
 * leaves the target as it was. The temporary is made with {@link Files#newOutputStream}, not
 * {@code createTempFile}, so the final file gets the umask's mode rather than 600.
 *
 * <pre>{@code
 * AtomicFiles.writeString(run.resolve("summary.json"), json, AtomicFiles.Existing.REPLACE);
 * AtomicFiles.write(out, AtomicFiles.Existing.REFUSE, stream -> model.writeTo(stream));
 * AtomicFiles.writeVia(png, AtomicFiles.Existing.REPLACE, tmp -> ImageIO.write(image, "png", tmp.toFile()));
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public final class AtomicFiles {
  /** What to do when the target already exists. */
  public enum Existing {
    /** Replace it (the old content stays readable until the rename). */
    REPLACE,
    /** Fail with a {@link DfkdException} naming the file; nothing is written. */
    REFUSE
  }

  /** Writes the content to a stream. */
  @FunctionalInterface
  public interface StreamWriter {
    void write(OutputStream out) throws IOException;
  }

  /** Writes the content to a file or directory path it is given (for APIs that want a path). */
  @FunctionalInterface
  public interface PathWriter {
    void write(Path temporary) throws IOException;
  }

  private AtomicFiles() {}

  /** Writes bytes produced by {@code writer} to {@code target}. */
  public static void write(Path target, Existing existing, StreamWriter writer) {
    writeVia(target, existing, tmp -> {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.write(out);
      }
    });
  }

  public static void writeBytes(Path target, byte[] bytes, Existing existing) {
    write(target, existing, out -> out.write(bytes));
  }

  public static void writeString(Path target, String text, Existing existing) {
    writeBytes(target, text.getBytes(StandardCharsets.UTF_8), existing);
  }

  /**
   * Lets {@code writer} create a file (or a directory, with its content) at a temporary path, then
   * renames it onto {@code target}. A file is forced to disk before the rename. An existing
   * directory is replaced by moving it aside, renaming the new one in and deleting the old one:
   * at every moment the target is either the complete old or the complete new directory, but for
   * the instant between the two renames it is absent.
   *
   * @throws DfkdException when the target exists and {@code existing} is REFUSE, or on an I/O error
   */
  public static void writeVia(Path target, Existing existing, PathWriter writer) {
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    if (existing == Existing.REFUSE && Files.exists(abs)) {
      throw refused(abs);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new DfkdException("cannot write " + abs + ": its directory " + dir + " cannot be created ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
          + "); choose a writable location");
    }
    Path tmp = dir.resolve("." + abs.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      writer.write(tmp);
      if (!Files.exists(tmp)) {
        throw new IOException("the writer created nothing at " + tmp);
      }
      if (Files.isRegularFile(tmp)) {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true); // durable before it replaces the old file
        }
      }
      move(tmp, abs, existing);
    } catch (FileAlreadyExistsException e) {
      throw refused(abs);
    } catch (IOException | UncheckedIOException e) {
      String why = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
      throw new DfkdException("cannot write " + abs + " (" + why + "): check the directory's permissions and free space");
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static void move(Path tmp, Path target, Existing existing) throws IOException {
    try {
      if (existing == Existing.REPLACE && Files.isDirectory(tmp) && Files.isDirectory(target)) {
        // rename(2) cannot replace a non-empty directory: move the old one aside first, so it
        // survives until the new one is in place
        Path aside = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".old");
        Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
          throw e;
        }
        deleteQuietly(aside);
      } else if (existing == Existing.REPLACE) {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        // without REPLACE_EXISTING an existing target fails the move (rename(2) would replace a
        // file silently, so check for the race, too)
        if (Files.exists(target)) {
          throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system cannot rename atomically");
    }
  }

  private static DfkdException refused(Path target) {
    return new DfkdException(target + " already exists and would be overwritten: choose another path or move it away first");
  }

  private static void deleteQuietly(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // a leftover hidden .tmp is harmless and names itself
        }
      });
    } catch (IOException ignored) {
      // as above
    }
  }
}
