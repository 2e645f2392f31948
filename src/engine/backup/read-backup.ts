// Reads a .trove file: checks the signature, the format version, every section's SHA-256, the order and
// consistency of the entries and the declared counts, and refuses anything else with an IMPORT_INVALID error
// that says why. importBackup reads the file twice: once to verify all of it, once to write, so a damaged
// file writes nothing.
import { TroveError, throwIfAborted } from '../core/errors.ts';
import {
  BACKUP_FORMAT_VERSION,
  type BackupEntry,
  type BackupManifest,
  type BackupOptions,
  type BackupSink,
} from './backup-types.ts';
import {
  ByteReader,
  CHECKSUM_BYTES,
  FILE_HEADER_BYTES,
  MAGIC,
  MAX_SECTION_BYTES,
  SECTION_HEADER_BYTES,
  inputSize,
  kindOf,
  parseJson,
  sameBytes,
  sha256,
  type BackupInput,
  type SectionKind,
} from './container.ts';
import { EntryRules, decodeEntry, isCounts, isRecord } from './entry-codec.ts';
import { checkCollectionId } from '../store/record-schema.ts';

const SECTION_NAMES: Record<SectionKind, string> = {
  MANI: 'manifest',
  DOCU: 'document',
  CHNK: 'chunks',
  VECT: 'vectors',
  THRD: 'saved thread',
  IDXP: 'index page',
  'END.': 'end',
};

/** Sections one after another, each with its checksum verified. */
class SectionReader {
  private number = 0;

  constructor(
    readonly bytes: ByteReader,
    private readonly fail: (reason: string) => TroveError,
    /** The file's size when known: a section that claims more than is left is refused before any allocation. */
    private readonly totalBytes: number | undefined,
  ) {}

  /** The next section, or undefined at a clean end of input. */
  async next(): Promise<{ kind: SectionKind; payload: Uint8Array } | undefined> {
    const number = ++this.number;
    if (await this.bytes.atEnd()) return undefined;
    const header = await this.bytes.read(SECTION_HEADER_BYTES);
    if (header.byteLength < SECTION_HEADER_BYTES)
      throw this.fail(`it ends inside section ${number} (the file is truncated)`);
    const kind = kindOf(header.subarray(0, 4));
    if (!kind) throw this.fail(`section ${number} has an unknown type (the file is damaged)`);
    const length = new DataView(header.buffer).getUint32(4, true);
    if (length > MAX_SECTION_BYTES) {
      throw this.fail(
        `section ${number} claims ${length} bytes, more than the ${MAX_SECTION_BYTES / 2 ** 20} MiB a section may have (the file is damaged)`,
      );
    }
    const left = this.totalBytes === undefined ? undefined : this.totalBytes - this.bytes.position;
    if (left !== undefined && length + CHECKSUM_BYTES > left) {
      throw this.fail(
        `section ${number} (${SECTION_NAMES[kind]}) claims ${length} bytes but only ${Math.max(0, left - CHECKSUM_BYTES)} follow (the file is truncated or damaged)`,
      );
    }
    // Header, payload and checksum in one buffer: the hash reads header and payload in place, without a copy.
    const section = new Uint8Array(SECTION_HEADER_BYTES + length + CHECKSUM_BYTES);
    section.set(header, 0);
    const rest = await this.bytes.read(length + CHECKSUM_BYTES, section, SECTION_HEADER_BYTES);
    if (rest.byteLength < length + CHECKSUM_BYTES) {
      throw this.fail(`it ends inside section ${number} (${SECTION_NAMES[kind]}; the file is truncated)`);
    }
    const end = SECTION_HEADER_BYTES + length;
    if (!sameBytes(await sha256(section.subarray(0, end)), section.subarray(end))) {
      throw this.fail(`section ${number} (${SECTION_NAMES[kind]}) fails its SHA-256 checksum (the file is damaged)`);
    }
    return { kind, payload: section.subarray(SECTION_HEADER_BYTES, end) };
  }
}

export class BackupReader {
  private constructor(
    readonly manifest: BackupManifest,
    private readonly sections: SectionReader,
    private readonly fail: (reason: string) => TroveError,
    private readonly options: BackupOptions & { phase: 'verify' | 'import'; totalBytes?: number },
  ) {}

  /** Reads and checks the header and the manifest. */
  static async open(
    input: BackupInput,
    options: BackupOptions & { phase?: 'verify' | 'import' } = {},
  ): Promise<BackupReader> {
    const name = options.fileName ? `“${options.fileName}”` : 'The file';
    const fail = (reason: string) =>
      new TroveError('IMPORT_INVALID', `${name} is not a valid Trove library: ${reason}.`);
    const bytes = new ByteReader(input);
    try {
      const header = await bytes.read(FILE_HEADER_BYTES);
      if (header.byteLength < MAGIC.byteLength || !sameBytes(header.subarray(0, MAGIC.byteLength), MAGIC)) {
        throw fail('it does not start with the Trove library signature (is it a .trove file?)');
      }
      if (header.byteLength < FILE_HEADER_BYTES) throw fail('it ends inside its header (the file is truncated)');
      const version = new DataView(header.buffer).getUint32(8, true);
      const flags = new DataView(header.buffer).getUint32(12, true);
      if (version !== BACKUP_FORMAT_VERSION) {
        throw fail(
          version > BACKUP_FORMAT_VERSION
            ? `it was written in format version ${version}, and this Trove reads version ${BACKUP_FORMAT_VERSION} (update Trove)`
            : `its format version ${version} is unknown (this Trove reads version ${BACKUP_FORMAT_VERSION})`,
        );
      }
      if (flags !== 0) throw fail(`its header has unknown flags ${flags} (the file is damaged or from a newer Trove)`);
      const sections = new SectionReader(bytes, fail, inputSize(input));
      const section = await sections.next();
      if (section?.kind !== 'MANI') throw fail('its first section is not the manifest');
      const manifest = checkManifest(parseJson(section.payload, 'manifest', fail), fail);
      return new BackupReader(manifest, sections, fail, {
        ...options,
        phase: options.phase ?? 'verify',
        totalBytes: inputSize(input),
      });
    } catch (error) {
      await bytes.close();
      throw error;
    }
  }

