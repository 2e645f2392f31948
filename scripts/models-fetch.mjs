#!/usr/bin/env node
// Self-hosting: downloads embedding models from the Hugging Face hub into public/models/<repo>/, the layout the app
// loads with remote models off (localModelPath). Run where the hub is reachable; the build then serves the files
// from its own origin (and under any base path: <base>models/).
//
//   npm run models:fetch -- <id>… [--out DIR] [--dtype q8,fp32] [--revision REV] [--force]
//
// <id> is a registry id (bge-small-en-v1.5) or any hub repo (owner/name; checked first, see custom-model.ts).
// Files: config.json, the tokenizer files and the ONNX file of each dtype the model runs with (registry dtypes per
// device, or --dtype). The revision is resolved to the hub's commit and recorded in trove-source.json beside them.
// TROVE_HUB_URL points at another hub (a mirror, or a test's local stand-in).
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkCustomModel, repoIdProblem } from '../src/engine/models/custom-model.ts';
import { MODEL_REGISTRY } from '../src/engine/models/model-registry.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, 'public/models');
export const DEFAULT_HUB = 'https://huggingface.co';
const REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const OPTIONAL = ['special_tokens_map.json', '1_Pooling/config.json'];
const DTYPE_FILE = {
  fp32: 'onnx/model.onnx',
  q8: 'onnx/model_quantized.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q4: 'onnx/model_q4.onnx',
};

class FetchError extends Error {}

function hubUrl(hub, ...parts) {
  return `${hub.replace(/\/+$/, '')}/${parts.map((p) => p.split('/').map(encodeURIComponent).join('/')).join('/')}`;
}

async function getJson(url) {
  const response = await globalThis.fetch(url, { redirect: 'follow' });
  if (!response.ok) throw new FetchError(`${url} answered ${response.status} ${response.statusText}`);
  return response.json();
}

/** Registry entry, or a repo id the hub will be asked about. */
function resolveId(id) {
  if (Object.hasOwn(MODEL_REGISTRY, id)) {
    const spec = MODEL_REGISTRY[id];
    if (spec.localOnly)
      throw new FetchError(`"${id}" is a local-only fixture (${spec.repo}); generate it with npm run fixtures.`);
    return { repo: spec.repo, revision: spec.revision, spec };
  }
  if (!id.includes('/')) {
    throw new FetchError(
      `Unknown model "${id}". Registry ids: ${Object.keys(MODEL_REGISTRY).join(', ')}; or give a hub repo as owner/name.`,
    );
  }
  const problem = repoIdProblem(id);
  if (problem) throw new FetchError(problem);
  return { repo: id, revision: 'main', spec: undefined };
}

