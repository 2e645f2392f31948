// The Privacy page: in plain words, what Trove stores where, what leaves the device, and how to delete it all.
import { useEffect, useId, useRef } from 'react';
import { CONTENT_SECURITY_POLICY } from '../../../security-headers.ts';
import { modelHostConnectSources, parseModelHost } from '../../../engine/public.ts';
import { useEngine } from '../../client/engine-context.ts';
import { ForgetEverything } from './ForgetEverything.tsx';
import '../../components/dialogs.css';
import './privacy.css';

/** The hosts model files may come from: read from the Content Security Policy the app is served with. */
export const MODEL_HOSTS: string[] = (/connect-src ([^;]+)/.exec(CONTENT_SECURITY_POLICY)?.[1] ?? '')
  .split(/\s+/)
  .filter((source) => source.startsWith('https://'));

// The build's host (VITE_TROVE_MODEL_HOST), as the CSP allows it; a `self` build names this site.
function modelHostSources(value: string): string[] {
  const host = parseModelHost(value);
  return host.kind === 'self' ? ['this site only'] : modelHostConnectSources(host);
}

interface Props {
  open: boolean;
  onClose: () => void;
}

export function PrivacyDialog({ open, onClose }: Props) {
  const { settings, lock } = useEngine();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    else if (!open && element.open) element.close();
  }, [open]);

  return (
    <dialog
      ref={dialog}
      className="dialog dialog--wide"
      aria-labelledby={`${id}-title`}
      data-testid="privacy-dialog"
      onClose={onClose}
    >
      <div className="privacy">
        <h2 id={`${id}-title`} className="dialog__title">
          Privacy
        </h2>
        <h3>What is stored, and where</h3>
        <ul>
          <li>
            <strong>In this browser's IndexedDB</strong> (database “trove”): your documents' text, the passages cut from
            them, their vectors (numbers that capture meaning), the search indexes and your settings.{' '}
            {lock === 'plain' || lock === undefined
              ? 'They are stored as they are: anyone with access to this browser profile can read them. Turn on the library lock in Settings to encrypt them.'
              : 'The library lock is on: text, passages, vectors and indexes are encrypted with a key made from your passphrase (AES-GCM); only settings are stored plain.'}
          </li>
          <li>
            <strong>In Cache Storage</strong>: the app itself (so it opens offline) and downloaded model files.
          </li>
          <li>
            <strong>Live folders</strong> (database “trove-live-folders”): for each folder kept in sync, the browser's
            access handle to it, its name, what its last scan changed and which files it could not add. With the library
            lock on, all but a random id is encrypted, and the access handle is not kept (the browser would store the
            folder's path with it, unencrypted): after a reload you choose each folder again. The folder is read only
            while Trove is open.
          </li>
          <li data-testid="privacy-originals">
            <strong>Original files</strong>:{' '}
            {settings?.keepOriginals === false
              ? 'not kept (Settings → Original files): only the text read from them.'
              : 'a copy of each file added is kept with its document, in the same database and under the same lock, for the page view and download (Settings → Original files turns this off). Files with redacted personal data are never kept.'}{' '}
            {settings?.keepPictureMetadata
              ? 'Photos are kept with their camera data (where and when they were taken), as you chose.'
              : 'Photos are kept without their camera data (where and when they were taken, the camera, the author).'}{' '}
            With image search on, each picture also has a small thumbnail (which never holds camera data) and a vector.
          </li>
        </ul>
        <h3>What leaves this device</h3>
        <ul>
          <li>Your documents, passages and searches never leave this browser: they are processed here.</li>
          <li data-testid="privacy-egress">
            Only model files are ever downloaded, and only when downloads are allowed
            {settings
              ? settings.allowRemoteModels
                ? ' (now: allowed)'
                : ' (now: off — models load only from this site)'
              : ''}
            , from{' '}
            {(settings ? modelHostSources(settings.modelHost) : MODEL_HOSTS).map((host, i) => (
              <span key={host}>
                {i > 0 && ', '}
                <code>{host}</code>
              </span>
            ))}
            . A download sends no data of yours, only which file is wanted. Links cannot turn downloads on: only you
            can, in Settings.
          </li>
        </ul>
        <h3>Delete it all</h3>
        <p>
          Deleting a document removes its text, passages, vectors and index entries. <strong>Forget everything</strong>{' '}
          removes the whole library from this browser: the IndexedDB databases, the app's offline copy (and model files,
          if you tick the box), the service worker and stored preferences.
        </p>
        <ForgetEverything />
        <div className="dialog__actions">
          <button type="button" className="button button--quiet" onClick={onClose} data-testid="privacy-close">
            Close
          </button>
        </div>
      </div>
    </dialog>
  );
}
