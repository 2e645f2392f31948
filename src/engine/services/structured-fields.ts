// The text fields of a table or JSON document, read back and changed after it was added: a batch takes the
// suggested fields without asking, so the choice must be open afterwards. Which fields were used is read from the
// stored records (a text field's values are the passage text, so it never appears, non-empty, among a record's
// metadata) against the fields of the kept original. Changing them indexes the kept original again with the new
// choice, replacing the document once the new version is complete. Without a kept original the fields cannot be
// read again (the stored text keeps the values, not which field each came from), and the answer says so.
import type { FileInput, IngestProgress, StructuredFields } from '../api/index.ts';
import { collectionOf } from '../core/collections.ts';
import { TroveError } from '../core/errors.ts';
import { previewRecords } from '../ingest/record-preview.ts';
import type { LibraryCatalogue } from '../library/catalogue.ts';
import type { Store } from '../store/store.ts';

/** The longest list of text fields a caller may send (a table of more columns than this is not a document). */
const MAX_FIELDS = 1_000;

export interface StructuredFieldsParts {
  /** The content store (throws while locked). */
  store: () => Store;
  catalogue: LibraryCatalogue;
  /** Adds files through the ingest pipeline (a replacing version of the document is one). */
  ingest: (files: FileInput[], onProgress: (progress: IngestProgress) => void) => Promise<IngestProgress[]>;
}

export class StructuredFieldsService {
  constructor(private readonly parts: StructuredFieldsParts) {}

  async get(id: number): Promise<StructuredFields> {
    const doc = this.document(id);
    const store = this.parts.store();
    const text = await store.getText(id);
    if (!text) throw new TroveError('NOT_FOUND', `No document with id ${id}.`);
    // A field with a value among a record's metadata was not a text field.
    const metadata = new Set<string>();
    for (const block of text.blocks) {
      if (block.kind !== 'record' || !block.fields) continue;
      for (const [field, value] of Object.entries(block.fields))
        if (value !== null && value !== '') metadata.add(field);
    }
    const original = await store.getOriginal(id);
    if (!original) {
      return {
        documentId: id,
        fields: [...metadata],
        textFields: [],
        suggestedTextFields: [],
        rows: [],
        canChange: false,
        reason:
          `The original file of “${doc.name}” was not kept (the setting “keep original files” was off, storage ` +
          `was full, or it was redacted), so its fields cannot be read again. Add the file again to choose them.`,
      };
    }
    const preview = previewRecords(new Uint8Array(original.bytes), original.name);
    return {
      documentId: id,
      fields: preview.fields,
      textFields: preview.fields.filter((f) => !metadata.has(f)),
      suggestedTextFields: preview.suggestedTextFields,
      rows: preview.rows,
      canChange: true,
    };
  }

  /** Indexes the document again from its kept original with `textFields` as its text; answers when it is done. */
  async set(id: number, textFields: unknown): Promise<IngestProgress> {
    const doc = this.document(id);
    if (
      !Array.isArray(textFields) ||
      textFields.length === 0 ||
      textFields.length > MAX_FIELDS ||
      !textFields.every((f): f is string => typeof f === 'string')
    ) {
      throw new TroveError('INVALID_ARGUMENT', 'Choose at least one text field (a list of field names).');
    }
    const current = await this.get(id);
    if (!current.canChange) throw new TroveError('INVALID_ARGUMENT', current.reason!);
    const unknown = textFields.filter((f) => !current.fields.includes(f));
    if (unknown.length > 0) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `“${doc.name}” has no field ${unknown.map((f) => `“${f}”`).join(', ')}.`,
      );
    }
    const original = await this.parts.store().getOriginal(id);
    if (!original) throw new TroveError('NOT_FOUND', `The original file of “${doc.name}” is no longer kept.`);
    // The new version replaces the document of the same bytes; another copy of those bytes would be ambiguous.
    const collection = collectionOf(doc);
    const twins = [...this.parts.catalogue.docs.values()].filter(
      (d) => d.id !== id && d.sha256 === doc.sha256 && collectionOf(d) === collection && d.replaces === undefined,
    );
    if (twins.length > 0) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `“${doc.name}” is in this collection twice (as “${twins[0].name}” too): delete one copy first.`,
      );
    }
    const [result] = await this.parts.ingest(
      [
        {
          jobId: `fields-${id}-${Date.now().toString(36)}`,
          name: doc.name,
          type: original.type,
          data: original.bytes,
          collection,
          folder: doc.folder,
          lastModified: doc.modifiedAt,
          onDuplicate: 'replace',
          textFields,
        },
      ],
      () => undefined,
    );
    if (result.stage === 'failed')
      throw new TroveError(
        result.error?.code ?? 'INTERNAL',
        result.error?.message ?? `“${doc.name}” could not be indexed again.`,
      );
    return result;
  }

  private document(id: number) {
    const doc = this.parts.catalogue.docs.get(id);
    if (!doc) throw new TroveError('NOT_FOUND', `No document with id ${id}.`);
    if (doc.format !== 'csv' && doc.format !== 'json') {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `“${doc.name}” is not a table or JSON file: it has no fields to choose.`,
      );
    }
    return doc;
  }
}
