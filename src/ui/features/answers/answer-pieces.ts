// An answer sentence cut into what the panel draws: plain text, and citation marks [n] as links to passage n.
// Marks that name no passage in the context are left out of the text (the answer counts them as dropped), and
// grouped marks ("[1, 3]", "[1][3]") become one link per number. Pure, so it is tested without a browser.
export type AnswerPiece = { kind: 'text'; text: string } | { kind: 'citation'; n: number };

const MARK = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

export function answerPieces(text: string, passageCount: number): AnswerPiece[] {
  const pieces: AnswerPiece[] = [];
  let last = 0;
  const pushText = (value: string) => {
    if (value === '') return;
    const previous = pieces.at(-1);
    if (previous?.kind === 'text') previous.text += value;
    else pieces.push({ kind: 'text', text: value });
  };
  for (const match of text.matchAll(MARK)) {
    pushText(text.slice(last, match.index));
    last = match.index + match[0].length;
    for (const part of match[1].split(',')) {
      const n = Number(part.trim());
      if (Number.isInteger(n) && n >= 1 && n <= passageCount) pieces.push({ kind: 'citation', n });
    }
  }
  pushText(text.slice(last));
  // A dropped mark leaves a gap before the punctuation ("grows well [9]." → "grows well ."): close it up.
  for (const piece of pieces) if (piece.kind === 'text') piece.text = piece.text.replace(/ +([.,;:!?])/g, '$1');
  return pieces;
}
