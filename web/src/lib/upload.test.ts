import { describe, expect, it } from 'vitest';
import { guessFormat, missingParts, partSize, planParts, sendParts, type PartPlan } from './upload';

describe('planParts', () => {
  it('cuts a file into numbered parts from 1 covering every byte once', () => {
    const plan = planParts(25, 10);
    expect(plan).toEqual([
      { n: 1, start: 0, end: 10 },
      { n: 2, start: 10, end: 20 },
      { n: 3, start: 20, end: 25 },
    ]);
  });
  it('makes exact multiples without an empty tail', () => {
    expect(planParts(20, 10).map((p) => p.n)).toEqual([1, 2]);
  });
  it('sends an empty file as one empty part', () => {
    expect(planParts(0, 10)).toEqual([{ n: 1, start: 0, end: 0 }]);
  });
  it('keeps parts within the server limit', () => {
    expect(partSize(64 << 20)).toBe(8 << 20);
    expect(partSize(1000)).toBe(1000);
    expect(partSize(undefined)).toBe(8 << 20);
  });
});

describe('resume', () => {
  it('finds parts that are absent or of the wrong length', () => {
    const plan = planParts(30, 10);
    expect(missingParts(plan, [{ part: 1, bytes: 10 }, { part: 2, bytes: 4 }]).map((p) => p.n)).toEqual([2, 3]);
  });

  it('re-sends only the missing parts after a failure', async () => {
    const plan = planParts(40, 10);
    const server = new Map<number, number>();
    const sentOrder: number[] = [];
    let failOn: number | null = 3;
    const io = {
      putPart: async (p: PartPlan) => {
        sentOrder.push(p.n);
        if (p.n === failOn) {
          failOn = null;
          throw new Error('connection reset');
        }
        server.set(p.n, p.end - p.start);
      },
      listParts: async () => [...server].map(([part, bytes]) => ({ part, bytes })),
    };
    await expect(sendParts(plan, io, false)).rejects.toThrow('connection reset');
    expect([...server.keys()]).toEqual([1, 2]);
    const progress: number[] = [];
    const sent = await sendParts(plan, { ...io, onProgress: (d) => progress.push(d) }, true);
    expect(sent).toBe(2);
    expect(sentOrder).toEqual([1, 2, 3, 3, 4]);
    expect(progress).toEqual([20, 30, 40]);
    expect([...server.keys()].sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('guessFormat', () => {
  it('treats archives as archives and anything else as one file', () => {
    expect(guessFormat('a.tar')).toBe('archive');
    expect(guessFormat('A.TAR.GZ')).toBe('archive');
    expect(guessFormat('x.tgz')).toBe('archive');
    expect(guessFormat('x.zip')).toBe('archive');
    expect(guessFormat('labels.csv')).toBe('file');
    expect(guessFormat('cat.png')).toBe('file');
  });
});
