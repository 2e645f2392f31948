// Asks before a device/dtype change re-embeds the library, with what it costs (passages and measured time).
// Until the user answers, the model runs with the stored vectors' dtype, so nothing is re-embedded silently.
import { useState } from 'react';
import type { DtypeChange } from '../../../engine/api/index.ts';
import { plural } from '../../components/format.ts';

interface Props {
  change: DtypeChange;
  onAnswer: (accept: boolean) => Promise<unknown>;
}

/** "about 3 min", "about 40 s", "under a second". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `about ${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} min`;
  return `about ${(seconds / 3600).toFixed(1)} h`;
}

export function DtypeChangePrompt({ change, onAnswer }: Props) {
  const [busy, setBusy] = useState(false);
  const answer = (accept: boolean) => {
    setBusy(true);
    void onAnswer(accept).finally(() => setBusy(false));
  };
  const cost =
    change.estimatedSeconds !== undefined && change.passagesPerSecond !== undefined
      ? ` (${formatDuration(change.estimatedSeconds)} at ${change.passagesPerSecond.toFixed(1)} passages/s measured here)`
      : '';
  return (
    <div className="dtype-change" data-testid="dtype-change">
      <p className="dtype-change__text">
        {change.because === 'settings' ? 'Your settings ask for ' : 'This device would run the model as '}
        <strong>{change.to}</strong>, but your library’s vectors are <strong>{change.from}</strong>. Switching re-embeds{' '}
        {plural(change.passages, 'passage')}
        {cost}; search keeps using the current vectors until it is done.
      </p>
      <span className="dtype-change__actions">
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={() => answer(true)}
          data-testid="dtype-change-accept"
        >
          Re-embed as {change.to}
        </button>
        <button
          type="button"
          className="button button--small button--quiet"
          disabled={busy}
          onClick={() => answer(false)}
          data-testid="dtype-change-decline"
        >
          Keep {change.from}
        </button>
      </span>
    </div>
  );
}
