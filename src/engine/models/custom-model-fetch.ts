// Reads what a Hugging Face repo says about itself (file list, config.json, sentence-transformers pooling config)
// from the build's model host, for checkCustomModel. Only a few small JSON files; nothing is downloaded past them.
// A `self` build reads the self-hosted copy under the models/ folder (probing the files a text model needs).
import { TroveError } from '../core/errors.ts';
import { repoIdProblem, type RepoFacts } from './custom-model.ts';
import type { ModelHost } from './model-host.ts';

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Files worth probing in a self-hosted copy (no file-list API there). */
const PROBED = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
  'onnx/model_quantized.onnx',
  'onnx/model_fp16.onnx',
  'onnx/model_q4.onnx',
  '1_Pooling/config.json',
];

/** Errors: INVALID_ARGUMENT (bad repo id), MODEL_UNAVAILABLE (the host does not answer or has no such repo). */
export async function fetchRepoFacts(
  repo: string,
  where: { host: ModelHost; localModelUrl: string },
  fetchImpl: Fetch,
  signal?: AbortSignal,
): Promise<RepoFacts> {
  const problem = repoIdProblem(repo);
  if (problem) throw new TroveError('INVALID_ARGUMENT', problem);
  const json = async (url: string): Promise<unknown> => {
    const response = await fetchImpl(url, { signal });
    if (!response.ok) return undefined;
    try {
      return await response.json();
    } catch {
      return undefined;
    }
  };
  try {
    if (where.host.kind === 'self') {
      const base = `${where.localModelUrl}${repo}/`;
      const files: string[] = [];
      for (const file of PROBED) {
        const head = await fetchImpl(`${base}${file}`, { method: 'HEAD', signal });
        if (head.ok && !/text\/html/i.test(head.headers.get('content-type') ?? '')) files.push(file);
      }
      if (files.length === 0)
        throw new TroveError(
          'MODEL_UNAVAILABLE',
          `No copy of ${repo} on this site (${base}); run \`npm run models:fetch -- ${repo}\` where the hub is reachable.`,
        );
      return {
        repo,
        revision: 'main',
        files,
        config: files.includes('config.json') ? await json(`${base}config.json`) : undefined,
        poolingConfig: files.includes('1_Pooling/config.json') ? await json(`${base}1_Pooling/config.json`) : undefined,
      };
    }
    const infoResponse = await fetchImpl(`${where.host.url}api/models/${repo}`, { signal });
    if (infoResponse.status === 401 || infoResponse.status === 404) {
      throw new TroveError(
        'MODEL_UNAVAILABLE',
        `${new URL(where.host.url).host} has no public repo "${repo}" (check the spelling; private and gated repos cannot be used).`,
      );
    }
    if (!infoResponse.ok)
      throw new TroveError(
        'MODEL_UNAVAILABLE',
        `${new URL(where.host.url).host} answered ${infoResponse.status} for "${repo}".`,
      );
    const info = (await infoResponse.json()) as { sha?: unknown; siblings?: Array<{ rfilename?: unknown }> };
    const files = (info.siblings ?? []).map((s) => s.rfilename).filter((f): f is string => typeof f === 'string');
    const revision = typeof info.sha === 'string' && /^[0-9a-f]{40}$/.test(info.sha) ? info.sha : 'main';
    const at = `${where.host.url}${repo}/resolve/${revision}/`;
    return {
      repo,
      revision,
      files,
      config: files.includes('config.json') ? await json(`${at}config.json`) : undefined,
      poolingConfig: files.includes('1_Pooling/config.json') ? await json(`${at}1_Pooling/config.json`) : undefined,
    };
  } catch (error) {
    if (error instanceof TroveError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new TroveError('MODEL_UNAVAILABLE', `Could not read ${repo} from the model host: ${message}.`, {
      cause: error,
    });
  }
}
