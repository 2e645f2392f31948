// What this library remembers about running models on this device, kept in its settings store so a restart neither
// checks nor asks again: the WebGPU numeric self-check verdicts (by model, revision, dtype and adapter), and the
// dtype changes the user declined.
import type { DeviceCheckMemory, DeviceCheckVerdict } from '../embed/device-self-check.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import type { Store } from '../store/store.ts';

const DEVICE_CHECKS_KEY = 'device-checks';
const DTYPE_DECLINES_KEY = 'dtype-declines';

export interface DeviceChoiceParts {
  /** The content store while the library is open, else null. */
  openStore: () => Store | null;
  /** The content store (throws while locked). */
  store: () => Store;
  /** Writes go through the work queue, like every write to the library. */
  queue: WorkQueue;
}

export class DeviceChoices {
  /** Dtype changes the user declined ("model|from|to|setting"). */
  private declined = new Set<string>();

  /** Declined dtype changes, as the model lifecycle asks and records them. */
  readonly declinedChanges = {
    has: (key: string): boolean => this.declined.has(key),
    add: (key: string): void => {
      this.declined.add(key);
      const all = [...this.declined];
      void this.parts.queue
        .enqueue(() => this.parts.store().putSetting(DTYPE_DECLINES_KEY, all))
        .catch(() => undefined);
    },
  };

  /** WebGPU self-check verdicts, kept in one store setting (written through the work queue). */
  readonly deviceChecks: DeviceCheckMemory;

  constructor(private readonly parts: DeviceChoiceParts) {
    const read = async () =>
      (await parts.openStore()?.getSetting<Record<string, DeviceCheckVerdict>>(DEVICE_CHECKS_KEY)) ?? {};
    this.deviceChecks = {
      get: async (key) => (await read())[key],
      put: (key, verdict) =>
        parts.queue.enqueue(async () => {
          const all = await read();
          await parts.store().putSetting(DEVICE_CHECKS_KEY, { ...all, [key]: verdict });
        }),
    };
  }

  /** Reads the declined changes of the library just opened. */
  async load(store: Store): Promise<void> {
    this.declined = new Set((await store.getSetting<string[]>(DTYPE_DECLINES_KEY)) ?? []);
  }
}
