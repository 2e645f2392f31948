// The embedding map: the library's passages projected to 2-D, with what the page needs to draw and open each point.

export interface MapOptions {
  collections?: string[];
  /** At most this many points (default 20,000): larger libraries are thinned evenly. */
  maxPoints?: number;
}

export interface LibraryMap {
  /** x, y pairs, one per passage. */
  points: Float32Array;
  chunkIds: Uint32Array;
  documentIds: Uint32Array;
  /** Passage offsets in their document (to open the viewer at the passage). */
  starts: Uint32Array;
  ends: Uint32Array;
  /** The first characters of each passage, for the tooltip. */
  texts: string[];
  /** The documents among the points that are pictures (an image file): the map draws their thumbnails up close. */
  pictureDocumentIds: Uint32Array;
  method: 'pca' | 'umap';
  /** Live passages with vectors before thinning. */
  total: number;
}

export interface MapApi {
  /** The library's passages projected to 2-D (PCA, then UMAP on a sample), with progress; cancelMap() stops it. */
  projectMap(
    options?: MapOptions,
    onProgress?: (progress: { stage: string; fraction: number }) => void,
  ): Promise<LibraryMap>;
  cancelMap(): Promise<void>;
}
