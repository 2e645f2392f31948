export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}
export function zip(files: Record<string, string | Uint8Array>, stored?: string[]): Uint8Array;
export function makeDocx(items: Array<[string, unknown] | [string, unknown, string]>): Uint8Array;
export function makeEpub(
  title: string,
  chapters: { file: string; title: string; html: string }[],
  options?: { nav?: boolean },
): Uint8Array;
export function renderText(
  lines: string[],
  options?: { scale?: number; blur?: number; margin?: number; background?: (x: number, y: number) => number },
): GreyImage;
export function encodePng(image: GreyImage): Uint8Array;
export function makeScannedPdf(image: GreyImage): Uint8Array;
export const FORMAT_PHRASES: Record<string, { phrase: string; heading?: string[]; row?: number; page?: number }>;
export function formatFixtures(): Record<string, Uint8Array>;
export function writeFormatFixtures(dir: string): string[];
