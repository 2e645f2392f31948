// Why a passage ranked where it did: the final score and each component's score and rank.
import type { ScoreBreakdown as Scores } from '../../../engine/api/index.ts';
import type { SearchMode } from '../../../engine/api/index.ts';
import { formatScore } from '../../components/format.ts';

const BM25_TITLE = 'Keyword relevance (BM25) and rank among keyword matches';
const COSINE_TITLE = 'Similarity of meaning (cosine) and rank among semantic matches';

export function ScoreBreakdown({ scores, mode }: { scores: Scores; mode: SearchMode }) {
  const bm25 = (final: boolean) => (
    <Item
      key="bm25"
      label="BM25"
      title={BM25_TITLE}
      final={final}
      rank={scores.bm25Rank}
      score={scores.bm25 ?? (final ? scores.score : undefined)}
    />
  );
  const cosine = (final: boolean) => (
    <Item
      key="cosine"
      label="Cosine"
      title={COSINE_TITLE}
      final={final}
      rank={scores.vectorRank}
      score={scores.cosine ?? (final ? scores.score : undefined)}
    />
  );

  // In keyword or semantic mode the final score is the BM25 or cosine score itself: show it once.
  const items =
    mode === 'hybrid'
      ? [
          <Item
            key="rrf"
            label="Fused"
            title="Fusion of both rankings (RRF, or weighted scores): sets the order"
            final={scores.rerank === undefined}
            score={scores.score}
          />,
          bm25(false),
          cosine(false),
        ]
      : mode === 'keyword'
        ? [bm25(true), scores.cosine !== undefined && cosine(false)]
        : [cosine(true), scores.bm25 !== undefined && bm25(false)];

  if (scores.rerank !== undefined) {
    items.unshift(
      <Item
        key="rerank"
        label="Rerank"
        title="Cross-encoder relevance (a logit): sets the order after reranking"
        final
        score={scores.rerank}
        rank={scores.rerankRank}
      />,
    );
  }

  return (
    <dl className="scores" data-testid="result-score">
      {items}
    </dl>
  );
}

interface ItemProps {
  label: string;
  title: string;
  score?: number;
  rank?: number;
  final?: boolean;
}

function Item({ label, title, score, rank, final = false }: ItemProps) {
  return (
    <div className={final ? 'scores__item scores__item--final' : 'scores__item'} title={title}>
      <dt>{label}</dt>
      <dd>
        {score === undefined ? <span className="scores__none">not matched</span> : formatScore(score)}
        {rank !== undefined && <span className="scores__rank">#{rank}</span>}
      </dd>
    </div>
  );
}
