import { describe, expect, it } from 'vitest';
import type { WorkQueue } from '../library/work-queue.ts';
import type { Store } from '../store/store.ts';
import { DeviceChoices } from './device-choices.ts';

/** A library's settings store, as much of it as DeviceChoices reads and writes. */
function library(): { choices: DeviceChoices; settings: Map<string, unknown> } {
  const settings = new Map<string, unknown>();
  const store = {
    getSetting: async (key: string) => settings.get(key),
    putSetting: async (key: string, value: unknown) => void settings.set(key, value),
  } as unknown as Store;
  const queue = { enqueue: <T>(task: () => Promise<T>) => task() } as unknown as WorkQueue;
  return { choices: new DeviceChoices({ openStore: () => store, store: () => store, queue }), settings };
}

describe('measured device speeds', () => {
  const record = { device: 'wasm' as const, passagesPerSecond: { wasm: 120 }, batchSize: 16, measuredAt: 5 };

  it('are kept in the library that measured them', async () => {
    const { choices, settings } = library();
    await choices.deviceSpeeds.put('model|browser|4 threads|auto', record);
    expect(settings.get('device-speeds')).toEqual({ 'model|browser|4 threads|auto': record });
    expect(await choices.deviceSpeeds.get('model|browser|4 threads|auto')).toEqual(record);
  });

  it('are reused by another library opened in the same process, instead of probing again', async () => {
    await library().choices.deviceSpeeds.put('model|browser|2 threads|auto', record);
    const other = library();
    expect(await other.choices.deviceSpeeds.get('model|browser|2 threads|auto')).toEqual(record);
    expect(await other.choices.deviceSpeeds.get('model|other browser|2 threads|auto')).toBeUndefined();
  });

  it('prefer what the library itself stored', async () => {
    const key = 'model|browser|8 threads|auto';
    await library().choices.deviceSpeeds.put(key, record);
    const own = library();
    own.settings.set('device-speeds', { [key]: { ...record, batchSize: 32 } });
    expect((await own.choices.deviceSpeeds.get(key))?.batchSize).toBe(32);
  });
});