  /** Every entry, checked; throws IMPORT_INVALID at the first problem (including a missing end or wrong counts). */
  async *entries(): AsyncGenerator<BackupEntry> {
    const { signal, onProgress } = this.options;
    const rules = new EntryRules(this.manifest, this.fail);
    const report = () =>
      onProgress?.({
        phase: this.options.phase,
        bytes: this.sections.bytes.position,
        totalBytes: this.options.totalBytes,
        totalDocuments: this.manifest.counts.documents,
        ...rules.counts,
      });
    try {
      for (;;) {
        throwIfAborted(signal);
        const section = await this.sections.next();
        if (!section) throw this.fail('it ends without its end section (the file is truncated)');
        if (section.kind === 'MANI') throw this.fail('it has a second manifest');
        if (section.kind === 'END.') {
          const counts = parseJson(section.payload, 'end section', this.fail);
          if (!isCounts(counts)) throw this.fail('its end section is malformed');
          const mismatch = rules.mismatch(counts) ?? rules.mismatch(this.manifest.counts);
          if (mismatch) throw this.fail(mismatch);
          if (!(await this.sections.bytes.atEnd())) throw this.fail('it has data after its end section');
          report();
          return;
        }
        const entry = decodeEntry(section.kind, section.payload, this.fail);
        rules.check(entry);
        report();
        yield entry;
      }
    } finally {
      await this.sections.bytes.close();
    }
  }
}

/** More dims than any embedding model has: a larger number means a damaged or hostile manifest. */
const MAX_DIMS = 16_384;

function checkManifest(value: unknown, fail: (reason: string) => TroveError): BackupManifest {
  if (!isRecord(value) || value.format !== 'trove-library') throw fail('its manifest is not a Trove library manifest');
  if (value.formatVersion !== BACKUP_FORMAT_VERSION)
    throw fail(`its manifest says format version ${String(value.formatVersion)}`);
  if (!isCounts(value.counts)) throw fail('its manifest has no valid counts');
  const model = value.model;
  if (model !== null) {
    if (
      !isRecord(model) ||
      typeof model.fingerprint !== 'string' ||
      !Number.isInteger(model.dims) ||
      (model.dims as number) <= 0 ||
      (model.dims as number) > MAX_DIMS ||
      (model.normalized !== undefined && typeof model.normalized !== 'boolean') ||
      (model.id !== undefined && typeof model.id !== 'string')
    ) {
      throw fail('its manifest names a model without a valid fingerprint and dims');
    }
  }
  if (typeof value.collection !== 'string' || typeof value.createdAt !== 'string')
    throw fail('its manifest is incomplete');
  if (value.collection !== '*') checkCollectionId(value.collection, 'its manifest', fail);
  if (value.collections !== undefined) value.collections = checkCollections(value.collections, fail);
  return value as unknown as BackupManifest;
}

/** The manifest's collection records: ids and names as text, ids never reserved keys, unknown keys dropped. */
function checkCollections(value: unknown, fail: (reason: string) => TroveError): BackupManifest['collections'] {
  if (!Array.isArray(value)) throw fail("its manifest's “collections” is not a list");
  return value.map((record: unknown, i) => {
    const what = `collection ${i} of its manifest`;
    if (!isRecord(record)) throw fail(`${what} is not an object`);
    if (typeof record.id !== 'string') throw fail(`${what} has no text “id”`);
    if (typeof record.name !== 'string') throw fail(`${what} has no text “name”`);
    if (typeof record.createdAt !== 'number' || !Number.isFinite(record.createdAt))
      throw fail(`${what} has no “createdAt” date as a finite number`);
    return { id: checkCollectionId(record.id, what, fail), name: record.name, createdAt: record.createdAt };
  });
}

/** Reads the whole file and checks all of it; returns its manifest. */
export async function verifyBackup(input: BackupInput, options: BackupOptions = {}): Promise<BackupManifest> {
  const reader = await BackupReader.open(input, { ...options, phase: 'verify' });
  for await (const entry of reader.entries()) void entry;
  return reader.manifest;
}

export interface ImportOptions extends BackupOptions {
  /** Called after the whole file verified and before anything is written: throw to refuse it (e.g. model mismatch). */
  accept?: (manifest: BackupManifest) => void | Promise<void>;
}

/**
 * Verifies the whole file, then writes it into the sink. `open` is called twice (a Uint8Array or a Blob can be
 * read twice); a file that fails verification writes nothing, and a write failure calls sink.abort().
 */
export async function importBackup(
  open: () => BackupInput,
  sink: BackupSink,
  options: ImportOptions = {},
): Promise<BackupManifest> {
  const manifest = await verifyBackup(open(), options);
  await options.accept?.(manifest);
  const reader = await BackupReader.open(open(), { ...options, phase: 'import' });
  await sink.begin(reader.manifest);
  try {
    for await (const entry of reader.entries()) await sink.write(entry);
    await sink.end();
  } catch (error) {
    await sink.abort(error);
    throw error;
  }
  return reader.manifest;
}
