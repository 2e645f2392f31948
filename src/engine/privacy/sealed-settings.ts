// The settings sealed under the library lock: those that hold the user's words rather than preferences. Collection
// names (a name such as "Divorce lawyer" says what the library holds) and custom redaction patterns (usually the
// very secret they mask). Every other setting stays plain, so a locked app can start and ask for the passphrase.

/** The collection records (ids, names, dates). Only read through the content store, so never while locked. */
export const COLLECTIONS_SETTING = 'collections';
/** The settings that are the user's words (custom redaction patterns), kept apart from the plain preferences. */
export const PRIVATE_SETTINGS = 'engine-settings-private';

const SEALED = new Set([COLLECTIONS_SETTING, PRIVATE_SETTINGS]);

/** Whether an encrypted library seals this settings key. */
export function isSealedSetting(key: string): boolean {
  return SEALED.has(key);
}

/** Every sealed settings key (the unlock seals those a library locked before they were sealed still holds plain). */
export const SEALED_SETTINGS: readonly string[] = [...SEALED];
