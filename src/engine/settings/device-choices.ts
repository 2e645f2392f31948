// What this library remembers about running models on this device, kept in its settings store so a restart neither
// checks, measures nor asks again: the WebGPU numeric self-check verdicts (by model, revision, dtype and adapter), the
// measured device speeds and batch sizes (by model, dtypes, adapter and browser), and the dtype changes the user
// declined.
import type { DeviceCheckMemory, DeviceCheckVerdict } from '../embed/device-self-check.ts';
import { parseDeviceSpeedRecord, type DeviceSpeedMemory, type DeviceSpeedRecord } from '../embed/device-speed.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import type { Store } from '../store/store.ts';

const DEVICE_CHECKS_KEY = 'device-checks';
const DTYPE_DECLINES_KEY = 'dtype-declines';
const DEVICE_SPEEDS_KEY = 'device-speeds';
/**
 * Speeds measured in this worker or Node process, by key. The key names the model, browser, adapter and threads, so a
 * measurement holds for every library opened here: a library opened again (another one, the CLI's next command, a
 * test's fresh database) reuses it instead of spending another second on the probe.
 */
const measuredInThisProcess = new Map<string, DeviceSpeedRecord>();

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

  /** Measured device speeds and batch sizes, kept in one store setting (read back field by field). */
  readonly deviceSpeeds: DeviceSpeedMemory;

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
    const readSpeeds = async (): Promise<Record<string, unknown>> => {
      const stored = await parts.openStore()?.getSetting<unknown>(DEVICE_SPEEDS_KEY);
      return typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
    };
    this.deviceSpeeds = {
      get: async (key) => {
        const all = await readSpeeds();
        return (
          (Object.hasOwn(all, key) ? parseDeviceSpeedRecord(all[key]) : undefined) ?? measuredInThisProcess.get(key)
        );
      },
      put: (key, record) => {
        measuredInThisProcess.set(key, record);
        return parts.queue.enqueue(async () => {
          const all = await readSpeeds();
          await parts.store().putSetting(DEVICE_SPEEDS_KEY, { ...all, [key]: record });
        });
      },
    };
  }

  /** Reads the declined changes of the library just opened. */
  async load(store: Store): Promise<void> {
    this.declined = new Set((await store.getSetting<string[]>(DTYPE_DECLINES_KEY)) ?? []);
  }
}
