// The colour theme: follow the system (default), or a choice the user made, kept in localStorage. The stylesheet
// does the rest: data-theme on <html> sets color-scheme, which light-dark() colours follow.
import { useCallback, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
const STORAGE_KEY = 'trove-theme';

export function storedTheme(): ThemeChoice {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system'; // storage can be blocked (privacy settings); the system theme still works
  }
}

export function applyTheme(choice: ThemeChoice): void {
  const root = globalThis.document?.documentElement;
  if (!root) return;
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
}

function storeTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // not persisted; the choice still holds for this page
  }
}

// Applied when the UI module loads, before the first render, so a chosen theme does not flash the other one.
applyTheme(storedTheme());

export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  const choose = useCallback((next: ThemeChoice) => {
    applyTheme(next);
    storeTheme(next);
    setChoice(next);
  }, []);
  return [choice, choose];
}
