// The settings in force, and which of them are the user's. Three sources meet at init: the build's choices (fill
// what the user never chose; where models come from is always the build's), the stored settings (the user's), and
// URL parameters (applied only where they narrow what is allowed). Only the user's changes are ever saved: session
// overrides never become permanent. Another tab's saved change is read back here (refresh) and applies at once.
// Every change, ours or another tab's, is passed to the parts it concerns (applySettingsChange).
// The settings that are the user's words (custom redaction patterns) are kept under their own key, which the
// library lock seals: while locked they are not read, and the settings in force have none (an empty list).
import type { EngineSettings, SettingsRefusal } from '../api/index.ts';
import { TroveError } from '../core/errors.ts';
import { setActiveModelHost } from '../models/model-host.ts';
import { setCustomModels } from '../models/model-registry.ts';
import type { Store } from '../store/store.ts';
import { consentedOverrides } from './consent.ts';
import { applySettingsChange, type SettingsEffects } from './settings-effects.ts';
import { DEFAULT_SETTINGS, mergeSettings } from './settings.ts';
import { PRIVATE_SETTINGS } from '../privacy/sealed-settings.ts';

const SETTINGS_KEY = 'engine-settings';
/** Settings stored under PRIVATE_SETTINGS (sealed when the library is encrypted), never with the plain ones. */
const PRIVATE_FIELDS = ['redactCustom'] as const satisfies ReadonlyArray<keyof EngineSettings>;
type PrivateField = (typeof PRIVATE_FIELDS)[number];

export class SettingsStore {
  private current: EngineSettings = DEFAULT_SETTINGS;
  /** The stored settings as this engine last read or wrote them: a refresh applies only another tab's change. */
  private storedJson = '{}';
  /** The settings as stored (what update builds on): never the build's or the URL's session overrides. */
  private persisted: Partial<EngineSettings> = {};
  /** The build's settings (init's overrides), for reading another tab's settings the way init read ours. */
  private build: Partial<EngineSettings> = {};
  /** URL parameters refused at init because they would widen what the user allowed. */
  private refusedAtInit: SettingsRefusal[] = [];

  constructor(
    /** Where settings are kept: readable while the library is locked. */
    private readonly store: () => Store,
    private readonly effects: SettingsEffects,
    /** True while the library is locked: the private settings cannot be read or written. */
    private readonly locked: () => boolean = () => false,
  ) {}

  get value(): EngineSettings {
    return this.current;
  }

  get refused(): SettingsRefusal[] {
    return this.refusedAtInit;
  }

  /** Reads the stored settings and applies the build's (`overrides`) and the URL's (`requested`) on top. */
  async open(store: Store, overrides: Partial<EngineSettings>, requested: Partial<EngineSettings>): Promise<void> {
    const stored = await this.readStored(store);
    this.storedJson = JSON.stringify(stored);
    this.persisted = safeSettings(stored);
    // The build's choices fill what the user never chose (a model switch made in this build survives a reload);
    // where the deployment keeps its models always comes from the build. URL parameters apply only where they
    // narrow what is allowed (never persisted).
    const allowed = mergeSettings(
      mergeSettings(mergeSettings(DEFAULT_SETTINGS, overrides), this.persisted),
      deploymentSettings(overrides),
    );
    const consent = consentedOverrides(allowed, requested);
    this.refusedAtInit = consent.refused;
    this.current = mergeSettings(allowed, consent.overrides);
    this.build = overrides;
    // The build's model host (VITE_TROVE_MODEL_HOST): every model load of this worker fetches from it.
    setActiveModelHost(this.current.modelHost);
    setCustomModels(this.current.customModels);
  }

