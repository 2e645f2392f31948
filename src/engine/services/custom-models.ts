// Custom embedding models: a Hugging Face repo the user names is read from the model host (only when downloads are
// allowed) and checked; one that can be used joins settings.customModels, for the user to pick like any other.
import type { CustomModelCheck, EngineSettings } from '../api/index.ts';
import { TroveError } from '../core/errors.ts';
import { checkCustomModel } from '../models/custom-model.ts';
import { fetchRepoFacts } from '../models/custom-model-fetch.ts';
import { parseModelHost } from '../models/model-host.ts';

export interface CustomModelParts {
  settings: () => EngineSettings;
  updateSettings: (patch: Partial<EngineSettings>) => Promise<EngineSettings>;
  /** Absolute URL of the self-hosted models folder. */
  localModelUrl: () => string;
  /** Deletes a model's cached files. */
  removeCached: (id: string) => Promise<number>;
}

export class CustomModels {
  constructor(private readonly parts: CustomModelParts) {}

  async add(repo: string): Promise<{ check: CustomModelCheck; settings: EngineSettings }> {
    const settings = this.parts.settings();
    const host = parseModelHost(settings.modelHost);
    if (host.kind === 'remote' && !settings.allowRemoteModels) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `Model downloads are off (Settings): Trove reads nothing from ${new URL(host.url).host} until you allow it.`,
      );
    }
    const facts = await fetchRepoFacts(repo.trim(), { host, localModelUrl: this.parts.localModelUrl() }, (url, init) =>
      fetch(url, init),
    );
    const check = checkCustomModel(facts);
    if (!check.ok || !check.spec) return { check, settings };
    const customModels = [...settings.customModels.filter((m) => m.id !== check.spec!.id), check.spec];
    return { check, settings: await this.parts.updateSettings({ customModels }) };
  }

  async remove(id: string): Promise<EngineSettings> {
    if (this.parts.settings().modelId === id) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        'This model is in use: choose another embedding model first, then remove it.',
      );
    }
    await this.parts.removeCached(id).catch(() => 0);
    return this.parts.updateSettings({ customModels: this.parts.settings().customModels.filter((m) => m.id !== id) });
  }
}
