import { describe, expect, it } from 'vitest';
import { formatFixtures } from '../../../../scripts/make-format-fixtures.mjs';
import { blockProblems } from '../../testing/ingest-test-utils.ts';
import { codeBlocks, codeParser, isTopLevelDefinition } from './code.ts';

const blocksOf = (text: string) => codeBlocks(text).map((b) => text.slice(b.start, b.end));

describe('code parser', () => {
  it('records the language and cuts at blank lines and before top-level definitions', async () => {
    const doc = await codeParser.parse(formatFixtures()['src/httpHeaders.ts']!, 'src/httpHeaders.ts');
    expect(doc).toMatchObject({ format: 'code', codeLanguage: 'typescript' });
    const blocks = doc.blocks.map((b) => doc.text.slice(b.start, b.end));
    expect(blocks).toHaveLength(4);
    expect(blocks[2]).toMatch(/^\/\*\* Splits "Name: value" into its parts. \*\/\nexport function parseHttpHeader/); // doc comment kept with it
    expect(blocks[3]).toMatch(/^export function formatHttpHeader/); // no blank line before it, still its own block
    expect(doc.blocks.every((b) => b.kind === 'code')).toBe(true);
    expect(blockProblems(doc)).toEqual([]);
  });

  it('keeps indented code (methods, nested defs) inside its top-level block', () => {
    const py =
      'class A:\n    def f(self):\n        return 1\n    def g(self):\n        return 2\ndef top():\n    pass\n';
    expect(blocksOf(py)).toEqual([
      'class A:\n    def f(self):\n        return 1\n    def g(self):\n        return 2',
      'def top():\n    pass',
    ]);
    const rust = '#[derive(Debug)]\npub struct P { x: i32 }\nimpl P {\n    pub fn new() -> Self { P { x: 0 } }\n}\n';
    expect(blocksOf(rust)).toEqual([
      '#[derive(Debug)]\npub struct P { x: i32 }',
      'impl P {\n    pub fn new() -> Self { P { x: 0 } }\n}',
    ]);
  });

  it('knows definitions in the common languages', () => {
    for (const line of [
      'function f() {',
      'export default class X {}',
      'async function g()',
      'def f(x):',
      'pub(crate) fn f()',
      'func main() {',
      'public class Main {',
      'interface I {',
      'type T = number;',
      'const x = 1;',
    ]) {
      expect(isTopLevelDefinition(line), line).toBe(true);
    }
    for (const line of ['return x;', 'if (a) {', 'x = 1', '}', 'import x from "y";'])
      expect(isTopLevelDefinition(line), line).toBe(false);
  });

  it('accepts common source extensions and picks their language', async () => {
    const cases: [string, string][] = [
      ['a.py', 'python'],
      ['b.go', 'go'],
      ['c.rs', 'rust'],
      ['d.java', 'java'],
      ['e.cpp', 'cpp'],
      ['f.sh', 'shell'],
      ['g.JSX', 'javascript'],
    ];
    for (const [name, language] of cases) {
      expect(codeParser.accepts(name, '')).toBe(true);
      expect((await codeParser.parse(new TextEncoder().encode('x = 1\n'), name)).codeLanguage).toBe(language);
    }
    expect(codeParser.accepts('notes.txt', 'text/plain')).toBe(false);
  });

  it('cuts a 2 MB file of 60k functions into 60k blocks (cost linear in size)', () => {
    const parts: string[] = [];
    for (let i = 0; i < 60_000; i++) parts.push(`function f${i}(a) {\n  return a + ${i};\n}`);
    const text = parts.join('\n');
    const blocks = codeBlocks(text);
    expect(blocks).toHaveLength(60_000);
    expect(text.slice(blocks[59_999]!.start, blocks[59_999]!.end)).toBe('function f59999(a) {\n  return a + 59999;\n}');
  });
});
