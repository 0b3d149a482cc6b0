-- The Citus layout of one dataset version (docs/scaling.md, "Table layout, and Citus"). NOT RUN ON CITUS: Citus
-- is not installable where newsgraph is tested (Debian ships no package of it). What was checked, by
-- tests/citus-layout.test.ts on an ordinary PostgreSQL with stand-in functions of the same names and arguments:
-- that this file names every table of a dataset version (src/data/postgres/dataset-tables.ts) exactly once, that
-- every distribution column exists, that tables colocated share the distribution column's type and collation, and
-- that a distributed table's primary key contains its distribution column (Citus refuses it otherwise).
--
-- What would be run, on the Citus coordinator, for an imported version newsgraph_d<ID>:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v schema=newsgraph_d<ID> -f docs/citus-layout.sql
-- The import writes a version and then makes it current; this file distributes a version already written (its
-- tables hold rows: create_distributed_table copies them to the shards, then the coordinator's local copies are
-- truncated). The import itself would call the same functions right after its CREATE TABLEs, before the COPY
-- (src/data/postgres/import.ts does not: see docs/scaling.md).
SET search_path TO :"schema", public;

-- Distributed by article: the bulk of the data, every article-scoped list on one shard.
SELECT create_distributed_table('articles', 'slug');
SELECT create_distributed_table('mentions', 'article', colocate_with => 'articles');
SELECT create_distributed_table('article_entities', 'article', colocate_with => 'articles');
-- A one-word search reads each shard's top rows of its term (term, rank DESC) and the coordinator merges them.
SELECT create_distributed_table('title_postings', 'slug', colocate_with => 'articles');

-- Reference tables (a copy on every worker): read by entity, by name or whole, joined from any shard.
SELECT create_reference_table('entities');
SELECT create_reference_table('affiliations');
SELECT create_reference_table('participations');
SELECT create_reference_table('involvements');
SELECT create_reference_table('organization_relations');
SELECT create_reference_table('event_relations');
SELECT create_reference_table('claims');
SELECT create_reference_table('match_forms');
SELECT create_reference_table('search_terms');
SELECT create_reference_table('corpus_periods');
SELECT create_reference_table('entity_periods');
SELECT create_reference_table('co_mentions');

-- The rows now live in the shards; the coordinator's local copies would only be stale duplicates.
SELECT truncate_local_data_after_distributing_table('articles');
SELECT truncate_local_data_after_distributing_table('mentions');
SELECT truncate_local_data_after_distributing_table('article_entities');
SELECT truncate_local_data_after_distributing_table('title_postings');
SELECT truncate_local_data_after_distributing_table('entities');
SELECT truncate_local_data_after_distributing_table('affiliations');
SELECT truncate_local_data_after_distributing_table('participations');
SELECT truncate_local_data_after_distributing_table('involvements');
SELECT truncate_local_data_after_distributing_table('organization_relations');
SELECT truncate_local_data_after_distributing_table('event_relations');
SELECT truncate_local_data_after_distributing_table('claims');
SELECT truncate_local_data_after_distributing_table('match_forms');
SELECT truncate_local_data_after_distributing_table('search_terms');
SELECT truncate_local_data_after_distributing_table('corpus_periods');
SELECT truncate_local_data_after_distributing_table('entity_periods');
SELECT truncate_local_data_after_distributing_table('co_mentions');
