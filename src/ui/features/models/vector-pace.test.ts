import { describe, expect, it } from 'vitest';
import { deviceSpeedSummary, formatRate, vectorPaceText } from './vector-pace.ts';

describe('words for the measured embedding speed', () => {
  it('shows the pace of background vectors and the time left', () => {
    expect(vectorPaceText({ passagesPerSecond: 85.2, secondsLeft: 130 })).toBe('85.2 passages/s · about 2 min left');
    expect(vectorPaceText({ passagesPerSecond: 640, secondsLeft: 12 })).toBe(
      '640 passages/s · less than a minute left',
    );
    expect(vectorPaceText(undefined)).toBeUndefined();
  });

  it('rounds rates to what can be compared', () => {
    expect(formatRate(38.94)).toBe('38.9');
    expect(formatRate(0.4213)).toBe('0.42');
    expect(formatRate(Number.POSITIVE_INFINITY)).toBe('too fast to time');
  });

  it('names the rate of the device in use, and every device measured, fastest first', () => {
    const summary = deviceSpeedSummary(
      { passagesPerSecond: { webgpu: 38.9, wasm: 64 }, batchSize: 16, measuredAt: 0, remembered: false },
      'wasm',
    );
    expect(summary.chip).toBe('64.0 passages/s');
    expect(summary.title).toBe('Measured here: WASM 64.0 passages/s, WebGPU 38.9 passages/s; 16 passages per batch');
  });

  it('shows the batch size when only that was measured (a device set in Settings, no adapter)', () => {
    const summary = deviceSpeedSummary(
      { passagesPerSecond: {}, batchSize: 32, measuredAt: 0, remembered: false },
      'webgpu',
    );
    expect(summary.chip).toBe('batches of 32');
    expect(summary.title).toBe('Measured here: 32 passages per batch');
  });
});
