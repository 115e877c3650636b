/**
 * Measuring for `npm run bench:scale` (scripts/bench-scale.ts): the peak resident memory of the
 * training processes, read from Linux's /proc (VmHWM, the kernel's own high-water mark of each
 * process), and the SageMaker cost projection with its documented price and billing rule.
 */
import * as fs from "node:fs";

/**
 * Polls /proc for processes whose command line contains every one of `markers` (e.g. the script's name
 * and this run's own folder, so other people's runs on the machine are not counted); keeps each one's
 * peak RSS.
 */
export class PeakRssWatcher {
  private readonly peaks = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly markers: readonly string[],
    intervalMs = 100,
  ) {
    this.timer = setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
  }

  /** Whether /proc can be read here (Linux); elsewhere the peaks stay empty. */
  static available(): boolean {
    return fs.existsSync("/proc/self/status");
  }

  poll(): void {
    let entries: string[];
    try {
      entries = fs.readdirSync("/proc");
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
        if (!this.markers.every((marker) => cmdline.includes(marker))) continue;
        const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${entry}/status`, "utf8"));
        if (match) this.peaks.set(Number(entry), Math.max(this.peaks.get(Number(entry)) ?? 0, Number(match[1]) * 1024));
      } catch {
        // the process ended between the listing and the read
      }
    }
  }

  /** Stop polling; the peak RSS in bytes of each process seen, largest first. */
  stop(): number[] {
    clearInterval(this.timer);
    this.poll();
    return [...this.peaks.values()].sort((a, b) => b - a);
  }
}

/**
 * SageMaker training, on demand, ml.m5.xlarge (4 vCPU, 16 GiB), us-east-1: USD 0.23 per instance-hour
 * (aws.amazon.com/sagemaker/pricing, "Training" tab; the figure as quoted there in 2023-2026; read
 * 2026-12-02 from stored copies, since this machine has no internet: check it before budgeting).
 */
export const ML_M5_XLARGE_USD_PER_HOUR = 0.23;
export const PRICE_SOURCE = "USD 0.23/instance-hour, ml.m5.xlarge training on demand, us-east-1 (aws.amazon.com/sagemaker/pricing, as quoted 2023-2026; read 2026-12-02)";

/**
 * What one run is billed: SageMaker bills a training job per second of the time between its
 * TrainingStartTime and TrainingEndTime on each instance (DescribeTrainingJob's BillableTimeInSeconds
 * × InstanceCount), with no minimum; that time includes downloading the data and the image and
 * uploading the model, which the local run does not have: `overheadSeconds` stands for it.
 * @param trainSeconds the training time on each instance
 */
export function projectedCostUsd(instances: number, trainSeconds: number, overheadSeconds: number, usdPerHour = ML_M5_XLARGE_USD_PER_HOUR): number {
  return (instances * Math.ceil(trainSeconds + overheadSeconds) * usdPerHour) / 3600;
}
