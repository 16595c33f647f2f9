// Training progress on the terminal: a bar per epoch with loss, accuracy and samples/s when
// stderr is a terminal, one plain line per epoch otherwise, nothing with --quiet.

import cliProgress from "cli-progress";
import type { BatchProgress, EpochRecord, TrainHooks } from "../train/loop.ts";
import type { Io } from "./io.ts";

const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;

export function trainingReporter(io: Io, quiet: boolean): TrainHooks & { finish(): void } {
  let bar: cliProgress.SingleBar | null = null;
  let epochStarted = performance.now();
  let samplesPerSecond = 0;
  let announced = false;

  const onBatch = (progress: BatchProgress): void => {
    const seconds = (performance.now() - epochStarted) / 1000;
    samplesPerSecond = seconds > 0 ? progress.samplesDone / seconds : 0;
    if (quiet || !io.interactive || announced) return;
    const payload = {
      epoch: `${progress.epoch}/${progress.epochs}`,
      loss: progress.loss.toFixed(4),
      accuracy: percent(progress.accuracy),
      speed: Math.round(samplesPerSecond).toLocaleString("en-US"),
    };
    if (!bar) {
      bar = new cliProgress.SingleBar({
        format: "epoch {epoch} [{bar}] {percentage}% | loss {loss} | acc {accuracy} | {speed} samples/s",
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      }, cliProgress.Presets.shades_classic);
      bar.start(progress.samplesPerEpoch, progress.samplesDone, payload);
    } else {
      bar.update(progress.samplesDone, payload);
    }
  };

  const onEpoch = (record: EpochRecord): void => {
    bar?.stop();
    bar = null;
    if (!quiet) {
      const partial = record.complete ? "" : " (interrupted)";
      io.err(
        `epoch ${record.epoch}${partial}: loss ${record.loss.toFixed(4)}, train ${percent(record.accuracy)}, ` +
        `validation ${Number.isNaN(record.validationAccuracy) ? "-" : percent(record.validationAccuracy)}, ` +
        `${Math.round(samplesPerSecond).toLocaleString("en-US")} samples/s\n`,
      );
    }
    epochStarted = performance.now();
  };

  const shouldStop = (): boolean => {
    if (!io.interrupted()) return false;
    if (!announced) {
      announced = true;
      bar?.stop();
      bar = null;
      io.err("stopping after this batch and keeping the best epoch (Ctrl-C again to quit at once)\n");
    }
    return true;
  };

  io.setGracefulStop(true);
  return {
    onBatch,
    onEpoch,
    shouldStop,
    finish: () => {
      bar?.stop();
      bar = null;
      io.setGracefulStop(false);
    },
  };
}