/** Downloads one file to dest (via a temporary name, so an interrupted run never leaves a truncated model file). */
async function download(url, dest) {
  const response = await globalThis.fetch(url, { redirect: 'follow' });
  if (!response.ok || !response.body) throw new FetchError(`${url} answered ${response.status} ${response.statusText}`);
  await mkdir(path.dirname(dest), { recursive: true });
  const partial = `${dest}.partial`;
  try {
    await pipeline(Readable.fromWeb(response.body), createWriteStream(partial));
    const expected = Number(response.headers.get('content-length'));
    const { size } = await stat(partial);
    if (Number.isFinite(expected) && expected > 0 && size !== expected) {
      throw new FetchError(`${url}: got ${size} bytes, expected ${expected} (connection cut?)`);
    }
    await rename(partial, dest);
    return size;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Fetches each model into outDir/<repo>/. Returns what was done per model. Throws FetchError with a message that
 * names the model, the file and the URL on the first failure.
 */
export async function fetchModels(
  ids,
  {
    outDir = DEFAULT_OUT_DIR,
    hub = process.env.TROVE_HUB_URL ?? DEFAULT_HUB,
    dtypes,
    revision,
    force = false,
    log = console.log,
  } = {},
) {
  if (ids.length === 0) throw new FetchError('Name at least one model: npm run models:fetch -- bge-small-en-v1.5');
  const results = [];
  for (const id of ids) {
    const target = resolveId(id);
    const rev = revision ?? target.revision;
    // The hub's model info: the commit sha the revision points at, and the file list.
    const info = await getJson(hubUrl(hub, 'api/models', target.repo, 'revision', rev));
    const sha = typeof info.sha === 'string' ? info.sha : rev;
    const files = (Array.isArray(info.siblings) ? info.siblings : [])
      .map((s) => s.rfilename)
      .filter((f) => typeof f === 'string');
    let spec = target.spec;
    if (!spec) {
      const config = await getJson(hubUrl(hub, target.repo, 'resolve', sha, 'config.json')).catch(() => undefined);
      const poolingConfig = files.includes('1_Pooling/config.json')
        ? await getJson(hubUrl(hub, target.repo, 'resolve', sha, '1_Pooling/config.json')).catch(() => undefined)
        : undefined;
      const check = checkCustomModel({ repo: target.repo, revision: sha, config, files, poolingConfig });
      if (!check.ok)
        throw new FetchError(`${target.repo} cannot be used as an embedding model: ${check.problems.join(' ')}`);
      for (const note of check.notes) log(`  note: ${note}`);
      spec = check.spec;
    }
    const wanted = dtypes ?? [...new Set(Object.values(spec.dtype))];
    const onnx = wanted.map((dtype) => {
      const file = DTYPE_FILE[dtype];
      if (!file) throw new FetchError(`Unknown dtype "${dtype}" (valid: ${Object.keys(DTYPE_FILE).join(', ')}).`);
      return file;
    });
    const missing = [...REQUIRED, ...onnx].filter((file) => files.length > 0 && !files.includes(file));
    if (missing.length > 0)
      throw new FetchError(`${target.repo}@${sha} has no ${missing.join(', ')} (files: ${files.join(', ')}).`);
    const optional = OPTIONAL.filter((file) => files.includes(file));

    const dir = path.join(outDir, ...target.repo.split('/'));
    const fetched = [];
    const skipped = [];
    for (const file of [...REQUIRED, ...optional, ...onnx]) {
      const dest = path.join(dir, ...file.split('/'));
      if (!force && existsSync(dest) && (await stat(dest)).size > 0) {
        skipped.push(file);
        continue;
      }
      const url = hubUrl(hub, target.repo, 'resolve', sha, file);
      try {
        const size = await download(url, dest);
        log(`  ${target.repo}/${file}: ${(size / 1e6).toFixed(1)} MB`);
      } catch (error) {
        throw new FetchError(
          `${target.repo}: could not download ${file}: ${error instanceof Error ? error.message : error}`,
        );
      }
      fetched.push(file);
    }
    const source = {
      repo: target.repo,
      requested: rev,
      revision: sha,
      hub,
      files: [...REQUIRED, ...optional, ...onnx],
      dtypes: wanted,
    };
    await writeFile(path.join(dir, 'trove-source.json'), `${JSON.stringify(source, null, 2)}\n`);
    log(
      `${id}: ${target.repo}@${sha.slice(0, 12)} in ${path.relative(process.cwd(), dir) || dir} (${fetched.length} fetched, ${skipped.length} already there)`,
    );
    results.push({ id, repo: target.repo, revision: sha, dir, fetched, skipped });
  }
  return results;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      dtype: { type: 'string' },
      revision: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  await fetchModels(positionals, {
    outDir: values.out ? path.resolve(values.out) : DEFAULT_OUT_DIR,
    dtypes: values.dtype ? values.dtype.split(',').map((d) => d.trim()) : undefined,
    revision: values.revision,
    force: values.force,
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof FetchError ? `models:fetch: ${error.message}` : error);
    process.exit(1);
  });
}
