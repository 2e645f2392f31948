// Vectors as decimal text (JSON for Qdrant, SQL for pgvector): 9 significant digits identify every float32, so
// the server's float32 equals Trove's bit for bit, in about half the characters of the float64 spelling.
export function float32Decimal(value: number): number {
  return Number(value.toPrecision(9));
}

/** The decimal spelling of a float32, "-0" included (String(-0) is "0"). */
export function float32String(value: number): string {
  return Object.is(value, -0) ? '-0' : String(float32Decimal(value));
}

/** "[v0,v1,…]", the pgvector input syntax (and a JSON array). */
export function vectorText(vector: Float32Array): string {
  let text = '[';
  for (let i = 0; i < vector.length; i++) text += (i ? ',' : '') + float32String(vector[i]);
  return text + ']';
}
