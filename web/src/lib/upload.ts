// Resumable uploads: a file is cut into numbered parts (from 1) of at most the server's
// max_part_bytes; after a failure the client asks which parts arrived and re-sends only the
// missing ones, then completes the upload.

export interface PartPlan {
  /** Part number, from 1. */
  n: number;
  start: number;
  /** Exclusive. */
  end: number;
}

/** The client's preferred part size; the server's limit wins when it is smaller. */
export const PREFERRED_PART_BYTES = 8 * 1024 * 1024;

export function partSize(maxPartBytes: number | undefined, preferred = PREFERRED_PART_BYTES): number {
  const max = maxPartBytes && maxPartBytes > 0 ? maxPartBytes : preferred;
  return Math.max(1, Math.min(max, preferred));
}

/** Cuts `size` bytes into parts of `partBytes`; an empty file is one empty part. */
export function planParts(size: number, partBytes: number): PartPlan[] {
  if (!(partBytes > 0)) throw new Error('part size must be positive');
  if (size <= 0) return [{ n: 1, start: 0, end: 0 }];
  const out: PartPlan[] = [];
  for (let start = 0, n = 1; start < size; start += partBytes, n++) {
    out.push({ n, start, end: Math.min(size, start + partBytes) });
  }
  return out;
}

/** Parts the server does not hold with exactly the planned length. */
export function missingParts(plan: PartPlan[], received: { part: number; bytes: number }[]): PartPlan[] {
  const got = new Map(received.map((r) => [r.part, r.bytes]));
  return plan.filter((p) => got.get(p.n) !== p.end - p.start);
}

export function bytesDone(plan: PartPlan[], done: Set<number>): number {
  return plan.reduce((sum, p) => sum + (done.has(p.n) ? p.end - p.start : 0), 0);
}

/** archive for .tar, .tar.gz, .tgz, .zip (and friends); a single file otherwise. */
export function guessFormat(filename: string): 'archive' | 'file' {
  return /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz|zip)$/i.test(filename) ? 'archive' : 'file';
}

export interface UploadIo {
  /** Sends part `n` (bytes [start, end) of the file). */
  putPart: (part: PartPlan) => Promise<void>;
  /** The parts the server holds. */
  listParts: () => Promise<{ part: number; bytes: number }[]>;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

/**
 * Sends every part of `plan` that the server does not already hold (ask first when `resume`),
 * one at a time; throws the first failure. Returns the number of parts it sent.
 */
export async function sendParts(plan: PartPlan[], io: UploadIo, resume: boolean): Promise<number> {
  const total = plan.reduce((s, p) => s + (p.end - p.start), 0);
  let todo = plan;
  if (resume) todo = missingParts(plan, await io.listParts());
  const done = new Set(plan.filter((p) => !todo.includes(p)).map((p) => p.n));
  io.onProgress?.(bytesDone(plan, done), total);
  let sent = 0;
  for (const p of todo) {
    await io.putPart(p);
    done.add(p.n);
    sent++;
    io.onProgress?.(bytesDone(plan, done), total);
  }
  return sent;
}
