import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

export type Cell = string | number;

/** Prints a plain-text table (also valid Markdown) with a title. */
export function printTable(title: string, headers: string[], rows: Cell[][]): void {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = headers.map((header, i) => Math.max(header.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [`\n### ${title}\n`, line(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...text.map(line)];
  process.stdout.write(`${out.join('\n')}\n`);
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return '–';
  }
  if (Number.isInteger(value)) {
    return String(value);
  }
  return Math.abs(value) < 10 ? value.toFixed(2) : Math.abs(value) < 100 ? value.toFixed(1) : value.toFixed(0);
}

/** Progress and notes go to stderr, so that stdout holds only the tables. */
export function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** One measured figure, for the JSON results that docs/PERFORMANCE.md is written from. */
export interface ResultRecord {
  bench: string;
  db: string;
  metric: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

/** Collects result records and appends them (one JSON object per line) to the --json file, if any. */
export class Results {
  readonly records: ResultRecord[] = [];

  constructor(
    private readonly bench: string,
    private readonly file: string | undefined,
  ) {}

  add(db: string, metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
    this.records.push({ bench: this.bench, db, metric, value, unit, ...extra });
  }

  async flush(): Promise<void> {
    if (!this.file || this.records.length === 0) {
      return;
    }
    await mkdir(path.dirname(path.resolve(this.file)), { recursive: true });
    await appendFile(this.file, this.records.map((record) => `${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`).join(''));
    this.records.length = 0;
  }
}
