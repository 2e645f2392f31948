// A saved thread in a .trove THRD section: written and read back exactly; a malformed one is refused on its own
// (never an exception that would refuse the whole file); citations move to the imported passages' ids.
import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { THREAD_RECORD_VERSION, type ThreadContent } from '../store/thread-record.ts';
import { jsonBytes } from './container.ts';
import { decodeEntry, encodeEntry } from './entry-codec.ts';
import { GONE_ID, remapThread } from './thread-entry.ts';

const fail = (reason: string) => new TroveError('IMPORT_INVALID', reason);

const thread: ThreadContent = {
  version: THREAD_RECORD_VERSION,
  title: 'Why sourdough rises',
  savedAt: 1_700_000_000_000,
  updatedAt: 1_700_000_100_000,
  turns: [
    {
      question: 'Why does it rise?',
      retrievalQuery: 'Why does it rise?',
      state: 'done',
      text: 'Bacteria [1].',
      stoppedBy: 'eos',
      passages: [
        {
          n: 1,
          chunkId: 11,
          documentId: 3,
          title: 'bread.txt',
          location: '',
          text: 'Bacteria…',
          score: 0.9,
          start: 0,
          end: 9,
        },
        {
          n: 2,
          chunkId: 12,
          documentId: 4,
          title: 'gone.txt',
          location: 'p. 2',
          text: 'Old',
          score: 0.5,
          start: 5,
          end: 8,
          page: 2,
        },
      ],
    },
  ],
};

describe('saved threads in .trove files', () => {
  it('round-trips a saved thread in its own section, field for field', () => {
    const [kind, payload] = encodeEntry({ kind: 'thread', thread });
    expect(kind).toBe('THRD');
    expect(decodeEntry(kind, payload, fail)).toEqual({ kind: 'thread', thread });
  });

  it('refuses a malformed thread on its own: wrong types, bad ids, unknown version, oversized, too deep, not JSON', () => {
    const turn = thread.turns[0]!;
    const bad: unknown[] = [
      'a string',
      { ...thread, version: 99 },
      { ...thread, title: 42 },
      { ...thread, turns: [] },
      { ...thread, turns: [{ ...turn, passages: [{ ...turn.passages[0], chunkId: -1 }] }] },
      { ...thread, turns: [{ ...turn, passages: [{ ...turn.passages[0], text: { html: '<img onerror>' } }] }] },
      { ...thread, turns: [{ ...turn, state: 'streaming' }] },
      { ...thread, title: 'x'.repeat(3 * 1024 * 1024) },
    ];
    const payloads = bad.map((value) => jsonBytes(value));
    payloads.push(new TextEncoder().encode('{"version":1,"title":'), jsonBytes(nest(100)));
    for (const payload of payloads) {
      const entry = decodeEntry('THRD', payload, fail);
      expect(entry.kind, new TextDecoder().decode(payload.subarray(0, 80))).toBe('refusedThread');
    }
  });

  it('moves citations to the imported ids, and marks those the file has no passage for as gone', () => {
    const moved = remapThread(thread, new Map([[3, 30]]), new Map([[11, 110]]));
    const [kept, gone] = moved.turns[0]!.passages;
    expect(kept).toMatchObject({ chunkId: 110, documentId: 30, text: 'Bacteria…' });
    expect(gone).toMatchObject({ chunkId: GONE_ID, documentId: GONE_ID, text: 'Old', page: 2 });
    expect(thread.turns[0]!.passages[0]!.chunkId).toBe(11);
  });
});

function nest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}
