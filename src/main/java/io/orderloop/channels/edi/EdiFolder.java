package io.orderloop.channels.edi;

import io.orderloop.common.ApiProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The inbound folder ({@code orderloop.edi.inbound-dir}): interchanges dropped there by an AS2 or
 * SFTP gateway, directly (the sender decides the partner) or in a folder named after the partner
 * (the sender must be that partner). A file is claimed by moving it into {@code processing/} (a
 * move only one instance can make), received as by HTTP, and moved to {@code done/} or {@code
 * failed/} with a {@code .report.txt} beside it; its 997 goes to the partner's outbound folder. A
 * claim left behind by an instance that stopped is taken back after {@code inbound-claim-timeout}.
 * Files whose name starts with a dot are being written and are left alone.
 */
@Component
class EdiFolder {

  private static final Logger log = LoggerFactory.getLogger(EdiFolder.class);
  static final String PROCESSING = "processing";
  static final String DONE = "done";
  static final String FAILED = "failed";

  /** Files read at once by one instance. */
  static final int PARALLEL = 4;

  private final EdiInbound inbound;
  private final EdiPartners partners;
  private final EdiProperties properties;
  private final Clock clock;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);

  EdiFolder(EdiInbound inbound, EdiPartners partners, EdiProperties properties, Clock clock) {
    this.inbound = inbound;
    this.partners = partners;
    this.properties = properties;
    this.clock = clock;
  }

  @Scheduled(
      fixedDelayString = "${orderloop.edi.poll-interval:PT2S}",
      initialDelayString = "${orderloop.edi.poll-interval:PT2S}")
  void poll() {
    // On a thread of its own: a folder of many files must not hold up the other scheduled work
    // (the outbound documents, the relays), which shares the scheduler's thread.
    if (properties.inboundDir() != null && scanning.compareAndSet(false, true)) {
      Thread.ofVirtual()
          .name("edi-inbound-folder")
          .start(
              () -> {
                try {
                  scan();
                } catch (RuntimeException e) {
                  log.warn(
                      "EDI inbound folder {} not read: {}", properties.inboundDir(), e.toString());
                } finally {
                  scanning.set(false);
                }
              });
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean scanning =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** One look at the folder and the partner folders in it: answers the files processed. */
  int scan() {
    Path root = properties.inboundDir();
    if (root == null || !Files.isDirectory(root)) {
      return 0;
    }
    int processed = 0;
    List<Path> folders = new ArrayList<>();
    folders.add(root);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (Files.isDirectory(p)
            && !name.equals(PROCESSING)
            && !name.equals(DONE)
            && !name.equals(FAILED)
            && !name.startsWith(".")) {
          folders.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Up to PARALLEL files at a time, each claimed just before it is read: with several
    // instances, the files spread over them.
    java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(PARALLEL);
    List<Thread> workers = new ArrayList<>();
    try {
      for (Path folder : folders) {
        String partner = folder.equals(root) ? null : folder.getFileName().toString();
        reclaimStale(folder);
        for (Path file : files(folder)) {
          slots.acquire();
          Optional<Path> claimed = claim(folder, file);
          if (claimed.isEmpty()) {
            slots.release();
            continue;
          }
          processed++;
          String name = file.getFileName().toString();
          workers.add(
              Thread.ofVirtual()
                  .start(
                      () -> {
                        try {
                          process(folder, partner, name, claimed.get());
                        } finally {
                          slots.release();
                        }
                      }));
        }
      }
      for (Thread t : workers) {
        t.join();
      }
    } catch (InterruptedException e) {
      // Shutting down: files being read finish or stay in processing/ and are taken back later.
      Thread.currentThread().interrupt();
    }
    return processed;
  }

  private static List<Path> files(Path folder) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path p : entries) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")) {
          files.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.sort(null);
    return files;
  }

  /** Moves the file into {@code processing/}; empty when another instance was first. */
  private Optional<Path> claim(Path folder, Path file) {
    try {
      Path processing = Files.createDirectories(folder.resolve(PROCESSING));
      // The claim's time is in its name: no window in which another instance could see it old.
      Path target =
          processing.resolve(
              clock.instant().toEpochMilli() + "~" + instance + "~" + file.getFileName());
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(target);
    } catch (NoSuchFileException | FileAlreadyExistsException taken) {
      return Optional.empty();
    } catch (AtomicMoveNotSupportedException e) {
      throw new IllegalStateException(
          "the inbound folder must allow atomic moves within it (one file system)", e);
    } catch (IOException e) {
      log.warn("EDI file {} not claimed: {}", file, e.toString());
      return Optional.empty();
    }
  }

  /** Claims older than the timeout (their instance stopped) go back to be taken again. */
  private void reclaimStale(Path folder) {
    Path processing = folder.resolve(PROCESSING);
    if (!Files.isDirectory(processing)) {
      return;
    }
    Instant before = clock.instant().minus(properties.inboundClaimTimeout());
    for (Path p : files(processing)) {
      String name = p.getFileName().toString();
      String[] parts = name.split("~", 3);
      if (parts.length != 3 || !parts[0].matches("[0-9]{1,19}")) {
        continue; // not a claim of ours
      }
      if (Instant.ofEpochMilli(Long.parseLong(parts[0])).isAfter(before)) {
        continue;
      }
      try {
        Path back = folder.resolve(parts[2]);
        if (Files.exists(back)) {
          // A new file of the same name arrived meanwhile: both are kept.
          back = folder.resolve(stem(parts[2]) + "-retry-" + parts[0] + extension(parts[2]));
        }
        Files.move(p, back, StandardCopyOption.ATOMIC_MOVE);
        log.info("EDI file {} was left in processing by {}; taken back", parts[2], parts[1]);
      } catch (IOException e) {
        // Another instance took it back first, or it is gone: nothing to do.
      }
    }
  }

  private void process(Path folder, String partnerFolder, String name, Path claimed) {
    String report;
    boolean ok;
    try {
      long size = Files.size(claimed);
      if (size > properties.maxInterchangeSize().toBytes()) {
        throw ApiProblem.unprocessable(
            null,
            "the file is "
                + size
                + " bytes; at most "
                + properties.maxInterchangeSize().toBytes()
                + " are taken (orderloop.edi.max-interchange-size): split it");
      }
      byte[] body = Files.readAllBytes(claimed);
      if (partnerFolder != null && partners.find(partnerFolder).isEmpty()) {
        throw ApiProblem.unprocessable(
            null, "the folder '" + partnerFolder + "' is named after no partner");
      }
      EdiInbound.Received received =
          inbound.receive(
              body,
              "FOLDER:" + (partnerFolder == null ? "" : partnerFolder + "/") + name,
              partnerFolder);
      if (!received.ack().isEmpty()) {
        writeAck(received, name);
      }
      report = "processed\n" + received.report() + "\n";
      ok = true;
    } catch (ApiProblem refused) {
      report = "refused (" + refused.status().value() + "): " + refused.getMessage() + "\n";
      ok = false;
    } catch (IOException | RuntimeException e) {
      log.warn("EDI file {} failed", name, e);
      report = "failed: " + e + "\nmove it back into the folder to try again\n";
      ok = false;
    }
    finish(folder, claimed, name, ok ? DONE : FAILED, report);
  }

  /** Each interchange's 997s into its partner's outbound folder. */
  private void writeAck(EdiInbound.Received received, String name) throws IOException {
    Path out = properties.outboundDir();
    if (out == null) {
      return;
    }
    for (EdiInbound.PartnerAck ack : received.acks()) {
      Path folder = Files.createDirectories(out.resolve(ack.partnerId()));
      Path target = folder.resolve("997-" + stem(name) + "-" + ack.interchangeId() + ".x12");
      Path temp = folder.resolve("." + target.getFileName() + ".tmp");
      Files.writeString(temp, ack.text(), StandardCharsets.US_ASCII);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void finish(Path folder, Path claimed, String name, String outcome, String report) {
    try {
      Path dir = Files.createDirectories(folder.resolve(outcome));
      Path target = dir.resolve(name);
      if (Files.exists(target)) {
        target = dir.resolve(stem(name) + "-" + clock.instant().toEpochMilli() + extension(name));
      }
      Files.writeString(
          dir.resolve(target.getFileName() + ".report.txt"), report, StandardCharsets.UTF_8);
      Files.move(claimed, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.error("EDI file {} processed ({}) but not moved out of processing", name, outcome, e);
    }
  }

  private static String stem(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(dot) : "";
  }
}