  /** Saves the user's change (validated, with the stored settings only) and applies it. */
  async update(patch: Partial<EngineSettings>): Promise<EngineSettings> {
    const store = this.store();
    const previous = this.current;
    // A build setting: the page's CSP allows only the build's host, so it is not the user's to change.
    if (patch.modelHost !== undefined && patch.modelHost !== previous.modelHost) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        'modelHost is set when Trove is built (VITE_TROVE_MODEL_HOST), not in the settings.',
      );
    }
    const locked = this.locked();
    // (The settings form may send the fields unchanged: only a change is refused.)
    const changesPrivate = PRIVATE_FIELDS.some(
      (field) => patch[field] !== undefined && JSON.stringify(patch[field]) !== JSON.stringify(previous[field]),
    );
    if (locked && changesPrivate) {
      throw new TroveError('LOCKED', 'The custom redaction patterns are sealed: unlock the library to change them.');
    }
    const next = mergeSettings(previous, patch);
    // Only the stored settings and this change are saved: session overrides (build, URL) never become permanent.
    const persisted = { ...this.persisted, ...withoutUndefined(patch) };
    mergeSettings(DEFAULT_SETTINGS, persisted); // the saved form must validate on its own too
    await this.write(store, persisted, !locked);
    this.persisted = persisted;
    this.storedJson = JSON.stringify(persisted);
    this.current = next;
    this.changed(previous, next);
    return next;
  }

  /** Reads the stored settings again (another tab may have saved a change) and applies what changed. */
  async refresh(): Promise<void> {
    const stored = await this.readStored(this.store());
    const json = JSON.stringify(stored);
    if (json === this.storedJson) return; // our own write, or another key changed
    this.storedJson = json;
    this.persisted = safeSettings(stored);
    // Another tab saved settings: the user's explicit choice there wins over this page's start-up overrides.
    const previous = this.current;
    // The build's choices fill what the user never chose (another tab saves only what its user changed), and
    // where this deployment keeps its models is not a choice another tab can make: it stays.
    const withBuild = mergeSettings(mergeSettings(DEFAULT_SETTINGS, this.build), safeSettings(stored));
    const next = mergeSettings(withBuild, deploymentSettings(this.build));
    if (JSON.stringify(next) === JSON.stringify(previous)) return;
    this.current = next;
    this.changed(previous, next);
  }

  /** After unlock: reads the private settings (sealing any still stored with the plain ones) and applies them. */
  async unlocked(): Promise<void> {
    const store = this.store();
    const plain = (await store.getSetting<Partial<EngineSettings>>(SETTINGS_KEY)) ?? {};
    if (PRIVATE_FIELDS.some((field) => field in plain)) {
      // Written before these settings had their own key: move them there (sealed), out of the plain record.
      await this.write(store, await this.readStored(store), true);
    }
    this.storedJson = ''; // read everything again, the private part included
    await this.refresh();
  }

  /** On lock: forgets the private settings (they are not readable again until the next unlock). */
  lockedNow(): void {
    this.persisted = withoutPrivate(this.persisted);
    this.current = { ...this.current, redactCustom: [] };
    this.storedJson = '';
  }

  /** The stored settings: the plain record, and the private one unless locked (a stale private copy in the plain
   * record is never used while locked: it is moved out at the next unlock). */
  private async readStored(store: Store): Promise<Partial<EngineSettings>> {
    const plain = (await store.getSetting<Partial<EngineSettings>>(SETTINGS_KEY)) ?? {};
    if (this.locked()) return withoutPrivate(plain);
    const own = (await store.getSetting<Partial<EngineSettings>>(PRIVATE_SETTINGS)) ?? {};
    const kept: Partial<EngineSettings> = { ...plain };
    for (const field of PRIVATE_FIELDS)
      if (own[field] !== undefined) (kept as Record<string, unknown>)[field] = own[field];
    return kept;
  }

  /** Saves the plain settings, and the private ones under their own key when they can be written. */
  private async write(store: Store, settings: Partial<EngineSettings>, withPrivate: boolean): Promise<void> {
    if (withPrivate) {
      const own: Partial<Pick<EngineSettings, PrivateField>> = {};
      for (const field of PRIVATE_FIELDS) if (settings[field] !== undefined) own[field] = settings[field];
      await store.putSetting(PRIVATE_SETTINGS, own);
    }
    await store.putSetting(SETTINGS_KEY, withoutPrivate(settings));
  }

  private changed(previous: EngineSettings, next: EngineSettings): void {
    setCustomModels(next.customModels); // before anything looks the model up
    applySettingsChange(previous, next, this.effects);
  }
}

function withoutPrivate(settings: Partial<EngineSettings>): Partial<EngineSettings> {
  const kept = { ...settings };
  for (const field of PRIVATE_FIELDS) delete kept[field];
  return kept;
}

function withoutUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * Drops stored settings that no longer validate (e.g. a model removed from the registry) instead of failing to
 * start. Keys are checked together, not one by one: chunkTokens 32 is only valid with an overlap of at most 16.
 */
function safeSettings(stored: Partial<EngineSettings>): Partial<EngineSettings> {
  try {
    mergeSettings(DEFAULT_SETTINGS, stored);
    return stored;
  } catch {
    // Keep every key that validates with those kept so far; repeat while that admits more.
  }
  const kept: Partial<EngineSettings> = {};
  let merged = DEFAULT_SETTINGS;
  let remaining = Object.entries(stored) as Array<[keyof EngineSettings, never]>;
  for (let progress = true; progress && remaining.length > 0;) {
    progress = false;
    const rejected: typeof remaining = [];
    for (const [key, value] of remaining) {
      try {
        merged = mergeSettings(merged, { [key]: value });
        kept[key] = value;
        progress = true;
      } catch {
        rejected.push([key, value]);
      }
    }
    remaining = rejected;
  }
  return kept;
}

/** The parts of the build's settings that describe the deployment rather than a user's choice. */
function deploymentSettings(build: Partial<EngineSettings>): Partial<EngineSettings> {
  const kept: Partial<EngineSettings> = {};
  if (build.localModelPath !== undefined) kept.localModelPath = build.localModelPath;
  if (build.modelHost !== undefined) kept.modelHost = build.modelHost;
  return kept;
}
