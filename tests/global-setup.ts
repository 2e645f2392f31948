// Builds the offline model fixtures once before the unit tests (idempotent; no network).
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/make-model-fixture.mjs'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/make-reranker-fixture.mjs'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/make-generator-fixture.mjs'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/make-clip-fixture.mjs'], { stdio: 'inherit' });
}
