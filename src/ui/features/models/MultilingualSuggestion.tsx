// When most of the library is not in English and the model is not a multilingual one: suggest the model that is.
import type { LibraryStats } from '../../../engine/api/index.ts';
import { useEngine } from '../../client/engine-context.ts';

export function MultilingualSuggestion({ stats }: { stats: LibraryStats | undefined }) {
  const { settings, saveSettings } = useEngine();
  if (!stats?.mostlyNonEnglish || !settings || settings.modelId.startsWith('multilingual')) return null;
  return (
    <p className="hint" data-testid="multilingual-suggestion">
      Most of your library is not in English. The multilingual-e5-small model understands about 100 languages:{' '}
      <button
        type="button"
        className="link-button"
        onClick={() => void saveSettings({ modelId: 'multilingual-e5-small' })}
      >
        switch to it
      </button>
      .
    </p>
  );
}
