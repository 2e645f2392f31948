// Types for models-fetch.mjs (a Node script run with tsx; imported by its test).
export declare const DEFAULT_OUT_DIR: string;
export declare const DEFAULT_HUB: string;
export interface FetchModelsOptions {
  outDir?: string;
  hub?: string;
  dtypes?: string[];
  revision?: string;
  force?: boolean;
  log?: (line: string) => void;
}
export interface FetchedModel {
  id: string;
  repo: string;
  revision: string;
  dir: string;
  fetched: string[];
  skipped: string[];
}
export declare function fetchModels(ids: string[], options?: FetchModelsOptions): Promise<FetchedModel[]>;
