// The library lock (encryption at rest) and forgetting everything.
import type { LibraryStats } from './library.ts';
import type { EngineSettings } from './settings.ts';

/** 'plain': not encrypted; 'locked': encrypted, passphrase needed; 'unlocked': encrypted and open. */
export type LockState = 'plain' | 'locked' | 'unlocked';

export interface PrivacyApi {
  /** 'plain' (not encrypted), 'locked' (encrypted, passphrase needed) or 'unlocked'. */
  lockState(): Promise<LockState>;
  /** Opens an encrypted library; a wrong passphrase is refused (WRONG_PASSPHRASE) without touching data. */
  unlock(passphrase: string): Promise<{ settings: EngineSettings; stats: LibraryStats }>;
  /** Forgets the key and every in-memory index: every content call answers LOCKED until unlock. */
  lock(): Promise<void>;
  /** Encrypts an EMPTY library from now on. Losing the passphrase loses the library. */
  enableEncryption(passphrase: string): Promise<void>;
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void>;
  /** Closes the library and deletes its databases; returns what was removed, in words. The engine is closed after. */
  forgetEverything(): Promise<string[]>;
}
