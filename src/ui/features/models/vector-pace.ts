// Words for the measured embedding speed: the pace of vectors being added in the background with the time left,
// and how the device and batch size were chosen. Plain functions over the status fields, so they are easy to test.
import type { DeviceSpeed, ModelStatus } from '../../../engine/api/index.ts';
import { deviceName } from '../../components/format.ts';
import { formatEta } from './reembed-eta.ts';

/** "64", "38.9", "0.42": enough digits to compare rates, no more. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'too fast to time';
  if (perSecond >= 100) return Math.round(perSecond).toLocaleString();
  if (perSecond >= 10) return perSecond.toFixed(1);
  return perSecond.toPrecision(2);
}

/** "85 passages/s · about 2 min left", or undefined while no pace is known. */
export function vectorPaceText(progress: ModelStatus['vectorProgress']): string | undefined {
  if (!progress) return undefined;
  return `${formatRate(progress.passagesPerSecond)} passages/s · ${formatEta(progress.secondsLeft)}`;
}

/**
 * The speed chip: the measured rate of the device in use (or its batch size when only that was measured), and a
 * title with every device's rate, e.g. "Measured here: WASM 64 passages/s, WebGPU 38.9 passages/s; 16 per batch".
 */
export function deviceSpeedSummary(speed: DeviceSpeed, device: ModelStatus['device']): { chip: string; title: string } {
  const rateHere = device ? speed.passagesPerSecond[device] : undefined;
  const chip = rateHere !== undefined ? `${formatRate(rateHere)} passages/s` : `batches of ${speed.batchSize}`;
  const rates = Object.entries(speed.passagesPerSecond)
    .sort(([, a], [, b]) => b - a)
    .map(([name, rate]) => `${deviceName(name as ModelStatus['device']) ?? name} ${formatRate(rate)} passages/s`);
  const measured = rates.length > 0 ? `Measured here: ${rates.join(', ')}; ` : 'Measured here: ';
  const when = speed.remembered ? ` (remembered from ${new Date(speed.measuredAt).toLocaleDateString()})` : '';
  return { chip, title: `${measured}${speed.batchSize} passages per batch${when}` };
}
