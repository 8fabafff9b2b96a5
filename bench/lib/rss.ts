import { readFile } from 'node:fs/promises';

/** Resident set size of a process in bytes (VmRSS in /proc/<pid>/status), or 0 when it is gone. */
export async function rssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The direct children of a process (the workers of a node:cluster primary). */
export async function childrenOf(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** RSS of a process and all its children (a cluster primary and its workers). */
export async function treeRss(pid: number): Promise<number> {
  const children = await childrenOf(pid);
  const sizes = await Promise.all([pid, ...children].map((p) => rssOf(p)));
  return sizes.reduce((total, size) => total + size, 0);
}

/** Samples a process tree's RSS every `intervalMs` (50 ms by default) until stopped. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private samples: number[] = [];
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 50,
    private readonly includeChildren = false,
  ) {}

  private async sample(): Promise<void> {
    const value = this.includeChildren ? await treeRss(this.pid) : await rssOf(this.pid);
    if (value > 0) {
      this.samples.push(value);
    }
  }

  /** Takes a first sample, then keeps sampling. */
  async start(): Promise<number> {
    this.samples = [];
    await this.sample();
    this.timer = setInterval(() => {
      this.pending = this.sample();
    }, this.intervalMs);
    return this.samples[0] ?? 0;
  }

  /** Stops and returns the first, peak and last sample (bytes). */
  async stop(): Promise<{ start: number; peak: number; end: number; samples: number }> {
    clearInterval(this.timer);
    await this.pending;
    await this.sample();
    return {
      start: this.samples[0] ?? 0,
      peak: Math.max(0, ...this.samples),
      end: this.samples[this.samples.length - 1] ?? 0,
      samples: this.samples.length,
    };
  }
}
