// Whether table and JSON files added on their own skip the field chooser and take the suggested text fields (a batch
// never waits for the chooser). Kept in localStorage: it is a preference of this browser, not of the library.

const STORAGE_KEY = 'trove.records.alwaysSuggested';

export function loadAlwaysSuggested(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): boolean {
  try {
    return storage?.getItem(STORAGE_KEY) === 'true';
  } catch {
    return false; // storage blocked: ask, as by default
  }
}

export function saveAlwaysSuggested(
  value: boolean,
  storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined = globalThis.localStorage,
): void {
  try {
    if (value) storage?.setItem(STORAGE_KEY, 'true');
    else storage?.removeItem(STORAGE_KEY);
  } catch {
    // storage blocked or full: the choice holds for this page only
  }
}
