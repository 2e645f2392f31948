// The throughput probe with a fake clock: each call advances it by a cost the test sets, so rates are exact.
import { describe, expect, it } from 'vitest';
import { PROBE_PASSAGES } from './probe-passages.ts';
import { chooseBatchSize, fasterDevice, measureRate, type ProbeEmbed } from './throughput-probe.ts';

function timed(clock: { t: number }, cost: (passages: number, batchSize: number) => number, calls: string[][] = []) {
  const embed: ProbeEmbed = async (texts, batchSize) => {
    calls.push(texts);
    clock.t += cost(texts.length, batchSize ?? 16);
  };
  return embed;
}

describe('measuring passages per second', () => {
  it('times realistic passages after an untimed warm-up call, within the budget', async () => {
    const clock = { t: 0 };
    const calls: string[][] = [];
    let first = true;
    // The first call costs 5 s (shader compilation); the rest 10 ms per passage.
    const embed = timed(
      clock,
      (n) => {
        const ms = first ? 5_000 : n * 10;
        first = false;
        return ms;
      },
      calls,
    );
    const rate = await measureRate(embed, { budgetMs: 300, now: () => clock.t });
    expect(rate).toBeCloseTo(100, 6); // the warm-up is not counted
    // Bounded: 16 passages a call (160 ms), so the 300 ms budget ends after two timed calls.
    expect(calls).toHaveLength(3);
    expect(calls[0][0]).toBe(PROBE_PASSAGES[0]);
    expect(PROBE_PASSAGES.every((p) => p.split(/\s+/).length >= 40)).toBe(true); // chunk-sized, not sentences
  });

  it('stops after a bounded number of calls when the clock does not advance', async () => {
    const calls: string[][] = [];
    const rate = await measureRate(
      timed({ t: 0 }, () => 0, calls),
      { budgetMs: 300, now: () => 0 },
    );
    expect(rate).toBe(Number.POSITIVE_INFINITY);
    expect(calls.length).toBeLessThanOrEqual(65);
  });

  it('answers other messages between its calls, so a search or the heartbeat is not held up by the probe', async () => {
    const clock = { t: 0 };
    let calls = 0;
    let servedAfter = -1;
    setTimeout(() => (servedAfter = calls), 0);
    // Calls that resolve in microtasks only, as a WASM run can.
    await measureRate(
      async () => {
        calls++;
        clock.t += 50;
      },
      { budgetMs: 300, now: () => clock.t },
    );
    expect(servedAfter).toBeGreaterThanOrEqual(1);
    expect(servedAfter).toBeLessThan(calls);
  });

  it('a tie between devices keeps WebGPU; WASM must be faster to win', () => {
    expect(fasterDevice({ webgpu: 38.9, wasm: 64 })).toBe('wasm');
    expect(fasterDevice({ webgpu: 64, wasm: 64 })).toBe('webgpu');
    expect(fasterDevice({ webgpu: 200, wasm: 64 })).toBe('webgpu');
  });
});

describe('choosing the batch size', () => {
  it('takes the size with the most passages per second', async () => {
    const clock = { t: 0 };
    // 50 ms per model run plus 2 ms per passage: bigger batches amortise the run cost.
    const embed = timed(clock, (n, b) => Math.ceil(n / b) * 50 + n * 2);
    const choice = await chooseBatchSize(embed, { budgetMs: 300, now: () => clock.t });
    expect(choice.batchSize).toBe(64);
    expect(Object.keys(choice.rates).map(Number)).toEqual([8, 16, 32, 64]);
    expect(choice.rates[64]).toBeGreaterThan(choice.rates[8]);
  });

  it('keeps the smaller size when a larger one is not clearly faster (within 5%)', async () => {
    const clock = { t: 0 };
    // Flat past 16 (as on CPU): per passage 10 ms, run cost 1 ms.
    const embed = timed(clock, (n, b) => Math.ceil(n / b) * 1 + n * 10);
    const choice = await chooseBatchSize(embed, { budgetMs: 300, now: () => clock.t });
    expect(choice.batchSize).toBe(8);
  });

  it('keeps the best size that worked when a larger batch fails (GPU memory), and fails when none works', async () => {
    const clock = { t: 0 };
    const embed: ProbeEmbed = async (texts, batchSize) => {
      if ((batchSize ?? 16) >= 32) throw new Error('out of GPU memory');
      clock.t += Math.ceil(texts.length / (batchSize ?? 16)) * 50 + texts.length * 2;
    };
    expect((await chooseBatchSize(embed, { budgetMs: 300, now: () => clock.t })).batchSize).toBe(16);
    await expect(chooseBatchSize(embed, { budgetMs: 300, now: () => clock.t }, [32, 64])).rejects.toThrow(
      'out of GPU memory',
    );
  });

  it('stops trying larger sizes once one size takes far longer than its budget', async () => {
    const clock = { t: 0 };
    const tried: number[] = [];
    const embed: ProbeEmbed = async (texts, batchSize) => {
      tried.push(batchSize ?? 0);
      clock.t += texts.length * 30; // a 16-passage call takes 480 ms, more than the 300 ms budget
    };
    const choice = await chooseBatchSize(embed, { budgetMs: 300, now: () => clock.t });
    expect(new Set(tried)).toEqual(new Set([8, 16]));
    expect(choice.batchSize).toBe(8);
  });
});
