// Reranking shown results with the cross-encoder, and its calibration on this device.

export interface RerankCalibration {
  /** Measured milliseconds per (query, passage) pair at about `pairTokens` tokens. */
  msPerPair: number;
  /** Largest N ≤ maxDepth whose rerank is expected within budgetMs. */
  depth: number;
  /** Whether reranking should be on by default: depth reaches minDepth. */
  enabled: boolean;
}

export interface RerankerStatus {
  state: 'idle' | 'loading' | 'ready' | 'unavailable';
  rerankerId: string;
  device?: string;
  error?: string;
  /** Measured on this device at load: ms per 256-token pair, how many pairs fit in ~1 s. */
  calibration?: RerankCalibration;
  /** Passages a rerank reorders by default: the rerankDepth setting, capped by the calibration when it is enabled. */
  depth: number;
  /** Whether the UI reranks unless the user switches it off (rerankDefault, or 'auto': the calibration). */
  enabledByDefault: boolean;
}

export interface RerankRequest {
  /** Results to score (default: RerankerStatus.depth). */
  depth?: number;
}

export interface RerankedResult {
  chunkId: number;
  /** Cross-encoder score (a logit); absent for results beyond the depth, which keep their order behind. */
  rerank?: number;
  rerankRank: number;
  /** 1-based position in the order given. */
  previousRank: number;
}

export interface RerankResponse {
  query: string;
  /** Every chunk id given, in the new order. */
  results: RerankedResult[];
  depth: number;
  tookMs: number;
}

export interface RerankApi {
  /** The cross-encoder's state and its calibration on this device (whether reranking is on by default). */
  rerankerStatus(): Promise<RerankerStatus>;
  /**
   * Reorders the given results (best first, as search returned them) by the cross-encoder: the first `depth` are
   * scored and sorted, the rest keep their order behind. A newer call cancels an unfinished one: it resolves undefined.
   */
  rerank(query: string, chunkIds: number[], options?: RerankRequest): Promise<RerankResponse | undefined>;
}
