// Settings from URL parameters may narrow what the user allowed, never widen it: with downloads off, ?remote=1 is
// refused (and said so). Nothing here is persisted: the engine saves
// only the stored settings plus the user's own changes.
import type { EngineSettings } from '../api/index.ts';
import { getModelSpec } from '../models/model-registry.ts';
import type { SettingsRefusal } from '../api/settings.ts';

export function consentedOverrides(
  allowed: EngineSettings,
  requested: Partial<EngineSettings>,
): { overrides: Partial<EngineSettings>; refused: SettingsRefusal[] } {
  const overrides: Partial<EngineSettings> = {};
  const refused: SettingsRefusal[] = [];
  for (const [key, value] of Object.entries(requested) as Array<[keyof EngineSettings, unknown]>) {
    if (value === undefined) continue;
    if (key === 'allowRemoteModels') {
      if (value === true && !allowed.allowRemoteModels) {
        refused.push({
          key,
          reason: 'Model downloads are off: the link asked to turn them on, which only you can do (Settings).',
        });
      } else if (value === false) {
        overrides.allowRemoteModels = false;
      }
    } else if (key === 'modelId') {
      // Another model is no wider consent: with downloads off it is loaded from the local path only.
      try {
        getModelSpec(String(value));
        overrides.modelId = String(value);
      } catch {
        refused.push({ key, reason: `There is no model “${String(value)}”.` });
      }
    } else if (key === 'device') {
      overrides.device = value as EngineSettings['device']; // which processor runs the model: no consent involved
    } else {
      refused.push({ key, reason: `“${key}” cannot be set from a link.` });
    }
  }
  return { overrides, refused };
}
