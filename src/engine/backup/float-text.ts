// Vectors as decimal text (JSON for Qdrant, SQL for pgvector): 9 significant digits identify every float32, so
// the server's float32 equals Trove's bit for bit, in about 12 characters (the float64 spelling takes ~20).
// toPrecision(9) as is: the shortest spelling costs 5× more time, for 1 character less.

/** The decimal spelling of a float32, e.g. "0.0787581354", "-1.23456789e-7", "-0". */
export function float32String(value: number): string {
  return Object.is(value, -0) ? '-0' : value.toPrecision(9);
}

/** The number that float32String spells (what a JSON parser reads back). */
export function float32Decimal(value: number): number {
  return Number(float32String(value));
}

/** "[v0,v1,…]": the pgvector input syntax, and a JSON array. */
export function vectorText(vector: Float32Array): string {
  let text = '[';
  for (let i = 0; i < vector.length; i++) text += (i ? ',' : '') + float32String(vector[i]);
  return text + ']';
}
