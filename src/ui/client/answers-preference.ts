// Whether the Answer panel is on, and which generator it uses: remembered in localStorage (a preference, not
// library content; Forget everything clears it with the rest). Read back field by field: anything else is "off".
export interface AnswersPreference {
  enabled: boolean;
  /** Generator registry id; absent: the registry's default for this build. */
  generatorId?: string;
}

const STORAGE_KEY = 'trove:answers';
export const ANSWERS_OFF: AnswersPreference = { enabled: false };

export function parseAnswersPreference(json: string | null): AnswersPreference {
  if (!json) return ANSWERS_OFF;
  try {
    const value = JSON.parse(json) as unknown;
    if (typeof value !== 'object' || value === null) return ANSWERS_OFF;
    const { enabled, generatorId } = value as Record<string, unknown>;
    const out: AnswersPreference = { enabled: enabled === true };
    if (typeof generatorId === 'string' && /^[\w./-]{1,200}$/.test(generatorId)) out.generatorId = generatorId;
    return out;
  } catch {
    return ANSWERS_OFF;
  }
}

export function loadAnswersPreference(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): AnswersPreference {
  try {
    return parseAnswersPreference(storage?.getItem(STORAGE_KEY) ?? null);
  } catch {
    return ANSWERS_OFF; // storage refused (private mode): off, as for a first visit
  }
}

export function saveAnswersPreference(
  preference: AnswersPreference,
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(preference));
  } catch {
    // Not remembered: the panel still follows the choice for this visit.
  }
}
