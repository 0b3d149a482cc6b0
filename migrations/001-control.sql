-- The control schema: which dataset versions exist and which one servers read. The datasets themselves are
-- immutable schemas made by `npm run import` (src/data/postgres/dataset-tables.ts), never migrated: a layout
-- change is a new import.
-- Trigram indexes serve `nameContains` (a substring of folded names).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE SCHEMA IF NOT EXISTS newsgraph;

CREATE TABLE newsgraph.datasets (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The content hash of the imported fixture files (what extensions.dataVersion reports).
  version text NOT NULL,
  -- The table layout the dataset was written in (DATASET_LAYOUT); a server serves only the layout it knows.
  layout integer NOT NULL,
  -- 'loading' until the import's last transaction, then 'ready'. A 'loading' one no import holds is abandoned.
  status text NOT NULL CHECK (status IN ('loading', 'ready')),
  created_at timestamptz NOT NULL DEFAULT now(),
  ready_at timestamptz,
  -- Computed by the import: corpus counts (stats), the cost model's facts, the search fields' statistics.
  facts json
);

-- One row: the dataset servers read. Changed only in the import's last transaction, with a NOTIFY.
CREATE TABLE newsgraph.current (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  dataset integer NOT NULL REFERENCES newsgraph.datasets (id)
);
