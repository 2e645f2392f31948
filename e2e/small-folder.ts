// A folder of many small notes, written at test time (never committed): each note has its own name and a word found
// in no other note, so a test can look every note up by that word and tell a duplicate from a distinct file.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SmallNote {
  /** Path inside the folder, '/' separated. */
  path: string;
  name: string;
  /** A word in this note only. */
  token: string;
}

const WORDS =
  'harbour ledger lantern meadow orchard quarry saddle timber valley willow anchor beacon canyon delta ember fjord glacier heron inlet juniper'.split(
    ' ',
  );

/** Letters only (the keyword analyzer keeps them whole): "qx" + the index in base 26 + "z". */
export function noteToken(index: number): string {
  let letters = '';
  let n = index;
  do {
    letters = String.fromCharCode(97 + (n % 26)) + letters;
    n = Math.floor(n / 26);
  } while (n > 0);
  return `qx${letters.padStart(4, 'a')}z`;
}

export function smallNotes(count: number): Array<SmallNote & { text: string }> {
  return Array.from({ length: count }, (_, i) => {
    const name = `note-${String(i).padStart(5, '0')}.md`;
    const path = `notes/part-${String(Math.floor(i / 100)).padStart(2, '0')}/${name}`;
    const token = noteToken(i);
    const words = Array.from({ length: 40 }, (_, w) => WORDS[(i * 7 + w * 3) % WORDS.length]).join(' ');
    const text = `# Note ${i}\n\nThis note keeps the word ${token} for note ${i}.\n\n${words}.\n`;
    return { path, name, token, text };
  });
}

/** Writes the notes under `dir` (its "notes" sub-folder is the folder to add). */
export async function writeSmallFolder(dir: string, count: number): Promise<SmallNote[]> {
  const notes = smallNotes(count);
  for (const note of notes) {
    const file = join(dir, note.path);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, note.text);
  }
  return notes.map(({ path, name, token }) => ({ path, name, token }));
}
