import { migration001 } from './001_init.js';
import { migration002 } from './002_rulebook_versions.js';
import { migration003 } from './003_traces.js';
import { migration004 } from './004_response_cache.js';
import { migration005 } from './005_review_priority.js';
import { migration006 } from './006_trace_model.js';
import { migration007 } from './007_draft_history.js';
import { migration008 } from './008_schema_changes.js';
import { migration009 } from './009_answer_of_record.js';
import { migration010 } from './010_publish.js';
import { migration011 } from './011_trace_store.js';
import { migration012 } from './012_trace_import.js';
import { migration013 } from './013_run_validity.js';
import { migration014 } from './014_replays.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/** Every migration this version of Casebook knows, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011, migration012, migration013, migration014];
