/** What an import computes once for a dataset version and stores with it (newsgraph.datasets.facts). */
import type { CorpusStats, CostFacts } from '../contract.js';

/** A search field's statistics for BM25: documents with the field, and words in all. */
export interface FieldStats {
  documents: number;
  totalLength: number;
}

export interface DatasetFacts {
  stats: CorpusStats;
  costFacts: CostFacts;
  search: { names: FieldStats; headline: FieldStats; body: FieldStats };
}
