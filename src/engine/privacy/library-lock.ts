// The library lock: which Store content goes through (the plain IndexedDB store, or the EncryptedStore wrapping it
// once unlocked), and the state the UI shows. The engine asks `content()` for every content read or write: while
// locked it throws LOCKED, so a locked library shows nothing and answers nothing. Settings stay readable while
// locked (they are preferences, stored plain; the KeyFile is one of them), so the app can start and ask for the
// passphrase; the few that are the user's words (collection names, custom redaction patterns) are sealed
// (privacy/sealed-settings.ts) and read only once unlocked.
import { TroveError } from '../core/errors.ts';
import { EncryptedStore } from './encrypted-store.ts';
import { SEALED_SETTINGS, isSealedSetting } from './sealed-settings.ts';
import type { Store } from '../store/store.ts';
import type { LockState } from '../api/privacy.ts';

/** Shortest passphrase accepted when turning the lock on (the KDF slows guessing; it cannot save "1234"). */
export const MIN_PASSPHRASE_LENGTH = 8;

export const LOSS_WARNING =
  'There is no way to recover a lost passphrase: whoever loses it loses the library (re-adding the files is the only way back).';

export class LibraryLock {
  private encrypted: EncryptedStore | null = null;

  private constructor(
    private readonly inner: Store,
    private current: LockState,
  ) {}

  /** Reads only the KeyFile's presence: an encrypted library starts locked. */
  static async open(inner: Store): Promise<LibraryLock> {
    return new LibraryLock(inner, (await EncryptedStore.isEncrypted(inner)) ? 'locked' : 'plain');
  }

  get state(): LockState {
    return this.current;
  }

  /** The store for documents, passages, vectors and indexes. Throws LOCKED while locked. */
  content(): Store {
    if (this.current === 'locked') throw new TroveError('LOCKED');
    return this.encrypted ?? this.inner;
  }

  /** The store for settings: readable whatever the state (the sealed keys only once unlocked). */
  settings(): Store {
    return this.encrypted ?? this.inner;
  }

  /**
   * What seals records kept outside the store under this lock: undefined for a library without the lock, LOCKED
   * while locked.
   */
  sealer(): Pick<EncryptedStore, 'sealOutside' | 'openOutside'> | undefined {
    if (this.current === 'locked') throw new TroveError('LOCKED');
    return this.encrypted ?? undefined;
  }

  /** Opens the library; a wrong passphrase throws WRONG_PASSPHRASE having read only the KeyFile. */
  async unlock(passphrase: string): Promise<Store> {
    if (this.current === 'plain')
      throw new TroveError('INVALID_ARGUMENT', 'This library is not encrypted: there is nothing to unlock.');
    if (this.current === 'unlocked') return this.content();
    const encrypted = await EncryptedStore.unlock(this.inner, passphrase, { sealSetting: isSealedSetting });
    // A library locked before these settings were sealed still holds them plain: seal them now.
    await encrypted.sealPlainSettings(SEALED_SETTINGS);
    this.encrypted = encrypted;
    this.current = 'unlocked';
    return this.encrypted;
  }

  /** Forgets the key (the caller drops its in-memory indexes). */
  lock(): void {
    if (this.current === 'plain') {
      throw new TroveError(
        'INVALID_ARGUMENT',
        'This library is not encrypted: turn the lock on first (Settings → Privacy).',
      );
    }
    this.encrypted?.lock();
    this.encrypted = null;
    this.current = 'locked';
  }

  /** Turns encryption on for an empty library; from now on every record is sealed. */
  async enable(passphrase: string, documentCount: number): Promise<Store> {
    if (this.current !== 'plain') throw new TroveError('INVALID_ARGUMENT', 'This library is already encrypted.');
    if (documentCount > 0) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `The lock can only be turned on for an empty library (this one has ${documentCount} document${documentCount === 1 ? '' : 's'}): ` +
          'use Forget everything (or delete the documents), turn the lock on, then add the files again.',
      );
    }
    if (typeof passphrase !== 'string' || passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `The passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters.`,
      );
    }
    const encrypted = await EncryptedStore.create(this.inner, passphrase, { sealSetting: isSealedSetting });
    // Collections and custom patterns made before the lock was turned on are sealed with it.
    await encrypted.sealPlainSettings(SEALED_SETTINGS);
    this.encrypted = encrypted;
    this.current = 'unlocked';
    return this.encrypted;
  }

  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    if (this.current === 'plain')
      throw new TroveError('INVALID_ARGUMENT', 'This library is not encrypted: there is no passphrase to change.');
    if (!this.encrypted) throw new TroveError('LOCKED');
    if (typeof newPassphrase !== 'string' || newPassphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `The new passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters.`,
      );
    }
    await this.encrypted.changePassphrase(oldPassphrase, newPassphrase);
  }

  close(): void {
    (this.encrypted ?? this.inner).close();
  }
}
